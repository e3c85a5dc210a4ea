import math

import numpy as np
import pandas as pd
import pytest

from analysis.annotate import TOKEN_COLUMNS as TOKEN_COLS
from analysis.annotate import Annotations
from analysis.framing.keyness import keyness, log_odds_dirichlet, noun_phrases, top_terms


def make_annotations(docs):
    """docs: {article_id: [(text, lemma, pos, dep, head_offset, is_stop)]} -> Annotations (one sentence)."""
    rows, sents = [], []
    for aid, toks in docs.items():
        pos_char = 0
        for i, (text, lemma, pos, dep, head, stop) in enumerate(toks):
            rows.append(
                [
                    aid,
                    "text",
                    0,
                    i,
                    pos_char,
                    pos_char + len(text),
                    text,
                    True,
                    lemma,
                    pos,
                    "",
                    dep,
                    i + head,
                    "O",
                    "",
                    stop,
                    pos == "PUNCT",
                    False,
                ]
            )
            pos_char += len(text) + 1
        sents.append([aid, "text", 0, 0, pos_char - 1, " ".join(t[0] for t in toks)])
    tokens = pd.DataFrame(rows, columns=TOKEN_COLS)
    sentences = pd.DataFrame(
        sents, columns=["article_id", "field", "sentence_id", "start_char", "end_char", "text"]
    )
    return Annotations(tokens, sentences, pd.DataFrame())


def w(text, pos="NOUN", dep="dobj", head=0, stop=False, lemma=None):
    return (text, lemma or text.lower(), pos, dep, head, stop)


ARTICLES = pd.DataFrame(
    {"article_id": ["a1", "a2"], "outlet": ["A", "B"], "text": ["x", "y"], "status": "ok"}
)
DOCS = {
    "a1": [w("The", "DET", stop=True), w("war"), w("wars", lemma="war"), w("peace"), w(".", "PUNCT")],
    "a2": [
        w("peace"),
        w("Peace", lemma="peace"),
        w("talks", lemma="talk"),
        w("and", "CCONJ", stop=True),
    ],
}


def test_log_odds_matches_hand_computation():
    # Group A: war 2, peace 1 (n=3). Rest B: peace 2, talk 1 (n=3).
    # Prior = corpus counts: war 2, peace 3, talk 1 (alpha0 = 6).
    table = keyness(ARTICLES, annotations=make_annotations(DOCS))
    a = table[table["outlet"] == "A"].set_index("term")
    # war in A: log((2+2)/(3+6-2-2)) - log((0+2)/(3+6-0-2)) = log(4/5) - log(2/7)
    delta_war = math.log(4 / 5) - math.log(2 / 7)
    var_war = 1 / (2 + 2) + 1 / (0 + 2)
    assert a.loc["war", "log_odds"] == pytest.approx(delta_war)
    assert a.loc["war", "variance"] == pytest.approx(var_war)
    assert a.loc["war", "z"] == pytest.approx(delta_war / math.sqrt(var_war))
    # peace in A: log((1+3)/(3+6-1-3)) - log((2+3)/(3+6-2-3)) = log(4/5) - log(5/4)
    delta_peace = math.log(4 / 5) - math.log(5 / 4)
    assert a.loc["peace", "log_odds"] == pytest.approx(delta_peace)
    assert a.loc["peace", "z"] == pytest.approx(delta_peace / math.sqrt(1 / 4 + 1 / 5))
    assert a.loc["war", "count"] == 2 and a.loc["war", "count_rest"] == 0
    assert a.loc["war", "rank"] == 1
    # B's own view is the mirror image for talk, which A never uses
    b = table[table["outlet"] == "B"].set_index("term")
    assert "war" not in b.index  # a group lists only terms it uses
    assert b.loc["talk", "z"] > 0


def test_stop_words_and_punctuation_are_removed_and_evidence_points_to_sentence():
    table = keyness(ARTICLES, annotations=make_annotations(DOCS))
    assert not set(table["term"]) & {"the", "and", "."}
    row = table[(table["outlet"] == "A") & (table["term"] == "war")].iloc[0]
    assert (row["article_id"], row["field"], row["sentence_id"]) == ("a1", "text", 0)
    assert "war" in row["sentence"]


def test_custom_prior_weight_changes_shrinkage():
    strong = keyness(ARTICLES, annotations=make_annotations(DOCS), alpha0=600)
    weak = keyness(ARTICLES, annotations=make_annotations(DOCS), alpha0=0.6)
    zs = strong.set_index(["outlet", "term"])["log_odds"]
    zw = weak.set_index(["outlet", "term"])["log_odds"]
    assert abs(zs[("A", "war")]) < abs(zw[("A", "war")])


def test_log_odds_function_is_symmetric():
    d, v, z = log_odds_dirichlet(np.array([3.0, 1.0]), np.array([1.0, 3.0]), np.array([1.0, 1.0]))
    assert d[0] == pytest.approx(-d[1])
    assert v[0] == pytest.approx(1 / 4 + 1 / 2)


def test_one_group_is_an_error():
    arts = ARTICLES.assign(outlet="A")
    with pytest.raises(ValueError, match="at least two groups"):
        keyness(arts, annotations=make_annotations(DOCS))


