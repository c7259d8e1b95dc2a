"""The read-only JSON API under ``/api/v1`` (resource names in Dutch, NL API Design Rules)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from werkzeug.datastructures import MultiDict

from .. import (
    accounts,
    catalogue_csv,
    listings,
    matching,
    openapi,
    params,
    provider_queries,
    queries,
)
from ..activity_fields import DATE, MOMENT, MONEY, TERMS, ActivityField, api_fields
from ..audit import Actor
from ..caching import cached_page, do_not_store
from ..db import get_session
from ..errors import problem
from ..filters import InvalidInput, parse_activity_filters, read_number
from ..models import Activity, ApiToken, Location, Organisation, local_today
from ..records import parse_activity_patch
from ..security import csrf
from ..signposts import SignpostInfo
from ..templating import id_url_maker
from ..vocabulary import (
    ACCESS_ROUTES,
    ACCESSIBILITY,
    ACTIVITY_FACETS,
    ACTIVITY_STATUSES,
    COSTS,
    DAY_PARTS,
    DAYS,
    GUIDANCE,
    ORGANISATION_KINDS,
    PROGRAMMES,
    TRAVEL_MODES,
    Vocabulary,
)
from . import csv_download, is_stale, parse_id, public_since
from .matching import run_match
from .public import locate

bp = Blueprint("api", __name__, url_prefix="/api/v1")

API_VERSION = openapi.VERSION
#: The fields of an activity object, in the order of the OpenAPI document.
API_FIELDS = api_fields()


@bp.after_app_request
def version_header(response: Response) -> Response:
    """Name the version on every /api/v1 answer, errors and unknown paths included."""
    if request.path == bp.url_prefix or request.path.startswith(f"{bp.url_prefix}/"):
        response.headers["API-Version"] = API_VERSION
        if g.get("deprecated_params"):
            response.headers["Deprecation"] = openapi.DEPRECATED_SINCE
            response.headers["Link"] = f'<{url_for("api.openapi_document")}>; rel="deprecation"'
    return response


def query_args(pairs: Any = None) -> MultiDict[str, str]:
    """Return the query (or ``pairs``) under internal names; note deprecated names used."""
    pairs = list(request.args.items(multi=True) if pairs is None else pairs)
    args, deprecated = params.to_internal(pairs)
    g.sent_names = [*g.get("sent_names", []), *(name for name, _ in pairs)]
    if deprecated:
        g.deprecated_params = [*g.get("deprecated_params", []), *deprecated]
        do_not_store()  # the Deprecation header is added after the cache, per request
    return args


def invalid(error: InvalidInput) -> Response:
    return problem(
        error.status,
        "Een of meer parameters kloppen niet.",
        invalid_params=[
            {"name": name, "reason": reason}
            for name, reason in params.public_names(error.errors, g.get("sent_names", ())).items()
        ],
    )


@bp.get("/activiteiten")
@cached_page
def activities() -> Response:
    config = current_app.config
    session = get_session()
    try:
        filters = parse_activity_filters(query_args(), max_page=config["MAX_PAGE"], strict=True)
        hit = locate(session, filters.postcode)
    except InvalidInput as error:
        return invalid(error)
    centre = hit.point if hit else None
    page = queries.search_activities(session, filters, config["PAGE_SIZE"], centre, public_since())
    items = [activity_json(hit.activity, hit.distance_km) for hit in page.items]
    return paged("activiteiten", items, page.page, page.size, page.total, more=page.more)


def paged(
    name: str, items: list[Any], number: int, size: int, total: int, *, more: bool = False
) -> Response:
    """Answer one page of a list with HAL links to itself and its neighbours, or 404.

    ``more``: the count stopped at ``total`` (queries.COUNT_CAP) and there are more; the answer
    says so (``totaal_is_minimum``) and links to the next page.
    """
    pages = max(1, -(-total // size)) + (1 if more else 0)
    if number > pages:
        return problem(404, f"Pagina {number} bestaat niet; er zijn {pages} pagina's.")
    links = {"self": {"href": _page_url(number)}}
    if number < pages:
        links["next"] = {"href": _page_url(number + 1)}
    if number > 1:
        links["prev"] = {"href": _page_url(number - 1)}
    paging: dict[str, Any] = {
        "pagina": number,
        "per_pagina": size,
        "totaal": total,
        "paginas": pages,
    }
    if more:
        paging["totaal_is_minimum"] = True
    return jsonify({"_links": links, "paginering": paging, name: items})


def _page_url(number: int) -> str:
    args = {params.camel(k): v for k, v in query_args().to_dict(flat=False).items()}
    args["pagina"] = [str(number)]
    return url_for(request.endpoint or "api.activities", _external=False, **args)


@bp.get("/matches")
@cached_page
def matches() -> Response:
    """Match a resident's situation, given as query parameters; nothing is stored.

    Deprecated for a date of birth: that belongs in the body of ``POST /matches``, not in a URL
    that proxies log.
    """
    if "geboortedatum" in request.args:
        g.deprecated_params = ["geboortedatum"]
        do_not_store()  # a worker keeps no URL with a date of birth in it
    return match_response(query_args())


@bp.post("/matches")
@csrf.exempt
def match_body() -> Response:
    """Match a resident's situation given as a JSON object with the query's fields."""
    body = json_object()
    if isinstance(body, Response):
        return body
    pairs, errors = params.body_pairs(body)
    if errors:
        return invalid(InvalidInput(errors))
    return match_response(query_args(pairs))


def json_object() -> dict[str, Any] | Response:
    """Return the request's JSON object, or the problem answer that explains why not.

    Size and nesting are refused before this, for every JSON body (``security.limit_json_body``).
    """
    if not request.is_json:
        return problem(415, "Stuur JSON met Content-Type: application/json.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return problem(400, 'Stuur een JSON-object, bijvoorbeeld {"postcode": "8011"}.')
    return body


def match_response(args: MultiDict[str, str]) -> Response:
    """Match ``args`` and answer the best ``limiet`` (1-200, default 50) matches and ``totaal``."""
    try:
        outcome = run_match(args, local_today(), strict=True, with_activities=False)
    except InvalidInput as error:
        return invalid(error)
    result = outcome.result
    notice = outcome.resident.aow_notice
    href = id_url_maker("api.activity")
    return jsonify(
        {
            "max_afstand_km": round(result.max_distance_km, 2),
            "aow_datum": notice.day.isoformat() if notice and notice.exact else None,
            "dagen_tot_aow": notice.days if notice and notice.exact else None,
            "aow_melding": notice.message if notice else None,
            "verwijzingen": [signpost_json(signpost) for signpost in outcome.signposts],
            "totaal": result.total_matches,
            "matches": [
                {
                    "activiteit": _brief(m.candidate, href),
                    "score": m.score,
                    "afstand_km": round(m.distance_km, 2),
                    "reistijd_minuten": m.minutes,
                    "past_bij": m.fits,
                    "redenen": m.reasons,
                }
                for m in result.matches
            ],
            "bijna_passend": [
                {
                    "activiteit": _brief(n.candidate, href),
                    "regel": n.rule,
                    "reden": n.reason,
                    "afstand_km": round(n.distance_km, 2),
                }
                for n in result.near_misses
            ],
        }
    )


def _brief(candidate: matching.Candidate, href: Callable[[int], str]) -> dict[str, Any]:
    return {
        "id": candidate.id,
        "titel": candidate.title,
        "aanbieder": candidate.organisation_name,
        "vrije_plekken": candidate.free_places,
        "_links": {"self": {"href": href(candidate.id)}},
    }


def signpost_json(signpost: SignpostInfo) -> dict[str, Any]:
    return {
        "sleutel": signpost.key,
        "naam": signpost.name,
        "waarvoor": signpost.purpose,
        "voor_wie": signpost.audience,
        "tekst": signpost.text,
        "telefoon": signpost.phone or None,
        "website": signpost.website or None,
        "adres": signpost.address or None,
        "voorbeelddata": signpost.is_example,
    }


@bp.get("/activiteiten/<raw_id>")
@cached_page
def activity(raw_id: str) -> Response:
    item = queries.public_activity_view(
        get_session(), parse_id(raw_id, "Activiteit"), public_since()
    )
    if item is None:
        return problem(404, "Deze activiteit bestaat niet (meer).")
    return _with_etag(jsonify(activity_json(item)), item)


def _with_etag(response: Response, activity: Activity | queries.ActivityView) -> Response:
    """Tag the answer with the activity's version: send it back in If-Match to change it."""
    response.set_etag(str(activity.version))
    return response


