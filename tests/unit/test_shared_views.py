"""The per-chunk views of a token table that several per-article stages share (analysis.annotate.tables)."""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd

from analysis.annotate import tables
from analysis.annotate.tables import (
    column_list,
    field_runs,
    lower_list,
    rows_where,
    shared_view,
    sorted_tokens,
)
from analysis.framing.quotes.fields import chunk_tree, token_tree


def _tokens(seed: int = 0, n_articles: int = 5) -> pd.DataFrame:
    """A token table in the parser's order (title then text per article), with random heads."""
    rng = np.random.default_rng(seed)
    parts = []
    for a in range(n_articles):
        for field in ("title", "text"):
            n = int(rng.integers(1, 12))
            parts.append(
                pd.DataFrame(
                    {
                        "article_id": f"a{a}",
                        "field": field,
                        "sentence_id": np.arange(n) // 4,
                        "token_id": np.arange(n),
                        "text": [["The", "Cat", "SAT", "\n"][i % 4] for i in range(n)],
                        "head": rng.integers(0, n, size=n),
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def test_sorted_tokens_is_the_stable_sort_computed_once():
    toks = _tokens()
    got = sorted_tokens(toks)
    pd.testing.assert_frame_equal(got, toks.sort_values(["article_id", "field", "token_id"], kind="stable"))
    assert sorted_tokens(toks) is got
    assert sorted_tokens(toks.copy()) is not got  # another table object: its own views


def test_filtering_the_sorted_table_equals_sorting_the_filtered_one():
    toks = _tokens(seed=1)
    keep = toks["text"] != "\n"
    sorted_then_kept = sorted_tokens(toks)[keep.reindex(sorted_tokens(toks).index).to_numpy()]
    kept_then_sorted = toks[keep].sort_values(["article_id", "field", "token_id"], kind="stable")
    pd.testing.assert_frame_equal(sorted_then_kept, kept_then_sorted)


def test_rows_where_copies_only_when_a_row_is_dropped():
    toks = _tokens()
    assert rows_where(toks, np.ones(len(toks), dtype=bool)) is toks
    some = toks["field"] == "text"
    got = rows_where(toks, some)
    assert got is not toks
    pd.testing.assert_frame_equal(got, toks[some])


def test_column_views_equal_the_columns():
    toks = sorted_tokens(_tokens())
    assert column_list(toks, "text") == toks["text"].tolist()
    assert column_list(toks, "text") is column_list(toks, "text")
    assert lower_list(toks, "text") == [w.lower() for w in toks["text"]]
    aids, flds, ends = field_runs(toks)
    assert aids == toks["article_id"].tolist() and flds == toks["field"].tolist()
    pairs = list(zip(aids, flds, strict=True))
    assert ends == [i for i in range(1, len(pairs) + 1) if i == len(pairs) or pairs[i] != pairs[i - 1]]


def test_token_tree_is_the_chunk_tree_of_the_sorted_table():
    toks = sorted_tokens(_tokens(seed=2))
    tree = token_tree(toks)
    expected = chunk_tree(toks["token_id"].to_numpy(), toks["head"].to_numpy(), field_runs(toks)[2])
    assert tree == expected
    assert token_tree(toks) is tree


def test_views_are_forgotten_with_their_table():
    toks = _tokens()
    shared_view(toks, "x", lambda: [1])
    key = id(toks)
    assert key in tables._VIEWS
    del toks
    gc.collect()
    assert key not in tables._VIEWS
