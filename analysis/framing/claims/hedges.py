"""Hedged sentences (could, may, might, likely, reportedly...): speculation rather than reported fact."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.core.stage import need, stage
from analysis.framing._evidence import ok_articles, restrict

if TYPE_CHECKING:  # pragma: no cover
    from analysis.annotate import Annotations


#: Lemmas that mark a sentence as speculation rather than a reported fact (modal verbs need tag MD).
HEDGE_MODALS = frozenset({"could", "may", "might"})
HEDGE_ADVERBS = frozenset({"likely", "potentially", "possibly", "perhaps", "reportedly", "probably"})

#: Columns of :func:`hedged_sentences`.
HEDGE_COLUMNS: tuple[str, ...] = ("article_id", "field", "sentence_id")


@stage(
    provides="_hedges",
    requires=("articles", "annotations"),
    per_article=True,
    columns=HEDGE_COLUMNS,
)
def hedged_sentences(articles: pd.DataFrame, *, annotations: Annotations) -> pd.DataFrame:
    """List the sentences that carry a hedging modal or adverb: the per-article input of :func:`claims`.

    A sentence is hedged when one of its tokens has a lemma in
    :data:`HEDGE_MODALS` with tag ``MD`` (could, may, might) or a lemma in
    :data:`HEDGE_ADVERBS` (likely, reportedly...).

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text`` (``title``, ``status`` used when present).
    annotations : Annotations
        Output of :func:`analysis.annotate.annotate`; required
        (``analysis.hedged_sentences(articles)`` computes it when omitted).

    Returns
    -------
    pandas.DataFrame
        ``article_id, field, sentence_id``, one row per hedged sentence, sorted.
    """
    rows = ok_articles(articles)
    ann = need(annotations, "annotations=", "hedged_sentences")
    return hedge_keys(restrict(ann.tokens, rows["article_id"]))


def hedge_keys(tokens: pd.DataFrame | None) -> pd.DataFrame:
    """Return the ``article_id, field, sentence_id`` keys of the hedged sentences of a token table."""
    if tokens is None or tokens.empty:
        return pd.DataFrame(
            {"article_id": pd.Series(dtype=object), "field": pd.Series(dtype=object),
             "sentence_id": pd.Series(dtype="int64")}
        )  # fmt: skip
    codes, uniques = pd.factorize(tokens["lemma"].astype(str))  # lower-case each distinct lemma once
    lower = pd.Series(uniques).str.lower()
    modal = lower.isin(HEDGE_MODALS).to_numpy()[codes]
    adverb = lower.isin(HEDGE_ADVERBS).to_numpy()[codes]
    hedge = (modal & (tokens["tag"] == "MD").to_numpy()) | adverb
    keys = tokens.loc[hedge, list(HEDGE_COLUMNS)].astype({"article_id": str, "sentence_id": "int64"})
    keys = keys.drop_duplicates().sort_values(list(HEDGE_COLUMNS))
    return keys.reset_index(drop=True)


def flag_hedged(sents: pd.DataFrame, hedges: pd.DataFrame) -> np.ndarray:
    """Flag the rows of ``sents`` whose (article, field, sentence) is in the ``hedges`` table."""
    if hedges is None or hedges.empty:
        return np.zeros(len(sents), dtype=bool)
    keys = pd.MultiIndex.from_arrays(
        [hedges["article_id"].astype(str), hedges["field"].astype(str), hedges["sentence_id"].astype("int64")]
    )
    mine = pd.MultiIndex.from_arrays(
        [sents["article_id"].astype(str), sents["field"].astype(str), sents["sentence_id"].astype("int64")]
    )
    return np.asarray(mine.isin(keys), dtype=bool)
