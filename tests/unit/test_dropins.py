"""Drop-in counts, the pure rules: whole people, new ones a part of them, which months may be recorded."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from activatie import dropins

TODAY = date(2026, 11, 27)


@given(st.integers(-5, 10_005), st.integers(-5, 10_005))
def test_counts_are_whole_people_and_new_ones_a_part_of_them(people: int, new: int) -> None:
    errors = dropins.check_counts(date(2026, 10, 1), people, new, TODAY)
    valid = 0 <= new <= people <= dropins.MAX_PEOPLE
    assert (errors == {}) == valid
    if 0 <= people <= dropins.MAX_PEOPLE and 0 <= new <= dropins.MAX_PEOPLE and new > people:
        assert (
            errors["new_people"] == "Het aantal nieuwe mensen kan niet groter zijn dan het totaal."
        )


def test_only_this_month_and_the_24_before_may_be_recorded() -> None:
    months = dropins.recordable_months(TODAY)
    assert months[0] == date(2026, 11, 1) and months[-1] == date(2024, 11, 1)
    assert len(months) == 25
    assert dropins.check_counts(date(2026, 12, 1), 5, 1, TODAY)["month"].startswith("Kies deze")
    assert "month" in dropins.check_counts(date(2024, 10, 1), 5, 1, TODAY)
    assert "month" in dropins.check_counts(date(2026, 10, 15), 5, 1, TODAY)  # not a month start
