"""The stage cache (one entry per stage and chunk) and :class:`LazyTables`, which reads it back on demand.

A stage's output for one key is an index entry (kind ``stage-<name>`` per
chunk, ``corpus-<name>`` for corpus stages) listing one cache entry per table
(kind ``<kind>-tables``): Parquet, or a pickle for a table Arrow cannot hold.
Every write goes through :mod:`analysis.core.cache` (content keys, atomic).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from analysis.core import cache

try:
    from pyarrow import ArrowException as ArrowError
except ImportError:  # pragma: no cover - pyarrow is a pinned dependency
    ArrowError = TypeError  # type: ignore[misc, assignment]

#: Per-article tables :class:`LazyTables` reads with categorical string columns: internal tables of
#: many short repeated strings whose only reader turns them into arrays (``keyness`` for ``_terms``).
CATEGORICAL_TABLES = frozenset({"_terms"})

#: Where one chunk's table lives: ``(kind, key, format)``.
Source = tuple[str, str, str]


def normalise(table: pd.DataFrame) -> pd.DataFrame:
    """Round-trip through Arrow, exactly as a Parquet cache read would, so cold, warm and Dask runs agree."""
    import pyarrow as pa

    table = table.reset_index(drop=True)
    return pa.Table.from_pandas(table, preserve_index=False).to_pandas()


def suffix(fmt: str) -> str:
    """Return the file suffix of a cache entry format (``parquet`` or ``pickle``)."""
    return ".pkl" if fmt == "pickle" else ".parquet"


def write_stage(
    kind: str, key: str, tables: Mapping[str, pd.DataFrame], cache_dir
) -> dict[str, pd.DataFrame]:
    """Write a stage's tables (one entry per table, listed in an index entry); return them normalised.

    Tables Arrow cannot hold (a column of nested Python objects) are stored as pickles instead.
    """
    normalised: dict[str, pd.DataFrame] = {}
    index = []
    for name, table in tables.items():
        sub = cache.content_key(key, name)
        try:
            normalised[name] = normalise(table)
        except (ArrowError, TypeError, ValueError):
            normalised[name] = table.reset_index(drop=True)
            cache.write_pickle(f"{kind}-tables", sub, normalised[name], cache_dir)
            index.append({"table": name, "key": sub, "format": "pickle"})
            continue
        cache.write(f"{kind}-tables", sub, normalised[name], cache_dir)
        index.append({"table": name, "key": sub, "format": "parquet"})
    cache.write(kind, key, pd.DataFrame(index, columns=["table", "key", "format"]), cache_dir)
    return normalised


def read_stage(kind: str, key: str, cache_dir) -> dict[str, pd.DataFrame] | None:
    """Read a stage's tables written by :func:`write_stage`, or None when any entry is missing."""
    index = cache.read(kind, key, cache_dir)
    if index is None:
        return None
    out = {}
    for name, sub, fmt in zip(index["table"], index["key"], index["format"], strict=True):
        read = cache.read_pickle if fmt == "pickle" else cache.read
        table = read(f"{kind}-tables", sub, cache_dir)
        if table is None:
            return None
        out[name] = table
    return out


def chunk_kind(stage_name: str) -> str:
    """Return the cache kind of a per-article stage's index entries."""
    return f"stage-{stage_name}"


def corpus_kind(stage_name: str) -> str:
    """Return the cache kind of a corpus stage's index entries."""
    return f"corpus-{stage_name}"


def read_chunk(keys: Mapping[str, str], cache_dir) -> dict[str, pd.DataFrame] | None:
    """Read every per-article stage output of one chunk (``keys``: stage -> key); None if one is missing."""
    if not all(cache.entry_path(chunk_kind(n), k, cache_dir).exists() for n, k in keys.items()):
        return None
    out: dict[str, pd.DataFrame] = {}
    for name, key in keys.items():
        got = read_stage(chunk_kind(name), key, cache_dir)
        if got is None:
            return None
        out.update(got)
    return out


#: Cache kind of the chunk manifests: one JSON file per chunk listing what its stages' index entries list.
MANIFEST_KIND = "stage-manifest"


def manifest_path(keys: Mapping[str, str], cache_dir) -> Path:
    """Return where the manifest of a chunk with these stage keys lives (keyed by all of them)."""
    key = cache.content_key("manifest", sorted(keys.items()))
    return cache.entry_path(MANIFEST_KIND, key, cache_dir, suffix=".json")


