"""Per-article spans over the token table: repair, titles, missed names and role evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from analysis.annotate.tables import column_list, field_runs, sorted_tokens
from analysis.measures.entities.lexicon import (
    CREDIT_WORDS,
    DETERMINERS,
    HEADLINE_PREPOSITIONS,
    HONORIFICS,
    KIND_OF_LABEL,
    POSSESSIVE_TOKENS,
    ROLE_CHANGERS,
    ROLE_MODIFIERS,
    ROLE_TITLES,
    VAGUE_TITLES,
)
from analysis.measures.entities.names import AliasTable, fold, is_common_word, name_key
from analysis.measures.entities.roles import PLACEISH, Role, parse_role

# --------------------------------------------------------------------------- per-article machinery


@dataclass
class Span:
    """An entity span of one field, in token positions (end exclusive), with its resolution."""

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
    trim_end: int = 0  # characters cut off the last token (a possessive glued to it: "Quennell‘s")
    evidence: str = ""  # the article-level rule that set the label (:mod:`.context`); kept as is


@dataclass
class Field:
    """The tokens of one (article, field): texts, offsets, sentence ids and folded words."""

    texts: list[str]
    starts: list[int]
    ends: list[int]
    sents: list[int]
    folded: list[str]
    first_token: int = 0
    roles: dict[int, Role | None] = field(default_factory=dict)
    #: what the context rules derive from the words once per field (its lines)
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def role_at(self, start: int, aliases: AliasTable) -> Role | None:
        """Return :func:`parse_role` at ``start`` of the folded words (memoised: one table per call)."""
        if start not in self.roles:
            self.roles[start] = parse_role(self.folded, start, aliases)
        return self.roles[start]


def field_tables(tokens: pd.DataFrame) -> dict[tuple[str, str], Field]:
    """Return one :class:`Field` per (article_id, field) of a token table."""
    out: dict[tuple[str, str], Field] = {}
    if tokens.empty:
        return out
    toks = sorted_tokens(tokens)  # the chunk's shared views (other stages read the same ones)
    aids, flds, ends = field_runs(toks)
    bounds = [0, *ends]
    texts = column_list(toks, "text")
    starts = column_list(toks, "start_char")
    ends = column_list(toks, "end_char")
    sents = column_list(toks, "sentence_id")
    ids = column_list(toks, "token_id")
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):  # runs of one (article, field)
        key = (aids[a], flds[a])
        out[key] = Field(texts[a:b], starts[a:b], ends[a:b], sents[a:b], [fold(t) for t in texts[a:b]])
        out[key].first_token = ids[a]
    return out


#: Every role title and every word of one (what ``word == t or word in t.split()`` accepts).
_TITLE_WORDS = frozenset(ROLE_TITLES) | frozenset(w for t in ROLE_TITLES for w in t.split())


def _is_title_token(word: str, aliases: AliasTable) -> bool:
    if word in HONORIFICS or word in ROLE_MODIFIERS or word in ROLE_CHANGERS or word in DETERMINERS:
        return True
    if word in {"of", ",", "-"}:
        return True
    if word in _TITLE_WORDS:  # a role title or one of its words
        return True
    hit = aliases.entries.get(name_key(word))
    return hit is not None and hit.category in PLACEISH


def repair_span(
    span: Span, fld: Field, known_names: set[tuple[str, ...]], aliases: AliasTable
) -> Span | None:
    """Cut line breaks, possessives, punctuation and headline words off a span (None if nothing is left)."""
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
            if not rest or all(is_common_word(w) for w in rest):
                e = k
            break
    # strip trailing possessive and punctuation
    while e > s and (words[e - 1] in POSSESSIVE_TOKENS or not any(ch.isalnum() for ch in words[e - 1])):
        e -= 1
    glued = GLUED_POSSESSIVE.search(fld.texts[e - 1]) if e > s else None
    span.trim_end = len(glued.group(0)) if glued and len(fld.texts[e - 1]) > len(glued.group(0)) else 0
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
                    (is_common_word(w) or fold(w) in HEADLINE_PREPOSITIONS) and aliases.lookup(w) is None
                    for w in head
                )
            ):
                span.start_tok = k
                span.label = hit.label
                break
    s = span.start_tok
    last = span.end_tok
    # headline tail after a known full name ("Vladimir Putin Willing"); organisations named after
    # people ("... Foundation") keep their spaCy label and are left alone
    span_words = tuple(name_key(w) for w in words[s:e])
    for k in range(e - 1, s + 1, -1) if span.label == "PERSON" else ():
        prefix = span_words[: k - s]
        if prefix in known_names and all(is_common_word(fld.texts[j]) for j in range(k, e)):
            span.end_tok = k
            break
    if span.end_tok != last:
        span.trim_end = 0
    return span


def strip_person_titles(span: Span, fld: Field, aliases: AliasTable) -> int:
    """Move the start of a PERSON span past titles; return the old start (role evidence start)."""
    old = span.start_tok
    k = span.start_tok
    while k < span.end_tok - 1 and _is_title_token(fld.folded[k], aliases):
        k += 1
    span.start_tok = k
    return old


def titled_name(span: Span, fld: Field, aliases: AliasTable) -> bool:
    """Tell whether a non-person span is a capitalised name right after a title ("Chancellor Olaf Scholz")."""
    if aliases.lookup(surface(span, fld)) is not None:
        return False
    if not all(t[:1].isupper() for t in fld.texts[span.start_tok : span.end_tok]):
        return False
    k = span.start_tok - 1
    if k < 0 or fld.sents[k] != fld.sents[span.start_tok]:
        return False
    if fld.folded[k] in HONORIFICS:
        return True
    role = role_before(fld, span.start_tok, aliases)
    return role is not None and role.title not in VAGUE_TITLES and fld.folded[span.start_tok - 1] != ","


def recover_missed(art: ArticleSpans, aliases: AliasTable) -> list[Span]:
    """Find names spaCy missed: person/institution aliases and surnames of people named in the article.

    Only capitalised tokens outside every entity span are considered, so
    nothing spaCy found is changed; the recovered spans get ``via='alias'``.
    """
    surnames: dict[str, str] = {}
    for span in art.spans:
        if span.label == "PERSON":
            words = person_words(span, art.fields[span.field])
            if len(words) >= 2:
                surnames[words[-1]] = words[-1]
    covered = {(s.field, k) for s in art.spans for k in range(s.start_tok, s.end_tok)}
    out: list[Span] = []
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
                and not (sentence_start and is_common_word(fld.texts[i]))  # "Young people" is not Mr Young
            ):
                hit = (i + 1, "PERSON")
            if hit is None:
                i += 1
                continue
            end, label = hit
            while end > i + 1 and fld.folded[end - 1] in POSSESSIVE_TOKENS:
                end -= 1
            out.append(Span(art.article_id, fname, fld.sents[i], i, end, label, "", via="alias"))
            i = end
    return out


@dataclass
class ArticleSpans:
    """One article's entity spans and its fields."""

    article_id: str
    spans: list[Span]
    fields: dict[str, Field]


