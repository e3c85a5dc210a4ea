"""One source = one person (merging name variants), kinds of source, and careful first-name gender."""

from __future__ import annotations

import pandas as pd

from analysis.framing.quotes import source_balance
from analysis.framing.quotes.sources import first_name_gender, source_keys
from analysis.report.framing import (
    MAX_SHARE_BARS,
    category_colours,
    share_bar_figure,
    source_categories,
    source_count_sentence,
)


def _quotes(rows: list[tuple]) -> pd.DataFrame:
    cols = ["article_id", "speaker", "speaker_canonical", "source_type", "speaker_is_person"]
    cols.append("speaker_gender")
    q = pd.DataFrame(rows, columns=cols)
    q["kind"] = "direct"
    q["quote"] = "a few quoted words"
    q["speaker_affiliation"] = ""
    return q


def test_name_variants_of_one_person_are_one_source_within_an_article():
    q = _quotes([
        ("a", "Marta Vinter", "Marta Vinter", "expert", True, "female"),
        ("a", "Vinter", "Vinter", "expert", True, "female"),
        ("a", "Dr. Vinter", "Dr. Vinter", "expert", True, "female"),
        ("a", "Vinter's", "Vinter's", "expert", True, "female"),
        ("a", "harbour master Marta Vinter", "harbour master Marta Vinter", "expert", True, "female"),
        ("b", "Vinter", "Vinter", "expert", True, "female"),
    ])  # fmt: skip
    keys = source_keys(q)
    assert keys["source_id"].iloc[:5].nunique() == 1
    assert keys["source_name"].iloc[0] == "Marta Vinter"
    # another article: the surname alone stays its own source there
    assert keys["source_id"].iloc[5] == "person:Vinter"


def test_a_surname_shared_by_two_full_names_is_not_merged():
    q = _quotes([
        ("a", "Anna Kowal", "Anna Kowal", "sport", True, "female"),
        ("a", "Piotr Kowal", "Piotr Kowal", "sport", True, "male"),
        ("a", "Kowal", "Kowal", "sport", True, "unknown"),
    ])  # fmt: skip
    assert source_keys(q)["source_id"].nunique() == 3


def test_organisations_documents_pronouns_and_quote_internal_names_are_kept_apart():
    q = _quotes([
        ("a", "the ministry", "the ministry", "government", False, "none"),
        ("a", "The Ministry's", "Ministry", "government", False, "none"),
        ("a", "the report", "the report", "document", False, "none"),
        ("a", "he", "he", "unknown", False, "unknown"),
        ("a", "Tom Ader", "Tom Ader", "citizen", True, "male"),
    ])  # fmt: skip
    q["start_char"] = [0, 50, 100, 150, 200]
    q["end_char"] = [40, 90, 140, 190, 260]
    q["speaker_start_char"] = [41, 91, 141, 191, 210]  # the last speaker sits inside its own quote
    keys = source_keys(q)
    kinds = ["organisation", "organisation", "document", "unattributed", "unattributed"]
    assert keys["source_kind"].tolist() == kinds
    assert keys["source_id"].iloc[0] == keys["source_id"].iloc[1] == "organisation:ministry"
    assert keys["source_id"].iloc[3] == keys["source_id"].iloc[4] == ""


def test_source_balance_counts_people_once_per_article_and_reports_kinds():
    arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "X"]})
    q = _quotes([
        ("a", "Jon Sild", "Jon Sild", "politician", True, "male"),
        ("a", "Sild", "Sild", "politician", True, "male"),
        ("a", "the statement", "the statement", "document", False, "none"),
        ("b", "Sild", "Sild", "politician", True, "male"),
    ])  # fmt: skip
    bal = source_balance(arts, q, n_boot=0)
    kinds = bal[bal["source_by"] == "kind"].set_index("source")
    assert kinds.loc["person", "n_quotes"] == 3 and kinds.loc["person", "n_sources"] == 2
    assert kinds.loc["document", "n_sources"] == 1
    speakers = bal[bal["source_by"] == "speaker"].set_index("source")
    assert speakers.loc["Jon Sild", "n_quotes"] == 2  # "Sild" in article a counts for Jon Sild
    assert "(unattributed)" not in speakers.index


def test_source_count_sentence_gives_the_unknown_gender_share():
    q = _quotes([
        ("a", "Ines Pardo", "Ines Pardo", "expert", True, "female"),
        ("a", "Lo Wen", "Lo Wen", "expert", True, "unknown"),
        ("a", "the company", "the company", "business", False, "none"),
    ])  # fmt: skip
    text = source_count_sentence(q)
    assert "2 people, 1 organisation, 0 documents" in text
    assert "50% women, 0% men, 50% unknown" in text


