"""Claims left out: per outlet, what other outlets covering the same story carry (:func:`omissions`)."""

from __future__ import annotations

import pandas as pd

from analysis.core.stage import stage
from analysis.framing._evidence import ok_articles
from analysis.framing.claims.grouping import comparable_stories

OMISSION_COLUMNS: tuple[str, ...] = (
    "outlet", "story", "claim_id", "carried_by", "n_outlets_carrying", "shared_copy", "hedged",
    "article_id", "field", "sentence_id", "start_char", "end_char", "sentence",
)  # fmt: skip


def claim_matrix(claims_table: pd.DataFrame) -> pd.DataFrame:
    """Pivot a claims table into a claims x outlets matrix within each story.

    Parameters
    ----------
    claims_table : pandas.DataFrame
        Output of :func:`claims` (needs ``story, claim_id, outlet, sentence, n_outlets``).

    Returns
    -------
    pandas.DataFrame
        One row per claim: ``story, claim_id, n_outlets`` and the claim's first sentence
        (``article_id, field, start_char, end_char, sentence``), then one column per
        outlet with the number of sentences that carry it; ``0`` means the outlet
        covers the story but omits the claim, missing (NA) means it has no article on
        the story.
    """
    if claims_table.empty:
        return pd.DataFrame(
            columns=[
                "story",
                "claim_id",
                "n_outlets",
                "article_id",
                "field",
                "start_char",
                "end_char",
                "sentence",
            ]  # fmt: skip
        )
    counts = claims_table.groupby(["story", "claim_id", "outlet"]).size().unstack("outlet")
    covering = claims_table.groupby("story")["outlet"].agg(set)
    for (story, _), row in counts.iterrows():
        for outlet in counts.columns:
            if pd.isna(row[outlet]) and outlet in covering[story]:
                counts.loc[(story, _), outlet] = 0
    counts = counts.astype("Int64")
    first = claims_table.groupby(["story", "claim_id"]).agg(
        n_outlets=("n_outlets", "first"),
        article_id=("article_id", "first"),
        field=("field", "first"),
        start_char=("start_char", "first"),
        end_char=("end_char", "first"),
        sentence=("sentence", "first"),
    )
    out = first.join(counts).reset_index()
    out.columns.name = None
    return out.sort_values(["story", "n_outlets", "claim_id"], ascending=[True, False, True]).reset_index(
        drop=True
    )


