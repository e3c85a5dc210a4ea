"""Read WARC archives (``.warc``, ``.warc.gz``): one raw article row per HTML response record.

Each ``response`` record whose HTTP ``Content-Type`` is HTML becomes a page row built by
:func:`analysis.ingest.html.html_row` (the page dump as ``raw_text``, the extracted article and
metadata beside it). The row's ``article_id`` is made from the record's target URI
(:func:`url_id`), so it is stable across runs and archives; ``url`` is the target URI unless the
page names a canonical one. A record that is not HTML is skipped (it is not an article); an
archive that cannot be read becomes one row with ``status`` ``unreadable`` and the error.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from pathlib import Path
from urllib.parse import urlsplit

from analysis import config
from analysis.ingest.html import html_row

#: File name endings read as WARC archives.
WARC_SUFFIXES: tuple[str, ...] = (".warc", ".warc.gz", ".arc", ".arc.gz")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def is_warc_path(path: str | Path) -> bool:
    """Return True for a file name read as a WARC archive."""
    return str(path).lower().endswith(WARC_SUFFIXES)


def url_id(url: str) -> str:
    """Return a stable, readable article id for a URL: host and path, plus a short hash.

    >>> url_id("https://www.example.com/news/2024/rain-falls.html?ref=rss")
    'example.com_news_2024_rain-falls.html-856f2419'
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    readable = _UNSAFE.sub("_", f"{host}{parts.path}").strip("_")[:80] or "page"
    digest = hashlib.sha1(url.strip().encode("utf-8")).hexdigest()[:8]
    return f"{readable}-{digest}"


def _charset(content_type: str) -> str | None:
    m = re.search(r"charset\s*=\s*[\"']?([\w:.-]+)", content_type or "", re.IGNORECASE)
    return m.group(1) if m else None


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        head = fh.read(64)
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as fh:
                head = fh.read(64)
        except (OSError, EOFError, zlib.error):
            return b""
    return head.lstrip()


def read_warc_file(path: str | Path) -> list[dict]:
    """Read the HTML response records of one WARC file into raw article rows.

    Parameters
    ----------
    path : str or Path
        A ``.warc`` or ``.warc.gz`` file.

    Returns
    -------
    list of dict
        One row per HTML response (see :func:`analysis.ingest.html.html_row`), with
        ``source_path`` ``"<file>#<record number>"``; one ``unreadable`` row with the error when
        the archive cannot be read, or ``empty`` when it holds no HTML response. Records read
        before a broken one are kept.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    path = Path(path)
    rows: list[dict] = []

    def failed(status: str, message: str) -> list[dict]:
        row = html_row(path.name, str(path), b"")
        row.update(status=status, error=f"{path}: {message}")
        return [*rows, row]

    try:
        size = path.stat().st_size
        if size > config.MAX_FILE_BYTES * 20:
            return failed("unreadable", f"file is {size:,} bytes, over the limit")
        head = _head(path)
        if not head.startswith((b"WARC/", b"filedesc://")):
            return failed(
                "unreadable", "not a WARC archive (it does not begin with a WARC/1.x record header)"
            )
        seen: dict[str, int] = {}
        records = 0
        with path.open("rb") as stream:
            for number, record in enumerate(ArchiveIterator(stream)):
                records += 1
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                content_type = record.http_headers.get_header("Content-Type") or ""
                if "html" not in content_type.lower():
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                data = record.content_stream().read()
                article_id = url_id(url) if url else f"{path.name}-{number}"
                seen[article_id] = seen.get(article_id, 0) + 1
                if seen[article_id] > 1:  # the same URL captured again: keep both, ids stay unique
                    article_id = f"{article_id}-{seen[article_id]}"
                row = html_row(
                    article_id, f"{path}#{number}", data, url=url or None, charset=_charset(content_type)
                )
                if not row["error"] and row["status"] != "ok":
                    row["error"] = f"{path}#{number}: {row['status']}"
                rows.append(row)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        return failed("unreadable", f"cannot be read as a WARC archive ({type(exc).__name__}: {exc})")
    except Exception as exc:  # noqa: BLE001 - warcio fails on malformed records in many ways
        return failed("unreadable", f"a malformed WARC record ({type(exc).__name__}: {exc})")
    if not rows:
        return failed("empty", f"the archive holds no HTML response record ({records} records read)")
    return rows
