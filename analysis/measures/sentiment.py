"""Sentence, article and targeted sentiment with VADER, on top of the cached spaCy tables.

Three public functions (see ``docs/measures.md`` for the method and its limits):

* :func:`sentiment` scores every sentence with VADER (``vaderSentiment``)
  and, at ``level="article"``, aggregates them per article (length-weighted
  mean compound with a seeded bootstrap interval over sentences, shares of
  negative / neutral / positive sentences). Sentence scores are cached on disk.
* :func:`target_sentiment` scores the sentiment expressed *around a target*
  (a surface string) in a sentence or passage: the target's clause in the
  dependency parse, minus clauses that belong to other actors, within a
  window of tokens, scored with VADER's lexicon and rules.
* :func:`entity_sentiment` applies the same scoring core to entity mentions
  read from the cached token table (nothing is re-parsed) and aggregates per
  article and canonical entity.

Thresholds follow VADER's documentation: compound >= 0.05 is positive,
<= -0.05 negative, anything between neutral.
"""

from __future__ import annotations

import functools
import importlib.metadata
import re
import string
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from analysis.annotate import Annotations
from analysis.core import cache
from analysis.core.stage import stage
from analysis.core.stats import bootstrap_grouped_mean_ci, bootstrap_mean_ci_by
from analysis.schema import ok_articles

#: Bump when sentence scoring changes (invalidates cached sentence scores).
SENTIMENT_VERSION = "1"
#: Compound at or above this is a positive sentence / mention (VADER's convention).
POSITIVE_THRESHOLD = 0.05
#: Compound at or below this is a negative sentence / mention (VADER's convention).
NEGATIVE_THRESHOLD = -0.05
#: Articles per cached block of sentence scores (one Parquet file per block, keyed by its sentences).
CACHE_CHUNK = 256
#: Tokens kept on each side of the target inside its clause (see :func:`target_sentiment`).
TARGET_WINDOW = 10

SENTENCE_COLUMNS = [
    "article_id", "field", "sentence_id", "start_char", "end_char", "n_words", "text",
    "neg", "neu", "pos", "compound", "label",
]  # fmt: skip
ARTICLE_COLUMNS = [
    "article_id", "n_sentences", "n_words", "compound", "compound_low", "compound_high",
    "neg", "neu", "pos", "share_negative", "share_neutral", "share_positive",
]  # fmt: skip
ENTITY_COLUMNS = [
    "article_id", "canonical", "n_mentions", "n_scored", "sentiment", "sentiment_low", "sentiment_high",
    "share_negative", "share_positive",
]  # fmt: skip
CORPUS_ENTITY_COLUMNS = [
    "canonical", "n_articles", "n_mentions", "n_scored", "sentiment", "sentiment_low", "sentiment_high",
    "share_negative", "share_positive",
]  # fmt: skip

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
_VERBAL_POS = frozenset({"VERB", "AUX"})
# clauses hanging off another noun: they describe that noun, not the target
_NOUN_CLAUSE_DEPS = frozenset({"relcl", "acl"})
# clauses next to the target's clause: another predicate, often another actor
_SIDE_CLAUSE_DEPS = frozenset({"advcl", "conj", "parataxis"})
_SKIP_DEPS = frozenset({"cc", "punct", "preconj"})
_PUNCTUATION = string.punctuation


# --------------------------------------------------------------------------- VADER


@functools.lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@functools.lru_cache(maxsize=1)
def vader_version() -> str:
    """Return the installed ``vaderSentiment`` version (part of every cache key)."""
    try:
        return importlib.metadata.version("vaderSentiment")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - vendored copy
        return "unknown"


def label_of(compound: float) -> str:
    """Map a compound score to ``negative``, ``neutral``, ``positive`` (or ``""`` for NaN).

    Examples
    --------
    >>> [label_of(x) for x in (-0.5, 0.0, 0.05, float("nan"))]
    ['negative', 'neutral', 'positive', '']
    """
    if compound != compound:  # NaN
        return ""
    if compound >= POSITIVE_THRESHOLD:
        return "positive"
    if compound <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


def _labels(compound: pd.Series) -> pd.Series:
    out = np.where(compound >= POSITIVE_THRESHOLD, "positive",
                   np.where(compound <= NEGATIVE_THRESHOLD, "negative", "neutral"))  # fmt: skip
    return pd.Series(np.where(compound.isna(), "", out), index=compound.index, dtype=object)


#: Distinct texts whose VADER scores are kept in memory (news repeats sentences: wire copy, boilerplate).
POLARITY_CACHE_SIZE = 1 << 16


@functools.lru_cache(maxsize=POLARITY_CACHE_SIZE)
def _polarity(text: str) -> tuple[float, float, float, float]:
    """Return VADER's ``polarity_scores`` of a text as (neg, neu, pos, compound), memoised."""
    s = _analyzer().polarity_scores(text)
    return (s["neg"], s["neu"], s["pos"], s["compound"])


def _score_texts(texts: Sequence[str]) -> np.ndarray:
    """VADER neg/neu/pos/compound for each text, as an (n, 4) array."""
    out = np.zeros((len(texts), 4), dtype=float)
    for i, text in enumerate(texts):
        out[i] = _polarity(text)
    return out


# --------------------------------------------------------------------------- sentence and article level




