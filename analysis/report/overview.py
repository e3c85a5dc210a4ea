"""Tables and figures of the overview report: articles, outlets, events, timeline, cleaning."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from analysis import config
from analysis.report.display import HTMLBlock, details_html, outlet_colors
from analysis.report.params import (
    MAX_EVIDENCE_BLOCKS,
    MAX_FIGURE_ARTICLES,
    MAX_LABELLED_ARTICLES,
    OKABE_ITO,
    ok_rows,
)

if TYPE_CHECKING:
    pass


def _short_id(article_id: str) -> str:
    return str(article_id)[:12]


def article_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Return one row per article: id, outlet, outlet type, date, precision, event, title, words, status.

    Parameters
    ----------
    articles : pandas.DataFrame
        Corpus with ``article_id, outlet, outlet_type, date, date_precision, event, title, n_words, status``.

    Returns
    -------
    pandas.DataFrame
        ``article_id, outlet, outlet_type, date, date_precision, event, title, words, status`` sorted by id.
    """
    cols = [
        "article_id",
        "outlet",
        "outlet_type",
        "date",
        "date_precision",
        "event",
        "title",
        "n_words",
        "status",
    ]
    table = articles.reindex(columns=cols).rename(columns={"n_words": "words"})
    table["date"] = pd.to_datetime(table["date"], errors="coerce").dt.strftime("%Y-%m-%d")
    return table.sort_values("article_id", kind="stable").reset_index(drop=True)


def outlet_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Return one row per outlet of the ``ok`` articles: ``outlet, outlet_type, articles, words, events``."""
    ok = ok_rows(articles).copy()
    ok["outlet_type"] = ok["outlet_type"].fillna("unknown")
    ok["event"] = ok["event"].fillna("")
    table = ok.groupby("outlet", sort=True).agg(
        outlet_type=("outlet_type", lambda s: ", ".join(sorted(set(map(str, s))))),
        articles=("article_id", "size"),
        words=("n_words", "sum"),
        events=("event", lambda s: sum(1 for e in set(s) if e)),
    )
    return table.reset_index()


def event_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Return one row per event: ``event, first_date, last_date, articles, outlets, outlet_names``."""
    ok = ok_rows(articles)
    ok = ok[ok["event"].notna() & (ok["event"].astype(str).str.strip() != "")]
    if ok.empty:
        return pd.DataFrame(
            columns=["event", "first_date", "last_date", "articles", "outlets", "outlet_names"]
        )
    dates = pd.to_datetime(ok["date"], errors="coerce")
    table = (
        ok.assign(_d=dates)
        .groupby("event", sort=True)
        .agg(
            first_date=("_d", "min"),
            last_date=("_d", "max"),
            articles=("article_id", "size"),
            outlets=("outlet", "nunique"),
            outlet_names=("outlet", lambda s: ", ".join(sorted(set(map(str, s))))),
        )
    )
    table = table.reset_index().sort_values(["first_date", "event"], kind="stable")
    for column in ("first_date", "last_date"):
        table[column] = table[column].dt.strftime("%Y-%m-%d")
    return table.reset_index(drop=True)


def shared_events(articles: pd.DataFrame) -> list[str]:
    """Return the events covered by at least two outlets (sorted), where outlets can be compared."""
    table = event_table(articles)
    return table.loc[table["outlets"] >= 2, "event"].astype(str).tolist()


