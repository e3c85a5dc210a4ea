"""outlet-framing: how different news outlets frame the same story.

Data flows one way, and the public names below are listed in that order::

    load -> clean -> annotate -> {measures, framing} -> pipeline -> report

Each layer imports only from the layers below it (``tests/unit/test_import_rules.py``;
``docs/architecture.md`` shows the layers).

Every public function takes a DataFrame (at least ``article_id`` and
``text``) and returns a new one. Names are imported lazily, so
``import analysis`` is cheap and does not load spaCy.

The stage functions themselves are pure functions of their declared inputs
(``analysis.framing.quotes.quotes`` needs the token table and the mentions).
Here they are the convenience: ``analysis.quotes(df)`` computes the inputs it
needs and was not given by running the plan up to ``quotes`` on ``df``, and
parses ``df`` only if a stage reads the token table
(:func:`analysis.pipeline.direct.call_stage`), then calls the stage.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it, in data-flow order
_EXPORTS: dict[str, str] = {
    # load
    "CorpusError": "analysis.ingest",
    "load_corpus": "analysis.corpus",
    "read_articles": "analysis.ingest",
    "ok_articles": "analysis.schema",
    # clean
    "paragraphs": "analysis.clean",
    "clean_articles": "analysis.clean",
    # annotate (spaCy runs only here)
    "load_model": "analysis.annotate",
    "annotate": "analysis.annotate",
    "tokens": "analysis.annotate",
    "sentences": "analysis.annotate",
    # measures
    "entity_mentions": "analysis.measures.entities",
    "entity_frequencies": "analysis.measures.entities",
    "kwic": "analysis.measures.entities",
    "sentiment": "analysis.measures.sentiment",
    "sentence_sentiment": "analysis.measures.sentiment",
    "article_sentiment": "analysis.measures.sentiment",
    "target_sentiment": "analysis.measures.sentiment",
    "entity_sentiment": "analysis.measures.sentiment",
    "readability": "analysis.measures.readability",
    # framing
    "quotes": "analysis.framing.quotes",
    "source_balance": "analysis.framing.quotes",
    "sources": "analysis.framing.quotes",
    "corpus_typed": "analysis.framing.quotes",
    "attribution": "analysis.framing.quotes",
    "labels": "analysis.framing.labels",
    "label_occurrences": "analysis.framing.labels",
    "keyness": "analysis.framing.keyness",
    "frames": "analysis.framing.frames",
    "frame_evidence": "analysis.framing.frames",
    "frame_summary": "analysis.framing.frames",
    "frame_prevalence": "analysis.framing.frames",
    "resolve_codebook": "analysis.framing.frames",
    "top_terms": "analysis.framing.keyness",
    "term_counts": "analysis.framing.keyness",
    "claims": "analysis.framing.claims",
    "omissions": "analysis.framing.claims",
    "claim_matrix": "analysis.framing.claims",
    "omission_counts": "analysis.framing.claims",
    "hedged_sentences": "analysis.framing.claims",
    "stories": "analysis.framing.stories",
    "story_summary": "analysis.framing.stories",
    "salience": "analysis.framing.salience",
    "coding_sample": "analysis.framing.coding",
    "CodingGuide": "analysis.framing.coding",
    "agreement": "analysis.framing.coding",
    "attention": "analysis.framing.attention",
    # comparison of groups (core)
    "compare": "analysis.core.compare",
    "compare_many": "analysis.core.compare",
    # report and convenience
    "build_reports": "analysis.report",
    "run": "analysis.pipeline",
    "RunOptions": "analysis.pipeline",
    "tables_for": "analysis.pipeline",
}

#: Exported functions that are not stages but read tables a stage provides: their inputs, as ``@stage``
#: would declare them (computed by the plan when not given).
_INPUTS: dict[str, tuple[str, ...]] = {
    "kwic": ("articles", "mentions"),
    "sentence_sentiment": ("articles", "annotations"),
}

__all__ = ["__version__", *_EXPORTS]

# The stage module ``analysis.annotate`` and its function ``annotate`` share a
# name. Load the module once now and bind the package attribute to the
# function: later ``from analysis.annotate import X`` finds the module in
# sys.modules and no longer rebinds ``analysis.annotate``.
from analysis.annotate import annotate  # noqa: E402, F401


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    if getattr(value, "__stage__", None) is not None or name in _INPUTS:
        value = _computing_inputs(value, _INPUTS.get(name))
    globals()[name] = value
    return value


def _computing_inputs(fn: Callable[..., Any], requires: tuple[str, ...] | None) -> Callable[..., Any]:
    """Return ``fn`` computing the declared inputs it is not given (see the module notes)."""
    from analysis.pipeline.direct import call_stage

    @functools.wraps(fn)
    def computing(*args: Any, **kwargs: Any) -> Any:
        return call_stage(fn, args, kwargs, requires=requires)

    return computing


def __dir__() -> list[str]:
    return sorted(__all__)
