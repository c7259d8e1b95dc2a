from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activatie.eligibility import (
    AOW_TABLE,
    MESSAGES,
    AowAge,
    SahCheck,
    add_months,
    age_on,
    aow_age,
    aow_date,
    birth_dates_for_age,
    check_sah,
    has_reached_aow,
    has_reached_aow_by_age,
)

DAY = timedelta(days=1)

# No example database in the repository, and no flaky deadlines on a busy machine.
pure = settings(database=None, deadline=None)

birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


# --- date arithmetic -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2029, 11, 30), 3, date(2030, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2028, 5, 31), 1, date(2028, 6, 30)),
        (date(2028, 5, 31), 3, date(2028, 8, 31)),
        (date(2028, 1, 31), 13, date(2029, 2, 28)),
        (date(2028, 3, 31), -1, date(2028, 2, 29)),
        (date(2028, 2, 29), -12, date(2027, 2, 28)),
        (date(2028, 6, 15), 0, date(2028, 6, 15)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("birth", "on", "expected"),
    [
        (date(2008, 6, 15), date(2026, 6, 14), 17),
        (date(2008, 6, 15), date(2026, 6, 15), 18),
        (date(2008, 6, 15), date(2026, 6, 16), 18),
        (date(1990, 12, 31), date(2026, 12, 30), 35),
        (date(1990, 12, 31), date(2026, 12, 31), 36),
        (date(2026, 3, 1), date(2026, 3, 1), 0),
        # 29 February: the birthday counts on 28 February in years without one.
        (date(2000, 2, 29), date(2001, 2, 27), 0),
        (date(2000, 2, 29), date(2001, 2, 28), 1),
        (date(2000, 2, 29), date(2004, 2, 28), 3),
        (date(2000, 2, 29), date(2004, 2, 29), 4),
        (date(2008, 2, 29), date(2026, 2, 27), 17),
        (date(2008, 2, 29), date(2026, 2, 28), 18),
    ],
)
def test_age_on(birth, on, expected):
    assert age_on(birth, on) == expected


def test_age_on_refuses_a_day_before_birth():
    with pytest.raises(ValueError, match="geboortedatum"):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


# --- the AOW table ---------------------------------------------------------------------------


def test_table_rows_are_contiguous_and_cover_every_birth_date():
    assert AOW_TABLE[0].born_from is None
    assert AOW_TABLE[-1].born_until is None
    for before, after in zip(AOW_TABLE, AOW_TABLE[1:], strict=False):
        assert before.born_until + DAY == after.born_from


def test_table_rows_reach_aow_in_their_own_year():
    # The law fixes the age per calendar year in which it is reached: both ends of every row
    # must reach the AOW age in that row's year. This guards the table against typing errors.
    for band in AOW_TABLE:
        if band.reached_in is None:
            continue
        assert aow_date(band.born_from).year == band.reached_in
        assert aow_date(band.born_until).year == band.reached_in


def test_ages_never_go_down():
    ages = [(band.years, band.months) for band in AOW_TABLE]
    assert ages == sorted(ages)


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (date(1940, 5, 5), AowAge(65, 0, True)),
        (date(1956, 6, 1), AowAge(66, 10, True)),
        (date(1957, 2, 28), AowAge(66, 10, True)),
        (date(1957, 3, 1), AowAge(67, 0, True)),
        (date(1960, 12, 31), AowAge(67, 0, True)),
        (date(1961, 1, 1), AowAge(67, 3, True)),
        (date(1964, 9, 30), AowAge(67, 3, True)),
        (date(1964, 10, 1), AowAge(67, 3, False)),
        (date(1990, 7, 12), AowAge(67, 3, False)),
    ],
)
def test_aow_age(birth, expected):
    assert aow_age(birth) == expected


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (date(1957, 3, 1), date(2024, 3, 1)),
        (date(1957, 6, 15), date(2024, 6, 15)),
        (date(1958, 2, 3), date(2025, 2, 3)),
        (date(1960, 12, 31), date(2027, 12, 31)),
        (date(1961, 1, 1), date(2028, 4, 1)),  # example in domain.md
        (date(1961, 3, 31), date(2028, 6, 30)),  # 31 March + 3 months: clamped to 30 June
        (date(1961, 9, 30), date(2028, 12, 30)),
        (date(1961, 10, 1), date(2029, 1, 1)),  # example in domain.md
        (date(1962, 5, 31), date(2029, 8, 31)),  # 31 May + 3 months: 31 August exists
        (date(1962, 11, 30), date(2030, 2, 28)),  # 30 November + 3 months: clamped
        (date(1963, 10, 10), date(2031, 1, 10)),
        (date(1964, 9, 30), date(2031, 12, 30)),
        (date(1964, 10, 1), date(2032, 1, 1)),
        (date(1964, 11, 30), date(2032, 2, 29)),  # clamped in a leap year
        (date(1990, 7, 12), date(2057, 10, 12)),
    ],
)
def test_aow_date_day_before_on_and_after(birth, expected):
    assert aow_date(birth) == expected
    assert not has_reached_aow(birth, expected - DAY)
    assert has_reached_aow(birth, expected)
    assert has_reached_aow(birth, expected + DAY)


def test_aow_date_for_29_february_births():
    assert aow_date(date(1960, 2, 29)) == date(2027, 2, 28)
    assert age_on(date(1960, 2, 29), date(2027, 2, 28)) == 67
    assert aow_date(date(1964, 2, 29)) == date(2031, 5, 29)


