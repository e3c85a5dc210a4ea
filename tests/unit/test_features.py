"""The scikit-learn-free text features used by the incremental updates give scikit-learn's."""

import numpy as np
import pytest
from scipy import sparse

from analysis import config
from analysis.framing._features import char_wb_ngrams, l2_rows, sublinear_tfidf, word_analyzer

sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")


def _texts() -> list[str]:
    texts = []
    for path in sorted(config.SEEDS_DIR.glob("*.txt"))[:6]:
        texts.extend(path.read_text(encoding="utf-8").split("\n"))
    texts += ["", "a b", "Ünïcode café’s d'Ivoire 2024 x_y", "the the THE", "  spaced\t\tout  words "]
    return texts


@pytest.mark.parametrize("pattern", [r"(?u)\b\w\w+\b", r"(?u)\b[^\W\d_][^\W\d_'’]+\b"])
def test_word_analyzer_gives_sklearns_features(pattern):
    vec = sklearn_text.TfidfVectorizer(
        lowercase=True, stop_words="english", ngram_range=(1, 2), token_pattern=pattern
    )
    ours = word_analyzer(pattern, sklearn_text.ENGLISH_STOP_WORDS)
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
