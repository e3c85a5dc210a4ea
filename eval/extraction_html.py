"""Score the HTML path on extraction-dev (pages read by analysis.ingest.html, blocks by clean.extracted).

Reads ``<repo>/../shared/corpora/extraction-dev/html/*.html.gz`` (81 pages) and its ``gold.jsonl``,
scores with the corpus's own ``score.py`` (word 4-gram P/R/F1, the Zyte benchmark's metric) and prints
F1/P/R overall and on the two halves of a split by site (URL host; the rules were tuned on half A,
half B is reported untouched), the five worst pages with a one-line reason, and how many pages got a
title and a date. Exits 0 with a note when the corpus is absent.

With ``--load`` the scored text is ``analysis.load_corpus(<the pages>)["text"]`` (the whole loader:
page blocks, the page rules and the cleaner's own caption/byline/promo rules), whatever the row's status.

Usage: ``python eval/extraction_html.py [--plain | --load] [--no-rules] [--pred OUT.jsonl] [--dates]``
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
import warnings
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.clean.extracted import body_text, extracted_blocks, refine  # noqa: E402
from analysis.ingest.html import read_html_file  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "extraction-dev"


def half(url: str) -> str:
    """Split by site: half A or B from a hash of the URL host (without ``www.``)."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return "A" if hashlib.sha1(host.encode()).digest()[0] % 2 == 0 else "B"


def _scorer():
    spec = importlib.util.spec_from_file_location("extraction_score", CORPUS / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reason(gold: str, blocks: list, scorer) -> str:
    """One line on why a page scored low: what was missed and what was extra."""
    g = scorer.shingles(gold)
    kept = [b for b in blocks if b.role == "body"]
    extra = [b.text for b in kept if sum(1 for s in scorer.shingles(b.text) if s not in g) > 3]
    kept_sh = scorer.shingles("\n\n".join(b.text for b in kept))
    missed = [b for b in blocks if b.role not in ("body", "title") and len(scorer.shingles(b.text) & g) > 3]
    parts = []
    if missed:
        parts.append(
            f"{len(missed)} body blocks not extracted (first: {missed[0].text[:60]!r}, {missed[0].reason})"
        )
    elif sum((g - kept_sh).values()) > 3:
        parts.append(f"{sum((g - kept_sh).values())} gold 4-grams in no block of the dump")
    if extra:
        parts.append(f"{len(extra)} extra blocks kept (first: {extra[0][:60]!r})")
    return "; ".join(parts) or "small differences inside blocks"


def main() -> int:
    """Read, score and print (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plain", action="store_true", help="score trafilatura's text as is (no block roles)")
    ap.add_argument("--load", action="store_true", help='score load_corpus(<pages>)["text"]')
    ap.add_argument("--no-rules", action="store_true", help="block roles without the page rules (refine)")
    ap.add_argument("--pred", help="also write the predictions as JSONL")
    ap.add_argument("--dates", action="store_true", help="print id, URL, date and its evidence per page")
    args = ap.parse_args()
    if not (CORPUS / "gold.jsonl").exists():
        print(f"corpus not found: {CORPUS} (skipped)")
        return 0
    scorer = _scorer()
    gold = {r["id"]: r for r in scorer.load_jsonl(CORPUS / "gold.jsonl")}
    preds, blocks_of, rows = {}, {}, {}
    for path in sorted((CORPUS / "html").glob("*.html.gz")):
        row = read_html_file(path)
        page_id = row["article_id"]
        rows[page_id] = row
        blocks = extracted_blocks(row["raw_text"], row["extracted_text"], title=row["title"])
        if not args.no_rules:
            refine(blocks)
        blocks_of[page_id] = blocks
        preds[page_id] = (row["extracted_text"] or "") if args.plain else body_text(blocks)
    if args.load:
        from analysis import load_corpus

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            corpus = load_corpus(sorted((CORPUS / "html").glob("*.html.gz")))
        preds = dict(zip(corpus["article_id"], corpus["text"].fillna(""), strict=True))
        blocks_of = {}
        statuses = corpus["status"].value_counts().to_dict()
        print(f"load_corpus: {len(corpus)} rows, statuses {statuses}")
    if args.pred:
        with open(args.pred, "w", encoding="utf-8") as fh:
            for page_id, text in preds.items():
                fh.write(json.dumps({"id": page_id, "text": text}) + "\n")
    per_page = {
        i: scorer.page_pr(*scorer.page_counts(g["articleBody"], preds.get(i, ""))) for i, g in gold.items()
    }
    for name, ids in (
        ("all", list(gold)),
        ("half A (tuned)", [i for i in gold if half(gold[i]["url"]) == "A"]),
        ("half B (held out)", [i for i in gold if half(gold[i]["url"]) == "B"]),
    ):
        p, r, f = scorer.aggregate([per_page[i] for i in ids])
        print(f"{name:18s} pages={len(ids):3d}  F1={f:.3f}  precision={p:.3f}  recall={r:.3f}")

    def f1(i: str) -> float:
        p, r = per_page[i]
        p, r = p or 0.0, r or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    print("\nfive worst pages (page F1, precision, recall, half, host: reason)")
    for i in sorted(gold, key=f1)[:5]:
        p, r = per_page[i]
        host = urlsplit(gold[i]["url"]).hostname
        reason = _reason(gold[i]["articleBody"], blocks_of.get(i, []), scorer)
        print(
            f"  {i[:10]} F1={f1(i):.3f} P={p or 0:.3f} R={r or 0:.3f} {half(gold[i]['url'])} {host}: {reason}"
        )
    titles = sum(1 for r in rows.values() if r["title"])
    dates = sum(1 for r in rows.values() if r["date"])
    print(
        f"\npages={len(rows)}  with a title={titles}  with a date={dates}  "
        f"with an outlet={sum(1 for r in rows.values() if r['outlet'])}"
    )
    if args.dates:
        for i, r in rows.items():
            print(
                i[:10],
                r["date"],
                r["url"],
                "|",
                r["metadata_evidence"].split("date: ")[-1] if r["date"] else "",
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
