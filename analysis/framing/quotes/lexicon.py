"""Word lists of quote detection: reporting verbs, hedges, qualifiers, role and institution nouns.

The editable table lives in package data: ``analysis/data/reporting_verbs.csv``
(term, type verb/hedge/qualifier, class). Nothing here names a person: what one
story knows about its people lives beside its corpus (:mod:`.people`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import config

#: Editable table of reporting verbs, hedges and qualifiers.
REPORTING_TERMS = config.DATA_DIR / "reporting_verbs.csv"
#: Affiliation given when nothing in the text (or the corpus's people table) says otherwise.
OTHER = "other"

QUOTE_COLUMNS: tuple[str, ...] = (
    "article_id", "field", "sentence_id", "kind", "quote", "speaker", "speaker_canonical",
    "speaker_affiliation", "verb", "start_char", "end_char", "verb_start_char", "verb_end_char",
    "speaker_start_char", "speaker_end_char", "method", "balanced",
    "source_type", "speaker_gender", "speaker_is_person",
)  # fmt: skip

#: Nouns that name a role; a speaker phrase headed by one is resolved to a named person nearby.
ROLE_NOUNS = frozenset(
    """spokesman spokeswoman spokesperson president minister leader chancellor secretary official
    ambassador envoy aide adviser advisor premier head chief counterpart diplomat commander general
    governor mayor negotiator representative prosecutor king queen prince monarch pope senator
    lawmaker deputy director chairman chairwoman chair""".split()
)
#: Nouns that name an institution; a speaker phrase headed by one is matched to an organisation nearby.
INSTITUTION_NOUNS = frozenset(
    """ministry office government army military embassy agency department palace presidency cabinet
    administration council commission parliament committee service police court bank company force forces
    military navy command staff guard headquarters
    spokesperson's""".split()
)
#: Common nouns for groups of people who can be sources ("officials said", "analysts warned").
GROUP_NOUNS = frozenset(
    """officials authorities analysts experts observers sources source people critics residents witnesses
    diplomats lawmakers leaders negotiators investigators researchers report reports statement media
    newspaper agency""".split()
)
PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
NAME_DEPS = frozenset({"compound", "amod", "det", "poss", "case", "flat", "nmod", "nummod", "punct"})
CLIMB_DEPS = frozenset({"conj", "advcl", "xcomp", "pcomp", "ccomp", "prep", "acl"})
DOBJ_SPEECH = frozenset(
    """acknowledge announce confirm deny emphasize emphasise express reiterate stress underline
    underscore propose voice demand""".split()
)
#: Verbs that report speech only with a clausal complement ("maintained that …", not "maintaining peace").
NEEDS_CLAUSE = frozenset(
    """maintain add note report post answer observe recall predict suggest indicate express
    voice""".split()
)
PREP_SPEECH = {
    "warn": ("of", "about", "against"),
    "caution": ("against", "about"),
    "complain": ("about", "of"),
}
OPEN_CLOSE = {"“": "”", "‘": "’", "«": "»", "„": "“"}
OPENERS = '“"«„'
SENT_END = re.compile(r"(?<![A-Z])(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bMrs)[.!?](?=[\s\"”’]|$)")
WORD = re.compile(r"\w+(?:[’'-]\w+)*")


# --------------------------------------------------------------------------- tables


@functools.lru_cache(maxsize=4)
def _reporting_table(path: str) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"term", "type", "class"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: reporting-terms table needs columns {sorted(missing)}")
    table["term"] = table["term"].str.strip().str.lower()
    return table


def reporting_terms(path: str | Path | None = None) -> pd.DataFrame:
    """Return the editable table of reporting verbs, hedges and qualifiers.

    Parameters
    ----------
    path : str or Path, optional
        A CSV with columns ``term, type, class``; default :data:`REPORTING_TERMS`.

    Returns
    -------
    pandas.DataFrame
        ``term`` (lower case; verbs as lemmas), ``type`` (``verb``, ``hedge``,
        ``qualifier``), ``class`` (``neutral``, ``emphatic``, ``distancing``, ``hedge``).
    """
    return _reporting_table(str(path or REPORTING_TERMS)).copy()


@dataclass(frozen=True)
class Lexicon:
    """Word lists read from the editable reporting-terms table."""

    verbs: dict[str, str]
    hedges: tuple[str, ...]
    qualifiers: tuple[str, ...]


@functools.lru_cache(maxsize=4)
def load_lexicon(terms_path: str) -> Lexicon:
    """Build the lexicon from the reporting-terms table (cached per path)."""
    terms = _reporting_table(terms_path)
    verbs = dict(
        zip(
            terms.loc[terms["type"] == "verb", "term"],
            terms.loc[terms["type"] == "verb", "class"],
            strict=True,
        )
    )
    hedges = tuple(terms.loc[terms["type"] == "hedge", "term"])
    qualifiers = tuple(sorted(terms.loc[terms["type"] == "qualifier", "term"], key=len, reverse=True))
    return Lexicon(verbs, hedges, qualifiers)


def default_lexicon() -> Lexicon:
    """Return the lexicon of the packaged table."""
    return load_lexicon(str(REPORTING_TERMS))