def _read_manifest(path: Path) -> dict[str, Source] | None:
    try:
        rows = json.loads(path.read_text("utf-8"))
        return {str(t): (str(k), str(s), str(f)) for t, k, s, f in rows}
    except (OSError, ValueError, TypeError):
        return None


def _exists(source: Source, cache_dir) -> bool:
    kind, sub, fmt = source
    return cache.entry_path(kind, sub, cache_dir, suffix=suffix(fmt)).exists()


def chunk_sources(keys: Mapping[str, str], cache_dir) -> dict[str, Source] | None:
    """Return ``table -> (kind, key, format)`` of a chunk's cached outputs (None if one is missing).

    Reads the chunk's manifest (one small JSON file listing every table of every stage, written
    the first time all of them were found), else the stages' small index entries (one Parquet
    file per stage); either way checks that every table file exists.
    """
    path = manifest_path(keys, cache_dir)
    listed = _read_manifest(path)
    if listed is not None and all(_exists(source, cache_dir) for source in listed.values()):
        return listed
    out: dict[str, Source] = {}
    for name, key in keys.items():
        kind = chunk_kind(name)
        index = cache.read(kind, key, cache_dir)
        if index is None:
            return None
        for table, sub, fmt in zip(index["table"], index["key"], index["format"], strict=True):
            if not cache.entry_path(f"{kind}-tables", sub, cache_dir, suffix=suffix(fmt)).exists():
                return None
            out[table] = (f"{kind}-tables", sub, fmt)
    rows = [[table, *source] for table, source in out.items()]
    cache.write_atomic(path, lambda tmp: Path(tmp).write_text(json.dumps(rows), "utf-8"))
    return out


def stage_sources(kind: str, key: str, cache_dir) -> dict[str, Source] | None:
    """Return ``table -> (kind, key, format)`` of one stage output written by :func:`write_stage`.

    Reads only the index entry (None when it is missing); :class:`LazyTables` reads the tables.
    """
    index = cache.read(kind, key, cache_dir)
    if index is None:
        return None
    return {
        name: (f"{kind}-tables", sub, fmt)
        for name, sub, fmt in zip(index["table"], index["key"], index["format"], strict=True)
    }


