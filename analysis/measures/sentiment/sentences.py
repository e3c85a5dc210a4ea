"""Sentence and article sentiment with VADER, on top of the cached spaCy tables.

:func:`sentiment` (a declared per-article stage) scores every sentence with
VADER (``vaderSentiment``) and, at ``level="article"``, aggregates them per
article (length-weighted mean compound with a seeded bootstrap interval over
sentences, shares of negative / neutral / positive sentences). Sentence scores
are cached on disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from analysis import config
from analysis.annotate import Annotations
from analysis.annotate.tables import run_starts
from analysis.core import cache
from analysis.core.stage import need, stage
from analysis.core.stats import bootstrap_mean_ci_by
from analysis.measures.sentiment.lexicon import labels, score_texts, vader_version
from analysis.schema import ok_articles

#: Bump when sentence scoring changes (invalidates cached sentence scores).
SENTIMENT_VERSION = "1"
#: Articles per cached block of sentence scores (one Parquet file per block, keyed by its sentences).
CACHE_CHUNK = 256

SENTENCE_SENTIMENT_COLUMNS: tuple[str, ...] = (
    "article_id", "field", "sentence_id", "start_char", "end_char", "n_words", "text",
    "neg", "neu", "pos", "compound", "label",
)  # fmt: skip
SENTIMENT_COLUMNS: tuple[str, ...] = (
    "article_id", "n_sentences", "n_words", "compound", "compound_low", "compound_high",
    "neg", "neu", "pos", "share_negative", "share_neutral", "share_positive",
)  # fmt: skip


def empty(columns: Sequence[str]) -> pd.DataFrame:
    """Return an empty frame with these (object) columns."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _word_counts(tokens: pd.DataFrame) -> pd.Series:
    """Words per (article_id, field, sentence_id): tokens that are neither punctuation nor space."""
    if tokens.empty:
        return pd.Series(dtype="int64")
    # whether a token's text is more than whitespace, decided once per distinct text
    codes, distinct = pd.factorize(tokens["text"], use_na_sentinel=False)
    filled = np.asarray([t.strip() != "" if isinstance(t, str) else True for t in distinct], dtype=bool)
    words = ~tokens["is_punct"].astype(bool) & (tokens["pos"] != "SPACE") & filled[codes]
    keys = ["article_id", "field", "sentence_id"]
    starts = run_starts(tokens, keys)
    if starts is not None:  # each sentence one run of rows (as the parser writes them): no hashing
        sums = np.add.reduceat(words.to_numpy().astype(np.int64), starts)
        return pd.Series(sums, index=pd.MultiIndex.from_frame(tokens[keys].iloc[starts]), dtype="int64")
    return words.groupby([tokens[k] for k in keys]).sum().astype("int64")


