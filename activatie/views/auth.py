"""Log in, log out, and set a password through a one-time link."""

from __future__ import annotations

import time
from datetime import timedelta

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
from flask import session as cookie_session
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from .. import accounts, mfa
from ..auth import home_for, is_safe_next
from ..db import get_session
from ..forms import CodeForm, LoginForm, SetPasswordForm
from ..models import User, utcnow

bp = Blueprint("auth", __name__)


def _policy() -> accounts.LoginPolicy:
    config = current_app.config
    return accounts.LoginPolicy(
        secret=config["SECRET_KEY"],
        hash_method=config["PASSWORD_HASH_METHOD"],
        max_failures=config["LOGIN_MAX_FAILURES"],
        window=timedelta(minutes=config["LOGIN_LOCK_MINUTES"]),
        backstop_failures=config["LOGIN_BACKSTOP_FAILURES"],
    )


@bp.route("/inloggen", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(home_for(current_user))
    status, problem = 200, None
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                get_session(),
                form.email.data,
                form.password.data,
                request.remote_addr or "unknown",
                _policy(),
            )
        except accounts.LoginThrottled as error:
            status, problem = 429, str(error)
        except accounts.AccountError as error:
            status, problem = 400, str(error)
        else:
            target = form.next.data if is_safe_next(form.next.data) else ""
            if user.totp_secret or mfa.is_required(user.role):
                # The password alone reaches only the second step (or setting it up).
                cookie_session[PENDING] = {"id": user.get_id(), "next": target, "at": _now()}
                return redirect(url_for("auth.second_factor" if user.totp_secret else "auth.enrol"))
            return _finish_login(user, target)
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, problem=problem), status


PENDING = "tweestaps_wacht"  # cookie key: who passed the password step, for a few minutes
DONE = "tweestaps"  # cookie key: the user id that passed the second step in this session
PENDING_SECONDS = 600


def _now() -> int:
    return int(time.time())


def _finish_login(user: User, target: str) -> Response:
    cookie_session.pop(PENDING, None)
    login_user(user, remember=False)
    cookie_session.permanent = True
    cookie_session[DONE] = user.id if user.totp_secret else None
    return redirect(target or home_for(user))


def _pending_user() -> tuple[User | None, str]:
    """Return who passed the password step in the last few minutes, and where they were going."""
    pending = cookie_session.get(PENDING)
    if not isinstance(pending, dict) or _now() - int(pending.get("at", 0)) > PENDING_SECONDS:
        return None, ""
    return accounts.load_user(get_session(), str(pending.get("id", ""))), pending.get("next", "")


@bp.before_app_request
def _second_factor_done() -> Response | None:
    """Log out a session that should have passed the second step but did not."""
    if "_user_id" not in cookie_session or request.endpoint in ("static", "auth.logout"):
        return None
    if not current_user.is_authenticated:
        return None
    needed = current_user.totp_secret or mfa.is_required(current_user.role)
    if needed and cookie_session.get(DONE) != current_user.id:
        logout_user()
        return redirect(url_for("auth.login"))
    return None


@bp.route("/inloggen/code", methods=["GET", "POST"])
def second_factor() -> Response | tuple[str, int]:
    """The second login step: a code from the app, or a recovery code."""
    user, target = _pending_user()
    if user is None:
        return _start_again()
    if not user.totp_secret:
        return redirect(url_for("auth.enrol"))
    form = CodeForm()
    status, problem = 200, None
    if form.validate_on_submit():
        try:
            kind = accounts.check_second_factor(
                get_session(), user, form.code.data, utcnow(), _policy()
            )
        except accounts.LoginThrottled as error:
            status, problem = 429, str(error)
        except accounts.AccountError as error:
            status, problem = 400, str(error)
        else:
            if kind == "herstelcode":
                left = accounts.recovery_codes_left(get_session(), user)
                flash(
                    f"U heeft een herstelcode gebruikt. U heeft er nog {left}. Telefoon kwijt? "
                    "Vraag de beheerder om uw tweestapsverificatie opnieuw in te stellen.",
                    "info",
                )
            return _finish_login(user, target)
    elif request.method == "POST":
        status = 400
    return render_template("auth/second_factor.html", form=form, problem=problem), status


@bp.route("/tweestaps/instellen", methods=["GET", "POST"])
def enrol() -> Response | tuple[str, int]:
    """Set up an authenticator app: during login (required roles) or later (aanbieder)."""
    logged_in = current_user.is_authenticated
    user, target = (current_user, "") if logged_in else _pending_user()
    if user is None:
        return _start_again()
    if user.totp_secret:
        return redirect(home_for(user) if logged_in else url_for("auth.second_factor"))
    session = get_session()
    secret_key = current_app.config["SECRET_KEY"]
    form = CodeForm()
    status, problem = 200, None
    if form.validate_on_submit():
        try:
            codes = accounts.confirm_enrolment(session, user, secret_key, form.code.data, utcnow())
        except accounts.AccountError as error:
            status, problem = 400, str(error)
        else:
            if logged_in:
                cookie_session[DONE] = user.id
            else:
                _finish_login(user, target)
            return render_template(
                "auth/recovery_codes.html", codes=codes, target=target or home_for(user)
            ), 200
    elif request.method == "POST":
        status = 400
    secret = accounts.start_enrolment(session, user, secret_key)
    uri = mfa.provisioning_uri(secret, user.email)
    return (
        render_template(
            "auth/enrol.html",
            form=form,
            problem=problem,
            qr=Markup(mfa.qr_svg(uri)),  # segno escapes what it writes; the uri is ours
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            required=mfa.is_required(user.role),
        ),
        status,
    )


def _start_again() -> Response:
    cookie_session.pop(PENDING, None)
    flash("Log opnieuw in met uw e-mailadres en wachtwoord.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/uitloggen")
@login_required
def logout() -> Response:
    accounts.end_sessions(get_session(), current_user)
    logout_user()
    cookie_session.pop(DONE, None)
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("public.home"))


@bp.route("/wachtwoord/<token>", methods=["GET", "POST"])
def set_password(token: str) -> Response | tuple[str, int] | str:
    session = get_session()
    if accounts.find_password_token(session, token) is None:
        abort(404, description="Deze link werkt niet meer. Vraag de beheerder om een nieuwe.")
    form = SetPasswordForm()
    problem = None
    if form.validate_on_submit():
        try:
            accounts.use_password_token(
                session, token, form.password.data, current_app.config["PASSWORD_HASH_METHOD"]
            )
        except accounts.AccountError as error:
            problem = str(error)
        else:
            logout_user()
            flash("Uw wachtwoord is opgeslagen. U kunt nu inloggen.", "info")
            return redirect(url_for("auth.login"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/set_password.html", form=form, problem=problem), status
