"""Coverage and omission: group sentences that report the same fact across articles.

Each eligible sentence (at least ``min_words`` words) becomes a vector that mixes two
scikit-learn TF-IDF views fitted on all eligible sentences of the call:

* word unigrams and bigrams (English stop words removed, sublinear tf), weight ``word_weight``;
* character n-grams of 3-5 within word boundaries (robust to inflection and to glued or
  mistranslated words), weight ``1 - word_weight``.

Both views are L2-normalised and scaled by the square root of their weight, so the dot
product of two sentence vectors is the weighted mean of the two cosine similarities.

Comparison is blocked: sentences are compared only with sentences of articles on the
same ``event`` (or, for articles without an event, in the same ``date_window_days``
window; articles with neither share one block). Within a block, a pair is scored only
when its word-view cosine reaches ``min_word_similarity`` (0.1: more than one common
content word in common), found with a cheap sparse product of the word view; those
candidates get their exact similarity, and each sentence keeps its ``k`` most similar
at or above ``threshold`` (:func:`linked_pairs`). Character n-grams make almost every
pair of sentences share something, so scoring every pair costs n x n per block; the
prefilter changes no link on the seeds or on the 2,000-article benchmark corpus (both
tested or measured against the exhaustive search, ``min_word_similarity=0``). Blocks
are scored in forked worker processes (:func:`analysis.core.parallel.fork_map`) when
there are many sentences. Linked pairs form connected components: the claims. Pairs
from different outlets at or above ``copy_threshold`` are flagged as shared copy
(wire or syndicated text).

Modules: :mod:`.vectors` (the TF-IDF views), :mod:`.pairs` (nearest sentences of a block),
:mod:`.scoring` (event blocks, scored in workers), :mod:`.hedges` (speculation flags),
:mod:`.grouping` (:func:`claims`), :mod:`.omissions` (:func:`omissions`, :func:`claim_matrix`).
"""

from analysis.framing.claims.grouping import CLAIM_COLUMNS, COPY_THRESHOLD, THRESHOLD, ClaimOptions, claims
from analysis.framing.claims.hedges import HEDGE_ADVERBS, HEDGE_COLUMNS, HEDGE_MODALS, hedged_sentences
from analysis.framing.claims.omissions import OMISSION_COLUMNS, claim_matrix, omission_counts, omissions
from analysis.framing.claims.pairs import MIN_WORD_SIMILARITY, linked_pairs
from analysis.framing.claims.scoring import BLOCK_BYTES_PER_CHAR, PARALLEL_MIN_SENTENCES
from analysis.framing.claims.vectors import sentence_vectors, similarity

__all__ = [
    "BLOCK_BYTES_PER_CHAR", "CLAIM_COLUMNS", "COPY_THRESHOLD", "HEDGE_ADVERBS", "HEDGE_COLUMNS",
    "HEDGE_MODALS", "MIN_WORD_SIMILARITY", "OMISSION_COLUMNS", "PARALLEL_MIN_SENTENCES", "THRESHOLD",
    "ClaimOptions", "claim_matrix", "claims", "hedged_sentences", "linked_pairs", "omission_counts",
    "omissions", "sentence_vectors", "similarity",
]  # fmt: skip
