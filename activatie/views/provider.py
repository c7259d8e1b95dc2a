"""The provider's own pages: listings, free places, freshness and API tokens.

Every object is looked up through the provider's own organisation: an id of someone else's
object is answered with 404, whatever the URL says.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import Session
from werkzeug.wrappers import Response

from .. import (
    accounts,
    activity_fields,
    dropins,
    geo,
    listings,
    placements,
    provider_queries,
    queries,
)
from ..activity_fields import FLAG, TERM_FIELDS, TEXT
from ..audit import Actor
from ..auth import roles_required
from ..db import get_session
from ..dutch import nl_month
from ..forms import (
    ActivityForm,
    ApiTokenForm,
    DropInForm,
    LocationForm,
    OrganisationForm,
    ReasonForm,
    SelectChoice,
    options,
)
from ..geocoding import make_geocoder
from ..models import (
    ACTIVITY_DETAILS,
    Activity,
    Location,
    Organisation,
    UserRole,
    confirmed_before,
    local_date,
    local_today,
    utcnow,
)
from . import editing, parse_id, placement_pages, show_errors

bp = Blueprint("provider", __name__, url_prefix="/aanbieder")

#: Each figure dropins.check_counts checks -> the field of forms.DropInForm that carries it.
DROP_IN_FIELDS = {"month": "maand", "people": "aantal", "new_people": "nieuw"}


@bp.before_request
@roles_required(UserRole.PROVIDER)
def _only_providers() -> None:
    """Every page here is for provider accounts only."""


def _organisation() -> Organisation:
    organisation = queries.by_id(get_session(), Organisation, current_user.organisation_id)
    if organisation is None:
        abort(403)
    return organisation


_Row = TypeVar("_Row", Activity, Location)


def _own(lookup: Callable[[Session, int, int], _Row | None], raw_id: str, what: str) -> _Row:
    """Return the provider's own row (``what``: Activiteit, Locatie); 404 for another's."""
    row = lookup(get_session(), current_user.organisation_id, parse_id(raw_id, what))
    if row is None:
        abort(404, description=f"Deze {what.lower()} bestaat niet of is niet van uw organisatie.")
    return row


def _own_activity(raw_id: str) -> Activity:
    return _own(provider_queries.own_activity, raw_id, "Activiteit")


def _own_location(raw_id: str) -> Location:
    return _own(provider_queries.own_location, raw_id, "Locatie")


def _actor() -> Actor:
    return Actor.of(current_user)


@bp.get("/")
def dashboard() -> str:
    organisation = _organisation()
    now = utcnow()
    stale_days = current_app.config["STALE_AFTER_DAYS"]
    tokens = provider_queries.active_api_tokens(get_session(), organisation.id)  # type: ignore[arg-type]
    return render_template(
        "provider/dashboard.html",
        organisation=organisation,
        activities=organisation.activities,
        stale_count=listings.count_stale(get_session(), organisation.id, now, stale_days),
        new_count=placements.count_new(get_session(), organisation.id),
        is_stale=lambda a: a.confirmed_at < confirmed_before(local_date(now), stale_days),
        tokens=tokens,
        form=ReasonForm(),
    )


@bp.post("/activiteiten/<raw_id>/plekken")
def change_places(raw_id: str) -> Response:
    activity = _own_activity(raw_id)
    delta = {"min": -1, "plus": 1}.get(request.form.get("wijziging", ""))
    if delta is None:
        abort(400, description="Kies 'min' of 'plus'.")
    try:
        free = listings.change_free_places(
            get_session(), _actor(), activity.id, activity.organisation_id, delta
        )
    except listings.ListingError as error:
        flash(str(error), "error")
    else:
        flash(f"{activity.title}: nu {free} vrije {'plek' if free == 1 else 'plekken'}.", "info")
    return redirect(url_for("provider.dashboard") + f"#activiteit-{activity.id}")


@bp.post("/activiteiten/<raw_id>/status")
def change_status(raw_id: str) -> Response:
    activity = _own_activity(raw_id)
    status = request.form.get("status", "")
    if status not in ("actief", "gepauzeerd"):
        abort(400, description="Kies 'actief' of 'gepauzeerd'.")
    listings.set_status(get_session(), _actor(), activity, status)
    flash(f"{activity.title}: {'weer actief' if status == 'actief' else 'gepauzeerd'}.", "info")
    return redirect(url_for("provider.dashboard") + f"#activiteit-{activity.id}")


@bp.post("/bevestigen")
def confirm_all() -> Response:
    count = listings.confirm_all(get_session(), _actor(), current_user.organisation_id)
    flash(f"Dank u. {count} activiteiten staan als gecontroleerd op vandaag.", "info")
    return redirect(url_for("provider.dashboard"))


def _location_choices(organisation: Organisation) -> list[SelectChoice]:
    return options((loc.id, f"{loc.name} – {loc.address}") for loc in organisation.locations)


def _activity_values(form: ActivityForm) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Return the form's values by ``Activity`` attribute, and its facets (``activity_fields``)."""
    values: dict[str, Any] = {}
    for name in ACTIVITY_DETAILS:
        value = getattr(form, name).data
        kind = activity_fields.BY_ATTR[name].kind
        if kind == TEXT:
            value = (value or "").strip()
        elif kind == FLAG:
            value = bool(value)
        values[name] = value
    cost_euro: Decimal | None = form.cost_euro.data if form.cost.data == "eigen_bijdrage" else None
    values["cost_cents"] = None if cost_euro is None else int(cost_euro * 100)
    values["location_id"] = form.location_id.data
    facets = {f.csv: getattr(form, f.attr).data or [] for f in TERM_FIELDS}
    return values, facets  # type: ignore[return-value]


