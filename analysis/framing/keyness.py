"""Distinctive language: weighted log-odds ratios with an informative Dirichlet prior.

Method (Monroe, Colaresi & Quinn 2008, "Fightin' Words", section 3.5): for a group
``i`` against the rest ``j`` of the corpus, with term counts ``y``, group sizes ``n``
and a Dirichlet prior ``alpha_w = alpha0 * y_w / N`` proportional to the term's share
of the whole corpus (``alpha0`` = sum of the prior, default ``N``, i.e. the corpus
counts themselves),

    delta_w = log((y_wi + a_w) / (n_i + a0 - y_wi - a_w))
            - log((y_wj + a_w) / (n_j + a0 - y_wj - a_w))
    var_w  ~= 1 / (y_wi + a_w) + 1 / (y_wj + a_w)
    z_w     = delta_w / sqrt(var_w)

A positive ``z`` marks a term over-used by the group; ``|z| > 1.96`` is the usual
reading of "distinctive". Units are lower-cased lemmas or noun phrases read off the
dependency parse. Never counted: stop words, punctuation, numbers, tokens without a
letter, one-letter tokens and honorifics ("mr.", "mrs.", "dr.", ...). Names (tokens of
named entities and proper nouns) are left out by default (``entities=False``): the
entity tables already compare who is mentioned, and keyness then shows how outlets
write; ``entities=True`` counts them too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from analysis.annotate.tables import run_starts
from analysis.core.stage import Partial, need, stage
from analysis.framing._evidence import (
    NON_CONTENT_POS,
    norm_lemma,
    ok_articles,
    restrict,
)

if TYPE_CHECKING:  # pragma: no cover
    from analysis.annotate import Annotations

KEYNESS_COLUMNS: tuple[str, ...] = (
    "term", "unit", "entities", "count", "count_rest", "n_terms_total", "n_terms_total_rest",
    "per_1000_terms", "per_1000_terms_rest", "prior", "log_odds", "variance", "z", "rank", "n_articles",
    "article_id", "field", "sentence_id", "start_char", "end_char", "sentence",
)  # fmt: skip

#: Dependency labels of a noun's pre-modifiers that belong to the phrase.
NP_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "flat"})
NP_MODIFIER_POS = frozenset({"NOUN", "PROPN", "ADJ"})
NP_HEAD_POS = frozenset({"NOUN", "PROPN"})
#: Honorifics and title abbreviations never counted (compared without a final period).
HONORIFICS = frozenset({
    "mr", "mrs", "ms", "mx", "miss", "dr", "prof", "messrs", "mme", "mlle", "sir", "dame", "madam",
    "rev", "revd", "fr", "sr", "jr", "hon", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt",
    "cpl", "maj", "adm", "cmdr", "pres", "st", "esq",
})  # fmt: skip
#: Entity labels whose tokens are names (left out of keyness unless ``entities=True``).
NAME_ENTITY_TYPES = frozenset({
    "PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
})  # fmt: skip


def is_counted_term(term: str) -> bool:
    """Tell whether a lower-cased lemma can be a keyness term: two or more letters, not an honorific.

    Examples
    --------
    >>> [is_counted_term(t) for t in ["mr.", "dr", "x", "'s", "--", "2016", "u.s.", "tax"]]
    [False, False, False, False, False, False, True, True]
    """
    letters = sum(ch.isalpha() for ch in term)
    return letters >= 2 and term.rstrip(".") not in HONORIFICS


def _name_mask(tokens: pd.DataFrame) -> np.ndarray:
    """Flag tokens that are part of a name: a named entity of :data:`NAME_ENTITY_TYPES` or a proper noun."""
    ent = tokens["ent_type"].fillna("").astype(str) if "ent_type" in tokens.columns else None
    mask = (tokens["pos"] == "PROPN").to_numpy()
    if ent is not None:
        mask |= ent.isin(NAME_ENTITY_TYPES).to_numpy()
    return mask


def _counted_mask(tokens: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Return (token kept, distinct-lemma codes, normalised distinct lemmas) for keyness counting."""
    codes, uniques = pd.factorize(tokens["lemma"].astype(str))
    distinct = norm_lemma(pd.Series(uniques, dtype=object))
    counted = np.fromiter((is_counted_term(t) for t in distinct), dtype=bool, count=len(distinct))
    keep = (
        ~tokens["is_stop"].astype(bool).to_numpy()
        & ~tokens["is_punct"].astype(bool).to_numpy()
        & ~tokens["like_num"].astype(bool).to_numpy()
        & ~tokens["pos"].isin(NON_CONTENT_POS).to_numpy()
        & (counted[codes] if len(codes) else np.zeros(0, dtype=bool))
    )
    return keep, codes, distinct