def concat_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate chunk tables in order (an empty chunk's column types say nothing, so it is left out)."""
    nonempty = [f for f in frames if len(f)]
    return pd.concat(nonempty, ignore_index=True) if nonempty else frames[0].reset_index(drop=True)


def concat(parts: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Concatenate per-chunk dicts of tables into one dict of tables."""
    names: list[str] = []
    for part in parts:
        names.extend(n for n in part if n not in names)
    return {name: concat_frames([p[name] for p in parts if name in p]) for name in names}


class LazyTables(Mapping[str, pd.DataFrame]):
    """Per-article tables kept on disk and read from the cache on first access.

    ``tables["mentions"]`` reads that table's cached Parquet of every chunk and
    concatenates them in chunk order (then keeps the result); :meth:`release`
    forgets a table again. So a run holds in memory only the tables someone
    asks for — the corpus stages their inputs, one stage at a time; the caller
    what it reads — instead of every per-article table of the corpus. Corpus
    tables already in the cache are held the same way (:meth:`add_stored`):
    read on first access, forgotten by :meth:`release`.
    """

    def __init__(
        self,
        sources: list[dict[str, Source]],
        cache_dir,
        extra: Mapping[str, pd.DataFrame] | None = None,
    ) -> None:
        self._sources = sources
        self._root = cache_dir
        self._names: list[str] = []
        for chunk in sources:
            self._names.extend(n for n in chunk if n not in self._names)
        self._memo: dict[str, pd.DataFrame] = {}
        self._extra: dict[str, pd.DataFrame] = dict(extra or {})
        self._stored: dict[str, Source] = {}  # whole tables in one cache entry each (corpus tables)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name in self._extra:
            return self._extra[name]
        if name in self._memo:
            return self._memo[name]
        if name in self._stored:
            kind, key, fmt = self._stored[name]
            read = cache.read_pickle if fmt == "pickle" else cache.read
            table = read(kind, key, self._root)
            if table is None:
                raise RuntimeError(f"cache entry of table {name!r} vanished during the run ({kind}/{key})")
            self._memo[name] = table
            return table
        if name not in self._names:
            raise KeyError(name)
        if name in CATEGORICAL_TABLES:
            table = self._read_categorical(name)
            if table is not None:
                self._memo[name] = table
                return table
        frames = []
        for chunk in self._sources:
            if name not in chunk:
                continue
            kind, key, fmt = chunk[name]
            read = cache.read_pickle if fmt == "pickle" else cache.read
            table = read(kind, key, self._root)
            if table is None:
                raise RuntimeError(f"cache entry of table {name!r} vanished during the run ({kind}/{key})")
            frames.append(table)
        self._memo[name] = concat_frames(frames)
        return self._memo[name]

    @property
    def n_chunks(self) -> int:
        """Return the number of chunks whose tables this mapping reads."""
        return len(self._sources)

    def chunk_table(self, name: str, chunk: int) -> pd.DataFrame | None:
        """Read one chunk's part of a per-article table from the cache (not kept); None when it has none."""
        source = self._sources[chunk].get(name)
        if source is None:
            return None
        kind, key, fmt = source
        read = cache.read_pickle if fmt == "pickle" else cache.read
        table = read(kind, key, self._root)
        if table is None:
            raise RuntimeError(f"cache entry of table {name!r} vanished during the run ({kind}/{key})")
        return table

    def _read_categorical(self, name: str) -> pd.DataFrame | None:
        """Read ``name`` of every chunk through Arrow, its string columns as categories (None: not possible).

        The same rows and values as the pandas concatenation, but a string repeated in many rows
        (an article id, a field, a term) is held once: the ``_terms`` table of 20,000 articles
        (3.7 million rows) takes ~0.1 GiB instead of 0.73 GiB of Python strings.
        """
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        paths = []
        for chunk in self._sources:
            if name in chunk:
                kind, key, fmt = chunk[name]
                if fmt == "pickle":
                    return None
                paths.append(cache.entry_path(kind, key, self._root))
        try:  # strings read straight into dictionaries: never a full column of them at once
            parts = []
            for path in paths:
                schema = pq.read_schema(path)
                strings = [
                    f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
                ]
                part = pq.read_table(path, read_dictionary=strings)
                if part.num_rows:  # as concat_frames: an empty chunk's column types say nothing
                    parts.append(part)
            if not parts:
                return None
            table = pa.concat_tables(parts, promote_options="permissive")
            del parts
            for i, field in enumerate(table.schema):  # a column that was empty (null) in some chunks
                if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
                    table = table.set_column(i, field.name, pc.dictionary_encode(table.column(i)))
        except (OSError, pa.ArrowException, ValueError):  # missing or mismatched entries: the pandas way
            return None
        frame = table.replace_schema_metadata(None).to_pandas(split_blocks=True, self_destruct=True)
        del table
        pa.default_memory_pool().release_unused()  # Arrow's allocator keeps the read buffers otherwise
        return frame

    def __iter__(self):
        yield from (n for n in self._names if n not in self._extra and n not in self._stored)
        yield from (n for n in self._stored if n not in self._extra)
        yield from self._extra

    def __len__(self) -> int:
        return len(set(self._names) | set(self._stored) | set(self._extra))

    def __contains__(self, name: object) -> bool:
        return name in self._extra or name in self._stored or name in self._names

    def held(self) -> list[str]:
        """Return the names of the tables read from the cache and held in memory now."""
        return list(self._memo)

    def release(self, name: str) -> None:
        """Forget a table read from the cache (it is read again when asked for)."""
        self._memo.pop(name, None)

    def add(self, tables: Mapping[str, pd.DataFrame]) -> None:
        """Hold tables: computed in memory (corpus-level outputs), or another LazyTables' stored ones.

        The stored tables of a :class:`LazyTables` (:meth:`add_stored`) are added as cache
        entries, not read.
        """
        if isinstance(tables, LazyTables):
            for name, source in tables._stored.items():
                self.add_stored(name, source)
            self._extra.update(tables._extra)
            return
        self._extra.update(tables)

    def add_stored(self, name: str, source: Source) -> None:
        """Hold a whole table in the cache (``(kind, key, format)``) by reference: read when asked for."""
        self._extra.pop(name, None)
        self._memo.pop(name, None)
        self._stored[name] = source

    def drop(self, names: Iterable[str]) -> None:
        """Remove tables from the mapping (internal inputs of the corpus stages)."""
        gone = set(names)
        self._names = [n for n in self._names if n not in gone]
        for name in gone:
            self._memo.pop(name, None)
            self._extra.pop(name, None)
            self._stored.pop(name, None)
