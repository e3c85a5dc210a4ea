"""Sentence vectors of the claims: word and character TF-IDF views, mixed into one vector."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis.framing._features import (
    char_wb_ngrams,
    english_stop_words,
    l2_rows,
    sublinear_tfidf,
    word_analyzer,
)

if TYPE_CHECKING:  # pragma: no cover
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfVectorizer


#: Token pattern of the claims' word view.
WORD_PATTERN = r"(?u)\b\w\w+\b"


def _vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    word = TfidfVectorizer(
        lowercase=True,
        stop_words="english",
        ngram_range=(1, 2),
        sublinear_tf=True,
        token_pattern=WORD_PATTERN,
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


class BlockVectors:
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
        # scikit-learn's analysers of :func:`_vectorizers`, without importing it (:mod:`.._features`)
        self._word_analyze = word_analyzer(WORD_PATTERN, english_stop_words())
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
        codes, uniques = (
            pd.factorize(np.asarray(features, dtype=object))
            if features
            else (
                np.zeros(0, dtype=np.int64),
                np.zeros(0, dtype=object),
            )
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
                grams = char_wb_ngrams(w)
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
        x = counts if counts.dtype == np.float64 else counts.astype(np.float64)  # float counts: in place
        np.log(x.data, x.data)  # sublinear tf
        x.data += 1.0
        x.data *= idf[x.indices]
        return l2_rows(x)

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

    def frozen(self) -> tuple[Any, np.ndarray, Any, np.ndarray, csr_matrix, frozenset]:
        """Fix the IDF (:meth:`ensure_idf`) and return what :class:`FrozenVectors` needs to go on.

        Returns the word terms, word IDF, character n-grams and their IDF (in column order),
        every sentence's word counts (rows in the order the blocks were added) and the stop
        words. Call it after the last :meth:`add` and before :meth:`block`, while the term
        dictionaries are still held.
        """
        from scipy import sparse

        if self._idf is not None:
            raise RuntimeError("BlockVectors.frozen() needs the term dictionaries: call it before block()")
        import pyarrow as pa

        # the terms in one Arrow buffer each: the dictionaries' strings are freed when pass 2 seals them
        words = pa.array(list(self.word_ids), type=pa.large_string())
        grams = pa.array(list(self.gram_ids), type=pa.large_string())
        self.ensure_idf()
        blocks = [
            sparse.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, self.n_word_terms))
            for indptr, indices, data in self._stored
        ]
        counts = sparse.vstack(blocks).tocsr() if blocks else sparse.csr_matrix((0, self.n_word_terms))
        stops = english_stop_words()
        return words, self._idf[0], grams, self._idf[1], counts, stops

    def block(self, number: int, texts: list[str]) -> csr_matrix:
        """Return the unit-norm vectors of block ``number``'s sentences (recorded by :meth:`add`)."""
        from scipy import sparse

        self.ensure_idf()
        # the arithmetic of normalize(hstack([normalize(w) * a, normalize(g) * b])), done in place (the
        # character view of a 47,000-sentence block is ~180 MB; copies of it were the workers' peak)
        if self.n_word_terms:
            indptr, indices, data = self._stored[number]
            counts = sparse.csr_matrix(
                (data.astype(np.float64), indices, indptr), shape=(len(texts), self.n_word_terms)
            )
            w = l2_rows(self._tfidf(counts, self._idf[0]))
            w.data *= np.sqrt(self.word_weight)
        else:  # only stop words in the corpus
            w = sparse.csr_matrix((len(texts), 0))
        g = self._tfidf(self._gram_counts(texts, grow=False), self._idf[1])
        if g.shape[1]:  # else no character grams at all (empty or symbol-only sentences): rows stay zero
            g = l2_rows(g)
            g.data *= np.sqrt(1.0 - self.word_weight)
        x = _hstack_rows(w, g)
        del w, g
        return l2_rows(x) if x.shape[1] else x


def _strings(terms) -> np.ndarray:
    """Return terms (an Arrow array or a sequence) as a NumPy array of Python strings."""
    if hasattr(terms, "to_numpy"):
        return terms.to_numpy(zero_copy_only=False)
    return np.asarray(terms, dtype=object)


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
    """An empty term dictionary that refuses new terms: :class:`BlockVectors` after its IDF is fixed."""

    def __setitem__(self, key, value):
        raise RuntimeError("claims: a term outside pass 1 reached pass 2 (texts must be those counted)")


def _add_df(df: np.ndarray, counts: csr_matrix, size: int) -> np.ndarray:
    """Add one block's document frequencies (columns with a count) to ``df``, growing it to ``size``."""
    if len(df) < size:
        df = np.concatenate([df, np.zeros(size - len(df), dtype=np.int64)])
    return df + np.bincount(counts.indices, minlength=size)


