"""``bench.stage_profile --compare``: the identity check a speed change is held to."""

from __future__ import annotations

import pandas as pd

from bench.stage_profile import compare


def _tables() -> dict[str, pd.DataFrame]:
    return {
        "mentions": pd.DataFrame({"article_id": ["a", "b"], "start_char": [0, 5], "score": [0.5, 0.25]}),
        "quotes": pd.DataFrame({"article_id": ["a"], "speaker": ["Putin"]}),
    }


def test_identical_tables_pass():
    assert compare(_tables(), _tables()) == []


def test_a_changed_value_a_missing_table_and_a_float_change_are_each_reported():
    new = _tables()
    new["mentions"].loc[1, "score"] = 0.25 + 1e-15  # bit-level: a speed change must not move a float
    del new["quotes"]
    new["labels"] = pd.DataFrame({"x": [1]})
    problems = compare(_tables(), new)
    assert [p.split(":")[0] for p in problems] == ["labels", "mentions", "quotes"]
    assert "only in new" in problems[0] and "only in old" in problems[2]
