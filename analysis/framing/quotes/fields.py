"""One article field as plain token lists, its quotation marks and paragraphs."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.annotate.tables import column_list, field_runs, lower_list, shared_view, sorted_tokens
from analysis.framing.quotes.lexicon import OPEN_CLOSE, OPENERS, WORD

# --------------------------------------------------------------------------- per-field state


@dataclass
class Mention:
    """One entity mention of a field (offsets, canonical name, kind, country)."""

    start: int
    end: int
    text: str
    canonical: str
    kind: str
    country: str | None = None
    via: str = ""
    via: str = ""


#: Name suffixes that are not a surname ("Joseph R. Biden Jr." is Biden).
NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


@functools.lru_cache(maxsize=65536)
def surname(name: str) -> str:
    """Return the lower-case surname of a name: its last word, generational suffixes aside.

    Memoised: the source typing compares every speaker's surname with every name of its article.

    >>> surname("Joseph R. Biden Jr."), surname("Jane Roe"), surname("Roe")
    ('biden', 'roe', 'roe')
    """
    words = [w.strip(",") for w in name.split()]
    while len(words) > 1 and words[-1].lower() in NAME_SUFFIXES:
        words.pop()
    return words[-1].lower() if words else ""


@dataclass(eq=False)
class Field:
    """Tokens of one article field as plain lists (fast to walk), plus mentions.

    Two fields are equal only when they are the same object (each (article, field) has one).
    """

    article_id: str
    name: str
    text: str
    ids: list[int]
    start: list[int]
    end: list[int]
    word: list[str]
    lemma: list[str]
    pos: list[str]
    tag: list[str]
    dep: list[str]
    head: list[int]
    sent: list[int]
    ent: list[str]
    mentions: list[Mention]
    #: ``(start, end)`` characters of each quotation with its marks; None until the quote detection sets it
    quoted: list[tuple[int, int]] | None = None
    #: ``word`` and ``lemma`` lower-cased (computed here when not given)
    low: list[str] = field(default_factory=list)
    lem: list[str] = field(default_factory=list)
    #: index of each token's head (-1 at a root or where the head is no token of the field), and the
    #: children of token ``i``, ``kid_list[kid_start[i]:kid_start[i + 1]]`` in text order (computed here
    #: when not given; :func:`field_groups` gives them for a whole chunk at once)
    parents: list[int] = field(default_factory=list)
    kid_list: list[int] = field(default_factory=list)
    kid_start: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.low) != len(self.word):
            self.low = [w.lower() for w in self.word]
        if len(self.lem) != len(self.lemma):
            self.lem = [w.lower() for w in self.lemma]
        if len(self.parents) != len(self.ids):
            index = {tid: i for i, tid in enumerate(self.ids)}
            self.parents = [index.get(h, -1) for h in self.head]
            self.parents = [-1 if j == i else j for i, j in enumerate(self.parents)]
            children: list[list[int]] = [[] for _ in self.ids]
            for i, j in enumerate(self.parents):
                if j >= 0:
                    children[j].append(i)
            self.kid_list = [c for kids in children for c in kids]
            self.kid_start = np.cumsum([0, *map(len, children)]).tolist()

    def in_quotation(self, pos: int) -> bool:
        """Tell whether character ``pos`` lies inside one of the field's quotations (:attr:`quoted`)."""
        return any(a <= pos < b for a, b in self.quoted or ())

    def kids(self, i: int) -> list[int]:
        """Return the children of token ``i`` (a new list)."""
        return self.kid_list[self.kid_start[i] : self.kid_start[i + 1]]

    def parent(self, i: int) -> int | None:
        """Return the head of token ``i`` (None at the root)."""
        j = self.parents[i]
        return None if j < 0 else j

    def subtree(self, i: int) -> list[int]:
        """Return token ``i`` and everything below it, in text order."""
        out, stack = [], [i]
        while stack:
            k = stack.pop()
            out.append(k)
            stack.extend(self.kids(k))
        return sorted(out)

    def at(self, char: int) -> int | None:
        """Index of the first token that ends after ``char``."""
        lo = bisect.bisect_right(self.end, char)  # token ends are sorted
        return lo if lo < len(self.start) else None

    def tokens_in(self, a: int, b: int) -> range:
        """Return the token indices overlapping characters ``[a, b)``."""
        i = self.at(a)
        if i is None:
            return range(0)
        j = i
        while j < len(self.start) and self.start[j] < b:
            j += 1
        return range(i, j)


# --------------------------------------------------------------------------- quotation marks


