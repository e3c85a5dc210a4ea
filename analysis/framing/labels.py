"""Show how each outlet names each actor: titles, appositives, role phrases and speaker labels.

:func:`labels` expands every entity mention to the noun phrase around it in the
dependency parse ("Vladimir Putin" -> "Russian President Vladimir Putin"), adds
its appositives ("Dmitry Peskov, the Russian presidential press secretary") and
the phrases used to introduce the entity as a speaker ("the Kremlin said", "a
Russian presidential spokesman said"), and counts each form per outlet.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.annotate.tables import column_list, field_runs, rows_where, sorted_tokens
from analysis.core.stage import Partial, need, stage
from analysis.framing.quotes import field_texts
from analysis.framing.quotes.fields import ChunkTree, token_tree
from analysis.schema import ok_articles

if TYPE_CHECKING:  # pragma: no cover
    from analysis.annotate import Annotations

#: Dependency labels of pre-modifiers that belong to a title ("Russian President", "Kremlin spokesman").
TITLE_DEPS = frozenset({"compound", "amod", "det", "poss", "nmod", "nummod", "case"})
_ONLY_DETERMINERS = frozenset({"det", "poss", "case"})
LABEL_COLUMNS: tuple[str, ...] = (
    "canonical", "kind", "label", "form", "count", "n_as_speaker", "n_articles",
    "article_id", "field", "start_char", "end_char",
)  # fmt: skip


def normalise_label(text: str) -> str:
    """Return a label with whitespace collapsed, outer punctuation and a final possessive removed.

    Examples
    --------
    >>> normalise_label("The  Kremlin’s")
    'the Kremlin'
    >>> normalise_label(", the head of the Kremlin,")
    'the head of the Kremlin'
    """
    text = re.sub(r"\s+", " ", text).strip(" ,.;:—–-\"“”‘’'()")
    text = re.sub(r"[’']s$", "", text).strip()
    return re.sub(r"^(The|A|An|His|Her|Its|Their) ", lambda m: m.group(1).lower() + " ", text)


_TOKEN_FIELDS = ("token_id", "start_char", "end_char", "dep", "pos", "text", "sentence_id", "head")


class _Tokens:
    """Tokens of one article field as lists (token order), with a children index.

    ``tree`` and ``run``: the chunk's :class:`~analysis.framing.quotes.fields.ChunkTree` and this
    field's run ``(a, b)`` in it (without them the tree is built here).
    """

    def __init__(
        self,
        t: pd.DataFrame | None = None,
        *,
        cols: dict[str, list] | None = None,
        tree: ChunkTree | None = None,
        run: tuple[int, int] = (0, 0),
    ) -> None:
        if cols is None:
            t = t.sort_values("token_id")
            cols = {c: t[c].tolist() for c in _TOKEN_FIELDS}
        self.ids = cols["token_id"]
        self.start = cols["start_char"]
        self.end = cols["end_char"]
        self.dep = cols["dep"]
        self.pos = cols["pos"]
        self.word = cols["text"]
        self.sent = cols["sentence_id"]
        if tree is None:
            index = {tid: i for i, tid in enumerate(self.ids)}
            self.head = [index.get(h, i) for i, h in enumerate(cols["head"])]
            children: list[list[int]] = [[] for _ in self.ids]
            for i, h in enumerate(self.head):
                if h != i:
                    children[h].append(i)
            self._kids = [c for kids in children for c in kids]
            self._kid_start = np.cumsum([0, *map(len, children)]).tolist()
        else:
            a, b = run
            self.head = [i if p < 0 else p for i, p in enumerate(tree.parents[a:b])]  # a root heads itself
            self._kids, self._kid_start = tree.kid_list, tree.kid_start[a : b + 1]

    def kids(self, i: int) -> list[int]:
        """Return the children of token ``i`` in text order (a new list)."""
        return self._kids[self._kid_start[i] : self._kid_start[i + 1]]

    def covering(self, a: int, b: int) -> list[int]:
        i = bisect.bisect_right(self.end, a)
        out = []
        while i < len(self.start) and self.start[i] < b:
            if self.end[i] > a:
                out.append(i)
            i += 1
        return out

    def subtree(self, i: int) -> list[int]:
        out, stack = [], [i]
        while stack:
            k = stack.pop()
            out.append(k)
            stack.extend(self.kids(k))
        return sorted(out)


def _expand(tok: _Tokens, inside: list[int]) -> tuple[int, int, bool]:
    """Extend a mention leftwards over title pre-modifiers; return (first token, last token, titled)."""
    members = set(inside)
    first = min(inside)
    titled = False
    i = first - 1
    while i >= 0 and tok.sent[i] == tok.sent[first]:
        head = i
        ok = False
        for _ in range(6):  # follow the head chain into the mention
            if tok.dep[head] not in TITLE_DEPS and tok.pos[head] != "PUNCT":
                break
            head = tok.head[head]
            if head in members:
                ok = True
                break
        if not ok or tok.pos[i] == "PUNCT" and tok.word[i] not in "-–":
            break
        members.add(i)
        if tok.dep[i] not in _ONLY_DETERMINERS:
            titled = True
        i -= 1
    return min(members), max(inside), titled


def _noun_phrase(tok: _Tokens, head: int) -> tuple[int, int] | None:
    """Core noun phrase of ``head``: its title pre-modifiers and one "of" phrase, nothing more."""
    if tok.pos[head] == "PRON":
        return None
    keep, stack = [head], [head]
    while stack:
        k = stack.pop()
        for c in tok.kids(k):
            if tok.dep[c] in TITLE_DEPS or (
                tok.dep[c] == "prep" and tok.word[c].lower() == "of" and k == head
            ):
                keep.append(c)
                stack.append(c)
            elif tok.dep[c] == "pobj" and tok.word[k].lower() == "of":
                keep.append(c)
                stack.append(c)
    a, b = min(keep), max(keep)
    if b - a > 9 or any(tok.pos[x] == "PUNCT" and tok.word[x] not in "-–" for x in range(a, b + 1)):
        return None
    return a, b


def _appositives(tok: _Tokens, inside: list[int]) -> list[tuple[int, int]]:
    """Find appositives of the mention, or the phrase the mention is an appositive of (token ranges)."""
    members = set(inside)
    out = []
    for k in inside:
        for c in tok.kids(k):
            if tok.dep[c] == "appos" and c not in members:
                out.append(_noun_phrase(tok, c))
        parent = tok.head[k]
        if tok.dep[k] == "appos" and parent not in members and parent < min(inside):
            out.append(_noun_phrase(tok, parent))
    return [span for span in out if span is not None]


#: Columns of :func:`label_occurrences`.
LABEL_SPAN_COLUMNS: tuple[str, ...] = (
    "article_id", "field", "canonical", "kind", "label", "form", "start_char", "end_char", "sp", "seq",
)  # fmt: skip


def _empty_occurrences() -> pd.DataFrame:
    types = {"start_char": "int64", "end_char": "int64", "sp": "bool", "seq": "int64"}
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, "object")) for c in LABEL_SPAN_COLUMNS})


@stage(
    provides="_label_spans",
    requires=("articles", "mentions", "annotations", "quotes"),
    per_article=True,
    columns=LABEL_SPAN_COLUMNS,
)
def label_occurrences(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    annotations: Annotations,
    quotes: pd.DataFrame,
) -> pd.DataFrame:
    """List every label occurrence of every entity, article by article (the per-article input of labels).

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text`` (``title``, ``status`` used when present).
    mentions : pandas.DataFrame
        Entity mentions (see :func:`labels`).
    annotations : Annotations
        spaCy tables of ``articles`` (:func:`analysis.annotate`). Required.
    quotes : pandas.DataFrame
        Output of :func:`analysis.quotes` for these articles. Required
        (``analysis.label_occurrences(articles)`` computes both).

    Returns
    -------
    pandas.DataFrame
        ``article_id, field, canonical, kind`` (None for a speaker phrase that no
        mention covers: :func:`labels` fills it from the corpus's mentions),
        ``label, form, start_char, end_char``, ``sp`` (introduces a quotation),
        ``seq`` (order within the article field). Duplicates and empty labels removed;
        sorted by article, field, ``seq``.
    """
    lacking = {"article_id", "field", "start_char", "end_char", "text", "canonical"} - set(mentions.columns)
    if lacking:
        raise ValueError(f"mentions need columns {sorted(lacking)}; got {list(mentions.columns)}")
    rows = ok_articles(articles)
    if rows.empty or mentions.empty:
        return _empty_occurrences()
    ann = need(annotations, "annotations=", "label_occurrences")
    quotes = need(quotes, "quotes=", "label_occurrences")
    texts = field_texts(rows)
    ok_ids = set(rows["article_id"].astype(str))
    ments = mentions[mentions["article_id"].astype(str).isin(ok_ids)]
    toks_all = rows_where(ann.tokens, ann.tokens["article_id"].isin(ok_ids))
    need_q = {"article_id", "field", "speaker_start_char", "speaker_end_char", "speaker_canonical"}
    if not need_q <= set(quotes.columns):
        raise ValueError(f"quotes need columns {sorted(need_q - set(quotes.columns))} (from analysis.quotes)")
    speakers = quotes[quotes["speaker_start_char"].notna()]
    by_field: dict[tuple[str, str], list[tuple]] = {}
    kinds = ments["kind"] if "kind" in ments.columns else pd.Series("", index=ments.index)
    vias = ments["via"] if "via" in ments.columns else pd.Series("", index=ments.index)
    for aid, fld, s, e, canonical, kind, via in zip(
        ments["article_id"].astype(str), ments["field"], ments["start_char"], ments["end_char"],
        ments["canonical"], kinds, vias, strict=True,
    ):  # fmt: skip
        by_field.setdefault((aid, fld), []).append((int(s), int(e), canonical, kind, via))
    sp_by_field: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    for aid, fld, s, e, canonical in zip(
        speakers["article_id"].astype(str), speakers["field"], speakers["speaker_start_char"],
        speakers["speaker_end_char"], speakers["speaker_canonical"], strict=True,
    ):  # fmt: skip
        if isinstance(canonical, str):
            sp_by_field.setdefault((aid, fld), []).append((int(s), int(e), canonical))
    occ = []
    wanted = set(by_field) | set(sp_by_field)
    # the chunk's shared views of its token table (the quotes read the same ones); a field without
    # mentions or speakers gives no occurrence, so its run is skipped rather than filtered out
    toks_all = sorted_tokens(toks_all)
    lists = {c: column_list(toks_all, c) for c in _TOKEN_FIELDS}
    aids, flds, ends = field_runs(toks_all)
    bounds = ends[:-1]
    tree = token_tree(toks_all) if aids else None  # every field's tree at once
    normalised: dict[str, str] = {}  # names repeat: each label text normalised once

    def label_of(raw: str) -> str:
        got = normalised.get(raw)
        if got is None:
            got = normalised[raw] = normalise_label(raw)
        return got

    for lo, hi in zip([0, *bounds], ends, strict=True):
        if lo >= hi:
            continue
        aid, fld = aids[lo], flds[lo]
        if (aid, fld) not in wanted:
            continue
        text = texts.get((str(aid), str(fld)), "")
        tok = _Tokens(cols={c: v[lo:hi] for c, v in lists.items()}, tree=tree, run=(lo, hi))
        spans = []
        for s, e, canonical, kind, via in by_field.get((str(aid), fld), []):
            inside = tok.covering(s, e)
            if via == "role" or not inside:
                spans.append((canonical, kind, s, e, "role" if via == "role" else "name"))
                continue
            a, b, titled = _expand(tok, inside)
            spans.append((canonical, kind, tok.start[a], tok.end[b], "title" if titled else "name"))
            for x, y in _appositives(tok, inside):
                spans.append((canonical, kind, tok.start[x], tok.end[y], "appositive"))
        sp_spans = sp_by_field.get((str(aid), fld), [])
        sp_words = [sc.split() for _, _, sc in sp_spans]
        used = set()
        for canonical, kind, s, e, form in spans:
            is_speaker = False
            if form != "appositive" and sp_spans:
                parts = canonical.split()
                for j, (ss, se, sc) in enumerate(sp_spans):
                    if ss < e and se > s and (sc == canonical or (parts and parts[-1] in sp_words[j])):
                        is_speaker = True
                        used.add(j)
            occ.append((str(aid), fld, canonical, kind, label_of(text[s:e]), form, s, e, is_speaker))
        for j, (ss, se, sc) in enumerate(sp_spans):
            if j not in used and text[ss:se].strip().lower() not in ("he", "she", "they", "it"):
                occ.append((str(aid), fld, sc, None, label_of(text[ss:se]), "speaker", ss, se, True))
    if not occ:
        return _empty_occurrences()
    table = pd.DataFrame(occ, columns=LABEL_SPAN_COLUMNS[:-1])
    table["seq"] = np.arange(len(table), dtype=np.int64)
    table = table[table["label"] != ""].drop_duplicates(
        ["article_id", "field", "canonical", "start_char", "end_char"]
    )
    table["seq"] = table.groupby(["article_id", "field"], sort=False).cumcount().astype("int64")
    table = table.astype({"start_char": "int64", "end_char": "int64", "sp": "bool"})
    return table[list(LABEL_SPAN_COLUMNS)].reset_index(drop=True)


#: The order of a group's occurrences: by article, field and start, then emission order.
_OCCURRENCE_ORDER = ["article_id", "field", "start_char", "seq"]


def _firsts(table: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """Return each group's first row in :data:`_OCCURRENCE_ORDER`: ``keys``, the order and ``columns``."""
    first = table.sort_values([*keys, *_OCCURRENCE_ORDER], kind="stable").drop_duplicates(keys)
    return first[[*keys, *dict.fromkeys([*_OCCURRENCE_ORDER, *columns])]].reset_index(drop=True)


def _labels_part(
    articles: pd.DataFrame, mentions: pd.DataFrame, label_spans: pd.DataFrame, *, by: str = "outlet"
) -> dict | None:
    """Count some articles' label occurrences per group, entity and label: :func:`_labels_combine` adds them.

    Returns None without ok articles, else a dict: ``mentions`` (whether there were any),
    ``kinds`` (each entity's kind in its first mention), and, when there are occurrences,
    ``counts`` (per group, canonical and label: ``count, n_as_speaker, n_articles`` and the first
    occurrence with its ``form``), ``known`` (the first occurrence that has a kind, with it) and
    ``speakers`` (the first speaker phrase without a kind, typed later by the corpus's ``kinds``).
    """
    rows = ok_articles(articles)
    if rows.empty:
        return None
    group_of = (
        dict(zip(rows["article_id"].astype(str), rows[by], strict=True))
        if by in rows.columns
        else dict.fromkeys(rows["article_id"].astype(str), "all")
    )
    ok_ids = set(group_of)
    ments = mentions[mentions["article_id"].astype(str).isin(ok_ids)]
    part: dict = {
        "mentions": not mentions.empty,
        "kinds": (
            ments.drop_duplicates("canonical").set_index("canonical")["kind"]
            if "kind" in ments.columns
            else None
        ),
        "counts": None,
    }
    table = label_spans[label_spans["article_id"].astype(str).isin(ok_ids)]
    if table.empty:
        return part
    table = table.assign(article_id=table["article_id"].astype(str), sp=table["sp"].astype(bool))
    table[by] = table["article_id"].map(group_of)
    keys = [by, "canonical", "label"]
    counts = table.groupby(keys, sort=False).agg(
        count=("label", "size"), n_as_speaker=("sp", "sum"), n_articles=("article_id", "nunique")
    )
    firsts = _firsts(table, keys, ["form", "end_char"]).set_index(keys)
    part["counts"] = counts.join(firsts).reset_index()
    speaker = table["kind"].isna() & (table["form"] == "speaker")
    part["known"] = _firsts(table[table["kind"].notna()], keys, ["kind"])
    part["speakers"] = _firsts(table[speaker], keys, [])
    return part


def _labels_combine(parts: list, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Return :func:`labels`' table from the :func:`_labels_part` of every part of the corpus, in order."""
    cols = [by, *LABEL_COLUMNS]
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    parts = [p for p in parts if p is not None]
    if not parts or not any(p["mentions"] for p in parts):
        return empty
    counted = [p for p in parts if p["counts"] is not None]
    if not counted:
        return empty
    keys = [by, "canonical", "label"]
    every = (
        pd.concat([p["counts"] for p in counted], ignore_index=True)
        if len(counted) > 1
        else counted[0]["counts"]
    )
    sums = every.groupby(keys, sort=False)[["count", "n_as_speaker", "n_articles"]].sum()
    out = _firsts(every, keys, ["form", "end_char"]).set_index(keys).join(sums).reset_index()
    # an entity's kind: that of its first mention in the corpus (the first part that mentions it)
    kinds = [p["kinds"] for p in parts if p["kinds"] is not None]
    kind_of = pd.concat(kinds) if kinds else pd.Series(dtype=object)
    kind_of = kind_of[~kind_of.index.duplicated()].to_dict()
    speakers = pd.concat([p["speakers"] for p in counted], ignore_index=True)
    speakers["kind"] = speakers["canonical"].map(kind_of).fillna("")
    typed = pd.concat([p["known"] for p in counted] + [speakers], ignore_index=True)
    first_kind = _firsts(typed, keys, ["kind"]).set_index(keys)["kind"]
    out["kind"] = first_kind.reindex(pd.MultiIndex.from_frame(out[keys])).to_numpy()
    for c in ("count", "n_as_speaker", "n_articles"):
        out[c] = out[c].astype("int64")
    out = out.sort_values([by, "canonical", "count", "label"], ascending=[True, True, False, True])
    return out[cols].reset_index(drop=True)


@stage(
    provides="labels",
    requires=("articles", "mentions", "_label_spans"),
    per_article=False,
    partial=Partial(part=_labels_part, combine=_labels_combine),
    columns=("outlet", *LABEL_COLUMNS),
)
def labels(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    label_spans: pd.DataFrame | None = None,
    *,
    annotations: Annotations | None = None,
    quotes: pd.DataFrame | None = None,
    by: str = "outlet",
) -> pd.DataFrame:
    """Count the surface forms, titles and appositives each group of articles uses for each entity.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text`` (``title``, ``status`` and the column
        ``by`` used when present; without ``by`` every article is one group).
    mentions : pandas.DataFrame
        Entity mentions (``analysis.entity_mentions``): ``article_id, field,
        start_char, end_char, text, canonical`` (``kind`` and ``via`` used when
        present; ``via == 'role'`` marks role phrases such as "his Russian counterpart").
    annotations : Annotations, optional
        spaCy tables of ``articles``; with ``quotes``, needed when ``label_spans`` is None.
    quotes : pandas.DataFrame, optional
        Output of :func:`analysis.quotes`, to count the labels used for speakers.
    label_spans : pandas.DataFrame, optional
        Output of :func:`label_occurrences` for these articles (the pipeline
        computes it chunk by chunk); used instead of ``annotations`` and ``quotes``
        (``analysis.labels(articles)`` computes it).
    by : str, default "outlet"
        Column of ``articles`` to group by.

    Returns
    -------
    pandas.DataFrame
        One row per group × canonical entity × label: ``<by>, canonical, kind,
        label`` (normalised text), ``form`` (``name``: the name, maybe with an
        article; ``title``: name with pre-modifiers such as "Russian President
        Vladimir Putin"; ``appositive``; ``role``: a role phrase standing for the
        entity; ``speaker``: a phrase used only to introduce the entity as a
        speaker), ``count`` (occurrences), ``n_as_speaker`` (occurrences that
        introduce a quotation), ``n_articles``, and the first occurrence as
        evidence: ``article_id, field, start_char, end_char``. Sorted by group,
        canonical, descending ``count``.
    """
    lacking = {"article_id", "field", "start_char", "end_char", "text", "canonical"} - set(mentions.columns)
    if lacking:
        raise ValueError(f"mentions need columns {sorted(lacking)}; got {list(mentions.columns)}")
    rows = ok_articles(articles)
    cols = [by, *LABEL_COLUMNS]
    if rows.empty or mentions.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    if label_spans is None:
        what = "label_spans= (or annotations= and quotes=)"
        label_spans = label_occurrences(
            rows, mentions, annotations=need(annotations, what, "labels"), quotes=need(quotes, what, "labels")
        )
    return _labels_combine([_labels_part(rows, mentions, label_spans, by=by)], rows, by=by)
