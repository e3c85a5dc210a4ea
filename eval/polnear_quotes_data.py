"""Read the PolNeAR development corpus (articles, attributions, hand-typed sources) for the quote evaluations.

The texts stay in ``<repo>/../shared/corpora/polnear``; nothing is copied into the repository.
Each article is one ``text`` field holding the whole file, so PolNeAR's offsets are offsets into ``text``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("POLNEAR_DIR", REPO.parent / "shared" / "corpora" / "polnear"))
LABELS = REPO / "tests" / "data" / "source_types_polnear.csv"
PRONOUN_SOURCES = REPO / "tests" / "data" / "pronoun_sources_polnear.csv"
NOMINAL_SOURCES = REPO / "tests" / "data" / "nominal_sources_polnear.csv"


def available() -> bool:
    """Tell whether the corpus is present next to the repository."""
    return (CORPUS / "attributions.jsonl").is_file()


def articles(split: str | None = None, ids: list[str] | None = None) -> pd.DataFrame:
    """Return ``article_id, outlet, outlet_code, split, title, text`` (title empty: the file is the text)."""
    meta = pd.read_csv(CORPUS / "articles" / "metadata.csv", dtype=str, keep_default_na=False)
    if split is not None:
        meta = meta[meta["split"] == split]
    if ids is not None:
        meta = meta[meta["article_id"].isin(set(ids))]
    texts = [(CORPUS / "articles" / f"{a}.txt").read_text(encoding="utf-8") for a in meta["article_id"]]
    out = meta[["article_id", "outlet", "outlet_code", "split"]].copy()
    out["title"] = ""
    out["text"] = texts
    out["status"] = "ok"
    return out.reset_index(drop=True)


def attributions(split: str | None = None) -> pd.DataFrame:
    """Return one row per PolNeAR attribution (offsets into the article file)."""
    rows = []
    with open(CORPUS / "attributions.jsonl", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if split is not None and doc["split"] != split:
                continue
            for a in doc["attributions"]:
                rows.append({"article_id": doc["doc_id"], "split": doc["split"], **a})
    return pd.DataFrame(rows)


def labels() -> pd.DataFrame:
    """Return the hand-typed sources (``tests/data/source_types_polnear.csv``)."""
    return pd.read_csv(LABELS, dtype={"affiliation": str}, keep_default_na=False)


def pronoun_sources(split: str | None = None) -> pd.DataFrame:
    """Return the hand-resolved pronoun sources (``tests/data/pronoun_sources_polnear.csv``)."""
    table = pd.read_csv(PRONOUN_SOURCES, dtype={"article_id": str}, keep_default_na=False)
    return table if split is None else table[table["split"] == split].reset_index(drop=True)


def nominal_sources(split: str | None = None) -> pd.DataFrame:
    """Return the hand-resolved role-phrase sources (``tests/data/nominal_sources_polnear.csv``).

    ``referent`` is a person's name, ``GROUP`` or ``UNCLEAR``.
    """
    table = pd.read_csv(NOMINAL_SOURCES, dtype={"article_id": str}, keep_default_na=False)
    return table if split is None else table[table["split"] == split].reset_index(drop=True)
