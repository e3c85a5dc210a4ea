"""Display helpers: the colour-blind-safe style, formatted tables, labelled figures, collapsible evidence."""

from __future__ import annotations

import html
import io
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.report.params import OKABE_ITO

if TYPE_CHECKING:
    pass


def setup_style() -> None:
    """Set the shared matplotlib style: Okabe–Ito colours, readable sizes, reproducible output."""
    import matplotlib

    matplotlib.use("Agg", force=False) if "ipykernel" not in sys.modules else None
    from cycler import cycler

    matplotlib.rcParams.update(
        {
            "axes.prop_cycle": cycler(color=list(OKABE_ITO)),
            "figure.figsize": (8.0, 4.0),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "font.size": 10,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "svg.hashsalt": "outlet-framing",
            "image.cmap": "cividis",
        }
    )


def outlet_colors(outlets: Iterable[str]) -> dict[str, str]:
    """Map each outlet (sorted) to an Okabe–Ito colour, cycling after eight.

    Examples
    --------
    >>> outlet_colors(["b", "a"])
    {'a': '#E69F00', 'b': '#56B4E9'}
    """
    return {name: OKABE_ITO[i % len(OKABE_ITO)] for i, name in enumerate(sorted(set(outlets)))}


def figure_png(fig) -> bytes:
    """Render a matplotlib figure to PNG bytes with no time or software stamp (byte-reproducible)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None}, dpi=100)
    return buffer.getvalue()


def check_labels(fig) -> None:
    """Raise ``ValueError`` when a visible axis of ``fig`` lacks a title or an axis label."""
    for ax in fig.get_axes():
        if not ax.get_visible() or not ax.axison or ax.get_label() == "<colorbar>":
            continue
        if not (ax.get_title() or fig._suptitle):
            raise ValueError("every figure needs a title (ax.set_title or fig.suptitle)")
        if not ax.get_xlabel() and not ax.get_ylabel():
            raise ValueError(f"figure {ax.get_title()!r}: label the axes (with units)")


#: Tables longer than this are sortable and searchable in the HTML reports.
INTERACTIVE_MIN_ROWS = 10
#: Rows a report page holds per interactive table at most (the CSV has every row).
INTERACTIVE_MAX_ROWS = 1000


def _format_cell(value: Any, decimals: int) -> str:
    if value is None or (not isinstance(value, (str, list, tuple, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{decimals}f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def format_table(table: pd.DataFrame, *, decimals: int = 2, max_chars: int = 120) -> pd.DataFrame:
    """Return a display copy of a table: numbers rounded with thousands separators, long text shortened.

    Parameters
    ----------
    table : pandas.DataFrame
        Any table.
    decimals : int, default 2
        Decimals for floats.
    max_chars : int, default 120
        Longer strings are cut with an ellipsis.

    Returns
    -------
    pandas.DataFrame
        Same shape, every cell a string.

    Examples
    --------
    >>> format_table(pd.DataFrame({"x": [1234.5], "n": [3]})).iloc[0].tolist()
    ['1,234.50', '3']
    """
    out = table.copy()
    for column in out.columns:
        out[column] = [
            (s if len(s) <= max_chars else s[: max_chars - 1] + "…")
            for s in (_format_cell(v, decimals) for v in out[column].tolist())
        ]
    return out


@dataclass
class Table:
    """A formatted table for display: escaped HTML in reports, aligned text in nbval and terminals.

    ``frame`` is what the text form shows (the first rows); ``interactive``, when set, holds
    the rows the HTML form shows as a sortable, searchable table (up to
    :data:`INTERACTIVE_MAX_ROWS`; the CSV has every row).
    """

    frame: pd.DataFrame
    caption: str = ""
    csv: str = ""
    note: str = ""
    interactive: pd.DataFrame | None = None
    total_rows: int | None = None

    def __repr__(self) -> str:
        head = f"{self.caption}\n" if self.caption else ""
        body = self.frame.to_string(index=False) if len(self.frame) else "(no rows)"
        return head + body

    def _repr_html_(self) -> str:
        parts = ['<div class="of-table">']
        if self.caption:
            parts.append(f'<p class="of-caption"><strong>{html.escape(self.caption)}</strong></p>')
        note = self.note
        if self.interactive is not None and len(self.interactive):
            classes = "of-data of-interactive"
            parts.append(self.interactive.to_html(index=False, escape=True, border=0, classes=classes))
            total = self.total_rows if self.total_rows is not None else len(self.interactive)
            shown = len(self.interactive)
            note = (
                f"Sort by a column header, filter with the search box; {shown:,} of {total:,} rows."
                if shown < total
                else f"Sort by a column header, filter with the search box; {total:,} rows."
            )
        elif len(self.frame):
            parts.append(self.frame.to_html(index=False, escape=True, border=0, classes="of-data"))
        else:
            parts.append("<p><em>(no rows)</em></p>")
        foot = " ".join(x for x in (note, f"CSV: tables/{self.csv}" if self.csv else "") if x)
        if foot:
            parts.append(f'<p class="of-note">{html.escape(foot)}</p>')
        parts.append("</div>")
        return "\n".join(parts)


@dataclass
class HTMLBlock:
    """Pre-escaped HTML with a plain-text fallback (for nbval and terminals)."""

    html: str
    text: str

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return self.html


def details_html(items: Sequence[tuple[str, str]], *, summary: str) -> HTMLBlock:
    """Return a collapsible ``<details>`` block of (label, text) items; every string is escaped.

    Parameters
    ----------
    items : sequence of (str, str)
        Label and body text of each item.
    summary : str
        Visible summary line.

    Returns
    -------
    HTMLBlock

    Examples
    --------
    >>> "<script>" in details_html([("a", "<script>x</script>")], summary="s").html
    False
    """
    rows = "".join(
        f'<li><strong>{html.escape(label)}</strong><pre class="of-text">{html.escape(text)}</pre></li>'
        for label, text in items
    )
    markup = f'<details class="of-details"><summary>{html.escape(summary)}</summary><ul>{rows}</ul></details>'
    plain = summary + "".join(f"\n  {label}: {text[:80]!r}" for label, text in items)
    return HTMLBlock(markup, plain)
