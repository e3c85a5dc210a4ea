"""``analysis.run(source)``: load a corpus, compute every declared stage chunk by chunk, reuse the cache.

1. Load (:func:`analysis.pipeline.source.load_articles`, whole table cached).
2. Plan (:func:`analysis.pipeline.plan.plan`), chunk, key every per-article stage of every chunk.
3. Compute the uncached chunks with an engine (:mod:`analysis.pipeline.engines`): serial,
   lanes (forked workers) or Dask, chosen by :attr:`RunOptions.engine`.
4. Run the corpus stages on the per-article tables, read lazily from the cache.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import config
from analysis.annotate import load_model, model_fingerprint
from analysis.core import cache
from analysis.core.parallel import release_memory
from analysis.framing.codebook import codebook_digest, resolve_codebook
from analysis.framing.quotes.people import people_digest, resolve_people
from analysis.framing.quotes.sources import resolve_source_types, source_types_digest
from analysis.pipeline import corpus_stages
from analysis.pipeline.chunks import chunk_articles, chunk_signature, corpus_signature, stage_keys
from analysis.pipeline.corpus_stages import CorpusRun
from analysis.pipeline.engines import ChunkWork, get_engine
from analysis.pipeline.engines.lanes import preload_lanes, preload_pays_off
from analysis.pipeline.options import RunOptions
from analysis.pipeline.plan import plan
from analysis.pipeline.source import load_articles, source_bytes
from analysis.pipeline.timing import Timer, count_words, timings_table


@dataclass(frozen=True)
class RunInfo:
    """How a run went: what it planned, reused and computed.

    Attributes
    ----------
    engine : str
        The engine that computed the chunks: ``serial``, ``lanes`` or ``dask`` (``pandas``
        picks serial or lanes).
    stages : tuple of str
        Stages in run order.
    chunk_sizes : tuple of int
        Articles per chunk.
    chunks_cached : int
        Chunks whose every per-article table came from the cache.
    cache_writes : int
        Cache entries written by the run, in every process.
    workers : tuple of str
        The processes that computed chunks, sorted: a Dask worker's address, else ``pid-N``
        (empty when every chunk was cached).
    corpus_ahead : Mapping[str, int]
        Corpus stage -> id of the forked process that computed it while the other corpus
        stages ran (empty when none did).
    """

    engine: str
    stages: tuple[str, ...]
    chunk_sizes: tuple[int, ...]
    chunks_cached: int
    cache_writes: int
    workers: tuple[str, ...] = ()
    corpus_ahead: Mapping[str, int] = field(default_factory=dict)

    @property
    def n_chunks(self) -> int:
        """Number of chunks."""
        return len(self.chunk_sizes)

    @property
    def chunks_computed(self) -> int:
        """Chunks computed by the engine (not wholly served from the cache)."""
        return self.n_chunks - self.chunks_cached

    def as_dict(self) -> dict[str, Any]:
        """Return the fields (and ``n_chunks``, ``chunks_computed``) as plain JSON-ready values."""
        out = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}
        out["corpus_ahead"] = dict(self.corpus_ahead)
        return {**out, "n_chunks": self.n_chunks, "chunks_computed": self.chunks_computed}


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
    info : RunInfo
        The engine, stages, chunks, what was reused and computed, by which processes.
    options : RunOptions
        The options the run was computed with.
    """

    articles: pd.DataFrame
    tables: Mapping[str, pd.DataFrame]
    timings: pd.DataFrame
    info: RunInfo
    options: RunOptions = field(default_factory=RunOptions)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name == "articles":
            return self.articles
        return self.tables[name]

    def __contains__(self, name: object) -> bool:
        return name == "articles" or name in self.tables

    def keys(self) -> list[str]:
        """Return the table names, ``articles`` first."""
        return ["articles", *self.tables]


def run_settings(source_or_articles: Any, options: RunOptions) -> dict[str, tuple[Any, str]]:
    """Return the run settings stages may declare (codebook, people, source types) as ``(value, digest)``.

    Each comes from ``options`` when set, else from a file beside the corpus, else the
    packaged default (see :func:`analysis.pipeline.plan.plan`).
    """
    book = resolve_codebook(source_or_articles, options.codebook)
    who = resolve_people(source_or_articles, options.people)
    types = resolve_source_types(source_or_articles, options.source_types)
    return {
        "codebook": (book, codebook_digest(book)),
        "people": (who, people_digest(who)),
        "source_types": (types, source_types_digest(types)),
    }


