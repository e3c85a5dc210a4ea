"""Outlet evidence printed in the text: repost disclaimers, agency sign-offs and datelines."""

from __future__ import annotations

import csv
import re
from functools import lru_cache

import pandas as pd

from analysis import config
from analysis.clean.patterns import DATELINE, REPOSTER
from analysis.clean.segment import Block


@lru_cache(maxsize=1)
def outlet_signatures() -> pd.DataFrame:
    """Read the table of known agency / outlet signatures.

    Returns
    -------
    pandas.DataFrame
        Columns ``signature`` (the code printed in the text, e.g. ``AFP``),
        ``outlet``, ``full_name``, ``outlet_type``, ``country``; from
        ``analysis/data/outlet_signatures.csv`` (edit it to add agencies).
    """
    with open(config.DATA_DIR / "outlet_signatures.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return pd.DataFrame(rows, columns=["signature", "outlet", "full_name", "outlet_type", "country"])


@lru_cache(maxsize=1)
def signature_lookup() -> dict[str, tuple[str, str, str]]:
    """Map each signature, outlet and full name (casefolded) to ``(outlet, full_name, outlet_type)``."""
    table = outlet_signatures()
    lookup: dict[str, tuple[str, str, str]] = {}
    for row in table.itertuples():
        for key in (row.signature, row.outlet, row.full_name):
            lookup.setdefault(str(key).casefold(), (row.outlet, row.full_name, row.outlet_type))
    return lookup


def detect_outlet(blocks: list[Block]) -> tuple[str | None, str | None]:
    """Detect the outlet from a repost disclaimer, an agency sign-off or dateline."""
    lookup = signature_lookup()
    for b in blocks:
        if b.role == "boilerplate":
            m = REPOSTER.search(b.text)
            if m:
                return m["name"].rstrip(".,"), "aggregator-reposter"
    signs = [b for b in blocks if b.signature and b.role == "credit"]
    if signs:
        code = signs[-1].signature
        known = lookup.get(code.casefold())
        if known:
            return known[0], known[2]
        if re.fullmatch(r"[A-Z]{2,8}", code):
            return code, "unknown"
    body = [b for b in blocks if b.role == "body"]
    if body:
        m = DATELINE.match(body[0].text)
        if m:
            known = lookup.get(m["code"].casefold())
            if known:
                return known[0], known[2]
    return None, None
