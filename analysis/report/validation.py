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

from analysis.framing.codebook import NOT_VALIDATED, read_codebook

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
    'accuracy 0.81 [0.72, 0.87] on 100 hand-typed PolNeAR train sources held out from tuning, typed with \
the corpus pass over all PolNeAR (one coder)'
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


#: Columns of :func:`frame_validity_table`.
FRAME_VALIDITY_COLUMNS = (
    "frame",
    "label",
    "positives",
    "predicted",
    "alpha",
    "precision",
    "precision_low",
    "precision_high",
    "recall",
    "recall_low",
    "recall_high",
    "status",
)


def frame_validity_table(frames_table: pd.DataFrame | None = None, table: pd.DataFrame | None = None):
    """Return the validity of each frame: positives, Krippendorff's alpha, precision and recall, status.

    Parameters
    ----------
    frames_table : pandas.DataFrame, optional
        A run's frames (``frame, label`` and, from the codebook, ``validity``): one row per
        frame in codebook order, frames without validation figures (a corpus's own story
        frames) with their codebook mark (``not validated`` when none); a frame marked ``not
        validated`` gets no figures even when the validation table has its name. Default: the
        frames of the validation table.
    table : pandas.DataFrame, optional
        The validation table; default the packaged one (:func:`read_validation`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FRAME_VALIDITY_COLUMNS`: ``positives`` (passages the coders gave the
        frame), ``predicted`` (passages the rules gave it), ``alpha`` (agreement of the two
        codings), precision and recall with their 95% intervals, and ``status``.

    Examples
    --------
    >>> t = frame_validity_table().set_index("frame")
    >>> t.loc["capacity_resources", "status"], int(t.loc["political", "positives"])
    ('exploratory', 207)
    """
    table = read_validation() if table is None else table
    rows = table[table["measure"] == "frame"]
    figures: dict[str, dict] = {}
    for frame, part in rows.groupby("category", sort=False):
        by = part.set_index("metric")
        got: dict = {"status": str(part["status"].iloc[0])}
        for metric in ("precision", "recall"):
            if metric in by.index:
                got[metric] = by.loc[metric, "figure"]
                got[f"{metric}_low"] = by.loc[metric, "low"]
                got[f"{metric}_high"] = by.loc[metric, "high"]
        got["predicted"] = by.loc["precision", "n"] if "precision" in by.index else pd.NA
        got["positives"] = by.loc["recall", "n"] if "recall" in by.index else pd.NA
        got["alpha"] = by.loc["alpha", "figure"] if "alpha" in by.index else float("nan")
        figures[str(frame)] = got
    if frames_table is None:
        labels = {f: spec["label"] for f, spec in read_codebook()["frames"].items()}
        frames = pd.DataFrame({"frame": list(figures)})
        frames["label"] = [labels.get(f, f) for f in figures]
        frames["validity"] = [figures[f]["status"] for f in figures]
    else:
        frames = frames_table.drop_duplicates("frame")
        marks = frames["validity"].fillna(NOT_VALIDATED) if "validity" in frames else NOT_VALIDATED
        frames = frames.assign(validity=marks)
        frames = frames[["frame", "label", "validity"]]
    out = []
    for frame, label, validity in frames.itertuples(index=False):
        # the figures belong to the validated codebook's rules: a frame its codebook marks "not
        # validated" (e.g. a corpus's own frame of the same name) does not borrow them
        got = {} if validity == NOT_VALIDATED else figures.get(str(frame), {})
        out.append({"frame": frame, "label": label, **got, "status": got.get("status", validity)})
    result = pd.DataFrame(out, columns=list(FRAME_VALIDITY_COLUMNS))
    for col in ("positives", "predicted"):
        result[col] = pd.to_numeric(result[col], errors="coerce").astype("Int64")
    return result


def frame_micro(validity: pd.DataFrame) -> tuple[float, float]:
    """Return micro-averaged precision and recall over the frames of :func:`frame_validity_table`.

    Every passage x frame decision counts once: true positives (precision x predicted,
    summed) over all predicted, and over all positives. NaN when nothing was predicted.
    """
    rated = validity.dropna(subset=["precision", "recall"])
    predicted = rated["predicted"].astype(float)
    tp = (rated["precision"] * predicted).round().sum()
    positives = rated["positives"].astype(float).sum()
    micro_p = tp / predicted.sum() if predicted.sum() else float("nan")
    micro_r = tp / positives if positives else float("nan")
    return float(micro_p), float(micro_r)
