"""Whitespace-only repairs of glued words (``Berlinsaid`` -> ``Berlin said``)."""

from __future__ import annotations

import re

from analysis.clean.vocabulary import COMMON_ZIPF, KNOWN_ZIPF, SHORT_RIGHT_WORDS, TLDS, VERY_COMMON_ZIPF, zipf

# --------------------------------------------------------------------------- glued words


def _run_around(text: str, start: int, end: int) -> str:
    """Return the whitespace-delimited run that contains ``text[start:end]``."""
    left = text.rfind(" ", 0, start) + 1
    right = text.find(" ", end)
    return text[left : len(text) if right < 0 else right]


def _looks_like_address(run: str) -> bool:
    low = run.lower()
    return "/" in run or "@" in run or "www" in low or "http" in low or "_" in run


def _known_left(word: str, evidence: frozenset[str]) -> bool:
    """Return True when ``word`` may stand as the left half of a split."""
    if len(word) < 3:
        return False
    # a capitalised name printed on its own elsewhere in the same article counts as known
    return zipf(word.lower()) >= KNOWN_ZIPF or (word[0].isupper() and word in evidence)


def _split_lower_glue(token: str, evidence: frozenset[str]) -> tuple[str, str] | None:
    """Split ``Berlinsaid``-style tokens: a known word followed by a common lowercase word."""
    best: tuple[float, int] | None = None
    for i in range(len(token) - 2, 1, -1):
        left, right = token[:i], token[i:]
        if not right.islower() or (len(right) <= 2 and right not in SHORT_RIGHT_WORDS):
            continue
        right_zipf = zipf(right)
        if right_zipf < COMMON_ZIPF or not _known_left(left, evidence):
            continue
        if right_zipf < VERY_COMMON_ZIPF and left not in evidence:
            continue
        score = min(zipf(left.lower()) + (3.0 if left in evidence else 0.0), right_zipf)
        if best is None or score > best[0]:
            best = (score, i)
    if best is None:
        return None
    return token[: best[1]], token[best[1] :]


_CAMEL = re.compile(r"(?<![\w@/.'’-])(?P<left>[a-z]{3,})(?P<right>[A-Z][a-z]+)(?![\w@/'’-]|\.\w)")
_DOT_UPPER = re.compile(
    r"(?<![\w@/.-])(?P<left>[A-Za-z]*[a-z][A-Za-z]*)\.(?P<right>[A-Z][a-z]+)\b(?![@/.]\w)"
)
_DOT_LOWER = re.compile(r"(?<![\w@/.-])(?P<left>[A-Za-z]*[a-z]{2})\.(?P<right>[a-z]{2,})\b(?![@/.]\w)")
_MAYBE_DOT = re.compile(r"[a-z]\.[A-Za-z]")
_MAYBE_PUNCT = re.compile(r"[a-z][,;][A-Za-z]|[.!?,][\"”’][A-Za-z]")
_MAYBE_CAMEL = re.compile(r"[a-z][A-Z]")
_ALPHA5 = re.compile(r"[A-Za-z]{5,}")
#: Capitalised words printed on their own: the article's evidence for rare names.
CAPITALISED = re.compile(r"(?<![A-Za-z])[A-Z][a-z]+(?![A-Za-z])")


def glue_plan(text: str, evidence: frozenset[str]) -> dict[str, str]:
    """Decide once per distinct unknown token how to split it (``Berlinsaid`` -> ``Berlin said``)."""
    plan = {}
    for token in set(_ALPHA5.findall(text)):
        if token.isupper() or not token[1:].islower() or zipf(token.lower()) > 0:
            continue
        parts = _split_lower_glue(token, evidence)
        if parts is not None:
            plan[token] = f"{parts[0]} {parts[1]}"
    return plan


_PUNCT_GLUE = re.compile(r"(?<=[a-z]{2})(?P<p>[,;]|[.!?,][\"”’])(?=[A-Za-z]{2})")


def repair_glued_words(text: str, *, evidence: frozenset[str] | None = None) -> tuple[str, list[str]]:
    """Split words glued together by machine translation or bad extraction.

    Parameters
    ----------
    text : str
        One block of text.
    evidence : frozenset of str, optional
        Capitalised words printed on their own elsewhere in the same article
        (default: those of ``text``); a rare name (``Shoigu``) found there
        counts as known.

    Returns
    -------
    tuple of (str, list of str)
        The repaired text (only spaces are inserted) and one description per
        repair, e.g. ``"split glued 'Kyiv.The' -> 'Kyiv. The'"``.

    Examples
    --------
    >>> repair_glued_words("talks in Berlin.The minister saidhe was ready")[0]
    'talks in Berlin. The minister said he was ready'
    """
    if evidence is None:
        evidence = frozenset(CAPITALISED.findall(text))
    return repair_glued(text, evidence, glue_plan(text, evidence))


def repair_glued(text: str, evidence: frozenset[str], plan: dict[str, str]) -> tuple[str, list[str]]:
    """Apply the glued-word repairs to one block, with the article's evidence and :func:`glue_plan`."""
    repairs: list[str] = []

    def record(old: str, new: str) -> str:
        repairs.append(f"split glued '{old}' -> '{new}'")
        return new

    def dot_upper(m: re.Match[str]) -> str:
        left, right = m["left"], m["right"]
        run = _run_around(m.string, m.start(), m.end())
        if len(left) < 2 or right.lower() in TLDS or _looks_like_address(run):
            return m[0]
        return record(m[0], f"{left}. {right}")

    def dot_lower(m: re.Match[str]) -> str:
        left, right = m["left"], m["right"]
        run = _run_around(m.string, m.start(), m.end())
        if right in TLDS or _looks_like_address(run) or zipf(right) < COMMON_ZIPF:
            return m[0]
        if zipf(left.lower()) < KNOWN_ZIPF and left not in evidence:
            return m[0]
        return record(m[0], f"{left}. {right}")

    def punct(m: re.Match[str]) -> str:
        run = _run_around(m.string, m.start(), m.end())
        if _looks_like_address(run):
            return m[0]
        repairs.append(f"added space after {m['p']!r} in '{run}'")
        return m["p"] + " "

    def camel(m: re.Match[str]) -> str:
        left, right = m["left"], m["right"]
        if zipf(m[0].lower()) > 0:  # a brand that is a word itself (youTube, eBay...)
            return m[0]
        if zipf(left) < KNOWN_ZIPF:
            return m[0]
        if zipf(right.lower()) < 1.5 and right not in evidence:
            return m[0]
        return record(m[0], f"{left} {right}")

    # cheap pre-checks first, so that big texts without any glue are not scanned four times
    if _MAYBE_DOT.search(text):
        text = _DOT_UPPER.sub(dot_upper, text)
        text = _DOT_LOWER.sub(dot_lower, text)
    if _MAYBE_PUNCT.search(text):
        text = _PUNCT_GLUE.sub(punct, text)
    if _MAYBE_CAMEL.search(text):
        text = _CAMEL.sub(camel, text)
    # unknown tokens: the plan was decided once per distinct token of the article
    plan = {t: new for t, new in plan.items() if t in text}
    if plan:
        alternation = "|".join(map(re.escape, sorted(plan, key=len, reverse=True)))
        targeted = re.compile(rf"(?<![\w@/.'’-])(?:{alternation})(?![\w@/'’-]|\.\w)")
        text = targeted.sub(lambda m: record(m[0], plan[m[0]]), text)
    return text, repairs
