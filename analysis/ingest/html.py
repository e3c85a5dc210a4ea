"""Read HTML pages: a plain-text dump of the whole page plus the article trafilatura extracts.

One page becomes one raw article row (the same columns as a text file's row): ``raw_text`` is the
whole page as plain text (the ``<title>`` first, then every block element's visible text, blocks
separated by a blank line, ``<br>`` a line break), and the extractor's result rides along:

- ``extracted_text``: the article body trafilatura found (its paragraphs, one per line), or None
  when it found none (the plain-text cleaner then decides on the dump alone);
- ``title``, ``author``, ``outlet`` (the site name), ``url``, ``date`` (``htmldate``), each with its
  source in ``metadata_evidence`` (``"title: og:title via trafilatura; date: ..."``);
- ``extraction``: what ran, or why nothing was extracted.

User metadata is applied after reading, so a user's title, outlet or date wins.
A page that cannot be decoded or parsed gets ``status`` ``unreadable`` or ``empty`` and an
``error``, never a traceback.
"""

from __future__ import annotations

import gzip
import html
import re
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from analysis import config
from analysis.ingest.decode import decode_bytes, raw_row

#: File name endings read as HTML pages (``.gz`` is decompressed first).
HTML_SUFFIXES: tuple[str, ...] = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz", ".xhtml.gz")
#: Options passed to ``trafilatura.bare_extraction`` (measured best on extraction-dev, see eval/).
EXTRACTOR_OPTIONS: dict[str, object] = {
    "include_comments": False,
    "include_tables": False,
    "favor_precision": False,
    "favor_recall": False,
}
#: Name recorded in the ``extraction`` column.
EXTRACTOR = "trafilatura"

BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu "
    "nav ol p pre section summary table tbody td tfoot th thead tr ul option select button".split()
)
SKIP_TAGS = frozenset("script style noscript svg iframe template object canvas math head".split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)


# --------------------------------------------------------------------------- decoding


def extraction_fields(url: str | None = None) -> dict:
    """Return the extractor's columns of a page row, empty (``url`` as given)."""
    return {
        "extracted_text": None,
        "title": None,
        "author": None,
        "outlet": None,
        "url": url,
        "date": None,
        "metadata_evidence": "",
        "extraction": "",
    }


def is_html_path(path: str | Path) -> bool:
    """Return True for a file name read as an HTML page (``.html``, ``.htm``, also gzipped)."""
    return str(path).lower().endswith(HTML_SUFFIXES)


