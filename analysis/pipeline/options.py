"""How a run is computed: :class:`RunOptions`, the options object of :func:`analysis.run` and its engines."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from analysis.config import ENGINES


def check_engine(name: object) -> str:
    """Return ``name`` if it is one of :data:`analysis.config.ENGINES`, else raise a ValueError listing them.

    Examples
    --------
    >>> check_engine("dask")
    'dask'
    >>> check_engine("spark")
    Traceback (most recent call last):
    ...
    ValueError: unknown engine 'spark': choose one of pandas, serial, lanes, dask
    """
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
    return str(name)


@dataclass(frozen=True)
class RunOptions:
    """Everything that says how :func:`analysis.run` computes a corpus (not what it computes on).

    Attributes
    ----------
    engine : str, default "pandas"
        One of :data:`analysis.config.ENGINES`. ``pandas`` computes uncached chunks here
        (``serial``) or, with 2+ processes and enough articles, in forked worker processes
        (``lanes``); ``serial`` and ``lanes`` force one of the two; ``dask`` runs one task per
        chunk on a ``dask.distributed`` cluster (:mod:`analysis.pipeline.engines.dask`).
    chunk_size : int, optional
        Expected articles per chunk (Dask partition); default
        :data:`analysis.config.CHUNK_SIZE`. Cached tables are reused only at the same chunk size.
    cache_dir : path, optional
        Cache root (default :data:`analysis.config.CACHE_DIR`).
    scheduler : str or distributed.Client, optional
        Dask only: a scheduler address (``"tcp://host:8786"``) or a Client; default a
        LocalCluster with ``n_process`` workers (2 if None).
    n_process : int, optional
        Lanes and ``nlp.pipe`` processes (default :data:`analysis.config.SPACY_N_PROCESS`);
        Dask: local workers.
    batch_size : int, optional
        ``nlp.pipe`` batch size (default :data:`analysis.config.SPACY_BATCH_SIZE`).
    include : tuple of str, optional
        Stage names to compute (default every declared stage); the stages they read from are
        computed too.
    out_dir : path, optional
        Dask only: where the partitioned Parquet output goes (default under the cache).
    progress : bool, default True
        Print one line per chunk to stderr.
    codebook : path or mapping, optional
        The frame codebook (:func:`analysis.framing.codebook.resolve_codebook`): default a
        ``codebook.yaml`` beside a source folder or file, else the packaged general codebook.
    people : path or DataFrame, optional
        The corpus's own people table (:mod:`analysis.framing.quotes.people`): default a
        ``people.csv`` beside a source folder or file, else none (speakers are resolved from
        each article alone). Its content keys the ``quotes`` stage.

    Raises
    ------
    ValueError
        For an engine not in :data:`analysis.config.ENGINES` (the message lists them).

    Examples
    --------
    >>> RunOptions(include=["keyness"]).include
    ('keyness',)
    """

    engine: str = "pandas"
    chunk_size: int | None = None
    cache_dir: str | os.PathLike | None = None
    scheduler: Any = None
    n_process: int | None = None
    batch_size: int | None = None
    include: tuple[str, ...] | None = None
    out_dir: str | os.PathLike | None = None
    progress: bool = True
    codebook: str | os.PathLike | Mapping | None = None
    people: Any = None

    def __post_init__(self) -> None:
        check_engine(self.engine)
        if self.include is not None and not isinstance(self.include, tuple):
            names: Iterable[str] = [self.include] if isinstance(self.include, str) else self.include
            object.__setattr__(self, "include", tuple(names))
