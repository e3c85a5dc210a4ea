"""The build: execute the notebooks with papermill and render offline HTML with nbconvert, plus the index."""

from __future__ import annotations

import datetime as _dt
import html
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis import config
from analysis.config import ENGINES
from analysis.core.cache import content_key
from analysis.framing.codebook import resolve_codebook
from analysis.pipeline import run as run_pipeline
from analysis.pipeline.options import RunOptions
from analysis.report.context import BUILD_SESSION_ENV
from analysis.report.corpus_cache import load_corpus_cached
from analysis.report.interactive import assets_href, write_assets
from analysis.report.params import (
    BUILD_TIME_CLASS,
    CORPUS_NOTEBOOKS,
    ENTITY_NOTEBOOK,
    ENTITY_REPORT_KINDS,
    OUTLET_NOTEBOOK,
    REMOVED_TAGS,
    TEMPLATE_NAME,
    TEMPLATES_DIR,
    VERSION_PACKAGES,
    ReportError,
    config_workers,
    error_summary,
    ok_rows,
    output_dir,
    resolve_source,
    slugify,
    validate_choice,
)

if TYPE_CHECKING:
    pass

_EXPORTERS = threading.local()


@dataclass(frozen=True)
class ReportOptions:
    """What :func:`build_reports` builds and how it computes the tables.

    Attributes
    ----------
    out : str or path, optional
        Output folder; default ``reports/`` for the seeds, else ``reports/<corpus name>/``.
    top_entities : int, default 5
        One entity report for each of the N most-mentioned canonical entities.
    top_outlets : int, optional
        Only the N outlets with the most ``ok`` articles get an outlet report (ties by name);
        default all.
    notebooks : tuple of str, optional
        Only these notebook stems (default every notebook in ``notebooks/``).
    workers : int, optional
        Notebooks executed at once (each in its own kernel); default
        ``$OUTLET_FRAMING_REPORT_WORKERS`` or 2 (one per core on the target machine).
    run : RunOptions
        The :func:`analysis.run` that computes and caches every table before the notebooks
        run (they then read the tables from the cache): ``engine`` (``dask`` needs the dask
        extra), ``n_process``, ``codebook`` (default ``codebook.yaml`` beside the corpus, else
        the packaged general codebook), ...; default ``RunOptions(progress=False)``.
    """

    out: str | Path | None = None
    top_entities: int = 5
    top_outlets: int | None = None
    notebooks: tuple[str, ...] | None = None
    workers: int | None = None
    run: RunOptions = field(default_factory=lambda: RunOptions(progress=False))


