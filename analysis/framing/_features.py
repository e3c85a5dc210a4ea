"""Text features and TF-IDF arithmetic of scikit-learn's vectorisers, without importing scikit-learn.

The incremental updates of ``stories`` and ``claims`` vectorise a few new articles under
vocabularies and IDF fitted earlier by scikit-learn; importing scikit-learn costs 1-3 s per process,
more than the update itself. These functions give the same features as the vectorisers the fits
use (``tests/unit/test_features.py`` compares them with scikit-learn's analysers).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from scipy import sparse


def word_analyzer(
    token_pattern: str, stop_words: Collection[str], ngram_range: tuple[int, int] = (1, 2)
) -> Callable[[str], list[str]]:
    r"""Return the analyser of ``TfidfVectorizer(lowercase=True, token_pattern, stop_words, ngram_range)``.

    Examples
    --------
    >>> analyse = word_analyzer(r"(?u)\b\w\w+\b", {"the"})
    >>> analyse("The talks in Geneva")
    ['talks', 'in', 'geneva', 'talks in', 'in geneva']
    """
    find = re.compile(token_pattern).findall
    stops = frozenset(stop_words)
    low, high = ngram_range

    def analyse(text: str) -> list[str]:
        tokens = [w for w in find(text.lower()) if w not in stops]
        out = list(tokens) if low == 1 else []
        for n in range(max(low, 2), min(high + 1, len(tokens) + 1)):
            out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return out

    return analyse


def char_wb_ngrams(word: str, low: int = 3, high: int = 5) -> list[str]:
    """Return the ``char_wb`` n-grams of one whitespace-free word (as scikit-learn pads and counts them).

    Examples
    --------
    >>> char_wb_ngrams("ab")
    [' ab', 'ab ', ' ab ']
    """
    w = " " + word + " "
    size = len(w)
    out: list[str] = []
    for n in range(low, high + 1):
        if size <= n:  # a short word is counted once, whole
            out.append(w)
            break
        out.extend(w[i : i + n] for i in range(size - n + 1))
    return out


def l2_rows(x: sparse.csr_matrix) -> sparse.csr_matrix:
    """Scale each row of a CSR matrix to unit L2 norm in place (zero rows stay zero); return it."""
    lengths = np.diff(x.indptr)
    rows = np.repeat(np.arange(x.shape[0]), lengths)
    norms = np.sqrt(np.bincount(rows, weights=x.data**2, minlength=x.shape[0]))
    norms[norms == 0] = 1.0
    x.data /= np.repeat(norms, lengths)
    return x


def sublinear_tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Return unit rows of ``(1 + log(count)) * idf`` (``TfidfTransformer(sublinear_tf=True)``)."""
    from scipy import sparse

    x = sparse.csr_matrix(counts, dtype=np.float64, copy=True)
    x.sum_duplicates()
    np.log(x.data, out=x.data)
    x.data += 1.0
    x.data *= idf[x.indices]
    return l2_rows(x)
