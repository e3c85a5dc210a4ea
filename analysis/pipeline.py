"""Run every stage over a corpus, chunk by chunk, with per-chunk caching: ``analysis.run(source)``.

The pipeline is an explicit, ordered list of stages (:data:`ARTICLE_STAGES`
then :data:`CORPUS_STAGES`). A stage is included only when its function
exists in the installed package, so the list grows as measures land.

* **Per-article stages** (sentences, raw entities, mentions, sentiment,
  readability, quotes, frames, ...) depend only on each article. They run
  chunk by chunk: for each chunk of a few hundred articles the token table is
  read from the cache or parsed (one ``nlp.pipe`` streams over all chunks),
  each stage runs on that chunk, its small output is kept and written to the
  cache, and the tokens are dropped before the next chunk. Memory is bounded
  by the chunk size, not the corpus.
* **Corpus-level stages** (entity frequencies, source balance, keyness,
  claims, ...) run once on the concatenated per-article outputs. They never
  receive the corpus's token table: what they need from the tokens comes from
  small per-article stages (``_terms``, ``_hedges``, ``_label_spans``; tables
  named with a leading ``_`` are internal and not returned), so memory does
  not grow with the corpus's token count.

Chunks are *content-defined*: a chunk ends after an article whose content
hash is 0 modulo ``chunk_size`` (or when it reaches twice ``chunk_size``), so
adding or removing a few articles changes only the chunks they fall in and
every other chunk's cached outputs are reused (incremental rebuild).

A chunk's cached output for a stage is keyed by the chunk's article keys
(text, title, model fingerprint), its metadata, the source code of the
stage's module (and the ``analysis`` modules it imports) and the package data
files that code names, plus the keys of the stages it reads. Editing the
alias table therefore re-runs the stages that read it (and those downstream
of them), not spaCy and not the others.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import config
from analysis.core import cache
from analysis.core.parallel import release_memory

try:
    from pyarrow import ArrowException as ArrowError
except ImportError:  # pragma: no cover - pyarrow is a pinned dependency
    ArrowError = TypeError  # type: ignore[misc, assignment]

#: Per-article stages in order: (table name, public function name). The special names
#: ``sentences`` and ``entities`` come straight from the token table.
ARTICLE_STAGES: tuple[tuple[str, str], ...] = (
    ("sentences", "sentences"),
    ("entities", "entities"),
    ("mentions", "entity_mentions"),
    ("sentiment", "sentiment"),
    ("readability", "readability"),
    ("entity_sentiment", "entity_sentiment"),
    ("quotes", "quotes"),
    ("frames", "frames"),
    ("salience", "salience"),
    # inputs of the corpus stages, so that none of them needs the corpus's token table (hidden tables)
    ("_terms", "term_counts"),
    ("_hedges", "hedged_sentences"),
    ("_label_spans", "label_occurrences"),
)
#: Corpus-level stages in order, computed from the per-article tables (never from raw text again).
CORPUS_STAGES: tuple[tuple[str, str], ...] = (
    ("entity_frequencies", "entity_frequencies"),
    ("source_balance", "source_balance"),
    ("attribution", "attribution"),
    ("labels", "labels"),
    ("keyness", "keyness"),
    ("claims", "claims"),
    ("omissions", "omissions"),
)
#: Tables whose name starts with this are pipeline intermediates: computed and cached like the others,
#: passed to the corpus stages that ask for them, but not returned in :class:`RunResult`.
INTERNAL_PREFIX = "_"
#: Article columns (besides the text) whose change invalidates a chunk's cached outputs.
META_COLUMNS: tuple[str, ...] = ("outlet", "outlet_type", "date", "event", "url", "language")
#: Bump to invalidate every cached per-chunk stage output.
STAGE_CACHE_VERSION = "2"
DEFAULT_CHUNK_SIZE = config.CHUNK_SIZE

_BUILTIN = {"sentences", "entities"}


@dataclass(frozen=True)
class RunResult:
    """Every table of a run, plus how the run went.

    Attributes
    ----------
    articles : pandas.DataFrame
        The loaded corpus (every row, with ``status``).
    tables : Mapping[str, pandas.DataFrame]
        Per-article tables (``sentences``, ``entities``, ``mentions``, ...)
        and corpus-level tables (``entity_frequencies``, ``keyness``, ...),
        by name. Index with ``result["mentions"]``.
    timings : pandas.DataFrame
        ``stage, kind, seconds, words, words_per_s``: wall time per stage
        summed over chunks (``annotate`` is the spaCy parse or cache read).
    info : Mapping[str, Any]
        ``engine``, ``n_chunks``, ``chunk_sizes``, ``cache_writes``,
        ``chunks_cached`` (chunks served wholly from the cache), ``skipped``
        (stage -> reason), ``workers`` (Dask: address per chunk), ``lanes`` and
        ``lane_pids`` (lanes), ``corpus_ahead`` (corpus stage -> id of the forked process
        that computed it while the other corpus stages ran; empty when none did).
    """

    articles: pd.DataFrame
    tables: Mapping[str, pd.DataFrame]
    timings: pd.DataFrame
    info: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name == "articles":
            return self.articles
        return self.tables[name]

    def __contains__(self, name: object) -> bool:
        return name == "articles" or name in self.tables

    def keys(self) -> list[str]:
        """Return the table names, ``articles`` first."""
        return ["articles", *self.tables]


# --------------------------------------------------------------------------- stages


@dataclass(frozen=True)
class Stage:
    """One pipeline stage: a table name, the public function and whether it runs per chunk."""

    name: str
    function: str
    per_article: bool
    fn: Callable[..., Any] | None
    digest: str


def _module_of(function: str) -> str | None:
    from analysis import _EXPORTS

    return _EXPORTS.get(function)


def _resolve(function: str) -> Callable[..., Any] | None:
    module = _module_of(function)
    if module is None:
        return None
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    fn = getattr(mod, function, None)
    return fn if callable(fn) else None


_IMPORT_RE = re.compile(
    r"^\s*(?:from\s+(analysis(?:\.\w+)*)\s+import\s+([\w, ()]+)|import\s+(analysis\.[\w.]+))", re.M
)


@functools.lru_cache(maxsize=64)
def _code_digest(module: str) -> str:
    """Hash a module's source, the ``analysis`` modules it imports, and the package data files they name."""
    seen: dict[str, str] = {}

    def source(name: str) -> str:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return ""
        return Path(spec.origin).read_text("utf-8")

    first = source(module)
    seen[module] = first
    for match in _IMPORT_RE.finditer(first):
        names = [match.group(1) or match.group(3)]
        if match.group(1) and match.group(2):  # `from analysis import x` may name submodules
            names += [f"{match.group(1)}.{n.strip()}" for n in match.group(2).strip("()").split(",")]
        for name in names:
            skip = {"analysis", "analysis.pipeline", "analysis.config", "analysis.core.cache"}
            if name in seen or name in skip:
                continue
            try:
                text = source(name)
            except (ImportError, ValueError):
                continue
            if text:
                seen[name] = text
    data_parts = []
    code = "\n".join(seen.values())
    if config.DATA_DIR.is_dir():
        for path in sorted(config.DATA_DIR.rglob("*")):
            if path.is_file() and (path.name in code or (path.stem in code and len(path.stem) > 3)):
                data_parts.append((path.name, path.read_bytes()))
    return cache.content_key(STAGE_CACHE_VERSION, *sorted(seen.items()), *data_parts)


