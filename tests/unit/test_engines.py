"""One engine list, one engine interface, one options object: names, errors and keyword handling."""

from __future__ import annotations

import pytest

from analysis import config
from analysis.__main__ import main
from analysis.pipeline import RunOptions, run
from analysis.pipeline.engines import ENGINE_CLASSES, Engine, get_engine
from analysis.report import ParameterError
from analysis.report.build import ReportOptions, report_options


def test_every_listed_engine_implements_the_interface_under_its_name():
    assert tuple(ENGINE_CLASSES) == config.ENGINES
    for name in config.ENGINES:
        engine = get_engine(name)
        assert isinstance(engine, Engine) and engine.name == name


@pytest.mark.parametrize("name", ["spark", "Pandas", "", None])
def test_a_bad_engine_name_is_a_clear_error_listing_the_engines(name):
    listed = "choose one of " + ", ".join(config.ENGINES)
    with pytest.raises(ValueError, match=listed) as got:
        get_engine(name)
    assert repr(name) in str(got.value)
    with pytest.raises(ValueError, match=listed):
        RunOptions(engine=name)
    with pytest.raises(ValueError, match=listed):  # before anything is loaded
        run(config.SEEDS_DIR, engine=name)


def test_the_report_and_the_command_line_refuse_a_bad_engine_with_the_list(capsys):
    with pytest.raises(ParameterError, match="'dask', 'lanes', 'pandas', 'serial'"):
        report_options(engine="spark")
    with pytest.raises(SystemExit):
        main(["report", "--engine", "spark"])
    err = capsys.readouterr().err
    assert all(name in err for name in config.ENGINES)


def test_options_are_one_frozen_object_built_from_keywords():
    options = RunOptions(engine="dask", include=["keyness"], n_process=1)
    assert options.include == ("keyness",) and RunOptions(include="keyness").include == ("keyness",)
    with pytest.raises(AttributeError):
        options.engine = "serial"  # type: ignore[misc]
    with pytest.raises(TypeError, match="chunks"):
        RunOptions(chunks=3)  # type: ignore[call-arg]
    built = report_options(
        ReportOptions(top_entities=2), engine="serial", n_process=1, notebooks=["01_overview"]
    )
    assert built.top_entities == 2 and built.notebooks == ("01_overview",)
    assert built.run.engine == "serial" and built.run.n_process == 1 and built.run.progress is False
    with pytest.raises(TypeError, match="colour"):
        report_options(colour="red")


def test_the_pandas_engine_forks_lanes_for_a_few_new_articles_only_when_the_model_is_loaded(monkeypatch):
    import pandas as pd

    from analysis.pipeline.engines import lanes
    from analysis.pipeline.engines.base import ChunkWork

    chunks = [pd.DataFrame({"article_id": [f"a{i}" for i in range(n)]}) for n in (20, 11)]
    work = ChunkWork(chunks, [{}, {}], [], {}, None)
    options = RunOptions(n_process=2)
    monkeypatch.setattr(lanes, "preloaded_for_lanes", lambda: False)
    assert get_engine("pandas").choose(work, [0, 1], options).name == "serial"  # a model load per lane
    monkeypatch.setattr(lanes, "preloaded_for_lanes", lambda: True)
    chosen = get_engine("pandas").choose(work, [0, 1], options)
    assert chosen.name == "lanes" and chosen.lanes == 2  # only a fork per lane
    assert get_engine("pandas").choose(work, [0], options).name == "serial"  # one chunk: nothing to share
