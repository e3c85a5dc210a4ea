"""Titles, bylines, captions and promo/banner/share/ticker families on text they were not written for."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import config
from analysis.clean import clean_articles, paragraphs

LEDE = (
    "The provincial government will spend an extra 40 million dollars on rural clinics this year, "
    "the health minister told reporters on Monday, after months of complaints about closed emergency rooms."
)
BODY = (
    "Nurses' unions welcomed the money but said it would not fill the hundreds of vacant positions. "
    "Opposition members called the plan a patch and asked for a full review of staffing."
)


def blocks_of(raw: str, title: str | None = None) -> pd.DataFrame:
    return paragraphs(pd.DataFrame({"article_id": ["a"], "raw_text": [raw], "title": [title]}))


def clean_one(raw: str) -> pd.Series:
    return clean_articles(pd.DataFrame({"article_id": ["a"], "raw_text": [raw], "status": ["ok"]})).iloc[0]


def test_byline_is_a_role():
    assert "byline" in config.ROLES


@pytest.mark.parametrize(
    "line",
    [
        "Maria Okafor, The Canadian Press",
        "Tom Lindqvist and Ana Ruiz, Associated Press",
        "By Priya Raman, Staff Reporter",
        "By Kwame Mensah | Valley Herald",
        "Ana Ruiz · Metro Desk",
    ],
)
def test_bylines_are_never_titles_and_lede_stays_in_body(line):
    row = clean_one(f"{line}\n{LEDE}\n{BODY}")
    blocks = blocks_of(f"{line}\n{LEDE}\n{BODY}")
    assert blocks.loc[0, "role"] == "byline" and blocks.loc[0, "reason"]
    assert row["title_derived"]  # nothing printed a headline
    assert row["text"] == f"{LEDE}\n\n{BODY}"


@pytest.mark.parametrize(
    "line",
    [
        "Open this photo in gallery: Firefighters work on the roof of the clinic on Monday.",
        "View this image in full screen",
        "Photo 3 of 12 Volunteers unload supplies at the depot.",
        "Volunteers unload supplies at the depot in Moncton on Tuesday. (Lena Marsh/The Daily Courier)",
        "A nurse checks a patient's chart at a rural clinic. (Jean-Paul Roy/Northern Wire)",
    ],
)
def test_gallery_and_agency_photo_captions_are_captions_not_titles(line):
    blocks = blocks_of(f"{line}\n{LEDE}\n{BODY}")
    assert blocks.loc[0, "role"] == "caption" and blocks.loc[0, "reason"]
    row = clean_one(f"{line}\n{LEDE}\n{BODY}")
    assert row["title_derived"] and row["text"] == f"{LEDE}\n\n{BODY}"


def test_a_lede_is_not_a_headline():
    lede_no_period = LEDE.rstrip(".")
    for first in (lede_no_period, "Clinics to reopen. The minister said the money would arrive in May"):
        row = clean_one(f"{first}\n{BODY}")
        assert row["title_derived"], first
        assert row["text"].startswith(first)


def test_a_short_headline_is_still_a_title():
    row = clean_one(f"Rural clinics get 40 million dollar boost\n{LEDE}\n{BODY}")
    assert row["title"] == "Rural clinics get 40 million dollar boost" and not row["title_derived"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("WATCH: Minister defends clinic funding", "video/promo line"),
        ("Listen | Health panel on rural care", "video/promo line"),
        ("VIDEO — Emergency room closures explained", "video/promo line"),
        ("Also on Coastal News Network: Storm knocks out power", "video/promo line"),
        ("READ MORE: Hospital wait times grow", "related-content link"),
        ("Reading this story on our new mobile edition? Tap here for the full site", "newsletter"),
        ("Viewing this page in an outdated browser? Update it here", "newsletter"),
        ("Download the Prairie Daily app for breaking news alerts", "newsletter"),
        ("Get the top stories delivered to your inbox every morning.", "newsletter"),
        ("Sign up for our Health Matters newsletter", "newsletter"),
        ("Share 17 Comments", "share"),
        ("Share this story | Email | Print", "share"),
        ("TSX 21,402.55 +0.61% | DJIA 38,110.20 -0.12% | CAD/USD 0.7391 +0.05%", "market ticker"),
        ("Nasdaq ▼ 15,630.10 (0.8%)", "market ticker"),
    ],
)
def test_promo_banner_share_and_ticker_families(line, reason):
    raw = f"Rural clinics get 40 million dollar boost\n{LEDE}\n{line}\n{BODY}"
    blocks = blocks_of(raw)
    hit = blocks[blocks["text"] == line]
    assert hit["role"].tolist() == ["boilerplate"]
    assert reason in hit["reason"].item()
    assert clean_one(raw)["text"] == f"{LEDE}\n\n{BODY}"


@pytest.mark.parametrize(
    "sentence",
    [
        "Residents can watch the council debate live on Thursday, and the minister said she would attend.",
        "Also on Tuesday: the opposition asked for a review of the contracts signed last year.",
        "Doctors said patients viewing this article on a mobile site would see the new clinic hours.",
        "The app lets patients book appointments, and officials said 40% of users were over 65.",
        "Shares of the drug maker rose 3.5% after the announcement, analysts said.",
        "She said she would read more about the plan before deciding how to vote on it next week.",
        "Nurses said they were photographed by Lena Marsh for a report on rural clinics (Marsh/Courier).",
        "The agency said it would download the records, share them with investigators and print a summary.",
    ],
)
def test_trigger_phrases_inside_prose_are_kept(sentence):
    raw = f"Rural clinics get 40 million dollar boost\n{LEDE}\n{sentence}\n{BODY}"
    assert clean_one(raw)["text"] == f"{LEDE}\n\n{sentence}\n\n{BODY}"


@pytest.mark.parametrize("line", ["HALIFAX, April 9, 2024", "REGINA — Thursday, 11 July 2024 08:15 CST"])
def test_datelines_are_never_titles(line):
    row = clean_one(f"{line}\n{LEDE}\n{BODY}")
    assert row["title_derived"] and row["title"] != line
    blocks = blocks_of(f"{line}\n{LEDE}\n{BODY}")
    assert blocks.loc[0, "role"] != "title" and (blocks.loc[0, "role"] == "body" or blocks.loc[0, "reason"])
