"""The write API under concurrency: ETag/If-Match, and free places bounded by the started.

Invariant on both databases: free places + residents started <= capacity, whatever runs at once.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from activatie import accounts, listings, placements
from activatie.audit import Actor
from activatie.models import Activity, Placement, User, local_today
from tests.factories import Factory, login_as


@pytest.fixture
def activity(factory: Factory) -> Activity:
    return factory.activity(title="Werkplaats", capacity=10, free_places=10)


@pytest.fixture
def token(session: Session, activity: Activity) -> str:
    _, secret = accounts.create_api_token(
        session, Actor(None, "test"), activity.organisation_id, "test"
    )
    return secret


@pytest.fixture
def people(factory: Factory, activity: Activity) -> tuple[User, User]:
    return (
        factory.user("consulent"),
        factory.user("aanbieder", organisation_id=activity.organisation_id),
    )


def fresh(session: Session, activity: Activity) -> Activity:
    session.expire_all()
    return session.get(Activity, activity.id)  # type: ignore[return-value]


def started(session: Session, activity: Activity) -> int:
    return session.exec(
        select(func.count())
        .select_from(Placement)
        .where(Placement.activity_id == activity.id, Placement.status == "gestart")
    ).one()


def ready_to_start(session: Session, people, activity: Activity, count: int) -> list[int]:
    """Return ids of ``count`` aanmeldingen at 'kennismaking', one step from starting."""
    consultant, provider = people
    ids = []
    for _ in range(count):
        placement = placements.refer(
            session,
            consultant,
            placements.NewPlacement(activity_id=activity.id, age_band="27_44", pc4="8011"),
        )
        placements.move(
            session,
            provider,
            placement,
            placements.Step("kennismaking", placement.version, on=local_today()),
        )
        ids.append(placement.id)
    return ids


def start(session: Session, provider: User, placement_id: int) -> None:
    session.expire_all()
    placement = session.get(Placement, placement_id)
    placements.move(
        session,
        provider,
        placement,
        placements.Step("gestart", placement.version, on=local_today()),
    )


def patch(client: FlaskClient, activity: Activity, token: str, body: dict, if_match=None):
    headers = {"Authorization": f"Bearer {token}"}
    if if_match is not None:
        headers["If-Match"] = if_match
    return client.patch(f"/api/v1/activiteiten/{activity.id}", json=body, headers=headers)


def test_get_has_an_etag_and_patch_needs_it(
    client: FlaskClient, activity: Activity, token: str
) -> None:
    got = client.get(f"/api/v1/activiteiten/{activity.id}")
    etag = got.headers["ETag"]
    assert etag == f'"{activity.version}"'
    missing = patch(client, activity, token, {"vrije_plekken": 4})
    assert missing.status_code == 428 and missing.mimetype == "application/problem+json"
    assert "If-Match" in missing.get_json()["detail"]
    star = patch(client, activity, token, {"vrije_plekken": 4}, "*")
    assert star.status_code == 428
    first = patch(client, activity, token, {"vrije_plekken": 4}, etag)
    assert first.status_code == 200 and first.get_json()["vrije_plekken"] == 4
    assert first.headers["ETag"] == f'"{activity.version + 1}"'
    # A second PATCH made from the same (now stale) ETag loses: no lost update.
    second = patch(client, activity, token, {"vrije_plekken": 7}, etag)
    assert second.status_code == 412 and second.mimetype == "application/problem+json"
    assert "intussen gewijzigd" in second.get_json()["detail"]
    assert second.headers["ETag"] == first.headers["ETag"]
    assert client.get(f"/api/v1/activiteiten/{activity.id}").get_json()["vrije_plekken"] == 4


def test_free_places_cannot_exceed_capacity_minus_started(
    app: Flask, client: FlaskClient, session: Session, activity: Activity, token: str, people
) -> None:
    consultant, provider = people
    for placement_id in ready_to_start(session, people, activity, 8):
        start(session, provider, placement_id)
    current = fresh(session, activity)
    assert (current.free_places, started(session, activity)) == (2, 8)
    refused = patch(client, current, token, {"vrije_plekken": 5}, f'"{current.version}"')
    assert refused.status_code == 409
    assert "al 8 deelnemers gestart op 10 plekken" in refused.get_json()["detail"]
    assert "hoogstens 2 plekken vrij" in refused.get_json()["detail"]
    assert fresh(session, activity).free_places == 2
    # The provider's own "+1" on the dashboard: the same bound.
    page = login_as(app.test_client(), provider)
    answer = page.post(f"/aanbieder/activiteiten/{activity.id}/plekken", data={"wijziging": "plus"})
    assert answer.location.endswith(f"#activiteit-{activity.id}")
    assert "hoogstens 2 plekken vrij" in page.get("/aanbieder/").get_data(as_text=True)
    assert fresh(session, activity).free_places == 2
    # ... and the edit form (update_activity).
    current = fresh(session, activity)
    with pytest.raises(listings.TooManyFreePlaces):
        listings.update_activity(
            session, Actor(None, "t"), current, current.version, {"free_places": 3}, {}
        )
    assert fresh(session, activity).free_places == 2


@pytest.mark.slow
def test_patching_free_places_while_residents_start_never_overbooks(
    app: Flask, engine: Engine, session: Session, activity: Activity, token: str, people
) -> None:
    """The race that broke it: PATCH vrije_plekken=5 over and over while starts happen."""
    _, provider = people
    contenders = ready_to_start(session, people, activity, 12)  # the pool holds 15
    outcomes: Counter[str] = Counter()
    barrier = threading.Barrier(len(contenders) + 4)

    def starter(placement_id: int) -> None:
        with Session(engine, expire_on_commit=False) as own:
            user = own.get(User, provider.id)
            barrier.wait(timeout=60)
            try:
                start(own, user, placement_id)
                outcomes["gestart"] += 1
            except placements.PlacementError:
                outcomes["start geweigerd"] += 1

    def patcher() -> None:
        client = app.test_client()
        barrier.wait(timeout=60)
        for _ in range(15):
            etag = client.get(f"/api/v1/activiteiten/{activity.id}").headers["ETag"]
            response = patch(client, activity, token, {"vrije_plekken": 5}, etag)
            outcomes[f"PATCH {response.status_code}"] += 1

    threads = [threading.Thread(target=starter, args=(pid,)) for pid in contenders]
    threads += [threading.Thread(target=patcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = fresh(session, activity)
    running = started(session, activity)
    print(f"race: {dict(outcomes)}; started {running}, free {final.free_places}, capacity 10")
    assert running <= final.capacity
    assert final.free_places + running <= final.capacity
    assert outcomes["gestart"] == running
    assert outcomes["PATCH 200"] + outcomes["PATCH 409"] >= 1, "no PATCH reached the bound"
    assert set(outcomes) <= {"gestart", "start geweigerd", "PATCH 200", "PATCH 409", "PATCH 412"}


# --- the PATCH body: every refusal with its Dutch reason ------------------------------------------

NUMBER = "Een heel getal van 0 of meer."
STATUS = "Kies actief of gepauzeerd."
BOOLEAN = "Gebruik true of false."
FIXED = "Dit veld kan hier niet gewijzigd worden."


@pytest.mark.parametrize(
    ("body", "reasons"),
    [
        ({"vrije_plekken": 11}, {"vrije_plekken": "Hoogstens 10, het aantal plekken."}),
        ({"vrije_plekken": -1}, {"vrije_plekken": NUMBER}),
        ({"vrije_plekken": "3"}, {"vrije_plekken": NUMBER}),
        ({"vrije_plekken": None}, {"vrije_plekken": NUMBER}),
        ({"vrije_plekken": True}, {"vrije_plekken": NUMBER}),
        ({"vrije_plekken": 2.0}, {"vrije_plekken": NUMBER}),
        ({"status": None}, {"status": STATUS}),
        ({"status": 1}, {"status": STATUS}),
        ({"status": "beeindigd"}, {"status": STATUS}),
        ({"wachtlijst": None}, {"wachtlijst": BOOLEAN}),
        ({"wachtlijst": "ja"}, {"wachtlijst": BOOLEAN}),
        ({"wachtlijst": 1}, {"wachtlijst": BOOLEAN}),
        (
            {"titel": "x", "vrije_plekken": -1, "status": "x", "wachtlijst": 0, "a": 1},
            {
                "a": FIXED,
                "titel": FIXED,
                "vrije_plekken": NUMBER,
                "status": STATUS,
                "wachtlijst": BOOLEAN,
            },
        ),
        (
            {"b": 1, "vrije_plekken": 99},
            {"b": FIXED, "vrije_plekken": "Hoogstens 10, het aantal plekken."},
        ),
    ],
)
def test_a_wrong_patch_body_names_each_field_in_dutch(
    client: FlaskClient, activity: Activity, token: str, session: Session, body, reasons
) -> None:
    response = patch(client, activity, token, body, f'"{activity.version}"')
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    found = [(p["name"], p["reason"]) for p in response.get_json()["invalid_params"]]
    assert found == list(reasons.items())
    assert fresh(session, activity).version == activity.version  # nothing written


@pytest.mark.parametrize("body", [[], {}, "x", 3])
def test_a_patch_body_that_is_not_an_object_is_400(
    client: FlaskClient, activity: Activity, token: str, body
) -> None:
    response = patch(client, activity, token, body, f'"{activity.version}"')
    assert response.status_code == 400
    assert (
        response.get_json()["detail"] == 'Stuur een JSON-object, bijvoorbeeld {"vrije_plekken": 3}.'
    )


def test_a_patch_may_change_one_field_and_leaves_the_others(
    client: FlaskClient, activity: Activity, token: str, session: Session
) -> None:
    response = patch(client, activity, token, {"wachtlijst": True}, f'"{activity.version}"')
    assert response.status_code == 200
    after = fresh(session, activity)
    assert (after.waiting_list, after.free_places, after.status) == (True, 10, "actief")