def _seen_version(activity: Activity) -> int | Response:
    """Return the version the client saw (If-Match), or a 428/412 problem answer."""
    if not request.headers.get("If-Match") or request.if_match.star_tag:
        return problem(
            428,
            "Stuur de ETag van GET /api/v1/activiteiten/<id> mee in de header If-Match, zodat "
            "u niet over een wijziging van iemand anders heen schrijft.",
        )
    if not request.if_match.contains(str(activity.version)):
        return _with_etag(
            problem(
                412,
                "Deze activiteit is intussen gewijzigd (de ETag klopt niet meer). Haal hem "
                "opnieuw op en stuur uw wijziging met de nieuwe ETag.",
            ),
            activity,
        )
    return activity.version


@bp.patch("/activiteiten/<raw_id>")
@csrf.exempt
def update_activity(raw_id: str) -> Response:
    """Let a provider's own system update free places, status or waiting list (bearer token)."""
    session = get_session()
    token = _bearer_token()
    if token is None:
        response = problem(401, "Gebruik een geldige API-sleutel: Authorization: Bearer <sleutel>.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="activatie"'
        return response
    activity = provider_queries.own_activity(
        session, token.organisation_id, parse_id(raw_id, "Activiteit")
    )
    if activity is None:
        return problem(404, "Deze activiteit bestaat niet of is niet van uw organisatie.")
    seen = _seen_version(activity)
    if isinstance(seen, Response):
        return seen
    if not request.is_json:
        return problem(415, "Stuur JSON met Content-Type: application/json.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not body:
        return problem(400, 'Stuur een JSON-object, bijvoorbeeld {"vrije_plekken": 3}.')
    try:
        patch = parse_activity_patch(body, activity.capacity)
    except InvalidInput as error:
        return invalid(error)
    actor = Actor.token(token.id, token.organisation_id)  # type: ignore[arg-type]
    try:
        listings.patch_activity(
            session,
            actor,
            activity,
            seen,
            free_places=patch.vrije_plekken,
            status=patch.status,
            waiting_list=patch.wachtlijst,
        )
    except listings.Conflict:
        session.expire_all()
        current = queries.by_id(session, Activity, activity.id)
        return _with_etag(
            problem(
                412, "Deze activiteit is net door iemand anders gewijzigd. Haal hem opnieuw op."
            ),
            current,  # type: ignore[arg-type]
        )
    except listings.ListingError as error:
        return problem(409, str(error))
    accounts.touch_api_token(session, token)
    session.expire_all()
    current = queries.by_id(session, Activity, activity.id)
    return _with_etag(jsonify(activity_json(current)), current)  # type: ignore[arg-type]


def _bearer_token() -> ApiToken | None:
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    return accounts.api_token_for(get_session(), raw.strip())


@bp.get("/aanbieders")
@cached_page
def organisations() -> Response:
    number = page_number(query_args())
    if isinstance(number, Response):
        return number
    page = queries.list_organisations(
        get_session(),
        confirmed_since=public_since(),
        page=number,
        size=current_app.config["PAGE_SIZE"],
    )
    items = [organisation_json(org) | {"aantal_activiteiten": n} for org, n in page.rows]
    return paged("aanbieders", items, number, page.size, page.total)


def page_number(args: MultiDict[str, str]) -> int | Response:
    """Return ``pagina`` of a list that takes no other parameter, or the problem answer."""
    errors = {name: f"'{name}' is geen bekende zoekterm" for name in args if name != "pagina"}
    maximum = current_app.config["MAX_PAGE"]
    number = read_number(args, "pagina", errors, 1, maximum, "Het paginanummer", whole=True)
    if errors:
        return invalid(InvalidInput(errors))
    return int(number or 1)


@bp.get("/catalogus")
def catalogue() -> Response:
    """Return the public catalogue as CSV in the import format."""
    config = current_app.config
    rows = queries.feed_activities(get_session(), local_today(), config["HIDE_AFTER_DAYS"])
    return csv_download(catalogue_csv.to_csv(rows), "activatie-catalogus.csv")


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """Return the OpenAPI 3 document that describes this API."""
    return jsonify(openapi.document(current_app.config["API_CONTACT"]))


@bp.get("/aanbieders/<raw_id>")
@cached_page
def organisation(raw_id: str) -> Response:
    org = queries.get_public_organisation(get_session(), parse_id(raw_id, "Aanbieder"))
    if org is None:
        return problem(404, "Deze aanbieder bestaat niet (meer).")
    return jsonify(
        organisation_json(org)
        | {
            "activiteiten": [
                activity_json(a) for a in queries.public_activities_of(org, public_since())
            ]
        }
    )


@bp.get("/waardelijsten")
def vocabularies() -> Response:
    """Return every controlled list with its keys and Dutch labels."""
    lists: list[Vocabulary] = [
        ORGANISATION_KINDS,
        *ACTIVITY_FACETS.values(),
        GUIDANCE,
        DAYS,
        DAY_PARTS,
        ACCESSIBILITY,
        ACCESS_ROUTES,
        COSTS,
        ACTIVITY_STATUSES,
        PROGRAMMES,
        TRAVEL_MODES,
    ]
    return jsonify({v.name: [{"sleutel": t.key, "naam": t.label} for t in v] for v in lists})


def organisation_json(org: Organisation) -> dict[str, Any]:
    return {
        "id": org.id,
        "naam": org.name,
        "soort": org.kind,
        "beschrijving": org.description,
        "website": org.website,
        "telefoon": org.phone,
        "email": org.email,
        "voorbeelddata": org.is_example,
        "locaties": [location_json(loc) for loc in org.locations],
        "_links": {"self": {"href": url_for("api.organisation", raw_id=org.id)}},
    }


def location_json(location: Location | queries.LocationView) -> dict[str, Any]:
    return {
        "naam": location.name,
        "straat": location.street,
        "huisnummer": location.house_number,
        "postcode": location.postcode,
        "plaats": location.city,
        "wijk": location.district,
        "wijkcode": location.district_code,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "toegankelijkheid": sorted(location.accessibility, key=ACCESSIBILITY.index),
    }


def activity_json(
    activity: Activity | queries.ActivityView, distance_km: float | None = None
) -> dict[str, Any]:
    """Return the API's activity object: the fields of ``activity_fields`` and its links."""
    body: dict[str, Any] = {f.api: _api_value(activity, f) for f in API_FIELDS}  # type: ignore[misc]
    body["laatst_gecontroleerd"] = body["laatst_bevestigd"]
    body["verouderd"] = is_stale(activity.confirmed_at)
    body["_links"] = {
        "self": {"href": url_for("api.activity", raw_id=activity.id)},
        "html": {"href": url_for("public.activity", raw_id=activity.id)},
    }
    if distance_km is not None:
        body["afstand_km"] = round(distance_km, 2)
    return body


def _api_value(activity: Activity | queries.ActivityView, field: ActivityField) -> Any:
    """Return one field of ``activity`` as the API writes it (by its kind)."""
    if field.kind == TERMS:
        return sorted(activity.facet(field.api or ""), key=field.vocabulary.index)  # type: ignore[union-attr]
    if field.attr == "organisation_id":
        return {
            "id": activity.organisation_id,
            "naam": activity.organisation.name,
            "_links": {
                "self": {"href": url_for("api.organisation", raw_id=activity.organisation_id)}
            },
        }
    if field.attr == "location_id":
        return location_json(activity.location)
    value = getattr(activity, field.attr)
    if field.kind == MONEY:
        return None if value is None else value / 100
    if field.kind in (DATE, MOMENT):
        return value.isoformat()
    return value
