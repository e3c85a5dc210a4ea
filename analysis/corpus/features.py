"""The per-article work of the load (clean, count, identify the language, hash) and its row cache."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from importlib.metadata import version
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config
from analysis.clean import clean_articles
from analysis.clean.articles import extracted_texts
from analysis.clean.furniture import line_hashes
from analysis.clean.outlet import signature_lookup
from analysis.clean.patterns import families
from analysis.clean.titles import given_titles
from analysis.clean.vocabulary import frequencies
from analysis.core import cache
from analysis.core.parallel import fork_map, shared
from analysis.core.rowstore import RowStore
from analysis.corpus.dedupe import minhash_constants, signatures
from analysis.corpus.language import LANGUAGE_ID_CHARS, classify_languages, langid_digest, langid_model
from analysis.ingest.decode import ftfy_shortcut
from analysis.schema import word_counts

#: Columns of the per-article work (what the article cache stores per article).
FEATURE_COLUMNS: tuple[str, ...] = (
    "text",
    "title",
    "title_derived",
    "outlet_detected",
    "outlet_type_detected",
    "n_words",
    "lang",
    "lang_prob",
    "digest",
    "signature",
)
#: Bump to invalidate every cached per-article load row.
LOAD_CACHE_VERSION = "1"
#: Forked workers are used only with at least this many articles per process (starting one costs more).
MIN_ARTICLES_PER_PROCESS = 100


def article_features(
    raw: pd.DataFrame, *, furniture: pd.Series | None = None, language: bool = True, hashes: bool = True
) -> pd.DataFrame:
    """Clean, count, identify the language of and hash articles (the work that depends on one article only).

    Parameters
    ----------
    raw : pandas.DataFrame
        Rows with ``status == 'ok'`` and a non-blank ``raw_text`` (``title``, ``title_derived``
        used as in :func:`analysis.clean.clean_articles`).
    furniture : pandas.Series, optional
        Per article, its outlet's furniture line hashes (:func:`analysis.clean.furniture.furniture_table`
        of the whole corpus, aligned with ``raw``); None: none.

    Returns
    -------
    pandas.DataFrame
        :data:`FEATURE_COLUMNS`, same index: the clean ``text``, ``title``, ``title_derived``,
        ``outlet_detected``, ``outlet_type_detected``, ``n_words``; ``lang``/``lang_prob`` (langid
        on the first :data:`LANGUAGE_ID_CHARS` characters, None/NaN under
        :data:`analysis.config.MIN_WORDS_FOR_LANGUAGE_ID` words); ``digest`` (SHA-1 of the
        normalised text) and ``signature`` (MinHash hash values as bytes), None without words.
        ``language=False`` / ``hashes=False`` leave those columns empty (nothing computed).
    """
    if furniture is None:
        furniture = pd.Series([()] * len(raw), index=raw.index, dtype=object)
    cleaned = clean_articles(raw, furniture=furniture.loc[raw.index])
    out = cleaned[["text", "title", "title_derived", "outlet_detected", "outlet_type_detected"]].copy()
    out["n_words"] = word_counts(out["text"])
    out["lang"] = pd.Series(None, index=out.index, dtype=object)
    out["lang_prob"] = np.nan
    enough = out.index[out["n_words"] >= config.MIN_WORDS_FOR_LANGUAGE_ID]
    if language and len(enough):
        langs, probs = classify_languages([t[:LANGUAGE_ID_CHARS] for t in out.loc[enough, "text"]])
        out.loc[enough, "lang"] = langs
        out.loc[enough, "lang_prob"] = probs
    out["digest"] = pd.Series(None, index=out.index, dtype=object)
    out["signature"] = pd.Series(None, index=out.index, dtype=object)
    worded = out.index[out["n_words"] > 0]
    if hashes and len(worded):
        digests, sigs = signatures(out.loc[worded, "text"].tolist())
        out.loc[worded, "digest"] = digests
        out.loc[worded, "signature"] = pd.Series([s.tobytes() for s in sigs], index=worded, dtype=object)
    return out[list(FEATURE_COLUMNS)]


def _features_of_slice(bounds: tuple[int, int]) -> pd.DataFrame:
    """Return :func:`article_features` of one slice of the raw table a :func:`fork_map` worker shares."""
    state = shared()
    part = state["raw"].iloc[bounds[0] : bounds[1]]
    return article_features(part, furniture=state["furniture"].loc[part.index], **state["options"])


def features_in_processes(
    raw: pd.DataFrame, furniture: pd.Series, *, n_process: int | None = None, **options
) -> pd.DataFrame:
    """Return :func:`article_features` of ``raw``, split over forked worker processes when it pays.

    The work is per article, so contiguous slices give the same rows as one call. Workers
    (:func:`analysis.core.parallel.fork_map`) are used only with at least
    :data:`MIN_ARTICLES_PER_PROCESS` articles per process (``n_process`` defaults to
    :data:`analysis.config.SPACY_N_PROCESS`).
    """
    processes = min(n_process or config.SPACY_N_PROCESS, len(raw) // MIN_ARTICLES_PER_PROCESS)
    if processes < 2:
        return article_features(raw, furniture=furniture, **options)
    # what every worker reads, loaded once here so the forked workers share it
    frequencies(), families(), signature_lookup(), ftfy_shortcut()
    if options.get("language", True):
        langid_model()
    if options.get("hashes", True):
        minhash_constants()
    bounds = np.linspace(0, len(raw), processes * 4 + 1).astype(int)  # a few slices per process
    slices = [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]
    done = fork_map(
        _features_of_slice,
        slices,
        processes=processes,
        shared_state={"raw": raw, "furniture": furniture, "options": options},
    )
    return pd.concat(done)


def article_keys(raw: pd.DataFrame, furniture: pd.Series) -> list[str]:
    """Key each article's cached row by what its per-article work reads.

    That is the raw text, a given title, the outlet furniture it holds (so an article whose
    outlet gained or lost furniture it prints is cleaned again; the others are not) and, for an
    HTML page, the article the extractor found (``extracted_text``: a changed extraction cleans
    the page again).
    """
    rows = zip(raw["raw_text"], given_titles(raw), furniture, extracted_texts(raw), strict=True)
    return [
        cache.content_key("article", text, title, *((lines,) if lines else ()), *((("x", x),) if x else ()))
        for text, title, lines, x in rows
    ]


#: Packages and modules whose source shapes a loaded row (their data files are read from ``data/``).
LOADER_CODE: tuple[str, ...] = ("schema.py", "ingest", "clean", "corpus")
#: Package data files the loader reads.
LOADER_DATA: tuple[str, ...] = ("boilerplate.yaml", "outlet_signatures.csv")


@lru_cache(maxsize=1)
def loader_code_digest() -> str:
    """Hash the loader's own code (``schema.py``, ``ingest/``, ``clean/``, ``corpus/``) and data files.

    Any edit of a module the load runs, or of ``boilerplate.yaml`` / ``outlet_signatures.csv``,
    changes it, so caches keyed by it (the per-article load rows, a cached corpus table) are
    never read after the loader changed.
    """
    package = Path(__file__).resolve().parents[1]
    parts = []
    for name in LOADER_CODE:
        path = package / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        parts += [(str(f.relative_to(package)), hashlib.sha1(f.read_bytes()).hexdigest()) for f in files]
    for name in LOADER_DATA:
        path = config.DATA_DIR / name
        if path.exists():
            parts.append((name, hashlib.sha1(path.read_bytes()).hexdigest()))
    return cache.content_key(*parts)


@lru_cache(maxsize=1)
def store_version() -> str:
    """Hash the loader's code (:func:`loader_code_digest`) and the libraries that shape its rows."""
    libraries = [(name, version(name)) for name in ("datasketch", "wordfreq", "langid", "numpy")]
    return cache.content_key(LOAD_CACHE_VERSION, loader_code_digest(), langid_digest(), libraries)[:20]


