"""The OpenAPI 3.1 document of ``/api/v1`` (pure): what consumers build on, linted and fuzzed.

Built as a dict from the same vocabularies the API checks against, so the enums cannot drift,
and the activity object from the field registry (``activity_fields``) the API writes it from.
``tests/http/test_openapi.py`` checks that every API route is documented and every documented path
exists, and validates real responses against these schemas; ``make lint-api`` runs the NL API
Design Rules (Spectral) over it and ``make fuzz-api`` fuzzes the app against it (schemathesis).
Response objects allow extra properties, so adding a field is not a breaking change.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

from .activity_fields import CHOICE, DATE, FLAG, MOMENT, MONEY, TERMS, ActivityField, api_fields
from .activity_fields import NUMBER as NUMBER_KIND
from .filters import ACTIVITY_PARAMS, MAX_AGE, MAX_DISTANCE_KM
from .intake import MAX_MATCH_LIMIT
from .params import camel
from .vocabulary import (
    ACCESSIBILITY,
    ACTIVITY_TYPES,
    DAY_PARTS,
    DAYS,
    GUIDANCE,
    NEEDS,
    ORGANISATION_KINDS,
    PROGRAMMES,
    SLOTS,
    TARGET_GROUPS,
    TRAVEL_MODES,
    Vocabulary,
)

#: The API's version (semver); also the ``API-Version`` header of every answer.
VERSION = "1.1.0"
#: RFC 9745 ``Deprecation`` value for the snake_case query keys and GET matches with a birth date:
#: deprecated since 27 November 2026 (release 1.1.0); they go in 2.0.0.
DEPRECATED_SINCE = "@1795737600"

#: The contact the document names unless ``API_CONTACT`` is configured: the e-mail address is a
#: placeholder (``voorbeeld.nl``, like the example data) until the gemeente names a real one.
CONTACT = {
    "name": "Gemeente Zwolle, Activatie",
    "url": "https://www.zwolle.nl",
    "email": "api@voorbeeld.nl",
}

SCHEMA = "#/components/schemas/"
PARAMETER = "#/components/parameters/"
RESPONSE = "#/components/responses/"


def ref(name: str) -> dict[str, str]:
    return {"$ref": SCHEMA + name}


def keys(vocabulary: Vocabulary) -> dict[str, Any]:
    return {"type": "string", "enum": list(vocabulary.keys)}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict:
    body: dict[str, Any] = {"type": "object", "properties": properties, **extra}
    if required:
        body["required"] = required
    return body


def text(description: str = "", **extra: Any) -> dict[str, Any]:
    return {"type": "string", **({"description": description} if description else {}), **extra}


# --- parameters --------------------------------------------------------------------------------


def query(
    name: str, schema: dict[str, Any], description: str, *, example: Any = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **extra,
    }
    if example is not None:
        body["example"] = example
    return body


def listing(vocabulary: Vocabulary, description: str, example: list[str]) -> dict[str, Any]:
    """A list parameter: repeated (``soorten=groen&soorten=dieren``) or comma-separated."""
    return {
        "schema": {"type": "array", "items": keys(vocabulary), "maxItems": 20},
        "description": f"{description} Herhaal de parameter of scheid met komma's.",
        "style": "form",
        "explode": True,
        "example": example,
    }


def _list_param(name: str, vocabulary: Vocabulary, description: str, example: list[str]) -> dict:
    spec = listing(vocabulary, description, example)
    return query(name, spec.pop("schema"), spec.pop("description"), **spec)


NUMBER = {"type": "number"}
POSTCODE = {"type": "string", "pattern": "^[1-9][0-9]{3} ?([A-Za-z]{2})?$", "examples": ["8011"]}
BIRTH_DATE = {
    "type": "string",
    "pattern": "^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}-[0-9]{1,2}-[0-9]{4})$",
    "examples": ["1980-12-31"],
}
WHOLE = {"type": "integer"}
YES_NO = {"type": "boolean"}

PARAMETERS: dict[str, dict[str, Any]] = {
    "q": query("q", text(maxLength=100), "Zoek in titel, samenvatting en beschrijving."),
    "soorten": _list_param("soorten", ACTIVITY_TYPES, "Soorten activiteit.", ["groen"]),
    "behoeften": _list_param("behoeften", NEEDS, "Behoeften (doelen).", ["sociale_contacten"]),
    "doelgroepen": _list_param(
        "doelgroepen",
        TARGET_GROUPS,
        "Voor wie (optioneel; komt met release 1.2 van het zoeken en matchen).",
        ["psychisch"],
    ),
    "dagen": _list_param("dagen", DAYS, "Dagen van de week.", ["di"]),
    "dagdelen": query(
        "dagdelen",
        {
            "type": "array",
            "items": {"type": "string", "enum": [*DAY_PARTS.keys, *SLOTS.keys]},
            "maxItems": 30,
        },
        "Dagdelen (`ochtend`) of vaste momenten in de week (`di_ochtend`).",
        style="form",
        explode=True,
        example=["di_ochtend"],
    ),
    "toegankelijkheid": _list_param(
        "toegankelijkheid", ACCESSIBILITY, "Alle genoemde wensen moeten kloppen.", ["rolstoel"]
    ),
    "alleenVrijePlekken": query(
        "alleenVrijePlekken", YES_NO, "Alleen activiteiten met een vrije plek.", example=True
    ),
    "leeftijd": query(
        "leeftijd", {**WHOLE, "minimum": 0, "maximum": MAX_AGE}, "Leeftijd in jaren.", example=40
    ),
    "programma": query("programma", keys(PROGRAMMES), "Programma.", example="sah"),
    "postcode": query(
        "postcode",
        POSTCODE,
        "Postcode, `8011` of `8011 AB`; de resultaten staan dan dichtstbij eerst.",
        example="8011",
    ),
    "maxAfstandKm": query(
        "maxAfstandKm",
        {**NUMBER, "minimum": 0, "maximum": MAX_DISTANCE_KM},
        "Hemelsbrede afstand in km (alleen met `postcode`).",
        example=5,
    ),
    "pagina": query("pagina", {**WHOLE, "minimum": 1}, "Paginanummer, vanaf 1.", example=1),
}

MATCH_FIELDS: dict[str, tuple[dict[str, Any], str]] = {
    "postcode": (POSTCODE, "Postcode van de inwoner, `8011` of `8011 AB`."),
    "geboortedatum": (
        BIRTH_DATE,
        "Geboortedatum, `1980-12-31` of `31-12-1980` (of geef `leeftijd`).",
    ),
    "leeftijd": ({**WHOLE, "minimum": 0, "maximum": MAX_AGE}, "Leeftijd in jaren."),
    "behoeften": (
        {"type": "array", "items": keys(NEEDS), "maxItems": 20},
        "Behoeften (doelen) van de inwoner.",
    ),
    "interesses": (
        {"type": "array", "items": keys(ACTIVITY_TYPES), "maxItems": 20},
        "Soorten activiteit die de inwoner leuk vindt.",
    ),
    "doelgroepen": (
        {"type": "array", "items": keys(TARGET_GROUPS), "maxItems": 20},
        "Waar de begeleiding rekening mee moet houden (NAH, autisme, ...); optioneel. Plekken "
        "met ervaring hierin komen hoger; andere vallen niet af.",
    ),
    "dagdelen": (
        {"type": "array", "items": keys(SLOTS), "maxItems": 30},
        "Momenten waarop de inwoner kan, zoals `di_ochtend`.",
    ),
    "vervoer": (keys(TRAVEL_MODES), "Hoe de inwoner reist; standaard `fiets`."),
    "maxAfstandKm": ({**NUMBER, "minimum": 0, "maximum": 200}, "Hoogstens zoveel km."),
    "maxMinuten": ({**WHOLE, "minimum": 1, "maximum": 240}, "Hoogstens zoveel minuten reizen."),
    "begeleiding": (keys(GUIDANCE), "Hoeveel begeleiding de inwoner nodig heeft."),
    "toegankelijkheid": (
        {"type": "array", "items": keys(ACCESSIBILITY), "maxItems": 10},
        "Wensen voor de locatie; alle moeten kloppen.",
    ),
    "alleenGratis": (YES_NO, "Alleen gratis activiteiten."),
    "ookVol": (YES_NO, "Ook volle activiteiten met een wachtlijst."),
    "ookZelfstandig": (
        YES_NO,
        "Bij `begeleiding=licht`: ook zelfstandig werk met een vast aanspreekpunt (de consulent "
        "heeft dat besproken). Bij `intensief` nooit minder begeleiding.",
    ),
    "limiet": (
        {**WHOLE, "minimum": 1, "maximum": MAX_MATCH_LIMIT},
        f"Hoeveel van de beste matches (1-{MAX_MATCH_LIMIT}, standaard 50).",
    ),
}


def match_query_parameters() -> list[dict[str, Any]]:
    params = []
    for name, (schema, description) in MATCH_FIELDS.items():
        extra: dict[str, Any] = {}
        if schema.get("type") == "array":
            extra = {"style": "form", "explode": True}
            description += " Herhaal de parameter of scheid met komma's."
        if name == "geboortedatum":
            extra["deprecated"] = True
            description += " Verouderd in de URL: stuur een geboortedatum met `POST /matches`."
        params.append(query(name, schema, description, **extra))
    return params


# --- schemas -----------------------------------------------------------------------------------

LINK = obj(
    {"href": text("Pad van de gekoppelde bron.")},
    ["href"],
    example={"href": "/api/v1/activiteiten/12"},
)
LINKS = obj(
    {"self": ref("Link"), "next": ref("Link"), "prev": ref("Link"), "html": ref("Link")},
    ["self"],
)


def field_schema(field: ActivityField) -> dict[str, Any]:
    """Return the schema of one field of the activity object, by its kind (``activity_fields``)."""
    if field.kind == TERMS:
        return {"type": "array", "items": keys(field.vocabulary)}  # type: ignore[arg-type]
    if field.kind == CHOICE:
        schema = keys(field.vocabulary)  # type: ignore[arg-type]
    elif field.kind == NUMBER_KIND:
        schema = WHOLE
    elif field.kind == FLAG:
        schema = YES_NO
    elif field.kind == MONEY:
        schema = NUMBER
    elif field.kind == MOMENT:
        schema = text(field.api_description, format="date-time")
    elif field.kind == DATE:
        schema = text(field.api_description, format="date")
    else:
        schema = text(field.api_description)
    return nullable(schema) if field.optional else schema


def schemas() -> dict[str, Any]:
    location = obj(
        {
            "naam": text(),
            "straat": text(),
            "huisnummer": text(),
            "postcode": text(),
            "plaats": text(),
            "wijk": nullable(text()),
            "latitude": NUMBER,
            "longitude": NUMBER,
            "toegankelijkheid": {"type": "array", "items": keys(ACCESSIBILITY)},
        },
        ["naam", "straat", "postcode", "plaats", "latitude", "longitude", "toegankelijkheid"],
    )
    brief_provider = obj(
        {"id": WHOLE, "naam": text(), "_links": ref("Links")}, ["id", "naam", "_links"]
    )
    nested = {"organisation_id": brief_provider, "location_id": ref("Locatie")}
    fields = api_fields()
    activity = obj(
        {
            **{f.api: nested.get(f.attr) or field_schema(f) for f in fields},  # type: ignore[misc]
            "laatst_gecontroleerd": text(
                "Laatste controle van de gegevens door de aanbieder.", format="date"
            ),
            "verouderd": {
                "type": "boolean",
                "description": "Langer dan 90 dagen niet gecontroleerd: 'Niet recent "
                "gecontroleerd'. Na 180 dagen staat de activiteit niet meer in de API.",
            },
            "afstand_km": {**NUMBER, "description": "Alleen bij zoeken met `postcode`."},
            "_links": ref("Links"),
        },
        [*(f.api for f in fields if f.api_required), "_links"],  # type: ignore[misc]
    )
    provider = obj(
        {
            "id": WHOLE,
            "naam": text(),
            "soort": keys(ORGANISATION_KINDS),
            "beschrijving": text(),
            "website": text(),
            "telefoon": text(),
            "email": text(),
            "voorbeelddata": {"type": "boolean", "description": "Verzonnen voorbeeldgegevens."},
            "locaties": {"type": "array", "items": ref("Locatie")},
            "aantal_activiteiten": WHOLE,
            "activiteiten": {"type": "array", "items": ref("Activiteit")},
            "_links": ref("Links"),
        },
        ["id", "naam", "soort", "locaties", "_links"],
    )
    paging = obj(
        {
            "pagina": {**WHOLE, "minimum": 1},
            "per_pagina": {**WHOLE, "minimum": 1},
            "totaal": {**WHOLE, "minimum": 0},
            "paginas": {**WHOLE, "minimum": 1},
            "totaal_is_minimum": {
                "type": "boolean",
                "description": "Alleen bij heel veel resultaten: er zijn er meer dan 'totaal' "
                "(er wordt tot 1000 geteld, of tot het eind van de gevraagde pagina), en "
                "'paginas' is het minimum.",
            },
        },
        ["pagina", "per_pagina", "totaal", "paginas"],
        example={"pagina": 2, "per_pagina": 20, "totaal": 47, "paginas": 3},
    )
    brief_activity = obj(
        {
            "id": WHOLE,
            "titel": text(),
            "aanbieder": text(),
            "vrije_plekken": WHOLE,
            "_links": ref("Links"),
        },
        ["id", "titel", "_links"],
    )
    match = obj(
        {
            "activiteit": ref("ActiviteitKort"),
            "score": NUMBER,
            "afstand_km": NUMBER,
            "reistijd_minuten": nullable(NUMBER),
            "past_bij": {"type": "array", "items": text()},
            "redenen": {"type": "array", "items": text()},
        },
        ["activiteit", "score", "afstand_km"],
    )
    near_miss = obj(
        {
            "activiteit": ref("ActiviteitKort"),
            "regel": text("De regel die deze activiteit uitsloot."),
            "reden": text(),
            "afstand_km": NUMBER,
        },
        ["activiteit", "regel", "reden"],
    )
    signpost = obj(
        {
            "sleutel": text(
                "goede_dagen, perspectief, wijkteam, tiem, jeugd, jeugdfonds of samen_zwolle."
            ),
            "naam": text(),
            "waarvoor": text(),
            "voor_wie": text(),
            "tekst": text("Wat we de inwoner vertellen."),
            "telefoon": nullable(text()),
            "website": nullable(text()),
            "adres": nullable(text()),
            "voorbeelddata": {"type": "boolean"},
        },
        ["sleutel", "naam", "tekst"],
        example={
            "sleutel": "samen_zwolle",
            "naam": "Samen Zwolle",
            "waarvoor": "Alle activiteiten, clubs en hulp in de stad op één plek.",
            "voor_wie": "Alle inwoners van Zwolle.",
            "tekst": "Op Samen Zwolle vindt u nog veel meer om te doen in de stad.",
            "telefoon": None,
            "website": "https://www.samenzwolle.nl",
            "adres": None,
            "voorbeelddata": True,
        },
    )
    result = obj(
        {
            "max_afstand_km": NUMBER,
            "verwijzingen": {
                "type": "array",
                "items": ref("Verwijzing"),
                "description": "Andere voorzieningen die beter passen (Goede dagen, ...).",
            },
            "aow_datum": nullable(
                text("De AOW-datum, als die binnen zes maanden valt (met geboortedatum).")
            ),
            "dagen_tot_aow": nullable({**WHOLE, "description": "Dagen tot die AOW-datum."}),
            "aow_melding": nullable(text("Wat we de inwoner daarover vertellen.")),
            "totaal": {**WHOLE, "minimum": 0},
            "matches": {"type": "array", "items": ref("Match")},
            "bijna_passend": {"type": "array", "items": ref("BijnaPassend")},
        },
        ["totaal", "matches", "bijna_passend"],
    )
    match_request = obj(
        {name: {**schema, "description": d} for name, (schema, d) in MATCH_FIELDS.items()},
        ["postcode"],
        additionalProperties=False,
        anyOf=[{"required": ["leeftijd"]}, {"required": ["geboortedatum"]}],
        description="Geef `leeftijd` of `geboortedatum`.",
        example={"postcode": "8011", "geboortedatum": "1980-12-31", "behoeften": ["herstel"]},
    )
    term = obj({"sleutel": text(), "naam": text()}, ["sleutel", "naam"])
    vocabularies = obj(
        {},
        description="Elke waardelijst: sleutels en Nederlandse namen.",
        additionalProperties={"type": "array", "items": ref("Term")},
    )
    change = obj(
        {
            "vrije_plekken": {**WHOLE, "minimum": 0},
            "status": {"type": "string", "enum": ["actief", "gepauzeerd"]},
            "wachtlijst": YES_NO,
        },
        additionalProperties=False,
        minProperties=1,
        example={"vrije_plekken": 3},
    )
    problem = obj(
        {
            "type": text(format="uri-reference"),
            "title": text(),
            "status": {**WHOLE, "minimum": 100, "maximum": 599},
            "detail": text(),
            "invalid_params": {
                "type": "array",
                "items": obj({"name": text(), "reason": text()}, ["name", "reason"]),
            },
        },
        ["title", "status"],
        description="RFC 9457 problem details, in het Nederlands.",
        example={
            "type": "about:blank",
            "title": "Dat klopt niet helemaal",
            "status": 400,
            "detail": "Een of meer parameters kloppen niet.",
            "invalid_params": [
                {"name": "maxAfstandKm", "reason": "De afstand moet 0 of meer zijn."}
            ],
        },
    )
    return {
        "Link": LINK,
        "Links": LINKS,
        "Paginering": paging,
        "Locatie": location,
        "Activiteit": activity,
        "ActiviteitLijst": obj(
            {
                "_links": ref("Links"),
                "paginering": ref("Paginering"),
                "activiteiten": {"type": "array", "items": ref("Activiteit")},
            },
            ["_links", "paginering", "activiteiten"],
        ),
        "Aanbieder": provider,
        "AanbiederLijst": obj(
            {
                "_links": ref("Links"),
                "paginering": ref("Paginering"),
                "aanbieders": {"type": "array", "items": ref("Aanbieder")},
            },
            ["_links", "paginering", "aanbieders"],
        ),
        "ActiviteitKort": brief_activity,
        "Match": match,
        "BijnaPassend": near_miss,
        "Verwijzing": signpost,
        "MatchResultaat": result,
        "MatchVraag": match_request,
        "Term": term,
        "Waardelijsten": vocabularies,
        "ActiviteitWijziging": change,
        "Probleem": problem,
    }


# --- responses and operations --------------------------------------------------------------------

VERSION_HEADER = {
    "description": "De volledige versie van de API (semver).",
    "required": True,
    "schema": {"type": "string", "example": VERSION},
}
DEPRECATION_HEADER = {
    "description": "Alleen als u een verouderde parameter gebruikte (RFC 9745).",
    "schema": {"type": "string"},
}


def ok(description: str, schema: dict[str, Any], media: str = "application/json") -> dict:
    return {
        "description": description,
        "headers": {"API-Version": VERSION_HEADER, "Deprecation": DEPRECATION_HEADER},
        "content": {media: {"schema": schema}},
    }


def error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"API-Version": VERSION_HEADER},
        "content": {"application/problem+json": {"schema": ref("Probleem")}},
    }


ERRORS = {
    "400": "De vraag klopt niet; `invalid_params` noemt elke verkeerde parameter.",
    "401": "Geen of een ongeldige API-sleutel.",
    "404": "Bestaat niet (meer).",
    "409": "Iemand anders was u voor; haal de activiteit opnieuw op.",
    "412": "De activiteit is gewijzigd sinds u hem ophaalde (If-Match).",
    "413": "De vraag is te groot.",
    "415": "Stuur JSON.",
    "422": "De vraag is goed geschreven maar kan niet: bijvoorbeeld een onbekende postcode.",
    "428": "Stuur If-Match met de ETag van de activiteit.",
    "503": "Even niet beschikbaar; probeer het na `Retry-After` seconden opnieuw.",
}


def errors(*codes: str) -> dict[str, Any]:
    return {code: {"$ref": RESPONSE + code} for code in (*codes, "503")}


def operation(
    operation_id: str,
    summary: str,
    tag: str,
    responses: dict[str, Any],
    *,
    parameters: list[Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
        "responses": responses,
        **extra,
    }
    if parameters:
        body["parameters"] = parameters
    return body


ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "description": "Nummer van de bron.",
    "schema": {"type": "integer", "minimum": 1},
}


def paths() -> dict[str, Any]:
    # The same parameters the search reads (filters.ACTIVITY_PARAMS), as the API names them.
    activity_params = [{"$ref": PARAMETER + camel(name)} for name in ACTIVITY_PARAMS]
    match_responses = {
        "200": ok(
            "De beste matches met redenen, de bijna-passende en verwijzingen.",
            ref("MatchResultaat"),
        ),
        **errors("400", "422"),
    }
    return {
        "/activiteiten": {
            "get": operation(
                "zoekActiviteiten",
                "Zoek activiteiten",
                "activiteiten",
                {
                    "200": ok("Een pagina activiteiten.", ref("ActiviteitLijst")),
                    **errors("400", "404", "422"),
                },
                parameters=activity_params,
                description="Openbare, lopende activiteiten. Met `postcode` dichtstbij eerst, "
                "met `afstand_km`. Oude namen in snake_case (`max_afstand_km`) werken nog tot "
                "versie 2.0 en krijgen een `Deprecation`-header.",
            )
        },
        "/activiteiten/{id}": {
            "parameters": [ID],
            "get": operation(
                "haalActiviteit",
                "Haal een activiteit op",
                "activiteiten",
                {"200": ok("De activiteit.", ref("Activiteit")), **errors("404")},
                description="Ook een gepauzeerde activiteit; een niet goedgekeurde of een van een "
                "niet goedgekeurde aanbieder geeft 404.",
            ),
            "patch": operation(
                "wijzigActiviteit",
                "Wijzig vrije plekken, status of wachtlijst (aanbieder)",
                "aanbieders",
                {
                    "200": ok("De activiteit na de wijziging.", ref("Activiteit")),
                    **errors("400", "401", "404", "409", "412", "413", "415", "422", "428"),
                },
                security=[{"apiSleutel": []}],
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": ref("ActiviteitWijziging")}},
                },
                description="Voor het eigen systeem van een aanbieder, met een API-sleutel uit het "
                "aanbiedersportaal. Dezelfde regels en audit als het portaal.",
            ),
        },
        "/aanbieders": {
            "get": operation(
                "zoekAanbieders",
                "Alle goedgekeurde aanbieders",
                "aanbieders",
                {
                    "200": ok("Een pagina aanbieders.", ref("AanbiederLijst")),
                    **errors("400", "404"),
                },
                parameters=[{"$ref": PARAMETER + "pagina"}],
                description="Op naam, met het aantal openbare activiteiten van elke aanbieder.",
            )
        },
        "/aanbieders/{id}": {
            "parameters": [ID],
            "get": operation(
                "haalAanbieder",
                "Haal een aanbieder op met zijn activiteiten",
                "aanbieders",
                {"200": ok("De aanbieder.", ref("Aanbieder")), **errors("404")},
                description="Met locaties en de activiteiten die niet beëindigd zijn.",
            ),
        },
        "/waardelijsten": {
            "get": operation(
                "haalWaardelijsten",
                "Alle waardelijsten met sleutels en namen",
                "waardelijsten",
                {"200": ok("De waardelijsten.", ref("Waardelijsten"))},
                description="De sleutels die parameters en velden gebruiken, met Nederlandse "
                "namen; de namen kunnen veranderen, de sleutels niet.",
            )
        },
        "/matches": {
            "get": operation(
                "matchInwonerUrl",
                "Match een inwoner (parameters in de URL)",
                "matches",
                match_responses,
                parameters=match_query_parameters(),
                description="Er wordt niets bewaard. Een geboortedatum hoort niet in een URL: "
                "gebruik `POST /matches`; `geboortedatum` hier is verouderd.",
            ),
            "post": operation(
                "matchInwoner",
                "Match een inwoner (gegevens in de body)",
                "matches",
                {**match_responses, **errors("413", "415")},
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": ref("MatchVraag")}},
                },
                description="Dezelfde velden als de GET-vorm, als JSON-object. Er wordt niets "
                "bewaard.",
            ),
        },
        "/catalogus": {
            "get": operation(
                "haalCatalogus",
                "De openbare catalogus als CSV in het importformaat",
                "open data",
                {
                    "200": ok(
                        "CSV, `;`-gescheiden, UTF-8 met BOM; één regel per activiteit.",
                        {"type": "string"},
                        "text/csv",
                    )
                },
                description="Alles wat ook in de open data (HSDS) staat: goedgekeurd, niet "
                "beëindigd en onlangs bevestigd. Kolommen als in het importsjabloon.",
            )
        },
        "/openapi.json": {
            "get": operation(
                "haalOpenapi",
                "Dit document",
                "open data",
                {"200": ok("Het OpenAPI-document.", {"type": "object"})},
                description="OpenAPI 3.1; leesbaar op `/api`.",
            )
        },
    }


def document(contact: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the OpenAPI document of the API, naming ``contact`` (name, url, email)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Activatie Zwolle API",
            "version": VERSION,
            "summary": "Aanbod Sociale Activatie en Herstel in Zwolle: zoeken, matchen, open data.",
            "description": "Activiteiten en aanbieders van Sociale Activatie en Herstel en "
            "inclusief sporten in Zwolle, en matchen zonder dat er iets bewaard wordt. "
            "Fouten zijn `application/problem+json`. Open data in Open Referral HSDS 3.0 staat "
            "onder `/hsds/`.",
            "contact": contact or CONTACT,
        },
        "servers": [{"url": "/api/v1", "description": "Deze server, versie 1."}],
        "tags": [
            {"name": "activiteiten", "description": "Het aanbod."},
            {"name": "aanbieders", "description": "Wie het aanbiedt."},
            {"name": "matches", "description": "Wat past bij een inwoner."},
            {"name": "waardelijsten", "description": "Sleutels en namen."},
            {"name": "open data", "description": "De hele catalogus en dit document."},
        ],
        "paths": paths(),
        "components": {
            "schemas": schemas(),
            "parameters": PARAMETERS,
            "responses": {code: error(text) for code, text in ERRORS.items()},
            "securitySchemes": {
                "apiSleutel": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Een API-sleutel uit het aanbiedersportaal.",
                }
            },
        },
    }


def resolve(doc: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """Return ``item``, or what its local ``$ref`` points at."""
    target = item.get("$ref")
    if not target:
        return item
    found: Any = doc
    for part in target.removeprefix("#/").split("/"):
        found = found[part]
    return found


def schema_summary(schema: dict[str, Any]) -> str:
    """Describe a schema in a few words for the documentation page."""
    if "$ref" in schema:
        return schema["$ref"].removeprefix(SCHEMA)
    if "anyOf" in schema:
        return " of ".join(schema_summary(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"lijst van {schema_summary(schema.get('items', {}))}"
    if "enum" in schema:
        return "één van: " + ", ".join(str(v) for v in schema["enum"])
    return str(schema.get("type", "object"))


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]
    parameters: list[dict[str, Any]]
    responses: list[tuple[str, str]]
    body: str | None


def operations(doc: dict[str, Any]) -> list[Operation]:
    """Return every operation of ``doc`` with its references resolved, for the HTML page."""
    found = []
    for path, item in doc["paths"].items():
        shared = [resolve(doc, p) for p in item.get("parameters", [])]
        for method, spec in item.items():
            if method == "parameters":
                continue
            body = spec.get("requestBody", {}).get("content", {}).get("application/json")
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    spec=spec,
                    parameters=shared + [resolve(doc, p) for p in spec.get("parameters", [])],
                    responses=[
                        (code, resolve(doc, r)["description"])
                        for code, r in spec["responses"].items()
                    ],
                    body=schema_summary(body["schema"]) if body else None,
                )
            )
    return found


if __name__ == "__main__":  # pragma: no cover - used by `make lint-api`
    json.dump(document(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
