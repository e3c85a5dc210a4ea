"""Aggregates of the quotes table: source balance per outlet, attribution (verbs, hedges) per speaker."""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from analysis import config
from analysis.core.stage import Partial, need, stage
from analysis.framing.quotes.corpus import corpus_typed
from analysis.framing.quotes.corpus import sources as corpus_sources
from analysis.framing.quotes.fields import field_texts
from analysis.framing.quotes.lexicon import OTHER, SENT_END, WORD, Lexicon, default_lexicon
from analysis.framing.quotes.sources import UNKNOWN, is_bare_pronoun, source_keys
from analysis.schema import ok_articles


def _group_map(articles: pd.DataFrame, by: str) -> pd.Series:
    if by not in articles.columns:
        raise ValueError(f"articles have no column {by!r} to group by; got {list(articles.columns)}")
    return articles.drop_duplicates("article_id").set_index(
        articles.drop_duplicates("article_id")["article_id"].astype(str)
    )[by]


def _check_quotes(table: pd.DataFrame) -> None:
    need = {"article_id", "kind", "quote", "speaker_canonical", "speaker_affiliation"} - set(table.columns)
    if need:
        raise ValueError(
            f"quotes table needs columns {sorted(need)} (from analysis.quotes); got {list(table.columns)}"
        )


