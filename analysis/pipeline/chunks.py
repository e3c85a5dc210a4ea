"""Content-defined chunks of articles, their cache keys, and the per-article stages run on one chunk.

Chunks are *content-defined*: a chunk ends after an article whose content
hash is 0 modulo ``chunk_size`` (or when it reaches twice ``chunk_size``), so
adding or removing a few articles changes only the chunks they fall in and
every other chunk's cached outputs are reused (incremental rebuild).

A chunk's cached output for a stage is keyed by the chunk's signature (article
keys: text, title, model fingerprint; and metadata), the stage's code digest
(its module, the package modules it imports transitively, the data files they
name) and the keys of the stages whose tables it declares as inputs.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from analysis import config
from analysis.annotate import Annotations, article_key, entities_from_tokens, sentences_from_tokens
from analysis.core import cache
from analysis.core.digest import code_digest
from analysis.pipeline.plan import ANNOTATE_MODULE, PlannedStage
from analysis.pipeline.store import chunk_kind, read_stage, write_stage
from analysis.pipeline.timing import Timer

#: Article columns (besides the text) whose change invalidates a chunk's cached outputs.
META_COLUMNS: tuple[str, ...] = ("outlet", "outlet_type", "date", "event", "url", "language")
#: Bump to invalidate every cached per-chunk stage output.
STAGE_CACHE_VERSION = "3"
DEFAULT_CHUNK_SIZE = config.CHUNK_SIZE
#: The articles after the last chunk boundary (the open tail) are cut where their hash is 0 modulo
#: ``chunk_size // TAIL_SPLIT``, so articles appended to a corpus recompute a small piece, not a chunk.
TAIL_SPLIT = 4


def _boundary_hash(article_id: str, title: str, text: str) -> int:
    return int(cache.content_key("chunk", article_id, title, text)[:12], 16)


def _texts(rows: pd.DataFrame, column: str) -> pd.Series:
    if column not in rows.columns:
        return pd.Series("", index=rows.index)
    return rows[column].fillna("").astype(str)


def chunk_articles(articles: pd.DataFrame, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> list[pd.DataFrame]:
    """Split the ``ok`` articles into content-defined chunks of about ``chunk_size`` articles.

    A chunk ends after an article whose content hash is 0 modulo
    ``chunk_size``, or when it holds ``2 * chunk_size`` articles, so
    inserting an article changes only the chunk it lands in. The articles
    after the last such end (the open tail, where articles appended to the
    corpus land) end a chunk where their hash is 0 modulo
    ``chunk_size // TAIL_SPLIT``: appending articles changes only the last
    of these small chunks (and, when an appended article closes a chunk, the
    tail merges into one chunk again).

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text`` (``title``, ``status`` used when present).
    chunk_size : int, default 125
        Expected articles per chunk (at least 1).

    Returns
    -------
    list of pandas.DataFrame
        Row slices of the ``ok`` articles, in their original order.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "text": ["x", "y", "z"]})
    >>> [len(c) for c in chunk_articles(arts, chunk_size=1)]
    [1, 1, 1]
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    rows = articles
    if "status" in rows.columns:
        rows = rows[rows["status"] == "ok"]
    rows = rows.reset_index(drop=True)
    if rows.empty:
        return []
    hashes = [
        _boundary_hash(a, t, x)
        for a, t, x in zip(
            rows["article_id"].astype(str), _texts(rows, "title"), _texts(rows, "text"), strict=True
        )
    ]
    cuts, start = [], 0
    for i, h in enumerate(hashes):
        if h % chunk_size == 0 or i + 1 - start >= 2 * chunk_size:
            cuts.append((start, i + 1))
            start = i + 1
    piece = max(1, chunk_size // TAIL_SPLIT)  # the open tail, where appended articles land, in small pieces
    for i in range(start, len(rows)):
        if hashes[i] % piece == 0 or i + 1 == len(rows):
            cuts.append((start, i + 1))
            start = i + 1
    return [rows.iloc[a:b].reset_index(drop=True) for a, b in cuts]


def chunk_signature(chunk: pd.DataFrame, fingerprint: str) -> str:
    """Hash a chunk's article keys (id, title, text, model fingerprint) and metadata columns."""
    keys = [
        (aid, article_key(t, x, fingerprint))
        for aid, t, x in zip(
            chunk["article_id"].astype(str), _texts(chunk, "title"), _texts(chunk, "text"), strict=True
        )
    ]
    meta = [c for c in META_COLUMNS if c in chunk.columns]
    meta_hash = pd.util.hash_pandas_object(chunk[meta].astype(str), index=False).tolist() if meta else []
    return cache.content_key(fingerprint, keys, meta_hash)


def table_owners(stages: Sequence[PlannedStage]) -> dict[str, str]:
    """Map each table to the stage that provides it."""
    return {table: s.name for s in stages for table in s.stage.provides}


def stage_keys(stages: Sequence[PlannedStage], signature: str) -> dict[str, str]:
    """Cache key of each per-article stage for one chunk.

    A stage's key covers its code digest, the chunk's signature and the keys of the
    per-article stages whose tables it reads (so only what a change reaches is recomputed).
    """
    owners = table_owners(stages)
    keys: dict[str, str] = {}
    for planned in stages:
        if not planned.per_article:
            continue
        parts: list[Any] = [STAGE_CACHE_VERSION, planned.name, planned.digest, signature]
        for table in planned.inputs:
            if table == "annotations":
                parts.append(("annotations", code_digest(ANNOTATE_MODULE)))
            elif table in owners:
                parts.append((table, keys[owners[table]]))
        keys[planned.name] = cache.content_key(*parts)
    return keys


def corpus_signature(articles: pd.DataFrame, keys: list[dict[str, str]]) -> str:
    """Hash every article's id, status and metadata and every chunk's texts (via its ``sentences`` key)."""
    columns = [
        c for c in ("article_id", "status", "n_words", "title", *META_COLUMNS) if c in articles.columns
    ]
    meta = pd.util.hash_pandas_object(articles[columns].astype(str), index=False).tolist()
    return cache.content_key([k.get("sentences", "") for k in keys], meta)


def process_chunk(
    chunk: pd.DataFrame,
    tokens: pd.DataFrame | None,
    stages: Sequence[PlannedStage],
    keys: Mapping[str, str],
    *,
    cache_dir,
    timer: Timer | None = None,
) -> dict[str, pd.DataFrame]:
    """Run the per-article stages on one chunk (reading cached stage outputs where present).

    Parameters
    ----------
    chunk : pandas.DataFrame
        ``ok`` articles (``article_id``, ``text``, ``title``...).
    tokens : pandas.DataFrame or None
        The chunk's token table; None when every stage output is cached.
    stages : sequence of PlannedStage
        From :func:`analysis.pipeline.plan.plan` (corpus stages are ignored).
    keys : Mapping[str, str]
        Cache key per stage, from :func:`stage_keys`.

    Returns
    -------
    dict of str to pandas.DataFrame
        The chunk's per-article tables, normalised as a cache read returns them.
    """
    timer = timer or Timer()
    built: list[Annotations] = []

    def annotations() -> Annotations:
        if tokens is None:
            raise RuntimeError("token table needed but not loaded")
        if not built:
            built.append(
                Annotations(tokens, sentences_from_tokens(tokens, chunk), entities_from_tokens(tokens, chunk))
            )
        return built[0]

    inputs: dict[str, Any] = {"articles": chunk, "cache_dir": cache_dir, "annotations": annotations}
    out: dict[str, pd.DataFrame] = {}
    for planned in stages:
        if not planned.per_article:
            continue
        kind = chunk_kind(planned.name)
        got = read_stage(kind, keys[planned.name], cache_dir)
        if got is None:
            if tokens is None:
                raise RuntimeError(f"stage {planned.name!r} is not cached and no tokens were given")
            started = time.perf_counter()
            got = write_stage(kind, keys[planned.name], planned.run(inputs), cache_dir)
            timer.add(planned.name, time.perf_counter() - started)
        out.update(got)
        inputs.update(got)
    return out
