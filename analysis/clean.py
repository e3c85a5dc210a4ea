"""Split raw articles into blocks, give each block a role, and keep only body text.

Every article's ``raw_text`` is cut into *blocks*: spans ``(start_char,
end_char)`` of the raw text that together cover every non-whitespace
character of it, in order. Each block gets a role (``title``, ``heading``,
``body``, ``caption``, ``credit``, ``boilerplate``, ``appended_item``,
``duplicate``) and a reason; only ``body`` blocks are kept in ``text``.
Repairs (a hard line break rejoined, words glued by machine translation
split) only ever insert or replace whitespace, so nothing printed is lost
and every repair is recorded in ``paragraphs().repairs``.

The rules are general pattern families (see ``docs/cleaning.md``); the
editable lists live in ``analysis/data/boilerplate.yaml`` and
``analysis/data/outlet_signatures.csv``.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from analysis import config

#: Columns of :func:`paragraphs`, in order.
BLOCK_COLUMNS: tuple[str, ...] = (
    "article_id",
    "position",
    "role",
    "kept",
    "reason",
    "text",
    "start_char",
    "end_char",
    "repairs",
)
#: A body block of at least this many words that matches an earlier one word for word at
#: this ratio (difflib) is a near repeat (a copy with small edits); checked in articles of at
#: most ``NEAR_DUPLICATE_MAX_BLOCKS`` blocks.
NEAR_DUPLICATE_MIN_WORDS = 15
NEAR_DUPLICATE_RATIO = 0.9
NEAR_DUPLICATE_MAX_BLOCKS = 400
#: Reason given to a title block.
TITLE_REASON = "title (stored in the title column)"
#: Reason given to a section heading.
HEADING_REASON = "section heading (kept out of text)"

# --------------------------------------------------------------------------- vocabulary

#: A word is "known" (may be split off as the left part) when its Zipf frequency
#: (wordfreq, English) is at least this, or when it is printed on its own elsewhere in the article.
KNOWN_ZIPF = 4.0
#: The right-hand part of a glued word must be at least this common (function words, common verbs)
#: when the left part is printed on its own elsewhere in the article ...
COMMON_ZIPF = 4.5
#: ... and at least this common when only the vocabulary vouches for the left part ("Berlinsaid").
VERY_COMMON_ZIPF = 5.0
#: The only two-letter words that may be split off as the right part ("Lavrovat" -> "Lavrov at").
SHORT_RIGHT_WORDS = frozenset(
    "at in on to of by as is it an or if so be he we me my no up do go us am".split()
)
#: Domain endings never split off as a word ("gate.io", "example.com").
TLDS = frozenset(
    "com org net io co gov edu int mil info biz tv ly ai app dev news online site uk de fr ru ua eu cn jp "
    "ch nl se no es pl cz tr ir il ca au nz za br mx ar gr pt ro bg hu sk at be dk fi lt lv ee by kz "
    "az am ge "
    "html htm php asp aspx pdf jpg png gif".split()
)
#: Words that, ending a line, show the sentence goes on (hard line break mid-sentence).
_CONTINUATION_WORDS = frozenset(
    "a an the of to in on at for with by from and or but nor as that which who whom whose than "
    "into onto over under about after before between during against among through via per "
    "is are was were be been being has have had will would shall should can could may might must "
    "his her its their our your my this these those said says told".split()
)


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    """Return wordfreq's English ``best`` frequency list, kept once per machine as a ``marshal`` file.

    Importing wordfreq and unpacking its list costs about half a second per process; the copy in
    :data:`analysis.core.rowstore.MODEL_DIR` (one per wordfreq and Python version) loads in a few ms.
    """
    from importlib.metadata import version

    from analysis.core import rowstore

    def unpack() -> dict[str, float]:
        import wordfreq

        return wordfreq.get_frequency_dict("en", wordlist="best")

    return rowstore.stored_dict(f"wordfreq-en-best-{version('wordfreq')}", unpack)


@lru_cache(maxsize=200_000)
def _zipf(word: str) -> float:
    """Return the Zipf frequency of a lowercase word (0.0 when wordfreq does not know it)."""
    freq = _frequencies().get(word)
    return round(math.log10(freq * 1e9), 2) if freq else 0.0


# --------------------------------------------------------------------------- pattern data


@dataclass(frozen=True)
class _Family:
    name: str
    regex: re.Pattern[str]
    max_words: int
    tail: bool
    lists: bool
    keywords: re.Pattern[str] | None


@lru_cache(maxsize=1)
def _families() -> tuple[_Family, ...]:
    import yaml

    with open(config.DATA_DIR / "boilerplate.yaml", encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    families = []
    for fam in spec["families"]:
        alternation = "|".join(f"(?:{p})" for p in fam["patterns"])
        families.append(
            _Family(
                name=str(fam["name"]),
                regex=re.compile(rf"(?:{alternation})", re.IGNORECASE),
                max_words=int(fam.get("max_words", 40)),
                tail=bool(fam.get("tail", False)),
                lists=bool(fam.get("lists", False)),
                keywords=re.compile(fam["keywords"], re.IGNORECASE) if fam.get("keywords") else None,
            )
        )
    return tuple(families)


@lru_cache(maxsize=1)
def outlet_signatures() -> pd.DataFrame:
    """Read the table of known agency / outlet signatures.

    Returns
    -------
    pandas.DataFrame
        Columns ``signature`` (the code printed in the text, e.g. ``AFP``),
        ``outlet``, ``full_name``, ``outlet_type``, ``country``; from
        ``analysis/data/outlet_signatures.csv`` (edit it to add agencies).
    """
    with open(config.DATA_DIR / "outlet_signatures.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return pd.DataFrame(rows, columns=["signature", "outlet", "full_name", "outlet_type", "country"])


@lru_cache(maxsize=1)
def _signature_lookup() -> dict[str, tuple[str, str, str]]:
    table = outlet_signatures()
    lookup: dict[str, tuple[str, str, str]] = {}
    for row in table.itertuples():
        for key in (row.signature, row.outlet, row.full_name):
            lookup.setdefault(str(key).casefold(), (row.outlet, row.full_name, row.outlet_type))
    return lookup


# --------------------------------------------------------------------------- regexes

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_PLACE = r"[A-Z][A-Z'.\-]+(?: [A-Z][A-Z'.\-]+){0,3}"
#: Stock-photo caption dateline: "CITY, COUNTRY - MONTH DD, YYYY :" (and close variants).
CAPTION_START = re.compile(
    rf"{_PLACE}(?:, ?{_PLACE}){{1,2}} ?[-–—] ?"
    rf"(?:(?i:{_MONTH}) \d{{1,2}},? \d{{4}}|\d{{1,2}} (?i:{_MONTH}),? \d{{4}}|"
    rf"\d{{4}}[/.-]\d{{1,2}}[/.-]\d{{1,2}}|"
    rf"\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}) ?:"
)
#: Photo credits that may start in the middle of a line (after a caption).
_CREDIT_INLINE = re.compile(
    r"(?:By (?:Shutterstock|Getty Images|Alamy|Depositphotos|iStock|Adobe Stock)\b"
    r"|\((?:[A-Z][\w.&-]* )?(?:Photo|Image|Picture|Foto|Video)s? ?(?:[/:]|by\b|credit\b)[^()\n]{0,150}\)"
    r"|\((?:Getty Images|Shutterstock|Alamy|iStock)[^()\n]{0,80}\)"
    r"|\((?:Reuters|AFP|AP|EPA|EPA-EFE|Anadolu|Xinhua|dpa|TASS|Sputnik)(?:/| Photo| via)[^()\n]{0,80}\)"
    r"|(?:Photo|Image|Picture|Photograph|Foto)s? ?(?:credit)? ?(?::|by\b)"
    r"|(?:Credit|Source|Courtesy)s? ?:(?= ?[A-Z(])"
    r"|Credit(?:s)? (?:to|by)\b)"
)
_CREDIT_BLOCK = re.compile(
    r"(?:By (?:[A-Z][\w.'-]+ ){0,3}[A-Z][\w.'-]+(?:,? (?:and )?(?:[A-Z][\w.'-]+ ?){1,4})*\.?"
    r"|(?:Additional )?(?:Reporting|Writing|Editing|Compiled|Translated|Edited) by\b.*"
    r"|.{0,80}\b(?:contributed|contributing) (?:to )?(?:this|the) (?:report|story|article)\.?"
    r"|\(?(?:Photo|Image|Picture|Photograph)s?\b.{0,100}"
    r"|.{0,60}(?:/ ?|\bvia |\bby |© ?)"
    r"(?:Shutterstock|Getty Images|Alamy|AP|AFP|Reuters|REUTERS|EPA-EFE|iStock)\b.{0,60})",
)
#: Agency sign-off at the very end of a line: "... talks continue. (AFP)".
_SIGNOFF = re.compile(r"(?<=[.!?\"”’)])\s*\((?P<code>[A-Z][\w&.\- ]{0,28}[\w.])\)\s*$")
_SIGNOFF_ALONE = re.compile(r"\((?P<code>[A-Z][\w&.\- ]{0,28}[\w.])\)")
#: Words before the agency name inside a sign-off: "(With inputs from PTI)".
_SIGNOFF_PREFIX = re.compile(
    r"^(?:with (?:inputs?|reporting|files) from|source:?|via|from)\s+", re.IGNORECASE
)
_NOT_SIGNATURES = frozenset(
    "end ends more update updated corrected correction video photo photos audio live pdf en fr "
    "opinion analysis editorial file archive".split()
)
#: Agency dateline at the start of the body: "MOSCOW, Dec 21 (Reuters) -".
_DATELINE = re.compile(
    r"^[A-Z][\w .'’-]{1,40}(?:,[\w .'’-]{1,25})?\s*\((?P<code>[A-Z][\w&.\- ]{0,28}[\w.])\)\s*[-–—:]"
)
#: Repost disclaimer that names the platform: "... endorsement of its views by <Platform>, nor ...".
_REPOSTER = re.compile(
    r"endorsement of (?:its|their|the|any) (?:views|opinions|content) by "
    r"(?P<name>[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3})"
)

_NON_WORD = re.compile(r"\W{2,}|[^\w ]")
_SPACES = re.compile(r"\s{2,}|[^\S ]")
_TERMINAL = re.compile(r"[.!?;:\"”’)\]…]$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[\"“‘(]?[A-Z0-9])")


def _norm(text: str) -> str:
    """Normalise a block for duplicate comparison (case, punctuation and spacing ignored)."""
    # same as re.sub(r"\W+", " ", ...) but leaves single spaces alone (fast on big texts)
    return _NON_WORD.sub(" ", text.casefold()).strip()


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
    return _zipf(word.lower()) >= KNOWN_ZIPF or (word[0].isupper() and word in evidence)


def _split_lower_glue(token: str, evidence: frozenset[str]) -> tuple[str, str] | None:
    """Split ``Berlinsaid``-style tokens: a known word followed by a common lowercase word."""
    best: tuple[float, int] | None = None
    for i in range(len(token) - 2, 1, -1):
        left, right = token[:i], token[i:]
        if not right.islower() or (len(right) <= 2 and right not in SHORT_RIGHT_WORDS):
            continue
        right_zipf = _zipf(right)
        if right_zipf < COMMON_ZIPF or not _known_left(left, evidence):
            continue
        if right_zipf < VERY_COMMON_ZIPF and left not in evidence:
            continue
        score = min(_zipf(left.lower()) + (3.0 if left in evidence else 0.0), right_zipf)
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
_CAPITALISED = re.compile(r"(?<![A-Za-z])[A-Z][a-z]+(?![A-Za-z])")


def _glue_plan(text: str, evidence: frozenset[str]) -> dict[str, str]:
    """Decide once per distinct unknown token how to split it (``Berlinsaid`` -> ``Berlin said``)."""
    plan = {}
    for token in set(_ALPHA5.findall(text)):
        if token.isupper() or not token[1:].islower() or _zipf(token.lower()) > 0:
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
        evidence = frozenset(_CAPITALISED.findall(text))
    return _repair_glued(text, evidence, _glue_plan(text, evidence))


def _repair_glued(text: str, evidence: frozenset[str], plan: dict[str, str]) -> tuple[str, list[str]]:
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
        if right in TLDS or _looks_like_address(run) or _zipf(right) < COMMON_ZIPF:
            return m[0]
        if _zipf(left.lower()) < KNOWN_ZIPF and left not in evidence:
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
        if _zipf(m[0].lower()) > 0:  # a brand that is a word itself (youTube, eBay...)
            return m[0]
        if _zipf(left) < KNOWN_ZIPF:
            return m[0]
        if _zipf(right.lower()) < 1.5 and right not in evidence:
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


# --------------------------------------------------------------------------- segmentation


@dataclass
class _Block:
    start: int
    end: int
    text: str
    kind: str = ""  # "", "caption", "credit", "caption_line", "signoff"
    repairs: list[str] = field(default_factory=list)
    role: str = "body"
    reason: str = ""
    signature: str = ""


_LINE = re.compile(r"[^\n]*\S[^\n]*")


def _lines(raw: str) -> list[tuple[int, int]]:
    """Return the spans of the non-blank lines of ``raw``, stripped of surrounding whitespace."""
    spans = []
    for m in _LINE.finditer(raw):
        line = m.group()
        start = m.start() + (len(line) - len(line.lstrip()))
        end = m.end() - (len(line) - len(line.rstrip()))
        spans.append((start, end))
    return spans


def _wrap_width(raw: str, lines: list[tuple[int, int]]) -> int:
    """Return the column width when the text is hard-wrapped (e-mail style), else 0."""
    if len(lines) < 6:
        return 0
    width = max(e - s for s, e in lines)
    if width > 110 or width < 30:
        return 0
    full = [(s, e) for s, e in lines if e - s >= 0.75 * width]
    open_ended = sum(1 for s, e in full if not _TERMINAL.search(raw[e - 1]))
    return width if len(full) >= 0.6 * len(lines) and open_ended >= 0.5 * len(full) else 0


def _joins(raw: str, a: tuple[int, int], b: tuple[int, int], width: int) -> bool:
    """Decide whether line ``b`` continues the sentence of line ``a`` (a hard line break)."""
    gap = raw[a[1] : b[0]]
    if gap.count("\n") != 1:
        return False
    first_a, last_a = raw[a[0]], raw[a[1] - 1]
    first_b = raw[b[0]]
    if width and (a[1] - a[0]) >= 0.75 * width:
        return True
    if _TERMINAL.search(last_a) or not (first_a.isalnum() or first_a in "\"“‘'("):
        return False
    tail = raw[max(a[0], a[1] - 20) : a[1]]
    last_word = tail.rsplit(None, 1)[-1] if tail.strip() else ""
    if not (first_b.islower() or last_a == "," or last_word in _CONTINUATION_WORDS):
        return False
    # a line that is boilerplate on its own ("related news") is not the end of a sentence
    return _boilerplate(raw[b[0] : b[1]]) is None and _boilerplate(raw[a[0] : a[1]]) is None


def _pieces(raw: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Split one paragraph span into (start, end, kind) pieces: captions, credits, sign-offs."""
    text = raw[start:end]
    cuts: dict[int, str] = {0: ""}
    for m in CAPTION_START.finditer(text):
        cuts[m.start()] = "caption"
    credit_at = None
    for m in _CREDIT_INLINE.finditer(text):
        before = text[: m.start()].rstrip()
        if m.start() == 0 or before.endswith((".", "!", "?", ":", ")", "”", '"', "’", "|", "-", "–", "—")):
            credit_at = m
            break
    if credit_at is not None:
        cuts = {k: v for k, v in cuts.items() if k < credit_at.start()} or {0: ""}
        cuts[credit_at.start()] = "credit"
        if credit_at[0].startswith("(") and credit_at.end() < len(text) and text[credit_at.end() :].strip():
            cuts[credit_at.end()] = ""
    sign = _SIGNOFF.search(text)
    alone = _SIGNOFF_ALONE.fullmatch(text)
    if alone is not None and alone["code"].casefold() not in _NOT_SIGNATURES:
        cuts = {0: "signoff"}
    elif sign is not None and sign.start("code") - 1 > max(cuts):
        code = sign["code"]
        if code.casefold() not in _NOT_SIGNATURES:
            cuts[sign.start("code") - 1] = "signoff"
    bounds = sorted(cuts)
    out = []
    for i, s in enumerate(bounds):
        e = bounds[i + 1] if i + 1 < len(bounds) else len(text)
        piece = text[s:e]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        if piece.strip():
            out.append((start + s + lead, start + e - trail, cuts[s]))
    if credit_at is not None:
        # text printed on the same line as a photo credit is its caption
        out = [(s, e, "caption_line" if k == "" and len(raw[s:e].split()) <= 60 else k) for s, e, k in out]
    return out