def test_bad_unit_and_missing_column():
    with pytest.raises(ValueError, match="unit"):
        keyness(ARTICLES, unit="word", annotations=make_annotations(DOCS))
    with pytest.raises(ValueError, match="event"):
        keyness(ARTICLES, by="event", annotations=make_annotations(DOCS))


def test_non_ok_rows_are_ignored():
    arts = pd.concat(
        [
            ARTICLES,
            pd.DataFrame(
                {"article_id": ["a3"], "outlet": ["C"], "text": ["z"], "status": ["duplicate"]}
            ),
        ]
    )
    table = keyness(arts, annotations=make_annotations(DOCS))
    assert set(table["outlet"]) == {"A", "B"}


def test_input_not_mutated():
    before = ARTICLES.copy()
    keyness(ARTICLES, annotations=make_annotations(DOCS))
    pd.testing.assert_frame_equal(ARTICLES, before)


def test_noun_phrases_from_compound_and_amod_chunks():
    # Russian(amod->President) President(compound->Putin) Vladimir(compound->Putin) Putin
    # met French(amod) leaders
    doc = {
        "n1": [
            w("Russian", "ADJ", "amod", 1),
            w("President", "PROPN", "compound", 2, lemma="President"),
            w("Vladimir", "PROPN", "compound", 1, lemma="Vladimir"),
            w("Putin", "PROPN", "nsubj", 1),
            w("met", "VERB", "ROOT", 0, lemma="meet"),
            w("French", "ADJ", "amod", 1),
            w("leaders", "NOUN", "dobj", -2, lemma="leader"),
        ]
    }
    ann = make_annotations(doc)
    nps = noun_phrases(ann.tokens)
    assert list(nps["term"]) == ["russian president vladimir putin", "french leader"]
    assert nps.iloc[0]["start_char"] == 0 and nps.iloc[1]["n_tokens"] == 2
    arts = pd.DataFrame({"article_id": ["n1", "a2"], "outlet": ["A", "B"], "text": ["x", "y"]})
    ann = make_annotations({**doc, "a2": DOCS["a2"]})
    table = keyness(arts, unit="noun_phrase", entities=True, annotations=ann)
    assert "russian president vladimir putin" in set(table[table["outlet"] == "A"]["term"])
    assert (table["unit"] == "noun_phrase").all()


def test_top_terms_limits_per_group():
    table = keyness(ARTICLES, annotations=make_annotations(DOCS))
    top = top_terms(table, n=1)
    assert list(top["outlet"]) == ["A", "B"]
    assert top.iloc[0]["term"] == "war"


def ent(text, ent_type, lemma=None):
    """A proper-noun token inside a named entity."""
    return (text, lemma or text.lower(), "PROPN", "compound", 0, False, ent_type)


def make_entity_annotations(docs):
    """Like make_annotations, with an entity type per token (7th item, default '')."""
    ann = make_annotations({a: [t[:6] for t in toks] for a, toks in docs.items()})
    types = [t[6] if len(t) > 6 else "" for toks in docs.values() for t in toks]
    tokens = ann.tokens.assign(ent_type=types)
    return Annotations(tokens, ann.sentences, pd.DataFrame())


# invented sentences about a harbour strike, not from the seeds or any development corpus
STRIKE = {
    "a1": [w("Mr.", "PROPN", lemma="Mr."), ent("Okafor", "PERSON"), w("said", "VERB"), w("dockers"),
           w("strike", "VERB"), w("x"), w("--", "PUNCT"), w("3%", "NOUN", lemma="3%"), w("wages"),
           w("Dr.", "PROPN", lemma="Dr."), w("Mrs", "PROPN", lemma="Mrs")],
    "a2": [w("Ms.", "PROPN", lemma="Ms."), ent("Lindqvist", "PERSON"), w("praised", "VERB"),
           w("harbour"), w("owners"), w("b"), w("profits")],
}  # fmt: skip


def test_honorifics_one_letter_and_letterless_tokens_are_never_terms():
    table = keyness(ARTICLES, annotations=make_entity_annotations(STRIKE), entities=True)
    terms = set(table["term"])
    assert {"dockers", "wages", "harbour", "profits"} <= terms
    assert not terms & {"mr.", "mrs", "ms.", "dr.", "x", "b", "--", "3%"}


def test_entities_option_leaves_names_out_by_default_and_says_so():
    ann = make_entity_annotations(STRIKE)
    without = keyness(ARTICLES, annotations=ann)
    assert not set(without["term"]) & {"okafor", "lindqvist"}
    assert (~without["entities"]).all()
    with_names = keyness(ARTICLES, annotations=ann, entities=True)
    assert {"okafor", "lindqvist"} <= set(with_names["term"])
    assert with_names["entities"].all()


def test_term_counts_route_gives_the_same_table_with_and_without_names():
    from analysis.framing.keyness import term_counts

    ann = make_entity_annotations(STRIKE)
    counts = term_counts(ARTICLES, annotations=ann)
    assert counts.loc[counts["term"] == "okafor", "entity"].all()
    assert not counts["term"].isin(["mr.", "x", "3%"]).any()
    for names in (False, True):
        direct = keyness(ARTICLES, annotations=ann, entities=names)
        routed = keyness(ARTICLES, counts, ann.sentences, entities=names)
        pd.testing.assert_frame_equal(direct, routed)
