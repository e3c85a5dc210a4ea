"""NewsMTSC training file: loading, the by-article three-way split, and its token table.

The file is read from ``<repo root>/../shared/corpora/newsmtsc-train/train.jsonl``
(never copied into the repository). Every sentence is parsed once with the
project's spaCy model through :func:`analysis.annotate.tokens` (one "article"
per NewsMTSC sentence), so the cached token table is exactly what the
pipeline gives the sentiment model at inference; the parse is cached under
the analysis cache directory, repeated runs do not re-parse.

Split
-----
The article (source document) of a sentence is derived from ``primary_gid``:
``allsides_<article>_<story>_<sentence>_…`` is keyed by the AllSides *story*
(``allsides_<story>``: the 2–3 outlets' articles on one event stay together),
``polusa_v1_<article>_…`` by the POLUSA article (``polusa_v1_<article>``).
A key goes to ``train`` / ``validation`` / ``test`` by the first 8 hex digits
of its SHA-1 modulo 100: < 70 train, 70–84 validation, >= 85 test.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
TRAIN_FILE = ROOT.parent / "shared" / "corpora" / "newsmtsc-train" / "train.jsonl"
LABELS = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


def article_key(gid: str) -> str:
    """Return the source-article key of a ``primary_gid``.

    >>> article_key("allsides_1000_401_25_Reality Leigh Winner_0_6")
    'allsides_401'
    >>> article_key("polusa_v1_113842860_-1_6_west Jerusalem_111_120")
    'polusa_v1_113842860'
    """
    parts = gid.split("_")
    if parts[0] == "allsides":
        return f"allsides_{parts[2]}"
    if parts[0] == "polusa":
        return f"polusa_{parts[1]}_{parts[2]}"
    return "_".join(parts[:2])


def split_of(key: str) -> str:
    """Return ``train``, ``validation`` or ``test`` for an article key (deterministic hash)."""
    bucket = int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if bucket < 70 else "validation" if bucket < 85 else "test"


def load(path: Path = TRAIN_FILE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (sentences, targets).

    ``sentences``: ``article_id`` (``nm<line>``), ``text``, ``title`` (empty), ``key``, ``split``.
    ``targets``: ``article_id, field, start_char, end_char, mention, label, key, split``.
    """
    sentences, targets = [], []
    with open(path, encoding="utf-8") as handle:
        for line_no, line in enumerate(handle):
            row = json.loads(line)
            aid = f"nm{line_no:05d}"
            key = article_key(row["primary_gid"])
            split = split_of(key)
            sentences.append({"article_id": aid, "title": "", "text": row["sentence_normalized"],
                              "key": key, "split": split})  # fmt: skip
            for t in row["targets"]:
                targets.append({"article_id": aid, "field": "text", "start_char": int(t["from"]),
                                "end_char": int(t["to"]), "mention": t["mention"],
                                "label": LABELS[float(t["polarity"])],
                            "key": key, "split": split})  # fmt: skip
    return pd.DataFrame(sentences), pd.DataFrame(targets)


def token_table(sentences: pd.DataFrame) -> pd.DataFrame:
    """Parse the sentences once and return their token table.

    The parse goes through the package's per-article annotation cache; the
    whole table is also kept as one Parquet file under
    ``<cache>/newsmtsc/`` (keyed by the sentences and the spaCy model's
    fingerprint), which loads in a second.
    """
    from analysis import config
    from analysis.annotate import model_fingerprint, tokens

    digest = hashlib.sha1("\x1e".join(sentences["text"]).encode("utf-8")).hexdigest()[:12]
    path = Path(config.CACHE_DIR) / "newsmtsc" / f"tokens-{digest}-{model_fingerprint()[:12]}.parquet"
    if path.exists():
        return pd.read_parquet(path)
    table = tokens(sentences[["article_id", "title", "text"]], progress=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    table.to_parquet(tmp, index=False)
    tmp.replace(path)
    return table
