"""Which verb and which person a quotation is attributed to (invented text, spaCy parse).

Each test states one rule of :mod:`analysis.framing.quotes.detect` about choosing the speaker of a
quotation: the clause right after it, a person reported in between, the reporter of a partial
quotation, a sentence ending in a colon. The texts are invented.
"""

from __future__ import annotations

import pandas as pd
import pytest

import analysis

pytestmark = pytest.mark.integration

INTRO = (
    "Dana Whitfield, the mayor of Brookfield, spoke at the town hall on Tuesday. "
    "Paul Grady, a council member, spoke after her.\n\n"
    '"We will fix the roads before winter," Grady said.\n\n'
)


def speaker_of(text: str, words: str) -> str | None:
    """Return the canonical speaker of the direct or partial quotation that contains ``words``."""
    arts = pd.DataFrame([{"article_id": "a1", "title": "", "text": text, "status": "ok", "outlet": "X"}])
    q = analysis.quotes(arts)
    q = q[q["kind"].isin(["direct", "partial"])]
    hits = [r.speaker_canonical for r in q.itertuples(index=False) if words in r.quote]
    assert len(hits) == 1, q[["quote", "speaker_canonical", "method"]].to_string()
    return hits[0]


def test_any_verb_of_the_short_clause_after_the_quotation():
    # "continued" is no reporting verb; the clause right after the closing mark still names the speaker
    text = INTRO + '"The budget is ready and the crews are hired," Whitfield continued.'
    assert speaker_of(text, "budget is ready") == "Dana Whitfield"


def test_clause_after_a_question_mark():
    text = INTRO + '"Where is the money for the bridge going?" Whitfield asked the council.'
    assert speaker_of(text, "money for the bridge") == "Dana Whitfield"


def test_person_reported_in_between_takes_the_next_uncued_quotation():
    text = (
        INTRO
        + "Whitfield said that the city would borrow the money if the state refused.\n\n"
        + '"The bonds are cheap right now, and the voters approved them last year."'
    )
    assert speaker_of(text, "bonds are cheap") == "Dana Whitfield"


def test_partial_quotation_inside_a_report_goes_to_the_reporter():
    text = INTRO + 'Grady said Whitfield had promised the council "a complete plan for every road by March."'
    assert speaker_of(text, "complete plan") == "Paul Grady"


def test_sentence_ending_in_a_colon_gives_its_subject():
    text = (
        INTRO
        + "Whitfield released a short statement late in the evening:\n\n"
        + '"The city will not close the library this year, whatever the budget says."'
    )
    assert speaker_of(text, "close the library") == "Dana Whitfield"


def test_pronoun_subject_of_a_reported_clause_is_the_reporter():
    # "Sander" is not in the first-name table: the clause "Marsden said he would …" ties "he" to him
    text = (
        "Governor Tom Reyes visited the farm of Sander Marsden on Monday. Reyes praised the harvest, "
        "and Marsden said he would sell the farm next year.\n\n"
        '"It is time to rest," he said.'
    )
    assert speaker_of(text, "time to rest") == "Sander Marsden"


def attributions(text: str) -> list[tuple[str, str | None, str | None]]:
    """Return (quote, speaker phrase, speaker_canonical) of every attribution of one invented article."""
    arts = pd.DataFrame([{"article_id": "a1", "title": "", "text": text, "status": "ok", "outlet": "X"}])
    q = analysis.quotes(arts)
    return [(r.quote, r.speaker, r.speaker_canonical) for r in q.itertuples(index=False)]


def test_a_thing_is_no_source():
    # sources are people, organisations and documents: a thing or an event keeps the attribution, no source
    text = (
        INTRO
        + "The talks aimed to end the strike before the holidays.\n\n"
        + "This sequence shows that the council had lost control of the budget.\n\n"
        + "A new report by the council warned that the bridge needed repairs."
    )
    found = attributions(text)
    speakers = {s.lower() for _, s, _ in found if isinstance(s, str)}
    assert not any("talks" in s or "sequence" in s for s in speakers), found
    assert any("lost control" in q and s is None for q, s, _ in found), found  # kept, with no source
    assert any("needed repairs" in q and s and "report" in s for q, s, _ in found), found  # a document is one


def test_the_author_of_a_text_and_the_owner_of_a_view_speak():
    text = (
        INTRO
        + "Whitfield issued a statement saying that the roads would be repaired by March.\n\n"
        + "Grady's letter argued that the council should sell the old depot."
    )
    found = {q: c for q, _, c in attributions(text)}
    assert next(c for q, c in found.items() if "repaired by March" in q) == "Dana Whitfield"
    assert next(c for q, c in found.items() if "old depot" in q) == "Paul Grady"
