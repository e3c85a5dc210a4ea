"""Targeted sentiment: the sentiment a sentence expresses toward one of its actors.

Two methods share one reader of the token table
(:func:`analysis.measures.sentiment.features.sentence_spans`):

* ``method="model"`` (default): the trained model
  (:mod:`analysis.measures.sentiment.model`) on the target's features;
* ``method="vader"``: clause-VADER (:mod:`analysis.measures.sentiment.clause`),
  VADER on the target's clause.

Both give the same record: ``label`` (negative / neutral / positive),
``p_negative, p_neutral, p_positive`` (class probabilities; NaN for
``vader``, which has none) and ``sentiment`` (P(positive) - P(negative) for the
model, VADER's compound for ``vader``; both in [-1, 1]).
"""

from __future__ import annotations

import functools
import re
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from analysis.annotate import load_model
from analysis.measures.sentiment.batch import model_inputs, predict
from analysis.measures.sentiment.clause import TARGET_WINDOW, score_selection, select, tree
from analysis.measures.sentiment.features import sentence_spans
from analysis.measures.sentiment.lexicon import CLASSES, label_of
from analysis.measures.sentiment.model import TargetModel, shipped_model

Method = Literal["model", "vader"]
METHODS = ("model", "vader")
#: Columns of a scored span (and of :class:`TargetSentiment`).
RECORD_COLUMNS: tuple[str, ...] = ("label", "p_negative", "p_neutral", "p_positive", "sentiment")


class TargetSentiment(NamedTuple):
    """Sentiment toward one target: label, class probabilities, signed ``sentiment``."""

    label: str
    p_negative: float
    p_neutral: float
    p_positive: float
    sentiment: float


NAN = float("nan")
UNKNOWN = TargetSentiment("", NAN, NAN, NAN, NAN)


def check_method(method: str) -> None:
    """Raise ValueError unless ``method`` is ``"model"`` or ``"vader"``."""
    if method not in METHODS:
        raise ValueError(f"method must be 'model' or 'vader', got {method!r}")


def score_spans(
    tokens: pd.DataFrame,
    spans: pd.DataFrame,
    *,
    method: Method = "model",
    window: int = TARGET_WINDOW,
    model: TargetModel | None = None,
) -> pd.DataFrame:
    """Score the sentiment toward each span, reading its sentence from a token table (nothing is parsed).

    Parameters
    ----------
    tokens : pandas.DataFrame
        Token table (:attr:`analysis.annotate.Annotations.tokens`): needs
        ``article_id, field, sentence_id, token_id, start_char, end_char,
        text, whitespace, dep, head, pos`` (``lemma`` used when present).
    spans : pandas.DataFrame
        Needs ``article_id, field, start_char, end_char`` (character offsets
        into that field, like the mentions table).
    method : {"model", "vader"}, default "model"
        The trained model, or clause-VADER.
    window : int, default :data:`TARGET_WINDOW`
        Tokens each side of the target in the clause selection.
    model : TargetModel, optional
        Weights to use instead of the shipped model (tests, evaluation).

    Returns
    -------
    pandas.DataFrame
        ``label, p_negative, p_neutral, p_positive, sentiment`` per span (index of
        ``spans``); ``label == ""`` and NaN where no token overlaps the span.
    """
    check_method(method)
    n = len(spans)
    probs = np.full((n, 3), np.nan)
    score = np.full(n, np.nan)
    if method == "model":
        weights = model or shipped_model()
        found, sparse, dense = model_inputs(tokens, spans, weights, window=window)
        if len(found):
            probs[found] = predict(weights, len(found), sparse, dense)
            score[found] = probs[found, 2] - probs[found, 0]
    else:
        memo: dict[tuple, float] = {}  # (sentence, span) -> score: repeated sentences (wire copy) once
        for row, sentence, span in sentence_spans(tokens, spans):
            key = (sentence, span)
            value = memo.get(key)
            if value is None:
                text, ws, lemma, pos, dep, head = sentence
                fixed, children = tree(head)
                selected = select(fixed, dep, pos, list(span), window, children)
                value = memo[key] = score_selection(text, ws, selected, lemma)
            score[row] = value
    out = pd.DataFrame(probs, columns=["p_negative", "p_neutral", "p_positive"], index=spans.index)
    out["sentiment"] = score
    if method == "model":
        best = np.argmax(np.nan_to_num(probs, nan=-1.0), axis=1)
        label = np.asarray(CLASSES, dtype=object)[best]
    else:
        label = np.asarray([label_of(x) for x in score], dtype=object)
    out.insert(0, "label", np.where(np.isnan(score), "", label))
    return out[list(RECORD_COLUMNS)]


