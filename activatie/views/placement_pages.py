"""The aanmelding pages the consultant and provider blueprints share: list, detail, sheet, step.

Plain functions, no routes: each blueprint owns its URLs, endpoints and role check and calls
these; links go back to the calling blueprint (``request.blueprint``).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import geo, placement_queries, placements, queries, workflow
from ..db import get_session
from ..forms import StepForm
from ..models import Placement, local_today
from . import parse_id, show_errors

STEP_LABELS = {
    "kennismaking": "Kennismaking plannen",
    "afgewezen": "Afwijzen",
    "gestart": "Gestart",
    "afgerond": "Afronden",
    "gestopt": "Gestopt",
    "ingetrokken": "Aanmelding intrekken",
}

#: Each field of placements.Step -> the field of forms.StepForm that carries it.
STEP_FIELDS = {
    "target": "naar",
    "seen_version": "versie",
    "on": "datum",
    "decline_reason": "reden",
    "outcome": "uitkomst",
    "ladder_end": "trede_eind",
}


def load(raw_id: str) -> Placement:
    """Return the aanmelding if the user may see it (the read is audited), else 404."""
    placement = placements.read(get_session(), current_user, parse_id(raw_id, "Aanmelding"))
    if placement is None:
        abort(404, description="Deze aanmelding bestaat niet of is niet voor u.")
    return placement


def render_detail(
    placement: Placement,
    form: StepForm | None = None,
    problem: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    session = get_session()
    events = placement_queries.events(session, placement)
    steps = workflow.next_steps(placement.status, current_user.role)
    consultant = placement_queries.consultant(session, placement)
    return render_template(
        "placements/detail.html",
        placement=placement,
        consultant=consultant,
        team=placement_queries.team(session, placement),
        events=events,
        steps=[(step, STEP_LABELS[step]) for step in steps],
        form=form or StepForm(formdata=None),
        problem=problem,
        waiting=placements.waiting_position(session, placement),
        late=workflow.is_late(placement.created_at.date(), local_today(), placement.status),
        blueprint=request.blueprint,
    ), status


def render_sheet(placement: Placement) -> str:
    """The one-page sheet the resident takes home: what, where, when, whom to ask; no name."""
    session = get_session()
    location = placement.activity.location
    area = placement_queries.home_area(session, placement)
    trip = None
    if area is not None:
        km = geo.distance_km(
            geo.Point(area.latitude, area.longitude),
            geo.Point(location.latitude, location.longitude),
        )
        trip = {
            "km": km,
            "fiets": geo.travel_minutes(km, "fiets"),
            "lopen": geo.travel_minutes(km, "lopen"),
        }
    return render_template(
        "placements/sheet.html",
        placement=placement,
        activity=placement.activity,
        location=location,
        home=area,
        team=placement_queries.team(session, placement),
        trip=trip,
        today=local_today(),
    )


def apply_step(raw_id: str) -> Response | tuple[str, int]:
    placement = load(raw_id)
    form = StepForm()
    if not form.validate_on_submit():
        return render_detail(placement, form, "Controleer wat u invulde.", 400)
    step = placements.Step(
        target=form.naar.data,
        seen_version=int(form.versie.data),
        on=form.datum.data,
        decline_reason=form.reden.data,
        outcome=form.uitkomst.data,
        ladder_end=int(form.trede_eind.data) if form.trede_eind.data else None,
    )
    try:
        placements.move(get_session(), current_user, placement, step)
    except placements.PlacementError as error:
        get_session().expire_all()
        fresh = queries.by_id(get_session(), Placement, placement.id)
        show_errors(form, error.errors, STEP_FIELDS)
        return render_detail(fresh, form, str(error), error.status)  # type: ignore[arg-type]
    flash(f"De aanmelding staat nu op '{form.naar.data}'.", "info")
    return redirect(url_for(f"{request.blueprint}.placement", raw_id=placement.id))


def list_rows(limit: int = 500) -> list[dict[str, Any]]:
    today = local_today()
    rows = placement_queries.visible(get_session(), current_user, limit)
    return [
        {
            "placement": p,
            "days": (today - p.created_at.date()).days,
            "late": workflow.is_late(p.created_at.date(), today, p.status),
        }
        for p in rows
    ]
