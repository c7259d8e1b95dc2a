"""The wijkteam consultant's pages: matching with the full intake on one page."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from .. import mail, placements, queries
from ..auth import roles_required
from ..db import get_session
from ..filters import InvalidInput
from ..forms import PlacementForm
from ..intake import DAY_PART_CHOICE, MATCH_PARAMS
from ..models import Activity, Placement, UserRole, local_today
from ..vocabulary import LADDER_UNKNOWN, NEEDS
from . import parse_id, placement_pages, public_since, show_errors
from .matching import run_match

bp = Blueprint("consultant", __name__, url_prefix="/consulent")

MAX_SEARCH_LENGTH = 2000  #: characters of a match search carried to the aanmelding form and back
MAX_SEARCH_VALUE = 100  #: characters of one value in it (longer ones are not from the form)

#: Each field of placements.NewPlacement -> the field of forms.PlacementForm that asks it.
NEW_PLACEMENT_FIELDS = {
    "activity_id": "activiteit",
    "age_band": "leeftijdsgroep",
    "pc4": "pc4",
    "needs": "behoeften",
    "ladder_start": "trede_start",
    "preferred_start": "voorkeur_start",
    "note": "notitie",
    "health_words_confirmed": "notitie_bevestigd",
}


@bp.get("/matchen")
@roles_required(UserRole.CONSULTANT, UserRole.ADMIN)
def match() -> tuple[str, int]:
    """Show the intake form; with a search in the URL, also the matches and the near misses.

    The search is a GET, so the browser's Back button and the aanmelding form's way back show
    the same results again. The access log leaves query strings out (gunicorn.conf.py), and
    staff pages are not cached (no-store).
    """
    args = request.args
    if not any(name in args for name in MATCH_PARAMS):
        return render_template("consultant/match.html", form=args, errors={}), 200
    try:
        outcome = run_match(args, local_today())
    except InvalidInput as error:
        return render_template(
            "consultant/match.html", form=args, errors=error.errors
        ), error.status
    search = search_query(args, age=outcome.resident.intake.age)
    return render_template(
        "consultant/match.html", form=args, errors={}, outcome=outcome, search=search
    ), 200


@bp.after_request
def no_referrer(response: Response) -> Response:
    """A search URL may hold a date of birth: never send it on, not even to our own files."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


#: What the way back to the results carries: the search, with the day-part shortcut, but an
#: age instead of a date of birth (the referral form and its link need no more).
SEARCH_FIELDS = tuple(name for name in MATCH_PARAMS if name != "geboortedatum") + (DAY_PART_CHOICE,)


def search_query(args: MultiDict[str, str], age: int | None = None) -> str:
    """Return the match search in ``args`` as a query string: known fields, non-empty values.

    A date of birth is left out; with ``age`` given, the age takes its place.
    """
    pairs = [
        (name, value)
        for name in SEARCH_FIELDS
        for value in args.getlist(name)
        if value and len(value) <= MAX_SEARCH_VALUE
    ]
    if age is not None and not any(name == "leeftijd" for name, _ in pairs):
        pairs.insert(1, ("leeftijd", str(age)))
    return urlencode(pairs)


def clean_search(query: str | None) -> str:
    """Return ``query`` (a query string sent back by a form) with the match page's fields only."""
    if not query or len(query) > MAX_SEARCH_LENGTH:
        return ""
    return search_query(MultiDict(parse_qsl(query, keep_blank_values=False)))


def back_to_results(search: str) -> str:
    """Return the link back to the match results of a cleaned ``search`` (or to the form)."""
    if not search:
        return url_for("consultant.match")
    return f"{url_for('consultant.match')}?{search}#resultaten"


