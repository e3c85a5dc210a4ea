"""Blocks and clean text of whole articles: :func:`paragraphs` and :func:`clean_articles`."""

from __future__ import annotations

import pandas as pd

from analysis.clean.classify import BYLINE_ROLE, block_rule, classify_blocks
from analysis.clean.extracted import REASON_HEADLINE, page_blocks
from analysis.clean.furniture import furniture_table
from analysis.clean.outlet import detect_outlet
from analysis.clean.segment import Block, segment
from analysis.clean.titles import derive_title, given_titles, strip_site_name
from analysis.schema import BLOCK_COLUMNS

#: Reason the page rules give a contact or contributor line (a byline in this layer's roles).
CONTACT_REASON = "contact or contributor line"


def has_extraction(extracted: object) -> bool:
    """Return True when a row carries an extractor's article (a non-empty ``extracted_text``)."""
    return isinstance(extracted, str) and bool(extracted.strip())


def article_blocks(
    raw: str,
    given_title: str | None,
    furniture: tuple[str, ...] = (),
    extracted: str | None = None,
) -> list[Block]:
    """Segment and classify one article's raw text (the blocks behind :func:`paragraphs`).

    ``furniture``: hashes of the lines that are its outlet's furniture (:func:`furniture_table`).
    ``extracted``: the article an extractor found in the page (an HTML row's ``extracted_text``);
    when given, the blocks are the page's blocks matched against it
    (:func:`analysis.clean.extracted.page_blocks`), with this layer's caption, byline and promo
    rules (:func:`analysis.clean.classify.block_rule`) run on the article's blocks.
    """
    if has_extraction(extracted):
        found = page_blocks(raw, extracted, title=given_title, rule=block_rule)
        if given_title and not any(b.reason == REASON_HEADLINE for b in found) and found:
            # a title given by metadata may differ from the headline the page prints: try the
            # page's own <title> without its site name
            headline = strip_site_name(found[0].text)
            again = page_blocks(raw, extracted, title=headline, rule=block_rule)
            if any(b.reason == REASON_HEADLINE for b in again):
                found = again
        return [
            Block(
                b.start,
                b.end,
                b.text,
                role=BYLINE_ROLE if b.reason == CONTACT_REASON else b.role,
                reason=b.reason,
            )
            for b in found
        ]
    blocks = segment(raw)
    classify_blocks(blocks, given_title, frozenset(furniture))
    return blocks


def extracted_texts(articles: pd.DataFrame) -> list[str | None]:
    """Return each row's ``extracted_text`` (None when the column is absent or the cell not a str)."""
    if "extracted_text" not in articles.columns:
        return [None] * len(articles)
    return [t if has_extraction(t) else None for t in articles["extracted_text"]]


# --------------------------------------------------------------------------- public API


def paragraphs(articles: pd.DataFrame, *, furniture: pd.Series | None = None) -> pd.DataFrame:
    r"""Split each article into blocks and say, for each block, whether it is body text and why.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``raw_text`` (or, failing that, ``text``).
        ``extracted_text`` is used when present (HTML pages): a row with a
        non-empty one is cut into the page's blocks, matched against that
        article. ``title`` is used when present: a given title (not one with
        ``title_derived`` True) marks the block that prints it as ``title``.
        ``outlet`` is used when present: lines recurring across an outlet's
        articles are its site furniture (:mod:`analysis.clean.furniture`).
    furniture : pandas.Series, optional
        Per article, the furniture line hashes it holds (aligned with
        ``articles``); default: :func:`furniture_table` of ``articles``.

    Returns
    -------
    pandas.DataFrame
        One row per block, in article order then text order: ``article_id``,
        ``position`` (0-based within the article), ``role`` (one of
        :data:`analysis.config.ROLES`), ``kept`` (bool: the block is part of
        ``text``), ``reason``, ``text`` (the block after whitespace repairs),
        ``start_char``, ``end_char`` (offsets into ``raw_text``), ``repairs``
        (``"; "``-joined descriptions, empty when none).

    Examples
    --------
    >>> import pandas as pd
    >>> raw = "Leaders meet in Paris for talks\nThe talks began.\nLeave a Reply"
    >>> paragraphs(pd.DataFrame({"article_id": ["a"], "raw_text": [raw]}))["role"].tolist()
    ['title', 'body', 'boilerplate']
    """
    column = "raw_text" if "raw_text" in articles.columns else "text"
    titles = given_titles(articles)
    furniture = furniture_table(articles) if furniture is None else furniture
    rows: list[tuple] = []
    rows_in = zip(
        articles["article_id"], articles[column], titles, furniture, extracted_texts(articles), strict=True
    )
    for article_id, raw, title, lines, extracted in rows_in:
        if not isinstance(raw, str) or not raw.strip():
            continue
        for position, b in enumerate(article_blocks(raw, title, lines, extracted)):
            rows.append(
                (
                    article_id,
                    position,
                    b.role,
                    b.role == "body",
                    b.reason,
                    b.text,
                    b.start,
                    b.end,
                    "; ".join(b.repairs),
                )
            )
    out = pd.DataFrame(rows, columns=list(BLOCK_COLUMNS))
    return out.astype({"position": int, "kept": bool, "start_char": int, "end_char": int})