def sentence_sentiment(
    articles: pd.DataFrame,
    *,
    annotations: Annotations,
    cache_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Score every sentence of the title and body with VADER (cached per article).

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``; ``title`` and ``status`` used when
        present (only ``status == 'ok'`` rows are scored).
    annotations : Annotations
        Output of :func:`analysis.annotate.annotate` for these articles;
        required (``analysis.sentence_sentiment(articles)`` computes it when omitted).
    cache_dir : str or Path, optional
        Cache root for annotations and sentence scores; default
        :data:`analysis.config.CACHE_DIR`.

    Returns
    -------
    pandas.DataFrame
        One row per sentence: ``article_id, field, sentence_id, start_char,
        end_char, n_words`` (tokens that are not punctuation or space),
        ``text, neg, neu, pos, compound`` (VADER) and ``label``
        (``negative``/``neutral``/``positive`` by the ±0.05 thresholds),
        sorted by ``article_id, field, sentence_id``.
    """
    rows = ok_articles(articles)
    if rows.empty:
        return empty(SENTENCE_SENTIMENT_COLUMNS)
    ann = need(annotations, "annotations=", "sentence_sentiment")
    ids = set(rows["article_id"].astype(str))
    sents = ann.sentences[ann.sentences["article_id"].astype(str).isin(ids)]
    if sents.empty:
        return empty(SENTENCE_SENTIMENT_COLUMNS)
    sents = sents.sort_values(["article_id", "field", "sentence_id"], kind="stable").reset_index(drop=True)
    counts = _word_counts(ann.tokens)
    keys = pd.MultiIndex.from_frame(sents[["article_id", "field", "sentence_id"]])
    n_words = counts.reindex(keys).fillna(0).astype("int64").to_numpy()
    scores = np.zeros((len(sents), 4), dtype=float)
    version = vader_version()
    texts = sents["text"].astype(str).tolist()
    rows_of = sents.groupby("article_id", sort=True).indices
    articles_sorted = list(rows_of)
    for first in range(0, len(articles_sorted), CACHE_CHUNK):
        positions = np.concatenate([rows_of[a] for a in articles_sorted[first : first + CACHE_CHUNK]])
        chunk = [texts[i] for i in positions]
        fields = sents["field"].to_numpy()[positions]
        key = cache.content_key(
            "vader", version, SENTIMENT_VERSION, *(f"{f}\x1f{t}" for f, t in zip(fields, chunk, strict=True))
        )
        hit = cache.read("sentiment", key, cache_dir)
        if hit is not None and len(hit) == len(positions):
            scores[positions] = hit[["neg", "neu", "pos", "compound"]].to_numpy(dtype=float)
            continue
        block = score_texts(chunk)
        scores[positions] = block
        frame = pd.DataFrame(block, columns=["neg", "neu", "pos", "compound"])
        cache.write("sentiment", key, frame, cache_dir)
    out = sents.assign(n_words=n_words)
    for j, column in enumerate(["neg", "neu", "pos", "compound"]):
        out[column] = scores[:, j]
    out["label"] = labels(out["compound"])
    return out[list(SENTENCE_SENTIMENT_COLUMNS)]


def article_sentiment(
    sentence_table: pd.DataFrame,
    *,
    include_title: bool = False,
    n_boot: int | None = None,
    seed: int | None = None,
) -> pd.DataFrame:
    """Aggregate sentence scores per article (length-weighted, with a bootstrap interval).

    Parameters
    ----------
    sentence_table : pandas.DataFrame
        Output of :func:`sentence_sentiment`: needs ``article_id, field,
        n_words, neg, neu, pos, compound``.
    include_title : bool, default False
        Also count the title's sentences (by default only the body, ``field ==
        'text'``, is aggregated).
    n_boot, seed : int, optional
        Bootstrap resamples and seed; defaults from :mod:`analysis.config`.

    Returns
    -------
    pandas.DataFrame
        One row per article with at least one word: ``article_id,
        n_sentences, n_words, compound`` (mean compound weighted by
        sentence length in words), ``compound_low, compound_high`` (95%
        percentile bootstrap over sentences, seeded), ``neg, neu, pos``
        (weighted means of VADER's proportions) and ``share_negative,
        share_neutral, share_positive`` (unweighted shares of sentences by
        label), sorted by ``article_id``.
    """
    n = config.N_BOOTSTRAP if n_boot is None else n_boot
    seed = config.RANDOM_SEED if seed is None else seed
    table = sentence_table
    if not include_title and "field" in table.columns:
        table = table[table["field"] == "text"]
    table = table[table["n_words"] > 0]
    if table.empty:
        return empty(SENTIMENT_COLUMNS)
    w = table["n_words"].to_numpy(dtype=float)
    ci = bootstrap_mean_ci_by(
        table["compound"].to_numpy(dtype=float), table["article_id"].to_numpy(), w, n=n, seed=seed
    )
    weighted = table[["neg", "neu", "pos"]].mul(w, axis=0).assign(_w=w, _n=1.0)
    for name in ("negative", "neutral", "positive"):
        weighted[f"share_{name}"] = (labels(table["compound"]) == name).astype(float)
    sums = weighted.groupby(table["article_id"].to_numpy(), sort=True).sum()
    out = pd.DataFrame(
        {
            "article_id": sums.index.to_numpy(),
            "n_sentences": sums["_n"].to_numpy().astype("int64"),
            "n_words": sums["_w"].to_numpy().astype("int64"),
            "compound": ci["mean"].to_numpy(),
            "compound_low": ci["low"].to_numpy(),
            "compound_high": ci["high"].to_numpy(),
        }
    )
    for column in ("neg", "neu", "pos"):
        out[column] = (sums[column] / sums["_w"]).to_numpy()
    for name in ("negative", "neutral", "positive"):
        out[f"share_{name}"] = (sums[f"share_{name}"] / sums["_n"]).to_numpy()
    return out[list(SENTIMENT_COLUMNS)]


@stage(
    provides="sentiment",
    requires=("articles", "annotations", "cache_dir"),
    columns=SENTIMENT_COLUMNS,
)
def sentiment(
    articles: pd.DataFrame,
    *,
    level: Literal["article", "sentence"] = "article",
    annotations: Annotations,
    include_title: bool = False,
    cache_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Score sentiment with VADER per sentence and aggregate it per article.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``; ``title`` and ``status`` used when
        present. Only ``status == 'ok'`` rows are scored; an empty text gives
        no rows.
    level : {"article", "sentence"}, default "article"
        ``"sentence"`` returns :func:`sentence_sentiment`'s table,
        ``"article"`` returns :func:`article_sentiment`'s.
    annotations : Annotations
        Output of :func:`analysis.annotate.annotate`; required
        (``analysis.sentiment(articles)`` computes it when omitted).
    include_title : bool, default False
        At article level, also aggregate the title's sentences.
    cache_dir : str or Path, optional
        Cache root (annotations and sentence scores).

    Returns
    -------
    pandas.DataFrame
        Sentence level: ``article_id, field, sentence_id, start_char,
        end_char, n_words, text, neg, neu, pos, compound, label``.
        Article level: ``article_id, n_sentences, n_words, compound,
        compound_low, compound_high, neg, neu, pos, share_negative,
        share_neutral, share_positive``.

    Examples
    --------
    >>> import pandas as pd
    >>> sentiment(pd.DataFrame({"article_id": ["a"], "text": [""]})).empty  # doctest: +SKIP
    True
    """
    if level not in ("article", "sentence"):
        raise ValueError(f"level must be 'article' or 'sentence', got {level!r}")
    table = sentence_sentiment(articles, annotations=annotations, cache_dir=cache_dir)
    if level == "sentence":
        return table
    return article_sentiment(table, include_title=include_title)
