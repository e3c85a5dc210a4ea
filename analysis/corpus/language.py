"""Language identification with langid's model, vectorised over many articles."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config
from analysis.core.rowstore import MODEL_DIR
from analysis.corpus.dedupe import save_arrays

#: a language reliably).
LANGUAGE_ID_CHARS = 1200
#: Articles classified together by the vectorised langid (memory grows with it).
LANGUAGE_ID_BATCH = 256


@lru_cache(maxsize=1)
def _langid_file() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("langid")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("langid is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "langid.py"


@lru_cache(maxsize=1)
def langid_digest() -> str:
    """Hash langid's module file (it holds the model), to key the unpacked copy and the article cache."""
    return hashlib.sha1(_langid_file().read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def langid_model() -> dict[str, np.ndarray]:
    """Return langid's bundled model as arrays, unpacking it once per machine into :data:`MODEL_DIR`.

    Returns
    -------
    dict of str to numpy.ndarray
        ``nextmove`` (tokeniser DFA transitions), ``out_ptr``/``out_idx`` (features emitted on
        entering each state, CSR), ``ptc`` (features x languages log-probabilities), ``pc``
        (language priors), ``classes`` (language codes).
    """
    path = MODEL_DIR / f"langid-{langid_digest()[:16]}.npz"
    try:
        with np.load(path, allow_pickle=False) as stored:
            return {name: stored[name] for name in stored.files}
    except (OSError, ValueError, KeyError, EOFError):
        pass
    import base64
    import bz2
    import pickle

    from langid.langid import model

    ptc, pc, classes, nextmove, output = pickle.loads(bz2.decompress(base64.b64decode(model)))
    n_states = len(nextmove) // 256
    sizes = np.array([len(output.get(s, ())) for s in range(n_states)], dtype=np.int64)
    arrays = {
        "nextmove": np.asarray(nextmove, dtype=np.int64).astype(np.uint32),
        "out_ptr": np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        "out_idx": np.fromiter(
            (i for s in range(n_states) for i in output.get(s, ())), dtype=np.int64, count=int(sizes.sum())
        ),
        "ptc": np.asarray(ptc, dtype=np.float64).reshape(-1, len(pc)),
        "pc": np.asarray(pc, dtype=np.float64),
        "classes": np.asarray(classes, dtype=str),
    }
    save_arrays(path, arrays)
    return arrays


def classify_languages(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Classify texts with langid's model and method, many at once.

    The same computation as ``LanguageIdentifier.classify`` (``norm_probs=True``) per text: run the
    byte n-gram DFA over the UTF-8 bytes, count the features emitted by the states entered, take
    the naive Bayes log-probabilities and normalise them; here every step runs on a batch of
    articles as NumPy arrays (one array step per byte position instead of one Python step per
    byte per article).

    Returns
    -------
    tuple of (list of str, numpy.ndarray)
        Best language code and its probability per text.
    """
    model = langid_model()
    nextmove, out_ptr, out_idx = model["nextmove"].astype(np.int64), model["out_ptr"], model["out_idx"]
    ptc, pc, classes = model["ptc"], model["pc"], model["classes"]
    n_states, n_feats = len(out_ptr) - 1, ptc.shape[0]
    langs: list[str] = []
    probs = np.empty(len(texts), dtype=np.float64)
    for start in range(0, len(texts), LANGUAGE_ID_BATCH):
        encoded = [t.encode("utf8") for t in texts[start : start + LANGUAGE_ID_BATCH]]
        n = len(encoded)
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=n)
        width = int(lengths.max()) if n else 0
        # one row per byte position (contiguous), one column per article
        valid = np.arange(max(width, 1))[:, None] < lengths[None, :]
        data = np.zeros((max(width, 1), n), dtype=np.int64)
        data.T[valid.T] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        states = np.empty((width, n), dtype=np.int64)
        state = np.zeros(n, dtype=np.int64)
        for pos in range(width):
            np.left_shift(state, 8, out=state)
            state += data[pos]
            state = nextmove[state]
            states[pos] = state
        rows = np.broadcast_to(np.arange(n)[None, :], (width, n))[valid[:width]]
        entered = states[valid[:width]]
        pair, count = np.unique(rows * n_states + entered, return_counts=True)
        row, st = np.divmod(pair, n_states)
        degree = out_ptr[st + 1] - out_ptr[st]
        row_rep = np.repeat(row, degree)
        count_rep = np.repeat(count, degree)
        offsets = np.arange(int(degree.sum())) - np.repeat(np.cumsum(degree) - degree, degree)
        feats = out_idx[np.repeat(out_ptr[st], degree) + offsets]
        fv = np.bincount(row_rep * n_feats + feats, weights=count_rep, minlength=n * n_feats)
        logp = fv.reshape(n, n_feats) @ ptc + pc
        with np.errstate(over="ignore"):
            norm = 1 / np.exp(logp[:, None, :] - logp[:, :, None]).sum(2)
        best = np.argmax(norm, axis=1)
        probs[start : start + n] = norm[np.arange(n), best]
        langs.extend(str(c) for c in classes[best])
    return langs, probs


def apply_languages(df: pd.DataFrame, langs: pd.Series, probs: pd.Series) -> pd.DataFrame:
    """Set ``language`` where unknown and mark confidently non-English articles ``non_english``.

    Parameters
    ----------
    df : pandas.DataFrame
        Needs ``status``, ``n_words``, ``language``, ``error``.
    langs, probs : pandas.Series
        Aligned with ``df``: langid's best language and its probability (from the first
        :data:`LANGUAGE_ID_CHARS` characters of ``text``).

    Returns
    -------
    pandas.DataFrame
        A copy with ``language``, ``status`` and ``error`` updated.
    """
    out = df.copy()
    todo = (out["status"] == "ok") & (out["n_words"] >= config.MIN_WORDS_FOR_LANGUAGE_ID)
    if not todo.any():
        return out
    lang, prob = langs[todo], probs[todo].astype(float)
    given = out.loc[todo, "language"]
    unknown = given.isna() | (given.astype(str).str.strip() == "")
    language = out["language"].astype(object)
    fill = unknown[unknown].index
    language.loc[fill] = lang[fill].where(prob[fill] >= 0.5, None)
    foreign = todo[todo].index[((lang != "en") & (prob >= 0.9)).to_numpy()]
    language.loc[foreign] = lang[foreign]
    out["language"] = language
    if len(foreign):
        out.loc[foreign, "status"] = "non_english"
        out.loc[foreign, "error"] = [
            f"language identified as {code!r} (p={p:.2f}); analysis is English-only"
            for code, p in zip(lang[foreign], prob[foreign], strict=True)
        ]
    return out
