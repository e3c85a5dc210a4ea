"""Give each block a role (title, heading, body, caption, credit, boilerplate, appended item, duplicate)."""

from __future__ import annotations

import re
from collections import Counter

from analysis.clean.furniture import FURNITURE_REASON, line_hash
from analysis.clean.patterns import (
    AUTHOR_BIO,
    AUTHOR_BIO_MAX_WORDS,
    BYLINE_BLOCK,
    CAPTION_BLOCK,
    CAPTION_MAX_WORDS,
    CAPTION_START,
    CREDIT_BLOCK,
    DATE_ONLY,
    SIGNOFF_PREFIX,
    Family,
    boilerplate_family,
    normalise_block,
)
from analysis.clean.segment import Block
from analysis.clean.shape import apply_page_shape

#: most ``NEAR_DUPLICATE_MAX_BLOCKS`` blocks.
NEAR_DUPLICATE_MIN_WORDS = 15
NEAR_DUPLICATE_RATIO = 0.9
NEAR_DUPLICATE_MAX_BLOCKS = 400
#: Role of bylines, contributor lines and author bios.
BYLINE_ROLE = "byline"
#: Reasons of bylines, author bios, photo credits and stand-alone captions.
BIO_REASON = "byline / author bio (names a contact)"
BYLINE_REASON = "byline or contributor line"
CREDIT_REASON = "photo credit"
GALLERY_REASON = "photo caption (gallery caption or ends with a photographer/agency credit)"
#: Reason given to a title block.
TITLE_REASON = "title (stored in the title column)"
#: Reason given to a section heading.
HEADING_REASON = "section heading (kept out of text)"


_INNER_SENTENCE = re.compile(r"[a-z]{2,}[.!?][\"”’]?\s+[\"“‘]?[A-Z]")
#: Most words of a headline in sentence case (a Title Case headline may have up to 30).
HEADLINE_MAX_WORDS = 20


def headline_like(text: str) -> bool:
    """Return True for a line shaped like a headline.

    4-30 words, at most 250 characters, no final ``. ; , :`` (nor a sentence closed inside a
    quote), starts with a capital, digit or quote, holds one sentence only, and is either Title
    Case or at most :data:`HEADLINE_MAX_WORDS` words long: a lede paragraph is not a headline.

    >>> headline_like("Ministers meet in Geneva for ceasefire talks")
    True
    >>> headline_like("The ministers met in Geneva on Tuesday to discuss a ceasefire, officials said")
    True
    >>> headline_like("The talks began. Officials said the meeting would last two days")
    False
    >>> headline_like("WASHINGTON, March 3, 2024")
    False
    """
    words = text.split()
    if not (
        4 <= len(words) <= 30
        and len(text) <= 250
        and not re.search(r"[.;,:]$|[.!?][\"”’)]+$", text)
        and (text[0].isupper() or text[0].isdigit() or text[0] in "\"“‘'")
        and not _INNER_SENTENCE.search(text)
        and not DATE_ONLY.fullmatch(text)
    ):
        return False
    if len(words) <= HEADLINE_MAX_WORDS:
        return True
    content = [w.lstrip("\"“‘'(") for w in words]
    content = [w for w in content if len(w) >= 4 and w[:1].isalpha()]
    return not content or sum(w[0].isupper() for w in content) >= 0.6 * len(content)


_QUOTE_CLAUSE = re.compile(r"[,!?][\"”’]\s")


def heading_like(text: str) -> bool:
    """Return True for a short line shaped like a section heading.

    Short (1-12 words, 120 characters), no final ``. , ;``, starts with a
    capital, digit or quote, and is either Title Case (most words of 4+
    letters capitalised), a question, or at most five words. A quotation
    with its attribution (``"We are ready," he said``) is never a heading.
    """
    words = text.split()
    if not (
        1 <= len(words) <= 12
        and len(text) <= 120
        and not re.search(r"[.;,]$", text)
        and (text[0].isupper() or text[0].isdigit() or text[0] in "\"“‘'")
        and any(c.isalpha() for c in text)
    ):
        return False
    if _QUOTE_CLAUSE.search(text):
        return False
    content = [w.lstrip("\"“‘'(") for w in words]
    content = [w for w in content if len(w) >= 4 and w[:1].isalpha()]
    title_case = not content or sum(w[0].isupper() for w in content) >= 0.6 * len(content)
    return title_case or text.endswith(("?", ":")) or len(words) <= 5