def log_odds_dirichlet(
    counts_group: np.ndarray, counts_rest: np.ndarray, prior: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Compute Monroe et al.'s weighted log-odds ratio of a group against the rest.

    Parameters
    ----------
    counts_group, counts_rest : numpy.ndarray
        Term counts in the group and in the rest of the corpus (same vocabulary order).
    prior : numpy.ndarray
        Dirichlet pseudo-counts ``alpha_w`` per term (all > 0).

    Returns
    -------
    tuple of numpy.ndarray
        ``(delta, variance, z)`` per term.

    Examples
    --------
    >>> d, v, z = log_odds_dirichlet(np.array([3.0, 1.0]), np.array([1.0, 3.0]), np.array([1.0, 1.0]))
    >>> [round(float(x), 3) for x in d]
    [1.386, -1.386]
    """
    y_i = np.asarray(counts_group, dtype=float)
    y_j = np.asarray(counts_rest, dtype=float)
    a = np.asarray(prior, dtype=float)
    a0 = a.sum()
    n_i, n_j = y_i.sum(), y_j.sum()
    delta = np.log((y_i + a) / (n_i + a0 - y_i - a)) - np.log((y_j + a) / (n_j + a0 - y_j - a))
    variance = 1.0 / (y_i + a) + 1.0 / (y_j + a)
    return delta, variance, delta / np.sqrt(variance)


def _lemma_units(tokens: pd.DataFrame) -> pd.DataFrame:
    if tokens.empty:
        return pd.DataFrame(columns=["article_id", "field", "sentence_id", "term", "entity"])
    keep, codes, distinct = _counted_mask(tokens)
    toks = tokens[keep]
    return pd.DataFrame(
        {
            "article_id": toks["article_id"].astype(str).to_numpy(),
            "field": toks["field"].to_numpy(),
            "sentence_id": toks["sentence_id"].to_numpy(),
            "term": distinct.to_numpy()[codes[keep]],
            "entity": _name_mask(tokens)[keep],
        }
    )


def noun_phrases(tokens: pd.DataFrame) -> pd.DataFrame:
    """Read contiguous noun phrases (modifiers + NOUN/PROPN head) off a token table.

    A phrase is a noun or proper noun that does not itself modify a following noun,
    with the unbroken run of tokens right before it whose dependency is a nominal
    pre-modifier (``compound``, ``amod``, ``nmod``, ``flat``), whose part of speech is
    NOUN, PROPN or ADJ, and whose head lies inside the phrase. Leading stop words are
    dropped. The phrase is the lower-cased lemmas joined by spaces.

    Parameters
    ----------
    tokens : pandas.DataFrame
        Token table with ``article_id, field, sentence_id, token_id, start_char,
        end_char, lemma, pos, dep, head, is_stop``.

    Returns
    -------
    pandas.DataFrame
        ``article_id, field, sentence_id, start_char, end_char, term, n_tokens`` and
        ``entity`` (the head is part of a name: a named entity or a proper noun).
        Honorifics and words of fewer than two letters are left out of the phrase.
    """
    cols = ["article_id", "field", "sentence_id", "start_char", "end_char", "term", "n_tokens", "entity"]
    if tokens.empty:
        return pd.DataFrame(columns=cols)
    toks = tokens.sort_values(["article_id", "field", "token_id"], kind="stable")
    art = toks["article_id"].astype(str).to_numpy()
    fld = toks["field"].to_numpy()
    sent = toks["sentence_id"].to_numpy()
    tid = toks["token_id"].to_numpy()
    head = toks["head"].to_numpy()
    pos = toks["pos"].to_numpy()
    dep = toks["dep"].to_numpy()
    stop = toks["is_stop"].astype(bool).to_numpy()
    starts = toks["start_char"].to_numpy()
    ends = toks["end_char"].to_numpy()
    lemma = norm_lemma(toks["lemma"]).to_numpy()
    name = _name_mask(toks)
    is_mod = np.array([d in NP_MODIFIER_DEPS for d in dep]) & np.array([p in NP_MODIFIER_POS for p in pos])
    is_mod &= head > tid
    rows = []
    n = len(toks)
    for k in range(n):
        if pos[k] not in NP_HEAD_POS or is_mod[k] or stop[k]:
            continue
        first = k
        while (
            first - 1 >= 0
            and is_mod[first - 1]
            and art[first - 1] == art[k]
            and fld[first - 1] == fld[k]
            and sent[first - 1] == sent[k]
            and tid[first - 1] == tid[first] - 1
            and tid[first - 1] < head[first - 1] <= tid[k]
        ):
            first -= 1
        while first < k and stop[first]:
            first += 1
        words = [w for w in lemma[first : k + 1] if is_counted_term(w)]
        if not words:
            continue
        rows.append((art[k], fld[k], sent[k], starts[first], ends[k], " ".join(words), len(words), name[k]))
    return pd.DataFrame(rows, columns=cols)


#: Columns of :func:`term_counts`.
TERM_COUNT_COLUMNS: tuple[str, ...] = (
    "article_id", "field", "term", "entity", "count", "sentence_id", "position",
)  # fmt: skip


@stage(provides="_terms", requires=("articles", "annotations"), columns=TERM_COUNT_COLUMNS)
def term_counts(
    articles: pd.DataFrame,
    *,
    annotations: Annotations,
) -> pd.DataFrame:
    """Count each article's content lemmas per field: the per-article input of :func:`keyness`.

    Summing these counts over a group's articles gives exactly the counts
    :func:`keyness` takes from the token table, so corpus-level keyness never
    needs the corpus's tokens (the pipeline computes this table chunk by chunk).

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text`` (``title``, ``status`` used when present).
    annotations : Annotations
        Output of :func:`analysis.annotate.annotate`; required
        (``analysis.term_counts(articles)`` computes it when omitted).

    Returns
    -------
    pandas.DataFrame
        One row per article, field, term (lower-cased content lemma; see the module
        notes for what is never counted) and ``entity`` (True for occurrences inside a
        name): ``article_id, field, term, entity, count`` (occurrences), ``sentence_id`` (first
        sentence of the field using it), ``position`` (row of its first token among
        the article's tokens, which orders terms as the token table does). Sorted by
        article, field, term.
    """
    rows = ok_articles(articles)
    ann = need(annotations, "annotations=", "term_counts")
    toks = restrict(ann.tokens, rows["article_id"])
    if toks.empty:
        return pd.DataFrame(
            {
                "article_id": pd.Series(dtype=object),
                "field": pd.Series(dtype=object),
                "term": pd.Series(dtype=object),
                "entity": pd.Series(dtype=bool),
                "count": pd.Series(dtype="int64"),
                "sentence_id": pd.Series(dtype="int64"),
                "position": pd.Series(dtype="int64"),
            }
        )
    aid = toks["article_id"].astype(str).to_numpy()
    starts = run_starts(pd.DataFrame({"article_id": aid}), ["article_id"])
    if starts is not None:  # each article one run of rows (as the parser writes them): a row's place in it
        lengths = np.diff(np.append(starts, len(aid)))
        position = np.arange(len(aid)) - np.repeat(starts, lengths)
    else:
        position = toks.groupby(aid, sort=False).cumcount().to_numpy()
    keep, codes, distinct = _counted_mask(toks)  # evaluated once per distinct lemma
    units = pd.DataFrame(
        {  # column by column: no copy of the token table's other columns
            "article_id": aid[keep],
            "field": toks["field"].to_numpy()[keep],
            "sentence_id": toks["sentence_id"].to_numpy()[keep],
            "term": distinct.to_numpy()[codes[keep]],
            "entity": _name_mask(toks)[keep],
            "position": position[keep],
        }
    )
    out = (
        units.groupby(["article_id", "field", "term", "entity"], sort=True)
        .agg(count=("term", "size"), sentence_id=("sentence_id", "min"), position=("position", "min"))
        .reset_index()
    )
    out = out.astype({"entity": bool, "count": "int64", "sentence_id": "int64", "position": "int64"})
    return out[list(TERM_COUNT_COLUMNS)]


def _units_from_counts(
    term_table: pd.DataFrame, ids: pd.Series, fields: tuple[str, ...], entities: bool
) -> pd.DataFrame:
    """Turn a :func:`term_counts` table into keyness units (one row per article, field and term)."""
    need = set(TERM_COUNT_COLUMNS) - set(term_table.columns) - {"entity"}  # no entity column: no names
    if need:
        raise ValueError(f"term_counts needs columns {sorted(need)} (from analysis.term_counts)")
    aid = term_table["article_id"].astype(str)
    rank = pd.Series(np.arange(len(ids)), index=pd.Index(ids.astype(str)))
    r = aid.map(rank)
    keep = (r.notna() & term_table["field"].isin(fields)).to_numpy()
    if not entities and "entity" in term_table.columns:
        keep &= ~term_table["entity"].astype(bool).to_numpy()
    position = term_table["position"].to_numpy(dtype=np.int64)[keep]  # column by column: no frame copy
    width = int(position.max()) + 1 if len(position) else 1
    return pd.DataFrame(
        {
            "article_id": aid.to_numpy()[keep],
            "field": term_table["field"].to_numpy()[keep],
            "sentence_id": term_table["sentence_id"].to_numpy()[keep],
            "term": term_table["term"].to_numpy()[keep],
            "n": term_table["count"].to_numpy(dtype="int64")[keep],
            # the token table's order (article, then token): terms are numbered in this order
            "_order": r.to_numpy()[keep].astype(np.int64) * width + position,
        }
    )


@dataclass(frozen=True)
class KeynessOptions:
    """What :func:`keyness` counts and how it scores.

    Attributes
    ----------
    by : str
        Column of the articles that defines the groups (``outlet``, ``event``, ...).
    unit : {"lemma", "noun_phrase"}
        Count lower-cased content lemmas or noun phrases (see :func:`noun_phrases`).
    entities : bool
        Count names (tokens of named entities and proper nouns; noun phrases headed by
        one) too. Off by default: keyness then shows each outlet's words, not whom it
        covers (the entity tables do that). The output's ``entities`` column says which.
    alpha0 : float, optional
        Total weight of the informative Dirichlet prior; ``alpha_w = alpha0 * y_w / N``.
        Default ``N`` (the prior pseudo-counts equal the corpus counts).
    min_count : int
        Drop terms seen fewer times than this in the whole corpus.
    fields : tuple of str
        Which fields' tokens to count.
    """

    by: str = "outlet"
    unit: Literal["lemma", "noun_phrase"] = "lemma"
    entities: bool = False
    alpha0: float | None = None
    min_count: int = 1
    fields: tuple[str, ...] = ("title", "text")


def _summary(units: pd.DataFrame, rows: pd.DataFrame, sentences: pd.DataFrame, by: str) -> dict | None:
    """Sum the keyness units of some articles: what :func:`_keyness_combine` needs of them.

    ``units`` are in the token table's order (``_order``); ``rows`` the articles with their
    group column ``by``. Returns None when no unit has a group, else a dict of ``terms`` (in
    order of first use), ``term_n`` (their counts), ``groups`` (the groups seen), ``pairs`` (one
    row per group and term: ``group, term, count, n_articles`` and the first use, the smallest
    ``article_id, field, sentence_id``) and ``sentences`` (the sentences of those first uses).
    """
    group_of = dict(zip(rows["article_id"], rows[by].astype(str), strict=True))
    units = units.assign(group=units["article_id"].map(group_of))
    if units["group"].isna().any():
        units = units[units["group"].notna()]
    if units.empty:
        return None
    # integer codes: articles, fields and groups in sorted order, terms in order of first use
    t_codes, t_uni = pd.factorize(units["term"].to_numpy())
    first_use = pd.Series(units["_order"].to_numpy()).groupby(t_codes).min().to_numpy()
    perm = np.argsort(first_use, kind="stable")  # term codes by first use
    renumber = np.empty(len(perm), dtype=np.int64)
    renumber[perm] = np.arange(len(perm))
    t_codes, t_uni = renumber[t_codes], np.asarray(t_uni, dtype=object)[perm]
    n_of = units["n"].to_numpy(dtype=np.int64)
    n_terms = len(t_uni)
    g_codes, g_uni = pd.factorize(units["group"].to_numpy(), sort=True)
    a_codes, a_uni = pd.factorize(units["article_id"].to_numpy(), sort=True)
    f_codes, f_uni = pd.factorize(units["field"].to_numpy(), sort=True)
    sid = units["sentence_id"].to_numpy(dtype=np.int64)
    pair = g_codes.astype(np.int64) * n_terms + t_codes
    # first use of each (group, term): the smallest (article_id, field, sentence_id)
    order = np.lexsort((sid, f_codes, a_codes))
    uniq_pairs, first_at = np.unique(pair[order], return_index=True)
    first_row = order[first_at]
    width = max(len(a_uni), 1)
    art_pairs = np.unique(pair * width + a_codes)
    pairs = pd.DataFrame(
        {
            "group": g_uni[uniq_pairs // n_terms],
            "term": t_uni[uniq_pairs % n_terms],
            "count": np.bincount(pair, weights=n_of, minlength=len(g_uni) * n_terms)[uniq_pairs],
            "n_articles": np.bincount(art_pairs // width, minlength=len(g_uni) * n_terms)[uniq_pairs],
            "article_id": a_uni[a_codes[first_row]],
            "field": f_uni[f_codes[first_row]],
            "sentence_id": sid[first_row],
        }
    )
    used = pairs[["article_id", "field", "sentence_id"]].drop_duplicates()
    found = sentences.assign(article_id=sentences["article_id"].astype(str))[
        ["article_id", "field", "sentence_id", "start_char", "end_char", "text"]
    ].drop_duplicates(["article_id", "field", "sentence_id"])
    return {
        "terms": t_uni,
        "term_n": np.bincount(t_codes, weights=n_of, minlength=n_terms).astype(np.int64),
        "groups": list(g_uni),
        "pairs": pairs,
        "sentences": found.merge(used, on=["article_id", "field", "sentence_id"]),
    }


def _keyness_part(
    articles: pd.DataFrame,
    term_counts: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    options: KeynessOptions | None = None,
) -> dict | None:
    """Return the :func:`_summary` of one chunk's ``_terms`` (a per-chunk part of :func:`keyness`)."""
    options = options or KeynessOptions()
    rows = ok_articles(articles, need=("article_id", "text", options.by))
    units = _units_from_counts(term_counts, rows["article_id"], options.fields, options.entities)
    return _summary(units, rows, sentences, options.by)


def _keyness_combine(
    parts: list, articles: pd.DataFrame | None = None, *, options: KeynessOptions | None = None
) -> pd.DataFrame:
    """Score the terms of the :func:`_summary` of every part of the corpus, in corpus order."""
    options = options or KeynessOptions()
    by, unit, entities = options.by, options.unit, options.entities
    alpha0, min_count = options.alpha0, options.min_count
    parts = [p for p in parts if p is not None]
    groups = {g for p in parts for g in p["groups"]}
    if len(groups) < 2:
        raise ValueError(
            f"keyness compares each group with the rest: it needs at least two groups in {by!r} "
            f"with text (got {len(groups)})"
        )
    # the corpus's terms in order of first use: a part's terms come after those of the parts before it
    t_codes, t_uni = pd.factorize(np.concatenate([p["terms"] for p in parts]))
    # like units["term"].value_counts() on one row per token: terms in order of first use, then
    # sorted by count (value_counts' own sort), so the prior sums in the same order
    total = pd.Series(
        np.bincount(
            t_codes, weights=np.concatenate([p["term_n"] for p in parts]), minlength=len(t_uni)
        ).astype(np.int64),
        index=pd.Index(np.asarray(t_uni, dtype=object), name="term"),
        name="count",
    )
    total = total.sort_values(ascending=False)
    total = total[total >= min_count]
    pairs = pd.concat([p["pairs"] for p in parts], ignore_index=True) if len(parts) > 1 else parts[0]["pairs"]
    t_col = pd.Index(total.index).get_indexer(pairs["term"].to_numpy())
    keep = t_col >= 0
    pairs, t_col = pairs[keep], t_col[keep]
    g_codes, g_uni = pd.factorize(pairs["group"].to_numpy(), sort=True)
    n_terms = len(total)
    n_total = float(total.sum())
    scale = n_total if alpha0 is None else float(alpha0)
    pair = g_codes.astype(np.int64) * n_terms + t_col
    counts = np.bincount(
        pair, weights=pairs["count"].to_numpy(dtype=float), minlength=len(g_uni) * n_terms
    ).reshape(len(g_uni), n_terms)
    prior = scale * total.to_numpy(dtype=float) / n_total
    # each part's first use of a (group, term) is the smallest (article_id, field, sentence_id) of its
    # articles; the corpus's is the smallest of those (an article is in one part)
    firsts = pairs.assign(_pair=pair).sort_values(
        ["_pair", "article_id", "field", "sentence_id"], kind="stable"
    )
    n_articles = firsts.groupby("_pair", sort=True)["n_articles"].sum()
    firsts = firsts.drop_duplicates("_pair")
    uniq_pairs = firsts["_pair"].to_numpy()
    first = pd.DataFrame(
        {
            "article_id": firsts["article_id"].to_numpy(),
            "field": firsts["field"].to_numpy(),
            "sentence_id": firsts["sentence_id"].to_numpy(dtype=np.int64),
            "n_articles": n_articles.to_numpy(dtype=np.int64),
        },
        index=pd.MultiIndex.from_arrays(
            [g_uni[uniq_pairs // n_terms], total.index.to_numpy()[uniq_pairs % n_terms]],
            names=["group", "term"],
        ),
    )
    sentences = (
        pd.concat([p["sentences"] for p in parts], ignore_index=True)
        if len(parts) > 1
        else parts[0]["sentences"]
    )
    counts = pd.DataFrame(counts, index=pd.Index(g_uni), columns=total.index)
    out = []
    for group in sorted(counts.index):
        y_i = counts.loc[group].to_numpy(dtype=float)
        y_j = total.to_numpy(dtype=float) - y_i
        delta, variance, z = log_odds_dirichlet(y_i, y_j, prior)
        n_i, n_j = y_i.sum(), y_j.sum()
        table = pd.DataFrame(
            {
                "group": group,
                "term": total.index.to_numpy(),
                "unit": unit,
                "entities": bool(entities),
                "count": y_i.astype(int),
                "count_rest": y_j.astype(int),
                "n_terms_total": int(n_i),
                "n_terms_total_rest": int(n_j),
                "per_1000_terms": 1000 * y_i / n_i if n_i else 0.0,
                "per_1000_terms_rest": 1000 * y_j / n_j if n_j else 0.0,
                "prior": prior,
                "log_odds": delta,
                "variance": variance,
                "z": z,
            }
        )
        table = table[table["count"] > 0].sort_values(["z", "term"], ascending=[False, True], kind="stable")
        table["rank"] = np.arange(1, len(table) + 1)
        out.append(table)
    result = pd.concat(out, ignore_index=True)
    ev = first.reindex(pd.MultiIndex.from_arrays([result["group"], result["term"]])).reset_index(drop=True)
    result = pd.concat([result, ev], axis=1)
    result["n_articles"] = result["n_articles"].astype(int)
    found = result[["article_id", "field", "sentence_id"]].merge(
        sentences.assign(article_id=sentences["article_id"].astype(str))[
            ["article_id", "field", "sentence_id", "start_char", "end_char", "text"]
        ].drop_duplicates(["article_id", "field", "sentence_id"]),
        on=["article_id", "field", "sentence_id"],
        how="left",
    )
    result["start_char"] = found["start_char"].to_numpy()
    result["end_char"] = found["end_char"].to_numpy()
    result["sentence"] = found["text"].to_numpy()
    return result.rename(columns={"group": by})[[by, *KEYNESS_COLUMNS]].reset_index(drop=True)


@stage(
    provides="keyness",
    requires=("articles", "_terms", "sentences"),
    bind={"term_counts": "_terms"},
    per_article=False,
    partial=Partial(part=_keyness_part, combine=_keyness_combine),
    columns=("outlet", *KEYNESS_COLUMNS),
)
def keyness(
    articles: pd.DataFrame,
    term_counts: pd.DataFrame | None = None,
    sentences: pd.DataFrame | None = None,
    *,
    annotations: Annotations | None = None,
    options: KeynessOptions | None = None,
    **kw: Any,
) -> pd.DataFrame:
    """Score how distinctive each term is of each group against the rest of the corpus.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id``, ``text`` and the grouping column ``by``; ``title`` and
        ``status`` are used when present (only ``status == 'ok'`` rows count).
    term_counts : pandas.DataFrame, optional
        Output of :func:`term_counts` for these articles (``unit="lemma"`` only): used
        instead of the token table, with identical results.
    sentences : pandas.DataFrame, optional
        Sentence table (``article_id, field, sentence_id, start_char, end_char, text``)
        for the evidence columns; default the annotations' sentences.
    annotations : Annotations, optional
        Output of :func:`analysis.annotate.annotate`; needed when the two
        tables above are not given (``analysis.keyness(articles)`` computes them).
    options : KeynessOptions, optional
        Grouping, unit and prior (default ``KeynessOptions()``: lemmas by outlet).
    **kw
        Fields of :class:`KeynessOptions` set on top of ``options`` (``by="event"``,
        ``unit="noun_phrase"``, ``entities=True``...).

    Returns
    -------
    pandas.DataFrame
        One row per group and term: ``<by>`` (the group), ``term, unit``,
        ``entities`` (whether names were counted), ``count`` (in the group),
        ``count_rest``, ``n_terms_total, n_terms_total_rest`` (all terms of the group and of the
        rest of the corpus), ``per_1000_terms, per_1000_terms_rest``,
        ``prior`` (alpha_w), ``log_odds`` (delta), ``variance, z, rank`` (1 = most
        distinctive of the group), ``n_articles`` (group articles using the term), and
        the evidence of its first use in the group: ``article_id, field, sentence_id,
        start_char, end_char, sentence``. Sorted by group, then ``z`` descending.

    Raises
    ------
    ValueError
        When ``by`` is not a column, ``unit`` is unknown, or fewer than two groups have text.
    TypeError
        A keyword that is not a field of :class:`KeynessOptions`.
    """
    options = replace(options or KeynessOptions(), **kw)
    by, unit, entities = options.by, options.unit, options.entities
    fields = options.fields
    if unit not in ("lemma", "noun_phrase"):
        raise ValueError(f"unit must be 'lemma' or 'noun_phrase', got {unit!r}")
    rows = ok_articles(articles, need=("article_id", "text", by))
    if term_counts is not None and unit == "lemma":
        units = _units_from_counts(term_counts, rows["article_id"], fields, entities)
    else:
        ann = need(annotations, "annotations= (or term_counts= with unit='lemma')", "keyness")
        if sentences is None:
            sentences = ann.sentences
        toks = restrict(ann.tokens, rows["article_id"])
        toks = toks[toks["field"].isin(fields)] if not toks.empty else toks
        units = _lemma_units(toks) if unit == "lemma" else noun_phrases(toks)
        if not entities:
            units = units[~units["entity"].astype(bool).to_numpy()]
        units = units.assign(n=1, _order=np.arange(len(units), dtype=np.int64))
    if sentences is None:
        sentences = need(annotations, "sentences=", "keyness").sentences
    return _keyness_combine([_summary(units, rows, sentences, by)], options=options)


def top_terms(
    table: pd.DataFrame, *, n: int = 5, min_z: float | None = None, by: str | None = None
) -> pd.DataFrame:
    """Return the ``n`` most distinctive terms of each group from a :func:`keyness` table.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`keyness` (needs the grouping column, ``term, z, rank``).
    n : int, default 5
        Terms per group.
    min_z : float, optional
        Keep only terms with ``z >= min_z`` (e.g. 1.96).
    by : str, optional
        Grouping column; default the table's first column (as :func:`keyness` writes it).

    Returns
    -------
    pandas.DataFrame
        The same columns, at most ``n`` rows per group, by rank.
    """
    by = by or str(table.columns[0])
    keep = table if min_z is None else table[table["z"] >= min_z]
    return keep.sort_values([by, "rank"], kind="stable").groupby(by).head(n).reset_index(drop=True)
