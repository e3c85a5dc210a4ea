import numpy as np
import pandas as pd

from analysis import report
from analysis.core.compare import CompareOptions, detectable_difference, spread
from analysis.report import attention as report_attention
from analysis.report import display as report_display
from analysis.report import findings as report_findings
from analysis.report import validation as report_validation

FAST = CompareOptions(n_boot=100)


def _articles(n_per_outlet=30, outlets=("A", "B", "C"), words=None):
    rows = []
    for outlet in outlets:
        for i in range(n_per_outlet):
            rows.append(
                {
                    "article_id": f"{outlet}{i}",
                    "outlet": outlet,
                    "status": "ok",
                    "n_words": (words or {}).get(outlet, 300),
                    "date": pd.Timestamp("2024-01-01") + pd.Timedelta(days=7 * i),
                    "date_precision": "day",
                    "text": "x",
                }
            )
    return pd.DataFrame(rows)


def _result(articles, effect, seed=0, official_effect=0.0):
    rng = np.random.default_rng(seed)
    is_a = (articles["outlet"] == "A").to_numpy()
    sentiment = pd.DataFrame(
        {
            "article_id": articles["article_id"],
            "compound": rng.normal(0, 0.2, len(articles)) + np.where(is_a, effect, 0),
        }
    )
    ids = np.repeat(articles["article_id"].to_numpy(), 2)
    p_official = np.repeat(np.where(is_a, 0.3 + official_effect, 0.3), 2)
    quotes = pd.DataFrame(
        {
            "article_id": ids,
            "source_type": np.where(rng.random(len(ids)) < p_official, "government", "citizen/witness"),
            "speaker_gender": "male",
        }
    )
    return {
        "sentiment": sentiment,
        "quotes": quotes,
        "mentions": pd.DataFrame(columns=["article_id", "canonical", "kind"]),
    }


def _frames(articles, sentences_per_article, p_sentence, frames=("economic",), seed=0):
    """Frames and sentences tables: each sentence carries each frame with probability p_sentence[outlet]."""
    rng = np.random.default_rng(seed)
    f_rows, s_rows = [], []
    for aid, outlet in zip(articles["article_id"], articles["outlet"], strict=True):
        n = sentences_per_article[outlet]
        s_rows += [{"article_id": aid, "field": "text", "sentence_id": i} for i in range(n)]
        for frame in frames:
            k = int((rng.random(n) < p_sentence[outlet].get(frame, 0.05)).sum())
            f_rows.append(
                {"article_id": aid, "outlet": outlet, "frame": frame, "label": frame, "frame_type": "generic",
                 "score": float(k > 0), "n_evidence_sentences": k}
            )  # fmt: skip
    return pd.DataFrame(f_rows), pd.DataFrame(s_rows)


def test_a_real_difference_is_phrased_from_the_numbers():
    arts = _articles()
    found = report_findings.stands_out(_result(arts, 0.5), arts, options=FAST)
    assert not found.empty
    top = found.iloc[0]
    assert top["outlet"] == "A" and top["measure"] == "tone" and top["q_value"] <= 0.05
    assert top["sentence"].startswith("A: mean article tone") and "higher than" in top["sentence"]
    assert f"{top['mean']:+.2f}" in top["sentence"]  # the sentence carries the table's own number
    assert f"{top['mean_rest']:+.2f}" in top["sentence"]
    assert top["section"].startswith("03_sentiment.html")
    assert top["validation"].startswith("no gold on news")  # tone: a general lexicon, said so
    # every listed finding's bootstrap interval of the difference excludes zero (test and interval agree)
    assert ((found["difference_low"] > 0) | (found["difference_high"] < 0)).all()


def test_a_lower_share_is_worded_as_less_often_with_both_shares():
    arts = _articles(40)
    found = report_findings.stands_out(_result(arts, 0.0, official_effect=-0.28), arts, options=FAST)
    row = found[found["measure"] == "official sources"].iloc[0]
    assert row["outlet"] == "A" and row["difference"] < 0
    s = row["sentence"]
    assert s.startswith("A quotes government officials less often than the rest: in ")
    assert f"{row['mean']:.0%}" in s and f"{row['mean_rest']:.0%}" in s and "of its quotes" in s
    figure = report_validation.validation_of("source_type")["text"]
    assert figure.startswith("accuracy 0.") and row["validation"].startswith(figure)  # measurement error


def test_a_seeded_null_corpus_gives_no_finding():
    arts = _articles()
    found = report_findings.stands_out(_result(arts, 0.0), arts, options=FAST)
    assert found.empty


