import numpy as np
import pandas as pd
import pytest

from analysis.annotate import TOKEN_COLUMNS as TOKEN_COLS
from analysis.annotate import Annotations
from analysis.framing.frames import CodebookError, frame_evidence, frame_summary, frames, load_codebook


def annotate_inline(docs):
    """docs: {article_id: {field: [[(text, lemma, pos), ...] per sentence]}} -> (texts, Annotations)."""
    rows, sents, texts = [], [], {}
    for aid, fields in docs.items():
        for field, sentences in fields.items():
            text, tid = "", 0
            for sid, sent in enumerate(sentences):
                start = len(text)
                for tok, lemma, pos in sent:
                    s = len(text)
                    text += tok + " "
                    rows.append(
                        [
                            aid,
                            field,
                            sid,
                            tid,
                            s,
                            s + len(tok),
                            tok,
                            True,
                            lemma,
                            pos,
                            "",
                            "dep",
                            tid,
                            "O",
                            "",
                            False,
                            pos == "PUNCT",
                            False,
                        ]
                    )
                    tid += 1
                sents.append([aid, field, sid, start, len(text) - 1, text[start : len(text) - 1]])
            texts[(aid, field)] = text
    ann = Annotations(
        pd.DataFrame(rows, columns=TOKEN_COLS),
        pd.DataFrame(
            sents, columns=["article_id", "field", "sentence_id", "start_char", "end_char", "text"]
        ),
        pd.DataFrame(),
    )
    return texts, ann


def t(words):
    """'Peace/NOUN talks/NOUN:talk' -> [(text, lemma, pos)]"""
    out = []
    for item in words.split():
        surface, _, rest = item.partition("/")
        pos, _, lemma = rest.partition(":")
        out.append((surface, lemma or surface.lower(), pos or "NOUN"))
    return out


BOOK = {
    "frames": {
        "peace": {
            "type": "story",
            "label": "Peace",
            "indicators": [
                {"id": "deal", "question": "A peace deal?", "any": ["peace deal", "truce"]},
                {
                    "id": "offer",
                    "question": "Readiness to talk?",
                    "any": ["talk"],
                    "with": ["ready", "willing"],
                },
            ],
        },
        "war": {
            "type": "generic",
            "indicators": [
                {"id": "strike", "question": "Strikes?", "any": ["strike/NOUN"]},
            ],
        },
    }
}

DOCS = {
    "a1": {
        "title": [t("Peace/NOUN deals/NOUN:deal signed/VERB:sign")],
        "text": [
            t("Moscow/PROPN is/AUX:be ready/ADJ for/ADP talks/NOUN:talk ./PUNCT"),
            t("They/PRON strike/VERB again/ADV ./PUNCT"),
            t("The/DET strike/NOUN hit/VERB ./PUNCT"),
        ],
    },
    "a2": {"text": [t("Talks/NOUN:talk stalled/VERB:stall ./PUNCT")]},
}


@pytest.fixture()
def setup():
    texts, ann = annotate_inline(DOCS)
    arts = pd.DataFrame(
        {
            "article_id": ["a1", "a2"],
            "outlet": ["X", "Y"],
            "title": [texts[("a1", "title")], ""],
            "text": [texts[("a1", "text")], texts[("a2", "text")]],
            "status": ["ok", "ok"],
        }
    )
    return arts, ann


def test_evidence_sentences_contain_the_indicator(setup):
    arts, ann = setup
    ev = frame_evidence(arts, codebook=BOOK, annotations=ann)
    assert set(ev["indicator"]) == {"deal", "offer", "strike"}
    for _, row in ev.iterrows():
        assert (
            row["sentence"][
                row["match_start"] - row["start_char"] : row["match_end"] - row["start_char"]
            ]
            == row["match"]
        )
        field_text = arts.set_index("article_id").loc[row["article_id"], row["field"]]
        assert field_text[row["start_char"] : row["end_char"]] == row["sentence"]
    deal = ev[ev["indicator"] == "deal"].iloc[0]
    assert deal["match"] == "Peace deals" and deal["field"] == "title"  # phrase matched on lemmas


def test_with_rule_and_pos_constraint(setup):
    arts, ann = setup
    ev = frame_evidence(arts, codebook=BOOK, annotations=ann)
    offer = ev[ev["indicator"] == "offer"]
    assert list(offer["article_id"]) == ["a1"]  # a2 talks without readiness does not count
    strike = ev[ev["indicator"] == "strike"]
    assert list(strike["sentence_id"]) == [2]  # the verb "strike" is not the noun


