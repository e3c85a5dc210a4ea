"""Property tests: frames on messy token tables stay within bounds and point at real text."""

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.annotate import TOKEN_COLUMNS as TOKEN_COLS
from analysis.annotate import Annotations
from analysis.framing.frames import frame_evidence, frames

LEXICON = [
    ("ceasefire", "NOUN"),
    ("talks", "NOUN"),
    ("ready", "ADJ"),
    ("strike", "NOUN"),
    ("strike", "VERB"),
    ("NATO", "PROPN"),
    ("war", "NOUN"),
    ("peace", "NOUN"),
    ("deal", "NOUN"),
    (".", "PUNCT"),
    ("\n\n", "SPACE"),
    ("civilian", "ADJ"),
    ("de", "X"),
    ("-", "PUNCT"),
    ("escalation", "NOUN"),
    ("Élysée", "PROPN"),
    ("billion", "NUM"),
    ("God", "PROPN"),
]
token = st.sampled_from(LEXICON) | st.tuples(
    st.text(min_size=1, max_size=6).filter(str.strip), st.sampled_from(["NOUN", "VERB", "X"])
)


def build(docs):
    rows, sents, arts = [], [], []
    for i, sentences in enumerate(docs):
        aid, text, tid = f"a{i}", "", 0
        for sid, toks in enumerate(sentences):
            start = len(text)
            for surface, pos in toks:
                s = len(text)
                text += surface + " "
                rows.append(
                    [
                        aid,
                        "text",
                        sid,
                        tid,
                        s,
                        s + len(surface),
                        surface,
                        True,
                        surface.lower(),
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
            sents.append(
                [aid, "text", sid, start, max(start, len(text) - 1), text[start : len(text) - 1]]
            )
        arts.append([aid, "X" if i % 2 else "Y", text])
    ann = Annotations(
        pd.DataFrame(rows, columns=TOKEN_COLS),
        pd.DataFrame(
            sents, columns=["article_id", "field", "sentence_id", "start_char", "end_char", "text"]
        ),
        pd.DataFrame(),
    )
    return pd.DataFrame(arts, columns=["article_id", "outlet", "text"]), ann


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.lists(token, min_size=1, max_size=10), min_size=1, max_size=4),
        min_size=1,
        max_size=4,
    )
)
def test_scores_bounded_and_evidence_real(docs):
    arts, ann = build(docs)
    table = frames(arts, annotations=ann)
    assert table["score"].between(0, 1).all()
    assert (table["n_fired"] <= table["n_indicators"]).all()
    assert ((table["score"] > 0) == (table["n_evidence_sentences"] > 0)).all()
    ev = frame_evidence(arts, annotations=ann)
    text = arts.set_index("article_id")["text"]
    for _, r in ev.iterrows():
        assert text[r["article_id"]][r["match_start"] : r["match_end"]] == r["match"]
        assert r["start_char"] <= r["match_start"] < r["match_end"] <= r["end_char"]
