"""Aanmeldingen end to end: a new one, every step, capacity, the last-place race, need to know."""

from __future__ import annotations

import threading
from dataclasses import fields, replace
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session, func, select
from wtforms.fields.core import UnboundField

from activatie import placements, workflow
from activatie.forms import PlacementForm, StepForm
from activatie.models import (
    Activity,
    Placement,
    PlacementEvent,
    Team,
    User,
    local_today,
)
from activatie.views.consultant import NEW_PLACEMENT_FIELDS
from activatie.views.placement_pages import STEP_FIELDS
from activatie.vocabulary import AGE_BANDS, DECLINE_REASONS, NEEDS, OUTCOMES
from tests.factories import Factory


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
    placements.move(session, provider, placement, step("kennismaking", placement, on=local_today()))
    placement = fresh(session, placement)
    placements.move(session, provider, placement, step("gestart", placement, on=local_today()))
    assert free_places(session, activity) == 0
    placement = fresh(session, placement)
    placements.move(
        session,
        consultant,
        placement,
        step(
            "afgerond",
            placement,
            on=local_today(),
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
            "on": local_today(),
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
            step(target, placement, on=local_today(), outcome="werk", ladder_end=5),
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
    placements.move(session, provider, placement, step("kennismaking", placement, on=local_today()))
    placement = fresh(session, placement)
    placements.move(session, provider, placement, step("gestart", placement, on=local_today()))
    placement = fresh(session, placement)
    with pytest.raises(placements.PlacementError) as caught:
        placements.move(
            session,
            provider,
            placement,
            step("afgerond", placement, on=local_today(), outcome="gestopt_gezondheid"),
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
    placements.move(session, provider, placement, step("kennismaking", placement, on=local_today()))
    full = fresh(session, activity)
    full.free_places = 0
    session.commit()
    placement = fresh(session, placement)
    with pytest.raises(placements.PlacementError, match="Er is geen vrije plek meer"):
        placements.move(session, provider, placement, step("gestart", placement, on=local_today()))
    assert fresh(session, placement).status == "kennismaking"


def test_the_race_for_the_last_place_has_one_winner(
    engine: Engine, session: Session, consultant: User, provider: User, activity: Activity
) -> None:
    contenders = []
    for _ in range(6):
        placement = refer(session, consultant, activity)
        placements.move(
            session, provider, placement, step("kennismaking", placement, on=local_today())
        )
        contenders.append(fresh(session, placement))
    results: list[str] = []
    barrier = threading.Barrier(len(contenders))

    def start(placement_id: int) -> None:
        with Session(engine) as own:
            user = own.get(User, provider.id)
            placement = own.get(Placement, placement_id)
            barrier.wait()
            try:
                placements.move(own, user, placement, step("gestart", placement, on=local_today()))
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


def test_the_service_refuses_a_step_outside_the_ladder_but_accepts_an_unknown_one() -> None:
    base = placements.NewPlacement(activity_id=1, age_band="27_44", pc4="8011")
    assert base.ladder_start is None and placements.check_new_placement(base) == {}
    assert placements.check_new_placement(replace(base, ladder_start=7)) == {
        "ladder_start": "Kies een trede van 1 tot en met 6."
    }


def test_dates_that_make_no_sense_are_refused_and_nothing_changes(
    session: Session, consultant: User, provider: User, activity: Activity
) -> None:
    placement = refer(session, consultant, activity)
    with pytest.raises(placements.PlacementError) as error:
        placements.move(
            session,
            provider,
            placement,
            step("kennismaking", placement, on=local_today() - timedelta(1)),
        )
    assert error.value.errors["on"].startswith("Kies een datum vanaf ")
    placements.move(session, provider, placement, step("kennismaking", placement, on=local_today()))
    placement = fresh(session, placement)
    with pytest.raises(placements.PlacementError) as error:
        placements.move(
            session,
            provider,
            placement,
            step("gestart", placement, on=local_today() + timedelta(1)),
        )
    assert error.value.errors["on"] == "Kies vandaag of een dag in het verleden."
    placements.move(session, provider, placement, step("gestart", placement, on=local_today()))
    placement = fresh(session, placement)
    future_end = step(
        "afgerond", placement, on=local_today() + timedelta(days=300), outcome="werk", ladder_end=5
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
    on = None if offset is None else local_today() + timedelta(days=offset)
    move = placements.Step(target, 1, on, reason, outcome, ladder_end)
    errors = placements.check_step(
        move, local_today() - timedelta(days=30), local_today() - timedelta(days=10), local_today()
    )
    assert set(errors) <= set(STEP_FIELDS)
