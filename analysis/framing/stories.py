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

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.core.stage import stage
from analysis.framing._evidence import ok_articles

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


@stage(provides="stories", requires=("articles", "mentions"), per_article=False, columns=STORY_COLUMNS)
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
    if not 0.0 < min_similarity <= 1.0:
        raise ValueError(f"min_similarity must be in (0, 1], got {min_similarity}")
    if not 0.0 <= entity_weight <= 1.0:
        raise ValueError(f"entity_weight must be in [0, 1], got {entity_weight}")
    if window_days is not None and window_days < 0:
        raise ValueError(f"window_days must be >= 0 or None, got {window_days}")
    rows = ok_articles(articles).reset_index(drop=True)
    if rows.empty:
        return pd.DataFrame(columns=STORY_COLUMNS)
    outlet = rows["outlet"].astype(str) if "outlet" in rows.columns else rows["article_id"]
    dates = _dates(rows)
    event = _events(rows)
    texts = (_column(rows, "title") + "\n" + _column(rows, "text")).tolist()
    x, terms = article_vectors(
        texts, rows["article_id"].tolist(), mentions, entity_weight=entity_weight, max_df=max_df
    )
    label = np.full(len(rows), -1, dtype=np.int64)
    todo = np.flatnonzero(event.isna().to_numpy())
    if len(todo) > 1:
        label[todo] = cluster(
            x[todo],
            dates.to_numpy()[todo],
            min_similarity=min_similarity,
            window_days=window_days,
            max_component=max_component,
        )
    story = pd.Series(pd.NA, index=rows.index, dtype=object)
    source = pd.Series("singleton", index=rows.index, dtype=object)
    known = event.notna()
    story[known] = event[known]
    source[known] = "metadata"
    table = pd.DataFrame({"article_id": rows["article_id"], "outlet": outlet, "date": dates, "_label": label})
    sizes = table.loc[table["_label"] >= 0].groupby("_label").size()
    grouped = table["_label"].map(sizes).fillna(0).to_numpy() >= 2
    source[grouped] = "content"
    # each content story is labelled by its first date and top terms (unique, stable under reordering)
    weights = _term_weights(x, terms)
    keys = table["_label"].where(grouped, -1).to_numpy()
    names: dict[int, str] = {}
    tops: dict[object, str] = {}
    for lab in sorted(set(keys[grouped].tolist())):
        members = np.flatnonzero(keys == lab)
        top = _top_terms(weights, members, terms, n_terms)
        first = table["date"].iloc[members].min()
        head = f"{first:%Y-%m-%d}" if pd.notna(first) else "undated"
        name = f"{head} {' / '.join(top[:3])}".strip()
        while name in names.values() or name in set(event.dropna()):
            name += "'"
        names[lab] = name
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
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    n = len(texts)
    limits = {"min_df": 2 if n > 2 else 1, "max_df": max_df if n * max_df >= 2 else 1.0}
    word = TfidfVectorizer(
        lowercase=True, stop_words="english", ngram_range=(1, 2), sublinear_tf=True,
        token_pattern=r"(?u)\b[^\W\d_][^\W\d_'’]+\b", **limits,
    )  # fmt: skip
    try:
        w = word.fit_transform(texts)
        terms = word.get_feature_names_out()
    except ValueError:  # nothing left after the limits
        w, terms = sparse.csr_matrix((n, 0)), np.zeros(0, dtype=object)

    def unit(m: csr_matrix) -> csr_matrix:
        return normalize(m) if m.shape[1] else sparse.csr_matrix(m.shape)

    parts = [unit(sparse.csr_matrix(w)) * np.sqrt(1.0 - entity_weight if mentions is not None else 1.0)]
    if mentions is not None and entity_weight > 0:
        parts.append(unit(_entity_view(mentions, article_ids, limits)) * np.sqrt(entity_weight))
    return unit(sparse.hstack(parts).tocsr()), np.asarray(terms, dtype=object)


