"""Load and clean a corpus: :func:`load_corpus`."""

from __future__ import annotations

import warnings
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.clean import clean_articles
from analysis.clean.furniture import furniture_table
from analysis.corpus.dedupe import mark_duplicates
from analysis.corpus.features import (
    FEATURE_COLUMNS,
    cached_features,
    cached_line_hashes,
    features_in_processes,
)
from analysis.corpus.language import apply_languages
from analysis.ingest.metadata import MetadataJoinWarning, apply_metadata, read_metadata
from analysis.ingest.read import Source, read_articles
from analysis.schema import CORPUS_COLUMNS


def _sort_key(ids: pd.Series) -> pd.Series:
    numeric = pd.to_numeric(ids, errors="coerce")
    if numeric.notna().all():
        return numeric
    return ids


def load_corpus(
    source: Source,
    metadata: str | PathLike | pd.DataFrame | bool | None = None,
    *,
    detect_language: bool = True,
    dedupe: bool = True,
    cache_dir: str | PathLike | None = None,
) -> pd.DataFrame:
    """Load and clean a corpus: one row per article, nothing dropped silently.

    Parameters
    ----------
    source : str, path, list of paths or DataFrame
        See :func:`read_articles`.
    metadata : str, path, DataFrame, bool or None, default None
        Table whose non-empty values override inferred ones (``outlet``,
        ``title``, ``date``, ``event``...), keyed by ``article_id``, ``id``,
        ``file``, ``filename``, ``path`` (file name or path, with or without
        extension) or ``url`` (see :mod:`analysis.ingest.metadata`). When its
        rows match none or only some articles, a :class:`MetadataJoinWarning`
        gives the counts and an example of each side; the same record is in
        ``result.attrs["metadata_join"]``. None uses ``metadata.csv`` beside
        the articles when the source is a folder that has one; False ignores it.
    detect_language : bool, default True
        Mark confidently non-English articles ``non_english`` (langid).
    dedupe : bool, default True
        Mark exact and near-duplicate articles ``duplicate``.
    cache_dir : path, optional
        Cache root: the per-article work (cleaning, language ID, MinHash)
        is read from and written to it, so only articles not seen before
        (new raw text or given title) are processed; the corpus-wide steps
        (statuses, duplicates) always run. None (default) caches nothing.
        The result is the same either way.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CORPUS_COLUMNS` (``date`` is datetime64, NaT when
        unknown; ``title_derived`` is bool; ``n_words`` int), then any extra
        columns of the source. Stable-sorted by ``article_id``.

    Raises
    ------
    CorpusError
        When the source itself cannot be read (see :func:`read_articles`).
    """
    raw = read_articles(source)
    if metadata is None and isinstance(source, (str, PathLike)) and Path(source).is_dir():
        candidate = Path(source) / "metadata.csv"
        metadata = candidate if candidate.exists() else None
    if metadata is not None and metadata is not False and metadata is not True:
        raw, join = apply_metadata(raw, read_metadata(metadata))
        if join["message"]:
            warnings.warn(join["message"], MetadataJoinWarning, stacklevel=2)
    else:
        join = None
    for column in CORPUS_COLUMNS:
        if column not in raw.columns:
            raw[column] = None
    # the per-article work (cleaning, language ID, hashes) runs only on rows with text to clean,
    # and with a cache only on articles it has not seen (same raw text and given title)
    cleanable = (raw["status"] == "ok").to_numpy() & np.fromiter(
        (isinstance(t, str) and bool(t.strip()) for t in raw["raw_text"]), dtype=bool, count=len(raw)
    )
    articles = clean_articles(raw[~cleanable]) if (~cleanable).any() else raw.iloc[:0].copy()
    if cleanable.any():
        # site furniture: a cheap first pass over every article's lines, grouped by outlet
        hashes, save_hashes = None, None
        if cache_dir is not None:  # each text's line hashes are cached: only new texts are hashed
            hashes, save_hashes = cached_line_hashes(raw[cleanable], cache_dir)
        furniture = furniture_table(raw[cleanable], hashes)
        if cache_dir is not None:
            features = cached_features(raw[cleanable], furniture, cache_dir)
            save_hashes()
        else:
            features = features_in_processes(
                raw[cleanable], furniture, language=detect_language, hashes=dedupe
            )
        done = raw[cleanable].copy()
        for column in FEATURE_COLUMNS[:5]:
            done[column] = features[column]
        articles = pd.concat([articles, done]).loc[raw.index] if len(articles) else done
    else:
        features = pd.DataFrame(columns=list(FEATURE_COLUMNS), index=raw.index[:0])
    articles = articles.astype({"title_derived": bool})
    for column in ("title", "outlet_detected", "outlet_type_detected"):
        articles[column] = articles[column].astype(object)
    features = features.reindex(articles.index)
    articles["n_words"] = pd.to_numeric(features["n_words"], errors="coerce").fillna(0).astype(int)
    no_text = (articles["status"] == "ok") & (articles["n_words"] == 0)
    articles.loc[no_text, "status"] = "empty"
    articles.loc[no_text, "error"] = "no body text left after cleaning"
    # outlet: metadata > detected from the text > a label of its own per article
    outlet = articles["outlet"].astype(object)
    missing = outlet.isna() | (outlet.astype(str).str.strip() == "")
    from_text = pd.Series(False, index=articles.index)
    if "outlet_detected" in articles.columns:
        from_text = missing & articles["outlet_detected"].notna()
        outlet = outlet.where(~missing, articles["outlet_detected"])
        missing = outlet.isna() | (outlet.astype(str).str.strip() == "")
    articles["outlet"] = outlet.where(~missing, "unknown-" + articles["article_id"].astype(str))
    if "outlet_type_detected" in articles.columns:
        # the detected type describes the detected outlet only, never an outlet given by metadata
        articles["outlet_type"] = articles["outlet_type"].where(
            articles["outlet_type"].notna() | ~from_text, articles["outlet_type_detected"]
        )
    articles["outlet_type"] = articles["outlet_type"].fillna("unknown")
    dates = pd.to_datetime(articles["date"], errors="coerce", utc=True, format="mixed")
    articles["date"] = dates.dt.tz_localize(None).astype("datetime64[ns]")
    articles["date_precision"] = articles["date_precision"].where(
        articles["date_precision"].notna(), articles["date"].map(lambda d: "unknown" if pd.isna(d) else "day")
    )
    if detect_language:
        articles = apply_languages(articles, features["lang"], features["lang_prob"])
    if dedupe:
        articles = mark_duplicates(articles, features["digest"], features["signature"])
    else:
        articles["duplicate_of"] = None
    articles["article_id"] = articles["article_id"].astype(str)
    articles = articles.iloc[_sort_key(articles["article_id"]).argsort(kind="stable")].reset_index(drop=True)
    extra = [c for c in articles.columns if c not in CORPUS_COLUMNS and not c.endswith("_detected")]
    articles = articles[list(CORPUS_COLUMNS) + extra]
    if join is not None:
        articles.attrs["metadata_join"] = join
    return articles
