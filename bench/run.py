"""Benchmark the full pipeline against spaCy alone: ``python -m bench.run --n 2000`` (``make bench``).

Phases, each in a fresh Python process so imports, model loading and memory
are counted honestly (peak RSS is sampled over the process and its children):

1. ``ceiling``: spaCy ``nlp.pipe`` alone (model load + parse, docs discarded)
   on exactly the texts the build parses, with the same components,
   ``batch_size`` and ``n_process``. With ``--ceiling-runs 2`` (the default) it
   runs once before and once right after the cold build, and the ratios use the
   mean of the two: on a shared machine one run of it moved 20% within minutes,
   so a single run makes a noisy denominator. Both runs are printed.
2. ``cold``: ``analysis.run`` on the generated corpus with an empty cache
   (load + clean + annotate + every measure and framing table).
3. ``warm``: the same again with everything cached.
4. ``incremental``: the corpus plus 1% new articles, on the warm cache.
5. ``report``: ``analysis.build_reports`` (when it exists), warm cache.

Writes ``bench/results.json`` and ``bench/bench.png`` and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_N_PROCESS = 2
DEFAULT_CHUNK = 125  # config.CHUNK_SIZE: the default a user's build gets
#: Memory sampling interval: reading /proc/<pid>/smaps for PSS costs CPU (about 10% of a core at 0.1 s,
#: taken from the phase being measured); memory peaks here last seconds.
SAMPLE_SECONDS = 0.25
PEAK_MEMORY_TARGET = 2e9  # bytes: the "< 2 GB", decimal
COLD_TARGET = 1.20  # cold build <= this x the ceiling
INCREMENTAL_TARGET = 0.05  # incremental build (+1% articles) <= this share of the cold build
REPORT_TARGET = 0.50  # report phase <= this x the ceiling


# --------------------------------------------------------------------------- phases (child side)


def _phase_ceiling(args) -> dict:
    from analysis import config
    from analysis.annotate import article_jobs as _article_jobs
    from analysis.annotate import load_model
    from analysis.annotate import parsed_titles as _parsed_titles
    from analysis.annotate import text_of as _text_of
    from analysis.load import load_corpus, ok_articles

    articles = ok_articles(load_corpus(args.corpus))
    titles = _parsed_titles(articles)
    jobs = [
        chunk
        for t, x in zip(titles, articles["text"].map(_text_of), strict=True)
        for _, _, chunk in _article_jobs(t, x)
    ]
    words = sum(len(j.split()) for j in jobs)
    started = time.perf_counter()
    load_model.cache_clear()
    nlp = load_model()
    n_docs = 0
    for _ in nlp.pipe(jobs, batch_size=args.batch_size or config.SPACY_BATCH_SIZE, n_process=args.n_process):
        n_docs += 1
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "words": words, "docs": n_docs, "pipe_names": nlp.pipe_names}


def _phase_build(args) -> dict:
    from analysis.pipeline import run
    from analysis.pipeline.timing import count_words

    started = time.perf_counter()
    result = run(
        args.corpus,
        cache_dir=args.cache,
        n_process=args.n_process,
        batch_size=args.batch_size,
        chunk_size=args.chunk_size,
        progress=bool(os.environ.get("BENCH_PROGRESS")),  # set with --memory-trace, to place its samples
    )
    seconds = time.perf_counter() - started
    articles = result.articles
    return {
        "seconds": seconds,
        "articles": len(articles),
        "ok": int((articles["status"] == "ok").sum()),
        "words": count_words(articles),
        "statuses": articles["status"].value_counts().to_dict(),
        "timings": result.timings.to_dict(orient="records"),
        "info": {k: v for k, v in result.info.as_dict().items() if k != "chunk_sizes"},
        "tables": {name: len(t) for name, t in result.tables.items()},
    }


def _phase_report(args) -> dict:
    try:
        from analysis.report import build_reports
    except (ImportError, AttributeError):
        return {"skipped": "analysis.report.build_reports does not exist yet"}
    out = Path(tempfile.mkdtemp(prefix="bench-report-"))
    started = time.perf_counter()
    kwargs = {"top_outlets": args.top_outlets}
    try:
        build_reports(args.corpus, out=out, **kwargs)
    except TypeError:  # an older build_reports without top_outlets
        build_reports(args.corpus, out=out)
    seconds = time.perf_counter() - started
    sizes = {str(p.relative_to(out)): p.stat().st_size for p in out.rglob("*.html")}
    shutil.rmtree(out, ignore_errors=True)
    return {"seconds": seconds, "html_bytes": sizes, "n_reports": len(sizes)}


PHASES = {"ceiling": _phase_ceiling, "build": _phase_build, "report": _phase_report}
ALL_PHASES = ("ceiling", "cold", "warm", "incremental", "report")
#: Name of the second ceiling run, right after the cold build (``--ceiling-runs 2``).
CEILING_AGAIN = "ceiling_again"


# --------------------------------------------------------------------------- parent side


def _tree_memory(proc) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Return (RSS, PSS) summed over a process and its children, and each process's (pid, depth, PSS).

    Forked workers (spaCy's ``n_process``, the pipeline's lanes) share their
    parent's pages copy-on-write: summed RSS counts those pages once per
    process, summed PSS (proportional set size) splits them, so it is the
    memory the tree really uses. PSS is RSS where the OS has no PSS. Depth
    is 0 for ``proc``, 1 for its children (lanes, the forked chain), 2 for
    theirs.
    """
    import psutil

    rss = pss = 0
    each: list[tuple[int, int, int]] = []
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0, 0, each
    for p in procs:
        try:
            info = p.memory_full_info() if hasattr(psutil.Process, "memory_full_info") else p.memory_info()
            depth, up = 0, p
            while up.pid != proc.pid and depth < 8:
                up, depth = up.parent(), depth + 1
        except (psutil.Error, AttributeError):
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
        each.append((p.pid, depth, getattr(info, "pss", info.rss)))
    return rss, pss, each


