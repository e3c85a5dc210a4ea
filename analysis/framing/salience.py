"""Salience: where each entity and frame first appears (headline, lead, body) and its share of the headline.

Positions: ``headline`` is the ``title`` field; ``lead`` is the first ``lead_sentences``
sentences (default two) of the ``text`` field; everything after is ``body``. The
headline share of an item is the number of headline characters covered by its mentions
(entity spans, or the words that fired a frame rule; overlaps merged) divided by the
headline's length without surrounding whitespace.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.stage import need, stage
from analysis.framing._evidence import ok_articles

POSITIONS = ("headline", "lead", "body")
SALIENCE_COLUMNS: tuple[str, ...] = (
    "article_id", "outlet", "item_type", "item", "kind", "first_position", "in_headline", "in_lead",
    "n_mentions", "n_headline", "n_lead", "n_body", "headline_chars", "share_headline",
    "field", "sentence_id", "start_char", "end_char", "text",
)  # fmt: skip
SALIENCE_INPUT_COLUMNS = (
    "article_id",
    "field",
    "sentence_id",
    "start_char",
    "end_char",
    "text",
    "canonical",
    "kind",
)
SALIENCE_SUMMARY_COLUMNS: tuple[str, ...] = (
    "item_type", "item", "n_articles", "n_with_item", "share_in_headline", "share_in_lead",
    "share_first_in_body", "mean_share_headline",
)  # fmt: skip


def _spans_from_mentions(mentions: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in SALIENCE_INPUT_COLUMNS if c not in mentions.columns]
    if missing:
        raise ValueError(f"mentions need columns {missing}; got {list(mentions.columns)}")
    m = mentions[mentions["canonical"].notna() & (mentions["canonical"].astype(str).str.strip() != "")]
    return pd.DataFrame(
        {
            "article_id": m["article_id"].astype(str).to_numpy(),
            "item_type": "entity",
            "item": m["canonical"].astype(str).to_numpy(),
            "kind": m["kind"].astype(str).to_numpy(),
            "field": m["field"].to_numpy(),
            "sentence_id": m["sentence_id"].astype(int).to_numpy(),
            "start_char": m["start_char"].astype(int).to_numpy(),
            "end_char": m["end_char"].astype(int).to_numpy(),
            "text": m["text"].astype(str).to_numpy(),
        }
    )


def _spans_from_frames(frames: pd.DataFrame) -> pd.DataFrame:
    need = ["article_id", "field", "sentence_id", "frame", "match_start", "match_end"]
    missing = [c for c in need if c not in frames.columns]
    if missing:
        raise ValueError(
            f"frames must be a frame_evidence() table (one row per rule hit); missing {missing}, "
            f"got {list(frames.columns)}"
        )
    kind = frames["frame_type"] if "frame_type" in frames.columns else pd.Series("", index=frames.index)
    text = frames["match"] if "match" in frames.columns else pd.Series("", index=frames.index)
    return pd.DataFrame(
        {
            "article_id": frames["article_id"].astype(str).to_numpy(),
            "item_type": "frame",
            "item": frames["frame"].astype(str).to_numpy(),
            "kind": kind.astype(str).to_numpy(),
            "field": frames["field"].to_numpy(),
            "sentence_id": frames["sentence_id"].astype(int).to_numpy(),
            "start_char": frames["match_start"].astype(int).to_numpy(),
            "end_char": frames["match_end"].astype(int).to_numpy(),
            "text": text.astype(str).to_numpy(),
        }
    )


@stage(
    provides="salience",
    requires=("articles", "mentions", "_frame_evidence"),
    bind={"frames": "_frame_evidence"},
    columns=SALIENCE_COLUMNS,
)
def salience(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    frames: pd.DataFrame,
    lead_sentences: int = 2,
) -> pd.DataFrame:
    """Locate where each entity and frame first appears in each article and how much headline it takes.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``; ``title``, ``outlet`` and ``status`` are used
        when present (only ``status == 'ok'`` rows).
    mentions : pandas.DataFrame
        Entity mentions with ``article_id, field, sentence_id, start_char, end_char,
        text, canonical, kind`` (the :func:`analysis.entity_mentions` contract). Required
        (``analysis.salience(articles)`` computes it, and the frame rule hits).
    frames : pandas.DataFrame
        Frame rule hits from :func:`analysis.framing.frames.frame_evidence` (needs
        ``article_id, field, sentence_id, frame, match_start, match_end``; the pipeline
        passes its ``_frame_evidence`` table). Required.
    lead_sentences : int, default 2
        Sentences of the body that form the lead.

    Returns
    -------
    pandas.DataFrame
        One row per article and item: ``article_id, outlet, item_type`` (entity/frame),
        ``item`` (canonical name or frame), ``kind`` (entity kind or frame type),
        ``first_position`` (headline/lead/body), ``in_headline, in_lead``,
        ``n_mentions, n_headline, n_lead, n_body``, ``headline_chars`` and
        ``share_headline`` (0..1, 0 without a headline), and the evidence of the first
        appearance: ``field, sentence_id, start_char, end_char, text``. Sorted by
        article, item type, position, offset.
    """
    if lead_sentences < 0:
        raise ValueError(f"lead_sentences must be >= 0, got {lead_sentences}")
    rows = ok_articles(articles)
    ids = set(rows["article_id"])
    parts = []
    mentions = need(mentions, "mentions=", "salience")
    frames = need(frames, "frames= (the frame_evidence table)", "salience")
    if len(mentions):
        parts.append(_spans_from_mentions(mentions))
    if len(frames):
        parts.append(_spans_from_frames(frames))
    if not parts:
        return pd.DataFrame(columns=SALIENCE_COLUMNS)
    spans = pd.concat(parts, ignore_index=True)
    spans = spans[spans["article_id"].isin(ids) & spans["field"].isin(["title", "text"])]
    if spans.empty:
        return pd.DataFrame(columns=SALIENCE_COLUMNS)
    spans["position"] = np.where(
        spans["field"] == "title",
        "headline",
        np.where(spans["sentence_id"] < lead_sentences, "lead", "body"),
    )
    spans["_rank"] = spans["position"].map({p: i for i, p in enumerate(POSITIONS)})
    spans = spans.sort_values(["article_id", "item_type", "item", "_rank", "start_char"], kind="stable")
    keys = ["article_id", "item_type", "item"]
    first = spans.drop_duplicates(keys).set_index(keys)
    counts = spans.groupby(keys + ["position"], sort=False).size().unstack("position", fill_value=0)
    counts = counts.reindex(columns=list(POSITIONS), fill_value=0)
    head = spans[spans["position"] == "headline"].sort_values(keys + ["start_char"], kind="stable")
    # characters covered by overlapping spans: each span adds what lies beyond the furthest end before it
    by_item = [head[k] for k in keys]
    reach = head.groupby(by_item, sort=False)["end_char"].cummax()
    before = reach.groupby(by_item, sort=False).shift().fillna(-1).to_numpy()
    gain = np.clip(head["end_char"].to_numpy() - np.maximum(head["start_char"].to_numpy(), before), 0, None)
    head_chars = pd.Series(gain, index=head.index).groupby(by_item).sum()
    title = rows.set_index("article_id")["title"] if "title" in rows.columns else pd.Series(dtype=object)
    title_len = title.map(lambda v: len(v.strip()) if isinstance(v, str) else 0)
    table = first.reset_index()[keys]
    idx = pd.MultiIndex.from_frame(table)
    if "outlet" in rows.columns:
        table["outlet"] = table["article_id"].map(rows.set_index("article_id")["outlet"].astype(str))
    else:
        table["outlet"] = ""
    table["kind"] = first["kind"].to_numpy()
    table["first_position"] = first["position"].to_numpy()
    for pos in POSITIONS:
        table[f"n_{pos}"] = counts.reindex(idx)[pos].to_numpy().astype(int)
    table["n_mentions"] = table["n_headline"] + table["n_lead"] + table["n_body"]
    table["in_headline"] = table["n_headline"] > 0
    table["in_lead"] = table["n_lead"] > 0
    table["headline_chars"] = head_chars.reindex(idx).fillna(0).astype(int).to_numpy()
    length = table["article_id"].map(title_len).fillna(0).to_numpy(dtype=float)
    share = np.divide(
        table["headline_chars"].to_numpy(dtype=float), length, out=np.zeros(len(table)), where=length > 0
    )
    table["share_headline"] = np.minimum(share, 1.0)
    for col in ["field", "sentence_id", "start_char", "end_char", "text"]:
        table[col] = first[col].to_numpy()
    table = table[list(SALIENCE_COLUMNS)]
    table["_rank"] = table["first_position"].map({p: i for i, p in enumerate(POSITIONS)})
    table = table.sort_values(
        ["article_id", "item_type", "_rank", "field", "start_char", "item"], kind="stable"
    )
    return table.drop(columns="_rank").reset_index(drop=True)


def salience_summary(table: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Summarise a :func:`salience` table per group and item.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`salience`.
    articles : pandas.DataFrame
        The articles (``article_id`` and the column ``by``), to count each group's articles.
    by : str, default "outlet"
        Grouping column of ``articles``.

    Returns
    -------
    pandas.DataFrame
        ``<by>, item_type, item, n_articles`` (in the group), ``n_with_item``,
        ``share_in_headline, share_in_lead, share_first_in_body`` (of the group's
        articles) and ``mean_share_headline`` (over the group's articles, 0 where absent).
    """
    rows = ok_articles(articles, need=("article_id", by))
    group_of = dict(zip(rows["article_id"], rows[by].astype(str), strict=True))
    n_group = rows[by].astype(str).value_counts()
    t = table.assign(_group=table["article_id"].astype(str).map(group_of))
    t = t[t["_group"].notna()]
    out = []
    for (group, itype, item), g in t.groupby(["_group", "item_type", "item"], sort=True):
        n = int(n_group[group])
        out.append(
            {
                by: group,
                "item_type": itype,
                "item": item,
                "n_articles": n,
                "n_with_item": g["article_id"].nunique(),
                "share_in_headline": g["in_headline"].sum() / n,
                "share_in_lead": g["in_lead"].sum() / n,
                "share_first_in_body": (g["first_position"] == "body").sum() / n,
                "mean_share_headline": g["share_headline"].sum() / n,
            }
        )
    return pd.DataFrame(out, columns=[by, *SALIENCE_SUMMARY_COLUMNS])
