"""The exchange formats of the catalogue: seed files and JSON/CSV import (:class:`CatalogueRecord`),
and the body of the write API's ``PATCH /api/v1/activiteiten/{id}`` (:class:`ActivityPatch`).

Field names are the Dutch keys of the public format; attributes are English. Every value is
checked here, with a Dutch message, before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from . import geo
from .activity_fields import CHOICE, FIELDS, TERMS, record_key
from .filters import InvalidInput
from .vocabulary import (
    ACCESSIBILITY,
    ORGANISATION_KINDS,
    Vocabulary,
)

Slug = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")
]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]


def _one_of(vocabulary: Vocabulary, value: str) -> str:
    if value not in vocabulary:
        raise ValueError(
            f"'{value}' is geen bekende waarde; kies uit: {', '.join(vocabulary.keys)}"
        )
    return value


def _all_of(vocabulary: Vocabulary, values: list[str]) -> list[str]:
    unknown = vocabulary.unknown(values)
    if unknown:
        raise ValueError(
            f"onbekende waarde {', '.join(repr(u) for u in unknown)}; "
            f"kies uit: {', '.join(vocabulary.keys)}"
        )
    return sorted(set(values), key=vocabulary.index)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


class LocationRecord(_Record):
    slug: Slug = Field(alias="sleutel")
    name: Text = Field(alias="naam", min_length=1, max_length=160)
    street: Text = Field(alias="straat", min_length=1, max_length=120)
    house_number: Text = Field(alias="huisnummer", default="", max_length=20)
    postcode: str = Field(alias="postcode")
    city: Text = Field(alias="plaats", default="Zwolle", min_length=1, max_length=80)
    latitude: float | None = Field(alias="latitude", default=None, ge=-90, le=90)
    longitude: float | None = Field(alias="longitude", default=None, ge=-180, le=180)
    accessibility: list[str] = Field(alias="toegankelijkheid", default_factory=list)

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str) -> str:
        normalised = geo.normalise_postcode(value)
        if normalised is None:
            raise ValueError(f"'{value}' is geen postcode; schrijf 8011 of 8011 AB")
        return normalised

    @field_validator("accessibility")
    @classmethod
    def _accessibility(cls, value: list[str]) -> list[str]:
        return _all_of(ACCESSIBILITY, value)

    @model_validator(mode="after")
    def _both_coordinates(self) -> LocationRecord:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("geef latitude en longitude allebei, of allebei niet")
        return self


#: The vocabulary of each single-choice and each multi-valued field of an activity.
_CHOICES = {f.attr: f.vocabulary for f in FIELDS if f.kind == CHOICE}
_TERMS = {f.attr: f.vocabulary for f in FIELDS if f.kind == TERMS}


def _name(attr: str) -> Any:
    """Return ``Field``'s alias for an activity field: its name in the import format."""
    return record_key(attr)


