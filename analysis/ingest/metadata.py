"""Join a metadata table onto raw articles."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import pandas as pd

from analysis.ingest.errors import CorpusError

# --------------------------------------------------------------------------- metadata


def read_metadata(metadata: str | PathLike | pd.DataFrame) -> pd.DataFrame:
    """Read a metadata table (a CSV path or a DataFrame)."""
    if isinstance(metadata, pd.DataFrame):
        meta = metadata.copy()
    else:
        path = Path(metadata)
        if not path.exists():
            raise CorpusError(f"{path}: metadata file not found")
        meta = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "article_id" not in meta.columns:
        raise CorpusError(
            f"metadata has no 'article_id' column (columns: {', '.join(map(str, meta.columns))})"
        )
    meta["article_id"] = meta["article_id"].astype(str)
    return meta.drop_duplicates("article_id", keep="last")


def apply_metadata(raw: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """Override inferred values with non-empty metadata values, keyed by ``article_id``."""
    out = raw.copy()
    lookup = meta.set_index("article_id")
    for column in lookup.columns:
        values = out["article_id"].map(lookup[column])
        given = values.notna() & (values.astype(str).str.strip() != "")
        if column not in out.columns:
            out[column] = None
        out[column] = out[column].astype(object)
        out.loc[given, column] = values[given]
    return out
