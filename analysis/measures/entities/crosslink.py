"""Link people across articles: one canonical name and one kind per entity of a corpus.

:func:`~analysis.measures.entities.linking.entity_mentions` resolves names
within each article only (a per-article stage must not depend on its
neighbours). This corpus-level step then joins what the articles leave apart:

* **Name variants.** Person names that differ only by middle initials
  ("Donald J. Trump", "Donald Trump") are one person, named by their most
  frequent form, unless two different sets of initials share the rest
  ("George W. Bush", "George H. W. Bush": left apart).
* **Short names.** A one-word person name left unresolved in its article
  ("Mr. Trump" in an article that never gives the full name) counts for the
  one full name of the same group (``by``, e.g. the outlet) that ends with
  it, else the one in the whole corpus; when the name is family-name-first
  ("Xi Jinping" ... "Xi") the first word is matched when no full name ends
  with it. An article that names two people with that word keeps it
  unresolved, and so does a group or corpus with two candidates ("John
  Smith", "Mary Smith": "Smith" stays "Smith").
* **One kind.** Each canonical entity gets one kind: the alias table's
  when the name is one of its canonicals, else the majority over its
  mentions (ties: the kind seen first).
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict

import numpy as np
import pandas as pd

from analysis.measures.entities.lexicon import MALE_HONORIFICS
from analysis.measures.entities.names import (
    AliasTable,
    first_name_gender,
    is_common_word,
    name_key,
    resolve_aliases,
    variant_groups,
)

_HONORIFIC_BEFORE = re.compile(
    r"(?i)\b(mr|mrs|ms|miss|sir|lord|lady|dame|madame|mme|monsieur|herr|frau)\.?\s*$"
)


def _honorific_gender(text: str, start: int) -> str:
    """Return the gender an honorific right before ``start`` gives ("Mrs. " -> female), else ''."""
    m = _HONORIFIC_BEFORE.search(text[max(0, start - 10) : start])
    if m is None:
        return ""
    return "male" if m.group(1).lower() in MALE_HONORIFICS else "female"


@functools.lru_cache(maxsize=65536)
def _pool_words(name: str) -> tuple[str, str | None] | None:
    """Return the (surname, first word) a full name is pooled under; first word None when not a name's.

    None for a name without words.
    """
    words = name_key(name).split()
    if not words:
        return None
    # family name first ("Xi" for "Xi Jinping"); "Obama Says" is a headline, not a name
    return words[-1], None if all(is_common_word(w) for w in words[1:]) else words[0]


class _NamePool:
    """A pool of full names (with their mention counts) indexed by surname and by first word."""

    def __init__(self, counts: Counter) -> None:
        self.counts = counts
        self.by_last: dict[str, set[str]] = defaultdict(set)
        self.by_first: dict[str, set[str]] = defaultdict(set)
        for name in counts:
            pooled = _pool_words(name)
            if pooled is None:
                continue
            self.by_last[pooled[0]].add(name)
            if pooled[1] is not None:
                self.by_first[pooled[1]].add(name)

    def candidates(self, word: str) -> set[str] | frozenset[str]:
        """Full names that end with ``word`` (surname), else that begin with it (family name first).

        The pool's own set (read only: not a copy).
        """
        return self.by_last.get(word) or self.by_first.get(word) or frozenset()


def link_across_articles(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    by: str = "outlet",
    aliases: AliasTable | None = None,
) -> pd.DataFrame:
    """Return ``mentions`` with people linked across articles and one kind per canonical entity.

    Parameters
    ----------
    articles : pandas.DataFrame
        ``article_id`` and the ``by`` column (absent: the corpus is one group).
    mentions : pandas.DataFrame
        Output of :func:`entity_mentions` (``article_id, canonical, kind``; ``via`` used when present).
    by : str, default "outlet"
        The group searched first for a short name's full name (then the corpus).
    aliases : AliasTable, optional
        Gives the kind of its canonical names (default: the package table).

    Returns
    -------
    pandas.DataFrame
        The same rows and columns; ``canonical`` and ``kind`` updated (see the module notes).

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "X", "X"]})
    >>> m = pd.DataFrame({"article_id": ["a", "b", "c"],
    ...                   "canonical": ["Ann B. Lee", "Ann Lee", "Lee"],
    ...                   "kind": ["person", "person", "person"]})
    >>> link_across_articles(arts, m)["canonical"].tolist()
    ['Ann B. Lee', 'Ann B. Lee', 'Ann B. Lee']
    """
    if mentions.empty:
        return mentions.copy()
    table = resolve_aliases(aliases)
    out = mentions.copy()
    ids = out["article_id"].astype(str)
    group_of = {}
    if by in articles.columns:
        group_of = dict(
            zip(articles["article_id"].astype(str), articles[by].fillna("").astype(str), strict=True)
        )
    groups = ids.map(group_of).fillna("").to_numpy()
    ids = ids.to_numpy(dtype=object)
    canon = out["canonical"].astype(str).to_numpy(dtype=object)
    kinds = out["kind"].astype(str).to_numpy(dtype=object)
    # names repeat across mentions: what depends on the name alone is computed once per distinct name
    codes, names = pd.factorize(canon, use_na_sentinel=False)
    n_words = np.array([len(name_key(c).split()) for c in names], dtype=np.int64)
    # majority kind of every canonical name (before linking): short names need it
    majority = _majority_kind(canon, kinds, table)
    person = np.array([majority.get(c) == "person" for c in names], dtype=bool)[codes] | (kinds == "person")
    # 1. variants of full names
    full = person & (n_words[codes] >= 2)
    variant = variant_groups(dict(Counter(canon[full])))
    renamed = np.array([variant.get(c, c) for c in names], dtype=object)
    canon = renamed[codes]
    codes, names = pd.factorize(canon, use_na_sentinel=False)
    n_words = np.array([len(name_key(c).split()) for c in names], dtype=np.int64)
    # 2. one-word person names left unresolved in their article
    full_by_group: dict[str, Counter] = defaultdict(Counter)
    full_by_article: dict[str, Counter] = defaultdict(Counter)
    full = np.flatnonzero(person & (n_words[codes] >= 2))
    for c, g, a in zip(canon[full], groups[full], ids[full], strict=True):
        full_by_group[g][c] += 1
        full_by_article[a][c] += 1
    corpus_full: Counter = Counter()
    for counter in full_by_group.values():
        corpus_full.update(counter)
    texts = _field_texts(articles)
    starts = out["start_char"].to_numpy() if "start_char" in out.columns else [0] * len(out)
    fields = out["field"].astype(str).to_numpy() if "field" in out.columns else ["text"] * len(out)
    memo: dict[tuple[str, str, str, str], str] = {}
    pools: dict[tuple[str, str], _NamePool] = {}

    def pool(level: str, name: str, counts: Counter) -> _NamePool:
        if (level, name) not in pools:
            pools[level, name] = _NamePool(counts)
        return pools[level, name]

    short = np.array(
        [n == 1 and table.lookup(c) is None for c, n in zip(names, n_words, strict=True)], dtype=bool
    )
    for i in np.flatnonzero(person & short[codes]):
        c, g, a = canon[i], groups[i], ids[i]
        words = name_key(c).split()
        gender = _honorific_gender(texts.get((a, fields[i]), ""), int(starts[i]))
        key = (words[0], g, a, gender)
        if key not in memo:
            memo[key] = (
                _link_short(
                    words[0],
                    gender,
                    pool("article", a, full_by_article.get(a, Counter())),
                    pool("group", g, full_by_group.get(g, Counter())),
                    pool("corpus", "", corpus_full),
                )
                or c
            )
        canon[i] = memo[key]
    out["canonical"] = canon
    # 3. one kind per canonical entity
    final = _majority_kind(out["canonical"].to_numpy(dtype=object), kinds, table)
    out["kind"] = out["canonical"].map(final).fillna(out["kind"])
    return out


#: A full name that has this many times the mentions of all other candidates together is the one
#: a short name means in a group or the corpus ("Clinton" alone: Hillary Clinton, not a relative
#: named twice).
DOMINANCE = 10


def _link_short(word: str, gender: str, here: _NamePool, group: _NamePool, corpus: _NamePool) -> str | None:
    """Return the full name a short name stands for: the one in its article, else group, else corpus.

    Candidates whose first name has the other gender than an honorific gives
    ("Mr. Obama" is not Michelle Obama) are dropped. In the article two
    candidates leave the name unresolved; in a group or the corpus a candidate
    with :data:`DOMINANCE` times the mentions of the others wins.
    """
    for level, names in enumerate((here, group, corpus)):
        hits, pool = names.candidates(word), names.counts
        if gender and hits:
            hits = {h for h in hits if first_name_gender(h) in (gender, "")}
            if not hits and level > 0:  # the group's namesakes all have the other gender: do not guess wider
                return None
        if len(hits) > 1 and level > 0:
            ranked = sorted(hits, key=lambda h: -pool[h])
            if pool[ranked[0]] >= DOMINANCE * sum(pool[h] for h in ranked[1:]):
                hits = {ranked[0]}
        if len(hits) == 1:
            return next(iter(hits))
        if len(hits) > 1:  # ambiguous here: wider pools would only guess
            return None
    return None


def _field_texts(articles: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Return ``{(article_id, field): text}`` for titles and bodies (missing -> '')."""
    out = {}
    for fld in ("title", "text"):
        if fld in articles.columns:
            values = articles[fld].where(articles[fld].notna(), "").astype(str)
            out.update(
                zip(
                    zip(articles["article_id"].astype(str), [fld] * len(articles), strict=True),
                    values,
                    strict=True,
                )
            )
    return out


def _majority_kind(canon, kinds, table: AliasTable) -> dict[str, str]:
    """Return canonical -> its alias-table kind, else its most frequent kind (ties: seen first)."""
    canon_codes, names = pd.factorize(np.asarray(canon, dtype=object), use_na_sentinel=False)
    kind_codes, kind_names = pd.factorize(np.asarray(kinds, dtype=object), use_na_sentinel=False)
    if not len(names):
        return {}
    pair = canon_codes.astype(np.int64) * len(kind_names) + kind_codes
    pairs, first, count = np.unique(pair, return_index=True, return_counts=True)
    owner = pairs // len(kind_names)
    # per name: its kind with most mentions, the first seen of those tied (as Counter.most_common)
    order = np.lexsort((first, -count, owner))
    lead = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
    kind_of = dict(zip(names[owner[lead]], kind_names[pairs[lead] % len(kind_names)], strict=True))
    alias_kind = {a.canonical: a.kind for a in table.entries.values()}
    return {c: alias_kind.get(c) or kind_of[c] for c in names}
