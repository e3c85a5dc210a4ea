"""Read raw articles from a folder, a list of files, a table file or a DataFrame (no cleaning)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.ingest.decode import decode_bytes, raw_row
from analysis.ingest.errors import CorpusError
from analysis.ingest.html import is_html_path, read_html_file
from analysis.ingest.warc import is_warc_path, read_warc_file

#: Column names accepted for the article body in tabular sources, in order of preference.
TEXT_COLUMNS: tuple[str, ...] = ("text", "body", "content", "story_text", "article_text", "full_text")
#: Column names mapped onto the standard columns (first match wins).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "article_id": ("article_id", "id", "stories_id", "story_id", "guid", "doc_id"),
    "outlet": ("outlet", "media_name", "source", "publisher", "media", "outlet_name", "domain", "media_url"),
    "title": ("title", "headline", "heading"),
    "date": ("date", "publish_date", "published", "pub_date", "published_at", "publication_date"),
    "url": ("url", "link", "story_url", "original_url"),
    "language": ("language", "lang"),
    "outlet_type": ("outlet_type",),
    "event": ("event",),
}
TEXT_SUFFIXES = {".txt", ".text", ".md"}
TABLE_SUFFIXES = {".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet", ".pq"}


def is_article_file(path: Path) -> bool:
    """Return True for a file a folder listing reads: text, table, HTML page (also ``.gz``) or WARC."""
    return path.suffix.lower() in TEXT_SUFFIXES | TABLE_SUFFIXES or is_html_path(path) or is_warc_path(path)


Source = str | PathLike | Sequence[str | PathLike] | pd.DataFrame

# --------------------------------------------------------------------------- reading sources


def read_text_file(path: Path) -> dict:
    """Read one text file into a raw row (status ``unreadable`` / ``empty`` with a reason when it fails)."""
    row = raw_row(path.stem, str(path))
    try:
        size = path.stat().st_size
        if size > config.MAX_FILE_BYTES:
            row.update(status="unreadable", error=f"{path}: file is {size:,} bytes, over the limit")
            return row
        data = path.read_bytes()
    except OSError as exc:
        row.update(status="unreadable", error=f"{path}: {exc.strerror or exc}")
        return row
    text, encoding, error = decode_bytes(data)
    row["encoding"] = encoding
    if text is None:
        row.update(status="unreadable", error=f"{path}: {error}")
    elif not text.strip():
        row.update(status="empty", error=f"{path}: empty or whitespace-only file")
    else:
        row["raw_text"] = text
    return row


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV / TSV / JSONL / JSON / Parquet file (:class:`CorpusError` when it cannot be read)."""
    suffix = path.suffix.lower()
    try:
        if suffix in {".parquet", ".pq"}:
            return pd.read_parquet(path)
        data = path.read_bytes()
        text, _, error = decode_bytes(data)
        if text is None:
            raise CorpusError(f"{path}: {error}")
        if suffix in {".csv", ".tsv"}:
            return pd.read_csv(io.StringIO(text), sep="\t" if suffix == ".tsv" else ",", dtype=str)
        if suffix in {".jsonl", ".ndjson"}:
            return pd.read_json(io.StringIO(text), lines=True, dtype=False)
        parsed = json.loads(text)
        if isinstance(parsed, dict):
            parsed = parsed.get("articles") or parsed.get("data") or parsed.get("stories") or [parsed]
        return pd.DataFrame(parsed)
    except CorpusError:
        raise
    except (ValueError, OSError, UnicodeError) as exc:
        raise CorpusError(f"{path}: cannot be read as a {suffix.lstrip('.')} table ({exc})") from exc


def _pick(columns: Iterable[str], candidates: Sequence[str]) -> str | None:
    lower = {c.lower().strip(): c for c in columns}
    for name in candidates:
        if name in lower:
            return lower[name]
    return None


