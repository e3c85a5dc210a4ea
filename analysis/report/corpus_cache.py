"""The corpus table read for a report (cached on disk, keyed by the source's bytes)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis.report.params import resolve_source

if TYPE_CHECKING:
    pass


def _source_fingerprint(path: Path) -> str:
    """Hash the bytes of every file of a source plus the loader's own code (so code changes invalidate)."""
    import hashlib

    from analysis.core.cache import content_key

    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    parts = [
        f"{p.relative_to(path) if path.is_dir() else p.name}:{hashlib.sha1(p.read_bytes()).hexdigest()}"
        for p in files
    ]
    from analysis.corpus.features import loader_code_digest

    return content_key("corpus-v1", *parts, loader_code_digest())


def load_corpus_cached(source: str | Path | None) -> pd.DataFrame:
    """Return :func:`analysis.load_corpus` of a source, reusing an on-disk copy when the input is unchanged.

    Every notebook of a build loads the same corpus in its own kernel; loading
    runs language identification (the langid model alone takes seconds to
    load), so the loaded table is cached as Parquet under
    :data:`analysis.config.CACHE_DIR` ``/corpus``, keyed by the bytes of every
    input file and the loader's code. Anything that cannot be cached (a
    DataFrame source, an unwritable cache) falls back to a plain load.

    Parameters
    ----------
    source : str, path or None
        As for :func:`resolve_source`.

    Returns
    -------
    pandas.DataFrame
        The corpus table.
    """
    from analysis.core import cache
    from analysis.load import load_corpus

    path = resolve_source(source)
    if not path.exists():
        return load_corpus(path)  # raises CorpusError naming the path
    try:
        key = _source_fingerprint(path)
        hit = cache.read("corpus", key)
    except OSError:
        return load_corpus(path)
    if hit is not None:
        return hit
    articles = load_corpus(path)
    try:
        cache.write("corpus", key, articles)
        roundtrip = cache.read("corpus", key)
        if roundtrip is None or list(roundtrip.columns) != list(articles.columns):
            return articles
    except Exception:  # an odd extra column Parquet cannot store: just do not cache
        return articles
    return roundtrip
