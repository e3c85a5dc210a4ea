"""Stories: metadata events win; otherwise articles on one news event cluster by content."""

import pandas as pd
import pytest

from analysis.annotate import Annotations
from analysis.framing.claims import ClaimOptions, claims, omission_counts, omissions
from analysis.framing.stories import stories, story_summary

# invented events (not from the seeds or any corpus); fillers give the corpus its background vocabulary
FLOOD = (
    "Floodwaters from the Marrow river breached the levee at Dunmore on Tuesday, forcing the evacuation "
    "of 4,000 residents. Mayor Ilse Brandt said the pumping stations failed overnight. Rescue boats "
    "reached the stranded farms near Dunmore before dawn. Insurance adjusters expect the damage claims "
    "to exceed two million crowns."
)
FLOOD2 = (
    "The Marrow river levee at Dunmore gave way overnight and about 4,000 residents were evacuated, "
    "Mayor Ilse Brandt said, blaming failed pumping stations. Rescue boats reached stranded farms."
)
STRIKE = (
    "Dockworkers at the port of Kelvar walked out on Wednesday over automated cranes, halting container "
    "traffic. Union leader Tomas Reyk said the strike would last until the harbour authority negotiates."
)
STRIKE2 = (
    "Container traffic at Kelvar port stopped as dockworkers struck against automated cranes; union "
    "leader Tomas Reyk vowed the walkout would continue until the harbour authority talks."
)
FILLERS = [
    "A bakery in Oldtown won a regional prize for its rye sourdough loaf and cinnamon buns.",
    "The city orchestra announced a winter season of Sibelius symphonies and a new violin concerto.",
    "Scientists catalogued a rare moth species in the alpine meadows above the glacier lake.",
    "The football club signed a young goalkeeper from the northern league on a three-year contract.",
    "A museum exhibition of medieval tapestries opens next month in the restored castle hall.",
    "Commuters praised the new tram line that links the university campus with the central station.",
    "The chess federation crowned a teenage champion after a dramatic final round tiebreak.",
    "Gardeners reported a record pumpkin harvest at the county agricultural show this autumn.",
]


def corpus(dates=None, events=None):
    texts = [FLOOD, FLOOD2, STRIKE, STRIKE2, *FILLERS]
    outlets = ["X", "Y", "X", "Z", *["X", "Y", "Z", "W"] * 2]
    arts = pd.DataFrame(
        {
            "article_id": [f"a{i:02d}" for i in range(len(texts))],
            "outlet": outlets,
            "title": "",
            "text": texts,
            "date": dates or ["2025-03-04"] * len(texts),
            "status": "ok",
        }
    )
    if events is not None:
        arts["event"] = events
    return arts


def story_of(table):
    return table.set_index("article_id")["story"]


def test_two_outlets_on_one_event_cluster_and_unrelated_events_in_one_week_stay_apart():
    table = stories(corpus())
    s = story_of(table)
    assert pd.notna(s["a00"]) and s["a00"] == s["a01"]  # the flood, two outlets
    assert pd.notna(s["a02"]) and s["a02"] == s["a03"]  # the strike, two outlets
    assert s["a00"] != s["a02"]  # same day, different events
    row = table.set_index("article_id").loc["a00"]
    assert row["comparable"] and row["n_outlets"] == 2 and row["story_size"] == 2
    assert "dunmore" in row["top_terms"] and row["source"] == "content"


def test_an_article_that_matches_nothing_is_a_singleton_not_a_story():
    table = stories(corpus()).set_index("article_id")
    fillers = table.loc[[f"a{i:02d}" for i in range(4, 12)]]
    assert fillers["story"].isna().all() and (fillers["source"] == "singleton").all()
    assert not fillers["comparable"].any() and (fillers["story_size"] == 1).all()
    assert len(story_summary(corpus(), stories(corpus()))) == 2  # singletons are not listed as stories


def test_one_outlet_alone_is_a_story_but_not_comparable():
    arts = corpus()
    arts.loc[arts["article_id"] == "a01", "outlet"] = "X"
    table = stories(arts).set_index("article_id")
    assert table.loc["a00", "story"] == table.loc["a01", "story"]
    assert not table.loc["a00", "comparable"] and table.loc["a00", "n_outlets"] == 1


