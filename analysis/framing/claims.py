"""Coverage and omission: group sentences that report the same fact across articles.

Each eligible sentence (at least ``min_words`` words) becomes a vector that mixes two
scikit-learn TF-IDF views fitted on all eligible sentences of the call:

* word unigrams and bigrams (English stop words removed, sublinear tf), weight ``word_weight``;
* character n-grams of 3-5 within word boundaries (robust to inflection and to glued or
  mistranslated words), weight ``1 - word_weight``.

Both views are L2-normalised and scaled by the square root of their weight, so the dot
product of two sentence vectors is the weighted mean of the two cosine similarities.

Comparison is blocked: sentences are compared only with sentences of articles on the
same ``event`` (or, for articles without an event, in the same ``date_window_days``
window; articles with neither share one block). Within a block, a pair is scored only
when its word-view cosine reaches ``min_word_similarity`` (0.1: more than one common
content word in common), found with a cheap sparse product of the word view; those
candidates get their exact similarity, and each sentence keeps its ``k`` most similar
at or above ``threshold`` (:func:`linked_pairs`). Character n-grams make almost every
pair of sentences share something, so scoring every pair costs n x n per block; the
prefilter changes no link on the seeds or on the 2,000-article benchmark corpus (both
tested or measured against the exhaustive search, ``min_word_similarity=0``). Blocks
are scored in forked worker processes when there are many sentences. Linked pairs form
connected components: the claims. Pairs from different outlets at or above
``copy_threshold`` are flagged as shared
copy (wire or syndicated text).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.core.parallel import release_memory
from analysis.core.stage import stage
from analysis.framing._evidence import get_annotations, ok_articles, restrict

if TYPE_CHECKING:  # pragma: no cover
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analysis.annotate import Annotations

#: Default similarity at or above which two sentences report the same claim (see docs/framing.md).
THRESHOLD = 0.30
#: Default similarity at or above which sentences from different outlets are shared copy.
COPY_THRESHOLD = 0.85
#: Lemmas that mark a sentence as speculation rather than a reported fact (modal verbs need tag MD).
HEDGE_MODALS = frozenset({"could", "may", "might"})
HEDGE_ADVERBS = frozenset({"likely", "potentially", "possibly", "perhaps", "reportedly", "probably"})

CLAIM_COLUMNS = [
    "claim_id", "event", "block", "article_id", "outlet", "field", "sentence_id", "start_char", "end_char",
    "sentence", "n_sentences", "n_articles", "n_outlets", "outlets", "best_similarity", "shared_copy",
    "hedged",
]  # fmt: skip
OMISSION_COLUMNS = [
    "outlet", "event", "claim_id", "carried_by", "n_outlets_carrying", "shared_copy", "hedged",
    "article_id", "field", "sentence_id", "start_char", "end_char", "sentence",
]  # fmt: skip


def _vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    word = TfidfVectorizer(
        lowercase=True,
        stop_words="english",
        ngram_range=(1, 2),
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w\w+\b",
    )
    char = TfidfVectorizer(lowercase=True, analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    return word, char


def sentence_vectors(texts: list[str], *, word_weight: float = 0.5) -> csr_matrix:
    """Embed sentences as weighted, concatenated word and character TF-IDF vectors.

    Parameters
    ----------
    texts : list of str
        Sentences (the IDF is fitted on them).
    word_weight : float, default 0.5
        Weight of the word view in the dot product (the character view gets the rest).

    Returns
    -------
    scipy.sparse.csr_matrix
        One unit-norm row per sentence; ``X @ X.T`` is the similarity.
    """
    from scipy import sparse
    from sklearn.preprocessing import normalize

    if not 0.0 <= word_weight <= 1.0:
        raise ValueError(f"word_weight must be in [0, 1], got {word_weight}")
    word, char = _vectorizers()
    parts = []
    try:
        parts.append(normalize(word.fit_transform(texts)) * np.sqrt(word_weight))
    except ValueError:  # only stop words in the corpus
        parts.append(sparse.csr_matrix((len(texts), 0)))
    parts.append(normalize(char.fit_transform(texts)) * np.sqrt(1.0 - word_weight))
    return normalize(sparse.hstack(parts).tocsr())


def similarity(a: str, b: str, *, context: list[str] | None = None, word_weight: float = 0.5) -> float:
    """Return the claim similarity of two sentences (IDF fitted on them plus ``context``).

    Parameters
    ----------
    a, b : str
        The two sentences.
    context : list of str, optional
        More sentences to fit the IDF on (the rest of the corpus), as :func:`claims` does.
    word_weight : float, default 0.5
        See :func:`sentence_vectors`.

    Returns
    -------
    float
        Weighted mean of word and character TF-IDF cosine similarity, 0..1.
    """
    X = sentence_vectors([a, b, *(context or [])], word_weight=word_weight)
    return float((X[0] @ X[1].T).toarray()[0, 0])


class _BlockVectors:
    """:func:`sentence_vectors` of all sentences, computed one block at a time.

    The IDF is that of every sentence of the call (as :func:`sentence_vectors`
    fitted on all of them gives), but no corpus-wide matrix is ever built: a
    first pass over the blocks records each term's document frequency and its
    first-appearance order (the order scikit-learn's vectorisers number terms in,
    which fixes the order of the entries in each row and so every floating-point
    sum); :meth:`block` then returns one block's rows, identical to the rows of the
    corpus-wide matrix. Character n-grams are computed once per distinct word.
    Memory: the vocabularies plus one block's matrix.
    """

    def __init__(self, *, word_weight: float) -> None:
        if not 0.0 <= word_weight <= 1.0:
            raise ValueError(f"word_weight must be in [0, 1], got {word_weight}")
        word, char = _vectorizers()
        self._word_analyze = word.build_analyzer()
        self._char = char
        self.word_weight = word_weight
        self.word_ids: dict[str, int] = {}
        self.gram_ids: dict[str, int] = {}
        self.word_of: dict[str, int] = {}  # whitespace-separated word -> row of _grams
        self._grams: list[np.ndarray] = []  # char n-gram ids (with repeats) of each word
        self.word_df = np.zeros(0, dtype=np.int64)
        self.gram_df = np.zeros(0, dtype=np.int64)
        self.n_docs = 0
        self._idf: tuple[np.ndarray, np.ndarray] | None = None
        self._stored: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    # ---- counting
    @staticmethod
    def _ids(features: list[str], vocab: dict[str, int], grow: bool) -> np.ndarray:
        codes, uniques = pd.factorize(np.asarray(features, dtype=object)) if features else (
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=object),
        )
        ids = np.empty(len(uniques), dtype=np.int64)
        for i, f in enumerate(uniques):  # distinct features of the block, in order of first use
            got = vocab.get(f)
            if got is None:
                if not grow:
                    raise KeyError(f)
                got = vocab[f] = len(vocab)
            ids[i] = got
        return ids[codes]

    def _word_counts(self, texts: list[str], grow: bool) -> csr_matrix:
        from scipy import sparse

        feats = [self._word_analyze(t) for t in texts]
        lengths = np.fromiter((len(f) for f in feats), dtype=np.int64, count=len(feats))
        flat = [x for f in feats for x in f]
        ids = self._ids(flat, self.word_ids, grow)
        rows = np.repeat(np.arange(len(texts)), lengths)
        m = sparse.csr_matrix(
            (np.ones(len(ids), dtype=np.int64), (rows, ids)), shape=(len(texts), len(self.word_ids))
        )
        m.sum_duplicates()
        return m

    def _gram_counts(self, texts: list[str], grow: bool) -> csr_matrix:
        from scipy import sparse

        words = [t.lower().split() for t in texts]
        lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
        flat = np.asarray([x for w in words for x in w], dtype=object)
        codes, uniques = pd.factorize(flat) if len(flat) else (np.zeros(0, dtype=np.int64), [])
        rows_w = []
        for w in uniques:  # distinct words of the block in order of first use: grams numbered as sklearn does
            got = self.word_of.get(w)
            if got is None:
                grams = self._char._char_wb_ngrams(w)
                ids = np.empty(len(grams), dtype=np.int64)
                for i, g in enumerate(grams):
                    gid = self.gram_ids.get(g)
                    if gid is None:
                        if not grow:
                            raise KeyError(g)
                        gid = self.gram_ids[g] = len(self.gram_ids)
                    ids[i] = gid
                got = self.word_of[w] = len(self._grams)
                self._grams.append(ids)
            rows_w.append(got)
        grams = [self._grams[r] for r in rows_w]
        glen = np.fromiter((len(g) for g in grams), dtype=np.int64, count=len(grams))
        word_gram = sparse.csr_matrix(
            (
                np.ones(int(glen.sum()), dtype=np.float64),  # exact integer counts, ready for TF-IDF
                (np.repeat(np.arange(len(grams)), glen), np.concatenate(grams) if grams else []),
            ),
            shape=(len(grams), self.n_gram_terms if self._idf is not None else len(self.gram_ids)),
        )
        doc_word = sparse.csr_matrix(
            (np.ones(len(codes), dtype=np.float64), (np.repeat(np.arange(len(texts)), lengths), codes)),
            shape=(len(texts), len(grams)),
        )
        m = (doc_word @ word_gram).tocsr()
        m.sum_duplicates()
        m.sort_indices()
        return m

    # ---- pass 1
    def add(self, texts: list[str]) -> int:
        """Record the terms and document frequencies of one block (blocks in the claims' order).

        The block's word counts are kept in compact form (about 6 bytes per distinct term
        of a sentence) so that :meth:`block` does not run the word analyser again; its
        character n-grams are recomputed from the per-word cache. Returns the block's number.
        """
        w = self._word_counts(texts, grow=True)
        g = self._gram_counts(texts, grow=True)
        self.word_df = _add_df(self.word_df, w, len(self.word_ids))
        self.gram_df = _add_df(self.gram_df, g, len(self.gram_ids))
        self.n_docs += len(texts)
        data = w.data.astype(np.uint16) if w.data.size and w.data.max() < 2**16 else w.data
        self._stored.append((w.indptr.astype(np.int64), w.indices.astype(np.int32), data))
        return len(self._stored) - 1

    # ---- pass 2
    def _idf_of(self, df: np.ndarray) -> np.ndarray:
        """Return the smoothed IDF exactly as ``TfidfTransformer.fit`` computes it."""
        dff = df.astype(np.float64)
        dff += 1.0
        idf = np.full_like(dff, fill_value=self.n_docs + 1, dtype=np.float64)
        idf /= dff
        np.log(idf, out=idf)
        idf += 1.0
        return idf

    @staticmethod
    def _tfidf(counts: csr_matrix, idf: np.ndarray) -> csr_matrix:
        from sklearn.preprocessing import normalize

        x = counts if counts.dtype == np.float64 else counts.astype(np.float64)  # float counts: in place
        np.log(x.data, x.data)  # sublinear tf
        x.data += 1.0
        x.data *= idf[x.indices]
        return normalize(x, copy=False)

    def ensure_idf(self) -> None:
        """Fix the IDF from the document frequencies recorded so far (after the last :meth:`add`).

        Pass 2 sees only texts that pass 1 counted, so the term dictionaries (strings to
        ids, the largest part of pass 1's memory: word bigrams) are no longer needed; only
        their sizes are kept, and a later :meth:`add` raises.
        """
        if self._idf is None:
            self._idf = (self._idf_of(self.word_df), self._idf_of(self.gram_df))
            self.n_word_terms, self.n_gram_terms = len(self.word_ids), len(self.gram_ids)
            self.word_ids, self.gram_ids = _Sealed(), _Sealed()

    def block(self, number: int, texts: list[str]) -> csr_matrix:
        """Return the unit-norm vectors of block ``number``'s sentences (recorded by :meth:`add`)."""
        from scipy import sparse
        from sklearn.preprocessing import normalize

        self.ensure_idf()
        # the arithmetic of normalize(hstack([normalize(w) * a, normalize(g) * b])), done in place (the
        # character view of a 47,000-sentence block is ~180 MB; copies of it were the workers' peak)
        if self.n_word_terms:
            indptr, indices, data = self._stored[number]
            counts = sparse.csr_matrix(
                (data.astype(np.float64), indices, indptr), shape=(len(texts), self.n_word_terms)
            )
            w = normalize(self._tfidf(counts, self._idf[0]), copy=False)
            w.data *= np.sqrt(self.word_weight)
        else:  # only stop words in the corpus
            w = sparse.csr_matrix((len(texts), 0))
        g = normalize(self._tfidf(self._gram_counts(texts, grow=False), self._idf[1]), copy=False)
        g.data *= np.sqrt(1.0 - self.word_weight)
        x = _hstack_rows(w, g)
        del w, g
        return normalize(x, copy=False)


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
            a, b, sv = _top_per_row(rows[local[ok]], mine.indices[ok].astype(np.int64), v[ok], k)
            got_a.append(a)
            got_b.append(b)
            got_s.append(sv)
    if not got_a:
        return empty
    a, b, s = np.concatenate(got_a), np.concatenate(got_b), np.concatenate(got_s)
    return _top_per_row(a, b, s, k)


def _top_per_row(
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
    from sklearn.preprocessing import normalize

    words = normalize(sparse.csr_matrix(words))
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
        a, b, _ = _top_per_row(a[ok], b[ok], v[ok], most)  # sorted by row: rows fill in order
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


def _hstack_rows(a: csr_matrix, b: csr_matrix, *, rows_per_step: int = 8192) -> csr_matrix:
    """Return the CSR matrix ``[a | b]``: each row holds ``a``'s entries, then ``b``'s (as ``sparse.hstack``).

    Written straight into the output a slice of rows at a time, so memory is the output plus
    small index arrays (``sparse.hstack`` also builds a concatenated copy of the inputs).

    Examples
    --------
    >>> from scipy import sparse
    >>> a = sparse.csr_matrix([[1.0, 0.0], [0.0, 2.0]])
    >>> b = sparse.csr_matrix([[0.0, 3.0, 4.0], [0.0, 0.0, 0.0]])
    >>> _hstack_rows(a, b).toarray().tolist()
    [[1.0, 0.0, 0.0, 3.0, 4.0], [0.0, 2.0, 0.0, 0.0, 0.0]]
    """
    from scipy import sparse

    n, width = a.shape[0], a.shape[1] + b.shape[1]
    a_ptr, b_ptr = a.indptr.astype(np.int64), b.indptr.astype(np.int64)
    indptr = a_ptr + b_ptr
    nnz = int(indptr[-1])
    index_type = np.int32 if max(width, nnz) < 2**31 else np.int64
    data = np.empty(nnz, dtype=np.result_type(a.dtype, b.dtype))
    indices = np.empty(nnz, dtype=index_type)
    for r0 in range(0, n, rows_per_step):
        r1 = min(n, r0 + rows_per_step)
        # an entry j of row r goes to j + (entries of the other matrix before it in the output row)
        parts = ((a, a_ptr, b_ptr[r0:r1], 0), (b, b_ptr, a_ptr[r0 + 1 : r1 + 1], a.shape[1]))
        for m, ptr, shift, column_offset in parts:
            lo, hi = int(ptr[r0]), int(ptr[r1])
            if hi == lo:
                continue
            dest = np.arange(lo, hi) + np.repeat(shift, np.diff(ptr[r0 : r1 + 1]))
            data[dest] = m.data[lo:hi]
            indices[dest] = m.indices[lo:hi] + column_offset
    return sparse.csr_matrix((data, indices, indptr.astype(index_type)), shape=(n, width))


class _Sealed(dict):
    """An empty term dictionary that refuses new terms: :class:`_BlockVectors` after its IDF is fixed."""

    def __setitem__(self, key, value):
        raise RuntimeError("claims: a term outside pass 1 reached pass 2 (texts must be those counted)")


def _add_df(df: np.ndarray, counts: csr_matrix, size: int) -> np.ndarray:
    """Add one block's document frequencies (columns with a count) to ``df``, growing it to ``size``."""
    if len(df) < size:
        df = np.concatenate([df, np.zeros(size - len(df), dtype=np.int64)])
    return df + np.bincount(counts.indices, minlength=size)


def _blocks(rows: pd.DataFrame, date_window_days: int) -> pd.DataFrame:
    """Give each article an ``event`` label and a ``block`` kind (event / date window / undated)."""
    event = rows["event"] if "event" in rows.columns else pd.Series(None, index=rows.index, dtype=object)
    event = event.astype(object).where(event.notna(), None)
    has_event = event.map(lambda v: v is not None and str(v).strip() != "")
    if "date" in rows.columns:
        dates = pd.to_datetime(rows["date"], errors="coerce")
    else:
        dates = pd.Series(pd.NaT, index=rows.index)
    label = []
    kind = []
    for ev, ok, d in zip(event, has_event, dates, strict=True):
        if ok:
            label.append(str(ev).strip())
            kind.append("event")
        elif pd.notna(d):
            start = pd.Timestamp(
                d.normalize().value // (86400 * 10**9 * date_window_days) * date_window_days, unit="D"
            )
            label.append(f"{start:%Y-%m-%d} +{date_window_days}d")
            kind.append("date_window")
        else:
            label.append("(no event or date)")
            kind.append("undated")
    return pd.DataFrame({"article_id": rows["article_id"].to_numpy(), "event": label, "block": kind})


#: Columns of :func:`hedged_sentences`.
HEDGE_COLUMNS = ["article_id", "field", "sentence_id"]


@stage(provides="_hedges", requires=("articles",), keywords=("annotations",), per_article=True)
def hedged_sentences(articles: pd.DataFrame, *, annotations: Annotations | None = None) -> pd.DataFrame:
    """List the sentences that carry a hedging modal or adverb: the per-article input of :func:`claims`.

    A sentence is hedged when one of its tokens has a lemma in
    :data:`HEDGE_MODALS` with tag ``MD`` (could, may, might) or a lemma in
    :data:`HEDGE_ADVERBS` (likely, reportedly...).

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text`` (``title``, ``status`` used when present).
    annotations : Annotations, optional
        Output of :func:`analysis.annotate.annotate`; computed (cached) when None.

    Returns
    -------
    pandas.DataFrame
        ``article_id, field, sentence_id``, one row per hedged sentence, sorted.
    """
    rows = ok_articles(articles)
    ann = get_annotations(rows, annotations)
    return _hedge_keys(restrict(ann.tokens, rows["article_id"]))


def _hedge_keys(tokens: pd.DataFrame | None) -> pd.DataFrame:
    if tokens is None or tokens.empty:
        return pd.DataFrame(
            {"article_id": pd.Series(dtype=object), "field": pd.Series(dtype=object),
             "sentence_id": pd.Series(dtype="int64")}
        )  # fmt: skip
    codes, uniques = pd.factorize(tokens["lemma"].astype(str))  # lower-case each distinct lemma once
    lower = pd.Series(uniques).str.lower()
    modal = lower.isin(HEDGE_MODALS).to_numpy()[codes]
    adverb = lower.isin(HEDGE_ADVERBS).to_numpy()[codes]
    hedge = (modal & (tokens["tag"] == "MD").to_numpy()) | adverb
    keys = tokens.loc[hedge, HEDGE_COLUMNS].astype({"article_id": str, "sentence_id": "int64"})
    keys = keys.drop_duplicates().sort_values(HEDGE_COLUMNS)
    return keys.reset_index(drop=True)


@stage(provides="claims", requires=("articles",), keywords=("sentences", "hedges=_hedges"), per_article=False)
def claims(
    articles: pd.DataFrame,
    *,
    annotations: Annotations | None = None,
    sentences: pd.DataFrame | None = None,
    hedges: pd.DataFrame | None = None,
    threshold: float = THRESHOLD,
    copy_threshold: float = COPY_THRESHOLD,
    k: int = 10,
    min_words: int = 6,
    word_weight: float = 0.5,
    min_word_similarity: float = MIN_WORD_SIMILARITY,
    date_window_days: int = 7,
    fields: tuple[str, ...] = ("text",),
    n_process: int | None = None,
) -> pd.DataFrame:
    """Group sentences that report the same fact across the articles on one event.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``; ``outlet``, ``event``, ``date``, ``title`` and
        ``status`` are used when present (only ``status == 'ok'`` rows).
    annotations : Annotations, optional
        Output of :func:`analysis.annotate.annotate` (its sentence table is used);
        computed (cached) when None and the two tables below are not given.
    sentences : pandas.DataFrame, optional
        Sentence table (``article_id, field, sentence_id, start_char, end_char,
        text``), e.g. the pipeline's ``sentences``: used instead of the annotations'.
    hedges : pandas.DataFrame, optional
        Output of :func:`hedged_sentences` for these articles: used instead of the
        token table to flag hedged sentences.
    threshold : float, default :data:`THRESHOLD`
        Similarity (0..1, see :func:`similarity`) at or above which two sentences are
        linked into one claim.
    copy_threshold : float, default :data:`COPY_THRESHOLD`
        Similarity at or above which sentences of different outlets are shared copy.
    k : int, default 10
        Nearest neighbours examined per sentence within its block.
    min_words : int, default 6
        Sentences with fewer words are not claims (headings, credits).
    word_weight : float, default 0.5
        Weight of word TF-IDF against character TF-IDF.
    min_word_similarity : float, default :data:`MIN_WORD_SIMILARITY`
        Word TF-IDF cosine two sentences need before they are compared at all (see
        :func:`linked_pairs`): a pair below it shares at most a common content word, and
        could reach ``threshold`` only through near-identical character n-grams. It keeps
        large event blocks from costing n x n comparisons; 0 compares every pair.
    date_window_days : int, default 7
        Width of the date windows that block articles without an ``event``.
    fields : tuple of str, default ("text",)
        Fields whose sentences are compared. Headlines are left out by default: they
        compress the story into headline-ese that shares few words with the body
        sentence reporting the same fact, so they would mostly show up as false omissions.
    n_process : int, optional
        Processes that score event blocks in parallel (forked; the result is the same).
        Default :data:`analysis.config.SPACY_N_PROCESS`, used only when the blocks hold at
        least :data:`PARALLEL_MIN_SENTENCES` sentences.

    Returns
    -------
    pandas.DataFrame
        One row per eligible sentence: ``claim_id``, ``event`` (event label, date window
        or "(no event or date)"), ``block`` (event / date_window / undated), ``article_id,
        outlet, field, sentence_id, start_char, end_char, sentence`` (the evidence),
        ``n_sentences, n_articles, n_outlets, outlets`` (of the claim, outlets
        ``;``-separated), ``best_similarity`` (to the closest linked sentence of another
        article, NaN if none) and ``shared_copy`` (near-identical to a sentence of
        another outlet), ``hedged`` (the sentence carries a hedging modal or adverb: could,
        may, might, likely, reportedly...: speculation or commentary rather than a
        reported fact; False when there is no token table). Sorted by event, claim_id,
        article, offset.

    Raises
    ------
    ValueError
        For a threshold outside (0, 1], ``k < 1`` or ``min_word_similarity`` outside [0, 1].
    """
    if not 0.0 < threshold <= 1.0 or not 0.0 < copy_threshold <= 1.0:
        raise ValueError(f"thresholds must be in (0, 1], got {threshold}, {copy_threshold}")
    if not 0.0 <= min_word_similarity <= 1.0:
        raise ValueError(f"min_word_similarity must be in [0, 1], got {min_word_similarity}")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    rows = ok_articles(articles)
    if sentences is None or hedges is None:
        ann = get_annotations(rows, annotations)
        sentences = ann.sentences if sentences is None else sentences
        hedges = _hedge_keys(restrict(ann.tokens, rows["article_id"])) if hedges is None else hedges
    sents = restrict(sentences, rows["article_id"])
    if sents.empty:
        return pd.DataFrame(columns=CLAIM_COLUMNS)
    sents = sents[sents["field"].isin(fields)].copy()
    sents["article_id"] = sents["article_id"].astype(str)
    sents = sents[sents["text"].astype(str).str.count(r"\w+") >= min_words]
    if sents.empty:
        return pd.DataFrame(columns=CLAIM_COLUMNS)
    outlet = rows["outlet"].astype(str) if "outlet" in rows.columns else rows["article_id"]
    outlet_of = dict(zip(rows["article_id"], outlet, strict=True))
    blocks = _blocks(rows, date_window_days).set_index("article_id")
    sents = sents.assign(
        outlet=sents["article_id"].map(outlet_of),
        event=sents["article_id"].map(blocks["event"]),
        block=sents["article_id"].map(blocks["block"]),
        _field_order=sents["field"].map({"title": 0, "text": 1}).fillna(2),
    )
    sents = sents.sort_values(["event", "article_id", "_field_order", "start_char"], kind="stable")
    sents = sents.reset_index(drop=True)
    texts = sents["text"].astype(str).to_numpy()
    block_rows = list(sents.groupby("event", sort=True).indices.values())
    # pass 1: vocabularies and document frequencies over every block; pass 2: one block's vectors at a time
    vectors = _BlockVectors(word_weight=word_weight)
    block_rows = sorted(block_rows, key=lambda ix: ix[0])  # the sentences' order, as one fit sees them
    numbers = [vectors.add(texts[idx].tolist()) for idx in block_rows]
    n = len(sents)
    labels = np.full(n, -1, dtype=np.int64)
    best = np.full(n, np.nan)
    copy = np.zeros(n, dtype=bool)
    arts = sents["article_id"].to_numpy()
    outs = sents["outlet"].to_numpy()
    next_label = 0
    links = _block_links(
        vectors, texts, block_rows, numbers,
        threshold=threshold, k=k, min_word_similarity=min_word_similarity, n_process=n_process,
    )  # fmt: skip
    for idx, (a, b, sv) in zip(block_rows, links, strict=True):
        idx = np.asarray(idx)
        edges_i = edges_j = np.zeros(0, dtype=np.int64)
        if len(idx) > 1:
            edges_i, edges_j = a, b
            gi, gj = idx[a], idx[b]
            other = arts[gi] != arts[gj]
            if other.any():
                top = pd.Series(sv[other]).groupby(gi[other]).max()
                pos = top.index.to_numpy()
                best[pos] = np.where(np.isnan(best[pos]), top.to_numpy(), np.fmax(best[pos], top.to_numpy()))
                shared = other & (outs[gi] != outs[gj]) & (sv >= copy_threshold - 1e-12)
                copy[gi[shared]] = True
                copy[gj[shared]] = True
        graph = sparse.coo_matrix(
            (np.ones(len(edges_i)), (edges_i, edges_j)), shape=(len(idx), len(idx))
        )
        _, comp = connected_components(graph, directed=False)
        # number components in order of first sentence, so ids are stable
        _, first = np.unique(comp, return_index=True)
        order = np.empty(len(first), dtype=np.int64)
        order[np.argsort(first, kind="stable")] = np.arange(len(first))
        labels[idx] = next_label + order[comp]
        next_label += len(first)
    sents["_label"] = labels
    sents["best_similarity"] = best
    sents["shared_copy"] = copy
    width = max(4, len(str(next_label)))
    sents["claim_id"] = ["C" + str(lab + 1).zfill(width) for lab in labels]
    grp = sents.groupby("claim_id")
    sents["n_sentences"] = grp["article_id"].transform("size")
    sents["n_articles"] = grp["article_id"].transform("nunique")
    sents["n_outlets"] = grp["outlet"].transform("nunique")
    pairs = sents[["claim_id", "outlet"]].drop_duplicates().sort_values(["claim_id", "outlet"])
    sents["outlets"] = sents["claim_id"].map(pairs.groupby("claim_id")["outlet"].agg(";".join))
    sents["shared_copy"] = sents["shared_copy"].astype(bool)
    sents["hedged"] = _flagged(sents, hedges)
    sents = sents.rename(columns={"text": "sentence"})
    sents = sents.sort_values(
        ["event", "claim_id", "article_id", "_field_order", "start_char"], kind="stable"
    )
    return sents[CLAIM_COLUMNS].reset_index(drop=True)


#: Sentences in multi-sentence blocks below which claims scores its blocks in this process only.
PARALLEL_MIN_SENTENCES = 4000
#: Working memory that scoring a block takes per character of its sentences, measured: a block of
#: 47,659 sentences (7.2M characters) peaks ~600 MB above the worker's base (its vectors ~180 MB and
#: their construction, the word candidates, the bandwidth-reducing order).
BLOCK_BYTES_PER_CHAR = 85


def _block_processes(needs: list[int], n_process: int, budget: int) -> int:
    """Return how many blocks to score at once: at most ``n_process``, within ``budget`` bytes.

    ``needs`` is each block's estimated working memory; the largest ones run together
    first, so the count is the most whose largest needs fit the budget (at least 1).

    Examples
    --------
    >>> _block_processes([60, 50, 40], 2, budget=200)
    2
    >>> _block_processes([600, 550, 40], 2, budget=768)
    1
    >>> _block_processes([0, 0, 900], 2, budget=768)
    1
    """
    busy = sorted((n for n in needs if n > 0), reverse=True)
    processes = max(1, min(n_process, len(busy)))
    while processes > 1 and sum(busy[:processes]) > budget:
        processes -= 1
    return processes
_FORKED: dict = {}  # what forked block workers read (inherited, never pickled)


def _links_of_block(i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score block ``i`` of the call in :data:`_FORKED` (runs here or in a forked worker)."""
    job = _FORKED
    idx = np.asarray(job["block_rows"][i])
    if len(idx) < 2:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0)
    vectors = job["vectors"]
    x_block = vectors.block(job["numbers"][i], job["texts"][idx].tolist())
    return linked_pairs(
        x_block, threshold=job["threshold"], k=job["k"], word_columns=vectors.n_word_terms,
        min_word_similarity=job["min_word_similarity"],
    )  # fmt: skip


def _block_links(
    vectors: _BlockVectors,
    texts: np.ndarray,
    block_rows: list,
    numbers: list[int],
    *,
    threshold: float,
    k: int,
    min_word_similarity: float,
    n_process: int | None,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Return :func:`linked_pairs` of every block, in block order, computed in up to ``n_process`` processes.

    Workers are forked after the vocabularies and IDF are fixed, so each computes exactly
    the vectors this process would; the largest blocks go first. Blocks run together only
    while their estimated working memory (:data:`BLOCK_BYTES_PER_CHAR`) fits
    :data:`analysis.config.CLAIMS_PARALLEL_MEMORY`: huge event blocks are scored one at a
    time, here (slower, but the memory of one).
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from analysis import config

    vectors.ensure_idf()
    _FORKED.clear()
    _FORKED.update(
        vectors=vectors, texts=texts, block_rows=block_rows, numbers=numbers, threshold=threshold, k=k,
        min_word_similarity=min_word_similarity,
    )  # fmt: skip
    try:
        sizes = [len(ix) for ix in block_rows]
        work = sum(n for n in sizes if n > 1)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        needs = [BLOCK_BYTES_PER_CHAR * int(lengths[ix].sum()) if len(ix) > 1 else 0 for ix in block_rows]
        budget = config.CLAIMS_PARALLEL_MEMORY
        processes = _block_processes(needs, n_process or config.SPACY_N_PROCESS, budget)
        forkable = "fork" in multiprocessing.get_all_start_methods()
        if processes < 2 or work < PARALLEL_MIN_SENTENCES or not forkable:
            return [_links_of_block(i) for i in range(len(block_rows))]
        order = sorted(range(len(block_rows)), key=lambda i: -sizes[i])
        release_memory()  # pass 1's freed dictionaries: not inherited by the workers
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            futures = {i: pool.submit(_links_of_block, i) for i in order}
            return [futures[i].result() for i in range(len(block_rows))]
    finally:
        _FORKED.clear()


def _flagged(sents: pd.DataFrame, hedges: pd.DataFrame) -> np.ndarray:
    """Flag the rows of ``sents`` whose (article, field, sentence) is in the ``hedges`` table."""
    if hedges is None or hedges.empty:
        return np.zeros(len(sents), dtype=bool)
    keys = pd.MultiIndex.from_arrays(
        [hedges["article_id"].astype(str), hedges["field"].astype(str), hedges["sentence_id"].astype("int64")]
    )
    mine = pd.MultiIndex.from_arrays(
        [sents["article_id"].astype(str), sents["field"].astype(str), sents["sentence_id"].astype("int64")]
    )
    return np.asarray(mine.isin(keys), dtype=bool)


def claim_matrix(claims_table: pd.DataFrame) -> pd.DataFrame:
    """Pivot a claims table into a claims x outlets matrix within each event.

    Parameters
    ----------
    claims_table : pandas.DataFrame
        Output of :func:`claims` (needs ``event, claim_id, outlet, sentence, n_outlets``).

    Returns
    -------
    pandas.DataFrame
        One row per claim: ``event, claim_id, n_outlets`` and the claim's first sentence
        (``article_id, field, start_char, end_char, sentence``), then one column per
        outlet with the number of sentences that carry it; ``0`` means the outlet
        covers the event but omits the claim, missing (NA) means it has no article on
        the event.
    """
    if claims_table.empty:
        return pd.DataFrame(
            columns=[
                "event", "claim_id", "n_outlets", "article_id", "field", "start_char", "end_char", "sentence",
            ]  # fmt: skip
        )
    counts = claims_table.groupby(["event", "claim_id", "outlet"]).size().unstack("outlet")
    covering = claims_table.groupby("event")["outlet"].agg(set)
    for (event, _), row in counts.iterrows():
        for outlet in counts.columns:
            if pd.isna(row[outlet]) and outlet in covering[event]:
                counts.loc[(event, _), outlet] = 0
    counts = counts.astype("Int64")
    first = claims_table.groupby(["event", "claim_id"]).agg(
        n_outlets=("n_outlets", "first"),
        article_id=("article_id", "first"),
        field=("field", "first"),
        start_char=("start_char", "first"),
        end_char=("end_char", "first"),
        sentence=("sentence", "first"),
    )
    out = first.join(counts).reset_index()
    out.columns.name = None
    return out.sort_values(
        ["event", "n_outlets", "claim_id"], ascending=[True, False, True]
    ).reset_index(drop=True)


@stage(provides="omissions", requires=("claims", "articles"), per_article=False)
def omissions(
    claims_table: pd.DataFrame, articles: pd.DataFrame, *, min_outlets: int = 1
) -> pd.DataFrame:
    """List, per outlet, the claims that other outlets carry on the same event and it leaves out.

    Parameters
    ----------
    claims_table : pandas.DataFrame
        Output of :func:`claims` (needs ``claim_id, event, article_id, outlet`` and the
        evidence columns).
    articles : pandas.DataFrame
        The articles (``article_id``; ``outlet``, ``event``, ``status`` when present):
        an outlet covers an event when one of its ``ok`` articles is on it.
    min_outlets : int, default 1
        Report a claim only when at least this many other outlets carry it.

    Returns
    -------
    pandas.DataFrame
        ``outlet`` (the one omitting), ``event, claim_id, carried_by`` (outlets,
        ``;``-separated), ``n_outlets_carrying, shared_copy``, ``hedged`` (every sentence
        of the claim is hedged: speculation, usually less telling when omitted) and the evidence sentence
        from a carrying article: ``article_id, field, sentence_id, start_char, end_char,
        sentence``. Sorted by outlet, event, ``n_outlets_carrying`` descending, claim.
    """
    missing = sorted({"claim_id", "event", "article_id", "outlet"} - set(claims_table.columns))
    if missing:
        raise ValueError(f"claims_table needs columns {missing}; got {list(claims_table.columns)}")
    if claims_table.empty:
        return pd.DataFrame(columns=OMISSION_COLUMNS)
    rows = ok_articles(articles, need=("article_id",))
    outlet = rows["outlet"].astype(str) if "outlet" in rows.columns else rows["article_id"]
    outlet_of = dict(zip(rows["article_id"], outlet, strict=True))
    # (event, outlet) pairs: an outlet covers an event when one of its articles is on it
    on_event = claims_table.drop_duplicates("article_id")[["article_id", "event"]]
    aids = on_event["article_id"].astype(str)
    carrier = aids.map(outlet_of).fillna(aids)
    pairs = [pd.DataFrame({"event": on_event["event"].to_numpy(), "outlet": carrier.to_numpy()})]
    if "event" in rows.columns:  # articles on the event without any eligible sentence still cover it
        ev = rows["event"].where(rows["event"].map(lambda v: isinstance(v, str)))
        ev = ev.str.strip()
        known = ev.isin(set(on_event["event"]))
        pairs.append(pd.DataFrame({"event": ev[known].to_numpy(), "outlet": outlet[known].to_numpy()}))
    covering = pd.concat(pairs, ignore_index=True).drop_duplicates()
    first = claims_table.sort_values(
        ["claim_id", "article_id", "start_char"], kind="stable"
    ).drop_duplicates("claim_id")
    carriers = claims_table[["claim_id", "outlet"]].drop_duplicates().sort_values(["claim_id", "outlet"])
    by_claim = carriers.groupby("claim_id")["outlet"]
    info = pd.DataFrame({"carried_by": by_claim.agg(";".join), "n_outlets_carrying": by_claim.size()})
    info["shared_copy"] = (
        claims_table.groupby("claim_id")["shared_copy"].any().astype(bool)
        if "shared_copy" in claims_table
        else False
    )
    info["hedged"] = (
        claims_table.groupby("claim_id")["hedged"].all().astype(bool) if "hedged" in claims_table else False
    )
    evidence = ["article_id", "field", "sentence_id", "start_char", "end_char"]
    first = first[["claim_id", "event", *evidence, *(["sentence"] if "sentence" in first else [])]]
    first = first.merge(info, left_on="claim_id", right_index=True, how="left")
    first = first[first["n_outlets_carrying"] >= min_outlets]
    if "sentence" not in first:
        first = first.assign(sentence="")
    candidates = first.merge(covering, on="event", how="inner")
    carried = carriers.assign(_carries=True)
    candidates = candidates.merge(carried, on=["claim_id", "outlet"], how="left")
    out = candidates[candidates["_carries"].isna()]
    if out.empty:
        return pd.DataFrame(columns=OMISSION_COLUMNS)
    table = out[OMISSION_COLUMNS]
    return table.sort_values(
        ["outlet", "event", "n_outlets_carrying", "claim_id"],
        ascending=[True, True, False, True],
        kind="stable",
    ).reset_index(drop=True)
