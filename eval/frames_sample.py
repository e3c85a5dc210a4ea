"""Draw candidate passages for hand-labelling the default frames (ids and offsets only).

Passages are paragraphs (blank-line separated) of the polnear ``train`` split and of the
seeds. A stratified draw: for each frame, a few paragraphs that contain one of a handful
of cue words (for recall of rare frames), plus paragraphs drawn at random. Each drawn
passage is then labelled by hand for ALL frames. The cue words here are deliberately
not the codebook's rules.

    python eval/frames_sample.py --part pre --per-frame 8 --random 40 --seed 1 > /tmp/cands.tsv
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "corpora" / "polnear" / "articles"
SEEDS = ROOT / "seeds"

CUES = {
    "conflict": r"\b(attack|feud|fight|spar|slam|battle)\w*",
    "human_interest": r"\b(mother|daughter|tears|family|grew up|story of)\b",
    "responsibility": r"\b(blame|responsib|accountab|fault)\w*",
    "economic": r"\b(economy|jobs|tax|wage|trade|budget)\w*",
    "morality": r"\b(moral|god|church|faith|values|decency)\w*",
    "capacity_resources": r"\b(shortage|resources|staff|capacity|underfunded|backlog)\w*",
    "fairness_equality": r"\b(equal|unfair|discriminat|inequality|rigged|gender gap)\w*",
    "legality": r"\b(court|constitution|lawsuit|judge|ruling|illegal)\w*",
    "policy_prescription": r"\b(plan|proposal|policy|would repeal|legislation)\w*",
    "crime_punishment": r"\b(crime|prison|police|arrest|convicted|criminal)\w*",
    "security_defense": r"\b(terror|isis|military|national security|border)\w*",
    "health_safety": r"\b(health|obamacare|disease|zika|opioid|gun violence)\w*",
    "quality_of_life": r"\b(housing|commute|neighborhood|standard of living|quality of life|afford)\w*",
    "cultural_identity": r"\b(heritage|tradition|culture|identity|american values|muslim)\w*",
    "public_opinion": r"\b(poll|survey|voters say|percent of)\w*",
    "political": r"\b(campaign|primary|delegate|nominee|senate)\w*",
    "external_regulation": r"\b(allies|international|foreign leaders|treaty|world|reputation abroad)\w*",
}

#: Second, stronger cues for the frames rare in campaign news (a targeted draw for 20 positives each).
RARE_CUES = {
    "quality_of_life": r"\b(quality of life|afford\w*|housing|rent|commute|neighborhood|living wage|retire\w*|child care|paid leave|student debt|homeless\w*)\b",
    "capacity_resources": r"\b(shortage|understaff\w*|staff(ing|ers)?|resources|capacity|backlog|volunteers|infrastructure|overwhelmed|lack of)\b",
    "morality": r"\b(moral\w*|god|pray\w*|church|evangelical|faith|sin|evil|ethic\w*|decen\w*|conscience|abortion)\b",
    "health_safety": r"\b(health|obamacare|disease|zika|opioid|overdose|hospital|medical|safety|medicare|insurance)\b",
    "crime_punishment": r"\b(crime|criminal|prison|police|arrest\w*|convicted|sentenc\w*|prosecut\w*|murder\w*)\b",
    "human_interest": r"\b(grew up|his wife|her husband|her mother|his father|tears|cried|childhood|personal|emotional)\b",
    "cultural_identity": r"\b(heritage|tradition\w*|culture|cultural|identity|latino|hispanic|evangelical|christian|muslim\w*|jewish)\b",
    "responsibility": r"\b(blame\w*|responsib\w*|accountab\w*|fault|failed to|to solve|solution)\b",
    "fairness_equality": r"\b(equal\w*|unfair\w*|discriminat\w*|inequality|rigged|civil rights|racis\w*|sexis\w*)\b",
    "legality": r"\b(court|constitution\w*|lawsuit|judge|ruling|illegal\w*|unconstitutional|statute)\b",
}
#: Third draw, for the two frames still short of 20 positives after the first two.
RARE_CUES_2 = {
    "quality_of_life": r"\b(struggl\w*|paycheck\w*|middle[- ]class|working families|cost of living|daily lives|everyday|afford\w*|child care|student (loan|debt)\w*|clean water|flint)\b",
    "capacity_resources": r"\b(underfund\w*|funding|budget cuts?|not enough|shortage\w*|strain\w*|overburden\w*|wait(ing)? (times|lists?)|manpower|equipment|hire more|ill-equipped|lack(s|ed)? the)\b",
}

def paragraphs(text: str):
    for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        start, end = m.start(), m.end()
        seg = text[start:end]
        lead = len(seg) - len(seg.lstrip())
        yield start + lead, start + len(seg.rstrip())


def passages() -> list[tuple[str, str, int, int, str]]:
    out = []
    meta = pd.read_csv(POLNEAR / "metadata.csv")
    for aid in sorted(meta.loc[meta["split"] == "train", "article_id"]):
        text = (POLNEAR / f"{aid}.txt").read_text("utf-8")
        for k, (s, e) in enumerate(paragraphs(text)):
            if k == 0 or not 120 <= e - s <= 900:  # skip the headline and very short/long paragraphs
                continue
            out.append(("polnear", aid, s, e, text[s:e]))
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text("utf-8")
        for s, e in paragraphs(text):
            if 120 <= e - s <= 900:
                out.append(("seeds", path.stem, s, e, text[s:e]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", default="pre")
    ap.add_argument("--per-frame", type=int, default=8)
    ap.add_argument("--random", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seed-passages", type=int, default=15, help="random paragraphs of the seeds")
    ap.add_argument("--rare", action="store_true", help="use RARE_CUES (a targeted draw)")
    ap.add_argument("--rare2", action="store_true", help="use RARE_CUES_2 (a second targeted draw)")
    ap.add_argument("--exclude", help="CSV of passages already labelled (article_id,start)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pool = passages()
    seen = set()
    if args.exclude:
        done = pd.read_csv(args.exclude)
        seen = set(zip(done["article_id"], done["start"], strict=True))
    pool = [p for p in pool if (p[1], p[2]) not in seen]
    picked: dict[tuple, str] = {}
    for frame, cue in (RARE_CUES_2 if args.rare2 else RARE_CUES if args.rare else CUES).items():
        hits = [p for p in pool if re.search(cue, p[4], re.I) and (p[1], p[2]) not in picked]
        for p in rng.sample(hits, min(args.per_frame, len(hits))):
            picked[(p[1], p[2])] = f"cue:{frame}"
    seeds = [p for p in pool if p[0] == "seeds" and (p[1], p[2]) not in picked]
    for p in rng.sample(seeds, min(args.seed_passages, len(seeds))):
        picked[(p[1], p[2])] = "seeds"
    rest = [p for p in pool if (p[1], p[2]) not in picked]
    for p in rng.sample(rest, args.random):
        picked[(p[1], p[2])] = "random"
    rows = [p for p in pool if (p[1], p[2]) in picked]
    rng.shuffle(rows)
    w = sys.stdout
    for corpus, aid, s, e, text in rows:
        w.write(f"{corpus}\t{aid}\t{s}\t{e}\t{picked[(aid, s)]}\t{args.part}\t{' '.join(text.split())}\n")


if __name__ == "__main__":
    main()