def test_date_window_keeps_far_apart_articles_apart():
    dates = ["2025-03-04", "2025-05-20", *["2025-03-04"] * 10]
    s = story_of(stories(corpus(dates=dates)))
    assert pd.isna(s["a00"]) and pd.isna(s["a01"])  # same words, 11 weeks apart: not one event
    assert story_of(stories(corpus(dates=dates), window_days=None)).loc[["a00", "a01"]].nunique() == 1


def test_metadata_event_wins():
    events = ["Budget vote", "Budget vote", None, "", *[None] * 8]
    table = stories(corpus(events=events)).set_index("article_id")
    # the flood articles are put in the metadata's event; the strike articles are still clustered
    assert table.loc["a00", "story"] == table.loc["a01", "story"] == "Budget vote"
    assert (table.loc[["a00", "a01"], "source"] == "metadata").all()
    assert table.loc["a02", "story"] == table.loc["a03", "story"] and table.loc["a02", "source"] == "content"


def test_a_chain_of_pairwise_similar_articles_is_not_merged_into_one_story():
    # A~B and B~C share words, A and C share none: average linkage does not put all three together
    a = "Senator Oduya unveiled the coastal wind farm subsidy bill at the harbour on Monday."
    b = "The coastal wind farm subsidy bill of Senator Oduya meets the fishing quota reform of Mayor Lind."
    c = "Mayor Lind defended the fishing quota reform before trawler crews at the market hall."
    arts = corpus()
    arts = pd.concat([arts, pd.DataFrame({
        "article_id": ["c1", "c2", "c3"], "outlet": ["X", "Y", "Z"], "title": "", "text": [a, b, c],
        "date": "2025-03-04", "status": "ok"})], ignore_index=True)  # fmt: skip
    s = story_of(stories(arts, min_similarity=0.5))
    # A~B 0.74 and B~C 0.60 are both links at 0.5 (single linkage would chain all three), A~C is 0:
    # average linkage joins A and B, and C's mean similarity to them (0.30) stays under 0.5
    assert pd.notna(s["c1"]) and s["c1"] == s["c2"]
    assert pd.isna(s["c3"]) or s["c3"] != s["c1"]


def test_omissions_only_within_comparable_stories_and_counts_agree_with_the_stories_table():
    arts = corpus()
    arts.loc[arts["article_id"] == "a03", "outlet"] = "X"  # the strike: one outlet only, not comparable
    table = stories(arts)
    sents = []
    for aid, text in zip(arts["article_id"], arts["text"], strict=True):
        start = 0
        for i, s in enumerate(part.strip() + "." for part in text.split(".") if part.strip()):
            start = text.index(s[:-1], start)
            sents.append([aid, "text", i, start, start + len(s) - 1, s[:-1]])
            start += len(s) - 1
    cols = ["article_id", "field", "sentence_id", "start_char", "end_char", "text"]
    ann = Annotations(pd.DataFrame(), pd.DataFrame(sents, columns=cols), pd.DataFrame())
    found = claims(arts, ann.sentences, None, table, annotations=ann, options=ClaimOptions(min_words=4))
    left_out = omissions(arts, found, table)
    comparable = table[table["comparable"]]
    assert set(found["story"]) == set(comparable["story"]) and len(found)
    assert set(found["article_id"]) <= set(comparable["article_id"])  # nothing from the strike or fillers
    per_story = comparable.groupby("story").agg(
        articles=("article_id", "nunique"), outlets=("n_outlets", "first")
    )
    summary = story_summary(arts, table).set_index("story")
    for story, got in found.groupby("story"):
        assert (
            got["article_id"].nunique() <= per_story.loc[story, "articles"] == summary.loc[story, "articles"]
        )
        assert got["outlet"].nunique() <= per_story.loc[story, "outlets"] == summary.loc[story, "outlets"]
    # every omission is by an outlet of that story (per the stories table) that does not carry the claim
    outlets_of = arts.set_index("article_id")["outlet"]
    story_outlets = comparable.assign(outlet=comparable["article_id"].map(outlets_of)).groupby("story")[
        "outlet"
    ]
    allowed = story_outlets.agg(set)
    carried = found.groupby("claim_id")["outlet"].agg(set)
    assert len(left_out) and set(left_out["story"]) <= set(comparable["story"])
    for row in left_out.itertuples():
        assert row.outlet in allowed[row.story] and row.outlet not in carried[row.claim_id]
    # counts per story: claims x covering outlets minus carriers = omission rows (min_outlets=1)
    for story, got in found.groupby("story"):
        n_claims = got.groupby("claim_id")["outlet"].nunique()
        expected = int((len(allowed[story]) - n_claims).sum())
        assert (left_out["story"] == story).sum() == expected
    # the per-story count table printed beside the stories table agrees with both
    counts = omission_counts(arts, left_out, table).set_index("story")
    assert list(counts.index) == sorted(comparable["story"].unique())
    assert (counts["articles"] == summary.loc[counts.index, "articles"]).all()
    assert (counts["outlets"] == summary.loc[counts.index, "outlets"]).all()
    for story, row in counts.iterrows():
        for outlet in allowed[story]:
            assert (
                row[outlet]
                == left_out[(left_out["story"] == story) & (left_out["outlet"] == outlet)].shape[0]
            )
        assert all(pd.isna(row[o]) for o in set(arts["outlet"]) - allowed[story])


