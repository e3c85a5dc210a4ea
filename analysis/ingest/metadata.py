"""Join a metadata table onto raw articles, and say how well it joined.

The key column is the first of :data:`KEY_COLUMNS` the table has (case and
surrounding spaces ignored). ``article_id`` / ``id`` values match article ids;
``file`` / ``filename`` / ``path`` values match an article's file name or path,
with or without the extension (``a.txt``, ``corpus/a.txt`` and ``a`` all match
the article read from ``a.txt``); ``url`` values match the article's URL (scheme,
``www.`` and a trailing slash ignored). When rows match none or only some of the
articles, :func:`join_report` says so and :func:`analysis.load_corpus` warns.
"""

from __future__ import annotations

import re
from os import PathLike
from pathlib import Path, PurePosixPath, PureWindowsPath

import pandas as pd

from analysis.ingest.errors import CorpusError

#: Columns recognised as the metadata key, in order of preference.
KEY_COLUMNS: tuple[str, ...] = ("article_id", "id", "file", "filename", "path", "url")
#: Columns describing an article's file (matched against its file name, with or without extension).
FILE_KEYS = frozenset({"file", "filename", "path"})


class MetadataJoinWarning(UserWarning):
    """Metadata rows matched none or only some of the articles (the message gives counts and examples)."""


_URL_PREFIX = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:www\d?\.)?", re.IGNORECASE)


def key_column(columns: pd.Index | list[str]) -> str | None:
    """Return the metadata key column among ``columns`` (first of :data:`KEY_COLUMNS`), or None.

    Examples
    --------
    >>> key_column(["Filename", "outlet"])
    'Filename'
    >>> key_column(["outlet"]) is None
    True
    """
    lower = {str(c).strip().lower(): c for c in columns}
    for name in KEY_COLUMNS:
        if name in lower:
            return lower[name]
    return None


def read_metadata(metadata: str | PathLike | pd.DataFrame) -> pd.DataFrame:
    """Read a metadata table (a CSV path or a DataFrame) and find its key column.

    Returns
    -------
    pandas.DataFrame
        The table with its key column stored in ``attrs["key"]`` (its name as printed),
        values as strings, one row per key (the last wins).

    Raises
    ------
    CorpusError
        The file is missing, or no column is a key (the message lists the columns seen and
        the accepted key columns).
    """
    if isinstance(metadata, pd.DataFrame):
        meta = metadata.copy()
    else:
        path = Path(metadata)
        if not path.exists():
            raise CorpusError(f"{path}: metadata file not found")
        meta = pd.read_csv(path, dtype=str, keep_default_na=False)
    key = key_column(meta.columns)
    if key is None:
        raise CorpusError(
            f"metadata has no key column: expected one of {', '.join(KEY_COLUMNS)} "
            f"(columns: {', '.join(map(str, meta.columns))})"
        )
    meta[key] = meta[key].where(meta[key].notna(), "").astype(str).str.strip()
    meta = meta[meta[key] != ""].drop_duplicates(key, keep="last").reset_index(drop=True)
    meta.attrs["key"] = key
    return meta


def _url_form(url: object) -> str:
    if not isinstance(url, str) or not url.strip():
        return ""
    return _URL_PREFIX.sub("", url.strip()).split("#")[0].rstrip("/").lower()


def _file_forms(value: str) -> list[str]:
    """Return the forms a file key may match: as given, its file name, the file name without extension."""
    forms = [value]
    for pure in (PurePosixPath(value), PureWindowsPath(value)):
        forms += [pure.name, pure.stem] if pure.suffix else [pure.name]
    return list(dict.fromkeys(f for f in forms if f))


def _article_lookup(raw: pd.DataFrame, kind: str) -> dict[str, list[int]]:
    """Map each form an article can be named by (for key kind ``kind``) to its row positions."""
    lookup: dict[str, list[int]] = {}

    def add(form: str, i: int) -> None:
        if form and i not in lookup.setdefault(form, []):
            lookup[form].append(i)

    ids = raw["article_id"].astype(str).tolist()
    if kind == "url":
        urls = raw["url"].tolist() if "url" in raw.columns else [None] * len(raw)
        for i, url in enumerate(urls):
            add(_url_form(url), i)
        return lookup
    paths = raw["source_path"].tolist() if "source_path" in raw.columns else [None] * len(raw)
    for i, (article_id, path) in enumerate(zip(ids, paths, strict=True)):
        add(article_id, i)
        # an article read from its own file is also named by that file (a table's rows are not)
        if kind in FILE_KEYS and isinstance(path, str) and Path(path).stem == article_id:
            add(path, i)
            add(Path(path).name, i)
    return lookup


