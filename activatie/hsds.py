"""The catalogue as Open Referral HSDS 3.0 records (pure).

Mapping: organisation -> ``organization`` (+ ``phones``, ``contacts``, ``funding`` for the SAH
subsidy, ``programs`` for SAH and inclusief sporten); activity -> ``service`` (``schedules`` from
its weekly slots, ``cost_options``, ages, ``application_process``, ``assured_date``,
``eligibility_description``, ``status``, and 3.1's ``capacities`` for free and total places);
location -> ``location`` + ``address`` + ``accessibility``; needs, activity types, target groups,
guidance and accessibility -> ``attributes`` pointing at our vocabulary, published as
``taxonomies`` and ``taxonomy_terms``.

Every id is a UUID 5 of our stable keys (``sleutel``), so it is the same in every export.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .models import Activity, Location, Organisation
from .vocabulary import (
    ACCESS_ROUTES,
    ACCESSIBILITY,
    ACTIVITY_TYPES,
    GUIDANCE,
    NEEDS,
    PROGRAMMES,
    SLOTS,
    TARGET_GROUPS,
    Vocabulary,
)

HSDS_VERSION = "3.0"
#: The namespace of every id we publish; never change it, or every consumer's links break.
NAMESPACE = uuid.UUID("6f0b7c43-3f5e-5d8e-9a61-0c2d5a7e1193")
PUBLISHER = "Gemeente Zwolle"

#: Each published vocabulary, the HSDS ``link_type`` of its attributes and what it describes.
TAXONOMIES: dict[str, tuple[Vocabulary, str, str]] = {
    "behoeften": (NEEDS, "service", "Behoeften (doelen) waar een activiteit bij past."),
    "soorten": (ACTIVITY_TYPES, "service", "Soorten activiteit."),
    "doelgroepen": (TARGET_GROUPS, "service", "Voor wie een activiteit bedoeld is."),
    "begeleiding": (GUIDANCE, "service", "Hoeveel begeleiding er is."),
    "toegankelijkheid": (ACCESSIBILITY, "location", "Toegankelijkheid van een locatie."),
}

PROGRAMME_DESCRIPTIONS = {
    "sah": "Algemene voorziening (Wmo 2015) voor inwoners van Zwolle van 18 jaar tot de "
    "AOW-leeftijd: een zinvolle daginvulling dichtbij huis, met een beetje begeleiding.",
    "inclusief_sporten": "Zwolle steunt sportverenigingen zodat kinderen die wat extra aandacht "
    "nodig hebben mee kunnen doen.",
}
SAH_FUNDING = "Gemeente Zwolle, Subsidieregeling Sociale Activatie en Herstel"
SAH_ELIGIBILITY = (
    "Voor inwoners van Zwolle van 18 jaar tot de AOW-leeftijd die herstellen van een lichamelijke "
    "of psychische oorzaak, of leven met een psychische kwetsbaarheid, gedragsproblemen, NAH, "
    "autisme of een licht verstandelijke beperking, en moeilijk zelf zinvol contact of een "
    "zinvolle daginvulling vinden."
)
#: The hours of each day part (domain.md: ochtend 9-12, middag 13-17, avond 18-22).
PART_HOURS = {
    "ochtend": ("09:00", "12:00"),
    "middag": ("13:00", "17:00"),
    "avond": ("18:00", "22:00"),
}
HSDS_DAYS = {"ma": "MO", "di": "TU", "wo": "WE", "do": "TH", "vr": "FR", "za": "SA", "zo": "SU"}
STATUSES = {"actief": "active", "gepauzeerd": "temporarily closed", "beeindigd": "defunct"}
PLACES_UNIT = "plekken"


def uid(kind: str, *keys: str) -> str:
    """Return the stable id of a record of ``kind`` named by our ``keys``."""
    return str(uuid.uuid5(NAMESPACE, "/".join((kind, *keys))))


def _organisation_key(org: Organisation) -> tuple[str]:
    return (org.slug,)


def _location_key(location: Location) -> tuple[str, str]:
    return (location.organisation.slug, location.slug)


def _activity_key(activity: Activity) -> tuple[str, str]:
    return (activity.organisation.slug, activity.slug)


def organisation_id(org: Organisation) -> str:
    return uid("organization", *_organisation_key(org))


def location_id(location: Location) -> str:
    return uid("location", *_location_key(location))


def service_id(activity: Activity) -> str:
    return uid("service", *_activity_key(activity))


def program_id(org: Organisation, programme: str) -> str:
    return uid("program", org.slug, programme)


def taxonomy_id(name: str) -> str:
    return uid("taxonomy", name)


def term_id(taxonomy: str, key: str) -> str:
    return uid("taxonomy_term", taxonomy, key)


def _timestamp(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty optional values: HSDS checks formats (e-mail, uri) of what is there."""
    return {k: v for k, v in record.items() if v not in ("", None)}


# --- vocabulary --------------------------------------------------------------------------------


