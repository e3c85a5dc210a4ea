"""Sentiment: per sentence and article (VADER), and toward each actor (a trained model, or clause-VADER).

Modules (see ``docs/measures.md`` for the methods and their measured accuracy):

* :mod:`.lexicon`: VADER, memoised polarity scores, labels from compound scores;
* :mod:`.sentences`: :func:`sentiment` (stage), :func:`sentence_sentiment`, :func:`article_sentiment`;
* :mod:`.clause`: clause-VADER, the token selection around a target;
* :mod:`.features`: the trained model's features of a target in its parsed sentence;
* :mod:`.model`: the shipped model file and its inference;
* :mod:`.targets`: :func:`target_sentiment` and :func:`score_spans`, the record both methods return;
* :mod:`.entity`: :func:`entity_sentiment` (stage) and its aggregates, :func:`entity_sentiment_summary`;
* :mod:`.evaluation`: macro-F1 with bootstrap intervals on labelled sets.
"""

from analysis.measures.sentiment.clause import TARGET_WINDOW, score_selection, select_target_tokens
from analysis.measures.sentiment.entity import (
    CORPUS_ENTITY_SENTIMENT_COLUMNS,
    ENTITY_SENTIMENT_COLUMNS,
    EntitySentimentOptions,
    entity_sentiment,
    entity_sentiment_summary,
)
from analysis.measures.sentiment.evaluation import classification_scores, evaluate_target_sentiment
from analysis.measures.sentiment.lexicon import (
    NEGATIVE_THRESHOLD,
    POSITIVE_THRESHOLD,
    label_of,
    sentence_vader,
    vader_version,
)
from analysis.measures.sentiment.model import MODEL_VERSION, TargetModel, read_model, shipped_model
from analysis.measures.sentiment.sentences import (
    SENTENCE_SENTIMENT_COLUMNS,
    SENTIMENT_COLUMNS,
    article_sentiment,
    sentence_sentiment,
    sentiment,
)
from analysis.measures.sentiment.targets import RECORD_COLUMNS, TargetSentiment, score_spans, target_sentiment

__all__ = [
    "CORPUS_ENTITY_SENTIMENT_COLUMNS", "ENTITY_SENTIMENT_COLUMNS", "EntitySentimentOptions", "MODEL_VERSION",
    "NEGATIVE_THRESHOLD",
    "POSITIVE_THRESHOLD", "RECORD_COLUMNS", "SENTENCE_SENTIMENT_COLUMNS", "SENTIMENT_COLUMNS",
    "TARGET_WINDOW", "TargetModel",
    "TargetSentiment", "article_sentiment", "classification_scores", "entity_sentiment",
    "entity_sentiment_summary", "evaluate_target_sentiment", "label_of", "read_model", "score_selection",
    "score_spans", "select_target_tokens", "sentence_sentiment", "sentence_vader", "sentiment",
    "shipped_model", "target_sentiment", "vader_version",
]  # fmt: skip
