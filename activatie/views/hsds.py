"""The catalogue as an Open Referral HSDS 3.0 feed under ``/hsds`` (read-only, open data).

It follows HSDS's own API reference (snake_case paths, ``page``/``per_page``, its ``Page``
wrapper), which is why it lives beside ``/api/v1`` rather than in it: the NL API Design Rules
apply to our own API, this one speaks a published international standard.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from .. import hsds, queries
from ..db import get_session
from ..errors import problem
from ..filters import read_number
from ..models import local_today

bp = Blueprint("hsds", __name__, url_prefix="/hsds")

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
TABLE = "<any(" + ",".join(hsds.TABLES) + "):table>"


def _feed() -> hsds.Feed:
    config = current_app.config
    activities = queries.feed_activities(get_session(), local_today(), config["HIDE_AFTER_DAYS"])
    return hsds.feed(activities, request.host_url.rstrip("/"))


@bp.get("/")
def about() -> Response:
    """Say which HSDS version this is and where the tables are."""
    return jsonify(
        {
            "version": hsds.HSDS_VERSION,
            "profile": "https://openreferral.org/",
            "openapi_url": "https://docs.openreferral.org/en/latest/hsds/api_reference.html",
            "tables": {name: url_for("hsds.records", table=name) for name in hsds.TABLES},
            "export": url_for("hsds.export"),
        }
    )


@bp.get(f"/{TABLE}")
def records(table: str) -> Response:
    """Return one page of a table: ``page`` (from 1) and ``per_page`` (1-500, default 50)."""
    errors: dict[str, str] = {
        name: f"'{name}' is geen bekende zoekterm"
        for name in request.args
        if name not in ("page", "per_page")
    }
    number = read_number(request.args, "page", errors, 1, 100_000, "Het paginanummer", whole=True)
    size = read_number(request.args, "per_page", errors, 1, MAX_PER_PAGE, "Het aantal", whole=True)
    if errors:
        return problem(
            400,
            "Een of meer parameters kloppen niet.",
            invalid_params=[{"name": name, "reason": reason} for name, reason in errors.items()],
        )
    found = _feed().tables[table]
    return jsonify(hsds.page(found, int(number or 1), int(size or DEFAULT_PER_PAGE)))


@bp.get(f"/{TABLE}/<record_id>")
def record(table: str, record_id: str) -> Response:
    found = _feed().find(table, record_id)
    if found is None:
        return problem(404, "Dit record bestaat niet (meer) in de open data.")
    return jsonify(found)


@bp.get("/export")
def export() -> Response:
    """Return the whole catalogue at once: every table, unpaginated."""
    response = jsonify({"version": hsds.HSDS_VERSION, **_feed().tables})
    response.headers["Content-Disposition"] = 'attachment; filename="activatie-hsds.json"'
    return response
