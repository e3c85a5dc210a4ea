"""Resolve third-person pronouns and definite role phrases to the people an article names.

Rules in the spirit of coreferee (no trained model): a pronoun (*he, she, him, her*) or a
definite description ("the senator", "the 34-year-old") refers to a person named earlier in the
same field who agrees in gender, preferring the nearest, subjects and speakers, and people the
article names often. Gender comes from the article first (honorifics, gendered role nouns next to
the name, the article's own he/she after a sentence naming only that person), then from the first
name when the first-name table is sure. A role phrase goes to a person the article described with
that noun (a title before the name, an apposition, "X is a …").

Everything is computed once per field by walking its tokens in order, so the cost is linear in
the text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from analysis.framing.quotes.fields import Field, para_id, quote_spans
from analysis.framing.quotes.lexicon import ROLE_NOUNS
from analysis.measures.entities.names import first_name_gender

#: Pronouns resolved here, with the gender they need.
PRONOUN_GENDER = {
    "he": "male", "him": "male", "his": "male", "himself": "male",
    "she": "female", "her": "female", "hers": "female", "herself": "female",
}  # fmt: skip
#: Honorifics before a name.
HONORIFIC_GENDER = {"mr": "male", "mrs": "female", "ms": "female", "miss": "female", "sir": "male"}
#: Person nouns that carry a gender ("spokeswoman", "the actress").
GENDERED_NOUNS = {
    **dict.fromkeys(
        """spokeswoman chairwoman congresswoman businesswoman actress wife mother daughter sister
        grandmother widow woman girl queen princess lady aunt niece councilwoman stateswoman
        sportswoman waitress heiress""".split(),
        "female",
    ),
    **dict.fromkeys(
        """spokesman chairman congressman businessman actor husband father son brother grandfather
        widower man boy king prince uncle nephew councilman statesman sportsman""".split(),
        "male",
    ),
}
#: Nouns that name a person by what they are; a definite phrase headed by one may refer back.
PERSON_NOUNS = frozenset(
    """president minister leader chancellor secretary official ambassador envoy aide adviser advisor
    premier chief diplomat commander general governor mayor negotiator representative prosecutor king
    queen prince pope senator lawmaker congressman congresswoman deputy director chairman chairwoman
    chair spokesman spokeswoman spokesperson candidate nominee frontrunner front-runner contender rival
    challenger incumbent billionaire businessman businesswoman mogul executive ceo founder owner
    developer investor economist analyst professor scholar expert researcher scientist strategist
    pollster consultant lawyer attorney judge justice sheriff officer detective chief commissioner
    manager coach player athlete actor actress singer artist author writer journalist reporter
    columnist host anchor editor activist organizer advocate veteran soldier doctor physician nurse
    teacher student resident voter supporter donor delegate superdelegate speaker whip mother father
    wife husband daughter son widow man woman official republican democrat conservative liberal
    libertarian socialist independent populist immigrant worker retiree pastor priest rabbi bishop
    cardinal imam""".split()
)
_AGE = re.compile(r"^(\d{1,3})-year-old$")
_AGE_IN = re.compile(r"\b(\d{1,3})-year-old\b")
#: Abbreviated titles before names, as the role noun they stand for.
_TITLE_WORDS = {
    "sen": "senator", "rep": "representative", "gov": "governor", "gen": "general", "pres": "president",
    "lt": "lieutenant", "col": "colonel", "capt": "captain", "sgt": "sergeant", "atty": "attorney",
    "supt": "superintendent", "dr": "doctor", "prof": "professor", "amb": "ambassador",
}  # fmt: skip
#: US state abbreviations (AP style, postal) as the state name: "(R-Fla.)" describes "the Florida senator".
_STATES = {
    "ala": "alabama", "al": "alabama", "ariz": "arizona", "az": "arizona", "ark": "arkansas",
    "calif": "california", "ca": "california", "colo": "colorado", "co": "colorado", "conn": "connecticut",
    "ct": "connecticut", "del": "delaware", "fla": "florida", "fl": "florida", "ga": "georgia",
    "ill": "illinois", "il": "illinois", "ind": "indiana", "kan": "kansas", "ks": "kansas",
    "ky": "kentucky", "la": "louisiana", "md": "maryland", "mass": "massachusetts", "ma": "massachusetts",
    "mich": "michigan", "mi": "michigan", "minn": "minnesota", "mn": "minnesota",
    "mo": "missouri", "mont": "montana", "neb": "nebraska", "nev": "nevada", "nv": "nevada",
    "n.h": "new hampshire", "nh": "new hampshire", "n.j": "new jersey", "nj": "new jersey",
    "n.m": "new mexico", "nm": "new mexico", "n.y": "new york", "ny": "new york", "n.c": "north carolina",
    "nc": "north carolina", "n.d": "north dakota", "okla": "oklahoma", "ok": "oklahoma", "ore": "oregon",
    "pa": "pennsylvania", "r.i": "rhode island", "s.c": "south carolina", "sc": "south carolina",
    "s.d": "south dakota", "tenn": "tennessee", "tn": "tennessee", "tex": "texas", "tx": "texas",
    "vt": "vermont", "va": "virginia", "wash": "washington", "wa": "washington", "w.va": "west virginia",
    "wis": "wisconsin", "wi": "wisconsin", "wyo": "wyoming", "wy": "wyoming",
}  # fmt: skip
#: Party words and the letters of "(R-Fla.)" as one party name.
_PARTIES = {
    "r": "republican", "gop": "republican", "republican": "republican", "republicans": "republican",
    "d": "democrat", "democrat": "democrat", "democratic": "democrat", "democrats": "democrat",
    "i": "independent", "independent": "independent",
}  # fmt: skip
#: Words of a title that make it another office ("vice president" is not "the president").
_LESSER = frozenset({"vice", "deputy", "assistant", "lieutenant", "associate", "under"})
#: Person nouns beyond the role lexicons that a description may use ("the retired neurosurgeon").
MORE_PERSON_NOUNS = frozenset(
    """surgeon neurosurgeon tycoon magnate star comedian entrepreneur heir heiress moderator operative
    businessperson personality celebrity novelist poet musician rapper filmmaker director producer
    model dancer chef designer architect engineer banker trader financier philanthropist
    lawmaker legislator congressman front-runner frontrunner hopeful""".split()
)
#: Head nouns that another description of the same person may use instead.
_HEAD_ALIASES = {
    "neurosurgeon": "doctor", "surgeon": "doctor", "physician": "doctor", "frontrunner": "front-runner",
    "businesswoman": "businessman", "legislator": "lawmaker", "congresswoman": "representative",
    "congressman": "representative",
}  # fmt: skip
#: Modifiers that need not have been said of the person ("the longtime senator"); they count when they were.
_SOFT_MODS = frozenset({"former", "top", "senior", "new", "longtime", "retired", "veteran", "presumptive"})
#: Offices whose lesser forms are other offices (vice president, deputy director, assistant secretary).
_OFFICES = frozenset({"president", "director", "secretary", "governor", "chairman", "chair", "minister"})
_PARTY_NAMES = frozenset({"republican", "democrat", "independent"})
#: Words of US state names (the states AP style never abbreviates too: "the Ohio senator").
_STATE_NAMES = frozenset(w for name in _STATES.values() for w in name.split()) | frozenset(
    "alaska hawaii idaho iowa maine ohio utah".split()
)
_SUBJ = ("nsubj", "nsubjpass")
_TITLE_POS = ("NOUN", "PROPN", "ADJ", "PUNCT")


def _ends(longer: tuple[str, ...], short: tuple[str, ...]) -> bool:
    """Tell whether the word tuple ``short`` ends the longer ``longer``."""
    return len(short) < len(longer) and longer[-len(short) :] == short


def _quoted(f: Field) -> list[tuple[int, int]]:
    """Return the quoted stretches of a field (as quote detection found them, else from its marks)."""
    if f.quoted is not None:
        return f.quoted
    if "_coref_quoted" not in f.__dict__:
        f.__dict__["_coref_quoted"] = [(s.outer_start, s.outer_end) for s in quote_spans(f.text)]
    return f.__dict__["_coref_quoted"]


def distinct_people(names) -> list[str]:
    """Return ``names`` without those that end with another of them ("CLEVELAND - Jane Roe", "Jane Roe")."""
    keys = {n: tuple(w.lower() for w in n.split()) for n in names}
    out = []
    for n, k in keys.items():
        if not any(o != n and len(ko) < len(k) and k[-len(ko) :] == ko for o, ko in keys.items()):
            out.append(n)
    return sorted(out)


def _norm(f: Field, i: int) -> str:
    """Return a descriptor word: lower-case lemma, abbreviated titles expanded, ages as their number."""
    w = f.low[i].rstrip(".")
    if w in _TITLE_WORDS:
        return _TITLE_WORDS[w]
    if f.pos[i] != "PRON":
        if w in _PARTIES and (len(w) > 1 or f.word[i].isupper()):
            return _PARTIES[w]
        if w in _STATES and f.word[i][:1].isupper() and (f.word[i].endswith(".") or f.word[i].isupper()):
            return _STATES[w].split()[-1]  # "N.Y." -> "york", as a word of "the New York senator"
    age = _AGE.match(w)
    if age:
        return age.group(1)
    return w if f.pos[i] in ("PROPN", "NUM") else f.lem[i]


@dataclass
class _Ref:
    """One reference to a person in a field: a name, a role phrase or a resolved pronoun."""

    pos: int
    sent: int
    para: int
    person: str
    weight: float


@dataclass
class _FieldState:
    refs: list[_Ref] = field(default_factory=list)
    pronouns: dict[int, str | None] = field(default_factory=dict)  # token -> person


class Coref:
    """Pronoun and role-phrase resolution for the fields of one article.

    Parameters
    ----------
    fields : list of Field
        The article's fields, with their person mentions.
    canonical : callable
        Maps a mention's canonical name to the person's full name (surname -> full name).
    is_person : callable
        Tells whether a mention stands for one person.
    reporting : collection of str
        Reporting-verb lemmas: the subject of one counts as a speaker (more salient).
    """

    BASE = 100.0  # salience of any reference
    SUBJECT = 80.0  # added for a subject
    MAIN = 30.0  # added for the subject of a main clause
    SPEAKER = 60.0  # added for the subject of a reporting verb ("X said", "X, who said", "said by X")
    OBLIQUE = -50.0  # added for a possessive, a name used as a modifier, an object of a preposition
    DECAY = 0.35  # per sentence between reference and pronoun
    PARA_DECAY = 0.7  # per paragraph boundary between them
    UNKNOWN = 0.6  # factor for a person whose gender the article does not give
    MAX_SENTS = 12  # references further back are not counted
    W_SENT = 1.0  # role phrases: cost per sentence back
    W_COUNT = 0.6  # role phrases: bonus per log-count of references
    WINDOW = 2  # role phrases used for nobody: sentences back where their referent may be

    def __init__(self, fields: list[Field], canonical, is_person, reporting=()) -> None:
        self.fields = fields
        self.canonical = canonical
        self.is_person = is_person
        self.reporting = frozenset(reporting)
        self._states: dict[str, _FieldState] = {}
        self._gender: dict[str, str] | None = None
        self._namesakes: dict[str, list[str]] | None = None
        self._longer: dict[str, str] = {}
        self._busy = False
        self._full_counts: Counter[str] = Counter()
        self._described: dict[str, set[str]] | None = None
        self._ages: dict[str, set[str]] = {}

    # ---------------------------------------------------------------- people of the article
    def _people(self, f: Field):
        """Yield (start, end, full name) of the person mentions of ``f`` in text order."""
        for m in f.mentions:
            if self.is_person(m) or self._apposed_person(f, m):
                yield m.start, m.end, self.name_at(f, m.start, m.canonical)

    def _apposed_person(self, f: Field, m) -> bool:
        """Tell whether a name tagged as an organisation is a person by its apposition.

        "Jane Roe, a local journalist, said": an appositive headed by a person noun makes the name a
        person whatever the entity tagger said.
        """
        if m.kind != "organisation" or len(m.canonical.split()) < 2:
            return False
        last = f.at(max(m.start, m.end - 1))
        if last is None:
            return False
        kids = f.kids(last)
        return any(f.dep[c] == "appos" and f.pos[c] == "NOUN" and self.person_noun(f, c) for c in kids)

    def namesakes(self) -> dict[str, list[str]]:
        """Return lower-case surname -> the article's full names ending with it, where there are several."""
        if self._namesakes is None:
            by_last: dict[str, set[str]] = {}
            for f in self.fields:
                for m in f.mentions:
                    words = m.canonical.split()
                    if self.is_person(m) and len(words) >= 2:
                        by_last.setdefault(words[-1].lower(), set()).add(m.canonical)
                        self._full_counts[m.canonical] += 1
            groups = {w: distinct_people(names) for w, names in by_last.items()}
            self._namesakes = {w: names for w, names in groups.items() if len(names) > 1}
            # a name that ends one longer name of the article but for the case of a particle
            # ("De Blasio" at a sentence start for "Bill de Blasio") is that person
            self._longer = {}
            for names in by_last.values():
                keys = {n: tuple(n.lower().split()) for n in names}
                widest = [n for n in names if not any(_ends(keys[o], keys[n]) for o in names)]
                for n in names:
                    hits = [
                        o
                        for o in widest
                        if _ends(keys[o], keys[n]) and not o.endswith(" " + n)  # a particle's case differs
                    ]
                    if len(hits) == 1:
                        self._longer[n] = hits[0]
            for w, names in self._namesakes.items():  # "CLEVELAND - Jane Roe" counts for "Jane Roe"
                for variant in by_last[w] - set(names):
                    for n in names:
                        if variant.lower().endswith(" " + n.lower()):
                            self._full_counts[n] += self._full_counts.pop(variant, 0)
        return self._namesakes

    def name_at(self, f: Field, pos: int, name: str) -> str:
        """Return the person a name at ``pos`` of ``f`` stands for.

        A surname shared by namesakes of the article ("Bill Clinton", "Hillary Clinton") goes to the
        one named in full most recently in the last three sentences, else to one named in full at
        least three times as often as the others, else to the one of the gender the article's own
        pronouns give the bare surname, else stays as written.
        """
        name = self.canonical(name)
        words = name.split()
        if len(words) != 1:
            self.namesakes()
            return self._longer.get(name, name)
        cands = self.namesakes().get(words[0].lower())
        if not cands:
            return name
        k = f.at(pos)
        recent = None
        for m in f.mentions:
            if m.start >= pos:
                break
            if m.canonical in cands and k is not None and f.sent[k] - f.sent[f.at(m.start) or 0] <= 3:
                recent = m.canonical
        if recent is not None:
            return recent
        ranked = sorted(cands, key=lambda c: -self._full_counts[c])
        if self._full_counts[ranked[0]] >= 3 * sum(self._full_counts[c] for c in ranked[1:]):
            return ranked[0]
        genders = self._gender if self._busy else self.genders()
        if genders is not None and genders.get(name):  # "Clinton … she": her pronouns tell
            same = [c for c in cands if genders.get(c) == genders[name]]
            if len(same) == 1:
                return same[0]
        return name

    def genders(self) -> dict[str, str]:
        """Return the gender the article gives each person it names (``male``/``female``; absent: unknown)."""
        if self._gender is None:
            self._busy = True  # while counting, names resolve without the genders being counted
            try:
                self._gender = self._genders()
            finally:
                self._busy = False
        return self._gender

    def _genders(self) -> dict[str, str]:
        """Weigh the article's evidence of each person's gender.

        Honorifics and gendered nouns next to the name count 4 each, a confident first name 2, and the
        article's own pronouns 1 each (a he/she/his/her outside quotations in a sentence that names
        only that person before it, or opening the sentence after one that names only that person).
        A gender needs a weight of 2 and twice the other's.
        """
        votes: dict[str, Counter[str]] = {}
        for f in self.fields:
            sent_people: dict[int, list[tuple[int, str]]] = {}
            for s, e, person in self._people(f):
                k = f.at(s)
                if k is None:
                    continue
                sent_people.setdefault(f.sent[k], []).append((s, person))
                for g in self._name_cues(f, s, e):
                    votes.setdefault(person, Counter())[g] += 4
            quoted = _quoted(f)
            for i, low in enumerate(f.low):
                g = PRONOUN_GENDER.get(low)
                if g is None or f.pos[i] != "PRON" or any(a <= f.start[i] < b for a, b in quoted):
                    continue
                s = f.sent[i]
                near = {p for pos, p in sent_people.get(s, []) if pos < f.start[i]}
                if not near and (i == 0 or f.sent[i - 1] != s or f.dep[i] in _SUBJ):
                    near = {p for _, p in sent_people.get(s - 1, [])}
                if len(near) == 1:
                    (who,) = near
                    votes.setdefault(who, Counter())[g] += 1
        names = {p for f in self.fields for _, _, p in self._people(f)}
        out = {}
        for person in names:
            c = votes.get(person, Counter())
            if len(person.split()) >= 2:
                g = first_name_gender(person)
                if g:
                    c[g] += 2
            male, female = c["male"], c["female"]
            if male >= 2 and male >= 2 * female:
                out[person] = "male"
            elif female >= 2 and female >= 2 * male:
                out[person] = "female"
        return out

    def _name_cues(self, f: Field, s: int, e: int) -> list[str]:
        """Genders an honorific or a gendered noun right before or after a name gives."""
        out = []
        k = f.at(s)
        if k is None:
            return out
        j = k - 1
        if j >= 0 and f.word[j] == ".":
            j -= 1
        if j >= 0 and f.low[j].rstrip(".") in HONORIFIC_GENDER:
            out.append(HONORIFIC_GENDER[f.low[j].rstrip(".")])
        for j in range(max(0, k - 3), k):
            g = GENDERED_NOUNS.get(f.lem[j])
            if g and f.pos[j] == "NOUN":
                out.append(g)
        last = f.at(max(s, e - 1))
        if last is not None:
            for c in f.kids(last):
                if f.dep[c] == "appos":
                    g = GENDERED_NOUNS.get(f.lem[c])
                    if g:
                        out.append(g)
        return out

    def descriptors(self) -> dict[str, set[str]]:
        """Return the words the article describes each person with (titles, appositions, "X is a …", age)."""
        if self._described is None:
            self._described = self._descriptors()
        return self._described

    def _descriptors(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for f in self.fields:
            for s, e, person in self._people(f):
                k, last = f.at(s), f.at(max(s, e - 1))
                if k is None or last is None:
                    continue
                words = out.setdefault(person, set())
                if k >= 2 and f.word[k - 1] == "." and f.sent[k - 1] != f.sent[k]:
                    title = f.low[k - 2]  # "Pres. Obama" parsed as two sentences
                    if title in _TITLE_WORDS:
                        words.add(_TITLE_WORDS[title])
                j = k - 1  # a title run before the name: "Vermont Sen.", "Labor Secretary"
                while j >= 0 and k - j <= 5 and f.sent[j] == f.sent[k] and f.pos[j] in _TITLE_POS:
                    if f.pos[j] == "PUNCT" and f.word[j] not in (".", "-"):
                        break
                    words.add(_norm(f, j))
                    j -= 1
                for c in f.kids(last):
                    if f.dep[c] == "appos":  # "Jane Roe, the city's mayor" / "Roe, 34,"
                        for x in f.subtree(c):
                            if f.pos[x] in ("NOUN", "PROPN", "ADJ", "NUM"):
                                words.add(_norm(f, x))
                head = self._clause_head(f, last)
                p = f.parent(head)
                if p is not None and f.dep[head] in _SUBJ and f.lem[p] == "be":
                    for c in f.kids(p):  # "Roe is the mayor"
                        if f.dep[c] == "attr":
                            words |= {_norm(f, x) for x in f.subtree(c) if f.pos[x] in _TITLE_POS}
        return out

    def person_noun(self, f: Field, head: int) -> bool:
        """Tell whether the token at ``head`` names a person by what they are ("senator", "34-year-old")."""
        low = f.lem[head]
        return (
            low in PERSON_NOUNS
            or low in MORE_PERSON_NOUNS
            or low in GENDERED_NOUNS
            or low in ROLE_NOUNS
            or bool(_AGE.match(f.low[head]))
        )

    def described_as(self, word: str) -> bool:
        """Tell whether the article describes anyone with ``word`` (a normalised head noun)."""
        return any(word in have or _HEAD_ALIASES.get(word) in have for have in self.descriptors().values())

    def nominal(self, f: Field, head: int, words: list[int]) -> str | None:
        """Return the person a definite role phrase ("the senator", "the 34-year-old") refers to, or None.

        Only people the article described with the phrase's head noun (or age) are candidates, and only
        when the head names a person (not "the campaign", "the ad"). A candidate must agree with a
        gendered noun, with a state or party the phrase names ("the Florida senator": "Sen. Jane Roe
        (R-Fla.)"), and hold the same office ("the president" is not a "vice president"); among those
        the nearest, most often named person before the phrase wins, and a modifier the article also
        gave the person ("the former governor") counts for them.
        """
        phrase = f.text[f.start[min(words)] : f.end[max(words)]].lower()
        age = _AGE_IN.search(phrase)
        if not age and not self.person_noun(f, head):
            return None
        described = self.descriptors()
        head_word = _norm(f, head)
        alias = _HEAD_ALIASES.get(head_word)
        if age:
            mods: set[str] = set()
        else:
            mods = {_norm(f, x) for x in words if x != head and f.pos[x] in ("NOUN", "PROPN", "ADJ")}
            mods -= {"the", "current", "then"}
        hard = mods - _SOFT_MODS
        gender = GENDERED_NOUNS.get(f.lem[head], "")
        genders = self.genders()
        st = self._state(f)
        refs = [r for r in st.refs if r.pos < f.start[head]]
        last: dict[str, _Ref] = {}
        count: Counter[str] = Counter()
        for r in refs:
            last[r.person] = r
            count[r.person] += 1
        best: tuple[float, str] | None = None
        for person, r in last.items():
            have = described.get(person, set())
            if age:
                if age.group(1) not in have:
                    continue
            elif head_word not in have and (alias is None or alias not in have):
                continue
            if gender and genders.get(person, gender) != gender:
                continue
            if hard and not (hard & have):
                continue  # "the Vermont senator" is not the Texas senator
            if (have & _LESSER) and not (mods & _LESSER) and head_word in _OFFICES:
                continue  # "the president" is not the vice president
            parties = {w for w in have if w in _PARTY_NAMES}
            wanted = {w for w in mods if w in _PARTY_NAMES}
            if wanted and parties and not (wanted & parties):
                continue  # "the Republican nominee" is not the Democratic one
            score = -self.W_SENT * (f.sent[head] - r.sent) + self.W_COUNT * math.log(count[person])
            score += 2.0 * len(mods & have)
            if best is None or score > best[0]:
                best = (score, person)
        plural = f.tag[head] in ("NNS", "NNPS")
        if best is None and not age and not plural and not self.described_as(head_word):
            return self._salient(f, head, refs, mods, gender) or self._protagonist(mods, gender, count)
        return best[1] if best else None

    def _salient(self, f: Field, head: int, refs: list[_Ref], mods: set[str], gender: str) -> str | None:
        """Return the person a role phrase the article used for nobody refers to, as a pronoun would.

        "Jane Roe said on Monday … The retired teacher added": the most salient person of the phrase's
        sentence and the :attr:`WINDOW` sentences before it (subjects and speakers weigh most, nearer
        references more), who agrees with a gendered noun and has every state and party the phrase
        names among the words the article described them with.
        """
        wanted = {w for w in mods if w in _PARTY_NAMES or w in _STATE_NAMES}
        described = self.descriptors()
        genders = self.genders()
        score, _ = self._salience(refs, f, head, self.WINDOW)
        best: tuple[float, str] | None = None
        for person, value in score.items():
            if gender and genders.get(person, gender) != gender:
                continue
            if wanted and not wanted <= described.get(person, set()):
                continue
            if best is None or value > best[0]:
                best = (value, person)
        return best[1] if best else None

    def _protagonist(self, mods: set[str], gender: str, count: Counter[str]) -> str | None:
        """Return the article's main person for a role phrase the article used for nobody, when they fit.

        "the billionaire businessman", "the retired neurosurgeon": a definite description that no
        name of the article was given refers to the person the text is about: the one named most often
        before the phrase (and at least twice), when no one else is named as often, when their gender
        agrees with a gendered noun, and when the phrase names no state and no other party than theirs.
        """
        if not count or mods & _STATE_NAMES:
            return None
        ranked = count.most_common(2)
        person, n = ranked[0]
        if n < 2 or (len(ranked) > 1 and ranked[1][1] == n):
            return None
        genders = self.genders()
        if gender and genders.get(person, gender) != gender:
            return None
        have = self.descriptors().get(person, set())
        parties = {w for w in have if w in _PARTY_NAMES}
        wanted = {w for w in mods if w in _PARTY_NAMES}
        if wanted and parties and not (wanted & parties):
            return None
        return person

    # ---------------------------------------------------------------- the walk
    def _state(self, f: Field) -> _FieldState:
        st = self._states.get(f.name)
        if st is None:
            st = self._walk(f)
            self._states[f.name] = st
        return st

    def _walk(self, f: Field) -> _FieldState:
        """Visit the field's person mentions and pronouns in order, resolving each pronoun as it comes."""
        st = _FieldState()
        quoted = _quoted(f)
        genders = self.genders()

        def in_quote(pos: int) -> bool:
            return any(a <= pos < b for a, b in quoted)

        events: list[tuple[int, int, str | None]] = []  # (char, token, person or None for a pronoun)
        for s, e, person in self._people(f):
            k = f.at(max(s, e - 1))
            if k is not None and not in_quote(s):
                events.append((s, k, person))
        for i, low in enumerate(f.low):
            if low in PRONOUN_GENDER and f.pos[i] == "PRON" and not in_quote(f.start[i]):
                events.append((f.start[i], i, None))
        events.sort(key=lambda x: (x[0], x[2] is None))
        at_token: dict[int, str] = {}  # head token of a person mention or resolved pronoun -> person
        for pos, k, person in events:
            if person is None:
                gender = PRONOUN_GENDER[f.low[k]]
                person = self._reporter(f, k, gender, genders, at_token) or self._best(
                    st.refs, f, k, gender, genders
                )
                st.pronouns[k] = person
                if person is None:
                    continue
            st.refs.append(_Ref(pos, f.sent[k], para_id(f, k), person, self._weight(f, k)))
            at_token[self._clause_head(f, k)] = person
        return st

    def _reporter(
        self, f: Field, k: int, gender: str, genders: dict[str, str], at_token: dict[int, str]
    ) -> str | None:
        """Return X for the subject pronoun of a clause X reports ("Levin said he has spoken …").

        The pronoun is the subject of the complement clause of a reporting verb whose subject is a
        person of the article who may have the pronoun's gender.
        """
        v = f.parent(k)
        if f.dep[k] not in _SUBJ or v is None or f.dep[v] != "ccomp":
            return None
        u = f.parent(v)
        if u is None or f.lem[u] not in self.reporting:
            return None
        subj = next((c for c in f.kids(u) if f.dep[c] in _SUBJ), None)
        person = at_token.get(subj) if subj is not None else None
        if person is None or genders.get(person, gender) != gender:
            return None
        return person

    def _clause_head(self, f: Field, k: int) -> int:
        """Return the top token of the name a mention token belongs to (compound/flat chain climbed)."""
        seen = 0
        while seen < 6:
            p = f.parent(k)
            if p is None or f.dep[k] not in ("compound", "flat", "amod") or f.pos[p] != "PROPN":
                return k
            k = p
            seen += 1
        return k

    def _weight(self, f: Field, k: int) -> float:
        """Salience of one reference by its role in the clause (subjects and speakers weigh most)."""
        head = self._clause_head(f, k)
        p = f.parent(head)
        if f.dep[head] == "appos" and p is not None:  # "party chairwoman Jane Roe, …": the phrase's role
            head, p = p, f.parent(p)
        dep = f.dep[head]
        w = self.BASE
        if dep in _SUBJ and p is not None and f.dep[p] in ("ROOT", "conj"):
            w += self.MAIN
        if dep in _SUBJ:
            w += self.SUBJECT
            if p is not None and f.lem[p] in self.reporting:
                w += self.SPEAKER
        elif dep == "pobj" and p is not None and f.dep[p] == "agent":
            w += self.SPEAKER if self._reports(f, f.parent(p)) else 0.0
        elif dep in ("poss", "compound") or dep == "pobj":
            w += self.OBLIQUE
        for c in f.kids(head):  # "X, who said …"
            if f.dep[c] == "relcl" and f.lem[c] in self.reporting:
                w += self.SPEAKER
        return w

    def _reports(self, f: Field, v: int | None) -> bool:
        return v is not None and f.lem[v] in self.reporting

    def _salience(
        self, refs: list[_Ref], f: Field, k: int, window: int
    ) -> tuple[dict[str, float], dict[str, int]]:
        """Return each person's salience at token ``k`` and the position of their last reference.

        A reference up to ``window`` sentences back counts its weight, halved with each sentence
        and again with each paragraph between it and ``k``; a person's salience is the sum.
        """
        sent, para = f.sent[k], para_id(f, k)
        score: dict[str, float] = {}
        last: dict[str, int] = {}
        for r in refs:
            d = sent - r.sent
            if d > window:
                continue
            score[r.person] = score.get(r.person, 0.0) + r.weight * self.DECAY**d * self.PARA_DECAY ** (
                para - r.para
            )
            last[r.person] = r.pos
        return score, last

    def _best(self, refs: list[_Ref], f: Field, k: int, gender: str, genders: dict[str, str]) -> str | None:
        """Return the most salient person among ``refs`` who agrees with a pronoun of ``gender`` at ``k``.

        A reference's salience halves with each sentence and again with each paragraph between it and
        the pronoun; a person's salience is the sum over their references.
        """
        score, last = self._salience(refs, f, k, self.MAX_SENTS)
        namesakes = self.namesakes()
        for person in list(score):
            shared = namesakes.get(person.lower()) if " " not in person else None
            if shared:  # a bare surname of namesakes: the pronoun's gender picks one ("Clinton … she")
                value = score.pop(person)
                same = [c for c in shared if genders.get(c) == gender]
                if len(same) == 1:
                    score[same[0]] = score.get(same[0], 0.0) + value
                    last[same[0]] = max(last.get(same[0], -1), last[person])
        best: tuple[float, int, str] | None = None
        for person, value in score.items():
            g = genders.get(person, "")
            if g and g != gender:
                continue
            if not g:
                value *= self.UNKNOWN
            cand = (value, last[person], person)
            if best is None or cand > best:
                best = cand
        return best[2] if best else None

    # ---------------------------------------------------------------- public
    def pronoun(self, f: Field, k: int) -> str | None:
        """Return the person the pronoun at token ``k`` of ``f`` refers to, or None."""
        st = self._state(f)
        if k in st.pronouns:
            return st.pronouns[k]
        gender = PRONOUN_GENDER.get(f.low[k])
        if gender is None:
            return None
        refs = [r for r in st.refs if r.pos < f.start[k]]
        return self._best(refs, f, k, gender, self.genders())
