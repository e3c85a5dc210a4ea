"""Accuracy of source typing (type, affiliation, gender) on the hand-typed PolNeAR sources.

Usage: ``python eval/sources_polnear.py [--part test|tune|tune2|tunes|all] [--show]``

``tunes`` is ``tune`` and ``tune2`` together (the rows rules may be tuned on).

Each labelled source span (``tests/data/source_types_polnear.csv``) is resolved and typed as the
quotes stage types a speaker phrase; accuracy per field with a 95% Wilson interval. Affiliation is
compared case-insensitively ("" = none given). Gender is scored on the rows whose gold is one person
(male/female/unknown) and, separately, person-vs-not on all rows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import polnear_quotes_data as P  # noqa: E402

import analysis  # noqa: E402
from analysis.core.stats import wilson_interval  # noqa: E402
from analysis.framing.quotes.fields import field_groups, field_texts  # noqa: E402
from analysis.framing.quotes.lexicon import default_lexicon  # noqa: E402
from analysis.framing.quotes.sources import ArticleSources  # noqa: E402
from analysis.framing.quotes.speakers import Resolver, article_mentions  # noqa: E402


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Return the 95% Wilson score interval of k successes in n."""
    return wilson_interval(k, n, z=z)


def predict(labels):
    """Type every labelled span; return the labels with ``pred_*`` columns."""
    arts = P.articles(ids=sorted(set(labels["doc_id"])))
    ann = analysis.annotate(arts)
    mentions = analysis.entity_mentions(arts, annotations=ann)
    groups = dict(field_groups(ann.tokens, field_texts(arts), article_mentions(mentions)))
    lex = default_lexicon()
    out = labels.copy()
    preds = []
    for r in labels.itertuples(index=False):
        fields = groups[r.doc_id]
        f = next(x for x in fields if x.name == "text")
        res = Resolver(fields, lex)
        art = ArticleSources(fields)
        head = art._head(f, r.source_start, r.source_end)  # noqa: SLF001 - evaluation of the same step
        canonical = res.speaker(f, head, "subject").canonical if head is not None else None
        t = art.type_span(f, r.source_start, r.source_end, canonical)
        preds.append((t.source_type, t.affiliation, t.gender, t.evidence, canonical))
    out["pred_type"], out["pred_affiliation"], out["pred_gender"], out["why"], out["canonical"] = zip(
        *preds, strict=True
    )
    return out


def report(df, part: str) -> None:
    """Print accuracy per field with intervals."""
    rows = [
        ("source_type", df["source_type"] == df["pred_type"]),
        (
            "affiliation",
            df["affiliation"].str.lower().str.strip() == df["pred_affiliation"].str.lower().str.strip(),
        ),
        ("person vs not", (df["gender"] != "none") == (df["pred_gender"] != "none")),
    ]
    people = df[df["gender"] != "none"]
    rows.append(("gender (gold: one person)", people["gender"] == people["pred_gender"]))
    mf = df[df["gender"].isin(["male", "female"])]
    rows.append(("gender (gold male/female)", mf["gender"] == mf["pred_gender"]))
    print(f"part={part}  sources={len(df)}  articles={df['doc_id'].nunique()}")
    print(f"{'field':28} {'n':>4} {'correct':>7} {'accuracy':>8}  95% interval")
    for name, ok in rows:
        k, n = int(ok.sum()), len(ok)
        lo, hi = wilson(k, n)
        print(f"{name:28} {n:4d} {k:7d} {k / n:8.3f}  [{lo:.3f}, {hi:.3f}]")
    ou = df["pred_type"].isin(["other", "unknown"]).mean()
    print(f"predicted other+unknown share: {ou:.3f}")


def main() -> None:
    """Run the evaluation."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", default="test", choices=["test", "tune", "tune2", "tunes", "all"])
    ap.add_argument("--show", action="store_true", help="print the rows typed wrongly")
    args = ap.parse_args()
    if not P.available():
        print(f"PolNeAR not found at {P.CORPUS}; skipped")
        return
    labels = P.labels()
    if args.part == "tunes":
        labels = labels[labels["part"].isin(["tune", "tune2"])]
    elif args.part != "all":
        labels = labels[labels["part"] == args.part]
    df = predict(labels)
    report(df, args.part)
    if args.show:
        bad = df[
            (df["source_type"] != df["pred_type"])
            | (df["affiliation"].str.lower() != df["pred_affiliation"].str.lower())
            | (df["gender"] != df["pred_gender"])
        ]
        for r in bad.itertuples(index=False):
            text = (P.CORPUS / "articles" / f"{r.doc_id}.txt").read_text(encoding="utf-8")
            print(
                f"- {r.doc_id[:40]} {text[r.source_start : r.source_end]!r} [{r.canonical}] "
                f"gold {r.source_type}/{r.affiliation}/"
                f"{r.gender} pred {r.pred_type}/{r.pred_affiliation}/{r.pred_gender} ({r.why})"
            )


if __name__ == "__main__":
    main()
