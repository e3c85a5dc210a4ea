"""Parallelism and memory handling in one place: forked workers, memory release."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable


def release_memory() -> None:
    """Collect garbage and hand the freed heap pages back to the operating system.

    CPython and glibc keep freed memory for reuse; before forking workers (which would
    share, then copy, those pages) and between a worker's chunks that keeps the peak
    down. ``malloc_trim`` exists only in glibc; elsewhere this only collects garbage.
    """
    import gc

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
