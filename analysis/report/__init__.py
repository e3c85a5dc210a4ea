"""Run the parameterised notebooks and render them as offline HTML reports.

The package's modules, in dependency order: ``params`` (names, limits, parameter
validation), ``display`` (style, tables, figures), ``corpus_cache``, ``context`` (what a
notebook calls first), ``overview``, ``measures``, ``framing``, ``scale`` (table and figure
builders per report), ``build`` (papermill + nbconvert). Two halves:

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

from analysis.core.compare import CompareOptions  # noqa: F401
from analysis.report.attention import (  # noqa: F401
    MIN_PERIOD_ARTICLES,
    attention_drawable,
    attention_figures,
    attention_note,
    attention_reason,
    attention_table,
)
from analysis.report.build import (  # noqa: F401
    Job,
    available_notebooks,
    build_reports,
    index_html,
    input_hash,
    most_mentioned_entities,
    plan_jobs,
    refresh_notebooks,
    render_html,
)
from analysis.report.context import (  # noqa: F401
    ReportContext,
    RunAnnotations,
    start,
)
from analysis.report.corpus_cache import (  # noqa: F401
    load_corpus_cached,
)
from analysis.report.display import (  # noqa: F401
    HTMLBlock,
    Table,
    check_labels,
    details_html,
    figure_png,
    format_table,
    outlet_colors,
    setup_style,
)
from analysis.report.findings import (  # noqa: F401
    MAX_FINDINGS,
    MAX_PER_FAMILY,
    Findings,
    compare_outlets,
    family_note,
    findings_html,
    measure_tables,
    power_sentences,
    stands_out,
    validation_table,
)
from analysis.report.framing import (  # noqa: F401
    MAX_UNKNOWN_SOURCES,
    codebook_line,
    evidence_blocks,
    frame_matrix,
    framing_notes,
    omission_matrix,
    share_bar_figure,
)
from analysis.report.interactive import (  # noqa: F401
    assets_href,
    write_assets,
)
from analysis.report.measures import (  # noqa: F401
    clean_vs_raw,
    co_mentions,
    corpus_top,
    entity_outlet_matrix,
    entity_rate_by_outlet,
    entity_vs_rest,
    event_subset,
    extreme_sentences,
    first_mentions,
    heatmap_figure,
    interval_figure,
    namings,
    outlet_or_rest,
    outlet_vs_rest,
    paired_bar_figure,
    readability_by_outlet,
    top_entities_per_group,
    with_outlet,
)
from analysis.report.outlets import FEW_ARTICLES, corpus_shape, few_articles_warning, outlet_summary  # noqa: F401
from analysis.report.overview import (  # noqa: F401
    article_table,
    cleaning_table,
    dropped_text,
    event_table,
    metadata_note,
    outlet_table,
    sample_sizes,
    shared_events,
    timeline_figure,
    within_event_overview,
    words_figure,
)
from analysis.report.params import (  # noqa: F401
    BUILD_TIME_CLASS,
    CORPUS_NOTEBOOKS,
    DECLARED_MARKER,
    ENTITY_NOTEBOOK,
    ENTITY_REPORT_KINDS,
    INJECTED_MARKER,
    MAX_EVIDENCE_BLOCKS,
    MAX_EVIDENCE_ITEMS,
    MAX_FIGURE_ARTICLES,
    MAX_LABELLED_ARTICLES,
    OKABE_ITO,
    OUTLET_NOTEBOOK,
    REMOVED_TAGS,
    TEMPLATE_NAME,
    TEMPLATES_DIR,
    VERSION_PACKAGES,
    ParameterError,
    ReportError,
    check_parameters,
    config_workers,
    corpus_name,
    declared_parameters,
    error_summary,
    injected_parameters,
    ok_rows,
    output_dir,
    resolve_source,
    slugify,
    validate_choice,
    validate_parameters,
)
from analysis.report.people import linked_names, relink, top_outlets, top_people  # noqa: F401
from analysis.report.scale import (  # noqa: F401
    article_interval_figure,
    clean_vs_raw_figure,
    outlet_means,
    sentence_scores,
)
from analysis.report.validation import read_validation, validation_of  # noqa: F401

__all__ = [
    "MAX_PER_FAMILY",
    "MIN_PERIOD_ARTICLES",
    "linked_names",
    "relink",
    "metadata_note",
    "MAX_UNKNOWN_SOURCES",
    "codebook_line",
    "framing_notes",
    "top_outlets",
    "top_people",
    "measure_tables",
    "stands_out",
    "outlet_summary",
    "corpus_shape",
    "few_articles_warning",
    "attention_figures",
    "attention_reason",
    "compare_outlets",
    "findings_html",
    "family_note",
    "power_sentences",
    "validation_table",
    "validation_of",
    "read_validation",
    "Findings",
    "CompareOptions",
    "attention_table",
    "attention_drawable",
    "attention_note",
    "FEW_ARTICLES",
    "MAX_FINDINGS",
    "assets_href",
    "write_assets",
    "OKABE_ITO",
    "CORPUS_NOTEBOOKS",
    "OUTLET_NOTEBOOK",
    "ENTITY_NOTEBOOK",
    "ENTITY_REPORT_KINDS",
    "DECLARED_MARKER",
    "INJECTED_MARKER",
    "TEMPLATE_NAME",
    "TEMPLATES_DIR",
    "BUILD_TIME_CLASS",
    "REMOVED_TAGS",
    "MAX_FIGURE_ARTICLES",
    "MAX_LABELLED_ARTICLES",
    "MAX_EVIDENCE_BLOCKS",
    "MAX_EVIDENCE_ITEMS",
    "VERSION_PACKAGES",
    "ReportError",
    "config_workers",
    "error_summary",
    "ParameterError",
    "resolve_source",
    "slugify",
    "corpus_name",
    "output_dir",
    "declared_parameters",
    "injected_parameters",
    "check_parameters",
    "validate_choice",
    "validate_parameters",
    "ok_rows",
    "setup_style",
    "outlet_colors",
    "figure_png",
    "check_labels",
    "format_table",
    "Table",
    "HTMLBlock",
    "details_html",
    "load_corpus_cached",
    "ReportContext",
    "RunAnnotations",
    "start",
    "article_table",
    "outlet_table",
    "event_table",
    "shared_events",
    "cleaning_table",
    "dropped_text",
    "timeline_figure",
    "words_figure",
    "sample_sizes",
    "within_event_overview",
    "heatmap_figure",
    "interval_figure",
    "top_entities_per_group",
    "corpus_top",
    "entity_outlet_matrix",
    "co_mentions",
    "first_mentions",
    "with_outlet",
    "extreme_sentences",
    "event_subset",
    "readability_by_outlet",
    "clean_vs_raw",
    "paired_bar_figure",
    "outlet_vs_rest",
    "entity_vs_rest",
    "namings",
    "entity_rate_by_outlet",
    "outlet_or_rest",
    "frame_matrix",
    "omission_matrix",
    "evidence_blocks",
    "share_bar_figure",
    "outlet_means",
    "article_interval_figure",
    "clean_vs_raw_figure",
    "sentence_scores",
    "Job",
    "input_hash",
    "render_html",
    "most_mentioned_entities",
    "available_notebooks",
    "plan_jobs",
    "build_reports",
    "index_html",
    "refresh_notebooks",
]
