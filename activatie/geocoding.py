"""Geocoding with I/O: the PDOK Locatieserver (online), answer caches, fallbacks, and
:func:`make_geocoder`, which builds the geocoder the settings ask for.

The pure part, postcodes, :class:`geo.PostcodeHit`, the offline geocoder and
:func:`geo.resolve_postcode`, is in :mod:`geo`. Geocoders here follow geopy's interface:
``geocode(query, exactly_one=True, ...)`` returns a :class:`geopy.location.Location` (or a list
of them, or None).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Protocol
from urllib.parse import urlencode

from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.util import logger
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from . import geo, queries
from .geo import (
    Point,
    PostcodeHit,
    SupportsGeocode,
    UnknownPostcode,
    format_postcode,
    hit_from_location,
    location_from_hit,
    normalise_postcode,
    one_or_list,
    pc4_of,
)
from .models import GeocodeCache


class GeocoderUnavailable(UnknownPostcode):
    """The online geocoder did not answer (a timeout, an outage); nothing was cached."""

    def __init__(self, postcode: str) -> None:
        ValueError.__init__(
            self,
            f"We kunnen postcode {format_postcode(postcode)} nu niet opzoeken. Probeer het over "
            "een paar minuten opnieuw, of vul een postcode in Zwolle in.",
        )
        self.postcode = postcode


class AreaOnly:
    """Ask the wrapped geocoder for the four-digit area (PC4) only, never a full postcode.

    For the online geocoder: a resident's PC6 points at a handful of addresses, so it is neither
    sent to an outside service nor kept in a cache; the PC4 (about a kilometre, enough for
    matching, ``domain.md``) is. It also bounds the cache to the 10,000 possible PC4 codes.
    """

    def __init__(self, geocoder: SupportsGeocode) -> None:
        self.geocoder = geocoder

    def geocode(
        self, query: str, exactly_one: bool = True, **kwargs: Any
    ) -> Location | list[Location] | None:
        postcode = normalise_postcode(query)
        if postcode is None:
            return None
        return self.geocoder.geocode(pc4_of(postcode), exactly_one=exactly_one, **kwargs)


class FallbackGeocoder:
    """Ask each geocoder in turn; the first that knows the postcode answers.

    In production with ``GEOCODER=pdok`` this is the offline geocoder (the seeded Zwolle table,
    no network) first and the cached PDOK Locatieserver second, so a Zwolle postcode never leaves
    the server. When an online geocoder fails (geopy's :exc:`GeocoderServiceError`, timeouts
    included), :exc:`GeocoderUnavailable` says so in Dutch instead of "unknown postcode"; only the
    type of the error is logged, never the postcode.
    """

    def __init__(self, *geocoders: SupportsGeocode) -> None:
        self.geocoders = geocoders

    def geocode(
        self, query: str, exactly_one: bool = True, **kwargs: Any
    ) -> Location | list[Location] | None:
        for geocoder in self.geocoders:
            try:
                location = geocoder.geocode(query, exactly_one=exactly_one, **kwargs)
            except GeocoderServiceError as error:
                logger.warning(
                    "geocoder %s did not answer: %s", type(geocoder).__name__, type(error).__name__
                )
                raise GeocoderUnavailable(normalise_postcode(query) or query[:8]) from None
            if location:
                return location
        return None


# --- PDOK Locatieserver ---------------------------------------------------------------------

_PDOK_POINT = re.compile(
    r"^\s*POINT\s*\(\s*([-+]?\d+(?:\.\d*)?)\s+([-+]?\d+(?:\.\d*)?)\s*\)\s*$", re.IGNORECASE
)
_CBS_WIJK_PREFIX = re.compile(r"^Wijk\s+\d+\s+", re.IGNORECASE)
_CBS_WIJK_CODE = re.compile(r"^WK\d{6}$")


def parse_pdok_point(text: str) -> Point:
    """Return the point of a PDOK ``centroide_ll`` such as ``POINT(6.0910 52.5048)``.

    PDOK writes longitude first, then latitude (WKT order).
    """
    match = _PDOK_POINT.match(text or "")
    if not match:
        raise ValueError(f"not a WKT point: {text!r}")
    longitude, latitude = float(match.group(1)), float(match.group(2))
    return Point(latitude, longitude)


def parse_pdok_response(data: Any, postcode: str) -> list[PostcodeHit]:
    """Return the hits in a PDOK ``free`` search response for the normalised ``postcode``.

    PDOK's free search is fuzzy, so documents are checked: the same PC6 is a ``pc6`` hit, another
    postcode in the same four-digit area a ``pc4`` hit (its PC6 centroid stands in for the area),
    anything else is dropped.
    """
    try:
        docs = data["response"]["docs"]
    except (KeyError, TypeError):
        return []
    hits: list[PostcodeHit] = []
    for doc in docs or []:
        found = normalise_postcode(str(doc.get("postcode") or ""))
        if found is None or "centroide_ll" not in doc:
            continue
        if found == postcode:
            precision = "pc6"
        elif pc4_of(found) == pc4_of(postcode):
            found, precision = pc4_of(found), "pc4"
        else:
            continue
        district = _CBS_WIJK_PREFIX.sub("", str(doc.get("wijknaam") or "")).strip() or None
        code = str(doc.get("wijkcode") or "").strip().upper()
        hits.append(
            PostcodeHit(
                found,
                parse_pdok_point(doc["centroide_ll"]),
                district,
                precision,
                code if _CBS_WIJK_CODE.match(code) else None,
            )
        )
    return hits


class PdokGeocoder(Geocoder):
    """Geocode Dutch postcodes with the PDOK Locatieserver (online).

    Built on geopy's :class:`~geopy.geocoders.base.Geocoder`, so geopy's adapters, timeouts,
    proxies and error classes apply (a timeout raises :exc:`geopy.exc.GeocoderTimedOut`). Use it
    on save or in an import command behind a :class:`CachingGeocoder`, never in a request loop.
    """

    domain = "api.pdok.nl"
    geocode_path = "/bzk/locatieserver/search/v3_1/free"

    def __init__(
        self,
        *,
        domain: str | None = None,
        scheme: str | None = None,
        timeout: Any = DEFAULT_SENTINEL,
        proxies: Any = DEFAULT_SENTINEL,
        user_agent: str | None = None,
        ssl_context: Any = DEFAULT_SENTINEL,
        adapter_factory: Any = None,
    ) -> None:
        super().__init__(
            scheme=scheme,
            timeout=timeout,
            proxies=proxies,
            user_agent=user_agent,
            ssl_context=ssl_context,
            adapter_factory=adapter_factory,
        )
        self.domain = (domain or self.domain).strip("/")
        self.api = f"{self.scheme}://{self.domain}{self.geocode_path}"

    def geocode(
        self,
        query: str,
        exactly_one: bool = True,
        timeout: Any = DEFAULT_SENTINEL,
        **kwargs: Any,
    ) -> Any:
        """Return the location of the postcode in ``query``, or None when unknown or no postcode.

        An unknown PC6 may come back as a ``pc4`` hit in the same four-digit area.
        """
        postcode = normalise_postcode(query)
        if postcode is None:
            return None
        params = {"q": postcode, "fq": "type:postcode", "rows": 1 if exactly_one else 10}
        url = "?".join((self.api, urlencode(params)))
        logger.debug("%s.geocode", type(self).__name__)  # never the postcode: personal data
        callback = partial(self._parse_json, postcode=postcode, exactly_one=exactly_one)
        return self._call_geocoder(url, callback, timeout=timeout)

    def _parse_json(self, data: Any, postcode: str, exactly_one: bool) -> Any:
        hits = parse_pdok_response(data, postcode)
        if not hits:
            return None
        locations = [location_from_hit(hit) for hit in hits]
        return locations[0] if exactly_one else locations


# --- Caching --------------------------------------------------------------------------------


class CacheMiss(enum.Enum):
    """The type of :data:`MISS`."""

    MISS = "miss"


#: Returned by a cache's ``get`` when it has no entry (None is a cached "unknown postcode").
MISS = CacheMiss.MISS


class PostcodeCache(Protocol):
    """Where a :class:`CachingGeocoder` keeps its answers, keyed by normalised postcode."""

    def get(self, key: str) -> PostcodeHit | None | CacheMiss: ...

    def set(self, key: str, hit: PostcodeHit | None) -> None: ...


class DictCache:
    """A :class:`PostcodeCache` in a dict, for tests and short-lived processes."""

    def __init__(self) -> None:
        self.data: dict[str, PostcodeHit | None] = {}

    def get(self, key: str) -> PostcodeHit | None | CacheMiss:
        return self.data.get(key, MISS)

    def set(self, key: str, hit: PostcodeHit | None) -> None:
        self.data[key] = hit


class CachingGeocoder:
    """Wrap a geocoder so each postcode is asked only once.

    Queries are normalised first, so ``8011 ab`` and ``8011AB`` share one entry; a query that is
    not a postcode returns None without asking. Unknown postcodes are cached as None too, unless
    ``cache_unknown`` is False. Errors of the wrapped geocoder (timeouts, ...) are not cached.
    """

    def __init__(
        self, geocoder: SupportsGeocode, cache: PostcodeCache, *, cache_unknown: bool = True
    ) -> None:
        self.geocoder = geocoder
        self.cache = cache
        self.cache_unknown = cache_unknown

    def geocode(
        self, query: str, exactly_one: bool = True, **kwargs: Any
    ) -> Location | list[Location] | None:
        """Return the location of the postcode in ``query`` from the cache or the geocoder."""
        postcode = normalise_postcode(query)
        if postcode is None:
            return None
        hit = self.cache.get(postcode)
        if hit is MISS:
            location = self.geocoder.geocode(postcode, exactly_one=True, **kwargs)
            hit = hit_from_location(location, postcode) if location is not None else None
            if hit is not None or self.cache_unknown:
                self.cache.set(postcode, hit)
        return one_or_list(location_from_hit(hit) if hit else None, exactly_one)


# --- The geocoder the settings ask for ----------------------------------------------------

#: ``GEOCODER`` settings: the offline table only, or the offline table and then PDOK.
GEOCODERS = ("offline", "pdok")


def make_geocoder(
    session: Session, settings: Mapping[str, Any] | None = None
) -> geo.SupportsGeocode:
    """Return the geocoder the settings ask for (``GEOCODER``, ``GEOCODER_TIMEOUT``, ...).

    ``offline`` (the default, and always in tests): this database's postcode table and seeded
    addresses. ``pdok``: the same first, then the PDOK Locatieserver for postcodes outside it,
    asked for the PC4 only (:class:`AreaOnly`), its answers kept in the ``geocode_cache``
    table for ``GEOCODER_CACHE_DAYS``.
    """
    settings = settings or {}
    offline = geo.OfflineGeocoder(queries.postcode_lookup(session))
    kind = settings.get("GEOCODER", "offline")
    if kind == "offline":
        return offline
    if kind != "pdok":
        raise ValueError(f"GEOCODER must be one of {', '.join(GEOCODERS)}")
    pdok = PdokGeocoder(
        timeout=settings.get("GEOCODER_TIMEOUT", 5),
        user_agent=settings.get("GEOCODER_USER_AGENT", "activatie-zwolle"),
        adapter_factory=settings.get("GEOCODER_ADAPTER"),  # tests give a canned one
    )
    cache = DatabasePostcodeCache(
        session.get_bind(), timedelta(days=settings.get("GEOCODER_CACHE_DAYS", 90))
    )
    return FallbackGeocoder(offline, AreaOnly(CachingGeocoder(pdok, cache)))


class DatabasePostcodeCache:
    """A :class:`PostcodeCache` in the ``geocode_cache`` table, shared by all workers.

    Each read and write uses a short session of its own, so a cached answer never becomes part
    of (or is lost with) the request's own transaction. An entry older than ``max_age`` is a
    miss: postcodes change now and then. Two workers caching the same postcode at once is fine,
    the second write is dropped.
    """

    def __init__(self, bind: Any, max_age: timedelta) -> None:
        self.bind = bind
        self.max_age = max_age

    def get(self, key: str) -> geo.PostcodeHit | None | CacheMiss:
        try:
            with Session(self.bind) as session:
                row = session.get(GeocodeCache, key)
        except DBAPIError:  # a cache: when it cannot answer, ask the geocoder
            return MISS
        if row is None or _as_utc(row.fetched_at) < datetime.now(UTC) - self.max_age:
            return MISS
        if row.latitude is None or row.longitude is None:
            return None
        return geo.PostcodeHit(
            row.found or key,
            geo.Point(row.latitude, row.longitude),
            row.district,
            row.precision if row.precision in geo.PRECISIONS else "pc4",
            row.district_code,
        )

    def set(self, key: str, hit: geo.PostcodeHit | None) -> None:
        row = GeocodeCache(postcode=key, fetched_at=datetime.now(UTC))
        if hit is not None:
            row.found, row.district, row.precision = hit.postcode, hit.district, hit.precision
            row.district_code = hit.district_code
            row.latitude, row.longitude = hit.point.latitude, hit.point.longitude
        with self.bind.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # The caller's own transaction may hold SQLite's write lock (an import geocodes
                # between its writes): do not wait 30 s for it, leave the answer uncached.
                connection.exec_driver_sql("PRAGMA busy_timeout=100")
                connection.commit()  # end the autobegun transaction: the session commits its own
            try:
                with Session(bind=connection) as session:
                    session.merge(row)
                    session.commit()
            except DBAPIError:  # a race with another worker, or locked: the cache is optional
                pass
            finally:
                if sqlite:
                    connection.rollback()
                    connection.exec_driver_sql("PRAGMA busy_timeout=30000")  # as in db.py


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
