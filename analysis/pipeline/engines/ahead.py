"""Corpus stages computed ahead: a slow corpus stage runs in a forked process while the others run here.

:data:`AHEAD_STAGES` is a chain computed in order in one forked process (``stories`` then
``claims``, which reads it). A chain stage qualifies when its inputs are per-article tables or
tables of the chain stages before it (so every key and input is known before any corpus stage
has run), with
2+ processes, up to :data:`analysis.config.CORPUS_OVERLAP_MAX_ARTICLES` articles,
and when :func:`analysis.core.parallel.can_fork`. The forked process writes the
stage's tables to the cache, where the stage's turn in the loop reads them.
"""

from __future__ import annotations

import os
import time
from collections import ChainMap
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from analysis import config
from analysis.core import cache
from analysis.core.parallel import ForkedJobs, can_fork, job_state, start_forked
from analysis.pipeline.incremental import compute_stage
from analysis.pipeline.plan import PlannedStage
from analysis.pipeline.store import corpus_kind
from analysis.pipeline.timing import Timer

#: Corpus stages computed ahead, in order, in one forked process (claims, the slowest, reads stories).
AHEAD_STAGES = ("stories", "claims")
#: Name of the forked job that computes the chain.
AHEAD_JOB = "ahead"


def may_fork_ahead(n_articles: int, n_process: int | None) -> bool:
    """Tell whether a corpus stage may be computed in a forked process in this run."""
    return (
        (n_process or config.SPACY_N_PROCESS) >= 2
        and n_articles <= config.CORPUS_OVERLAP_MAX_ARTICLES
        and can_fork()
    )


def stage_ahead(name: str) -> tuple[dict[str, float], int, int]:
    """Compute the chain of job ``name`` in order, writing each stage to the cache (in the forked process)."""
    job = job_state(name)
    writes, seconds = cache.write_count(), {}
    made: dict[str, Any] = {}
    for planned, key in job["chain"]:
        started = time.perf_counter()
        result = compute_stage(planned, ChainMap(made, job["inputs"]), key, job["root"])
        made.update(result)
        seconds[planned.name] = time.perf_counter() - started
    return seconds, cache.write_count() - writes, os.getpid()


class Ahead:
    """Corpus stages computing in forked processes; :meth:`wait` blocks until one has written its cache."""

    def __init__(self, jobs: ForkedJobs | None = None, members: Sequence[str] = ()) -> None:
        self.jobs = jobs or ForkedJobs()
        self.members = set(members)  # stages the forked chain computes
        self.pids: dict[str, int] = {}  # stage -> process that computed it

    def wait(self, name: str, timer: Timer) -> None:
        """Wait for stage ``name`` if it runs ahead; its own error is raised here.

        If the process died (killed, out of memory), nothing is raised: the stage's turn in
        the loop finds no cache entry and computes it in this process.
        """
        if name not in self.members:
            return
        self.members.clear()  # the first stage of the chain waits for all of it
        done, result = self.jobs.wait(AHEAD_JOB)
        if not done:
            return
        seconds, writes, pid = result
        cache.add_writes(writes)
        for stage_name, spent in seconds.items():
            self.pids[stage_name] = pid
            timer.add(stage_name, spent)

    def close(self, *, abandon: bool = False) -> None:
        """Shut the processes down; ``abandon`` (an error elsewhere) stops a stage still running."""
        self.jobs.close(abandon=abandon)


def ahead_last(
    corpus_stages: Sequence[PlannedStage], members: set[str]
) -> tuple[list[PlannedStage], list[PlannedStage]]:
    """Split the corpus stages into those to run first and the chain computed ahead with its readers.

    The stages that do not read the chain's tables (directly or through another stage) come
    first, so this process computes them while the forked chain runs instead of waiting for it
    at the chain's turn. Both parts keep the plan's order. A stage depends only on its inputs,
    so the order changes no table, only when each is computed.
    """
    waiting = set(members)
    tables: set[str] = set()  # tables of the chain and of the stages that read them
    for planned in corpus_stages:
        if planned.name in waiting or set(planned.inputs) & tables:
            waiting.add(planned.name)
            tables.update(planned.stage.provides)
    first = [p for p in corpus_stages if p.name not in waiting]
    return first, [p for p in corpus_stages if p.name in waiting]


def start_ahead(
    corpus_stages: Sequence[PlannedStage],
    inputs: Mapping[str, Any],
    key_of: Callable[..., str],
    per_article_tables: set[str],
    root,
    *,
    n_articles: int,
    n_process: int | None,
) -> Ahead:
    """Start the uncached :data:`AHEAD_STAGES` chain in a forked process (if :func:`may_fork_ahead`)."""
    if root is None or not may_fork_ahead(n_articles, n_process):
        return Ahead()
    chain: list[tuple[PlannedStage, str]] = []
    ready = set(per_article_tables)
    extra: dict[str, str] = {}
    for planned in corpus_stages:
        tables = set(planned.inputs) - {"articles", "cache_dir"}
        if planned.name not in AHEAD_STAGES or not tables or not tables <= ready:
            continue
        key = key_of(planned, extra)
        chain.append((planned, key))
        ready.update(planned.stage.provides)
        extra.update(dict.fromkeys(planned.stage.provides, key))
    if not chain or all(cache.entry_path(corpus_kind(p.name), k, root).exists() for p, k in chain):
        return Ahead()
    job = {"chain": chain, "inputs": inputs, "root": root}
    return Ahead(start_forked(stage_ahead, {AHEAD_JOB: job}), [p.name for p, _ in chain])
