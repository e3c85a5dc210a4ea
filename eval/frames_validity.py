"""Validity of the default frame codebook: per-frame precision/recall against hand labels, and prevalence.

Reads the hand labels in ``tests/data/frame_labels.csv`` (passages of the polnear ``train``
split and of the seeds, labelled for all 17 default frames; ``part`` = ``pre`` labelled
before the rules were written, ``post`` labelled after they froze), runs the codebook on
the articles (texts read from ``<repo>/../shared/corpora/polnear/articles`` and
``seeds/``), and counts a frame as predicted for a passage when one of its rule hits lies
inside the passage. Prints per-frame n, precision and recall with 95% Wilson intervals
for the post-freeze part and for all passages (one coder; most passages drawn by cue words
that are also rule words, so recall is flattered: the headline figures are those of the
random, twice-coded sample of ``eval/frames_validity_random.py``), then the share of polnear train articles
in which each frame fires, per publisher, with the flag of frames that fire in more than
80% or fewer than 5% of the articles.

    python eval/frames_validity.py                  # both tables
    python eval/frames_validity.py --no-prevalence  # the validity table only
    python eval/frames_validity.py --codebook my.yaml

Skips (exit 0, a message) when the polnear corpus is absent.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.annotate import annotate  # noqa: E402
from analysis.core.stats import wilson_interval  # noqa: E402
from analysis.framing.frames import (  # noqa: E402
    frame_evidence,
    frame_prevalence,
    frames,
    read_codebook,
)

POLNEAR = ROOT.parent / "shared" / "corpora" / "polnear" / "articles"
SEEDS = ROOT / "seeds"
LABELS = ROOT / "tests" / "data" / "frame_labels.csv"


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float, float]:
    """Return (proportion, low, high) of the Wilson score interval; NaNs when n == 0."""
    low, high = wilson_interval(k, n, z=z)
    return (k / n if n else float("nan")), low, high


def raw_articles(ids_by_corpus: dict[str, list[str]]) -> pd.DataFrame:
    """Articles as stored (no cleaning), so the label offsets index the ``text`` field."""
    meta = pd.read_csv(POLNEAR / "metadata.csv").set_index("article_id")
    rows = []
    for corpus, ids in ids_by_corpus.items():
        folder = POLNEAR if corpus == "polnear" else SEEDS
        for aid in sorted(set(ids)):
            outlet = meta.loc[aid, "outlet"] if corpus == "polnear" else "seeds"
            text = (folder / f"{aid}.txt").read_text("utf-8")
            rows.append({"article_id": aid, "outlet": outlet, "title": "", "text": text, "status": "ok"})
    return pd.DataFrame(rows)


def predictions(
    labels: pd.DataFrame, codebook, frame_names: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    arts = raw_articles(labels.groupby("corpus")["article_id"].apply(list).to_dict())
    ann = annotate(arts, n_process=1)
    ev = frame_evidence(arts, codebook=codebook, annotations=ann, fields=("text",))
    pred = pd.DataFrame(0, index=labels.index, columns=frame_names)
    by_article = {a: g for a, g in ev.groupby("article_id")}
    for i, row in labels.iterrows():
        hits = by_article.get(row["article_id"])
        if hits is None:
            continue
        inside = hits[(hits["match_start"] >= row["start"]) & (hits["match_end"] <= row["end"])]
        for frame in set(inside["frame"]) & set(frame_names):
            pred.loc[i, frame] = 1
    return pred, ev, arts


def errors(labels, pred, ev, arts, frame_names) -> None:
    """Print, per frame, the tuning part's false hits (with the words that fired) and misses."""
    text = arts.set_index("article_id")["text"]
    pre = labels["part"] == "pre"
    for frame in frame_names:
        print(f"\n=== {frame}")
        for kind, mask in (("FP", (pred[frame] == 1) & (labels[frame] == 0)),
                           ("FN", (pred[frame] == 0) & (labels[frame] == 1))):  # fmt: skip
            for i in labels.index[mask & pre]:
                r = labels.loc[i]
                hits = ev[(ev["article_id"] == r["article_id"]) & (ev["frame"] == frame)
                          & (ev["match_start"] >= r["start"]) & (ev["match_end"] <= r["end"])]  # fmt: skip
                words = ",".join(sorted(set(hits["match"].str.lower())))
                passage = " ".join(text[r["article_id"]][r["start"] : r["end"]].split())[:160]
                print(f"{kind} [{words}] {passage}")


