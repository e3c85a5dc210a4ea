"""The pipeline's memory measures: the load in a forked process, and returning freed heap to the OS."""

from __future__ import annotations

import gc
import os
import sys

import pandas as pd
import pytest

from analysis import pipeline
from analysis.core import parallel as memory
from analysis.ingest import CorpusError
from analysis.pipeline import source

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork and malloc_trim: Linux")


def _write_corpus(folder, n: int = 6) -> None:
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i}.txt").write_text(
            f"Headline number {i}\n\nThe ministers met on Monday in Paris to talk about item {i}, "
            "officials said. They agreed to meet again next week.\n",
            encoding="utf-8",
        )


@linux_only
def test_forked_load_gives_the_same_table_and_runs_in_another_process(tmp_path, monkeypatch):
    src = tmp_path / "corpus"
    _write_corpus(src)
    pids = tmp_path / "pids"
    real = source.load_corpus

    def recording(*args, **kwargs):  # inherited by the forked loader
        with open(pids, "a") as f:
            f.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(source, "load_corpus", recording)
    monkeypatch.delenv("OUTLET_FRAMING_FAIL_AFTER_WRITES", raising=False)
    assert memory.can_fork()
    forked = source.load_articles(src, tmp_path / "cache-a")
    assert [int(p) for p in pids.read_text().split()] != [os.getpid()]  # loaded elsewhere
    pids.unlink()

    monkeypatch.setattr(source, "can_fork", lambda: False)
    here = source.load_articles(src, tmp_path / "cache-b")
    assert [int(p) for p in pids.read_text().split()] == [os.getpid()]
    pd.testing.assert_frame_equal(forked, here)
    assert (forked["status"] == "ok").all() and len(forked) == 6


