"""How numbers, amounts, distances and dates are written on our pages: the Dutch way (pure).

The one place for the decimal comma: templates use these as filters (``templating``), the
matching reasons, the reports and the Dutch error messages call them directly.
"""

from __future__ import annotations

from datetime import date, datetime

from .vocabulary import MONTHS

#: Month names on an axis with little room: the usual Dutch abbreviations ("mrt", not "maa").
SHORT_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def nl_number(value: float, decimals: int = 1, *, trim: bool = False) -> str:
    """Write ``value`` with ``decimals`` places and a decimal comma: ``6,4``.

    With ``trim``, a whole number is written without decimals: ``25``, but ``29,5``.
    """
    if trim and float(value).is_integer():
        return str(int(value))
    return f"{value:.{decimals}f}".replace(".", ",")


def nl_date(value: date | datetime | None) -> str:
    """Write a date the Dutch way: ``3 november 2026``."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def nl_month(value: date) -> str:
    """Write the month of ``value`` (any day in it): ``november 2026``."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def nl_short_month(value: date) -> str:
    """Write the month of ``value`` short, for a chart's axis: ``nov '26``."""
    return f"{SHORT_MONTHS[value.month - 1]} '{value.year % 100:02d}"


def km(value: float | None) -> str:
    """Write a distance in kilometres with one decimal: ``6,4 km``."""
    return "" if value is None else f"{nl_number(value)} km"


def euro(cents: int | None) -> str:
    """Write an amount in cents as euros: ``€ 2,50``."""
    if cents is None:
        return ""
    return f"€ {cents // 100},{cents % 100:02d}"
