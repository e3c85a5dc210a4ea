"""Pipeline cache: hits, incremental rebuilds, invalidation, and a build killed after k cache writes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from analysis import annotate as _annotate  # noqa: F401  (registers the lazy name)
from analysis import config, pipeline
from analysis.core.cache import COLUMNS_SUFFIX
from analysis.core.digest import code_digest
from analysis.pipeline import plan

ROOT = Path(__file__).resolve().parents[2]

#: Suffixes of complete cache entries (Parquet tables, pickles, token column files).
ENTRY_SUFFIXES = {".parquet", ".pkl", COLUMNS_SUFFIX}


def _files(root: Path, kind: str = "") -> dict[Path, int]:
    base = root / kind if kind else root
    if not base.exists():
        return {}
    return {p: p.stat().st_mtime_ns for p in base.rglob("*") if p.suffix in ENTRY_SUFFIXES}


def _assert_same_tables(a, b):
    assert sorted(a.tables) == sorted(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("clean-cache")
    return root, pipeline.run(config.SEEDS_DIR, cache_dir=root, chunk_size=2, progress=False)


def test_second_run_is_served_from_the_cache(clean_run):
    root, first = clean_run
    assert first.info.cache_writes > 0
    assert first.info.n_chunks >= 2
    before = _files(root)
    second = pipeline.run(config.SEEDS_DIR, cache_dir=root, chunk_size=2, progress=False)
    assert second.info.cache_writes == 0
    assert second.info.chunks_cached == second.info.n_chunks
    assert _files(root) == before  # nothing rewritten
    _assert_same_tables(first, second)
    assert {"sentences", "entities"} <= set(first.tables)
    assert first["sentences"]["article_id"].nunique() == (first.articles["status"] == "ok").sum()


def test_chunk_size_does_not_change_any_table(clean_run, tmp_path):
    _, small = clean_run
    big = pipeline.run(config.SEEDS_DIR, cache_dir=tmp_path, chunk_size=1000, progress=False)
    assert big.info.n_chunks == 1
    _assert_same_tables(small, big)


def test_adding_an_article_parses_only_that_article(clean_run, tmp_path, seed_articles):
    _, full = clean_run
    ok = seed_articles[seed_articles["status"] == "ok"]
    first = pipeline.run(ok.iloc[:-1], cache_dir=tmp_path, chunk_size=2, progress=False)
    tokens_before = _files(tmp_path, "tokens")
    grown = pipeline.run(ok, cache_dir=tmp_path, chunk_size=2, progress=False)
    tokens_after = _files(tmp_path, "tokens")
    assert len(tokens_after) == len(tokens_before) + 1
    assert all(tokens_after[p] == m for p, m in tokens_before.items())
    assert grown.info.chunks_cached >= 1  # untouched chunks reused whole
    assert grown.info.chunks_cached < grown.info.n_chunks
    assert first["sentences"]["article_id"].nunique() == len(ok) - 1
    for name in full.tables:
        pd.testing.assert_frame_equal(grown[name], full[name], obj=name)


FAKE_STAGE = '''
from analysis import config
from analysis.core.stage import stage

@stage(provides="fake_counts", requires=("articles", "annotations"), per_article=True)
def fake_counts(articles, *, annotations):
    """Count tokens whose lower-cased text is listed in the package data file fake_aliases.csv."""
    import pandas as pd
    wanted = set((config.DATA_DIR / "fake_aliases.csv").read_text().split())
    toks = annotations.tokens
    hit = toks[toks["text"].str.lower().isin(wanted)]
    counts = hit.groupby("article_id").size().rename("n").reset_index()
    return counts.astype({"article_id": object, "n": "int64"})
'''


def test_editing_a_data_file_reruns_exactly_the_stages_that_read_it(tmp_path, monkeypatch):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "fake_stage.py").write_text(FAKE_STAGE)
    data = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, data)  # the loader and the stages read the package's own data files
    (data / "fake_aliases.csv").write_text("the\nrussia\n")
    (data / "unrelated.csv").write_text("x\n")
    monkeypatch.syspath_prepend(str(pkg))
    monkeypatch.setattr(config, "DATA_DIR", data)
    monkeypatch.setattr(plan, "STAGE_MODULES", (*plan.STAGE_MODULES, "fake_stage"))
    code_digest.cache_clear()
    cache = tmp_path / "cache"
    try:
        first = pipeline.run(config.SEEDS_DIR, cache_dir=cache, chunk_size=2, progress=False)
        assert "fake_counts" in first.tables and first["fake_counts"]["n"].sum() > 0
        n_chunks = first.info.n_chunks
        stage_files = {k: _files(cache, k) for k in ("tokens", "stage-sentences", "stage-entities")}

        (data / "unrelated.csv").write_text("y\n")  # nobody reads it: nothing recomputed
        code_digest.cache_clear()
        again = pipeline.run(config.SEEDS_DIR, cache_dir=cache, chunk_size=2, progress=False)
        assert again.info.cache_writes == 0

        (data / "fake_aliases.csv").write_text("the\n")  # read by fake_counts only
        code_digest.cache_clear()
        edited = pipeline.run(config.SEEDS_DIR, cache_dir=cache, chunk_size=2, progress=False)
        # one index + one table file per chunk for fake_counts, nothing else
        assert edited.info.cache_writes == 2 * n_chunks
        assert {k: _files(cache, k) for k in stage_files} == stage_files
        assert edited["fake_counts"]["n"].sum() < first["fake_counts"]["n"].sum()
        pd.testing.assert_frame_equal(edited["sentences"], first["sentences"])
    finally:
        code_digest.cache_clear()


def test_changing_the_model_fingerprint_reparses(tmp_path, monkeypatch):
    from analysis.annotate import load_model, model_fingerprint

    seeds = tmp_path / "seeds"  # two seeds keep the re-parse cheap
    seeds.mkdir()
    for path in sorted(config.SEEDS_DIR.glob("*.txt"))[:2]:
        (seeds / path.name).write_bytes(path.read_bytes())
    cache = tmp_path / "cache"
    first = pipeline.run(seeds, cache_dir=cache, chunk_size=2, progress=False)
    tokens_before = _files(cache, "tokens")
    patterns = tmp_path / "entity_patterns.jsonl"
    patterns.write_text('{"label": "ORG", "pattern": "Kremlin"}\n')
    annotate_module = sys.modules["analysis.annotate.model"]
    monkeypatch.setattr(annotate_module, "ENTITY_PATTERNS", patterns)
    model_fingerprint.cache_clear()
    load_model.cache_clear()
    try:
        second = pipeline.run(seeds, cache_dir=cache, chunk_size=2, progress=False)
        tokens_after = _files(cache, "tokens")
        assert len(tokens_after) == 2 * len(tokens_before)  # every article parsed again under the new key
        assert second.info.chunks_cached == 0
        assert len(second["sentences"]) == len(first["sentences"])
    finally:
        monkeypatch.undo()
        model_fingerprint.cache_clear()
        load_model.cache_clear()


def test_a_build_killed_after_k_writes_resumes_from_those_entries(clean_run, tmp_path):
    clean_root, clean = clean_run
    total = len(_files(clean_root))
    # k lands right after a complete entry: the load rows (1), the texts' line hashes (2), the corpus
    # table (3), a token table (4), the first stage's table (5) and its index (6). A kill between a
    # stage's table and its index rewrites that table on resume (same content), which this exact count
    # would flag.
    k = 6
    assert total > k
    cache = tmp_path / "cache"
    script = textwrap.dedent(
        f"""
        from analysis.pipeline import run
        run({str(config.SEEDS_DIR)!r}, cache_dir={str(cache)!r}, chunk_size=2, progress=False)
        """
    )
    env = {**os.environ, "OUTLET_FRAMING_FAIL_AFTER_WRITES": str(k), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "InjectedFailure" in proc.stderr
    survivors = _files(cache)
    assert len(survivors) == k  # atomic writes: k complete entries, no partial files
    assert not [p for p in cache.rglob("*") if p.is_file() and p.suffix not in ENTRY_SUFFIXES]

    resumed = pipeline.run(config.SEEDS_DIR, cache_dir=cache, chunk_size=2, progress=False)
    assert resumed.info.cache_writes == total - k  # the k entries are reused, not rewritten
    assert all(_files(cache)[p] == m for p, m in survivors.items())
    _assert_same_tables(resumed, clean)
