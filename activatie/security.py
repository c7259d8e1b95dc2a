"""Security wiring that applies to every request: CSRF, headers, and input hygiene."""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, request
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


#: Longest URL (path and query) the app answers; gunicorn's own limit (gunicorn.conf.py) is
#: higher, so a long URL gets this Dutch 414 rather than gunicorn's English page.
MAX_URL_LENGTH = 4096


def init_app(app: Flask) -> None:
    app.before_request(refuse_long_urls)
    # CSRF first (its before_request is added by init_app), so an unchecked post reads no body.
    csrf.init_app(app)
    app.before_request(reject_nul_bytes)
    app.before_request(limit_json_body)
    app.after_request(add_security_headers)


def refuse_long_urls() -> None:
    if len(request.full_path) > MAX_URL_LENGTH:
        abort(414, description="Het adres is te lang. Maak uw zoekopdracht korter.")


def limit_json_body() -> None:
    """Refuse JSON that is too large or too deeply nested before anything parses it.

    ``request.get_json()`` recurses: a body of 100,000 ``[`` ends in RecursionError.
    """
    if not request.is_json:
        return
    limit = current_app.config["JSON_MAX_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        abort(413, description=f"Stuur hoogstens {limit // 1024} kB JSON.")
    data = request.get_data(cache=True)
    if len(data) > limit:
        abort(413, description=f"Stuur hoogstens {limit // 1024} kB JSON.")
    if json_depth(data) > current_app.config["JSON_MAX_DEPTH"]:
        abort(400, description="Deze JSON is te diep genest.")


def json_depth(data: bytes) -> int:
    """Return the deepest nesting of ``[`` and ``{`` in JSON text, ignoring strings; no parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def reject_nul_bytes() -> None:
    """Refuse any input containing a NUL byte (PostgreSQL fails on it, SQLite stores it)."""
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.mimetype in _FORM_TYPES and request.form:  # no other body fills request.form
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in value for value in values) or (
        request.content_length and b"\x00" in request.get_data(cache=True)
    ):
        abort(400, description="Er staat een ongeldig teken in wat u invulde.")


#: The headers every answer gets unless its view set them, lower-cased names first.
_DEFAULT_HEADERS = tuple((name.lower(), name, value) for name, value in SECURITY_HEADERS.items())
_HSTS = ("strict-transport-security", "Strict-Transport-Security", "max-age=31536000")
_NO_STORE = ("cache-control", "Cache-Control", "no-store")


def add_security_headers(response: Response) -> Response:
    """Add the security headers a view did not set itself (one pass over the answer's headers:
    this runs on every request, also on a page from the cache)."""
    present = {name.lower() for name, _ in response.headers.items()}
    added = list(_DEFAULT_HEADERS)
    if request.scheme == "https":
        added.append(_HSTS)
    if request.path.startswith(("/aanbieder", "/consulent", "/beheer", "/inloggen", "/api/")):
        added.append(_NO_STORE)
    response.headers.extend([(name, value) for key, name, value in added if key not in present])
    return response
