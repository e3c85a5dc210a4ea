"""HTML and WARC input: page dump, extracted article, block roles, metadata evidence, failures."""

from __future__ import annotations

import gzip
import io
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import config
from analysis.clean.extracted import (
    REASON_BODY,
    REASON_EXTENDED,
    REASON_HEADLINE,
    REASON_OUTSIDE,
    REASON_PAGE_TITLE,
    body_text,
    dump_spans,
    extracted_blocks,
    page_blocks,
    page_rule,
    refine,
)
from analysis.ingest.html import extract_page, html_row, page_dump, page_stem, read_html_file
from analysis.ingest.warc import read_warc_file, url_id

PARAS = [
    "The harbour authority closed the northern pier on Tuesday after inspectors found cracks "
    "in three of its concrete supports, a spokeswoman said.",
    "Ferries will dock at the southern terminal until repairs are finished, which engineers "
    "expect to take at least six weeks &amp; possibly longer.",
    "Local traders said the closure would hit the busiest weeks of the tourist season, and "
    "asked the council for help with the cost of lost business.",
    "The council will meet on Friday to discuss the request, according to an agenda published online.",
]


def page(extra_head: str = "", body_extra: str = "") -> str:
    paras = "".join(f"<p>{p}</p>" for p in PARAS)
    return (
        "<!DOCTYPE html><html><head><title>Pier closed after cracks found | Harbour Gazette</title>"
        '<meta property="og:title" content="Pier closed after cracks found">'
        '<meta property="og:site_name" content="Harbour Gazette">'
        '<meta property="article:published_time" content="2023-05-16T09:30:00Z">'
        '<meta name="author" content="Jo Marsh">'
        f'<link rel="canonical" href="https://news.example.org/local/pier-closed">{extra_head}'
        "<style>p{color:red}</style><script>var x = 'not text';</script></head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/local'>Local</a></li>"
        "<li><a href='/sport'>Sport</a></li></ul></nav>"
        "<main><article><h1>Pier closed after cracks found</h1><p class='byline'>By Jo Marsh</p>"
        f"{paras}{body_extra}</article>"
        "<aside><h3>Most read</h3><ul><li><a href='/a'>Storm warning for the coast</a></li>"
        "<li><a href='/b'>Market hall reopens</a></li></ul></aside></main>"
        "<footer><p>© 2023 Harbour Gazette. All rights reserved.</p></footer></body></html>"
    )


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------- the page dump


def test_page_dump_puts_the_title_first_and_drops_scripts_and_styles():
    dump = page_dump(page())
    blocks = dump.split("\n\n")
    assert blocks[0] == "Pier closed after cracks found | Harbour Gazette"
    assert "not text" not in dump and "color:red" not in dump
    assert "Home" in blocks and "Pier closed after cracks found" in blocks
    assert "& possibly longer" in dump  # entities decoded


def test_page_dump_keeps_br_as_a_line_break_inside_one_block():
    assert page_dump("<p>Line one<br>Line two</p><div>Next</div>") == "Line one\nLine two\n\nNext"


def test_page_stem_strips_html_and_gz():
    assert page_stem("x/story.HTML.gz") == "story" and page_stem("a.b.htm") == "a.b"


# --------------------------------------------------------------------------- roles


def test_extracted_article_blocks_are_body_and_everything_else_has_a_reason():
    row = html_row("p1", "<mem>", page().encode())
    blocks = extracted_blocks(row["raw_text"], row["extracted_text"], title=row["title"])
    refine(blocks)
    roles = {b.text: (b.role, b.reason) for b in blocks}
    assert roles["Pier closed after cracks found | Harbour Gazette"] == ("title", REASON_PAGE_TITLE)
    assert roles["Pier closed after cracks found"] == ("title", REASON_HEADLINE)
    assert roles["Home"] == ("boilerplate", REASON_OUTSIDE)
    assert roles["Storm warning for the coast"][0] == "boilerplate"
    body = [b.text for b in blocks if b.role == "body"]
    assert len(body) == len(PARAS)
    assert body[1].endswith("& possibly longer.")
    assert all(b.reason for b in blocks)


def test_body_matching_survives_whitespace_entities_and_case():
    raw = "T\n\nMenu\n\nThe  minister   said “yes” to the plan &amp; the budget.\n\nFooter text here"
    extracted = "the minister said \u201cyes\u201d to the plan & the budget."
    blocks = extracted_blocks(raw, extracted)
    assert [b.role for b in blocks] == ["title", "boilerplate", "body", "boilerplate"]
    assert blocks[2].reason == REASON_BODY


