"""The map of Zwolle drawn on the server: its data, its geometry and its SVG.

The pages that show it: ``tests/http/test_citymap_pages.py``.
"""

from __future__ import annotations

import itertools
import json
import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activatie import citymap
from activatie.geo import Point

SVG = "{http://www.w3.org/2000/svg}"
OUTLINE = citymap.load_outline()

# The bounding box of the CBS buurt polygons of Zwolle (seeds/zwolle-buurten-2014.geojson).
SOUTH, NORTH, WEST, EAST = 52.4405, 52.5878, 6.0036, 6.2107

inside_zwolle = st.builds(
    Point,
    st.floats(SOUTH, NORTH, allow_nan=False),
    st.floats(WEST, EAST, allow_nan=False),
)
anywhere_near = st.builds(
    Point, st.floats(52.0, 53.0, allow_nan=False), st.floats(5.5, 6.7, allow_nan=False)
)


def test_the_map_file_is_built_from_the_geojson_in_seeds() -> None:
    with open(citymap.SOURCE_FILE, encoding="utf-8") as file:
        built = citymap.build_outline(json.load(file))
    with open(citymap.MAP_FILE, encoding="utf-8") as file:
        stored = json.load(file)
    assert stored == json.loads(json.dumps(built))  # run `python -m activatie.citymap` if not
    assert stored["attribution"] == citymap.ATTRIBUTION
    assert "CBS/Kadaster" in citymap.ATTRIBUTION and "CC BY 4.0" in citymap.ATTRIBUTION


def test_the_outline_has_the_16_wijken_and_stays_small() -> None:
    assert len(OUTLINE.wijken) == 16
    assert {w.name for w in OUTLINE.wijken.values()} >= {"Binnenstad", "Aa-landen", "Schelle"}
    drawn = len(OUTLINE.land) + len(OUTLINE.wijk_lines) + len(OUTLINE.buurt_lines)
    assert drawn < 5000  # bytes of path data on every map


@pytest.mark.parametrize(
    ("point", "wijk"),
    [
        (Point(52.5125, 6.0907), "Binnenstad"),  # Grote Kerkplein
        (Point(52.4473, 6.1303), "Soestweteringlanden"),  # Windesheim
        (Point(52.5305, 6.0440), "Stadshagen"),
        (Point(52.4964, 6.0846), "Schelle"),  # Hogeschool Windesheim, Campus 2
    ],
)
def test_known_places_fall_in_their_wijk(point: Point, wijk: str) -> None:
    found = OUTLINE.wijk_at(point)
    assert found is not None and found.name == wijk


def test_a_point_outside_zwolle_is_in_no_wijk() -> None:
    assert OUTLINE.wijk_at(Point(52.37, 4.89)) is None  # Amsterdam


@given(inside_zwolle)
def test_a_point_inside_zwolle_maps_inside_the_whole_map(point: Point) -> None:
    x, y = OUTLINE.projection.project(point)
    assert 0 <= x <= OUTLINE.width and 0 <= y <= OUTLINE.height
    back = OUTLINE.projection.unproject(x, y)
    assert back.latitude == pytest.approx(point.latitude, abs=1e-9)
    assert back.longitude == pytest.approx(point.longitude, abs=1e-9)


@given(inside_zwolle, inside_zwolle)
def test_the_projection_keeps_north_up_east_right_and_distances(a: Point, b: Point) -> None:
    ax, ay = OUTLINE.projection.project(a)
    bx, by = OUTLINE.projection.project(b)
    assert (ax < bx) == (a.longitude < b.longitude) or a.longitude == b.longitude
    assert (ay < by) == (a.latitude > b.latitude) or a.latitude == b.latitude
    from activatie.geo import distance_km

    units = ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5
    km = distance_km(a, b)
    assert units / OUTLINE.projection.units_per_km() == pytest.approx(km, rel=0.01, abs=0.01)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(anywhere_near, max_size=25),
    st.one_of(st.none(), inside_zwolle),
    st.integers(1, 200),
)
def test_every_marker_and_the_house_lie_inside_the_view(places, home, first) -> None:
    view = citymap.plan(OUTLINE, places, home=home, first_number=first)
    assert [m.label for m in view.markers] == [str(n) for n in range(first, first + len(places))]
    r = view.radius
    bx, by, bw, bh = view.box
    for marker in view.markers:
        assert bx + r - 1e-6 <= marker.x <= bx + bw - r + 1e-6
        assert by + r - 1e-6 <= marker.y <= by + bh - r + 1e-6
    if home is not None:
        assert view.home is not None and view.inside(*view.home)
    svg = citymap.render(OUTLINE, view, map_id="k", title="Kaart", description="Uitleg")
    root = ET.fromstring(svg)  # valid XML
    assert len(root.findall(f".//{SVG}circle")) >= len(places)


