"""Cost of the entity changes on PolNeAR articles: true-casing in the parse, article evidence in the mentions.

Usage (from the repository root)::

    PYTHONPATH=. python eval/ner_cost.py [--n 200] [--rounds 2]

In one process, with the model loaded once, the first ``--n`` ok PolNeAR articles are parsed
(``analysis.annotate``, into a fresh temporary cache each time, one process) and canonicalised
(``entity_mentions``) with the changes switched off ("before": true-casing replaced by the
identity, :func:`~analysis.measures.entities.context.split_spans` and
:func:`~analysis.measures.entities.context.context_rules` by no-ops) and on ("after"), alternating
for ``--rounds`` rounds. Prints the median CPU seconds of each (``time.process_time``: other
processes on the machine do not count) and the ratio after / before.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import analysis
from analysis.annotate import load_model
from analysis.annotate import parse as parse_mod
from analysis.measures.entities import linking

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "polnear" / "articles"


def _run(arts, *, changes: bool) -> tuple[float, float, int]:
    """Parse and canonicalise ``arts``; return (parse seconds, mention seconds, mentions)."""
    saved = (parse_mod.truecase, linking.split_spans, linking.context_rules)
    if not changes:
        parse_mod.truecase = lambda text, context="": text
        linking.split_spans = lambda art: None
        linking.context_rules = lambda art, table: None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.process_time()
            ann = analysis.annotate(arts, cache_dir=tmp, n_process=1, progress=False)
            t1 = time.process_time()
            mentions = analysis.entity_mentions(arts, annotations=ann)
            t2 = time.process_time()
    finally:
        parse_mod.truecase, linking.split_spans, linking.context_rules = saved
    return t1 - t0, t2 - t1, len(mentions)


def main(argv: list[str] | None = None) -> int:
    """Print the timings; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 0
    articles = analysis.load_corpus(CORPUS)
    arts = articles[articles["status"] == "ok"].head(args.n)
    words = int(arts["text"].str.split().str.len().sum())
    load_model()  # loaded once, outside the timings
    times: dict[str, list[tuple[float, float, int]]] = {"before": [], "after": []}
    for _ in range(args.rounds):
        for name in ("before", "after"):
            times[name].append(_run(arts, changes=name == "after"))
    print(f"PolNeAR: {len(arts)} articles, {words} words; {args.rounds} rounds, one process")
    med = {}
    for name, runs in times.items():
        parse_s = statistics.median(r[0] for r in runs)
        mention_s = statistics.median(r[1] for r in runs)
        med[name] = (parse_s, mention_s)
        print(
            f"{name:6} parse {parse_s:6.1f} s ({words / parse_s:,.0f} words/s), "
            f"mentions {mention_s:5.2f} s, total {parse_s + mention_s:6.1f} s, {runs[-1][2]} mentions"
        )
    (pb, mb), (pa, ma) = med["before"], med["after"]
    both = (pa + ma) / (pb + mb)
    print(f"ratio after/before: parse {pa / pb:.3f}, mentions {ma / mb:.3f}, parse + mentions {both:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