def stages(*, include: Iterable[str] | None = None) -> list[Stage]:
    """Return the pipeline's stages whose functions exist, per-article first, in order.

    Parameters
    ----------
    include : iterable of str, optional
        Table names to keep (default: every available stage).

    Returns
    -------
    list of Stage
    """
    return plan_stages(include=include)[0]


def plan_stages(*, include: Iterable[str] | None = None) -> tuple[list[Stage], dict[str, str]]:
    """Return the runnable stages in order and, for the others, why they are left out.

    A stage is left out when its function does not exist (yet) or when it
    needs an input (a parameter without default) that neither the pipeline
    nor an earlier stage provides.

    Parameters
    ----------
    include : iterable of str, optional
        Table names to keep (default: every available stage).

    Returns
    -------
    tuple of (list of Stage, dict of str to str)
        The stages, and table name -> reason for each stage left out.
    """
    wanted = set(include) if include is not None else None
    out: list[Stage] = []
    skipped: dict[str, str] = {}
    provided = {"articles", "annotations", "cache_dir"}
    for per_article, table in ((True, ARTICLE_STAGES), (False, CORPUS_STAGES)):
        if not per_article:  # corpus stages read per-article tables, never the corpus's token table
            provided.discard("annotations")
        for name, function in table:
            if wanted is not None and name not in wanted:
                continue
            if name in _BUILTIN:
                out.append(Stage(name, function, per_article, None, _code_digest("analysis.annotate")))
                provided.add(name)
                continue
            fn = _resolve(function)
            if fn is None:
                skipped[name] = f"analysis.{function} does not exist yet"
                continue
            _, _, missing = _bind(fn, dict.fromkeys(provided, None))
            if missing:
                skipped[name] = f"{function}() needs {missing!r}, which no earlier stage provides"
                continue
            out.append(Stage(name, function, per_article, fn, _code_digest(_module_of(function))))
            provided.add(name)
    return out, skipped


#: Context names that a stage function's parameter may ask for, mapped to table names.
_ALIASES = {
    "mentions": "mentions",
    "quotes": "quotes",
    "sentences": "sentences",
    "entities": "entities",
    "frames": "frames",
    "sentiment": "sentiment",
    "readability": "readability",
    "claims": "claims",
    "term_counts": "_terms",
    "hedges": "_hedges",
    "label_spans": "_label_spans",
}


#: Optional parameters the pipeline fills when it has them; other optional parameters keep their
#: defaults (e.g. ``salience(frames=...)`` expects a different table than the ``frames`` stage's).
_OPTIONAL_INPUTS = frozenset(
    {
        "annotations",
        "mentions",
        "quotes",
        "sentences",
        "entities",
        "cache_dir",
        "_terms",
        "_hedges",
        "_label_spans",
    }
)


def _matches(fn: Callable[..., Any], context: Mapping[str, Any]) -> tuple[list[tuple[Any, str]], str]:
    """Pair ``fn``'s parameters with context names; return (pairs, first missing required parameter)."""
    pairs = []
    for param in inspect.signature(fn).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        name = _ALIASES.get(param.name, param.name)
        for suffix in ("_table", "_df", "_frame"):  # e.g. omissions(claims_table, ...)
            if name not in context and name.endswith(suffix) and name[: -len(suffix)] in context:
                name = name[: -len(suffix)]
        optional = param.default is not inspect.Parameter.empty
        flag = isinstance(param.default, bool)  # keyness(entities=False): never a table
        if name in context and (not optional or (name in _OPTIONAL_INPUTS and not flag)):
            pairs.append((param, name))
        elif not optional:
            return [], param.name
    return pairs, ""


def _bind(fn: Callable[..., Any], context: Mapping[str, Any]) -> tuple[list[Any], dict[str, Any], str]:
    """Match ``fn``'s parameters to context values by name; return (args, kwargs, missing-required)."""
    pairs, missing = _matches(fn, context)
    if missing:
        return [], {}, missing
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for param, name in pairs:
        value = context[name]
        if name == "annotations" and callable(value):
            value = value()
        if param.kind == param.POSITIONAL_ONLY:
            args.append(value)
        else:
            kwargs[param.name] = value
    return args, kwargs, ""


def _tables_of(name: str, value: Any) -> dict[str, pd.DataFrame]:
    """Flatten a stage's return value (a frame, a dataclass/namedtuple/dict of frames) into named tables."""
    if isinstance(value, pd.DataFrame):
        return {name: value}
    if isinstance(value, pd.Series):
        return {name: value.to_frame()}
    items: Iterable[tuple[str, Any]]
    if is_dataclass(value) and not isinstance(value, type):
        items = ((f.name, getattr(value, f.name)) for f in fields(value))
    elif hasattr(value, "_asdict"):
        items = value._asdict().items()
    elif isinstance(value, Mapping):
        items = value.items()
    else:
        raise TypeError(f"stage {name!r} returned {type(value).__name__}, not a DataFrame")
    return {f"{name}_{k}": v for k, v in items if isinstance(v, pd.DataFrame)}


def _normalise(table: pd.DataFrame) -> pd.DataFrame:
    """Round-trip through Arrow, exactly as a Parquet cache read would, so cold, warm and Dask runs agree."""
    import pyarrow as pa

    table = table.reset_index(drop=True)
    return pa.Table.from_pandas(table, preserve_index=False).to_pandas()


# --------------------------------------------------------------------------- chunks


def _boundary_hash(article_id: str, title: str, text: str) -> int:
    return int(cache.content_key("chunk", article_id, title, text)[:12], 16)


