"""Trends and budget goals on the monitoring page: a monthly series with the same protection."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from activatie import dutch, reports, stats, trends
from activatie.models import Activity, local_today, utcnow
from activatie.stats import HIDDEN, SMALL
from tests.factories import Factory, add_placement


@pytest.fixture
def activity(factory: Factory) -> Activity:
    return factory.activity(capacity=50, free_places=50)


def days_into(month: date) -> int:
    """Days ago of the 10th of ``month`` (the 1st when that is still to come)."""
    day = month.replace(day=10) if month.replace(day=10) <= local_today() else month
    return (local_today() - day).days


def test_the_series_counts_by_month_and_a_small_month_cannot_be_worked_out(
    session: Session, activity: Activity
) -> None:
    months = trends.trend_months(local_today())
    before, last = months[-3], months[-2]  # two whole months
    for _ in range(3):
        add_placement(session, activity, days_ago=days_into(before), needs=("herstel",))
    for _ in range(10):
        add_placement(session, activity, days_ago=days_into(last), status="gestart", start_after=0)
    period = reports.Period(before, date.fromordinal(months[-1].toordinal() - 1))

    report = reports.report(session, period, utcnow(), 90)

    trend = report.tables["trend"]
    rows = {row.label: [c.text for c in row.cells] for row in trend.rows}
    assert len(trend.rows) == 24 and trend.rows[0].label == dutch.nl_month(months[-1])
    assert rows[dutch.nl_month(before)][0] == SMALL
    assert rows[dutch.nl_month(last)][1] in ("10", HIDDEN)  # started that month
    # 3 + 10 = 13 in the period: showing both 10 and 13 would give the 3 away.
    headline = report.figures[0].cell.text
    assert HIDDEN in (headline, rows[dutch.nl_month(last)][0])
    # The same months in a period that is not whole months: no such sum, nothing extra hidden.
    loose = reports.Period(date.fromordinal(before.toordinal() + 2), period.end)
    loose_report = reports.report(session, loose, utcnow(), 90)
    loose_rows = {r.label: [c.text for c in r.cells] for r in loose_report.tables["trend"].rows}
    assert loose_rows[dutch.nl_month(last)][0] == "10"


def test_the_goals_table_sums_up_per_budget_goal(session: Session, activity: Activity) -> None:
    for _ in range(6):
        add_placement(session, activity, days_ago=20, needs=("herstel", "sociale_contacten"))
    for _ in range(5):
        add_placement(session, activity, days_ago=20, needs=("werkvaardigheden",))

    report = reports.report(session, reports.Period.last_year(local_today()), utcnow(), 90)

    table = report.tables["doelen"]
    counts = {row.label: row.cells[0].text for row in table.rows}
    assert counts == {
        "1.1.1 Betekenisvolle sociale contacten en daginvulling": "6",
        "1.1.2 Vitaal en gezond": "6",
        "1.1.3 Gelijke kansen": "5",
    }
    assert table.total is None  # one aanmelding can serve more goals


def test_occupancy_per_month_is_running_aanmeldingen_over_todays_places(
    factory: Factory, session: Session
) -> None:
    """Lopend at each month's end, and that as a share of the places of running activities now."""
    activity = factory.activity(capacity=40, free_places=40)
    factory.activity(capacity=10, free_places=10, status="gepauzeerd")  # not running: no places
    months = trends.trend_months(local_today())
    earlier, last = months[-4], months[-2]
    # Eight started in an earlier month and still running; six started then and ended last month.
    for _ in range(8):
        add_placement(session, activity, days_ago=days_into(earlier) + 5, status="gestart",
                      start_after=5)  # fmt: skip
    for _ in range(6):
        add_placement(session, activity, days_ago=days_into(earlier) + 5, status="afgerond",
                      start_after=5, end_date=last.replace(day=3), ladder_end=3,
                      outcome="doet_nog_mee")  # fmt: skip
    # Started long before the series and never ended: running in every month of it.
    add_placement(session, activity, days_ago=800, status="gestart", start_after=1)

    report = reports.report(session, reports.Period.last_year(local_today()), utcnow(), 90)

    table = report.tables["trend"]
    keys = [c.key for c in table.columns[1:]]
    rows = {row.label: dict(zip(keys, (c.text for c in row.cells), strict=True))
            for row in table.rows}  # fmt: skip
    month_before_last = months[-3]
    assert rows[dutch.nl_month(months[0])]["lopend"] == SMALL  # only the long one
    assert rows[dutch.nl_month(month_before_last)]["lopend"] == "15"
    assert rows[dutch.nl_month(month_before_last)]["bezet_via_activatie"] == "38%"  # 15 / 40
    assert rows[dutch.nl_month(months[-1])]["lopend"] == "9"  # the six ended last month
    assert rows[dutch.nl_month(months[-1])]["bezet_via_activatie"] == "22%"
    # A hidden or small count hides its percentage too.
    assert rows[dutch.nl_month(months[0])]["bezet_via_activatie"] == stats.NOT_SHOWN
    assert "plekken" in table.note and "vroeger" in table.note
