"""Example aanmeldingen over the example catalogue (``flask --app activatie demo-placements``).

It refuses to run unless the database holds only the example catalogue (``flask --app activatie
seed``), so no invented aanmelding can ever mix with real ones. Running it again *adds* another
set; with the same ``--seed`` the plan is the same, the outcome may differ a little because
earlier demo aanmeldingen now hold places. The kenmerken are made by the service, as for real ones.

Everything goes through the real write services (``placements.refer`` and ``placements.move``),
replayed day by day in date order with the simulated moment as their clock (``now=``), so
statuses, events, dates, waiting lists and free places stay consistent and pass the same date
checks as a person's input: an aanmelding is made in the past and each step follows later. A
start only happens when a place is free at that moment; an aanmelding whose start finds no place
waits at "kennismaking" or is declined later with "er is geen plek". (The audit trail keeps the
real time and says the demo accounts did it.)

The demo accounts are clearly examples: five teams named "Voorbeeld: wijkteam …", two consultants
per team and one account per example provider, all ``@voorbeeld.nl`` and without a password, so
nobody can log in with them. A few example searches without a result are counted too (unmet
demand), because the monitoring page shows those beside the aanmeldingen.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from activatie import dropins, geo, placements, stats, unmet_demand
from activatie.audit import Actor
from activatie.models import (
    LOCAL_TIMEZONE,
    Activity,
    Location,
    Organisation,
    Placement,
    PostcodeArea,
    Team,
    User,
    UserRole,
    utcnow,
)
from activatie.vocabulary import COMPLETED_OUTCOMES, NEEDS

MONTHS_BACK = 24
FULL = 1000  # the step number of "declined: no place" after a start that found none
UNMET_PER_PLACEMENT = 1  # example searches without a result per example aanmelding

#: Example team areas and invented phone numbers (the real ones are data the beheerder keeps).
#: Grouped by the CBS wijken of the PC4s (seeds/zwolle-pc4.csv): Centrum = Binnenstad, Assendorp,
#: Kamperpoort-Veerallee; Noord = Diezerpoort, Holtenbroek, Aa-landen, Vechtlanden (8034); Oost =
#: Wipstrik, Berkum, Marsweteringlanden, Haerst (8035); Zuid = Ittersum and Schelle; West = Poort
#: van Zwolle, Westenholte, Stadshagen.
TEAMS = {
    "Voorbeeld: wijkteam Centrum": ("8011 8012 8013 8019", "038 555 01 01"),
    "Voorbeeld: wijkteam Noord": ("8021 8022 8031 8032 8033 8034", "038 555 01 02"),
    "Voorbeeld: wijkteam Oost": ("8023 8024 8025 8026 8028 8035", "038 555 01 03"),
    "Voorbeeld: wijkteam Zuid": ("8014 8015 8016 8017", "038 555 01 04"),
    "Voorbeeld: wijkteam West": ("8041 8042 8043 8044 8045", "038 555 01 05"),
}

#: How often residents of a PC4 are referred, relative (our own guess for an example).
PLACEMENT_WEIGHT = {
    "8031": 3.0, "8021": 2.5, "8022": 2.5, "8012": 2.0, "8014": 1.5, "8015": 1.5,
    "8042": 1.5, "8043": 1.5, "8044": 1.2, "8045": 1.2, "8023": 1.5, "8024": 1.5,
    "8013": 1.2, "8017": 1.2, "8025": 1.2, "8032": 1.5, "8033": 1.2, "8011": 1.0,
    "8034": 0.8, "8016": 0.7, "8035": 0.7, "8041": 0.7, "8028": 0.4, "8019": 0.3,
    "8026": 0.3,
}  # fmt: skip

#: Where a search more often finds nothing: the edges of town (Wijthmen, Hessenpoort, Haerst,
#: Windesheim, Stadshagen-Noord), far from most providers.
UNMET_WEIGHT = {
    "8026": 4.0, "8028": 3.5, "8035": 3.0, "8015": 2.5, "8045": 2.0, "8041": 1.5,
    "8044": 1.5, "8033": 1.5, "8034": 1.5, "8024": 1.0, "8016": 1.0, "8019": 1.0,
}  # fmt: skip
UNMET_NEEDS = {
    "herstel": 2.0, "dagritme": 2.0, "werkvaardigheden": 2.0, "bewegen": 1.5,
    "sociale_contacten": 1.0, "daginvulling": 1.0, "zelfredzaamheid": 1.0, "meedoen": 0.8,
    "-": 0.6,
}  # fmt: skip

AGE_BANDS = {"18_26": 2, "27_44": 4, "45_54": 3, "55_aow": 2}
LADDER_START = {1: 2, 2: 5, 3: 4}
DECLINE = {"vol": 3, "past_niet": 3, "te_veel_begeleiding": 2, "geen_contact": 2, "anders": 1}
COMPLETED = {
    "doet_nog_mee": 4,
    "vrijwilligerswerk": 3,
    "ander_aanbod": 2,
    "opleiding": 1,
    "werk": 1,
}
STOPPED = {
    "gestopt_gezondheid": 4,
    "gestopt_motivatie": 4,
    "gestopt_verhuisd": 1,
    "gestopt_anders": 2,
}
NOTES = [
    "Voorbeeld: liefst in de ochtend.",
    "Voorbeeld: komt op de fiets.",
    "Voorbeeld: eerst samen met de consulent kennismaken.",
    "Voorbeeld: vindt drukte lastig, graag een rustige plek.",
]


class DemoRefused(Exception):
    """The database is not an example database, or the example catalogue is missing."""


@dataclass
class _Plan:
    new: placements.NewPlacement
    consultant: User
    created: date
    steps: list[tuple[date, str, dict]] = field(default_factory=list)
    placement_id: int | None = None
    last: datetime | None = None  # when its latest step happened
    broken: bool = False


def _pick(rng: random.Random, weights: dict) -> object:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _check_database(session: Session) -> None:
    if session.exec(select(func.count()).select_from(PostcodeArea)).one() == 0 or not (
        session.exec(select(Organisation.id).where(col(Organisation.is_example).is_(True))).first()
    ):
        raise DemoRefused("Laad eerst de voorbeelddata met: flask --app activatie seed")
    real = session.exec(
        select(func.count())
        .select_from(Organisation)
        .where(col(Organisation.is_example).is_(False))
    ).one()
    if real:
        raise DemoRefused(
            f"Er staan {real} echte aanbieders in de database. Voorbeeldaanmeldingen maken we "
            "alleen in een database met alleen voorbeelddata."
        )


def _demo_user(session: Session, email: str, name: str, **fields: object) -> User:
    """Return the example account with ``email``, made (without a password) when missing."""
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        user = User(email=email, name=name, **fields)  # type: ignore[arg-type]
        session.add(user)
    return user


def _demo_accounts(session: Session) -> tuple[dict[str, list[User]], dict[int, User]]:
    """Return the example consultants by PC4 and one example account per provider."""
    by_pc4: dict[str, list[User]] = {}
    for number, (name, (area, phone)) in enumerate(TEAMS.items(), start=1):
        team = session.exec(select(Team).where(Team.name == name)).first()
        if team is None:
            team = Team(name=name, pc4_codes=area, phone=phone)
            session.add(team)
            session.flush()
        consultants = [
            _demo_user(
                session,
                f"voorbeeld-consulent-{number}-{n}@voorbeeld.nl",
                f"Voorbeeldconsulent {number}.{n}",
                role=UserRole.CONSULTANT,
                team_id=team.id,
            )
            for n in (1, 2)
        ]
        for pc4 in team.area:
            by_pc4[pc4] = consultants
    providers = {
        organisation.id: _demo_user(
            session,
            f"voorbeeld-{organisation.slug}@voorbeeld.nl",
            f"Voorbeeldaccount {organisation.name}",
            role=UserRole.PROVIDER,
            organisation_id=organisation.id,
        )
        for organisation in session.exec(select(Organisation))
    }
    session.commit()
    return by_pc4, providers


def _candidates(session: Session) -> list[tuple[Activity, Location]]:
    """Return the activities a consultant could refer an adult to now."""
    return list(
        session.exec(
            select(Activity, Location)
            .join(Location, col(Location.id) == Activity.location_id)
            .join(Organisation, col(Organisation.id) == Activity.organisation_id)
            .where(
                Activity.status == "actief",
                col(Activity.is_approved).is_(True),
                col(Organisation.is_approved).is_(True),
                Activity.programme == "sah",
                col(Activity.capacity) > 0,
            )
            .order_by(Activity.id)
        )
    )


def _plan(
    rng: random.Random,
    created: date,
    pc4: str,
    point: geo.Point,
    candidates: list[tuple[Activity, Location]],
    consultants: list[User],
    today: date,
) -> _Plan:
    """Plan one aanmelding: what is sent and the steps it will take (those up to today)."""
    weights = [
        activity.capacity / (1.0 + geo.distance_km(point, geo.Point(loc.latitude, loc.longitude)))
        for activity, loc in candidates
    ]
    activity, _ = rng.choices(candidates, weights=weights)[0]
    offered = sorted(activity.needs)
    needs = set(rng.sample(offered, k=min(len(offered), rng.choice((1, 1, 2, 2, 3)))))
    if rng.random() < 0.2:
        needs.add(rng.choice(NEEDS.keys))
    ladder_start = int(_pick(rng, LADDER_START))  # type: ignore[call-overload]
    new = placements.NewPlacement(
        activity_id=activity.id,  # type: ignore[arg-type]
        age_band=str(_pick(rng, AGE_BANDS)),
        pc4=pc4,
        needs=frozenset(needs),
        ladder_start=ladder_start,
        note=rng.choice(NOTES) if rng.random() < 0.2 else "",
    )
    plan = _Plan(new, rng.choice(consultants), created)

    day = created + timedelta(days=rng.randint(1, 9))
    roll = rng.random()
    if roll < 0.10:
        plan.steps.append((day, "afgewezen", {"decline_reason": _pick(rng, DECLINE)}))
    elif roll < 0.16:
        plan.steps.append((day, "ingetrokken", {}))
    else:
        intro = day + timedelta(days=rng.randint(2, 10))
        plan.steps.append((day, "kennismaking", {"on": intro}))
        roll = rng.random()
        later = intro + timedelta(days=rng.randint(1, 5))
        if roll < 0.08:
            plan.steps.append((later, "afgewezen", {"decline_reason": "past_niet"}))
        elif roll < 0.14:
            plan.steps.append((later, "ingetrokken", {}))
        else:
            start = intro + timedelta(days=rng.randint(3, 28))
            plan.steps.append((start, "gestart", {"on": start}))
            end = start + timedelta(days=rng.randint(45, 300))
            completed = rng.random() < 0.62
            outcome = str(_pick(rng, COMPLETED if completed else STOPPED))
            # Mostly one step at a time, so the start x end table has few cells under 5.
            if outcome in ("werk", "vrijwilligerswerk"):
                ladder_end = ladder_start + 1
            elif completed:
                ladder_end = ladder_start + rng.choice((-1, 0, 0, 1, 1, 1))
            else:
                ladder_end = ladder_start + rng.choice((-1, -1, -1, 0, 0, 1))
            plan.steps.append(
                (
                    end,
                    "afgerond" if outcome in COMPLETED_OUTCOMES else "gestopt",
                    {"on": end, "outcome": outcome, "ladder_end": min(max(ladder_end, 1), 6)},
                )
            )
    plan.steps = [s for s in plan.steps if s[0] <= today]
    return plan


def _refer(
    session: Session,
    rng: random.Random,
    plan: _Plan,
    candidates: list[tuple[Activity, Location]],
    moment: datetime,
) -> int:
    """Refer; when the activity is full without a waiting list, pick one that takes people."""
    new = plan.new
    for _ in range(20):
        try:
            return placements.refer(session, plan.consultant, new, now=moment).id  # type: ignore[return-value]
        except placements.PlacementError as error:
            if error.status != 409:
                raise
        open_now = session.exec(
            select(Activity.id)
            .where(
                col(Activity.id).in_([a.id for a, _ in candidates]),
                or_(col(Activity.free_places) > 0, col(Activity.waiting_list).is_(True)),
            )
            # In a fixed order: without it PostgreSQL may return the rows in any order, and the
            # same seed would not give the same demo (its headline test then failed at times).
            .order_by(Activity.id)
        ).all()
        new = replace(new, activity_id=rng.choice(list(open_now) or [new.activity_id]))
    raise DemoRefused("Er is geen activiteit met plek meer; maak minder voorbeeldaanmeldingen.")


def _at(day: date, rng: random.Random) -> datetime:
    """Return a moment in office hours on ``day``, never in the future."""
    moment = time(rng.randint(8, 16), rng.randint(0, 59))
    return min(datetime.combine(day, moment, LOCAL_TIMEZONE).astimezone(UTC), utcnow())


def generate(session: Session, count: int, seed: int, today: date) -> Counter[str]:
    """Create ``count`` example aanmeldingen spread over the last 24 months; return statuses."""
    _check_database(session)
    rng = random.Random(seed)
    consultants, providers = _demo_accounts(session)
    candidates = _candidates(session)
    if not candidates:
        raise DemoRefused("Er is geen lopende activiteit om voorbeeldaanmeldingen bij te maken.")
    areas = {a.pc4: a for a in session.exec(select(PostcodeArea))}
    pc4_weights = {
        pc4: w for pc4, w in PLACEMENT_WEIGHT.items() if pc4 in areas and pc4 in consultants
    }
    first = stats.months_before(today, MONTHS_BACK)
    span = (today - first).days
    plans = []
    for _ in range(count):
        # More aanmeldingen lately: the programme is growing (an example, not a fact).
        created = first + timedelta(days=int(span * rng.random() ** 0.8))
        pc4 = str(_pick(rng, pc4_weights))
        area = areas[pc4]
        plans.append(
            _plan(
                rng,
                created,
                pc4,
                geo.Point(area.latitude, area.longitude),
                candidates,
                consultants[pc4],
                today,
            )
        )

    queue: list[tuple[date, int, int]] = []  # (day, plan, step; -1 = the aanmelding itself)
    for i, plan in enumerate(plans):
        heapq.heappush(queue, (plan.created, i, -1))
        for k, (day, _, _) in enumerate(plan.steps):
            heapq.heappush(queue, (day, i, k))
    while queue:
        day, i, k = heapq.heappop(queue)
        plan = plans[i]
        # Each step happens later on its day than the one before: the services check the order.
        moment = (
            max(_at(day, rng), plan.last + timedelta(minutes=1)) if plan.last else _at(day, rng)
        )
        if k == -1:
            plan.placement_id = _refer(session, rng, plan, candidates, moment)
            plan.last = moment
            continue
        if plan.broken and k != FULL:
            continue
        target, details = (
            plan.steps[k][1:] if k != FULL else ("afgewezen", {"decline_reason": "vol"})
        )
        placement = session.get(Placement, plan.placement_id)
        assert placement is not None
        actor = (
            plan.consultant
            if target == "ingetrokken" or (target == "gestopt" and rng.random() < 0.3)
            else providers[placement.activity.organisation_id]
        )
        step = placements.Step(target=target, seen_version=placement.version, **details)
        try:
            placements.move(session, actor, placement, step, now=moment)
        except placements.PlacementError as error:
            if error.status != 409:
                raise  # a plan the services refuse is a bug in this module, not bad luck
            # No free place at that moment: the aanmelding waits, or the provider declines it.
            plan.broken = True
            later = day + timedelta(days=rng.randint(7, 21))
            if target == "gestart" and rng.random() < 0.5 and later <= today:
                heapq.heappush(queue, (later, i, FULL))
            continue
        plan.last = moment

    for _ in range(count * UNMET_PER_PLACEMENT):
        day = first + timedelta(days=rng.randint(0, span))
        need = str(_pick(rng, UNMET_NEEDS))
        unmet_demand.count_unmet_search(
            session, day, str(_pick(rng, UNMET_WEIGHT)), [need] if need != "-" else []
        )

    statuses = Counter(
        session.get(Placement, plan.placement_id).status  # type: ignore[union-attr]
        for plan in plans
    )
    statuses["zoekvragen zonder aanbod"] = count * UNMET_PER_PLACEMENT
    statuses["inloop-tellingen"] = _drop_ins(session, rng, providers, today)
    return statuses


def _drop_ins(session: Session, rng: random.Random, providers: dict[int, User], today: date) -> int:
    """Count example drop-ins per month at the walk-in activities; return how many months."""
    walk_ins = session.exec(
        select(Activity)
        .where(Activity.access_route == "vrij_inlopen", Activity.status == "actief")
        .order_by(Activity.id)
    ).all()
    months = dropins.recordable_months(today)[:MONTHS_BACK][::-1]  # oldest first
    recorded = 0
    for activity in walk_ins:
        regulars = rng.randint(3, 12)
        for month in months:
            new = rng.randint(0, 4)
            regulars = max(0, regulars + new - rng.randint(0, 3))
            people = regulars + rng.randint(0, 3)
            dropins.record(
                session,
                Actor.of(providers[activity.organisation_id]),
                activity,
                month,
                max(people, new),
                new,
                today,
            )
            recorded += 1
    return recorded
