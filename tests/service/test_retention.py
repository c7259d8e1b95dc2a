"""Retention (AVG): pseudonym and note erased once an aanmelding is long over, nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session, col, func, select

from activatie import audit, reports, retention, stats
from activatie.audit import Actor
from activatie.models import (
    Activity,
    AuditEvent,
    JobRun,
    Placement,
    PlacementEvent,
    Team,
    local_today,
    utcnow,
)
from tests.factories import Factory, add_placement

NOW = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # 12:00 in Zwolle
CUTOFF = date(2024, 3, 10)  # 24 calendar months before 10 March 2026
LONG_AGO = datetime(2022, 1, 1, 9, 0, tzinfo=UTC)
MESSAGE_BAD_MONTHS = "RETENTION_MONTHS moet een heel aantal maanden zijn, van 1 tot en met 1200."


@pytest.fixture
def activity(factory: Factory) -> Activity:
    return factory.activity()


def make(
    session: Session,
    activity: Activity,
    status: str,
    *,
    end_date: date | None = None,
    updated_at: datetime = LONG_AGO,
    reference: str = "K-1",
) -> Placement:
    placement = Placement(
        activity_id=activity.id, reference=reference, note="Belt liever na tienen",
        age_band="27_44", pc4="8011", status=status, ladder_start=2,
        ladder_end=3 if end_date else None, end_date=end_date, created_at=LONG_AGO,
        updated_at=updated_at,
    )  # fmt: skip
    session.add(placement)
    session.commit()
    return placement


def fresh(session: Session, placement: Placement) -> Placement:
    session.expire_all()
    found = session.get(Placement, placement.id)
    assert found is not None
    return found


def assert_erased(session: Session, placement: Placement, at: datetime = NOW) -> None:
    found = fresh(session, placement)
    assert (found.reference, found.note, found.erased_at) == (None, None, at), found.status
    # The anonymous facts for the figures stay.
    assert (found.status, found.pc4, found.age_band) == (placement.status, "8011", "27_44")
    assert found.end_date == placement.end_date and found.ladder_start == 2


def assert_kept(session: Session, placement: Placement) -> None:
    found = fresh(session, placement)
    assert found.reference == placement.reference, (found.status, found.end_date)
    assert found.note == "Belt liever na tienen" and found.erased_at is None
    assert found.version == 1


def audit_rows(session: Session) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == "bewaartermijn")))


def test_ended_aanmeldingen_count_from_their_end_date(session: Session, activity: Activity) -> None:
    day_before = CUTOFF - timedelta(days=1)
    erased = [
        make(session, activity, "afgerond", end_date=day_before, reference="A-1"),
        make(session, activity, "gestopt", end_date=date(2023, 6, 1), reference="G-1"),
    ]
    kept = [
        make(session, activity, "afgerond", end_date=CUTOFF, reference="A-2"),  # exactly 24 months
        make(session, activity, "gestopt", end_date=CUTOFF + timedelta(days=1), reference="G-2"),
        # An old last change does not matter when the end date is recent.
        make(session, activity, "afgerond", end_date=date(2025, 1, 1), updated_at=LONG_AGO),
    ]

    assert retention.count_expired(session, NOW, 24) == 2
    assert retention.erase_expired(session, NOW, 24) == 2

    for placement in erased:
        assert_erased(session, placement)
        assert fresh(session, placement).version == 2
    for placement in kept:
        assert_kept(session, placement)


def test_closed_and_undated_ones_count_from_the_last_change_in_local_time(
    session: Session, activity: Activity
) -> None:
    # Midnight of 10 March 2024 in Zwolle (CET) is 9 March, 23:00 UTC.
    midnight = datetime(2024, 3, 9, 23, 0, tzinfo=UTC)
    erased = [
        make(session, activity, status, updated_at=midnight - timedelta(seconds=1))
        for status in ("afgewezen", "ingetrokken", "afgerond", "gestopt")  # the last two: no end
    ]
    kept = [
        make(session, activity, status, updated_at=midnight)
        for status in ("afgewezen", "ingetrokken", "afgerond")
    ]

    assert retention.erase_expired(session, NOW, 24) == 4

    for placement in erased:
        assert_erased(session, placement)
    for placement in kept:
        assert_kept(session, placement)


@pytest.mark.parametrize("status", ["aangemeld", "kennismaking", "gestart"])
def test_open_and_running_aanmeldingen_are_not_erased_before_they_are_closed(
    session: Session, activity: Activity, status: str
) -> None:
    ancient = datetime(2010, 1, 1, tzinfo=UTC)
    placement = make(session, activity, status, end_date=date(2010, 6, 1), updated_at=ancient)

    assert retention.erase_expired(session, NOW, 1) == 0
    assert_kept(session, placement)
    assert audit_rows(session) == []


def test_the_period_is_counted_in_calendar_months_clamped_to_the_month_end(
    session: Session, activity: Activity
) -> None:
    now = datetime(2026, 8, 31, 10, 0, tzinfo=UTC)  # six months back: 28 February 2026
    gone = make(session, activity, "afgerond", end_date=date(2026, 2, 27))
    stays = make(session, activity, "afgerond", end_date=date(2026, 2, 28))

    assert retention.erase_expired(session, now, 6) == 1

    assert_erased(session, gone, now)
    assert_kept(session, stays)
    assert session.get(JobRun, "retention").details == {"gewist": 1, "bewaartermijn_maanden": 6}


@pytest.mark.parametrize("months", [0, -3])
def test_a_period_under_one_month_is_refused(
    session: Session, activity: Activity, months: int
) -> None:
    placement = make(session, activity, "afgerond", end_date=date(2020, 1, 1))
    with pytest.raises(ValueError):
        retention.erase_expired(session, NOW, months)
    session.rollback()
    assert_kept(session, placement)
    assert session.get(JobRun, "retention") is None


def test_a_second_run_erases_nothing_and_keeps_the_first_erase(
    session: Session, activity: Activity
) -> None:
    placement = make(session, activity, "gestopt", end_date=date(2023, 1, 5))
    make(session, activity, "gestart")

    assert retention.erase_expired(session, NOW, 24) == 1
    session.expire_all()
    run = session.get(JobRun, "retention")
    assert run.ran_at == NOW
    assert run.details == {"gewist": 1, "bewaartermijn_maanden": 24}
    [event] = audit_rows(session)
    assert (event.actor, event.actor_id) == ("systeem", None)
    assert (event.object_type, event.object_id) == ("placement", None)
    assert event.changes == {"gewist": 1, "bewaartermijn_maanden": 24}

    later = NOW + timedelta(days=1)
    assert retention.count_expired(session, later, 24) == 0
    assert retention.erase_expired(session, later, 24) == 0

    found = fresh(session, placement)
    assert found.erased_at == NOW and found.version == 2
    run = session.get(JobRun, "retention")
    assert run.ran_at == later
    assert run.details == {"gewist": 0, "bewaartermijn_maanden": 24}
    assert len(audit_rows(session)) == 1  # nothing erased: no new audit row


def test_the_report_figures_stay_the_same(session: Session, activity: Activity) -> None:
    today = local_today()
    long_ago = today - timedelta(days=900)
    for _ in range(6):
        add_placement(
            session, activity, days_ago=1000, status="afgerond", end_date=long_ago,
            ladder_end=3, outcome="vrijwilligerswerk",
        )  # fmt: skip
    for _ in range(3):
        add_placement(
            session, activity, days_ago=1000, status="gestopt", end_date=long_ago,
            ladder_end=2, outcome="gestopt_gezondheid", pc4="8031",
        )  # fmt: skip
    for _ in range(2):
        add_placement(session, activity, days_ago=990, status="afgewezen", accepted=False)
    for _ in range(5):
        add_placement(session, activity, days_ago=20, status="gestart")
    period = reports.Period(today - timedelta(days=1100), today)
    now = utcnow()
    before = reports.report(session, period, now, 90)

    assert retention.erase_expired(session, now, 24) == 11
    session.expire_all()
    after = reports.report(session, period, now, 90)

    assert after == before
    assert before.figures[0].cell.text == "16"
    erased = session.exec(
        select(func.count()).select_from(Placement).where(Placement.reference.is_(None))
    ).one()
    assert erased == 11


# --- the command -------------------------------------------------------------------------------


def run_cli(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["retention", *args])


def ended_before(months: int, days: int) -> date:
    """An end date ``days`` before the last day that is kept with a period of ``months``."""
    return stats.months_before(local_today(), months) - timedelta(days=days)


def test_command_erases_and_says_so_in_dutch(
    app: Flask, session: Session, activity: Activity
) -> None:
    gone = make(session, activity, "afgerond", end_date=ended_before(24, 1))
    stays = make(session, activity, "afgerond", end_date=ended_before(24, 0))

    result = run_cli(app)

    assert result.exit_code == 0, result.output
    assert "Bewaartermijn: 24 maanden na het einde van een aanmelding." in result.output
    assert "Vervallen: na 12 maanden zonder verandering." in result.output
    assert (
        "Van 1 aanmelding zijn het kenmerk, de notitie en de consulent gewist; "
        "de datums zijn afgerond op de maand." in result.output
    )
    assert "Alleen anonieme gegevens voor de cijfers blijven bewaard." in result.output
    assert fresh(session, gone).reference is None
    assert_kept(session, stays)
    assert session.get(JobRun, "retention").details["gewist"] == 1

    again = run_cli(app)
    assert again.exit_code == 0, again.output
    assert "Er was niets te wissen." in again.output
    assert session.get(JobRun, "retention").details["gewist"] == 0


def test_command_uses_the_configured_period(
    app: Flask, session: Session, activity: Activity
) -> None:
    app.config["RETENTION_MONTHS"] = 12
    placements = [make(session, activity, "gestopt", end_date=ended_before(12, 1)) for _ in "ab"]

    result = run_cli(app)

    assert result.exit_code == 0, result.output
    assert "Bewaartermijn: 12 maanden" in result.output
    assert "Van 2 aanmeldingen zijn het kenmerk, de notitie en de consulent gewist" in result.output
    assert all(fresh(session, p).erased_at is not None for p in placements)
    assert session.get(JobRun, "retention").details == {"gewist": 2, "bewaartermijn_maanden": 12}


def test_dry_run_only_counts(app: Flask, session: Session, activity: Activity) -> None:
    placements = [make(session, activity, "afgewezen") for _ in range(2)]
    make(session, activity, "afgerond", end_date=local_today())

    result = run_cli(app, "--dry-run")

    assert result.exit_code == 0, result.output
    assert (
        "Proef, er is niets gewist. Nu te sluiten als vervallen: 0 aanmeldingen. "
        "Nu te wissen: 2 aanmeldingen." in result.output
    )
    assert "gewist." not in result.output.replace("niets gewist.", "")
    for placement in placements:
        assert_kept(session, placement)
    assert session.get(JobRun, "retention") is None
    assert audit_rows(session) == []


@pytest.mark.parametrize("months", [0, -1, "x", True, 1.5, 1201, 10**6])
def test_command_refuses_an_invalid_period(
    app: Flask, session: Session, activity: Activity, months: object
) -> None:
    placement = make(session, activity, "afgerond", end_date=date(2015, 1, 1))
    app.config["RETENTION_MONTHS"] = months

    for args in ((), ("--dry-run",)):
        result = run_cli(app, *args)
        assert result.exit_code != 0
        assert MESSAGE_BAD_MONTHS in result.output
        assert "Bewaartermijn:" not in result.output
    assert_kept(session, placement)
    assert session.get(JobRun, "retention") is None


# --- vervallen: nothing stays open for ever ---------------------------------------------------

YEAR_BACK = datetime(2025, 3, 9, 23, 0, tzinfo=UTC)  # midnight of 10 March 2025 in Zwolle


def test_a_year_without_change_closes_an_aanmelding_as_vervallen(
    session: Session, factory: Factory
) -> None:
    activity = factory.activity(capacity=5, free_places=2)
    stale = {
        status: make(session, activity, status, updated_at=YEAR_BACK - timedelta(seconds=1))
        for status in ("aangemeld", "kennismaking", "gestart")
    }
    lively = make(session, activity, "gestart", updated_at=YEAR_BACK)  # exactly twelve months
    waiting = make(session, activity, "aangemeld", updated_at=NOW - timedelta(days=3))
    ended = make(session, activity, "afgerond", end_date=date(2024, 12, 1))

    assert retention.count_stale(session, NOW, 12) == 3
    assert retention.expire_stale(session, NOW, 12) == 3

    for status, placement in stale.items():
        found = fresh(session, placement)
        assert (found.status, found.updated_at, found.version) == ("vervallen", NOW, 2)
        [event] = session.exec(
            select(PlacementEvent).where(PlacementEvent.placement_id == placement.id)
        ).all()
        assert (event.from_status, event.to_status, event.actor_role, event.actor_id) == (
            status, "vervallen", "systeem", None,
        )  # fmt: skip
        assert found.reference == "K-1"  # closed now, erased after the retention period
    for placement in (lively, waiting, ended):
        assert fresh(session, placement).status == placement.status
    # The started one gave its place back.
    assert session.get(Activity, activity.id).free_places == 3
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "vervallen")).all()
    assert event.changes == {"vervallen": 3, "zonder_wijziging_maanden": 12}
    # A second run finds nothing more; the closed ones are erased after 24 months like others.
    assert retention.expire_stale(session, NOW, 12) == 0
    assert retention.erase_expired(session, NOW + timedelta(days=800), 24) == 4  # 3 + ended


def test_the_command_closes_then_erases(app: Flask, session: Session, activity: Activity) -> None:
    forgotten = make(session, activity, "aangemeld", updated_at=datetime(2020, 1, 1, tzinfo=UTC))

    result = run_cli(app)

    assert result.exit_code == 0, result.output
    assert "Gesloten als vervallen: 1 aanmelding." in result.output
    # Closed today: its reference stays until the retention period after today has passed.
    found = fresh(session, forgotten)
    assert found.status == "vervallen" and found.reference == "K-1"


@pytest.mark.parametrize("months", [0, "12", 1201])
def test_command_refuses_an_invalid_expiry_period(
    app: Flask, session: Session, activity: Activity, months: object
) -> None:
    app.config["EXPIRE_MONTHS"] = months
    result = run_cli(app)
    assert result.exit_code != 0
    assert "EXPIRE_MONTHS moet een heel aantal maanden zijn" in result.output


# --- erasure leaves only anonymous statistics --------------------------------------------------


def test_erasure_drops_who_and_coarsens_dates_to_the_month(
    session: Session, factory: Factory
) -> None:
    team = Team(name="Wijkteam Noord", phone="038 000 0000")
    session.add(team)
    session.commit()
    consultant = factory.user("consulent", team_id=team.id)
    activity = factory.activity(capacity=5, free_places=5)
    made = datetime(2023, 5, 31, 22, 30, tzinfo=UTC)  # 1 June 2023, 00:30 in Zwolle
    placement = Placement(
        activity_id=activity.id, consultant_id=consultant.id, team_id=team.id,
        reference="ZW-7K3P", note="Liefst 's ochtends", age_band="27_44", pc4="8031",
        status="afgerond", ladder_start=2, ladder_end=4, outcome="vrijwilligerswerk",
        preferred_start=date(2023, 6, 12), intro_date=date(2023, 6, 20),
        start_date=date(2023, 7, 3), end_date=date(2023, 12, 15),
        created_at=made, updated_at=datetime(2023, 12, 15, 9, 0, tzinfo=UTC),
    )  # fmt: skip
    session.add(placement)
    session.flush()
    session.add(
        PlacementEvent(
            placement_id=placement.id, at=made, actor_id=consultant.id,
            actor_role="consulent", to_status="aangemeld",
        )
    )  # fmt: skip
    audit.record(session, Actor.of(consultant), "aangemeld", "placement", placement.id, {})
    session.commit()
    session.exec(select(AuditEvent)).one().at = made  # as if it had been made then
    session.commit()

    assert retention.erase_expired(session, NOW, 24) == 1

    found = fresh(session, placement)
    assert (found.reference, found.note, found.consultant_id, found.team_id) == (None,) * 4
    # The audit trail of the aanmelding no longer says who, nor the day and time.
    record = session.exec(
        select(AuditEvent).where(
            AuditEvent.object_type == "placement", AuditEvent.object_id == placement.id
        )
    ).one()
    session.refresh(record)
    assert (record.actor_id, record.actor, record.action) == (None, "gewist", "aangemeld")
    assert record.at == datetime(2023, 5, 31, 22, 0, tzinfo=UTC)
    june = datetime(2023, 5, 31, 22, 0, tzinfo=UTC)  # 1 June 2023, 00:00 in Zwolle
    assert found.created_at == june
    assert found.updated_at == datetime(2023, 11, 30, 23, 0, tzinfo=UTC)  # 1 December, CET
    assert (found.preferred_start, found.intro_date) == (date(2023, 6, 1), date(2023, 6, 1))
    assert (found.start_date, found.end_date) == (date(2023, 7, 1), date(2023, 12, 1))
    assert found.days_to_start == 32  # 1 June to 3 July, kept for the median
    # What stays is coded and anonymous.
    assert (found.age_band, found.pc4, found.status, found.outcome) == (
        "27_44", "8031", "afgerond", "vrijwilligerswerk",
    )  # fmt: skip
    assert (found.ladder_start, found.ladder_end) == (2, 4)
    [event] = session.exec(
        select(PlacementEvent).where(PlacementEvent.placement_id == placement.id)
    ).all()
    assert (event.actor_id, event.at, event.actor_role) == (None, june, "consulent")


def test_erasing_the_demo_leaves_every_figure_of_every_month_unchanged(
    app: Flask, seeded: object, session: Session
) -> None:
    result = app.test_cli_runner().invoke(args=["demo-placements", "--count", "150", "--seed", "3"])
    assert result.exit_code == 0, result.output
    today = local_today()
    this_month = today.replace(day=1)
    months = [stats.months_before(this_month, n) for n in range(24, -1, -1)]
    periods = [
        reports.Period(start, stats.months_before(start, -1) - timedelta(days=1))
        for start in months[:-1]
    ]
    periods += [reports.Period(months[0], today), reports.Period(months[12], today)]
    now = utcnow()
    before = [reports.report(session, period, now, 90) for period in periods]

    # Erase everything that has ended (a retention period of one month, seen from a year on).
    erased = retention.erase_expired(session, now + timedelta(days=400), 1)
    assert erased > 50
    session.expire_all()
    after = [reports.report(session, period, now, 90) for period in periods]

    assert after == before
    assert before[-2].figures[0].cell.text == "150"
    assert (
        session.exec(
            select(func.count())
            .select_from(Placement)
            .where(col(Placement.consultant_id).is_not(None))
        ).one()
        == 150 - erased
    )
