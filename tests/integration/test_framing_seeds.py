"""Framing analytics on the seed corpus (spaCy): keyness, frames, claims/omissions, salience, coding."""

import numpy as np
import pandas as pd
import pytest
from conftest import seed_id

from analysis import config
from analysis.framing.claims import THRESHOLD, ClaimOptions, claim_matrix, claims, omissions, similarity
from analysis.framing.coding import agreement, coding_sample
from analysis.framing.frames import frame_evidence, frame_summary, frames, resolve_codebook
from analysis.framing.keyness import keyness, top_terms
from analysis.framing.salience import salience
from analysis.framing.stories import stories

pytestmark = pytest.mark.integration

#: The seeds' own codebook (seeds/codebook.yaml: the general frames plus the seeds' story frames).
SEED_BOOK = resolve_codebook(config.SEEDS_DIR)


@pytest.fixture(scope="module")
def seed_claims(seed_articles, seed_annotations):
    return claims(seed_articles, annotations=seed_annotations)


@pytest.fixture(scope="module")
def every_event(seed_articles):
    """A stories table that makes every seed event comparable: one block per event."""
    table = stories(seed_articles)
    return table.assign(story=table["story"].fillna(table["article_id"]), comparable=True)


@pytest.fixture(scope="module")
def seed_claims_every_event(seed_articles, seed_annotations, every_event):
    return claims(seed_articles, stories=every_event, annotations=seed_annotations)


def sentence_row(table, prefix, pattern):
    rows = table[
        (table["article_id"] == seed_id(prefix)) & table["sentence"].str.contains(pattern, regex=True)
    ]
    assert len(rows), f"no sentence of {prefix} matches {pattern!r}"
    return rows.iloc[0]


# --------------------------------------------------------------------------- keyness


@pytest.mark.parametrize("unit", ["lemma", "noun_phrase"])
def test_keyness_gives_top_terms_for_every_outlet(seed_articles, seed_annotations, unit):
    table = keyness(seed_articles, unit=unit, annotations=seed_annotations)
    top = top_terms(table, n=5)
    ok = seed_articles[seed_articles["status"] == "ok"]
    assert set(top["outlet"]) == set(ok["outlet"])
    assert (top.groupby("outlet").size() == 5).all()
    for _, g in table.groupby("outlet"):
        assert g["z"].is_monotonic_decreasing
    text = ok.set_index("article_id")
    for _, row in top.iterrows():  # the evidence sentence is in the outlet's article and holds the term
        assert text.loc[row["article_id"], "outlet"] == row["outlet"]
        assert (
            text.loc[row["article_id"], row["field"]][row["start_char"] : row["end_char"]] == row["sentence"]
        )


def test_keyness_nato_is_distinctive_of_the_2022_article(seed_articles, seed_annotations):
    table = keyness(seed_articles, annotations=seed_annotations, entities=True)  # NATO is a name
    outlet = seed_articles.set_index("article_id").loc[seed_id("003"), "outlet"]
    top = top_terms(table, n=5)
    assert "nato" in set(top[top["outlet"] == outlet]["term"])
    row = table[(table["outlet"] == outlet) & (table["term"] == "nato")].iloc[0]
    assert row["z"] > 0 and row["count"] > row["count_rest"]


# --------------------------------------------------------------------------- frames


def test_frame_evidence_sentences_contain_the_indicator(seed_articles, seed_annotations):
    ev = frame_evidence(seed_articles, annotations=seed_annotations, codebook=SEED_BOOK)
    assert len(ev) > 50
    for _, row in ev.iterrows():
        span = row["sentence"][row["match_start"] - row["start_char"] : row["match_end"] - row["start_char"]]
        assert span == row["match"]
    nato = ev[(ev["article_id"] == seed_id("003")) & (ev["frame"] == "russian_demands_nato")]
    assert nato["sentence"].str.contains("NATO").any()
    cease = ev[(ev["article_id"] == seed_id("004")) & (ev["indicator"] == "ceasefire")]
    assert cease["match"].str.lower().str.contains("ceasefire").any()


