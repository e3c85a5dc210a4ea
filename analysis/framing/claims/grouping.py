"""Claims: sentences that report the same fact across the articles of one story (:func:`claims`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.core.stage import need, stage
from analysis.framing._evidence import ok_articles, restrict
from analysis.framing.claims.hedges import flag_hedged, hedge_keys
from analysis.framing.claims.pairs import MIN_WORD_SIMILARITY
from analysis.framing.claims.scoring import block_links
from analysis.framing.claims.vectors import BlockVectors
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


@stage(
    provides="claims",
    requires=("articles", "sentences", "_hedges", "stories"),
    per_article=False,
    columns=CLAIM_COLUMNS,
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
    opts = options or ClaimOptions()
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    rows = ok_articles(articles)
    story_of = comparable_stories(rows, stories)
    rows = rows[rows["article_id"].isin(story_of.index)]
    if sentences is None or hedges is None:
        ann = need(annotations, "annotations= (or sentences= and hedges=)", "claims")
        sentences = ann.sentences if sentences is None else sentences
        hedges = hedge_keys(restrict(ann.tokens, rows["article_id"])) if hedges is None else hedges
    sents = restrict(sentences, rows["article_id"])
    if sents.empty:
        return pd.DataFrame(columns=CLAIM_COLUMNS)
    sents = sents[sents["field"].isin(opts.fields)].copy()
    sents["article_id"] = sents["article_id"].astype(str)
    sents = sents[sents["text"].astype(str).str.count(r"\w+") >= opts.min_words]
    if sents.empty:
        return pd.DataFrame(columns=CLAIM_COLUMNS)
    outlet = rows["outlet"].astype(str) if "outlet" in rows.columns else rows["article_id"]
    outlet_of = dict(zip(rows["article_id"], outlet, strict=True))
    sents = sents.assign(
        outlet=sents["article_id"].map(outlet_of),
        story=sents["article_id"].map(story_of),
        _field_order=sents["field"].map({"title": 0, "text": 1}).fillna(2),
    )
    sents = sents.sort_values(["story", "article_id", "_field_order", "start_char"], kind="stable")
    sents = sents.reset_index(drop=True)
    texts = sents["text"].astype(str).to_numpy()
    block_rows = list(sents.groupby("story", sort=True).indices.values())
    # pass 1: vocabularies and document frequencies over every block; pass 2: one block's vectors at a time
    vectors = BlockVectors(word_weight=opts.word_weight)
    block_rows = sorted(block_rows, key=lambda ix: ix[0])  # the sentences' order, as one fit sees them
    numbers = [vectors.add(texts[idx].tolist()) for idx in block_rows]
    n = len(sents)
    labels = np.full(n, -1, dtype=np.int64)
    best = np.full(n, np.nan)
    copy = np.zeros(n, dtype=bool)
    arts = sents["article_id"].to_numpy()
    outs = sents["outlet"].to_numpy()
    next_label = 0
    links = block_links(
        vectors, texts, block_rows, numbers,
        threshold=opts.threshold, k=opts.k, min_word_similarity=opts.min_word_similarity,
        n_process=opts.n_process,
    )  # fmt: skip
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
    grp = sents.groupby("claim_id")
    sents["n_sentences"] = grp["article_id"].transform("size")
    sents["n_articles"] = grp["article_id"].transform("nunique")
    sents["n_outlets"] = grp["outlet"].transform("nunique")
    pairs = sents[["claim_id", "outlet"]].drop_duplicates().sort_values(["claim_id", "outlet"])
    sents["outlets"] = sents["claim_id"].map(pairs.groupby("claim_id")["outlet"].agg(";".join))
    sents["shared_copy"] = sents["shared_copy"].astype(bool)
    sents["hedged"] = flag_hedged(sents, hedges)
    sents = sents.rename(columns={"text": "sentence"})
    sents = sents.sort_values(
        ["story", "claim_id", "article_id", "_field_order", "start_char"], kind="stable"
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
