"""CPU seconds of each per-article stage on cached parses, and the tables they give, for before/after checks.

``python -m bench.stage_profile --corpus bench/results/corpus-2000.jsonl --n 400 --cache DIR --out t.pkl``

Loads the corpus, keeps its first ``n`` ``ok`` articles, cuts them into the build's chunks and runs
every per-article stage on each chunk in this process (no stage cache is read or written; the token
tables come from the parse cache in ``--cache``, parsed there on first use). Prints each stage's
CPU seconds (``time.process_time``, so other processes on the machine do not count), and with
``--out`` pickles every table (concatenated over chunks) so that two commits can be compared with
``--compare OLD NEW``. ``--profile STAGE`` prints the ``cProfile`` top functions of one stage.
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import sys
import time

import pandas as pd


def run_stages(
    corpus: str, n: int, cache_dir: str, profile: str | None = None, top: int = 25, repeat: int = 1
):
    """Return ({stage: CPU seconds}, {table: DataFrame}) for the first ``n`` ok articles of ``corpus``.

    With ``repeat`` > 1 every pass over the chunks is run that many times and each stage's
    seconds are the least of its passes (the machine's other load only ever adds time).
    """
    from analysis import config
    from analysis.annotate import iter_tokens
    from analysis.core.parallel import load_shared
    from analysis.load import load_corpus, ok_articles
    from analysis.pipeline.run import RunOptions, chunk_work

    articles = ok_articles(load_corpus(corpus)).head(n).reset_index(drop=True)
    work = chunk_work(corpus, articles, RunOptions(), cache_dir)
    stages = [s for s in work.stages if s.per_article]
    passes: list[dict[str, float]] = []
    began = time.process_time()
    load_shared()  # what the lanes' parent preloads before forking
    preload = time.process_time() - began
    tables: dict[str, list[pd.DataFrame]] = {}
    profiler = cProfile.Profile() if profile else None
    stream = iter_tokens(work.chunks, cache_dir=cache_dir, n_process=1, batch_size=config.SPACY_BATCH_SIZE)
    token_tables = list(stream)
    for attempt in range(repeat):
        seconds = {s.name: 0.0 for s in stages} | {"(annotations)": 0.0}
        _one_pass(work.chunks, token_tables, stages, cache_dir, seconds, tables if attempt == 0 else None,
                  profiler if attempt == 0 else None, profile)
        passes.append(seconds)
    seconds = {name: min(p[name] for p in passes) for name in passes[0]} | {"(preload)": preload}
    if profiler is not None:
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(top)
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(top)
    return seconds, {k: pd.concat(v, ignore_index=True) for k, v in tables.items()}


def _one_pass(chunks, token_tables, stages, cache_dir, seconds, tables, profiler, profile) -> None:
    """Run every stage on every chunk once, adding CPU seconds to ``seconds`` and tables to ``tables``."""
    from analysis.annotate.tables import Annotations, entities_from_tokens, sentences_from_tokens

    for chunk, tokens in zip(chunks, token_tables, strict=True):
        began = time.process_time()
        notes = Annotations(tokens, sentences_from_tokens(tokens, chunk), entities_from_tokens(tokens, chunk))
        seconds["(annotations)"] += time.process_time() - began
        inputs = {"articles": chunk, "cache_dir": cache_dir, "annotations": lambda notes=notes: notes}
        for planned in stages:
            began = time.process_time()
            if profiler is not None and planned.name == profile:
                profiler.enable()
            got = planned.run(inputs)
            if profiler is not None and planned.name == profile:
                profiler.disable()
            seconds[planned.name] += time.process_time() - began
            inputs.update(got)
            if tables is not None:
                for name, table in got.items():
                    tables.setdefault(name, []).append(table)


def compare(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> list[str]:
    """Return one line per table that differs between two pickled runs (empty: all identical)."""
    problems = []
    for name in sorted(set(old) | set(new)):
        if name not in old or name not in new:
            problems.append(f"{name}: only in {'new' if name in new else 'old'}")
            continue
        try:
            pd.testing.assert_frame_equal(old[name], new[name], check_exact=True)
        except AssertionError as err:
            problems.append(f"{name}: {str(err).splitlines()[0:3]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stage_profile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus")
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--cache", default=".cache")
    parser.add_argument("--out", help="pickle the tables here")
    parser.add_argument("--profile", help="print cProfile's top functions of this stage")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=1, help="passes; each stage's least CPU is reported")
    parser.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"), help="compare two --out pickles")
    args = parser.parse_args(argv)
    if args.compare:
        with open(args.compare[0], "rb") as a, open(args.compare[1], "rb") as b:
            problems = compare(pickle.load(a), pickle.load(b))
        print("\n".join(problems) or "all tables identical")
        return 1 if problems else 0
    seconds, tables = run_stages(args.corpus, args.n, args.cache, args.profile, args.top, args.repeat)
    for name, s in sorted(seconds.items(), key=lambda kv: -kv[1]):
        print(f"{name:24s} {s:8.2f}")
    print(f"{'(all)':24s} {sum(seconds.values()):8.2f}")
    if args.out:
        with open(args.out, "wb") as f:
            pickle.dump(tables, f)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
