"""Evidence from the article itself for entity spans and labels: layout, definitions, heads, majority.

spaCy's small model reads each sentence on its own. These rules read the
article as a whole, after the spans are split and before names are
canonicalised (:func:`analysis.measures.entities.linking.mentions_from_tables`):

- :func:`split_spans`: a span is cut at numbers, brackets, spaced dashes,
  commas, line breaks and a lone "v" ("Stoke 2 Tranmere 1" is two names, not
  one), a leading "the" is left out of the name ("the Bank of Canada" ->
  "Bank of Canada") and trailing lower-case words are cut ("Interfax news
  agency" -> "Interfax").
- :func:`context_rules`: results lines (score lines "Stoke 2 Tranmere 1",
  fixtures "Birmingham v Barnsley", table rows "Burnley 4 2 0 2 6 7 6") name
  teams: organisations, except a country, which stays a place; a dateline's
  upper-case place ("LONDON 1996-08-30", "KYIV, Ukraine") is a place;
  acronyms the article defines ("Organisation of Islamic Conference (OIC)")
  take the label of the name they stand for, everywhere in the article; a name
  ending in an organisation head ("Pirelli SpA", "Sheffield United", "Central
  Narcotics Bureau") is an organisation; finally every name takes the
  majority label of its other mentions in the article.

Spans labelled by one of these rules carry ``evidence`` (and keep their label
through canonicalisation); spans they add have ``via='context'``.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterator

from analysis.measures.entities.lexicon import ORG_DESIGNATORS, ORG_HEADS, SURNAME_PARTICLES
from analysis.measures.entities.names import AliasTable, first_name_gender, fold, is_common_word, name_key
from analysis.measures.entities.spans import ArticleSpans, Field, Span

#: A number token: scores, table figures, dates ("2", "1996-08-30", ".542", "4-17", "+353").
_NUMBER = re.compile(r"^[+-]?[\d.][\d.,:/+-]*$")
#: A date written as numbers or with a month name.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}/\d{1,2}(/\d{2,4})?$")
_MONTHS = frozenset(
    "jan january feb february mar march apr april may jun june jul july aug august sep sept september "
    "oct october nov november dec december".split()
)
#: Tokens that separate two names inside one spaCy span.
_SEPARATORS = frozenset({"(", ")", "[", "]", ",", ";", ":", "v", "vs", "vs.", "|", "/", "=", "+"})
#: Words that may join the capitalised words of one name ("Queen of South", "Bodman & Dahling").
_JOINERS = frozenset({"of", "and", "&", "'s"})
_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,6}$|^[A-Z][A-Za-z]?[A-Z]{1,4}$")


def is_number(word: str) -> bool:
    """Tell whether a token is a number, a score or a figure in a table.

    Examples
    --------
    >>> [is_number(w) for w in ("2", "1996-08-30", ".542", "4-17", "Stoke", "-")]
    [True, True, True, True, False, False]
    """
    return bool(_NUMBER.match(word)) and any(ch.isdigit() for ch in word)


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and any(ch.isalpha() for ch in word)


def _spaced(fld: Field, k: int) -> bool:
    """Tell whether token ``k`` has space on both sides (a spaced dash, not a hyphen in a name)."""
    before = k == 0 or fld.ends[k - 1] < fld.starts[k]
    after = k == len(fld.texts) - 1 or fld.ends[k] < fld.starts[k + 1]
    return before and after


def _is_separator(fld: Field, k: int) -> bool:
    word = fld.texts[k]
    if "\n" in word or is_number(word) or word in _SEPARATORS:
        return True
    return word in {"-", "--", "–", "—"} and _spaced(fld, k)


def split_spans(art: ArticleSpans) -> None:
    """Cut each span of ``art`` into its names (in place); see the module docstring.

    Examples
    --------
    >>> from analysis.measures.entities.spans import Field
    >>> words = ["the", "Bank", "of", "Canada", "news", "agency", "said"]
    >>> starts = list(range(0, 70, 10))
    >>> fld = Field(words, starts, [s + 5 for s in starts], [0] * 7, [w.lower() for w in words])
    >>> art = ArticleSpans("a", [Span("a", "text", 0, 0, 6, "ORG", "ORG")], {"text": fld})
    >>> split_spans(art)
    >>> [(s.start_tok, s.end_tok) for s in art.spans]
    [(1, 4)]
    """
    out: list[Span] = []
    for span in art.spans:
        fld = art.fields[span.field]
        part_start = span.start_tok
        for k in range(span.start_tok, span.end_tok + 1):
            if k < span.end_tok and not _is_separator(fld, k):
                continue
            part = _trim(fld, part_start, k, span.label)
            if part is not None:
                s, e = part
                piece = Span(span.article_id, span.field, fld.sents[s], s, e, span.label, span.ner_label)
                piece.via = span.via
                out.append(piece)
            part_start = k + 1
    art.spans = out


def _trim(fld: Field, s: int, e: int, label: str) -> tuple[int, int] | None:
    """Leave out a leading "the" and trailing lower-case words; None unless a capitalised word is left."""
    if label != "PERSON" and s < e - 1 and fld.folded[s] == "the":
        s += 1
    while e > s + 1 and fld.texts[e - 1][:1].islower() and fld.folded[e - 1] not in SURNAME_PARTICLES:
        e -= 1
    if e <= s or not any(_capitalised(fld.texts[k]) for k in range(s, e)):
        return None
    return s, e


# --------------------------------------------------------------------------- lines of a field


def _lines(fld: Field) -> list[list[int]]:
    """Return the token indices of each line of a field (line-break tokens left out; once per field)."""
    found = fld.memo.get("lines")
    if found is None:
        found = fld.memo["lines"] = _find_lines(fld)
    return found


def _find_lines(fld: Field) -> list[list[int]]:
    lines: list[list[int]] = [[]]
    for k, word in enumerate(fld.texts):
        if "\n" in word:
            lines.append([])
        elif not word.isspace():
            lines[-1].append(k)
    return [line for line in lines if line]


def _name_runs(fld: Field, line: list[int], limit: int | None = None) -> list[tuple[int, int]]:
    """Return the runs of capitalised tokens in a line (position in ``line``, end exclusive).

    A run may hold "of"/"and"/"&" between capitalised words ("Queen of South") and a
    hyphen inside a word ("Mercedes-Benz"). ``limit``: return only the first runs, this many.
    """
    runs = []
    i = 0
    while i < len(line) and (limit is None or len(runs) < limit):
        if not _capitalised(fld.texts[line[i]]):
            i += 1
            continue
        j = i + 1
        while j < len(line):
            word = fld.texts[line[j]]
            if _capitalised(word) and not is_number(word):
                j += 1
            elif (
                (fld.folded[line[j]] in _JOINERS or (word == "-" and not _spaced(fld, line[j])))
                and j + 1 < len(line)
                and _capitalised(fld.texts[line[j + 1]])
            ):
                j += 2
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def _team_name(fld: Field, s: int, e: int) -> bool:
    """Tell whether tokens ``[s, e)`` can name a team: no digits ("M1"), not a month ("July 96")."""
    words = fld.texts[s:e]
    return not any(ch.isdigit() for w in words for ch in w) and not (
        len(words) == 1 and words[0].lower().rstrip(".") in _MONTHS
    )


def results_names(fld: Field) -> list[tuple[int, int]]:
    r"""Return the team names of the field's results lines, as token ranges (end exclusive).

    A results line is a score line ("Stoke 2 Tranmere 1", "Los Angeles 7 PHILADELPHIA 6 ( in 12 )"),
    a fixture ("Birmingham v Barnsley") or a table row ("Burnley 4 2 0 2 6 7 6": a name then only
    numbers, at least three).

    Examples
    --------
    >>> words = ["Stoke", "2", "Port", "Vale", "1", "\n", "Hull", "4", "2", "1", "1", "\n", "He", "won"]
    >>> fld = Field(words, [i * 10 for i in range(14)], [i * 10 + 4 for i in range(14)], [0] * 14, words)
    >>> results_names(fld)
    [(0, 1), (2, 4), (6, 7)]
    """
    out = []
    for line in _lines(fld):
        if not _capitalised(fld.texts[line[0]]):  # no name opens the line
            continue
        runs = _name_runs(fld, line, limit=2)
        if not runs or runs[0][0] != 0:
            continue
        first_end = runs[0][1]
        # the rest of the line is read only until a word that is neither a number nor punctuation
        rest, numbers, only_numbers = 0, 0, True
        for w in _iter_chunks(fld, line[first_end:]):
            if not (is_number(w) or not any(c.isalnum() for c in w)):
                only_numbers = False
                break
            rest += 1
            numbers += is_number(w)
        if rest >= 3 and only_numbers:
            if numbers >= 3:
                out.append((line[0], line[first_end - 1] + 1))
            continue
        if len(runs) >= 2:
            second = runs[1]
            between = _chunks(fld, line[first_end : second[0]])
            after = _iter_chunks(fld, line[second[1] :])
            opening = next(after, None)
            score = len(between) == 1 and is_number(between[0]) and opening is not None and is_number(opening)
            fixture = between in (["v"], ["vs"], ["vs."], ["V"])
            fixture = fixture and all(
                not any(c.isalnum() for c in w) or is_number(w)
                for w in ([] if opening is None else itertools.chain([opening], after))
            )
            if score or fixture:
                out.append((line[0], line[first_end - 1] + 1))
                out.append((line[second[0]], line[second[1] - 1] + 1))
    return [(s, e) for s, e in out if _team_name(fld, s, e)]


def _chunks(fld: Field, tokens: list[int]) -> list[str]:
    """Join tokens written without a space between them ("1996", "-", "08" -> "1996-08")."""
    return list(_iter_chunks(fld, tokens))


def _iter_chunks(fld: Field, tokens: list[int]) -> Iterator[str]:
    """Yield :func:`_chunks` one at a time (a caller may stop early)."""
    current = None
    for i, k in enumerate(tokens):
        if i and fld.ends[tokens[i - 1]] == fld.starts[k]:
            current += fld.texts[k]
        else:
            if current is not None:
                yield current
            current = fld.texts[k]
    if current is not None:
        yield current


def dateline_places(fld: Field) -> list[tuple[int, int]]:
    """Return the upper-case place that opens a dateline ("LONDON 1996-08-30", "KYIV, Ukraine (AP) -").

    Only the first three lines of a field are read. The place is a run of upper-case words at the
    start of a line, followed by a date, or by a comma, bracket or dash, with a date on the line.
    """
    out = []
    for line in _lines(fld)[:3]:
        words = [fld.texts[k] for k in line]
        n = 0
        while n < len(words) and words[n].isupper() and any(c.isalpha() for c in words[n]):
            n += 1
        if n == 0 or n > 4 or n == len(words):
            continue
        chunks = _chunks(fld, line)
        has_date = any(_DATE.match(w) or w.lower().rstrip(".") in _MONTHS for w in chunks)
        if has_date and (is_number(words[n]) or words[n] in {",", "(", "-", "--", "—", "–"}):
            out.append((line[0], line[n - 1] + 1))
    return out


# --------------------------------------------------------------------------- acronyms


def acronym_of(name_words: list[str], acronym: str) -> bool:
    """Tell whether ``acronym`` abbreviates the words of a name (initials, in order, first one first).

    Examples
    --------
    >>> acronym_of(["World", "Health", "Organization"], "WHO")
    True
    >>> acronym_of(["State", "Law", "and", "Order", "Restoration", "Council"], "SLORC")
    True
    >>> acronym_of(["Party", "of", "God"], "PG")
    True
    >>> acronym_of(["Irish", "Republican", "Army"], "NATO")
    False
    """
    letters = [c for c in acronym.upper() if c.isalpha()]
    initials = [w[0].upper() for w in name_words if w[:1].isalpha() and (w[:1].isupper() or len(letters) > 3)]
    if len(letters) < 2 or not initials or letters[0] != initials[0]:
        return False
    i = 0
    for ch in letters:  # every letter is a later word's initial, in order
        while i < len(initials) and initials[i] != ch:
            i += 1
        if i == len(initials):
            return False
        i += 1
    return True


def is_acronym(word: str) -> bool:
    """Tell whether a token looks like an acronym ("WHO", "U.N.", "SLORC", "CNBC").

    Examples
    --------
    >>> [is_acronym(w) for w in ("WHO", "U.N.", "Who", "A", "ABCDEFGH")]
    [True, True, False, False, False]
    """
    return bool(_ACRONYM.match(word))


def _acronym_definitions(art: ArticleSpans) -> dict[str, str]:
    """Return ``{acronym: label}`` for "Name ( ACR )" and "ACR ( Name )" in the article."""
    out: dict[str, str] = {}
    for span in art.spans:
        fld = art.fields[span.field]
        name_words = fld.texts[span.start_tok : span.end_tok]
        k = span.end_tok
        if k + 2 < len(fld.texts) and fld.texts[k] == "(" and fld.texts[k + 2] == ")":
            acr = fld.texts[k + 1]
            if is_acronym(acr) and acronym_of(name_words, acr):
                out.setdefault(acr.replace(".", ""), span.label)
        k = span.start_tok
        if k >= 2 and fld.texts[k - 1] == "(" and is_acronym(fld.texts[k - 2]):
            end = span.end_tok
            if end < len(fld.texts) and fld.texts[end] == ")" and acronym_of(name_words, fld.texts[k - 2]):
                out.setdefault(fld.texts[k - 2].replace(".", ""), span.label)
    return out


# --------------------------------------------------------------------------- the rules


def _place_or_org(fld: Field, s: int, e: int, aliases: AliasTable) -> str:
    """Return a team's label: ``GPE`` for a country (national teams are places), else ``ORG``."""
    hit = aliases.lookup(" ".join(fld.texts[s:e]))
    return "GPE" if hit is not None and hit.category == "country" else "ORG"


