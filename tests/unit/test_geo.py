import math
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy.adapters import BaseSyncAdapter
from geopy.distance import geodesic
from geopy.exc import GeocoderTimedOut
from geopy.location import Location
from hypothesis import given, settings
from hypothesis import strategies as st

from activatie.geo import (
    LOCAL_MARGIN_KM,
    InvalidPostcode,
    LocalFrame,
    OfflineGeocoder,
    Point,
    PostcodeHit,
    UnknownPostcode,
    bounding_box,
    distance_km,
    format_postcode,
    hit_from_location,
    location_from_hit,
    max_distance_for_minutes,
    normalise_postcode,
    resolve_postcode,
    travel_minutes,
)
from activatie.geocoding import (
    MISS,
    CachingGeocoder,
    DictCache,
    PdokGeocoder,
    parse_pdok_point,
    parse_pdok_response,
)

STATION = Point(52.5048, 6.0910)
GROTE_KERK = Point(52.5125, 6.0907)

pure = settings(database=None, deadline=None)


# --- distances and travel time ---------------------------------------------------------------


def test_distance_station_to_grote_kerk():
    assert distance_km(STATION, GROTE_KERK) == pytest.approx(0.86, rel=0.05)
    assert distance_km(STATION, STATION) == 0
    assert distance_km(STATION, GROTE_KERK) == pytest.approx(distance_km(GROTE_KERK, STATION))


def geopy_km(a: Point, b: Point) -> float:
    return geodesic((a.latitude, a.longitude), (b.latitude, b.longitude)).kilometers


coordinates = st.builds(
    Point,
    latitude=st.floats(-89.9, 89.9) | st.sampled_from([0.0, -0.0, 52.5, -52.5]),
    longitude=st.floats(-180.0, 180.0) | st.sampled_from([0.0, -0.0, 180.0, -180.0, 6.09]),
)


@pure
@given(a=coordinates, b=coordinates)
def test_distance_km_is_geopys_geodesic_bit_for_bit(a, b):
    # distance_km reuses one Geodesic instead of building one per call, as geopy does.
    assert distance_km(a, b) == geopy_km(a, b)
    assert math.copysign(1.0, distance_km(a, b)) == math.copysign(1.0, geopy_km(a, b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (STATION, GROTE_KERK),
        (Point(0, 0), Point(-0.0, -0.0)),
        (Point(52, 6), Point(52.0, 6.0)),
        (Point(0.0, 179.9), Point(0.0, -179.9)),
        (Point(89.99, 0), Point(-89.99, 180)),
    ],
)
def test_distance_km_is_geopys_geodesic_at_odd_points(a, b):
    assert distance_km(a, b) == geopy_km(a, b)


def point_at(centre: Point, km: float, bearing: float) -> Point:
    end = geodesic(kilometers=km).destination((centre.latitude, centre.longitude), bearing)
    return Point(end.latitude, end.longitude)


dutch_points = st.builds(Point, latitude=st.floats(50.75, 53.55), longitude=st.floats(3.35, 7.25))


@pure
@given(
    centre=dutch_points,
    km=st.floats(0.0, 50.0),
    bearing=st.floats(0.0, 360.0),
)
def test_local_frame_is_exact_to_metres_nearby(centre, km, bearing):
    point = point_at(centre, km, bearing)
    error = abs(LocalFrame.around(centre).distance_km(point) - distance_km(centre, point))
    assert error <= (0.0005 if km <= 25 else 0.0025)  # half a metre within 25 km, 2.5 m in 50


@pure
@given(
    centre=dutch_points,
    km=st.floats(0.0, 300.0),
    bearing=st.floats(0.0, 360.0),
)
def test_local_frame_error_stays_inside_its_margin(centre, km, bearing):
    # What matching relies on: a local distance further than margin_km(limit) from a limit lies
    # on the same side of it as the exact distance (here without the fixed 20 m, to be strict).
    point = point_at(centre, km, bearing)
    exact = distance_km(centre, point)
    error = abs(LocalFrame.around(centre).distance_km(point) - exact)
    assert error <= LocalFrame.margin_km(exact) - LOCAL_MARGIN_KM + 1e-9