def test_partial_blocks_follow_the_share_of_aligned_words():
    first = "Officials said the bridge would reopen next week after the final safety checks."
    second = "Drivers should expect delays."
    nav = "Home News Sport Weather Business Culture Travel Podcasts Newsletters Contact"
    raw = f"T\n\n{first} Share this\n\n{second} {nav}"
    blocks = extracted_blocks(raw, f"{first}\n{second}")
    assert blocks[1].role == "body"  # most of its words are in the article
    assert blocks[2].role == "boilerplate" and "only 29% of its words are in it" in blocks[2].reason


def test_scattered_common_words_do_not_make_a_block_body():
    p1 = "The mayor and the council met in the town hall on a cold and wet day in the spring."
    p2 = "They agreed to repair the harbour wall before the winter storms arrive next year."
    hidden = (
        "Sport fans in town said the news that day was grim."  # extracted, but not in the dump as a block
    )
    raw = "\n\n".join(["T", p1, "Sport | Town | Day | Weather", p2])
    blocks = extracted_blocks(raw, f"{p1}\n{hidden}\n{p2}", extend=False)
    assert [b.role for b in blocks] == ["title", "body", "boilerplate", "body"]
    assert blocks[2].share < 0.5  # single words aligned by chance do not count


def test_no_extractor_result_leaves_no_body_but_every_block():
    raw = "Title\n\nOne\n\nTwo"
    blocks = extracted_blocks(raw, None)
    assert [b.role for b in blocks] == ["title", "boilerplate", "boilerplate"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    raw=st.text(alphabet=st.sampled_from(list("ab &;\n\t.,’“\u00a0xyZ1")), max_size=200),
    extracted=st.text(alphabet=st.sampled_from(list("ab \nxyZ1.")), max_size=80),
)
def test_blocks_contain_every_non_whitespace_character(raw, extracted):
    blocks = extracted_blocks(raw, extracted, title="ab")
    refine(blocks)
    assert squash("".join(b.text for b in blocks)) == squash(raw)
    spans = [(b.start, b.end) for b in blocks]
    assert spans == sorted(spans) and all(e <= s for (_, e), (s, _) in zip(spans, spans[1:], strict=False))
    for b in blocks:
        assert squash(raw[b.start : b.end]) == squash(b.text)
        assert b.role in config.ROLES and b.reason
    assert body_text(blocks) == "\n\n".join(b.text for b in blocks if b.role == "body")


def test_nothing_lost_on_a_real_page_dump():
    row = html_row(
        "p1",
        "<mem>",
        page(body_extra="<figure><figcaption>Photo: Sam Lee/Coast Agency</figcaption></figure>").encode(),
    )
    blocks = extracted_blocks(row["raw_text"], row["extracted_text"], title=row["title"])
    refine(blocks)
    assert squash("".join(b.text for b in blocks)) == squash(row["raw_text"])
    assert [s for s, _ in dump_spans(row["raw_text"])] == [b.start for b in blocks]


# --------------------------------------------------------------------------- page rules


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Read more: Council approves the new harbour budget", "boilerplate"),
        ("RELATED COVERAGE: Bridge repairs start", "boilerplate"),
        ("You might also like", "boilerplate"),
        ("Sign up for our weekly climate newsletter", "boilerplate"),
        ("Photo: Sam Lee/Coast Agency", "caption"),
        ("Image credit: Harbour Authority", "caption"),
        ("Email the reporter at jo.marsh@example.org or follow her @jomarsh", "credit"),
        ("Wire services contributed to this report.", "credit"),
        ("_____", "boilerplate"),
        ("Updated: Tue., May 16, 2023", "boilerplate"),
    ],
)
def test_page_rule_catches_unseen_variants_of_each_family(text, role):
    assert page_rule(text)[0] == role


@pytest.mark.parametrize(
    "text",
    [
        "Residents who sign up for the scheme will get a discount, the council said.",
        "She said she would subscribe to the view that more repairs were needed.",
        "Related problems were found at two other piers along the coast last year.",
        "The photo shows the cracks in detail, engineers said on Monday.",
    ],
)
def test_trigger_words_in_normal_prose_are_kept(text):
    assert page_rule(text) is None


