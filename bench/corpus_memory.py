"""Measure the corpus stages at N articles without parsing N articles: ``python -m bench.corpus_memory``.

The per-article tables of a small corpus (default: 300 generated articles,
``bench.corpus``; parsed once, or read from a token cache) are tiled into a
corpus of ``--n`` articles: every copy gets new article ids, its own events
(``<event> #<copy>``, so claims' blocks keep a realistic size), dates shifted
by a week per copy and outlets spread over ``--outlets`` variants. Each copy
goes through Arrow like a cache read, so its strings are its own objects, as
in a real run. Then every corpus stage of :mod:`analysis.pipeline` runs once
on the tiled tables, bound by parameter name exactly as ``analysis.run`` binds
them, and the script prints seconds and peak memory per stage (sampled every
20 ms: this process's RSS plus the private memory of forked workers; in the
default lazy mode the stages run in a fresh process, whose ``ru_maxrss`` is not
used because Linux starts it at the parent's high-water mark).

Tiling repeats the same texts, so vocabularies (claims' TF-IDF terms, keyness
terms, entity names) stay those of the small corpus: memory that grows with
the vocabulary is underestimated; memory that grows with rows is not.

Usage::

    python -m bench.corpus_memory --n 20000
    python -m bench.corpus_memory --n 20000 --corpus /tmp/pf/c300.jsonl --token-cache /tmp/pf/cache300
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd


class _Peak:
    """Sample this process's RSS in a thread; ``peak`` is the maximum since the last :meth:`reset`."""

    def __init__(self, interval: float = 0.02) -> None:
        import psutil

        self._proc = psutil.Process()
        self.peak = self._proc.memory_info().rss
        self._interval = interval
        self._lock = threading.Lock()  # reset() must not race with a sample taken before it
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                self.peak = max(self.peak, self.now())
            time.sleep(self._interval)

    def now(self) -> int:
        """RSS of this process plus the private memory (USS) of its children.

        claims scores event blocks in forked workers: their pages shared with this process
        are counted once (in this RSS), what each allocates is added.
        """
        import psutil

        total = self._proc.memory_info().rss
        try:
            children = self._proc.children(recursive=True)
        except psutil.Error:
            children = []
        for child in children:
            try:
                total += child.memory_full_info().uss
            except psutil.Error:
                continue
        return total

    def reset(self) -> None:
        with self._lock:
            self.peak = self.now()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def source_tables(corpus: str | None, token_cache: str | None, n_source: int) -> dict[str, pd.DataFrame]:
    """Return ``articles`` and every per-article table (internal ones included) of the source corpus."""
    import analysis
    from analysis.pipeline.options import RunOptions
    from analysis.pipeline.plan import INTERNAL_PREFIX, plan
    from analysis.pipeline.run import run_settings

    work = Path(tempfile.mkdtemp(prefix="corpus-memory-"))
    try:
        if corpus is None:
            from bench.corpus import write

            corpus = str(write(n_source, work / "corpus.jsonl"))
        cache = work / "cache"
        if token_cache and (Path(token_cache) / "tokens").is_dir():
            shutil.copytree(Path(token_cache) / "tokens", cache / "tokens")
        settings = run_settings(corpus, RunOptions())
        article_stages = [s for s in plan(settings=settings) if s.per_article]
        include = [s.name for s in article_stages]
        result = analysis.run(corpus, cache_dir=cache, include=include, progress=False)
        tables = {"articles": result.articles, **result.tables}
        # the internal tables are dropped from RunResult: recompute them from the cached tokens
        ok = analysis.ok_articles(result.articles)
        ann = analysis.annotate(ok, cache_dir=cache, progress=False)
        for planned in article_stages:
            if planned.name.startswith(INTERNAL_PREFIX):
                context = {**tables, "articles": ok, "annotations": ann, "cache_dir": cache}
                tables.update(planned.run(context))
        return tables
    finally:
        shutil.rmtree(work, ignore_errors=True)


def tile(tables: dict[str, pd.DataFrame], n: int, *, outlets: int) -> dict[str, pd.DataFrame]:
    """Repeat the source tables until there are ``n`` articles (new ids, events, dates and outlets)."""
    from analysis.pipeline.store import normalise

    articles = tables["articles"]
    ok = articles[articles["status"] == "ok"] if "status" in articles.columns else articles
    copies = math.ceil(n / len(ok))
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in tables}
    for r in range(copies):
        take = ok if (r + 1) * len(ok) <= n else ok.iloc[: n - r * len(ok)]
        keep = set(take["article_id"].astype(str))
        new_id = {a: f"{a}~{r}" for a in keep}
        for name, table in tables.items():
            src = take if name == "articles" else table
            if "article_id" not in src.columns:
                continue
            part = src[src["article_id"].astype(str).isin(keep)].copy()
            part["article_id"] = part["article_id"].astype(str).map(new_id)
            if name == "articles":
                if "event" in part.columns:
                    part["event"] = part["event"].where(
                        part["event"].isna(), part["event"].astype(str) + f" #{r}"
                    )
                if "date" in part.columns:
                    dates = pd.to_datetime(part["date"], errors="coerce") + pd.Timedelta(days=7 * r)
                    part["date"] = dates.dt.strftime("%Y-%m-%d").where(dates.notna(), part["date"])
                if "outlet" in part.columns:
                    part["outlet"] = part["outlet"].astype(str) + f" ({r % outlets})"
            try:
                part = normalise(part)  # own string objects, as a cache read gives
            except (TypeError, ValueError, ArithmeticError, LookupError, ImportError, RuntimeError):
                part = part.copy(deep=True)  # a table Arrow cannot hold (the cache pickles it)
            except Exception:  # noqa: BLE001 - pyarrow's ArrowTypeError etc.
                part = part.copy(deep=True)
            parts[name].append(part)
    return {name: pd.concat(p, ignore_index=True) for name, p in parts.items() if p}