def taxonomy(name: str, base_url: str = "") -> dict[str, Any]:
    vocabulary, _, description = TAXONOMIES[name]
    return _compact(
        {
            "id": taxonomy_id(name),
            "name": vocabulary.label,
            "description": description,
            "uri": f"{base_url}/api/v1/waardelijsten" if base_url else "",
            "version": "1",
        }
    )


def taxonomy_term(name: str, key: str) -> dict[str, Any]:
    vocabulary = TAXONOMIES[name][0]
    return {
        "id": term_id(name, key),
        "code": key,
        "name": vocabulary.label_of(key),
        "description": f"{vocabulary.label}: {vocabulary.label_of(key)}",
        "taxonomy": name,
        "taxonomy_id": taxonomy_id(name),
        "language": "nl",
    }


def _attributes(
    link_id: str, link_entity: str, terms: Iterable[tuple[str, str]]
) -> list[dict[str, Any]]:
    return [
        {
            "id": uid("attribute", link_id, name, key),
            "link_id": link_id,
            "link_type": name,
            "link_entity": link_entity,
            "taxonomy_term_id": term_id(name, key),
            "value": key,
            "taxonomy_term": taxonomy_term(name, key),
        }
        for name, key in terms
    ]


# --- records -----------------------------------------------------------------------------------


def address(location: Location) -> dict[str, Any]:
    own = location_id(location)
    return _compact(
        {
            "id": uid("address", own),
            "location_id": own,
            "address_1": f"{location.street} {location.house_number}".strip(),
            "city": location.city,
            "region": location.district,
            "state_province": "Overijssel",
            "postal_code": location.postcode,
            "country": "NL",
            "address_type": "physical",
        }
    )


def location(loc: Location) -> dict[str, Any]:
    own = location_id(loc)
    features = sorted(loc.accessibility, key=ACCESSIBILITY.index)
    return _compact(
        {
            "id": own,
            "location_type": "physical",
            "organization_id": organisation_id(loc.organisation),
            "name": loc.name,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "addresses": [address(loc)],
            "accessibility": [
                {
                    "id": uid("accessibility", own, key),
                    "location_id": own,
                    "description": ACCESSIBILITY.label_of(key),
                    "details": key,
                }
                for key in features
            ],
            "attributes": _attributes(own, "location", (("toegankelijkheid", k) for k in features)),
        }
    )


def schedules(activity: Activity) -> list[dict[str, Any]]:
    """Return one weekly schedule per slot (``di_ochtend``), or the schedule in words alone."""
    own = service_id(activity)
    note = activity.schedule_note
    found = []
    for slot in sorted(activity.slots, key=SLOTS.index):
        day, part = slot.split("_", 1)
        opens, closes = PART_HOURS[part]
        found.append(
            _compact(
                {
                    "id": uid("schedule", own, slot),
                    "service_id": own,
                    "freq": "WEEKLY",
                    "wkst": "MO",
                    "byday": HSDS_DAYS[day],
                    "opens_at": opens,
                    "closes_at": closes,
                    "description": f"{SLOTS.label_of(slot)}, {opens}-{closes} uur",
                    "notes": note,
                    "attending_type": "in_person",
                }
            )
        )
    if not found and note:
        found.append({"id": uid("schedule", own, "tekst"), "service_id": own, "notes": note})
    return found


def cost_options(activity: Activity) -> list[dict[str, Any]]:
    own = service_id(activity)
    free = activity.cost != "eigen_bijdrage" or activity.cost_cents is None
    return [
        {
            "id": uid("cost_option", own),
            "service_id": own,
            "option": "gratis" if free else "eigen bijdrage",
            "currency": "EUR",
            "amount": 0 if free else activity.cost_cents / 100,  # type: ignore[operator]
            "amount_description": "Gratis." if free else "Kleine eigen bijdrage per keer.",
        }
    ]


def capacities(activity: Activity) -> list[dict[str, Any]]:
    """Return free and total places as HSDS 3.1's ``service_capacity``."""
    own = service_id(activity)
    return [
        {
            "id": uid("service_capacity", own),
            "service_id": own,
            "unit": {"id": uid("unit", PLACES_UNIT), "name": PLACES_UNIT, "scheme": "activatie"},
            "unit_id": uid("unit", PLACES_UNIT),
            "available": activity.free_places,
            "maximum": activity.capacity,
            "description": "Vrije plekken"
            + (" (er is een wachtlijst)" if activity.waiting_list else ""),
            "updated": _timestamp(activity.updated_at),
        }
    ]


def _application_process(activity: Activity) -> str:
    how = ACCESS_ROUTES.label_of(activity.access_route)
    return f"{how[:1].upper()}{how[1:]}. {activity.access_note}".strip()


def _eligibility(activity: Activity) -> str:
    if activity.programme == "sah":
        return SAH_ELIGIBILITY
    low, high = activity.min_age, activity.max_age
    ages = f" van {low} tot en met {high} jaar" if low is not None and high is not None else ""
    return f"Voor kinderen{ages} die wat extra aandacht nodig hebben."


