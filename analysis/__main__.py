"""Command line: ``python -m analysis summary SOURCE`` and ``python -m analysis report SOURCE``."""

from __future__ import annotations

import argparse
import sys

from analysis import config


def _summary(args: argparse.Namespace) -> int:
    import pandas as pd

    from analysis.clean import paragraphs
    from analysis.corpus import load_corpus

    articles = load_corpus(args.source)
    blocks = paragraphs(articles)
    dropped = blocks[~blocks["kept"] & (blocks["role"] != "title")]
    by_role = dropped.groupby(["article_id", "role"]).size().unstack(fill_value=0)
    rows = []
    for art in articles.itertuples():
        counts = by_role.loc[art.article_id] if art.article_id in by_role.index else pd.Series(dtype=int)
        drops = ", ".join(f"{role} {n}" for role, n in counts.items() if n) or "-"
        title = (art.title or "")[:60] + ("*" if art.title_derived else "")
        date = "" if pd.isna(art.date) else art.date.strftime("%Y-%m-%d")
        rows.append([art.article_id, art.outlet, title, date, art.n_words, art.status, drops])
    table = pd.DataFrame(
        rows, columns=["article_id", "outlet", "title", "date", "words", "status", "dropped"]
    )
    with pd.option_context("display.max_colwidth", 70, "display.width", 250):
        print(table.to_string(index=False))
    ok = articles["status"] == "ok"
    by_count = dropped["role"].value_counts().sort_index()
    statuses = ", ".join(f"{n} {s}" for s, n in articles["status"].value_counts().sort_index().items())
    print(
        f"\n{len(articles)} articles ({statuses}), {int(articles.loc[ok, 'n_words'].sum()):,} words in ok "
        f"articles, {len(articles['outlet'].unique())} outlets; "
        f"{len(dropped)} blocks dropped"
        + "".join(f"{': ' if i == 0 else ', '}{r} {n}" for i, (r, n) in enumerate(by_count.items()))
    )
    if articles["title_derived"].any():
        print("(* title derived from the first sentence: the article prints none)")
    return 0


def _report(args: argparse.Namespace) -> int:
    from analysis.report import build_reports

    build_reports(
        args.source,
        out=args.out,
        top_entities=args.top_entities,
        top_outlets=args.top_outlets or None,
        engine=args.engine,
        codebook=args.codebook or None,
    )
    return 0


def _refresh(args: argparse.Namespace) -> int:
    from analysis.report import refresh_notebooks

    refresh_notebooks()
    return 0


def _stages(args: argparse.Namespace) -> int:
    from pathlib import Path

    from analysis.pipeline.plan import replace_docs_block, stage_table

    if args.write:
        path = Path(args.write)
        path.write_text(replace_docs_block(path.read_text("utf-8"), stage_table(markdown=True)), "utf-8")
        return 0
    sys.stdout.write(stage_table(markdown=args.markdown))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("summary", help="one line per article: outlet, title, date, words, dropped blocks")
    p.add_argument(
        "source", nargs="?", default=str(config.SEEDS_DIR), help="folder or CSV/JSONL/Parquet file"
    )
    p.set_defaults(func=_summary)
    p = sub.add_parser("report", help="execute the notebooks and render HTML reports")
    p.add_argument("source", nargs="?", default=str(config.SEEDS_DIR))
    p.add_argument(
        "--out", default=None, help="output folder (default: reports/ for the seeds, else reports/<name>)"
    )
    p.add_argument(
        "--top-entities", type=int, default=5, help="entity reports for the N most-mentioned entities"
    )
    p.add_argument(
        "--top-outlets",
        type=int,
        default=10,
        metavar="N",
        help="outlet reports for the N outlets with the most ok articles (0: every outlet; default 10)",
    )
    p.add_argument("--engine", choices=config.ENGINES, default="pandas", help="see analysis.config.ENGINES")
    p.add_argument(
        "--codebook",
        default="",
        help="frame codebook (YAML); default codebook.yaml beside the corpus, else the general codebook",
    )
    p.set_defaults(func=_report)
    p = sub.add_parser("refresh-notebooks", help="re-execute the notebooks in place on the seeds (for nbval)")
    p.set_defaults(func=_refresh)
    p = sub.add_parser("stages", help="the plan: each stage, per article or corpus, inputs, outputs, columns")
    p.add_argument("--markdown", action="store_true", help="as the Markdown table of docs/architecture.md")
    p.add_argument(
        "--write", metavar="FILE", help="replace the table between the stages markers of FILE (the docs)"
    )
    p.set_defaults(func=_stages)
    args = parser.parse_args(argv)
    from analysis.ingest import CorpusError
    from analysis.report import ParameterError, ReportError

    try:
        return args.func(args)
    except (CorpusError, ReportError, ParameterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
