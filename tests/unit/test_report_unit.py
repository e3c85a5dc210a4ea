"""Report helpers that need no spaCy model: parameter checks, escaping, formatting, CSV tables."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import report
from analysis.report import context as report_context
from analysis.report import display as report_display
from analysis.report import overview as report_overview
from analysis.report import params as report_params

DECLARED = '# Declared parameters\nsource: str = ""  # corpus\noutlet: str = "Gate"  # x\n'


def test_misspelled_injected_parameter_fails_and_lists_declared():
    ns = {"In": ["", DECLARED, '# Parameters\noutlett = "ILKHA"\n'], "source": "", "outlet": "Gate"}
    with pytest.raises(
        report.ParameterError, match=r"unknown parameter\(s\) 'outlett'; this notebook takes: outlet, source"
    ):
        report_params.check_parameters(ns)


def test_declared_injected_parameters_pass_and_types_are_checked():
    ns = {"In": ["", DECLARED, '# Parameters\noutlet = "ILKHA"\n'], "source": "", "outlet": "ILKHA"}
    assert report_params.check_parameters(ns) == {"source": "", "outlet": "ILKHA"}
    ns["outlet"] = 3
    with pytest.raises(report.ParameterError, match="'outlet' must be str"):
        report_params.check_parameters(ns)


def test_no_history_means_no_check():
    assert report_params.check_parameters({}) == {}


def test_validate_choice_lists_valid_values_and_suggests_case():
    with pytest.raises(
        report.ParameterError,
        match=r"unknown outlet 'ilkha' \(did you mean 'ILKHA'\?\); valid values: 'Gate', 'ILKHA'",
    ):
        report_params.validate_choice("outlet", "ilkha", ["ILKHA", "Gate"])


def test_validate_parameters_uses_ok_articles_only():
    articles = pd.DataFrame({"outlet": ["A", "B"], "status": ["ok", "duplicate"]})
    report.validate_parameters(articles, outlet="A")
    with pytest.raises(report.ParameterError, match="valid values: 'A'$"):
        report.validate_parameters(articles, outlet="B")


def test_table_html_escapes_markup_and_writes_full_csv(tmp_path):
    ctx = report_context.ReportContext("nb", tmp_path, pd.DataFrame(), {}, tmp_path / "tables")
    frame = pd.DataFrame({"title": ["<script>alert(1)</script>", "b"], "score": [0.123456, 2.0]})
    shown = ctx.table(frame, "My Table", caption="T <b>", max_rows=1)
    markup = shown._repr_html_()
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "T &lt;b&gt;" in markup
    assert "0.12" in markup and "showing 1 of 2 rows" in markup
    written = pd.read_csv(tmp_path / "tables" / "nb__my-table.csv")
    pd.testing.assert_frame_equal(written, frame)


def test_details_escapes_everything():
    block = report_display.details_html(
        [("<b>caption</b>", '<img src=x onerror="alert(1)">')], summary="<i>s</i>"
    )
    assert "<img" not in block.html and "<b>caption" not in block.html and "<i>" not in block.html
    assert "&lt;img src=x" in block.html


def test_figure_png_is_reproducible_and_unlabelled_figures_are_refused():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    report_display.setup_style()
    pngs = []
    for _ in range(2):
        fig, ax = plt.subplots()
        ax.plot([1, 2], [3, 4])
        ax.set_title("t")
        ax.set_xlabel("x (units)")
        pngs.append(report_display.figure_png(fig))
        plt.close(fig)
    assert pngs[0] == pngs[1] and pngs[0].startswith(b"\x89PNG")
    assert b"tIME" not in pngs[0]
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="title"):
        report_display.check_labels(fig)
    plt.close(fig)


def test_cleaning_table_counts_dropped_blocks_by_role():
    blocks = pd.DataFrame(
        {
            "article_id": ["a", "a", "a", "a", "b"],
            "position": [0, 1, 2, 3, 0],
            "role": ["title", "body", "caption", "credit", "body"],
            "kept": [False, True, False, False, True],
            "reason": ["", "", "photo caption", "credit line", ""],
            "text": ["T", "one two", "three four five", "six", "x"],
        }
    )
    articles = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["A", "B"]})
    table = report.cleaning_table(blocks, articles)
    assert table.columns.tolist() == [
        "article_id", "outlet", "blocks", "kept", "dropped", "dropped_words",
        "dropped_caption", "dropped_credit",
    ]  # fmt: skip
    assert table.iloc[0].tolist() == ["a", "A", 4, 1, 2, 4, 1, 1]
    assert table.iloc[1].tolist() == ["b", "B", 1, 1, 0, 0, 0, 0]
    (details,) = report.dropped_text(blocks)
    assert "#2 caption (photo caption)" in details.html and "three four five" in details.html


def test_event_tables_find_shared_events():
    articles = pd.DataFrame(
        {
            "article_id": ["1", "2", "3"],
            "outlet": ["A", "B", "A"],
            "status": ["ok", "ok", "ok"],
            "event": ["e1", "e1", "e2"],
            "date": pd.to_datetime(["2025-01-02", "2025-01-03", "2025-02-01"]),
            "outlet_type": ["agency", None, "agency"],
            "title": ["t1", "t2", "t3"],
            "n_words": [10, 20, 30],
        }
    )
    assert report_overview.shared_events(articles) == ["e1"]
    events = report.event_table(articles)
    assert events[["event", "first_date", "last_date", "outlets"]].values.tolist() == [
        ["e1", "2025-01-02", "2025-01-03", 2],
        ["e2", "2025-02-01", "2025-02-01", 1],
    ]
    assert report.within_event_overview(articles)["article_id"].tolist() == ["1", "2"]
    outlets = report.outlet_table(articles)
    assert outlets.values.tolist() == [["A", "agency", 2, 40, 2], ["B", "unknown", 1, 20, 1]]


def _frames_table(marks: dict[str, str | None]) -> pd.DataFrame:
    """A frames table of two outlets (one article each) with the given frame -> validity marks."""
    rows = [
        {"article_id": f"a{i}", "outlet": outlet, "frame": frame, "frame_type": "generic",
         "label": frame.title(), "validity": mark, "score": 0.5, "hits_per_1000_words": 1.0}
        for i, outlet in enumerate(("O1", "O2"))
        for frame, mark in marks.items()
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_frame_lists_carry_the_mark_of_every_frame_that_is_not_validated():
    from analysis.framing.frames import frame_summary

    marks = {"economic": "validated", "quality_of_life": "exploratory", "story": "not validated"}
    summary = frame_summary(_frames_table(marks), n_boot=20)
    assert list(report.frame_matrix(summary).index) == [
        "Economic", "Quality_Of_Life (exploratory)", "Story (not validated)"]  # fmt: skip
    marked = report.mark_frames(summary)
    assert set(marked["label"]) == {"Economic", "Quality_Of_Life (exploratory)", "Story (not validated)"}
    assert set(summary["label"]) == {"Economic", "Quality_Of_Life", "Story"}  # the input is left alone
    # a table without the codebook's marks is shown as it is
    plain = report.frame_matrix(summary.drop(columns="validity"))
    assert list(plain.index) == ["Economic", "Quality_Of_Life", "Story"]


def test_frame_validity_reads_the_validation_table_and_says_what_it_rests_on():
    from analysis.report.validation import frame_micro, frame_validity_table, read_validation

    rows = read_validation()
    rows = rows[rows["measure"] == "frame"]
    table, note = report.frame_validity(
        _frames_table({"economic": "validated", "capacity_resources": "exploratory", "story": None})
    )
    table = table.set_index("frame")
    economic = rows[rows["category"] == "economic"].set_index("metric")
    assert table.loc["economic", "precision"] == economic.loc["precision", "figure"]
    assert table.loc["economic", "recall_low"] == economic.loc["recall", "low"]
    assert table.loc["economic", "positives"] == economic.loc["recall", "n"]
    assert table.loc["economic", "alpha"] == economic.loc["alpha", "figure"]
    assert table.loc["capacity_resources", "label"] == "Capacity_Resources (exploratory)"
    assert table.loc["story", "status"] == "not validated" and pd.isna(table.loc["story", "precision"])
    assert "308 random PolNeAR passages" in note.text and "AI sessions" in note.text
    assert "Exploratory: Capacity_Resources." in note.text and "Not validated" in note.text
    # micro precision and recall pool the frames' decisions: the two frames' true positives over their totals
    both = frame_validity_table(_frames_table({"economic": "validated", "legality": "validated"}))
    tp = (both["precision"] * both["predicted"]).round().sum()
    assert frame_micro(both) == pytest.approx((tp / both["predicted"].sum(), tp / both["positives"].sum()))
    assert f"precision {frame_micro(both)[0]:.2f}" in report.frame_validity(
        _frames_table({"economic": "validated", "legality": "validated"}))[1].text  # fmt: skip
    # a corpus's own frame with a general frame's name does not borrow the general frame's figures
    own = frame_validity_table(_frames_table({"economic": "not validated"}))
    assert own["status"].tolist() == ["not validated"] and own["precision"].isna().all()


def test_frame_validity_of_the_default_codebook_gives_the_random_sample_figures():
    from analysis.report.validation import frame_micro, frame_validity_table

    table = frame_validity_table()
    assert len(table) == 17 and table["positives"].notna().all() and table["alpha"].notna().all()
    assert (table["precision_low"] <= table["precision"]).all()
    assert (table["precision"] <= table["precision_high"]).all()
    weak = table[(table["alpha"] < 0.667) | (table["precision"] < 0.6) | (table["positives"] < 10)]
    # the statuses follow the rule
    assert set(table.loc[table["status"] != "validated", "frame"]) == set(weak["frame"])
    micro_p, micro_r = frame_micro(table)
    assert 0 < micro_r < micro_p < 1
