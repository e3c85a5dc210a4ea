"""The target-sentiment model's inputs for every span of a chunk at once, in arrays.

:func:`model_inputs` gives the same feature matrix and dense vectors as
calling :func:`analysis.measures.sentiment.features.target_parts` span by span
(the reference, which training uses), computed per chunk:

* the token table is read once into arrays (lexicon valence, negation,
  word-vector rows, content-word flags and the model's column of each token's
  ``w:`` / ``s:`` lemma feature, each looked up once per distinct word);
* the features that depend only on token positions (:func:`~.features.linear_part`:
  ``lex_all`` and the distance-weighted ``lex_win`` masses, the ``w:`` and
  ``s:`` lemma bags, the ``left`` / ``right`` / ``sentence`` word-vector
  regions) are computed for every (span, token of its sentence) pair with
  numpy, without a Python loop over spans;
* only what walks the dependency tree (:func:`~.features.tree_part`) runs per
  span in Python;
* the sparse features become one (spans x model features) matrix in
  coordinate form, and the class scores one product.

``tests/unit/test_sentiment_batch.py`` checks the matrix against the
reference on a small input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.annotate.tables import sorted_tokens
from analysis.measures.sentiment.clause import TARGET_WINDOW
from analysis.measures.sentiment.features import (
    CONTENT_POS,
    LEMMA_SKIP_POS,
    REGIONS,
    TOKEN_NEEDS,
    VECTOR_WINDOW,
    Sentence,
    overlapping_tokens,
    tree_part,
)
from analysis.measures.sentiment.lexicon import analyzer, negations
from analysis.measures.sentiment.model import TargetModel, softmax
from analysis.measures.sentiment.vectors import DIM, lookup, mean_vectors_flat


@dataclass(frozen=True)
class Located:
    """Where each found span sits in the sorted token arrays (one entry per span with a token)."""

    row: np.ndarray  # position of the span in the spans table
    start: np.ndarray  # index of its sentence's first token
    length: np.ndarray  # tokens in its sentence
    lo: np.ndarray  # first and last token of the span, local to the sentence
    hi: np.ndarray


def locate(toks: pd.DataFrame, spans: pd.DataFrame) -> Located:
    """Find each span's sentence and token range in ``toks`` (sorted by article, field, token).

    The same tokens as :func:`analysis.measures.sentiment.features.sentence_spans`: those
    overlapping ``[start_char, end_char)``, within the sentence of the first of them. The
    spans come out grouped by (article, field) in the order each pair first appears in
    ``spans``, each group in table order.

    With every field's token offsets in reading order (always, for a parse) and finite span
    offsets, all spans are found at once by two binary searches over the whole table
    (:func:`_locate_sorted`); otherwise field by field, testing every token.
    """
    aids = toks["article_id"].astype(str).to_numpy(dtype=object)
    flds = toks["field"].to_numpy(dtype=object)
    n = len(toks)
    # runs of one (article, field): the table is sorted, so each pair is one run
    new_run = np.ones(n, dtype=bool)
    if n:
        new_run[1:] = (aids[1:] != aids[:-1]) | (flds[1:] != flds[:-1])
    run_starts = np.flatnonzero(new_run)
    run_of_key = {(aids[a], flds[a]): r for r, a in enumerate(run_starts.tolist())}
    starts = spans["start_char"].to_numpy()
    ends = spans["end_char"].to_numpy()
    t_start = toks["start_char"].to_numpy()
    t_end = toks["end_char"].to_numpy()
    inside = ~new_run[1:]  # consecutive tokens of one run
    ordered = (
        len(run_of_key) == len(run_starts)
        and bool(np.all(t_start[1:][inside] >= t_start[:-1][inside]))
        and bool(np.all(t_end[1:][inside] >= t_end[:-1][inside]))
        and not pd.isna(starts).any()
        and not pd.isna(ends).any()
    )
    if not ordered:
        return _locate_by_field(toks, spans)
    keys = list(zip(spans["article_id"].astype(str), spans["field"], strict=True))
    # spans grouped by (article, field) in order of first appearance, each group in table order
    first_seen: dict[tuple[str, str], int] = {}
    order = np.argsort([first_seen.setdefault(k, len(first_seen)) for k in keys], kind="stable")
    run = np.asarray([run_of_key.get(k, -1) for k in keys], dtype=np.int64)[order]
    found = run >= 0
    return _locate_sorted(
        t_start, t_end, toks["sentence_id"].to_numpy(), new_run, order[found], run[found],
        starts[order[found]], ends[order[found]],
    )  # fmt: skip


def _locate_sorted(
    t_start: np.ndarray,
    t_end: np.ndarray,
    sid: np.ndarray,
    new_run: np.ndarray,
    rows: np.ndarray,
    run: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
) -> Located:
    """Do :func:`locate` for spans whose run (``run``: index of their (article, field) run) is known.

    Each token's offsets are made one key ``run * width + offset + 1`` (sorted over the whole
    table, since runs follow one another and offsets are in order within a run), and each span's
    offsets the same key clipped to its run, so one ``searchsorted`` finds every span's tokens.
    """
    n = len(t_start)
    run_of = np.cumsum(new_run) - 1
    width = int(max(t_end.max(initial=0), t_start.max(initial=0))) + 3
    base, token_base = run * width, run_of * width
    first = np.searchsorted(token_base + t_end + 1, base + np.clip(starts + 1, 0, width - 1), side="right")
    after = np.searchsorted(token_base + t_start + 1, base + np.clip(ends + 1, 0, width - 1), side="left")
    hit = after > first
    rows, first, after = rows[hit], first[hit], after[hit]
    # sentences: runs of one sentence id within one (article, field)
    new_sentence = new_run.copy()
    new_sentence[1:] |= sid[1:] != sid[:-1]
    sentence_starts = np.flatnonzero(new_sentence)
    sentence_ends = np.append(sentence_starts[1:], n)
    s = np.cumsum(new_sentence)[first] - 1
    lo_s, hi_s = sentence_starts[s], sentence_ends[s]
    last = np.minimum(after, hi_s) - 1
    as_int = np.int64
    return Located(rows.astype(as_int), lo_s.astype(as_int), (hi_s - lo_s).astype(as_int),
                   (first - lo_s).astype(as_int), (last - lo_s).astype(as_int))  # fmt: skip


def _locate_by_field(toks: pd.DataFrame, spans: pd.DataFrame) -> Located:
    """Do :func:`locate` one (article, field) at a time (for token offsets out of reading order)."""
    groups = toks.groupby([toks["article_id"].astype(str), toks["field"]], sort=False).indices
    rows_by_key: dict[tuple[str, str], list[int]] = {}
    for row, key in enumerate(zip(spans["article_id"].astype(str), spans["field"], strict=True)):
        rows_by_key.setdefault(key, []).append(row)
    starts = spans["start_char"].to_numpy()
    ends = spans["end_char"].to_numpy()
    t_start_all = toks["start_char"].to_numpy()
    t_end_all = toks["end_char"].to_numpy()
    sid_all = toks["sentence_id"].to_numpy()
    out: list[tuple[int, int, int, int, int]] = []
    for key, row_list in rows_by_key.items():
        rows = np.asarray(row_list, dtype=np.int64)
        positions = groups.get(key)
        if positions is None:
            continue
        t_start, t_end, sids = t_start_all[positions], t_end_all[positions], sid_all[positions]
        change = np.flatnonzero(sids[1:] != sids[:-1]) + 1
        bounds = np.concatenate([[0], change, [len(positions)]])
        sentence_of = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
        for row, hit in zip(rows, overlapping_tokens(t_start, t_end, starts[rows], ends[rows]), strict=True):
            if hit.size == 0:
                continue
            hit_first = int(hit[0])
            s = sentence_of[hit_first]
            hit_last = int(hit[sentence_of[hit] == s][-1])
            lo_s, hi_s = int(bounds[s]), int(bounds[s + 1])
            out.append((int(row), int(positions[lo_s]), hi_s - lo_s, hit_first - lo_s, hit_last - lo_s))
    if not out:
        empty = np.zeros(0, dtype=np.int64)
        return Located(empty, empty, empty, empty, empty)
    arr = np.asarray(out, dtype=np.int64)
    # the positions of one article-field are consecutive, so its sentences are too
    return Located(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], arr[:, 4])


@dataclass(frozen=True)
class TokenArrays:
    """The chunk's token table as arrays, every per-word lookup done once per distinct word."""

    text: np.ndarray
    ws: np.ndarray
    lemma: np.ndarray  # lower case (the text when the table has no lemma)
    pos: np.ndarray
    dep: np.ndarray
    head: np.ndarray  # local to the sentence is computed per sentence from this and token_id
    token_id: np.ndarray
    valence: np.ndarray
    negated: np.ndarray
    vector_id: np.ndarray
    content: np.ndarray  # pos in the content-word classes
    col_w: np.ndarray  # model column of "w:<lemma>" (-1: not a model feature or a skipped POS)
    col_s: np.ndarray  # model column of "s:<lemma>" (-1: not a model feature or not a content word)
    code: np.ndarray  # one integer per distinct (text, whitespace, lemma, pos, dep) of a token
    vader: np.ndarray  # the form clause-VADER reads (:func:`~.clause.vader_words`)


