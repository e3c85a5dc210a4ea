"""A keyed row store for per-article cache rows: a few Parquet segments instead of one file per article.

Rows are keyed by a content hash (column ``key``). A :class:`RowStore` lives
in ``<cache root>/<name>/<version>/`` and holds immutable *segments*: each
segment is one Parquet file written atomically through :func:`analysis.core.cache.write`
(so the injected-failure test hook counts it) and named by the hash of the
keys it holds. A run writes the rows it had to compute as new segments of at
most :data:`SEGMENT_ROWS` rows; it never rewrites a segment in place.

Reading lists the segments, reads their ``key`` column (cheap: one column)
and then only the segments that hold a wanted key. A segment that cannot be
read is a miss for its rows (they are recomputed), never a crash. When more
than :data:`MAX_SMALL_SEGMENTS` small segments pile up (one per incremental
run), they are merged into one and the merged files are removed; merging keeps
every row, so a concurrent reader can only lose cache hits, never see a wrong
row.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis import config
from analysis.core import cache
from analysis.core.cache import write_atomic

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["MODEL_DIR", "RowStore", "stored_array", "stored_dict", "write_atomic"]

#: Where unpacked third-party model data is kept (langid's model, datasketch's constants, wordfreq's
#: English list), once per machine, so that no process pays for unpacking it again.
MODEL_DIR: Path = Path(os.environ.get("OUTLET_FRAMING_MODELS", config.CACHE_DIR.parent / "models"))
#: Rows per segment written by one run (a cold load of 20,000 articles writes 10 segments).
SEGMENT_ROWS = 2000
#: Segments smaller than ``SEGMENT_ROWS`` tolerated before they are merged into one.
MAX_SMALL_SEGMENTS = 8


class RowStore:
    """Keyed rows in a few immutable Parquet segments under ``root/name/version``.

    Parameters
    ----------
    root : path
        Cache root (see :func:`analysis.core.cache.cache_dir`).
    name : str
        Store name (a folder under the root).
    version : str
        Hash of everything the rows depend on (code, library versions); a new
        version is a new, empty store.
    """

    def __init__(self, root: str | os.PathLike, name: str, version: str) -> None:
        self.root = Path(root)
        self.kind = f"{name}/{version}"
        self.folder = self.root / name / version

    def _segments(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("*/*.parquet"))

    def get(self, keys: Sequence[str]) -> pd.DataFrame:
        """Return the stored rows for ``keys`` (each key once; missing keys are simply absent).

        Parameters
        ----------
        keys : sequence of str
            Wanted keys.

        Returns
        -------
        pandas.DataFrame
            The stored columns, indexed by ``key``; empty when nothing matches.
        """
        import pyarrow.parquet as pq

        wanted = set(keys)
        frames = []
        for path in self._segments():
            if not wanted:
                break
            try:
                held = pq.read_table(path, columns=["key"]).column("key").to_pylist()
                if wanted.isdisjoint(held):
                    continue
                table = pd.read_parquet(path)
            except Exception:  # noqa: BLE001 - an unreadable segment is a miss for its rows
                continue
            table = table[table["key"].isin(wanted)]
            wanted.difference_update(table["key"])
            frames.append(table)
        if not frames:
            return pd.DataFrame(columns=["key"]).set_index("key")
        found = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        return found.drop_duplicates("key").set_index("key")

    def put(self, rows: pd.DataFrame) -> None:
        """Store new rows (a ``key`` column plus data columns) as new segments, then compact.

        Parameters
        ----------
        rows : pandas.DataFrame
            Needs ``key``; the other columns must be storable by Arrow.
        """
        rows = rows.drop_duplicates("key").reset_index(drop=True)
        for start in range(0, len(rows), SEGMENT_ROWS):
            part = rows.iloc[start : start + SEGMENT_ROWS].reset_index(drop=True)
            cache.write(self.kind, cache.content_key(*sorted(part["key"])), part, self.root)
        self.compact()

    def compact(self) -> None:
        """Merge the small segments into one when more than :data:`MAX_SMALL_SEGMENTS` pile up."""
        import pyarrow.parquet as pq

        small = []
        for path in self._segments():
            try:
                if pq.ParquetFile(path).metadata.num_rows < SEGMENT_ROWS:
                    small.append(path)
            except Exception:  # noqa: BLE001 - unreadable: leave it, reads skip it
                continue
        if len(small) <= MAX_SMALL_SEGMENTS:
            return
        frames = []
        merged = []
        for path in small:
            try:
                frames.append(pd.read_parquet(path))
                merged.append(path)
            except Exception:  # noqa: BLE001
                continue
        table = pd.concat(frames, ignore_index=True).drop_duplicates("key").reset_index(drop=True)
        written = cache.write(self.kind, cache.content_key("merged", *sorted(table["key"])), table, self.root)
        for path in merged:
            if path != written:
                try:
                    path.unlink()
                except OSError:
                    pass


def stored_dict(name: str, build: Callable[[], dict]) -> dict:
    """Return a dict kept once per machine as a ``marshal`` file in :data:`MODEL_DIR`, building it if absent.

    ``name`` should name the library version the content comes from; the Python version is
    added here (``marshal``'s format is per version). An unreadable or empty file is rebuilt,
    and a read-only location just builds in memory.
    """
    import marshal
    import sys

    path = MODEL_DIR / f"{name}-py{sys.version_info[0]}{sys.version_info[1]}.marshal"
    try:
        stored = marshal.loads(path.read_bytes())
        if isinstance(stored, dict) and stored:
            return stored
    except (OSError, ValueError, EOFError, TypeError):
        pass
    built = build()
    write_atomic(path, lambda tmp: Path(tmp).write_bytes(marshal.dumps(built)))
    return built


def stored_array(
    name: str, build: Callable[[], np.ndarray], *, valid: Callable[[np.ndarray], bool]
) -> np.ndarray:
    """Return an array kept once per machine as a ``.npy`` file in :data:`MODEL_DIR`, building it if absent.

    ``name`` should name everything the content depends on (library versions). A stored array
    is returned only when ``valid(array)`` holds (the caller's check that it still fits its
    data); otherwise, and when the file is missing or unreadable, the array is built and stored
    again. A read-only location just builds in memory.
    """
    import numpy as np

    path = MODEL_DIR / f"{name}.npy"
    try:
        stored = np.load(path, allow_pickle=False)
        if valid(stored):
            return stored
    except (OSError, ValueError, EOFError):
        pass
    built = build()
    write_atomic(path, lambda tmp: np.save(tmp, built, allow_pickle=False))
    return built
