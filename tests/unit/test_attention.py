import pandas as pd
import pytest

from analysis.framing.attention import attention, choose_period, placed_articles


def _articles():
    return pd.DataFrame(
        {
            "article_id": ["a1", "a2", "a3", "b1", "b2", "b3"],
            "outlet": ["A", "A", "A", "B", "B", "B"],
            "status": ["ok", "ok", "ok", "ok", "ok", "empty"],
            "date": pd.to_datetime(
                ["2024-01-02", "2024-01-20", "2024-02-01", "2024-01-15", "2024-06-30", "2024-01-01"]
            ),
            "date_precision": ["day", "month", "year", "day", "day", "day"],
            "n_words": [100, 300, 50, 200, 400, 10],
            "text": "",
        }
    )


def test_mixed_precision_is_never_placed_on_a_made_up_day():
    weeks = placed_articles(_articles(), period="week")
    # a2 is known to the month only, a3 to the year only: neither can sit in a week
    assert set(weeks["article_id"]) == {"a1", "b1", "b2"}
    assert weeks.attrs["left_out"] == {"undated": 0, "imprecise": 2}
    months = placed_articles(_articles(), period="month")
    assert set(months["article_id"]) == {"a1", "a2", "b1", "b2"}
    assert months.loc[months["article_id"] == "a2", "period"].item() == "2024-01"
    years = placed_articles(_articles(), period="year")
    assert set(years["article_id"]) == {"a1", "a2", "a3", "b1", "b2"}  # b3 is not analysable


def test_undated_articles_are_counted():
    arts = _articles().assign(date=pd.NaT, date_precision="unknown")
    out = placed_articles(arts, period="month")
    assert out.empty and out.attrs["left_out"]["undated"] == 5


def test_period_follows_the_span():
    assert choose_period(pd.Series(pd.to_datetime(["2024-01-01", "2024-03-01"]))) == "week"
    assert choose_period(pd.Series(pd.to_datetime(["2024-01-01", "2024-12-01"]))) == "month"
    assert choose_period(pd.Series(pd.to_datetime(["2010-01-01", "2024-12-01"]))) == "year"


def test_rates_use_the_period_denominators():
    mentions = pd.DataFrame(
        {"article_id": ["a1", "a1", "a2", "b1", "b2"], "canonical": ["X", "X", "X", "X", "Y"]}
    )
    frames = pd.DataFrame(
        {"article_id": ["a1", "a2", "b1", "b2"], "frame": ["conflict"] * 4, "score": [0.5, 0.0, 1.0, 0.2]}
    )
    out = attention(_articles(), mentions, frames, period="month")
    x_a_jan = out[
        (out["kind"] == "entity")
        & (out["name"] == "X")
        & (out["outlet"] == "A")
        & (out["period"] == "2024-01")
    ]
    row = x_a_jan.iloc[0]
    assert row["n_articles"] == 2 and row["n_words"] == 400 and row["n_mentions"] == 3
    assert row["per_1000_words"] == pytest.approx(7.5)
    assert row["share_of_articles"] == pytest.approx(1.0)
    conflict_a = out[(out["kind"] == "frame") & (out["outlet"] == "A") & (out["period"] == "2024-01")].iloc[0]
    assert conflict_a["articles_with"] == 1 and conflict_a["share_of_articles"] == pytest.approx(0.5)
    # a period where an entity is absent is a zero, not a missing row
    y_b_jan = out[(out["name"] == "Y") & (out["outlet"] == "B") & (out["period"] == "2024-01")].iloc[0]
    assert y_b_jan["n_mentions"] == 0
