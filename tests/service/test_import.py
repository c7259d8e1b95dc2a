"""The import command: every row checked, Dutch messages with line numbers, all or nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session, func, select

from activatie import catalogue, seed
from activatie.geocoding import make_geocoder
from activatie.models import Activity, Location, Organisation
from activatie.seed import CSV_COLUMNS

HEADER = ",".join(CSV_COLUMNS)


def row(**changes: str) -> str:
    values = example_values(**changes)
    return ",".join(f'"{values[c]}"' for c in CSV_COLUMNS)


def example_values(**changes: str) -> dict[str, str]:
    return {
        "aanbieder_sleutel": "buurtkeuken-oost",
        "aanbieder_naam": "Buurtkeuken Oost",
        "aanbieder_soort": "welzijn",
        "aanbieder_beschrijving": "Samen koken en eten.",
        "aanbieder_website": "https://voorbeeld.nl/keuken",
        "aanbieder_telefoon": "038 555 00 00",
        "aanbieder_email": "info@voorbeeld.nl",
        "locatie_sleutel": "keuken",
        "locatie_naam": "De keuken",
        "locatie_straat": "Assendorperstraat",
        "locatie_huisnummer": "10",
        "locatie_postcode": "8012",
        "locatie_plaats": "Zwolle",
        "locatie_latitude": "",
        "locatie_longitude": "",
        "locatie_toegankelijkheid": "rolstoel ov_dichtbij",
        "activiteit_sleutel": "koken",
        "titel": "Samen koken",
        "samenvatting": "Koken voor de buurt.",
        "beschrijving": "U kookt met een kleine groep.",
        "programma": "sah",
        "soorten": "koken",
        "behoeften": "sociale_contacten;dagritme",
        "doelgroepen": "eenzaamheid",
        "begeleiding": "licht",
        "min_leeftijd": "18",
        "max_leeftijd": "",
        "dagdelen": "di_middag, do_middag",
        "tijden": "dinsdag en donderdag 14.00 - 17.00 uur",
        "capaciteit": "8",
        "vrije_plekken": "2",
        "wachtlijst": "ja",
        "kosten": "eigen_bijdrage",
        "eigen_bijdrage_euro": "2,50",
        "aanmelden": "bij_aanbieder",
        "aanmelden_uitleg": "Bel ons.",
        "status": "actief",
        "laatst_bevestigd": "2026-10-01",
    } | changes


def write(tmp_path: Path, *lines: str, header: str = HEADER, name: str = "import.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def counts(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    return tuple(  # type: ignore[return-value]
        session.exec(select(func.count()).select_from(model)).one()
        for model in (Organisation, Location, Activity)
    )


def run_import(app: Flask, path: Path):
    return app.test_cli_runner().invoke(args=["import", str(path)])


def test_a_valid_file_is_imported_with_its_values(
    app: Flask, postcodes: None, session: Session, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        row(),
        row(
            activiteit_sleutel="eten",
            titel="Samen eten",
            soorten="koken ontmoeting",
            wachtlijst="nee",
            kosten="gratis",
            eigen_bijdrage_euro="",
        ),
    )
    result = run_import(app, path)
    assert result.exit_code == 0, result.output
    assert "activiteiten: 2 nieuw, 0 bijgewerkt" in result.output
    assert counts(session) == (1, 1, 2)
    cooking = session.exec(select(Activity).where(Activity.slug == "koken")).one()
    assert cooking.cost_cents == 250
    assert cooking.waiting_list is True
    assert cooking.slots == {"di_middag", "do_middag"}
    assert cooking.needs == {"sociale_contacten", "dagritme"}
    assert cooking.confirmed_on.isoformat() == "2026-10-01"
    location = cooking.location
    assert (location.district, location.district_code) == ("Assendorp", "WK019313")
    assert location.accessibility == {"rolstoel", "ov_dichtbij"}
    assert 52.4 < location.latitude < 52.6  # geocoded from the PC4 table


def test_importing_twice_updates_and_never_duplicates(
    app: Flask, postcodes: None, session: Session, tmp_path: Path
) -> None:
    run_import(app, write(tmp_path, row()))
    result = run_import(app, write(tmp_path, row(vrije_plekken="5")))
    assert "activiteiten: 0 nieuw, 1 bijgewerkt" in result.output
    assert counts(session) == (1, 1, 1)
    assert session.exec(select(Activity)).one().free_places == 5


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            [row(locatie_postcode="80A1")],
            "regel 3, kolom locatie_postcode: '80A1' is geen postcode",
        ),
        ([row(locatie_postcode="9999")], "We kennen postcode 9999 niet"),
        (
            [row(behoeften="sociale_contacten vliegen")],
            "regel 3, kolom behoeften: onbekende waarde 'vliegen'",
        ),
        ([row(begeleiding="veel")], "regel 3, kolom begeleiding: 'veel' is geen bekende waarde"),
        (
            [row(aanbieder_soort="winkel")],
            "regel 3, kolom aanbieder_soort: 'winkel' is geen bekende waarde",
        ),
        ([row(capaciteit="acht")], "regel 3, kolom capaciteit: moet een heel getal zijn"),
        ([row(vrije_plekken="9")], "vrije_plekken mag niet meer zijn dan capaciteit"),
        (
            [row(), row(titel="Nog eens")],
            "regel 4: activiteit 'koken' van aanbieder 'buurtkeuken-oost' staat ook op regel 3",
        ),
        (
            [row(), row(activiteit_sleutel="b", aanbieder_naam="Andere naam")],
            "regel 4: aanbieder 'buurtkeuken-oost' heeft hier een andere naam dan op regel 3",
        ),
        ([row(titel="")], "regel 3, kolom titel: ontbreekt"),
        (
            [row(), row(activiteit_sleutel="x", dagdelen="dinsdag")],
            "regel 4, kolom dagdelen: onbekende waarde 'dinsdag'",
        ),
    ],
)
def test_a_bad_row_is_reported_and_nothing_is_imported(
    app: Flask, postcodes: None, session: Session, tmp_path: Path, lines: list[str], expected: str
) -> None:
    good = row(aanbieder_sleutel="goed", activiteit_sleutel="g")  # line 2: fine on its own
    result = run_import(app, write(tmp_path, good, *lines))
    assert result.exit_code == 1
    assert "Er is niets geïmporteerd" in result.output
    assert expected in result.output
    assert counts(session) == (0, 0, 0)


def test_a_missing_column_is_named(
    app: Flask, postcodes: None, session: Session, tmp_path: Path
) -> None:
    columns = [c for c in CSV_COLUMNS if c != "begeleiding"]
    values = example_values()
    path = write(tmp_path, ",".join(f'"{values[c]}"' for c in columns), header=",".join(columns))
    result = run_import(app, path)
    assert result.exit_code == 1
    assert "regel 1: kolom ontbreekt: begeleiding" in result.output
    assert counts(session) == (0, 0, 0)


def test_semicolon_separated_files_from_dutch_spreadsheets_work(
    app: Flask, postcodes: None, session: Session, tmp_path: Path
) -> None:
    path = write(tmp_path, row().replace('","', '";"'), header=";".join(CSV_COLUMNS))
    assert run_import(app, path).exit_code == 0
    assert counts(session) == (1, 1, 1)


def test_the_template_in_seeds_is_a_valid_import(seeds_dir: Path) -> None:
    catalogue = seed.read_catalogue(seeds_dir / "import-sjabloon.csv")
    assert catalogue.organisations[0].activities


def test_json_import_reports_paths_and_imports_nothing(
    app: Flask, postcodes: None, session: Session, tmp_path: Path
) -> None:
    data = {
        "aanbieders": [
            {
                "sleutel": "a",
                "naam": "A",
                "soort": "welzijn",
                "locaties": [
                    {"sleutel": "l", "naam": "L", "straat": "Dijkstraat", "postcode": "8011"}
                ],
                "activiteiten": [
                    {
                        "sleutel": "x",
                        "titel": "X",
                        "locatie": "l",
                        "soorten": ["groen"],
                        "behoeften": ["herstel"],
                        "begeleiding": "licht",
                        "capaciteit": 3,
                        "vrije_plekken": -1,
                        "aanmelden": "vrij_inlopen",
                    }
                ],
            }
        ]
    }
    path = tmp_path / "import.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run_import(app, path)
    assert result.exit_code == 1
    assert "aanbieders.0.activiteiten.0.vrije_plekken: moet minstens 0 zijn" in result.output
    assert counts(session) == (0, 0, 0)


def test_an_unknown_file_type_is_refused(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "lijst.xlsx"
    path.write_bytes(b"PK")
    result = run_import(app, path)
    assert result.exit_code == 1
    assert "gebruik een .csv- of .json-bestand" in result.output


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 10, 1, 22, 30, tzinfo=UTC),  # 00:30 the next day in Zwolle (summer time)
        datetime(2026, 11, 27, 23, 30, tzinfo=UTC),  # 00:30 the next day (winter time)
        datetime(2026, 11, 27, 0, 5, tzinfo=UTC),
    ],
)
def test_a_confirmation_date_stays_that_zwolle_date_whatever_the_clock(
    postcodes: None, session: Session, tmp_path: Path, now: datetime
) -> None:
    path = write(tmp_path, row(laatst_bevestigd="2026-03-29"))  # the day summer time starts
    records = seed.read_catalogue(path)
    catalogue.load_catalogue(session, records, make_geocoder(session), now=now)
    cooking = session.exec(select(Activity).where(Activity.slug == "koken")).one()
    assert cooking.confirmed_on == date(2026, 3, 29)
