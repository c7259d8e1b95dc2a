"""Match a resident's situation to nearby activities, with reasons a person can read aloud.

Pure: plain dataclasses in, plain dataclasses out; no Flask and no database. The caller flattens
each activity into a :class:`Candidate` and prefilters them with a bounding box of
:func:`search_radius_km` (``geo.bounding_box``).

**Hard rules** never bend. Each has a stable key (:data:`RULES`) and a short Dutch reason:

* ``leeftijd_programma`` — programme ``sah`` is for residents from 18 up to the AOW age;
* ``leeftijd`` — the activity's own minimum and maximum age (both inclusive) always apply;
* ``status`` — only ``actief`` activities;
* ``verouderd`` — not confirmed for more than ``Options.stale_after_days`` days: hidden;
* ``dagdelen`` — when the resident names day parts, the activity shares at least one of them;
* ``toegankelijkheid`` — every accessibility requirement is met by the location;
* ``begeleiding`` — never less guidance than the resident needs: *intensief* only with
  *intensief*; *licht* with *licht* or more, or also *zelfstandig* when the consultant widens it
  (``Intake.widen_guidance``);
* ``afstand`` — within the effective maximum distance (:func:`effective_max_distance_km`);
* ``plekken`` — a free place, or a waiting list when the resident asks to see full activities;
* ``kosten`` — free of charge when the resident asks for that;
* ``aansluiting`` — the fit floor: when the resident names needs or interests, the activity fits
  at least one of them; and a match always scores above zero.

**Near misses** are activities that break exactly one rule, and only a bendable one
(:data:`BENDABLE_RULES`); age, programme, status, stale data and guidance never produce a near
miss, and a near miss must still fit a stated need or interest (unless the fit floor is the one
rule it breaks). A "te
ver" near miss lies within :data:`NEAR_MISS_DISTANCE_FACTOR` times the maximum distance, so that
prefiltering with :func:`search_radius_km` never changes the result.

**Score** (transparent and deterministic; higher is better):

* +1 to start with (:data:`BASE_POINTS`), so an activity that keeps every rule and is near
  scores above zero even when the resident names nothing;
* +3 for every need of the resident the activity helps with (:data:`NEED_POINTS`);
* +3 for every activity type the resident is interested in (:data:`INTEREST_POINTS`);
* up to +3 for distance, falling linearly from 3 at 0 km to 0 at the maximum distance, and 0
  beyond it (:data:`DISTANCE_POINTS`) — so moving an activity further away never raises its score;
* +2 for every circumstance of the resident (``doelgroepen``: NAH, autisme, ...) the activity
  names as one it has experience with (:data:`TARGET_GROUP_POINTS`); one that names none is not
  excluded, it just ranks lower;
* guidance, when the resident says what they need: +2 when the activity offers exactly that level,
  +1 when it offers more, -2 for *zelfstandig* when the consultant widened *licht*; 0 when the
  resident does not say.

The score is rounded to two decimals. Results are ordered by score (high first), then distance
(near first), then title, then id, so the order does not depend on the order of the candidates.
A result holds the best :data:`DEFAULT_MATCH_LIMIT` (50, ``Options.match_limit``) matches and the
best ``Options.near_miss_limit`` (5) near misses; ``MatchResult.total_matches`` counts every match.

**Distances.** The rules, the score and the order use the distance on the resident's
:class:`~activatie.geo.LocalFrame`: km per degree measured with the geodesic at the resident's
point, so it differs from the geodesic by less than half a metre within 25 km. Where that could
still matter, the exact geodesic decides: a candidate within ``LocalFrame.margin_km`` (20 metres
for limits up to a few tens of km) of the distance limit or of the near-miss limit is judged by
:func:`~activatie.geo.distance_km`. The ``distance_km`` of every returned match and near miss
(and the km in its reasons) is that exact geodesic. The score's distance points thus come from the
local distance, which grows along any bearing just as the geodesic does (moving an activity
further away never raises its score); ties in score among the results shown are ordered by the
exact distance, which differs from the local order only for distances less than a metre apart.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from activatie.dutch import nl_number
from activatie.eligibility import SAH_MIN_AGE
from activatie.geo import (
    LocalFrame,
    Point,
    distance_km,
    max_distance_for_minutes,
    travel_minutes,
)
from activatie.vocabulary import (
    ACCESSIBILITY,
    ACTIVITY_STATUSES,
    ACTIVITY_TYPES,
    COSTS,
    GUIDANCE,
    NEEDS,
    SLOTS,
    TARGET_GROUPS,
    TRAVEL_MODES,
    Vocabulary,
    describe_slots,
)

BASE_POINTS = 1.0
NEED_POINTS = 3.0
INTEREST_POINTS = 3.0
DISTANCE_POINTS = 3.0
GUIDANCE_EXACT_POINTS = 2.0
GUIDANCE_MORE_POINTS = 1.0
GUIDANCE_LESS_POINTS = -2.0
TARGET_GROUP_POINTS = 2.0

#: Straight-line km used for public transport, which has no speed to turn minutes into km.
OV_DEFAULT_KM = 10.0

#: "Te ver" near misses lie within this factor times the maximum distance.
NEAR_MISS_DISTANCE_FACTOR = 1.5

#: Up to this many km from the resident, the distance shown is the :class:`LocalFrame`'s: it
#: differs from the geodesic by under two metres there (shown rounded to 100 m), and measuring
#: the geodesic for every shown match cost more than all the rest of matching together (Zwolle
#: benchmark: p95 7.5 ms with it, 3.5 ms without). Further away, the geodesic is measured.
SHOWN_LOCAL_KM = 50.0

#: A result holds the best this many matches (``Options.match_limit``).
DEFAULT_MATCH_LIMIT = 50

SAH_PROGRAMME = "sah"
ACTIVE_STATUS = "actief"
FREE_COST = "gratis"
OV_MODE = "ov"
OV_NEARBY = "ov_dichtbij"

RULES: tuple[str, ...] = (
    "leeftijd_programma",
    "leeftijd",
    "status",
    "verouderd",
    "dagdelen",
    "toegankelijkheid",
    "afstand",
    "plekken",
    "kosten",
    "begeleiding",
    "aansluiting",
)

#: Rules a near miss may break (one of them, once).
BENDABLE_RULES = frozenset(
    {"dagdelen", "toegankelijkheid", "afstand", "plekken", "kosten", "aansluiting"}
)

#: What a near miss on the fit floor says.
NO_FIT_REASON = "past niet bij wat u zoekt"
#: ... when it does fit, but scores zero or less: only with widened guidance, far away.
LOW_SCORE_REASON = "minder begeleiding dan gevraagd, en verder weg"

_RULE_LABELS: dict[str, str] = {
    "leeftijd_programma": "leeftijd voor dit programma",
    "leeftijd": "leeftijd",
    "status": "activiteit loopt",
    "verouderd": "gegevens kort geleden bevestigd",
    "dagdelen": "dagdelen",
    "toegankelijkheid": "toegankelijkheid",
    "afstand": "afstand",
    "plekken": "vrije plekken",
    "kosten": "kosten",
    "begeleiding": "genoeg begeleiding",
    "aansluiting": "past bij wat u zoekt",
}

# How to say that a location lacks something; read aloud as "niet rolstoeltoegankelijk".
_MISSING_ACCESSIBILITY: dict[str, str] = {
    "rolstoel": "niet rolstoeltoegankelijk",
    "toilet_aangepast": "geen aangepast toilet",
    "prikkelarm": "geen rustige plek",
    "ov_dichtbij": "geen bushalte in de buurt",
    "parkeren": "niet parkeren bij de deur",
    "doventolk": "geen gebarentolk",
}

# How to travel, as it follows "ongeveer 13 minuten".
_TRAVEL_VERBS: dict[str, str] = {"lopen": "lopen", "fiets": "fietsen", "ov": "met bus of trein"}

# What an activity's experience with a circumstance reads like in a reason.
_EXPERIENCE: dict[str, str] = {
    "psychisch": "ervaring met psychische klachten",
    "lichamelijk": "ervaring met een lichamelijke beperking of ziekte",
    "herstel": "ervaring met mensen die herstellen",
    "nah": "ervaring met NAH (niet-aangeboren hersenletsel)",
    "autisme": "ervaring met autisme",
    "gedrag": "ervaring met mensen die soms moeite hebben met hun gedrag",
    "lvb": "ervaring met mensen die wat meer tijd nodig hebben om iets te leren",
    "verslaving": "ervaring met herstel van verslaving",
    "eenzaamheid": "ervaring met mensen die weinig contacten hebben",
    "jeugd_extra_aandacht": "ervaring met kinderen die extra aandacht nodig hebben",
}

#: Signposts to neighbouring provisions, in the order they are shown. When each applies is decided
#: by :func:`signposts_for`; what each says and how to reach it is data (``activatie.signposts``).
SIGNPOST_KEYS: tuple[str, ...] = (
    "goede_dagen",
    "perspectief",
    "wijkteam",
    "tiem",
    "jeugd",
    "jeugdfonds",
    "samen_zwolle",
)
WORK_NEED = "werkvaardigheden"
INTENSIVE = "intensief"


@dataclass(frozen=True)
class Candidate:
    """One activity, flattened from the database by the caller."""

    id: int
    title: str
    organisation_name: str
    programme: str
    point: Point
    status: str
    min_age: int | None
    max_age: int | None
    slots: frozenset[str]
    needs: frozenset[str]
    types: frozenset[str]
    guidance: str
    accessibility: frozenset[str]
    capacity: int
    free_places: int
    waiting_list: bool
    cost: str
    last_confirmed: date
    #: Circumstances the activity has experience with (``doelgroepen``).
    target_groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Intake:
    """The resident's situation; nothing here is stored."""

    age: int
    aow_reached: bool
    point: Point
    needs: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    slots: frozenset[str] = frozenset()
    travel_mode: str = "fiets"
    max_distance_km: float | None = None
    max_minutes: int | None = None
    guidance: str | None = None
    accessibility: frozenset[str] = frozenset()
    only_free: bool = False
    include_full: bool = False
    #: The resident's circumstances (``doelgroepen``): they rank, they never exclude.
    circumstances: frozenset[str] = frozenset()
    #: The consultant accepts *zelfstandig* for someone who needs *licht* guidance.
    widen_guidance: bool = False
    #: The AOW age is reached within six months (``eligibility.aow_soon``).
    aow_soon: bool = False

    @property
    def sah_eligible(self) -> bool:
        """The SAH age rule (``domain.md``): from 18 up to the AOW age."""
        return self.age >= SAH_MIN_AGE and not self.aow_reached

    def __post_init__(self) -> None:
        if self.travel_mode not in TRAVEL_MODES:
            raise ValueError(f"unknown travel mode {self.travel_mode!r}")
        if self.age < 0:
            raise ValueError("age must not be negative")
        if self.max_distance_km is not None and self.max_distance_km < 0:
            raise ValueError("max_distance_km must not be negative")
        if self.max_minutes is not None and self.max_minutes < 0:
            raise ValueError("max_minutes must not be negative")


