"""Page dumps and corpus repetition: site furniture is dropped, shared body sentences are kept."""

from __future__ import annotations

import pandas as pd

from analysis.clean import paragraphs
from analysis.clean.furniture import furniture_table
from analysis.clean.shape import block_class, main_run
from analysis.corpus import load_corpus

#: Bodies written for this test (no seed or development text).
BODIES = [
    "The harbour authority approved a plan on Monday to deepen the northern channel, "
    "a project that engineers said would take at least three years to finish. "
    "Fishermen who use the channel said they had not been asked about the timetable.",
    "Farmers in the valley began the late harvest after a week of rain delayed the work, "
    "and the cooperative said prices for the crop had fallen for the second year in a row. "
    "Several growers said they would plant less next spring if the trend continued.",
    "The city council voted to keep the public library open on Sundays for another year, "
    "after residents filled the chamber to speak in favour of the longer hours. "
    "The vote was seven to two, and the budget for the change is still being drafted.",
    "A new bus line connecting the airport with the old town will start running in May, "
    "the transport office said, and tickets will cost the same as on the other routes. "
    "Officials expect the line to carry several thousand passengers on a normal weekday.",
    "Rescue teams searched the mountain pass through the night for two hikers who went missing "
    "on Saturday, and both were found safe early on Sunday morning near an old shelter. "
    "The regional police thanked the volunteers who joined the search in bad weather.",
]
SHARED = "Officials said the review of the decision would be published before the end of the month."
HEADER = "Northshire Gazette\nNews\nSport\nWeather\nSubscribe to the Gazette for 1 euro a week"
#: A promotion printed in the middle of every article of the outlet, shaped like prose.
PROMO = (
    "Readers who want to share their own story with the newsroom can write to the editors at any time of day."
)
FOOTER = (
    "Follow the Gazette on the social networks of your choice today\n"
    "The Gazette is printed by Northshire Press"
)


def _outlet_corpus() -> pd.DataFrame:
    rows = []
    for i, body in enumerate(BODIES):
        first, second = body.split(". ", 1)
        text = f"{HEADER}\n\n{first}.\n\n{PROMO}\n\n{second}\n\n{SHARED if i == 0 else ''}\n\n{FOOTER}"
        rows.append({"article_id": f"g{i}", "outlet": "Northshire Gazette", "text": text})
    for i, body in enumerate(BODIES[:2]):  # another outlet prints the same sentence in its body
        rows.append({"article_id": f"o{i}", "outlet": f"Other Daily {i}", "text": f"{body}\n\n{SHARED}"})
    return pd.DataFrame(rows)


def test_furniture_recurring_across_one_outlet_is_dropped_with_a_reason():
    df = load_corpus(_outlet_corpus(), detect_language=False, dedupe=False).set_index("article_id")
    for i, body in enumerate(BODIES):
        text = df.loc[f"g{i}", "text"]
        first, second = body.split(". ", 1)
        assert first in text and second in text
        for line in [*HEADER.split("\n"), PROMO, *FOOTER.split("\n")]:
            assert line not in text
    blocks = paragraphs(_outlet_corpus())
    furniture = blocks[blocks["reason"].str.startswith("site furniture")]
    assert PROMO in set(furniture["text"])


def test_the_same_sentence_in_two_unrelated_outlets_bodies_is_kept():
    df = load_corpus(_outlet_corpus(), detect_language=False, dedupe=False).set_index("article_id")
    assert SHARED in df.loc["g0", "text"]
    assert SHARED in df.loc["o0", "text"] and SHARED in df.loc["o1", "text"]


def test_furniture_needs_the_outlet_and_recurrence():
    corpus = _outlet_corpus()
    table = furniture_table(corpus)
    assert all(table[corpus["outlet"] == "Northshire Gazette"])
    assert not any(table[corpus["outlet"] != "Northshire Gazette"])
    assert not any(furniture_table(corpus.drop(columns="outlet")))
    assert not any(furniture_table(corpus.head(3)))  # three articles: too few to call anything furniture


def test_furniture_is_part_of_the_cache_key(tmp_path):
    corpus = _outlet_corpus()
    first = load_corpus(corpus.head(3), cache_dir=tmp_path, detect_language=False, dedupe=False)
    assert PROMO in first.loc[0, "text"]  # three articles: too few to know the furniture
    full = load_corpus(corpus, cache_dir=tmp_path, detect_language=False, dedupe=False)
    assert PROMO not in full.loc[0, "text"]
    pd.testing.assert_frame_equal(full, load_corpus(corpus, detect_language=False, dedupe=False))


