"""Error pages in Dutch and ``application/problem+json`` for the API; never a stack trace."""

from __future__ import annotations

import logging
import re
import traceback
import uuid
from pathlib import Path

from flask import Flask, Response, g, jsonify, render_template, request
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from . import db

log = logging.getLogger(__name__)

TITLES = {
    400: "Dat klopt niet helemaal",
    401: "Log eerst in",
    403: "Dat mag niet",
    404: "Deze pagina bestaat niet",
    405: "Dat kan hier niet",
    409: "Iemand anders was u voor",
    412: "Iemand anders was u voor",
    413: "Dat is te veel",
    414: "Dat adres is te lang",
    415: "Dat kan hier niet",
    422: "Dat klopt niet helemaal",
    428: "Stuur de versie mee",
    429: "Even wachten",
    500: "Er ging iets mis",
    503: "Even niet beschikbaar",
}

DEFAULT_DETAILS = {
    400: "Wat u invulde kunnen we niet gebruiken.",
    403: "U heeft geen toegang tot deze pagina.",
    404: "We kunnen deze pagina niet vinden. Misschien is het adres veranderd.",
    405: "Deze actie kan op deze pagina niet.",
    413: "Wat u stuurde is te groot.",
    414: "Het adres is te lang. Maak uw zoekopdracht korter.",
    429: "U heeft het te vaak geprobeerd. Probeer het over een kwartier opnieuw.",
    500: "Er ging bij ons iets mis. Probeer het later nog eens.",
    503: "Activatie is even niet bereikbaar. Probeer het over een paar minuten opnieuw.",
}


#: Seconds a client is asked to wait after a 503 (the ``Retry-After`` header).
RETRY_AFTER_SECONDS = 30

#: Flask-WTF's English reasons for refusing a post, in Dutch.
CSRF_MESSAGES = {
    "The CSRF token is missing.": "Het formulier mist een beveiligingscode.",
    "The CSRF session token is missing.": "Uw sessie is verlopen of uw browser weigert cookies.",
    "The CSRF token has expired.": "Het formulier stond te lang open.",
    "The CSRF token is invalid.": "De beveiligingscode van het formulier klopt niet.",
    "The CSRF tokens do not match.": "De beveiligingscode van het formulier klopt niet.",
    "The referrer header is missing.": "Uw browser zei niet van welke pagina het formulier kwam.",
    "The referrer does not match the host.": "Het formulier kwam niet van deze website.",
}
CSRF_ADVICE = " Ga terug, laad de pagina opnieuw en probeer het nog eens."

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id() -> str:
    """Return this request's id: the proxy's ``X-Request-ID`` when sane, else a new one."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]
    return g.request_id


def wants_problem_json() -> bool:
    return request.path.startswith(("/api/", "/hsds/"))


def problem(status: int, detail: str, **extra: object) -> Response:
    """Return an RFC 9457 problem response."""
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Fout"),
        "status": status,
        "detail": detail,
        **extra,
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _detail(error: HTTPException) -> str:
    if isinstance(error, CSRFError):
        reason = error.description or ""
        return CSRF_MESSAGES.get(reason, "Het formulier kon niet worden gecontroleerd.") + (
            CSRF_ADVICE
        )
    description = error.description or ""
    # Werkzeug's own English descriptions are replaced by ours.
    if not description or description == type(error).description:
        return DEFAULT_DETAILS.get(error.code or 500, "Er ging iets mis.")
    return description


def handle_http_error(error: HTTPException) -> Response | tuple[str, int]:
    status = error.code or 500
    detail = _detail(error)
    if wants_problem_json():
        response = problem(status, detail)
    else:
        body = render_template(
            "errors/error.html", status=status, title=TITLES.get(status, "Fout"), detail=detail
        )
        response = Response(body, status=status, mimetype="text/html")
    for name in ("Retry-After", "Allow"):
        if error.get_response().headers.get(name):
            response.headers[name] = error.get_response().headers[name]
    return response


def handle_database_down(error: Exception) -> Response | tuple[str, int]:
    """Answer a failing database with a Dutch 503 that itself needs no database.

    One log line per request. The broken session is invalidated rather than rolled back (a
    rollback on a dead connection logs a traceback from the pool), the user is not reloaded
    while the page renders, and the next request simply tries the database again.
    """
    log.error(
        "database unavailable [request %s] %s %s: %s",
        request_id(),
        request.method,
        request.path,
        describe(error),
    )
    g.database_down = True
    g._login_user = AnonymousUserMixin()  # Flask-Login: do not load the user again
    db.discard_session()
    return handle_http_error(ServiceUnavailable(description=DEFAULT_DETAILS[503]))


def add_retry_after(response: Response) -> Response:
    """Give every 503 a ``Retry-After`` and every answer its request id."""
    if response.status_code == 503:
        response.headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
    response.headers.setdefault("X-Request-ID", request_id())
    return response


def describe(error: BaseException) -> str:
    """Describe an error for the log without its message: that may hold personal data.

    Even with ``hide_parameters`` the database's own text can quote the row ("Failing row
    contains ..."), so only the exception types, the SQLSTATE and the code location are kept.
    """
    name = type(error).__name__
    if isinstance(error, DBAPIError) and error.orig is not None:
        state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        name = f"{name} ({type(error.orig).__name__}, sqlstate {state})"
    frames = traceback.extract_tb(error.__traceback__)[-5:]
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    return f"{name} at {where}"


def handle_unexpected(error: Exception) -> Response | tuple[str, int]:
    log.error(
        "unhandled error [request %s] %s %s: %s",
        request_id(),
        request.method,
        request.path,
        describe(error),
    )
    return handle_http_error(InternalServerError())


#: Errors that mean the database cannot be reached or did not answer in time.
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    for error in DATABASE_DOWN:
        app.register_error_handler(error, handle_database_down)
    app.register_error_handler(Exception, handle_unexpected)
    app.after_request(add_retry_after)
