"""Sentence and entity tables derived from the token table, and the ``annotate`` entry point."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from analysis.annotate.parse import FIELDS, column_dtype, text_of, tokens
from analysis.core.stage import need, stage

T = TypeVar("T")

#: The order per-article stages read a token table in (a stable sort): by article, field and token.
TOKEN_ORDER: tuple[str, ...] = ("article_id", "field", "token_id")

SENTENCE_COLUMNS: tuple[str, ...] = ("article_id", "field", "sentence_id", "start_char", "end_char", "text")
ENTITY_COLUMNS: tuple[str, ...] = (
    "article_id", "field", "sentence_id", "start_char", "end_char",
    "start_token", "end_token", "text", "label",
)  # fmt: skip


@dataclass(frozen=True)
class Annotations:
    """The spaCy output for a set of articles, as three long tables.

    Attributes
    ----------
    tokens : pandas.DataFrame
        One row per token: ``article_id, field, sentence_id, token_id,
        start_char, end_char, text, whitespace, lemma, pos, tag, dep, head``
        (``head`` is the ``token_id`` of the syntactic head within the same
        field), ``ent_iob, ent_type, is_stop, is_punct, like_num``. Offsets
        are character offsets into the article's ``title`` or ``text``.
    sentences : pandas.DataFrame
        ``article_id, field, sentence_id, start_char, end_char, text``.
    entities : pandas.DataFrame
        Raw spaCy entity spans: ``article_id, field, sentence_id,
        start_char, end_char, start_token, end_token, text, label``.
    """

    tokens: pd.DataFrame
    sentences: pd.DataFrame
    entities: pd.DataFrame


#: Views of live tables, by ``id`` of the table: (weak reference to it, {name: view}).
_VIEWS: dict[int, tuple[weakref.ref, dict[str, Any]]] = {}


def _forget(ref: weakref.ref, key: int) -> None:
    entry = _VIEWS.get(key)
    if entry is not None and entry[0] is ref:
        del _VIEWS[key]


def shared_view(table: pd.DataFrame, name: str, make: Callable[[], T]) -> T:
    """Return ``make()``, computed once per table object and ``name`` while the table lives.

    Several per-article stages read the same chunk's token table the same way (sorted, as
    Python lists, lower-cased); each such view is computed by the first stage that asks and
    shared by the others. A view is forgotten with its table. The table must not be changed
    in place once a view of it is taken (token tables never are), and a caller must not
    change the view it gets.

    Examples
    --------
    >>> t = pd.DataFrame({"text": ["A", "b"]})
    >>> low = shared_view(t, "low", lambda: [w.lower() for w in t["text"]])
    >>> low, shared_view(t, "low", list) is low
    (['a', 'b'], True)
    """
    key = id(table)
    entry = _VIEWS.get(key)
    if entry is None or entry[0]() is not table:
        entry = _VIEWS[key] = (weakref.ref(table, lambda ref, key=key: _forget(ref, key)), {})
    views = entry[1]
    if name not in views:
        views[name] = make()
    return views[name]


def rows_where(table: pd.DataFrame, mask: Any) -> pd.DataFrame:
    """Return ``table[mask]``, or ``table`` itself (no copy) when the mask keeps every row.

    The caller must not change the result in place (it may be the caller's input).
    """
    keep = np.asarray(mask, dtype=bool)
    return table if keep.all() else table[keep]


def sorted_tokens(tokens: pd.DataFrame) -> pd.DataFrame:
    """Return ``tokens`` sorted by :data:`TOKEN_ORDER` (stable; index kept), once per token table.

    Filtering the sorted table gives the same rows in the same order as sorting the filtered one.
    The result is shared: never change it in place.
    """
    return shared_view(tokens, "sorted", lambda: tokens.sort_values(list(TOKEN_ORDER), kind="stable"))


def column_list(table: pd.DataFrame, column: str) -> list:
    """Return ``table[column].tolist()``, once per table object (a shared list: never change it)."""
    return shared_view(table, "list:" + column, lambda: table[column].tolist())


def lower_list(table: pd.DataFrame, column: str) -> list[str]:
    """Return the lower-cased strings of a column as a list, once per table (shared: never change it)."""
    return shared_view(table, "lower:" + column, lambda: [w.lower() for w in column_list(table, column)])


def field_runs(table: pd.DataFrame) -> tuple[list[str], list[str], list[int]]:
    """Return the ``article_id`` and ``field`` strings of each row and the end of each run of one pair.

    For a table sorted by :data:`TOKEN_ORDER` each (article, field) is one run; computed once per
    table (shared lists: never change them).

    Examples
    --------
    >>> t = pd.DataFrame({"article_id": ["a", "a", "b"], "field": ["text", "text", "text"]})
    >>> field_runs(t)[2]
    [2, 3]
    """

    def make() -> tuple[list[str], list[str], list[int]]:
        aids = table["article_id"].astype(str).tolist()
        flds = table["field"].astype(str).tolist()
        a, f = np.array(aids, dtype=object), np.array(flds, dtype=object)
        ends = [*(np.flatnonzero((a[1:] != a[:-1]) | (f[1:] != f[:-1])) + 1).tolist(), len(aids)]
        return aids, flds, ends if aids else []

    return shared_view(table, "runs", make)


def field_texts(articles: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Return ``{(article_id, field): text}`` for the title and body of each article."""
    out = {}
    for field in FIELDS:
        if field in articles.columns:
            for aid, value in zip(articles["article_id"].astype(str), articles[field], strict=True):
                out[(aid, field)] = text_of(value)
    return out


def run_starts(table: pd.DataFrame, keys: list[str]) -> np.ndarray | None:
    """Return the first row of each run of equal ``keys``, or None unless every key forms one run.

    When it returns, ``groupby(keys, sort=False)`` has exactly these groups in this order.
    """
    if table[keys].isna().to_numpy().any():
        return None
    change = np.zeros(len(table), dtype=bool)
    change[0] = True
    for key in keys:
        values = table[key].to_numpy()
        change[1:] |= values[1:] != values[:-1]
    starts = np.flatnonzero(change)
    if _run_frame(table, keys, starts).duplicated().any():
        return None
    return starts


def _run_frame(table: pd.DataFrame, keys: list[str], starts: np.ndarray) -> pd.DataFrame:
    return table[keys].iloc[starts].reset_index(drop=True)


def sentences_from_tokens(toks: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Derive the sentence table from a token table (no parsing).

    A sentence spans its first to its last non-whitespace token, so its text
    never begins or ends with line breaks; sentences of whitespace only are
    left out. Sentences never cross a block (the parser starts one at every
    block, :func:`analysis.annotate.model.block_starts`).
    """
    if len(toks):
        # whitespace tokens left out (each distinct text tested once); only the columns read are copied
        codes, distinct = pd.factorize(toks["text"].astype(str))
        space = np.asarray([t.isspace() for t in distinct], dtype=bool)[codes]
        toks = toks.loc[~space, ["article_id", "field", "sentence_id", "start_char", "end_char"]]
    if toks.empty:
        return pd.DataFrame({c: pd.Series(dtype=column_dtype(c)) for c in SENTENCE_COLUMNS})
    keys = ["article_id", "field", "sentence_id"]
    starts = run_starts(toks, keys)
    if starts is not None:  # each sentence is one run of rows (as the parser writes them): no hashing
        grouped = _run_frame(toks, keys, starts)
        grouped["start_char"] = np.minimum.reduceat(toks["start_char"].to_numpy(), starts)
        grouped["end_char"] = np.maximum.reduceat(toks["end_char"].to_numpy(), starts)
    else:
        grouped = (
            toks.groupby(keys, sort=False)
            .agg(start_char=("start_char", "min"), end_char=("end_char", "max"))
            .reset_index()
        )
    texts = field_texts(articles)
    grouped["text"] = [
        texts.get((a, f), "")[s:e]
        for a, f, s, e in zip(
            grouped["article_id"], grouped["field"], grouped["start_char"], grouped["end_char"], strict=True
        )
    ]
    return grouped[list(SENTENCE_COLUMNS)]


def entities_from_tokens(toks: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Derive spaCy's entity spans from the IOB columns of a token table (no parsing)."""
    ents = toks.loc[
        toks["ent_iob"].isin(["B", "I"]).to_numpy(),
        ["article_id", "field", "sentence_id", "token_id", "start_char", "end_char", "ent_iob", "ent_type"],
    ]  # only the columns read are copied
    if ents.empty:
        return pd.DataFrame({c: pd.Series(dtype=column_dtype(c)) for c in ENTITY_COLUMNS})
    new_span = (
        (ents["ent_iob"] == "B")
        | (ents["token_id"].diff() != 1)
        | (ents["article_id"] != ents["article_id"].shift())
        | (ents["field"] != ents["field"].shift())
    )
    firsts = ["article_id", "field", "sentence_id", "ent_type"]
    if not ents[firsts].isna().to_numpy().any():  # spans are runs of rows: reduce them with numpy
        starts = np.flatnonzero(new_span.to_numpy())
        spans = _run_frame(ents, firsts, starts).rename(columns={"ent_type": "label"})
        spans["start_char"] = np.minimum.reduceat(ents["start_char"].to_numpy(), starts)
        spans["end_char"] = np.maximum.reduceat(ents["end_char"].to_numpy(), starts)
        spans["start_token"] = np.minimum.reduceat(ents["token_id"].to_numpy(), starts)
        spans["end_token"] = np.maximum.reduceat(ents["token_id"].to_numpy(), starts)
    else:
        span_id = new_span.cumsum()
        spans = (
            ents.groupby(span_id, sort=False)
            .agg(
                article_id=("article_id", "first"),
                field=("field", "first"),
                sentence_id=("sentence_id", "first"),
                start_char=("start_char", "min"),
                end_char=("end_char", "max"),
                start_token=("token_id", "min"),
                end_token=("token_id", "max"),
                label=("ent_type", "first"),
            )
            .reset_index(drop=True)
        )
    spans["end_token"] += 1  # exclusive, like spaCy's Span.end
    texts = field_texts(articles)
    spans["text"] = [
        texts.get((a, f), "")[s:e]
        for a, f, s, e in zip(
            spans["article_id"], spans["field"], spans["start_char"], spans["end_char"], strict=True
        )
    ]
    return spans[list(ENTITY_COLUMNS)]


def annotate(articles: pd.DataFrame, **options) -> Annotations:
    """Parse every ``ok`` article once (cached) and return tokens, sentences and entities.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text`` (``title`` and ``status`` used when present).
    **options
        Passed to :func:`tokens` (``cache_dir``, ``n_process``, ``batch_size``, ``progress``).

    Returns
    -------
    Annotations
        ``tokens``, ``sentences`` and ``entities`` tables.
    """
    toks = tokens(articles, **options)
    return Annotations(toks, sentences_from_tokens(toks, articles), entities_from_tokens(toks, articles))


@stage(
    provides="sentences",
    requires=("articles", "annotations"),
    per_article=True,
    columns=SENTENCE_COLUMNS,
)
def sentences(articles: pd.DataFrame, *, annotations: Annotations) -> pd.DataFrame:
    """Return one row per sentence of the title and body.

    Columns: ``article_id, field, sentence_id, start_char, end_char, text``.

    ``start_char``/``end_char`` are offsets into the article's ``title`` or
    ``text`` (per ``field``); sentence boundaries come from spaCy's parser.
    ``annotations`` (:func:`annotate` of ``articles``) is required;
    ``analysis.sentences(articles)`` computes it.
    """
    return need(annotations, "annotations=", "sentences").sentences


@stage(
    provides="entities",
    requires=("articles", "annotations"),
    per_article=True,
    columns=ENTITY_COLUMNS,
)
def entities(articles: pd.DataFrame, *, annotations: Annotations) -> pd.DataFrame:
    """Return spaCy's raw entity spans of the title and body (columns :data:`ENTITY_COLUMNS`).

    ``start_char``/``end_char`` are offsets into the ``field``; ``start_token``
    and ``end_token`` (exclusive) index the token table. ``annotations``
    (:func:`annotate` of ``articles``) is required.
    """
    if annotations is None:
        raise ValueError("entities() needs annotations=: pass analysis.annotate(articles)")
    return annotations.entities
