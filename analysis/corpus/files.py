"""Files kept beside a corpus: where a corpus came from, and which of its own files a run uses.

Knowledge about one story (its frames, its people) lives beside that story's corpus, never in
the package: ``codebook.yaml`` (story frames) and ``people.csv`` (the story's people, institutions
and party words) are read when they lie in the corpus's folder, unless one is passed explicitly.
:func:`corpus_file` is that one rule for every such file.
"""

from __future__ import annotations

import os
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd


def corpus_folder(source_or_articles: Any) -> Any:
    """Return where a corpus came from, for files kept beside it (``codebook.yaml``, ``people.csv``).

    A path is returned as it is; a loaded table gives the one folder every article's
    ``source_path`` lies in (None when there is none or several).

    Examples
    --------
    >>> corpus_folder(pd.DataFrame({"source_path": ["/c/a.txt", "/c/b.txt"]}))
    '/c'
    >>> corpus_folder(pd.DataFrame({"article_id": ["a"]})) is None
    True
    """
    if not isinstance(source_or_articles, pd.DataFrame):
        return source_or_articles
    if "source_path" not in source_or_articles.columns:
        return None
    folders = {os.path.dirname(str(p)) for p in source_or_articles["source_path"].dropna()}
    return folders.pop() if len(folders) == 1 else None


def corpus_file(source: Any, name: str, explicit: Any = None, default: Any = None) -> Any:
    """Pick a per-corpus file: the explicit one, else ``<corpus folder>/<name>`` if present, else ``default``.

    Parameters
    ----------
    source : str, path, DataFrame or None
        What the corpus was loaded from: a folder, a file (its folder is searched), or a
        loaded table whose articles all come from one folder (``source_path``); anything
        else has no folder.
    name : str
        The file's name beside the corpus (``"codebook.yaml"``, ``"people.csv"``).
    explicit : str, path or any, optional
        Wins over everything; a str or path is returned as a :class:`~pathlib.Path`, anything
        else (a mapping, a DataFrame) as it is.
    default : any, optional
        Returned when nothing is given and no such file lies beside the corpus.

    Returns
    -------
    Any
        The explicit value, the file beside the corpus, or ``default``.

    Examples
    --------
    >>> corpus_file(None, "people.csv") is None
    True
    >>> corpus_file(None, "people.csv", "mine.csv")
    PosixPath('mine.csv')
    """
    if explicit is not None:
        return Path(explicit) if isinstance(explicit, (str, PathLike)) else explicit
    folder = corpus_folder(source)
    if isinstance(folder, (str, PathLike)):
        folder = Path(folder)
        if not folder.is_dir():
            folder = folder.parent
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return default
