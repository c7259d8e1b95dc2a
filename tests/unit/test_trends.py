"""Trends, the pure parts: the 24 months of the series, whole months only, one budget goal per need, running on a day."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from activatie import stats, trends
from activatie.vocabulary import NEED_GOAL, NEEDS, goals_of


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
