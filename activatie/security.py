"""Security wiring that applies to every request: CSRF, headers, and input hygiene."""

from __future__ import annotations

from flask import Flask, Response, abort, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

#: No inline script or style anywhere: JavaScript and CSS come from our own static files.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # "no-referrer" would break Flask-WTF's referrer check over HTTPS (security.md, 9).
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    app.before_request(reject_nul_bytes)
    app.after_request(add_security_headers)


def reject_nul_bytes() -> None:
    """Refuse any input containing a NUL byte (PostgreSQL fails on it, SQLite stores it)."""
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.form:
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in value for value in values) or (
        request.content_length and b"\x00" in request.get_data(cache=True)
    ):
        abort(400, description="Er staat een ongeldig teken in wat u invulde.")


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.scheme == "https":
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.path.startswith(("/aanbieder", "/consulent", "/beheer", "/inloggen", "/api/")):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