def _default_settings() -> dict[str, tuple[Any, str]]:
    """The packaged codebook, people and source-type settings, as a run without corpus files uses."""
    from analysis.pipeline.options import RunOptions
    from analysis.pipeline.run import run_settings

    return run_settings(None, RunOptions())


def run_corpus_stages(tables: dict[str, pd.DataFrame], peak: _Peak) -> list[dict[str, Any]]:
    """Run every corpus stage as ``analysis.run`` binds it; return seconds and RSS per stage."""
    from analysis.pipeline.plan import plan

    context: dict[str, Any] = {"articles": tables["articles"], **tables, "cache_dir": None}
    rows = []
    for planned in plan(settings=_default_settings()):
        if planned.per_article:
            continue
        assert "annotations" not in planned.inputs, f"{planned.name} was given the corpus token table"
        stage = planned.stage
        before = peak.now()
        peak.reset()
        started = time.perf_counter()
        out = planned.run(context)
        seconds = time.perf_counter() - started
        context.update(out)
        rows.append(
            {
                "stage": stage.name,
                "seconds": round(seconds, 2),
                "rss_before_gb": round(before / 1e9, 3),
                "peak_rss_gb": round(peak.peak / 1e9, 3),
                "rows_out": int(sum(len(t) for t in out.values())),
            }
        )
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return rows


def write_tiles(tables: dict[str, pd.DataFrame], cache_dir: Path, *, chunk: int = 250) -> Path:
    """Write the tiled per-article tables into ``cache_dir`` as ``analysis.run`` would (one entry per chunk).

    Returns the path of a pickle holding the articles table and the per-chunk
    entry list that :class:`analysis.pipeline.LazyTables` reads.
    """
    from analysis.core import cache

    articles = tables["articles"]
    ids = articles["article_id"].astype(str).tolist()
    sources = []
    for i in range(0, len(ids), chunk):
        keep = set(ids[i : i + chunk])
        entry = {}
        for name, table in tables.items():
            if name == "articles" or "article_id" not in table.columns:
                continue
            part = table[table["article_id"].astype(str).isin(keep)].reset_index(drop=True)
            key = cache.content_key("tile", name, i, len(ids))
            try:
                cache.write("stage-tile-tables", key, part, cache_dir)
                entry[name] = ("stage-tile-tables", key, "parquet")
            except Exception:  # noqa: BLE001 - nested objects: pickled, as the pipeline does
                cache.write_pickle("stage-tile-tables", key, part, cache_dir)
                entry[name] = ("stage-tile-tables", key, "pickle")
        sources.append(entry)
    index = cache_dir / "tiles.pkl"
    pd.to_pickle({"articles": articles, "sources": sources}, index)
    return index


def run_lazy(index: Path, cache_dir: Path) -> list[dict[str, Any]]:
    """Run the corpus stages exactly as ``analysis.run`` does, on per-article tables left in the cache."""
    import dataclasses

    from analysis.pipeline.corpus_stages import CorpusRun, run_corpus_stages
    from analysis.pipeline.plan import plan
    from analysis.pipeline.store import LazyTables
    from analysis.pipeline.timing import Timer

    saved = pd.read_pickle(index)
    tables = LazyTables(saved["sources"], cache_dir)
    peak, peaks = _Peak(), {}

    def measured(planned):
        """The planned stage, its function wrapped to record the stage's peak memory."""
        if planned.per_article:
            return planned
        fn = planned.stage.fn

        def run_measured(**kwargs):
            peak.reset()
            try:
                return fn(**kwargs)
            finally:
                peaks[planned.name] = peak.peak

        return dataclasses.replace(planned, stage=dataclasses.replace(planned.stage, fn=run_measured))

    stage_list = [measured(planned) for planned in plan(settings=_default_settings())]
    timer = Timer()
    started = time.perf_counter()
    out = run_corpus_stages(
        saved["articles"],
        tables,
        stage_list,
        CorpusRun(
            corpus_signature=f"tiles-{time.time()}",
            chunk_keys=[{s.name: f"tile-{i}" for s in stage_list} for i in range(len(saved["sources"]))],
            cache_dir=cache_dir,
            n_process=1,
            timer=timer,
        ),
    )
    peak.stop()
    rows = [
        {"stage": k, "seconds": round(v, 2), "peak_gb": round(peaks.get(k, 0) / 1e9, 3)}
        for k, v in timer.seconds.items()
    ]
    rows.append({"stage": "(all)", "seconds": round(time.perf_counter() - started, 2),
                 "rows_out": int(sum(len(t) for t in out.values()))})
    return rows


