"""Log-in wiring: Flask-Login with versioned ids, role checks and safe redirects."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import LoginManager, current_user
from werkzeug.wrappers import Response

from . import accounts
from .db import get_session
from .models import User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in om deze pagina te zien."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"

F = TypeVar("F", bound=Callable[..., Any])


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return accounts.load_user(get_session(), user_id)


@login_manager.unauthorized_handler
def _unauthorized() -> Response:
    if request.path.startswith("/api/"):
        abort(401, description="Log in of gebruik een geldige API-sleutel.")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def roles_required(*roles: str) -> Callable[[F], F]:
    """Allow only logged-in users with one of ``roles``; others get 403, anonymous a login."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def is_safe_next(target: str | None) -> bool:
    """Accept only a path on this site: one leading slash, no scheme, host or backslash."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def home_for(user: User) -> str:
    return {
        "aanbieder": url_for("provider.dashboard"),
        "consulent": url_for("consultant.match"),
        "beheerder": url_for("admin.dashboard"),
    }[user.role]


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