def _default_minutes() -> dict[str, int]:
    return {"lopen": 20, "fiets": 20, "ov": 30}


@dataclass(frozen=True)
class Options:
    """Tunable settings of the matcher."""

    stale_after_days: int = 180
    #: A match not confirmed for more than this many days says "niet recent gecontroleerd".
    unchecked_after_days: int = 90
    near_miss_limit: int = 5
    #: Minutes of travel per mode when the resident gives neither distance nor time.
    default_minutes: Mapping[str, int] = field(default_factory=_default_minutes)
    ov_default_km: float = OV_DEFAULT_KM
    near_miss_distance_factor: float = NEAR_MISS_DISTANCE_FACTOR
    #: How many matches a result holds, the best first; None for all of them.
    match_limit: int | None = DEFAULT_MATCH_LIMIT

    def __post_init__(self) -> None:
        if self.match_limit is not None and self.match_limit < 0:
            raise ValueError("match_limit must not be negative")


DEFAULT_OPTIONS = Options()


@dataclass(frozen=True)
class Failure:
    """A hard rule an activity breaks, with the reason in Dutch."""

    rule: str
    reason: str


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    score: float
    distance_km: float
    minutes: int | None
    reasons: list[str]
    fits: list[str]
    free_slots: list[str]
    #: The parts of ``reasons`` a result card shows on their own lines: how far and how long
    #: by the resident's way of travel, when (the resident's day parts it has), free places,
    #: and why it fits (needs and interests, experience, guidance, "not checked recently").
    travel: str = ""
    when: str = ""
    availability: str = ""
    why: tuple[str, ...] = ()


