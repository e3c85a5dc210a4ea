"""Frame codebooks: read, validate, choose (explicit > beside the corpus > default) and digest.

A codebook is a YAML file (or mapping) with ``name``, ``version``, optionally
``extends: default``, and ``frames``; the rule syntax is described at the top of the
packaged ``analysis/data/frames.yaml``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from analysis import config
from analysis.corpus.files import corpus_file

#: The codebook shipped with the package: 17 general news frames.
DEFAULT_CODEBOOK = config.DATA_DIR / "frames.yaml"
#: File name of a corpus's own codebook, looked up beside the corpus (like ``metadata.csv``).
CORPUS_CODEBOOK_NAME = config.CORPUS_FILE_NAMES[1]
FRAME_TYPES = ("generic", "story")
#: How a frame's rules were validated (a frame's optional ``validity`` field): ``validated``
#: (Krippendorff's alpha of the human coding >= .67 and precision >= .6, with at least 10
#: positives), ``exploratory`` (alpha or precision below that), ``too few to validate`` (fewer
#: than 10 positives in the validation sample) or ``not validated`` (the default: no gold labels).
VALIDITY_STATUSES = ("validated", "exploratory", "too few to validate", "not validated")
#: The ``validity`` of a frame whose codebook entry has none.
NOT_VALIDATED = "not validated"


class CodebookError(ValueError):
    """The frame codebook is missing, unreadable or malformed (the message says where)."""


# --------------------------------------------------------------------------- codebook


def _entry(raw: Any, where: str) -> tuple[tuple[str, str | None], ...]:
    if not isinstance(raw, str) or not raw.strip():
        raise CodebookError(f"{where}: rule entries must be non-empty strings, got {raw!r}")
    text = re.sub(r"\s*-\s*", " - ", raw.strip().lower().replace("\u2019", "'"))
    text = re.sub(r"(?<=\w) - (?=\w)", " - ", text)
    words = []
    for word in text.split():
        lemma, _, pos = word.partition("/")
        if not lemma:  # a literal "/" entry
            lemma, pos = word, ""
        words.append((lemma, pos.upper() or None))
    return tuple(words)


def resolve_codebook(source: Any, codebook: str | PathLike | Mapping | None = None) -> Path | Mapping:
    """Choose the codebook for a corpus: explicit, else ``codebook.yaml`` beside the corpus, else the default.

    Parameters
    ----------
    source : str, path, DataFrame or None
        What the corpus was loaded from (a folder, a file whose folder is searched, or a
        loaded table whose articles come from one folder): the rule of
        :func:`analysis.corpus.files.corpus_file`.
    codebook : str, path, mapping, optional
        An explicit codebook: wins over everything.

    Returns
    -------
    pathlib.Path or Mapping
        The explicit codebook, ``<source folder>/codebook.yaml`` when that file exists,
        or :data:`DEFAULT_CODEBOOK`.

    Examples
    --------
    >>> resolve_codebook(None) == DEFAULT_CODEBOOK
    True
    """
    return corpus_file(source, CORPUS_CODEBOOK_NAME, codebook, DEFAULT_CODEBOOK)


def _read_yaml(path: Path) -> Any:
    import yaml

    if not path.is_file():
        raise CodebookError(f"{path}: codebook file not found")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text("utf-8"), Loader=loader)
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: not valid YAML ({exc})") from exc


def read_codebook(codebook: str | PathLike | Mapping | None = None) -> dict[str, Any]:
    """Read and validate a codebook, with its name, version and content digest.

    Parameters
    ----------
    codebook : str, path, mapping or None
        A YAML file, an already-parsed mapping with a ``frames`` key, or None for
        :data:`DEFAULT_CODEBOOK`. ``extends: default`` puts the default codebook's
        frames first (a frame of the same name in this codebook replaces it).

    Returns
    -------
    dict
        ``{"name", "version", "source", "digest", "frames"}``: ``frames`` as returned by
        :func:`load_codebook`; ``digest`` is a SHA-256 of the parsed frames, name and
        version (the same content gives the same digest whatever the file's path).

    Raises
    ------
    CodebookError
        When the file is missing or unreadable or a frame/indicator is malformed.
    """
    if codebook is None or isinstance(codebook, (str, PathLike)):
        path = Path(codebook) if codebook is not None else DEFAULT_CODEBOOK
        data, source = _read_yaml(path), str(path)
    else:
        data, source = codebook, "<mapping>"
    frames = _parse_codebook(data, source)
    extends = data.get("extends") if isinstance(data, Mapping) else None
    if extends not in (None, "default"):
        raise CodebookError(f"{source}: 'extends' can only be 'default', got {extends!r}")
    if extends == "default":
        base = _parse_codebook(_read_yaml(DEFAULT_CODEBOOK), str(DEFAULT_CODEBOOK))
        frames = {**base, **frames}
    name = str(data.get("name") or Path(source).stem)
    version = str(data.get("version", ""))
    blob = json.dumps({"name": name, "version": version, "frames": frames}, sort_keys=True, default=list)
    return {
        "name": name,
        "version": version,
        "source": source,
        "digest": hashlib.sha256(blob.encode("utf-8")).hexdigest(),
        "frames": frames,
    }


def codebook_digest(codebook: str | PathLike | Mapping | None = None) -> str:
    """Return the SHA-256 of a codebook's parsed content (see :func:`read_codebook`).

    The pipeline puts this digest in the cache key of the ``frames`` and ``salience``
    stages, so editing a codebook recomputes them and a renamed copy does not.
    """
    return read_codebook(codebook)["digest"]


def load_codebook(codebook: str | PathLike | Mapping | None = None) -> dict[str, dict]:
    """Read and validate a frame codebook.

    Parameters
    ----------
    codebook : str, path, mapping or None
        See :func:`read_codebook`.

    Returns
    -------
    dict
        ``{frame: {"type", "label", "description", "validity", "indicators": [{"id",
        "question", "any": [entry...], "with": [entry...]}]}}`` where an entry is a tuple of
        ``(word, pos or None)`` and ``validity`` is one of :data:`VALIDITY_STATUSES`
        (:data:`NOT_VALIDATED` when the codebook does not say).

    Raises
    ------
    CodebookError
        When the file is missing or unreadable or a frame/indicator is malformed.
    """
    return read_codebook(codebook)["frames"]


def _parse_codebook(data: Any, source: str) -> dict[str, dict]:
    if (
        not isinstance(data, Mapping)
        or not isinstance(data.get("frames"), Mapping)
        or not data["frames"]
    ):
        raise CodebookError(f"{source}: a codebook needs a non-empty 'frames' mapping")
    out: dict[str, dict] = {}
    for name, spec in data["frames"].items():
        where = f"{source}: frame {name!r}"
        if not isinstance(spec, Mapping):
            raise CodebookError(f"{where}: must be a mapping")
        ftype = spec.get("type", "story")
        if ftype not in FRAME_TYPES:
            raise CodebookError(f"{where}: type must be one of {FRAME_TYPES}, got {ftype!r}")
        validity = spec.get("validity", NOT_VALIDATED)
        if validity not in VALIDITY_STATUSES:
            raise CodebookError(f"{where}: validity must be one of {VALIDITY_STATUSES}, got {validity!r}")
        indicators = spec.get("indicators")
        if not isinstance(indicators, list) or not indicators:
            raise CodebookError(f"{where}: needs a non-empty list of indicators")
        parsed, seen = [], set()
        for i, ind in enumerate(indicators):
            iwhere = f"{where} indicator {i}"
            if not isinstance(ind, Mapping) or not ind.get("id") or not isinstance(ind.get("any"), list):
                raise CodebookError(f"{iwhere}: needs 'id' and a list 'any'")
            if not ind["any"]:
                raise CodebookError(f"{iwhere}: 'any' is empty")
            if ind["id"] in seen:
                raise CodebookError(f"{iwhere}: duplicate indicator id {ind['id']!r}")
            seen.add(ind["id"])
            with_ = ind.get("with") or []
            if not isinstance(with_, list):
                raise CodebookError(f"{iwhere}: 'with' must be a list")
            parsed.append(
                {
                    "id": str(ind["id"]),
                    "question": str(ind.get("question", "")),
                    "any": [_entry(e, iwhere) for e in ind["any"]],
                    "with": [_entry(e, iwhere) for e in with_],
                }
            )
        out[str(name)] = {
            "type": ftype,
            "label": str(spec.get("label", name)),
            "description": str(spec.get("description", "")),
            "validity": validity,
            "indicators": parsed,
        }
    return out
