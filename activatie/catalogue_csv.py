"""Write the catalogue as CSV in the import format (pure): export, import, export is identical.

One row per activity, provider and location columns repeated, list columns space-separated,
exactly the columns of ``seed.CSV_COLUMNS`` (README, "Import format"). The file is ``;``-separated
UTF-8 with a byte-order mark so Excel opens it; a text that starts like a formula gets a ``'``
in front, which the importer takes off again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .models import Activity
from .seed import CSV_COLUMNS, FORMULA_START
from .vocabulary import ACCESSIBILITY, ACTIVITY_FACETS, Vocabulary


def row(activity: Activity) -> dict[str, str]:
    """Return the import-format row of ``activity`` (with its provider and location)."""
    org, loc = activity.organisation, activity.location
    euro = "" if activity.cost_cents is None else f"{activity.cost_cents / 100:.2f}"
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
        "activiteit_sleutel": activity.slug,
        "titel": activity.title,
        "samenvatting": activity.summary,
        "beschrijving": activity.description,
        "programma": activity.programme,
        **{
            name: _keys(activity.facet(name), vocabulary)
            for name, vocabulary in ACTIVITY_FACETS.items()
        },
        "begeleiding": activity.guidance,
        "min_leeftijd": "" if activity.min_age is None else str(activity.min_age),
        "max_leeftijd": "" if activity.max_age is None else str(activity.max_age),
        "tijden": activity.schedule_note,
        "capaciteit": str(activity.capacity),
        "vrije_plekken": str(activity.free_places),
        "wachtlijst": "ja" if activity.waiting_list else "nee",
        "kosten": activity.cost,
        "eigen_bijdrage_euro": euro,
        "aanmelden": activity.access_route,
        "aanmelden_uitleg": activity.access_note,
        "status": activity.status,
        "laatst_bevestigd": activity.confirmed_on.isoformat(),
    }


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
