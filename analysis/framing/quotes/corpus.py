"""Corpus-level source typing: a person's type from the articles that describe them.

The quotes stage types each speaker from its own article only (it is cached per article). A person
an article quotes without describing them ("Roe said", a candidate named bare in a short piece, a
journalist quoted from a tweet) then gets a weak type: the article's subject, ``other``. Another
article of the corpus often describes the same person ("Jane Roe, the mayor"). The corpus stage
:func:`sources` gathers, per person, the type, affiliation and gender the describing articles give;
:func:`corpus_typed` fills the quotes whose own article typed the speaker only weakly.

* **Who describes a person**: the quotes rows of that person (``speaker_canonical``) whose
  ``type_evidence`` is ``role`` (a role, title, organisation or party word of the article's own
  description). Each article votes once (its most frequent type for the person); the type with most
  votes wins, a tie gives no corpus type. Affiliation: the most frequent one (not ``unknown``) of
  the articles that voted for the winning type. Gender: the most frequent ``male``/``female`` of the
  articles that quote the person as one person (each article votes once), so honorifics and pronouns
  of any article count.
* **Which rows are filled**: rows of a speaker the article typed with ``type_evidence`` ``weak``
  (a weak cue, the article's subject, no role) or ``context`` (the sentences around the name only),
  whose name is a corpus person: the same canonical name, or a one-word name (a surname) that is the
  last word of corpus people who all agree (on the type; affiliation and gender are filled only when
  they agree too). The filled row's ``type_evidence`` becomes ``corpus``. An article's own role is
  never overwritten: a person quoted as an expert in one story and as a politician in another keeps
  both, but a row its article typed and tied to nothing (affiliation ``unknown``) takes the person's
  affiliation when its type is the corpus's ("President Obama" in a story about several countries).
  A missing gender (``unknown``) of a person is filled the same way.

``source_balance`` and the report's speaker tables read the quotes through :func:`corpus_typed`
(the pipeline passes the ``sources`` table), so both show the same types.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from analysis.core.stage import stage
from analysis.framing.quotes.sources import UNKNOWN

#: Columns of the ``sources`` table (one row per person a describing article typed).
SOURCE_COLUMNS: tuple[str, ...] = (
    "speaker_canonical", "source_type", "speaker_affiliation", "speaker_gender", "speaker_is_person",
    "n_articles", "n_described", "evidence",
)  # fmt: skip

#: ``type_evidence`` values the corpus pass may fill (an article's own ``role`` is kept).
FILLABLE: frozenset[str] = frozenset({"weak", "context", "none"})
#: Articles that must give a source's type by a role before the corpus types the source (one
#: description alone may be a parse slip, or the very article being filled).
MIN_DESCRIBED = 2

_GENDERS = ("male", "female")


def _winner(votes: Counter) -> str:
    """Return the value with strictly most votes, else "" (a tie or none)."""
    top = votes.most_common(2)
    if not top or len(top) == 2 and top[0][1] == top[1][1]:
        return ""
    return str(top[0][0])


def _votes(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Return each article's vote per person: the most frequent ``column`` value of its rows."""
    key = ["speaker_canonical", "article_id"]
    counts = rows.groupby([*key, column], sort=False).size().reset_index(name="n")
    return counts.sort_values("n", ascending=False, kind="stable").drop_duplicates(key)


def _unresolved(quotes: pd.DataFrame) -> pd.Series:
    """Rows whose speaker phrase names no entity ("Officials"): not a source the corpus can know."""
    if "method" not in quotes.columns:
        return pd.Series(False, index=quotes.index)
    return quotes["method"].fillna("").astype(str).str.endswith("-unresolved")


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="int64" if c.startswith("n_") else "object") for c in SOURCE_COLUMNS}
    )