@given(st.lists(inside_zwolle, min_size=1, max_size=10), inside_zwolle)
def test_places_inside_zwolle_are_drawn_where_they_are(places, home) -> None:
    view = citymap.plan(OUTLINE, places, home=home)
    for marker, place in zip(view.markers, places, strict=True):
        x, y = OUTLINE.projection.project(place)
        assert (marker.true_x, marker.true_y) == (x, y)
        assert view.inside(x, y)  # the view is fitted to the places, nothing is cut off
    assert view.home == OUTLINE.projection.project(home)


def test_markers_at_one_spot_are_moved_apart() -> None:
    spot = Point(52.5125, 6.0907)
    view = citymap.plan(OUTLINE, [spot, spot, spot], home=spot)
    positions = {(round(m.x, 3), round(m.y, 3)) for m in view.markers}
    assert len(positions) == 3
    for a in view.markers:
        assert ((a.x - view.home[0]) ** 2 + (a.y - view.home[1]) ** 2) ** 0.5 >= 2 * view.radius


def _markers_checked_against_all(spots, box, radius, first_number, home):
    """The placement as first written: every spot tried is checked against every marker."""
    bx, by, bw, bh = box
    low_x, high_x, low_y, high_y = bx + radius, bx + bw - radius, by + radius, by + bh - radius
    clamp = citymap._clamp
    placed: list[tuple[float, float]] = []
    gap = 2.1 * radius
    for tx, ty in spots:
        x, y = clamp(tx, low_x, high_x), clamp(ty, low_y, high_y)
        tried = itertools.chain(
            ((x, y),),
            (
                (
                    clamp(x + ring * gap * math.cos(turn), low_x, high_x),
                    clamp(y + ring * gap * math.sin(turn), low_y, high_y),
                )
                for ring in (1, 2, 3)
                for step in range(6 * ring)
                for turn in (-math.pi / 2 + 2 * math.pi * step / (6 * ring),)
            ),
        )
        placed.append(
            next(
                (
                    (cx, cy)
                    for cx, cy in tried
                    if all(math.hypot(cx - px, cy - py) >= gap * 0.999 for px, py in placed)
                    and (home is None or math.hypot(cx - home[0], cy - home[1]) >= gap * 0.999)
                ),
                (x, y),
            )
        )
    return placed


#: Places crowded into one district, as a search's 50 results near one postcode are.
crowded = st.builds(
    Point, st.floats(52.50, 52.52, allow_nan=False), st.floats(6.07, 6.11, allow_nan=False)
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.one_of(crowded, inside_zwolle), max_size=60),
    st.one_of(st.none(), crowded),
    st.sampled_from([0.02, 0.04, 0.08]),
)
def test_markers_go_where_checking_every_marker_puts_them(places, home, share) -> None:
    """Checking a spot against the markers of its own and the eight neighbouring squares only
    places every marker exactly where checking all of them does."""
    view = citymap.plan(OUTLINE, places, home=home, marker_share=share)
    spots = [OUTLINE.projection.project(place) for place in places]
    expected = _markers_checked_against_all(spots, view.box, view.radius, 1, view.home)
    assert [(m.x, m.y) for m in view.markers] == expected
    assert [(m.true_x, m.true_y) for m in view.markers] == spots


def test_the_svg_is_an_image_with_a_title_and_description_and_escapes_text() -> None:
    view = citymap.plan(OUTLINE, [Point(52.5125, 6.0907)], home=Point(52.5116, 6.0921))
    svg = citymap.render(
        OUTLINE, view, map_id="kaart", title="Kaart <van> Zwolle", description="A & B"
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "kaart-titel kaart-uitleg"
    assert root[0].tag == f"{SVG}title" and root[0].text == "Kaart <van> Zwolle"
    assert root[1].tag == f"{SVG}desc" and root[1].text == "A & B"
    assert root.find(f".//{SVG}path[@class='map-home-wijk']") is not None  # Binnenstad
    assert "<script" not in svg and "style=" not in svg and "http" not in svg.replace(SVG[1:-1], "")
    with pytest.raises(ValueError):
        citymap.render(OUTLINE, view, map_id='x" onload="alert(1)', title="t", description="d")


# --- pages -----------------------------------------------------------------------------------
