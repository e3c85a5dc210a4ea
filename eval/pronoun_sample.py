"""List the PolNeAR pronoun sources of direct quotes drawn for ``tests/data/pronoun_sources_polnear.csv``.

Usage: ``python eval/pronoun_sample.py [--check]``

The sample rule: every attribution whose content holds a quotation mark and whose source is exactly
one of *he, she, him, her*; within each split, sorted by the SHA-1 of ``"<article_id>:<source_start>"``
(``source_start`` written as a float, e.g. ``"nyt_…:1234.0"``, as the loader returns it), the first 150 of
train and the first 100 of dev. Prints ids and offsets only. ``--check`` verifies that the committed
file holds exactly this sample.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas as pd  # noqa: E402
import polnear_quotes_data as P  # noqa: E402

PRONOUNS = ("he", "she", "him", "her")
SIZES = {"train": 150, "dev": 100}
FILE = P.REPO / "tests" / "data" / "pronoun_sources_polnear.csv"


def sample() -> pd.DataFrame:
    """Return ``split, article_id, source_start, source_end`` of the drawn pronoun sources."""
    a = P.attributions()
    direct = a["content_text"].fillna("").str.contains('["“”]')
    pron = a["source_text"].fillna("").str.lower().isin(PRONOUNS)
    a = a[direct & pron].copy()
    a["key"] = [
        hashlib.sha1(f"{aid}:{float(s)}".encode()).hexdigest()
        for aid, s in zip(a["article_id"], a["source_start"], strict=True)
    ]
    parts = [a[a["split"] == split].sort_values("key").head(n) for split, n in SIZES.items()]
    out = pd.concat(parts)[["split", "article_id", "source_start", "source_end"]]
    out[["source_start", "source_end"]] = out[["source_start", "source_end"]].astype(int)
    return out.sort_values(["split", "article_id", "source_start"]).reset_index(drop=True)


def main() -> None:
    """Print the sample, or check it against the committed file."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    if not P.available():
        print(f"PolNeAR not found at {P.CORPUS}; skipped")
        return
    s = sample()
    if args.check:
        have = pd.read_csv(FILE)[["split", "article_id", "source_start", "source_end"]]
        key = ["split", "article_id", "source_start", "source_end"]
        a = s.sort_values(key).reset_index(drop=True)
        b = have.sort_values(key).reset_index(drop=True)
        print("sample matches the committed file" if a.equals(b) else "MISMATCH")
        return
    print(s.to_csv(index=False), end="")


if __name__ == "__main__":
    main()
