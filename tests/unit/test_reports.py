"""Report periods, the pure part: whole months, quarters and years only, or a Dutch message."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from activatie import reports


def last_day_of(key: str, today: date) -> date:
    """The end of period ``key``: the last day of its last month, or today while it runs.

    Worked out apart from ``reports`` (month ``2026-03``, quarter ``2026-K1``, year ``2026``).
    """
    if key == reports.LAST_TWELVE_MONTHS:
        return today
    year, _, part = key.partition("-")
    month = 12 if not part else 3 * int(part[1]) if part.startswith("K") else int(part)
    following = date(int(year) + month // 12, month % 12 + 1, 1)
    return min(following - timedelta(days=1), today)


def test_parse_period_knows_only_whole_months_quarters_and_years() -> None:
    today = date(2026, 3, 10)
    default = reports.Period(date(2025, 4, 1), today, "12m")
    assert reports.parse_period(None, today) == (default, {})
    assert reports.parse_period("12m", today) == (default, {})
    assert reports.parse_period("2026-01", today) == (
        reports.Period(date(2026, 1, 1), date(2026, 1, 31), "2026-01"),
        {},
    )
    assert reports.parse_period("2025-k4", today)[0] == reports.Period(
        date(2025, 10, 1), date(2025, 12, 31), "2025-K4"
    )
    assert reports.parse_period("2024", today)[0].end == date(2024, 12, 31)
    running = reports.parse_period("2026-K1", today)[0]
    assert (running.start, running.end) == (date(2026, 1, 1), today)
    for bad in ("2026-01-31", "31-01-2026", "2026-00", "2026-K5", "1999", "²⁰²⁶"):
        period, errors = reports.parse_period(bad, today)
        assert errors == {"periode": reports.PERIOD_PROBLEM} and period == default, bad
    assert "nog niet begonnen" in reports.parse_period("2026-04", today)[1]["periode"]
    assert reports.Period(date(2026, 1, 1), date(2026, 3, 31), "2026-K1").label() == (
        "1e kwartaal 2026"
    )
    choices = dict(reports.period_choices(today))
    assert choices["2026-03"] == "maart 2026" and "2026-04" not in choices
    assert choices["2024"] == "2024" and "2023" not in choices


@given(
    st.one_of(
        st.text(max_size=12),
        st.from_regex(r"\A[0-9]{4}(-([0-9]{2}|[Kk][0-9]))?\Z"),
    ),
    st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)),
)
def test_any_period_value_gives_whole_months_or_a_dutch_message(raw: str, today: date) -> None:
    period, errors = reports.parse_period(raw, today)
    if errors:
        assert period == reports.Period.last_year(today) and errors["periode"]
        return
    assert period.start.day == 1 and period.start <= period.end <= today
    assert period.end == last_day_of(period.key, today)
