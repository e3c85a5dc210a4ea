"""Through the one interface (``get_engine(name).run(work, options)``), every engine gives the same tables."""

from __future__ import annotations

import dataclasses
import shutil

import pandas as pd
import pytest

from analysis import config, pipeline
from analysis.core import cache, parallel
from analysis.pipeline import RunOptions
from analysis.pipeline.engines import get_engine
from analysis.pipeline.engines import lanes as lanes_engine
from analysis.pipeline.run import chunk_work
from analysis.pipeline.source import load_articles


@pytest.fixture(scope="module")
def seeds_work(tmp_path_factory):
    """The seeds in three chunks, with their tokens parsed once into a cache the engines copy."""
    root = cache.cache_dir(tmp_path_factory.mktemp("parsed")).resolve()
    articles = load_articles(config.SEEDS_DIR, root)
    options = RunOptions(chunk_size=2, n_process=2, progress=False)
    work = chunk_work(config.SEEDS_DIR, articles, options, root)
    assert len(work.chunks) >= 3
    first = get_engine("serial").run(work, options)  # parses the tokens into ``root``
    return work, options, {name: first.tables[name] for name in first.tables}


def _engines():
    names = ["serial", "lanes", "pandas"]
    try:
        import distributed  # noqa: F401

        names.append("dask")
    except ImportError:
        pass
    return names


@pytest.mark.parametrize("name", _engines())
def test_every_engine_gives_the_serial_tables_on_the_seeds(name, seeds_work, tmp_path):
    work, options, expected = seeds_work
    shutil.copytree(work.root / "tokens", tmp_path / "tokens")  # same parse; every stage recomputed
    own = dataclasses.replace(work, root=tmp_path)
    if name == "dask":
        options = dataclasses.replace(options, n_process=1, out_dir=tmp_path / "out")
    result = get_engine(name).run(own, options)
    assert result.engine == ("serial" if name == "pandas" else name)  # seeds: too few articles for lanes
    assert result.chunks_cached == 0 and result.workers
    assert sorted(result.tables) == sorted(expected)
    for table in expected:
        # an internal table (only the corpus stages read it) may come back from Dask's Parquet with
        # its categorical ids as strings: the same values
        internal = table.startswith(pipeline.INTERNAL_PREFIX)
        pd.testing.assert_frame_equal(
            result.tables[table],
            expected[table],
            obj=f"{name}: {table}",
            check_categorical=not internal,
            check_dtype=not internal,
        )
    if name == "lanes":
        assert len(result.workers) == 2 and result.cache_writes > 0  # two forked processes wrote the cache
    again = get_engine(name).run(own, options)
    assert again.chunks_cached == len(work.chunks)


def test_a_run_through_each_local_engine_gives_the_same_corpus_tables(tmp_path, monkeypatch):
    serial = pipeline.run(
        config.SEEDS_DIR, engine="serial", cache_dir=tmp_path / "s", chunk_size=2, progress=False
    )
    shutil.copytree(tmp_path / "s" / "tokens", tmp_path / "l" / "tokens")
    shared = list(parallel._PRELOADS)
    parallel.forget_shared(shared)  # as in a fresh process: the lanes' parent loads them for the lanes
    loaded = []
    real = lanes_engine.load_shared
    still_unloaded = lambda: (real(), loaded.extend(parallel.unloaded_shared()))  # noqa: E731
    monkeypatch.setattr(lanes_engine, "load_shared", still_unloaded)
    lanes = pipeline.run(
        config.SEEDS_DIR,
        RunOptions(engine="lanes", cache_dir=tmp_path / "l", chunk_size=2, n_process=2, progress=False),
    )
    assert shared and loaded == [] and parallel.unloaded_shared() == shared  # loaded, then dropped
    assert (serial.info.engine, lanes.info.engine) == ("serial", "lanes")
    assert lanes.options.engine == "lanes" and lanes.info.chunks_computed == lanes.info.n_chunks
    assert sorted(serial.tables) == sorted(lanes.tables)
    for name in serial.tables:
        pd.testing.assert_frame_equal(lanes[name], serial[name], obj=name)
