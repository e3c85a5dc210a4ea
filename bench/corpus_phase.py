"""Peak memory of each corpus stage on a real cache: the corpus stages of ``analysis.run`` again.

``python -m bench.corpus_phase --corpus bench/results/corpus-20000.jsonl --cache bench/results/cache-20000``

Takes a cache that a cold build wrote (e.g. ``python -m bench.run --n 20000 --phases cold --work
DIR``), deletes its corpus-stage entries (``corpus-*`` folders, and the ``index-*`` folders so that
``stories`` and ``claims`` are built in full, not updated, and the ``part-*`` folders so that
``labels``, ``keyness`` and ``attribution`` compute every chunk's part: they are recomputed; per-article
tables and tokens stay), runs ``analysis.run`` on the same corpus (so only the corpus stages are
computed, exactly as a cold build computes them) and prints, per stage, its wall time and the peak
PSS of this process and every process it forks, sampled every 0.25 s. Unlike
``bench.corpus_memory`` (tiled tables), event blocks keep the size the corpus gives them.
"""

from __future__ import annotations

import argparse
import glob
import json
import shutil
import sys
import threading
import time
from pathlib import Path


def measure(
    corpus: str, cache_dir: str, *, chunk_size: int | None = None, interval: float = 0.25
) -> list[dict]:
    """Recompute the corpus stages of ``corpus`` on ``cache_dir``; return seconds and peak PSS per stage."""
    import psutil

    from analysis import pipeline
    from analysis.pipeline import corpus_stages
    from bench.run import _tree_memory

    for pattern in ("corpus-*", "index-*", "part-*"):
        for folder in glob.glob(str(Path(cache_dir) / pattern)):
            shutil.rmtree(folder)
    me = psutil.Process()
    samples: list[tuple[float, int]] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.perf_counter(), _tree_memory(me)[1]))
            time.sleep(interval)

    marks: list[tuple[float, str]] = []
    read_stage = corpus_stages.read_stage

    def marked(kind, key, root):  # every corpus stage starts with a cache lookup
        if kind.startswith("corpus-"):
            marks.append((time.perf_counter(), kind.removeprefix("corpus-")))
        return read_stage(kind, key, root)

    corpus_stages.read_stage = marked
    sampler = threading.Thread(target=sample, daemon=True)
    started = time.perf_counter()
    sampler.start()
    try:
        pipeline.run(corpus, cache_dir=cache_dir, chunk_size=chunk_size, progress=False)
    finally:
        marks.append((time.perf_counter(), "(end)"))
        stop.set()
        sampler.join()
        corpus_stages.read_stage = read_stage
    rows = []
    spans = [(started, "(load, plan, cached tables)"), *marks]
    for (a, name), (b, _) in zip(spans[:-1], spans[1:], strict=True):
        inside = [m for t, m in samples if a <= t <= b]
        rows.append({"stage": name, "seconds": round(b - a, 2),
                     "peak_pss_gib": round(max(inside) / 2**30, 3) if inside else None})
    rows.append({"stage": "(all)", "seconds": round(marks[-1][0] - started, 2),
                 "peak_pss_gib": round(max(m for _, m in samples) / 2**30, 3) if samples else None})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus_phase", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True, help="the corpus the cache was built from")
    parser.add_argument(
        "--cache",
        required=True,
        help="cache folder of a cold build (its corpus-*, index-* and part-* entries are deleted)",
    )
    parser.add_argument(
        "--chunk-size", type=int, default=None, help="chunk size of that build (bench: N/16, at most 250)"
    )
    parser.add_argument("--json", default=None, help="also write the rows to this file")
    args = parser.parse_args(argv)
    if not Path(args.cache).is_dir():
        parser.error(f"no cache folder {args.cache!r}: run a cold build first")
    rows = measure(args.corpus, args.cache, chunk_size=args.chunk_size)
    print(f"{'stage':<30}{'seconds':>9}{'peak PSS (GiB)':>16}")
    for row in rows:
        peak = "" if row["peak_pss_gib"] is None else f"{row['peak_pss_gib']:.2f}"
        print(f"{row['stage']:<30}{row['seconds']:>9.1f}{peak:>16}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
