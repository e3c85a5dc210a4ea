"""VADER: the analyzer, memoised polarity scores, labels from compound scores.

Thresholds follow VADER's documentation: compound >= 0.05 is positive,
<= -0.05 negative, anything between neutral.
"""

from __future__ import annotations

import functools
import importlib.metadata
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.core.parallel import preload

#: Compound at or above this is a positive sentence / mention (VADER's convention).
POSITIVE_THRESHOLD = 0.05
#: Compound at or below this is a negative sentence / mention (VADER's convention).
NEGATIVE_THRESHOLD = -0.05
#: Distinct texts whose VADER scores are kept in memory (news repeats sentences: wire copy, boilerplate).
POLARITY_CACHE_SIZE = 1 << 16
CLASSES = ("negative", "neutral", "positive")


@preload
@functools.lru_cache(maxsize=1)
def analyzer():
    """Return the (shared, read-only) VADER ``SentimentIntensityAnalyzer``."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@functools.lru_cache(maxsize=1)
def negations() -> frozenset[str]:
    """Return VADER's negation words (lower case)."""
    from vaderSentiment.vaderSentiment import NEGATE

    return frozenset(w.lower() for w in NEGATE) | {"not", "n't", "never", "no", "without", "nor"}


@functools.lru_cache(maxsize=1)
def vader_version() -> str:
    """Return the installed ``vaderSentiment`` version (part of every cache key)."""
    try:
        return importlib.metadata.version("vaderSentiment")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - vendored copy
        return "unknown"


def label_of(compound: float) -> str:
    """Map a compound score to ``negative``, ``neutral``, ``positive`` (or ``""`` for NaN).

    Examples
    --------
    >>> [label_of(x) for x in (-0.5, 0.0, 0.05, float("nan"))]
    ['negative', 'neutral', 'positive', '']
    """
    if compound != compound:  # NaN
        return ""
    if compound >= POSITIVE_THRESHOLD:
        return "positive"
    if compound <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


def labels(compound: pd.Series) -> pd.Series:
    """Vectorised :func:`label_of` (``""`` for NaN)."""
    out = np.where(compound >= POSITIVE_THRESHOLD, "positive",
                   np.where(compound <= NEGATIVE_THRESHOLD, "negative", "neutral"))  # fmt: skip
    return pd.Series(np.where(compound.isna(), "", out), index=compound.index, dtype=object)


@functools.lru_cache(maxsize=POLARITY_CACHE_SIZE)
def polarity(text: str) -> tuple[float, float, float, float]:
    """Return VADER's ``polarity_scores`` of a text as (neg, neu, pos, compound), memoised."""
    s = analyzer().polarity_scores(text)
    return (s["neg"], s["neu"], s["pos"], s["compound"])


def score_texts(texts: Sequence[str]) -> np.ndarray:
    """VADER neg/neu/pos/compound for each text, as an (n, 4) array."""
    out = np.zeros((len(texts), 4), dtype=float)
    for i, text in enumerate(texts):
        out[i] = polarity(text)
    return out


def sentence_vader(text: str) -> float:
    """Return whole-text VADER compound (the baseline the targeted methods are compared with)."""
    if not isinstance(text, str) or not text.strip():
        return float("nan")
    return float(polarity(text)[3])
