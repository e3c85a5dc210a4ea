"""An unrelated story whose speakers share surnames with the seeds' people: nothing of the seeds comes out.

The texts are invented (sports and local news). The package knows no person: the seeds' who's who
lives in ``seeds/people.csv`` and is read only for a corpus it lies beside (or when passed).
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import config
from analysis.framing.quotes import read_people, resolve_people

pytestmark = pytest.mark.integration

MATCH = (
    "Rovers held on to beat City 2-1 at Riverside Park on Saturday.\n\n"
    "“We defended well and deserved the win,” Costa said after the final whistle. "
    "The goalkeeper made six saves.\n\n"
    "“Our players were tired after the long trip,” said Peskov, the visiting coach. "
    "He added that two starters had been ill all week.\n\n"
    "A club spokesman said ticket sales for the next home game had doubled."
)
COUNCIL = (
    "Mayor Jane Macron said on Tuesday that the council would reopen the Elm Street library in May.\n\n"
    "“We listened to residents,” Macron said. Club president Alan Trump said the rowing club would "
    "lend volunteers. “We will paint the reading room ourselves,” the president said.\n\n"
    "Councillor Anna Lavrov, a Labour member of the council, said the budget was tight but fair. "
    "“Every branch matters,” Lavrov said."
)


@pytest.fixture(scope="module")
def unrelated(tmp_path_factory):
    import analysis

    folder = tmp_path_factory.mktemp("unrelated")
    for name, text in (("match.txt", MATCH), ("council.txt", COUNCIL)):
        (folder / name).write_text(text, encoding="utf-8")
    arts = analysis.load_corpus(folder)
    ann = analysis.annotate(arts, cache_dir=tmp_path_factory.mktemp("cache"))
    return folder, arts, analysis.quotes(arts, annotations=ann, people=resolve_people(folder))


def seed_people():
    table = pd.read_csv(config.SEEDS_DIR / "people.csv", dtype=str, keep_default_na=False)
    people = table[table["kind"] == "person"]
    return set(people["name"]), set(table["affiliation"])


def test_no_seed_person_or_affiliation_comes_out(unrelated):
    folder, _, q = unrelated
    assert resolve_people(folder) is None  # no people.csv beside this corpus: nothing known in advance
    names, affiliations = seed_people()
    assert len(q) >= 6
    assert not set(q["speaker_canonical"].dropna()) & names
    assert not set(q["speaker_affiliation"].dropna()) & affiliations


def test_speakers_come_from_the_article_itself(unrelated):
    _, arts, q = unrelated
    by_quote = {r.quote[:20]: r for r in q.itertuples()}
    # a surname the article never completes stays a surname
    assert by_quote["We defended well and"].speaker_canonical == "Costa"
    coach = by_quote["Our players were tir"]
    assert coach.speaker_canonical == "Peskov" and coach.speaker_is_person
    # the article's own introductions: full name first, surname later; a role noun it introduced
    assert by_quote["We listened to resid"].speaker_canonical == "Jane Macron"
    assert by_quote["We will paint the re"].speaker_canonical == "Alan Trump"
    lavrov = by_quote["Every branch matters"]
    assert lavrov.speaker_canonical == "Anna Lavrov"
    # party from the text ("a Labour member"), not from a list of people
    assert lavrov.speaker_affiliation == "Labour Party"


def test_the_seeds_people_file_is_read_beside_the_seeds_only(seed_articles):
    assert resolve_people(seed_articles) == config.SEEDS_DIR / "people.csv"
    known = read_people(resolve_people(config.SEEDS_DIR))
    assert known.surnames["peskov"] == "Dmitry Peskov" and known.affiliation_of("Peskov") == "Russia"
