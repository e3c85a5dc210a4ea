"""The pandas engine's worker processes ("lanes") give the same tables as computing every chunk here."""

from __future__ import annotations

import dataclasses
import os
import shutil

import pandas as pd
import pytest

from analysis import pipeline
from analysis.core import parallel
from analysis.core import stage as stage_module
from analysis.pipeline.engines import lanes


@pytest.fixture
def fork_allowed(monkeypatch):
    """Let claims run ahead although earlier tests (a Dask cluster) may have left threads in this process."""
    monkeypatch.setattr(parallel, "other_threads", lambda: False)


def _replace_stage_function(monkeypatch, name, fn):
    """Make the pipeline's plan call ``fn`` for stage ``name`` (its declaration otherwise unchanged).

    Its incremental update is dropped, so every computation of the stage goes through ``fn``.
    """
    declared = stage_module.registered()[name]
    monkeypatch.setitem(stage_module._REGISTRY, name, dataclasses.replace(declared, fn=fn, incremental=None))


@pytest.fixture(scope="module")
def generated():
    from bench.corpus import generate

    return generate(240, min_words=60, max_words=110)


def test_lanes_equal_the_serial_engine(generated, tmp_path):
    lanes_cache = tmp_path / "lanes"
    in_lanes = pipeline.run(generated, cache_dir=lanes_cache, n_process=2, chunk_size=40, progress=False)
    assert in_lanes.info.engine == "lanes"
    assert len(in_lanes.info.workers) == 2  # both processes took chunks
    assert f"pid-{os.getpid()}" not in in_lanes.info.workers
    assert in_lanes.info.chunks_cached == 0 and in_lanes.info.n_chunks >= 3
    # every cache entry the lanes wrote is counted, and a second run reads them all
    assert in_lanes.info.cache_writes > in_lanes.info.n_chunks
    again = pipeline.run(generated, cache_dir=lanes_cache, n_process=2, chunk_size=40, progress=False)
    assert again.info.chunks_cached == again.info.n_chunks
    # here, one chunk after another, from the tokens the lanes parsed
    serial_cache = tmp_path / "serial"
    shutil.copytree(lanes_cache / "tokens", serial_cache / "tokens")
    serial = pipeline.run(generated, cache_dir=serial_cache, n_process=1, chunk_size=40, progress=False)
    assert serial.info.engine == "serial" and serial.info.workers == (f"pid-{os.getpid()}",)
    assert sorted(serial.tables) == sorted(in_lanes.tables)
    # per-article stages do not depend on an article's neighbours: other chunk sizes, same tables
    rechunked_cache = tmp_path / "rechunked"
    shutil.copytree(lanes_cache / "tokens", rechunked_cache / "tokens")
    rechunked = pipeline.run(generated, cache_dir=rechunked_cache, n_process=1, chunk_size=7, progress=False)
    assert rechunked.info.n_chunks > in_lanes.info.n_chunks
    for name in serial.tables:
        pd.testing.assert_frame_equal(serial[name], in_lanes[name], obj=name)
        pd.testing.assert_frame_equal(again[name], in_lanes[name], obj=name)
        pd.testing.assert_frame_equal(rechunked[name], in_lanes[name], obj=name)


def test_lanes_are_replaced_after_their_chunk_quota(generated, tmp_path, monkeypatch):
    """With one chunk per lane process, every pair of chunks gets fresh lanes: more processes, same tables."""
    base = pipeline.run(generated, cache_dir=tmp_path / "a", n_process=2, chunk_size=40, progress=False)
    monkeypatch.setattr(lanes, "LANE_MAX_CHUNKS", 1)
    monkeypatch.setattr(lanes, "LANE_RECYCLE_FROM_CHUNKS", 2)
    waves = pipeline.run(generated, cache_dir=tmp_path / "b", n_process=2, chunk_size=40, progress=False)
    assert waves.info.engine == "lanes" and waves.info.n_chunks >= 4
    assert len(waves.info.workers) > 2  # fresh processes after each wave of two chunks
    for name in base.tables:
        pd.testing.assert_frame_equal(waves[name], base[name], obj=name)


