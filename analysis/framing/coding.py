"""Human coding: export a stratified sample for coders, read codes back, report Krippendorff's alpha.

Researchers validate an automatic measure by having people code a sample and checking
that people agree with each other (inter-coder reliability) and with the machine.
:func:`coding_sample` writes the sample as CSV with empty code columns plus a sidecar
instructions file; :func:`agreement` reads one coded file per coder and reports
Krippendorff's alpha (``krippendorff`` package) for every code column: among the coders,
each coder against the automatic codes, and all coders plus the automatic codes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import config
from analysis.framing.codebook import load_codebook
from analysis.framing.quotes.people import read_people
from analysis.framing.quotes.sources import TYPE_HELP, TYPES

CODING_TEXT_COLUMNS = ("sentence", "quote", "text")
CODING_KEY_COLUMNS = ("article_id", "field", "sentence_id", "start_char", "end_char")
AGREEMENT_COLUMNS: tuple[str, ...] = (
    "code", "comparison", "raters", "n_raters", "n_units", "n_values", "alpha", "percent_agreement", "note",
)  # fmt: skip
#: Default code columns of a quote sample (what a coder checks against the automatic quote table).
QUOTE_CODES = ("kind", "speaker_canonical", "speaker_affiliation", "source_type")
#: Code values read as yes (1) / no (0); anything else is kept as a category.
YES = frozenset({"1", "yes", "y", "true", "t", "x"})
NO = frozenset({"0", "no", "n", "false", "f"})


QUOTE_HELP = {
    "kind": "Write direct (verbatim in quotation marks), partial (a quoted fragment inside the "
    "reporter's sentence) or indirect (reported speech without quotation marks).",
    "speaker_canonical": "Write the full name of the person or institution who said it (a named "
    "spokesperson, a ministry), even when the sentence names them only by role or pronoun.",
    "speaker_affiliation": "Write the party, country or organisation the article itself ties the speaker "
    "to (a party named beside the name, the government, company or group they speak for), as the "
    "article names it; leave the cell empty when the article ties them to none.",
}


def quote_help(people: Any = None) -> dict[str, str]:
    """Return the coders' instructions for the quote codes, from the source taxonomy and the people table.

    Parameters
    ----------
    people : path, DataFrame or People, optional
        The run's people table (:mod:`analysis.framing.quotes.people`): its affiliations are
        listed as the values to prefer for ``speaker_affiliation``.

    Returns
    -------
    dict
        ``{code: instruction}`` for ``kind``, ``speaker_canonical``, ``speaker_affiliation``
        and ``source_type`` (one line per type of :data:`analysis.framing.quotes.sources.TYPES`).
    """
    out = dict(QUOTE_HELP)
    known = read_people(people)
    values = sorted(
        {a for a in (*known.names.values(), *known.adjectives.values(), *known.parties.values()) if a}
    )
    if values:
        out["speaker_affiliation"] += (
            " This corpus's people table uses these names; write one of them when it applies: "
            + ", ".join(values) + "."
        )
    types = "; ".join(f"{t} ({TYPE_HELP.get(t, '')})" for t in TYPES)
    out["source_type"] = f"Write one of: {types}."
    return out


def _instructions(
    codes: Sequence[str], text_column: str, questions: Mapping[str, list[str]], helps: Mapping[str, str]
) -> str:
    lines = [
        "Instructions for coders",
        "=======================",
        "",
        f"Each row is one unit (the `{text_column}` column) from a news article; `article_id`, `field` and",
        "`start_char`/`end_char` locate it. Read the unit on its own (open the article only when the unit is",
        "unclear), then fill every code column:",
        "",
        "  frame codes: 1 = yes, the unit shows this; 0 = no. Other codes: the value asked for below.",
        "  Leave a cell empty only when you cannot decide.",
        "",
        "Write your name or initials in the `coder` column of every row and any remark in `notes`.",
        "Do not edit, add, delete or reorder rows, and do not change any other column: `coding_id` links",
        "your codes to the unit. Work alone; do not compare codes with other coders before both are done.",
        "",
        "Code columns:",
    ]
    for code in codes:
        name = code.removeprefix("code_")
        lines.append(f"- {code}")
        for q in questions.get(name, []):
            lines.append(f"    * {q}")
        if name in helps:
            lines.append(f"    * {helps[name]}")
    lines.append("")
    lines.append("A frame is present (1) when the unit answers yes to at least one of its questions.")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class CodingGuide:
    """What a coding sheet's codes and instructions come from.

    Attributes
    ----------
    codebook : str, path or mapping, optional
        The run's frame codebook (``resolve_codebook(source)`` for a corpus's own
        ``codebook.yaml``); default the packaged general codebook. Its frames are the default
        codes of a sentence sample and its indicator questions the coders' instructions.
    people : path, DataFrame or People, optional
        The run's people table (``resolve_people(source)``): its affiliations are the values
        the instructions offer for ``speaker_affiliation``; the source types come from the
        package's source taxonomy.
    codes : sequence of str, optional
        Names of the code columns (``code_`` is prefixed when missing); default one per
        frame of the run's codebook, or for a quotes table ``kind, speaker_canonical,
        speaker_affiliation, source_type`` (those present). The automatic values are
        never exported: coders code blind.
    """

    codebook: str | PathLike | Mapping | None = None
    people: Any = None
    codes: Sequence[str] | None = None


def coding_sample(
    table: pd.DataFrame,
    *,
    n: int = 20,
    strata: Sequence[str] = ("outlet",),
    seed: int = config.RANDOM_SEED,
    path: str | PathLike | None = None,
    articles: pd.DataFrame | None = None,
    text_column: str | None = None,
    guide: CodingGuide | None = None,
) -> pd.DataFrame:
    """Draw a stratified random sample of sentences or quotes for human coders (and write it as CSV).

    Parameters
    ----------
    table : pandas.DataFrame
        Units to sample: a sentence table (``article_id, field, sentence_id,
        start_char, end_char, text``), a quotes table (``quote``) or any table with
        ``article_id`` and a text column; needs the ``strata`` columns, or pass
        ``articles`` to join them by ``article_id``.
    n : int, default 20
        Units drawn per stratum (all units of a smaller stratum).
    strata : sequence of str, default ("outlet",)
        Columns that define the strata (empty for a simple random sample).
    seed : int, default :data:`analysis.config.RANDOM_SEED`
        Seed of ``numpy.random.default_rng``.
    path : str or path, optional
        Where to write the CSV (UTF-8); the instructions go beside it as
        ``<stem>.instructions.txt``.
    articles : pandas.DataFrame, optional
        Supplies missing strata columns (e.g. ``outlet``) by ``article_id``.
    text_column : str, optional
        Column holding the unit's text; default the first of ``sentence``, ``quote``,
        ``text``.
    guide : CodingGuide, optional
        The codes, the run's codebook and people table, which the coders' instructions come
        from (default: one code per frame of the packaged general codebook, no people table).

    Returns
    -------
    pandas.DataFrame
        ``coding_id`` (U0001...), the strata columns, ``article_id`` and whichever of
        ``field, sentence_id, start_char, end_char`` the table has, the text column, one
        empty column per code, ``coder`` and ``notes`` (empty). Sorted by stratum,
        article, offset.

    Raises
    ------
    ValueError
        When ``n < 1`` or a needed column is missing.
    """
    guide = guide or CodingGuide()
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if "article_id" not in table.columns:
        raise ValueError(f"table needs an 'article_id' column; got {list(table.columns)}")
    text_column = text_column or next((c for c in CODING_TEXT_COLUMNS if c in table.columns), None)
    if text_column is None or text_column not in table.columns:
        raise ValueError(
            f"table needs a text column (one of {CODING_TEXT_COLUMNS}); got {list(table.columns)}"
        )
    units = table.copy()
    units["article_id"] = units["article_id"].astype(str)
    strata = list(strata)
    missing = [c for c in strata if c not in units.columns]
    if missing and articles is not None:
        extra = articles[["article_id", *[c for c in missing if c in articles.columns]]].copy()
        extra["article_id"] = extra["article_id"].astype(str)
        units = units.merge(extra.drop_duplicates("article_id"), on="article_id", how="left")
        missing = [c for c in strata if c not in units.columns]
    if missing:
        raise ValueError(f"strata columns {missing} are not in the table (pass articles= to join them)")
    codes = guide.codes
    if codes is None:
        if text_column == "quote":
            codes = [c for c in QUOTE_CODES if c in units.columns] or list(QUOTE_CODES[:1])
        else:
            codes = list(load_codebook(guide.codebook))
    code_cols = [c if c.startswith("code_") else f"code_{c}" for c in codes]
    rng = np.random.default_rng(seed)
    order = [c for c in (*strata, "article_id", "field", "start_char") if c in units.columns]
    units = units.sort_values(order, kind="stable").reset_index(drop=True)
    if strata:
        groups = [g for _, g in units.groupby(strata, sort=True, dropna=False)]
    else:
        groups = [units]
    picked = []
    for g in groups:
        take = min(n, len(g))
        picked.append(g.iloc[np.sort(rng.choice(len(g), size=take, replace=False))])
    sample = pd.concat(picked, ignore_index=True) if picked else units.iloc[0:0]
    keys = [c for c in CODING_KEY_COLUMNS if c in sample.columns]
    cols = [*strata, *[k for k in keys if k not in strata], text_column]
    out = sample[cols].copy()
    width = max(4, len(str(len(out))))
    out.insert(0, "coding_id", [f"U{i + 1:0{width}d}" for i in range(len(out))])
    for c in [*code_cols, "coder", "notes"]:
        out[c] = ""
    if path is not None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        out.to_csv(target, index=False, encoding="utf-8")
        book = load_codebook(guide.codebook)
        questions = {f: [i["question"] for i in spec["indicators"]] for f, spec in book.items()}
        target.with_name(target.stem + ".instructions.txt").write_text(
            _instructions(code_cols, text_column, questions, quote_help(guide.people)), encoding="utf-8"
        )
    return out


def _read_coded(item: str | PathLike | pd.DataFrame, i: int) -> pd.DataFrame:
    if isinstance(item, pd.DataFrame):
        frame, name = item.copy(), f"coder{i + 1}"
    else:
        path = Path(item)
        if not path.exists():
            raise FileNotFoundError(f"{path}: coded file not found")
        frame, name = pd.read_csv(path, dtype=str, keep_default_na=False), path.stem
    if "coding_id" not in frame.columns:
        raise ValueError(f"coded file {name!r} has no 'coding_id' column; got {list(frame.columns)}")
    frame["coding_id"] = frame["coding_id"].astype(str)
    coder = (
        frame["coder"].astype(str).str.strip()
        if "coder" in frame.columns
        else pd.Series("", index=frame.index)
    )
    frame["coder"] = coder.where(coder != "", name)
    return frame


def _value(v: object) -> object:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    s = str(v).strip().lower()
    if s in ("", "nan", "none", "na"):
        return None
    if s in YES:
        return 1
    if s in NO:
        return 0
    try:
        return float(s)
    except ValueError:
        return s


def _auto_codes(auto: pd.DataFrame, units: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Turn automatic output into one row per coding_id with code columns."""
    if "coding_id" in auto.columns:
        a = auto.copy()
        a["coding_id"] = a["coding_id"].astype(str)
        cols = {}
        for c in codes:
            src = c if c in a.columns else c.removeprefix("code_")
            if src in a.columns:
                cols[c] = a.set_index("coding_id")[src]
        return pd.DataFrame(cols)
    offsets = ["article_id", "start_char", "end_char"]
    if set(offsets) <= set(auto.columns) and set(offsets) <= set(units.columns) and "frame" not in auto:
        a = auto.copy()
        a["article_id"] = a["article_id"].astype(str)
        a = a.drop_duplicates(offsets).set_index(offsets)
        u = units.drop_duplicates("coding_id").set_index("coding_id")
        key = pd.MultiIndex.from_arrays(
            [u["article_id"].astype(str), u["start_char"].astype(int), u["end_char"].astype(int)]
        )
        cols = {}
        for c in codes:
            src = c if c in a.columns else c.removeprefix("code_")
            if src in a.columns:
                cols[c] = pd.Series(a[src].reindex(key).to_numpy(), index=u.index)
        return pd.DataFrame(cols)
    if {"frame", "article_id", "field", "sentence_id"} <= set(auto.columns):
        need = {"article_id", "field", "sentence_id"}
        if not need <= set(units.columns):
            raise ValueError(
                "frame evidence can be compared only with a sentence sample (article_id, field, sentence_id)"
            )
        hits = {
            (str(a), f, int(s), fr)
            for a, f, s, fr in zip(
                auto["article_id"], auto["field"], auto["sentence_id"], auto["frame"], strict=True
            )
        }
        u = units.drop_duplicates("coding_id").set_index("coding_id")
        cols = {}
        for c in codes:
            frame = c.removeprefix("code_")
            cols[c] = pd.Series(
                [
                    int((str(a), f, int(float(s)), frame) in hits)
                    for a, f, s in zip(u["article_id"], u["field"], u["sentence_id"], strict=True)
                ],
                index=u.index,
            )
        return pd.DataFrame(cols)
    raise ValueError(
        "auto must have a 'coding_id' column with code columns, be keyed by article_id, start_char, "
        "end_char (e.g. the quotes table), or be a frame_evidence() table "
        f"(article_id, field, sentence_id, frame); got {list(auto.columns)}"
    )


