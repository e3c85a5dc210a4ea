"""make report end to end: offline, escaped, reproducible HTML; CSV tables; parameter checks."""

from __future__ import annotations

import html
import re

import pytest
from report_builds import XSS_IMG, XSS_SCRIPT, html_files, seeds_again, seeds_full, xss_build

from analysis import config, report
from analysis.report import build as report_build
from analysis.report import params as report_params

pytestmark = pytest.mark.integration

REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def seeds():
    return seeds_full()


def test_index_links_every_report_and_states_corpus(seeds, seed_articles):
    index = (seeds / "index.html").read_text("utf-8")
    links = re.findall(r'<a href="([^"]+\.html)"', index)
    assert set(links) == {p.relative_to(seeds).as_posix() for p in html_files(seeds)} - {"index.html"}
    assert all((seeds / link).exists() for link in links)
    for stem in report_build.available_notebooks():
        if stem in report_params.CORPUS_NOTEBOOKS:
            assert f"{stem}.html" in links
    if report_params.OUTLET_NOTEBOOK in report_build.available_notebooks():
        outlets = seed_articles.loc[seed_articles["status"] == "ok", "outlet"].unique()
        assert {f"outlets/{report_params.slugify(o)}.html" for o in outlets} <= set(links)
    assert f"{len(seed_articles):,} (" in index
    assert report_build.input_hash(seed_articles) in index
    assert "spacy" in index and "pandas" in index


#: The one script and style sheet a page may load: the shared interactive-table assets, by relative path.
ASSET_TAGS = re.compile(
    r'<script src="(?:\.\./)*assets/datatables\.js"></script>'
    r'|<link href="(?:\.\./)*assets/datatables\.css" rel="stylesheet"/>'
)


def _without_assets(text: str) -> str:
    return ASSET_TAGS.sub("", text)


def test_reports_are_offline_and_hide_code(seeds):
    assert (seeds / "assets" / "datatables.js").is_file() and (seeds / "assets" / "datatables.css").is_file()
    assert "http" not in (seeds / "assets" / "datatables.js").read_text("utf-8")[:2000]
    for page in html_files(seeds):
        text = page.read_text("utf-8")
        assert not REMOTE.search(text), f"{page.name} references a remote resource"
        bare = _without_assets(text)
        assert "<script" not in bare.lower(), f"{page.name} carries a script besides the table assets"
        assert "<link" not in bare.lower()
        assert "@import" not in text and "@font-face" not in text
        for src in re.findall(r'<img[^>]+src="([^"]+)"', text):
            assert src.startswith("data:image/png;base64,")
        assert "ctx.table(" not in text and "report.start(" not in text, "code cells leaked"
        assert "injected-parameters" not in text and "# Parameters" not in text
        assert "Traceback" not in text


def test_overview_shows_every_seed_article_and_cleaning(seeds, seed_articles):
    text = (seeds / "01_overview.html").read_text("utf-8")
    for article_id in seed_articles["article_id"]:
        assert article_id in text
    for outlet in seed_articles["outlet"].unique():
        assert html.escape(outlet) in text
    assert "Methods and limitations" in text
    assert text.count("data:image/png;base64,") >= 2  # timeline and words figures


def test_every_shown_table_is_written_as_csv(seeds):
    import pandas as pd

    tables = seeds / "tables"
    for page in html_files(seeds):
        for name in re.findall(r"CSV: tables/([\w.-]+\.csv)", page.read_text("utf-8")):
            assert (tables / name).exists(), name
            pd.read_csv(tables / name)  # parses
    assert (tables / "01_overview__articles.csv").exists()


def test_two_builds_identical_but_for_build_time_line(seeds):
    other = seeds_again()
    compared = 0
    for page in html_files(other):
        first = (seeds / page.relative_to(other)).read_text("utf-8").splitlines()
        second = page.read_text("utf-8").splitlines()
        if page.name == "index.html":
            continue  # lists fewer reports by design
        diff = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
        assert len(diff) <= 1, f"{page.name}: {diff[:3]}"
        assert all(report_params.BUILD_TIME_CLASS in a for a, _ in diff)
        compared += 1
    assert compared >= 1


def test_markup_in_articles_is_escaped():
    out = xss_build()
    pages = html_files(out)
    assert len(pages) >= 2
    for page in pages:
        text = page.read_text("utf-8")
        assert XSS_SCRIPT not in text and XSS_IMG not in text, page.name
        assert "<img src=x" not in text, page.name
        assert "<script" not in _without_assets(text).lower()
    overview = (out / "01_overview.html").read_text("utf-8")
    assert html.escape(XSS_SCRIPT, quote=False) in overview or html.escape(XSS_SCRIPT) in overview
    assert (out / "index.html").exists() and out.name == "xss"


