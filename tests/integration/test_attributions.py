"""Attributions beyond quotation marks, on invented sentences parsed by the spaCy model.

Each case is one article; a positive case names the verb (cue), a fragment of the
reported content and a fragment of the source phrase that the ``quotes`` row must
carry; a negative case names a verb that must not start an attribution.
"""

from __future__ import annotations

import pandas as pd
import pytest

import analysis

pytestmark = pytest.mark.integration

#: (text, kind, cue as written, fragment of the content, fragment of the source phrase)
POSITIVE = [
    ("Maria Lopez said that the bridge would close in May.", "indirect", "said",
     "the bridge would close in May", "Maria Lopez"),
    ("According to the city council, the bridge will close in May.", "indirect", "according to",
     "the bridge will close", "city council"),
    ("Tom Baker told reporters the deal was dead.", "indirect", "told", "the deal was dead", "Tom Baker"),
    ("Senator Jane Roe argued that the new tax was unfair.", "indirect", "argued", "the new tax was unfair",
     "Jane Roe"),
    ("The mayor warned that the river could flood the town.", "indirect", "warned", "the river could flood",
     "mayor"),
    ("Most economists believe the recession is over.", "indirect", "believe", "the recession is over",
     "economists"),
    ("The governor's spokesman said the budget was balanced.", "indirect", "said", "the budget was balanced",
     "spokesman"),
    ("The talks were useful, said Peter Gray, the envoy.", "indirect", "said", "The talks were useful",
     "Peter Gray"),
    ("The risk, the experts said, is a long and costly war.", "indirect", "said", "is a long and costly war",
     "experts"),
    ("Sara Cole vowed to repeal the law next year.", "indirect", "vowed", "repeal the law", "Sara Cole"),
    ("Sara Cole criticized the mayor as weak on crime.", "indirect", "criticized", "the mayor as weak",
     "Sara Cole"),
    ("Tom Baker arrived late. He said he would come back on Friday.", "indirect", "said",
     "he would come back on Friday", "He"),
    ("A new poll shows that most voters distrust the council.", "indirect", "shows",
     "most voters distrust the council", "poll"),
    ("Tom Baker's claim that the vote was rigged angered his rivals.", "indirect", "claim",
     "the vote was rigged", "Tom Baker"),
    # a one-word object, "called for X to", prepositional stances, cue nouns with "of/on"
    ("Governor Ann Wu endorsed Sara Cole last week.", "indirect", "endorsed", "Sara Cole", "Ann Wu"),
    ("Sara Cole is calling for the council to cut the bus fares.", "indirect", "calling",
     "the council to cut", "Sara Cole"),
    ("Tom Baker was referring to the new stadium.", "indirect", "referring", "the new stadium", "Tom Baker"),
    ("Residents cheered Tom Baker's attacks on the council.", "indirect", "attacks", "the council",
     "Tom Baker"),
    ("Sara Cole arrived late. Her suggestion that the vote be delayed was rejected.", "indirect",
     "suggestion", "the vote be delayed", "Her"),
    # modifiers, light verbs, passives, attitude adjectives, "as X said"
    ("A group of unions backing Sara Cole spent heavily on the race.", "indirect", "backing", "Sara Cole",
     "unions"),
    ("Tom Baker told the mayor to resign.", "indirect", "told", "the mayor to resign", "Tom Baker"),
    ("Sara Cole took issue with the ruling.", "indirect", "took", "the ruling", "Sara Cole"),
    ("Tom Baker made the case for a higher minimum wage.", "indirect", "made", "a higher minimum wage",
     "Tom Baker"),
    ("The plan was rejected by the city council on Monday.", "indirect", "rejected", "The plan",
     "city council"),
    ("Sara Cole is eager to leave the race.", "indirect", "eager", "leave the race", "Sara Cole"),
    ("Tom Baker was critical of the new budget.", "indirect", "critical", "the new budget", "Tom Baker"),
    ("Tom Baker is a vocal critic of the stadium deal.", "indirect", "critic", "the stadium deal",
     "Tom Baker"),
    ("As the mayor noted, the bridge was never funded.", "indirect", "noted", "the bridge was never funded",
     "mayor"),
    ("Sara Cole hopes to win the seat.", "indirect", "hopes", "win the seat", "Sara Cole"),
]  # fmt: skip

