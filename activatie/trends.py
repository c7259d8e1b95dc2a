"""Trends for "Leren van Resultaat": a monthly series over the last 24 months.

Per calendar month (in Zwolle's time zone): aanmeldingen made, starts, completions and stops (by
the month of their start or end date), the aanmeldingen running at the end of the month, and the
people who came without an aanmelding as the providers counted them (``dropins.py``).

**Occupancy per month** ("via Activatie bezet") is the honest figure we can compute: the
aanmeldingen running on the last day of the month (today for this month) — started on or before
that day and not ended by then — as a percentage of the places of the running activities *now*.
Places and free places are not kept per month (a provider overwrites them), so the denominator
is today's; the figure shows how the use of Activatie changes, not the full occupancy of the
activities (people who come without an aanmelding are not in it; "Bezetting nu" is). An
aanmelding closed as ``vervallen`` does not count as running: nobody knows until when it ran.

The counts go into the report's own protection (``reports._Builder``): a month of 1 to 4 shows
``<5``, and when the chosen period is made of whole months inside the series, the reader knows
that those months add up to the period's headline figure; the protection then hides one more
cell where that sum would give a ``<5`` away. Erased aanmeldingen keep their month (their dates
are coarsened to the first of it), so the series does not change on erasure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, func, select

from . import stats
from .models import LOCAL_TIMEZONE, Activity, DropInCount, Placement

MONTHS = 24

#: Series key → column label, in the order of the table.
SERIES = {
    "aanmeldingen": "Aanmeldingen",
    "gestart": "Gestart",
    "afgerond": "Afgerond",
    "gestopt": "Gestopt",
    "lopend": "Lopend aan het eind van de maand",
    "inloop": "Mensen zonder aanmelding",
    "inloop_nieuw": "Nieuw zonder aanmelding",
}


@dataclass(frozen=True)
class Trend:
    months: tuple[date, ...]  # first days, oldest first
    counts: dict[tuple[date, str], int]  # (month, series) → count
    capacity: int = 0  # places of the running activities now, the base of the occupancy


def month_end(month: date, today: date) -> date:
    """Return the last day of ``month``, or today for the running month."""
    return min(stats.months_before(month, -1) - timedelta(days=1), today)


def running_at(day: date, start: date | None, end: date | None, status: str) -> bool:
    """Return whether an aanmelding was running on ``day`` (vervallen ones never count)."""
    return (
        status != "vervallen" and start is not None and start <= day and (end is None or end > day)
    )


def trend_months(today: date, months: int = MONTHS) -> tuple[date, ...]:
    """Return the first days of the last ``months`` months up to this one, oldest first."""
    this_month = today.replace(day=1)
    return tuple(stats.months_before(this_month, n) for n in range(months - 1, -1, -1))


def collect(session: Session, today: date) -> Trend:
    """Read the monthly counts of the series from the database (three narrow queries)."""
    months = trend_months(today)
    first = months[0]
    since = datetime.combine(first, time(0), LOCAL_TIMEZONE).astimezone(UTC)
    ends = [(month, month_end(month, today)) for month in months]
    counts: Counter[tuple[date, str]] = Counter()
    for created_at, start_date, end_date, status in session.exec(
        select(Placement.created_at, Placement.start_date, Placement.end_date, Placement.status)
        .where((col(Placement.created_at) >= since) | (col(Placement.start_date) >= first)
               | (col(Placement.end_date) >= first)
               | (col(Placement.start_date).is_not(None) & col(Placement.end_date).is_(None)))
    ):  # fmt: skip
        counts[(created_at.astimezone(LOCAL_TIMEZONE).date().replace(day=1), "aanmeldingen")] += 1
        if start_date is not None:
            counts[(start_date.replace(day=1), "gestart")] += 1
            for month, last in ends:
                if running_at(last, start_date, end_date, status):
                    counts[(month, "lopend")] += 1
        if end_date is not None and status in ("afgerond", "gestopt"):
            counts[(end_date.replace(day=1), status)] += 1
    for month, people, new_people in session.exec(
        select(DropInCount.month, func.sum(DropInCount.people), func.sum(DropInCount.new_people))
        .where(DropInCount.month >= first)
        .group_by(DropInCount.month)
    ):
        counts[(month, "inloop")] += int(people)
        counts[(month, "inloop_nieuw")] += int(new_people)
    capacity = session.exec(
        select(func.coalesce(func.sum(Activity.capacity), 0)).where(Activity.status == "actief")
    ).one()
    known = set(months)
    return Trend(
        months, {key: value for key, value in counts.items() if key[0] in known}, int(capacity)
    )


def months_in(
    period_start: date, period_end: date, months: tuple[date, ...], today: date
) -> list[date]:
    """Return the months that make up the period exactly, or [] when it is not whole months.

    The current month counts as whole when the period ends today: the series counts up to now.
    """
    inside = [m for m in months if period_start <= m <= period_end]
    if not inside or inside[0] != period_start:
        return []
    end_of_last = stats.months_before(inside[-1], -1)
    whole = (end_of_last - period_end).days == 1
    running = inside[-1] == today.replace(day=1) and period_end >= today
    return inside if whole or running else []
