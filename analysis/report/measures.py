"""Tables and figures of the entity, sentiment, readability and profile reports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from analysis.measures.entities import CORPUS_ROWS
from analysis.measures.readability import INDICES
from analysis.report.display import outlet_colors
from analysis.report.overview import shared_events
from analysis.report.params import OKABE_ITO, ok_rows

if TYPE_CHECKING:
    pass


def heatmap_figure(
    matrix: pd.DataFrame, *, title: str, xlabel: str, ylabel: str, value_label: str, decimals: int = 1
):
    """Draw a labelled heatmap of a numeric matrix (rows x columns) with the value written in each cell.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np

    values = matrix.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(1.2 * max(len(matrix.columns), 3) + 3, 0.38 * max(len(matrix), 3) + 1.8))
    image = ax.imshow(np.nan_to_num(values), aspect="auto", cmap="cividis")
    ax.set_xticks(range(len(matrix.columns)), [str(c) for c in matrix.columns], rotation=30, ha="right")
    ax.set_yticks(range(len(matrix.index)), [str(i) for i in matrix.index])
    ax.grid(False)
    top = np.nanmax(values) if values.size else 0
    for (i, j), v in np.ndenumerate(values):
        if not np.isnan(v):
            color = "black" if top and v > 0.6 * top else "white"
            ax.text(j, i, f"{v:.{decimals}f}", ha="center", va="center", fontsize=8, color=color)
    fig.colorbar(image, ax=ax, label=value_label)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


