"""Linking each sentence to its most similar sentences of a block (:func:`linked_pairs`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from analysis.framing._features import l2_rows

if TYPE_CHECKING:  # pragma: no cover
    from scipy.sparse import csr_matrix


#: Default word-view cosine below which two sentences are not compared (see :func:`linked_pairs`).
MIN_WORD_SIMILARITY = 0.1


def linked_pairs(
    x: csr_matrix,
    *,
    threshold: float,
    k: int,
    word_columns: int | None = None,
    min_word_similarity: float = 0.0,
    max_candidates: int = 100,
    rows_per_step: int = 128,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Link each row to its ``k`` most similar other rows at or above ``threshold``.

    With ``min_word_similarity=0`` this is exactly a brute-force k-nearest-neighbour
    search by dot product (``NearestNeighbors(n_neighbors=k + 1, metric="cosine")`` on
    unit rows, self excluded) followed by dropping neighbours below ``threshold``. With
    ``min_word_similarity > 0`` only *candidate* pairs are scored: pairs whose cosine on
    the first ``word_columns`` columns (the word view of :func:`sentence_vectors`) is at
    least ``min_word_similarity``. That word product is cheap (a sentence has a few dozen
    word features against hundreds of character n-grams, and common n-grams make the full
    product nearly dense), so a block of n sentences no longer costs n x n character
    comparisons. Candidates are scored exactly, in slices of rows, each slice against only
    the rows its candidates are in, after a bandwidth-reducing order (reverse Cuthill-McKee)
    has put each row's candidates near it (wire copies of one sentence end up together).

    Parameters
    ----------
    x : scipy.sparse.csr_matrix
        Rows with unit (or zero) L2 norm.
    threshold : float
        Similarity at or above which a pair may be linked (1e-12 tolerance).
    k : int
        Most neighbours kept per row (the most similar; ties by column number).
    word_columns : int, optional
        Number of leading columns that hold the word view (default: all columns).
    min_word_similarity : float, default 0.0
        Word-view cosine a pair needs to be scored at all; 0 scores every pair.
    max_candidates : int, default 100
        With the prefilter, at most this many candidates per row are scored: those with
        the highest word cosine (at least ``k``). Only a row with more candidates than this
        (a sentence printed by more than 100 articles of one block) can miss a neighbour, and
        then only one that is less similar by words than the 100 scored.
    rows_per_step : int, default 128
        Rows scored in one sparse product (bounds memory).

    Returns
    -------
    tuple of numpy.ndarray
        ``(a, b, similarity)``: directed pairs, sorted by ``a``, then similarity descending.

    Examples
    --------
    >>> from scipy import sparse
    >>> x = sparse.csr_matrix([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
    >>> a, b, s = linked_pairs(x, threshold=0.5, k=1)
    >>> [(int(i), int(j), round(float(v), 2)) for i, j, v in zip(a, b, s)]
    [(0, 1, 0.8), (1, 0, 0.8), (2, 1, 0.6)]
    """
    from scipy import sparse
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    x = sparse.csr_matrix(x, dtype=np.float64)
    if not x.has_canonical_format:  # sorted, no duplicates: else fix a copy, never the caller's matrix
        x = x.copy()
        x.sum_duplicates()
        x.sort_indices()
    n = x.shape[0]
    lo = threshold - 1e-12
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
    if n < 2 or k < 1:
        return empty
    got_a, got_b, got_s = [], [], []
    if min_word_similarity <= 0:  # every pair: the full product, a slice of rows at a time
        xt = x.T.tocsr()
        for r0 in range(0, n, rows_per_step):
            sims = (x[r0 : r0 + rows_per_step] @ xt).tocoo()
            a, b = sims.row.astype(np.int64) + r0, sims.col.astype(np.int64)
            ok = (a != b) & (sims.data >= lo)
            got_a.append(a[ok])
            got_b.append(b[ok])
            got_s.append(sims.data[ok])
    else:
        cand = _word_candidates(
            x[:, : x.shape[1] if word_columns is None else word_columns],
            floor=min_word_similarity,
            most=max(max_candidates, k),
        )
        # rows in an order that keeps each row's candidates near it (bandwidth reduction), so each slice
        # of rows is scored against the few rows its candidates are in, not against the whole block
        order = reverse_cuthill_mckee((cand + cand.T).tocsr(), symmetric_mode=True).astype(np.int64)
        for r0 in range(0, n, rows_per_step):
            rows = order[r0 : r0 + rows_per_step]
            mine = cand[rows]
            if mine.nnz == 0:
                continue
            cols = np.unique(mine.indices)
            sims = (x[rows] @ x[cols].T).toarray()
            local = np.repeat(np.arange(len(rows)), np.diff(mine.indptr))
            v = sims[local, np.searchsorted(cols, mine.indices)]
            ok = v >= lo
            # a slice holds every candidate of its rows, so each row's k best are final here:
            # only those are kept (k per row, not up to max_candidates), and sorted once at the end
            a, b, sv = top_per_row(rows[local[ok]], mine.indices[ok].astype(np.int64), v[ok], k)
            got_a.append(a)
            got_b.append(b)
            got_s.append(sv)
    if not got_a:
        return empty
    a, b, s = np.concatenate(got_a), np.concatenate(got_b), np.concatenate(got_s)
    return top_per_row(a, b, s, k)


def top_per_row(
    a: np.ndarray, b: np.ndarray, v: np.ndarray, most: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keep each row ``a``'s ``most`` pairs of highest ``v`` (ties: lower ``b``), by row then rank."""
    order = np.lexsort((b, -v, a))
    a, b, v = a[order], b[order], v[order]
    starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]]) if len(a) else np.zeros(0, dtype=np.int64)
    rank = np.arange(len(a)) - np.repeat(starts, np.diff(np.r_[starts, len(a)]))
    keep = rank < most
    return a[keep], b[keep], v[keep]


def _word_candidates(words: csr_matrix, *, floor: float, most: int, rows_per_step: int = 256) -> csr_matrix:
    """Return, per row, up to ``most`` other rows with a word cosine of at least ``floor``, closest first.

    The word product is computed a slice of rows at a time, so memory grows with the
    candidates kept, not with the pairs that share some word. Ties keep the lower row.
    """
    from scipy import sparse

    words = l2_rows(sparse.csr_matrix(words, dtype=np.float64, copy=True))
    n = words.shape[0]
    words_t = words.T.tocsr()
    # the kept pairs go straight into arrays sized for the most a row can keep: small arrays kept
    # between the slices' large temporaries would pin the heap (hundreds of MB on a big block)
    index_type = np.int32 if n < 2**31 else np.int64
    per_row = np.zeros(n + 1, dtype=np.int64)
    columns = np.empty(n * most, dtype=index_type)
    filled = 0
    for r0 in range(0, n, rows_per_step):
        p = (words[r0 : r0 + rows_per_step] @ words_t).tocoo()
        a, b, v = p.row.astype(np.int64) + r0, p.col.astype(np.int64), p.data
        del p
        ok = (a != b) & (v >= floor - 1e-12)
        a, b, _ = top_per_row(a[ok], b[ok], v[ok], most)  # sorted by row: rows fill in order
        columns[filled : filled + len(b)] = b
        filled += len(b)
        per_row[1:] += np.bincount(a, minlength=n)
    indptr = np.cumsum(per_row).astype(index_type)
    cand = sparse.csr_matrix(
        (np.ones(filled, dtype=np.float64), columns[:filled].copy(), indptr), shape=(n, n)
    )
    del columns
    cand.sort_indices()
    return cand
