"""Precision and recall of quotes and their speakers against the PolNeAR attributions.

Usage: ``python eval/quotes_polnear.py --split train|dev [--half a|b] [--show N] [--errors FILE]``

* ``train``: the train articles of the hand-typed source sample and of the hand-resolved pronoun
  sample (the tuning set); ``--half a|b`` keeps one half of them by a stable hash of the article id
  (tune on one, check on the other that a rule generalises).
* ``dev``: all 84 dev articles (the final figure; run once).

Matching. A predicted quote matches a gold attribution when their contents overlap by at least half
of the shorter of the two (gold contents may be discontinuous: their fragments are used). Each gold
attribution and each prediction is matched at most once (greedy, largest overlap first).
*All*: every prediction against every gold attribution (PolNeAR also annotates paraphrase, beliefs
and intentions, so recall here is a lower bound of what a quote finder should find).
*Direct*: gold contents containing a quotation mark against predictions of kind direct or partial.
A matched speaker is correct when the predicted speaker span overlaps a gold source fragment, or
the predicted canonical speaker equals the canonical name of an entity mention inside the gold
source, or its last word occurs in the gold source text (a surname), or the gold source is a relative
pronoun (*who, which, that*) right after the predicted speaker phrase ("Jane Roe, who said"); gold
without a source is left out of the speaker figures. A gold source that is a pronoun (*he, she, him,
her*) names nobody: when it is one of the hand-resolved pronoun sources
(``tests/data/pronoun_sources_polnear.csv``), the speaker is right only when its canonical name is
that person (:func:`same_person`); a pronoun source outside that sample is left out of the speaker
figures (counted apart as "unresolved pronoun gold").
A gold source that is a role or group phrase ("the Florida senator", "the campaign") names nobody
either. The hand-resolved ones (``tests/data/nominal_sources_polnear.csv``: every such source of a
direct quote in these articles, by the rule of ``eval/nominal_sample.py``) give a second figure,
"speaker | matched, nominal resolved": there a phrase resolved to a person is right only when the
predicted canonical name is that person (:func:`same_person`), while ``GROUP`` and ``UNCLEAR`` phrases
and every other gold source are scored as above. The first figure, "speaker | matched", scores role
phrases by the span-and-name rule (a predicted speaker span on the phrase is right whoever it resolves
to). "nominal person gold | matched" gives both rules on the resolved role phrases alone.
Intervals: 95% Wilson intervals (quotes of an article are not independent, so they are somewhat
narrow).
"""

from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import polnear_quotes_data as P  # noqa: E402

import analysis  # noqa: E402
from analysis.core.stats import wilson_interval  # noqa: E402

