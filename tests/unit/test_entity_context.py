"""Unit tests of the article-evidence rules for entity spans and labels, and of true-casing (no spaCy).

Texts are invented. A mark-up ``"[Pirelli SpA|PERSON] said"`` stands in for spaCy's output
(including its errors); line breaks are tokens, as spaCy makes them.
"""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis.annotate.truecase import is_caps_line, truecase
from analysis.measures import entities as E
from analysis.measures.entities.context import acronym_of, is_acronym

TOKEN_RE = re.compile(r"\n|(?:[A-Z]\.){2,}|\w+(?:[-']\w+)*|[’']s\b|[^\s]")
MARK_RE = re.compile(r"\[([^\]|]+)\|([A-Z_]+)\]")


def mentions(marked: str) -> pd.DataFrame:
    """Canonical mentions of one marked-up article (one field, ``text``)."""
    plain, spans, pos = "", [], 0
    for m in MARK_RE.finditer(marked):
        plain += marked[pos : m.start()]
        spans.append((len(plain), len(plain) + len(m.group(1)), m.group(2)))
        plain += m.group(1)
        pos = m.end()
    plain += marked[pos:]
    rows, sent = [], 0
    for i, m in enumerate(TOKEN_RE.finditer(plain)):
        rows.append(
            {"article_id": "a", "field": "text", "sentence_id": sent, "token_id": i,
             "start_char": m.start(), "end_char": m.end(), "text": m.group(0)}
        )  # fmt: skip
        if m.group(0) in {".", "\n"}:
            sent += 1
    toks = pd.DataFrame(rows)
    ents = []
    for s, e, label in spans:
        inside = toks[(toks.start_char >= s) & (toks.end_char <= e)]
        ents.append(
            {"article_id": "a", "field": "text", "sentence_id": int(inside.sentence_id.iloc[0]),
             "start_char": s, "end_char": e, "start_token": int(inside.token_id.min()),
             "end_token": int(inside.token_id.max()) + 1, "text": plain[s:e], "label": label}
        )  # fmt: skip
    m = E.mentions_from_tables(toks, pd.DataFrame(ents))
    assert (m["text"] == [plain[s:e] for s, e in zip(m.start_char, m.end_char, strict=True)]).all()
    return m


def labels(m: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(m["text"], m["label"], strict=True))


# --------------------------------------------------------------------------- acronyms


def test_acronym_the_article_defines_takes_the_name_label_everywhere():
    m = mentions(
        "The [World Health Organization ( WHO )|ORG] warned on Monday . "
        "Officials of [WHO|PERSON] met in Geneva . WHO said more ."
    )
    assert labels(m) == [
        ("World Health Organization", "ORG"), ("WHO", "ORG"), ("WHO", "ORG"), ("WHO", "ORG"),
    ]  # fmt: skip
    assert set(m.loc[m.text == "WHO", "kind"]) == {"organisation"}
    assert (m.loc[m.text == "WHO", "via"] == ["ner", "ner", "context"]).all()


def test_acronym_before_its_name_and_initials_rule():
    m = mentions("The NLD ( [National League for Democracy|ORG] ) won . NLD leaders spoke .")
    assert labels(m) == [("NLD", "ORG"), ("National League for Democracy", "ORG"), ("NLD", "ORG")]
    assert acronym_of(["State", "Law", "and", "Order", "Restoration", "Council"], "SLORC")
    assert not acronym_of(["Irish", "Republican", "Army"], "NATO")
    assert is_acronym("U.N.") and not is_acronym("Who")


def test_an_acronym_inside_a_longer_name_is_left_in_it():
    m = mentions("The [United Nations ( UN )|ORG] met . The [UN Security Council|ORG] voted .")
    assert labels(m) == [("United Nations", "ORG"), ("UN", "ORG"), ("UN Security Council", "ORG")]


def test_unrelated_bracketed_capitals_are_not_an_acronym():
    m = mentions("The [Irish Republican Army|ORG] ( NATO ) denied it . NATO said nothing .")
    assert labels(m) == [("Irish Republican Army", "ORG")]


# --------------------------------------------------------------------------- organisation heads


def test_names_with_an_organisation_head_are_organisations():
    m = mentions(
        "[Pirelli SpA|PERSON] said [Quarry Widgets Ltd|GPE] and [Varnholt Party|PERSON] agreed , "
        "like the [Central Narcotics Bureau|LOC] ."
    )
    assert labels(m) == [
        ("Pirelli SpA", "ORG"), ("Quarry Widgets Ltd", "ORG"), ("Varnholt Party", "ORG"),
        ("Central Narcotics Bureau", "ORG"),
    ]  # fmt: skip
    assert set(m["kind"]) == {"organisation"}


def test_a_known_place_ending_in_a_head_word_stays_a_place():
    m = mentions("Settlers in the [West Bank|GPE] protested .")
    assert labels(m) == [("West Bank", "GPE")] and m.kind.iloc[0] == "place"


# --------------------------------------------------------------------------- majority label


def test_majority_label_within_the_article():
    m = mentions(
        "[Kovrana|ORG] won the bid . [Kovrana|PERSON] said it would pay . [Kovrana|ORG] shares rose ."
    )
    assert labels(m) == [("Kovrana", "ORG")] * 3
    assert set(m.kind) == {"organisation"}


