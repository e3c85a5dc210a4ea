"""Titles: the title given by metadata, and a title derived from the first sentence."""

from __future__ import annotations

import re

import pandas as pd

from analysis.clean.patterns import DATELINE, SENTENCE_END


def derive_title(text: str, *, max_words: int = 25) -> str:
    """Return the first sentence of ``text`` (cut at ``max_words`` words) as a stand-in title."""
    dateline = DATELINE.match(text)
    if dateline:
        text = text[dateline.end() :].lstrip()
    first = text
    for m in SENTENCE_END.finditer(text):
        candidate = text[: m.start()].strip()
        prev = candidate.rsplit(None, 1)[-1] if candidate else ""
        if len(candidate) >= 20 and not re.fullmatch(r"(?:[A-Z]\.)+|[A-Z][a-z]{0,2}\.", prev):
            first = candidate
            break
    words = first.split()
    if len(words) > max_words:
        return " ".join(words[:max_words]) + " …"
    return first.rstrip()


def is_given(title: object) -> bool:
    """Return True for a usable title (not None, NaN, pd.NA or blank)."""
    if title is None or (not isinstance(title, str) and pd.isna(title)):
        return False
    return bool(str(title).strip())


def given_titles(articles: pd.DataFrame) -> list[str | None]:
    """Return each article's given title (None when absent, blank or marked ``title_derived``)."""
    if "title" not in articles.columns:
        return [None] * len(articles)
    derived = (
        articles["title_derived"].eq(True)
        if "title_derived" in articles.columns
        else pd.Series(False, index=articles.index)
    )
    return [
        str(t) if is_given(t) and not d else None for t, d in zip(articles["title"], derived, strict=True)
    ]


#: A page title's last part after one of these separators is the site's name when it is short.
_SITE_SUFFIX = re.compile(r"^(?P<head>.{12,}?)\s+(?:[|\-–—:·•»]|::)\s+(?P<site>[^|\-–—:·•»]{2,40})$")


def strip_site_name(title: str) -> str:
    """Return a page title without a trailing site name ("Headline | Site", "Headline - Site").

    Examples
    --------
    >>> strip_site_name("Harbour plan approved | The Coastline Herald")
    'Harbour plan approved'
    >>> strip_site_name("Harbour plan approved - Coastline.example")
    'Harbour plan approved'
    >>> strip_site_name("Ceasefire talks: what we know")
    'Ceasefire talks: what we know'
    """
    m = _SITE_SUFFIX.match(title.strip())
    if m is None or len(m["site"].split()) > 5:
        return title
    site = m["site"].strip()
    # a site name is Title Case or a domain; a subtitle after a colon is lowercase prose
    if (
        not (site[:1].isupper() or site[:1].isdigit() or "." in site)
        or title.strip()[len(m["head"]) :].lstrip()[0] == ":"
    ):
        return title
    return m["head"].strip()
