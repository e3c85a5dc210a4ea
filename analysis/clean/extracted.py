r"""Block roles of a page dump from the article an extractor found in the page's HTML.

An HTML page is read as two things (see :mod:`analysis.ingest.html`): ``raw_text``, the whole
page dumped to plain text (blocks separated by a blank line, the ``<title>`` first), and
``extracted_text``, the article body trafilatura found. :func:`extracted_blocks` cuts the dump
into its blocks and gives every block a role and a reason: ``body`` for blocks of the extracted
article, ``title`` for the page title and the headline, ``boilerplate`` for the rest, so every
non-whitespace character of the dump stays in exactly one block ("nothing lost silently").

Matching is done on word tokens (``\w+``, case-folded), so whitespace, entities, typography
around words and paragraphs the extractor cut or merged differently do not matter: a block is
body when at least :data:`MIN_SHARE` of its words align, in order, with the extracted text.
:func:`apply_rule` lets the cleaner's own caption/byline/promo rules re-classify body blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

#: A block is body when at least this share of its words aligns with the extracted article.
MIN_SHARE = 0.5
#: Aligned runs shorter than this many words count only when they are a whole block.
MIN_RUN = 3
#: A block the extractor skipped between two body blocks is recovered as body when it has at
#: least this many words and reads as a sentence (ends with sentence punctuation).
RECOVER_MIN_WORDS = 12
#: Long prose blocks directly before or after the extracted article join it (the extractor cut
#: the article short) when they have at least this many words and end a sentence.
EXTEND_MIN_WORDS = 40
#: Short blocks (up to EXTEND_GAP_WORDS words) the extension may step over, at most EXTEND_GAP in a row.
EXTEND_GAP = 1
EXTEND_GAP_WORDS = 3

REASON_OUTSIDE = "outside the article trafilatura extracted"
REASON_INSIDE = "between extracted paragraphs but not part of the article trafilatura extracted"
REASON_PAGE_TITLE = "the page's <title>"
REASON_HEADLINE = "the headline (the extracted title)"
REASON_BODY = "in the article trafilatura extracted"
REASON_RECOVERED = "prose between extracted paragraphs that trafilatura skipped"
REASON_NO_WORDS = "no words (punctuation or symbols only)"
REASON_EXTENDED = "prose paragraph right next to the extracted article"

_BLANK_LINE = re.compile(r"\n[ \t\f\v\r]*\n\s*")
_TOKEN = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass
class ExtractedBlock:
    """One block of a page dump: character span in ``raw_text``, text, role and reason."""

    start: int
    end: int
    text: str
    role: str = "boilerplate"
    reason: str = REASON_OUTSIDE
    share: float = 0.0


def dump_spans(raw_text: str) -> list[tuple[int, int]]:
    r"""Return the ``(start, end)`` spans of the blank-line-separated blocks, stripped.

    >>> dump_spans("Title\n\n One block\nsame block \n\n\nNext")
    [(0, 5), (8, 28), (32, 36)]
    """
    spans = []
    pos = 0
    for m in [*_BLANK_LINE.finditer(raw_text), None]:
        end = m.start() if m is not None else len(raw_text)
        chunk = raw_text[pos:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk) - len(chunk.rstrip())
            spans.append((pos + lead, end - trail))
        if m is not None:
            pos = m.end()
    return spans


def _tokens(text: str) -> list[str]:
    return [t.casefold() for t in _TOKEN.findall(text)]


def _aligned_counts(block_tokens: Sequence[list[str]], body: list[str]) -> list[int]:
    """Count, per block, the words that align in order with the extracted body."""
    flat: list[str] = []
    owner: list[int] = []
    for i, toks in enumerate(block_tokens):
        flat.extend(toks)
        owner.extend([i] * len(toks))
    counts = [0] * len(block_tokens)
    if not flat or not body:
        return counts
    matcher = SequenceMatcher(None, flat, body, autojunk=False)
    for a, _b, size in matcher.get_matching_blocks():
        whole = size > 0 and size == len(block_tokens[owner[a]])
        if size < MIN_RUN and not whole:  # single common words ("the", "and") align by chance
            continue
        for k in range(a, a + size):
            counts[owner[k]] += 1
    return counts


def _same(a: str, b: str) -> bool:
    return bool(a) and _tokens(a) == _tokens(b)


def extracted_blocks(
    raw_text: str,
    extracted_text: str | None,
    *,
    title: str | None = None,
    min_share: float = MIN_SHARE,
    recover: bool = False,
    extend: bool = True,
    page_title: bool = True,
) -> list[ExtractedBlock]:
    r"""Give every block of a page dump a role from the extracted article.

    Parameters
    ----------
    raw_text : str
        The page dump (blocks separated by a blank line, the page title first).
    extracted_text : str or None
        The article body the extractor returned (paragraphs separated by line breaks).
    title : str, optional
        The extracted (or given) title: dump blocks that print it get role ``title``.
    min_share : float
        Share of a block's words that must align with the extracted body for ``body``.
    recover : bool, default False
        Recover prose blocks the extractor skipped between two body blocks.
    extend : bool, default True
        Grow the article over adjacent long prose blocks (see :data:`EXTEND_MIN_WORDS`): the
        extractor sometimes stops at an ad slot in the middle of an article. ``recover`` is off:
        on the tuning half of extraction-dev it changed F1 by less than 0.001.
    page_title : bool, default True
        The first block is the page's ``<title>`` (role ``title``), as in a page dump.

    Returns
    -------
    list of ExtractedBlock
        In text order; ``text`` is the block with whitespace runs made one space; every
        non-whitespace character of ``raw_text`` is in exactly one block.

    Examples
    --------
    >>> raw = "Rain | Site\n\nHome\n\nRain falls\n\nIt rained all day in the city.\n\nShare"
    >>> blocks = extracted_blocks(raw, "It rained all day in the city.", title="Rain falls")
    >>> [b.role for b in blocks]
    ['title', 'boilerplate', 'title', 'body', 'boilerplate']
    >>> blocks[1].reason
    'outside the article trafilatura extracted'
    """
    blocks = [ExtractedBlock(s, e, _SPACES.sub(" ", raw_text[s:e])) for s, e in dump_spans(raw_text)]
    toks = [_tokens(b.text) for b in blocks]
    skip = 1 if page_title and blocks else 0  # the page's <title> is never article text
    counts = [0] * skip + _aligned_counts(toks[skip:], _tokens(extracted_text or ""))
    for i, (b, t, c) in enumerate(zip(blocks, toks, counts, strict=True)):
        b.share = c / len(t) if t else 0.0
        if t and b.share >= min_share and i >= skip:
            b.role, b.reason = "body", REASON_BODY
    body_at = [i for i, b in enumerate(blocks) if b.role == "body"]
    if body_at:
        first, last = body_at[0], body_at[-1]
        for i in range(first + 1, last):
            b = blocks[i]
            if b.role == "body":
                continue
            if not toks[i] and blocks[i - 1].role == "body" and blocks[i + 1].role == "body":
                b.role, b.reason = "body", REASON_NO_WORDS
            elif (
                recover
                and blocks[i - 1].role == "body"
                and blocks[i + 1].role == "body"
                and _prose(b.text, toks[i], RECOVER_MIN_WORDS)
            ):
                b.role, b.reason = "body", REASON_RECOVERED
            else:
                b.reason = REASON_INSIDE
    if extend:
        _extend(blocks, toks)
    for i, b in enumerate(blocks):
        if i == 0 and page_title:
            b.role, b.reason = "title", REASON_PAGE_TITLE
        elif b.role == "body":
            continue
        elif title and _same(b.text, title):
            b.role, b.reason = "title", REASON_HEADLINE
        elif not toks[i]:
            b.reason = REASON_NO_WORDS
        elif b.share > 0 and b.reason == REASON_OUTSIDE:
            b.reason = f"{REASON_OUTSIDE} (only {b.share:.0%} of its words are in it)"
    if title:
        # the headline printed just above the article is its title, not body text
        first = next((i for i, b in enumerate(blocks) if b.role == "body"), None)
        if first is not None and _same(blocks[first].text, title):
            blocks[first].role, blocks[first].reason = "title", REASON_HEADLINE
    return blocks


def _prose(text: str, tokens: list[str], min_words: int) -> bool:
    return len(tokens) >= min_words and bool(_SENTENCE_END.search(text))


def _extend(blocks: list[ExtractedBlock], toks: list[list[str]], gap: int = EXTEND_GAP) -> None:
    """Grow the article over runs of long prose blocks next to it that the extractor left out.

    The run may start after up to ``gap`` short blocks (an "Advertisement" label, an ad slot
    between two halves of the article); those stay outside the article.
    """
    body_at = [i for i, b in enumerate(blocks) if b.role == "body"]
    if not body_at:
        return
    for step, edge in ((1, body_at[-1]), (-1, body_at[0])):
        i, skipped = edge + step, 0
        while 0 < i < len(blocks) and blocks[i].role != "body":
            if _prose(blocks[i].text, toks[i], EXTEND_MIN_WORDS):
                blocks[i].role, blocks[i].reason = "body", REASON_EXTENDED
                skipped = 0
            elif skipped < gap and len(toks[i]) <= EXTEND_GAP_WORDS:
                skipped += 1
            else:
                break
            i += step


#: Lines that point away from the article: related links, promos, newsletter and app prompts.
PROMO = re.compile(
    r"^\W*(?:related(?:\s+(?:post|posts|stories|story|articles?|content|coverage|reading))?\s*:|"
    r"(?:read|see|watch)\s+(?:more|also|next)\b|see\s+also\b|also\s+(?:on|read|see|watch)\b|also\s*:|"
    r"more\s+(?:from|on|about|stories|news)\b|recommended\b|(?:you\s+)?(?:may|might)\s+also\s+like\b|"
    r"popular\s+on\b|most\s+(?:read|popular|viewed|shared)\b|don.?t\s+miss\b|trending\b|"
    r"sign\s+up\b|subscribe\b|click\s+here\b|tap\s+here\b|get\s+the\s+\w+(?:\s+\w+)?\s+app\b|"
    r"follow\s+(?:us|@|\w+\s+on\s+(?:twitter|facebook|instagram))|like\s+this\s+(?:story|article)\b|"
    r"share\s+(?:this|it)\b|advertisement\b|sponsored\b|disclaimer\s*:|if\s+you\s+enjoyed\s+this)",
    re.IGNORECASE,
)
#: Contact and credit lines: e-mail addresses, handles, "contributed to this report".
CONTACT = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+|(?:^|\s)@\w{2,}|twitter\.com/|contributed\s+(?:to\s+)?this\s+report|"
    r"^contributing\s*:|^(?:additional\s+)?reporting\s+by\b|^(?:staff|wire)\s+reports?$|^with\s+\w+\s+wires$",
    re.IGNORECASE,
)
CREDIT = re.compile(
    r"^\W*(?:©|\(c\)\s|photo(?:graph)?s?\s*(?::|by\b|credit)|image(?:s)?\s*(?::|by\b|credit|source)|"
    r"picture\s*:|credit\s*:|source\s*:)|\b(?:getty\s+images|ap\s+photo|shutterstock|afp\s+via)\b",
    re.IGNORECASE,
)
DATELINE = re.compile(
    r"^\W*(?:(?:published|updated|posted|last\s+updated)\b[\s:]*(?:on|at)?\s*.{0,40}|"
    r"(?:\w+\.?,?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}.{0,25}|"
    r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{4}.{0,25})$",
    re.IGNORECASE,
)
SEPARATOR = re.compile(r"^[_\-–—=*~•·]{3,}$")
#: Body blocks up to this many words are checked by the promo, contact, credit and date rules.
RULE_MAX_WORDS = 40


def page_rule(text: str) -> tuple[str, str] | None:
    """Classify a short body block that is page furniture rather than article text.

    Returns ``(role, reason)`` or None for article text; generic shapes only (promo and
    related-link lines, contact and contributor lines, photo credits, date lines).

    >>> page_rule("Related: Ten facts about comets")
    ('boilerplate', 'promo or related-link line')
    >>> page_rule("Published 3 March 2021")
    ('boilerplate', 'date line')
    >>> page_rule("She signed up in March.") is None
    True
    """
    words = len(_TOKEN.findall(text))
    if words > RULE_MAX_WORDS:
        return None
    if SEPARATOR.match(text):
        return "boilerplate", "separator line"
    if PROMO.match(text):
        return "boilerplate", "promo or related-link line"
    if CONTACT.search(text) and words <= 25:
        return "credit", "contact or contributor line"
    if CREDIT.search(text) and words <= 30:
        return "caption", "photo caption or credit"
    if DATELINE.match(text):
        return "boilerplate", "date line"
    return None


def refine(blocks: list[ExtractedBlock], *, tail: bool = True) -> list[ExtractedBlock]:
    """Apply :func:`page_rule` to the body blocks, then cut a trailing run of link-like blocks.

    After a promo heading (a block :func:`page_rule` calls a promo line) or a separator line
    in the article's last blocks, the short blocks that follow it (under
    :data:`RECOVER_MIN_WORDS` words or not ending a sentence) are related links or sign-offs.
    """
    apply_rule(blocks, page_rule)
    if not tail:
        return blocks
    body_at = [i for i, b in enumerate(blocks) if b.role == "body" or b.reason in _CUT_REASONS]
    for k, i in enumerate(body_at):
        if blocks[i].reason not in _CUT_REASONS or k < len(body_at) / 2:
            continue
        rest = [blocks[j] for j in body_at[k + 1 :] if blocks[j].role == "body"]
        if all(not _prose(b.text, _tokens(b.text), RECOVER_MIN_WORDS) for b in rest):
            for b in rest:
                b.role, b.reason = (
                    "boilerplate",
                    "after a promo heading or separator at the end of the article",
                )
            break
    return blocks


_CUT_REASONS = frozenset({"promo or related-link line", "separator line"})


def apply_rule(
    blocks: list[ExtractedBlock], rule: Callable[[str], tuple[str, str] | None]
) -> list[ExtractedBlock]:
    r"""Let a cleaning rule re-classify the body blocks (captions, bylines, promos...).

    Parameters
    ----------
    blocks : list of ExtractedBlock
        From :func:`extracted_blocks`.
    rule : callable
        ``rule(text) -> (role, reason)`` for a block that is not article text, else None.

    Returns
    -------
    list of ExtractedBlock
        The same blocks (changed in place) for chaining.

    Examples
    --------
    >>> blocks = extracted_blocks("T\n\nIt rained.\n\nPhoto: AP", "It rained.\nPhoto: AP")
    >>> rule = lambda text: ("credit", "photo credit") if text.startswith("Photo:") else None
    >>> [(b.role, b.reason) for b in apply_rule(blocks, rule)][1:]
    [('body', 'in the article trafilatura extracted'), ('credit', 'photo credit')]
    """
    for b in blocks:
        if b.role != "body":
            continue
        verdict = rule(b.text)
        if verdict is not None:
            b.role, b.reason = verdict
    return blocks


def page_blocks(
    raw_text: str,
    extracted_text: str | None,
    *,
    title: str | None = None,
    rule: Callable[[str], tuple[str, str] | None] | None = None,
) -> list[ExtractedBlock]:
    r"""Return the blocks of one page with roles: the extracted article, the page rules, then ``rule``.

    This is the one call the cleaner needs for a row that carries an extractor result:
    :func:`extracted_blocks`, then :func:`refine` (promo, contact, credit, date lines and the
    link run after a promo heading), then the cleaner's own ``rule`` on the remaining body
    blocks (see :func:`apply_rule`).

    >>> raw = "Rain | Site\n\nHome\n\nIt rained all day.\n\nRead more: Snow next week"
    >>> [b.role for b in page_blocks(raw, "It rained all day.\nRead more: Snow next week")]
    ['title', 'boilerplate', 'body', 'boilerplate']
    """
    blocks = refine(extracted_blocks(raw_text, extracted_text, title=title))
    return apply_rule(blocks, rule) if rule is not None else blocks


def body_text(blocks: Sequence[ExtractedBlock]) -> str:
    """Join the body blocks with a blank line (the article's ``text``)."""
    return "\n\n".join(b.text for b in blocks if b.role == "body")
