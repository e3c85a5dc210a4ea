"""The project's named entities scored on CoNLL-2003 dev (``../shared/corpora/conll2003-dev``).

Usage (from the repository root)::

    PYTHONPATH=. python eval/ner_conll.py [--half tune|untuned|all] [--out DIR] [--no-plain] [--errors]

The 216 documents are split once, by a rule fixed before any tuning: a document belongs to the
**untuned** half when the first byte of the SHA-1 of its ``doc_id`` is odd, else to the **tune**
half (:func:`half_of`). Tuning looks at the tune half only; the untuned half is scored once at the end.

Two systems are scored with the corpus's own ``score.py`` (exact span match; PER, ORG, LOC):

- ``project``: the project's entity layer as the pipeline runs it: ``analysis.annotate`` (the spaCy
  parse of :mod:`analysis.annotate`, cached) and ``analysis.entity_mentions`` (span repair, alias
  table, label fixes), each document as one article body. A mention's ``kind`` is mapped to the
  scorer's labels (person -> PER, organisation -> ORG, place -> LOC, group -> ignored); role phrases
  (``via == 'role'``) are coreference, not names, and are left out.
- ``plain``: the spaCy small model as installed, nothing added (PERSON -> PER, ORG -> ORG,
  GPE/LOC -> LOC).

Micro F1 gets a 95% percentile interval from 1,000 bootstrap resamples of the documents. With
``--errors`` the gold organisations the project misses (tune half only) are counted by cause.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "conll2003-dev"
KIND_TO_LABEL = {"person": "PER", "organisation": "ORG", "place": "LOC"}
SPACY_TO_LABEL = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}
LABELS = ("PER", "ORG", "LOC")


def half_of(doc_id: str) -> str:
    """Return ``'untuned'`` when the first byte of SHA-1(doc_id) is odd, else ``'tune'`` (fixed rule).

    Examples
    --------
    >>> half_of("conll2003-dev-000") in ("tune", "untuned")
    True
    """
    return "untuned" if hashlib.sha1(doc_id.encode("utf-8")).digest()[0] % 2 else "tune"


def load_docs(half: str) -> list[dict]:
    """Read ``dev.jsonl`` and keep the documents of ``half`` (``tune``, ``untuned`` or ``all``)."""
    with open(CORPUS / "dev.jsonl", encoding="utf-8") as fh:
        docs = [json.loads(line) for line in fh if line.strip()]
    return [d for d in docs if half == "all" or half_of(d["doc_id"]) == half]


def project_predictions(docs: list[dict]) -> dict[str, list[dict]]:
    """Run the project's entity layer on the documents; return ``{doc_id: [entity, ...]}``."""
    import analysis

    arts = pd.DataFrame(
        {
            "article_id": [d["doc_id"] for d in docs],
            "text": [d["text"] for d in docs],
            "status": "ok",
        }
    )
    ann = analysis.annotate(arts, n_process=1)
    mentions = analysis.entity_mentions(arts, annotations=ann)
    mentions = mentions[(mentions["via"] != "role") & (mentions["field"] == "text")]
    out: dict[str, list[dict]] = {d["doc_id"]: [] for d in docs}
    for r in mentions.itertuples(index=False):
        label = KIND_TO_LABEL.get(r.kind)
        if label is None:
            continue
        out[str(r.article_id)].append(
            {"text": r.text, "label": label, "start_char": int(r.start_char), "end_char": int(r.end_char)}
        )
    return out


def plain_predictions(docs: list[dict]) -> dict[str, list[dict]]:
    """Run the installed spaCy small model alone (no project components); return ``{doc_id: [...]}``."""
    import spacy

    from analysis import config

    nlp = spacy.load(config.SPACY_MODEL)
    out: dict[str, list[dict]] = {}
    for d, doc in zip(docs, nlp.pipe([d["text"] for d in docs], batch_size=32), strict=True):
        out[d["doc_id"]] = [
            {
                "text": e.text,
                "label": SPACY_TO_LABEL[e.label_],
                "start_char": e.start_char,
                "end_char": e.end_char,
            }
            for e in doc.ents
            if e.label_ in SPACY_TO_LABEL
        ]
    return out


def _span_set(doc_id: str, ents: list[dict]) -> set[tuple]:
    return {
        (doc_id, int(e["start_char"]), int(e["end_char"]), e["label"]) for e in ents if e["label"] in LABELS
    }


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def bootstrap_micro(docs: list[dict], pred: dict[str, list[dict]], n_boot: int = 1000, seed: int = 0):
    """Return the 95% percentile interval of micro F1 over documents resampled with replacement."""
    counts = []
    for d in docs:
        g = _span_set(
            d["doc_id"], [{**e, "label": SPACY_TO_LABEL.get(e["label"], e["label"])} for e in d["entities"]]
        )
        p = _span_set(d["doc_id"], pred.get(d["doc_id"], []))
        tp = len(g & p)
        counts.append((tp, len(p) - tp, len(g) - tp))
    arr = np.array(counts)
    rng = np.random.default_rng(seed)
    f1s = []
    for _ in range(n_boot):
        tp, fp, fn = arr[rng.integers(0, len(arr), len(arr))].sum(axis=0)
        f1s.append(_f1(int(tp), int(fp), int(fn)))
    return float(np.percentile(f1s, 2.5)), float(np.percentile(f1s, 97.5))


