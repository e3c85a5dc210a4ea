"""Corpus stages updated with new articles: the index a stage keeps between runs, and its rebuild rule.

A corpus stage declared with ``incremental=``
(:class:`analysis.core.stage.Incremental`) is computed here when its cache key
misses. Its last index (what its last run computed: article vectors, frozen
corpus statistics, links) is found through a pointer keyed by the stage and its
code digest; the stage's ``update`` then compares the new articles with the
index, or returns None (its rebuild rule) and ``build`` recomputes everything.
Either way the tables are written as any corpus stage's, the new index under
the stage's key (kind ``index-<stage>``) and the pointer moved to it.

Every index records how it was made (:data:`MODE_FIELD`: ``build`` or
``update``) and how many items the run computed (:data:`COMPUTED_FIELD`).
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from analysis.core import cache
from analysis.core.stage import check_columns
from analysis.pipeline.partials import Chunked, compute_from_parts
from analysis.pipeline.plan import PlannedStage, tables_of
from analysis.pipeline.store import corpus_kind, write_stage

#: Cache kind of the pointers to each incremental stage's latest index.
POINTER_KIND = "index-latest"
#: Keys every index (a dict) holds: how it was made and how many items that run computed.
MODE_FIELD, COMPUTED_FIELD = "mode", "computed"


def index_kind(stage_name: str) -> str:
    """Return the cache kind of a stage's indexes."""
    return f"index-{stage_name}"


def pointer_key(planned: PlannedStage) -> str:
    """Return the key of the pointer to a stage's latest index (its name and code digest)."""
    return cache.content_key("latest-index", planned.name, planned.digest)


def latest_index(planned: PlannedStage, cache_dir) -> Any:
    """Return the stage's latest index (None when there is none for this code and settings)."""
    pointer = cache.read(POINTER_KIND, pointer_key(planned), cache_dir)
    if pointer is None or pointer.empty:
        return None
    return cache.read_object(index_kind(planned.name), str(pointer["key"].iloc[0]), cache_dir)


def compute_stage(
    planned: PlannedStage, inputs: Mapping[str, Any], key: str, cache_dir, chunked: Chunked | None = None
) -> dict[str, pd.DataFrame]:
    """Compute a corpus stage whose key missed the cache, write its tables and return them (normalised).

    A stage with an :class:`~analysis.core.stage.Incremental` declaration updates its latest
    index when that index can serve the inputs, else builds a new one. A stage with a
    :class:`~analysis.core.stage.Partial` declaration is combined from per-chunk parts when
    ``chunked`` (the run's chunks) can serve it (:mod:`analysis.pipeline.partials`).
    """
    kind = corpus_kind(planned.name)
    plan = planned.stage.incremental
    if plan is None:
        if chunked is not None and chunked.serves(planned, inputs["articles"]):
            return write_stage(kind, key, compute_from_parts(planned, inputs, chunked, cache_dir), cache_dir)
        return write_stage(kind, key, planned.run(inputs), cache_dir)
    got = None
    previous = latest_index(planned, cache_dir)
    if previous is not None:
        got = _call(planned, plan.update, inputs, previous)
    if got is None:
        got = _call(planned, plan.build, inputs)
    tables, index = got
    result = write_stage(kind, key, tables, cache_dir)
    cache.write_object(index_kind(planned.name), key, index, cache_dir)
    cache.write(POINTER_KIND, pointer_key(planned), pd.DataFrame({"key": [key]}), cache_dir)
    return result


def _call(
    planned: PlannedStage, fn: Callable[..., Any], inputs: Mapping[str, Any], *index: Any
) -> tuple[dict[str, pd.DataFrame], Any] | None:
    """Call ``build`` or ``update`` with the stage's inputs (and settings); None when it declines."""
    merged = ChainMap(dict(planned.settings), inputs) if planned.settings else inputs
    stage = planned.stage
    got = fn(*index, **{param: merged[table] for param, table in stage.parameters})
    if got is None:
        return None
    value, new_index = got
    tables = tables_of(stage, value)
    for name, frame in tables.items():
        check_columns(stage, name, frame)
    return tables, new_index
