"""Blueprints, one per audience."""

from __future__ import annotations

from flask import Response, abort

MAX_ID = 2**31 - 1


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
