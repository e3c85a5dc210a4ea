"""Parse articles with spaCy (once, cached on disk) into the token table.

No ``Doc`` object ever leaves this module.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config
from analysis.annotate.model import load_model, model_fingerprint
from analysis.annotate.truecase import truecase
from analysis.core import cache
from analysis.schema import ok_articles

#: Texts longer than this are parsed in paragraph-aligned chunks (spaCy's limit is 1,000,000).
CHUNK_CHARS = 100_000
FIELDS = ("title", "text")
#: ``n_process > 1`` is used only when at least this many articles per process need parsing
#: (each extra process loads its own model copy, ~10 s and ~0.9 GB on 2 cores).
MIN_ARTICLES_PER_PROCESS = 100

#: One article's (or one parsed part's) token columns, by name.
Columns = dict[str, np.ndarray]

TOKEN_COLUMNS: tuple[str, ...] = (
    "article_id", "field", "sentence_id", "token_id", "start_char", "end_char", "text", "whitespace",
    "lemma", "pos", "tag", "dep", "head", "ent_iob", "ent_type", "is_stop", "is_punct", "like_num",
)  # fmt: skip


#: spaCy attributes read with one ``Doc.to_array`` call per document (strings come back as hashes).
_ARRAY_ATTRS = (
    "SENT_START", "IDX", "LENGTH", "ORTH", "SPACY", "LEMMA", "POS", "TAG", "DEP", "HEAD",
    "ENT_IOB", "ENT_TYPE", "IS_STOP", "IS_PUNCT", "LIKE_NUM",
)  # fmt: skip
#: The attributes among them that hold strings (``ORTH`` first: unused when the text was true-cased).
_STRING_ATTRS = ("ORTH", "LEMMA", "POS", "TAG", "DEP", "ENT_TYPE")
#: ``Token.ent_iob_`` of each ``ENT_IOB`` code.
_IOB_NAMES = np.array(["", "I", "O", "B"], dtype=object)


def _strings(doc, hashes: np.ndarray) -> np.ndarray:
    """Map an array of string-store hashes (or symbol ids) to strings, looking up each distinct value once."""
    uniques, inverse = np.unique(hashes, return_inverse=True)
    strings = doc.vocab.strings
    names = np.array([strings[int(h)] if h else "" for h in uniques], dtype=object)
    return names[inverse.reshape(-1)]


def _doc_columns(
    doc,
    offset: int,
    token_offset: int,
    sentence_offset: int,
    original: str | None = None,
    field: str | None = None,
) -> dict[str, np.ndarray]:
    """Return one row per token of ``doc`` as columns (:data:`TOKEN_COLUMNS` but ``article_id, field``).

    All attributes come from one ``Doc.to_array`` call instead of Python access to each
    ``Token`` (creating Token objects was a fifth of the parse time). ``original``: the text
    before true-casing (same length as ``doc.text``); token texts are taken from it.
    ``field``: when given, a first column ``field`` holding it.
    """
    n = len(doc)
    head = {} if field is None else {"field": np.full(n, field, dtype=object)}
    if n == 0:
        return {**head, **{c: np.empty(0, dtype=column_dtype(c)) for c in TOKEN_COLUMNS[2:]}}
    arr = doc.to_array(list(_ARRAY_ATTRS))
    col = {name: arr[:, i] for i, name in enumerate(_ARRAY_ATTRS)}
    starts = col["SENT_START"].view(np.int64).copy()
    starts[0] = 1
    sentence_id = np.cumsum(starts == 1) - 1 + sentence_offset
    idx = col["IDX"].astype(np.int64)
    ends = idx + col["LENGTH"].astype(np.int64)
    positions = np.arange(n, dtype=np.int64)
    # the string columns in one look-up: a hash (or symbol id) names the same string in any column
    named = _STRING_ATTRS if original is None else _STRING_ATTRS[1:]
    strings = _strings(doc, arr[:, [_ARRAY_ATTRS.index(a) for a in named]].T).reshape(len(named), n)
    lemma, pos, tag, dep, ent_type = strings[-5:]
    if original is not None:  # the parse read a true-cased copy: keep the article's own characters
        spans = zip(idx.tolist(), ends.tolist(), strict=True)
        texts = np.array([original[a:b] for a, b in spans], dtype=object)
    else:
        texts = strings[0]
    return {
        **head,
        "sentence_id": sentence_id.astype(np.int64),
        "token_id": positions + token_offset,
        "start_char": idx + offset,
        "end_char": ends + offset,
        "text": texts,
        "whitespace": col["SPACY"].astype(bool),
        "lemma": lemma,
        "pos": pos,
        "tag": tag,
        "dep": dep,
        "head": positions + col["HEAD"].view(np.int64) + token_offset,  # HEAD is relative
        "ent_iob": _IOB_NAMES[col["ENT_IOB"].astype(np.int64)],
        "ent_type": ent_type,
        "is_stop": col["IS_STOP"].astype(bool),
        "is_punct": col["IS_PUNCT"].astype(bool),
        "like_num": col["LIKE_NUM"].astype(bool),
    }


def _doc_tokens(
    doc,
    offset: int,
    token_offset: int,
    sentence_offset: int,
    original: str | None = None,
    field: str | None = None,
) -> pd.DataFrame:
    """Return :func:`_doc_columns` as a table."""
    return pd.DataFrame(_doc_columns(doc, offset, token_offset, sentence_offset, original, field))


def _chunks(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    r"""Split a long text at paragraph (else line, else sentence) boundaries into chunks under ``limit``.

    Examples
    --------
    >>> _chunks("short")
    [(0, 'short')]
    >>> [o for o, _ in _chunks("aaaa\n\nbbbb\n\ncccc", limit=8)]
    [0, 6, 12]
    """
    if len(text) <= limit:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            window = text[start:end]
            cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(". "))
            if cut > 0:
                end = start + cut + 1
        out.append((start, text[start:end]))
        start = end
    return out


def article_jobs(title: str, text: str) -> list[tuple[str, int, str]]:
    """Return the (field, offset, text) parts of one article that spaCy parses."""
    jobs: list[tuple[str, int, str]] = []
    for field, value in (("title", title), ("text", text)):
        if value and value.strip():
            jobs.extend((field, offset, chunk) for offset, chunk in _chunks(value))
    return jobs


def text_of(value) -> str:
    """Return a cell as text (missing -> "")."""
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def parsed_titles(rows: pd.DataFrame) -> pd.Series:
    """Return the titles to parse, blank where ``title_derived``.

    A derived title is a copy of the body's first sentence: parsing it again
    would count that sentence's entities and quotes twice.
    """
    if "title" not in rows.columns:
        return pd.Series("", index=rows.index)
    titles = rows["title"].map(text_of)
    if "title_derived" in rows.columns:
        titles = titles.where(~rows["title_derived"].fillna(False).astype(bool), "")
    return titles


def _parse_missing(
    todo: list[tuple[str, str, str, str]], nlp, *, n_process: int, batch_size: int, root, progress: bool
) -> Iterator[tuple[str, Columns]]:
    """Parse (key, article_id, title, text) items; yield (key, token columns) and write each to the cache."""
    jobs = []
    for key, _, title, text in todo:
        parts = article_jobs(title, text)
        for i, (field, offset, chunk) in enumerate(parts):
            # upper-case lines in mixed case, offsets unchanged; a title takes its casing from the body
            cased = truecase(chunk, text if field == "title" else "")
            original = chunk if cased != chunk else None
            jobs.append((cased, (key, field, offset, i == len(parts) - 1, original)))
    pending: dict[str, list[Columns]] = {}
    counters: dict[tuple[str, str], tuple[int, int]] = {}
    done, started, total = 0, time.monotonic(), len(todo)
    for doc, (key, field, offset, last, original) in nlp.pipe(
        jobs, as_tuples=True, batch_size=batch_size, n_process=n_process
    ):
        tok_off, sent_off = counters.get((key, field), (0, 0))
        part = _doc_columns(doc, offset, tok_off, sent_off, original, field)
        if len(part["token_id"]):
            counters[(key, field)] = (int(part["token_id"][-1]) + 1, int(part["sentence_id"][-1]) + 1)
        pending.setdefault(key, []).append(part)
        if last:
            parts = pending.pop(key)
            tokens = (
                parts[0]
                if len(parts) == 1
                else {c: np.concatenate([p[c] for p in parts]) for c in _ENTRY_SCHEMA}
            )
            cache.write_columns("tokens", key, tokens, root)
            done += 1
            if progress and (done % 200 == 0 or done == total):
                rate = done / max(time.monotonic() - started, 1e-9)
                print(f"  annotated {done}/{total} articles ({rate:.1f}/s)", file=sys.stderr, flush=True)
            yield key, tokens


def _entry_exists(key: str, root) -> bool:
    """Tell whether the token entry of ``key`` is cached (in the current or the earlier Parquet layout)."""
    return (
        cache.entry_path("tokens", key, root, suffix=cache.COLUMNS_SUFFIX).exists()
        or cache.entry_path("tokens", key, root).exists()
    )


def _read_entry(key: str, root) -> Columns | None:
    """Read one article's cached token columns, or None when missing, unreadable or of another layout.

    Entries are :func:`analysis.core.cache.write_columns` files. An entry an earlier version
    wrote as Parquet under the same key (same model, pipes, ``PIPELINE_VERSION`` and text) holds
    the same table and is read as well, so a new layout does not re-parse a corpus.
    """
    columns = cache.read_columns("tokens", key, root, schema=_ENTRY_SCHEMA)
    if columns is not None or not cache.entry_path("tokens", key, root).exists():
        return columns
    table = cache.read("tokens", key, root)
    if table is None or list(table.columns) != list(_ENTRY_SCHEMA):
        return None
    if any(table[c].dtype != np.dtype(t) for c, t in _ENTRY_SCHEMA.items()):
        return None
    return {c: table[c].to_numpy() for c in _ENTRY_SCHEMA}


def _chunk_table(parts: list[tuple[str, Columns]]) -> pd.DataFrame:
    """Build one chunk's token table (columns :data:`TOKEN_COLUMNS`) from (article id, token columns) pairs.

    One concatenation per column and one ``DataFrame`` per chunk, not one per article.
    """
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=column_dtype(c)) for c in TOKEN_COLUMNS})
    ids = np.empty(len(parts), dtype=object)
    ids[:] = [article_id for article_id, _ in parts]
    data = {"article_id": np.repeat(ids, [len(columns["token_id"]) for _, columns in parts])}
    for name in TOKEN_COLUMNS[1:]:
        data[name] = np.concatenate([columns[name] for _, columns in parts])
    return pd.DataFrame(data)


def article_key(title: str, text: str, fingerprint: str) -> str:
    """Cache key of one article's token table."""
    return cache.content_key(fingerprint, title, text)


