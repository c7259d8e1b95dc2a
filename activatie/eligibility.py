"""The AOW age (state pension age) and the age rule of Sociale Activatie en Herstel (pure).

SAH is for residents of Zwolle from 18 years up to the AOW age (Algemene Subsidieverordening
Zwolle, chapter 34; ``shared/design/domain.md``, "AOW age").

The AOW age is not a formula. By law it is fixed per calendar year in which it is reached, five
years ahead, and once fixed it cannot go down (Algemene Ouderdomswet, art. 7a). So it is kept here
as data, :data:`AOW_TABLE`, copied from the table of Rijksoverheid, "Wanneer gaat mijn AOW in?"
(rijksoverheid.nl). Add a row each November, when the age for one more year is fixed.

Choices of our own, documented here because they are not in the law:

- People born before 1 March 1957 are out of scope of the app, but must not crash it. For them the
  table holds the ages Rijksoverheid published for AOW reached in 2013-2023 (including the slowdown
  of the Wet temporisering verhoging AOW-leeftijd, 2020), and 65 for people born before
  1 December 1947. These rows only matter for dates before 2024: everyone born before
  1 March 1957 reached the AOW age by the end of 2023. (Before 2013 the AOW was paid from the first
  of the month; :func:`aow_date` gives the day the age is reached, not the first payment.)
- For people born on or after 1 October 1964 the age is not yet fixed; it will be at least
  67 years and 3 months. We use 67 years and 3 months as a provisional age, marked
  ``fixed=False``. Such a person is under the AOW age for at least the next five years anyway.
- One rule for all date arithmetic: adding years or months to a day that does not exist in the
  target month gives that month's last day (30 November + 3 months = 28 or 29 February, as in
  domain.md). So someone born on 29 February turns a year older on 28 February in years without a
  29 February. This keeps :func:`age_on` and :func:`aow_date` consistent: nobody has reached the
  AOW age while still being counted as younger than its years.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .dutch import nl_date

#: SAH is for residents from this age (in completed years).
SAH_MIN_AGE = 18

#: Ages above this are refused as a typing error.
MAX_AGE = 125


@dataclass(frozen=True)
class AowBand:
    """One row of the AOW table: everyone born in a date range reaches AOW at the same age.

    ``born_from`` and ``born_until`` are inclusive; None means the range is open on that side.
    ``reached_in`` is the calendar year in which the AOW age is reached, None for the open rows.
    """

    born_from: date | None
    born_until: date | None
    reached_in: int | None
    years: int
    months: int
    fixed: bool = True

    def covers(self, birth_date: date) -> bool:
        """Return whether ``birth_date`` falls in this row's birth-date range."""
        if self.born_from is not None and birth_date < self.born_from:
            return False
        return self.born_until is None or birth_date <= self.born_until


#: Rijksoverheid, "Wanneer gaat mijn AOW in?" (Algemene Ouderdomswet, art. 7a).
AOW_TABLE: tuple[AowBand, ...] = (
    AowBand(None, date(1947, 11, 30), None, 65, 0),
    AowBand(date(1947, 12, 1), date(1948, 10, 31), 2013, 65, 1),
    AowBand(date(1948, 11, 1), date(1949, 9, 30), 2014, 65, 2),
    AowBand(date(1949, 10, 1), date(1950, 6, 30), 2015, 65, 3),
    AowBand(date(1950, 7, 1), date(1951, 3, 31), 2016, 65, 6),
    AowBand(date(1951, 4, 1), date(1951, 12, 31), 2017, 65, 9),
    AowBand(date(1952, 1, 1), date(1952, 8, 31), 2018, 66, 0),
    AowBand(date(1952, 9, 1), date(1953, 8, 31), 2019, 66, 4),
    AowBand(date(1953, 9, 1), date(1954, 8, 31), 2020, 66, 4),
    AowBand(date(1954, 9, 1), date(1955, 8, 31), 2021, 66, 4),
    AowBand(date(1955, 9, 1), date(1956, 5, 31), 2022, 66, 7),
    AowBand(date(1956, 6, 1), date(1957, 2, 28), 2023, 66, 10),
    # The rows of domain.md start here.
    AowBand(date(1957, 3, 1), date(1957, 12, 31), 2024, 67, 0),
    AowBand(date(1958, 1, 1), date(1958, 12, 31), 2025, 67, 0),
    AowBand(date(1959, 1, 1), date(1959, 12, 31), 2026, 67, 0),
    AowBand(date(1960, 1, 1), date(1960, 12, 31), 2027, 67, 0),
    AowBand(date(1961, 1, 1), date(1961, 9, 30), 2028, 67, 3),
    AowBand(date(1961, 10, 1), date(1962, 9, 30), 2029, 67, 3),
    AowBand(date(1962, 10, 1), date(1963, 9, 30), 2030, 67, 3),  # fixed November 2024
    AowBand(date(1963, 10, 1), date(1964, 9, 30), 2031, 67, 3),  # fixed November 2025
    # 2032 and later: not yet fixed, at least 67 years and 3 months.
    AowBand(date(1964, 10, 1), None, None, 67, 3, fixed=False),
)


