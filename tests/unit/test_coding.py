import numpy as np
import pandas as pd
import pytest

from analysis.framing.coding import CodingGuide, agreement, coding_sample

SENTS = pd.DataFrame(
    {
        "article_id": [f"a{i % 3}" for i in range(30)],
        "field": "text",
        "sentence_id": list(range(30)),
        "start_char": [10 * i for i in range(30)],
        "end_char": [10 * i + 9 for i in range(30)],
        "text": [f"sentence {i}" for i in range(30)],
    }
)
ARTICLES = pd.DataFrame({"article_id": ["a0", "a1", "a2"], "outlet": ["X", "Y", "Y"]})


TWO = CodingGuide(codes=("conflict", "morality"))

def test_stratified_sample_is_seeded_and_has_empty_codes(tmp_path):
    path = tmp_path / "sample.csv"
    s = coding_sample(
        SENTS, n=4, articles=ARTICLES, guide=CodingGuide(codes=("conflict", "code_morality")), path=path,
        seed=7,
    )
    assert s["outlet"].value_counts().to_dict() == {"X": 4, "Y": 4}
    assert list(s.columns[-4:]) == ["code_conflict", "code_morality", "coder", "notes"]
    assert (s[["code_conflict", "code_morality", "coder", "notes"]] == "").all().all()
    assert s["coding_id"].is_unique and s["coding_id"].iloc[0] == "U0001"
    pd.testing.assert_frame_equal(
        s, coding_sample(SENTS, n=4, articles=ARTICLES, guide=TWO, seed=7)
    )
    assert not s.equals(
        coding_sample(SENTS, n=4, articles=ARTICLES, guide=TWO, seed=8)
    )
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(back["coding_id"]) == list(s["coding_id"])
    instructions = (tmp_path / "sample.instructions.txt").read_text()
    assert (
        "code_conflict" in instructions and "disagreement" in instructions
    )  # codebook question included


def test_small_stratum_is_taken_whole_and_errors():
    s = coding_sample(SENTS.head(4), n=10, articles=ARTICLES, guide=CodingGuide(codes=["x"]))
    assert len(s) == 4
    with pytest.raises(ValueError, match="strata"):
        coding_sample(SENTS, n=2, guide=CodingGuide(codes=["x"]))
    with pytest.raises(ValueError, match="n must"):
        coding_sample(SENTS, n=0, articles=ARTICLES)


def coded(sample, coder, values):
    out = sample.copy()
    out["code_conflict"] = values
    out["coder"] = coder
    return out


def test_alpha_between_coders_and_against_auto(tmp_path):
    sample = coding_sample(SENTS, n=5, articles=ARTICLES, guide=CodingGuide(codes=["conflict"]))
    v = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 0])
    ann = coded(sample, "ann", [str(x) for x in v])
    bob = coded(
        sample, "", ["yes" if x else "no" for x in v]
    )  # same codes, other spelling, name from file
    ann.to_csv(tmp_path / "ann.csv", index=False)
    bob.to_csv(tmp_path / "bob.csv", index=False)
    auto = sample[["coding_id"]].assign(conflict=1 - v)  # machine disagrees everywhere
    table = agreement([tmp_path / "ann.csv", tmp_path / "bob.csv"], auto=auto).set_index("comparison")
    assert table.loc["coders", "alpha"] == pytest.approx(1.0)
    assert table.loc["coders", "raters"] == "ann;bob" and table.loc["coders", "n_units"] == 10
    assert table.loc["ann vs auto", "alpha"] < 0
    assert table.loc["ann vs auto", "percent_agreement"] == 0.0
    import krippendorff

    m = np.vstack([v, v, 1 - v]).astype(float)
    assert table.loc["coders + auto", "alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=m, level_of_measurement="nominal")
    )


def test_missing_codes_and_auto_from_frame_evidence():
    sample = coding_sample(SENTS, n=5, articles=ARTICLES, guide=CodingGuide(codes=["conflict"]))
    v = ["1", "", "0", "1", "0", "1", "0", "0", "1", "1"]
    ann = coded(sample, "ann", v)
    hits = sample[[x == "1" for x in v]][["article_id", "field", "sentence_id"]].assign(frame="conflict")
    table = agreement(ann, auto=hits).set_index("comparison")
    assert table.loc["ann vs auto", "alpha"] == pytest.approx(1.0)
    assert table.loc["ann vs auto", "n_units"] == 9  # the blank is missing, not a zero


def test_undefined_alpha_is_reported_not_raised():
    sample = coding_sample(SENTS, n=3, articles=ARTICLES, guide=CodingGuide(codes=["conflict"]))
    table = agreement([coded(sample, "a", "1"), coded(sample, "b", "1")])
    assert np.isnan(table["alpha"].iloc[0]) and "undefined" in table["note"].iloc[0]
    assert table["percent_agreement"].iloc[0] == 1.0


