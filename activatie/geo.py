"""Points, distances, travel-time estimates and postcode handling (pure: no Flask, database or
network).

Distances are geodesic (WGS-84 ellipsoid, via geopy). Travel time is an *estimate*, and every
screen that shows one says so: straight-line distance times a detour factor, divided by a speed
per travel mode (``shared/design/domain.md``, "Geography").

Where many distances from one point are needed (matching), :class:`LocalFrame` gives a fast flat
map around that point that agrees with the geodesic to well under a metre within ~50 km.

The offline geocoder is here (its table is given as a lookup); the online PDOK geocoder, the
caches and the factory that picks a geocoder from the settings are in :mod:`geocoding`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from geographiclib.geodesic import Geodesic
from geopy.distance import ELLIPSOIDS
from geopy.location import Location

#: Streets are not straight lines: in town a route is about 30% longer than the crow flies.
DETOUR_FACTOR = 1.3

#: Average speeds in km/h per travel mode key (``vocabulary.TRAVEL_MODES``). Public transport is
#: not estimated without timetable data, so it has no speed.
SPEED_KMH: dict[str, float] = {"lopen": 4.5, "fiets": 15.0}

_KM_PER_DEGREE_LAT = 111.32

_PC6 = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})\s*$")
_PC4 = re.compile(r"^\s*([1-9][0-9]{3})\s*$")


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise ValueError("coordinates out of range")


@dataclass(frozen=True, slots=True)
class BoundingBox:
    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float

    def contains(self, point: Point) -> bool:
        return (
            self.min_latitude <= point.latitude <= self.max_latitude
            and self.min_longitude <= point.longitude <= self.max_longitude
        )


# geopy's ``geodesic(a, b)`` builds a new geographiclib ``Geodesic`` (a few hundred microseconds)
# for every distance. This is the same routine on the same WGS-84 ellipsoid, built once: the
# results are the very same floats (``tests/unit/test_geo.py`` checks that).
_WGS84 = ELLIPSOIDS["WGS-84"]
_GEODESIC = Geodesic(_WGS84[0], _WGS84[2])
_DISTANCE = Geodesic.DISTANCE


def distance_km(a: Point, b: Point) -> float:
    """Return the geodesic distance between two points in kilometres (as geopy's ``geodesic``)."""
    # geopy turns every coordinate into a float, and a zero (also -0.0) into 0.0, before it
    # measures; do the same so the floats match bit for bit.
    return _geodesic_km(
        float(a.latitude or 0.0),
        float(a.longitude or 0.0),
        float(b.latitude or 0.0),
        float(b.longitude or 0.0),
    )


@lru_cache(maxsize=65536)
def _geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Measure once per pair of points (about 0.1 ms each): residents ask from the same few
    postcode centroids, and listings stay where they are. A pure function, so the same floats."""
    return _GEODESIC.Inverse(lat1, lon1, lat2, lon2, _DISTANCE)["s12"]


#: Within this many km of a distance limit the local distance of a :class:`LocalFrame` does not
#: decide, the exact geodesic does: 20 metres, plus :data:`LOCAL_MARGIN_PER_KM2` times the square of
#: the limit (see :meth:`LocalFrame.margin_km`).
LOCAL_MARGIN_KM = 0.02
#: The frame's error grows with the square of the distance (in the Netherlands about 0.8 m at
#: 30 km, 8 m at 100 km and 90 m at 300 km); the margin allows 2.5 times that.
LOCAL_MARGIN_PER_KM2 = 2.5e-6

_FRAME_STEP = 0.005  # degrees either side of the centre when measuring km per degree


@dataclass(frozen=True, slots=True)
class LocalFrame:
    """A flat map around ``centre`` for fast distances from it, exact to well under a metre nearby.

    The km per degree of latitude and of longitude are measured with the geodesic at the centre
    itself (not with a round-earth constant). :meth:`distance_km` is then the equirectangular
    distance, with the longitude scale taken at the mean latitude of the two points: within 25 km
    of the centre in the Netherlands it differs from :func:`distance_km` by less than half a metre,
    within 50 km by about two metres (``tests/unit/test_geo.py`` checks this). Use it to rank and to
    decide anything that is not within :meth:`margin_km` of a limit; show the exact
    :func:`distance_km`.
    """

    centre: Point
    km_per_lat: float
    #: km per degree of longitude at the centre's latitude.
    km_per_lon: float
    _lon_km_per_cos: float
    _radians: float

    @classmethod
    def around(cls, centre: Point) -> LocalFrame:
        """Measure the frame at ``centre`` (two geodesic distances; the last 1,024 are kept)."""
        return _frame_around(centre)

    @classmethod
    def _measure(cls, centre: Point) -> LocalFrame:
        lat, lon = centre.latitude, centre.longitude
        south, north = max(lat - _FRAME_STEP, -90.0), min(lat + _FRAME_STEP, 90.0)
        km_per_lat = distance_km(Point(south, lon), Point(north, lon)) / (north - south)
        west, east = lon - _FRAME_STEP, lon + _FRAME_STEP
        if east > 180.0:
            west, east = lon - 2 * _FRAME_STEP, lon
        elif west < -180.0:
            west, east = lon, lon + 2 * _FRAME_STEP
        km_per_lon = distance_km(Point(lat, west), Point(lat, east)) / abs(east - west)
        cos_lat = math.cos(math.radians(lat))
        return cls(
            centre,
            km_per_lat,
            km_per_lon,
            km_per_lon / cos_lat if cos_lat > 1e-9 else 0.0,
            math.pi / 360,
        )

    def distance_km(self, point: Point) -> float:
        """Return the local (equirectangular) km from the centre to ``point``."""
        centre = self.centre
        dy = (point.latitude - centre.latitude) * self.km_per_lat
        dlon = point.longitude - centre.longitude
        if dlon > 180.0:
            dlon -= 360.0
        elif dlon < -180.0:
            dlon += 360.0
        mean_cos = math.cos((point.latitude + centre.latitude) * self._radians)
        dx = dlon * self._lon_km_per_cos * mean_cos
        return math.sqrt(dx * dx + dy * dy)

    @staticmethod
    def margin_km(limit_km: float) -> float:
        """Return how close to ``limit_km`` a local distance must be to need the exact geodesic.

        A local distance further than this from the limit is on the same side of it as the exact
        distance: 20 m within a few tens of km, 45 m at 100 km, 245 m at 300 km.
        """
        return LOCAL_MARGIN_KM + LOCAL_MARGIN_PER_KM2 * limit_km * limit_km


@lru_cache(maxsize=1024)
def _frame_around(centre: Point) -> LocalFrame:
    # Matching measures the frame of one resident's point in the database query and again in
    # the matcher; a postcode's point comes back often.
    return LocalFrame._measure(centre)


def bounding_box(centre: Point, radius_km: float) -> BoundingBox:
    """Return a latitude/longitude box that contains every point within ``radius_km``.

    The box is slightly generous (it uses a sphere a little smaller than the earth) so that it is
    a safe prefilter for an exact distance check afterwards.
    """
    if radius_km < 0:
        raise ValueError("radius must not be negative")
    margin = 1.01
    dlat = radius_km * margin / _KM_PER_DEGREE_LAT
    cos_lat = max(math.cos(math.radians(centre.latitude)), 0.01)
    dlon = radius_km * margin / (_KM_PER_DEGREE_LAT * cos_lat)
    return BoundingBox(
        min_latitude=max(centre.latitude - dlat, -90.0),
        max_latitude=min(centre.latitude + dlat, 90.0),
        min_longitude=max(centre.longitude - dlon, -180.0),
        max_longitude=min(centre.longitude + dlon, 180.0),
    )


def travel_minutes(distance: float, mode: str) -> int | None:
    """Estimate door-to-door minutes for ``distance`` km by ``mode``; None when not estimated.

    :param distance: straight-line distance in kilometres.
    """
    speed = SPEED_KMH.get(mode)
    if speed is None:
        return None
    return max(1, math.ceil(distance * DETOUR_FACTOR / speed * 60))


def max_distance_for_minutes(minutes: float, mode: str) -> float | None:
    """Return the straight-line km reachable in ``minutes`` by ``mode`` (inverse estimate)."""
    speed = SPEED_KMH.get(mode)
    if speed is None:
        return None
    return minutes / 60 * speed / DETOUR_FACTOR


def normalise_postcode(text: str) -> str | None:
    """Return ``text`` as ``1234AB`` (PC6) or ``1234`` (PC4), or None when it is not a postcode."""
    match = _PC6.match(text or "")
    if match:
        return f"{match.group(1)}{match.group(2).upper()}"
    match = _PC4.match(text or "")
    if match:
        return match.group(1)
    return None


def pc4_of(postcode: str) -> str:
    """Return the four digits of a normalised postcode."""
    return postcode[:4]


def format_postcode(postcode: str) -> str:
    """Return a normalised postcode the way people write it: ``8011 AB`` or ``8011``."""
    return f"{postcode[:4]} {postcode[4:]}" if len(postcode) == 6 else postcode


# --- Geocoding ----------------------------------------------------------------------------------
#
# Geocoders here follow geopy's interface: ``geocode(query, exactly_one=True, ...)`` returns a
# :class:`geopy.location.Location` (or a list of them, or None). Our own geocoders only know
# postcodes; what the rest of the app needs is a :class:`PostcodeHit`, which
# :func:`resolve_postcode` makes from whatever geocoder it is given.

#: How precise a hit is: the centroid of a six-character postcode or of a four-digit area.
PRECISIONS = ("pc6", "pc4")


@dataclass(frozen=True)
class PostcodeHit:
    """The point and district (wijk: CBS name and code) found for a normalised postcode."""

    postcode: str
    point: Point
    district: str | None
    precision: str
    district_code: str | None = None  # CBS wijk code, "WK019310"

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}")


class InvalidPostcode(ValueError):
    """The text is not a Dutch postcode."""

    def __init__(self, text: str = "") -> None:
        super().__init__("Vul een postcode in zoals 8011 of 8011 AB.")
        self.text = text


class UnknownPostcode(ValueError):
    """The postcode is well-formed but no geocoder knows it."""

    def __init__(self, postcode: str) -> None:
        super().__init__(
            f"We kennen postcode {format_postcode(postcode)} niet. "
            "Controleer de postcode of probeer een postcode in Zwolle."
        )
        self.postcode = postcode


class SupportsGeocode(Protocol):
    """Anything with geopy's ``geocode`` method: our geocoders and geopy's own."""

    def geocode(self, query: str, exactly_one: bool = True, **kwargs: Any) -> Any: ...


def location_from_hit(hit: PostcodeHit) -> Location:
    """Return a geopy :class:`~geopy.location.Location` for ``hit``.

    ``raw`` holds ``postcode``, ``pc4``, ``wijk``, ``wijkcode`` and ``precision``.
    """
    address = format_postcode(hit.postcode)
    if hit.district:
        address = f"{address}, {hit.district}"
    raw = {
        "postcode": hit.postcode,
        "pc4": pc4_of(hit.postcode),
        "wijk": hit.district,
        "wijkcode": hit.district_code,
        "precision": hit.precision,
    }
    return Location(address, (hit.point.latitude, hit.point.longitude), raw)


def hit_from_location(location: Location, postcode: str) -> PostcodeHit:
    """Return a :class:`PostcodeHit` for a ``location`` found for the normalised ``postcode``.

    Our own geocoders put the postcode, district and precision in ``location.raw``; for any other
    geocoder the queried postcode is used and the precision follows from its length.
    """
    raw = location.raw if isinstance(location.raw, dict) else {}
    found = normalise_postcode(str(raw.get("postcode") or "")) or postcode
    precision = raw.get("precision")
    if precision not in PRECISIONS:
        precision = "pc6" if len(found) == 6 else "pc4"
    return PostcodeHit(
        postcode=found,
        point=Point(location.latitude, location.longitude),
        district=raw.get("wijk") or None,
        precision=precision,
        district_code=raw.get("wijkcode") or None,
    )


def one_or_list(location: Location | None, exactly_one: bool) -> Location | list[Location] | None:
    """Return ``location`` the way geopy's ``geocode`` does for ``exactly_one``."""
    if location is None:
        return None
    return location if exactly_one else [location]


class OfflineGeocoder:
    """Geocode Dutch postcodes with a lookup function, without any network.

    The lookup receives a normalised postcode, PC6 (``8011AB``) or PC4 (``8011``), and returns a
    :class:`PostcodeHit` or None; the table behind it (for example the ``postcode_area`` table)
    lives elsewhere, so this class stays pure. A PC6 that is not known falls back to its PC4.

    This implements geopy's ``geocode`` signature by duck typing instead of subclassing
    :class:`geopy.geocoders.base.Geocoder`, whose ``__init__`` builds an HTTP adapter that an
    offline lookup does not need.
    """

    def __init__(self, lookup: Callable[[str], PostcodeHit | None]) -> None:
        self.lookup = lookup

    def geocode(
        self, query: str, exactly_one: bool = True, **kwargs: Any
    ) -> Location | list[Location] | None:
        """Return the location of the postcode in ``query``, or None when unknown or no postcode.

        Other keyword arguments of geopy (``timeout``, ...) are accepted and ignored.
        """
        postcode = normalise_postcode(query)
        if postcode is None:
            return None
        hit = self.lookup(postcode)
        if hit is None and len(postcode) == 6:
            hit = self.lookup(pc4_of(postcode))
        return one_or_list(location_from_hit(hit) if hit else None, exactly_one)


def resolve_postcode(geocoder: SupportsGeocode, text: str) -> PostcodeHit:
    """Return the hit for the postcode typed as ``text``.

    Raises :exc:`InvalidPostcode` when the text is not a postcode and :exc:`UnknownPostcode` when
    the geocoder does not know it; both carry a Dutch message for the person who typed it.
    """
    postcode = normalise_postcode(text)
    if postcode is None:
        raise InvalidPostcode(text)
    location = geocoder.geocode(postcode, exactly_one=True)
    if location is None:
        raise UnknownPostcode(postcode)
    return hit_from_location(location, postcode)
