"""A corpus's own people: the who's who of one story, kept beside its corpus as ``people.csv``.

Speaker resolution is general (:mod:`.speakers`): names, titles, appositions, the article's
own introductions and role nouns, with affiliations read from the text (:mod:`.sources`).
What only one story knows (that "Peskov" alone means Dmitry Peskov, that its spokesman
speaks for Russia) belongs to that story's corpus, never to the package: a ``people.csv``
beside the corpus (found by :func:`analysis.corpus.files.corpus_file`, like ``codebook.yaml``)
or passed explicitly (``analysis.run(..., people=...)``, ``analysis.quotes(..., people=...)``).

Columns (UTF-8 CSV):

``name``
    A person's full name, an institution, a place, an adjective or a party word.
``affiliation``
    What the row ties to: a country, an organisation or a party.
``kind``
    ``person`` (a surname alone is completed to this full name when the article never names
    another person of that surname; the affiliation is used when the text gives none),
    ``institution`` and ``place`` (a speaker phrase naming them), ``adjective`` ("Russian" in
    "the Russian minister"), ``party`` (a party word: "Tory" -> Conservative Party).
``roles`` (optional)
    ``|``-separated role nouns a person holds in the story ("spokesman|press secretary"): a
    role phrase ("the spokesman said") reaches them even when the article gives no role.

Without the file, a run knows no person in advance.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import config
from analysis.corpus.files import corpus_file
from analysis.framing.quotes.fields import surname

#: File name of a corpus's own people table, looked up beside the corpus (like ``codebook.yaml``).
CORPUS_PEOPLE_NAME = config.CORPUS_FILE_NAMES[2]
#: Columns of a people table (``roles`` may be left out).
PEOPLE_COLUMNS = ("name", "affiliation", "kind", "roles")
#: Kinds of row a people table may hold.
PEOPLE_KINDS = ("person", "institution", "place", "adjective", "party")


class PeopleError(ValueError):
    """A people table is missing, unreadable or malformed (the message says where)."""


@dataclass(frozen=True)
class People:
    """A corpus's people table as lookups (lower-case keys); empty when the corpus has none."""

    names: dict[str, str] = field(default_factory=dict)  # person/institution/place -> affiliation
    surnames: dict[str, str] = field(default_factory=dict)  # last word of a person's name -> full name
    adjectives: dict[str, str] = field(default_factory=dict)
    roles: dict[str, frozenset[str]] = field(default_factory=dict)  # full name -> roles
    parties: dict[str, str] = field(default_factory=dict)  # party word -> party
    source: str = ""
    digest: str = ""

    def affiliation_of(self, canonical: str | None) -> str:
        """Return the table's affiliation of a full name or of a surname it completes ("" when none)."""
        if not canonical:
            return ""
        low = canonical.lower()
        if low in self.names:
            return self.names[low]
        words = low.split()
        if len(words) == 1 and words[0] in self.surnames:
            return self.names.get(self.surnames[words[0]].lower(), "")
        return ""


#: The people of a corpus that has no people table.
NO_PEOPLE = People()


def resolve_people(source: Any, people: Any = None) -> Any:
    """Choose a corpus's people table: explicit, else ``people.csv`` beside the corpus, else None.

    Parameters
    ----------
    source : str, path, DataFrame or None
        What the corpus was loaded from (the rule of :func:`analysis.corpus.files.corpus_file`).
    people : str, path, DataFrame or People, optional
        An explicit table: wins over everything.

    Returns
    -------
    pathlib.Path, DataFrame, People or None
        None when the corpus has no people table (nothing is known in advance).

    Examples
    --------
    >>> resolve_people(None) is None
    True
    """
    return corpus_file(source, CORPUS_PEOPLE_NAME, people, None)


def _table(people: str | PathLike | pd.DataFrame) -> tuple[pd.DataFrame, str]:
    if isinstance(people, pd.DataFrame):
        return people.copy(), "<table>"
    path = Path(people)
    if not path.is_file():
        raise PeopleError(f"{path}: people table not found")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise PeopleError(f"{path}: not a readable CSV ({exc})") from exc
    return table, str(path)


def _parse(table: pd.DataFrame, source: str) -> People:
    missing = {"name", "affiliation", "kind"} - set(table.columns)
    if missing:
        raise PeopleError(f"{source}: a people table needs columns {sorted(missing)}")
    table = table.fillna("").astype(str)
    if "roles" not in table.columns:
        table["roles"] = ""
    table = table[list(PEOPLE_COLUMNS)].apply(lambda c: c.str.strip())
    bad = sorted(set(table["kind"]) - set(PEOPLE_KINDS))
    if bad:
        raise PeopleError(f"{source}: unknown kind {bad}; use one of {list(PEOPLE_KINDS)}")
    empty = table["name"] == ""
    if empty.any():
        raise PeopleError(f"{source}: row {int(empty.idxmax()) + 2} has no name")
    rows = sorted(map(tuple, table.to_numpy().tolist()))
    digest = hashlib.sha256(json.dumps(rows).encode("utf-8")).hexdigest()
    kind = table["kind"]
    named = table[kind.isin(["person", "institution", "place"])]
    persons = table[kind == "person"]
    adjectives, parties = table[kind == "adjective"], table[kind == "party"]
    return People(
        names={n.lower(): a for n, a in zip(named["name"], named["affiliation"], strict=True)},
        surnames={surname(n): n for n in persons["name"]},
        adjectives=dict(zip(adjectives["name"].str.lower(), adjectives["affiliation"], strict=True)),
        roles={
            n.lower(): frozenset(r.strip().lower() for r in rs.split("|") if r.strip())
            for n, rs in zip(persons["name"], persons["roles"], strict=True)
        },
        parties=dict(zip(parties["name"].str.lower(), parties["affiliation"], strict=True)),
        source=source,
        digest=digest,
    )


@functools.lru_cache(maxsize=8)
def _read_path(path: str, mtime_ns: int, size: int) -> People:
    return _parse(*_table(path))


def read_people(people: str | PathLike | pd.DataFrame | People | None = None) -> People:
    """Read and check a people table (see the module docstring for its columns).

    Parameters
    ----------
    people : str, path, DataFrame, People or None
        A CSV file, a table with the same columns, an already read table, or None (no table:
        :data:`NO_PEOPLE`).

    Returns
    -------
    People
        Lookups by lower-case name, with ``digest``: a SHA-256 of the rows (the same content
        gives the same digest whatever the file's path or row order).

    Raises
    ------
    PeopleError
        When the file is missing or unreadable, a column is missing, a kind is unknown or a
        row has no name.
    """
    if people is None:
        return NO_PEOPLE
    if isinstance(people, People):
        return people
    if isinstance(people, pd.DataFrame):
        return _parse(*_table(people))
    path = Path(people)
    if not path.is_file():
        raise PeopleError(f"{path}: people table not found")
    stat = path.stat()
    return _read_path(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def people_digest(people: str | PathLike | pd.DataFrame | People | None = None) -> str:
    """Return the content digest of a people table ("" for none): it keys the ``quotes`` stage's cache."""
    return read_people(people).digest