def report_options(options: ReportOptions | None = None, **kw: Any) -> ReportOptions:
    """Return ``options`` (default ``ReportOptions()``) with the keywords set on it.

    A keyword is a field of :class:`ReportOptions` or of its ``run``
    (:class:`~analysis.pipeline.options.RunOptions`: ``engine``, ``n_process``, ``codebook``, ...).

    Raises
    ------
    ParameterError
        For an engine not in :data:`analysis.config.ENGINES` (the message lists them).
    TypeError
        For a keyword that is neither.

    Examples
    --------
    >>> report_options(top_entities=3, engine="dask").run.engine
    'dask'
    """
    options = options or ReportOptions()
    report_fields = {f.name for f in fields(ReportOptions)} - {"run"}
    run_fields = {f.name for f in fields(RunOptions)}
    unknown = set(kw) - report_fields - run_fields
    if unknown:
        raise TypeError(f"build_reports() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
    if "engine" in kw:
        validate_choice("engine", kw["engine"], ENGINES)
    if kw.get("notebooks") is not None:
        kw["notebooks"] = tuple(kw["notebooks"])
    run = replace(options.run, **{k: v for k, v in kw.items() if k in run_fields})
    return replace(options, run=run, **{k: v for k, v in kw.items() if k in report_fields})


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
    raw = articles["raw_text"] if "raw_text" in articles.columns else articles["text"]
    pairs = sorted(zip(articles["article_id"].astype(str), raw.fillna("").astype(str), strict=True))
    return content_key(*(f"{a}\0{t}" for a, t in pairs))


def _html_exporter():
    """Return this thread's HTML exporter (made once per thread: loading its templates takes a while)."""
    exporter = getattr(_EXPORTERS, "exporter", None)
    if exporter is None:
        exporter = _EXPORTERS.exporter = _new_html_exporter()
    return exporter


def _new_html_exporter():
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
    return _offline_exporter_class(HTMLExporter)(config=c)


#: A cell's input area or an output area, an ``<img>`` without ``alt``, and the indentation of a
#: table's rows and cells, as the template and ``DataFrame.to_html`` write them.
_FOCUSABLE_DIV = re.compile(
    r'<div class="([^"<>]*\b(?:jp-OutputArea-output|jp-Cell-inputWrapper)\b[^"<>]*)"(?![^<>]*\btabindex=)'
)
_IMG_NO_ALT = re.compile(r"<img(?![^<>]*\balt=)")
_TABLE_INDENT = re.compile(r"\n[ \t]+(?=</?(?:table|thead|tbody|tr|th|td)\b)")


def accessible_html(page: str) -> str:
    r"""Make cells and outputs focusable, give every image an ``alt`` and drop table indentation.

    nbconvert's HTML exporter does the first two by parsing the whole page with BeautifulSoup
    and writing it out again (which also drops the indentation), and that takes most of
    the rendering time of a page with large tables. The template writes these tags itself
    (text from the data reaches the page escaped, so it holds no ``<div`` or ``<td``), so
    three substitutions give the same attributes and a page of the same size.

    Examples
    --------
    >>> accessible_html('<div class="jp-OutputArea-output"><img src="a.png"></div>')[:89]
    '<div class="jp-OutputArea-output" tabindex="0"><img alt="No description has been provided'
    >>> accessible_html("<table>\n  <tr>\n    <td>1</td>")
    '<table>\n<tr>\n<td>1</td>'
    """
    page = _FOCUSABLE_DIV.sub(r'<div class="\1" tabindex="0"', page)
    page = _TABLE_INDENT.sub("\n", page)
    return _IMG_NO_ALT.sub('<img alt="No description has been provided for this image"', page)


def _offline_exporter_class(base: type) -> type:
    """Return ``base`` (nbconvert's ``HTMLExporter``) rendering its template without the BeautifulSoup pass.

    :meth:`from_notebook_node` does what ``HTMLExporter.from_notebook_node`` does before that
    pass (its filters and resources) and then :func:`accessible_html`; with an nbconvert
    whose exporter lacks those parts it falls back to ``HTMLExporter``'s own method.
    """
    from nbconvert.exporters.templateexporter import TemplateExporter

    class OfflineHTMLExporter(base):
        def from_notebook_node(self, nb, resources=None, **kw):
            try:
                from nbconvert.filters.highlight import Highlight2HTML
                from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

                init_resources, metadata = self._init_resources, self._nb_metadata
            except (ImportError, AttributeError):  # another nbconvert: its own method, soup included
                return super().from_notebook_node(nb, resources, **kw)
            info = nb.metadata.get("language_info", {})
            lexer = info.get("pygments_lexer", info.get("name", None))
            highlight = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            self.register_filter("highlight_code", highlight)
            resources = init_resources(resources)
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(notebook_metadata=metadata, parent=self, resources=resources),
            )
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return accessible_html(page), resources

    return OfflineHTMLExporter


def _strip_volatile(nb) -> None:
    """Remove execution timings and papermill metadata so the notebook is reproducible."""
    for key in ("papermill", "widgets"):
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("execution", None)


