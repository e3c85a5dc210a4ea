"""Scoring the claims' story blocks, in forked workers when it pays."""

from __future__ import annotations

import numpy as np

from analysis import config
from analysis.core.parallel import fork_map, shared
from analysis.framing.claims.pairs import linked_pairs
from analysis.framing.claims.vectors import BlockVectors

#: Sentences in multi-sentence blocks below which claims scores its blocks in this process only.
PARALLEL_MIN_SENTENCES = 4000
#: Working memory that scoring a block takes per character of its sentences, measured: a block of
#: 47,659 sentences (7.2M characters) peaks ~600 MB above the worker's base (its vectors ~180 MB and
#: their construction, the word candidates, the bandwidth-reducing order).
BLOCK_BYTES_PER_CHAR = 85


def _block_processes(needs: list[int], n_process: int, budget: int) -> int:
    """Return how many blocks to score at once: at most ``n_process``, within ``budget`` bytes.

    ``needs`` is each block's estimated working memory; the largest ones run together
    first, so the count is the most whose largest needs fit the budget (at least 1).

    Examples
    --------
    >>> _block_processes([60, 50, 40], 2, budget=200)
    2
    >>> _block_processes([600, 550, 40], 2, budget=768)
    1
    >>> _block_processes([0, 0, 900], 2, budget=768)
    1
    """
    busy = sorted((n for n in needs if n > 0), reverse=True)
    processes = max(1, min(n_process, len(busy)))
    while processes > 1 and sum(busy[:processes]) > budget:
        processes -= 1
    return processes


def _links_of_block(i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score block ``i`` of the call in :func:`analysis.core.parallel.shared` (here or in a forked worker)."""
    job = shared()
    idx = np.asarray(job["block_rows"][i])
    if len(idx) < 2:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0)
    vectors = job["vectors"]
    x_block = vectors.block(job["numbers"][i], job["texts"][idx].tolist())
    return linked_pairs(
        x_block, threshold=job["threshold"], k=job["k"], word_columns=vectors.n_word_terms,
        min_word_similarity=job["min_word_similarity"],
    )  # fmt: skip


def block_links(
    vectors: BlockVectors,
    texts: np.ndarray,
    block_rows: list,
    numbers: list[int],
    *,
    threshold: float,
    k: int,
    min_word_similarity: float,
    n_process: int | None,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Return :func:`linked_pairs` of every block, in block order, computed in up to ``n_process`` processes.

    Workers (:func:`analysis.core.parallel.fork_map`) are forked after the vocabularies
    and IDF are fixed, so each computes exactly the vectors this process would; the
    largest blocks go first. Blocks run together only while their estimated working
    memory (:data:`BLOCK_BYTES_PER_CHAR`) fits :data:`analysis.config.CLAIMS_PARALLEL_MEMORY`:
    huge event blocks are scored one at a time, here (slower, but the memory of one).
    """
    vectors.ensure_idf()
    sizes = [len(ix) for ix in block_rows]
    work = sum(n for n in sizes if n > 1)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    needs = [BLOCK_BYTES_PER_CHAR * int(lengths[ix].sum()) if len(ix) > 1 else 0 for ix in block_rows]
    processes = _block_processes(needs, n_process or config.SPACY_N_PROCESS, config.CLAIMS_PARALLEL_MEMORY)
    if work < PARALLEL_MIN_SENTENCES:
        processes = 1
    job = dict(
        vectors=vectors, texts=texts, block_rows=block_rows, numbers=numbers, threshold=threshold, k=k,
        min_word_similarity=min_word_similarity,
    )  # fmt: skip
    order = sorted(range(len(block_rows)), key=lambda i: -sizes[i])
    items = list(range(len(block_rows)))
    return fork_map(_links_of_block, items, processes=processes, shared_state=job, order=order)
