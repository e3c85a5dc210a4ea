"""Canonical entities on the PolNeAR development corpus (924 US articles, 7 outlets).

Prints, for the New York Times, the mentions of the canonical Donald Trump per
1,000 words without and with linking across articles (``entity_frequencies(...,
link=False/True)``), whether the name variants of Donald Trump and Hillary
Clinton (full name, middle initial or middle name, honorific + surname, surname
alone) end under one canonical name, and the top 10 canonical entities per
outlet.

Run from the repository root (the corpus is read from ``../shared/corpora``)::

    PYTHONPATH=. python eval/entities_polnear.py [--n-boot 100]

The first run parses the 924 articles with spaCy (cached afterwards).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

import analysis
from analysis.measures.entities import CORPUS_ROWS, link_across_articles, name_key

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "polnear" / "articles"
NYT = "New York Times"


def _person(freq: pd.DataFrame, outlet: str, first: str, last: str) -> pd.DataFrame:
    """Rows of ``outlet`` for people named ``first`` ... ``last``, or ``last`` alone."""
    rows = freq[freq["outlet"] == outlet]
    keys = rows["canonical"].map(lambda c: name_key(c).split())
    hit = keys.map(lambda k: (k[:1] == [first] and k[-1:] == [last]) or k == [last])
    return rows[hit][["canonical", "kind", "count", "per_1000_words"]]


def _variants(articles: pd.DataFrame, mentions: pd.DataFrame, last: str) -> pd.DataFrame:
    """How each printed form ending in ``last`` (with the honorific before it) is resolved, NYT only."""
    texts = dict(zip(articles["article_id"].astype(str), articles["text"].fillna(""), strict=True))
    nyt_ids = set(articles.loc[articles["outlet"] == NYT, "article_id"].astype(str))
    m = mentions[
        mentions["article_id"].astype(str).isin(nyt_ids)
        & (mentions["field"] == "text")
        & mentions["text"].map(lambda t: name_key(t).split()[-1:] == [last])
    ]
    before = [
        (re.search(r"(Mr|Mrs|Ms|Dr|Sen|Gov)\.?(?=\s*$)", texts[str(a)][max(0, s - 6) : s]) or [None])[0]
        for a, s in zip(m["article_id"], m["start_char"], strict=True)
    ]
    forms = m["text"].where(
        pd.Series(before, index=m.index).isna(), pd.Series(before, index=m.index) + " " + m["text"]
    )
    table = pd.DataFrame({"form": forms, "canonical": m["canonical"]})
    return table.value_counts().rename("n").reset_index().sort_values("n", ascending=False)


def main(argv: list[str] | None = None) -> int:
    """Print the figures; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-boot", type=int, default=100)
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"corpus not found: {CORPUS} (clone the repository next to shared/)", file=sys.stderr)
        return 0
    articles = analysis.load_corpus(CORPUS)
    ok = articles[articles["status"] == "ok"]
    ann = analysis.annotate(ok)
    mentions = analysis.entity_mentions(ok, annotations=ann)
    n_words = int(ok.loc[ok["outlet"] == NYT, "n_words"].sum()) if "n_words" in ok else None
    print(
        f"{len(ok)} ok articles, {len(mentions)} mentions; {NYT}: {int((ok['outlet'] == NYT).sum())} "
        f"articles, {n_words} words"
    )
    kw = {"by": "outlet", "sentences": ann.sentences, "n_boot": args.n_boot}
    unlinked = analysis.entity_frequencies(ok, mentions, link=False, **kw)
    linked = analysis.entity_frequencies(ok, mentions, link=True, **kw)
    pd.set_option("display.width", 160)
    for label, freq in (("within each article only (link=False)", unlinked), ("linked (default)", linked)):
        print(f"\n## {NYT}: Donald Trump, {label}")
        print(_person(freq, NYT, "donald", "trump").to_string(index=False))
        print(f"\n## {NYT}: Hillary Clinton, {label}")
        print(_person(freq, NYT, "hillary", "clinton").to_string(index=False))
    linked_mentions = link_across_articles(ok, mentions, by="outlet")
    for last in ("trump", "clinton"):
        print(f"\n## {NYT}: printed forms ending in {last!r} and their linked canonical name (top 12)")
        print(_variants(ok, linked_mentions, last).head(12).to_string(index=False))
    print("\n## top 10 canonical entities per outlet (linked)")
    rows = linked[linked["outlet"] != CORPUS_ROWS]
    for outlet, part in rows.groupby("outlet"):
        top = part.nlargest(10, "count")
        print(
            f"- {outlet}: "
            + "; ".join(
                f"{c} ({k}) {n}" for c, k, n in zip(top["canonical"], top["kind"], top["count"], strict=True)
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
