import numpy as np
import pandas as pd
import pytest

from analysis.core.compare import (
    CompareOptions,
    benjamini_hochberg,
    compare,
    compare_many,
    count_testable,
    detectable_difference,
    spread,
)

#: Options for tables of a few articles (no minimum sample).
TINY = CompareOptions(n_boot=50, min_articles=1, min_observations=1, max_perm=99)


def _corpus(rng, effect, n_articles=40, rows_per_article=5, outlets=("a", "b", "c")):
    rows = []
    for o, outlet in enumerate(outlets):
        for i in range(n_articles):
            article_mean = rng.normal(effect if o == 0 else 0.0, 0.5)  # article-level variation
            for _ in range(rows_per_article):
                rows.append(
                    {"article_id": f"{outlet}{i}", "outlet": outlet, "v": article_mean + rng.normal(0, 1)}
                )
    return pd.DataFrame(rows)


def test_known_difference_is_found_and_covered():
    rng = np.random.default_rng(1)
    table = _corpus(rng, effect=1.0)
    out = compare(table, value="v", options=CompareOptions(n_boot=500))
    a = out[out["outlet"] == "a"].iloc[0]
    assert a["other"] == "rest"
    assert a["significant"] and a["p_value"] < 0.01
    assert a["difference_low"] <= a["difference"] <= a["difference_high"]
    assert a["difference_low"] < 1.0 < a["difference_high"]  # the true effect is inside the interval
    assert a["n_articles"] == 40 and a["n_articles_rest"] == 80


def test_no_effect_gives_nominal_false_positive_rate():
    # 200 independent corpora without any difference: the raw p-value of outlet "a" against the rest
    # must fall under 0.05 about 5% of the time (a cluster-ignoring test would reject far more often).
    rejections = 0
    trials = 200
    for seed in range(trials):
        rng = np.random.default_rng(1000 + seed)
        table = _corpus(rng, effect=0.0, n_articles=15, rows_per_article=4)
        opts = CompareOptions(n_boot=50, max_perm=199, seed=seed)
        out = compare(table, value="v", groups=["a"], options=opts)
        rejections += bool(out["p_value"].iloc[0] < 0.05)
    rate = rejections / trials
    assert 0.01 <= rate <= 0.10, rate


def test_shares_pairs_and_columns():
    table = pd.DataFrame(
        {
            "article_id": ["x1", "x1", "x2", "y1", "y2", "y2"],
            "outlet": ["X", "X", "X", "Y", "Y", "Y"],
            "official": [1, 1, 0, 0, 0, 1],
        }
    )
    out = compare(table, value="official", pairs=[("X", "Y")], options=TINY)
    assert list(out["other"]) == ["rest", "rest", "Y"]
    pair = out.iloc[2]
    assert pair["mean"] == pytest.approx(2 / 3) and pair["mean_rest"] == pytest.approx(1 / 3)
    assert {"mean_low", "mean_high", "difference_low", "difference_high", "q_value"} <= set(out.columns)


def test_cluster_in_two_groups_is_an_error():
    table = pd.DataFrame({"article_id": ["a", "a"], "outlet": ["X", "Y"], "v": [1.0, 2.0]})
    with pytest.raises(ValueError, match="one outlet"):
        compare(table, value="v")
    with pytest.raises(ValueError, match="columns"):
        compare(table, value="missing")


def test_benjamini_hochberg_matches_definition():
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205])
    q = benjamini_hochberg(p)
    m = len(p)
    expected = np.minimum.accumulate((p * m / np.arange(1, m + 1))[::-1])[::-1]
    assert np.allclose(q, expected)
    assert np.all(np.diff(q) >= 0)


def test_compare_many_corrects_over_the_family():
    rng = np.random.default_rng(3)
    t1, t2 = _corpus(rng, 1.0), _corpus(rng, 0.0)
    out = compare_many([(t1, "v"), (t2, "v")], options=CompareOptions(n_boot=100))
    assert len(out) == 6
    assert np.allclose(out["q_value"], benjamini_hochberg(out["p_value"]))


def test_weights_give_weighted_means():
    table = pd.DataFrame(
        {
            "article_id": ["x1", "x2", "y1", "y2"],
            "outlet": ["X", "X", "Y", "Y"],
            "tone": [1.0, 0.0, 0.0, 0.0],
            "n": [3, 1, 1, 1],
        }
    )
    out = compare(table, value="tone", weight="n", options=TINY)
    x = out[out["outlet"] == "X"].iloc[0]
    assert x["mean"] == pytest.approx(0.75)  # (3 * 1 + 1 * 0) / 4, not the unweighted 0.5
    with pytest.raises(ValueError, match="columns"):
        compare(table, value="tone", weight="missing")


