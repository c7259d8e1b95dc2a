"""Jinja filters and globals: Dutch dates, numbers and vocabulary labels."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

from . import vocabulary, workflow
from .dutch import euro, km, nl_date, nl_number
from .filters import count_chosen
from .phone import tel_uri
from .stats import month_label

#: The gemeente's general number, shown (and dialled) on resident pages.
GEMEENTE_PHONE = "14 038"


def url_with(**changes: Any) -> str:
    """Return the current URL with some query parameters replaced (None removes one)."""
    args = request.args.to_dict(flat=False)
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = [str(value)]
    query = urlencode(args, doseq=True)
    return f"{request.path}?{query}" if query else request.path


def selected_list(args: Any, name: str) -> list[str]:
    """Return the values of a list parameter, repeated or comma-separated, as typed."""
    return [part for raw in args.getlist(name) for part in raw.split(",") if part]


#: Seconds a browser keeps a static file fetched by its versioned URL: a year, because the URL
#: changes with the content (``?v=`` is a hash of the file).
STATIC_MAX_AGE = 365 * 24 * 3600


def static_version(folder: str, filename: str) -> str | None:
    """Return a short hash of a static file's content, or None when there is no such file."""
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _content_hash(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _content_hash(path: str, _mtime_ns: int, _size: int) -> str:
    # Keyed by modification time and size too: an edited file gets a new hash at once. The
    # same files give the same hash in every worker, so this is a pure cache.
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def add_static_version(endpoint: str, values: dict[str, Any]) -> None:
    """Give every ``url_for('static', ...)`` a ``?v=`` that changes with the file's content."""
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = static_version(current_app.static_folder or "", values["filename"])
        if version is not None:
            values["v"] = version


def cache_versioned_static(response: Response) -> Response:
    """Let browsers keep a static file for a year when asked for by its current version."""
    if request.endpoint != "static" or response.status_code != 200 or not request.view_args:
        return response
    version = static_version(current_app.static_folder or "", request.view_args["filename"])
    if version is not None and request.args.get("v") == version:
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response


def init_app(app: Flask) -> None:
    app.url_defaults(add_static_version)
    app.after_request(cache_versioned_static)
    app.jinja_env.filters.update(
        nl_date=nl_date, km=km, euro=euro, nl_number=nl_number, month_label=month_label
    )
    app.jinja_env.filters["tel"] = tel_uri
    from .views import is_stale  # the views package imports this module's app at run time

    app.jinja_env.globals.update(
        vocab=vocabulary,
        url_with=url_with,
        selected_list=selected_list,
        is_stale=is_stale,
        count_chosen=count_chosen,
        gemeente_phone=GEMEENTE_PHONE,
        response_working_days=workflow.RESPONSE_WORKING_DAYS,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
