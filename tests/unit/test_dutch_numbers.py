"""The one Dutch formatter (activatie/dutch.py): decimal comma, whole numbers, amounts, dates."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from activatie.dutch import euro, km, nl_date, nl_month, nl_number, nl_short_month


def test_numbers_get_a_decimal_comma() -> None:
    assert nl_number(6.44) == "6,4"
    assert nl_number(3) == "3,0"
    assert nl_number(2.5, 2) == "2,50"
    assert nl_number(25.0, trim=True) == "25"
    assert nl_number(29.5, trim=True) == "29,5"
    assert km(6.44) == "6,4 km" and km(None) == ""
    assert euro(250) == "€ 2,50" and euro(5) == "€ 0,05" and euro(None) == ""
    assert nl_date(date(2026, 11, 3)) == "3 november 2026" and nl_date(None) == ""


def test_months_are_written_from_a_date_not_from_text() -> None:
    assert nl_month(date(2026, 11, 30)) == "november 2026"
    assert nl_short_month(date(2026, 11, 30)) == "nov '26"
    assert nl_short_month(date(2026, 3, 1)) == "mrt '26"  # the Dutch abbreviation
    assert nl_short_month(date(2007, 5, 1)) == "mei '07"


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_no_point_ever_stands_in_a_number(value: float) -> None:
    written = nl_number(value)
    assert "." not in written
    assert float(written.replace(",", ".")) == round(value, 1)
