"""Measures computed from the cleaned articles and their annotations.

* :mod:`analysis.measures.sentiment`: sentence and article sentiment (VADER),
  targeted sentiment toward a string or an entity mention.
* :mod:`analysis.measures.readability`: readability indices (textstat) on the
  clean and the raw text.

Entity mentions and frequencies live in :mod:`analysis.measures.entities`.
"""
