"""Source typing, gender and "one source = one person" on the hand-typed non-political news set.

Usage: ``python eval/sources_news.py [--part test|tune|all] [--show] [--pipeline]``

Data: ``tests/data/sources_news.csv`` (see its ``.md``): 311 quotes with a speaker from
``extraction-dev`` pages and ``conll2003-dev`` documents; ``test`` (80 quotes) is scored once.

* **Typing of the gold speaker span** (as ``eval/sources_polnear.py`` does): the labelled mention is
  resolved and typed as the quotes stage types a speaker phrase; accuracy of ``source_type`` and of
  gender with 95% Wilson intervals, the share of quotes typed ``other``/``unknown``.
* ``--pipeline``: the quotes stage on the whole documents (then the corpus pass over them); gold
  quotes matched to predicted ones by overlap; on matched quotes with a speaker, type accuracy, the share other/unknown, and the source
  count per document: predicted distinct sources (after merging variants of one person) against the
  gold number of persons, and pairwise precision/recall of "same source" over quote pairs.
"""

from __future__ import annotations

import argparse
import sys
from itertools import combinations
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sources_news_data as D  # noqa: E402

import analysis  # noqa: E402
from analysis.core.stats import wilson_interval  # noqa: E402
from analysis.framing.quotes.fields import field_groups, field_texts  # noqa: E402
from analysis.framing.quotes.lexicon import default_lexicon  # noqa: E402
from analysis.framing.quotes.sources import ArticleSources, source_keys  # noqa: E402
from analysis.framing.quotes.speakers import Resolver, article_mentions  # noqa: E402


def articles(labels: pd.DataFrame) -> pd.DataFrame:
    """Return the labelled documents as an articles table (``article_id`` = doc id)."""
    docs = D.documents()
    keys = labels[["corpus", "doc_id"]].drop_duplicates()
    return pd.DataFrame(
        {
            "article_id": keys["doc_id"].to_list(),
            "outlet": keys["corpus"].to_list(),
            "title": "",
            "text": [docs[(c, d)] for c, d in zip(keys["corpus"], keys["doc_id"], strict=True)],
            "status": "ok",
        }
    )


def type_spans(labels: pd.DataFrame, arts: pd.DataFrame, ann) -> pd.DataFrame:
    """Type every labelled speaker span; return the labels with ``pred_*`` columns."""
    mentions = analysis.entity_mentions(arts, annotations=ann)
    groups = dict(field_groups(ann.tokens, field_texts(arts), article_mentions(mentions)))
    lex = default_lexicon()
    cache: dict[str, tuple[Resolver, ArticleSources]] = {}
    preds = []
    for r in labels.itertuples(index=False):
        fields = groups[r.doc_id]
        f = next(x for x in fields if x.name == "text")
        if r.doc_id not in cache:
            cache[r.doc_id] = (Resolver(fields, lex), ArticleSources(fields))
        res, art = cache[r.doc_id]
        s, e = int(r.speaker_start), int(r.speaker_end)
        head = art._head(f, s, e)  # noqa: SLF001 - evaluation of the same step
        canonical = res.speaker(f, head, "subject").canonical if head is not None else None
        t = art.type_span(f, s, e, canonical)
        preds.append((t.source_type, t.gender, t.evidence, canonical))
    out = labels.copy()
    out["pred_type"], out["pred_gender"], out["why"], out["canonical"] = zip(*preds, strict=True)
    return out


def _line(name: str, ok: pd.Series) -> None:
    k, n = int(ok.sum()), len(ok)
    if n == 0:
        print(f"{name:38} {n:4d}")
        return
    lo, hi = wilson_interval(k, n)
    print(f"{name:38} {n:4d} {k:7d} {k / n:8.3f}  [{lo:.3f}, {hi:.3f}]")


def report_spans(df: pd.DataFrame, part: str) -> None:
    """Print typing and gender accuracy on the gold spans."""
    print(f"part={part}  quotes={len(df)}  documents={df['doc_id'].nunique()}  (gold speaker spans typed)")
    print(f"{'field':38} {'n':>4} {'correct':>7} {'accuracy':>8}  95% interval")
    _line("source_type", df["source_type"] == df["pred_type"])
    for corpus, sub in df.groupby("corpus"):
        _line(f"  source_type ({corpus})", sub["source_type"] == sub["pred_type"])
    one = df[df["gender"] != "none"]
    _line("person vs not", (df["gender"] != "none") == (df["pred_gender"] != "none"))
    text = one[one["gender_basis"] == "text"]
    _line("gender (gold from the text)", text["gender"] == text["pred_gender"])
    named = one[one["gender_basis"].isin(["text", "name"])]
    _line("gender (gold from text or first name)", named["gender"] == named["pred_gender"])
    _line("gender (every one-person source)", one["gender"] == one["pred_gender"])
    mf = one[one["pred_gender"].isin(["male", "female"])]
    _line("  precision of a male/female call", mf["gender"] == mf["pred_gender"])
    print(
        f"predicted unknown among one-person sources: {(one['pred_gender'] == 'unknown').mean():.3f}"
        f" (gold unknown {(one['gender'] == 'unknown').mean():.3f}, n={len(one)})"
    )
    ou = df["pred_type"].isin(["other", "unknown"])
    lo, hi = wilson_interval(int(ou.sum()), len(ou))
    print(f"predicted other+unknown share of quotes: {ou.mean():.3f} [{lo:.3f}, {hi:.3f}] (n={len(ou)})")


