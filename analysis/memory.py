"""Process memory helpers shared by the pipeline's lanes and the corpus stages' forked workers."""

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