def page_stem(path: str | Path) -> str:
    """Return the article id of a page file: its name without ``.gz`` and the HTML suffix.

    >>> page_stem("pages/story-1.html.gz")
    'story-1'
    """
    name = Path(path).name
    for suffix in sorted(HTML_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return Path(name).stem


def decode_html(data: bytes, declared: str | None = None) -> tuple[str | None, str, str]:
    r"""Decode page bytes: the HTTP or ``<meta>`` charset first, then UTF-8, then detection.

    Returns ``(text, encoding, error)`` as :func:`analysis.load.decode_bytes` does.

    >>> decode_html('<meta charset="windows-1252"><p>caf\xe9</p>'.encode("cp1252"))[:2]
    ('<meta charset="windows-1252"><p>café</p>', 'windows-1252')
    """
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            return None, "gzip", f"broken gzip data ({exc})"
    candidates = [declared] if declared else []
    m = _CHARSET.search(data[:8192])
    if m:
        candidates.append(m.group(1).decode("ascii", "replace"))
    for name in candidates:
        name = name.strip().lower()
        if name in {"utf-8", "utf8"}:
            break  # the UTF-8 path below (with BOM and mojibake handling)
        try:
            return data.decode(name), name, ""
        except (LookupError, UnicodeDecodeError):
            continue
    return decode_bytes(data)


# --------------------------------------------------------------------------- the page dump


class _Dumper(HTMLParser):
    """Collect the title and the visible text of every block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.title: list[str] = []
        self._buf: list[str] = []
        self._skip: list[str] = []
        self._in_title = False

    def _flush(self) -> None:
        lines = [_SPACE.sub(" ", line).strip() for line in "".join(self._buf).split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append(text)
        self._buf = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "title":
            self._in_title = True
            return
        if self._skip:
            if tag == self._skip[-1] or (tag in SKIP_TAGS and tag not in _VOID):
                self._skip.append(tag)
            return
        if tag in SKIP_TAGS:
            self._skip.append(tag)
        elif tag == "br":
            self._buf.append("\n")
        elif tag in BLOCK_TAGS:
            self._flush()
        elif tag in ("img", "input"):
            return

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag == "br" and not self._skip:
            self._buf.append("\n")
        elif tag in BLOCK_TAGS and not self._skip:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            return
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            elif tag in self._skip:  # unclosed inner elements: close up to the matching one
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def page_dump(page: str) -> str:
    r"""Return the whole page as plain text: title first, one block per block element.

    Blocks are separated by one blank line; ``<br>`` is a line break; scripts, styles,
    ``noscript``, ``svg``, iframes, templates and comments are dropped.

    >>> page_dump("<title>T | Site</title><div>Menu<p>One &amp; two.<br>Three</p></div><script>x</script>")
    'T | Site\n\nMenu\n\nOne & two.\nThree'
    """
    dumper = _Dumper()
    dumper.feed(page)
    dumper.close()
    title = _SPACE.sub(" ", "".join(dumper.title)).strip()
    return "\n\n".join(([title] if title else []) + dumper.blocks)


# --------------------------------------------------------------------------- metadata sources


def _norm(text: object) -> str:
    return _SPACE.sub(" ", html.unescape(str(text))).strip().casefold() if text else ""


def _meta_values(tree: object) -> dict[str, list[str]]:
    """Return the page's metadata candidates by source name (``og:title``, ``<title>``, ...)."""
    out: dict[str, list[str]] = {}

    def add(name: str, value: object) -> None:
        if value and str(value).strip():
            out.setdefault(name, []).append(str(value).strip())

    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key:
            add(key, meta.get("content"))
    for el in tree.iter("title"):
        add("<title>", el.text_content())
    for el in tree.iter("h1"):
        add("<h1>", el.text_content())
    for el in tree.iter("link"):
        if (el.get("rel") or "").lower() == "canonical":
            add("canonical link", el.get("href"))
    for el in tree.iter("time"):
        add("<time>", el.get("datetime"))
    for el in tree.iter("script"):
        if (el.get("type") or "").lower() == "application/ld+json" and el.text:
            for key in ("headline", "datePublished", "name", "author"):
                for m in re.finditer(rf'"{key}"\s*:\s*"((?:[^"\\]|\\.)*)"', el.text):
                    add(f"JSON-LD {key}", m.group(1))
    return out


_FIELD_SOURCES: dict[str, tuple[str, ...]] = {
    "title": ("og:title", "twitter:title", "JSON-LD headline", "<h1>", "<title>", "title", "headline"),
    "author": (
        "author",
        "article:author",
        "dc.creator",
        "byl",
        "sailthru.author",
        "JSON-LD name",
        "JSON-LD author",
    ),
    "sitename": ("og:site_name", "application-name", "publisher", "twitter:site", "JSON-LD name"),
    "url": ("og:url", "canonical link", "twitter:url"),
}


def _source_of(field: str, value: str, metas: dict[str, list[str]]) -> str:
    """Name the page element whose value equals (or contains) what the extractor returned."""
    target = _norm(value)
    if not target:
        return ""
    for name in _FIELD_SOURCES.get(field, ()):
        if any(_norm(v) == target for v in metas.get(name, ())):
            return name
    for name in _FIELD_SOURCES.get(field, ()):
        if any(target in _norm(v) for v in metas.get(name, ())):
            return f"part of {name}"
    return "page text"


_DATE_KEYS = (
    "article:published_time",
    "datepublished",
    "og:published_time",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "sailthru.date",
    "parsely-pub-date",
    "JSON-LD datePublished",
    "<time>",
    "article:modified_time",
    "og:updated_time",
)


def _date_source(date: str, metas: dict[str, list[str]], url: str | None) -> str:
    for key in _DATE_KEYS:
        if any(v.strip().startswith(date) or date in v[:40] for v in metas.get(key, ())):
            return key
    if url and (date in url or date.replace("-", "/") in url or date.replace("-", "") in url):
        return "the URL"
    return "page text"


def site_from_url(url: str | None) -> str | None:
    """Return the host name of a URL without ``www.`` (None when there is none).

    >>> site_from_url("https://www.example.com/news/a.html")
    'example.com'
    """
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    host = host.removeprefix("www.")
    return host or None


_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—:·•»]\s+")


def title_suffix(page_title: str, headline: str | None) -> str | None:
    """Return the site name a ``<title>`` prints after the headline ("Headline | Site"), else None.

    >>> title_suffix("Rain falls all day – The Daily Gazette", "Rain falls all day")
    'The Daily Gazette'
    >>> title_suffix("Rain falls all day", "Rain falls all day") is None
    True
    """
    if not page_title or not headline:
        return None
    page_title = _SPACE.sub(" ", page_title).strip()
    if not _norm(page_title).startswith(_norm(headline)):
        return None
    rest = page_title[len(_SPACE.sub(" ", headline).strip()) :]
    m = _TITLE_SEPARATOR.match(rest)
    if m is None:
        return None
    site = rest[m.end() :].strip()
    return site if site and len(site.split()) <= 6 else None


# --------------------------------------------------------------------------- extraction


