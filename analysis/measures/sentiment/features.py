"""Features of one target in one parsed sentence, for the trained target-sentiment model.

Everything here works on the token rows of one sentence (as the cached token
table holds them: text, lemma, pos, dep, head, whitespace) and the local
indices of the target's tokens; nothing is parsed. The same code builds the
training rows (``eval/train_sentiment.py``) and the rows scored at inference
(:mod:`analysis.measures.sentiment.model`), so the two cannot drift apart.

The features (a sparse ``{name: value}`` mapping):

* the target's grammatical role: its dependency label, its governor's label
  and lemma, the head verb of its clause and the role/verb pair (``nsubj|praise``,
  ``dobj|accuse``), possessive, pronoun;
* reported speech: the target is the speaker of a reporting verb (``X said``)
  or sits inside what someone else says (``X said Y was a liar``);
* VADER lexicon valence (lemma fallback) of words in the target's clause
  (the clause-VADER selection), outside the clause, in the target's own
  modifiers, on the dependency path from the target to the root, in the whole
  sentence and in a distance-weighted window, split into positive and negative
  mass; the clause-VADER compound; negation in the clause and its interaction
  with the clause score;
* bags of lemmas: within 3 tokens of the target (``w:``), in the clause
  selection (``c:``), on the dependency path (``p:``) and in the sentence (``s:``).

Besides this sparse mapping, :func:`target_inputs` gives a dense vector: the mean
GloVe word vector (:mod:`analysis.measures.sentiment.vectors`) of each region in
:data:`REGIONS` (the words just left and right of the target, its clause
selection, its dependency path to the root, the rest of the sentence). Word
vectors carry what the training sentences said about a word to its neighbours
in meaning, so they help on words the training data never saw.

Bump :data:`FEATURES_VERSION` when a feature changes (the model records the version
it was trained with and refuses a mismatch).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from analysis.measures.sentiment.clause import (
    SUBJECT_DEPS,
    TARGET_WINDOW,
    VERBAL_POS,
    clause_path,
    score_words,
    select_on_path,
    subtree,
    tree,
    vader_words,
)
from analysis.measures.sentiment.lexicon import analyzer, negations
from analysis.measures.sentiment.vectors import DIM, mean_vectors, word_ids

FEATURES_VERSION = "3"
#: Regions of the sentence whose mean word vector is a block of the dense features, in this order.
REGIONS = ("left", "right", "clause", "path", "sentence")
#: Content words each side of the target in the ``left`` / ``right`` regions.
VECTOR_WINDOW = 5
#: Length of the dense feature vector.
N_DENSE = DIM * len(REGIONS)

#: Lemmas of verbs that introduce reported speech or a stance (speaker is the subject).
REPORTING_VERBS = frozenset(
    """say tell claim state add note argue insist explain write report announce declare warn
    accuse blame charge allege deny admit acknowledge suggest believe think contend assert maintain
    testify told tweet post complain criticize criticise praise call describe""".split()
)
#: Words that hedge what follows (the model learns their weight).
HEDGES = frozenset("allegedly reportedly apparently purportedly may might could possibly perhaps".split())
#: Coarse POS of content words (the ``s:`` bag and the word-vector regions).
CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV", "PROPN", "INTJ", "AUX"})
#: Coarse POS left out of the lemma bags.
LEMMA_SKIP_POS = frozenset({"PUNCT", "SPACE", "DET", "NUM", "SYM", "X"})


@dataclass
class Sentence:
    """One parsed sentence, prepared once for any number of targets in it."""

    text: list[str]
    ws: list[bool]
    lemma: list[str]
    pos: list[str]
    dep: list[str]
    head: list[int]
    children: list[list[int]]
    valence: list[float]
    negated: list[bool]
    vector_ids: np.ndarray
    #: :func:`analysis.measures.sentiment.clause.vader_words` of the sentence (None: not computed yet)
    vader: list[str] | None = None
    #: the tokens outside each clause, computed once for all the sentence's targets (:meth:`outside`)
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def vader_words(self) -> list[str]:
        """Return :func:`analysis.measures.sentiment.clause.vader_words` of the sentence (computed once)."""
        if self.vader is None:
            self.vader = vader_words(self.text, self.lemma)
        return self.vader

    def outside(self, node: int) -> list[int]:
        """Return the tokens outside the subtree of ``node``, in order (computed once per node)."""
        key = ("outside", node)
        found = self.memo.get(key)
        if found is None:
            inside = set(subtree(node, self.children))
            found = self.memo[key] = [i for i in range(len(self.text)) if i not in inside]
        return found


def prepare(
    text: Sequence[str],
    ws: Sequence[bool],
    lemma: Sequence[str] | None,
    pos: Sequence[str],
    dep: Sequence[str],
    head: Sequence[int],
    *,
    vocabulary: Mapping[str, int] | None = None,
) -> Sentence:
    """Prepare a sentence's token lists (``head`` local to the sentence; out-of-range heads become roots).

    ``vocabulary`` maps lower-cased words to their word-vector rows
    (:func:`analysis.measures.sentiment.vectors.lookup`, made once for many
    sentences); without it the rows are looked up here.
    """
    fixed, children = tree(head)
    texts = [str(t) for t in text]
    lemmas = [str(x).lower() for x in (lemma if lemma is not None else texts)]
    lexicon = analyzer().lexicon
    neg = negations()
    valence, negated = [], []
    for word, lem in zip(texts, lemmas, strict=True):
        low = word.lower()
        value = lexicon.get(low)
        if value is None:
            value = lexicon.get(lem, 0.0)
        valence.append(float(value))
        negated.append(low in neg or lem in neg)
    if vocabulary is None:
        ids = word_ids(texts)
        if (ids < 0).any():
            ids = np.where(ids < 0, word_ids(lemmas), ids)
    else:
        ids = np.fromiter(
            (vocabulary.get(t.lower(), vocabulary.get(m, -1)) for t, m in zip(texts, lemmas, strict=True)),
            dtype=np.int64,
            count=len(texts),
        )
    return Sentence(texts, [bool(w) for w in ws], lemmas, [str(p) for p in pos], [str(d) for d in dep],
                    fixed, children, valence, negated, ids)  # fmt: skip


def _masses(sentence: Sentence, indices, prefix: str, out: dict[str, float], weights=None) -> None:
    pos_mass = neg_mass = 0.0
    for k, i in enumerate(indices):
        v = sentence.valence[i]
        if not v:
            continue
        w = 1.0 if weights is None else weights[k]
        if v > 0:
            pos_mass += v * w
        else:
            neg_mass -= v * w
    if pos_mass:
        out[prefix + "_pos"] = pos_mass / 4.0
    if neg_mass:
        out[prefix + "_neg"] = neg_mass / 4.0


def target_features(
    sentence: Sentence, span: Sequence[int], *, window: int = TARGET_WINDOW
) -> dict[str, float]:
    """Return the sparse feature mapping of the target at local token indices ``span``.

    Examples
    --------
    "Putin praised the deal ." (praised is the root):

    >>> s = prepare(["Putin", "praised", "the", "deal", "."], [True, True, True, False, False],
    ...             ["Putin", "praise", "the", "deal", "."], ["PROPN", "VERB", "DET", "NOUN", "PUNCT"],
    ...             ["nsubj", "ROOT", "det", "dobj", "punct"], [1, 1, 3, 1, 1])
    >>> f = target_features(s, [0])
    >>> f["role:nsubj|praise"], f["clause_vader"] > 0
    (1.0, True)
    """
    return _analyse(sentence, span, window)[0]


def target_inputs(
    sentence: Sentence, span: Sequence[int], *, window: int = TARGET_WINDOW
) -> tuple[dict[str, float], np.ndarray]:
    """Return the sparse feature mapping and the dense vector (length :data:`N_DENSE`) of one target.

    The dense vector concatenates the mean word vector of each region of
    :data:`REGIONS` (zeros for an empty region or a word without a vector).

    Examples
    --------
    >>> s = prepare(["Putin", "praised", "the", "deal", "."], [True, True, True, False, False],
    ...             ["Putin", "praise", "the", "deal", "."], ["PROPN", "VERB", "DET", "NOUN", "PUNCT"],
    ...             ["nsubj", "ROOT", "det", "dobj", "punct"], [1, 1, 3, 1, 1])
    >>> f, v = target_inputs(s, [0])
    >>> v.shape == (N_DENSE,), bool(v[:50].any()), bool(v[50:100].any())
    (True, False, True)
    """
    features, groups = target_parts(sentence, span, window=window)
    return features, mean_vectors(groups).ravel()


def target_parts(
    sentence: Sentence, span: Sequence[int], *, window: int = TARGET_WINDOW
) -> tuple[dict[str, float], list[np.ndarray]]:
    """Return the sparse feature mapping and, per region of :data:`REGIONS`, the vector rows of its words.

    :func:`analysis.measures.sentiment.vectors.mean_vectors` turns the rows of
    many targets into their dense vectors at once (what :func:`target_inputs`
    does for one).
    """
    features, regions = _analyse(sentence, span, window)
    ids = sentence.vector_ids
    groups = []
    for name in REGIONS:
        members = regions.get(name)
        rows = ids[np.asarray(members, dtype=np.int64)] if members else ids[:0]
        groups.append(rows[rows >= 0])
    return features, groups


def _analyse(sentence: Sentence, span: Sequence[int], window: int) -> tuple[dict[str, float], dict]:
    """Return the sparse features of a target and the token indices of its :data:`REGIONS`.

    The reference implementation, one target at a time: :func:`tree_part` (what needs the
    dependency tree) plus :func:`linear_part` (what depends only on token positions, which
    :func:`analysis.measures.sentiment.batch.linear_parts` computes for many targets at once).
    """
    n = len(sentence.text)
    span_set = {i for i in span if 0 <= i < n}
    if not span_set:
        return {"bias_feature": 1.0}, {}
    out, regions = tree_part(sentence, span_set, window)
    linear, linear_regions = linear_part(sentence, span_set)
    out.update(linear)
    regions.update(linear_regions)
    return out, {name: regions[name] for name in REGIONS}


def linear_part(sentence: Sentence, span_set: set[int]) -> tuple[dict[str, float], dict[str, list[int]]]:
    """Return the features that depend only on token positions, and the ``left/right/sentence`` regions.

    ``lex_all`` and the distance-weighted ``lex_win`` masses, the ``w:`` (within 3 tokens) and
    ``s:`` (sentence) lemma bags, and the content words left and right of the target and in
    the rest of the sentence (``span_set``: the target's local token indices, not empty).
    """
    n = len(sentence.text)
    pos, lemma = sentence.pos, sentence.lemma
    out: dict[str, float] = {}
    others = [i for i in range(n) if i not in span_set]
    lo, hi = min(span_set), max(span_set)
    distance = [min(abs(i - lo), abs(i - hi)) for i in others]
    _masses(sentence, others, "lex_all", out)
    _masses(sentence, others, "lex_win", out, [1.0 / (1.0 + d / 3.0) for d in distance])
    for i, d in zip(others, distance, strict=True):
        if pos[i] in LEMMA_SKIP_POS:
            continue
        if d <= 3:
            out["w:" + lemma[i]] = 1.0
        if pos[i] in CONTENT_POS:
            out["s:" + lemma[i]] = 0.5

    def content(indices) -> list[int]:
        return [i for i in indices if pos[i] in CONTENT_POS and i not in span_set]

    regions = {
        "left": content(range(lo - 1, -1, -1))[:VECTOR_WINDOW],
        "right": content(range(hi + 1, n))[:VECTOR_WINDOW],
        "sentence": content(range(n)),
    }
    return out, regions


def tree_part(sentence: Sentence, span_set: set[int], window: int) -> tuple[dict[str, float], dict]:
    """Return the features that need the dependency tree, and the ``clause/path`` regions.

    Role, governor, clause head, reported speech, the clause-VADER selection and its
    score, negation and hedges, the lexicon masses of the selection, outside the clause,
    in the target's own modifiers, on the path to the root and of the governor, and the
    ``c:`` / ``p:`` lemma bags (``span_set``: the target's local token indices, not empty).
    """
    n = len(sentence.text)
    out: dict[str, float] = {"bias_feature": 1.0}
    head, dep, pos, lemma, children = (
        sentence.head,
        sentence.dep,
        sentence.pos,
        sentence.lemma,
        sentence.children,
    )

    # path to the clause head (as the clause-VADER selection walks it) and on to the root
    th, path, clause_head = clause_path(head, dep, pos, span_set, children)
    node = clause_head
    below = path[-2] if len(path) > 1 else th
    to_root = list(path)
    while head[node] != node and len(to_root) < n:
        node = head[node]
        if node in to_root:
            break
        to_root.append(node)

    # role
    out["dep:" + dep[th]] = 1.0
    role = dep[below] if below != th or len(path) > 1 else dep[th]
    verb = lemma[clause_head]
    out["role:" + role] = 1.0
    out["verb:" + verb] = 1.0
    out["role:" + role + "|" + verb] = 1.0
    if head[th] != th:
        out["gov:" + dep[th] + "|" + lemma[head[th]]] = 1.0
    if pos[th] == "PRON":
        out["pronoun"] = 1.0
    if dep[th] == "poss" or any(dep[c] == "case" for c in children[th]):
        out["possessive"] = 1.0
    if th == clause_head and head[th] == th:
        out["target_is_root"] = 1.0

    # reported speech: speaker of a reporting verb, or inside what someone else reports
    for k in range(1, len(to_root)):
        node = to_root[k]
        if lemma[node] in REPORTING_VERBS and pos[node] in VERBAL_POS:
            child = to_root[k - 1]
            if dep[child] in SUBJECT_DEPS:
                out["speaker"] = 1.0
                out["speaker:" + lemma[node]] = 1.0
            elif dep[child] in ("ccomp", "xcomp", "parataxis", "advcl"):
                out["reported"] = 1.0
            else:
                out["reporting_object:" + lemma[node]] = 1.0
            break

    # clause-VADER and the sentence
    th_subtree = subtree(th, children)
    selected = select_on_path(head, dep, pos, span_set, window, children, (th, path, clause_head), th_subtree)
    clause_score = score_words(sentence.vader_words(), sentence.ws, selected)
    out["clause_vader"] = clause_score
    negated = any(sentence.negated[i] for i in selected) or any(
        dep[c] == "neg" for c in children[clause_head]
    )
    if negated:
        out["negated"] = 1.0
        out["negated_x_clause"] = clause_score
    if any(lemma[i] in HEDGES for i in selected):
        out["hedged"] = 1.0

    # lexicon masses in regions
    own = [i for i in th_subtree if i not in span_set]
    _masses(sentence, selected, "lex_sel", out)
    _masses(sentence, [i for i in sentence.outside(clause_head) if i not in span_set], "lex_out", out)
    _masses(sentence, own, "lex_own", out)
    _masses(sentence, [i for i in to_root[1:] if i not in span_set], "lex_path", out)
    if head[th] != th:
        v = sentence.valence[head[th]]
        if v:
            out["lex_gov"] = v / 4.0

    # bags of lemmas
    for i in selected:
        if pos[i] not in LEMMA_SKIP_POS:
            out["c:" + lemma[i]] = 1.0
    for i in to_root[1:]:
        if i not in span_set:
            out["p:" + lemma[i]] = 1.0

    # regions of the dense word-vector features (content words only)
    def content(indices) -> list[int]:
        return [i for i in indices if pos[i] in CONTENT_POS and i not in span_set]

    return out, {"clause": content(selected), "path": content(to_root[1:])}


#: Token-table columns the targeted methods read (``lemma`` used when present).
TOKEN_NEEDS = ("article_id", "field", "sentence_id", "token_id", "start_char", "end_char", "text",
               "whitespace", "dep", "head", "pos")  # fmt: skip


def overlapping_tokens(t_start, t_end, starts, ends):
    """Yield, per span ``[starts[i], ends[i])``, the indices of the tokens overlapping it, in order.

    ``t_start``/``t_end`` are one text's token offsets. With offsets in reading order (always, for a
    parse) and finite span offsets, each span's tokens are the slice between two binary searches;
    otherwise every token is tested.
    """
    import pandas as pd

    ordered = (
        bool(np.all(t_start[1:] >= t_start[:-1]) and np.all(t_end[1:] >= t_end[:-1]))
        and not pd.isna(starts).any()
        and not pd.isna(ends).any()
    )
    if ordered:
        first = np.searchsorted(t_end, starts, side="right")
        after = np.searchsorted(t_start, ends, side="left")
        for a, b in zip(first, after, strict=True):
            yield np.arange(a, max(a, b))
    else:
        for start, end in zip(starts, ends, strict=True):
            yield np.nonzero((t_start < end) & (t_end > start))[0]


def sentence_spans(tokens, spans):
    """Yield ``(row, sentence, span)`` for every span found in the token table.

    ``sentence`` is a tuple ``(text, whitespace, lemma, pos, dep, head)`` of the
    span's sentence (``head`` local to the sentence; the same tuple object for
    every span of one sentence, and equal tuples for repeated sentences, so a
    caller can memoise on it); ``span`` the local indices of the tokens
    overlapping ``[start_char, end_char)``. Spans with no overlapping token are
    not yielded. ``row`` is the position in ``spans``.
    """
    import numpy as np

    missing = set(TOKEN_NEEDS) - set(tokens.columns)
    if missing:
        raise ValueError(f"tokens need columns {sorted(missing)}")
    missing = {"article_id", "field", "start_char", "end_char"} - set(spans.columns)
    if missing:
        raise ValueError(f"spans need columns {sorted(missing)}")
    if spans.empty or tokens.empty:
        return
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
        memo: dict[int, tuple] = {}
        hits = overlapping_tokens(t_start, t_end, starts[rows], ends[rows])
        for row, hit in zip(rows, hits, strict=True):
            if hit.size == 0:
                continue
            sid = int(sids[hit[0]])
            found = memo.get(sid)
            if found is None:
                inside = np.nonzero(sids == sid)[0]
                lo, hi = int(inside[0]), int(inside[-1]) + 1
                sent = positions[lo:hi]
                first_id = int(columns["token_id"][sent[0]])
                found = memo[sid] = (lo, hi, (
                    tuple(columns["text"][sent].tolist()),
                    tuple(bool(w) for w in columns["whitespace"][sent].tolist()),
                    None if lemmas is None else tuple(lemmas[sent].tolist()),
                    tuple(columns["pos"][sent].tolist()),
                    tuple(columns["dep"][sent].tolist()),
                    tuple(int(h) - first_id for h in columns["head"][sent]),
                ))  # fmt: skip
            lo, hi, sentence = found
            yield row, sentence, tuple(int(i) - lo for i in hit if lo <= i < hi)
