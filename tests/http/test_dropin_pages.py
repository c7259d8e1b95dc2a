"""Drop-ins through the pages: a provider records a month, the monitoring page and CSV show it.

The fixtures are those of the service tests (``tests/service/test_dropins.py``), imported by
name: pytest finds a fixture by the name of the test's argument (hence F401, F811).
"""

# ruff: noqa: F811

from __future__ import annotations

import inspect
from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select
from wtforms.fields.core import UnboundField

from activatie import dropins
from activatie.audit import SYSTEM
from activatie.forms import DropInForm
from activatie.models import Activity, DropInCount, User, local_today
from activatie.views.provider import DROP_IN_FIELDS
from tests.factories import Factory, login_as
from tests.service.test_dropins import activity, provider  # noqa: F401

PAGE = "/aanbieder/inloop"


def test_each_figure_the_service_checks_maps_to_its_own_form_field() -> None:
    checked = set(inspect.signature(dropins.check_counts).parameters) - {"today"}
    assert set(DROP_IN_FIELDS) == checked
    assert len(set(DROP_IN_FIELDS.values())) == len(DROP_IN_FIELDS)
    assert all(
        isinstance(getattr(DropInForm, name), UnboundField) for name in DROP_IN_FIELDS.values()
    )


@given(
    month=st.dates(date(2024, 1, 1), date(2027, 12, 31)),
    people=st.integers(-5, 10_005),
    new=st.integers(-5, 10_005),
)
def test_the_service_speaks_of_its_own_figures(month: date, people: int, new: int) -> None:
    assert set(dropins.check_counts(month, people, new, date(2026, 11, 27))) <= set(DROP_IN_FIELDS)


def post(client: FlaskClient, activity: Activity, month: date, people: int, new: int):
    data = {"activiteit": activity.id, "maand": month.isoformat(), "aantal": people, "nieuw": new}
    return client.post(PAGE, data=data)


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
    assert (
        '<p class="error" id="nieuw-error">Het aantal nieuwe mensen kan niet groter zijn dan het '
        "totaal.</p>" in wrong.get_data(as_text=True)
    )
    # Another organisation's activity is not a choice, and not accepted either.
    other = factory.activity(title="Van een ander")
    refused = post(client, other, last_month, 3, 1)
    assert refused.status_code == 400
    assert session.exec(select(DropInCount)).one().people == 9


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