@dataclass(frozen=True)
class NearMiss:
    candidate: Candidate
    rule: str
    reason: str
    distance_km: float
    score: float = 0.0


@dataclass(frozen=True)
class MatchResult:
    #: The best ``Options.match_limit`` matches, in rank order.
    matches: list[Match]
    near_misses: list[NearMiss]
    signposts: list[str]
    max_distance_km: float
    #: How many candidates matched, before the limit (``len(matches)`` at most this).
    total_matches: int


def match(
    intake: Intake,
    candidates: Iterable[Candidate],
    today: date,
    options: Options = DEFAULT_OPTIONS,
) -> MatchResult:
    """Return the best activities that fit ``intake``, ranked, with near misses and signposts.

    ``matches`` holds the best ``Options.match_limit`` matches in rank order and
    ``total_matches`` counts every match. Each candidate is checked against every rule, but the
    distance used for the rules, the score and the rank is the resident's :class:`LocalFrame`
    (fast, exact to well under a metre nearby); only a candidate within
    :meth:`LocalFrame.margin_km` (20 m nearby) of the distance limit or the near-miss limit is
    decided with the exact geodesic. The ``distance_km`` shown on each returned match and near
    miss, and the distance in a "te ver" reason, is that exact geodesic when it was measured,
    otherwise the local distance up to :data:`SHOWN_LOCAL_KM` (under two metres from the
    geodesic) and the geodesic (:func:`geo.distance_km`) beyond.
    """
    limit_km = effective_max_distance_km(intake, options)
    near_km = limit_km * options.near_miss_distance_factor
    # A candidate that breaks one other rule is a near miss only when the distance rule holds.
    reach_km = min(limit_km, near_km)
    origin = intake.point
    frame = LocalFrame.around(origin)
    margins = {km: frame.margin_km(km) for km in (limit_km, near_km, reach_km)}

    def within(local: float, km: float, point: Point) -> tuple[bool, float | None]:
        """Return whether the distance is at most ``km``, and the exact one if it was needed."""
        margin = margins[km]
        if local <= km - margin:
            return True, None
        if local > km + margin:
            return False, None
        exact = distance_km(origin, point)
        return exact <= km, exact

    # Entries sort by rank: (-score, local km, title, id, position, ...); the position in the
    # input keeps two entries from ever comparing candidates.
    def ranked(
        candidate: Candidate, position: int, local: float, exact: float | None
    ) -> tuple[float, float, str, int, int, Candidate, float | None]:
        points = score(intake, candidate, local, limit_km)
        return (-points, local, candidate.title, candidate.id, position, candidate, exact)

    passed: list[tuple[float, float, str, int, int, Candidate, float | None]] = []
    near: list[tuple[float, float, str, int, int, Candidate, float | None, str, str | None]] = []
    for position, candidate in enumerate(candidates):
        failure = _only_bendable_failure(intake, candidate, today, options)
        if failure is _HOPELESS:
            continue
        fits = fits_floor(intake, candidate)
        local = frame.distance_km(candidate.point)
        if failure is None:
            inside, exact = within(local, limit_km, candidate.point)
            if inside:
                entry = ranked(candidate, position, local, exact)
                if fits and entry[0] < 0:  # the score is above zero
                    passed.append(entry)
                else:
                    reason = LOW_SCORE_REASON if fits else NO_FIT_REASON
                    near.append((*entry, "aansluiting", reason))
                continue
            if not fits:
                continue  # too far and fits nothing asked: two rules
            inside, exact2 = within(local, near_km, candidate.point)
            if inside:
                found = exact if exact is not None else exact2
                near.append((*ranked(candidate, position, local, found), "afstand", None))
            continue
        assert isinstance(failure, Failure)
        if not fits:
            continue
        inside, exact = within(local, reach_km, candidate.point)
        if inside:
            near.append((*ranked(candidate, position, local, exact), failure.rule, failure.reason))

    best = passed if options.match_limit is None else heapq.nsmallest(options.match_limit, passed)

    def shown_km(local: float, exact: float | None, point: Point) -> float:
        """The distance to show: exact when measured, else the local one when it is as good."""
        if exact is not None:
            return exact
        return local if local <= SHOWN_LOCAL_KM else distance_km(origin, point)

    matches = [
        _build_match(
            intake,
            candidate,
            shown_km(local, exact, candidate.point),
            -negative_points,
            unchecked=(today - candidate.last_confirmed).days > options.unchecked_after_days,
        )
        for negative_points, local, _title, _id, _position, candidate, exact in best
    ]
    near_misses = []
    for (
        negative_points,
        local,
        _title,
        _id,
        _position,
        candidate,
        exact,
        rule,
        reason,
    ) in heapq.nsmallest(max(options.near_miss_limit, 0), near):
        distance = shown_km(local, exact, candidate.point)
        if reason is None:
            reason = _distance_reason(distance, limit_km) or ""
        near_misses.append(NearMiss(candidate, rule, reason, distance, -negative_points))
    # The ones kept are shown in the order of their exact distances (when scores tie); it differs
    # from the order of local distances only for distances less than a metre apart.
    matches.sort(key=lambda m: _rank_key(m.score, m.distance_km, m.candidate))
    near_misses.sort(key=lambda n: _rank_key(n.score, n.distance_km, n.candidate))
    return MatchResult(
        matches=matches,
        near_misses=near_misses,
        signposts=signposts_for(intake, found_any=bool(passed)),
        max_distance_km=limit_km,
        total_matches=len(passed),
    )


