"""Parallelism and memory handling in one place: when to fork, forked workers, memory release.

* :func:`can_fork` tells whether forking is safe here (Linux, no other thread, no test
  failure injection); :func:`other_threads` is its thread check.
* :func:`in_forked_process` computes one call in a forked process (None if it died).
* :func:`fork_map` maps a function over items in forked workers (:func:`shared` state).
* :class:`ForkedJobs` (from :func:`start_forked`) runs named jobs ahead in forked processes
  while the caller goes on; :meth:`ForkedJobs.wait` collects one.
* :func:`release_memory` hands freed heap back to the operating system; :func:`gc_paused`
  keeps the automatic garbage collector out of a bulk load of long-lived objects.
* :func:`preload` declares a loader of large read-only data (word vectors, name lists,
  dictionaries); :func:`load_shared` runs every declared loader, so a parent that calls it
  before forking workers gives them the data to share instead of each loading its own copy.

Analysis functions never fork themselves: they call :func:`fork_map`, or the pipeline does.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

#: Loaders declared with :func:`preload`, in declaration order.
_PRELOADS: list[Callable[[], Any]] = []


def preload(loader: Callable[[], Any]) -> Callable[[], Any]:
    """Declare ``loader`` (memoised, no arguments) as large read-only data to load before forking.

    Use it on a ``functools.lru_cache``'d loader; :func:`load_shared` calls every declared one.
    """
    _PRELOADS.append(loader)
    return loader


def load_shared() -> int:
    """Run every :func:`preload` loader (each is memoised); return how many ran.

    A process that forks workers calls this first: the workers inherit the loaded data
    (pages shared copy-on-write) rather than each reading and holding its own copy.
    """
    for loader in _PRELOADS:
        loader()
    return len(_PRELOADS)


def unloaded_shared() -> list[Callable[[], Any]]:
    """Return the :func:`preload` loaders whose data this process has not loaded (yet)."""
    return [f for f in _PRELOADS if hasattr(f, "cache_info") and f.cache_info().currsize == 0]


def forget_shared(loaders: list[Callable[[], Any]]) -> None:
    """Drop what ``loaders`` (:func:`preload` loaders) hold in this process; the next call loads again.

    A process that loaded the data only to fork workers calls this when they are gone, so
    the work that follows in it (the corpus stages) does not carry the data.
    """
    for loader in loaders:
        loader.cache_clear()  # type: ignore[attr-defined]


#: Allocations between two automatic collections inside :func:`gc_paused` (none in practice).
PAUSED_GC_THRESHOLD = 1 << 30


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the automatic garbage collector for a block that loads long-lived objects.

    Loading a model or a large table allocates objects that all survive, so every automatic
    collection during the load (full ones included, over everything the process holds) finds
    nothing to free. The collector's thresholds are raised for the block (not ``gc.disable``:
    libraries such as msgpack, which spaCy loads its model with, switch the collector back on),
    then restored, and the objects allocated meanwhile are collected as usual: no garbage is kept.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(PAUSED_GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def release_memory() -> None:
    """Collect garbage and hand the freed heap pages back to the operating system.

    CPython and glibc keep freed memory for reuse; before forking workers (which would
    share, then copy, those pages) and between a worker's chunks that keeps the peak
    down. ``malloc_trim`` exists only in glibc; elsewhere this only collects garbage.
    """
    gc.collect()
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:  # Arrow's allocator keeps freed blocks of Parquet reads and writes too
        arrow.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    import ctypes
    import ctypes.util

    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # musl and others have no malloc_trim
        return None


#: What forked workers of :func:`fork_map` read: set before the fork, inherited, never pickled.
_SHARED: dict = {}


def shared() -> dict:
    """Return the object a :func:`fork_map` worker was given as ``shared`` (empty outside one)."""
    return _SHARED


def fork_map(
    fn: Callable[..., object],
    items: list,
    *,
    processes: int,
    shared_state: dict | None = None,
    order: list[int] | None = None,
) -> list:
    """Return ``[fn(item) for item in items]``, computed in up to ``processes`` forked workers.

    ``shared_state`` is made visible to the workers through :func:`shared` without pickling
    (the workers are forked after it is set), so large read-only inputs cost no copy. With
    one process, or where ``fork`` is unavailable, the items run here, in order. ``order``
    is the order in which items are submitted (e.g. largest first); results keep item order.

    Parameters
    ----------
    fn : Callable
        A module-level function of one item (pickled by reference).
    items : list
        Small, picklable work items (indices, slices).
    processes : int
        Upper bound on worker processes.
    shared_state : dict, optional
        Read-only state for the workers.
    order : list of int, optional
        Submission order of the items.

    Returns
    -------
    list
        ``fn(item)`` for each item, in item order.

    Examples
    --------
    >>> fork_map(abs, [-1, 2, -3], processes=1)
    [1, 2, 3]
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _SHARED.clear()
    _SHARED.update(shared_state or {})
    try:
        forkable = "fork" in multiprocessing.get_all_start_methods()
        if processes < 2 or len(items) < 2 or not forkable:
            return [fn(item) for item in items]
        release_memory()  # freed heap is not inherited by the workers
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(processes, len(items)), mp_context=context) as pool:
            futures = {i: pool.submit(fn, items[i]) for i in (order or range(len(items)))}
            return [futures[i].result() for i in range(len(items))]
    finally:
        _SHARED.clear()