def collect_spans(tokens: pd.DataFrame, entities: pd.DataFrame, aliases: AliasTable) -> list[ArticleSpans]:
    """Group the kept entity spans and token fields by article."""
    fields = field_tables(tokens)
    by_article: dict[str, ArticleSpans] = {}
    for (aid, fld_name), fld in fields.items():
        by_article.setdefault(aid, ArticleSpans(aid, [], {})).fields[fld_name] = fld
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
            Span(aid, fld_name, int(sent), int(start) - base, int(end) - base, str(label), str(label))
        )
    for art in by_article.values():
        art.spans.sort(key=lambda sp: (sp.field, sp.start_tok))
    return list(by_article.values())


def person_words(span: Span, fld: Field) -> tuple[str, ...]:
    """Return the name keys of a span's words."""
    keys = (name_key(w).replace(" ", "-") for w in fld.texts[span.start_tok : span.end_tok])
    return tuple(k for k in keys if k)  # a hyphenated name stays one word ("okonkwo-vance")


def surface(span: Span, fld: Field) -> str:
    """Return the span's text as printed (tokens joined by their whitespace)."""
    out = ""
    for k in range(span.start_tok, span.end_tok):
        out += fld.texts[k]
        if k < span.end_tok - 1:
            out += " " if fld.ends[k] < fld.starts[k + 1] else ""
    return out[: len(out) - span.trim_end] if span.trim_end else out