class ActivityRecord(_Record):
    slug: Slug = Field(alias=_name("slug"))
    title: Text = Field(alias=_name("title"), min_length=1, max_length=160)
    summary: Text = Field(alias=_name("summary"), default="", max_length=300)
    description: Text = Field(alias=_name("description"), default="", max_length=4000)
    location: Slug = Field(alias=_name("location_id"))
    programme: str = Field(alias=_name("programme"), default="sah")
    types: list[str] = Field(alias=_name("types"), min_length=1)
    needs: list[str] = Field(alias=_name("needs"), min_length=1)
    target_groups: list[str] = Field(alias=_name("target_groups"), default_factory=list)
    guidance: str = Field(alias=_name("guidance"))
    min_age: int | None = Field(alias=_name("min_age"), default=None, ge=0, le=125)
    max_age: int | None = Field(alias=_name("max_age"), default=None, ge=0, le=125)
    slots: list[str] = Field(alias=_name("slots"), default_factory=list)
    schedule_note: Text = Field(alias=_name("schedule_note"), default="", max_length=300)
    capacity: int = Field(alias=_name("capacity"), ge=0, le=10_000)
    free_places: int = Field(alias=_name("free_places"), ge=0, le=10_000)
    waiting_list: bool = Field(alias=_name("waiting_list"), default=False)
    cost: str = Field(alias=_name("cost"), default="gratis")
    cost_euro: Decimal | None = Field(
        alias=_name("cost_cents"), default=None, ge=0, le=1000, decimal_places=2
    )
    access_route: str = Field(alias=_name("access_route"))
    access_note: Text = Field(alias=_name("access_note"), default="", max_length=600)
    status: str = Field(alias=_name("status"), default="actief")
    #: Only in the seed file: the age of the example data, instead of a date.
    confirmed_days_ago: int | None = Field(
        alias="bevestigd_dagen_geleden", default=None, ge=0, le=10_000
    )
    confirmed_on: date | None = Field(alias=_name("confirmed_on"), default=None)

    @field_validator(*_CHOICES)
    @classmethod
    def _single_term(cls, value: str, info: Any) -> str:
        return _one_of(_CHOICES[info.field_name], value)  # type: ignore[arg-type]

    @field_validator(*_TERMS)
    @classmethod
    def _terms(cls, value: list[str], info: Any) -> list[str]:
        return _all_of(_TERMS[info.field_name], value)  # type: ignore[arg-type]

    @model_validator(mode="after")
    def _consistent(self) -> ActivityRecord:
        if self.free_places > self.capacity:
            raise ValueError("vrije_plekken mag niet meer zijn dan capaciteit")
        if self.min_age is not None and self.max_age is not None and self.max_age < self.min_age:
            raise ValueError("max_leeftijd mag niet lager zijn dan min_leeftijd")
        if self.cost == "eigen_bijdrage" and self.cost_euro is None:
            raise ValueError("geef eigen_bijdrage_euro bij kosten 'eigen_bijdrage'")
        if self.cost == "gratis" and self.cost_euro:
            raise ValueError("een gratis activiteit heeft geen eigen_bijdrage_euro")
        return self

    @property
    def cost_cents(self) -> int | None:
        return None if self.cost_euro is None else int(self.cost_euro * 100)