def _segment(raw: str) -> list[_Block]:
    """Cut raw text into blocks (spans) and apply whitespace repairs."""
    lines = _lines(raw)
    if not lines:
        return []
    width = _wrap_width(raw, lines)
    paras: list[tuple[int, int]] = []
    cur = lines[0]
    for nxt in lines[1:]:
        if _joins(raw, cur, nxt, width):
            cur = (cur[0], nxt[1])
        else:
            paras.append(cur)
            cur = nxt
    paras.append(cur)
    evidence = frozenset(_CAPITALISED.findall(raw))
    plan = _glue_plan(raw, evidence)
    blocks = []
    for p_start, p_end in paras:
        for s, e, kind in _pieces(raw, p_start, p_end):
            span = raw[s:e]
            repairs = []
            if "\n" in span:
                for m in re.finditer(r"(\S+)[ \t]*\n\s*(\S+)", span):
                    repairs.append(f"joined hard line break between '{m[1]}' and '{m[2]}'")
            text = _SPACES.sub(" ", span)
            text, glue = _repair_glued(text, evidence, plan)
            blocks.append(_Block(s, e, text, kind, repairs + glue))
    return blocks


# --------------------------------------------------------------------------- classification


@lru_cache(maxsize=1)
def _any_keyword() -> re.Pattern[str] | None:
    """Return one regex matching wherever any family's keyword regex matches (None without keywords)."""
    keywords = [f.keywords.pattern for f in _families() if f.keywords is not None]
    if not keywords:
        return None
    return re.compile("|".join(f"(?:{k})" for k in keywords), re.IGNORECASE)