def token_arrays(toks: pd.DataFrame, columns: Mapping[str, int]) -> TokenArrays:
    """Read the sorted token table into :class:`TokenArrays` (``columns``: the model's feature columns)."""
    text = toks["text"].astype(str).to_numpy(dtype=object)
    # each distinct word lower-cased once (two spellings may give one lower-case word: lookups allow it)
    text_codes, text_words = pd.factorize(text)
    low_codes, low_words = text_codes, [w.lower() for w in text_words.tolist()]
    if "lemma" in toks.columns:
        lemma_codes, lemma_words = pd.factorize(toks["lemma"].astype(str).to_numpy(dtype=object))
        lemma_words = [w.lower() for w in lemma_words.tolist()]
    else:
        lemma_codes, lemma_words = low_codes, low_words
    lemma = np.asarray(lemma_words, dtype=object)[lemma_codes]
    pos = toks["pos"].astype(str).to_numpy(dtype=object)
    lexicon, neg = analyzer().lexicon, negations()
    nan = float("nan")
    # a word missing from the lexicon falls back to its lemma (as features.prepare does)
    valence = np.asarray([lexicon.get(w, nan) for w in low_words], dtype=float)[low_codes]
    valence = np.where(
        np.isnan(valence),
        np.asarray([lexicon.get(w, 0.0) for w in lemma_words], dtype=float)[lemma_codes],
        valence,
    )
    negated = (
        np.asarray([w in neg for w in low_words], dtype=bool)[low_codes]
        | np.asarray([w in neg for w in lemma_words], dtype=bool)[lemma_codes]
    )
    vocabulary = lookup(low_words + lemma_words)
    vector_id = np.asarray([vocabulary.get(w, -1) for w in low_words], dtype=np.int64)[low_codes]
    vector_id = np.where(
        vector_id < 0,
        np.asarray([vocabulary.get(w, -1) for w in lemma_words], dtype=np.int64)[lemma_codes],
        vector_id,
    )
    pos_s = pd.Series(pos, dtype=object)
    content = pos_s.isin(CONTENT_POS).to_numpy()
    skip = pos_s.isin(LEMMA_SKIP_POS).to_numpy()
    col_w = np.asarray([columns.get("w:" + w, -1) for w in lemma_words], dtype=np.int64)[lemma_codes]
    col_s = np.asarray([columns.get("s:" + w, -1) for w in lemma_words], dtype=np.int64)[lemma_codes]
    col_w[skip] = -1
    col_s[~content] = -1
    ws = toks["whitespace"].to_numpy(dtype=bool)
    # clause.vader_words on every token: the lemma when only it is in VADER's lexicon
    lemma_form = ~np.asarray([w in lexicon for w in low_words], dtype=bool)[low_codes] & np.asarray(
        [w.lower() in lexicon for w in lemma_words], dtype=bool
    )[lemma_codes]
    dep = toks["dep"].astype(str).to_numpy(dtype=object)
    return TokenArrays(
        text=text,
        ws=ws,
        lemma=lemma,
        pos=pos,
        dep=dep,
        head=toks["head"].to_numpy(dtype=np.int64),
        token_id=toks["token_id"].to_numpy(dtype=np.int64),
        valence=valence,
        negated=negated,
        vector_id=vector_id,
        content=content,
        col_w=col_w,
        col_s=col_s,
        code=_joint_codes([text_codes, ws, lemma_codes, pos, dep]),
        vader=np.where(lemma_form, lemma, text),
    )


