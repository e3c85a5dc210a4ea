"""Score the plain-text cleaner on the extraction-dev page dumps (word-4-gram P/R/F1, the kit's metric).

Loads ``<repo>/../shared/corpora/extraction-dev/pages/*.txt`` with :func:`analysis.load_corpus`
(every page, whatever its status), predicts each page's ``text`` and scores it against
``gold.jsonl`` with the corpus's own ``score.py``. Prints F1/P/R for all pages, for the pages
the cleaner's thresholds were tuned on (sites whose host hashes to an even number) and for the
held-out half (the other sites, not looked at while tuning), then the five worst pages with a
reason (what the cleaner did to the gold body: cut, or what it kept that is not body).

Usage: ``python eval/extraction_text.py [--per-page]``
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "extraction-dev"


def held_out(url: str) -> bool:
    """Return True for pages of the held-out half of the sites (by URL host, deterministic)."""
    host = urlparse(url).netloc.lower().removeprefix("www.")
    return int(hashlib.sha1(host.encode()).hexdigest(), 16) % 2 == 1


def _scorer():
    spec = importlib.util.spec_from_file_location("extraction_score", CORPUS / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _words(texts) -> int:
    return sum(len(t.split()) for t in texts)


def _reason(mine, body, score) -> str:
    """Say what went wrong on one page: gold-body blocks dropped (by role) and non-body blocks kept."""
    in_body = mine["text"].map(lambda t: bool(score.shingles(t) & body))
    cut = mine[~mine["kept"] & in_body]
    extra = mine[mine["kept"] & ~in_body]
    roles = {role: _words(group["text"]) for role, group in cut.groupby("role")}
    parts = [f"gold-body words dropped by role {roles}" if roles else "no gold-body block dropped"]
    if len(cut):
        parts.append(f"first dropped as {cut.iloc[0]['reason'][:50]!r}")
    parts.append(f"kept {len(extra)} non-body blocks ({_words(extra['text'])} words)")
    if len(extra):
        parts.append(f"e.g. {extra.iloc[0]['text'][:50]!r}")
    return "; ".join(parts)


def main() -> int:
    """Print the scores (all pages, tuning half, held-out half) and the worst pages."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-page", action="store_true")
    args = parser.parse_args()
    if not (CORPUS / "gold.jsonl").exists():
        print(f"skipped: {CORPUS} not found")
        return 0
    sys.path.insert(0, str(ROOT))
    import analysis

    score = _scorer()
    gold = {r["id"]: r for r in map(json.loads, (CORPUS / "gold.jsonl").read_text("utf-8").splitlines()) if r}
    pages = sorted((CORPUS / "pages").glob("*.txt"))
    articles = analysis.load_corpus(pages).set_index("article_id")
    blocks = analysis.paragraphs(articles.reset_index())
    rows = {}
    for sha, record in gold.items():
        text = articles.loc[sha, "text"] if sha in articles.index else ""
        tp, fp, fn = score.page_counts(record["articleBody"], text)
        rows[sha] = (score.page_pr(tp, fp, fn), tp, fp, fn)
    halves = {
        "all pages": list(rows),
        "tuning half": [s for s in rows if not held_out(gold[s]["url"])],
        "held-out half": [s for s in rows if held_out(gold[s]["url"])],
    }
    for name, ids in halves.items():
        p, r, f = score.aggregate([rows[s][0] for s in ids])
        sites = len({urlparse(gold[s]["url"]).netloc for s in ids})
        print(f"{name:14s} pages={len(ids):3d} sites={sites:3d} F1={f:.3f} precision={p:.3f} recall={r:.3f}")
    halved = [s for s, (pr, *_rest) in rows.items() if pr[1] is not None and pr[1] < 0.5]
    print(f"pages losing more than half of their body (recall < 0.5): {len(halved)}")

    def f1(s):
        (p, r), *_ = rows[s]
        p, r = p or 0.0, r or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    worst = sorted(rows, key=f1)
    print("five worst pages:")
    for sha in worst[: len(worst) if args.per_page else 5]:
        (p, r), *_ = rows[sha]
        reason = _reason(blocks[blocks["article_id"] == sha], score.shingles(gold[sha]["articleBody"]), score)
        print(
            f"  {sha[:12]} F1={f1(sha):.3f} P={p or 0:.3f} R={r or 0:.3f} "
            f"status={articles.loc[sha, 'status']} "
            f"{urlparse(gold[sha]['url']).netloc}: {reason}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
