"""Claims: sentences that report the same fact across the articles of one story (:func:`claims`)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis import config
from analysis.core.stage import Incremental, need, stage
from analysis.framing._evidence import ok_articles, restrict
from analysis.framing.claims.hedges import flag_hedged, hedge_keys
from analysis.framing.claims.pairs import MIN_WORD_SIMILARITY, top_per_row
from analysis.framing.claims.scoring import block_links
from analysis.framing.claims.vectors import BlockVectors, FrozenVectors
from analysis.framing.stories import stories as find_stories

if TYPE_CHECKING:  # pragma: no cover
    from analysis.annotate import Annotations


#: Default similarity at or above which two sentences report the same claim (see docs/framing.md).
THRESHOLD = 0.30
#: Default similarity at or above which sentences from different outlets are shared copy.
COPY_THRESHOLD = 0.85

CLAIM_COLUMNS: tuple[str, ...] = (
    "claim_id", "story", "article_id", "outlet", "field", "sentence_id", "start_char", "end_char",
    "sentence", "n_sentences", "n_articles", "n_outlets", "outlets", "best_similarity", "shared_copy",
    "hedged",
)  # fmt: skip


@dataclass(frozen=True)
class ClaimOptions:
    """How :func:`claims` links sentences into claims.

    Attributes
    ----------
    threshold : float, default :data:`THRESHOLD`
        Similarity (0..1, see :func:`~analysis.framing.claims.vectors.similarity`) at or above
        which two sentences are linked into one claim.
    copy_threshold : float, default :data:`COPY_THRESHOLD`
        Similarity at or above which sentences of different outlets are shared copy.
    k : int, default 10
        Nearest neighbours examined per sentence within its block.
    min_words : int, default 6
        Sentences with fewer words are not claims (headings, credits).
    word_weight : float, default 0.5
        Weight of word TF-IDF against character TF-IDF.
    min_word_similarity : float, default :data:`MIN_WORD_SIMILARITY`
        Word TF-IDF cosine two sentences need before they are compared at all (see
        :func:`~analysis.framing.claims.pairs.linked_pairs`): a pair below it shares at most a
        common content word, and could reach ``threshold`` only through near-identical
        character n-grams. It keeps large event blocks from costing n x n comparisons; 0
        compares every pair.
    fields : tuple of str, default ("text",)
        Fields whose sentences are compared. Headlines are left out by default: they
        compress the story into headline-ese that shares few words with the body
        sentence reporting the same fact, so they would mostly show up as false omissions.
    n_process : int, optional
        Processes that score story blocks in parallel (forked; the result is the same).
        Default :data:`analysis.config.SPACY_N_PROCESS`, used only when the blocks hold at
        least :data:`~analysis.framing.claims.scoring.PARALLEL_MIN_SENTENCES` sentences.

    Raises
    ------
    ValueError
        For a threshold outside (0, 1], ``k < 1`` or ``min_word_similarity`` outside [0, 1].
    """

    threshold: float = THRESHOLD
    copy_threshold: float = COPY_THRESHOLD
    k: int = 10
    min_words: int = 6
    word_weight: float = 0.5
    min_word_similarity: float = MIN_WORD_SIMILARITY
    fields: tuple[str, ...] = ("text",)
    n_process: int | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0 or not 0.0 < self.copy_threshold <= 1.0:
            raise ValueError(f"thresholds must be in (0, 1], got {self.threshold}, {self.copy_threshold}")
        if not 0.0 <= self.min_word_similarity <= 1.0:
            raise ValueError(f"min_word_similarity must be in [0, 1], got {self.min_word_similarity}")
        if self.k < 1:
            raise ValueError(f"k must be >= 1, got {self.k}")


def _build_index(articles, sentences=None, hedges=None, stories=None):
    """Return :func:`build_claims` with the default options (the pipeline's full build)."""
    return build_claims(articles, sentences, hedges, stories)


def _update_index(index, articles, sentences=None, hedges=None, stories=None):
    """Return :func:`update_claims` (the pipeline's update)."""
    return update_claims(index, articles, sentences, hedges, stories)


@stage(
    provides="claims",
    requires=("articles", "sentences", "_hedges", "stories"),
    per_article=False,
    columns=CLAIM_COLUMNS,
    incremental=Incremental(build=_build_index, update=_update_index),
)
def claims(
    articles: pd.DataFrame,
    sentences: pd.DataFrame | None = None,
    hedges: pd.DataFrame | None = None,
    stories: pd.DataFrame | None = None,
    *,
    annotations: Annotations | None = None,
    options: ClaimOptions | None = None,
) -> pd.DataFrame:
    """Group sentences that report the same fact across the articles of one comparable story.

    Only articles in a story covered by at least two outlets (``comparable`` in the
    stories table) are compared, each with the other articles of its story.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``; ``outlet``, ``event``, ``date``, ``title`` and
        ``status`` are used when present (only ``status == 'ok'`` rows).
    sentences : pandas.DataFrame, optional
        Sentence table (``article_id, field, sentence_id, start_char, end_char,
        text``), e.g. the pipeline's ``sentences``; default: the annotations'.
    hedges : pandas.DataFrame, optional
        Output of :func:`hedged_sentences` for these articles; default: computed from
        the annotations' token table.
    stories : pandas.DataFrame, optional
        Output of :func:`analysis.framing.stories.stories` (``article_id, story,
        comparable``); computed from ``articles`` (text only) when None.
    annotations : Annotations, optional
        Output of :func:`analysis.annotate.annotate`, used when ``sentences`` or
        ``hedges`` is None (``analysis.claims(articles)`` computes the tables it needs).
    options : ClaimOptions, optional
        Thresholds, neighbours, the fields compared and processes; default ``ClaimOptions()``.

    Returns
    -------
    pandas.DataFrame
        One row per eligible sentence of an article in a comparable story: ``claim_id``,
        ``story`` (from the stories table), ``article_id,
        outlet, field, sentence_id, start_char, end_char, sentence`` (the evidence),
        ``n_sentences, n_articles, n_outlets, outlets`` (of the claim, outlets
        ``;``-separated), ``best_similarity`` (to the closest linked sentence of another
        article, NaN if none) and ``shared_copy`` (near-identical to a sentence of
        another outlet), ``hedged`` (the sentence carries a hedging modal or adverb: could,
        may, might, likely, reportedly...: speculation or commentary rather than a
        reported fact; False when there is no token table). Sorted by story, claim_id,
        article, offset.

    """
    return build_claims(
        articles, sentences, hedges, stories, annotations=annotations, options=options, index=False
    )[0]


@dataclass
class ClaimIndex:
    """What :func:`build_claims` computed, kept so :func:`update_claims` scores only new sentences.

    Attributes
    ----------
    options : ClaimOptions
        The options it was built with (``n_process`` aside).
    word_terms, word_idf, gram_terms, gram_idf : pyarrow.Array, numpy.ndarray
        The vocabularies (Arrow string arrays) and IDF of the last full build (frozen until the next).
    keys : numpy.ndarray
        Per indexed sentence (the claims' rows, in order), a hash of its article, field, offsets,
        text and outlet.
    stories : numpy.ndarray
        Per indexed sentence, its story.
    word_counts : scipy.sparse.csr_matrix
        Per indexed sentence, its counts of the frozen word vocabulary.
    pairs : tuple of numpy.ndarray
        ``(a, b, similarity)``: every sentence's linked neighbours, as rows of ``keys``.
    n_built : int
        Sentences at the last full build.
    stop_words : frozenset
        The word view's stop words.
    n_added : int
        New sentences added by updates since the last full build.
    mode : str
        ``build`` or ``update``: how this index was made.
    computed : int
        Sentences whose links this run computed.
    """

    options: ClaimOptions
    word_terms: Any
    word_idf: np.ndarray
    gram_terms: Any
    gram_idf: np.ndarray
    keys: np.ndarray
    stories: np.ndarray
    word_counts: Any
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray]
    n_built: int
    stop_words: frozenset = frozenset()
    n_added: int = 0
    mode: str = "build"
    computed: int = 0

    def __getitem__(self, name: str):  # the pipeline reads mode and computed by key
        return getattr(self, name)


