"""Catalogue export in the import format: export, import into an empty database, export again."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from activatie import catalogue, catalogue_csv, seed
from activatie.models import Activity
from tests.conftest import empty_tables
from tests.factories import Factory, login_as


def _admin_export(client: FlaskClient, factory: Factory) -> bytes:
    login_as(client, factory.user("beheerder"))
    response = client.get("/beheer/catalogus.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return response.data


def test_export_import_export_is_identical(
    app: Flask, seeded, factory: Factory, engine: Engine, session: Session, tmp_path: Path
) -> None:
    # Texts a spreadsheet would run as a formula, and a negative longitude, survive too.
    tricky = session.exec(select(Activity).order_by(Activity.id)).first()
    tricky.title, tricky.summary = "=SOM(A1)", "-  min of meer"
    session.add(tricky)
    session.commit()
    first = _admin_export(app.test_client(), factory)
    text = first.decode("utf-8")
    assert text.startswith("\ufeffaanbieder_sleutel;aanbieder_naam;")
    assert ";'=SOM(A1);" in text
    assert len(text.splitlines()) == 1 + 64  # header + every seeded activity

    empty_tables(engine)
    catalogue.load_postcodes(session, seed.read_postcodes())
    path = tmp_path / "catalogus.csv"
    path.write_bytes(first)
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output

    second = _admin_export(app.test_client(), factory)
    assert second == first
    titles = {a.title for a in session.exec(select(Activity))}
    assert "=SOM(A1)" in titles and len(titles) > 50


def test_the_api_exports_only_what_is_public(client: FlaskClient, factory: Factory) -> None:
    factory.activity(title="Openbaar")
    factory.activity(title="Nog niet goedgekeurd", is_approved=False)
    factory.activity(title="Gestopt", status="beeindigd")
    response = client.get("/api/v1/catalogus")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    lines = response.data.decode("utf-8").splitlines()
    assert lines[0].lstrip("\ufeff").split(";") == seed.CSV_COLUMNS
    assert len(lines) == 2 and ";Openbaar;" in lines[1]


def test_neutralised_cells_are_restored_on_import() -> None:
    assert catalogue_csv.neutralise("=1+1") == "'=1+1"
    assert catalogue_csv.neutralise("gewoon") == "gewoon"
    header = ";".join(seed.CSV_COLUMNS)
    row = dict.fromkeys(seed.CSV_COLUMNS, "") | {
        "aanbieder_sleutel": "a",
        "aanbieder_naam": "'@Aanbieder",
        "aanbieder_soort": "welzijn",
        "locatie_sleutel": "l",
        "locatie_naam": "L",
        "locatie_straat": "Straat",
        "locatie_postcode": "8011",
        "activiteit_sleutel": "x",
        "titel": "'=Titel",
        "soorten": "groen",
        "behoeften": "herstel",
        "begeleiding": "licht",
        "capaciteit": "1",
        "vrije_plekken": "0",
        "aanmelden": "vrij_inlopen",
    }
    parsed = seed.parse_catalogue_csv(header + "\n" + ";".join(row[c] for c in seed.CSV_COLUMNS))
    org = parsed.organisations[0]
    assert org.name == "@Aanbieder" and org.activities[0].title == "=Titel"
