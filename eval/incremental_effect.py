"""What updating ``stories`` and ``claims`` incrementally (frozen IDF) changes against a full rebuild.

``PYTHONPATH=$PWD python eval/incremental_effect.py --n 400 --adds 0.01,0.05``

Corpus: the benchmark's generated articles (:func:`bench.corpus.generate`, seeded). Corpus A is the
first ``n``; for each share ``p`` in ``--adds``, U is A plus the next ``round(p * n)`` articles.

1. **Pipeline** (``analysis.run``): A is built with an empty corpus-stage cache (full build, index
   written); U is then built on a copy of that cache (``stories`` and ``claims`` updated from A's
   index when the rebuild rule allows) and on a copy without any corpus-stage entry or index (full
   rebuild). The generated articles carry a metadata ``event``, so their stories are the events and
   the pipeline comparison measures the claims.
2. **Content stories** (the articles without their ``event``, so they are clustered by content):
   :func:`~analysis.framing.stories.build_stories` on A, then
   :func:`~analysis.framing.stories.update_stories` with U, against
   :func:`~analysis.framing.stories.stories` of U, with the ``mentions`` the pipeline computed.

Figures: *stories*: share of U's articles whose story (as a set of articles: the story's other
members; a singleton alone) differs between the update and the full rebuild; share of A's articles
whose story name changed from A's build to the update (ids kept for old articles). *claims*: pairs
of sentences in one claim, in either table but not both, over the pairs in either
(``pairs_differ``); share of sentences whose claim (as a set of sentences) differs. Also how each
stage was computed (``build`` or ``update``, from the index the pipeline kept). For scale, the same
figures between A's own build and the full rebuild of U restricted to A's articles (``refit_vs_a``):
how much refitting on a slightly larger corpus moves A's results by itself.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd


def _partition_key(table: pd.DataFrame, member: str, group: str, key_cols: list[str]) -> pd.Series:
    """Return per row the frozenset of row keys sharing its ``group`` (a row without a group: itself)."""
    keys = pd.Series(list(zip(*[table[c] for c in key_cols], strict=True)), index=table.index)
    grouped = table[group].notna()
    sets = keys[grouped].groupby(table.loc[grouped, group]).agg(frozenset)
    out = pd.Series([frozenset([k]) for k in keys], index=table.index, dtype=object)
    out[grouped] = table.loc[grouped, group].map(sets)
    return pd.Series(out.to_numpy(), index=table[member].to_numpy())


def _restricted(table: pd.DataFrame) -> pd.DataFrame:
    """Return a stories table whose stories left with one article are singletons (no story)."""
    sizes = table.groupby("story")["article_id"].transform("size")
    return table.assign(story=table["story"].where(sizes >= 2))


def story_differences(updated: pd.DataFrame, full: pd.DataFrame) -> float:
    """Return the share of articles whose story (its set of articles) differs between two stories tables."""
    a = _partition_key(updated, "article_id", "story", ["article_id"])
    b = _partition_key(full, "article_id", "story", ["article_id"]).reindex(a.index)
    return float((a != b).mean()) if len(a) else 0.0


def claim_differences(updated: pd.DataFrame, full: pd.DataFrame) -> dict[str, float]:
    """Return the differing share of same-claim sentence pairs and of sentences' claims."""

    def pairs(t: pd.DataFrame) -> set:
        out = set()
        for _, g in t.groupby("claim_id"):
            keys = sorted(zip(g["article_id"], g["field"], g["sentence_id"], strict=True))
            out.update((keys[i], keys[j]) for i in range(len(keys)) for j in range(i + 1, len(keys)))
        return out

    pu, pf = pairs(updated), pairs(full)
    cols = ["article_id", "field", "sentence_id"]

    def sentence_claims(t: pd.DataFrame) -> pd.Series:
        return _partition_key(t.assign(_k=t[cols].astype(str).agg("|".join, axis=1)), "_k", "claim_id", cols)

    su = sentence_claims(updated)
    sf = sentence_claims(full).reindex(su.index)
    return {
        "pairs_updated": len(pu),
        "pairs_full": len(pf),
        "pairs_differ": len(pu ^ pf) / max(1, len(pu | pf)),
        "sentences_differ": float((su != sf).mean()) if len(su) else 0.0,
        "rows_updated": len(updated),
        "rows_full": len(full),
    }