def main(argv: list[str] | None = None) -> int:
    """Build the tiled tables, run the corpus stages and print the table (and JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="articles in the tiled corpus")
    parser.add_argument("--corpus", help="source corpus (default: generate --n-source articles)")
    parser.add_argument("--n-source", type=int, default=300)
    parser.add_argument("--token-cache", help="a cache dir whose tokens/ folder is reused (read only)")
    parser.add_argument("--outlets", type=int, default=4, help="variants of each source outlet")
    parser.add_argument("--source", help="pickle of the source tables: read if it exists, else written")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument(
        "--eager",
        action="store_true",
        help="hold every tiled table in memory (the pre-LazyTables design) instead of the pipeline's "
        "lazy reads from the cache",
    )
    parser.add_argument("--lazy-index", help=argparse.SUPPRESS)  # child process of the lazy mode
    opts = parser.parse_args(argv)
    if opts.lazy_index:
        index = Path(opts.lazy_index)
        rows = run_lazy(index, index.parent)
        Path(opts.json).write_text(json.dumps({"stages": rows}))
        return 0

    started = time.perf_counter()
    if opts.source and Path(opts.source).exists():
        source = pd.read_pickle(opts.source)
    else:
        source = source_tables(opts.corpus, opts.token_cache, opts.n_source)
        if opts.source:
            pd.to_pickle(source, opts.source)
    print(f"source tables: {time.perf_counter() - started:.1f}s", file=sys.stderr)
    peak = _Peak()
    started = time.perf_counter()
    tables = tile(source, opts.n, outlets=opts.outlets)
    del source
    n_articles = len(tables["articles"])
    built = {
        "seconds": round(time.perf_counter() - started, 1),
        "rss_gb": round(peak.now() / 1e9, 3),
        "rows": {k: len(v) for k, v in tables.items()},
        "deep_mb": {k: round(v.memory_usage(deep=True).sum() / 1e6, 1) for k, v in tables.items()},
    }
    print(f"tiled to {n_articles} articles in {built['seconds']}s, RSS {built['rss_gb']} GB", file=sys.stderr)
    if not opts.eager:
        return _main_lazy(tables, n_articles, opts)
    rows = run_corpus_stages(tables, peak)
    peak.stop()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"\nN={n_articles} articles (tiled), per-article tables held: {built['rss_gb']} GB RSS")
    print(f"{'stage':<20}{'seconds':>9}{'RSS before':>12}{'peak RSS':>10}{'rows out':>10}")
    for r in rows:
        if "error" in r:
            print(f"{r['stage']:<20} skipped: {r['error']}")
            continue
        print(
            f"{r['stage']:<20}{r['seconds']:>9.2f}{r['rss_before_gb']:>11.2f}G{r['peak_rss_gb']:>9.2f}G"
            f"{r['rows_out']:>10,}"
        )
    total = sum(r.get("seconds", 0.0) for r in rows)
    print(f"{'all corpus stages':<20}{total:>9.2f}   process peak (ru_maxrss) {max_rss / 1e9:.2f} GB")
    if opts.json:
        Path(opts.json).write_text(
            json.dumps(
                {"n": n_articles, "tables": built, "stages": rows, "ru_maxrss_gb": max_rss / 1e9}, indent=1
            )
        )
    return 0


def _main_lazy(tables: dict[str, pd.DataFrame], n_articles: int, opts) -> int:
    """Write the tiles to a cache, then run the corpus stages in a fresh process and report its peak RSS."""
    import subprocess

    work = Path(tempfile.mkdtemp(prefix="corpus-memory-lazy-"))
    try:
        started = time.perf_counter()
        index = write_tiles(tables, work)
        del tables
        print(f"wrote the tiles to {work} in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        result = work / "result.json"
        subprocess.run(
            [sys.executable, "-m", "bench.corpus_memory", "--lazy-index", str(index), "--json", str(result)],
            check=True,
        )
        data = json.loads(result.read_text())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nN={n_articles} articles (tiled), corpus stages as analysis.run runs them (LazyTables):")
    print(f"{'stage':<20}{'seconds':>9}{'peak (RSS + workers USS)':>26}")
    for r in data["stages"]:
        gb = f"{r['peak_gb']:.2f} GB" if r.get("peak_gb") else ""
        print(f"{r['stage']:<20}{r['seconds']:>9.2f}{gb:>26}")
    top = max((r.get("peak_gb") or 0.0) for r in data["stages"])
    print(f"peak over the corpus stages (sampled every 20 ms): {top:.2f} GB")
    # ru_maxrss is not reported: Linux carries a parent's high-water mark into a forked and exec'd
    # child, so the child's ru_maxrss starts at the RSS of this (tiling) process
    if opts.json:
        Path(opts.json).write_text(json.dumps({"n": n_articles, "mode": "lazy", **data}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
