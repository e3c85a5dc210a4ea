"""Reports at scale: aggregations from stored per-article tables, and evidence/figures capped by size."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import report
from analysis.measures.sentiment import entity_sentiment_summary, label_of
from analysis.measures.sentiment.entity import aggregate_articles, aggregate_corpus
from analysis.report import build as report_build
from analysis.report import params as report_params
from analysis.report import scale as report_scale


def _scored_mentions(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Random per-mention scores (some unscored) over articles of three outlets."""
    rng = np.random.default_rng(seed)
    n_articles = int(rng.integers(3, 12))
    articles = pd.DataFrame(
        {
            "article_id": [f"a{i:02d}" for i in range(n_articles)],
            "outlet": rng.choice(["Gate", "ILKHA", "Wire"], size=n_articles),
            "status": ["ok"] * (n_articles - 1) + ["duplicate"],
            "text": "Some text.",
        }
    )
    n = int(rng.integers(5, 60))
    values = rng.uniform(-1, 1, size=n).round(4)
    values[rng.random(n) < 0.2] = np.nan  # mentions the token table could not score
    scored = pd.DataFrame(
        {
            "article_id": rng.choice(articles["article_id"][:-1], size=n),
            "field": "text",
            "start_char": np.arange(n) * 10,
            "end_char": np.arange(n) * 10 + 5,
            "canonical": rng.choice(["Vladimir Putin", "Emmanuel Macron", "NATO"], size=n),
            "sentiment": values,
            "label": [label_of(v) for v in values],
        }
    )
    return scored.sort_values(["article_id", "start_char"]).reset_index(drop=True), articles


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("by", ["outlet", None])
def test_entity_sentiment_summary_equals_the_mention_level_aggregation(seed, by):
    scored, articles = _scored_mentions(seed)
    ok = articles[articles["status"] == "ok"]
    assert len(scored) and scored["sentiment"].notna().any()
    expected = aggregate_corpus(scored, ok, by)
    got = entity_sentiment_summary(articles, aggregate_articles(scored), by=by)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)


def test_entity_sentiment_summary_ignores_other_articles_and_checks_by():
    scored, articles = _scored_mentions(3)
    table = aggregate_articles(scored)
    only_first = articles.iloc[:1]
    got = entity_sentiment_summary(only_first, table, by="outlet")
    assert set(got["n_articles"]) <= {1}
    assert got["n_mentions"].sum() == (scored["article_id"] == only_first["article_id"].iloc[0]).sum()
    with pytest.raises(ValueError, match="by='desk'"):
        entity_sentiment_summary(articles, table, by="desk")
    empty = entity_sentiment_summary(articles, table.iloc[:0], by="outlet")
    assert empty.empty and list(empty.columns)[:2] == ["outlet", "canonical"]


def test_outlet_means_average_articles_with_an_interval():
    table = pd.DataFrame({"outlet": ["b", "a", "a", "a"], "x": [5.0, 1.0, 2.0, 6.0]})
    out = report_scale.outlet_means(table, ["x"])
    assert out["outlet"].tolist() == ["a", "b"] and out["articles"].tolist() == [3, 1]
    assert out.loc[0, "x"] == pytest.approx(3.0)
    assert 1.0 <= out.loc[0, "x_low"] <= 3.0 <= out.loc[0, "x_high"] <= 6.0
    assert np.isnan(out.loc[1, "x_low"])  # one article: no interval


def _blocks(n_articles: int) -> pd.DataFrame:
    rows = []
    for i in range(n_articles):
        aid = f"id{i:03d}"
        rows.append({"article_id": aid, "position": 0, "role": "body", "kept": True, "text": "kept words"})
        rows.append(
            {"article_id": aid, "position": 1, "role": "boilerplate", "kept": False, "text": "x " * (i + 1)}
        )
    return pd.DataFrame(rows).assign(reason="")


