"""Word frequencies (wordfreq) and the vocabulary limits the repairs use."""

from __future__ import annotations

import math
from functools import lru_cache

from analysis.core import rowstore

# --------------------------------------------------------------------------- vocabulary

#: A word is "known" (may be split off as the left part) when its Zipf frequency
#: (wordfreq, English) is at least this, or when it is printed on its own elsewhere in the article.
KNOWN_ZIPF = 4.0
#: The right-hand part of a glued word must be at least this common (function words, common verbs)
#: when the left part is printed on its own elsewhere in the article ...
COMMON_ZIPF = 4.5
#: ... and at least this common when only the vocabulary vouches for the left part ("Berlinsaid").
VERY_COMMON_ZIPF = 5.0
#: The only two-letter words that may be split off as the right part ("Lavrovat" -> "Lavrov at").
SHORT_RIGHT_WORDS = frozenset(
    "at in on to of by as is it an or if so be he we me my no up do go us am".split()
)
#: Domain endings never split off as a word ("gate.io", "example.com").
TLDS = frozenset(
    "com org net io co gov edu int mil info biz tv ly ai app dev news online site uk de fr ru ua eu cn jp "
    "ch nl se no es pl cz tr ir il ca au nz za br mx ar gr pt ro bg hu sk at be dk fi lt lv ee by kz "
    "az am ge "
    "html htm php asp aspx pdf jpg png gif".split()
)
#: Words that, ending a line, show the sentence goes on (hard line break mid-sentence).
CONTINUATION_WORDS = frozenset(
    "a an the of to in on at for with by from and or but nor as that which who whom whose than "
    "into onto over under about after before between during against among through via per "
    "is are was were be been being has have had will would shall should can could may might must "
    "his her its their our your my this these those said says told".split()
)


@lru_cache(maxsize=1)
def frequencies() -> dict[str, float]:
    """Return wordfreq's English ``best`` frequency list, kept once per machine as a ``marshal`` file.

    Importing wordfreq and unpacking its list costs about half a second per process; the copy in
    :data:`analysis.core.rowstore.MODEL_DIR` (one per wordfreq and Python version) loads in a few ms.
    """
    from importlib.metadata import version

    def unpack() -> dict[str, float]:
        import wordfreq

        return wordfreq.get_frequency_dict("en", wordlist="best")

    return rowstore.stored_dict(f"wordfreq-en-best-{version('wordfreq')}", unpack)


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Return the Zipf frequency of a lowercase word (0.0 when wordfreq does not know it)."""
    freq = frequencies().get(word)
    return round(math.log10(freq * 1e9), 2) if freq else 0.0
