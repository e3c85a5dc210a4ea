"""Turn spaCy's raw entity spans into canonical entity mentions, counts and concordances.

spaCy runs only in :mod:`analysis.annotate`; this module reads its cached
token and entity tables and applies canonical names *on top*, so editing the
alias table never re-runs spaCy. The rules are general pattern families,
applied in this order:

1. **Labels kept**: ``PERSON`` (kind ``person``), ``NORP`` (``group``),
   ``ORG`` (``organisation``), ``GPE``, ``LOC``, ``FAC`` (``place``).
   Numeric and temporal labels and the rest (``DATE``, ``TIME``,
   ``CARDINAL``, ``ORDINAL``, ``MONEY``, ``PERCENT``, ``QUANTITY``,
   ``EVENT``, ``LAW``, ``LANGUAGE``, ``PRODUCT``, ``WORK_OF_ART``) are not
   entities in the person/organisation/place/group sense and are dropped.
2. **Span repair**: possessives (``’s``/``'s``) are cut off; a span that
   crosses a line break is cut at it; a span ending in common capitalised
   words after a known name or place (headline case: "Vladimir Putin
   Willing", "Macron’s Previous Statements", "The First Steps Toward
   Russia") is trimmed to the name; titles and honorifics in front of a
   person ("President", "Mr", "Kremlin spokesman") are stripped.
3. **Alias table** (``analysis/data/aliases.csv`` plus the user's own
   file): countries, capitals, regions, demonyms, international
   organisations, seats of power used as metonyms ("the Kremlin" ->
   "Russian presidency (Kremlin)", kind organisation, country Russia).
   Lookup keys are accent-, case-, punctuation- and plural-folded, so
   "Elysee", "Élysée" and "the Elysees" are one key. A match fixes spaCy's
   label (e.g. "Kyiv" PERSON -> GPE, "Slovakia" ORG -> GPE).
4. **People**: transliteration variants fold together (Zelensky /
   Zelenskyy / Zelenskiy); a surname resolves to the full name seen in the
   same article (or to a person row of the alias table); a non-person
   span equal to a person named in the article is relabelled ``PERSON``.
5. **Role phrases** ("the French president", "his Russian counterpart", "a
   Russian presidential spokesman", "the head of the Kremlin") resolve to
   the one person in the article who holds that role for that country,
   using role evidence next to names ("Russian President Vladimir Putin",
   "Dmitry Peskov, the Russian presidential press secretary") in the same
   article. They are marked ``via='role'``.

Everything is resolved **within each article**: a per-article stage must
give the same answer whichever articles share its chunk (docs/scale.md), so
evidence from other articles is never used. A person whose role or country
an article never states keeps an empty ``country`` there, and a role phrase
with no titled holder in the article stays unresolved; a person row in
your alias table (kind ``person``, with ``country``) gives that person's
country everywhere.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis import config
from analysis.core.stage import stage
from analysis.load import ok_articles

if TYPE_CHECKING:  # pragma: no cover
    from analysis.annotate import Annotations

#: The package alias table (editable CSV shipped with the code).
ALIASES_PATH: Path = config.DATA_DIR / "aliases.csv"
#: EntityRuler patterns added before spaCy's ``ner`` by :mod:`analysis.annotate`.
PATTERNS_PATH: Path = config.DATA_DIR / "entity_patterns.jsonl"

MENTION_COLUMNS: list[str] = [
    "article_id", "field", "sentence_id", "start_char", "end_char", "text", "label",
    "canonical", "kind", "via", "country", "ner_label",
]  # fmt: skip
ALIAS_COLUMNS: list[str] = ["alias", "canonical", "kind", "country", "category", "label"]
KWIC_COLUMNS: list[str] = ["article_id", "field", "start_char", "end_char", "left", "match", "right"]

#: spaCy labels kept, and the kind each one maps to.
KIND_OF_LABEL: dict[str, str] = {
    "PERSON": "person",
    "NORP": "group",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
#: Label given to a span whose kind was corrected by the alias table or a person match.
LABEL_OF_KIND: dict[str, str] = {"person": "PERSON", "organisation": "ORG", "place": "GPE", "group": "NORP"}
KINDS: tuple[str, ...] = ("person", "organisation", "place", "group")
VIAS: tuple[str, ...] = ("ner", "ruler", "alias", "role")

# --------------------------------------------------------------------------- lexicons (general English)

#: Honorifics stripped from the front of a person's name.
HONORIFICS = frozenset(
    "mr mr. mrs mrs. ms ms. miss dr dr. sir dame lord lady madame mme monsieur m. herr frau prof prof. "
    "sen sen. rep rep. gov gov. gen gen. col col. capt capt. lt lt. sgt sgt. hon hon. rev rev. st "
    "sheikh ayatollah imam pope cardinal archbishop bishop rabbi father comrade".split()
)
#: Role nouns (folded, possibly multi-word) -> normalised title.
ROLE_TITLES: dict[str, str] = {
    "president": "president",
    "vice president": "vice president",
    "vice-president": "vice president",
    "prime minister": "prime minister",
    "premier": "prime minister",
    "pm": "prime minister",
    "chancellor": "chancellor",
    "king": "king",
    "queen": "queen",
    "emir": "emir",
    "crown prince": "crown prince",
    "monarch": "king",
    "supreme leader": "supreme leader",
    "leader": "leader",
    "head of state": "leader",
    "head of government": "leader",
    "head": "head",
    "counterpart": "counterpart",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "spokesperson": "spokesperson",
    "press secretary": "spokesperson",
    "press officer": "spokesperson",
    "foreign minister": "foreign minister",
    "foreign secretary": "foreign minister",
    "minister of foreign affairs": "foreign minister",
    "secretary of state": "foreign minister",
    "defence minister": "defence minister",
    "defense minister": "defence minister",
    "defence secretary": "defence minister",
    "defense secretary": "defence minister",
    "secretary of defense": "defence minister",
    "minister of defence": "defence minister",
    "minister of defense": "defence minister",
    "finance minister": "finance minister",
    "minister of finance": "finance minister",
    "treasury secretary": "finance minister",
    "interior minister": "interior minister",
    "home secretary": "interior minister",
    "justice minister": "justice minister",
    "attorney general": "justice minister",
    "national security adviser": "national security adviser",
    "national security advisor": "national security adviser",
    "ambassador": "ambassador",
    "envoy": "envoy",
    "special envoy": "envoy",
    "governor": "governor",
    "mayor": "mayor",
    "foreign ministry spokesman": "foreign ministry spokesperson",
    "foreign ministry spokeswoman": "foreign ministry spokesperson",
    "foreign ministry spokesperson": "foreign ministry spokesperson",
}
#: Titles that all denote the top leader of a country (matched by "leader", "head", "counterpart").
HEAD_TITLES = frozenset(
    {"president", "prime minister", "chancellor", "king", "queen", "emir", "supreme leader"}
)
#: Titles that need a country or institution to mean anything ("the head", "the leader" alone are vague).
VAGUE_TITLES = frozenset({"head", "leader", "counterpart"})
#: Adjectives allowed inside a role phrase that do not change the role.
ROLE_MODIFIERS = frozenset(
    {"presidential", "top", "chief", "then", "current", "incumbent", "newly", "elected"}
)
#: Adjectives that change the role (a former president is not the president).
ROLE_CHANGERS = frozenset(
    {"former", "ex", "ex-", "deputy", "acting", "late", "future", "outgoing", "interim"}
)
#: Trailing words that name the building of an institution ("Élysée Palace" -> "Élysée").
FACILITY_WORDS = frozenset({"palace", "building", "headquarters", "hq", "compound", "residence"})
HEADLINE_PREPOSITIONS = frozenset(
    "for to toward towards in on with from against over into after before about behind at by".split()
)
DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "its", "our", "whose", "this", "that"})
POSSESSIVE_TOKENS = frozenset({"'s", "’s", "'", "’", "s"})
#: Words that make a span an organisation name even when they are common words ("Bank of France").
ORG_DESIGNATORS = frozenset(
    "bank university college party ministry department corporation corp inc ltd company co group council "
    "committee agency office institute foundation association union federation league court army navy "
    "force forces service parliament assembly senate congress commission authority fund school hospital "
    "church club airlines airways times post news press journal tribune herald guardian network "
    "television radio palace house street square".split()
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


def _fold_name_token(token: str) -> str:
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
    return " ".join(_fold_name_token(t) for t in key.split())


def _plural_variants(key: str) -> list[str]:
    out = [key]
    if key.endswith("es") and len(key) > 4:
        out.append(key[:-1])
        out.append(key[:-2])
    if key.endswith("s") and len(key) > 3:
        out.append(key[:-1])
    return out


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
        candidates = _plural_variants(key)
        words = key.split()
        if len(words) > 1 and words[-1] in FACILITY_WORDS:
            candidates += _plural_variants(" ".join(words[:-1]))
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
    frame = frame[ALIAS_COLUMNS].fillna("").astype(str)
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


def _resolve_aliases(aliases) -> AliasTable:
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


#: Zipf frequency (wordfreq, English) from which a word counts as common.
COMMON_WORD_ZIPF = 3.5


@functools.lru_cache(maxsize=65536)
def _common(word: str) -> bool:
    """Return True for a frequent English word (a headline-case word, not a name)."""
    low = fold(word)
    if not low.isalpha() or low in ORG_DESIGNATORS:
        return False
    return _zipf_frequency(low) >= COMMON_WORD_ZIPF


def _zipf_frequency(word: str) -> float:
    """Return ``wordfreq.zipf_frequency(word, "en")`` for a lower-case word.

    An ASCII word is one token for wordfreq, so its value is read from the stored
    frequency list the loader already holds (:func:`analysis.clean._frequencies`),
    rounded as wordfreq rounds (3 significant digits, then Zipf to 0.01): importing
    wordfreq costs every worker process a fifth of a second. Other words go to wordfreq.
    """
    if not word.isascii():
        from wordfreq import zipf_frequency

        return zipf_frequency(word, "en")
    from analysis.clean import _frequencies

    freq = _frequencies().get(word)
    if not freq:
        return 0.0
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)
    return round(math.log(freq, 10) + 9, 2)


# --------------------------------------------------------------------------- role phrases


@dataclass(frozen=True)
class Role:
    """A parsed role phrase: where it ends, the normalised title and the country."""

    end: int
    title: str
    country: str
    institution: str = ""
    plural: bool = False


def _match_alias_at(
    words: list[str], i: int, aliases: AliasTable, categories: set[str]
) -> tuple[int, Alias] | None:
    if i >= len(words) or not words[i] or words[i] in DETERMINERS or not aliases.starts_here(words[i]):
        return None
    for n in range(min(aliases.max_tokens, len(words) - i), 0, -1):
        if not all(words[i : i + n]) or not words[i + n - 1][-1:].isalnum():
            continue
        if not aliases.can_end_with(words[i + n - 1]):
            continue
        chunk = " ".join(words[i : i + n])
        hit = aliases.entries.get(name_key(chunk))
        if hit is not None and hit.category in categories:
            return i + n, hit
    return None


_TITLE_FIRST = frozenset(t.split()[0] for t in ROLE_TITLES)


def _match_title_at(words: list[str], i: int) -> tuple[int, str, bool] | None:
    if i >= len(words):
        return None
    w = words[i]
    if w not in _TITLE_FIRST and w[:-1] not in _TITLE_FIRST and w[:-3] + "man" not in _TITLE_FIRST:
        return None
    for n in (4, 3, 2, 1):
        chunk = words[i : i + n]
        if len(chunk) < n:
            continue
        text = " ".join(chunk)
        if text in ROLE_TITLES:
            return i + n, ROLE_TITLES[text], False
        # plural of the last word ("leaders", "presidents")
        if chunk[-1].endswith("s") and " ".join([*chunk[:-1], chunk[-1][:-1]]) in ROLE_TITLES:
            return i + n, ROLE_TITLES[" ".join([*chunk[:-1], chunk[-1][:-1]])], True
        if chunk[-1].endswith("men") and " ".join([*chunk[:-1], chunk[-1][:-3] + "man"]) in ROLE_TITLES:
            return i + n, ROLE_TITLES[" ".join([*chunk[:-1], chunk[-1][:-3] + "man"])], True
    return None


_PLACEISH = {"country", "demonym", "institution", "capital"}


def _institution_title(alias: Alias) -> str:
    name = alias.canonical.lower()
    if "presidency" in name:
        return "president"
    if "prime minister" in name:
        return "prime minister"
    if "chancellery" in name:
        return "chancellor"
    if "foreign" in name or "state" in name:
        return "foreign minister"
    return "leader"


def parse_role(
    words: Sequence[str], start: int, aliases: AliasTable, *, allow_det: bool = True
) -> Role | None:
    """Parse a role phrase beginning at ``words[start]``.

    Grammar: ``[determiner] (country | demonym | institution | modifier)*
    title [of [the] (country | institution)]``, e.g. "the Russian
    presidential press secretary", "Kremlin spokesman", "his Russian
    counterpart", "the head of the Kremlin", "President of Russian
    Federation". Words must already be folded (:func:`fold`).

    Parameters
    ----------
    words : sequence of str
        Folded tokens.
    start : int
        Index of the first token.
    aliases : AliasTable
        Gives countries, demonyms and institutions.
    allow_det : bool, default True
        Accept a leading determiner or possessive pronoun.

    Returns
    -------
    Role or None
        ``end`` is exclusive; ``title`` normalised (``'president'``,
        ``'spokesperson'``, ...); ``country`` empty when the phrase names none.
    """
    if not isinstance(words, list):
        words = list(words)
    i = start
    if i >= len(words) or not words[i]:
        return None
    if allow_det and i < len(words) and words[i] in DETERMINERS:
        i += 1
    country, institution, changer = "", "", ""
    while i < len(words):
        hit = _match_alias_at(words, i, aliases, _PLACEISH)
        if hit is not None:
            i, alias = hit
            country = country or alias.country
            if alias.category == "institution":
                institution = alias.canonical
            continue
        if words[i] in ROLE_MODIFIERS:
            i += 1
            continue
        if words[i] in ROLE_CHANGERS or words[i].rstrip("-") in ROLE_CHANGERS:
            changer = words[i].rstrip("-")
            i += 1
            continue
        break
    title_hit = _match_title_at(words, i)
    if title_hit is None:
        return None
    i, title, plural = title_hit
    # complement: "of [the] Russia / of the Kremlin / of Russian Federation"
    if i + 1 < len(words) and words[i] == "of":
        j = i + 1
        if j < len(words) and words[j] == "the":
            j += 1
        hit = _match_alias_at(words, j, aliases, _PLACEISH)
        if hit is not None:
            i, alias = hit
            country = country or alias.country
            if alias.category == "institution":
                institution = alias.canonical
    if title == "head" and institution:
        title = _institution_title(aliases.lookup(institution) or Alias(institution, "", "", "", ""))
    elif title == "head" and not country:
        return None
    if institution and title in {"spokesperson"}:
        title = "spokesperson"
    if changer:
        title = f"{changer} {title}"
    return Role(i, title, country, institution, plural)


def _role_matches(query: Role, held: tuple[str, str]) -> bool:
    title, country = held
    if query.country and country != query.country:
        return False
    if query.title in VAGUE_TITLES or query.title == "leader":
        return title in HEAD_TITLES or title == "leader"
    if query.title == "spokesperson":
        return title in {"spokesperson"}
    return title == query.title


# --------------------------------------------------------------------------- per-article machinery


@dataclass
class _Span:
    article_id: str
    field: str
    sentence_id: int
    start_tok: int  # index into the field's token list
    end_tok: int
    label: str
    ner_label: str
    via: str = "ner"
    canonical: str = ""
    kind: str = ""
    country: str = ""


@dataclass
class _Field:
    texts: list[str]
    starts: list[int]
    ends: list[int]
    sents: list[int]
    folded: list[str]
    first_token: int = 0
    roles: dict[int, Role | None] = field(default_factory=dict)

    def role_at(self, start: int, aliases: AliasTable) -> Role | None:
        """Return :func:`parse_role` at ``start`` of the folded words (memoised: one table per call)."""
        if start not in self.roles:
            self.roles[start] = parse_role(self.folded, start, aliases)
        return self.roles[start]


def _field_tables(tokens: pd.DataFrame) -> dict[tuple[str, str], _Field]:
    out: dict[tuple[str, str], _Field] = {}
    if tokens.empty:
        return out
    toks = tokens.sort_values(["article_id", "field", "token_id"], kind="stable")
    aids = toks["article_id"].astype(str).to_numpy(dtype=object)
    flds = toks["field"].astype(str).to_numpy(dtype=object)
    bounds = [0, *(np.flatnonzero((aids[1:] != aids[:-1]) | (flds[1:] != flds[:-1])) + 1).tolist(), len(toks)]
    texts = toks["text"].astype(str).tolist()
    starts = toks["start_char"].astype("int64").tolist()
    ends = toks["end_char"].astype("int64").tolist()
    sents = toks["sentence_id"].astype("int64").tolist()
    ids = toks["token_id"].astype("int64").tolist()
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):  # runs of one (article, field)
        key = (aids[a], flds[a])
        out[key] = _Field(texts[a:b], starts[a:b], ends[a:b], sents[a:b], [fold(t) for t in texts[a:b]])
        out[key].first_token = ids[a]
    return out


def _is_title_token(word: str, aliases: AliasTable) -> bool:
    if word in HONORIFICS or word in ROLE_MODIFIERS or word in ROLE_CHANGERS or word in DETERMINERS:
        return True
    if word in {"of", ",", "-"}:
        return True
    if any(word == t or word in t.split() for t in ROLE_TITLES):
        return True
    hit = aliases.entries.get(name_key(word))
    return hit is not None and hit.category in _PLACEISH


def _repair_span(
    span: _Span, fld: _Field, known_names: set[tuple[str, ...]], aliases: AliasTable
) -> _Span | None:
    s, e = span.start_tok, span.end_tok
    words = fld.folded
    # cut at a line break inside the span
    for k in range(s, e):
        if "\n" in fld.texts[k] or (k > s and "\n" in fld.texts[k - 1][-1:]):
            e = k
            break
    # cut at an internal possessive when the rest is headline-case common words
    for k in range(s + 1, e):
        if words[k] in POSSESSIVE_TOKENS and words[k] != "s":
            rest = [fld.texts[j] for j in range(k + 1, e)]
            if not rest or all(_common(w) for w in rest):
                e = k
            break
    # strip trailing possessive and punctuation
    while e > s and (words[e - 1] in POSSESSIVE_TOKENS or not any(ch.isalnum() for ch in words[e - 1])):
        e -= 1
    # strip leading punctuation
    while s < e and not any(ch.isalnum() for ch in words[s]):
        s += 1
    if e <= s:
        return None
    span.start_tok, span.end_tok = s, e
    # headline words before a known place/institution ("The First Steps Toward Russia"): at least two
    # common words, one of them a preposition, none of them a known name
    if aliases.lookup(" ".join(words[s:e])) is None:
        for k in range(s + 1, e):
            hit = aliases.lookup(" ".join(words[k:e]))
            head = [fld.texts[j] for j in range(s, k) if fold(fld.texts[j]) not in DETERMINERS]
            if (
                hit is not None
                and len(head) >= 2
                and any(fold(w) in HEADLINE_PREPOSITIONS for w in head)
                and all(
                    (_common(w) or fold(w) in HEADLINE_PREPOSITIONS) and aliases.lookup(w) is None
                    for w in head
                )
            ):
                span.start_tok = k
                span.label = hit.label
                break
    s = span.start_tok
    # headline tail after a known full name ("Vladimir Putin Willing"); organisations named after
    # people ("... Foundation") keep their spaCy label and are left alone
    span_words = tuple(name_key(w) for w in words[s:e])
    for k in range(e - 1, s + 1, -1) if span.label == "PERSON" else ():
        prefix = span_words[: k - s]
        if prefix in known_names and all(_common(fld.texts[j]) for j in range(k, e)):
            span.end_tok = k
            break
    return span


def _strip_person_titles(span: _Span, fld: _Field, aliases: AliasTable) -> int:
    """Move the start of a PERSON span past titles; return the old start (role evidence start)."""
    old = span.start_tok
    k = span.start_tok
    while k < span.end_tok - 1 and _is_title_token(fld.folded[k], aliases):
        k += 1
    span.start_tok = k
    return old


def _titled_name(span: _Span, fld: _Field, aliases: AliasTable) -> bool:
    """Tell whether a non-person span is a capitalised name right after a title ("Chancellor Olaf Scholz")."""
    if aliases.lookup(_surface(span, fld)) is not None:
        return False
    if not all(t[:1].isupper() for t in fld.texts[span.start_tok : span.end_tok]):
        return False
    k = span.start_tok - 1
    if k < 0 or fld.sents[k] != fld.sents[span.start_tok]:
        return False
    if fld.folded[k] in HONORIFICS:
        return True
    role = _role_before(fld, span.start_tok, aliases)
    return role is not None and role.title not in VAGUE_TITLES and fld.folded[span.start_tok - 1] != ","


def _recover_missed(art: _Article, aliases: AliasTable) -> list[_Span]:
    """Find names spaCy missed: person/institution aliases and surnames of people named in the article.

    Only capitalised tokens outside every entity span are considered, so
    nothing spaCy found is changed; the recovered spans get ``via='alias'``.
    """
    surnames: dict[str, str] = {}
    for span in art.spans:
        if span.label == "PERSON":
            words = _person_words(span, art.fields[span.field])
            if len(words) >= 2:
                surnames[words[-1]] = words[-1]
    covered = {(s.field, k) for s in art.spans for k in range(s.start_tok, s.end_tok)}
    out: list[_Span] = []
    for fname, fld in art.fields.items():
        i = 0
        while i < len(fld.texts):
            if (fname, i) in covered or not fld.texts[i][:1].isupper():
                i += 1
                continue
            hit = None
            for n in range(
                min(aliases.max_tokens, len(fld.texts) - i) if aliases.starts_here(fld.texts[i]) else 0, 0, -1
            ):
                if (
                    any((fname, k) in covered for k in range(i, i + n))
                    or not fld.folded[i + n - 1][-1:].isalnum()
                    or not aliases.can_end_with(fld.texts[i + n - 1])
                ):
                    continue
                alias = aliases.entries.get(name_key(" ".join(fld.texts[i : i + n])))
                if alias is not None and alias.category in {"person", "institution"}:
                    hit = (i + n, alias.label)
                    break
            sentence_start = i == 0 or fld.sents[i - 1] != fld.sents[i] or not fld.texts[i - 1].strip()
            if (
                hit is None
                and name_key(fld.texts[i]) in surnames
                and len(fld.texts[i]) > 2
                and not (sentence_start and _common(fld.texts[i]))  # "Young people ..." is not Mr Young
            ):
                hit = (i + 1, "PERSON")
            if hit is None:
                i += 1
                continue
            end, label = hit
            while end > i + 1 and fld.folded[end - 1] in POSSESSIVE_TOKENS:
                end -= 1
            out.append(_Span(art.article_id, fname, fld.sents[i], i, end, label, "", via="alias"))
            i = end
    return out


@dataclass
class _Article:
    article_id: str
    spans: list[_Span]
    fields: dict[str, _Field]


def _collect(tokens: pd.DataFrame, entities: pd.DataFrame, aliases: AliasTable) -> list[_Article]:
    fields = _field_tables(tokens)
    by_article: dict[str, _Article] = {}
    for (aid, fld_name), fld in fields.items():
        by_article.setdefault(aid, _Article(aid, [], {})).fields[fld_name] = fld
    if entities.empty:
        return list(by_article.values())
    ents = entities[entities["label"].isin(list(KIND_OF_LABEL))]
    columns = [
        ents[c].tolist() for c in ("article_id", "field", "sentence_id", "start_token", "end_token", "label")
    ]
    for aid, fld_name, sent, start, end, label in zip(*columns, strict=True):
        aid, fld_name = str(aid), str(fld_name)
        fld = fields.get((aid, fld_name))
        if fld is None:
            continue
        base = fld.first_token
        by_article[aid].spans.append(
            _Span(aid, fld_name, int(sent), int(start) - base, int(end) - base, str(label), str(label))
        )
    for art in by_article.values():
        art.spans.sort(key=lambda sp: (sp.field, sp.start_tok))
    return list(by_article.values())


def _person_words(span: _Span, fld: _Field) -> tuple[str, ...]:
    return tuple(name_key(w) for w in fld.texts[span.start_tok : span.end_tok] if name_key(w))


def _surface(span: _Span, fld: _Field) -> str:
    out = ""
    for k in range(span.start_tok, span.end_tok):
        out += fld.texts[k]
        if k < span.end_tok - 1:
            out += " " if fld.ends[k] < fld.starts[k + 1] else ""
    return out


def _strip_det(text: str) -> str:
    return re.sub(r"^(?:the|The|THE)\s+", "", text)


def _role_before(fld: _Field, start: int, aliases: AliasTable) -> Role | None:
    """Find a role phrase ending right before ``start`` (optionally followed by a comma)."""
    end = start
    if end > 0 and fld.folded[end - 1] == ",":
        end -= 1
    best = None
    for j in range(max(0, end - 8), end):
        if fld.sents[j] != fld.sents[min(start, len(fld.sents) - 1)]:
            continue
        role = fld.role_at(j, aliases)
        if role is not None and role.end == end and not role.plural:
            best = role if best is None else best
            break
    return best


def _role_after(fld: _Field, end: int, aliases: AliasTable) -> Role | None:
    """Find an appositive role phrase right after a name (", the Russian press secretary")."""
    if end < len(fld.folded) and fld.folded[end] == ",":
        role = fld.role_at(end + 1, aliases)
        if role is not None and not role.plural:
            return role
    return None


def _canonical_people(articles: list[_Article]) -> dict[str, str]:
    """Return name_key of every multi-word person name -> most frequent surface in the corpus."""
    forms: dict[str, Counter] = defaultdict(Counter)
    for art in articles:
        for span in art.spans:
            if span.label == "PERSON":
                fld = art.fields[span.field]
                words = _person_words(span, fld)
                if len(words) >= 2:
                    forms[" ".join(words)][_surface(span, fld)] += 1
    return _NamePool(
        {
            key: sorted(c.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
            for key, c in forms.items()
        }
    )


class _NamePool(dict):
    """Full-name key -> canonical name, indexed by last word for fast surname lookups."""

    def ending_with(self, word: str) -> list[tuple[str, str]]:
        """Return the (key, canonical) pairs whose last word is ``word``."""
        if not hasattr(self, "_by_last"):
            index: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for full, canon in self.items():
                index[full.split()[-1]].append((full, canon))
            self._by_last = index
        return self._by_last.get(word, [])


def _resolve_person(
    words: tuple[str, ...], article_full: dict[str, str], corpus_full: dict[str, str]
) -> str | None:
    key = " ".join(words)
    if key in article_full:
        return article_full[key]
    if key in corpus_full:
        return corpus_full[key]
    for pool in (article_full, corpus_full):
        if isinstance(pool, _NamePool):
            candidates = pool.ending_with(words[-1])
        else:
            candidates = list(pool.items())
        hits = {canon for full, canon in candidates if tuple(full.split()[-len(words) :]) == words}
        if len(hits) == 1:
            return hits.pop()
        if len(hits) > 1:
            return None
    return None


def _mentions_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    for c in ("sentence_id", "start_char", "end_char"):
        frame[c] = frame[c].astype("int64")
    order = frame["field"].map({"title": 0, "text": 1}).fillna(2)
    frame = frame.assign(_order=order).sort_values(
        ["article_id", "_order", "start_char", "end_char", "via"], kind="stable"
    )
    return frame.drop(columns="_order").reset_index(drop=True)


def mentions_from_tables(
    tokens: pd.DataFrame,
    entities: pd.DataFrame,
    *,
    aliases: AliasTable | str | Path | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Canonicalise raw entity spans given spaCy's token and entity tables (no parsing).

    Parameters
    ----------
    tokens : pandas.DataFrame
        Token table of :func:`analysis.annotate.annotate` (``article_id,
        field, sentence_id, token_id, start_char, end_char, text``).
    entities : pandas.DataFrame
        Raw entities (``article_id, field, sentence_id, start_token,
        end_token, label``).
    aliases : AliasTable, path or DataFrame, optional
        Extra alias table(s) added to the package table; an
        :class:`AliasTable` is used as given (replacing the package table).

    Returns
    -------
    pandas.DataFrame
        Columns ``MENTION_COLUMNS`` (see :func:`entity_mentions`).
    """
    table = _resolve_aliases(aliases)
    articles = _collect(tokens, entities, table)
    patterns = ruler_patterns()

    rows: list[dict] = []
    for art in articles:  # each article on its own: names, roles and countries resolve within it
        rows.extend(_article_rows(art, table, patterns))
    return _mentions_frame(rows)



