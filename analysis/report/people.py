"""Who the findings page is about: outlets by size, people linked across articles, the most-named people."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.measures.entities import link_across_articles
from analysis.report.params import ok_rows


def table_of(result: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
    """Return ``result[name]``, or None when the run has no such table."""
    return result[name] if name in result else None


def with_outlet(table: pd.DataFrame, ok: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` with the ``outlet`` of each article (from ``ok``) when it has none."""
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
    people = with_outlet(
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