@dataclass
class Span:
    """One quoted span: inside and outside the marks, and whether it was closed."""

    start: int  # first char inside the marks
    end: int  # char after the last char inside the marks
    balanced: bool
    outer_start: int
    outer_end: int


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) character bounds of the paragraphs of ``text``."""
    bounds, pos = [], 0
    for m in re.finditer(r"\n\s*", text):
        if m.start() > pos:
            bounds.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        bounds.append((pos, len(text)))
    return bounds


def _is_apostrophe(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before.isalnum() and after.isalnum()


#: Every character that opens or closes a double-mark quotation (openers and :data:`OPEN_CLOSE`'s closers).
_DOUBLE_MARKS = re.compile('[“«„"”»]')


def quote_spans(text: str) -> list[Span]:
    """Find quoted spans in ``text``: paired marks, multi-paragraph quotes and unbalanced marks.

    Double marks (curly, straight, guillemets) are paired within a paragraph; a
    quote opened and not closed runs to the end of its paragraph, and joins the
    next paragraph when that one opens with a quotation mark (news convention for
    quotes over several paragraphs). A closing mark with no opening one starts
    the quote at the start of its paragraph. Single marks (‘…’, '…') are used
    only outside double-quoted spans, and never where they are apostrophes.
    """
    spans: list[Span] = []
    paragraphs = paragraph_bounds(text)
    carry: Span | None = None  # a quote left open at the end of the previous paragraph
    for a, b in paragraphs:
        cont = carry if carry is not None and text[a] in OPENERS else None
        if carry is not None and cont is None:
            spans.append(carry)  # never closed and not continued: unbalanced, ends with its paragraph
        carry = None
        open_at: int | None = None
        close_char = ""
        for mark in _DOUBLE_MARKS.finditer(text, a, b):  # no other character opens or closes a quote
            i = mark.start()
            ch = text[i]
            if open_at is None:
                if ch in "“«„" or (ch == '"' and (i == a or not text[i - 1].isalnum())):
                    open_at, close_char = i, ('"' if ch == '"' else OPEN_CLOSE[ch])
                elif ch in '”»"':
                    # a closing mark with no opening one: the quote runs from the paragraph start
                    spans.append(Span(a, i, False, a, i + 1))
            elif ch == close_char or (close_char in '”"' and ch in '”"'):
                start, outer = open_at + 1, open_at
                if cont is not None and open_at == a:
                    start, outer = cont.start, cont.outer_start
                spans.append(Span(start, i, True, outer, i + 1))
                open_at = None
        if open_at is not None:
            start, outer = open_at + 1, open_at
            if cont is not None and open_at == a:
                start, outer = cont.start, cont.outer_start
            carry = Span(start, b, False, outer, b)
    if carry is not None:
        spans.append(carry)
    spans.extend(_single_quote_spans(text, spans))
    spans = [s for s in spans if WORD.search(text[s.start : s.end])]
    return sorted(spans, key=lambda s: (s.start, s.end))


def _single_quote_spans(text: str, doubles: list[Span]) -> list[Span]:
    inside = [(s.outer_start, s.outer_end) for s in doubles]
    out = []
    for m in re.finditer(r"(?<![\w’'])[‘'](?=\w)", text):
        i = m.start()
        if any(a <= i < b for a, b in inside):
            continue
        close = "’" if text[i] == "‘" else "'"
        limit = text.find("\n", i)
        limit = len(text) if limit < 0 else limit
        for j in range(i + 1, min(limit, i + 400)):
            if text[j] in (close, "’") and not _is_apostrophe(text, j):
                out.append(Span(i + 1, j, True, i, j + 1))
                break
    return out


def para_id(f: Field, i: int) -> int:
    """Paragraph number of token ``i`` (count of newlines before it)."""
    return _nl_before(f, i)


def _nl_before(f: Field, i: int) -> int:
    cache = f.__dict__.setdefault("_nl", None)
    if cache is None:
        pos = [m.start() for m in re.finditer(r"\n\s*", f.text)]
        f.__dict__["_nl"] = pos
        cache = pos
    return bisect.bisect_right(cache, f.start[i])


# --------------------------------------------------------------------------- public API


def field_texts(rows: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Map (article_id, field) to text; a title derived from the body (``title_derived``) is left out."""
    out = {}
    derived = rows["title_derived"].eq(True) if "title_derived" in rows.columns else None
    for fld in ("title", "text"):
        if fld in rows.columns:
            values = rows[fld]
            if fld == "title" and derived is not None:
                values = values.where(~derived, "")
            for aid, value in zip(rows["article_id"].astype(str), values, strict=True):
                out[(aid, fld)] = value if isinstance(value, str) else ""
    return out


#: Lemmatizer slips of the parser that hide a cue: wrong lemma -> (lemma, the word's beginning).
#: spaCy's English lemmatizer turns "hopes", "hoped" and "hoping" into "hop".
LEMMA_SLIPS = {"hop": ("hope", "hope")}

_LIST_COLUMNS = (
    "token_id", "start_char", "end_char", "text", "lemma", "pos", "tag", "dep", "head",
    "sentence_id", "ent_type",
)  # fmt: skip


