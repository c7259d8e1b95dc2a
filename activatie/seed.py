"""Read the seed files and import files into validated records.

``seeds/zwolle-pc4.csv`` holds the PC4 table (GeoNames centroids and CBS wijken, see
``seeds/README.md`` for sources and licences), ``seeds/aanbieders.json`` the example catalogue.
The import command reads the same JSON format, or a CSV with one row per activity (the format
is documented in the README and ``seeds/import-sjabloon.csv``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .activity_fields import CSV_FIELDS, FLAG, MONEY, TERMS
from .catalogue import CatalogueError
from .models import PostcodeArea
from .records import (
    ActivityRecord,
    CatalogueRecord,
    LocationRecord,
    OrganisationRecord,
    dutch_errors,
)
from .signposts import SignpostInfo

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

ORGANISATION_COLUMNS = {
    "aanbieder_sleutel": "sleutel",
    "aanbieder_naam": "naam",
    "aanbieder_soort": "soort",
    "aanbieder_beschrijving": "beschrijving",
    "aanbieder_website": "website",
    "aanbieder_telefoon": "telefoon",
    "aanbieder_email": "email",
}
LOCATION_COLUMNS = {
    "locatie_sleutel": "sleutel",
    "locatie_naam": "naam",
    "locatie_straat": "straat",
    "locatie_huisnummer": "huisnummer",
    "locatie_postcode": "postcode",
    "locatie_plaats": "plaats",
    "locatie_latitude": "latitude",
    "locatie_longitude": "longitude",
    "locatie_toegankelijkheid": "toegankelijkheid",
}
#: Column -> name in the JSON import format (``activiteit_sleutel`` is ``sleutel`` there).
ACTIVITY_COLUMNS = {f.csv: f.record_key for f in CSV_FIELDS}
CSV_COLUMNS = [*ORGANISATION_COLUMNS, *LOCATION_COLUMNS, *ACTIVITY_COLUMNS]
REQUIRED_COLUMNS = [
    "aanbieder_sleutel",
    "aanbieder_naam",
    "aanbieder_soort",
    "locatie_sleutel",
    "locatie_naam",
    "locatie_straat",
    "locatie_postcode",
    *(f.csv for f in CSV_FIELDS if f.required),
]
LIST_FIELDS = {"toegankelijkheid", *(f.record_key for f in CSV_FIELDS if f.kind == TERMS)}
_YES_NO_FIELDS = {f.record_key for f in CSV_FIELDS if f.kind == FLAG}
_DECIMAL_FIELDS = {"latitude", "longitude", *(f.record_key for f in CSV_FIELDS if f.kind == MONEY)}
_LIST_SEPARATORS = re.compile(r"[\s,;|]+")
_YES_NO = {"ja": "true", "nee": "false", "j": "true", "n": "false"}
#: A spreadsheet runs a cell that starts with one of these; exports put a ``'`` in front.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def read_postcodes(path: Path | None = None) -> list[PostcodeArea]:
    """Read the PC4 reference table (``pc4,latitude,longitude,place,wijk_code,wijk_name,...``).

    The postal place is Zwolle for every PC4 in the table, also where ``place`` names a village
    (Windesheim, Wijthmen, Haerst), so ``city`` is always ``Zwolle``.
    """
    path = path or SEEDS / "zwolle-pc4.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            PostcodeArea(
                pc4=row["pc4"].strip(),
                city="Zwolle",
                district=row["wijk_name"].strip() or None,
                district_code=row["wijk_code"].strip() or None,
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
            for row in csv.DictReader(handle)
        ]


def read_signposts(path: Path | None = None) -> list[SignpostInfo]:
    """Read the example signposts (``seeds/verwijzingen.json``); each is marked as example data."""
    path = path or SEEDS / "verwijzingen.json"
    entries = json.loads(path.read_text(encoding="utf-8"))["verwijzingen"]
    return [
        SignpostInfo(
            key=entry["sleutel"],
            name=entry["naam"],
            purpose=entry["waarvoor"],
            audience=entry["voor_wie"],
            text=entry["tekst"],
            phone=entry.get("telefoon", ""),
            website=entry.get("website", ""),
            address=entry.get("adres", ""),
            is_example=True,
        )
        for entry in entries
    ]


def read_catalogue(path: Path) -> CatalogueRecord:
    """Read a catalogue from a JSON or CSV file; raise CatalogueError listing every problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        problem = f"het bestand kan niet gelezen worden ({type(error).__name__})"
        raise CatalogueError([(str(path), problem)]) from None
    if path.suffix.lower() == ".json":
        return parse_catalogue_json(text)
    if path.suffix.lower() == ".csv":
        return parse_catalogue_csv(text)
    raise CatalogueError([(str(path), "gebruik een .csv- of .json-bestand")])


def parse_catalogue_json(text: str) -> CatalogueRecord:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogueError([(f"regel {error.lineno}", "dit is geen geldige JSON")]) from None
    try:
        return CatalogueRecord.model_validate(data)
    except ValidationError as error:
        raise CatalogueError(dutch_errors(error)) from None


