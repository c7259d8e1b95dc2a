"""Aanmeldingen end to end: a new one, every step, capacity, the last-place race, need to know."""

from __future__ import annotations

import re
import threading
from dataclasses import fields, replace
from datetime import timedelta
from html import unescape

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session, func, select
from wtforms.fields.core import UnboundField

from activatie import placements, workflow
from activatie.forms import PlacementForm, StepForm
from activatie.models import (
    Activity,
    AuditEvent,
    Placement,
    PlacementEvent,
    Team,
    UnmetSearch,
    User,
    local_today,
)
from activatie.views.consultant import NEW_PLACEMENT_FIELDS
from activatie.views.placement_pages import STEP_FIELDS
from activatie.vocabulary import AGE_BANDS, DECLINE_REASONS, NEEDS, OUTCOMES

from .factories import Factory, login_as, redirected_to

TODAY = local_today()  # the aanmeldingen below are made today: no step may come before


def follow_the_clock() -> None:
    """Called before each test (conftest): today is read per test, not once at import."""
    global TODAY
    TODAY = local_today()


@pytest.fixture
def team(session: Session) -> Team:
    team = Team(name="Wijkteam Oost", pc4_codes="8023 8024 8025")
    session.add(team)
    session.commit()
    return team


@pytest.fixture
def consultant(factory: Factory, team: Team) -> User:
    return factory.user("consulent", team_id=team.id)


@pytest.fixture
def activity(factory: Factory) -> Activity:
    return factory.activity(title="Fietsenmakerij", capacity=4, free_places=1, waiting_list=True)


@pytest.fixture
def provider(factory: Factory, activity: Activity) -> User:
    return factory.user("aanbieder", organisation_id=activity.organisation_id)


def refer(session: Session, consultant: User, activity: Activity, **changes) -> Placement:
    values = {
        "activity_id": activity.id,
        "age_band": "27_44",
        "pc4": "8024",
        "needs": frozenset({"dagritme"}),
        "ladder_start": 2,
    } | changes
    return placements.refer(session, consultant, placements.NewPlacement(**values))


def step(target: str, placement: Placement, **details) -> placements.Step:
    return placements.Step(target=target, seen_version=placement.version, **details)


def fresh(session: Session, obj):
    session.expire_all()
    return session.get(type(obj), obj.id)


def free_places(session: Session, activity: Activity) -> int:
    return fresh(session, activity).free_places


def test_a_placement_walks_to_a_good_end_and_the_place_comes_back(
    session: Session, consultant: User, provider: User, activity: Activity
) -> None:
    placement = refer(session, consultant, activity)
    assert placement.status == "aangemeld" and placement.team_id == consultant.team_id
    placements.move(session, provider, placement, step("kennismaking", placement, on=TODAY))
    placement = fresh(session, placement)
    placements.move(session, provider, placement, step("gestart", placement, on=TODAY))
    assert free_places(session, activity) == 0
    placement = fresh(session, placement)
    placements.move(
        session,
        consultant,
        placement,
        step(
            "afgerond",
            placement,
            on=TODAY,
            outcome="vrijwilligerswerk",
            ladder_end=4,
        ),
    )
    placement = fresh(session, placement)
    assert (placement.status, placement.ladder_start, placement.ladder_end) == ("afgerond", 2, 4)
    assert free_places(session, activity) == 1
    events = session.exec(
        select(PlacementEvent.from_status, PlacementEvent.to_status, PlacementEvent.actor_role)
        .where(PlacementEvent.placement_id == placement.id)
        .order_by(PlacementEvent.id)
    ).all()
    assert [tuple(e) for e in events] == [
        (None, "aangemeld", "consulent"),
        ("aangemeld", "kennismaking", "aanbieder"),
        ("kennismaking", "gestart", "aanbieder"),
        ("gestart", "afgerond", "consulent"),
    ]