def pipeline(labels: pd.DataFrame, arts: pd.DataFrame, ann) -> None:
    """Run the quotes stage and score matched quotes, source counts and same-source pairs."""
    q = analysis.quotes(arts, annotations=ann)
    q = analysis.corpus_typed(q, analysis.sources(arts, q))  # the corpus pass, as a run applies it
    q = q[(q["field"] == "text") & (q["kind"] != "indirect")].copy()
    keys = source_keys(q)
    q["source_id"], q["source_kind"] = keys["source_id"].to_numpy(), keys["source_kind"].to_numpy()
    rows = []
    for r in labels.itertuples(index=False):
        cand = q[
            (q["article_id"] == r.doc_id) & (q["start_char"] < r.quote_end) & (q["end_char"] > r.quote_start)
        ]
        if cand.empty:
            rows.append((r.doc_id, r.person_id, r.source_type, None, None, None))
            continue
        best = cand.iloc[0]
        rows.append(
            (
                r.doc_id,
                r.person_id,
                r.source_type,
                best["source_type"],
                best["source_id"],
                best["speaker_canonical"],
            )
        )
    m = pd.DataFrame(rows, columns=["doc_id", "person_id", "gold_type", "pred_type", "source_id", "speaker"])
    found = m[m["pred_type"].notna()]
    spoken = found[found["source_id"].fillna("") != ""]
    print(
        f"\npipeline: gold quotes {len(m)}, matched {len(found)} ({len(found) / len(m):.3f}), "
        f"with a predicted speaker {len(spoken)}"
    )
    _line("source_type (matched, with speaker)", spoken["gold_type"] == spoken["pred_type"])
    ou = found["pred_type"].isin(["other", "unknown"])
    lo, hi = wilson_interval(int(ou.sum()), len(ou))
    print(f"other+unknown share of matched quotes: {ou.mean():.3f} [{lo:.3f}, {hi:.3f}] (n={len(ou)})")
    tp = fp = fn = 0
    n_pred = n_gold = 0
    for _, d in spoken.groupby("doc_id"):
        n_pred += d["source_id"].nunique()
        n_gold += d["person_id"].nunique()
        for a, b in combinations(range(len(d)), 2):
            same_g = d["person_id"].iloc[a] == d["person_id"].iloc[b]
            same_p = d["source_id"].iloc[a] == d["source_id"].iloc[b]
            tp += same_g and same_p
            fp += same_p and not same_g
            fn += same_g and not same_p
    raw = sum(d["speaker"].nunique() for _, d in spoken.groupby("doc_id"))
    print(f"without merging name variants (distinct speaker_canonical): {raw}")
    print(
        f"sources per document, summed: predicted {n_pred}, gold persons {n_gold} "
        f"(ratio {n_pred / max(n_gold, 1):.3f})"
    )
    print(
        f"same-source pairs: precision {tp / max(tp + fp, 1):.3f} (n={tp + fp}), "
        f"recall {tp / max(tp + fn, 1):.3f} (n={tp + fn})"
    )


def main() -> None:
    """Run the evaluation."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", default="test", choices=["test", "tune", "all"])
    ap.add_argument("--show", action="store_true", help="print the rows typed wrongly")
    ap.add_argument("--pipeline", action="store_true", help="also score the quotes stage end to end")
    args = ap.parse_args()
    if not D.available():
        print(f"corpora not found under {D.SHARED}; skipped")
        return
    labels = D.labels()
    if args.part != "all":
        labels = labels[labels["part"] == args.part].reset_index(drop=True)
    arts = articles(labels)
    ann = analysis.annotate(arts)
    df = type_spans(labels, arts, ann)
    report_spans(df, args.part)
    if args.show:
        docs = D.documents()
        bad = df[(df["source_type"] != df["pred_type"]) | (df["gender"] != df["pred_gender"])]
        for r in bad.itertuples(index=False):
            t = docs[(r.corpus, r.doc_id)]
            print(
                f"- {r.doc_id[:14]} {t[int(r.speaker_start) : int(r.speaker_end)]!r} [{r.canonical}] gold "
                f"{r.source_type}/{r.gender}({r.gender_basis}) pred {r.pred_type}/{r.pred_gender} ({r.why})"
            )
    if args.pipeline:
        pipeline(labels, arts, ann)


if __name__ == "__main__":
    main()
