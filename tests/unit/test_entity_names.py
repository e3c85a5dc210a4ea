"""Names on any story: variants, honorifics, short names, family-name-first names, credits, one kind.

Names here are made up (not in the seeds or the development corpus); each test
fails if its rule breaks.
"""

from __future__ import annotations

import re

import pandas as pd
from test_entities import mentions_of

from analysis.measures import entities as E


def _canon(m: pd.DataFrame, text: str) -> set[str]:
    return set(m.loc[m["text"] == text, "canonical"])


def test_middle_initial_and_honorific_link_to_the_full_name_in_the_article():
    m = mentions_of(
        "[Harold T. Bramwell|PERSON] spoke. Later [Harold Bramwell|PERSON] left. "
        "Mr. [Bramwell|PERSON] was tired. [Sen. Bramwell|PERSON] voted."
    )
    assert _canon(m, "Bramwell") == {"Harold T. Bramwell"}
    assert _canon(m, "Harold Bramwell") == {"Harold T. Bramwell"}


def test_honorific_gender_picks_between_two_people_with_one_surname():
    m = mentions_of(
        "[Gerald Okonkwo-Vance|PERSON] and [Priscilla Okonkwo-Vance|PERSON] arrived. "
        "Mrs. [Okonkwo-Vance|PERSON] spoke first. Mr. [Okonkwo-Vance|PERSON] nodded. "
        "[Okonkwo-Vance|PERSON] left."
    )
    spoke = m[m["text"] == "Okonkwo-Vance"]["canonical"].tolist()
    assert spoke == ["Priscilla Okonkwo-Vance", "Gerald Okonkwo-Vance", "Okonkwo-Vance"]


def test_family_name_first_short_form_links():
    m = mentions_of("[Tsai Wenqiang|PERSON] met aides. [Tsai|PERSON] said the talks were useful.")
    assert _canon(m, "Tsai") == {"Tsai Wenqiang"}
    m = mentions_of("[Pak Song Chol|PERSON] visited. Later [Pak|ORG] returned.")
    assert set(m.loc[m["text"] == "Pak", "canonical"]) == {"Pak Song Chol"}
    assert set(m.loc[m["text"] == "Pak", "kind"]) == {"person"}


def test_typographic_apostrophes_are_possessives():
    for apostrophe in ("’", "‘", "ʼ"):
        m = mentions_of(f"[Rosalind Farquharson|PERSON] arrived. [Farquharson{apostrophe}s|PERSON] plan won.")
        assert set(m["canonical"]) == {"Rosalind Farquharson"}, apostrophe
        assert "Farquharson" in set(m["text"])
    m = mentions_of("Critics attacked [Quennell‘s|PERSON] plan.")
    assert set(m["canonical"]) == {"Quennell"}


def test_agency_and_photographer_in_photo_credits_are_not_mentions(monkeypatch):
    import test_entities

    # spaCy keeps a blank line as a whitespace token: tokenise it the same way here
    monkeypatch.setattr(test_entities, "TOKEN_RE", re.compile(r"\n\s*|" + test_entities.TOKEN_RE.pattern))
    m = mentions_of(
        "[Ilse Brantweiner|PERSON] waves to supporters. ([Reuters|ORG]/[Tomas Ekdahl|PERSON])\n\n"
        "Photo: [AP|ORG]\n\n"
        "[Ilse Brantweiner|PERSON] said [Reuters|ORG] had reported it first."
    )
    assert "Tomas Ekdahl" not in set(m["canonical"])
    assert list(m.loc[m["canonical"] == "Reuters", "text"]) == ["Reuters"]  # the one in prose
    assert "AP" not in set(m["canonical"])


def _linked(marked: dict[str, str], outlets: dict[str, str] | None = None) -> pd.DataFrame:
    m = mentions_of(*marked.values())
    ids = {f"a{i}": key for i, key in enumerate(marked)}
    m["article_id"] = m["article_id"].map(ids)
    arts = pd.DataFrame({"article_id": list(marked)})
    arts["outlet"] = arts["article_id"].map(outlets or {}).fillna("X")
    return E.link_across_articles(arts, m)