def test_a_tie_or_a_thin_majority_leaves_the_labels_alone():
    m = mentions("[Kovrana|ORG] won the bid . [Kovrana|PERSON] said it would pay .")
    assert labels(m) == [("Kovrana", "ORG"), ("Kovrana", "PERSON")]
    m = mentions(
        "[Vell|ORG] won . [Vell|PERSON] said . [Vell|ORG] paid . [Vell|PERSON] left . [Vell|ORG] sold ."
    )
    assert [lab for _, lab in labels(m)] == ["ORG", "PERSON", "ORG", "PERSON", "ORG"]  # 3 of 5 < 2/3


def test_the_majority_leaves_a_word_of_a_full_name_to_the_person_rules():
    m = mentions("[Ann Vell|PERSON] spoke . [Vell|ORG] said . [Vell|ORG] left . [Vell|PERSON] won .")
    assert set(m.kind) == {"person"} and set(m.canonical) == {"Ann Vell"}


# --------------------------------------------------------------------------- layout


def test_results_lines_name_teams_and_countries_stay_places():
    m = mentions(
        "[Stokeham 2 Tranwell|ORG] 1\nJapan 2 Syria 1\nBurnbury 4 2 0 2 6 7 6\nPort Valley v Hullby\n"
        "[Mark Tenby|PERSON] scored 2 goals in 3 games .\n"
    )
    assert labels(m) == [
        ("Stokeham", "ORG"), ("Tranwell", "ORG"), ("Japan", "GPE"), ("Syria", "GPE"),
        ("Burnbury", "ORG"), ("Port Valley", "ORG"), ("Hullby", "ORG"), ("Mark Tenby", "PERSON"),
    ]  # fmt: skip
    assert (m.loc[m.text == "Japan", "kind"] == "place").all()


def test_a_team_in_a_table_relabels_the_same_name_in_prose():
    m = mentions("Grimsworth 4 2 1 1 6 5 7\nThe coach of [Grimsworth|GPE] resigned .")
    assert labels(m) == [("Grimsworth", "ORG"), ("Grimsworth", "ORG")]


def test_dateline_place_in_capitals():
    m = mentions("Markets calm .\nLONDON 1996-08-30\nShares rose .")
    assert labels(m) == [("LONDON", "GPE")]
    assert m.canonical.iloc[0] == "London" and m.country.iloc[0] == "United Kingdom"
    assert labels(mentions("KIRWAN , Vermont Aug 30\nRain fell .")) == [("KIRWAN", "GPE")]
    assert labels(mentions("NOTE : the figures are final .")) == []


def test_spans_split_at_numbers_brackets_and_lose_the_and_lower_case_tails():
    m = mentions(
        "Reports of [the Bank of Canada|ORG] and [Ostrava news agency|ORG] and [Dinamo ( Russia|ORG] ) ."
    )
    assert labels(m) == [("Bank of Canada", "ORG"), ("Ostrava", "ORG"), ("Dinamo", "ORG"), ("Russia", "GPE")]


def test_organisations_opening_with_a_given_name_stay_organisations():
    m = mentions("[Edison Research|ORG] and the [Christian Democratic Union|ORG] and [Des Moines|GPE] .")
    assert [lab for _, lab in labels(m)] == ["ORG", "ORG", "GPE"]


def test_names_opening_with_a_given_name_are_people():
    m = mentions(
        "[Romania|GPE] - [Mihai Tararache|ORG] ( 75th ) .\nMark Philippoussis ( [Australia|GPE] ) won ."
    )
    assert labels(m) == [
        ("Romania", "GPE"), ("Mihai Tararache", "PERSON"), ("Mark Philippoussis", "PERSON"),
        ("Australia", "GPE"),
    ]  # fmt: skip


# --------------------------------------------------------------------------- true-casing


def test_truecase_uses_the_articles_own_casing_and_keeps_offsets():
    text = "ZORVIA - KELMAR WINS IRA CASE OVER ACME\nIn court , Kelmar told IRA lawyers that acme was wrong ."
    out = truecase(text)
    assert out.split("\n")[0] == "Zorvia - Kelmar wins IRA case over acme"
    assert out.split("\n")[1] == text.split("\n")[1]  # mixed-case lines are never changed
    assert len(out) == len(text) and out.lower() == text.lower()


def test_truecase_without_evidence_lowers_common_words_and_titles_names():
    assert truecase("QUENTRAL DEFEATS BAILEY IN FRONT OF FANS") == "Quentral defeats bailey in front of fans"
    assert truecase("U.S. AND U.K. TALK") == "U.S. and U.K. talk"
    assert not is_caps_line("NO.") and is_caps_line("LONDON 1996-08-30")


@given(st.text(alphabet=st.sampled_from(list("ABCDEFGHIJK abcdefg-.'\n0123İß")), max_size=80))
def test_truecase_changes_only_the_case_of_letters(text):
    out = truecase(text)
    assert len(out) == len(text)
    assert all(a == b or a.lower() == b.lower() for a, b in zip(out, text, strict=True))
    for line_in, line_out in zip(text.split("\n"), out.split("\n"), strict=True):
        if not is_caps_line(line_in):
            assert line_in == line_out