def _claim_sentences(
    articles: pd.DataFrame,
    sentences: pd.DataFrame | None,
    hedges: pd.DataFrame | None,
    stories: pd.DataFrame | None,
    annotations: Annotations | None,
    opts: ClaimOptions,
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Return the eligible sentences (sorted by story, article, field, offset) and the hedge keys."""
    rows = ok_articles(articles)
    story_of = comparable_stories(rows, stories)
    rows = rows[rows["article_id"].isin(story_of.index)]
    if sentences is None or hedges is None:
        ann = need(annotations, "annotations= (or sentences= and hedges=)", "claims")
        sentences = ann.sentences if sentences is None else sentences
        hedges = hedge_keys(restrict(ann.tokens, rows["article_id"])) if hedges is None else hedges
    sents = _eligible(sentences, rows, opts)
    if sents.empty:
        return None
    sents = sents.assign(
        story=sents["article_id"].map(story_of),
        _field_order=sents["field"].map({"title": 0, "text": 1}).fillna(2),
    )
    sents = sents.sort_values(["story", "article_id", "_field_order", "start_char"], kind="stable")
    return sents.reset_index(drop=True), hedges


def _eligible(sentences: pd.DataFrame, rows: pd.DataFrame, opts: ClaimOptions) -> pd.DataFrame:
    """Return the sentences of ``rows``' articles that can be claims (field, length), with their outlet."""
    sents = restrict(sentences, rows["article_id"])
    sents = sents[sents["field"].isin(opts.fields)].copy()
    sents["article_id"] = sents["article_id"].astype(str)
    sents = sents[_has_words(sents["text"].astype(str).to_numpy(dtype=object), opts.min_words)]
    outlet = rows["outlet"].astype(str) if "outlet" in rows.columns else rows["article_id"]
    return sents.assign(outlet=sents["article_id"].map(dict(zip(rows["article_id"], outlet, strict=True))))


@functools.lru_cache(maxsize=8)
def _words_pattern(n: int) -> re.Pattern[str]:
    r"""Match ``n`` runs of word characters (``\w+``) apart: found when a text has at least ``n`` of them."""
    return re.compile(r"(?<!\w)\w++" + r"\W++\w++" * (n - 1))


def _has_words(texts: np.ndarray, n: int) -> np.ndarray:
    r"""Return whether each text has at least ``n`` words (``\w+`` matches), stopping at the ``n``-th.

    >>> _has_words(np.array(["one two, three", "one-two", ""], dtype=object), 3).tolist()
    [True, False, False]
    """
    if n <= 0:
        return np.ones(len(texts), dtype=bool)
    search = _words_pattern(n).search
    return np.fromiter((search(t) is not None for t in texts), dtype=bool, count=len(texts))


def _left_stories(
    missing: np.ndarray,
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    stories: pd.DataFrame | None,
    opts: ClaimOptions,
) -> bool:
    """Return whether the ``missing`` sentence keys all belong to articles that only left the stories.

    That is: each is an unchanged sentence of an article still in the corpus but no longer in a
    comparable story (so the corpus only grew).
    """
    rows = ok_articles(articles)
    rows = rows[~rows["article_id"].isin(comparable_stories(rows, stories).index)]
    outside = _eligible(sentences, rows, opts)
    return bool(len(outside)) and bool(np.isin(missing, _sentence_keys(outside)).all())


def _sentence_keys(sents: pd.DataFrame) -> np.ndarray:
    """Return a hash per eligible sentence of what its vector and links depend on (not its story)."""
    cols = ["article_id", "field", "sentence_id", "start_char", "end_char", "text", "outlet"]
    present = sents[[c for c in cols if c in sents.columns]].astype(str)
    return pd.util.hash_pandas_object(present, index=False).to_numpy()


def build_claims(
    articles: pd.DataFrame,
    sentences: pd.DataFrame | None = None,
    hedges: pd.DataFrame | None = None,
    stories: pd.DataFrame | None = None,
    *,
    annotations: Annotations | None = None,
    options: ClaimOptions | None = None,
    index: bool = True,
) -> tuple[pd.DataFrame, ClaimIndex | None]:
    """Return :func:`claims`' table and (``index=True``) the :class:`ClaimIndex` to update it with."""
    opts = options or ClaimOptions()
    prepared = _claim_sentences(articles, sentences, hedges, stories, annotations, opts)
    if prepared is None:
        return pd.DataFrame(columns=CLAIM_COLUMNS), (_empty_index(opts) if index else None)
    sents, hedges = prepared
    texts = sents["text"].astype(str).to_numpy()
    block_rows = list(sents.groupby("story", sort=True).indices.values())
    # pass 1: vocabularies and document frequencies over every block; pass 2: one block's vectors at a time
    vectors = BlockVectors(word_weight=opts.word_weight)
    block_rows = sorted(block_rows, key=lambda ix: ix[0])  # the sentences' order, as one fit sees them
    numbers = [vectors.add(texts[idx].tolist()) for idx in block_rows]
    frozen = vectors.frozen() if index else None  # before pass 2 lets the vocabularies go
    links = block_links(
        vectors, texts, block_rows, numbers,
        threshold=opts.threshold, k=opts.k, min_word_similarity=opts.min_word_similarity,
        n_process=opts.n_process,
    )  # fmt: skip
    table = _assemble(sents, hedges, block_rows, links, opts)
    if not index:
        return table, None
    ga = [np.asarray(idx)[a] for idx, (a, _, _) in zip(block_rows, links, strict=True)]
    gb = [np.asarray(idx)[b] for idx, (_, b, _) in zip(block_rows, links, strict=True)]
    pairs = (_cat(ga, np.int64), _cat(gb, np.int64), _cat([sv for _, _, sv in links], np.float64))
    built = ClaimIndex(
        _plain(opts), *frozen[:4], _sentence_keys(sents), sents["story"].astype(str).to_numpy(), frozen[4],
        pairs, n_built=len(sents), stop_words=frozen[5], computed=len(sents),
    )  # fmt: skip
    return table, built


def update_claims(
    index: ClaimIndex,
    articles: pd.DataFrame,
    sentences: pd.DataFrame | None = None,
    hedges: pd.DataFrame | None = None,
    stories: pd.DataFrame | None = None,
    *,
    options: ClaimOptions | None = None,
) -> tuple[pd.DataFrame, ClaimIndex] | None:
    """Return :func:`claims`' table by scoring only the sentences ``index`` has not linked yet.

    Sentence vectors use the index's frozen vocabularies and IDF (terms it never saw are
    ignored). In a story whose indexed sentences are all still there, each new sentence is
    scored against the story's sentences (its word candidates, as :func:`linked_pairs`
    finds them) and each old sentence keeps its ``k`` best links among its indexed ones and
    the new sentences; a story that lost or gained an indexed sentence (an article moved) is
    scored again in full; a story without a new sentence keeps its links. The claims are then
    formed from all links as :func:`claims` forms them.

    Returns None (rebuild in full) when the options differ from the index's; when an indexed
    sentence is gone or changed, unless its article is still here, unchanged, outside every
    comparable story (so the table never keeps statistics of a corpus this one did not grow
    from: a subset of an earlier corpus is built in full); or when the sentences added and
    dropped since the last full build would exceed :data:`analysis.config.INCREMENTAL_REBUILD_SHARE`
    of those it was built on.
    """
    opts = options or ClaimOptions()
    if _plain(opts) != index.options or index.n_built == 0:
        return None
    prepared = _claim_sentences(articles, sentences, hedges, stories, None, opts)
    if prepared is None:
        return None
    sents, hedges = prepared
    keys = _sentence_keys(sents)
    if len(np.unique(index.keys)) != len(index.keys) or len(np.unique(keys)) != len(keys):
        return None
    old_pos = pd.Index(index.keys).get_indexer(keys)
    fresh = old_pos < 0
    missing = index.keys[pd.Index(keys).get_indexer(index.keys) < 0]
    if len(missing) and not _left_stories(missing, articles, sentences, stories, opts):
        return None  # an indexed sentence is gone or changed: this corpus did not grow from the index's
    added = index.n_added + int(fresh.sum()) + len(missing)
    if added > config.INCREMENTAL_REBUILD_SHARE * index.n_built:
        return None
    texts = sents["text"].astype(str).to_numpy()
    story = sents["story"].astype(str).to_numpy()
    block_rows = sorted(sents.groupby("story", sort=True).indices.values(), key=lambda ix: ix[0])
    frozen = FrozenVectors(
        index.word_terms, index.word_idf, index.gram_terms, index.gram_idf,
        word_weight=opts.word_weight, stop_words=index.stop_words,
    )  # fmt: skip
    counts = _word_counts(index, frozen, old_pos, texts)
    indexed_per_story = pd.Series(index.stories).value_counts()
    here_of_old = np.full(len(index.keys), -1, dtype=np.int64)
    here_of_old[old_pos[~fresh]] = np.flatnonzero(~fresh)
    pa, pb = here_of_old[index.pairs[0]], here_of_old[index.pairs[1]]
    valid = (pa >= 0) & (pb >= 0)
    pa, pb, ps = pa[valid], pb[valid], index.pairs[2][valid]
    links = []
    computed = 0
    for idx in block_rows:
        idx = np.asarray(idx)
        lo, hi = int(idx[0]), int(idx[-1]) + 1
        mine = (pa >= lo) & (pa < hi)
        kept = (pa[mine] - lo, pb[mine] - lo, ps[mine])
        old_here = ~fresh[idx]
        whole = bool(
            (index.stories[old_pos[idx[old_here]]] == story[lo]).all()
            and indexed_per_story.get(story[lo], 0) == int(old_here.sum())
        )
        if whole and old_here.all():
            links.append(kept)
            continue
        new_rows = np.flatnonzero(~old_here) if whole else np.arange(len(idx))
        if not whole:
            kept = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
        computed += len(new_rows)
        links.append(
            new_links(frozen, counts[lo:hi], texts[lo:hi], new_rows, kept, opts)
        )
    table = _assemble(sents, hedges, block_rows, links, opts)
    ga = [np.asarray(idx)[a] for idx, (a, _, _) in zip(block_rows, links, strict=True)]
    gb = [np.asarray(idx)[b] for idx, (_, b, _) in zip(block_rows, links, strict=True)]
    pairs = (_cat(ga, np.int64), _cat(gb, np.int64), _cat([sv for _, _, sv in links], np.float64))
    updated = ClaimIndex(
        index.options, index.word_terms, index.word_idf, index.gram_terms, index.gram_idf, keys, story,
        counts, pairs, n_built=index.n_built, stop_words=index.stop_words, n_added=added, mode="update",
        computed=computed,
    )  # fmt: skip
    return table, updated


def new_links(
    frozen: FrozenVectors,
    counts: Any,
    texts: np.ndarray,
    new_rows: np.ndarray,
    kept: tuple[np.ndarray, np.ndarray, np.ndarray],
    opts: ClaimOptions,
    *,
    max_candidates: int = 100,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the links of one story's sentences after ``new_rows`` joined it (block-local rows).

    ``kept`` holds the links of its other sentences among themselves. Each new sentence's
    candidates are the ``max_candidates`` sentences closest by word cosine (at least
    ``min_word_similarity``), as :func:`linked_pairs` finds them; an old sentence's candidates
    are the new sentences at that word cosine. Candidates are scored exactly, and every sentence
    keeps its ``k`` best links at or above the threshold.
    """
    n = len(texts)
    words = frozen.word_view(counts)
    fresh_words = words[new_rows]
    cos = (fresh_words @ words.T).tocoo()  # new sentence x every sentence of the story
    f, other, v = new_rows[cos.row], cos.col.astype(np.int64), cos.data
    ok = (f != other) & (v >= opts.min_word_similarity - 1e-12)
    if opts.min_word_similarity <= 0:  # every pair is a candidate
        f = np.repeat(new_rows, n)
        other = np.tile(np.arange(n), len(new_rows))
        v = np.ones(len(f))
        ok = f != other
    f, other, v = f[ok], other[ok], v[ok]
    is_new = np.zeros(n, dtype=bool)
    is_new[new_rows] = True
    fa, fb, _ = top_per_row(f, other, v, max(max_candidates, opts.k))  # a new sentence's candidates
    back = ~is_new[other]  # old sentence -> new sentence: every candidate (no cap)
    ca = np.concatenate([fa, other[back]])
    cb = np.concatenate([fb, f[back]])
    needed = np.unique(np.concatenate([ca, cb]))
    if not len(needed):
        return top_per_row(*kept, opts.k)
    x = frozen.vectors(counts[needed], texts[needed].tolist())
    # a pair found from both ends (a new sentence's candidate that also picks it back) is scored once:
    # the products of the two rows, and so their sum, do not depend on which row comes first
    lo, hi = np.minimum(ca, cb), np.maximum(ca, cb)
    pair, back_to = np.unique(lo * n + hi, return_inverse=True)
    at = np.searchsorted(needed, pair // n), np.searchsorted(needed, pair % n)
    sims = np.asarray(x[at[0]].multiply(x[at[1]]).sum(axis=1)).ravel()[back_to]
    good = sims >= opts.threshold - 1e-12
    a = np.concatenate([kept[0], ca[good]])
    b = np.concatenate([kept[1], cb[good]])
    s = np.concatenate([kept[2], sims[good]])
    return top_per_row(a, b, s, opts.k)


def _word_counts(index: ClaimIndex, frozen: FrozenVectors, old_pos: np.ndarray, texts: np.ndarray) -> Any:
    """Return every sentence's frozen word counts: the index's for indexed sentences, counted for new ones."""
    from scipy import sparse

    fresh = np.flatnonzero(old_pos < 0)
    old = np.flatnonzero(old_pos >= 0)
    parts = [index.word_counts[old_pos[old]], frozen.word_counts(texts[fresh].tolist())]
    stacked = sparse.vstack(parts).tocsr()
    order = np.empty(len(old_pos), dtype=np.int64)
    order[np.concatenate([old, fresh])] = np.arange(len(old_pos))
    return stacked[order]


def _cat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)


def _plain(opts: ClaimOptions) -> ClaimOptions:
    """Return the options without ``n_process`` (which changes how, not what, claims computes)."""
    return replace(opts, n_process=None)


def _empty_index(opts: ClaimOptions) -> ClaimIndex:
    from scipy import sparse

    z = np.zeros(0, dtype=object)
    return ClaimIndex(
        _plain(opts), z, np.zeros(0), z, np.zeros(0), np.zeros(0, dtype=np.uint64), z,
        sparse.csr_matrix((0, 0)), (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)),
        n_built=0,
    )  # fmt: skip


def _assemble(
    sents: pd.DataFrame,
    hedges: pd.DataFrame,
    block_rows: list,
    links: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    opts: ClaimOptions,
) -> pd.DataFrame:
    """Return the claims table: each story's links made claims (connected components), then their columns."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    n = len(sents)
    labels = np.full(n, -1, dtype=np.int64)
    best = np.full(n, np.nan)
    copy = np.zeros(n, dtype=bool)
    arts = sents["article_id"].to_numpy()
    outs = sents["outlet"].to_numpy()
    next_label = 0
    for idx, (a, b, sv) in zip(block_rows, links, strict=True):
        idx = np.asarray(idx)
        edges_i = edges_j = np.zeros(0, dtype=np.int64)
        if len(idx) > 1:
            edges_i, edges_j = a, b
            gi, gj = idx[a], idx[b]
            other = arts[gi] != arts[gj]
            if other.any():
                top = pd.Series(sv[other]).groupby(gi[other]).max()
                pos = top.index.to_numpy()
                best[pos] = np.where(np.isnan(best[pos]), top.to_numpy(), np.fmax(best[pos], top.to_numpy()))
                shared = other & (outs[gi] != outs[gj]) & (sv >= opts.copy_threshold - 1e-12)
                copy[gi[shared]] = True
                copy[gj[shared]] = True
        graph = sparse.coo_matrix((np.ones(len(edges_i)), (edges_i, edges_j)), shape=(len(idx), len(idx)))
        _, comp = connected_components(graph, directed=False)
        # number components in order of first sentence, so ids are stable
        _, first = np.unique(comp, return_index=True)
        order = np.empty(len(first), dtype=np.int64)
        order[np.argsort(first, kind="stable")] = np.arange(len(first))
        labels[idx] = next_label + order[comp]
        next_label += len(first)
    sents["_label"] = labels
    sents["best_similarity"] = best
    sents["shared_copy"] = copy
    width = max(4, len(str(next_label)))
    sents["claim_id"] = ["C" + str(lab + 1).zfill(width) for lab in labels]
    # grouped and sorted by the integer label: its claim id is zero-padded to one width (same order)
    grp = sents.groupby("_label")
    sents["n_sentences"] = grp["article_id"].transform("size")
    sents["n_articles"] = grp["article_id"].transform("nunique")
    sents["n_outlets"] = grp["outlet"].transform("nunique")
    pairs = sents[["_label", "outlet"]].drop_duplicates().sort_values(["_label", "outlet"])
    sents["outlets"] = sents["_label"].map(pairs.groupby("_label")["outlet"].agg(";".join))
    sents["shared_copy"] = sents["shared_copy"].astype(bool)
    sents["hedged"] = flag_hedged(sents, hedges)
    sents = sents.rename(columns={"text": "sentence"})
    sents = sents.sort_values(
        ["story", "_label", "article_id", "_field_order", "start_char"], kind="stable"
    )
    return sents[list(CLAIM_COLUMNS)].reset_index(drop=True)


def comparable_stories(articles: pd.DataFrame, stories: pd.DataFrame | None) -> pd.Series:
    """Return the story of each article in a comparable story, indexed by ``article_id``.

    ``stories`` is the output of :func:`analysis.framing.stories.stories`; when None it is
    computed from ``articles``. Articles of the stories table that are not ``ok`` are left out.

    Raises
    ------
    ValueError
        When ``stories`` lacks ``article_id``, ``story`` or ``comparable``.
    """
    table = find_stories(articles) if stories is None else stories
    missing = sorted({"article_id", "story", "comparable"} - set(table.columns))
    if missing:
        raise ValueError(f"stories needs columns {missing}; got {list(table.columns)}")
    ok = set(articles["article_id"].astype(str))
    keep = table[table["comparable"].astype(bool) & table["story"].notna()]
    keep = keep[keep["article_id"].astype(str).isin(ok)]
    return pd.Series(keep["story"].astype(str).to_numpy(), index=keep["article_id"].astype(str).to_numpy())
