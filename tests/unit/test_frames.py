import numpy as np
import pandas as pd
import pytest

from analysis import config
from analysis.annotate import TOKEN_COLUMNS as TOKEN_COLS
from analysis.annotate import Annotations
from analysis.framing.frames import (
    DEFAULT_CODEBOOK,
    CodebookError,
    codebook_digest,
    frame_evidence,
    frame_prevalence,
    frame_summary,
    frames,
    load_codebook,
    read_codebook,
    resolve_codebook,
)


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
    assert row["hits_per_1000_words"] == pytest.approx(1000 * row["n_hits"] / row["n_words"])


def test_summary_single_article_note_and_bootstrap():
    table = pd.DataFrame(
        {
            "outlet": ["X", "X", "X", "Y"],
            "frame": "f",
            "frame_type": "story",
            "label": "F",
            "score": [0.0, 0.5, 1.0, 0.5],
            "hits_per_1000_words": [0.0, 1.0, 2.0, 3.0],
        }
    )
    s = frame_summary(table, n_boot=200)
    x = s[s["outlet"] == "X"].iloc[0]
    assert x["n_articles"] == 3 and x["mean_score"] == pytest.approx(0.5)
    assert 0.0 <= x["mean_score_low"] <= 0.5 <= x["mean_score_high"] <= 1.0 and x["note"] == ""
    y = s[s["outlet"] == "Y"].iloc[0]
    assert y["note"] == "single article: no interval" and np.isnan(y["mean_score_low"])
    pd.testing.assert_frame_equal(s, frame_summary(table, n_boot=200))  # seeded


GENERAL_FRAMES = {
    "conflict", "human_interest", "responsibility", "economic", "morality", "capacity_resources",
    "fairness_equality", "legality", "policy_prescription", "crime_punishment", "security_defense",
    "health_safety", "quality_of_life", "cultural_identity", "public_opinion", "political",
    "external_regulation",
}  # fmt: skip


def test_default_codebook_holds_the_17_general_frames_only():
    info = read_codebook()
    assert set(info["frames"]) == GENERAL_FRAMES
    assert all(s["type"] == "generic" for s in info["frames"].values())
    assert all(i["question"] for s in info["frames"].values() for i in s["indicators"])
    assert info["name"] and info["version"]


def test_seed_codebook_extends_the_default_with_story_frames():
    info = read_codebook(resolve_codebook(config.SEEDS_DIR))
    story = {f for f, s in info["frames"].items() if s["type"] == "story"}
    assert story == {"diplomatic_opening", "european_role", "russian_demands_nato", "ceasefire_peace",
                     "war_civilian_harm"}  # fmt: skip
    assert GENERAL_FRAMES <= set(info["frames"])
    assert list(info["frames"])[: len(GENERAL_FRAMES)] == list(read_codebook()["frames"])


