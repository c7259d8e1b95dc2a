"""Catalogue export in the import format: export, import into an empty database, export again."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from activatie import catalogue, seed
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
