"""Error pages in Dutch and ``application/problem+json`` for the API; never a stack trace."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

TITLES = {
    400: "Dat klopt niet helemaal",
    401: "Log eerst in",
    403: "Dat mag niet",
    404: "Deze pagina bestaat niet",
    405: "Dat kan hier niet",
    409: "Iemand anders was u voor",
    413: "Dat is te veel",
    422: "Dat klopt niet helemaal",
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
    429: "U heeft het te vaak geprobeerd. Probeer het over een kwartier opnieuw.",
    500: "Er ging bij ons iets mis. Probeer het later nog eens.",
    503: "Activatie is even niet bereikbaar. Probeer het over een paar minuten opnieuw.",
}


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


def handle_database_down(error: OperationalError) -> Response | tuple[str, int]:
    log.error("database unavailable: %s", describe(error))
    unavailable = HTTPException(description=DEFAULT_DETAILS[503])
    unavailable.code = 503
    response = handle_http_error(unavailable)
    assert isinstance(response, Response)
    response.headers["Retry-After"] = "30"
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
    log.error("unhandled error on %s %s: %s", request.method, request.path, describe(error))
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(Exception, handle_unexpected)
