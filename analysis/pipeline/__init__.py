"""The pipeline: every declared stage over a corpus, chunk by chunk, with per-chunk caching.

``analysis.run(source)`` (:func:`analysis.pipeline.run.run`) loads the corpus,
builds the plan from the ``@stage`` declarations of the stage modules, splits
the ``ok`` articles into content-defined chunks, computes each uncached chunk's
per-article stages with an engine (serial, lanes or Dask), then runs the corpus
stages on the per-article tables, which are read lazily from the cache.

Modules, bottom up (each imports only those above it in this list):

* :mod:`.timing` - wall time per stage, the timing table
* :mod:`.options` - :class:`~.options.RunOptions`, how a run is computed
* :mod:`.plan` - stage registry (:data:`~.plan.STAGE_MODULES`), plan, calling a stage
* :mod:`.store` - stage cache read/write, :class:`~.store.LazyTables`
* :mod:`.chunks` - content-defined chunks, cache keys, per-article stages on one chunk
* :mod:`.source` - the loaded corpus, cached whole (:func:`~.source.load_articles`)
* :mod:`.engines` - the engine interface; serial, lanes, Dask; corpus stages computed ahead
* :mod:`.corpus_stages` - the corpus-level stages
* :mod:`.run` - :func:`~.run.run`, :class:`~.run.RunResult`, :class:`~.run.RunInfo`, :func:`~.run.tables_for`
* :mod:`.direct` - one stage called on a DataFrame, the inputs it needs computed by the plan
  (what ``analysis.<stage>(df)`` runs)

``analysis.pipeline.plan`` is the module; its function is ``analysis.pipeline.plan.plan``.
"""

from __future__ import annotations

from analysis.pipeline.chunks import chunk_articles
from analysis.pipeline.options import RunOptions
from analysis.pipeline.plan import INTERNAL_PREFIX, STAGE_MODULES, PlannedStage, StageError
from analysis.pipeline.run import RunInfo, RunResult, run, tables_for
from analysis.pipeline.source import load_articles
from analysis.pipeline.store import LazyTables

__all__ = [
    "INTERNAL_PREFIX",
    "STAGE_MODULES",
    "LazyTables",
    "PlannedStage",
    "RunInfo",
    "RunOptions",
    "RunResult",
    "StageError",
    "chunk_articles",
    "load_articles",
    "run",
    "tables_for",
]