def render_html(
    nb, *, title: str, built: str, index_href: str = "index.html", assets: str | None = None
) -> str:
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
    assets : str, optional
        Relative link to the folder of :func:`analysis.report.interactive.write_assets`; when
        given, long tables become sortable and searchable.

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
        "of_assets": assets or "",
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _execute(notebook: Path, params: dict[str, Any], cwd: Path, kernel: WarmKernel | None = None):
    """Inject ``params`` with papermill (its ``injected-parameters`` cell) and run the notebook with nbclient.

    papermill's own ``execute_notebook`` wraps the same nbclient engine but
    costs about twice as long per notebook here (kernel start and shutdown),
    so the parameterisation step is papermill's and execution is nbclient's:
    in ``kernel`` (a :class:`WarmKernel`, reused from page to page) when given, else in a
    fresh kernel.
    """
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(str(notebook)), params, kernel_name="python3")
    if kernel is None:
        _run_kernel(nb, cwd)
    else:
        kernel.execute(nb)
    _strip_volatile(nb)
    return nb


def _socket_settings():
    """Return nbclient settings for a kernel on Unix sockets in a new private folder, or (None, None).

    The kernel and this process talk over Unix domain sockets in a private temporary folder
    (ZeroMQ ``ipc`` transport) rather than loopback TCP ports: nothing listens on the network,
    and ipykernel does not warn, once per notebook, that its TCP traffic is unencrypted.
    The folder is made in ``/tmp`` (a socket path may not exceed ~107 bytes, and ``$TMPDIR``
    can be long); where that is not possible, or not POSIX, the default TCP transport is used
    (``(None, None)``). Returns ``(settings, folder)``; the caller removes the folder.
    """
    import tempfile

    base = "/tmp" if os.path.isdir("/tmp") and os.access("/tmp", os.W_OK) else None
    if os.name != "posix" or base is None:
        return None, None
    from traitlets.config import Config

    sockets = tempfile.TemporaryDirectory(prefix="of-kernel-", dir=base)
    settings = Config()
    settings.KernelManager.transport = "ipc"
    settings.KernelManager.ip = str(Path(sockets.name) / "k")  # sockets k-<n>: ~35 bytes in all
    return settings, sockets


def _run_kernel(nb, cwd: Path) -> None:
    """Execute ``nb`` in a fresh ``python3`` kernel started in ``cwd``, talking over local sockets."""
    from nbclient import NotebookClient

    resources = {"metadata": {"path": str(cwd)}}
    settings, sockets = _socket_settings()
    try:
        # the client creates (and so shuts down) its own kernel manager with these settings
        NotebookClient(nb, kernel_name="python3", resources=resources, config=settings).execute()
    finally:
        if sockets is not None:
            sockets.cleanup()


#: Run first in a reused kernel for each page: no figure left open, an empty namespace and a new
#: input history (``In``, which :func:`analysis.report.params.check_parameters` reads), as a new
#: kernel has; imported modules stay imported, which is what reusing the kernel saves.
RESET_CELL = (
    "import sys as _of_sys\n"
    "if 'matplotlib.pyplot' in _of_sys.modules:\n"
    "    _of_sys.modules['matplotlib.pyplot'].close('all')\n"
    "get_ipython().reset(new_session=True)"
)