def _inputs(articles: pd.DataFrame, quotes: pd.DataFrame, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accept the old argument order ``(quotes, articles)`` with a warning."""
    if "quote" in articles.columns and "quote" not in quotes.columns:
        warnings.warn(
            f"{name}(quotes, articles) is deprecated; call {name}(articles, quotes)",
            DeprecationWarning,
            stacklevel=3,
        )
        return quotes, articles
    return articles, quotes


#: Levels of :func:`source_balance`, with the quotes column each one counts.
BALANCE_LEVELS = {
    "speaker": "source",
    "kind": "source_kind",
    "source_type": "source_type",
    "affiliation": "affiliation",
    "gender": "speaker_gender",
}
#: Columns after the grouping column (named after ``by``: ``outlet`` by default).
BALANCE_COLUMNS: tuple[str, ...] = (
    "source_by", "source", "source_type", "affiliation", "gender", "n_quotes", "n_direct", "n_partial",
    "n_indirect", "quoted_words", "share_quotes", "share_quotes_low", "share_quotes_high", "share_words",
    "n_articles", "n_sources",
)  # fmt: skip

#: Columns of :func:`attribution`'s per-speaker summary after the grouping column.
ATTRIBUTION_COLUMNS: tuple[str, ...] = (
    "speaker_canonical", "speaker_affiliation", "n_attributions", "n_neutral", "n_emphatic",
    "n_distancing", "n_qualified", "n_content_hedged", "n_frame_hedged", "verbs", "hedges", "qualifiers",
    "share_distancing", "evidence",
)  # fmt: skip


def _resample_weights(n_articles: int, n_boot: int, seed: int) -> np.ndarray:
    """How often each of ``n_articles`` articles is drawn in each of ``n_boot`` resamples."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_articles, np.full(n_articles, 1.0 / n_articles), size=n_boot)


def _sorted_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``np.unique(values, return_inverse=True)`` of strings, hashing instead of sorting every value.

    Only the distinct values are sorted (the same order: Python's string comparison); a missing
    value falls back to :func:`numpy.unique` itself.

    >>> u, i = _sorted_codes(np.array(["b", "a", "b"], dtype=object))
    >>> u.tolist(), i.tolist()
    (['a', 'b'], [1, 0, 1])
    """
    codes, uniques = pd.factorize(values, sort=True)
    if len(codes) and codes.min() < 0:
        return np.unique(values, return_inverse=True)
    return np.asarray(uniques, dtype=object), codes.astype(np.intp)


def _float_weights(n_articles: int, n_boot: int, seed: int) -> np.ndarray:
    """:func:`_resample_weights` as floats (whole numbers), converted once when memoised."""
    return _resample_weights(n_articles, n_boot, seed).astype(np.float64)


def _bootstrap_shares(
    article_ids: np.ndarray,
    values: np.ndarray,
    n_boot: int,
    ci: float,
    seed: int,
    weights_for: Callable[[int, int, int], np.ndarray] = _resample_weights,
) -> dict[str, tuple[float, float]]:
    """Percentile intervals of each value's share of quotes, resampling articles with replacement.

    ``weights_for(n_articles, n_boot, seed)`` gives the resampling weights; the draws depend on
    nothing else, so a caller may memoise it across groups of the same size (as floats: the
    products and sums below are then of whole numbers, exact in any order).
    """
    arts, a_idx = _sorted_codes(article_ids)
    cats, c_idx = _sorted_codes(values)
    if len(arts) < 2 or n_boot <= 0:
        return {c: (float("nan"), float("nan")) for c in cats}
    weights = weights_for(len(arts), n_boot, seed)
    from scipy import sparse

    # quotes of each value per article, values x articles (sparse); the resampled sums are whole
    # numbers, so this product is exact, as weights @ counts is (and needs no BLAS threads)
    counts = sparse.csr_matrix(
        (np.ones(len(a_idx)), (c_idx, a_idx)), shape=(len(cats), len(arts))
    )
    sums = np.asarray(counts @ np.ascontiguousarray(weights.T, dtype=np.float64)).T
    totals = sums.sum(axis=1, keepdims=True)
    shares = np.divide(sums, totals, out=np.zeros_like(sums), where=totals > 0)
    alpha = (1.0 - ci) / 2.0
    low, high = np.quantile(shares, [alpha, 1.0 - alpha], axis=0)
    return {c: (float(lo), float(hi)) for c, lo, hi in zip(cats, low, high, strict=True)}


#: Quotes columns :func:`source_balance` reads (itself, :func:`corpus_typed` and :func:`source_keys`).
_BALANCE_INPUTS = frozenset(
    {
        "article_id", "kind", "quote", "speaker", "speaker_canonical", "speaker_affiliation", "source_type",
        "type_evidence", "method", "speaker_gender", "speaker_is_person", "start_char", "end_char",
        "speaker_start_char",
    }
)  # fmt: skip


@stage(
    provides="source_balance",
    requires=("articles", "quotes", "sources"),
    per_article=False,
    columns=("outlet", *BALANCE_COLUMNS),
)
def source_balance(
    articles: pd.DataFrame,
    quotes: pd.DataFrame,
    *,
    sources: pd.DataFrame | None = None,
    by: str = "outlet",
    n_boot: int = config.N_BOOTSTRAP,
    ci: float = 0.95,
    seed: int = config.RANDOM_SEED,
) -> pd.DataFrame:
    """Count quotes, quoted words and sources per speaker, kind, type, affiliation and gender per outlet.

    One source is one person: within an article the variants of a name ("Jane Roe", "Roe", "Ms. Roe",
    "Roe's") count as one source (:func:`analysis.framing.quotes.sources.source_keys`); organisations
    and documents are their own kinds, and a name found inside its own quotation is no source.

    Shares of quotes carry a percentile bootstrap interval over articles (an outlet's articles are
    resampled with replacement, so quotes of one article move together). "unknown" and "other" are
    rows like any other, never dropped. The gender level counts only quotes whose speaker is one
    person (``speaker_is_person``); the other levels count every quote.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and the grouping column ``by``.
    articles : pandas.DataFrame
        Needs ``article_id``, ``text`` (and ``title`` for headline quotes) and the column ``by``.
    quotes : pandas.DataFrame
        Output of :func:`quotes` (``article_id, kind, quote, speaker_canonical,
        speaker_affiliation``; ``source_type, speaker_gender, speaker_is_person`` when present).
    sources : pandas.DataFrame, optional
        The corpus's :func:`analysis.framing.quotes.corpus.sources` table (the pipeline passes it):
        speakers their own article typed only weakly take the type, affiliation and gender the
        articles describing them give (:func:`~analysis.framing.quotes.corpus.corpus_typed`).
        Default: computed from ``quotes`` (the corpus is the quotes given); an empty table keeps
        each quote as its article typed it.
    by : str, default "outlet"
        Column of ``articles`` to group by; the output column has the same name.
    n_boot : int, default :data:`analysis.config.N_BOOTSTRAP`
        Bootstrap resamples (0: no intervals).
    ci : float, default 0.95
        Coverage of the intervals.
    seed : int, default :data:`analysis.config.RANDOM_SEED`
        Seed of the resampling.

    Returns
    -------
    pandas.DataFrame
        One row per group × source attribute × value: ``<by>``, ``source_by`` (what the
        row counts sources by: ``speaker``, ``kind`` (person, organisation, document,
        unattributed), ``source_type``, ``affiliation``, ``gender``),
        ``source`` (the value: the speaker (a person's fullest name in the article) or "(unattributed)",
        a source type, an affiliation or "unknown", a gender), ``source_type, affiliation, gender``
        (of the speaker on speaker rows; the row's value elsewhere), ``n_quotes, n_direct,
        n_partial, n_indirect, quoted_words, share_quotes, share_quotes_low, share_quotes_high``
        (interval over articles; NaN on speaker rows and with fewer than two articles),
        ``share_words, n_articles`` (articles of the group with a quote of this value), ``n_sources``
        (distinct sources, each counted once per article it is quoted in), sorted by
        group, ``source_by`` and descending quotes.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "X"]})
    >>> q = pd.DataFrame({"article_id": ["a", "a", "b"], "kind": ["direct"] * 3, "quote": ["w"] * 3,
    ...                   "speaker_canonical": ["P", "Q", "P"], "speaker_affiliation": ["A", "B", "A"],
    ...                   "source_type": ["politician", "expert", "politician"],
    ...                   "speaker_gender": ["female", "male", "female"], "speaker_is_person": [True] * 3})
    >>> t = source_balance(arts, q, n_boot=200)
    >>> row = t[(t["source_by"] == "gender") & (t["source"] == "female")].iloc[0]
    >>> round(float(row["share_quotes"]), 3)
    0.667
    >>> bool(row["share_quotes_low"] <= row["share_quotes"] <= row["share_quotes_high"])
    True
    """
    articles, quotes = _inputs(articles, quotes, "source_balance")
    _check_quotes(quotes)
    if sources is None:
        sources = corpus_sources(articles, quotes)
    quotes = quotes[[c for c in quotes.columns if c in _BALANCE_INPUTS]]  # the copies below stay narrow
    quotes = corpus_typed(quotes, sources)
    groups = _group_map(articles, by)
    q = quotes.assign(**{by: quotes["article_id"].astype(str).map(groups)})
    q = q[q[by].notna()].copy()
    cols = [by, *BALANCE_COLUMNS]
    if q.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    q["article_id"] = q["article_id"].astype(str)
    keys = source_keys(q)
    q["source_id"] = keys["source_id"].where(keys["source_id"] != "", None)
    q["source_kind"] = keys["source_kind"]
    # one person, one source: the variants of a name within an article count as the full name
    q["source"] = keys["source_name"].where(keys["source_kind"] == "person", q["speaker_canonical"])
    q["source"] = q["source"].where(keys["source_kind"] != "unattributed", None).fillna("(unattributed)")
    # distinct articles and sources are counted on integer codes (NaN: no source, not counted)
    q["_article"] = pd.factorize(q["article_id"])[0]
    source_key = pd.factorize(pd.MultiIndex.from_arrays([q["article_id"], q["source_id"]]))[0]
    q["source_key"] = np.where(q["source_id"].notna().to_numpy(), source_key, np.nan)
    q["affiliation"] = q["speaker_affiliation"].fillna(UNKNOWN).replace({"": UNKNOWN})
    q["source_type"] = q["source_type"].fillna(UNKNOWN) if "source_type" in q.columns else UNKNOWN
    q["speaker_gender"] = q["speaker_gender"].fillna(UNKNOWN) if "speaker_gender" in q.columns else UNKNOWN
    person = q["speaker_is_person"].fillna(False).astype(bool) if "speaker_is_person" in q.columns else None
    q["gender"] = q["speaker_gender"]
    q["words"] = q["quote"].fillna("").map(lambda s: len(WORD.findall(s)))
    for kind in ("direct", "partial", "indirect"):
        q["n_" + kind] = (q["kind"] == kind).astype(int)
    # the draws depend only on (articles, resamples, seed): drawn once per outlet size, not per level
    weights_for = functools.lru_cache(maxsize=None)(_float_weights)
    parts = []
    for level, column in BALANCE_LEVELS.items():
        sub = q if level != "gender" or person is None else q[person]
        if sub.empty:
            continue
        keys = [by, column] + (["source_type", "affiliation", "gender"] if level == "speaker" else [])
        g = (
            sub.groupby(keys, dropna=False, sort=True)
            .agg(
                n_quotes=("kind", "size"),
                n_direct=("n_direct", "sum"),
                n_partial=("n_partial", "sum"),
                n_indirect=("n_indirect", "sum"),
                quoted_words=("words", "sum"),
                n_articles=("_article", "nunique"),
                n_sources=("source_key", "nunique"),
            )
            .reset_index()
        )
        if level == "speaker":  # a speaker typed two ways in two articles keeps its most frequent typing
            g = g.sort_values([by, column, "n_quotes"], ascending=[True, True, False], kind="stable")
            agg = {
                c: "sum"
                for c in (
                    "n_quotes", "n_direct", "n_partial", "n_indirect", "quoted_words", "n_articles",
                    "n_sources",
                )
            }  # fmt: skip
            agg.update({c: "first" for c in ("source_type", "affiliation", "gender")})
            g = g.groupby([by, column], sort=True).agg(agg).reset_index()
        else:
            g = g.rename(columns={column: "source"}) if column != "source" else g
            for c in ("source_type", "affiliation", "gender"):
                g[c] = g["source"] if c == level else ""
        g["source_by"] = level
        g["share_quotes"] = g["n_quotes"] / g.groupby(by)["n_quotes"].transform("sum")
        g["share_words"] = (g["quoted_words"] / g.groupby(by)["quoted_words"].transform("sum")).fillna(0.0)
        low, high = np.full(len(g), np.nan), np.full(len(g), np.nan)
        if level != "speaker":
            group, source = g[by].to_numpy(), g["source"].astype(str).to_numpy()
            for name, rows in sub.groupby(by, sort=False):
                bounds = _bootstrap_shares(
                    rows["article_id"].to_numpy(), rows[column].astype(str).to_numpy(), n_boot, ci, seed,
                    weights_for,
                )
                at = np.flatnonzero(group == name)
                low[at] = [bounds[v][0] for v in source[at]]
                high[at] = [bounds[v][1] for v in source[at]]
        g["share_quotes_low"], g["share_quotes_high"] = low, high
        parts.append(g)
    out = pd.concat(parts, ignore_index=True)[cols]
    order = {lvl: i for i, lvl in enumerate(BALANCE_LEVELS)}
    out = out.assign(_o=out["source_by"].map(order)).sort_values(
        [by, "_o", "n_quotes", "quoted_words", "source"], ascending=[True, True, False, False, True]
    )
    return out.drop(columns="_o").reset_index(drop=True)


@functools.lru_cache(maxsize=16)
def _terms_regex(terms: tuple[str, ...]) -> re.Pattern[str]:
    """Compile one case-insensitive alternation of the terms, longest first, on word boundaries."""
    parts = [re.escape(t).replace(r"\ ", r"\s+") for t in sorted(terms, key=len, reverse=True)]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", flags=re.I)


def _find_terms(text: str, terms: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """Find non-overlapping occurrences of the terms (lower-cased, whitespace-normalised) in ``text``."""
    if not terms:
        return []
    found = _terms_regex(terms).finditer(text)
    return [(re.sub(r"\s+", " ", m.group(0).lower()), m.start(), m.end()) for m in found]


@functools.lru_cache(maxsize=16)
def _first_words(terms: tuple[str, ...]) -> tuple[str, ...] | None:
    """Lower-cased first word of each term (None when one is not ASCII: then no prefilter)."""
    words = tuple(sorted({t.split()[0].lower() for t in terms if t.split()}))
    return words if all(w.isascii() for w in words) else None


def _find_terms_quick(text: str, terms: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """Return :func:`_find_terms`, skipping texts where no term's first word occurs.

    The prefilter is exact: ``re.IGNORECASE`` matches an ASCII letter to a character whose
    simple lower case is that letter, or to the dotless i / long s, which are folded here too.
    """
    if not terms:
        return []
    words = _first_words(terms)
    if words is not None:
        low = text.replace("\u0130", "i").lower().replace("\u0131", "i").replace("\u017f", "s")
        if not any(w in low for w in words):
            return []
    return _find_terms(text, terms)


#: Columns of :func:`attribution_events`: one row per attribution.
ATTRIBUTION_EVENT_COLUMNS: tuple[str, ...] = (
    "article_id", "field", "kind", "speaker_canonical", "speaker_affiliation", "verb", "verb_lemma",
    "verb_class", "qualifiers", "content_hedges", "frame_hedges", "start_char", "end_char",
    "frame_start_char", "frame_end_char",
)  # fmt: skip


@stage(
    provides="_attribution_events",
    requires=("articles", "quotes"),
    per_article=True,
    columns=ATTRIBUTION_EVENT_COLUMNS,
)
def attribution_events(articles: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """Class the reporting verb and find the qualifiers and hedges of each attribution.

    One row per quote (:data:`ATTRIBUTION_EVENT_COLUMNS`); see :func:`attribution` (``detail=True``
    adds the group column) for what each column holds. Each row depends on its own article only.
    """
    articles, quotes = _inputs(articles, quotes, "attribution_events")
    _check_quotes(quotes)
    texts = field_texts(ok_articles(articles))
    lex = default_lexicon()
    rows = []
    for r in quotes.itertuples(index=False):
        aid = str(r.article_id)
        fld = getattr(r, "field", "text")
        text = texts.get((aid, fld), "")
        verb = r.verb if isinstance(r.verb, str) else None
        vs = r.verb_start_char if verb is not None and pd.notna(r.verb_start_char) else None
        ve = r.verb_end_char if vs is not None else None
        lemma = verb_lemma(verb, lex) if verb else None
        cls = lex.verbs.get(lemma, "unclassified") if lemma else "none"
        qs, qe = int(r.start_char), int(r.end_char)
        # the reporting frame: the sentence around verb and quote, minus the quote itself
        lo = min(qs, int(vs)) if vs is not None else qs
        hi = max(qe, int(ve)) if ve is not None else qe
        window = max(0, lo - 1500)
        ends = [text.rfind(p, window, lo) for p in (". ", "? ", "! ", ".\n", "\n")]
        fs = max([e + 1 for e in ends if e >= 0] + [window])
        m_end = SENT_END.search(text, hi)
        nl = text.find("\n", hi)
        fe = min(x for x in (m_end.end() if m_end else len(text), nl if nl >= 0 else len(text)))
        frame = text[fs:qs] + " " * (qe - qs) + text[qe:fe]
        content = text[qs:qe]
        quals = []
        if vs is not None:  # a qualifier belongs to its verb: just before it or between it and its content
            stop = qs if qs >= int(ve) else fe
            near = text[max(fs, int(vs) - 25) : int(vs)] + " | " + text[int(ve) : min(stop, int(ve) + 60)]
            quals = [h[0] for h in _find_terms_quick(near, lex.qualifiers)]
        frame_hedges = [h[0] for h in _find_terms_quick(frame, lex.hedges)]
        content_hedges = [h[0] for h in _find_terms_quick(content, lex.hedges)]
        if quals and cls in ("neutral", "emphatic", "unclassified"):
            cls_final = "distancing"
        else:
            cls_final = cls
        rows.append(
            {
                "article_id": aid,
                "field": fld,
                "kind": r.kind,
                "speaker_canonical": r.speaker_canonical,
                "speaker_affiliation": r.speaker_affiliation,
                "verb": verb,
                "verb_lemma": lemma,
                "verb_class": cls_final,
                "qualifiers": ";".join(quals),
                "content_hedges": ";".join(content_hedges),
                "frame_hedges": ";".join(frame_hedges),
                "start_char": qs,
                "end_char": qe,
                "frame_start_char": fs,
                "frame_end_char": fe,
            }
        )
    return pd.DataFrame(rows, columns=list(ATTRIBUTION_EVENT_COLUMNS))


#: Per-attribution flags :func:`attribution` sums per group and speaker (column -> summed flag).
_ATTRIBUTION_SUMS = {
    "n_neutral": "_neutral", "n_emphatic": "_emphatic", "n_distancing": "_distancing",
    "n_qualified": "_qualified", "n_content_hedged": "_content", "n_frame_hedged": "_frame",
}  # fmt: skip


def _attribution_part(articles: pd.DataFrame, events: pd.DataFrame, *, by: str = "outlet") -> dict | None:
    """Return the per-speaker counts of some articles' attributions: :func:`attribution` sums these.

    A dict of ``counts`` (the sums per group, speaker and affiliation), ``verbs``, ``hedges`` and
    ``qualifiers`` (occurrences per key and item) and ``evidence`` (the flagged attributions,
    ``;``-joined in table order per key); None when no attribution has a group.
    """
    groups = _group_map(articles, by)
    if events is None or events.empty:
        return None
    events = events.copy()
    events.insert(1, by, [groups.get(str(a)) for a in events["article_id"]])
    # a speaker left as a bare pronoun ("I" of a columnist, an unresolved "they") is no one to count
    bare = events["speaker_canonical"].map(is_bare_pronoun)
    events["speaker_canonical"] = events["speaker_canonical"].mask(bare).fillna("(unattributed)")
    events["speaker_affiliation"] = events["speaker_affiliation"].fillna(OTHER)
    keys = [by, "speaker_canonical", "speaker_affiliation"]
    ev = events[events[by].notna()]  # groupby drops rows without a group
    if ev.empty:
        return None
    cls = ev["verb_class"]
    flagged = (cls != "neutral") & (cls != "none") | (ev["qualifiers"] != "") | (ev["content_hedges"] != "")
    flagged |= ev["frame_hedges"] != ""
    ev = ev.assign(
        _neutral=(cls == "neutral").astype(int),
        _emphatic=(cls == "emphatic").astype(int),
        _distancing=(cls == "distancing").astype(int),
        _qualified=(ev["qualifiers"] != "").astype(int),
        _content=(ev["content_hedges"] != "").astype(int),
        _frame=(ev["frame_hedges"] != "").astype(int),
    )
    counts = ev.groupby(keys, sort=True).agg(
        n_attributions=("verb_class", "size"), **{c: (flag, "sum") for c, flag in _ATTRIBUTION_SUMS.items()}
    )
    verbs = ev.loc[ev["verb_lemma"].notna(), [*keys, "verb_lemma"]].rename(columns={"verb_lemma": "item"})
    hedges = pd.concat(
        [_split_items(ev, keys, "content_hedges"), _split_items(ev, keys, "frame_hedges")], ignore_index=True
    )
    ref = ev.loc[flagged, keys].assign(
        item=ev.loc[flagged, "article_id"].astype(str) + ":" + ev.loc[flagged, "field"].astype(str) + ":"
        + ev.loc[flagged, "start_char"].astype(str) + "-" + ev.loc[flagged, "end_char"].astype(str)
    )  # fmt: skip
    return {  # plain frames (a pickled MultiIndex is slow to read back and to concatenate)
        "counts": counts.reset_index(),
        "verbs": _item_counts(verbs, keys),
        "hedges": _item_counts(hedges, keys),
        "qualifiers": _item_counts(_split_items(ev, keys, "qualifiers"), keys),
        "evidence": _join_by(ref.set_index(keys)["item"]).rename("item").reset_index() if len(ref) else None,
    }


def _attribution_combine(parts: list, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Return :func:`attribution`'s summary from the :func:`_attribution_part` of every part of the corpus."""
    summary_cols = [by, *ATTRIBUTION_COLUMNS]
    parts = [p for p in parts if p is not None]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in summary_cols})
    keys = [by, "speaker_canonical", "speaker_affiliation"]
    out = pd.concat([p["counts"] for p in parts], ignore_index=True).groupby(keys, sort=True).sum()
    index = out.index

    def joined(name: str) -> np.ndarray:
        got = [p[name] for p in parts if len(p[name])]
        if not got:
            return np.full(len(index), "", dtype=object)
        counts = pd.concat(got, ignore_index=True).groupby([*keys, "item"], sort=True)["n"].sum()
        return _joined_counts(counts, keys).reindex(index).fillna("").to_numpy()

    out["verbs"], out["hedges"], out["qualifiers"] = joined("verbs"), joined("hedges"), joined("qualifiers")
    out["share_distancing"] = (out["n_distancing"] / out["n_attributions"]).astype(float)
    evidence = [p["evidence"] for p in parts if p["evidence"] is not None]
    if evidence:  # each part's flagged attributions in table order, the parts in corpus order
        joined_refs = _join_by(pd.concat(evidence, ignore_index=True).set_index(keys)["item"])
        out["evidence"] = joined_refs.reindex(index).fillna("").to_numpy()
    else:
        out["evidence"] = ""
    out = out.reset_index()
    for c in ("n_neutral", "n_emphatic", "n_distancing", "n_qualified", "n_content_hedged", "n_frame_hedged"):
        out[c] = out[c].astype("int64")
    out["n_attributions"] = out["n_attributions"].astype("int64")
    return (
        out[summary_cols]
        .sort_values([by, "n_attributions", "speaker_canonical"], ascending=[True, False, True])
        .reset_index(drop=True)
    )