def _modes(cache: Path) -> dict[str, str]:
    from analysis.pipeline import incremental
    from analysis.pipeline.plan import plan

    out = {}
    for planned in plan(include=["claims"]):
        if planned.stage.incremental is not None:
            index = incremental.latest_index(planned, cache)
            out[planned.name] = None if index is None else f"{index['mode']} ({index['computed']} computed)"
    return out


def measure(n: int, adds: list[float], work: Path) -> dict:
    """Run the comparison (see the module docstring) and return its figures."""
    from analysis import pipeline
    from analysis.framing.stories import build_stories, stories, update_stories
    from bench.corpus import generate

    extra = [max(1, round(p * n)) for p in adds]
    frame = generate(n + max(extra))
    frame_a = frame.iloc[:n].reset_index(drop=True)
    base = work / "cache-a"
    result_a = pipeline.run(frame_a, cache_dir=base, progress=False)
    report: dict = {"n": n, "corpus": "bench.corpus.generate (seeded)", "adds": []}
    for share, k in zip(adds, extra, strict=True):
        frame_u = frame.iloc[: n + k].reset_index(drop=True)
        inc, full = work / f"cache-inc-{k}", work / f"cache-full-{k}"
        for folder in (inc, full):  # a rerun in the same work folder starts these over
            shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(base, inc)
        updated = pipeline.run(frame_u, cache_dir=inc, progress=False)
        shutil.copytree(inc, full, ignore=shutil.ignore_patterns("corpus-*", "index-*"))
        rebuilt = pipeline.run(frame_u, cache_dir=full, progress=False)
        row = {"share": share, "added": k, "modes": _modes(inc), "modes_full": _modes(full)}
        row["claims"] = claim_differences(updated["claims"], rebuilt["claims"])
        row["event_stories_differ"] = story_differences(updated["stories"], rebuilt["stories"])
        # for scale: how much a full rebuild of U itself changes A's claims against A's own build
        on_a = rebuilt["claims"][rebuilt["claims"]["article_id"].isin(frame_a["article_id"])]
        row["claims_refit_vs_a"] = claim_differences(result_a["claims"], on_a)
        # content stories: the same articles clustered by content (no metadata event)
        plain_a, plain_u = frame_a.drop(columns=["event"]), frame_u.drop(columns=["event"])
        plain_a, plain_u = plain_a.assign(status="ok"), plain_u.assign(status="ok")
        mentions = rebuilt["mentions"]
        table_a, index = build_stories(plain_a, mentions[mentions["article_id"].isin(plain_a["article_id"])])
        got = update_stories(index, plain_u, mentions)
        cold = stories(plain_u, mentions)
        cold_on_a = cold[cold["article_id"].isin(plain_a["article_id"])]
        if got is None:
            row["content_stories"] = {"mode": "rebuild (rule fired)"}
        else:
            upd = got[0]
            kept = table_a.merge(upd, on="article_id", suffixes=("_a", "_u"))
            was = kept["story_a"].notna()
            row["content_stories"] = {
                "mode": got[1].mode,
                "computed": got[1].computed,
                "articles_differ": story_differences(upd, cold),
                "old_articles_renamed": float(
                    (kept.loc[was, "story_a"] != kept.loc[was, "story_u"]).mean() if was.any() else 0.0
                ),
                "refit_vs_a_differ": story_differences(table_a, _restricted(cold_on_a)),
                "stories_updated": int(upd["story"].nunique()),
                "stories_full": int(cold["story"].nunique()),
            }
        report["adds"].append(row)
    report["articles_a"] = len(result_a["articles"])
    return report


def main(argv: list[str] | None = None) -> int:
    """Measure and print the figures (JSON)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=400, help="articles in corpus A (default 400)")
    parser.add_argument("--adds", default="0.01,0.05", help="shares of A added (default 0.01,0.05)")
    parser.add_argument("--work", default=None, help="work folder for the caches (default: a temporary one)")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)
    adds = [float(x) for x in args.adds.split(",") if x.strip()]
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="incremental-effect-"))
    work.mkdir(parents=True, exist_ok=True)
    report = measure(args.n, adds, work)
    text = json.dumps(report, indent=2, default=str)
    print(text)
    if args.json:
        Path(args.json).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
