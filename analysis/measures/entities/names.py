"""Folding and name keys, the alias table, the entity-ruler patterns and common-word tests."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.clean.vocabulary import frequencies as word_frequencies
from analysis.core import rowstore
from analysis.core.parallel import preload
from analysis.measures.entities.lexicon import (
    ALIAS_COLUMNS,
    ALIASES_PATH,
    FACILITY_WORDS,
    KINDS,
    LABEL_OF_KIND,
    ORG_DESIGNATORS,
    PATTERNS_PATH,
)

# --------------------------------------------------------------------------- folding


@functools.lru_cache(maxsize=262144)
def fold(text: str) -> str:
    """Return a lookup key: accents, case, quotes, dots and spacing folded.

    Parameters
    ----------
    text : str
        A surface form.

    Returns
    -------
    str
        Lower-case ASCII-folded form with single spaces.

    Examples
    --------
    >>> fold("  the  Élysée’s ")
    "the elysee's"
    >>> fold("U.S.")
    'us'
    """
    text = str(text)
    if not text.isascii():  # ASCII is unchanged by NFKD and has no combining marks or curly quotes
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.replace("’", "'").replace("‘", "'").replace("ʼ", "'")
        text = text.replace("–", "-").replace("—", "-")
    text = text.replace("`", "'").casefold()
    text = _INNER_DOT.sub("", text)
    return _SPACES.sub(" ", text).strip()


_INNER_DOT = re.compile(r"(?<=\w)\.(?=\w|$|\s)")
_SPACES = re.compile(r"\s+")
_TRANSLIT_END = re.compile(r"(yy|iy|yi|ii|ij)$")
_CONSONANT_I_END = re.compile(r"(?<=[bcdfghjklmnpqrstvwxz])i$")
_SPACED_POSSESSIVE = re.compile(r"\s+'s\b")
_POSSESSIVE_END = re.compile(r"'s?$")
_LEADING_ARTICLE = re.compile(r"^(the|a|an) ")
_NON_WORD = re.compile(r"[^\w\s']")


def fold_name_token(token: str) -> str:
    """Fold a transliteration ending (Zelenskyy / Zelenskiy -> zelensky)."""
    # transliteration families: Zelenskyy / Zelenskiy / Zelenskyi / Zelenski -> zelensky
    if len(token) > 4:
        token = _TRANSLIT_END.sub("y", token)
        token = _CONSONANT_I_END.sub("y", token)
    return token


@functools.lru_cache(maxsize=262144)
def name_key(text: str) -> str:
    """Return the key under which spelling variants of a name fall together.

    Parameters
    ----------
    text : str
        A name (possessive, leading "the" and hyphens are ignored).

    Returns
    -------
    str

    Examples
    --------
    >>> name_key("Zelenskyy") == name_key("Zelensky") == name_key("Zelenskiy")
    True
    >>> name_key("the Kremlin’s")
    'kremlin'
    """
    key = _SPACED_POSSESSIVE.sub("'s", fold(text))
    key = _POSSESSIVE_END.sub("", key)
    key = _LEADING_ARTICLE.sub("", key)
    key = _NON_WORD.sub(" ", key)
    return " ".join(fold_name_token(t) for t in key.split())


def plural_variants(key: str) -> list[str]:
    """Return the key and its singular candidates ("elysees" -> "elysee")."""
    out = [key]
    if key.endswith("es") and len(key) > 4:
        out.append(key[:-1])
        out.append(key[:-2])
    if key.endswith("s") and len(key) > 3:
        out.append(key[:-1])
    return out


def name_parts(key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split a name key into its words without middle initials, and those initials.

    Examples
    --------
    >>> name_parts(name_key("Donald J. Trump"))
    (('donald', 'trump'), ('j',))
    >>> name_parts(name_key("Kim Jong Un"))
    (('kim', 'jong', 'un'), ())
    """
    words = tuple(key.split())
    if len(words) < 3:
        return words, ()
    middle = words[1:-1]
    kept = tuple(w for w in middle if len(w) > 1)
    initials = tuple(w for w in middle if len(w) == 1)
    return (words[0], *kept, words[-1]), initials


def variant_groups(names: dict[str, int]) -> dict[str, str]:
    """Map each full name to the most frequent name with the same first and last word.

    Names that differ only by middle initials or a middle name ("Donald J.
    Trump", "Donald Trump"; "Hillary Rodham Clinton", "Hillary Clinton") are
    one person; when two different middles share the first and last word
    ("George W. Bush", "George H. W. Bush") every name is left as it is.

    Examples
    --------
    >>> variant_groups({"Ann B. Lee": 3, "Ann Lee": 1, "Joe Lee": 2})
    {'Ann B. Lee': 'Ann B. Lee', 'Ann Lee': 'Ann B. Lee', 'Joe Lee': 'Joe Lee'}
    >>> variant_groups({"Al W. Ray": 1, "Al H. W. Ray": 1, "Al Ray": 5})["Al W. Ray"]
    'Al W. Ray'
    """
    groups: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
    out: dict[str, str] = {}
    for name in names:
        words = name_key(name).split()
        if len(words) < 2:
            out[name] = name
            continue
        groups.setdefault((words[0], words[-1]), {})[name] = tuple(words[1:-1])
    for members in groups.values():
        if len({m for m in members.values() if m}) > 1:  # two different people who share the rest
            out.update({name: name for name in members})
            continue
        best = sorted(members, key=lambda n: (-names[n], -len(n), n))[0]
        out.update(dict.fromkeys(members, best))
    return out


