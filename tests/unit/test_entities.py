"""Unit tests of the entity canonicalisation machinery, on inline token/entity tables (no spaCy).

The tables are built from a tiny mark-up, ``"[Vladimir Putin|PERSON] met [Kyiv|PERSON] ..."``, that
stands in for spaCy's output (including its known errors) so the rules are tested in isolation.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import config
from analysis.measures import entities as E

DATA = Path(__file__).resolve().parents[1] / "data"
TOKEN_RE = re.compile(r"(?:[A-Z]\.){2,}|\w+(?:-\w+)*|[’']s\b|\S")
MARK_RE = re.compile(r"\[([^\]|]+)\|([A-Z_]+)\]")


def build(article_id: str, marked: str, field: str = "text") -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """Return (plain text, token table, entity table) for a marked-up text."""
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
            {
                "article_id": article_id,
                "field": field,
                "sentence_id": sent,
                "token_id": i,
                "start_char": m.start(),
                "end_char": m.end(),
                "text": m.group(0),
            }
        )
        if m.group(0) in {".", "!", "?"}:
            sent += 1
    toks = pd.DataFrame(rows)
    ents = []
    for s, e, label in spans:
        inside = toks[(toks.start_char >= s) & (toks.end_char <= e)]
        ents.append(
            {
                "article_id": article_id,
                "field": field,
                "sentence_id": int(inside.sentence_id.iloc[0]),
                "start_char": s,
                "end_char": e,
                "start_token": int(inside.token_id.min()),
                "end_token": int(inside.token_id.max()) + 1,
                "text": plain[s:e],
                "label": label,
            }
        )
    return (
        plain,
        toks,
        pd.DataFrame(
            ents,
            columns=[
                "article_id",
                "field",
                "sentence_id",
                "start_char",
                "end_char",
                "start_token",
                "end_token",
                "text",
                "label",
            ],
        ),
    )


def mentions_of(*marked: str, aliases=None) -> pd.DataFrame:
    toks, ents = [], []
    for i, text in enumerate(marked):
        _, t, e = build(f"a{i}", text)
        toks.append(t)
        ents.append(e)
    return E.mentions_from_tables(
        pd.concat(toks, ignore_index=True), pd.concat(ents, ignore_index=True), aliases=aliases
    )


CASES = pd.read_csv(DATA / "canonical_cases.csv", dtype=str, keep_default_na=False)


def _check_case(row, aliases) -> None:
    m = mentions_of(row.article, aliases=aliases)
    hits = m[m["text"] == row.surface]
    assert len(hits), (
        f"{row.case}: no mention with text {row.surface!r} in\n{m[['text', 'canonical', 'via']]}"
    )
    hit = hits.iloc[-1]
    assert (hit.canonical, hit.kind, hit.via) == (row.canonical, row.kind, row.via), row.case
    if row.country:
        assert hit.country == row.country, row.case


def test_case_table_is_big_enough():
    assert len(CASES) >= 30
    assert CASES["surface"].nunique() >= 30


@pytest.mark.parametrize("row", list(CASES.itertuples(index=False)), ids=list(CASES["case"]))
def test_canonical_cases(row):
    _check_case(row, None)


#: Alias-table categories that are generic world gazetteers (every country, capital, demonym, ...).
GENERIC = {"country", "capital", "city", "region", "demonym", "institution", "organisation"}


def test_cases_pass_without_specific_alias_rows():
    """Drop every person row and anything outside the generic gazetteers: the rules carry the cases."""
    table = E.load_aliases()
    generic = table.frame[table.frame["category"].isin(GENERIC) & (table.frame["kind"] != "person")]
    assert len(generic) < len(table.frame)  # there were specific rows to remove
    reduced = E.load_aliases(generic, include_default=False)
    for row in CASES.itertuples(index=False):
        if row.via == "alias" and row.kind == "person":
            continue  # a nickname is the one thing only a table row can teach
        _check_case(row, reduced)


def test_at_least_ten_case_surfaces_absent_from_alias_file():
    table = E.load_aliases()
    aliases = {E.fold(a) for a in table.frame["alias"]}
    absent = {s for s in CASES["surface"] if E.fold(s) not in aliases}
    assert len(absent) >= 10, sorted(absent)


def test_alias_file_has_no_seed_people():
    frame = E.load_aliases().frame
    people = set(frame.loc[frame["kind"] == "person", "canonical"])
    seeds = " ".join(p.read_text("utf-8") for p in config.SEEDS_DIR.glob("*.txt"))
    assert not [p for p in people if p.split()[-1] in seeds]


# --------------------------------------------------------------------------- folding and lookups


def test_name_key_folds_transliterations_and_possessives():
    assert (
        E.name_key("Zelenskyy") == E.name_key("Zelensky") == E.name_key("Zelenskiy") == E.name_key("Zelenski")
    )
    assert E.name_key("Macron’s") == E.name_key("Macron's") == E.name_key("macron")
    assert E.name_key("Putin") != E.name_key("Peskov")


def test_lookup_handles_accents_plurals_and_buildings():
    table = E.load_aliases()
    for surface in ("Élysée", "Elysee", "the Elysees", "Elysée Palace", "ELYSEE"):
        assert table.lookup(surface).canonical == "French presidency (Élysée)", surface
    assert table.lookup("the Kremlin").country == "Russia"
    assert table.lookup("Nonexistentia") is None


def test_user_alias_file_extends_and_overrides(tmp_path):
    extra = tmp_path / "mine.csv"
    extra.write_text(
        "alias,canonical,kind,country\nKremlin,Kremlin (building),organisation,Russia\n"
        "Ze,Volodymyr Zelenskyy,person,Ukraine\n",
        encoding="utf-8",
    )
    m = mentions_of("[The Kremlin|ORG] and [Ze|PERSON] spoke.", aliases=extra)
    assert dict(zip(m.text, m.canonical, strict=True)) == {
        "Kremlin": "Kremlin (building)",  # a name's leading "the" is not part of the mention
        "Ze": "Volodymyr Zelenskyy",
    }
    # the package table is untouched by the user's file
    assert mentions_of("[The Kremlin|ORG] spoke.").canonical.tolist() == ["Russian presidency (Kremlin)"]


def test_bad_alias_table_gives_clear_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,canonical\nX,Y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="alias table needs columns"):
        E.load_aliases(bad)
    worse = tmp_path / "worse.csv"
    worse.write_text("alias,canonical,kind\nX,Y,animal\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown kind"):
        E.load_aliases(worse)
    with pytest.raises(FileNotFoundError):
        E.load_aliases(tmp_path / "missing.csv")


# --------------------------------------------------------------------------- labels and spans


def test_numeric_and_temporal_labels_are_dropped_but_entities_kept():
    m = mentions_of(
        "[Angela Merkel|PERSON] visited [Paris|GPE] on [Monday|DATE] with [three|CARDINAL] "
        "[Greens|NORP] from [Siemens|ORG] near [the Alps|LOC] at [Heathrow Airport|FAC]."
    )
    assert sorted(m["ner_label"]) == ["FAC", "GPE", "LOC", "NORP", "ORG", "PERSON"]
    assert set(m["kind"]) <= set(E.KINDS)


def test_unknown_entities_keep_spacy_label_and_surface():
    m = mentions_of("[Acme Widgets|ORG] hired [Jane Roe|PERSON] in [Springfield|GPE].")
    assert m[["canonical", "label", "via"]].values.tolist() == [
        ["Acme Widgets", "ORG", "ner"],
        ["Jane Roe", "PERSON", "ner"],
        ["Springfield", "GPE", "ner"],
    ]


def test_offsets_point_at_the_surface():
    text, toks, ents = build(
        "x", "Then [Putin’s|PERSON] envoy met [the Kremlin|ORG] staff and [Vladimir Putin|PERSON]."
    )
    m = E.mentions_from_tables(toks, ents)
    for r in m.itertuples():
        assert text[r.start_char : r.end_char] == r.text
    assert "Putin" in m.text.tolist()  # possessive cut from the offsets too


def test_surname_is_not_resolved_when_ambiguous():
    m = mentions_of("[Boris Johnson|PERSON] and [Jo Johnson|PERSON] met. [Johnson|PERSON] spoke.")
    assert m.loc[m.text == "Johnson", "canonical"].item() == "Johnson"


def test_names_resolve_within_each_article_only():
    # per-article stages must not depend on their chunk's other articles (docs/scale.md)
    m = mentions_of("[Olaf Scholz|PERSON] spoke in Berlin.", "[Scholz|PERSON] was criticised.")
    assert m.loc[m.article_id == "a1", "canonical"].item() == "Scholz"
    alone = mentions_of("[Scholz|PERSON] was criticised.")
    assert alone["canonical"].tolist() == m.loc[m.article_id == "a1", "canonical"].tolist()


def test_a_person_row_of_the_alias_table_gives_the_country():
    m = mentions_of("[Xi Jinping|PERSON] spoke.")
    assert m.loc[m.canonical == "Xi Jinping", "country"].tolist() == ["China"]


def test_title_field_offsets_and_order():
    _, t1, e1 = build("a", "[Putin|PERSON] speaks", field="title")
    _, t2, e2 = build("a", "[Vladimir Putin|PERSON] spoke.")
    m = E.mentions_from_tables(pd.concat([t1, t2]), pd.concat([e1, e2]))
    assert m["field"].tolist() == ["title", "text"]
    assert m["canonical"].tolist() == ["Vladimir Putin"] * 2


def test_entity_inside_a_title_is_not_a_mention():
    m = mentions_of("[US|GPE] Secretary of [State|ORG] [Marco Rubio|PERSON] warned.")
    assert "State" not in m.text.tolist()
    assert "United States" in m.canonical.tolist()


# --------------------------------------------------------------------------- role phrases


def test_role_phrase_unresolved_when_two_people_share_the_role():
    m = mentions_of(
        "[French|NORP] President [Emmanuel Macron|PERSON] and [French|NORP] President "
        "[Francois Hollande|PERSON] met. The French president spoke."
    )
    assert (m.via == "role").sum() == 0


def test_role_phrase_unresolved_without_a_person_in_the_article():
    m = mentions_of("The German chancellor spoke.", "[German|NORP] Chancellor [Olaf Scholz|PERSON] met.")
    assert (m.via == "role").sum() == 0


def test_former_president_is_not_the_president():
    m = mentions_of("[US|GPE] President [Donald Trump|PERSON] met. The former US president was absent.")
    assert (m.via == "role").sum() == 0


def test_plural_roles_are_not_people():
    m = mentions_of(
        "[French|NORP] President [Emmanuel Macron|PERSON] spoke. European leaders and the French "
        "presidents met."
    )
    assert (m.via == "role").sum() == 0


def test_appositive_role_is_evidence_not_a_second_mention():
    m = mentions_of("[Dmitry Peskov|PERSON], the Russian presidential press secretary, spoke.")
    assert m.canonical.tolist().count("Dmitry Peskov") == 1


def test_role_evidence_from_another_article_is_not_used():
    m = mentions_of(
        "[Kremlin|ORG] spokesman [Dmitry Peskov|PERSON] spoke.",
        "A Kremlin spokesman said no. [Dmitry Peskov|PERSON] then left.",
    )
    assert m[m.via == "role"].empty  # a1 never calls Peskov a spokesman itself
    same = mentions_of(
        "A Kremlin spokesman said no. [Kremlin|ORG] spokesman [Dmitry Peskov|PERSON] then left."
    )
    assert same.loc[same.via == "role", "canonical"].tolist() == ["Dmitry Peskov"]


def test_parse_role_grammar():
    table = E.load_aliases()
    words = E.fold("the head of the Kremlin said").split()
    role = E.parse_role(words, 0, table)
    assert (role.title, role.country, role.end) == ("president", "Russia", 5)
    role = E.parse_role(E.fold("his Brazilian counterpart").split(), 0, table)
    assert (role.title, role.country) == ("counterpart", "Brazil")
    assert E.parse_role(E.fold("the presidential election").split(), 0, table) is None


# --------------------------------------------------------------------------- frequencies and kwic


def _freq_fixture():
    arts = pd.DataFrame(
        {
            "article_id": ["a0", "a1", "a2"],
            "outlet": ["X", "X", "Y"],
            "text": ["w " * 100, "w " * 50, "w " * 200],
            "n_words": [100, 50, 200],
        }
    )
    ment = pd.DataFrame(
        {
            "article_id": ["a0", "a0", "a1", "a2", "a2"],
            "field": ["text"] * 5,
            "sentence_id": [0, 0, 1, 0, 3],
            "canonical": ["P", "P", "P", "P", "Q"],
            "kind": ["person"] * 4 + ["place"],
        }
    )
    sents = pd.DataFrame(
        {
            "article_id": ["a0"] * 2 + ["a1"] * 2 + ["a2"] * 4,
            "field": "text",
            "sentence_id": [0, 1, 0, 1, 0, 1, 2, 3],
        }
    )

    class Ann:
        sentences = sents

    return arts, ment, Ann()


def test_entity_frequencies_counts_rates_and_shares():
    arts, ment, ann = _freq_fixture()
    f = E.entity_frequencies(arts, ment, by="outlet", annotations=ann, n_boot=200)
    assert tuple(f.columns) == ("outlet", *E.FREQUENCY_COLUMNS)
    x = f[(f.outlet == "X") & (f.canonical == "P")].iloc[0]
    assert x["count"] == 3 and x["n_articles"] == 2 and x["n_articles_total"] == 2
    assert x["share_articles"] == pytest.approx(1.0)
    assert x["per_1000_words"] == pytest.approx(3 / 150 * 1000)
    assert x["share_sentences"] == pytest.approx(2 / 4)  # two distinct sentences of four
    corpus = f[f.outlet == E.CORPUS_ROWS].set_index("canonical")
    assert corpus.loc["P", "count"] == 4 and corpus.loc["Q", "n_articles"] == 1
    assert (
        corpus.loc["P", "per_1000_words_low"]
        <= corpus.loc["P", "per_1000_words"]
        <= corpus.loc["P", "per_1000_words_high"]
    )
    # deterministic (seeded) and not mutating
    g = E.entity_frequencies(arts, ment, by="outlet", annotations=ann, n_boot=200)
    pd.testing.assert_frame_equal(f, g)


def test_entity_frequencies_word_count_fallback_and_bad_group():
    arts, ment, ann = _freq_fixture()
    f = E.entity_frequencies(arts.drop(columns="n_words"), ment, by="outlet", annotations=ann, n_boot=50)
    assert f.loc[(f.outlet == "Y") & (f.canonical == "Q"), "n_words_total"].item() == 200
    with pytest.raises(ValueError, match="not an article column"):
        E.entity_frequencies(arts, ment, by="nope", annotations=ann)
    with pytest.raises(ValueError, match="grouping column"):
        E.entity_frequencies(arts.assign(kind="x"), ment, by="kind", annotations=ann)


def test_kwic_surface_and_entity():
    arts = pd.DataFrame(
        {
            "article_id": ["a"],
            "title": ["Putin speaks"],
            "text": ["one two three Putin four five. Then Vladimir Putin left"],
        }
    )
    ment = pd.DataFrame(
        {
            "article_id": ["a", "a"],
            "field": ["text", "text"],
            "start_char": [14, 45],
            "end_char": [19, 50],
            "canonical": ["Vladimir Putin"] * 2,
        }
    )
    k = E.kwic(arts, "vladimir putin", window=2, mentions=ment)
    assert tuple(k.columns) == E.KWIC_COLUMNS
    assert k[["left", "match", "right"]].values.tolist() == [
        ["two three", "Putin", "four five."],
        ["Then Vladimir", "Putin", "left"],
    ]
    s = E.kwic(arts, "putin", window=1, mentions=ment.iloc[:0])
    assert s[["field", "match"]].values.tolist() == [["text", "Putin"], ["text", "Putin"], ["title", "Putin"]]
    with pytest.raises(ValueError):
        E.kwic(arts, "  ", mentions=ment)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                "Putin",
                "the",
                "Kremlin",
                "’s",
                ",",
                "said",
                "French",
                "president",
                "\n\n",
                "Élysée",
                "Zelenskyy",
                "of",
                "a",
                ".",
            ]
        ),
        min_size=1,
        max_size=25,
    ),
    st.data(),
)
def test_messy_token_streams_never_crash(words, data):
    toks = pd.DataFrame(
        {
            "article_id": "h",
            "field": "text",
            "sentence_id": 0,
            "token_id": range(len(words)),
            "start_char": np.arange(len(words)) * 20,
            "end_char": np.arange(len(words)) * 20 + np.array([len(w) for w in words]),
            "text": words,
        }
    )
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    label = data.draw(st.sampled_from(["PERSON", "ORG", "GPE", "NORP", "DATE"]))
    ents = pd.DataFrame(
        [
            {
                "article_id": "h",
                "field": "text",
                "sentence_id": 0,
                "start_char": start * 20,
                "end_char": (end - 1) * 20 + len(words[end - 1]),
                "start_token": start,
                "end_token": end,
                "text": "",
                "label": label,
            }
        ]
    )
    m = E.mentions_from_tables(toks, ents)
    assert tuple(m.columns) == E.MENTION_COLUMNS
    assert set(m["kind"]) <= set(E.KINDS) and set(m["via"]) <= set(E.VIAS)
    assert (m["end_char"] > m["start_char"]).all()


# --------------------------------------------------------------------------- entity_mentions on articles


def _annotations(texts: dict[str, str]):
    from analysis.annotate import Annotations

    toks, ents = [], []
    plain = {}
    for aid, marked in texts.items():
        plain[aid], t, e = build(aid, marked)
        toks.append(t)
        ents.append(e)
    return plain, Annotations(
        pd.concat(toks, ignore_index=True), pd.DataFrame(), pd.concat(ents, ignore_index=True)
    )


def test_entity_mentions_uses_only_ok_articles_and_does_not_mutate():
    plain, ann = _annotations({"a": "[Vladimir Putin|PERSON] spoke.", "b": "[Emmanuel Macron|PERSON] spoke."})
    arts = pd.DataFrame(
        {
            "article_id": ["a", "b", "c"],
            "text": [plain["a"], plain["b"], ""],
            "status": ["ok", "duplicate", "ok"],
        }
    )
    before = arts.copy()
    m = E.entity_mentions(arts, annotations=ann)
    assert m["canonical"].tolist() == ["Vladimir Putin"]
    pd.testing.assert_frame_equal(arts, before)


def test_entity_mentions_empty_and_bad_input():
    _, ann = _annotations({"a": "[Vladimir Putin|PERSON] spoke."})
    none = E.entity_mentions(pd.DataFrame({"article_id": ["z"], "text": [""]}), annotations=ann)
    assert none.empty and tuple(none.columns) == E.MENTION_COLUMNS
    all_bad = E.entity_mentions(
        pd.DataFrame({"article_id": ["a"], "text": ["x"], "status": ["empty"]}), annotations=ann
    )
    assert all_bad.empty
    with pytest.raises(ValueError, match="articles need columns"):
        E.entity_mentions(pd.DataFrame({"id": [1]}), annotations=ann)


def test_editing_the_alias_table_changes_names_without_new_tables():
    _, toks, ents = build("a", "[The Kremlin|ORG] said [Zelenskyy|PERSON] would come.")
    first = E.mentions_from_tables(toks, ents)
    mine = pd.DataFrame({"alias": ["Zelenskyy"], "canonical": ["Volodymyr Zelenskyy"], "kind": ["person"]})
    second = E.mentions_from_tables(toks, ents, aliases=mine)
    assert first["canonical"].tolist() == ["Russian presidency (Kremlin)", "Zelenskyy"]
    assert second["canonical"].tolist() == ["Russian presidency (Kremlin)", "Volodymyr Zelenskyy"]


def test_ruler_patterns_are_valid_and_canonicalised():
    import json

    lines = [json.loads(x) for x in E.PATTERNS_PATH.read_text("utf-8").splitlines() if x.strip()]
    assert lines and all(p["label"] in E.KIND_OF_LABEL for p in lines)
    table = E.load_aliases()
    for p in lines:
        words = [next(iter(t.values())) for t in p["pattern"] if not t.get("OP")]
        assert table.lookup(" ".join(words)) is not None, words
    assert ("russian", "federation") in E.ruler_patterns()


def test_frequency_counts_add_up():
    arts, ment, ann = _freq_fixture()
    f = E.entity_frequencies(arts, ment, by="outlet", annotations=ann, n_boot=20)
    assert f.loc[f.outlet == E.CORPUS_ROWS, "count"].sum() == len(ment)
    assert f.loc[f.outlet != E.CORPUS_ROWS, "count"].sum() == len(ment)


def test_recovered_surnames_skip_sentence_initial_common_words():
    m = mentions_of("[Peter Young|PERSON] spoke. Young people cheered when Young arrived.")
    rec = m[m["via"] == "alias"]
    plain = "Peter Young spoke. Young people cheered when Young arrived."
    assert rec["start_char"].tolist() == [plain.index("Young arrived")]
    assert set(rec["canonical"]) == {"Peter Young"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_fold_and_name_key_are_total_and_idempotent(text):
    assert E.fold(E.fold(text)) == E.fold(text)
    key = E.name_key(text)
    assert isinstance(key, str) and key == key.strip()


def test_people_get_the_country_of_their_title():
    m = mentions_of(
        "[German|NORP] Chancellor [Olaf Scholz|PERSON] met [Jane Roe|PERSON].",
        "[Scholz|PERSON] left. [Russian|NORP] President [Vladimir Putin|PERSON] stayed.",
    )
    people = m[m["kind"] == "person"].groupby("canonical")["country"].agg(set).to_dict()
    # a1's bare "Scholz" stays a surname without a country: a1 never says who he is
    assert people == {
        "Olaf Scholz": {"Germany"}, "Scholz": {""}, "Jane Roe": {""}, "Vladimir Putin": {"Russia"}
    }


def test_user_alias_renames_a_person_everywhere():
    mine = pd.DataFrame(
        {"alias": ["Volodymyr Zelenskyy"], "canonical": ["Volodymyr Zelensky"], "kind": ["person"]}
    )
    m = mentions_of(
        "[Ukrainian|NORP] President [Volodymyr Zelenskyy|PERSON] met [Olaf Scholz|PERSON]. "
        "[Zelenskyy|GPE] spoke. Later the Ukrainian president left.",
        aliases=mine,
    )
    people = m[m["kind"] == "person"]
    assert people.loc[people.canonical != "Olaf Scholz", "canonical"].unique().tolist() == [
        "Volodymyr Zelensky"
    ]
    assert (people["via"] == "role").sum() == 1


FUZZ_WORDS = (
    "Putin the Kremlin ’s , said French president Élysée Zelenskyy of a . his Russian counterpart head "
    "spokesman Mr President Olaf Scholz Young Toward Palace Kyiv US Secretary State former leaders “ U.S."
).split()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(FUZZ_WORDS), min_size=1, max_size=4),
            st.sampled_from(["", "PERSON", "ORG", "GPE", "NORP", "FAC", "DATE"]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_mentions_point_at_their_text_on_random_markup(chunks):
    marked = " ".join(f"[{' '.join(w)}|{lab}]" if lab else " ".join(w) for w, lab in chunks)
    plain, toks, ents = build("f", marked)
    m = E.mentions_from_tables(toks, ents)
    for r in m.itertuples():
        assert plain[r.start_char : r.end_char] == r.text
    assert set(m["kind"]) <= set(E.KINDS)


def test_zipf_frequency_from_the_stored_list_equals_wordfreq():
    """_common reads Zipf values from the stored list; they must be wordfreq's own, rounding included."""
    import random
    import string

    from wordfreq import zipf_frequency

    from analysis.clean.vocabulary import frequencies as _frequencies
    from analysis.measures.entities.names import zipf_frequency as _zipf_frequency

    words = sorted(w for w in _frequencies() if w.isascii() and w.isalpha())
    rng = random.Random(7)
    sample = rng.sample(words, 20000)
    letters = string.ascii_lowercase
    unknown = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 14))) for _ in range(3000)]
    for word in [*sample, *unknown, "the", "kremlin", "élysée", "москва"]:
        assert _zipf_frequency(word) == zipf_frequency(word, "en"), word


def test_entity_frequencies_old_argument_order_warns_and_gives_the_same_table():
    arts, ment, ann = _freq_fixture()
    new = E.entity_frequencies(arts, ment, by="outlet", annotations=ann, n_boot=20)
    with pytest.warns(DeprecationWarning):
        old = E.entity_frequencies(ment, arts, by="outlet", annotations=ann, n_boot=20)
    pd.testing.assert_frame_equal(new, old)


def test_entity_stages_are_declared():
    from analysis.annotate import entities, sentences

    assert E.entity_mentions.__stage__.provides == ("mentions",)
    assert E.entity_mentions.__stage__.per_article
    freq = E.entity_frequencies.__stage__
    assert freq.requires == ("articles", "mentions", "sentences") and not freq.per_article
    assert sentences.__stage__.requires == ("articles", "annotations")
    assert entities.__stage__.name == "entities"
