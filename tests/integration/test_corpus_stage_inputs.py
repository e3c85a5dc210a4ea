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
