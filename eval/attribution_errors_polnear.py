"""Missed and spurious attributions on PolNeAR train, by category (the tuning tables of indirect attribution).

Usage: ``python eval/attribution_errors_polnear.py [--split train] [--articles N] [--out DIR] [--examples N]``

Runs the quotes stage on the tuning articles of :mod:`quotes_polnear` (``train``; ``dev`` is for the
final figure only and is refused here), matches predictions to every gold attribution with the rule of
:func:`quotes_polnear.match`, and prints:

* the all-attributions precision and recall with Wilson intervals;
* missed gold attributions by ``kind`` (``direct``: the content starts and ends with a quotation mark;
  ``partial``: it holds one; ``indirect``: none), by cue lemma (the parser's lemma of the gold cue's
  head word), by syntactic pattern of the cue (part of speech and dependency of that word) and by
  whether the gold has a source;
* false positives by predicted ``kind``, verb lemma and method.

``--out`` writes the two tables as CSV (article ids and offsets only, no text) for further counting.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas as pd  # noqa: E402
import polnear_quotes_data as P  # noqa: E402
from quotes_polnear import QUOTE_MARKS, match, wilson  # noqa: E402

import analysis  # noqa: E402


def gold_kind(content: str) -> str:
    """Return ``direct``, ``partial`` or ``indirect`` for a gold content text."""
    c = content.strip()
    if not any(m in c for m in QUOTE_MARKS):
        return "indirect"
    if c[:1] in QUOTE_MARKS and c[-1:] in QUOTE_MARKS + ".,":
        return "direct"
    return "partial"


def _token_at(tokens: pd.DataFrame, start: int, end: int) -> tuple[str, str, str]:
    """Return (lemma, pos, dep) of the syntactic head among the tokens in [start, end)."""
    inside = tokens[(tokens["start_char"] < end) & (tokens["end_char"] > start)]
    if inside.empty:
        return ("?", "?", "?")
    ids = set(inside["token_id"]) if "token_id" in inside else set()
    own = inside["head"] == inside["token_id"]  # a root heads itself
    heads = inside[own | ~inside["head"].isin(ids)] if ids else inside
    r = (heads if not heads.empty else inside).iloc[0]
    return (str(r["lemma"]).lower(), str(r["pos"]), str(r["dep"]))


def main() -> None:
    """Print the category tables."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train", choices=["train"])
    ap.add_argument("--articles", type=int, default=0, help="only the first N tuning articles")
    ap.add_argument("--out", default="", help="folder for missed.csv and spurious.csv")
    ap.add_argument("--examples", type=int, default=0, help="print N examples per top category")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    if not P.available():
        print(f"PolNeAR not found at {P.CORPUS}; skipped")
        return
    resolved = P.pronoun_sources(args.split)
    ids = sorted(set(P.labels()["doc_id"]) | set(resolved["article_id"]))
    if args.articles:
        ids = ids[: args.articles]
    arts = P.articles(ids=ids)
    gold_t = P.attributions(args.split)
    gold_t = gold_t[gold_t["article_id"].isin(set(arts["article_id"]))].reset_index(drop=True)
    ann = analysis.annotate(arts)
    mentions = analysis.entity_mentions(arts, annotations=ann)
    q = analysis.quotes(arts, annotations=ann, mentions=mentions).reset_index(drop=True)
    texts = dict(zip(arts["article_id"], arts["text"], strict=True))
    toks = {a: t for a, t in ann.tokens.groupby("article_id")}
    pred = [
        {"article_id": r.article_id, "start": int(r.start_char), "end": int(r.end_char)}
        for r in q.itertuples(index=False)
    ]
    gold = [
        {"article_id": r.article_id, "spans": [tuple(s) for s in r.content_spans]}
        for r in gold_t.itertuples(index=False)
    ]
    pairs = match(pred, gold)
    mp, mg = {i for i, _ in pairs}, {j for _, j in pairs}
    lo, hi = wilson(len(pairs), len(pred))
    print(f"articles={len(arts)} gold={len(gold)} predicted={len(pred)} matched={len(pairs)}")
    print(f"precision {len(pairs) / len(pred):.3f} [{lo:.3f}, {hi:.3f}]", end="  ")
    lo, hi = wilson(len(pairs), len(gold))
    print(f"recall {len(pairs) / len(gold):.3f} [{lo:.3f}, {hi:.3f}]")
    rows = []
    for j, r in gold_t.iterrows():
        t = toks.get(r.article_id)
        lemma, pos, dep = (
            _token_at(t, int(r.cue_start), int(r.cue_end))
            if t is not None and r.cue_start == r.cue_start and r.cue_start is not None
            else ("?",) * 3
        )
        rows.append({
            "article_id": r.article_id, "content_start": r.content_start, "content_end": r.content_end,
            "cue_start": r.cue_start, "cue_end": r.cue_end, "kind": gold_kind(r.content_text or ""),
            "cue_lemma": lemma, "pattern": f"{pos}/{dep}", "has_source": bool(r.source_spans),
            "matched": j in mg,
        })  # fmt: skip
    g = pd.DataFrame(rows)
    print("\nrecall by gold kind:")
    for k, grp in g.groupby("kind"):
        lo, hi = wilson(int(grp["matched"].sum()), len(grp))
        k_, n_ = int(grp["matched"].sum()), len(grp)
        print(f"  {k:9} {k_:5d}/{n_:5d} = {k_ / n_:.3f} [{lo:.3f}, {hi:.3f}]")
    miss = g[~g["matched"]]
    for col in ("has_source", "pattern", "cue_lemma"):
        print(f"\nmissed gold by kind x {col} (top {args.top}):")
        c = miss.groupby(["kind", col]).size().sort_values(ascending=False).head(args.top)
        for (k, v), n in c.items():
            tot = int(((g["kind"] == k) & (g[col] == v)).sum())
            print(f"  {k:9} {str(v):22} missed {n:4d} of {tot:4d}")
            if args.examples and col == "cue_lemma":
                ex = miss[(miss["kind"] == k) & (miss[col] == v)].head(args.examples)
                for e in ex.itertuples():
                    tx = texts[e.article_id]
                    cue, content = tx[int(e.cue_start) : int(e.cue_end)], tx[e.content_start : e.content_end]
                    print(f"      cue={cue!r} | {content[:110]!r}")
    prow = []
    for i, r in q.iterrows():
        prow.append({
            "article_id": r.article_id, "start": int(r.start_char), "end": int(r.end_char), "kind": r.kind,
            "verb": str(r.verb).lower() if isinstance(r.verb, str) else "-", "method": r.method,
            "matched": i in mp,
        })  # fmt: skip
    p = pd.DataFrame(prow)
    print("\nprecision by predicted kind:")
    for k, grp in p.groupby("kind"):
        lo, hi = wilson(int(grp["matched"].sum()), len(grp))
        k_, n_ = int(grp["matched"].sum()), len(grp)
        print(f"  {k:9} {k_:5d}/{n_:5d} = {k_ / n_:.3f} [{lo:.3f}, {hi:.3f}]")
    fp = p[~p["matched"]]
    for col in ("method", "verb"):
        print(f"\nfalse positives by kind x {col} (top {args.top}):")
        c = fp.groupby(["kind", col]).size().sort_values(ascending=False).head(args.top)
        for (k, v), n in c.items():
            tot = int(((p["kind"] == k) & (p[col] == v)).sum())
            print(f"  {k:9} {str(v):22} spurious {n:4d} of {tot:4d}")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        g.to_csv(out / "gold.csv", index=False)
        p.to_csv(out / "pred.csv", index=False)
    print("\ncounts:", dict(Counter(g["kind"])))


if __name__ == "__main__":
    main()