def test_pages_with_any_finding_stay_near_the_nominal_level():
    # under the complete null, BH at 5% bounds the chance that a page shows any finding by 5%
    pages, with_finding = 60, 0
    for seed in range(pages):
        arts = _articles(12, outlets=("A", "B", "C", "D"))
        page = report.compare_outlets(_result(arts, 0.0, seed=seed), arts, options=CompareOptions(n_boot=10))
        assert page.family_size == 12  # 4 outlets x (tone, official sources, women quoted)
        with_finding += not page.hits.empty
    assert with_finding / pages <= 0.12, with_finding  # binomial(60, 0.05) exceeds 7 with p < 0.01


def test_an_outlet_with_two_extreme_articles_is_never_reported():
    arts = pd.concat([_articles(20), _articles(2, outlets=("Z",))], ignore_index=True)
    result = _result(arts, 0.0)
    result["sentiment"].loc[result["sentiment"]["article_id"].str.startswith("Z"), "compound"] = 0.99
    page = report.compare_outlets(result, arts, options=FAST)
    assert "Z" not in set(page.hits["outlet"])
    z = page.comparisons[page.comparisons["outlet"] == "Z"]
    assert not z["tested"].any() and z["p_value"].isna().all()
    assert "Too few to test (fewer than 5 articles): Z (2 articles)." in report.findings_html(page).text
    # with a smaller minimum the same outlet is tested (the parameter is honoured)
    loose = report.compare_outlets(
        result, arts, options=CompareOptions(n_boot=10, min_articles=2, min_observations=2)
    )
    assert loose.comparisons.loc[loose.comparisons["outlet"] == "Z", "tested"].all()


def test_at_most_four_findings_from_one_measure():
    arts = _articles(30, outlets=("A", "B", "C", "D", "E", "F"))
    frames = tuple(f"f{i}" for i in range(6))
    strong = {f: 0.5 for f in frames}
    p = {o: (strong if o == "A" else {}) for o in "ABCDEF"}
    f, s = _frames(arts, dict.fromkeys("ABCDEF", 10), p, frames=frames)
    result = _result(arts, 0.0) | {"frames": f, "sentences": s}
    page = report.compare_outlets(result, arts, options=FAST)
    frame_rows = page.comparisons[page.comparisons["measure"].str.startswith("frame: ")]
    assert frame_rows[frame_rows["outlet"] == "A"]["significant"].sum() == 6  # six real differences...
    listed = page.hits["measure"].str.startswith("frame: ").sum()
    assert listed == report_findings.MAX_PER_FAMILY  # ...four listed


def test_frames_compare_sentence_shares_so_length_alone_is_no_finding():
    # outlet L writes articles six times as long; every sentence carries the frame with the same chance
    outlets = ("L", "B", "C", "D")
    arts = _articles(25, outlets=outlets, words={"L": 1800})
    f, s = _frames(
        arts, {"L": 60, "B": 10, "C": 10, "D": 10}, dict.fromkeys(outlets, {"economic": 0.05}), seed=3
    )
    result = _result(arts, 0.0) | {"frames": f, "sentences": s}
    # counted per article, length looks like framing: L's articles almost all "use" the frame
    by_article = report.compare_outlets(result | {"sentences": s.iloc[0:0]}, arts, options=FAST)
    assert ((by_article.hits["outlet"] == "L") & (by_article.hits["measure"] == "frame: economic")).any()
    page = report.compare_outlets(result, arts, options=FAST)
    assert not (page.hits["measure"] == "frame: economic").any()
    row = page.comparisons[
        (page.comparisons["outlet"] == "L") & (page.comparisons["measure"] == "frame: economic")
    ]
    assert abs(row["difference"].iloc[0]) < 0.03


