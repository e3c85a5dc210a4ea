"""Stage functions never compute their inputs; ``analysis.<stage>`` computes the missing ones by the plan."""

from __future__ import annotations

import pandas as pd
import pytest
from test_quotes import WIRE, WIRE_TOKENS, ann_of, article, mentions_of, parse

import analysis
from analysis.annotate import ENTITY_COLUMNS, Annotations
from analysis.framing.claims import hedged_sentences
from analysis.framing.frames import frame_evidence
from analysis.framing.keyness import keyness
from analysis.framing.labels import label_occurrences, labels
from analysis.framing.quotes import quotes
from analysis.framing.salience import salience
from analysis.pipeline import direct


def test_a_stage_function_without_its_inputs_is_a_clear_error_not_a_parse():
    with pytest.raises(TypeError, match="annotations"):
        quotes(article(WIRE), mentions=mentions_of(WIRE, []))
    with pytest.raises(ValueError, match=r"quotes\(\) needs annotations=.*analysis\.quotes\(articles"):
        quotes(article(WIRE), annotations=None, mentions=mentions_of(WIRE, []))
    with pytest.raises(ValueError, match=r"quotes\(\) needs mentions="):
        quotes(article(WIRE), annotations=ann_of(parse(WIRE, WIRE_TOKENS)), mentions=None)
    with pytest.raises(TypeError, match="annotations"):
        hedged_sentences(article(WIRE))
    two = pd.concat([article(WIRE), article(WIRE, outlet="Y").assign(article_id="a2")], ignore_index=True)
    with pytest.raises(ValueError, match=r"keyness\(\) needs annotations= \(or term_counts="):
        keyness(two)


def test_the_facade_parses_once_when_annotations_are_not_given(monkeypatch):
    ann = ann_of(parse(WIRE, WIRE_TOKENS))
    parsed = []

    def spy(articles, **options):
        parsed.append(list(articles["article_id"]))
        return ann

    monkeypatch.setattr(direct, "annotate", spy)
    mentions = mentions_of(WIRE, [("Peskov", "Peskov", "person")])
    got = analysis.quotes(article(WIRE), mentions=mentions)
    assert parsed == [["a1"]]
    pd.testing.assert_frame_equal(got, quotes(article(WIRE), annotations=ann, mentions=mentions))
    assert got.iloc[0]["speaker"] == "Peskov"


def test_given_inputs_are_used_as_they_are(monkeypatch):
    monkeypatch.setattr(
        direct, "annotate", lambda *a, **k: pytest.fail("parsed although annotations were given")
    )
    ann = ann_of(parse(WIRE, WIRE_TOKENS))
    mentions = mentions_of(WIRE, [("Peskov", "Peskov", "person")])
    direct_call = quotes(article(WIRE), annotations=ann, mentions=mentions)
    pd.testing.assert_frame_equal(
        analysis.quotes(article(WIRE), annotations=ann, mentions=mentions), direct_call
    )
    assert analysis.quotes.__stage__ is quotes.__stage__ and analysis.quotes.__wrapped__ is quotes
    # labels takes annotations but reads them only without label_spans: nothing is parsed here
    spans = label_occurrences(article(WIRE), mentions, annotations=ann, quotes=direct_call)
    plain = labels(article(WIRE), mentions, label_spans=spans)
    pd.testing.assert_frame_equal(analysis.labels(article(WIRE), mentions, label_spans=spans), plain)


def test_missing_inputs_come_from_the_stages_that_provide_them(monkeypatch):
    """``salience`` reads the rule hits (``_frame_evidence``): computed from the annotations given."""
    calls = []
    real = direct.call

    def recording(stage, inputs):
        calls.append(stage.name)
        return real(stage, inputs)

    monkeypatch.setattr(direct, "call", recording)
    toks = parse(WIRE, WIRE_TOKENS)
    sents = pd.DataFrame(
        {"article_id": ["a1"], "field": ["text"], "sentence_id": [0], "start_char": [0],
         "end_char": [len(WIRE)], "text": [WIRE]}
    )  # fmt: skip
    ann = Annotations(toks, sents, pd.DataFrame(columns=ENTITY_COLUMNS))
    mentions = mentions_of(WIRE, [("Peskov", "Peskov", "person")])
    indicator = {"id": "t1", "question": "Does it say something was said?", "any": ["say"]}
    talks = {"type": "story", "label": "Talks", "indicators": [indicator]}
    book = {"name": "t", "version": "1", "frames": {"talks": talks}}
    table = analysis.salience(article(WIRE), mentions, annotations=ann, codebook=book)
    assert calls == ["_frame_evidence"]
    evidence = frame_evidence(article(WIRE), annotations=ann, codebook=book)
    assert len(evidence) > 0
    pd.testing.assert_frame_equal(
        table, salience(article(WIRE), mentions, frames=evidence)
    )
    assert set(table["item_type"]) == {"entity", "frame"}
    with pytest.raises(ValueError, match="needs the articles table"):
        analysis.salience(mentions=mentions, frames=evidence)
