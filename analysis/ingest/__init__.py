"""Read raw articles: decode bytes, read files and tables, join metadata (no cleaning).

:mod:`~analysis.ingest.decode` turns bytes into text, :mod:`~analysis.ingest.read`
reads a folder, files, a table or a DataFrame into raw rows (one per article, with a
``status``), :mod:`~analysis.ingest.metadata` joins a metadata table onto them.
Problems with the source itself raise :class:`CorpusError`.
"""

from __future__ import annotations

from analysis.ingest.decode import decode_bytes
from analysis.ingest.errors import CorpusError
from analysis.ingest.read import COLUMN_ALIASES, TEXT_COLUMNS, Source, expand_paths, read_articles

__all__ = [
    "COLUMN_ALIASES",
    "TEXT_COLUMNS",
    "CorpusError",
    "Source",
    "decode_bytes",
    "expand_paths",
    "read_articles",
]