def _article_rows(art: _Article, table: AliasTable, patterns) -> list[dict]:
    """Return the mention rows of one article, resolving names and roles from its own evidence only.

    A per-article stage must not depend on which other articles share its chunk
    (see docs/scale.md), so full names, role holders and countries come from
    the article itself and the alias table, never from neighbouring articles.
    """
    articles = [art]
    # pass 1: repair spans, strip titles, gather role evidence next to names
    corpus_known: set[tuple[str, ...]] = set()
    for art in articles:
        for span in art.spans:
            if span.label == "PERSON":
                fld = art.fields[span.field]
                w = tuple(name_key(x) for x in fld.texts[span.start_tok : span.end_tok])
                if 2 <= len(w) <= 4 and all(
                    x[:1].isupper() for x in fld.texts[span.start_tok : span.end_tok]
                ):
                    corpus_known.add(w)
    for art in articles:
        kept = []
        for span in art.spans:
            fld = art.fields[span.field]
            fixed = _repair_span(span, fld, corpus_known, table)
            if fixed is None:
                continue
            if fixed.label != "PERSON" and _titled_name(fixed, fld, table):
                fixed.label = "PERSON"  # "German Chancellor [Olaf Scholz]ORG" is a person
            if fixed.label == "PERSON":
                _strip_person_titles(fixed, fld, table)
                place = table.lookup(_surface(fixed, fld))
                if place is not None and place.kind != "person" and fixed.end_tok - fixed.start_tok > 1:
                    fixed.label = place.label  # "São Paulo" PERSON is a place
            kept.append(fixed)
        art.spans = kept
    for art in articles:
        art.spans.extend(_recover_missed(art, table))

    def renamed(name: str) -> str:
        # an alias row for a person's full name renames them everywhere (users can pick spellings)
        hit = table.lookup(name)
        return hit.canonical if hit is not None and hit.kind == "person" else name

    corpus_full = _NamePool({k: renamed(v) for k, v in _canonical_people(articles).items()})

    # role evidence from titles in front of / appositions after PERSON spans
    article_roles: dict[str, dict[str, set[tuple[str, str]]]] = {}
    corpus_roles: dict[str, set[tuple[str, str]]] = defaultdict(set)
    appositive_tokens: dict[str, set[tuple[str, int]]] = {}
    resolved_names: dict[str, dict[str, str]] = {}
    for art in articles:
        full = {}
        for span in art.spans:
            if span.label == "PERSON":
                words = _person_words(span, art.fields[span.field])
                if len(words) >= 2:
                    full[" ".join(words)] = corpus_full.get(
                        " ".join(words), renamed(_surface(span, art.fields[span.field]))
                    )
        resolved_names[art.article_id] = full
        roles: dict[str, set[tuple[str, str]]] = defaultdict(set)
        used: set[tuple[str, int]] = set()
        for span in art.spans:
            if span.label != "PERSON":
                continue
            fld = art.fields[span.field]
            words = _person_words(span, fld)
            canon = _resolve_person(words, full, corpus_full) or _surface(span, fld)
            for role, rng in (
                (_role_before(fld, span.start_tok, table), "before"),
                (_role_after(fld, span.end_tok, table), "after"),
            ):
                if role is None or role.title in VAGUE_TITLES:
                    continue
                roles[canon].add((role.title, role.country))
                corpus_roles[canon].add((role.title, role.country))
                if rng == "before":
                    first = span.start_tok - 1
                    while first >= 0 and first >= span.start_tok - 12:
                        used.add((span.field, first))
                        r = fld.role_at(first, table)
                        if r is not None and r.end in (span.start_tok, span.start_tok - 1):
                            break
                        first -= 1
                else:
                    for k in range(span.end_tok, role.end):
                        used.add((span.field, k))
        article_roles[art.article_id] = roles
        appositive_tokens[art.article_id] = used

    # a person's country: the one country of their titled roles in the article ("Russian President ...")
    person_country = {}
    for person, held in corpus_roles.items():
        countries = {c for _, c in held if c}
        if len(countries) == 1:
            person_country[person] = countries.pop()

    def _with_country(span: _Span) -> _Span:
        if span.kind == "person" and not span.country:
            span.country = person_country.get(span.canonical, "")
            if not span.country:  # a person row of the alias table may give the country
                span.country = table.person_countries.get(span.canonical, "")
        return span

    # pass 2: canonical names
    rows: list[dict] = []
    for art in articles:
        full = resolved_names[art.article_id]
        people_here: set[str] = set()
        used = appositive_tokens[art.article_id]
        out_spans: list[_Span] = []
        for span in art.spans:
            fld = art.fields[span.field]
            surface = _surface(span, fld)
            words = _person_words(span, fld)
            alias = table.lookup(surface)
            person = _resolve_person(words, full, corpus_full) if words else None
            if span.label == "PERSON" and person is not None:
                span.canonical, span.kind = person, "person"
            elif alias is not None:
                span.canonical, span.kind, span.country = alias.canonical, alias.kind, alias.country
                span.via = "alias"
                if KIND_OF_LABEL.get(span.label) != alias.kind or (
                    alias.category == "region" and span.label != "LOC"
                ):
                    span.label = alias.label
            elif span.label != "PERSON" and words and " ".join(words) in full:
                span.canonical, span.kind, span.label = full[" ".join(words)], "person", "PERSON"
            elif (
                span.label != "PERSON"
                and person is not None
                and len(words) == 1
                and any(k.split()[-1] == words[0] for k in full)
            ):
                span.canonical, span.kind, span.label = person, "person", "PERSON"
            elif span.label == "PERSON":
                span.canonical, span.kind = _strip_det(surface), "person"
            else:
                span.canonical, span.kind = _strip_det(surface), KIND_OF_LABEL[span.label]
            span_words = tuple(w for w in fld.folded[span.start_tok : span.end_tok])
            if span_words[:1] == ("the",):
                span_words = span_words[1:]
            if span.via == "ner" and span_words in patterns:
                span.via = "ruler"
            if span.kind == "person":
                people_here.add(span.canonical)
            out_spans.append(span)
        # drop entity spans that sit inside a role title ("US Secretary of State" -> "State")
        role_cover: set[tuple[str, int]] = set()
        for fname, fld in art.fields.items():
            for i, w in enumerate(fld.folded):
                if not (w in _TITLE_FIRST or w[:-1] in _TITLE_FIRST or w[:-3] + "man" in _TITLE_FIRST):
                    continue  # _match_title_at's first test, without the call
                hit = _match_title_at(fld.folded, i)
                if hit is not None and hit[0] - i > 1:
                    role_cover.update((fname, k) for k in range(i, hit[0]))
        for span in out_spans:
            if all((span.field, k) in role_cover for k in range(span.start_tok, span.end_tok)):
                continue
            rows.append(_row(_with_country(span), art.fields[span.field]))
        # role phrases that stand for a person
        person_tokens = {
            (s.field, k) for s in out_spans if s.kind == "person" for k in range(s.start_tok, s.end_tok)
        }
        for fname, fld in art.fields.items():
            i = 0
            while i < len(fld.folded):
                word = fld.folded[i]
                starts_phrase = word in DETERMINERS or (
                    i == 0 or fld.sents[i - 1] != fld.sents[i] or not fld.texts[i - 1][-1:].isalpha()
                )
                role = fld.role_at(i, table) if starts_phrase else None
                if role is None or role.plural or (fname, i) in used or (fname, role.end - 1) in used:
                    i += 1
                    continue
                if (
                    (fname, role.end) in person_tokens
                    or (
                        role.end < len(fld.folded)
                        and fld.folded[role.end] == ","
                        and (fname, role.end + 1) in person_tokens
                    )
                    or (fname, i - 1) in person_tokens
                    or (i >= 2 and fld.folded[i - 1] == "," and (fname, i - 2) in person_tokens)
                ):
                    i = role.end
                    continue
                if role.title in VAGUE_TITLES and not (role.country or role.institution):
                    i = role.end
                    continue
                target = _resolve_role(role, people_here, article_roles[art.article_id], corpus_roles)
                if target is not None:
                    span = _Span(
                        art.article_id,
                        fname,
                        fld.sents[i],
                        i,
                        role.end,
                        "PERSON",
                        "",
                        via="role",
                        canonical=target,
                        kind="person",
                    )
                    rows.append(_row(_with_country(span), fld))
                i = role.end
    return rows

