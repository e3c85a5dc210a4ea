"""Report builds shared by tests/integration/test_reports.py and tests/browser/test_browser.py.

Building every report takes a minute, so each build is made once per pytest process (run both
folders in one ``pytest`` call, as ``make test`` does) into a private temporary folder.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

import pandas as pd

#: Markup that must arrive escaped in every report (it would set window.__xss if it ran).
XSS_SCRIPT = "<script>window.__xss = 'script';</script>"
XSS_IMG = "<img src=x onerror=\"window.__xss = 'img'\">"

#: The notebooks rebuilt for the reproducibility and escaping checks (one of each kind).
PROFILE_NOTEBOOKS = ("01_overview", "05_outlet_profile", "06_entity_profile")

_FILLER = (
    "Diplomats from France and Russia met in Geneva on Monday to discuss a ceasefire in Ukraine. "
    "Emmanuel Macron said the talks were difficult but necessary, while Vladimir Putin's spokesman "
    "Dmitry Peskov told reporters that the Kremlin was open to further meetings with European leaders. "
)


@functools.cache
def _root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="of-reports-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


def xss_corpus(folder: Path) -> Path:
    """Write a small CSV corpus whose text, titles and outlet names carry HTML/JS payloads."""
    rows = [
        {
            "article_id": "x1",
            "outlet": "Evil <b>Outlet</b>",
            "title": f"Talks resume {XSS_SCRIPT}",
            "date": "2025-03-01",
            "event": "2025-03 Geneva talks",
            "text": "\n\n".join(
                [
                    _FILLER,
                    f"A reader wrote {XSS_IMG} in the comments. " + _FILLER.replace("Monday", "Tuesday"),
                    "Analysts in London said the meeting changed little on the ground in eastern Ukraine.",
                ]
            ),
        },
        {
            "article_id": "x2",
            "outlet": f"Daily {XSS_IMG}",
            "title": "Kremlin open to more meetings",
            "date": "2025-03-02",
            "event": "2025-03 Geneva talks",
            "text": "\n\n".join(
                [
                    "Officials in Paris and Moscow described the atmosphere of the meeting very differently.",
                    _FILLER.replace("Geneva", "Vienna"),
                    f"The caption read {XSS_SCRIPT} before it was removed. Berlin was sceptical.",
                ]
            ),
        },
    ]
    path = folder / "xss articles.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@functools.cache
def seeds_full() -> Path:
    """Build every seed report (every notebook, all outlets, top 2 entities)."""
    from analysis.report import build_reports

    out = _root() / "seeds-a"
    build_reports(None, out=out, top_entities=2)
    return out


@functools.cache
def seeds_again() -> Path:
    """Build some seed reports a second time (overview, one outlet, one entity) to compare bytes."""
    from analysis.report import build_reports

    out = _root() / "seeds-b"
    build_reports(None, out=out, top_entities=1, top_outlets=1, notebooks=PROFILE_NOTEBOOKS)
    return out


@functools.cache
def xss_build() -> Path:
    """Build the overview, outlet and entity reports of :func:`xss_corpus` (both outlets, top entity)."""
    from analysis.report import build_reports

    source = xss_corpus(_root())
    out = _root() / "xss"
    build_reports(source, out=out, top_entities=1, notebooks=PROFILE_NOTEBOOKS)
    return out


def html_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))
