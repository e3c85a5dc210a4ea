"""No function of the package takes more than :data:`MAX_PARAMETERS` parameters: beyond, an options object.

Parameters are counted with :mod:`ast` (positional, keyword-only, ``*args`` and ``**kwargs``;
``self``/``cls`` left out), so nested functions and methods count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import analysis

MAX_PARAMETERS = 8

#: Functions still above the limit -> the count they may not exceed, and why. Remove an entry when
#: its function is reworked; the test fails when one grows.
ALLOWED: dict[str, int] = {}


def parameter_counts(root: Path) -> dict[str, int]:
    """Return ``path:function`` -> parameter count of every function under ``root`` above the limit."""
    out: dict[str, int] = {}
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                a = node.args
                names = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs if p.arg not in ("self", "cls")]
                count = len(names) + (a.vararg is not None) + (a.kwarg is not None)
                if count > MAX_PARAMETERS:
                    out[f"{path.relative_to(root.parent).as_posix()}:{node.name}"] = count
    return out


def test_the_counter_sees_long_signatures(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "m.py").write_text(
        "def short(a, b, *, c=1): ...\n"
        "class K:\n    def long(self, a, b, c, d, e, f, g, h, *rest, **kw): ...\n"
    )
    assert parameter_counts(package) == {"pkg/m.py:long": 10}


def test_no_function_takes_more_than_eight_parameters():
    found = parameter_counts(Path(analysis.__file__).resolve().parent)
    over = {name: n for name, n in found.items() if n > ALLOWED.get(name, MAX_PARAMETERS)}
    assert not over, f"take an options object (a frozen dataclass) or split: {over}"
