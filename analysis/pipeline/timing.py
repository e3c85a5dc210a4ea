"""Wall time per stage, summed over chunks, and the run's timing table."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

TIMING_COLUMNS: tuple[str, ...] = ("stage", "kind", "seconds", "words", "words_per_s")


class Timer:
    """Seconds per stage name, summed over calls of :meth:`add`."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def add(self, name: str, seconds: float) -> None:
        """Add ``seconds`` to stage ``name``."""
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def merge(self, seconds: Mapping[str, float]) -> None:
        """Add the seconds of another timer (e.g. a worker's)."""
        for name, value in seconds.items():
            self.add(name, value)


def count_words(articles: pd.DataFrame) -> int:
    """Return the words (whitespace-separated) in the ``ok`` articles' texts and titles.

    Examples
    --------
    >>> count_words(pd.DataFrame({"text": ["a b c", "d"], "title": ["T", None], "status": ["ok", "empty"]}))
    4
    """
    ok = articles[articles["status"] == "ok"] if "status" in articles.columns else articles
    text = ok["text"].fillna("").astype(str)
    title = ok["title"].fillna("").astype(str) if "title" in ok.columns else pd.Series("", index=ok.index)
    return int(text.str.count(r"\S+").sum() + title.str.count(r"\S+").sum())


def timings_table(timer: Timer, words: int, kinds: Mapping[str, str]) -> pd.DataFrame:
    """Return ``stage, kind, seconds, words, words_per_s`` (kind ``pipeline`` for load, plan, annotate...)."""
    return pd.DataFrame(
        [
            {
                "stage": name,
                "kind": kinds.get(name, "pipeline"),
                "seconds": seconds,
                "words": words,
                "words_per_s": words / seconds if seconds > 0 else float("inf"),
            }
            for name, seconds in timer.seconds.items()
        ],
        columns=TIMING_COLUMNS,
    )
