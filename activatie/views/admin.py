"""The gemeente's pages (beheerder): accounts, approvals, stale listings, teams and the audit trail.

Every read is a named function of :mod:`admin_queries` (or :mod:`queries`); every write is one
service call that commits once and is audited (:mod:`accounts`, :mod:`listings`, :mod:`teams`,
:mod:`signpost_store`); the audit trail is shown with the Dutch labels of :mod:`audit_labels`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from werkzeug.wrappers import Response

from .. import (
    accounts,
    admin_queries,
    audit,
    catalogue_csv,
    listings,
    mail,
    queries,
    service_errors,
    signpost_store,
    signposts,
)
from ..audit import Actor
from ..audit_labels import audit_rows
from ..auth import roles_required
from ..db import get_session
from ..forms import (
    NO_CHOICE,
    AccountForm,
    NewOrganisationForm,
    SelectChoice,
    SignpostForm,
    TeamForm,
    options,
    pc4_list,
)
from ..models import (
    LOCAL_TIMEZONE,
    Activity,
    Organisation,
    Team,
    User,
    UserRole,
    confirmed_before,
    local_date,
    utcnow,
)
from ..teams import TeamError, save_team
from ..templating import nl_date
from . import csv_download, editing, optional_id, parse_id

bp = Blueprint("admin", __name__, url_prefix="/beheer")

#: The Dutch word in an audit URL -> the object_type stored in the audit trail.
AUDIT_TYPES = {
    "activiteit": "activity",
    "aanbieder": "organisation",
    "locatie": "location",
    "account": "user",
    "wijkteam": "team",
    "verwijzing": "signpost",
}
_AUDIT_WORDS = {kind: word for word, kind in AUDIT_TYPES.items()}


@bp.before_request
@roles_required(UserRole.ADMIN)
def _only_admins() -> None:
    """Every page here is for the gemeente's beheerders only."""


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"local_time": local_time, "audit_url": audit_url}


def local_time(value: datetime | None) -> str:
    """Format a moment in Zwolle's time: ``3 november 2026, 14:05 uur``."""
    if value is None:
        return ""
    here = value.astimezone(LOCAL_TIMEZONE)
    return f"{nl_date(here)}, {here:%H:%M} uur"


def audit_url(object_type: str, object_id: int) -> str:
    return url_for("admin.audit_trail", object_type=_AUDIT_WORDS[object_type], raw_id=object_id)


def _actor() -> Actor:
    return Actor.of(current_user)


def _get(model: type, raw_id: str, what: str, missing: str) -> Any:
    obj = queries.by_id(get_session(), model, parse_id(raw_id, what))
    if obj is None:
        abort(404, description=missing)
    return obj


def _days(name: str) -> int:
    return int(current_app.config[name])


# --- Overview --------------------------------------------------------------------------------


@bp.get("/")
def dashboard() -> str:
    found = admin_queries.dashboard_counts(
        get_session(), utcnow(), _days("STALE_AFTER_DAYS"), _days("HIDE_AFTER_DAYS")
    )
    counts = {**asdict(found), "signposts": len(signposts.DEFAULTS)}
    return render_template("admin/dashboard.html", counts=counts)


# --- Accounts --------------------------------------------------------------------------------


@bp.get("/accounts")
def accounts_list() -> str:
    users = admin_queries.accounts(get_session())
    return render_template("admin/accounts.html", users=users)


def _account_choices(form: AccountForm) -> None:
    session = get_session()
    organisations = admin_queries.organisations_by_name(session)
    teams = admin_queries.teams_by_name(session)
    none = [SelectChoice(NO_CHOICE, "—")]
    form.organisation_id.choices = none + options(
        (org.id, org.name + ("" if org.is_approved else " (wacht op goedkeuring)"))
        for org in organisations
    )
    form.team_id.choices = none + options((team.id, team.name) for team in teams)


