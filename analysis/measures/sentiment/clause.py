"""Clause-VADER: VADER on the target's clause in the dependency parse (the lexicon method).

:func:`select_target_tokens` picks the tokens of one sentence that carry the
sentiment expressed around a target; :func:`score_selection` scores them with
VADER. The trained model (:mod:`.model`) uses the same selection as one of its
features; ``method="vader"`` in :func:`analysis.target_sentiment` and
:func:`analysis.entity_sentiment` uses it alone.
"""

from __future__ import annotations

import string
from collections.abc import Sequence

from analysis.measures.sentiment.lexicon import analyzer, polarity

#: Tokens kept on each side of the target inside its clause (see :func:`select_target_tokens`).
TARGET_WINDOW = 10

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
VERBAL_POS = frozenset({"VERB", "AUX"})
# clauses hanging off another noun: they describe that noun, not the target
_NOUN_CLAUSE_DEPS = frozenset({"relcl", "acl"})
# clauses next to the target's clause: another predicate, often another actor
_SIDE_CLAUSE_DEPS = frozenset({"advcl", "conj", "parataxis"})
_SKIP_DEPS = frozenset({"cc", "punct", "preconj"})
_PUNCTUATION = string.punctuation


def subtree(i: int, children: list[list[int]]) -> list[int]:
    """Return token ``i`` and all its descendants (unordered)."""
    out, stack = [], [i]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(children[node])
    return out


def select_target_tokens(
    head: Sequence[int],
    dep: Sequence[str],
    pos: Sequence[str],
    span: Sequence[int],
    *,
    window: int = TARGET_WINDOW,
) -> list[int]:
    """Choose the tokens of one sentence that carry the sentiment expressed around a target.

    The target's *clause* is the subtree of the nearest verbal ancestor of
    the target's head token (or the sentence root). Inside it, the subtrees
    of clauses that belong to something else are removed: relative and
    adnominal clauses modifying another noun (``relcl``, ``acl``), and
    adverbial, coordinated or paratactic clauses (``advcl``, ``conj``,
    ``parataxis``) that have their own subject, or any of those when the
    target is not the subject of its clause. Complement clauses (``ccomp``,
    ``xcomp``: what a subject says or tries) stay. Tokens modifying the target
    (its own subtree: adjectives, appositions, relative clauses) always stay.
    Coordinators and punctuation are dropped, and so are the target's own
    tokens (a name is not sentiment). Finally only tokens within ``window``
    tokens of the target, or on the dependency path from the target to its
    clause head, are kept.

    Parameters
    ----------
    head : sequence of int
        Index of each token's head, local to the sentence (a root points to itself).
    dep, pos : sequence of str
        spaCy dependency labels and coarse POS tags.
    span : sequence of int
        Local indices of the target's tokens.
    window : int, default :data:`TARGET_WINDOW`
        Maximum linear distance from the target span.

    Returns
    -------
    list of int
        Sorted local indices of the selected tokens (possibly empty).

    Examples
    --------
    "Putin praised the deal while Zelenskyy condemned the strikes ." with
    spaCy's parse (praised is the root, condemned an ``advcl`` with its own
    subject):

    >>> head = [1, 1, 3, 1, 6, 6, 1, 8, 6, 1]
    >>> dep = ["nsubj", "ROOT", "det", "dobj", "mark", "nsubj", "advcl", "det", "dobj", "punct"]
    >>> pos = ["PROPN", "VERB", "DET", "NOUN", "SCONJ", "PROPN", "VERB", "DET", "NOUN", "PUNCT"]
    >>> select_target_tokens(head, dep, pos, [0])
    [1, 2, 3]
    >>> select_target_tokens(head, dep, pos, [5])
    [4, 6, 7, 8]
    """
    n = len(head)
    if not any(0 <= i < n for i in span):
        return []
    head, children = tree(head)
    return select(head, dep, pos, span, window, children)


def tree(head: Sequence[int]) -> tuple[list[int], list[list[int]]]:
    """Return heads (out-of-sentence heads become roots) and the children of every token."""
    n = len(head)
    fixed = [int(h) if 0 <= h < n else i for i, h in enumerate(head)]
    children: list[list[int]] = [[] for _ in range(n)]
    for i, h in enumerate(fixed):
        if h != i:
            children[h].append(i)
    return fixed, children


def select(
    head: Sequence[int],
    dep: Sequence[str],
    pos: Sequence[str],
    span: Sequence[int],
    window: int,
    children: list[list[int]],
) -> list[int]:
    """Do :func:`select_target_tokens`' selection on a tree already built by :func:`tree`."""
    span_set = {i for i in span if 0 <= i < len(head)}
    if not span_set:
        return []
    walk = clause_path(head, dep, pos, span_set, children)
    return select_on_path(head, dep, pos, span_set, window, children, walk, subtree(walk[0], children))


def clause_path(
    head: Sequence[int], dep: Sequence[str], pos: Sequence[str], span_set: set[int], children: list[list[int]]
) -> tuple[int, list[int], int]:
    """Return the target's head token, the path from it up to its clause head, and the clause head.

    The target's head is its first token whose head lies outside the span (or a root); the
    clause head is the first verbal token, root or token with a subject above it (``span_set``:
    local indices in the sentence, not empty).
    """

    def is_clause(i: int) -> bool:
        return pos[i] in VERBAL_POS or head[i] == i or any(dep[c] in SUBJECT_DEPS for c in children[i])

    outside = [i for i in sorted(span_set) if head[i] not in span_set or head[i] == i]
    target_head = outside[0] if outside else min(span_set)
    path = [target_head]
    node = target_head
    while head[node] != node and not (node != target_head and is_clause(node)):
        node = head[node]
        if node in path:  # malformed tree: stop
            break
        path.append(node)
    return target_head, path, node


