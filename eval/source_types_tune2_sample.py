"""Draw the second tuning sample of PolNeAR sources (part ``tune2`` of ``source_types_polnear.csv``).

Usage: ``python eval/source_types_tune2_sample.py [--check] [--context]``

The sample rule: every PolNeAR **train** attribution whose source is not a bare pronoun (the list
below), in a train article that holds none of the sources typed before (parts ``tune`` and ``test``);
candidates sorted by ``(article_id, source_start, source_end)``, shuffled with ``random.Random(2612)``,
then the first source of each article in that order until ``SIZE`` articles are reached (one source
per article, so that the rules meet many articles). Prints ids and offsets only. ``--check`` verifies
that the committed ``tune2`` rows are exactly this sample. ``--context`` prints each span with its
sentence from the local corpus, for the annotator (never committed).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas as pd  # noqa: E402
import polnear_quotes_data as P  # noqa: E402

PRONOUNS = {
    "he", "she", "they", "we", "i", "it", "you", "him", "her", "them", "us", "me", "his", "hers",
    "their", "our", "my", "its", "your", "who", "which", "that", "this", "these", "those",
}  # fmt: skip
SIZE = 160
SEED = 2612


def sample() -> pd.DataFrame:
    """Return ``doc_id, source_start, source_end`` of the drawn sources."""
    a = P.attributions("train")
    a = a[a["source_text"].notna() & (a["source_text"].fillna("") != "")].copy()
    a = a[~a["source_text"].str.strip().str.lower().isin(PRONOUNS)]
    typed = P.labels()
    taken = set(typed.loc[typed["part"].isin(["tune", "test"]), "doc_id"])
    a = a[~a["article_id"].isin(taken)]
    a["source_start"] = a["source_start"].astype(int)
    a["source_end"] = a["source_end"].astype(int)
    a = a.drop_duplicates(["article_id", "source_start", "source_end"])
    rows = sorted(zip(a["article_id"], a["source_start"], a["source_end"], strict=True))
    random.Random(SEED).shuffle(rows)
    seen: set[str] = set()
    out = []
    for doc, s, e in rows:
        if doc in seen:
            continue
        seen.add(doc)
        out.append((doc, s, e))
        if len(out) == SIZE:
            break
    return pd.DataFrame(out, columns=["doc_id", "source_start", "source_end"])


def main() -> None:
    """Print the sample, check it against the committed file, or show it with context."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--context", action="store_true")
    args = ap.parse_args()
    if not P.available():
        print(f"PolNeAR not found at {P.CORPUS}; skipped")
        return
    s = sample()
    if args.check:
        lab = P.labels()
        got = lab.loc[lab["part"] == "tune2", ["doc_id", "source_start", "source_end"]]
        same = sorted(map(tuple, got.values.tolist())) == sorted(map(tuple, s.values.tolist()))
        print("tune2 rows equal the sample" if same else "tune2 rows DIFFER from the sample")
        sys.exit(0 if same else 1)
    if args.context:
        for i, r in enumerate(s.itertuples(index=False)):
            text = (P.CORPUS / "articles" / f"{r.doc_id}.txt").read_text(encoding="utf-8")
            lo = text.rfind("\n", 0, r.source_start) + 1
            hi = text.find("\n", r.source_end)
            hi = len(text) if hi < 0 else hi
            para = (
                text[lo : r.source_start]
                + "[["
                + text[r.source_start : r.source_end]
                + "]]"
                + text[r.source_end : hi]
            )
            print(f"## {i} {r.doc_id} {r.source_start} {r.source_end}\n{para[:900]}")
            words = [w for w in text[r.source_start : r.source_end].split() if w[:1].isupper()]
            first = text.find(words[-1].strip("',.")) if words else -1
            if 0 <= first < lo:
                print(f"   first: ...{text[max(0, first - 250) : first + 150]}...")
            print()
        return
    s.to_csv(sys.stdout, index=False)


if __name__ == "__main__":
    main()