@stage(
    provides="attribution",
    requires=("articles", "_attribution_events"),
    per_article=False,
    bind={"events": "_attribution_events"},
    partial=Partial(part=_attribution_part, combine=_attribution_combine),
    columns=("outlet", *ATTRIBUTION_COLUMNS),
)
def attribution(
    articles: pd.DataFrame,
    quotes: pd.DataFrame | None = None,
    *,
    by: str = "outlet",
    detail: bool = False,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Classify reporting verbs, qualifiers and hedges of each attribution, per speaker within each group.

    Verbs are classed with :data:`REPORTING_TERMS` (neutral: said, stated,
    told; emphatic: stressed, insisted, warned; distancing: claimed, asserted,
    alleged). A qualifier ("without evidence", "falsely") in the reporting frame
    marks the attribution as distancing too. Hedges (could, may, reportedly,
    potentially, likely ...) are counted in the quoted or reported words
    (``content``) and in the reporting frame around the verb (``frame``: the
    journalist's hedge, e.g. "reportedly said").

    The per-attribution work (verb class, qualifiers, hedges) depends on one article only and is
    the per-article stage :func:`attribution_events` (table ``_attribution_events``); this
    corpus stage groups those rows.

    Parameters
    ----------
    quotes : pandas.DataFrame, optional
        Output of :func:`quotes` (``article_id, field, kind, quote,
        speaker_canonical, speaker_affiliation, verb, start_char, end_char,
        verb_start_char, verb_end_char``).
    by : str, default "outlet"
        Column of ``articles`` to group by.
    detail : bool, default False
        Return one row per attribution instead of the per-speaker summary.
    events : pandas.DataFrame, optional
        :func:`attribution_events` of the same quotes (the pipeline passes its cached table);
        computed from ``quotes`` when not given.

    Returns
    -------
    pandas.DataFrame
        With ``detail=True``: ``article_id, <by>, field, kind, speaker_canonical,
        speaker_affiliation, verb, verb_lemma, verb_class`` (neutral, emphatic,
        distancing, unclassified, none), ``qualifiers, content_hedges,
        frame_hedges`` (";"-joined terms), ``start_char, end_char`` (the quote),
        ``frame_start_char, frame_end_char`` (the sentence searched for frame
        hedges; qualifiers are searched only next to the verb).
        Otherwise one row per group × speaker: ``<by>, speaker_canonical,
        speaker_affiliation, n_attributions, n_neutral, n_emphatic,
        n_distancing, n_qualified, n_content_hedged, n_frame_hedged, verbs,
        hedges, qualifiers, share_distancing, evidence`` (";"-joined
        ``article_id:field:start-end`` of every non-neutral, qualified or
        hedged attribution).
    """
    if events is None:
        articles, quotes = _inputs(articles, need(quotes, "quotes", "attribution"), "attribution")
        events = attribution_events(articles, quotes)
    if detail:
        groups = _group_map(articles, by)
        events = events.copy()
        events.insert(1, by, [groups.get(str(a)) for a in events["article_id"]])
        return events.sort_values(["article_id", "field", "start_char"]).reset_index(drop=True)
    return _attribution_combine([_attribution_part(articles, events, by=by)], articles, by=by)


def _split_items(frame: pd.DataFrame, keys: list[str], column: str) -> pd.DataFrame:
    """Explode a ``;``-joined column into one row per non-empty item, with the group keys."""
    items = frame[column].str.split(";").explode()
    items = items[items.notna() & (items != "")]
    return frame.loc[items.index, keys].assign(item=items.to_numpy()).reset_index(drop=True)


def _item_counts(long: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Return the occurrences of each item per group: ``keys``, ``item`` and ``n`` (no rows: empty)."""
    if long.empty:
        return pd.DataFrame(columns=[*keys, "item", "n"])
    return long.groupby([*keys, "item"], sort=True).size().rename("n").reset_index()


def _joined_counts(counts: pd.Series, keys: list[str]) -> pd.Series:
    """Return ``item×count;...`` per group (most frequent first, ties alphabetical), as :func:`_counts`."""
    if counts.empty:
        return pd.Series(dtype=object, index=pd.MultiIndex.from_tuples([], names=keys))
    counts = counts.rename("n").reset_index()
    counts = counts.sort_values(
        [*keys, "n", "item"], ascending=[True] * len(keys) + [False, True], kind="stable"
    )
    counts["text"] = counts["item"].astype(str) + "×" + counts["n"].astype(str)
    return _join_by(counts.set_index(keys)["text"])


def _join_by(items: pd.Series) -> pd.Series:
    """Join the strings of each index value with ``;``, in row order; groups in order of first appearance.

    What ``items.groupby(level=..., sort=False).agg(";".join)`` gives, without a Python call per group.

    Examples
    --------
    >>> _join_by(pd.Series(["a", "b", "c"], index=["x", "y", "x"])).to_dict()
    {'x': 'a;c', 'y': 'b'}
    """
    codes, groups = items.index.factorize()
    joined: list[list[str]] = [[] for _ in range(len(groups))]
    for code, item in zip(codes.tolist(), items.tolist(), strict=True):
        joined[code].append(item)
    return pd.Series([";".join(j) for j in joined], index=groups.set_names(items.index.names), dtype=object)


def _counts(items: Iterable[str]) -> str:
    s = pd.Series(list(items), dtype="object")
    if s.empty:
        return ""
    vc = s.value_counts()
    vc = vc.sort_index().sort_values(ascending=False, kind="stable")
    return ";".join(f"{k}×{v}" for k, v in vc.items())


def verb_lemma(verb: str, lex: Lexicon) -> str:
    """Map a surface reporting verb to the lemma used in the table (rule-based, no parsing)."""
    low = verb.lower()
    if low in lex.verbs:
        return low
    irregular = {
        "said": "say",
        "says": "say",
        "told": "tell",
        "tells": "tell",
        "wrote": "write",
        "written": "write",
        "saying": "say",
        "telling": "tell",
    }
    if low in irregular:
        return irregular[low]
    for suffix, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ing", "e"),
        ("ed", ""),
        ("ed", "e"),
        ("d", ""),
        ("es", ""),
        ("s", ""),
    ):
        if low.endswith(suffix):
            cand = low[: -len(suffix)] + repl
            if cand in lex.verbs:
                return cand
            if len(cand) > 2 and cand[-1] == cand[-2] and cand[:-1] in lex.verbs:
                return cand[:-1]
    return low