def interval_figure(
    table: pd.DataFrame,
    *,
    label: str,
    value: str,
    color_by: str | None,
    title: str,
    xlabel: str,
    ylabel: str,
    zero_line: bool = True,
):
    """Plot one point with its interval per row (rows in table order), coloured by ``color_by``.

    The point is column ``value``, the interval columns ``<value>_low`` and ``<value>_high`` (the
    table vocabulary of ``docs/architecture.md``). The intervals are over articles, so a row
    without one (a single article) is drawn as a point only, and the x-axis label says how many
    rows that is.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    low, high = f"{value}_low", f"{value}_high"
    fig, ax = plt.subplots(figsize=(9, 0.42 * max(len(table), 3) + 1.6))
    colors = outlet_colors(table[color_by].astype(str)) if color_by else {}
    for y, row in enumerate(table.itertuples(index=False)):
        data = row._asdict()
        color = colors.get(str(data[color_by]), OKABE_ITO[4]) if color_by else OKABE_ITO[4]
        ax.plot([data[low], data[high]], [y, y], color=color, linewidth=2.5)
        ax.plot([data[value]], [y], "o", color=color, markeredgecolor="black", markersize=7)
    ax.set_yticks(range(len(table)), table[label].astype(str).tolist(), fontsize=8)
    ax.invert_yaxis()
    if zero_line:
        ax.axvline(0, color="grey", linewidth=1, linestyle="--")
    ax.set_title(title)
    bare = int((table[low].isna() | table[high].isna()).sum())
    if bare:
        xlabel = f"{xlabel}\n({bare} of {len(table)} rows: a single article, so a point and no interval)"
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


def top_entities_per_group(freqs: pd.DataFrame, *, n: int = 5, by: str = "outlet") -> pd.DataFrame:
    """Return the ``n`` most-mentioned canonical entities per group of :func:`analysis.entity_frequencies`.

    ``by`` is the ``by`` the table was computed with (its grouping column).

    Returns
    -------
    pandas.DataFrame
        ``<by>, rank, canonical, kind, count, per_1000_words, per_1000_words_low, per_1000_words_high,
        n_articles``.
    """
    rows = freqs[freqs[by] != CORPUS_ROWS]
    rows = rows.sort_values([by, "count", "canonical"], ascending=[True, False, True])
    rows = rows.groupby(by, sort=True).head(n).copy()
    rows["rank"] = rows.groupby(by).cumcount() + 1
    cols = [by, "rank", "canonical", "kind", "count", "per_1000_words", "per_1000_words_low"]
    cols += ["per_1000_words_high"]
    return rows[[*cols, "n_articles"]].reset_index(drop=True)


def corpus_top(
    freqs: pd.DataFrame, n: int, *, kinds: Sequence[str] | None = None, by: str = "outlet"
) -> list[str]:
    """Return the ``n`` canonical entities with the most mentions in the corpus rows (ties by name).

    ``kinds`` keeps only those kinds (e.g. ``("person", "organisation")``); ``by`` is the
    grouping column of ``freqs`` (the corpus rows say ``(corpus)`` there).
    """
    rows = freqs[freqs[by] == CORPUS_ROWS]
    if kinds is not None:
        rows = rows[rows["kind"].isin(kinds)]
    rows = rows.sort_values(["count", "canonical"], ascending=[False, True])
    return rows["canonical"].head(n).astype(str).tolist()


def entity_outlet_matrix(
    freqs: pd.DataFrame, entities: Sequence[str], *, value: str = "per_1000_words", by: str = "outlet"
):
    """Return an entity x group matrix of ``value`` (0 where a group never mentions the entity)."""
    rows = freqs[(freqs[by] != CORPUS_ROWS) & freqs["canonical"].isin(entities)]
    matrix = rows.pivot_table(index="canonical", columns=by, values=value, aggfunc="first").fillna(0.0)
    matrix.columns.name = None
    return matrix.reindex(index=list(entities)).fillna(0.0)


def co_mentions(mentions: pd.DataFrame, entities: Sequence[str]) -> pd.DataFrame:
    """Count the sentences in which two of ``entities`` are both mentioned (symmetric matrix, diagonal 0)."""
    import numpy as np
    from scipy import sparse

    names = list(entities)
    m = mentions[mentions["canonical"].isin(names)]
    m = m.drop_duplicates(["article_id", "field", "sentence_id", "canonical"])
    matrix = pd.DataFrame(0, index=names, columns=names, dtype=int)
    if m.empty:
        return matrix
    rows = m.groupby(["article_id", "field", "sentence_id"], sort=False).ngroup().to_numpy()
    cols = pd.Categorical(m["canonical"], categories=names).codes
    hits = sparse.csr_matrix(
        (np.ones(len(m), dtype=np.int64), (rows, cols)), shape=(rows.max() + 1, len(names))
    )
    counts = (hits.T @ hits).toarray()
    np.fill_diagonal(counts, 0)
    matrix.loc[:, :] = counts
    return matrix


def first_mentions(mentions: pd.DataFrame, articles: pd.DataFrame, entities: Sequence[str]) -> pd.DataFrame:
    """Return where each entity is first mentioned in each article's body, as a share of the text length.

    Returns
    -------
    pandas.DataFrame
        ``outlet, article_id, canonical, in_title, first_char, position`` (0 = first character of the body,
        1 = last), sorted by canonical and outlet.
    """
    ok = ok_rows(articles).set_index("article_id")
    m = mentions[mentions["canonical"].isin(entities)]
    in_title = m[m["field"] == "title"].groupby(["article_id", "canonical"]).size()
    body = m[m["field"] == "text"].groupby(["article_id", "canonical"])["start_char"].min().reset_index()
    body["outlet"] = body["article_id"].map(ok["outlet"])
    length = body["article_id"].map(ok["text"].fillna("").str.len()).clip(lower=1)
    body["position"] = body["start_char"] / length
    body["in_title"] = [
        (a, c) in in_title.index for a, c in zip(body["article_id"], body["canonical"], strict=True)
    ]
    body = body.rename(columns={"start_char": "first_char"})
    cols = ["outlet", "article_id", "canonical", "in_title", "first_char", "position"]
    return body[cols].sort_values(["canonical", "outlet", "article_id"]).reset_index(drop=True)


def with_outlet(
    table: pd.DataFrame, articles: pd.DataFrame, *, columns: Sequence[str] = ("outlet",)
) -> pd.DataFrame:
    """Return ``table`` with article columns (default ``outlet``) inserted after ``article_id``."""
    info = articles.set_index("article_id")
    out = table.copy()
    for i, column in enumerate(columns):
        out.insert(1 + i, column, out["article_id"].map(info[column]))
    return out


def extreme_sentences(sentences: pd.DataFrame, articles: pd.DataFrame, *, n: int = 1) -> pd.DataFrame:
    """Return the ``n`` most negative and ``n`` most positive body sentences per outlet as evidence.

    Parameters
    ----------
    sentences : pandas.DataFrame
        ``analysis.sentiment(level="sentence")``: ``article_id, field, sentence_id, compound, text``.
    articles : pandas.DataFrame
        ``article_id, outlet``.

    Returns
    -------
    pandas.DataFrame
        ``outlet, which (most negative / most positive), compound, article_id, sentence_id, text``.
    """
    s = with_outlet(sentences[sentences["field"] == "text"], articles)
    rows = []
    for outlet, group in s.groupby("outlet", sort=True):
        ordered = group.sort_values(["compound", "article_id", "sentence_id"])
        for which, part in (
            ("most negative", ordered.head(n)),
            ("most positive", ordered.tail(n).iloc[::-1]),
        ):
            for row in part.itertuples():
                rows.append([outlet, which, row.compound, row.article_id, row.sentence_id, row.text])
    return pd.DataFrame(rows, columns=["outlet", "which", "compound", "article_id", "sentence_id", "text"])


def event_subset(articles: pd.DataFrame) -> pd.DataFrame:
    """Return the ``ok`` articles of events covered by two or more outlets."""
    ok = ok_rows(articles)
    return ok[ok["event"].isin(shared_events(articles))]


def readability_by_outlet(
    table: pd.DataFrame, articles: pd.DataFrame, *, version: str = "clean"
) -> pd.DataFrame:
    """Average each readability index per outlet over articles where it is flagged reliable.

    Returns
    -------
    pandas.DataFrame
        ``outlet, articles`` then per index ``<index>`` (mean over reliable articles, empty if none) and
        ``<index>_n`` (articles it rests on).
    """
    t = with_outlet(table[table["version"] == version], articles)
    out = t.groupby("outlet").size().rename("articles").to_frame()
    for name in INDICES:
        reliable = t[t[f"reliable_{name}"].astype(bool)]
        out[name] = reliable.groupby("outlet")[name].mean()
        out[f"{name}_n"] = reliable.groupby("outlet").size()
    out = out.fillna({f"{name}_n": 0 for name in INDICES})
    return out.reset_index()


def clean_vs_raw(
    table: pd.DataFrame, articles: pd.DataFrame, *, index: str = "flesch_reading_ease"
) -> pd.DataFrame:
    """Put one index on the clean and the raw text side by side per article, with the difference."""
    wide = table.pivot_table(
        index="article_id", columns="version", values=[index, "n_words"], aggfunc="first"
    )
    wide.columns = [f"{a}_{b}" for a, b in wide.columns]
    wide = wide.reset_index()
    for column in (f"{index}_clean", f"{index}_raw", "n_words_clean", "n_words_raw"):
        if column not in wide.columns:
            wide[column] = float("nan")
    wide["difference"] = wide[f"{index}_raw"] - wide[f"{index}_clean"]
    wide = with_outlet(wide, articles)
    cols = [
        "article_id",
        "outlet",
        "n_words_clean",
        "n_words_raw",
        f"{index}_clean",
        f"{index}_raw",
        "difference",
    ]
    return wide[cols].sort_values("article_id").reset_index(drop=True)


def paired_bar_figure(
    table: pd.DataFrame, *, label: str, values: Mapping[str, str], title: str, xlabel: str, ylabel: str
):
    """Draw grouped horizontal bars: one group per row of ``table``, one bar per ``values`` column.

    Parameters
    ----------
    values : mapping
        Column -> legend label.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots(figsize=(9, 0.55 * max(len(table), 3) + 1.8))
    k = len(values)
    height = 0.8 / k
    y = np.arange(len(table))
    for i, (column, legend) in enumerate(values.items()):
        ax.barh(
            y + i * height,
            table[column].astype(float).fillna(0),
            height=height,
            label=legend,
            color=OKABE_ITO[(4, 0, 2, 5)[i % 4]],
        )
    ax.set_yticks(y + height * (k - 1) / 2, table[label].astype(str).tolist(), fontsize=8)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=k, frameon=False)
    return fig