def clean_articles(raw: pd.DataFrame, *, furniture: pd.Series | None = None) -> pd.DataFrame:
    r"""Add the clean body, the title and any outlet evidence to raw articles.

    Parameters
    ----------
    raw : pandas.DataFrame
        Needs ``article_id`` and ``raw_text``; ``title`` (a given title is
        kept), ``status`` (only ``ok`` rows are cleaned) and ``outlet``
        (site furniture) are used when present.
    furniture : pandas.Series, optional
        As for :func:`paragraphs`.

    Returns
    -------
    pandas.DataFrame
        A copy of ``raw`` with ``text`` (kept body blocks joined by a blank
        line; ``""`` for rows not ``ok``), ``title`` (given, else the detected
        headline, else the first body sentence), ``title_derived`` (bool: the
        title came from the first sentence), ``outlet_detected`` and
        ``outlet_type_detected`` (from a repost disclaimer, an agency sign-off
        such as ``(AFP)``, or an agency dateline; None when no evidence).

    Examples
    --------
    >>> import pandas as pd
    >>> text = "Talks resume in Geneva today\nThe talks began. (AFP)"
    >>> raw = pd.DataFrame({"article_id": ["a"], "raw_text": [text]})
    >>> clean_articles(raw)[["title", "text", "outlet_detected"]].iloc[0].tolist()
    ['Talks resume in Geneva today', 'The talks began.', 'AFP']
    """
    out = raw.copy()
    statuses = out["status"] if "status" in out.columns else pd.Series("ok", index=out.index)
    given = given_titles(out)
    furniture = furniture_table(out) if furniture is None else furniture
    texts, titles, derived, outlets, types = [], [], [], [], []
    rows_in = zip(out["raw_text"], statuses, given, furniture, extracted_texts(out), strict=True)
    for raw_text, status, title, lines, extracted in rows_in:
        if status != "ok" or not isinstance(raw_text, str) or not raw_text.strip():
            texts.append("")
            titles.append(title)
            derived.append(False)
            outlets.append(None)
            types.append(None)
            continue
        blocks = article_blocks(raw_text, title, lines, extracted)
        body = "\n\n".join(b.text for b in blocks if b.role == "body")
        texts.append(body)
        detected = next((b.text for b in blocks if b.role == "title"), None)
        if title is not None:
            titles.append(title)
            derived.append(False)
        elif detected is not None:
            titles.append(strip_site_name(detected))
            derived.append(False)
        elif body:
            titles.append(derive_title(body))
            derived.append(True)
        else:
            titles.append(None)
            derived.append(False)
        outlet, outlet_type = detect_outlet(blocks)
        outlets.append(outlet)
        types.append(outlet_type)
    out["text"] = texts
    out["title"] = pd.Series(titles, index=out.index, dtype=object)
    out["title_derived"] = pd.Series(derived, index=out.index, dtype=bool)
    out["outlet_detected"] = pd.Series(outlets, index=out.index, dtype=object)
    out["outlet_type_detected"] = pd.Series(types, index=out.index, dtype=object)
    return out
