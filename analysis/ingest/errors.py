"""The error raised for a source that cannot be read as a corpus at all."""

from __future__ import annotations


class CorpusError(ValueError):
    """A source that cannot be read as a corpus at all (the message names the path and the problem)."""