def test_frames_table_and_outlet_summary(seed_articles, seed_annotations):
    table = frames(seed_articles, annotations=seed_annotations, codebook=SEED_BOOK)
    ok = seed_articles[seed_articles["status"] == "ok"]
    assert len(table) == len(ok) * table["frame"].nunique()
    assert table["score"].between(0, 1).all()
    by = table.set_index(["article_id", "frame"])
    assert by.loc[(seed_id("002"), "diplomatic_opening"), "score"] > 0  # "Putin open to talks with Macron"
    assert by.loc[(seed_id("002"), "diplomatic_opening"), "field"] == "title"
    assert by.loc[(seed_id("003"), "russian_demands_nato"), "score"] > 0
    assert by.loc[(seed_id("004"), "war_civilian_harm"), "score"] > 0
    summary = frame_summary(table)
    assert (summary["n_articles"] == 1).all()  # one article per outlet in the seeds
    assert (summary["note"] == "single article: no interval").all() and summary["mean_score_low"].isna().all()
    assert set(table["codebook"]) == {"Seed story frames (Russia-France-Ukraine talks)"}


# --------------------------------------------------------------------------- claims and omissions


def test_000_and_002_share_the_putin_open_to_talks_with_macron_claim(seed_articles, seed_claims):
    events = seed_articles.set_index("article_id")["event"]
    assert events[seed_id("000")] == events[seed_id("002")]
    a = sentence_row(seed_claims, "000", r"^Russian President Vladimir Putin.*Macron")
    b = sentence_row(seed_claims, "002", r"^Russian President Vladimir Putin.*Macron")
    assert a["claim_id"] == b["claim_id"]
    assert a["n_outlets"] == 2 and a["best_similarity"] >= THRESHOLD
    matrix = claim_matrix(seed_claims).set_index("claim_id")
    outlets = seed_articles.set_index("article_id")["outlet"]
    assert matrix.loc[a["claim_id"], outlets[seed_id("000")]] >= 1
    assert matrix.loc[a["claim_id"], outlets[seed_id("002")]] >= 1


def test_claims_are_compared_only_within_a_comparable_story(
    seed_articles, seed_claims, seed_claims_every_event
):
    # the seeds' metadata events: only 000 and 002 share one, so only they are compared
    assert set(seed_claims["article_id"]) == {seed_id("000"), seed_id("002")}
    events = seed_articles.set_index("article_id")["event"]
    assert set(seed_claims["story"]) == {events[seed_id("000")]}
    every = seed_claims_every_event
    assert (every.groupby("claim_id")["story"].nunique() == 1).all()
    # 004 (April 2025) also opens with Putin's openness to talks, but with Ukraine:
    # another event, another claim
    a = sentence_row(every, "000", r"^Russian President Vladimir Putin")
    c = sentence_row(every, "004", r"^Russian President Vladimir Putin")
    assert a["claim_id"] != c["claim_id"]


def test_threshold_separates_paraphrase_from_same_topic_different_fact(seed_claims):
    context = seed_claims["sentence"].tolist()
    para = similarity(
        sentence_row(seed_claims, "000", r"^Russian President").sentence,
        sentence_row(seed_claims, "002", r"^Russian President").sentence,
        context=context,
    )
    # same topic (talks with Russia), different facts: keeping channels open vs member states cutting contact
    other = similarity(
        sentence_row(seed_claims, "000", r"open channels of communication").sentence,
        sentence_row(seed_claims, "002", r"cut off direct communication").sentence,
        context=context,
    )
    assert para >= THRESHOLD > other


def test_omissions_find_what_one_outlet_leaves_out(seed_articles, seed_claims):
    om = omissions(seed_articles, seed_claims)
    outlets = seed_articles.set_index("article_id")["outlet"]
    o000, o002 = outlets[seed_id("000")], outlets[seed_id("002")]
    assert set(om["outlet"]) == {o000, o002}  # the only event with two outlets
    loan = om[(om["outlet"] == o000) & om["sentence"].str.contains(r"\$105 billion")]
    assert len(loan) == 1 and loan.iloc[0]["carried_by"] == o002
    assert loan.iloc[0]["article_id"] == seed_id("002")
    shared = sentence_row(seed_claims, "000", r"^Russian President").claim_id
    assert shared not in set(om["claim_id"])  # both carry it: nobody omits it
    arts = seed_articles.set_index("article_id")
    for _, r in om.iterrows():
        assert arts.loc[r["article_id"], r["field"]][r["start_char"] : r["end_char"]] == r["sentence"]


# --------------------------------------------------------------------------- salience