def test_out_of_scope_birth_dates_do_not_crash():
    assert has_reached_aow(date(1900, 1, 1), date(2026, 1, 1))
    assert has_reached_aow(date(1950, 8, 8), date(2026, 1, 1))
    assert aow_date(date(1950, 8, 8)) == date(2016, 2, 8)


# --- only an age is known --------------------------------------------------------------------


def test_birth_dates_for_age():
    assert birth_dates_for_age(67, date(2026, 6, 1)) == (date(1958, 6, 2), date(1959, 6, 1))
    # On 28 February 2027 (no 29 February), someone born 29 February 1960 is 67 already.
    assert birth_dates_for_age(67, date(2027, 2, 28)) == (date(1959, 3, 1), date(1960, 2, 29))
    with pytest.raises(ValueError):
        birth_dates_for_age(-1, date(2026, 1, 1))


@pytest.mark.parametrize(
    ("age", "on", "expected"),
    [
        (66, date(2026, 6, 1), False),
        (67, date(2026, 6, 1), True),
        (67, date(2026, 1, 1), True),
        (68, date(2026, 6, 1), True),
        (66, date(2029, 6, 1), False),
        (67, date(2029, 6, 1), None),
        (68, date(2029, 6, 1), True),
        (17, date(2029, 6, 1), False),
        (100, date(2029, 6, 1), True),
    ],
)
def test_has_reached_aow_by_age(age, on, expected):
    assert has_reached_aow_by_age(age, on) is expected


@pure
@given(birth=birth_dates, on=days)
def test_by_age_agrees_with_the_birth_date(birth, on):
    if on < birth:
        return
    answer = has_reached_aow_by_age(age_on(birth, on), on)
    if answer is not None:
        assert answer == has_reached_aow(birth, on)


# --- properties ------------------------------------------------------------------------------


@pure
@given(birth=birth_dates, first=days, second=days)
def test_has_reached_aow_is_monotone(birth, first, second):
    early, late = sorted((first, second))
    if has_reached_aow(birth, early):
        assert has_reached_aow(birth, late)


@pure
@given(birth=st.dates(min_value=date(1957, 3, 1), max_value=date(2030, 12, 31)))
def test_aow_date_is_never_before_the_67th_birthday(birth):
    assert aow_date(birth) >= add_months(birth, 12 * 67)
    assert age_on(birth, aow_date(birth)) >= 67


@pure
@given(birth=birth_dates)
def test_aow_date_is_never_before_the_65th_birthday(birth):
    assert aow_date(birth) >= add_months(birth, 12 * 65)


@pure
@given(first=birth_dates, second=birth_dates)
def test_later_birth_never_gives_earlier_aow(first, second):
    early, late = sorted((first, second))
    assert aow_date(early) <= aow_date(late)


# --- the SAH age rule ------------------------------------------------------------------------

TODAY = date(2026, 11, 23)


def test_eligible_adult():
    assert check_sah(TODAY, birth_date=date(1990, 7, 12)) == SahCheck(True, None, None)
    assert check_sah(TODAY, age=45) == SahCheck(True, None, None)


def test_age_17_18_boundary():
    seventeen = check_sah(TODAY, birth_date=date(2008, 11, 24))
    assert not seventeen.eligible
    assert seventeen.reason == "te_jong"
    assert check_sah(TODAY, birth_date=date(2008, 11, 23)).eligible
    assert check_sah(TODAY, age=17).reason == "te_jong"
    assert check_sah(TODAY, age=18).eligible


def test_18th_birthday_on_29_february():
    assert check_sah(date(2026, 2, 28), birth_date=date(2008, 2, 29)).eligible
    assert check_sah(date(2026, 2, 27), birth_date=date(2008, 2, 29)).reason == "te_jong"


def test_too_young_message_points_to_sports_clubs():
    check = check_sah(TODAY, age=12)
    assert check.message == MESSAGES["te_jong"]
    assert "18 jaar" in check.message
    assert "sportverenigingen" in check.message


def test_aow_boundary_by_birth_date():
    birth = date(1959, 11, 23)  # 67 today, AOW today
    assert check_sah(TODAY - DAY, birth_date=birth).eligible
    check = check_sah(TODAY, birth_date=birth)
    assert check.reason == "aow"
    assert not check.eligible


def test_aow_message_points_kindly_to_goede_dagen():
    check = check_sah(TODAY, age=70)
    assert check.reason == "aow"
    assert "Goede dagen" in check.message
    assert "samenzwolle.nl" in check.message
    assert "wijkteam" in check.message


def test_ambiguous_age_asks_for_the_birth_date():
    check = check_sah(date(2029, 6, 1), age=67)
    assert not check.eligible
    assert check.reason == "geboortedatum_nodig"
    assert "geboortedatum" in check.message


def test_birth_date_wins_over_age():
    assert check_sah(date(2029, 6, 1), birth_date=date(1962, 6, 1), age=10).eligible
    assert check_sah(date(2029, 6, 1), birth_date=date(1961, 6, 1), age=30).reason == "aow"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "geboortedatum of een leeftijd"),
        ({"birth_date": TODAY + DAY}, "toekomst"),
        ({"age": -1}, "tussen 0 en 125"),
        ({"age": 126}, "tussen 0 en 125"),
        ({"birth_date": date(1850, 1, 1)}, "klopt niet"),
    ],
)
def test_impossible_input_is_refused_in_dutch(kwargs, match):
    with pytest.raises(ValueError, match=match):
        check_sah(TODAY, **kwargs)
