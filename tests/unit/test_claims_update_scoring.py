"""The claims update: frozen n-gram counts equal the fit's, a linked pair's similarity is its dot product."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.framing.claims.grouping import ClaimOptions, new_links
from analysis.framing.claims.vectors import BlockVectors, FrozenVectors


@pytest.fixture(scope="module")
def fitted():
    from bench.corpus import generate

    arts = generate(40, min_words=60, max_words=110)
    texts = [s.strip() for t in arts["text"] for s in t.split(".") if len(s.split()) >= 6]
    fit, new = texts[:-40], texts[-40:]
    vectors = BlockVectors(word_weight=0.5)
    number = vectors.add(fit)
    words, word_idf, grams, gram_idf, counts, stops = vectors.frozen()
    frozen = FrozenVectors(words, word_idf, grams, gram_idf, word_weight=0.5, stop_words=stops)
    return vectors, number, frozen, counts, fit, new


def test_frozen_gram_counts_are_the_fits_counts(fitted):
    vectors, _, frozen, _, fit, new = fitted
    ours = frozen.gram_counts(fit)
    theirs = vectors._gram_counts(fit, grow=False)
    assert ours.shape == theirs.shape and ours.nnz == theirs.nnz > 0
    assert (ours != theirs).nnz == 0
    assert np.array_equal(ours.indptr, theirs.indptr) and np.array_equal(ours.indices, theirs.indices)
    again = frozen.gram_counts(new + fit[:3])  # words seen in an earlier call come from its cache
    assert (again[len(new) :] != theirs[:3]).nnz == 0
    assert frozen.gram_counts([]).shape == (0, ours.shape[1])


def test_new_links_give_each_pair_its_dot_product_from_either_end(fitted):
    from scipy import sparse

    _, _, frozen, counts, fit, new = fitted
    texts = np.asarray(fit + new, dtype=object)
    story_counts = sparse.vstack([counts, frozen.word_counts(new)]).tocsr()
    new_rows = np.arange(len(fit), len(texts))
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
    opts = ClaimOptions(threshold=0.2, k=5)
    a, b, s = new_links(frozen, story_counts, texts, new_rows, empty, opts)
    assert len(a) > 20 and (np.isin(a, new_rows) | np.isin(b, new_rows)).all()
    x = frozen.vectors(story_counts, texts.tolist())
    expected = np.asarray(x[a].multiply(x[b]).sum(axis=1)).ravel()
    np.testing.assert_allclose(s, expected, rtol=1e-12, atol=1e-15)
    assert (s >= opts.threshold - 1e-12).all()
    pairs = {(int(i), int(j)): v for i, j, v in zip(a, b, s, strict=True)}
    both = [(i, j) for i, j in pairs if (j, i) in pairs]
    assert both  # a pair linked from both ends has one similarity, bit for bit
    assert all(pairs[i, j] == pairs[j, i] for i, j in both)