def _peak_breakdown(each: list[tuple[int, int, int]]) -> str:
    """Describe one memory sample by process: ``main 0.21 + 1:0.66 + 1:0.61`` (depth:GiB).

    Examples
    --------
    >>> _peak_breakdown([(7, 0, 2**29), (8, 1, 2**30), (9, 2, 2**28)])
    'main 0.50 + 1:1.00 + 2:0.25 GiB'
    """
    parts = [f"{'main' if d == 0 else d}{' ' if d == 0 else ':'}{v / 2**30:.2f}" for _, d, v in each]
    return " + ".join(parts) + " GiB"


def _run_phase(phase: str, corpus: Path, cache: Path, args) -> dict:
    """Run one phase in a child process; return its JSON plus wall time and peak RSS of the process tree."""
    import psutil

    out = Path(tempfile.mkstemp(prefix=f"bench-{phase}-", suffix=".json")[1])
    cmd = [
        sys.executable,
        "-m",
        "bench.run",
        "--phase",
        phase,
        "--corpus",
        str(corpus),
        "--cache",
        str(cache),
        "--n-process",
        str(args.n_process),
        "--chunk-size",
        str(args.chunk_size),
        "--result",
        str(out),
        "--top-outlets",
        str(args.top_outlets),
    ]
    if args.batch_size:
        cmd += ["--batch-size", str(args.batch_size)]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        # every phase, the report's analysis.run included, chunks alike and so shares one cache (which
        # analysis.config reads at import: set here, before the child imports anything)
        "OUTLET_FRAMING_CHUNK_SIZE": str(args.chunk_size),
        "OUTLET_FRAMING_CACHE": str(cache),
        **({"BENCH_PROGRESS": "1"} if args.memory_trace else {}),
    }
    started = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=ROOT, env=env)
    proc = psutil.Process(child.pid)
    peak = [0, 0]
    at: dict = {}
    done = threading.Event()
    trace = open(args.memory_trace, "a") if args.memory_trace else None  # noqa: SIM115 (closed below)

    def sample() -> None:
        while not done.is_set():
            rss, pss, each = _tree_memory(proc)
            elapsed = time.perf_counter() - started
            if pss > peak[1]:
                at.update(peak_at_seconds=round(elapsed, 2), peak_by_process=_peak_breakdown(each))
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            if trace is not None:
                row = (phase, f"{time.time():.2f}", f"{elapsed:.2f}", f"{pss / 2**30:.3f}")
                trace.write("\t".join((*row, _peak_breakdown(each))) + "\n")
            done.wait(SAMPLE_SECONDS)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    code = child.wait()
    done.set()
    thread.join()
    if trace is not None:
        trace.close()
    wall = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"bench phase {phase!r} failed with exit code {code}")
    data = json.loads(out.read_text())
    out.unlink()
    data.update(wall_seconds=wall, peak_rss_bytes=peak[0], peak_pss_bytes=peak[1], **at)
    return data