def _alpha(matrix: np.ndarray, level: str) -> tuple[float, str]:
    import krippendorff

    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    if pairable.sum() == 0:
        return float("nan"), "no unit coded by two raters"
    values = np.unique(matrix[:, pairable][~np.isnan(matrix[:, pairable])])
    if len(values) < 2:
        return float("nan"), "all raters gave one value: alpha undefined (agreement is trivially perfect)"
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)), ""


def _percent(matrix: np.ndarray) -> float:
    agree, total = 0, 0
    for col in matrix.T:
        vals = col[~np.isnan(col)]
        m = len(vals)
        if m < 2:
            continue
        same = sum((vals[i] == vals[j]) for i in range(m) for j in range(i + 1, m))
        agree += same
        total += m * (m - 1) // 2
    return agree / total if total else float("nan")


def agreement(
    paths_or_frames: Sequence[str | PathLike | pd.DataFrame] | str | PathLike | pd.DataFrame,
    *,
    auto: pd.DataFrame | None = None,
    codes: Sequence[str] | None = None,
    level: str = "nominal",
) -> pd.DataFrame:
    """Read coded samples back and report Krippendorff's alpha between coders and against the machine.

    Parameters
    ----------
    paths_or_frames : path, DataFrame or a sequence of them
        One coded file (CSV written by :func:`coding_sample`) or frame per coder, or one
        long frame with a ``coder`` column. Needs ``coding_id`` and the code columns;
        the coder's name is the ``coder`` column, else the file stem, else ``coderN``.
        Codes ``1/yes/true/x`` read as 1, ``0/no/false`` as 0, blanks as missing, other
        values as categories.
    auto : pandas.DataFrame, optional
        Automatic codes: a frame keyed by ``coding_id`` with the code columns (named
        ``code_x`` or ``x``), a table keyed by ``article_id, start_char, end_char`` with
        them (e.g. the :func:`analysis.quotes` table for a quote sample), or a
        :func:`analysis.framing.frames.frame_evidence` table, which codes a sampled
        sentence 1 for a frame when any of its rules fired in that sentence.
    codes : sequence of str, optional
        Code columns to compare; default every ``code_*`` column.
    level : str, default "nominal"
        Krippendorff level of measurement (``nominal``, ``ordinal``, ``interval``, ``ratio``).

    Returns
    -------
    pandas.DataFrame
        One row per code and comparison: ``code``, ``comparison`` (``coders``,
        ``<coder> vs auto``, ``coders + auto``), ``raters`` (``;``-separated),
        ``n_raters``, ``n_units`` (coded by at least two of the raters), ``n_values``,
        ``alpha`` (NaN when undefined, see ``note``), ``percent_agreement`` (pairwise)
        and ``note``.

    Raises
    ------
    ValueError
        When no code column is found or a file lacks ``coding_id``.
    """
    items = (
        [paths_or_frames] if isinstance(paths_or_frames, (str, PathLike, pd.DataFrame)) else paths_or_frames
    )
    coded = pd.concat([_read_coded(x, i) for i, x in enumerate(items)], ignore_index=True)
    code_cols = list(codes) if codes is not None else [c for c in coded.columns if c.startswith("code_")]
    code_cols = [c if c in coded.columns or c.startswith("code_") else f"code_{c}" for c in code_cols]
    if not code_cols or any(c not in coded.columns for c in code_cols):
        raise ValueError(f"no code columns {code_cols} in the coded files; got {list(coded.columns)}")
    coders = list(dict.fromkeys(coded["coder"]))
    units = list(dict.fromkeys(coded["coding_id"]))
    auto_codes = _auto_codes(auto, coded, code_cols) if auto is not None else None
    rows = []
    for code in code_cols:
        raw = {
            c: coded[coded["coder"] == c].drop_duplicates("coding_id").set_index("coding_id")[code]
            for c in coders
        }
        if auto_codes is not None and code in auto_codes:
            raw["auto"] = auto_codes[code]
        values = {r: s.reindex(units).map(_value) for r, s in raw.items()}
        cats = sorted({v for s in values.values() for v in s if isinstance(v, str)})
        lookup = {c: i for i, c in enumerate(cats)}

        def as_float(v: object, lookup: dict[str, int] = lookup) -> float:
            if v is None:
                return np.nan
            return float(lookup[v] + 1000) if isinstance(v, str) else float(v)

        matrix = {r: np.array([as_float(v) for v in s], dtype=float) for r, s in values.items()}
        comparisons = []
        if len(coders) >= 2:
            comparisons.append(("coders", coders))
        if "auto" in matrix:
            comparisons.extend((f"{c} vs auto", [c, "auto"]) for c in coders)
            if len(coders) >= 2:
                comparisons.append(("coders + auto", [*coders, "auto"]))
        if not comparisons:
            rows.append(
                {
                    "code": code,
                    "comparison": "coders",
                    "raters": ";".join(coders),
                    "n_raters": len(coders),
                    "n_units": 0,
                    "n_values": 0,
                    "alpha": np.nan,
                    "percent_agreement": np.nan,
                    "note": "needs two coders, or one coder and auto=",
                }  # fmt: skip
            )
            continue
        for name, raters in comparisons:
            m = np.vstack([matrix[r] for r in raters])
            alpha, note = _alpha(m, level)
            pairable = (~np.isnan(m)).sum(axis=0) >= 2
            rows.append(
                {
                    "code": code,
                    "comparison": name,
                    "raters": ";".join(raters),
                    "n_raters": len(raters),
                    "n_units": int(pairable.sum()),
                    "n_values": int((~np.isnan(m[:, pairable])).sum()),
                    "alpha": alpha,
                    "percent_agreement": _percent(m),
                    "note": note,
                }
            )
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