def test_block_shapes_and_the_main_run():
    assert block_class(BODIES[0]) == "good"
    assert block_class("Home") == "short"
    menu = "Politics | Business | Markets | Technology | Science | Health | Sport | Travel | Culture"
    assert block_class(menu) == "bad"
    assert main_run([-2, 10, -1, 8, -30, 5], [False] * 6) == (1, 3)


def test_a_page_dump_keeps_the_article_between_menus_and_a_comment_section():
    menu = "\n".join(["Home", "World", "Business", "Markets", "Opinion", "Video", "Podcasts", "Sign in"])
    comments = "\n".join(
        [
            "Leave a Reply",
            "I have lived near that channel all my life and nobody ever asked us anything about it at all.",
        ]
    )
    raw = f"Harbour plan approved | Coastline Herald\n\n{menu}\n\n{BODIES[0]}\n\n{BODIES[1]}\n\n{comments}"
    blocks = paragraphs(pd.DataFrame({"article_id": ["p"], "raw_text": [raw]}))
    kept = blocks[blocks["kept"]]["text"].tolist()
    assert kept == [BODIES[0], BODIES[1]]
    assert blocks.iloc[-1]["role"] == "appended_item"
    assert (blocks["reason"] != "").all() or (blocks[blocks["reason"] == ""]["kept"]).all()


def test_a_copyright_line_in_the_navigation_does_not_cut_the_article():
    nav = "Copyright © 2021 Coastline Media | Terms of Service | Privacy"
    end = "© 2021 Coastline Media. All rights reserved."
    raw = f"{nav}\n\nHome\n\nWorld\n\n{BODIES[2]}\n\n{BODIES[3]}\n\n{end}"
    text = paragraphs(pd.DataFrame({"article_id": ["p"], "raw_text": [raw]}))
    assert text[text["kept"]]["text"].tolist() == [BODIES[2], BODIES[3]]


def test_author_bios_with_a_contact_are_bylines_and_prose_about_a_reporter_is_kept():
    bio = (
        "Dana Whitfield (@dwhitfield_news) is a senior correspondent for the Coastline Herald covering ports."
    )
    mail = "Sam Ortega is an economics reporter at the Valley Courier. Reach him at sam@courier.example."
    prose = (
        "Dana Whitfield is a senior correspondent who has covered the harbour for a decade, colleagues said."
    )
    raw = f"{BODIES[0]}\n\n{prose}\n\n{BODIES[1]}\n\n{bio}\n\n{mail}"
    blocks = paragraphs(pd.DataFrame({"article_id": ["p"], "raw_text": [raw]})).set_index("text")
    assert blocks.loc[bio, "role"] == "byline" and "author bio" in blocks.loc[bio, "reason"]
    assert blocks.loc[mail, "role"] == "byline"
    assert blocks.loc[prose, "role"] == "body"


def test_a_long_copyright_notice_ends_the_article():
    notice = (
        "© 2022 Coastline Media Group. All rights reserved. "
        + "Use of this site is subject to our terms. " * 10
    )
    about = "The Coastline Herald is the leading source of harbour news."
    raw = f"{BODIES[0]}\n\n{BODIES[1]}\n\n{notice}\n\n{about}"
    blocks = paragraphs(pd.DataFrame({"article_id": ["p"], "raw_text": [raw]}))
    assert blocks["role"].tolist() == ["body", "body", "boilerplate", "appended_item"]


def test_a_given_headline_and_subheadline_printed_as_two_blocks_are_the_title():
    from analysis.clean import clean_articles

    title = "Port expansion wins final approval; Engineers expect three years of dredging work"
    raw = (
        "Port expansion wins final approval;\nEngineers expect three years of dredging work.\n\n"
        f"{BODIES[0]}\n\n{BODIES[1]}"
    )
    out = clean_articles(pd.DataFrame({"article_id": ["p"], "raw_text": [raw], "title": [title]})).iloc[0]
    assert out["text"] == f"{BODIES[0]}\n\n{BODIES[1]}"
    assert out["title"] == title and not out["title_derived"]


def test_a_page_title_line_loses_the_site_name():
    from analysis.clean import clean_articles

    raw = f"Harbour plan approved after long debate | The Coastline Herald\n\n{BODIES[0]}\n\n{BODIES[1]}"
    out = clean_articles(pd.DataFrame({"article_id": ["p"], "raw_text": [raw]})).iloc[0]
    assert out["title"] == "Harbour plan approved after long debate" and not out["title_derived"]
    assert out["text"].startswith(BODIES[0])