def test_resolve_codebook_explicit_beats_corpus_file_beats_default(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Text.")
    assert resolve_codebook(corpus) == DEFAULT_CODEBOOK
    assert resolve_codebook(corpus / "a.txt") == DEFAULT_CODEBOOK
    (corpus / "codebook.yaml").write_text("frames:\n  f:\n    indicators:\n      - id: i\n        any: [x]\n")
    assert resolve_codebook(corpus) == corpus / "codebook.yaml"
    assert resolve_codebook(corpus / "a.txt") == corpus / "codebook.yaml"  # a file's folder
    mine = tmp_path / "mine.yaml"
    assert resolve_codebook(corpus, mine) == mine
    assert resolve_codebook(pd.DataFrame()) == DEFAULT_CODEBOOK


def test_codebook_digest_follows_content_not_path(tmp_path):
    text = "name: t\nversion: '1'\nframes:\n  f:\n    indicators:\n      - id: i\n        any: [x]\n"
    (tmp_path / "a.yaml").write_text(text)
    (tmp_path / "b.yaml").write_text(text)
    (tmp_path / "c.yaml").write_text(text.replace("[x]", "[y]"))
    assert codebook_digest(tmp_path / "a.yaml") == codebook_digest(tmp_path / "b.yaml")
    assert codebook_digest(tmp_path / "a.yaml") != codebook_digest(tmp_path / "c.yaml")
    assert codebook_digest(tmp_path / "a.yaml") != codebook_digest(None)


def test_frames_output_names_the_codebook(tmp_path, setup):
    arts, ann = setup
    path = tmp_path / "book.yaml"
    path.write_text(
        "name: My story\nversion: '3'\nframes:\n  calm:\n    indicators:\n      - id: stall\n"
        "        any: [stall]\n"
    )
    table = frames(arts, codebook=path, annotations=ann)
    assert set(table["codebook"]) == {"My story"} and set(table["codebook_version"]) == {"3"}


def test_the_default_codebooks_validity_marks_agree_with_the_validation_table():
    from analysis.report.validation import read_validation

    marks = {f: spec["validity"] for f, spec in read_codebook()["frames"].items()}
    table = read_validation()
    statuses = table[table["measure"] == "frame"].groupby("category")["status"].agg(set)
    assert set(statuses.index) == set(marks)  # every default frame has validation rows, and only those
    for frame, status in statuses.items():
        assert status == {marks[frame]}, (frame, marks[frame], status)
    # the marks are not all the same: some frames are weak, and the reports show which
    assert {"validated", "exploratory"} <= set(marks.values())


def test_a_codebook_without_validity_marks_its_frames_not_validated_and_a_bad_mark_is_an_error(tmp_path):
    text = "name: t\nframes:\n  f:\n    indicators:\n      - id: i\n        any: [x]\n"
    (tmp_path / "plain.yaml").write_text(text)
    assert read_codebook(tmp_path / "plain.yaml")["frames"]["f"]["validity"] == "not validated"
    # extends: the general frames keep their marks, the corpus's own frame has none
    (tmp_path / "ext.yaml").write_text("extends: default\n" + text)
    book = read_codebook(tmp_path / "ext.yaml")["frames"]
    assert book["f"]["validity"] == "not validated"
    general = read_codebook()["frames"]
    assert all(book[f]["validity"] == general[f]["validity"] for f in general)
    (tmp_path / "bad.yaml").write_text(text.replace("  f:\n", "  f:\n    validity: great\n"))
    with pytest.raises(CodebookError, match="frame 'f': validity must be one of"):
        read_codebook(tmp_path / "bad.yaml")
    # a changed mark changes the digest (the frames table carries it, so its cache must follow)
    (tmp_path / "marked.yaml").write_text(text.replace("  f:\n", "  f:\n    validity: exploratory\n"))
    assert codebook_digest(tmp_path / "marked.yaml") != codebook_digest(tmp_path / "plain.yaml")


def test_frames_and_their_summary_carry_each_frames_validity(tmp_path, setup):
    arts, ann = setup
    path = tmp_path / "book.yaml"
    path.write_text(
        "name: s\nframes:\n  calm:\n    validity: exploratory\n    indicators:\n      - id: stall\n"
        "        any: [stall]\n  other:\n    indicators:\n      - id: x\n        any: [x]\n"
    )
    table = frames(arts, codebook=path, annotations=ann)
    assert dict(zip(table["frame"], table["validity"], strict=True)) == {"calm": "exploratory",
                                                                          "other": "not validated"}
    summary = frame_summary(table, n_boot=50)
    assert dict(zip(summary["frame"], summary["validity"], strict=True)) == {"calm": "exploratory",
                                                                            "other": "not validated"}
    # a frames table made without the column still summarises
    assert set(frame_summary(table.drop(columns="validity"), n_boot=50)["validity"]) == {"not validated"}


def test_prevalence_flags_frames_that_fire_almost_everywhere_or_almost_nowhere():
    n = 40
    table = pd.DataFrame(
        {
            "article_id": [f"a{i}" for i in range(n)] * 3,
            "frame": ["everywhere"] * n + ["middle"] * n + ["rare"] * n,
            "label": ["E"] * n + ["M"] * n + ["R"] * n,
            "score": [1.0] * 33 + [0.0] * 7 + [1.0] * 20 + [0.0] * 20 + [1.0] + [0.0] * 39,
        }
    )
    prev = frame_prevalence(table).set_index("frame")
    assert prev.loc["everywhere", "share_with_frame"] == pytest.approx(33 / 40)
    assert "does not tell outlets apart" in prev.loc["everywhere", "flag"]
    assert prev.loc["middle", "flag"] == ""
    assert "rare" in prev.loc["rare", "flag"]


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