#: (text, cue as written that must not be an attribution)
NEGATIVE = [
    ("The tax said to be illegal was repealed in March.", "said"),
    ("The bridge is said to be unsafe.", "said"),
    ("Sara Cole did not say that the plan had failed.", "say"),
    ("“I think we will win the seat,” Sara Cole said on Monday.", "think"),
    ("The company made sure that the workers were paid.", "made"),
    ("Sara Cole won Ohio and her home state of Texas.", "state"),
    ("The council made a decision on the budget.", "made"),
]


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    texts = [t for t, *_ in POSITIVE] + [t for t, _ in NEGATIVE]
    arts = pd.DataFrame(
        {
            "article_id": [f"a{i:02d}" for i in range(len(texts))],
            "title": [""] * len(texts),
            "text": texts,
            "status": ["ok"] * len(texts),
        }
    )
    ann = analysis.annotate(arts, cache_dir=tmp_path_factory.mktemp("attributions"))
    return arts, analysis.quotes(arts, annotations=ann)


@pytest.mark.parametrize("case", range(len(POSITIVE)))
def test_attribution_found_with_source_cue_and_content(table, case):
    _, q = table
    text, kind, cue, content, source = POSITIVE[case]
    rows = q[q["article_id"] == f"a{case:02d}"]
    assert len(rows) == 1, rows[["kind", "verb", "quote"]].to_dict("records")
    row = rows.iloc[0]
    assert row["kind"] == kind
    assert row["verb"].lower() == cue
    assert content in text[row["start_char"] : row["end_char"]]
    assert source in text[row["speaker_start_char"] : row["speaker_end_char"]]


@pytest.mark.parametrize("case", range(len(NEGATIVE)))
def test_no_attribution_without_source_or_inside_a_quotation(table, case):
    _, q = table
    _, cue = NEGATIVE[case]
    rows = q[q["article_id"] == f"a{len(POSITIVE) + case:02d}"]
    verbs = [str(v).lower() for v in rows["verb"]]
    assert cue not in verbs, rows[["kind", "verb", "quote"]].to_dict("records")


def test_mixed_attribution_keeps_clause_and_quoted_words_apart(tmp_path):
    text = 'John Park said the plan was "a total disaster" for the town.'
    arts = pd.DataFrame({"article_id": ["m1"], "title": [""], "text": [text], "status": ["ok"]})
    q = analysis.quotes(arts, annotations=analysis.annotate(arts, cache_dir=tmp_path))
    by_kind = {r["kind"]: r for r in q.to_dict("records")}
    assert sorted(by_kind) == ["indirect", "partial"]
    assert text[by_kind["partial"]["start_char"] : by_kind["partial"]["end_char"]] == "a total disaster"
    assert "the plan was" in by_kind["indirect"]["quote"]
    assert {r["speaker_canonical"] for r in by_kind.values()} == {by_kind["indirect"]["speaker_canonical"]}
    assert "John Park" in by_kind["indirect"]["speaker_canonical"]


def test_split_quotation_is_one_attribution(tmp_path):
    text = "“We will win this seat,” Sara Cole said. “The voters are with us.” The count starts at noon."
    arts = pd.DataFrame({"article_id": ["s1"], "title": [""], "text": [text], "status": ["ok"]})
    q = analysis.quotes(arts, annotations=analysis.annotate(arts, cache_dir=tmp_path))
    (row,) = q.to_dict("records")
    assert row["kind"] == "direct"
    assert text[row["start_char"] : row["end_char"]].startswith("We will win")
    assert text[row["start_char"] : row["end_char"]].endswith("with us.")
    assert "Sara Cole" in row["speaker_canonical"]
