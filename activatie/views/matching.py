"""Shared steps of the three matching front ends: read, locate, match, present."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from werkzeug.datastructures import MultiDict

from .. import geocoding, matching, queries, signposts, unmet_demand
from .. import intake as intake_module
from ..db import get_session
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
    session = get_session()
    if not strict:  # the HTML forms' day-part shortcuts; the API names the day parts
        with_parts: MultiDict[str, str] = MultiDict(args)
        with_parts.setlist("dagdelen", intake_module.day_parts_with_choice(args))
        args = with_parts
    request = intake_module.parse_intake(args, today, strict=strict)
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
    )
    if count_unmet and not result.matches and not resident.intake.aow_reached:
        # Unmet demand for "Leren van Resultaat": a count by day, PC4 and need; no person.
        unmet_demand.count_unmet_search(
            session, today, resident.postcode_hit.postcode[:4], resident.intake.needs
        )
    shown = signposts.resolve(result.signposts, queries.signposts(session))
    if not with_activities:
        return Outcome(resident, result, {}, shown)
    ids = [m.candidate.id for m in result.matches] + [n.candidate.id for n in result.near_misses]
    return Outcome(resident, result, queries.matched_activities(session, ids), shown)