@lru_cache(maxsize=1)
def _keyword_max_words() -> int:
    return max((f.max_words for f in _families() if f.keywords is not None), default=0)


@lru_cache(maxsize=65536)
def _boilerplate(text: str) -> _Family | None:
    """Return the first boilerplate family whose pattern matches the whole block (memoised per text)."""
    n_words = text.count(" ") + 1
    any_keyword = _any_keyword()
    # one scan tells whether any keyword occurs at all (most blocks have none)
    no_keyword = (
        any_keyword is None or n_words > _keyword_max_words() or any_keyword.search(text) is None
    )
    for fam in _families():
        if fam.keywords is not None and (no_keyword or n_words > fam.max_words):
            continue
        if n_words > fam.max_words or (fam.keywords is not None and not fam.keywords.search(text)):
            continue
        if fam.regex.fullmatch(text.strip()):
            return fam
    return None


def _headline_like(text: str) -> bool:
    words = text.split()
    return (
        4 <= len(words) <= 30
        and len(text) <= 250
        and not re.search(r"[.;,:]$", text)
        and (text[0].isupper() or text[0].isdigit() or text[0] in "\"“‘'")
    )


_QUOTE_CLAUSE = re.compile(r"[,!?][\"”’]\s")


def _heading_like(text: str) -> bool:
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