class _Hopeless:
    """The type of :data:`_HOPELESS`."""


#: The candidate breaks two rules, or one that never bends: neither a match nor a near miss.
_HOPELESS = _Hopeless()


def _only_bendable_failure(
    intake: Intake, candidate: Candidate, today: date, options: Options
) -> Failure | None | _Hopeless:
    """Check every rule except distance: None when all hold, the one bendable failure, or
    :data:`_HOPELESS`."""
    # Most candidates keep every rule: test that first in one expression, the same tests as the
    # ``_..._reason`` functions make (the property tests hold both to an independent check).
    age = intake.age
    if (
        (candidate.programme != SAH_PROGRAMME or intake.sah_eligible)
        and (candidate.min_age is None or age >= candidate.min_age)
        and (candidate.max_age is None or age <= candidate.max_age)
        and candidate.status == ACTIVE_STATUS
        and (today - candidate.last_confirmed).days <= options.stale_after_days
        and (not intake.slots or not intake.slots.isdisjoint(candidate.slots))
        and intake.accessibility <= candidate.accessibility
        and (candidate.free_places > 0 or (candidate.waiting_list and intake.include_full))
        and (not intake.only_free or candidate.cost == FREE_COST)
        and _enough_guidance(intake, candidate.guidance)
    ):
        return None
    found: Failure | None = None
    for rule, check in _NON_DISTANCE_CHECKS:
        reason = check(intake, candidate, today, options)
        if reason is None:
            continue
        if found is not None or rule not in BENDABLE_RULES:
            return _HOPELESS
        found = Failure(rule, reason)
    return found


