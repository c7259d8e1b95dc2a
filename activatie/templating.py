"""Jinja filters and globals: Dutch dates, numbers and vocabulary labels."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, request

from . import vocabulary
from .filters import count_chosen
from .phone import tel_uri
from .stats import month_label
from .vocabulary import MONTHS

#: The gemeente's general number, shown (and dialled) on resident pages.
GEMEENTE_PHONE = "14 038"


def nl_date(value: date | datetime | None) -> str:
    """Format a date the Dutch way: ``3 november 2026``."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def nl_number(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def km(value: float | None) -> str:
    return "" if value is None else f"{nl_number(value)} km"


def euro(cents: int | None) -> str:
    if cents is None:
        return ""
    return f"€ {cents // 100},{cents % 100:02d}"


def url_with(**changes: Any) -> str:
    """Return the current URL with some query parameters replaced (None removes one)."""
    args = request.args.to_dict(flat=False)
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = [str(value)]
    query = urlencode(args, doseq=True)
    return f"{request.path}?{query}" if query else request.path


def selected_list(args: Any, name: str) -> list[str]:
    """Return the values of a list parameter, repeated or comma-separated, as typed."""
    return [part for raw in args.getlist(name) for part in raw.split(",") if part]


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        nl_date=nl_date, km=km, euro=euro, nl_number=nl_number, month_label=month_label
    )
    app.jinja_env.filters["tel"] = tel_uri
    from .views import is_stale  # the views package imports this module's app at run time

    app.jinja_env.globals.update(
        vocab=vocabulary,
        url_with=url_with,
        selected_list=selected_list,
        is_stale=is_stale,
        count_chosen=count_chosen,
        gemeente_phone=GEMEENTE_PHONE,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