def cleaning_table(blocks: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Count dropped blocks and words per article and role.

    Parameters
    ----------
    blocks : pandas.DataFrame
        :func:`analysis.paragraphs` output (``article_id, role, kept, text``).
    articles : pandas.DataFrame
        Corpus (``article_id, outlet``).

    Returns
    -------
    pandas.DataFrame
        ``article_id, outlet, blocks, kept, dropped, dropped_words`` and one
        ``dropped_<role>`` column per role that was dropped anywhere. In
        article order; above :data:`MAX_FIGURE_ARTICLES` articles, the ones
        that lost the most words first (a shown page of rows is then the useful one).
    """
    b = blocks.assign(_words=blocks["text"].fillna("").str.count(r"\S+"))
    dropped = b[~b["kept"] & (b["role"] != "title")]
    base = b.groupby("article_id").agg(blocks=("role", "size"), kept=("kept", "sum"))
    base["dropped"] = dropped.groupby("article_id").size()
    base["dropped_words"] = dropped.groupby("article_id")["_words"].sum()
    by_role = dropped.groupby(["article_id", "role"]).size().unstack(fill_value=0)
    by_role = by_role.reindex(columns=[r for r in config.ROLES if r in by_role.columns])
    by_role.columns = [f"dropped_{c}" for c in by_role.columns]
    table = base.join(by_role).fillna(0)
    table = table.astype(int).reset_index()
    outlets = articles.set_index("article_id")["outlet"]
    table.insert(1, "outlet", table["article_id"].map(outlets))
    table = table.sort_values("article_id", kind="stable")
    if len(table) > MAX_FIGURE_ARTICLES:
        table = table.sort_values("dropped_words", ascending=False, kind="stable")
    return table.reset_index(drop=True)


def dropped_text(
    blocks: pd.DataFrame, *, max_chars: int = 600, max_articles: int = MAX_EVIDENCE_BLOCKS
) -> list[HTMLBlock]:
    """Return one collapsible, escaped block per article listing each dropped block, its role and reason.

    With more than ``max_articles`` articles that lost text, only the ``max_articles`` that lost the most
    words are shown (in id order), followed by a note saying how many are left out (the cleaning table's
    CSV counts every article).
    """
    out = []
    dropped = blocks[~blocks["kept"] & (blocks["role"] != "title")]
    shown = sorted(dropped["article_id"].unique())
    if len(shown) > max_articles:
        words = (
            dropped.assign(_w=dropped["text"].fillna("").str.count(r"\S+")).groupby("article_id")["_w"].sum()
        )
        ranked = words.reset_index().sort_values(["_w", "article_id"], ascending=[False, True])
        shown = sorted(ranked["article_id"].head(max_articles))
    for article_id, group in dropped[dropped["article_id"].isin(shown)].groupby("article_id", sort=True):
        items = []
        for row in group.sort_values("position").itertuples():
            text = str(row.text)
            text = text if len(text) <= max_chars else text[: max_chars - 1] + "…"
            reason = f" ({row.reason})" if getattr(row, "reason", "") else ""
            items.append((f"#{row.position} {row.role}{reason}", text))
        counts = group["role"].value_counts().sort_index()
        summary = (
            f"{article_id}: {len(group)} dropped (" + ", ".join(f"{r} {n}" for r, n in counts.items()) + ")"
        )
        out.append(details_html(items, summary=summary))
    left = dropped["article_id"].nunique() - len(shown)
    if left > 0:
        note = (
            f"Showing the {len(shown)} articles that lost the most words to cleaning; {left:,} more articles "
            "lost some text (every article is counted in the cleaning table's CSV)."
        )
        out.append(HTMLBlock(f'<p class="of-note">{html.escape(note)}</p>', note))
    return out


def _date_span(date: pd.Timestamp, precision: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    if precision == "year":
        return pd.Timestamp(date.year, 1, 1), pd.Timestamp(date.year, 12, 31)
    if precision == "month":
        return date.replace(day=1), date + pd.offsets.MonthEnd(0)
    return date, date


def timeline_figure(articles: pd.DataFrame, *, max_labels: int = MAX_LABELLED_ARTICLES):
    """Plot each ``ok`` article on a date axis, one row per outlet; bars show month/year date precision.

    Each article is labelled with its event when there are at most ``max_labels`` dated articles; above
    that the labels would overlap, and the events table lists them instead.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    ok = ok_rows(articles).copy()
    ok["pdate"] = pd.to_datetime(ok["date"], errors="coerce")
    ok = ok[ok["pdate"].notna()]
    outlets = sorted(ok["outlet"].astype(str).unique())
    colors = outlet_colors(outlets)
    fig, ax = plt.subplots(figsize=(9, 0.5 * max(len(outlets), 3) + 1.6))
    labelled = len(ok) <= max_labels
    if not labelled:  # one artist per outlet instead of one per article
        _timeline_points(ax, ok, outlets, colors)
    for row in ok.itertuples() if labelled else ():
        y = outlets.index(str(row.outlet))
        lo, hi = _date_span(row.pdate, str(row.date_precision or "day"))
        if hi > lo:
            ax.plot(
                [lo, hi],
                [y, y],
                color=colors[str(row.outlet)],
                linewidth=6,
                alpha=0.45,
                solid_capstyle="butt",
            )
        ax.plot([row.pdate], [y], "o", color=colors[str(row.outlet)], markersize=8, markeredgecolor="black")
        label = str(row.event) if labelled and isinstance(row.event, str) and row.event else ""
        if label:
            short = label if len(label) <= 45 else label[:44] + "…"
            ax.annotate(short, (row.pdate, y), xytext=(6, 7), textcoords="offset points", fontsize=8)
    ax.set_yticks(range(len(outlets)), outlets)
    ax.set_ylim(-0.7, len(outlets) - 0.3)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.set_xlabel("publication date (dot: date given; bar: the month or year when only that is known)")
    ax.set_ylabel("outlet")
    if labelled:
        ax.set_title(f"When the {len(ok)} dated articles appeared, by outlet, labelled with their event")
    else:
        ax.set_title(f"When the {len(ok):,} dated articles appeared, by outlet (events: see events table)")
    if ok.empty:
        ax.text(0.5, 0.5, "no dated articles", ha="center", transform=ax.transAxes)
    fig.autofmt_xdate()
    return fig


def _timeline_points(ax, ok: pd.DataFrame, outlets: list[str], colors: Mapping[str, str]) -> None:
    """Draw the timeline's dots and date-precision bars with one call per outlet (large corpora)."""
    import numpy as np

    spans = [_date_span(d, str(p or "day")) for d, p in zip(ok["pdate"], ok["date_precision"], strict=True)]
    lo = np.array([a for a, _ in spans], dtype="datetime64[ns]")
    hi = np.array([b for _, b in spans], dtype="datetime64[ns]")
    names = ok["outlet"].astype(str).to_numpy()
    for y, outlet in enumerate(outlets):
        mine = names == outlet
        wide = mine & (hi > lo)
        if wide.any():
            ax.hlines(
                np.full(int(wide.sum()), y),
                lo[wide],
                hi[wide],
                colors=colors[outlet],
                linewidth=6,
                alpha=0.45,
            )
        ax.plot(
            ok["pdate"].to_numpy()[mine],
            np.full(int(mine.sum()), y),
            "o",
            color=colors[outlet],
            markersize=8,
            markeredgecolor="black",
        )


def words_figure(articles: pd.DataFrame, blocks: pd.DataFrame, *, max_articles: int = MAX_FIGURE_ARTICLES):
    """Plot words per ``ok`` article: kept body text and what cleaning dropped (the title is not counted).

    With more than ``max_articles`` articles, one bar per outlet shows the mean per article instead
    (the cleaning table's CSV has every article).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    ok = ok_rows(articles).sort_values("article_id")
    b = blocks[blocks["article_id"].isin(ok["article_id"])]
    b = b.assign(_w=b["text"].fillna("").str.count(r"\S+"))
    dropped = b[~b["kept"] & (b["role"] != "title")].groupby("article_id")["_w"].sum()
    dropped = dropped.reindex(ok["article_id"], fill_value=0)
    kept = ok.set_index("article_id")["n_words"]
    per_article = len(ok) <= max_articles
    if per_article:
        labels = [f"{_short_id(a)}\n{o}" for a, o in zip(ok["article_id"], ok["outlet"], strict=True)]
    else:
        frame = pd.DataFrame(
            {
                "outlet": ok["outlet"].astype(str).to_numpy(),
                "kept": kept.to_numpy(),
                "dropped": dropped.to_numpy(),
            }
        )
        means = frame.groupby("outlet", sort=True).agg(
            kept=("kept", "mean"), dropped=("dropped", "mean"), n=("kept", "size")
        )
        labels = [f"{o} ({n:,} articles)" for o, n in zip(means.index, means["n"], strict=True)]
        kept, dropped = means["kept"], means["dropped"]
    fig, ax = plt.subplots(figsize=(9, 0.45 * max(len(labels), 3) + 1.5))
    y = range(len(labels))
    ax.barh(y, kept.to_numpy(), color=OKABE_ITO[4], label="kept (clean body text)")
    ax.barh(y, dropped.to_numpy(), left=kept.to_numpy(), color=OKABE_ITO[0], label="dropped by cleaning")
    ax.set_yticks(list(y), labels, fontsize=8)
    ax.invert_yaxis()
    if per_article:
        ax.set_xlabel("words (whitespace-separated tokens)")
        ax.set_ylabel("article (id prefix, outlet)")
        ax.set_title("Article length: words kept as body text vs dropped by cleaning")
    else:
        ax.set_xlabel("mean words per article (whitespace-separated tokens)")
        ax.set_ylabel("outlet")
        ax.set_title(
            f"Mean article length per outlet: words kept vs dropped by cleaning ({len(ok):,} articles; "
            f"one bar per outlet above {max_articles} articles)"
        )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, frameon=False)
    return fig


def sample_sizes(articles: pd.DataFrame) -> pd.DataFrame:
    """Return the sample sizes behind every report: articles by status, outlets, events, words."""
    ok = ok_rows(articles)
    rows = [("articles (all rows)", len(articles))]
    rows += [
        (f"articles with status {s}", int(n))
        for s, n in articles["status"].value_counts().sort_index().items()
    ]
    rows += [
        ("outlets (ok articles)", int(ok["outlet"].nunique())),
        ("events (ok articles)", int(ok["event"].replace("", pd.NA).dropna().nunique())),
        ("events covered by 2+ outlets", len(shared_events(articles))),
        ("words in clean body text (ok articles)", int(ok["n_words"].sum())),
    ]
    return pd.DataFrame(rows, columns=["measure", "n"])


def within_event_overview(articles: pd.DataFrame) -> pd.DataFrame:
    """Return the ``ok`` articles of events covered by two or more outlets, side by side.

    Returns
    -------
    pandas.DataFrame
        ``event, outlet, outlet_type, article_id, date, title, words`` sorted by event, date, outlet.
    """
    events = shared_events(articles)
    ok = ok_rows(articles)
    rows = ok[ok["event"].isin(events)]
    table = rows.reindex(columns=["event", "outlet", "outlet_type", "article_id", "date", "title", "n_words"])
    table = table.rename(columns={"n_words": "words"}).sort_values(["event", "date", "outlet"], kind="stable")
    table["date"] = pd.to_datetime(table["date"], errors="coerce").dt.strftime("%Y-%m-%d")
    return table.reset_index(drop=True)


def metadata_note(articles: pd.DataFrame) -> HTMLBlock:
    """Return one line on how the metadata table joined the articles (a warning when rows did not match).

    Reads ``articles.attrs["metadata_join"]`` (:func:`analysis.load_corpus`); says so when
    no metadata table was used.
    """
    join = articles.attrs.get("metadata_join") if hasattr(articles, "attrs") else None
    if not join:
        text = "No metadata table was joined: outlet, title and date come from the articles themselves."
        return HTMLBlock(f'<p class="of-note">{html.escape(text)}</p>', text)
    if join.get("message"):
        text = "Metadata: " + str(join["message"])
        return HTMLBlock(f'<p class="of-warning"><strong>{html.escape(text)}</strong></p>', text)
    text = (
        f"Metadata keyed by {join.get('key')!r}: all {join.get('metadata_rows')} rows matched "
        f"and all {join.get('articles')} articles got metadata."
    )
    return HTMLBlock(f'<p class="of-note">{html.escape(text)}</p>', text)