def _plan(
    chunks: list[pd.DataFrame], fingerprint: str, cache_dir
) -> tuple[list[list[tuple[str, str, str]]], list[tuple[str, str, str, str]]]:
    """Decide, per chunk and article, whether its token table is parsed, read from the cache or empty."""
    scheduled: set[str] = set()
    todo: list[tuple[str, str, str, str]] = []
    plans: list[list[tuple[str, str, str]]] = []
    for chunk in chunks:
        rows = ok_articles(chunk)
        titles = parsed_titles(rows)
        texts = rows["text"].map(text_of)
        plan = []
        for aid, title, text in zip(rows["article_id"].astype(str), titles, texts, strict=True):
            key = article_key(title, text, fingerprint)
            if not (title.strip() or text.strip()):
                action = "empty"
            elif key in scheduled or _entry_exists(key, cache_dir):
                action = "read"
            else:
                action = "parse"
                scheduled.add(key)
                todo.append((key, aid, title, text))
            plan.append((key, aid, action))
        plans.append(plan)
    return plans, todo


def iter_tokens(
    chunks: Iterable[pd.DataFrame],
    *,
    cache_dir: str | Path | None = None,
    n_process: int | None = None,
    batch_size: int | None = None,
    progress: bool | None = None,
) -> Iterator[pd.DataFrame]:
    """Yield the token table of each chunk of articles in turn, streaming one ``nlp.pipe`` over all of them.

    Only the current chunk's token tables are held in memory: the articles
    that need parsing (cache misses across every chunk) go through a single
    ``nlp.pipe`` call, so worker processes (``n_process``) start once, not
    once per chunk, and each parsed article is written to the cache as soon
    as its last part is parsed.

    Parameters
    ----------
    chunks : iterable of pandas.DataFrame
        Each needs ``article_id`` and ``text`` (``title``, ``status`` used when present).
    cache_dir, n_process, batch_size, progress
        As in :func:`tokens`.

    Yields
    ------
    pandas.DataFrame
        One token table per chunk (columns ``TOKEN_COLUMNS``), in chunk order.
    """
    chunks = list(chunks)
    fingerprint = model_fingerprint()
    plans, todo = _plan(chunks, fingerprint, cache_dir)
    parsed: Iterator[tuple[str, Columns]] = iter(())
    if todo:
        n_articles = sum(len(p) for p in plans)
        show = progress if progress is not None else len(todo) > 100
        if show:
            print(
                f"annotating {len(todo)} articles with spaCy ({n_articles - len(todo)} cached)",
                file=sys.stderr,
                flush=True,
            )
        processes = n_process or config.SPACY_N_PROCESS
        if len(todo) < MIN_ARTICLES_PER_PROCESS * processes:  # starting workers costs more than it saves
            processes = 1
        parsed = _parse_missing(
            todo,
            load_model(),
            n_process=processes,
            batch_size=batch_size or config.SPACY_BATCH_SIZE,
            root=cache_dir,
            progress=show,
        )
    for plan in plans:
        seen: dict[str, Columns | None] = {}
        parts: list[tuple[str, Columns]] = []
        for key, article_id, action in plan:
            if key in seen:
                table = seen[key]
            elif action == "parse":
                got, table = next(parsed)
                if got != key:  # nlp.pipe keeps order; this would be a bug, not bad input
                    raise RuntimeError("token stream out of order")
            elif action == "read":
                table = _read_entry(key, cache_dir)
                if table is None:  # vanished or corrupt since planning: parse it now
                    title, text = _texts_for(plans, chunks, key)
                    _, table = next(
                        _parse_missing(
                            [(key, article_id, title, text)],
                            load_model(),
                            n_process=1,
                            batch_size=batch_size or config.SPACY_BATCH_SIZE,
                            root=cache_dir,
                            progress=False,
                        )
                    )
            else:
                table = None
            seen[key] = table
            if table is not None and len(table["token_id"]):
                parts.append((article_id, table))
        yield _chunk_table(parts)
    # every item has been taken: finish the nlp.pipe stream now so its worker processes exit
    for _ in parsed:
        pass


