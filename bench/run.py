"""Benchmark the full pipeline against spaCy alone: ``python -m bench.run --n 2000`` (``make bench``).

Phases, each in a fresh Python process so imports, model loading and memory
are counted honestly (peak RSS is sampled over the process and its children):

1. ``ceiling``: spaCy ``nlp.pipe`` alone (model load + parse, docs discarded)
   on exactly the texts the build parses, with the same components,
   ``batch_size`` and ``n_process``.
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
DEFAULT_CHUNK = 250


# --------------------------------------------------------------------------- phases (child side)


def _phase_ceiling(args) -> dict:
    from analysis import config
    from analysis.annotate import _article_jobs, _parsed_titles, _text_of, load_model
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

    started = time.perf_counter()
    result = run(
        args.corpus,
        cache_dir=args.cache,
        n_process=args.n_process,
        batch_size=args.batch_size,
        chunk_size=args.chunk_size,
        progress=False,
    )
    seconds = time.perf_counter() - started
    articles = result.articles
    return {
        "seconds": seconds,
        "articles": len(articles),
        "ok": int((articles["status"] == "ok").sum()),
        "statuses": articles["status"].value_counts().to_dict(),
        "timings": result.timings.to_dict(orient="records"),
        "info": {k: v for k, v in result.info.items() if k != "chunk_sizes"},
        "tables": {name: len(t) for name, t in result.tables.items()},
    }


def _phase_report(args) -> dict:
    try:
        from analysis.report import build_reports
    except (ImportError, AttributeError):
        return {"skipped": "analysis.report.build_reports does not exist yet"}
    out = Path(tempfile.mkdtemp(prefix="bench-report-"))
    os.environ["OUTLET_FRAMING_CACHE"] = str(args.cache)
    started = time.perf_counter()
    build_reports(args.corpus, out=out)
    seconds = time.perf_counter() - started
    sizes = {str(p.relative_to(out)): p.stat().st_size for p in out.rglob("*.html")}
    return {"seconds": seconds, "html_bytes": sizes}


PHASES = {"ceiling": _phase_ceiling, "build": _phase_build, "report": _phase_report}


# --------------------------------------------------------------------------- parent side


def _tree_rss(proc) -> int:
    import psutil

    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


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
    ]
    if args.batch_size:
        cmd += ["--batch-size", str(args.batch_size)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    started = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=ROOT, env=env)
    proc = psutil.Process(child.pid)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc))
            done.wait(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    code = child.wait()
    done.set()
    thread.join()
    wall = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"bench phase {phase!r} failed with exit code {code}")
    data = json.loads(out.read_text())
    out.unlink()
    data.update(wall_seconds=wall, peak_rss_bytes=peak[0])
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
    lines = [
        f"N={r['n']} articles ({r['words']:,} words; {r['ok']} ok = {r['ok_share']:.1%}), "
        f"n_process={r['n_process']}, batch_size={r['batch_size']}, chunk_size={r['chunk_size']}",
        f"machine: {r['machine']['cpu']}, {r['machine']['cores']} cores, {r['machine']['ram_gb']} GB",
        "",
        f"{'measure':<34}{'seconds':>10}{'words/s':>10}  {'ratio':<28}{'target':<16}met",
    ]

    def row(name, seconds, ratio, target, met):
        wps = r["words"] / seconds if seconds else float("nan")
        lines.append(
            f"{name:<34}{seconds:>10.1f}{wps:>10,.0f}  {ratio:<28}{target:<16}{'yes' if met else 'NO'}"
        )

    row("ceiling (spaCy nlp.pipe alone)", r["ceiling_s"], "1.00x", "", True)
    row("cold build", r["cold_s"], f"{r['cold_ratio']:.2f}x ceiling", "<= 1.25x", r["cold_ratio"] <= 1.25)
    row(
        "warm rebuild (all cached)",
        r["warm_s"],
        f"{r['warm_share']:.1%} of cold",
        "<= 5%",
        r["warm_share"] <= 0.05,
    )
    row(
        f"incremental (+{r['added']} articles)",
        r["incremental_s"],
        f"{r['incremental_share']:.1%} of cold",
        f"<= {r['incremental_target']:.1%}",
        r["incremental_share"] <= r["incremental_target"],
    )
    lines.append(
        f"{'peak RSS of cold build':<34}{r['cold_peak_rss'] / gb:>9.2f}G{'':>10}  {'':<28}"
        f"{'< 2 GB':<16}{'yes' if r['cold_peak_rss'] < 2 * gb else 'NO'}"
    )
    if r.get("report_s") is not None:
        row("report generation", r["report_s"], "", "", True)
    else:
        lines.append(f"{'report generation':<34}{'-':>10}  {r.get('report_note', '')}")
    lines += ["", "cold build per stage (slowest first):", f"  {'stage':<22}{'seconds':>10}{'words/s':>12}"]
    for t in sorted(r["cold_stages"], key=lambda t: -t["seconds"]):
        lines.append(f"  {t['stage']:<22}{t['seconds']:>10.2f}{t['words_per_s']:>12,.0f}")
    return "\n".join(lines)


def _plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    names = ["ceiling", "cold", "warm", "incremental"]
    values = [results["ceiling_s"], results["cold_s"], results["warm_s"], results["incremental_s"]]
    ax1.bar(names, values, color=["#777", "#c44", "#4a4", "#48c"])
    ax1.set_ylabel("seconds")
    ax1.set_title(f"N={results['n']} articles, {results['words']:,} words")
    stages = sorted(results["cold_stages"], key=lambda t: t["seconds"])
    ax2.barh([t["stage"] for t in stages], [t["seconds"] for t in stages], color="#c44")
    ax2.set_xlabel("seconds in cold build")
    ax2.set_title("cold build per stage")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


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
        "--chunk-size", type=int, default=None, help="articles per chunk (default: N/8, between 25 and 250)"
    )
    parser.add_argument("--work", default=None, help="work folder (default: bench/results/)")
    parser.add_argument("--no-report", action="store_true", help="skip the report generation phase")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.chunk_size is None:  # enough chunks that adding 1% touches only a few of them
        args.chunk_size = max(25, min(DEFAULT_CHUNK, args.n // 8))

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

    print(">> ceiling: spaCy nlp.pipe alone", flush=True)
    ceiling = _run_phase("ceiling", base, cache, args)
    print(f"   {ceiling['seconds']:.1f} s", flush=True)
    print(">> cold build (empty cache)", flush=True)
    cold = _run_phase("build", base, cache, args)
    print(f"   {cold['seconds']:.1f} s", flush=True)
    print(">> warm rebuild (everything cached)", flush=True)
    warm = _run_phase("build", base, cache, args)
    print(f"   {warm['seconds']:.1f} s", flush=True)
    print(f">> incremental rebuild (+{added} articles)", flush=True)
    incremental = _run_phase("build", more, cache, args)
    print(f"   {incremental['seconds']:.1f} s", flush=True)
    report = {"skipped": "--no-report"} if args.no_report else None
    if report is None:
        print(">> report generation", flush=True)
        report = _run_phase("report", base, cache, args)

    words = ceiling["words"]
    results = {
        "n": args.n,
        "words": words,
        "ok": cold["ok"],
        "ok_share": cold["ok"] / cold["articles"],
        "statuses": cold["statuses"],
        "n_process": args.n_process,
        "batch_size": args.batch_size or config.SPACY_BATCH_SIZE,
        "chunk_size": args.chunk_size,
        "pipe_names": ceiling["pipe_names"],
        "machine": _machine(),
        "generate_s": gen_s,
        # in-process times: model load + nlp.pipe vs analysis.run (process start-up excluded from both)
        "ceiling_s": ceiling["seconds"],
        "cold_s": cold["seconds"],
        "cold_ratio": cold["seconds"] / ceiling["seconds"],
        "wall_s": {
            "ceiling": ceiling["wall_seconds"],
            "cold": cold["wall_seconds"],
            "warm": warm["wall_seconds"],
            "incremental": incremental["wall_seconds"],
        },
        "cold_peak_rss": cold["peak_rss_bytes"],
        "ceiling_peak_rss": ceiling["peak_rss_bytes"],
        "warm_s": warm["seconds"],
        "warm_share": warm["seconds"] / cold["seconds"],
        "added": added,
        "incremental_s": incremental["seconds"],
        "incremental_share": incremental["seconds"] / cold["seconds"],
        "incremental_target": 0.05 + added / args.n,
        "cold_stages": cold["timings"],
        "warm_stages": warm["timings"],
        "incremental_stages": incremental["timings"],
        "cold_info": cold["info"],
        "incremental_info": incremental["info"],
        "tables": cold["tables"],
        "report_s": report.get("seconds"),
        "report_note": report.get("skipped", ""),
        "report_html_bytes": report.get("html_bytes"),
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2, default=str))
    _plot(results, HERE / "bench.png")
    print()
    print(_table(results))
    print(f"\nwrote {HERE / 'results.json'} and {HERE / 'bench.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
