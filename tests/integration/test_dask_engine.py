"""The Dask engine gives the same tables as the pandas engine, with annotation spread over two workers."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis import config, pipeline

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _assert_same(a, b):
    assert sorted(a.tables) == sorted(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def _check(client, source, tmp_path, chunk_size):
    dask_cache = tmp_path / "dask-cache"
    with distributed.get_task_stream(client) as stream:
        on_dask = pipeline.run(
            source,
            engine="dask",
            scheduler=client,
            cache_dir=dask_cache,
            chunk_size=chunk_size,
            out_dir=tmp_path / "out",
            progress=False,
        )
    assert on_dask.info.n_chunks >= 2
    assert on_dask.info.chunks_cached == 0
    # both workers ran annotation tasks: the addresses the tasks returned and the scheduler's task stream
    assert on_dask.info.engine == "dask" and len(on_dask.info.workers) == 2
    assert set(on_dask.info.workers) == {
        e["worker"] for e in stream.data if "outlet-framing-partition" in str(e["key"])
    }
    # the partitioned Parquet output holds one file per partition per table
    for name in on_dask.tables:
        if name in {"sentences", "entities"}:
            assert len(list((tmp_path / "out" / name).glob("part-*.parquet"))) == on_dask.info.n_chunks
    # pandas engine on a cache holding only the tokens the workers parsed: stages recomputed locally
    pandas_cache = tmp_path / "pandas-cache"
    shutil.copytree(dask_cache / "tokens", pandas_cache / "tokens")
    on_pandas = pipeline.run(source, cache_dir=pandas_cache, chunk_size=chunk_size, progress=False)
    assert on_pandas.info.chunks_cached == 0
    _assert_same(on_dask, on_pandas)
    return on_dask


def test_dask_equals_pandas_on_the_seeds(client, tmp_path):
    result = _check(client, config.SEEDS_DIR, tmp_path, chunk_size=2)
    assert result["sentences"]["article_id"].nunique() == (result.articles["status"] == "ok").sum()


def test_dask_equals_pandas_on_generated_articles(client, tmp_path):
    from bench.corpus import generate

    articles = generate(240, min_words=60, max_words=110)
    result = _check(client, articles, tmp_path, chunk_size=40)
    assert result.info.n_chunks >= 3
    assert (result.articles["status"] == "ok").mean() >= 0.95


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="engine"):
        pipeline.run(config.SEEDS_DIR, engine="spark")
