"""Simple accessible SVG bar charts, rendered on the server as strings (pure).

The Content-Security-Policy allows no inline style or script, so a chart uses only SVG
presentation attributes and classes (``chart-*``, styled in ``static/css/site.css``). Each chart
is ``role="img"`` with a ``<title>`` and a ``<desc>`` that reads out every value; the table next
to it carries the same figures for everyone who cannot see the bars.

A hidden figure ("<5", "x") gets no bar at all: a bar's length would give the number away.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
LABEL_WIDTH = 230  # room for the bar labels, right-aligned
VALUE_ROOM = 70  # room after the longest bar for its value
ROW = 28
BAR = 18
PAD = 8
MAX_LABEL = 32  # characters; longer labels are shortened (the full label is in <desc>)

_ID = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: hidden or not computed, no bar is drawn
    text: str  # as written at the end of the bar: "12", "<5", "x", "63%"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], summary: str = "") -> str:
    """Return an SVG horizontal bar chart with one bar per item, largest value = full width.

    :param chart_id: unique on the page; lower-case letters, digits and hyphens.
    :param summary: an opening sentence for the description; the values follow it.
    """
    if not _ID.match(chart_id):
        raise ValueError(f"chart id {chart_id!r}: use lower-case letters, digits and hyphens")
    height = PAD * 2 + ROW * max(len(bars), 1)
    longest = max((b.value for b in bars if b.value is not None), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    values = "; ".join(f"{b.label}: {b.text}" for b in bars) or "geen gegevens"
    description = f"{summary} {values}.".strip()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}"'
        f' width="{WIDTH}" height="{height}" role="img"'
        f' aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    if not bars:
        parts.append(
            f'<text class="chart-label" x="{PAD}" y="{PAD + ROW / 2}" dominant-baseline="middle">'
            "Geen gegevens in deze periode.</text>"
        )
    for index, bar in enumerate(bars):
        top = PAD + index * ROW
        middle = top + ROW / 2
        parts.append('<g class="chart-row">')
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{_number(middle)}"'
            f' text-anchor="end" dominant-baseline="middle">{escape(_short(bar.label))}</text>'
        )
        end = LABEL_WIDTH
        if bar.value is not None and bar.value > 0:
            length = max(room * bar.value / longest, 2)
            end = LABEL_WIDTH + length
            parts.append(
                f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{_number(top + (ROW - BAR) / 2)}"'
                f' width="{_number(length)}" height="{BAR}" fill="#00557a"/>'
            )
        css = "chart-value" if bar.value is not None else "chart-value chart-hidden"
        parts.append(
            f'<text class="{css}" x="{_number(end + 6)}" y="{_number(middle)}"'
            f' dominant-baseline="middle">{escape(bar.text)}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)
