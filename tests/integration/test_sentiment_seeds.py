"""Sentiment and readability on the seed corpus and the hand-labelled targeted set (needs spaCy)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pandas as pd
import pytest
from conftest import seed_id
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analysis
from analysis.measures import sentiment as S

pytestmark = pytest.mark.integration

LABELS = Path(__file__).resolve().parents[1] / "data" / "target_sentiment_labels.csv"


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("sentiment-cache")


@pytest.fixture(scope="module")
def article_table(seed_articles, seed_annotations, cache_dir):
    return analysis.sentiment(seed_articles, annotations=seed_annotations, cache_dir=cache_dir)


@pytest.fixture(scope="module")
def labels():
    return pd.read_csv(LABELS)


# --------------------------------------------------------------------------- sentence and article level


def test_one_article_row_per_ok_seed_with_the_mean_inside_its_interval(seed_articles, article_table):
    ok = sorted(seed_articles.loc[seed_articles["status"] == "ok", "article_id"])
    assert article_table["article_id"].tolist() == ok
    assert (article_table["compound_low"] <= article_table["compound"]).all()
    assert (article_table["compound"] <= article_table["compound_high"]).all()
    assert (article_table["compound_low"] < article_table["compound_high"]).all()
    assert article_table[["compound", "compound_low", "compound_high"]].abs().le(1).all().all()


def test_sentence_table_covers_every_sentence_and_the_article_table_aggregates_it(
    seed_articles, seed_annotations, article_table, cache_dir
):
    sentences = analysis.sentiment(
        seed_articles, level="sentence", annotations=seed_annotations, cache_dir=cache_dir
    )
    assert len(sentences) == len(seed_annotations.sentences)
    body = sentences[(sentences["field"] == "text") & (sentences["n_words"] > 0)]
    counts = body.groupby("article_id").size()
    assert article_table.set_index("article_id")["n_sentences"].to_dict() == counts.to_dict()
    # the sentence labels match the compound thresholds
    assert (sentences.loc[sentences["label"] == "negative", "compound"] <= -0.05).all()
    assert (sentences.loc[sentences["label"] == "positive", "compound"] >= 0.05).all()


def test_second_run_reads_the_cache_and_is_identical(
    seed_articles, seed_annotations, article_table, cache_dir
):
    entries = sorted(Path(cache_dir).glob("sentiment/*/*.parquet"))
    assert len(entries) == 1  # the five seeds fit in one cached block
    again = analysis.sentiment(seed_articles, annotations=seed_annotations, cache_dir=cache_dir)
    pd.testing.assert_frame_equal(article_table, again)
    assert sorted(Path(cache_dir).glob("sentiment/*/*.parquet")) == entries


# --------------------------------------------------------------------------- targeted sentiment


def test_the_two_target_sentence_scores_opposite_signs():
    sentence = "Putin praised the deal while Zelenskyy condemned the strikes."
    assert analysis.target_sentiment(sentence, "Putin") > 0.05
    assert analysis.target_sentiment(sentence, "Zelenskyy") < -0.05
    assert math.isnan(analysis.target_sentiment(sentence, "Macron"))


def test_targets_in_a_seed_passage(seed_articles):
    text = seed_articles.set_index("article_id").loc[seed_id("004"), "text"]
    assert analysis.target_sentiment(text, "Donald Trump") > 0.05  # "expressed optimism"
    assert analysis.target_sentiment(text, "Rubio") < -0.05  # "warned of a potential withdrawal"
    assert math.isnan(analysis.target_sentiment(text, "Emmanuel Macron"))  # not in 004's body


def test_entity_sentiment_uses_the_same_core_as_target_sentiment(tmp_path):
    sentences = [
        "Chancellor Scholz welcomed the agreement, but Viktor Orbán denounced it as a betrayal.",
        "The UN commended Norway for its humanitarian aid and condemned Myanmar for the killings.",
    ]
    articles = pd.DataFrame({"article_id": ["x", "y"], "title": ["", ""], "text": sentences, "status": "ok"})
    ann = analysis.annotate(articles, cache_dir=tmp_path)
    cases = [
        ("x", sentences[0], "Scholz"),
        ("x", sentences[0], "Viktor Orbán"),
        ("y", sentences[1], "Norway"),
        ("y", sentences[1], "Myanmar"),
    ]
    rows = []
    for article_id, text, surface in cases:
        start = text.index(surface)
        rows.append(
            {
                "article_id": article_id,
                "field": "text",
                "start_char": start,
                "end_char": start + len(surface),
                "text": surface,
                "canonical": surface,
            }
        )
    mentions = pd.DataFrame(rows)
    scored = analysis.entity_sentiment(articles, mentions, level="mention", annotations=ann)
    for row in scored.itertuples():
        text = sentences[0] if row.article_id == "x" else sentences[1]
        assert row.sentiment == pytest.approx(analysis.target_sentiment(text, row.text))
    score = dict(zip(scored["text"], scored["sentiment"], strict=True))
    assert score["Scholz"] > 0 > score["Viktor Orbán"]
    assert score["Norway"] > 0 > score["Myanmar"]


def _seed_mentions(ann) -> pd.DataFrame:
    ents = ann.entities[ann.entities["label"].isin(["PERSON", "ORG", "GPE", "NORP"])]
    return ents.assign(canonical=ents["text"].str.replace(r"[’']s$", "", regex=True))


def test_entity_sentiment_on_the_seeds(seed_articles, seed_annotations):
    mentions = _seed_mentions(seed_annotations)
    table = analysis.entity_sentiment(seed_articles, mentions, annotations=seed_annotations)
    assert list(table.columns) == S.ENTITY_COLUMNS
    assert table["n_mentions"].sum() == len(mentions)
    assert not table.duplicated(["article_id", "canonical"]).any()
    assert table["n_scored"].eq(table["n_mentions"]).all()  # every NER span is in the token table
    scored = table.dropna(subset=["sentiment"])
    single = scored["n_scored"] < 2  # one mention: no interval
    assert scored.loc[single, ["sentiment_low", "sentiment_high"]].isna().all().all()
    multi = scored[~single]
    assert (multi["sentiment_low"] <= multi["sentiment"]).all()
    assert (multi["sentiment"] <= multi["sentiment_high"]).all()
    assert set(table["article_id"]) <= set(seed_articles["article_id"])
    by_outlet = analysis.entity_sentiment(
        seed_articles, mentions, level="corpus", by="outlet", annotations=seed_annotations
    )
    assert by_outlet["n_mentions"].sum() == len(mentions)


@pytest.mark.skipif(
    importlib.util.find_spec("analysis.measures.entities") is None, reason="entity_mentions not merged yet"
)
def test_entity_sentiment_accepts_entity_mentions_output(seed_articles, seed_annotations):
    mentions = analysis.entity_mentions(seed_articles)
    table = analysis.entity_sentiment(seed_articles, mentions, annotations=seed_annotations)
    assert table["n_mentions"].sum() == len(mentions[mentions["article_id"].isin(table["article_id"])])


# --------------------------------------------------------------------------- hand-labelled set


def test_label_set_is_large_enough_and_well_formed(labels):
    assert len(labels) >= 60
    assert set(labels["label"]) == {"negative", "neutral", "positive"}
    assert set(labels["split"]) == {"dev", "test"}
    assert all(t in s for s, t in zip(labels["sentence"], labels["target"], strict=True))
    polarities = labels.groupby("sentence")["label"].agg(set)
    assert (polarities.map(lambda x: {"negative", "positive"} <= x)).sum() >= 20
    assert (labels["source"] != "written").sum() >= 20  # sentences from the seeds


def test_targeted_sentiment_clearly_beats_sentence_vader(labels):
    result = S.evaluate_target_sentiment(labels).set_index(["split", "method"])["macro_f1"]
    for split in ("all", "test"):
        assert result[(split, "target_sentiment")] >= result[(split, "sentence_vader")] + 0.1, split
    assert result[("all", "target_sentiment")] >= 0.7


def test_opposite_polarity_pairs_are_separated_more_often_than_not(labels):
    two = labels.groupby("sentence").filter(lambda g: {"negative", "positive"} <= set(g["label"]))
    scores = [analysis.target_sentiment(s, t) for s, t in zip(two["sentence"], two["target"], strict=True)]
    two = two.assign(score=scores)
    correct = 0
    for _, group in two.groupby("sentence"):
        pos = group.loc[group["label"] == "positive", "score"].mean()
        neg = group.loc[group["label"] == "negative", "score"].mean()
        correct += pos > neg
    assert correct / two["sentence"].nunique() >= 0.75  # sentence VADER gives every pair a tie


# --------------------------------------------------------------------------- readability


def test_readability_on_the_seeds(seed_articles):
    table = analysis.readability(seed_articles)
    ok = sorted(seed_articles.loc[seed_articles["status"] == "ok", "article_id"])
    clean = table[table["version"] == "clean"].set_index("article_id")
    raw = table[table["version"] == "raw"].set_index("article_id")
    assert sorted(clean.index) == ok and sorted(raw.index) == ok
    assert (raw.loc[ok, "n_words"] >= clean.loc[ok, "n_words"]).all()  # cleaning only removes text
    assert not clean["reliable_smog"].any()  # no seed body has 30 sentences
    assert clean["reliable_flesch_reading_ease"].all()  # every seed body has 100+ words
    assert clean["flesch_kincaid_grade"].between(5, 25).all()  # news prose, not noise


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=120),
    st.sampled_from(["Putin", "the Élysée", "Zelenskyy’s", "EU"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60),
)
def test_target_sentiment_on_messy_text_is_bounded_or_nan(before, target, after):
    value = analysis.target_sentiment(f"{before} {target} {after}", target)
    assert math.isnan(value) or -1.0 <= value <= 1.0
    assert math.isnan(analysis.target_sentiment(before.replace(target, ""), target + "zzq"))