class WarmKernel:
    """One ``python3`` kernel, started in ``cwd``, that executes notebooks one after another.

    A report build gives each of its workers one such kernel: the kernel start, the package
    import and (through :data:`analysis.report.context.BUILD_SESSION_ENV`, set in the
    kernel's environment) the corpus and the pipeline's tables are paid once per worker
    rather than once per page. Before each notebook :data:`RESET_CELL` empties the namespace
    and closes open figures, so every page starts as in a new kernel (the pages are the
    same as fresh kernels give, ``tests/integration/test_reports.py``). After a failed
    notebook the kernel is replaced by a new one on the next call. Use from one thread
    only; :meth:`close` shuts the kernel down.
    """

    def __init__(self, cwd: Path, session: str) -> None:
        self._cwd = cwd
        self._session = session
        self._client = None
        self._sockets = None

    def _start(self):
        from nbclient import NotebookClient
        from nbformat import v4

        settings, self._sockets = _socket_settings()
        client = NotebookClient(
            v4.new_notebook(), kernel_name="python3", resources={"metadata": {"path": str(self._cwd)}},
            config=settings,
        )  # fmt: skip
        client.km = client.create_kernel_manager()
        client.owns_km = False  # execute() leaves the kernel running; close() shuts it down
        client.start_new_kernel(env={**os.environ, BUILD_SESSION_ENV: self._session})
        client.start_new_kernel_client()
        self._client = client
        return client

    def execute(self, nb) -> None:
        """Execute ``nb`` in place (its outputs filled in), after :data:`RESET_CELL`."""
        from nbformat import v4

        client = self._client or self._start()
        nb.cells.insert(0, v4.new_code_cell(RESET_CELL))
        try:
            client.nb = nb
            client.execute()
        except BaseException:
            self.close()  # a kernel that failed a page (or died) is not reused
            raise
        finally:
            nb.cells.pop(0)

    def close(self) -> None:
        """Shut the kernel down (a later :meth:`execute` starts a new one)."""
        client, self._client = self._client, None
        try:
            if client is not None and client.km is not None:
                client._cleanup_kernel()
        finally:
            if self._sockets is not None:
                self._sockets.cleanup()
                self._sockets = None


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", name) if w[:1].isupper()]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def fragment_names(names: Sequence[str]) -> set[str]:
    """Return the names that get no entity page: abbreviations and fragments, not entities.

    A name is a fragment when it has fewer than three letters, starts in lower case, is an
    abbreviation with a full stop ("Calif.", "Ont.", "N.Y."), or is written in capitals
    with at most three letters ("NY", "BC") unless the corpus also names something whose
    capitalised words have those initials ("FBI" beside "Federal Bureau of Investigation").

    Examples
    --------
    >>> names = ["Calif.", "N.Y.", "BC", "FBI", "Federal Bureau of Investigation", "Jo", "al", "Ann Lee"]
    >>> sorted(fragment_names(names))
    ['BC', 'Calif.', 'Jo', 'N.Y.', 'al']
    """
    initials = {_initials(n) for n in names} - {""}
    out = set()
    for name in names:
        letters = re.sub(r"[^A-Za-z]", "", name)
        short_caps = letters.isupper() and len(letters) <= 3 and " " not in name.strip()
        if (
            len(letters) < 3
            or name[:1].islower()
            or re.fullmatch(r"(?:[A-Z][a-z]{0,4}\.)+|(?:[A-Z]\.){2,}", name.strip()) is not None
            or (short_caps and letters not in initials)
        ):
            out.add(name)
    return out


