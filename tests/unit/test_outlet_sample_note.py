"""The Framing page says when its per-outlet shares rest on too few articles per outlet."""

from __future__ import annotations

import pandas as pd

from analysis.report.framing import framing_notes

NO_STORIES = pd.DataFrame({"story": [], "comparable": []})


def _notes(outlets: list[str], **kw):
    ids = [f"a{i}" for i in range(len(outlets))]
    articles = pd.DataFrame({"article_id": ids, "outlet": outlets, "status": "ok"})
    return framing_notes(pd.DataFrame(), pd.DataFrame(), NO_STORIES, articles=articles, **kw)


def test_most_outlets_with_one_article_is_a_warning_naming_them():
    note = _notes(["Big"] * 6 + ["Tiny One", "Tiny Two", "Tiny Three"])["outlets"]
    assert "of-warning" in note.html and "3 of 4 outlets have fewer than 5 articles" in note.text
    assert "Tiny One" in note.text and "Big" not in note.text.split("(")[1]


def test_outlets_with_enough_articles_get_a_plain_note():
    note = _notes(["A"] * 5 + ["B"] * 7)["outlets"]
    assert "of-note" in note.html and note.text == "Every outlet has at least 5 articles (fewest: 5)."


def test_a_few_thin_outlets_are_named_without_a_warning_and_failed_articles_do_not_count():
    articles = pd.DataFrame(
        {"article_id": list("abcdefghijkl"), "outlet": ["A"] * 5 + ["B"] * 5 + ["C"] * 2,
         "status": ["ok"] * 10 + ["ok", "empty"]}
    )
    note = framing_notes(pd.DataFrame(), pd.DataFrame(), NO_STORIES, articles=articles)["outlets"]
    assert "of-note" in note.html and note.text.startswith("1 of 3 outlets have fewer than 5 articles (C)")


def test_without_articles_there_is_no_outlet_note():
    assert "outlets" not in framing_notes(pd.DataFrame(), pd.DataFrame(), NO_STORIES)