@pytest.mark.parametrize(
    ("path", "final"),
    [
        (["afgewezen"], "afgewezen"),
        (["kennismaking", "afgewezen"], "afgewezen"),
        (["ingetrokken"], "ingetrokken"),
        (["kennismaking", "ingetrokken"], "ingetrokken"),
        (["kennismaking", "gestart", "gestopt"], "gestopt"),
    ],
)
def test_every_other_allowed_path(session, consultant, provider, activity, path, final) -> None:
    placement = refer(session, consultant, activity)
    for target in path:
        who = consultant if target == "ingetrokken" else provider
        details = {
            "on": TODAY,
            "decline_reason": "past_niet",
            "outcome": "gestopt_gezondheid",
            "ladder_end": 2,
        }
        placements.move(session, who, placement, step(target, placement, **details))
        placement = fresh(session, placement)
    assert placement.status == final
    assert free_places(session, activity) == 1  # every path ends with the place given back


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("provider", "gestart"),  # kennismaking first
        ("provider", "afgerond"),
        ("consultant", "kennismaking"),  # the provider's step
        ("provider", "ingetrokken"),  # the consultant's step
        ("provider", "aangemeld"),
    ],
)
def test_disallowed_steps_are_refused_and_change_nothing(
    session, consultant, provider, activity, who, target
) -> None:
    placement = refer(session, consultant, activity)
    user = provider if who == "provider" else consultant
    with pytest.raises(placements.PlacementError) as caught:
        placements.move(
            session,
            user,
            placement,
            step(target, placement, on=TODAY, outcome="werk", ladder_end=5),
        )
    assert caught.value.status == 409
    after = fresh(session, placement)
    assert (after.status, after.version) == ("aangemeld", placement.version)
    assert free_places(session, activity) == 1


def test_a_step_needs_its_details(session, consultant, provider, activity) -> None:
    placement = refer(session, consultant, activity)
    with pytest.raises(placements.PlacementError) as caught:
        placements.move(session, provider, placement, step("kennismaking", placement))
    assert caught.value.errors == {"on": "Vul een datum in, zoals 31-12-2026."}
    placements.move(session, provider, placement, step("kennismaking", placement, on=TODAY))
    placement = fresh(session, placement)
    placements.move(session, provider, placement, step("gestart", placement, on=TODAY))
    placement = fresh(session, placement)
    with pytest.raises(placements.PlacementError) as caught:
        placements.move(
            session,
            provider,
            placement,
            step("afgerond", placement, on=TODAY, outcome="gestopt_gezondheid"),
        )
    assert caught.value.errors["outcome"] == "Kies een uitkomst die bij 'afgerond' past."
    assert caught.value.errors["ladder_end"] == "Kies een trede van 1 tot en met 6."


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"note": "BSN 111222333"}, "note", "Dit lijkt op een BSN."),
        ({"note": "jan@voorbeeld.nl"}, "note", "Schrijf geen e-mailadres op."),
        ({"note": "bel 0612345678"}, "note", "Schrijf geen lange nummers op"),
        ({"age_band": "oud"}, "age_band", "Kies een leeftijdsgroep."),
        ({"pc4": "80"}, "pc4", "Vul de vier cijfers"),
    ],
)
def test_a_new_placement_refuses_personal_data(
    session, consultant, activity, changes, field, message
) -> None:
    with pytest.raises(placements.PlacementError) as caught:
        refer(session, consultant, activity, **changes)
    assert caught.value.errors[field].startswith(message)
    assert session.exec(select(func.count()).select_from(Placement)).one() == 0


def test_a_full_activity_keeps_a_waiting_list_in_arrival_order(
    session, consultant, provider, activity
) -> None:
    activity = fresh(session, activity)
    activity.free_places = 0
    session.commit()
    first = refer(session, consultant, activity)
    second = refer(session, consultant, activity)
    assert first.on_waiting_list and second.on_waiting_list
    assert placements.waiting_position(session, first) == 1
    assert placements.waiting_position(session, second) == 2
    placements.move(session, consultant, first, step("ingetrokken", first))
    assert placements.waiting_position(session, fresh(session, second)) == 1
    no_list = fresh(session, activity)
    no_list.waiting_list = False
    session.commit()
    with pytest.raises(placements.PlacementError, match="vol en heeft geen wachtlijst"):
        refer(session, consultant, activity)


