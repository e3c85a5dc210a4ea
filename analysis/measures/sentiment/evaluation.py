"""Accuracy of the targeted methods on labelled (sentence, target, label) sets, with bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import config
from analysis.measures.sentiment.clause import TARGET_WINDOW
from analysis.measures.sentiment.lexicon import CLASSES, label_of, sentence_vader
from analysis.measures.sentiment.targets import target_sentiment

SCORE_COLUMNS: tuple[str, ...] = ("method", "metric", "n_items", "value", "value_low", "value_high")


def f1_per_class(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """F1 of each class in :data:`CLASSES` (0 when a class is neither true nor predicted).

    >>> f1_per_class(np.array(["negative", "neutral"]), np.array(["negative", "positive"])).tolist()
    [1.0, 0.0, 0.0]
    """
    out = np.zeros(len(CLASSES))
    for k, name in enumerate(CLASSES):
        t, p = y_true == name, y_pred == name
        tp = float(np.sum(t & p))
        denominator = float(np.sum(t) + np.sum(p))
        out[k] = 2 * tp / denominator if denominator else 0.0
    return out


def classification_scores(
    y_true, y_pred, *, groups=None, method: str = "", n_boot: int | None = None, seed: int | None = None
) -> pd.DataFrame:
    """Macro-F1 and per-class F1 with seeded 95% percentile bootstrap intervals.

    Parameters
    ----------
    y_true, y_pred : array-like of str
        Labels (``negative``/``neutral``/``positive``).
    groups : array-like, optional
        Resampling unit (e.g. the source article); default each item.
    method : str
        Written to the ``method`` column.
    n_boot, seed : int, optional
        Resamples and seed; defaults from :mod:`analysis.config`.

    Returns
    -------
    pandas.DataFrame
        ``method, metric`` (``macro_f1``, ``f1_negative``, ``f1_neutral``,
        ``f1_positive``, ``accuracy``), ``n_items`` (items; for a class: items of that
        true class), ``value, value_low, value_high``.
    """
    y_true = np.asarray(y_true, dtype=object)
    y_pred = np.asarray(y_pred, dtype=object)
    n_boot = config.N_BOOTSTRAP if n_boot is None else n_boot
    rng = np.random.default_rng(config.RANDOM_SEED if seed is None else seed)
    if groups is None:
        groups = np.arange(len(y_true))
    codes, uniques = pd.factorize(pd.Series(groups))
    members = [np.nonzero(codes == g)[0] for g in range(len(uniques))]

    def stats(t, p) -> np.ndarray:
        per = f1_per_class(t, p)
        return np.concatenate([[per.mean()], per, [np.mean(t == p) if len(t) else 0.0]])

    point = stats(y_true, y_pred)
    draws = np.empty((n_boot, len(point)))
    for b in range(n_boot):
        picked = np.concatenate([members[g] for g in rng.integers(0, len(members), len(members))])
        draws[b] = stats(y_true[picked], y_pred[picked])
    low, high = np.percentile(draws, [2.5, 97.5], axis=0)
    names = ["macro_f1"] + [f"f1_{c}" for c in CLASSES] + ["accuracy"]
    counts = [len(y_true)] + [int(np.sum(y_true == c)) for c in CLASSES] + [len(y_true)]
    return pd.DataFrame(
        {
            "method": method,
            "metric": names,
            "n_items": counts,
            "value": point,
            "value_low": np.minimum(low, point),
            "value_high": np.maximum(high, point),
        }  # fmt: skip
    )[list(SCORE_COLUMNS)]


def evaluate_target_sentiment(
    labels: pd.DataFrame, *, window: int = TARGET_WINDOW, n_boot: int | None = None
) -> pd.DataFrame:
    """Score the model, clause-VADER and whole-sentence VADER on hand-labelled pairs.

    Parameters
    ----------
    labels : pandas.DataFrame
        Needs ``sentence, target, label`` (``negative``/``neutral``/``positive``).
    window : int, default :data:`TARGET_WINDOW`
        Passed to :func:`target_sentiment`.
    n_boot : int, optional
        Bootstrap resamples (over pairs).

    Returns
    -------
    pandas.DataFrame
        :func:`classification_scores` for ``model``, ``clause_vader`` and
        ``sentence_vader`` stacked (a target not found counts as ``neutral``).
    """
    missing = {"sentence", "target", "label"} - set(labels.columns)
    if missing:
        raise ValueError(f"labels need columns {sorted(missing)}")
    pairs = list(zip(labels["sentence"], labels["target"], strict=True))
    predictions = {
        "model": [target_sentiment(s, t, window=window).label for s, t in pairs],
        "clause_vader": [target_sentiment(s, t, method="vader", window=window).label for s, t in pairs],
        "sentence_vader": [label_of(sentence_vader(s)) for s, _ in pairs],
    }
    frames = [
        classification_scores(
            labels["label"], [p or "neutral" for p in predicted], method=name, n_boot=n_boot
        )
        for name, predicted in predictions.items()
    ]
    return pd.concat(frames, ignore_index=True)
