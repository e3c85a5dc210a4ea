"""Claims left out: per outlet, what other outlets covering the same event carry (:func:`omissions`)."""

from __future__ import annotations

import pandas as pd

from analysis.core.stage import stage
from analysis.framing._evidence import ok_articles

OMISSION_COLUMNS = [
    "outlet", "event", "claim_id", "carried_by", "n_outlets_carrying", "shared_copy", "hedged",
    "article_id", "field", "sentence_id", "start_char", "end_char", "sentence",
]  # fmt: skip


def claim_matrix(claims_table: pd.DataFrame) -> pd.DataFrame:
    """Pivot a claims table into a claims x outlets matrix within each event.

    Parameters
    ----------
    claims_table : pandas.DataFrame
        Output of :func:`claims` (needs ``event, claim_id, outlet, sentence, n_outlets``).

    Returns
    -------
    pandas.DataFrame
        One row per claim: ``event, claim_id, n_outlets`` and the claim's first sentence
        (``article_id, field, start_char, end_char, sentence``), then one column per
        outlet with the number of sentences that carry it; ``0`` means the outlet
        covers the event but omits the claim, missing (NA) means it has no article on
        the event.
    """
    if claims_table.empty:
        return pd.DataFrame(
            columns=[
                "event",
                "claim_id",
                "n_outlets",
                "article_id",
                "field",
                "start_char",
                "end_char",
                "sentence",
            ]  # fmt: skip
        )
    counts = claims_table.groupby(["event", "claim_id", "outlet"]).size().unstack("outlet")
    covering = claims_table.groupby("event")["outlet"].agg(set)
    for (event, _), row in counts.iterrows():
        for outlet in counts.columns:
            if pd.isna(row[outlet]) and outlet in covering[event]:
                counts.loc[(event, _), outlet] = 0
    counts = counts.astype("Int64")
    first = claims_table.groupby(["event", "claim_id"]).agg(
        n_outlets=("n_outlets", "first"),
        article_id=("article_id", "first"),
        field=("field", "first"),
        start_char=("start_char", "first"),
        end_char=("end_char", "first"),
        sentence=("sentence", "first"),
    )
    out = first.join(counts).reset_index()
    out.columns.name = None
    return out.sort_values(["event", "n_outlets", "claim_id"], ascending=[True, False, True]).reset_index(
        drop=True
    )


@stage(provides="omissions", requires=("claims", "articles"), per_article=False)
def omissions(claims_table: pd.DataFrame, articles: pd.DataFrame, *, min_outlets: int = 1) -> pd.DataFrame:
    """List, per outlet, the claims that other outlets carry on the same event and it leaves out.

    Parameters
    ----------
    claims_table : pandas.DataFrame
        Output of :func:`claims` (needs ``claim_id, event, article_id, outlet`` and the
        evidence columns).
    articles : pandas.DataFrame
        The articles (``article_id``; ``outlet``, ``event``, ``status`` when present):
        an outlet covers an event when one of its ``ok`` articles is on it.
    min_outlets : int, default 1
        Report a claim only when at least this many other outlets carry it.

    Returns
    -------
    pandas.DataFrame
        ``outlet`` (the one omitting), ``event, claim_id, carried_by`` (outlets,
        ``;``-separated), ``n_outlets_carrying, shared_copy``, ``hedged`` (every sentence
        of the claim is hedged: speculation, usually less telling when omitted) and the evidence sentence
        from a carrying article: ``article_id, field, sentence_id, start_char, end_char,
        sentence``. Sorted by outlet, event, ``n_outlets_carrying`` descending, claim.
    """
    missing = sorted({"claim_id", "event", "article_id", "outlet"} - set(claims_table.columns))
    if missing:
        raise ValueError(f"claims_table needs columns {missing}; got {list(claims_table.columns)}")
    if claims_table.empty:
        return pd.DataFrame(columns=OMISSION_COLUMNS)
    rows = ok_articles(articles, need=("article_id",))
    outlet = rows["outlet"].astype(str) if "outlet" in rows.columns else rows["article_id"]
    outlet_of = dict(zip(rows["article_id"], outlet, strict=True))
    # (event, outlet) pairs: an outlet covers an event when one of its articles is on it
    on_event = claims_table.drop_duplicates("article_id")[["article_id", "event"]]
    aids = on_event["article_id"].astype(str)
    carrier = aids.map(outlet_of).fillna(aids)
    pairs = [pd.DataFrame({"event": on_event["event"].to_numpy(), "outlet": carrier.to_numpy()})]
    if "event" in rows.columns:  # articles on the event without any eligible sentence still cover it
        ev = rows["event"].where(rows["event"].map(lambda v: isinstance(v, str)))
        ev = ev.str.strip()
        known = ev.isin(set(on_event["event"]))
        pairs.append(pd.DataFrame({"event": ev[known].to_numpy(), "outlet": outlet[known].to_numpy()}))
    covering = pd.concat(pairs, ignore_index=True).drop_duplicates()
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
    first = first[["claim_id", "event", *evidence, *(["sentence"] if "sentence" in first else [])]]
    first = first.merge(info, left_on="claim_id", right_index=True, how="left")
    first = first[first["n_outlets_carrying"] >= min_outlets]
    if "sentence" not in first:
        first = first.assign(sentence="")
    candidates = first.merge(covering, on="event", how="inner")
    carried = carriers.assign(_carries=True)
    candidates = candidates.merge(carried, on=["claim_id", "outlet"], how="left")
    out = candidates[candidates["_carries"].isna()]
    if out.empty:
        return pd.DataFrame(columns=OMISSION_COLUMNS)
    table = out[OMISSION_COLUMNS]
    return table.sort_values(
        ["outlet", "event", "n_outlets_carrying", "claim_id"],
        ascending=[True, True, False, True],
        kind="stable",
    ).reset_index(drop=True)
