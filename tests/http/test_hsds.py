"""The Open Referral HSDS 3.0 feed: every seeded record valid, stable ids, nothing hidden leaks."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlmodel import Session, select

from activatie import hsds, queries
from activatie.models import Activity, local_noon, local_today
from tests.factories import Factory

STANDARDS = Path(__file__).resolve().parents[2] / "docs" / "standards" / "hsds-3.0"

#: The JSON Schema each table's records (and the nested ones) must satisfy.
TABLE_SCHEMAS = {
    "organizations": "organization.json",
    "services": "service.json",
    "locations": "location.json",
    "service_at_locations": "service_at_location.json",
    "taxonomies": "taxonomy.json",
    "taxonomy_terms": "taxonomy_term.json",
}


def _registry(*folders: Path) -> Registry:
    """Load every schema of ``folders`` by file name; a later folder's file wins."""
    resources = {}
    for folder in folders:
        for path in folder.glob("*.json"):
            schema = json.loads(path.read_text(encoding="utf-8"))
            resources[path.name] = Resource.from_contents(schema, default_specification=DRAFT202012)
    return Registry().with_resources(resources.items())


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft202012Validator]:
    hsds_30 = _registry(STANDARDS)
    hsds_31 = _registry(STANDARDS, STANDARDS / "v3.1-dev")  # for 3.1's service_capacity only

    def make(registry: Registry, name: str) -> Draft202012Validator:
        schema = registry.contents(name)
        return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())

    found = {table: make(hsds_30, name) for table, name in TABLE_SCHEMAS.items()}
    found["capacities"] = make(hsds_31, "service_capacity.json")
    return found


def problems(validator: Draft202012Validator, record: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(record)
    ]


def test_every_record_of_the_seeded_catalogue_is_valid_hsds(
    app, seeded, session: Session, validators
) -> None:
    today = local_today()
    activities = queries.feed_activities(session, today, app.config["HIDE_AFTER_DAYS"])
    feed = hsds.feed(activities, "https://activatie.example")
    counts = {}
    failures = []
    for table, records in feed.tables.items():
        counts[table] = len(records)
        for record in records:
            failures += [
                f"{table} {record['id']}: {p}" for p in problems(validators[table], record)
            ]
    capacities = [c for s in feed.tables["services"] for c in s["capacities"]]
    counts["capacities"] = len(capacities)
    for record in capacities:
        failures += [
            f"capacity {record['id']}: {p}" for p in problems(validators["capacities"], record)
        ]
    assert failures == []
    # Every seeded listing that may be published is in the feed (the seeds include none hidden
    # by approval; stale ones are left out by design).
    assert counts["services"] == len(activities) > 40
    assert counts["service_at_locations"] == counts["services"] == counts["capacities"]
    assert counts["organizations"] >= 15
    assert counts["taxonomies"] == 5
    assert counts["taxonomy_terms"] == sum(len(v) for v, _, _ in hsds.TAXONOMIES.values())
    print("HSDS records validated per table:", counts)


def test_the_validator_refuses_a_broken_record(validators, factory: Factory) -> None:
    record = hsds.service(factory.activity())
    assert problems(validators["services"], record) == []
    broken = {**record, "status": "open", "schedules": [{"id": "geen-uuid"}]}
    del broken["name"]
    found = problems(validators["services"], broken)
    assert len(found) == 3 and any("'name' is a required property" in p for p in found)


def test_ids_are_stable_and_unique(app, seeded, session: Session) -> None:
    activities = queries.feed_activities(session, local_today(), app.config["HIDE_AFTER_DAYS"])
    first = hsds.feed(activities).tables
    second = hsds.feed(list(reversed(activities))).tables
    assert first == second
    ids = [r["id"] for records in first.values() for r in records]
    assert len(ids) == len(set(ids))
    # Derived from our keys: the same key gives the same id in any database.
    some = activities[0]
    assert hsds.service_id(some) == hsds.uid("service", some.organisation.slug, some.slug)


