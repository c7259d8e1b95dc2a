"""Log in, log out, and set a password through a one-time link."""

from __future__ import annotations

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
from werkzeug.wrappers import Response

from .. import accounts
from ..auth import home_for, is_safe_next
from ..db import get_session
from ..forms import LoginForm, SetPasswordForm

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
            login_user(user, remember=False)
            cookie_session.permanent = True
            target = form.next.data
            return redirect(target if is_safe_next(target) else home_for(user))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, problem=problem), status


@bp.post("/uitloggen")
@login_required
def logout() -> Response:
    accounts.end_sessions(get_session(), current_user)
    logout_user()
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
