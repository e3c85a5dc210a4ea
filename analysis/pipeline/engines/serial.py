"""The serial engine: chunks computed in this process, one ``nlp.pipe`` streaming over all of them."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

import pandas as pd

from analysis.annotate import iter_tokens
from analysis.pipeline.chunks import process_chunk
from analysis.pipeline.engines.base import ChunkWork, LocalEngine, this_process
from analysis.pipeline.options import RunOptions
from analysis.pipeline.timing import Timer


class SerialEngine(LocalEngine):
    """Compute the uncached chunks here, one after another, streaming one ``nlp.pipe`` over all of them.

    ``nlp.pipe`` itself may use ``options.n_process`` processes for the parse. Outputs go to the
    cache only; the returned :class:`~analysis.pipeline.store.LazyTables` reads them back.
    """

    name = "serial"

    def compute(
        self, work: ChunkWork, todo: list[int], options: RunOptions, timer: Timer
    ) -> tuple[int, tuple[str, ...]]:
        """Compute chunks ``todo`` here (see :meth:`~.base.LocalEngine.compute`)."""
        chunks = [work.chunks[i] for i in todo]
        stream: Iterator[pd.DataFrame] = iter_tokens(
            chunks,
            cache_dir=work.root,
            n_process=options.n_process,
            batch_size=options.batch_size,
            progress=options.progress,
        )
        for n, (i, chunk) in enumerate(zip(todo, chunks, strict=True)):
            started = time.perf_counter()
            tokens = next(stream)
            timer.add("annotate", time.perf_counter() - started)
            process_chunk(chunk, tokens, work.stages, work.keys[i], cache_dir=work.root, timer=timer)
            del tokens
            if options.progress:
                print(f"  chunk {n + 1}/{len(chunks)}: {len(chunk)} articles", file=sys.stderr, flush=True)
        for _ in stream:  # exhaust the stream: spaCy's worker processes exit before the corpus stages
            pass
        return 0, (this_process(),)
