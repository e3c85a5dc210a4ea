"""Exact and near-duplicate articles: SHA-1 of the normalised text and MinHash / LSH of word 5-grams."""

from __future__ import annotations

import hashlib
import operator
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.rowstore import MODEL_DIR, write_atomic

# --------------------------------------------------------------------------- statuses

#: Near-duplicate threshold (estimated Jaccard similarity of word 5-gram sets) and MinHash size.
NEAR_DUPLICATE_THRESHOLD = 0.85
MINHASH_PERMUTATIONS = 64
#: Characters of each article given to langid (its cost is linear in length; ~200 words identify


def normalise_for_hash(text: str) -> str:
    """Lowercase a text and reduce every run of non-word characters to one space (what is hashed)."""
    return re.sub(r"\W+", " ", text.lower()).strip()


@lru_cache(maxsize=1)
def minhash_constants() -> dict[str, np.ndarray]:
    """Return datasketch's MinHash and MinHashLSH constants for our settings, kept in :data:`MODEL_DIR`.

    ``a``, ``b``: the affine permutations of ``MinHash(num_perm=64, seed=1)`` (scheme ``affine32``);
    ``fmix``: the MurmurHash3 finaliser constants it pre-mixes hash values with; ``bands``:
    ``MinHashLSH(threshold=0.85, num_perm=64).hashranges``. They are taken from datasketch once per
    datasketch version (importing it costs about half a second, mostly SciPy) and checked: a
    signature computed from them must equal datasketch's ``MinHash.update_batch`` on probe data,
    else ``ok`` is False and signatures are computed by datasketch itself.
    """
    from importlib.metadata import version

    name = f"minhash-{version('datasketch')}-{MINHASH_PERMUTATIONS}-{NEAR_DUPLICATE_THRESHOLD}.npz"
    path = MODEL_DIR / name
    try:
        with np.load(path, allow_pickle=False) as stored:
            return {key: stored[key] for key in stored.files}
    except (OSError, ValueError, KeyError, EOFError):
        pass
    from datasketch import MinHash, MinHashLSH
    from datasketch import minhash as dsm

    template = MinHash(num_perm=MINHASH_PERMUTATIONS, seed=1)
    perm_a, perm_b = (np.asarray(x, dtype=np.uint32) for x in template.permutations)
    constants = {
        "a": perm_a,
        "b": perm_b,
        "fmix": np.asarray(getattr(dsm, "_FMIX_CONSTANTS", {}).get(32, (0, 0, 0, 0, 0)), dtype=np.uint32),
        "bands": np.asarray(
            MinHashLSH(threshold=NEAR_DUPLICATE_THRESHOLD, num_perm=MINHASH_PERMUTATIONS).hashranges,
            dtype=np.int64,
        ),
    }
    probe = [[f"probe {i} {j}".encode() for j in range(i + 1)] for i in range(20)]
    expected = []
    for shingles in probe:
        sig = template.copy()
        sig.update_batch(shingles)
        expected.append(np.asarray(sig.hashvalues))
    hashes = [_sha1_32(s) for s in probe]
    constants["ok"] = np.asarray(
        template.scheme == "affine32"
        and np.array_equal(np.stack(expected), _minhash_numpy(hashes, constants))
    )
    save_arrays(path, constants)
    return constants


def save_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays to ``path`` (npz) atomically; a read-only machine simply keeps them in memory."""
    write_atomic(path, lambda tmp: np.savez(tmp, **arrays))


def _sha1_32(shingles: Iterable[bytes]) -> np.ndarray:
    """Hash byte strings as datasketch's ``sha1_hash32`` does (first 4 bytes of SHA-1, little endian)."""
    digests = b"".join(map(_DIGEST, map(hashlib.sha1, shingles)))
    return np.frombuffer(digests, dtype="<u4").reshape(-1, 5)[:, 0].astype(np.uint32)


_DIGEST = operator.methodcaller("digest")


