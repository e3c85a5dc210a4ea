"""The notebook context: :func:`start` checks parameters, loads the corpus's tables and displays results."""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.annotate import annotate
from analysis.framing.codebook import resolve_codebook
from analysis.pipeline import RunResult, run
from analysis.report.corpus_cache import load_corpus_cached
from analysis.report.display import (
    INTERACTIVE_MAX_ROWS,
    INTERACTIVE_MIN_ROWS,
    HTMLBlock,
    Table,
    check_labels,
    figure_png,
    format_table,
    outlet_colors,
    setup_style,
)
from analysis.report.params import (
    check_parameters,
    ok_rows,
    output_dir,
    resolve_source,
    slugify,
    validate_parameters,
)

#: Environment variable a report build sets in its kernels (:class:`analysis.report.build.WarmKernel`):
#: during one build neither the corpus nor the cache changes, so a kernel that runs several pages
#: loads the corpus and reads the pipeline's tables once and gives each page its own copy.
#: Unset (a notebook opened in Jupyter), every :func:`start` reads them afresh.
BUILD_SESSION_ENV = "OUTLET_FRAMING_REPORT_SESSION"

#: Largest corpus (articles, every status) whose pipeline tables a build kernel keeps from page to page;
#: above it each page reads them again (two kernels each holding every table, plus a page's copies,
#: would cost more memory than the reads cost time).
SESSION_MAX_ARTICLES = 5_000

#: What this kernel has read in its build session: {(session, kind, source, ...): value}.
_SESSION: dict[tuple, Any] = {}


def _session_value(key: tuple, make: Any) -> Any:
    """Return ``make()``, kept for the rest of the build session when one is set (else not kept)."""
    session = os.environ.get(BUILD_SESSION_ENV, "")
    if not session:
        return make()
    for old in [k for k in _SESSION if k[0] != session]:  # another build's: stale
        del _SESSION[old]
    key = (session, *key)
    if key not in _SESSION:
        _SESSION[key] = make()
    return _SESSION[key]


class _Copies(Mapping[str, pd.DataFrame]):
    """A read-only view of a mapping of tables that hands out a copy of each table it is asked for."""

    def __init__(self, tables: Mapping[str, pd.DataFrame]) -> None:
        self._tables = tables

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._tables[name].copy()

    def __iter__(self):
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)


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
            book = resolve_codebook(self.source, self.params.get("codebook") or None)
            if not os.environ.get(BUILD_SESSION_ENV) or len(self.articles) > SESSION_MAX_ARTICLES:
                self._result = run(self.articles, progress=False, codebook=book)
            else:  # read once per build kernel; each page gets its own copies (a page may edit them)
                shared = _session_value(
                    ("result", str(self.source), str(book)),
                    lambda: run(self.articles, progress=False, codebook=book),
                )
                self._result = replace(shared, articles=self.articles, tables=_Copies(shared.tables))
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
        return ok_rows(self.articles)

    @property
    def annotations(self):
        """Return :func:`analysis.annotate` of the corpus (cached on disk and per context)."""
        if self._annotations is None:
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
        interactive = None
        if len(shown) > INTERACTIVE_MIN_ROWS:
            interactive = format_table(shown.head(INTERACTIVE_MAX_ROWS), decimals=decimals)
        return Table(
            format_table(shown.head(max_rows), decimals=decimals), caption, filename, note,
            interactive=interactive, total_rows=len(shown),
        )  # fmt: skip

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

        check_labels(fig)
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
    articles = _session_value(("articles", str(source)), lambda: load_corpus_cached(source)).copy()
    validate_parameters(articles, outlet=params.get("outlet"), engine=params.get("engine"))
    suffix = "".join(f"-{slugify(params[k])}" for k in ("outlet", "entity") if params.get(k))
    setup_style()
    return ReportContext(name + suffix, source, articles, dict(params), tables_dir)