def outlet_vs_rest(
    table: pd.DataFrame, articles: pd.DataFrame, outlet: str, columns: Sequence[str]
) -> pd.DataFrame:
    """Compare per-article measures of one outlet with the rest of the corpus (mean, n).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per article: ``article_id`` and the numeric ``columns``.
    outlet : str
        The outlet.

    Returns
    -------
    pandas.DataFrame
        ``measure, mean, n_articles, mean_rest, n_articles_rest, difference`` (``n_articles``:
        articles with a value).
    """
    t = with_outlet(table, articles)
    mine, rest = t[t["outlet"] == outlet], t[t["outlet"] != outlet]
    rows = []
    for column in columns:
        a, b = mine[column].astype(float), rest[column].astype(float)
        rows.append(
            [column, a.mean(), int(a.notna().sum()), b.mean(), int(b.notna().sum()), a.mean() - b.mean()]
        )
    return pd.DataFrame(
        rows, columns=["measure", "mean", "n_articles", "mean_rest", "n_articles_rest", "difference"]
    )


def entity_vs_rest(
    freqs_outlet: pd.DataFrame, freqs_corpus: pd.DataFrame, outlet: str, *, n: int = 10, by: str = "side"
):
    """Return the outlet's top entities with their rate per 1,000 words there and in the rest of the corpus.

    Parameters
    ----------
    freqs_outlet : pandas.DataFrame
        :func:`analysis.entity_frequencies` by a column ``by`` that is the outlet name or ``(rest)``
        (:func:`outlet_or_rest`'s ``side``).
    freqs_corpus : pandas.DataFrame
        Unused rows are ignored; kept for the corpus total.

    Returns
    -------
    pandas.DataFrame
        ``canonical, kind, count, per_1000_words, per_1000_words_low, per_1000_words_high, count_rest,
        per_1000_words_rest``.
    """
    rows = freqs_outlet
    mine = rows[rows[by] == outlet].sort_values(["count", "canonical"], ascending=[False, True]).head(n)
    rest = rows[rows[by] == "(rest)"].set_index("canonical")
    out = mine[["canonical", "kind", "count", "per_1000_words", "per_1000_words_low", "per_1000_words_high"]]
    out = out.copy()
    out["count_rest"] = out["canonical"].map(rest["count"]).fillna(0).astype(int)
    out["per_1000_words_rest"] = out["canonical"].map(rest["per_1000_words"]).fillna(0.0)
    return out.reset_index(drop=True)


