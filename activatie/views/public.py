"""The public directory: home, search results, activity, provider and sports-club pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template, request
from werkzeug.datastructures import MultiDict

from .. import geo, geocoding, queries, signposts
from ..caching import cached_page, remember
from ..db import get_session, read_connection
from ..filters import ActivityFilters, InvalidInput, parse_activity_filters, read_postcode
from ..intake import DAY_PART_CHOICE, service_area_problem
from ..models import local_today
from ..vocabulary import ORGANISATION_KINDS
from . import parse_id, public_since
from .matching import run_match

bp = Blueprint("public", __name__)


@bp.app_context_processor
def example_notice() -> dict[str, bool]:
    """Tell every page whether the example data set is loaded (a footer notice)."""
    if not current_app.config["SHOW_EXAMPLE_NOTICE"] or g.get("database_down"):
        return {"example_data": False}
    try:
        return {"example_data": remember(("example_data",), _has_example_data)}
    except Exception:  # the error page itself must render when the database is down
        return {"example_data": False}


def _has_example_data() -> bool:
    with read_connection() as connection:
        return queries.has_example_data(connection)


@bp.get("/")
@cached_page
def home() -> str:
    return render_template("public/home.html", filters=ActivityFilters())


@bp.get("/activiteiten")
@cached_page
def activities() -> tuple[str, int]:
    config = current_app.config
    session = get_session()
    try:
        filters = parse_activity_filters(request.args, max_page=config["MAX_PAGE"])
        hit = locate(session, filters.postcode)
    except InvalidInput as error:
        return render_template(
            "public/activities.html",
            filters=ActivityFilters(),
            errors=error.errors,
            page=None,
            args=request.args,
        ), error.status
    centre = hit.point if hit else None
    page = queries.search_activities(session, filters, config["PAGE_SIZE"], centre, public_since())
    if filters.page > page.pages:
        error = {"pagina": f"Pagina {filters.page} bestaat niet; er zijn {page.pages} pagina's."}
        return render_template(
            "public/activities.html", filters=filters, errors=error, page=None, args=request.args
        ), 404
    return render_template(
        "public/activities.html",
        filters=filters,
        errors={},
        page=page,
        args=request.args,
        centre=centre,
        centre_wijk=hit.district_code if hit else None,
    ), 200


def locate(session, postcode: str | None) -> geo.PostcodeHit | None:
    """Return where ``postcode`` is, or raise InvalidInput (422) when it is unknown or lies
    outside Zwolle."""
    if postcode is None:
        return None
    problem = service_area_problem(postcode, queries.in_service_area(session))
    if problem is not None:
        raise InvalidInput({"postcode": problem}, status=422)
    try:
        return geo.resolve_postcode(geocoding.make_geocoder(session, current_app.config), postcode)
    except geo.UnknownPostcode as error:
        raise InvalidInput({"postcode": str(error)}, status=422) from None


@bp.get("/activiteiten/<raw_id>")
@cached_page
def activity(raw_id: str) -> str:
    session = get_session()
    item = queries.public_activity_view(session, parse_id(raw_id, "Activiteit"), public_since())
    if item is None:
        abort(404, description="Deze activiteit bestaat niet (meer).")
    shown = signposts.resolve(
        signposts.for_activity(item.programme, item.cost), queries.signposts(session)
    )
    return render_template("public/activity.html", activity=item, signposts=shown)


#: Organisations per page of /aanbieders and /sportclubs (Zwolle's fit on one).
ORGANISATIONS_PER_PAGE = 100


def _list_page() -> int:
    """Return the ``pagina`` asked for a list, or answer 400."""
    raw = request.args.get("pagina", "1")
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= current_app.config["MAX_PAGE"]):
        abort(400, description="Het paginanummer moet een heel getal vanaf 1 zijn.")
    return int(raw)


def _organisation_page(**kinds: str) -> queries.OrganisationPage:
    page = queries.list_organisations(
        get_session(),
        confirmed_since=public_since(),
        page=_list_page(),
        size=ORGANISATIONS_PER_PAGE,
        **kinds,
    )
    if page.page > page.pages:
        abort(404, description=f"Pagina {page.page} bestaat niet; er zijn {page.pages} pagina's.")
    return page


@bp.get("/aanbieders")
@cached_page
def organisations() -> str:
    page = _organisation_page(exclude_kind="sportvereniging")
    return render_template(
        "public/organisations.html", rows=page.rows, page=page, kinds=ORGANISATION_KINDS
    )


@bp.get("/aanbieders/<raw_id>")
@cached_page
def organisation(raw_id: str) -> str:
    org = queries.get_public_organisation(get_session(), parse_id(raw_id, "Aanbieder"))
    if org is None:
        abort(404, description="Deze aanbieder bestaat niet (meer).")
    return render_template(
        "public/organisation.html",
        org=org,
        activities=queries.public_activities_of(org, public_since()),
    )


@bp.get("/sportclubs")
@cached_page
def sports_clubs() -> str:
    page = _organisation_page(kind="sportvereniging")
    return render_template("public/sports_clubs.html", rows=page.rows, page=page)


@bp.get("/over")
@cached_page
def about() -> str:
    return render_template("public/about.html")


#: The resident's questions, one per screen, and the answers each screen asks for. The last
#: screen also holds "Meer wensen" (folded, optional): those are extra wishes, not questions.
STEPS: tuple[tuple[str, ...], ...] = (
    ("postcode",),
    ("leeftijd", "geboortedatum"),
    ("interesses",),
    (DAY_PART_CHOICE, "dagdelen"),
    (
        "vervoer",
        "max_minuten",
        "behoeften",
        "begeleiding",
        "toegankelijkheid",
        "doelgroepen",
        "alleen_gratis",
        "ook_vol",
    ),
)

#: A resident sees the best this many places (a consultant sees more).
RESIDENT_MATCH_LIMIT = "10"


@bp.route("/wat-past-bij-mij", methods=["GET", "POST"])
def what_fits() -> tuple[str, int]:
    """Ask five questions, one at a time, then show what fits; nothing is stored."""
    form = request.form
    if request.method == "GET":
        return _step(1, form, {}), 200
    step = _read_step(form.get("stap"))
    if "terug" in form:
        return _step(max(step - 1, 1), form, {}), 200
    asked = {name for names in STEPS[:step] for name in names}
    args = MultiDict(form)
    if not args.get("limiet"):
        args["limiet"] = RESIDENT_MATCH_LIMIT
    try:
        if step == 1:  # say at once when the postcode is not one we can use
            locate(get_session(), read_postcode(args, {}))
        # Count a search without a result once, when the resident sees the answer.
        outcome = run_match(args, local_today(), count_unmet=step == len(STEPS))
    except InvalidInput as error:
        errors = {name: message for name, message in error.errors.items() if name in asked}
        if errors or step == len(STEPS):
            errors = errors or error.errors
            return _step(_first_step_of(errors, step), form, errors), error.status
        outcome = None
    if outcome is not None and (step == len(STEPS) or outcome.resident.intake.aow_reached):
        return render_template("public/what_fits_results.html", outcome=outcome, form=form), 200
    return _step(step + 1, form, {}), 200


def _first_step_of(errors: dict[str, str], current: int) -> int:
    """The earliest screen that asks one of the answers in ``errors`` (else ``current``)."""
    steps = [n for n, names in enumerate(STEPS, start=1) if errors.keys() & set(names)]
    return min(steps, default=current)


def _read_step(raw: str | None) -> int:
    return int(raw) if raw in {str(n) for n in range(1, len(STEPS) + 1)} else 1


def _step(step: int, form, errors: dict[str, str]) -> str:
    return render_template(
        "public/what_fits.html",
        step=step,
        steps=len(STEPS),
        form=form,
        errors=errors,
        keep_out=STEPS[step - 1],
    )
