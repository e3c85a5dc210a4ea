"""Benchmark of the full pipeline against the spaCy ceiling (``make bench``, ``python -m bench.run``)."""
