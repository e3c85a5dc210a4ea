"""Differences between groups with uncertainty: each outlet against the rest, or chosen pairs.

:func:`compare` answers "does outlet A differ from the others on this measure beyond
chance?" for any long table with one row per observation (an article, a quote, a
mention) and a column saying which article it comes from. Observations of one article
are not independent, so everything resamples **articles**:

* the difference of means (a ratio of sums when an article holds several rows) gets a
  percentile interval from a stratified bootstrap over articles (each side resampled
  separately, as many articles as it has);
* a two-sided permutation p-value shuffles the group labels over articles (the null:
  the group label does not matter), counting as extreme the permutations whose
  absolute difference is at least the observed one. The permutations are drawn
  sequentially (Besag & Clifford 1991): a comparison stops as soon as it has seen
  :attr:`CompareOptions.min_exceed` extreme permutations (clearly not significant: a
  few dozen draws), and only comparisons near or below the threshold draw up to
  :attr:`CompareOptions.max_perm`, which by default is large enough that the smallest
  reachable p-value, ``1 / (max_perm + 1)``, lies below ``alpha / m`` for a family of
  ``m`` comparisons: the Benjamini–Hochberg threshold of a single real difference;
* a side with fewer than :attr:`CompareOptions.min_articles` articles (or fewer than
  ``min_observations`` rows) is not tested: its row says so in ``note`` and its p-value
  is missing;
* Benjamini–Hochberg q-values control the false discovery rate across every tested
  comparison of the returned table (one call = one family, e.g. a page of findings).

Everything is seeded: each comparison draws from its own generator, seeded from
:attr:`CompareOptions.seed` and the comparison's name, so a report is reproducible and a
comparison's p-value does not change when another comparison is added to the family.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from statistics import NormalDist

import numpy as np
import pandas as pd

from analysis import config

#: Comparisons made per call at most when ``pairs`` are asked for (keeps a page readable).
MAX_PAIRS = 200
#: The method, as the findings page names it.
METHOD = "sequential permutation test (Besag–Clifford), labels shuffled over articles"
#: Permutations of the first sequential batch; each later batch is four times larger.
FIRST_BATCH = 64

COMPARE_COLUMNS = (
    "other", "measure", "n_articles", "n_articles_rest", "n_rows", "n_rows_rest",
    "mean", "mean_low", "mean_high", "mean_rest", "mean_rest_low", "mean_rest_high",
    "difference", "difference_low", "difference_high", "p_value", "n_perm", "tested", "note",
    "q_value", "significant",
)  # fmt: skip


@dataclass(frozen=True)
class CompareOptions:
    """How :func:`compare` tests: resamples, levels, minimum sample and the family it belongs to.

    Attributes
    ----------
    n_boot : int
        Bootstrap resamples for the intervals.
    ci : float
        Interval level.
    alpha : float
        False discovery rate at which ``significant`` is set (on the q-values).
    seed : int
        Base seed; each comparison's generator is seeded from it and the comparison's name.
    min_articles : int
        A side with fewer articles is not tested ("too few to test").
    min_observations : int
        A side with fewer rows (e.g. quotes for a share of quotes) is not tested.
    family_size : int, optional
        Comparisons in the family the p-values are corrected over (default: the tested
        comparisons of the call). Sets the default ``max_perm``.
    max_perm : int, optional
        Most permutations one comparison draws; default ``ceil(2 * family_size / alpha)``
        (at least 999), so that a comparison none of whose permutations is as extreme
        gets p below ``alpha / family_size``.
    min_exceed : int
        Sequential stop: after this many extreme permutations the p-value is
        ``min_exceed / draws`` (Besag–Clifford) and no more are drawn.
    """

    n_boot: int = config.N_BOOTSTRAP
    ci: float = 0.95
    alpha: float = 0.05
    seed: int = config.RANDOM_SEED
    min_articles: int = 5
    min_observations: int = 10
    family_size: int | None = None
    max_perm: int | None = None
    min_exceed: int = 10

    def permutations_for(self, family_size: int) -> int:
        """Return the permutation budget of one comparison in a family of ``family_size``."""
        if self.max_perm is not None:
            return int(self.max_perm)
        return max(999, math.ceil(2 * max(1, family_size) / self.alpha))


def benjamini_hochberg(p_values: Iterable[float]) -> np.ndarray:
    """Return Benjamini–Hochberg adjusted p-values (q-values), in input order.

    NaN p-values stay NaN and do not count towards the number of tests.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
    [0.03, 0.04, 0.04, nan]
    """
    p = np.asarray(list(p_values), dtype=float)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return q
    order = np.argsort(p[ok])
    ranked = p[ok][order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(ranked, 1.0)
    q[ok] = adjusted
    return q


def _article_sums(
    table: pd.DataFrame, value: str, by: str, cluster: str, weight: str | None = None
) -> pd.DataFrame:
    columns = [cluster, by, value] + ([weight] if weight else [])
    rows = table[columns].dropna(subset=[value, by])
    w = rows[weight].astype(float) if weight else pd.Series(1.0, index=rows.index)
    rows = rows.assign(_wv=rows[value].astype(float) * w, _w=w, _n=1)
    grouped = rows.groupby([cluster, by], observed=True, sort=True)
    return grouped.agg(sum=("_wv", "sum"), count=("_w", "sum"), rows=("_n", "sum")).reset_index()


def _sums(table: pd.DataFrame, value: str, by: str, cluster: str, weight: str | None) -> pd.DataFrame:
    missing = {value, by, cluster, *([weight] if weight else [])} - set(table.columns)
    if missing:
        raise ValueError(f"compare needs columns {sorted(missing)}; got {list(table.columns)}")
    sums = _article_sums(table, value, by, cluster, weight)
    owners = sums.groupby(cluster, observed=True)[by].nunique()
    if (owners > 1).any():
        raise ValueError(
            f"every {cluster} must belong to one {by}; "
            f"e.g. {owners[owners > 1].index[0]!r} belongs to several"
        )
    return sums


def _ratio(s: np.ndarray, c: np.ndarray) -> float:
    total = c.sum()
    return float(s.sum() / total) if total > 0 else float("nan")


def _boot_means(s: np.ndarray, c: np.ndarray, rng: np.random.Generator, n_boot: int) -> np.ndarray:
    """Return ``n_boot`` bootstrap ratio-of-sums means, resampling the articles ``(s, c)``."""
    n = len(s)
    if n < 2:
        return np.full(n_boot, np.nan)
    draws = np.empty(n_boot)
    step = max(1, 2_000_000 // n)
    for start in range(0, n_boot, step):
        k = min(step, n_boot - start)
        idx = rng.integers(0, n, size=(k, n))
        num, den = s[idx].sum(axis=1), c[idx].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            draws[start : start + k] = num / den
    return draws


def _interval(draws: np.ndarray, level: float) -> tuple[float, float]:
    draws = draws[~np.isnan(draws)]
    if len(draws) == 0:
        return float("nan"), float("nan")
    alpha = (1 - level) / 2
    low, high = np.quantile(draws, [alpha, 1 - alpha])
    return float(low), float(high)


def _extreme_flags(
    ps: np.ndarray, pc: np.ndarray, n_a: int, k: int, observed: float, rng: np.random.Generator
) -> np.ndarray:
    """Return, for ``k`` random relabellings, whether each is at least as extreme as ``observed``."""
    total_s, total_c = ps.sum(), pc.sum()
    flags = np.empty(k, dtype=bool)
    step = max(1, 2_000_000 // len(ps))
    for start in range(0, k, step):
        j = min(step, k - start)
        keys = rng.random((j, len(ps)))
        chosen = np.argpartition(keys, n_a - 1, axis=1)[:, :n_a]  # a random n_a-subset per row
        sa, ca = ps[chosen].sum(axis=1), pc[chosen].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            diff = sa / ca - (total_s - sa) / (total_c - ca)
        flags[start : start + j] = np.abs(diff) >= abs(observed) - 1e-12
    return flags


def sequential_permutation_p(
    s: np.ndarray, c: np.ndarray, in_a: np.ndarray, in_b: np.ndarray, observed: float,
    rng: np.random.Generator, *, max_perm: int, min_exceed: int = 10,
) -> tuple[float, int]:  # fmt: skip
    """Return the two-sided permutation p-value of mean(a) - mean(b) and the permutations drawn.

    Besag & Clifford (1991): permutations are drawn in growing batches; as soon as
    ``min_exceed`` of them are at least as extreme as the observed difference the p-value
    is ``min_exceed / draws`` (draws counted up to that permutation). Otherwise, after
    ``max_perm`` draws with ``e`` extreme ones, it is ``(e + 1) / (max_perm + 1)``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> s = np.r_[np.ones(20), np.zeros(20)]
    >>> c = np.ones(40)
    >>> a = np.r_[np.ones(20, bool), np.zeros(20, bool)]
    >>> p, n = sequential_permutation_p(s, c, a, ~a, 1.0, rng, max_perm=4000)
    >>> (round(p, 6), n)
    (0.00025, 4000)
    """
    pool = np.flatnonzero(in_a | in_b)
    n_a = int(in_a.sum())
    if n_a == 0 or n_a == len(pool) or np.isnan(observed):
        return float("nan"), 0
    ps, pc = s[pool], c[pool]
    drawn, extreme, batch = 0, 0, FIRST_BATCH
    while drawn < max_perm:
        k = min(batch, max_perm - drawn)
        cum = extreme + np.cumsum(_extreme_flags(ps, pc, n_a, k, observed, rng))
        if cum[-1] >= min_exceed:
            stop = drawn + int(np.argmax(cum >= min_exceed)) + 1
            return min_exceed / stop, stop
        extreme, drawn, batch = int(cum[-1]), drawn + k, batch * 4
    return (extreme + 1) / (drawn + 1), drawn


def _rng(seed: int, *names: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32("\x1f".join(names).encode("utf-8"))])


def _too_few(n_articles: int, n_rows: int, options: CompareOptions) -> bool:
    return n_articles < options.min_articles or n_rows < options.min_observations


def _jobs(labels: np.ndarray, groups, pairs) -> list[tuple[str, str, np.ndarray, np.ndarray]]:
    wanted = sorted(set(labels)) if groups is None else [str(g) for g in groups]
    jobs = [(g, "rest", labels == g, labels != g) for g in wanted]
    for a, b in list(pairs or [])[:MAX_PAIRS]:
        jobs.append((str(a), str(b), labels == str(a), labels == str(b)))
    return jobs


def count_testable(
    table: pd.DataFrame,
    *,
    value: str,
    by: str = "outlet",
    cluster: str = "article_id",
    groups: Iterable[str] | None = None,
    options: CompareOptions | None = None,
) -> int:
    """Return how many group-vs-rest comparisons of ``table`` meet the minimum sample (the family's share).

    Examples
    --------
    >>> df = pd.DataFrame({"article_id": list("abcdefg"), "outlet": list("xxxxxyy"), "v": 1.0})
    >>> count_testable(df, value="v", options=CompareOptions(min_articles=2, min_observations=1))
    2
    >>> count_testable(df, value="v", options=CompareOptions(min_articles=3, min_observations=1))
    0
    """
    options = options or CompareOptions()
    sums = _sums(table, value, by, cluster, None)
    labels = sums[by].astype(str).to_numpy()
    rows = sums["rows"].to_numpy()
    n = 0
    for _, _, in_a, in_b in _jobs(labels, groups, None):
        n += not (
            _too_few(int(in_a.sum()), int(rows[in_a].sum()), options)
            or _too_few(int(in_b.sum()), int(rows[in_b].sum()), options)
        )
    return n


def compare(
    table: pd.DataFrame,
    *,
    value: str,
    by: str = "outlet",
    cluster: str = "article_id",
    pairs: Iterable[tuple[str, str]] | None = None,
    groups: Iterable[str] | None = None,
    weight: str | None = None,
    options: CompareOptions | None = None,
) -> pd.DataFrame:
    """Compare each group with the rest of the corpus (and chosen pairs) on one measure.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per observation; needs ``value``, ``by`` and ``cluster`` columns. A 0/1
        value gives shares (e.g. ``is_official`` per quote); a numeric one gives means
        (e.g. ``compound`` per article). Rows with a missing value or group are ignored.
    value : str
        Column to compare.
    by : str, default 'outlet'
        Grouping column; it names the first output column.
    cluster : str, default 'article_id'
        The unit resampled and permuted (observations of one article stay together).
        Every cluster must belong to one group.
    pairs : iterable of (str, str), optional
        Group pairs compared with each other as well (at most :data:`MAX_PAIRS`).
    groups : iterable of str, optional
        Groups compared with the rest (default every group).
    weight : str, optional
        Column of row weights (e.g. mentions scored per row): means become weighted
        means, sum(weight x value) / sum(weight), resampled by article as before.
    options : CompareOptions, optional
        Resamples, levels, seed, minimum sample and family size (default
        :class:`CompareOptions`).

    Returns
    -------
    pandas.DataFrame
        One row per comparison: ``<by>`` (the group), ``other`` (``"rest"`` or the other
        group of a pair; the ``*_rest`` columns describe that side), ``measure``,
        ``n_articles``, ``n_articles_rest``, ``n_rows``, ``n_rows_rest``, ``mean``,
        ``mean_low``, ``mean_high``, ``mean_rest``, ``mean_rest_low``, ``mean_rest_high``,
        ``difference``, ``difference_low``, ``difference_high``, ``p_value`` (missing when
        not tested), ``n_perm`` (permutations drawn), ``tested``, ``note`` (why not
        tested), ``q_value`` (Benjamini–Hochberg over every tested row) and ``significant``.

    Raises
    ------
    ValueError
        When a column is missing or a cluster belongs to more than one group.

    Examples
    --------
    >>> df = pd.DataFrame({"article_id": list("abcdef"), "outlet": list("xxxyyy"),
    ...                    "tone": [1.0, 0.9, 1.1, 0.0, 0.1, -0.1]})
    >>> opts = CompareOptions(n_boot=200, min_articles=3, min_observations=3)
    >>> out = compare(df, value="tone", options=opts)
    >>> out[["outlet", "other", "difference", "tested"]].round(2).values.tolist()
    [['x', 'rest', 1.0, True], ['y', 'rest', -1.0, True]]
    """
    options = options or CompareOptions()
    sums = _sums(table, value, by, cluster, weight)
    s = sums["sum"].to_numpy(dtype=float)
    c = sums["count"].to_numpy(dtype=float)
    r = sums["rows"].to_numpy()
    labels = sums[by].astype(str).to_numpy()
    jobs = _jobs(labels, groups, pairs)
    testable = [
        not (
            _too_few(int(a.sum()), int(r[a].sum()), options)
            or _too_few(int(b.sum()), int(r[b].sum()), options)
        )
        for _, _, a, b in jobs
    ]
    max_perm = options.permutations_for(options.family_size or sum(testable))
    rows = []
    for (g, other, in_a, in_b), ok in zip(jobs, testable, strict=True):
        rng = _rng(options.seed, value, g, other)
        mean_a, mean_b = _ratio(s[in_a], c[in_a]), _ratio(s[in_b], c[in_b])
        boot_a = _boot_means(s[in_a], c[in_a], rng, options.n_boot)
        boot_b = _boot_means(s[in_b], c[in_b], rng, options.n_boot)
        diff = mean_a - mean_b
        p, drawn = (
            sequential_permutation_p(s, c, in_a, in_b, diff, rng, max_perm=max_perm,
                                     min_exceed=options.min_exceed)
            if ok else (float("nan"), 0)
        )  # fmt: skip
        note = "" if ok else (
            f"too few to test (fewer than {options.min_articles} articles "
            f"or {options.min_observations} observations on a side)"
        )  # fmt: skip
        rows.append(
            {
                by: g, "other": other, "measure": value,
                "n_articles": int(in_a.sum()), "n_articles_rest": int(in_b.sum()),
                "n_rows": int(r[in_a].sum()), "n_rows_rest": int(r[in_b].sum()),
                "mean": mean_a, "mean_low": _interval(boot_a, options.ci)[0],
                "mean_high": _interval(boot_a, options.ci)[1],
                "mean_rest": mean_b, "mean_rest_low": _interval(boot_b, options.ci)[0],
                "mean_rest_high": _interval(boot_b, options.ci)[1],
                "difference": diff, "difference_low": _interval(boot_a - boot_b, options.ci)[0],
                "difference_high": _interval(boot_a - boot_b, options.ci)[1],
                "p_value": p, "n_perm": drawn, "tested": ok, "note": note,
            }
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=[by, *COMPARE_COLUMNS[:-2]])
    out["tested"] = out["tested"].astype(bool)
    out["q_value"] = benjamini_hochberg(out["p_value"])
    out["significant"] = out["q_value"] <= options.alpha
    return out


def compare_many(
    tables: Iterable[tuple[pd.DataFrame, str]],
    *,
    by: str = "outlet",
    options: CompareOptions | None = None,
) -> pd.DataFrame:
    """Run :func:`compare` on several (table, value) pairs and correct across all of them.

    Parameters
    ----------
    tables : iterable of (pandas.DataFrame, str)
        Each table with the value column to compare.
    by : str, default 'outlet'
        Grouping column of every table.
    options : CompareOptions, optional
        Passed to :func:`compare`; its ``family_size`` is set to the tested comparisons of
        every table together, so each comparison draws the permutations the family needs.

    Returns
    -------
    pandas.DataFrame
        The rows of every :func:`compare`, with ``q_value`` and ``significant`` recomputed
        over all of them (one family, e.g. one findings page).
    """
    options = options or CompareOptions()
    tables = list(tables)
    m = sum(count_testable(t, value=v, by=by, options=options) for t, v in tables)
    family = replace(options, family_size=options.family_size or m)
    parts = [compare(t, value=v, by=by, options=family) for t, v in tables]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return compare(pd.DataFrame({by: [], "article_id": [], "x": []}), value="x", by=by)
    out = pd.concat(parts, ignore_index=True)
    out["q_value"] = benjamini_hochberg(out["p_value"])
    out["significant"] = out["q_value"] <= options.alpha
    return out


def spread(
    table: pd.DataFrame,
    *,
    value: str,
    by: str = "outlet",
    cluster: str = "article_id",
    weight: str | None = None,
) -> float:
    """Return the per-article spread ``sd`` of a (ratio-of-sums) mean: var(mean of n articles) ≈ sd² / n.

    For one row per article it is the standard deviation of the values; for several
    rows per article it is the linearised (delta-method) spread of the ratio of sums,
    ``sqrt(mean((s_i - R c_i)²)) / mean(c_i)``.

    Examples
    --------
    >>> df = pd.DataFrame({"article_id": list("abcd"), "outlet": "x", "v": [0.0, 1.0, 0.0, 1.0]})
    >>> round(spread(df, value="v"), 3)
    0.577
    """
    sums = _sums(table, value, by, cluster, weight)
    s = sums["sum"].to_numpy(dtype=float)
    c = sums["count"].to_numpy(dtype=float)
    if len(s) < 2 or c.sum() <= 0:
        return float("nan")
    ratio = s.sum() / c.sum()
    resid = s - ratio * c
    return float(np.sqrt(np.sum(resid**2) / (len(s) - 1)) / c.mean())


def detectable_difference(
    sd: float, n_articles: float, n_rest: float, *, alpha: float, family_size: int, power: float = 0.8
) -> float:
    """Return the smallest difference a two-sided test finds with ``power`` in a family of ``family_size``.

    The normal approximation of the difference of two means of ``n_articles`` and
    ``n_rest`` articles with per-article spread ``sd`` (:func:`spread`), at the level a
    single real difference must reach under Benjamini–Hochberg, ``alpha / family_size``.

    Examples
    --------
    >>> round(detectable_difference(1.0, 14, 84, alpha=0.05, family_size=1), 2)
    0.81
    """
    if not (sd > 0 and n_articles > 0 and n_rest > 0):
        return float("nan")
    z = NormalDist().inv_cdf(1 - alpha / (2 * max(1, family_size))) + NormalDist().inv_cdf(power)
    return float(z * sd * math.sqrt(1 / n_articles + 1 / n_rest))