def _entity_view(mentions: pd.DataFrame, article_ids: list[str], limits: dict) -> csr_matrix:
    """Return the articles' TF-IDF over the canonical names of the entities they mention."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfTransformer

    n = len(article_ids)
    if mentions.empty or not {"article_id", "canonical"} <= set(mentions.columns):
        return sparse.csr_matrix((n, 0))
    m = mentions
    if "kind" in m.columns:
        m = m[m["kind"].isin(ENTITY_KINDS)]
    row_of = {a: i for i, a in enumerate(article_ids)}
    rows = m["article_id"].astype(str).map(row_of)
    names = m["canonical"].astype(str).str.strip().str.lower()
    keep = rows.notna() & (names != "")
    codes, uniques = pd.factorize(names[keep])
    if not len(uniques):
        return sparse.csr_matrix((n, 0))
    counts = sparse.csr_matrix(
        (np.ones(len(codes)), (rows[keep].astype(np.int64).to_numpy(), codes)), shape=(n, len(uniques))
    )
    counts.sum_duplicates()
    df = np.bincount(counts.indices, minlength=len(uniques))
    low = limits["min_df"]
    high = limits["max_df"] * n if limits["max_df"] < 1.0 else n
    counts = counts[:, np.flatnonzero((df >= low) & (df <= high))]
    return TfidfTransformer(sublinear_tf=True).fit_transform(counts)


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
    from scipy import sparse
    from scipy.cluster.hierarchy import fcluster, linkage

    n = x.shape[0]
    day = np.asarray(pd.to_datetime(pd.Series(dates)).dt.floor("D").to_numpy(), dtype="datetime64[D]")
    dated = ~np.isnat(day)
    days = np.where(dated, day.astype("int64"), 0)
    x = sparse.csr_matrix(x)
    xt = x.T.tocsr()
    marks = x.copy()
    marks.data = np.ones_like(marks.data)
    marks_t = marks.T.tocsr()
    got_a, got_b, got_s = [], [], []
    for r0 in range(0, n, rows_per_step):
        sims = (x[r0 : r0 + rows_per_step] @ xt).tocoo()
        a, b = sims.row.astype(np.int64) + r0, sims.col.astype(np.int64)
        ok = (a < b) & (sims.data >= min_similarity - 1e-12) & _in_window(a, b, days, dated, window_days)
        a, b, s = a[ok], b[ok], sims.data[ok]
        if len(a):  # a pair must share at least min_shared features: one common word is no story
            shared = (marks[r0 : r0 + rows_per_step] @ marks_t).tocsr()
            ok = np.asarray(shared[a - r0, b]).ravel() >= min_shared
            a, b, s = a[ok], b[ok], s[ok]
        got_a.append(a)
        got_b.append(b)
        got_s.append(s)
    a, b, s = np.concatenate(got_a), np.concatenate(got_b), np.concatenate(got_s)
    labels = np.full(n, -1, dtype=np.int64)
    next_label = 0
    for idx in _components(n, a, b, s, min_similarity, max_component):
        if len(idx) < 3:
            labels[idx] = next_label
            next_label += 1
            continue
        sim = (x[idx] @ x[idx].T).toarray()
        ii, jj = np.meshgrid(np.arange(len(idx)), np.arange(len(idx)), indexing="ij")
        sim[~_in_window(idx[ii.ravel()], idx[jj.ravel()], days, dated, window_days).reshape(sim.shape)] = 0.0
        dist = np.clip(1.0 - sim, 0.0, 2.0)
        cond = dist[np.triu_indices(len(idx), k=1)]
        cut = fcluster(linkage(cond, method="average"), t=1.0 - min_similarity + 1e-12, criterion="distance")
        labels[idx] = next_label + cut - 1
        next_label += int(cut.max())
    # number clusters in order of first row, so labels do not depend on component order
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
