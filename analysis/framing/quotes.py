"""Find who is quoted, how, and with which reporting verbs and hedges.

Three public functions:

* :func:`quotes` finds direct quotations (curly, straight and single quotation
  marks, quotes split around "X said", multi-sentence and multi-paragraph
  quotes, unbalanced marks), partial quotations embedded in a sentence and
  indirect (reported) speech ("X said that ...", "X warned ...", "according to
  X"), and attributes each to a speaker using the dependency parse from
  :func:`analysis.annotate.annotate` (never re-parsing) and nearby context.
* :func:`source_balance` counts quotes and quoted words per speaker and per
  affiliation within each outlet (or other grouping column).
* :func:`attribution` classifies the reporting verbs (neutral, emphatic,
  distancing), "without evidence"-style qualifiers and hedges per speaker.

The word lists live in editable package data: ``analysis/data/reporting_verbs.csv``
(term, type verb/hedge/qualifier, class) and ``analysis/data/affiliations.csv``
(name, affiliation, kind person/institution/place/adjective, roles).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
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

#: Editable table of reporting verbs, hedges and qualifiers.
REPORTING_TERMS = config.DATA_DIR / "reporting_verbs.csv"
#: Editable table of speakers, institutions, places and adjectives -> affiliation.
AFFILIATIONS = config.DATA_DIR / "affiliations.csv"
#: Affiliation given when nothing in the table or the speaker phrase says otherwise.
OTHER = "other"

QUOTE_COLUMNS = [
    "article_id", "field", "sentence_id", "kind", "quote", "speaker", "speaker_canonical",
    "speaker_affiliation", "verb", "start_char", "end_char", "verb_start_char", "verb_end_char",
    "speaker_start_char", "speaker_end_char", "method", "balanced",
]  # fmt: skip

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
_GROUP_NOUNS = frozenset(
    """officials authorities analysts experts observers sources source people critics residents witnesses
    diplomats lawmakers leaders negotiators investigators researchers report reports statement media
    newspaper agency""".split()
)
PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_NAME_DEPS = frozenset({"compound", "amod", "det", "poss", "case", "flat", "nmod", "nummod", "punct"})
_CLIMB_DEPS = frozenset({"conj", "advcl", "xcomp", "pcomp", "ccomp", "prep", "acl"})
_DOBJ_SPEECH = frozenset(
    """acknowledge announce confirm deny emphasize emphasise express reiterate stress underline
    underscore propose voice demand""".split()
)
#: Verbs that report speech only with a clausal complement ("maintained that …", not "maintaining peace").
_NEEDS_CLAUSE = frozenset(
    """maintain add note report post answer observe recall predict suggest indicate express
    voice""".split()
)
_PREP_SPEECH = {
    "warn": ("of", "about", "against"),
    "caution": ("against", "about"),
    "complain": ("about", "of"),
}
_OPEN = {"“": "”", "‘": "’", "«": "»", "„": "“"}
_OPENERS = '“"«„'
_SENT_END = re.compile(r"(?<![A-Z])(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bMrs)[.!?](?=[\s\"”’]|$)")
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


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


@functools.lru_cache(maxsize=4)
def _affiliation_table(path: str) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"name", "affiliation", "kind"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: affiliations table needs columns {sorted(missing)}")
    if "roles" not in table.columns:
        table["roles"] = ""
    return table


def affiliations(path: str | Path | None = None) -> pd.DataFrame:
    """Return the editable table mapping speakers, institutions, places and adjectives to an affiliation.

    Parameters
    ----------
    path : str or Path, optional
        A CSV with columns ``name, affiliation, kind`` (and optional ``roles``,
        ``|``-separated); default :data:`AFFILIATIONS`.

    Returns
    -------
    pandas.DataFrame
        ``name, affiliation, kind, roles``.
    """
    return _affiliation_table(str(path or AFFILIATIONS)).copy()


@dataclass(frozen=True)
class _Lexicon:
    verbs: dict[str, str]
    hedges: tuple[str, ...]
    qualifiers: tuple[str, ...]
    names: dict[str, str]  # lower-case name -> affiliation (person/institution/place)
    surnames: dict[str, str]  # lower-case last word of a person name -> full name
    adjectives: dict[str, str]
    roles: dict[str, frozenset[str]]  # lower-case full name -> roles


@functools.lru_cache(maxsize=4)
def _lexicon(terms_path: str, affiliations_path: str) -> _Lexicon:
    terms = _reporting_table(terms_path)
    aff = _affiliation_table(affiliations_path)
    verbs = dict(
        zip(
            terms.loc[terms["type"] == "verb", "term"],
            terms.loc[terms["type"] == "verb", "class"],
            strict=True,
        )
    )
    hedges = tuple(terms.loc[terms["type"] == "hedge", "term"])
    qualifiers = tuple(sorted(terms.loc[terms["type"] == "qualifier", "term"], key=len, reverse=True))
    named = aff[aff["kind"] != "adjective"]
    names = {n.lower(): a for n, a in zip(named["name"], named["affiliation"], strict=True)}
    people = aff[aff["kind"] == "person"]
    surnames = {n.split()[-1].lower(): n for n in people["name"]}
    adjectives = {
        n.lower(): a
        for n, a in zip(
            aff.loc[aff["kind"] == "adjective", "name"],
            aff.loc[aff["kind"] == "adjective", "affiliation"],
            strict=True,
        )
    }
    roles = {
        n.lower(): frozenset(r.strip().lower() for r in str(rs).split("|") if r.strip())
        for n, rs in zip(people["name"], people["roles"], strict=True)
    }
    return _Lexicon(verbs, hedges, qualifiers, names, surnames, adjectives, roles)


def _lex() -> _Lexicon:
    return _lexicon(str(REPORTING_TERMS), str(AFFILIATIONS))


# --------------------------------------------------------------------------- per-field state


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    canonical: str
    kind: str
    country: str | None = None
    via: str = ""
    via: str = ""


@dataclass
class _Field:
    """Tokens of one article field as plain lists (fast to walk), plus mentions."""

    article_id: str
    name: str
    text: str
    ids: list[int]
    start: list[int]
    end: list[int]
    word: list[str]
    lemma: list[str]
    pos: list[str]
    tag: list[str]
    dep: list[str]
    head: list[int]
    sent: list[int]
    ent: list[str]
    mentions: list[_Mention]
    children: dict[int, list[int]] = field(default_factory=dict)
    index: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {tid: i for i, tid in enumerate(self.ids)}
        for i, h in enumerate(self.head):
            j = self.index.get(h)
            if j is not None and j != i:
                self.children.setdefault(j, []).append(i)

    def kids(self, i: int) -> list[int]:
        return self.children.get(i, [])

    def parent(self, i: int) -> int | None:
        j = self.index.get(self.head[i])
        return None if j is None or j == i else j

    def subtree(self, i: int) -> list[int]:
        out, stack = [], [i]
        while stack:
            k = stack.pop()
            out.append(k)
            stack.extend(self.kids(k))
        return sorted(out)

    def at(self, char: int) -> int | None:
        """Index of the first token that ends after ``char``."""
        lo, hi = 0, len(self.start)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.end[mid] <= char:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(self.start) else None

    def tokens_in(self, a: int, b: int) -> range:
        i = self.at(a)
        if i is None:
            return range(0)
        j = i
        while j < len(self.start) and self.start[j] < b:
            j += 1
        return range(i, j)


# --------------------------------------------------------------------------- quotation marks


@dataclass
class _Span:
    start: int  # first char inside the marks
    end: int  # char after the last char inside the marks
    balanced: bool
    outer_start: int
    outer_end: int


def _paragraph_bounds(text: str) -> list[tuple[int, int]]:
    bounds, pos = [], 0
    for m in re.finditer(r"\n\s*", text):
        if m.start() > pos:
            bounds.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        bounds.append((pos, len(text)))
    return bounds


def _is_apostrophe(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before.isalnum() and after.isalnum()


def _quote_spans(text: str) -> list[_Span]:
    """Find quoted spans in ``text``: paired marks, multi-paragraph quotes and unbalanced marks.

    Double marks (curly, straight, guillemets) are paired within a paragraph; a
    quote opened and not closed runs to the end of its paragraph, and joins the
    next paragraph when that one opens with a quotation mark (news convention for
    quotes over several paragraphs). A closing mark with no opening one starts
    the quote at the start of its paragraph. Single marks (‘…’, '…') are used
    only outside double-quoted spans, and never where they are apostrophes.
    """
    spans: list[_Span] = []
    paragraphs = _paragraph_bounds(text)
    carry: _Span | None = None  # a quote left open at the end of the previous paragraph
    for a, b in paragraphs:
        cont = carry if carry is not None and text[a] in _OPENERS else None
        if carry is not None and cont is None:
            spans.append(carry)  # never closed and not continued: unbalanced, ends with its paragraph
        carry = None
        open_at: int | None = None
        close_char = ""
        for i in range(a, b):
            ch = text[i]
            if open_at is None:
                if ch in "“«„" or (ch == '"' and (i == a or not text[i - 1].isalnum())):
                    open_at, close_char = i, ('"' if ch == '"' else _OPEN[ch])
                elif ch in '”»"':
                    # a closing mark with no opening one: the quote runs from the paragraph start
                    spans.append(_Span(a, i, False, a, i + 1))
            elif ch == close_char or (close_char in '”"' and ch in '”"'):
                start, outer = open_at + 1, open_at
                if cont is not None and open_at == a:
                    start, outer = cont.start, cont.outer_start
                spans.append(_Span(start, i, True, outer, i + 1))
                open_at = None
        if open_at is not None:
            start, outer = open_at + 1, open_at
            if cont is not None and open_at == a:
                start, outer = cont.start, cont.outer_start
            carry = _Span(start, b, False, outer, b)
    if carry is not None:
        spans.append(carry)
    spans.extend(_single_quote_spans(text, spans))
    spans = [s for s in spans if _WORD.search(text[s.start : s.end])]
    return sorted(spans, key=lambda s: (s.start, s.end))


def _single_quote_spans(text: str, doubles: list[_Span]) -> list[_Span]:
    inside = [(s.outer_start, s.outer_end) for s in doubles]
    out = []
    for m in re.finditer(r"(?<![\w’'])[‘'](?=\w)", text):
        i = m.start()
        if any(a <= i < b for a, b in inside):
            continue
        close = "’" if text[i] == "‘" else "'"
        limit = text.find("\n", i)
        limit = len(text) if limit < 0 else limit
        for j in range(i + 1, min(limit, i + 400)):
            if text[j] in (close, "’") and not _is_apostrophe(text, j):
                out.append(_Span(i + 1, j, True, i, j + 1))
                break
    return out


# --------------------------------------------------------------------------- speakers


def _clean_name(value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip(" ,.;:—–-\"“”‘’'")
    return re.sub(r"[’']s$", "", value).strip()


def _fallback_mentions(entities: pd.DataFrame) -> pd.DataFrame:
    """Mentions from raw spaCy entities when ``analysis.entities`` is unavailable (surface canonicals)."""
    keep = entities[entities["label"].isin(["PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"])]
    kinds = {
        "PERSON": "person",
        "ORG": "organisation",
        "GPE": "place",
        "LOC": "place",
        "FAC": "place",
        "NORP": "group",
    }
    out = keep[["article_id", "field", "sentence_id", "start_char", "end_char", "text", "label"]].copy()
    out["canonical"] = out["text"].map(lambda t: _clean_name(re.sub(r"^(?:the|a|an)\s+", "", t, flags=re.I)))
    out["kind"] = out["label"].map(kinds)
    out["via"] = "ner"
    return out


def _get_mentions(articles: pd.DataFrame, ann: Annotations) -> pd.DataFrame:
    try:
        from analysis.entities import entity_mentions
    except ImportError:
        return _fallback_mentions(ann.entities)
    return entity_mentions(articles, annotations=ann)


def _article_mentions(mentions: pd.DataFrame) -> dict[tuple[str, str], list[_Mention]]:
    out: dict[tuple[str, str], list[_Mention]] = {}
    if mentions is None or mentions.empty:
        return out
    country = mentions["country"] if "country" in mentions.columns else pd.Series(None, index=mentions.index)
    kind = mentions["kind"] if "kind" in mentions.columns else pd.Series("", index=mentions.index)
    via = mentions["via"] if "via" in mentions.columns else pd.Series("", index=mentions.index)
    for aid, fld, s, e, t, c, k, ctry, v in zip(
        mentions["article_id"].astype(str),
        mentions["field"],
        mentions["start_char"],
        mentions["end_char"],
        mentions["text"],
        mentions["canonical"],
        kind,
        country,
        via,
        strict=True,
    ):
        canonical = c if isinstance(c, str) and c else _clean_name(str(t))
        out.setdefault((aid, fld), []).append(
            _Mention(
                int(s),
                int(e),
                str(t),
                canonical,
                str(k or ""),
                ctry if isinstance(ctry, str) else None,
                str(v) if isinstance(v, str) else "",
            )
        )
    for items in out.values():
        items.sort(key=lambda m: m.start)
        _link_surnames(items)
    return out


def _link_surnames(items: list[_Mention]) -> None:
    """Within one field, map a one-word person mention to the full name it abbreviates."""
    full = {}
    for m in items:
        words = m.canonical.split()
        if len(words) >= 2 and m.kind in ("person", ""):
            full.setdefault(words[-1].lower(), m.canonical)
    for m in items:
        words = m.canonical.split()
        if len(words) == 1 and words[0].lower() in full:
            m.canonical = full[words[0].lower()]
            m.kind = "person"


@dataclass
class _Speaker:
    surface: str
    canonical: str | None
    affiliation: str
    start: int
    end: int
    method: str


class _Resolver:
    """Resolve speaker phrases in one article to canonical names and affiliations."""

    def __init__(self, fields: list[_Field], lex: _Lexicon) -> None:
        self.lex = lex
        self.fields = {f.name: f for f in fields}
        # people named in the article (body mentions first), with roles and affiliation seen locally
        self.people: dict[str, dict] = {}
        for f in fields:
            for m in f.mentions:
                words = m.canonical.split()
                if len(words) == 1 and words[0].lower() in self.lex.surnames and m.kind in ("person", ""):
                    m.canonical = self.lex.surnames[words[0].lower()]
                low = m.canonical.lower()
                if m.kind == "person" or (m.kind == "" and len(low.split()) >= 2) or low in self.lex.roles:
                    info = self.people.setdefault(m.canonical, {"roles": set(), "aff": None, "pos": []})
                    info["pos"].append((f.name, m.start))
                    info["roles"] |= set(self.lex.roles.get(m.canonical.lower(), ()))
                    info["roles"] |= self._local_roles(f, m)
        for name, info in self.people.items():
            info["aff"] = self.affiliation(name, "")

    def _local_roles(self, f: _Field, m: _Mention) -> set[str]:
        """Role and nationality words before the name or in its appositive ("Kremlin spokesman X")."""
        i = f.at(m.start)
        if i is None:
            return set()
        words = set()
        j = i - 1
        while (
            j >= 0
            and j >= i - 5
            and f.pos[j] in ("NOUN", "PROPN", "ADJ", "PUNCT")
            and f.text[f.end[j] : f.start[j + 1]] in (" ", "")
        ):
            words.add(f.lemma[j].lower())
            j -= 1
        last = f.tokens_in(m.start, m.end)
        for k in last:
            for c in f.kids(k):
                if f.dep[c] == "appos":
                    words |= {f.lemma[x].lower() for x in f.subtree(c)}
        return words & (ROLE_NOUNS | {"press"})

    # ---------------------------------------------------------------- affiliation
    def affiliation(self, canonical: str | None, phrase: str, country: str | None = None) -> str:
        names = self.lex.names
        if canonical:
            low = canonical.lower()
            if low in names:
                return names[low]
            full = self.lex.surnames.get(low.split()[-1]) if low.split() else None
            if (
                full
                and full.lower() in names
                and (len(low.split()) == 1 or low.split()[0] == full.lower().split()[0])
            ):
                return names[full.lower()]
        if country:
            known = set(names.values()) | set(self.lex.adjectives.values())
            return country if country in known else OTHER
        for word in _WORD.findall(phrase):
            low = word.lower()
            low = re.sub(r"[’']s$", "", low)
            if low in self.lex.adjectives:
                return self.lex.adjectives[low]
            if low in names:
                return names[low]
            full = self.lex.surnames.get(low)
            if full and full.lower() in names:  # "Macron's office"
                return names[full.lower()]
        return OTHER

    # ---------------------------------------------------------------- phrase -> speaker
    def phrase_span(self, f: _Field, head: int) -> tuple[int, int]:
        """Token range [a, b] of a speaker noun phrase: pre-modifiers and name parts, no appositive."""
        a = b = head
        keep = [head]
        stack = [head]
        while stack:
            k = stack.pop()
            for c in f.kids(k):
                if (
                    f.dep[c] in _NAME_DEPS
                    and f.dep[c] != "punct"
                    or (f.dep[c] == "punct" and f.word[c] in "-–")
                ):
                    keep.append(c)
                    stack.append(c)
                elif f.dep[c] == "prep" and f.word[c].lower() == "of" and f.lemma[head].lower() in ROLE_NOUNS:
                    keep.extend(f.subtree(c))  # "the head of the Kremlin"
        para = _para_id(f, head)
        keep = [k for k in keep if _para_id(f, k) == para]
        a, b = min(keep), max(keep)
        while a < b and f.pos[a] == "PUNCT":
            a += 1
        while b > a and f.pos[b] == "PUNCT":
            b -= 1
        return a, b

    def speaker(self, f: _Field, head: int, method: str) -> _Speaker:
        found = self._speaker(f, head, method)
        known = found.canonical and (
            found.canonical in self.people or found.canonical.lower() in self.lex.roles
        )
        if known and not found.method.startswith("pronoun"):
            f.__dict__.setdefault("speakers", []).append((found.start, found.canonical))
        return found

    def _speaker(self, f: _Field, head: int, method: str) -> _Speaker:
        if f.pos[head] == "NOUN":
            names = [c for c in f.kids(head) if f.dep[c] == "appos" and f.pos[c] == "PROPN"]
            if names:
                head = names[0]
        a, b = self.phrase_span(f, head)
        s, e = f.start[a], f.end[b]
        surface = f.text[s:e]
        low_head = f.word[head].lower()
        if low_head in PRONOUNS_PERSON and a == b:
            person = self.last_person(f, s)
            if person is not None:
                return _Speaker(
                    surface,
                    person,
                    self.people.get(person, {}).get("aff") or self.affiliation(person, ""),
                    s,
                    e,
                    "pronoun",
                )
            return _Speaker(surface, None, OTHER, s, e, "pronoun-unresolved")
        mention = self._mention_for(f, s, e, f.start[head], f.end[head])
        if mention is not None:
            canonical = self._canonical(mention.canonical)
            how = "role" if mention.via == "role" and method == "subject" else method
            return _Speaker(
                surface, canonical, self.affiliation(canonical, surface, mention.country), s, e, how
            )
        words = [f.lemma[k].lower() for k in range(a, b + 1)]
        head_lemma = f.lemma[head].lower()
        if head_lemma in ROLE_NOUNS or "press" in words and head_lemma == "secretary":
            person = self.by_role(f, s, words, head_lemma, surface)
            if person is not None:
                return _Speaker(
                    surface,
                    person,
                    self.people[person]["aff"] or self.affiliation(person, surface),
                    s,
                    e,
                    "role",
                )
        if head_lemma in INSTITUTION_NOUNS:
            org = self.by_institution(f, s, head_lemma)
            if org is not None:
                return _Speaker(
                    surface,
                    org.canonical,
                    self.affiliation(org.canonical, surface + " " + org.text, org.country),
                    s,
                    e,
                    "institution",
                )
        name = self._canonical(_clean_name(re.sub(r"^(?:the|a|an)\s+", "", surface, flags=re.I)))
        known = name in self.people or name.lower() in self.lex.names
        if f.pos[head] == "PROPN" or known:
            return _Speaker(surface, name, self.affiliation(name, surface), s, e, method)
        return _Speaker(surface, name or None, self.affiliation(None, surface), s, e, method + "-unresolved")

    def _canonical(self, name: str) -> str:
        """Map a surname alone to a full name named in the article or in the table."""
        words = name.split()
        if len(words) == 1:
            low = words[0].lower()
            for person in self.people:
                if person.split()[-1].lower() == low and len(person.split()) > 1:
                    return person
            if low in self.lex.surnames:
                return self.lex.surnames[low]
        return name

    def _mention_for(self, f: _Field, s: int, e: int, hs: int, he: int) -> _Mention | None:
        inside = [m for m in f.mentions if m.start < e and m.end > s]
        on_head = [m for m in inside if m.start < he and m.end > hs]
        pool = on_head or [m for m in inside if m.kind != "group" and f.text[hs:he][:1].isupper()]
        if not pool:
            return None
        people = [m for m in pool if m.kind == "person"]
        return (people or pool)[-1]

    def last_person(self, f: _Field, before: int) -> str | None:
        best: tuple[int, str] | None = None
        quoted = f.__dict__.get("quoted", [])
        for pos, name in f.__dict__.get("speakers", []):
            if pos < before and (best is None or pos > best[0]):
                best = (pos, name)
        for m in f.mentions:
            if m.end <= before and (m.kind == "person" or m.canonical in self.people):
                if any(a <= m.start < b for a, b in quoted):
                    continue  # a name inside someone's quotation is not the antecedent
                if best is None or m.start > best[0]:
                    best = (m.start, self._canonical(m.canonical))
        return best[1] if best else None

    def by_role(self, f: _Field, at: int, words: list[str], role: str, surface: str) -> str | None:
        aff = self.affiliation(None, surface)
        roles = {w for w in words if w in ROLE_NOUNS} | {role}
        if "press" in words and "secretary" in words:
            roles.add("press secretary")
        best: tuple[float, str] | None = None
        for name, info in self.people.items():
            known = info["roles"]
            if known and not (roles & known):
                continue
            if not known and role not in ("official", "leader"):
                continue
            if aff != OTHER and info["aff"] not in (None, OTHER, aff):
                continue
            dist = min(
                (abs(p - at) * (1.0 if p < at else 1.5) if fl == f.name else 10_000.0)
                for fl, p in info["pos"]
            )
            if best is None or dist < best[0]:
                best = (dist, name)
        return best[1] if best else None

    def by_institution(self, f: _Field, at: int, head: str) -> _Mention | None:
        cands = [m for m in f.mentions if m.kind != "person" and head in m.text.lower()]
        if not cands:
            return None
        return min(cands, key=lambda m: abs(m.start - at))


# --------------------------------------------------------------------------- attribution in the parse


def _is_reporting(f: _Field, i: int, lex: _Lexicon) -> bool:
    lemma = f.lemma[i].lower()
    if lemma not in lex.verbs or lemma == "according to":
        return False
    if f.pos[i] not in ("VERB", "AUX") and not (f.pos[i] == "NOUN" and f.dep[i] in ("ROOT", "conj")):
        return False
    if lemma == "quote":
        return any(f.dep[c] in ("nsubjpass", "auxpass") for c in f.kids(i))
    return True


def _according(f: _Field, i: int) -> int | None:
    """Return the pobj of "according to X" when token ``i`` is "according"."""
    if f.word[i].lower() != "according":
        return None
    for c in f.kids(i):
        if f.word[c].lower() == "to":
            for d in f.kids(c):
                if f.dep[d] == "pobj":
                    return d
    if i + 2 < len(f.word) and f.word[i + 1].lower() == "to":
        k = i + 2
        while k + 1 < len(f.word) and f.dep[k] in ("det", "compound", "amod", "poss", "case"):
            k += 1
        return k
    return None


def _subject(f: _Field, v: int) -> int | None:
    """Find the speaker token of reporting verb ``v``, climbing conj/advcl/xcomp chains ("…, adding that").

    A relative pronoun ("Peskov, who stated that …") resolves to the noun the
    clause modifies; a subject outside the verb's paragraph (a heading glued to
    the sentence by the parser) is replaced by the nearest name before the verb.
    """
    subj = _raw_subject(f, v)
    if subj is None:
        return None
    if f.lemma[subj].lower() in ("who", "that", "which"):
        cur = subj
        while cur is not None and f.dep[cur] != "relcl":
            cur = f.parent(cur)
        subj = f.parent(cur) if cur is not None else None
        if subj is None:
            return None
    if _para_id(f, subj) != _para_id(f, v):
        para = _para_id(f, v)
        names = [k for k in range(subj, v) if _para_id(f, k) == para and f.pos[k] == "PROPN"]
        if not names:
            return None
        k = names[0]
        while k + 1 < v and f.pos[k + 1] == "PROPN":
            k += 1
        return k
    return subj


def _raw_subject(f: _Field, v: int) -> int | None:
    seen = set()
    cur: int | None = v
    while cur is not None and cur not in seen:
        seen.add(cur)
        kids = f.kids(cur)
        subjects = [
            c
            for c in kids
            if f.dep[c] in _SUBJECT_DEPS and f.lemma[c].lower() not in ("it", "there", "this", "what")
        ]
        if subjects:  # two subjects is a parser slip ("news agency TASS reported"): prefer the name nearest
            names = [c for c in subjects if f.pos[c] == "PROPN"] or subjects
            return min(names, key=lambda c: abs(c - cur))
        for c in kids:
            if f.dep[c] == "agent":
                for d in f.kids(c):
                    if f.dep[d] == "pobj":
                        return d
        if f.dep[cur] in _CLIMB_DEPS:
            cur = f.parent(cur)
            if cur is not None and f.pos[cur] not in ("VERB", "AUX", "ADP"):
                return None
        else:
            return None
    return None


# --------------------------------------------------------------------------- extraction


@dataclass
class _Quote:
    kind: str
    start: int
    end: int
    verb: int | None
    speaker: _Speaker | None
    method: str
    balanced: bool = True


def _left_bound(text: str, para_start: int, pos: int, spans: list[_Span]) -> int:
    bound = para_start
    for s in spans:
        if s.outer_end <= pos:
            bound = max(bound, s.outer_end)
    for m in _SENT_END.finditer(text, bound, pos):
        if not any(s.outer_start <= m.start() < s.outer_end for s in spans):
            bound = max(bound, m.end())
    return bound


def _right_bound(text: str, para_end: int, pos: int, spans: list[_Span]) -> int:
    bound = para_end
    for s in spans:
        if s.outer_start >= pos:
            bound = min(bound, s.outer_start)
            break
    m = _SENT_END.search(text, pos, bound)
    return m.end() if m else bound


def _paragraph_of(paras: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for a, b in paras:
        if a <= pos < b or (pos == b):
            return a, b
    return (0, 0)


def _cut_unbalanced(f: _Field, s: _Span, lex: _Lexicon) -> _Span:
    """End an unclosed quote before an inner ", X said" (the closing mark was forgotten)."""
    toks = list(f.tokens_in(s.start, s.end))
    for n, i in enumerate(toks):
        if f.word[i] != "," or n < 3:
            continue
        for k in toks[n + 1 : n + 7]:
            if f.word[k] in ".!?;":
                break
            if _is_reporting(f, k, lex):
                subj = _subject(f, k)
                if subj is not None and f.start[i] < f.start[subj]:
                    return _Span(s.start, f.end[i], False, s.outer_start, f.end[i])
    return s


def _extract_field(f: _Field, res: _Resolver, lex: _Lexicon) -> list[_Quote]:
    text = f.text
    spans = [_cut_unbalanced(f, s, lex) if not s.balanced else s for s in _quote_spans(text)]
    f.__dict__["quoted"] = [(s.outer_start, s.outer_end) for s in spans]
    paras = _paragraph_bounds(text)
    in_quote = [False] * len(f.ids)
    for s in spans:
        for k in f.tokens_in(s.start, s.end):
            in_quote[k] = True
    found: list[_Quote] = []
    direct_verbs: set[int] = set()
    last_attr: tuple[int, _Speaker] | None = None
    for s in spans:
        pa, _ = _paragraph_of(paras, s.outer_start)
        _, pb = _paragraph_of(paras, max(s.outer_end - 1, s.outer_start))
        left = _left_bound(text, pa, s.outer_start, spans)
        prev = text[:left].rstrip()
        if not text[left : s.outer_start].strip() and prev.endswith(":"):
            # 'X added:' closing the previous paragraph introduces this one's quotation
            left = _left_bound(text, _paragraph_of(paras, len(prev) - 1)[0], len(prev), spans)
        right = _right_bound(text, max(pb, s.outer_end), s.outer_end, spans)
        before = text[left : s.outer_start]
        content = text[s.start : s.end]
        after = text[s.outer_end : right].lstrip()
        if re.search(r"[.!?]\W*$", content) and after[:1].isupper():
            right = s.outer_end  # “… end.” Next sentence: nothing after the quote attributes it
        starts_clause = not before.strip() or before.rstrip().endswith((":", ","))
        full = starts_clause and (content[:1].isupper() or not before.strip())
        kind = "direct" if full else "partial"
        # candidate attribution cues around the quote, nearest first
        right_toks = [k for k in f.tokens_in(s.outer_end, right) if not in_quote[k]]
        left_toks = [k for k in f.tokens_in(left, s.outer_start) if not in_quote[k]][::-1]
        verb = speaker_tok = None
        method = "subject"
        order = (right_toks + left_toks) if kind == "direct" else (left_toks + right_toks)
        quote_toks = [k for k in f.tokens_in(s.start, s.end)]
        for k in order:
            acc = _according(f, k)
            if acc is not None:
                verb, speaker_tok, method = k, acc, "according-to"
                break
            if _is_reporting(f, k, lex):
                if kind == "partial" and (
                    (not _dominates(f, k, quote_toks) and len(_WORD.findall(content)) < 3)
                    or (
                        f.lemma[k].lower() in _NEEDS_CLAUSE
                        and not any(f.dep[c] == "ccomp" for c in f.kids(k))
                    )
                ):
                    continue
                subj = _subject(f, k)
                if subj is not None and not in_quote[subj]:
                    verb, speaker_tok = k, subj
                    break
        speaker: _Speaker | None = None
        if speaker_tok is None and re.match(r"\s*[—–-]", text[s.outer_end : s.outer_end + 3]):
            # “…” — Name.  (signature-style attribution after a dash)
            names = [k for k in right_toks if f.pos[k] == "PROPN"]
            if names and all(
                f.pos[k] in ("PROPN", "PUNCT", "ADJ", "NOUN", "DET", "SPACE") for k in right_toks
            ):
                speaker_tok, method = names[-1], "dash"
        if speaker_tok is None and before.rstrip().endswith(":"):
            # headline or transcript style "Putin: 'We are ready'": the name right before the colon speaks
            colon = [k for k in left_toks if f.word[k] == ":"]
            named = colon and colon[0] > 0 and f.pos[colon[0] - 1] == "PROPN" and not in_quote[colon[0] - 1]
            if named and not any(_is_reporting(f, k, lex) for k in left_toks):
                speaker_tok, method = colon[0] - 1, "colon"
        if speaker_tok is not None:
            speaker = res.speaker(f, speaker_tok, method)
            if kind == "direct" and verb is not None:
                direct_verbs.add(verb)
        else:
            n_words = len(_WORD.findall(content))
            same_sentence = (
                last_attr is not None
                and not _SENT_END.search(text, last_attr[0], s.outer_start)
                and "\n" not in text[last_attr[0] : s.outer_start]
            )
            if same_sentence:
                speaker, method = last_attr[1], "continuation"
            elif n_words < 4 and not (kind == "direct" and re.search(r"[.!?,]\s*$", content)):
                continue  # a scare-quoted term, not a quotation
            elif last_attr is not None and s.outer_start - last_attr[0] < 700:
                speaker, method = last_attr[1], "continuation"
            elif kind == "partial":
                continue  # an embedded quoted phrase nobody is said to have spoken: a term, not a quote
            else:
                speaker, method = None, "none"
        q = _Quote(
            kind,
            s.start,
            s.end,
            verb,
            speaker,
            method if speaker is None else speaker.method if method == "subject" else method,
            s.balanced,
        )
        found.append(q)
        if speaker is not None and speaker.canonical:
            last_attr = (s.outer_end, speaker)
    # indirect speech: only "according" and reporting-verb lemmas can start one (the two tests below)
    verbs = lex.verbs
    candidates = [
        k for k, (w, lem) in enumerate(zip(f.word, f.lemma, strict=True))
        if lem.lower() in verbs or w.lower() == "according"
    ]  # fmt: skip
    for k in candidates:
        if in_quote[k] or k in direct_verbs:
            continue
        acc = _according(f, k)
        if acc is not None:
            if any(f.sent[d] == f.sent[k] for d in direct_verbs):
                continue  # “…,” X said, according to TASS: the agency is the channel, not a speaker
            q = _according_clause(f, k, acc, res, spans)
            if q is not None:
                found.append(q)
            continue
        if not _is_reporting(f, k, lex) or f.lemma[k].lower() == "quote":
            continue
        if _denied(f, k):
            continue
        content = _content_of(f, k)
        if content is None:
            continue
        subj = _subject(f, k)
        if subj is None or in_quote[subj] or not _plausible_speaker(f, subj, lex.surnames):
            continue
        a, b = content
        cs, ce = f.start[a], f.end[b]
        covered = sum(max(0, min(ce, sp.end) - max(cs, sp.start)) for sp in spans)
        if covered > 0.85 * (ce - cs):
            continue
        speaker = res.speaker(f, subj, "subject")
        found.append(_Quote("indirect", cs, ce, k, speaker, speaker.method))
    return found


def _denied(f: _Field, v: int) -> bool:
    """Tell whether the verb is negated, a bare passive participle or under refuse/decline/fail.

    "refused to acknowledge", "did not say" and "Asked whether …, X replied"
    (a question put to the speaker) report no speech of the subject.
    """
    if any(f.dep[c] == "neg" for c in f.kids(v)):
        return True
    if (
        f.tag[v] == "VBN"
        and f.dep[v] in ("advcl", "acl")
        and not any(f.dep[c] in _SUBJECT_DEPS for c in f.kids(v))
    ):
        return True
    p = f.parent(v)
    return f.dep[v] == "xcomp" and p is not None and f.lemma[p].lower() in ("refuse", "decline", "fail")


def _plausible_speaker(f: _Field, i: int, surnames: dict[str, str]) -> bool:
    """Check that a reported-speech subject can speak: a name, a pronoun, a role or an institution."""
    lemma = f.lemma[i].lower()
    if f.pos[i] == "PRON":
        return lemma in PRONOUNS_PERSON or lemma in ("they", "it")
    if f.pos[i] == "PROPN" or f.ent[i] in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    word = f.word[i].lower()
    if {lemma, word} & (ROLE_NOUNS | INSTITUTION_NOUNS | _GROUP_NOUNS):
        return True
    if any(m.start <= f.start[i] < m.end for m in f.mentions):
        return True
    word = f.word[i]
    if word[:1].isupper() and f.pos[i] == "NOUN":  # a name the tagger missed ("Zelenskyy said")
        first = i == 0 or f.sent[i - 1] != f.sent[i]
        return (
            not first
            or word.lower() in surnames
            or any(m.canonical.split()[-1:] == [word] for m in f.mentions)
        )
    return False


def _dominates(f: _Field, v: int, toks: list[int]) -> bool:
    under = set(f.subtree(v))
    return any(t in under for t in toks)


def _content_of(f: _Field, v: int) -> tuple[int, int] | None:
    """Token range of what a reporting verb reports: its clausal complement or, for some verbs, its object."""
    lemma = f.lemma[v].lower()
    kids = f.kids(v)
    picked = [c for c in kids if f.dep[c] in ("ccomp",)]
    if not picked and lemma in _DOBJ_SPEECH:
        picked = [c for c in kids if f.dep[c] == "dobj"]
    if not picked and lemma in _PREP_SPEECH:
        picked = [c for c in kids if f.dep[c] == "prep" and f.word[c].lower() in _PREP_SPEECH[lemma]]
    if not picked and lemma in ("say", "tell", "claim", "warn", "state", "insist", "assert", "allege"):
        picked = [c for c in kids if f.dep[c] == "parataxis"]
    if not picked:
        picked = _that_clause(f, v)
    excluded: set[int] = set()
    parent = f.parent(v)
    if not picked and parent is not None and f.dep[v] in ("parataxis", "ccomp") and parent < v:
        # "Talks were useful, said Peskov": the verb is parenthetical to the clause before it
        if (
            v > 0
            and f.word[v - 1] == ","
            or (v > 1 and f.word[v - 2] == "," and f.dep[v - 1] in _SUBJECT_DEPS)
        ):
            picked, excluded = [parent], set(f.subtree(v))
    if not picked:
        return None
    para = _para_id(f, v)
    toks = sorted(t for c in picked for t in f.subtree(c) if _para_id(f, t) == para and t not in excluded)
    if not toks:
        return None
    a, b = toks[0], toks[-1]
    while a < b and (f.pos[a] in ("PUNCT", "SPACE") or f.word[a].lower() == "that" and f.dep[a] == "mark"):
        a += 1
    while b > a and f.pos[b] in ("PUNCT", "SPACE"):
        b -= 1
    if b - a < 1:
        return None
    return a, b


def _that_clause(f: _Field, v: int) -> list[int]:
    """Find a "that"-clause below a prepositional phrase of ``v`` ("asserted without evidence that …")."""
    frontier = [c for c in f.kids(v) if f.dep[c] == "prep"]
    for _ in range(3):
        nxt = []
        for k in frontier:
            for c in f.kids(k):
                if f.dep[c] in ("acl", "ccomp", "advcl", "relcl") and any(
                    f.dep[d] == "mark" and f.word[d].lower() == "that" for d in f.kids(c)
                ):
                    return [c]
                nxt.append(c)
        frontier = nxt
    return []


def _para_id(f: _Field, i: int) -> int:
    """Paragraph number of token ``i`` (count of newlines before it)."""
    return _nl_before(f, i)


def _nl_before(f: _Field, i: int) -> int:
    cache = f.__dict__.setdefault("_nl", None)
    if cache is None:
        import bisect

        pos = [m.start() for m in re.finditer(r"\n\s*", f.text)]
        f.__dict__["_nl"] = (bisect, pos)
        cache = f.__dict__["_nl"]
    bisect, pos = cache
    return bisect.bisect_right(pos, f.start[i])


def _according_clause(
    f: _Field, k: int, speaker_tok: int, res: _Resolver, spans: list[_Span]
) -> _Quote | None:
    sent, para = f.sent[k], _para_id(f, k)
    toks = [i for i in range(len(f.ids)) if f.sent[i] == sent and _para_id(f, i) == para]
    phrase = set(f.subtree(k))
    rest = [i for i in toks if i not in phrase and f.pos[i] not in ("PUNCT", "SPACE")]
    if len(rest) < 3:
        return None
    cs, ce = f.start[rest[0]], f.end[rest[-1]]
    covered = sum(max(0, min(ce, sp.end) - max(cs, sp.start)) for sp in spans)
    if covered > 0.6 * (ce - cs):
        return None
    return _Quote("indirect", cs, ce, k, res.speaker(f, speaker_tok, "according-to"), "according-to")


# --------------------------------------------------------------------------- public API


def _field_texts(rows: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Map (article_id, field) to text; a title derived from the body (``title_derived``) is left out."""
    out = {}
    derived = rows["title_derived"].eq(True) if "title_derived" in rows.columns else None
    for fld in ("title", "text"):
        if fld in rows.columns:
            values = rows[fld]
            if fld == "title" and derived is not None:
                values = values.where(~derived, "")
            for aid, value in zip(rows["article_id"].astype(str), values, strict=True):
                out[(aid, fld)] = value if isinstance(value, str) else ""
    return out


