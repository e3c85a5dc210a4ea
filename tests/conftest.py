"""Shared fixtures: the seed corpus and its annotations, loaded once per session."""

from __future__ import annotations

import pytest

from analysis import config


@pytest.fixture(scope="session")
def seeds_dir():
    return config.SEEDS_DIR


@pytest.fixture(scope="session")
def seed_articles(seeds_dir):
    import analysis

    return analysis.load_corpus(seeds_dir)


@pytest.fixture(scope="session")
def seed_annotations(seed_articles, tmp_path_factory):
    """spaCy tables for the seeds, parsed into a session-private cache."""
    import analysis

    return analysis.annotate(seed_articles, cache_dir=tmp_path_factory.mktemp("cache"))


def seed_id(prefix: str) -> str:
    """Full article_id of the seed whose id starts with ``prefix`` (e.g. '003')."""
    ids = sorted(p.stem for p in config.SEEDS_DIR.glob("*.txt"))
    (match,) = [i for i in ids if i.startswith(prefix)]
    return match
