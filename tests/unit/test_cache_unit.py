"""The cache writes atomically and treats corrupt entries as misses."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core import cache


def test_roundtrip_and_miss(tmp_path):
    table = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    key = cache.content_key("t")
    assert cache.read("k", key, tmp_path) is None
    cache.write("k", key, table, tmp_path)
    pd.testing.assert_frame_equal(cache.read("k", key, tmp_path), table)
    assert not list(tmp_path.rglob("*.tmp"))


def test_corrupt_entry_is_a_miss(tmp_path):
    key = cache.content_key("t")
    path = cache.entry_path("k", key, tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not parquet")
    assert cache.read("k", key, tmp_path) is None


def test_injected_failure_after_k_writes_leaves_complete_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "_writes", 0)
    monkeypatch.setenv("OUTLET_FRAMING_FAIL_AFTER_WRITES", "2")
    table = pd.DataFrame({"a": [1]})
    cache.write("k", "aa1", table, tmp_path)
    with pytest.raises(cache.InjectedFailure):
        cache.write("k", "aa2", table, tmp_path)
    assert cache.read("k", "aa1", tmp_path) is not None and cache.read("k", "aa2", tmp_path) is not None
    assert not list(tmp_path.rglob("*.tmp"))


def test_write_parquet_reads_back_as_to_parquet_does(tmp_path):
    """The cache's writer (no column statistics) gives the same frame back as DataFrame.to_parquet."""
    from analysis.core.cache import write_parquet

    frame = pd.DataFrame(
        {
            "article_id": ["a", "b", None],
            "n": [1, 2, 3],
            "score": [0.5, float("nan"), -1.25],
            "flag": [True, False, True],
            "when": pd.to_datetime(["2022-02-07", None, "2026-01-01"]),
            "kind": pd.Categorical(["x", "y", "x"]),
            "nullable": pd.array([1, None, 3], dtype="Int64"),
        }
    )
    write_parquet(frame, tmp_path / "ours.parquet")
    frame.to_parquet(tmp_path / "pandas.parquet", index=False)
    ours, theirs = pd.read_parquet(tmp_path / "ours.parquet"), pd.read_parquet(tmp_path / "pandas.parquet")
    pd.testing.assert_frame_equal(ours, theirs)
    pd.testing.assert_frame_equal(ours, frame)


_SCHEMA = {"field": "object", "token_id": "int64", "whitespace": "bool"}


def _columns(n: int = 5) -> dict:
    import numpy as np

    words = np.array(["Paris", "said", "", "é\u2019s", "Paris"] * (n // 5 + 1), dtype=object)[:n]
    return {
        "field": words,
        "token_id": np.arange(n, dtype=np.int64) * 2**40,
        "whitespace": np.arange(n) % 2 == 0,
    }


def test_column_entry_round_trip(tmp_path):
    import numpy as np

    key = cache.content_key("cols")
    assert cache.read_columns("k", key, tmp_path, schema=_SCHEMA) is None
    cols = _columns(1003)
    path = cache.write_columns("k", key, cols, tmp_path)
    assert path.suffix == cache.COLUMNS_SUFFIX and path.read_bytes().startswith(cache.COLUMNS_MAGIC)
    got = cache.read_columns("k", key, tmp_path, schema=_SCHEMA)
    assert list(got) == list(_SCHEMA)
    for name, values in cols.items():
        assert got[name].dtype == values.dtype and np.array_equal(got[name], values)
    empty = {name: values[:0] for name, values in cols.items()}
    cache.write_columns("k", "e" + key, empty, tmp_path)
    assert all(len(v) == 0 for v in cache.read_columns("k", "e" + key, tmp_path, schema=_SCHEMA).values())
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # truncated
        lambda raw: b"",  # empty file
        lambda raw: b"OFCOLS9\n" + raw[8:],  # another layout's magic
        lambda raw: raw[:16] + bytes(b ^ 0x5A for b in raw[16:]),  # garbled body
        lambda raw: raw[:8] + (1).to_bytes(8, "little") + raw[16:],  # wrong size in the header
    ],
)
def test_damaged_column_entry_is_a_miss(tmp_path, damage):
    key = cache.content_key("cols")
    path = cache.write_columns("k", key, _columns(), tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    assert cache.read_columns("k", key, tmp_path, schema=_SCHEMA) is None


def test_column_entry_of_another_schema_is_a_miss(tmp_path):
    cols = _columns()
    cache.write_columns("k", "a1", cols, tmp_path)
    assert cache.read_columns("k", "a1", tmp_path, schema={**_SCHEMA, "extra": "int64"}) is None
    assert cache.read_columns("k", "a1", tmp_path, schema={**_SCHEMA, "token_id": "int32"}) is None
    assert cache.read_columns("k", "a1", tmp_path, schema=dict(reversed(_SCHEMA.items()))) is None
    cache.write_columns("k", "a2", {**cols, "whitespace": cols["whitespace"][:-1]}, tmp_path)
    assert cache.read_columns("k", "a2", tmp_path, schema=_SCHEMA) is None  # unequal lengths
    assert cache.read_columns("k", "a1", tmp_path, schema=_SCHEMA) is not None
