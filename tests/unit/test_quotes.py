"""Unit tests for analysis.framing.quotes on inline token tables (no spaCy model)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analysis
from analysis.annotate import Annotations
from analysis.framing import quotes as Q
from analysis.framing.quotes import attribution, quotes, source_balance
from analysis.framing.quotes.aggregate import verb_lemma
from analysis.framing.quotes.fields import quote_spans
from analysis.framing.quotes.lexicon import default_lexicon

# ----------------------------------------------------------------------------- helpers


def parse(text: str, rows: list[tuple[str, str, str, str, str, int]], sentence_breaks=()) -> pd.DataFrame:
    """Build a token table: rows of (text, lemma, pos, tag, dep, head index); offsets found in ``text``."""
    out, pos = [], 0
    sent = 0
    for i, (word, lemma, upos, tag, dep, head) in enumerate(rows):
        start = text.index(word, pos)
        pos = start + len(word)
        if i in sentence_breaks:
            sent += 1
        out.append(
            {"article_id": "a1", "field": "text", "sentence_id": sent, "token_id": i, "start_char": start,
             "end_char": pos, "text": word, "whitespace": True, "lemma": lemma, "pos": upos, "tag": tag,
             "dep": dep, "head": head, "ent_iob": "O", "ent_type": "", "is_stop": False,
             "is_punct": upos == "PUNCT", "like_num": False}
        )  # fmt: skip
    return pd.DataFrame(out)


def ann_of(tokens: pd.DataFrame) -> Annotations:
    return Annotations(tokens, pd.DataFrame(), pd.DataFrame())


def article(text: str, **extra) -> pd.DataFrame:
    return pd.DataFrame(
        [{"article_id": "a1", "title": "", "text": text, "status": "ok", "outlet": "X", **extra}]
    )


def mentions_of(text: str, items: list[tuple[str, str, str]]) -> pd.DataFrame:
    rows = []
    for surface, canonical, kind in items:
        start = text.index(surface)
        rows.append({"article_id": "a1", "field": "text", "sentence_id": 0, "start_char": start,
                     "end_char": start + len(surface), "text": surface, "label": "", "canonical": canonical,
                     "kind": kind, "via": "ner"})  # fmt: skip
    cols = [
        "article_id",
        "field",
        "sentence_id",
        "start_char",
        "end_char",
        "text",
        "label",
        "canonical",
        "kind",
        "via",
    ]
    return pd.DataFrame(rows, columns=cols)


WIRE = "“We are ready,” Peskov said."
WIRE_TOKENS = [
    ("“", "“", "PUNCT", "``", "punct", 5),
    ("We", "we", "PRON", "PRP", "nsubj", 2),
    ("are", "be", "AUX", "VBP", "ccomp", 5),
    ("ready", "ready", "ADJ", "JJ", "acomp", 2),
    (",", ",", "PUNCT", ",", "punct", 5),
    ("”", "”", "PUNCT", "''", "punct", 5),
    ("Peskov", "Peskov", "PROPN", "NNP", "nsubj", 7),
    ("said", "say", "VERB", "VBD", "ROOT", 7),
    (".", ".", "PUNCT", ".", "punct", 7),
]
# fix heads: the quote's clause and marks hang on "said" (index 7)
WIRE_TOKENS = [(w, lem, p, t, d, 7 if h == 5 else h) for w, lem, p, t, d, h in WIRE_TOKENS]

ACCORDING = "According to the Kremlin, talks will resume soon."
ACCORDING_TOKENS = [
    ("According", "accord", "VERB", "VBG", "prep", 7),
    ("to", "to", "ADP", "IN", "prep", 0),
    ("the", "the", "DET", "DT", "det", 3),
    ("Kremlin", "Kremlin", "PROPN", "NNP", "pobj", 1),
    (",", ",", "PUNCT", ",", "punct", 7),
    ("talks", "talk", "NOUN", "NNS", "nsubj", 7),
    ("will", "will", "AUX", "MD", "aux", 7),
    ("resume", "resume", "VERB", "VB", "ROOT", 7),
    ("soon", "soon", "ADV", "RB", "advmod", 7),
    (".", ".", "PUNCT", ".", "punct", 7),
]

PRONOUN = "Macron spoke in Brussels. He warned that talks could fail."
PRONOUN_TOKENS = [
    ("Macron", "Macron", "PROPN", "NNP", "nsubj", 1),
    ("spoke", "speak", "VERB", "VBD", "ROOT", 1),
    ("in", "in", "ADP", "IN", "prep", 1),
    ("Brussels", "Brussels", "PROPN", "NNP", "pobj", 2),
    (".", ".", "PUNCT", ".", "punct", 1),
    ("He", "he", "PRON", "PRP", "nsubj", 6),
    ("warned", "warn", "VERB", "VBD", "ROOT", 6),
    ("that", "that", "SCONJ", "IN", "mark", 10),
    ("talks", "talk", "NOUN", "NNS", "nsubj", 10),
    ("could", "could", "AUX", "MD", "aux", 10),
    ("fail", "fail", "VERB", "VB", "ccomp", 6),
    (".", ".", "PUNCT", ".", "punct", 6),
]


# ----------------------------------------------------------------------------- quotation marks


def spans(text: str) -> list[str]:
    return [text[s.start : s.end] for s in quote_spans(text)]


def test_curly_and_straight_quotes_are_paired():
    text = '“We are ready,” he said. Then: "Nothing is excluded."'
    assert spans(text) == ["We are ready,", "Nothing is excluded."]


def test_apostrophes_are_not_quotation_marks():
    text = "Russia’s envoy said it’s ‘a hostile step’ by Kyiv’s allies."
    assert spans(text) == ["a hostile step"]


def test_multi_paragraph_quote_is_merged():
    text = "He said: “First paragraph goes on.\n\n“Second paragraph ends,” he added."
    (one,) = quote_spans(text)
    assert text[one.start : one.end] == "First paragraph goes on.\n\n“Second paragraph ends,"


def test_unclosed_quote_runs_to_paragraph_end_and_is_flagged():
    text = "“We have no plans to attend, Peskov told reporters.\n\nNext paragraph."
    (one,) = quote_spans(text)
    assert not one.balanced
    assert text[one.start : one.end] == "We have no plans to attend, Peskov told reporters."


def test_stray_closing_mark_opens_at_paragraph_start():
    text = "Intro.\n\nWe will respond,” the ministry said."
    (one,) = quote_spans(text)
    assert text[one.start : one.end] == "We will respond,"
    assert not one.balanced


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .,\n“”‘’\"'«»:")), max_size=120))
def test_quote_spans_never_fail_and_stay_in_bounds(text):
    for s in quote_spans(text):
        assert 0 <= s.outer_start <= s.start <= s.end <= s.outer_end <= len(text)
        assert any(ch.isalnum() for ch in text[s.start : s.end])


# ----------------------------------------------------------------------------- quotes()


def test_alias_table_country_overrides_the_affiliation():
    toks = parse(WIRE, WIRE_TOKENS)
    ments = mentions_of(WIRE, [("Peskov", "Peskov", "person")]).assign(country="Russia", via="alias")
    q = quotes(article(WIRE), annotations=ann_of(toks), mentions=ments)
    assert q.iloc[0]["speaker_affiliation"] == "Russia"


def test_wire_style_direct_quote_with_speaker_and_affiliation():
    toks = parse(WIRE, WIRE_TOKENS)
    q = quotes(
        article(WIRE), annotations=ann_of(toks), mentions=mentions_of(WIRE, [("Peskov", "Peskov", "person")])
    )
    assert len(q) == 1
    row = q.iloc[0]
    assert row["kind"] == "direct"
    assert row["quote"] == "We are ready,"
    assert row["speaker"] == "Peskov"
    # the package knows no person: a surname the article never completes stays as written
    assert row["speaker_canonical"] == "Peskov"
    # nothing in this text ties him to a country: affiliation comes from the text, not a list of people
    assert row["speaker_affiliation"] == "unknown"
    assert row["source_type"] == "other" and row["speaker_is_person"]
    assert row["verb"] == "said"
    assert WIRE[row["start_char"] : row["end_char"]] == "We are ready,"
    assert WIRE[row["speaker_start_char"] : row["speaker_end_char"]] == "Peskov"


def test_according_to_is_indirect_speech_of_an_institution():
    toks = parse(ACCORDING, ACCORDING_TOKENS)
    # the entity table gives the Kremlin's country (analysis/data/aliases.csv), as entity_mentions does
    m = mentions_of(ACCORDING, [("Kremlin", "Kremlin", "organisation")]).assign(country="Russia")
    q = quotes(article(ACCORDING), annotations=ann_of(toks), mentions=m)
    assert q[["kind", "speaker_canonical", "speaker_affiliation", "verb"]].values.tolist() == [
        ["indirect", "Kremlin", "Russia", "according to"]
    ]
    assert q.iloc[0]["quote"] == "talks will resume soon"


def test_pronoun_resolves_to_last_person():
    toks = parse(PRONOUN, PRONOUN_TOKENS, sentence_breaks={5})
    m = mentions_of(PRONOUN, [("Macron", "Emmanuel Macron", "person"), ("Brussels", "Brussels", "place")])
    m["country"] = ["France", "Belgium"]  # as entity_mentions gives them from the alias table
    q = quotes(article(PRONOUN), annotations=ann_of(toks), mentions=m)
    (row,) = q.to_dict("records")
    assert row["kind"] == "indirect"
    assert row["speaker"] == "He"
    assert row["speaker_canonical"] == "Emmanuel Macron"
    assert row["speaker_affiliation"] == "France"
    assert row["method"] == "pronoun"
    assert row["quote"] == "talks could fail"


def test_rows_not_ok_are_skipped_and_input_not_mutated():
    toks = parse(WIRE, WIRE_TOKENS)
    arts = article(WIRE, status="duplicate")
    before = arts.copy()
    q = quotes(arts, annotations=ann_of(toks), mentions=mentions_of(WIRE, []))
    assert q.empty and tuple(q.columns) == Q.QUOTE_COLUMNS
    pd.testing.assert_frame_equal(arts, before)


def test_missing_columns_raise_clear_errors():
    with pytest.raises(ValueError, match="article_id"):
        analysis.quotes(pd.DataFrame({"text": ["x"]}))
    toks = parse(WIRE, WIRE_TOKENS)
    with pytest.raises(ValueError, match="canonical"):
        quotes(article(WIRE), annotations=ann_of(toks), mentions=pd.DataFrame({"article_id": ["a1"]}))


# ----------------------------------------------------------------------------- source_balance / attribution


def quote_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "article_id": ["a1", "a1", "a2", "a2"],
            "field": ["text"] * 4,
            "kind": ["direct", "indirect", "partial", "direct"],
            "quote": ["one two three", "four five", "six", "seven eight"],
            "speaker_canonical": ["Emmanuel Macron", "Dmitry Peskov", "Emmanuel Macron", None],
            "speaker_affiliation": ["France", "Russia", "France", None],
            "verb": ["said", "claimed", "stressed", None],
            "start_char": [0, 0, 0, 0],
            "end_char": [1, 1, 1, 1],
            "verb_start_char": pd.array([0, 0, 0, None], dtype="Int64"),
            "verb_end_char": pd.array([1, 1, 1, None], dtype="Int64"),
        }
    )


def test_source_balance_counts_and_shares():
    arts = pd.DataFrame({"article_id": ["a1", "a2"], "outlet": ["A", "A"], "text": ["", ""]})
    out = source_balance(arts, quote_table())
    spk = out[out["source_by"] == "speaker"].set_index("source")
    assert spk.loc["Emmanuel Macron", "n_quotes"] == 2
    assert spk.loc["Emmanuel Macron", "quoted_words"] == 4
    assert spk.loc["(unattributed)", "affiliation"] == "unknown"
    assert spk["share_quotes"].sum() == pytest.approx(1.0)
    aff = out[out["source_by"] == "affiliation"].set_index("source")
    assert aff.loc["France", "share_words"] == pytest.approx(4 / 8)
    assert aff.loc["Russia", "n_indirect"] == 1


def test_source_balance_types_genders_and_intervals_over_articles():
    arts = pd.DataFrame({"article_id": [f"a{i}" for i in range(6)], "outlet": ["A"] * 6, "text": [""] * 6})
    q = pd.DataFrame(
        {
            "article_id": ["a0", "a0", "a1", "a2", "a3", "a4", "a5", "a5"],
            "kind": ["direct"] * 8,
            "quote": ["w"] * 8,
            "speaker_canonical": ["P", "Q", "P", "R", "S", None, "doc", "P"],
            "speaker_affiliation": ["X", "Y", "X", "X", "unknown", "unknown", "unknown", "X"],
            "source_type": ["politician", "expert", "politician", "citizen", "other", "unknown", "document",
                            "politician"],  # fmt: skip
            "speaker_gender": ["female", "male", "female", "unknown", "male", "none", "none", "female"],
            "speaker_is_person": [True, True, True, True, True, False, False, True],
        }
    )
    out = source_balance(arts, q, n_boot=500)
    types = out[out["source_by"] == "source_type"].set_index("source")
    assert types.loc["politician", "n_quotes"] == 3
    assert {"unknown", "other", "document"} <= set(types.index)  # never hidden
    lo, hi = types.loc["politician", ["share_quotes_low", "share_quotes_high"]]
    assert lo < 3 / 8 < hi and 0 <= lo and hi <= 1
    gender = out[out["source_by"] == "gender"].set_index("source")
    assert gender["n_quotes"].sum() == 6  # people only: no document, no unattributed quote
    assert gender.loc["female", "share_quotes"] == pytest.approx(3 / 6)
    assert out.loc[out["source_by"] == "speaker", "share_quotes_low"].isna().all()
    assert list(out.columns[:2]) == ["outlet", "source_by"]


def test_source_balance_accepts_the_old_argument_order_with_a_warning():
    arts = pd.DataFrame({"article_id": ["a1", "a2"], "outlet": ["A", "A"], "text": ["", ""]})
    with pytest.warns(DeprecationWarning):
        old = source_balance(quote_table(), arts)
    pd.testing.assert_frame_equal(old, source_balance(arts, quote_table()))


def test_source_balance_needs_grouping_column():
    with pytest.raises(ValueError, match="outlet"):
        source_balance(pd.DataFrame({"article_id": ["a1"], "text": [""]}), quote_table())


def test_attribution_classes_qualifiers_and_hedges():
    text = (
        "Putin claimed without evidence that the sites could be military. "
        "Critics reportedly said it was false."
    )
    s1 = text.index("the sites")
    s2 = text.index("it was false")
    q = pd.DataFrame(
        {
            "article_id": ["a1", "a1"],
            "field": ["text", "text"],
            "kind": ["indirect", "indirect"],
            "quote": ["the sites could be military", "it was false"],
            "speaker_canonical": ["Vladimir Putin", "Critics"],
            "speaker_affiliation": ["Russia", "other"],
            "verb": ["claimed", "said"],
            "start_char": [s1, s2],
            "end_char": [s1 + len("the sites could be military"), s2 + len("it was false")],
            "verb_start_char": pd.array([text.index("claimed"), text.index("said")], dtype="Int64"),
            "verb_end_char": pd.array([text.index("claimed") + 7, text.index("said") + 4], dtype="Int64"),
        }
    )
    arts = pd.DataFrame({"article_id": ["a1"], "outlet": ["A"], "text": [text], "title": [""]})
    detail = attribution(arts, q, detail=True).set_index("speaker_canonical")
    assert detail.loc["Vladimir Putin", "verb_class"] == "distancing"
    assert detail.loc["Vladimir Putin", "qualifiers"] == "without evidence"
    assert detail.loc["Vladimir Putin", "content_hedges"] == "could"
    assert detail.loc["Critics", "verb_class"] == "neutral"
    assert detail.loc["Critics", "frame_hedges"] == "reportedly"
    assert detail.loc["Critics", "content_hedges"] == ""
    summary = attribution(arts, q).set_index("speaker_canonical")
    assert summary.loc["Vladimir Putin", "n_distancing"] == 1
    assert summary.loc["Vladimir Putin", "evidence"] == f"a1:text:{s1}-{s1 + 27}"
    assert summary.loc["Critics", "n_frame_hedged"] == 1
    # a speaker left as a bare pronoun is no one: counted as unattributed, never as a speaker "I"
    mine = q.assign(speaker_canonical=["I", "Critics"])
    speakers = set(attribution(arts, mine)["speaker_canonical"])
    assert "I" not in speakers and {"(unattributed)", "Critics"} <= speakers


@pytest.mark.parametrize(
    ("surface", "lemma"),
    [("said", "say"), ("stressed", "stress"), ("emphasized", "emphasize"), ("claims", "claim"),
     ("told", "tell"), ("insisting", "insist"), ("alleged", "allege"), ("according to", "according to")],
)  # fmt: skip
def test_verb_lemma(surface, lemma):
    assert verb_lemma(surface, default_lexicon()) == lemma


def test_tables_are_editable_data():
    terms = Q.reporting_terms()
    assert {"neutral", "emphatic", "distancing", "hedge"} <= set(terms["class"])


NAMESAKE = "Coach Ivan Peskov smiled. “We are ready,” Peskov said."
NAMESAKE_TOKENS = [
    ("Coach", "coach", "PROPN", "NNP", "compound", 2),
    ("Ivan", "Ivan", "PROPN", "NNP", "compound", 2),
    ("Peskov", "Peskov", "PROPN", "NNP", "nsubj", 3),
    ("smiled", "smile", "VERB", "VBD", "ROOT", 3),
    (".", ".", "PUNCT", ".", "punct", 3),
] + [(w, lem, p, t, d, h + 5) for w, lem, p, t, d, h in WIRE_TOKENS]


def test_a_corpus_people_table_completes_what_the_article_leaves_out(tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("name,affiliation,kind,roles\nDmitry Peskov,Russia,person,spokesman\n")
    m = mentions_of(WIRE, [("Peskov", "Peskov", "person")])
    toks = parse(WIRE, WIRE_TOKENS)
    row = quotes(article(WIRE), annotations=ann_of(toks), mentions=m, people=people).iloc[0]
    # the corpus's own table completes the surname and gives the affiliation the text does not
    assert (row["speaker_canonical"], row["speaker_affiliation"]) == ("Dmitry Peskov", "Russia")
    # the article's own introduction wins over the table (a namesake of the table's person)
    toks = parse(NAMESAKE, NAMESAKE_TOKENS, sentence_breaks=(5,))
    first = mentions_of(NAMESAKE, [("Ivan Peskov", "Ivan Peskov", "person")])
    second = mentions_of(NAMESAKE.replace("Ivan Peskov", "Ivan ......"), [("Peskov", "Peskov", "person")])
    m = pd.concat([first, second], ignore_index=True)
    row = quotes(article(NAMESAKE), annotations=ann_of(toks), mentions=m, people=people).iloc[0]
    assert row["speaker_canonical"] == "Ivan Peskov"
    assert row["speaker_affiliation"] != "Russia"


def test_a_people_table_is_checked(tmp_path):
    from analysis.framing.quotes.people import read_people

    bad = tmp_path / "people.csv"
    bad.write_text("name,affiliation,kind\nX,Y,planet\n", encoding="utf-8")
    with pytest.raises(Q.PeopleError, match="unknown kind"):
        read_people(bad)
    with pytest.raises(Q.PeopleError, match="not found"):
        read_people(tmp_path / "none.csv")
    with pytest.raises(Q.PeopleError, match="needs columns"):
        read_people(pd.DataFrame({"name": ["X"]}))
    same = pd.DataFrame({"name": ["B", "A"], "affiliation": ["y", "x"], "kind": ["place", "place"]})
    assert read_people(same).digest == read_people(same.iloc[::-1]).digest != read_people(None).digest


@pytest.mark.parametrize(("derived", "fields"), [(True, ["text"]), (False, ["text", "title"])])
def test_derived_title_is_not_counted_twice(derived, fields):
    toks = parse(WIRE, WIRE_TOKENS)
    both = pd.concat([toks, toks.assign(field="title")], ignore_index=True)
    arts = article(WIRE, title=WIRE, title_derived=derived)
    m = mentions_of(WIRE, [("Peskov", "Peskov", "person")])
    q = quotes(arts, annotations=ann_of(both), mentions=m)
    assert sorted(q["field"]) == fields


# ----------------------------------------------------------------------------- "it" speaks for a body or text

IT_SAID = 'Orbis Company issued a statement on Monday.\n\n"We regret the delay," it said.'
IT_SAID_TOKENS = [
    ("Orbis", "Orbis", "PROPN", "NNP", "compound", 1), ("Company", "Company", "PROPN", "NNP", "nsubj", 2),
    ("issued", "issue", "VERB", "VBD", "ROOT", 2), ("a", "a", "DET", "DT", "det", 4),
    ("statement", "statement", "NOUN", "NN", "dobj", 2), ("on", "on", "ADP", "IN", "prep", 2),
    ("Monday", "Monday", "PROPN", "NNP", "pobj", 5), (".", ".", "PUNCT", ".", "punct", 2),
    ('"', '"', "PUNCT", "``", "punct", 10), ("We", "we", "PRON", "PRP", "nsubj", 10),
    ("regret", "regret", "VERB", "VBP", "ccomp", 16), ("the", "the", "DET", "DT", "det", 12),
    ("delay", "delay", "NOUN", "NN", "dobj", 10), (",", ",", "PUNCT", ",", "punct", 16),
    ('"', '"', "PUNCT", "''", "punct", 16), ("it", "it", "PRON", "PRP", "nsubj", 16),
    ("said", "say", "VERB", "VBD", "ROOT", 16), (".", ".", "PUNCT", ".", "punct", 16),
]  # fmt: skip


def _it_quotes(text: str, rows, mentions) -> pd.DataFrame:
    toks = parse(text, rows, sentence_breaks={8})
    q = quotes(article(text), annotations=ann_of(toks), mentions=mentions_of(text, mentions))
    return q[q["kind"] == "direct"]


def test_it_said_speaks_for_the_organisation_or_text_before_it():
    q = _it_quotes(IT_SAID, IT_SAID_TOKENS, [("Orbis Company", "Orbis Company", "organisation")])
    (row,) = q.to_dict("records")
    assert row["quote"] == "We regret the delay,"
    assert (row["speaker"], row["speaker_canonical"], row["method"]) == ("it", "Orbis Company", "pronoun")
    # "The letter arrived … “…,” it read": a text speaks, and "read" reports its words
    text = IT_SAID.replace("Orbis Company issued a statement on Monday", "The letter arrived on Monday")
    text = text.replace("it said", "it read")
    rows = [("The", "the", "DET", "DT", "det", 1), ("letter", "letter", "NOUN", "NN", "nsubj", 2),
            ("arrived", "arrive", "VERB", "VBD", "ROOT", 2), ("on", "on", "ADP", "IN", "prep", 2),
            ("Monday", "Monday", "PROPN", "NNP", "pobj", 3),
            (".", ".", "PUNCT", ".", "punct", 2)]  # fmt: skip
    rows += [(w, lem, p, t, d, h - 2) for w, lem, p, t, d, h in IT_SAID_TOKENS[8:]]
    rows = [("read", "read", *r[2:]) if r[0] == "said" else r for r in rows]
    q = _it_quotes(text, rows, [])
    (row,) = q.to_dict("records")
    assert (row["speaker"], row["speaker_canonical"], row["method"]) == ("it", "letter", "pronoun")


def test_it_of_a_verb_that_is_no_speech_is_no_speaker():
    # '"We regret the delay," it seems.': "it" is not the speaker (the statement just reported may be)
    text = IT_SAID.replace("it said", "it seems")
    rows = [("seems", "seem", *r[2:]) if r[0] == "said" else r for r in IT_SAID_TOKENS]
    q = _it_quotes(text, rows, [("Orbis Company", "Orbis Company", "organisation")])
    (row,) = q.to_dict("records")
    assert row["speaker"] != "it" and row["method"] != "pronoun"


def _adjacent(text, rows, name, canonical):
    """Return (verb, speaker) token ids of the attribution after the one quotation of a hand-parsed text."""
    from analysis.framing.quotes.detect import _adjacent_attribution
    from analysis.framing.quotes.fields import field_groups, field_texts
    from analysis.framing.quotes.speakers import article_mentions

    toks = parse(text, rows)
    by_field = article_mentions(mentions_of(text, [(name, canonical, "person")]))
    ((_, (f,)),) = list(field_groups(toks, field_texts(article(text)), by_field))
    (span,) = quote_spans(text)
    in_quote = [span.start <= s < span.end for s in f.start]
    return _adjacent_attribution(f, span, in_quote, default_lexicon())


def test_a_non_breaking_space_does_not_end_the_attribution_after_a_quotation():
    text = '"We will win," Sen.\u00a0Pell said.'
    rows = [('"', '"', "PUNCT", "``", "punct", 3), ("We", "we", "PRON", "PRP", "nsubj", 3),
            ("will", "will", "AUX", "MD", "aux", 3), ("win", "win", "VERB", "VB", "ccomp", 9),
            (",", ",", "PUNCT", ",", "punct", 9), ('"', '"', "PUNCT", "''", "punct", 9),
            ("Sen.", "Sen.", "PROPN", "NNP", "compound", 8), ("\u00a0", "\u00a0", "SPACE", "_SP", "dep", 6),
            ("Pell", "Pell", "PROPN", "NNP", "nsubj", 9), ("said", "say", "VERB", "VBD", "ROOT", 9),
            (".", ".", "PUNCT", ".", "punct", 9)]  # fmt: skip
    assert _adjacent(text, rows, "Pell", "Ada Pell") == (9, 8)  # (said, Pell)


def test_a_capitalised_word_after_an_inverted_verb_is_a_name_whatever_its_tag():
    # '"It is valuable," said Skelly, …' parsed with "Skelly" an adverb: the name is still the speaker
    text = '"It is valuable," said Skelly, explaining the plan.'
    rows = [('"', '"', "PUNCT", "``", "punct", 2), ("It", "it", "PRON", "PRP", "nsubj", 2),
            ("is", "be", "AUX", "VBZ", "ccomp", 6), ("valuable", "valuable", "ADJ", "JJ", "acomp", 2),
            (",", ",", "PUNCT", ",", "punct", 6), ('"', '"', "PUNCT", "''", "punct", 6),
            ("said", "say", "VERB", "VBD", "ROOT", 6), ("Skelly", "Skelly", "ADV", "RB", "advmod", 6),
            (",", ",", "PUNCT", ",", "punct", 6), ("explaining", "explain", "VERB", "VBG", "advcl", 6),
            ("the", "the", "DET", "DT", "det", 11), ("plan", "plan", "NOUN", "NN", "dobj", 9),
            (".", ".", "PUNCT", ".", "punct", 6)]  # fmt: skip
    assert _adjacent(text, rows, "Skelly", "Bill Skelly") == (6, 7)  # (said, Skelly)


def test_source_balance_bootstrap_helpers_equal_numpy_unique_and_integer_weights():
    import numpy as np

    from analysis.framing.quotes import aggregate as agg

    rng = np.random.default_rng(3)
    words = np.array(["b", "a", "Ä", "a b", "", "10", "9", "zz"], dtype=object)
    values = words[rng.integers(0, len(words), size=500)]
    got, want = agg._sorted_codes(values), np.unique(values, return_inverse=True)
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()
    with pytest.raises(TypeError):  # a missing value: numpy.unique's own answer (it cannot sort None)
        agg._sorted_codes(np.array(["b", None, "a"], dtype=object))
    ids = np.array([f"a{i % 37}" for i in range(400)], dtype=object)
    for seed in (1, 2):
        as_ints = agg._bootstrap_shares(ids, values[:400], 300, 0.95, seed)
        as_floats = agg._bootstrap_shares(ids, values[:400], 300, 0.95, seed, agg._float_weights)
        assert as_ints == as_floats
