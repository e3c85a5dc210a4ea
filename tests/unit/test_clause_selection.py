"""The clause-VADER selection, split into path and walk, equals the one-piece reference on random trees."""

from __future__ import annotations

import random

from analysis.measures.sentiment.clause import (
    _NOUN_CLAUSE_DEPS,
    _SIDE_CLAUSE_DEPS,
    _SKIP_DEPS,
    SUBJECT_DEPS,
    VERBAL_POS,
    clause_path,
    select,
    subtree,
    tree,
)

DEPS = ["nsubj", "ROOT", "det", "dobj", "mark", "advcl", "conj", "relcl", "acl", "punct", "cc", "ccomp",
        "amod", "compound", "agent", "parataxis", "prep", "pobj", "nsubjpass", "poss"]  # fmt: skip
POS = ["PROPN", "VERB", "AUX", "DET", "NOUN", "PUNCT", "ADJ", "SCONJ", "PRON"]


def _reference_select(head, dep, pos, span, window, children):
    """The selection written in one piece (as :func:`select_target_tokens` describes it)."""
    span_set = {i for i in span if 0 <= i < len(head)}
    if not span_set:
        return []

    def has_subject(i):
        return any(dep[c] in SUBJECT_DEPS for c in children[i])

    def is_clause(i):
        return pos[i] in VERBAL_POS or head[i] == i or has_subject(i)

    outside = [i for i in sorted(span_set) if head[i] not in span_set or head[i] == i]
    target_head = outside[0] if outside else min(span_set)
    path = [target_head]
    node = target_head
    while head[node] != node and not (node != target_head and is_clause(node)):
        node = head[node]
        if node in path:
            break
        path.append(node)
    clause_head = node
    path_set = set(path)
    below = path[-2] if len(path) > 1 else target_head
    target_is_subject = dep[below] in SUBJECT_DEPS or dep[below] == "agent"
    keep_always = set(subtree(target_head, children))
    selected = []
    stack = [clause_head]
    while stack:
        node = stack.pop()
        if node not in keep_always and node not in path_set:
            d = dep[node]
            if d in _NOUN_CLAUSE_DEPS:
                continue
            if d in _SIDE_CLAUSE_DEPS and is_clause(node) and (has_subject(node) or not target_is_subject):
                continue
        if dep[node] not in _SKIP_DEPS and pos[node] != "PUNCT" and node not in span_set:
            selected.append(node)
        stack.extend(children[node])
    lo, hi = min(span_set) - window, max(span_set) + window
    return sorted(i for i in selected if lo <= i <= hi or i in path_set), (target_head, path, clause_head)


def _random_tree(rng: random.Random, n: int) -> list[int]:
    """A random dependency tree (each token's head comes earlier in a random order; one or two roots)."""
    order = list(range(n))
    rng.shuffle(order)
    head = [0] * n
    for k, i in enumerate(order):
        head[i] = i if k == 0 or rng.random() < 0.05 else order[rng.randrange(k)]
    return head


def test_select_equals_the_reference_on_random_trees():
    rng = random.Random(7)
    checked = 0
    for _ in range(3000):
        n = rng.randint(1, 30)
        head, children = tree(_random_tree(rng, n))
        dep = [rng.choice(DEPS) for _ in range(n)]
        pos = [rng.choice(POS) for _ in range(n)]
        a = rng.randrange(n)
        span = list(range(a, min(n, a + rng.randint(1, 3))))
        window = rng.choice([2, 5, 10])
        want, want_path = _reference_select(head, dep, pos, span, window, children)
        assert select(head, dep, pos, span, window, children) == want
        assert clause_path(head, dep, pos, set(span), children) == want_path
        checked += bool(want)
    assert checked > 500  # most cases select something