def chunk_articles(articles: pd.DataFrame, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> list[pd.DataFrame]:
    """Split the ``ok`` articles into content-defined chunks of about ``chunk_size`` articles.

    A chunk ends after an article whose content hash is 0 modulo
    ``chunk_size``, or when it holds ``2 * chunk_size`` articles, so
    inserting an article changes only the chunk it lands in.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text`` (``title``, ``status`` used when present).
    chunk_size : int, default 125
        Expected articles per chunk (at least 1).

    Returns
    -------
    list of pandas.DataFrame
        Row slices of the ``ok`` articles, in their original order.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    rows = articles
    if "status" in rows.columns:
        rows = rows[rows["status"] == "ok"]
    rows = rows.reset_index(drop=True)
    if rows.empty:
        return []
    titles = (
        rows["title"].fillna("").astype(str) if "title" in rows.columns else pd.Series("", index=rows.index)
    )
    hashes = [
        _boundary_hash(a, t, x)
        for a, t, x in zip(
            rows["article_id"].astype(str), titles, rows["text"].fillna("").astype(str), strict=True
        )
    ]
    cuts, start = [], 0
    for i, h in enumerate(hashes):
        if h % chunk_size == 0 or i + 1 - start >= 2 * chunk_size:
            cuts.append((start, i + 1))
            start = i + 1
    if start < len(rows):
        cuts.append((start, len(rows)))
    return [rows.iloc[a:b].reset_index(drop=True) for a, b in cuts]


def _chunk_signature(chunk: pd.DataFrame, fingerprint: str) -> str:
    from analysis.annotate import _text_of, article_key

    titles = chunk["title"].map(_text_of) if "title" in chunk.columns else [""] * len(chunk)
    keys = [
        (aid, article_key(t, x, fingerprint))
        for aid, t, x in zip(
            chunk["article_id"].astype(str), titles, chunk["text"].map(_text_of), strict=True
        )
    ]
    meta = [c for c in META_COLUMNS if c in chunk.columns]
    meta_hash = pd.util.hash_pandas_object(chunk[meta].astype(str), index=False).tolist() if meta else []
    return cache.content_key(fingerprint, keys, meta_hash)


def _stage_keys(stage_list: list[Stage], signature: str) -> dict[str, str]:
    """Cache key of each per-article stage for one chunk (a stage's key includes every earlier stage's)."""
    keys: dict[str, str] = {}
    upstream: list[str] = []
    for stage in stage_list:
        if not stage.per_article:
            continue
        keys[stage.name] = cache.content_key(stage.name, stage.digest, signature, *upstream)
        if stage.name not in _BUILTIN:
            upstream.append(keys[stage.name])
    return keys


# --------------------------------------------------------------------------- one chunk


class _Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds


def _write_stage(
    kind: str, key: str, tables: Mapping[str, pd.DataFrame], cache_dir
) -> dict[str, pd.DataFrame]:
    """Write a stage's tables (one file per table, listed in an index entry); return them normalised.

    Tables Arrow cannot hold (a column of nested Python objects) are stored as pickles instead.
    """
    normalised: dict[str, pd.DataFrame] = {}
    index = []
    for name, table in tables.items():
        sub = cache.content_key(key, name)
        try:
            normalised[name] = _normalise(table)
        except (ArrowError, TypeError, ValueError):
            normalised[name] = table.reset_index(drop=True)
            cache.write_pickle(f"{kind}-tables", sub, normalised[name], cache_dir)
            index.append({"table": name, "key": sub, "format": "pickle"})
            continue
        cache.write(f"{kind}-tables", sub, normalised[name], cache_dir)
        index.append({"table": name, "key": sub, "format": "parquet"})
    cache.write(kind, key, pd.DataFrame(index, columns=["table", "key", "format"]), cache_dir)
    return normalised


def _read_stage(kind: str, key: str, cache_dir) -> dict[str, pd.DataFrame] | None:
    index = cache.read(kind, key, cache_dir)
    if index is None:
        return None
    out = {}
    for name, sub, fmt in zip(index["table"], index["key"], index["format"], strict=True):
        read = cache.read_pickle if fmt == "pickle" else cache.read
        table = read(f"{kind}-tables", sub, cache_dir)
        if table is None:
            return None
        out[name] = table
    return out


def _chunk_from_cache(
    stage_list: list[Stage], keys: Mapping[str, str], cache_dir
) -> dict[str, pd.DataFrame] | None:
    if not all(cache.entry_path(f"stage-{n}", k, cache_dir).exists() for n, k in keys.items()):
        return None
    out: dict[str, pd.DataFrame] = {}
    for stage in stage_list:
        if stage.per_article:
            got = _read_stage(f"stage-{stage.name}", keys[stage.name], cache_dir)
            if got is None:
                return None
            out.update(got)
    return out


def process_chunk(
    chunk: pd.DataFrame,
    tokens: pd.DataFrame | None,
    stage_list: list[Stage],
    keys: Mapping[str, str],
    *,
    cache_dir,
    timer: _Timer | None = None,
    skipped: dict[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Run the per-article stages on one chunk (reading cached stage outputs where present).

    Parameters
    ----------
    chunk : pandas.DataFrame
        ``ok`` articles (``article_id``, ``text``, ``title``...).
    tokens : pandas.DataFrame or None
        The chunk's token table; None when every stage output is cached.
    stage_list : list of Stage
        From :func:`stages`.
    keys : Mapping[str, str]
        Cache key per stage, from :func:`_stage_keys`.

    Returns
    -------
    dict of str to pandas.DataFrame
        The chunk's per-article tables, normalised as a cache read returns them.
    """
    from analysis.annotate import Annotations, entities_from_tokens, sentences_from_tokens

    timer = timer or _Timer()
    skipped = skipped if skipped is not None else {}
    out: dict[str, pd.DataFrame] = {}
    context: dict[str, Any] = {"articles": chunk, "cache_dir": cache_dir}
    derived: dict[str, pd.DataFrame] = {}

    def annotations() -> Annotations:
        if tokens is None:
            raise RuntimeError("token table needed but not loaded")
        if "sentences" not in derived:
            derived["sentences"] = sentences_from_tokens(tokens, chunk)
        if "entities" not in derived:
            derived["entities"] = entities_from_tokens(tokens, chunk)
        return Annotations(tokens, derived["sentences"], derived["entities"])

    context["annotations"] = annotations
    for stage in stage_list:
        if not stage.per_article:
            continue
        kind = f"stage-{stage.name}"
        got = _read_stage(kind, keys[stage.name], cache_dir)
        if got is None:
            if tokens is None:
                raise RuntimeError(f"stage {stage.name!r} is not cached and no tokens were given")
            started = time.perf_counter()
            if stage.name == "sentences":
                result = {"sentences": annotations().sentences}
            elif stage.name == "entities":
                result = {"entities": annotations().entities}
            else:
                args, kwargs, missing = _bind(stage.fn, context)
                if missing:
                    skipped[stage.name] = f"needs {missing!r}, which the pipeline does not provide"
                    continue
                result = _tables_of(stage.name, stage.fn(*args, **kwargs))
            got = _write_stage(kind, keys[stage.name], result, cache_dir)
            timer.add(stage.name, time.perf_counter() - started)
        out.update(got)
        context.update(got)
    return out


# --------------------------------------------------------------------------- run


def _words(articles: pd.DataFrame) -> int:
    ok = articles[articles["status"] == "ok"] if "status" in articles.columns else articles
    text = ok["text"].fillna("").astype(str)
    title = ok["title"].fillna("").astype(str) if "title" in ok.columns else pd.Series("", index=ok.index)
    return int(text.str.count(r"\S+").sum() + title.str.count(r"\S+").sum())


def _source_digest(source: Any) -> str | None:
    """Hash the bytes of every file a source names (plus a folder's metadata.csv); None if not hashable."""
    from analysis.load import _expand

    if isinstance(source, pd.DataFrame):
        try:
            return cache.content_key(
                list(source.columns), pd.util.hash_pandas_object(source.astype(str), index=False).tolist()
            )
        except (TypeError, ValueError):
            return None
    paths = _expand(source)
    if isinstance(source, (str, os.PathLike)) and Path(source).is_dir():
        paths = [*paths, *(p for p in [Path(source) / "metadata.csv"] if p.exists())]
    import hashlib

    parts = []
    for path in paths:
        parts.append((str(path), hashlib.sha1(path.read_bytes()).hexdigest()))
    return cache.content_key(parts)


def _load(source_or_articles: Any, cache_dir) -> pd.DataFrame:
    """Load the corpus, reusing the cache at two levels.

    The whole table is reused when the source files and the loader's code are unchanged; otherwise
    :func:`analysis.load.load_corpus` runs with the per-article load cache, so only articles it has
    not seen are cleaned, identified and hashed (in a forked process when :func:`_can_fork`, and the
    table read back from the cache).
    """
    if isinstance(source_or_articles, pd.DataFrame) and "status" in source_or_articles.columns:
        missing = {"article_id", "text"} - set(source_or_articles.columns)
        if missing:
            raise ValueError(f"articles need columns {sorted(missing)}")
        return source_or_articles
    digest = _source_digest(source_or_articles)
    if digest is None:
        from analysis.load import load_corpus

        return load_corpus(source_or_articles, cache_dir=cache_dir)
    key = cache.content_key(digest, _code_digest("analysis.load"), _code_digest("analysis.clean"))
    hit = cache.read("corpus", key, cache_dir)
    if hit is not None:
        return hit
    if _can_fork() and not isinstance(source_or_articles, pd.DataFrame):  # paths: nothing to pickle
        # the load leaves hundreds of MB of freed-but-held heap behind (cleaning every block, MinHash,
        # language ID); done in a forked process that stores the table, it leaves nothing here for
        # the lanes forked later to inherit and copy
        writes = _in_forked_process(_load_and_store, source_or_articles, str(cache_dir), key)
        if writes is not None:
            cache._writes += writes
            hit = cache.read("corpus", key, cache_dir)
            if hit is not None:
                return hit
    return _load_and_store(source_or_articles, cache_dir, key, keep=True)


def _load_and_store(source: Any, cache_dir, key: str, *, keep: bool = False) -> Any:
    """Load ``source`` (per-article load cache) and store the table as cache entry ``corpus``/``key``.

    Returns the table (``keep=True``) or, in a forked loader, the number of cache writes made
    (None when the table could not be stored).
    """
    from analysis.load import load_corpus

    writes = cache._writes
    # a changed source re-runs only the per-article work of articles the cache has not seen
    articles = load_corpus(source, cache_dir=cache_dir)
    try:
        normalised = _normalise(articles)
    except Exception:  # noqa: BLE001 - a table Arrow cannot store is simply not cached
        return articles if keep else None
    cache.write("corpus", key, normalised, cache_dir)
    return normalised if keep else cache._writes - writes


def _can_fork() -> bool:
    """Tell whether work may be done in a forked helper process here.

    Only on Linux, when this process runs no other thread (a Dask client's or a
    Jupyter kernel's thread could hold a lock at fork time that would stay held in
    the child), and not under the failure injection of the tests
    (``$OUTLET_FRAMING_FAIL_AFTER_WRITES``), which counts cache writes in one process.
    """
    import multiprocessing

    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and not _other_threads()
        and not os.environ.get("OUTLET_FRAMING_FAIL_AFTER_WRITES")
    )


