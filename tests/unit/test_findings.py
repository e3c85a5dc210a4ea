import numpy as np
import pandas as pd

from analysis import report


def _articles(n_per_outlet=30):
    rows = []
    for outlet in ("A", "B", "C"):
        for i in range(n_per_outlet):
            rows.append(
                {
                    "article_id": f"{outlet}{i}",
                    "outlet": outlet,
                    "status": "ok",
                    "n_words": 300,
                    "date": pd.Timestamp("2024-01-01") + pd.Timedelta(days=7 * i),
                    "date_precision": "day",
                    "text": "x",
                }
            )
    return pd.DataFrame(rows)


def _result(articles, effect):
    rng = np.random.default_rng(0)
    sentiment = pd.DataFrame(
        {
            "article_id": articles["article_id"],
            "compound": rng.normal(0, 0.2, len(articles)) + np.where(articles["outlet"] == "A", effect, 0),
        }
    )
    quotes = pd.DataFrame(
        {
            "article_id": np.repeat(articles["article_id"].to_numpy(), 2),
            "source_type": "citizen/witness",
            "speaker_gender": "male",
        }
    )
    return {
        "sentiment": sentiment,
        "quotes": quotes,
        "mentions": pd.DataFrame(columns=["article_id", "canonical", "kind"]),
    }


def test_a_real_difference_is_phrased_from_the_numbers():
    arts = _articles()
    found = report.stands_out(_result(arts, 0.5), arts, n_boot=200, n_perm=199)
    assert not found.empty
    top = found.iloc[0]
    assert top["outlet"] == "A" and top["measure"] == "tone" and top["q_value"] <= 0.05
    assert top["sentence"].startswith("A: mean article tone") and "higher than" in top["sentence"]
    assert f"{top['mean']:+.2f}" in top["sentence"]  # the sentence carries the table's own number
    assert top["section"].startswith("03_sentiment.html")


def test_no_difference_gives_no_finding():
    arts = _articles()
    found = report.stands_out(_result(arts, 0.0), arts, n_boot=100, n_perm=199)
    assert found.empty or (found["measure"] != "tone").all() or found["q_value"].min() <= 0.05
    assert len(found) <= 1


def test_shape_and_warnings():
    arts = _articles(3)
    arts.loc[arts["article_id"] == "A0", "date_precision"] = "year"
    arts.loc[arts["article_id"] == "B0", ["date", "date_precision"]] = [pd.NaT, "unknown"]
    shape = report.corpus_shape(arts)
    assert "2024 (month unknown)" in shape.columns and "undated" in shape.columns
    assert shape["total"].sum() == 9
    warning = report.few_articles_warning(arts)
    assert "fewer than 5 articles" in warning.text and "A (3)" in warning.text
    single = report.few_articles_warning(arts.groupby("outlet").head(1))
    assert "single article" in single.text


def test_attention_is_not_drawn_without_periods_per_outlet():
    arts = _articles(1)
    table = report.attention_table(
        {"mentions": pd.DataFrame(columns=["article_id", "canonical", "kind"])}, arts
    )
    assert not report.attention_drawable(table)
    assert "not drawn" in report.attention_note(table).text
