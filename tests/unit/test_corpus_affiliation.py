"""The corpus pass gives an affiliation to a typed row its own article tied to nothing (made-up rows)."""

from __future__ import annotations

import pandas as pd

from analysis.framing.quotes.corpus import corpus_typed, sources


def quotes(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    """``(article_id, speaker_canonical, source_type, type_evidence, speaker_affiliation)`` rows."""
    a, n, t, e, f = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "article_id": a, "speaker_canonical": n, "method": "subject", "source_type": t,
            "type_evidence": e, "speaker_affiliation": f, "speaker_gender": "female",
            "speaker_is_person": True,
        }
    )  # fmt: skip


DESCRIBED = [
    ("a", "Jane Roe", "government", "role", "Freedonia"),
    ("b", "Jane Roe", "government", "role", "Freedonia"),
]


def test_a_typed_row_tied_to_nothing_takes_the_corpus_affiliation_of_the_same_type():
    q = quotes([*DESCRIBED, ("c", "Jane Roe", "government", "role", "unknown")])
    out = corpus_typed(q, sources(None, q))
    assert out["speaker_affiliation"].tolist() == ["Freedonia"] * 3
    assert out["type_evidence"].tolist() == ["role"] * 3  # the article's own type is kept


def test_an_own_affiliation_or_another_type_keeps_the_articles_view():
    q = quotes(
        [
            *DESCRIBED,
            ("c", "Jane Roe", "government", "role", "Sylvania"),  # the article ties her elsewhere
            ("d", "Jane Roe", "expert", "role", "unknown"),  # quoted as another kind of source
        ]
    )
    out = corpus_typed(q, sources(None, q))
    assert out["speaker_affiliation"].tolist() == ["Freedonia", "Freedonia", "Sylvania", "unknown"]


def test_no_corpus_affiliation_leaves_the_row_unknown():
    q = quotes(
        [
            ("a", "Jane Roe", "government", "role", "unknown"),
            ("b", "Jane Roe", "government", "role", "unknown"),
            ("c", "Jane Roe", "government", "role", "unknown"),
        ]
    )
    assert corpus_typed(q, sources(None, q))["speaker_affiliation"].tolist() == ["unknown"] * 3
