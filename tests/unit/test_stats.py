"""Bootstrap helpers: seeded, weighted, grouped; properties on arbitrary input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import config
from analysis.core.stats import bootstrap_grouped_mean_ci, bootstrap_mean_ci, bootstrap_mean_ci_by

finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)


def test_mean_is_the_weighted_point_estimate():
    ci = bootstrap_mean_ci([0.0, 1.0], weights=[3, 1])
    assert ci.mean == pytest.approx(0.25)
    assert ci.n == 2
    assert 0.0 <= ci.low <= ci.mean <= ci.high <= 1.0


def test_same_seed_same_interval_other_seed_other_interval():
    values = np.linspace(-1, 1, 25)
    assert bootstrap_mean_ci(values) == bootstrap_mean_ci(values, seed=config.RANDOM_SEED)
    assert bootstrap_mean_ci(values, seed=1) != bootstrap_mean_ci(values, seed=2)


def test_interval_narrows_with_more_data():
    rng = np.random.default_rng(0)
    small = bootstrap_mean_ci(rng.normal(size=10))
    large = bootstrap_mean_ci(rng.normal(size=1000))
    assert (large.high - large.low) < (small.high - small.low)


def test_empty_and_nan_only_give_nan_and_zero_n():
    for values in ([], [float("nan")], np.array([np.nan, np.nan])):
        ci = bootstrap_mean_ci(values)
        assert ci.n == 0 and math.isnan(ci.mean) and math.isnan(ci.low) and math.isnan(ci.high)


def test_nan_values_and_zero_weights_are_ignored():
    assert bootstrap_mean_ci([1.0, float("nan"), 3.0]).mean == pytest.approx(2.0)
    ci = bootstrap_mean_ci([1.0, 100.0, 3.0], weights=[1, 0, 1])
    assert ci.mean == pytest.approx(2.0) and ci.n == 2


def test_single_value_has_no_interval():
    ci = bootstrap_mean_ci([0.4])
    assert ci.mean == 0.4 and ci.n == 1 and math.isnan(ci.low) and math.isnan(ci.high)


def test_bad_weights_raise_clear_errors():
    with pytest.raises(ValueError, match="weights has 1 entries"):
        bootstrap_mean_ci([1.0, 2.0], weights=[1.0])
    with pytest.raises(ValueError, match="non-negative"):
        bootstrap_mean_ci([1.0, 2.0], weights=[1.0, -1.0])


@settings(max_examples=60, deadline=None)
@given(st.lists(finite, min_size=1, max_size=40), st.data())
def test_interval_contains_mean_and_lies_within_the_data(values, data):
    weights = data.draw(st.lists(st.floats(0.1, 10), min_size=len(values), max_size=len(values)))
    ci = bootstrap_mean_ci(values, weights, n=200)
    tol = 1e-9 * (1 + max(abs(v) for v in values))
    if len(values) == 1:
        assert math.isnan(ci.low) and math.isnan(ci.high) and ci.mean == pytest.approx(values[0])
        return
    assert min(values) - tol <= ci.low <= ci.mean <= ci.high <= max(values) + tol


def test_grouped_with_one_value_per_group_equals_ungrouped():
    values = [0.1, -0.3, 0.7, 0.2, 0.0, 0.9]
    groups = ["a", "b", "c", "d", "e", "f"]
    assert bootstrap_grouped_mean_ci(values, groups) == bootstrap_mean_ci(values)


def test_grouped_resamples_groups_not_rows():
    # two articles: one with many identical values, one with a single other value.
    values = [1.0] * 50 + [0.0]
    groups = ["long"] * 50 + ["short"]
    grouped = bootstrap_grouped_mean_ci(values, groups)
    rows = bootstrap_mean_ci(values)
    assert grouped.n == 2 and rows.n == 51
    assert grouped.mean == pytest.approx(rows.mean)
    # resampling articles can draw "short" twice (mean 0) or "long" twice (mean 1)
    assert grouped.low == pytest.approx(0.0) and grouped.high == pytest.approx(1.0)
    assert rows.high - rows.low < 0.2


def test_grouped_single_group_and_empty():
    ci = bootstrap_grouped_mean_ci([0.2, 0.4], ["a", "a"])
    assert ci.n == 1 and ci.mean == pytest.approx(0.3) and math.isnan(ci.low) and math.isnan(ci.high)
    assert bootstrap_grouped_mean_ci([], []).n == 0


def test_grouped_length_mismatch_raises():
    with pytest.raises(ValueError, match="groups has 1 entries"):
        bootstrap_grouped_mean_ci([1.0, 2.0], ["a"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(finite, st.sampled_from("abcde")), min_size=1, max_size=40))
def test_grouped_interval_contains_mean(pairs):
    values, groups = zip(*pairs, strict=True)
    ci = bootstrap_grouped_mean_ci(values, groups, n=200)
    tol = 1e-9 * (1 + max(abs(v) for v in values))
    assert ci.n == len(set(groups))
    if ci.n == 1:
        assert math.isnan(ci.low) and math.isnan(ci.high)
        return
    assert ci.low - tol <= ci.mean <= ci.high + tol


def test_by_group_equals_one_call_per_group():
    rng = np.random.default_rng(3)
    values = rng.normal(size=60)
    weights = rng.uniform(0.5, 3, size=60)
    groups = rng.choice(["a", "b", "c", "d", "e"], size=60)
    values[[3, 7]] = np.nan
    table = bootstrap_mean_ci_by(values, groups, weights, n=300)
    assert table.index.tolist() == ["a", "b", "c", "d", "e"]
    for name in table.index:
        mask = groups == name
        expected = bootstrap_mean_ci(values[mask], weights[mask], n=300)
        got = table.loc[name]
        assert got["n"] == expected.n
        assert (got["mean"], got["low"], got["high"]) == pytest.approx(
            (expected.mean, expected.low, expected.high)
        )


def test_by_group_handles_singletons_and_all_nan_groups():
    table = bootstrap_mean_ci_by([0.5, float("nan"), 0.1, 0.3], ["one", "nan", "two", "two"])
    one = table.loc["one"]
    assert one["mean"] == 0.5 and one["n"] == 1 and math.isnan(one["low"]) and math.isnan(one["high"])
    assert table.loc["nan", "n"] == 0 and math.isnan(table.loc["nan", "mean"])
    assert table.loc["two", "low"] <= table.loc["two", "mean"] <= table.loc["two", "high"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.one_of(st.floats(-1, 1), st.just(float("nan"))), min_size=1, max_size=80),
    st.integers(1, 12),
    st.integers(0, 10_000),
)
def test_by_group_without_weights_is_bitwise_the_unit_weighted_result(values, n_groups, seed):
    """Without weights the result is bitwise that of explicit weights of 1 (the weighted path)."""
    groups = [f"g{(i * 7 + seed) % n_groups}" for i in range(len(values))]
    plain = bootstrap_mean_ci_by(values, groups, n=200, seed=seed)
    ones = bootstrap_mean_ci_by(values, groups, [1.0] * len(values), n=200, seed=seed)
    halves = bootstrap_mean_ci_by(values, groups, [0.5] * len(values), n=200, seed=seed)  # the weighted path
    pd.testing.assert_frame_equal(plain, ones, check_exact=True)
    pd.testing.assert_frame_equal(plain[["n"]], halves[["n"]])
    assert np.allclose(plain[["mean", "low", "high"]], halves[["mean", "low", "high"]], equal_nan=True)
