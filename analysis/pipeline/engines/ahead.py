"""Corpus stages computed ahead: a slow corpus stage runs in a forked process while the others run here.

Only stages named in :data:`AHEAD_STAGES` whose inputs are all per-article tables
qualify (their key and inputs are known before any corpus stage has run), with
2+ processes, up to :data:`analysis.config.CORPUS_OVERLAP_MAX_ARTICLES` articles,
and when :func:`analysis.core.parallel.can_fork`. The forked process writes the
stage's tables to the cache, where the stage's turn in the loop reads them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from analysis import config
from analysis.core import cache
from analysis.core.parallel import ForkedJobs, can_fork, job_state, start_forked
from analysis.pipeline.plan import PlannedStage
from analysis.pipeline.store import corpus_kind, write_stage
from analysis.pipeline.timing import Timer

#: Corpus stages worth starting ahead in a forked process (the slowest, reading per-article tables only).
AHEAD_STAGES = ("claims",)


def may_fork_ahead(n_articles: int, n_process: int | None) -> bool:
    """Tell whether a corpus stage may be computed in a forked process in this run."""
    return (
        (n_process or config.SPACY_N_PROCESS) >= 2
        and n_articles <= config.CORPUS_OVERLAP_MAX_ARTICLES
        and can_fork()
    )


def stage_ahead(name: str) -> tuple[float, int, int]:
    """Compute corpus stage ``name`` and write it to the cache (in the forked process)."""
    job = job_state(name)
    started, writes = time.perf_counter(), cache.write_count()
    write_stage(corpus_kind(name), job["key"], job["stage"].run(job["inputs"]), job["root"])
    return time.perf_counter() - started, cache.write_count() - writes, os.getpid()


class Ahead:
    """Corpus stages computing in forked processes; :meth:`wait` blocks until one has written its cache."""

    def __init__(self, jobs: ForkedJobs | None = None) -> None:
        self.jobs = jobs or ForkedJobs()
        self.pids: dict[str, int] = {}  # stage -> process that computed it

    def wait(self, name: str, timer: Timer) -> None:
        """Wait for stage ``name`` if it runs ahead; its own error is raised here.

        If the process died (killed, out of memory), nothing is raised: the stage's turn in
        the loop finds no cache entry and computes it in this process.
        """
        done, result = self.jobs.wait(name)
        if not done:
            return
        seconds, writes, self.pids[name] = result
        cache.add_writes(writes)
        timer.add(name, seconds)

    def close(self, *, abandon: bool = False) -> None:
        """Shut the processes down; ``abandon`` (an error elsewhere) stops a stage still running."""
        self.jobs.close(abandon=abandon)


def start_ahead(
    corpus_stages: Sequence[PlannedStage],
    inputs: Mapping[str, Any],
    key_of: Callable[[PlannedStage], str],
    per_article_tables: set[str],
    root,
    *,
    n_articles: int,
    n_process: int | None,
) -> Ahead:
    """Start the uncached :data:`AHEAD_STAGES` reading only per-article tables (if :func:`may_fork_ahead`)."""
    if root is None or not may_fork_ahead(n_articles, n_process):
        return Ahead()
    jobs = {}
    for planned in corpus_stages:
        tables = set(planned.inputs) - {"articles", "cache_dir"}
        if planned.name not in AHEAD_STAGES or not tables or not tables <= per_article_tables:
            continue
        key = key_of(planned)
        if cache.entry_path(corpus_kind(planned.name), key, root).exists():
            continue
        jobs[planned.name] = {"stage": planned, "inputs": inputs, "key": key, "root": root}
    return Ahead(start_forked(stage_ahead, jobs))
