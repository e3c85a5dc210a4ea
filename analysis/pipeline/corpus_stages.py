"""The corpus-level stages, run once on the concatenated per-article tables (cached for an unchanged corpus).

They never receive the corpus's token table (``annotations``): what they need
from the tokens comes from small per-article stages (``_terms``, ``_hedges``,
``_label_spans``), so memory does not grow with the corpus's token count. A
corpus stage's key covers its code digest, the corpus (ids, metadata, texts)
and the keys of the tables it declares as inputs.
"""

from __future__ import annotations

import gc
import time
from collections import ChainMap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.core import cache
from analysis.core.parallel import release_memory
from analysis.pipeline.chunks import table_owners
from analysis.pipeline.engines.ahead import ahead_last, start_ahead
from analysis.pipeline.incremental import compute_stage
from analysis.pipeline.partials import Chunked
from analysis.pipeline.plan import INTERNAL_PREFIX, PlannedStage
from analysis.pipeline.store import LazyTables, corpus_kind, read_stage, stage_sources
from analysis.pipeline.timing import Timer


@dataclass(frozen=True)
class CorpusRun:
    """Where the corpus stages of one run are keyed, cached and timed.

    Attributes
    ----------
    corpus_signature : str
        Key of the corpus (ids, metadata, texts): :func:`analysis.pipeline.chunks.corpus_signature`.
    chunk_keys : sequence of Mapping[str, str]
        Per chunk: per-article stage -> cache key (a corpus stage's key covers its inputs' keys).
    cache_dir : path
        Cache root.
    n_process : int, optional
        Processes of the run: with 2+ a slow stage may be computed ahead (:mod:`.engines.ahead`).
    timer : Timer
        Receives each stage's seconds.
    ahead_pids : dict, optional
        Filled with stage -> id of the forked process that computed it ahead.
    chunks : sequence of pandas.DataFrame, optional
        Each chunk's articles (as ``chunk_keys``): stages declared with per-chunk parts are then
        combined from them (:mod:`analysis.pipeline.partials`).
    """

    corpus_signature: str
    chunk_keys: Sequence[Mapping[str, str]]
    cache_dir: Any
    n_process: int | None
    timer: Timer
    ahead_pids: dict[str, int] | None = None
    chunks: Sequence[pd.DataFrame] | None = None


def run_corpus_stages(
    articles: pd.DataFrame,
    tables: dict[str, pd.DataFrame] | LazyTables,
    stages: Sequence[PlannedStage],
    where: CorpusRun,
) -> Mapping[str, pd.DataFrame]:
    """Run the corpus stages of ``stages`` in order and return their tables.

    ``tables`` holds the per-article tables. A :class:`LazyTables` reads each from the cache
    when a stage asks for it; after each stage this forgets every table the next stage does
    not read (a later stage reads it again), and a corpus table no later stage reads leaves
    memory too: the returned mapping is then a :class:`LazyTables` that reads it back from
    the cache when asked for. So a stage runs beside its own inputs only, not beside the
    tables of the stages before and after it. Internal tables (names starting with
    :data:`analysis.pipeline.plan.INTERNAL_PREFIX`) are removed from ``tables`` at the end.
    """
    corpus_signature, chunk_keys, cache_dir = where.corpus_signature, where.chunk_keys, where.cache_dir
    timer = where.timer
    owners = table_owners(stages)
    per_article = {t for t, s in owners.items() if any(p.name == s and p.per_article for p in stages)}
    inputs: ChainMap[str, Any] = ChainMap({"articles": articles, "cache_dir": cache_dir}, tables)
    produced: dict[str, str] = {}  # corpus table -> key of the stage that made it
    corpus = [s for s in stages if not s.per_article]
    out: dict[str, pd.DataFrame] = {}
    stored = LazyTables([], cache_dir) if isinstance(tables, LazyTables) else None  # outputs in the cache
    chunked = (
        Chunked(where.chunks, chunk_keys, tables, owners, frozenset(per_article))
        if where.chunks is not None and isinstance(tables, LazyTables)
        else None
    )

    def key_of(planned: PlannedStage, extra: Mapping[str, str] | None = None) -> str:
        made = {**produced, **(extra or {})}  # corpus tables -> key of the stage that made them
        parts: list[Any] = [planned.name, planned.digest, corpus_signature]
        for table in planned.inputs:
            if table in per_article:
                parts.append((table, [k.get(owners[table], "") for k in chunk_keys]))
            elif table in made:
                parts.append((table, made[table]))
        return cache.content_key(*parts)

    # The objects alive now (the parser, loaded models, the plan) outlive the corpus stages: frozen, the
    # collections after each stage walk only what the stages allocate (the forked claims process too).
    freezing = gc.get_freeze_count() == 0  # a caller's own frozen objects are left as they are
    if freezing:
        gc.freeze()
    try:
        ahead = start_ahead(
            corpus,
            inputs,
            key_of,
            per_article,
            cache_dir,
            n_articles=len(articles),
            n_process=where.n_process,
        )
        corpus = corpus_order(corpus, ahead.members, per_article)
        try:
            for position, planned in enumerate(corpus):
                key = key_of(planned)
                kind = corpus_kind(planned.name)
                ahead.wait(planned.name, timer)  # a stage computed ahead is then read from the cache
                started = time.perf_counter()
                result = read_stage(kind, key, cache_dir)
                computed = result is None
                if computed:
                    result = compute_stage(planned, inputs, key, cache_dir, chunked)
                timer.add(planned.name, time.perf_counter() - started)
                out.update(result)
                inputs.maps[0].update(result)
                produced.update(dict.fromkeys(result, key))
                if stored is not None:
                    release_unread(
                        tables, corpus[position + 1 :], out=out, held=inputs.maps[0], produced=produced,
                        owners=owners, stored=stored, cache_dir=cache_dir,
                    )  # fmt: skip
                if computed:  # the next stage starts from what the tables hold, not this one's freed heap
                    release_memory()
        except BaseException:
            ahead.close(abandon=True)
            raise
        ahead.close()
    finally:
        if freezing:
            gc.unfreeze()
    if where.ahead_pids is not None:
        where.ahead_pids.update(ahead.pids)
    drop_internal(tables)
    if stored is None:
        return out
    stored.add(out)
    return stored