@bp.route("/accounts/nieuw", methods=["GET", "POST"])
def new_account() -> tuple[str, int]:
    session = get_session()
    form = AccountForm()
    _account_choices(form)
    problem, status = None, 200
    if request.method == "GET":
        organisation_id = optional_id(request.args.get("aanbieder"))
        if organisation_id is not None and queries.by_id(session, Organisation, organisation_id):
            form.role.data = UserRole.PROVIDER
            form.organisation_id.data = organisation_id
    elif form.validate_on_submit() and (problem := _links_cannot_be_sent()):
        status = 503
    elif form.validate_on_submit():
        email = accounts.normalise_email(form.email.data)
        try:
            account = accounts.NewAccount(
                email,
                form.name.data,
                form.role.data,
                organisation_id=form.organisation_id.data or None,
                team_id=form.team_id.data or None,
            )
            user, raw = accounts.invite_user(
                session,
                _actor(),
                account,
                consultant_domains=accounts.consultant_domains(current_app.config),
            )
        except (accounts.AccountError, IntegrityError) as error:
            session.rollback()
            if admin_queries.email_taken(session, email):
                form.email.errors = ["Er is al een account met dit e-mailadres."]
                status = 409
            else:
                problem, status = str(error), 422
        else:
            link, mailed = _send_link(user, raw, new_account=True)
            return _render_account(user, link=link, mailed=mailed, created=True)
    else:
        status = 400
    return render_template("admin/account_form.html", form=form, problem=problem), status


@bp.get("/accounts/<raw_id>")
def account(raw_id: str) -> tuple[str, int]:
    return _render_account(_user(raw_id))


@bp.post("/accounts/<raw_id>/actief")
def set_account_active(raw_id: str) -> Response | tuple[str, int]:
    user = _user(raw_id)
    active = {"ja": True, "nee": False}.get(request.form.get("actief", ""))
    if active is None:
        abort(400, description="Kies 'ja' (aanzetten) of 'nee' (uitzetten).")
    if not active and user.id == current_user.id:
        return _render_account(
            user,
            problem="U kunt uw eigen account niet uitzetten. Vraag een andere beheerder om dit "
            "te doen.",
            status=409,
        )
    accounts.set_active(get_session(), _actor(), user, active)
    if active:
        flash(f"Het account van {user.name} staat weer aan.", "info")
    else:
        flash(
            f"Het account van {user.name} staat uit. Deze persoon kan niet meer inloggen.", "info"
        )
    return redirect(url_for("admin.account", raw_id=user.id))


@bp.post("/accounts/<raw_id>/wachtwoordlink")
def password_link(raw_id: str) -> tuple[str, int]:
    user = _user(raw_id)
    if problem := _links_cannot_be_sent():
        return _render_account(user, problem=problem, status=503)
    raw = accounts.create_password_token(get_session(), _actor(), user)
    link, mailed = _send_link(user, raw, new_account=False)
    return _render_account(user, link=link, mailed=mailed)


@bp.post("/accounts/<raw_id>/tweestaps-herstellen")
def reset_second_factor(raw_id: str) -> Response:
    """Remove an account's second factor (lost phone); the person sets up a new one."""
    user = _user(raw_id)
    accounts.reset_second_factor(get_session(), _actor(), user)
    announced = _announce(
        user,
        "Een beheerder heeft de tweestapsverificatie van uw account uitgezet. Bij de volgende "
        "keer inloggen stelt u die opnieuw in met de app op uw telefoon.",
    )
    flash(
        f"De tweestapsverificatie van {user.name} is uitgezet. Bij de volgende keer inloggen "
        "stelt deze persoon een nieuwe in."
        + (" We hebben dit ook gemaild naar de persoon zelf." if announced else ""),
        "info",
    )
    return redirect(url_for("admin.account", raw_id=user.id))


def _shows_links() -> bool:
    """Outside production the beheerder may see one-time links (development, tests)."""
    return current_app.config["ENV_NAME"] != "production"


def _links_cannot_be_sent() -> str | None:
    if _shows_links() or mail.is_configured(current_app.config):
        return None
    return (
        "Er is geen e-mailserver ingesteld (ACTIVATIE_SMTP_HOST). Een wachtwoordlink gaat "
        "alleen per e-mail naar de persoon zelf, dus dit kan nu niet."
    )


def _announce(user: User, what: str) -> bool:
    """E-mail the account holder about a change a beheerder made; True when it went out."""
    if not mail.is_configured(current_app.config):
        return False
    try:
        mail.send_account_notice(current_app.config, user.email, user.name, what)
    except mail.MailError:
        return False
    return True


def _user(raw_id: str) -> User:
    return _get(User, raw_id, "Account", "Dit account bestaat niet.")


def _send_link(user: User, raw: str, *, new_account: bool) -> tuple[str | None, bool | None]:
    """Build the one-time link and, when an SMTP server is set, e-mail it; never log it.

    Return the link to show (never in production: there it goes only by e-mail to the account's
    own address) and whether the e-mail went out (None: no e-mail server configured).
    """
    link = url_for("auth.set_password", token=raw, _external=True)
    shown = link if _shows_links() else None
    if not mail.is_configured(current_app.config):
        return shown, None
    try:
        mail.send_password_link(
            current_app.config,
            user.email,
            user.name,
            link,
            lifetime_days=accounts.TOKEN_LIFETIME.days,
            new_account=new_account,
        )
    except mail.MailError:
        return shown, False
    return shown, True