@preload
@functools.lru_cache(maxsize=1)
def gender_detector():  # noqa: ANN201 - third-party type
    """Return the (shared, read-only) gender-guesser ``Detector`` (case-insensitive), loaded once.

    Parsing the package's name table (about 48,000 lines) costs a quarter of a second per process;
    the parsed table (name -> gender -> country values, in the package's order) is kept once per
    machine in :data:`analysis.core.rowstore.MODEL_DIR` (one file per gender-guesser and Python
    version) and the detector is built around it, so it answers exactly as a freshly parsed one.
    """
    from importlib.metadata import version

    import gender_guesser.detector

    def parse() -> dict[str, dict[str, str]]:
        return gender_guesser.detector.Detector(case_sensitive=False).names

    detector = object.__new__(gender_guesser.detector.Detector)
    detector.case_sensitive = False
    detector.names = rowstore.stored_dict(f"gender-guesser-names-{version('gender-guesser')}", parse)
    return detector


@functools.lru_cache(maxsize=65536)
def first_name_gender(name: str) -> str:
    """Return ``'male'``, ``'female'`` or ``''`` for a first name (gender-guesser's lists; "mostly" -> '')."""
    word = name.split()[0] if name.split() else ""
    if len(word) < 2 or not word[:1].isalpha():
        return ""
    guess = gender_detector().get_gender(word.strip(".").capitalize())
    return guess if guess in ("male", "female") else ""  # "mostly_female" Bernie is not sure enough


def is_given_name(word: str) -> bool:
    """Tell whether the first-name table knows ``word`` as a given name (of any gender, "Bernie" too)."""
    if len(word) < 2 or not word[:1].isalpha():
        return False
    return gender_detector().get_gender(word.strip(".").capitalize()) != "unknown"


# --------------------------------------------------------------------------- alias table


@dataclass(frozen=True)
class Alias:
    """One entry of the alias table (see ``analysis/data/aliases.csv``)."""

    canonical: str
    kind: str
    country: str
    category: str
    label: str