_LIST_COLUMNS = (
    "token_id", "start_char", "end_char", "text", "lemma", "pos", "tag", "dep", "head",
    "sentence_id", "ent_type",
)  # fmt: skip


def _field_groups(toks: pd.DataFrame, texts: dict, by_field: dict) -> Iterable[tuple[str, list[_Field]]]:
    """Yield (article_id, fields) from a token table sorted once, slicing plain lists (fast)."""
    if toks.empty:
        return
    toks = toks.sort_values(["article_id", "field", "token_id"], kind="stable")
    cols = {c: toks[c].tolist() for c in _LIST_COLUMNS}
    aids = toks["article_id"].astype(str).tolist()
    flds = toks["field"].astype(str).tolist()
    n = len(aids)
    a, f = np.array(aids, dtype=object), np.array(flds, dtype=object)
    ends = [*(np.flatnonzero((a[1:] != a[:-1]) | (f[1:] != f[:-1])) + 1).tolist(), n]  # run ends
    start = 0
    current: list[_Field] = []
    for i in ends:
        key = (aids[start], flds[start])
        current.append(
            _Field(key[0], key[1], texts.get(key, ""), *(cols[c][start:i] for c in _LIST_COLUMNS),
                   by_field.get(key, []))
        )  # fmt: skip
        if i == n or aids[i] != aids[start]:
            yield aids[start], current
            current = []
        start = i


