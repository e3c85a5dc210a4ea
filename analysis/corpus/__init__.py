"""Load a corpus: read, clean, identify the language, mark duplicates (:func:`load_corpus`).

The loader never crashes on one bad article and never drops one silently:
every input row or file becomes a row of the result with a ``status``
(``ok``, ``empty``, ``no_text``, ``duplicate``, ``non_english``,
``unreadable``) and, where something went wrong, an ``error`` message.
Problems with the *source itself* (missing path, empty folder, a table with
no text column) raise :class:`analysis.ingest.CorpusError` naming the path
and the problem.
"""

from __future__ import annotations

from analysis.corpus.load import load_corpus

__all__ = ["load_corpus"]
