"""Stories found on the PolNeAR development corpus: the 10 largest, with outlets and top terms.

Reads ``<repo root>/../shared/corpora/polnear/articles`` (skips when absent); nothing of the
corpus is stored in the project. Run from the repo root::

    PYTHONPATH=. .venv/bin/python eval/stories_polnear.py [--top 10] [--titles] [--entities]
        [--min-similarity S] [--window-days D]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from analysis.framing.stories import MIN_SIMILARITY, WINDOW_DAYS, stories, story_summary

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "polnear" / "articles"


def polnear_articles(folder: Path = CORPUS) -> pd.DataFrame:
    """Return ``article_id, outlet, date, title, text, status`` of the corpus (title = first line)."""
    meta = pd.read_csv(folder / "metadata.csv", dtype=str, keep_default_na=False)
    texts = []
    for aid in meta["article_id"]:
        raw = (folder / f"{aid}.txt").read_text(encoding="utf-8")
        texts.append(raw.split("\n", 1)[1] if "\n" in raw else raw)
    return meta.assign(text=texts, status="ok")[["article_id", "outlet", "date", "title", "text", "status"]]


def main(argv: list[str] | None = None) -> int:
    """Print the figures; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--min-similarity", type=float, default=MIN_SIMILARITY)
    parser.add_argument("--window-days", type=float, default=WINDOW_DAYS)
    parser.add_argument("--titles", action="store_true", help="print each listed story's headlines")
    parser.add_argument(
        "--entities",
        action="store_true",
        help="add the entity view (spaCy entity mentions; slow when not cached)",
    )
    args = parser.parse_args(argv)
    if not (CORPUS / "metadata.csv").exists():
        print(f"skipped: {CORPUS} not found")
        return 0
    arts = polnear_articles()
    mentions = None
    if args.entities:
        import analysis

        mentions = analysis.entity_mentions(arts)
    table = stories(arts, mentions, min_similarity=args.min_similarity, window_days=args.window_days)
    summary = story_summary(arts, table)
    comparable = summary[summary["comparable"]]
    print(
        f"{len(arts)} articles, {arts['outlet'].nunique()} outlets; entity view: {args.entities}; "
        f"min_similarity={args.min_similarity}, window_days={args.window_days}"
    )
    print(
        f"stories: {len(summary)} ({len(comparable)} comparable: >= 2 outlets); "
        f"singletons: {int((table['source'] == 'singleton').sum())}; "
        f"articles in comparable stories: {int(table['comparable'].sum())}; "
        f"largest story: {int(summary['articles'].max()) if len(summary) else 0} articles"
    )
    title_of = dict(zip(arts["article_id"], arts["title"], strict=True))
    outlet_of = dict(zip(arts["article_id"], arts["outlet"], strict=True))
    for row in summary.head(args.top).itertuples():
        span = row.first_date if row.first_date == row.last_date else f"{row.first_date}..{row.last_date}"
        print(f"\n{row.articles} articles, {row.outlets} outlets ({row.outlet_names}), {span}")
        print(f"  top terms: {row.top_terms}")
        if args.titles:
            for aid in table.loc[table["story"] == row.story, "article_id"]:
                print(f"    - [{outlet_of[aid]}] {title_of[aid]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
