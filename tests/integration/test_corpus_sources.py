"""Corpus-level source typing: a person the article names bare takes the type other articles give them."""

from __future__ import annotations

import pandas as pd
import pytest

pytestmark = pytest.mark.integration

TEXTS = {
    "mayor1": "Jane Roe, the mayor of Springfield, said on Monday that the city budget was balanced. "
    "“We kept every promise,” Roe said.",
    "mayor2": "Springfield Mayor Jane Roe said that the new bridge would open in May.",
    "bare": "“We will rebuild the old bridge before winter,” Roe said on Monday.",
    "expert": "Jane Roe, a professor of history at Northbridge University, said that the bridge was a "
    "landmark of the city.",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    import analysis

    arts = pd.DataFrame(
        {
            "article_id": list(TEXTS),
            "outlet": ["A", "B", "A", "B"],
            "title": [""] * 4,
            "text": list(TEXTS.values()),
        }
    )
    ann = analysis.annotate(arts, cache_dir=tmp_path_factory.mktemp("cache"))
    q = analysis.quotes(arts, annotations=ann)
    return arts, q, analysis.sources(arts, q)


def rows(q: pd.DataFrame, article: str) -> pd.DataFrame:
    return q[q["article_id"] == article]


def test_articles_describing_a_person_type_her_in_the_sources_table(corpus):
    _, q, table = corpus
    assert set(rows(q, "mayor1")["type_evidence"]) == {"role"}
    roe = table[table["speaker_canonical"] == "Jane Roe"].iloc[0]
    assert roe["source_type"] == "government"
    assert roe["n_described"] == 3 and roe["evidence"].startswith("government 2")
    assert roe["speaker_gender"] == "unknown" or roe["speaker_gender"] == "female"


def test_a_bare_surname_takes_the_corpus_type(corpus):
    import analysis

    _, q, table = corpus
    bare = rows(q, "bare")
    assert len(bare) == 1 and bare["type_evidence"].iloc[0] != "role"
    assert bare["source_type"].iloc[0] != "government"  # the article alone cannot tell
    filled = rows(analysis.corpus_typed(q, table), "bare").iloc[0]
    assert filled["source_type"] == "government"
    assert filled["type_evidence"] == "corpus"
    assert bool(filled["speaker_is_person"])


def test_an_articles_own_role_wins_over_the_corpus(corpus):
    import analysis

    _, q, table = corpus
    own = rows(analysis.corpus_typed(q, table), "expert").iloc[0]
    assert own["source_type"] == "expert" and own["type_evidence"] == "role"


def test_source_balance_counts_the_corpus_type(corpus):
    import analysis

    arts, q, table = corpus
    with_corpus = analysis.source_balance(arts, q, n_boot=0)  # the sources of the quotes given
    assert with_corpus.equals(analysis.source_balance(arts, q, sources=table, n_boot=0))
    alone = analysis.source_balance(arts, q, sources=pd.DataFrame(), n_boot=0)

    def government(t: pd.DataFrame) -> int:
        t = t[(t["outlet"] == "A") & (t["source_by"] == "source_type") & (t["source"] == "government")]
        return int(t["n_quotes"].sum())

    assert government(with_corpus) == government(alone) + 1


def test_one_description_is_not_enough():
    import analysis

    q = pd.DataFrame(
        {
            "article_id": ["a", "b"], "speaker_canonical": ["Jane Roe", "Roe"], "method": ["subject"] * 2,
            "source_type": ["government", "other"], "type_evidence": ["role", "weak"],
            "speaker_affiliation": ["Springfield", "unknown"], "speaker_gender": ["female", "unknown"],
            "speaker_is_person": [True, True],
        }
    )  # fmt: skip
    out = analysis.corpus_typed(q, analysis.sources(pd.DataFrame({"article_id": ["a", "b"]}), q))
    assert out["source_type"].tolist() == ["government", "other"]
    assert out["speaker_gender"].tolist() == ["female", "female"]  # gender needs one article's evidence