QUOTE_MARKS = '"“”«»„'
PRONOUNS = frozenset({"he", "she", "him", "her"})
RELATIVES = frozenset({"who", "whom", "which", "that"})
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sen", "rep", "gov", "president"})


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Return the 95% Wilson score interval of k successes in n."""
    return wilson_interval(k, n, z=z)


def overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """Return the characters two lists of spans share."""
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def match(pred, gold) -> list[tuple[int, int]]:
    """Greedy one-to-one matching (pred index, gold index) by overlap >= half the shorter span."""
    cands = []
    by_article: dict[str, list[int]] = {}
    for j, g in enumerate(gold):
        by_article.setdefault(g["article_id"], []).append(j)
    for i, p in enumerate(pred):
        for j in by_article.get(p["article_id"], []):
            g = gold[j]
            ov = overlap([(p["start"], p["end"])], g["spans"])
            short = min(p["end"] - p["start"], sum(e - s for s, e in g["spans"]))
            if short > 0 and ov >= 0.5 * short:
                cands.append((ov, i, j))
    used_p, used_g, out = set(), set(), []
    for _, i, j in sorted(cands, reverse=True):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


def _name_words(name: str) -> list[str]:
    words = [w.strip(".,").lower() for w in name.replace("’", "'").split()]
    words = [w[:-2] if w.endswith("'s") else w for w in words]
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    return [w for w in words if w]


def same_person(pred: str | None, gold: str, people: set[str]) -> bool:
    """Tell whether a predicted canonical name is the hand-resolved person ``gold``.

    Equal names, or the same last word with the same first word ("Paul Ryan" for "Paul D. Ryan").
    A one-word side (a surname, or a first name the article gives alone) matches the other side's
    first or last word, unless ``people`` (the article's full person names) holds another person
    with that word: a bare "Clinton" is not right for Bill Clinton beside Hillary Clinton.
    """
    if not pred:
        return False
    pw, gw = _name_words(pred), _name_words(gold)
    if not pw or not gw:
        return False
    if pw == gw:
        return True
    if len(pw) >= 2 and len(gw) >= 2:
        return pw[-1] == gw[-1] and pw[0] == gw[0]
    one, full = (pw, gw) if len(pw) == 1 else (gw, pw)
    if one[0] not in (full[0], full[-1]):
        return False
    if len(pw) >= 2:
        return True  # the article gives the person one name only; the prediction is the fuller one
    others = {
        tuple(_name_words(n)) for n in people
        if len(_name_words(n)) >= 2 and one[0] in _name_words(n)
    }  # fmt: skip
    return all(o[0] == full[0] and o[-1] == full[-1] for o in others)


def speaker_ok(p, g, mentions_in, people_in=None) -> bool:
    """Tell whether a predicted speaker is the gold source (span overlap or same canonical entity)."""
    if g.get("person"):
        return same_person(p["canonical"], g["person"], people_in(g) if people_in else set())
    if p["speaker_start"] is None or not g["source_spans"]:
        return False
    if overlap([(p["speaker_start"], p["speaker_end"])], g["source_spans"]) > 0:
        return True
    if g["source_text"].strip().lower() in RELATIVES and g.get("text") is not None:
        # "Jane Roe, who said": a relative pronoun refers to the phrase right before it
        gap = g["text"][p["speaker_end"] : g["source_spans"][0][0]] if p["speaker_end"] else None
        if gap is not None and p["speaker_end"] <= g["source_spans"][0][0] and not gap.strip(" ,\n"):
            return True
    canon = p["canonical"]
    if not canon:
        return False
    if canon in mentions_in(g):
        return True
    return canon.split()[-1].lower() in g["source_text"].lower()


def speaker_ok_resolved(p, g, mentions_in, people_in=None) -> bool:
    """Like :func:`speaker_ok`, but a role phrase resolved to a person needs that person's name."""
    if g.get("nominal_person"):
        return same_person(p["canonical"], g["nominal_person"], people_in(g) if people_in else set())
    return speaker_ok(p, g, mentions_in, people_in)


def error_category(p, g, kinds_in) -> str:
    """Name the kind of a wrong speaker (for the error listing): what the gold or the prediction is."""
    src = g["source_text"].strip()
    low = src.lower()
    if low.split()[:1] in (["said"], ["says"], ["told"]):
        return "gold-cue-slip"  # the annotated source span is the cue
    kinds = kinds_in(g)
    if not g["person"] and "person" not in kinds and not g["pronoun"]:
        if low in RELATIVES or low.split()[0] in (
            "it",
            "they",
            "their",
            "we",
            "we've",
            "we’ve",
            "i",
            "his",
            "her",
        ):
            return "gold-other-pronoun"
        if (
            kinds
            or any(w[:1].isupper() for w in src.split()[1:])
            or src[:1].isupper()
            and len(src.split()) == 1
        ):
            return "gold-organisation"
        return "gold-nominal"  # "the statement", "the crowd", "a top aide", "the Florida senator"
    if p["canonical"] is None:
        return "pred-none"
    return "pred-" + str(p["method"]).split("-")[0]


def half_of(article_id: str) -> str:
    """Return the half ("a" or "b") of train an article falls in, by a stable hash of its id."""
    return "ab"[zlib.crc32(str(article_id).encode("utf-8")) % 2]


def evaluate(split: str, show: int = 0, errors: str | None = None, half: str | None = None) -> None:
    """Print the figures for one split (``half``: only the train articles of that half, :func:`half_of`)."""
    resolved = P.pronoun_sources(split)
    nominal = P.nominal_sources(split)
    nominal = nominal[~nominal["referent"].isin(["GROUP", "UNCLEAR"])]
    nominal_persons = {
        (a, s, e): name
        for a, s, e, name in zip(
            nominal["article_id"], nominal["source_start"], nominal["source_end"], nominal["referent"],
            strict=True,
        )
    }  # fmt: skip
    if split == "train":
        ids = sorted(set(P.labels()["doc_id"]) | set(resolved["article_id"]))
        if half:
            ids = [i for i in ids if half_of(i) == half]
        arts = P.articles(ids=ids)
    else:
        arts = P.articles(split="dev")
    gold_t = P.attributions(split)
    gold_t = gold_t[gold_t["article_id"].isin(set(arts["article_id"]))]
    ann = analysis.annotate(arts)
    mentions = analysis.entity_mentions(arts, annotations=ann)
    q = analysis.quotes(arts, annotations=ann, mentions=mentions)
    texts = dict(zip(arts["article_id"], arts["text"], strict=True))
    pred = [
        {
            "article_id": r.article_id,
            "start": int(r.start_char),
            "end": int(r.end_char),
            "kind": r.kind,
            "speaker_start": None if r.speaker_start_char is None or str(r.speaker_start_char) == "<NA>"
            else int(r.speaker_start_char),
            "speaker_end": None if r.speaker_end_char is None or str(r.speaker_end_char) == "<NA>"
            else int(r.speaker_end_char),
            "canonical": r.speaker_canonical if isinstance(r.speaker_canonical, str) else None,
            "method": r.method,
        }
        for r in q.itertuples(index=False)
    ]  # fmt: skip
    persons = {
        (a, s, e): name
        for a, s, e, name in zip(
            resolved["article_id"], resolved["source_start"], resolved["source_end"], resolved["person"],
            strict=True,
        )
    }  # fmt: skip
    gold = [
        {
            "article_id": r.article_id,
            "spans": [tuple(s) for s in r.content_spans],
            "direct": any(c in (r.content_text or "") for c in QUOTE_MARKS),
            "source_spans": [tuple(s) for s in (r.source_spans or [])],
            "source_text": r.source_text or "",
            "pronoun": (r.source_text or "").strip().lower() in PRONOUNS,
            "text": texts[r.article_id],
            "person": persons.get((r.article_id, r.source_start, r.source_end)),
            "nominal_person": nominal_persons.get((r.article_id, r.source_start, r.source_end)),
        }
        for r in gold_t.itertuples(index=False)
    ]
    by_art: dict[str, list[tuple[int, int, str]]] = {}
    for r in mentions.itertuples(index=False):
        by_art.setdefault(str(r.article_id), []).append((int(r.start_char), int(r.end_char), r.canonical))

    def mentions_in(g) -> set[str]:
        return {c for s, e, c in by_art.get(g["article_id"], []) if overlap([(s, e)], g["source_spans"]) > 0}

    people_by_art: dict[str, set[str]] = {}
    for r in mentions[mentions["kind"] == "person"].itertuples(index=False):
        people_by_art.setdefault(str(r.article_id), set()).add(r.canonical)

    kinds_by_art: dict[str, list[tuple[int, int, str]]] = {}
    for r in mentions.itertuples(index=False):
        kinds_by_art.setdefault(str(r.article_id), []).append(
            (int(r.start_char), int(r.end_char), str(r.kind))
        )

    def kinds_in(g) -> set[str]:
        return {
            k for s, e, k in kinds_by_art.get(g["article_id"], []) if overlap([(s, e)], g["source_spans"]) > 0
        }

    def people_in(g) -> set[str]:
        return people_by_art.get(g["article_id"], set())

    def scored(g) -> bool:
        return bool(g["source_spans"]) and (not g["pronoun"] or bool(g["person"]))

    print(f"split={split}{' half=' + half if half else ''}  articles={len(arts)}  gold attributions={len(gold)}  predicted quotes={len(pred)}")
    print(f"{'set':8} {'measure':37} {'k':>5} {'n':>5} {'value':>6}  95% interval")
    for name, pi, gi in (
        ("all", range(len(pred)), range(len(gold))),
        (
            "direct",
            [i for i, p in enumerate(pred) if p["kind"] in ("direct", "partial")],
            [j for j, g in enumerate(gold) if g["direct"]],
        ),
    ):
        ps, gs = [pred[i] for i in pi], [gold[j] for j in gi]
        pairs = match(ps, gs)
        with_source = [(i, j) for i, j in pairs if scored(gs[j])]
        spk = [(i, j) for i, j in with_source if speaker_ok(ps[i], gs[j], mentions_in, people_in)]
        n_gold_src = sum(1 for g in gs if scored(g))
        pron = [(i, j) for i, j in with_source if gs[j]["person"]]
        pron_ok = [(i, j) for i, j in spk if gs[j]["person"]]
        n_unres = sum(1 for i, j in pairs if gs[j]["pronoun"] and not gs[j]["person"])
        spk_r = [(i, j) for i, j in with_source if speaker_ok_resolved(ps[i], gs[j], mentions_in, people_in)]
        nom = [(i, j) for i, j in with_source if gs[j]["nominal_person"]]
        nom_ok = [(i, j) for i, j in spk if gs[j]["nominal_person"]]
        nom_ok_r = [(i, j) for i, j in spk_r if gs[j]["nominal_person"]]
        rows = [
            ("quote precision", len(pairs), len(ps)),
            ("quote recall", len(pairs), len(gs)),
            ("speaker | matched", len(spk), len(with_source)),
            ("speaker | matched, nominal resolved", len(spk_r), len(with_source)),
            ("speaker precision", len(spk), len(ps)),
            ("speaker recall", len(spk), n_gold_src),
            ("pronoun gold | matched", len(pron_ok), len(pron)),
            ("nominal person gold | matched", len(nom_ok), len(nom)),
            ("  the same, nominal resolved", len(nom_ok_r), len(nom)),
        ]
        for label, k, n in rows:
            lo, hi = wilson(k, n)
            print(
                f"{name:8} {label:37} {k:5d} {n:5d} {k / n if n else float('nan'):6.3f}  [{lo:.3f}, {hi:.3f}]"
            )
        print(f"{name:8} unresolved pronoun gold left out of the speaker figures: {n_unres}")
        if errors and name == "direct":
            import collections
            import csv

            bad = [(i, j) for i, j in with_source if (i, j) not in set(spk_r)]  # the rule
            cats = collections.Counter()
            with open(errors, "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh, delimiter="\t")
                w.writerow(
                    ["category", "article_id", "start", "method", "pred", "canonical", "gold", "person"]
                )
                for i, j in bad:
                    p, g = ps[i], gs[j]
                    cat = error_category(p, g, kinds_in)
                    cats[cat] += 1
                    t = texts[p["article_id"]]
                    s_text = (
                        t[p["speaker_start"] : p["speaker_end"]] if p["speaker_start"] is not None else ""
                    )
                    w.writerow([cat, p["article_id"], p["start"], p["method"], s_text, p["canonical"],
                                g["source_text"], g["person"] or g["nominal_person"] or ""])  # fmt: skip
            print("wrong direct speakers by category:", "; ".join(f"{k} {v}" for k, v in cats.most_common()))
        if show and name == "direct":
            bad = [(i, j) for i, j in with_source if (i, j) not in set(spk)][:show]
            for i, j in bad:
                t = texts[ps[i]["article_id"]]
                sp = ps[i]
                s_text = (
                    t[sp["speaker_start"] : sp["speaker_end"]] if sp["speaker_start"] is not None else None
                )
                gold_txt = gs[j]["source_text"] + (f" = {gs[j]['person']}" if gs[j]["person"] else "")
                print(
                    f"  wrong speaker: pred {s_text!r} [{sp['canonical']}] gold {gold_txt!r}"
                    f"  ({sp['article_id']} {sp['start']})"
                )
    types = q["source_type"].value_counts(normalize=True)
    print("predicted source types:", "; ".join(f"{k} {v:.3f}" for k, v in types.items()))
    print(f"other+unknown share of quotes: {types.get('other', 0) + types.get('unknown', 0):.3f}")


def main() -> None:
    """Run the evaluation."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train", choices=["train", "dev"])
    ap.add_argument("--show", type=int, default=0, help="print N wrongly attributed direct quotes")
    ap.add_argument(
        "--half", choices=["a", "b"], help="train only: score one half of the articles (tune a, check b)"
    )
    ap.add_argument(
        "--errors", help="write the wrongly attributed direct quotes (stricter rule), by category, to this TSV"
    )
    args = ap.parse_args()
    if not P.available():
        print(f"PolNeAR not found at {P.CORPUS}; skipped")
        return
    if args.half and args.split != "train":
        ap.error("--half splits train only")
    evaluate(args.split, args.show, args.errors, args.half)


if __name__ == "__main__":
    main()
