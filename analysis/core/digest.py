"""The package's import graph, read with :mod:`ast`, and code digests derived from it.

:func:`imports_of` lists what one module of the package imports (every
``import``/``from ... import`` statement, at any depth: inside functions and
``TYPE_CHECKING`` blocks too). :func:`dependencies` follows those edges
transitively, and :func:`code_digest` hashes a module's source, the source of
every package module it depends on, and the package data files that code
names. A pipeline stage's cache key uses it, so editing a helper module
invalidates exactly the stages that import it, directly or not.

Nothing is imported to build the graph: module names are resolved to files
under the package folder.

Examples
--------
>>> "analysis.core.cache" in dependencies("analysis.core.cache")
True
>>> code_digest("analysis.core.cache") == code_digest("analysis.core.cache")
True
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from analysis import config
from analysis.core import cache, rowstore

#: The package whose modules the graph covers.
PACKAGE = "analysis"
#: The package's folder.
PACKAGE_DIR: Path = Path(__file__).resolve().parents[1]
#: Bump to change every code digest (and so every stage cache key).
DIGEST_VERSION = "3"
#: Modules never followed as dependencies of a stage: the lazy facade and the layers above the stages.
NOT_FOLLOWED: tuple[str, ...] = (PACKAGE, f"{PACKAGE}.__main__", f"{PACKAGE}.pipeline", f"{PACKAGE}.report")


@dataclass(frozen=True)
class ImportEdge:
    """One import statement's edge from a package module to a package module.

    Attributes
    ----------
    source : str
        The importing module.
    target : str
        The imported module (``from analysis.a import b`` names module ``analysis.a.b``
        when that is a module, else ``analysis.a``).
    name : str or None
        The name imported from ``target`` (None when a module itself is imported).
    line : int
        Line of the statement.
    toplevel : bool
        True when the statement is at module level (not in a function, not under ``TYPE_CHECKING``).
    type_checking : bool
        True when the statement is under ``if TYPE_CHECKING:`` (never run).
    """

    source: str
    target: str
    name: str | None
    line: int
    toplevel: bool
    type_checking: bool = False


def module_path(module: str, root: Path | None = None) -> Path | None:
    """Return the file of package module ``module`` (a ``.py`` or a package's ``__init__.py``), or None.

    A module outside the package (e.g. a stage module of a test) is found through its import spec
    when ``root`` is not given.

    Examples
    --------
    >>> module_path("analysis.core.cache").name
    'cache.py'
    >>> module_path("analysis.no_such_module") is None
    True
    """
    parts = module.split(".")
    if root is None and parts[0] != PACKAGE:
        return _outside_path(module)
    root = root or PACKAGE_DIR
    if parts[0] != root.name:
        return None
    base = root.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _outside_path(module: str) -> Path | None:
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def module_name(path: Path, root: Path | None = None) -> str:
    """Return the dotted name of a file under the package folder.

    Examples
    --------
    >>> module_name(PACKAGE_DIR / "core" / "__init__.py")
    'analysis.core'
    """
    root = root or PACKAGE_DIR
    rel = path.resolve().relative_to(root.resolve()).with_suffix("")
    parts = [root.name, *rel.parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules(root: Path | None = None) -> list[str]:
    """Return every module of the package, sorted."""
    root = root or PACKAGE_DIR
    return sorted(module_name(p, root) for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _toplevel_nodes(tree: ast.Module) -> tuple[set[int], set[int]]:
    """Return ids of the import nodes run at import time, and of those under ``if TYPE_CHECKING``."""
    out: set[int] = set()
    typing_only: set[int] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                out.add(id(node))
            elif isinstance(node, ast.If):
                if "TYPE_CHECKING" in ast.unparse(node.test):
                    typing_only.update(
                        id(n) for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))
                    )
                    visit(node.orelse)
                else:
                    visit(node.body)
                    visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)

    visit(tree.body)
    return out, typing_only


def _import_nodes(body: list) -> list[ast.Import | ast.ImportFrom]:
    """Return the import statements in a statement list, at any depth (expressions are not walked)."""
    out: list[ast.Import | ast.ImportFrom] = []
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append(node)
            continue
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, name, None)
            if (
                isinstance(inner, list)
                and inner
                and isinstance(inner[0], (ast.stmt, ast.excepthandler, ast.match_case))
            ):
                out.extend(_import_nodes(inner))
    return out


def parse_imports(
    source: str, module: str, *, is_package: bool = False, root: Path | None = None
) -> list[ImportEdge]:
    """Return the package-internal imports of a module's source text.

    Parameters
    ----------
    source : str
        The module's code.
    module : str
        Its dotted name (resolves relative imports).
    is_package : bool, default False
        Whether the module is a package's ``__init__``.
    root : Path, optional
        The package folder (default :data:`PACKAGE_DIR`).

    Returns
    -------
    list of ImportEdge
    """
    root = root or PACKAGE_DIR
    tree = ast.parse(source)
    top, typing_only = _toplevel_nodes(tree)
    package = module if is_package else module.rpartition(".")[0]
    edges: list[ImportEdge] = []
    for node in _import_nodes(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == root.name:
                    edges.append(
                        ImportEdge(
                            module, alias.name, None, node.lineno, id(node) in top, id(node) in typing_only
                        )
                    )
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            if base.split(".")[0] != root.name:
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                flags = (node.lineno, id(node) in top, id(node) in typing_only)
                if module_path(sub, root) is not None:
                    edges.append(ImportEdge(module, sub, None, *flags))
                else:
                    edges.append(ImportEdge(module, base, alias.name, *flags))
    return edges


def imports_of(module: str, root: Path | None = None) -> tuple[ImportEdge, ...]:
    """Return the package-internal imports of package module ``module`` (empty when it has no file)."""
    path = module_path(module, root)
    if path is None:
        return ()
    return _imports_cached(module, root, path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _imports_cached(module: str, root: Path | None, path: Path, mtime: int) -> tuple[ImportEdge, ...]:
    text = path.read_text("utf-8")
    return tuple(parse_imports(text, module, is_package=path.name == "__init__.py", root=root))


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(2, len(parts))]


def dependencies(module: str, *, skip: tuple[str, ...] = NOT_FOLLOWED, root: Path | None = None) -> list[str]:
    """Return ``module`` and every package module it imports, transitively, sorted.

    Importing ``a.b.c`` runs ``a.b``'s ``__init__`` too, so parent packages are included.
    Modules in ``skip`` (and their submodules) are not followed: by default the lazy
    facade ``analysis`` and the pipeline and report layers, which no stage depends on.
    ``root`` is the package folder (default :data:`PACKAGE_DIR`).
    """
    top = (root or PACKAGE_DIR).name

    def skipped(name: str) -> bool:
        return any(name == s or (s != top and name.startswith(s + ".")) for s in skip)

    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen or module_path(name, root) is None:
            continue
        seen.add(name)
        for edge in imports_of(name, root):
            for target in (*_parents(edge.target), edge.target):
                if target not in seen and not skipped(target):
                    todo.append(target)
    return sorted(seen)


def module_digest(module: str, *, root: Path | None = None, data_dir: Path | None = None) -> str:
    """Hash ``module``'s source, the package modules it depends on and the data files that code names.

    Uncached; :func:`code_digest` is the cached form for this package. ``root`` is the package
    folder (default :data:`PACKAGE_DIR`), ``data_dir`` its data folder (default
    :data:`analysis.config.DATA_DIR`).
    """
    sources = []
    texts = []
    for name in dependencies(module, root=root):
        path = module_path(name, root)
        if path is not None:
            text, sha = _source(path, path.stat().st_mtime_ns)
            sources.append((name, sha))
            texts.append(text)
    data = []
    data_dir = data_dir or config.DATA_DIR
    if data_dir.is_dir():
        for path in sorted(data_dir.rglob("*")):
            if path.is_file() and any(
                path.name in text or (len(path.stem) > 3 and path.stem in text) for text in texts
            ):
                data.append((path.name, hashlib.sha1(path.read_bytes()).hexdigest()))
    return cache.content_key(DIGEST_VERSION, *sources, *data)


@functools.lru_cache(maxsize=1024)
def _source(path: Path, mtime: int) -> tuple[str, str]:
    """Return a module file's text and the SHA-1 of its bytes (cached per modification time)."""
    raw = path.read_bytes()
    return raw.decode("utf-8"), hashlib.sha1(raw).hexdigest()


def _file_sha(path: Path) -> str:
    """Return the SHA-1 of a file's bytes (memoised per modification time, as :func:`_source`)."""
    return _bytes_sha(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _bytes_sha(path: Path, mtime: int) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def tree_stamp(data_dir: Path | None = None) -> str:
    """Hash the content of every module of the package and every file of its data folder.

    Two processes that see the same stamp compute the same :func:`module_digest` for every
    package module, so the digests are kept on disk under it (:data:`DIGESTS_FILE`). Reading
    the files and hashing their bytes costs a few milliseconds; parsing them with :mod:`ast`
    (what a digest needs) costs a second.
    """
    data_dir = data_dir or config.DATA_DIR
    files = [p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts]
    parts: list[tuple[str, str]] = [(str(p.relative_to(PACKAGE_DIR)), _file_sha(p)) for p in files]
    if data_dir.is_dir():
        data = [p for p in data_dir.rglob("*") if p.is_file()]
        parts += [(f"data:{p.relative_to(data_dir)}", _file_sha(p)) for p in data]
    return cache.content_key(DIGEST_VERSION, str(PACKAGE_DIR), str(data_dir), sorted(parts))


def digests_file() -> Path:
    """Return the file that keeps the package's code digests under their :func:`tree_stamp`.

    It lives beside the unpacked models (:data:`analysis.core.rowstore.MODEL_DIR`), one per
    package folder.
    """
    return rowstore.MODEL_DIR / f"code-digests-{cache.content_key(str(PACKAGE_DIR))[:12]}.json"


def _stored_digests(path: Path, stamp: str) -> dict[str, str]:
    try:
        saved = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(saved, dict) or saved.get("stamp") != stamp:
        return {}
    if not isinstance(saved.get("digests"), dict):
        return {}
    return {str(k): str(v) for k, v in saved["digests"].items()}


@functools.lru_cache(maxsize=256)
def code_digest(module: str) -> str:
    """Hash the code ``module`` runs: its source, every package module it depends on, their data files.

    A package data file (under :data:`analysis.config.DATA_DIR`) counts when that code names it
    (its file name, or its stem when longer than 3 characters). Call ``code_digest.cache_clear()``
    after editing code or data in a running process.

    A package module's digest is kept on disk (:func:`digests_file`) under the
    :func:`tree_stamp` of the package's code and data, so a process whose files hash as an
    earlier one's reads it there instead of parsing the import graph again; any edit
    changes the stamp.

    Parameters
    ----------
    module : str
        Dotted module name, e.g. ``"analysis.framing.claims"``.

    Returns
    -------
    str
        A content key (40 hex characters).
    """
    if not (module == PACKAGE or module.startswith(PACKAGE + ".")):
        return module_digest(module)
    stamp = tree_stamp()
    path = digests_file()
    known = _stored_digests(path, stamp)
    if module in known:
        return known[module]
    digest = module_digest(module)
    known = {**_stored_digests(path, stamp), module: digest}  # another process may have added some
    cache.write_atomic(path, lambda tmp: Path(tmp).write_text(json.dumps({"stamp": stamp, "digests": known})))
    return digest


def code_digests(modules: Iterable[str]) -> dict[str, str]:
    """Return :func:`code_digest` of each module, hashing the package's files once for all of them.

    Each :func:`code_digest` of a package module not yet asked for in this process computes the
    :func:`tree_stamp` (a few milliseconds: every package file listed and stat'ed); a plan asks
    for some twenty modules, so here the stamp is computed and the stored digests are read once,
    and only a module missing from them goes through :func:`code_digest`.

    Examples
    --------
    >>> code_digests(["analysis.config"]) == {"analysis.config": code_digest("analysis.config")}
    True
    """
    names = list(dict.fromkeys(modules))
    known: dict[str, str] = {}
    if any(m == PACKAGE or m.startswith(PACKAGE + ".") for m in names):
        known = _stored_digests(digests_file(), tree_stamp())
    return {m: known[m] if m in known else code_digest(m) for m in names}