def test_a_failing_stage_in_a_lane_reaches_the_caller(generated, tmp_path, monkeypatch):
    monkeypatch.setenv("OUTLET_FRAMING_FAIL_AFTER_WRITES", "3")
    from analysis.core.cache import InjectedFailure

    with pytest.raises(InjectedFailure):
        pipeline.run(generated, cache_dir=tmp_path / "c", n_process=2, chunk_size=40, progress=False)


def _claims_only_outside(monkeypatch, parent: int, inside):
    """Replace the claims stage so that in the parent process it calls ``inside`` instead."""
    import functools

    from analysis.framing.claims import grouping as claims_module

    real = claims_module.claims

    @functools.wraps(real)
    def guarded(*args, **kwargs):
        if os.getpid() == parent:
            return inside(real, *args, **kwargs)
        return real(*args, **kwargs)

    _replace_stage_function(monkeypatch, "claims", guarded)


def test_claims_computed_ahead_equal_claims_computed_here(generated, tmp_path, monkeypatch, fork_allowed):
    from analysis import config

    def refuse(real, *args, **kwargs):
        raise AssertionError("claims was computed in the parent process")

    ahead_cache = tmp_path / "ahead"
    with monkeypatch.context() as patch:
        _claims_only_outside(patch, os.getpid(), refuse)
        ahead = pipeline.run(generated, cache_dir=ahead_cache, n_process=2, chunk_size=40, progress=False)
    from analysis.pipeline.engines.ahead import AHEAD_CHAINS

    assert set(ahead.info.corpus_ahead) == {s for chain in AHEAD_CHAINS.values() for s in chain}
    assert ahead.info.corpus_ahead["claims"] != os.getpid()  # it ran in another process
    assert ahead.info.corpus_ahead["stories"] == ahead.info.corpus_ahead["claims"]  # one chain, one process
    # the counting chain (source_balance reads sources) ran in a third process
    assert ahead.info.corpus_ahead["source_balance"] == ahead.info.corpus_ahead["entity_frequencies"]
    assert ahead.info.corpus_ahead["source_balance"] not in (os.getpid(), ahead.info.corpus_ahead["claims"])
    assert len(list((ahead_cache / "corpus-claims").rglob("*.parquet"))) == 1  # one key, child and parent
    assert len(list((ahead_cache / "corpus-stories").rglob("*.parquet"))) == 1
    assert not ahead.timings.query("stage == 'claims'").empty
    # the same per-article tables, corpus stages one after another in this process
    here_cache = tmp_path / "here"
    shutil.copytree(ahead_cache, here_cache, ignore=shutil.ignore_patterns("corpus-*"))
    monkeypatch.setattr(config, "CORPUS_OVERLAP_MAX_ARTICLES", 0)
    here = pipeline.run(generated, cache_dir=here_cache, n_process=2, chunk_size=40, progress=False)
    assert here.info.corpus_ahead == {} and here.info.chunks_cached == here.info.n_chunks
    assert len(here["claims"]) > 0 and here["claims"]["n_articles"].max() > 1
    for name in ("claims", "omissions", "entity_frequencies", "keyness", "labels", "attribution", "sources",
                 "source_balance", "stories"):  # fmt: skip
        pd.testing.assert_frame_equal(here[name], ahead[name], obj=name)


def test_a_failing_stage_computed_ahead_reaches_the_caller(generated, tmp_path, monkeypatch, fork_allowed):
    from analysis.framing.claims import scoring as claims_module

    def broken(*args, **kwargs):
        raise ZeroDivisionError(f"broken on purpose in process {os.getpid()}")

    monkeypatch.setattr(claims_module, "linked_pairs", broken)
    with pytest.raises(ZeroDivisionError, match="broken on purpose") as raised:
        pipeline.run(generated, cache_dir=tmp_path / "c", n_process=2, chunk_size=40, progress=False)
    assert str(os.getpid()) not in str(raised.value)  # raised in the forked process, re-raised here
    assert not list((tmp_path / "c").glob("corpus-claims/*"))  # nothing half-written for claims