@stage(provides="sources", requires=("articles", "quotes"), per_article=False, columns=SOURCE_COLUMNS)
def sources(articles: pd.DataFrame | None, quotes: pd.DataFrame) -> pd.DataFrame:
    """Return one row per person of the corpus typed by the articles that describe them.

    Parameters
    ----------
    articles : pandas.DataFrame or None
        The corpus (``article_id``): only quotes of these articles count; None: every quote given.
    quotes : pandas.DataFrame
        The :func:`analysis.quotes` table (``article_id, speaker_canonical, source_type,
        type_evidence, speaker_affiliation, speaker_gender, speaker_is_person``).

    Returns
    -------
    pandas.DataFrame
        ``speaker_canonical, source_type, speaker_affiliation, speaker_gender`` (the corpus's type,
        affiliation and gender of the person; affiliation ``unknown`` and gender ``unknown`` when
        the articles give none or disagree), ``n_articles`` (articles quoting the person),
        ``n_described`` (articles typing the person by a role), ``evidence`` (the describing
        articles' votes, e.g. ``government 3; expert 1``), ``speaker_is_person``. Sources with a
        type (at least :data:`MIN_DESCRIBED` articles agree) or, for people, a gender; type
        ``unknown`` when only the gender is known.

    Examples
    --------
    >>> q = pd.DataFrame({"article_id": ["a", "b", "c"], "speaker_canonical": ["Jane Roe", "Jane Roe", "Roe"],
    ...                   "source_type": ["government", "government", "other"],
    ...                   "type_evidence": ["role", "role", "weak"],
    ...                   "speaker_affiliation": ["Springfield", "unknown", "unknown"],
    ...                   "speaker_gender": ["female", "unknown", "unknown"],
    ...                   "speaker_is_person": [True] * 3})
    >>> cols = ["speaker_canonical", "source_type", "speaker_affiliation", "speaker_gender", "n_described"]
    >>> sources(None, q)[cols]
      speaker_canonical source_type speaker_affiliation speaker_gender  n_described
    0          Jane Roe  government         Springfield         female            2
    """
    need = {"article_id", "speaker_canonical", "source_type", "type_evidence", "speaker_is_person"}
    if quotes is None or quotes.empty or need - set(quotes.columns):
        return _empty()
    read = (*need, "speaker_affiliation", "speaker_gender", "method")
    quotes = quotes[[c for c in quotes.columns if c in read]]  # the filtered copies below stay narrow
    if articles is not None and "article_id" in articles.columns:
        quotes = quotes[quotes["article_id"].astype(str).isin(set(articles["article_id"].astype(str)))]
    q = quotes[quotes["speaker_canonical"].notna() & ~_unresolved(quotes)]
    if q.empty:
        return _empty()
    aff = (
        q["speaker_affiliation"] if "speaker_affiliation" in q.columns else pd.Series(UNKNOWN, index=q.index)
    )
    gen = q["speaker_gender"] if "speaker_gender" in q.columns else pd.Series(UNKNOWN, index=q.index)
    q = q.assign(
        _aff=aff.fillna(UNKNOWN),
        _gen=gen.fillna(UNKNOWN),
        _person=q["speaker_is_person"].fillna(False).astype(bool),
    )
    key = ["speaker_canonical", "article_id"]
    people: dict[str, dict] = {
        str(name): {
            "articles": int(n),
            "types": Counter(),
            "affs": {},
            "genders": Counter(),
            "person": Counter(),
        }
        for name, n in q.groupby("speaker_canonical", sort=False)["article_id"].nunique().items()
    }
    strong = q[q["type_evidence"] == "role"]
    types = _votes(strong, "source_type")
    for name, typ in zip(types["speaker_canonical"], types["source_type"], strict=True):
        people[str(name)]["types"][typ] += 1
    for (name, _), share in strong.groupby(key, sort=False)["_person"].mean().items():
        people[str(name)]["person"][bool(share > 0.5)] += 1
    typed = strong.merge(types[[*key, "source_type"]], on=[*key, "source_type"])
    affs = _votes(typed[typed["_aff"] != UNKNOWN], "_aff").merge(types[[*key, "source_type"]], on=key)
    for name, typ, a in zip(affs["speaker_canonical"], affs["source_type"], affs["_aff"], strict=True):
        people[str(name)]["affs"].setdefault(typ, Counter())[a] += 1
    genders = _votes(q[q["_person"] & q["_gen"].isin(_GENDERS)], "_gen")
    for name, g in zip(genders["speaker_canonical"], genders["_gen"], strict=True):
        people[str(name)]["genders"][g] += 1
    rows = []
    for name, p in people.items():
        typ = _winner(p["types"])
        typ = typ if typ and p["types"][typ] >= MIN_DESCRIBED else ""
        person = p["person"][True] > p["person"][False] if p["person"] else bool(p["genders"])
        if not typ and not (person and _winner(p["genders"])):
            continue
        rows.append(
            {
                "speaker_canonical": name,
                "source_type": typ or UNKNOWN,
                "speaker_affiliation": _winner(p["affs"].get(typ, Counter())) or UNKNOWN,
                "speaker_gender": (_winner(p["genders"]) or UNKNOWN) if person else "none",
                "speaker_is_person": person,
                "n_articles": p["articles"],
                "n_described": sum(p["types"].values()),
                "evidence": "; ".join(f"{t} {n}" for t, n in p["types"].most_common()),
            }
        )
    if not rows:
        return _empty()
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS).sort_values("speaker_canonical").reset_index(drop=True)


Typing = tuple[str, str, str, bool]