def test_dropped_text_keeps_the_articles_that_lost_most_and_says_how_many_are_left_out():
    blocks = _blocks(30)
    out = report.dropped_text(blocks, max_articles=5)
    assert len(out) == 6
    shown = [b.text.split(":")[0] for b in out[:5]]
    assert shown == [f"id{i:03d}" for i in range(25, 30)]  # the 5 with the most dropped words, by id
    assert "25 more articles" in out[-1].text and 'class="of-note"' in out[-1].html
    assert len(report.dropped_text(_blocks(4), max_articles=5)) == 4  # small corpora: every article


def test_evidence_blocks_cap_items_but_count_them_all():
    table = pd.DataFrame({"outlet": ["A"] * 30 + ["B"], "sentence": [f"s{i}" for i in range(31)]})
    blocks = report.evidence_blocks(
        table, group="outlet", label=lambda r: r.outlet, summary="{group}: {n} claims", max_items=10
    )
    assert blocks[0].html.count("<li>") == 10 and "A: 30 claims (first 10 shown" in blocks[0].text
    assert blocks[1].html.count("<li>") == 1 and "shown" not in blocks[1].text


def _articles(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "article_id": [f"id{i:03d}" for i in range(n)],
            "outlet": [f"Outlet {i % 3}" for i in range(n)],
            "n_words": [100 + i for i in range(n)],
            "status": "ok",
            "date": "2025-01-01",
            "date_precision": "day",
            "event": "talks",
            "text": "Some text.",
        }
    )


def test_per_article_figures_become_per_outlet_above_the_cap():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    small, large = _articles(6), _articles(50)
    for articles, ticks in ((small, 6), (large, 3)):
        fig = report.words_figure(articles, _blocks(len(articles)), max_articles=40)
        assert len(fig.axes[0].get_yticklabels()) == ticks
        plt.close(fig)
    scored = large.assign(compound=0.1, compound_low=0.0, compound_high=0.2)
    fig = report.article_interval_figure(scored, value="compound", title="t", xlabel="x")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Outlet 0 (17)", "Outlet 1 (17)", "Outlet 2 (16)"]
    plt.close(fig)
    fig = report.timeline_figure(large, max_labels=40)
    assert not fig.axes[0].texts and "events table" in fig.axes[0].get_title()
    plt.close(fig)


def test_interval_figure_says_which_rows_have_no_interval():
    """A row whose interval is missing (one article) is a point only, and the axis label says so."""
    import matplotlib.pyplot as plt

    table = pd.DataFrame(
        {
            "label": ["a", "b", "c"],
            "v": [0.1, -0.2, 0.3],
            "v_low": [0.0, np.nan, 0.1],
            "v_high": [0.2, np.nan, 0.5],
        }
    )
    kw = {"label": "label", "value": "v", "color_by": None, "title": "t", "xlabel": "x", "ylabel": "y"}
    fig = report.interval_figure(table, **kw)
    assert fig.axes[0].get_xlabel() == "x\n(1 of 3 rows: a single article, so a point and no interval)"
    plt.close(fig)
    full = report.interval_figure(table.dropna(), **kw)
    assert full.axes[0].get_xlabel() == "x"
    plt.close(full)


def test_most_mentioned_entities_reads_given_mentions_of_ok_articles():
    articles = _articles(3).assign(status=["ok", "ok", "duplicate"])
    mentions = pd.DataFrame(
        {
            "article_id": ["id000", "id001", "id001", "id002", "id002", "id002"],
            "canonical": ["Alma", "Berta", "Berta", "Carla", "Carla", "Carla"],
            "kind": ["person", "organisation", "organisation", "person", "person", "person"],
        }
    )
    pages = report_build.most_mentioned_entities(articles, 5, mentions=mentions, min_outlets=1)
    assert pages == ["Berta", "Alma"]


