"""The pipeline's corpus stages read per-article tables only: the corpus's token table is never built."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

import analysis
from analysis import config, pipeline
from analysis.pipeline import corpus_stages
from analysis.pipeline.plan import plan


def test_default_corpus_stages_never_build_the_corpus_token_table(tmp_path, monkeypatch):
    real = corpus_stages.run_corpus_stages
    calls = []

    def guarded(*args, **kwargs):
        def refuse(*_a, **_k):
            raise AssertionError("a corpus stage asked for the corpus's token table")

        with monkeypatch.context() as patch:
            for module in ("analysis.annotate", "analysis.annotate.tables", "analysis.annotate.parse"):
                for name in ("annotate", "iter_tokens", "tokens", "read_tokens"):
                    if hasattr(sys.modules[module], name):
                        patch.setattr(sys.modules[module], name, refuse)
            calls.append(1)
            return real(*args, **kwargs)

    monkeypatch.setattr(corpus_stages, "run_corpus_stages", guarded)
    result = pipeline.run(config.SEEDS_DIR, cache_dir=tmp_path, chunk_size=2, progress=False)
    assert calls == [1]
    corpus = [s.name for s in plan() if not s.per_article]
    assert set(corpus) <= set(result.tables)
    assert not any(name.startswith(pipeline.INTERNAL_PREFIX) for name in result.tables)
    assert "corpus_annotations" not in set(result.timings["stage"])
    assert not hasattr(pipeline, "_corpus_annotations")


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    return pipeline.run(
        config.SEEDS_DIR, cache_dir=tmp_path_factory.mktemp("c"), chunk_size=2, progress=False
    )


def test_corpus_tables_equal_the_token_table_path(seeds_run, seed_articles, seed_annotations):
    """Each corpus table of the pipeline equals the function called with the corpus's annotations."""
    r = seeds_run
    arts, ann = r.articles, seed_annotations
    pd.testing.assert_frame_equal(
        r["entity_frequencies"],
        analysis.entity_frequencies(arts, r["mentions"], annotations=ann),
        check_dtype=False,
    )
    pd.testing.assert_frame_equal(r["keyness"], analysis.keyness(arts, annotations=ann), check_dtype=False)
    pd.testing.assert_frame_equal(
        r["labels"],
        analysis.labels(arts, r["mentions"], annotations=ann, quotes=r["quotes"]),
        check_dtype=False,
    )
    pd.testing.assert_frame_equal(r["claims"], analysis.claims(arts, annotations=ann), check_dtype=False)


def test_each_corpus_stage_runs_beside_its_own_inputs_only(tmp_path, monkeypatch):
    """Per-article tables the next stage does not read and corpus tables no later one reads leave memory."""
    real = corpus_stages.compute_stage
    corpus = [s for s in plan() if not s.per_article]
    seen: dict[str, tuple[set[str], set[str]]] = {}

    def recording(planned, inputs, key, cache_dir, chunked=None):
        made, tables = inputs.maps[0], inputs.maps[1]
        held = {n for n, v in made.items() if isinstance(v, pd.DataFrame) and n != "articles"}
        seen[planned.name] = (set(tables.held()), held)
        return real(planned, inputs, key, cache_dir, chunked)

    monkeypatch.setattr(corpus_stages, "compute_stage", recording)
    monkeypatch.setattr(config, "CORPUS_OVERLAP_MAX_ARTICLES", 0)  # every corpus stage computed here
    result = pipeline.run(config.SEEDS_DIR, cache_dir=tmp_path, chunk_size=2, progress=False)
    per_article_tables = {t for s in plan() if s.per_article for t in s.stage.provides}
    corpus = corpus_stages.corpus_order(corpus, set(), per_article_tables)  # the order they run in
    assert list(seen) == [s.name for s in corpus]
    for position, planned in enumerate(corpus):
        per_article, corpus_tables = seen[planned.name]
        assert per_article <= set(planned.inputs), planned.name  # kept only for the stage that reads it
        still = set().union(*(set(s.inputs) for s in corpus[position:]))
        assert corpus_tables <= still, planned.name
    # what the old rule kept (read by a later stage, not by the next): mentions through keyness and claims
    assert "mentions" not in seen["claims"][0] and "sentences" not in seen["stories"][0]
    assert seen["stories"][1] == set() and seen["omissions"][1] == {"stories", "claims"}
    # the run's corpus tables stay in the cache until asked for, then equal a warm run's
    assert result.tables.held() == []
    warm = pipeline.run(config.SEEDS_DIR, cache_dir=tmp_path, chunk_size=2, progress=False)
    for planned in corpus:
        for name in planned.stage.provides:
            pd.testing.assert_frame_equal(result[name], warm[name], obj=name)
