"""Open every generated report from file:// in headless Chromium: offline, no errors, images decoded.

Needs the Debian ``chromium`` and ``chromium-driver`` packages (``make browser`` installs them). The
test is skipped when they are missing, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from report_builds import html_files, seeds_full, xss_build

from analysis import config

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOT_DIR = config.PROJ_ROOT / "test-output"
ALLOWED_SCHEMES = ("file://", "data:", "blob:")  # blob: the table bundle imported from a local script


def _browser_missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (Path(path).exists() and os.access(path, os.X_OK)):
            return f"{path} not found (install Debian packages chromium, chromium-driver: make browser)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    return None


@pytest.fixture(scope="module")
def driver():
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser test cannot run under CI=true: {missing}")
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="of-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--allow-file-access-from-files",
        f"--user-data-dir={profile}",
        "--window-size=1280,1000",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(60)
    browser.get("about:blank")
    yield browser
    browser.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _requests(browser, document: str) -> list[str]:
    """URLs requested by ``document`` (the page itself and everything it loads).

    Chromium's own pages (the new-tab page loading ``chrome://`` resources at start-up) are other
    documents and are left out; anything our page asks for, wherever it points, is kept.
    """
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            params = message["params"]
            if params.get("documentURL") == document:
                urls.append(params["request"]["url"])
    return urls


def _check_page(browser, page: Path) -> None:
    browser.get_log("performance")  # drain earlier pages' events
    browser.get_log("browser")
    browser.get(page.as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    requests = _requests(browser, page.as_uri())
    assert page.as_uri() in requests, "performance log did not record the page load itself"
    remote = [u for u in requests if not u.startswith(ALLOWED_SCHEMES)]
    assert not remote, f"{page.name} requested {remote}"
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert not errors, f"{page.name} console errors: {errors}"
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight, i.alt]);"
    )
    for complete, width, height, alt in images:
        assert complete and width > 0 and height > 0, f"{page.name}: image {alt!r} not decoded"
    assert browser.execute_script("return window.__xss === undefined"), f"{page.name}: injected markup ran"


def test_seed_reports_load_offline_without_errors(driver):
    out = seeds_full()
    pages = html_files(out)
    assert any(p.name == "01_overview.html" for p in pages) and any(p.name == "index.html" for p in pages)
    for page in pages:
        _check_page(driver, page)
    # every figure of the overview decoded; save a full-height screenshot for a human to look at
    driver.get((out / "01_overview.html").as_uri())
    n_images = driver.execute_script("return document.images.length")
    assert n_images >= 2
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 1000), 16000))
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOT_DIR / "overview.png"
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    driver.set_window_size(1280, 1000)


def test_markup_in_articles_does_not_run(driver):
    for page in html_files(xss_build()):
        _check_page(driver, page)
    # the payload is visible as text, not as markup
    driver.get((xss_build() / "01_overview.html").as_uri())
    assert "<script>window.__xss" in driver.find_element("tag name", "body").text


def test_long_tables_sort_and_search_offline(driver):
    """A long table is sortable from file:// with every non-file request blocked (no network)."""
    out = seeds_full()
    assert (out / "assets" / "datatables.js").is_file()
    page = out / "07_framing.html"  # its source-balance and frame tables are long on the seeds
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*"]})
    try:
        driver.get(page.as_uri())
        import time

        for _ in range(100):  # the bundle is imported asynchronously
            state = driver.execute_script("return document.documentElement.getAttribute('data-of-tables')")
            if state:
                break
            time.sleep(0.1)
        assert state == "ready", f"interactive tables did not start: {state}"
        table_id = driver.execute_script(
            "const t = document.querySelector('table.of-interactive.dataTable'); return t && t.id;"
        )
        assert table_id, "no long table was made interactive"
        column = driver.execute_script(
            """const t = document.getElementById(arguments[0]);
               const heads = Array.from(t.querySelectorAll('thead th'));
               return heads.findIndex(th => th.textContent.trim() === 'outlet');""",
            table_id,
        )
        index = column if column >= 0 else 0
        cells = (
            "return Array.from(document.getElementById(arguments[0]).querySelectorAll('tbody tr'))"
            ".map(r => r.children[arguments[1]].textContent);"
        )
        driver.execute_script(
            "document.getElementById(arguments[0]).querySelectorAll('thead th')[arguments[1]].click();",
            table_id,
            index,
        )
        first = driver.execute_script(cells, table_id, index)
        driver.execute_script(
            "document.getElementById(arguments[0]).querySelectorAll('thead th')[arguments[1]].click();",
            table_id,
            index,
        )
        second = driver.execute_script(cells, table_id, index)
        assert first == sorted(first, key=str.lower) and second == sorted(second, key=str.lower, reverse=True)
        assert first != second
        # the search box filters rows
        n_before = len(second)
        driver.execute_script(
            """const box = document.querySelector('.dt-search input, .dataTables_filter input');
               box.value = arguments[0]; box.dispatchEvent(new Event('input', {bubbles: true}));""",
            first[0],
        )
        after = driver.execute_script(cells, table_id, index)
        assert 0 < len(after) <= n_before and all(first[0] in row for row in after)
        errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        assert not errors, errors
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
