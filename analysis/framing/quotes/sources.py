"""Type each quoted speaker from the article itself: source type, affiliation and gender.

Everything comes from the text of the article the quote is in, never from a list of known people:

* **Description.** The speaker phrase, its appositive and relative clause ("Heather Hurlburt, a
  former speechwriter to ...", "Mr. Leon, who works as a secretary"), a party tag ("(R-Wis.)"), and
  the same for every other mention of the same person in the article (a person is introduced once
  with a role, "Kremlin spokesman Dmitry Peskov", and quoted later by surname).
* **Source type** from the editable term list :data:`SOURCE_TYPES` (``term, source_type, kind``):
  ``role`` nouns and titles (senator, professor, police officer, chief executive) fix the type;
  ``generic`` roles (spokesman, official, aide, director) take the type of the organisation they are
  tied to ("Kremlin spokesman": government; "campaign spokeswoman": politician); ``org`` words type
  that organisation; a speaker phrase headed by a ``document`` noun (statement, report, poll) is a
  document, by a ``group`` noun (voters, analysts) is that group's type; an unnamed individual ("a
  senior official", "sources") is ``anonymous`` unless tied to a typed organisation ("a State
  Department official": government). Staff take the type of whom they serve ("the senator's advisers",
  "Clinton spokesman Brian Fallon"). An organisation named as speaker is typed by its own words ("the
  Associated Press": media).
* **Affiliation**: a party named in the description: a "<Name> Party" written out ("of the
  Conservative Party"), a party word of the general table :data:`PARTIES` ("Democratic Rep.",
  "(R-Wis.)", "GOP strategist", "Labour MP", "X, a Democrat"; capitalised as names are), or one of
  the corpus's own party words (``kind`` party in its ``people.csv``); for a politician without one,
  the party of the sentences naming them, of the person they serve, or of the race the article is
  about; for an official, the country (or state) before the party; else the organisation or
  country of an entity mention inside it
  ("Boeing's chief financial officer": Boeing; "British Prime Minister": United Kingdom; "Kremlin":
  Russia, through the entity table's ``country``); for an official with no country in the
  description, the one country the article is about (named at least three times and more than twice
  any other, as the article's party); a story about several countries gives none.
* **Gender** of one person: "Mr."/"Mrs."/"Ms." and the pronouns he/she that refer back to the person
  in the same article (nearest preceding person, same or previous sentence) first, then the first
  name through ``gender-guesser``, else ``unknown``; ``none`` when the speaker is not one person
  (a group, an organisation, a document).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.corpus.files import corpus_file
from analysis.framing.quotes.fields import Field, Mention, quote_spans, surname
from analysis.measures.entities.names import gender_detector

#: Editable term list: ``term, source_type, kind`` (kind role/generic/org/document/group/anonymous).
SOURCE_TYPES = config.DATA_DIR / "source_types.csv"
#: Editable general list of party words: ``term, affiliation, source_type, case`` ("gop" -> Republican
#: Party, politician). ``case``: ``capital`` (the word must be capitalised in the text), ``inner``
#: (capitalised and not the first word of its sentence: "Conservative", "Liberal"), ``any``.
PARTIES = config.DATA_DIR / "parties.csv"
PARTY_CASES = ("any", "capital", "inner")

#: The source types, in the order tables and charts show them.
TYPES = (
    "government", "politician", "security_justice", "expert", "professional", "business", "civil_society",
    "citizen", "sport", "arts_celebrity", "media", "anonymous", "document", "other", "unknown",
)  # fmt: skip
#: What each source type covers, in words a human coder can apply (coding sheets quote it).
TYPE_HELP: dict[str, str] = {
    "government": "a state or government and its officials (ministers, spokespeople, civil servants)",
    "politician": "politicians, candidates, parties and their campaigns",
    "security_justice": "police, military, intelligence, prosecutors and courts",
    "expert": "academics, researchers, analysts and other experts",
    "business": "companies, executives and business groups",
    "civil_society": "NGOs, unions, advocates, religious and community groups",
    "citizen": "ordinary people, voters, witnesses, poll respondents",
    "media": "journalists, news organisations and other media",
    "anonymous": 'an unnamed individual ("a senior official", "sources")',
    "document": "a statement, report, poll or other document",
    "other": "a named person the article gives no role",
    "unknown": "nothing to go on (no speaker, an unresolved pronoun)",
}
UNKNOWN = "unknown"
GENDERS = ("female", "male", "unknown", "none")
TYPE_COLUMNS: tuple[str, ...] = ("source_type", "speaker_affiliation", "speaker_gender", "speaker_is_person")

_KINDS = ("role", "weak", "generic", "org", "document", "group", "anonymous", "context")
#: Organisation words that count only when capitalised ("the Times", not "three times").
_CAPITALISED_ONLY = frozenset(
    "times post journal news press fox house field tribune herald gazette network channel".split()
)
_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
#: Nouns that say a person's gender ("the spokeswoman", "actress Jane Roe").
_FEMALE_NOUNS = frozenset(
    """woman mother wife daughter girl mom spokeswoman congresswoman chairwoman businesswoman actress
    sportswoman policewoman councilwoman assemblywoman sister aunt grandmother widow queen princess
    duchess lady mrs. mrs ms. ms madam""".split()
)
_MALE_NOUNS = frozenset(
    """man father husband son boy dad spokesman congressman chairman businessman actor sportsman policeman
    councilman assemblyman brother uncle grandfather widower king prince duke lord mr. mr sir""".split()
)
_HONORIFIC = {"mr": "male", "mr.": "male", "mrs": "female", "mrs.": "female", "ms": "female",
              "ms.": "female", "miss": "female"}  # fmt: skip
_DESC_DEPS = frozenset(
    {"compound", "amod", "nmod", "poss", "appos", "relcl", "prep", "pobj", "acl", "npadvmod"}
)
_PARTY_TAG = re.compile(r"\(\s*([RDI])\s*[-–]\s*[A-Z][\w.\s-]{0,20}\)")
_FORMER = frozenset({"former", "ex", "then", "onetime", "one-time", "erstwhile", "retired", "late"})
_INDEFINITE = frozenset({"a", "an", "one", "another", "some", "several"})
_SELF = frozenset({"i", "we", "me", "us", "my", "our", "you", "your"})
#: Nouns for the people of a race, besides the roles and context words ("GOP rivals", "Democratic field").
_RIVALS = frozenset({"rival", "field", "hopeful", "contest", "opponent", "challenger", "establishment"})
#: Generic roles that, written as a title before a name with no organisation, are an office of state.
_OFFICES = frozenset({"president", "vice president", "secretary", "premier", "chancellor"})
#: Role words that name a sports role in a sports article ("Texas manager Johnny Oates").
_TITLE_ROLES = frozenset({"dr.", "dr"})
#: Nouns a person's name modifies that make them a candidate ("the Trump campaign", "Sanders supporters").
_CANDIDACY = {
    **dict.fromkeys(
        """campaign candidacy supporter voter rally delegate nomination surrogate backer bid
        mate ticket""".split(),
        "politician",
    ),
    "administration": "government",
}
#: Heads of a phrase that speak for the people they are "of" ("a family of super PACs", "a panel of").
_COLLECTIVE = frozenset(
    """family group panel coalition number handful couple pair trio host slew bunch majority minority
    lot dozens scores hundreds thousands millions""".split()
)
_SPORT_AMBIGUOUS = frozenset(
    {"manager", "captain", "owner", "chairman", "president", "director", "general manager"}
)


@dataclass(frozen=True)
class Terms:
    """The two term lists, as lookups (lower case; multi-word terms as tuples of words)."""

    by_kind: dict[str, dict[tuple[str, ...], str]]
    parties: dict[tuple[str, ...], tuple[str, str, str]]  # words -> (party, source type, case)
    longest: int
    #: One-word nouns that name a person by role (role, weak, generic and anonymous terms).
    people: frozenset[tuple[str, ...]] = frozenset()
    #: First words of the terms of each kind (a word that starts no term is skipped quickly).
    firsts: dict[str, frozenset[str]] = field(default_factory=dict)


def term_key(term: str) -> tuple[str, ...]:
    """Split a term into the words the tokenizer makes ("front-runner" -> front, -, runner).

    >>> term_key("Front-runner"), term_key("chief executive")
    (('front', '-', 'runner'), ('chief', 'executive'))
    """
    return tuple(w for w in re.split(r"\s+|(-)", term.lower().strip()) if w)


@functools.lru_cache(maxsize=4)
def load_terms(types_path: str, affiliations_path: str, override_path: str = "") -> Terms:
    """Read the term lists (cached per path); rows of ``override_path`` (a corpus's own table) win."""
    table = pd.read_csv(types_path, dtype=str, keep_default_na=False)
    if override_path:
        own = pd.read_csv(override_path, dtype=str, keep_default_na=False)
        missing = {"term", "source_type", "kind"} - set(own.columns)
        if missing:
            raise ValueError(f"{override_path}: source-type table needs columns {sorted(missing)}")
        table = pd.concat([own[["term", "source_type", "kind"]], table], ignore_index=True)
        types_path = f"{override_path} (over {types_path})"
    missing = {"term", "source_type", "kind"} - set(table.columns)
    if missing:
        raise ValueError(f"{types_path}: source-type table needs columns {sorted(missing)}")
    bad = set(table["source_type"]) - set(TYPES)
    if bad:
        raise ValueError(f"{types_path}: unknown source types {sorted(bad)}; use {list(TYPES)}")
    by_kind: dict[str, dict[tuple[str, ...], str]] = {k: {} for k in _KINDS}
    for term, typ, kind in zip(table["term"], table["source_type"], table["kind"], strict=True):
        if kind not in by_kind:
            raise ValueError(f"{types_path}: unknown kind {kind!r} for {term!r}; use {list(_KINDS)}")
        by_kind[kind].setdefault(term_key(term), typ)
    aff = pd.read_csv(affiliations_path, dtype=str, keep_default_na=False)
    missing = {"term", "affiliation", "source_type"} - set(aff.columns)
    if missing:
        raise ValueError(f"{affiliations_path}: party table needs columns {sorted(missing)}")
    cases = aff["case"] if "case" in aff.columns else pd.Series("capital", index=aff.index)
    bad = set(cases) - set(PARTY_CASES)
    if bad:
        raise ValueError(f"{affiliations_path}: unknown case {sorted(bad)}; use {list(PARTY_CASES)}")
    parties = {
        term_key(t): (a, s, c)
        for t, a, s, c in zip(aff["term"], aff["affiliation"], aff["source_type"], cases, strict=True)
    }
    longest = max([len(k) for d in by_kind.values() for k in d] + [len(k) for k in parties] + [1])
    people = frozenset(
        k
        for kind in ("role", "weak", "generic", "anonymous")
        for k in by_kind[kind]
        if len(k) == 1 and k not in by_kind["org"]  # "magazine", "police": a body, not one person
    )
    firsts = {kind: frozenset(k[0] for k in d) for kind, d in by_kind.items()}
    return Terms(by_kind, parties, longest, people, firsts)


def default_terms() -> Terms:
    """Return the packaged term lists."""
    return load_terms(str(SOURCE_TYPES), str(PARTIES))


def with_parties(terms: Terms, parties: dict[str, str]) -> Terms:
    """Add a corpus's own party words (``word -> party``, capitalised in the text) to the term lists."""
    if not parties:
        return terms
    extra = {term_key(w): (p, "politician", "capital") for w, p in parties.items()}
    longest = max([terms.longest, *[len(k) for k in extra]])
    return dataclasses.replace(terms, parties={**terms.parties, **extra}, longest=longest)


#: A corpus's own source-type table, kept beside it: its rows override the packaged ones.
CORPUS_SOURCE_TYPES_NAME = "source_types.csv"


def _source_types_file(source_types: str | Path) -> Path | None:
    """Return the table ``source_types`` names: a CSV itself, or the one in a corpus folder (else None)."""
    path = Path(source_types)
    if path.is_dir() or path.suffix.lower() != ".csv":
        path = (path if path.is_dir() else path.parent) / CORPUS_SOURCE_TYPES_NAME
        return path if path.is_file() else None
    if not path.is_file():
        raise FileNotFoundError(f"{path}: source-type table not found")
    return path


def terms_for(source_types: str | Path | None = None) -> Terms:
    """Return the term lists with a corpus's own table over the packaged one (``None``: packaged only).

    ``source_types`` is a ``term, source_type, kind`` CSV, or a corpus folder (or a file in it) holding
    :data:`CORPUS_SOURCE_TYPES_NAME`; a folder without one gives the packaged table. Read once per path.
    """
    path = None if source_types is None else _source_types_file(source_types)
    if path is None:
        return default_terms()
    return load_terms(str(SOURCE_TYPES), str(PARTIES), str(path))


def resolve_source_types(source: object, source_types: str | Path | None = None) -> Path | None:
    """Choose a corpus's source-type table: explicit, else ``source_types.csv`` beside it, else None.

    Examples
    --------
    >>> resolve_source_types(None) is None
    True
    """
    found = corpus_file(source, CORPUS_SOURCE_TYPES_NAME, source_types)
    return None if found is None else Path(found)


def source_types_digest(source_types: str | Path | None = None) -> str:
    """Return the content digest of a corpus's source-type table ("" for none); it keys ``quotes``."""
    path = None if source_types is None else _source_types_file(source_types)
    return "" if path is None else hashlib.sha256(path.read_bytes()).hexdigest()


def first_name_gender(name: str) -> str:
    """Return ``male``, ``female`` or ``unknown`` for the first word of a full name (gender-guesser).

    >>> first_name_gender("Kathleen Hall Jamieson"), first_name_gender("Jamieson")
    ('female', 'unknown')
    """
    words = [w for w in name.split() if w.lower().rstrip(".") not in _HONORIFIC]
    if len(words) < 2 or not re.fullmatch(r"[^\W\d_][^\W\d_'’-]+", words[0]):
        return UNKNOWN  # one word, or an initial ("J. Smith", "J.R. Smith")
    det = gender_detector()
    # only the table's clear answers: "mostly_male", "mostly_female" and "andy" (androgynous) stay unknown
    return {"male": "male", "female": "female"}.get(det.get_gender(words[0]), UNKNOWN)


@dataclass
class SourceType:
    """The typing of one speaker."""

    source_type: str
    affiliation: str
    gender: str
    is_person: bool
    evidence: str = ""


#: How a speaker's type was decided (the quotes table's ``type_evidence``): ``role`` (a role, title,
#: organisation, party or document word of the article's description of the speaker), ``context``
#: (the sentences naming the person, no role of their own), ``weak`` (a weak cue, the article's
#: subject, a named person with no role, an organisation without a type word), ``none`` (nothing:
#: no speaker, an unresolved pronoun), ``corpus`` (filled by the corpus pass from the articles that
#: describe the person: :mod:`analysis.framing.quotes.corpus`).
TYPE_EVIDENCE: tuple[str, ...] = ("role", "context", "weak", "none", "corpus")

_NO_EVIDENCE = ("no tokens", "no speaker", "pronoun", "unresolved first/second person", "no cue")
_WEAK_EVIDENCE = (
    "the article's subject (no role for the person)",
    "named person without a role in the article",
    "organisation",
    "a name that reports (a news outlet)",
)


def evidence_strength(typed: SourceType) -> str:
    """Return how strongly the article itself typed a speaker: one of :data:`TYPE_EVIDENCE` but ``corpus``.

    Examples
    --------
    >>> evidence_strength(SourceType("politician", "", "male", True, "role 'senator'"))
    'role'
    >>> evidence_strength(SourceType("citizen", "", "male", True, "appositive 'neighbor' (weak)"))
    'weak'
    >>> evidence_strength(SourceType("other", "", "male", True, "named person without a role in the article"))
    'weak'
    >>> evidence_strength(SourceType("unknown", "", "none", False, "pronoun"))
    'none'
    """
    why = typed.evidence
    if why in _NO_EVIDENCE or typed.source_type == UNKNOWN and not why.endswith("weak)"):
        return "none"
    if why in _WEAK_EVIDENCE or why.endswith("weak)") or typed.source_type == "other":
        return "weak"
    if why.startswith("context of the sentences") or why.endswith("in sport context"):
        return "context"
    return "role"


@dataclass
class _Words:
    """Description words of a speaker, with where they come from."""

    tokens: list[tuple[Field, int]] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    #: other people the speaker works for ("Fenn's press secretary", "a spokesman for Mrs. Clinton")
    bosses: list[Mention] = field(default_factory=list)
    #: head nouns of the name's appositives ("Khan, the Gold Star parents")
    appos: list[tuple[Field, int]] = field(default_factory=list)
    #: types the name's own use gives ("the Trump campaign": politician), counted like roles
    marks: list[str] = field(default_factory=list)
    #: an ordinary person's marks without a role: an age ("Jane Roe, 32,"), a hometown ("of Sodus")
    private: list[str] = field(default_factory=list)


class ArticleSources:
    """Type speakers of one article: its fields, mentions, pronoun votes and main country."""

    def __init__(self, fields: list[Field], terms: Terms | None = None) -> None:
        self.fields = fields
        self.terms = terms or default_terms()
        self._people = self.terms.people
        self._article_type: str | None = None
        self._person_types: dict[str, str] = {}
        self._party_memo: dict[tuple[int, int, int, int], str] = {}  # within one type_span call
        self._party_firsts = frozenset(k[0] for k in self.terms.parties)
        self._sentences_by_person: dict[int, dict[str, set[int]]] = {}
        self._people_by_sentence: dict[tuple[int, int], list[tuple[int, int, range]]] = {}
        self._article_party: str | None = None
        self._by_name: dict[str, list[tuple[Field, Mention]]] | None = None
        self._home: str | None = None
        self._votes: dict[str, Counter[str]] | None = None
        self._genders: dict[str, str] = {}
        self._descriptions: dict[str, _Words] = {}
        self._contexts: dict[str, tuple[str, str]] = {}
        self._starts: dict[int, list[int]] = {}
        self._quotes: dict[int, list[tuple[int, int]]] = {}
        self._party_words: str | None = None
        self._candidacy: dict[str, list[str]] | None = None  # word -> its candidacy marks (in text order)
        self._party_hits: list[tuple[Field, int, tuple]] | None = None  # the article's party words
        self._typed: dict[tuple[str, int, int, str | None], SourceType] = {}

    @property
    def by_name(self) -> dict[str, list[tuple[Field, Mention]]]:
        """Mentions by canonical name (read when first needed, after the resolver completed surnames)."""
        if self._by_name is None:
            self._by_name = {}
            for f in self.fields:
                for m in f.mentions:
                    self._by_name.setdefault(m.canonical, []).append((f, m))
        return self._by_name

    @property
    def home(self) -> str:
        """The one country the article is about, or "": the guess for an office holder tied to none.

        The country its place and nationality mentions name most, at least three times and more
        than twice any other (the rule of the article's party, :func:`_dominant`). A story about
        several countries (talks between Russia and Ukraine, a visit abroad) has none: a person the
        text ties to no country is not given the country the story is about.
        """
        if self._home is None:
            countries: Counter[str] = Counter(
                m.country
                for f in self.fields
                for m in f.mentions
                if m.country and m.kind in ("place", "group")
            )
            self._home = _dominant(countries)
        return self._home

    # ---------------------------------------------------------------- description
    def _head(self, f: Field, s: int, e: int) -> int | None:
        toks = list(f.tokens_in(s, e))
        if not toks:
            return None
        inside = set(toks)
        heads = [k for k in toks if f.parent(k) not in inside]
        nouns = [k for k in heads if f.pos[k] in ("NOUN", "PROPN", "PRON", "NUM")]
        return (nouns or heads or toks)[-1] if len(heads) > 1 else (heads or toks)[0]

    def _describe(self, f: Field, head: int, out: _Words, limit: int = 40) -> None:
        """Add the noun phrase of ``head`` (modifiers, appositive, relative clause) to ``out``."""
        sent = f.sent[head]
        stack, seen = [head], {head}
        p = f.parent(head)
        if f.dep[head] == "appos" and p is not None and f.pos[p] in ("NOUN", "PROPN"):
            stack.append(p)  # "Boeing's chief financial officer, Brian West": the name is the appositive
            seen.add(p)
        others = self._other_people(f, head)
        tied: list[int] = []
        if f.pos[head] == "PROPN":
            self._private_marks(f, head, out)
        while stack:
            k = stack.pop()
            for c in f.kids(k):
                if c in others and f.dep[c] in ("poss", "compound"):
                    tied.append(c)  # the person served ("Fenn's press secretary"), not their roles
                if f.dep[c] == "prep" and f.low[c] in ("for", "to") and k != head:
                    # "a spokesman for Mrs. Clinton", "an adviser to Mr. Trump": the person served
                    tied.extend(o for o in f.kids(c) if o in others and f.dep[o] == "pobj")
                if k == head and f.dep[c] == "appos" and f.sent[c] == sent:
                    out.appos.append((f, c))
                if c in seen or f.sent[c] != sent or abs(c - head) > limit or c in others:
                    continue  # another person's name and its roles ("President Obama's press secretary")
                if (
                    k == head
                    and f.pos[head] == "PROPN"
                    and f.dep[c] == "prep"
                    and f.low[c] not in ("of", "from")
                ):
                    continue  # "Trump on Twitter": a place of speaking, not a description
                if f.dep[c] in _DESC_DEPS or (f.dep[c] in ("conj", "cc") and k != head) or f.dep[c] == "det":
                    seen.add(c)
                    stack.append(c)
        j = min(seen) - 1  # a premodifier run the parser hung elsewhere ("CNN President Jeff Zucker")
        while j >= 0 and min(seen) - j <= 5 and f.sent[j] == sent and f.pos[j] in ("PROPN", "NOUN", "ADJ"):
            if f.text[f.end[j] : f.start[j + 1]] not in (" ", ""):
                break
            seen.add(j)
            j -= 1
        for k in sorted(seen):  # the hyphen of "front-runner" (a punct child) joins its words again
            if k + 2 < len(f.word) and f.word[k + 1] in ("-", "–") and k + 2 in seen:
                seen.add(k + 1)
        out.tokens.extend((f, k) for k in sorted(seen))
        lo, hi = min(seen), max(seen)
        # a party tag right after the name: "Sen. Roy Blunt (R-Mo.)"
        out.text.append(f.text[f.start[lo] : min(len(f.text), f.end[hi] + 20)])
        out.mentions.extend(self._mentions_in(f, f.start[lo], f.end[hi]))
        for c in tied:
            near = self._mentions_in(f, f.start[c], f.end[c])
            out.mentions.extend(m for m in near if m not in out.mentions)
            out.bosses.extend(m for m in near if m.kind == "person" and m not in out.bosses)

    def _private_marks(self, f: Field, head: int, out: _Words) -> None:
        """Note an age ("Jane Roe, 32,") or a hometown ("Scott Hawkins of Cheyenne") after a name."""
        for c in f.kids(head):
            w = f.word[c]
            if (
                f.pos[c] == "NUM"
                and w.isdigit()
                and 14 <= int(w) <= 110
                and f.dep[c] in ("appos", "npadvmod", "amod", "nummod")
                and c > head
            ):
                out.private.append("age")
            elif f.dep[c] == "prep" and w.lower() == "of" and c == head + 1:
                for o in f.kids(c):
                    if f.dep[o] == "pobj" and any(
                        m.kind == "place" and m.start <= f.start[o] < m.end
                        for m in self._mentions_in(f, f.start[o], f.end[o])
                    ):
                        out.private.append("hometown")

    def _other_people(self, f: Field, head: int) -> set[int]:
        """Tokens of the person mentions near ``head`` that do not contain it."""
        key = (id(f), f.sent[head])
        people = self._people_by_sentence.get(key)
        if people is None:
            lo = bisect.bisect_left(f.sent, f.sent[head])
            hi = bisect.bisect_right(f.sent, f.sent[head]) - 1
            people = [
                (m.start, m.end, f.tokens_in(m.start, m.end))
                for m in self._mentions_in(f, f.start[lo], f.end[hi])
                if m.kind == "person"
            ]
            self._people_by_sentence[key] = people
        a = f.start[head]
        return {k for s, e, toks in people if not (s <= a < e) for k in toks}

    def _mentions_in(self, f: Field, a: int, b: int) -> list[Mention]:
        """Mentions of ``f`` overlapping characters ``[a, b)`` (mentions are sorted by start)."""
        starts = self._starts.get(id(f))
        if starts is None:
            starts = self._starts[id(f)] = [m.start for m in f.mentions]
        hi = bisect.bisect_left(starts, b)
        lo = bisect.bisect_left(starts, a - 200)  # a mention starting before a may still overlap it
        return [m for m in f.mentions[lo:hi] if m.end > a]

    def _person_description(self, canonical: str | None) -> _Words:
        """Return the descriptions of every mention of a person in the article (once per person)."""
        key = canonical or ""
        if key not in self._descriptions:
            out = _Words()
            for g, m in self._person_mentions(canonical):
                mh = self._head(g, m.start, m.end)
                if mh is not None:
                    self._describe(g, mh, out, limit=25)
                    p = g.parent(mh)  # "Roe is the CEO of DH": the complement of "be" describes the subject
                    if p is not None and g.dep[mh] == "nsubj" and g.lem[p] == "be":
                        for c in g.kids(p):
                            if g.dep[c] == "attr" and g.pos[c] == "NOUN":
                                self._describe(g, c, out, limit=25)
            if out.tokens:
                out.marks.extend(self._candidacy_marks(canonical))
            self._descriptions[key] = out
        return self._descriptions[key]

    def _candidacy_marks(self, canonical: str) -> list[str]:
        """Types the person's surname gives where it modifies a candidacy noun ("the Trump campaign").

        Read from the words, not the mentions: the tagger often leaves "Marsh" in "the Marsh campaign"
        without a label.
        """
        if self._candidacy is None:  # every word's marks, found in one pass over the article
            self._candidacy = {}
            for g in self.fields:
                for i, d in enumerate(g.dep):
                    if d not in ("poss", "compound"):
                        continue
                    p = g.parent(i)
                    if p is not None and g.pos[p] == "NOUN" and g.lem[p] in _CANDIDACY:
                        self._candidacy.setdefault(g.word[i], []).append(_CANDIDACY[g.lem[p]])
        return list(self._candidacy.get(canonical.split()[-1], ()))

    def _org_description(self, canonical: str) -> _Words:
        """Return the words before and in apposition to every mention of an organisation.

        "the conservative legal group Judicial Watch", "Judicial Watch, a watchdog group": the type words
        of its other mentions; nothing else of their sentences.
        """
        key = "\0org:" + canonical
        if key not in self._descriptions:
            out = _Words()
            for g, m in self.by_name.get(canonical, []):
                mh = self._head(g, m.start, m.end) if m.kind == "organisation" else None
                if mh is None:
                    continue
                first = next(iter(g.tokens_in(m.start, m.end)))
                j = first - 1
                while j >= 0 and first - j <= 4 and g.sent[j] == g.sent[mh] and g.pos[j] in ("NOUN", "ADJ"):
                    out.tokens.insert(0, (g, j))  # the premodifier run: "the conservative legal group"
                    j -= 1
                for c in g.kids(mh):
                    if g.dep[c] == "appos" and g.pos[c] == "NOUN":
                        out.tokens.extend(
                            (g, k) for k in range(max(first, c - 3), c + 1) if g.sent[k] == g.sent[c]
                        )
            self._descriptions[key] = out
        return self._descriptions[key]

    @staticmethod
    def _reports(f: Field, head: int) -> bool:
        """Whether ``head`` is the subject of "report" with no object.

        "as BuzzFeed reported", "X reported that ...": a news outlet; a company reporting its earnings has
        an object ("Boeing reported a loss").
        """
        p = f.parent(head)
        if p is None or f.dep[head] != "nsubj" or f.lem[p] != "report" or f.pos[p] != "VERB":
            return False
        return not any(f.dep[c] in ("dobj", "obj") for c in f.kids(p))

    def _collective_of(self, f: Field, head: int) -> int | None:
        """Return the noun a collective head is "of" ("a family of super PACs": PACs), else None."""
        if f.lem[head] not in _COLLECTIVE or f.pos[head] != "NOUN":
            return None
        for c in f.kids(head):
            if f.dep[c] == "prep" and f.low[c] == "of":
                for o in f.kids(c):
                    if f.dep[o] == "pobj" and f.pos[o] in ("NOUN", "PROPN"):
                        return o
        return None

    def _person_mentions(self, canonical: str | None) -> list[tuple[Field, Mention]]:
        if not canonical:
            return []
        found = self.by_name.get(canonical, [])
        if not found and len(canonical.split()) == 1:  # a surname alone: the full name that ends with it
            low = canonical.lower()
            names = [name for name in self.by_name if surname(name) == low]
            if len(names) == 1:  # "Clinton" with both Bill and Hillary Clinton named: neither one's roles
                found = self.by_name[names[0]]
        return [(f, m) for f, m in found if m.kind in ("person", "")]

    # ---------------------------------------------------------------- matching
    def _matches(self, words: list[tuple[Field, int]], kind: str) -> list[tuple[str, str, int]]:
        """Return (term, type, token position) of every ``kind`` term found in the description words.

        A role word that only modifies a common noun which is no role ("executive council") does not count.
        """
        table = self.terms.by_kind[kind]
        roles, generic = self.terms.by_kind["role"], self.terms.by_kind["generic"]
        out = []
        low = [f.lem[k] if f.pos[k] == "NOUN" else f.low[k] for f, k in words]
        raw = [f.word[k] for f, k in words]
        covered = 0
        firsts = self.terms.firsts.get(kind, frozenset())
        for i in range(len(words)):
            if i < covered or low[i] not in firsts:  # inside a longer term found ("national team captain")
                continue
            for n in range(min(self.terms.longest, len(words) - i), 0, -1):
                key = tuple(low[i : i + n])
                if key in table:
                    if n == 1 and kind == "org" and key[0] in _CAPITALISED_ONLY and not raw[i][:1].isupper():
                        continue
                    f, k = words[i + n - 1]
                    if (
                        kind in ("role", "generic")
                        and n == 1
                        and raw[i][:1].isupper()
                        and self._in_name(f, k)
                    ):
                        break  # a surname that is also a role word ("Ken Doctor")
                    p = f.parent(k)
                    if (
                        kind in ("role", "generic")
                        and f.dep[k] in ("amod", "compound")
                        and p is not None
                        and f.pos[p] == "NOUN"
                        and (f.lem[p],) not in roles
                        and (f.lem[p],) not in generic
                    ):
                        break
                    if (
                        kind == "org"
                        and n == 1
                        and f.dep[k] in ("amod", "compound")
                        and p is not None
                        and f.pos[p] == "NOUN"
                        and (f.lem[p],) in table
                        and not raw[i][:1].isupper()
                    ):
                        break  # "the conservative legal group": the group decides, not its adjective
                    out.append((" ".join(key), table[key], i))
                    covered = i + n
                    break
        return out

    def _in_name(self, f: Field, k: int) -> bool:
        """Whether token ``k`` is a later word of a person's name (not its first word)."""
        return any(
            m.kind in ("person", "")
            and m.start <= f.start[k] < m.end
            and (m.start < f.start[k] or surname(m.canonical) == f.low[k] != m.canonical.lower())
            for m in self._mentions_in(f, f.start[k], f.end[k])
        )  # "Doctor said", for Ken Doctor: his surname

    def _party(self, words: list[tuple[Field, int]], texts: list[str]) -> str:
        """Return the party the description words name ("" when none): a tag, "<Name> Party", a party word."""
        key = (id(words), len(words), id(texts), len(texts))
        if key not in self._party_memo:
            self._party_memo[key] = self._find_party(words, texts)
        return self._party_memo[key]

    def _find_party(self, words: list[tuple[Field, int]], texts: list[str]) -> str:
        for text in texts:
            tag = _PARTY_TAG.search(text)
            if tag:
                key = (tag.group(1).lower() + "-",)
                if key in self.terms.parties:
                    return self.terms.parties[key][0]
        low = [f.low[k] for f, k in words]
        has_party = "party" in low
        firsts = self._party_firsts
        for i in range(len(low)):
            named = _named_party(words, i) if has_party else ""
            if named:
                # "Top Republican Party donor": the party word of the table names it, not the capitals
                names = named.lower().split()[:-1]
                for j in range(len(names)):
                    for n in range(min(4, len(names) - j), 0, -1):
                        hit = self.terms.parties.get(tuple(names[j : j + n]))
                        if hit:
                            return hit[0]
                return named
            if low[i] not in firsts:
                continue
            for n in range(min(4, len(low) - i), 0, -1):
                hit = self.terms.parties.get(tuple(low[i : i + n]))
                if hit and _party_case(words[i], hit[2], self.terms.by_kind["role"]):
                    return hit[0]
        return ""

    # ---------------------------------------------------------------- gender
    def _pronoun_votes(self) -> dict[str, Counter[str]]:
        """Count honorifics and he/she per person of the article.

        "Mr."/"Mrs."/"Ms." before a name count twice. A subject he/she counts for a person only when that
        person is the only one named in its sentence (before it) and the sentence before.
        """
        if self._votes is not None:
            return self._votes
        votes: dict[str, Counter[str]] = {}
        for f in self.fields:
            people = [m for m in f.mentions if m.kind == "person"]
            by_sent: dict[int, list[tuple[int, str]]] = {}
            for m in people:
                before = f.text[max(0, m.start - 5) : m.start].lower().split()
                hon = _HONORIFIC.get(before[-1]) if before else None
                first = m.text.split()[0].lower() if m.text.split() else ""
                hon = hon or _HONORIFIC.get(first)
                if hon:
                    votes.setdefault(m.canonical, Counter())[hon] += 2
                k = f.at(m.start)
                if k is not None:
                    by_sent.setdefault(f.sent[k], []).append((m.start, m.canonical))
            chain: tuple[int, str, str] | None = None  # (sentence, pronoun, person) of the last resolved one
            for i, low in enumerate(f.low):
                if low not in ("he", "she") or f.dep[i] not in ("nsubj", "nsubjpass"):
                    continue
                s = f.sent[i]
                near = {c for pos, c in by_sent.get(s, []) if pos < f.start[i]}
                near |= {c for _, c in by_sent.get(s - 1, [])}
                if not near and chain is not None and chain[0] >= s - 1 and chain[1] == low:
                    near = {chain[2]}  # "She said ... She said ...": the same person goes on
                if len(near) == 1:
                    who = near.pop()
                    votes.setdefault(who, Counter())["male" if low == "he" else "female"] += 1
                    chain = (s, low, who)
        self._votes = votes
        return votes

    def context_type(self, canonical: str) -> tuple[str, str]:
        """Type and party suggested by the sentences naming a person who has no role in the article.

        Counts ``context`` terms and party words in the sentences naming the person; a type needs three
        hits, a party two, and more than any other.
        """
        if canonical not in self._contexts:
            self._contexts[canonical] = self._context_type(canonical)
        return self._contexts[canonical]

    def _person_sentences(self, f: Field) -> dict[str, set[int]]:
        """Sentences of ``f`` naming each person (by canonical name), computed once per field."""
        got = self._sentences_by_person.get(id(f))
        if got is None:
            got = {}
            for m in f.mentions:
                k = f.at(m.start)
                if k is not None and m.kind == "person":
                    got.setdefault(m.canonical, set()).add(f.sent[k])
            self._sentences_by_person[id(f)] = got
        return got

    def _context_type(self, canonical: str) -> tuple[str, str]:
        table = self.terms.by_kind["context"]
        types: Counter[str] = Counter()
        parties: Counter[str] = Counter()
        for f in self.fields:
            mine = sorted(self._person_sentences(f).get(canonical, ()))
            rows = [
                i for s in mine for i in range(bisect.bisect_left(f.sent, s), bisect.bisect_right(f.sent, s))
            ]
            for i in rows:
                word = f.low[i]
                low = f.lem[i] if f.pos[i] in ("NOUN", "VERB") else word
                t = table.get((low,)) or table.get((word,))  # "running", "donors" as written too
                if t:
                    types[t] += 1
                hit = self.terms.parties.get((word,))
                if (
                    hit
                    and _party_case((f, i), hit[2], self.terms.by_kind["role"])
                    and not self._introduces_other(f, i, canonical)
                    and not self._quoted(f, i)  # the person's own words name other parties
                ):
                    parties[hit[0]] += 4 if self._electoral(f, i) else 1 if self._party_noun(f, i) else 2
        return _majority(types, least=3), _majority(parties, least=3)

    def _quoted(self, f: Field, k: int) -> bool:
        """Whether token ``k`` is inside quotation marks."""
        spans = self._quotes.get(id(f))
        if spans is None:
            spans = self._quotes[id(f)] = [(q.start, q.end) for q in quote_spans(f.text)]
        a = f.start[k]
        return any(s <= a < e for s, e in spans)

    @staticmethod
    def _party_noun(f: Field, k: int) -> bool:
        """Whether party word ``k`` stands for party members as a noun of its own ("Republicans ask ...")."""
        return f.pos[k] in ("NOUN", "PROPN") and f.dep[k] not in ("amod", "compound", "poss")

    def _introduces_other(self, f: Field, k: int, canonical: str) -> bool:
        """Whether word ``k`` opens the title run of another person ("Democratic nominee Hillary Clinton")."""
        j = k + 1
        while j < len(f.word) and j - k <= 4 and f.sent[j] == f.sent[k]:
            for m in self._mentions_in(f, f.start[j], f.end[j]):
                if m.start == f.start[j] and m.kind == "person":
                    return m.canonical != canonical
            if f.pos[j] not in ("PROPN", "NOUN", "ADJ"):
                return False
            j += 1
        return False

    def _electoral(self, f: Field, k: int) -> bool:
        """Whether party word ``k`` modifies a race or its people ("the Democratic primary", "GOP rivals")."""
        p = f.parent(k)
        if p is None or f.dep[k] not in ("amod", "compound", "nmod") or f.pos[p] not in ("NOUN", "PROPN"):
            return False
        key = (f.lem[p],)
        return (
            self.terms.by_kind["context"].get(key) == "politician"
            or self.terms.by_kind["role"].get(key) == "politician"
            or key[0] in _RIVALS
        )

    @property
    def article_party(self) -> str:
        """The party whose race the article is about.

        Party words modifying a race or its people ("the Democratic primary", "GOP candidates"): at least
        three, and more than twice any other party.
        """
        if self._article_party is None:
            self._article_party = self._dominant_party(self._electoral)
        return self._article_party

    def _dominant_party(self, keep: Callable[[Field, int], bool]) -> str:
        """Return the party of at least three party words ``keep(field, i)`` accepts, twice any other's."""
        if self._party_hits is None:  # found once for both callers
            parties, roles = self.terms.parties, self.terms.by_kind["role"]
            self._party_hits = [
                (f, i, hit)
                for f in self.fields
                for i, low in enumerate(f.low)
                if (hit := parties.get((low,))) and _party_case((f, i), hit[2], roles)
            ]
        counts: Counter[str] = Counter()
        for f, i, hit in self._party_hits:
            if keep(f, i):
                counts[hit[0]] += 1
        return _dominant(counts)

    @property
    def party_words(self) -> str:
        """The party the article's own words name most, outside quotations.

        At least three uses and more than twice any other party; the last guess for a politician
        whose party nothing nearer gives.
        """
        if self._party_words is None:
            self._party_words = self._dominant_party(lambda f, i: not self._quoted(f, i))
        return self._party_words

    @property
    def article_type(self) -> str:
        """The type the whole article's ``context`` terms point to (at least six hits, twice any other)."""
        if self._article_type is None:
            table = self.terms.by_kind["context"]
            # each distinct form looked up once (in order of first use, as a type's count starts)
            forms = Counter(
                lem if pos in ("NOUN", "VERB") else w
                for f in self.fields
                for w, lem, pos in zip(f.low, f.lem, f.pos, strict=True)
            )
            counts: Counter[str] = Counter()
            for form, n in forms.items():
                t = table.get((form,))
                if t:
                    counts[t] += n
            top = counts.most_common(2)
            ok = top and top[0][1] >= 6 and (len(top) == 1 or top[0][1] >= 2 * top[1][1])
            self._article_type = top[0][0] if ok else ""
        return self._article_type

    def gender(self, canonical: str | None) -> str:
        """Return the gender of a person named ``canonical`` in this article."""
        if not canonical:
            return UNKNOWN
        if canonical not in self._genders:
            self._genders[canonical] = self._gender(canonical)
        return self._genders[canonical]

    def _gender(self, canonical: str) -> str:
        names = {m.canonical for _, m in self._person_mentions(canonical)} or {canonical}
        total: Counter[str] = Counter()
        for n in names:
            total.update(self._pronoun_votes().get(n, Counter()))
        for g, m in self._person_mentions(canonical):  # "actress Jane Roe", "Jane Roe, a spokeswoman"
            mh = self._head(g, m.start, m.end)
            if mh is None:
                continue
            near = [c for c in g.kids(mh) if g.dep[c] in ("compound", "appos", "amod")]
            p = g.parent(mh)
            if p is not None and g.dep[mh] == "appos":
                near.append(p)
            for k in near:
                w = g.low[k]
                if w in _FEMALE_NOUNS:
                    total["female"] += 2
                elif w in _MALE_NOUNS:
                    total["male"] += 2
        male, female = total["male"], total["female"]
        if male >= 2 and male > 2 * female or male and not female:
            return "male"
        if female >= 2 and female > 2 * male or female and not male:
            return "female"
        full = max(names, key=lambda n: len(n.split()))
        return first_name_gender(full)

    # ---------------------------------------------------------------- typing
    def type_span(self, f: Field, start: int, end: int, canonical: str | None = None) -> SourceType:
        """Type the speaker whose phrase spans characters ``[start, end)`` of field ``f``.

        ``canonical`` is the resolved speaker (a person named elsewhere in the article
        when the phrase is a pronoun or a surname). A phrase is typed once per article
        (one speaker often has several quotations); the result must not be modified.
        """
        key = (f.name, start, end, canonical)
        found = self._typed.get(key)
        if found is None:
            found = self._typed[key] = self._type_span(f, start, end, canonical)
        return found

    def _type_span(self, f: Field, start: int, end: int, canonical: str | None) -> SourceType:
        self._party_memo.clear()
        head = self._head(f, start, end)
        if head is None:
            return SourceType(UNKNOWN, "", "none", False, "no tokens")
        of = self._collective_of(f, head)
        if of is not None:  # "a family of super PACs", "a panel of reporters": the people they are of
            t = self.type_span(f, f.start[of], f.end[of])
            aff = t.affiliation
            if not aff:  # "a panel of reporters led by MSNBC's Chris Matthews"
                whole = _Words()
                self._describe(f, head, whole)
                aff = self._affiliation(whole, t.source_type)
            return SourceType(t.source_type, aff, "none", False, f"{t.evidence} (a group of them)")
        own = _Words()
        self._describe(f, head, own)
        # tokens of the phrase itself always count (the parse may hang them elsewhere)
        have = {(id(g), k) for g, k in own.tokens}
        own.tokens.extend((f, k) for k in f.tokens_in(start, end) if (id(f), k) not in have)
        own.tokens.sort(key=lambda t: t[1])
        own.text.append(f.text[start : min(len(f.text), end + 20)])
        own.mentions.extend(m for m in f.mentions if m.start < end and m.end > start)
        head_word, head_lemma = f.low[head], f.lem[head]
        person_in_phrase = [m for m in own.mentions if m.kind == "person" and m.start < end and m.end > start]
        if canonical and canonical.lower() == f.text[start:end].strip().lower() and f.pos[head] == "PRON":
            canonical = None  # an unresolved pronoun comes back as itself
        known = bool(canonical) and any(m.kind in ("person", "") for _, m in self._person_mentions(canonical))
        if canonical and not known and f.pos[head] == "PROPN" and len(canonical.split()) == 1:
            who = self._surname_person(canonical)  # "Unruh" tagged an organisation, "Kendal Unruh" a person
            if who:
                canonical, known = who, True
        named = (
            canonical
            if canonical and (person_in_phrase or (f.pos[head] in ("PRON", "PROPN") and known))
            else None
        )
        if person_in_phrase and not named:
            named = person_in_phrase[-1].canonical
        if f.pos[head] == "PRON" and head_word in _SELF and not canonical:
            return SourceType(UNKNOWN, "", "none", False, "unresolved first/second person")
        if f.pos[head] == "PRON" and not canonical:
            return SourceType(
                UNKNOWN, "", UNKNOWN if head_word in _MALE | _FEMALE else "none", False, "pronoun"
            )
        # the speaker phrase headed by a document noun is not a person
        if (
            (
                f.pos[head] != "PROPN" or head_lemma in ("poll", "survey")
            )  # "the Rock the Vote Millennial Poll"
            and (head_lemma,) in self.terms.by_kind["document"]
            and not person_in_phrase
        ):
            return SourceType("document", self._affiliation(own, "document"), "none", False, "document")
        # every description of the person: this phrase and the article's other mentions of them
        desc = _Words(list(own.tokens), list(own.mentions), list(own.text), list(own.bosses))
        is_person = bool(named) or f.pos[head] == "PROPN" and any(m.kind == "person" for m in own.mentions)
        person = self._person_description(named)
        if not named and f.pos[head] == "PROPN":  # an organisation's other mentions ("the legal group X")
            org = next(
                (m for m in own.mentions if m.kind == "organisation" and m.start <= f.start[head] < m.end),
                None,
            )
            person = self._org_description(org.canonical) if org else person
        seen = {(id(g), k) for g, k in desc.tokens}  # the phrase is also one of the person's mentions
        desc.tokens.extend(t for t in person.tokens if (id(t[0]), t[1]) not in seen)
        desc.mentions.extend(person.mentions)
        desc.text.extend(person.text)
        desc.bosses.extend(m for m in person.bosses if m not in desc.bosses)
        desc.appos.extend(own.appos + person.appos)
        desc.marks.extend(person.marks)
        desc.private.extend(own.private + person.private)
        typ, why = self._type(f, head, own, desc, named)
        if typ == UNKNOWN and not named and f.pos[head] == "PROPN":
            kinds = {m.kind for m in own.mentions if m.start < end and m.end > start}
            group = self.terms.by_kind["group"].get((head_word,))
            if "group" in kinds:
                typ, why = "citizen", "group named (NORP)"
            elif group and f.tag[head] in ("NNPS", "NNS"):  # "Latinos" the tagger left without a label
                typ, why = group, f"group '{head_word}'"
        if (
            typ in ("other", UNKNOWN)
            and not named
            and f.pos[head] == "PROPN"
            and not person_in_phrase
            and self._reports(f, head)
        ):
            typ, why = "media", "a name that reports (a news outlet)"
        if typ == UNKNOWN and head_word == "one" and any(f.low[c] == "of" for c in f.kids(head)):
            typ, why = "anonymous", "one unnamed member of a group ('one of the initiators')"
        if typ == UNKNOWN and f.pos[head] == "NUM":
            typ, why = "citizen", "a count of people (poll share)"
        party = ""
        ambiguous = why.split("'")[0] in ("role ", "title ") and why.split("'")[1] in _SPORT_AMBIGUOUS
        if named and (typ == UNKNOWN or why.endswith("weak)") or typ == "politician" or ambiguous):
            ctx, party = self.context_type(named)
            if ctx and typ in (UNKNOWN,) or ctx and why.endswith("weak)"):
                typ, why = ctx, "context of the sentences naming the person"
            elif ambiguous and (ctx or self.article_type) == "sport":
                typ, why = "sport", f"{why} in sport context"
        if typ == UNKNOWN and (named or is_person) and self.article_type:
            typ, why = self.article_type, "the article's subject (no role for the person)"
        if typ == UNKNOWN and (named or is_person):
            typ, why = "other", "named person without a role in the article"
        if named:  # a person is not their own affiliation (a surname the tagger took for an organisation)
            own_name = {named.lower(), surname(named)}
            desc.mentions = [
                m for m in desc.mentions if m.kind == "person" or m.canonical.lower() not in own_name
            ]
        org_only_speaker = not named and any(m.kind == "organisation" for m in own.mentions)
        if typ == "politician":  # a party first: the description's, the sentences', the person served's
            aff = self._party(desc.tokens, desc.text) or party
            if not aff:  # "Cruz's campaign manager"
                boss = self._boss_type(f, head, own, named, desc.bosses)
                aff = self.person_party(boss[0]) if boss else ""
            # a race the article is about ("the Republican primary"), else a country
            aff = (
                aff
                or self.article_party
                or next((m.country for m in desc.mentions if m.country), "")
                or self.party_words
                or (self.home if org_only_speaker else "")  # "Congress": the country's legislature
            )
        else:
            aff = self._affiliation(desc, typ) or party
        plural = f.tag[head] in ("NNS", "NNPS") or head_lemma in ("percent", "majority", "most", "half")
        human = (head_lemma,) in self._people or (head_word,) in self._people
        singular_person = not plural and f.pos[head] != "PROPN" and (typ in ("anonymous", "citizen") or human)
        person = typ != "document" and bool(named or singular_person)
        if named:
            person = True
        org_only = (
            not named and any(m.kind == "organisation" for m in own.mentions) and f.pos[head] == "PROPN"
        )
        if org_only or plural:
            person = False
        gender = self.gender(named) if named else (UNKNOWN if person else "none")
        if person and not named:
            words = {f.low[k] for _, k in own.tokens}
            if words & (_FEMALE_NOUNS | {"she"}):
                gender = "female"
            elif words & _MALE_NOUNS:
                gender = "male" if "woman" not in words else gender
        return SourceType(typ, aff, gender, person, why)

    def _type(self, f: Field, head: int, own: _Words, desc: _Words, named: str | None) -> tuple[str, str]:
        head_lemma = f.lem[head]
        head_word = f.low[head]
        # 1. roles and titles in the descriptions ("Sen.", "professor", "chief executive")
        roles = self._matches(desc.tokens, "role")
        weak = [r for r in self._matches(own.tokens, "weak") if own.tokens[r[2]] == (f, head)]
        generic = self._matches(desc.tokens, "generic")
        roles = _without_titles(roles, bool(generic))
        orgs = self._matches(desc.tokens, "org")
        party = self._party(desc.tokens, desc.text)
        org_types = []
        for m in desc.mentions:  # an organisation named in the description ("Boeing's", "the FBI")
            if m.kind == "organisation":
                words = [(f, k) for k in f.tokens_in(m.start, m.end)] if m in f.mentions else []
                org_types.extend(t for _, t, _ in self._matches(words, "org"))
        # a named organisation before the words of a title ("Research Director ... at Amnesty International")
        for _term, t, at in orgs:  # an organisation word inside a role is that role ("press secretary")
            inside = [r for r in roles + generic if r[2] <= at < r[2] + len(r[0].split())]
            org_types.append(inside[0][1] if inside else t)
        # the phrase's own head noun decides first ("a Clinton delegate": politician)
        own_roles = [r for r in roles if (f, head) in desc.tokens[r[2] : r[2] + len(r[0].split())]] + weak
        if own_roles:
            if own_roles[0] in weak and any(f.dep[c] == "poss" for c in f.kids(head)):
                boss = self._boss_type(f, head, own, named)
                if boss:  # "Hillary Clinton's right-hand woman": the person she works for
                    return boss[1], f"'{head_word}' of {boss[0]} ({boss[1]})"
            return own_roles[0][1], f"role '{own_roles[0][0]}'"
        if not named and f.pos[head] != "PROPN":
            group = self.terms.by_kind["group"].get((head_lemma,)) or self.terms.by_kind["group"].get(
                (head_word,)
            )
            anon = (head_lemma,) in self.terms.by_kind["anonymous"] or (head_word,) in self.terms.by_kind[
                "anonymous"
            ]
            dets = {f.low[c] for c in f.kids(head) if f.dep[c] in ("det", "nummod", "amod")}
            mods = [m for m in own.mentions if m.kind in ("organisation", "place", "group")]
            if anon or group or (head_lemma,) in self.terms.by_kind["generic"]:
                # "the senator's advisers", "the coach's assistant": the people of a role they work for
                owner = self._possessor_role(f, head)
                if owner:
                    return owner[1], f"'{head_word}' of a '{owner[0]}'"
            own_orgs = [t for _, t, _ in self._matches(own.tokens, "org")] + [
                t
                for m in own.mentions
                if m.kind == "organisation" and m in f.mentions
                for _, t, _ in self._matches([(f, k) for k in f.tokens_in(m.start, m.end)], "org")
            ]
            if anon and dets & _INDEFINITE and own_orgs:
                # an unnamed individual with a stated role: "a State Department official"
                return own_orgs[0], f"unnamed '{head_word}' of {own_orgs[0]} org"
            state = self.terms.by_kind["generic"].get((head_lemma,)) == "government"
            if anon and state and any(m.country for m in mods if m.start < f.start[head]):
                # "a Mexican official", "a U.S. official": an official of a state
                return "government", f"unnamed '{head_word}' of a country"
            if anon and (
                dets & _INDEFINITE or f.tag[head] in ("NNS",) and not mods and not orgs and not party
            ):
                return "anonymous", f"unnamed '{head_word}'"
            if anon and generic and not (orgs or mods or party):
                return "anonymous", f"unnamed '{head_word}'"
            led = self.terms.by_kind["generic"].get((head_lemma,))
            if group and led and not anon and not party:
                # the plural of a generic role ("EU leaders", "business leaders") is of the body its own
                # phrase names, as the singular is; of a state ("Russian leaders"), its government
                if own_orgs:
                    return own_orgs[0], f"'{head_word}' of {own_orgs[0]} org"
                if led == "government" and any(m.country for m in mods if m.start < f.start[head]):
                    return "government", f"'{head_word}' of a country"
            if group and not anon:
                if group == "citizen" and party and head_lemma in ("voter", "voters", "percent"):
                    return "citizen", f"group '{head_word}'"
                if group in ("citizen",) and (orgs or party) and head_lemma in ("member", "members"):
                    pass
                else:
                    return group, f"group '{head_word}'"
        if roles:
            # current roles before former ones ("former Secretary of State"); the most frequent type wins
            def former(r: tuple[str, str, int]) -> bool:
                i = r[2]
                return any(
                    desc.tokens[x][0].word[desc.tokens[x][1]].lower().strip("-") in _FORMER
                    for x in range(max(0, i - 2), i)
                )

            now = [r for r in roles if not former(r)]
            counts = Counter(t for _, t, _ in now or roles)
            marks = Counter(desc.marks) if now else Counter()
            both = counts + marks
            best = max(both.values())
            if max(counts.values()) < best and not any(both[t] == best for t in counts):
                top = marks.most_common(1)[0][0]  # "mogul" once, "the Trump campaign" twice
                return top, f"candidacy words ({best}) over the role '{now[0][0]}'"
            best = max(both[t] for t in counts)
            pick = next(r for r in now or roles if both[r[1]] == best)
            return pick[1], f"role '{pick[0]}'" + ("" if now else " (former: weak)")
        if desc.marks and not generic:
            top = Counter(desc.marks).most_common(1)[0][0]
            return top, f"the name used for a candidacy or an administration ({top})"
        if generic or (f.pos[head] != "PROPN" and (head_lemma,) in self.terms.by_kind["anonymous"]):
            if org_types:
                return org_types[
                    0
                ], f"'{(generic or [('', '', 0)])[0][0] or head_word}' of {org_types[0]} org"
            if party:
                return "politician", "party"
            boss = self._boss_type(f, head, own, named, desc.bosses)
            if boss:  # "Clinton spokesman Brian Fallon", "a senior Sanders adviser": the person they work for
                return boss[1], f"'{(generic or [('', '', 0)])[0][0] or head_word}' of {boss[0]} ({boss[1]})"
            before = self._introduced(f, head) if not named else ""
            if before:  # "the spokesman" after "a spokesman for the police"
                return before, f"'{head_word}' introduced earlier with a {before} organisation"
            if (
                generic
                and generic[0][0] not in ("member", "board member")
                and any(m.kind == "organisation" and not m.country for m in own.mentions + desc.mentions)
            ):
                return "business", f"generic role '{generic[0][0]}' of an organisation without type (weak)"
            if generic:
                title = next(
                    (g for g in generic if g[0] in _OFFICES and self._title(desc.tokens, g, named)), None
                )
                if title:  # "President Obama", "Secretary Kerry": an office held, not a context guess
                    return title[1], f"title '{title[0]}'"
                return generic[0][1], f"generic role '{generic[0][0]}' (weak)"
        if named:
            for g, k in desc.appos:  # "Khan, the Gold Star parents"; "Schifano, then the girlfriend of"
                low = (g.lem[k],)
                t = self.terms.by_kind["weak"].get(low) or self.terms.by_kind["group"].get(low)
                if t == "citizen":
                    return t, f"appositive '{g.word[k]}' (weak)"
            if desc.private and not org_types and not party:
                return "citizen", f"no role, an ordinary person's {desc.private[0]} (weak)"
        # 2. an organisation speaking ("the Associated Press", "the Clinton campaign")
        if org_types:
            return org_types[0], f"organisation word '{org_types[0]}'"
        if party:
            return "politician", "party"
        if (
            not named
            and f.pos[head] == "PROPN"
            and any(m.kind == "place" and m.start <= f.start[head] < m.end for m in own.mentions)
        ):
            return "government", "a country or place speaking"
        if not named and any(m.kind == "organisation" for m in own.mentions):
            return "other", "organisation"
        return UNKNOWN, "no cue"

    def _introduced(self, f: Field, head: int) -> str:
        """Return the organisation type of the nearest earlier phrase with the same role noun, or "".

        "A spokesman for the police said ... the spokesman added": a role noun with a definite article
        refers back to the one the article introduced.
        """
        if not any(f.low[c] == "the" for c in f.kids(head) if f.dep[c] == "det"):
            return ""
        lemma = f.lem[head]
        for k in range(head - 1, -1, -1):
            if f.lem[k] != lemma or f.pos[k] != "NOUN":
                continue
            out = _Words()
            self._describe(f, k, out, limit=25)
            types = [t for _, t, _ in self._matches(out.tokens, "org")]
            for m in out.mentions:
                if m.kind == "organisation":
                    words = [(f, j) for j in f.tokens_in(m.start, m.end)]
                    types.extend(t for _, t, _ in self._matches(words, "org"))
            if types:
                return types[0]
        return ""

    def _boss_type(
        self, f: Field, head: int, own: _Words, named: str | None, bosses: list[Mention] = ()
    ) -> tuple[str, str] | None:
        """Return (person, type) of another person named in the speaker phrase, typed by their roles.

        ``bosses`` are the people the speaker's other descriptions tie them to ("a spokesman for Mrs.
        Clinton").
        """
        for m in [*own.mentions, *bosses]:
            if m.canonical == named or m.start <= f.start[head] < m.end:
                continue
            who = m.canonical if m.kind == "person" else self._surname_person(m.text)
            if not who or who == named:
                continue
            typ = self.person_type(who)
            if typ:
                return who, typ
        mine = [m for m in own.mentions if m.start <= f.start[head] < m.end]
        for g, k in own.tokens:  # a surname the tagger missed ("Cruz communications director")
            if g is not f or f.pos[k] != "PROPN" or any(m.start <= f.start[k] < m.end for m in mine):
                continue
            who = self._surname_person(f.word[k])
            if who and who != named and self.person_type(who):
                return who, self.person_type(who)
        return None

    def _surname_person(self, text: str) -> str:
        """Return the one person of the article whose surname ``text`` is ("" when none or several)."""
        low = _POSSESSIVE.sub("", text.strip()).lower()
        names = [
            n
            for n, ms in self.by_name.items()
            if surname(n) == low and any(m.kind == "person" for _, m in ms)
        ]
        return names[0] if len(names) == 1 and len(names[0].split()) > 1 else ""

    def person_type(self, canonical: str) -> str:
        """Return the type a person's own roles in the article give ("" when none).

        Current roles before former ones; without a role, the context of the sentences naming them.
        """
        if canonical not in self._person_types:
            self._person_types[canonical] = ""  # no cycles through descriptions naming each other
            desc = self._person_description(canonical)
            roles = _without_titles(self._matches(desc.tokens, "role"))
            now = [r for r in roles if not any(
                desc.tokens[x][0].word[desc.tokens[x][1]].lower().strip("-") in _FORMER
                for x in range(max(0, r[2] - 2), r[2])
            )]  # fmt: skip
            counts = Counter(t for _, t, _ in now or roles)
            self._person_types[canonical] = (
                counts.most_common(1)[0][0] if counts else self.context_type(canonical)[0]
            )
        return self._person_types[canonical]

    def person_party(self, canonical: str) -> str:
        """Return a person's party: named in their descriptions, else from the sentences naming them."""
        desc = self._person_description(canonical)
        return self._party(desc.tokens, desc.text) or self.context_type(canonical)[1]

    def _title(self, words: list[tuple[Field, int]], match: tuple[str, str, int], named: str | None) -> bool:
        """Whether a generic role is a capitalised title introducing the person ("President Obama").

        The title introduces them when it stands before their first mention in the article, or before
        their full name (a headline may name them first).
        """
        i, n = match[2], len(term_key(match[0]))
        f, first = words[i]
        g, last = words[i + n - 1]
        if g is not f or not f.word[first][:1].isupper() or last + 1 >= len(f.word):
            return False
        if i > 0 and words[i - 1][0] is f and f.word[words[i - 1][1]].lower().strip("-") in _FORMER:
            return False
        if (
            first > 0
            and f.pos[first - 1] == "PROPN"
            and not any(m.kind == "place" for m in self._mentions_in(f, f.start[first - 1], f.end[first - 1]))
        ):
            return False  # "AFT President Randi Weingarten": the title of a body, not of a state
        nxt = f.start[last + 1]
        for m in self._mentions_in(f, nxt, nxt + 1):
            if m.kind == "person" and m.start == nxt:  # the title introduces the person (first mention)
                if named and m.canonical != named:
                    return False  # "President Obama's first budget director": another person's title
                return len(m.text.split()) > 1 or all(
                    g is not f or o.start >= nxt for g, o in self.by_name.get(m.canonical, [])
                )
        return False

    def _possessor_role(self, f: Field, head: int) -> tuple[str, str] | None:
        """Return (term, type) of a role noun possessing ``head`` ("the senator's advisers"), else None."""
        for c in f.kids(head):
            if f.dep[c] != "poss" or f.pos[c] != "NOUN":
                continue
            key = (f.lem[c],)
            typ = self.terms.by_kind["role"].get(key)
            if typ:
                return key[0], typ
        return None

    def _affiliation(self, desc: _Words, typ: str) -> str:
        party = self._party(desc.tokens, desc.text)
        if party and typ in ("politician", "citizen", "anonymous", "other", UNKNOWN):
            return party
        countries = [m.country for m in desc.mentions if m.country]
        orgs = [
            m.canonical
            for m in desc.mentions
            if m.kind == "organisation" and not m.country and term_key(m.text) not in self.terms.parties
        ]  # "GOP pollster": the party, not an organisation named "GOP"
        if typ in ("government", "security_justice") and countries:
            return countries[0]
        places = [m.canonical for m in desc.mentions if m.kind == "place"]
        if typ in ("government", "security_justice") and places:
            return places[0]  # "officials in Minnesota": a state or city without a country
        if typ == "government" and not orgs and self.home:
            return self.home  # an office holder's country, not their party ("Vice President Biden")
        if orgs and typ in ("business", "media", "expert", "civil_society", "document", "other", "anonymous",
                            "security_justice", "government", "professional", "sport",
                            "arts_celebrity"):  # fmt: skip
            return orgs[0]
        if party:
            return party
        if countries and typ != "citizen":  # a citizen's nationality is no affiliation
            return countries[0]
        if typ == "government":
            return self.home
        return ""


def _party_case(token: tuple[Field, int], case: str, roles: Iterable[tuple[str, ...]] = ()) -> bool:
    """Tell whether a party word is written as a party name ("Democrat", not "democratic process").

    ``inner`` words ("Conservative", "Liberal") count only inside a sentence of ordinary case and
    alone: not first in the sentence, not in a run of capitalised words ("Senate Conservatives
    Fund", a headline's "List of Conservatives Rebuking") unless the next word is a role ("Labour MP").
    """
    f, k = token
    if case == "any":
        return True
    if not f.word[k][:1].isupper():
        return False
    if case == "capital":
        return True
    if k == 0 or f.sent[k - 1] != f.sent[k] or f.word[k - 1][:1].isupper():
        return False
    nxt = f.word[k + 1] if k + 1 < len(f.word) and f.sent[k + 1] == f.sent[k] else ""
    return not (nxt[:1].isupper() and (nxt.lower(),) not in roles)


#: Words that may join the capitalised words of a party's name ("Alternative for Germany party").
_NAME_JOINERS = frozenset({"for", "of", "and", "&"})


def _named_party(words: list[tuple[Field, int]], i: int) -> str:
    """Return "<Name> Party" when capitalised words from ``words[i]`` run up to the word "party"."""
    f, k = words[i]
    word = f.word[k]
    if word.lower() == "party" or not word[:1].isupper() or f.pos[k] not in ("PROPN", "ADJ", "NOUN"):
        return ""
    if f.pos[k] != "PROPN" and (k == 0 or f.sent[k - 1] != f.sent[k]):
        return ""  # "Senior Conservative Party figure": a capital that only opens the sentence
    j, names = i, []
    while j < len(words) and len(names) < 5:
        g, m = words[j]
        if g is not f or m != k + (j - i):
            return ""  # the description's words are not contiguous here
        w = g.word[m]
        if w.lower() == "party":
            break
        if not (w[:1].isupper() or (w.lower() in _NAME_JOINERS and names)):
            return ""
        names.append(w)
        j += 1
    if j >= len(words) or not names or names[-1].lower() in _NAME_JOINERS:
        return ""
    g, m = words[j]
    if g.low[m] != "party":
        return ""
    return " ".join(names) + " Party"


def _without_titles(roles: list[tuple[str, str, int]], generic: bool = False) -> list[tuple[str, str, int]]:
    """Drop honorific titles ("Dr.") when the description gives another role ("GOP candidate Dr. Carson").

    With ``generic``, a generic role ("Dr. Babar, a spokesman for the center") is that other role.
    """
    rest = [r for r in roles if r[0] not in _TITLE_ROLES]
    return rest if rest or generic else roles


def _dominant(counts: Counter[str]) -> str:
    """Return the value counted at least three times and more than twice any other, else "".

    The rule for what an article as a whole is about (its party, its country): a value that only
    leads the others is a subject among several, not the article's.

    Examples
    --------
    >>> _dominant(Counter({"Ukraine": 8, "Russia": 7})), _dominant(Counter({"United States": 7, "Japan": 3}))
    ('', 'United States')
    """
    top = counts.most_common(2)
    ok = top and top[0][1] >= 3 and (len(top) == 1 or top[0][1] > 2 * top[1][1])
    return str(top[0][0]) if ok else ""


def _majority(counts: Counter[str], least: int = 2) -> str:
    top = counts.most_common(2)
    if not top or top[0][1] < least or (len(top) > 1 and top[1][1] >= top[0][1]):
        return ""
    return top[0][0]


def type_speakers(
    fields: list[Field], spans: list[tuple[Field, int, int, str | None]], terms: Terms | None = None
) -> list[SourceType]:
    """Type several speakers of one article: ``(field, start_char, end_char, canonical)`` each."""
    art = ArticleSources(fields, terms)
    return [art.type_span(f, s, e, c) for f, s, e, c in spans]


def check_terms(path: str | Path) -> pd.DataFrame:
    """Return an editable term list after checking it (for users editing their own copy)."""
    load_terms(str(path), str(PARTIES))
    return pd.read_csv(path, dtype=str, keep_default_na=False)


#: Words dropped before a person's name when sources are merged ("Mr. Roe", "Sen. Roe", "coach Roe").
_TITLE_WORDS = frozenset(
    """mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sir dame lord lady sen sen. senator rep rep. gov gov.
    president prime minister secretary general gen gen. col col. capt capt. sgt sgt. lt lt. adm adm.
    judge justice rev rev. father sister brother pope king queen prince princess chancellor mayor governor
    ambassador coach chairman chairwoman chief ceo director""".split()
)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_PRONOUNS = _MALE | _FEMALE | _SELF | {"they", "them", "it", "its", "who", "one", "themselves"}


def is_bare_pronoun(name: object) -> bool:
    """Return whether a speaker name is only a pronoun ("I", "we", "they"): no person to count.

    Examples
    --------
    >>> is_bare_pronoun("I"), is_bare_pronoun("Ann Roe"), is_bare_pronoun(None)
    (True, False, False)
    """
    return isinstance(name, str) and name.strip().lower() in _PRONOUNS


#: Kinds of source counted by :func:`source_keys` (and by ``source_balance``'s ``kind`` level).
SOURCE_KINDS = ("person", "organisation", "document", "unattributed")


def _person_name(text: str) -> str:
    """Return the name part of a person's speaker phrase: titles, roles and possessives removed.

    >>> _person_name("Sen. Ben Sasse"), _person_name("Kremlin spokesman Dmitry Peskov's")
    ('Ben Sasse', 'Dmitry Peskov')
    """
    words = [_POSSESSIVE.sub("", w) for w in text.replace(",", " ").split()]
    words = [w for w in words if w]
    # the last run of capitalised words that are not titles
    run: list[str] = []
    for w in reversed(words):
        if w[:1].isupper() and w.lower() not in _TITLE_WORDS:
            run.append(w)
        elif run:
            break
    return " ".join(reversed(run))


_ARTICLE = re.compile(r"^(the|a|an)\s+")


def _source_key(nm: str, is_person: bool, document: bool) -> tuple[str, str]:
    """Return the (kind, key) of one speaker name outside its quotation (see :func:`source_keys`)."""
    low = nm.lower()
    if not nm or low in _PRONOUNS:
        return "unattributed", ""
    if is_person:
        return "person", _person_name(nm) or low
    return "document" if document else "organisation", _ARTICLE.sub("", _POSSESSIVE.sub("", low))


def source_keys(quotes: pd.DataFrame) -> pd.DataFrame:
    """Give every quote the source it counts for: one key per person, organisation or document.

    Within one article, the variants of one person's name are merged: the full name, the surname
    alone, title + surname ("Mr. Roe", "Sen. Roe"), possessives ("Roe's") and the name with its role
    ("Kremlin spokesman Jane Roe"). A surname joins the full name only when exactly one full name of
    the article ends with it. Organisations and documents keep their own names (lower case, without
    "the"). A speaker found inside its own quotation, an unresolved pronoun and a quote without a
    speaker are ``unattributed`` (key ``""``).

    Parameters
    ----------
    quotes : pandas.DataFrame
        The quotes table (``article_id, speaker, speaker_canonical, source_type, speaker_is_person``;
        ``field, start_char, end_char, speaker_start_char`` used when present).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``quotes``: ``source_id`` (``"person:Jane Roe"``, ``"organisation:the ministry"``
        style keys, unique within an article, ``""`` when unattributed), ``source_name`` (the longest
        name seen for that source in the article) and ``source_kind`` (:data:`SOURCE_KINDS`).

    Examples
    --------
    >>> q = pd.DataFrame({"article_id": ["a"] * 4,
    ...                   "speaker": ["Jane Roe", "Ms. Roe", "Roe's", "the ministry"],
    ...                   "speaker_canonical": ["Jane Roe", "Roe", "Roe", "the ministry"],
    ...                   "source_type": ["government"] * 4, "speaker_is_person": [True, True, True, False]})
    >>> source_keys(q)["source_id"].tolist()
    ['person:Jane Roe', 'person:Jane Roe', 'person:Jane Roe', 'organisation:ministry']
    """
    n = len(quotes)
    if n == 0:
        return pd.DataFrame({"source_id": [], "source_name": [], "source_kind": []}, index=quotes.index)
    name = quotes["speaker_canonical"].where(quotes["speaker_canonical"].notna(), quotes.get("speaker"))
    name = name.fillna("").astype(str).str.strip()
    person = (
        quotes["speaker_is_person"].fillna(False).astype(bool)
        if "speaker_is_person" in quotes.columns
        else pd.Series(False, index=quotes.index)
    )
    stype = (
        quotes["source_type"].fillna("")
        if "source_type" in quotes.columns
        else pd.Series("", index=quotes.index)
    )
    inside = pd.Series(False, index=quotes.index)
    if {"speaker_start_char", "start_char", "end_char"} <= set(quotes.columns):
        s = pd.to_numeric(quotes["speaker_start_char"], errors="coerce")
        inside = (s >= quotes["start_char"]) & (s < quotes["end_char"])
        inside = inside.fillna(False).astype(bool)
    kinds, keys = [], []
    typed: dict[tuple[str, bool, bool], tuple[str, str]] = {}  # names repeat across quotes: typed once
    for nm, is_person, typ, ins in zip(name, person, stype, inside, strict=True):
        at = (nm, bool(is_person), typ == "document")
        got = ("unattributed", "") if ins else typed.get(at)
        if got is None:
            got = typed[at] = _source_key(*at)
        kinds.append(got[0])
        keys.append(got[1])
    by_article: dict[str, list[int]] = {}
    for i, article in enumerate(quotes["article_id"].astype(str)):
        by_article.setdefault(article, []).append(i)
    ids, names = [""] * n, [""] * n
    for rows in by_article.values():
        by_last: dict[str, set[str]] = {}
        for i in rows:
            if kinds[i] == "person" and len(keys[i].split()) > 1:
                by_last.setdefault(keys[i].split()[-1].lower(), set()).add(keys[i])
        for i in rows:
            kind, key = kinds[i], keys[i]
            if kind == "unattributed":
                continue
            if kind == "person" and len(key.split()) == 1 and len(by_last.get(key.lower(), ())) == 1:
                key = next(iter(by_last[key.lower()]))
            ids[i] = f"{kind}:{key}"
            names[i] = key
    return pd.DataFrame({"source_id": ids, "source_name": names, "source_kind": kinds}, index=quotes.index)
