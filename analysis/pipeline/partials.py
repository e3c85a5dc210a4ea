"""Corpus stages combined from per-chunk parts: an unchanged chunk's part is read, not computed.

A corpus stage declared with ``partial=`` (:class:`analysis.core.stage.Partial`) is computed
here when its cache key misses: each chunk's part (``part`` on the chunk's articles and its
rows of every per-article input) is read from the cache (kind ``part-<stage>``, keyed by the
stage, its code digest and the chunk's keys of those inputs) or computed and written; then
``combine`` turns the parts of every chunk, in corpus order, into the stage's tables. A run
with a few new articles computes the parts of the changed chunks only and never reads the
per-article inputs of the others. The tables are exactly those of the stage function on the
whole corpus (each stage's tests check it; ``tests/integration/test_incremental_stages.py``
compares an incremental run with a build from an empty cache).
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.core import cache
from analysis.core.stage import check_columns
from analysis.pipeline.plan import PlannedStage, tables_of
from analysis.pipeline.store import LazyTables


def part_kind(stage_name: str) -> str:
    """Return the cache kind of a stage's per-chunk parts."""
    return f"part-{stage_name}"


@dataclass(frozen=True)
class Chunked:
    """The chunks of a run, for stages computed from per-chunk parts.

    Attributes
    ----------
    chunks : sequence of pandas.DataFrame
        Each chunk's articles, in corpus order.
    keys : sequence of Mapping[str, str]
        Per chunk: per-article stage -> cache key.
    tables : LazyTables
        The per-article tables, read chunk by chunk.
    owners : Mapping[str, str]
        Table -> the stage that provides it.
    per_article : set of str
        The per-article tables.
    """

    chunks: Sequence[pd.DataFrame]
    keys: Sequence[Mapping[str, str]]
    tables: LazyTables
    owners: Mapping[str, str]
    per_article: frozenset[str]

    def serves(self, planned: PlannedStage, articles: pd.DataFrame) -> bool:
        """Tell whether ``planned`` can be computed from parts here.

        It needs a :class:`~analysis.core.stage.Partial` declaration, per-chunk tables for every
        chunk, and article ids that occur once in the corpus (the stage functions key on them).
        """
        if planned.stage.partial is None or self.tables.n_chunks != len(self.chunks) or not self.chunks:
            return False
        return bool(articles["article_id"].astype(str).is_unique)


def compute_from_parts(
    planned: PlannedStage, inputs: Mapping[str, Any], chunked: Chunked, cache_dir
) -> dict[str, pd.DataFrame]:
    """Return a corpus stage's tables from its per-chunk parts (read from the cache or computed)."""
    stage = planned.stage
    declared = stage.partial
    assert declared is not None
    merged = ChainMap(dict(planned.settings), inputs) if planned.settings else inputs
    chunk_tables = {t for t in planned.inputs if t in chunked.per_article}
    kind = part_kind(planned.name)
    parts = []
    for i, chunk in enumerate(chunked.chunks):
        key = cache.content_key(
            "part", planned.name, planned.digest,
            sorted((t, chunked.keys[i].get(chunked.owners[t], "")) for t in chunk_tables),
        )  # fmt: skip
        got = cache.read_object(kind, key, cache_dir)
        if got is None:
            args = {}
            for param, table in stage.parameters:
                if table == "articles":
                    args[param] = chunk
                elif table in chunk_tables:
                    args[param] = chunked.tables.chunk_table(table, i)
                elif table in planned.settings:
                    args[param] = planned.settings[table]
            got = (declared.part(**args),)  # wrapped: a part may itself be None
            cache.write_object(kind, key, got, cache_dir)
        parts.append(got[0])
    others = {param: merged[table] for param, table in stage.parameters if table not in chunk_tables}
    tables = tables_of(stage, declared.combine(parts, **others))
    for name, frame in tables.items():
        check_columns(stage, name, frame)
    return tables
