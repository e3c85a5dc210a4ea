"""What stands out: every outlet against the rest on every measure, as sentences with their measurement error.

One page is one family of comparisons (:func:`compare_outlets`): each outlet with enough
articles is compared with the rest of the corpus on tone, reading grade, tone toward the
most-named people, quote shares and each frame (:func:`analysis.core.compare.compare`:
bootstrap intervals over articles, a sequential permutation test whose p-values can reach
the Benjamini–Hochberg threshold of the whole family). The page then lists the findings,
each with the validation figure of the measure behind it
(:func:`analysis.report.validation.validation_of`), the outlets too small to test, and,
for the measures where nothing stands out, the smallest difference the corpus could have
detected.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analysis.core.compare import (
    METHOD,
    CompareOptions,
    benjamini_hochberg,
    compare,
    count_testable,
    detectable_difference,
    spread,
)
from analysis.framing.quotes.corpus import corpus_typed, sources
from analysis.report.display import HTMLBlock
from analysis.report.params import ok_rows
from analysis.report.people import relink, table_of, with_outlet
from analysis.report.validation import validation_of

#: "What stands out" lists at most this many findings.
MAX_FINDINGS = 10
#: ... and at most this many from one measure (all frames count as one measure).
MAX_PER_FAMILY = 4
#: Source types counted as officials in "quotes officials" findings.
OFFICIAL_TYPES = ("government",)
#: Reading-level index used on the findings page (US school grade).
GRADE_INDEX = "flesch_kincaid_grade"
#: Power of the smallest detectable difference stated when nothing stands out.
POWER = 0.8
#: Fields whose sentences a frame share counts (as :func:`analysis.framing.frames.frames` searches).
FRAME_FIELDS = ("title", "text")


def interval_text(mean: float, low: float, high: float, *, percent: bool, signed: bool = True) -> str:
    """Return ``mean [low, high]`` as text: percentages for shares, signed two decimals for means."""
    if pd.isna(mean):
        return "–"
    if percent:
        form = "{:.1%}" if max(abs(mean), abs(high) if pd.notna(high) else 0) < 0.1 else "{:.0%}"
        core = form.format(mean)
        return core if pd.isna(low) else f"{core} [{form.format(low)}, {form.format(high)}]"
    form = "{:+.2f}" if signed else "{:.1f}"
    core = form.format(mean)
    return core if pd.isna(low) else f"{core} [{form.format(low)}, {form.format(high)}]"


def _frame_table(frames: pd.DataFrame, sentences: pd.DataFrame | None, ok: pd.DataFrame):
    """Return (table, value, weight, unit): frame use per article as a share of its sentences."""
    f = with_outlet(frames[["article_id", "frame", "n_evidence_sentences"]].copy(), ok)
    if sentences is None or sentences.empty:
        f = f.assign(present=(f["n_evidence_sentences"] > 0).astype(float))
        return f, "present", None, "articles"
    s = sentences[sentences["field"].isin(FRAME_FIELDS)] if "field" in sentences.columns else sentences
    n_sent = s.groupby(s["article_id"].astype(str)).size()
    f = f.assign(n_sentences=f["article_id"].astype(str).map(n_sent).fillna(0).astype(float))
    f = f[f["n_sentences"] > 0]
    # share of an outlet's sentences = sum(evidence sentences) / sum(sentences): a ratio of sums over articles
    f = f.assign(present=(f["n_evidence_sentences"] / f["n_sentences"]).clip(upper=1.0))
    return f, "present", "n_sentences", "sentences"


def measure_tables(
    result: Mapping[str, pd.DataFrame],
    articles: pd.DataFrame,
    *,
    people: Sequence[str] = (),
    names: pd.DataFrame | None = None,
) -> list[tuple[str, pd.DataFrame, str, dict]]:
    """Return the per-observation tables the findings compare, with how to describe each.

    Frames are compared as the **share of sentences** carrying the frame (evidence
    sentences over sentences of the title and body), not as the share of articles in
    which the frame fires anywhere: a rule that fires per article fires more often in
    longer articles, so article presence would turn length into framing.

    Returns
    -------
    list of (name, table, value column, description)
        Tables carry ``article_id, outlet`` and the value; the description holds ``kind``
        (``share`` or ``mean``), ``phrase`` (what the value is, for a sentence), ``unit``,
        ``weight`` (a weight column or None), ``validation`` (measure and category in
        ``analysis/data/validation.csv``), ``power_phrase`` and ``section`` (the report page
        and anchor behind it).
    """
    ok = ok_rows(articles)
    out: list[tuple[str, pd.DataFrame, str, dict]] = []
    sentiment = table_of(result, "sentiment")
    if sentiment is not None and not sentiment.empty and "compound" in sentiment.columns:
        t = with_outlet(sentiment[["article_id", "compound"]], ok)
        out.append(("tone", t, "compound", {
            "kind": "mean", "phrase": "mean article tone (VADER, -1 to +1)", "unit": "articles",
            "power_phrase": "mean article tone", "validation": ("article_tone", ""),
            "section": "03_sentiment.html#Article-sentiment-with-intervals"}))  # fmt: skip
    readability = table_of(result, "readability")
    if readability is not None and not readability.empty and GRADE_INDEX in readability.columns:
        r = readability
        if "version" in r.columns:
            r = r[r["version"] == "clean"]
        if f"reliable_{GRADE_INDEX}" in r.columns:
            r = r[r[f"reliable_{GRADE_INDEX}"].astype(bool)]
        t = with_outlet(r[["article_id", GRADE_INDEX]], ok)
        out.append(("reading level", t, GRADE_INDEX, {
            "kind": "mean", "phrase": "mean reading grade (Flesch-Kincaid)", "unit": "articles",
            "signed": False, "power_phrase": "mean reading grade", "validation": ("reading_level", ""),
            "section": "04_readability.html"}))  # fmt: skip
    targeted = table_of(result, "entity_sentiment")
    if targeted is not None and not targeted.empty and "sentiment" in targeted.columns:
        targeted = relink(targeted, names)
        for person in people:
            t = targeted[targeted["canonical"] == person]
            if not t.empty:
                weight = "n_scored" if "n_scored" in t.columns else None
                t = with_outlet(t[["article_id", "sentiment"] + ([weight] if weight else [])], ok)
                out.append((f"tone toward {person}", t, "sentiment", {
                    "kind": "mean", "phrase": f"mean tone toward {person} (over its mentions)",
                    "unit": "articles", "weight": weight, "power_phrase": f"tone toward {person}",
                    "validation": ("entity_sentiment", ""),
                    "section": "03_sentiment.html#The-same-entity-seen-by-different-outlets"}))  # fmt: skip
    quotes = table_of(result, "quotes")
    if quotes is not None and not quotes.empty:
        # the corpus pass, as source_balance applies it (the run's sources table, else the quotes')
        known = table_of(result, "sources")
        quotes = corpus_typed(quotes, known if known is not None else sources(None, quotes))
        q = with_outlet(quotes, ok)
        if "source_type" in q.columns:
            t = q.assign(official=q["source_type"].isin(OFFICIAL_TYPES).astype(float))
            out.append(("official sources", t[["article_id", "outlet", "official"]], "official", {
                "kind": "share", "phrase": "quotes government officials", "unit": "quotes",
                "power_phrase": "the share of quotes from government officials",
                "validation": ("source_type", ""), "section": "07_framing.html#Source-balance"}))  # fmt: skip
        if "speaker_gender" in q.columns:
            known = q[q["speaker_gender"].isin(["female", "male"])]
            t = known.assign(women=(known["speaker_gender"] == "female").astype(float))
            person = (
                q["speaker_is_person"].fillna(False).astype(bool)
                if "speaker_is_person" in q
                else q["speaker_gender"] != "none"
            )
            people = q.loc[person, "speaker_gender"]
            unknown = float((~people.isin(["female", "male"])).mean()) if len(people) else 0.0
            out.append(("women quoted", t[["article_id", "outlet", "women"]], "women", {
                "kind": "share", "phrase": "quotes women",
                "unit": f"quotes of a person of known gender (unknown for {unknown:.0%} of quotes of people)",
                "power_phrase": "the share of quotes from women", "validation": ("speaker_gender", ""),
                "section": "07_framing.html#Source-balance"}))  # fmt: skip
    frames = table_of(result, "frames")
    if frames is not None and not frames.empty:
        table, value, weight, unit = _frame_table(frames, table_of(result, "sentences"), ok)
        label = frames.drop_duplicates("frame").set_index("frame")["label"] if "label" in frames else None
        generic = (
            frames.drop_duplicates("frame").set_index("frame")["frame_type"] == "generic"
            if "frame_type" in frames
            else None
        )
        for frame, t in table.groupby("frame"):
            name = str(label.get(frame, frame)) if label is not None else str(frame)
            # only the general codebook's frames were validated; a story frame has no figure
            key = str(frame) if generic is None or bool(generic.get(frame, False)) else f"{frame} (story)"
            out.append((f"frame: {name}", t[["article_id", "outlet", value] + ([weight] if weight else [])],
                        value, {
                "kind": "share", "phrase": f"uses the {name} frame", "unit": unit, "weight": weight,
                "power_phrase": f"the share of {unit} using a frame", "validation": ("frame", key),
                "frame": str(frame), "length": True, "section": "07_framing.html#Frames"}))  # fmt: skip
    return out


@dataclass
class Findings:
    """One findings page: every comparison of the family, what stands out, what could not be tested.

    Attributes
    ----------
    comparisons : pandas.DataFrame
        Every outlet-vs-rest comparison (:func:`analysis.core.compare.compare` columns plus
        ``effect, section, validation, weak``), q-values over the whole family.
    hits : pandas.DataFrame
        The findings listed on the page (``outlet, measure, sentence, validation, weak, ...``),
        largest standardised effect first, capped per measure and in total.
    power : pandas.DataFrame
        Per measure without a finding: ``measure, kind, n_articles, n_rest, detectable, sentence``.
    too_few : pandas.DataFrame
        Comparisons not tested: ``outlet, measure, n_articles, n_rows, unit``.
    family_size, max_perm : int
        Tested comparisons corrected together, and the permutation budget of each.
    options : CompareOptions
    """

    comparisons: pd.DataFrame
    hits: pd.DataFrame
    power: pd.DataFrame
    too_few: pd.DataFrame
    family_size: int
    max_perm: int
    options: CompareOptions = field(default_factory=CompareOptions)


def _empty(options: CompareOptions) -> Findings:
    hits = pd.DataFrame(columns=["outlet", "measure", "sentence", "validation", "weak", "effect", "section"])
    return Findings(hits.copy(), hits, pd.DataFrame(columns=["measure", "sentence"]),
                    pd.DataFrame(columns=["outlet", "measure", "n_articles", "n_rows", "unit"]),
                    0, 0, options)  # fmt: skip


def compare_outlets(
    result: Mapping[str, pd.DataFrame],
    articles: pd.DataFrame,
    *,
    people: Sequence[str] = (),
    outlets: Sequence[str] | None = None,
    names: pd.DataFrame | None = None,
    max_items: int = MAX_FINDINGS,
    options: CompareOptions | None = None,
) -> Findings:
    """Compare every outlet with the rest of the corpus on every measure, as one family.

    Every measure of :func:`measure_tables` is compared for every outlet with at least
    ``options.min_articles`` articles (and ``options.min_observations`` observations)
    against the rest of the corpus. The family is every tested comparison on the page:
    the permutation budget is set so a p-value can reach ``alpha / family size``, and the
    Benjamini–Hochberg correction runs over all of them. Findings (``q <= alpha`` and a bootstrap
    interval of the difference that excludes zero) are
    ranked by effect size (the difference over the per-article spread of the measure,
    :func:`analysis.core.compare.spread`), at most :data:`MAX_PER_FAMILY` per measure.

    Returns
    -------
    Findings
    """
    options = options or CompareOptions()
    tables = measure_tables(result, articles, people=people, names=names)
    if not tables:
        return _empty(options)
    wanted = None if outlets is None else [str(o) for o in outlets]
    family = []
    for name, table, value, desc in tables:
        t = table.dropna(subset=[value]).rename(columns={value: name})
        if t["outlet"].nunique() < 2:
            continue
        groups = sorted(set(t["outlet"].astype(str)) & set(wanted)) if wanted is not None else None
        family.append((t, name, groups, desc))
    if not family:
        return _empty(options)
    m = sum(count_testable(t, value=name, groups=groups, options=options) for t, name, groups, _ in family)
    options = replace(options, family_size=max(1, m))
    parts = [compare(t, value=name, groups=groups, weight=desc.get("weight"), options=options)
             for t, name, groups, desc in family]  # fmt: skip
    comp = pd.concat(parts, ignore_index=True)
    comp["q_value"] = benjamini_hochberg(comp["p_value"])
    comp["significant"] = comp["q_value"] <= options.alpha
    described = {name: desc for _, name, _, desc in family}
    sd = {name: spread(t, value=name, weight=desc.get("weight")) for t, name, _, desc in family}
    scale = comp["measure"].map(sd).astype(float)
    comp["effect"] = (comp["difference"].abs() / scale).where(scale > 0, 0.0)
    comp["section"] = comp["measure"].map(lambda x: described[x]["section"])
    checked = {x: validation_of(*described[x]["validation"]) for x in described}
    comp["validation"] = comp["measure"].map(lambda x: checked[x]["text"])
    comp["weak"] = comp["measure"].map(lambda x: checked[x]["weak"])
    lengths = _lengths(articles)
    # a finding passes the test and its bootstrap interval of the difference excludes zero (both agree)
    agree = (comp["difference_low"] > 0) | (comp["difference_high"] < 0)
    hits = comp[comp["significant"] & agree].sort_values(["effect", "q_value"], ascending=[False, True])
    # no one measure fills the page: at most MAX_PER_FAMILY findings from each (all frames count as one)
    kind = hits["measure"].where(~hits["measure"].str.startswith("frame: "), "frame")
    hits = hits[hits.groupby(kind).cumcount() < MAX_PER_FAMILY].head(max_items)
    hits = hits.assign(sentence=[_sentence(r, described[r["measure"]], lengths) for _, r in hits.iterrows()])
    front = ["outlet", "measure", "sentence", "validation", "weak", "effect", "section"]
    hits = hits[front + [c for c in hits.columns if c not in front]].reset_index(drop=True)
    untested = comp[~comp["tested"]]
    too_few = pd.DataFrame({
        "outlet": untested["outlet"], "measure": untested["measure"],
        "n_articles": untested["n_articles"], "n_rows": untested["n_rows"],
        "unit": untested["measure"].map(lambda x: described[x]["unit"]),
    }).reset_index(drop=True)  # fmt: skip
    power = _power(comp, family, described, hit_measures=set(hits["measure"]), options=options)
    return Findings(comp, hits, power, too_few, m, options.permutations_for(max(1, m)), options)


def stands_out(
    result: Mapping[str, pd.DataFrame],
    articles: pd.DataFrame,
    *,
    people: Sequence[str] = (),
    outlets: Sequence[str] | None = None,
    names: pd.DataFrame | None = None,
    max_items: int = MAX_FINDINGS,
    options: CompareOptions | None = None,
) -> pd.DataFrame:
    """Return the ``hits`` of :func:`compare_outlets`: differences beyond chance, as sentences."""
    return compare_outlets(
        result, articles, people=people, outlets=outlets, names=names, max_items=max_items, options=options
    ).hits


def _lengths(articles: pd.DataFrame) -> pd.Series:
    ok = ok_rows(articles)
    if "n_words" not in ok.columns:
        return pd.Series(dtype=float)
    return ok.set_index(ok["outlet"].astype(str))["n_words"].astype(float)


def _length_text(outlet: str, lengths: pd.Series) -> str:
    if lengths.empty or outlet not in lengths.index:
        return ""
    mine, rest = lengths[lengths.index == outlet].mean(), lengths[lengths.index != outlet].mean()
    if pd.isna(rest):
        return ""
    return (
        f" Its articles average {mine:,.0f} words against {rest:,.0f} elsewhere "
        "(the share counts sentences, so length alone does not raise it)."
    )


def _sentence(row: pd.Series, desc: dict, lengths: pd.Series | None = None) -> str:
    percent, signed = desc["kind"] == "share", desc.get("signed", True)
    mine = interval_text(row["mean"], row["mean_low"], row["mean_high"], percent=percent, signed=signed)
    rest = interval_text(
        row["mean_rest"], row["mean_rest_low"], row["mean_rest_high"], percent=percent, signed=signed
    )
    test = f"({row['n_articles']} vs {row['n_articles_rest']} articles; q = {row['q_value']:.3f})"
    if percent:
        direction = "more often" if row["difference"] > 0 else "less often"
        text = (
            f"{row['outlet']} {desc['phrase']} {direction} than the rest: in {mine} of its {desc['unit']} "
            f"against {rest} elsewhere {test}."
        )
        if desc.get("length") and lengths is not None:
            text += _length_text(str(row["outlet"]), lengths)
        return text
    direction = "higher" if row["difference"] > 0 else "lower"
    return f"{row['outlet']}: {desc['phrase']} {mine}, {direction} than {rest} elsewhere {test}."


def _amount(value: float, kind: str) -> str:
    return f"±{value * 100:.1f} percentage points" if kind == "share" else f"±{value:.2f}"


def _power(comp: pd.DataFrame, family, described: dict, *, hit_measures: set, options: CompareOptions):
    rows = []
    for t, name, _, desc in family:
        if name in hit_measures:
            continue
        mine = comp[(comp["measure"] == name) & comp["tested"]]
        if mine.empty:
            continue
        n, n_rest = float(mine["n_articles"].median()), float(mine["n_articles_rest"].median())
        sd = spread(t, value=name, weight=desc.get("weight"))
        mde = detectable_difference(sd, n, n_rest, alpha=options.alpha, family_size=options.family_size or 1,
                                    power=POWER)  # fmt: skip
        if np.isnan(mde):
            continue
        rows.append({
            "measure": name, "kind": desc["kind"], "phrase": desc["power_phrase"], "n_articles": n,
            "n_rest": n_rest, "detectable": mde,
            "sentence": f"With {n:.0f} articles per outlet, differences in {desc['power_phrase']} "
            f"smaller than "
                        f"{_amount(mde, desc['kind'])} cannot be told apart from chance.",
        })  # fmt: skip
    return pd.DataFrame(
        rows, columns=["measure", "kind", "phrase", "n_articles", "n_rest", "detectable", "sentence"]
    )


def power_sentences(power: pd.DataFrame) -> list[str]:
    """Return the power sentences, the frames' condensed into one (smallest to largest difference)."""
    frames = power[power["measure"].str.startswith("frame: ")]
    out = power.loc[~power.index.isin(frames.index), "sentence"].tolist()
    if len(frames) == 1:
        out.append(frames["sentence"].iloc[0])
    elif len(frames) > 1:
        lo, hi = frames.loc[frames["detectable"].idxmin()], frames.loc[frames["detectable"].idxmax()]
        n = frames["n_articles"].median()
        out.append(
            f"With {n:.0f} articles per outlet, differences in {lo['phrase']} smaller than "
            f"{_amount(lo['detectable'], 'share')} ({lo['measure'][7:]}) to "
            f"{_amount(hi['detectable'], 'share')} ({hi['measure'][7:]}) cannot be told apart from chance."
        )
    return out