def test_local_frame_basics():
    frame = LocalFrame.around(GROTE_KERK)
    assert frame.distance_km(GROTE_KERK) == 0
    assert frame.km_per_lat == pytest.approx(111.27, abs=0.01)
    assert frame.km_per_lon == pytest.approx(math.cos(math.radians(52.5125)) * 111.5, rel=0.01)
    assert frame.distance_km(STATION) == pytest.approx(distance_km(GROTE_KERK, STATION), abs=1e-5)
    assert LocalFrame.around(GROTE_KERK) is frame  # measured once per point
    assert LocalFrame.margin_km(0) == LOCAL_MARGIN_KM == 0.02
    assert LocalFrame.margin_km(100) == pytest.approx(0.045)
    # Across the antimeridian the frame takes the short way round.
    east = LocalFrame.around(Point(0.0, 179.99))
    assert east.distance_km(Point(0.0, -179.99)) == pytest.approx(2.226, abs=0.001)


@pytest.mark.parametrize(
    ("km", "mode", "minutes"),
    [
        (1.0, "lopen", 18),  # 1.3 km at 4.5 km/h = 17.3 minutes, rounded up
        (1.0, "fiets", 6),  # 1.3 km at 15 km/h = 5.2 minutes
        (3.0, "fiets", 16),
        (0.0, "lopen", 1),  # never "0 minutes"
        (1.0, "ov", None),  # public transport is not estimated
        (1.0, "auto", None),
    ],
)
def test_travel_minutes(km, mode, minutes):
    assert travel_minutes(km, mode) == minutes


@pytest.mark.parametrize("mode", ["lopen", "fiets"])
@pytest.mark.parametrize("minutes", [5, 10, 15, 30])
def test_max_distance_for_minutes_is_the_inverse(mode, minutes):
    km = max_distance_for_minutes(minutes, mode)
    assert travel_minutes(km * 0.999, mode) <= minutes
    assert travel_minutes(km * 1.05, mode) > minutes


def test_max_distance_for_minutes_without_estimate():
    assert max_distance_for_minutes(15, "ov") is None
    assert max_distance_for_minutes(15, "lopen") == pytest.approx(15 / 60 * 4.5 / 1.3)


CENTRES = [
    Point(52.5125, 6.0907),  # Zwolle
    Point(78.2232, 15.6267),  # Longyearbyen, far north
    Point(-77.8419, 166.6863),  # McMurdo, far south
]


@pure
@given(
    centre=st.sampled_from(CENTRES),
    radius=st.floats(min_value=0.01, max_value=50.0),  # 10 m up: no float noise
    fraction=st.floats(min_value=0.0, max_value=1.0),
    bearing=st.floats(min_value=0.0, max_value=360.0),
)
def test_bounding_box_contains_every_point_within_radius(centre, radius, fraction, bearing):
    box = bounding_box(centre, radius)
    assert box.contains(centre)
    end = geodesic(kilometers=radius * fraction).destination(
        (centre.latitude, centre.longitude), bearing
    )
    point = Point(end.latitude, end.longitude)
    assert distance_km(centre, point) <= radius + 1e-6
    assert box.contains(point)


def test_bounding_box_refuses_negative_radius():
    with pytest.raises(ValueError):
        bounding_box(STATION, -1)


# --- postcodes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8011 ab", "8011AB"),
        (" 8011AB ", "8011AB"),
        ("8011", "8011"),
        (" 8011 ", "8011"),
        ("0123", None),
        ("801", None),
        ("abcd", None),
        ("8011 A", None),
        ("8011 ABC", None),
        ("", None),
    ],
)
def test_normalise_postcode(text, expected):
    assert normalise_postcode(text) == expected


def test_format_postcode():
    assert format_postcode("8011AB") == "8011 AB"
    assert format_postcode("8011") == "8011"


# --- offline geocoder ------------------------------------------------------------------------

PC6_HIT = PostcodeHit("8011AB", Point(52.5110, 6.0920), "Binnenstad", "pc6", "WK019310")
PC4_HIT = PostcodeHit("8011", Point(52.5120, 6.0940), "Binnenstad", "pc4")
ASSENDORP = PostcodeHit("8012", Point(52.5010, 6.1000), None, "pc4")


