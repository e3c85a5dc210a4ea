"""Cut raw text into blocks (spans of the raw text) and apply whitespace repairs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analysis.clean.patterns import (
    CAPTION_START,
    CREDIT_INLINE,
    NOT_SIGNATURES,
    SIGNOFF,
    SIGNOFF_ALONE,
    SPACES,
    TERMINAL,
    boilerplate_family,
)
from analysis.clean.repair import CAPITALISED, glue_plan, repair_glued
from analysis.clean.vocabulary import CONTINUATION_WORDS

# --------------------------------------------------------------------------- segmentation


@dataclass
class Block:
    """One block of an article: its span of the raw text, repaired text, role and reason."""

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
    open_ended = sum(1 for s, e in full if not TERMINAL.search(raw[e - 1]))
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
    if TERMINAL.search(last_a) or not (first_a.isalnum() or first_a in "\"“‘'("):
        return False
    tail = raw[max(a[0], a[1] - 20) : a[1]]
    last_word = tail.rsplit(None, 1)[-1] if tail.strip() else ""
    if not (first_b.islower() or last_a == "," or last_word in CONTINUATION_WORDS):
        return False
    # a line that is boilerplate on its own ("related news") is not the end of a sentence
    return boilerplate_family(raw[b[0] : b[1]]) is None and boilerplate_family(raw[a[0] : a[1]]) is None


def _pieces(raw: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Split one paragraph span into (start, end, kind) pieces: captions, credits, sign-offs."""
    text = raw[start:end]
    cuts: dict[int, str] = {0: ""}
    for m in CAPTION_START.finditer(text):
        cuts[m.start()] = "caption"
    credit_at = None
    for m in CREDIT_INLINE.finditer(text):
        before = text[: m.start()].rstrip()
        if m.start() == 0 or before.endswith((".", "!", "?", ":", ")", "”", '"', "’", "|", "-", "–", "—")):
            credit_at = m
            break
    if credit_at is not None:
        cuts = {k: v for k, v in cuts.items() if k < credit_at.start()} or {0: ""}
        cuts[credit_at.start()] = "credit"
        if credit_at[0].startswith("(") and credit_at.end() < len(text) and text[credit_at.end() :].strip():
            cuts[credit_at.end()] = ""
    sign = SIGNOFF.search(text)
    alone = SIGNOFF_ALONE.fullmatch(text)
    if alone is not None and alone["code"].casefold() not in NOT_SIGNATURES:
        cuts = {0: "signoff"}
    elif sign is not None and sign.start("code") - 1 > max(cuts):
        code = sign["code"]
        if code.casefold() not in NOT_SIGNATURES:
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


def segment(raw: str) -> list[Block]:
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
    evidence = frozenset(CAPITALISED.findall(raw))
    plan = glue_plan(raw, evidence)
    blocks = []
    for p_start, p_end in paras:
        for s, e, kind in _pieces(raw, p_start, p_end):
            span = raw[s:e]
            repairs = []
            if "\n" in span:
                for m in re.finditer(r"(\S+)[ \t]*\n\s*(\S+)", span):
                    repairs.append(f"joined hard line break between '{m[1]}' and '{m[2]}'")
            text = SPACES.sub(" ", span)
            text, glue = repair_glued(text, evidence, plan)
            blocks.append(Block(s, e, text, kind, repairs + glue))
    return blocks