def _annotations(rows: pd.DataFrame, annotations: Annotations | None, cache_dir) -> Annotations:
    if annotations is not None:
        return annotations
    from analysis.annotate import annotate

    options = {} if cache_dir is None else {"cache_dir": cache_dir}
    return annotate(rows, **options)


def _word_counts(tokens: pd.DataFrame) -> pd.Series:
    """Words per (article_id, field, sentence_id): tokens that are neither punctuation nor space."""
    if tokens.empty:
        return pd.Series(dtype="int64")
    words = ~tokens["is_punct"].astype(bool) & (tokens["pos"] != "SPACE") & (tokens["text"].str.strip() != "")
    return words.groupby([tokens["article_id"], tokens["field"], tokens["sentence_id"]]).sum().astype("int64")


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def sentence_sentiment(
    articles: pd.DataFrame,
    *,
    annotations: Annotations | None = None,
    cache_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Score every sentence of the title and body with VADER (cached per article).

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``; ``title`` and ``status`` used when
        present (only ``status == 'ok'`` rows are scored).
    annotations : Annotations, optional
        Output of :func:`analysis.annotate.annotate` for these articles;
        computed (a cache hit after the first run) when omitted.
    cache_dir : str or Path, optional
        Cache root for annotations and sentence scores; default
        :data:`analysis.config.CACHE_DIR`.

    Returns
    -------
    pandas.DataFrame
        One row per sentence: ``article_id, field, sentence_id, start_char,
        end_char, n_words`` (tokens that are not punctuation or space),
        ``text, neg, neu, pos, compound`` (VADER) and ``label``
        (``negative``/``neutral``/``positive`` by the ±0.05 thresholds),
        sorted by ``article_id, field, sentence_id``.
    """
    rows = ok_articles(articles)
    if rows.empty:
        return _empty(SENTENCE_COLUMNS)
    ann = _annotations(rows, annotations, cache_dir)
    ids = set(rows["article_id"].astype(str))
    sents = ann.sentences[ann.sentences["article_id"].astype(str).isin(ids)]
    if sents.empty:
        return _empty(SENTENCE_COLUMNS)
    sents = sents.sort_values(["article_id", "field", "sentence_id"], kind="stable").reset_index(drop=True)
    counts = _word_counts(ann.tokens)
    keys = pd.MultiIndex.from_frame(sents[["article_id", "field", "sentence_id"]])
    n_words = counts.reindex(keys).fillna(0).astype("int64").to_numpy()
    scores = np.zeros((len(sents), 4), dtype=float)
    version = vader_version()
    texts = sents["text"].astype(str).tolist()
    rows_of = sents.groupby("article_id", sort=True).indices
    articles_sorted = list(rows_of)
    for first in range(0, len(articles_sorted), CACHE_CHUNK):
        positions = np.concatenate([rows_of[a] for a in articles_sorted[first : first + CACHE_CHUNK]])
        chunk = [texts[i] for i in positions]
        fields = sents["field"].to_numpy()[positions]
        key = cache.content_key(
            "vader", version, SENTIMENT_VERSION, *(f"{f}\x1f{t}" for f, t in zip(fields, chunk, strict=True))
        )
        hit = cache.read("sentiment", key, cache_dir)
        if hit is not None and len(hit) == len(positions):
            scores[positions] = hit[["neg", "neu", "pos", "compound"]].to_numpy(dtype=float)
            continue
        block = _score_texts(chunk)
        scores[positions] = block
        frame = pd.DataFrame(block, columns=["neg", "neu", "pos", "compound"])
        cache.write("sentiment", key, frame, cache_dir)
    out = sents.assign(n_words=n_words)
    for j, column in enumerate(["neg", "neu", "pos", "compound"]):
        out[column] = scores[:, j]
    out["label"] = _labels(out["compound"])
    return out[SENTENCE_COLUMNS]


def article_sentiment(
    sentence_table: pd.DataFrame,
    *,
    include_title: bool = False,
    n_bootstrap: int | None = None,
    seed: int | None = None,
) -> pd.DataFrame:
    """Aggregate sentence scores per article (length-weighted, with a bootstrap interval).

    Parameters
    ----------
    sentence_table : pandas.DataFrame
        Output of :func:`sentence_sentiment`: needs ``article_id, field,
        n_words, neg, neu, pos, compound``.
    include_title : bool, default False
        Also count the title's sentences (by default only the body, ``field ==
        'text'``, is aggregated).
    n_bootstrap, seed : int, optional
        Bootstrap resamples and seed; defaults from :mod:`analysis.config`.

    Returns
    -------
    pandas.DataFrame
        One row per article with at least one word: ``article_id,
        n_sentences, n_words, compound`` (mean compound weighted by
        sentence length in words), ``compound_low, compound_high`` (95%
        percentile bootstrap over sentences, seeded), ``neg, neu, pos``
        (weighted means of VADER's proportions) and ``share_negative,
        share_neutral, share_positive`` (unweighted shares of sentences by
        label), sorted by ``article_id``.
    """
    from analysis import config

    n = config.N_BOOTSTRAP if n_bootstrap is None else n_bootstrap
    seed = config.RANDOM_SEED if seed is None else seed
    table = sentence_table
    if not include_title and "field" in table.columns:
        table = table[table["field"] == "text"]
    table = table[table["n_words"] > 0]
    if table.empty:
        return _empty(ARTICLE_COLUMNS)
    w = table["n_words"].to_numpy(dtype=float)
    ci = bootstrap_mean_ci_by(
        table["compound"].to_numpy(dtype=float), table["article_id"].to_numpy(), w, n=n, seed=seed
    )
    weighted = table[["neg", "neu", "pos"]].mul(w, axis=0).assign(_w=w, _n=1.0)
    for name in ("negative", "neutral", "positive"):
        weighted[f"share_{name}"] = (_labels(table["compound"]) == name).astype(float)
    sums = weighted.groupby(table["article_id"].to_numpy(), sort=True).sum()
    out = pd.DataFrame(
        {
            "article_id": sums.index.to_numpy(),
            "n_sentences": sums["_n"].to_numpy().astype("int64"),
            "n_words": sums["_w"].to_numpy().astype("int64"),
            "compound": ci["mean"].to_numpy(),
            "compound_low": ci["low"].to_numpy(),
            "compound_high": ci["high"].to_numpy(),
        }
    )
    for column in ("neg", "neu", "pos"):
        out[column] = (sums[column] / sums["_w"]).to_numpy()
    for name in ("negative", "neutral", "positive"):
        out[f"share_{name}"] = (sums[f"share_{name}"] / sums["_n"]).to_numpy()
    return out[ARTICLE_COLUMNS]


@stage(provides="sentiment", requires=("articles",), keywords=("annotations", "cache_dir"), per_article=True)
def sentiment(
    articles: pd.DataFrame,
    *,
    level: Literal["article", "sentence"] = "article",
    annotations: Annotations | None = None,
    include_title: bool = False,
    cache_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Score sentiment with VADER per sentence and aggregate it per article.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``; ``title`` and ``status`` used when
        present. Only ``status == 'ok'`` rows are scored; an empty text gives
        no rows.
    level : {"article", "sentence"}, default "article"
        ``"sentence"`` returns :func:`sentence_sentiment`'s table,
        ``"article"`` returns :func:`article_sentiment`'s.
    annotations : Annotations, optional
        Output of :func:`analysis.annotate.annotate`; computed when omitted.
    include_title : bool, default False
        At article level, also aggregate the title's sentences.
    cache_dir : str or Path, optional
        Cache root (annotations and sentence scores).

    Returns
    -------
    pandas.DataFrame
        Sentence level: ``article_id, field, sentence_id, start_char,
        end_char, n_words, text, neg, neu, pos, compound, label``.
        Article level: ``article_id, n_sentences, n_words, compound,
        compound_low, compound_high, neg, neu, pos, share_negative,
        share_neutral, share_positive``.

    Examples
    --------
    >>> import pandas as pd
    >>> sentiment(pd.DataFrame({"article_id": ["a"], "text": [""]})).empty  # doctest: +SKIP
    True
    """
    if level not in ("article", "sentence"):
        raise ValueError(f"level must be 'article' or 'sentence', got {level!r}")
    table = sentence_sentiment(articles, annotations=annotations, cache_dir=cache_dir)
    if level == "sentence":
        return table
    return article_sentiment(table, include_title=include_title)


# --------------------------------------------------------------------------- targeted sentiment: the core


def _subtree(i: int, children: list[list[int]]) -> list[int]:
    out, stack = [], [i]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(children[node])
    return out


def select_target_tokens(
    head: Sequence[int],
    dep: Sequence[str],
    pos: Sequence[str],
    span: Sequence[int],
    *,
    window: int = TARGET_WINDOW,
) -> list[int]:
    """Choose the tokens of one sentence that carry the sentiment expressed around a target.

    The target's *clause* is the subtree of the nearest verbal ancestor of
    the target's head token (or the sentence root). Inside it, the subtrees
    of clauses that belong to something else are removed: relative and
    adnominal clauses modifying another noun (``relcl``, ``acl``), and
    adverbial, coordinated or paratactic clauses (``advcl``, ``conj``,
    ``parataxis``) that have their own subject, or any of those when the
    target is not the subject of its clause. Complement clauses (``ccomp``,
    ``xcomp``: what a subject says or tries) stay. Tokens modifying the target
    (its own subtree: adjectives, appositions, relative clauses) always stay.
    Coordinators and punctuation are dropped, and so are the target's own
    tokens (a name is not sentiment). Finally only tokens within ``window``
    tokens of the target, or on the dependency path from the target to its
    clause head, are kept.

    Parameters
    ----------
    head : sequence of int
        Index of each token's head, local to the sentence (a root points to itself).
    dep, pos : sequence of str
        spaCy dependency labels and coarse POS tags.
    span : sequence of int
        Local indices of the target's tokens.
    window : int, default :data:`TARGET_WINDOW`
        Maximum linear distance from the target span.

    Returns
    -------
    list of int
        Sorted local indices of the selected tokens (possibly empty).

    Examples
    --------
    "Putin praised the deal while Zelenskyy condemned the strikes ." with
    spaCy's parse (praised is the root, condemned an ``advcl`` with its own
    subject):

    >>> head = [1, 1, 3, 1, 6, 6, 1, 8, 6, 1]
    >>> dep = ["nsubj", "ROOT", "det", "dobj", "mark", "nsubj", "advcl", "det", "dobj", "punct"]
    >>> pos = ["PROPN", "VERB", "DET", "NOUN", "SCONJ", "PROPN", "VERB", "DET", "NOUN", "PUNCT"]
    >>> select_target_tokens(head, dep, pos, [0])
    [1, 2, 3]
    >>> select_target_tokens(head, dep, pos, [5])
    [4, 6, 7, 8]
    """
    n = len(head)
    if not any(0 <= i < n for i in span):
        return []
    head, children = _tree(head)
    return _select(head, dep, pos, span, window, children)


def _tree(head: Sequence[int]) -> tuple[list[int], list[list[int]]]:
    """Return heads (out-of-sentence heads become roots) and the children of every token."""
    n = len(head)
    fixed = [int(h) if 0 <= h < n else i for i, h in enumerate(head)]
    children: list[list[int]] = [[] for _ in range(n)]
    for i, h in enumerate(fixed):
        if h != i:
            children[h].append(i)
    return fixed, children


def _select(
    head: Sequence[int],
    dep: Sequence[str],
    pos: Sequence[str],
    span: Sequence[int],
    window: int,
    children: list[list[int]],
) -> list[int]:
    span_set = {i for i in span if 0 <= i < len(head)}
    if not span_set:
        return []

    def has_subject(i: int) -> bool:
        return any(dep[c] in _SUBJECT_DEPS for c in children[i])

    def is_clause(i: int) -> bool:
        return pos[i] in _VERBAL_POS or head[i] == i or has_subject(i)

    # head of the target span: the token whose head lies outside the span
    outside = [i for i in sorted(span_set) if head[i] not in span_set or head[i] == i]
    target_head = outside[0] if outside else min(span_set)
    path = [target_head]
    node = target_head
    while head[node] != node and not (node != target_head and is_clause(node)):
        node = head[node]
        if node in path:  # malformed tree: stop
            break
        path.append(node)
    clause_head = node
    path_set = set(path)
    # is the target (or the noun phrase holding it) the subject of the clause?
    below = path[-2] if len(path) > 1 else target_head
    target_is_subject = dep[below] in _SUBJECT_DEPS or dep[below] == "agent"
    keep_always = set(_subtree(target_head, children))

    selected: list[int] = []
    stack = [clause_head]
    while stack:
        node = stack.pop()
        if node not in keep_always and node not in path_set:
            d = dep[node]
            if d in _NOUN_CLAUSE_DEPS:
                continue
            if d in _SIDE_CLAUSE_DEPS and is_clause(node) and (has_subject(node) or not target_is_subject):
                continue
        if dep[node] not in _SKIP_DEPS and pos[node] != "PUNCT" and node not in span_set:
            selected.append(node)
        stack.extend(children[node])
    lo, hi = min(span_set) - window, max(span_set) + window
    return sorted(i for i in selected if lo <= i <= hi or i in path_set)


def _join(
    texts: Sequence[str], spaces: Sequence[bool], selected: Sequence[int], lemmas: Sequence[str] | None = None
) -> str:
    lexicon = _analyzer().lexicon
    parts: list[str] = []
    previous = None
    for i in selected:
        if previous is not None:
            parts.append(" " if (spaces[previous] or i != previous + 1) else "")
        word = texts[i]
        if lemmas is not None and word.lower() not in lexicon and str(lemmas[i]).lower() in lexicon:
            word = str(lemmas[i])
        parts.append(word)
        previous = i
    return "".join(parts)


def score_selection(
    texts: Sequence[str],
    spaces: Sequence[bool],
    selected: Sequence[int],
    lemmas: Sequence[str] | None = None,
) -> float:
    """Score the selected tokens with VADER's ``polarity_scores`` (compound, in [-1, 1]).

    Tokens are joined in sentence order (a space where the original had one
    or where tokens were skipped), so VADER's negation, booster and "but"
    rules see the words in their original order. A word missing from VADER's
    lexicon is replaced by its lemma when the lemma is in it (VADER lists
    many but not all inflections).

    Examples
    --------
    >>> score_selection(["praised", "the", "deal"], [True, True, False], [0, 1, 2]) > 0
    True
    >>> score_selection(["a"], [False], [])
    0.0
    """
    if not selected:
        return 0.0
    text = _join(texts, spaces, selected, lemmas)
    if not _has_valence(text):
        return 0.0  # exactly what VADER returns when no word is in its lexicon, only faster
    return float(_polarity(text)[3])


def _has_valence(text: str) -> bool:
    """Tell whether any word (as VADER splits and strips it) or emoji is in VADER's lexicon."""
    analyzer = _analyzer()
    lexicon = analyzer.lexicon
    if not text.isascii() and any(ch in analyzer.emojis for ch in text if ord(ch) > 0x2000):
        return True  # VADER replaces emojis by their descriptions before scoring
    for word in text.split():
        low = word.lower()
        if low in lexicon or low.strip(_PUNCTUATION) in lexicon:
            return True
    return False


_TOKEN_NEEDS = ["article_id", "field", "sentence_id", "token_id", "start_char", "end_char", "text",
                "whitespace", "dep", "head", "pos"]  # fmt: skip


def score_mentions(tokens: pd.DataFrame, spans: pd.DataFrame, *, window: int = TARGET_WINDOW) -> pd.Series:
    """Score the sentiment around each span, reading its sentence from a token table.

    This is the core shared by :func:`target_sentiment` and
    :func:`entity_sentiment`: no parsing happens here.

    Parameters
    ----------
    tokens : pandas.DataFrame
        Token table (:attr:`analysis.annotate.Annotations.tokens`): needs
        ``article_id, field, sentence_id, token_id, start_char, end_char,
        text, whitespace, dep, head, pos`` (``lemma`` used when present).
    spans : pandas.DataFrame
        Needs ``article_id, field, start_char, end_char`` (character offsets
        into that field, like the mentions table).
    window : int, default :data:`TARGET_WINDOW`
        See :func:`select_target_tokens`.

    Returns
    -------
    pandas.Series
        Compound score in [-1, 1] per span (same index as ``spans``); NaN
        where no token of the field overlaps the span.
    """
    missing = set(_TOKEN_NEEDS) - set(tokens.columns)
    if missing:
        raise ValueError(f"tokens need columns {sorted(missing)}")
    missing = {"article_id", "field", "start_char", "end_char"} - set(spans.columns)
    if missing:
        raise ValueError(f"spans need columns {sorted(missing)}")
    result = np.full(len(spans), np.nan)
    if spans.empty or tokens.empty:
        return pd.Series(result, index=spans.index, dtype=float)
    toks = tokens.sort_values(["article_id", "field", "token_id"], kind="stable")
    groups = toks.groupby([toks["article_id"].astype(str), toks["field"]], sort=False).indices
    span_keys = list(zip(spans["article_id"].astype(str), spans["field"], strict=True))
    starts = spans["start_char"].to_numpy()
    ends = spans["end_char"].to_numpy()
    names = ["sentence_id", "token_id", "start_char", "end_char", "text", "whitespace", "dep", "head", "pos"]
    columns = {c: toks[c].to_numpy() for c in names}
    lemmas = toks["lemma"].to_numpy() if "lemma" in toks.columns else None
    rows_by_key: dict[tuple[str, str], list[int]] = {}
    for row, key in enumerate(span_keys):
        rows_by_key.setdefault(key, []).append(row)
    for key, rows in rows_by_key.items():
        positions = groups.get(key)
        if positions is None:
            continue
        t_start = columns["start_char"][positions]
        t_end = columns["end_char"][positions]
        sids = columns["sentence_id"][positions]
        memo: dict[int, tuple] = {}  # sentence_id -> its token lists and tree
        # tokens overlapping each span: with offsets in reading order (always, for a parse) and finite
        # span offsets, they are the slice between two binary searches
        ordered = (
            bool(np.all(t_start[1:] >= t_start[:-1]) and np.all(t_end[1:] >= t_end[:-1]))
            and not pd.isna(starts[rows]).any()
            and not pd.isna(ends[rows]).any()
        )
        if ordered:
            first_hit = np.searchsorted(t_end, starts[rows], side="right")
            after_hit = np.searchsorted(t_start, ends[rows], side="left")
        for n_row, row in enumerate(rows):
            if ordered:
                hit = np.arange(first_hit[n_row], max(first_hit[n_row], after_hit[n_row]))
            else:
                hit = np.nonzero((t_start < ends[row]) & (t_end > starts[row]))[0]
            if hit.size == 0:
                continue
            sid = int(sids[hit[0]])
            sentence = memo.get(sid)
            if sentence is None:
                inside = np.nonzero(sids == sid)[0]
                lo, hi = int(inside[0]), int(inside[-1]) + 1
                sent = positions[lo:hi]
                first_id = int(columns["token_id"][sent[0]])
                head, children = _tree([int(h) - first_id for h in columns["head"][sent]])
                dep = columns["dep"][sent].tolist()
                pos = columns["pos"][sent].tolist()
                text = columns["text"][sent].tolist()
                ws = columns["whitespace"][sent].tolist()
                lemma = None if lemmas is None else lemmas[sent].tolist()
                # a score depends only on the sentence's tokens and parse, the span and the window:
                # a sentence seen before (wire copy, boilerplate) reuses its scores
                content = (tuple(head), tuple(dep), tuple(pos), tuple(text), tuple(ws),
                           None if lemma is None else tuple(lemma), window)  # fmt: skip
                if len(_SENTENCE_SCORES) >= SENTENCE_SCORES_CACHE_SIZE and content not in _SENTENCE_SCORES:
                    _SENTENCE_SCORES.clear()
                scores = _SENTENCE_SCORES.setdefault(content, {})
                sentence = (lo, hi, head, children, dep, pos, text, ws, lemma, scores)
                memo[sid] = sentence
            lo, hi, head, children, dep, pos, text, ws, lemma, scores = sentence
            span_local = tuple(int(i) - lo for i in hit if lo <= i < hi)
            score = scores.get(span_local)
            if score is None:
                selected = _select(head, dep, pos, list(span_local), window, children)
                score = scores[span_local] = score_selection(text, ws, selected, lemma)
            result[row] = score
    return pd.Series(result, index=spans.index, dtype=float)


#: Sentence (tokens, parse, window) -> {target span: score}, shared across calls (cleared when full).
_SENTENCE_SCORES: dict[tuple, dict[tuple[int, ...], float]] = {}
#: Sentences kept in :data:`_SENTENCE_SCORES`. An entry holds the sentence's tokens and parse (~3 kB):
#: 65,536 of them were ~200 MB in every lane of a long run; 16,384 (~50 MB) keep most repeats (wire
#: copy is usually in the same or a nearby chunk).
SENTENCE_SCORES_CACHE_SIZE = 1 << 14


# --------------------------------------------------------------------------- targeted sentiment: public


def _find_target(text: str, target: str) -> list[tuple[int, int]]:
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(p) for p in target.split()) + r"(?!\w)"
    found = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    if not found:
        found = [(m.start(), m.end()) for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
    return found


def _doc_table(doc) -> pd.DataFrame:
    """Turn a parsed passage into the token-table columns the scoring core needs."""
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
def _parse(text: str) -> pd.DataFrame:
    from analysis.annotate import load_model

    return _doc_table(load_model()(text))


def target_sentiment(text: str, target: str, *, window: int = TARGET_WINDOW) -> float:
    """Score the sentiment expressed around ``target`` in a sentence or passage.

    The passage is parsed with the project's cached spaCy model
    (:func:`analysis.annotate.load_model`). Each occurrence of ``target``
    (whole words; case-sensitive, else case-insensitive) is scored on the
    tokens :func:`select_target_tokens` picks in its sentence (the target's
    clause without other actors' clauses, within ``window`` tokens) with
    VADER's ``polarity_scores``; the result is the mean over occurrences.
    Convention: the score is the sentiment expressed *in the target's
    clause*, whether the target is the agent or the patient ("X condemned
    Y" is negative for both), and what a subject says counts for the subject.

    Parameters
    ----------
    text : str
        A sentence or short passage.
    target : str
        Surface string to look for (e.g. ``"Zelenskyy"``).
    window : int, default :data:`TARGET_WINDOW`
        Maximum distance in tokens from the target.

    Returns
    -------
    float
        Compound score in [-1, 1]; NaN when the target does not occur in the
        text (or either string is empty), never 0 for "unknown".

    Examples
    --------
    >>> s = "Putin praised the deal while Zelenskyy condemned the strikes."
    >>> target_sentiment(s, "Putin") > 0 > target_sentiment(s, "Zelenskyy")  # doctest: +SKIP
    True
    >>> import math; math.isnan(target_sentiment(s, "Macron"))
    True
    """
    if not isinstance(text, str) or not isinstance(target, str) or not text.strip() or not target.strip():
        return float("nan")
    matches = _find_target(text, target.strip())
    if not matches:
        return float("nan")
    table = _parse(text)
    spans = pd.DataFrame(
        {
            "article_id": "passage",
            "field": "text",
            "start_char": [s for s, _ in matches],
            "end_char": [e for _, e in matches],
        }  # fmt: skip
    )
    scores = score_mentions(table, spans, window=window).dropna()
    return float(scores.mean()) if len(scores) else float("nan")


def sentence_vader(text: str) -> float:
    """Return whole-text VADER compound (the baseline :func:`target_sentiment` is compared with)."""
    if not isinstance(text, str) or not text.strip():
        return float("nan")
    return float(_analyzer().polarity_scores(text)["compound"])


# --------------------------------------------------------------------------- entity sentiment


@stage(
    provides="entity_sentiment",
    requires=("articles", "mentions"),
    keywords=("annotations", "cache_dir"),
    per_article=True,
)
def entity_sentiment(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    level: Literal["article", "mention", "corpus"] = "article",
    annotations: Annotations | None = None,
    by: str | None = None,
    window: int = TARGET_WINDOW,
    cache_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Score the sentiment around every entity mention and aggregate per article and entity.

    Mentions are scored from the cached token table with the same core as
    :func:`target_sentiment` (nothing is re-parsed).

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text`` (``title``, ``status`` used when
        present; only ``ok`` rows count). With ``level="corpus"`` and ``by``,
        also the ``by`` column.
    mentions : pandas.DataFrame
        Output of :func:`analysis.entity_mentions` (see
        ``docs/architecture.md``): needs ``article_id, field, start_char,
        end_char, canonical``; ``text``, ``sentence_id``, ``kind`` are kept
        when present.
    level : {"article", "mention", "corpus"}, default "article"
        ``"mention"``: one row per mention with its score;
        ``"article"``: per article x canonical entity;
        ``"corpus"``: per canonical entity (and ``by`` group), interval
        bootstrapped over articles, not mentions.
    annotations : Annotations, optional
        Output of :func:`analysis.annotate.annotate`; computed when omitted.
    by : str, optional
        Article column to group by at corpus level (e.g. ``"outlet"``).
    window : int, default :data:`TARGET_WINDOW`
        See :func:`select_target_tokens`.
    cache_dir : str or Path, optional
        Cache root for the annotations.

    Returns
    -------
    pandas.DataFrame
        Mention level: the mention columns plus ``sentiment`` (NaN when the
        mention is not in the token table) and ``label``.
        Article level: ``article_id, canonical, n_mentions, n_scored,
        sentiment`` (mean over mentions), ``sentiment_low, sentiment_high``
        (95% bootstrap over mentions, seeded), ``share_negative,
        share_positive`` (of scored mentions).
        Corpus level: ``[by,] canonical, n_articles, n_mentions, n_scored,
        sentiment`` (mean over mentions), ``sentiment_low, sentiment_high``
        (bootstrap over articles), ``share_negative, share_positive``.
        Sorted by the grouping columns.
    """
    if level not in ("article", "mention", "corpus"):
        raise ValueError(f"level must be 'article', 'mention' or 'corpus', got {level!r}")
    missing = {"article_id", "field", "start_char", "end_char", "canonical"} - set(mentions.columns)
    if missing:
        raise ValueError(f"mentions need columns {sorted(missing)}; got {list(mentions.columns)}")
    if by is not None and by not in articles.columns:
        raise ValueError(f"by={by!r} is not a column of articles")
    rows = ok_articles(articles)
    ids = set(rows["article_id"].astype(str))
    kept = mentions[mentions["article_id"].astype(str).isin(ids)].reset_index(drop=True)
    if kept.empty:
        scored = kept.assign(sentiment=pd.Series(dtype=float), label=pd.Series(dtype=object))
    else:
        ann = _annotations(rows, annotations, cache_dir)
        scored = kept.assign(sentiment=score_mentions(ann.tokens, kept, window=window).to_numpy())
        scored["label"] = _labels(scored["sentiment"])
    order = [c for c in ("article_id", "field", "start_char", "end_char") if c in scored.columns]
    scored = scored.sort_values(order, kind="stable").reset_index(drop=True)
    if level == "mention":
        return scored
    if level == "article":
        return _aggregate_articles(scored)
    return _aggregate_corpus(scored, rows, by)


def _shares(values: np.ndarray) -> tuple[float, float]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan"), float("nan")
    return float(np.mean(values <= NEGATIVE_THRESHOLD)), float(np.mean(values >= POSITIVE_THRESHOLD))


def _aggregate_articles(scored: pd.DataFrame) -> pd.DataFrame:
    if scored.empty:
        return _empty(ENTITY_COLUMNS)
    keys = pd.MultiIndex.from_arrays([scored["article_id"].astype(str), scored["canonical"].astype(str)])
    values = scored["sentiment"].to_numpy(dtype=float)
    ci = bootstrap_mean_ci_by(values, keys.to_flat_index().to_numpy())
    finite = np.isfinite(values)
    parts = pd.DataFrame(
        {
            "n": 1,
            "negative": (finite & (values <= NEGATIVE_THRESHOLD)).astype(float),
            "positive": (finite & (values >= POSITIVE_THRESHOLD)).astype(float),
        }
    )
    sums = parts.groupby(keys.to_flat_index().to_numpy(), sort=True).sum()
    scored_n = ci["n"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        negative = np.where(scored_n > 0, sums["negative"].to_numpy() / scored_n, np.nan)
        positive = np.where(scored_n > 0, sums["positive"].to_numpy() / scored_n, np.nan)
    return pd.DataFrame(
        {
            "article_id": [k[0] for k in ci.index],
            "canonical": [k[1] for k in ci.index],
            "n_mentions": sums["n"].to_numpy().astype("int64"),
            "n_scored": scored_n,
            "sentiment": ci["mean"].to_numpy(),
            "sentiment_low": ci["low"].to_numpy(),
            "sentiment_high": ci["high"].to_numpy(),
            "share_negative": negative,
            "share_positive": positive,
        },
        columns=ENTITY_COLUMNS,
    )


def _aggregate_corpus(scored: pd.DataFrame, rows: pd.DataFrame, by: str | None) -> pd.DataFrame:
    columns = ([by] if by else []) + CORPUS_ENTITY_COLUMNS
    if scored.empty:
        return _empty(columns)
    if by:
        groups_of = dict(zip(rows["article_id"].astype(str), rows[by], strict=True))
        scored = scored.assign(**{by: scored["article_id"].astype(str).map(groups_of)})
    keys = ([by] if by else []) + ["canonical"]
    values_all = scored["sentiment"].to_numpy(dtype=float)
    articles_all = scored["article_id"].astype(str).to_numpy()
    records = []
    for key, positions in sorted(
        scored.groupby(keys, sort=False, dropna=False).indices.items(), key=_sort_key
    ):
        key = key if isinstance(key, tuple) else (key,)
        values, article_ids = values_all[positions], articles_all[positions]
        ci = bootstrap_grouped_mean_ci(values, article_ids)
        negative, positive = _shares(values)
        record = dict(zip(keys, key, strict=True))
        record.update(
            {
                "n_articles": len(set(article_ids)),
                "n_mentions": len(positions),
                "n_scored": int(np.isfinite(values).sum()),
                "sentiment": ci.mean,
                "sentiment_low": ci.low,
                "sentiment_high": ci.high,
                "share_negative": negative,
                "share_positive": positive,
            }
        )
        records.append(record)
    return pd.DataFrame.from_records(records, columns=columns)


def _sort_key(item: tuple) -> tuple:
    key = item[0] if isinstance(item[0], tuple) else (item[0],)
    return tuple((x is None or x != x, str(x)) for x in key)


# --------------------------------------------------------------------------- evaluation


def evaluate_target_sentiment(labels: pd.DataFrame, *, window: int = TARGET_WINDOW) -> pd.DataFrame:
    """Compare :func:`target_sentiment` with whole-sentence VADER on hand-labelled pairs.

    Parameters
    ----------
    labels : pandas.DataFrame
        Needs ``sentence, target, label`` (``negative``/``neutral``/``positive``);
        ``split`` is used when present (scores per split and for ``all``).
    window : int, default :data:`TARGET_WINDOW`
        Passed to :func:`target_sentiment`.

    Returns
    -------
    pandas.DataFrame
        ``split, method`` (``target_sentiment`` or ``sentence_vader``),
        ``n, macro_f1, accuracy``, sorted by ``split, method``.
    """
    from sklearn.metrics import accuracy_score, f1_score

    missing = {"sentence", "target", "label"} - set(labels.columns)
    if missing:
        raise ValueError(f"labels need columns {sorted(missing)}")
    pairs = zip(labels["sentence"], labels["target"], strict=True)
    data = labels.assign(
        target_sentiment=[target_sentiment(s, t, window=window) for s, t in pairs],
        sentence_vader=[sentence_vader(s) for s in labels["sentence"]],
    )
    splits = [("all", data)]
    if "split" in data.columns:
        splits += [(str(name), group) for name, group in data.groupby("split", sort=True)]
    classes = ["negative", "neutral", "positive"]
    records = []
    for name, group in splits:
        for method in ("sentence_vader", "target_sentiment"):
            predicted = group[method].map(label_of).replace("", "neutral")
            records.append(
                {
                    "split": name,
                    "method": method,
                    "n": len(group),
                    "macro_f1": float(
                        f1_score(group["label"], predicted, labels=classes, average="macro", zero_division=0)
                    ),
                    "accuracy": float(accuracy_score(group["label"], predicted)),
                }  # fmt: skip
            )
    return pd.DataFrame.from_records(records).sort_values(["split", "method"]).reset_index(drop=True)


# --------------------------------------------------------------------------- aggregation of stored tables


def entity_sentiment_summary(
    article_table: pd.DataFrame, articles: pd.DataFrame, *, by: str | None = None
) -> pd.DataFrame:
    """Aggregate per-article targeted sentiment to the corpus or to groups, without re-scoring mentions.

    Gives the same numbers as ``entity_sentiment(articles, mentions,
    level="corpus", by=by)`` from the article-level table that
    :func:`analysis.run` stores (``result["entity_sentiment"]``): the pooled
    mean over mentions is the per-article means weighted by ``n_scored``, and
    the interval resamples whole articles exactly as
    :func:`analysis.core.stats.bootstrap_grouped_mean_ci` does on the mentions.

    Parameters
    ----------
    article_table : pandas.DataFrame
        ``entity_sentiment(level="article")``: ``article_id, canonical,
        n_mentions, n_scored, sentiment, share_negative, share_positive``.
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text`` (``status`` used when present; only
        ``ok`` rows with text count) and the ``by`` column.
    by : str, optional
        Article column to group by (e.g. ``"outlet"``); None gives one row per entity.

    Returns
    -------
    pandas.DataFrame
        ``[by,] canonical, n_articles, n_mentions, n_scored, sentiment, sentiment_low,
        sentiment_high, share_negative, share_positive``, sorted by the grouping columns.

    Raises
    ------
    ValueError
        When ``by`` is not a column of ``articles``.
    """
    if by is not None and by not in articles.columns:
        raise ValueError(f"by={by!r} is not a column of articles")
    columns = ([by] if by else []) + CORPUS_ENTITY_COLUMNS
    rows = ok_articles(articles)
    ids = rows["article_id"].astype(str)
    table = article_table[article_table["article_id"].astype(str).isin(set(ids))]
    if table.empty:
        return _empty(columns)
    table = table.assign(article_id=table["article_id"].astype(str))
    if by:
        table[by] = table["article_id"].map(dict(zip(ids, rows[by], strict=True)))
    keys = ([by] if by else []) + ["canonical"]
    scored = table["n_scored"].to_numpy(dtype=float)
    means = table["sentiment"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        negative = np.where(scored > 0, np.round(table["share_negative"].to_numpy(dtype=float) * scored), 0.0)
        positive = np.where(scored > 0, np.round(table["share_positive"].to_numpy(dtype=float) * scored), 0.0)
    mentions = table["n_mentions"].to_numpy(dtype="int64")
    article_ids = table["article_id"].to_numpy()
    records = []
    groups = table.groupby(keys, sort=False, dropna=False).indices
    for key, positions in sorted(groups.items(), key=_sort_key):
        key = key if isinstance(key, tuple) else (key,)
        ci = bootstrap_grouped_mean_ci(means[positions], article_ids[positions], scored[positions])
        n_scored = int(scored[positions].sum())
        record = dict(zip(keys, key, strict=True))
        record.update(
            {
                "n_articles": len(set(article_ids[positions])),
                "n_mentions": int(mentions[positions].sum()),
                "n_scored": n_scored,
                "sentiment": ci.mean,
                "sentiment_low": ci.low,
                "sentiment_high": ci.high,
                "share_negative": negative[positions].sum() / n_scored if n_scored else float("nan"),
                "share_positive": positive[positions].sum() / n_scored if n_scored else float("nan"),
            }
        )
        records.append(record)
    return pd.DataFrame.from_records(records, columns=columns)


if __name__ == "__main__":  # python -m analysis.measures.sentiment tests/data/target_sentiment_labels.csv
    import sys

    print(evaluate_target_sentiment(pd.read_csv(sys.argv[1])).to_string(index=False))
