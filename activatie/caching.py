"""Per-worker caches of what the public catalogue pages compute, valid for one catalogue version.

Every write to a catalogue table bumps ``catalogue_version`` in its own transaction (database
triggers, migration 0013). A request reads that number once (one short statement) and uses what
this worker computed earlier for the same number and the same day in Zwolle; anything older is
dropped. So a provider's change shows at once in every worker and on every host: the database
stays the one shared truth, and there is no cache server and no sticky session (README "Scaling
out").

Two caches per app (``app.extensions``), both bounded:

- **pages**: whole anonymous GET answers of the public pages and the public read API
  (:func:`cached_page`), at most ``CATALOGUE_CACHE_MB`` megabytes of bodies;
- **values**: results such as a match (:func:`remember`), at most ``CATALOGUE_CACHE_MATCHES``.

A page is only kept when it cannot differ between visitors: a GET by someone not logged in, with
no message waiting, answered 200, and the request neither changed the session, nor made a form
token, nor marked itself with :func:`do_not_store` (a page that counted an unmet search, say).
Security headers, CORS and the request id are added after the cache, on every answer.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any, ParamSpec, TypeVar

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from .db import open_session, read_connection
from .models import catalogue_version, local_today

_PAGES = "activatie.page_cache"
_VALUES = "activatie.value_cache"

#: (catalogue version, day in Zwolle): what a cached entry is valid for.
Stamp = tuple[int, date]

P = ParamSpec("P")
T = TypeVar("T")


class VersionedCache:
    """A least-recently-used map whose entries are all valid for one :data:`Stamp`.

    A new stamp empties it: an old version is never asked for again. ``max_size`` bounds the
    sum of the entries' sizes (bytes for pages, 1 per value). Thread-safe (the development
    server runs threads; gunicorn's sync workers do not).
    """

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self._stamp: Stamp | None = None
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, stamp: Stamp, key: Hashable) -> Any | None:
        with self._lock:
            if stamp != self._stamp:
                return None
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, stamp: Stamp, key: Hashable, value: Any, size: int = 1) -> None:
        if size > self.max_size:
            return
        with self._lock:
            if stamp != self._stamp:
                if self._stamp is not None and stamp < self._stamp:
                    return  # a slow request of an older version: keep the newer entries
                self._stamp = stamp
                self._entries.clear()
                self._size = 0
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._entries[key] = (value, size)
            self._size += size
            while self._size > self.max_size:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._size -= dropped

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    headers: list[tuple[str, str]]


def init_app(app: Flask) -> None:
    app.extensions[_PAGES] = VersionedCache(int(app.config["CATALOGUE_CACHE_MB"] * 1024 * 1024))
    app.extensions[_VALUES] = VersionedCache(int(app.config["CATALOGUE_CACHE_MATCHES"]))


#: Built once: this runs on every request.
_VERSION = select(catalogue_version.c.n).where(catalogue_version.c.id == 1)


def catalogue_stamp() -> Stamp | None:
    """Return this request's catalogue version and day, read once per request.

    A database that is down raises here as it would in the page's own first query (a Dutch
    503); None only when the version row is missing. A pooled connection found dead (the
    database restarted while it sat in the pool for less than ``DATABASE_PING_AFTER_IDLE``,
    so it was not pinged) is retried once on a new one: the pool has dropped every connection
    older than the failure by then. Not when this request's session is open: its connection
    (and what it did) is gone, and only a new request can start again.
    """
    if "catalogue_stamp" in g:
        return g.catalogue_stamp
    try:
        version = _read_version()
    except DBAPIError as error:
        if not error.connection_invalidated or open_session() is not None:
            raise
        version = _read_version()
    g.catalogue_stamp = None if version is None else (int(version), local_today())
    return g.catalogue_stamp


def _read_version() -> int | None:
    with read_connection() as connection:
        return connection.execute(_VERSION).scalar()


def remember(key: Hashable, compute: Callable[[], T]) -> T:
    """Return ``compute()`` for ``key`` as computed earlier in this worker for this catalogue
    version and day, or compute and keep it. An exception is raised, not kept."""
    cache: VersionedCache = current_app.extensions[_VALUES]
    if cache.max_size <= 0:
        return compute()
    stamp = catalogue_stamp()
    if stamp is None:
        return compute()
    found = cache.get(stamp, key)
    if found is not None:
        return found
    value = compute()
    cache.put(stamp, key, value)
    return value


def do_not_store() -> None:
    """Keep this request's page out of the cache (it did something for this visitor only)."""
    g.do_not_store = True


def _page_key() -> Hashable | None:
    """Return the cache key of this request, or None when its answer may depend on the visitor."""
    if request.method not in ("GET", "HEAD"):
        return None
    if "Authorization" in request.headers:
        return None
    # An empty session and no remember-me cookie: nobody is logged in, known without asking
    # Flask-Login (which hashes the address and browser on every request to find that out).
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE)
    if (session or remember in request.cookies) and (
        "_flashes" in session or current_user.is_authenticated
    ):
        return None
    # The query as given, in its order: a page's own links repeat it.
    return (request.host_url, request.path, tuple(request.args.items(multi=True)))


def _storable(response: Response) -> bool:
    return (
        response.status_code == 200
        and not response.direct_passthrough
        and not session.modified
        and current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") not in g
        and not g.get("do_not_store", False)
        and "Set-Cookie" not in response.headers
    )


def cached_page(view: Callable[P, Any]) -> Callable[P, Any]:
    """Serve an anonymous GET of ``view`` from this worker's cache while the catalogue and the
    day are unchanged; the view runs on a miss and for everyone who is logged in."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
        cache: VersionedCache = current_app.extensions[_PAGES]
        key = _page_key() if cache.max_size > 0 else None
        stamp = catalogue_stamp() if key is not None else None
        if key is None or stamp is None:
            return view(*args, **kwargs)
        hit: CachedPage | None = cache.get(stamp, key)
        if hit is not None:
            return current_app.response_class(hit.body, status=200, headers=hit.headers)
        response = current_app.make_response(view(*args, **kwargs))
        if _storable(response):
            body = response.get_data()
            cache.put(stamp, key, CachedPage(body, list(response.headers.items())), len(body))
        return response

    return wrapper