def _set(art: ArticleSpans, fname: str, s: int, e: int, label: str, evidence: str) -> None:
    """Give the span ``[s, e)`` of ``fname`` ``label``: relabel the span there, or add one."""
    fld = art.fields[fname]
    inside = [sp for sp in art.spans if sp.field == fname and sp.start_tok < e and s < sp.end_tok]
    for sp in inside:
        if sp.evidence:
            return  # an earlier rule decided
    art.spans = [sp for sp in art.spans if sp not in inside]
    kept = next((sp for sp in inside if (sp.start_tok, sp.end_tok) == (s, e)), None)
    span = kept or Span(art.article_id, fname, fld.sents[s], s, e, label, "", via="context")
    if kept is None and inside:
        span.ner_label = inside[0].ner_label
    span.label, span.evidence = label, evidence
    art.spans.append(span)


def _looks_like_person(fld: Field, s: int, e: int, aliases: AliasTable) -> bool:
    """Tell whether ``[s, e)`` is 2-3 capitalised words opening with a given name ("Mihai Tararache").

    The first word must be a male or female given name in gender-guesser's lists; no word may be a
    known place or organisation or an organisation word ("Christian Democratic Union"), and the
    last may be neither an organisation head nor a common word ("Edison Research").
    """
    words = fld.texts[s:e]
    if not 2 <= len(words) <= 3 or not all(w[:1].isupper() and w.isalpha() for w in words[1:]):
        return False
    if not words[0].isalpha() or not words[0][:1].isupper() or fld.folded[e - 1] in ORG_HEADS:
        return False
    if any(aliases.lookup(w) is not None for w in words) or aliases.lookup(" ".join(words)) is not None:
        return False
    if is_common_word(words[-1]) or any(fold(w) in ORG_DESIGNATORS for w in words):
        return False  # "Edison Research", "Christian Democratic Union"
    return first_name_gender(words[0]) != ""