def _fill_activity_form(form: ActivityForm, activity: Activity) -> None:
    for name in (*ACTIVITY_DETAILS, "location_id", "version"):
        getattr(form, name).data = getattr(activity, name)
    form.cost_euro.data = (
        None if activity.cost_cents is None else Decimal(activity.cost_cents) / 100
    )
    for field in TERM_FIELDS:
        getattr(form, field.attr).data = sorted(activity.facet(field.csv))  # type: ignore[arg-type]


def _stored_activity_form(organisation: Organisation, activity: Activity) -> ActivityForm:
    form = ActivityForm(formdata=None)
    form.location_id.choices = _location_choices(organisation)
    _fill_activity_form(form, activity)
    return form


@bp.route("/activiteiten/<raw_id>/bewerken", methods=["GET", "POST"])
def edit_activity(raw_id: str) -> Response | tuple[str, int]:
    activity = _own_activity(raw_id)
    organisation = _organisation()
    form = ActivityForm()
    form.location_id.choices = _location_choices(organisation)
    problem, status = None, 200
    if request.method == "GET":
        _fill_activity_form(form, activity)
    elif form.validate_on_submit():
        values, facets = _activity_values(form)
        try:
            listings.update_activity(
                get_session(), _actor(), activity, int(form.version.data), values, facets
            )
        except listings.Conflict as error:
            form, problem, status = editing.after_conflict(
                error,
                lambda session: _stored_activity_form(
                    organisation,
                    queries.by_id(session, Activity, activity.id),  # type: ignore[arg-type]
                ),
            )
        except listings.ListingError as error:
            problem, status = str(error), 422
        else:
            flash("De wijzigingen staan erin.", "info")
            return redirect(url_for("provider.dashboard") + f"#activiteit-{activity.id}")
    else:
        status = 400
    return render_template(
        "provider/activity_form.html", form=form, activity=activity, problem=problem
    ), status


@bp.route("/activiteiten/nieuw", methods=["GET", "POST"])
def new_activity() -> Response | tuple[str, int]:
    organisation = _organisation()
    form = ActivityForm(version="0")
    form.location_id.choices = _location_choices(organisation)
    if not organisation.locations:
        flash("Voeg eerst een locatie toe.", "info")
        return redirect(url_for("provider.new_location"))
    problem, status = None, 200
    if form.validate_on_submit():
        values, facets = _activity_values(form)
        try:
            activity = listings.create_activity(
                get_session(), _actor(), organisation, values["title"], values, facets
            )
        except listings.ListingError as error:
            problem, status = str(error), 422
        else:
            flash(
                "De activiteit is opgeslagen. De gemeente kijkt ernaar; daarna is hij te zien.",
                "info",
            )
            return redirect(url_for("provider.dashboard") + f"#activiteit-{activity.id}")
    elif request.method == "POST":
        status = 400
    return render_template(
        "provider/activity_form.html", form=form, activity=None, problem=problem
    ), status


@bp.route("/organisatie", methods=["GET", "POST"])
def edit_organisation() -> Response | tuple[str, int]:
    organisation = _organisation()
    form = OrganisationForm(obj=organisation if request.method == "GET" else None)
    problem, status = None, 200
    if form.validate_on_submit():
        values = {
            name: (getattr(form, name).data or "").strip() for name in listings.ORGANISATION_FIELDS
        }
        try:
            listings.update_organisation(
                get_session(), _actor(), organisation, int(form.version.data), values
            )
        except listings.Conflict as error:
            form, problem, status = editing.after_conflict(
                error,
                lambda session: OrganisationForm(
                    formdata=None, obj=queries.by_id(session, Organisation, organisation.id)
                ),
            )
        else:
            flash("De gegevens van uw organisatie staan erin.", "info")
            return redirect(url_for("provider.dashboard"))
    elif request.method == "POST":
        status = 400
    return render_template("provider/organisation_form.html", form=form, problem=problem), status


