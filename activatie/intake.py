"""Read a resident's situation from query or form parameters; shared by both front ends and API.

Nothing read here is stored or logged. Parameter names are Dutch and the same everywhere:
``postcode``, ``geboortedatum`` or ``leeftijd``, ``behoeften``, ``interesses``, ``dagdelen``
(slots like ``di_ochtend``), ``vervoer``, ``max_afstand_km``, ``max_minuten``, ``begeleiding``,
``toegankelijkheid``, ``alleen_gratis`` and ``ook_vol``; ``doelgroepen`` (the resident's
circumstances, optional: they rank, never exclude) and ``ook_zelfstandig`` (the consultant accepts
*zelfstandig* for someone who needs *licht* guidance); ``limiet`` (1 to 200, default 50) says how
many of the best matches to show.

Activatie is for residents of Zwolle: a well-formed postcode outside the municipality's table is
answered as such (:data:`OUTSIDE_ZWOLLE`), not as an unknown postcode.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from . import eligibility, geo
from .filters import Args, InvalidInput, read_bool, read_number, read_postcode, read_terms
from .matching import DEFAULT_MATCH_LIMIT, Intake
from .vocabulary import (
    ACCESSIBILITY,
    ACTIVITY_TYPES,
    DAY_PART_CHOICES,
    GUIDANCE,
    NEEDS,
    SLOTS,
    TARGET_GROUPS,
    TRAVEL_MODES,
    slots_for_choice,
)

MATCH_PARAMS = (
    "postcode",
    "geboortedatum",
    "leeftijd",
    "behoeften",
    "interesses",
    "dagdelen",
    "vervoer",
    "max_afstand_km",
    "max_minuten",
    "begeleiding",
    "toegankelijkheid",
    "alleen_gratis",
    "ook_vol",
    "doelgroepen",
    "ook_zelfstandig",
    "limiet",
)

#: What a resident with a postcode outside Zwolle reads (the parameter ``postcode``, 422).
OUTSIDE_ZWOLLE = (
    "Activatie is voor inwoners van Zwolle. Woont u in een andere gemeente? Vraag bij het "
    "Wmo-loket of het sociaal team van uw eigen gemeente wat er bij u in de buurt is."
)

#: Zwolle's PO-box postcodes (``domain.md``, Geography): nobody lives there.
PO_BOX_PC4 = frozenset(str(code) for code in range(8000, 8008))
PO_BOX = "Dit is de postcode van een postbus. Vul de postcode van uw woonadres in."


def service_area_problem(postcode: str, in_service_area: Callable[[str], bool]) -> str | None:
    """Return why a normalised postcode cannot be matched here (a PO box, outside Zwolle)."""
    if geo.pc4_of(postcode) in PO_BOX_PC4:
        return PO_BOX
    if not in_service_area(postcode):
        return OUTSIDE_ZWOLLE
    return None


#: The form parameter of the day-part shortcuts (``vocabulary.DAY_PART_CHOICES``); the HTML
#: forms only (the API takes ``dagdelen``).
DAY_PART_CHOICE = "tijden"


def day_parts_with_choice(args: Args) -> list[str]:
    """Return the ``dagdelen`` that ``args`` asks for, filled in from the shortcut ``tijden``.

    Ticked day parts win over the shortcut (``vocabulary.slots_for_choice``); raise
    InvalidInput for an unknown shortcut.
    """
    choice = (args.get(DAY_PART_CHOICE) or "").strip()
    if choice and choice not in DAY_PART_CHOICES:
        raise InvalidInput({DAY_PART_CHOICE: "Kies een van de tijden, of kies zelf dagdelen."})
    return slots_for_choice(choice, args.getlist("dagdelen"))


#: ``limiet``: how many of the best matches a result shows, at most.
MAX_MATCH_LIMIT = 200

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DUTCH = re.compile(r"^(\d{1,2})[-/ .](\d{1,2})[-/ .](\d{4})$")


@dataclass(frozen=True)
class IntakeRequest:
    """What the resident told us, checked but not yet located or judged for eligibility."""

    postcode: str
    birth_date: date | None
    age: int | None
    needs: frozenset[str]
    interests: frozenset[str]
    slots: frozenset[str]
    travel_mode: str
    max_distance_km: float | None
    max_minutes: int | None
    guidance: str | None
    accessibility: frozenset[str]
    only_free: bool
    include_full: bool
    #: How many of the best matches to show (``limiet``).
    match_limit: int = DEFAULT_MATCH_LIMIT
    circumstances: frozenset[str] = frozenset()
    widen_guidance: bool = False


def parse_intake(args: Args, today: date, *, strict: bool = False) -> IntakeRequest:
    """Return the checked request; raise InvalidInput naming every wrong parameter.

    :param strict: also refuse unknown parameters (the API does).
    """
    errors: dict[str, str] = {}
    if strict:
        errors |= {
            name: f"'{name}' is geen bekende zoekterm" for name in args if name not in MATCH_PARAMS
        }
    postcode = read_postcode(args, errors)
    if postcode is None and "postcode" not in errors:
        errors["postcode"] = "Vul een postcode in, zoals 8011 of 8011 AB."
    birth_date = read_birth_date(args, today, errors)
    age = read_number(args, "leeftijd", errors, 0, eligibility.MAX_AGE, "De leeftijd", whole=True)
    if birth_date is None and age is None and not {"geboortedatum", "leeftijd"} & errors.keys():
        errors["leeftijd"] = "Vul een leeftijd of geboortedatum in."
    travel_mode = (args.get("vervoer") or "fiets").strip()
    if travel_mode not in TRAVEL_MODES:
        errors["vervoer"] = f"Kies uit: {', '.join(TRAVEL_MODES.keys)}."
    guidance = (args.get("begeleiding") or "").strip() or None
    if guidance is not None and guidance not in GUIDANCE:
        errors["begeleiding"] = f"Kies uit: {', '.join(GUIDANCE.keys)}."
    distance = read_number(args, "max_afstand_km", errors, 0, 200, "De afstand")
    minutes = read_number(args, "max_minuten", errors, 1, 240, "De reistijd", whole=True)
    limit = read_number(
        args, "limiet", errors, 1, MAX_MATCH_LIMIT, "Het aantal resultaten", whole=True
    )
    request = IntakeRequest(
        postcode=postcode or "",
        birth_date=birth_date,
        age=int(age) if age is not None else None,
        needs=read_terms(args, "behoeften", NEEDS, errors, "behoefte"),
        interests=read_terms(args, "interesses", ACTIVITY_TYPES, errors, "soort activiteit"),
        slots=read_terms(args, "dagdelen", SLOTS, errors, "dagdeel"),
        travel_mode=travel_mode,
        max_distance_km=distance,
        max_minutes=int(minutes) if minutes is not None else None,
        guidance=guidance,
        accessibility=read_terms(args, "toegankelijkheid", ACCESSIBILITY, errors, "wens"),
        only_free=read_bool(args, "alleen_gratis", errors),
        include_full=read_bool(args, "ook_vol", errors),
        match_limit=int(limit) if limit is not None else DEFAULT_MATCH_LIMIT,
        circumstances=read_terms(args, "doelgroepen", TARGET_GROUPS, errors, "doelgroep"),
        widen_guidance=read_bool(args, "ook_zelfstandig", errors),
    )
    if errors:
        raise InvalidInput(errors)
    return request


def read_birth_date(args: Args, today: date, errors: dict[str, str]) -> date | None:
    raw = (args.get("geboortedatum") or "").strip()
    if not raw:
        return None
    parsed = parse_date(raw)
    if parsed is None:
        errors["geboortedatum"] = "Schrijf de geboortedatum zo: 31-12-1980."
    elif parsed > today:
        errors["geboortedatum"] = "Deze geboortedatum ligt in de toekomst."
        return None
    elif eligibility.age_on(parsed, today) > eligibility.MAX_AGE:
        errors["geboortedatum"] = "Controleer het geboortejaar."
        return None
    return parsed


def parse_date(text: str) -> date | None:
    """Return a date written as ``1980-12-31`` or ``31-12-1980``, or None."""
    iso, dutch = _ISO.match(text), _DUTCH.match(text)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if dutch:
            return date(int(dutch.group(3)), int(dutch.group(2)), int(dutch.group(1)))
    except ValueError:
        return None
    return None


@dataclass(frozen=True)
class Resident:
    """The request located and judged: ready for :func:`matching.match`."""

    intake: Intake
    check: eligibility.SahCheck
    postcode_hit: geo.PostcodeHit
    #: The AOW age comes within six months (None otherwise); derived, never stored.
    aow_notice: eligibility.AowNotice | None = None


def resolve(
    request: IntakeRequest,
    geocoder: geo.SupportsGeocode,
    today: date,
    in_service_area: Callable[[str], bool] | None = None,
) -> Resident:
    """Locate the postcode and apply the AOW rule; raise InvalidInput (422) when either fails.

    :param in_service_area: whether a normalised postcode lies in Zwolle; a postcode outside it
        gets :data:`OUTSIDE_ZWOLLE` (and is never sent to an online geocoder).
    """
    postcode = geo.normalise_postcode(request.postcode)
    if postcode is not None and in_service_area is not None:
        problem = service_area_problem(postcode, in_service_area)
        if problem is not None:
            raise InvalidInput({"postcode": problem}, status=422)
    try:
        hit = geo.resolve_postcode(geocoder, request.postcode)
    except ValueError as error:
        raise InvalidInput({"postcode": str(error)}, status=422) from None
    check = eligibility.check_sah(today, birth_date=request.birth_date, age=request.age)
    if check.reason == "geboortedatum_nodig":
        raise InvalidInput({"geboortedatum": check.message or ""}, status=422)
    if request.birth_date is not None:
        age = eligibility.age_on(request.birth_date, today)
        aow_reached = eligibility.has_reached_aow(request.birth_date, today)
    else:
        assert request.age is not None
        age = request.age
        aow_reached = bool(eligibility.has_reached_aow_by_age(age, today))
    notice = (
        None
        if aow_reached
        else eligibility.aow_notice(today, birth_date=request.birth_date, age=request.age)
    )
    intake = Intake(
        age=age,
        aow_reached=aow_reached,
        point=hit.point,
        needs=request.needs,
        interests=request.interests,
        slots=request.slots,
        travel_mode=request.travel_mode,
        max_distance_km=request.max_distance_km,
        max_minutes=request.max_minutes,
        guidance=request.guidance,
        accessibility=request.accessibility,
        only_free=request.only_free,
        include_full=request.include_full,
        circumstances=request.circumstances,
        widen_guidance=request.widen_guidance,
        aow_soon=notice is not None,
    )
    return Resident(intake=intake, check=check, postcode_hit=hit, aow_notice=notice)
