"""The corpus table a report reads: the pipeline's own cached load (one cache for runs and reports)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.corpus import load_corpus
from analysis.pipeline.source import load_articles
from analysis.report.params import resolve_source


def load_corpus_cached(source: str | Path | None) -> pd.DataFrame:
    """Return :func:`analysis.load_corpus` of a source through the pipeline's corpus cache.

    Every notebook of a build loads the same corpus in its own kernel; the
    pipeline's :func:`analysis.pipeline.source.load_articles` keys the loaded table
    by the bytes of every input file and the loader's code, so the first reader
    (the build's :func:`analysis.run`) stores it and every notebook reads Parquet.

    Parameters
    ----------
    source : str, path or None
        As for :func:`resolve_source`.

    Returns
    -------
    pandas.DataFrame
        The corpus table (every row, with ``status``).
    """
    path = resolve_source(source)
    if not path.exists():
        return load_corpus(path)  # raises CorpusError naming the path
    return load_articles(path)