def namings(mentions: pd.DataFrame, articles: pd.DataFrame, entity: str) -> pd.DataFrame:
    """Return how each outlet names one entity: surface form, count, and the route (ner/alias/role).

    Returns
    -------
    pandas.DataFrame
        ``outlet, surface, via, count`` sorted by outlet and count.
    """
    m = with_outlet(mentions[mentions["canonical"] == entity], articles)
    if m.empty:
        return pd.DataFrame(columns=["outlet", "surface", "via", "count"])
    table = m.groupby(["outlet", "text", "via"]).size().reset_index(name="count")
    table = table.rename(columns={"text": "surface"})
    return table.sort_values(["outlet", "count", "surface"], ascending=[True, False, True]).reset_index(
        drop=True
    )


def entity_rate_by_outlet(freqs: pd.DataFrame, articles: pd.DataFrame, entity: str) -> pd.DataFrame:
    """Return one row per outlet with the entity's mentions per 1,000 words (0 where never mentioned)."""
    ok = ok_rows(articles)
    rows = freqs[(freqs["outlet"] != CORPUS_ROWS) & (freqs["canonical"] == entity)].set_index("outlet")
    out = ok.groupby("outlet").agg(articles=("article_id", "size"), words=("n_words", "sum")).reset_index()
    for column in ("count", "per_1000_words", "per_1000_words_low", "per_1000_words_high", "n_articles"):
        out[column] = out["outlet"].map(rows[column]).fillna(0)
    out["count"] = out["count"].astype(int)
    out["n_articles"] = out["n_articles"].astype(int)
    return out


def outlet_or_rest(articles: pd.DataFrame, outlet: str) -> pd.DataFrame:
    """Return the ``ok`` articles with a column ``side``: the outlet's name or ``(rest)``."""
    ok = ok_rows(articles)
    return ok.assign(side=ok["outlet"].where(ok["outlet"] == outlet, "(rest)").astype(str))