def table_to_raw(table: pd.DataFrame, source_path: str) -> pd.DataFrame:
    """Map a user table onto the raw columns; rows without text get status ``no_text``."""
    text_col = _pick(table.columns, TEXT_COLUMNS)
    has_story_metadata = _pick(table.columns, ("url", "media_name", "stories_id")) is not None
    if text_col is None and not has_story_metadata:
        raise CorpusError(
            f"{source_path}: no text column found. Expected one of {', '.join(TEXT_COLUMNS)}; "
            f"the table has columns: {', '.join(map(str, table.columns)) or '(none)'}"
        )
    out = pd.DataFrame(index=table.index)
    id_col = _pick(table.columns, COLUMN_ALIASES["article_id"])
    if id_col is not None:
        out["article_id"] = table[id_col].astype(str).str.strip()
    else:
        width = len(str(len(table)))
        out["article_id"] = [f"{i:0{width}d}" for i in range(len(table))]
    for column, candidates in COLUMN_ALIASES.items():
        if column == "article_id":
            continue
        picked = _pick(table.columns, candidates)
        if picked is not None:
            out[column] = table[picked].where(table[picked].notna(), None)
    texts = table[text_col] if text_col is not None else pd.Series([None] * len(table), index=table.index)
    texts = texts.where(texts.notna(), "").astype(str)
    out["raw_text"] = texts.str.replace("\r\n", "\n").str.replace("\r", "\n")
    out["source_path"] = source_path
    out["encoding"] = ""
    blank = out["raw_text"].str.strip() == ""
    out["status"] = "ok"
    out["error"] = ""
    if text_col is None:
        out["status"] = "no_text"
        out["error"] = "no story text in the source (metadata only)"
    else:
        out.loc[blank, "status"] = "no_text"
        out.loc[blank, "error"] = f"empty {text_col!r} cell"
    # keep any extra user columns (they may be useful as `by=` groupings)
    used = {text_col, id_col, *(c for c in (_pick(table.columns, v) for v in COLUMN_ALIASES.values()) if c)}
    for column in table.columns:
        if column not in used and column not in out.columns:
            out[column] = table[column]
    return out.reset_index(drop=True)


def expand_paths(source: Source) -> list[Path]:
    """Return the article files a source names (a folder's text and table files, sorted).

    Raises
    ------
    CorpusError
        A missing path, an empty list or a folder without article files.
    """
    if isinstance(source, (str, PathLike)):
        paths = [Path(source)]
    else:
        paths = [Path(p) for p in source]
        if not paths:
            raise CorpusError("empty list of paths: nothing to load")
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise CorpusError(f"{path}: no such file or folder")
        if path.is_dir():
            found = sorted(
                p
                for p in path.iterdir()
                if p.is_file()
                and is_article_file(p)
                and p.name not in config.CORPUS_FILE_NAMES
                and not p.name.startswith(".")
            )
            if not found:
                raise CorpusError(
                    f"{path}: folder has no article files (.txt, .csv, .jsonl, .json, .parquet, "
                    ".html, .htm, .html.gz, .warc or .warc.gz)"
                )
            files.extend(found)
        else:
            files.append(path)
    return files


def read_articles(source: Source) -> pd.DataFrame:
    """Read raw articles without cleaning them.

    Parameters
    ----------
    source : str, path, list of paths or DataFrame
        A folder of ``.txt`` files, HTML pages (``.html``, ``.htm``, also
        gzipped) and WARC archives (``.warc``, ``.warc.gz``), plus tables,
        if any; a list of such files,
        one CSV / TSV / JSONL / JSON / Parquet file with a text column, or a
        DataFrame with ``text`` (or ``body``, ``content``, ``story_text``).

    Returns
    -------
    pandas.DataFrame
        One row per article: ``article_id``, ``raw_text``, ``status``,
        ``error``, ``encoding``, ``source_path`` and whatever metadata columns
        (``outlet``, ``title``, ``date``, ``url``...) the source carried.
        Rows read from HTML pages also carry ``extracted_text`` (the article
        trafilatura found), ``author``, ``metadata_evidence`` and
        ``extraction`` (see :mod:`analysis.ingest.html`); their ``title``,
        ``outlet``, ``url`` and ``date`` come from the page.

    Raises
    ------
    CorpusError
        Missing path, empty folder, unreadable table, or a table without a
        text column (the message lists the columns it saw).
    """
    if isinstance(source, pd.DataFrame):
        return table_to_raw(source, "<DataFrame>")
    frames: list[pd.DataFrame] = []
    text_rows: list[dict] = []
    for path in expand_paths(source):
        if is_warc_path(path):
            text_rows.extend(read_warc_file(path))
        elif is_html_path(path):
            text_rows.append(read_html_file(path))
        elif path.suffix.lower() in TABLE_SUFFIXES:
            frames.append(table_to_raw(read_table(path), str(path)))
        else:
            text_rows.append(read_text_file(path))
    if text_rows:
        frames.insert(0, pd.DataFrame(text_rows))
    raw = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return raw
