"""Public names: analysis._EXPORTS resolve; analysis.report exports what the notebooks and the CLI call."""

import analysis


def test_every_export_resolves():
    for name in analysis.__all__:
        if name != "__version__":
            assert callable(getattr(analysis, name)), name


def test_annotate_attribute_is_the_function_even_after_module_import():
    from analysis.annotate import TOKEN_COLUMNS  # noqa: F401  (imports the module)

    assert callable(analysis.annotate) and analysis.annotate.__name__ == "annotate"


def _report_names_called() -> set[str]:
    """Names the notebooks call as ``report.X`` and the command line imports from ``analysis.report``."""
    import ast
    import json
    import re
    from pathlib import Path

    import analysis.__main__ as cli_module
    from analysis import config

    called: set[str] = set()
    for path in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")):
        for cell in json.loads(path.read_text("utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                called |= set(re.findall(r"\breport\.(\w+)", "".join(cell["source"])))
    cli = ast.parse(Path(cli_module.__file__).read_text("utf-8"))
    for node in ast.walk(cli):
        if isinstance(node, ast.ImportFrom) and node.module == "analysis.report":
            called |= {alias.name for alias in node.names}
    return called


def test_the_report_package_exports_what_the_notebooks_and_the_cli_call():
    import analysis.report as report

    called = _report_names_called()
    assert len(called) > 40  # the scan found the notebooks
    assert called <= set(report.__all__), sorted(called - set(report.__all__))
    # beyond those, only the build's options object (the typed form of build_reports' keywords)
    assert set(report.__all__) - called == {"ReportOptions"}
    for name in report.__all__:
        assert getattr(report, name) is not None


def test_report_internals_stay_importable_from_their_modules():
    from analysis.report.build import input_hash, plan_jobs
    from analysis.report.display import setup_style
    from analysis.report.params import ENTITY_NOTEBOOK, slugify

    assert all(callable(f) for f in (input_hash, plan_jobs, setup_style, slugify)) and ENTITY_NOTEBOOK