@linux_only
def test_an_error_in_the_forked_load_reaches_the_caller(tmp_path, monkeypatch):
    monkeypatch.delenv("OUTLET_FRAMING_FAIL_AFTER_WRITES", raising=False)
    table = tmp_path / "stories.csv"
    table.write_text("id,headline\n1,Talks resume\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="text column"):
        source.load_articles(table, tmp_path / "cache")


def test_no_fork_under_failure_injection_or_with_other_threads(monkeypatch):
    monkeypatch.setenv("OUTLET_FRAMING_FAIL_AFTER_WRITES", "3")
    assert not memory.can_fork()
    monkeypatch.delenv("OUTLET_FRAMING_FAIL_AFTER_WRITES")
    monkeypatch.setattr(memory, "other_threads", lambda: True)
    assert not memory.can_fork()


@linux_only
def test_release_memory_hands_freed_heap_back(monkeypatch):
    import psutil

    assert memory._malloc_trim() is not None  # glibc
    proc = psutil.Process()
    blocks = [bytearray(1000) for _ in range(200_000)]  # ~200 MB of small heap blocks
    pin = [bytearray(1000) for _ in range(10)]  # in use above them: the heap cannot shrink from the top
    peak = proc.memory_info().rss
    del blocks
    gc.collect()
    held = proc.memory_info().rss
    assert held > peak - 50 * 2**20  # freed, but still held by the allocator
    memory.release_memory()
    assert proc.memory_info().rss < held - 100 * 2**20
    del pin


def _term_chunks(tmp_path, parts: list[pd.DataFrame], fmt: str = "parquet"):
    from analysis.core import cache

    sources = []
    for i, part in enumerate(parts):
        key = f"{i:02d}" + "0" * 38
        if fmt == "pickle":
            cache.write_pickle("stage-_terms-tables", key, part, tmp_path)
        else:
            cache.write("stage-_terms-tables", key, part, tmp_path)
        sources.append({"_terms": ("stage-_terms-tables", key, fmt)})
    return sources


def _terms(ids: list[str], terms: list[str]) -> pd.DataFrame:
    n = len(ids)
    return pd.DataFrame(
        {
            "article_id": ids,
            "field": ["text"] * n,
            "term": terms,
            "count": range(1, n + 1),
            "sentence_id": [0] * n,
            "position": range(n),
        }
    )


def test_lazy_tables_read_terms_as_categories_with_the_same_rows(tmp_path):
    parts = [
        _terms(["a1", "a1", "a2"], ["talk", "paris", "talk"]),
        _terms([], []).astype({"article_id": object, "field": object, "term": object}),  # an empty chunk
        _terms(["a3", "a3"], ["kremlin", "talk"]),
    ]
    got = pipeline.LazyTables(_term_chunks(tmp_path, parts), tmp_path)["_terms"]
    want = pd.concat([parts[0], parts[2]], ignore_index=True)
    for column in ("article_id", "field", "term"):  # strings held once per distinct value
        assert isinstance(got[column].dtype, pd.CategoricalDtype)
    pd.testing.assert_frame_equal(got.astype({c: object for c in ("article_id", "field", "term")}), want)
    assert list(got["count"]) == [1, 2, 3, 1, 2] and got.index.equals(pd.RangeIndex(5))


def test_lazy_tables_read_other_tables_and_pickles_the_pandas_way(tmp_path):
    parts = [_terms(["a1"], ["talk"]), _terms(["a2"], ["paris"])]
    got = pipeline.LazyTables(_term_chunks(tmp_path, parts, fmt="pickle"), tmp_path)["_terms"]
    assert got["term"].dtype == object and list(got["term"]) == ["talk", "paris"]
    sources = [{"mentions": s["_terms"]} for s in _term_chunks(tmp_path / "p", parts)]
    mentions = pipeline.LazyTables(sources, tmp_path / "p")["mentions"]
    assert mentions["term"].dtype == object and list(mentions["article_id"]) == ["a1", "a2"]


def test_keyness_gives_the_same_table_from_categorical_term_counts():
    from analysis.framing.keyness import keyness

    articles = pd.DataFrame(
        {
            "article_id": ["a1", "a2", "a3", "a4"],
            "outlet": ["X", "X", "Y", "Y"],
            "text": ["t"] * 4,
            "status": ["ok"] * 4,
        }
    )
    counts = _terms(
        ["a1", "a1", "a2", "a3", "a4", "a4"], ["talk", "paris", "talk", "kremlin", "talk", "truce"]
    )
    sentences = pd.DataFrame(
        {
            "article_id": ["a1", "a2", "a3", "a4"],
            "field": "text",
            "sentence_id": 0,
            "start_char": 0,
            "end_char": 1,
            "text": ["s1", "s2", "s3", "s4"],
        }
    )
    plain = keyness(articles, term_counts=counts, sentences=sentences)
    compact = counts.astype({c: "category" for c in ("article_id", "field", "term")})
    pd.testing.assert_frame_equal(keyness(articles, term_counts=compact, sentences=sentences), plain)
    assert set(plain["term"]) == {"talk", "paris", "kremlin", "truce"}


def test_corpus_stages_run_with_the_earlier_heap_frozen_and_unfreeze_it_after(tmp_path):
    import gc

    from analysis.core.stage import Stage
    from analysis.pipeline.corpus_stages import CorpusRun, run_corpus_stages
    from analysis.pipeline.plan import PlannedStage
    from analysis.pipeline.timing import Timer

    seen = []

    def count(articles):
        seen.append(gc.get_freeze_count())
        return pd.DataFrame({"n": [len(articles)]})

    planned = PlannedStage(Stage("n_rows", count, ("articles",), per_article=False), "digest")
    before = gc.get_freeze_count()
    where = CorpusRun("corpus", [], tmp_path, 1, Timer())
    got = run_corpus_stages(pd.DataFrame({"article_id": ["a", "b"]}), {}, [planned], where)
    assert got["n_rows"]["n"].tolist() == [2]
    assert seen and seen[0] > before  # the objects alive before the stage were frozen
    assert gc.get_freeze_count() == before  # and are back with the collector afterwards


@linux_only
def test_meanwhile_runs_here_while_the_forked_load_runs(tmp_path, monkeypatch):
    src = tmp_path / "corpus"
    _write_corpus(src)
    monkeypatch.delenv("OUTLET_FRAMING_FAIL_AFTER_WRITES", raising=False)
    calls = []
    table = source.load_articles(src, tmp_path / "cache", meanwhile=lambda: calls.append(os.getpid()))
    assert calls == [os.getpid()] and len(table) == 6
    # a cached table: no loader, so nothing runs meanwhile
    again = source.load_articles(src, tmp_path / "cache", meanwhile=lambda: calls.append("again"))
    assert calls == [os.getpid()]
    pd.testing.assert_frame_equal(table, again)


def _slow_write(path: str) -> int:
    import time

    time.sleep(0.3)
    with open(path, "w") as fh:
        fh.write("x")
    return 7


@linux_only
def test_an_error_meanwhile_is_raised_after_the_forked_call_finished(tmp_path):
    done = tmp_path / "done"

    def fail() -> None:
        raise KeyError("meanwhile")

    assert memory.in_forked_process(_slow_write, str(done), meanwhile=lambda: None) == 7
    done.unlink()
    with pytest.raises(KeyError, match="meanwhile"):
        memory.in_forked_process(_slow_write, str(done), meanwhile=fail)
    assert done.exists()  # the forked call was waited for


def test_preload_during_load_only_for_forking_engines_and_small_sources(monkeypatch):
    from analysis import config
    from analysis.pipeline.engines.lanes import preload_pays_off
    from analysis.pipeline.options import RunOptions

    limit = config.PRELOAD_DURING_LOAD_MAX_BYTES
    forking = memory.fork_context().get_start_method() == "fork"
    assert preload_pays_off(RunOptions(n_process=2), 1000) is forking
    assert preload_pays_off(RunOptions(n_process=2, engine="lanes"), limit) is forking
    assert not preload_pays_off(RunOptions(n_process=2), limit + 1)
    assert not preload_pays_off(RunOptions(n_process=2), None)  # a table: no forked loader
    assert not preload_pays_off(RunOptions(n_process=1), 1000)
    assert not preload_pays_off(RunOptions(n_process=2, engine="serial"), 1000)


def test_lazy_tables_hold_a_stored_table_by_reference_until_asked_for(tmp_path, monkeypatch):
    from analysis.core import cache
    from analysis.pipeline import store

    table = _terms(["a1", "a2"], ["talk", "paris"])
    store.write_stage("corpus-keyness", "k" * 40, {"keyness": table}, tmp_path)
    sources = store.stage_sources("corpus-keyness", "k" * 40, tmp_path)
    assert sources is not None and store.stage_sources("corpus-keyness", "x" * 40, tmp_path) is None
    reads = []
    real = cache.read
    monkeypatch.setattr(cache, "read", lambda *a, **k: reads.append(a[0]) or real(*a, **k))
    stored = pipeline.LazyTables([], tmp_path)
    stored.add_stored("keyness", sources["keyness"])
    tables = pipeline.LazyTables([], tmp_path, extra={"labels": table})
    tables.add(stored)  # merged as a reference: nothing is read
    assert reads == [] and set(tables) == {"keyness", "labels"} and tables.held() == []
    pd.testing.assert_frame_equal(tables["keyness"], table)
    assert reads == ["corpus-keyness-tables"] and tables.held() == ["keyness"]
    tables.release("keyness")
    assert tables.held() == [] and "keyness" in tables
    pd.testing.assert_frame_equal(tables["keyness"], table)  # read again
    tables.drop(["keyness"])
    assert "keyness" not in tables and len(tables) == 1


def test_forget_shared_drops_what_a_preload_loader_holds(monkeypatch):
    import functools

    calls = []

    @functools.lru_cache(maxsize=1)
    def loader():
        calls.append(1)
        return [0] * 10

    monkeypatch.setattr(memory, "_PRELOADS", [])
    memory.preload(loader)
    assert memory.unloaded_shared() == [loader]
    memory.load_shared()
    assert memory.unloaded_shared() == [] and calls == [1]
    memory.forget_shared([loader])
    assert memory.unloaded_shared() == [loader]
    loader()
    assert calls == [1, 1]  # loaded again on the next call


def test_gc_paused_stops_automatic_collections_even_if_a_library_enables_the_collector_and_restores_them():
    import gc

    from analysis.core.parallel import gc_paused

    before = gc.get_threshold()
    runs = []

    def count(phase, info):
        if phase == "start":
            runs.append(info["generation"])

    gc.callbacks.append(count)
    try:
        with gc_paused():
            gc.enable()  # what msgpack does while spaCy loads its model
            held = [[i] for i in range(200_000)]  # far past the usual threshold: no collection
            assert runs == []
        assert gc.get_threshold() == before
        more = [[i] for i in range(5 * before[0])]  # past the threshold again: collected as usual
        assert runs
    finally:
        gc.callbacks.remove(count)
    del held, more
