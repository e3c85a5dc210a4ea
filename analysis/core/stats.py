"""Seeded bootstrap intervals shared by every measure.

Two helpers, both vectorised with numpy and seeded with
:data:`analysis.config.RANDOM_SEED` by default, so tables and notebooks are
reproducible:

* :func:`bootstrap_mean_ci` resamples single values (e.g. the sentences of
  one article) and returns the (weighted) mean with a percentile interval.
* :func:`bootstrap_grouped_mean_ci` resamples whole groups (e.g. articles),
  keeping each group's values together, which is the right unit when values
  within a group are not independent (sentences of one article, mentions in
  one article).

Both return a :class:`MeanCI` ``(mean, low, high, n)``. The mean is the
point estimate on the full data (never a bootstrap average), so
``low <= mean <= high`` holds except in pathological resampling cases, which
the helpers guard against by widening the interval to include the mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis import config

ArrayLike = Sequence[float] | np.ndarray | pd.Series


class MeanCI(NamedTuple):
    """A mean with its bootstrap percentile interval.

    Attributes
    ----------
    mean : float
        Point estimate on the full data (NaN when there is no data).
    low, high : float
        Bounds of the percentile interval (NaN when there is no data or a
        single value or group: one unit cannot be resampled into an interval).
    n : int
        Number of values (or groups, for the grouped version) used.
    """

    mean: float
    low: float
    high: float
    n: int


#: Largest (groups x resamples x size) array built at once by :func:`bootstrap_mean_ci_by`.
_MAX_CELLS = 4_000_000

_NAN = MeanCI(float("nan"), float("nan"), float("nan"), 0)


def _clean(values: ArrayLike, weights: ArrayLike | None) -> tuple[np.ndarray, np.ndarray]:
    v = np.asarray(values, dtype=float).reshape(-1)
    w = np.ones_like(v) if weights is None else np.asarray(weights, dtype=float).reshape(-1)
    if w.shape != v.shape:
        raise ValueError(f"weights has {w.size} entries but values has {v.size}")
    if np.any(w < 0):
        raise ValueError("weights must be non-negative")
    keep = np.isfinite(v) & np.isfinite(w) & (w > 0)
    return v[keep], w[keep]


def _interval(estimate: float, draws: np.ndarray, level: float, n: int) -> MeanCI:
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(draws, [alpha, 1.0 - alpha])
    return MeanCI(float(estimate), float(min(low, estimate)), float(max(high, estimate)), n)


def bootstrap_mean_ci(
    values: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    n: int = config.N_BOOTSTRAP,
    seed: int = config.RANDOM_SEED,
    level: float = 0.95,
) -> MeanCI:
    """Compute a (weighted) mean and its percentile bootstrap interval.

    Values are resampled with replacement ``n`` times, each draw computing
    ``sum(w * v) / sum(w)``. NaN values, NaN weights and zero weights are
    ignored.

    Parameters
    ----------
    values : array-like of float
        The values (e.g. sentence compound scores of one article).
    weights : array-like of float, optional
        Non-negative weights of the same length (e.g. sentence lengths in
        words); default equal weights.
    n : int, default :data:`analysis.config.N_BOOTSTRAP`
        Number of bootstrap resamples.
    seed : int, default :data:`analysis.config.RANDOM_SEED`
        Seed of ``numpy.random.default_rng``; the same input gives the same
        interval.
    level : float, default 0.95
        Coverage of the percentile interval.

    Returns
    -------
    MeanCI
        ``(mean, low, high, n)``; all NaN and ``n == 0`` for empty input;
        ``low`` and ``high`` NaN for a single value (no interval from one unit).

    Examples
    --------
    >>> ci = bootstrap_mean_ci([0.2, 0.4, 0.6, 0.8])
    >>> round(ci.mean, 3), ci.low <= ci.mean <= ci.high, ci.n
    (0.5, True, 4)
    >>> bootstrap_mean_ci([]).n
    0
    """
    v, w = _clean(values, weights)
    if v.size == 0:
        return _NAN
    estimate = float(np.sum(v * w) / np.sum(w))
    if v.size == 1 or n <= 0:
        return MeanCI(estimate, float("nan"), float("nan"), int(v.size))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, v.size, size=(n, v.size))
    ws = w[idx]
    draws = np.sum(v[idx] * ws, axis=1) / np.sum(ws, axis=1)
    return _interval(estimate, draws, level, int(v.size))


def bootstrap_grouped_mean_ci(
    values: ArrayLike,
    groups: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    n: int = config.N_BOOTSTRAP,
    seed: int = config.RANDOM_SEED,
    level: float = 0.95,
) -> MeanCI:
    """Compute a pooled (weighted) mean with an interval that resamples whole groups.

    Groups (e.g. articles) are drawn with replacement; every value of a drawn
    group enters the resample. The pooled mean of one draw is
    ``sum over drawn groups of sum(w * v)`` divided by the sum of their
    weights, so a long article weighs more than a short one, as in the point
    estimate.

    Parameters
    ----------
    values : array-like of float
        One value per row (e.g. per sentence or per mention).
    groups : array-like
        The group of each row (e.g. ``article_id``); same length as ``values``.
    weights : array-like of float, optional
        Non-negative row weights; default equal weights.
    n, seed, level
        As in :func:`bootstrap_mean_ci`.

    Returns
    -------
    MeanCI
        ``(mean, low, high, n)`` where ``n`` is the number of groups with at
        least one usable value.

    Examples
    --------
    >>> ci = bootstrap_grouped_mean_ci([1, 1, 0, 0, 1], ["a", "a", "b", "b", "c"])
    >>> round(ci.mean, 2), ci.n, 0 <= ci.low <= ci.mean <= ci.high <= 1
    (0.6, 3, True)
    """
    v = np.asarray(values, dtype=float).reshape(-1)
    g = np.asarray(groups, dtype=object).reshape(-1)
    if g.shape != v.shape:
        raise ValueError(f"groups has {g.size} entries but values has {v.size}")
    w = np.ones_like(v) if weights is None else np.asarray(weights, dtype=float).reshape(-1)
    if w.shape != v.shape:
        raise ValueError(f"weights has {w.size} entries but values has {v.size}")
    if np.any(w < 0):
        raise ValueError("weights must be non-negative")
    keep = np.isfinite(v) & np.isfinite(w) & (w > 0)
    v, w, g = v[keep], w[keep], g[keep]
    if v.size == 0:
        return _NAN
    codes, _ = pd.factorize(pd.Series(g, dtype=object), sort=True)
    k = int(codes.max()) + 1
    sums = np.bincount(codes, weights=v * w, minlength=k)
    mass = np.bincount(codes, weights=w, minlength=k)
    estimate = float(sums.sum() / mass.sum())
    if k == 1 or n <= 0:
        return MeanCI(estimate, float("nan"), float("nan"), k)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, k, size=(n, k))
    draws = sums[idx].sum(axis=1) / mass[idx].sum(axis=1)
    return _interval(estimate, draws, level, k)


def bootstrap_mean_ci_by(
    values: ArrayLike,
    groups: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    n: int = config.N_BOOTSTRAP,
    seed: int = config.RANDOM_SEED,
    level: float = 0.95,
) -> pd.DataFrame:
    """Apply :func:`bootstrap_mean_ci` to every group at once (vectorised by group size).

    Each group is resampled on its own values, with a generator seeded by
    ``seed`` as if :func:`bootstrap_mean_ci` were called once per group, so
    the result for a group does not depend on the other groups. Groups of the
    same size share one draw of resampling indices, which makes thousands of
    groups (articles, article x entity pairs) fast.

    Parameters
    ----------
    values : array-like of float
        One value per row.
    groups : array-like
        The group of each row (any hashable labels).
    weights : array-like of float, optional
        Non-negative row weights; default equal weights.
    n, seed, level
        As in :func:`bootstrap_mean_ci`.

    Returns
    -------
    pandas.DataFrame
        Indexed by group (sorted), columns ``mean, low, high, n`` as in
        :class:`MeanCI`; groups whose values are all NaN (or zero-weight)
        have NaN bounds and ``n == 0``.

    Examples
    --------
    >>> table = bootstrap_mean_ci_by([0.1, 0.3, 0.5, 0.9], ["a", "a", "b", "b"])
    >>> table.index.tolist(), table["mean"].round(2).tolist()
    (['a', 'b'], [0.2, 0.7])
    >>> bool(table.loc["b", "low"] == bootstrap_mean_ci([0.5, 0.9]).low)
    True
    """
    v = np.asarray(values, dtype=float).reshape(-1)
    g = pd.Series(np.asarray(groups, dtype=object).reshape(-1), dtype=object)
    if len(g) != v.size:
        raise ValueError(f"groups has {len(g)} entries but values has {v.size}")
    w = np.ones_like(v) if weights is None else np.asarray(weights, dtype=float).reshape(-1)
    if w.shape != v.shape:
        raise ValueError(f"weights has {w.size} entries but values has {v.size}")
    if np.any(w < 0):
        raise ValueError("weights must be non-negative")
    weighted = weights is not None
    codes, labels = pd.factorize(g, sort=True)
    k = len(labels)
    mean = np.full(k, np.nan)
    low = np.full(k, np.nan)
    high = np.full(k, np.nan)
    count = np.zeros(k, dtype=np.int64)
    keep = np.isfinite(v) & np.isfinite(w) & (w > 0)
    v, w, codes = v[keep], w[keep], codes[keep]
    if v.size:
        order = np.argsort(codes, kind="stable")
        v, w, codes = v[order], w[order], codes[order]
        present, starts, sizes = np.unique(codes, return_index=True, return_counts=True)
        sums = np.add.reduceat(v * w, starts)
        mass = np.add.reduceat(w, starts)
        mean[present] = sums / mass
        count[present] = sizes
        single = sizes == 1
        alpha = (1.0 - level) / 2.0
        for size in np.unique(sizes[~single]) if n > 0 else []:
            all_which = np.nonzero(sizes == size)[0]
            idx = np.random.default_rng(seed).integers(0, size, size=(n, size))
            step = max(1, _MAX_CELLS // (n * int(size)))  # bound memory: (groups, n, size) per batch
            for first in range(0, all_which.size, step):
                which = all_which[first : first + step]
                rows = starts[which][:, None] + np.arange(size)[None, :]  # (G, size)
                vv = v[rows][:, idx]  # (G, n, size)
                if weighted:
                    ww = w[rows][:, idx]
                    draws = np.sum(vv * ww, axis=2) / np.sum(ww, axis=2)
                else:  # the same numbers: x * 1.0 == x and a sum of ones is exact
                    draws = np.sum(vv, axis=2) / float(size)
                q = np.quantile(draws, [alpha, 1.0 - alpha], axis=1)  # (2, G)
                target = present[which]
                low[target] = np.minimum(q[0], mean[target])
                high[target] = np.maximum(q[1], mean[target])
        if n <= 0:
            low[present], high[present] = mean[present], mean[present]
    return pd.DataFrame(
        {"mean": mean, "low": low, "high": high, "n": count}, index=pd.Index(labels, name="group")
    )


def wilson_interval(k: int, n: int, *, z: float = 1.959964) -> tuple[float, float]:
    """Return the Wilson score interval of ``k`` successes in ``n`` trials (NaNs when ``n == 0``).

    Examples
    --------
    >>> [round(x, 3) for x in wilson_interval(8, 10)]
    [0.49, 0.943]
    """
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, float(centre - half)), min(1.0, float(centre + half))
