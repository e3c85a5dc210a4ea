"""The package's imports go one way: no cycle, no upward import, no private name imported across modules.

Every module's imports are read with :mod:`ast` (:mod:`analysis.core.digest`), at any
depth (imports inside functions count; those under ``if TYPE_CHECKING:`` never run and
are left out of the cycle check). Each module's layer comes from its path
(:data:`LAYERS`, see ``docs/architecture.md``); a module may import its own layer
(without a cycle) and the layers below it. Package modules are imported at module level
only: an import of a package module inside a function is allowed in the command line and
the lazy facade (:data:`INNER_IMPORTS_ALLOWED`), nowhere else (third-party imports inside
functions, for heavy optional dependencies, are not package imports).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from analysis.core import digest

#: Module-name prefix -> layer, lowest first. The longest matching prefix wins; a new top-level
#: module or package must be added here (the test fails on a module without a layer).
LAYERS: dict[str, int] = {
    "analysis.config": 0,
    "analysis.schema": 1,
    "analysis.core": 2,
    "analysis.ingest": 3,
    "analysis.clean": 4,
    "analysis.corpus": 5,
    "analysis.load": 5,  # until it moves to analysis.corpus
    "analysis.annotate": 6,
    "analysis.measures": 7,
    "analysis.entities": 7,  # until it moves to analysis.measures.entities
    "analysis.framing": 8,
    "analysis.pipeline": 9,
    "analysis.report": 10,
    "analysis.__main__": 11,
    "analysis": 11,  # the lazy facade (analysis/__init__.py)
}


#: Modules that may import package modules inside functions: the command line and the lazy facade.
INNER_IMPORTS_ALLOWED: frozenset[str] = frozenset({"analysis", "analysis.__main__"})


def layer_of(module: str, layers: dict[str, int] = LAYERS) -> int | None:
    """Return the layer of a module by its longest matching prefix (None: unmapped).

    Examples
    --------
    >>> layer_of("analysis.framing.quotes.speakers")
    8
    >>> layer_of("analysis")
    11
    """
    best = None
    for prefix in layers:
        below = "." in prefix and module.startswith(prefix + ".")  # the facade "analysis": only itself
        if (module == prefix or below) and (best is None or len(prefix) > len(best)):
            best = prefix
    return None if best is None else layers[best]


def _private_module(module: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in module.split("."))


def violations(edges: Iterable[digest.ImportEdge], layer: Callable[[str], int | None]) -> list[str]:
    """Return every broken rule of an import graph, one line each (empty: the graph is clean).

    Rules: every module has a layer; no module imports a higher layer; no ``_name`` is imported
    from another module; a private module (``pkg/_x.py``) is imported only inside its package;
    a package module is imported at module level (or under ``TYPE_CHECKING``), except in
    :data:`INNER_IMPORTS_ALLOWED`; the graph of run-time imports (``TYPE_CHECKING`` left out)
    has no cycle.
    """
    edges = list(edges)
    out: list[str] = []
    for e in edges:
        where = f"{e.source}:{e.line}"
        if not e.toplevel and not e.type_checking and e.source not in INNER_IMPORTS_ALLOWED:
            out.append(f"{where}: imports {e.target} inside a function (import it at module level)")
        low, high = layer(e.source), layer(e.target)
        if low is None or high is None:
            out.append(f"{where}: no layer for {e.source if low is None else e.target}")
        elif high > low:
            out.append(f"{where}: upward import of {e.target} (layer {high}) from layer {low}")
        if e.name and e.name.startswith("_") and not e.name.startswith("__") and e.target != e.source:
            out.append(f"{where}: imports private name {e.name} from {e.target}")
        if _private_module(e.target) and not _private_module(e.source):
            package = e.target.rsplit(".", 1)[0]
            if not e.source.startswith(package + ".") and e.source != package:
                out.append(f"{where}: imports private module {e.target} from outside its package")
    graph: dict[str, set[str]] = {}
    for e in edges:
        if not e.type_checking and e.target != e.source:
            graph.setdefault(e.source, set()).add(e.target)
    out.extend(f"import cycle: {' -> '.join(c)}" for c in _cycles(graph))
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return one cycle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def connect(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component) + [sorted(component)[0]])

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def package_edges(root=None) -> list[digest.ImportEdge]:
    """Return every package-internal import edge of the package under ``root``."""
    return [e for m in digest.all_modules(root) for e in digest.imports_of(m, root)]


def test_the_package_imports_only_downwards():
    found = violations(package_edges(), layer_of)
    assert not found, "\n".join(found)


def test_the_pipeline_and_core_import_only_downwards():
    """The pipeline and core layers already follow the rules (their own edges)."""
    edges = [e for e in package_edges() if e.source.startswith(("analysis.pipeline", "analysis.core"))]
    found = violations(edges, layer_of)
    assert not found, "\n".join(found)


def _edge(source: str, target: str, name: str | None = None, *, type_checking: bool = False):
    return digest.ImportEdge(source, target, name, 1, True, type_checking)


def test_a_planted_cycle_upward_import_and_private_import_are_caught():
    clean = [
        _edge("analysis.framing.a", "analysis.core.cache"),
        _edge("analysis.framing.a", "analysis.framing.b"),
    ]
    assert violations(clean, layer_of) == []
    cycle = [*clean, _edge("analysis.framing.b", "analysis.framing.a")]
    assert violations(cycle, layer_of) == [
        "import cycle: analysis.framing.a -> analysis.framing.b -> analysis.framing.a"
    ]
    upward = [_edge("analysis.core.cache", "analysis.pipeline.run", "run")]
    assert "upward import of analysis.pipeline.run" in violations(upward, layer_of)[0]
    private = [_edge("analysis.framing.a", "analysis.core.cache", "_writes")]
    assert "imports private name _writes" in violations(private, layer_of)[0]
    outside = [_edge("analysis.measures.sentiment.core", "analysis.measures.entities._tables", "table")]
    assert "private module analysis.measures.entities._tables" in violations(outside, layer_of)[0]
    inside = [_edge("analysis.framing.keyness", "analysis.framing._evidence", "ok_articles")]
    assert violations(inside, layer_of) == []
    typing_only = [*clean, _edge("analysis.framing.b", "analysis.framing.a", type_checking=True)]
    assert violations(typing_only, layer_of) == []
    inner = digest.ImportEdge("analysis.framing.a", "analysis.annotate", "annotate", 7, False)
    assert violations([inner], layer_of) == [
        "analysis.framing.a:7: imports analysis.annotate inside a function (import it at module level)"
    ]
    facade = digest.ImportEdge("analysis", "analysis.pipeline.direct", "call_stage", 7, False)
    assert violations([facade], layer_of) == []
    assert "no layer" in violations([_edge("analysis.newthing", "analysis.config")], layer_of)[0]


def test_a_planted_cycle_in_a_package_on_disk_is_found(tmp_path):
    """The edges come from parsing files: a cycle kept alive by an import inside a function is found."""
    pkg = tmp_path / "analysis"
    (pkg / "core").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "core" / "__init__.py").write_text("")
    (pkg / "core" / "low.py").write_text(
        "def f():\n    from analysis.pipeline import high\n    return high\n"
    )
    (pkg / "pipeline.py").write_text("from analysis.core import low\n")
    (pkg / "config.py").write_text("import os\n")
    found = violations(package_edges(pkg), layer_of)
    assert "analysis.core.low:2: upward import of analysis.pipeline (layer 9) from layer 2" in found
    inside = "analysis.core.low:2: imports analysis.pipeline inside a function (import it at module level)"
    assert inside in found
    assert "import cycle: analysis.core.low -> analysis.pipeline -> analysis.core.low" in found
