"""A lane computes its chunk with a raised generation-0 threshold and gives the old one back."""

from __future__ import annotations

import gc
import importlib

import pandas as pd
import pytest

lanes = importlib.import_module("analysis.pipeline.engines.lanes")


@pytest.fixture
def seen(monkeypatch):
    during: list[tuple[int, ...]] = []

    def tokens(chunks, **kwargs):
        during.append(gc.get_threshold())
        yield pd.DataFrame()

    def process(chunk, tokens, stages, keys, **kwargs):
        during.append(gc.get_threshold())
        if keys.get("fail"):
            raise ValueError("stage failed")

    monkeypatch.setattr(lanes, "plan", lambda **kwargs: [])
    monkeypatch.setattr(lanes, "iter_tokens", tokens)
    monkeypatch.setattr(lanes, "process_chunk", process)
    before = gc.get_threshold()
    gc.set_threshold(700, 11, 12)
    yield during
    gc.set_threshold(*before)


def test_lane_chunk_raises_the_first_threshold_only_while_it_computes(seen, tmp_path):
    lanes.lane_chunk(pd.DataFrame(), {}, None, str(tmp_path), None)
    assert seen == [(lanes.LANE_GC_THRESHOLD, 11, 12)] * 2
    assert gc.get_threshold() == (700, 11, 12)


def test_a_failing_chunk_leaves_the_threshold_as_it_was(seen, tmp_path):
    with pytest.raises(ValueError, match="stage failed"):
        lanes.lane_chunk(pd.DataFrame(), {"fail": "1"}, None, str(tmp_path), None)
    assert seen[-1][0] == lanes.LANE_GC_THRESHOLD
    assert gc.get_threshold() == (700, 11, 12)
