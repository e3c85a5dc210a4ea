"""The findings page: one row per outlet, what stands out beyond chance, corpus shape, attention over time.

Every function here only reads the tables of :func:`analysis.run` (``ctx.result``) and
the articles; the statistics come from :func:`analysis.core.compare.compare_many` and
:func:`analysis.framing.attention.attention`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.core.compare import benjamini_hochberg, compare
from analysis.core.stats import bootstrap_grouped_mean_ci
from analysis.framing.attention import attention
from analysis.measures.entities import link_across_articles
from analysis.report.display import HTMLBlock, outlet_colors
from analysis.report.params import ok_rows

#: An outlet with fewer articles than this gets a warning line: its figures describe a few articles.
FEW_ARTICLES = 5
#: "What stands out" lists at most this many findings.
MAX_FINDINGS = 10
#: ... and at most this many from one measure (all frames count as one measure).
MAX_PER_FAMILY = 4
#: Attention figures leave out a point resting on fewer articles than this (the CSV keeps it).
MIN_PERIOD_ARTICLES = 3
#: Source types counted as officials in "quotes officials" findings.
OFFICIAL_TYPES = ("government",)
#: Reading-level index used on the findings page (US school grade).
GRADE_INDEX = "flesch_kincaid_grade"


def _table(result: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
    return result[name] if name in result else None


def _with_outlet(table: pd.DataFrame, ok: pd.DataFrame) -> pd.DataFrame:
    if "outlet" in table.columns:
        return table
    return table.merge(ok[["article_id", "outlet"]], on="article_id", how="inner")


def linked_names(result: Mapping[str, pd.DataFrame], articles: pd.DataFrame) -> pd.DataFrame:
    """Return how each article's canonical names link across the corpus (one person, one name).

    The ``mentions`` table resolves names within an article; across articles, "Mr. Smith" in
    one and "John A. Smith" in another are the same person only after
    :func:`analysis.measures.entities.link_across_articles`. Compute this once per page and
    pass it to the functions that count or compare people.

    Returns
    -------
    pandas.DataFrame
        ``article_id, canonical, linked, kind``: one row per (article, canonical name).
    """
    mentions = result["mentions"]
    if mentions.empty:
        return pd.DataFrame(columns=["article_id", "canonical", "linked", "kind"])
    linked = link_across_articles(ok_rows(articles), mentions)
    table = pd.DataFrame(
        {
            "article_id": mentions["article_id"].astype(str).to_numpy(),
            "canonical": mentions["canonical"].astype(str).to_numpy(),
            "linked": linked["canonical"].astype(str).to_numpy(),
            "kind": linked["kind"].astype(str).to_numpy(),
        }
    )
    return table.drop_duplicates(["article_id", "canonical"]).reset_index(drop=True)


def relink(table: pd.DataFrame, names: pd.DataFrame | None) -> pd.DataFrame:
    """Return ``table`` (``article_id, canonical``...) with each name replaced by its linked name."""
    if names is None or table.empty or "canonical" not in table.columns:
        return table
    keys = table[["article_id", "canonical"]].astype(str)
    merged = keys.merge(
        names[["article_id", "canonical", "linked"]], on=["article_id", "canonical"], how="left"
    )
    out = table.copy()
    out["canonical"] = merged["linked"].fillna(merged["canonical"]).to_numpy()
    if "kind" in out.columns:
        kinds = names.drop_duplicates("linked").set_index("linked")["kind"]
        out["kind"] = out["canonical"].map(kinds).fillna(out["kind"]).to_numpy()
    return out


def top_outlets(articles: pd.DataFrame, n: int = 10) -> list[str]:
    """Return the ``n`` outlets with the most analysable articles (ties by name)."""
    ok = ok_rows(articles)
    counts = (
        ok.groupby("outlet")
        .size()
        .reset_index(name="n")
        .sort_values(["n", "outlet"], ascending=[False, True])
    )
    return counts["outlet"].astype(str).head(n).tolist()


def top_people(
    result: Mapping[str, pd.DataFrame],
    articles: pd.DataFrame,
    n: int = 3,
    *,
    names: pd.DataFrame | None = None,
) -> list[str]:
    """Return the ``n`` people named by the most outlets (then with the most mentions) in the corpus."""
    mentions = relink(result["mentions"], names)
    if mentions.empty or "kind" not in mentions.columns:
        return []
    people = _with_outlet(
        mentions[mentions["kind"] == "person"][["article_id", "canonical"]], ok_rows(articles)
    )
    if people.empty:
        return []
    counts = (
        people.groupby("canonical")
        .agg(n_outlets=("outlet", "nunique"), n_mentions=("article_id", "size"))
        .reset_index()
    )
    counts = counts.sort_values(["n_outlets", "n_mentions", "canonical"], ascending=[False, False, True])
    return counts["canonical"].head(n).tolist()


def _interval_text(mean: float, low: float, high: float, *, percent: bool, signed: bool = True) -> str:
    if pd.isna(mean):
        return "–"
    if percent:
        core = f"{mean:.0%}"
        return core if pd.isna(low) else f"{core} [{low:.0%}, {high:.0%}]"
    form = "{:+.2f}" if signed else "{:.1f}"
    core = form.format(mean)
    return core if pd.isna(low) else f"{core} [{form.format(low)}, {form.format(high)}]"


def measure_tables(
    result: Mapping[str, pd.DataFrame],
    articles: pd.DataFrame,
    *,
    people: Sequence[str] = (),
    names: pd.DataFrame | None = None,
) -> list[tuple[str, pd.DataFrame, str, dict]]:
    """Return the per-observation tables the findings compare, with how to describe each.

    Returns
    -------
    list of (name, table, value column, description)
        Tables carry ``article_id, outlet`` and the value; the description holds ``kind``
        (``share`` or ``mean``), ``phrase`` (what the value is, for a sentence), ``unit``
        and ``section`` (the report page and anchor behind it).
    """
    ok = ok_rows(articles)
    out: list[tuple[str, pd.DataFrame, str, dict]] = []
    sentiment = _table(result, "sentiment")
    if sentiment is not None and not sentiment.empty and "compound" in sentiment.columns:
        t = _with_outlet(sentiment[["article_id", "compound"]], ok)
        out.append(("tone", t, "compound", {
            "kind": "mean", "phrase": "mean article tone (VADER, -1 to +1)", "unit": "articles",
            "section": "03_sentiment.html#Article-sentiment-with-intervals"}))  # fmt: skip
    readability = _table(result, "readability")
    if readability is not None and not readability.empty and GRADE_INDEX in readability.columns:
        r = readability
        if "version" in r.columns:
            r = r[r["version"] == "clean"]
        if f"reliable_{GRADE_INDEX}" in r.columns:
            r = r[r[f"reliable_{GRADE_INDEX}"].astype(bool)]
        t = _with_outlet(r[["article_id", GRADE_INDEX]], ok)
        out.append(("reading level", t, GRADE_INDEX, {
            "kind": "mean", "phrase": "mean reading grade (Flesch-Kincaid)", "unit": "articles",
            "signed": False, "section": "04_readability.html"}))  # fmt: skip
    targeted = _table(result, "entity_sentiment")
    if targeted is not None and not targeted.empty:
        targeted = relink(targeted, names)
        col = "sentiment"
        for person in people:
            t = targeted[targeted["canonical"] == person]
            if col and not t.empty:
                weight = "n_scored" if "n_scored" in t.columns else None
                t = _with_outlet(t[["article_id", col] + ([weight] if weight else [])], ok)
                out.append((f"tone toward {person}", t, col, {
                    "kind": "mean", "phrase": f"mean tone toward {person} (over its mentions)",
                    "unit": "articles", "weight": weight,
                    "section": "03_sentiment.html#The-same-entity-seen-by-different-outlets"}))  # fmt: skip
    quotes = _table(result, "quotes")
    if quotes is not None and not quotes.empty:
        q = _with_outlet(quotes, ok)
        if "source_type" in q.columns:
            t = q.assign(official=q["source_type"].isin(OFFICIAL_TYPES).astype(float))
            out.append(("official sources", t[["article_id", "outlet", "official"]], "official", {
                "kind": "share", "phrase": "quotes government officials", "unit": "quotes",
                "section": "07_framing.html#Source-balance"}))  # fmt: skip
        if "speaker_gender" in q.columns:
            known = q[q["speaker_gender"].isin(["female", "male"])]
            t = known.assign(women=(known["speaker_gender"] == "female").astype(float))
            out.append(("women quoted", t[["article_id", "outlet", "women"]], "women", {
                "kind": "share", "phrase": "quotes women", "unit": "quotes of a person of known gender",
                "section": "07_framing.html#Source-balance"}))  # fmt: skip
    frames = _table(result, "frames")
    if frames is not None and not frames.empty:
        f = _with_outlet(frames[["article_id", "frame", "score"]], ok)
        label = frames.drop_duplicates("frame").set_index("frame")["label"] if "label" in frames else None
        for frame, t in f.groupby("frame"):
            name = str(label.get(frame, frame)) if label is not None else str(frame)
            t = t.assign(present=(t["score"] > 0).astype(float))
            out.append((f"frame: {name}", t[["article_id", "outlet", "present"]], "present", {
                "kind": "share", "phrase": f"uses the {name} frame", "unit": "articles",
                "section": "07_framing.html#Frames"}))  # fmt: skip
    return out


def stands_out(
    result: Mapping[str, pd.DataFrame],
    articles: pd.DataFrame,
    *,
    people: Sequence[str] = (),
    outlets: Sequence[str] | None = None,
    names: pd.DataFrame | None = None,
    max_items: int = MAX_FINDINGS,
    n_boot: int = 1000,
    n_perm: int = 999,
) -> pd.DataFrame:
    """Return the outlet-vs-rest differences that hold beyond chance, as sentences, largest effect first.

    Every measure of :func:`measure_tables` is compared for every outlet against the rest
    of the corpus (:func:`analysis.core.compare.compare_many`: bootstrap intervals over
    articles, permutation p-values, Benjamini–Hochberg over the whole page). Only rows with
    ``q_value <= 0.05`` are kept; they are ranked by effect size (the difference over the
    standard deviation of the per-article values) and phrased from the numbers.

    Returns
    -------
    pandas.DataFrame
        ``outlet, measure, sentence, difference, difference_low, difference_high, q_value,
        effect, section`` plus every :func:`compare` column.
    """
    tables = measure_tables(result, articles, people=people, names=names)
    columns = ["outlet", "measure", "sentence", "effect", "section"]
    if not tables:
        return pd.DataFrame(columns=columns)
    wanted = None if outlets is None else [str(o) for o in outlets]
    family = []
    for name, table, value, desc in tables:
        t = table.dropna(subset=[value])
        if t["outlet"].nunique() < 2:
            continue
        groups = sorted(set(t["outlet"].astype(str)) & set(wanted)) if wanted is not None else None
        family.append((t.rename(columns={value: name}), name, groups, desc.get("weight")))
    if not family:
        return pd.DataFrame(columns=columns)
    parts = []
    # one family: compare each table, then correct across all of them at once
    for t, name, groups, weight in family:
        parts.append(compare(t, value=name, groups=groups, n_boot=n_boot, n_perm=n_perm, weight=weight))
    comp = pd.concat(parts, ignore_index=True)
    comp["q_value"] = benjamini_hochberg(comp["p_value"])
    comp["significant"] = comp["q_value"] <= 0.05
    spread = {name: float(np.nanstd(t[name].to_numpy(dtype=float))) for t, name, _, _ in family}
    comp["effect"] = comp.apply(
        lambda r: abs(r["difference"]) / spread[r["measure"]] if spread[r["measure"]] > 0 else 0.0, axis=1
    )
    described = {name: desc for name, _, _, desc in tables}
    comp["section"] = comp["measure"].map(lambda m: described[m]["section"])
    hits = comp[comp["significant"]].sort_values(["effect", "q_value"], ascending=[False, True])
    # no one measure fills the page: at most MAX_PER_FAMILY findings from each (all frames count as one)
    family = hits["measure"].where(~hits["measure"].str.startswith("frame: "), "frame")
    hits = hits[hits.groupby(family).cumcount() < MAX_PER_FAMILY].head(max_items)
    hits = hits.assign(sentence=[_sentence(r, described[r["measure"]]) for _, r in hits.iterrows()])
    front = ["outlet", "measure", "sentence", "effect", "section"]
    return hits[front + [c for c in hits.columns if c not in front]].reset_index(drop=True)


def _sentence(row: pd.Series, desc: dict) -> str:
    percent, signed = desc["kind"] == "share", desc.get("signed", True)
    mine = _interval_text(row["mean"], row["mean_low"], row["mean_high"], percent=percent, signed=signed)
    rest = _interval_text(
        row["other_mean"], row["other_mean_low"], row["other_mean_high"], percent=percent, signed=signed
    )
    if percent:
        return (
            f"{row['outlet']} {desc['phrase']} in {mine} of its {desc['unit']} against {rest} elsewhere "
            f"({row['n_articles']} vs {row['n_articles_other']} articles; q = {row['q_value']:.3f})."
        )
    direction = "higher" if row["difference"] > 0 else "lower"
    return (
        f"{row['outlet']}: {desc['phrase']} {mine}, {direction} than {rest} elsewhere "
        f"({row['n_articles']} vs {row['n_articles_other']} articles; q = {row['q_value']:.3f})."
    )


def stands_out_html(findings: pd.DataFrame, *, empty_reason: str) -> HTMLBlock:
    """Return the findings as an escaped list, each linked to the report section behind it."""
    if findings.empty:
        return HTMLBlock(f"<p><em>{html.escape(empty_reason)}</em></p>", empty_reason)
    items = [
        f'<li>{html.escape(r["sentence"])} <a href="{html.escape(r["section"])}">evidence</a></li>'
        for _, r in findings.iterrows()
    ]
    text = "\n".join(f"- {s}" for s in findings["sentence"])
    return HTMLBlock('<ol class="of-findings">' + "".join(items) + "</ol>", text)


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
        ``women quoted`` (shares of quotes), ``top frames``, ``distinctive terms``, ``names most``.
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
        return _interval_text(ci.mean, ci.low, ci.high, percent=d["kind"] == "share")

    keyness = _table(result, "keyness")
    freqs = _table(result, "entity_frequencies")
    frames = _table(result, "frames")
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
        if frames is not None and not frames.empty:
            f = _with_outlet(
                frames[["article_id", "frame", "score"] + (["label"] if "label" in frames else [])], ok
            )
            f = f[f["outlet"] == outlet]
            name = "label" if "label" in f.columns else "frame"
            share = (f.assign(p=f["score"] > 0).groupby(name)["p"].mean().sort_values(ascending=False)).head(
                3
            )
            row["top frames"] = "; ".join(f"{k} ({v:.0%})" for k, v in share.items())
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


def attention_figure(
    table: pd.DataFrame, *, kind: str, names: Sequence[str] | None = None, value: str | None = None
):
    """Draw one panel per entity or frame: its attention per period, one line per outlet.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`analysis.framing.attention.attention` output.
    kind : {'entity', 'frame'}
        Which rows to draw.
    names : sequence of str, optional
        Which entities or frames (default all of that kind, at most 6).
    value : str, optional
        Default ``per_1000_words`` for entities, ``share_of_articles`` for frames.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    value = value or ("per_1000_words" if kind == "entity" else "share_of_articles")
    rows = table[table["kind"] == kind]
    chosen = list(names) if names is not None else list(dict.fromkeys(rows["name"]))[:6]
    n = max(1, len(chosen))
    cols = 2 if n > 1 else 1
    fig, axes = plt.subplots((n + cols - 1) // cols, cols, figsize=(11, 2.8 * ((n + cols - 1) // cols) + 0.8),
                             squeeze=False, sharex=True)  # fmt: skip
    colors = outlet_colors(rows["outlet"].astype(str)) if "outlet" in rows else {}
    period = table.attrs.get("period", "period")
    for ax, name in zip(axes.flat, chosen, strict=False):
        sub = rows[rows["name"] == name]
        for outlet, line in sub.groupby("outlet"):
            line = line.sort_values("period_start")
            line = line.assign(**{value: line[value].where(line["n_articles"] >= MIN_PERIOD_ARTICLES)})
            ax.plot(line["period_start"], line[value], marker="o", markersize=3, label=str(outlet),
                    color=colors.get(str(outlet)))  # fmt: skip
        ax.set_title(str(name), fontsize=10)
        ax.set_ylabel("per 1,000 words" if value == "per_1000_words" else "share of articles")
        ax.set_xlabel(period)
    for ax in list(axes.flat)[len(chosen) :]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 5), fontsize=8, frameon=False)
    what = "Mentions per 1,000 words" if kind == "entity" else "Share of articles using each frame"
    fig.suptitle(f"{what}, per outlet and {period}")
    fig.tight_layout(rect=(0, 0.06, 1, 0.97))
    return fig


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
    mentions = _table(result, "mentions")
    mentions = relink(mentions, names) if mentions is not None else None
    frames = _table(result, "frames")
    if frames is not None and "label" in frames.columns:
        frames = frames.assign(frame=frames["label"])
    table = attention(ok, mentions, frames, entities=list(people) or None, period=period)
    return table


def attention_drawable(table: pd.DataFrame) -> bool:
    """Tell whether attention over time says anything: some outlet has articles in 3 or more periods."""
    if table.empty:
        return False
    per_outlet = table[table["n_articles"] > 0].groupby("outlet")["period"].nunique()
    return bool((per_outlet >= 3).any())


def attention_note(table: pd.DataFrame) -> HTMLBlock:
    """Return one visible line: the period used, and the articles left out for want of a precise date."""
    left = table.attrs.get("left_out", {})
    period = table.attrs.get("period", "period")
    undated, imprecise = left.get("undated", 0), left.get("imprecise", 0)
    parts = [
        f"Periods: {period}s. A point resting on fewer than {MIN_PERIOD_ARTICLES} articles of an outlet "
        "is left out of the figures (the CSV keeps it)."
    ]
    if not attention_drawable(table):
        parts.append(
            "No outlet has dated articles in three or more periods, so attention over time is not drawn."
        )
    if undated:
        parts.append(f"{undated} undated article(s) are left out.")
    if imprecise:
        parts.append(f"{imprecise} article(s) dated less precisely than a {period} are left out.")
    text = " ".join(parts)
    return HTMLBlock(f'<p class="of-note">{html.escape(text)}</p>', text)