@stage(
    provides="omissions",
    requires=("articles", "claims", "stories"),
    per_article=False,
    columns=OMISSION_COLUMNS,
)
def omissions(
    articles: pd.DataFrame,
    claims: pd.DataFrame,
    stories: pd.DataFrame | None = None,
    *,
    min_outlets: int = 1,
) -> pd.DataFrame:
    """List, per outlet, the claims that other outlets carry in a story it covers and it leaves out.

    An outlet covers a story when one of its ``ok`` articles is in it (stories table),
    whether or not that article has an eligible sentence; only comparable stories (two
    or more outlets) count, the stories :func:`claims` compares.

    Parameters
    ----------
    articles : pandas.DataFrame
        The articles (``article_id``; ``outlet``, ``status`` used when present).
    claims : pandas.DataFrame
        Output of :func:`claims` (needs ``claim_id, story, article_id, outlet`` and the
        evidence columns).
    stories : pandas.DataFrame, optional
        Output of :func:`analysis.framing.stories.stories`, the one given to :func:`claims`;
        computed from ``articles`` when None.
    min_outlets : int, default 1
        Report a claim only when at least this many other outlets carry it.

    Returns
    -------
    pandas.DataFrame
        ``outlet`` (the one omitting), ``story, claim_id, carried_by`` (outlets,
        ``;``-separated), ``n_outlets_carrying, shared_copy``, ``hedged`` (every sentence
        of the claim is hedged: speculation, usually less telling when omitted) and the evidence sentence
        from a carrying article: ``article_id, field, sentence_id, start_char, end_char,
        sentence``. Sorted by outlet, story, ``n_outlets_carrying`` descending, claim.
    """
    claims_table = claims
    missing = sorted({"claim_id", "story", "article_id", "outlet"} - set(claims_table.columns))
    if missing:
        raise ValueError(f"claims needs columns {missing}; got {list(claims_table.columns)}")
    if claims_table.empty:
        return pd.DataFrame(columns=OMISSION_COLUMNS)
    rows = ok_articles(articles, need=("article_id",))
    outlet = rows["outlet"].astype(str) if "outlet" in rows.columns else rows["article_id"]
    outlet_of = dict(zip(rows["article_id"], outlet, strict=True))
    # (story, outlet) pairs: an outlet covers a comparable story when one of its articles is in it
    story_of = comparable_stories(rows, stories)
    covering = pd.DataFrame({"story": story_of.to_numpy(), "outlet": story_of.index.map(outlet_of)})
    covering = covering.drop_duplicates()
    first = claims_table.sort_values(["claim_id", "article_id", "start_char"], kind="stable").drop_duplicates(
        "claim_id"
    )
    carriers = claims_table[["claim_id", "outlet"]].drop_duplicates().sort_values(["claim_id", "outlet"])
    by_claim = carriers.groupby("claim_id")["outlet"]
    info = pd.DataFrame({"carried_by": by_claim.agg(";".join), "n_outlets_carrying": by_claim.size()})
    info["shared_copy"] = (
        claims_table.groupby("claim_id")["shared_copy"].any().astype(bool)
        if "shared_copy" in claims_table
        else False
    )
    info["hedged"] = (
        claims_table.groupby("claim_id")["hedged"].all().astype(bool) if "hedged" in claims_table else False
    )
    evidence = ["article_id", "field", "sentence_id", "start_char", "end_char"]
    first = first[["claim_id", "story", *evidence, *(["sentence"] if "sentence" in first else [])]]
    first = first.merge(info, left_on="claim_id", right_index=True, how="left")
    first = first[first["n_outlets_carrying"] >= min_outlets]
    if "sentence" not in first:
        first = first.assign(sentence="")
    candidates = first.merge(covering, on="story", how="inner")
    carried = carriers.assign(_carries=True)
    candidates = candidates.merge(carried, on=["claim_id", "outlet"], how="left")
    out = candidates[candidates["_carries"].isna()]
    if out.empty:
        return pd.DataFrame(columns=OMISSION_COLUMNS)
    table = out[list(OMISSION_COLUMNS)]
    return table.sort_values(
        ["outlet", "story", "n_outlets_carrying", "claim_id"],
        ascending=[True, True, False, True],
        kind="stable",
    ).reset_index(drop=True)


def omission_counts(articles: pd.DataFrame, omissions: pd.DataFrame, stories: pd.DataFrame) -> pd.DataFrame:
    """Count, per comparable story and outlet, the claims other outlets carry that the outlet leaves out.

    Built from the same stories table as :func:`omissions` and
    :func:`analysis.framing.stories.story_summary`, so a page that prints both agrees.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` (``outlet``, ``status`` used when present).
    omissions : pandas.DataFrame
        Output of :func:`omissions` (``story, outlet, claim_id``).
    stories : pandas.DataFrame
        Output of :func:`analysis.framing.stories.stories`.

    Returns
    -------
    pandas.DataFrame
        ``story, articles, outlets`` (of the story, from the stories table), then one column
        per outlet of the ``ok`` articles: claims it leaves out (0 where none; missing where
        the outlet has no article in the story). One row per comparable story, sorted by story.
    """
    rows = ok_articles(articles, need=("article_id",))
    outlet = rows["outlet"].astype(str) if "outlet" in rows.columns else rows["article_id"]
    outlet_of = dict(zip(rows["article_id"], outlet, strict=True))
    outlets = sorted(set(outlet))
    story_of = comparable_stories(rows, stories)
    members = pd.DataFrame({"story": story_of.to_numpy(), "article_id": story_of.index})
    members["outlet"] = members["article_id"].map(outlet_of)
    counts = (
        omissions.groupby(["story", "outlet"])["claim_id"].nunique()
        if len(omissions)
        else pd.Series(dtype="int64")
    )
    out = []
    for story, group in members.groupby("story", sort=True):
        covering = set(group["outlet"])
        row: dict = {"story": story, "articles": len(group), "outlets": len(covering)}
        for name in outlets:
            row[name] = int(counts.get((story, name), 0)) if name in covering else pd.NA
        out.append(row)
    table = pd.DataFrame(out, columns=["story", "articles", "outlets", *outlets])
    return table.astype({name: "Int64" for name in outlets})
