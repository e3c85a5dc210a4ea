"""HTML pages and WARC archives through the loader and the cleaner (`load_corpus`, `paragraphs`)."""

from __future__ import annotations

import gzip
import io
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import load_corpus, paragraphs
from analysis.clean import clean_articles
from analysis.corpus.features import article_keys
from analysis.ingest.errors import CorpusError
from analysis.ingest.html import html_row
from analysis.ingest.metadata import MetadataJoinWarning
from analysis.ingest.read import expand_paths

BODY = [
    "The county council approved a new cycle lane along the river road on Wednesday, after two "
    "years of consultation with residents and shop owners.",
    "Work will start in the spring and should take about four months, the council's transport "
    "officer told the meeting, adding that buses would not be diverted.",
    "Opponents said the lane would remove forty parking spaces, and some traders asked for a "
    "delivery bay to be kept outside the market hall.",
]


def make_page(headline: str, site: str, date: str, extra: str = "") -> str:
    paras = "".join(f"<p>{p}</p>" for p in BODY)
    return (
        f"<html><head><title>{headline} | {site}</title>"
        f'<meta property="og:title" content="{headline}">'
        f'<meta property="og:site_name" content="{site}">'
        f'<meta property="article:published_time" content="{date}T08:00:00Z">'
        "</head><body><nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
        f"<article><h1>{headline}</h1>{paras}{extra}</article>"
        "<footer><p>Contact us | Privacy policy | Terms</p></footer></body></html>"
    )


def write_warc(path, url: str, page: str) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(page.encode()), http_headers=headers
            )
        )


@pytest.fixture
def page_folder(tmp_path):
    (tmp_path / "plain.html").write_text(make_page("Cycle lane approved", "River Post", "2024-03-06"))
    (tmp_path / "zipped.html.gz").write_bytes(
        gzip.compress(make_page("Council backs lane plan", "Valley Times", "2024-03-07").encode())
    )
    write_warc(
        tmp_path / "crawl.warc.gz",
        "https://news.example.net/2024/lane",
        make_page("Lane plan passes", "Hill Herald", "2024-03-08"),
    )
    return tmp_path


def test_folder_listing_finds_html_gz_and_warc(page_folder):
    names = sorted(p.name for p in expand_paths(page_folder))
    assert names == ["crawl.warc.gz", "plain.html", "zipped.html.gz"]


def test_a_folder_of_pages_loads_with_text_title_outlet_and_date(page_folder):
    corpus = load_corpus(page_folder, detect_language=False, dedupe=False).set_index("article_id")
    assert corpus.loc["plain", "title"] == "Cycle lane approved"
    assert corpus.loc["zipped", "title"] == "Council backs lane plan"
    warc_id = next(i for i in corpus.index if i.startswith("news.example.net"))
    assert corpus.loc[warc_id, "title"] == "Lane plan passes"
    assert dict(corpus["outlet"]) == {"plain": "River Post", "zipped": "Valley Times", warc_id: "Hill Herald"}
    assert corpus.loc["zipped", "date"] == pd.Timestamp("2024-03-07")
    for article_id in corpus.index:
        text = corpus.loc[article_id, "text"]
        assert text == "\n\n".join(BODY), article_id  # no menu, footer or headline in the body
        assert corpus.loc[article_id, "status"] == "ok"
        assert not corpus.loc[article_id, "title_derived"]
    # extracted_text stays in the table: paragraphs() of the loaded corpus gives the same body
    blocks = paragraphs(corpus.reset_index())
    body = blocks[blocks["kept"]].groupby("article_id")["text"].agg("\n\n".join)
    assert (body == corpus["text"].loc[body.index]).all() and len(body) == 3
    assert "og:site_name" in corpus.loc["plain", "metadata_evidence"]


def test_user_metadata_wins_over_the_page(page_folder):
    pd.DataFrame(
        {
            "article_id": ["plain"],
            "title": ["Given title"],
            "outlet": ["Given Outlet"],
            "date": ["2020-01-02"],
        }
    ).to_csv(page_folder / "metadata.csv", index=False)
    with pytest.warns(MetadataJoinWarning, match="1 of 3 articles got metadata"):
        corpus = load_corpus(page_folder, detect_language=False, dedupe=False).set_index("article_id")
    assert corpus.loc["plain", ["title", "outlet"]].tolist() == ["Given title", "Given Outlet"]
    assert corpus.loc["plain", "date"] == pd.Timestamp("2020-01-02")
    assert corpus.loc["plain", "text"] == "\n\n".join(BODY)
    assert corpus.loc["zipped", "outlet"] == "Valley Times"  # rows without metadata keep the page's


def test_an_empty_folder_names_the_html_and_warc_endings(tmp_path):
    with pytest.raises(CorpusError, match=r"\.html\.gz.*\.warc\.gz"):
        load_corpus(tmp_path)


def test_the_cache_key_follows_the_extracted_article():
    row = html_row("p", "<mem>", make_page("Cycle lane approved", "River Post", "2024-03-06").encode())
    raw = pd.DataFrame([row, {**row, "extracted_text": row["extracted_text"] + "\nMore."}])
    furniture = pd.Series([(), ()], dtype=object)
    first, second = article_keys(raw, furniture)
    assert first != second
    plain = pd.DataFrame({"raw_text": [row["raw_text"]], "title": [None]})
    assert article_keys(plain, pd.Series([()], dtype=object))[0] not in (first, second)


def test_the_cleaners_rules_run_on_the_extracted_article():
    extra = "<p>WATCH: Council meeting in full</p><p>Sign up for our free daily newsletter</p>"
    row = html_row("p", "<mem>", make_page("Cycle lane approved", "River Post", "2024-03-06", extra).encode())
    blocks = paragraphs(pd.DataFrame([row]))
    roles = dict(zip(blocks["text"], blocks["role"], strict=True))
    assert roles["Sign up for our free daily newsletter"] == "boilerplate"
    assert clean_articles(pd.DataFrame([row]))["text"].iloc[0].startswith(BODY[0])


_WORD = st.text(alphabet=st.characters(categories=("L", "N", "P")), min_size=1, max_size=10)
_PARA = st.lists(_WORD, min_size=1, max_size=25).map(" ".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PARA, min_size=1, max_size=8), st.lists(_PARA, min_size=0, max_size=4))
def test_page_blocks_contain_every_non_whitespace_character_of_raw_text(paras, furniture):
    from html import escape

    body = "".join(f"<p>{escape(p)}</p>" for p in paras)
    nav = "".join(f"<li>{escape(f)}</li>" for f in furniture)
    page = f"<html><head><title>T</title></head><body><ul>{nav}</ul><article>{body}</article></body></html>"
    row = html_row("p", "<mem>", page.encode())
    if row["status"] != "ok":
        return
    blocks = paragraphs(pd.DataFrame([row]))
    raw = row["raw_text"]
    covered = "".join(raw[s:e] for s, e in zip(blocks["start_char"], blocks["end_char"], strict=True))
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", raw)
    assert (blocks["reason"].astype(str) != "").all() | (blocks["role"] == "body").any()
