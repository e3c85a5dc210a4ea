"""Text features and TF-IDF arithmetic of scikit-learn's vectorisers, without importing scikit-learn.

``stories`` and ``claims`` fit and apply TF-IDF views of their texts; importing scikit-learn
costs 1-3 s per process (it imports SciPy's statistics), more than an incremental update and
about a third of a full ``stories`` build. These functions give exactly the features, counts
and floating-point values of the scikit-learn vectorisers they replace: the same terms in the
same column and storage order, the same operations in the same order
(``tests/unit/test_features.py`` compares them with scikit-learn bit for bit).
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import itertools
import re
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

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
            if n == 2:  # word pairs (the views' only n-grams): one concatenation each
                out.extend([a + " " + b for a, b in zip(tokens[:-1], tokens[1:], strict=True)])
            else:
                out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return out

    return analyse


@functools.cache
def english_stop_words() -> frozenset[str]:
    """Return scikit-learn's English stop words (``stop_words="english"``) without importing scikit-learn.

    The list is read from scikit-learn's own module file (a literal); where that file cannot be
    read as one, scikit-learn is imported for it.
    """
    spec = importlib.util.find_spec("sklearn")
    try:
        folder = Path(next(iter(spec.submodule_search_locations)))  # type: ignore[union-attr, arg-type]
        tree = ast.parse((folder / "feature_extraction" / "_stop_words.py").read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [
                "ENGLISH_STOP_WORDS"
            ]:
                call = node.value
                if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "frozenset":
                    return frozenset(ast.literal_eval(call.args[0]))
    except (AttributeError, OSError, StopIteration, SyntaxError, TypeError, ValueError):
        pass
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # the file moved: ask scikit-learn

    return frozenset(ENGLISH_STOP_WORDS)


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


def fit_counts(
    features: Iterable[list[str]], *, min_df: int | float = 1, max_df: int | float = 1.0, batch: int = 256
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Return ``CountVectorizer(min_df, max_df).fit_transform`` of analysed texts, and its terms.

    ``features`` holds each text's analysed features (e.g. :func:`word_analyzer`'s); it may be
    a generator, and is read ``batch`` texts at a time, so only the vocabulary and the counts are
    held, never every text's features at once (those of 20,000 articles take ~1 GB as strings).
    The terms (columns) are those in at least ``min_df`` and at most ``max_df`` texts (an int:
    texts, a float: share of the texts), in alphabetical order. Each row stores its entries in the
    order scikit-learn leaves them, that of the terms' first use in the texts (not sorted by
    column), with float64 counts: every floating-point sum over a row then runs in scikit-learn's
    order.

    Raises
    ------
    ValueError
        As scikit-learn: when no text has a feature, when ``max_df`` corresponds to fewer texts
        than ``min_df``, or when no term is left within the limits.

    Examples
    --------
    >>> counts, terms = fit_counts(iter([["b", "a", "b"], ["a"]]), batch=1)
    >>> list(terms), counts.toarray().tolist()
    (['a', 'b'], [[1.0, 2.0], [1.0, 0.0]])
    """
    from scipy import sparse

    vocabulary: dict[str, int] = {}  # term -> number, in order of first use (scikit-learn's vocabulary)
    data, indices, row_sizes = [], [], []
    stream = iter(features)
    while group := list(itertools.islice(stream, batch)):
        lengths = np.fromiter((len(f) for f in group), dtype=np.int64, count=len(group))
        flat = np.asarray([x for f in group for x in f], dtype=object)
        codes = np.zeros(0, dtype=np.int64)
        if len(flat):
            local, uniques = pd.factorize(flat)
            numbered = (vocabulary.setdefault(u, len(vocabulary)) for u in uniques)  # new terms: next numbers
            known = np.fromiter(numbered, dtype=np.int64, count=len(uniques))
            codes = known[local]
        rows = np.repeat(np.arange(len(group)), lengths)
        part = sparse.csr_matrix((np.ones(len(codes)), (rows, codes)), shape=(len(group), len(vocabulary)))
        part.sum_duplicates()  # each row by first use of its terms, counts summed
        data.append(part.data)
        indices.append(part.indices)
        row_sizes.append(np.diff(part.indptr))
    if not vocabulary:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    sizes = np.concatenate(row_sizes)
    n = len(sizes)
    uniques = np.fromiter(vocabulary, dtype=object, count=len(vocabulary))
    first = sparse.csr_matrix(
        (np.concatenate(data), np.concatenate(indices), np.concatenate([[0], np.cumsum(sizes)])),
        shape=(n, len(uniques)),
    )
    df = np.bincount(first.indices, minlength=len(uniques))
    high = max_df if isinstance(max_df, int) else max_df * n
    low = min_df if isinstance(min_df, int) else min_df * n
    if high < low:
        raise ValueError("max_df corresponds to < documents than min_df")
    kept = np.flatnonzero((df <= high) & (df >= low))
    if not len(kept):
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    names = np.asarray(uniques, dtype=object)[kept]
    rank = np.empty(len(kept), dtype=np.int64)
    rank[np.argsort(names, kind="stable")] = np.arange(len(kept))  # alphabetical column of each term
    column = np.full(len(uniques), -1, dtype=np.int64)
    column[kept] = rank
    keep = column[first.indices] >= 0
    per_row = np.bincount(np.repeat(np.arange(n), np.diff(first.indptr))[keep], minlength=n)
    indptr = np.concatenate([[0], np.cumsum(per_row)])
    counts = sparse.csr_matrix(
        (first.data[keep], column[first.indices[keep]], indptr),
        shape=(n, len(kept)),
    )
    return counts, np.sort(names, kind="stable")


def fit_idf(counts: sparse.csr_matrix) -> np.ndarray:
    """Return the smoothed IDF of ``TfidfTransformer.fit(counts)`` (float64)."""
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    df += 1.0
    idf = np.full_like(df, fill_value=counts.shape[0] + 1, dtype=np.float64)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    return idf


def tfidf_in_place(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Return ``TfidfTransformer(sublinear_tf=True).transform(counts, copy=False)``: unit rows, in place.

    Unlike :func:`sublinear_tfidf`, the entries keep their storage order (a fit's order).
    """
    np.log(counts.data, counts.data)
    counts.data += 1.0
    counts.data *= idf[counts.indices]
    return l2_rows(counts)


def sublinear_tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Return unit rows of ``(1 + log(count)) * idf`` (``TfidfTransformer(sublinear_tf=True)``)."""
    from scipy import sparse

    x = sparse.csr_matrix(counts, dtype=np.float64, copy=True)
    x.sum_duplicates()
    np.log(x.data, out=x.data)
    x.data += 1.0
    x.data *= idf[x.indices]
    return l2_rows(x)