def _shingles(norm: bytes) -> list[bytes]:
    """Return the word 5-grams of a normalised text (words joined by single spaces), in order.

    The same byte strings as ``" ".join(words[j : j + 5]).encode()`` for ``j`` in
    ``range(max(len(words) - 4, 1))``, cut straight out of the text (repeats kept: they do not
    change a MinHash).
    """
    spaces = np.flatnonzero(np.frombuffer(norm, dtype=np.uint8) == 32)
    if len(spaces) < 5:
        return [norm]
    starts = [0, *(spaces + 1).tolist()]
    ends = [*spaces.tolist(), len(norm)]
    return [norm[a:b] for a, b in zip(starts[:-4], ends[4:], strict=True)]


def _minhash_numpy(hashes: Sequence[np.ndarray], constants: dict[str, np.ndarray]) -> np.ndarray:
    """Return MinHash signatures (affine32 scheme) of many shingle-hash sets at once.

    Each set's hash values are pre-mixed with the MurmurHash3 finaliser, permuted by
    ``a * h + b`` (mod 2^32) for every permutation, and the minimum per permutation is kept: the
    computation of datasketch's ``MinHash.update_batch``, on all sets in a few array operations.
    """
    a, b = constants["a"], constants["b"]
    s1, m1, s2, m2, s3 = (np.uint32(x) for x in constants["fmix"])
    out = np.empty((len(hashes), len(a)), dtype=np.uint32)
    start = 0
    while start < len(hashes):
        stop, size = start, 0
        while stop < len(hashes) and (size == 0 or size + len(hashes[stop]) <= 65536):
            size += len(hashes[stop])
            stop += 1
        hv = np.concatenate(hashes[start:stop])
        hv = hv ^ (hv >> s1)
        hv = hv * m1
        hv = hv ^ (hv >> s2)
        hv = hv * m2
        hv = hv ^ (hv >> s3)
        permuted = hv[:, None] * a[None, :] + b[None, :]
        sizes = [len(h) for h in hashes[start : stop - 1]]
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        out[start:stop] = np.minimum.reduceat(permuted, offsets, axis=0)
        start = stop
    return out


