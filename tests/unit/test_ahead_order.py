"""The corpus stages' order: the chain computed ahead last, stages that share an input adjacent."""

from __future__ import annotations

import pytest

from analysis.pipeline.corpus_stages import corpus_order
from analysis.pipeline.engines.ahead import AHEAD_STAGES, ahead_last
from analysis.pipeline.plan import plan


def _stages():
    stages = plan()
    per_article = {t for p in stages if p.per_article for t in p.stage.provides}
    return [p for p in stages if not p.per_article], per_article


def test_the_chain_and_its_readers_come_after_every_other_corpus_stage():
    stages, _ = _stages()
    first, last = ahead_last(stages, set(AHEAD_STAGES))
    chain_and_readers = {*AHEAD_STAGES, "omissions"}  # omissions reads claims and stories
    assert {"stories", "claims", "entity_frequencies", "source_balance"} <= chain_and_readers
    assert [p.name for p in last] == [p.name for p in stages if p.name in chain_and_readers]
    assert [p.name for p in first] == [p.name for p in stages if p.name not in chain_and_readers]
    assert ahead_last(stages, set()) == (stages, [])


@pytest.mark.parametrize("chain", [set(AHEAD_STAGES), set()])
def test_every_stage_comes_after_the_stages_whose_tables_it_reads(chain):
    stages, per_article = _stages()
    order = corpus_order(stages, chain, per_article)
    assert sorted(p.name for p in order) == sorted(p.name for p in stages)
    made: dict[str, int] = {}
    for position, planned in enumerate(order):
        for table in planned.inputs:
            assert made.get(table, -1) < position, (planned.name, table)
        made.update(dict.fromkeys(planned.stage.provides, position))
    if chain:
        last = {*AHEAD_STAGES, "omissions"}
        assert {p.name for p in order[-len(last) :]} == last


@pytest.mark.parametrize("chain", [set(AHEAD_STAGES), set()])
def test_the_stages_reading_one_per_article_table_run_one_after_another(chain):
    """A table the next stage does not read is released, so its readers in a row read it once."""
    stages, per_article = _stages()
    order = [p for p in corpus_order(stages, chain, per_article) if p.name not in chain]
    for table in ("mentions", "sentences", "quotes"):
        at = [i for i, p in enumerate(order) if table in p.inputs]
        runs = sum(1 for i in at if i - 1 not in at)
        assert runs == (1 if at else 0), (table, [p.name for p in order])
