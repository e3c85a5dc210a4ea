"""Speakers reached through pronouns, role phrases and shared surnames (invented text, spaCy parse).

Each test states one rule of :mod:`analysis.framing.quotes.coref`; the texts are invented.
"""

from __future__ import annotations

import pandas as pd
import pytest
from quote_speakers import speaker_of

import analysis

pytestmark = pytest.mark.integration


def test_pronoun_agrees_in_gender_with_its_antecedent():
    text = (
        "Margaret Holloway met Richard Tanner at the port on Monday to discuss the new ferry line.\n\n"
        '"We have waited ten years for this," she said.\n\n'
        '"The money is there," he said.'
    )
    assert speaker_of(text, "waited ten years") == "Margaret Holloway"
    assert speaker_of(text, "money is there") == "Richard Tanner"


def test_gender_from_the_articles_own_pronouns_when_the_first_name_is_unknown():
    # "Quill" and "Oren" are not in the first-name table; "his" and "her" beside each name tell.
    text = (
        "Quill Marsden opened her bakery on Main Street in 2010. Oren Vasko sold his farm last year.\n\n"
        "The two met at the market on Saturday.\n\n"
        '"Bread is a small miracle," she said.'
    )
    assert speaker_of(text, "small miracle") == "Quill Marsden"


def test_subject_is_preferred_over_a_nearer_object():
    text = (
        "Alan Whitcombe criticised Peter Larkin during the council meeting on Tuesday.\n\n"
        '"That plan will bankrupt the town," he said.'
    )
    assert speaker_of(text, "bankrupt the town") == "Alan Whitcombe"


def test_role_noun_introduced_by_apposition():
    text = (
        "Joanna Pembridge, the city's mayor, opened the new bridge on Friday with Tom Ashby, a local "
        "builder.\n\n"
        "Residents lined both banks of the river to watch the ceremony.\n\n"
        '"This bridge joins two halves of one town," the mayor said.'
    )
    assert speaker_of(text, "two halves") == "Joanna Pembridge"


def test_age_phrase_reaches_the_person_introduced_with_that_age():
    text = (
        "Daniel Ferrand, 34, won the marathon on Sunday, ahead of Luis Okafor, 29.\n\n"
        "The race started in heavy rain.\n\n"
        '"My legs are gone," the 34-year-old said after the race.'
    )
    assert speaker_of(text, "legs are gone") == "Daniel Ferrand"
    assert speaker_of(text.replace("the 34-year-old", "the 29-year-old"), "legs are gone") == "Luis Okafor"


def test_namesakes_are_kept_apart_and_told_apart_by_gender():
    text = (
        "Helen Marlow and her husband, Victor Marlow, own the last cinema in the valley.\n\n"
        '"We will not sell," Mr. Marlow said.\n\n'
        '"People still come on Fridays," Mrs. Marlow said.'
    )
    assert speaker_of(text, "not sell") == "Victor Marlow"
    assert speaker_of(text, "still come") == "Helen Marlow"


def test_bare_surname_of_namesakes_stays_as_written_in_the_entity_table():
    text = (
        "Helen Walker and Victor Walker own the last cinema in the valley. The building was bought by "
        "Walker in 1990.\n\nVisitors are greeted at the door by Helen, who knows every name."
    )
    arts = pd.DataFrame([{"article_id": "c2", "title": "", "text": text, "status": "ok", "outlet": "X"}])
    m = analysis.entity_mentions(arts)
    people = m[m["kind"] == "person"]
    by_text = dict(zip(people["text"], people["canonical"], strict=False))
    assert by_text.get("Walker") == "Walker"  # two people share it: not merged into either
    assert by_text.get("Helen") == "Helen Walker"  # a given name alone beside the full name


def test_single_token_name_is_linked_to_the_one_full_name_of_the_article():
    text = (
        "Dorothea Baker, a retired teacher, has run the library for twenty years. Dorothea says the "
        "books are older than the town hall, and Baker keeps a list of every reader."
    )
    arts = pd.DataFrame([{"article_id": "c3", "title": "", "text": text, "status": "ok", "outlet": "X"}])
    m = analysis.entity_mentions(arts)
    people = m[m["kind"] == "person"]
    assert set(people["canonical"]) == {"Dorothea Baker"}
    assert len(people) == 3


def test_role_phrase_uses_the_state_and_party_the_article_gave():
    text = (
        "Sen. Adela Pennock (D-Ore.) and Sen. Boyd Cranfield (R-Fla.) met on Tuesday to discuss the "
        "fishing bill.\n\n"
        "The talks lasted four hours.\n\n"
        '"We are further apart than ever," the Oregon senator said.\n\n'
        '"There is still time," the Republican senator said.'
    )
    assert speaker_of(text, "further apart") == "Adela Pennock"
    assert speaker_of(text, "still time") == "Boyd Cranfield"


def test_role_phrase_of_no_described_person_is_not_guessed():
    text = (
        "Tom Ashby opened the new bridge on Friday with Joanna Pembridge, the city's mayor.\n\n"
        "Residents lined both banks of the river to watch the ceremony.\n\n"
        '"It is far too narrow for the buses," an official said.\n\n'
        '"The bridge will pay for itself," the campaign said.\n\n'
        '"Nobody asked us," the Texas mayor said.'
    )
    assert speaker_of(text, "far too narrow") not in ("Tom Ashby", "Joanna Pembridge")  # someone new
    assert speaker_of(text, "pay for itself") not in ("Tom Ashby", "Joanna Pembridge")
    assert speaker_of(text, "Nobody asked") not in ("Tom Ashby", "Joanna Pembridge")  # not from Texas


def test_role_phrase_used_for_nobody_goes_to_the_main_person_when_it_fits():
    # the article never calls anyone "the retired engineer": the person it is about, named most often
    text = (
        "Harold Finch opened a repair shop in Brookfield on Monday. Finch, 71, spent forty years at the "
        "railway. Mary Doyle, a neighbour, came to the opening.\n\n"
        "Finch showed the visitors his tools.\n\n"
        '"I never wanted to stop working," the retired engineer said.'
    )
    assert speaker_of(text, "never wanted to stop") == "Harold Finch"
    # a gendered noun that does not fit the main person: not guessed
    text = text.replace("the retired engineer said", "the retired actress said")
    assert speaker_of(text, "never wanted to stop") != "Harold Finch"
