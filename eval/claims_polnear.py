"""Claims and omissions row counts on the PolNeAR development corpus (sentences from spaCy's sentencizer).

Claims need sentences; to stay fast this script splits the texts with spaCy's rule-based
``sentencizer`` (no model), so its counts are for those sentences, not the parser's. Run
from the repo root::

    PYTHONPATH=. .venv/bin/python eval/claims_polnear.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stories_polnear import CORPUS, polnear_articles  # noqa: E402

from analysis.framing.claims import claims, omissions  # noqa: E402
from analysis.framing.stories import stories, story_summary  # noqa: E402


def sentencizer_sentences(arts: pd.DataFrame) -> pd.DataFrame:
    """Return ``article_id, field, sentence_id, start_char, end_char, text`` of each article's text."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    rows = []
    for aid, doc in zip(arts["article_id"], nlp.pipe(arts["text"].tolist(), batch_size=64), strict=True):
        for i, s in enumerate(doc.sents):
            rows.append((aid, "text", i, s.start_char, s.end_char, s.text))
    return pd.DataFrame(
        rows, columns=["article_id", "field", "sentence_id", "start_char", "end_char", "text"]
    )


def main() -> int:
    """Print the figures; return the exit status."""
    if not (CORPUS / "metadata.csv").exists():
        print(f"skipped: {CORPUS} not found")
        return 0
    arts = polnear_articles()
    sents = sentencizer_sentences(arts)
    hedges = pd.DataFrame({"article_id": [], "field": [], "sentence_id": pd.Series(dtype="int64")})
    table = stories(arts)
    summary = story_summary(arts, table)
    found = claims(arts, sents, hedges, table)
    left_out = omissions(arts, found, table)
    print(f"{len(arts)} articles, {len(sents)} sentences (sentencizer)")
    print(
        f"comparable stories: {int(summary['comparable'].sum())}, "
        f"articles in them: {int(table['comparable'].sum())}"
    )
    print(
        f"claims rows: {len(found)} ({found['claim_id'].nunique()} claims, "
        f"{int((found.groupby('claim_id')['outlet'].nunique() >= 2).sum())} carried by >= 2 outlets)"
    )
    print(f"omissions rows: {len(left_out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