def parse_catalogue_csv(text: str) -> CatalogueRecord:
    """Parse one row per activity into a catalogue, checking every row before returning."""
    header = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = [name.strip() for name in reader.fieldnames or []]
    problems: list[tuple[str, str]] = []
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    unknown = [name for name in columns if name not in CSV_COLUMNS]
    if missing:
        problems.append(("regel 1", f"kolom ontbreekt: {', '.join(missing)}"))
    if unknown:
        problems.append(("regel 1", f"onbekende kolom: {', '.join(unknown)}"))
    if problems:
        raise CatalogueError(problems)
    reader.fieldnames = columns

    organisations: dict[str, dict[str, Any]] = {}
    first_line: dict[tuple[str, ...], int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append((f"regel {line}", "deze regel heeft meer kolommen dan de kopregel"))
            continue
        if not any((value or "").strip() for value in row.values()):
            continue
        org = _pick(row, ORGANISATION_COLUMNS)
        loc = _pick(row, LOCATION_COLUMNS)
        act = _pick(row, ACTIVITY_COLUMNS)
        act["locatie"] = loc.get("sleutel", "")
        row_problems = (
            _check(OrganisationRecord, {**org, "locaties": [loc]}, line, skip={"locaties"})
            + _check(LocationRecord, loc, line, prefix="locatie_")
            + _check(ActivityRecord, act, line, rename={"sleutel": "activiteit_sleutel"})
        )
        if row_problems:
            problems += row_problems
            continue
        key = (org["sleutel"], act["sleutel"])
        if key in first_line:
            problems.append(
                (
                    f"regel {line}",
                    f"activiteit '{act['sleutel']}' van aanbieder '{org['sleutel']}' "
                    f"staat ook op regel {first_line[key]}",
                )
            )
            continue
        first_line[key] = line
        entry = organisations.setdefault(
            org["sleutel"], {**org, "locaties": {}, "activiteiten": [], "_line": line}
        )
        for name, value in org.items():
            if entry[name] != value:
                problems.append(
                    (
                        f"regel {line}",
                        f"aanbieder '{org['sleutel']}' heeft hier een andere {name} "
                        f"dan op regel {entry['_line']}",
                    )
                )
                break
        known = entry["locaties"].get(loc["sleutel"])
        if known is None:
            entry["locaties"][loc["sleutel"]] = {**loc, "_line": line}
        elif any(known.get(name) != value for name, value in loc.items()):
            problems.append(
                (
                    f"regel {line}",
                    f"locatie '{loc['sleutel']}' heeft hier andere gegevens "
                    f"dan op regel {known['_line']}",
                )
            )
        entry["activiteiten"].append(act)
    if problems:
        raise CatalogueError(problems)
    if not organisations:
        raise CatalogueError([("regel 2", "het bestand bevat geen activiteiten")])
    data = {
        "aanbieders": [
            {
                **{k: v for k, v in org.items() if k not in ("_line", "locaties")},
                "locaties": [
                    {k: v for k, v in loc.items() if k != "_line"}
                    for loc in org["locaties"].values()
                ],
            }
            for org in organisations.values()
        ]
    }
    try:
        return CatalogueRecord.model_validate(data)
    except ValidationError as error:  # pragma: no cover - rows were checked one by one
        raise CatalogueError(dutch_errors(error)) from None


def _pick(row: dict[str, str | None], columns: dict[str, str]) -> dict[str, Any]:
    """Map CSV columns to record fields, dropping empty optional values."""
    result: dict[str, Any] = {}
    for column, name in columns.items():
        if column not in row:
            continue
        value = (row[column] or "").strip()
        if value.startswith("'") and value[1:].startswith(FORMULA_START):
            value = value[1:]  # neutralised by an export (catalogue_csv.neutralise)
        if name in LIST_FIELDS:
            result[name] = [part for part in _LIST_SEPARATORS.split(value) if part]
        elif value == "":
            if name in ("sleutel",):
                result[name] = value
            continue
        elif name in _YES_NO_FIELDS:
            result[name] = _YES_NO.get(value.lower(), value)
        elif name in _DECIMAL_FIELDS:
            result[name] = value.replace(",", ".")
        else:
            result[name] = value
    return result


def _check(
    model: type,
    data: dict[str, Any],
    line: int,
    *,
    prefix: str = "",
    rename: dict[str, str] | None = None,
    skip: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[tuple[str, str]]:
    try:
        model.model_validate(data)  # type: ignore[attr-defined]
    except ValidationError as error:
        problems = []
        for path, message in dutch_errors(error):
            field = path.split(".")[0]
            if field in skip:
                continue
            column = (rename or {}).get(field) or f"{prefix}{field}" if field else ""
            if model is OrganisationRecord and field:
                column = f"aanbieder_{field}"
            where = f"regel {line}, kolom {column}" if column else f"regel {line}"
            problems.append((where, message))
        return problems
    return []