def _machine() -> dict:
    import psutil

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _table(results: dict) -> str:
    r = results
    gb = 2**30
    ok = f"{r['ok']} ok = {r['ok_share']:.1%}" if r.get("ok") is not None else "ok share not measured"
    lines = [
        f"N={r['n']} articles ({r['words'] or 0:,} words; {ok}), "
        f"n_process={r['n_process']}, batch_size={r['batch_size']}, chunk_size={r['chunk_size']}",
        f"machine: {r['machine']['cpu']}, {r['machine']['cores']} cores, {r['machine']['ram_gb']} GB",
        "",
        f"{'measure':<34}{'seconds':>10}{'words/s':>10}  {'ratio':<28}{'target':<16}met",
    ]

    def row(name, seconds, ratio="", target="", met=None):
        if seconds is None:
            lines.append(f"{name:<34}{'-':>10}{'':>10}  {'not run':<28}{target:<16}-")
            return
        wps = f"{r['words'] / seconds:>10,.0f}" if seconds and r.get("words") else f"{'':>10}"
        flag = "" if met is None else ("yes" if met else "NO")
        lines.append(f"{name:<34}{seconds:>10.1f}{wps}  {ratio:<28}{target:<16}{flag}")

    def pct(value):
        return f"{value:.1%} of cold" if value is not None else ""

    runs = r.get("ceiling_runs_s") or []
    listed = ", ".join(f"{x:.1f}" for x in runs)
    spread = f"mean of {len(runs)}: {listed} s" if len(runs) > 1 else "1.00x"
    row("ceiling (spaCy nlp.pipe alone)", r["ceiling_s"], spread)
    cold_ratio = r.get("cold_ratio")
    row("cold build", r["cold_s"], f"{cold_ratio:.2f}x ceiling" if cold_ratio else "",
        f"<= {COLD_TARGET:.2f}x", None if cold_ratio is None else cold_ratio <= COLD_TARGET)
    row("warm rebuild (all cached)", r["warm_s"], pct(r["warm_share"]), "<= 5%",
        None if r["warm_share"] is None else r["warm_share"] <= 0.05)
    row(f"incremental (+{r['added']} articles)", r["incremental_s"], pct(r["incremental_share"]),
        f"<= {r['incremental_target']:.1%}",
        None if r["incremental_share"] is None else r["incremental_share"] <= r["incremental_target"])
    if r.get("cold_peak_rss") is not None:
        pss = r.get("cold_peak_pss") or r["cold_peak_rss"]
        target, met = f"< {PEAK_MEMORY_TARGET / 1e9:g} GB", "yes" if pss < PEAK_MEMORY_TARGET else "NO"
        lines.append(
            f"{'peak memory of cold build (PSS)':<34}{pss / gb:>7.2f}GiB{'':>10}  "
            f"{f'= {pss / 1e9:.2f} GB, all processes':<28}{target:<16}{met}"
        )
        ceiling_rss = r.get("ceiling_peak_rss")
        lines.append(
            f"{'  (summed RSS, shared pages x n)':<34}{r['cold_peak_rss'] / gb:>7.2f}GiB{'':>10}  "
            + (f"ceiling: {ceiling_rss / gb:.2f} GiB RSS" if ceiling_rss else "")
        )
    if r.get("report_s") is not None:
        sizes = r.get("report_html_bytes") or {}
        overview = sizes.get("01_overview.html")
        report_ratio = r.get("report_ratio")
        row(f"report generation ({len(sizes)} HTML)", r["report_s"],
            f"{report_ratio:.2f}x ceiling" if report_ratio else "", f"<= {REPORT_TARGET:.2f}x",
            None if report_ratio is None else report_ratio <= REPORT_TARGET)
        if overview is not None:
            lines.append(
                f"{'overview HTML size':<34}{overview / 2**20:>9.2f}M{'':>10}  "
                f"{'largest: ' + max(sizes, key=sizes.get):<28}{'< 10 MB':<16}"
                f"{'yes' if overview < 10 * 2**20 else 'NO'}"
            )
    else:
        lines.append(f"{'report generation':<34}{'-':>10}  {r.get('report_note', '')}")
    if r["cold_stages"]:
        lines += [
            "",
            "cold build per stage (slowest first; with lanes, seconds are summed over the worker processes):",
            f"  {'stage':<22}{'seconds':>10}{'words/s':>12}",
        ]
        for t in sorted(r["cold_stages"], key=lambda t: -t["seconds"]):
            lines.append(f"  {t['stage']:<22}{t['seconds']:>10.2f}{t['words_per_s']:>12,.0f}")
    return "\n".join(lines)


