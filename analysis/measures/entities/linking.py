"""Canonical mentions: names, aliases and role phrases resolved within each article."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis.annotate.tables import rows_where
from analysis.core.stage import need, stage
from analysis.measures.entities.context import context_rules, split_spans
from analysis.measures.entities.lexicon import (
    DETERMINERS,
    FEMALE_HONORIFICS,
    KIND_OF_LABEL,
    MALE_HONORIFICS,
    MENTION_COLUMNS,
    VAGUE_TITLES,
)
from analysis.measures.entities.names import (
    AliasTable,
    first_name_gender,
    is_common_word,
    is_given_name,
    name_key,
    name_parts,
    resolve_aliases,
    ruler_patterns,
    variant_groups,
)
from analysis.measures.entities.roles import Role, match_title_at, role_matches, role_starts, title_starts
from analysis.measures.entities.spans import (
    ArticleSpans,
    Field,
    Span,
    collect_spans,
    credit_tokens,
    person_words,
    recover_missed,
    repair_span,
    role_after,
    role_before,
    strip_det,
    strip_person_titles,
    surface,
    titled_name,
)
from analysis.schema import ok_articles

if TYPE_CHECKING:  # pragma: no cover
    from analysis.annotate import Annotations


def _canonical_people(articles: list[ArticleSpans]) -> dict[str, str]:
    """Return name_key of every multi-word person name -> most frequent surface in the corpus."""
    forms: dict[str, Counter] = defaultdict(Counter)
    for art in articles:
        for span in art.spans:
            if span.label == "PERSON":
                fld = art.fields[span.field]
                words = person_words(span, fld)
                if len(words) >= 2:
                    forms[" ".join(words)][surface(span, fld)] += 1
    best = {
        key: sorted(c.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0] for key, c in forms.items()
    }
    # names that differ only by middle initials ("Donald J. Trump", "Donald Trump") are one person
    counts = {key: sum(forms[key].values()) for key in forms}
    merged = variant_groups(counts)
    return _NamePool({key: best[merged[key]][0] for key in forms})


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


@functools.lru_cache(maxsize=65536)
def _words(name: str) -> tuple[str, ...]:
    """Return the words of a full name (memoised: every mention compares them with the article's names)."""
    return tuple(name.split())


def _resolve_person(
    words: tuple[str, ...], article_full: dict[str, str], corpus_full: dict[str, str], gender: str = ""
) -> str | None:
    """Return the one full name ``words`` stand for, or None (unknown or ambiguous).

    ``words`` match a full name exactly, or without its middle initials, or as its
    last words (a surname); a single word that ends no full name may be its first
    word (family name first: "Xi" for "Xi Jinping"). Among several candidates,
    ``gender`` (from an honorific: "Mrs. Clinton") keeps those whose first name
    has that gender.
    """
    key = " ".join(words)
    if key in article_full:
        return article_full[key]
    if key in corpus_full:
        return corpus_full[key]
    rest = name_parts(key)[0]
    for pool in (article_full, corpus_full):
        if isinstance(pool, _NamePool):
            candidates = pool.ending_with(words[-1])
        else:
            candidates = list(pool.items())
        hits = {
            canon
            for full, canon in candidates
            if _words(full)[-len(words) :] == words or (len(rest) > 1 and name_parts(full)[0] == rest)
        }
        if not hits and len(words) == 1:
            # a given name alone ("Hillary" beside "Hillary Clinton" in the same article), or a family
            # name first ("Xi" for "Xi Jinping", when the rest is not a common word: "Obama Says")
            given = pool is article_full and is_given_name(words[0])
            hits = {
                canon
                for full, canon in pool.items()
                if _words(full)[0] == words[0]
                and (given or not all(is_common_word(w) for w in _words(full)[1:]))
            }
        if gender:  # "Mr. Obama" is not Michelle Obama
            hits = {h for h in hits if first_name_gender(h) in (gender, "")}
        if len(hits) == 1:
            return hits.pop()
        if len(hits) > 1:
            return None
    return None


def _honorific_gender(fld: Field, start: int) -> str:
    """Return the gender an honorific right before ``start`` gives ("Mrs." -> female), else ''."""
    k = start - 1
    if k >= 1 and fld.folded[k] == ".":
        k -= 1
    if k < 0:
        return ""
    word = fld.folded[k]
    return "male" if word in MALE_HONORIFICS else "female" if word in FEMALE_HONORIFICS else ""


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
    table = resolve_aliases(aliases)
    articles = collect_spans(tokens, entities, table)
    patterns = ruler_patterns()

    rows: list[dict] = []
    opens: dict[str, bool] = {}  # per distinct word: may it open a role phrase / a title
    titles: dict[str, bool] = {}
    for art in articles:  # each article on its own: names, roles and countries resolve within it
        rows.extend(_article_rows(art, table, patterns, opens, titles))
    return _mentions_frame(rows)


def _article_rows(
    art: ArticleSpans,
    table: AliasTable,
    patterns,
    opens: dict[str, bool] | None = None,
    titles: dict[str, bool] | None = None,
) -> list[dict]:
    """Return the mention rows of one article, resolving names and roles from its own evidence only.

    A per-article stage must not depend on which other articles share its chunk
    (see docs/scale.md), so full names, role holders and countries come from
    the article itself and the alias table, never from neighbouring articles.
    ``opens`` and ``titles`` keep per-word answers of :func:`.roles.role_starts` and
    :func:`.roles.title_starts` across the articles of a chunk (the same answers for any word).
    """
    opens = {} if opens is None else opens
    titles = {} if titles is None else titles
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
        split_spans(art)  # "Stoke 2 Tranmere 1" is two names; "the Bank of Canada" -> "Bank of Canada"
        kept = []
        for span in art.spans:
            fld = art.fields[span.field]
            fixed = repair_span(span, fld, corpus_known, table)
            if fixed is None:
                continue
            if fixed.label != "PERSON" and titled_name(fixed, fld, table):
                fixed.label = "PERSON"  # "German Chancellor [Olaf Scholz]ORG" is a person
            if fixed.label == "PERSON":
                strip_person_titles(fixed, fld, table)
                place = table.lookup(surface(fixed, fld))
                if place is not None and place.kind != "person" and fixed.end_tok - fixed.start_tok > 1:
                    fixed.label = place.label  # "São Paulo" PERSON is a place
            kept.append(fixed)
        art.spans = kept
    for art in articles:
        art.spans.extend(recover_missed(art, table))
        credits = {name: credit_tokens(fld) for name, fld in art.fields.items()}
        art.spans = [  # names in photo credits ("(Reuters/John Smith)", "Photo: AP") are not mentions
            sp for sp in art.spans if not set(range(sp.start_tok, sp.end_tok)) <= credits[sp.field]
        ]
        context_rules(art, table)  # results lines, datelines, acronyms, organisation heads, majority label

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
                words = person_words(span, art.fields[span.field])
                if len(words) >= 2:
                    full[" ".join(words)] = corpus_full.get(
                        " ".join(words), renamed(surface(span, art.fields[span.field]))
                    )
        resolved_names[art.article_id] = full
        roles: dict[str, set[tuple[str, str]]] = defaultdict(set)
        used: set[tuple[str, int]] = set()
        for span in art.spans:
            if span.label != "PERSON":
                continue
            fld = art.fields[span.field]
            words = person_words(span, fld)
            canon = _resolve_person(words, full, corpus_full) or surface(span, fld)
            for role, rng in (
                (role_before(fld, span.start_tok, table), "before"),
                (role_after(fld, span.end_tok, table), "after"),
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

    def _with_country(span: Span) -> Span:
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
        out_spans: list[Span] = []
        for span in art.spans:
            fld = art.fields[span.field]
            shown = surface(span, fld)
            words = person_words(span, fld)
            alias = table.lookup(shown)
            gender = _honorific_gender(fld, span.start_tok)
            person = _resolve_person(words, full, corpus_full, gender) if words else None
            if span.label == "PERSON" and person is not None:
                span.canonical, span.kind = person, "person"
            elif span.evidence:  # the article's own evidence set the label (.context): keep it
                kind = KIND_OF_LABEL[span.label]
                if alias is not None and alias.kind == kind:
                    span.canonical, span.country = alias.canonical, alias.country
                else:
                    span.canonical = strip_det(shown)
                span.kind = kind
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
                and any(words[0] in (k.split()[-1], k.split()[0]) for k in full)
            ):
                span.canonical, span.kind, span.label = person, "person", "PERSON"
            elif (
                span.label != "PERSON"
                and len(words) == 1
                and alias is None
                and sum(k.split()[-1] == words[0] for k in full) > 1
            ):  # a surname of namesakes of the article ("Trump" beside Donald and Ivanka Trump): a person
                span.canonical, span.kind, span.label = strip_det(shown), "person", "PERSON"
            elif span.label == "PERSON":
                span.canonical, span.kind = strip_det(shown), "person"
            else:
                span.canonical, span.kind = strip_det(shown), KIND_OF_LABEL[span.label]
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
            for i in title_starts(fld.folded, titles):  # the words where match_title_at may match
                hit = match_title_at(fld.folded, i)
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
            i = 0  # the next word a phrase may start at
            for k in role_starts(fld.folded, table, opens):  # elsewhere no role phrase starts
                if k < i:
                    continue
                i = k
                word = fld.folded[i]
                starts_phrase = word in DETERMINERS or (
                    i == 0 or fld.sents[i - 1] != fld.sents[i] or not fld.texts[i - 1][-1:].isalpha()
                )
                role = fld.role_at(i, table) if starts_phrase else None
                if role is None or role.plural or (fname, i) in used or (fname, role.end - 1) in used:
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
                    span = Span(
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
        hits = {p for p in people if any(role_matches(role, held) for held in source.get(p, ()))}
        if len(hits) == 1:
            return hits.pop()
        if len(hits) > 1:
            return None
    return None


def _row(span: Span, fld: Field) -> dict:
    start, end = fld.starts[span.start_tok], fld.ends[span.end_tok - 1] - span.trim_end
    return {
        "article_id": span.article_id,
        "field": span.field,
        "sentence_id": fld.sents[span.start_tok],
        "start_char": start,
        "end_char": end,
        "text": surface(span, fld),
        "label": span.label,
        "canonical": span.canonical,
        "kind": span.kind,
        "via": span.via,
        "country": span.country,
        "ner_label": span.ner_label,
    }


@stage(
    provides="mentions",
    requires=("articles", "annotations"),
    per_article=True,
    columns=MENTION_COLUMNS,
)
def entity_mentions(
    articles: pd.DataFrame,
    *,
    annotations: Annotations,
    aliases: AliasTable | str | Path | pd.DataFrame | Sequence[str | Path | pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Return one row per canonical entity mention in each article's title and body.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``; ``title`` and ``status`` are used
        when present (only ``status == 'ok'`` rows are analysed).
    annotations : Annotations
        Output of :func:`analysis.annotate.annotate` for these articles; required
        (``analysis.entity_mentions(articles)`` computes it when omitted).
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
    annotations = need(annotations, "annotations=", "entity_mentions")
    ids = set(rows["article_id"].astype(str))
    toks = rows_where(annotations.tokens, annotations.tokens["article_id"].astype(str).isin(ids))
    ents = rows_where(annotations.entities, annotations.entities["article_id"].astype(str).isin(ids))
    return mentions_from_tables(toks, ents, aliases=resolve_aliases(aliases))
