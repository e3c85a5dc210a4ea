"""Frame validity on a random sample: two independent codings, Krippendorff's alpha, precision and recall.

Reads ``tests/data/frame_labels_random.csv``: passages drawn at random by
``eval/frames_sample_random.py`` (PolNeAR train and dev, 44 per publisher, at most one per article;
ids and offsets only), each coded for all 17 default frames by two coders who worked apart and saw
neither the codebook's rules nor each other's codes (``coder`` = ``A`` or ``B``), and the
``gold`` rows: where A and B agree, their code; where they differ, the code of a third pass that
read the passage, the frame definitions and both codes (still without the rules).

Prints, per frame: positives (gold), Krippendorff's alpha between A and B (nominal), precision and
recall of the codebook's rules against the gold with 95% intervals from a bootstrap over articles
(one passage per article, so this equals resampling passages), and against each coder alone;
frames with fewer than 10 gold positives are "too few to validate"; frames with alpha < .67 or
precision < .6 are "exploratory"; the script says whether the codebook's ``validity:`` marks
(``analysis/data/frames.yaml``) still agree with these statuses. ``--write`` replaces the frame
rows of the package's validation table (``analysis/data/validation.csv``, which the reports show
beside findings) with these figures.

    python eval/frames_validity_random.py
    python eval/frames_validity_random.py --write
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from frames_validity import POLNEAR, ROOT, predictions  # noqa: E402

from analysis.framing.frames import read_codebook  # noqa: E402

LABELS = ROOT / "tests" / "data" / "frame_labels_random.csv"
OUT = ROOT / "analysis" / "data" / "validation.csv"
MIN_POSITIVES = 10
ALPHA_MIN, PRECISION_MIN = 0.667, 0.6


def prf(gold: np.ndarray, got: np.ndarray) -> tuple[float, float]:
    """Return precision and recall (NaN when undefined)."""
    tp = float(((gold == 1) & (got == 1)).sum())
    p = tp / got.sum() if got.sum() else float("nan")
    r = tp / gold.sum() if gold.sum() else float("nan")
    return p, r


def boot(gold: np.ndarray, got: np.ndarray, clusters: np.ndarray, n: int = 2000, seed: int = 7):
    """Return 95% bootstrap intervals of precision and recall, resampling clusters (articles)."""
    rng = np.random.default_rng(seed)
    ids = np.unique(clusters)
    index = {c: np.flatnonzero(clusters == c) for c in ids}
    ps, rs = [], []
    for _ in range(n):
        take = np.concatenate([index[c] for c in rng.choice(ids, size=len(ids), replace=True)])
        p, r = prf(gold[take], got[take])
        ps.append(p)
        rs.append(r)
    q = lambda v: tuple(np.nanpercentile(v, [2.5, 97.5])) if np.isfinite(v).any() else (np.nan, np.nan)  # noqa: E731
    return q(np.array(ps)), q(np.array(rs))


def table(labels: pd.DataFrame, pred: pd.DataFrame, frames: list[str]) -> pd.DataFrame:
    """Per-frame validity figures (see the module docstring)."""
    wide = {c: g.set_index("pid").sort_index() for c, g in labels.groupby("coder")}
    a, b, gold = wide["A"], wide["B"], wide["gold"]
    pred = pred.loc[gold.index]
    clusters = gold["article_id"].to_numpy()
    rows = []
    for f in frames:
        g, y = gold[f].to_numpy(int), pred[f].to_numpy(int)
        alpha = krippendorff.alpha(reliability_data=np.vstack([a[f], b[f]]).astype(float),
                                   level_of_measurement="nominal") if (a[f].nunique() + b[f].nunique()) > 2 else np.nan
        p, r = prf(g, y)
        (p_lo, p_hi), (r_lo, r_hi) = boot(g, y, clusters)
        pa, ra = prf(a[f].to_numpy(int), y)
        pb, rb = prf(b[f].to_numpy(int), y)
        status = "too few to validate" if g.sum() < MIN_POSITIVES else (
            "exploratory" if (not alpha >= ALPHA_MIN) or (not p >= PRECISION_MIN) else "validated")
        rows.append({"frame": f, "n_passages": len(g), "positives": int(g.sum()), "predicted": int(y.sum()),
                     "alpha": alpha, "precision": p, "precision_low": p_lo, "precision_high": p_hi,
                     "recall": r, "recall_low": r_lo, "recall_high": r_hi,
                     "precision_coder_a": pa, "recall_coder_a": ra, "precision_coder_b": pb,
                     "recall_coder_b": rb, "status": status})
    return pd.DataFrame(rows)


def show(t: pd.DataFrame) -> None:
    """Print the table as Markdown."""
    print("| frame | positives | predicted | alpha (A, B) | precision [95% CI] | recall [95% CI] | "
          "P/R vs coder A | P/R vs coder B | status |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in t.itertuples():
        print(f"| {r.frame} | {r.positives} | {r.predicted} | {r.alpha:.2f} | "
              f"{r.precision:.2f} [{r.precision_low:.2f}, {r.precision_high:.2f}] | "
              f"{r.recall:.2f} [{r.recall_low:.2f}, {r.recall_high:.2f}] | "
              f"{r.precision_coder_a:.2f}/{r.recall_coder_a:.2f} | {r.precision_coder_b:.2f}/{r.recall_coder_b:.2f} | "
              f"{r.status} |")


def main() -> None:
    """Print the validity table on the random sample; ``--write`` stores it in the package."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    args = ap.parse_args()
    if not POLNEAR.exists():
        print(f"skipped: {POLNEAR} not found (the development corpus sits next to the repository)")
        return
    info = read_codebook(None)
    labels = pd.read_csv(LABELS)
    frames = [f for f in info["frames"] if f in labels.columns]
    passages = labels[labels["coder"] == "gold"].set_index("pid").sort_index()
    pred, _, _ = predictions(passages.assign(corpus="polnear"), None, frames)
    t = table(labels, pred, frames)
    n_a = labels["article_id"].nunique()
    print(f"codebook: {info['name']} version {info['version']}; {len(passages)} random passages from "
          f"{n_a} PolNeAR articles ({passages['split'].value_counts().to_dict()}), two coders + adjudication\n")
    show(t)
    gold_all = passages[frames].to_numpy(int)
    pred_all = pred.loc[passages.index, frames].to_numpy(int)
    micro_p, micro_r = prf(gold_all.ravel(), pred_all.ravel())
    (mp_lo, mp_hi), (mr_lo, mr_hi) = boot(gold_all.ravel(), pred_all.ravel(),
                                          np.repeat(passages["article_id"].to_numpy(), len(frames)))
    print(f"\nmicro-averaged against the gold ({gold_all.size:,} passage x frame decisions, 95% intervals over "
          f"articles): precision {micro_p:.2f} [{mp_lo:.2f}, {mp_hi:.2f}], recall {micro_r:.2f} "
          f"[{mr_lo:.2f}, {mr_hi:.2f}]; macro F1 over frames with >= {MIN_POSITIVES} positives "
          f"{(2 * t.precision * t.recall / (t.precision + t.recall))[t.positives >= MIN_POSITIVES].mean():.2f}")
    a = labels[labels.coder == "A"].set_index("pid").sort_index()[frames].to_numpy().ravel()
    b = labels[labels.coder == "B"].set_index("pid").sort_index()[frames].to_numpy().ravel()
    print(f"agreement A vs B over all frame decisions: {np.mean(a == b):.3f}")
    marks = {f: info["frames"][f]["validity"] for f in frames}
    differ = [f"{r.frame} (codebook: {marks[r.frame]}, measured: {r.status})" for r in t.itertuples()
              if marks[r.frame] != r.status]
    print("codebook validity marks (analysis/data/frames.yaml): "
          + ("agree with the statuses above" if not differ else "UPDATE " + "; ".join(differ)))
    if args.write:
        write(t, f"{len(passages)} random PolNeAR passages ({n_a} articles, 44 per publisher), "
                 "two independent AI coding passes + adjudication")
        print(f"\nwrote the frame rows of {OUT.relative_to(ROOT)}")


def write(t: pd.DataFrame, data: str) -> None:
    """Replace the ``frame`` rows of the validation table with precision, recall and alpha per frame."""
    table = pd.read_csv(OUT)
    rows = []
    for r in t.itertuples():
        for metric, fig, low, high, n in (("precision", r.precision, r.precision_low, r.precision_high, r.predicted),
                                          ("recall", r.recall, r.recall_low, r.recall_high, r.positives),
                                          ("alpha", r.alpha, np.nan, np.nan, r.n_passages)):
            rows.append({"measure": "frame", "category": r.frame, "metric": metric, "figure": fig, "low": low,
                         "high": high, "n": n, "data": f"{data}; {r.positives} with the frame",
                         "status": r.status, "reference": "docs/framing.md"})
    table = pd.concat([table[table["measure"] != "frame"], pd.DataFrame(rows)], ignore_index=True)
    table["n"] = table["n"].astype("Int64")
    table.to_csv(OUT, index=False, float_format="%.3f")

if __name__ == "__main__":
    main()
