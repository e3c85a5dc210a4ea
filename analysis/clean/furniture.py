"""Site furniture: lines that recur in many articles of the same outlet (menus, footers, promos).

A cheap first pass over the corpus hashes every non-blank line of every article; a line
printed in at least :data:`MIN_ARTICLES` articles of one outlet and in at least
:data:`MIN_SHARE` of that outlet's articles is furniture of that outlet. Each article gets the
furniture hashes it contains (:func:`furniture_table`); they are an explicit input of its
cleaning (and of its cache key), so adding articles re-cleans only those whose furniture
changed. The same line in two different outlets is never furniture of either by that alone.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

import pandas as pd

from analysis.clean.patterns import normalise_block

#: A line must recur in at least this many articles of one outlet ...
MIN_ARTICLES = 4
#: ... and in at least this share of the outlet's articles to be its furniture.
MIN_SHARE = 0.5
#: Reason given to a furniture block.
FURNITURE_REASON = "site furniture (recurs across this outlet's articles)"
_SPACES = re.compile(r"\s+")


def line_hash(text: str) -> str:
    """Return the hash a line or block is compared by (case, punctuation and spacing ignored).

    Examples
    --------
    >>> line_hash("Sign up  for our NEWSLETTER!") == line_hash("sign up for our newsletter")
    True
    """
    return hashlib.sha1(normalise_block(_SPACES.sub(" ", text)).encode()).hexdigest()[:16]


def _line_hashes(raw: object) -> set[str]:
    if not isinstance(raw, str):
        return set()
    return {line_hash(line) for line in raw.split("\n") if any(c.isalnum() for c in line)}


def line_hashes(raw: pd.DataFrame) -> list[set[str]]:
    """Return per article the hashes (:func:`line_hash`) of its non-blank lines (``raw_text`` or ``text``)."""
    column = "raw_text" if "raw_text" in raw.columns else "text"
    if column not in raw.columns:
        return [set() for _ in range(len(raw))]
    return [_line_hashes(t) for t in raw[column]]


def furniture_table(raw: pd.DataFrame, hashes: list[set[str]] | None = None) -> pd.Series:
    """Return, per article, the sorted tuple of its lines' hashes that are its outlet's furniture.

    Parameters
    ----------
    raw : pandas.DataFrame
        ``raw_text`` (else ``text``) and ``outlet``; articles without an outlet have none.
    hashes : list of set of str, optional
        :func:`line_hashes` of ``raw`` when already known (the loader caches them per text, so
        a run with new articles hashes only their lines); computed when None.

    Returns
    -------
    pandas.Series
        Tuples of hashes (:func:`line_hash`), aligned with ``raw`` (empty tuples when none).
    """
    column = "raw_text" if "raw_text" in raw.columns else "text"
    empty = pd.Series([()] * len(raw), index=raw.index, dtype=object)
    if "outlet" not in raw.columns or column not in raw.columns:
        return empty
    outlets = raw["outlet"].where(raw["outlet"].notna(), "").astype(str).str.strip()
    if hashes is None:
        hashes = line_hashes(raw)
    out = empty.copy()
    positions = pd.Series(range(len(raw)), index=raw.index)
    for outlet, members in positions.groupby(outlets.to_numpy()):
        if not outlet or len(members) < MIN_ARTICLES:
            continue
        counts = Counter(h for i in members for h in hashes[i])
        floor = max(MIN_ARTICLES, MIN_SHARE * len(members))
        common = {h for h, n in counts.items() if n >= floor}
        if not common:
            continue
        for i in members:
            out.iloc[i] = tuple(sorted(hashes[i] & common))
    return out
