"""The plan is built from the ``@stage`` declarations: wrong declarations are errors naming the stage."""

from __future__ import annotations

import dataclasses
import inspect

import pandas as pd
import pytest

from analysis.core.stage import Stage, StageDeclarationError, check_columns, stage
from analysis.pipeline import plan as planning
from analysis.pipeline.plan import StageError, call, collect, order_stages, tables_of


def _decl(name, requires=("articles",), per_article=True):
    return Stage(name, len, tuple(requires), (name,), per_article, "m")


def test_the_package_plan_covers_every_declared_stage_in_dependency_order():
    stages = planning.plan()
    names = [s.name for s in stages]
    assert {"sentences", "mentions", "quotes", "claims", "omissions", "keyness", "_terms"} <= set(names)
    position = {n: i for i, n in enumerate(names)}
    for s in stages:
        for table in s.inputs:
            if table in position:
                assert position[table] < position[s.name], (s.name, table)
    assert all(s.per_article for s in stages[: sum(s.per_article for s in stages)])  # per-article first


def test_a_renamed_required_input_is_an_error_naming_the_stage():
    declared = collect()
    renamed = dataclasses.replace(declared["omissions"], requires=("claim_table", "articles"))
    with pytest.raises(StageError, match="stage 'omissions' requires table 'claim_table'"):
        order_stages({**declared, "omissions": renamed})
    bound = dataclasses.replace(declared["keyness"], requires=("articles", "_term", "sentences"))
    with pytest.raises(StageError, match="stage 'keyness' requires table '_term'"):
        order_stages({**declared, "keyness": bound})


def test_unknown_include_cycle_and_token_table_in_a_corpus_stage_are_errors():
    with pytest.raises(StageError, match="unknown stage 'mentionz'"):
        planning.plan(include=["mentionz"])
    a, b = _decl("a", ("articles", "b")), _decl("b", ("articles", "a"))
    with pytest.raises(StageError, match="cycle: a -> b -> a|cycle: b -> a -> b"):
        order_stages({"a": a, "b": b}, modules=())
    corpus = _decl("c", ("articles", "annotations"), per_article=False)
    with pytest.raises(StageError, match="corpus stage 'c' requires 'annotations'"):
        order_stages({"c": corpus}, modules=())
    reads_corpus = _decl("p", ("articles", "c"))
    with pytest.raises(StageError, match="per-article stage 'p' requires corpus table 'c'"):
        order_stages({"c": _decl("c", per_article=False), "p": reads_corpus}, modules=())


def test_include_adds_the_stages_a_wanted_stage_reads():
    names = [s.name for s in planning.plan(include=["omissions"])]
    assert names[-2:] == ["claims", "omissions"]
    assert {"sentences", "_hedges"} <= set(names) and "keyness" not in names


def test_call_passes_every_input_by_keyword_to_the_parameter_named_as_the_table():
    registry: dict = {}

    @stage(provides="out", requires=("articles", "_spans", "mentions"), registry=registry)
    def out(mentions, spans, articles):  # parameter order differs from the declaration's: names decide
        return pd.DataFrame({"a": [articles], "m": [mentions], "s": [spans]})

    got = call(registry["out"], {"articles": 1, "mentions": 2, "_spans": 3, "mentions_extra": 9})
    assert got["out"].iloc[0].tolist() == [1, 2, 3]
    with pytest.raises(StageError, match="stage 'out' needs table '_spans'"):
        call(registry["out"], {"articles": 1, "mentions": 2})


def test_bind_passes_a_table_to_a_parameter_of_another_name():
    registry: dict = {}

    @stage(provides="k", requires=("articles", "_terms"), bind={"term_counts": "_terms"}, registry=registry)
    def k(articles, term_counts, *, by="outlet"):
        return pd.DataFrame({"a": [articles], "t": [term_counts]})

    assert call(registry["k"], {"articles": 1, "_terms": 2})["k"].iloc[0].tolist() == [1, 2]


def test_a_declared_input_without_its_parameter_is_an_error_naming_stage_and_parameter():
    wanted = r"stage 'swap' .*declared input 'hedges' \(table '_hedges'\) has no parameter 'hedges'"
    with pytest.raises(StageDeclarationError, match=wanted):

        @stage(provides="swap", requires=("articles", "_hedges"), registry={})
        def swap(articles, sentences=None):
            return articles

    with pytest.raises(StageDeclarationError, match="stage 'mapped'.*not in requires"):

        @stage(provides="mapped", requires=("articles",), bind={"spans": "_spans"}, registry={})
        def mapped(articles, spans=None):
            return articles

    with pytest.raises(StageDeclarationError, match="stage 'kw'.*declared input 'quotes' has no parameter"):

        @stage(provides="kw", requires=("articles", "quotes"), registry={})
        def kw(articles, **tables):  # a catch-all is not a parameter named as the table
            return articles


def test_a_required_parameter_without_a_declared_input_is_an_error_naming_stage_and_parameter():
    registry: dict = {}
    with pytest.raises(StageDeclarationError, match="stage 'needy'.*parameter 'stories' is required"):

        @stage(provides="needy", requires=("articles",), registry=registry)
        def needy(articles, stories):
            return articles

    assert "needy" not in registry  # a refused declaration is not registered


def test_every_package_stage_matches_its_signature():
    for declared in collect().values():
        params = set(inspect.signature(declared.fn).parameters)
        assert {p for p, _ in declared.parameters} <= params, declared.name


def test_declared_columns_are_checked_when_the_stage_runs():
    registry: dict = {}

    @stage(provides=("t", "u"), columns={"t": ("article_id", "n")}, registry=registry)
    def t(articles):
        return {"t": articles[["article_id"]], "u": articles}

    articles = pd.DataFrame({"article_id": ["a"], "n": [1]})
    wanted = r"stage 't' produced table 't' without its declared columns \['n'\]"
    with pytest.raises(StageDeclarationError, match=wanted):
        call(registry["t"], {"articles": articles})
    check_columns(registry["t"], "u", articles)  # undeclared tables pass
    check_columns(_decl("plain"), "plain", articles)  # so do stages without declarations
    with pytest.raises(ValueError, match="does not provide"):
        stage(provides="v", columns={"w": ("x",)}, registry={})(lambda articles: articles)


def test_a_second_function_declaring_the_same_stage_is_refused():
    registry: dict = {}
    stage(provides="t", registry=registry)(lambda articles: articles)
    with pytest.raises(ValueError, match="declared twice"):

        @stage(provides="t", registry=registry)
        def other(articles):
            return articles


def test_tables_of_names_returned_frames():
    s = _decl("t")
    frame = pd.DataFrame({"x": [1]})
    assert list(tables_of(s, frame)) == ["t"]
    assert sorted(tables_of(s, {"a": frame, "b": frame, "n": 3})) == ["t_a", "t_b"]
    with pytest.raises(TypeError, match="not a DataFrame"):
        tables_of(s, 42)