def effective_max_distance_km(intake: Intake, options: Options = DEFAULT_OPTIONS) -> float:
    """Return the straight-line km limit for ``intake``.

    The smaller of ``max_distance_km`` and the distance reachable in ``max_minutes``; when the
    resident gives neither, the default minutes for the travel mode. Public transport has no speed,
    so minutes cannot be turned into km: then ``max_distance_km`` alone counts, or else
    ``Options.ov_default_km``.
    """
    limits: list[float] = []
    if intake.max_distance_km is not None:
        limits.append(intake.max_distance_km)
    if intake.max_minutes is not None:
        by_time = max_distance_for_minutes(intake.max_minutes, intake.travel_mode)
        if by_time is not None:
            limits.append(by_time)
    if limits:
        return min(limits)
    return _default_distance_km(intake.travel_mode, options)


def _default_distance_km(mode: str, options: Options) -> float:
    minutes = options.default_minutes.get(mode)
    by_time = None if minutes is None else max_distance_for_minutes(minutes, mode)
    return options.ov_default_km if by_time is None else by_time


def search_radius_km(intake: Intake, options: Options = DEFAULT_OPTIONS) -> float:
    """Return the radius in km the caller must prefilter candidates with.

    It is the effective maximum distance times ``Options.near_miss_distance_factor`` (1.5), so
    every match and every "te ver" near miss lies inside it.
    """
    return effective_max_distance_km(intake, options) * options.near_miss_distance_factor