class OrganisationRecord(_Record):
    slug: Slug = Field(alias="sleutel")
    name: Text = Field(alias="naam", min_length=1, max_length=160)
    kind: str = Field(alias="soort")
    description: Text = Field(alias="beschrijving", default="", max_length=2000)
    website: Text = Field(alias="website", default="", max_length=300)
    phone: Text = Field(alias="telefoon", default="", max_length=40)
    email: Text = Field(alias="email", default="", max_length=200)
    locations: list[LocationRecord] = Field(alias="locaties", min_length=1)
    activities: list[ActivityRecord] = Field(alias="activiteiten", default_factory=list)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        return _one_of(ORGANISATION_KINDS, value)

    @field_validator("website")
    @classmethod
    def _website(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("een website begint met https://")
        return value

    @model_validator(mode="after")
    def _references(self) -> OrganisationRecord:
        _unique([loc.slug for loc in self.locations], "locatie")
        _unique([act.slug for act in self.activities], "activiteit")
        known = {loc.slug for loc in self.locations}
        for activity in self.activities:
            if activity.location not in known:
                raise ValueError(
                    f"activiteit '{activity.slug}' noemt locatie '{activity.location}', "
                    "maar die staat niet bij deze aanbieder"
                )
        return self


class CatalogueRecord(_Record):
    is_example: bool = Field(alias="voorbeelddata", default=False)
    note: Text = Field(alias="toelichting", default="")
    organisations: list[OrganisationRecord] = Field(alias="aanbieders")

    @model_validator(mode="after")
    def _unique_organisations(self) -> CatalogueRecord:
        _unique([org.slug for org in self.organisations], "aanbieder")
        return self


def _unique(slugs: list[str], what: str) -> None:
    seen: set[str] = set()
    for slug in slugs:
        if slug in seen:
            raise ValueError(f"{what} '{slug}' staat er twee keer in")
        seen.add(slug)


_MESSAGES = {
    "missing": "ontbreekt",
    "int_parsing": "moet een heel getal zijn",
    "int_type": "moet een heel getal zijn",
    "int_from_float": "moet een heel getal zijn",
    "float_parsing": "moet een getal zijn",
    "float_type": "moet een getal zijn",
    "decimal_parsing": "moet een bedrag zijn, zoals 2.50",
    "decimal_max_places": "mag hoogstens 2 cijfers achter de komma hebben",
    "bool_parsing": "moet ja of nee zijn",
    "bool_type": "moet ja of nee zijn",
    "string_type": "moet tekst zijn",
    "list_type": "moet een lijst zijn",
    "date_from_datetime_parsing": "moet een datum zijn, zoals 2026-03-31",
    "date_parsing": "moet een datum zijn, zoals 2026-03-31",
    "date_type": "moet een datum zijn, zoals 2026-03-31",
    "extra_forbidden": "is geen bekend veld",
    "string_pattern_mismatch": "mag alleen kleine letters, cijfers en streepjes bevatten",
}


def dutch_errors(error: ValidationError) -> list[tuple[str, str]]:
    """Return ``(field path, Dutch message)`` pairs for a pydantic validation error."""
    result = []
    for item in error.errors(include_url=False):
        path = ".".join(str(part) for part in item["loc"])
        kind = item["type"]
        ctx = item.get("ctx") or {}
        if kind == "value_error":
            message = str(ctx.get("error", item["msg"]))
        elif kind == "string_too_short":
            message = "mag niet leeg zijn"
        elif kind == "string_too_long":
            message = f"is te lang (hoogstens {ctx.get('max_length')} tekens)"
        elif kind == "too_short":
            message = "noem er minstens één"
        elif kind in ("greater_than_equal", "greater_than"):
            message = f"moet minstens {ctx.get('ge', ctx.get('gt'))} zijn"
        elif kind in ("less_than_equal", "less_than"):
            message = f"mag hoogstens {ctx.get('le', ctx.get('lt'))} zijn"
        else:
            message = _MESSAGES.get(kind, "klopt niet")
        result.append((path, message))
    return result


# --- The write API's PATCH body -----------------------------------------------------------------

#: The reason given for a patchable field with a value of the wrong type or range.
PATCH_REASONS = {
    "vrije_plekken": "Een heel getal van 0 of meer.",
    "status": "Kies actief of gepauzeerd.",
    "wachtlijst": "Gebruik true of false.",
}


class ActivityPatch(BaseModel):
    """What a provider's own system may change: free places, status and waiting list.

    Strict JSON types (``"3"``, ``true`` and ``2.0`` are not a whole number); a field that is sent
    must have a value (null is refused); a field that is not sent stays None and is not changed.
    The free places are checked against the capacity given as validation context.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    vrije_plekken: int = Field(default=None, ge=0)  # type: ignore[assignment]
    status: Literal["actief", "gepauzeerd"] = None  # type: ignore[assignment]
    wachtlijst: bool = None  # type: ignore[assignment]

    @field_validator("vrije_plekken")
    @classmethod
    def _within_capacity(cls, value: int, info: ValidationInfo) -> int:
        capacity = (info.context or {}).get("capacity")
        if capacity is not None and value > capacity:
            raise ValueError(f"Hoogstens {capacity}, het aantal plekken.")
        return value


def parse_activity_patch(body: Mapping[str, Any], capacity: int) -> ActivityPatch:
    """Return the checked PATCH body, or raise InvalidInput (422) with a Dutch reason per field.

    Fields that cannot be changed come first, in the order sent, then the patchable ones.
    """
    try:
        return ActivityPatch.model_validate(body, context={"capacity": capacity})
    except ValidationError as error:
        fixed: dict[str, str] = {}
        wrong: dict[str, str] = {}
        for item in error.errors(include_url=False):
            name = str(item["loc"][0])
            if item["type"] == "extra_forbidden":
                fixed[name] = "Dit veld kan hier niet gewijzigd worden."
            elif item["type"] == "value_error":
                wrong[name] = str((item.get("ctx") or {}).get("error", item["msg"]))
            else:
                wrong[name] = PATCH_REASONS[name]
        ordered = {name: wrong[name] for name in PATCH_REASONS if name in wrong}
        raise InvalidInput(fixed | ordered, status=422) from None
