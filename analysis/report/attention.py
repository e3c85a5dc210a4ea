"""Attention over time on the findings page: the table, the reason when nothing can be drawn, the figures.

The period comes from :func:`analysis.framing.attention.choose_period` (most outlet-period
points on at least three articles). A figure is drawn only when some outlet has three or
more periods resting on enough articles; otherwise the page says why. With
:data:`SMALL_MULTIPLES_FROM` or more outlets, overlapping lines are unreadable, so each
entity or frame gets small multiples: one panel per outlet, the outlet over the whole
corpus in grey. Every point carries a 95% interval, and a point resting on fewer than
:data:`MIN_PERIOD_ARTICLES` articles is drawn hollow.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.core.stats import wilson_interval
from analysis.framing.attention import MIN_PERIODS, attention
from analysis.report.display import HTMLBlock, outlet_colors
from analysis.report.params import ok_rows
from analysis.report.people import relink, table_of

#: A point resting on fewer articles than this is drawn hollow (read it as an anecdote).
MIN_PERIOD_ARTICLES = 3
#: With this many outlets or more, each entity or frame is drawn as small multiples per outlet.
SMALL_MULTIPLES_FROM = 7
#: Entities or frames drawn per kind at most.
MAX_NAMES = 3
#: Panels per row in small multiples.
PANELS_PER_ROW = 4
Z95 = 1.959964


def attention_table(
    result: Mapping[str, pd.DataFrame],
    articles: pd.DataFrame,
    *,
    people: Sequence[str] = (),
    outlets: Sequence[str] | None = None,
    period: str | None = None,
    names: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return :func:`analysis.framing.attention.attention` for the findings page's people and outlets."""
    ok = ok_rows(articles)
    if outlets is not None:
        ok = ok[ok["outlet"].astype(str).isin(outlets)]
    mentions = table_of(result, "mentions")
    mentions = relink(mentions, names) if mentions is not None else None
    frames = table_of(result, "frames")
    if frames is not None and "label" in frames.columns:
        frames = frames.assign(frame=frames["label"])
    return attention(ok, mentions, frames, entities=list(people) or None, period=period)


def _supported(table: pd.DataFrame) -> pd.Series:
    """Return, per outlet, the periods resting on at least :data:`MIN_PERIOD_ARTICLES` articles."""
    points = table.drop_duplicates(["outlet", "period"])
    points = points[points["n_articles"] >= MIN_PERIOD_ARTICLES]
    return points.groupby("outlet")["period"].nunique()


def attention_drawable(table: pd.DataFrame) -> bool:
    """Tell whether attention over time says anything: some outlet has 3+ periods on 3+ articles each."""
    if table.empty:
        return False
    return bool((_supported(table) >= MIN_PERIODS).any())


def attention_note(table: pd.DataFrame) -> HTMLBlock:
    """Return one visible note: the period used, why nothing is drawn (when so), and articles left out."""
    left = table.attrs.get("left_out", {})
    period = table.attrs.get("period", "period")
    undated, imprecise = left.get("undated", 0), left.get("imprecise", 0)
    parts = [
        f"Periods: {period}s (the finest period in which most outlet-{period} points rest on at least "
        f"{MIN_PERIOD_ARTICLES} articles). Points on fewer articles are drawn hollow; every point has a "
        "95% interval; the CSV has the denominators."
    ]
    if not attention_drawable(table):
        parts.append(attention_reason(table))
    if undated:
        parts.append(f"{undated} undated article(s) are left out.")
    if imprecise:
        parts.append(f"{imprecise} article(s) dated less precisely than a {period} are left out.")
    text = " ".join(parts)
    return HTMLBlock(f'<p class="of-note">{html.escape(text)}</p>', text)


def attention_reason(table: pd.DataFrame) -> str:
    """Return why attention over time is not drawn (empty when it is)."""
    if attention_drawable(table):
        return ""
    if table.empty:
        return "Attention over time is not drawn: no article has a date precise enough to place it."
    period = table.attrs.get("period", "period")
    points = table.drop_duplicates(["outlet", "period"])
    n_periods = points["period"].nunique()
    median = float(points["n_articles"].median())
    return (
        f"Attention over time is not drawn: no outlet has {MIN_PERIODS} or more {period}s resting on "
        f"at least "
        f"{MIN_PERIOD_ARTICLES} articles each (the dated articles cover {n_periods} {period}(s); an outlet "
        f"has a median of {median:.0f} article(s) per {period}), so a line would show chance, not change."
    )