def field_groups(toks: pd.DataFrame, texts: dict, by_field: dict) -> Iterable[tuple[str, list[Field]]]:
    """Yield (article_id, fields) from a token table sorted once, slicing plain lists (fast).

    The sorted table, its columns as lists, the lower-cased words and the dependency trees are
    the chunk's shared views (:func:`analysis.annotate.tables.shared_view`): other stages reading
    the same token table reuse them.
    """
    if toks.empty:
        return
    toks = sorted_tokens(toks)
    cols = {c: column_list(toks, c) for c in _LIST_COLUMNS}
    low = lower_list(toks, "text")  # once per chunk, not in every rule that compares words
    lem = lower_list(toks, "lemma")
    slips = [k for k, lemma in enumerate(cols["lemma"]) if lemma in LEMMA_SLIPS]
    if slips:  # corrected in copies: the shared lists stay as the parser wrote them
        lemma, lem = list(cols["lemma"]), list(lem)
        cols["lemma"] = lemma
        for k in slips:
            right, prefix = LEMMA_SLIPS[lemma[k]]
            if cols["text"][k].lower().startswith(prefix):
                lemma[k] = right
                lem[k] = right.lower()
    aids, flds, ends = field_runs(toks)
    n = len(aids)
    tree = token_tree(toks)
    start = 0
    current: list[Field] = []
    for i in ends:
        key = (aids[start], flds[start])
        tree_part = {} if tree is None else {
            "parents": tree.parents[start:i], "kid_list": tree.kid_list,
            "kid_start": tree.kid_start[start : i + 1],
        }  # fmt: skip
        current.append(
            Field(key[0], key[1], texts.get(key, ""), *(cols[c][start:i] for c in _LIST_COLUMNS),
                  by_field.get(key, []), low=low[start:i], lem=lem[start:i], **tree_part)
        )  # fmt: skip
        if i == n or aids[i] != aids[start]:
            yield aids[start], current
            current = []
        start = i


def token_tree(toks: pd.DataFrame) -> ChunkTree | None:
    """Return :func:`chunk_tree` of a token table sorted by article, field and token, once per table.

    Shared by the stages that read one chunk's token table (never change it).
    """
    ids, heads = toks["token_id"].to_numpy(), toks["head"].to_numpy()
    return shared_view(toks, "tree", lambda: chunk_tree(ids, heads, field_runs(toks)[2]))


@dataclass(frozen=True)
class ChunkTree:
    """The dependency tree of every field of a chunk, as lists over the chunk's tokens.

    ``parents[k]``: the index within its field of token ``k``'s head (-1 at a root or where the
    head is no token of the field); the children of token ``k``, in text order, are
    ``kid_list[kid_start[k] : kid_start[k + 1]]`` (indices within the field). A field of the
    run ``a:b`` takes ``parents[a:b]`` and ``kid_start[a : b + 1]`` and shares ``kid_list``.
    """

    parents: list[int]
    kid_list: list[int]
    kid_start: list[int]


def chunk_tree(ids: np.ndarray, head: np.ndarray, ends: list[int]) -> ChunkTree | None:
    """Return the :class:`ChunkTree` of a chunk's token table, for every field at once.

    ``ids`` and ``head`` are the token ids and head ids of the chunk's tokens, sorted by (article,
    field, token id), and ``ends`` the end of each field's run. The same as :class:`Field`
    computes for one field: a head id is looked up among its field's token ids (the last token
    with that id). None when the ids are not non-negative integers.

    Examples
    --------
    >>> ids, head = np.array([0, 1, 2, 0, 1]), np.array([1, 1, 1, 0, 7])  # two fields: 3 and 2 tokens
    >>> tree = chunk_tree(ids, head, [3, 5])
    >>> tree.parents, [tree.kid_list[tree.kid_start[i] : tree.kid_start[i + 1]] for i in range(5)]
    ([1, -1, 1, -1, -1], [[], [0, 2], [], [], []])
    """
    if ids.dtype.kind not in "iu" or head.dtype.kind not in "iu" or not len(ids) or ids.min() < 0:
        return None
    n = len(ids)
    bounds = np.asarray([0, *ends])
    run = np.repeat(np.arange(len(ends)), np.diff(bounds))
    run_start = bounds[:-1][run]
    # one sorted key per token (runs follow one another, ids ascend within a run); heads clipped to their run
    width = int(ids.max()) + 3
    token_key = run * width + ids.astype(np.int64) + 1
    head_key = run * width + np.clip(head.astype(np.int64) + 1, 0, width - 1)
    at = np.searchsorted(token_key, head_key, side="right") - 1  # the last token with that id
    found = (at >= run_start) & (token_key[np.maximum(at, 0)] == head_key) & (at != np.arange(n))
    parents = np.where(found, at - run_start, -1)
    child = np.flatnonzero(found)
    order = np.argsort(at[child], kind="stable")  # by parent, then in text order
    kid_list = (child - run_start[child])[order].tolist()
    kid_start = np.concatenate([[0], np.cumsum(np.bincount(at[child], minlength=n))]).tolist()
    return ChunkTree(parents.tolist(), kid_list, kid_start)