def _plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    pairs = [
        (name, results[f"{name}_s"])
        for name in ("ceiling", "cold", "warm", "incremental", "report")
        if results.get(f"{name}_s") is not None
    ]
    colors = {"ceiling": "#777", "cold": "#c44", "warm": "#4a4", "incremental": "#48c", "report": "#a6c"}
    ax1.bar([n for n, _ in pairs], [v for _, v in pairs], color=[colors[n] for n, _ in pairs])
    ax1.set_ylabel("seconds")
    ax1.set_xlabel("phase")
    ax1.set_title(f"N={results['n']} articles, {results['words'] or 0:,} words")
    if results.get("ceiling_s"):
        target = COLD_TARGET * results["ceiling_s"]
        ax1.axhline(target, color="#c44", linestyle="--", linewidth=1)
        ax1.annotate(f"cold target: {COLD_TARGET:.2f} x ceiling", (len(pairs) - 0.5, target), ha="right",
                     va="bottom", fontsize=8, color="#c44")
    stages = sorted(results["cold_stages"], key=lambda t: t["seconds"])
    ax2.barh([t["stage"] for t in stages], [t["seconds"] for t in stages], color="#c44")
    ax2.set_xscale("log")  # annotate is ~30x the next stage: a linear axis hides every other stage
    ax2.set_xlabel("seconds in cold build, summed over processes (log scale)")
    ax2.set_ylabel("stage")
    ax2.set_title("cold build per stage")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def ceiling_seconds(got: dict[str, dict]) -> tuple[float | None, list[float]]:
    """Return the ceiling the ratios use (the mean of its runs) and the runs' seconds.

    >>> ceiling_seconds({"ceiling": {"seconds": 90.0}, CEILING_AGAIN: {"seconds": 110.0}})
    (100.0, [90.0, 110.0])
    >>> ceiling_seconds({"cold": {"seconds": 5.0}})
    (None, [])
    """
    phases = [got.get(k) or {} for k in ("ceiling", CEILING_AGAIN)]
    runs = [p["seconds"] for p in phases if p.get("seconds") is not None]
    return (sum(runs) / len(runs) if runs else None), runs


def _results(args, got: dict[str, dict], *, added: int, gen_s: float, config) -> dict:
    """Assemble results.json from the phases that ran (missing phases give None)."""
    ceiling, cold = got.get("ceiling", {}), got.get("cold", {})
    ceiling_s, ceiling_runs = ceiling_seconds(got)
    warm, incremental, report = got.get("warm", {}), got.get("incremental", {}), got.get("report", {})

    def share(a, b):
        return a / b if a is not None and b else None

    cold_s = cold.get("seconds")
    return {
        "n": args.n,
        "words": ceiling.get("words") or cold.get("words"),
        "ok": cold.get("ok"),
        "ok_share": share(cold.get("ok"), cold.get("articles")),
        "statuses": cold.get("statuses"),
        "n_process": args.n_process,
        "batch_size": args.batch_size or config.SPACY_BATCH_SIZE,
        "chunk_size": args.chunk_size,
        "phases": list(got),
        "pipe_names": ceiling.get("pipe_names"),
        "machine": _machine(),
        "generate_s": gen_s,
        # in-process times: model load + nlp.pipe vs analysis.run (process start-up excluded from both)
        "ceiling_s": ceiling_s,
        "ceiling_runs_s": ceiling_runs,
        "cold_s": cold_s,
        "cold_ratio": share(cold_s, ceiling_s),
        "wall_s": {name: phase.get("wall_seconds") for name, phase in got.items()},
        "peak_rss": {name: phase.get("peak_rss_bytes") for name, phase in got.items()},
        "cold_peak_rss": cold.get("peak_rss_bytes"),
        "cold_peak_pss": cold.get("peak_pss_bytes"),
        "peak_pss": {name: phase.get("peak_pss_bytes") for name, phase in got.items()},
        "ceiling_peak_rss": ceiling.get("peak_rss_bytes"),
        "warm_s": warm.get("seconds"),
        "warm_share": share(warm.get("seconds"), cold_s),
        "added": added,
        "incremental_s": incremental.get("seconds"),
        "incremental_share": share(incremental.get("seconds"), cold_s),
        "incremental_target": INCREMENTAL_TARGET,
        "cold_stages": cold.get("timings", []),
        "warm_stages": warm.get("timings", []),
        "incremental_stages": incremental.get("timings", []),
        "cold_info": cold.get("info"),
        "incremental_info": incremental.get("info"),
        "tables": cold.get("tables"),
        "report_s": report.get("seconds"),
        "report_ratio": share(report.get("seconds"), ceiling_s),
        "report_note": report.get("skipped", "" if report else "not run"),
        "report_html_bytes": report.get("html_bytes"),
        "report_peak_rss": report.get("peak_rss_bytes"),
    }