def extract_page(page: str, url: str | None = None) -> dict:
    """Run trafilatura and htmldate on one decoded page.

    Parameters
    ----------
    page : str
        The page's HTML.
    url : str, optional
        Where the page came from (a WARC record's target URI), used when the page names none.

    Returns
    -------
    dict
        ``extracted_text`` (body paragraphs, one per line, or None), ``title``, ``author``,
        ``outlet``, ``url``, ``date`` (``YYYY-MM-DD`` or None), ``metadata_evidence`` (one
        ``"field: source"`` clause per value found, ``"; "``-joined) and ``extraction`` (what ran
        or why nothing came out). Values not found are None.
    """
    import htmldate
    import trafilatura
    from lxml import html as lxml_html

    out: dict = extraction_fields(url)
    evidence: list[str] = []
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, TypeError) as exc:  # lxml raises ParserError (a ValueError) on empty documents
        out["extraction"] = f"the page could not be parsed as HTML ({exc})"
        return out
    metas = _meta_values(tree)
    try:
        doc = trafilatura.bare_extraction(page, url=url, with_metadata=True, **EXTRACTOR_OPTIONS)
    except Exception as exc:  # noqa: BLE001 - a third-party failure on one page is recorded, not raised
        doc = None
        out["extraction"] = f"{EXTRACTOR} failed: {type(exc).__name__}: {exc}"
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if body:
        out["extracted_text"] = body
        out["extraction"] = f"{EXTRACTOR} {trafilatura.__version__}"
    elif not out["extraction"]:
        out["extraction"] = f"{EXTRACTOR} found no article body; the plain-text cleaner decides"
    via = f"via {EXTRACTOR}"
    if doc is not None and doc.title:
        out["title"] = _SPACE.sub(" ", doc.title).strip()
        evidence.append(f"title: {_source_of('title', out['title'], metas)} {via}")
    else:
        for name in ("og:title", "twitter:title", "<h1>", "<title>"):
            if metas.get(name):
                out["title"] = _SPACE.sub(" ", metas[name][0]).strip()
                evidence.append(f"title: {name}")
                break
    if doc is not None and doc.author:
        out["author"] = doc.author
        evidence.append(f"author: {_source_of('author', doc.author, metas)} {via}")
    page_url = doc.url if doc is not None and doc.url else None
    if page_url:
        out["url"] = page_url
        source = _source_of("url", page_url, metas)
        if source == "page text" and url and page_url.rstrip("/") == url.rstrip("/"):
            source = "the record's target URI"
        evidence.append(f"url: {source} {via}")
    elif url:
        evidence.append("url: the record's target URI")
    sitename = doc.sitename if doc is not None and doc.sitename else None
    if sitename:
        out["outlet"] = _SPACE.sub(" ", sitename).strip()
        source = _source_of("sitename", sitename, metas)
        if source == "page text" and _norm(sitename) == _norm(site_from_url(out["url"])):
            source = "host name of the URL"
        evidence.append(f"outlet: {source} {via}")
    elif site_from_url(out["url"]):
        out["outlet"] = site_from_url(out["url"])
        evidence.append("outlet: host name of the URL")
    elif title_suffix(metas.get("<title>", [""])[0], out["title"]):
        out["outlet"] = title_suffix(metas["<title>"][0], out["title"])
        evidence.append("outlet: the <title> after the headline")
    try:
        date = htmldate.find_date(tree, url=out["url"], original_date=True, extensive_search=True)
    except Exception:  # noqa: BLE001 - htmldate failing on one page leaves the date unknown
        date = None
    if date:
        out["date"] = date
        evidence.append(f"date: {_date_source(date, metas, out['url'])} via htmldate")
    out["metadata_evidence"] = "; ".join(evidence)
    return out


def html_row(
    article_id: str, source_path: str, data: bytes, *, url: str | None = None, charset: str | None = None
) -> dict:
    """Build the raw article row of one page from its bytes (see the module docstring).

    The row has the loader's raw columns (``article_id``, ``source_path``, ``raw_text``,
    ``status``, ``error``, ``encoding``) plus ``extracted_text``, ``title``, ``author``,
    ``outlet``, ``url``, ``date``, ``metadata_evidence`` and ``extraction``.
    """
    row = {**raw_row(article_id, source_path), **extraction_fields(url)}
    page, encoding, error = decode_html(data, charset)
    row["encoding"] = encoding
    if page is None:
        row.update(status="unreadable", error=f"{source_path}: {error}")
        return row
    try:
        dump = page_dump(page)
    except Exception as exc:  # noqa: BLE001 - html.parser failing on one page is recorded
        row.update(status="unreadable", error=f"{source_path}: the page could not be parsed ({exc})")
        return row
    if not dump.strip():
        row.update(status="empty", error=f"{source_path}: the page has no visible text")
        return row
    row["raw_text"] = dump
    row.update(extract_page(page, url))
    return row


def read_html_file(path: str | Path) -> dict:
    """Read one ``.html``/``.htm`` page (also ``.gz``) into a raw article row (id: the file stem).

    Never raises on a bad file: the row gets ``status`` ``unreadable`` or ``empty`` and an ``error``.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > config.MAX_FILE_BYTES:
            row = html_row(page_stem(path), str(path), b"")
            row.update(status="unreadable", error=f"{path}: file is {size:,} bytes, over the limit")
            return row
        data = path.read_bytes()
    except OSError as exc:
        row = html_row(page_stem(path), str(path), b"")
        row.update(status="unreadable", error=f"{path}: {exc.strerror or exc}")
        return row
    if not data.strip():
        row = html_row(page_stem(path), str(path), b"")
        row.update(status="empty", error=f"{path}: empty file")
        return row
    return html_row(page_stem(path), str(path), data)
