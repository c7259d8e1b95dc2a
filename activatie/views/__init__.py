"""Blueprints, one per audience."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask import Response, abort, current_app

from .. import queries
from ..filters import ascii_id
from ..forms import Form
from ..models import local_today

MAX_ID = 2**31 - 1


def public_since() -> datetime:
    """Listings last confirmed before this moment are hidden from the public (HIDE_AFTER_DAYS)."""
    return queries.hidden_before(local_today(), current_app.config["HIDE_AFTER_DAYS"])


def is_stale(confirmed_at: datetime) -> bool:
    """Whether a listing is flagged "niet recent gecontroleerd" (STALE_AFTER_DAYS)."""
    since = queries.hidden_before(local_today(), current_app.config["STALE_AFTER_DAYS"])
    return not queries.is_confirmed_at_or_after(confirmed_at, since)


def optional_id(raw: str | None) -> int | None:
    """Return ``raw`` as a database id, or None when it is not one (for optional parameters)."""
    number = ascii_id(raw or "")
    return number if number is not None and 0 < number <= MAX_ID else None


def parse_id(raw: str, what: str) -> int:
    """Return ``raw`` as a database id (ASCII digits, 1 to 2**31 - 1), or answer a Dutch 404.

    Every ``<raw_id>`` route goes through here, so no id can reach ``int()`` or the database
    unchecked.
    """
    number = optional_id(raw)
    if number is None:
        abort(
            404, description=f"{what} '{raw[:20]}' bestaat niet. Een nummer is een getal, zoals 12."
        )
    return number


def show_errors(form: Form, errors: Mapping[str, str], fields: Mapping[str, str]) -> None:
    """Put a service's messages, keyed by its own names, on the form fields ``fields`` names.

    :param fields: domain name (``note``) -> form field (``notitie``); it must cover every name
        the service may use (a test per map checks that).
    """
    for name, message in errors.items():
        getattr(form, fields[name]).errors = [message]


def csv_download(text: str, filename: str) -> Response:
    """Answer ``text`` as a CSV file to save under ``filename``."""
    return Response(
        text.encode("utf-8"),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )
