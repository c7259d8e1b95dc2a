"""Write the catalogue as CSV in the import format (pure): export, import, export is identical.

One row per activity, provider and location columns repeated, list columns space-separated,
exactly the columns of ``seed.CSV_COLUMNS`` (README, "Import format"; the activity's columns and
how each kind of value is written come from ``activity_fields``). The file is ``;``-separated
UTF-8 with a byte-order mark so Excel opens it; a text that starts like a formula gets a ``'``
in front, which the importer takes off again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .activity_fields import CSV_FIELDS, DATE, FLAG, MONEY, TERMS, ActivityField
from .models import Activity
from .seed import CSV_COLUMNS, FORMULA_START
from .vocabulary import ACCESSIBILITY, Vocabulary


def row(activity: Activity) -> dict[str, str]:
    """Return the import-format row of ``activity`` (with its provider and location)."""
    org, loc = activity.organisation, activity.location
    return {
        "aanbieder_sleutel": org.slug,
        "aanbieder_naam": org.name,
        "aanbieder_soort": org.kind,
        "aanbieder_beschrijving": org.description,
        "aanbieder_website": org.website,
        "aanbieder_telefoon": org.phone,
        "aanbieder_email": org.email,
        "locatie_sleutel": loc.slug,
        "locatie_naam": loc.name,
        "locatie_straat": loc.street,
        "locatie_huisnummer": loc.house_number,
        "locatie_postcode": loc.postcode,
        "locatie_plaats": loc.city,
        "locatie_latitude": repr(loc.latitude),
        "locatie_longitude": repr(loc.longitude),
        "locatie_toegankelijkheid": _keys(loc.accessibility, ACCESSIBILITY),
        **{f.csv: cell(activity, f) for f in CSV_FIELDS},  # type: ignore[misc]
    }


def cell(activity: Activity, field: ActivityField) -> str:
    """Return the import-format text of one field of ``activity`` (see ``activity_fields``)."""
    if field.kind == TERMS:
        return _keys(activity.facet(field.csv or ""), field.vocabulary)  # type: ignore[arg-type]
    value = getattr(activity, field.attr)
    if value is None:
        return ""
    if field.kind == FLAG:
        return "ja" if value else "nee"
    if field.kind == MONEY:
        return f"{value / 100:.2f}"
    if field.kind == DATE:
        return value.isoformat()
    return str(value)


def to_csv(activities: Iterable[Activity]) -> str:
    """Return the CSV text of ``activities``, ordered by provider and activity key."""
    rows = sorted(
        (row(a) for a in activities),
        key=lambda r: (r["aanbieder_sleutel"], r["activiteit_sleutel"]),
    )
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a byte-order mark: Excel then reads UTF-8
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: neutralise(v) for k, v in r.items()} for r in rows)
    return buffer.getvalue()


def neutralise(value: str) -> str:
    """Keep a spreadsheet from running a text as a formula (CSV injection)."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def _keys(keys: Iterable[str], vocabulary: Vocabulary) -> str:
    return " ".join(sorted(keys, key=vocabulary.index))
