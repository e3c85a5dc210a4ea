"""The serial engine: chunks computed in this process, one ``nlp.pipe`` streaming over all of them."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pandas as pd

from analysis.annotate import iter_tokens
from analysis.pipeline.chunks import process_chunk
from analysis.pipeline.plan import PlannedStage
from analysis.pipeline.timing import Timer


def run_serial(
    chunks: list[pd.DataFrame],
    keys: list[dict[str, str]],
    stages: Sequence[PlannedStage],
    *,
    token_options: Mapping[str, Any],
    timer: Timer,
    progress: bool,
) -> None:
    """Compute chunks here, one after another, streaming one ``nlp.pipe`` over all of them.

    Outputs go to the cache only (:class:`analysis.pipeline.store.LazyTables` reads them back).
    ``token_options`` are passed to :func:`analysis.annotate.iter_tokens` (``cache_dir``,
    ``n_process``, ``batch_size``, ``progress``).
    """
    stream: Iterator[pd.DataFrame] = iter_tokens(chunks, **token_options)
    root = token_options["cache_dir"]
    for i, chunk in enumerate(chunks):
        t0 = time.perf_counter()
        tokens = next(stream)
        timer.add("annotate", time.perf_counter() - t0)
        process_chunk(chunk, tokens, stages, keys[i], cache_dir=root, timer=timer)
        del tokens
        if progress:
            print(f"  chunk {i + 1}/{len(chunks)}: {len(chunk)} articles", file=sys.stderr, flush=True)
    for _ in stream:  # exhaust the stream: spaCy's worker processes exit before the corpus stages
        pass
