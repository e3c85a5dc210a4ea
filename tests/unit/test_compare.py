import numpy as np
import pandas as pd
import pytest

from analysis.core.compare import benjamini_hochberg, compare, compare_many


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
    out = compare(table, value="v", n_boot=500, n_perm=499)
    a = out[out["outlet"] == "a"].iloc[0]
    assert a["other"] == "rest"
    assert a["significant"] and a["p_value"] < 0.01
    assert a["difference_low"] <= a["difference"] <= a["difference_high"]
    assert a["difference_low"] < 1.0 < a["difference_high"]  # the true effect is inside the interval
    assert a["n_articles"] == 40 and a["n_articles_other"] == 80


def test_no_effect_gives_nominal_false_positive_rate():
    # 200 independent corpora without any difference: the raw p-value of outlet "a" against the rest
    # must fall under 0.05 about 5% of the time (a cluster-ignoring test would reject far more often).
    rejections = 0
    trials = 200
    for seed in range(trials):
        rng = np.random.default_rng(1000 + seed)
        table = _corpus(rng, effect=0.0, n_articles=15, rows_per_article=4)
        out = compare(table, value="v", groups=["a"], n_boot=50, n_perm=199, seed=seed)
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
    out = compare(table, value="official", pairs=[("X", "Y")], n_boot=100, n_perm=99)
    assert list(out["other"]) == ["rest", "rest", "Y"]
    pair = out.iloc[2]
    assert pair["mean"] == pytest.approx(2 / 3) and pair["other_mean"] == pytest.approx(1 / 3)
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
    out = compare_many([(t1, "v"), (t2, "v")], n_boot=100, n_perm=199)
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
    out = compare(table, value="tone", weight="n", n_boot=50, n_perm=49)
    x = out[out["outlet"] == "X"].iloc[0]
    assert x["mean"] == pytest.approx(0.75)  # (3 * 1 + 1 * 0) / 4, not the unweighted 0.5
    with pytest.raises(ValueError, match="columns"):
        compare(table, value="tone", weight="missing")
