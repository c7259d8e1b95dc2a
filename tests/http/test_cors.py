"""CORS: any origin may read the public API and the HSDS feed; nothing else crosses origins."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

ORIGIN = {"Origin": "https://wijkteam.voorbeeld.nl"}


@pytest.mark.parametrize(
    "path", ["/api/v1/waardelijsten", "/api/v1/activiteiten", "/hsds/taxonomies", "/api/v1/niets"]
)
def test_public_reads_allow_any_origin_without_credentials(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers=ORIGIN)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "API-Version" in response.headers["Access-Control-Expose-Headers"]


def test_a_preflight_for_get_is_allowed(client: FlaskClient) -> None:
    response = client.options(
        "/api/v1/activiteiten",
        headers={**ORIGIN, "Access-Control-Request-Method": "GET"},
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET"


@pytest.mark.parametrize(
    ("method", "path"),
    [("PATCH", "/api/v1/activiteiten/1"), ("POST", "/api/v1/matches")],
)
def test_a_preflight_for_a_write_gets_no_permission(
    client: FlaskClient, method: str, path: str
) -> None:
    response = client.options(path, headers={**ORIGIN, "Access-Control-Request-Method": method})
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Methods" not in response.headers


def test_writes_and_staff_pages_stay_same_origin(client: FlaskClient) -> None:
    write = client.patch("/api/v1/activiteiten/1", json={"vrije_plekken": 1}, headers=ORIGIN)
    assert write.status_code == 401
    assert "Access-Control-Allow-Origin" not in write.headers
    for path in ("/beheer/", "/inloggen", "/activiteiten", "/api"):
        assert "Access-Control-Allow-Origin" not in client.get(path, headers=ORIGIN).headers
