"""SQL statements per request: a budget for every main public page and API endpoint.

A page that starts reading per row (an N+1: one query per activity, organisation or term) goes
over its budget at once, even on the small example catalogue. Budgets are what the pages use
(issue 11: one statement reads a list page's activities with their terms and features; the lists
of providers count their page); raise one only with a reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlmodel import Session, select

from activatie.models import Activity, Organisation

MATCH = {"postcode": "8043", "leeftijd": "45", "behoeften": "sociale_contacten"}


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    budget: int
    #: Text the answer must contain, so the count is of a real page and not of an error.
    expect: str
    form: dict[str, str] | None = None
    json: dict[str, str] | None = None
    #: The same request again: what this worker kept for the catalogue version answers it, so
    #: it reads only that version (activatie/caching.py).
    warm: int = 1


# Every first request reads the catalogue version (one statement) before anything else. A
# search reads no candidates: the worker's index of the open catalogue answers that (built once
# per catalogue version, tested below).
CASES = [
    Case("GET", "/", 2, "voorbeeldgegevens"),
    Case("GET", "/activiteiten/{activity}", 4, "{title}"),
    Case("GET", "/activiteiten", 4, "{title}"),
    Case("GET", "/activiteiten?postcode=8011", 5, " km"),
    Case("GET", "/aanbieders", 6, "{organisation}"),
    Case("GET", "/aanbieders/{organisation_id}", 7, "{organisation}"),
    Case("GET", "/wat-past-bij-mij", 2, "postcode"),
    Case("POST", "/wat-past-bij-mij", 5, " km", form={"stap": "5", **MATCH}),
    Case("GET", "/api/v1/activiteiten", 3, '"activiteiten"'),
    Case("GET", "/api/v1/activiteiten/{activity}", 2, "{title}"),
    Case(
        "GET", "/api/v1/matches?postcode=8043&leeftijd=45&behoeften=sociale_contacten", 3, '"score"'
    ),
    Case("POST", "/api/v1/matches", 3, '"score"', json=MATCH),
    Case("GET", "/api/v1/aanbieders", 5, "{organisation}"),
    Case("GET", "/api/v1/aanbieders/{organisation_id}", 6, "{organisation}"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.method} {case.path}")
def test_request_stays_within_its_sql_budget(
    case: Case, client: FlaskClient, seeded, session: Session, statements: list[str]
) -> None:
    activity = session.exec(select(Activity).order_by(Activity.title)).first()
    organisation = session.exec(select(Organisation).order_by(Organisation.name)).first()
    assert activity is not None and organisation is not None
    names = {
        "activity": activity.id,
        "title": activity.title,
        "organisation_id": organisation.id,
        "organisation": organisation.name,
    }
    path = case.path.format(**names)
    expected = case.expect.format(**names)
    # Another search first: this worker builds its index of the open catalogue.
    assert client.get("/api/v1/matches?postcode=8011&leeftijd=30").status_code == 200
    for budget in (case.budget, case.warm):
        statements.clear()
        response = client.open(path, method=case.method, data=case.form, json=case.json)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        body = response.get_data(as_text=True)
        if response.is_json:  # compare the text, not its \u escapes
            body = json.dumps(response.get_json(), ensure_ascii=False)
        assert (expected if response.is_json else str(escape(expected))) in body
        assert 0 < len(statements) <= budget, "\n".join(
            [f"{len(statements)} statements (budget {budget}):", *statements]
        )
    assert "catalogue_version" in statements[0]


def test_a_worker_builds_its_match_index_once_per_catalogue_version(
    client: FlaskClient, seeded, session: Session, statements: list[str]
) -> None:
    """Three statements build it (its size, the version, the open catalogue in one read);
    after that a search reads no candidates, until a catalogue write moves the version."""

    def search(age: int) -> list[str]:
        statements.clear()
        assert client.get(f"/api/v1/matches?postcode=8043&leeftijd={age}").status_code == 200
        return list(statements)

    first = search(30)
    assert sum("FROM activity JOIN organisation" in s for s in first) == 2  # count, read
    assert not any("FROM activity JOIN organisation" in s for s in search(31))
    activity = session.exec(select(Activity).order_by(Activity.id)).first()
    assert activity is not None
    activity.title = "Nieuwe titel"
    session.add(activity)
    session.commit()
    again = search(32)
    # A rebuild knows the size from the index it replaces: no count.
    assert sum("FROM activity JOIN organisation" in s for s in again) == 1