def _texts_for(plans, chunks, key: str) -> tuple[str, str]:
    for plan, chunk in zip(plans, chunks, strict=True):
        rows = ok_articles(chunk)
        titles = parsed_titles(rows)
        for (k, _, _), (idx, row) in zip(plan, rows.iterrows(), strict=True):
            if k == key:
                return titles[idx], text_of(row["text"])
    raise KeyError(key)


def tokens(
    articles: pd.DataFrame,
    *,
    cache_dir: str | Path | None = None,
    n_process: int | None = None,
    batch_size: int | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Return the token table of every ``ok`` article, parsing only what is not cached.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``; ``title`` and ``status`` are used
        when present (only ``status == 'ok'`` rows are parsed).
    cache_dir : str or Path, optional
        Cache root; default :data:`analysis.config.CACHE_DIR`.
    n_process, batch_size : int, optional
        Passed to ``nlp.pipe``; defaults from :mod:`analysis.config`.
    progress : bool, optional
        Print progress to stderr; default: only when more than 100 articles need parsing.

    Returns
    -------
    pandas.DataFrame
        Columns ``TOKEN_COLUMNS`` (see :class:`Annotations`).
    """
    ok_articles(articles)  # validate columns before loading the model
    (table,) = iter_tokens(
        [articles], cache_dir=cache_dir, n_process=n_process, batch_size=batch_size, progress=progress
    )
    return table


def column_dtype(column: str) -> str:
    """Return the dtype of a token, sentence or entity table column (for empty tables)."""
    if column in {"sentence_id", "token_id", "start_char", "end_char", "head"}:
        return "int64"
    if column in {"whitespace", "is_stop", "is_punct", "like_num"}:
        return "bool"
    return "object"


#: The columns of one article's cached token entry and their dtypes: :data:`TOKEN_COLUMNS` but ``article_id``.
_ENTRY_SCHEMA: dict[str, str] = {c: column_dtype(c) for c in TOKEN_COLUMNS[1:]}