def test_scores_are_share_of_indicators(setup):
    arts, ann = setup
    table = frames(arts, codebook=BOOK, annotations=ann)
    assert len(table) == 4  # every article x frame, zeros included
    row = table[(table["article_id"] == "a1") & (table["frame"] == "peace")].iloc[0]
    assert row["score"] == 1.0 and row["n_fired"] == 2 and row["indicators"] == "deal;offer"
    assert row["field"] == "title" and row["n_evidence_sentences"] == 2
    assert row["evidence"][0][0] == "title"
    none = table[(table["article_id"] == "a2") & (table["frame"] == "peace")].iloc[0]
    assert none["score"] == 0.0 and none["evidence"] == () and pd.isna(none["start_char"])
    assert row["hits_per_1000"] == pytest.approx(1000 * row["n_hits"] / row["n_words"])


def test_summary_single_article_note_and_bootstrap():
    table = pd.DataFrame(
        {
            "outlet": ["X", "X", "X", "Y"],
            "frame": "f",
            "frame_type": "story",
            "label": "F",
            "score": [0.0, 0.5, 1.0, 0.5],
            "hits_per_1000": [0.0, 1.0, 2.0, 3.0],
        }
    )
    s = frame_summary(table, n_boot=200)
    x = s[s["group"] == "X"].iloc[0]
    assert x["n_articles"] == 3 and x["mean_score"] == pytest.approx(0.5)
    assert 0.0 <= x["ci_low"] <= 0.5 <= x["ci_high"] <= 1.0 and x["note"] == ""
    y = s[s["group"] == "Y"].iloc[0]
    assert y["note"] == "single article: no interval" and np.isnan(y["ci_low"])
    pd.testing.assert_frame_equal(s, frame_summary(table, n_boot=200))  # seeded


def test_default_codebook_has_generic_and_story_frames():
    book = load_codebook()
    generic = {f for f, s in book.items() if s["type"] == "generic"}
    assert generic == {"conflict", "responsibility", "economic", "human_interest", "morality"}
    assert {
        "diplomatic_opening",
        "european_role",
        "russian_demands_nato",
        "ceasefire_peace",
        "war_civilian_harm",
    } <= set(book)
    assert all(i["question"] for s in book.values() for i in s["indicators"])


def test_user_codebook_file(tmp_path, setup):
    arts, ann = setup
    path = tmp_path / "book.yaml"
    path.write_text(
        "frames:\n  calm:\n    type: story\n    indicators:\n      - id: stall\n        any: [stall]\n"
    )
    table = frames(arts, codebook=path, annotations=ann)
    assert table.set_index("article_id").loc["a2", "score"] == 1.0


@pytest.mark.parametrize(
    "bad, message",
    [
        ({}, "non-empty 'frames'"),
        ({"frames": {"f": {"indicators": []}}}, "non-empty list"),
        ({"frames": {"f": {"type": "odd", "indicators": [{"id": "i", "any": ["x"]}]}}}, "type"),
        ({"frames": {"f": {"indicators": [{"id": "i", "any": []}]}}}, "empty"),
        ({"frames": {"f": {"indicators": [{"id": "i", "any": [3]}]}}}, "strings"),
    ],
)
def test_bad_codebooks_raise_clear_errors(bad, message):
    with pytest.raises(CodebookError, match=message):
        load_codebook(bad)


def test_missing_codebook_file(tmp_path):
    with pytest.raises(CodebookError, match="not found"):
        load_codebook(tmp_path / "nope.yaml")


def test_non_ok_articles_yield_no_rows(setup):
    arts, ann = setup
    arts = arts.assign(status=["ok", "empty"])
    table = frames(arts, codebook=BOOK, annotations=ann)
    assert set(table["article_id"]) == {"a1"}


def test_negated_hits_are_flagged_but_still_evidence():
    docs = {
        "n1": {
            "text": [
                t("There/PRON is/AUX:be no/DET truce/NOUN yet/ADV ./PUNCT"),
                t("A/DET truce/NOUN holds/VERB:hold ./PUNCT"),
            ]
        }
    }
    texts, ann = annotate_inline(docs)
    arts = pd.DataFrame({"article_id": ["n1"], "text": [texts[("n1", "text")]]})
    ev = frame_evidence(arts, codebook=BOOK, annotations=ann)
    assert list(ev["negated"]) == [True, False]
    assert frames(arts, codebook=BOOK, annotations=ann).set_index("frame").loc["peace", "n_hits"] == 2