def test_bad_coded_input():
    with pytest.raises(ValueError, match="coding_id"):
        agreement(pd.DataFrame({"code_x": ["1"]}))
    with pytest.raises(FileNotFoundError):
        agreement(["/nonexistent/coded.csv"])


def test_quote_sample_with_category_codes_against_automatic_kinds():
    quotes = pd.DataFrame(
        {
            "article_id": ["a0", "a1", "a2", "a0", "a1", "a2"],
            "start_char": [0, 5, 9, 20, 30, 40],
            "end_char": [4, 8, 15, 25, 35, 45],
            "quote": ["q1", "q2", "q3", "q4", "q5", "q6"],
            "kind": ["direct", "indirect", "partial", "direct", "direct", "indirect"],
        }
    )
    sample = coding_sample(quotes, n=3, articles=ARTICLES, guide=CodingGuide(codes=["kind"]))
    assert "quote" in sample.columns and "code_kind" in sample.columns
    auto = sample[["coding_id"]].assign(
        kind=sample["quote"].map(dict(zip(quotes["quote"], quotes["kind"], strict=True)))
    )
    human = sample.assign(code_kind=auto["kind"].to_numpy(), coder="ann")
    table = agreement(human, auto=auto).set_index("comparison")
    assert table.loc["ann vs auto", "alpha"] == pytest.approx(1.0)
    wrong = human.assign(code_kind=["direct"] * len(human))
    assert agreement(wrong, auto=auto).set_index("comparison").loc["ann vs auto", "alpha"] < 1.0


def test_quote_sample_defaults_to_quote_codes_and_matches_auto_by_offsets(tmp_path):
    quotes = pd.DataFrame(
        {
            "article_id": ["a0", "a1", "a2", "a0"],
            "start_char": [0, 5, 9, 20],
            "end_char": [4, 8, 15, 25],
            "quote": ["q1", "q2", "q3", "q4"],
            "kind": ["direct", "indirect", "partial", "direct"],
            "speaker_canonical": ["Dmitry Peskov", "Kremlin", "Emmanuel Macron", "Dmitry Peskov"],
        }
    )
    sample = coding_sample(quotes, n=5, articles=ARTICLES, path=tmp_path / "q.csv")
    assert [c for c in sample.columns if c.startswith("code_")] == [
        "code_kind",
        "code_speaker_canonical",
    ]
    assert (
        "kind" not in sample.columns and "speaker_canonical" not in sample.columns
    )  # coders code blind
    assert "indirect" in (tmp_path / "q.instructions.txt").read_text()
    coded = sample.merge(quotes, on=["article_id", "start_char", "end_char", "quote"])
    coded = sample.assign(
        code_kind=coded["kind"].to_numpy(), code_speaker_canonical="Dmitry Peskov", coder="c"
    )
    table = agreement(coded, auto=quotes).set_index(["code", "comparison"])
    assert table.loc[("code_kind", "c vs auto"), "alpha"] == pytest.approx(1.0)
    assert table.loc[("code_speaker_canonical", "c vs auto"), "percent_agreement"] == pytest.approx(0.5)


def test_coding_sheets_take_their_instructions_from_the_runs_codebook_and_taxonomy(tmp_path):
    book = {
        "name": "match reports",
        "frames": {
            "rivalry": {
                "type": "story",
                "indicators": [{"id": "r1", "question": "Does the unit set two clubs against each other?",
                                "any": ["derby"]}],
            }
        },
    }  # fmt: skip
    guide = CodingGuide(codebook=book)
    sample = coding_sample(SENTS, n=2, articles=ARTICLES, guide=guide, path=tmp_path / "s.csv")
    assert [c for c in sample.columns if c.startswith("code_")] == ["code_rivalry"]  # the run's frames
    assert "set two clubs against each other" in (tmp_path / "s.instructions.txt").read_text()
    quotes = pd.DataFrame(
        {
            "article_id": ["a0", "a1"],
            "start_char": [0, 5],
            "end_char": [4, 8],
            "quote": ["q1", "q2"],
            "kind": ["direct", "direct"],
            "speaker_affiliation": ["Rovers FC", "unknown"],
            "source_type": ["other", "other"],
        }
    )
    coding_sample(quotes, n=2, articles=ARTICLES, path=tmp_path / "q.csv")
    text = (tmp_path / "q.instructions.txt").read_text()
    # no story's countries are imposed on a corpus: the affiliation is what its own articles say
    assert "Russia" not in text and "France" not in text
    assert "code_source_type" in text and "civil_society (" in text  # the source taxonomy, every type
    people = pd.DataFrame({"name": ["Ann Roe"], "affiliation": ["Rovers FC"], "kind": ["person"]})
    coding_sample(quotes, n=2, articles=ARTICLES, path=tmp_path / "p.csv", guide=CodingGuide(people=people))
    assert "write one of them when it applies: Rovers FC." in (tmp_path / "p.instructions.txt").read_text()