def block_rule(text: str) -> tuple[str, str] | None:
    """Classify one block on its own: a boilerplate family, a byline / author bio, a credit, a caption.

    Returns ``(role, reason)``, or None for a block these rules leave as article text. This is
    the rule the cleaner runs on the blocks of an HTML page that the extractor kept as article
    (see :func:`analysis.clean.extracted.page_blocks`).

    >>> block_rule("Subscribe to our newsletter")
    ('boilerplate', 'share/subscribe/newsletter')
    >>> block_rule("The talks in Geneva resumed on Monday.") is None
    True
    """
    text = text.strip()
    if not text:
        return None
    fam = boilerplate_family(text)
    if fam is not None:
        return "boilerplate", fam.name
    return single_block_role(text)


def single_block_role(text: str, kind: str = "") -> tuple[str, str] | None:
    """Return ``(role, reason)`` of a byline, author bio, photo credit or stand-alone caption, else None.

    ``kind``: the segmenter's kind of the block (``"credit"`` for a credit it split off a line).

    >>> single_block_role("Jane Roe, The Associated Press")
    ('byline', 'byline or contributor line')
    >>> single_block_role("Jane Roe said the vote, delayed twice, would be held on Friday.") is None
    True
    """
    n_words = len(text.split())
    if not kind and n_words <= AUTHOR_BIO_MAX_WORDS and AUTHOR_BIO.match(text):
        return BYLINE_ROLE, BIO_REASON
    if kind == "credit":
        return "credit", CREDIT_REASON
    if kind:
        return None
    if len(text) <= 160 and BYLINE_BLOCK.fullmatch(text):
        return BYLINE_ROLE, BYLINE_REASON
    if n_words <= CAPTION_MAX_WORDS and CAPTION_BLOCK.fullmatch(text):
        return "caption", GALLERY_REASON
    if len(text) <= 160 and CREDIT_BLOCK.fullmatch(text):
        return "credit", CREDIT_REASON
    if CAPTION_START.match(text):
        return "caption", "photo caption (dateline pattern CITY, COUNTRY - DATE :)"
    return None


def classify_blocks(
    blocks: list[Block], given_title: str | None, furniture: frozenset[str] = frozenset()
) -> None:
    """Give each block its role and reason (in place); ``furniture``: its outlet's furniture line hashes."""
    families = [None if b.kind else boilerplate_family(b.text) for b in blocks]
    given_norm = normalise_block(given_title) if given_title else ""
    # a given "headline; subheadline" may be printed as two blocks
    given_parts = {normalise_block(p) for p in (given_title or "").split(";") if len(p.split()) >= 3}
    # first body-like block: for the "headline above a copy of the body" rule
    first_body = None
    for i, (b, fam) in enumerate(zip(blocks, families, strict=True)):
        if fam is None and not b.kind and not heading_like(b.text) and not headline_like(b.text):
            first_body = i
            break
    first_body_norm = normalise_block(blocks[first_body].text) if first_body is not None else None
    seen: dict[str, int] = {}
    bodies: list[tuple[int, list[str], Counter[str]]] = []  # (position, words, counts) of body blocks
    seen_caption: dict[str, int] = {}
    title_found = False
    body_seen = False
    list_at: int | None = None
    for i, (b, fam) in enumerate(zip(blocks, families, strict=True)):
        norm = normalise_block(b.text)
        if fam is not None:
            b.role, b.reason = "boilerplate", fam.name
            # a short header such as "Related Posts" is followed by a list of linked headlines
            list_at = i if fam.lists and b.text.count(" ") < 5 else None
            continue
        if furniture and line_hash(b.text) in furniture:
            b.role, b.reason = "boilerplate", FURNITURE_REASON
            continue
        if list_at is not None and not b.kind:
            if heading_like(b.text) or headline_like(b.text):
                b.role, b.reason = "boilerplate", f"{families[list_at].name} (listed under block {list_at})"
                continue
            list_at = None
        if b.kind in ("caption", "caption_line"):
            b.role = "caption"
            if norm in seen_caption:
                b.reason = f"photo caption, repeated (same as block {seen_caption[norm]})"
            else:
                b.reason = "photo caption" + (
                    " (dateline pattern CITY, COUNTRY - DATE :)"
                    if b.kind == "caption"
                    else " (printed on the line of a photo credit)"
                )
                seen_caption[norm] = i
            continue
        single = single_block_role(b.text, b.kind) if b.kind in ("", "credit") else None
        if single is not None:
            b.role, b.reason = single
            continue
        if b.kind == "signoff":
            b.role, b.reason = "credit", "agency sign-off"
            b.signature = SIGNOFF_PREFIX.sub("", b.text.strip("() "))
            continue
        is_title = not body_seen and norm in given_parts  # headline or subheadline of a given title
        if not title_found and not is_title:
            if given_norm:
                # the printed headline may carry a little more or less than the given title
                is_title = bool(norm) and (
                    norm == given_norm
                    or (not body_seen and norm in given_parts)
                    or (not body_seen and headline_like(b.text) and prefix_match(norm, given_norm))
                )
            elif not body_seen and headline_like(b.text):
                # the first headline-like block before any body (a short kicker above it is a heading)
                is_title = True
            elif (
                headline_like(b.text)
                and first_body is not None
                and i > first_body
                and i + 1 < len(blocks)
                and normalise_block(blocks[i + 1].text) == first_body_norm
            ):
                is_title = True
        if is_title:
            b.role, b.reason = "title", TITLE_REASON
            title_found = True
            seen.setdefault(norm, i)
            continue
        if norm in seen:
            b.role, b.reason = "duplicate", f"repeat of block {seen[norm]}"
            continue
        near = _near_repeat(norm, bodies) if len(blocks) <= NEAR_DUPLICATE_MAX_BLOCKS else None
        if near is not None:
            b.role, b.reason = "duplicate", f"near repeat of block {near[0]} (similarity {near[1]:.2f})"
            continue
        seen[norm] = i
        if (
            heading_like(b.text)
            and i + 1 < len(blocks)
            and not (body_seen and _list_item(blocks, families, i))
        ):
            b.role, b.reason = "heading", HEADING_REASON
            continue
        b.role, b.reason = "body", ""
        body_seen = True
        if norm.count(" ") + 1 >= NEAR_DUPLICATE_MIN_WORDS:
            words = norm.split()
            bodies.append((i, words, Counter(words)))
    # the page's shape and the end of the article (a tail family only after the main run of prose)
    apply_page_shape(blocks, families)


