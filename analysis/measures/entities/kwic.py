"""Keyword-in-context lines for a canonical entity or a surface term."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.measures.entities.lexicon import KWIC_COLUMNS
from analysis.measures.entities.names import fold
from analysis.schema import ok_articles

# --------------------------------------------------------------------------- kwic


def _context(text: str, start: int, end: int, window: int) -> tuple[str, str]:
    left_words = text[:start].split()
    right_words = text[end:].split()
    return " ".join(left_words[-window:]) if window else "", " ".join(right_words[:window]) if window else ""


def kwic(
    articles: pd.DataFrame,
    term_or_entity: str,
    *,
    window: int = 8,
    mentions: pd.DataFrame,
) -> pd.DataFrame:
    """Return keyword-in-context lines for a canonical entity or a surface term.

    When ``term_or_entity`` equals a canonical name in ``mentions`` (case
    and accents ignored), every mention of that entity is shown, including
    surname-only, variant and role-phrase mentions. Otherwise the term is
    searched as a whole-word, case-insensitive string in titles and bodies.

    Parameters
    ----------
    articles : pandas.DataFrame
        ``article_id`` and ``text`` (``title``, ``status`` used when present).
    term_or_entity : str
        A canonical name ("Vladimir Putin") or any surface string ("Kremlin").
    window : int, default 8
        Words of context either side.
    mentions : pandas.DataFrame
        Output of :func:`entity_mentions`; required (``analysis.kwic(articles, term)``
        computes it when omitted).

    Returns
    -------
    pandas.DataFrame
        ``article_id, field, start_char, end_char, left, match, right``,
        sorted by article, field and offset.
    """
    if not isinstance(term_or_entity, str) or not term_or_entity.strip():
        raise ValueError("kwic needs a non-empty term or entity name")
    if window < 0:
        raise ValueError("window must be >= 0")
    rows = ok_articles(articles)
    texts: dict[tuple[str, str], str] = {}
    for fld in ("title", "text"):
        if fld in rows.columns:
            for aid, value in zip(rows["article_id"].astype(str), rows[fld], strict=True):
                texts[(aid, fld)] = (
                    "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
                )
    target = fold(term_or_entity)
    hits = mentions[mentions["canonical"].map(fold) == target] if len(mentions) else mentions
    out = []
    if len(hits):
        for r in hits.itertuples(index=False):
            text = texts.get((str(r.article_id), r.field), "")
            left, right = _context(text, r.start_char, r.end_char, window)
            out.append(
                (
                    str(r.article_id),
                    r.field,
                    int(r.start_char),
                    int(r.end_char),
                    left,
                    " ".join(text[r.start_char : r.end_char].split()),
                    right,
                )
            )
    else:
        pattern = re.compile(r"(?<!\w)" + re.escape(term_or_entity.strip()) + r"(?!\w)", re.IGNORECASE)
        for (aid, fld), text in texts.items():
            for match in pattern.finditer(text):
                left, right = _context(text, match.start(), match.end(), window)
                shown = " ".join(match.group(0).split())
                out.append((aid, fld, match.start(), match.end(), left, shown, right))
    frame = pd.DataFrame(out, columns=KWIC_COLUMNS)
    frame["start_char"] = frame["start_char"].astype("int64")
    frame["end_char"] = frame["end_char"].astype("int64")
    return frame.sort_values(["article_id", "field", "start_char"], kind="stable").reset_index(drop=True)


def canonical_names(mentions: pd.DataFrame) -> Iterable[str]:
    """Return the distinct canonical names of a mention table, sorted."""
    return sorted(set(mentions["canonical"]))
