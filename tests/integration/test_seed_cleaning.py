"""Seed expectations of issue 3 for cleaning (no spaCy needed: load_corpus and paragraphs only)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import seed_id

import analysis
from analysis import config
from analysis.clean import outlet_signatures


@pytest.fixture(scope="module")
def seeds():
    return analysis.load_corpus(config.SEEDS_DIR)


@pytest.fixture(scope="module")
def seeds_without_metadata():
    return analysis.load_corpus(config.SEEDS_DIR, metadata=False)


@pytest.fixture(scope="module")
def blocks(seeds):
    return analysis.paragraphs(seeds)


@pytest.fixture(scope="module")
def raw_blocks():
    """Blocks found from the raw text alone (no title given by metadata)."""
    return analysis.paragraphs(analysis.read_articles(config.SEEDS_DIR))


def article(df, prefix):
    return df.loc[df["article_id"] == seed_id(prefix)].iloc[0]


def of(blocks, prefix):
    return blocks[blocks["article_id"] == seed_id(prefix)].reset_index(drop=True)


def role_of(blocks, prefix, text):
    rows = of(blocks, prefix)
    return rows.loc[rows["text"].str.strip() == text, "role"].tolist()


def test_every_seed_loads_ok(seeds, seeds_without_metadata):
    assert seeds["status"].eq("ok").all()
    assert seeds_without_metadata["status"].eq("ok").all()


def test_blocks_cover_every_character_of_every_seed(seeds, blocks):
    for art in seeds.itertuples():
        got = "".join(blocks.loc[blocks["article_id"] == art.article_id, "text"])
        assert re.sub(r"\s+", "", got) == re.sub(r"\s+", "", art.raw_text)


# --------------------------------------------------------------------------- 000


def test_000_has_no_headline_title_is_derived_and_flagged(seeds, seeds_without_metadata, raw_blocks):
    for df in (seeds, seeds_without_metadata):
        art = article(df, "000")
        assert art["title_derived"]
        assert art["title"].startswith("Russian President Vladimir Putin has expressed readiness")
    assert "title" not in set(of(raw_blocks, "000")["role"])


def test_000_section_headings_are_headings(blocks, seeds):
    for heading in ("What's Happening?", "Why It's Important?", "What's Next?"):
        assert role_of(blocks, "000", heading) == ["heading"]
        assert heading not in article(seeds, "000")["text"]


def test_000_kremlin_spokesperson_rejoined(blocks, seeds):
    text = article(seeds, "000")["text"]
    assert "confirmed by Kremlin spokesperson Dmitry Peskov, who stated" in text
    assert "Kremlin\n" not in text
    rows = of(blocks, "000")
    assert rows["repairs"].str.contains("joined hard line break between 'Kremlin' and 'spokesperson'").any()


def test_000_trailing_blank_lines_gone(seeds):
    text = article(seeds, "000")["text"]
    assert text == text.strip()
    assert text.endswith(".")
    assert "\n\n\n" not in text


# --------------------------------------------------------------------------- 001


def test_001_body_kept_once_copy_is_duplicate(blocks, seeds):
    text = article(seeds, "001")["text"]
    first = "In a context of prolonged tensions over the Ukraine issue"
    assert text.count(first) == 1
    assert text.count("Russia’s current openness does not arise in isolation") == 1
    rows = of(blocks, "001")
    dups = rows[rows["role"] == "duplicate"]
    assert len(dups) == 7
    for dup in dups.itertuples():
        original = int(dup.reason.rsplit(" ", 1)[-1])
        assert rows.loc[original, "text"] == dup.text
        assert original < dup.position


def test_001_view_original_and_gate_disclaimer_are_boilerplate(blocks, seeds):
    assert role_of(blocks, "001", "View Original") == ["boilerplate"]
    rows = of(blocks, "001")
    disclaimer = rows[rows["text"].str.startswith("This page may contain third-party content")]
    assert disclaimer["role"].tolist() == ["boilerplate"]
    assert "View Original" not in article(seeds, "001")["text"]
    assert "Disclaimer" not in article(seeds, "001")["text"]


@pytest.mark.parametrize("with_metadata", [True, False])
def test_001_title_is_the_headline_above_the_copy(seeds, seeds_without_metadata, with_metadata):
    art = article(seeds if with_metadata else seeds_without_metadata, "001")
    assert art["title"] == (
        "Moscow seeks to reconfigure the diplomatic map: Russia opens the door to negotiations with France"
    )
    assert not art["title_derived"]


def test_001_title_found_from_raw_text_alone(raw_blocks):
    rows = of(raw_blocks, "001")
    title = rows[rows["role"] == "title"]
    assert title["text"].tolist() == [
        "Moscow seeks to reconfigure the diplomatic map: Russia opens the door to negotiations with France"
    ]


def test_001_outlet_is_gate_reposter(seeds_without_metadata, seeds):
    art = article(seeds_without_metadata, "001")
    assert art["outlet"] == "Gate"
    assert art["outlet_type"] == "aggregator-reposter"
    assert article(seeds, "001")["outlet"] == "Gate"


def test_001_subheadings_are_headings(blocks):
    for heading in (
        "The First Steps Toward Russia-France Engagement",
        "Ukraine’s Role in the Talks",
        "Macron’s Previous Statements and the Kremlin’s Response",
    ):
        assert role_of(blocks, "001", heading) == ["heading", "duplicate"]


# --------------------------------------------------------------------------- 002


def test_002_title_is_first_line(seeds, raw_blocks):
    title = "Putin open to talks with Macron as Europe weighs re-engagement with Russia"
    assert article(seeds, "002")["title"] == title
    assert of(raw_blocks, "002").loc[0, "role"] == "title"


def test_002_ilkha_identifies_the_agency(seeds_without_metadata, blocks):
    art = article(seeds_without_metadata, "002")
    assert art["outlet"] == "ILKHA"
    assert art["outlet_type"] == "agency"
    assert role_of(blocks, "002", "(ILKHA)") == ["credit"]
    sigs = outlet_signatures()
    assert sigs.loc[sigs["signature"] == "ILKHA", "full_name"].item() == "İlke Haber Ajansı"


def test_002_legal_warning_and_appended_items_not_in_text(seeds, blocks):
    text = article(seeds, "002")["text"]
    for absent in ("LEGAL WARNING", "Afghan", "Hebron", "Cyprus", "Cypriot", "Bloody Christmas", "(ILKHA)"):
        assert absent not in text, absent
    rows = of(blocks, "002")
    assert rows[rows["text"].str.startswith("LEGAL WARNING")]["role"].tolist() == ["boilerplate"]
    assert (rows["role"] == "appended_item").sum() == 3


def test_002_all_quotations_are_in_text(seeds):
    text = article(seeds, "002")["text"]
    for quote in (
        "“If there is mutual political will, then it can only be viewed positively,” Peskov",
        "“I believe that it’s in our interest as Europeans and Ukrainians to find the right framework "
        "to re-engage this discussion,” Macron said",
        "“a robust and lasting peace”",
        "“Otherwise, we will be left talking among ourselves,” Macron said",
        "“negotiators who alone will talk to the Russians”",
    ):
        assert quote in text, quote
    assert text.rstrip().endswith("even as fighting on the ground in Ukraine continues.")


# --------------------------------------------------------------------------- 003


def test_003_title_is_first_line(seeds, seeds_without_metadata):
    for df in (seeds, seeds_without_metadata):
        assert (
            article(df, "003")["title"]
            == "Emmanuel Macron meets Vladimir Putin for ‘historic solution’ to crisis"
        )


def test_003_boilerplate_gone(seeds, blocks):
    text = article(seeds, "003")["text"]
    for line in ("related news", "Source link", "Please enter your comment!", "Please enter your name here"):
        assert role_of(blocks, "003", line) == ["boilerplate"]
        assert line not in text


def test_003_glued_words_split(seeds, blocks):
    text = article(seeds, "003")["text"]
    for fixed in ("Macron held", "Moscow. The", "Peskov at", "Ukraine but", "daily Macron", "demanding. in"):
        assert fixed in text, fixed
    for glued in ("Macronheld", "Moscow.The", "Peskovat", "Ukrainebut", "dailyMacron", "demanding.in"):
        assert glued not in text, glued
    repairs = "; ".join(of(blocks, "003")["repairs"])
    assert "split glued 'Macronheld' -> 'Macron held'" in repairs
    assert repairs.count("split glued") == 6


# --------------------------------------------------------------------------- 004


def test_004_title_is_first_line(seeds, seeds_without_metadata):
    for df in (seeds, seeds_without_metadata):
        assert (
            article(df, "004")["title"]
            == "Vladimir Putin Willing to Engage in Direct Discussions with Ukraine"
        )


def test_004_caption_three_times_and_credit(blocks, seeds):
    rows = of(blocks, "004")
    captions = rows[rows["text"].str.startswith("PARIS, FRANCE - MAY 29, 2017 :")]
    assert len(captions) == 3
    assert captions["role"].eq("caption").all()
    credit = rows[rows["text"].str.startswith("By Shutterstock.com")]
    assert credit["role"].tolist() == ["credit"]
    # the second caption line holds a caption and the credit: split into two blocks
    assert credit["start_char"].item() == captions["end_char"].max() + 1
    text = article(seeds, "004")["text"]
    assert "2017" not in text and "Shutterstock" not in text and "Versailles" not in text


def test_004_comment_form_is_boilerplate(blocks, seeds):
    for line in (
        "Add a comment",
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
    ):
        assert role_of(blocks, "004", line) == ["boilerplate"]
    assert "Leave a Reply" not in article(seeds, "004")["text"]


def test_004_date_is_never_2017(seeds, seeds_without_metadata):
    assert article(seeds, "004")["date"].year != 2017
    assert pd.isna(article(seeds_without_metadata, "004")["date"])


def test_summary_counts_dropped_blocks(capsys):
    from analysis.__main__ import main

    assert main(["summary", str(config.SEEDS_DIR)]) == 0
    out = capsys.readouterr().out
    assert "duplicate 7" in out
    assert "appended_item 3" in out
    assert "caption 3" in out