class CountingLookup:
    """A postcode table in a dict that remembers what it was asked."""

    def __init__(self, *hits):
        self.table = {hit.postcode: hit for hit in hits}
        self.asked = []

    def __call__(self, postcode):
        self.asked.append(postcode)
        return self.table.get(postcode)


def test_offline_geocoder_pc6_hit():
    lookup = CountingLookup(PC6_HIT, PC4_HIT)
    location = OfflineGeocoder(lookup).geocode("8011 ab")
    assert isinstance(location, Location)
    assert location.address == "8011 AB, Binnenstad"
    assert (location.latitude, location.longitude) == (52.5110, 6.0920)
    assert location.raw == {
        "postcode": "8011AB",
        "pc4": "8011",
        "wijk": "Binnenstad",
        "wijkcode": "WK019310",
        "precision": "pc6",
    }
    assert lookup.asked == ["8011AB"]


def test_offline_geocoder_falls_back_from_pc6_to_pc4():
    lookup = CountingLookup(PC4_HIT)
    location = OfflineGeocoder(lookup).geocode("8011ZZ")
    assert location.raw["precision"] == "pc4"
    assert location.raw["pc4"] == "8011"
    assert (location.latitude, location.longitude) == (52.5120, 6.0940)
    assert lookup.asked == ["8011ZZ", "8011"]


def test_offline_geocoder_pc4_query_and_list_result():
    geocoder = OfflineGeocoder(CountingLookup(ASSENDORP))
    [location] = geocoder.geocode("8012", exactly_one=False, timeout=3)
    assert location.address == "8012"
    assert location.raw["wijk"] is None and location.raw["wijkcode"] is None


def test_offline_geocoder_unknown_postcode():
    lookup = CountingLookup(PC4_HIT)
    assert OfflineGeocoder(lookup).geocode("9999 ZZ") is None
    assert OfflineGeocoder(lookup).geocode("9999 ZZ", exactly_one=False) is None
    assert lookup.asked == ["9999ZZ", "9999", "9999ZZ", "9999"]


def test_offline_geocoder_ignores_text_that_is_no_postcode():
    lookup = CountingLookup(PC4_HIT)
    assert OfflineGeocoder(lookup).geocode("Grote Kerkplein, Zwolle") is None
    assert lookup.asked == []


def test_hit_and_location_round_trip():
    assert hit_from_location(location_from_hit(PC6_HIT), "8011AB") == PC6_HIT
    assert hit_from_location(location_from_hit(ASSENDORP), "8012") == ASSENDORP


def test_hit_from_a_foreign_location():
    # A geocoder that is not ours (say Nominatim) has none of our keys in ``raw``.
    location = Location("Zwolle", (52.5, 6.09), {"display_name": "Zwolle"})
    assert hit_from_location(location, "8011AB") == PostcodeHit(
        "8011AB", Point(52.5, 6.09), None, "pc6"
    )


def test_postcode_hit_checks_precision():
    with pytest.raises(ValueError):
        PostcodeHit("8011", STATION, None, "street")


# --- resolve_postcode ------------------------------------------------------------------------


def test_resolve_postcode():
    geocoder = OfflineGeocoder(CountingLookup(PC6_HIT, PC4_HIT))
    assert resolve_postcode(geocoder, " 8011 ab") == PC6_HIT
    assert resolve_postcode(geocoder, "8011") == PC4_HIT
    assert resolve_postcode(geocoder, "8011 XY").precision == "pc4"


def test_resolve_postcode_unknown():
    geocoder = OfflineGeocoder(CountingLookup(PC4_HIT))
    with pytest.raises(UnknownPostcode) as info:
        resolve_postcode(geocoder, "9999")
    assert str(info.value) == (
        "We kennen postcode 9999 niet. Controleer de postcode of probeer een postcode in Zwolle."
    )
    assert info.value.postcode == "9999"
    with pytest.raises(UnknownPostcode, match="postcode 9999 ZZ niet"):
        resolve_postcode(geocoder, "9999zz")


