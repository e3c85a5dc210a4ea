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