def _joint_codes(columns: list[np.ndarray]) -> np.ndarray:
    """Return one integer per row, equal for two rows exactly when every column is equal in them.

    >>> _joint_codes([np.array(["a", "b", "a"], dtype=object), np.array([True, True, True])]).tolist()
    [0, 1, 0]
    """
    code = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        values, distinct = pd.factorize(column)
        # refactorised after every column, so the combined values stay below rows x distinct values
        code = pd.factorize(code * len(distinct) + values)[0].astype(np.int64)
    return code


def sentence_at(arrays: TokenArrays, start: int, length: int) -> Sentence:
    """Return the :class:`~.features.Sentence` of tokens ``start:start + length`` (heads made local)."""
    sl = slice(start, start + length)
    head = arrays.head[sl] - arrays.token_id[start]
    # clause.tree's heads (a head outside the sentence makes a root), computed on the array
    fixed = np.where((head >= 0) & (head < length), head, np.arange(length)).tolist()
    children: list[list[int]] = [[] for _ in range(length)]
    for i, h in enumerate(fixed):
        if h != i:
            children[h].append(i)
    vector_ids = arrays.vector_id[sl]
    return Sentence(arrays.text[sl].tolist(), arrays.ws[sl].tolist(), arrays.lemma[sl].tolist(),
                    arrays.pos[sl].tolist(), arrays.dep[sl].tolist(), fixed, children,
                    arrays.valence[sl].tolist(), arrays.negated[sl].tolist(), vector_ids,
                    arrays.vader[sl].tolist())  # fmt: skip


