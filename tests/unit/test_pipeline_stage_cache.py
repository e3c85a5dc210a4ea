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
