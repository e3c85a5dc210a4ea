"""Stories: the articles that cover one news event, from metadata or clustered by content.

An article's ``event`` from the metadata wins: articles that share one are one story.
The other ``ok`` articles are clustered by what they say:

* each article (title and text) becomes a TF-IDF vector of its words and word pairs
  (English stop words and terms in more than ``max_df`` of the articles removed,
  sublinear tf), mixed with a TF-IDF vector of the named entities it mentions (the
  ``mentions`` table's canonical names) when that table is given, weight ``entity_weight``;
* two articles are candidates when their cosine similarity reaches ``min_similarity``
  and, when both are dated, their dates are at most ``window_days`` apart;
* candidates form connected components, and each component is cut by average-linkage
  agglomerative clustering at ``min_similarity`` (pairs outside the date window count
  as similarity 0): a story is a group whose articles are, on average, that similar to
  each other, so a chain of articles each close to the next (a year of campaign
  coverage) does not become one story.

An article that joins no other is a singleton: it has no story. A story can be
compared across outlets (``comparable``) only when articles from at least two outlets
cover it; claims and omissions are computed only within comparable stories.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis import config
from analysis.core.stage import Incremental, stage
from analysis.framing._evidence import ok_articles
from analysis.framing._features import (
    english_stop_words,
    fit_counts,
    fit_idf,
    l2_rows,
    sublinear_tfidf,
    tfidf_in_place,
    word_analyzer,
)

if TYPE_CHECKING:  # pragma: no cover
    from scipy.sparse import csr_matrix

#: Default cosine similarity at or above which two articles may report the same event.
MIN_SIMILARITY = 0.15
#: Default largest gap, in days, between two dated articles of one story's linked pair.
WINDOW_DAYS = 3
#: Fewest features (words, word pairs, entities) two linked articles must share.
MIN_SHARED = 3
#: Largest group of linked articles clustered in one piece (its dense similarity matrix is this squared).
MAX_COMPONENT = 2000
#: Default weight of the named-entity view against the word view (when ``mentions`` are given).
ENTITY_WEIGHT = 0.3
#: Default share of the articles above which a term is too common to tell stories apart.
MAX_DF = 0.2
#: Entity kinds of the ``mentions`` table used as story features.
ENTITY_KINDS = ("person", "organisation", "place", "group")

STORY_COLUMNS: tuple[str, ...] = (
    "article_id", "story", "source", "story_size", "n_outlets", "comparable", "first_date", "last_date",
    "top_terms",
)  # fmt: skip
STORY_SUMMARY_COLUMNS: tuple[str, ...] = (
    "story", "source", "first_date", "last_date", "articles", "outlets", "outlet_names", "comparable",
    "top_terms",
)  # fmt: skip


def _build_index(articles: pd.DataFrame, mentions: pd.DataFrame | None = None):
    """Return :func:`build_stories` with the default parameters (the pipeline's full build)."""
    return build_stories(articles, mentions)


def _update_index(index: StoryIndex, articles: pd.DataFrame, mentions: pd.DataFrame | None = None):
    """Return :func:`update_stories` (the pipeline's update)."""
    return update_stories(index, articles, mentions)


@stage(
    provides="stories",
    requires=("articles", "mentions"),
    per_article=False,
    columns=STORY_COLUMNS,
    incremental=Incremental(build=_build_index, update=_update_index),
)
def stories(
    articles: pd.DataFrame,
    mentions: pd.DataFrame | None = None,
    *,
    window_days: float | None = WINDOW_DAYS,
    min_similarity: float = MIN_SIMILARITY,
    entity_weight: float = ENTITY_WEIGHT,
    max_df: float = MAX_DF,
    max_component: int = MAX_COMPONENT,
    n_terms: int = 5,
) -> pd.DataFrame:
    """Assign each ``ok`` article to the story (news event) it covers, or to none.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``; ``title``, ``outlet``, ``date``, ``event`` and
        ``status`` are used when present (only ``status == 'ok'`` rows). A non-empty
        ``event`` puts the article in that story, unclustered.
    mentions : pandas.DataFrame, optional
        Entity mentions (:func:`analysis.entity_mentions`: ``article_id, canonical, kind``);
        without them articles are compared by their words alone.
    window_days : float or None, default :data:`WINDOW_DAYS`
        Two dated articles further apart than this are never linked; None: no window.
    min_similarity : float, default :data:`MIN_SIMILARITY`
        Cosine similarity a linked pair, and a story's average pair, must reach.
    entity_weight : float, default :data:`ENTITY_WEIGHT`
        Weight of the entity view in the similarity (0..1).
    max_df : float, default :data:`MAX_DF`
        Terms in more than this share of the articles are ignored (the corpus topic).
    max_component : int, default :data:`MAX_COMPONENT`
        Largest group of linked articles clustered in one piece (see :func:`cluster`).
    n_terms : int, default 5
        Terms listed in ``top_terms``.

    Returns
    -------
    pandas.DataFrame
        One row per ``ok`` article: ``article_id``, ``story`` (the metadata event, or a
        label ``"<first date> <top terms>"``; NA for a singleton), ``source`` (``metadata``,
        ``content`` or ``singleton``), ``story_size`` (articles), ``n_outlets``,
        ``comparable`` (at least two outlets), ``first_date, last_date`` (of the story's
        dated articles, ``YYYY-MM-DD`` or empty), ``top_terms`` (``; ``-separated terms of
        the story's articles with the highest mean TF-IDF). Sorted by article.

    Raises
    ------
    ValueError
        For ``min_similarity`` outside (0, 1], ``entity_weight`` outside [0, 1] or a
        negative ``window_days``.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"],
    ...                      "text": ["one", "two"], "event": ["summit", "summit"]})
    >>> stories(arts)[["article_id", "story", "n_outlets", "comparable"]].values.tolist()
    [['a', 'summit', 2, True], ['b', 'summit', 2, True]]
    """
    params = StoryParams(window_days, min_similarity, entity_weight, max_df, max_component, n_terms)
    return build_stories(articles, mentions, params=params)[0]


@dataclass(frozen=True)
class StoryParams:
    """The parameters of :func:`stories` (see there), checked."""

    window_days: float | None = WINDOW_DAYS
    min_similarity: float = MIN_SIMILARITY
    entity_weight: float = ENTITY_WEIGHT
    max_df: float = MAX_DF
    max_component: int = MAX_COMPONENT
    n_terms: int = 5

    def __post_init__(self) -> None:
        if not 0.0 < self.min_similarity <= 1.0:
            raise ValueError(f"min_similarity must be in (0, 1], got {self.min_similarity}")
        if not 0.0 <= self.entity_weight <= 1.0:
            raise ValueError(f"entity_weight must be in [0, 1], got {self.entity_weight}")
        if self.window_days is not None and self.window_days < 0:
            raise ValueError(f"window_days must be >= 0 or None, got {self.window_days}")


@dataclass
class StoryIndex:
    """What :func:`build_stories` computed, kept so :func:`update_stories` compares only new articles.

    Attributes
    ----------
    params : StoryParams
        The parameters it was built with.
    vectorizer : Vectorizers
        The word and entity views fitted on the articles of the last full build (frozen IDF).
    article_ids : list of str
        The ``ok`` articles indexed, in corpus order.
    fingerprints : numpy.ndarray
        Per indexed article, a hash of its inputs (id, title, text, date, outlet, event, mentions).
    x : scipy.sparse.csr_matrix
        Per indexed article, its unit-norm vector.
    links : tuple of numpy.ndarray
        ``(a, b, similarity)``: linked pairs of clustered articles, as rows of ``article_ids``.
    labels : numpy.ndarray
        Per indexed article, its cluster (-1: metadata event).
    stories : pandas.DataFrame
        ``article_id, story, top_terms`` of the grouped articles (names kept for unchanged stories).
    n_built, n_added : int
        Articles at the last full build, and added by updates since.
    mode : str
        ``build`` or ``update``: how this index was made.
    computed : int
        Articles whose vectors this run computed.
    """

    params: StoryParams
    vectorizer: Vectorizers
    article_ids: list[str]
    fingerprints: np.ndarray
    x: csr_matrix
    links: tuple[np.ndarray, np.ndarray, np.ndarray]
    labels: np.ndarray
    stories: pd.DataFrame
    n_built: int
    n_added: int = 0
    mode: str = "build"
    computed: int = 0

    def __getitem__(self, name: str):  # the pipeline reads mode and computed by key
        return getattr(self, name)


@dataclass
class _Corpus:
    """The ``ok`` articles of a :func:`stories` call, prepared."""

    rows: pd.DataFrame
    outlet: pd.Series
    dates: pd.Series
    event: pd.Series
    texts: list[str]


def _prepare(articles: pd.DataFrame) -> _Corpus:
    rows = ok_articles(articles).reset_index(drop=True)
    outlet = rows["outlet"].astype(str) if "outlet" in rows.columns else rows["article_id"]
    texts = (_column(rows, "title") + "\n" + _column(rows, "text")).tolist()
    return _Corpus(rows, outlet, _dates(rows), _events(rows), texts)


def build_stories(
    articles: pd.DataFrame, mentions: pd.DataFrame | None = None, *, params: StoryParams | None = None
) -> tuple[pd.DataFrame, StoryIndex]:
    """Return :func:`stories`' table and the :class:`StoryIndex` that :func:`update_stories` extends."""
    p = params or StoryParams()
    c = _prepare(articles)
    ids = c.rows["article_id"].tolist()
    vec, x = Vectorizers.fit(c.texts, ids, mentions, entity_weight=p.entity_weight, max_df=p.max_df)
    label = np.full(len(c.rows), -1, dtype=np.int64)
    todo = np.flatnonzero(c.event.isna().to_numpy())
    links = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
    if len(todo) > 1:
        days, dated = _days(c.dates.to_numpy()[todo])
        a, b, s = _links(x[todo], days, dated, p.min_similarity, p.window_days, MIN_SHARED)
        links = (todo[a], todo[b], s)
        parts = _components(len(todo), a, b, s, p.min_similarity, p.max_component)
        label[todo] = _renumber(_cut_parts(x[todo], parts, days, dated, p))
    table = _story_table(c, x, vec.terms, label, p.n_terms, {})
    index = StoryIndex(
        p, vec, ids, _fingerprints(c.rows, mentions).to_numpy(), x, links, label,
        table.loc[table["source"] == "content", ["article_id", "story", "top_terms"]].reset_index(drop=True),
        n_built=len(ids), computed=len(ids),
    )  # fmt: skip
    return table, index


def update_stories(
    index: StoryIndex, articles: pd.DataFrame, mentions: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, StoryIndex] | None:
    """Return :func:`stories`' table for ``articles`` by comparing only their new articles with ``index``.

    The new articles' vectors use the index's frozen vocabularies and IDF (terms it never saw
    are ignored); they are linked with every indexed article under the same rules, and only the
    linked groups that a new article joins are clustered again: every other article keeps its
    story, and a story whose articles are unchanged keeps its name. So the result is the one
    :func:`stories` gives when every vector uses the frozen statistics.

    Returns None (rebuild in full) when the rebuild rule fires: an indexed article is gone, changed
    (title, text, date, outlet, event or mentions) or moved before another; ``mentions`` are given
    where they were not (or the reverse); or the articles added since the last full build would
    exceed :data:`analysis.config.INCREMENTAL_REBUILD_SHARE` of those it was built on.
    """
    p = index.params
    c = _prepare(articles)
    ids = c.rows["article_id"].tolist()
    if (mentions is not None) != index.vectorizer.has_entities:
        return None
    old_pos = pd.Index(ids).get_indexer(index.article_ids)
    if (old_pos < 0).any() or (np.diff(old_pos) <= 0).any():
        return None
    fingerprints = _fingerprints(c.rows, mentions).to_numpy()  # hashes every text: computed once
    if not np.array_equal(fingerprints[old_pos], index.fingerprints):
        return None
    is_new = np.ones(len(ids), dtype=bool)
    is_new[old_pos] = False
    new = np.flatnonzero(is_new)
    added = index.n_added + len(new)
    if added > config.INCREMENTAL_REBUILD_SHARE * index.n_built:
        return None
    from scipy import sparse

    new_x = index.vectorizer.transform([c.texts[i] for i in new], [ids[i] for i in new], mentions)
    order = np.concatenate([old_pos, new])  # row of x (old rows, then new) -> position in the corpus
    x = sparse.vstack([index.x, new_x]).tocsr()[np.argsort(order, kind="stable")]
    label = np.full(len(ids), -1, dtype=np.int64)
    todo = np.flatnonzero(c.event.isna().to_numpy())
    a_all, b_all, s_all = (old_pos[index.links[0]], old_pos[index.links[1]], index.links[2])
    if len(todo) > 1:
        at = np.full(len(ids), -1, dtype=np.int64)
        at[todo] = np.arange(len(todo))
        days, dated = _days(c.dates.to_numpy()[todo])
        fresh = is_new[todo]
        a_old, b_old = at[a_all], at[b_all]
        a_new, b_new, s_new = _links(
            x[todo], days, dated, p.min_similarity, p.window_days, MIN_SHARED, rows=np.flatnonzero(fresh)
        )
        a = np.concatenate([a_old, a_new])
        b = np.concatenate([b_old, b_new])
        s = np.concatenate([s_all, s_new])
        a_all, b_all, s_all = todo[a], todo[b], s
        old_label = np.full(len(ids), -1, dtype=np.int64)
        old_label[old_pos] = index.labels
        label[todo] = _renumber(_update_parts(x[todo], (a, b, s), days, dated, fresh, old_label[todo], p))
    names = {}
    old_story = index.stories
    if len(old_story):
        members = old_story.groupby("story", sort=False)["article_id"].agg(frozenset)
        tops = old_story.groupby("story", sort=False)["top_terms"].first()
        names = {m: (name, tops[name], m) for name, m in members.items()}
    table = _story_table(c, x, index.vectorizer.terms, label, p.n_terms, names, frozenset(index.article_ids))
    updated = StoryIndex(
        p, index.vectorizer, ids, fingerprints, x, (a_all, b_all, s_all), label,
        table.loc[table["source"] == "content", ["article_id", "story", "top_terms"]].reset_index(drop=True),
        n_built=index.n_built, n_added=added, mode="update", computed=len(new),
    )  # fmt: skip
    return table, updated


def _story_table(
    c: _Corpus,
    x: csr_matrix,
    terms: np.ndarray,
    label: np.ndarray,
    n_terms: int,
    known: dict[frozenset, tuple[str, str, frozenset]],
    old: frozenset = frozenset(),
) -> pd.DataFrame:
    """Return the stories table of clustered articles (``label``, -1 for metadata events).

    ``known`` maps the article ids of a content story of an earlier run (``old``: its articles)
    to its name, top terms and ids: a story whose articles of that run are exactly those keeps
    its name (and its top terms when it gained no article).
    """
    rows, dates, event = c.rows, c.dates, c.event
    story = pd.Series(pd.NA, index=rows.index, dtype=object)
    source = pd.Series("singleton", index=rows.index, dtype=object)
    known_events = event.notna()
    story[known_events] = event[known_events]
    source[known_events] = "metadata"
    table = pd.DataFrame(
        {"article_id": rows["article_id"], "outlet": c.outlet, "date": dates, "_label": label}
    )
    sizes = table.loc[table["_label"] >= 0].groupby("_label").size()
    grouped = table["_label"].map(sizes).fillna(0).to_numpy() >= 2
    source[grouped] = "content"
    # each content story is labelled by its first date and top terms (unique, stable under reordering)
    weights = _term_weights(x, terms)
    keys = table["_label"].where(grouped, -1).to_numpy()
    names: dict[int, str] = {}
    tops: dict[object, str] = {}
    ids = table["article_id"].to_numpy()
    groups = pd.Series(np.flatnonzero(grouped)).groupby(keys[grouped]).agg(list) if grouped.any() else {}
    taken = set(event.dropna())
    fresh = []
    for lab, members in (groups.items() if len(groups) else []):
        members = np.asarray(members)
        everyone = ids[members].tolist()
        kept = known.get(frozenset(a for a in everyone if a in old)) if known else None
        if kept is None:
            fresh.append((lab, members))
            continue
        names[lab] = kept[0]  # an old story, perhaps with new articles: its name is its id
        if len(kept[2]) == len(everyone):
            tops[kept[0]] = kept[1]
        else:
            tops[kept[0]] = "; ".join(_top_terms(weights, members, terms, n_terms))
    used = set(names.values())
    for lab, members in fresh:
        top = _top_terms(weights, members, terms, n_terms)
        first = table["date"].iloc[members].min()
        head = f"{first:%Y-%m-%d}" if pd.notna(first) else "undated"
        name = f"{head} {' / '.join(top[:3])}".strip()
        while name in used or name in taken:
            name += "'"
        names[lab] = name
        used.add(name)
        tops[name] = "; ".join(top)
    story[grouped] = [names[k] for k in keys[grouped]]
    for ev in event.dropna().unique():
        members = np.flatnonzero((event == ev).to_numpy())
        tops[ev] = "; ".join(_top_terms(weights, members, terms, n_terms))
    table["story"] = story
    table["source"] = source
    table["_key"] = table["story"].where(table["story"].notna(), "\0" + table["article_id"])
    by = table.groupby("_key", sort=False)
    table["story_size"] = by["article_id"].transform("size").astype("int64")
    table["n_outlets"] = by["outlet"].transform("nunique").astype("int64")
    table["comparable"] = table["story"].notna() & (table["n_outlets"] >= 2)
    first, last = by["date"].transform("min"), by["date"].transform("max")
    table["first_date"] = first.dt.strftime("%Y-%m-%d").fillna("")
    table["last_date"] = last.dt.strftime("%Y-%m-%d").fillna("")
    table["top_terms"] = table["story"].map(tops).fillna("")
    return table[list(STORY_COLUMNS)].sort_values("article_id", kind="stable").reset_index(drop=True)


def _fingerprints(rows: pd.DataFrame, mentions: pd.DataFrame | None) -> pd.Series:
    """Return a hash per article of everything :func:`stories` reads of it (its row and its mentions)."""
    cols = [c for c in ("article_id", "title", "text", "date", "outlet", "event") if c in rows.columns]
    fp = pd.util.hash_pandas_object(rows[cols].astype(str), index=False).to_numpy()
    if mentions is not None and len(mentions) and {"article_id", "canonical"} <= set(mentions.columns):
        m = mentions[[c for c in ("article_id", "canonical", "kind") if c in mentions.columns]].astype(str)
        h = pd.Series(pd.util.hash_pandas_object(m, index=False).to_numpy() >> np.uint64(8))
        per = h.groupby(m["article_id"].to_numpy()).sum()  # order-free, wraps around
        extra = per.reindex(rows["article_id"].to_numpy(), fill_value=0).to_numpy().astype(np.uint64)
        fp = fp ^ (extra * np.uint64(0x9E3779B97F4A7C15))
    return pd.Series(fp, index=rows.index)


def story_summary(articles: pd.DataFrame, stories_table: pd.DataFrame) -> pd.DataFrame:
    """Return one row per story: its dates, articles and outlets (singletons left out).

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` (``outlet``, ``status`` used when present).
    stories_table : pandas.DataFrame
        Output of :func:`stories`.

    Returns
    -------
    pandas.DataFrame
        ``story, source, first_date, last_date, articles, outlets, outlet_names``
        (``; ``-separated), ``comparable, top_terms``; sorted by articles (descending),
        then story.
    """
    rows = ok_articles(articles, need=("article_id",))
    outlet = rows["outlet"].astype(str) if "outlet" in rows.columns else rows["article_id"]
    outlet_of = dict(zip(rows["article_id"], outlet, strict=True))
    table = stories_table[stories_table["story"].notna()].copy()
    if table.empty:
        return pd.DataFrame(columns=STORY_SUMMARY_COLUMNS)
    table["outlet"] = table["article_id"].astype(str).map(outlet_of)
    out = table.groupby("story", sort=True).agg(
        source=("source", "first"),
        first_date=("first_date", "first"),
        last_date=("last_date", "first"),
        articles=("article_id", "size"),
        outlets=("outlet", "nunique"),
        outlet_names=("outlet", lambda s: "; ".join(sorted(set(s.dropna())))),
        comparable=("comparable", "first"),
        top_terms=("top_terms", "first"),
    )
    out = out.reset_index().sort_values(["articles", "story"], ascending=[False, True], kind="stable")
    return out[list(STORY_SUMMARY_COLUMNS)].reset_index(drop=True)


def article_vectors(
    texts: list[str],
    article_ids: list[str],
    mentions: pd.DataFrame | None = None,
    *,
    entity_weight: float = ENTITY_WEIGHT,
    max_df: float = MAX_DF,
) -> tuple[csr_matrix, np.ndarray]:
    """Return unit-norm article vectors (word view, plus entity view) and the word view's terms.

    The word view holds words and word pairs of at least two letters, in at least two
    articles and at most ``max_df`` of them; the entity view the mentions' canonical
    names (kinds :data:`ENTITY_KINDS`) under the same document-frequency limits. The
    returned terms name the word view's columns, which come first.
    """
    vec, x = Vectorizers.fit(texts, article_ids, mentions, entity_weight=entity_weight, max_df=max_df)
    return x, vec.terms


#: Token pattern of the stories' word view: words of at least two letters (no digits).
WORD_PATTERN = r"(?u)\b[^\W\d_][^\W\d_'’]+\b"


@dataclass
class Vectorizers:
    """The word and entity TF-IDF views of :func:`article_vectors`, fitted once and then frozen.

    :meth:`fit` fits them with scikit-learn and returns the fitted corpus's vectors;
    :meth:`transform` gives other texts' vectors under the same vocabularies and IDF (terms
    the fit never kept are ignored), without importing scikit-learn.
    """

    terms: np.ndarray  # the word view's columns
    word_idf: np.ndarray
    stop_words: frozenset
    entity_names: pd.Index | None  # the entity view's columns; None without mentions
    entity_idf: np.ndarray
    entity_weight: float

    @property
    def has_entities(self) -> bool:
        """Whether the vectors have an entity view (``mentions`` were given)."""
        return self.entity_names is not None

    @classmethod
    def fit(
        cls,
        texts: list[str],
        article_ids: list[str],
        mentions: pd.DataFrame | None,
        *,
        entity_weight: float = ENTITY_WEIGHT,
        max_df: float = MAX_DF,
    ) -> tuple[Vectorizers, csr_matrix]:
        """Fit both views on the corpus (document-frequency limits from its size): them and its vectors.

        The arithmetic is scikit-learn's ``TfidfVectorizer`` and ``TfidfTransformer`` (sublinear
        tf, smoothed IDF, unit rows), without importing scikit-learn (:mod:`._features`).
        """
        from scipy import sparse

        n = len(texts)
        limits = {"min_df": 2 if n > 2 else 1, "max_df": max_df if n * max_df >= 2 else 1.0}
        stops = english_stop_words()
        analyse = word_analyzer(WORD_PATTERN, stops)
        try:
            counts, terms = fit_counts((analyse(t) for t in texts), **limits)  # streamed: no list of all
            word_idf = fit_idf(counts)
            w = tfidf_in_place(counts, word_idf)
        except ValueError:  # nothing left after the limits
            w, terms, word_idf = sparse.csr_matrix((n, 0)), np.zeros(0, dtype=object), np.zeros(0)

        def unit(m: csr_matrix) -> csr_matrix:
            return l2_rows(m.copy()) if m.shape[1] else sparse.csr_matrix(m.shape)

        parts = [unit(sparse.csr_matrix(w)) * np.sqrt(1.0 - entity_weight if mentions is not None else 1.0)]
        names, entity_idf = None, np.zeros(0)
        if mentions is not None and entity_weight > 0:
            counts, uniques = _entity_counts(mentions, article_ids, None)
            df = np.bincount(counts.indices, minlength=len(uniques))
            high = limits["max_df"] * n if limits["max_df"] < 1.0 else n
            kept = np.flatnonzero((df >= limits["min_df"]) & (df <= high))
            names = pd.Index(np.asarray(uniques, dtype=object)[kept])
            e = sparse.csr_matrix((n, 0))
            if len(kept):
                picked = counts[:, kept]
                entity_idf = fit_idf(picked)
                e = tfidf_in_place(picked.astype(np.float64, copy=True), entity_idf)
            parts.append(unit(e) * np.sqrt(entity_weight))
        elif mentions is not None:
            names = pd.Index([], dtype=object)
        terms = np.asarray(terms, dtype=object)
        vec = cls(terms, np.asarray(word_idf), stops, names, entity_idf, entity_weight)
        return vec, unit(sparse.hstack(parts).tocsr())

    def transform(
        self, texts: list[str], article_ids: list[str], mentions: pd.DataFrame | None
    ) -> csr_matrix:
        """Return the unit-norm vectors of ``texts`` (articles ``article_ids``, their ``mentions``)."""
        from scipy import sparse

        n = len(texts)
        entities = len(self.entity_names) if self.has_entities and self.entity_weight > 0 else 0
        if n == 0:
            return sparse.csr_matrix((0, len(self.terms) + entities))
        analyse = word_analyzer(WORD_PATTERN, self.stop_words)
        feats = [analyse(t) for t in texts]
        flat = [f for fs in feats for f in fs]
        cols = pd.Index(self.terms).get_indexer(flat) if flat else np.zeros(0, dtype=np.int64)
        rows = np.repeat(np.arange(n), [len(fs) for fs in feats])
        known = cols >= 0
        counts = sparse.csr_matrix(
            (np.ones(int(known.sum())), (rows[known], cols[known])), shape=(n, len(self.terms))
        )
        w = sublinear_tfidf(counts, self.word_idf)
        w.data *= np.sqrt(1.0 - self.entity_weight if self.has_entities else 1.0)
        parts = [w]
        if entities:
            e = sparse.csr_matrix((n, entities))
            if len(self.entity_idf) and mentions is not None:
                counts = _entity_counts(mentions, article_ids, self.entity_names)[0]
                e = sublinear_tfidf(counts, self.entity_idf)
            e.data *= np.sqrt(self.entity_weight)
            parts.append(e)
        return l2_rows(sparse.hstack(parts).tocsr().astype(np.float64))


def _entity_counts(
    mentions: pd.DataFrame, article_ids: list[str], names: pd.Index | None
) -> tuple[csr_matrix, Any]:
    """Return per article the counts of the canonical entity names it mentions, and the names (columns).

    With ``names`` the columns are those names (others are ignored); without, every name in
    order of first mention.
    """
    from scipy import sparse

    n = len(article_ids)
    empty = (sparse.csr_matrix((n, 0 if names is None else len(names))), [] if names is None else names)
    if mentions.empty or not {"article_id", "canonical"} <= set(mentions.columns):
        return empty
    m = mentions
    if "kind" in m.columns:
        m = m[m["kind"].isin(ENTITY_KINDS)]
    row_of = {a: i for i, a in enumerate(article_ids)}
    rows = m["article_id"].astype(str).map(row_of)
    keep = rows.notna()
    rows, m = rows[keep], m[keep]
    entity = m["canonical"].astype(str).str.strip().str.lower()
    keep = (entity != "").to_numpy()
    if names is None:
        codes, uniques = pd.factorize(entity[keep])
    else:
        codes, uniques = names.get_indexer(entity[keep]), names
        keep[keep] = codes >= 0
        codes = codes[codes >= 0]
    if not len(uniques):
        return empty
    counts = sparse.csr_matrix(
        (np.ones(len(codes)), (rows[keep].astype(np.int64).to_numpy(), codes)), shape=(n, len(uniques))
    )
    counts.sum_duplicates()
    return counts, uniques


def cluster(
    x: csr_matrix,
    dates: np.ndarray,
    *,
    min_similarity: float = MIN_SIMILARITY,
    window_days: float | None = WINDOW_DAYS,
    min_shared: int = MIN_SHARED,
    max_component: int = MAX_COMPONENT,
    rows_per_step: int = 256,
) -> np.ndarray:
    """Return a cluster number per row of ``x`` (unit rows); a row alone in its cluster is a singleton.

    Rows are linked when their dot product reaches ``min_similarity`` and their dates
    (``datetime64``; NaT is undated) are at most ``window_days`` apart and they share at
    least ``min_shared`` features (a single common word is not a story); each connected
    component is then cut by average-linkage clustering at ``min_similarity``. A component
    larger than ``max_component`` rows (a large corpus on one topic) is first split by
    keeping only its stronger links (the link threshold raised by 0.05 until every part
    fits), so the dense clustering step stays within ``max_component`` squared.

    Examples
    --------
    >>> from scipy import sparse
    >>> x = sparse.csr_matrix([[1.0, 0.0], [0.96, 0.28], [0.0, 1.0]])
    >>> cluster(x, np.array(["NaT"] * 3, dtype="datetime64[ns]"), min_similarity=0.5, min_shared=1).tolist()
    [0, 0, 1]
    """
    days, dated = _days(dates)
    a, b, s = _links(x, days, dated, min_similarity, window_days, min_shared, rows_per_step=rows_per_step)
    params = StoryParams(window_days=window_days, min_similarity=min_similarity, max_component=max_component)
    parts = _components(x.shape[0], a, b, s, min_similarity, max_component)
    return _renumber(_cut_parts(x, parts, days, dated, params))


def _days(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return each row's day number and whether it is dated (``dates``: ``datetime64``, NaT undated)."""
    day = np.asarray(pd.to_datetime(pd.Series(dates)).dt.floor("D").to_numpy(), dtype="datetime64[D]")
    dated = ~np.isnat(day)
    return np.where(dated, day.astype("int64"), 0), dated


def _links(
    x: csr_matrix,
    days: np.ndarray,
    dated: np.ndarray,
    min_similarity: float,
    window_days: float | None,
    min_shared: int,
    *,
    rows: np.ndarray | None = None,
    rows_per_step: int = 256,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the linked pairs ``(a, b, similarity)``, ``a < b``, of the rows of ``x`` (see :func:`cluster`).

    With ``rows`` (sorted), only the pairs that hold at least one of those rows.
    """
    from scipy import sparse

    n = x.shape[0]
    x = sparse.csr_matrix(x)
    xt = x.T.tocsr()
    marks = x.copy()
    marks.data = np.ones_like(marks.data)
    marks_t = marks.T.tocsr()
    sel = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    chosen = np.zeros(n, dtype=bool)
    chosen[sel] = True
    got_a, got_b, got_s = [], [], []
    for r0 in range(0, len(sel), rows_per_step):
        here = sel[r0 : r0 + rows_per_step]
        sims = (x[here] @ xt).tocoo()
        local, b = sims.row.astype(np.int64), sims.col.astype(np.int64)
        a = here[local]
        # each pair once: a < b, or (only some rows chosen) b an unchosen row
        once = (a < b) | ((rows is not None) & ~chosen[b])
        ok = once & (a != b) & (sims.data >= min_similarity - 1e-12)
        ok &= _in_window(a, b, days, dated, window_days)
        a, b, s, local = a[ok], b[ok], sims.data[ok], local[ok]
        if len(a):  # a pair must share at least min_shared features: one common word is no story
            shared = (marks[here] @ marks_t).tocsr()
            ok = np.asarray(shared[local, b]).ravel() >= min_shared
            a, b, s = a[ok], b[ok], s[ok]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        got_a.append(lo)
        got_b.append(hi)
        got_s.append(s)
    if not got_a:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(got_a), np.concatenate(got_b), np.concatenate(got_s)


def _cut_parts(
    x: csr_matrix, parts: list[np.ndarray], days: np.ndarray, dated: np.ndarray, p: StoryParams
) -> np.ndarray:
    """Cut each part (row indices) by average linkage at ``p.min_similarity``; return a cluster per row."""
    labels = np.full(x.shape[0], -1, dtype=np.int64)
    next_label = 0
    for idx in parts:
        next_label = _cut_one(x, idx, days, dated, p, labels, next_label)
    return labels


def _cut_one(x, idx, days, dated, p, labels, next_label) -> int:
    """Cut one part (rows ``idx``) into ``labels`` from ``next_label`` on; return the next free label."""
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(idx) < 3:
        labels[idx] = next_label
        return next_label + 1
    sim = (x[idx] @ x[idx].T).toarray()
    ii, jj = np.meshgrid(np.arange(len(idx)), np.arange(len(idx)), indexing="ij")
    sim[~_in_window(idx[ii.ravel()], idx[jj.ravel()], days, dated, p.window_days).reshape(sim.shape)] = 0.0
    dist = np.clip(1.0 - sim, 0.0, 2.0)
    cond = dist[np.triu_indices(len(idx), k=1)]
    cut = fcluster(linkage(cond, method="average"), t=1.0 - p.min_similarity + 1e-12, criterion="distance")
    labels[idx] = next_label + cut - 1
    return next_label + int(cut.max())


def _update_parts(
    x: csr_matrix,
    links: tuple[np.ndarray, np.ndarray, np.ndarray],
    days: np.ndarray,
    dated: np.ndarray,
    fresh: np.ndarray,
    old_label: np.ndarray,
    p: StoryParams,
) -> np.ndarray:
    """Return a cluster per row: groups without a ``fresh`` row keep ``old_label``, the others are cut again.

    A linked group (connected component of the ``links``, ``(a, b, similarity)``) that holds no
    new row is exactly a group of the indexed run, whose links are unchanged: its clusters are the
    old ones.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    a, b, s = links
    n = x.shape[0]
    graph = sparse.coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    touched = np.zeros(comp.max() + 1 if n else 0, dtype=bool)
    touched[comp[fresh]] = True
    labels = np.full(n, -1, dtype=np.int64)
    keep = ~touched[comp]
    labels[keep] = old_label[keep]
    next_label = int(old_label.max()) + 1 if n else 0
    redo = np.flatnonzero(touched[comp])
    if len(redo):
        inside = touched[comp[a]]
        la, lb = np.searchsorted(redo, a[inside]), np.searchsorted(redo, b[inside])
        for part in _components(len(redo), la, lb, s[inside], p.min_similarity, p.max_component):
            next_label = _cut_one(x, redo[part], days, dated, p, labels, next_label)
    return labels


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Return the clusters numbered in order of their first row (labels independent of component order)."""
    if not len(labels):
        return labels
    _, first = np.unique(labels, return_index=True)
    order = np.empty(len(first), dtype=np.int64)
    order[np.argsort(first, kind="stable")] = np.arange(len(first))
    return order[np.searchsorted(np.unique(labels), labels)]


def _components(
    n: int, a: np.ndarray, b: np.ndarray, s: np.ndarray, floor: float, most: int
) -> list[np.ndarray]:
    """Return the connected components (row indices) of the links ``a``-``b`` with similarity ``s``.

    A component of more than ``most`` rows is split again with only its links at or above a
    threshold raised by 0.05 at a time (rows left without a link become singletons).
    """
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    out: list[np.ndarray] = []
    todo = [(np.arange(n), a, b, s, floor)]
    while todo:
        rows, a, b, s, level = todo.pop()
        keep = s >= level - 1e-12
        a, b, s = a[keep], b[keep], s[keep]
        la, lb = np.searchsorted(rows, a), np.searchsorted(rows, b)  # rows are sorted
        graph = sparse.coo_matrix((np.ones(len(a)), (la, lb)), shape=(len(rows), len(rows)))
        _, comp = connected_components(graph, directed=False)
        for c in np.unique(comp):
            mine = np.flatnonzero(comp == c)
            if len(mine) <= most or level >= 1.0:
                out.append(rows[mine])
                continue
            inside = np.isin(la, mine)
            todo.append((rows[mine], a[inside], b[inside], s[inside], level + 0.05))
    return sorted(out, key=lambda rows: int(rows.min()))


def _in_window(
    a: np.ndarray, b: np.ndarray, days: np.ndarray, dated: np.ndarray, window: float | None
) -> np.ndarray:
    """Flag pairs that may be linked: either undated, no window, or dates at most ``window`` days apart."""
    if window is None:
        return np.ones(len(a), dtype=bool)
    return ~(dated[a] & dated[b]) | (np.abs(days[a] - days[b]) <= window)


def _term_weights(x: csr_matrix, terms: np.ndarray) -> csr_matrix:
    """Return the word-view columns of the article vectors (named by ``terms``)."""
    return x[:, : len(terms)].tocsr()


def _top_terms(weights: csr_matrix, members: np.ndarray, terms: np.ndarray, n_terms: int) -> list[str]:
    """Return the terms with the highest mean weight over ``members`` (ties: alphabetical)."""
    if not len(terms) or not len(members):
        return []
    mean = np.asarray(weights[members].mean(axis=0)).ravel()
    order = np.lexsort((terms, -mean))
    return [str(terms[i]) for i in order[:n_terms] if mean[i] > 0]


def _dates(rows: pd.DataFrame) -> pd.Series:
    if "date" not in rows.columns:
        return pd.Series(pd.NaT, index=rows.index, dtype="datetime64[ns]")
    parsed = pd.to_datetime(rows["date"], errors="coerce", utc=True, format="mixed")
    return parsed.dt.tz_localize(None).dt.normalize()


def _events(rows: pd.DataFrame) -> pd.Series:
    """Return each article's metadata event (stripped), NA when it has none."""
    if "event" not in rows.columns:
        return pd.Series(pd.NA, index=rows.index, dtype=object)
    ev = rows["event"].map(lambda v: str(v).strip() if isinstance(v, str) and str(v).strip() else pd.NA)
    return ev.astype(object)


def _column(rows: pd.DataFrame, name: str) -> pd.Series:
    if name not in rows.columns:
        return pd.Series("", index=rows.index, dtype=object)
    return rows[name].fillna("").astype(str)
