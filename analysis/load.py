"""Compatibility module: the loader lives in ingest/, corpus/ and schema.py (import from those).

Import from those packages (or from ``analysis``); this module only re-exports their public names
for code written against ``analysis.load``.
"""

from __future__ import annotations

from analysis.corpus import load_corpus
from analysis.ingest import COLUMN_ALIASES, TEXT_COLUMNS, CorpusError, Source, decode_bytes, read_articles
from analysis.ingest.read import expand_paths
from analysis.schema import CORPUS_COLUMNS, ok_articles

__all__ = [
    "COLUMN_ALIASES",
    "CORPUS_COLUMNS",
    "TEXT_COLUMNS",
    "CorpusError",
    "Source",
    "decode_bytes",
    "expand_paths",
    "load_corpus",
    "ok_articles",
    "read_articles",
]
