"""Column contracts of the package's two base tables, and the helpers every stage shares.

``articles`` (one row per input article, from :func:`analysis.load_corpus`) has
:data:`CORPUS_COLUMNS`; ``blocks`` (one row per block of an article, from
:func:`analysis.paragraphs`) has :data:`BLOCK_COLUMNS`. Stages analyse only
:func:`ok_articles`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

#: Columns every loaded corpus has, in this order (extra input columns follow).
CORPUS_COLUMNS: tuple[str, ...] = (
    "article_id",
    "outlet",
    "outlet_type",
    "title",
    "title_derived",
    "date",
    "date_precision",
    "event",
    "url",
    "language",
    "text",
    "raw_text",
    "n_words",
    "status",
    "duplicate_of",
    "error",
    "encoding",
    "source_path",
)

#: Columns of :func:`analysis.paragraphs` (the blocks table), in order.
BLOCK_COLUMNS: tuple[str, ...] = (
    "article_id",
    "position",
    "role",
    "kept",
    "reason",
    "text",
    "start_char",
    "end_char",
    "repairs",
)


def word_counts(texts: pd.Series | Iterable[object]) -> pd.Series:
    """Return the number of whitespace-separated words of each text (0 for a missing text).

    Parameters
    ----------
    texts : pandas.Series or iterable
        Texts (None / NaN count as empty).

    Returns
    -------
    pandas.Series
        int, aligned with ``texts`` when it is a Series.

    Examples
    --------
    >>> word_counts(pd.Series(["two words", None, " "])).tolist()
    [2, 0, 0]
    """
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    return series.fillna("").astype(str).str.count(r"\S+").astype(int)


def ok_articles(articles: pd.DataFrame, *, need: tuple[str, ...] = ("article_id", "text")) -> pd.DataFrame:
    """Return the rows every analysis stage works on: ``status == 'ok'`` (all rows if there is no status).

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs the ``need`` columns (default ``article_id`` and ``text``).
    need : tuple of str, default ("article_id", "text")
        Columns the caller reads; ``()`` only filters.

    Returns
    -------
    pandas.DataFrame
        The same columns, only analysable rows (a view-safe selection; the input is not modified).

    Raises
    ------
    TypeError
        When ``articles`` is not a DataFrame.
    ValueError
        When a needed column is missing (the message lists the columns seen).

    Examples
    --------
    >>> df = pd.DataFrame({"article_id": ["a", "b"], "text": ["x", ""], "status": ["ok", "empty"]})
    >>> ok_articles(df)["article_id"].tolist()
    ['a']
    """
    if not isinstance(articles, pd.DataFrame):
        raise TypeError(f"articles must be a pandas DataFrame, got {type(articles).__name__}")
    missing = set(need) - set(articles.columns)
    if missing:
        raise ValueError(f"articles need columns {sorted(missing)}; got {list(articles.columns)}")
    if "status" in articles.columns:
        return articles[articles["status"] == "ok"]
    return articles