def family_note(findings: Findings) -> str:
    """Return one sentence naming the family, the method and the number of comparisons."""
    if findings.family_size == 0:
        return "No comparison could be tested."
    o = findings.options
    floor = 1 / (findings.max_perm + 1)
    return (
        f"{findings.family_size} comparisons (every outlet with at least {o.min_articles} articles against "
        f"the rest, on every measure) form one family, corrected together with Benjamini–Hochberg at a "
        f"false discovery rate of {o.alpha:.0%}. Test: {METHOD}; up to {findings.max_perm:,} permutations "
        f"per comparison, so a p-value can reach {floor:.2g}, below the {o.alpha:g}/{findings.family_size} "
        f"= {o.alpha / findings.family_size:.2g} a single real difference needs."
    )


def too_few_text(findings: Findings) -> str:
    """Return one sentence listing the outlets (and shares) too small to test, with their counts, or ''."""
    few = findings.too_few
    if few.empty:
        return ""
    o = findings.options
    small = few[few["n_articles"] < o.min_articles].drop_duplicates("outlet")
    parts = []
    if not small.empty:
        parts.append(
            f"Too few to test (fewer than {o.min_articles} articles): "
            + ", ".join(
                f"{r.outlet} ({r.n_articles} article{'s' * (r.n_articles != 1)})" for r in small.itertuples()
            )  # fmt: skip
            + "."
        )
    thin = few[(few["n_articles"] >= o.min_articles) & ~few["outlet"].isin(small["outlet"])]
    if not thin.empty:
        parts.append(
            f"Shares not tested for fewer than {o.min_observations} observations: "
            + "; ".join(f"{r.measure}, {r.outlet} ({r.n_rows} {r.unit})" for r in thin.head(12).itertuples())
            + ("; …" if len(thin) > 12 else "")
            + "."
        )
    return " ".join(parts)