def match_metadata(raw: pd.DataFrame, meta: pd.DataFrame) -> pd.Series:
    """Return, for each metadata row, the positions of the articles it describes (empty list: none).

    Parameters
    ----------
    raw : pandas.DataFrame
        Raw articles: ``article_id``; ``source_path`` (file keys) and ``url`` (URL keys) when present.
    meta : pandas.DataFrame
        From :func:`read_metadata` (key column in ``attrs["key"]``).
    """
    key = meta.attrs.get("key") or key_column(meta.columns)
    kind = str(key).strip().lower()
    lookup = _article_lookup(raw, kind)
    matches = []
    for value in meta[key]:
        if kind == "url":
            forms = [_url_form(value)]
        elif kind in FILE_KEYS or kind == "id":
            forms = _file_forms(value)
        else:
            forms = [value]
        found = next((lookup[f] for f in forms if f in lookup), [])
        matches.append(found)
    return pd.Series(matches, index=meta.index, dtype=object)


def join_report(raw: pd.DataFrame, meta: pd.DataFrame, matches: pd.Series) -> dict:
    """Describe how a metadata table joined: counts, and an example of each side that did not match.

    Returns
    -------
    dict
        ``key`` (the key column), ``metadata_rows``, ``metadata_rows_matched``, ``articles``,
        ``articles_matched``, ``unmatched_metadata_example`` and ``unmatched_article_example``
        (a key value / article id, "" when none), and ``message`` ("" when every row of both
        sides matched; else one sentence a person can act on).
    """
    key = meta.attrs.get("key") or key_column(meta.columns)
    matched_articles = sorted({i for found in matches for i in found})
    unmatched_meta = [v for v, found in zip(meta[key], matches, strict=True) if not found]
    matched_set = set(matched_articles)
    ids = raw["article_id"].astype(str).tolist()
    unmatched_articles = [ids[i] for i in range(len(raw)) if i not in matched_set]
    report = {
        "key": str(key),
        "metadata_rows": int(len(meta)),
        "metadata_rows_matched": int(len(meta) - len(unmatched_meta)),
        "articles": int(len(raw)),
        "articles_matched": len(matched_articles),
        "unmatched_metadata_example": unmatched_meta[0] if unmatched_meta else "",
        "unmatched_article_example": unmatched_articles[0] if unmatched_articles else "",
        "message": "",
    }
    if unmatched_meta or unmatched_articles:
        side = "none" if not matched_articles else "only some"
        parts = [
            f"metadata keyed by {key!r} matched {side} of the articles: "
            f"{report['metadata_rows_matched']} of {report['metadata_rows']} metadata rows matched, "
            f"{report['articles_matched']} of {report['articles']} articles got metadata."
        ]
        if unmatched_meta:
            parts.append(f"Unmatched metadata {key!r} e.g. {unmatched_meta[0]!r}.")
        if unmatched_articles:
            parts.append(f"Article without metadata e.g. article_id {unmatched_articles[0]!r}.")
        report["message"] = " ".join(parts)
    return report


def apply_metadata(raw: pd.DataFrame, meta: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Override inferred values with the non-empty metadata values of the rows that match.

    Parameters
    ----------
    raw : pandas.DataFrame
        Raw articles (``article_id``, ``source_path``, ``url`` as available).
    meta : pandas.DataFrame
        From :func:`read_metadata`. The key column itself is not copied, except ``url``.

    Returns
    -------
    tuple of (pandas.DataFrame, dict)
        The joined copy of ``raw`` and :func:`join_report`.
    """
    key = meta.attrs.get("key") or key_column(meta.columns)
    matches = match_metadata(raw, meta)
    out = raw.copy()
    # one metadata row per article (the last that matches it)
    rows = list({i: m for m, found in zip(meta.index, matches, strict=True) for i in found}.items())
    columns = [c for c in meta.columns if c != key or str(key).strip().lower() == "url"]
    if rows:
        positions = [i for i, _ in rows]
        picked = meta.loc[[m for _, m in rows]]
        for column in columns:
            target = "url" if column == key else column
            values = pd.Series(picked[column].to_numpy(), index=out.index[positions])
            given = values.notna() & (values.astype(str).str.strip() != "")
            if target not in out.columns:
                out[target] = None
            out[target] = out[target].astype(object)
            out.loc[given[given].index, target] = values[given]
    return out, join_report(raw, meta, matches)