def test_no_entity_pages_for_abbreviations_and_fragments():
    articles = pd.DataFrame({"article_id": ["a1", "b1"], "outlet": ["A", "B"], "status": "ok", "text": "x"})
    names = ["Calif.", "N.Y.", "BC", "al", "Jo", "FBI", "Federal Bureau of Investigation", "Ann Lee", "NATO"]
    mentions = pd.DataFrame(
        {"article_id": ["a1", "b1"] * len(names), "canonical": np.repeat(names, 2), "kind": "person"}
    )
    pages = report_build.most_mentioned_entities(articles, 20, mentions=mentions)
    # an all-caps short name stays when the corpus spells out its initials; four capitals are a name
    assert sorted(pages) == ["Ann Lee", "FBI", "Federal Bureau of Investigation", "NATO"]


def test_entity_pages_go_to_entities_several_outlets_cover():
    articles = pd.DataFrame(
        {"article_id": ["a1", "a2", "b1", "c1"], "outlet": ["A", "A", "B", "C"], "status": "ok", "text": "x"}
    )
    mentions = pd.DataFrame(
        {
            "article_id": ["a1"] * 5 + ["a2", "b1", "c1", "c1"],
            "canonical": ["Solo"] * 5 + ["Shared", "Shared", "Shared", "Pair"],
            "kind": "person",
        }
    )
    # "Solo" has the most mentions but one outlet: no page; "Shared" (3 outlets) first
    assert report_build.most_mentioned_entities(articles, 5, mentions=mentions) == ["Shared"]
    assert report_build.most_mentioned_entities(articles, 5, mentions=mentions, min_outlets=1) == [
        "Shared",
        "Solo",
        "Pair",
    ]


def test_cli_report_passes_top_outlets(monkeypatch):
    from analysis.__main__ import main

    calls = []
    monkeypatch.setattr(report, "build_reports", lambda *a, **k: calls.append(k))
    assert main(["report", "x.csv", "--top-outlets", "3"]) == 0
    assert main(["report", "x.csv", "--top-outlets", "0"]) == 0
    assert main(["report", "x.csv"]) == 0
    assert [c["top_outlets"] for c in calls] == [3, None, 10]


def test_co_mentions_counts_sentences_naming_both_entities():
    mentions = pd.DataFrame(
        {
            "article_id": ["a", "a", "a", "a", "b", "b", "b", "c"],
            "field": ["text", "text", "text", "title", "text", "text", "text", "text"],
            "sentence_id": [0, 0, 0, 0, 1, 1, 1, 0],
            "canonical": ["P", "Q", "P", "P", "P", "Q", "R", "Q"],
        }
    )
    matrix = report.co_mentions(mentions, ["P", "Q", "R", "S"])
    expected = pd.DataFrame(
        [[0, 2, 1, 0], [2, 0, 1, 0], [1, 1, 0, 0], [0, 0, 0, 0]],
        index=list("PQRS"),
        columns=list("PQRS"),
    )
    pd.testing.assert_frame_equal(matrix, expected, check_dtype=False)
    assert report.co_mentions(mentions.iloc[:0], ["P"]).loc["P", "P"] == 0


def test_cleaning_table_puts_the_biggest_losses_first_on_large_corpora():
    n = report_params.MAX_FIGURE_ARTICLES + 5
    ids = [f"a{i:03d}" for i in range(n)]
    blocks = pd.DataFrame(
        {
            "article_id": ids * 2,
            "role": ["body"] * n + ["boilerplate"] * n,
            "kept": [True] * n + [False] * n,
            "text": ["kept words here"] * n + [" ".join(["x"] * (i % 7)) for i in range(n)],
        }
    )
    articles = pd.DataFrame({"article_id": ids, "outlet": "O"})
    table = report.cleaning_table(blocks, articles)
    assert table["dropped_words"].is_monotonic_decreasing
    small = report.cleaning_table(blocks[blocks.article_id.isin(ids[:5])], articles)
    assert small["article_id"].tolist() == ids[:5]  # small corpora keep article order
