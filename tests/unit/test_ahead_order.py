"""Corpus stages computed ahead come last, so this process works while the forked chain runs."""

from __future__ import annotations

from analysis.pipeline.engines.ahead import AHEAD_STAGES, ahead_last
from analysis.pipeline.plan import plan


def _corpus_stages():
    return [p for p in plan() if not p.per_article]


def test_the_chain_and_its_readers_come_after_every_other_corpus_stage():
    stages = _corpus_stages()
    order = [p.name for p in ahead_last(stages, set(AHEAD_STAGES))]
    assert sorted(order) == sorted(p.name for p in stages)
    readers = {"stories", "claims", "omissions"}  # omissions reads claims and stories
    assert set(order[-len(readers) :]) == readers
    # the stages that do not read the chain keep their order, and come before it
    others = [p.name for p in stages if p.name not in readers]
    assert order[: len(others)] == others


def test_every_stage_still_comes_after_the_stages_whose_tables_it_reads():
    order = ahead_last(_corpus_stages(), set(AHEAD_STAGES))
    made: dict[str, int] = {}
    for position, planned in enumerate(order):
        for table in planned.inputs:
            assert made.get(table, -1) < position, (planned.name, table)
        made.update(dict.fromkeys(planned.stage.provides, position))


def test_without_a_chain_the_order_is_the_plan():
    stages = _corpus_stages()
    assert [p.name for p in ahead_last(stages, set())] == [p.name for p in stages]