@dataclass(frozen=True)
class Pairs:
    """Every (span, token of its sentence outside the span) pair, as flat arrays."""

    span: np.ndarray  # which span (0..n_spans-1)
    token: np.ndarray  # global token index
    local: np.ndarray  # token index local to the sentence
    distance: np.ndarray  # tokens to the nearer end of the span


def pairs(located: Located) -> Pairs:
    """Expand each located span to the tokens of its sentence outside it."""
    n = located.length
    span = np.repeat(np.arange(len(n)), n)
    offsets = np.cumsum(n) - n
    local = np.arange(int(n.sum())) - np.repeat(offsets, n)
    lo, hi = located.lo[span], located.hi[span]
    outside = (local < lo) | (local > hi)
    span, local, lo, hi = span[outside], local[outside], lo[outside], hi[outside]
    distance = np.where(local < lo, lo - local, local - hi)
    return Pairs(span, located.start[span] + local, local, distance)


def _mass(values: np.ndarray, span: np.ndarray, n_spans: int) -> tuple[np.ndarray, np.ndarray]:
    positive = np.bincount(span, weights=np.where(values > 0, values, 0.0), minlength=n_spans)
    negative = -np.bincount(span, weights=np.where(values < 0, values, 0.0), minlength=n_spans)
    return positive / 4.0, negative / 4.0