def test_unknown_parameter_name_fails():
    with pytest.raises(Exception, match=r"unknown parameter\(s\) 'tables_dirr'"):
        report.build._execute(
            config.NOTEBOOKS_DIR / "01_overview.ipynb", {"tables_dirr": "x"}, config.NOTEBOOKS_DIR
        )


def test_unknown_outlet_lists_valid_outlets(seed_articles):
    with pytest.raises(report.ParameterError, match=r"unknown outlet 'Gatee'.*'Gate'.*'ILKHA'"):
        report.validate_parameters(seed_articles, outlet="Gatee")
    if report_params.OUTLET_NOTEBOOK in report_build.available_notebooks():
        with pytest.raises(Exception, match=r"unknown outlet 'Nowhere'"):
            report.build._execute(
                config.NOTEBOOKS_DIR / f"{report_params.OUTLET_NOTEBOOK}.ipynb",
                {"outlet": "Nowhere"},
                config.NOTEBOOKS_DIR,
            )


def test_user_csv_goes_to_its_own_folder(tmp_path):
    assert report_params.output_dir(tmp_path / "My Corpus.csv") == config.REPORTS_DIR / "my-corpus"
    assert report_params.output_dir("") == config.REPORTS_DIR


def test_unknown_entity_lists_valid_entities():
    if report_params.ENTITY_NOTEBOOK not in report_build.available_notebooks():
        pytest.skip("entity notebook not shipped")
    with pytest.raises(Exception, match=r"unknown entity 'Nobody Atall'; valid values: .*'Vladimir Putin'"):
        report.build._execute(
            config.NOTEBOOKS_DIR / f"{report_params.ENTITY_NOTEBOOK}.ipynb",
            {"entity": "Nobody Atall"},
            config.NOTEBOOKS_DIR,
        )


def test_entity_and_outlet_reports_escape_and_link(seeds):
    index = (seeds / "index.html").read_text("utf-8")
    for page in sorted((seeds / "entities").glob("*.html")) + sorted((seeds / "outlets").glob("*.html")):
        text = page.read_text("utf-8")
        assert 'href="../index.html"' in text
        assert page.relative_to(seeds).as_posix() in index
        assert "Methods and limitations" in text


def test_corpus_without_analysable_text_is_a_clear_error(tmp_path):
    # a Media Cloud export without story text: every row is `no_text`
    export = tmp_path / "stories.csv"
    export.write_text(
        "stories_id,title,media_name,publish_date,url\n"
        "1,Putin talks,Example News,2025-12-21,http://example.org/a\n"
    )
    with pytest.raises(report.ReportError, match="no article has analysable text.*1 no_text"):
        report.build_reports(export, out=tmp_path / "out")


def test_a_reused_kernel_gives_the_pages_a_new_kernel_gives(tmp_path):
    """A build runs its pages one after another in one kernel per worker: each page must come out as
    in a kernel of its own (namespace, input history and figures reset; tables read once, copied)."""
    if not {report_params.OUTLET_NOTEBOOK, report_params.ENTITY_NOTEBOOK} <= set(
        report_build.available_notebooks()
    ):
        pytest.skip("outlet or entity notebook not shipped")
    cwd = config.NOTEBOOKS_DIR
    outlet = cwd / f"{report_params.OUTLET_NOTEBOOK}.ipynb"
    entity = cwd / f"{report_params.ENTITY_NOTEBOOK}.ipynb"
    params = {"tables_dir": str(tmp_path / "tables")}

    def page(nb) -> str:
        return report_build.render_html(nb, title="t", built="b")

    kernel = report_build.WarmKernel(cwd, "test-session")
    try:
        # an outlet page leaves an `outlet` parameter behind; the entity page takes no such parameter
        reused = [
            page(report_build._execute(outlet, {**params, "outlet": "Gate"}, cwd, kernel)),
            page(report_build._execute(entity, {**params, "entity": "Vladimir Putin"}, cwd, kernel)),
            page(report_build._execute(outlet, {**params, "outlet": "ILKHA"}, cwd, kernel)),
        ]
    finally:
        kernel.close()
    fresh = [
        page(report_build._execute(outlet, {**params, "outlet": "Gate"}, cwd)),
        page(report_build._execute(entity, {**params, "entity": "Vladimir Putin"}, cwd)),
        page(report_build._execute(outlet, {**params, "outlet": "ILKHA"}, cwd)),
    ]
    assert reused[0] != reused[2]  # two different outlets: the comparison below can fail
    assert reused == fresh