@pytest.mark.parametrize("text", ["801", "abcd", "8011 A", "", "0123"])
def test_resolve_postcode_invalid(text):
    geocoder = OfflineGeocoder(CountingLookup(PC4_HIT))
    with pytest.raises(InvalidPostcode) as info:
        resolve_postcode(geocoder, text)
    assert str(info.value) == "Vul een postcode in zoals 8011 of 8011 AB."
    assert isinstance(info.value, ValueError)


# --- PDOK Locatieserver (never over the network) ---------------------------------------------


def pdok_response(*docs):
    return {"response": {"numFound": len(docs), "start": 0, "docs": list(docs)}}


PDOK_DOC = {
    "type": "postcode",
    "weergavenaam": "Voorbeeldstraat, 8011AB Zwolle",
    "postcode": "8011AB",
    "woonplaatsnaam": "Zwolle",
    "wijknaam": "Binnenstad",
    "wijkcode": "WK019310",
    "centroide_ll": "POINT(6.09200 52.51100)",
    "centroide_rd": "POINT(203000.0 502000.0)",
}


@pytest.mark.parametrize(
    ("text", "latitude", "longitude"),
    [
        ("POINT(6.0910 52.5048)", 52.5048, 6.0910),
        ("POINT (6.0910 52.5048)", 52.5048, 6.0910),
        (" point(-0.1276 51.5072) ", 51.5072, -0.1276),
        ("POINT(6 52)", 52.0, 6.0),
    ],
)
def test_parse_pdok_point_reads_longitude_first(text, latitude, longitude):
    assert parse_pdok_point(text) == Point(latitude, longitude)


@pytest.mark.parametrize("text", ["", "POINT(6.09)", "52.5 6.09", "POLYGON((1 2, 3 4))"])
def test_parse_pdok_point_refuses_other_text(text):
    with pytest.raises(ValueError):
        parse_pdok_point(text)


def test_parse_pdok_response():
    [hit] = parse_pdok_response(pdok_response(PDOK_DOC), "8011AB")
    assert hit == PostcodeHit("8011AB", Point(52.511, 6.092), "Binnenstad", "pc6", "WK019310")


def test_parse_pdok_response_other_postcode_in_the_same_area_is_a_pc4_hit():
    [hit] = parse_pdok_response(pdok_response(PDOK_DOC), "8011ZZ")
    assert hit.postcode == "8011"
    assert hit.precision == "pc4"


def test_parse_pdok_response_drops_other_areas_and_odd_data():
    assert parse_pdok_response(pdok_response(PDOK_DOC), "9999ZZ") == []
    assert parse_pdok_response(pdok_response(), "8011AB") == []
    assert parse_pdok_response({}, "8011AB") == []
    assert parse_pdok_response(pdok_response({"postcode": "8011AB"}), "8011AB") == []


def test_parse_pdok_response_strips_cbs_district_number():
    doc = {**PDOK_DOC, "wijknaam": "Wijk 10 Binnenstad"}
    [hit] = parse_pdok_response(pdok_response(doc), "8011AB")
    assert hit.district == "Binnenstad"
    [hit] = parse_pdok_response(pdok_response({**PDOK_DOC, "wijknaam": ""}), "8011AB")
    assert hit.district is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [("WK019310", "WK019310"), ("wk019331 ", "WK019331"), ("", None), ("10", None), (None, None)],
)
def test_parse_pdok_response_keeps_only_a_cbs_wijk_code(code, expected):
    [hit] = parse_pdok_response(pdok_response({**PDOK_DOC, "wijkcode": code}), "8011AB")
    assert hit.district_code == expected


class CannedAdapter(BaseSyncAdapter):
    """A geopy adapter that answers every request with the same JSON and records the URLs."""

    response = pdok_response(PDOK_DOC)
    error = None

    def __init__(self, *, proxies, ssl_context):
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self.urls = []

    def get_json(self, url, *, timeout, headers):
        self.urls.append(url)
        if self.error is not None:
            raise self.error
        return self.response

    def get_text(self, url, *, timeout, headers):  # pragma: no cover - PDOK answers JSON
        raise NotImplementedError


