"""Blueprints, one per audience."""

from __future__ import annotations

from datetime import datetime

from flask import Response, abort, current_app

from .. import queries
from ..models import local_today

MAX_ID = 2**31 - 1


def public_since() -> datetime:
    """Listings last confirmed before this moment are hidden from the public (HIDE_AFTER_DAYS)."""
    return queries.hidden_before(local_today(), current_app.config["HIDE_AFTER_DAYS"])


def is_stale(confirmed_at: datetime) -> bool:
    """Whether a listing is flagged "niet recent gecontroleerd" (STALE_AFTER_DAYS)."""
    since = queries.hidden_before(local_today(), current_app.config["STALE_AFTER_DAYS"])
    return not queries.is_confirmed_at_or_after(confirmed_at, since)


def parse_id(raw: str, what: str) -> int:
    """Return ``raw`` as a database id, or answer 404 with a Dutch message."""
    if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        abort(
            404, description=f"{what} '{raw[:20]}' bestaat niet. Een nummer is een getal, zoals 12."
        )
    return int(raw)


def csv_download(text: str, filename: str) -> Response:
    """Answer ``text`` as a CSV file to save under ``filename``."""
    return Response(
        text.encode("utf-8"),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )
