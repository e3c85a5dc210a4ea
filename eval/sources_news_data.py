"""The second hand-typed source set (non-political news): candidate quotes and the stored labels.

Candidates come from a plain quotation-mark scan, so the sample is chosen by a rule, not by taste:

* documents of ``extraction-dev`` (gold article bodies located in ``pages/<id>.txt``) and of
  ``conll2003-dev`` (``text`` of ``dev.jsonl``), ordered together by SHA-1 of ``"<corpus>/<doc_id>"``;
* in each document, quotations between paired marks (“…”, or straight ``"…"`` paired within one
  paragraph or line) holding at least four words, the first :data:`PER_DOC` of them in text order.

``tests/data/sources_news.csv`` holds ids, offsets and labels only (never corpus text).
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
EXTRACTION = SHARED / "extraction-dev"
CONLL = SHARED / "conll2003-dev"
LABELS = ROOT / "tests" / "data" / "sources_news.csv"
PER_DOC = 6
MIN_WORDS = 4
_CURLY = re.compile(r"“([^“”]*)”")
_STRAIGHT = re.compile(r'"([^"\n]*)"')


def available() -> bool:
    """Return whether both corpora are present."""
    return (EXTRACTION / "gold.jsonl").exists() and (CONLL / "dev.jsonl").exists()


@lru_cache(maxsize=1)
def documents() -> dict[tuple[str, str], str]:
    """Return ``{(corpus, doc_id): text}``; offsets of labels index into this text."""
    docs: dict[tuple[str, str], str] = {}
    for line in (EXTRACTION / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        page = EXTRACTION / "pages" / f"{rec['id']}.txt"
        docs[("extraction-dev", rec["id"])] = page.read_text(encoding="utf-8")
    for line in (CONLL / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        docs[("conll2003-dev", rec["doc_id"])] = rec["text"]
    return docs


@lru_cache(maxsize=1)
def bodies() -> dict[str, list[tuple[int, int]]]:
    """Return the character ranges of the gold article body inside each extraction-dev page."""
    out: dict[str, list[tuple[int, int]]] = {}
    for line in (EXTRACTION / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        page = documents()[("extraction-dev", rec["id"])]
        ranges, pos = [], 0
        for para in (p.strip() for p in rec["articleBody"].split("\n")):
            if not para:
                continue
            at = page.find(para, pos)
            if at < 0:
                at = page.find(para)
            if at >= 0:
                ranges.append((at, at + len(para)))
                pos = at + len(para)
        out[rec["id"]] = ranges
    return out


def order_key(corpus: str, doc_id: str) -> str:
    """Return the sort key of a document (SHA-1 of ``corpus/doc_id``)."""
    return hashlib.sha1(f"{corpus}/{doc_id}".encode()).hexdigest()


def part_of(corpus: str, doc_id: str) -> str:
    """Return ``test`` for a third of the documents (SHA-1 of the doc id mod 3 == 0), else ``tune``."""
    return "test" if int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 3 == 0 else "tune"


def _quotes_in(text: str, a: int, b: int) -> list[tuple[int, int]]:
    seg = text[a:b]
    found = [(m.start(), m.end()) for m in _CURLY.finditer(seg)]
    found += [(m.start(), m.end()) for m in _STRAIGHT.finditer(seg)]
    return [(a + s, a + e) for s, e in sorted(found) if len(seg[s:e].split()) >= MIN_WORDS]


def candidates() -> pd.DataFrame:
    """Return the candidate quotes in sampling order (corpus, doc_id, quote_start, quote_end, part)."""
    rows = []
    docs = documents()
    for corpus, doc_id in sorted(docs, key=lambda k: order_key(*k)):
        text = docs[(corpus, doc_id)]
        if corpus == "extraction-dev":
            ranges = bodies()[doc_id]
        else:
            ranges, pos = [], 0
            for line in text.split("\n"):
                ranges.append((pos, pos + len(line)))
                pos += len(line) + 1
        quotes = [q for a, b in ranges for q in _quotes_in(text, a, b)]
        for s, e in quotes[:PER_DOC]:
            rows.append((corpus, doc_id, s, e, part_of(corpus, doc_id)))
    return pd.DataFrame(rows, columns=["corpus", "doc_id", "quote_start", "quote_end", "part"])


def labels() -> pd.DataFrame:
    """Return the stored labels (rows with a speaker only)."""
    df = pd.read_csv(LABELS, dtype={"person_id": str}, keep_default_na=False)
    return df[df["speaker_kind"] != "none"].reset_index(drop=True)
