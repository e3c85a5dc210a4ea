"""Resolve speaker phrases (names, pronouns, roles, institutions) to canonical speakers and affiliations.

Resolution is general: a surname reaches the full name the article introduced, a title or
apposition ("Kremlin spokesman Dmitry Peskov", "Jane Roe, the city's mayor") gives a person
roles that a later role phrase ("the spokesman said") can reach, and a country comes from the
entity mentions (their ``country``, from the general alias table). A corpus's own
``people.csv`` (:mod:`.people`) is consulted only for what the article does not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from analysis.framing.quotes.coref import Coref, distinct_people
from analysis.framing.quotes.fields import Field, Mention, para_id, surname
from analysis.framing.quotes.lexicon import (
    INSTITUTION_NOUNS,
    IT_NOUNS,
    NAME_DEPS,
    OTHER,
    PRONOUNS_PERSON,
    ROLE_NOUNS,
    WORD,
    Lexicon,
)
from analysis.framing.quotes.people import NO_PEOPLE, People

# --------------------------------------------------------------------------- speakers


def clean_name(value: str) -> str:
    """Strip spacing, edge punctuation and a possessive from a name."""
    value = re.sub(r"\s+", " ", value).strip(" ,.;:—–-\"“”‘’'")
    return re.sub(r"[’']s$", "", value).strip()


def article_mentions(mentions: pd.DataFrame) -> dict[tuple[str, str], list[Mention]]:
    """Group mentions by (article_id, field), sorted, with surnames linked to full names."""
    out: dict[tuple[str, str], list[Mention]] = {}
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
        canonical = c if isinstance(c, str) and c else clean_name(str(t))
        out.setdefault((aid, fld), []).append(
            Mention(
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


def _link_surnames(items: list[Mention]) -> None:
    """Within one field, map a one-word person mention to the one full name that ends with it.

    Namesakes (two people of the field whose full names end with the word: "Bill Clinton",
    "Hillary Clinton") leave the word as written; the speaker resolver may tell them apart later.
    """
    full: dict[str, set[str]] = {}
    for m in items:
        words = m.canonical.split()
        if len(words) >= 2 and m.kind in ("person", ""):
            full.setdefault(surname(m.canonical), set()).add(m.canonical)
    for m in items:
        words = m.canonical.split()
        if len(words) == 1 and words[0].lower() in full:
            people = distinct_people(full[words[0].lower()])
            if len(people) == 1:
                m.canonical = people[0]
                m.kind = "person"


def _is_person(m: Mention) -> bool:
    """Tell whether a mention stands for one person (an untyped mention of two or more words counts)."""
    return m.kind == "person" or (m.kind == "" and len(m.canonical.split()) >= 2)


#: Determiners that bring in someone not named before ("a spokesman", "one aide", "another official").
INDEFINITES = frozenset({"a", "an", "one", "another"})


@dataclass
class Speaker:
    """A resolved speaker: surface phrase, canonical name, affiliation, offsets, method."""

    surface: str
    canonical: str | None
    affiliation: str
    start: int
    end: int
    method: str


class Resolver:
    """Resolve speaker phrases in one article to canonical names and affiliations."""

    def __init__(self, fields: list[Field], lex: Lexicon, people: People = NO_PEOPLE) -> None:
        self.lex = lex
        self.known = people
        self.fields = {f.name: f for f in fields}
        # the article's own full names by surname: they win over the corpus's people table
        by_surname: dict[str, set[str]] = {}
        for f in fields:
            for m in f.mentions:
                words = m.canonical.split()
                if len(words) >= 2 and m.kind in ("person", ""):
                    by_surname.setdefault(surname(m.canonical), set()).add(m.canonical)
        introduced = {w: distinct_people(names) for w, names in by_surname.items()}
        # people named in the article (body mentions first), with roles and affiliation seen locally
        self.people: dict[str, dict] = {}
        for f in fields:
            for m in f.mentions:
                words = m.canonical.split()
                if len(words) == 1 and m.kind in ("person", ""):
                    low = words[0].lower()
                    if len(introduced.get(low, ())) == 1:
                        m.canonical, m.kind = introduced[low][0], "person"
                    elif low in introduced:
                        m.kind = "person"  # namesakes of the article: the surname stays (Coref.name_at)
                    elif low in people.surnames:
                        m.canonical = people.surnames[low]
                low = m.canonical.lower()
                if m.kind == "person" or (m.kind == "" and len(low.split()) >= 2) or low in people.roles:
                    info = self.people.setdefault(m.canonical, {"roles": set(), "aff": None, "pos": []})
                    info["pos"].append((f.name, m.start))
                    info["roles"] |= set(people.roles.get(low, ()))
                    info["roles"] |= self._local_roles(f, m)
                    if info["aff"] is None and m.kind == "person" and m.country:
                        info["aff"] = m.country  # "Russian President Vladimir Putin": the text's own cue
        for name, info in self.people.items():
            info["aff"] = info["aff"] or people.affiliation_of(name) or None
        self.coref = Coref(fields, self._canonical, _is_person, lex.verbs)

    def _local_roles(self, f: Field, m: Mention) -> set[str]:
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
            words.add(f.lem[j])
            j -= 1
        last = f.tokens_in(m.start, m.end)
        for k in last:
            for c in f.kids(k):
                if f.dep[c] == "appos":
                    words |= {f.lem[x] for x in f.subtree(c)}
        return words & (ROLE_NOUNS | {"press"})

    # ---------------------------------------------------------------- affiliation
    def affiliation(self, canonical: str | None, phrase: str, country: str | None = None) -> str:
        """Return a speaker's affiliation: the mention's country, the article's cue, then the people table.

        The corpus's people table is read for the name, then for the words of the phrase;
        :data:`OTHER` when nothing says.
        """
        if country:
            return country
        if canonical:
            seen = self.people.get(canonical, {}).get("aff")
            if seen:
                return seen
            known = self.known.affiliation_of(canonical)
            if known:
                return known
        for word in WORD.findall(phrase):
            low = re.sub(r"[’']s$", "", word.lower())
            hit = self.known.adjectives.get(low) or self.known.names.get(low)
            if hit:
                return hit
            full = self.known.surnames.get(low)
            if full and full.lower() in self.known.names:  # "Macron's office"
                return self.known.names[full.lower()]
        return OTHER

    def phrase_affiliation(self, f: Field, s: int, e: int, phrase: str) -> str:
        """Return the country a speaker phrase names ("the French president": France), else the table's."""
        for m in f.mentions:
            if m.start < e and m.end > s and m.country and m.kind != "person":
                return m.country
        return self.affiliation(None, phrase)

    # ---------------------------------------------------------------- phrase -> speaker
    def phrase_span(self, f: Field, head: int) -> tuple[int, int]:
        """Token range [a, b] of a speaker noun phrase: pre-modifiers and name parts, no appositive."""
        a = b = head
        keep = [head]
        stack = [head]
        while stack:
            k = stack.pop()
            for c in f.kids(k):
                if (
                    f.dep[c] in NAME_DEPS
                    and f.dep[c] != "punct"
                    or (f.dep[c] == "punct" and f.word[c] in "-–")
                ):
                    keep.append(c)
                    stack.append(c)
                elif f.dep[c] == "prep" and f.low[c] == "of" and f.lem[head] in ROLE_NOUNS:
                    keep.extend(f.subtree(c))  # "the head of the Kremlin"
        para = para_id(f, head)
        keep = [k for k in keep if para_id(f, k) == para]
        a, b = min(keep), max(keep)
        while a < b and f.pos[a] == "PUNCT":
            a += 1
        while b > a and f.pos[b] == "PUNCT":
            b -= 1
        return a, b

    def speaker(self, f: Field, head: int, method: str) -> Speaker:
        """Resolve the speaker phrase headed by token ``head`` and remember named speakers."""
        found = self._speaker(f, head, method)
        known = found.canonical and (
            found.canonical in self.people or found.canonical.lower() in self.known.roles
        )
        if known and not found.method.startswith("pronoun"):
            f.__dict__.setdefault("speakers", []).append((found.start, found.canonical))
        return found

    def _speaker(self, f: Field, head: int, method: str) -> Speaker:
        if f.pos[head] == "NOUN":
            names = [c for c in f.kids(head) if f.dep[c] == "appos" and f.pos[c] == "PROPN"]
            if names:
                head = names[0]
        a, b = self.phrase_span(f, head)
        s, e = f.start[a], f.end[b]
        surface = f.text[s:e]
        low_head = f.low[head]
        if low_head in PRONOUNS_PERSON and a == b:
            person = self.coref.pronoun(f, head)
            if person is not None:
                return Speaker(
                    surface,
                    person,
                    self.people.get(person, {}).get("aff") or self.affiliation(person, ""),
                    s,
                    e,
                    "pronoun",
                )
            return Speaker(surface, None, OTHER, s, e, "pronoun-unresolved")
        if low_head == "it" and a == b:  # "The company … It added": the body or text it stands for
            ante = self.it_antecedent(f, head)
            if ante is not None:
                found = self._speaker(f, ante, method)
                if found.canonical:
                    return Speaker(surface, found.canonical, found.affiliation, s, e, "pronoun")
            return Speaker(surface, None, OTHER, s, e, "pronoun-unresolved")
        mention = self._mention_for(f, s, e, f.start[head], f.end[head])
        if mention is not None:
            canonical = self.coref.name_at(f, mention.start, mention.canonical)
            how = "role" if mention.via == "role" and method == "subject" else method
            return Speaker(
                surface, canonical, self.affiliation(canonical, surface, mention.country), s, e, how
            )
        words = [f.lem[k] for k in range(a, b + 1)]
        head_lemma = f.lem[head]
        plural = f.tag[head] in ("NNS", "NNPS")  # "the two leaders" are not one person of that role
        described = False  # the article describes someone with the head noun: the role rule may not guess
        if f.pos[head] in ("NOUN", "ADJ") and any(
            f.lem[k] in ("the", "this") for k in range(a, head)
        ):
            person = self.coref.nominal(f, head, list(range(a, b + 1)))
            if person is not None:
                return Speaker(surface, person, self.affiliation(person, surface), s, e, "role")
            described = not plural and self.coref.person_noun(f, head) and self.coref.described_as(head_lemma)
        if (
            not plural
            and not described
            and (head_lemma in ROLE_NOUNS or "press" in words and head_lemma == "secretary")
        ):
            if f.lem[a] in INDEFINITES:  # "a senior official": someone new, unless named next
                person = self._named_after(f, s)
            else:
                person = self.by_role(f, s, words, head_lemma, surface, end=e)
            if person is not None:
                return Speaker(
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
                return Speaker(
                    surface,
                    org.canonical,
                    self.affiliation(org.canonical, surface + " " + org.text, org.country),
                    s,
                    e,
                    "institution",
                )
        name = self._canonical(clean_name(re.sub(r"^(?:the|a|an)\s+", "", surface, flags=re.I)))
        known = name in self.people or name.lower() in self.known.names
        if f.pos[head] == "PROPN" or known:
            return Speaker(surface, name, self.affiliation(name, surface), s, e, method)
        return Speaker(surface, name or None, self.affiliation(None, surface), s, e, method + "-unresolved")

    def it_antecedent(self, f: Field, k: int) -> int | None:
        """Return the token that "it" at ``k`` stands for as a source, or None.

        The nearest organisation or text (a name the entity tagger calls an organisation, or a noun
        of :data:`IT_NOUNS`: "the company", "the letter") before ``k`` in its sentence and the two
        sentences before it, outside quotations; a subject wins over a nearer word of another role.
        """
        orgs = [m for m in f.mentions if m.kind not in ("person", "place", "group", "")]
        best: int | None = None
        j = k - 1
        while j >= 0 and f.sent[j] >= f.sent[k] - 2:
            pos = f.start[j]
            if f.pos[j] in ("NOUN", "PROPN") and f.tag[j] not in ("NNS", "NNPS") and not f.in_quotation(pos):
                org = any(m.start <= pos < m.end for m in orgs)
                if org or f.lem[j] in IT_NOUNS:
                    if f.dep[j] in ("nsubj", "nsubjpass"):
                        return j
                    if best is None:
                        best = j
            j -= 1
        return best

    def _canonical(self, name: str) -> str:
        """Map a surname alone to the article's one full name ending with it, else the people table.

        A surname shared by namesakes of the article stays as written (see :meth:`Coref.name_at`).
        """
        words = name.split()
        if len(words) == 1:
            low = words[0].lower()
            hits = set(distinct_people([p for p in self.people if len(p.split()) > 1 and surname(p) == low]))
            if len(hits) == 1:
                return hits.pop()
            if hits:  # namesakes ("Bill Clinton", "Hillary Clinton"): see Coref.name_at
                return name
            if low in self.known.surnames:
                return self.known.surnames[low]
        return name

    def _mention_for(self, f: Field, s: int, e: int, hs: int, he: int) -> Mention | None:
        inside = [m for m in f.mentions if m.start < e and m.end > s]
        on_head = [m for m in inside if m.start < he and m.end > hs]
        pool = on_head or [m for m in inside if m.kind != "group" and f.text[hs:he][:1].isupper()]
        if not pool:
            return None
        people = [m for m in pool if m.kind == "person"]
        return (people or pool)[-1]

    def last_person(self, f: Field, before: int) -> str | None:
        """Return the last person named (or quoted) before ``before``, outside quotations."""
        best: tuple[int, str] | None = None
        for pos, name in f.__dict__.get("speakers", []):
            if pos < before and (best is None or pos > best[0]):
                best = (pos, name)
        for m in f.mentions:
            if m.end <= before and (m.kind == "person" or m.canonical in self.people):
                if f.in_quotation(m.start):
                    continue  # a name inside someone's quotation is not the antecedent
                if best is None or m.start > best[0]:
                    best = (m.start, self._canonical(m.canonical))
        return best[1] if best else None

    def by_role(
        self, f: Field, at: int, words: list[str], role: str, surface: str, end: int | None = None
    ) -> str | None:
        """Return the person of the article whose role best fits a role phrase, nearest first.

        A person qualifies when the article (or the corpus's people table) gives them that role
        and no other country than the phrase's; failing that, a verbless sentence right after the
        phrase's sentence that opens with a person's name ("… a spokesman said. John Roe at his
        daily briefing.") names the speaker.
        """
        aff = self.phrase_affiliation(f, at, end if end is not None else at, surface)
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
        return best[1] if best else self._named_after(f, at)

    def _named_after(self, f: Field, at: int) -> str | None:
        """Return the person a verbless sentence right after the sentence at ``at`` opens with."""
        i = f.at(at)
        if i is None:
            return None
        j = i
        while j < len(f.word) and f.sent[j] == f.sent[i]:
            j += 1
        if j >= len(f.word) or para_id(f, j) != para_id(f, i):
            return None
        k = j
        while k < len(f.word) and f.sent[k] == f.sent[j]:
            if f.pos[k] in ("VERB", "AUX"):
                return None
            k += 1
        first = next((m for m in f.mentions if m.start >= f.start[j]), None)
        if first is None or first.start != f.start[j] or first.kind != "person":
            return None
        return self._canonical(first.canonical)

    def by_institution(self, f: Field, at: int, head: str) -> Mention | None:
        """Return the organisation mention nearest ``at`` whose text contains ``head``."""
        cands = [m for m in f.mentions if m.kind != "person" and head in m.text.lower()]
        if not cands:
            return None
        return min(cands, key=lambda m: abs(m.start - at))