def rule_failures(
    intake: Intake,
    candidate: Candidate,
    distance: float,
    limit_km: float,
    today: date,
    options: Options = DEFAULT_OPTIONS,
) -> list[Failure]:
    """Return the hard rules ``candidate`` breaks for ``intake``, in the order of :data:`RULES`.

    :param distance: km between the resident and the activity.
    :param limit_km: the effective maximum distance in km.
    """
    reasons = {
        "leeftijd_programma": _programme_age_reason(intake, candidate),
        "leeftijd": _own_age_reason(intake.age, candidate),
        "status": _status_reason(candidate),
        "verouderd": _stale_reason(candidate, today, options),
        "dagdelen": _slots_reason(intake, candidate),
        "toegankelijkheid": _accessibility_reason(intake, candidate),
        "afstand": _distance_reason(distance, limit_km),
        "plekken": _places_reason(intake, candidate),
        "kosten": _cost_reason(intake, candidate),
        "begeleiding": _guidance_reason(intake, candidate),
        "aansluiting": _fit_reason(intake, candidate, distance, limit_km),
    }
    return [Failure(rule, reasons[rule]) for rule in RULES if reasons[rule] is not None]


def _programme_age_reason(intake: Intake, candidate: Candidate) -> str | None:
    if candidate.programme != SAH_PROGRAMME:
        return None
    if intake.aow_reached:
        return "voor mensen onder de AOW-leeftijd"
    if intake.age < SAH_MIN_AGE:
        return f"voor {SAH_MIN_AGE} jaar en ouder"
    return None


def _own_age_reason(age: int, candidate: Candidate) -> str | None:
    low, high = candidate.min_age, candidate.max_age
    if (low is None or age >= low) and (high is None or age <= high):
        return None
    if low is not None and high is not None:
        return f"voor leeftijd {low} tot en met {high} jaar"
    if low is not None:
        return f"voor {low} jaar en ouder"
    return f"voor {high} jaar en jonger"


def _status_reason(candidate: Candidate) -> str | None:
    if candidate.status == ACTIVE_STATUS:
        return None
    return f"activiteit is {ACTIVITY_STATUSES.label_of(candidate.status)}"


def _stale_reason(candidate: Candidate, today: date, options: Options) -> str | None:
    if (today - candidate.last_confirmed).days <= options.stale_after_days:
        return None
    return "gegevens al lang niet bevestigd"


def _slots_reason(intake: Intake, candidate: Candidate) -> str | None:
    if not intake.slots or intake.slots & candidate.slots:
        return None
    asked = f"niet op {describe_slots(intake.slots, 'of')}"
    runs = describe_slots(candidate.slots)
    return f"{asked}; wel op {runs}" if runs else f"{asked}; vraag de aanbieder naar de tijden"


def _accessibility_reason(intake: Intake, candidate: Candidate) -> str | None:
    missing = intake.accessibility - candidate.accessibility
    if not missing:
        return None
    keys = [key for key in ACCESSIBILITY.keys if key in missing] + sorted(
        ACCESSIBILITY.unknown(missing)
    )
    phrases = [
        _MISSING_ACCESSIBILITY.get(key, f"niet: {ACCESSIBILITY.label_of(key)}") for key in keys
    ]
    return _join(phrases, "en")


def _distance_reason(distance: float, limit_km: float) -> str | None:
    if distance <= limit_km:
        return None
    return f"te ver ({nl_number(distance)} km)"


def _places_reason(intake: Intake, candidate: Candidate) -> str | None:
    if candidate.free_places > 0:
        return None
    if candidate.waiting_list:
        return None if intake.include_full else "vol, wel een wachtlijst"
    return "vol"


def _cost_reason(intake: Intake, candidate: Candidate) -> str | None:
    if not intake.only_free or candidate.cost == FREE_COST:
        return None
    return "niet gratis"


def _enough_guidance(intake: Intake, offered: str) -> bool:
    """Return whether ``offered`` guidance is at least what the resident needs.

    *Zelfstandig* for someone who needs *licht* counts only when the consultant widened it;
    nothing below *intensief* ever counts for someone who needs *intensief*. An unknown level
    (neither side in :data:`GUIDANCE`) is not judged.
    """
    comparison = _compare_guidance(intake.guidance, offered)
    if comparison is None or comparison >= 0:
        return True
    return intake.widen_guidance and intake.guidance == "licht" and offered == "zelfstandig"


