"""Frames: indicator questions with lexicon rules over spaCy lemmas, scored per article with evidence.

The codebook lists frames; each frame has indicator questions; each question has rules
(``any`` entries, optionally restricted by ``with`` entries in the same sentence) matched
on the lower-cased lemma or surface form of the tokens from :func:`analysis.annotate.annotate`.
A frame's score in an article is the share of its indicator questions answered "yes"
(Semetko & Valkenburg 2000 answer each question per story and average them).

Which codebook: :func:`resolve_codebook` picks an explicit codebook, else a
``codebook.yaml`` beside the corpus, else the packaged general codebook
(``analysis/data/frames.yaml``: 17 frames that apply to any news). A corpus codebook
with ``extends: default`` adds its story frames to the general ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis import config
from analysis.annotate.tables import sorted_tokens
from analysis.core.stage import need, stage
from analysis.core.stats import bootstrap_mean_ci
from analysis.framing._evidence import (
    norm_lemma,
    ok_articles,
    restrict,
)
from analysis.framing.codebook import (
    CORPUS_CODEBOOK_NAME,
    DEFAULT_CODEBOOK,
    FRAME_TYPES,
    NOT_VALIDATED,
    CodebookError,
    codebook_digest,
    load_codebook,
    read_codebook,
    resolve_codebook,
)

if TYPE_CHECKING:  # pragma: no cover
    from analysis.annotate import Annotations

#: A frame firing in more of a corpus's articles than this is flagged (it does not tell outlets apart).
FLAG_ABOVE = 0.80
#: A frame firing in fewer of a corpus's articles than this is flagged (too rare to compare outlets).
FLAG_BELOW = 0.05

FRAME_EVIDENCE_COLUMNS: tuple[str, ...] = (
    "article_id", "field", "sentence_id", "start_char", "end_char", "sentence",
    "frame", "frame_type", "indicator", "question", "match", "match_start", "match_end", "negated",
)  # fmt: skip
#: Lemmas that negate a rule hit when they occur shortly before it in the same sentence.
NEGATORS = frozenset({"no", "not", "never", "without", "nor", "neither", "n't"})
#: How many tokens before a hit are searched for a negator.
NEGATION_WINDOW = 3
FRAMES_COLUMNS: tuple[str, ...] = (
    "article_id", "outlet", "frame", "frame_type", "label", "validity", "score", "n_indicators", "n_fired",
    "indicators", "n_hits", "n_words", "hits_per_1000_words", "n_evidence_sentences", "evidence",
    "field", "sentence_id", "start_char", "end_char", "sentence", "codebook", "codebook_version",
)  # fmt: skip
FRAME_SUMMARY_COLUMNS: tuple[str, ...] = (
    "frame", "frame_type", "label", "validity", "n_articles", "mean_score", "mean_score_low",
    "mean_score_high", "share_with_frame", "mean_hits_per_1000_words", "corpus_share", "flag", "note",
)  # fmt: skip
PREVALENCE_COLUMNS: tuple[str, ...] = (
    "frame", "label", "n_articles", "n_with_frame", "share_with_frame", "flag",
)  # fmt: skip

__all__ = [
    "CORPUS_CODEBOOK_NAME", "DEFAULT_CODEBOOK", "FRAME_TYPES", "CodebookError", "codebook_digest",
    "frame_evidence", "frame_prevalence", "frame_summary", "frames", "load_codebook", "read_codebook",
    "resolve_codebook",
]  # fmt: skip


# --------------------------------------------------------------------------- matching


#: The token columns the matching reads (besides the ones :func:`_prepare_tokens` adds).
_MATCH_COLUMNS = ("article_id", "field", "sentence_id", "start_char", "end_char", "pos", "dep")


def _prepare_tokens(tokens: pd.DataFrame, fields: tuple[str, ...]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Return the tokens of ``fields`` but spaces, sorted by article, field and token, and the vocabulary.

    The table holds :data:`_MATCH_COLUMNS` and the word codes and sentence groups the matching
    reads; its rows are numbered from 0. The sorted token table is the chunk's shared one.
    """
    toks = sorted_tokens(tokens)
    keep = np.flatnonzero((toks["field"].isin(fields) & (toks["pos"] != "SPACE")).to_numpy())
    lemma = norm_lemma(pd.Series(toks["lemma"].to_numpy()[keep], dtype=object)).to_numpy()
    lower = norm_lemma(pd.Series(toks["text"].to_numpy()[keep], dtype=object)).to_numpy()
    index = pd.Index(pd.unique(np.concatenate([lemma, lower])))
    vocab = {word: i for i, word in enumerate(index)}
    out = pd.DataFrame({c: toks[c].to_numpy()[keep] for c in _MATCH_COLUMNS})
    aid, fld, sid = (out[c].to_numpy() for c in ("article_id", "field", "sentence_id"))
    new_group = np.ones(len(out), dtype=bool)
    new_group[1:] = (aid[1:] != aid[:-1]) | (fld[1:] != fld[:-1]) | (sid[1:] != sid[:-1])
    out["_lemma"] = index.get_indexer(lemma)
    out["_lower"] = index.get_indexer(lower)
    out["_negator_lemma"] = pd.Series(lemma, dtype=object).isin(NEGATORS).to_numpy()
    out["_group"] = np.cumsum(new_group)
    return out, vocab