def findings_html(findings: Findings, *, empty_reason: str = "") -> HTMLBlock:
    """Return the findings page's list: each finding with its measurement error, then what could not be seen.

    Each finding links to the report section behind it and carries the validation
    figure of its measure; a finding on a weak measure is marked. When nothing stands
    out, the power sentences say what size of difference the corpus could have
    detected; outlets too small to test are listed with their counts.
    """
    parts, text = [], []
    hits = findings.hits
    if hits.empty and findings.family_size == 0 and not empty_reason:
        reason = (
            f"No outlet has the {findings.options.min_articles} articles a comparison needs, so none was "
            "tested: this page can say neither that the outlets differ nor that they do not."
        )
        parts.append(f"<p><em>{html.escape(reason)}</em></p>")
        text.append(reason)
    elif hits.empty:
        reason = empty_reason or (
            "No outlet differs from the rest of the corpus beyond chance on these measures, "
            "at the resolution this corpus allows:"
        )
        parts.append(f"<p><em>{html.escape(reason)}</em></p>")
        text.append(reason)
    else:
        items = []
        for _, r in hits.iterrows():
            mark = ' <strong class="of-weak">weak measure: exploratory</strong>' if r["weak"] else ""
            items.append(
                f'<li>{html.escape(r["sentence"])} <a href="{html.escape(r["section"])}">evidence</a>{mark}'
                f'<br><span class="of-note">Measured: {html.escape(r["validation"])}</span></li>'
            )
            text.append(f"- {r['sentence']}{' [weak measure: exploratory]' if r['weak'] else ''}"
                        f" (measured: {r['validation']})")  # fmt: skip
        parts.append('<ol class="of-findings">' + "".join(items) + "</ol>")
    sentences = power_sentences(findings.power)
    if sentences:
        lead = "Where nothing stands out" if not hits.empty else "What the corpus could have detected"
        head = f"{lead} (80% power, at the level one real difference among this page's comparisons needs):"
        parts.append(f'<p class="of-note">{html.escape(head)}</p><ul class="of-power">'
                     + "".join(f"<li>{html.escape(s)}</li>" for s in sentences) + "</ul>")  # fmt: skip
        text += [head] + [f"- {s}" for s in sentences]
    for line in (too_few_text(findings), family_note(findings)):
        if line:
            parts.append(f'<p class="of-note">{html.escape(line)}</p>')
            text.append(line)
    return HTMLBlock("\n".join(parts), "\n".join(text))


def validation_table(findings: Findings) -> pd.DataFrame:
    """Return one row per measure compared on the page: how it was validated (figure, data, status)."""
    rows = []
    for measure in dict.fromkeys(findings.comparisons.get("measure", pd.Series(dtype=str))):
        sub = findings.comparisons[findings.comparisons["measure"] == measure].iloc[0]
        rows.append({"measure": measure, "validation": sub["validation"], "weak": bool(sub["weak"])})
    return pd.DataFrame(rows, columns=["measure", "validation", "weak"])