#: A possessive glued to a token by a typographic apostrophe spaCy does not split off ("Quennell‘s").
GLUED_POSSESSIVE = re.compile(r"(?<=\w)['’‘ʼ]s?$")
#: A credit in brackets: "(Reuters/John Smith)", "(AP Photo/Evan Vucci)", "(Photo: Jane Doe)".
_CREDIT_BRACKETS = re.compile(r"\(([^()\n]{2,100})\)")
_CREDIT_WORD = "(?:" + "|".join(CREDIT_WORDS) + ")"
#: A credit word anywhere (without one and without a bracket, a field has no credit).
_CREDIT_WORD_ANYWHERE = re.compile("(?i)" + _CREDIT_WORD)
_CREDIT_LABEL = re.compile(r"(?i)\b" + _CREDIT_WORD + r"s?\s*(?::|by\b|credit\s*:)")
_CREDIT_LINE = re.compile(
    r"(?im)(?:^|(?<=[.!?\]”\"])\s)[^\S\n]*" + _CREDIT_WORD + r"s?(?:\s+credit)?\s*(?::|by\b)[^\n]{1,100}$"
)


def field_text(fld: Field) -> str:
    """Rebuild the field's text from its tokens (each gap between tokens becomes as many spaces).

    >>> field_text(Field(["Jo", "Ray", "."], [3, 6, 9], [5, 9, 10], [0] * 3, []))
    'Jo Ray.'
    """
    starts, texts = fld.starts, fld.texts
    if not texts:
        return ""
    ends = [start + len(text) for start, text in zip(starts, texts, strict=True)]
    # the gap before each later token (" " * a negative gap, tokens overlapping, is "")
    spaced = [" " * (b - a) + t for a, b, t in zip(ends[:-1], starts[1:], texts[1:], strict=True)]
    return texts[0] + "".join(spaced)


def credit_tokens(fld: Field) -> set[int]:
    """Return the tokens inside photo or video credits, whose names are credits, not mentions.

    A credit is a bracket of names joined by slashes ("(Reuters/John Smith)",
    "(AP Photo/Evan Vucci)") or opened by a credit word ("(Photo: Jane Doe)"),
    or a line that a credit word opens ("Photo: AP", "Photograph by Jane Doe/AFP").

    Examples
    --------
    >>> f = Field(["Smith", "(", "Reuters", "/", "Jo", "Ray", ")"], [0, 6, 7, 14, 15, 18, 21],
    ...           [5, 7, 14, 15, 17, 21, 22], [0] * 7, [])
    >>> sorted(credit_tokens(f))
    [1, 2, 3, 4, 5, 6]
    """
    if not fld.texts:
        return set()
    joined = "".join(fld.texts)  # the field's characters without its gaps: both patterns need these
    if "(" not in joined and not _CREDIT_WORD_ANYWHERE.search(joined):
        return set()
    text = field_text(fld)
    base = fld.starts[0]
    ranges = []
    for m in _CREDIT_BRACKETS.finditer(text):
        inner = m.group(1)
        parts = [p.strip() for p in inner.split("/")]
        slashed = len(parts) > 1 and all(
            p and len(p.split()) <= 5 and p[:1].isupper() and not re.search(r"[.!?,;]\s", p) for p in parts
        )
        if slashed or _CREDIT_LABEL.match(inner.strip()):
            ranges.append((m.start(), m.end()))
    ranges.extend((m.start(), m.end()) for m in _CREDIT_LINE.finditer(text))
    out = set()
    for a, b in ranges:
        for k, (start, end) in enumerate(zip(fld.starts, fld.ends, strict=True)):
            if start - base >= a and end - base <= b:
                out.add(k)
    return out


def strip_det(text: str) -> str:
    """Strip a leading "the"."""
    return re.sub(r"^(?:the|The|THE)\s+", "", text)


def role_before(fld: Field, start: int, aliases: AliasTable) -> Role | None:
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


def role_after(fld: Field, end: int, aliases: AliasTable) -> Role | None:
    """Find an appositive role phrase right after a name (", the Russian press secretary")."""
    if end < len(fld.folded) and fld.folded[end] == ",":
        role = fld.role_at(end + 1, aliases)
        if role is not None and not role.plural:
            return role
    return None
