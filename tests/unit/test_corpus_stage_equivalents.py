"""The corpus stages' faster helpers give exactly what the plain definitions they replace give."""

from collections import Counter

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.framing.claims.grouping import _has_words
from analysis.measures.entities.crosslink import _majority_kind
from analysis.measures.entities.frequencies import _resampled_sum
from analysis.measures.entities.names import resolve_aliases

# letters, digits, underscore, accents, non-Latin digits, spaces of several kinds, punctuation
_CHARS = st.sampled_from(list("aé_1٣ß -\n\u00a0\u200b’.,\u0301Ⅻ"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(_CHARS, max_size=30), min_size=1, max_size=20), st.integers(0, 7))
def test_has_words_is_the_word_count_test(texts, n):
    arr = np.array(texts, dtype=object)
    expected = (pd.Series(arr).str.count(r"\w+") >= n).to_numpy()
    assert (_has_words(arr, n) == expected).all()


def _majority_by_counter(canon, kinds, table):
    counts: dict[str, Counter] = {}
    for c, k in zip(canon, kinds, strict=True):
        counts.setdefault(c, Counter())[k] += 1
    alias_kind = {a.canonical: a.kind for a in table.entries.values()}
    return {c: alias_kind.get(c) or counter.most_common(1)[0][0] for c, counter in counts.items()}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["Ann Lee", "Lee", "Acme", "Donald Trump", "x"]),
                  st.sampled_from(["person", "org", "place", ""])),
        max_size=40,
    )
)
def test_majority_kind_is_counter_most_common(rows):
    table = resolve_aliases(None)
    canon = [c for c, _ in rows]
    kinds = [k for _, k in rows]
    assert _majority_kind(canon, kinds, table) == _majority_by_counter(canon, kinds, table)


def test_resampled_sum_is_the_dense_product_bit_for_bit():
    rng = np.random.default_rng(3)
    weights_t = rng.multinomial(50, np.full(50, 1 / 50), size=200).T.astype(float)
    whole = rng.integers(0, 5000, size=50).astype(float)
    assert np.array_equal(_resampled_sum(whole, weights_t), whole @ weights_t)
    fractional = whole / 7.0  # not whole numbers: the dense product itself
    assert np.array_equal(_resampled_sum(fractional, weights_t), fractional @ weights_t)
