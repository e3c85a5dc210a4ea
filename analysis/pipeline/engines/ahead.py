"""Corpus stages computed ahead: the slow corpus stages run in forked processes while the others run here.

Each chain of :data:`AHEAD_CHAINS` is computed in order in its own forked process (``stories``
then ``claims``, which reads it; ``entity_frequencies``, ``sources`` and ``source_balance``,
which reads ``sources``). A chain stage qualifies when its inputs are per-article tables or
tables of the chain stages before it (so every key and input is known before any corpus stage
has run), with 2+ processes, up to :data:`analysis.config.CORPUS_OVERLAP_MAX_ARTICLES`
articles, and when :func:`analysis.core.parallel.can_fork`. The forked process writes the
stages' tables to the cache, where each stage's turn in the loop reads them. This process
meanwhile computes the stages that read no chain's table, so the corpus stages of a small
rebuild share both cores instead of running one after another here.
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

#: Forked job name -> the corpus stages it computes ahead, in order. ``claims``, the slowest, reads
#: ``stories``; the counting stages with bootstrap intervals are the next slowest (``source_balance``
#: reads ``sources``). The rest (``labels``, ``keyness``, ``attribution``, ``omissions``) run here.
AHEAD_CHAINS: dict[str, tuple[str, ...]] = {
    "ahead": ("stories", "claims"),
    "ahead-counts": ("entity_frequencies", "sources", "source_balance"),
}
#: Every stage of :data:`AHEAD_CHAINS`.
AHEAD_STAGES: tuple[str, ...] = tuple(name for chain in AHEAD_CHAINS.values() for name in chain)


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

    def __init__(self, jobs: ForkedJobs | None = None, members: Mapping[str, str] | None = None) -> None:
        self.jobs = jobs or ForkedJobs()
        self.job_of = dict(members or {})  # stage -> the forked job computing it
        self.pids: dict[str, int] = {}  # stage -> process that computed it

    @property
    def members(self) -> set[str]:
        """The stages still computing ahead (not yet waited for)."""
        return set(self.job_of)

    def wait(self, name: str, timer: Timer) -> None:
        """Wait for stage ``name`` if it runs ahead; its own error is raised here.

        If the process died (killed, out of memory), nothing is raised: the stage's turn in
        the loop finds no cache entry and computes it in this process.
        """
        job = self.job_of.get(name)
        if job is None:
            return
        for stage_name in [s for s, j in self.job_of.items() if j == job]:
            del self.job_of[stage_name]  # the first stage of a chain waits for all of it
        done, result = self.jobs.wait(job)
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
    """Start each uncached chain of :data:`AHEAD_CHAINS` in a forked process (if :func:`may_fork_ahead`)."""
    if root is None or not may_fork_ahead(n_articles, n_process):
        return Ahead()
    jobs: dict[str, dict[str, Any]] = {}
    for job, names in AHEAD_CHAINS.items():
        chain = _chain(corpus_stages, names, key_of, per_article_tables)
        if chain and not all(cache.entry_path(corpus_kind(p.name), k, root).exists() for p, k in chain):
            jobs[job] = {"chain": chain, "inputs": inputs, "root": root}
    if not jobs:
        return Ahead()
    members = {p.name: job for job, state in jobs.items() for p, _ in state["chain"]}
    return Ahead(start_forked(stage_ahead, jobs), members)


def _chain(
    corpus_stages: Sequence[PlannedStage],
    names: Sequence[str],
    key_of: Callable[..., str],
    per_article_tables: set[str],
) -> list[tuple[PlannedStage, str]]:
    """Return the planned stages of ``names`` that can run ahead, in plan order, with their keys.

    A stage qualifies when every table it reads is a per-article table or one of a chain stage
    before it, so its key is known before any corpus stage has run here.
    """
    chain: list[tuple[PlannedStage, str]] = []
    ready = set(per_article_tables)
    extra: dict[str, str] = {}
    for planned in corpus_stages:
        tables = set(planned.inputs) - {"articles", "cache_dir"}
        if planned.name not in names or not tables or not tables <= ready:
            continue
        key = key_of(planned, extra)
        chain.append((planned, key))
        ready.update(planned.stage.provides)
        extra.update(dict.fromkeys(planned.stage.provides, key))
    return chain