def _rate(rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Return period_start, value, low, high, n_articles for rows of one outlet (or summed over outlets)."""
    g = rows.groupby("period_start", sort=True)
    if kind == "entity":
        agg = g.agg(k=("n_mentions", "sum"), n=("n_words", "sum"), n_articles=("n_articles", "sum"))
        k, words = agg["k"].astype(float), agg["n"].astype(float)
        # score interval of a Poisson count, per 1,000 words
        half = Z95 * np.sqrt(k + Z95**2 / 4)
        scale = np.where(words > 0, 1000 / words, np.nan)
        agg["value"] = k * scale
        agg["low"] = np.maximum(0, k + Z95**2 / 2 - half) * scale
        agg["high"] = (k + Z95**2 / 2 + half) * scale
    else:
        agg = g.agg(k=("articles_with", "sum"), n=("n_articles", "sum"), n_articles=("n_articles", "sum"))
        agg["value"] = agg["k"] / agg["n"]
        bounds = [wilson_interval(int(k), int(n)) for k, n in zip(agg["k"], agg["n"], strict=True)]
        agg["low"], agg["high"] = [b[0] for b in bounds], [b[1] for b in bounds]
    return agg.reset_index()


def _draw(ax, points: pd.DataFrame, color: str, label: str | None) -> None:
    solid = points["n_articles"] >= MIN_PERIOD_ARTICLES
    ax.plot(points["period_start"], points["value"], color=color, linewidth=1.4, label=label)
    ax.vlines(points["period_start"], points["low"], points["high"], color=color, linewidth=0.8, alpha=0.6)
    ax.scatter(points.loc[solid, "period_start"], points.loc[solid, "value"], s=14, color=color, zorder=3)
    ax.scatter(points.loc[~solid, "period_start"], points.loc[~solid, "value"], s=14, zorder=3,
               facecolors="white", edgecolors=color)  # fmt: skip


_TICKERS: dict[str, type] = {}


def _date_tickers() -> tuple[type, type]:
    """Return the memoising date locator and formatter classes (made once; matplotlib loads lazily).

    Small multiples share their x axis, and matplotlib lays out each panel's labels against
    every sibling's ticks, so one figure asks the same locator for the same ticks, and the
    formatter for the same labels, hundreds of times. These subclasses remember the answer
    for the last view interval (locator) and tick values (formatter); the ticks, labels and
    so the PNG are the same as :class:`matplotlib.dates.AutoDateLocator` and
    :class:`matplotlib.dates.ConciseDateFormatter` give.
    """
    if not _TICKERS:
        import matplotlib.dates as mdates

        class _Locator(mdates.AutoDateLocator):
            _memo: tuple = (None, None)

            def __call__(self):
                key = tuple(self.axis.get_view_interval()) if self.axis is not None else None
                if key is None or self._memo[0] != key:
                    self._memo = (key, super().__call__())
                return self._memo[1].copy() if hasattr(self._memo[1], "copy") else list(self._memo[1])

        class _Formatter(mdates.ConciseDateFormatter):
            _memo: tuple = (None, None, "")

            def format_ticks(self, values):
                key = tuple(np.asarray(values, dtype=float).tolist())
                if self._memo[0] != key:
                    labels = super().format_ticks(values)
                    self._memo = (key, labels, self.get_offset())
                self._offset_string = self._memo[2]
                return list(self._memo[1])

        _TICKERS.update(locator=_Locator, formatter=_Formatter)
    return _TICKERS["locator"], _TICKERS["formatter"]


def _dates(ax) -> None:
    locator_class, formatter_class = _date_tickers()
    locator = locator_class(minticks=3, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter_class(locator))
    ax.tick_params(axis="x", labelsize=8)


def _chosen(rows: pd.DataFrame, names: Sequence[str] | None) -> list[str]:
    if names is not None:
        return list(names)
    # the most used first: entities by mentions, frames by articles with the frame
    mentions = pd.to_numeric(rows["n_mentions"], errors="coerce").fillna(0)
    weight = mentions + rows["articles_with"].astype(float)
    order = weight.groupby(rows["name"]).sum().sort_values(ascending=False)
    return [str(n) for n in order.index[:MAX_NAMES] if order[n] > 0]


def attention_figures(table: pd.DataFrame, *, kind: str, names: Sequence[str] | None = None) -> list:
    """Return the attention figures of one kind; an empty list when nothing can be drawn (never empty axes).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`attention_table` output.
    kind : {'entity', 'frame'}
        Entities: mentions per 1,000 words; frames: share of articles using the frame.
    names : sequence of str, optional
        Which entities or frames (default the :data:`MAX_NAMES` most used).

    Returns
    -------
    list of matplotlib.figure.Figure
        Fewer than :data:`SMALL_MULTIPLES_FROM` outlets: one figure, one panel per name,
        one line per outlet. Otherwise one figure per name, one panel per outlet against
        the whole corpus (grey).
    """
    import matplotlib.pyplot as plt

    rows = table[table["kind"] == kind] if not table.empty else table
    if rows.empty or not attention_drawable(table):
        return []
    chosen = _chosen(rows, names)
    if not chosen:
        return []
    ylabel = "mentions per 1,000 words" if kind == "entity" else "share of articles"
    period = table.attrs.get("period", "period")
    what = "Mentions per 1,000 words" if kind == "entity" else "Share of articles using the frame"
    outlets = sorted(rows["outlet"].astype(str).unique())
    colors = outlet_colors(outlets)
    figures = []
    if len(outlets) < SMALL_MULTIPLES_FROM:
        n = len(chosen)
        cols = 2 if n > 1 else 1
        nrows = (n + cols - 1) // cols
        fig, axes = plt.subplots(nrows, cols, figsize=(11, 3.0 * nrows + 0.8), squeeze=False)
        for ax, name in zip(axes.flat, chosen, strict=False):
            for outlet in outlets:
                sub = rows[(rows["name"] == name) & (rows["outlet"] == outlet)]
                if not sub.empty:
                    _draw(ax, _rate(sub, kind), colors[outlet], outlet)
            ax.set_title(str(name), fontsize=10)
            ax.set_ylabel(ylabel)
            ax.set_xlabel(period)
            _dates(ax)
        for ax in list(axes.flat)[len(chosen) :]:
            ax.set_visible(False)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 5), fontsize=8, frameon=False)
        fig.suptitle(f"{what}, per outlet and {period} (hollow: fewer than {MIN_PERIOD_ARTICLES} articles)")
        fig.tight_layout(rect=(0, 0.07, 1, 0.96))
        return [fig]
    for name in chosen:
        sub = rows[rows["name"] == name]
        corpus = _rate(sub, kind)
        n = len(outlets)
        cols = min(PANELS_PER_ROW, n)
        nrows = (n + cols - 1) // cols
        fig, axes = plt.subplots(nrows, cols, figsize=(11, 2.3 * nrows + 0.9), squeeze=False,
                                 sharex=True, sharey=True)  # fmt: skip
        for ax, outlet in zip(axes.flat, outlets, strict=False):
            mine = sub[sub["outlet"] == outlet]
            ax.plot(corpus["period_start"], corpus["value"], color="0.6", linewidth=2.5, alpha=0.7,
                    label="whole corpus")  # fmt: skip
            if not mine.empty:
                _draw(ax, _rate(mine, kind), colors[outlet], None)
            ax.set_title(outlet, fontsize=9)
            ax.set_ylabel(ylabel, fontsize=8)
            ax.set_xlabel(period, fontsize=8)
            _dates(ax)
        for ax in list(axes.flat)[n:]:
            ax.set_visible(False)
        fig.suptitle(
            f"{name}: {what.lower()} per {period}, each outlet (colour) against the whole corpus (grey); "
            f"hollow: fewer than {MIN_PERIOD_ARTICLES} articles",
            fontsize=10,
        )
        fig.tight_layout(rect=(0, 0, 1, 0.95))
        figures.append(fig)
    return figures

