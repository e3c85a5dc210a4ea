"""Property tests: messy sentences never break claims/omissions, and the partition is sound."""

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.annotate import Annotations
from analysis.framing.claims import ClaimOptions, claims, omissions

WORDS = [
    "Putin",
    "Macron",
    "talks",
    "ceasefire",
    "Kyiv",
    "loan",
    "said",
    "the",
    "über",
    "Élysée",
    "—",
    "“",
    "105",
    "$",
    "\u200b",
    "don’t",
    "re-engage",
    "NATO",
]
sentence = st.lists(st.sampled_from(WORDS) | st.text(max_size=8), min_size=0, max_size=14).map(" ".join)
article = st.tuples(
    st.sampled_from(["X", "Y", "Z"]),
    st.sampled_from(["E1", "E2", None, ""]),
    st.lists(sentence, min_size=0, max_size=5),
)


def build(arts):
    rows, sents = [], []
    for i, (outlet, event, ss) in enumerate(arts):
        aid, text = f"a{i}", ""
        for j, s in enumerate(ss):
            start = len(text)
            text += s + " "
            sents.append([aid, "text", j, start, start + len(s), s])
        rows.append([aid, outlet, text, event, "ok"])
    arts = pd.DataFrame(rows, columns=["article_id", "outlet", "text", "event", "status"])
    cols = ["article_id", "field", "sentence_id", "start_char", "end_char", "text"]
    return arts, Annotations(pd.DataFrame(), pd.DataFrame(sents, columns=cols), pd.DataFrame())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(article, min_size=1, max_size=6), st.floats(0.05, 1.0), st.integers(1, 4))
def test_every_sentence_gets_one_claim_within_one_story(arts, threshold, k):
    articles, ann = build(arts)
    table = claims(articles, annotations=ann, options=ClaimOptions(threshold=threshold, k=k, min_words=1))
    assert not table.duplicated(["article_id", "field", "sentence_id"]).any()
    assert (table.groupby("claim_id")["story"].nunique() <= 1).all()
    assert (table["n_outlets"] >= 1).all() and (table["n_outlets"] <= table["n_sentences"]).all()
    text = articles.set_index("article_id")["text"]
    for _, r in table.iterrows():
        assert text[r["article_id"]][r["start_char"] : r["end_char"]] == r["sentence"]
    om = omissions(articles, table)
    if len(om):  # an outlet never omits a claim it carries
        carried = table.groupby("claim_id")["outlet"].agg(set)
        assert all(o not in carried[c] for o, c in zip(om["outlet"], om["claim_id"], strict=True))
