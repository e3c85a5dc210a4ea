"""Unit tests for analysis.framing.labels on an inline token table (no spaCy model)."""

from __future__ import annotations

import pandas as pd
import pytest
from test_quotes import ann_of, article, mentions_of, parse

from analysis.framing.labels import labels, normalise_label

TEXT = "Russian President Vladimir Putin met Dmitry Peskov, the Kremlin spokesman, on Monday."
TOKENS = [
    ("Russian", "russian", "ADJ", "JJ", "amod", 1),
    ("President", "President", "PROPN", "NNP", "compound", 3),
    ("Vladimir", "Vladimir", "PROPN", "NNP", "compound", 3),
    ("Putin", "Putin", "PROPN", "NNP", "nsubj", 4),
    ("met", "meet", "VERB", "VBD", "ROOT", 4),
    ("Dmitry", "Dmitry", "PROPN", "NNP", "compound", 6),
    ("Peskov", "Peskov", "PROPN", "NNP", "dobj", 4),
    (",", ",", "PUNCT", ",", "punct", 6),
    ("the", "the", "DET", "DT", "det", 10),
    ("Kremlin", "Kremlin", "PROPN", "NNP", "compound", 10),
    ("spokesman", "spokesman", "NOUN", "NN", "appos", 6),
    (",", ",", "PUNCT", ",", "punct", 6),
    ("on", "on", "ADP", "IN", "prep", 4),
    ("Monday", "Monday", "PROPN", "NNP", "pobj", 12),
    (".", ".", "PUNCT", ".", "punct", 4),
]


def empty_quotes() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["article_id", "field", "speaker_start_char", "speaker_end_char", "speaker_canonical"]
    )


def test_titles_and_appositives_are_counted_per_outlet():
    ann = ann_of(parse(TEXT, TOKENS))
    m = mentions_of(
        TEXT,
        [("Vladimir Putin", "Vladimir Putin", "person"), ("Dmitry Peskov", "Dmitry Peskov", "person"),
         ("Kremlin", "Kremlin", "organisation")],
    )  # fmt: skip
    out = labels(article(TEXT), m, annotations=ann, quotes=empty_quotes())
    got = {(r.canonical, r.label, r.form) for r in out.itertuples()}
    assert ("Vladimir Putin", "Russian President Vladimir Putin", "title") in got
    assert ("Dmitry Peskov", "Dmitry Peskov", "name") in got
    assert ("Dmitry Peskov", "the Kremlin spokesman", "appositive") in got
    assert set(out["outlet"]) == {"X"}
    assert (out["count"] == 1).all() and (out["n_as_speaker"] == 0).all()
    row = out[out["label"] == "Russian President Vladimir Putin"].iloc[0]
    assert TEXT[row["start_char"] : row["end_char"]] == "Russian President Vladimir Putin"


def test_speaker_phrase_without_mention_is_a_speaker_label():
    ann = ann_of(parse(TEXT, TOKENS))
    m = mentions_of(TEXT, [("Vladimir Putin", "Vladimir Putin", "person")])
    s = TEXT.index("the Kremlin spokesman")
    q = pd.DataFrame(
        {"article_id": ["a1"], "field": ["text"], "speaker_start_char": [s],
         "speaker_end_char": [s + len("the Kremlin spokesman")], "speaker_canonical": ["Dmitry Peskov"]}
    )  # fmt: skip
    out = labels(article(TEXT), m, annotations=ann, quotes=q)
    row = out[out["canonical"] == "Dmitry Peskov"].iloc[0]
    assert (row["label"], row["form"], row["n_as_speaker"]) == ("the Kremlin spokesman", "speaker", 1)


def test_labels_validate_inputs():
    with pytest.raises(ValueError, match="canonical"):
        labels(article(TEXT), pd.DataFrame({"article_id": ["a1"]}))
    out = labels(article(TEXT, status="empty"), mentions_of(TEXT, []))
    assert out.empty and "label" in out.columns


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("The Kremlin’s", "the Kremlin"), ("  Russian  President\nPutin ", "Russian President Putin"),
     ("“his Russian counterpart”", "his Russian counterpart")],
)  # fmt: skip
def test_normalise_label(raw, clean):
    assert normalise_label(raw) == clean