def corpus_order(
    corpus: Sequence[PlannedStage], chain: set[str], per_article: set[str]
) -> list[PlannedStage]:
    """Return the order to run the corpus stages in: the chain computed ahead last, shared inputs adjacent.

    The stages computed ahead in a forked process (``chain``) and the stages that read them
    come last (:func:`~analysis.pipeline.engines.ahead.ahead_last`), so this process works
    while the chain runs. Within each part, the next stage is the ready one (its corpus-table
    inputs made) that reads the most per-article tables the previous stage read, the plan's
    order breaking ties: a per-article table is released as soon as the next stage does not
    read it (:func:`release_unread`), so stages that share an input run one after the other and
    it is read from the cache once rather than once per stage. A stage depends only on its
    inputs, so the order changes no table.
    """
    first, last = ahead_last(corpus, chain)
    return _by_shared_inputs(first, per_article) + _by_shared_inputs(last, per_article)


def _by_shared_inputs(stages: Sequence[PlannedStage], per_article: set[str]) -> list[PlannedStage]:
    """Order ``stages`` greedily so that each reads the most per-article tables its predecessor read."""
    left = list(stages)
    provided = {t for p in left for t in p.stage.provides}
    made: set[str] = set()
    previous: set[str] = set()
    out: list[PlannedStage] = []
    while left:
        ready = [p for p in left if not (set(p.inputs) & provided) - made]
        best = max(ready or left, key=lambda p: len(set(p.inputs) & previous & per_article))
        out.append(best)
        left.remove(best)
        made.update(best.stage.provides)
        previous = set(best.inputs)
    return out


def release_unread(
    tables: LazyTables,
    later: Sequence[PlannedStage],
    *,
    out: dict[str, pd.DataFrame],
    held: dict[str, Any],
    produced: Mapping[str, str],
    owners: Mapping[str, str],
    stored: LazyTables,
    cache_dir: Any,
) -> None:
    """Forget the tables the stages still to run do not need now.

    A per-article table the next stage (``later[0]``) does not read is forgotten (a later
    stage reads it from the cache again). A corpus table in ``out`` that no stage of
    ``later`` reads moves to ``stored`` as a reference to its cache entry and leaves
    ``held`` (the stages' inputs computed so far). ``produced`` maps a corpus table to the
    key of the stage that made it, ``owners`` a table to its stage.
    """
    following = set(later[0].inputs) if later else set()
    for name in tables.held():
        if name not in following:
            tables.release(name)
    still = set().union(*(set(s.inputs) for s in later))
    for name in [n for n in out if n not in still]:
        sources = stage_sources(corpus_kind(owners[name]), produced[name], cache_dir)
        if sources is None or name not in sources:  # not in the cache: keep it here
            continue
        stored.add_stored(name, sources[name])
        del out[name]
        held.pop(name, None)


def drop_internal(tables: dict[str, pd.DataFrame] | LazyTables | Mapping[str, pd.DataFrame]) -> None:
    """Remove the internal tables (names starting with ``_``) from a run's tables."""
    internal = [n for n in tables if n.startswith(INTERNAL_PREFIX)]
    if isinstance(tables, LazyTables):
        tables.drop(internal)
    else:
        for name in internal:
            del tables[name]  # type: ignore[attr-defined]
