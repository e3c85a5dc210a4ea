"""Every table the pipeline makes from the seeds has exactly the columns its stage declares, in order."""

from __future__ import annotations

import pytest

from analysis import config, pipeline
from analysis.pipeline import plan
from analysis.schema import ok_articles

STAGES = plan.collect()
TABLES = {table: s for s in STAGES.values() for table in s.provides}


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("declared-columns")
    return root, pipeline.run(config.SEEDS_DIR, cache_dir=root, chunk_size=2, progress=False)


def test_the_run_returns_every_public_table(seed_run):
    _, result = seed_run
    public = {t for t in TABLES if not t.startswith(plan.INTERNAL_PREFIX)}
    assert set(result.tables) == public


@pytest.mark.parametrize("table", sorted(t for t in TABLES if not t.startswith(plan.INTERNAL_PREFIX)))
def test_public_table_matches_its_declaration(seed_run, table):
    _, result = seed_run
    frame = result[table]
    assert len(frame), f"{table} is empty on the seeds: nothing checked"
    assert tuple(frame.columns) == TABLES[table].columns_of(table)


@pytest.mark.parametrize("table", sorted(t for t in TABLES if t.startswith(plan.INTERNAL_PREFIX)))
def test_internal_table_matches_its_declaration(seed_run, seed_annotations, table):
    root, result = seed_run
    inputs = {
        "articles": ok_articles(result.articles),
        "annotations": seed_annotations,
        "cache_dir": root,
        "codebook": None,
        **result.tables,
    }
    frame = plan.call(TABLES[table], inputs)[table]
    assert len(frame), f"{table} is empty on the seeds: nothing checked"
    assert tuple(frame.columns) == TABLES[table].columns_of(table)