def test_two_people_sharing_a_surname_stay_apart_across_articles():
    linked = _linked(
        {
            "john": "[Cedric Ashdown|PERSON] spoke. [Ashdown|PERSON] left.",
            "mary": "[Winifred Ashdown|PERSON] spoke. [Ashdown|PERSON] stayed.",
            "bare": "[Ashdown|PERSON] was not there.",
        }
    )
    by_article = linked.groupby("article_id")["canonical"].agg(set).to_dict()
    assert by_article == {"john": {"Cedric Ashdown"}, "mary": {"Winifred Ashdown"}, "bare": {"Ashdown"}}


def test_a_bare_surname_links_across_articles_when_unambiguous():
    linked = _linked(
        {
            "full": "[Bartholomew K. Eddington|PERSON] won. [Bartholomew Eddington|PERSON] spoke.",
            "short": "Mr. [Eddington|PERSON] was quoted. [Eddington|ORG] again.",
            "other": "[Eddington|PERSON] appeared.",
        },
        outlets={"full": "A", "short": "A", "other": "B"},
    )
    assert set(linked["canonical"]) == {"Bartholomew K. Eddington"}
    assert set(linked["kind"]) == {"person"}


def test_variant_names_merge_across_articles_but_different_initials_do_not():
    linked = _linked(
        {
            "a": "[Lionel P. Harrowgate|PERSON] won.",
            "b": "[Lionel Harrowgate|PERSON] spoke. [Lionel Harrowgate|PERSON] again.",
            "c": "[Edwin R. Castellane|PERSON] and [Edwin S. Castellane|PERSON] and "
            "[Edwin Castellane|PERSON].",
        }
    )
    assert set(linked.loc[linked["article_id"].isin(["a", "b"]), "canonical"]) == {"Lionel Harrowgate"}
    assert len(set(linked.loc[linked["article_id"] == "c", "canonical"])) == 3


def test_one_kind_per_entity_by_majority_and_alias_override():
    m = pd.DataFrame(
        {
            "article_id": ["a", "b", "c", "a", "b"],
            "canonical": ["Veldmark", "Veldmark", "Veldmark", "Russia", "Russia"],
            "kind": ["organisation", "person", "person", "person", "place"],
        }
    )
    arts = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "X", "Y"]})
    out = E.link_across_articles(arts, m)
    kinds = out.groupby("canonical")["kind"].agg(set).to_dict()
    assert kinds == {"Veldmark": {"person"}, "Russia": {"place"}}


def test_a_middle_name_is_a_variant_too():
    m = mentions_of(
        "[Margaret Ashcombe Thornley|PERSON] spoke. [Margaret Thornley|PERSON] left. "
        "Ms. [Thornley|PERSON] returned."
    )
    assert set(m["canonical"]) == {"Margaret Ashcombe Thornley"}


def test_an_honorific_picks_the_person_across_articles():
    arts = pd.DataFrame(
        {
            "article_id": ["a", "b", "c"],
            "outlet": "X",
            "text": [
                "Margaret Thornley spoke.",
                "Gerald Thornley spoke.",
                "Later Mrs. Thornley and Thornley met.",
            ],
        }
    )
    m = pd.DataFrame(
        {
            "article_id": ["a", "b", "c", "c"],
            "field": "text",
            "start_char": [0, 0, 11, 24],
            "canonical": ["Margaret Thornley", "Gerald Thornley", "Thornley", "Thornley"],
            "kind": "person",
        }
    )
    out = E.link_across_articles(arts, m)
    linked = ["Margaret Thornley", "Gerald Thornley", "Margaret Thornley", "Thornley"]
    assert out["canonical"].tolist() == linked


def test_an_honorific_of_the_other_gender_blocks_the_link():
    m = mentions_of("[Daphne Kettleworth|PERSON] spoke. Mr. [Kettleworth|PERSON] replied.")
    assert _canon(m, "Kettleworth") == {"Kettleworth"}


def test_a_dominant_full_name_of_the_outlet_takes_a_bare_surname():
    linked = _linked(
        {
            "often": " ".join(["[Rowena Pettifer|PERSON] spoke."] * 10),
            "once": "[Clive Pettifer|PERSON] spoke.",
            "bare": "[Pettifer|PERSON] was quoted.",
        }
    )
    assert set(linked.loc[linked["article_id"] == "bare", "canonical"]) == {"Rowena Pettifer"}


def test_a_headline_word_after_a_surname_is_not_a_family_name_first_name():
    m = mentions_of("[Quimby Says|PERSON] nothing. Later Mr. [Quimby|PERSON] spoke.")
    assert _canon(m, "Quimby") == {"Quimby"}