def test_starting_without_a_free_place_is_refused(session, consultant, provider, activity):
    placement = refer(session, consultant, activity)
    placements.move(session, provider, placement, step("kennismaking", placement, on=TODAY))
    full = fresh(session, activity)
    full.free_places = 0
    session.commit()
    placement = fresh(session, placement)
    with pytest.raises(placements.PlacementError, match="Er is geen vrije plek meer"):
        placements.move(session, provider, placement, step("gestart", placement, on=TODAY))
    assert fresh(session, placement).status == "kennismaking"


def test_the_race_for_the_last_place_has_one_winner(
    engine: Engine, session: Session, consultant: User, provider: User, activity: Activity
) -> None:
    contenders = []
    for _ in range(6):
        placement = refer(session, consultant, activity)
        placements.move(session, provider, placement, step("kennismaking", placement, on=TODAY))
        contenders.append(fresh(session, placement))
    results: list[str] = []
    barrier = threading.Barrier(len(contenders))

    def start(placement_id: int) -> None:
        with Session(engine) as own:
            user = own.get(User, provider.id)
            placement = own.get(Placement, placement_id)
            barrier.wait()
            try:
                placements.move(own, user, placement, step("gestart", placement, on=TODAY))
                results.append("won")
            except placements.PlacementError as error:
                results.append(str(error))

    threads = [threading.Thread(target=start, args=(p.id,)) for p in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("won") == 1
    assert all("Er is geen vrije plek meer" in r for r in results if r != "won")
    assert free_places(session, activity) == 0
    started = session.exec(
        select(func.count()).select_from(Placement).where(Placement.status == "gestart")
    ).one()
    assert started == 1


def test_two_people_moving_the_same_aanmelding_one_wins(
    session, consultant, provider, activity, engine
) -> None:
    placement = refer(session, consultant, activity)
    seen = placement.version
    placements.move(
        session, provider, placement, placements.Step("afgewezen", seen, decline_reason="vol")
    )
    stale = fresh(session, placement)
    stale.status = "aangemeld"  # what the second person's page still shows
    with pytest.raises(placements.PlacementError, match="intussen gewijzigd"):
        placements.move(session, consultant, stale, placements.Step("ingetrokken", seen))
    session.rollback()
    assert fresh(session, placement).status == "afgewezen"


# --- pages ---------------------------------------------------------------------------------


def test_consultant_refers_from_the_match_results(
    app: Flask, factory: Factory, consultant: User, session: Session
) -> None:
    factory.activity(title="Stadsmoestuin", free_places=3, needs=["herstel"])
    client = login_as(app.test_client(), consultant)
    results = client.get(
        "/consulent/matchen",
        query_string={"postcode": "8011", "leeftijd": "35", "behoeften": "herstel"},
    ).get_data(as_text=True)
    assert 'Aanmelden<span class="visually-hidden"> bij Stadsmoestuin' in results
    activity_id = results.split('name="activiteit" value="')[1].split('"')[0]
    form = client.post(
        "/consulent/aanmeldingen/nieuw",
        data={
            "van_match": "1",
            "activiteit": activity_id,
            "pc4": "8011",
            "leeftijdsgroep": "27_44",
            "behoeften": "herstel",
        },
    )
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "Aanmelden bij Stadsmoestuin" in html
    assert 'name="pc4" required size="4" type="text" value="8011"' in html
    assert re.search(r'<input checked[^>]*value="27_44"', html)
    assert "Controleer" not in html and 'name="kenmerk"' not in html  # the app makes it
    bad = client.post(
        "/consulent/aanmeldingen/nieuw",
        data={
            "activiteit": activity_id,
            "leeftijdsgroep": "27_44",
            "pc4": "8011",
            "trede_start": "2",
            "notitie": "BSN 111222333",
        },
    )
    assert bad.status_code == 400
    assert "Dit lijkt op een BSN." in bad.get_data(as_text=True)
    assert session.exec(select(func.count()).select_from(Placement)).one() == 0
    done = client.post(
        "/consulent/aanmeldingen/nieuw",
        data={
            "activiteit": activity_id,
            "kenmerk": "Jan de Vries",  # not a field any more: ignored
            "leeftijdsgroep": "27_44",
            "pc4": "8011",
            "trede_start": "2",
            "behoeften": "herstel",
            "notitie": "Komt graag op dinsdag.",
        },
    )
    placement = session.exec(select(Placement)).one()
    assert workflow.REFERENCE_PATTERN.match(placement.reference)
    assert redirected_to(done) == f"/consulent/aanmeldingen/{placement.id}"
    detail = client.get(done.location).get_data(as_text=True)
    assert f"Het kenmerk is {placement.reference}: neem het over" in detail
    assert f'Kenmerk: <strong class="kenmerk">{placement.reference}</strong>' in detail
    assert "Jan de Vries" not in detail and "Komt graag op dinsdag." in detail
    assert "herstellen in eigen tempo" in detail
    assert "Aanmelding intrekken" in detail


def test_the_placement_form_asks_the_ladder_step_without_a_preset(
    app: Flask, consultant: User, activity: Activity, session: Session
) -> None:
    client = login_as(app.test_client(), consultant)
    blank = client.get(f"/consulent/aanmeldingen/nieuw?activiteit={activity.id}&pc4=8011")
    html = blank.get_data(as_text=True)
    steps = re.findall(r'<input[^>]*name="trede_start"[^>]*>', html)
    assert len(steps) == 7 and not any("checked" in step for step in steps)
    assert 'value="onbekend"' in steps[-1]  # "weet ik niet" is an answer, not a default
    assert "Er staat niets vooraf aangekruist" in html
    data = {"activiteit": str(activity.id), "leeftijdsgroep": "27_44", "pc4": "8011"}
    missing = client.post("/consulent/aanmeldingen/nieuw", data=data)
    html = missing.get_data(as_text=True)
    assert missing.status_code == 400
    assert (
        '<p class="error" id="trede_start-error">Kies de trede waar de inwoner nu staat, of '
        "'weet ik niet'.</p>" in unescape(html)
    )
    assert html.count("<title>Fout: ") == 1
    assert session.exec(select(func.count()).select_from(Placement)).one() == 0
    done = client.post("/consulent/aanmeldingen/nieuw", data={**data, "trede_start": "4"})
    placement = session.exec(select(Placement)).one()
    assert redirected_to(done) == f"/consulent/aanmeldingen/{placement.id}"
    assert placement.ladder_start == 4


def test_weet_ik_niet_is_an_answer_for_the_ladder_step_and_stores_no_step(
    app: Flask, consultant: User, activity: Activity, session: Session
) -> None:
    client = login_as(app.test_client(), consultant)
    data = {"activiteit": str(activity.id), "leeftijdsgroep": "27_44", "pc4": "8011"}
    done = client.post("/consulent/aanmeldingen/nieuw", data={**data, "trede_start": "onbekend"})
    placement = session.exec(select(Placement)).one()
    assert done.location == f"/consulent/aanmeldingen/{placement.id}"
    assert placement.ladder_start is None
    detail = client.get(done.location).get_data(as_text=True)
    assert re.search(r"<dt>Trede bij aanmelding</dt><dd>weet ik niet</dd>", detail)
    # Anything else than a step or "weet ik niet" is refused; nothing is stored.
    for wrong in ("0", "7", "", "onbekend2"):
        response = client.post("/consulent/aanmeldingen/nieuw", data={**data, "trede_start": wrong})
        assert response.status_code == 400
    assert session.exec(select(func.count()).select_from(Placement)).one() == 1


def test_the_service_refuses_a_step_outside_the_ladder_but_accepts_an_unknown_one() -> None:
    base = placements.NewPlacement(activity_id=1, age_band="27_44", pc4="8011")
    assert base.ladder_start is None and placements.check_new_placement(base) == {}
    assert placements.check_new_placement(replace(base, ladder_start=7)) == {
        "ladder_start": "Kies een trede van 1 tot en met 6."
    }


def test_a_note_naming_a_diagnosis_needs_the_consultants_confirmation(
    app: Flask, consultant: User, activity: Activity, session: Session
) -> None:
    client = login_as(app.test_client(), consultant)
    data = {
        "activiteit": str(activity.id),
        "kenmerk": "ZW-2026-002",
        "leeftijdsgroep": "27_44",
        "pc4": "8011",
        "trede_start": "2",
        "notitie": "Heeft een depressie, gebruikt sertraline.",
    }
    asked = client.post("/consulent/aanmeldingen/nieuw", data=data)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 400
    assert "Uw notitie noemt een diagnose of medicijn (depressie, sertraline)" in html
    assert 'name="notitie_bevestigd"' in html
    assert session.exec(select(func.count()).select_from(Placement)).one() == 0
    for variant in ("Jan de Vries, depressie", "mail jan(at)example.nl"):
        refused = client.post(
            "/consulent/aanmeldingen/nieuw",
            data={**data, "notitie": variant, "notitie_bevestigd": "y"},
        )
        assert refused.status_code == 400  # confirming never lets personal data through
    assert session.exec(select(func.count()).select_from(Placement)).one() == 0
    done = client.post("/consulent/aanmeldingen/nieuw", data={**data, "notitie_bevestigd": "y"})
    assert done.location.startswith("/consulent/aanmeldingen/")
    placement = session.exec(select(Placement)).one()
    assert placement.note == "Heeft een depressie, gebruikt sertraline."


def test_provider_sees_its_own_aanmeldingen_and_takes_the_steps(
    app: Flask, session, consultant, provider, activity, factory
) -> None:
    mine = refer(session, consultant, activity)
    other_activity = factory.activity(title="Elders")
    refer(session, consultant, other_activity)
    client = login_as(app.test_client(), provider)
    listing = client.get("/aanbieder/aanmeldingen").get_data(as_text=True)
    elsewhere = session.exec(select(Placement).where(Placement.id != mine.id)).one()
    assert mine.reference in listing and elsewhere.reference not in listing
    page = client.get(f"/aanbieder/aanmeldingen/{mine.id}").get_data(as_text=True)
    assert "Kennismaking plannen" in page and "Afwijzen" in page
    assert "Aanmelding intrekken" not in page
    response = client.post(
        f"/aanbieder/aanmeldingen/{mine.id}/stap",
        data={
            "naar": "kennismaking",
            "versie": str(mine.version),
            "datum": (TODAY + timedelta(days=8)).isoformat(),
        },
    )
    assert redirected_to(response) == f"/aanbieder/aanmeldingen/{mine.id}"
    assert fresh(session, mine).intro_date == TODAY + timedelta(days=8)
    refused = client.post(
        f"/aanbieder/aanmeldingen/{mine.id}/stap",
        data={
            "naar": "afgerond",
            "versie": str(fresh(session, mine).version),
            "datum": "2026-12-01",
        },
    )
    assert refused.status_code == 409
    assert "kan niet" in refused.get_data(as_text=True)


def test_need_to_know_between_teams_and_providers(
    app: Flask, session, consultant, provider, activity, factory
) -> None:
    placement = refer(session, consultant, activity)
    other_team = Team(name="Wijkteam Noord", pc4_codes="8043")
    session.add(other_team)
    session.commit()
    colleague = factory.user("consulent", team_id=consultant.team_id)
    outsider = factory.user("consulent", team_id=other_team.id)
    stranger = factory.user("aanbieder")
    assert (
        login_as(app.test_client(), colleague)
        .get(f"/consulent/aanmeldingen/{placement.id}")
        .status_code
        == 200
    )
    for user, path in ((outsider, "/consulent"), (stranger, "/aanbieder")):
        client = login_as(app.test_client(), user)
        assert client.get(f"{path}/aanmeldingen/{placement.id}").status_code == 404
        assert "ZW-014" not in client.get(f"{path}/aanmeldingen").get_data(as_text=True)


def test_every_read_of_an_aanmelding_is_audited(app, session, consultant, activity) -> None:
    placement = refer(session, consultant, activity)
    client = login_as(app.test_client(), consultant)
    client.get(f"/consulent/aanmeldingen/{placement.id}")
    client.get(f"/consulent/aanmeldingen/{placement.id}")
    session.expire_all()
    reads = session.exec(
        select(AuditEvent).where(
            AuditEvent.object_type == "placement", AuditEvent.action == "gelezen"
        )
    ).all()
    assert [(r.object_id, r.actor_id) for r in reads] == [(placement.id, consultant.id)] * 2


def test_late_answers_are_highlighted_for_the_consultant(
    app, session, consultant, activity
) -> None:
    placement = refer(session, consultant, activity)
    old = fresh(session, placement)
    old.created_at = old.created_at - timedelta(days=14)
    session.commit()
    html = (
        login_as(app.test_client(), consultant)
        .get("/consulent/aanmeldingen")
        .get_data(as_text=True)
    )
    days = workflow.RESPONSE_WORKING_DAYS  # the one place for the number (5)
    assert f"1 aanmelding wacht al meer dan {days} werkdagen op een antwoord" in html
    assert f"Geen antwoord na {days} werkdagen" in html


def test_a_search_that_found_nothing_is_counted_without_a_person(
    app, factory, consultant, session
) -> None:
    client = login_as(app.test_client(), consultant)
    client.get(
        "/consulent/matchen",
        query_string={"postcode": "8024", "leeftijd": "40", "behoeften": ["herstel", "bewegen"]},
    )
    client.get(
        "/consulent/matchen",
        query_string={"postcode": "8024", "leeftijd": "41", "behoeften": "herstel"},
    )
    session.expire_all()
    rows = {(r.pc4, r.need): r.count for r in session.exec(select(UnmetSearch))}
    assert rows == {("8024", "herstel"): 2, ("8024", "bewegen"): 1}


def test_a_reload_or_back_does_not_count_the_same_unmet_search_again(
    app, consultant, session
) -> None:
    search = {"postcode": "8024", "leeftijd": "40", "behoeften": "herstel"}
    client = login_as(app.test_client(), consultant)
    for _ in range(3):  # the search, a reload, Back to it
        assert client.get("/consulent/matchen", query_string=search).status_code == 200
    other_browser = login_as(app.test_client(), consultant)
    other_browser.get("/consulent/matchen", query_string=search)
    session.expire_all()
    rows = {(r.pc4, r.need): r.count for r in session.exec(select(UnmetSearch))}
    assert rows == {("8024", "herstel"): 2}  # once per browser
    with client.session_transaction() as cookie:  # the cookie does not say what was searched
        assert "8024" not in str(cookie.get("geteld")) and "herstel" not in str(cookie)


def test_dates_that_make_no_sense_are_refused_and_nothing_changes(
    session: Session, consultant: User, provider: User, activity: Activity
) -> None:
    placement = refer(session, consultant, activity)
    with pytest.raises(placements.PlacementError) as error:
        placements.move(
            session, provider, placement, step("kennismaking", placement, on=TODAY - timedelta(1))
        )
    assert error.value.errors["on"].startswith("Kies een datum vanaf ")
    placements.move(session, provider, placement, step("kennismaking", placement, on=TODAY))
    placement = fresh(session, placement)
    with pytest.raises(placements.PlacementError) as error:
        placements.move(
            session, provider, placement, step("gestart", placement, on=TODAY + timedelta(1))
        )
    assert error.value.errors["on"] == "Kies vandaag of een dag in het verleden."
    placements.move(session, provider, placement, step("gestart", placement, on=TODAY))
    placement = fresh(session, placement)
    future_end = step(
        "afgerond", placement, on=TODAY + timedelta(days=300), outcome="werk", ladder_end=5
    )
    with pytest.raises(placements.PlacementError) as error:
        placements.move(session, consultant, placement, future_end)
    assert error.value.errors["on"] == "Kies vandaag of een dag in het verleden."
    placement = fresh(session, placement)
    assert (placement.status, placement.end_date) == ("gestart", None)


def test_the_app_makes_a_unique_kenmerk(
    session, consultant, activity, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = refer(session, consultant, activity)
    assert workflow.REFERENCE_PATTERN.match(first.reference)
    # The dice come up with the kenmerk that is taken first: the service tries again.
    rolls = iter([first.reference, first.reference, "ZW-7K3P"])
    monkeypatch.setattr(workflow, "make_reference", lambda: next(rolls))
    assert refer(session, consultant, activity).reference == "ZW-7K3P"
    monkeypatch.setattr(workflow, "make_reference", lambda: "ZW-7K3P")
    with pytest.raises(placements.PlacementError, match="geen vrij kenmerk") as caught:
        refer(session, consultant, activity)
    assert caught.value.status == 503
    assert session.exec(select(func.count()).select_from(Placement)).one() == 2


# --- The service speaks of its own fields; the views map them onto their forms -----------------


@pytest.mark.parametrize(
    ("mapping", "service_fields", "form"),
    [
        (NEW_PLACEMENT_FIELDS, placements.NewPlacement, PlacementForm),
        (STEP_FIELDS, placements.Step, StepForm),
    ],
    ids=["new placement", "step"],
)
def test_each_service_field_maps_to_its_own_form_field(mapping, service_fields, form) -> None:
    assert set(mapping) == {f.name for f in fields(service_fields)}
    assert len(set(mapping.values())) == len(mapping)  # no two fields share one on the form
    assert all(isinstance(getattr(form, name, None), UnboundField) for name in mapping.values())


@given(
    age_band=st.sampled_from([*AGE_BANDS.keys, "oud", ""]),
    pc4=st.text(max_size=5),
    needs=st.frozensets(st.sampled_from([*NEEDS.keys, "vliegen"]), max_size=3),
    ladder_start=st.none() | st.integers(-1, 8),
    note=st.sampled_from(["", "BSN 111222333", "Heeft een depressie.", "x" * 501]) | st.text(),
    confirmed=st.booleans(),
)
def test_a_new_placement_is_refused_by_its_own_field_names(
    age_band, pc4, needs, ladder_start, note, confirmed
) -> None:
    new = placements.NewPlacement(1, age_band, pc4, needs, ladder_start, None, note, confirmed)
    assert set(placements.check_new_placement(new)) <= set(NEW_PLACEMENT_FIELDS)


@given(
    target=st.sampled_from(sorted(workflow.OPEN_STATUSES | workflow.FINAL_STATUSES | {"gestart"})),
    offset=st.none() | st.integers(-400, 400),
    reason=st.none() | st.sampled_from([*DECLINE_REASONS.keys, "geen"]),
    outcome=st.none() | st.sampled_from([*OUTCOMES.keys, "geen"]),
    ladder_end=st.none() | st.integers(-1, 8),
)
def test_a_step_is_refused_by_its_own_field_names(
    target, offset, reason, outcome, ladder_end
) -> None:
    on = None if offset is None else TODAY + timedelta(days=offset)
    move = placements.Step(target, 1, on, reason, outcome, ladder_end)
    errors = placements.check_step(
        move, TODAY - timedelta(days=30), TODAY - timedelta(days=10), TODAY
    )
    assert set(errors) <= set(STEP_FIELDS)


def test_the_pages_show_each_message_at_its_form_field(
    app: Flask, session, consultant, provider, activity
) -> None:
    client = login_as(app.test_client(), consultant)
    refused = client.post(
        "/consulent/aanmeldingen/nieuw",
        data={
            "activiteit": str(activity.id),
            "leeftijdsgroep": "27_44",
            "pc4": "8011",
            "trede_start": "2",
            "notitie": "Heeft een depressie.",
        },
    )
    assert refused.status_code == 400
    html = unescape(refused.get_data(as_text=True))
    assert re.search(r'id="notitie_bevestigd-error">Uw notitie noemt een diagnose', html)
    placement = refer(session, consultant, activity)
    placements.move(session, provider, placement, step("kennismaking", placement, on=TODAY))
    placement = fresh(session, placement)
    provider_client = login_as(app.test_client(), provider)
    late = provider_client.post(
        f"/aanbieder/aanmeldingen/{placement.id}/stap",
        data={
            "naar": "gestart",
            "versie": str(placement.version),
            "datum": (TODAY + timedelta(days=3)).isoformat(),
        },
    )
    assert late.status_code == 400
    page = unescape(late.get_data(as_text=True))
    start_block = page[page.index('for="datum-gestart"') :]
    error = '<p class="error" id="datum-gestart-error">Kies vandaag of een dag in het verleden.</p>'
    assert start_block.index(error) < start_block.index('id="datum-gestart"')
    assert 'aria-describedby="datum-gestart-error"' in start_block
    assert '<a href="#datum-gestart">' in page  # the error summary links to the field shown
    assert fresh(session, placement).status == "kennismaking"
