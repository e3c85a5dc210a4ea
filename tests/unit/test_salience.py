import pandas as pd
import pytest

from analysis.framing.salience import salience, salience_summary

TITLE = "Putin open to talks with Macron"
TEXT = "Kremlin says Putin is open. Macron welcomed it. Later, Zelenskyy spoke about the ceasefire."
ARTICLES = pd.DataFrame(
    {
        "article_id": ["a1", "a2", "a3"],
        "outlet": ["X", "X", "Y"],
        "title": [TITLE, "", "Other"],
        "text": [TEXT, "Zelenskyy spoke.", "Nothing."],
        "status": ["ok", "ok", "duplicate"],
    }
)


def mention(aid, field, sid, text, canonical, kind="person", source=None):
    source = source or (TITLE if field == "title" else TEXT)
    start = source.index(text)
    return {
        "article_id": aid,
        "field": field,
        "sentence_id": sid,
        "start_char": start,
        "end_char": start + len(text),
        "text": text,
        "canonical": canonical,
        "kind": kind,
    }


MENTIONS = pd.DataFrame(
    [
        mention("a1", "title", 0, "Putin", "Vladimir Putin"),
        mention("a1", "title", 0, "Macron", "Emmanuel Macron"),
        mention("a1", "text", 0, "Kremlin", "Kremlin", "organisation"),
        mention("a1", "text", 0, "Putin", "Vladimir Putin"),
        mention("a1", "text", 2, "Zelenskyy", "Volodymyr Zelenskyy"),
        {
            "article_id": "a2",
            "field": "text",
            "sentence_id": 0,
            "start_char": 0,
            "end_char": 9,
            "text": "Zelenskyy",
            "canonical": "Volodymyr Zelenskyy",
            "kind": "person",
        },
        {
            "article_id": "a3",
            "field": "text",
            "sentence_id": 0,
            "start_char": 0,
            "end_char": 7,
            "text": "Nothing",
            "canonical": "Nothing",
            "kind": "person",
        },
    ]
)
FRAMES = pd.DataFrame(
    [
        {
            "article_id": "a1",
            "field": "title",
            "sentence_id": 0,
            "frame": "diplomatic_opening",
            "frame_type": "story",
            "match_start": TITLE.index("talks"),
            "match_end": TITLE.index("talks") + 5,
            "match": "talks",
        },
        {
            "article_id": "a1",
            "field": "text",
            "sentence_id": 2,
            "frame": "ceasefire_peace",
            "frame_type": "story",
            "match_start": TEXT.index("ceasefire"),
            "match_end": TEXT.index("ceasefire") + 9,
            "match": "ceasefire",
        },
    ]
)


def test_positions_and_share_headline():
    table = salience(ARTICLES, mentions=MENTIONS, frames=FRAMES)
    a1 = table[table["article_id"] == "a1"].set_index("item")
    putin = a1.loc["Vladimir Putin"]
    assert putin["first_position"] == "headline" and putin["in_lead"] and putin["n_mentions"] == 2
    assert putin["share_headline"] == pytest.approx(len("Putin") / len(TITLE))
    assert (putin["field"], putin["start_char"], putin["end_char"]) == ("title", 0, 5)
    assert a1.loc["Kremlin", "first_position"] == "lead"
    assert a1.loc["Volodymyr Zelenskyy", "first_position"] == "body"  # third sentence: after the lead
    assert a1.loc["Volodymyr Zelenskyy", "share_headline"] == 0.0
    assert a1.loc["diplomatic_opening", "item_type"] == "frame"
    assert a1.loc["diplomatic_opening", "first_position"] == "headline"
    assert a1.loc["ceasefire_peace", "first_position"] == "body"
    # a2's only sentence is its lead; a3 is not ok and yields nothing
    assert table[table["article_id"] == "a2"]["first_position"].tolist() == ["lead"]
    assert "a3" not in set(table["article_id"])


def test_lead_length_option():
    table = salience(ARTICLES, mentions=MENTIONS, frames=FRAMES, lead_sentences=3)
    row = table[(table["article_id"] == "a1") & (table["item"] == "Volodymyr Zelenskyy")].iloc[0]
    assert row["first_position"] == "lead"
    with pytest.raises(ValueError, match="lead_sentences"):
        salience(ARTICLES, mentions=MENTIONS, frames=FRAMES, lead_sentences=-1)


def test_overlapping_mentions_count_headline_characters_once():
    extra = pd.DataFrame([mention("a1", "title", 0, "Putin open", "Vladimir Putin")])
    table = salience(ARTICLES, mentions=pd.concat([MENTIONS, extra]), frames=FRAMES.iloc[0:0])
    row = table[(table["article_id"] == "a1") & (table["item"] == "Vladimir Putin")].iloc[0]
    assert row["headline_chars"] == len("Putin open")


def test_bad_mentions_raise():
    with pytest.raises(ValueError, match="canonical"):
        salience(ARTICLES, mentions=MENTIONS.drop(columns="canonical"), frames=FRAMES)
    with pytest.raises(ValueError, match="frame_evidence"):
        salience(ARTICLES, mentions=MENTIONS, frames=FRAMES.drop(columns="match_start"))


def test_summary_per_outlet():
    table = salience(ARTICLES, mentions=MENTIONS, frames=FRAMES)
    summary = salience_summary(table, ARTICLES).set_index(["outlet", "item"])
    z = summary.loc[("X", "Volodymyr Zelenskyy")]
    assert z["n_articles"] == 2 and z["n_with_item"] == 2 and z["share_in_lead"] == 0.5
    assert summary.loc[("X", "Vladimir Putin"), "share_in_headline"] == 0.5


def test_input_not_mutated():
    before = MENTIONS.copy()
    salience(ARTICLES, mentions=MENTIONS, frames=FRAMES)
    pd.testing.assert_frame_equal(MENTIONS, before)
