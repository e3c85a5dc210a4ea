"""Attention over time: how often each outlet names the top entities and uses each frame, per period.

The period (week, month, quarter or year) is chosen so that most outlet-period points
rest on at least three articles (:func:`choose_period`). A date is only
as precise as its ``date_precision`` says: an article dated to the month is placed in
its month, never on a made-up day, so when the periods are weeks it cannot be placed and
is left out (counted, with the undated articles, in ``attrs["left_out"]``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Date span (days) up to which periods are weeks; up to :data:`MONTHS_UP_TO_DAYS`, months; then years
#: (the fallback when no period gives most points enough articles).
WEEKS_UP_TO_DAYS = 120
MONTHS_UP_TO_DAYS = 366 * 4
#: Periods tried, finest first.
PERIODS = ("week", "month", "quarter", "year")
#: Finest date precision each period needs (smaller = finer).
PRECISION_RANK = {"day": 0, "month": 1, "year": 2}
PERIOD_NEEDS = {"week": 0, "month": 1, "quarter": 1, "year": 2}
PERIOD_CODE = {"week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
#: A point (group, period) rests on at least this many articles to be read as a rate.
MIN_POINT_ARTICLES = 3
#: "Most points": the share of (group, period) points that must rest on ``MIN_POINT_ARTICLES``+ articles.
MOST_POINTS = 0.75
#: A line over time needs at least this many periods.
MIN_PERIODS = 3


def _span_period(d: pd.Series) -> str:
    span = (d.max() - d.min()).days
    if span <= WEEKS_UP_TO_DAYS:
        return "week"
    return "month" if span <= MONTHS_UP_TO_DAYS else "year"


def point_support(dates: pd.Series, groups: pd.Series | None, period: str) -> tuple[float, int]:
    """Return (share of group-period points on ``MIN_POINT_ARTICLES``+ articles, number of periods)."""
    d = pd.to_datetime(dates, errors="coerce")
    g = pd.Series("all", index=d.index) if groups is None else groups.reindex(d.index).astype(str)
    keep = d.notna()
    if not keep.any():
        return 0.0, 0
    periods = d[keep].dt.to_period(PERIOD_CODE[period])
    counts = pd.DataFrame({"g": g[keep].to_numpy(), "p": periods.astype(str).to_numpy()}).value_counts()
    return float((counts >= MIN_POINT_ARTICLES).mean()), int(periods.nunique())


def choose_period(dates: pd.Series, groups: pd.Series | None = None) -> str:
    """Return the finest period in which most points rest on enough articles and a line has 3+ periods.

    Tried finest first (:data:`PERIODS`): a period is chosen when at least three quarters
    (:data:`MOST_POINTS`) of the (group, period) points with an article rest on
    :data:`MIN_POINT_ARTICLES` or more articles and the dates cover :data:`MIN_PERIODS`
    or more periods. When none does,
    the finest period where most points have enough articles; when none has that
    either, the period follows the date span (weeks up to 120 days, months up to four
    years, else years).

    Parameters
    ----------
    dates : pandas.Series
        Article dates (NaT ignored).
    groups : pandas.Series, optional
        The group (outlet) of each article, aligned on ``dates``; default one group.

    Examples
    --------
    >>> days = pd.Series(pd.date_range("2024-01-01", periods=60, freq="D"))
    >>> choose_period(days)
    'week'
    >>> choose_period(days, pd.Series(["a", "b", "c", "d", "e", "f"] * 10))
    'month'
    >>> choose_period(pd.Series(pd.to_datetime(["2015-11-08", "2016-10-07"])))
    'month'
    """
    d = pd.to_datetime(dates, errors="coerce").dropna()
    if d.empty:
        return "month"
    support = {p: point_support(d, groups, p) for p in PERIODS}
    for p in PERIODS:
        share, n_periods = support[p]
        if share >= MOST_POINTS and n_periods >= MIN_PERIODS:
            return p
    for p in PERIODS:
        if support[p][0] >= MOST_POINTS:
            return p
    return _span_period(d)


def placed_articles(articles: pd.DataFrame, *, period: str | None = None, by: str = "outlet") -> pd.DataFrame:
    """Return the analysable articles that can be placed in a period, with their period.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id``, ``date``; uses ``status``, ``date_precision``, ``n_words``, ``<by>``.
    period : {'week', 'month', 'quarter', 'year'}, optional
        Default :func:`choose_period` of the articles dated precisely enough.
    by : str, default 'outlet'
        Grouping column carried along.

    Returns
    -------
    pandas.DataFrame
        ``article_id, <by>, n_words, period, period_start``; ``attrs`` holds ``period`` and
        ``left_out`` (``{"undated": n, "imprecise": n}``: articles with no date, and with a date
        coarser than the period).
    """
    ok = articles[articles["status"] == "ok"] if "status" in articles.columns else articles
    dates = (
        pd.to_datetime(ok["date"], errors="coerce")
        if "date" in ok.columns
        else pd.Series(pd.NaT, index=ok.index)
    )
    precision = ok["date_precision"] if "date_precision" in ok.columns else pd.Series("day", index=ok.index)
    rank = precision.map(PRECISION_RANK).fillna(99)
    dated = dates.notna() & (rank < 99)
    if period is None:
        exact = dated & (rank == 0)
        chosen = dates[exact] if exact.any() else dates[dated]
        period = choose_period(chosen, ok[by].astype(str) if by in ok.columns else None)
    if period not in PERIOD_NEEDS:
        raise ValueError(f"period must be one of {sorted(PERIOD_NEEDS)}; got {period!r}")
    placeable = dated & (rank <= PERIOD_NEEDS[period])
    rows = ok.loc[placeable]
    periods = dates[placeable].dt.to_period(PERIOD_CODE[period])
    out = pd.DataFrame(
        {
            "article_id": rows["article_id"].astype(str).to_numpy(),
            by: rows[by].astype(str).to_numpy() if by in rows.columns else "corpus",
            "n_words": (rows["n_words"] if "n_words" in rows.columns else rows["text"].str.split().str.len())
            .fillna(0)
            .astype(int)
            .to_numpy(),
            "period": periods.astype(str).to_numpy(),
            "period_start": periods.dt.start_time.to_numpy(),
        }
    )
    out.attrs["period"] = period
    out.attrs["left_out"] = {"undated": int((~dated).sum()), "imprecise": int((dated & ~placeable).sum())}
    return out


def attention(
    articles: pd.DataFrame,
    mentions: pd.DataFrame | None = None,
    frames: pd.DataFrame | None = None,
    *,
    entities: Sequence[str] | None = None,
    top: int = 5,
    period: str | None = None,
    by: str = "outlet",
) -> pd.DataFrame:
    """Return attention to entities and frames per period and outlet, with the denominators.

    Parameters
    ----------
    articles : pandas.DataFrame
        The articles table (``article_id, date, date_precision, status, n_words, <by>``).
    mentions : pandas.DataFrame, optional
        :func:`analysis.entity_mentions` (``article_id, canonical``); entity rows are left out when None.
    frames : pandas.DataFrame, optional
        :func:`analysis.frames` (``article_id, frame, score``); a frame is present in an article
        when its score is above 0. Frame rows are left out when None.
    entities : sequence of str, optional
        Canonical entities to follow (default the ``top`` most mentioned in placed articles).
    top : int, default 5
        How many entities to follow when ``entities`` is None.
    period : {'week', 'month', 'quarter', 'year'}, optional
        Default :func:`choose_period`.
    by : str, default 'outlet'
        Grouping column.

    Returns
    -------
    pandas.DataFrame
        One row per period, ``<by>``, kind (``entity``/``frame``) and name, periods without
        articles of that group omitted: ``period, period_start, <by>, kind, name, n_articles,
        n_words`` (the denominators), ``n_mentions`` (entities), ``articles_with``,
        ``per_1000_words`` (entities: mentions per 1,000 words), ``share_of_articles``.
        ``attrs``: ``period``, ``left_out``.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "X", "Y"], "status": "ok",
    ...     "date": pd.to_datetime(["2024-01-03", "2024-03-10", None]),
    ...     "date_precision": ["day", "month", "unknown"],
    ...     "n_words": [100, 200, 50], "text": ""})
    >>> men = pd.DataFrame({"article_id": ["a", "a", "b"], "canonical": ["Ann Lee", "Ann Lee", "Ann Lee"]})
    >>> out = attention(arts, men, period="month")
    >>> out[["period", "outlet", "n_mentions", "per_1000_words"]].values.tolist()
    [['2024-01', 'X', 2, 20.0], ['2024-03', 'X', 1, 5.0]]
    >>> out.attrs["left_out"]
    {'undated': 1, 'imprecise': 0}
    """
    placed = placed_articles(articles, period=period, by=by)
    base = (
        placed.groupby(["period", "period_start", by], observed=True)
        .agg(n_articles=("article_id", "nunique"), n_words=("n_words", "sum"))
        .reset_index()
    )
    parts = []
    keep = placed[["article_id", "period", by]]
    if mentions is not None and not mentions.empty:
        m = mentions[["article_id", "canonical"]].dropna().astype(str).merge(keep, on="article_id")
        names = (
            list(entities) if entities is not None else m["canonical"].value_counts().head(top).index.tolist()
        )
        m = m[m["canonical"].isin(names)]
        counts = (
            m.groupby(["period", by, "canonical"], observed=True)
            .agg(n_mentions=("article_id", "size"), articles_with=("article_id", "nunique"))
            .reset_index()
            .rename(columns={"canonical": "name"})
        )
        grid = base.merge(pd.DataFrame({"name": names}), how="cross").merge(
            counts, how="left", on=["period", by, "name"]
        )
        grid[["n_mentions", "articles_with"]] = grid[["n_mentions", "articles_with"]].fillna(0).astype(int)
        grid["per_1000_words"] = np.where(
            grid["n_words"] > 0, grid["n_mentions"] * 1000 / grid["n_words"], np.nan
        )
        grid["kind"] = "entity"
        parts.append(grid)
    if frames is not None and not frames.empty:
        f = frames.loc[frames["score"] > 0, ["article_id", "frame"]].astype(str).merge(keep, on="article_id")
        names = sorted(frames["frame"].astype(str).unique())
        counts = (
            f.groupby(["period", by, "frame"], observed=True)
            .agg(articles_with=("article_id", "nunique"))
            .reset_index()
            .rename(columns={"frame": "name"})
        )
        grid = base.merge(pd.DataFrame({"name": names}), how="cross").merge(
            counts, how="left", on=["period", by, "name"]
        )
        grid["articles_with"] = grid["articles_with"].fillna(0).astype(int)
        grid["n_mentions"] = pd.NA
        grid["per_1000_words"] = np.nan
        grid["kind"] = "frame"
        parts.append(grid)
    columns = ["period", "period_start", by, "kind", "name", "n_articles", "n_words", "n_mentions",
               "articles_with", "per_1000_words", "share_of_articles"]  # fmt: skip
    if not parts:
        out = pd.DataFrame(columns=columns)
    else:
        out = pd.concat(parts, ignore_index=True)
        out["share_of_articles"] = out["articles_with"] / out["n_articles"]
        out = out[columns].sort_values(["kind", "name", by, "period_start"], ignore_index=True)
    out.attrs.update(placed.attrs)
    return out
