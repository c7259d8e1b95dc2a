"""Retention (AVG): pseudonym and note erased once an aanmelding is long over, nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session, func, select

from activatie import reports, retention, stats
from activatie.models import Activity, AuditEvent, JobRun, Placement, local_today, utcnow

from .factories import Factory
from .test_reports import add_placement

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
def test_open_and_running_aanmeldingen_are_never_erased(
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
    assert "Van 1 aanmelding zijn het kenmerk en de notitie gewist." in result.output
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
    assert "Van 2 aanmeldingen zijn het kenmerk en de notitie gewist." in result.output
    assert all(fresh(session, p).erased_at is not None for p in placements)
    assert session.get(JobRun, "retention").details == {"gewist": 2, "bewaartermijn_maanden": 12}


def test_dry_run_only_counts(app: Flask, session: Session, activity: Activity) -> None:
    placements = [make(session, activity, "afgewezen") for _ in range(2)]
    make(session, activity, "afgerond", end_date=local_today())

    result = run_cli(app, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "Proef, er is niets gewist. Nu te wissen: 2 aanmeldingen." in result.output
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
