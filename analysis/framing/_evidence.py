"""Shared helpers of the framing modules: ``ok`` rows and sentence evidence (private)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import schema
from analysis.annotate.tables import rows_where

#: Columns that locate a piece of evidence in an article.
EVIDENCE_COLUMNS: tuple[str, ...] = (
    "article_id", "field", "sentence_id", "start_char", "end_char", "sentence",
)  # fmt: skip
#: Parts of speech never counted as content words.
NON_CONTENT_POS = frozenset({"PUNCT", "SPACE", "SYM", "X", "NUM"})


def ok_articles(articles: pd.DataFrame, *, need: tuple[str, ...] = ("article_id", "text")) -> pd.DataFrame:
    """Return :func:`analysis.schema.ok_articles` as a copy with string ids (what framing tables key on).

    Raises
    ------
    ValueError
        When a required column is missing (the message lists the columns seen).
    """
    rows = schema.ok_articles(articles, need=need).copy()
    rows["article_id"] = rows["article_id"].astype(str)
    return rows


def restrict(table: pd.DataFrame, ids: pd.Series | list[str]) -> pd.DataFrame:
    """Keep the rows of ``table`` whose ``article_id`` is in ``ids`` (``table`` itself when all are kept)."""
    if table.empty:
        return table
    return rows_where(table, table["article_id"].astype(str).isin(set(map(str, ids))))


def norm_lemma(lemmas: pd.Series) -> pd.Series:
    """Lower-case lemmas and fold curly apostrophes, so lexicon entries match regardless of case.

    Each distinct string is normalised once (a token table repeats its vocabulary many times).
    """
    values = lemmas.astype(str)
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    folded = np.array([u.lower().replace("\u2019", "'") for u in uniques.tolist()], dtype=object)
    return pd.Series(folded[codes] if len(codes) else folded[:0], index=lemmas.index, dtype=object)