def validity_table(labels: pd.DataFrame, pred: pd.DataFrame, frame_names: list[str]) -> pd.DataFrame:
    rows = []
    for frame in frame_names:
        gold, got = labels[frame].astype(int), pred[frame].astype(int)
        tp = int(((gold == 1) & (got == 1)).sum())
        p, p_lo, p_hi = wilson(tp, int(got.sum()))
        r, r_lo, r_hi = wilson(tp, int(gold.sum()))
        f1 = 2 * p * r / (p + r) if p + r > 0 else float("nan")
        rows.append(
            {"frame": frame, "n": len(labels), "positives": int(gold.sum()), "predicted": int(got.sum()),
             "precision": p, "precision_low": p_lo, "precision_high": p_hi,
             "recall": r, "recall_low": r_lo, "recall_high": r_hi, "f1": f1}
        )  # fmt: skip
    return pd.DataFrame(rows)


def show(table: pd.DataFrame, title: str) -> None:
    print(f"\n## {title}\n")
    print("| frame | n | positives | predicted | precision [95% CI] | recall [95% CI] | F1 |")
    print("|---|---|---|---|---|---|---|")
    for r in table.itertuples():
        print(
            f"| {r.frame} | {r.n} | {r.positives} | {r.predicted} | "
            f"{r.precision:.2f} [{r.precision_low:.2f}, {r.precision_high:.2f}] | "
            f"{r.recall:.2f} [{r.recall_low:.2f}, {r.recall_high:.2f}] | {r.f1:.2f} |"
        )
    tp = (table["precision"] * table["predicted"]).sum()
    micro_p, micro_r = tp / table["predicted"].sum(), tp / table["positives"].sum()
    print(
        f"\nmicro-averaged: precision {micro_p:.2f}, recall {micro_r:.2f}; "
        f"macro F1 {table['f1'].mean():.2f}"
    )


def prevalence(codebook) -> None:
    meta = pd.read_csv(POLNEAR / "metadata.csv")
    ids = meta.loc[meta["split"] == "train", "article_id"].tolist()
    arts = raw_articles({"polnear": ids})
    table = frames(arts, codebook=codebook, annotations=annotate(arts, n_process=1))
    prev = frame_prevalence(table).set_index("frame")
    share = (
        table.assign(fired=table["score"] > 0)
        .pivot_table(index="frame", columns="outlet", values="fired", aggfunc="mean", sort=False)
        .reindex(prev.index)
    )
    print(f"\n## Frame prevalence per publisher (polnear train, {len(arts)} articles): share of articles\n")
    outlets = list(share.columns)
    print("| frame | " + " | ".join(outlets) + " | all | flag |")
    print("|---|" + "---|" * (len(outlets) + 2))
    for frame, r in share.iterrows():
        cells = " | ".join(f"{r[o]:.2f}" for o in outlets)
        print(f"| {frame} | {cells} | {prev.loc[frame, 'share_with_frame']:.2f} | {prev.loc[frame, 'flag']} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--codebook", default=None, help="codebook to evaluate (default: the packaged one)")
    ap.add_argument("--no-prevalence", action="store_true")
    ap.add_argument("--errors", action="store_true", help="print the misses and false hits of the pre part")
    ap.add_argument("--part", choices=("pre", "post", "all"), default=None, help="only this part")
    args = ap.parse_args()
    if not POLNEAR.exists():
        print(f"skipped: {POLNEAR} not found (the development corpus sits next to the repository)")
        return
    info = read_codebook(args.codebook)
    frame_names = [f for f in info["frames"] if f in pd.read_csv(LABELS, nrows=0).columns]
    labels = pd.read_csv(LABELS)
    print(f"codebook: {info['name']} version {info['version']} ({len(info['frames'])} frames)")
    print(f"labels: {len(labels)} passages ({labels['part'].value_counts().to_dict()}), "
          f"{labels['corpus'].value_counts().to_dict()}")  # fmt: skip
    pred, ev, arts = predictions(labels, args.codebook, frame_names)
    if args.errors:
        errors(labels, pred, ev, arts, frame_names)
        return
    parts = [args.part] if args.part else ["post", "pre", "all"]
    for part in parts:
        mask = labels["part"].eq(part) if part != "all" else labels["part"].notna()
        if not mask.any():
            print(f"\n(no '{part}' passages)")
            continue
        n_cue = int(labels.loc[mask, "draw"].astype(str).str.startswith("cue").sum())
        title = {"post": f"labelled after the rules froze ({n_cue} of them cue-drawn; one coder)",
                 "pre": "labelled before the rules were written (used for tuning)",
                 "all": "all passages"}[part]  # fmt: skip
        show(validity_table(labels[mask], pred[mask], frame_names), f"Validity, {title}: {mask.sum()} passages")
        if part == "post":
            print("\n(cue-drawn passages flatter recall: the headline figures are those of a random sample, "
                  "eval/frames_validity_random.py)")
    if not args.no_prevalence:
        prevalence(args.codebook)


if __name__ == "__main__":
    main()
