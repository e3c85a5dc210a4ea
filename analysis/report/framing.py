"""Tables and figures of the framing report."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.core.compare import CompareOptions
from analysis.framing.codebook import NOT_VALIDATED
from analysis.framing.frames import frame_prevalence
from analysis.framing.quotes.corpus import corpus_typed, sources
from analysis.framing.quotes.sources import GENDERS, TYPES, source_keys
from analysis.report.display import HTMLBlock, details_html
from analysis.report.overview import shared_events
from analysis.report.params import MAX_EVIDENCE_ITEMS, OKABE_ITO, ok_rows
from analysis.report.validation import frame_micro, frame_validity_table, read_validation

if TYPE_CHECKING:
    pass


#: The codebook mark under which a frame's label is shown plainly; any other is written beside it.
VALIDATED = "validated"


def marked_label(label: str, validity: Any) -> str:
    """Return a frame's label with its validity beside it unless it is validated.

    Examples
    --------
    >>> marked_label("Economic", "validated"), marked_label("Quality of life", "exploratory")
    ('Economic', 'Quality of life (exploratory)')
    """
    if pd.isna(validity) or str(validity) == VALIDATED:
        return str(label)
    return f"{label} ({validity})"


def mark_frames(summary: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of a frame table whose ``label`` says when a frame is not validated.

    A frame marked ``exploratory``, ``too few to validate`` or ``not validated`` in its
    codebook (the table's ``validity`` column) reads e.g. "Quality of life (exploratory)", so
    every table and figure that lists frames by label carries the mark. A table without
    ``validity`` is returned unchanged.
    """
    if "validity" not in summary.columns or "label" not in summary.columns:
        return summary.copy()
    labels = [marked_label(lab, v) for lab, v in zip(summary["label"], summary["validity"], strict=True)]
    return summary.assign(label=labels)


def frame_matrix(summary: pd.DataFrame, *, value: str = "mean_score") -> pd.DataFrame:
    """Pivot a frame summary (``group, label, <value>``) into a frame x group matrix.

    Frames that are not validated (``validity`` column, see :func:`mark_frames`) carry their
    mark beside the label.
    """
    summary = mark_frames(summary)
    matrix = summary.pivot_table(index="label", columns=summary.columns[0], values=value, aggfunc="first")
    matrix.columns.name = None
    matrix.index.name = "frame"
    return matrix.sort_index()


