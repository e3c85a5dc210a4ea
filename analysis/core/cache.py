"""The package's one on-disk cache: content-addressed entries, one atomic writer.

Every file the package caches goes through :func:`replace_atomically`: table
entries (:func:`write`, :func:`write_pickle`), the segments of
:class:`analysis.core.rowstore.RowStore` (written with :func:`write`) and
derived model files (:func:`write_atomic`).

A cache entry is one Parquet file (or, for the per-article token tables, one
compressed column file: :func:`write_columns`) named by a hash of everything its content
depends on (the text, the model name and version, the stage's settings). A
changed input gives a new key, so stale entries are never read; they are only
left behind (``make clean`` removes them). Writes go to a temporary file in
the same folder and are renamed into place, so an interrupted run never
leaves a half-written entry: the next run recomputes what is missing.

For testing that property, ``OUTLET_FRAMING_FAIL_AFTER_WRITES=k`` makes the
process raise :class:`InjectedFailure` right after the k-th cache write.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import config

_writes = 0


class InjectedFailure(RuntimeError):
    """Raised on purpose after ``$OUTLET_FRAMING_FAIL_AFTER_WRITES`` cache writes (tests only)."""


def content_key(*parts: object) -> str:
    """Hash the given parts into a cache key.

    Examples
    --------
    >>> content_key("a", 1) == content_key("a", 1) != content_key("a", 2)
    True
    >>> len(content_key("text"))
    40
    """
    digest = hashlib.sha1()
    for part in parts:
        digest.update(str(part).encode("utf-8", errors="surrogatepass"))
        digest.update(b"\x1f")
    return digest.hexdigest()


def cache_dir(override: str | os.PathLike | None = None) -> Path:
    """Return the cache folder: ``override``, else :data:`analysis.config.CACHE_DIR`."""
    return Path(override) if override is not None else config.CACHE_DIR


def entry_path(
    kind: str, key: str, root: str | os.PathLike | None = None, *, suffix: str = ".parquet"
) -> Path:
    """Return where the entry ``kind``/``key`` lives (two-level fan-out keeps folders small)."""
    return cache_dir(root) / kind / key[:2] / f"{key}{suffix}"


def read(kind: str, key: str, root: str | os.PathLike | None = None) -> pd.DataFrame | None:
    """Read one entry, or None when it is missing or unreadable (then it is recomputed)."""
    path = entry_path(kind, key, root)
    if not path.exists():
        return None
    try:
        return pd.read_parquet(path)
    except Exception:  # a corrupt entry is a miss, never a crash
        return None


def write(kind: str, key: str, table: pd.DataFrame, root: str | os.PathLike | None = None) -> Path:
    """Write one entry atomically (temporary file in the same folder, then rename)."""
    return _atomic(entry_path(kind, key, root), key, lambda tmp: write_parquet(table, tmp))


def write_parquet(table: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write ``table`` as ``DataFrame.to_parquet(path, index=False)`` does, without column statistics.

    The statistics serve readers that filter on row groups, which the cache never does;
    skipping them makes a small table's write about a third cheaper (the cache writes one
    per article and stage). The file reads back as the same frame.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), path, write_statistics=False)


def write_pickle(kind: str, key: str, table: pd.DataFrame, root: str | os.PathLike | None = None) -> Path:
    """Write one entry Parquet cannot hold (nested Python objects in a column) as a pickle, atomically."""
    return _atomic(entry_path(kind, key, root, suffix=".pkl"), key, lambda tmp: table.to_pickle(tmp))


def read_pickle(kind: str, key: str, root: str | os.PathLike | None = None) -> pd.DataFrame | None:
    """Read an entry written by :func:`write_pickle`, or None when missing or unreadable."""
    path = entry_path(kind, key, root, suffix=".pkl")
    if not path.exists():
        return None
    try:
        return pd.read_pickle(path)
    except Exception:  # a corrupt entry is a miss, never a crash
        return None


def write_object(kind: str, key: str, value: Any, root: str | os.PathLike | None = None) -> Path:
    """Write any picklable value (an incremental stage's index) as one entry, atomically."""

    def dump(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)

    return _atomic(entry_path(kind, key, root, suffix=".pkl"), key, dump)


def read_object(kind: str, key: str, root: str | os.PathLike | None = None) -> Any:
    """Read a value written by :func:`write_object`, or None when missing or unreadable."""
    path = entry_path(kind, key, root, suffix=".pkl")
    if not path.exists():
        return None
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # a corrupt entry is a miss, never a crash
        return None


#: First bytes of a column entry (:func:`write_columns`); a new layout gets a new number.
COLUMNS_MAGIC = b"OFCOLS1\n"
#: Suffix of column entries.
COLUMNS_SUFFIX = ".cols"
_COLUMNS_HEADER = struct.Struct("<8sQ")  # magic, size of the uncompressed pickle


def write_columns(
    kind: str, key: str, columns: Mapping[str, np.ndarray], root: str | os.PathLike | None = None
) -> Path:
    """Write named 1-D numpy arrays of equal length as one entry, atomically.

    The layout: :data:`COLUMNS_MAGIC`, the uncompressed size, then an LZ4-compressed
    pickle (protocol 5) of ``{name: array}``. For a small table of strings and numbers this
    writes and reads several times faster than Parquet (whose encoding and Arrow conversion
    dominate at a few hundred rows) and takes less space. Object columns are pickled element
    by element, so identical string objects are stored once.
    """
    import pyarrow as pa

    data = pickle.dumps({name: np.asarray(values) for name, values in columns.items()}, protocol=5)
    packed = pa.compress(data, codec="lz4", asbytes=True)

    def dump(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            fh.write(_COLUMNS_HEADER.pack(COLUMNS_MAGIC, len(data)))
            fh.write(packed)

    return _atomic(entry_path(kind, key, root, suffix=COLUMNS_SUFFIX), key, dump)


def read_columns(
    kind: str, key: str, root: str | os.PathLike | None = None, *, schema: Mapping[str, str]
) -> dict[str, np.ndarray] | None:
    """Read an entry written by :func:`write_columns`, or None when missing, unreadable or not ``schema``.

    ``schema`` maps each column name to its numpy dtype (``"int64"``, ``"bool"``, ``"object"``):
    an entry holding other columns, other dtypes, arrays that are not 1-D or of unequal length
    is a miss (recomputed), never a wrong table.
    """
    import pyarrow as pa

    path = entry_path(kind, key, root, suffix=COLUMNS_SUFFIX)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    try:
        magic, size = _COLUMNS_HEADER.unpack_from(raw)
        if magic != COLUMNS_MAGIC:
            return None
        data = pa.decompress(memoryview(raw)[_COLUMNS_HEADER.size :], size, codec="lz4", asbytes=True)
        columns = pickle.loads(data)
    except Exception:  # a corrupt entry is a miss, never a crash
        return None
    if not isinstance(columns, dict) or list(columns) != list(schema):
        return None
    lengths = set()
    for name, dtype in schema.items():
        values = columns[name]
        if not isinstance(values, np.ndarray) or values.ndim != 1 or values.dtype != np.dtype(dtype):
            return None
        lengths.add(len(values))
    return columns if len(lengths) <= 1 else None


def replace_atomically(path: Path, dump, *, prefix: str, suffix: str = ".tmp") -> None:
    """Write ``path`` through ``dump(tmp)`` in the same folder, then ``os.replace``: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{prefix}.", suffix=suffix)
    os.close(fd)
    try:
        dump(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_atomic(path: Path, dump) -> None:
    """Write a derived (non-table) file atomically with ``dump(tmp_path)``; a read-only place is skipped."""
    try:
        replace_atomically(path, dump, prefix=path.stem, suffix=path.suffix)
    except OSError:
        pass


def write_count() -> int:
    """Return how many cache entries this process has written (a run reports the difference)."""
    return _writes


def add_writes(n: int) -> None:
    """Count ``n`` entries written for this process by a forked helper (so the run's count is whole)."""
    global _writes
    _writes += n


def _atomic(path: Path, key: str, dump) -> Path:
    global _writes
    replace_atomically(path, dump, prefix=key)
    _writes += 1
    limit = os.environ.get("OUTLET_FRAMING_FAIL_AFTER_WRITES")
    if limit and _writes >= int(limit):
        raise InjectedFailure(f"injected failure after {_writes} cache writes")
    return path
