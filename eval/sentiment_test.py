"""Accuracy of targeted sentiment on the held-out test part of NewsMTSC and on the project's own labelled set.

Usage (from the repository root; the NewsMTSC part needs ``../shared``)::

    PYTHONPATH=. .venv/bin/python eval/sentiment_test.py [--n-boot 1000]

Prints macro-F1, per-class F1 and accuracy with n and 95% bootstrap intervals
for three methods:

* ``model``: the shipped trained model (``analysis/data/target_sentiment_model.json.gz``);
* ``clause_vader``: VADER on the target's clause (``method="vader"``);
* ``sentence_vader``: VADER's compound of the whole sentence, the same for every target in it.

1. NewsMTSC ``test`` part (by source article, see ``eval/newsmtsc.py``; never used in
   training or model selection): targets scored from the cached token table, as the
   pipeline scores mentions; intervals resample whole source articles.
2. ``tests/data/target_sentiment_labels.csv`` (hand-labelled pairs from the seeds and written
   sentences): each pair through :func:`analysis.target_sentiment`; intervals resample pairs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import newsmtsc  # noqa: E402

from analysis.measures.sentiment import (  # noqa: E402
    classification_scores,
    evaluate_target_sentiment,
    label_of,
    score_spans,
    sentence_vader,
    shipped_model,
)

OWN_SET = newsmtsc.ROOT / "tests" / "data" / "target_sentiment_labels.csv"


def newsmtsc_scores(n_boot: int) -> pd.DataFrame:
    """Score the three methods on the NewsMTSC test part."""
    sentences, targets = newsmtsc.load()
    test = targets[targets["split"] == "test"].reset_index(drop=True)
    used = sentences[sentences["article_id"].isin(set(test["article_id"]))]
    tokens = newsmtsc.token_table(sentences)
    tokens = tokens[tokens["article_id"].isin(set(used["article_id"]))]
    text_of = dict(zip(used["article_id"], used["text"], strict=True))
    predictions = {
        "model": score_spans(tokens, test)["label"],
        "clause_vader": score_spans(tokens, test, method="vader")["label"],
        "sentence_vader": test["article_id"].map(lambda a: label_of(sentence_vader(text_of[a]))),
    }
    frames = [
        classification_scores(
            test["label"], [p or "neutral" for p in predicted], groups=test["key"], method=name, n_boot=n_boot
        )
        for name, predicted in predictions.items()
    ]
    table = pd.concat(frames, ignore_index=True)
    print(
        f"NewsMTSC test part: {len(test)} targets in {test['article_id'].nunique()} sentences "
        f"from {test['key'].nunique()} source articles"
    )
    return table


def show(table: pd.DataFrame) -> str:
    """Format a score table as ``value [low, high]`` per method and metric."""
    values = table[["value", "value_low", "value_high"]].to_numpy()
    cells = table.assign(cell=[f"{v:.3f} [{lo:.3f}, {hi:.3f}]" for v, lo, hi in values])
    wide = cells.pivot(index="metric", columns="method", values="cell")
    n = cells.drop_duplicates("metric").set_index("metric")["n_items"]
    wide.insert(0, "n", n)
    order = ["macro_f1", "f1_negative", "f1_neutral", "f1_positive", "accuracy"]
    return wide.loc[order, ["n", "model", "clause_vader", "sentence_vader"]].to_string()


def main(argv: list[str] | None = None) -> int:
    """Print both tables; return 0 (2 when the NewsMTSC file is absent, after the own set)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-boot", type=int, default=1000)
    args = parser.parse_args(argv)
    status = 0
    if newsmtsc.TRAIN_FILE.exists():
        print(show(newsmtsc_scores(args.n_boot)))
        meta = shipped_model().meta
        for name, cell in meta.get("cross_collection_macro_f1", {}).items():
            interval = f"[{cell['low']:.3f}, {cell['high']:.3f}]"
            print(f"transfer recorded at training ({name.replace('_', ' ')}, test part left out): "
                  f"macro-F1 {cell['macro_f1']:.3f} {interval}, n={cell['n']}")  # fmt: skip
    else:
        print(f"skipped NewsMTSC: {newsmtsc.TRAIN_FILE} not found")
        status = 2
    labels = pd.read_csv(OWN_SET)
    print(f"\nOwn hand-labelled set: {len(labels)} pairs in {labels['sentence'].nunique()} sentences")
    print(show(evaluate_target_sentiment(labels, n_boot=args.n_boot)))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
