"""Fuzz the API against its own OpenAPI document (schemathesis, through the WSGI app).

0 server errors, 0 answers that break their schema or headers, 0 undocumented status codes.
The suite tries a bounded number of examples per operation; ``make fuzz-api`` runs many more
(``FUZZ_EXAMPLES``).
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks
from sqlmodel import Session

from activatie import accounts, openapi
from activatie.audit import Actor
from activatie.models import Activity

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


DOC = openapi.document()


def seeded_ids(app: Flask, path: str) -> int:
    """Return the id of a public seeded object for ``path``."""
    resource = path.split("/")[1]
    with app.test_client() as client:
        body = client.get(f"/api/v1/{resource}").get_json()
    return body[resource][0]["id"]


OPERATIONS = [
    (path, method)
    for path, item in DOC["paths"].items()
    for method in item
    if method != "parameters"
]


@pytest.mark.slow
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_the_api_keeps_its_own_document(
    app: Flask, seeded, session: Session, path: str, method: str
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[path][method]

    modes = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
    statuses: Counter[int] = Counter()

    strategies = [operation.as_strategy(mode) for mode in modes]
    # Also from known-good ground, so the fuzzing reaches past the first check.
    if "{id}" in path:
        known = seeded_ids(app, path)
        headers = {}
        if method == "patch":  # as the provider's own system, with its API token
            org = session.get(Activity, known).organisation_id
            _, raw = accounts.create_api_token(session, Actor(None, "test"), org, "fuzz")
            headers = {"Authorization": f"Bearer {raw}"}
        strategies.append(operation.as_strategy(path_parameters={"id": known}, headers=headers))
    if path == "/matches" and method == "get":
        strategies.append(operation.as_strategy(query={"postcode": "8011", "leeftijd": 40}))

    @given(case=st.one_of(*strategies))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: schemathesis.Case) -> None:
        statuses[case.call_and_validate(checks=CHECKS).status_code] += 1

    fuzz()
    # Print the figures (pytest -s, or make fuzz-api): requests made and their status codes.
    print(
        f"\n{method.upper()} {path}: {statuses.total()} requests, {dict(sorted(statuses.items()))}"
    )
    has_input = "parameters" in DOC["paths"][path] or {"parameters", "requestBody"} & set(
        DOC["paths"][path][method]
    )
    assert statuses.total() >= (min(EXAMPLES, 5) if has_input else 1)