def test_a_service_maps_schedule_costs_ages_places_and_vocabulary(factory: Factory) -> None:
    activity = factory.activity(
        title="Fietsen repareren",
        slots=["di_ochtend", "do_middag"],
        needs=["herstel"],
        types=["fietsen"],
        free_places=2,
        capacity=8,
        cost="eigen_bijdrage",
        cost_cents=250,
        min_age=18,
        access_route="bij_aanbieder",
        access_note="Bel ons.",
        schedule_note="dinsdag en donderdag",
    )
    record = hsds.service(activity)
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in record["schedules"]] == [
        ("TU", "09:00", "12:00"),
        ("TH", "13:00", "17:00"),
    ]
    assert record["cost_options"][0]["amount"] == 2.5
    assert record["cost_options"][0]["currency"] == "EUR"
    assert record["minimum_age"] == 18 and "maximum_age" not in record
    assert record["capacities"][0]["available"] == 2 and record["capacities"][0]["maximum"] == 8
    assert record["application_process"] == "Aanmelden bij de organisatie. Bel ons."
    assert record["assured_date"] == activity.confirmed_on.isoformat()
    assert record["status"] == "active"
    values = {(a["link_type"], a["value"]) for a in record["attributes"]}
    assert {("behoeften", "herstel"), ("soorten", "fietsen"), ("begeleiding", "licht")} <= values


def test_a_location_has_a_dutch_address_and_accessibility(factory: Factory) -> None:
    location = factory.location(accessibility=["rolstoel"])
    record = hsds.location(location)
    address = record["addresses"][0]
    assert (address["country"], address["state_province"]) == ("NL", "Overijssel")
    assert address["address_1"] == "Grote Kerkplein 1"
    assert record["accessibility"][0]["details"] == "rolstoel"


def test_hidden_paused_ended_and_stale_listings(app, factory: Factory, session: Session) -> None:
    shown = factory.activity(title="Zichtbaar")
    paused = factory.activity(title="Gepauzeerd", status="gepauzeerd")
    factory.activity(title="Beëindigd", status="beeindigd")
    factory.activity(title="Niet goedgekeurd", is_approved=False)
    stale = factory.activity(title="Verouderd")
    stale.confirmed_at = local_noon(
        local_today() - timedelta(days=app.config["HIDE_AFTER_DAYS"] + 1)
    )
    session.add(stale)
    session.commit()
    found = queries.feed_activities(session, local_today(), app.config["HIDE_AFTER_DAYS"])
    assert sorted(a.title for a in found) == ["Gepauzeerd", "Zichtbaar"]
    statuses = {s["name"]: s["status"] for s in hsds.feed(found).tables["services"]}
    assert statuses == {"Zichtbaar": "active", "Gepauzeerd": "temporarily closed"}
    assert shown.id and paused.id


def test_list_endpoints_are_paginated_as_hsds_describes(client: FlaskClient, seeded) -> None:
    first = client.get("/hsds/services?per_page=10").get_json()
    assert first["page_number"] == 1 and first["size"] == 10
    assert first["first_page"] is True and first["last_page"] is False and first["empty"] is False
    assert first["total_pages"] == -(-first["total_items"] // 10)
    last = client.get(f"/hsds/services?per_page=10&page={first['total_pages']}").get_json()
    assert last["last_page"] is True and 0 < last["size"] <= 10
    ids = set()
    for number in range(1, first["total_pages"] + 1):
        page = client.get(f"/hsds/services?per_page=10&page={number}").get_json()
        ids |= {s["id"] for s in page["contents"]}
    assert len(ids) == first["total_items"]
    beyond = client.get(f"/hsds/services?page={first['total_pages'] + 5}").get_json()
    assert beyond["empty"] is True and beyond["contents"] == []


@pytest.mark.parametrize("query", ["page=0", "per_page=501", "page=x", "sort=name"])
def test_bad_paging_is_a_problem(client: FlaskClient, query: str) -> None:
    response = client.get(f"/hsds/organizations?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["invalid_params"][0]["name"] == query.split("=")[0]


def test_one_record_and_the_bulk_export(client: FlaskClient, seeded, session: Session) -> None:
    activity = session.exec(select(Activity).where(Activity.status == "actief")).first()
    record = client.get(f"/hsds/services/{hsds.service_id(activity)}").get_json()
    assert record["name"] == activity.title
    assert client.get("/hsds/services/onbekend").status_code == 404
    assert client.get(f"/hsds/locations/{hsds.service_id(activity)}").status_code == 404
    export = client.get("/hsds/export")
    assert export.headers["Content-Disposition"].startswith("attachment")
    body = export.get_json()
    assert set(hsds.TABLES) <= body.keys() and body["version"] == "3.0"
    listed = client.get("/hsds/services?per_page=500").get_json()
    assert [s["id"] for s in body["services"]] == [s["id"] for s in listed["contents"]]
    about = client.get("/hsds/").get_json()
    assert about["version"] == "3.0" and about["tables"]["services"] == "/hsds/services"
