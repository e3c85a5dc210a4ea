"""Framing analytics: quotes and sources, labels, keyness, frames, claims, salience and human coding.

Each submodule holds one family of functions; they are re-exported lazily by
:mod:`analysis` (see ``analysis._EXPORTS``), so this package imports nothing.
"""