def _lookup(table: pd.DataFrame) -> tuple[dict[str, Typing], dict[str, Typing]]:
    """Return (name -> typing, surname -> typing all people with that last word agree on)."""
    exact: dict[str, Typing] = {}
    by_last: dict[str, list[Typing]] = {}
    for name, typ, aff, gen, person in zip(
        table["speaker_canonical"], table["source_type"], table["speaker_affiliation"],
        table["speaker_gender"], table["speaker_is_person"], strict=True,
    ):  # fmt: skip
        key = str(name).strip().lower()
        exact[key] = (typ, aff, gen, bool(person))
        words = key.split()
        if person and len(words) > 1:
            by_last.setdefault(words[-1], []).append(exact[key])
    agreed: dict[str, Typing] = {}
    for last, found in by_last.items():
        types = {t for t, _, _, _ in found}
        if len(types) != 1:
            continue
        affs = {a for _, a, _, _ in found}
        gens = {g for _, _, g, _ in found}
        agreed[last] = (
            types.pop(),
            affs.pop() if len(affs) == 1 else UNKNOWN,
            gens.pop() if len(gens) == 1 else UNKNOWN,
            True,
        )
    return exact, agreed


def corpus_typed(quotes: pd.DataFrame, sources: pd.DataFrame | None) -> pd.DataFrame:
    """Return ``quotes`` with weakly typed speakers typed as the corpus's :func:`sources` table types them.

    Rows whose ``type_evidence`` is not ``role`` and whose speaker is a source of ``sources`` (the
    same canonical name, or a one-word name that all corpus people with that last word agree on)
    take its ``source_type``, its affiliation (when it has one) and ``speaker_is_person``, and its
    gender when the row's is ``unknown`` or the row was not a person; their ``type_evidence``
    becomes ``corpus``. A person's ``unknown`` gender is filled in any row. Rows typed by the
    article's own role keep their type; their ``unknown`` affiliation takes the table's when the row's
    type is the table's. Without ``sources`` (or without ``type_evidence``) the
    table is returned unchanged.

    Examples
    --------
    >>> q = pd.DataFrame({"article_id": ["a", "b", "c", "d"],
    ...                   "speaker_canonical": ["Jane Roe"] * 2 + ["Roe"] * 2,
    ...                   "source_type": ["government", "government", "other", "expert"],
    ...                   "type_evidence": ["role", "role", "weak", "role"],
    ...                   "speaker_affiliation": ["Springfield", "Springfield", "unknown", "Yale"],
    ...                   "speaker_gender": ["female", "female", "unknown", "female"],
    ...                   "speaker_is_person": [True] * 4})
    >>> s = sources(None, q.iloc[:3])
    >>> corpus_typed(q, s)[["source_type", "type_evidence", "speaker_affiliation", "speaker_gender"]]
      source_type type_evidence speaker_affiliation speaker_gender
    0  government          role         Springfield         female
    1  government          role         Springfield         female
    2  government        corpus         Springfield         female
    3      expert          role                Yale         female
    """
    if sources is None or sources.empty or quotes.empty or "type_evidence" not in quotes.columns:
        return quotes
    exact, agreed = _lookup(sources)
    out = quotes.copy()
    names = out["speaker_canonical"].fillna("").astype(str).str.strip().str.lower()
    found = [exact.get(n) or (agreed.get(n) if n and " " not in n else None) for n in names]
    hit = pd.Series([f is not None for f in found], index=out.index) & ~_unresolved(out)
    if not hit.any():
        return out
    typing = pd.DataFrame(
        [f or (None, None, None, False) for f in found], index=out.index, columns=["t", "a", "g", "p"]
    )
    fill = hit & out["type_evidence"].isin(FILLABLE) & typing["t"].notna() & (typing["t"] != UNKNOWN)
    was_person = (
        out["speaker_is_person"].fillna(False).astype(bool)
        if "speaker_is_person" in out.columns
        else pd.Series(True, index=out.index)
    )
    out.loc[fill, "source_type"] = typing.loc[fill, "t"]
    out.loc[fill, "type_evidence"] = "corpus"
    if "speaker_is_person" in out.columns:
        out.loc[fill, "speaker_is_person"] = typing.loc[fill, "p"].astype(bool)
    if "speaker_affiliation" in out.columns:
        aff = fill & (typing["a"] != UNKNOWN)
        # a row its article typed but tied to nothing ("President Obama" in a story about several
        # countries) takes the affiliation the describing articles give the same type
        none = out["speaker_affiliation"].fillna(UNKNOWN).isin([UNKNOWN, ""])
        same = out["source_type"] == typing["t"]
        aff |= hit & none & same & typing["a"].notna() & (typing["a"] != UNKNOWN)
        out.loc[aff, "speaker_affiliation"] = typing.loc[aff, "a"]
    if "speaker_gender" in out.columns:
        person = typing["p"].astype(bool) & (was_person | fill)
        gen = person & typing["g"].isin(_GENDERS) & ((out["speaker_gender"] == UNKNOWN) | fill & ~was_person)
        out.loc[gen, "speaker_gender"] = typing.loc[gen, "g"]
        out.loc[fill & ~typing["p"].astype(bool), "speaker_gender"] = "none"
    return out
