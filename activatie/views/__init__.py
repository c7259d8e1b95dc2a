"""Blueprints, one per audience."""

from __future__ import annotations

from flask import abort

from ..filters import ascii_id

MAX_ID = 2**31 - 1


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
