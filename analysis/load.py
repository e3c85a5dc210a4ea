"""Load articles from a folder, a list of files, or a CSV/JSONL/Parquet table.

The loader never crashes on one bad article and never drops one silently:
every input row or file becomes a row of the result with a ``status``
(``ok``, ``empty``, ``no_text``, ``duplicate``, ``non_english``,
``unreadable``) and, where something went wrong, an ``error`` message.
Problems with the *source itself* (missing path, empty folder, a table with
no text column) raise :class:`CorpusError` naming the path and the problem.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from os import PathLike
from pathlib import Path

import pandas as pd

from analysis import config

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
#: Columns every loaded corpus has, in this order (extra input columns follow).
CORPUS_COLUMNS: tuple[str, ...] = (
    "article_id",
    "outlet",
    "outlet_type",
    "title",
    "title_derived",
    "date",
    "date_precision",
    "event",
    "url",
    "language",
    "text",
    "raw_text",
    "n_words",
    "status",
    "duplicate_of",
    "error",
    "encoding",
    "source_path",
)

Source = str | PathLike | Sequence[str | PathLike] | pd.DataFrame


class CorpusError(ValueError):
    """A source that cannot be read as a corpus at all (the message names the path and the problem)."""


# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes) -> tuple[str | None, str, str]:
    r"""Decode raw bytes into text, repairing mojibake.

    Parameters
    ----------
    data : bytes
        File content.

    Returns
    -------
    tuple of (str or None, str, str)
        ``(text, encoding, error)``. ``text`` is None when the bytes are not
        text (binary); ``encoding`` names the codec used; ``error`` is empty
        unless the content is unreadable.

    Examples
    --------
    >>> decode_bytes("The Élysée said “yes”".encode("cp1252"))[:2]
    ('The Élysée said “yes”', 'cp1252')
    >>> decode_bytes(b"\xef\xbb\xbfHello")[:2]
    ('Hello', 'utf-8-sig')
    """
    import ftfy

    if data.startswith(codecs.BOM_UTF8):
        text, encoding = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = data.decode("utf-16", errors="replace"), "utf-16"
    else:
        if b"\x00" in data[:8192]:
            return None, "binary", "binary content (NUL bytes): not a text file"
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _decode_legacy(data)
            if text is None:
                return None, "unknown", "could not detect a text encoding"
    if text and _control_share(text) > 0.05:
        return None, encoding, "mostly control characters: not a text file"
    # Repair mojibake (UTF-8 read as cp1252 etc.) but keep typography as printed.
    # Pure ASCII cannot hold mojibake: skip ftfy there (it is slow on big files).
    fixed = text if text.isascii() else ftfy.fix_text(
        text,
        uncurl_quotes=False,
        fix_character_width=False,
        fix_latin_ligatures=False,
        unescape_html=False,
        normalization="NFC",
    )
    return fixed.replace("\r\n", "\n").replace("\r", "\n"), encoding, ""


def _decode_legacy(data: bytes) -> tuple[str | None, str]:
    """Decode non-UTF-8 bytes: mostly-ASCII text is cp1252 (else latin-1), other text charset-normalizer's."""
    ascii_share = sum(b < 0x80 for b in data[:65536]) / max(min(len(data), 65536), 1)
    if ascii_share >= 0.6:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return (None, "unknown") if best is None else (str(best), best.encoding)


