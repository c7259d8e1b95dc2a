"""The read-only JSON API: shapes, every filter, and problem+json errors."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from activatie import openapi, seed
from tests import catalogue
from tests.factories import Factory


@pytest.fixture
def small(factory: Factory) -> catalogue.Small:
    return catalogue.build(factory)


def titles(body: dict) -> list[str]:
    return [item["titel"] for item in body["activiteiten"]]


def test_activity_list_has_paging_links_and_full_items(client: FlaskClient, small) -> None:
    response = client.get("/api/v1/activiteiten")
    assert response.status_code == 200
    assert response.headers["API-Version"] == openapi.VERSION == "1.1.0"
    body = response.get_json()
    assert body["paginering"] == {"pagina": 1, "per_pagina": 20, "totaal": 3, "paginas": 1}
    bikes = next(a for a in body["activiteiten"] if a["titel"] == "Fietsen repareren")
    assert bikes["soorten"] == ["hout_techniek", "fietsen"]  # vocabulary order
    assert bikes["dagdelen"] == ["do_middag"]
    assert bikes["vrije_plekken"] == 0 and bikes["wachtlijst"] is True
    assert bikes["eigen_bijdrage_euro"] == 2.5
    assert bikes["locatie"]["wijk"] == "Stadshagen"
    assert bikes["locatie"]["wijkcode"] == "WK019322"
    assert bikes["aanbieder"]["naam"] == "Fietsenwerkplaats Noord"
    assert bikes["_links"]["self"]["href"] == f"/api/v1/activiteiten/{small.bikes.id}"
    assert "afstand_km" not in bikes


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("soorten=groen,fietsen", ["Fietsen repareren", "Stadsmoestuin"]),
        ("behoeften=bewegen", ["Voetbal voor iedereen"]),
        ("dagen=do", ["Fietsen repareren"]),
        ("dagdelen=ochtend", ["Stadsmoestuin", "Voetbal voor iedereen"]),
        ("dagdelen=za_ochtend&dagdelen=di_ochtend", ["Stadsmoestuin", "Voetbal voor iedereen"]),
        ("toegankelijkheid=prikkelarm", ["Stadsmoestuin"]),
        ("alleen_vrije_plekken=true", ["Stadsmoestuin", "Voetbal voor iedereen"]),
        ("leeftijd=12", ["Voetbal voor iedereen"]),
        ("leeftijd=13", []),
        ("leeftijd=18", ["Fietsen repareren", "Stadsmoestuin"]),
        ("programma=sah", ["Fietsen repareren", "Stadsmoestuin"]),
        ("q=groenten", ["Stadsmoestuin"]),
        ("postcode=8011&max_afstand_km=3.5", ["Stadsmoestuin", "Voetbal voor iedereen"]),
    ],
)
def test_each_filter_works_in_the_api(client: FlaskClient, small, query: str, expected) -> None:
    body = client.get(f"/api/v1/activiteiten?{query}").get_json()
    assert titles(body) == expected


def test_distances_are_returned_nearest_first(client: FlaskClient, small) -> None:
    body = client.get("/api/v1/activiteiten?postcode=8011AB").get_json()
    distances = [item["afstand_km"] for item in body["activiteiten"]]
    assert distances == sorted(distances)
    assert titles(body)[0] == "Stadsmoestuin"
    assert 2.0 < distances[1] < 5.0


def test_paging_links(client: FlaskClient, app, factory: Factory) -> None:
    app.config["PAGE_SIZE"] = 2
    for n in range(3):
        factory.activity(title=f"Klus {n}")
    body = client.get("/api/v1/activiteiten?soorten=groen").get_json()
    assert body["_links"]["next"]["href"] == "/api/v1/activiteiten?soorten=groen&pagina=2"
    second = client.get(body["_links"]["next"]["href"]).get_json()
    assert titles(second) == ["Klus 2"]
    assert "next" not in second["_links"] and "prev" in second["_links"]


@pytest.mark.parametrize(
    ("query", "status", "name", "reason"),
    [
        ("postcode=12", 400, "postcode", "Vul een postcode in zoals 8011 of 8011 AB."),
        ("postcode=9999", 422, "postcode", "Activatie is voor inwoners van Zwolle."),
        (
            "postcode=8011&max_afstand_km=-1",
            400,
            "max_afstand_km",
            "De afstand moet 0 of meer zijn.",
        ),
        (
            "postcode=8011&max_afstand_km=nan",
            400,
            "max_afstand_km",
            "De afstand moet een getal zijn.",
        ),
        ("soorten=groen,vliegen", 400, "soorten", "Onbekende soort activiteit: 'vliegen'."),
        ("pagina=10001", 400, "pagina", "Het paginanummer mag hoogstens 10000 zijn."),
        ("sorteer=naam", 400, "sorteer", "'sorteer' is geen bekende zoekterm"),
    ],
)
def test_bad_parameters_are_problem_json(
    client: FlaskClient, small, query: str, status: int, name: str, reason: str
) -> None:
    response = client.get(f"/api/v1/activiteiten?{query}")
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    problem = next(p for p in body["invalid_params"] if p["name"] == name)
    assert problem["reason"].startswith(reason)


def test_a_page_past_the_end_is_404(client: FlaskClient, small) -> None:
    response = client.get("/api/v1/activiteiten?pagina=9")
    assert response.status_code == 404
    assert response.get_json()["detail"] == "Pagina 9 bestaat niet; er zijn 1 pagina's."


@pytest.mark.parametrize("raw", ["abc", "0", "1e3", "99999999999999999999"])
def test_malformed_ids_are_404_problems(client: FlaskClient, small, raw: str) -> None:
    for resource in ("activiteiten", "aanbieders"):
        response = client.get(f"/api/v1/{resource}/{raw}")
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        assert "bestaat niet" in response.get_json()["detail"]


def test_activity_detail_and_hidden_ones(client: FlaskClient, small) -> None:
    body = client.get(f"/api/v1/activiteiten/{small.football.id}").get_json()
    assert body["programma"] == "inclusief_sporten"
    assert (body["min_leeftijd"], body["max_leeftijd"]) == (6, 12)
    assert client.get(f"/api/v1/activiteiten/{small.unapproved.id}").status_code == 404


def test_providers_list_and_detail(client: FlaskClient, small) -> None:
    body = client.get("/api/v1/aanbieders").get_json()
    names = {org["naam"]: org for org in body["aanbieders"]}
    assert names["Voetbalclub Zuid"]["soort"] == "sportvereniging"
    assert names["Fietsenwerkplaats Noord"]["aantal_activiteiten"] == 1
    detail = client.get(f"/api/v1/aanbieders/{small.bikes.organisation_id}").get_json()
    assert [a["titel"] for a in detail["activiteiten"]] == ["Fietsen repareren"]
    assert detail["locaties"][0]["postcode"] == "8043"


def test_vocabularies_are_published(client: FlaskClient) -> None:
    body = client.get("/api/v1/waardelijsten").get_json()
    assert {"sleutel": "groen", "naam": "tuin en groen"} in body["soorten"]
    assert {"sleutel": "di_ochtend", "naam": "dinsdagochtend"} in body["dagdelen_week"]


def test_unknown_api_path_is_problem_json(client: FlaskClient) -> None:
    response = client.get("/api/v1/niets")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["title"] == "Deze pagina bestaat niet"


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