def _in_forked_process(fn: Callable[..., Any], *args: Any) -> Any:
    """Return ``fn(*args)`` computed in a forked process (its exception is raised here).

    A process that dies without an answer (killed, out of memory) gives None, so the
    caller can do the work itself.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool:
            return None


def _chunk_sources(
    stage_list: list[Stage], keys: Mapping[str, str], cache_dir
) -> dict[str, tuple[str, str, str]] | None:
    """Return ``table -> (kind, key, format)`` of a chunk's cached outputs (None if one is missing).

    Reads only the small index entries and checks that every table file exists.
    """
    out: dict[str, tuple[str, str, str]] = {}
    for stage in stage_list:
        if not stage.per_article:
            continue
        kind = f"stage-{stage.name}"
        index = cache.read(kind, keys[stage.name], cache_dir)
        if index is None:
            return None
        for name, sub, fmt in zip(index["table"], index["key"], index["format"], strict=True):
            if not cache.entry_path(f"{kind}-tables", sub, cache_dir, suffix=_suffix(fmt)).exists():
                return None
            out[name] = (f"{kind}-tables", sub, fmt)
    return out


def _suffix(fmt: str) -> str:
    return ".pkl" if fmt == "pickle" else ".parquet"


#: Per-article tables :class:`LazyTables` reads with categorical string columns: internal tables of
#: many short repeated strings whose only reader turns them into arrays (``keyness`` for ``_terms``).
_CATEGORICAL_TABLES = frozenset({"_terms"})


class LazyTables(Mapping[str, pd.DataFrame]):
    """Per-article tables kept on disk and read from the cache on first access.

    ``tables["mentions"]`` reads that table's cached Parquet of every chunk and
    concatenates them in chunk order (then keeps the result); :meth:`release`
    forgets a table again. So a run holds in memory only the tables someone
    asks for — the corpus stages their inputs, one stage at a time; the caller
    what it reads — instead of every per-article table of the corpus.
    """

    def __init__(
        self,
        sources: list[dict[str, tuple[str, str, str]]],
        cache_dir,
        extra: Mapping[str, pd.DataFrame] | None = None,
    ) -> None:
        self._sources = sources
        self._root = cache_dir
        self._names: list[str] = []
        for chunk in sources:
            self._names.extend(n for n in chunk if n not in self._names)
        self._memo: dict[str, pd.DataFrame] = {}
        self._extra: dict[str, pd.DataFrame] = dict(extra or {})

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name in self._extra:
            return self._extra[name]
        if name in self._memo:
            return self._memo[name]
        if name not in self._names:
            raise KeyError(name)
        if name in _CATEGORICAL_TABLES:
            table = self._read_categorical(name)
            if table is not None:
                self._memo[name] = table
                return table
        frames = []
        for chunk in self._sources:
            if name not in chunk:
                continue
            kind, key, fmt = chunk[name]
            read = cache.read_pickle if fmt == "pickle" else cache.read
            table = read(kind, key, self._root)
            if table is None:
                raise RuntimeError(f"cache entry of table {name!r} vanished during the run ({kind}/{key})")
            frames.append(table)
        self._memo[name] = _concat_frames(frames)
        return self._memo[name]

    def _read_categorical(self, name: str) -> pd.DataFrame | None:
        """Read ``name`` of every chunk through Arrow, its string columns as categories (None: not possible).

        The same rows and values as the pandas concatenation, but a string repeated in many rows
        (an article id, a field, a term) is held once: the ``_terms`` table of 20,000 articles
        (3.7 million rows) takes ~0.1 GiB instead of 0.73 GiB of Python strings.
        """
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        paths = []
        for chunk in self._sources:
            if name in chunk:
                kind, key, fmt = chunk[name]
                if fmt == "pickle":
                    return None
                paths.append(cache.entry_path(kind, key, self._root))
        try:  # strings read straight into dictionaries: never a full column of them at once
            parts = []
            for path in paths:
                schema = pq.read_schema(path)
                strings = [
                    f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
                ]
                part = pq.read_table(path, read_dictionary=strings)
                if part.num_rows:  # as _concat_frames: an empty chunk's column types say nothing
                    parts.append(part)
            if not parts:
                return None
            table = pa.concat_tables(parts, promote_options="permissive")
            del parts
            for i, field in enumerate(table.schema):  # a column that was empty (null) in some chunks
                if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
                    table = table.set_column(i, field.name, pc.dictionary_encode(table.column(i)))
        except (OSError, pa.ArrowException, ValueError):  # missing or mismatched entries: the pandas way
            return None
        frame = table.replace_schema_metadata(None).to_pandas(split_blocks=True, self_destruct=True)
        del table
        pa.default_memory_pool().release_unused()  # Arrow's allocator keeps the read buffers otherwise
        return frame

    def __iter__(self):
        yield from (n for n in self._names if n not in self._extra)
        yield from self._extra

    def __len__(self) -> int:
        return len(set(self._names) | set(self._extra))

    def __contains__(self, name: object) -> bool:
        return name in self._extra or name in self._names

    def release(self, name: str) -> None:
        """Forget a per-article table read from the cache (it is read again when asked for)."""
        self._memo.pop(name, None)

    def add(self, tables: Mapping[str, pd.DataFrame]) -> None:
        """Hold tables computed in memory (corpus-level outputs)."""
        self._extra.update(tables)

    def drop(self, names: Iterable[str]) -> None:
        """Remove tables from the mapping (internal inputs of the corpus stages)."""
        gone = set(names)
        self._names = [n for n in self._names if n not in gone]
        for name in gone:
            self._memo.pop(name, None)
            self._extra.pop(name, None)


def _concat_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    nonempty = [f for f in frames if len(f)]
    return pd.concat(nonempty, ignore_index=True) if nonempty else frames[0].reset_index(drop=True)


def _concat(parts: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    names: list[str] = []
    for part in parts:
        names.extend(n for n in part if n not in names)
    out = {}
    for name in names:
        out[name] = _concat_frames([p[name] for p in parts if name in p])
    return out


def run_corpus_stages(
    articles: pd.DataFrame,
    tables: dict[str, pd.DataFrame] | LazyTables,
    stage_list: list[Stage],
    chunks: list[pd.DataFrame],
    *,
    corpus_signature: str,
    chunk_keys: list[dict[str, str]],
    token_options: Mapping[str, Any],
    timer: _Timer,
    skipped: dict[str, str],
    ahead_pids: dict[str, int] | None = None,
) -> dict[str, pd.DataFrame]:
    """Run the corpus-level stages on the concatenated per-article tables (cached for an unchanged corpus).

    The corpus stages never receive the corpus's token table (``annotations``): they read
    per-article tables (``sentences``, ``mentions``, ``_terms``, ``_hedges``...), so memory
    does not grow with the corpus's token count. Internal tables (names starting with
    :data:`INTERNAL_PREFIX`) are removed from ``tables`` once the corpus stages have run.
    """
    from collections import ChainMap

    root = token_options.get("cache_dir")
    # tables are looked up lazily: a LazyTables reads a per-article table from the cache when a stage binds it
    context: ChainMap[str, Any] = ChainMap({"articles": articles, "cache_dir": root}, tables)
    out: dict[str, pd.DataFrame] = {}
    article_stages = [s.name for s in stage_list if s.per_article]
    produced: dict[str, str] = {}  # corpus table -> key of the stage that made it
    corpus_stages = [s for s in stage_list if not s.per_article]
    reads = {s.name: {name for _, name in _matches(s.fn, context)[0]} for s in corpus_stages}

    def key_of(stage: Stage) -> str:
        # the key covers the corpus (ids, metadata, texts) and only the tables this stage reads
        parts: list[Any] = [stage.name, stage.digest, corpus_signature]
        for _, name in _matches(stage.fn, context)[0]:
            owner = _owner(name, article_stages)
            if owner is not None:
                parts.append((name, [k.get(owner, "") for k in chunk_keys]))
            elif name in produced:
                parts.append((name, produced[name]))
        return cache.content_key(*parts)

    ahead = _start_ahead(
        corpus_stages, articles, context, key_of, reads, article_stages, root, token_options.get("n_process")
    )
    try:
        for position, stage in enumerate(corpus_stages):
            key = key_of(stage)
            kind = f"corpus-{stage.name}"
            ahead.wait(stage.name, timer)  # a stage computed ahead is then read from the cache
            started = time.perf_counter()
            result = _read_stage(kind, key, root)
            if result is None:
                args, kwargs, missing = _bind(stage.fn, context)
                if missing:
                    skipped[stage.name] = f"needs {missing!r}, which the pipeline does not provide"
                    continue
                result = _write_stage(kind, key, _tables_of(stage.name, stage.fn(*args, **kwargs)), root)
            timer.add(stage.name, time.perf_counter() - started)
            out.update(result)
            context.update(result)
            produced.update(dict.fromkeys(result, key))
            if isinstance(tables, LazyTables):  # forget per-article inputs no later corpus stage reads
                later = set().union(*(reads[s.name] for s in corpus_stages[position + 1 :]))
                for name in reads[stage.name] - later:
                    tables.release(name)
            release_memory()  # the next stage starts from what the tables hold, not this one's freed heap
    except BaseException:
        ahead.close(abandon=True)
        raise
    ahead.close()
    if ahead_pids is not None:
        ahead_pids.update(ahead.pids)
    internal = [n for n in tables if n.startswith(INTERNAL_PREFIX)]
    if isinstance(tables, LazyTables):
        tables.drop(internal)
    else:
        for name in internal:
            del tables[name]
    return out


def _owner(table: str, article_stages: list[str]) -> str | None:
    """Return the per-article stage that makes ``table`` (its name, or ``<stage>_<field>``), if any."""
    return next((a for a in article_stages if table == a or table.startswith(a + "_")), None)


#: Corpus stages worth starting ahead in a forked process (the slowest, reading per-article tables only).
AHEAD_STAGES = ("claims",)
_FORKED_STAGE: dict = {}  # what the forked stage process reads (inherited, never pickled)


def _stage_ahead(name: str) -> tuple[float, int, int]:
    """Compute corpus stage ``name`` of :data:`_FORKED_STAGE` and write it to the cache (forked process)."""
    job = _FORKED_STAGE[name]
    started, writes = time.perf_counter(), cache._writes
    args, kwargs, missing = _bind(job["fn"], job["context"])
    if not missing:
        _write_stage(f"corpus-{name}", job["key"], _tables_of(name, job["fn"](*args, **kwargs)), job["root"])
    return time.perf_counter() - started, cache._writes - writes, os.getpid()


class _Ahead:
    """Corpus stages computing in a forked process; :meth:`wait` blocks until one has written its cache."""

    def __init__(self, pool=None, futures: dict | None = None) -> None:
        self.pool, self.futures = pool, futures or {}
        self.pids: dict[str, int] = {}  # stage -> process that computed it

    def wait(self, name: str, timer: _Timer) -> None:
        """Wait for stage ``name`` if it runs ahead; its own error is raised here.

        If the process died (killed, out of memory), nothing is raised: the stage's turn in
        the loop finds no cache entry and computes it in this process.
        """
        from concurrent.futures.process import BrokenProcessPool

        future = self.futures.pop(name, None)
        if future is None:
            return
        try:
            seconds, writes, self.pids[name] = future.result()
        except BrokenProcessPool:
            return
        cache._writes += writes
        timer.add(name, seconds)

    def close(self, *, abandon: bool = False) -> None:
        """Shut the process down; ``abandon`` (an error elsewhere) stops a stage still running."""
        if self.pool is not None:
            if abandon and self.futures:
                processes = list(getattr(self.pool, "_processes", {}).values())
                self.pool.shutdown(wait=False, cancel_futures=True)
                for process in processes:  # the error should not wait for a stage nobody will read
                    process.terminate()
            else:
                self.pool.shutdown(wait=True)
        _FORKED_STAGE.clear()


def _can_fork_ahead(n_articles: int, n_process: int | None) -> bool:
    """Tell whether a corpus stage may be computed in a forked process in this run.

    With 2+ processes, up to :data:`analysis.config.CORPUS_OVERLAP_MAX_ARTICLES` articles,
    and when :func:`_can_fork` (Linux, no other thread, no failure injection).
    """
    return (
        (n_process or config.SPACY_N_PROCESS) >= 2
        and n_articles <= config.CORPUS_OVERLAP_MAX_ARTICLES
        and _can_fork()
    )


def _other_threads() -> bool:
    """Tell whether this process runs a thread besides the calling one."""
    return threading.active_count() > 1


def _start_ahead(
    corpus_stages, articles, context, key_of, reads, article_stages, root, n_process: int | None
) -> _Ahead:
    """Start the uncached :data:`AHEAD_STAGES` in a forked process, when :func:`_can_fork_ahead`.

    Only stages that read nothing but the articles and per-article tables qualify (their key
    and inputs are known before any corpus stage has run). The process writes the stage's
    tables to the cache, where the stage's turn in the loop reads them.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if root is None or not _can_fork_ahead(len(articles), n_process):
        return _Ahead()
    jobs = {}
    for stage in corpus_stages:
        inputs = reads[stage.name]
        per_article = bool(inputs) and all(
            n in ("articles", "cache_dir") or _owner(n, article_stages) is not None for n in inputs
        )
        if stage.name not in AHEAD_STAGES or not per_article:
            continue
        key = key_of(stage)
        if cache.entry_path(f"corpus-{stage.name}", key, root).exists():
            continue
        jobs[stage.name] = {"fn": stage.fn, "context": context, "key": key, "root": root}
    if not jobs:
        return _Ahead()
    _FORKED_STAGE.clear()
    _FORKED_STAGE.update(jobs)
    pool = ProcessPoolExecutor(max_workers=len(jobs), mp_context=multiprocessing.get_context("fork"))
    return _Ahead(pool, {name: pool.submit(_stage_ahead, name) for name in jobs})