def score(docs: list[dict], pred: dict[str, list[dict]], out_dir: Path, name: str) -> str:
    """Write predictions and a gold file of ``docs``; return ``score.py``'s printout."""
    pred_path, gold_path = out_dir / f"{name}.pred.jsonl", out_dir / "gold.jsonl"
    with open(pred_path, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps({"doc_id": d["doc_id"], "entities": pred.get(d["doc_id"], [])}) + "\n")
    with open(gold_path, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d) + "\n")
    done = subprocess.run(
        [sys.executable, str(CORPUS / "score.py"), str(pred_path), "--gold", str(gold_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout + done.stderr


def missed_org_causes(docs: list[dict], pred: dict[str, list[dict]], raw: dict[str, list[dict]]) -> Counter:
    """Count the gold ORG spans the project misses, by first matching cause.

    ``raw`` holds spaCy's own spans in the project parse (label as spaCy gave it). Causes:
    ``other label`` (the project has the exact span with another label; split by spaCy's label and
    whether canonicalisation changed it), ``boundary`` (an overlapping ORG span with other offsets),
    ``not found`` (no overlapping entity), each also tagged ``all-caps line`` or ``acronym`` when so.
    """
    causes: Counter = Counter()
    for d in docs:
        text = d["text"]
        preds = pred.get(d["doc_id"], [])
        raws = raw.get(d["doc_id"], [])
        for g in d["entities"]:
            if g["label"] != "ORG":
                continue
            s, e = g["start_char"], g["end_char"]
            exact = [p for p in preds if (p["start_char"], p["end_char"]) == (s, e)]
            if any(p["label"] == "ORG" for p in exact):
                continue
            line = text[text.rfind("\n", 0, s) + 1 : (text.find("\n", e) + 1 or len(text) + 1) - 1]
            letters = [c for c in line if c.isalpha()]
            caps = bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8
            surface = text[s:e]
            acro = (
                surface.replace(".", "").isupper()
                and len(surface.replace(".", "")) <= 6
                and " " not in surface
            )
            raw_exact = [r for r in raws if (r["start_char"], r["end_char"]) == (s, e)]
            if exact:
                spacy_label = raw_exact[0]["label"] if raw_exact else "-"
                cause = f"other label: project {exact[0]['label']}, spaCy {spacy_label}"
            elif any(p["start_char"] < e and s < p["end_char"] for p in preds):
                over = next(p for p in preds if p["start_char"] < e and s < p["end_char"])
                cause = f"boundary ({over['label']})"
            elif any(r["start_char"] < e and s < r["end_char"] for r in raws):
                over = next(r for r in raws if r["start_char"] < e and s < r["end_char"])
                cause = f"dropped by project (spaCy {over['label']})"
            else:
                cause = "not found"
            tag = "caps line" if caps else "acronym" if acro else "mixed case"
            causes[(cause, tag)] += 1
    return causes


def raw_spacy_spans(docs: list[dict]) -> dict[str, list[dict]]:
    """Return spaCy's spans in the project parse (cached), labels as spaCy gave them."""
    import analysis

    arts = pd.DataFrame({"article_id": [d["doc_id"] for d in docs], "text": [d["text"] for d in docs]})
    ents = analysis.annotate(arts, n_process=1).entities
    out: dict[str, list[dict]] = {d["doc_id"]: [] for d in docs}
    for r in ents[ents["field"] == "text"].itertuples(index=False):
        out[str(r.article_id)].append(
            {"label": r.label, "start_char": int(r.start_char), "end_char": int(r.end_char)}
        )
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the scores; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("tune", "untuned", "all"), default="tune")
    parser.add_argument("--out", type=Path, default=None, help="keep the prediction files here")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain spaCy run")
    parser.add_argument("--errors", action="store_true", help="count missed organisations by cause (tune)")
    args = parser.parse_args(argv)
    if not (CORPUS / "dev.jsonl").exists():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 0
    if args.errors and args.half != "tune":
        parser.error("--errors looks at the tune half only")
    docs = load_docs(args.half)
    n_ents = Counter(e["label"] for d in docs for e in d["entities"])
    print(
        f"CoNLL-2003 dev, {args.half} half: {len(docs)} documents, "
        f"{sum(d['n_tokens'] for d in docs)} tokens, gold {dict(sorted(n_ents.items()))}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = args.out or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        systems = [("project", project_predictions)]
        if not args.no_plain:
            systems.append(("plain", plain_predictions))
        preds = {}
        for name, fn in systems:
            preds[name] = fn(docs)
            low, high = bootstrap_micro(docs, preds[name])
            print(f"\n== {name}  (micro F1 95% interval over documents: {low:.3f}-{high:.3f})")
            print(score(docs, preds[name], out_dir, name), end="")
    if args.errors:
        causes = missed_org_causes(docs, preds["project"], raw_spacy_spans(docs))
        print(f"\n== gold ORG missed by the project: {sum(causes.values())}")
        for (cause, tag), n in sorted(causes.items(), key=lambda kv: -kv[1]):
            print(f"{n:5d}  {cause:45s} {tag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