def other_threads() -> bool:
    """Tell whether this process runs a thread besides the calling one."""
    return threading.active_count() > 1


def can_fork() -> bool:
    """Tell whether work may be done in a forked helper process here.

    Only on Linux, when this process runs no other thread (a Dask client's or a
    Jupyter kernel's thread could hold a lock at fork time that would stay held in
    the child), and not under the failure injection of the tests
    (``$OUTLET_FRAMING_FAIL_AFTER_WRITES``), which counts cache writes in one process.
    """
    import multiprocessing

    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and not other_threads()
        and not os.environ.get("OUTLET_FRAMING_FAIL_AFTER_WRITES")
    )


def in_forked_process(fn: Callable[..., Any], *args: Any, meanwhile: Callable[[], Any] | None = None) -> Any:
    """Return ``fn(*args)`` computed in a forked process (its exception is raised here).

    A process that dies without an answer (killed, out of memory) gives None, so the
    caller can do the work itself. ``meanwhile`` is called here, after the fork, while
    the process computes (the other core's work); its exception is raised after the
    process has finished.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        future = pool.submit(fn, *args)
        try:
            if meanwhile is not None:
                meanwhile()
        finally:
            try:
                result = future.result()
            except BrokenProcessPool:
                result = None
        return result


#: State of the jobs started by :func:`start_forked`: set before the fork, inherited, never pickled.
_JOBS: dict[str, Any] = {}


def job_state(name: str) -> Any:
    """Return the state :func:`start_forked` gave job ``name`` (inside its forked process)."""
    return _JOBS[name]


class ForkedJobs:
    """Named jobs computing in forked processes; :meth:`wait` collects one, :meth:`close` ends them."""

    def __init__(self, pool: Any = None, futures: dict[str, Any] | None = None) -> None:
        self.pool, self.futures = pool, dict(futures or {})

    def wait(self, name: str) -> tuple[bool, Any]:
        """Wait for job ``name``; return ``(True, result)``, or ``(False, None)`` if it was not started.

        A process that died (killed, out of memory) also gives ``(False, None)``, so the caller
        does the work itself; the job's own exception is raised here.
        """
        from concurrent.futures.process import BrokenProcessPool

        future = self.futures.pop(name, None)
        if future is None:
            return False, None
        try:
            return True, future.result()
        except BrokenProcessPool:
            return False, None

    def close(self, *, abandon: bool = False) -> None:
        """Shut the processes down; ``abandon`` (an error elsewhere) stops jobs still running."""
        if self.pool is not None:
            if abandon and self.futures:
                processes = list(getattr(self.pool, "_processes", {}).values())
                self.pool.shutdown(wait=False, cancel_futures=True)
                for process in processes:  # an error should not wait for a job nobody will read
                    process.terminate()
            else:
                self.pool.shutdown(wait=True)
        _JOBS.clear()


def start_forked(fn: Callable[[str], Any], jobs: dict[str, Any]) -> ForkedJobs:
    """Start ``fn(name)`` for each job in its own forked process; ``job_state(name)`` gives it its state.

    The states are inherited by the forked processes (never pickled). Call only when
    :func:`can_fork`.

    Parameters
    ----------
    fn : Callable
        A module-level function of a job name (pickled by reference).
    jobs : dict
        Job name -> state (read-only in the job).

    Returns
    -------
    ForkedJobs
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if not jobs:
        return ForkedJobs()
    _JOBS.clear()
    _JOBS.update(jobs)
    pool = ProcessPoolExecutor(max_workers=len(jobs), mp_context=multiprocessing.get_context("fork"))
    return ForkedJobs(pool, {name: pool.submit(fn, name) for name in jobs})


def fork_context():
    """Return the multiprocessing context for worker processes: fork where available, else spawn.

    Fork (as spaCy's own ``n_process`` does on Linux): spawn would re-import the caller's
    script, which breaks any user script without an ``if __name__ == "__main__"`` guard.
    """
    import multiprocessing

    return multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    )
