"""A title derived from the body is not parsed again, so its sentence is not counted twice."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis

pytestmark = pytest.mark.integration


def test_derived_title_adds_no_tokens_or_mentions(tmp_path):
    body = "Emmanuel Macron met Vladimir Putin in Moscow. The talks lasted five hours."
    base = {"article_id": ["a"], "text": [body], "status": ["ok"]}
    first = "Emmanuel Macron met Vladimir Putin in Moscow."
    derived = pd.DataFrame({**base, "title": [first], "title_derived": [True]})
    printed = pd.DataFrame({**base, "title": ["Macron and Putin meet"], "title_derived": [False]})
    ann = analysis.annotate(derived, cache_dir=tmp_path)
    assert set(ann.tokens["field"]) == {"text"}
    mentions = analysis.entity_mentions(derived, annotations=ann)
    assert (mentions["canonical"] == "Vladimir Putin").sum() == 1
    assert "title" in set(analysis.annotate(printed, cache_dir=tmp_path).tokens["field"])


def test_seed_000_has_no_headline_mentions(seed_articles, seed_annotations):
    (aid,) = seed_articles.loc[seed_articles["title_derived"], "article_id"]
    assert seed_annotations.tokens.query("article_id == @aid and field == 'title'").empty
