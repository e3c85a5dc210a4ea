"""Sentiment without spaCy: hand-written parses (copied from en_core_web_sm output) and tiny tables."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analysis
from analysis.annotate import ENTITY_COLUMNS, TOKEN_COLUMNS, Annotations
from analysis.measures import sentiment as S
from analysis.measures.sentiment import clause, features, model, targets
from analysis.measures.sentiment import lexicon as vader_lexicon
from analysis.measures.sentiment import sentences as sentences_module

# --------------------------------------------------------------------------- parses

# "The UN commended Norway for its humanitarian aid and condemned Myanmar for the killings."
UN = {
    "text": [
        "The",
        "UN",
        "commended",
        "Norway",
        "for",
        "its",
        "humanitarian",
        "aid",
        "and",
        "condemned",
        "Myanmar",
        "for",
        "the",
        "killings",
        ".",
    ],
    "ws": [True] * 13 + [False, False],
    "head": [1, 2, 2, 2, 2, 7, 7, 4, 2, 2, 9, 9, 13, 11, 2],
    "dep": [
        "det",
        "nsubj",
        "ROOT",
        "dobj",
        "prep",
        "poss",
        "amod",
        "pobj",
        "cc",
        "conj",
        "dobj",
        "prep",
        "det",
        "pobj",
        "punct",
    ],
    "pos": [
        "DET",
        "PROPN",
        "VERB",
        "PROPN",
        "ADP",
        "PRON",
        "ADJ",
        "NOUN",
        "CCONJ",
        "VERB",
        "PROPN",
        "ADP",
        "DET",
        "NOUN",
        "PUNCT",
    ],
    "lemma": [
        "the",
        "UN",
        "commend",
        "Norway",
        "for",
        "its",
        "humanitarian",
        "aid",
        "and",
        "condemn",
        "Myanmar",
        "for",
        "the",
        "killing",
        ".",
    ],
}
# "Meloni met Erdogan, who was furious about the decision."
MELONI = {
    "text": ["Meloni", "met", "Erdogan", ",", "who", "was", "furious", "about", "the", "decision", "."],
    "ws": [True, True, False, True, True, True, True, True, True, False, False],
    "head": [1, 1, 1, 2, 5, 2, 5, 6, 9, 7, 1],
    "dep": ["nsubj", "ROOT", "dobj", "punct", "nsubj", "relcl", "acomp", "prep", "det", "pobj", "punct"],
    "pos": ["PROPN", "VERB", "PROPN", "PUNCT", "PRON", "AUX", "ADJ", "ADP", "DET", "NOUN", "PUNCT"],
    "lemma": ["Meloni", "meet", "Erdogan", ",", "who", "be", "furious", "about", "the", "decision", "."],
}
# "Chancellor Scholz welcomed the agreement, but Viktor Orbán denounced it as a betrayal."
SCHOLZ = {
    "text": [
        "Chancellor",
        "Scholz",
        "welcomed",
        "the",
        "agreement",
        ",",
        "but",
        "Viktor",
        "Orbán",
        "denounced",
        "it",
        "as",
        "a",
        "betrayal",
        ".",
    ],
    "ws": [True, True, True, True, False, True, True, True, True, True, True, True, True, False, False],
    "head": [1, 2, 2, 4, 2, 2, 2, 8, 9, 2, 9, 9, 13, 11, 9],
    "dep": [
        "compound",
        "nsubj",
        "ROOT",
        "det",
        "dobj",
        "punct",
        "cc",
        "compound",
        "nsubj",
        "conj",
        "dobj",
        "prep",
        "det",
        "pobj",
        "punct",
    ],
    "pos": [
        "PROPN",
        "PROPN",
        "VERB",
        "DET",
        "NOUN",
        "PUNCT",
        "CCONJ",
        "PROPN",
        "PROPN",
        "VERB",
        "PRON",
        "ADP",
        "DET",
        "NOUN",
        "PUNCT",
    ],
    "lemma": [
        "Chancellor",
        "Scholz",
        "welcome",
        "the",
        "agreement",
        ",",
        "but",
        "Viktor",
        "Orbán",
        "denounce",
        "it",
        "as",
        "a",
        "betrayal",
        ".",
    ],
}
# "President Lula did not support the proposal."
LULA = {
    "text": ["President", "Lula", "did", "not", "support", "the", "proposal", "."],
    "ws": [True, True, True, True, True, True, False, False],
    "head": [1, 4, 4, 4, 4, 6, 4, 4],
    "dep": ["compound", "nsubj", "aux", "neg", "ROOT", "det", "dobj", "punct"],
    "pos": ["PROPN", "PROPN", "AUX", "PART", "VERB", "DET", "NOUN", "PUNCT"],
    "lemma": ["President", "Lula", "do", "not", "support", "the", "proposal", "."],
}


def _score(parse: dict, span: list[int], **kw) -> float:
    selected = S.select_target_tokens(parse["head"], parse["dep"], parse["pos"], span, **kw)
    return S.score_selection(parse["text"], parse["ws"], selected, parse["lemma"])


def _words(parse: dict, span: list[int]) -> list[str]:
    return [parse["text"][i] for i in S.select_target_tokens(parse["head"], parse["dep"], parse["pos"], span)]


def test_object_of_a_coordinated_verb_gets_only_its_own_verb():
    assert "condemned" not in _words(UN, [3]) and "commended" in _words(UN, [3])
    assert "commended" not in _words(UN, [10]) and "condemned" in _words(UN, [10])
    assert _score(UN, [3]) > 0 > _score(UN, [10])


def test_subject_of_coordinated_verbs_shares_both_predicates():
    words = _words(UN, [1])
    assert "commended" in words and "condemned" in words


def test_coordinated_clause_with_its_own_subject_is_another_actor():
    assert "denounced" not in _words(SCHOLZ, [1])
    assert "welcomed" not in _words(SCHOLZ, [8])
    assert _score(SCHOLZ, [1]) > 0 > _score(SCHOLZ, [7, 8])


def test_relative_clause_on_the_target_stays_and_on_another_noun_goes():
    assert "furious" in _words(MELONI, [2])
    assert "furious" not in _words(MELONI, [0])
    assert _score(MELONI, [2]) < 0
    assert _score(MELONI, [0]) == 0.0


def test_negation_inside_the_clause_is_seen_by_vader():
    assert _words(LULA, [1]) == ["President", "did", "not", "support", "the", "proposal"]
    assert _score(LULA, [1]) < 0


def test_target_tokens_and_punctuation_are_not_scored():
    words = _words(SCHOLZ, [1])
    assert "Scholz" not in words and "," not in words and "but" not in words


def test_window_limits_distance_but_keeps_the_governing_verb():
    selected = S.select_target_tokens(UN["head"], UN["dep"], UN["pos"], [3], window=1)
    assert [UN["text"][i] for i in selected] == ["commended", "for"]


def test_empty_or_out_of_range_span_selects_nothing():
    assert S.select_target_tokens(UN["head"], UN["dep"], UN["pos"], []) == []
    assert S.select_target_tokens(UN["head"], UN["dep"], UN["pos"], [99]) == []


def test_lemma_fallback_only_for_words_missing_from_the_lexicon():
    # "slammed" and "denounced" are not in VADER's lexicon, their lemmas are
    lexicon = vader_lexicon.analyzer().lexicon
    assert "slammed" not in lexicon and "slam" in lexicon and "denounced" not in lexicon
    assert S.score_selection(["slammed"], [False], [0], ["slam"]) < 0
    assert S.score_selection(["slammed"], [False], [0]) == 0.0
    assert (
        S.score_selection(["he", "denounced", "it"], [True, True, False], [0, 1, 2], ["he", "denounce", "it"])
        < 0
    )
    # a word in the lexicon keeps its own valence even when its lemma differs
    assert S.score_selection(["killings"], [False], [0], ["zzz"]) < 0


def test_labels_use_the_documented_thresholds():
    assert S.label_of(S.POSITIVE_THRESHOLD) == "positive"
    assert S.label_of(S.NEGATIVE_THRESHOLD) == "negative"
    assert S.label_of(0.049) == "neutral"
    assert S.label_of(float("nan")) == ""


# --------------------------------------------------------------------------- tables


def _annotations(articles: dict[str, list[tuple[str, dict]]]) -> tuple[pd.DataFrame, Annotations]:
    """Build articles and Annotations from {article_id: [(field, parse) ...]} (one sentence per parse)."""
    token_rows, sentence_rows, texts = [], [], {}
    for article_id, parts in articles.items():
        for field in ("title", "text"):
            sentences = [p for f, p in parts if f == field]
            offset, token_id, chunks = 0, 0, []
            for sentence_id, parse in enumerate(sentences):
                start = offset
                first = token_id
                for i, word in enumerate(parse["text"]):
                    token_rows.append(
                        {
                            "article_id": article_id,
                            "field": field,
                            "sentence_id": sentence_id,
                            "token_id": token_id,
                            "start_char": offset,
                            "end_char": offset + len(word),
                            "text": word,
                            "whitespace": parse["ws"][i],
                            "lemma": parse["lemma"][i],
                            "pos": parse["pos"][i],
                            "tag": "",
                            "dep": parse["dep"][i],
                            "head": first + parse["head"][i],
                            "ent_iob": "O",
                            "ent_type": "",
                            "is_stop": False,
                            "is_punct": parse["pos"][i] == "PUNCT",
                            "like_num": False,
                        }
                    )
                    offset += len(word) + (1 if parse["ws"][i] else 0)
                    token_id += 1
                text = "".join(
                    w + (" " if s else "") for w, s in zip(parse["text"], parse["ws"], strict=True)
                )
                sentence_rows.append(
                    {
                        "article_id": article_id,
                        "field": field,
                        "sentence_id": sentence_id,
                        "start_char": start,
                        "end_char": start + len(text.rstrip()),
                        "text": text.rstrip(),
                    }
                )
                chunks.append(text)
                if not parse["ws"][-1]:
                    chunks.append(" ")
                    offset += 1
            texts[(article_id, field)] = "".join(chunks).rstrip()
    tokens = pd.DataFrame(token_rows, columns=TOKEN_COLUMNS)
    sentences = pd.DataFrame(
        sentence_rows, columns=["article_id", "field", "sentence_id", "start_char", "end_char", "text"]
    )
    ids = list(articles)
    frame = pd.DataFrame(
        {
            "article_id": ids,
            "title": [texts.get((a, "title"), "") for a in ids],
            "text": [texts.get((a, "text"), "") for a in ids],
            "status": "ok",
        }
    )
    return frame, Annotations(tokens, sentences, pd.DataFrame(columns=ENTITY_COLUMNS))


@pytest.fixture()
def corpus():
    return _annotations({"a": [("title", LULA), ("text", UN), ("text", SCHOLZ)], "b": [("text", MELONI)]})


def test_sentence_table_scores_every_sentence_and_caches(corpus, tmp_path, monkeypatch):
    articles, ann = corpus
    first = S.sentiment(articles, level="sentence", annotations=ann, cache_dir=tmp_path)
    assert tuple(first.columns) == S.SENTENCE_SENTIMENT_COLUMNS
    assert len(first) == len(ann.sentences) == 4
    assert first[["article_id", "field", "sentence_id"]].values.tolist() == [
        ["a", "text", 0],
        ["a", "text", 1],
        ["a", "title", 0],
        ["b", "text", 0],
    ]
    assert first["n_words"].tolist() == [14, 13, 7, 9]
    expected = [vader_lexicon.analyzer().polarity_scores(t)["compound"] for t in first["text"]]
    assert first["compound"].tolist() == pytest.approx(expected)
    assert len(list(tmp_path.glob("sentiment/*/*.parquet"))) == 1  # one entry per block of articles

    def boom(texts):
        raise AssertionError("VADER must not run on a cache hit")

    monkeypatch.setattr(sentences_module, "score_texts", boom)
    second = S.sentiment(articles, level="sentence", annotations=ann, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(first, second)


def test_changed_text_misses_the_cache(corpus, tmp_path):
    articles, ann = corpus
    S.sentiment(articles, level="sentence", annotations=ann, cache_dir=tmp_path)
    changed = Annotations(
        ann.tokens, ann.sentences.assign(text=ann.sentences["text"] + " Great!"), ann.entities
    )
    table = S.sentiment(articles, level="sentence", annotations=changed, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("sentiment/*/*.parquet"))) == 2
    assert (table["compound"] > 0).sum() >= 3


def test_article_table_is_length_weighted_over_body_sentences(corpus, tmp_path):
    articles, ann = corpus
    sentences = S.sentiment(articles, level="sentence", annotations=ann, cache_dir=tmp_path)
    table = S.sentiment(articles, annotations=ann, cache_dir=tmp_path)
    assert tuple(table.columns) == S.SENTIMENT_COLUMNS
    assert table["article_id"].tolist() == ["a", "b"]
    body = sentences[(sentences["article_id"] == "a") & (sentences["field"] == "text")]
    row = table.set_index("article_id").loc["a"]
    assert row["n_sentences"] == 2 and row["n_words"] == body["n_words"].sum()
    assert row["compound"] == pytest.approx(np.average(body["compound"], weights=body["n_words"]))
    assert row["compound_low"] <= row["compound"] <= row["compound_high"]
    shares = row[["share_negative", "share_neutral", "share_positive"]].sum()
    assert shares == pytest.approx(1.0)
    with_title = S.sentiment(articles, annotations=ann, cache_dir=tmp_path, include_title=True)
    assert with_title.set_index("article_id").loc["a", "n_sentences"] == 3


def test_article_table_is_deterministic(corpus, tmp_path):
    articles, ann = corpus
    one = S.sentiment(articles, annotations=ann, cache_dir=tmp_path)
    two = S.sentiment(articles, annotations=ann, cache_dir=tmp_path / "other")
    pd.testing.assert_frame_equal(one, two)


def test_non_ok_and_empty_articles_give_no_rows(corpus, tmp_path):
    articles, ann = corpus
    skipped = articles.assign(status=["ok", "duplicate"])
    table = S.sentiment(skipped, annotations=ann, cache_dir=tmp_path)
    assert table["article_id"].tolist() == ["a"]
    empty = pd.DataFrame({"article_id": ["x"], "text": [""], "status": ["ok"]})
    none = Annotations(ann.tokens.iloc[:0], ann.sentences.iloc[:0], ann.entities)
    assert S.sentiment(empty, annotations=none, cache_dir=tmp_path).empty
    assert S.sentiment(empty, level="sentence", annotations=none, cache_dir=tmp_path).empty
    nothing_ok = articles.assign(status="non_english")
    assert analysis.sentiment(nothing_ok, cache_dir=tmp_path).empty  # the facade never parses: no ok row


def test_bad_input_gives_clear_errors(corpus):
    articles, ann = corpus
    with pytest.raises(ValueError, match="article_id"):
        S.sentiment(pd.DataFrame({"body": ["x"]}), annotations=ann)
    with pytest.raises(ValueError, match="level"):
        S.sentiment(articles, level="paragraph", annotations=ann)  # type: ignore[arg-type]


def _mentions(ann: Annotations, rows: list[tuple[str, str, int, str, str]]) -> pd.DataFrame:
    """Mentions for (article_id, field, sentence_id, surface, canonical), located in the token table."""
    out = []
    for article_id, field, sentence_id, surface, canonical in rows:
        toks = ann.tokens[
            (ann.tokens["article_id"] == article_id)
            & (ann.tokens["field"] == field)
            & (ann.tokens["sentence_id"] == sentence_id)
            & (ann.tokens["text"] == surface.split()[-1])
        ]
        end = int(toks["end_char"].iloc[0])
        out.append(
            {
                "article_id": article_id,
                "field": field,
                "sentence_id": sentence_id,
                "start_char": end - len(surface),
                "end_char": end,
                "text": surface,
                "label": "PERSON",
                "canonical": canonical,
                "kind": "person",
                "via": "ner",
            }
        )
    return pd.DataFrame(out)


def test_entity_sentiment_scores_mentions_from_the_token_table(corpus, tmp_path):
    articles, ann = corpus
    mentions = _mentions(
        ann,
        [
            ("a", "text", 0, "Norway", "Norway"),
            ("a", "text", 0, "Myanmar", "Myanmar"),
            ("a", "text", 1, "Scholz", "Olaf Scholz"),
            ("a", "text", 1, "Viktor Orbán", "Viktor Orbán"),
            ("a", "title", 0, "Lula", "Lula"),
            ("b", "text", 0, "Erdogan", "Recep Tayyip Erdoğan"),
        ],
    )
    per_mention = S.entity_sentiment(
        articles, mentions, level="mention", method="vader", annotations=ann, cache_dir=tmp_path
    )
    assert len(per_mention) == len(mentions)
    assert tuple(per_mention.columns[-5:]) == S.RECORD_COLUMNS
    assert per_mention[["p_negative", "p_neutral", "p_positive"]].isna().all().all()  # VADER has none
    score = dict(zip(per_mention["canonical"], per_mention["sentiment"], strict=True))
    assert score["Norway"] == pytest.approx(_score(UN, [3]))
    assert score["Viktor Orbán"] == pytest.approx(_score(SCHOLZ, [7, 8]))
    assert score["Norway"] > 0 > score["Myanmar"]
    assert score["Olaf Scholz"] > 0 > score["Viktor Orbán"]
    assert score["Lula"] < 0 and score["Recep Tayyip Erdoğan"] < 0

    table = S.entity_sentiment(articles, mentions, method="vader", annotations=ann, cache_dir=tmp_path)
    assert tuple(table.columns) == S.ENTITY_SENTIMENT_COLUMNS
    assert len(table) == 6 and table["n_mentions"].sum() == 6
    assert table[["article_id", "canonical"]].equals(
        table[["article_id", "canonical"]].sort_values(["article_id", "canonical"])
    )
    ok = table.dropna(subset=["sentiment"])
    single = ok["n_scored"] < 2  # one mention cannot be resampled into an interval
    assert ok.loc[single, ["sentiment_low", "sentiment_high"]].isna().all().all()
    multi = ok[~single]
    assert (multi["sentiment_low"] <= multi["sentiment"]).all()
    assert (multi["sentiment"] <= multi["sentiment_high"]).all()


def test_entity_sentiment_pools_repeated_mentions_and_corpus_level(corpus, tmp_path):
    articles, ann = corpus
    mentions = _mentions(
        ann,
        [("a", "text", 0, "Norway", "X"), ("a", "text", 0, "Myanmar", "X"), ("b", "text", 0, "Erdogan", "X")],
    )
    table = S.entity_sentiment(articles, mentions, method="vader", annotations=ann, cache_dir=tmp_path)
    row = table.set_index("article_id").loc["a"]
    assert row["n_mentions"] == 2 and row["share_negative"] == 0.5 and row["share_positive"] == 0.5
    corpus_table = S.entity_sentiment(articles, mentions, level="corpus", annotations=ann, cache_dir=tmp_path)
    assert corpus_table["n_articles"].tolist() == [2] and corpus_table["n_mentions"].tolist() == [3]
    by = S.entity_sentiment(
        articles.assign(outlet=["p", "q"]),
        mentions,
        level="corpus",
        by="outlet",
        annotations=ann,
        cache_dir=tmp_path,
    )
    assert by["outlet"].tolist() == ["p", "q"] and by["n_mentions"].tolist() == [2, 1]


def test_entity_sentiment_bad_and_missing_input(corpus, tmp_path):
    articles, ann = corpus
    with pytest.raises(ValueError, match="canonical"):
        S.entity_sentiment(articles, pd.DataFrame({"article_id": ["a"]}), annotations=ann)
    stray = _mentions(ann, [("a", "text", 0, "Norway", "Norway")]).assign(start_char=5000, end_char=5006)
    scored = S.entity_sentiment(articles, stray, level="mention", annotations=ann, cache_dir=tmp_path)
    assert math.isnan(scored["sentiment"].iloc[0])  # not in the token table: NaN, not 0
    assert scored["label"].iloc[0] == ""
    other = _mentions(ann, [("b", "text", 0, "Erdogan", "E")])
    assert S.entity_sentiment(articles.assign(status=["ok", "empty"]), other, annotations=ann).empty


def test_target_sentiment_unknown_target_is_nan_without_parsing(monkeypatch):
    def no_parse(text):
        raise AssertionError("must not parse when the target is absent")

    monkeypatch.setattr(targets, "parse_passage", no_parse)
    for text, target in [("Putin praised the deal.", "Macron"), ("", "Macron"),
                         ("Putin praised the deal.", "  "), ("Putin praised the deal.", "Put")]:  # fmt: skip
        for method in ("model", "vader"):
            record = S.target_sentiment(text, target, method=method)
            assert isinstance(record, S.TargetSentiment) and record.label == ""
            assert math.isnan(record.sentiment) and math.isnan(record.p_negative)
    with pytest.raises(ValueError, match="method"):
        S.target_sentiment("Putin praised the deal.", "Putin", method="bert")  # type: ignore[arg-type]


def test_find_target_prefers_exact_case_and_allows_possessives():
    assert targets.find_target("Macron’s plan and macron", "Macron") == [(0, 6)]
    assert targets.find_target("the KREMLIN said", "Kremlin") == [(4, 11)]
    assert targets.find_target("Vladimir  Putin", "Vladimir Putin") == [(0, 15)]


def test_cache_blocks_hold_a_fixed_number_of_articles(corpus, tmp_path, monkeypatch):
    articles, ann = corpus
    monkeypatch.setattr(sentences_module, "CACHE_CHUNK", 1)
    first = S.sentiment(articles, level="sentence", annotations=ann, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("sentiment/*/*.parquet"))) == 2
    # dropping an article keeps the other article's block valid
    only_a = S.sentiment(articles.iloc[:1], level="sentence", annotations=ann, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("sentiment/*/*.parquet"))) == 2
    pd.testing.assert_frame_equal(only_a, first[first["article_id"] == "a"].reset_index(drop=True))


_WORDS = [
    "not",
    "very",
    "kind",
    "of",
    "but",
    "Great!",
    "bad,",
    "the",
    "deal",
    "n't",
    "no",
    ":)",
    "WAR",
    "-",
    "peace.",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDS) | st.text(max_size=8), max_size=12))
def test_skipping_vader_without_lexicon_words_changes_nothing(words):
    text = " ".join(words)
    if not clause.has_valence(text):
        assert vader_lexicon.analyzer().polarity_scores(text)["compound"] == 0.0
    selected = list(range(len(words)))
    expected = vader_lexicon.analyzer().polarity_scores(text)["compound"] if words else 0.0
    assert S.score_selection(words, [True] * len(words), selected) == pytest.approx(expected)


# --------------------------------------------------------------------------- the trained model


def _model_scores(parse: dict, spans: list[list[int]], weights=None) -> list[S.TargetSentiment]:
    s = features.prepare(
        parse["text"], parse["ws"], parse["lemma"], parse["pos"], parse["dep"], parse["head"]
    )
    used = weights or S.shipped_model()
    out = []
    for span in spans:
        p = used.predict_proba(*features.target_inputs(s, span))
        out.append(S.TargetSentiment(S.label_of(0.0), *map(float, p), float(p[2] - p[0])))
    return out


def test_shipped_model_loads_fast_and_matches_its_version():
    import time

    started = time.perf_counter()
    loaded = S.read_model(model.MODEL_FILE)
    assert time.perf_counter() - started < 1.0
    assert loaded.version == S.MODEL_VERSION and loaded.classes == ("negative", "neutral", "positive")
    assert loaded.coef.shape == (len(loaded.index), 3)
    assert model.MODEL_FILE.stat().st_size < 5_000_000


def test_model_record_from_the_token_table(corpus, tmp_path):
    articles, ann = corpus
    mentions = _mentions(ann, [("a", "text", 0, "Norway", "Norway"), ("a", "text", 0, "Myanmar", "Myanmar"),
                               ("a", "text", 1, "Scholz", "Olaf Scholz"),
                               ("a", "text", 1, "Viktor Orbán", "Viktor Orbán")])  # fmt: skip
    scored = S.entity_sentiment(articles, mentions, level="mention", annotations=ann, cache_dir=tmp_path)
    p = scored[["p_negative", "p_neutral", "p_positive"]].to_numpy()
    assert np.allclose(p.sum(axis=1), 1.0)
    assert np.allclose(scored["sentiment"], p[:, 2] - p[:, 0])
    assert scored["label"].tolist() == [("negative", "neutral", "positive")[i] for i in p.argmax(axis=1)]
    score = dict(zip(scored["canonical"], scored["sentiment"], strict=True))
    # two actors of opposite sentiment in one sentence
    assert score["Norway"] > score["Myanmar"]
    assert score["Olaf Scholz"] > score["Viktor Orbán"]


def test_a_planted_change_in_a_feature_changes_the_output():
    base = S.shipped_model()
    (before,) = _model_scores(UN, [[3]])
    # a planted weight on the target's role/verb pair moves the probabilities toward that class
    planted_index = dict(base.index)
    planted_index["role:dobj|commend"] = len(base.coef)
    coef = np.vstack([base.coef, [[-5.0, 0.0, 5.0]]])
    planted = dataclasses.replace(base, index=planted_index, coef=coef)
    (after,) = _model_scores(UN, [[3]], planted)
    assert "role:dobj|commend" in features.target_features(
        features.prepare(UN["text"], UN["ws"], UN["lemma"], UN["pos"], UN["dep"], UN["head"]), [3]
    )
    assert after.p_positive > before.p_positive and after.sentiment > before.sentiment
    # and the words: "commended" -> "condemned" turns Norway's score down
    condemned = dict(UN, text=[w if w != "commended" else "condemned" for w in UN["text"]],
                     lemma=[w if w != "commend" else "condemn" for w in UN["lemma"]])  # fmt: skip
    (turned,) = _model_scores(condemned, [[3]])
    assert turned.sentiment < before.sentiment


def test_feature_mapping_describes_role_reported_speech_and_lexicon():
    s = features.prepare(MELONI["text"], MELONI["ws"], MELONI["lemma"], MELONI["pos"], MELONI["dep"],
                         MELONI["head"])  # fmt: skip
    erdogan = features.target_features(s, [2])
    assert erdogan["dep:dobj"] == 1.0 and erdogan["role:dobj|meet"] == 1.0
    assert erdogan["lex_own_neg"] > 0  # "furious" in the relative clause on Erdogan
    meloni = features.target_features(s, [0])
    assert "lex_own_neg" not in meloni and meloni["role:nsubj|meet"] == 1.0
    # "X said Y was a liar": Y sits inside what X reports
    said = features.prepare(["Smith", "said", "Jones", "was", "a", "liar"], [True] * 5 + [False],
                            ["Smith", "say", "Jones", "be", "a", "liar"],
                            ["PROPN", "VERB", "PROPN", "AUX", "DET", "NOUN"],
                            ["nsubj", "ROOT", "nsubj", "ccomp", "det", "attr"],
                            [1, 1, 3, 1, 5, 3])  # fmt: skip
    assert features.target_features(said, [0]).get("speaker") == 1.0
    jones = features.target_features(said, [2])
    assert jones.get("reported") == 1.0 and jones["lex_sel_neg"] > 0


# --------------------------------------------------------------------------- word vectors, offline, cache key


def test_model_and_word_vectors_load_without_network(monkeypatch):
    import socket

    from analysis.measures.sentiment import vectors

    def refuse(*args, **kwargs):
        raise OSError("network use in a test that must run offline")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    vectors.glove.cache_clear()
    try:
        loaded = S.read_model(model.MODEL_FILE)
        table, words = vectors.glove()
        assert isinstance(table, np.memmap) and table.shape == (len(words), vectors.DIM)
        assert loaded.dense_coef is not None and loaded.dense_coef.shape == (features.N_DENSE, 3)
        s = features.prepare(UN["text"], UN["ws"], UN["lemma"], UN["pos"], UN["dep"], UN["head"])
        sparse_part, dense_part = features.target_inputs(s, [3])
        assert dense_part.shape == (features.N_DENSE,) and dense_part.any()
        p = loaded.predict_proba(sparse_part, dense_part)
        assert np.isclose(p.sum(), 1.0) and not np.allclose(p, loaded.predict_proba(sparse_part))
    finally:
        vectors.glove.cache_clear()


def test_word_vectors_place_related_words_together():
    from analysis.measures.sentiment import vectors

    ids = vectors.word_ids(["praised", "lauded", "condemned", "Denounced", "qqzzxxq"])
    assert ids[-1] == -1 and (ids[:-1] >= 0).all()
    table, _ = vectors.glove()
    unit = np.asarray(table[ids[:-1]], dtype=float)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    sim = unit @ unit.T
    assert sim[0, 1] > sim[0, 2] and sim[2, 3] > sim[1, 3]  # praise ~ laud, condemn ~ denounce
    means = vectors.mean_vectors([ids[:2], np.array([], dtype=np.int64), ids[2:4]])
    assert np.allclose(means[0], unit[:0].sum(axis=0) + np.asarray(table[ids[:2]], dtype=float).mean(axis=0))
    assert not means[1].any() and means[2].any()
    assert vectors.lookup(["Praised", "qqzzxxq"]) == {"praised": int(ids[0])}


def test_the_model_version_and_its_files_key_the_entity_sentiment_stage(tmp_path):
    import shutil

    from analysis.core import digest
    from analysis.measures.sentiment import entity

    stage_module = "analysis.measures.sentiment.entity"
    used = digest.dependencies(stage_module)
    assert {"analysis.measures.sentiment.model", "analysis.measures.sentiment.vectors",
            "analysis.measures.sentiment.features"} <= set(used)  # fmt: skip
    assert S.MODEL_VERSION in entity.SCORING_VERSION
    assert S.shipped_model().version == S.MODEL_VERSION
    root = tmp_path / "analysis"
    shutil.copytree(digest.PACKAGE_DIR, root, ignore=shutil.ignore_patterns("__pycache__"))
    before = digest.module_digest(stage_module, root=root, data_dir=root / "data")
    path = root / "measures" / "sentiment" / "model.py"
    path.write_text(path.read_text().replace(S.MODEL_VERSION, S.MODEL_VERSION + "-retrained"))
    assert digest.module_digest(stage_module, root=root, data_dir=root / "data") != before
    path.write_text(path.read_text().replace(S.MODEL_VERSION + "-retrained", S.MODEL_VERSION))
    assert digest.module_digest(stage_module, root=root, data_dir=root / "data") == before
    weights = root / "data" / model.MODEL_FILE.name
    weights.write_bytes(weights.read_bytes() + b"\0")  # the shipped weights file is keyed too
    assert digest.module_digest(stage_module, root=root, data_dir=root / "data") != before


def test_a_word_the_sparse_vocabulary_lacks_still_moves_the_score_by_its_meaning():
    # "X extolled Norway" / "X vilified Norway": the verbs are rare in news; their vectors sit near
    # praise / condemn words, so the dense part moves the score where the sparse part cannot
    base = S.shipped_model()

    def parse(verb: str, lemma: str) -> dict:
        return {"text": ["The", "minister", verb, "Norway", "."], "ws": [True, True, True, False, False],
                "lemma": ["the", "minister", lemma, "Norway", "."],
                "pos": ["DET", "NOUN", "VERB", "PROPN", "PUNCT"],
                "dep": ["det", "nsubj", "ROOT", "dobj", "punct"], "head": [1, 2, 2, 2, 2]}  # fmt: skip

    scores = {}
    for verb, lemma in (("extolled", "extol"), ("vilified", "vilify")):
        assert not any(lemma in name.split(":")[-1].split("|") for name in base.index)
        s = features.prepare(**{k: v for k, v in parse(verb, lemma).items()})
        sparse_part, dense_part = features.target_inputs(s, [3])
        assert not any(lemma in key for key in sparse_part if key in base.index)
        scores[verb] = base.predict_proba(sparse_part, dense_part)
    assert scores["extolled"][2] - scores["extolled"][0] > scores["vilified"][2] - scores["vilified"][0]
