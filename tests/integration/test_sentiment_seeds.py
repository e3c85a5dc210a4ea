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


OPPOSITE = [
    ("Putin praised the deal while Zelenskyy condemned the strikes.", "Putin", "Zelenskyy"),
    ("Chancellor Scholz welcomed the agreement, but Viktor Orbán denounced it as a betrayal.",
     "Scholz", "Viktor Orbán"),
    ("The UN commended Norway for its humanitarian aid and condemned Myanmar for the killings.",
     "Norway", "Myanmar"),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "better", "worse"), OPPOSITE)
def test_two_actors_of_opposite_sentiment_in_one_sentence(sentence, better, worse):
    model_better = analysis.target_sentiment(sentence, better)
    model_worse = analysis.target_sentiment(sentence, worse)
    assert model_better.sentiment > model_worse.sentiment + 0.3
    assert model_worse.label == "negative"
    assert model_better.p_positive > model_worse.p_positive
    vader_better = analysis.target_sentiment(sentence, better, method="vader")
    vader_worse = analysis.target_sentiment(sentence, worse, method="vader")
    assert vader_better.sentiment > 0.05 > -0.05 > vader_worse.sentiment
    assert (vader_better.label, vader_worse.label) == ("positive", "negative")


def test_reported_speech_is_about_the_one_spoken_of():
    said = analysis.target_sentiment("Smith said Jones was a liar.", "Jones")
    speaker = analysis.target_sentiment("Smith said Jones was a liar.", "Smith")
    assert said.label == "negative" and speaker.sentiment > said.sentiment


def test_unknown_target_gives_an_empty_record():
    record = analysis.target_sentiment(OPPOSITE[0][0], "Macron")
    assert record.label == "" and math.isnan(record.sentiment)


def test_targets_in_a_seed_passage(seed_articles):
    text = seed_articles.set_index("article_id").loc[seed_id("004"), "text"]
    trump = analysis.target_sentiment(text, "Donald Trump")  # "expressed optimism"
    rubio = analysis.target_sentiment(text, "Rubio")  # "warned of a potential withdrawal"
    assert trump.sentiment > rubio.sentiment
    assert analysis.target_sentiment(text, "Donald Trump", method="vader").sentiment > 0.05
    assert analysis.target_sentiment(text, "Rubio", method="vader").sentiment < -0.05
    assert analysis.target_sentiment(text, "Emmanuel Macron").label == ""  # not in 004's body


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
    for method in ("model", "vader"):
        scored = analysis.entity_sentiment(
            articles, mentions, level="mention", method=method, annotations=ann
        )
        for row in scored.itertuples():
            text = sentences[0] if row.article_id == "x" else sentences[1]
            record = analysis.target_sentiment(text, row.text, method=method)
            assert row.sentiment == pytest.approx(record.sentiment) and row.label == record.label
        score = dict(zip(scored["text"], scored["sentiment"], strict=True))
        assert score["Scholz"] > score["Viktor Orbán"]
        assert score["Norway"] > score["Myanmar"]


def _seed_mentions(ann) -> pd.DataFrame:
    ents = ann.entities[ann.entities["label"].isin(["PERSON", "ORG", "GPE", "NORP"])]
    return ents.assign(canonical=ents["text"].str.replace(r"[’']s$", "", regex=True))


def test_entity_sentiment_on_the_seeds(seed_articles, seed_annotations):
    mentions = _seed_mentions(seed_annotations)
    table = analysis.entity_sentiment(seed_articles, mentions, annotations=seed_annotations)
    assert tuple(table.columns) == S.ENTITY_SENTIMENT_COLUMNS
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


def test_targeted_methods_clearly_beat_sentence_vader_on_the_own_set(labels):
    result = S.evaluate_target_sentiment(labels, n_boot=50)
    macro = result[result["metric"] == "macro_f1"].set_index("method")["value"]
    assert macro["clause_vader"] >= macro["sentence_vader"] + 0.1
    # the model follows NewsMTSC's reader convention, not this set's clause convention: a smaller margin
    assert macro["model"] >= macro["sentence_vader"] + 0.05
    assert macro["model"] >= 0.7


def test_opposite_polarity_pairs_are_separated_more_often_than_not(labels):
    two = labels.groupby("sentence").filter(lambda g: {"negative", "positive"} <= set(g["label"]))
    scores = [
        analysis.target_sentiment(s, t).sentiment for s, t in zip(two["sentence"], two["target"], strict=True)
    ]
    two = two.assign(sentiment=scores)
    correct = 0
    for _, group in two.groupby("sentence"):
        pos = group.loc[group["label"] == "positive", "sentiment"].mean()
        neg = group.loc[group["label"] == "negative", "sentiment"].mean()
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
    record = analysis.target_sentiment(f"{before} {target} {after}", target)
    assert math.isnan(record.sentiment) or -1.0 <= record.sentiment <= 1.0
    if record.label:
        assert record.p_negative + record.p_neutral + record.p_positive == pytest.approx(1.0)
    assert math.isnan(analysis.target_sentiment(before.replace(target, ""), target + "zzq").sentiment)


UNSEEN = [  # invented; the judging words are absent from the model's sparse vocabulary (asserted below)
    ("The panel extolled Johnson for his integrity.", "positive", ("extol",)),
    ("The panel vilified Johnson for his duplicity.", "negative", ("vilify", "duplicity")),
    ("Critics lambasted Johnson as a charlatan.", "negative", ("lambaste", "charlatan")),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "label", "words"), UNSEEN)
def test_words_the_training_never_saw_are_judged_by_their_meaning(sentence, label, words):
    vocabulary = S.shipped_model().index
    assert not [w for w in words if any(w in name for name in vocabulary)]
    record = analysis.target_sentiment(sentence, "Johnson")
    assert record.label == label
    assert (record.sentiment > 0.3) if label == "positive" else (record.sentiment < -0.3)


def test_a_plain_schedule_sentence_is_neutral_and_probabilities_sum_to_one():
    record = analysis.target_sentiment("Johnson will visit Ohio on Tuesday.", "Johnson")
    assert record.label == "neutral"
    assert math.isclose(record.p_negative + record.p_neutral + record.p_positive, 1.0, rel_tol=1e-9)