@bp.route("/aanmeldingen/nieuw", methods=["GET", "POST"])
@roles_required(UserRole.CONSULTANT)
def new_placement() -> Response | tuple[str, int]:
    """Refer a resident to one activity, with the least data that does the job."""
    session = get_session()
    from_match = request.method == "POST" and "van_match" in request.form
    form = PlacementForm(formdata=None if from_match else request.form or None)
    if request.method == "GET" or from_match:
        source = request.form if from_match else request.args
        form.activiteit.data = source.get("activiteit", "")
        form.pc4.data = source.get("pc4", "")
        form.leeftijdsgroep.data = source.get("leeftijdsgroep") or None
        form.behoeften.data = [n for n in source.getlist("behoeften") if n in NEEDS]
        form.zoekvraag.data = source.get("zoekvraag", "")
    activity = _referable(session, form.activiteit.data)
    form.zoekvraag.data = clean_search(form.zoekvraag.data)
    back = back_to_results(form.zoekvraag.data)
    if request.method == "GET" or from_match or not form.validate_on_submit():
        status = 400 if request.method == "POST" and not from_match else 200
        return render_template(
            "placements/new.html", form=form, activity=activity, back=back
        ), status
    new = placements.NewPlacement(
        activity_id=activity.id,  # type: ignore[arg-type]
        age_band=form.leeftijdsgroep.data,
        pc4=form.pc4.data,
        needs=frozenset(form.behoeften.data or []),
        ladder_start=None
        if form.trede_start.data == LADDER_UNKNOWN[0]
        else int(form.trede_start.data),
        preferred_start=form.voorkeur_start.data,
        note=form.notitie.data or "",
        health_words_confirmed=bool(form.notitie_bevestigd.data),
    )
    try:
        placement = placements.refer(session, current_user, new)
    except placements.PlacementError as error:
        show_errors(form, error.errors, NEW_PLACEMENT_FIELDS)
        return render_template(
            "placements/new.html", form=form, activity=activity, problem=str(error), back=back
        ), error.status
    flash(
        f"De aanmelding is verstuurd naar de aanbieder. Het kenmerk is {placement.reference}: "
        "neem het over in uw eigen dossier.",
        "info",
    )
    notice, level = _notify_provider(placement)
    flash(notice, level)
    return redirect(url_for("consultant.placement", raw_id=placement.id))


def _notify_provider(placement: Placement) -> tuple[str, str]:
    """E-mail the provider that an aanmelding arrived; return what to tell the consultant.

    The aanmelding is already stored: a mail server that fails loses nothing. The provider sees
    it as new on their dashboard anyway, and the consultant is told to call when it is urgent.
    """
    organisation = placement.activity.organisation
    if not mail.is_configured(current_app.config) or not organisation.email:
        return "De aanbieder ziet de aanmelding als nieuw in Activatie.", "info"
    try:
        mail.send_new_placement(
            current_app.config,
            organisation.email,
            reference=placement.reference or "",
            activity_title=placement.activity.title,
            link=url_for("provider.placement", raw_id=placement.id, _external=True),
        )
    except mail.MailError:
        placements.record_notice(get_session(), current_user, placement, sent=False)
        return (
            "Let op: de e-mail aan de aanbieder is niet verstuurd. De aanmelding is wel "
            "opgeslagen en de aanbieder ziet hem in Activatie. Bel de aanbieder als het snel moet.",
            "error",
        )
    placements.record_notice(get_session(), current_user, placement, sent=True)
    return f"De aanbieder heeft een e-mail gekregen op {organisation.email}.", "info"


def _referable(session, raw_id: str | None) -> Activity:
    if not raw_id:
        abort(400, description="Kies eerst een activiteit om iemand bij aan te melden.")
    activity = queries.get_public_activity(
        session, parse_id(raw_id or "", "Activiteit"), public_since()
    )
    if activity is None:
        abort(404, description="Deze activiteit bestaat niet (meer).")
    return activity


@bp.get("/aanmeldingen")
@roles_required(UserRole.CONSULTANT)
def placements_list() -> str:
    return render_template(
        "placements/list.html", rows=placement_pages.list_rows(), title="Aanmeldingen van uw team"
    )


@bp.get("/aanmeldingen/<raw_id>")
@roles_required(UserRole.CONSULTANT)
def placement(raw_id: str) -> tuple[str, int]:
    return placement_pages.render_detail(placement_pages.load(raw_id))


@bp.get("/aanmeldingen/<raw_id>/blad")
@roles_required(UserRole.CONSULTANT)
def placement_sheet(raw_id: str) -> str:
    """The printable sheet for the resident (print CSS; no PDF library)."""
    return placement_pages.render_sheet(placement_pages.load(raw_id))


@bp.post("/aanmeldingen/<raw_id>/stap")
@roles_required(UserRole.CONSULTANT)
def placement_step(raw_id: str) -> Response | tuple[str, int]:
    return placement_pages.apply_step(raw_id)
