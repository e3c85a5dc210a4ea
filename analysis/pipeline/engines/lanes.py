"""The lanes engine (uncached chunks computed in forked worker processes) and ``pandas`` (lanes or serial).

The parent loads the spaCy model and the stages' large read-only data
(:func:`analysis.core.parallel.load_shared`: word vectors, name lists,
dictionaries) once, then forks the lanes, which share those pages instead of
each loading its own copy (what it loaded only for them it drops when they are
done). Each lane takes the next chunk as soon as it is free, so the parse of one
chunk overlaps with the per-article stages of another and both cores stay busy.
In long jobs the lanes are replaced by fresh ones every :data:`LANE_MAX_CHUNKS`
chunks each, because a lane's memory creeps up.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

import pandas as pd

from analysis import config
from analysis.annotate import MIN_ARTICLES_PER_PROCESS, iter_tokens, load_model
from analysis.core import cache
from analysis.core.parallel import (
    forget_shared,
    fork_context,
    gc_paused,
    load_shared,
    release_memory,
    unloaded_shared,
)
from analysis.pipeline.chunks import process_chunk
from analysis.pipeline.engines.base import ChunkWork, LocalEngine
from analysis.pipeline.engines.serial import SerialEngine
from analysis.pipeline.options import RunOptions
from analysis.pipeline.plan import collect, plan
from analysis.pipeline.timing import Timer

#: Chunks each lane process computes before the lanes are replaced by fresh ones, in jobs of more
#: than :data:`LANE_RECYCLE_FROM_CHUNKS` chunks: a lane's memory grows by ~45-60 MB a large chunk
#: (caches filling, a fragmented heap), which only long jobs feel. 20,000 articles (160 chunks of
#: ~125) run in 40 sets of lanes, each paying a model load (~1.5 s) and a short wait for its last chunk.
LANE_MAX_CHUNKS = 2
#: Jobs of up to this many chunks run in one set of lanes (the 2,000-article bench: 16 chunks).
LANE_RECYCLE_FROM_CHUNKS = 40
#: Articles to compute from which the heap's freed pages are handed back before the lanes are forked.
#: A full collection over the loaded model costs ~0.1 s; below this the lanes are short-lived and
#: small (an incremental run's few new articles), so the few freed pages they could copy do not matter.
RELEASE_BEFORE_FORK_MIN_ARTICLES = 200
#: A lane's generation-0 collection threshold while it computes a chunk (CPython's default: 700).
#: A chunk allocates millions of short-lived objects: at 700 the collector ran ~400 times per
#: 250-article chunk, 0.15-0.2 s of CPU that found little; at 20,000 it runs ~20 times, the
#: lane's peak RSS grows by < 10 MB, and the full collection at the chunk's end stays.
LANE_GC_THRESHOLD = 20_000
#: Articles per lane that repay forking one when the model and shared data are already loaded here
#: (a fork and a cache write per chunk, against parsing and analysing ~10 articles: ~1 s).
MIN_ARTICLES_PER_PRELOADED_LANE = 10


def lane_count(n_process: int | None, todo_sizes: list[int], *, preloaded: bool = False) -> int:
    """Return how many worker processes ("lanes") to run uncached chunks in: 1 means this process.

    Lanes pay off only when there are at least two chunks to compute and enough
    articles per lane to repay starting a process and loading the model there
    (the same threshold as spaCy's own ``n_process``). When this process already
    holds the model and the shared data and lanes are forked (``preloaded``), a
    lane costs only a fork, so :data:`MIN_ARTICLES_PER_PRELOADED_LANE` articles
    per lane repay it (an incremental run's few new articles then use both cores).

    Examples
    --------
    >>> lane_count(2, [250, 250, 250])
    2
    >>> lane_count(2, [40])
    1
    >>> lane_count(1, [250, 250])
    1
    >>> lane_count(2, [20, 11]), lane_count(2, [20, 11], preloaded=True)
    (1, 2)
    """
    processes = n_process or config.SPACY_N_PROCESS
    if processes < 2 or len(todo_sizes) < 2:
        return 1
    per_lane = MIN_ARTICLES_PER_PRELOADED_LANE if preloaded else MIN_ARTICLES_PER_PROCESS
    return max(1, min(processes, len(todo_sizes), sum(todo_sizes) // per_lane))


def preloaded_for_lanes() -> bool:
    """Tell whether lanes forked now would find the model and every shared loader already loaded here."""
    return (
        fork_context().get_start_method() == "fork"
        and load_model.cache_info().currsize > 0
        and not unloaded_shared()
    )


def preload_pays_off(options: RunOptions, source_size: int | None) -> bool:
    """Tell whether a run should load the lanes' model and shared data while its corpus loads.

    True for the ``pandas`` and ``lanes`` engines with 2+ processes, when forking is the start
    method and the source is at most :data:`analysis.config.PRELOAD_DURING_LOAD_MAX_BYTES`.
    The lanes (and the serial engine, for a small job) need both; loading them is then work
    for the second core while the first one loads the corpus.
    """
    processes = options.n_process or config.SPACY_N_PROCESS
    return (
        options.engine in ("pandas", "lanes")
        and processes >= 2
        and source_size is not None
        and source_size <= config.PRELOAD_DURING_LOAD_MAX_BYTES
        and fork_context().get_start_method() == "fork"
    )


def preload_lanes() -> bool:
    """Load the spaCy model and every :func:`~analysis.core.parallel.preload` loader here.

    Returns whether the model was loaded by this call (so the caller may drop it afterwards).
    """
    loaded = load_model.cache_info().currsize == 0
    with gc_paused():  # everything loaded here lives on: a collection meanwhile would find nothing
        load_model()
        collect()  # the stage modules declare the loaders when imported
        load_shared()
    return loaded


def lane_init() -> None:
    """Load the spaCy model once per lane process, before its first chunk (a no-op when the parent did)."""
    load_model()


def lane_chunk(
    chunk: pd.DataFrame,
    keys: Mapping[str, str],
    include: list[str] | None,
    cache_dir: str,
    batch_size: int | None,
    settings: Mapping[str, Any] | None = None,
) -> tuple[dict[str, float], int, int]:
    """Annotate one chunk (``n_process=1``) and run its per-article stages, in a lane process.

    The garbage collector's first generation runs every :data:`LANE_GC_THRESHOLD` allocations
    meanwhile; the chunk ends with a full collection.

    Returns the stage seconds, the number of cache writes and the lane's process id; the
    tables stay in the cache.
    """
    stages = plan(include=include, settings=settings)
    timer, writes = Timer(), cache.write_count()
    threshold = gc.get_threshold()
    gc.set_threshold(LANE_GC_THRESHOLD, *threshold[1:])
    try:
        started = time.perf_counter()
        (tokens,) = iter_tokens(
            [chunk], cache_dir=cache_dir, n_process=1, batch_size=batch_size, progress=False
        )
        timer.add("annotate", time.perf_counter() - started)
        process_chunk(chunk, tokens, stages, keys, cache_dir=cache_dir, timer=timer)
        del tokens
    finally:
        gc.set_threshold(*threshold)
    release_memory()  # a lane lives for many chunks: give back what this one freed (a full collection)
    return timer.seconds, cache.write_count() - writes, os.getpid()


class LanesEngine(LocalEngine):
    """Compute the uncached chunks in forked worker processes ("lanes"), each parsing whole chunks.

    Chunks are handed out longest first (by characters), so the last ones are short and the
    lanes finish together. Stage seconds are summed over lanes; the outputs are in the cache.

    Parameters
    ----------
    lanes : int, optional
        Worker processes; default ``options.n_process`` (else
        :data:`analysis.config.SPACY_N_PROCESS`), at most one per chunk to compute.
    """

    name = "lanes"

    def __init__(self, lanes: int | None = None) -> None:
        self.lanes = lanes

    def compute(
        self, work: ChunkWork, todo: list[int], options: RunOptions, timer: Timer
    ) -> tuple[int, list[str]]:
        """Compute chunks ``todo`` in lanes (see :meth:`~.base.LocalEngine.compute`)."""
        lanes = self.lanes or max(1, min(options.n_process or config.SPACY_N_PROCESS, len(todo)))
        chunks = [work.chunks[i] for i in todo]
        keys = [work.keys[i] for i in todo]
        include = list(options.include) if options.include is not None else None
        writes = 0
        pids: set[int] = set()
        if options.progress:
            total = sum(len(c) for c in chunks)
            print(
                f"analysing {len(chunks)} chunks ({total} articles) in {lanes} processes",
                file=sys.stderr,
                flush=True,
            )
        context = fork_context()
        forking = context.get_start_method() == "fork"
        loaded_here = forking and load_model.cache_info().currsize == 0
        shared_here = unloaded_shared() if forking else []
        if forking:  # loaded once here, shared by every lane (and every set of lanes) instead of copied
            started = time.perf_counter()
            preload_lanes()
            timer.add("preload", time.perf_counter() - started)
        if sum(len(c) for c in chunks) >= RELEASE_BEFORE_FORK_MIN_ARTICLES:
            release_memory()  # the lanes are forked from here: leave them no freed pages to copy
        if forking:
            gc.freeze()  # the lanes' garbage collector then never touches (and so copies) the shared objects
        order = sorted(range(len(chunks)), key=lambda i: -sum(chunks[i]["text"].map(len)))
        wave = lanes * max(1, LANE_MAX_CHUNKS) if len(chunks) > LANE_RECYCLE_FROM_CHUNKS else len(chunks)
        done = 0
        try:
            for start in range(0, len(order), wave):
                pool = ProcessPoolExecutor(max_workers=lanes, mp_context=context, initializer=lane_init)
                with pool:
                    futures = {
                        pool.submit(
                            lane_chunk,
                            chunks[i],
                            keys[i],
                            include,
                            str(work.root),
                            options.batch_size,
                            work.settings,
                        ): i
                        for i in order[start : start + wave]
                    }
                    try:
                        for future in as_completed(futures):
                            seconds, lane_writes, pid = future.result()
                            timer.merge(seconds)
                            writes += lane_writes
                            pids.add(pid)
                            done += 1
                            if options.progress:
                                size = len(chunks[futures[future]])
                                print(
                                    f"  chunk {done}/{len(chunks)} done: {size} articles",
                                    file=sys.stderr,
                                    flush=True,
                                )
                    except BaseException:
                        for future in futures:
                            future.cancel()
                        raise
        finally:
            if forking:
                gc.unfreeze()
        if loaded_here or shared_here:  # the corpus stages that follow need no parser, no shared data
            if loaded_here:
                load_model.cache_clear()
            forget_shared(shared_here)
            release_memory()
        return writes, [f"pid-{pid}" for pid in sorted(pids)]


class PandasEngine(LocalEngine):
    """The default engine: :class:`LanesEngine` when :func:`lane_count` says lanes pay off, else serial."""

    name = "pandas"

    def choose(self, work: ChunkWork, todo: list[int], options: RunOptions) -> LocalEngine:
        """Return lanes for 2+ processes and enough articles to compute, else :class:`SerialEngine`."""
        sizes = [len(work.chunks[i]) for i in todo]
        lanes = lane_count(options.n_process, sizes, preloaded=len(sizes) > 1 and preloaded_for_lanes())
        return LanesEngine(lanes) if lanes > 1 else SerialEngine()