def chunk_work(source_or_articles: Any, articles: pd.DataFrame, options: RunOptions, root: Path) -> ChunkWork:
    """Plan the stages (with the run's codebook), chunk the ``ok`` articles and key every chunk's stages.

    ``source_or_articles`` is where the corpus came from (for a ``codebook.yaml`` beside it);
    ``articles`` the loaded corpus.
    """
    names = list(options.include) if options.include is not None else None
    settings = run_settings(source_or_articles, options)
    stages = plan(include=names, settings=settings)
    fingerprint = model_fingerprint()
    chunks = chunk_articles(articles, chunk_size=options.chunk_size or config.CHUNK_SIZE)
    keys = [stage_keys(stages, chunk_signature(c, fingerprint)) for c in chunks]
    return ChunkWork(chunks, keys, stages, settings, root)


def run(source_or_articles: Any, options: RunOptions | None = None, /, **kw: Any) -> RunResult:
    """Load a corpus and compute every declared stage, chunk by chunk, reusing the on-disk cache.

    Parameters
    ----------
    source_or_articles : path, list of paths or pandas.DataFrame
        Anything :func:`analysis.load_corpus` reads, or an already loaded
        corpus (a DataFrame with ``article_id``, ``text`` and ``status``).
    options : RunOptions, optional
        How to compute (engine, chunk size, cache, processes, stages, codebook, ...); default
        ``RunOptions()``.
    **kw
        Fields of :class:`~analysis.pipeline.options.RunOptions` (``engine="dask"``,
        ``cache_dir=...``, ``include=["keyness"]``, ...), set on top of ``options``.

    Returns
    -------
    RunResult
        ``articles``, ``tables``, ``timings``, ``info`` and ``options``.

    Raises
    ------
    ValueError
        An engine not in :data:`analysis.config.ENGINES` (the message lists them).
    TypeError
        A keyword that is not a field of :class:`~analysis.pipeline.options.RunOptions`.
    analysis.pipeline.plan.StageError
        An unknown stage in ``include``, a declared input no stage provides, or a cycle.
    """
    options = replace(options or RunOptions(), **kw) if kw else (options or RunOptions())
    engine = get_engine(options.engine)
    timer, writes_before = Timer(), cache.write_count()
    root = cache.cache_dir(options.cache_dir).resolve()
    preloaded: list[bool] = []

    def preload() -> None:  # the second core's work while a forked loader loads the corpus
        began = time.perf_counter()
        preloaded.append(preload_lanes())
        timer.add("preload", time.perf_counter() - began)

    started = time.perf_counter()
    early = preload_pays_off(options, source_bytes(source_or_articles))
    articles = load_articles(source_or_articles, root, meanwhile=preload if early else None)
    timer.add("load", time.perf_counter() - started)

    started = time.perf_counter()
    work = chunk_work(source_or_articles, articles, options, root)
    chunks, keys, stages = work.chunks, work.keys, work.stages
    timer.add("plan", time.perf_counter() - started)
    computed = engine.run(work, options)
    timer.merge(computed.seconds)
    parsed_here = computed.engine == "serial" and computed.chunks_cached < len(chunks)
    if any(preloaded) and not parsed_here:  # loaded for lanes (or unused): the corpus stages need no parser
        load_model.cache_clear()
        if len(articles) > config.CORPUS_OVERLAP_MAX_ARTICLES:  # a large corpus: its stages need the room now
            release_memory()
    tables = computed.tables
    ahead: dict[str, int] = {}
    tables.add(
        corpus_stages.run_corpus_stages(
            articles,
            tables,
            stages,
            CorpusRun(corpus_signature(articles, keys), keys, root, options.n_process, timer, ahead, chunks),
        )
    )
    info = RunInfo(
        engine=computed.engine,
        stages=tuple(s.name for s in stages),
        chunk_sizes=tuple(len(c) for c in chunks),
        chunks_cached=computed.chunks_cached,
        cache_writes=cache.write_count() - writes_before + computed.cache_writes,
        workers=computed.workers,
        corpus_ahead=ahead,
    )
    kinds = {s.name: ("article" if s.per_article else "corpus") for s in stages}
    return RunResult(articles, tables, timings_table(timer, count_words(articles), kinds), info, options)


def tables_for(source_or_articles: Any, options: RunOptions | None = None, /, **kw: Any) -> RunResult:
    """Return the pipeline's tables for a source: :func:`run` without progress output.

    With a warm cache this reads every table from the cache (no parse, no stage run), so a
    report or notebook can call it for the same source as often as it likes.
    """
    return run(source_or_articles, options, **{"progress": False, **kw})
