"""Drop-ins: providers count people who came without an aanmelding, the monitoring shows them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from activatie import dropins, reports
from activatie.audit import SYSTEM
from activatie.models import Activity, AuditEvent, DropInCount, User, local_today, utcnow
from activatie.stats import SMALL
from tests.factories import Factory

TODAY = date(2026, 11, 27)


@pytest.fixture
def activity(factory: Factory) -> Activity:
    return factory.activity(title="Inloop Wijkhuis", access_route="vrij_inlopen")


@pytest.fixture
def provider(factory: Factory, activity: Activity) -> User:
    return factory.user("aanbieder", organisation_id=activity.organisation_id)


def test_recording_again_replaces_the_month_and_is_audited(
    session: Session, activity: Activity
) -> None:
    october = date(2026, 10, 1)
    dropins.record(session, SYSTEM, activity, october, 12, 3, TODAY)
    dropins.record(session, SYSTEM, activity, october, 14, 3, TODAY)
    row = session.exec(select(DropInCount)).one()
    assert (row.people, row.new_people, row.version) == (14, 3, 2)
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == "inloop geteld").order_by(AuditEvent.id)
    ).all()
    assert [e.changes for e in events] == [
        {
            "maand": "2026-10-01",
            "people": {"oud": None, "nieuw": 12},
            "new_people": {"oud": None, "nieuw": 3},
        },
        {"maand": "2026-10-01", "people": {"oud": 12, "nieuw": 14}},
    ]
    with pytest.raises(dropins.DropInError) as caught:
        dropins.record(session, SYSTEM, activity, october, 2, 3, TODAY)
    assert caught.value.status == 400 and "new_people" in caught.value.errors
    assert session.exec(select(DropInCount)).one().people == 14


def test_the_monitoring_shows_drop_ins_with_small_numbers_protected(
    session: Session, factory: Factory
) -> None:
    big = factory.activity(organisation=factory.organisation(name="A Groot"))
    small = factory.activity(organisation=factory.organisation(name="B Klein"))
    today = local_today()
    this_month, last_month = dropins.recordable_months(today)[:2]
    dropins.record(session, SYSTEM, big, last_month, 20, 6, today)
    dropins.record(session, SYSTEM, big, this_month, 22, 7, today)
    dropins.record(session, SYSTEM, small, this_month, 8, 2, today)

    report = reports.report(session, reports.Period(last_month, today), utcnow(), 90)

    table = report.tables["inloop"]
    assert [row.label for row in table.rows] == ["A Groot", "B Klein"]
    groot, klein = (tuple(c.text for c in row.cells) for row in table.rows)
    assert klein[1] == SMALL  # two new people: "<5"
    assert groot[1] == "x"  # otherwise the total would give the "<5" away
    assert groot[0] == "42" and klein[0] == "8" and groot[2] == "2"
    assert tuple(c.text for c in table.total.cells) == ("50", "15", "3")
    figure = next(f for f in report.figures if f.label == "Nieuw zonder aanmelding")
    assert figure.cell.text == "15"
    # Only months that begin in the period count.
    later = reports.report(session, reports.Period(this_month, today), utcnow(), 90)
    assert tuple(c.text for c in later.tables["inloop"].total.cells) == ("30", "9", "2")