def find_target(text: str, target: str) -> list[tuple[int, int]]:
    """Character spans of ``target`` in ``text``: whole words, case-sensitive, else case-insensitive.

    >>> find_target("Macron’s plan and macron", "Macron")
    [(0, 6)]
    """
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(p) for p in target.split()) + r"(?!\w)"
    found = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    if not found:
        found = [(m.start(), m.end()) for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
    return found


def doc_table(doc) -> pd.DataFrame:
    """Turn a parsed passage into the token-table columns the targeted methods need."""
    sentence_id = np.zeros(len(doc), dtype=np.int64)
    for k, sent in enumerate(doc.sents):
        sentence_id[sent.start : sent.end] = k
    return pd.DataFrame(
        {
            "article_id": "passage",
            "field": "text",
            "sentence_id": sentence_id,
            "token_id": np.arange(len(doc), dtype=np.int64),
            "start_char": [t.idx for t in doc],
            "end_char": [t.idx + len(t) for t in doc],
            "text": [t.text for t in doc],
            "whitespace": [bool(t.whitespace_) for t in doc],
            "dep": [t.dep_ for t in doc],
            "head": [t.head.i for t in doc],
            "pos": [t.pos_ for t in doc],
            "lemma": [t.lemma_ for t in doc],
        }
    )


@functools.lru_cache(maxsize=256)
def parse_passage(text: str) -> pd.DataFrame:
    """Parse a short passage with the project's spaCy model into a token table (memoised)."""
    return doc_table(load_model()(text))


def combine(scored: pd.DataFrame, method: str) -> TargetSentiment:
    """Combine the records of several occurrences into one (mean probabilities / mean compound)."""
    scored = scored[scored["label"] != ""]
    if scored.empty:
        return UNKNOWN
    if method == "vader":
        value = float(scored["sentiment"].mean())
        return TargetSentiment(label_of(value), NAN, NAN, NAN, value)
    p = scored[["p_negative", "p_neutral", "p_positive"]].to_numpy(dtype=float).mean(axis=0)
    return TargetSentiment(
        CLASSES[int(np.argmax(p))], float(p[0]), float(p[1]), float(p[2]), float(p[2] - p[0])
    )


def target_sentiment(
    text: str, target: str, *, method: Method = "model", window: int = TARGET_WINDOW
) -> TargetSentiment:
    """Return the sentiment a sentence or short passage expresses toward ``target``.

    The passage is parsed with the project's spaCy model
    (:func:`analysis.annotate.load_model`); every occurrence of ``target``
    (whole words; case-sensitive, else case-insensitive) is scored in its
    sentence, and the occurrences are averaged.

    Parameters
    ----------
    text : str
        A sentence or short passage.
    target : str
        Surface string to look for (e.g. ``"Zelenskyy"``).
    method : {"model", "vader"}, default "model"
        ``"model"``: the trained target-sentiment model (class probabilities
        from the target's role in the parse, the lexicon around it, reported
        speech, negation and the words near it). ``"vader"``: clause-VADER,
        VADER's compound on the target's clause without other actors'
        clauses, within ``window`` tokens (see
        :func:`analysis.measures.sentiment.clause.select_target_tokens`).
    window : int, default :data:`TARGET_WINDOW`
        Tokens each side of the target in the clause selection.

    Returns
    -------
    TargetSentiment
        ``(label, p_negative, p_neutral, p_positive, sentiment)``: ``sentiment`` is
        P(positive) - P(negative) for the model and the compound (in [-1, 1])
        for ``vader``, whose probabilities are NaN. When the target does not
        occur (or a string is empty): ``label == ""`` and NaN values.

    Examples
    --------
    >>> s = "Putin praised the deal while Zelenskyy condemned the strikes."
    >>> target_sentiment(s, "Putin").sentiment > target_sentiment(s, "Zelenskyy").sentiment  # doctest: +SKIP
    True
    >>> target_sentiment(s, "Macron").label
    ''
    """
    check_method(method)
    if not isinstance(text, str) or not isinstance(target, str) or not text.strip() or not target.strip():
        return UNKNOWN
    matches = find_target(text, target.strip())
    if not matches:
        return UNKNOWN
    spans = pd.DataFrame(
        {
            "article_id": "passage",
            "field": "text",
            "start_char": [s for s, _ in matches],
            "end_char": [e for _, e in matches],
        }  # fmt: skip
    )
    return combine(score_spans(parse_passage(text), spans, method=method, window=window), method)
