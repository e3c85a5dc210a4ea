"""``analysis.run(source)``: load a corpus, compute every declared stage chunk by chunk, reuse the cache.

1. Load (:func:`analysis.pipeline.source.load_articles`, whole table cached).
2. Plan (:func:`analysis.pipeline.plan.plan`), chunk, key every per-article stage of every chunk.
3. Compute the uncached chunks with an engine: serial, lanes (forked workers) or Dask.
4. Run the corpus stages on the per-article tables, read lazily from the cache.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import config
from analysis.annotate import model_fingerprint
from analysis.core import cache
from analysis.core.parallel import release_memory
from analysis.framing.codebook import codebook_digest, resolve_codebook
from analysis.pipeline import corpus_stages
from analysis.pipeline.chunks import chunk_articles, chunk_signature, corpus_signature, stage_keys
from analysis.pipeline.engines.dask import run_chunks
from analysis.pipeline.engines.lanes import lane_count, run_lanes
from analysis.pipeline.engines.serial import run_serial
from analysis.pipeline.plan import PlannedStage, plan
from analysis.pipeline.source import load_articles
from analysis.pipeline.store import LazyTables, chunk_sources, concat
from analysis.pipeline.timing import Timer, count_words, timings_table

ENGINES = ("pandas", "dask")


@dataclass(frozen=True)
class RunResult:
    """Every table of a run, plus how the run went.

    Attributes
    ----------
    articles : pandas.DataFrame
        The loaded corpus (every row, with ``status``).
    tables : Mapping[str, pandas.DataFrame]
        Per-article tables (``sentences``, ``entities``, ``mentions``, ...)
        and corpus-level tables (``entity_frequencies``, ``keyness``, ...),
        by name. Index with ``result["mentions"]``.
    timings : pandas.DataFrame
        ``stage, kind, seconds, words, words_per_s``: wall time per stage
        summed over chunks (``annotate`` is the spaCy parse or cache read).
    info : Mapping[str, Any]
        ``engine``, ``stages`` (in run order), ``n_chunks``, ``chunk_sizes``,
        ``cache_writes``, ``chunks_cached`` (chunks served wholly from the
        cache), ``skipped`` (always empty: a stage that cannot run is an error),
        ``workers`` (Dask: address per chunk), ``lanes`` and ``lane_pids``
        (lanes), ``corpus_ahead`` (corpus stage -> id of the forked process that
        computed it while the other corpus stages ran; empty when none did).
    """

    articles: pd.DataFrame
    tables: Mapping[str, pd.DataFrame]
    timings: pd.DataFrame
    info: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name == "articles":
            return self.articles
        return self.tables[name]

    def __contains__(self, name: object) -> bool:
        return name == "articles" or name in self.tables

    def keys(self) -> list[str]:
        """Return the table names, ``articles`` first."""
        return ["articles", *self.tables]


def _per_article_tables(
    engine: str,
    chunks: list[pd.DataFrame],
    keys: list[dict[str, str]],
    stages: list[PlannedStage],
    *,
    include: list[str] | None,
    root: Path,
    options: Mapping[str, Any],
    timer: Timer,
    info: dict[str, Any],
) -> LazyTables:
    """Compute the uncached chunks with ``engine``; return the per-article tables (read lazily)."""
    if engine == "dask":
        parts, info["workers"], seconds = run_chunks(
            chunks,
            keys,
            [s.name for s in stages],
            include=include,
            settings=options.get("settings"),
            cache_dir=root,
            scheduler=options["scheduler"],
            n_workers=options["n_process"],
            batch_size=options["batch_size"],
            out_dir=options["out_dir"],
            progress=options["progress"],
        )
        info["chunks_cached"] = int(seconds.pop("__cached__", 0))
        timer.merge(seconds)
        return LazyTables([], root, extra=concat(parts))
    started = time.perf_counter()
    sources = [chunk_sources(k, root) for k in keys]
    timer.add("plan", time.perf_counter() - started)
    info["chunks_cached"] = sum(1 for c in sources if c is not None)
    todo = [i for i, hit in enumerate(sources) if hit is None]
    info["lanes"] = lane_count(options["n_process"], [len(chunks[i]) for i in todo])
    if info["lanes"] > 1:
        release_memory()  # the lanes are forked from here: leave them no freed pages to copy
        info["lane_cache_writes"], info["lane_pids"] = run_lanes(
            [chunks[i] for i in todo],
            [keys[i] for i in todo],
            include=include,
            settings=options.get("settings"),
            cache_dir=root,
            lanes=info["lanes"],
            batch_size=options["batch_size"],
            timer=timer,
            progress=options["progress"],
        )
    elif todo:
        token_options = {k: options[k] for k in ("n_process", "batch_size", "progress")}
        run_serial(
            [chunks[i] for i in todo],
            [keys[i] for i in todo],
            stages,
            token_options={"cache_dir": root, **token_options},
            timer=timer,
            progress=options["progress"],
        )
    for i in todo:  # every output is in the cache now; the tables are read when needed
        sources[i] = chunk_sources(keys[i], root)
        if sources[i] is None:
            raise RuntimeError(f"chunk {i + 1}: a stage output is missing from the cache after its run")
    return LazyTables(sources, root)


def corpus_folder(source_or_articles: Any) -> Any:
    """Return where a corpus came from, for files kept beside it (``codebook.yaml``).

    A path is returned as it is; a loaded table gives the one folder every article's
    ``source_path`` lies in (None when there is none or several).

    Examples
    --------
    >>> corpus_folder(pd.DataFrame({"source_path": ["/c/a.txt", "/c/b.txt"]}))
    '/c'
    >>> corpus_folder(pd.DataFrame({"article_id": ["a"]})) is None
    True
    """
    if not isinstance(source_or_articles, pd.DataFrame):
        return source_or_articles
    if "source_path" not in source_or_articles.columns:
        return None
    folders = {os.path.dirname(str(p)) for p in source_or_articles["source_path"].dropna()}
    return folders.pop() if len(folders) == 1 else None


def run(
    source_or_articles: Any,
    *,
    engine: str = "pandas",
    chunk_size: int | None = None,
    cache_dir: str | os.PathLike | None = None,
    scheduler: Any = None,
    n_process: int | None = None,
    batch_size: int | None = None,
    include: Iterable[str] | None = None,
    out_dir: str | os.PathLike | None = None,
    progress: bool = True,
    codebook: str | os.PathLike | Mapping | None = None,
) -> RunResult:
    """Load a corpus and compute every declared stage, chunk by chunk, reusing the on-disk cache.

    Parameters
    ----------
    source_or_articles : path, list of paths or pandas.DataFrame
        Anything :func:`analysis.load_corpus` reads, or an already loaded
        corpus (a DataFrame with ``article_id``, ``text`` and ``status``).
    engine : {"pandas", "dask"}, default "pandas"
        ``pandas`` computes uncached chunks here or, with 2+ processes and enough
        articles, in forked worker processes (lanes); ``dask`` runs one task per
        chunk on a ``dask.distributed`` cluster (:mod:`analysis.pipeline.engines.dask`).
    chunk_size : int, optional
        Expected articles per chunk (Dask partition); default
        :data:`analysis.config.CHUNK_SIZE` (125, or ``$OUTLET_FRAMING_CHUNK_SIZE``).
        Memory grows with it; cached tables are reused only at the same chunk size.
    cache_dir : path, optional
        Cache root (default :data:`analysis.config.CACHE_DIR`).
    scheduler : str or distributed.Client, optional
        Dask only: a scheduler address (``"tcp://host:8786"``) or a Client;
        default: a LocalCluster with ``n_process`` workers (2 if None).
    n_process : int, optional
        pandas engine: lanes and ``nlp.pipe`` processes (default
        :data:`analysis.config.SPACY_N_PROCESS`); dask engine: local workers.
    batch_size : int, optional
        ``nlp.pipe`` batch size (default :data:`analysis.config.SPACY_BATCH_SIZE`).
    include : iterable of str, optional
        Stage names to compute (default every declared stage); the stages they read from
        are computed too.
    out_dir : path, optional
        Dask only: where the partitioned Parquet output goes (default under the cache).
    progress : bool, default True
        Print one line per chunk to stderr.
    codebook : path or mapping, optional
        The frame codebook (:func:`analysis.framing.codebook.resolve_codebook`): default a
        ``codebook.yaml`` beside a source folder or file, else the packaged general codebook.
        Its content keys the ``frames`` and ``salience`` stages.

    Returns
    -------
    RunResult
        ``articles``, ``tables``, ``timings`` and ``info``.

    Raises
    ------
    analysis.pipeline.plan.StageError
        An unknown stage in ``include``, a declared input no stage provides, or a cycle.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be 'pandas' or 'dask', got {engine!r}")
    timer, writes_before = Timer(), cache.write_count()
    root = cache.cache_dir(cache_dir).resolve()
    started = time.perf_counter()
    articles = load_articles(source_or_articles, root)
    timer.add("load", time.perf_counter() - started)

    started = time.perf_counter()
    names = list(include) if include is not None else None
    book = resolve_codebook(corpus_folder(source_or_articles), codebook)
    settings = {"codebook": (book, codebook_digest(book))}
    stages = plan(include=names, settings=settings)
    fingerprint = model_fingerprint()
    chunks = chunk_articles(articles, chunk_size=chunk_size or config.CHUNK_SIZE)
    keys = [stage_keys(stages, chunk_signature(c, fingerprint)) for c in chunks]
    timer.add("plan", time.perf_counter() - started)
    info: dict[str, Any] = {
        "engine": engine,
        "n_chunks": len(chunks),
        "chunk_sizes": [len(c) for c in chunks],
        "stages": [s.name for s in stages],
        "skipped": {},
    }
    options = {
        "scheduler": scheduler,
        "n_process": n_process,
        "batch_size": batch_size,
        "out_dir": out_dir,
        "progress": progress,
        "settings": settings,
    }
    tables = _per_article_tables(
        engine, chunks, keys, stages, include=names, root=root, options=options, timer=timer, info=info
    )
    ahead: dict[str, int] = {}
    tables.add(
        corpus_stages.run_corpus_stages(
            articles,
            tables,
            stages,
            corpus_signature=corpus_signature(articles, keys),
            chunk_keys=keys,
            cache_dir=root,
            n_process=n_process,
            timer=timer,
            ahead_pids=ahead,
        )
    )
    info["corpus_ahead"] = ahead
    info["cache_writes"] = cache.write_count() - writes_before + info.pop("lane_cache_writes", 0)
    kinds = {s.name: ("article" if s.per_article else "corpus") for s in stages}
    return RunResult(articles, tables, timings_table(timer, count_words(articles), kinds), info)


def tables_for(
    source_or_articles: Any,
    *,
    include: Iterable[str] | None = None,
    cache_dir: str | os.PathLike | None = None,
    **options: Any,
) -> RunResult:
    """Return the pipeline's tables for a source: :func:`run` without progress output.

    With a warm cache this reads every table from the cache (no parse, no stage run), so a
    report or notebook can call it for the same source as often as it likes.
    """
    return run(source_or_articles, include=include, cache_dir=cache_dir, progress=False, **options)
