"""Property tests of the log-odds estimator."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from analysis.framing.keyness import log_odds_dirichlet

counts = st.lists(st.integers(0, 50), min_size=2, max_size=12)


@given(counts, counts.map(lambda c: c), st.floats(0.01, 100))
def test_swapping_group_and_rest_negates_delta(a, b, scale):
    n = min(len(a), len(b))
    y_i, y_j = np.array(a[:n], float), np.array(b[:n], float)
    total = y_i + y_j
    prior = scale * (total + 1) / (total + 1).sum()
    d1, v1, z1 = log_odds_dirichlet(y_i, y_j, prior)
    d2, v2, z2 = log_odds_dirichlet(y_j, y_i, prior)
    assert np.allclose(d1, -d2) and np.allclose(v1, v2) and np.isfinite(z1).all()


@given(st.integers(1, 30), st.integers(0, 30))
def test_more_use_in_group_means_higher_z(extra, base):
    y_i = np.array([base + extra, 10.0])
    y_j = np.array([base, 10.0])
    prior = np.array([1.0, 1.0])
    d, _, _ = log_odds_dirichlet(y_i, y_j, prior)
    assert d[0] > d[1] - 1e-12 or base + extra == 0
