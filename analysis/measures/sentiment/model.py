"""The trained target-sentiment model: load the shipped weights and score feature rows.

The model is a multinomial logistic regression over the features of
:mod:`analysis.measures.sentiment.features` (the sparse mapping and the dense
block of mean GloVe vectors), trained by
``eval/train_sentiment.py`` on the NewsMTSC training split (US political news
from AllSides and POLUSA; Hamborg & Donnay, EACL 2021). Its weights ship as
``analysis/data/target_sentiment_model.json.gz``: the feature vocabulary, one
coefficient per feature and class, the coefficients of the dense block (with the
factor its values are multiplied by), the intercepts, the training metadata and
:attr:`TargetModel.version`, which is part of the cache key of the stages that use it.
"""

from __future__ import annotations

import functools
import gzip
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.core.parallel import preload
from analysis.measures.sentiment.features import FEATURES_VERSION, N_DENSE
from analysis.measures.sentiment.lexicon import CLASSES

#: The shipped model file.
MODEL_FILE = Path(__file__).resolve().parents[2] / "data" / "target_sentiment_model.json.gz"
#: Version of the shipped model file (``eval/train_sentiment.py`` rewrites this line when it retrains).
#: It is part of this module's code, hence of the cache key of every stage that uses the model.
MODEL_VERSION = "newsmtsc-lr-f3-cf13eac993"


@dataclass(frozen=True)
class TargetModel:
    """Weights of the linear target-sentiment model."""

    version: str
    classes: tuple[str, ...]
    index: dict[str, int]
    coef: np.ndarray  # (n_features, n_classes)
    intercept: np.ndarray  # (n_classes,)
    meta: dict
    dense_coef: np.ndarray | None = None  # (N_DENSE, n_classes), or None for a sparse-only model
    dense_scale: float = 1.0

    def logits(self, features: dict[str, float], dense: np.ndarray | None = None) -> np.ndarray:
        """Return the class scores of one feature mapping and dense vector (unknown features are ignored)."""
        z = self.sparse_logits(features)
        if self.dense_coef is not None and dense is not None:
            z = z + self.dense_scale * (np.asarray(dense, dtype=float) @ self.dense_coef)
        return z

    def sparse_logits(self, features: dict[str, float]) -> np.ndarray:
        """Return the intercepts plus the contribution of one sparse feature mapping."""
        index = self.index
        rows, values = [], []
        for name, value in features.items():
            j = index.get(name)
            if j is not None:
                rows.append(j)
                values.append(value)
        if not rows:
            return self.intercept.copy()
        return self.intercept + np.asarray(values) @ self.coef[rows]

    def predict_proba(self, features: dict[str, float], dense: np.ndarray | None = None) -> np.ndarray:
        """Return P(negative), P(neutral), P(positive) for one feature mapping and dense vector."""
        return softmax(self.logits(features, dense)[None, :])[0]

    def predict_proba_many(self, features: list[dict[str, float]], dense: np.ndarray) -> np.ndarray:
        """Return the (n, 3) class probabilities of ``n`` targets (dense part as one matrix product)."""
        z = np.zeros((len(features), len(self.classes)))
        for k, mapping in enumerate(features):
            z[k] = self.sparse_logits(mapping)
        if self.dense_coef is not None and len(features):
            z += self.dense_scale * (
                np.asarray(dense, dtype=float).reshape(len(features), -1) @ self.dense_coef
            )
        return softmax(z)


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of a (n, k) array."""
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def save_model(path: Path, *, version: str, features: list[str], coef: np.ndarray, intercept: np.ndarray,
               meta: dict | None = None, dense: tuple[np.ndarray, float] | None = None) -> None:  # fmt: skip
    """Write a model file (gzip'd JSON, coefficients rounded to 6 significant digits, deterministic bytes).

    ``dense`` is ``(coefficients of the dense features, their scale)``, or None for a sparse-only model;
    the classes are :data:`CLASSES`.
    """
    classes = CLASSES
    payload = {
        "version": version,
        "features_version": FEATURES_VERSION,
        "classes": list(classes),
        "features": list(features),
        "coef": [[float(f"{x:.6g}") for x in row] for row in np.asarray(coef).T],
        "intercept": [float(f"{x:.6g}") for x in intercept],
        "meta": meta or {},
    }
    if dense is not None:
        dense_coef, dense_scale = dense
        payload["dense"] = {
            "scale": float(dense_scale),
            "coef": [[float(f"{x:.6g}") for x in row] for row in np.asarray(dense_coef).T],
        }
    data = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write(data)


def read_model(path: str | Path = MODEL_FILE) -> TargetModel:
    """Read a model file written by :func:`save_model`.

    Raises
    ------
    ValueError
        When the file was trained with other features than this code computes.
    """
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        payload = json.load(handle)
    if payload.get("features_version") != FEATURES_VERSION:
        raise ValueError(
            f"{path}: model trained with features version {payload.get('features_version')!r}, "
            f"this code computes {FEATURES_VERSION!r}; rebuild it with `make train-sentiment`"
        )
    classes = tuple(payload["classes"])
    coef = np.asarray(payload["coef"], dtype=float).T.copy()
    dense = payload.get("dense")
    dense_coef = None
    if dense is not None:
        dense_coef = np.asarray(dense["coef"], dtype=float).T.copy()
        if dense_coef.shape != (N_DENSE, len(classes)):
            raise ValueError(
                f"{path}: dense coefficients {dense_coef.shape}, expected {(N_DENSE, len(classes))}"
            )
    return TargetModel(
        version=str(payload["version"]),
        classes=classes,
        index={name: j for j, name in enumerate(payload["features"])},
        coef=coef,
        intercept=np.asarray(payload["intercept"], dtype=float),
        meta=payload.get("meta", {}),
        dense_coef=dense_coef,
        dense_scale=float(dense["scale"]) if dense is not None else 1.0,
    )


@preload
@functools.lru_cache(maxsize=1)
def shipped_model() -> TargetModel:
    """Return the shipped model (read once per process).

    Raises
    ------
    ValueError
        When the file's version is not :data:`MODEL_VERSION` (file and code out of step).
    """
    model = read_model(MODEL_FILE)
    if model.version != MODEL_VERSION:
        raise ValueError(f"{MODEL_FILE} has version {model.version!r}, the code expects {MODEL_VERSION!r}")
    return model
