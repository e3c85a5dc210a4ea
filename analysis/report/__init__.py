"""Run the parameterised notebooks and render them as offline HTML reports.

The package's modules, in dependency order: ``params`` (names, limits, parameter
validation), ``display`` (style, tables, figures), ``corpus_cache``, ``context`` (what a
notebook calls first), ``overview``, ``measures``, ``framing``, ``scale`` (table and figure
builders per report), ``build`` (papermill + nbconvert). Two halves:

* **Notebook helpers** used by ``notebooks/*.ipynb`` so the notebooks stay
  thin: :func:`start` checks the parameters (names, types, values), sets a
  colour-blind-safe matplotlib style with reproducible PNG output, loads the
  corpus and returns a :class:`~analysis.report.context.ReportContext` whose
  ``table`` and ``figure`` methods display a formatted table or a labelled
  figure and write every table as CSV beside the HTML; the table and figure
  builders each report calls.
* **The build** (the command line's): :func:`build_reports` (options:
  :class:`ReportOptions`) executes the notebooks with papermill
  (one overview per corpus-level notebook, one outlet report per outlet,
  one entity report per top-N entity), renders each with nbconvert through
  the offline template in ``analysis/templates/offline`` (no CDN script,
  style or font; code and the injected-parameters cell removed; images as
  data URIs) and writes an ``index.html`` linking them all.
  :func:`refresh_notebooks` re-executes the notebooks in place on the seeds
  so the committed outputs that nbval compares are current.

This package exports what the notebooks and the command line call (``__all__``);
everything else is imported from its module.

Everything taken from the articles (text, titles, outlet and entity names)
is HTML-escaped before it reaches a report.
"""

from __future__ import annotations

from analysis.core.compare import (
    CompareOptions,
)
from analysis.report.attention import (
    attention_figures,
    attention_note,
    attention_table,
)
from analysis.report.build import (
    ReportOptions,
    build_reports,
    refresh_notebooks,
)
from analysis.report.context import (
    start,
)
from analysis.report.findings import (
    compare_outlets,
    findings_html,
    validation_table,
)
from analysis.report.framing import (
    codebook_line,
    evidence_blocks,
    frame_matrix,
    frame_validity,
    framing_notes,
    mark_frames,
    share_bar_figure,
    source_categories,
)
from analysis.report.measures import (
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
    readability_by_outlet,
    top_entities_per_group,
    with_outlet,
)
from analysis.report.outlets import (
    corpus_shape,
    few_articles_warning,
    outlet_summary,
)
from analysis.report.overview import (
    article_table,
    cleaning_table,
    dropped_text,
    event_table,
    metadata_note,
    outlet_table,
    sample_sizes,
    timeline_figure,
    within_event_overview,
    words_figure,
)
from analysis.report.params import (
    ParameterError,
    ReportError,
    validate_parameters,
)
from analysis.report.people import (
    linked_names,
    relink,
    top_outlets,
    top_people,
)
from analysis.report.scale import (
    article_interval_figure,
    clean_vs_raw_figure,
    sentence_scores,
)

#: What the notebooks (``notebooks/*.ipynb``) and the command line call; every other name is
#: imported from its module (``analysis.report.params``, ``.display``, ``.build``, ...).
__all__ = [
    "CompareOptions",
    "ParameterError",
    "ReportError",
    "ReportOptions",
    "article_interval_figure",
    "article_table",
    "attention_figures",
    "attention_note",
    "attention_table",
    "build_reports",
    "clean_vs_raw",
    "clean_vs_raw_figure",
    "cleaning_table",
    "co_mentions",
    "codebook_line",
    "compare_outlets",
    "corpus_shape",
    "corpus_top",
    "dropped_text",
    "entity_outlet_matrix",
    "entity_rate_by_outlet",
    "entity_vs_rest",
    "event_subset",
    "event_table",
    "evidence_blocks",
    "extreme_sentences",
    "few_articles_warning",
    "findings_html",
    "first_mentions",
    "frame_matrix",
    "frame_validity",
    "framing_notes",
    "heatmap_figure",
    "interval_figure",
    "linked_names",
    "mark_frames",
    "metadata_note",
    "namings",
    "outlet_or_rest",
    "outlet_summary",
    "outlet_table",
    "outlet_vs_rest",
    "readability_by_outlet",
    "refresh_notebooks",
    "relink",
    "sample_sizes",
    "sentence_scores",
    "share_bar_figure",
    "source_categories",
    "start",
    "timeline_figure",
    "top_entities_per_group",
    "top_outlets",
    "top_people",
    "validate_parameters",
    "validation_table",
    "with_outlet",
    "within_event_overview",
    "words_figure",
]