def _match(
    toks: pd.DataFrame, vocab: dict[str, int], entries: list[tuple[tuple[str, str | None], ...]]
) -> tuple[np.ndarray, np.ndarray]:
    """Return (start row, end row) arrays of every occurrence of any entry (same sentence).

    Words are compared as integer codes of one shared vocabulary (lemmas and lower-cased
    surface forms), so matching is a few vectorised comparisons per entry.
    """
    n = len(toks)
    lemma = toks["_lemma"].to_numpy()
    lower = toks["_lower"].to_numpy()
    pos = toks["pos"].to_numpy()
    group = toks["_group"].to_numpy()
    starts, ends = [], []
    singles: dict[str | None, list[int]] = {}
    for entry in entries:
        codes = [vocab.get(w, -1) for w, _ in entry]
        if min(codes) < 0:  # a word never seen in the corpus: the entry cannot match
            continue
        if len(entry) == 1:
            singles.setdefault(entry[0][1], []).append(codes[0])
            continue
        length = len(entry)
        if n < length:
            continue
        ok = np.ones(n - length + 1, dtype=bool)
        for k, ((_, wpos), code) in enumerate(zip(entry, codes, strict=True)):
            seg = slice(k, n - length + 1 + k)
            ok &= (lemma[seg] == code) | (lower[seg] == code)
            if wpos:
                ok &= pos[seg] == wpos
        ok &= group[: n - length + 1] == group[length - 1 :]
        idx = np.flatnonzero(ok)
        starts.append(idx)
        ends.append(idx + length - 1)
    for wpos, codes in singles.items():
        wanted = np.zeros(len(vocab), dtype=bool)
        wanted[codes] = True
        ok = wanted[lemma] | wanted[lower]
        if wpos:
            ok &= pos == wpos
        idx = np.flatnonzero(ok)
        starts.append(idx)
        ends.append(idx)
    if not starts:
        return np.array([], dtype=int), np.array([], dtype=int)
    return np.concatenate(starts), np.concatenate(ends)


