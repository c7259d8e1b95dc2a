"""Drop-ins: providers count people who came without an aanmelding, the monitoring shows them."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from activatie import dropins, reports
from activatie.audit import SYSTEM
from activatie.models import Activity, AuditEvent, DropInCount, User, local_today, utcnow
from activatie.stats import SMALL
from tests.factories import Factory, login_as

TODAY = date(2026, 11, 27)
PAGE = "/aanbieder/inloop"


@given(st.integers(-5, 10_005), st.integers(-5, 10_005))
def test_counts_are_whole_people_and_new_ones_a_part_of_them(people: int, new: int) -> None:
    errors = dropins.check_counts(date(2026, 10, 1), people, new, TODAY)
    valid = 0 <= new <= people <= dropins.MAX_PEOPLE
    assert (errors == {}) == valid
    if 0 <= people <= dropins.MAX_PEOPLE and 0 <= new <= dropins.MAX_PEOPLE and new > people:
        assert errors["nieuw"] == "Het aantal nieuwe mensen kan niet groter zijn dan het totaal."


def test_only_this_month_and_the_24_before_may_be_recorded() -> None:
    months = dropins.recordable_months(TODAY)
    assert months[0] == date(2026, 11, 1) and months[-1] == date(2024, 11, 1)
    assert len(months) == 25
    assert dropins.check_counts(date(2026, 12, 1), 5, 1, TODAY)["maand"].startswith("Kies deze")
    assert "maand" in dropins.check_counts(date(2024, 10, 1), 5, 1, TODAY)
    assert "maand" in dropins.check_counts(date(2026, 10, 15), 5, 1, TODAY)  # not a month start


def post(client: FlaskClient, activity: Activity, month: date, people: int, new: int):
    data = {"activiteit": activity.id, "maand": month.isoformat(), "aantal": people, "nieuw": new}
    return client.post(PAGE, data=data)


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
    assert caught.value.status == 400 and "nieuw" in caught.value.errors
    assert session.exec(select(DropInCount)).one().people == 14


def test_a_provider_records_a_month_on_its_own_page(
    app: Flask, session: Session, provider: User, activity: Activity, factory: Factory
) -> None:
    client = login_as(app.test_client(), provider)
    dashboard = client.get("/aanbieder/").get_data(as_text=True)
    assert f'href="{PAGE}">Inloop tellen</a>' in dashboard
    page = client.get(PAGE).get_data(as_text=True)
    assert "U heeft nog niets ingevuld." in page
    assert f'<option value="{activity.id}">Inloop Wijkhuis</option>' in page

    last_month = dropins.recordable_months(local_today())[1]
    response = post(client, activity, last_month, 9, 2)
    assert response.location == PAGE
    row = session.exec(select(DropInCount)).one()
    assert (row.activity_id, row.month, row.people, row.new_people) == (
        activity.id, last_month, 9, 2,
    )  # fmt: skip
    listing = client.get(PAGE).get_data(as_text=True)
    assert "de aantallen zijn opgeslagen" in listing
    assert '<td class="num">9</td><td class="num">2</td>' in listing

    wrong = post(client, activity, last_month, 3, 5)
    assert wrong.status_code == 400
    assert "kan niet groter zijn dan het totaal" in wrong.get_data(as_text=True)
    # Another organisation's activity is not a choice, and not accepted either.
    other = factory.activity(title="Van een ander")
    refused = post(client, other, last_month, 3, 1)
    assert refused.status_code == 400
    assert session.exec(select(DropInCount)).one().people == 9


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


def test_the_monitoring_page_and_csv_have_the_drop_in_table(
    app: Flask, session: Session, activity: Activity, factory: Factory
) -> None:
    today = local_today()
    dropins.record(session, SYSTEM, activity, today.replace(day=1), 30, 10, today)
    admin: FlaskClient = login_as(app.test_client(), factory.user("beheerder"))
    page = admin.get("/beheer/resultaten/").get_data(as_text=True)
    assert "Zonder aanmelding: inloop en zelf aangemeld, per aanbieder" in page
    csv = admin.get("/beheer/resultaten/inloop.csv").get_data(as_text=True)
    assert "Aanbieder;Mensen (per maand opgeteld);Nieuw;Activiteit-maanden geteld" in csv
    assert "Totaal;30;10;1" in csv
