"""Page shape: which blocks of a page dump are the article's prose, from evidence that generalises.

Every block the pattern rules left as ``body`` or ``heading`` is classed by its shape, as
jusText does for HTML: ``good`` (long, with the stop-word density of running English),
``neargood``, ``short`` or ``bad`` (menus, link lists, tickers: few stop words, no sentence
punctuation). Short and near-good blocks then take the class of their neighbours (context
smoothing). The article is the densest run of prose: the run of blocks with the largest sum of
good words minus the words of bad blocks (Kadane), never crossing a block of a ``tail``
family (a comment form or copyright notice ends the article only there). Body blocks outside
that run become ``boilerplate`` with the reason ``outside the article's main run of prose``;
after the run, the first tail-family block marks what follows as ``appended_item``.

A text without page furniture (one article's paragraphs) is one run of prose: nothing in it
changes. Pattern families stay features here: a tail family is a barrier only after the run.
"""

from __future__ import annotations

import re
from functools import lru_cache

from analysis.clean.patterns import Family
from analysis.clean.segment import Block
from analysis.clean.vocabulary import frequencies

#: jusText's defaults (characters, stop-word density).
LENGTH_LOW = 70
LENGTH_HIGH = 200
STOPWORDS_LOW = 0.30
STOPWORDS_HIGH = 0.32
#: The most frequent English words (wordfreq) taken as stop words.
N_STOPWORDS = 300
#: A block of at least this many words shaped like a sentence is never ``bad`` (news prose can be
#: name-heavy, below the stop-word density of running text).
PROSE_MIN_WORDS = 12
#: Short blocks in a row that the run may step over to reach adjacent prose.
MAX_SHORT_GAP = 2
#: Reason of a body block dropped by its shape or position.
OUTSIDE_REASON = "outside the article's main run of prose"
NOT_PROSE_REASON = "not prose (few stop words, no sentence punctuation)"

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*$")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Return the :data:`N_STOPWORDS` most frequent English words (lowercase, letters only)."""
    words = [w for w in frequencies() if w.isalpha()]
    return frozenset(words[:N_STOPWORDS])


def block_class(text: str) -> str:
    """Return the shape class of one block: ``good``, ``neargood``, ``short`` or ``bad``.

    Examples
    --------
    >>> block_class("Home | World | Business | Sport")
    'short'
    >>> long = "The minister said on Monday that the talks would go on for as long as they were needed. " * 3
    >>> block_class(long)
    'good'
    """
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return "short" if len(text) < LENGTH_LOW else "bad"
    density = sum(w in stopwords() for w in words) / len(words)
    if len(text) < LENGTH_LOW:
        return "short"
    if density >= STOPWORDS_HIGH and len(text) > LENGTH_HIGH:
        return "good"
    if density >= STOPWORDS_LOW:
        return "neargood"
    if len(words) >= PROSE_MIN_WORDS and sentence_like(text):
        return "neargood"  # name-heavy news prose still ends its sentences
    return "bad"


def sentence_like(text: str) -> bool:
    """Return True for a short block shaped like a sentence (3+ words, a stop word, final punctuation)."""
    words = [w.lower() for w in _WORD.findall(text)]
    return (
        len(words) >= 3
        and bool(_SENTENCE_END.search(text.rstrip()))
        and any(w in stopwords() for w in words)
        and (text[:1].isupper() or text[:1].isdigit() or text[:1] in "\"“‘'(")
    )


def _neighbour(classes: list[str], i: int, step: int, *, ignore_neargood: bool) -> str:
    j = i + step
    while 0 <= j < len(classes):
        if classes[j] in ("good", "bad") or (classes[j] == "neargood" and not ignore_neargood):
            return classes[j]
        j += step
    return "edge"


def smooth(classes: list[str], sentences: list[bool]) -> list[str]:
    """Give short and near-good blocks a class from their neighbours (jusText's context rules).

    An edge of the document counts as ``bad`` for a short block, except for a short block
    shaped like a sentence (the first or last line of an article's text).
    """
    out = list(classes)
    for i, cls in enumerate(classes):
        if cls != "short":
            continue
        prev = _neighbour(classes, i, -1, ignore_neargood=True)
        nxt = _neighbour(classes, i, 1, ignore_neargood=True)
        sides = {prev, nxt}
        if sentences[i]:
            sides.discard("edge")
        sides = {"bad" if s == "edge" else s for s in sides}
        if sides == {"good"}:
            out[i] = "good"
        elif sides == {"bad"} or not sides:
            out[i] = "bad"
        elif (prev == "bad" and _neighbour(classes, i, -1, ignore_neargood=False) == "neargood") or (
            nxt == "bad" and _neighbour(classes, i, 1, ignore_neargood=False) == "neargood"
        ):
            out[i] = "good"
        else:
            out[i] = "good" if sentences[i] else "bad"
    for i, cls in enumerate(classes):
        if cls != "neargood":
            continue
        prev = _neighbour(classes, i, -1, ignore_neargood=True)
        nxt = _neighbour(classes, i, 1, ignore_neargood=True)
        out[i] = "bad" if {prev, nxt} <= {"bad", "edge"} and "bad" in {prev, nxt} else "good"
    return out


