"""Simple accessible SVG bar and line charts, rendered on the server as strings (pure).

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


def _open_svg(chart_id: str, title: str, description: str, height: int) -> list[str]:
    """Return the opening of a chart: ``role="img"`` named by its title, described by its desc."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}"'
        f' width="{WIDTH}" height="{height}" role="img"'
        f' aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


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
    parts = _open_svg(chart_id, title, description, height)
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


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per x label; None: hidden, a gap in the line
    texts: Sequence[str]  # as read out in <desc>: "12", "<5", "x"


#: One look per series that does not rely on colour alone: colour, dash and marker shape.
#: The colours keep a contrast of at least 3:1 against white (WCAG 1.4.11).
_LOOKS = (
    ("#00557a", "", "circle"),
    ("#b3261e", "6 3", "square"),
    ("#2e6b30", "2 3", "triangle"),
    ("#6a3d9a", "8 3 2 3", "diamond"),
    ("#7a5200", "1 2", "circle"),
)
LINE_HEIGHT = 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 28, 12, 40
_LEGEND_ROW = 22


def nice_scale(value: float, ticks: int = 4) -> tuple[float, int]:
    """Return (top, step) for an axis from 0: whole steps of 1, 2 or 5 × 10^k, at most
    ``ticks`` of them, the top at or above ``value`` (at least one step of 1)."""
    step = 1
    while step * ticks < value:
        for factor in (2, 2.5, 2):  # 1 → 2 → 5 → 10 → 20 → 50 → 100 ...
            step = int(step * factor)
            if step * ticks >= value:
                break
    top = max(step * -(-int(value) // step), step)
    return top, step


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return (
            f'<rect x="{_number(x - 3.5)}" y="{_number(y - 3.5)}" width="7" height="7"'
            f' fill="{colour}"/>'
        )
    if shape == "triangle":
        points = f"{_number(x)},{_number(y - 4.5)} {_number(x - 4.5)},{_number(y + 3.5)} "
        points += f"{_number(x + 4.5)},{_number(y + 3.5)}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if shape == "diamond":
        points = f"{_number(x)},{_number(y - 5)} {_number(x - 5)},{_number(y)} "
        points += f"{_number(x)},{_number(y + 5)} {_number(x + 5)},{_number(y)}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{_number(x)}" cy="{_number(y)}" r="3.5" fill="{colour}"/>'


def line_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    summary: str = "",
    label_every: int = 3,
) -> str:
    """Return an SVG line chart: one line per series over the x labels (oldest first).

    A hidden value is a gap: the line stops before it and starts again after it, so no value
    can be read off the chart that the table does not show. The legend is part of the SVG; the
    ``<desc>`` reads out every value per series.
    """
    if not _ID.match(chart_id):
        raise ValueError(f"chart id {chart_id!r}: use lower-case letters, digits and hyphens")
    if len(series) > len(_LOOKS):
        raise ValueError(f"at most {len(_LOOKS)} series")
    for one in series:
        if len(one.values) != len(labels) or len(one.texts) != len(labels):
            raise ValueError(f"series {one.name!r}: one value and one text per label")
    legend_rows = (len(series) + 1) // 2
    height = LINE_HEIGHT + _LEGEND_ROW * legend_rows
    plot_width = WIDTH - _LEFT - _RIGHT
    plot_height = LINE_HEIGHT - _TOP - _BOTTOM
    shown = [v for one in series for v in one.values if v is not None]
    top_value, tick_step = nice_scale(max(shown, default=0))
    step_x = plot_width / max(len(labels) - 1, 1)

    def x_at(index: int) -> float:
        return _LEFT + index * step_x

    def y_at(value: float) -> float:
        return _TOP + plot_height * (1 - value / top_value)

    values = " ".join(
        f"{one.name}: "
        + ", ".join(f"{label} {text}" for label, text in zip(labels, one.texts, strict=True))
        + "."
        for one in series
    )
    description = f"{summary} {values}".strip() if series else f"{summary} geen gegevens".strip()
    parts = [*_open_svg(chart_id, title, description, height), '<g class="chart-axis">']
    for value in range(0, int(top_value) + 1, tick_step):
        y = y_at(value)
        parts.append(
            f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{_number(y)}" y2="{_number(y)}"'
            ' stroke="#767676" stroke-width="0.5"/>'
        )
        parts.append(
            f'<text class="chart-label" x="{_LEFT - 6}" y="{_number(y)}" text-anchor="end"'
            f' dominant-baseline="middle">{value}</text>'
        )
    last = len(labels) - 1
    for index, label in enumerate(labels):
        if (last - index) % label_every == 0:
            parts.append(
                f'<text class="chart-label" x="{_number(x_at(index))}"'
                f' y="{LINE_HEIGHT - _BOTTOM + 18}" text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</g>")
    for number, one in enumerate(series):
        colour, dash, shape = _LOOKS[number]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append('<g class="chart-series">')
        run: list[str] = []
        for index, value in enumerate([*one.values, None]):
            if value is not None:
                run.append(f"{_number(x_at(index))},{_number(y_at(value))}")
                continue
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}"'
                    f' stroke-width="2"{dashes}/>'
                )
            run = []
        for index, value in enumerate(one.values):
            if value is not None:
                parts.append(_marker(shape, x_at(index), y_at(value), colour))
        parts.append("</g>")
    for number, one in enumerate(series):
        colour, dash, shape = _LOOKS[number]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        x = _LEFT + (number % 2) * (plot_width / 2)
        y = LINE_HEIGHT + _LEGEND_ROW * (number // 2) + _LEGEND_ROW / 2 - 4
        parts.append('<g class="chart-legend">')
        parts.append(
            f'<line x1="{_number(x)}" x2="{_number(x + 30)}" y1="{_number(y)}" y2="{_number(y)}"'
            f' stroke="{colour}" stroke-width="2"{dashes}/>'
        )
        parts.append(_marker(shape, x + 15, y, colour))
        parts.append(
            f'<text class="chart-label" x="{_number(x + 38)}" y="{_number(y)}"'
            f' dominant-baseline="middle">{escape(one.name)}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)