def _empty_quotes() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype="object") for c in QUOTE_COLUMNS})
    for c in ("sentence_id", "start_char", "end_char"):
        out[c] = out[c].astype("int64")
    for c in ("verb_start_char", "verb_end_char", "speaker_start_char", "speaker_end_char"):
        out[c] = out[c].astype("Int64")
    out["balanced"] = out["balanced"].astype(bool)
    return out


@stage(provides="quotes", requires=("articles",), keywords=("annotations", "mentions"), per_article=True)
def quotes(
    articles: pd.DataFrame,
    *,
    annotations: Annotations | None = None,
    mentions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Find direct, partial and indirect quotations and attribute each to a speaker.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``; ``title`` and ``status`` are used when
        present (only ``status == 'ok'`` rows are analysed; a title with
        ``title_derived`` True is a copy of the first sentence and is skipped).
    annotations : Annotations, optional
        The spaCy tables of ``articles``; default ``analysis.annotate(articles)``
        (a cache hit after the first call). Only ``tokens`` is read.
    mentions : pandas.DataFrame, optional
        Entity mentions with ``article_id, field, start_char, end_char, text,
        canonical`` (``kind`` and ``country`` used when present), as returned by
        ``analysis.entity_mentions``; default: computed with it, or spaCy's raw
        entities with their surface text as canonical name when that module is absent.

    Returns
    -------
    pandas.DataFrame
        One row per quotation, sorted by ``article_id, field, start_char``:
        ``article_id, field, sentence_id, kind`` (``direct``, ``partial``,
        ``indirect``), ``quote`` (the quoted words, or the reported clause),
        ``speaker`` (surface phrase), ``speaker_canonical``,
        ``speaker_affiliation`` (Russia, France, Ukraine, United States, EU or
        other, from :data:`AFFILIATIONS`), ``verb`` (reporting verb or
        "according to" as written), ``start_char, end_char`` (the quote inside its
        marks, or the reported clause), ``verb_start_char, verb_end_char,
        speaker_start_char, speaker_end_char`` (nullable), ``method`` (how the
        speaker was found: ``subject``, ``according-to``, ``pronoun``, ``role``,
        ``institution``, ``continuation``, ``none`` and ``…-unresolved``),
        ``balanced`` (False when a quotation mark was not closed).
    """
    from analysis.annotate import annotate

    rows = ok_articles(articles)
    if rows.empty:
        return _empty_quotes()
    ann = annotations if annotations is not None else annotate(rows)
    toks = ann.tokens
    toks = toks[toks["article_id"].isin(set(rows["article_id"].astype(str)))]
    if mentions is None:
        mentions = _get_mentions(rows, ann)
    else:
        need = {"article_id", "field", "start_char", "end_char", "text", "canonical"} - set(mentions.columns)
        if need:
            raise ValueError(f"mentions need columns {sorted(need)}; got {list(mentions.columns)}")
    by_field = _article_mentions(mentions)
    texts = _field_texts(rows)
    lex = _lex()
    out = []
    for _, fields in _field_groups(toks, texts, by_field):
        res = _Resolver(fields, lex)
        for f in fields:
            if not f.text:
                continue
            for q in _extract_field(f, res, lex):
                first = f.at(q.start)
                sp = q.speaker
                out.append(
                    {
                        "article_id": f.article_id,
                        "field": f.name,
                        "sentence_id": f.sent[first] if first is not None else 0,
                        "kind": q.kind,
                        "quote": f.text[q.start : q.end].strip(),
                        "speaker": sp.surface if sp else None,
                        "speaker_canonical": sp.canonical if sp else None,
                        "speaker_affiliation": sp.affiliation if sp else None,
                        "verb": (
                            "according to"
                            if q.verb is not None and f.word[q.verb].lower() == "according"
                            else f.word[q.verb]
                            if q.verb is not None
                            else None
                        ),
                        "start_char": q.start,
                        "end_char": q.end,
                        "verb_start_char": f.start[q.verb] if q.verb is not None else None,
                        "verb_end_char": (f.end[q.verb] + (3 if f.word[q.verb].lower() == "according" else 0))
                        if q.verb is not None
                        else None,
                        "speaker_start_char": sp.start if sp else None,
                        "speaker_end_char": sp.end if sp else None,
                        "method": q.method,
                        "balanced": q.balanced,
                    }
                )
    if not out:
        return _empty_quotes()
    table = pd.DataFrame(out, columns=QUOTE_COLUMNS)
    table = table.drop_duplicates(["article_id", "field", "kind", "start_char", "end_char"])
    for c in ("verb_start_char", "verb_end_char", "speaker_start_char", "speaker_end_char"):
        table[c] = table[c].astype("Int64")
    table["balanced"] = table["balanced"].astype(bool)
    return table.sort_values(["article_id", "field", "start_char", "kind"]).reset_index(drop=True)


def _group_map(articles: pd.DataFrame, by: str) -> pd.Series:
    if by not in articles.columns:
        raise ValueError(f"articles have no column {by!r} to group by; got {list(articles.columns)}")
    return articles.drop_duplicates("article_id").set_index(
        articles.drop_duplicates("article_id")["article_id"].astype(str)
    )[by]


def _check_quotes(table: pd.DataFrame) -> None:
    need = {"article_id", "kind", "quote", "speaker_canonical", "speaker_affiliation"} - set(table.columns)
    if need:
        raise ValueError(
            f"quotes table needs columns {sorted(need)} (from analysis.quotes); got {list(table.columns)}"
        )


@stage(provides="source_balance", requires=("quotes", "articles"), per_article=False)
def source_balance(quotes: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Count quotations and quoted words by speaker and by affiliation within each group of articles.

    Parameters
    ----------
    quotes : pandas.DataFrame
        Output of :func:`quotes` (``article_id, kind, quote, speaker_canonical,
        speaker_affiliation``).
    articles : pandas.DataFrame
        Needs ``article_id`` and the grouping column ``by``.
    by : str, default "outlet"
        Column of ``articles`` to group by.

    Returns
    -------
    pandas.DataFrame
        One row per group × level × source: ``<by>, level`` (``speaker`` or
        ``affiliation``), ``source`` (canonical speaker, "(unattributed)" when
        none was found, or the affiliation), ``affiliation``, ``n_quotes,
        n_direct, n_partial, n_indirect, quoted_words`` (words inside direct and
        partial quotes plus reported clauses), ``share_quotes, share_words`` (within
        the group and level), sorted by group, level and descending quotes.
    """
    _check_quotes(quotes)
    groups = _group_map(articles, by)
    q = quotes.assign(**{by: quotes["article_id"].astype(str).map(groups)})
    q = q[q[by].notna()]
    q["source"] = q["speaker_canonical"].fillna("(unattributed)")
    q["affiliation"] = q["speaker_affiliation"].fillna(OTHER)
    q["words"] = q["quote"].fillna("").map(lambda s: len(_WORD.findall(s)))
    for kind in ("direct", "partial", "indirect"):
        q["n_" + kind] = (q["kind"] == kind).astype(int)
    cols = [
        by,
        "level",
        "source",
        "affiliation",
        "n_quotes",
        "n_direct",
        "n_partial",
        "n_indirect",
        "quoted_words",
        "share_quotes",
        "share_words",
    ]
    if q.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    parts = []
    for level, keys in (("speaker", ["source", "affiliation"]), ("affiliation", ["affiliation"])):
        g = (
            q.groupby([by, *keys], dropna=False)
            .agg(
                n_quotes=("kind", "size"),
                n_direct=("n_direct", "sum"),
                n_partial=("n_partial", "sum"),
                n_indirect=("n_indirect", "sum"),
                quoted_words=("words", "sum"),
            )
            .reset_index()
        )
        if level == "affiliation":
            g["source"] = g["affiliation"]
        g["level"] = level
        g["share_quotes"] = g["n_quotes"] / g.groupby(by)["n_quotes"].transform("sum")
        g["share_words"] = (g["quoted_words"] / g.groupby(by)["quoted_words"].transform("sum")).fillna(0.0)
        parts.append(g)
    out = pd.concat(parts, ignore_index=True)[cols]
    out = out.sort_values(
        [by, "level", "n_quotes", "quoted_words", "source"], ascending=[True, False, False, False, True]
    )
    return out.reset_index(drop=True)


@functools.lru_cache(maxsize=16)
def _terms_regex(terms: tuple[str, ...]) -> re.Pattern[str]:
    """Compile one case-insensitive alternation of the terms, longest first, on word boundaries."""
    parts = [re.escape(t).replace(r"\ ", r"\s+") for t in sorted(terms, key=len, reverse=True)]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", flags=re.I)


def _find_terms(text: str, terms: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """Find non-overlapping occurrences of the terms (lower-cased, whitespace-normalised) in ``text``."""
    if not terms:
        return []
    found = _terms_regex(terms).finditer(text)
    return [(re.sub(r"\s+", " ", m.group(0).lower()), m.start(), m.end()) for m in found]


@functools.lru_cache(maxsize=16)
def _first_words(terms: tuple[str, ...]) -> tuple[str, ...] | None:
    """Lower-cased first word of each term (None when one is not ASCII: then no prefilter)."""
    words = tuple(sorted({t.split()[0].lower() for t in terms if t.split()}))
    return words if all(w.isascii() for w in words) else None


def _find_terms_quick(text: str, terms: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """Return :func:`_find_terms`, skipping texts where no term's first word occurs.

    The prefilter is exact: ``re.IGNORECASE`` matches an ASCII letter to a character whose
    simple lower case is that letter, or to the dotless i / long s, which are folded here too.
    """
    if not terms:
        return []
    words = _first_words(terms)
    if words is not None:
        low = text.replace("\u0130", "i").lower().replace("\u0131", "i").replace("\u017f", "s")
        if not any(w in low for w in words):
            return []
    return _find_terms(text, terms)


@stage(provides="attribution", requires=("quotes", "articles"), per_article=False)
def attribution(
    quotes: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    by: str = "outlet",
    detail: bool = False,
) -> pd.DataFrame:
    """Classify reporting verbs, qualifiers and hedges of each attribution, per speaker within each group.

    Verbs are classed with :data:`REPORTING_TERMS` (neutral: said, stated,
    told; emphatic: stressed, insisted, warned; distancing: claimed, asserted,
    alleged). A qualifier ("without evidence", "falsely") in the reporting frame
    marks the attribution as distancing too. Hedges (could, may, reportedly,
    potentially, likely ...) are counted in the quoted or reported words
    (``content``) and in the reporting frame around the verb (``frame``: the
    journalist's hedge, e.g. "reportedly said").

    Parameters
    ----------
    quotes : pandas.DataFrame
        Output of :func:`quotes` (``article_id, field, kind, quote,
        speaker_canonical, speaker_affiliation, verb, start_char, end_char,
        verb_start_char, verb_end_char``).
    articles : pandas.DataFrame
        Needs ``article_id``, ``text`` (and ``title`` for headline quotes) and the column ``by``.
    by : str, default "outlet"
        Column of ``articles`` to group by.
    detail : bool, default False
        Return one row per attribution instead of the per-speaker summary.

    Returns
    -------
    pandas.DataFrame
        With ``detail=True``: ``article_id, <by>, field, kind, speaker_canonical,
        speaker_affiliation, verb, verb_lemma, verb_class`` (neutral, emphatic,
        distancing, unclassified, none), ``qualifiers, content_hedges,
        frame_hedges`` (";"-joined terms), ``start_char, end_char`` (the quote),
        ``frame_start_char, frame_end_char`` (the sentence searched for frame
        hedges; qualifiers are searched only next to the verb).
        Otherwise one row per group × speaker: ``<by>, speaker_canonical,
        speaker_affiliation, n_attributions, n_neutral, n_emphatic,
        n_distancing, n_qualified, n_content_hedged, n_frame_hedged, verbs,
        hedges, qualifiers, share_distancing, evidence`` (";"-joined
        ``article_id:field:start-end`` of every non-neutral, qualified or
        hedged attribution).
    """
    _check_quotes(quotes)
    groups = _group_map(articles, by)
    texts = _field_texts(ok_articles(articles))
    lex = _lex()
    rows = []
    for r in quotes.itertuples(index=False):
        aid = str(r.article_id)
        fld = getattr(r, "field", "text")
        text = texts.get((aid, fld), "")
        verb = r.verb if isinstance(r.verb, str) else None
        vs = r.verb_start_char if verb is not None and pd.notna(r.verb_start_char) else None
        ve = r.verb_end_char if vs is not None else None
        lemma = _verb_lemma(verb, lex) if verb else None
        cls = lex.verbs.get(lemma, "unclassified") if lemma else "none"
        qs, qe = int(r.start_char), int(r.end_char)
        # the reporting frame: the sentence around verb and quote, minus the quote itself
        lo = min(qs, int(vs)) if vs is not None else qs
        hi = max(qe, int(ve)) if ve is not None else qe
        window = max(0, lo - 1500)
        ends = [text.rfind(p, window, lo) for p in (". ", "? ", "! ", ".\n", "\n")]
        fs = max([e + 1 for e in ends if e >= 0] + [window])
        m_end = _SENT_END.search(text, hi)
        nl = text.find("\n", hi)
        fe = min(x for x in (m_end.end() if m_end else len(text), nl if nl >= 0 else len(text)))
        frame = text[fs:qs] + " " * (qe - qs) + text[qe:fe]
        content = text[qs:qe]
        quals = []
        if vs is not None:  # a qualifier belongs to its verb: just before it or between it and its content
            stop = qs if qs >= int(ve) else fe
            near = text[max(fs, int(vs) - 25) : int(vs)] + " | " + text[int(ve) : min(stop, int(ve) + 60)]
            quals = [h[0] for h in _find_terms_quick(near, lex.qualifiers)]
        frame_hedges = [h[0] for h in _find_terms_quick(frame, lex.hedges)]
        content_hedges = [h[0] for h in _find_terms_quick(content, lex.hedges)]
        if quals and cls in ("neutral", "emphatic", "unclassified"):
            cls_final = "distancing"
        else:
            cls_final = cls
        rows.append(
            {
                "article_id": aid,
                by: groups.get(aid),
                "field": fld,
                "kind": r.kind,
                "speaker_canonical": r.speaker_canonical,
                "speaker_affiliation": r.speaker_affiliation,
                "verb": verb,
                "verb_lemma": lemma,
                "verb_class": cls_final,
                "qualifiers": ";".join(quals),
                "content_hedges": ";".join(content_hedges),
                "frame_hedges": ";".join(frame_hedges),
                "start_char": qs,
                "end_char": qe,
                "frame_start_char": fs,
                "frame_end_char": fe,
            }
        )
    detail_cols = [
        "article_id",
        by,
        "field",
        "kind",
        "speaker_canonical",
        "speaker_affiliation",
        "verb",
        "verb_lemma",
        "verb_class",
        "qualifiers",
        "content_hedges",
        "frame_hedges",
        "start_char",
        "end_char",
        "frame_start_char",
        "frame_end_char",
    ]
    events = pd.DataFrame(rows, columns=detail_cols)
    if detail:
        return events.sort_values(["article_id", "field", "start_char"]).reset_index(drop=True)
    summary_cols = [
        by,
        "speaker_canonical",
        "speaker_affiliation",
        "n_attributions",
        "n_neutral",
        "n_emphatic",
        "n_distancing",
        "n_qualified",
        "n_content_hedged",
        "n_frame_hedged",
        "verbs",
        "hedges",
        "qualifiers",
        "share_distancing",
        "evidence",
    ]
    if events.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in summary_cols})
    events["speaker_canonical"] = events["speaker_canonical"].fillna("(unattributed)")
    events["speaker_affiliation"] = events["speaker_affiliation"].fillna(OTHER)
    keys = [by, "speaker_canonical", "speaker_affiliation"]
    ev = events[events[by].notna()]  # groupby drops rows without a group
    if ev.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in summary_cols})
    cls = ev["verb_class"]
    flagged = (cls != "neutral") & (cls != "none") | (ev["qualifiers"] != "") | (ev["content_hedges"] != "")
    flagged |= ev["frame_hedges"] != ""
    ev = ev.assign(
        _neutral=(cls == "neutral").astype(int),
        _emphatic=(cls == "emphatic").astype(int),
        _distancing=(cls == "distancing").astype(int),
        _qualified=(ev["qualifiers"] != "").astype(int),
        _content=(ev["content_hedges"] != "").astype(int),
        _frame=(ev["frame_hedges"] != "").astype(int),
    )
    out = ev.groupby(keys, sort=True).agg(
        n_attributions=("verb_class", "size"),
        n_neutral=("_neutral", "sum"),
        n_emphatic=("_emphatic", "sum"),
        n_distancing=("_distancing", "sum"),
        n_qualified=("_qualified", "sum"),
        n_content_hedged=("_content", "sum"),
        n_frame_hedged=("_frame", "sum"),
    )
    index = out.index
    verbs = ev.loc[ev["verb_lemma"].notna(), [*keys, "verb_lemma"]].rename(columns={"verb_lemma": "item"})
    hedges = pd.concat(
        [_split_items(ev, keys, "content_hedges"), _split_items(ev, keys, "frame_hedges")], ignore_index=True
    )
    out["verbs"] = _counts_by(verbs, keys).reindex(index).fillna("").to_numpy()
    out["hedges"] = _counts_by(hedges, keys).reindex(index).fillna("").to_numpy()
    out["qualifiers"] = (
        _counts_by(_split_items(ev, keys, "qualifiers"), keys).reindex(index).fillna("").to_numpy()
    )
    out["share_distancing"] = (out["n_distancing"] / out["n_attributions"]).astype(float)
    ref = ev.loc[flagged, keys].assign(
        item=ev.loc[flagged, "article_id"].astype(str) + ":" + ev.loc[flagged, "field"].astype(str) + ":"
        + ev.loc[flagged, "start_char"].astype(str) + "-" + ev.loc[flagged, "end_char"].astype(str)
    )  # fmt: skip
    joined = ref.groupby(keys, sort=False)["item"].agg(";".join) if len(ref) else pd.Series(dtype=object)
    out["evidence"] = joined.reindex(index).fillna("").to_numpy() if len(ref) else ""
    out = out.reset_index()
    for c in ("n_neutral", "n_emphatic", "n_distancing", "n_qualified", "n_content_hedged", "n_frame_hedged"):
        out[c] = out[c].astype("int64")
    out["n_attributions"] = out["n_attributions"].astype("int64")
    return (
        out[summary_cols]
        .sort_values([by, "n_attributions", "speaker_canonical"], ascending=[True, False, True])
        .reset_index(drop=True)
    )


