"""The engine interface: :class:`Engine` computes the per-article stages of a :class:`ChunkWork`.

Every engine (serial, lanes, Dask, and ``pandas``, which picks serial or lanes) takes the
same two arguments, the work and the run's :class:`~analysis.pipeline.options.RunOptions`,
and returns an :class:`EngineResult`: the per-article tables (read lazily from the cache or
from the Dask output), the stage seconds, and what was reused and what computed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from analysis.pipeline.options import RunOptions
from analysis.pipeline.plan import PlannedStage
from analysis.pipeline.store import LazyTables, Source, chunk_sources
from analysis.pipeline.timing import Timer


@dataclass(frozen=True)
class ChunkWork:
    """What an engine computes: the chunks, their stage keys, the planned stages and where the cache is.

    Attributes
    ----------
    chunks : sequence of pandas.DataFrame
        From :func:`analysis.pipeline.chunks.chunk_articles` (``ok`` articles).
    keys : sequence of Mapping[str, str]
        Per chunk: per-article stage -> cache key.
    stages : sequence of PlannedStage
        The plan (per-article and corpus stages, in run order).
    settings : Mapping[str, Any]
        Run settings the stages are planned with (the codebook); worker processes plan again
        from them and ``include``.
    root : pathlib.Path
        Cache root.
    """

    chunks: Sequence[pd.DataFrame]
    keys: Sequence[Mapping[str, str]]
    stages: Sequence[PlannedStage]
    settings: Mapping[str, Any]
    root: Path

    def cached(self) -> list[dict[str, Source] | None]:
        """Return each chunk's cached outputs (None for a chunk with an output missing)."""
        return [chunk_sources(k, self.root) for k in self.keys]


@dataclass(frozen=True)
class EngineResult:
    """What an engine returns.

    Attributes
    ----------
    engine : str
        The engine that computed the chunks (``serial``, ``lanes`` or ``dask``).
    tables : LazyTables
        The per-article tables of every chunk, in chunk order.
    seconds : Mapping[str, float]
        Stage (and ``annotate``) -> wall seconds, summed over chunks and processes.
    chunks_cached : int
        Chunks whose every per-article table came from the cache.
    cache_writes : int
        Cache entries written in other processes (lanes, Dask workers) that this process's
        :func:`analysis.core.cache.write_count` does not see.
    workers : tuple of str
        The processes that computed chunks, sorted: a Dask worker's address, else ``pid-N``.
    """

    engine: str
    tables: LazyTables
    seconds: Mapping[str, float] = field(default_factory=dict)
    chunks_cached: int = 0
    cache_writes: int = 0
    workers: tuple[str, ...] = ()


@runtime_checkable
class Engine(Protocol):
    """Computes the per-article stages of the uncached chunks of a :class:`ChunkWork`."""

    name: str

    def run(self, work: ChunkWork, options: RunOptions) -> EngineResult:
        """Compute ``work`` as ``options`` say; return the per-article tables and how it went."""
        ...


def this_process() -> str:
    """Return the worker name of the current process (``pid-N``)."""
    return f"pid-{os.getpid()}"


def read_back(work: ChunkWork, sources: list[dict[str, Source] | None], todo: list[int]) -> LazyTables:
    """Return the tables of every chunk once the ``todo`` chunks are in the cache (read lazily)."""
    for i in todo:
        sources[i] = chunk_sources(work.keys[i], work.root)
        if sources[i] is None:
            raise RuntimeError(f"chunk {i + 1}: a stage output is missing from the cache after its run")
    return LazyTables(sources, work.root)  # type: ignore[arg-type]


class LocalEngine:
    """An engine whose outputs land in this machine's cache: it computes only the uncached chunks.

    Subclasses implement :meth:`compute`; :meth:`run` finds the uncached chunks, has them
    computed (by the engine :meth:`choose` returns) and reads every chunk's tables back lazily.
    """

    name = "local"

    def run(self, work: ChunkWork, options: RunOptions) -> EngineResult:
        """Compute ``work``'s uncached chunks (see :class:`Engine`)."""
        started = time.perf_counter()
        sources = work.cached()
        todo = [i for i, hit in enumerate(sources) if hit is None]
        timer = Timer()
        timer.add("plan", time.perf_counter() - started)
        engine = self.choose(work, todo, options)
        writes, workers = engine.compute(work, todo, options, timer) if todo else (0, ())
        return EngineResult(
            engine.name,
            read_back(work, sources, todo),
            timer.seconds,
            chunks_cached=len(work.chunks) - len(todo),
            cache_writes=writes,
            workers=tuple(sorted(workers)),
        )

    def choose(self, work: ChunkWork, todo: list[int], options: RunOptions) -> LocalEngine:
        """Return the engine that computes chunks ``todo`` (this one; ``pandas`` picks serial or lanes)."""
        return self

    def compute(
        self, work: ChunkWork, todo: list[int], options: RunOptions, timer: Timer
    ) -> tuple[int, Sequence[str]]:
        """Compute chunks ``todo`` of ``work`` into the cache; return (writes in other processes, workers)."""
        raise NotImplementedError
