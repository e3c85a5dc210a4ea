import pandas as pd
import pytest

from analysis.core import cache
from analysis.pipeline.store import read_stage, write_stage


def test_stage_tables_round_trip_through_the_cache(tmp_path):
    plain = pd.DataFrame({"article_id": ["a", "b"], "n": [1, 2]})
    nested = pd.DataFrame({"article_id": ["a"], "evidence": [[("a", 1, 2), ("x", "y")]]})  # Arrow refuses
    written = write_stage("stage-demo", "k" * 40, {"demo": plain, "demo_nested": nested}, tmp_path)
    got = read_stage("stage-demo", "k" * 40, tmp_path)
    assert got is not None and list(got) == ["demo", "demo_nested"]
    pd.testing.assert_frame_equal(got["demo"], written["demo"])
    pd.testing.assert_frame_equal(got["demo_nested"], nested)
    assert list((tmp_path / "stage-demo-tables").rglob("*.pkl"))
    assert read_stage("stage-demo", "z" * 40, tmp_path) is None


def test_pickle_entries_count_towards_injected_failures(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "_writes", 0)
    monkeypatch.setenv("OUTLET_FRAMING_FAIL_AFTER_WRITES", "2")
    cache.write_pickle("x", "a" * 40, pd.DataFrame({"v": [1]}), tmp_path)
    with pytest.raises(cache.InjectedFailure):
        cache.write_pickle("x", "b" * 40, pd.DataFrame({"v": [2]}), tmp_path)
    assert cache.read_pickle("x", "b" * 40, tmp_path)["v"].tolist() == [2]  # complete before the failure
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_a_chunk_manifest_replaces_the_index_reads_and_lists_the_same_tables(tmp_path, monkeypatch):
    from analysis.pipeline import store

    keys = {"sentences": "s" * 40, "entities": "e" * 40}
    write_stage("stage-sentences", keys["sentences"], {"sentences": pd.DataFrame({"a": [1]})}, tmp_path)
    write_stage("stage-entities", keys["entities"], {"entities": pd.DataFrame({"b": ["x"]})}, tmp_path)
    reads: list[str] = []
    real_read = cache.read

    def counted(kind, key, root=None):
        reads.append(kind)
        return real_read(kind, key, root)

    monkeypatch.setattr(cache, "read", counted)
    first = store.chunk_sources(keys, tmp_path)  # from the index entries; writes the manifest
    assert sorted(reads) == ["stage-entities", "stage-sentences"]
    assert store.manifest_path(keys, tmp_path).exists()
    reads.clear()
    second = store.chunk_sources(keys, tmp_path)  # from the manifest: no index entry read
    assert reads == [] and second == first
    assert set(first) == {"sentences", "entities"}
    assert store.chunk_sources({**keys, "entities": "f" * 40}, tmp_path) is None  # other keys, other manifest
    kind, sub, fmt = first["entities"]
    cache.entry_path(kind, sub, tmp_path, suffix=store.suffix(fmt)).unlink()
    assert store.chunk_sources(keys, tmp_path) is None  # a listed table gone: the chunk is not cached