def cached_line_hashes(
    raw: pd.DataFrame, cache_dir: str | PathLike
) -> tuple[list[set[str]], Callable[[], None]]:
    """Return :func:`analysis.clean.furniture.line_hashes` of ``raw``, hashing only texts the cache lacks.

    The hashes are stored per raw text (``load-lines``), so the furniture pass of a run with new
    articles reads the others' hashes instead of normalising and hashing every line again. The
    second value stores the new hashes: the loader calls it after its per-article rows are
    stored (so a load killed after its first cache write resumes without cleaning again).
    """
    column = "raw_text" if "raw_text" in raw.columns else "text"
    if column not in raw.columns:
        return line_hashes(raw), lambda: None
    keys = [cache.content_key("lines", t) if isinstance(t, str) else "" for t in raw[column]]
    store = RowStore(cache_dir, "load-lines", store_version())
    found = store.get(sorted(set(keys)))
    known = dict(zip(found.index, found["hashes"], strict=True)) if len(found) else {}
    todo = [i for i, k in enumerate(keys) if k not in known]
    rows: dict[str, str] = {}
    if todo:
        fresh = line_hashes(raw.iloc[todo])
        rows = {keys[i]: " ".join(sorted(h)) for i, h in zip(todo, fresh, strict=True)}
        known.update(rows)

    def save() -> None:
        if rows:
            try:
                store.put(pd.DataFrame({"key": list(rows), "hashes": list(rows.values())}))
            except (OSError, ValueError, TypeError):  # a full disk: simply not cached
                pass

    return [set(known[k].split()) for k in keys], save


def cached_features(raw: pd.DataFrame, furniture: pd.Series, cache_dir: str | PathLike) -> pd.DataFrame:
    """Return :func:`article_features` of ``raw``, computing only the articles the cache lacks."""
    keys = pd.Series(article_keys(raw, furniture), index=raw.index)
    store = RowStore(cache_dir, "load-articles", store_version())
    found = store.get(keys.unique().tolist())
    missing = ~keys.isin(found.index)
    if missing.any():
        todo = raw[missing & ~keys.duplicated()]
        fresh = features_in_processes(todo, furniture.loc[todo.index])
        fresh.index = keys[todo.index].to_numpy()
        fresh.index.name = "key"
        try:
            store.put(fresh.reset_index())
        except (OSError, ValueError, TypeError):  # a full disk or an odd row: simply not cached
            pass
        found = pd.concat([found, fresh]) if len(found) else fresh
    out = found.loc[keys.to_numpy(), list(FEATURE_COLUMNS)]
    out.index = raw.index
    out["title_derived"] = out["title_derived"].astype(bool)
    out["n_words"] = out["n_words"].astype(int)
    for column in ("text", "title", "outlet_detected", "outlet_type_detected", "lang", "digest", "signature"):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out