@dataclass(frozen=True)
class AowAge:
    """An AOW age in years and months; ``fixed`` is False while it is provisional."""

    years: int
    months: int
    fixed: bool


@dataclass(frozen=True)
class SahCheck:
    """The outcome of the SAH age rule.

    ``eligible`` is True only when the age rule is certainly met. ``reason`` is a stable key
    (``"te_jong"``, ``"aow"``, ``"geboortedatum_nodig"``) or None; ``message`` is a sentence in
    plain Dutch for the resident, or None when eligible.
    """

    eligible: bool
    reason: str | None
    message: str | None


#: What a resident reads, per reason. Plain Dutch (B1), addressed with "u" as in the interface.
MESSAGES: dict[str, str] = {
    "te_jong": (
        "Deze activiteiten zijn voor mensen vanaf 18 jaar. "
        "Bent u jonger? Sommige sportverenigingen in Zwolle hebben een plek voor kinderen die wat "
        "extra aandacht nodig hebben. Misschien past dat."
    ),
    "aow": (
        "Deze activiteiten zijn voor mensen tot de AOW-leeftijd (de leeftijd waarop u AOW "
        "krijgt). U heeft die leeftijd bereikt. Voor mensen vanaf de AOW-leeftijd is er in Zwolle "
        "Daginvulling “Goede dagen”: iets fijns om overdag te doen, samen met anderen. "
        "Het wijkteam of Samen Zwolle (samenzwolle.nl) helpt u graag verder."
    ),
    "geboortedatum_nodig": (
        "Bij deze leeftijd hangt het van de geboortedatum af of deze activiteiten "
        "passen. Wilt u de geboortedatum invullen? We bewaren die niet."
    ),
}


