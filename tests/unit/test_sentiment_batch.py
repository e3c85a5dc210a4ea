"""The chunk-at-once target-sentiment inputs (``sentiment.batch``) against the one-target reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.measures.sentiment import batch, features
from analysis.measures.sentiment.model import shipped_model
from analysis.measures.sentiment.targets import find_target, parse_passage, score_spans
from analysis.measures.sentiment.vectors import mean_vectors

PASSAGES = {
    "a": "Putin praised the deal while Zelenskyy condemned the strikes. Critics said Putin was a liar, "
    "and the Kremlin denied it. Macron's plan drew no support from Berlin.",
    # the second sentence repeats one of the first passage (wire copy): scored once, given to both
    "b": "The European Commission warned that Orbán could block the sanctions. "
    "Critics said Putin was a liar, and the Kremlin denied it.",
}
TARGETS = ("Putin", "Zelenskyy", "the Kremlin", "Macron", "Berlin", "European Commission", "Orbán",
           "sanctions", "zzz-nowhere")  # fmt: skip


@pytest.fixture(scope="module")
def tables():
    tokens = pd.concat(
        [parse_passage(text).assign(article_id=aid) for aid, text in PASSAGES.items()], ignore_index=True
    )
    spans = [
        {"article_id": aid, "field": "text", "start_char": s, "end_char": e}
        for aid, text in PASSAGES.items()
        for target in TARGETS
        for s, e in find_target(text, target)
    ]
    # a span inside one token, one across a sentence end, one past the text
    spans += [
        {"article_id": "a", "field": "text", "start_char": 1, "end_char": 3},
        {"article_id": "a", "field": "text", "start_char": 55, "end_char": 70},
        {"article_id": "b", "field": "text", "start_char": 10_000, "end_char": 10_005},
    ]
    return tokens, pd.DataFrame(spans)


def reference(tokens, spans, model):
    """One target at a time, as training builds its rows: the (n, features) matrix and dense block."""
    rows = {}
    for row, sentence, span in features.sentence_spans(tokens, spans):
        sparse, groups = features.target_parts(features.prepare(*sentence), span)
        x = np.zeros(len(model.index))
        for name, value in sparse.items():
            if name in model.index:
                x[model.index[name]] = value
        rows[row] = (x, mean_vectors(groups).ravel())
    return rows


def test_batched_inputs_equal_the_one_target_reference(tables):
    tokens, spans = tables
    model = shipped_model()
    ref = reference(tokens, spans, model)
    found, (r, c, v), dense = batch.model_inputs(tokens, spans, model)
    assert sorted(found.tolist()) == sorted(ref) and len(ref) >= 12  # every span with a token, no other
    x = np.zeros((len(found), len(model.index)))
    np.add.at(x, (r, c), v)
    assert len(set(zip(r.tolist(), c.tolist(), strict=True))) == len(r)  # each feature once per span
    for k, row in enumerate(found.tolist()):
        want_x, want_dense = ref[row]
        assert np.allclose(x[k], want_x, rtol=0, atol=1e-12), spans.iloc[row].to_dict()
        assert np.allclose(dense[k], want_dense, rtol=0, atol=1e-12), spans.iloc[row].to_dict()


def test_batched_scores_equal_the_reference_probabilities(tables):
    tokens, spans = tables
    model = shipped_model()
    ref = reference(tokens, spans, model)
    got = score_spans(tokens, spans)
    probs = got[["p_negative", "p_neutral", "p_positive"]].to_numpy()
    for row in range(len(spans)):
        if row not in ref:
            assert np.isnan(probs[row]).all() and got["label"].iloc[row] == ""
            continue
        x, dense = ref[row]
        z = model.intercept + x @ model.coef + model.dense_scale * dense @ model.dense_coef
        want = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        assert np.allclose(probs[row], want, rtol=0, atol=1e-12)


def test_linear_part_of_a_small_sentence_by_hand():
    # "Putin praised the very good deal ." : target Putin (0); the rest is outside the span
    s = features.prepare(["Putin", "praised", "the", "very", "good", "deal", "."], [True] * 6 + [False],
                         ["Putin", "praise", "the", "very", "good", "deal", "."],
                         ["PROPN", "VERB", "DET", "ADV", "ADJ", "NOUN", "PUNCT"],
                         ["nsubj", "ROOT", "det", "advmod", "amod", "dobj", "punct"],
                         [1, 1, 5, 4, 5, 1, 1])  # fmt: skip
    out, regions = features.linear_part(s, {0})
    assert {k for k in out if k.startswith("w:")} == {"w:praise", "w:very"}  # within 3 tokens, no DET
    assert {k for k in out if k.startswith("s:")} == {"s:praise", "s:very", "s:good", "s:deal"}
    assert regions["left"] == [] and regions["right"] == [1, 3, 4, 5]
    weights = {1: 1 / (1 + 1 / 3), 4: 1 / (1 + 4 / 3)}
    valence = {i: s.valence[i] for i in (1, 4)}
    assert np.isclose(out["lex_win_pos"], sum(valence[i] * weights[i] for i in (1, 4)) / 4)
    assert np.isclose(out["lex_all_pos"], sum(valence.values()) / 4) and "lex_all_neg" not in out


def test_locate_at_once_equals_locating_field_by_field(tables):
    tokens, spans = tables
    toks = tokens.sort_values(["article_id", "field", "token_id"], kind="stable").reset_index(drop=True)
    # spans of both articles interleaved, one of a field with no tokens, one before the text
    mixed = pd.concat([spans.iloc[::-1], pd.DataFrame([
        {"article_id": "a", "field": "title", "start_char": 0, "end_char": 5},
        {"article_id": "b", "field": "text", "start_char": -5, "end_char": 2},
    ])], ignore_index=True)  # fmt: skip
    got, want = batch.locate(toks, mixed), batch._locate_by_field(toks, mixed)
    assert len(want.row) >= 12
    for name in ("row", "start", "length", "lo", "hi"):
        assert getattr(got, name).tolist() == getattr(want, name).tolist(), name
