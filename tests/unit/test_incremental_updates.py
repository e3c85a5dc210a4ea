"""update_stories, update_claims: a build's tables when nothing is new; None when the rule fires."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import config
from analysis.framing.claims.grouping import build_claims, claims, update_claims
from analysis.framing.stories import build_stories, stories, update_stories


@pytest.fixture(scope="module")
def corpus():
    from bench.corpus import generate

    return generate(90, min_words=60, max_words=110).assign(status="ok")


def _sentences(arts: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for aid, text in zip(arts["article_id"], arts["text"], strict=True):
        for i, m in enumerate(re.finditer(r"[^.!?\n]+[.!?]?", text)):
            if m.group().strip():
                rows.append([aid, "text", i, m.start(), m.end(), m.group().strip()])
    columns = ["article_id", "field", "sentence_id", "start_char", "end_char", "text"]
    return pd.DataFrame(rows, columns=columns)


NO_HEDGES = pd.DataFrame({"article_id": [], "field": [], "sentence_id": pd.Series([], dtype="int64")})


@pytest.mark.parametrize("with_events", [True, False])
def test_an_update_without_new_articles_gives_the_built_stories(corpus, with_events):
    arts = corpus if with_events else corpus.drop(columns=["event"])
    table, index = build_stories(arts)
    pd.testing.assert_frame_equal(table, stories(arts))
    again, same = update_stories(index, arts)
    pd.testing.assert_frame_equal(again, table)
    assert same.mode == "update" and same.computed == 0


def test_an_update_vectorises_only_new_articles_and_keeps_old_stories(corpus):
    arts = corpus.drop(columns=["event"])
    base = arts.iloc[:85]
    table, index = build_stories(base)
    got, updated = update_stories(index, arts.iloc[:88])
    assert updated.computed == 3 and updated.n_added == 3 and len(got) == 88
    old = table.dropna(subset=["story"]).set_index("article_id")["story"]
    now = got.set_index("article_id")["story"]
    new_ids = set(arts["article_id"].iloc[85:88])
    for aid, story in old.items():  # an old article changes story only when a new article joined its group
        mates = set(now.index[now == now[aid]]) if pd.notna(now[aid]) else {aid}
        assert now[aid] == story or mates & new_ids, aid


def test_the_rebuild_rule_fires_for_a_changed_article_or_too_many_new(corpus):
    arts = corpus.drop(columns=["event"])
    _, index = build_stories(arts.iloc[:60])
    edited = arts.iloc[:61].copy()
    edited.loc[5, "text"] = edited.loc[5, "text"] + " One more sentence."
    assert update_stories(index, edited) is None
    assert update_stories(index, arts.iloc[1:61]) is None  # an indexed article is gone
    many = 60 + int(config.INCREMENTAL_REBUILD_SHARE * 60) + 1
    assert update_stories(index, arts.iloc[:many]) is None
    assert update_stories(index, arts.iloc[: many - 1]) is not None


def test_an_update_without_new_sentences_gives_the_built_claims(corpus):
    sents, st = _sentences(corpus), stories(corpus)
    table, index = build_claims(corpus, sents, NO_HEDGES, st)
    pd.testing.assert_frame_equal(table, claims(corpus, sents, NO_HEDGES, st))
    assert len(table) > 0
    again, same = update_claims(index, corpus, sents, NO_HEDGES, st)
    pd.testing.assert_frame_equal(again, table)
    assert same.computed == 0


def test_a_claims_update_scores_only_new_sentences(corpus):
    base = corpus.iloc[:86]
    _, index = build_claims(base, _sentences(base), NO_HEDGES, stories(base))
    grown = corpus.iloc[:88]
    sents = _sentences(grown)
    got, updated = update_claims(index, grown, sents, NO_HEDGES, stories(grown))
    new_rows = got["article_id"].isin(grown["article_id"].iloc[86:])
    assert new_rows.sum() > 0 and updated.computed == new_rows.sum()
    assert set(got["article_id"]) <= set(grown["article_id"])
    assert len(got) == len(claims(grown, sents, NO_HEDGES, stories(grown)))


def test_a_claims_index_of_a_bigger_corpus_is_not_used_for_a_subset(corpus):
    """A+B built, then A alone: A's claims are A's own build, whatever index the cache holds."""
    whole = corpus.iloc[:88]
    _, index = build_claims(whole, _sentences(whole), NO_HEDGES, stories(whole))
    for part in (corpus.iloc[:86], corpus.iloc[2:88]):  # the last or the first articles removed
        sents, st = _sentences(part), stories(part)
        assert set(claims(whole, _sentences(whole), NO_HEDGES, stories(whole))["article_id"]) - set(
            part["article_id"]
        )  # the removed articles had claim sentences
        assert update_claims(index, part, sents, NO_HEDGES, st) is None


def test_a_claims_update_keeps_an_article_that_left_the_comparable_stories(corpus):
    sents, st = _sentences(corpus), stories(corpus)
    _, index = build_claims(corpus, sents, NO_HEDGES, st)
    gone = st.loc[st["comparable"], "article_id"].iloc[0]
    fewer = st.assign(comparable=st["comparable"] & (st["article_id"] != gone))
    got = update_claims(index, corpus, sents, NO_HEDGES, fewer)  # unchanged articles, one left its story
    assert got is not None and gone not in set(got[0]["article_id"]) and got[1].n_added > 0
    edited = sents.copy()
    row = edited.index[edited["article_id"] == gone][0]
    edited.loc[row, "text"] = "An entirely different sentence stands here now in its place today."
    assert update_claims(index, corpus, edited, NO_HEDGES, fewer) is None  # changed, not just left