def _negated(starts: np.ndarray, negator: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Flag hits with a negator (no, not, never, without...) up to NEGATION_WINDOW tokens before them."""
    out = np.zeros(len(starts), dtype=bool)
    for k in range(1, NEGATION_WINDOW + 1):
        prev = starts - k
        ok = prev >= 0
        idx = np.where(ok, prev, 0)
        out |= ok & negator[idx] & (group[idx] == group[starts])
    return out


@stage(
    provides="_frame_evidence",
    requires=("articles", "annotations", "codebook"),
    columns=FRAME_EVIDENCE_COLUMNS,
)
def frame_evidence(
    articles: pd.DataFrame,
    *,
    codebook: str | PathLike | Mapping | None = None,
    annotations: Annotations,
    fields: tuple[str, ...] = ("title", "text"),
) -> pd.DataFrame:
    """List every rule hit of every frame indicator, with its sentence and matched span.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text`` (``title``, ``status`` used when present).
    codebook : str, path, mapping, optional
        See :func:`load_codebook`; default the packaged codebook.
    annotations : Annotations
        Output of :func:`analysis.annotate.annotate`; required
        (``analysis.frame_evidence(articles)`` computes it when omitted).
    fields : tuple of str, default ("title", "text")
        Fields searched.

    Returns
    -------
    pandas.DataFrame
        ``article_id, field, sentence_id, start_char, end_char, sentence`` (the
        evidence sentence), ``frame, frame_type, indicator, question``, ``match`` (the
        matched words as printed), ``match_start, match_end`` (their offsets in the
        same field) and ``negated`` (a negator such as "no", "not", "never", "without"
        stands up to three tokens before the match: "no ceasefire"; such hits still
        count towards the score: a frame is about emphasis, not assertion). Sorted by
        article, field, offset, frame, indicator.
    """
    book = load_codebook(codebook)
    rows = ok_articles(articles)
    ann = need(annotations, "annotations=", "frame_evidence")
    return _frame_evidence(rows, book, ann, fields)


def _frame_evidence(
    rows: pd.DataFrame, book: dict[str, dict], ann: Annotations, fields: tuple[str, ...]
) -> pd.DataFrame:
    toks = restrict(ann.tokens, rows["article_id"])
    if toks.empty:
        return pd.DataFrame(columns=FRAME_EVIDENCE_COLUMNS)
    toks, vocab = _prepare_tokens(toks, fields)
    if toks.empty:
        return pd.DataFrame(columns=FRAME_EVIDENCE_COLUMNS)
    sent_group = toks["_group"].to_numpy()
    negator = (toks["dep"].to_numpy() == "neg") | toks["_negator_lemma"].to_numpy()
    tok_start = toks["start_char"].to_numpy()
    tok_end = toks["end_char"].to_numpy()
    # one array per column and indicator, concatenated once (a frame per indicator costs more than the match)
    parts: dict[str, list[np.ndarray]] = {
        c: [] for c in ("row", "match_start", "match_end", "frame", "frame_type", "indicator", "question",
                        "negated")
    }  # fmt: skip
    for frame, spec in book.items():
        for ind in spec["indicators"]:
            s, e = _match(toks, vocab, ind["any"])
            if len(s) and ind["with"]:
                ws, _ = _match(toks, vocab, ind["with"])
                keep = np.isin(sent_group[s], np.unique(sent_group[ws]))
                s, e = s[keep], e[keep]
            if not len(s):
                continue
            parts["row"].append(s)
            parts["match_start"].append(tok_start[s])
            parts["match_end"].append(tok_end[e])
            for column, value in (
                ("frame", frame), ("frame_type", spec["type"]), ("indicator", ind["id"]),
                ("question", ind["question"]),
            ):  # fmt: skip
                parts[column].append(np.full(len(s), value, dtype=object))
            parts["negated"].append(_negated(s, negator, sent_group))
    if not parts["row"]:
        return pd.DataFrame(columns=FRAME_EVIDENCE_COLUMNS)
    found = pd.DataFrame({c: np.concatenate(v) for c, v in parts.items()})
    meta = toks.loc[found["row"], ["article_id", "field", "sentence_id"]].reset_index(drop=True)
    found = pd.concat([meta, found.drop(columns="row")], axis=1)
    sents = ann.sentences[["article_id", "field", "sentence_id", "start_char", "end_char", "text"]]
    found = found.merge(
        sents.rename(columns={"text": "sentence"}), on=["article_id", "field", "sentence_id"]
    )
    found["match"] = [
        sent[ms - ss : me - ss]
        for sent, ss, ms, me in zip(
            found["sentence"], found["start_char"], found["match_start"], found["match_end"], strict=True
        )
    ]
    # overlapping entries of one indicator (e.g. "peace" inside "lasting peace") count once: keep the longest
    found = found.sort_values(
        ["article_id", "field", "frame", "indicator", "match_start", "match_end"],
        ascending=[True, True, True, True, True, False],
        kind="stable",
    )
    found = found.drop_duplicates(["article_id", "field", "frame", "indicator", "match_start"])
    prev_end = found.groupby(["article_id", "field", "frame", "indicator"])["match_end"].shift()
    found = found[~(prev_end.notna() & (found["match_start"] < prev_end.fillna(-1)))]
    found = found.sort_values(
        ["article_id", "field", "match_start", "frame", "indicator"], kind="stable"
    )
    return found[list(FRAME_EVIDENCE_COLUMNS)].reset_index(drop=True)


@stage(
    provides="frames",
    requires=("articles", "annotations", "codebook", "_frame_evidence"),
    bind={"evidence": "_frame_evidence"},
    columns=FRAMES_COLUMNS,
)
def frames(
    articles: pd.DataFrame,
    *,
    codebook: str | PathLike | Mapping | None = None,
    annotations: Annotations,
    evidence: pd.DataFrame | None = None,
    fields: tuple[str, ...] = ("title", "text"),
) -> pd.DataFrame:
    """Score every frame of the codebook in every article, with the indicators and sentences behind it.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``; ``title``, ``outlet`` and ``status`` are used
        when present (only ``status == 'ok'`` rows are scored).
    codebook : str, path, mapping, optional
        See :func:`read_codebook`; default the packaged general codebook (pass
        ``resolve_codebook(source)`` to use a corpus's own ``codebook.yaml``).
    annotations : Annotations
        Output of :func:`analysis.annotate.annotate`; required
        (``analysis.frames(articles)`` computes it when omitted).
    evidence : pandas.DataFrame, optional
        :func:`frame_evidence` of these articles with the same codebook (the pipeline
        passes its ``_frame_evidence`` table); matched here when None.
    fields : tuple of str, default ("title", "text")
        Fields searched.

    Returns
    -------
    pandas.DataFrame
        One row per article and frame (zero scores included): ``article_id, outlet,
        frame, frame_type, label``, ``validity`` (the codebook's mark: validated,
        exploratory, too few to validate or not validated), ``score`` (indicator questions answered yes /
        indicators, 0..1), ``n_indicators, n_fired``, ``indicators`` (fired ids, ``;``
        separated), ``n_hits`` (rule matches), ``n_words`` (non-punctuation tokens in
        the fields), ``hits_per_1000_words`` (matches per 1,000 words), ``n_evidence_sentences``,
        ``evidence`` (tuple of ``(field, sentence_id, start_char, end_char)`` for every
        evidence sentence) and the first evidence sentence: ``field, sentence_id,
        start_char, end_char, sentence`` (missing when the frame did not fire), and the
        codebook's ``codebook`` (name) and ``codebook_version``.
    """
    info = read_codebook(codebook)
    book = info["frames"]
    rows = ok_articles(articles)
    ann = need(annotations, "annotations=", "frames")
    if evidence is None:
        ev = _frame_evidence(rows, book, ann, fields)
    else:
        ev = evidence[evidence["article_id"].isin(rows["article_id"]) & evidence["field"].isin(fields)]
        ev = ev.reset_index(drop=True)
    toks = restrict(ann.tokens, rows["article_id"])
    if not toks.empty:
        is_word = toks["field"].isin(fields) & ~toks["is_punct"].astype(bool) & (toks["pos"] != "SPACE")
        words = toks.loc[is_word.to_numpy(), ["article_id"]]  # the one column counted: no copy of the rest
        n_words = words.groupby("article_id").size()
    else:
        n_words = pd.Series(dtype=int)
    outlet = rows["outlet"].astype(str) if "outlet" in rows.columns else pd.Series("", index=rows.index)
    grid = pd.DataFrame(
        [
            (aid, out, frame, spec["type"], spec["label"], spec["validity"], len(spec["indicators"]))
            for aid, out in zip(rows["article_id"], outlet, strict=True)
            for frame, spec in book.items()
        ],
        columns=["article_id", "outlet", "frame", "frame_type", "label", "validity", "n_indicators"],
    )
    keys = ["article_id", "frame"]
    if not ev.empty:
        ev_sorted = ev.sort_values(
            ["article_id", "frame", "field", "start_char"], key=_field_order, kind="stable"
        )
        by_key = ev_sorted.groupby(keys, sort=False)["indicator"]
        agg = pd.DataFrame({"n_fired": by_key.nunique(), "n_hits": by_key.size()})
        fired: dict[tuple, list[str]] = {}
        triples = zip(ev_sorted["article_id"], ev_sorted["frame"], ev_sorted["indicator"], strict=True)
        for a, f, ind in sorted(set(triples)):
            fired.setdefault((a, f), []).append(ind)
        agg["indicators"] = [";".join(fired[k]) for k in agg.index]
        sent_ev = ev_sorted.drop_duplicates(keys + ["field", "sentence_id"])
        agg["n_evidence_sentences"] = sent_ev.groupby(keys, sort=False).size()
        located = sent_ev.assign(
            _ev=list(
                zip(
                    sent_ev["field"],
                    sent_ev["sentence_id"].astype(int),
                    sent_ev["start_char"].astype(int),
                    sent_ev["end_char"].astype(int),
                    strict=True,
                )
            )
        )
        located_by_key: dict[tuple, list] = {}
        for a, f, item in zip(located["article_id"], located["frame"], located["_ev"], strict=True):
            located_by_key.setdefault((a, f), []).append(item)
        agg["evidence"] = [tuple(located_by_key[k]) for k in agg.index]
        first = sent_ev.groupby(keys, sort=False)[
            ["field", "sentence_id", "start_char", "end_char", "sentence"]
        ].first()
        agg = agg.join(first).reset_index()
        grid = grid.merge(agg, on=keys, how="left")
    else:
        for col in ["n_fired", "indicators", "n_hits", "n_evidence_sentences", "evidence", "field",
                    "sentence_id", "start_char", "end_char", "sentence"]:  # fmt: skip
            grid[col] = np.nan
    for col in ["n_fired", "n_hits", "n_evidence_sentences"]:
        grid[col] = grid[col].fillna(0).astype(int)
    grid["indicators"] = grid["indicators"].fillna("")
    grid["evidence"] = grid["evidence"].map(lambda v: v if isinstance(v, tuple) else ())
    grid["score"] = grid["n_fired"] / grid["n_indicators"]
    grid["n_words"] = grid["article_id"].map(n_words).fillna(0).astype(int)
    grid["hits_per_1000_words"] = np.where(
        grid["n_words"] > 0, 1000 * grid["n_hits"] / grid["n_words"].clip(lower=1), 0.0
    )
    for col in ["sentence_id", "start_char", "end_char"]:
        grid[col] = grid[col].astype("Int64")
    order = {name: i for i, name in enumerate(book)}
    grid = grid.sort_values(
        ["article_id", "frame"], key=lambda s: s.map(order) if s.name == "frame" else s
    )
    grid["codebook"] = info["name"]
    grid["codebook_version"] = info["version"]
    return grid[list(FRAMES_COLUMNS)].reset_index(drop=True)


def _field_order(series: pd.Series) -> pd.Series:
    return series.map({"title": 0, "text": 1}).fillna(2) if series.name == "field" else series


def frame_prevalence(frames_table: pd.DataFrame) -> pd.DataFrame:
    """Share of a corpus's articles in which each frame fires, flagging frames that do not discriminate.

    Parameters
    ----------
    frames_table : pandas.DataFrame
        Output of :func:`frames` (needs ``frame, label, score``; one row per article
        and frame, ``article_id`` used when present).

    Returns
    -------
    pandas.DataFrame
        One row per frame, in codebook order: ``frame, label, n_articles, n_with_frame``
        (articles where at least one indicator fired), ``share_with_frame`` and ``flag``:
        ``"fires in most articles: does not tell outlets apart"`` above
        :data:`FLAG_ABOVE` (80%), ``"rare: too few articles to compare outlets"`` below
        :data:`FLAG_BELOW` (5%), else empty.

    Examples
    --------
    >>> t = pd.DataFrame({"article_id": list("abcd") * 2, "frame": ["x"] * 4 + ["y"] * 4,
    ...                   "label": ["X"] * 4 + ["Y"] * 4, "score": [1, 1, 1, 1, 1, 0, 0, 0]})
    >>> frame_prevalence(t)[["frame", "share_with_frame", "flag"]].to_dict("records")[0]["flag"]
    'fires in most articles: does not tell outlets apart'
    """
    need = {"frame", "label", "score"}
    missing = sorted(need - set(frames_table.columns))
    if missing:
        raise ValueError(f"frames_table needs columns {missing}; got {list(frames_table.columns)}")
    table = frames_table
    if "article_id" not in table.columns:
        table = table.assign(article_id=np.arange(len(table)))
    rows = []
    for frame, g in table.groupby("frame", sort=False):
        n = g["article_id"].nunique()
        fired = g.loc[g["score"] > 0, "article_id"].nunique()
        share = fired / n if n else float("nan")
        rows.append(
            {"frame": frame, "label": g["label"].iloc[0], "n_articles": n, "n_with_frame": fired,
             "share_with_frame": share, "flag": _flag(share)}
        )  # fmt: skip
    return pd.DataFrame(rows, columns=PREVALENCE_COLUMNS)


def _flag(share: float) -> str:
    if share > FLAG_ABOVE:
        return "fires in most articles: does not tell outlets apart"
    if share < FLAG_BELOW:
        return "rare: too few articles to compare outlets"
    return ""


def frame_summary(
    frames_table: pd.DataFrame,
    *,
    by: str = "outlet",
    n_boot: int = config.N_BOOTSTRAP,
    ci: float = 0.95,
    seed: int = config.RANDOM_SEED,
) -> pd.DataFrame:
    """Average frame scores per group with bootstrap intervals; flag frames that fire almost everywhere.

    Parameters
    ----------
    frames_table : pandas.DataFrame
        Output of :func:`frames` (needs ``frame, frame_type, label, score,
        hits_per_1000_words`` and the column ``by``); join other article columns first to
        group by them.
    by : str, default "outlet"
        Grouping column; the output's first column has this name.
    n_boot : int, default :data:`analysis.config.N_BOOTSTRAP`
        Bootstrap resamples of the articles in a group.
    ci : float, default 0.95
        Interval coverage.
    seed : int, default :data:`analysis.config.RANDOM_SEED`
        Seed of the bootstrap (:func:`analysis.core.stats.bootstrap_mean_ci`; every group
        uses the same seed, so a group's interval does not depend on the others).

    Returns
    -------
    pandas.DataFrame
        ``<by>, frame, frame_type, label, validity`` (from the frames table; "not validated"
        when it has no such column), ``n_articles, mean_score, mean_score_low,
        mean_score_high`` (NaN with one article), ``share_with_frame`` (articles with
        score > 0), ``mean_hits_per_1000_words``, ``corpus_share`` and ``flag`` (the frame's
        share of all articles and its :func:`frame_prevalence` flag) and ``note``
        ("single article: no interval" when a group has one article, else empty).
        Sorted by group, then codebook order.
    """
    need = {by, "frame", "frame_type", "label", "score", "hits_per_1000_words"}
    missing = sorted(need - set(frames_table.columns))
    if missing:
        raise ValueError(f"frames_table needs columns {missing}; got {list(frames_table.columns)}")
    prevalence = frame_prevalence(frames_table).set_index("frame")
    order = {f: i for i, f in enumerate(dict.fromkeys(frames_table["frame"]))}
    out = []
    for (group, frame), g in sorted(
        frames_table.groupby([by, "frame"], sort=False), key=lambda kv: (str(kv[0][0]), order[kv[0][1]])
    ):
        scores = g["score"].to_numpy(dtype=float)
        if len(scores) > 1:
            interval = bootstrap_mean_ci(scores, n=n_boot, seed=seed, level=ci)
            low, high = interval.low, interval.high
        else:
            low = high = float("nan")
        out.append(
            {
                by: group,
                "frame": frame,
                "frame_type": g["frame_type"].iloc[0],
                "label": g["label"].iloc[0],
                "validity": g["validity"].iloc[0] if "validity" in g.columns else NOT_VALIDATED,
                "n_articles": len(g),
                "mean_score": float(scores.mean()),
                "mean_score_low": low,
                "mean_score_high": high,
                "share_with_frame": float((scores > 0).mean()),
                "mean_hits_per_1000_words": float(g["hits_per_1000_words"].mean()),
                "corpus_share": float(prevalence.loc[frame, "share_with_frame"]),
                "flag": prevalence.loc[frame, "flag"],
                "note": "single article: no interval" if len(g) == 1 else "",
            }
        )
    return pd.DataFrame(out, columns=[by, *FRAME_SUMMARY_COLUMNS])
