"""The pruned neighbour search of claims links exactly what a brute-force k-NN search links."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize

from analysis.framing.claims import linked_pairs


def brute_force(x, threshold, k):
    """What claims did before: sklearn's brute-force cosine k-NN (self included), then the threshold."""
    n = x.shape[0]
    nn = NearestNeighbors(n_neighbors=min(k + 1, n), metric="cosine", algorithm="brute").fit(x)
    dist, nbr = nn.kneighbors(x)
    a = np.repeat(np.arange(n), nbr.shape[1])
    b, s = nbr.ravel(), 1.0 - dist.ravel()
    keep = (a != b) & (s >= threshold - 1e-12)
    return {(int(i), int(j)): float(v) for i, j, v in zip(a[keep], b[keep], s[keep], strict=True)}


def dense_reference(x, threshold, k):
    """The definition: each row's k most similar other rows at or above the threshold."""
    full = (x @ x.T).toarray()
    out = {}
    for i in range(full.shape[0]):
        others = [(v, j) for j, v in enumerate(full[i]) if j != i and v >= threshold - 1e-12]
        for v, j in sorted(others, key=lambda t: -t[0])[:k]:
            out[(i, j)] = float(v)
    return out


def assert_same_links(got, want, x):
    """Same number of links per row with the same similarities (a tie may pick another, equally near row)."""
    full = (x @ x.T).toarray()
    for (i, j), v in got.items():
        assert abs(full[i, j] - v) < 1e-9
    by_row = {}
    for (i, _), v in want.items():
        by_row.setdefault(i, []).append(round(v, 9))
    mine = {}
    for (i, _), v in got.items():
        mine.setdefault(i, []).append(round(v, 9))
    assert {i: sorted(v) for i, v in mine.items()} == {i: sorted(v) for i, v in by_row.items()}


def zipf_matrix(seed, n, d, nnz_per_row):
    """Non-negative unit rows whose columns follow a Zipf-like popularity (a few columns in most rows)."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, d + 1) ** 1.1
    p /= p.sum()
    rows, cols = [], []
    for i in range(n):
        c = np.unique(rng.choice(d, size=nnz_per_row, p=p))
        rows.extend([i] * len(c))
        cols.extend(c.tolist())
    data = rng.uniform(0.05, 1.0, size=len(rows))
    return normalize(sparse.csr_matrix((data, (rows, cols)), shape=(n, d)))


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("rows_per_step", [1, 37, 128])
def test_same_pairs_as_brute_force_knn(seed, rows_per_step):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 400))
    x = zipf_matrix(seed, n, int(rng.integers(30, 600)), int(rng.integers(3, 40)))
    # near copies, as wire copy gives: perturbed rows of other rows
    dup = rng.choice(n, size=n // 5)
    noise = sparse.random(len(dup), x.shape[1], density=0.01, random_state=seed)
    x = sparse.vstack([x, normalize(x[dup] + noise)])
    x = x.tocsr()
    threshold, k = float(rng.uniform(0.1, 0.7)), int(rng.integers(1, 12))
    a, b, s = linked_pairs(x, threshold=threshold, k=k, rows_per_step=rows_per_step)
    got = {(int(i), int(j)): float(v) for i, j, v in zip(a, b, s, strict=True)}
    want = brute_force(x, threshold, k)
    assert_same_links(got, want, x)
    assert len(got) > 0  # the case is not vacuous


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 60),
    st.integers(1, 40),
    st.floats(0.05, 0.95),
    st.integers(1, 8),
    st.integers(0, 2**32 - 1),
)
def test_property_same_pairs_as_brute_force(n, d, threshold, k, seed):
    rng = np.random.default_rng(seed)
    dense = rng.uniform(size=(n, d)) * (rng.uniform(size=(n, d)) < rng.uniform(0.05, 0.9))
    dense[dense.sum(axis=1) == 0, 0] = 1.0  # no empty rows (cosine distance is undefined there)
    x = normalize(sparse.csr_matrix(dense))
    a, b, s = linked_pairs(x, threshold=threshold, k=k, rows_per_step=int(rng.integers(1, n + 1)))
    got = {(int(i), int(j)): float(v) for i, j, v in zip(a, b, s, strict=True)}
    assert_same_links(got, dense_reference(x, threshold, k), x)
    # sorted by row, then similarity descending
    assert np.all(np.diff(a) >= 0)
    same = a[1:] == a[:-1]
    assert np.all(s[1:][same] <= s[:-1][same] + 1e-15)


def test_fewer_than_two_rows_link_nothing():
    one = sparse.csr_matrix(np.array([[1.0, 0.0]]))
    for out in linked_pairs(one, threshold=0.3, k=5):
        assert len(out) == 0


@pytest.mark.parametrize("seed", range(6))
def test_word_prefilter_scores_exactly_the_pairs_it_keeps(seed):
    """With a word-view prefilter, every link is exact, has that word cosine, and nothing else is missing."""
    rng = np.random.default_rng(seed)
    n, words = int(rng.integers(30, 300)), int(rng.integers(20, 200))
    w = zipf_matrix(seed, n, words, int(rng.integers(2, 12)))  # a sparse "word view"
    c = zipf_matrix(seed + 100, n, 300, 60)  # a denser "character view"
    x = normalize(sparse.hstack([w * np.sqrt(0.5), c * np.sqrt(0.5)]).tocsr())
    threshold, k = float(rng.uniform(0.2, 0.5)), int(rng.integers(1, 10))
    floor = float(rng.uniform(0.05, 0.4))
    a, b, s = linked_pairs(
        x, threshold=threshold, k=k, word_columns=words, min_word_similarity=floor,
        rows_per_step=int(rng.integers(1, 64)),
    )
    full = (x @ x.T).toarray()
    wn = normalize(x[:, :words])
    word_cos = (wn @ wn.T).toarray()
    # the definition: among pairs with word cosine >= floor and similarity >= threshold, each row's k best
    want = {}
    for i in range(n):
        ok = [(full[i, j], j) for j in range(n) if j != i and word_cos[i, j] >= floor - 1e-12
              and full[i, j] >= threshold - 1e-12]
        for v, j in sorted(ok, key=lambda t: -t[0])[:k]:
            want[(i, j)] = v
    got = {(int(i), int(j)): float(v) for i, j, v in zip(a, b, s, strict=True)}
    assert_same_links(got, want, x)
    assert all(word_cos[i, j] >= floor - 1e-12 for i, j in got)