def _split_items(frame: pd.DataFrame, keys: list[str], column: str) -> pd.DataFrame:
    """Explode a ``;``-joined column into one row per non-empty item, with the group keys."""
    items = frame[column].str.split(";").explode()
    items = items[items.notna() & (items != "")]
    return frame.loc[items.index, keys].assign(item=items.to_numpy()).reset_index(drop=True)


def _counts_by(long: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Return ``item×count;...`` per group (most frequent first, ties alphabetical), as :func:`_counts`."""
    if long.empty:
        return pd.Series(dtype=object, index=pd.MultiIndex.from_tuples([], names=keys))
    counts = long.groupby([*keys, "item"], sort=True).size().rename("n").reset_index()
    counts = counts.sort_values(
        [*keys, "n", "item"], ascending=[True] * len(keys) + [False, True], kind="stable"
    )
    counts["text"] = counts["item"].astype(str) + "×" + counts["n"].astype(str)
    return counts.groupby(keys, sort=False)["text"].agg(";".join)


def _counts(items: Iterable[str]) -> str:
    s = pd.Series(list(items), dtype="object")
    if s.empty:
        return ""
    vc = s.value_counts()
    vc = vc.sort_index().sort_values(ascending=False, kind="stable")
    return ";".join(f"{k}×{v}" for k, v in vc.items())


def _verb_lemma(verb: str, lex: _Lexicon) -> str:
    """Map a surface reporting verb to the lemma used in the table (rule-based, no parsing)."""
    low = verb.lower()
    if low in lex.verbs:
        return low
    irregular = {
        "said": "say",
        "says": "say",
        "told": "tell",
        "tells": "tell",
        "wrote": "write",
        "written": "write",
        "saying": "say",
        "telling": "tell",
    }
    if low in irregular:
        return irregular[low]
    for suffix, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ing", "e"),
        ("ed", ""),
        ("ed", "e"),
        ("d", ""),
        ("es", ""),
        ("s", ""),
    ):
        if low.endswith(suffix):
            cand = low[: -len(suffix)] + repl
            if cand in lex.verbs:
                return cand
            if len(cand) > 2 and cand[-1] == cand[-2] and cand[:-1] in lex.verbs:
                return cand[:-1]
    return low
