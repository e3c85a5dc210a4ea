"""Which earlier speaker a quotation without its own attribution takes (invented text, spaCy parse).

Each test states one rule of the carry-over in :mod:`analysis.framing.quotes.detect`; the texts are
invented.
"""

from __future__ import annotations

import pytest
from quote_speakers import speaker_of, speakers

pytestmark = pytest.mark.integration


def test_a_quotation_inside_a_sentence_takes_that_sentences_subject():
    text = (
        '"We will win this district by a wide margin," Mayor Alice Brandt said on Tuesday.\n\n'
        'Tom Okafor handed out leaflets with the slogan "a fantasy built on sand and wishful thinking."'
    )
    assert speaker_of(text, "a fantasy built on sand") == "Tom Okafor"


def test_a_clause_inside_someones_report_stays_the_reporters():
    text = (
        '"The budget is in order," Mayor Alice Brandt said on Tuesday.\n\n'
        'Brandt said it was "absolutely certain" that the auditors would sign off, and that '
        'Tom Okafor faced a "humiliating" week after his claims.'
    )
    found = speakers(text)
    assert speaker_of(text, "humiliating") == "Alice Brandt"
    # the two quoted words of Brandt's one sentence stay one continued quotation
    assert len(found) == 2 and found[1][0].startswith("absolutely certain"), found


def test_a_thing_as_subject_leaves_the_quotation_to_the_last_speaker():
    text = (
        '"We will finish the bridge by June," Mayor Alice Brandt said on Tuesday.\n\n'
        'The bridge would be "the pride of the whole county for a century," she added, and '
        'the work would be "done on time and on budget without any new taxes at all."'
    )
    assert speaker_of(text, "on time and on budget") == "Alice Brandt"


def test_a_crowd_that_chants_or_shouts_speaks_its_words():
    base = '"We will finish the bridge by June," Mayor Alice Brandt said on Tuesday.\n\n'
    for clause in (
        '"No bridge, no peace, no new taxes!" shouted the protesters outside the hall.',
        '"No bridge, no peace, no new taxes!" the protesters chanted outside the hall for an hour.',
    ):
        assert speaker_of(base + clause, "No bridge") == "protesters"


def test_an_attribution_closing_the_sentence_covers_its_first_quotation():
    text = (
        '"We will finish the bridge by June," Mayor Alice Brandt said on Tuesday.\n\n'
        '"All the Bridges We Never Built" was to be a "cautionary tale," said Tom Okafor, its author.'
    )
    assert speaker_of(text, "Bridges We Never Built") == "Tom Okafor"


def test_a_speaker_phrase_with_a_modifier_and_a_verb_of_thought_after_the_quotation():
    text = (
        '"We will finish the bridge by June," Mayor Alice Brandt said on Tuesday.\n\n'
        '"Will she run for the governor\'s office next year?" a council member in the room wondered.'
    )
    assert speaker_of(text, "run for the governor") == "council member"


def test_the_owner_of_an_utterance_noun_speaks_the_quotation_inside_it():
    text = (
        '"We will finish the bridge by June," Mayor Alice Brandt said on Tuesday.\n\n'
        'Voters still remember Tom Okafor\'s "no new taxes, not one cent" promise from last year.'
    )
    assert speaker_of(text, "not one cent") == "Tom Okafor"
