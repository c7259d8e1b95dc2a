"""Leren van Resultaat: the gemeente's figures about aanmeldingen, as plain tables.

Definitions (our own choices, shown on the page in short):

* **Period.** A calendar month, quarter or year (``periode=2026-10``, ``2026-K3``, ``2026``),
  default the last twelve calendar months; never arbitrary dates (see :class:`Period`). It selects
  aanmeldingen by the local date they were made (``created_at``) and unmet searches by their
  ``day``. What happened to those aanmeldingen afterwards counts up to today (a cohort view).
* **District (wijk)** of an aanmelding = the CBS wijk of its PC4 in the postcode table (grouped
  by the CBS wijk code, so the gemeente can join the figures with CBS data), or the PC4 itself
  when the table does not know it. Every CBS wijk of Zwolle has a row, also one that no PC4
  mainly belongs to (Soestweteringlanden: Windesheim shares 8015 with Zwolle-Zuid). Occupancy
  of a district uses the activities *located* there: the wijk of the location's PC4, else the
  wijk the geocoder gave the location.
* **Kennismaking** (acceptance) = the aanmelding reached ``kennismaking`` (a status event to it).
  **Gestart** = a start date is set. **Days to start** = start date − local date of the
  aanmelding; the median over the started ones.
* **Afgerond** / **gestopt** (drop-out) = the status. **Uitkomsten** = counts per outcome key.
* **Ladder** = start step × end step for ended aanmeldingen (afgerond or gestopt), and how many
  moved up, stayed or moved down.
* **Occupancy (bezetting)** = (capacity − free places) / capacity of the running activities of
  the group, *now*, summed over the group. These are public catalogue figures, not people, so
  they are not suppressed; the percentage is left out when the capacity is under 5.
* **Verouderd** = an activity not confirmed for ``STALE_AFTER_DAYS``, now (catalogue data too).
* **Unmet demand** = searches that found nothing, by PC4 and need (a search with two needs counts
  once per need).

Every count of people goes through :func:`stats.protect` in one go for the whole report, so the
same figure is hidden the same way in every table and in the CSV exports ("<5", "x").

Aggregation happens in Python over a few narrow column queries: a year of aanmeldingen in one
city is a few thousand rows, and medians and multi-valued facets stay simple on both databases.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import chain

from sqlmodel import Session, col, func, select

from . import dropins, dutch, stats, trends
from .models import (
    LOCAL_TIMEZONE,
    Activity,
    ActivityTerm,
    JobRun,
    Location,
    Organisation,
    Placement,
    PlacementEvent,
    PlacementNeed,
    PostcodeArea,
    UnmetSearch,
    confirmed_before,
    local_date,
)
from .vocabulary import (
    ACTIVITY_TYPES,
    BUDGET_GOALS,
    COMPLETED_OUTCOMES,
    DISTRICTS,
    NEEDS,
    OUTCOMES,
    PARTICIPATION_STEPS,
    goals_of,
)

ENDED = ("afgerond", "gestopt")
NO_NEED = "-"  # UnmetSearch.need when the resident chose none

# --- period -----------------------------------------------------------------------------------


#: The period of the page when none is chosen: the last twelve calendar months, this one included.
LAST_TWELVE_MONTHS = "12m"
PERIOD_PROBLEM = "Kies een maand, kwartaal of jaar, zoals 2026-10, 2026-K3 of 2026."
_PERIOD_KEY = re.compile(r"(\d{4})(?:-(?:([Kk][1-4])|(0[1-9]|1[0-2])))?", re.ASCII)


@dataclass(frozen=True)
class Period:
    """From ``start`` up to and including ``end``, in local dates.

    Pages and CSV files offer whole calendar months, quarters and years only (``key``), plus the
    last twelve whole months, so two reports can never differ by a single day: what subtracting
    two of them reveals is a whole month at least, which is a report of its own with its own
    small-number protection. A running period ends today.
    """

    start: date
    end: date
    key: str = ""

    @classmethod
    def last_year(cls, today: date) -> Period:
        first = stats.months_before(today.replace(day=1), 11)
        return cls(first, today, LAST_TWELVE_MONTHS)

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """Return ``[from, until)`` in UTC for filtering timestamps by local date."""
        start = datetime.combine(self.start, time(0), LOCAL_TIMEZONE).astimezone(UTC)
        until = datetime.combine(self.end + timedelta(days=1), time(0), LOCAL_TIMEZONE)
        return start, until.astimezone(UTC)

    def slug(self) -> str:
        return self.key or f"{self.start.isoformat()}_{self.end.isoformat()}"

    def label(self) -> str:
        """Return the period in Dutch words: "oktober 2026", "3e kwartaal 2026", "2026"."""
        return period_label(self.key) if self.key else ""


def calendar_period(key: str) -> tuple[date, date] | None:
    """Return the first and last day of a month (2026-10), quarter (2026-K3) or year (2026).

    None for anything else, and for years outside 2000–2100.
    """
    match = _PERIOD_KEY.fullmatch(key)
    if match is None or not 2000 <= int(match.group(1)) <= 2100:
        return None
    year = int(match.group(1))
    if match.group(2):
        quarter = int(match.group(2)[1])
        first, last = 3 * quarter - 2, 3 * quarter
    elif match.group(3):
        first = last = int(match.group(3))
    else:
        first, last = 1, 12
    return date(year, first, 1), date(year, last, monthrange(year, last)[1])


def period_label(key: str) -> str:
    if key == LAST_TWELVE_MONTHS:
        return "de laatste 12 maanden"
    match = _PERIOD_KEY.fullmatch(key)
    if match is None:
        return key
    if match.group(2):
        return f"{match.group(2)[1]}e kwartaal {match.group(1)}"
    if match.group(3):
        return dutch.nl_month(date(int(match.group(1)), int(match.group(3)), 1))
    return match.group(1)


def parse_period(raw: str | None, today: date) -> tuple[Period, dict[str, str]]:
    """Read the ``periode`` value; on a mistake return the default and a Dutch message."""
    default = Period.last_year(today)
    key = (raw or "").strip().upper().replace("K", "-K").replace("--", "-")
    if not key or key == LAST_TWELVE_MONTHS.upper():
        return default, {}
    bounds = calendar_period(key)
    if bounds is None:
        return default, {"periode": PERIOD_PROBLEM}
    if bounds[0] > today:
        return default, {"periode": "Deze periode is nog niet begonnen. Kies een eerdere."}
    return Period(bounds[0], min(bounds[1], today), key), {}


def period_choices(today: date, years: int = 3) -> list[tuple[str, str]]:
    """Return (key, label) of the periods to choose from, newest first."""
    choices = [(LAST_TWELVE_MONTHS, period_label(LAST_TWELVE_MONTHS))]
    for year in range(today.year, today.year - years, -1):
        keys = [str(year)]
        keys += [f"{year}-K{q}" for q in range(4, 0, -1)]
        keys += [f"{year}-{m:02d}" for m in range(12, 0, -1)]
        choices += [(k, period_label(k)) for k in keys if calendar_period(k)[0] <= today]  # type: ignore[index]
    return choices


# --- facts: what the database says, narrowed to what the figures need -------------------------


@dataclass(frozen=True)
class District:
    """A CBS wijk as the figures group by it, or a bare PC4 that the postcode table lacks."""

    code: str  # CBS wijk code, "WK019310"; "" when unknown
    name: str  # "Binnenstad", or the PC4 when unknown

    @property
    def key(self) -> str:
        return self.code or self.name

    @property
    def sort_key(self) -> tuple[bool, str, str]:
        return (not self.code, self.code, self.name.casefold())


@dataclass(frozen=True)
class PlacementFact:
    """One aanmelding, without any pseudonym, note or date of its own."""

    district: District
    organisation_id: int
    types: frozenset[str]
    needs: frozenset[str]
    accepted: bool
    days_to_start: int | None
    status: str
    outcome: str | None
    ladder_start: int | None  # None: "weet ik niet" at the aanmelding
    ladder_end: int | None

    @property
    def started(self) -> bool:
        return self.days_to_start is not None

    @property
    def ended(self) -> bool:
        return self.status in ENDED


@dataclass(frozen=True)
class ActivityFact:
    organisation_id: int
    district: District
    types: frozenset[str]
    needs: frozenset[str]
    running: bool  # status "actief"
    listed: bool  # not ended ("beeindigd")
    capacity: int
    free_places: int
    stale: bool


@dataclass(frozen=True)
class Facts:
    placements: list[PlacementFact]
    activities: list[ActivityFact]
    organisations: dict[int, str]  # id → name, every organisation with an activity
    districts: list[District]  # every known district, in the order of the CBS codes
    pc4_districts: dict[str, District]
    unmet: dict[tuple[str, str], int]  # (pc4, need) → count
    # organisation id → people who came without an aanmelding (dropins.py), months in the period
    drop_ins: dict[int, dropins.OrganisationDropIns] = field(default_factory=dict)
    trend: trends.Trend | None = None  # the last 24 months, whatever the period
    today: date | None = None


def wait_days(created: date, start_date: date | None) -> int | None:
    """Return the days from the aanmelding (its day in Zwolle) to the start, if it started."""
    return (start_date - created).days if start_date is not None else None


def collect(session: Session, period: Period, now: datetime, stale_days: int) -> Facts:
    """Read the facts for ``period`` from the database (a handful of narrow queries)."""
    start, until = period.utc_bounds()
    known = {term.key: District(term.key, term.label) for term in DISTRICTS}
    pc4_districts = {
        pc4: known.get(code or "") or District(code or "", name or pc4)
        for pc4, name, code in session.exec(
            select(PostcodeArea.pc4, PostcodeArea.district, PostcodeArea.district_code)
        )
    }
    in_period = (Placement.created_at >= start) & (Placement.created_at < until)
    needs: dict[int, set[str]] = defaultdict(set)
    for placement_id, need in session.exec(
        select(PlacementNeed.placement_id, PlacementNeed.need)
        .join(Placement, col(Placement.id) == PlacementNeed.placement_id)
        .where(in_period)
    ):
        needs[placement_id].add(need)
    accepted = set(
        session.exec(
            select(PlacementEvent.placement_id)
            .join(Placement, col(Placement.id) == PlacementEvent.placement_id)
            .where(in_period, PlacementEvent.to_status == "kennismaking")
            .distinct()
        )
    )
    terms: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for activity_id, facet, term in session.exec(
        select(ActivityTerm.activity_id, ActivityTerm.facet, ActivityTerm.term).where(
            col(ActivityTerm.facet).in_(("soorten", "behoeften"))
        )
    ):
        terms[activity_id][facet].add(term)

    activities: list[ActivityFact] = []
    activity_org: dict[int, int] = {}
    organisations: dict[int, str] = {}
    stale_before = confirmed_before(local_date(now), stale_days)
    for activity, district, district_code, pc4, org_name in session.exec(
        select(Activity, Location.district, Location.district_code, Location.pc4, Organisation.name)
        .join(Location, col(Location.id) == Activity.location_id)
        .join(Organisation, col(Organisation.id) == Activity.organisation_id)
    ):
        activity_org[activity.id] = activity.organisation_id
        organisations[activity.organisation_id] = org_name
        activities.append(
            ActivityFact(
                organisation_id=activity.organisation_id,
                district=pc4_districts.get(pc4)
                or known.get(district_code or "")
                or District(district_code or "", district or pc4),
                types=frozenset(terms[activity.id]["soorten"]),
                needs=frozenset(terms[activity.id]["behoeften"]),
                running=activity.status == "actief",
                listed=activity.status != "beeindigd",
                capacity=activity.capacity,
                free_places=activity.free_places,
                stale=activity.status != "beeindigd" and activity.confirmed_at < stale_before,
            )
        )

    placements = []
    for row in session.exec(
        select(
            Placement.id,
            Placement.activity_id,
            Placement.pc4,
            Placement.status,
            Placement.created_at,
            Placement.start_date,
            Placement.outcome,
            Placement.ladder_start,
            Placement.ladder_end,
            Placement.days_to_start,
        ).where(in_period)
    ):
        pid, activity_id, pc4, status, created_at, start_date, outcome, l_start, l_end, kept = row
        created = created_at.astimezone(LOCAL_TIMEZONE).date()
        placements.append(
            PlacementFact(
                district=pc4_districts.get(pc4) or District("", pc4),
                organisation_id=activity_org[activity_id],
                types=frozenset(terms[activity_id]["soorten"]),
                needs=frozenset(needs[pid]),
                accepted=pid in accepted,
                # Erased rows keep the days; their dates are only months (retention.py).
                days_to_start=kept if kept is not None else wait_days(created, start_date),
                status=status,
                outcome=outcome,
                ladder_start=l_start,
                ladder_end=l_end,
            )
        )

    unmet: dict[tuple[str, str], int] = {}
    for pc4, need, count in session.exec(
        select(UnmetSearch.pc4, UnmetSearch.need, func.sum(UnmetSearch.count))
        .where(UnmetSearch.day >= period.start, UnmetSearch.day <= period.end)
        .group_by(UnmetSearch.pc4, UnmetSearch.need)
    ):
        unmet[(pc4, need)] = int(count)

    by_key: dict[str, District] = {}  # one row per key, even if two sources name it differently
    for district in chain(
        known.values(),
        pc4_districts.values(),
        (p.district for p in placements),
        (a.district for a in activities),
    ):
        by_key.setdefault(district.key, district)
    districts = sorted(by_key.values(), key=lambda d: d.sort_key)
    return Facts(
        placements,
        activities,
        organisations,
        districts,
        pc4_districts,
        unmet,
        dropins.totals(session, period.start, period.end),
        trends.collect(session, now.astimezone(LOCAL_TIMEZONE).date()),
        now.astimezone(LOCAL_TIMEZONE).date(),
    )


# --- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    csv_label: str = ""
    numeric: bool = True

    @property
    def export_label(self) -> str:
        return self.csv_label or self.label


@dataclass(frozen=True)
class Cell:
    """A published figure: ``text`` as shown, ``csv`` as exported, ``value`` for charts.

    ``value`` is None whenever the exact number must not be known (hidden or not computed).
    """

    text: str
    csv: str
    value: float | None = None


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]
    code: str = ""  # the CBS wijk code of the row, in a table with a code column
    month: date | None = None  # the month of the row, in a table per month (its label says it)


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    note: str
    columns: tuple[Column, ...]  # the first one names the row label
    rows: tuple[Row, ...]
    total: Row | None = None
    code_column: Column | None = None  # the CBS wijk code, right after the row label

    def column(self, key: str) -> int:
        """Return the index of column ``key`` among the cells (the label column not counted)."""
        return [c.key for c in self.columns[1:]].index(key)

    @property
    def header(self) -> tuple[Column, ...]:
        """Every column as shown and exported: the row label, the wijk code if any, the cells."""
        code = (self.code_column,) if self.code_column else ()
        return (self.columns[0], *code, *self.columns[1:])

    def export_row(self, row: Row) -> list[str]:
        """Return the texts of ``row`` in the order of :attr:`header`, as exported to CSV."""
        code = [row.code] if self.code_column else []
        return [row.label, *code, *(cell.csv for cell in row.cells)]


@dataclass(frozen=True)
class Figure:
    label: str
    cell: Cell
    hint: str = ""


@dataclass
class Report:
    period: Period
    figures: list[Figure]
    tables: dict[str, Table] = field(default_factory=dict)


#: The counts of people in every group table, in column order.
COUNTS = (
    ("aanmeldingen", "Aanmeldingen"),
    ("kennismaking", "Kennismaking"),
    ("gestart", "Gestart"),
    ("afgerond", "Afgerond"),
    ("gestopt", "Gestopt (uitval)"),
    ("omhoog", "Trede omhoog"),
    ("gelijk", "Trede gelijk"),
    ("omlaag", "Trede omlaag"),
)

GROUP_COLUMNS = (
    Column("aanmeldingen", "Aanmeldingen"),
    Column("kennismaking", "Kennismaking"),
    Column("gestart", "Gestart"),
    Column("mediaan", "Mediaan dagen tot start", "Mediaan dagen van aanmelding tot start"),
    Column("afgerond", "Afgerond"),
    Column("gestopt", "Gestopt (uitval)"),
    Column("omhoog", "Trede omhoog"),
    Column("gelijk", "Trede gelijk"),
    Column("omlaag", "Trede omlaag"),
    Column("bezetting", "Bezetting nu", "Bezetting nu (%)"),
)

#: Table slug → title, in the order of the page and the CSV links.
TABLES = {
    "wijken": "Aanmeldingen per wijk",
    "aanbieders": "Aanmeldingen per aanbieder",
    "soorten": "Aanmeldingen per soort activiteit",
    "behoeften": "Aanmeldingen per behoefte",
    "uitkomsten": "Uitkomsten",
    "ladder": "Participatieladder: trede bij de start en aan het eind",
    "zoekvragen": "Zoekvragen zonder aanbod, per postcode en behoefte",
    "inloop": "Zonder aanmelding: inloop en zelf aangemeld, per aanbieder",
    "doelen": "Aanmeldingen per begrotingsdoel",
    "trend": "Per maand, de laatste 24 maanden",
    "verouderd": "Verouderde activiteiten per aanbieder",
}

#: The column that names a row's CBS wijk code, so the gemeente can join with CBS figures.
WIJKCODE = Column("wijkcode", "Wijkcode (CBS)", "wijkcode", numeric=False)

CellKey = Hashable


class _Builder:
    """Collects the raw counts and the sums a reader knows, then protects them in one go."""

    def __init__(self) -> None:
        self.values: dict[CellKey, int] = {}
        self.sums: list[stats.Sum] = []
        self.text: dict[CellKey, str] = {}

    def count(self, key: CellKey, value: int) -> CellKey:
        self.values[key] = value
        return key

    def knows(self, parts: Iterable[CellKey], *totals: CellKey) -> None:
        self.sums.append(stats.sum_of(parts, *totals))

    def protect(self, keep: Iterable[CellKey] = ()) -> None:
        self.text = stats.protect_cached(self.values, self.sums, keep)

    def cell(self, key: CellKey) -> Cell:
        text = self.text[key]
        return Cell(text, text, self.values[key] if stats.is_exact(text) else None)


def _group_counts(facts: list[PlacementFact]) -> dict[str, int]:
    moves = stats.ladder_moves((f.ladder_start, f.ladder_end) for f in facts if f.ended)
    return {
        "aanmeldingen": len(facts),
        "kennismaking": sum(f.accepted for f in facts),
        "gestart": sum(f.started for f in facts),
        "afgerond": sum(f.status == "afgerond" for f in facts),
        "gestopt": sum(f.status == "gestopt" for f in facts),
        "omhoog": moves.up,
        "gelijk": moves.same,
        "omlaag": moves.down,
    }


def _median_cell(facts: list[PlacementFact]) -> Cell:
    days = [f.days_to_start for f in facts if f.days_to_start is not None]
    value = stats.protected_median(days)
    if value is None:
        return Cell(stats.NOT_SHOWN, stats.NOT_SHOWN)
    text = dutch.nl_number(value, trim=True)
    return Cell(text, text, value)


def _occupancy_cell(activities: list[ActivityFact]) -> Cell:
    running = [a for a in activities if a.running]
    capacity = sum(a.capacity for a in running)
    used = sum(a.capacity - a.free_places for a in running)
    percentage = stats.share(used, capacity)
    if percentage is None:
        text = f"{used} van {capacity}" if capacity else stats.NOT_SHOWN
        return Cell(text, stats.NOT_SHOWN)
    pct = dutch.nl_number(round(percentage), trim=True)
    return Cell(f"{pct}% ({used} van {capacity})", pct, percentage)


def _share_cell(builder: _Builder, part: CellKey, base: CellKey) -> Cell:
    value = stats.share(builder.values[part], builder.values[base], builder.text[part])
    if value is None or not stats.is_exact(builder.text[base]):
        return Cell(stats.NOT_SHOWN, stats.NOT_SHOWN)
    text = dutch.nl_number(round(value), trim=True)
    return Cell(f"{text}%", text, value)


@dataclass(frozen=True)
class _Group:
    key: str
    label: str
    placements: list[PlacementFact]
    activities: list[ActivityFact]
    code: str = ""


def _groups(
    keys: Iterable[tuple[str, str]],
    facts: Facts,
    placement_in: Callable[[PlacementFact, str], bool],
    activity_in: Callable[[ActivityFact, str], bool],
    codes: Mapping[str, str] | None = None,
) -> list[_Group]:
    return [
        _Group(
            key,
            label,
            [p for p in facts.placements if placement_in(p, key)],
            [a for a in facts.activities if activity_in(a, key)],
            (codes or {}).get(key, ""),
        )
        for key, label in keys
    ]


def build(facts: Facts, period: Period) -> Report:
    """Turn the facts into protected tables and headline figures (pure)."""
    b = _Builder()
    overall = _group_counts(facts.placements)
    for name, value in overall.items():
        b.count(("totaal", name), value)
    b.knows(
        [("totaal", "omhoog"), ("totaal", "gelijk"), ("totaal", "omlaag")],
        ("totaal", "afgerond"),
        ("totaal", "gestopt"),
    )

    dimensions: dict[str, tuple[str, list[_Group], bool]] = {
        "wijken": (
            "Wijk",
            _groups(
                ((d.key, d.name) for d in facts.districts),
                facts,
                lambda p, k: p.district.key == k,
                lambda a, k: a.district.key == k,
                {d.key: d.code for d in facts.districts},
            ),
            True,
        ),
        "aanbieders": (
            "Aanbieder",
            _groups(
                sorted(
                    ((str(i), name) for i, name in facts.organisations.items()),
                    key=lambda pair: pair[1].casefold(),
                ),
                facts,
                lambda p, k: str(p.organisation_id) == k,
                lambda a, k: str(a.organisation_id) == k,
            ),
            True,
        ),
        "soorten": (
            "Soort activiteit",
            _groups(
                ACTIVITY_TYPES.choices(),
                facts,
                lambda p, k: k in p.types,
                lambda a, k: k in a.types,
            ),
            False,
        ),
        "behoeften": (
            "Behoefte",
            _groups(NEEDS.choices(), facts, lambda p, k: k in p.needs, lambda a, k: k in a.needs),
            False,
        ),
        "doelen": (
            "Begrotingsdoel",
            _groups(
                BUDGET_GOALS.choices(),
                facts,
                lambda p, k: k in goals_of(p.needs),
                lambda a, k: k in goals_of(a.needs),
            ),
            False,
        ),
    }
    for slug, (_, groups, partition) in dimensions.items():
        for group in groups:
            for name, value in _group_counts(group.placements).items():
                b.count((slug, group.key, name), value)
            b.knows(
                [(slug, group.key, c) for c in ("omhoog", "gelijk", "omlaag")],
                (slug, group.key, "afgerond"),
                (slug, group.key, "gestopt"),
            )
        if partition:  # every aanmelding is in exactly one group: the column adds up
            for name, _ in COUNTS:
                b.knows([(slug, g.key, name) for g in groups], ("totaal", name))

    ended = [p for p in facts.placements if p.ended]
    for outcome in OUTCOMES.keys:
        b.count(("uitkomst", outcome), sum(p.outcome == outcome for p in ended))
    b.knows([("uitkomst", o) for o in OUTCOMES.keys], ("totaal", "afgerond"), ("totaal", "gestopt"))
    b.knows(
        [("uitkomst", o) for o in OUTCOMES.keys if o in COMPLETED_OUTCOMES], ("totaal", "afgerond")
    )
    b.knows(
        [("uitkomst", o) for o in OUTCOMES.keys if o not in COMPLETED_OUTCOMES],
        ("totaal", "gestopt"),
    )

    steps = range(1, len(PARTICIPATION_STEPS) + 1)
    matrix = stats.ladder_matrix((p.ladder_start, p.ladder_end) for p in ended)
    for (s, e), value in matrix.items():
        b.count(("trede", s, e), value)
    for s in steps:
        b.count(("trede_start", s), sum(matrix[(s, e)] for e in steps))
        b.knows([("trede", s, e) for e in steps], ("trede_start", s))
    for e in steps:
        b.count(("trede_eind", e), sum(matrix[(s, e)] for s in steps))
        b.knows([("trede", s, e) for s in steps], ("trede_eind", e))
    b.count(("trede_totaal",), sum(matrix.values()))
    moves = [("totaal", "omhoog"), ("totaal", "gelijk"), ("totaal", "omlaag")]
    b.knows([("trede_start", s) for s in steps], ("trede_totaal",))
    b.knows([("trede_eind", e) for e in steps], ("trede_totaal",))
    b.knows(moves, ("trede_totaal",))
    b.knows([("trede", s, s) for s in steps], ("totaal", "gelijk"))
    b.knows([("trede", s, e) for s in steps for e in steps if e > s], ("totaal", "omhoog"))
    b.knows([("trede", s, e) for s in steps for e in steps if e < s], ("totaal", "omlaag"))

    pc4s = sorted({pc4 for pc4, _ in facts.unmet})
    need_keys = [*NEEDS.keys, NO_NEED]
    for pc4 in pc4s:
        for need in need_keys:
            b.count(("zoek", pc4, need), facts.unmet.get((pc4, need), 0))
        b.count(("zoek_pc4", pc4), sum(facts.unmet.get((pc4, n), 0) for n in need_keys))
        b.knows([("zoek", pc4, n) for n in need_keys], ("zoek_pc4", pc4))
    for need in need_keys:
        b.count(("zoek_behoefte", need), sum(facts.unmet.get((p, need), 0) for p in pc4s))
        b.knows([("zoek", p, need) for p in pc4s], ("zoek_behoefte", need))
    b.count(("zoek_totaal",), sum(facts.unmet.get((p, n), 0) for p in pc4s for n in need_keys))
    b.knows([("zoek_pc4", p) for p in pc4s], ("zoek_totaal",))
    b.knows([("zoek_behoefte", n) for n in need_keys], ("zoek_totaal",))

    drop_in_orgs = sorted(facts.drop_ins, key=lambda i: facts.organisations.get(i, "").casefold())
    for name in DROP_IN_COUNTS:
        for org_id in drop_in_orgs:
            b.count(("inloop", org_id, name), getattr(facts.drop_ins[org_id], name))
        b.count(("inloop_totaal", name), sum(getattr(d, name) for d in facts.drop_ins.values()))
        b.knows([("inloop", o, name) for o in drop_in_orgs], ("inloop_totaal", name))

    if facts.trend is not None:
        _count_trend(b, facts.trend, period, facts.today or period.end)

    b.protect(HEADLINE_CELLS)

    report = Report(period, _figures(b, facts))
    for slug, (label, groups, partition) in dimensions.items():
        report.tables[slug] = _group_table(b, slug, label, groups, facts, partition)
    report.tables["uitkomsten"] = _outcome_table(b)
    report.tables["ladder"] = _ladder_table(b, steps)
    report.tables["zoekvragen"] = _unmet_table(b, pc4s, need_keys, facts.pc4_districts)
    report.tables["inloop"] = _drop_in_table(b, facts, drop_in_orgs)
    if facts.trend is not None:
        report.tables["trend"] = _trend_table(b, facts.trend)
    report.tables["verouderd"] = _stale_table(facts)
    return report


#: The counts behind the headline figures: complementary suppression hides them only as a last
#: resort (a smaller cell in the same row or column is hidden instead).
HEADLINE_CELLS = (
    ("totaal", "aanmeldingen"),
    ("totaal", "kennismaking"),
    ("totaal", "gestart"),
    ("totaal", "gestopt"),
    ("totaal", "afgerond"),
    ("totaal", "omhoog"),
    ("trede_totaal",),
    ("zoek_totaal",),
    ("inloop_totaal", "new_people"),
)


def _figures(b: _Builder, facts: Facts) -> list[Figure]:
    total = ("totaal", "aanmeldingen")
    ended = ("trede_totaal",)

    def with_share(share: Cell, of: str) -> str:
        return f"{share.text} van {of}" if share.value is not None else ""

    figures = [Figure("Aanmeldingen", b.cell(total))]
    for name, label, base, of in (
        ("kennismaking", "Kennismaking", total, "de aanmeldingen"),
        ("gestart", "Gestart", total, "de aanmeldingen"),
        ("gestopt", "Gestopt (uitval)", ("totaal", "gestart"), "de gestarte aanmeldingen"),
        ("afgerond", "Afgerond", ("totaal", "gestart"), "de gestarte aanmeldingen"),
    ):
        cell = b.cell(("totaal", name))
        figures.append(Figure(label, cell, with_share(_share_cell(b, ("totaal", name), base), of)))
    figures.append(
        Figure(
            "Mediaan dagen van aanmelding tot start",
            _median_cell(facts.placements),
            "de helft start sneller, de helft later",
        )
    )
    up = b.cell(("totaal", "omhoog"))
    figures.append(
        Figure(
            "Trede omhoog op de participatieladder",
            up,
            with_share(
                _share_cell(b, ("totaal", "omhoog"), ended),
                "wie klaar is (trede bij de start bekend)",
            ),
        )
    )
    figures.append(
        Figure(
            "Zoekvragen zonder aanbod", b.cell(("zoek_totaal",)), "een vraag per behoefte geteld"
        )
    )
    figures.append(
        Figure(
            "Nieuw zonder aanmelding",
            b.cell(("inloop_totaal", "new_people")),
            "inloop en zelf aangemeld, geteld door de aanbieders",
        )
    )
    figures.append(
        Figure("Bezetting nu", _occupancy_cell(facts.activities), "lopende activiteiten")
    )
    stale = sum(a.stale for a in facts.activities)
    figures.append(
        Figure(
            "Verouderde activiteiten",
            Cell(str(stale), str(stale), stale),
            f"van de {sum(a.listed for a in facts.activities)} activiteiten",
        )
    )
    return figures


def _group_table(
    b: _Builder, slug: str, label: str, groups: list[_Group], facts: Facts, partition: bool
) -> Table:
    def row(row_label: str, prefix: tuple, places: list[PlacementFact], acts: list) -> Row:
        cells = []
        for column in GROUP_COLUMNS:
            if column.key == "mediaan":
                cells.append(_median_cell(places))
            elif column.key == "bezetting":
                cells.append(_occupancy_cell(acts))
            else:
                cells.append(b.cell((*prefix, column.key)))
        return Row(row_label, tuple(cells))

    rows = tuple(
        replace(row(g.label, (slug, g.key), g.placements, g.activities), code=g.code)
        for g in groups
    )
    total = row("Totaal", ("totaal",), facts.placements, facts.activities) if partition else None
    note = (
        "Eén aanmelding kan bij meer soorten of behoeften horen; daarom is er geen totaalregel."
        if not partition
        else ""
    )
    if slug == "wijken":
        note = (
            "De wijk van de postcode van de inwoner, met de wijkcode van het CBS. "
            "Bezetting: de activiteiten in die wijk."
        )
    return Table(
        slug,
        TABLES[slug],
        note,
        (Column("groep", label, numeric=False), *GROUP_COLUMNS),
        rows,
        total,
        WIJKCODE if slug == "wijken" else None,
    )


def _outcome_table(b: _Builder) -> Table:
    rows = tuple(Row(OUTCOMES.label_of(o), (b.cell(("uitkomst", o)),)) for o in OUTCOMES.keys)
    return Table(
        "uitkomsten",
        TABLES["uitkomsten"],
        "Van de aanmeldingen die afgerond of gestopt zijn.",
        (Column("uitkomst", "Uitkomst", numeric=False), Column("aantal", "Aantal")),
        rows,
    )


def _ladder_table(b: _Builder, steps: range) -> Table:
    columns = (
        Column("start", "Trede bij de start", numeric=False),
        *(Column(f"eind_{e}", f"Eind {e}", f"Trede aan het eind: {e}") for e in steps),
        Column("totaal", "Totaal"),
    )
    rows = tuple(
        Row(
            f"{s}. {PARTICIPATION_STEPS.label_of(str(s))}",
            (*(b.cell(("trede", s, e)) for e in steps), b.cell(("trede_start", s))),
        )
        for s in steps
    )
    total = Row("Totaal", (*(b.cell(("trede_eind", e)) for e in steps), b.cell(("trede_totaal",))))
    return Table(
        "ladder",
        TABLES["ladder"],
        "Rijen: trede bij de start. Kolommen: trede aan het eind. Boven de schuine lijn ging "
        "iemand omhoog. Aanmeldingen met 'weet ik niet' als trede bij de start tellen hier "
        "niet mee.",
        columns,
        rows,
        total,
    )


def _unmet_table(
    b: _Builder, pc4s: list[str], need_keys: list[str], districts: Mapping[str, District]
) -> Table:
    def need_label(key: str) -> str:
        return "geen behoefte gekozen" if key == NO_NEED else NEEDS.label_of(key)

    columns = (
        Column("pc4", "Postcode (4 cijfers)", numeric=False),
        *(Column(n, need_label(n)) for n in need_keys),
        Column("totaal", "Totaal"),
    )

    def row(pc4: str) -> Row:
        district = districts.get(pc4) or District("", pc4)
        return Row(
            f"{pc4} {district.name}" if district.name != pc4 else pc4,
            (*(b.cell(("zoek", pc4, n)) for n in need_keys), b.cell(("zoek_pc4", pc4))),
            district.code,
        )

    rows = tuple(row(pc4) for pc4 in pc4s)
    total = Row(
        "Totaal", (*(b.cell(("zoek_behoefte", n)) for n in need_keys), b.cell(("zoek_totaal",)))
    )
    return Table(
        "zoekvragen",
        TABLES["zoekvragen"],
        "Zoekopdrachten die niets vonden. Er is niets van de inwoner bewaard, alleen een telling. "
        "Een zoekopdracht met twee behoeften telt twee keer.",
        columns,
        rows,
        total if pc4s else None,
        WIJKCODE,
    )


def _count_trend(b: _Builder, trend: trends.Trend, period: Period, today: date) -> None:
    """Count the monthly series; where the period is whole months, say they add up to it."""
    for month in trend.months:
        for series in trends.SERIES:
            b.count(("trend", month, series), trend.counts.get((month, series), 0))
    # Running at the end of a month = running at the end of the month before + started - ended
    # (a reader can subtract; the protection ignores the sum in a month where it does not hold,
    # for instance when a started aanmelding was closed as vervallen).
    for before, month in zip(trend.months, trend.months[1:], strict=False):
        b.knows(
            [("trend", before, "lopend"), ("trend", month, "gestart")],
            ("trend", month, "lopend"),
            ("trend", month, "afgerond"),
            ("trend", month, "gestopt"),
        )
    months = trends.months_in(period.start, period.end, trend.months, today)
    if months:
        b.knows([("trend", m, "aanmeldingen") for m in months], ("totaal", "aanmeldingen"))
        for series, name in (("inloop", "people"), ("inloop_nieuw", "new_people")):
            b.knows([("trend", m, series) for m in months], ("inloop_totaal", name))


#: The derived column of the trend, after the counts it is derived from.
OCCUPANCY_COLUMN = Column(
    "bezet_via_activatie",
    "Via Activatie bezet (% van de plekken nu)",
    "Lopend aan het eind van de maand als % van de plekken van de lopende activiteiten nu",
)


def _trend_occupancy(b: _Builder, trend: trends.Trend, month: date) -> Cell:
    """Return the running aanmeldingen at the month's end as a share of today's places."""
    key = ("trend", month, "lopend")
    value = stats.share(b.values[key], trend.capacity, b.text[key])
    if value is None:
        return Cell(stats.NOT_SHOWN, stats.NOT_SHOWN)
    text = dutch.nl_number(round(value), trim=True)
    return Cell(f"{text}%", text, value)


def _trend_table(b: _Builder, trend: trends.Trend) -> Table:
    def cells(month: date) -> tuple[Cell, ...]:
        counts = [b.cell(("trend", month, s)) for s in trends.SERIES]
        at = list(trends.SERIES).index("lopend") + 1
        return (*counts[:at], _trend_occupancy(b, trend, month), *counts[at:])

    counts = [Column(key, label) for key, label in trends.SERIES.items()]
    at = list(trends.SERIES).index("lopend") + 1
    rows = tuple(
        Row(dutch.nl_month(month), cells(month), month=month) for month in reversed(trend.months)
    )
    return Table(
        "trend",
        TABLES["trend"],
        "Aanmeldingen per maand van aanmelden; gestart, afgerond en gestopt per maand van de "
        "start of het einde; mensen zonder aanmelding zoals de aanbieders ze tellen. De laatste "
        "maand loopt nog (lopend: vandaag). Lopend: aanmeldingen die op de laatste dag van de "
        "maand gestart waren en nog niet klaar. Via Activatie bezet: die aanmeldingen als deel "
        f"van de {trend.capacity} plekken van de lopende activiteiten nu. Hoeveel plekken er "
        "vroeger waren, bewaren we niet. Mensen zonder aanmelding tellen hier niet mee; zij "
        "staan wel in 'Bezetting nu'.",
        (
            Column("maand", "Maand", numeric=False),
            *counts[:at],
            OCCUPANCY_COLUMN,
            *counts[at:],
        ),
        rows,
    )


#: The drop-in counts of people, by field of ``dropins.OrganisationDropIns``.
DROP_IN_COUNTS = ("people", "new_people")


def _drop_in_table(b: _Builder, facts: Facts, org_ids: list[int]) -> Table:
    def months(count: int) -> Cell:
        return Cell(str(count), str(count), count)

    rows = tuple(
        Row(
            facts.organisations.get(org_id, str(org_id)),
            (
                *(b.cell(("inloop", org_id, name)) for name in DROP_IN_COUNTS),
                months(facts.drop_ins[org_id].months),
            ),
        )
        for org_id in org_ids
    )
    total = Row(
        "Totaal",
        (
            *(b.cell(("inloop_totaal", name)) for name in DROP_IN_COUNTS),
            months(sum(d.months for d in facts.drop_ins.values())),
        ),
    )
    return Table(
        "inloop",
        TABLES["inloop"],
        "Mensen die meededen zonder aanmelding via het wijkteam, zoals de aanbieders ze per "
        "maand tellen. 'Mensen' telt iedereen één keer per maand; wie drie maanden kwam, telt "
        "drie keer. 'Nieuw' telt wie die maand voor het eerst kwam. Alleen maanden die in de "
        "periode beginnen.",
        (
            Column("aanbieder", "Aanbieder", numeric=False),
            Column("mensen", "Mensen (per maand opgeteld)"),
            Column("nieuw", "Nieuw"),
            Column("maanden", "Activiteit-maanden geteld"),
        ),
        rows,
        total if rows else None,
    )


def _stale_table(facts: Facts) -> Table:
    per_org: dict[int, list[ActivityFact]] = defaultdict(list)
    for activity in facts.activities:
        if activity.listed:
            per_org[activity.organisation_id].append(activity)
    rows = []
    for org_id, name in sorted(facts.organisations.items(), key=lambda i: i[1].casefold()):
        acts = per_org.get(org_id, [])
        stale = sum(a.stale for a in acts)
        rows.append(
            Row(
                name,
                (
                    Cell(str(len(acts)), str(len(acts)), len(acts)),
                    Cell(str(stale), str(stale), stale),
                ),
            )
        )
    return Table(
        "verouderd",
        TABLES["verouderd"],
        "Gegevens uit de openbare catalogus, nu; het gaat niet over inwoners, dus hier staan "
        "ook kleine aantallen.",
        (
            Column("aanbieder", "Aanbieder", numeric=False),
            Column("activiteiten", "Activiteiten"),
            Column("verouderd", "Verouderd"),
        ),
        tuple(rows),
    )


def report(session: Session, period: Period, now: datetime, stale_days: int) -> Report:
    """Return the protected report for ``period``."""
    return build(collect(session, period, now, stale_days), period)


def last_job_run(session: Session, name: str) -> JobRun | None:
    """Return when the command ``name`` last ran (for example ``"retention"``), or None."""
    return session.get(JobRun, name)