def signatures(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Return the SHA-1 of each normalised text and its MinHash signature of word 5-gram shingles.

    The signature equals datasketch's ``MinHash(num_perm=64, seed=1).update_batch`` over the
    UTF-8 encoded shingles (see :func:`minhash_constants`).

    Returns
    -------
    tuple of (list of str, numpy.ndarray)
        Hex digests, and an ``(n, MINHASH_PERMUTATIONS)`` uint32 array of signatures.
    """
    digests: list[str] = []
    hashes: list[np.ndarray] = []
    sets: list[list[bytes]] = []
    for text in texts:
        norm = normalise_for_hash(text).encode()  # words joined by single ASCII spaces
        digests.append(hashlib.sha1(norm).hexdigest())
        shingles = _shingles(norm)
        sets.append(shingles)
        hashes.append(_sha1_32(shingles))
    constants = minhash_constants()
    if not len(texts):
        return digests, np.empty((0, MINHASH_PERMUTATIONS), dtype=np.uint32)
    if bool(constants["ok"]):
        return digests, _minhash_numpy(hashes, constants)
    from datasketch import MinHash  # pragma: no cover - only if datasketch changed its scheme

    out = []
    for shingles in sets:
        sig = MinHash(num_perm=MINHASH_PERMUTATIONS, seed=1)
        sig.update_batch(list(shingles))
        out.append(np.asarray(sig.hashvalues, dtype=np.uint32))
    return digests, np.stack(out)


def _lsh_bands(threshold: float, num_perm: int) -> tuple[tuple[int, int], ...]:
    """Return datasketch MinHashLSH's band ranges for this threshold (its optimal ``b`` x ``r``)."""
    if threshold == NEAR_DUPLICATE_THRESHOLD and num_perm == MINHASH_PERMUTATIONS:
        return tuple((int(lo), int(hi)) for lo, hi in minhash_constants()["bands"])
    from datasketch import MinHashLSH

    return tuple(MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges)


def near_duplicates(
    ids: Sequence[str], signatures: np.ndarray, *, threshold: float = NEAR_DUPLICATE_THRESHOLD
) -> list[str | None]:
    """Mark near duplicates in order, exactly as inserting into and querying a datasketch MinHashLSH would.

    Each article (in order) is compared with the earlier articles kept so far that share an LSH band
    with it; it is a near duplicate of the smallest id among those whose estimated Jaccard similarity
    is at least ``threshold``, and is then not kept (not inserted) itself. Band buckets are found for
    all articles at once; only articles that share a bucket with another are visited one by one.

    Returns
    -------
    list of (str or None)
        ``duplicate_of`` per article (None when it is kept).
    """
    n = len(ids)
    result: list[str | None] = [None] * n
    if n < 2:
        return result
    members: list[np.ndarray] = []  # per band: bucket number of each article
    shared = np.zeros(n, dtype=bool)
    for start, end in _lsh_bands(threshold, signatures.shape[1]):
        band = np.ascontiguousarray(signatures[:, start:end])
        _, inverse, counts = np.unique(
            band.view(np.dtype((np.void, band.dtype.itemsize * band.shape[1]))).ravel(),
            return_inverse=True,
            return_counts=True,
        )
        inverse = inverse.ravel()
        members.append(inverse)
        shared |= counts[inverse] > 1
    kept = np.ones(n, dtype=bool)
    order = np.flatnonzero(shared)
    buckets: list[dict[int, list[int]]] = [{} for _ in members]
    for i in order:
        earlier: set[int] = set()
        for band, inverse in zip(buckets, members, strict=True):
            earlier.update(j for j in band.get(int(inverse[i]), ()) if kept[j])
        if earlier:
            cand = np.fromiter(sorted(earlier), dtype=np.int64)
            same = np.count_nonzero(signatures[cand] == signatures[i], axis=1)
            close = cand[same.astype(np.float64) / float(signatures.shape[1]) >= threshold]
            if close.size:
                result[i] = sorted(ids[j] for j in close)[0]
                kept[i] = False
                continue
        for band, inverse in zip(buckets, members, strict=True):
            band.setdefault(int(inverse[i]), []).append(int(i))
    return result


def mark_duplicates(
    df: pd.DataFrame,
    digests: pd.Series,
    signatures: pd.Series,
    *,
    threshold: float = NEAR_DUPLICATE_THRESHOLD,
) -> pd.DataFrame:
    """Mark exact and near-duplicate ``ok`` articles from their precomputed hashes.

    Parameters
    ----------
    df : pandas.DataFrame
        Needs ``article_id`` and ``status``.
    digests, signatures : pandas.Series
        Aligned with ``df``: SHA-1 of the normalised text, and the MinHash signature (bytes), for
        ``ok`` rows.

    Returns
    -------
    pandas.DataFrame
        A copy with ``status='duplicate'`` and ``duplicate_of`` (the original's id) where they apply.
    """
    out = df.copy()
    duplicate_of = np.full(len(out), None, dtype=object)
    ok = np.flatnonzero((out["status"] == "ok").to_numpy())
    if len(ok):
        ids = out["article_id"].to_numpy()[ok]
        digest = pd.Series(digests.to_numpy()[ok])
        first = ~digest.duplicated(keep="first").to_numpy()
        if (~first).any():
            original = dict(zip(digest[first], ids[first], strict=True))
            duplicate_of[ok[~first]] = [original[d] for d in digest[~first]]
        rows = ok[first]
        sig = np.stack([np.frombuffer(s, dtype=np.uint32) for s in signatures.to_numpy()[rows]])
        near = near_duplicates(out["article_id"].to_numpy()[rows].tolist(), sig, threshold=threshold)
        duplicate_of[rows] = np.array(near + [None], dtype=object)[:-1]
        out.loc[pd.notna(duplicate_of), "status"] = "duplicate"
    out["duplicate_of"] = duplicate_of
    return out
