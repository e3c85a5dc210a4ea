"""The table vocabulary (docs/architecture.md, "Table vocabulary"), checked on every stage's declared columns.

Also: column constants are tuples with one name per meaning across the package, and
``@stage(columns=...)`` is stored and checked as documented.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections import defaultdict
from pathlib import Path

import pytest

from analysis.core.stage import Stage, stage
from analysis.pipeline import plan

PACKAGE = Path(__file__).resolve().parents[2] / "analysis"
#: Names the vocabulary replaces: ``group``/``level`` (the column named after ``by``), ``other_``/``rest_``
#: (``<value>_rest``), a bare ``n`` (``count`` or ``n_<unit>``).
FORBIDDEN = re.compile(r"^(group|level|n|other|score_entity)$|(^|_)other(_|$)|^rest_|(^|_)group(_|$)")


def _declared() -> dict[str, tuple[Stage, tuple[str, ...]]]:
    stages = plan.collect()
    return {table: (s, s.columns_of(table)) for s in stages.values() for table in s.provides}


DECLARED = _declared()


def test_every_stage_declares_the_columns_of_every_table_it_provides():
    stages = plan.collect()
    assert stages, "no stage collected"
    for s in stages.values():
        for table in s.provides:
            columns = s.columns_of(table)
            assert isinstance(columns, tuple) and columns, (s.name, table)
            assert len(set(columns)) == len(columns), f"{table}: a column declared twice"


@pytest.mark.parametrize("table", sorted(DECLARED))
def test_declared_columns_follow_the_vocabulary(table):
    s, columns = DECLARED[table]
    names = set(columns)
    for c in columns:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", c), f"{table}.{c}: not snake_case"
        assert not FORBIDDEN.search(c), f"{table}.{c}: not in the vocabulary (by-column, _rest, n_<unit>)"
        for bound in ("_low", "_high"):  # an interval bounds a value column that exists
            if c.endswith(bound):
                value = c[: -len(bound)]
                assert value in names, f"{table}.{c}: no value column {value!r}"
                other = "_high" if bound == "_low" else "_low"
                assert value + other in names, f"{table}.{c}: no {value + other!r}"
        if c.endswith("_rest"):  # the rest of the corpus: <value>_rest beside <value>
            assert c[: -len("_rest")] in names, f"{table}.{c}: no value column {c[:-5]!r}"
        if re.search(r"(^|_)share(_|$)", c):  # shares: share_<of what>
            assert re.fullmatch(r"share_[a-z0-9_]+", c), f"{table}.{c}: a share is share_<what>"
        if "per_1000" in c:  # rates: [<what>_]per_1000_<unit>
            assert re.search(r"per_1000_[a-z]+", c), f"{table}.{c}: a rate names its unit"
    params = inspect.signature(s.fn).parameters
    if "by" in params and isinstance(params["by"].default, str):  # the grouping column is named after by
        assert params["by"].default in names, f"{table}: no column named after by={params['by'].default!r}"


def test_entity_sentiment_is_called_sentiment_per_mention_and_aggregated():
    from analysis.measures.sentiment import CORPUS_ENTITY_SENTIMENT_COLUMNS, RECORD_COLUMNS, TargetSentiment

    _, columns = DECLARED["entity_sentiment"]
    for names in (columns, CORPUS_ENTITY_SENTIMENT_COLUMNS, RECORD_COLUMNS, TargetSentiment._fields):
        assert "sentiment" in names and "score" not in names


def _column_constants() -> dict[str, list[tuple[str, ast.expr]]]:
    """``{name: [(module path, value node)]}`` for every module-level ``*COLUMNS`` assignment."""
    found: dict[str, list[tuple[str, ast.expr]]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
                targets, value = [node.target.id], node.value
            elif isinstance(node, ast.Assign):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
                value = node.value
            else:
                continue
            for name in targets:
                if name.lstrip("_").endswith("COLUMNS"):
                    found[name].append((str(path.relative_to(PACKAGE.parent)), value))
    return found


def test_column_constants_are_tuples_with_unique_names():
    constants = _column_constants()
    assert len(constants) > 20
    for name, places in constants.items():
        assert len(places) == 1, f"{name} defined in {[p for p, _ in places]}: one name per meaning"
        path, value = places[0]
        assert isinstance(value, ast.Tuple), f"{path}: {name} is not a tuple"


def test_stage_columns_are_stored_per_table_and_checked():
    def fn(articles):
        return articles

    one = stage(provides="t", columns=["a", "b"], registry={})(fn).__stage__
    assert one.columns == {"t": ("a", "b")} and one.columns_of("t") == ("a", "b")
    two = Stage("x", fn, ("articles",), provides=("x", "y"), columns={"x": ("a",), "y": ["b", "c"]})
    assert two.columns_of("y") == ("b", "c")
    with pytest.raises(ValueError, match="mapping"):
        Stage("x", fn, ("articles",), provides=("x", "y"), columns=("a",))
    with pytest.raises(ValueError, match="does not provide"):
        Stage("x", fn, ("articles",), columns={"z": ("a",)})
    with pytest.raises(TypeError, match="not a string"):
        Stage("x", fn, ("articles",), columns="a")
    with pytest.raises(KeyError, match="declares no columns"):
        Stage("x", fn, ("articles",)).columns_of("x")