def test_first_names_only_when_the_table_is_sure():
    assert first_name_gender("Kathleen Hall Jamieson") == "female"
    assert first_name_gender("Robert Lanz") == "male"
    assert first_name_gender("J. Lanz") == "unknown"  # an initial
    assert first_name_gender("Lanz") == "unknown"  # a surname alone
    assert first_name_gender("Dylan Nelson") == "unknown"  # "mostly_male" is not sure enough
    assert first_name_gender("Xi Jinping") == "unknown"  # the table cannot judge it


def _bar_colours(table, categories):
    """Map each legend label of a share bar chart to the colour its bars were drawn in."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.colors import to_hex

    fig = share_bar_figure(table, row="outlet", stack="source", value="n_quotes", title="t", xlabel="x",
                           ylabel="y", categories=categories)
    ax = fig.axes[0]
    colours = {c.get_label(): to_hex(c.patches[0].get_facecolor()) for c in ax.containers}
    order = [c.get_label() for c in ax.containers]
    matplotlib.pyplot.close(fig)
    return colours, order


def test_a_source_category_keeps_its_colour_whichever_categories_a_corpus_has():
    genders = source_categories("gender")
    one = pd.DataFrame({"outlet": ["A", "A", "B"], "source": ["male", "unknown", "male"],
                        "n_quotes": [3, 1, 2]})
    two = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "source": ["female", "male", "unknown", "other"],
                        "n_quotes": [1, 3, 1, 1]})
    c1, order1 = _bar_colours(one, genders)
    c2, order2 = _bar_colours(two, genders)
    assert c1["male"] == c2["male"] and c1["unknown"] == c2["unknown"]
    assert c2["female"] != c2["male"] and c2["other"] != c2["unknown"]
    assert order2[-2:] == ["other", "unknown"]  # untyped last, whatever the table's order
    types = source_categories("source_type")
    a = pd.DataFrame({"outlet": ["A"] * 3, "source": ["politician", "expert", "unknown"],
                      "n_quotes": [5, 2, 1]})
    b = pd.DataFrame({"outlet": ["A"] * 2, "source": ["sport", "expert"], "n_quotes": [5, 2]})
    ca, _ = _bar_colours(a, types)
    cb, _ = _bar_colours(b, types)
    assert ca["expert"] == cb["expert"]
    colours = category_colours(types)
    assert len({colours[t] for t in types}) == len(types)  # every type its own colour
    greys = {colours["other"], colours["unknown"]}
    typed = [c for t, c in colours.items() if t not in ("other", "unknown", "none")]
    assert all(len({c[1:3], c[3:5], c[5:7]}) > 1 for c in typed) and not greys & set(typed)  # no typed grey


def test_a_tall_share_bar_chart_keeps_its_title_and_legend_beside_the_bars():
    import matplotlib

    matplotlib.use("Agg")
    outlets = [f"Outlet {i}" for i in range(70)]
    table = pd.DataFrame({"outlet": outlets * 2, "source": ["male"] * 70 + ["female"] * 70, "n_quotes": 1})
    for rows in (table[table["outlet"].isin(outlets[:3])], table):
        fig = share_bar_figure(rows, row="outlet", stack="source", value="n_quotes", title="t", xlabel="x",
                               ylabel="y", categories=source_categories("gender"))
        height = fig.get_size_inches()[1]
        box = fig.axes[0].get_position()
        assert (1 - box.y1) * height < 0.5  # the title's margin, in inches, whatever the number of rows
        assert box.y0 * height < 1.2 and len(fig.legends) == 1  # the x label and legend right below
        n = min(rows["outlet"].nunique(), MAX_SHARE_BARS)
        assert fig.axes[0].get_ylim() == (n - 0.4, -0.6)  # first outlet on top, half a bar of padding
        matplotlib.pyplot.close(fig)


def test_past_the_most_bars_the_smallest_outlets_are_pooled_into_one_bar():
    import matplotlib

    matplotlib.use("Agg")
    outlets = [f"Outlet {i}" for i in range(70)]
    quotes = [100 - i for i in range(70)]  # Outlet 0 has the most quotes
    table = pd.DataFrame({"outlet": outlets * 2, "source": ["male"] * 70 + ["female"] * 70,
                          "n_quotes": [q - 1 for q in quotes] + [1] * 70})
    fig = share_bar_figure(table, row="outlet", stack="source", value="n_quotes", title="t", xlabel="x",
                           ylabel="y", categories=source_categories("gender"))
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == MAX_SHARE_BARS and labels[0] == "Outlet 0"
    assert labels[-1] == f"{70 - MAX_SHARE_BARS + 1} others (pooled)"
    assert f"Outlet {MAX_SHARE_BARS - 2}" in labels and f"Outlet {MAX_SHARE_BARS - 1}" not in labels
    pooled = range(MAX_SHARE_BARS - 1, 70)
    women = len(pooled) / sum(quotes[i] for i in pooled)  # one woman's quote per pooled outlet
    bars = {c.get_label(): c.patches[-1].get_width() for c in fig.axes[0].containers}
    assert abs(bars["female"] - women) < 1e-9
    matplotlib.pyplot.close(fig)
