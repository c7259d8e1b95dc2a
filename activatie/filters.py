"""Read and check search parameters; shared by the directory pages and the JSON API.

Parameter names are Dutch and the same everywhere. A list parameter accepts comma-separated
values and repeated parameters alike (``soorten=groen,dieren`` or ``soorten=groen&soorten=dieren``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import geo
from .dutch import nl_number
from .vocabulary import (
    ACCESSIBILITY,
    ACTIVITY_TYPES,
    DAY_PARTS,
    DAYS,
    NEEDS,
    PROGRAMMES,
    SLOTS,
    TARGET_GROUPS,
    Vocabulary,
)

MAX_DISTANCE_KM = 200.0
MAX_AGE = 125
#: Longer numbers are refused before conversion (a 400-digit one overflows float arithmetic).
MAX_NUMBER_LENGTH = 20
_WHOLE = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
_TRUE = {"1", "true", "ja", "on", "aan"}
_FALSE = {"", "0", "false", "nee", "off", "uit"}


class Args(Protocol):
    def getlist(self, key: str) -> list[str]: ...
    def get(self, key: str, default: Any = None) -> Any: ...
    def __iter__(self) -> Any: ...


class InvalidInput(ValueError):
    """One or more parameters are wrong; ``errors`` maps each parameter to a Dutch message."""

    def __init__(self, errors: Mapping[str, str], status: int = 400) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = dict(errors)
        self.status = status


@dataclass(frozen=True)
class ActivityFilters:
    text: str = ""
    types: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()
    target_groups: frozenset[str] = frozenset()
    days: frozenset[str] = frozenset()
    parts: frozenset[str] = frozenset()
    extra_slots: frozenset[str] = frozenset()
    accessibility: frozenset[str] = frozenset()
    only_free_places: bool = False
    age: int | None = None
    programme: str | None = None
    postcode: str | None = None
    max_distance_km: float | None = None
    page: int = 1
    params: dict[str, list[str]] = field(default_factory=dict, compare=False)

    @property
    def slots(self) -> frozenset[str]:
        """Return the weekly slots asked for: days x day parts, plus slots named directly."""
        if not self.days and not self.parts:
            return self.extra_slots
        days = self.days or frozenset(DAYS.keys)
        parts = self.parts or frozenset(DAY_PARTS.keys)
        return frozenset(f"{d}_{p}" for d in days for p in parts) | self.extra_slots

    @property
    def is_empty(self) -> bool:
        return self == ActivityFilters(page=self.page)


ACTIVITY_PARAMS = (
    "q",
    "soorten",
    "behoeften",
    "doelgroepen",
    "dagen",
    "dagdelen",
    "toegankelijkheid",
    "alleen_vrije_plekken",
    "leeftijd",
    "programma",
    "postcode",
    "max_afstand_km",
    "pagina",
)


def parse_activity_filters(
    args: Args, *, max_page: int = 10_000, strict: bool = False
) -> ActivityFilters:
    """Return the filters in ``args``; raise InvalidInput naming every wrong parameter.

    :param strict: also refuse parameters this search does not know (the API does).
    """
    errors: dict[str, str] = {}
    if strict:
        for name in args:
            if name not in ACTIVITY_PARAMS:
                errors[name] = f"'{name}' is geen bekende zoekterm"
    text = (args.get("q") or "").strip()
    if len(text) > 100:
        errors["q"] = "Gebruik hoogstens 100 tekens."
    parts_and_slots = read_list(args, "dagdelen")
    parts = frozenset(p for p in parts_and_slots if p in DAY_PARTS)
    slots = frozenset(p for p in parts_and_slots if p not in DAY_PARTS)
    unknown_slots = SLOTS.unknown(slots)
    if unknown_slots:
        errors["dagdelen"] = _unknown_message(DAY_PARTS, unknown_slots, "dagdeel")
    postcode = read_postcode(args, errors)
    distance = read_number(args, "max_afstand_km", errors, 0, MAX_DISTANCE_KM, "De afstand")
    if distance is not None and postcode is None and "postcode" not in errors:
        errors["max_afstand_km"] = "Vul ook een postcode in om op afstand te zoeken."
    age = read_number(args, "leeftijd", errors, 0, MAX_AGE, "De leeftijd", whole=True)
    page = read_number(args, "pagina", errors, 1, max_page, "Het paginanummer", whole=True)
    programme = (args.get("programma") or "").strip() or None
    if programme is not None and programme not in PROGRAMMES:
        errors["programma"] = _unknown_message(PROGRAMMES, [programme], "programma")
    filters = ActivityFilters(
        text=text,
        types=read_terms(args, "soorten", ACTIVITY_TYPES, errors, "soort activiteit"),
        needs=read_terms(args, "behoeften", NEEDS, errors, "behoefte"),
        target_groups=read_terms(args, "doelgroepen", TARGET_GROUPS, errors, "doelgroep"),
        days=read_terms(args, "dagen", DAYS, errors, "dag"),
        parts=parts,
        extra_slots=slots,
        accessibility=read_terms(args, "toegankelijkheid", ACCESSIBILITY, errors, "wens"),
        only_free_places=read_bool(args, "alleen_vrije_plekken", errors),
        age=int(age) if age is not None else None,
        programme=programme,
        postcode=postcode,
        max_distance_km=distance,
        page=int(page) if page is not None else 1,
        params={name: args.getlist(name) for name in ACTIVITY_PARAMS if args.getlist(name)},
    )
    if errors:
        raise InvalidInput(errors)
    return filters


def read_list(args: Args, name: str) -> list[str]:
    values: list[str] = []
    for raw in args.getlist(name):
        values += [part.strip() for part in raw.split(",") if part.strip()]
    return values


#: The filters the list page folds away on small screens (postcode and distance stay in view):
#: lists count each value chosen, the others count once when filled in.
FOLDED_LISTS = ("soorten", "behoeften", "doelgroepen", "dagen", "dagdelen", "toegankelijkheid")
FOLDED_SINGLE = ("q", "alleen_vrije_plekken", "leeftijd", "programma")


def count_chosen(args: Args) -> int:
    """Return how many folded filters are chosen in ``args`` ("Filters (3 gekozen)")."""
    lists = sum(len(set(read_list(args, name))) for name in FOLDED_LISTS)
    return lists + sum(1 for name in FOLDED_SINGLE if (args.get(name) or "").strip())


def read_terms(
    args: Args, name: str, vocabulary: Vocabulary, errors: dict[str, str], what: str
) -> frozenset[str]:
    values = read_list(args, name)
    unknown = vocabulary.unknown(values)
    if unknown:
        errors[name] = _unknown_message(vocabulary, unknown, what)
    return frozenset(v for v in values if v in vocabulary)


def _unknown_message(vocabulary: Vocabulary, unknown: list[str], what: str) -> str:
    listed = ", ".join(f"'{u}'" for u in unknown[:3])
    return f"Onbekende {what}: {listed}. Kies uit: {', '.join(vocabulary.keys)}."


def read_bool(args: Args, name: str, errors: dict[str, str]) -> bool:
    value = (args.get(name) or "").strip().lower()
    if value in _TRUE:
        return True
    if value not in _FALSE:
        errors[name] = "Gebruik ja of nee."
    return False


def read_number(
    args: Args,
    name: str,
    errors: dict[str, str],
    low: float,
    high: float,
    what: str,
    *,
    whole: bool = False,
) -> float | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if len(raw) > MAX_NUMBER_LENGTH:
        errors[name] = f"{what} is te lang; gebruik hoogstens {MAX_NUMBER_LENGTH} tekens."
        return None
    # ASCII digits only: int() and float() also take '٣' or '1_0', and isdigit() takes '²'.
    if not (_WHOLE if whole else _DECIMAL).fullmatch(raw):
        errors[name] = f"{what} moet een {'heel ' if whole else ''}getal zijn."
        return None
    value = float(raw.replace(",", "."))
    if value < low:
        errors[name] = f"{what} moet {nl_number(low, trim=True)} of meer zijn."
        return None
    if value > high:
        errors[name] = f"{what} mag hoogstens {nl_number(high, trim=True)} zijn."
        return None
    return value


def ascii_id(raw: str, max_digits: int = 10) -> int | None:
    """Return ``raw`` as a number when it is 1 to ``max_digits`` ASCII digits, else None.

    ``str.isdigit()`` is no test for this: ``'²'.isdigit()`` is true and ``int('²')`` fails.
    """
    if not 0 < len(raw) <= max_digits or not raw.isascii() or not raw.isdecimal():
        return None
    return int(raw)


def read_postcode(args: Args, errors: dict[str, str]) -> str | None:
    raw = (args.get("postcode") or "").strip()
    if not raw:
        return None
    postcode = geo.normalise_postcode(raw)
    if postcode is None:
        errors["postcode"] = "Vul een postcode in zoals 8011 of 8011 AB."
    return postcode