def omission_matrix(omitted: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Count, per outlet and event, the claims other outlets carry that the outlet leaves out.

    Returns
    -------
    pandas.DataFrame
        ``event`` then one column per outlet of the ``ok`` articles (0 where nothing is left out; empty
        where the outlet does not cover the event).
    """
    ok = ok_rows(articles)
    covered = ok.groupby(["event", "outlet"]).size()
    events = sorted(shared_events(articles))
    outlets = sorted(ok["outlet"].astype(str).unique())
    counts = (
        omitted.groupby(["event", "outlet"])["claim_id"].nunique() if len(omitted) else pd.Series(dtype=int)
    )
    rows = []
    for event in events:
        row: dict[str, Any] = {"event": event}
        for outlet in outlets:
            row[outlet] = int(counts.get((event, outlet), 0)) if (event, outlet) in covered.index else None
        rows.append(row)
    return pd.DataFrame(rows, columns=["event", *outlets])


def evidence_blocks(
    table: pd.DataFrame,
    *,
    group: str,
    label: Callable[[Any], str],
    text: str = "sentence",
    summary: str,
    max_items: int = MAX_EVIDENCE_ITEMS,
) -> list[HTMLBlock]:
    """Return one collapsible, escaped evidence block per value of ``group``.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of evidence (sorted as they should appear).
    group : str
        Column to split by (e.g. ``outlet``).
    label : callable
        Row (namedtuple) -> short label shown above its text.
    text : str, default "sentence"
        Column with the evidence text.
    summary : str
        Summary line; ``{group}`` and ``{n}`` are filled in (``n`` counts every row of the group).
    max_items : int, default :data:`MAX_EVIDENCE_ITEMS`
        Rows shown per block (the first ones); the summary then says how many are shown.

    Returns
    -------
    list of HTMLBlock
    """
    blocks = []
    for name, part in table.groupby(group, sort=True):
        items = [
            (label(row), str(getattr(row, text))) for row in part.head(max_items).itertuples(index=False)
        ]
        line = summary.format(group=name, n=len(part))
        if len(part) > max_items:
            line += f" (first {max_items} shown; the CSV has all)"
        blocks.append(details_html(items, summary=line))
    return blocks


def source_categories(source_by: str) -> tuple[str, ...] | None:
    """Return the fixed category order of a ``source_balance`` dimension, ``None`` when it is open.

    A fixed order gives a category the same colour in every report, whichever categories a corpus has.

    Examples
    --------
    >>> source_categories("gender")
    ('female', 'male', 'unknown', 'none')
    >>> source_categories("affiliation") is None
    True
    """
    return {"source_type": SOURCE_TYPE_ORDER, "gender": GENDERS}.get(source_by)


def category_colours(categories: Sequence[str]) -> dict[str, str]:
    """Give each category a colour by its place in ``categories``; untyped ones get fixed greys.

    Up to 8 typed categories take the Okabe-Ito palette, more take matplotlib's ``tab20`` without its
    greys (its strong hues first). "other" and "unknown" (and "none") are greys whatever else is present.

    Examples
    --------
    >>> c = category_colours(("female", "male", "unknown"))
    >>> c["female"], c["unknown"]
    ('#E69F00', '#9e9e9e')
    >>> category_colours(("male", "unknown"))["male"] == c["female"]
    True
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    typed = [c for c in categories if str(c) not in UNTYPED_SOURCES + ("none",)]
    if len(typed) <= len(OKABE_ITO):
        palette = list(OKABE_ITO)
    else:
        tab20 = colormaps["tab20"]
        # its strong hues first, then the light ones; never its greys (14, 15: the untyped categories' colour)
        palette = [to_hex(tab20(i)) for i in (*range(0, 20, 2), *range(1, 20, 2)) if i not in (14, 15)]
    if len(typed) > len(palette):
        raise ValueError(f"{len(typed)} categories are too many to tell apart; group them first")
    colours = {str(c): palette[i] for i, c in enumerate(typed)}
    colours.update(UNTYPED_COLOURS)
    return colours


#: Bars a share bar chart draws at most: past it, the rows with the smallest totals are pooled into one.
MAX_SHARE_BARS = 30


def pool_small_rows(wide: pd.DataFrame, max_rows: int | None = MAX_SHARE_BARS) -> pd.DataFrame:
    """Return ``wide`` (rows x categories of counts) with at most ``max_rows`` rows, the smallest pooled.

    The ``max_rows - 1`` rows with the largest totals keep their place; the others are summed into
    one last row, "N others (pooled)", so its shares are those of their counts together. A corpus of
    seventy one-page outlets draws thirty bars, not seventy bars that each describe one article.

    Examples
    --------
    >>> wide = pd.DataFrame({"a": [5, 1, 1, 0], "b": [5, 1, 0, 2]}, index=["W", "X", "Y", "Z"])
    >>> pool_small_rows(wide, max_rows=3)
                       a  b
    W                  5  5
    X                  1  1
    2 others (pooled)  1  2
    >>> len(pool_small_rows(wide, max_rows=None))
    4
    """
    if max_rows is None or len(wide) <= max(int(max_rows), 2):
        return wide
    keep = int(max_rows) - 1
    order = wide.sum(axis=1).sort_values(ascending=False, kind="stable").index
    kept, rest = set(order[:keep]), list(order[keep:])
    pooled = wide.loc[rest].sum().to_frame(f"{len(rest)} others (pooled)").T
    return pd.concat([wide.loc[[r for r in wide.index if r in kept]], pooled])


def share_bar_figure(
    table: pd.DataFrame,
    *,
    row: str,
    stack: str,
    value: str,
    title: str,
    xlabel: str,
    ylabel: str,
    categories: Sequence[str] | None = None,
):
    """Draw a 100%-stacked horizontal bar per ``row`` value, split by ``stack`` (e.g. quotes by affiliation).

    ``categories`` fixes the order and colour of the ``stack`` values (see :func:`source_categories`),
    so a category keeps its colour from report to report; values not in it follow, in the order of
    the table. Without it the categories are taken in the table's order. Past
    :data:`MAX_SHARE_BARS` rows, the rows with the smallest totals of ``value`` (a count) are
    pooled into one bar (:func:`pool_small_rows`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    wide = table.pivot_table(index=row, columns=stack, values=value, aggfunc="sum").fillna(0.0)
    wide = pool_small_rows(wide)
    wide = wide.div(wide.sum(axis=1).where(lambda s: s > 0, 1.0), axis=0)
    present = [str(c) for c in wide.columns]
    wide.columns = present
    order = [str(c) for c in categories] if categories is not None else []
    order += [c for c in present if c not in order]
    colours = category_colours(order)
    # categories that say nothing about the source go last, in greys
    untyped = [c for c in UNTYPED_COLOURS if c in present]
    wide = wide[[c for c in order if c in present and c not in untyped] + untyped]
    ncol = min(len(wide.columns), 5)
    legend_rows = -(-len(wide.columns) // max(ncol, 1))
    # margins in inches, not shares of the height: a tall figure (many outlets) keeps its title and
    # legend beside the bars instead of inches away from them
    top, bottom = 0.45, 0.7 + 0.25 * legend_rows
    height = 0.4 * max(len(wide), 3) + top + bottom
    fig, ax = plt.subplots(figsize=(9, height))
    fig.subplots_adjust(top=1 - top / height, bottom=bottom / height)
    left = pd.Series(0.0, index=wide.index)
    for column in wide.columns:
        ax.barh(
            [str(x) for x in wide.index],
            wide[column],
            left=left,
            label=column,
            color=colours[column],
            edgecolor="white",
            linewidth=0.5,
        )
        left = left + wide[column]
    ax.set_xlim(0, 1)
    ax.set_ylim(len(wide) - 0.4, -0.6)  # first row on top; a fixed half-bar pad, not 5% of the rows
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.legend(loc="lower center", bbox_to_anchor=(0.5, 0.02), ncol=ncol, frameon=False)
    return fig


#: Share of typed quotes whose source type is unknown/other above which source balance is called unreliable.
MAX_UNKNOWN_SOURCES = 0.5
#: Source types that say nothing about who the source is.
UNTYPED_SOURCES = ("unknown", "other")
#: Fixed greys of the categories that say nothing about the source.
UNTYPED_COLOURS: dict[str, str] = {"other": "#6e6e6e", "unknown": "#9e9e9e", "none": "#cfcfcf"}
#: Source types in the typology's order, the untyped ones last.
SOURCE_TYPE_ORDER: tuple[str, ...] = (*(t for t in TYPES if t not in UNTYPED_SOURCES), "other", "unknown")


def source_count_sentence(quotes: pd.DataFrame) -> str:
    """Say how many people, organisations and documents are quoted, and the gender split with unknowns.

    A source is counted once per article it is quoted in, the variants of one person's name merged
    (:func:`analysis.framing.quotes.sources.source_keys`).

    Examples
    --------
    >>> q = pd.DataFrame({"article_id": ["a", "a", "a"], "speaker": ["Jane Roe", "Roe", "the report"],
    ...                   "speaker_canonical": ["Jane Roe", "Roe", "the report"],
    ...                   "source_type": ["expert", "expert", "document"],
    ...                   "speaker_is_person": [True, True, False],
    ...                   "speaker_gender": ["female", "female", "none"]})
    >>> source_count_sentence(q)
    'Sources (once per article): 1 person, 0 organisations, 1 document; 0 quotes unattributed. \
Quotes of people by gender: 100% women, 0% men, 0% unknown.'
    """
    keys = source_keys(quotes).assign(article_id=quotes["article_id"].astype(str).to_numpy())
    counted = keys[keys["source_kind"] != "unattributed"].drop_duplicates(["article_id", "source_id"])
    n = counted["source_kind"].value_counts()

    def many(k: int, one: str, more: str) -> str:
        return f"{k:,} {one if k == 1 else more}"

    text = (
        "Sources (once per article): "
        f"{many(int(n.get('person', 0)), 'person', 'people')}, "
        f"{many(int(n.get('organisation', 0)), 'organisation', 'organisations')}, "
        f"{many(int(n.get('document', 0)), 'document', 'documents')}; "
        f"{int((keys['source_kind'] == 'unattributed').sum()):,} quotes unattributed."
    )
    if "speaker_gender" in quotes.columns:
        people = quotes.loc[quotes["speaker_is_person"].fillna(False).astype(bool), "speaker_gender"]
        if len(people):
            share = people.fillna("unknown").value_counts(normalize=True)
            women, men = float(share.get("female", 0.0)), float(share.get("male", 0.0))
            unknown = 1 - women - men
            text += f" Quotes of people by gender: {women:.0%} women, {men:.0%} men, {unknown:.0%} unknown."
    return text


def outlet_sample_sentence(articles: pd.DataFrame, min_articles: int | None = None) -> tuple[str, bool]:
    """Say how many outlets have too few articles for their per-outlet shares to describe the outlet.

    An outlet with fewer than ``min_articles`` usable articles (default
    :class:`analysis.core.compare.CompareOptions`' ``min_articles``, the findings page's threshold
    for testing an outlet) is drawn and tabled like the others, but its shares and scores are those
    of a handful of articles. Returns the sentence and whether it is a warning (most outlets are thin).

    Examples
    --------
    >>> arts = pd.DataFrame({"outlet": ["A"] * 6 + ["B", "C"], "status": "ok"})
    >>> text, warn = outlet_sample_sentence(arts)
    >>> text.split(":")[0], warn
    ('2 of 3 outlets have fewer than 5 articles (B, C)', True)
    >>> outlet_sample_sentence(arts, min_articles=1)
    ('Every outlet has at least 1 article (fewest: 1).', False)
    """
    least = CompareOptions().min_articles if min_articles is None else int(min_articles)
    ok = ok_rows(articles)
    outlets = ok["outlet"].astype(str) if "outlet" in ok.columns else pd.Series(dtype=str)
    counts = outlets.value_counts()
    thin = counts[counts < least]
    if counts.empty:
        return "No outlet is named in this corpus, so nothing is compared per outlet.", True
    if thin.empty:
        unit = "article" if least == 1 else "articles"
        return f"Every outlet has at least {least} {unit} (fewest: {int(counts.min())}).", False
    names = sorted(thin.index)
    shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    return (
        f"{len(thin)} of {len(counts)} outlets have fewer than {least} articles ({shown}): their shares "
        f"and scores below describe those few articles, not the outlet; the findings page tests only "
        f"outlets with at least {least}.",
        2 * len(thin) > len(counts),
    )


def framing_notes(
    quotes: pd.DataFrame,
    frames_table: pd.DataFrame,
    stories_table: pd.DataFrame,
    articles: pd.DataFrame | None = None,
) -> dict[str, HTMLBlock]:
    """Return one visible line per framing section saying whether it means something for this corpus.

    Parameters
    ----------
    quotes : pandas.DataFrame
        The run's ``quotes`` table (``source_type`` used when present), typed with the corpus pass
        as ``source_balance`` types it (:func:`analysis.framing.quotes.corpus.corpus_typed`).
    frames_table : pandas.DataFrame
        The run's ``frames`` table.
    stories_table : pandas.DataFrame
        The run's ``stories`` table (``story, comparable``).
    articles : pandas.DataFrame, optional
        The loaded corpus; when given, ``outlets`` says how many outlets are too thin to describe
        (:func:`outlet_sample_sentence`).

    Returns
    -------
    dict of str to HTMLBlock
        ``sources``, ``frames``, ``omissions`` (and ``outlets``): a warning when the section is not
        meaningful (most sources untyped; frames firing in nearly every or almost no article; no
        story shared by two outlets; most outlets with too few articles), else a short note of
        what it rests on.
    """
    def block(text: str, warn: bool) -> HTMLBlock:
        cls = "of-warning" if warn else "of-note"
        inner = f"<strong>{html.escape(text)}</strong>" if warn else html.escape(text)
        return HTMLBlock(f'<p class="{cls}">{inner}</p>', text)

    notes: dict[str, HTMLBlock] = {}
    if articles is not None:
        notes["outlets"] = block(*outlet_sample_sentence(articles))
    if quotes.empty:
        notes["sources"] = block(
            "No quotes were found: source balance is not meaningful for this corpus.", True
        )
    else:
        quotes = corpus_typed(quotes, sources(None, quotes))
        types = (
            quotes["source_type"]
            if "source_type" in quotes.columns
            else pd.Series("unknown", index=quotes.index)
        )
        untyped = float(types.isin(UNTYPED_SOURCES).mean())
        text = f"{len(quotes):,} quotes; {untyped:.0%} have a source of unknown or other type."
        if {"speaker_canonical", "speaker_is_person"} <= set(quotes.columns):
            text += " " + source_count_sentence(quotes)
        if untyped >= MAX_UNKNOWN_SOURCES:
            text += " Half or more of the sources are untyped: read the shares by type with care."
        notes["sources"] = block(text, untyped >= MAX_UNKNOWN_SOURCES)
    if frames_table.empty:
        notes["frames"] = block("No frame was scored.", True)
    else:
        prevalence = frame_prevalence(frames_table)
        flagged = prevalence[prevalence["flag"].fillna("").astype(str) != ""]
        if flagged.empty:
            notes["frames"] = block(
                "Every frame fires in 5-80% of the articles, so each can tell outlets apart.", False
            )
        else:
            parts = [
                f"{r.label} ({r.share_with_frame:.0%} of articles)" for r in flagged.itertuples(index=False)
            ]
            notes["frames"] = block(
                "Not telling outlets apart here (firing in over 80% or under 5% of articles): "
                + "; ".join(parts)
                + ".",
                True,
            )
    comparable = (
        stories_table.loc[stories_table["comparable"].astype(bool), "story"].nunique()
        if len(stories_table) and "comparable" in stories_table.columns
        else 0
    )
    if comparable == 0:
        notes["omissions"] = block(
            "No story is covered by two or more outlets, so what each outlet leaves out cannot be computed.",
            True,
        )
    else:
        notes["omissions"] = block(f"{comparable} stories are covered by two or more outlets.", False)
    return notes


def codebook_line(frames_table: pd.DataFrame) -> HTMLBlock:
    """Return one line naming the codebook(s) and version(s) the frames were scored with."""
    if frames_table.empty or "codebook" not in frames_table.columns:
        return HTMLBlock("<p>Codebook: none</p>", "Codebook: none")
    pairs = frames_table[["codebook", "codebook_version"]].drop_duplicates().astype(str)
    text = "Codebook: " + "; ".join(f"{n} (version {v})" for n, v in pairs.itertuples(index=False))
    return HTMLBlock(f'<p class="of-note">{html.escape(text)}</p>', text)


def frame_validity(frames_table: pd.DataFrame) -> tuple[pd.DataFrame, HTMLBlock]:
    """Return the validity of the run's frames (a table) and one line on how it was measured.

    Parameters
    ----------
    frames_table : pandas.DataFrame
        The run's ``frames`` table (``frame, label, validity``).

    Returns
    -------
    (pandas.DataFrame, HTMLBlock)
        :func:`analysis.report.validation.frame_validity_table` for these frames (labels marked
        as in :func:`mark_frames`), and a note: the validation data, the micro-averaged
        precision and recall, the marked frames, and what a mark means.
    """
    if frames_table.empty:
        empty = frame_validity_table(frames_table.head(0).reindex(columns=["frame", "label", "validity"]))
        return empty, HTMLBlock('<p class="of-note">No frame was scored.</p>', "No frame was scored.")
    table = frame_validity_table(frames_table)
    table = mark_frames(table.assign(validity=table["status"])).drop(columns="validity")
    measured = table.dropna(subset=["precision"])
    parts = []
    if len(measured):
        rows = read_validation()
        data = rows.loc[(rows["measure"] == "frame") & rows["category"].isin(measured["frame"]), "data"]
        where = str(data.iloc[0]).split(";")[0] if len(data) else "the validation sample"
        micro_p, micro_r = frame_micro(measured)
        parts.append(
            f"Frame rules checked on {where}: micro-averaged precision {micro_p:.2f}, recall {micro_r:.2f} "
            f"over {len(measured)} frame{'s' if len(measured) != 1 else ''}."
        )
        parts.append(
            "The two codings were independent passes by AI sessions that saw neither the rules nor each "
            "other's codes: their agreement probably overstates what two human coders would reach."
        )
    labels = frames_table.drop_duplicates("frame").set_index("frame")["label"]
    weak = table.loc[table["status"] != VALIDATED]
    for status, group in weak.groupby("status", sort=False):
        names = ", ".join(str(labels.get(f, f)) for f in group["frame"])
        why = " (no coded sample, e.g. a corpus's own story frames)" if status == NOT_VALIDATED else ""
        parts.append(f"{status.capitalize()}{why}: {names}.")
    parts.append(
        "A frame is validated with at least 10 coded positives, agreement between the two codings "
        "(Krippendorff's alpha) of at least .67 and precision of at least .6; every other frame is marked "
        "beside its label: read its shares as exploratory."
    )
    text = " ".join(parts)
    return table, HTMLBlock(f'<p class="of-note">{html.escape(text)}</p>', text)