def main_run(scores: list[float], barriers: list[bool]) -> tuple[int, int] | None:
    """Return ``(first, last)`` of the run with the largest sum of scores, not containing a barrier.

    Examples
    --------
    >>> main_run([-3, 5, -1, 4, -9, 2], [False] * 6)
    (1, 3)
    >>> main_run([5, 0, 4], [False, True, False])
    (0, 0)
    """
    best: tuple[float, int, int] | None = None
    total, start = 0.0, 0
    for i, (score, barrier) in enumerate(zip(scores, barriers, strict=True)):
        if barrier:
            total, start = 0.0, i + 1
            continue
        if total <= 0:
            total, start = 0.0, i
        total += score
        if total > 0 and (best is None or total > best[0]):
            best = (total, start, i)
    return None if best is None else (best[1], best[2])


def _extend(
    blocks: list[Block], raw_class: dict[int, str], barriers: list[bool], first: int, last: int
) -> tuple[int, int]:
    """Extend the run over adjacent prose (a lede or last paragraph next to a byline, caption...).

    Blocks that are neither body nor furniture (title, caption, credit, duplicate) are stepped
    over, and up to :data:`MAX_SHORT_GAP` short blocks in a row (a time stamp, a dateline); a
    body block joins when its own shape is ``good`` or ``neargood``.
    """

    def step(i: int, direction: int) -> int:
        j = i + direction
        gap = 0
        while 0 <= j < len(blocks) and not barriers[j]:
            if blocks[j].role in ("body", "heading"):
                if raw_class.get(j) in ("good", "neargood"):
                    i = j
                elif raw_class.get(j) != "short" or gap >= MAX_SHORT_GAP:
                    break
                gap = 0 if i == j else gap + 1
                j += direction
                continue
            if blocks[j].role == "boilerplate":
                break
            j += direction
        return i

    return step(first, -1), step(last, 1)


def apply_page_shape(blocks: list[Block], families: list[Family | None]) -> None:
    """Re-class the ``body`` and ``heading`` blocks of a page by shape and position (in place).

    A text with no ``good`` block gives too little evidence to judge shapes: there every body
    block counts as prose and only the end of the article (a tail family after it) applies.
    """
    candidates = [i for i, b in enumerate(blocks) if b.role in ("body", "heading")]
    if not candidates:
        return
    classes = [block_class(blocks[i].text) for i in candidates]
    evidence = "good" in classes
    if evidence:
        sentences = [sentence_like(blocks[i].text) for i in candidates]
        smoothed = dict(zip(candidates, smooth(classes, sentences), strict=True))
    else:
        smoothed = dict.fromkeys(candidates, "good")
    scores: list[float] = []
    barriers: list[bool] = []
    for i, b in enumerate(blocks):
        n_words = len(b.text.split())
        fam = families[i]
        barriers.append(bool(fam is not None and fam.tail))
        if i in smoothed:
            if b.role == "heading":
                scores.append(0.0)
            else:
                scores.append(float(n_words) if smoothed[i] == "good" else -float(max(n_words, 1)))
        elif b.role == "boilerplate":
            scores.append(-float(max(n_words, 1)))
        else:  # title, caption, credit, duplicate: neither prose nor furniture
            scores.append(0.0)
    run = main_run(scores, barriers)
    if run is None:
        return
    first, last = run
    raw_class = dict(zip(candidates, classes, strict=True))
    first, last = _extend(blocks, raw_class, barriers, first, last)
    while first > 0 and blocks[first - 1].role == "heading" and run[0] - first < 2:
        first -= 1  # the section heading right above the run belongs to it
    tail_at = next((i for i in range(last + 1, len(blocks)) if barriers[i]), None)
    for i, b in enumerate(blocks):
        if tail_at is not None and i > tail_at:
            if b.role != "boilerplate":
                b.role = "appended_item"
                b.reason = f"after the {blocks[tail_at].reason} at block {tail_at} (not part of the article)"
            continue
        if b.role not in ("body", "heading"):
            continue
        if not evidence:
            continue
        if not first <= i <= last:
            b.role, b.reason = "boilerplate", OUTSIDE_REASON
        elif b.role == "body" and smoothed[i] == "bad" and not sentence_like(b.text):
            b.role, b.reason = "boilerplate", NOT_PROSE_REASON