def test_pdok_geocoder_builds_the_request_and_parses_the_answer():
    geocoder = PdokGeocoder(adapter_factory=CannedAdapter, user_agent="activatie-tests")
    location = geocoder.geocode("8011 ab")
    assert location.raw == {
        "postcode": "8011AB",
        "pc4": "8011",
        "wijk": "Binnenstad",
        "wijkcode": "WK019310",
        "precision": "pc6",
    }
    assert (location.latitude, location.longitude) == (52.511, 6.092)

    [url] = geocoder.adapter.urls
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
    )
    assert parse_qs(parts.query) == {"q": ["8011AB"], "fq": ["type:postcode"], "rows": ["1"]}


def test_pdok_geocoder_unknown_and_no_postcode():
    geocoder = PdokGeocoder(adapter_factory=CannedAdapter)
    assert geocoder.geocode("9999 ZZ") is None
    assert geocoder.geocode("Grote Kerkplein") is None
    assert len(geocoder.adapter.urls) == 1


def test_pdok_geocoder_list_result():
    geocoder = PdokGeocoder(adapter_factory=CannedAdapter)
    [location] = geocoder.geocode("8011AB", exactly_one=False)
    assert location.raw["postcode"] == "8011AB"
    assert "rows=10" in geocoder.adapter.urls[0]


# --- caching ---------------------------------------------------------------------------------


def test_caching_geocoder_asks_once_per_postcode():
    lookup = CountingLookup(PC6_HIT)
    cache = DictCache()
    geocoder = CachingGeocoder(OfflineGeocoder(lookup), cache)
    first = geocoder.geocode("8011 ab")
    second = geocoder.geocode("8011AB")
    assert lookup.asked == ["8011AB"]
    assert first == second
    assert cache.get("8011AB") == PC6_HIT
    assert cache.get("8012") is MISS
    assert resolve_postcode(geocoder, "8011AB") == PC6_HIT
    assert lookup.asked == ["8011AB"]


def test_caching_geocoder_caches_unknown_postcodes():
    lookup = CountingLookup()
    geocoder = CachingGeocoder(OfflineGeocoder(lookup), DictCache())
    assert geocoder.geocode("9999") is None
    assert geocoder.geocode("9999", exactly_one=False) is None
    assert lookup.asked == ["9999"]


def test_caching_geocoder_can_leave_unknown_postcodes_uncached():
    lookup = CountingLookup()
    geocoder = CachingGeocoder(OfflineGeocoder(lookup), DictCache(), cache_unknown=False)
    geocoder.geocode("9999")
    geocoder.geocode("9999")
    assert lookup.asked == ["9999", "9999"]


def test_caching_geocoder_does_not_ask_for_text_that_is_no_postcode():
    lookup = CountingLookup(PC6_HIT)
    geocoder = CachingGeocoder(OfflineGeocoder(lookup), DictCache())
    assert geocoder.geocode("Zwolle") is None
    assert lookup.asked == []


def test_caching_geocoder_over_pdok_asks_the_network_once():
    pdok = PdokGeocoder(adapter_factory=CannedAdapter)
    geocoder = CachingGeocoder(pdok, DictCache())
    assert resolve_postcode(geocoder, "8011 AB") == resolve_postcode(geocoder, "8011ab")
    assert len(pdok.adapter.urls) == 1


def test_caching_geocoder_does_not_cache_errors():
    class FailingAdapter(CannedAdapter):
        error = GeocoderTimedOut("PDOK antwoordt niet")

    cache = DictCache()
    geocoder = CachingGeocoder(PdokGeocoder(adapter_factory=FailingAdapter), cache)
    with pytest.raises(GeocoderTimedOut):
        geocoder.geocode("8011AB")
    assert cache.data == {}


def test_pdok_point_is_near_zwolle_station():
    # A sanity check of the lon/lat order against a known place.
    point = parse_pdok_point("POINT(6.0910 52.5048)")
    assert math.isclose(distance_km(point, STATION), 0.0, abs_tol=1e-9)
