"""The report build's rendering shortcuts give what the slower library paths give."""

from __future__ import annotations

import base64
import copy
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402
from nbconvert import HTMLExporter  # noqa: E402
from nbformat import v4  # noqa: E402

from analysis.report import attention as report_attention  # noqa: E402
from analysis.report import build as report_build  # noqa: E402
from analysis.report.display import Table, figure_png  # noqa: E402


def _executed_notebook() -> nbformat.NotebookNode:
    """A notebook as a build executes it: parameters, markdown, a table, a figure, text; code hidden."""
    frame = pd.DataFrame({"outlet": ["<script>alert(1)</script>", "B & C"], "n": [1, 2]})
    table = Table(frame, "Outlets <b>", "t.csv", None)
    png = base64.b64encode(figure_png(plt.figure(figsize=(1, 1)))).decode()
    plt.close("all")
    cells = [
        v4.new_code_cell('source = ""', metadata={"tags": ["parameters"]}),
        v4.new_markdown_cell("## Heading\n\nSome *text* & a [link](#x)."),
        v4.new_code_cell("ctx.table(...)", outputs=[v4.new_output("display_data", data={
            "text/html": table._repr_html_(), "text/plain": "table"})]),  # fmt: skip
        v4.new_code_cell("ctx.figure(...)", outputs=[
            v4.new_output("display_data", data={"image/png": png, "text/plain": "T"}),
            v4.new_output("stream", name="stdout", text="a <line>\n"),
        ]),  # fmt: skip
    ]
    return v4.new_notebook(cells=cells, metadata={"language_info": {"name": "python"}})


def _dom(page: str) -> tuple[list, str]:
    soup = BeautifulSoup(page, "html.parser")
    tags = [
        (t.name, sorted((k, " ".join(v) if isinstance(v, list) else v) for k, v in t.attrs.items()))
        for t in soup.find_all(True)
    ]
    return tags, re.sub(r"\s+", " ", soup.get_text())


def test_offline_exporter_gives_the_page_nbconverts_exporter_gives():
    resources = {"metadata": {"name": "T"}, "of_built": "b", "of_index": "index.html",
                 "of_build_class": "build-time", "of_assets": ""}  # fmt: skip
    nb = _executed_notebook()
    fast = report_build.render_html(copy.deepcopy(nb), title="T", built="b")
    exporter = report_build._new_html_exporter()
    slow, _ = HTMLExporter.from_notebook_node(exporter, nb, resources=resources)
    assert type(exporter).from_notebook_node is not HTMLExporter.from_notebook_node
    assert _dom(fast) == _dom(slow)  # same elements, attributes (tabindex, alt) and text
    assert 'tabindex="0"' in fast and "&lt;script&gt;alert(1)&lt;/script&gt;" in fast
    assert "<script>alert" not in fast
    assert abs(len(fast) - len(slow)) < 0.01 * len(slow)  # table indentation dropped as BeautifulSoup does


def test_accessible_html_leaves_escaped_text_alone():
    escaped = '&lt;div class="jp-OutputArea-output"&gt;\n   &lt;td&gt;'
    page = f'<div class="jp-OutputArea-output"><pre>{escaped}</pre></div>'
    out = report_build.accessible_html(page)
    assert out.count('tabindex="0"') == 1
    assert "\n   &lt;td&gt;" in out


def test_memoised_date_ticks_match_matplotlibs():
    locator_class, formatter_class = report_attention._date_tickers()
    days = pd.date_range("2024-01-01", periods=40, freq="W")
    for span in (slice(0, 40), slice(0, 6), slice(10, 12)):
        fig, axes = plt.subplots(2, 2, sharex=True, sharey=True)
        _, plain = plt.subplots(1, 1)
        for ax in [*axes.flat, plain]:
            ax.plot(days[span], np.arange(len(days))[span])
        for ax in axes.flat:
            report_attention._dates(ax)
        reference = mdates.AutoDateLocator(minticks=3, maxticks=6)
        plain.xaxis.set_major_locator(reference)
        plain.xaxis.set_major_formatter(mdates.ConciseDateFormatter(reference))
        for _ in range(2):  # the second round is answered from the memo
            for ax in axes.flat:
                assert isinstance(ax.xaxis.get_major_locator(), locator_class)
                ticks = ax.xaxis.get_major_locator()()
                np.testing.assert_array_equal(ticks, reference())
                assert ax.xaxis.get_major_formatter().format_ticks(ticks) == (
                    plain.xaxis.get_major_formatter().format_ticks(ticks)
                )
                offset = ax.xaxis.get_major_formatter().get_offset()
                assert offset == plain.xaxis.get_major_formatter().get_offset()
        assert isinstance(axes.flat[0].xaxis.get_major_formatter(), formatter_class)
        plt.close("all")