def test_a_frame_finding_shows_length_and_the_frames_precision_and_weak_frames_are_marked():
    outlets = ("A", "B", "C", "D")
    arts = _articles(25, outlets=outlets, words={"A": 900})
    p = {o: {"capacity_resources": 0.3 if o == "A" else 0.05, "economic": 0.3 if o == "A" else 0.05}
         for o in outlets}
    f, s = _frames(arts, dict.fromkeys(outlets, 10), p, frames=("capacity_resources", "economic"), seed=1)
    page = report.compare_outlets(_result(arts, 0.0) | {"frames": f, "sentences": s}, arts, options=FAST)
    hits = page.hits[page.hits["outlet"] == "A"].set_index("measure")
    assert {"frame: capacity_resources", "frame: economic"} <= set(hits.index)
    assert "of its sentences" in hits.loc["frame: economic", "sentence"]
    assert "Its articles average 900 words against 300 elsewhere" in hits.loc["frame: economic", "sentence"]
    economic = report_validation.validation_of("frame", "economic")["figures"].set_index("metric")
    prec, rec = economic.loc["precision"], economic.loc["recall"]
    interval = f"[{prec['low']:.2f}, {prec['high']:.2f}]"
    expected = f"precision {prec['figure']:.2f} {interval}, recall {rec['figure']:.2f}"

    assert hits.loc["frame: economic", "validation"].startswith(expected)
    assert not hits.loc["frame: economic", "weak"]  # validated in the validation file
    assert hits.loc["frame: capacity_resources", "weak"]  # precision 0.20: exploratory
    html = report.findings_html(page)
    assert html.text.count("[weak measure: exploratory]") == page.hits["weak"].sum() >= 1
    assert "weak measure: exploratory" in html.html


def test_power_sentence_when_nothing_stands_out():
    arts = _articles(14, outlets=tuple("ABCDEFG"))
    page = report.compare_outlets(_result(arts, 0.0), arts, options=FAST)
    assert page.hits.empty
    tone = page.power.set_index("measure").loc["tone"]
    sd = spread(_result(arts, 0.0)["sentiment"].assign(outlet=arts["outlet"]), value="compound")
    expected = detectable_difference(sd, 14, 84, alpha=0.05, family_size=page.family_size)
    assert np.isclose(tone["detectable"], expected)
    text = report.findings_html(page).text
    assert (
        f"With 14 articles per outlet, differences in mean article tone smaller than ±{expected:.2f} "
        "cannot be told apart from chance." in text
    )
    assert "percentage points" in text  # the share of official quotes, in points
    assert f"{page.family_size} comparisons" in text and "Besag–Clifford" in text


def test_shape_and_warnings():
    arts = _articles(3)
    arts.loc[arts["article_id"] == "A0", "date_precision"] = "year"
    arts.loc[arts["article_id"] == "B0", ["date", "date_precision"]] = [pd.NaT, "unknown"]
    shape = report.corpus_shape(arts)
    assert "2024 (month unknown)" in shape.columns and "undated" in shape.columns
    assert shape["total"].sum() == 9
    warning = report.few_articles_warning(arts)
    assert "fewer than 5 articles" in warning.text and "A (3)" in warning.text
    single = report.few_articles_warning(arts.groupby("outlet").head(1))
    assert "single article" in single.text


def test_a_page_with_no_testable_outlet_claims_nothing_either_way():
    arts = _articles(3)  # every outlet below min_articles (5)
    page = report.compare_outlets(_result(arts, 0.5), arts, options=FAST)
    assert page.family_size == 0 and page.hits.empty
    text = report.findings_html(page).text
    assert "so none was tested" in text and "No outlet differs" not in text
    assert report_findings.family_note(page) == "No comparison could be tested."


def _mentions(arts):
    return pd.DataFrame({"article_id": arts["article_id"], "canonical": "Ann Lee", "kind": "person"})


def test_attention_is_never_an_empty_figure():
    arts = _articles(1)
    table = report.attention_table({"mentions": _mentions(arts)}, arts)
    assert not report_attention.attention_drawable(table)
    assert report.attention_figures(table, kind="entity") == []
    assert "not drawn" in report.attention_note(
        table
    ).text and "a line would show chance" in report_attention.attention_reason(table)


def test_attention_period_rests_on_three_articles_and_small_multiples_draw_every_outlet():
    import matplotlib.pyplot as plt

    # 8 outlets, one article a week for 26 weeks: weeks would rest on 1 article, months on about 4
    arts = _articles(26, outlets=tuple("ABCDEFGH"))
    table = report.attention_table({"mentions": _mentions(arts)}, arts)
    assert table.attrs["period"] == "month"
    assert report_attention.attention_drawable(table)
    figs = report.attention_figures(table, kind="entity")
    assert len(figs) == 1
    axes = [ax for ax in figs[0].get_axes() if ax.get_visible()]
    assert len(axes) == 8 and all(ax.lines for ax in axes)  # one panel per outlet, each with data
    assert {ax.get_title() for ax in axes} == set("ABCDEFGH")
    for fig in figs:
        report_display.check_labels(fig)
        plt.close(fig)
