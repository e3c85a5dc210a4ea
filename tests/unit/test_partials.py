"""Corpus stages combined from per-chunk parts (analysis.pipeline.partials): cached per chunk, in order."""

from __future__ import annotations

import pandas as pd

from analysis.core.stage import Partial, stage
from analysis.pipeline.partials import Chunked, compute_from_parts
from analysis.pipeline.plan import PlannedStage
from analysis.pipeline.store import LazyTables, chunk_kind, stage_sources, write_stage


def _toy_stage(calls: list):
    registry: dict = {}

    def part(articles: pd.DataFrame, n: pd.DataFrame) -> list:
        calls.append(list(articles["article_id"]))
        return n["n"].tolist()

    def combine(parts: list, articles: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"n": [x for p in parts for x in p]})

    @stage(
        provides="listed",
        requires=("articles", "_n"),
        per_article=False,
        registry=registry,
        partial=Partial(part=part, combine=combine),
    )
    def listed(articles: pd.DataFrame, n: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"n": n["n"].tolist()})

    return PlannedStage(registry["listed"], "digest")


def _chunked(root, ids: list[list[str]], keys: list[str]) -> tuple[Chunked, pd.DataFrame]:
    chunks = [pd.DataFrame({"article_id": c, "text": ["x"] * len(c)}) for c in ids]
    sources = []
    for chunk, key in zip(chunks, keys, strict=True):
        table = pd.DataFrame({"article_id": chunk["article_id"], "n": range(len(chunk))})
        table["n"] += 10 * int(key[-1])
        write_stage(chunk_kind("_n"), key, {"_n": table}, root)
        sources.append(stage_sources(chunk_kind("_n"), key, root))
    chunked = Chunked(
        chunks, [{"_n": k} for k in keys], LazyTables(sources, root), {"_n": "_n"}, frozenset({"_n"})
    )
    return chunked, pd.concat(chunks, ignore_index=True)


def test_parts_are_computed_once_per_chunk_and_combined_in_corpus_order(tmp_path):
    calls: list = []
    planned = _toy_stage(calls)
    chunked, articles = _chunked(tmp_path, [["a", "b"], ["c"], ["d", "e"]], ["k1", "k2", "k3"])
    assert chunked.serves(planned, articles)
    whole = planned.run({"articles": articles, "_n": chunked.tables["_n"]})["listed"]
    first = compute_from_parts(planned, {"articles": articles}, chunked, tmp_path)["listed"]
    pd.testing.assert_frame_equal(first, whole)
    assert first["n"].tolist() == [10, 11, 20, 30, 31]
    assert calls == [["a", "b"], ["c"], ["d", "e"]]
    # unchanged chunks: their parts are read back; a changed chunk (new key) is computed alone
    calls.clear()
    changed, articles = _chunked(tmp_path, [["a", "b"], ["c", "f"], ["d", "e"]], ["k1", "k4", "k3"])
    again = compute_from_parts(planned, {"articles": articles}, changed, tmp_path)["listed"]
    assert calls == [["c", "f"]]
    assert again["n"].tolist() == [10, 11, 40, 41, 30, 31]


def test_repeated_article_ids_are_not_served_from_parts(tmp_path):
    planned = _toy_stage([])
    chunked, articles = _chunked(tmp_path, [["a", "b"], ["b"]], ["k1", "k2"])
    assert not chunked.serves(planned, articles)
