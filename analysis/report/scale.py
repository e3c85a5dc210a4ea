"""Per-outlet summaries and figures used when a corpus is too large for one bar per article."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.core.stats import bootstrap_mean_ci
from analysis.measures.sentiment import sentence_vader
from analysis.report.measures import interval_figure, paired_bar_figure
from analysis.report.params import MAX_FIGURE_ARTICLES

if TYPE_CHECKING:
    pass


def outlet_means(table: pd.DataFrame, columns: Sequence[str], *, by: str = "outlet") -> pd.DataFrame:
    """Average per-article values per outlet, with a 95% bootstrap interval over articles for each column.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per article: ``by`` and the numeric ``columns``.
    columns : sequence of str
        Columns to average.
    by : str, default "outlet"
        Grouping column.

    Returns
    -------
    pandas.DataFrame
        ``<by>, articles`` then ``<column>, <column>_low, <column>_high`` per column (interval empty for a
        single article), sorted by ``by``.

    Examples
    --------
    >>> t = pd.DataFrame({"outlet": ["a", "a", "b"], "x": [1.0, 3.0, 5.0]})
    >>> outlet_means(t, ["x"])[["outlet", "articles", "x"]].values.tolist()
    [['a', 2, 2.0], ['b', 1, 5.0]]
    """
    rows = []
    for name, part in table.groupby(by, sort=True):
        row: dict[str, Any] = {by: name, "articles": len(part)}
        for column in columns:
            ci = bootstrap_mean_ci(part[column].to_numpy(dtype=float))
            row.update({column: ci.mean, f"{column}_low": ci.low, f"{column}_high": ci.high})
        rows.append(row)
    cols = [by, "articles", *(f"{c}{s}" for c in columns for s in ("", "_low", "_high"))]
    return pd.DataFrame(rows, columns=cols)


def article_interval_figure(
    table: pd.DataFrame,
    *,
    value: str,
    title: str,
    xlabel: str,
    max_articles: int = MAX_FIGURE_ARTICLES,
):
    """Plot one point with its interval per article, or per outlet when there are more than ``max_articles``.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per article, in display order: ``outlet, article_id, <value>, <value>_low,
        <value>_high``.
    value : str
        The estimate per article (its interval: ``<value>_low``, ``<value>_high``).
    title, xlabel : str
        Figure title and x label of the per-article figure (the per-outlet one says what it averages).
    max_articles : int, default :data:`MAX_FIGURE_ARTICLES`
        Above this, one point per outlet: the mean of its articles' ``value`` with a 95% bootstrap
        interval over articles (the article table and its CSV keep every article).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if len(table) <= max_articles:
        labels = table["outlet"].astype(str) + " · " + table["article_id"].astype(str).str[:12]
        return interval_figure(
            table.assign(label=labels), label="label", value=value, color_by="outlet",
            title=title, xlabel=xlabel, ylabel="outlet · article",
        )  # fmt: skip
    means = outlet_means(table, [value])
    return interval_figure(
        means.assign(label=means["outlet"].astype(str) + " (" + means["articles"].map("{:,}".format) + ")"),
        label="label", value=value, color_by="outlet",
        title=f"Per-outlet mean over {len(table):,} articles (95% bootstrap over articles): {value}",
        xlabel=f"mean per article of: {xlabel}", ylabel="outlet (articles)",
    )  # fmt: skip


def clean_vs_raw_figure(contrast: pd.DataFrame, *, max_articles: int = MAX_FIGURE_ARTICLES):
    """Draw Flesch reading ease on clean vs raw text per article, or per outlet above ``max_articles``.

    Parameters
    ----------
    contrast : pandas.DataFrame
        :func:`clean_vs_raw` (``article_id, outlet, flesch_reading_ease_clean, flesch_reading_ease_raw``).
    max_articles : int, default :data:`MAX_FIGURE_ARTICLES`
        Above this, bars show each outlet's mean over its articles.

    Returns
    -------
    matplotlib.figure.Figure
    """
    values = {"flesch_reading_ease_clean": "clean body text", "flesch_reading_ease_raw": "raw text"}
    xlabel = "Flesch reading ease (0-100, higher = easier)"
    if len(contrast) <= max_articles:
        labels = contrast["outlet"] + " · " + contrast["article_id"].str[:12]
        return paired_bar_figure(
            contrast.assign(label=labels), label="label", values=values, xlabel=xlabel,
            title="Flesch reading ease per article: clean vs raw text", ylabel="outlet · article",
        )  # fmt: skip
    means = (
        contrast.groupby("outlet", sort=True)
        .agg(
            articles=("article_id", "size"),
            flesch_reading_ease_clean=("flesch_reading_ease_clean", "mean"),
            flesch_reading_ease_raw=("flesch_reading_ease_raw", "mean"),
        )
        .reset_index()
    )
    means["label"] = means["outlet"].astype(str) + " (" + means["articles"].map("{:,}".format) + ")"
    return paired_bar_figure(
        means, label="label", values=values,
        title=f"Mean Flesch reading ease per outlet over {len(contrast):,} articles: clean vs raw text",
        xlabel=f"mean {xlabel}", ylabel="outlet (articles)",
    )  # fmt: skip


def sentence_scores(sentences: pd.DataFrame, *, field_name: str | None = "text") -> pd.DataFrame:
    """Score sentences of a run's ``sentences`` table with VADER's compound score (no token table needed).

    Gives the ``compound`` of ``analysis.sentiment(level="sentence")`` (VADER on the same sentence text)
    without the whole-corpus token table; ``n_words`` and the other VADER proportions are not computed.

    Parameters
    ----------
    sentences : pandas.DataFrame
        ``analysis.run(...)["sentences"]``: ``article_id, field, sentence_id, text``.
    field_name : str or None, default "text"
        Keep only this field (``None``: title and body).

    Returns
    -------
    pandas.DataFrame
        ``article_id, field, sentence_id, text, compound``.
    """
    rows = sentences if field_name is None else sentences[sentences["field"] == field_name]
    rows = rows.sort_values(["article_id", "field", "sentence_id"], kind="stable").reset_index(drop=True)
    compound = [sentence_vader(t) for t in rows["text"].astype(str)]
    out = rows[["article_id", "field", "sentence_id", "text"]].copy()
    out["compound"] = pd.Series(compound, index=out.index, dtype=float).fillna(0.0)  # VADER gives 0 to ""
    return out