def service(activity: Activity, base_url: str = "") -> dict[str, Any]:
    own = service_id(activity)
    org = activity.organisation
    terms = [
        (name, key)
        for name in ("behoeften", "soorten", "doelgroepen")
        for key in sorted(activity.facet(name), key=TAXONOMIES[name][0].index)
    ] + [("begeleiding", activity.guidance)]
    return _compact(
        {
            "id": own,
            "organization_id": organisation_id(org),
            "program_id": program_id(org, activity.programme),
            "name": activity.title,
            "alternate_name": activity.summary,
            "description": activity.description or activity.summary,
            "url": f"{base_url}/activiteiten/{activity.id}" if base_url else "",
            "status": STATUSES.get(activity.status, "inactive"),
            "application_process": _application_process(activity),
            "fees_description": "Gratis."
            if activity.cost != "eigen_bijdrage"
            else "Kleine eigen bijdrage.",
            "wait_time": "Er is een wachtlijst." if activity.waiting_list else "",
            "eligibility_description": _eligibility(activity),
            "minimum_age": activity.min_age,
            "maximum_age": activity.max_age,
            "assured_date": activity.confirmed_on.isoformat(),
            "last_modified": _timestamp(activity.updated_at),
            "schedules": schedules(activity),
            "cost_options": cost_options(activity),
            "capacities": capacities(activity),
            "service_at_locations": [service_at_location(activity, nested=False)],
            "attributes": _attributes(own, "service", terms),
        }
    )


def service_at_location(activity: Activity, *, nested: bool = True) -> dict[str, Any]:
    own, place = service_id(activity), location_id(activity.location)
    record: dict[str, Any] = {
        "id": uid("service_at_location", own, place),
        "service_id": own,
        "location_id": place,
    }
    if nested:
        record["location"] = location(activity.location)
    return record


def organisation(
    org: Organisation, programmes: Iterable[str], base_url: str = ""
) -> dict[str, Any]:
    own = organisation_id(org)
    programmes = sorted(set(programmes), key=PROGRAMMES.index)
    return _compact(
        {
            "id": own,
            "name": org.name,
            "description": org.description or org.name,
            "email": org.email,
            "website": org.website,
            "uri": f"{base_url}/aanbieders/{org.id}" if base_url else "",
            "phones": [{"id": uid("phone", own), "organization_id": own, "number": org.phone}]
            if org.phone
            else [],
            "contacts": [
                {"id": uid("contact", own), "organization_id": own, "name": org.name}
                | ({"email": org.email} if org.email else {})
            ],
            "funding": [
                {"id": uid("funding", own, "sah"), "organization_id": own, "source": SAH_FUNDING}
            ]
            if "sah" in programmes
            else [],
            "programs": [
                {
                    "id": program_id(org, key),
                    "organization_id": own,
                    "name": PROGRAMMES.label_of(key),
                    "description": PROGRAMME_DESCRIPTIONS.get(key, PROGRAMMES.label_of(key)),
                }
                for key in programmes
            ],
        }
    )


# --- the whole feed ----------------------------------------------------------------------------


@dataclass
class Feed:
    """Every HSDS table of a catalogue, each a list of records in a stable order."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def find(self, table: str, record_id: str) -> dict[str, Any] | None:
        return next((r for r in self.tables.get(table, []) if r["id"] == record_id), None)


TABLES = (
    "organizations",
    "services",
    "locations",
    "service_at_locations",
    "taxonomies",
    "taxonomy_terms",
)


def feed(activities: Iterable[Activity], base_url: str = "") -> Feed:
    """Return the HSDS records of ``activities`` (already filtered to what may be published)."""
    activities = sorted(activities, key=_activity_key)
    programmes: dict[int, set[str]] = {}
    organisations: dict[int, Organisation] = {}
    locations: dict[int, Location] = {}
    for activity in activities:
        organisations[activity.organisation_id] = activity.organisation
        programmes.setdefault(activity.organisation_id, set()).add(activity.programme)
        locations[activity.location_id] = activity.location
    return Feed(
        {
            "organizations": [
                organisation(org, programmes[org_id], base_url)
                for org_id, org in sorted(organisations.items(), key=lambda i: i[1].slug)
            ],
            "services": [service(a, base_url) for a in activities],
            "locations": [location(loc) for loc in sorted(locations.values(), key=_location_key)],
            "service_at_locations": [service_at_location(a) for a in activities],
            "taxonomies": [taxonomy(name, base_url) for name in TAXONOMIES],
            "taxonomy_terms": [
                taxonomy_term(name, term.key)
                for name, (vocabulary, _, _) in TAXONOMIES.items()
                for term in vocabulary
            ],
        }
    )


def page(records: list[dict[str, Any]], number: int, size: int) -> dict[str, Any]:
    """Return one page as HSDS's API reference describes it (``Page`` + ``contents``)."""
    total = len(records)
    pages = max(1, -(-total // size))
    contents = records[(number - 1) * size : number * size]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": not contents,
        "contents": contents,
    }
