"""Jinja filters and globals: Dutch dates, numbers and vocabulary labels."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, current_app, g, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from werkzeug.security import safe_join

from . import caching, citymap, vocabulary, workflow
from .dutch import euro, km, nl_date, nl_month, nl_number
from .filters import count_chosen
from .geo import Point
from .phone import tel_uri

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


def _point(place: Any) -> Point | None:
    """Return a point for anything with ``latitude`` and ``longitude`` (or None)."""
    if place is None:
        return None
    try:
        return Point(float(place.latitude), float(place.longitude))
    except (AttributeError, TypeError, ValueError):
        return None


def _counted(first: int, last: int) -> str:
    if first == last:
        return f"Het cijfer {first} is de plek met nummer {first} in de lijst."
    return f"De cijfers {first} tot en met {last} zijn de plekken met die nummers in de lijst."


def city_map(
    places: Any = (),
    *,
    home: Any = None,
    wijk: str | None = None,
    postcode: str | None = None,
    first: int = 1,
    map_id: str = "kaart",
    small: bool = False,
) -> Markup:
    """Return a map of Zwolle as inline SVG, with the resident's postcode and numbered places.

    :param places: objects with ``latitude`` and ``longitude``, in the order of the list; with
        ``small`` one place without a number (an activity's own page).
    """
    outline = citymap.load_outline()
    points = [point for point in map(_point, places) if point is not None]
    home_point = _point(home)
    view = citymap.plan(
        outline,
        points,
        home=home_point,
        wijk_code=wijk,
        first_number=first,
        numbered=not small,
        # An activity's own map shades nothing: its text names the wijk of the address, which
        # for a business park is not the CBS wijk the point lies in.
        shade=not small or home_point is not None,
        min_span_km=5.0 if small else 3.0,
        marker_share=0.03 if small else 0.04,
    )
    where = f" Het gekleurde deel is wijk {view.wijk.name}." if view.wijk else ""
    if small:
        title = "Kaart: waar deze activiteit is"
        text = f"De stip is de plek van de activiteit.{where}"
    else:
        title = "Kaart van Zwolle met de plekken uit de lijst"
        home_text = f"Het huisje is postcode {postcode}." if home_point and postcode else ""
        numbers = _counted(first, first + len(points) - 1) if points else ""
        text = " ".join(part for part in (home_text, where.strip(), numbers) if part)
        text += " In de lijst staat alles ook in woorden."
    return Markup(
        citymap.render(
            outline,
            view,
            map_id=map_id,
            title=title,
            description=text,
            css_class="city-map city-map-small" if small else "city-map",
            labels=True,
        )
    )


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


#: A number no record has, put in a URL to find where a record's id goes.
_ID_MARK = 987654321


def id_url_maker(endpoint: str, name: str = "raw_id") -> Callable[[int], str]:
    """Return a maker of ``url_for(endpoint, **{name: id})``, built from one ``url_for``: a list
    of results links to each of them (20-250), and a url_for is some 10-30 µs."""
    prefix, _, suffix = url_for(endpoint, **{name: _ID_MARK}).partition(str(_ID_MARK))
    return lambda record_id: f"{prefix}{int(record_id)}{suffix}"


def activity_url(activity_id: int) -> str:
    """Return ``url_for('public.activity', raw_id=activity_id)``, from one maker per request."""
    make = g.get("activity_url")
    if make is None:
        make = g.activity_url = id_url_maker("public.activity")
    return make(activity_id)


def url_once(endpoint: str, **values: Any) -> str:
    """Return ``url_for(endpoint, **values)``, built once per request: for a URL that a page
    repeats on every card (a form's action, the pictogram sprite)."""
    built: dict[tuple[Any, ...], str] = g.setdefault("urls_built", {})
    key = (endpoint, *sorted(values.items()))
    url = built.get(key)
    if url is None:
        url = built[key] = url_for(endpoint, **values)
    return url


#: Stands in for the form token while a kept fragment renders; each request fills in its own.
_TOKEN_HOLE = "form-token-filled-in-per-request"


def remembered(
    key: tuple[Any, ...], macro: Callable[..., Markup], *args: Any, form_token: bool = False
) -> Markup:
    """Render ``macro(*args)`` once per worker, catalogue version and day for ``key``: for HTML
    that depends on ``key`` alone (no session, no user beyond what ``key`` names).

    ``form_token``: the fragment holds forms; it is kept with a placeholder, and this request's
    own CSRF token is put in on the way out.
    """
    if any(part is None for part in key):
        return macro(*args)
    if not form_token:
        return caching.remember(("html", *key), lambda: macro(*args))
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    own = generate_csrf()

    def with_hole() -> Markup:
        setattr(g, field, _TOKEN_HOLE)  # what csrf_token() returns while this renders
        try:
            return macro(*args)
        finally:
            setattr(g, field, own)

    html = caching.remember(("html", "form", *key), with_hole)
    return Markup(str(html).replace(_TOKEN_HOLE, own))


def init_app(app: Flask) -> None:
    app.url_defaults(add_static_version)
    app.after_request(cache_versioned_static)
    app.jinja_env.filters.update(
        nl_date=nl_date, km=km, euro=euro, nl_number=nl_number, month_label=nl_month
    )
    app.jinja_env.filters["tel"] = tel_uri
    from .views import is_stale  # the views package imports this module's app at run time

    app.jinja_env.globals.update(
        vocab=vocabulary,
        url_with=url_with,
        selected_list=selected_list,
        is_stale=is_stale,
        count_chosen=count_chosen,
        city_map=city_map,
        remembered=remembered,
        activity_url=activity_url,
        url_once=url_once,
        map_attribution=f"{citymap.ATTRIBUTION} {citymap.ATTRIBUTION_POSTCODE}",
        gemeente_phone=GEMEENTE_PHONE,
        response_working_days=workflow.RESPONSE_WORKING_DAYS,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
