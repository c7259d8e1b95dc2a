"""Shared steps of the three matching front ends: read, locate, match, present."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date

from flask import Flask, current_app
from flask import session as cookie
from sqlalchemy import Connection
from werkzeug.datastructures import MultiDict

from .. import geocoding, matching, queries, signposts, unmet_demand
from .. import intake as intake_module
from ..caching import catalogue_stamp, do_not_store, remember
from ..candidate_index import CandidateIndex
from ..catalogue_snapshot import CatalogueSnapshot
from ..db import get_engine, get_session
from ..filters import Args
from ..signposts import SignpostInfo


@dataclass(frozen=True)
class Outcome:
    resident: intake_module.Resident
    result: matching.MatchResult
    #: Where the matched activities are, for the HTML pages (empty for the API).
    activities: dict[int, queries.MatchedActivity]
    #: The signposts that apply, with the gemeente's current texts and contact details.
    signposts: list[SignpostInfo]
    #: What this outcome was computed from (``caching.remember``): a key for what a page
    #: renders from it alone, such as the resident's result cards.
    key: Hashable = None


#: How many unmet searches a browser remembers having counted (reload, Back, a link again).
COUNTED_MEMORY = 20


def _first_in_this_browser(today: date, pc4: str, needs: Iterable[str]) -> bool:
    """Return whether this browser has not counted this unmet search today, and remember it.

    Pages are GETs now: a reload or Back must not count the same search again. The cookie keeps
    only keyed hashes (an HMAC with the app's secret), so it does not say what was searched.
    """
    key = hmac.new(
        str(current_app.secret_key).encode(),
        f"{today}|{pc4}|{','.join(sorted(set(needs)))}".encode(),
        hashlib.sha256,
    ).hexdigest()[:16]
    counted = [k for k in cookie.get("geteld", []) if isinstance(k, str)]
    if key in counted:
        return False
    cookie["geteld"] = [*counted, key][-COUNTED_MEMORY:]
    return True


def run_match(
    args: Args,
    today: date,
    *,
    strict: bool = False,
    count_unmet: bool = True,
    with_activities: bool = True,
) -> Outcome:
    """Read ``args``, locate the resident and match; raise InvalidInput on bad input.

    ``with_activities=False`` skips reading the addresses the HTML pages show: the API answers
    from the match candidates alone.

    The result holds the best ``limiet`` matches (50 unless asked); at most the app config's
    ``MATCH_MAX_CANDIDATES`` (default :data:`queries.MAX_CANDIDATES`) nearest activities are
    considered.
    """
    if not strict:  # the HTML forms' day-part shortcuts; the API names the day parts
        with_parts: MultiDict[str, str] = MultiDict(args)
        with_parts.setlist("dagdelen", intake_module.day_parts_with_choice(args))
        args = with_parts
    asked = intake_module.parse_intake(args, today, strict=strict)
    key = ("match", asked, today, with_activities)
    outcome = remember(key, lambda: _match(asked, today, with_activities, key))
    resident, result = outcome.resident, outcome.result
    pc4 = resident.postcode_hit.postcode[:4]
    if (
        count_unmet
        and not result.matches
        and not resident.intake.aow_reached
        and (strict or _first_in_this_browser(today, pc4, resident.intake.needs))
    ):
        # Unmet demand for "Leren van Resultaat": a count by day, PC4 and need; no person.
        unmet_demand.count_unmet_search(get_session(), today, pc4, resident.intake.needs)
    if not result.matches:
        do_not_store()  # this answer counted a search, or may for the next visitor
    return outcome


def _match(
    request: intake_module.IntakeRequest, today: date, with_activities: bool, key: Hashable
) -> Outcome:
    """Match ``request`` without side effects: the same answer for the same catalogue and day,
    so each worker keeps it (``caching.remember``) while both stay unchanged."""
    session = get_session()
    resident = intake_module.resolve(
        request,
        geocoding.make_geocoder(session, current_app.config),
        today,
        queries.in_service_area(session),
    )
    result = queries.find_matches(
        session,
        resident.intake,
        today,
        current_app.config["HIDE_AFTER_DAYS"],
        match_limit=request.match_limit,
        max_candidates=current_app.config.get("MATCH_MAX_CANDIDATES", queries.MAX_CANDIDATES),
        unchecked_after_days=current_app.config["STALE_AFTER_DAYS"],
        index=candidate_index(),
    )
    shown = signposts.resolve(result.signposts, queries.signposts(session))
    if not with_activities:
        return Outcome(resident, result, {}, shown, key)
    ids = [m.candidate.id for m in result.matches] + [n.candidate.id for n in result.near_misses]
    return Outcome(resident, result, queries.matched_activities(session, ids), shown, key)


_INDEX = "activatie.candidate_index"

log = logging.getLogger(__name__)


def candidate_index() -> CandidateIndex | None:
    """Return this worker's public catalogue in memory for this request's catalogue version, or
    None to ask the database (turned off, or a large one still being built)."""
    if not current_app.config["MATCH_INDEX"]:
        return None
    stamp = catalogue_stamp()
    if stamp is None:
        return None
    snapshot = current_app.extensions.get(_INDEX)
    if snapshot is None:
        snapshot = current_app.extensions.setdefault(
            _INDEX,
            CatalogueSnapshot(
                get_engine().connect,
                _load_index,
                queries.count_open,
                len,
                int(current_app.config["MATCH_INDEX_BACKGROUND_FROM"]),
            ),
        )
    return snapshot.get(stamp[0])


def _load_index(connection: Connection) -> tuple[int | None, CandidateIndex]:
    version, entries = queries.open_candidates(connection)
    return version, CandidateIndex(entries)


def warm_up(app: Flask) -> None:
    """Start building this worker's match index before its first search (gunicorn calls this
    in ``post_worker_init``, gunicorn.conf.py): a large catalogue in a background thread, as a
    search would start it, so that the first searches after a deploy or a restart do not ask
    the database. Never stops a worker from starting: without a database (or its tables) yet,
    it logs a warning and the first search tries again.
    """
    try:
        if not app.config["MATCH_INDEX"]:
            return
        with app.app_context():
            candidate_index()
    except Exception as error:  # the worker must start whatever the database does
        log.warning("the match index was not built at start: %s", type(error).__name__)