def test_bad_options():
    with pytest.raises(ValueError, match="min_similarity"):
        stories(corpus(), min_similarity=0)
    with pytest.raises(ValueError, match="window_days"):
        stories(corpus(), window_days=-1)
    assert stories(corpus().assign(status="empty")).empty


def test_a_component_over_the_size_cap_is_split_by_its_stronger_links():
    arts = corpus()
    for i, text in enumerate([FLOOD, FLOOD2, FLOOD]):  # more flood coverage: one component of 5 articles
        arts.loc[len(arts)] = [f"f{i}", "WYZ"[i], "", text + " Update.", "2025-03-04", "ok"]
    free = stories(arts, max_df=1.0).set_index("article_id")
    flood = ["a00", "a01", "f0", "f1", "f2"]
    assert free.loc[flood, "story"].nunique() == 1 and free.loc["a00", "story_size"] == 5
    capped = stories(arts, max_df=1.0, max_component=2).set_index("article_id")
    assert (capped["story_size"] <= 2).all()
    # the strongest links survive: the two identical texts pair up (f0 and f2: FLOOD + "Update.";
    # a01 and f1: FLOOD2 and FLOOD2 + "Update."), and a00 is left on its own
    assert capped.loc["f0", "story"] == capped.loc["f2", "story"]
    assert capped.loc["a01", "story"] == capped.loc["f1", "story"] != capped.loc["f0", "story"]


def test_shared_entities_add_to_the_similarity():
    arts = corpus()
    # two articles on one meeting in different words: only the mentions table (canonical names, as the
    # alias table resolves "the Hungarian envoy" and "Budapest's negotiator") ties them together
    texts = [
        "The Hungarian envoy and her Nigerian counterpart ended talks at noon in the Portuguese capital.",
        "Budapest's negotiator and Abuja's minister closed their round without a deal, officials said.",
    ]
    for aid, outlet, text in zip(["e1", "e2"], ["X", "Y"], texts, strict=True):
        arts.loc[len(arts)] = [aid, outlet, "", text, "2025-03-04", "ok"]
    rows = [(a, name, "person") for a in ("e1", "e2") for name in ("Anna Varga", "Ken Okafor")]
    rows += [(a, "Lisbon", "place") for a in ("e1", "e2")]
    mentions = pd.DataFrame(rows, columns=["article_id", "canonical", "kind"])
    words_only = stories(arts, min_similarity=0.25).set_index("article_id")
    with_entities = stories(arts, mentions, min_similarity=0.25).set_index("article_id")
    assert pd.isna(words_only.loc["e1", "story"]) and pd.isna(words_only.loc["e2", "story"])
    assert pd.notna(with_entities.loc["e1", "story"])
    assert with_entities.loc["e1", "story"] == with_entities.loc["e2", "story"]
    assert with_entities.loc["e1", "comparable"]