def _people_by_given_name(art: ArticleSpans, aliases: AliasTable) -> None:
    """Label as people the names that open with a given name.

    Spans spaCy gave another label, and uncovered names followed by a country in brackets
    ("Mark Philippoussis ( Australia ) beat ...").
    """
    for span in art.spans:  # not GPE: a city such as "Des Moines" opens with a given name too
        if not span.evidence and span.label not in ("PERSON", "GPE"):
            if _looks_like_person(art.fields[span.field], span.start_tok, span.end_tok, aliases):
                span.label, span.evidence = "PERSON", "given name"
    for fname, fld in art.fields.items():
        covered = {k for sp in art.spans if sp.field == fname for k in range(sp.start_tok, sp.end_tok)}
        for k in range(2, len(fld.texts) - 2):
            if fld.texts[k] != "(" or fld.texts[k + 2] != ")":
                continue
            country = aliases.lookup(fld.texts[k + 1])
            if country is None or country.category != "country":
                continue
            for s in (k - 3, k - 2):
                if s >= 0 and not covered & set(range(s, k)) and _looks_like_person(fld, s, k, aliases):
                    _set(art, fname, s, k, "PERSON", "given name")
                    break


def context_rules(art: ArticleSpans, aliases: AliasTable) -> None:
    """Apply results lines, datelines, acronym definitions, organisation heads and the majority label.

    Changes ``art.spans`` in place; see the module docstring.
    """
    for fname, fld in art.fields.items():
        if fname == "text":
            for s, e in dateline_places(fld):
                _set(art, fname, s, e, "GPE", "dateline")
        for s, e in results_names(fld):
            _set(art, fname, s, e, _place_or_org(fld, s, e, aliases), "results line")
    for span in art.spans:  # names with an organisation head ("Pirelli SpA", "Central Narcotics Bureau")
        fld = art.fields[span.field]
        if (
            not span.evidence
            and span.label != "ORG"
            and span.end_tok - span.start_tok >= 2
            and fld.folded[span.end_tok - 1] in ORG_HEADS
            and _capitalised(fld.texts[span.end_tok - 1])
        ):
            known = aliases.lookup(" ".join(fld.texts[span.start_tok : span.end_tok]))
            if known is None or known.kind == "organisation":  # "West Bank" is a place
                span.label, span.evidence = "ORG", "organisation head"
    _people_by_given_name(art, aliases)
    defined = _acronym_definitions(art)
    if defined:
        for fname, fld in art.fields.items():
            inside_longer = {  # "UN" in "UN Security Council" stays part of that name
                k for sp in art.spans if sp.field == fname and sp.end_tok - sp.start_tok > 1
                for k in range(sp.start_tok, sp.end_tok)
            }  # fmt: skip
            for k, word in enumerate(fld.texts):
                label = defined.get(word.replace(".", ""))
                if label is not None and k not in inside_longer and is_acronym(word):
                    _set(art, fname, k, k + 1, label, "acronym definition")
    _majority(art)
    art.spans.sort(key=lambda sp: (sp.field, sp.start_tok))


