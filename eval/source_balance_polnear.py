"""Source balance per publisher (source type, affiliation, gender) on annotated PolNeAR articles.

Usage: ``python eval/source_balance_polnear.py [--split train|dev|sample]`` (default ``sample``: the
154 train articles of the hand-typed sample plus the 84 dev articles, the ones the evaluations parse).
Prints, per outlet, the share of quotes by source type and by gender (people only) with 95% bootstrap
intervals over articles, and the five most quoted affiliations.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas as pd  # noqa: E402
import polnear_quotes_data as P  # noqa: E402

import analysis  # noqa: E402


def main() -> None:
    """Print the balance tables."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="sample", choices=["train", "dev", "sample"])
    args = ap.parse_args()
    if not P.available():
        print(f"PolNeAR not found at {P.CORPUS}; skipped")
        return
    if args.split == "sample":
        ids = sorted(set(P.labels()["doc_id"]))
        arts = P.articles(ids=ids)
        arts = pd.concat([arts, P.articles(split="dev")], ignore_index=True)
    elif args.split == "train":
        arts = P.articles(split="train")
    else:
        arts = P.articles(split="dev")
    ann = analysis.annotate(arts)
    mentions = analysis.entity_mentions(arts, annotations=ann)
    q = analysis.quotes(arts, annotations=ann, mentions=mentions)
    q = analysis.corpus_typed(q, analysis.sources(arts, q))  # the corpus pass, as source_balance applies it
    bal = analysis.source_balance(arts, q)
    n_art = arts.groupby("outlet").size()
    other = q["source_type"].isin(["other", "unknown"]).mean()
    print(f"articles={len(arts)} quotes={len(q)}; other+unknown type share {other:.3f}")
    kinds = bal[bal["source_by"] == "kind"].groupby("source")[["n_quotes", "n_sources"]].sum()
    print("sources (once per article, a person's name variants merged), all outlets:")
    print(kinds.to_string())
    for level in ("kind", "source_type", "gender"):
        t = bal[bal["source_by"] == level]
        print(f"\n== share of quotes by {level} (95% bootstrap interval over articles)")
        cells = zip(t["share_quotes"], t["share_quotes_low"], t["share_quotes_high"], strict=True)
        wide = t.assign(cell=[f"{s:.2f} [{lo:.2f}, {hi:.2f}]" for s, lo, hi in cells])
        table = wide.pivot(index="outlet", columns="source", values="cell").fillna("0")
        table.insert(0, "quotes", t.groupby("outlet")["n_quotes"].sum())
        table.insert(0, "articles", n_art)
        print(table.to_string())
    t = bal[bal["source_by"] == "affiliation"]
    print("\n== top affiliations per outlet (share of quotes)")
    for outlet, g in t.groupby("outlet"):
        top = g.nlargest(6, "n_quotes")
        print(
            f"{outlet}: "
            + "; ".join(f"{s} {v:.2f}" for s, v in zip(top["source"], top["share_quotes"], strict=True))
        )


if __name__ == "__main__":
    main()