def _render_account(
    user: User,
    *,
    link: str | None = None,
    mailed: bool | None = None,
    created: bool = False,
    problem: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    events = audit.events_for(get_session(), "user", user.id)  # type: ignore[arg-type]
    return render_template(
        "admin/account.html",
        user=user,
        link=link,
        mailed=mailed,
        created=created,
        problem=problem,
        is_self=user.id == current_user.id,
        link_days=accounts.TOKEN_LIFETIME.days,
        show_links=_shows_links(),
        rows=audit_rows(get_session(), events),
    ), status


# --- Organisations and approvals -------------------------------------------------------------


@bp.route("/aanbieders/nieuw", methods=["GET", "POST"])
def new_organisation() -> Response | tuple[str, int]:
    form = NewOrganisationForm()
    problem, status = None, 200
    if form.validate_on_submit():
        try:
            organisation = listings.create_organisation(
                get_session(), _actor(), form.name.data, form.kind.data
            )
        except listings.Duplicate as error:
            form.name.errors = [str(error)]
            status = 409
        except listings.ListingError as error:
            problem, status = str(error), 422
        else:
            flash(
                f"Aanbieder '{organisation.name}' is aangemaakt. Maak nu een account voor deze "
                "aanbieder.",
                "info",
            )
            return redirect(url_for("admin.new_account", aanbieder=organisation.id))
    elif request.method == "POST":
        status = 400
    return render_template("admin/organisation_form.html", form=form, problem=problem), status


@bp.get("/goedkeuren")
def approvals() -> str:
    session = get_session()
    organisations = admin_queries.waiting_organisations(session)
    activities = admin_queries.waiting_activities(session)
    return render_template(
        "admin/approvals.html", organisations=organisations, activities=activities
    )


@bp.post("/goedkeuren/activiteit/<raw_id>")
def approve_activity(raw_id: str) -> Response:
    activity: Activity = _get(Activity, raw_id, "Activiteit", "Deze activiteit bestaat niet.")
    listings.approve(get_session(), _actor(), activity)
    if activity.organisation.is_approved:
        flash(f"'{activity.title}' is goedgekeurd en nu te zien voor iedereen.", "info")
    else:
        flash(
            f"'{activity.title}' is goedgekeurd. Hij is pas te zien als ook de aanbieder "
            f"'{activity.organisation.name}' is goedgekeurd.",
            "info",
        )
    return redirect(url_for("admin.approvals"))


@bp.post("/goedkeuren/aanbieder/<raw_id>")
def approve_organisation(raw_id: str) -> Response:
    organisation: Organisation = _get(
        Organisation, raw_id, "Aanbieder", "Deze aanbieder bestaat niet."
    )
    listings.approve(get_session(), _actor(), organisation)
    flash(f"Aanbieder '{organisation.name}' is goedgekeurd.", "info")
    return redirect(url_for("admin.approvals"))


# --- Stale listings --------------------------------------------------------------------------


@dataclass(frozen=True)
class StaleRow:
    activity: Activity
    days: int
    hidden: bool


@bp.get("/catalogus.csv")
def catalogue_export() -> Response:
    """Download the whole catalogue, hidden listings included, in the import format."""
    activities = queries.all_activities(get_session())
    return csv_download(catalogue_csv.to_csv(activities), "activatie-catalogus-volledig.csv")


@bp.get("/verouderd")
def stale() -> str:
    now = utcnow()
    hidden_before = confirmed_before(local_date(now), _days("HIDE_AFTER_DAYS"))
    activities = admin_queries.stale_activities(get_session(), now, _days("STALE_AFTER_DAYS"))
    rows = [
        StaleRow(a, (local_date(now) - a.confirmed_on).days, a.confirmed_at < hidden_before)
        for a in activities
    ]
    return render_template("admin/stale.html", rows=rows)


# --- Audit trail -----------------------------------------------------------------------------


def _describe(kind: str, obj: Any) -> str:
    if obj is None:
        return "(bestaat niet meer)"
    if kind == "activity":
        return f"{obj.title} – {obj.organisation.name}"
    if kind == "location":
        return f"{obj.name} – {obj.organisation.name}"
    return obj.name


@bp.get("/audit/<object_type>/<raw_id>")
def audit_trail(object_type: str, raw_id: str) -> str:
    kind = AUDIT_TYPES.get(object_type)
    if kind is None:
        abort(
            404,
            description="Van dit soort gegevens houden we hier geen wijzigingen bij. Kies "
            "activiteit, aanbieder, locatie, account, wijkteam of verwijzing.",
        )
    object_id = parse_id(raw_id, object_type.capitalize())
    session = get_session()
    obj = admin_queries.audited_object(session, kind, object_id)
    events = audit.events_for(session, kind, object_id)
    if obj is None and not events:
        abort(404, description=f"{object_type.capitalize()} {object_id} bestaat niet.")
    return render_template(
        "admin/audit.html",
        word=object_type,
        object_id=object_id,
        title=_describe(kind, obj),
        rows=audit_rows(session, events),
    )


# --- Teams -----------------------------------------------------------------------------------


@bp.get("/teams")
def teams() -> str:
    session = get_session()
    consultants = admin_queries.consultants_per_team(session)
    all_teams = admin_queries.teams_by_name(session)
    return render_template("admin/teams.html", teams=all_teams, consultants=consultants)


@bp.route("/teams/nieuw", methods=["GET", "POST"])
def new_team() -> Response | tuple[str, int]:
    return _team_form(None)


@bp.route("/teams/<raw_id>", methods=["GET", "POST"])
def edit_team(raw_id: str) -> Response | tuple[str, int]:
    return _team_form(_get(Team, raw_id, "Wijkteam", "Dit wijkteam bestaat niet."))


def _team_form(team: Team | None) -> Response | tuple[str, int]:
    form = TeamForm(obj=team if request.method == "GET" else None)
    problem, status = None, 200
    if editing.lacks_version(form, team is not None):
        problem, status = "Het formulier is niet compleet. Open het wijkteam opnieuw.", 400
    elif form.validate_on_submit():
        try:
            saved = save_team(
                get_session(),
                _actor(),
                team,
                form.name.data,
                pc4_list(form.pc4_codes.data),
                editing.seen_version(form),
                phone=form.phone.data or "",
            )
        except service_errors.Duplicate as error:
            form.name.errors = [str(error)]
            status = 409
        except service_errors.Conflict as error:
            form, problem, status = editing.after_conflict(
                error,
                lambda session: TeamForm(formdata=None, obj=queries.by_id(session, Team, team.id)),  # type: ignore[union-attr]
            )
        except TeamError as error:
            problem, status = str(error), 422
        else:
            flash(f"Wijkteam '{saved.name}' is opgeslagen.", "info")
            return redirect(url_for("admin.teams"))
    elif request.method == "POST":
        status = 400
    return render_template("admin/team_form.html", form=form, team=team, problem=problem), status


# --- Signposts (verwijzingen) ----------------------------------------------------------------


def _stored_signpost_form(session: Session, key: str) -> SignpostForm:
    form = SignpostForm(formdata=None, obj=signposts.resolve([key], queries.signposts(session))[0])
    form.version.data = str(admin_queries.signpost_version(session, key))
    return form


@bp.get("/verwijzingen")
def signposts_list() -> str:
    session = get_session()
    shown = signposts.resolve(signposts.DEFAULTS, queries.signposts(session))
    ids = admin_queries.signpost_ids(session)
    return render_template("admin/signposts.html", signposts=shown, ids=ids)


@bp.route("/verwijzingen/<key>", methods=["GET", "POST"])
def edit_signpost(key: str) -> Response | tuple[str, int]:
    if key not in signposts.DEFAULTS:
        abort(404, description="Deze verwijzing bestaat niet.")
    session = get_session()
    row = admin_queries.signpost_row(session, key)
    current = signposts.resolve([key], queries.signposts(session))[0]
    form = SignpostForm(obj=current if request.method == "GET" else None)
    if request.method == "GET" and row is not None:
        form.version.data = str(row.version)
    problem, status = None, 200
    if editing.lacks_version(form, row is not None):
        problem, status = "Het formulier is niet compleet. Open de verwijzing opnieuw.", 400
    elif form.validate_on_submit():
        values = {name: getattr(form, name).data or "" for name in signpost_store.SIGNPOST_FIELDS}
        try:
            signpost_store.save_signpost(session, _actor(), key, values, editing.seen_version(form))
        except service_errors.Conflict as error:
            form, problem, status = editing.after_conflict(
                error, lambda session: _stored_signpost_form(session, key)
            )
        except signpost_store.SignpostError as error:
            problem, status = str(error), 422
        else:
            flash(f"Verwijzing '{values['name']}' is opgeslagen.", "info")
            return redirect(url_for("admin.signposts_list"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "admin/signpost_form.html", form=form, key=key, row=row, problem=problem
    ), status