def _near_repeat(norm: str, bodies: list[tuple[int, list[str], Counter[str]]]) -> tuple[int, float] | None:
    """Return (position, similarity) of an earlier body block this one nearly repeats, else None.

    The similarity is difflib's ``SequenceMatcher(None, other, words, autojunk=False).ratio()``;
    its two upper bounds (``real_quick_ratio`` from the lengths, ``quick_ratio`` from the word
    multisets, here from ``Counter`` intersections) rule out most pairs before it is computed.
    """
    from difflib import SequenceMatcher

    words = norm.split()
    if len(words) < NEAR_DUPLICATE_MIN_WORDS:
        return None
    matcher = None
    counts = None
    for position, other, other_counts in bodies:
        total = len(other) + len(words)
        if abs(len(other) - len(words)) > (1 - NEAR_DUPLICATE_RATIO) * max(len(other), len(words)) * 2:
            continue
        if 2.0 * min(len(other), len(words)) / total < NEAR_DUPLICATE_RATIO:  # real_quick_ratio
            continue
        if counts is None:
            counts = Counter(words)
        if 2.0 * sum((other_counts & counts).values()) / total < NEAR_DUPLICATE_RATIO:  # quick_ratio
            continue
        if matcher is None:  # one matcher per block: its index of ``words`` is built once
            matcher = SequenceMatcher(None, autojunk=False)
            matcher.set_seq2(words)
        matcher.set_seq1(other)
        ratio = matcher.ratio()
        if ratio >= NEAR_DUPLICATE_RATIO:
            return position, ratio
    return None


def prefix_match(a: str, b: str) -> bool:
    """Return True when one normalised text starts with the other (and the shorter has 3+ words)."""
    short, long = sorted((a, b), key=len)
    return short.count(" ") >= 2 and (long == short or long.startswith(short + " "))


def _list_item(blocks: list[Block], families: list[Family | None], i: int) -> bool:
    """Return True when block ``i`` sits in a run of short lines (a list), not above a paragraph."""
    nxt = blocks[i + 1]
    prev = blocks[i - 1] if i > 0 else None
    short_next = not nxt.kind and families[i + 1] is None and heading_like(nxt.text)
    short_prev = prev is not None and prev.role == "body" and heading_like(prev.text)
    return short_next or short_prev