def _stored_location_form(location: Location | None) -> LocationForm:
    """The location form as stored (empty, version 0, for a new location)."""
    form = LocationForm(formdata=None, obj=location)
    form.version.data = str(location.version) if location else "0"
    form.accessibility.data = sorted(location.accessibility) if location else []
    return form


@bp.route("/locaties/<raw_id>/bewerken", methods=["GET", "POST"])
def edit_location(raw_id: str | None) -> Response | tuple[str, int]:
    organisation = _organisation()
    location = _own_location(raw_id) if raw_id else None
    form = _stored_location_form(location) if request.method == "GET" else LocationForm()
    problem, status = None, 200
    if form.validate_on_submit():
        values = {
            name: (getattr(form, name).data or "").strip()
            for name in ("name", "street", "house_number", "postcode")
        }
        try:
            saved = listings.save_location(
                get_session(),
                _actor(),
                organisation,
                location,
                int(form.version.data),
                values,
                form.accessibility.data or [],
                make_geocoder(get_session(), current_app.config),
            )
        except listings.Conflict as error:
            form, problem, status = editing.after_conflict(
                error,
                lambda session: _stored_location_form(
                    queries.by_id(session, Location, location.id)  # type: ignore[union-attr]
                ),
            )
        except (listings.ListingError, geo.UnknownPostcode, geo.InvalidPostcode) as error:
            problem, status = str(error), 422
        else:
            flash(f"Locatie '{saved.name}' is opgeslagen.", "info")
            return redirect(url_for("provider.dashboard"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "provider/location_form.html", form=form, location=location, problem=problem
    ), status


bp.add_url_rule(
    "/locaties/nieuw",
    endpoint="new_location",
    view_func=edit_location,
    methods=["GET", "POST"],
    defaults={"raw_id": None},
)


@bp.route("/inloop", methods=["GET", "POST"])
def drop_ins() -> Response | tuple[str, int]:
    """Record per activity and month how many people came without an aanmelding."""
    organisation = _organisation()
    today = local_today()
    months = dropins.recordable_months(today)
    form = DropInForm()
    form.activiteit.choices = [(str(a.id), a.title) for a in organisation.activities]
    form.maand.choices = [(m.isoformat(), nl_month(m)) for m in months]
    if request.method == "GET":
        form.maand.data = months[1].isoformat()  # usually last month is counted
    status = 200
    if form.validate_on_submit():
        activity = _own_activity(form.activiteit.data)
        month = date.fromisoformat(form.maand.data)
        try:
            dropins.record(
                get_session(), _actor(), activity, month, form.aantal.data, form.nieuw.data, today
            )
        except dropins.DropInError as error:
            show_errors(form, error.errors, DROP_IN_FIELDS)
            status = error.status
        else:
            flash(f"{activity.title}, {nl_month(month)}: de aantallen zijn opgeslagen.", "info")
            return redirect(url_for("provider.drop_ins"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "provider/drop_ins.html",
        form=form,
        organisation=organisation,
        rows=dropins.for_organisation(get_session(), organisation.id, months[-1]),
        titles={a.id: a.title for a in organisation.activities},
    ), status


@bp.route("/api-sleutels", methods=["GET", "POST"])
def api_tokens() -> Response | tuple[str, int]:
    organisation = _organisation()
    form = ApiTokenForm()
    secret = None
    status = 200
    if form.validate_on_submit():
        try:
            _, secret = accounts.create_api_token(
                get_session(), _actor(), organisation.id, form.name.data
            )
        except accounts.AccountError as error:
            form.name.errors = [str(error)]
            status = 400
    elif request.method == "POST":
        status = 400
    tokens = provider_queries.api_tokens(get_session(), organisation.id)  # type: ignore[arg-type]
    return render_template(
        "provider/api_tokens.html",
        form=form,
        tokens=tokens,
        secret=secret,
        organisation=organisation,
    ), status


@bp.post("/api-sleutels/<raw_id>/intrekken")
def revoke_token(raw_id: str) -> Response:
    token = provider_queries.own_api_token(
        get_session(), current_user.organisation_id, parse_id(raw_id, "Sleutel")
    )
    if token is None:
        abort(404, description="Deze sleutel bestaat niet of is niet van uw organisatie.")
    accounts.revoke_api_token(get_session(), _actor(), token)
    flash(f"Sleutel {token.prefix}… werkt niet meer.", "info")
    return redirect(url_for("provider.api_tokens"))


@bp.get("/aanmeldingen")
def placements_list() -> str:
    return render_template(
        "placements/list.html",
        rows=placement_pages.list_rows(),
        title="Aanmeldingen voor uw activiteiten",
    )


@bp.get("/aanmeldingen/<raw_id>")
def placement(raw_id: str) -> tuple[str, int]:
    return placement_pages.render_detail(placement_pages.load(raw_id))


@bp.post("/aanmeldingen/<raw_id>/stap")
def placement_step(raw_id: str) -> Response | tuple[str, int]:
    return placement_pages.apply_step(raw_id)