class FrozenVectors:
    """Sentence vectors under vocabularies and IDF fixed by an earlier :class:`BlockVectors` fit.

    The update of the claims index (:func:`analysis.framing.claims.grouping.update_claims`) uses
    them for sentences the fit never saw: their terms outside the fitted vocabularies are
    ignored, every other weight is the fit's, so the vectors of fitted sentences are the fit's.

    Parameters
    ----------
    word_terms, gram_terms : array-like of str
        The word and character n-gram vocabularies, in column order (an Arrow array or a list).
    word_idf, gram_idf : numpy.ndarray
        Their IDF.
    word_weight : float
        Weight of the word view (see :func:`sentence_vectors`).
    stop_words : frozenset
        The word view's stop words (scikit-learn's English list, recorded by the fit).

    Nothing here imports scikit-learn (:mod:`analysis.framing._features`).
    """

    def __init__(
        self,
        word_terms: np.ndarray,
        word_idf: np.ndarray,
        gram_terms: np.ndarray,
        gram_idf: np.ndarray,
        *,
        word_weight: float,
        stop_words: frozenset,
    ) -> None:

        self._word_analyze = word_analyzer(WORD_PATTERN, stop_words)
        self.word_index = pd.Index(_strings(word_terms))
        self.gram_index = pd.Index(_strings(gram_terms))
        self.word_idf, self.gram_idf = word_idf, gram_idf
        self.word_weight = word_weight
        self._grams: dict[str, np.ndarray] = {}  # word -> its known character n-gram ids (with repeats)

    @property
    def n_word_terms(self) -> int:
        """Columns of the word view."""
        return len(self.word_index)

    def word_counts(self, texts: list[str]) -> csr_matrix:
        """Return the sentences' counts of the known word features (one row per text)."""
        from scipy import sparse

        feats = [self._word_analyze(t) for t in texts]
        lengths = np.fromiter((len(f) for f in feats), dtype=np.int64, count=len(feats))
        flat = [x for f in feats for x in f]
        ids = self.word_index.get_indexer(flat) if flat else np.zeros(0, dtype=np.int64)
        rows = np.repeat(np.arange(len(texts)), lengths)
        known = ids >= 0
        m = sparse.csr_matrix(
            (np.ones(int(known.sum())), (rows[known], ids[known])), shape=(len(texts), self.n_word_terms)
        )
        m.sum_duplicates()
        return m

    def gram_counts(self, texts: list[str]) -> csr_matrix:
        """Return the sentences' counts of the known character n-grams (as :class:`BlockVectors` counts).

        Each distinct word's n-grams are looked up once (and kept for later calls); the counts
        are then one product of a text-by-word and a word-by-n-gram matrix (exact integers).
        """
        from scipy import sparse

        words = [t.lower().split() for t in texts]
        lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
        flat = np.asarray([w for ws in words for w in ws], dtype=object)
        codes, uniques = pd.factorize(flat) if len(flat) else (np.zeros(0, dtype=np.int64), [])
        todo = [w for w in uniques if w not in self._grams]
        if todo:
            grams = [char_wb_ngrams(w) for w in todo]
            ids = self.gram_index.get_indexer([g for gs in grams for g in gs])
            ends = np.cumsum([len(g) for g in grams])
            for w, part in zip(todo, np.split(ids, ends[:-1]), strict=True):
                self._grams[w] = part[part >= 0]
        per_word = [self._grams[w] for w in uniques]
        glen = np.fromiter((len(g) for g in per_word), dtype=np.int64, count=len(per_word))
        word_gram = sparse.csr_matrix(
            (
                np.ones(int(glen.sum())),
                (np.repeat(np.arange(len(per_word)), glen), np.concatenate(per_word) if per_word else []),
            ),
            shape=(len(per_word), len(self.gram_index)),
        )
        text_word = sparse.csr_matrix(
            (np.ones(len(codes)), (np.repeat(np.arange(len(texts)), lengths), codes)),
            shape=(len(texts), len(per_word)),
        )
        m = (text_word @ word_gram).tocsr()
        m.sum_duplicates()
        m.sort_indices()
        return m

    def word_view(self, counts: csr_matrix) -> csr_matrix:
        """Return the unit-norm word TF-IDF rows of word ``counts`` (the candidates' cosine)."""
        return sublinear_tfidf(counts, self.word_idf)

    def vectors(self, counts: csr_matrix, texts: list[str]) -> csr_matrix:
        """Return the unit-norm sentence vectors of ``texts`` (``counts``: their :meth:`word_counts`)."""
        w = self.word_view(counts)
        w.data *= np.sqrt(self.word_weight)
        g = sublinear_tfidf(self.gram_counts(texts), self.gram_idf)
        g.data *= np.sqrt(1.0 - self.word_weight)
        return l2_rows(_hstack_rows(w, g))
