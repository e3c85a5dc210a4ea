"""Split raw articles into blocks, give each a role, and keep only body text.

PLACEHOLDER: the first cut keeps every line as body; the real rules are being
written (see docs/architecture.md, "clean").
"""

from __future__ import annotations

import pandas as pd


def paragraphs(articles: pd.DataFrame) -> pd.DataFrame:
    """Split each article's ``raw_text`` into blocks with a role (placeholder: one block per line)."""
    rows = []
    for article_id, raw in zip(articles["article_id"], articles["raw_text"].fillna(""), strict=True):
        for position, line in enumerate(x for x in raw.split("\n") if x.strip()):
            role = "title" if position == 0 else "body"
            rows.append(
                {"article_id": article_id, "position": position, "role": role,
                 "kept": role == "body", "reason": "", "text": line.strip()}
            )
    return pd.DataFrame(rows, columns=["article_id", "position", "role", "kept", "reason", "text"])


def clean_articles(raw: pd.DataFrame) -> pd.DataFrame:
    """Add ``title``, ``title_derived`` and clean ``text`` to raw articles (placeholder)."""
    out = raw.copy()
    blocks = paragraphs(out)
    body = blocks[blocks["kept"]].groupby("article_id", sort=False)["text"].agg("\n\n".join)
    first = blocks[blocks["role"] == "title"].groupby("article_id", sort=False)["text"].first()
    out["text"] = out["article_id"].map(body).fillna("")
    has_title = out["title"].notna() & (out["title"].astype(str).str.strip() != "")
    out["title"] = out["title"].where(has_title, out["article_id"].map(first))
    out["title_derived"] = False
    return out
