"""The outlets side by side: one row per outlet, the corpus's shape, a warning for small outlets."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.core.stats import bootstrap_grouped_mean_ci
from analysis.report.display import HTMLBlock
from analysis.report.findings import interval_text, measure_tables
from analysis.report.params import ok_rows
from analysis.report.people import table_of

#: An outlet with fewer articles than this gets a warning line: its figures describe a few articles.
FEW_ARTICLES = 5


def _top_frames(tables: Mapping[str, tuple], n: int = 3) -> dict[str, pd.Series]:
    """Return, per outlet, its ``n`` frames with the largest share of sentences (ratio of sums)."""
    shares = {}
    for name, (t, v, d) in tables.items():
        if not name.startswith("frame: "):
            continue
        w = t[d["weight"]].astype(float) if d.get("weight") else pd.Series(1.0, index=t.index)
        sums = (t[v].astype(float) * w).groupby(t["outlet"].astype(str)).sum()
        shares[name[len("frame: ") :]] = sums / w.groupby(t["outlet"].astype(str)).sum()
    if not shares:
        return {}
    table = pd.DataFrame(shares)
    return {o: row.dropna().sort_values(ascending=False).head(n) for o, row in table.iterrows()}


def outlet_summary(
    result: Mapping[str, pd.DataFrame],
    articles: pd.DataFrame,
    *,
    outlets: Sequence[str],
    people: Sequence[str] = (),
    names: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return one row per outlet: size, reading level, tone, sources, frames, distinctive terms, people.

    Returns
    -------
    pandas.DataFrame
        ``outlet, articles, words, median_grade, tone`` (article mean with a 95% interval over
        articles, as text), ``tone toward <person>`` per person, ``official quotes``,
        ``women quoted`` (shares of quotes), ``top frames (share of sentences)``, ``distinctive terms``,
        ``names most``.
    """
    ok = ok_rows(articles)
    ok = ok[ok["outlet"].astype(str).isin(outlets)]
    rows = []
    tables = {
        name: (t, v, d) for name, t, v, d in measure_tables(result, articles, people=people, names=names)
    }

    def mean_text(name: str, outlet: str) -> str:
        if name not in tables:
            return "–"
        t, v, d = tables[name]
        sub = t[t["outlet"] == outlet].dropna(subset=[v])
        if sub.empty:
            return "–"
        weights = sub[d["weight"]].to_numpy(dtype=float) if d.get("weight") else None
        ci = bootstrap_grouped_mean_ci(sub[v].to_numpy(dtype=float), sub["article_id"].to_numpy(), weights)
        return interval_text(ci.mean, ci.low, ci.high, percent=d["kind"] == "share")

    keyness = table_of(result, "keyness")
    freqs = table_of(result, "entity_frequencies")
    tables_by_frame = _top_frames(tables)
    for outlet in outlets:
        mine = ok[ok["outlet"] == outlet]
        row = {"outlet": outlet, "articles": len(mine), "words": int(mine["n_words"].sum())}
        grade = tables.get("reading level")
        if grade is not None:
            g = grade[0][grade[0]["outlet"] == outlet][grade[1]]
            row["median grade"] = round(float(g.median()), 1) if len(g) else np.nan
        row["tone"] = mean_text("tone", outlet)
        for person in people:
            row[f"tone toward {person}"] = mean_text(f"tone toward {person}", outlet)
        row["official quotes"] = mean_text("official sources", outlet)
        row["women quoted"] = mean_text("women quoted", outlet)
        frame_share = tables_by_frame.get(outlet)
        if frame_share is not None:
            row["top frames (share of sentences)"] = "; ".join(
                f"{k} ({v:.1%})" for k, v in frame_share.items()
            )
        if keyness is not None and not keyness.empty:
            k = keyness[keyness["outlet"] == outlet]
            if "z" in k.columns:
                k = k[k["z"] > 0]
            terms = k.drop_duplicates("term").sort_values("rank" if "rank" in k else "z").head(5)["term"]
            row["distinctive terms"] = ", ".join(map(str, terms))
        if freqs is not None and not freqs.empty:
            fr = freqs[freqs["outlet"] == outlet]
            if "kind" in fr.columns:
                fr = fr[fr["kind"] == "person"]
            fr = fr.sort_values("per_1000_words", ascending=False).head(3)
            row["names most (per 1,000 words)"] = "; ".join(
                f"{c} ({v:.1f})" for c, v in zip(fr["canonical"], fr["per_1000_words"], strict=True)
            )
        rows.append(row)
    return pd.DataFrame(rows)


def corpus_shape(articles: pd.DataFrame, *, outlets: Sequence[str] | None = None) -> pd.DataFrame:
    """Return articles per outlet (rows) and month (columns), undated articles in their own column.

    A date known only to the year has no month: it is counted under ``"<year> (month unknown)"``.
    """
    ok = ok_rows(articles)
    if outlets is not None:
        ok = ok[ok["outlet"].astype(str).isin(outlets)]
    dates = (
        pd.to_datetime(ok.get("date"), errors="coerce") if "date" in ok else pd.Series(pd.NaT, index=ok.index)
    )
    precision = ok["date_precision"] if "date_precision" in ok else pd.Series("day", index=ok.index)
    label = np.where(
        dates.isna() | (precision == "unknown"),
        "undated",
        np.where(precision == "year", dates.dt.year.astype("Int64").astype(str) + " (month unknown)",
                 dates.dt.to_period("M").astype(str)),
    )  # fmt: skip
    table = pd.crosstab(ok["outlet"].astype(str), pd.Series(label, index=ok.index, name="month"))
    table.columns.name = None
    order = sorted(c for c in table.columns if c != "undated") + (
        ["undated"] if "undated" in table.columns else []
    )
    table = table[order]
    table.insert(0, "total", table.sum(axis=1))
    return table.sort_values("total", ascending=False).reset_index().rename(columns={"outlet": "outlet"})


def few_articles_warning(articles: pd.DataFrame, *, outlets: Sequence[str] | None = None) -> HTMLBlock:
    """Return a visible warning naming the outlets with fewer than :data:`FEW_ARTICLES` articles."""
    ok = ok_rows(articles)
    counts = ok.groupby(ok["outlet"].astype(str)).size()
    if outlets is not None:
        counts = counts[counts.index.isin(outlets)]
    few = counts[counts < FEW_ARTICLES]
    if few.empty:
        text = f"Every outlet shown has at least {FEW_ARTICLES} articles."
        return HTMLBlock(f'<p class="of-note">{html.escape(text)}</p>', text)
    if (counts < 2).all():
        text = (
            "Each outlet has a single article here: every per-outlet figure describes one article, "
            "not an outlet's habits, and no difference between outlets can be tested."
        )
    else:
        names = ", ".join(f"{o} ({n})" for o, n in few.items())
        text = f"Comparisons for these outlets rest on fewer than {FEW_ARTICLES} articles: {names}."
    return HTMLBlock(f'<p class="of-warning"><strong>{html.escape(text)}</strong></p>', text)