def _resolve_role(
    role: Role,
    people: set[str],
    article_roles: dict[str, set[tuple[str, str]]],
    corpus_roles: dict[str, set[tuple[str, str]]],
) -> str | None:
    for source in (article_roles, corpus_roles):
        hits = {p for p in people if any(_role_matches(role, held) for held in source.get(p, ()))}
        if len(hits) == 1:
            return hits.pop()
        if len(hits) > 1:
            return None
    return None


def _row(span: _Span, fld: _Field) -> dict:
    start, end = fld.starts[span.start_tok], fld.ends[span.end_tok - 1]
    return {
        "article_id": span.article_id,
        "field": span.field,
        "sentence_id": fld.sents[span.start_tok],
        "start_char": start,
        "end_char": end,
        "text": _surface(span, fld),
        "label": span.label,
        "canonical": span.canonical,
        "kind": span.kind,
        "via": span.via,
        "country": span.country,
        "ner_label": span.ner_label,
    }


@stage(provides="mentions", requires=("articles",), keywords=("annotations",), per_article=True)
def entity_mentions(
    articles: pd.DataFrame,
    *,
    annotations: Annotations | None = None,
    aliases: AliasTable | str | Path | pd.DataFrame | Sequence[str | Path | pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Return one row per canonical entity mention in each article's title and body.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``; ``title`` and ``status`` are used
        when present (only ``status == 'ok'`` rows are analysed).
    annotations : Annotations, optional
        Output of :func:`analysis.annotate.annotate` for these articles;
        computed (from the cache) when omitted.
    aliases : path, DataFrame, list of them, or AliasTable, optional
        The user's own alias table(s), added to the package table
        ``analysis/data/aliases.csv`` (their rows win). An
        :class:`AliasTable` (from :func:`load_aliases`) replaces it.

    Returns
    -------
    pandas.DataFrame
        ``article_id, field`` (``'title'`` or ``'text'``), ``sentence_id,
        start_char, end_char`` (offsets into that field), ``text`` (the
        surface), ``label`` (spaCy or ruler label, corrected when the alias
        table or a person match says otherwise; ``PERSON`` for role
        phrases), ``canonical``, ``kind`` (person / organisation / place /
        group), ``via`` (``ner``, ``ruler``, ``alias``, ``role``),
        ``country`` (for places, demonyms and institutions from the alias
        table; for people, the one country of their titled roles in the
        article, or the alias table's; else empty), ``ner_label`` (spaCy's own label; empty for role
        phrases). Sorted by article, field and offset.
    """
    rows = ok_articles(articles)
    if rows.empty:
        return _mentions_frame([])
    if annotations is None:
        from analysis.annotate import annotate

        annotations = annotate(rows)
    ids = set(rows["article_id"].astype(str))
    toks = annotations.tokens[annotations.tokens["article_id"].astype(str).isin(ids)]
    ents = annotations.entities[annotations.entities["article_id"].astype(str).isin(ids)]
    return mentions_from_tables(toks, ents, aliases=_resolve_aliases(aliases))


# --------------------------------------------------------------------------- frequencies

FREQUENCY_COLUMNS: list[str] = [
    "level", "group", "canonical", "kind", "count", "count_low", "count_high", "per_1000_words",
    "per_1000_low", "per_1000_high", "sentence_share", "sentence_share_low", "sentence_share_high",
    "n_articles", "article_share", "n_articles_in_group", "n_words", "n_sentences",
]  # fmt: skip


def _word_counts(articles: pd.DataFrame) -> pd.Series:
    if "n_words" in articles.columns and articles["n_words"].notna().all():
        return articles["n_words"].astype(float)
    text = articles["text"].fillna("").astype(str)
    return text.str.split().str.len().astype(float)


def _quantiles(draws: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Return the ``alpha`` and ``1 - alpha`` NaN-ignoring quantiles of every column of ``draws``.

    Columns without NaN go through one vectorised :func:`numpy.quantile` call (the same
    values :func:`numpy.nanquantile` gives per column); the others column by column.
    """
    low = np.empty(draws.shape[1])
    high = np.empty(draws.shape[1])
    has_nan = np.isnan(draws).any(axis=0)
    clean = np.flatnonzero(~has_nan)
    if clean.size:
        q = np.quantile(draws[:, clean], [alpha, 1 - alpha], axis=0)
        low[clean], high[clean] = q[0], q[1]
    for j in np.flatnonzero(has_nan):
        low[j] = np.nanquantile(draws[:, j], alpha)
        high[j] = np.nanquantile(draws[:, j], 1 - alpha)
    return low, high


@stage(
    provides="entity_frequencies",
    requires=("mentions", "articles"),
    keywords=("sentences",),
    per_article=False,
)
def entity_frequencies(
    mentions: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    by: str = "outlet",
    annotations: Annotations | None = None,
    sentences: pd.DataFrame | None = None,
    n_boot: int = config.N_BOOTSTRAP,
    level: float = 0.95,
) -> pd.DataFrame:
    """Count canonical entities per group and for the corpus, with bootstrap intervals over articles.

    Parameters
    ----------
    mentions : pandas.DataFrame
        Output of :func:`entity_mentions` (``article_id, sentence_id,
        field, canonical, kind``).
    articles : pandas.DataFrame
        ``article_id``, ``text`` and the ``by`` column; ``n_words`` used
        when present (else words of ``text`` are counted).
    by : str, default "outlet"
        Any article column (``outlet``, ``event``, ...).
    annotations : Annotations, optional
        For the number of sentences per article (its ``sentences`` table).
    sentences : pandas.DataFrame, optional
        The sentence table (``article_id``, one row per sentence), e.g. the
        pipeline's per-article ``sentences`` table; used instead of
        ``annotations``. When both are omitted the (cached) annotations are computed.
    n_boot : int, default :data:`analysis.config.N_BOOTSTRAP`
        Bootstrap resamples (articles drawn with replacement within a group).
    level : float, default 0.95
        Interval coverage.

    Returns
    -------
    pandas.DataFrame
        ``level`` (``'group'`` or ``'corpus'``), ``group`` (value of ``by``;
        ``'(corpus)'`` for corpus rows), ``canonical, kind``, ``count``
        (mentions), ``per_1000_words`` (mentions per 1,000 words of the
        group), ``sentence_share`` (share of the group's sentences that
        mention the entity), each with ``_low``/``_high`` bootstrap bounds,
        ``n_articles`` (articles mentioning it), ``article_share``,
        ``n_articles_in_group``, ``n_words``, ``n_sentences``. Sorted by
        level, group, count (descending) and name.
    """
    rows = ok_articles(articles)
    if by not in rows.columns:
        raise ValueError(f"by={by!r} is not an article column; choose one of {list(rows.columns)}")
    rows = rows.assign(article_id=rows["article_id"].astype(str))
    if sentences is None:
        if annotations is None:
            from analysis.annotate import annotate

            annotations = annotate(rows)
        sentences = annotations.sentences
    sents = sentences
    n_sent = sents.groupby(sents["article_id"].astype(str)).size()
    art = pd.DataFrame(
        {
            "article_id": rows["article_id"].to_numpy(),
            "group": rows[by].fillna("(missing)").astype(str).to_numpy(),
            "n_words": _word_counts(rows).to_numpy(),
        }
    )
    art["n_sentences"] = art["article_id"].map(n_sent).fillna(0).astype(float)
    wanted = ("article_id", "field", "sentence_id", "canonical", "kind")
    used_cols = [c for c in wanted if c in mentions.columns]
    m = mentions[used_cols]  # only the columns used: the filtered copy stays small at scale
    ids = m["article_id"].astype(str)
    inside = ids.isin(set(art["article_id"])).to_numpy()
    m = m[inside].assign(article_id=ids.to_numpy()[inside])
    if m.empty:
        return pd.DataFrame(columns=FREQUENCY_COLUMNS)
    # most frequent kind of each entity (ties: the kind seen first, as value_counts orders them)
    kk = pd.DataFrame({"canonical": m["canonical"].to_numpy(), "kind": m["kind"].to_numpy()})
    kk["pos"] = np.arange(len(kk))
    kk = kk.groupby(["canonical", "kind"], sort=False).agg(n=("pos", "size"), first=("pos", "min"))
    kk = kk.reset_index()
    kk = kk.sort_values(["canonical", "n", "first"], ascending=[True, False, True], kind="stable")
    top = kk.drop_duplicates("canonical")
    kind_of = dict(zip(top["canonical"], top["kind"], strict=True))
    counts = m.groupby(["article_id", "canonical"]).size()
    sent_hits = (
        m.drop_duplicates(["article_id", "field", "sentence_id", "canonical"])
        .groupby(["article_id", "canonical"])
        .size()
    )
    # article x entity matrices for the whole corpus (sparse: most articles name few entities)
    from scipy import sparse

    art_code = pd.Index(art["article_id"])
    ent_names = np.array(sorted(counts.index.get_level_values(1).unique()), dtype=object)
    ent_code = pd.Index(ent_names)
    shape = (len(art), len(ent_names))

    def matrix(series: pd.Series) -> sparse.csr_matrix:
        rows_ = art_code.get_indexer(series.index.get_level_values(0))
        cols_ = ent_code.get_indexer(series.index.get_level_values(1))
        keep = (rows_ >= 0) & (cols_ >= 0)
        return sparse.csr_matrix(
            (series.to_numpy(dtype=float)[keep], (rows_[keep], cols_[keep])), shape=shape
        )

    c_all = matrix(counts)
    s_all = matrix(sent_hits)
    out = []
    rng = np.random.default_rng(config.RANDOM_SEED)
    group_codes = art["group"].to_numpy()
    groups = [("group", g, np.flatnonzero(group_codes == g)) for g in sorted(art["group"].unique())]
    groups.append(("corpus", "(corpus)", np.arange(len(art))))
    alpha = (1 - level) / 2
    for lvl, name, members in groups:
        c_part = c_all[members]
        used = np.flatnonzero(c_part.getnnz(axis=0) > 0)
        if not used.size:
            continue
        n_ids = len(members)
        c = c_part[:, used].tocsc()
        s = s_all[members][:, used].tocsc()
        words = art["n_words"].to_numpy()[members]
        nsent = art["n_sentences"].to_numpy()[members]
        draws = rng.integers(0, n_ids, size=(n_boot, n_ids))
        # times each article is drawn in each resample, articles x resamples (integers: every sum is exact)
        weights_t = np.empty((n_ids, n_boot))
        step = max(1, 2_000_000 // max(n_ids, 1))
        for first in range(0, n_boot, step):
            block = draws[first : first + step]
            k = len(block)
            flat = (block * k + np.arange(k)[:, None]).ravel()
            weights_t[:, first : first + k] = np.bincount(flat, minlength=n_ids * k).reshape(n_ids, k)
        del draws
        bw = words @ weights_t
        bn = nsent @ weights_t
        total_words, total_sents = words.sum(), nsent.sum()
        cnt = np.asarray(c.sum(axis=0)).ravel()
        s_sum = np.asarray(s.sum(axis=0)).ravel()
        n_present = np.diff(c.indptr)  # articles with the entity (stored entries are counts > 0)
        q_count = (np.empty(len(used)), np.empty(len(used)))
        q_per = (np.empty(len(used)), np.empty(len(used)))
        q_share = (np.empty(len(used)), np.empty(len(used)))
        batch = max(1, 1_000_000 // max(n_boot, 1))  # bound the (resamples x entities) arrays
        for lo in range(0, len(used), batch):
            hi = min(lo + batch, len(used))
            bc = np.asarray(c[:, lo:hi].T @ weights_t).T
            bs = np.asarray(s[:, lo:hi].T @ weights_t).T
            with np.errstate(divide="ignore", invalid="ignore"):
                per = bc / bw[:, None] * 1000
                share = bs / bn[:, None]
            for target, draws_ in ((q_count, bc), (q_per, per), (q_share, share)):
                low_, high_ = _quantiles(draws_, alpha)
                target[0][lo:hi], target[1][lo:hi] = low_, high_
        del weights_t
        names = ent_names[used]
        with np.errstate(divide="ignore", invalid="ignore"):
            per_point = cnt / total_words * 1000 if total_words else np.full(len(used), np.nan)
            share_point = s_sum / total_sents if total_sents else np.full(len(used), np.nan)
        out.append(
            pd.DataFrame(
                {
                    "level": lvl,
                    "group": name,
                    "canonical": names,
                    "kind": [kind_of.get(e, "") for e in names],
                    "count": cnt.astype(int),
                    "count_low": q_count[0],
                    "count_high": q_count[1],
                    "per_1000_words": per_point.astype(float),
                    "per_1000_low": q_per[0],
                    "per_1000_high": q_per[1],
                    "sentence_share": share_point.astype(float),
                    "sentence_share_low": q_share[0],
                    "sentence_share_high": q_share[1],
                    "n_articles": n_present.astype(int),
                    "article_share": n_present / n_ids,
                    "n_articles_in_group": n_ids,
                    "n_words": int(total_words),
                    "n_sentences": int(total_sents),
                },
                columns=FREQUENCY_COLUMNS,
            )
        )
    frame = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=FREQUENCY_COLUMNS)
    # one article cannot be resampled into an interval: say "no interval", not a zero-width one
    single = frame["n_articles_in_group"] < 2
    frame.loc[single, [c for c in frame.columns if c.endswith(("_low", "_high"))]] = np.nan
    frame["_lvl"] = (frame["level"] == "corpus").astype(int)
    frame = frame.sort_values(["_lvl", "group", "count", "canonical"], ascending=[True, True, False, True])
    return frame.drop(columns="_lvl").reset_index(drop=True)


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
    mentions: pd.DataFrame | None = None,
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
    mentions : pandas.DataFrame, optional
        Output of :func:`entity_mentions`; computed (cached) when omitted.

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
    if mentions is None:
        mentions = entity_mentions(rows)
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
                    text[r.start_char : r.end_char],
                    right,
                )
            )
    else:
        pattern = re.compile(r"(?<!\w)" + re.escape(term_or_entity.strip()) + r"(?!\w)", re.IGNORECASE)
        for (aid, fld), text in texts.items():
            for match in pattern.finditer(text):
                left, right = _context(text, match.start(), match.end(), window)
                out.append((aid, fld, match.start(), match.end(), left, match.group(0), right))
    frame = pd.DataFrame(out, columns=KWIC_COLUMNS)
    frame["start_char"] = frame["start_char"].astype("int64")
    frame["end_char"] = frame["end_char"].astype("int64")
    return frame.sort_values(["article_id", "field", "start_char"], kind="stable").reset_index(drop=True)


def canonical_names(mentions: pd.DataFrame) -> Iterable[str]:
    """Return the distinct canonical names of a mention table, sorted."""
    return sorted(set(mentions["canonical"]))