def _guidance_reason(intake: Intake, candidate: Candidate) -> str | None:
    if _enough_guidance(intake, candidate.guidance):
        return None
    return f"minder begeleiding dan nodig ({GUIDANCE.label_of(candidate.guidance)})"


def fits_floor(intake: Intake, candidate: Candidate) -> bool:
    """Return whether ``candidate`` fits at least one stated need or interest (True if none)."""
    if not intake.needs and not intake.interests:
        return True
    return not (
        intake.needs.isdisjoint(candidate.needs) and intake.interests.isdisjoint(candidate.types)
    )


def _fit_reason(
    intake: Intake, candidate: Candidate, distance: float, limit_km: float
) -> str | None:
    """The fit floor: a stated need or interest fits, and the score is above zero."""
    if not fits_floor(intake, candidate):
        return NO_FIT_REASON
    if score(intake, candidate, distance, limit_km) <= 0:
        return LOW_SCORE_REASON
    return None


#: The rules that need no distance, in the order of :data:`RULES`, as
#: ``check(intake, candidate, today, options) -> reason or None``.
_NON_DISTANCE_CHECKS: tuple[
    tuple[str, Callable[[Intake, Candidate, date, Options], str | None]], ...
] = (
    ("leeftijd_programma", lambda i, c, t, o: _programme_age_reason(i, c)),
    ("leeftijd", lambda i, c, t, o: _own_age_reason(i.age, c)),
    ("status", lambda i, c, t, o: _status_reason(c)),
    ("verouderd", lambda i, c, t, o: _stale_reason(c, t, o)),
    ("dagdelen", lambda i, c, t, o: _slots_reason(i, c)),
    ("toegankelijkheid", lambda i, c, t, o: _accessibility_reason(i, c)),
    ("plekken", lambda i, c, t, o: _places_reason(i, c)),
    ("kosten", lambda i, c, t, o: _cost_reason(i, c)),
    ("begeleiding", lambda i, c, t, o: _guidance_reason(i, c)),
)


def score(intake: Intake, candidate: Candidate, distance: float, limit_km: float) -> float:
    """Return the score of ``candidate`` for ``intake`` (see the module docstring).

    :param distance: km between the resident and the activity.
    :param limit_km: the effective maximum distance in km.
    """
    points = (
        BASE_POINTS
        + NEED_POINTS * len(intake.needs & candidate.needs)
        + INTEREST_POINTS * len(intake.interests & candidate.types)
        + TARGET_GROUP_POINTS * len(intake.circumstances & candidate.target_groups)
        + _distance_points(distance, limit_km)
        + _guidance_points(intake.guidance, candidate.guidance)
    )
    return round(points, 2)


def _distance_points(distance: float, limit_km: float) -> float:
    if limit_km <= 0:
        return 0.0
    return DISTANCE_POINTS * max(0.0, 1.0 - distance / limit_km)


def _guidance_points(needed: str | None, offered: str) -> float:
    comparison = _compare_guidance(needed, offered)
    if comparison is None:
        return 0.0
    if comparison == 0:
        return GUIDANCE_EXACT_POINTS
    return GUIDANCE_MORE_POINTS if comparison > 0 else GUIDANCE_LESS_POINTS


#: The place of each guidance level on its scale (``GUIDANCE.index``), looked up once.
_GUIDANCE_RANK: dict[str, int] = {key: rank for rank, key in enumerate(GUIDANCE.keys)}


def _compare_guidance(needed: str | None, offered: str) -> int | None:
    """Return offered minus needed on the guidance scale, or None when either is unknown."""
    if needed is None:
        return None
    needed_rank, offered_rank = _GUIDANCE_RANK.get(needed), _GUIDANCE_RANK.get(offered)
    if needed_rank is None or offered_rank is None:
        return None
    return offered_rank - needed_rank


def _rank_key(
    points: float, distance: float, candidate: Candidate
) -> tuple[float, float, str, int]:
    return (-points, distance, candidate.title, candidate.id)


#: What a match not confirmed for ``Options.unchecked_after_days`` says.
UNCHECKED_REASON = "niet recent gecontroleerd door de organisatie"