def linear_parts(
    arrays: TokenArrays, located: Located, columns: Mapping[str, int]
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Compute :func:`~.features.linear_part` for every located span at once.

    Returns
    -------
    sparse : tuple of arrays
        ``(span, column, value)`` triplets of the model features (each pair once).
    regions : dict
        For ``left``, ``right`` and ``sentence``: ``(span, vector row)`` of the words in the region.
    """
    n_spans = len(located.row)
    p = pairs(located)
    value = arrays.valence[p.token]
    weight = 1.0 / (1.0 + p.distance / 3.0)
    rows, cols, vals = [], [], []
    for prefix, values in (("lex_all", value), ("lex_win", value * weight)):
        for suffix, mass in zip(("_pos", "_neg"), _mass(values, p.span, n_spans), strict=True):
            j = columns.get(prefix + suffix)
            if j is None:
                continue
            hit = np.flatnonzero(mass)
            rows.append(hit)
            cols.append(np.full(hit.size, j, dtype=np.int64))
            vals.append(mass[hit])
    for col, value_of, keep in (
        (arrays.col_w[p.token], 1.0, p.distance <= 3),
        (arrays.col_s[p.token], 0.5, np.ones(len(p.span), dtype=bool)),
    ):
        keep = keep & (col >= 0)
        # each (span, column) pair once, in (span, column) order: one key per pair sorts as the pair does
        width = max(len(columns), int(col.max(initial=0)) + 1)
        both = np.unique(p.span[keep].astype(np.int64) * width + col[keep])
        rows.append(both // width)
        cols.append(both % width)
        vals.append(np.full(both.size, value_of))
    sparse = (
        np.concatenate(rows).astype(np.int64),
        np.concatenate(cols).astype(np.int64),
        np.concatenate(vals).astype(float),
    )
    # word-vector regions: content words outside the span (VECTOR_WINDOW nearest on each side)
    content = arrays.content[p.token]
    before = np.cumsum(arrays.content) - arrays.content  # content tokens before each token (global)
    lo_g = located.start[p.span] + located.lo[p.span]
    hi_g = located.start[p.span] + located.hi[p.span]
    # content words strictly between the token and the span
    left = content & (p.local < located.lo[p.span]) & (before[lo_g] - before[p.token] - 1 < VECTOR_WINDOW)
    right = (
        content
        & (p.local > located.hi[p.span])
        & (before[p.token] - before[hi_g] - arrays.content[hi_g] < VECTOR_WINDOW)
    )
    vid = arrays.vector_id[p.token]
    regions = {}
    for name, mask in (("left", left), ("right", right), ("sentence", content)):
        mask = mask & (vid >= 0)
        regions[name] = (p.span[mask], vid[mask])
    return sparse, regions


def model_inputs(
    tokens: pd.DataFrame,
    spans: pd.DataFrame,
    model: TargetModel,
    *,
    window: int = TARGET_WINDOW,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """Return the positions of the spans found, their sparse features and their dense vectors.

    Parameters
    ----------
    tokens : pandas.DataFrame
        Token table with :data:`~.features.TOKEN_NEEDS` (``lemma`` used when present).
    spans : pandas.DataFrame
        ``article_id, field, start_char, end_char``.
    model : TargetModel
        Its feature columns (``model.index``): features it does not know are left out.
    window : int, default :data:`TARGET_WINDOW`
        Tokens each side of the target in the clause selection.

    Returns
    -------
    rows : numpy.ndarray
        Position in ``spans`` of each span that overlaps a token (the matrix rows, in order).
    sparse : tuple of numpy.ndarray
        ``(row, column, value)`` of the sparse features in the model's columns (each once).
    dense : numpy.ndarray
        ``(len(rows), N_DENSE)`` mean word vectors of the :data:`~.features.REGIONS`.
    """
    missing = set(TOKEN_NEEDS) - set(tokens.columns)
    if missing:
        raise ValueError(f"tokens need columns {sorted(missing)}")
    missing = {"article_id", "field", "start_char", "end_char"} - set(spans.columns)
    if missing:
        raise ValueError(f"spans need columns {sorted(missing)}")
    columns = model.index
    empty = np.zeros(0, dtype=np.int64)
    if spans.empty or tokens.empty:
        return empty, (empty, empty, np.zeros(0)), np.zeros((0, DIM * len(REGIONS)))
    toks = sorted_tokens(tokens)  # shared with the other stages reading this token table (read by position)
    located = locate(toks, spans)
    n_spans = len(located.row)
    if n_spans == 0:
        return empty, (empty, empty, np.zeros(0)), np.zeros((0, DIM * len(REGIONS)))
    arrays = token_arrays(toks, columns)
    sparse, regions = linear_parts(arrays, located, columns)
    # what walks the tree: per distinct (sentence, span) in Python, a sentence prepared once for all
    # its spans (news repeats sentences: wire copy)
    distinct, first, sentences = _distinct_targets(arrays, located)
    names: list[str] = []  # the tree features of every distinct target, in order
    values: list[float] = []
    n_features: list[int] = []
    members: list[int] = []  # token index of every word of the clause, then the path, region of each target
    n_members: list[int] = []
    los, his, starts = located.lo.tolist(), located.hi.tolist(), located.start.tolist()
    for d, k in enumerate(first.tolist()):
        features, parts = tree_part(sentences[d], set(range(los[k], his[k] + 1)), window)
        names.extend(features)
        values.extend(features.values())
        n_features.append(len(features))
        start = starts[k]  # a sentence of the same content as the one prepared: the same vector rows
        for part in (parts["clause"], parts["path"]):
            members.extend([start + i for i in part])
            n_members.append(len(part))
    # the model's column of each feature (looked up once per distinct name; -1: not a model feature)
    codes, distinct_names = pd.factorize(np.asarray(names, dtype=object))
    column_of = np.asarray([columns.get(name, -1) for name in distinct_names.tolist()], dtype=np.int64)
    feature_cols = column_of[codes]
    known = feature_cols >= 0
    tree_rows = np.repeat(np.arange(len(n_features), dtype=np.int64), n_features)[known]
    # every span takes the tree features and regions of its distinct target
    t_rows, t_pick = _expand(tree_rows, distinct)
    rows, cols, vals = (
        [sparse[0], t_rows],
        [sparse[1], feature_cols[known][t_pick]],
        [sparse[2], np.asarray(values, dtype=float)[known][t_pick]],
    )
    vector_rows = arrays.vector_id[np.asarray(members, dtype=np.int64)]
    with_vector = vector_rows >= 0
    region_target = np.repeat(np.arange(len(n_features), dtype=np.int64).repeat(2), n_members)[with_vector]
    region_of = np.repeat(np.tile(np.arange(2, dtype=np.int64), len(n_features)), n_members)[with_vector]
    r_rows, r_pick = _expand(region_target, distinct)
    region_of_a = region_of[r_pick]
    region_ids_a = vector_rows[with_vector][r_pick]
    regions["clause"] = (r_rows[region_of_a == 0], region_ids_a[region_of_a == 0])
    regions["path"] = (r_rows[region_of_a == 1], region_ids_a[region_of_a == 1])
    # one gather of word vectors for every region of every span
    group = np.concatenate([regions[name][0] + r * n_spans for r, name in enumerate(REGIONS)])
    members = np.concatenate([regions[name][1] for name in REGIONS])
    means = mean_vectors_flat(group, members, n_spans * len(REGIONS))
    dense = means.reshape(len(REGIONS), n_spans, DIM).transpose(1, 0, 2).reshape(n_spans, -1)
    return located.row, (np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)), dense


def _distinct_targets(arrays: TokenArrays, located: Located) -> tuple[np.ndarray, np.ndarray, list[Sentence]]:
    """Return the distinct (sentence content, span) targets of the located spans.

    Returns each span's distinct target, the first span of each distinct target and each
    distinct target's prepared sentence (one object per distinct sentence).
    """
    by_start: dict[int, int] = {}
    by_content: dict[tuple[bytes, bytes], int] = {}
    prepared: list[Sentence] = []
    sentence_of = np.empty(len(located.row), dtype=np.int64)
    for k, (start, length) in enumerate(zip(located.start.tolist(), located.length.tolist(), strict=True)):
        s = by_start.get(start)
        if s is None:
            sl = slice(start, start + length)
            # the tokens' words, tags and heads (local to the sentence), compared as bytes
            content = (arrays.code[sl].tobytes(), (arrays.head[sl] - arrays.token_id[start]).tobytes())
            s = by_content.get(content)
            if s is None:
                s = by_content[content] = len(prepared)
                prepared.append(sentence_at(arrays, start, length))
            by_start[start] = s
        sentence_of[k] = s
    # one int64 key per (sentence, lo, hi), ordered as the triples are (lo <= hi < the longest sentence)
    width = int(located.length.max()) + 1
    keys = (sentence_of * width + located.lo) * width + located.hi
    _, first, distinct = np.unique(keys, return_index=True, return_inverse=True)
    distinct = distinct.reshape(-1)
    sentences = [prepared[s] for s in sentence_of[first].tolist()]
    return distinct, first, sentences


def _expand(owner: np.ndarray, distinct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Give every span the entries of its distinct target.

    ``owner[e]`` is the distinct target of entry ``e`` and ``distinct[k]`` that of span ``k``.
    Returns, for the expanded entries, the span and the entry each one copies.
    """
    order = np.argsort(owner, kind="stable")
    counts = np.bincount(owner, minlength=int(distinct.max()) + 1 if len(distinct) else 0)
    offsets = np.cumsum(counts) - counts
    per_span = counts[distinct]
    span = np.repeat(np.arange(len(distinct)), per_span)
    within = np.arange(int(per_span.sum())) - np.repeat(np.cumsum(per_span) - per_span, per_span)
    return span, order[offsets[distinct][span] + within]


def predict(model: TargetModel, n: int, sparse: tuple[np.ndarray, np.ndarray, np.ndarray],
            dense: np.ndarray) -> np.ndarray:  # fmt: skip
    """Return the (n, 3) class probabilities of ``n`` rows of sparse triplets and dense vectors."""
    rows, cols, vals = sparse
    contribution = vals[:, None] * model.coef[cols]
    z = np.tile(model.intercept, (n, 1))
    for c in range(z.shape[1]):
        z[:, c] += np.bincount(rows, weights=contribution[:, c], minlength=n)
    if model.dense_coef is not None and n:
        z += model.dense_scale * (np.asarray(dense, dtype=float).reshape(n, -1) @ model.dense_coef)
    return softmax(z)