def add_months(day: date, months: int) -> date:
    """Return ``day`` plus ``months`` calendar months, clamped to the end of the target month.

    30 November + 3 months is 28 February (29 in a leap year); 31 May + 1 month is 30 June.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month_index = divmod(index, 12)
    month = month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def age_on(birth_date: date, on: date) -> int:
    """Return the age in completed years of someone born on ``birth_date``, on the day ``on``.

    A birthday on 29 February counts on 28 February in years without a 29 February (see the
    module docstring).
    """
    if on < birth_date:
        raise ValueError("De geboortedatum ligt na de datum waarop we de leeftijd berekenen.")
    years = on.year - birth_date.year
    if add_months(birth_date, 12 * years) > on:
        years -= 1
    return years


def aow_band(birth_date: date) -> AowBand:
    """Return the row of :data:`AOW_TABLE` that applies to ``birth_date``."""
    for band in AOW_TABLE:
        if band.covers(birth_date):
            return band
    raise LookupError(f"no AOW row for {birth_date}")  # pragma: no cover - the table is complete


def aow_age(birth_date: date) -> AowAge:
    """Return the AOW age of someone born on ``birth_date``."""
    band = aow_band(birth_date)
    return AowAge(years=band.years, months=band.months, fixed=band.fixed)


def aow_date(birth_date: date) -> date:
    """Return the day on which someone born on ``birth_date`` reaches the AOW age.

    Born 1 January 1961 gives 1 April 2028; born 1 October 1961 gives 1 January 2029.
    """
    age = aow_age(birth_date)
    return add_months(birth_date, 12 * age.years + age.months)


def has_reached_aow(birth_date: date, on: date) -> bool:
    """Return whether someone born on ``birth_date`` has reached the AOW age on ``on``.

    True from the AOW date itself onwards.
    """
    return aow_date(birth_date) <= on


def birth_dates_for_age(age: int, on: date) -> tuple[date, date]:
    """Return the earliest and latest birth date of someone who is ``age`` years old on ``on``."""
    if age < 0:
        raise ValueError("Een leeftijd kan niet negatief zijn.")
    latest = _latest_birth_date_with_age(age, on)
    earliest = _latest_birth_date_with_age(age + 1, on) + timedelta(days=1)
    return earliest, latest


def _latest_birth_date_with_age(age: int, on: date) -> date:
    """Return the last birth date of someone who is at least ``age`` years old on ``on``."""
    months = 12 * age
    birth = add_months(on, -months)
    # Clamping makes the first guess off by a day or two around 29 February.
    while add_months(birth + timedelta(days=1), months) <= on:
        birth += timedelta(days=1)
    while add_months(birth, months) > on:
        birth -= timedelta(days=1)
    return birth


def has_reached_aow_by_age(age: int, on: date) -> bool | None:
    """Return whether someone of ``age`` completed years on ``on`` has reached the AOW age.

    Use this when only the age is known. It is True when everyone of that age has reached it,
    False when nobody has, and None when it depends on the exact date of birth: then ask for it.
    Today that means False below 67, True from 68, and for 67 it depends on the date.
    """
    earliest, latest = birth_dates_for_age(age, on)
    # A later birth date never gives an earlier AOW date, so the two extremes decide.
    if has_reached_aow(latest, on):
        return True
    if not has_reached_aow(earliest, on):
        return False
    return None


def check_sah(on: date, birth_date: date | None = None, age: int | None = None) -> SahCheck:
    """Check the age rule of SAH (18 up to the AOW age) for a resident on the day ``on``.

    Give the birth date, the age in completed years, or both; the birth date wins. Raises
    :exc:`ValueError` with a Dutch message when neither is given or the input is impossible.
    """
    if birth_date is not None:
        if birth_date > on:
            raise ValueError("De geboortedatum ligt in de toekomst. Controleer de datum.")
        years = age_on(birth_date, on)
        if years > MAX_AGE:
            raise ValueError("Deze geboortedatum klopt niet. Controleer de datum.")
        if years < SAH_MIN_AGE:
            return _refuse("te_jong")
        if has_reached_aow(birth_date, on):
            return _refuse("aow")
        return SahCheck(eligible=True, reason=None, message=None)

    if age is None:
        raise ValueError("Vul een geboortedatum of een leeftijd in.")
    if age < 0 or age > MAX_AGE:
        raise ValueError(f"Vul een leeftijd in tussen 0 en {MAX_AGE} jaar.")
    if age < SAH_MIN_AGE:
        return _refuse("te_jong")
    reached = has_reached_aow_by_age(age, on)
    if reached is None:
        return _refuse("geboortedatum_nodig")
    if reached:
        return _refuse("aow")
    return SahCheck(eligible=True, reason=None, message=None)


def _refuse(reason: str) -> SahCheck:
    return SahCheck(eligible=False, reason=reason, message=MESSAGES[reason])


#: How far ahead the AOW date is announced (issue: "within 6 months").
AOW_NOTICE_MONTHS = 6


@dataclass(frozen=True)
class AowNotice:
    """The AOW age comes soon: on ``day`` (exact when ``exact``, otherwise the earliest day it
    can be for someone of this age), ``days`` from today."""

    day: date
    days: int
    exact: bool

    @property
    def message(self) -> str:
        """What the resident (or the consultant) reads, in plain Dutch."""
        after = "Daarna kunt u terecht bij Daginvulling “Goede dagen”."
        if not self.exact:
            return (
                "Misschien bereikt u binnen een half jaar de AOW-leeftijd. Vul de "
                f"geboortedatum in, dan ziet u wanneer. {after}"
            )
        on = nl_date(self.day)
        if self.days == 1:
            return f"Morgen, op {on}, bereikt u de AOW-leeftijd. {after}"
        return f"Over {self.days} dagen, op {on}, bereikt u de AOW-leeftijd. {after}"


def aow_notice(
    on: date, birth_date: date | None = None, age: int | None = None
) -> AowNotice | None:
    """Return a notice when the AOW age is reached after ``on`` but within six months.

    With a birth date the day is exact. With only an age it is the earliest AOW day of anyone
    that age, and the notice says it depends on the birth date. None when the AOW age has been
    reached already, or lies further ahead.
    """
    if birth_date is not None:
        day, exact = aow_date(birth_date), True
    elif age is not None:
        earliest_birth, _ = birth_dates_for_age(age, on)
        day, exact = aow_date(earliest_birth), False
    else:
        return None
    if not on < day <= add_months(on, AOW_NOTICE_MONTHS):
        return None
    return AowNotice(day=day, days=(day - on).days, exact=exact)
