"""The scikit-learn-free text features and TF-IDF of stories and claims give scikit-learn's, bit for bit."""

import numpy as np
import pytest
from scipy import sparse

from analysis import config
from analysis.framing._features import (
    char_wb_ngrams,
    english_stop_words,
    fit_counts,
    fit_idf,
    l2_rows,
    sublinear_tfidf,
    tfidf_in_place,
    word_analyzer,
)

sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")


def _texts() -> list[str]:
    texts = []
    for path in sorted(config.SEEDS_DIR.glob("*.txt"))[:6]:
        texts.extend(path.read_text(encoding="utf-8").split("\n"))
    texts += ["", "a b", "Ünïcode café’s d'Ivoire 2024 x_y", "the the THE", "  spaced\t\tout  words "]
    return texts


@pytest.mark.parametrize("ngrams", [(1, 2), (1, 3), (2, 3)])
@pytest.mark.parametrize("pattern", [r"(?u)\b\w\w+\b", r"(?u)\b[^\W\d_][^\W\d_'’]+\b"])
def test_word_analyzer_gives_sklearns_features(pattern, ngrams):
    vec = sklearn_text.TfidfVectorizer(
        lowercase=True, stop_words="english", ngram_range=ngrams, token_pattern=pattern
    )
    ours = word_analyzer(pattern, sklearn_text.ENGLISH_STOP_WORDS, ngrams)
    theirs = vec.build_analyzer()
    texts = _texts()
    assert len(texts) > 20
    for text in texts:
        assert ours(text) == theirs(text)


def test_char_wb_ngrams_give_sklearns():
    vec = sklearn_text.TfidfVectorizer(lowercase=True, analyzer="char_wb", ngram_range=(3, 5))
    for text in _texts():
        words = text.lower().split()
        assert [g for w in words for g in char_wb_ngrams(w)] == vec._char_wb_ngrams(text.lower())


def test_sublinear_tfidf_equals_the_transformer():
    rng = np.random.default_rng(0)
    counts = sparse.random(30, 40, density=0.2, random_state=1, format="csr")
    counts.data = rng.integers(1, 5, size=counts.nnz).astype(float)
    counts = counts.tolil()
    counts[3] = 0  # an empty row stays empty
    counts = counts.tocsr()
    counts.eliminate_zeros()
    tf = sklearn_text.TfidfTransformer(sublinear_tf=True).fit(counts)
    got = sublinear_tfidf(counts, tf.idf_)
    np.testing.assert_allclose(got.toarray(), tf.transform(counts).toarray(), rtol=1e-12, atol=1e-15)
    norms = np.sqrt(np.asarray(l2_rows(got.copy()).multiply(got).sum(axis=1))).ravel()
    assert norms[3] == 0.0 and np.allclose(np.delete(norms, 3), 1.0)


def test_english_stop_words_are_sklearns():
    assert english_stop_words() == sklearn_text.ENGLISH_STOP_WORDS
    assert len(english_stop_words()) > 300


def _same_bits(ours, theirs) -> None:
    """Two CSR matrices hold the same entries in the same storage order, bit for bit."""
    assert ours.shape == theirs.shape
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)
    assert np.array_equal(ours.data.view(np.int64), theirs.data.view(np.int64))


@pytest.mark.parametrize("batch", [1, 7, 256])  # texts read at a time: the result must not depend on it
@pytest.mark.parametrize(
    "limits", [{"min_df": 2, "max_df": 0.2}, {"min_df": 1, "max_df": 1.0}, {"min_df": 2, "max_df": 5}]
)
def test_fit_counts_and_tfidf_give_the_vectorizers_matrix_bit_for_bit(limits, batch):
    texts = _texts()
    pattern = r"(?u)\b[^\W\d_][^\W\d_'’]+\b"
    vec = sklearn_text.TfidfVectorizer(
        lowercase=True, stop_words="english", ngram_range=(1, 2), sublinear_tf=True, token_pattern=pattern,
        **limits,
    )  # fmt: skip
    theirs = sparse.csr_matrix(vec.fit_transform(texts))
    analyse = word_analyzer(pattern, english_stop_words())
    counts, terms = fit_counts((analyse(t) for t in texts), batch=batch, **limits)
    assert list(terms) == list(vec.get_feature_names_out())
    idf = fit_idf(counts)
    assert np.array_equal(idf.view(np.int64), vec.idf_.view(np.int64))
    ours = tfidf_in_place(counts, idf)
    _same_bits(ours, theirs)  # rows stored in the terms' order of first use, as scikit-learn leaves them


def test_fit_counts_refuses_what_the_vectorizer_refuses():
    with pytest.raises(ValueError, match="empty vocabulary"):
        fit_counts([[], []])
    with pytest.raises(ValueError, match="no terms remain"):
        fit_counts([["a"], ["b"]], min_df=2)
    with pytest.raises(ValueError, match="max_df"):
        fit_counts([["a"], ["a"], ["b"]], min_df=3, max_df=0.5)


def test_l2_rows_are_sklearns_normalize_bit_for_bit():
    from sklearn.preprocessing import normalize

    rng = np.random.default_rng(3)
    x = sparse.random(50, 80, density=0.3, random_state=4, format="csr")
    x.data = rng.random(x.nnz) * 7
    x.indices = x.indices.copy()
    for row in range(0, 50, 3):  # rows stored out of column order sum in storage order
        lo, hi = x.indptr[row], x.indptr[row + 1]
        x.indices[lo:hi] = x.indices[lo:hi][::-1]
        x.data[lo:hi] = x.data[lo:hi][::-1]
    x.has_sorted_indices = False
    _same_bits(l2_rows(x.copy()), normalize(x))


def test_stories_and_claims_build_and_update_without_importing_sklearn(tmp_path):
    """The forked process that computes stories and claims ahead never pays scikit-learn's import."""
    import subprocess
    import sys
    import textwrap

    from bench.corpus import generate  # it finds its prose through scikit-learn: not in the child

    generate(40, min_words=60, max_words=110).assign(status="ok").to_pickle(tmp_path / "arts.pkl")
    code = textwrap.dedent(
        f"""
        import re, sys
        import pandas as pd
        from analysis.framing.stories import build_stories, update_stories
        from analysis.framing.claims.grouping import build_claims, update_claims

        arts = pd.read_pickle({str(tmp_path / "arts.pkl")!r})
        found = [(a, re.finditer(r"[^.]+[.]?", t)) for a, t in zip(arts["article_id"], arts["text"])]
        rows = [[a, "text", i, m.start(), m.end(), m.group()] for a, ms in found for i, m in enumerate(ms)]
        columns = ["article_id", "field", "sentence_id", "start_char", "end_char", "text"]
        sents = pd.DataFrame(rows, columns=columns)
        hedges = pd.DataFrame({{"article_id": [], "field": [], "sentence_id": pd.Series([], dtype="int64")}})
        for table in (arts.drop(columns=["event"]),):  # stories clustered by content
            st, index = build_stories(table.iloc[:38])
            grown = update_stories(index, table)[0]
            got, claims_index = build_claims(table.iloc[:38], sents, hedges, st)
            assert len(got) and update_claims(claims_index, table, sents, hedges, grown) is not None
        print(sorted(m for m in sys.modules if m.split(".")[0] == "sklearn" or m.startswith("scipy.stats")))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
