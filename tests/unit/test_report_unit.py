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