def _family(rng, *, shift, n_outlets=7, n_articles=20, n_measures=30):
    """One table per measure, one row per article; outlet o0 shifted by ``shift`` SD on measure 0 only."""
    outlets = np.repeat([f"o{i}" for i in range(n_outlets)], n_articles)
    ids = [f"a{i}" for i in range(len(outlets))]
    tables = []
    for k in range(n_measures):
        v = rng.normal(0, 1, len(outlets)) + np.where((outlets == "o0") & (k == 0), shift, 0.0)
        tables.append((pd.DataFrame({"article_id": ids, "outlet": outlets, "v": v}), "v"))
    return tables


def _named(tables):
    return [(t.rename(columns={"v": f"m{k}"}), f"m{k}") for k, (t, _) in enumerate(tables)]


def test_one_real_difference_among_two_hundred_null_comparisons_is_found():
    # 7 outlets x 30 measures = 210 comparisons; BH needs p < 0.05/210 for a single real difference,
    # below the floor of a fixed 999-permutation test (0.001): the sequential test reaches it.
    tables = _named(_family(np.random.default_rng(7), shift=1.6))
    out = compare_many(tables, options=CompareOptions(n_boot=50))
    found = out[out["significant"]]
    assert len(out) == 210 and out["tested"].all()
    assert ("o0", "m0") in set(zip(found["outlet"], found["measure"], strict=True))
    assert len(found) <= 2  # at most one false finding besides it (FDR 5%)
    real = out[(out["outlet"] == "o0") & (out["measure"] == "m0")].iloc[0]
    assert real["p_value"] < 0.05 / 210
    # null comparisons stop early: most draw far fewer permutations than the budget
    assert out["n_perm"].median() < 1000 < out["n_perm"].max()


def test_a_fixed_999_permutation_budget_could_not_find_it():
    tables = _named(_family(np.random.default_rng(7), shift=1.6))
    out = compare_many(tables, options=CompareOptions(n_boot=20, max_perm=999))
    assert out["p_value"].min() >= 1 / 1000 and not out["significant"].any()


def test_an_outlet_with_two_extreme_articles_is_never_tested():
    rng = np.random.default_rng(5)
    rows = [{"article_id": f"{o}{i}", "outlet": o, "v": rng.normal()} for o in "ABC" for i in range(20)]
    rows += [{"article_id": f"Z{i}", "outlet": "Z", "v": 25.0} for i in range(2)]
    out = compare(pd.DataFrame(rows), value="v", options=CompareOptions(n_boot=50))
    z = out[out["outlet"] == "Z"].iloc[0]
    assert not z["tested"] and np.isnan(z["p_value"]) and not z["significant"]
    assert "too few to test" in z["note"] and z["n_articles"] == 2
    assert out.loc[out["outlet"] != "Z", "tested"].all()
    small = CompareOptions(min_articles=2, min_observations=1)
    assert count_testable(pd.DataFrame(rows), value="v", options=small) == 4
    assert count_testable(pd.DataFrame(rows), value="v") == 3


def test_min_observations_applies_to_shares():
    # 6 articles per outlet with one quote each: enough articles, too few quotes for a share
    rows = [{"article_id": f"{o}{i}", "outlet": o, "official": float(i % 2)} for o in "XY" for i in range(6)]
    out = compare(pd.DataFrame(rows), value="official", options=CompareOptions(n_boot=20, min_observations=8))
    assert not out["tested"].any()
    out = compare(pd.DataFrame(rows), value="official", options=CompareOptions(n_boot=20, min_observations=6))
    assert out["tested"].all()


def test_each_comparison_has_its_own_seed():
    tables = _named(_family(np.random.default_rng(2), shift=0.0, n_measures=3))
    opts = CompareOptions(n_boot=50, family_size=21)
    alone = compare(tables[1][0], value="m1", options=opts)
    together = compare_many(tables, options=opts)
    mine = together[together["measure"] == "m1"].reset_index(drop=True)
    assert np.allclose(alone["p_value"], mine["p_value"])
    assert np.allclose(alone["difference_low"], mine["difference_low"])


def test_detectable_difference_is_found_about_80_percent_of_the_time():
    # the sentence "differences smaller than X cannot be told apart from chance" rests on this figure
    n, n_rest, trials = 14, 84, 60
    mde = detectable_difference(1.0, n, n_rest, alpha=0.05, family_size=1)
    found = 0
    for t in range(trials):
        rng = np.random.default_rng(100 + t)
        v = np.r_[rng.normal(mde, 1, n), rng.normal(0, 1, n_rest)]
        table = pd.DataFrame({"article_id": range(n + n_rest), "outlet": ["a"] * n + ["r"] * n_rest, "v": v})
        out = compare(table, value="v", groups=["a"], options=CompareOptions(n_boot=10, family_size=1))
        found += bool(out["p_value"].iloc[0] < 0.05)
    assert 0.65 <= found / trials <= 0.95, found / trials
    assert spread(table, value="v") == pytest.approx(1.0, abs=0.2)