def _build_match(
    intake: Intake, candidate: Candidate, distance: float, points: float, *, unchecked: bool
) -> Match:
    minutes = travel_minutes(distance, intake.travel_mode)
    fits = _labels(NEEDS, intake.needs & candidate.needs) + _labels(
        ACTIVITY_TYPES, intake.interests & candidate.types
    )
    wanted_slots = candidate.slots & intake.slots if intake.slots else candidate.slots
    free_slots = _labels(SLOTS, wanted_slots)
    travel = _travel_text(intake.travel_mode, candidate, distance, minutes)
    reasons = [travel]
    why = []
    if fits:
        why.append(f"past bij: {', '.join(fits)}")
    why += [
        _EXPERIENCE.get(key, key)
        for key in TARGET_GROUPS.keys
        if key in intake.circumstances & candidate.target_groups
    ]
    reasons += why
    when = describe_slots(wanted_slots)
    if when:
        reasons.append(f"op {when}")
    availability = availability_text(candidate)
    reasons.append(availability)
    guidance = _guidance_text(intake.guidance, candidate.guidance)
    reasons.append(guidance)
    why.append(guidance)
    if candidate.cost != FREE_COST:
        reasons.append(COSTS.label_of(candidate.cost))
    if unchecked:
        reasons.append(UNCHECKED_REASON)
        why.append(UNCHECKED_REASON)
    return Match(
        candidate,
        points,
        distance,
        minutes,
        reasons,
        fits,
        free_slots,
        travel=travel,
        when=when,
        availability=availability,
        why=tuple(why),
    )


def _travel_text(mode: str, candidate: Candidate, distance: float, minutes: int | None) -> str:
    km = f"{nl_number(distance)} km"
    if minutes is not None:
        unit = "minuut" if minutes == 1 else "minuten"
        return f"{km} — ongeveer {minutes} {unit} {_TRAVEL_VERBS.get(mode, mode)}"
    if mode == OV_MODE and OV_NEARBY in candidate.accessibility:
        return f"{km} — bushalte in de buurt"
    return km


def availability_text(candidate: Candidate) -> str:
    """Free places are counted per activity, never per day part: "3 plekken vrij"."""
    if candidate.free_places <= 0:
        return "vol — er is een wachtlijst" if candidate.waiting_list else "vol"
    if candidate.free_places == 1:
        return "1 plek vrij"
    return f"{candidate.free_places} plekken vrij"


def _guidance_text(needed: str | None, offered: str) -> str:
    text = f"begeleiding: {GUIDANCE.label_of(offered)}"
    comparison = _compare_guidance(needed, offered)
    if comparison is not None and comparison < 0:
        return f"{text} (minder dan gevraagd, zo afgesproken)"
    return text


def signposts_for(intake: Intake, *, found_any: bool) -> list[str]:
    """Return the keys of :data:`SIGNPOST_KEYS` that apply to ``intake``, in that order.

    * ``goede_dagen`` — the AOW age is reached, or will be within six months;
    * ``perspectief`` and ``wijkteam`` — the resident needs a guide the whole time;
    * ``wijkteam`` and ``samen_zwolle`` — nothing fits (``found_any`` is False);
    * ``tiem`` — the resident wants work experience, a step towards (adapted) paid work;
    * ``jeugd`` and ``jeugdfonds`` — a child: sports clubs, and help with the club fee.
    """
    applies = {
        "goede_dagen": intake.aow_reached or intake.aow_soon,
        "perspectief": intake.guidance == INTENSIVE,
        "wijkteam": intake.guidance == INTENSIVE or not found_any,
        "tiem": WORK_NEED in intake.needs and intake.sah_eligible,
        "jeugd": intake.age < SAH_MIN_AGE,
        "jeugdfonds": intake.age < SAH_MIN_AGE,
        "samen_zwolle": not found_any,
    }
    return [key for key in SIGNPOST_KEYS if applies[key]]


def explain_rule(rule: str) -> str:
    """Return the Dutch label of a hard-rule key, or the key itself when it is unknown."""
    return _RULE_LABELS.get(rule, rule)


def _labels(vocabulary: Vocabulary, keys: frozenset[str]) -> list[str]:
    return vocabulary.labels(keys)


def _join(words: list[str], conjunction: str) -> str:
    """Join words the Dutch way: ``a, b of c``."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"