def _say(phase: dict) -> None:
    """Print a phase's seconds and peak memory."""
    if "seconds" in phase:
        rss, pss = phase["peak_rss_bytes"] / 2**30, phase["peak_pss_bytes"] / 2**30
        print(f"   {phase['seconds']:.1f} s, peak PSS {pss:.2f} GiB (RSS {rss:.2f} GiB)", flush=True)
        if phase.get("peak_by_process"):
            print(f"   peak at {phase['peak_at_seconds']:.0f} s: {phase['peak_by_process']}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=2000, help="generated articles (default 2000)")
    parser.add_argument(
        "--n-process", type=int, default=DEFAULT_N_PROCESS, help="spaCy processes (default 2)"
    )
    parser.add_argument("--batch-size", type=int, default=None, help="nlp.pipe batch size (default: config)")
    parser.add_argument(
        "--chunk-size", type=int, default=None, help="articles per chunk (default: N/16, between 25 and 125)"
    )
    parser.add_argument("--work", default=None, help="work folder (default: bench/results/)")
    parser.add_argument("--no-report", action="store_true", help="skip the report generation phase")
    parser.add_argument(
        "--memory-trace",
        default=None,
        help="append every memory sample (phase, seconds, GiB, PSS by process) to this file",
    )
    parser.add_argument(
        "--phases",
        default=",".join(ALL_PHASES),
        help=f"comma-separated subset of {','.join(ALL_PHASES)} (e.g. 'cold' for peak memory at N=20000)",
    )
    parser.add_argument(
        "--top-outlets", type=int, default=10, help="outlet reports for the N largest outlets (default 10)"
    )
    parser.add_argument(
        "--ceiling-runs", type=int, choices=(1, 2), default=2,
        help="ceiling runs: 2 (default) measures it again right after the cold build and uses the mean",
    )
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.chunk_size is None:  # enough chunks that adding 1% touches only a few of them
        args.chunk_size = max(25, min(DEFAULT_CHUNK, args.n // 16))

    if args.phase:  # child process
        data = PHASES[args.phase](args)
        Path(args.result).write_text(json.dumps(data, default=str))
        return 0

    from analysis import config
    from bench import corpus as gen

    work = Path(args.work) if args.work else HERE / "results"
    work.mkdir(parents=True, exist_ok=True)
    added = max(1, round(args.n * 0.01))
    t0 = time.perf_counter()
    print(f">> generating {args.n} + {added} articles", flush=True)
    frame = gen.generate(args.n + added)
    base, more = work / f"corpus-{args.n}.jsonl", work / f"corpus-{args.n}-plus-{added}.jsonl"
    frame.iloc[: args.n].to_json(base, orient="records", lines=True, force_ascii=False)
    frame.to_json(more, orient="records", lines=True, force_ascii=False)
    gen_s = time.perf_counter() - t0
    cache = work / f"cache-{args.n}"
    shutil.rmtree(cache, ignore_errors=True)

    wanted = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = sorted(set(wanted) - set(ALL_PHASES))
    if unknown:
        parser.error(f"unknown phase(s) {unknown}; choose from {', '.join(ALL_PHASES)}")
    if args.no_report and "report" in wanted:
        wanted.remove("report")
    if {"warm", "incremental", "report"} & set(wanted) and "cold" not in wanted:
        parser.error("warm, incremental and report need the cold phase (they reuse its cache)")
    plan = {
        "ceiling": ("spaCy nlp.pipe alone", "ceiling", base),
        "cold": ("cold build (empty cache)", "build", base),
        "warm": ("warm rebuild (everything cached)", "build", base),
        "incremental": (f"incremental rebuild (+{added} articles)", "build", more),
        "report": (f"report generation (top {args.top_outlets} outlets)", "report", base),
    }
    got: dict[str, dict] = {}
    for name in ALL_PHASES:
        if name not in wanted:
            continue
        label, phase, source = plan[name]
        print(f">> {name}: {label}", flush=True)
        got[name] = _run_phase(phase, source, cache, args)
        _say(got[name])
        if name == "cold" and "ceiling" in wanted and args.ceiling_runs == 2:
            print(f">> ceiling again: {plan['ceiling'][0]}, right after the cold build", flush=True)
            got[CEILING_AGAIN] = _run_phase("ceiling", base, cache, args)
            _say(got[CEILING_AGAIN])
    results = _results(args, got, added=added, gen_s=gen_s, config=config)
    (HERE / "results.json").write_text(json.dumps(results, indent=2, default=str))
    _plot(results, HERE / "bench.png")
    print()
    print(_table(results))
    print(f"\nwrote {HERE / 'results.json'} and {HERE / 'bench.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
