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
  absolute difference is at least the observed one, with the usual +1 correction;
* Benjamini–Hochberg q-values control the false discovery rate across every
  comparison in the returned table (one call = one family, e.g. a page of findings).

Everything is seeded (:data:`analysis.config.RANDOM_SEED`), so a report is reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis import config

#: Comparisons made per call at most when ``pairs`` are asked for (keeps a page readable).
MAX_PAIRS = 200


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
    rows = rows.assign(_wv=rows[value].astype(float) * w, _w=w)
    grouped = rows.groupby([cluster, by], observed=True, sort=True)
    return grouped.agg(sum=("_wv", "sum"), count=("_w", "sum")).reset_index()


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


def _permutation_p(
    s: np.ndarray, c: np.ndarray, in_a: np.ndarray, in_b: np.ndarray, observed: float,
    rng: np.random.Generator, n_perm: int,
) -> float:  # fmt: skip
    """Return the two-sided permutation p-value of mean(a) - mean(b), shuffling labels over articles."""
    pool = np.flatnonzero(in_a | in_b)
    n_a = int(in_a.sum())
    if n_a == 0 or n_a == len(pool) or np.isnan(observed):
        return float("nan")
    ps, pc = s[pool], c[pool]
    total_s, total_c = ps.sum(), pc.sum()
    extreme = 0
    step = max(1, 2_000_000 // len(pool))
    for start in range(0, n_perm, step):
        k = min(step, n_perm - start)
        keys = rng.random((k, len(pool)))
        chosen = np.argpartition(keys, n_a - 1, axis=1)[:, :n_a]  # a random n_a-subset per row
        sa, ca = ps[chosen].sum(axis=1), pc[chosen].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            diff = sa / ca - (total_s - sa) / (total_c - ca)
        extreme += int(np.sum(np.abs(diff) >= abs(observed) - 1e-12))
    return (extreme + 1) / (n_perm + 1)


def compare(
    table: pd.DataFrame,
    *,
    value: str,
    by: str = "outlet",
    cluster: str = "article_id",
    pairs: Iterable[tuple[str, str]] | None = None,
    groups: Iterable[str] | None = None,
    n_boot: int = config.N_BOOTSTRAP,
    n_perm: int = 999,
    ci: float = 0.95,
    alpha: float = 0.05,
    seed: int = config.RANDOM_SEED,
    weight: str | None = None,
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
    n_boot, n_perm : int
        Bootstrap resamples and label permutations.
    ci : float, default 0.95
        Interval level.
    alpha : float, default 0.05
        False discovery rate at which ``significant`` is set (on the q-values).
    seed : int
        Seed of the random generator.
    weight : str, optional
        Column of row weights (e.g. mentions scored per row): means become weighted
        means, sum(weight x value) / sum(weight), resampled by article as before.

    Returns
    -------
    pandas.DataFrame
        One row per comparison: ``<by>`` (the group), ``other`` (``"rest"`` or the other
        group), ``measure``, ``n_articles``, ``n_articles_other``, ``n_rows``, ``mean``,
        ``mean_low``, ``mean_high``, ``other_mean``, ``other_mean_low``,
        ``other_mean_high``, ``difference``, ``difference_low``, ``difference_high``,
        ``p_value``, ``q_value`` (Benjamini–Hochberg over every row) and ``significant``.

    Raises
    ------
    ValueError
        When a column is missing or a cluster belongs to more than one group.

    Examples
    --------
    >>> df = pd.DataFrame({"article_id": list("abcdef"), "outlet": list("xxxyyy"),
    ...                    "tone": [1.0, 0.9, 1.1, 0.0, 0.1, -0.1]})
    >>> out = compare(df, value="tone", n_boot=200, n_perm=199)
    >>> out[["outlet", "other", "difference"]].round(2).values.tolist()
    [['x', 'rest', 1.0], ['y', 'rest', -1.0]]
    """
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
    s = sums["sum"].to_numpy(dtype=float)
    c = sums["count"].to_numpy(dtype=float)
    labels = sums[by].astype(str).to_numpy()
    rng = np.random.default_rng(seed)
    wanted = sorted(set(labels)) if groups is None else [str(g) for g in groups]
    jobs: list[tuple[str, str, np.ndarray, np.ndarray]] = []
    for g in wanted:
        jobs.append((g, "rest", labels == g, labels != g))
    for a, b in list(pairs or [])[:MAX_PAIRS]:
        jobs.append((str(a), str(b), labels == str(a), labels == str(b)))
    rows = []
    for g, other, in_a, in_b in jobs:
        mean_a, mean_b = _ratio(s[in_a], c[in_a]), _ratio(s[in_b], c[in_b])
        boot_a = _boot_means(s[in_a], c[in_a], rng, n_boot)
        boot_b = _boot_means(s[in_b], c[in_b], rng, n_boot)
        diff = mean_a - mean_b
        lo, hi = _interval(boot_a - boot_b, ci)
        a_lo, a_hi = _interval(boot_a, ci)
        b_lo, b_hi = _interval(boot_b, ci)
        rows.append(
            {
                by: g, "other": other, "measure": value,
                "n_articles": int(in_a.sum()), "n_articles_other": int(in_b.sum()),
                "n_rows": int(c[in_a].sum()),
                "mean": mean_a, "mean_low": a_lo, "mean_high": a_hi,
                "other_mean": mean_b, "other_mean_low": b_lo, "other_mean_high": b_hi,
                "difference": diff, "difference_low": lo, "difference_high": hi,
                "p_value": _permutation_p(s, c, in_a, in_b, diff, rng, n_perm),
            }
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=[by, "other", "measure", "n_articles", "n_articles_other", "n_rows",
                                      "mean", "mean_low", "mean_high", "other_mean", "other_mean_low",
                                      "other_mean_high", "difference", "difference_low", "difference_high",
                                      "p_value"])  # fmt: skip
    out["q_value"] = benjamini_hochberg(out["p_value"])
    out["significant"] = out["q_value"] <= alpha
    return out


def compare_many(
    tables: Iterable[tuple[pd.DataFrame, str]],
    *,
    by: str = "outlet",
    alpha: float = 0.05,
    **options,
) -> pd.DataFrame:
    """Run :func:`compare` on several (table, value) pairs and correct across all of them.

    Parameters
    ----------
    tables : iterable of (pandas.DataFrame, str)
        Each table with the value column to compare.
    by : str, default 'outlet'
        Grouping column of every table.
    alpha : float, default 0.05
        False discovery rate for ``significant`` over the whole family.
    **options
        Passed to :func:`compare` (``n_boot``, ``n_perm``, ``ci``, ``seed``...).

    Returns
    -------
    pandas.DataFrame
        The rows of every :func:`compare`, with ``q_value`` and ``significant`` recomputed
        over all of them (one family, e.g. one findings page).
    """
    parts = [compare(t, value=v, by=by, alpha=alpha, **options) for t, v in tables]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return compare(pd.DataFrame({by: [], "article_id": [], "x": []}), value="x", by=by)
    out = pd.concat(parts, ignore_index=True)
    out["q_value"] = benjamini_hochberg(out["p_value"])
    out["significant"] = out["q_value"] <= alpha
    return out