@dataclass
class AliasTable:
    """Folded alias key -> :class:`Alias`, with lookups tolerant to plurals and "the".

    Attributes
    ----------
    entries : dict
        ``name_key(alias) -> Alias``.
    frame : pandas.DataFrame
        The table as read (columns ``ALIAS_COLUMNS``).
    """

    entries: dict[str, Alias]
    frame: pd.DataFrame
    max_tokens: int = field(default=1)
    first_words: frozenset[str] = field(default=frozenset())
    last_words: frozenset[str] = field(default=frozenset())
    _can_end: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)
    #: canonical person name -> country, from the person rows that give one
    person_countries: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Index the first and last word of every key, so most token runs are rejected at once."""
        self.first_words = frozenset(k.split()[0] for k in self.entries)
        self.last_words = frozenset(k.split()[-1] for k in self.entries)
        self.person_countries = {
            a.canonical: a.country for a in self.entries.values() if a.kind == "person" and a.country
        }

    def can_end_with(self, token: str) -> bool:
        """Tell whether a run of tokens ending with ``token`` can have an alias key.

        The last word of ``name_key(" ".join(tokens))`` is the last word of
        ``name_key(tokens[-1])`` whenever the last token holds no whitespace and
        does not start with an apostrophe (which would join it to the token before,
        as in "Putin 's") and has a key of its own; otherwise this answers True
        (cannot tell).
        """
        known = self._can_end.get(token)
        if known is not None:
            return known
        if not token or token != token.strip() or len(token.split()) != 1 or fold(token).startswith("'"):
            answer = True
        else:
            key = name_key(token)
            answer = not key or key.rsplit(" ", 1)[-1] in self.last_words
        if len(self._can_end) < 1 << 18:
            self._can_end[token] = answer
        return answer

    def starts_here(self, word: str) -> bool:
        """Tell whether an alias can start with this word."""
        return name_key(word).split(" ", 1)[0] in self.first_words if word else False

    def lookup(self, text: str) -> Alias | None:
        """Return the entry for a surface form, or None."""
        key = name_key(text)
        if not key:
            return None
        candidates = plural_variants(key)
        words = key.split()
        if len(words) > 1 and words[-1] in FACILITY_WORDS:
            candidates += plural_variants(" ".join(words[:-1]))
        for variant in candidates:
            hit = self.entries.get(variant)
            if hit is not None:
                return hit
        return None

    def countries(self) -> set[str]:
        """Return every country named in the table."""
        return {a.country for a in self.entries.values() if a.country}


def _read_alias_source(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
    else:
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(f"alias file {str(path)!r} does not exist")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = {"alias", "canonical", "kind"} - set(frame.columns)
    if missing:
        raise ValueError(
            f"alias table needs columns alias, canonical, kind (optional: country, category, label); "
            f"missing {sorted(missing)}"
        )
    for column in ALIAS_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame[list(ALIAS_COLUMNS)].fillna("").astype(str)
    bad = sorted(set(frame["kind"]) - set(KINDS))
    if bad:
        raise ValueError(f"alias table has unknown kind(s) {bad}; use one of {list(KINDS)}")
    return frame


def load_aliases(
    extra: str | Path | pd.DataFrame | Sequence[str | Path | pd.DataFrame] | None = None,
    *,
    include_default: bool = True,
) -> AliasTable:
    """Read the package alias table and any extra tables (later rows win).

    Parameters
    ----------
    extra : path, DataFrame or list of them, optional
        Further alias tables with columns ``alias, canonical, kind`` and
        optionally ``country, category, label``.
    include_default : bool, default True
        Start from ``analysis/data/aliases.csv``.

    Returns
    -------
    AliasTable
    """
    sources: list[str | Path | pd.DataFrame] = [ALIASES_PATH] if include_default else []
    if extra is not None:
        if isinstance(extra, (str, Path, pd.DataFrame)):
            sources.append(extra)
        else:
            sources.extend(extra)
    frames = [_read_alias_source(s) for s in sources]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ALIAS_COLUMNS)
    entries: dict[str, Alias] = {}
    max_tokens = 1
    for row in frame.itertuples(index=False):
        label = row.label or LABEL_OF_KIND[row.kind]
        key = name_key(row.alias)
        if key:
            entries[key] = Alias(row.canonical, row.kind, row.country, row.category, label)
            max_tokens = max(max_tokens, len(key.split()))
    return AliasTable(entries, frame, max_tokens)


@functools.lru_cache(maxsize=1)
def _default_aliases(mtime: float) -> AliasTable:
    return load_aliases()


def resolve_aliases(aliases) -> AliasTable:
    """Return an :class:`AliasTable` for ``None`` (package table), a table, or extra sources."""
    if isinstance(aliases, AliasTable):
        return aliases
    if aliases is None:
        return _default_aliases(ALIASES_PATH.stat().st_mtime)
    return load_aliases(aliases)


@functools.lru_cache(maxsize=1)
def _ruler_patterns(mtime: float) -> frozenset[tuple[str, ...]]:
    import json

    out = set()
    for line in PATTERNS_PATH.read_text("utf-8").splitlines():
        if line.strip():
            pattern = json.loads(line)["pattern"]
            if isinstance(pattern, str):
                out.add(tuple(fold(pattern).split()))
            else:
                out.add(tuple(fold(next(iter(t.values()))) for t in pattern if not t.get("OP")))
    return frozenset(out)


def ruler_patterns() -> frozenset[tuple[str, ...]]:
    """Return the folded token sequences of the shipped EntityRuler patterns."""
    if not PATTERNS_PATH.exists():
        return frozenset()
    return _ruler_patterns(PATTERNS_PATH.stat().st_mtime)


# --------------------------------------------------------------------------- common words


#: The frequency list :func:`zipf_frequency` reads is loaded before workers fork (they share it).
preload(word_frequencies)
#: Zipf frequency (wordfreq, English) from which a word counts as common.
COMMON_WORD_ZIPF = 3.5


@functools.lru_cache(maxsize=65536)
def is_common_word(word: str) -> bool:
    """Return True for a frequent English word (a headline-case word, not a name)."""
    low = fold(word)
    if not low.isalpha() or low in ORG_DESIGNATORS:
        return False
    return zipf_frequency(low) >= COMMON_WORD_ZIPF


def zipf_frequency(word: str) -> float:
    """Return ``wordfreq.zipf_frequency(word, "en")`` for a lower-case word.

    An ASCII word is one token for wordfreq, so its value is read from the stored
    frequency list the loader already holds (:func:`analysis.clean.vocabulary.frequencies`),
    rounded as wordfreq rounds (3 significant digits, then Zipf to 0.01): importing
    wordfreq costs every worker process a fifth of a second. Other words go to wordfreq.
    """
    if not word.isascii():
        from wordfreq import zipf_frequency

        return zipf_frequency(word, "en")
    freq = word_frequencies().get(word)
    if not freq:
        return 0.0
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)
    return round(math.log(freq, 10) + 9, 2)
