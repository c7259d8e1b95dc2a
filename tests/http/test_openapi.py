"""The OpenAPI document is valid, complete and honest: real answers match their schemas."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from activatie import openapi, params
from tests import catalogue
from tests.factories import Factory

DOC = openapi.document()
BASE = DOC["servers"][0]["url"]


@pytest.fixture
def small(factory: Factory) -> catalogue.Small:
    return catalogue.build(factory)


def test_the_document_is_valid_openapi_with_contact_and_semver() -> None:
    validate(DOC)
    assert set(DOC["info"]["contact"]) == {"name", "url", "email"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", DOC["info"]["version"])
    assert BASE == "/api/v1"


def _api_rules(app: Flask) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:[^:>]+:)?raw_id>", "{id}", rule.rule.removeprefix(BASE))
        found |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_every_api_route_is_documented_and_every_documented_path_exists(app: Flask) -> None:
    documented = {
        (path, method)
        for path, item in DOC["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert _api_rules(app) == documented


def test_query_keys_are_lower_camel_case() -> None:
    names = [p["name"] for p in DOC["components"]["parameters"].values()]
    names += [
        p["name"]
        for item in DOC["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        for p in op.get("parameters", [])
        if "name" in p
    ]
    assert names and all(re.fullmatch(r"[a-z][a-z0-9]*([A-Z][a-z0-9]*)*", n) for n in names)


def test_every_success_and_error_names_the_api_version_header() -> None:
    for item in DOC["paths"].values():
        for method, op in item.items():
            if method == "parameters":
                continue
            for response in op["responses"].values():
                response = openapi.resolve(DOC, response)
                assert response["headers"]["API-Version"]["required"] is True


# --- real answers against the documented schemas -------------------------------------------------

_REGISTRY = Registry().with_resource("urn:activatie", Resource(DOC, DRAFT202012))


def check(response: TestResponse, method: str, path: str) -> dict:
    """Assert ``response`` is documented for ``method path`` and matches its schema."""
    operation = DOC["paths"][path][method]
    assert str(response.status_code) in operation["responses"], response.status_code
    documented = openapi.resolve(DOC, operation["responses"][str(response.status_code)])
    assert response.headers["API-Version"] == openapi.VERSION
    media = documented["content"]
    assert response.mimetype in media, response.mimetype
    schema = media[response.mimetype]["schema"]
    if response.mimetype == "text/csv":
        return {}
    body = response.get_json()
    validator = Draft202012Validator(
        {"$ref": "urn:activatie#/components/schemas/" + schema["$ref"].split("/")[-1]}
        if "$ref" in schema
        else schema,
        registry=_REGISTRY,
        format_checker=FormatChecker(),
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert errors == [], errors
    return body


def test_real_answers_match_the_document(client: FlaskClient, small, seeded) -> None:
    garden = small.garden.id
    org = small.garden.organisation_id
    cases = [
        ("get", "/activiteiten", "?postcode=8011&maxAfstandKm=5&soorten=groen", 200),
        ("get", "/activiteiten", "?pagina=2", 200),
        ("get", "/activiteiten", "?leeftijd=abc", 400),
        ("get", "/activiteiten", "?pagina=999", 404),
        ("get", "/activiteiten", "?postcode=9999", 422),
        ("get", "/activiteiten/{id}", f"/{garden}", 200),
        ("get", "/activiteiten/{id}", "/0", 404),
        ("get", "/aanbieders", "", 200),
        ("get", "/aanbieders", "?pagina=0", 400),
        ("get", "/aanbieders/{id}", f"/{org}", 200),
        ("get", "/waardelijsten", "", 200),
        ("get", "/matches", "?postcode=8011&leeftijd=40&behoeften=herstel", 200),
        ("get", "/matches", "?postcode=8011&leeftijd=70", 200),
        ("get", "/matches", "?postcode=8011", 400),
        ("get", "/catalogus", "", 200),
        ("get", "/openapi.json", "", 200),
    ]
    for method, path, rest, status in cases:
        url = BASE + (path.replace("/{id}", "") if "{id}" in path else path) + rest
        response = client.open(url, method=method)
        assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
        check(response, method, path)
    posted = client.post(f"{BASE}/matches", json={"postcode": "8011", "leeftijd": 40})
    assert check(posted, "post", "/matches")["totaal"] > 0
    check(client.post(f"{BASE}/matches", data="x"), "post", "/matches")
    check(client.patch(f"{BASE}/activiteiten/{garden}", json={}), "patch", "/activiteiten/{id}")


# --- lowerCamelCase keys, deprecated aliases ---------------------------------------------------


def test_camel_and_snake_keys_answer_alike_but_snake_is_deprecated(
    client: FlaskClient, small
) -> None:
    camel = client.get(f"{BASE}/activiteiten?postcode=8011&maxAfstandKm=3.5&alleenVrijePlekken=ja")
    snake = client.get(
        f"{BASE}/activiteiten?postcode=8011&max_afstand_km=3.5&alleen_vrije_plekken=ja"
    )
    assert camel.get_json()["activiteiten"] == snake.get_json()["activiteiten"]
    titles = [a["titel"] for a in camel.get_json()["activiteiten"]]
    assert titles == ["Stadsmoestuin", "Voetbal voor iedereen"]
    assert "Deprecation" not in camel.headers
    assert snake.headers["Deprecation"] == openapi.DEPRECATED_SINCE
    assert snake.headers["Link"] == f'<{BASE}/openapi.json>; rel="deprecation"'
    # Links to other pages use the current names.
    assert "maxAfstandKm=3.5" in snake.get_json()["_links"]["self"]["href"]


def test_invalid_params_use_the_name_that_was_sent(client: FlaskClient) -> None:
    camel = client.get(f"{BASE}/activiteiten?postcode=8011&maxAfstandKm=-1").get_json()
    snake = client.get(f"{BASE}/activiteiten?postcode=8011&max_afstand_km=-1").get_json()
    assert [p["name"] for p in camel["invalid_params"]] == ["maxAfstandKm"]
    assert [p["name"] for p in snake["invalid_params"]] == ["max_afstand_km"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("max_afstand_km", "maxAfstandKm"), ("ook_vol", "ookVol"), ("q", "q"), ("dagen", "dagen")],
)
def test_names_convert_both_ways(name: str, expected: str) -> None:
    assert params.camel(name) == expected
    assert params.snake(expected) == name


# --- matching without personal data in the URL --------------------------------------------------


def test_post_matches_answers_like_get(client: FlaskClient, small) -> None:
    query = "postcode=8011&leeftijd=45&behoeften=herstel,sociale_contacten&maxAfstandKm=6&ookVol=ja"
    got = client.get(f"{BASE}/matches?{query}")
    posted = client.post(
        f"{BASE}/matches",
        json={
            "postcode": "8011",
            "leeftijd": 45,
            "behoeften": ["herstel", "sociale_contacten"],
            "maxAfstandKm": 6,
            "ookVol": True,
        },
    )
    assert posted.status_code == 200
    assert posted.get_json() == got.get_json()
    assert posted.get_json()["totaal"] >= 1


def test_a_birth_date_in_the_url_is_deprecated_in_the_body_it_is_not(
    client: FlaskClient, small
) -> None:
    url = client.get(f"{BASE}/matches?postcode=8011&geboortedatum=1980-12-31")
    body = client.post(f"{BASE}/matches", json={"postcode": "8011", "geboortedatum": "1980-12-31"})
    assert url.status_code == body.status_code == 200
    assert url.headers["Deprecation"] == openapi.DEPRECATED_SINCE
    assert "Deprecation" not in body.headers
    assert url.get_json() == body.get_json()


@pytest.mark.parametrize(
    ("payload", "status", "where"),
    [
        ({"postcode": "8011", "leeftijd": 40, "geheim": "x"}, 400, "geheim"),
        ({"postcode": "8011", "leeftijd": 40, "behoeften": [1, 2]}, 400, "behoeften"),
        ({"postcode": "8011", "leeftijd": {"jaren": 40}}, 400, "leeftijd"),
        ({"postcode": "8011", "leeftijd": 10**400}, 400, "leeftijd"),
        ({"postcode": "8011", "max_afstand_km": 5}, 400, "leeftijd"),
        ({"postcode": "9999", "leeftijd": 40}, 422, "postcode"),
    ],
)
def test_bad_bodies_are_problems(client: FlaskClient, payload, status: int, where: str) -> None:
    response = client.post(
        f"{BASE}/matches", data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == status
    names = [p["name"] for p in response.get_json()["invalid_params"]]
    assert where in names


def test_bodies_that_are_not_a_small_json_object(client: FlaskClient) -> None:
    assert client.post(f"{BASE}/matches", data="postcode=8011").status_code == 415
    deep = client.post(f"{BASE}/matches", data="[" * 5000, content_type="application/json")
    assert deep.status_code == 400
    big = json.dumps({"postcode": "8011", "q": "x" * client.application.config["JSON_MAX_BYTES"]})
    assert (
        client.post(f"{BASE}/matches", data=big, content_type="application/json").status_code == 413
    )
    listed = client.post(f"{BASE}/matches", json=["8011"])
    assert listed.status_code == 400 and "JSON-object" in listed.get_json()["detail"]


# --- pagination and the version header everywhere --------------------------------------------------


def test_providers_are_paginated(app: Flask, client: FlaskClient, small) -> None:
    app.config["PAGE_SIZE"] = 2
    first = client.get(f"{BASE}/aanbieders").get_json()
    assert first["paginering"] == {"pagina": 1, "per_pagina": 2, "totaal": 5, "paginas": 3}
    assert first["_links"]["next"]["href"] == f"{BASE}/aanbieders?pagina=2"
    names, page = [], first
    while True:
        names += [o["naam"] for o in page["aanbieders"]]
        if "next" not in page["_links"]:
            break
        page = client.get(page["_links"]["next"]["href"]).get_json()
    assert len(page["aanbieders"]) == 1 and page["_links"]["prev"]["href"].endswith("pagina=2")
    assert len(names) == len(set(names)) == 5
    assert client.get(f"{BASE}/aanbieders?pagina=4").status_code == 404
    assert client.get(f"{BASE}/aanbieders?sorteer=naam").status_code == 400


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/niets", 404),
        ("GET", "/api/v1", 404),
        ("DELETE", "/api/v1/waardelijsten", 405),
        ("GET", "/api/v1/activiteiten/abc", 404),
    ],
)
def test_every_api_answer_names_the_version(
    client: FlaskClient, method: str, path: str, status: int
) -> None:
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.headers["API-Version"] == openapi.VERSION
    assert response.mimetype == "application/problem+json"


def test_other_pages_do_not_carry_the_api_version(client: FlaskClient) -> None:
    assert "API-Version" not in client.get("/over").headers


def test_the_documentation_page_lists_every_operation(client: FlaskClient) -> None:
    page = client.get("/api").get_data(as_text=True)
    for path, item in DOC["paths"].items():
        for method in item:
            if method != "parameters":
                assert f"<code>{method.upper()} {BASE}{path}</code>" in page
    assert "maxAfstandKm" in page and "(verouderd)" in page
    assert "<script" not in page.split("</header>")[-1]


def test_the_served_document_names_the_configured_contact(app: Flask, client: FlaskClient) -> None:
    assert client.get(f"{BASE}/openapi.json").get_json() == DOC
    app.config["API_CONTACT"] = {"name": "Team", "url": "https://team.example", "email": "t@x.nl"}
    served = client.get(f"{BASE}/openapi.json").get_json()
    assert served["info"]["contact"]["email"] == "t@x.nl"
    assert "t@x.nl" in client.get("/api").get_data(as_text=True)
