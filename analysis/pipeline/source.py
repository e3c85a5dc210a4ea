"""Load a run's corpus once: the whole table is cached, keyed by the source's bytes and the loader's code.

:func:`load_articles` is what :func:`analysis.run` loads with; the report
uses it too, so a corpus is loaded (cleaned, language-identified, deduplicated)
once per source and code version, whichever reads it first.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.core import cache
from analysis.core.digest import code_digest
from analysis.core.parallel import can_fork, in_forked_process
from analysis.corpus import load_corpus
from analysis.ingest.read import expand_paths
from analysis.pipeline.store import normalise

#: The loader's module: its code (and the package code it imports) keys the cached corpus table.
LOADER_MODULE = "analysis.corpus"
#: Cache kind of whole loaded corpora.
CORPUS_KIND = "corpus"


def source_digest(source: Any) -> str | None:
    """Hash the bytes of every file a source names (plus a folder's metadata.csv); None if not hashable."""
    if isinstance(source, pd.DataFrame):
        try:
            return cache.content_key(
                list(source.columns), pd.util.hash_pandas_object(source.astype(str), index=False).tolist()
            )
        except (TypeError, ValueError):
            return None
    paths = expand_paths(source)
    if isinstance(source, (str, os.PathLike)) and Path(source).is_dir():
        paths = [*paths, *(p for p in [Path(source) / "metadata.csv"] if p.exists())]
    return cache.content_key([(str(p), hashlib.sha1(p.read_bytes()).hexdigest()) for p in paths])


def source_bytes(source: Any) -> int | None:
    """Return the total size of the files a source names, or None for a table or an unreadable source."""
    if isinstance(source, pd.DataFrame):
        return None
    try:
        return sum(p.stat().st_size for p in expand_paths(source))
    except Exception:  # noqa: BLE001 - the load reports a bad source; here it only means "unknown"
        return None


def load_articles(
    source_or_articles: Any, cache_dir=None, *, meanwhile: Callable[[], Any] | None = None
) -> pd.DataFrame:
    """Return the loaded corpus of a source, reusing the cache at two levels.

    A DataFrame that already has ``status`` is returned as it is. Otherwise the whole
    table is read from the cache when the source's bytes and the loader's code are
    unchanged; else :func:`analysis.load_corpus` runs with its per-article cache, so only
    articles it has not seen are cleaned, identified and hashed (in a forked process when
    :func:`analysis.core.parallel.can_fork`, so that its freed heap is not inherited by
    the processes forked later), and the table is stored.

    Parameters
    ----------
    source_or_articles : path, list of paths or pandas.DataFrame
        Anything :func:`analysis.load_corpus` reads, or a loaded corpus.
    cache_dir : path, optional
        Cache root (default :data:`analysis.config.CACHE_DIR`).
    meanwhile : callable, optional
        Called in this process while a forked loader runs (work for the other core, e.g.
        loading the spaCy model); not called when the table is cached or loaded here.

    Returns
    -------
    pandas.DataFrame
        The corpus table (every row, with ``status``).
    """
    root = cache.cache_dir(cache_dir)
    if isinstance(source_or_articles, pd.DataFrame) and "status" in source_or_articles.columns:
        missing = {"article_id", "text"} - set(source_or_articles.columns)
        if missing:
            raise ValueError(f"articles need columns {sorted(missing)}")
        return source_or_articles
    digest = source_digest(source_or_articles)
    if digest is None:
        return load_corpus(source_or_articles, cache_dir=root)
    key = cache.content_key(digest, code_digest(LOADER_MODULE))
    hit = cache.read(CORPUS_KIND, key, root)
    if hit is not None:
        return share_text(hit)
    if can_fork() and not isinstance(source_or_articles, pd.DataFrame):  # paths: nothing to pickle
        writes = in_forked_process(load_and_store, source_or_articles, str(root), key, meanwhile=meanwhile)
        if writes is not None:
            cache.add_writes(writes)
            hit = cache.read(CORPUS_KIND, key, root)
            if hit is not None:
                return share_text(hit)
    return share_text(load_and_store(source_or_articles, root, key, keep=True))


def share_text(articles: pd.DataFrame) -> pd.DataFrame:
    """Hold one string, not two, where an article's ``raw_text`` equals its ``text``; return the table.

    A table read from Parquet gets a separate copy of each; for most articles (those the
    cleaning left unchanged) the two are equal, and the run holds the table throughout.
    The values do not change.
    """
    if not {"text", "raw_text"} <= set(articles.columns) or articles["raw_text"].dtype != object:
        return articles
    text, raw = articles["text"].to_numpy(dtype=object), articles["raw_text"].to_numpy(dtype=object)
    same = [i for i, (t, r) in enumerate(zip(text, raw, strict=True)) if isinstance(t, str) and t == r]
    if same:
        raw = raw.copy()
        raw[same] = text[same]
        articles["raw_text"] = raw
    return articles


def load_and_store(source: Any, cache_dir, key: str, *, keep: bool = False) -> Any:
    """Load ``source`` (per-article load cache) and store the table as cache entry ``corpus``/``key``.

    Returns the table (``keep=True``) or, in a forked loader, the number of cache writes made
    (None when the table could not be stored).
    """
    writes = cache.write_count()
    articles = load_corpus(source, cache_dir=cache_dir)
    try:
        normalised = normalise(articles)
    except Exception:  # noqa: BLE001 - a table Arrow cannot store is simply not cached
        return articles if keep else None
    cache.write(CORPUS_KIND, key, normalised, cache_dir)
    return normalised if keep else cache.write_count() - writes