def test_salience_on_seeds(seed_articles, seed_annotations):
    import analysis

    mentions = analysis.entity_mentions(seed_articles, annotations=seed_annotations)
    evidence = frame_evidence(seed_articles, annotations=seed_annotations, codebook=SEED_BOOK)
    table = salience(seed_articles, mentions, frames=evidence)
    # the facade computes the rule hits from the annotations and codebook given
    facade = analysis.salience(seed_articles, mentions, annotations=seed_annotations, codebook=SEED_BOOK)
    pd.testing.assert_frame_equal(facade, table)
    by = table.set_index(["article_id", "item"])
    putin = by.loc[(seed_id("002"), "Vladimir Putin")]
    assert putin["first_position"] == "headline" and putin["share_headline"] > 0
    assert by.loc[(seed_id("002"), "Dmitry Peskov"), "first_position"] == "lead"  # body sentence 2
    assert by.loc[(seed_id("002"), "diplomatic_opening"), "first_position"] == "headline"
    assert by.loc[(seed_id("004"), "ceasefire_peace"), "first_position"] == "lead"  # "calls for a ceasefire"
    assert set(table["first_position"]) <= {"headline", "lead", "body"}
    assert table["share_headline"].between(0, 1).all()
    arts = seed_articles.set_index("article_id")
    for _, r in table.iterrows():
        assert arts.loc[r["article_id"], r["field"]][r["start_char"] : r["end_char"]] == r["text"]


# --------------------------------------------------------------------------- coding


def test_coding_round_trip_against_automatic_frames(tmp_path, seed_articles, seed_annotations):
    sents = seed_annotations.sentences
    sample = coding_sample(sents, n=6, articles=seed_articles, path=tmp_path / "s.csv")
    assert sample.groupby("outlet").size().max() == 6
    ev = frame_evidence(seed_articles, annotations=seed_annotations)
    hits = {
        (a, f, s, fr)
        for a, f, s, fr in zip(ev["article_id"], ev["field"], ev["sentence_id"], ev["frame"], strict=True)
    }
    coded = sample.copy()
    for col in [c for c in sample.columns if c.startswith("code_")]:
        frame = col.removeprefix("code_")
        coded[col] = [
            str(int((a, f, s, frame) in hits))
            for a, f, s in zip(coded["article_id"], coded["field"], coded["sentence_id"], strict=True)
        ]
    coded["coder"] = "machine-copy"
    coded.to_csv(tmp_path / "coded.csv", index=False)
    table = agreement([tmp_path / "coded.csv"], auto=ev)
    defined = table[table["alpha"].notna()]
    assert len(defined) and np.allclose(defined["alpha"], 1.0)
    assert (table["percent_agreement"] == 1.0).all()
    assert pd.Series(table["comparison"]).str.endswith("vs auto").all()


def test_hedged_sentences_are_flagged(seed_claims):
    assert sentence_row(seed_claims, "000", r"^Successful negotiations could lead").hedged
    assert not sentence_row(seed_claims, "002", r"loan of \$105 billion").hedged


def test_word_prefilter_changes_nothing_on_the_seeds(seed_articles, seed_annotations, seed_claims):
    """Scoring only pairs with a word cosine >= MIN_WORD_SIMILARITY links what comparing every pair links."""
    everything = claims(
        seed_articles, annotations=seed_annotations, options=ClaimOptions(min_word_similarity=0.0)
    )
    pd.testing.assert_frame_equal(seed_claims, everything)
    assert seed_claims["n_articles"].max() >= 2  # some claim is shared across articles: not vacuous


def test_block_workers_give_the_same_claims(
    seed_articles, seed_annotations, seed_claims_every_event, every_event, monkeypatch
):
    """Story blocks scored in forked processes give the table the single process gives."""
    import analysis.framing.claims.scoring as module

    monkeypatch.setattr(module, "PARALLEL_MIN_SENTENCES", 0)
    parallel = claims(
        seed_articles, stories=every_event, annotations=seed_annotations, options=ClaimOptions(n_process=2)
    )
    pd.testing.assert_frame_equal(seed_claims_every_event, parallel)
    assert (
        seed_claims_every_event.groupby("story").size() > 1
    ).sum() >= 2  # two blocks or more went to workers


def test_blocks_over_the_memory_budget_are_scored_one_at_a_time_here(
    seed_articles, seed_annotations, seed_claims_every_event, every_event, monkeypatch
):
    """With the blocks' estimated memory over the budget no worker is forked, and the table is the same."""
    import concurrent.futures

    import analysis.framing.claims.scoring as module
    from analysis import config

    monkeypatch.setattr(module, "PARALLEL_MIN_SENTENCES", 0)
    monkeypatch.setattr(config, "CLAIMS_PARALLEL_MEMORY", 1)  # one byte: no two blocks fit together

    def no_pool(*args, **kwargs):
        raise AssertionError("a block worker was started over the memory budget")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    serial = claims(
        seed_articles, stories=every_event, annotations=seed_annotations, options=ClaimOptions(n_process=2)
    )
    pd.testing.assert_frame_equal(seed_claims_every_event, serial)