def _classify(blocks: list[_Block], given_title: str | None) -> None:
    """Give each block its role and reason (in place)."""
    families = [None if b.kind else _boilerplate(b.text) for b in blocks]
    given_norm = _norm(given_title) if given_title else ""
    # first body-like block: for the "headline above a copy of the body" rule
    first_body = None
    for i, (b, fam) in enumerate(zip(blocks, families, strict=True)):
        if fam is None and not b.kind and not _heading_like(b.text) and not _headline_like(b.text):
            first_body = i
            break
    first_body_norm = _norm(blocks[first_body].text) if first_body is not None else None
    seen: dict[str, int] = {}
    bodies: list[tuple[int, list[str], Counter[str]]] = []  # (position, words, counts) of body blocks
    seen_caption: dict[str, int] = {}
    title_found = False
    body_seen = False
    tail_at: int | None = None
    list_at: int | None = None
    for i, (b, fam) in enumerate(zip(blocks, families, strict=True)):
        norm = _norm(b.text)
        if fam is not None:
            b.role, b.reason = "boilerplate", fam.name
            if fam.tail and body_seen and tail_at is None:
                tail_at = i
            # a short header such as "Related Posts" is followed by a list of linked headlines
            list_at = i if fam.lists and b.text.count(" ") < 5 else None
            continue
        if list_at is not None and not b.kind and tail_at is None:
            if _heading_like(b.text) or _headline_like(b.text):
                b.role, b.reason = "boilerplate", f"{families[list_at].name} (listed under block {list_at})"
                continue
            list_at = None
        if tail_at is not None:
            b.role = "appended_item"
            b.reason = f"after the {blocks[tail_at].reason} at block {tail_at} (not part of the article)"
            continue
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
        if b.kind == "credit" or (b.kind == "" and len(b.text) <= 160 and _CREDIT_BLOCK.fullmatch(b.text)):
            b.role, b.reason = "credit", "photo credit / byline"
            continue
        if b.kind == "signoff":
            b.role, b.reason = "credit", "agency sign-off"
            b.signature = _SIGNOFF_PREFIX.sub("", b.text.strip("() "))
            continue
        is_title = False
        if not title_found:
            if given_norm:
                # the printed headline may carry a little more or less than the given title
                is_title = bool(norm) and (
                    norm == given_norm
                    or (not body_seen and _headline_like(b.text) and _prefix_match(norm, given_norm))
                )
            elif not body_seen and _headline_like(b.text):
                # the first headline-like block before any body (a short kicker above it is a heading)
                is_title = True
            elif (
                _headline_like(b.text)
                and first_body is not None
                and i > first_body
                and i + 1 < len(blocks)
                and _norm(blocks[i + 1].text) == first_body_norm
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
            _heading_like(b.text)
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


def _near_repeat(
    norm: str, bodies: list[tuple[int, list[str], Counter[str]]]
) -> tuple[int, float] | None:
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


def _prefix_match(a: str, b: str) -> bool:
    """Return True when one normalised text starts with the other (and the shorter has 3+ words)."""
    short, long = sorted((a, b), key=len)
    return short.count(" ") >= 2 and (long == short or long.startswith(short + " "))


def _list_item(blocks: list[_Block], families: list[_Family | None], i: int) -> bool:
    """Return True when block ``i`` sits in a run of short lines (a list), not above a paragraph."""
    nxt = blocks[i + 1]
    prev = blocks[i - 1] if i > 0 else None
    short_next = not nxt.kind and families[i + 1] is None and _heading_like(nxt.text)
    short_prev = prev is not None and prev.role == "body" and _heading_like(prev.text)
    return short_next or short_prev


def _derive_title(text: str, *, max_words: int = 25) -> str:
    """Return the first sentence of ``text`` (cut at ``max_words`` words) as a stand-in title."""
    dateline = _DATELINE.match(text)
    if dateline:
        text = text[dateline.end() :].lstrip()
    first = text
    for m in _SENTENCE_END.finditer(text):
        candidate = text[: m.start()].strip()
        prev = candidate.rsplit(None, 1)[-1] if candidate else ""
        if len(candidate) >= 20 and not re.fullmatch(r"(?:[A-Z]\.)+|[A-Z][a-z]{0,2}\.", prev):
            first = candidate
            break
    words = first.split()
    if len(words) > max_words:
        return " ".join(words[:max_words]) + " …"
    return first.rstrip()


def _detect_outlet(blocks: list[_Block]) -> tuple[str | None, str | None]:
    """Detect the outlet from a repost disclaimer, an agency sign-off or dateline."""
    lookup = _signature_lookup()
    for b in blocks:
        if b.role == "boilerplate":
            m = _REPOSTER.search(b.text)
            if m:
                return m["name"].rstrip(".,"), "aggregator-reposter"
    signs = [b for b in blocks if b.signature and b.role == "credit"]
    if signs:
        code = signs[-1].signature
        known = lookup.get(code.casefold())
        if known:
            return known[0], known[2]
        if re.fullmatch(r"[A-Z]{2,8}", code):
            return code, "unknown"
    body = [b for b in blocks if b.role == "body"]
    if body:
        m = _DATELINE.match(body[0].text)
        if m:
            known = lookup.get(m["code"].casefold())
            if known:
                return known[0], known[2]
    return None, None


def _is_given(title: object) -> bool:
    """Return True for a usable title (not None, NaN, pd.NA or blank)."""
    if title is None or (not isinstance(title, str) and pd.isna(title)):
        return False
    return bool(str(title).strip())


def _article_blocks(raw: str, given_title: str | None) -> list[_Block]:
    blocks = _segment(raw)
    _classify(blocks, given_title)
    return blocks


# --------------------------------------------------------------------------- public API


def paragraphs(articles: pd.DataFrame) -> pd.DataFrame:
    r"""Split each article into blocks and say, for each block, whether it is body text and why.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``raw_text`` (or, failing that, ``text``).
        ``title`` is used when present: a given title (not one with
        ``title_derived`` True) marks the block that prints it as ``title``.

    Returns
    -------
    pandas.DataFrame
        One row per block, in article order then text order: ``article_id``,
        ``position`` (0-based within the article), ``role`` (one of
        :data:`analysis.config.ROLES`), ``kept`` (bool: the block is part of
        ``text``), ``reason``, ``text`` (the block after whitespace repairs),
        ``start_char``, ``end_char`` (offsets into ``raw_text``), ``repairs``
        (``"; "``-joined descriptions, empty when none).

    Examples
    --------
    >>> import pandas as pd
    >>> raw = "Leaders meet in Paris for talks\nThe talks began.\nLeave a Reply"
    >>> paragraphs(pd.DataFrame({"article_id": ["a"], "raw_text": [raw]}))["role"].tolist()
    ['title', 'body', 'boilerplate']
    """
    column = "raw_text" if "raw_text" in articles.columns else "text"
    titles = _given_titles(articles)
    rows: list[tuple] = []
    for article_id, raw, title in zip(articles["article_id"], articles[column], titles, strict=True):
        if not isinstance(raw, str) or not raw.strip():
            continue
        for position, b in enumerate(_article_blocks(raw, title)):
            rows.append(
                (
                    article_id,
                    position,
                    b.role,
                    b.role == "body",
                    b.reason,
                    b.text,
                    b.start,
                    b.end,
                    "; ".join(b.repairs),
                )
            )
    out = pd.DataFrame(rows, columns=list(BLOCK_COLUMNS))
    return out.astype({"position": int, "kept": bool, "start_char": int, "end_char": int})


def _given_titles(articles: pd.DataFrame) -> list[str | None]:
    if "title" not in articles.columns:
        return [None] * len(articles)
    derived = (
        articles["title_derived"].eq(True)
        if "title_derived" in articles.columns
        else pd.Series(False, index=articles.index)
    )
    return [
        str(t) if _is_given(t) and not d else None for t, d in zip(articles["title"], derived, strict=True)
    ]


def clean_articles(raw: pd.DataFrame) -> pd.DataFrame:
    r"""Add the clean body, the title and any outlet evidence to raw articles.

    Parameters
    ----------
    raw : pandas.DataFrame
        Needs ``article_id`` and ``raw_text``; ``title`` (a given title is
        kept) and ``status`` (only ``ok`` rows are cleaned) are used when
        present.

    Returns
    -------
    pandas.DataFrame
        A copy of ``raw`` with ``text`` (kept body blocks joined by a blank
        line; ``""`` for rows not ``ok``), ``title`` (given, else the detected
        headline, else the first body sentence), ``title_derived`` (bool: the
        title came from the first sentence), ``outlet_detected`` and
        ``outlet_type_detected`` (from a repost disclaimer, an agency sign-off
        such as ``(AFP)``, or an agency dateline; None when no evidence).

    Examples
    --------
    >>> import pandas as pd
    >>> text = "Talks resume in Geneva today\nThe talks began. (AFP)"
    >>> raw = pd.DataFrame({"article_id": ["a"], "raw_text": [text]})
    >>> clean_articles(raw)[["title", "text", "outlet_detected"]].iloc[0].tolist()
    ['Talks resume in Geneva today', 'The talks began.', 'AFP']
    """
    out = raw.copy()
    statuses = out["status"] if "status" in out.columns else pd.Series("ok", index=out.index)
    given = _given_titles(out)
    texts, titles, derived, outlets, types = [], [], [], [], []
    for raw_text, status, title in zip(out["raw_text"], statuses, given, strict=True):
        if status != "ok" or not isinstance(raw_text, str) or not raw_text.strip():
            texts.append("")
            titles.append(title)
            derived.append(False)
            outlets.append(None)
            types.append(None)
            continue
        blocks = _article_blocks(raw_text, title)
        body = "\n\n".join(b.text for b in blocks if b.role == "body")
        texts.append(body)
        detected = next((b.text for b in blocks if b.role == "title"), None)
        if title is not None:
            titles.append(title)
            derived.append(False)
        elif detected is not None:
            titles.append(detected)
            derived.append(False)
        elif body:
            titles.append(_derive_title(body))
            derived.append(True)
        else:
            titles.append(None)
            derived.append(False)
        outlet, outlet_type = _detect_outlet(blocks)
        outlets.append(outlet)
        types.append(outlet_type)
    out["text"] = texts
    out["title"] = pd.Series(titles, index=out.index, dtype=object)
    out["title_derived"] = pd.Series(derived, index=out.index, dtype=bool)
    out["outlet_detected"] = pd.Series(outlets, index=out.index, dtype=object)
    out["outlet_type_detected"] = pd.Series(types, index=out.index, dtype=object)
    return out