def test_short_link_run_after_a_promo_heading_at_the_end_is_cut():
    paras = [
        f"Paragraph {i} of the story tells what happened at the pier on the day it closed." for i in range(6)
    ]
    links = ["More from the coast", "Storm warning issued", "Market hall reopens"]
    raw = "\n\n".join(["T", *paras, *links])
    blocks = refine(extracted_blocks(raw, "\n".join(paras + links)))
    assert [b.role for b in blocks[-3:]] == ["boilerplate"] * 3
    assert sum(b.role == "body" for b in blocks) == 6


def test_article_cut_short_at_an_ad_label_is_extended_over_long_prose_only():
    prose = [
        f"Paragraph {i} explains at length what the inspectors found under the pier, how long the "
        "repairs will take, who will pay for them, and what the ferry companies told their "
        "passengers about the changed timetable for the rest of the summer season."
        for i in range(4)
    ]
    raw = "\n\n".join(
        ["T", "Menu", *prose[:2], "Advertisement", *prose[2:], "More stories", "Short link here."]
    )
    blocks = extracted_blocks(raw, "\n".join(prose[:2]))
    roles = [b.role for b in blocks]
    assert roles == [
        "title",
        "boilerplate",
        "body",
        "body",
        "boilerplate",
        "body",
        "body",
        "boilerplate",
        "boilerplate",
    ]
    assert blocks[5].reason == REASON_EXTENDED
    assert [b.role for b in extracted_blocks(raw, "\n".join(prose[:2]), extend=False)][5] == "boilerplate"


def test_page_blocks_runs_the_cleaners_rule_on_body_blocks_only():
    raw = "\n\n".join(
        [
            "T",
            "WATCH: the pier from above",
            "It rained all day in the harbour town.",
            "WATCH: video of the storm",
        ]
    )
    extracted = "It rained all day in the harbour town.\nWATCH: video of the storm"

    def rule(text):
        return ("boilerplate", "video promo line") if text.startswith("WATCH:") else None

    blocks = page_blocks(raw, extracted, rule=rule)
    assert [(b.role, b.reason) for b in blocks][1:] == [
        ("boilerplate", REASON_OUTSIDE),
        ("body", REASON_BODY),
        ("boilerplate", "video promo line"),
    ]


# --------------------------------------------------------------------------- metadata


def test_metadata_values_come_with_their_source():
    out = extract_page(page())
    assert out["title"] == "Pier closed after cracks found"
    assert out["outlet"] == "Harbour Gazette"
    assert out["date"] == "2023-05-16"
    assert out["author"] == "Jo Marsh"
    assert out["url"] == "https://news.example.org/local/pier-closed"
    evidence = out["metadata_evidence"]
    assert "outlet: og:site_name via trafilatura" in evidence
    assert "date: article:published_time via htmldate" in evidence
    assert re.search(r"title: (og:title|<h1>) via trafilatura", evidence)
    assert "url: canonical link" in evidence


def test_user_metadata_wins_over_extracted_values(tmp_path):
    from analysis.load import load_corpus

    row = html_row("pier", "<mem>", page().encode())
    frame = pd.DataFrame([{**row, "text": row["raw_text"]}]).drop(columns=["raw_text"])
    meta = pd.DataFrame({"article_id": ["pier"], "title": ["Given title"], "outlet": ["My label"]})
    out = load_corpus(frame, metadata=meta, detect_language=False, dedupe=False)
    assert out.loc[0, "title"] == "Given title" and out.loc[0, "outlet"] == "My label"
    assert str(out.loc[0, "date"].date()) == "2023-05-16"  # not given: the extracted date stays


def test_a_page_without_metadata_gets_a_title_and_a_host_outlet():
    html = (
        "<html><body><h1>Quiet day at the market</h1>"
        + "".join(f"<p>{p}</p>" for p in PARAS)
        + "</body></html>"
    )
    out = extract_page(html, url="https://www.town.example/market/quiet-day")
    assert out["title"] and "title:" in out["metadata_evidence"]
    assert out["outlet"] == "town.example" and "outlet: host name of the URL" in out["metadata_evidence"]  # noqa: E501
    titled = "<html><head><title>Quiet day at the market – Town Crier</title></head>" + html[6:]
    out = extract_page(titled)
    assert (
        out["outlet"] == "Town Crier" and "outlet: the <title> after the headline" in out["metadata_evidence"]
    )


# --------------------------------------------------------------------------- files, gz, WARC, failures


