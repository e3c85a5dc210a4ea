"""Measurement error beside findings: the validation figure of each measure, read from one data file.

``analysis/data/validation.csv`` holds one row per (measure, category, metric): the
figure measured on the development corpora, its 95% interval, how many items, on what
data, and a ``status``: ``validated``, ``exploratory`` (a weak category, e.g. a frame
with precision below :data:`WEAK_PRECISION`), ``too few to validate``, ``no gold on
news`` (e.g. article tone from a general lexicon) or ``formula`` (a computed index with
no gold standard). The evaluation scripts' figures are copied there; the findings page
shows them next to each finding and marks the weak ones.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

#: A category whose precision is below this is weak (its findings are marked).
WEAK_PRECISION = 0.6
#: Statuses under which a finding is marked as resting on a weak measure.
WEAK_STATUSES = frozenset({"exploratory", "too few to validate", "weak"})
VALIDATION_COLUMNS = (
    "measure",
    "category",
    "metric",
    "figure",
    "low",
    "high",
    "n",
    "data",
    "status",
    "reference",
)


@lru_cache(maxsize=1)
def _packaged() -> pd.DataFrame:
    with resources.files("analysis").joinpath("data/validation.csv").open("r", encoding="utf-8") as fh:
        return read_validation(fh)


def read_validation(path_or_buffer=None) -> pd.DataFrame:
    """Return the validation table (columns :data:`VALIDATION_COLUMNS`); default the packaged file.

    Raises
    ------
    ValueError
        When a column is missing or a status is empty.
    """
    if path_or_buffer is None:
        return _packaged().copy()
    table = pd.read_csv(path_or_buffer, dtype={"category": str, "metric": str}, keep_default_na=False)
    missing = set(VALIDATION_COLUMNS) - set(table.columns)
    if missing:
        raise ValueError(f"validation table needs columns {sorted(missing)}")
    if (table["status"].astype(str).str.strip() == "").any():
        raise ValueError("every validation row needs a status")
    for col in ("figure", "low", "high", "n"):
        table[col] = pd.to_numeric(table[col], errors="coerce")
    return table[list(VALIDATION_COLUMNS)]


def _figure(row: pd.Series) -> str:
    text = f"{row['metric']} {row['figure']:.2f}"
    if pd.notna(row["low"]):
        text += f" [{row['low']:.2f}, {row['high']:.2f}]"
    return text


def validation_of(measure: str, category: str = "", table: pd.DataFrame | None = None) -> dict:
    """Return how one measure (or one category of it, e.g. a frame) was validated.

    Returns
    -------
    dict
        ``text`` (one line: the figures, items and data, or why there are none),
        ``weak`` (bool: the finding must be marked), ``status`` and ``figures`` (the rows).

    Examples
    --------
    >>> validation_of("source_type")["text"]
    'accuracy 0.72 [0.63, 0.80] on 100 hand-typed PolNeAR train sources held out from tuning (one coder)'
    >>> validation_of("frame", "capacity_resources")["weak"]
    True
    >>> validation_of("frame", "economic")["weak"]
    False
    >>> validation_of("frame", "a_frame_of_one_story")["status"]
    'not validated'
    """
    table = read_validation() if table is None else table
    rows = table[(table["measure"] == measure) & (table["category"].fillna("") == (category or ""))]
    if rows.empty:
        return {"text": "not validated (no gold labels for this measure)", "weak": True,
                "status": "not validated", "figures": rows}  # fmt: skip
    status = str(rows["status"].iloc[0])
    with_figures = rows[rows["figure"].notna()]
    if with_figures.empty:
        return {"text": f"{status}: {rows['data'].iloc[0]}", "weak": status in WEAK_STATUSES,
                "status": status, "figures": rows}  # fmt: skip
    figures = ", ".join(_figure(r) for _, r in with_figures.iterrows())
    first = with_figures.iloc[0]
    n = f"{int(first['n'])} " if pd.notna(first["n"]) and len(with_figures) == 1 else ""
    text = f"{figures} on {n}{first['data']}"
    precision = with_figures.loc[with_figures["metric"] == "precision", "figure"]
    weak = status in WEAK_STATUSES or bool((precision < WEAK_PRECISION).any())
    if weak:
        text += f" ({status})" if status in WEAK_STATUSES else " (precision below 0.6: exploratory)"
    return {"text": text, "weak": weak, "status": status, "figures": rows}
