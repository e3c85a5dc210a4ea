"""List the PolNeAR role-phrase sources of direct quotes drawn for ``tests/data/nominal_sources_polnear.csv``.

Usage: ``python eval/nominal_sample.py [--check]``

The sample rule (text only, no model): every attribution of the articles ``eval/quotes_polnear.py``
scores (``--split train``: the train articles of the hand-typed source sample and of the pronoun
sample; ``--split dev``: all dev articles) whose content holds a quotation mark (``" “ ” « » „``) and
whose source span, split on white space (leading and trailing punctuation stripped from each token),

* is not a pronoun: not one token that is a personal, possessive, relative or demonstrative pronoun
  (an ``'s`` suffix dropped);
* does not start with a cue verb (*said, says, told*: the annotated span is the cue);
* names nobody: its first token starts with a lower-case letter or a digit, or is a capitalised
  determiner (*The, A, An, One, Some, ...*), and no two adjacent tokens both start with a capital
  letter (a first and last name, a title and a name: "Sen. Marco Rubio", "President Obama").
  A single capitalised word between lower-case ones is allowed: "the Florida senator", "the
  Republican nominee", "the Clinton campaign".

If a split has more candidates than its size (train 250, dev: all; train has 204, so all are kept),
they are sorted by the SHA-1 of
``"<article_id>:<source_start>"`` (start written as a float, as for the pronoun sample) and the first
ones kept. Prints ids and offsets only. ``--check`` verifies that the committed file holds exactly
this sample.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas as pd  # noqa: E402
import polnear_quotes_data as P  # noqa: E402

QUOTE_MARKS = '["“”«»„]'
PRONOUNS = frozenset(
    "he she him her his hers i me my mine we us our ours they them their theirs it its you your yours "
    "who whom whose which that this these those".split()
)
CUE_VERBS = frozenset({"said", "says", "told"})
DETERMINERS = frozenset(
    "the a an one some several many another two three four five other others most few both each every "
    "all any no".split()
)
SIZES: dict[str, int | None] = {"train": 250, "dev": None}
FILE = P.REPO / "tests" / "data" / "nominal_sources_polnear.csv"
PUNCT = "\"'“”‘’,.;:()[]«»„-—–"


def _tokens(span: str) -> list[str]:
    return [t for t in (w.strip(PUNCT) for w in span.split()) if t]


def is_nominal(span: str) -> bool:
    """Tell whether a gold source span is a role or group phrase that names no person (see the module)."""
    toks = _tokens(span)
    if not toks:
        return False
    first = toks[0].lower()
    for suffix in ("'s", "’s"):
        if first.endswith(suffix):
            first = first[: -len(suffix)]
    if len(toks) == 1 and first in PRONOUNS:
        return False
    if toks[0].lower() in CUE_VERBS:
        return False
    if not (toks[0][0].islower() or toks[0][0].isdigit() or toks[0].lower() in DETERMINERS):
        return False
    caps = [t[0].isupper() for t in toks]
    return not any(a and b for a, b in zip(caps, caps[1:], strict=False))


def article_ids(split: str) -> set[str]:
    """Return the articles ``eval/quotes_polnear.py --split <split>`` scores."""
    if split == "train":
        return set(P.labels()["doc_id"]) | set(P.pronoun_sources("train")["article_id"])
    return set(P.articles(split="dev")["article_id"])


def candidates() -> pd.DataFrame:
    """Return every attribution the rule selects, with its SHA-1 key."""
    a = P.attributions()
    parts = []
    for split in SIZES:
        s = a[(a["split"] == split) & a["article_id"].isin(article_ids(split))]
        direct = s["content_text"].fillna("").str.contains(QUOTE_MARKS)
        nominal = s["source_text"].fillna("").map(is_nominal)
        parts.append(s[direct & nominal])
    c = pd.concat(parts).copy()
    c["key"] = [
        hashlib.sha1(f"{aid}:{float(s)}".encode()).hexdigest()
        for aid, s in zip(c["article_id"], c["source_start"], strict=True)
    ]
    return c


def sample() -> pd.DataFrame:
    """Return ``split, article_id, source_start, source_end, source_text`` of the drawn spans."""
    c = candidates()
    parts = []
    for split, n in SIZES.items():
        s = c[c["split"] == split].sort_values("key")
        parts.append(s if n is None else s.head(n))
    out = pd.concat(parts)[["split", "article_id", "source_start", "source_end", "source_text"]]
    out[["source_start", "source_end"]] = out[["source_start", "source_end"]].astype(int)
    out = out.drop_duplicates(["split", "article_id", "source_start", "source_end"])
    return out.sort_values(["split", "article_id", "source_start"]).reset_index(drop=True)


def main() -> None:
    """Print the sample, or check it against the committed file."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    if not P.available():
        print(f"PolNeAR not found at {P.CORPUS}; skipped")
        return
    s = sample()
    if args.check:
        have = pd.read_csv(FILE)[["split", "article_id", "source_start", "source_end"]]
        key = ["split", "article_id", "source_start", "source_end"]
        a = s[key].sort_values(key).reset_index(drop=True)
        b = have.sort_values(key).reset_index(drop=True)
        print("sample matches the committed file" if a.equals(b) else "MISMATCH")
        return
    print(s.to_csv(index=False), end="")


if __name__ == "__main__":
    main()