def test_gzipped_page_file_is_read_with_its_stem_as_id(tmp_path):
    path = tmp_path / "pier-story.html.gz"
    path.write_bytes(gzip.compress(page().encode("utf-8")))
    row = read_html_file(path)
    assert row["article_id"] == "pier-story" and row["status"] == "ok"
    assert row["raw_text"].startswith("Pier closed after cracks found | Harbour Gazette")
    assert "harbour authority closed the northern pier" in row["extracted_text"]


def test_legacy_charset_from_the_meta_tag(tmp_path):
    path = tmp_path / "cafe.htm"
    html = (
        '<html><head><meta charset="windows-1252"><title>Café opens</title></head>'
        "<body><p>Crème brûlée.</p></body></html>"
    )
    path.write_bytes(html.encode("cp1252"))
    row = read_html_file(path)
    assert row["raw_text"].startswith("Café opens") and row["encoding"] == "windows-1252"


@pytest.mark.parametrize(
    ("content", "status", "fragment"),
    [
        (b"", "empty", "empty file"),
        (b"\x00\x01\x02\x03binary\x00" * 50, "unreadable", "binary"),
        (b"\x1f\x8b\x08\x00broken", "unreadable", "gzip"),
        (b"<html><head><script>x()</script></head><body>   </body></html>", "empty", "no visible text"),
    ],
)
def test_bad_pages_get_a_status_and_an_error_not_a_traceback(tmp_path, content, status, fragment):
    path = tmp_path / "bad.html"
    path.write_bytes(content)
    row = read_html_file(path)
    assert row["status"] == status and fragment in row["error"] and row["article_id"] == "bad"


def test_missing_page_file_is_unreadable(tmp_path):
    row = read_html_file(tmp_path / "gone.html")
    assert row["status"] == "unreadable" and "gone.html" in row["error"]


def test_extractor_failure_is_recorded(monkeypatch):
    import trafilatura

    def boom(*args, **kwargs):
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(trafilatura, "bare_extraction", boom)
    row = html_row("p", "<mem>", page().encode())
    assert row["status"] == "ok" and row["extracted_text"] is None
    assert "trafilatura failed: RuntimeError: parser exploded" in row["extraction"]
    assert row["title"] == "Pier closed after cracks found"  # still from og:title


def _warc(path, records):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=str(path).endswith(".gz"))
        for url, rec_type, content_type, body in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            if rec_type == "request":
                writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(body)))
            else:
                writer.write_record(
                    writer.create_warc_record(url, rec_type, payload=io.BytesIO(body), http_headers=headers)
                )


def test_warc_html_responses_become_rows_with_stable_ids(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    second = page().replace("Pier closed", "Ferry delayed").encode("cp1252")
    _warc(
        path,
        [
            ("https://news.example.org/local/pier", "request", "", b"GET / HTTP/1.1\r\n\r\n"),
            ("https://news.example.org/local/pier", "response", "text/html; charset=utf-8", page().encode()),
            ("https://news.example.org/img/p.jpg", "response", "image/jpeg", b"\xff\xd8\xff"),
            ("https://news.example.org/local/ferry", "response", "text/html; charset=windows-1252", second),
        ],
    )
    rows = read_warc_file(path)
    assert [r["article_id"] for r in rows] == [
        url_id("https://news.example.org/local/pier"),
        url_id("https://news.example.org/local/ferry"),
    ]
    assert all(r["status"] == "ok" and r["extracted_text"] for r in rows)
    assert rows[1]["raw_text"].startswith("Ferry delayed") and rows[1]["encoding"] == "windows-1252"
    assert read_warc_file(path)[0]["article_id"] == rows[0]["article_id"]  # stable across reads


def test_url_ids_differ_for_different_urls_and_are_file_safe():
    a, b = url_id("https://x.example/a?id=1"), url_id("https://x.example/a?id=2")
    assert a != b and re.fullmatch(r"[A-Za-z0-9._-]+", a)


def test_broken_or_empty_warc_is_one_row_with_an_error(tmp_path):
    broken = tmp_path / "broken.warc"
    broken.write_bytes(b"this is not a web archive\n")
    (row,) = read_warc_file(broken)
    assert row["status"] == "unreadable" and "not a WARC archive" in row["error"]
    malformed = tmp_path / "malformed.warc"
    malformed.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort")
    (row,) = read_warc_file(malformed)
    assert row["status"] == "unreadable" and "malformed.warc" in row["error"]
    only_images = tmp_path / "images.warc"
    _warc(only_images, [("https://x.example/p.png", "response", "image/png", b"\x89PNG")])
    (row,) = read_warc_file(only_images)
    assert row["status"] == "empty" and "no HTML response" in row["error"]
