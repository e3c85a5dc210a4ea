"""Incremental corpus stages: ``stories`` and ``claims`` updated with new articles from their index.

The rule (docs/scale.md): a few new articles are compared with the index of the last full build
(frozen IDF), recomputing only them; once the articles added since that build exceed
``config.INCREMENTAL_REBUILD_SHARE`` of it, the stages are rebuilt in full and their tables equal
a build from an empty corpus-stage cache.
"""

from __future__ import annotations

import shutil
from collections import ChainMap

import pandas as pd
import pytest

from analysis import config, pipeline
from analysis.framing.claims import vectors as claim_vectors
from analysis.framing.stories import Vectorizers
from analysis.pipeline import incremental
from analysis.pipeline.plan import plan
from analysis.pipeline.store import normalise

N_BASE = 200


@pytest.fixture(scope="module")
def generated():
    from bench.corpus import generate

    # without the metadata event, so stories come from clustering by content
    return generate(N_BASE + 40, min_words=60, max_words=110).drop(columns=["event"])


@pytest.fixture(scope="module")
def base_cache(generated, tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental-base")
    result = pipeline.run(generated.iloc[:N_BASE], cache_dir=root, chunk_size=40, n_process=1, progress=False)
    return root, result


def _index(name: str, root):
    (planned,) = [p for p in plan(include=[name]) if p.name == name]
    return incremental.latest_index(planned, root)


def _counting(monkeypatch):
    """Count the texts whose vectors the stories and claims code computes (in this process)."""
    seen = {"story_texts": 0, "claim_fits": 0, "claim_texts": 0}
    transform, add = Vectorizers.transform, claim_vectors.BlockVectors.add
    word_counts = claim_vectors.FrozenVectors.word_counts

    def counted_transform(self, texts, *args, **kwargs):
        seen["story_texts"] += len(texts)
        return transform(self, texts, *args, **kwargs)

    def counted_add(self, texts):
        seen["claim_fits"] += len(texts)
        return add(self, texts)

    def counted_counts(self, texts):
        seen["claim_texts"] += len(texts)
        return word_counts(self, texts)

    monkeypatch.setattr(Vectorizers, "transform", counted_transform)
    monkeypatch.setattr(claim_vectors.BlockVectors, "add", counted_add)
    monkeypatch.setattr(claim_vectors.FrozenVectors, "word_counts", counted_counts)
    return seen


def _with_copies(corpus: pd.DataFrame, stories: pd.DataFrame) -> pd.DataFrame:
    """Return ``corpus`` plus two new articles that join two comparable stories with new sentences.

    Each is the first half of one member's paragraphs and the second half of another's (from
    another outlet, so that the loader does not take it for a near copy of either).
    """
    covered = stories[stories["comparable"]]
    text_of = corpus.set_index("article_id")["text"]
    rows = []
    for _, members in covered.groupby("story")["article_id"]:
        if len(members) < 2 or len(rows) == 2:
            continue
        a, b = text_of[members.iloc[0]].split("\n\n"), text_of[members.iloc[1]].split("\n\n")
        row = corpus[corpus["article_id"] == members.iloc[0]].iloc[0].copy()
        row["article_id"], row["outlet"] = f"{members.iloc[0]}-rewrite", "Rewrite Desk"
        row["text"] = "\n\n".join(a[: len(a) // 2] + b[len(b) // 2 :])
        rows.append(row)
    assert len(rows) == 2
    return pd.concat([corpus, pd.DataFrame(rows)], ignore_index=True)


def _rebuilt(root, tmp_path, corpus):
    """Run ``corpus`` on a copy of ``root`` without corpus-stage tables, parts or indexes (full rebuild)."""
    fresh = tmp_path / "fresh"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("corpus-*", "index-*", "part-*"))
    return pipeline.run(corpus, cache_dir=fresh, chunk_size=40, n_process=1, progress=False)


def test_a_few_new_articles_are_compared_with_the_index_only(generated, base_cache, tmp_path, monkeypatch):
    root, base = base_cache
    assert _index("stories", root)["mode"] == "build" and _index("claims", root)["mode"] == "build"
    cache = tmp_path / "grown"
    shutil.copytree(root, cache)
    grown = _with_copies(generated.iloc[:N_BASE], base["stories"])  # +1%: two rewrites of covered stories
    new_ids = set(grown["article_id"].iloc[N_BASE:])
    seen = _counting(monkeypatch)
    result = pipeline.run(grown, cache_dir=cache, chunk_size=40, n_process=1, progress=False)
    stories_index, claims_index = _index("stories", cache), _index("claims", cache)
    assert stories_index["mode"] == "update" and claims_index["mode"] == "update"
    # only the new articles got vectors; claims never refitted its vocabularies
    assert seen["story_texts"] == 2 and stories_index["computed"] == 2
    assert seen["claim_fits"] == 0
    keys = ["article_id", "field", "sentence_id"]
    indexed = set(base["claims"][keys].apply(tuple, axis=1))
    unindexed = ~result["claims"][keys].apply(tuple, axis=1).isin(indexed)
    assert unindexed.sum() > 0 and result["claims"].loc[unindexed, "article_id"].isin(new_ids).any()
    assert seen["claim_texts"] == unindexed.sum()  # word features counted for unindexed sentences only
    touched = result["claims"]["story"].isin(result["claims"].loc[unindexed, "story"])
    assert unindexed.sum() <= claims_index["computed"] <= touched.sum()
    # an old story that gained no article keeps its articles and its name
    old, now = base["stories"], result["stories"].set_index("article_id")
    assert len(now) == N_BASE + 2
    for name, members in old.dropna(subset=["story"]).groupby("story")["article_id"]:
        mates = now.loc[now["story"] == now.loc[members.iloc[0], "story"]].index
        if not set(mates) & new_ids and now.loc[members.iloc[0], "story"] == name:
            assert set(mates) == set(members), name
    kept = old.dropna(subset=["story"])
    unchanged = kept["article_id"].map(now["story"]) == kept["story"]
    assert unchanged.mean() >= 0.95  # old articles keep their story ids
    # the other tables are the full rebuild's: only stories and claims use frozen statistics
    full = _rebuilt(cache, tmp_path, grown)
    for name in ("keyness", "entity_frequencies", "sentences", *_PARTIAL_STAGES):
        pd.testing.assert_frame_equal(result[name], full[name], obj=name)


#: The corpus stages combined from per-chunk parts (``partial=``).
_PARTIAL_STAGES = tuple(p.name for p in plan() if p.stage.partial is not None)


def test_stages_from_per_chunk_parts_give_the_whole_corpus_tables(generated, base_cache, tmp_path):
    """Each stage declared with ``partial=``: new articles reuse the old chunks' parts, and the
    combined parts give exactly the stage function's tables on the whole corpus."""
    from analysis.pipeline.chunks import table_owners
    from analysis.pipeline.options import RunOptions
    from analysis.pipeline.partials import Chunked, compute_from_parts, part_kind
    from analysis.pipeline.run import chunk_work
    from analysis.pipeline.store import LazyTables, chunk_sources

    assert "attribution" in _PARTIAL_STAGES
    root, _ = base_cache
    cache = tmp_path / "parts"
    shutil.copytree(root, cache)
    before = {n: set((cache / part_kind(n)).iterdir()) for n in _PARTIAL_STAGES}
    grown = generated.iloc[: N_BASE + 3]
    result = pipeline.run(grown, cache_dir=cache, chunk_size=40, n_process=1, progress=False)
    articles = result.articles
    work = chunk_work(grown, articles, RunOptions(cache_dir=cache, chunk_size=40), cache)
    assert len(work.chunks) >= 4
    for name in _PARTIAL_STAGES:  # one new part: the chunk the new articles landed in
        assert len(set((cache / part_kind(name)).iterdir()) - before[name]) == 1, name
    sources = [chunk_sources(k, cache) for k in work.keys]
    owners = table_owners(work.stages)
    per_article_stages = {p.name for p in work.stages if p.per_article}
    per_article = frozenset(t for t, owner in owners.items() if owner in per_article_stages)
    for planned in (p for p in work.stages if p.name in _PARTIAL_STAGES):
        held = LazyTables(sources, cache)
        inputs = ChainMap({"articles": articles, "cache_dir": cache}, result.tables, held)
        whole = planned.run(inputs)
        chunked = Chunked(work.chunks, work.keys, LazyTables(sources, cache), owners, per_article)
        assert chunked.serves(planned, articles)
        parts = compute_from_parts(planned, inputs, chunked, tmp_path / "empty")  # every part computed
        for table, frame in whole.items():
            assert len(frame) > 0, table
            pd.testing.assert_frame_equal(parts[table], frame, obj=table)
            pd.testing.assert_frame_equal(result[table], normalise(frame), obj=table)


def test_more_new_articles_than_the_rebuild_share_rebuild_in_full(
    generated, base_cache, tmp_path, monkeypatch
):
    root, _ = base_cache
    cache = tmp_path / "grown"
    shutil.copytree(root, cache)
    grown = generated.iloc[: N_BASE + int(config.INCREMENTAL_REBUILD_SHARE * N_BASE) + 1]
    seen = _counting(monkeypatch)
    result = pipeline.run(grown, cache_dir=cache, chunk_size=40, n_process=1, progress=False)
    assert _index("stories", cache)["mode"] == "build" and _index("claims", cache)["mode"] == "build"
    # refitted on every article and sentence: nothing vectorised under the old statistics
    assert _index("stories", cache)["computed"] == len(grown) and seen["story_texts"] == 0
    assert seen["claim_fits"] == _index("claims", cache)["computed"] == len(result["claims"])
    assert seen["claim_texts"] == 0
    full = _rebuilt(cache, tmp_path, grown)
    for name in ("stories", "claims", "omissions"):
        pd.testing.assert_frame_equal(result[name], full[name], obj=name)


def test_a_changed_old_article_rebuilds_in_full(generated, base_cache, tmp_path):
    root, _ = base_cache
    cache = tmp_path / "edited"
    shutil.copytree(root, cache)
    edited = generated.iloc[: N_BASE + 1].copy()
    edited.loc[3, "title"] = edited.loc[3, "title"] + " (updated)"
    result = pipeline.run(edited, cache_dir=cache, chunk_size=40, n_process=1, progress=False)
    assert _index("stories", cache)["mode"] == "build"
    full = _rebuilt(cache, tmp_path, edited)
    pd.testing.assert_frame_equal(result["stories"], full["stories"], obj="stories")


def test_a_subset_of_an_earlier_corpus_gives_its_own_build(generated, base_cache, tmp_path):
    """A + B run in a cache, then A alone: A's tables are those of A on an empty cache.

    B is under the rebuild share, so only the rule "the index's corpus must be an ancestor of
    this one" makes ``stories`` and ``claims`` rebuild rather than keep A + B's statistics.
    """
    root, base = base_cache
    cache = tmp_path / "history"
    shutil.copytree(root, cache, ignore=shutil.ignore_patterns("corpus-*", "index-*"))
    bigger = generated.iloc[: N_BASE + int(config.INCREMENTAL_REBUILD_SHARE * N_BASE) - 2]
    first = pipeline.run(bigger, cache_dir=cache, chunk_size=40, n_process=1, progress=False)
    assert _index("claims", cache)["mode"] == "build"
    removed = set(bigger["article_id"].iloc[N_BASE:])
    assert first["claims"]["article_id"].isin(removed).any()  # B had claim sentences
    subset = generated.iloc[:N_BASE]
    result = pipeline.run(subset, cache_dir=cache, chunk_size=40, n_process=1, progress=False)
    for name in ("stories", "claims", "omissions"):
        pd.testing.assert_frame_equal(result[name], base[name], obj=name)
    assert _index("stories", cache)["mode"] == "build" and _index("claims", cache)["mode"] == "build"
