"""CORS for the public read endpoints: any origin may GET, nothing else, never with cookies.

The write API (``PATCH``), ``POST /api/v1/matches`` and every staff page stay same-origin: a
browser's preflight for them gets no ``Access-Control-Allow-Origin`` and stops there.
"""

from __future__ import annotations

from flask import Flask, Response, request

#: Path prefixes of the public read endpoints.
PUBLIC_READ = ("/api/v1/", "/hsds/")
READ_METHODS = {"GET", "HEAD"}
EXPOSED = "API-Version, Deprecation, Link, Content-Disposition"


def allow_public_reads(response: Response) -> Response:
    if not request.path.startswith(PUBLIC_READ):
        return response
    if request.method in READ_METHODS:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED
    elif request.method == "OPTIONS" and (
        request.headers.get("Access-Control-Request-Method", "") in READ_METHODS
    ):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def init_app(app: Flask) -> None:
    app.after_request(allow_public_reads)
