"""Run spaCy once per article and return long tables (tokens, sentences, entities).

spaCy lives only in this package. Each article's title and body are parsed
once with ``nlp.pipe`` and stored as one Parquet token table in the cache,
keyed by a hash of the text, the model name and version, the pipeline
settings and the entity-rule patterns. Everything downstream (entities,
sentiment, quotes, frames, keyness) reads these tables; nothing re-parses.
No ``Doc`` object ever leaves this package.

Modules: :mod:`~analysis.annotate.model` (loading the model, its cache
fingerprint), :mod:`~analysis.annotate.parse` (articles -> token table,
cached), :mod:`~analysis.annotate.tables` (sentence and entity tables,
:func:`annotate`, the ``sentences`` and ``entities`` stages).
"""

from analysis.annotate.model import (
    ENTITY_PATTERNS,
    PIPELINE_VERSION,
    ModelNotInstalled,
    load_model,
    model_fingerprint,
)
from analysis.annotate.parse import (
    CHUNK_CHARS,
    FIELDS,
    MIN_ARTICLES_PER_PROCESS,
    TOKEN_COLUMNS,
    article_jobs,
    article_key,
    iter_tokens,
    parsed_titles,
    text_of,
    tokens,
)
from analysis.annotate.tables import (
    ENTITY_COLUMNS,
    SENTENCE_COLUMNS,
    Annotations,
    annotate,
    entities,
    entities_from_tokens,
    sentences,
    sentences_from_tokens,
)

__all__ = [
    "CHUNK_CHARS", "ENTITY_COLUMNS", "ENTITY_PATTERNS", "FIELDS", "MIN_ARTICLES_PER_PROCESS",
    "PIPELINE_VERSION", "SENTENCE_COLUMNS", "TOKEN_COLUMNS", "Annotations", "ModelNotInstalled",
    "annotate", "article_jobs", "article_key", "entities", "entities_from_tokens", "iter_tokens",
    "load_model", "model_fingerprint", "parsed_titles", "sentences", "sentences_from_tokens",
    "text_of", "tokens",
]  # fmt: skip
