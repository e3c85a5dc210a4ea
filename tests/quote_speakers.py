"""The speakers of one invented article's quotations, shared by the quote-speaker integration tests."""

from __future__ import annotations

import pandas as pd

import analysis


def speakers(text: str) -> list[tuple[str, str | None, str]]:
    """Return (quote, speaker_canonical, method) of the direct and partial quotes of one invented article."""
    arts = pd.DataFrame([{"article_id": "c1", "title": "", "text": text, "status": "ok", "outlet": "X"}])
    q = analysis.quotes(arts)
    q = q[q["kind"].isin(["direct", "partial"])]
    return [(r.quote, r.speaker_canonical, r.method) for r in q.itertuples(index=False)]


def speaker_of(text: str, words: str) -> str | None:
    """Return the canonical speaker of the quote that contains ``words``."""
    hits = [s for q, s, _ in speakers(text) if words in q]
    assert len(hits) == 1, speakers(text)
    return hits[0]