def most_mentioned_entities(
    articles: pd.DataFrame,
    n: int,
    *,
    mentions: pd.DataFrame,
    min_outlets: int | None = None,
) -> list[str]:
    """Return the ``n`` people and organisations covered by the most outlets, then most mentioned.

    An entity page compares outlets, so entities are ranked by the number of outlets that
    mention them (then by mentions, then by name), and an entity named by one outlet only
    gets no page when the corpus has two or more outlets (``min_outlets``, default 2 then).
    Abbreviations and fragments (:func:`fragment_names`) get no page.

    Parameters
    ----------
    articles : pandas.DataFrame
        The corpus (only ``ok`` rows count; ``outlet`` is used when present).
    n : int
        How many.
    mentions : pandas.DataFrame
        :func:`analysis.entity_mentions` of the corpus (e.g. ``analysis.run(...)["mentions"]``).
    min_outlets : int, optional
        Fewest outlets an entity needs (default 2 when the corpus has 2+ outlets, else 1).

    Returns
    -------
    list of str
    """
    if n <= 0:
        return []
    ok = ok_rows(articles)
    ids = set(ok["article_id"].astype(str))
    mentions = mentions[mentions["article_id"].astype(str).isin(ids)]
    mentions = mentions[mentions["kind"].isin(ENTITY_REPORT_KINDS)]
    if mentions.empty:
        return []
    outlet_of = (
        ok.set_index(ok["article_id"].astype(str))["outlet"].astype(str)
        if "outlet" in ok.columns
        else pd.Series(dtype=str)
    )
    m = mentions.assign(outlet=mentions["article_id"].astype(str).map(outlet_of).fillna("?"))
    n_outlets_corpus = outlet_of.nunique() if len(outlet_of) else 1
    floor = min_outlets if min_outlets is not None else (2 if n_outlets_corpus >= 2 else 1)
    counts = m.groupby("canonical").agg(n_outlets=("outlet", "nunique"), n=("article_id", "size"))
    counts = counts.reset_index()
    counts = counts[counts["n_outlets"] >= floor]
    counts = counts[~counts["canonical"].isin(fragment_names(m["canonical"].astype(str).unique().tolist()))]
    counts = counts.sort_values(["n_outlets", "n", "canonical"], ascending=[False, False, True])
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
    codebook: str = "",
) -> list[Job]:
    """List the notebook runs of a build: corpus notebooks, then one per outlet, then one per entity."""
    present = set(available_notebooks()) & set(notebooks if notebooks is not None else available_notebooks())
    base = {"source": source, "tables_dir": tables_dir, "codebook": codebook}
    jobs: list[Job] = []
    titles = {
        "00_findings": "Findings",
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
        names = (
            sorted(ok_rows(articles)["outlet"].dropna().astype(str).unique()) if outlets is None else outlets
        )
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
    options: ReportOptions | None = None,
    /,
    *,
    log: Callable[[str], None] = print,
    **kw: Any,
) -> list[Path]:
    """Execute the notebooks on a corpus and render every HTML report plus ``index.html``.

    Parameters
    ----------
    source : str, path or None
        Folder or CSV/JSONL/Parquet file; None or ``""`` means the seeds.
    options : ReportOptions, optional
        What to build and how (output folder, top entities and outlets, notebooks, workers,
        the run's engine, processes and codebook); default ``ReportOptions()``.
    log : callable, default print
        Receives one progress line per notebook.
    **kw
        Fields of :class:`ReportOptions` (``out=``, ``top_entities=``, ...) or of its
        :class:`~analysis.pipeline.options.RunOptions` (``engine=``, ``n_process=``,
        ``codebook=``), set on top of ``options``.

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
    options = report_options(options, **kw)
    codebook = options.run.codebook
    src = resolve_source(source)
    dest = output_dir(src, options.out)
    tables = dest / "tables"
    articles = load_corpus_cached(src)
    ok = ok_rows(articles)
    log(f">> corpus {src}: {len(articles)} articles ({len(ok)} ok), output {dest}")
    if ok.empty:
        statuses = ", ".join(f"{n} {s}" for s, n in articles["status"].value_counts().sort_index().items())
        raise ReportError(
            f"{src}: no article has analysable text ({statuses}); nothing to report. "
            f"`python -m analysis summary {src}` lists each article's status and error."
        )
    started = time.perf_counter()
    result = _warm_cache(src, articles, options.run)
    log(f">> tables ready ({time.perf_counter() - started:.1f}s)")
    entities = most_mentioned_entities(articles, options.top_entities, mentions=result["mentions"])
    outlets = None
    if options.top_outlets is not None:
        counts = (
            ok.groupby("outlet")
            .size()
            .reset_index(name="n")
            .sort_values(["n", "outlet"], ascending=[False, True])
        )
        outlets = counts["outlet"].astype(str).head(options.top_outlets).tolist()
    source_param = "" if src == config.SEEDS_DIR else str(src)
    jobs = plan_jobs(
        articles,
        dest,
        source=source_param,
        tables_dir=str(tables),
        entities=entities,
        outlets=outlets,
        notebooks=options.notebooks,
        codebook=str(codebook or ""),
    )
    built = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    written: list[Path] = write_assets(dest)

    session = f"{os.getpid()}-{time.time_ns()}"  # this build: its kernels may keep what they read

    def run(number: int, job: Job, kernel: WarmKernel) -> Path:
        t0 = time.perf_counter()
        label = job.notebook + "".join(
            f" {k}={v!r}" for k, v in job.params.items() if k in ("outlet", "entity")
        )
        log(f"[{number}/{len(jobs)}] {label} ...")
        try:
            nb = _execute(
                config.NOTEBOOKS_DIR / f"{job.notebook}.ipynb", job.params, config.NOTEBOOKS_DIR, kernel
            )
        except Exception as exc:
            raise ReportError(f"notebook {job.notebook} ({label}) failed: {error_summary(exc)}") from exc
        depth = len(job.html.relative_to(dest).parts) - 1
        page = render_html(
            nb,
            title=job.title,
            built=built,
            index_href="../" * depth + "index.html",
            assets=assets_href(depth),
        )
        job.html.parent.mkdir(parents=True, exist_ok=True)
        job.html.write_text(page, encoding="utf-8")
        log(
            f"[{number}/{len(jobs)}] {label} -> {job.html.relative_to(dest)} "
            f"({time.perf_counter() - t0:.1f}s)"
        )
        return job.html

    workers = options.workers if options.workers is not None else config_workers()
    workers = max(1, min(workers, len(jobs) or 1))
    written.extend(_run_pages(run, jobs, workers, session))
    index = dest / "index.html"
    index.write_text(
        index_html(articles, jobs, dest, built=built, source=src, entities=entities), encoding="utf-8"
    )
    written.append(index)
    if tables.exists():
        written.extend(sorted(tables.glob("*.csv")))
    log(f">> {len(jobs)} reports + index in {dest} ({time.perf_counter() - started:.1f}s)")
    return sorted(set(written))


def _run_pages(run: Callable[[int, Job, WarmKernel], Path], jobs: Sequence[Job], workers: int, session: str):
    """Run ``run(number, job, kernel)`` for every job on ``workers`` threads, each with its own kernel.

    Each thread takes the next job from a shared queue (so a slow page does not hold up the others)
    and runs it in its :class:`WarmKernel`; rendering runs in the thread too, overlapping the other
    kernels' work. After a failure no new page starts; the failure of the earliest page is raised.
    Returns the paths in job order.
    """
    import queue

    todo: queue.SimpleQueue = queue.SimpleQueue()
    for item in enumerate(jobs, 1):
        todo.put(item)
    done: dict[int, Path] = {}
    failed: dict[int, BaseException] = {}

    def worker() -> None:
        kernel = WarmKernel(config.NOTEBOOKS_DIR, session)
        try:
            while not failed:
                try:
                    number, job = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    done[number] = run(number, job, kernel)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
                    failed[number] = exc
        finally:
            kernel.close()

    if workers == 1:
        worker()
    else:
        threads = [threading.Thread(target=worker, name=f"report-{i}", daemon=True) for i in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if failed:
        raise failed[min(failed)]
    return [done[i] for i in sorted(done)]


def _warm_cache(src: Path, articles: pd.DataFrame, options: RunOptions):
    """Compute (or read) every table once with :func:`analysis.run`, so each notebook's run is a cache read.

    The loaded ``articles`` are passed (not the path) so the cache keys are those the notebooks'
    :attr:`ReportContext.result` computes from the same table.
    """
    if options.engine == "dask":
        try:
            import dask.distributed  # noqa: F401
        except ImportError as exc:
            raise ReportError(
                "engine='dask' needs the dask extra (pip install -e .[dask]); use engine='pandas'"
            ) from exc
    return run_pipeline(articles, replace(options, codebook=resolve_codebook(src, options.codebook or None)))


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
    ok = ok_rows(articles)
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
