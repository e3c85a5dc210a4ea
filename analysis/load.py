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
import operator
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache, partial
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config
from analysis.core.rowstore import MODEL_DIR, write_atomic

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
    fixed = text if text.isascii() else _fix_text(text)
    return fixed.replace("\r\n", "\n").replace("\r", "\n"), encoding, ""


#: ftfy options: repair mojibake, keep typography (curly quotes, ligatures, widths) as printed.
FTFY_OPTIONS: dict[str, object] = {
    "uncurl_quotes": False,
    "fix_character_width": False,
    "fix_latin_ligatures": False,
    "unescape_html": False,
    "normalization": "NFC",
}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=1)
def _ftfy_shortcut() -> tuple[re.Pattern[str], re.Pattern[str], int] | None:
    """Return what proves cheaply that ftfy leaves a line unchanged, or None when it cannot be proven.

    With :data:`FTFY_OPTIONS`, ``ftfy.fix_text`` changes a line only when its badness regex matches
    (mojibake), when the line holds a character some fixer removes or replaces (control characters,
    C1 controls, CR / line and paragraph separators, terminal escapes, surrogates), or when it is
    not NFC-normalised. The badness regex is checked here to be a set of alternatives that each
    need a non-ASCII character and match at most ``width`` characters, with no look-around: then
    searching it only within ``width`` characters of each non-ASCII character finds every match.
    """
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]

        from ftfy import badness, chardata
    except ImportError:  # pragma: no cover - ftfy is a pinned dependency
        return None
    pattern = badness.BADNESS_RE
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    width = parsed.getwidth()[1]
    if width > 64 or len(parsed.data) != 1 or str(parsed.data[0][0]) != "BRANCH":
        return None

    def non_ascii_only(op: object, av: object) -> bool:
        if str(op) == "LITERAL":
            return av >= 128  # type: ignore[operator]
        if str(op) == "IN":
            return all(
                (str(o) == "LITERAL" and a >= 128) or (str(o) == "RANGE" and a[0] >= 128) for o, a in av
            )
        return False

    def safe(items: object) -> bool:  # no look-around and no anchor other than the string start
        for op, av in items:
            name = str(op)
            if name in {"ASSERT", "ASSERT_NOT", "GROUPREF", "GROUPREF_EXISTS"}:
                return False
            if name == "AT" and str(av) not in {"AT_BEGINNING", "AT_BEGINNING_STRING"}:
                return False
            if name == "SUBPATTERN" and not safe(av[-1]):
                return False
            if name in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"} and not safe(av[2]):
                return False
            if name == "BRANCH" and not all(safe(b) for b in av[1]):
                return False
        return True

    branches = parsed.data[0][1][1]
    if not safe(parsed.data) or not all(any(non_ascii_only(op, av) for op, av in b) for b in branches):
        return None
    removed = "".join(map(chr, chardata.CONTROL_CHARS))
    suspicious = re.compile(
        "[" + re.escape(removed) + "\r\u2028\u2029\x1b\x80-\x9f" + "\ud800-\udfff" + "]"
    )
    return pattern, suspicious, width


def _ftfy_unchanged(segment: str, shortcut: tuple[re.Pattern[str], re.Pattern[str], int]) -> bool:
    """Return True when ``ftfy.fix_text`` provably returns ``segment`` unchanged (:func:`_ftfy_shortcut`)."""
    import unicodedata

    bad, suspicious, width = shortcut
    if suspicious.search(segment) or not unicodedata.is_normalized("NFC", segment):
        return False
    end = len(segment)
    checked = 0
    for m in _NON_ASCII.finditer(segment):
        i = m.start()
        lo = max(i - width + 1, checked)
        hi = min(i + width, end)
        if lo < hi and bad.search(segment, lo, hi):
            return False
        checked = max(checked, i + 1)
    return True


