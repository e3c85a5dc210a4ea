"""One-word person names left beside a full name of the same article, on PolNeAR train.

Usage: ``python eval/single_names_polnear.py [--split train|dev] [--show]``

For each article, the person mentions of ``analysis.entity_mentions`` whose canonical name is one
word are compared with the article's full (two or more words) person names: *left* when exactly one
full name starts or ends with that word (it should have been linked), *namesakes* when two or more
do (kept apart on purpose unless an honorific tells them apart). Counts are (article, name) pairs and
their mentions.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import polnear_quotes_data as P  # noqa: E402

import analysis  # noqa: E402
from analysis.measures.entities.names import name_key  # noqa: E402


def main() -> None:
    """Print the counts (and the names with ``--show``)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train", choices=["train", "dev"])
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    if not P.available():
        print(f"PolNeAR not found at {P.CORPUS}; skipped")
        return
    arts = P.articles(split=args.split)
    m = analysis.entity_mentions(arts, annotations=analysis.annotate(arts))
    m = m[m["kind"] == "person"]
    left, namesakes, single = [], [], 0
    for aid, g in m.groupby("article_id"):
        canon = set(g["canonical"])
        full = [c for c in canon if len(name_key(c).split()) >= 2]
        for c in sorted(canon):
            w = name_key(c).split()
            if len(w) != 1:
                continue
            single += 1
            hits = [f for f in full if w[0] in (name_key(f).split()[-1], name_key(f).split()[0])]
            n = int((g["canonical"] == c).sum())
            if len(hits) == 1:
                left.append((aid, c, hits[0], n))
            elif hits:
                namesakes.append((aid, c, hits, n))
    print(f"split={args.split} articles={len(arts)} one-word person names (article, name)={single}")
    print(f"left beside the one full name of the article: {len(left)} ({sum(x[3] for x in left)} mentions)")
    print(f"namesakes (two or more full names): {len(namesakes)} ({sum(x[3] for x in namesakes)} mentions)")
    if args.show:
        for x in left:
            print("  left", *x)


if __name__ == "__main__":
    main()
