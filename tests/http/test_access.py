"""Every route × every role: the expected answer, checked on the server, object by object.

A route that is not in ACCESS fails this test: a new page must say who may use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask, url_for
from sqlmodel import Session, func, select

from activatie import accounts, hsds, placements
from activatie.audit import Actor
from activatie.models import Activity, AuditEvent, Team, User
from tests.factories import Factory, login_as

ROLES = ("anoniem", "aanbieder", "andere_aanbieder", "consulent", "beheerder")

PUBLIC = "public"  # everyone
PROVIDER = "provider"  # only a provider; someone else's object is 404
CONSULTANT = "consultant"  # consulent and beheerder
CONSULENT_ONLY = "consulent_only"  # only a consulent: aanmeldingen are need-to-know
ADMIN = "admin"  # only beheerder
TOKEN = "token"  # the write API: a login cookie is no permission, only a token is
LOGIN = "login"  # the log-in page itself
LOGGED_IN = "logged_in"  # any logged-in account (log out)
LINK = "link"  # one-time links: an unknown link is 404 for everyone
SECOND_STEP = "second_step"  # only after the password step: everyone else back to the login
ENROL = "enrol"  # setting up a second factor: who has none yet (here: the providers)

ACCESS: dict[str, str] = {
    "public.home": PUBLIC,
    "public.activities": PUBLIC,
    "public.activity": PUBLIC,
    "public.organisations": PUBLIC,
    "public.organisation": PUBLIC,
    "public.sports_clubs": PUBLIC,
    "public.about": PUBLIC,
    "public.what_fits": PUBLIC,
    "api.activities": PUBLIC,
    "api.activity": PUBLIC,
    "api.organisations": PUBLIC,
    "api.organisation": PUBLIC,
    "api.vocabularies": PUBLIC,
    "api.matches": PUBLIC,
    "api.update_activity": TOKEN,
    "api.match_body": PUBLIC,
    "api.catalogue": PUBLIC,
    "api.openapi_document": PUBLIC,
    "hsds.about": PUBLIC,
    "hsds.records": PUBLIC,
    "hsds.record": PUBLIC,
    "hsds.export": PUBLIC,
    "docs.api": PUBLIC,
    "consultant.match": CONSULTANT,
    "auth.login": LOGIN,
    "auth.logout": LOGGED_IN,
    "auth.set_password": LINK,
    "auth.second_factor": SECOND_STEP,
    "auth.enrol": ENROL,
    "provider.dashboard": PROVIDER,
    "provider.change_places": PROVIDER,
    "provider.change_status": PROVIDER,
    "provider.confirm_all": PROVIDER,
    "provider.edit_activity": PROVIDER,
    "provider.new_activity": PROVIDER,
    "provider.edit_organisation": PROVIDER,
    "provider.edit_location": PROVIDER,
    "provider.new_location": PROVIDER,
    "provider.api_tokens": PROVIDER,
    "provider.revoke_token": PROVIDER,
    "provider.placements_list": PROVIDER,
    "provider.placement": PROVIDER,
    "provider.placement_step": PROVIDER,
    "provider.drop_ins": PROVIDER,
    "consultant.new_placement": CONSULENT_ONLY,
    "consultant.placements_list": CONSULENT_ONLY,
    "consultant.placement": CONSULENT_ONLY,
    "consultant.placement_step": CONSULENT_ONLY,
    "consultant.placement_sheet": CONSULENT_ONLY,
    "admin.dashboard": ADMIN,
    "admin.accounts_list": ADMIN,
    "admin.new_account": ADMIN,
    "admin.account": ADMIN,
    "admin.set_account_active": ADMIN,
    "admin.password_link": ADMIN,
    "admin.reset_second_factor": ADMIN,
    "admin.new_organisation": ADMIN,
    "admin.approvals": ADMIN,
    "admin.approve_activity": ADMIN,
    "admin.approve_organisation": ADMIN,
    "admin.stale": ADMIN,
    "admin.catalogue_export": ADMIN,
    "admin.audit_trail": ADMIN,
    "admin.teams": ADMIN,
    "admin.new_team": ADMIN,
    "admin.edit_team": ADMIN,
    "admin.signposts_list": ADMIN,
    "admin.edit_signpost": ADMIN,
    "monitoring.overview": ADMIN,
    "monitoring.csv": ADMIN,
}

#: The object of provider A that fills ``<raw_id>`` in each route (others get a dummy id).
OBJECT_OF = {
    "provider.change_places": "activity",
    "provider.change_status": "activity",
    "provider.edit_activity": "activity",
    "provider.edit_location": "location",
    "provider.revoke_token": "token",
    "provider.placement": "placement",
    "provider.placement_step": "placement",
    "consultant.placement": "placement",
    "consultant.placement_step": "placement",
    "consultant.placement_sheet": "placement",
    "public.activity": "activity",
    "api.activity": "activity",
    "api.update_activity": "activity",
    "public.organisation": "organisation",
    "api.organisation": "organisation",
    "admin.account": "user",
    "admin.set_account_active": "user",
    "admin.password_link": "user",
    "admin.reset_second_factor": "provider_user",
    "admin.approve_activity": "activity",
    "admin.approve_organisation": "organisation",
    "admin.audit_trail": "activity",
    "admin.edit_team": "team",
}

#: Query strings some GET routes need to answer 200.
QUERY = {
    "api.matches": "?postcode=8011&leeftijd=40",
    "consultant.new_placement": "?activiteit={activity}",
}

OK = {200}
#: A redirect: Flask answers ``redirect()`` with 302 today and with 303 from Flask 3.2.
REDIRECT = {302, 303}
ACCEPTED_WRITE = {200, 400, 409, 415, 422} | REDIRECT


@dataclass
class World:
    ids: dict[str, int]
    users: dict[str, object]


@pytest.fixture
def world(factory: Factory, session: Session) -> World:
    activity = factory.activity(title="Van aanbieder A", free_places=2)
    token, _ = accounts.create_api_token(
        session, Actor(None, "test"), activity.organisation_id, "test"
    )
    other = factory.location().organisation_id  # another provider, with a location of its own
    users = {
        "aanbieder": factory.user("aanbieder", organisation_id=activity.organisation_id),
        "andere_aanbieder": factory.user("aanbieder", organisation_id=other),
        "consulent": factory.user("consulent"),
        "beheerder": factory.user("beheerder"),
    }
    team = Team(name="Wijkteam Test", pc4_codes="8011")
    session.add(team)
    session.commit()
    placement = placements.refer(
        session,
        users["consulent"],
        placements.NewPlacement(activity_id=activity.id, age_band="27_44", pc4="8011"),
    )
    ids = {
        "activity": activity.id,
        "location": activity.location_id,
        "organisation": activity.organisation_id,
        "token": token.id,
        "placement": placement.id,
        "user": users["consulent"].id,
        "provider_user": users["aanbieder"].id,
        "team": team.id,
    }
    return World(ids=ids, users=users)


def expected(policy: str, role: str, method: str, endpoint: str) -> set[int]:
    writes = method != "GET"
    own_object = endpoint in OBJECT_OF and endpoint.startswith(("provider.", "consultant."))
    if policy == PUBLIC:
        return ACCEPTED_WRITE if writes else OK
    if policy == TOKEN:
        return {401}
    if policy == LINK:
        return {404}
    if policy == SECOND_STEP:
        return REDIRECT
    if policy == ENROL:
        if role in ("aanbieder", "andere_aanbieder"):
            return ACCEPTED_WRITE if writes else OK
        return REDIRECT  # anonymous: to the login; consulent and beheerder have one already
    if policy == LOGIN:
        if role == "anoniem":
            return ACCEPTED_WRITE if writes else OK
        return REDIRECT if not writes else ACCEPTED_WRITE
    if role == "anoniem":
        return REDIRECT  # to the login page
    if policy == LOGGED_IN:
        return REDIRECT
    allowed = {
        PROVIDER: {"aanbieder", "andere_aanbieder"},
        CONSULTANT: {"consulent", "beheerder"},
        CONSULENT_ONLY: {"consulent"},
        ADMIN: {"beheerder"},
    }[policy]
    if role not in allowed:
        return {403}
    if role == "andere_aanbieder" and own_object:
        return {404}
    return ACCEPTED_WRITE if writes else OK


def url_for_rule(app: Flask, rule, world: World) -> str:
    values = {}
    for argument in rule.arguments - set(rule.defaults or {}):
        kind = OBJECT_OF.get(rule.endpoint)
        values[argument] = world.ids[kind] if kind else 1
    if rule.endpoint == "auth.set_password":
        values = {"token": "onbekende-link"}
    if rule.endpoint.startswith("hsds.") and "table" in rule.arguments:
        values = {"table": "taxonomies"}
        if "record_id" in rule.arguments:  # a record that exists whatever the catalogue holds
            values["record_id"] = hsds.taxonomy_id("behoeften")
    if rule.endpoint == "admin.audit_trail":
        values["object_type"] = "activiteit"
    if rule.endpoint == "admin.edit_signpost":
        values = {"key": "wijkteam"}
    with app.test_request_context():
        return url_for(rule.endpoint, **values) + QUERY.get(rule.endpoint, "").format(**world.ids)


def requests_to_make(app: Flask) -> list[tuple[str, str, object]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule))
    return found


def test_every_route_has_an_access_rule(app: Flask) -> None:
    endpoints = {endpoint for endpoint, _, _ in requests_to_make(app)}
    missing = sorted(endpoints - ACCESS.keys())
    assert missing == [], f"routes without an access rule in tests/http/test_access.py: {missing}"
    assert sorted(ACCESS.keys() - endpoints) == [], "rules for routes that no longer exist"


def test_every_route_answers_every_role_as_expected(
    app: Flask, world: World, session: Session
) -> None:
    def state() -> tuple:
        session.expire_all()
        activity = session.get(Activity, world.ids["activity"])
        events = session.exec(select(func.count()).select_from(AuditEvent)).one()
        return (activity.title, activity.free_places, activity.status, activity.version, events)

    before = state()
    failures = []
    requests = requests_to_make(app)
    # First every refused request, then check nothing changed; then the allowed ones.
    for allowed_pass in (False, True):
        for endpoint, method, rule in requests:
            url = url_for_rule(app, rule, world)
            for role in ROLES:
                want = expected(ACCESS[endpoint], role, method, endpoint)
                if (want <= REDIRECT | {401, 403, 404}) == allowed_pass:
                    continue
                client = app.test_client()
                if role != "anoniem":
                    # Fresh from the database: logging out raises the session version.
                    session.expire_all()
                    login_as(client, session.get(User, world.users[role].id))
                response = client.open(url, method=method, data={})
                if response.status_code not in want:
                    failures.append(
                        f"{method} {url} as {role}: {response.status_code}, expected {sorted(want)}"
                    )
                if response.status_code in REDIRECT and role == "anoniem" and want == REDIRECT:
                    assert response.location.startswith("/inloggen"), url
        if not allowed_pass:
            assert state() == before, "a refused request changed something"
    assert failures == [], "\n".join(failures)