def _fix_text(text: str) -> str:
    """Return ``ftfy.fix_text(text, **FTFY_OPTIONS)``, calling ftfy only on lines it may change.

    ftfy fixes text line by line; a line it provably leaves alone (see :func:`_ftfy_shortcut`) is
    kept as is, which skips ftfy's costly checks on almost every line of clean text.
    """
    import ftfy

    shortcut = _ftfy_shortcut()
    parts = text.split("\n")
    if shortcut is None or max(map(len, parts)) >= 1_000_000:
        return ftfy.fix_text(text, **FTFY_OPTIONS)
    segments = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        segments.append(parts[-1])
    return "".join(
        seg if _ftfy_unchanged(seg, shortcut) else ftfy.fix_text(seg, **FTFY_OPTIONS) for seg in segments
    )


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

#: Near-duplicate threshold (estimated Jaccard similarity of word 5-gram sets) and MinHash size.
NEAR_DUPLICATE_THRESHOLD = 0.85
MINHASH_PERMUTATIONS = 64
#: Characters of each article given to langid (its cost is linear in length; ~200 words identify
#: a language reliably).
LANGUAGE_ID_CHARS = 1200
#: Articles classified together by the vectorised langid (memory grows with it).
LANGUAGE_ID_BATCH = 256


def _normalise_for_hash(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


@lru_cache(maxsize=1)
def _minhash_constants() -> dict[str, np.ndarray]:
    """Return datasketch's MinHash and MinHashLSH constants for our settings, kept in :data:`MODEL_DIR`.

    ``a``, ``b``: the affine permutations of ``MinHash(num_perm=64, seed=1)`` (scheme ``affine32``);
    ``fmix``: the MurmurHash3 finaliser constants it pre-mixes hash values with; ``bands``:
    ``MinHashLSH(threshold=0.85, num_perm=64).hashranges``. They are taken from datasketch once per
    datasketch version (importing it costs about half a second, mostly SciPy) and checked: a
    signature computed from them must equal datasketch's ``MinHash.update_batch`` on probe data,
    else ``ok`` is False and signatures are computed by datasketch itself.
    """
    from importlib.metadata import version

    name = f"minhash-{version('datasketch')}-{MINHASH_PERMUTATIONS}-{NEAR_DUPLICATE_THRESHOLD}.npz"
    path = MODEL_DIR / name
    try:
        with np.load(path, allow_pickle=False) as stored:
            return {key: stored[key] for key in stored.files}
    except (OSError, ValueError, KeyError, EOFError):
        pass
    from datasketch import MinHash, MinHashLSH
    from datasketch import minhash as dsm

    template = MinHash(num_perm=MINHASH_PERMUTATIONS, seed=1)
    perm_a, perm_b = (np.asarray(x, dtype=np.uint32) for x in template.permutations)
    constants = {
        "a": perm_a,
        "b": perm_b,
        "fmix": np.asarray(getattr(dsm, "_FMIX_CONSTANTS", {}).get(32, (0, 0, 0, 0, 0)), dtype=np.uint32),
        "bands": np.asarray(
            MinHashLSH(threshold=NEAR_DUPLICATE_THRESHOLD, num_perm=MINHASH_PERMUTATIONS).hashranges,
            dtype=np.int64,
        ),
    }
    probe = [[f"probe {i} {j}".encode() for j in range(i + 1)] for i in range(20)]
    expected = []
    for shingles in probe:
        sig = template.copy()
        sig.update_batch(shingles)
        expected.append(np.asarray(sig.hashvalues))
    hashes = [_sha1_32(s) for s in probe]
    constants["ok"] = np.asarray(
        template.scheme == "affine32"
        and np.array_equal(np.stack(expected), _minhash_numpy(hashes, constants))
    )
    _save_arrays(path, constants)
    return constants


def _save_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays to ``path`` (npz) atomically; a read-only machine simply keeps them in memory."""
    write_atomic(path, lambda tmp: np.savez(tmp, **arrays))


def _sha1_32(shingles: Iterable[bytes]) -> np.ndarray:
    """Hash byte strings as datasketch's ``sha1_hash32`` does (first 4 bytes of SHA-1, little endian)."""
    digests = b"".join(map(_DIGEST, map(hashlib.sha1, shingles)))
    return np.frombuffer(digests, dtype="<u4").reshape(-1, 5)[:, 0].astype(np.uint32)


_DIGEST = operator.methodcaller("digest")


def _shingles(norm: bytes) -> list[bytes]:
    """Return the word 5-grams of a normalised text (words joined by single spaces), in order.

    The same byte strings as ``" ".join(words[j : j + 5]).encode()`` for ``j`` in
    ``range(max(len(words) - 4, 1))``, cut straight out of the text (repeats kept: they do not
    change a MinHash).
    """
    spaces = np.flatnonzero(np.frombuffer(norm, dtype=np.uint8) == 32)
    if len(spaces) < 5:
        return [norm]
    starts = [0, *(spaces + 1).tolist()]
    ends = [*spaces.tolist(), len(norm)]
    return [norm[a:b] for a, b in zip(starts[:-4], ends[4:], strict=True)]


def _minhash_numpy(hashes: Sequence[np.ndarray], constants: dict[str, np.ndarray]) -> np.ndarray:
    """Return MinHash signatures (affine32 scheme) of many shingle-hash sets at once.

    Each set's hash values are pre-mixed with the MurmurHash3 finaliser, permuted by
    ``a * h + b`` (mod 2^32) for every permutation, and the minimum per permutation is kept: the
    computation of datasketch's ``MinHash.update_batch``, on all sets in a few array operations.
    """
    a, b = constants["a"], constants["b"]
    s1, m1, s2, m2, s3 = (np.uint32(x) for x in constants["fmix"])
    out = np.empty((len(hashes), len(a)), dtype=np.uint32)
    start = 0
    while start < len(hashes):
        stop, size = start, 0
        while stop < len(hashes) and (size == 0 or size + len(hashes[stop]) <= 65536):
            size += len(hashes[stop])
            stop += 1
        hv = np.concatenate(hashes[start:stop])
        hv = hv ^ (hv >> s1)
        hv = hv * m1
        hv = hv ^ (hv >> s2)
        hv = hv * m2
        hv = hv ^ (hv >> s3)
        permuted = hv[:, None] * a[None, :] + b[None, :]
        sizes = [len(h) for h in hashes[start : stop - 1]]
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        out[start:stop] = np.minimum.reduceat(permuted, offsets, axis=0)
        start = stop
    return out


def _signatures(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Return the SHA-1 of each normalised text and its MinHash signature of word 5-gram shingles.

    The signature equals datasketch's ``MinHash(num_perm=64, seed=1).update_batch`` over the
    UTF-8 encoded shingles (see :func:`_minhash_constants`).

    Returns
    -------
    tuple of (list of str, numpy.ndarray)
        Hex digests, and an ``(n, MINHASH_PERMUTATIONS)`` uint32 array of signatures.
    """
    digests: list[str] = []
    hashes: list[np.ndarray] = []
    sets: list[list[bytes]] = []
    for text in texts:
        norm = _normalise_for_hash(text).encode()  # words joined by single ASCII spaces
        digests.append(hashlib.sha1(norm).hexdigest())
        shingles = _shingles(norm)
        sets.append(shingles)
        hashes.append(_sha1_32(shingles))
    constants = _minhash_constants()
    if not len(texts):
        return digests, np.empty((0, MINHASH_PERMUTATIONS), dtype=np.uint32)
    if bool(constants["ok"]):
        return digests, _minhash_numpy(hashes, constants)
    from datasketch import MinHash  # pragma: no cover - only if datasketch changed its scheme

    out = []
    for shingles in sets:
        sig = MinHash(num_perm=MINHASH_PERMUTATIONS, seed=1)
        sig.update_batch(list(shingles))
        out.append(np.asarray(sig.hashvalues, dtype=np.uint32))
    return digests, np.stack(out)


def _lsh_bands(threshold: float, num_perm: int) -> tuple[tuple[int, int], ...]:
    """Return datasketch MinHashLSH's band ranges for this threshold (its optimal ``b`` x ``r``)."""
    if threshold == NEAR_DUPLICATE_THRESHOLD and num_perm == MINHASH_PERMUTATIONS:
        return tuple((int(lo), int(hi)) for lo, hi in _minhash_constants()["bands"])
    from datasketch import MinHashLSH

    return tuple(MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges)


def _near_duplicates(
    ids: Sequence[str], signatures: np.ndarray, *, threshold: float = NEAR_DUPLICATE_THRESHOLD
) -> list[str | None]:
    """Mark near duplicates in order, exactly as inserting into and querying a datasketch MinHashLSH would.

    Each article (in order) is compared with the earlier articles kept so far that share an LSH band
    with it; it is a near duplicate of the smallest id among those whose estimated Jaccard similarity
    is at least ``threshold``, and is then not kept (not inserted) itself. Band buckets are found for
    all articles at once; only articles that share a bucket with another are visited one by one.

    Returns
    -------
    list of (str or None)
        ``duplicate_of`` per article (None when it is kept).
    """
    n = len(ids)
    result: list[str | None] = [None] * n
    if n < 2:
        return result
    members: list[np.ndarray] = []  # per band: bucket number of each article
    shared = np.zeros(n, dtype=bool)
    for start, end in _lsh_bands(threshold, signatures.shape[1]):
        band = np.ascontiguousarray(signatures[:, start:end])
        _, inverse, counts = np.unique(
            band.view(np.dtype((np.void, band.dtype.itemsize * band.shape[1]))).ravel(),
            return_inverse=True,
            return_counts=True,
        )
        inverse = inverse.ravel()
        members.append(inverse)
        shared |= counts[inverse] > 1
    kept = np.ones(n, dtype=bool)
    order = np.flatnonzero(shared)
    buckets: list[dict[int, list[int]]] = [{} for _ in members]
    for i in order:
        earlier: set[int] = set()
        for band, inverse in zip(buckets, members, strict=True):
            earlier.update(j for j in band.get(int(inverse[i]), ()) if kept[j])
        if earlier:
            cand = np.fromiter(sorted(earlier), dtype=np.int64)
            same = np.count_nonzero(signatures[cand] == signatures[i], axis=1)
            close = cand[same.astype(np.float64) / float(signatures.shape[1]) >= threshold]
            if close.size:
                result[i] = sorted(ids[j] for j in close)[0]
                kept[i] = False
                continue
        for band, inverse in zip(buckets, members, strict=True):
            band.setdefault(int(inverse[i]), []).append(int(i))
    return result


def _mark_duplicates_from(
    df: pd.DataFrame,
    digests: pd.Series,
    signatures: pd.Series,
    *,
    threshold: float = NEAR_DUPLICATE_THRESHOLD,
) -> pd.DataFrame:
    """Mark exact and near-duplicate ``ok`` articles from their precomputed hashes.

    Parameters
    ----------
    df : pandas.DataFrame
        Needs ``article_id`` and ``status``.
    digests, signatures : pandas.Series
        Aligned with ``df``: SHA-1 of the normalised text, and the MinHash signature (bytes), for
        ``ok`` rows.

    Returns
    -------
    pandas.DataFrame
        A copy with ``status='duplicate'`` and ``duplicate_of`` (the original's id) where they apply.
    """
    out = df.copy()
    duplicate_of = np.full(len(out), None, dtype=object)
    ok = np.flatnonzero((out["status"] == "ok").to_numpy())
    if len(ok):
        ids = out["article_id"].to_numpy()[ok]
        digest = pd.Series(digests.to_numpy()[ok])
        first = ~digest.duplicated(keep="first").to_numpy()
        if (~first).any():
            original = dict(zip(digest[first], ids[first], strict=True))
            duplicate_of[ok[~first]] = [original[d] for d in digest[~first]]
        rows = ok[first]
        sig = np.stack([np.frombuffer(s, dtype=np.uint32) for s in signatures.to_numpy()[rows]])
        near = _near_duplicates(out["article_id"].to_numpy()[rows].tolist(), sig, threshold=threshold)
        duplicate_of[rows] = np.array(near + [None], dtype=object)[:-1]
        out.loc[pd.notna(duplicate_of), "status"] = "duplicate"
    out["duplicate_of"] = duplicate_of
    return out


@lru_cache(maxsize=1)
def _langid_file() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("langid")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("langid is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "langid.py"


@lru_cache(maxsize=1)
def _langid_digest() -> str:
    """Hash langid's module file (it holds the model), to key the unpacked copy and the article cache."""
    return hashlib.sha1(_langid_file().read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def _langid_model() -> dict[str, np.ndarray]:
    """Return langid's bundled model as arrays, unpacking it once per machine into :data:`MODEL_DIR`.

    Returns
    -------
    dict of str to numpy.ndarray
        ``nextmove`` (tokeniser DFA transitions), ``out_ptr``/``out_idx`` (features emitted on
        entering each state, CSR), ``ptc`` (features x languages log-probabilities), ``pc``
        (language priors), ``classes`` (language codes).
    """
    path = MODEL_DIR / f"langid-{_langid_digest()[:16]}.npz"
    try:
        with np.load(path, allow_pickle=False) as stored:
            return {name: stored[name] for name in stored.files}
    except (OSError, ValueError, KeyError, EOFError):
        pass
    import base64
    import bz2
    import pickle

    from langid.langid import model

    ptc, pc, classes, nextmove, output = pickle.loads(bz2.decompress(base64.b64decode(model)))
    n_states = len(nextmove) // 256
    sizes = np.array([len(output.get(s, ())) for s in range(n_states)], dtype=np.int64)
    arrays = {
        "nextmove": np.asarray(nextmove, dtype=np.int64).astype(np.uint32),
        "out_ptr": np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        "out_idx": np.fromiter(
            (i for s in range(n_states) for i in output.get(s, ())), dtype=np.int64, count=int(sizes.sum())
        ),
        "ptc": np.asarray(ptc, dtype=np.float64).reshape(-1, len(pc)),
        "pc": np.asarray(pc, dtype=np.float64),
        "classes": np.asarray(classes, dtype=str),
    }
    _save_arrays(path, arrays)
    return arrays


def _classify_languages(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Classify texts with langid's model and method, many at once.

    The same computation as ``LanguageIdentifier.classify`` (``norm_probs=True``) per text: run the
    byte n-gram DFA over the UTF-8 bytes, count the features emitted by the states entered, take
    the naive Bayes log-probabilities and normalise them; here every step runs on a batch of
    articles as NumPy arrays (one array step per byte position instead of one Python step per
    byte per article).

    Returns
    -------
    tuple of (list of str, numpy.ndarray)
        Best language code and its probability per text.
    """
    model = _langid_model()
    nextmove, out_ptr, out_idx = model["nextmove"].astype(np.int64), model["out_ptr"], model["out_idx"]
    ptc, pc, classes = model["ptc"], model["pc"], model["classes"]
    n_states, n_feats = len(out_ptr) - 1, ptc.shape[0]
    langs: list[str] = []
    probs = np.empty(len(texts), dtype=np.float64)
    for start in range(0, len(texts), LANGUAGE_ID_BATCH):
        encoded = [t.encode("utf8") for t in texts[start : start + LANGUAGE_ID_BATCH]]
        n = len(encoded)
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=n)
        width = int(lengths.max()) if n else 0
        # one row per byte position (contiguous), one column per article
        valid = np.arange(max(width, 1))[:, None] < lengths[None, :]
        data = np.zeros((max(width, 1), n), dtype=np.int64)
        data.T[valid.T] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        states = np.empty((width, n), dtype=np.int64)
        state = np.zeros(n, dtype=np.int64)
        for pos in range(width):
            np.left_shift(state, 8, out=state)
            state += data[pos]
            state = nextmove[state]
            states[pos] = state
        rows = np.broadcast_to(np.arange(n)[None, :], (width, n))[valid[:width]]
        entered = states[valid[:width]]
        pair, count = np.unique(rows * n_states + entered, return_counts=True)
        row, st = np.divmod(pair, n_states)
        degree = out_ptr[st + 1] - out_ptr[st]
        row_rep = np.repeat(row, degree)
        count_rep = np.repeat(count, degree)
        offsets = np.arange(int(degree.sum())) - np.repeat(np.cumsum(degree) - degree, degree)
        feats = out_idx[np.repeat(out_ptr[st], degree) + offsets]
        fv = np.bincount(row_rep * n_feats + feats, weights=count_rep, minlength=n * n_feats)
        logp = fv.reshape(n, n_feats) @ ptc + pc
        with np.errstate(over="ignore"):
            norm = 1 / np.exp(logp[:, None, :] - logp[:, :, None]).sum(2)
        best = np.argmax(norm, axis=1)
        probs[start : start + n] = norm[np.arange(n), best]
        langs.extend(str(c) for c in classes[best])
    return langs, probs


def _apply_languages(df: pd.DataFrame, langs: pd.Series, probs: pd.Series) -> pd.DataFrame:
    """Set ``language`` where unknown and mark confidently non-English articles ``non_english``.

    Parameters
    ----------
    df : pandas.DataFrame
        Needs ``status``, ``n_words``, ``language``, ``error``.
    langs, probs : pandas.Series
        Aligned with ``df``: langid's best language and its probability (from the first
        :data:`LANGUAGE_ID_CHARS` characters of ``text``).

    Returns
    -------
    pandas.DataFrame
        A copy with ``language``, ``status`` and ``error`` updated.
    """
    out = df.copy()
    todo = (out["status"] == "ok") & (out["n_words"] >= config.MIN_WORDS_FOR_LANGUAGE_ID)
    if not todo.any():
        return out
    lang, prob = langs[todo], probs[todo].astype(float)
    given = out.loc[todo, "language"]
    unknown = given.isna() | (given.astype(str).str.strip() == "")
    language = out["language"].astype(object)
    fill = unknown[unknown].index
    language.loc[fill] = lang[fill].where(prob[fill] >= 0.5, None)
    foreign = todo[todo].index[((lang != "en") & (prob >= 0.9)).to_numpy()]
    language.loc[foreign] = lang[foreign]
    out["language"] = language
    if len(foreign):
        out.loc[foreign, "status"] = "non_english"
        out.loc[foreign, "error"] = [
            f"language identified as {code!r} (p={p:.2f}); analysis is English-only"
            for code, p in zip(lang[foreign], prob[foreign], strict=True)
        ]
    return out


# --------------------------------------------------------------------------- per-article work

#: Columns of the per-article work (what the article cache stores per article).
FEATURE_COLUMNS: tuple[str, ...] = (
    "text",
    "title",
    "title_derived",
    "outlet_detected",
    "outlet_type_detected",
    "n_words",
    "lang",
    "lang_prob",
    "digest",
    "signature",
)
#: Bump to invalidate every cached per-article load row.
LOAD_CACHE_VERSION = "1"


def _article_features(raw: pd.DataFrame, *, language: bool = True, hashes: bool = True) -> pd.DataFrame:
    """Clean, count, identify the language of and hash articles (the work that depends on one article only).

    Parameters
    ----------
    raw : pandas.DataFrame
        Rows with ``status == 'ok'`` and a non-blank ``raw_text`` (``title``, ``title_derived``
        used as in :func:`analysis.clean.clean_articles`).

    Returns
    -------
    pandas.DataFrame
        :data:`FEATURE_COLUMNS`, same index: the clean ``text``, ``title``, ``title_derived``,
        ``outlet_detected``, ``outlet_type_detected``, ``n_words``; ``lang``/``lang_prob`` (langid
        on the first :data:`LANGUAGE_ID_CHARS` characters, None/NaN under
        :data:`analysis.config.MIN_WORDS_FOR_LANGUAGE_ID` words); ``digest`` (SHA-1 of the
        normalised text) and ``signature`` (MinHash hash values as bytes), None without words.
        ``language=False`` / ``hashes=False`` leave those columns empty (nothing computed).
    """
    from analysis.clean import clean_articles

    cleaned = clean_articles(raw)
    out = cleaned[["text", "title", "title_derived", "outlet_detected", "outlet_type_detected"]].copy()
    out["n_words"] = out["text"].fillna("").str.count(r"\S+").astype(int)
    out["lang"] = pd.Series(None, index=out.index, dtype=object)
    out["lang_prob"] = np.nan
    enough = out.index[out["n_words"] >= config.MIN_WORDS_FOR_LANGUAGE_ID]
    if language and len(enough):
        langs, probs = _classify_languages([t[:LANGUAGE_ID_CHARS] for t in out.loc[enough, "text"]])
        out.loc[enough, "lang"] = langs
        out.loc[enough, "lang_prob"] = probs
    out["digest"] = pd.Series(None, index=out.index, dtype=object)
    out["signature"] = pd.Series(None, index=out.index, dtype=object)
    worded = out.index[out["n_words"] > 0]
    if hashes and len(worded):
        digests, sigs = _signatures(out.loc[worded, "text"].tolist())
        out.loc[worded, "digest"] = digests
        out.loc[worded, "signature"] = pd.Series([s.tobytes() for s in sigs], index=worded, dtype=object)
    return out[list(FEATURE_COLUMNS)]


def _features_in_processes(raw: pd.DataFrame, *, n_process: int | None = None, **options) -> pd.DataFrame:
    """Return :func:`_article_features` of ``raw``, split over forked worker processes when it pays.

    The work is per article, so contiguous slices give the same rows as one call. Workers
    are used only with at least :data:`analysis.annotate.MIN_ARTICLES_PER_PROCESS` articles
    per process (``n_process`` defaults to :data:`analysis.config.SPACY_N_PROCESS`).
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from analysis.annotate import MIN_ARTICLES_PER_PROCESS

    processes = min(n_process or config.SPACY_N_PROCESS, len(raw) // MIN_ARTICLES_PER_PROCESS)
    if processes < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _article_features(raw, **options)
    from analysis import clean

    # what every worker reads, loaded once here so the forked workers share it
    clean._frequencies(), clean._families(), clean._signature_lookup(), _ftfy_shortcut()
    if options.get("language", True):
        _langid_model()
    if options.get("hashes", True):
        _minhash_constants()
    bounds = np.linspace(0, len(raw), processes * 4 + 1).astype(int)  # a few slices per process
    parts = [raw.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]
    with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("fork")) as pool:
        done = list(pool.map(partial(_article_features, **options), parts))
    return pd.concat(done)


def _article_keys(raw: pd.DataFrame) -> list[str]:
    """Key each article's cached row by what the per-article work reads: the raw text and a given title."""
    from analysis.clean import _given_titles
    from analysis.core import cache

    return [
        cache.content_key("article", text, title)
        for text, title in zip(raw["raw_text"], _given_titles(raw), strict=True)
    ]


@lru_cache(maxsize=1)
def _store_version() -> str:
    """Hash the loader's code (load.py, clean.py, their data files) and the libraries that shape its rows."""
    from importlib.metadata import version

    from analysis.core import cache, digest

    libraries = [(name, version(name)) for name in ("datasketch", "wordfreq", "langid", "numpy")]
    return cache.content_key(
        LOAD_CACHE_VERSION,
        digest.code_digest("analysis.load"),
        _langid_digest(),
        libraries,
    )[:20]


def _cached_features(raw: pd.DataFrame, cache_dir: str | PathLike) -> pd.DataFrame:
    """Return :func:`_article_features` of ``raw``, computing only the articles the cache lacks."""
    from analysis.core.rowstore import RowStore

    keys = pd.Series(_article_keys(raw), index=raw.index)
    store = RowStore(cache_dir, "load-articles", _store_version())
    found = store.get(keys.unique().tolist())
    missing = ~keys.isin(found.index)
    if missing.any():
        todo = raw[missing & ~keys.duplicated()]
        fresh = _features_in_processes(todo)
        fresh.index = keys[todo.index].to_numpy()
        fresh.index.name = "key"
        try:
            store.put(fresh.reset_index())
        except (OSError, ValueError, TypeError):  # a full disk or an odd row: simply not cached
            pass
        found = pd.concat([found, fresh]) if len(found) else fresh
    out = found.loc[keys.to_numpy(), list(FEATURE_COLUMNS)]
    out.index = raw.index
    out["title_derived"] = out["title_derived"].astype(bool)
    out["n_words"] = out["n_words"].astype(int)
    for column in ("text", "title", "outlet_detected", "outlet_type_detected", "lang", "digest", "signature"):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
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
    cache_dir: str | PathLike | None = None,
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
    cache_dir : path, optional
        Cache root: the per-article work (cleaning, language ID, MinHash)
        is read from and written to it, so only articles not seen before
        (new raw text or given title) are processed; the corpus-wide steps
        (statuses, duplicates) always run. None (default) caches nothing.
        The result is the same either way.

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
    # the per-article work (cleaning, language ID, hashes) runs only on rows with text to clean,
    # and with a cache only on articles it has not seen (same raw text and given title)
    cleanable = (raw["status"] == "ok").to_numpy() & np.fromiter(
        (isinstance(t, str) and bool(t.strip()) for t in raw["raw_text"]), dtype=bool, count=len(raw)
    )
    articles = clean_articles(raw[~cleanable]) if (~cleanable).any() else raw.iloc[:0].copy()
    if cleanable.any():
        if cache_dir is not None:
            features = _cached_features(raw[cleanable], cache_dir)
        else:
            features = _features_in_processes(raw[cleanable], language=detect_language, hashes=dedupe)
        done = raw[cleanable].copy()
        for column in FEATURE_COLUMNS[:5]:
            done[column] = features[column]
        articles = pd.concat([articles, done]).loc[raw.index] if len(articles) else done
    else:
        features = pd.DataFrame(columns=list(FEATURE_COLUMNS), index=raw.index[:0])
    articles = articles.astype({"title_derived": bool})
    for column in ("title", "outlet_detected", "outlet_type_detected"):
        articles[column] = articles[column].astype(object)
    features = features.reindex(articles.index)
    articles["n_words"] = pd.to_numeric(features["n_words"], errors="coerce").fillna(0).astype(int)
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
        articles = _apply_languages(articles, features["lang"], features["lang_prob"])
    if dedupe:
        articles = _mark_duplicates_from(articles, features["digest"], features["signature"])
    else:
        articles["duplicate_of"] = None
    articles["article_id"] = articles["article_id"].astype(str)
    articles = articles.iloc[_sort_key(articles["article_id"]).argsort(kind="stable")].reset_index(drop=True)
    extra = [c for c in articles.columns if c not in CORPUS_COLUMNS and not c.endswith("_detected")]
    return articles[list(CORPUS_COLUMNS) + extra]


#: Public name of :func:`_expand` (the article files a source names), used by the pipeline.
expand_paths = _expand
