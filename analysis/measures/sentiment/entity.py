"""Sentiment toward entities: every mention scored in its sentence, aggregated per article and corpus.

:func:`entity_sentiment` (a declared per-article stage) scores each entity
mention from the cached token table with the targeted methods of
:mod:`analysis.measures.sentiment.targets` (nothing is re-parsed) and
aggregates the signed ``sentiment`` per article x canonical entity;
:func:`entity_sentiment_summary` aggregates the stored article table to the
corpus or to outlets without re-scoring.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from analysis import config
from analysis.annotate import Annotations
from analysis.core.stage import need, stage
from analysis.core.stats import bootstrap_grouped_mean_ci, bootstrap_mean_ci_by
from analysis.measures.sentiment.clause import TARGET_WINDOW
from analysis.measures.sentiment.features import FEATURES_VERSION
from analysis.measures.sentiment.model import MODEL_VERSION
from analysis.measures.sentiment.sentences import empty
from analysis.measures.sentiment.targets import RECORD_COLUMNS, Method, check_method, score_spans
from analysis.schema import ok_articles

#: The trained model and feature versions this stage scores with (they are part of its cache key).
SCORING_VERSION = f"{MODEL_VERSION}+features-{FEATURES_VERSION}"

ENTITY_SENTIMENT_COLUMNS: tuple[str, ...] = (
    "article_id", "canonical", "n_mentions", "n_scored", "sentiment", "sentiment_low", "sentiment_high",
    "share_negative", "share_positive",
)  # fmt: skip
CORPUS_ENTITY_SENTIMENT_COLUMNS: tuple[str, ...] = (
    "canonical", "n_articles", "n_mentions", "n_scored", "sentiment", "sentiment_low", "sentiment_high",
    "share_negative", "share_positive",
)  # fmt: skip


@dataclass(frozen=True)
class EntitySentimentOptions:
    """What :func:`entity_sentiment` returns and how it scores.

    Attributes
    ----------
    level : {"article", "mention", "corpus"}
        ``"mention"``: one row per mention with its record; ``"article"``: per article x
        canonical entity; ``"corpus"``: per canonical entity (and ``by`` value), interval
        bootstrapped over articles, not mentions.
    by : str, optional
        Article column to group by at corpus level (e.g. ``"outlet"``).
    method : {"model", "vader"}
        The trained target-sentiment model or clause-VADER (see :func:`analysis.target_sentiment`).
    window : int
        Tokens each side of the target in the clause selection.
    n_boot : int, optional
        Bootstrap resamples; default :data:`analysis.config.N_BOOTSTRAP`.
    """

    level: Literal["article", "mention", "corpus"] = "article"
    by: str | None = None
    method: Method = "model"
    window: int = TARGET_WINDOW
    n_boot: int | None = None


@stage(
    provides="entity_sentiment",
    requires=("articles", "mentions", "annotations", "cache_dir"),
    columns=ENTITY_SENTIMENT_COLUMNS,
)
def entity_sentiment(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    annotations: Annotations,
    cache_dir: str | Path | None = None,
    options: EntitySentimentOptions | None = None,
    **kw: Any,
) -> pd.DataFrame:
    """Score the sentiment toward every entity mention and aggregate per article and entity.

    Each mention is scored through its own span in its sentence (a surname,
    title or honorific resolved to a canonical entity counts as that entity),
    read from the cached token table: nothing is re-parsed.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text`` (``title``, ``status`` used when
        present; only ``ok`` rows count). With ``level="corpus"`` and ``by``,
        also the ``by`` column.
    mentions : pandas.DataFrame
        Output of :func:`analysis.entity_mentions`: needs ``article_id, field,
        start_char, end_char, canonical``; other columns are kept.
    annotations : Annotations
        Output of :func:`analysis.annotate.annotate`; required
        (``analysis.entity_sentiment(articles)`` computes it when omitted).
    cache_dir : str or Path, optional
        Cache root for the annotations.
    options : EntitySentimentOptions, optional
        Level, grouping and scoring (default ``EntitySentimentOptions()``).
    **kw
        Fields of :class:`EntitySentimentOptions` set on top of ``options``
        (``level="corpus", by="outlet"``, ``method="vader"``...).

    Returns
    -------
    pandas.DataFrame
        Mention level: the mention columns plus ``label, p_negative,
        p_neutral, p_positive, sentiment`` (``sentiment`` = P(positive) - P(negative),
        or VADER's compound for ``method="vader"``; ``label == ""`` and NaN
        when the mention is not in the token table).
        Article level: ``article_id, canonical, n_mentions, n_scored,
        sentiment`` (mean ``sentiment`` over mentions), ``sentiment_low,
        sentiment_high`` (95% bootstrap over mentions, seeded),
        ``share_negative, share_positive`` (of scored mentions, by label).
        Corpus level: ``[by,] canonical, n_articles, n_mentions, n_scored,
        sentiment, sentiment_low, sentiment_high`` (bootstrap over articles),
        ``share_negative, share_positive``. Sorted by the grouping columns.

    Raises
    ------
    TypeError
        A keyword that is not a field of :class:`EntitySentimentOptions`.
    """
    options = replace(options or EntitySentimentOptions(), **kw)
    level, by, method, window = options.level, options.by, options.method, options.window
    n_boot = options.n_boot
    if level not in ("article", "mention", "corpus"):
        raise ValueError(f"level must be 'article', 'mention' or 'corpus', got {level!r}")
    check_method(method)
    missing = {"article_id", "field", "start_char", "end_char", "canonical"} - set(mentions.columns)
    if missing:
        raise ValueError(f"mentions need columns {sorted(missing)}; got {list(mentions.columns)}")
    if by is not None and by not in articles.columns:
        raise ValueError(f"by={by!r} is not a column of articles")
    n_boot = config.N_BOOTSTRAP if n_boot is None else int(n_boot)
    rows = ok_articles(articles)
    ids = set(rows["article_id"].astype(str))
    kept = mentions[mentions["article_id"].astype(str).isin(ids)].reset_index(drop=True)
    if kept.empty:
        scored = kept.assign(
            **{c: pd.Series(dtype=object if c == "label" else float) for c in RECORD_COLUMNS}
        )
    else:
        ann = need(annotations, "annotations=", "entity_sentiment")
        record = score_spans(ann.tokens, kept, method=method, window=window)
        scored = pd.concat([kept.drop(columns=list(RECORD_COLUMNS), errors="ignore"), record], axis=1)
    order = [c for c in ("article_id", "field", "start_char", "end_char") if c in scored.columns]
    scored = scored.sort_values(order, kind="stable").reset_index(drop=True)
    if level == "mention":
        return scored
    if level == "article":
        return aggregate_articles(scored, n_boot=n_boot)
    return aggregate_corpus(scored, rows, by, n_boot=n_boot)


def _shares(values: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    labels = labels[np.isfinite(values)]
    if labels.size == 0:
        return float("nan"), float("nan")
    return float(np.mean(labels == "negative")), float(np.mean(labels == "positive"))


def aggregate_articles(scored: pd.DataFrame, *, n_boot: int = config.N_BOOTSTRAP) -> pd.DataFrame:
    """Aggregate scored mentions (``article_id, canonical, label, sentiment``) per article x entity."""
    if scored.empty:
        return empty(ENTITY_SENTIMENT_COLUMNS)
    # (article, entity) tuples, as a MultiIndex's flat index gives them (without building one)
    aids, names = scored["article_id"].astype(str).tolist(), scored["canonical"].astype(str).tolist()
    pairs = zip(aids, names, strict=True)
    flat = np.fromiter(pairs, dtype=object, count=len(scored))
    values = scored["sentiment"].to_numpy(dtype=float)
    labels = scored["label"].astype(str).to_numpy()
    ci = bootstrap_mean_ci_by(values, flat, n=n_boot)
    finite = np.isfinite(values)
    parts = pd.DataFrame(
        {
            "n": 1,
            "negative": (finite & (labels == "negative")).astype(float),
            "positive": (finite & (labels == "positive")).astype(float),
        }
    )
    sums = parts.groupby(flat, sort=True).sum()
    scored_n = ci["n"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        negative = np.where(scored_n > 0, sums["negative"].to_numpy() / scored_n, np.nan)
        positive = np.where(scored_n > 0, sums["positive"].to_numpy() / scored_n, np.nan)
    return pd.DataFrame(
        {
            "article_id": [k[0] for k in ci.index],
            "canonical": [k[1] for k in ci.index],
            "n_mentions": sums["n"].to_numpy().astype("int64"),
            "n_scored": scored_n,
            "sentiment": ci["mean"].to_numpy(),
            "sentiment_low": ci["low"].to_numpy(),
            "sentiment_high": ci["high"].to_numpy(),
            "share_negative": negative,
            "share_positive": positive,
        },
        columns=ENTITY_SENTIMENT_COLUMNS,
    )


def aggregate_corpus(
    scored: pd.DataFrame, rows: pd.DataFrame, by: str | None, *, n_boot: int = config.N_BOOTSTRAP
) -> pd.DataFrame:
    """Aggregate scored mentions per canonical entity (and ``by`` value), resampling articles."""
    columns = [*([by] if by else []), *CORPUS_ENTITY_SENTIMENT_COLUMNS]
    if scored.empty:
        return empty(columns)
    if by:
        groups_of = dict(zip(rows["article_id"].astype(str), rows[by], strict=True))
        scored = scored.assign(**{by: scored["article_id"].astype(str).map(groups_of)})
    keys = ([by] if by else []) + ["canonical"]
    values_all = scored["sentiment"].to_numpy(dtype=float)
    labels_all = scored["label"].astype(str).to_numpy()
    articles_all = scored["article_id"].astype(str).to_numpy()
    records = []
    for key, positions in sorted(
        scored.groupby(keys, sort=False, dropna=False).indices.items(), key=sort_key
    ):
        key = key if isinstance(key, tuple) else (key,)
        values, article_ids = values_all[positions], articles_all[positions]
        ci = bootstrap_grouped_mean_ci(values, article_ids, n=n_boot)
        negative, positive = _shares(values, labels_all[positions])
        record = dict(zip(keys, key, strict=True))
        record.update(
            {
                "n_articles": len(set(article_ids)),
                "n_mentions": len(positions),
                "n_scored": int(np.isfinite(values).sum()),
                "sentiment": ci.mean,
                "sentiment_low": ci.low,
                "sentiment_high": ci.high,
                "share_negative": negative,
                "share_positive": positive,
            }
        )
        records.append(record)
    return pd.DataFrame.from_records(records, columns=columns)


def sort_key(item: tuple) -> tuple:
    """Sort key of a ``groupby(...).indices`` item: missing values last, then by string."""
    key = item[0] if isinstance(item[0], tuple) else (item[0],)
    return tuple((x is None or x != x, str(x)) for x in key)


def entity_sentiment_summary(
    articles: pd.DataFrame, entity_table: pd.DataFrame, *, by: str | None = None, n_boot: int | None = None
) -> pd.DataFrame:
    """Aggregate per-article targeted sentiment to the corpus or to groups, without re-scoring mentions.

    Gives the same numbers as ``entity_sentiment(articles, mentions,
    level="corpus", by=by)`` from the article-level table that
    :func:`analysis.run` stores (``result["entity_sentiment"]``): the pooled
    mean over mentions is the per-article means weighted by ``n_scored``, and
    the interval resamples whole articles exactly as
    :func:`analysis.core.stats.bootstrap_grouped_mean_ci` does on the mentions.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text`` (``status`` used when present; only
        ``ok`` rows with text count) and the ``by`` column.
    entity_table : pandas.DataFrame
        ``entity_sentiment(level="article")``: ``article_id, canonical,
        n_mentions, n_scored, sentiment, share_negative, share_positive``.
    by : str, optional
        Article column to group by (e.g. ``"outlet"``); None gives one row per entity.
    n_boot : int, optional
        Bootstrap resamples; default :data:`analysis.config.N_BOOTSTRAP`.

    Returns
    -------
    pandas.DataFrame
        ``[by,] canonical, n_articles, n_mentions, n_scored, sentiment, sentiment_low,
        sentiment_high, share_negative, share_positive``, sorted by the grouping columns.

    Raises
    ------
    ValueError
        When ``by`` is not a column of ``articles``.
    """
    if by is not None and by not in articles.columns:
        raise ValueError(f"by={by!r} is not a column of articles")
    columns = [*([by] if by else []), *CORPUS_ENTITY_SENTIMENT_COLUMNS]
    n_boot = config.N_BOOTSTRAP if n_boot is None else int(n_boot)
    rows = ok_articles(articles)
    ids = rows["article_id"].astype(str)
    table = entity_table[entity_table["article_id"].astype(str).isin(set(ids))]
    if table.empty:
        return empty(columns)
    table = table.assign(article_id=table["article_id"].astype(str))
    if by:
        table[by] = table["article_id"].map(dict(zip(ids, rows[by], strict=True)))
    keys = ([by] if by else []) + ["canonical"]
    scored = table["n_scored"].to_numpy(dtype=float)
    means = table["sentiment"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        negative = np.where(scored > 0, np.round(table["share_negative"].to_numpy(dtype=float) * scored), 0.0)
        positive = np.where(scored > 0, np.round(table["share_positive"].to_numpy(dtype=float) * scored), 0.0)
    mentions = table["n_mentions"].to_numpy(dtype="int64")
    article_ids = table["article_id"].to_numpy()
    records = []
    groups = table.groupby(keys, sort=False, dropna=False).indices
    for key, positions in sorted(groups.items(), key=sort_key):
        key = key if isinstance(key, tuple) else (key,)
        ci = bootstrap_grouped_mean_ci(means[positions], article_ids[positions], scored[positions], n=n_boot)
        n_scored = int(scored[positions].sum())
        record = dict(zip(keys, key, strict=True))
        record.update(
            {
                "n_articles": len(set(article_ids[positions])),
                "n_mentions": int(mentions[positions].sum()),
                "n_scored": n_scored,
                "sentiment": ci.mean,
                "sentiment_low": ci.low,
                "sentiment_high": ci.high,
                "share_negative": negative[positions].sum() / n_scored if n_scored else float("nan"),
                "share_positive": positive[positions].sum() / n_scored if n_scored else float("nan"),
            }
        )
        records.append(record)
    return pd.DataFrame.from_records(records, columns=columns)
