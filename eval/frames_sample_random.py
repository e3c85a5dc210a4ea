"""Draw a random, outlet-stratified sample of passages for validating the frame codebook.

Passages are paragraphs (as in ``eval/frames_sample.py``: blank-line separated, 120–900 characters,
the headline left out) of PolNeAR train and dev articles. The draw is random: the same number of
passages per publisher, at most one passage per article, none already in ``tests/data/frame_labels.csv``.
No cue words are involved, so the sample estimates precision and recall for news of this kind without
the flattering of a keyword draw. Output: ids and offsets (TSV on stdout), and with ``--coder-file`` a
file holding the passage texts for coders (written outside the repository; never commit it).

    python eval/frames_sample_random.py --n 308 --seed 2026 > /tmp/framecode/sample.tsv
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from frames_sample import POLNEAR, ROOT, paragraphs  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=308, help="passages in all (split evenly over publishers)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--coder-file", help="write id<TAB>text here for the coders (outside the repository)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    meta = pd.read_csv(POLNEAR / "metadata.csv")
    meta = meta[meta["split"].isin(["train", "dev"])]
    done = pd.read_csv(ROOT / "tests" / "data" / "frame_labels.csv")
    seen = set(zip(done["article_id"], done["start"], strict=True))
    outlets = sorted(meta["outlet_code"].unique())
    per_outlet = -(-args.n // len(outlets))
    rows = []
    for code in outlets:
        ids = sorted(meta.loc[meta["outlet_code"] == code, "article_id"])
        rng.shuffle(ids)
        taken = 0
        for aid in ids:
            if taken == per_outlet:
                break
            text = (POLNEAR / f"{aid}.txt").read_text("utf-8")
            paras = [(s, e) for k, (s, e) in enumerate(paragraphs(text))
                     if k > 0 and 120 <= e - s <= 900 and (aid, s) not in seen]
            if not paras:
                continue
            s, e = rng.choice(paras)
            split = meta.loc[meta["article_id"] == aid, "split"].iloc[0]
            rows.append((aid, code, split, s, e, " ".join(text[s:e].split())))
            taken += 1
    rng.shuffle(rows)
    print("pid\tarticle_id\toutlet_code\tsplit\tstart\tend")
    for k, (aid, code, split, s, e, _) in enumerate(rows):
        print(f"r{k:03d}\t{aid}\t{code}\t{split}\t{s}\t{e}")
    if args.coder_file:
        with open(args.coder_file, "w", encoding="utf-8") as fh:
            for k, row in enumerate(rows):
                fh.write(f"r{k:03d}\t{row[5]}\n")


if __name__ == "__main__":
    main()