def select_on_path(
    head: Sequence[int],
    dep: Sequence[str],
    pos: Sequence[str],
    span_set: set[int],
    window: int,
    children: list[list[int]],
    walk: tuple[int, list[int], int],
    target_subtree: list[int],
) -> list[int]:
    """Walk the clause found by :func:`clause_path` (``walk``: its result) and return the selection.

    ``target_subtree``: ``subtree(target_head, children)`` (the target's modifiers always stay).
    """
    _, path, clause_head = walk

    def has_subject(i: int) -> bool:
        return any(dep[c] in SUBJECT_DEPS for c in children[i])

    def is_clause(i: int) -> bool:
        return pos[i] in VERBAL_POS or head[i] == i or has_subject(i)

    path_set = set(path)
    # is the target (or the noun phrase holding it) the subject of the clause?
    below = path[-2] if len(path) > 1 else path[0]
    target_is_subject = dep[below] in SUBJECT_DEPS or dep[below] == "agent"
    keep_always = set(target_subtree)

    selected: list[int] = []
    stack = [clause_head]
    while stack:
        node = stack.pop()
        d = dep[node]
        if node not in keep_always and node not in path_set:
            if d in _NOUN_CLAUSE_DEPS:
                continue
            if d in _SIDE_CLAUSE_DEPS and is_clause(node) and (has_subject(node) or not target_is_subject):
                continue
        if d not in _SKIP_DEPS and pos[node] != "PUNCT" and node not in span_set:
            selected.append(node)
        stack.extend(children[node])
    lo, hi = min(span_set) - window, max(span_set) + window
    return sorted(i for i in selected if lo <= i <= hi or i in path_set)


def _join(
    texts: Sequence[str], spaces: Sequence[bool], selected: Sequence[int], lemmas: Sequence[str] | None = None
) -> str:
    lexicon = analyzer().lexicon
    parts: list[str] = []
    previous = None
    for i in selected:
        if previous is not None:
            parts.append(" " if (spaces[previous] or i != previous + 1) else "")
        word = texts[i]
        if lemmas is not None and word.lower() not in lexicon and str(lemmas[i]).lower() in lexicon:
            word = str(lemmas[i])
        parts.append(word)
        previous = i
    return "".join(parts)


def vader_words(texts: Sequence[str], lemmas: Sequence[str]) -> list[str]:
    """Return the form of each token that :func:`score_selection` gives VADER.

    The word, or its lemma when only the lemma is in VADER's lexicon (computed once for a
    sentence that many targets share, then joined by :func:`score_words`).

    >>> vader_words(["She", "embraced", "it"], ["she", "embrace", "it"])
    ['She', 'embrace', 'it']
    """
    lexicon = analyzer().lexicon
    return [
        str(lemma) if word.lower() not in lexicon and str(lemma).lower() in lexicon else word
        for word, lemma in zip(texts, lemmas, strict=True)
    ]


def score_words(words: Sequence[str], spaces: Sequence[bool], selected: Sequence[int]) -> float:
    """Do :func:`score_selection` on the forms :func:`vader_words` gave (``words``).

    >>> score_words(["praised", "the", "deal"], [True, True, False], [0, 1, 2]) > 0
    True
    """
    if not selected:
        return 0.0
    parts: list[str] = []
    previous = None
    for i in selected:
        if previous is not None:
            parts.append(" " if (spaces[previous] or i != previous + 1) else "")
        parts.append(words[i])
        previous = i
    text = "".join(parts)
    if not has_valence(text):
        return 0.0
    return float(polarity(text)[3])


def score_selection(
    texts: Sequence[str],
    spaces: Sequence[bool],
    selected: Sequence[int],
    lemmas: Sequence[str] | None = None,
) -> float:
    """Score the selected tokens with VADER's ``polarity_scores`` (compound, in [-1, 1]).

    Tokens are joined in sentence order (a space where the original had one
    or where tokens were skipped), so VADER's negation, booster and "but"
    rules see the words in their original order. A word missing from VADER's
    lexicon is replaced by its lemma when the lemma is in it (VADER lists
    many but not all inflections).

    Examples
    --------
    >>> score_selection(["praised", "the", "deal"], [True, True, False], [0, 1, 2]) > 0
    True
    >>> score_selection(["a"], [False], [])
    0.0
    """
    if not selected:
        return 0.0
    text = _join(texts, spaces, selected, lemmas)
    if not has_valence(text):
        return 0.0  # exactly what VADER returns when no word is in its lexicon, only faster
    return float(polarity(text)[3])


def has_valence(text: str) -> bool:
    """Tell whether any word (as VADER splits and strips it) or emoji is in VADER's lexicon."""
    vader = analyzer()
    lexicon = vader.lexicon
    if not text.isascii() and any(ch in vader.emojis for ch in text if ord(ch) > 0x2000):
        return True  # VADER replaces emojis by their descriptions before scoring
    for word in text.split():
        low = word.lower()
        if low in lexicon or low.strip(_PUNCTUATION) in lexicon:
            return True
    return False