def _majority(art: ArticleSpans) -> None:
    """Give every span without evidence the majority label of its name in the article.

    A span labelled by a rule counts twice; without such a span among them, the majority must be
    two thirds of the votes. A one-word name that is a word of a longer person
    name in the article ("Trump" beside "Donald Trump") is left to the person rules of
    :mod:`.linking`, and the new label is not evidence: those rules may still change it.
    """
    person_words = {
        name_key(w)
        for sp in art.spans
        if sp.label == "PERSON" and sp.end_tok - sp.start_tok >= 2
        for w in art.fields[sp.field].texts[sp.start_tok : sp.end_tok]
    }
    votes: dict[str, Counter] = defaultdict(Counter)
    ruled: set[str] = set()
    keys = []
    for span in art.spans:
        key = name_key(" ".join(art.fields[span.field].texts[span.start_tok : span.end_tok]))
        keys.append(key)
        votes[key][span.label] += 2 if span.evidence else 1
        if span.evidence:
            ruled.add(key)
    for span, key in zip(art.spans, keys, strict=True):
        if span.evidence or len(votes[key]) < 2 or key in person_words:
            continue
        (best, n), *rest = votes[key].most_common()
        if n > rest[0][1] and (key in ruled or 3 * n >= 2 * sum(votes[key].values())):
            span.label = best
