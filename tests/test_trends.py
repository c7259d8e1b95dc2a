"""Trends and budget goals on the monitoring page: a monthly series with the same protection."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from activatie import dutch, reports, stats, trends
from activatie.models import Activity, local_today, utcnow
from activatie.stats import HIDDEN, SMALL
from activatie.vocabulary import NEED_GOAL, NEEDS, goals_of

from .factories import Factory
from .test_reports import add_placement

TODAY = local_today()


def follow_the_clock() -> None:
    """Called before each test (conftest): today is read per test, not once at import."""
    global TODAY
    TODAY = local_today()


def test_the_series_is_the_last_24_months_oldest_first() -> None:
    months = trends.trend_months(date(2026, 11, 27))
    assert len(months) == 24
    assert (months[0], months[-1]) == (date(2024, 12, 1), date(2026, 11, 1))
    assert all(m.day == 1 for m in months)


@given(st.integers(0, 23), st.integers(0, 23), st.integers(0, 40))
def test_only_whole_months_add_up_to_a_period(a: int, b: int, shift: int) -> None:
    today = date(2026, 11, 27)
    months = trends.trend_months(today)
    first, last = sorted((a, b))
    start = months[first]
    end = stats.months_before(months[last], -1).replace(day=1)
    end = date.fromordinal(end.toordinal() - 1) if last < 23 else today
    assert trends.months_in(start, end, months, today) == list(months[first : last + 1])
    if shift:  # a period that starts or ends inside a month is not whole months
        inside = date.fromordinal(start.toordinal() + min(shift, 27))
        assert trends.months_in(inside, end, months, today) == []


def test_every_need_serves_one_budget_goal() -> None:
    assert set(NEED_GOAL) == set(NEEDS.keys)
    assert goals_of(["herstel", "bewegen", "meedoen"]) == {"1_1_1", "1_1_2"}


@pytest.fixture
def activity(factory: Factory) -> Activity:
    return factory.activity(capacity=50, free_places=50)


def days_into(month: date) -> int:
    """Days ago of the 10th of ``month`` (the 1st when that is still to come)."""
    day = month.replace(day=10) if month.replace(day=10) <= TODAY else month
    return (TODAY - day).days


def test_the_series_counts_by_month_and_a_small_month_cannot_be_worked_out(
    session: Session, activity: Activity
) -> None:
    months = trends.trend_months(TODAY)
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

    report = reports.report(session, reports.Period.last_year(TODAY), utcnow(), 90)

    table = report.tables["doelen"]
    counts = {row.label: row.cells[0].text for row in table.rows}
    assert counts == {
        "1.1.1 Betekenisvolle sociale contacten en daginvulling": "6",
        "1.1.2 Vitaal en gezond": "6",
        "1.1.3 Gelijke kansen": "5",
    }
    assert table.total is None  # one aanmelding can serve more goals


def test_running_at_a_day_counts_started_and_not_yet_ended() -> None:
    day = date(2026, 3, 31)
    assert trends.running_at(day, date(2026, 3, 31), None, "gestart")
    assert trends.running_at(day, date(2026, 1, 5), date(2026, 4, 1), "afgerond")
    assert not trends.running_at(day, date(2026, 1, 5), date(2026, 3, 31), "afgerond")
    assert not trends.running_at(day, date(2026, 4, 1), None, "gestart")
    assert not trends.running_at(day, None, None, "kennismaking")
    assert not trends.running_at(day, date(2026, 1, 5), None, "vervallen")  # end unknown
    assert trends.month_end(date(2026, 2, 1), date(2026, 11, 27)) == date(2026, 2, 28)
    assert trends.month_end(date(2026, 11, 1), date(2026, 11, 27)) == date(2026, 11, 27)


def test_occupancy_per_month_is_running_aanmeldingen_over_todays_places(
    factory: Factory, session: Session
) -> None:
    """Lopend at each month's end, and that as a share of the places of running activities now."""
    activity = factory.activity(capacity=40, free_places=40)
    factory.activity(capacity=10, free_places=10, status="gepauzeerd")  # not running: no places
    months = trends.trend_months(TODAY)
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

    report = reports.report(session, reports.Period.last_year(TODAY), utcnow(), 90)

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
