"""Entity counts per group and for the corpus, with bootstrap intervals over articles."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis import config
from analysis.core.stage import need, stage
from analysis.measures.entities.crosslink import link_across_articles
from analysis.schema import ok_articles

if TYPE_CHECKING:  # pragma: no cover
    from analysis.annotate import Annotations

# --------------------------------------------------------------------------- frequencies

#: The value of the grouping column on the rows that count the whole corpus.
CORPUS_ROWS = "(corpus)"
#: Columns after the grouping column (named after ``by``: ``outlet`` by default).
FREQUENCY_COLUMNS: tuple[str, ...] = (
    "canonical", "kind", "count", "count_low", "count_high", "per_1000_words", "per_1000_words_low",
    "per_1000_words_high", "share_sentences", "share_sentences_low", "share_sentences_high",
    "n_articles", "share_articles", "n_articles_total", "n_words_total", "n_sentences_total",
)  # fmt: skip


def word_counts(articles: pd.DataFrame) -> pd.Series:
    """Return each article's word count (``n_words`` when complete, else words of ``text``)."""
    if "n_words" in articles.columns and articles["n_words"].notna().all():
        return articles["n_words"].astype(float)
    text = articles["text"].fillna("").astype(str)
    return text.str.split().str.len().astype(float)


def _quantiles(draws: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Return the ``alpha`` and ``1 - alpha`` NaN-ignoring quantiles of every column of ``draws``.

    Columns without NaN go through one vectorised :func:`numpy.quantile` call (the same
    values :func:`numpy.nanquantile` gives per column); the others column by column.
    """
    low = np.empty(draws.shape[1])
    high = np.empty(draws.shape[1])
    has_nan = np.isnan(draws).any(axis=0)
    clean = np.flatnonzero(~has_nan)
    if clean.size:
        q = np.quantile(draws[:, clean], [alpha, 1 - alpha], axis=0)
        low[clean], high[clean] = q[0], q[1]
    for j in np.flatnonzero(has_nan):
        low[j] = np.nanquantile(draws[:, j], alpha)
        high[j] = np.nanquantile(draws[:, j], 1 - alpha)
    return low, high


def _resampled_sum(values: np.ndarray, weights_t: np.ndarray) -> np.ndarray:
    """Return ``values @ weights_t`` (articles' values summed per resample; weights are whole numbers).

    Whole values give whole sums, exact in any order: then a sparse product, which needs no BLAS
    threads (on a busy machine they spin); other values go through the dense product itself.
    """
    whole = bool(np.all(np.isfinite(values)) and np.all(values == np.floor(values)))
    if not whole or float(np.abs(values).sum()) * max(len(values), 1) >= 2.0**52:
        return values @ weights_t
    from scipy import sparse

    return np.asarray(sparse.csr_matrix(values[None, :]) @ weights_t).ravel()


@dataclass(frozen=True)
class FrequencyOptions:
    """How :func:`entity_frequencies` groups, links and bootstraps.

    Attributes
    ----------
    by : str
        Any article column (``outlet``, ``event``, ...).
    n_boot : int
        Bootstrap resamples (articles drawn with replacement within a group).
    ci : float
        Interval coverage.
    link : bool
        First link people across articles and give each entity one kind
        (:func:`~analysis.measures.entities.crosslink.link_across_articles`,
        searching the ``by`` group first, then the corpus).
    """

    by: str = "outlet"
    n_boot: int = config.N_BOOTSTRAP
    ci: float = 0.95
    link: bool = True


@stage(
    provides="entity_frequencies",
    requires=("articles", "mentions", "sentences"),
    per_article=False,
    columns=("outlet", *FREQUENCY_COLUMNS),
)
def entity_frequencies(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    sentences: pd.DataFrame | None = None,
    *,
    annotations: Annotations | None = None,
    options: FrequencyOptions | None = None,
    **kw: Any,
) -> pd.DataFrame:
    """Count canonical entities per group and for the corpus, with bootstrap intervals over articles.

    Parameters
    ----------
    articles : pandas.DataFrame
        ``article_id``, ``text`` and the ``by`` column; ``n_words`` used
        when present (else words of ``text`` are counted).
    mentions : pandas.DataFrame
        Output of :func:`entity_mentions` (``article_id, sentence_id,
        field, canonical, kind``).
    sentences : pandas.DataFrame, optional
        The sentence table (``article_id``, one row per sentence), e.g. the
        pipeline's per-article ``sentences`` table; used instead of
        ``annotations``. One of the two is needed (``analysis.entity_frequencies(articles)``
        computes the tables it needs).
    annotations : Annotations, optional
        For the number of sentences per article (its ``sentences`` table).
    options : FrequencyOptions, optional
        Grouping, linking and intervals (default ``FrequencyOptions()``: by outlet).
    **kw
        Fields of :class:`FrequencyOptions` set on top of ``options`` (``by="event"``,
        ``n_boot=200``...); ``level`` is the deprecated name of ``ci``.

    Returns
    -------
    pandas.DataFrame
        The column ``by`` (its value; :data:`CORPUS_ROWS`, ``'(corpus)'``, on the rows
        that count the whole corpus), then :data:`FREQUENCY_COLUMNS`: ``canonical, kind``,
        ``count`` (mentions), ``per_1000_words`` (mentions per 1,000 words of the
        group), ``share_sentences`` (share of the group's sentences that
        mention the entity), each with ``_low``/``_high`` bootstrap bounds,
        ``n_articles`` (articles mentioning it), ``share_articles``
        (their share of the group's articles), and the group's totals
        ``n_articles_total``, ``n_words_total``, ``n_sentences_total``. Sorted by group (the corpus
        rows last), count (descending) and name.

    Raises
    ------
    TypeError
        A keyword that is not a field of :class:`FrequencyOptions`.
    """
    if "canonical" in articles.columns and "canonical" not in mentions.columns:
        warnings.warn(
            "entity_frequencies(mentions, articles) is deprecated: pass articles first",
            DeprecationWarning,
            stacklevel=2,
        )
        articles, mentions = mentions, articles
    if kw.get("level") is not None:
        warnings.warn("entity_frequencies(level=) is deprecated: use ci=", DeprecationWarning, stacklevel=2)
        kw["ci"] = kw["level"]
    kw.pop("level", None)
    options = replace(options or FrequencyOptions(), **kw)
    by, n_boot, link = options.by, options.n_boot, options.link
    level = options.ci
    rows = ok_articles(articles)
    if by not in rows.columns:
        raise ValueError(f"by={by!r} is not an article column; choose one of {list(rows.columns)}")
    if by in FREQUENCY_COLUMNS:
        raise ValueError(f"by={by!r} would name the grouping column like an output column; rename it")
    rows = rows.assign(article_id=rows["article_id"].astype(str))
    if sentences is None:
        sentences = need(annotations, "sentences= or annotations=", "entity_frequencies").sentences
    sents = sentences
    n_sent = sents.groupby(sents["article_id"].astype(str)).size()
    art = pd.DataFrame(
        {
            "article_id": rows["article_id"].to_numpy(),
            "group": rows[by].fillna("(missing)").astype(str).to_numpy(),
            "n_words": word_counts(rows).to_numpy(),
        }
    )
    art["n_sentences"] = art["article_id"].map(n_sent).fillna(0).astype(float)
    wanted = ("article_id", "field", "sentence_id", "start_char", "canonical", "kind")
    used_cols = [c for c in wanted if c in mentions.columns]
    m = mentions[used_cols]  # only the columns used: the filtered copy stays small at scale
    ids = m["article_id"].astype(str)
    inside = ids.isin(set(art["article_id"])).to_numpy()
    m = m[inside].assign(article_id=ids.to_numpy()[inside])
    if link:
        m = link_across_articles(rows, m, by=by)
    if m.empty:
        return pd.DataFrame(columns=[by, *FREQUENCY_COLUMNS])
    # most frequent kind of each entity (ties: the kind seen first, as value_counts orders them)
    kk = pd.DataFrame({"canonical": m["canonical"].to_numpy(), "kind": m["kind"].to_numpy()})
    kk["pos"] = np.arange(len(kk))
    kk = kk.groupby(["canonical", "kind"], sort=False).agg(n=("pos", "size"), first=("pos", "min"))
    kk = kk.reset_index()
    kk = kk.sort_values(["canonical", "n", "first"], ascending=[True, False, True], kind="stable")
    top = kk.drop_duplicates("canonical")
    kind_of = dict(zip(top["canonical"], top["kind"], strict=True))
    counts = m.groupby(["article_id", "canonical"]).size()
    sent_hits = (
        m.drop_duplicates(["article_id", "field", "sentence_id", "canonical"])
        .groupby(["article_id", "canonical"])
        .size()
    )
    # article x entity matrices for the whole corpus (sparse: most articles name few entities)
    from scipy import sparse

    art_code = pd.Index(art["article_id"])
    ent_names = np.array(sorted(counts.index.get_level_values(1).unique()), dtype=object)
    ent_code = pd.Index(ent_names)
    shape = (len(art), len(ent_names))

    def matrix(series: pd.Series) -> sparse.csr_matrix:
        rows_ = art_code.get_indexer(series.index.get_level_values(0))
        cols_ = ent_code.get_indexer(series.index.get_level_values(1))
        keep = (rows_ >= 0) & (cols_ >= 0)
        return sparse.csr_matrix(
            (series.to_numpy(dtype=float)[keep], (rows_[keep], cols_[keep])), shape=shape
        )

    c_all = matrix(counts)
    s_all = matrix(sent_hits)
    out = []
    rng = np.random.default_rng(config.RANDOM_SEED)
    group_codes = art["group"].to_numpy()
    groups = [(g, np.flatnonzero(group_codes == g)) for g in sorted(art["group"].unique())]
    groups.append((CORPUS_ROWS, np.arange(len(art))))
    alpha = (1 - level) / 2
    for name, members in groups:
        c_part = c_all[members]
        used = np.flatnonzero(c_part.getnnz(axis=0) > 0)
        if not used.size:
            continue
        n_ids = len(members)
        c = c_part[:, used].tocsc()
        s = s_all[members][:, used].tocsc()
        words = art["n_words"].to_numpy()[members]
        nsent = art["n_sentences"].to_numpy()[members]
        draws = rng.integers(0, n_ids, size=(n_boot, n_ids))
        # times each article is drawn in each resample, articles x resamples (integers: every sum is exact)
        weights_t = np.empty((n_ids, n_boot))
        step = max(1, 2_000_000 // max(n_ids, 1))
        for first in range(0, n_boot, step):
            block = draws[first : first + step]
            k = len(block)
            flat = (block * k + np.arange(k)[:, None]).ravel()
            weights_t[:, first : first + k] = np.bincount(flat, minlength=n_ids * k).reshape(n_ids, k)
        del draws
        bw = _resampled_sum(words, weights_t)
        bn = _resampled_sum(nsent, weights_t)
        total_words, total_sents = words.sum(), nsent.sum()
        cnt = np.asarray(c.sum(axis=0)).ravel()
        s_sum = np.asarray(s.sum(axis=0)).ravel()
        n_present = np.diff(c.indptr)  # articles with the entity (stored entries are counts > 0)
        q_count = (np.empty(len(used)), np.empty(len(used)))
        q_per = (np.empty(len(used)), np.empty(len(used)))
        q_share = (np.empty(len(used)), np.empty(len(used)))
        batch = max(1, 1_000_000 // max(n_boot, 1))  # bound the (resamples x entities) arrays
        for lo in range(0, len(used), batch):
            hi = min(lo + batch, len(used))
            bc = np.asarray(c[:, lo:hi].T @ weights_t).T
            bs = np.asarray(s[:, lo:hi].T @ weights_t).T
            with np.errstate(divide="ignore", invalid="ignore"):
                per = bc / bw[:, None] * 1000
                share = bs / bn[:, None]
            for target, draws_ in ((q_count, bc), (q_per, per), (q_share, share)):
                low_, high_ = _quantiles(draws_, alpha)
                target[0][lo:hi], target[1][lo:hi] = low_, high_
        del weights_t
        names = ent_names[used]
        with np.errstate(divide="ignore", invalid="ignore"):
            per_point = cnt / total_words * 1000 if total_words else np.full(len(used), np.nan)
            share_point = s_sum / total_sents if total_sents else np.full(len(used), np.nan)
        out.append(
            pd.DataFrame(
                {
                    by: name,
                    "canonical": names,
                    "kind": [kind_of.get(e, "") for e in names],
                    "count": cnt.astype(int),
                    "count_low": q_count[0],
                    "count_high": q_count[1],
                    "per_1000_words": per_point.astype(float),
                    "per_1000_words_low": q_per[0],
                    "per_1000_words_high": q_per[1],
                    "share_sentences": share_point.astype(float),
                    "share_sentences_low": q_share[0],
                    "share_sentences_high": q_share[1],
                    "n_articles": n_present.astype(int),
                    "share_articles": n_present / n_ids,
                    "n_articles_total": n_ids,
                    "n_words_total": int(total_words),
                    "n_sentences_total": int(total_sents),
                },
                columns=[by, *FREQUENCY_COLUMNS],
            )
        )
    frame = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=[by, *FREQUENCY_COLUMNS])
    # one article cannot be resampled into an interval: say "no interval", not a zero-width one
    single = frame["n_articles_total"] < 2
    frame.loc[single, [c for c in frame.columns if c.endswith(("_low", "_high"))]] = np.nan
    frame["_corpus"] = (frame[by] == CORPUS_ROWS).astype(int)
    frame = frame.sort_values(["_corpus", by, "count", "canonical"], ascending=[True, True, False, True])
    return frame.drop(columns="_corpus").reset_index(drop=True)