def _control_share(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f\v") or ch == "\ufffd")
    return bad / max(len(sample), 1)


# --------------------------------------------------------------------------- reading sources


def _raw_row(article_id: str, source_path: str) -> dict:
    return {
        "article_id": article_id,
        "source_path": source_path,
        "raw_text": "",
        "status": "ok",
        "error": "",
        "encoding": "",
    }


def _read_text_file(path: Path) -> dict:
    row = _raw_row(path.stem, str(path))
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


def _read_table(path: Path) -> pd.DataFrame:
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


def _table_to_raw(table: pd.DataFrame, source_path: str) -> pd.DataFrame:
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


def _expand(source: Source) -> list[Path]:
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
                and p.suffix.lower() in TEXT_SUFFIXES | TABLE_SUFFIXES
                and p.name != "metadata.csv"
                and not p.name.startswith(".")
            )
            if not found:
                raise CorpusError(
                    f"{path}: folder has no article files (.txt, .csv, .jsonl, .json or .parquet)"
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
        A folder of ``.txt`` files (plus tables, if any), a list of files,
        one CSV / TSV / JSONL / JSON / Parquet file with a text column, or a
        DataFrame with ``text`` (or ``body``, ``content``, ``story_text``).

    Returns
    -------
    pandas.DataFrame
        One row per article: ``article_id``, ``raw_text``, ``status``,
        ``error``, ``encoding``, ``source_path`` and whatever metadata columns
        (``outlet``, ``title``, ``date``, ``url``...) the source carried.

    Raises
    ------
    CorpusError
        Missing path, empty folder, unreadable table, or a table without a
        text column (the message lists the columns it saw).
    """
    if isinstance(source, pd.DataFrame):
        return _table_to_raw(source, "<DataFrame>")
    frames: list[pd.DataFrame] = []
    text_rows: list[dict] = []
    for path in _expand(source):
        if path.suffix.lower() in TABLE_SUFFIXES:
            frames.append(_table_to_raw(_read_table(path), str(path)))
        else:
            text_rows.append(_read_text_file(path))
    if text_rows:
        frames.insert(0, pd.DataFrame(text_rows))
    raw = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return raw


# --------------------------------------------------------------------------- metadata


def _read_metadata(metadata: str | PathLike | pd.DataFrame) -> pd.DataFrame:
    if isinstance(metadata, pd.DataFrame):
        meta = metadata.copy()
    else:
        path = Path(metadata)
        if not path.exists():
            raise CorpusError(f"{path}: metadata file not found")
        meta = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "article_id" not in meta.columns:
        raise CorpusError(
            f"metadata has no 'article_id' column (columns: {', '.join(map(str, meta.columns))})"
        )
    meta["article_id"] = meta["article_id"].astype(str)
    return meta.drop_duplicates("article_id", keep="last")


def _apply_metadata(raw: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """Override inferred values with non-empty metadata values, keyed by ``article_id``."""
    out = raw.copy()
    lookup = meta.set_index("article_id")
    for column in lookup.columns:
        values = out["article_id"].map(lookup[column])
        given = values.notna() & (values.astype(str).str.strip() != "")
        if column not in out.columns:
            out[column] = None
        out[column] = out[column].astype(object)
        out.loc[given, column] = values[given]
    return out


# --------------------------------------------------------------------------- statuses


def _normalise_for_hash(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def _mark_duplicates(df: pd.DataFrame, *, threshold: float = 0.85) -> pd.DataFrame:
    """Mark exact and near-duplicate articles (``status='duplicate'``, ``duplicate_of`` = original)."""
    from datasketch import MinHash, MinHashLSH

    out = df.copy()
    out["duplicate_of"] = None
    ok = out.index[out["status"] == "ok"]
    seen_hash: dict[str, str] = {}
    lsh = MinHashLSH(threshold=threshold, num_perm=64)
    signatures: dict[str, MinHash] = {}
    for idx in ok:
        article_id = out.at[idx, "article_id"]
        norm = _normalise_for_hash(out.at[idx, "text"])
        digest = hashlib.sha1(norm.encode()).hexdigest()
        if digest in seen_hash:
            out.at[idx, "status"] = "duplicate"
            out.at[idx, "duplicate_of"] = seen_hash[digest]
            continue
        seen_hash[digest] = article_id
        words = norm.split()
        shingles = {" ".join(words[i : i + 5]) for i in range(max(len(words) - 4, 1))}
        sig = MinHash(num_perm=64, seed=1)
        sig.update_batch([s.encode() for s in shingles])
        matches = [m for m in lsh.query(sig) if sig.jaccard(signatures[m]) >= threshold]
        if matches:
            out.at[idx, "status"] = "duplicate"
            out.at[idx, "duplicate_of"] = sorted(matches)[0]
            continue
        lsh.insert(article_id, sig)
        signatures[article_id] = sig
    return out


#: Characters of each article given to langid (its cost is linear in length; ~200 words identify
#: a language reliably).
LANGUAGE_ID_CHARS = 1200


@lru_cache(maxsize=1)
def _language_identifier() -> object:
    """Load langid's bundled model once per process (it takes seconds)."""
    from langid.langid import LanguageIdentifier, model

    return LanguageIdentifier.from_modelstring(model, norm_probs=True)


def _detect_language(df: pd.DataFrame) -> pd.DataFrame:
    """Set ``language`` where unknown and mark confidently non-English articles ``non_english``."""
    identifier = _language_identifier()
    out = df.copy()
    for idx in out.index[out["status"] == "ok"]:
        text = out.at[idx, "text"]
        if out.at[idx, "n_words"] < config.MIN_WORDS_FOR_LANGUAGE_ID:
            continue
        lang, prob = identifier.classify(text[:LANGUAGE_ID_CHARS])
        given = out.at[idx, "language"]
        if given is None or (isinstance(given, float) and pd.isna(given)) or str(given).strip() == "":
            out.at[idx, "language"] = lang if prob >= 0.5 else None
        if lang != "en" and prob >= 0.9:
            out.at[idx, "language"] = lang
            out.at[idx, "status"] = "non_english"
            out.at[idx, "error"] = f"language identified as {lang!r} (p={prob:.2f}); analysis is English-only"
    return out


def _sort_key(ids: pd.Series) -> pd.Series:
    numeric = pd.to_numeric(ids, errors="coerce")
    if numeric.notna().all():
        return numeric
    return ids


# --------------------------------------------------------------------------- public API


def ok_articles(articles: pd.DataFrame) -> pd.DataFrame:
    """Return the rows every analysis stage works on: ``status == 'ok'`` (all rows if there is no status).

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``.

    Returns
    -------
    pandas.DataFrame
        The same columns, only analysable rows (a view-safe selection; the input is not modified).

    Raises
    ------
    ValueError
        When ``article_id`` or ``text`` is missing (the message lists the columns seen).

    Examples
    --------
    >>> df = pd.DataFrame({"article_id": ["a", "b"], "text": ["x", ""], "status": ["ok", "empty"]})
    >>> ok_articles(df)["article_id"].tolist()
    ['a']
    """
    missing = {"article_id", "text"} - set(articles.columns)
    if missing:
        raise ValueError(f"articles need columns {sorted(missing)}; got {list(articles.columns)}")
    if "status" in articles.columns:
        return articles[articles["status"] == "ok"]
    return articles


def load_corpus(
    source: Source,
    metadata: str | PathLike | pd.DataFrame | bool | None = None,
    *,
    detect_language: bool = True,
    dedupe: bool = True,
) -> pd.DataFrame:
    """Load and clean a corpus: one row per article, nothing dropped silently.

    Parameters
    ----------
    source : str, path, list of paths or DataFrame
        See :func:`read_articles`.
    metadata : str, path, DataFrame, bool or None, default None
        Table keyed by ``article_id`` whose non-empty values override
        inferred ones (``outlet``, ``title``, ``date``, ``event``...). None
        uses ``metadata.csv`` beside the articles when the source is a
        folder that has one; False ignores it.
    detect_language : bool, default True
        Mark confidently non-English articles ``non_english`` (langid).
    dedupe : bool, default True
        Mark exact and near-duplicate articles ``duplicate``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CORPUS_COLUMNS` (``date`` is datetime64, NaT when
        unknown; ``title_derived`` is bool; ``n_words`` int), then any extra
        columns of the source. Stable-sorted by ``article_id``.

    Raises
    ------
    CorpusError
        When the source itself cannot be read (see :func:`read_articles`).
    """
    from analysis.clean import clean_articles

    raw = read_articles(source)
    if metadata is None and isinstance(source, (str, PathLike)) and Path(source).is_dir():
        candidate = Path(source) / "metadata.csv"
        metadata = candidate if candidate.exists() else None
    if metadata is not None and metadata is not False and metadata is not True:
        raw = _apply_metadata(raw, _read_metadata(metadata))
    for column in CORPUS_COLUMNS:
        if column not in raw.columns:
            raw[column] = None
    articles = clean_articles(raw)
    articles["n_words"] = articles["text"].fillna("").str.count(r"\S+").astype(int)
    no_text = (articles["status"] == "ok") & (articles["n_words"] == 0)
    articles.loc[no_text, "status"] = "empty"
    articles.loc[no_text, "error"] = "no body text left after cleaning"
    # outlet: metadata > detected from the text > a label of its own per article
    outlet = articles["outlet"].astype(object)
    missing = outlet.isna() | (outlet.astype(str).str.strip() == "")
    from_text = pd.Series(False, index=articles.index)
    if "outlet_detected" in articles.columns:
        from_text = missing & articles["outlet_detected"].notna()
        outlet = outlet.where(~missing, articles["outlet_detected"])
        missing = outlet.isna() | (outlet.astype(str).str.strip() == "")
    articles["outlet"] = outlet.where(~missing, "unknown-" + articles["article_id"].astype(str))
    if "outlet_type_detected" in articles.columns:
        # the detected type describes the detected outlet only, never an outlet given by metadata
        articles["outlet_type"] = articles["outlet_type"].where(
            articles["outlet_type"].notna() | ~from_text, articles["outlet_type_detected"]
        )
    articles["outlet_type"] = articles["outlet_type"].fillna("unknown")
    dates = pd.to_datetime(articles["date"], errors="coerce", utc=True, format="mixed")
    articles["date"] = dates.dt.tz_localize(None).astype("datetime64[ns]")
    articles["date_precision"] = articles["date_precision"].where(
        articles["date_precision"].notna(), articles["date"].map(lambda d: "unknown" if pd.isna(d) else "day")
    )
    if detect_language:
        articles = _detect_language(articles)
    if dedupe:
        articles = _mark_duplicates(articles)
    else:
        articles["duplicate_of"] = None
    articles["article_id"] = articles["article_id"].astype(str)
    articles = articles.iloc[_sort_key(articles["article_id"]).argsort(kind="stable")].reset_index(drop=True)
    extra = [c for c in articles.columns if c not in CORPUS_COLUMNS and not c.endswith("_detected")]
    return articles[list(CORPUS_COLUMNS) + extra]