def test_a_stage_process_that_dies_is_computed_here(generated, tmp_path, monkeypatch, fork_allowed):
    """A killed claims process (e.g. out of memory) is not an error: the parent computes claims."""
    normal = pipeline.run(generated, cache_dir=tmp_path / "a", n_process=2, chunk_size=40, progress=False)
    from analysis.framing.claims import grouping as claims_module

    parent, real = os.getpid(), claims_module.claims

    marker = tmp_path / "died"

    def die_unless_parent(*args, **kwargs):
        if os.getpid() != parent:
            marker.write_text(str(os.getpid()))
            os._exit(3)
        return real(*args, **kwargs)

    import functools

    _replace_stage_function(monkeypatch, "claims", functools.wraps(real)(die_unless_parent))
    shutil.copytree(tmp_path / "a", tmp_path / "b", ignore=shutil.ignore_patterns("corpus-*"))
    again = pipeline.run(generated, cache_dir=tmp_path / "b", n_process=2, chunk_size=40, progress=False)
    assert marker.exists() and "claims" not in again.info.corpus_ahead  # it died: claims came from here
    pd.testing.assert_frame_equal(again["claims"], normal["claims"])
    pd.testing.assert_frame_equal(again["omissions"], normal["omissions"])


def test_claims_is_not_computed_ahead_beside_other_threads(generated, tmp_path):
    """A live thread (a Dask client's, a Jupyter kernel's) keeps claims in this process: no fork then."""
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        result = pipeline.run(generated, cache_dir=tmp_path / "c", n_process=2, chunk_size=40, progress=False)
    finally:
        stop.set()
        thread.join()
    assert result.info.corpus_ahead == {} and len(result["claims"]) > 0


def test_the_lanes_import_and_load_nothing_the_parent_did_not_preload(tmp_path):
    """After ``preload_lanes`` (what the parent runs before forking), the stages import no new package.

    (A package's own small submodules may still be imported.) Run in a fresh interpreter: this
    test process may have imported anything already.
    """
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        f"""
        import sys
        from analysis import config
        from analysis.pipeline.chunks import process_chunk
        from analysis.pipeline.engines.lanes import preload_lanes
        from analysis.pipeline.options import RunOptions
        from analysis.pipeline.run import chunk_work
        from analysis.pipeline.source import load_articles
        from analysis.annotate import iter_tokens
        from analysis.clean.vocabulary import frequencies
        from analysis.measures.readability import cmudict_syllables

        root = {str(tmp_path)!r}
        articles = load_articles(config.SEEDS_DIR, root)
        work = chunk_work(config.SEEDS_DIR, articles, RunOptions(), root)
        (tokens,) = iter_tokens(work.chunks[:1], cache_dir=root, n_process=1, progress=False)
        preload_lanes()
        before = {{m.split(".")[0] for m in sys.modules}}
        loaded = frequencies.cache_info().currsize, cmudict_syllables.cache_info().currsize
        process_chunk(work.chunks[0], tokens, work.stages, work.keys[0], cache_dir=root)
        print(sorted({{m.split(".")[0] for m in sys.modules}} - before), loaded)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[] (1, 1)"


def test_a_file_source_preloads_during_its_load_and_drops_the_model_after_the_lanes(
    generated, tmp_path, fork_allowed
):
    """A cold run from a file: the parent preloads while the forked loader runs; tables as a serial run's."""
    from analysis.annotate import load_model

    source = tmp_path / "corpus.jsonl"
    generated.drop(columns=[c for c in ("status",) if c in generated.columns]).to_json(
        source, orient="records", lines=True, force_ascii=False
    )
    load_model.cache_clear()
    cold = pipeline.run(source, cache_dir=tmp_path / "lanes", n_process=2, chunk_size=40, progress=False)
    timings = cold.timings.set_index("stage")["seconds"]
    assert cold.info.engine == "lanes" and timings["preload"] > 0
    assert load_model.cache_info().currsize == 0  # the corpus stages ran without the parser
    serial_cache = tmp_path / "serial"
    shutil.copytree(tmp_path / "lanes" / "tokens", serial_cache / "tokens")
    serial = pipeline.run(source, cache_dir=serial_cache, n_process=1, chunk_size=40, progress=False)
    assert "preload" not in set(serial.timings["stage"]) and serial.info.engine == "serial"
    pd.testing.assert_frame_equal(serial.articles, cold.articles)
    for name in serial.tables:
        pd.testing.assert_frame_equal(serial[name], cold[name], obj=name)
