import pandas as pd
import pytest

from analysis.annotate import Annotations
from analysis.framing.claims import THRESHOLD, ClaimOptions, claim_matrix, claims, omissions, similarity

SENTENCES = {
    "a1": [
        "Russian President Vladimir Putin has expressed readiness to engage in bilateral talks with French "
        "President Emmanuel Macron.",
        "The talks are expected to take place with full transparency involving European allies.",
        "Successful negotiations could lead to a more stable environment in Europe.",
    ],
    "a2": [
        "Russian President Vladimir Putin is prepared to hold talks with French President Emmanuel Macron if "
        "there is mutual political will, the Kremlin said on Sunday.",
        "EU leaders agreed on Friday to provide Ukraine with a loan of $105 billion to address "
        "budget shortfalls.",
        "In July, Macron held a two-hour phone call with Putin, their first direct conversation in "
        "three years.",
    ],
    "a3": [
        "The European Union agreed to lend Ukraine 105 billion dollars to cover its budget shortfall.",
        "However, the bloc failed to reach consensus on whether to use frozen Russian assets to "
        "finance the aid.",
    ],
    # same outlet family as a2, copied text, but on another event: must never be compared with a1/a2/a3
    "b1": [
        "EU leaders agreed on Friday to provide Ukraine with a loan of $105 billion to address "
        "budget shortfalls.",
        "Too short.",
    ],
}
OUTLET = {"a1": "X", "a2": "Y", "a3": "Z", "b1": "W"}
EVENT = {"a1": "E1", "a2": "E1", "a3": "E1", "b1": "E2"}


def corpus(sentences=SENTENCES, event=EVENT):
    rows, sents = [], []
    for aid, ss in sentences.items():
        text = ""
        for i, s in enumerate(ss):
            start = len(text)
            text += s + " "
            sents.append([aid, "text", i, start, start + len(s), s])
        rows.append([aid, OUTLET[aid], text, event.get(aid), "ok"])
    arts = pd.DataFrame(rows, columns=["article_id", "outlet", "text", "event", "status"])
    ann = Annotations(
        pd.DataFrame(),
        pd.DataFrame(
            sents, columns=["article_id", "field", "sentence_id", "start_char", "end_char", "text"]
        ),
        pd.DataFrame(),
    )
    return arts, ann


def claim_of(table, aid, sid):
    return table[(table["article_id"] == aid) & (table["sentence_id"] == sid)]["claim_id"].iloc[0]


def test_paraphrase_pair_matches_and_different_facts_do_not():
    arts, ann = corpus()
    table = claims(arts, annotations=ann)
    assert claim_of(table, "a1", 0) == claim_of(
        table, "a2", 0
    )  # Putin ready for talks with Macron, reworded
    assert claim_of(table, "a2", 1) == claim_of(table, "a3", 0)  # the EU loan, reworded
    # same topic (EU money for Ukraine), different fact: the loan vs no consensus on frozen assets
    assert claim_of(table, "a3", 0) != claim_of(table, "a3", 1)
    assert claim_of(table, "a2", 1) != claim_of(table, "a3", 1)


def test_threshold_is_the_documented_cut():
    context = [s for ss in SENTENCES.values() for s in ss]
    para = similarity(SENTENCES["a1"][0], SENTENCES["a2"][0], context=context)
    other = similarity(SENTENCES["a3"][0], SENTENCES["a3"][1], context=context)
    assert para >= THRESHOLD > other
    strict = claims(
        *corpus()[:1], annotations=corpus()[1], options=ClaimOptions(threshold=min(0.99, para + 0.05))
    )
    assert claim_of(strict, "a1", 0) != claim_of(strict, "a2", 0)


def test_blocking_by_story_and_shared_copy():
    arts, ann = corpus()
    table = claims(arts, annotations=ann)
    # b1 repeats a2's sentence word for word but is on another event, covered by one outlet only:
    # not a comparable story, so none of its sentences is a claim
    assert "b1" not in set(table["article_id"])
    assert set(table["story"]) == {"E1"}
    arts2 = arts.assign(event=arts["event"].replace("E2", "E1"))
    table2 = claims(arts2, annotations=ann)
    assert claim_of(table2, "b1", 0) == claim_of(table2, "a2", 1)
    assert table2[(table2["article_id"] == "b1") & (table2["sentence_id"] == 0)]["shared_copy"].iloc[0]
    assert not table2[(table2["article_id"] == "a1")]["shared_copy"].any()


def test_short_sentences_are_not_claims_and_evidence_offsets_hold():
    arts, ann = corpus()
    table = claims(arts, annotations=ann)
    assert "Too short." not in set(table["sentence"])
    text = arts.set_index("article_id")["text"]
    for _, r in table.iterrows():
        assert text[r["article_id"]][r["start_char"] : r["end_char"]] == r["sentence"]


def test_stories_table_decides_what_is_compared():
    arts, ann = corpus(event={})
    given = pd.DataFrame(
        {"article_id": ["a1", "a2", "a3", "b1"], "story": ["S", "S", None, None],
         "comparable": [True, True, False, False]}
    )  # fmt: skip
    table = claims(arts, ann.sentences, None, given, annotations=ann)
    assert set(table["article_id"]) == {"a1", "a2"} and set(table["story"]) == {"S"}
    assert claim_of(table, "a1", 0) == claim_of(table, "a2", 0)
    with pytest.raises(ValueError, match="stories needs columns"):
        claims(arts, annotations=ann, stories=given.drop(columns="comparable"))


def test_matrix_and_omissions():
    arts, ann = corpus()
    table = claims(arts, annotations=ann)
    matrix = claim_matrix(table)
    loan = claim_of(table, "a2", 1)
    row = matrix[matrix["claim_id"] == loan].iloc[0]
    assert (row["Y"], row["Z"], row["X"]) == (1, 1, 0)
    assert "W" not in matrix.columns  # W's only story (E2) is covered by W alone: not compared
    om = omissions(arts, table)
    x = om[om["outlet"] == "X"]
    assert loan in set(x["claim_id"])
    ev = x[x["claim_id"] == loan].iloc[0]
    assert ev["carried_by"] == "Y;Z" and ev["n_outlets_carrying"] == 2 and "loan" in ev["sentence"]
    assert not (om["outlet"] == "W").any()  # W covers no comparable story
    only_two = omissions(arts, table, min_outlets=2)
    # claims carried by two outlets: the loan (X omits it) and Putin-Macron talks (Z omits it)
    assert set(zip(only_two["outlet"], only_two["claim_id"], strict=True)) == {
        ("X", loan),
        ("Z", claim_of(table, "a1", 0)),
    }


def test_bad_options_and_empty_input():
    arts, ann = corpus()
    with pytest.raises(ValueError, match="thresholds"):
        claims(arts, annotations=ann, options=ClaimOptions(threshold=0))
    with pytest.raises(ValueError, match="k must"):
        claims(arts, annotations=ann, options=ClaimOptions(k=0))
    empty = claims(arts.assign(status="empty"), annotations=ann)
    assert empty.empty and "claim_id" in empty.columns
    assert omissions(arts, empty).empty