def _corpus_signature(articles: pd.DataFrame, keys: list[dict[str, str]]) -> str:
    """Hash every article's id, status and metadata and every chunk's texts (via its ``sentences`` key)."""
    columns = [
        c for c in ("article_id", "status", "n_words", "title", *META_COLUMNS) if c in articles.columns
    ]
    meta = pd.util.hash_pandas_object(articles[columns].astype(str), index=False).tolist()
    return cache.content_key([k.get("sentences", "") for k in keys], meta)


# --------------------------------------------------------------------------- pandas engine: lanes


def _lane_count(n_process: int | None, todo_sizes: list[int]) -> int:
    """Return how many worker processes ("lanes") to run uncached chunks in: 1 means this process.

    Lanes pay off only when there are at least two chunks to compute and enough
    articles per lane to repay starting a process and loading the model there
    (the same threshold as spaCy's own ``n_process``).

    Examples
    --------
    >>> _lane_count(2, [250, 250, 250])
    2
    >>> _lane_count(2, [40])
    1
    >>> _lane_count(1, [250, 250])
    1
    """
    from analysis.annotate import MIN_ARTICLES_PER_PROCESS

    processes = n_process or config.SPACY_N_PROCESS
    if processes < 2 or len(todo_sizes) < 2:
        return 1
    return max(1, min(processes, len(todo_sizes), sum(todo_sizes) // MIN_ARTICLES_PER_PROCESS))


#: Chunks each lane process computes before the lanes are replaced by fresh ones (see :func:`_run_lanes`),
#: in jobs of more than :data:`LANE_RECYCLE_FROM_CHUNKS` chunks: a lane's memory grows by ~45-60 MB a large
#: chunk (caches filling, a fragmented heap), which only long jobs feel. 20,000 articles (160 chunks of
#: ~125) run in 40 sets of lanes, each paying a model load (~1.5 s) and a short wait for its last chunk.
#: Measured on whole 20,000-article cold builds: peak PSS 1.81 GiB with 3 chunks, 1.76 GiB with 2.
LANE_MAX_CHUNKS = 2
#: Jobs of up to this many chunks run in one set of lanes (the 2,000-article bench: 16 chunks).
LANE_RECYCLE_FROM_CHUNKS = 40


def _lane_init() -> None:
    """Load the spaCy model once per lane process, before its first chunk."""
    from analysis.annotate import load_model

    load_model()


def _lane_chunk(
    chunk: pd.DataFrame,
    keys: Mapping[str, str],
    include: list[str] | None,
    cache_dir: str,
    batch_size: int | None,
) -> tuple[dict[str, pd.DataFrame], dict[str, float], dict[str, str], int, int]:
    """Annotate one chunk (``n_process=1``) and run its per-article stages, in a lane process."""
    from analysis.annotate import iter_tokens

    stage_list, _ = plan_stages(include=include)
    timer, skipped, writes = _Timer(), {}, cache._writes
    started = time.perf_counter()
    (tokens,) = iter_tokens([chunk], cache_dir=cache_dir, n_process=1, batch_size=batch_size, progress=False)
    timer.add("annotate", time.perf_counter() - started)
    process_chunk(chunk, tokens, stage_list, keys, cache_dir=cache_dir, timer=timer, skipped=skipped)
    del tokens
    release_memory()  # a lane lives for many chunks: give back what this one freed
    return {}, timer.seconds, skipped, cache._writes - writes, os.getpid()  # tables stay in the cache


def _run_lanes(
    chunks: list[pd.DataFrame],
    keys: list[dict[str, str]],
    *,
    include: Iterable[str] | None,
    cache_dir: Path,
    lanes: int,
    batch_size: int | None,
    timer: _Timer,
    skipped: dict[str, str],
    progress: bool,
) -> tuple[list[dict[str, pd.DataFrame]], int, list[int]]:
    """Compute uncached chunks in ``lanes`` worker processes, each parsing and analysing whole chunks.

    Each lane loads the spaCy model once and takes the next chunk as soon as it
    is free (``concurrent.futures``), so parsing of one chunk overlaps with the
    per-article stages of another and both cores stay busy. Chunks are handed
    out longest first (by characters), so the last ones are short and the lanes
    finish together. Results come back in chunk order; stage seconds are summed
    over lanes.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    names = list(include) if include is not None else None
    results: list[dict[str, pd.DataFrame] | None] = [None] * len(chunks)
    writes = 0
    pids: set[int] = set()
    if progress:
        total = sum(len(c) for c in chunks)
        print(f"analysing {len(chunks)} chunks ({total} articles) in {lanes} processes",
              file=sys.stderr, flush=True)
    # fork (as spaCy's own n_process does on Linux): "spawn" would re-import the caller's script, which
    # breaks any user script without an ``if __name__ == "__main__"`` guard
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # largest chunks first, so that no lane is left with a big chunk while the other idles at the end
    order = sorted(range(len(chunks)), key=lambda i: -sum(chunks[i]["text"].map(len)))
    # a lane's memory creeps up with every chunk (caches filling, a fragmented heap): in long jobs,
    # after LANE_MAX_CHUNKS chunks each, the lanes are replaced by fresh ones forked from this process
    wave = lanes * max(1, LANE_MAX_CHUNKS) if len(chunks) > LANE_RECYCLE_FROM_CHUNKS else len(chunks)
    done = 0
    for start in range(0, len(order), wave):
        with ProcessPoolExecutor(max_workers=lanes, mp_context=context, initializer=_lane_init) as pool:
            futures = {
                pool.submit(_lane_chunk, chunks[i], keys[i], names, str(cache_dir), batch_size): i
                for i in order[start : start + wave]
            }
            try:
                for future in as_completed(futures):
                    out, seconds, lane_skipped, lane_writes, pid = future.result()
                    i = futures[future]
                    results[i] = out
                    for name, value in seconds.items():
                        timer.add(name, value)
                    skipped.update(lane_skipped)
                    writes += lane_writes
                    pids.add(pid)
                    done += 1
                    if progress:
                        print(f"  chunk {done}/{len(chunks)} done: {len(chunks[i])} articles",
                              file=sys.stderr, flush=True)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    return [r for r in results if r is not None], writes, sorted(pids)


def _run_serial(
    chunks: list[pd.DataFrame],
    keys: list[dict[str, str]],
    stage_list: list[Stage],
    *,
    token_options: Mapping[str, Any],
    timer: _Timer,
    skipped: dict[str, str],
    progress: bool,
) -> None:
    """Compute chunks here, one after another, streaming one ``nlp.pipe`` over all of them.

    Outputs go to the cache only (:class:`LazyTables` reads them back when needed).
    """
    from analysis.annotate import iter_tokens

    stream: Iterator[pd.DataFrame] = iter_tokens(chunks, **token_options)
    for i, chunk in enumerate(chunks):
        t0 = time.perf_counter()
        tokens = next(stream)
        timer.add("annotate", time.perf_counter() - t0)
        root = token_options["cache_dir"]
        process_chunk(chunk, tokens, stage_list, keys[i], cache_dir=root, timer=timer, skipped=skipped)
        del tokens
        if progress:
            print(f"  chunk {i + 1}/{len(chunks)}: {len(chunk)} articles", file=sys.stderr, flush=True)
    for _ in stream:  # exhaust the stream: spaCy's worker processes exit before the corpus stages
        pass


def run(
    source_or_articles: Any,
    *,
    engine: str = "pandas",
    chunk_size: int | None = None,
    cache_dir: str | os.PathLike | None = None,
    scheduler: Any = None,
    n_process: int | None = None,
    batch_size: int | None = None,
    include: Iterable[str] | None = None,
    out_dir: str | os.PathLike | None = None,
    progress: bool = True,
) -> RunResult:
    """Load a corpus and compute every table, chunk by chunk, reusing the on-disk cache.

    Parameters
    ----------
    source_or_articles : path, list of paths or pandas.DataFrame
        Anything :func:`analysis.load_corpus` reads, or an already loaded
        corpus (a DataFrame with ``article_id``, ``text`` and ``status``).
    engine : {"pandas", "dask"}, default "pandas"
        ``pandas`` runs the chunks one after another in this process (spaCy
        may use ``n_process`` worker processes); ``dask`` runs one task per
        chunk on a ``dask.distributed`` cluster (see :mod:`analysis.engine_dask`).
    chunk_size : int, optional
        Expected articles per chunk (Dask partition); default
        :data:`analysis.config.CHUNK_SIZE` (125, or ``$OUTLET_FRAMING_CHUNK_SIZE``).
        Memory grows with it; cached tables are reused only at the same chunk size.
    cache_dir : path, optional
        Cache root (default :data:`analysis.config.CACHE_DIR`).
    scheduler : str or distributed.Client, optional
        Dask only: a scheduler address (``"tcp://host:8786"``) or a Client;
        default: a LocalCluster with ``n_process`` workers (2 if None).
    n_process : int, optional
        pandas engine: ``nlp.pipe`` processes (default
        :data:`analysis.config.SPACY_N_PROCESS`); dask engine: local workers.
    batch_size : int, optional
        ``nlp.pipe`` batch size (default :data:`analysis.config.SPACY_BATCH_SIZE`).
    include : iterable of str, optional
        Table names to compute (default every available stage).
    out_dir : path, optional
        Dask only: where the partitioned Parquet output goes (default under the cache).
    progress : bool, default True
        Print one line per chunk to stderr.

    Returns
    -------
    RunResult
        ``articles``, ``tables`` (per-article tables such as ``sentences``,
        ``entities``, ``mentions``; corpus tables such as
        ``entity_frequencies``), ``timings`` (``stage, kind, seconds, words,
        words_per_s``) and ``info``.
    """
    if engine not in {"pandas", "dask"}:
        raise ValueError(f"engine must be 'pandas' or 'dask', got {engine!r}")
    from analysis.annotate import model_fingerprint

    timer = _Timer()
    writes_before = cache._writes
    root = cache.cache_dir(cache_dir).resolve()
    started = time.perf_counter()
    articles = _load(source_or_articles, root)
    timer.add("load", time.perf_counter() - started)

    started = time.perf_counter()
    stage_list, skipped = plan_stages(include=include)
    fingerprint = model_fingerprint()
    chunks = chunk_articles(articles, chunk_size=chunk_size or config.CHUNK_SIZE)
    keys = [_stage_keys(stage_list, _chunk_signature(c, fingerprint)) for c in chunks]
    timer.add("plan", time.perf_counter() - started)
    info: dict[str, Any] = {
        "engine": engine,
        "n_chunks": len(chunks),
        "chunk_sizes": [len(c) for c in chunks],
        "stages": [s.name for s in stage_list],
    }
    token_options = {
        "cache_dir": root,
        "n_process": n_process,
        "batch_size": batch_size,
        "progress": progress,
    }

    if engine == "dask":
        from analysis.engine_dask import run_chunks

        parts, workers, chunk_timings = run_chunks(
            chunks,
            keys,
            [s.name for s in stage_list],
            include=include,
            cache_dir=root,
            scheduler=scheduler,
            n_workers=n_process,
            batch_size=batch_size,
            out_dir=out_dir,
            progress=progress,
        )
        info["chunks_cached"] = int(chunk_timings.pop("__cached__", 0))
        for name, seconds in chunk_timings.items():
            timer.add(name, seconds)
        info["workers"] = workers
        started = time.perf_counter()
        tables = LazyTables([], root, extra=_concat(parts))
        del parts
        timer.add("concat", time.perf_counter() - started)
    else:
        started = time.perf_counter()
        sources = [_chunk_sources(stage_list, k, root) for k in keys]
        timer.add("plan", time.perf_counter() - started)
        info["chunks_cached"] = sum(1 for c in sources if c is not None)
        todo = [i for i, hit in enumerate(sources) if hit is None]
        lanes = _lane_count(n_process, [len(chunks[i]) for i in todo])
        info["lanes"] = lanes
        if lanes > 1:
            release_memory()  # the lanes are forked from here: leave them no freed pages to copy
            _, lane_writes, info["lane_pids"] = _run_lanes(
                [chunks[i] for i in todo], [keys[i] for i in todo],
                include=include, cache_dir=root, lanes=lanes, batch_size=batch_size,
                timer=timer, skipped=skipped, progress=progress,
            )
            info["lane_cache_writes"] = lane_writes
        elif todo:
            _run_serial(
                [chunks[i] for i in todo], [keys[i] for i in todo], stage_list,
                token_options=token_options, timer=timer, skipped=skipped, progress=progress,
            )
        for i in todo:  # every output is in the cache now; the tables are read when needed
            sources[i] = _chunk_sources(stage_list, keys[i], root)
            if sources[i] is None:
                raise RuntimeError(f"chunk {i + 1}: a stage output is missing from the cache after its run")
        tables = LazyTables(sources, root)

    ahead_pids: dict[str, int] = {}
    tables.add(
        run_corpus_stages(
            articles,
            tables,
            stage_list,
            chunks,
            corpus_signature=_corpus_signature(articles, keys),
            chunk_keys=keys,
            token_options=token_options,
            timer=timer,
            skipped=skipped,
            ahead_pids=ahead_pids,
        )
    )
    info["corpus_ahead"] = ahead_pids
    info["skipped"] = skipped
    info["cache_writes"] = cache._writes - writes_before + info.pop("lane_cache_writes", 0)
    words = _words(articles)
    kinds = {s.name: ("article" if s.per_article else "corpus") for s in stage_list}
    timings = pd.DataFrame(
        [
            {
                "stage": name,
                "kind": kinds.get(name, "pipeline"),
                "seconds": seconds,
                "words": words,
                "words_per_s": words / seconds if seconds > 0 else float("inf"),
            }
            for name, seconds in timer.seconds.items()
        ],
        columns=["stage", "kind", "seconds", "words", "words_per_s"],
    )
    return RunResult(articles, tables, timings, info)
