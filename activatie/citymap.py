"""A map of Zwolle drawn on the server as inline SVG: no tiles, no third party, no script (pure).

The outlines come from the CBS Wijk- en buurtkaart 2014 (``seeds/zwolle-buurten-2014.geojson``,
CBS/Kadaster, CC BY 4.0). :func:`build_outline` projects them once onto a flat plane, dissolves
the 78 buurten into the 16 wijken and writes short relative SVG paths; the result is kept in
``seeds/zwolle-kaart.json`` (``flask --app activatie build-map`` writes it again) so a page only
copies a few kilobytes of finished path data.

A map shows the resident's postcode (a house at the PC4 centroid, its wijk shaded) and numbered
markers with the same numbers as the list beside it. The list is the text alternative: the SVG
is ``role="img"`` with a ``<title>`` and a ``<desc>`` that say so. The Content-Security-Policy
allows no inline style, so the SVG uses presentation attributes and ``map-*`` classes only.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from .geo import Point

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SOURCE_FILE = SEEDS / "zwolle-buurten-2014.geojson"
MAP_FILE = SEEDS / "zwolle-kaart.json"

#: Shown under every map (the outlines' licence asks for it).
ATTRIBUTION = "Kaart: wijk- en buurtgrenzen CBS/Kadaster (2014), CC BY 4.0."
ATTRIBUTION_POSTCODE = "Postcodecentra: © GeoNames, CC BY 4.0."

#: Map units per degree of latitude: the whole city is about 1,000 units high (1 unit ≈ 16 m).
UNITS_PER_DEGREE = 6800.0
#: Room around the city's outline, in map units.
MARGIN = 8
#: Km per degree of latitude (as ``geo``), to turn km into map units.
KM_PER_DEGREE = 111.32

_ID = re.compile(r"^[a-z][a-z0-9-]*$")

Edge = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class Projection:
    """An equirectangular projection around Zwolle's middle latitude, in map units.

    Over 16 km the scale error of this projection is far below a map unit.
    """

    west: float
    north: float
    x_scale: float  # units per degree of longitude
    y_scale: float  # units per degree of latitude

    def project(self, point: Point) -> tuple[float, float]:
        return (
            (point.longitude - self.west) * self.x_scale,
            (self.north - point.latitude) * self.y_scale,
        )

    def unproject(self, x: float, y: float) -> Point:
        return Point(self.north - y / self.y_scale, self.west + x / self.x_scale)

    def units_per_km(self) -> float:
        return self.y_scale / KM_PER_DEGREE


@dataclass(frozen=True)
class Wijk:
    code: str
    name: str
    #: Closed outline (absolute start, relative steps) for shading the resident's wijk.
    path: str
    #: Where its name is written.
    label: tuple[int, int]
    #: Outline rings in map units, to find the wijk of a point.
    rings: tuple[tuple[tuple[int, int], ...], ...]

    def contains(self, x: float, y: float) -> bool:
        inside = False
        for ring in self.rings:
            inside ^= _in_ring(x, y, ring)
        return inside


@dataclass(frozen=True)
class Outline:
    """The finished drawing of Zwolle: sizes, projection and path data."""

    width: int
    height: int
    projection: Projection
    #: The municipality's land (closed rings).
    land: str
    #: Borders between wijken (open lines, each drawn once).
    wijk_lines: str
    #: Borders between buurten inside a wijk (open lines).
    buurt_lines: str
    wijken: Mapping[str, Wijk]

    def wijk_at(self, point: Point) -> Wijk | None:
        x, y = self.projection.project(point)
        for wijk in self.wijken.values():
            if wijk.contains(x, y):
                return wijk
        return None


# --- building the outline once (tools and the freshness test) ------------------------------


def build_outline(geojson: Mapping[str, Any]) -> dict[str, Any]:
    """Project, dissolve and encode the buurt polygons; return the content of ``MAP_FILE``."""
    features = [f for f in geojson["features"] if f["geometry"]["type"] == "Polygon"]
    if not features:
        raise ValueError("no polygons in the geojson")
    lons = [p[0] for f in features for ring in f["geometry"]["coordinates"] for p in ring]
    lats = [p[1] for f in features for ring in f["geometry"]["coordinates"] for p in ring]
    middle = (min(lats) + max(lats)) / 2
    x_scale = UNITS_PER_DEGREE * math.cos(math.radians(middle))
    west = min(lons) - MARGIN / x_scale
    north = max(lats) + MARGIN / UNITS_PER_DEGREE
    projection = Projection(west, north, x_scale, UNITS_PER_DEGREE)
    width = math.ceil((max(lons) - west) * x_scale + MARGIN)
    height = math.ceil((north - min(lats)) * UNITS_PER_DEGREE + MARGIN)

    def grid(lon: float, lat: float) -> tuple[int, int]:
        x, y = projection.project(Point(lat, lon))
        return round(x), round(y)

    # Every edge of every buurt, with the wijk on each side (a shared edge has two).
    sides: dict[frozenset[tuple[int, int]], list[str]] = defaultdict(list)
    buurt_rings: dict[str, list[list[tuple[int, int]]]] = defaultdict(list)
    for feature in features:
        props = feature["properties"]
        code = props["WK_2014"]
        for ring in feature["geometry"]["coordinates"]:
            points = _dedupe([grid(lon, lat) for lon, lat in ring])
            buurt_rings[code].append(points)
            for a, b in zip(points, points[1:], strict=False):
                if a != b:
                    sides[frozenset((a, b))].append(code)
    wijk_edges: list[Edge] = []
    buurt_edges: list[Edge] = []
    outer: list[Edge] = []
    own: dict[str, list[Edge]] = defaultdict(list)
    for key, codes in sorted(sides.items(), key=lambda item: sorted(item[0])):
        a, b = sorted(key)
        edge = (a, b)
        if len(codes) == 1:
            outer.append(edge)
            wijk_edges.append(edge)
            own[codes[0]].append(edge)
        elif len(set(codes)) > 1:
            wijk_edges.append(edge)
            for code in set(codes):
                own[code].append(edge)
        else:
            buurt_edges.append(edge)
    wijken = {}
    for code in sorted(own):
        rings = _rings(own[code])
        wijken[code] = {
            "path": _closed_path(rings),
            "rings": rings,
            "label": list(_label_point(rings, buurt_rings[code])),
        }
    return {
        "source": "CBS Wijk- en buurtkaart 2014 (CBS/Kadaster), CC BY 4.0",
        "attribution": ATTRIBUTION,
        "width": width,
        "height": height,
        "projection": {
            "west": west,
            "north": north,
            "x_scale": x_scale,
            "y_scale": UNITS_PER_DEGREE,
        },
        "land": _closed_path(_rings(outer)),
        "wijk_lines": _open_path(_chains(wijk_edges)),
        "buurt_lines": _open_path(_chains(buurt_edges)),
        "wijken": wijken,
    }


def _dedupe(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept = [points[0]]
    for point in points[1:]:
        if point != kept[-1]:
            kept.append(point)
    return kept


def _chains(edges: Iterable[Edge]) -> list[list[tuple[int, int]]]:
    """Join edges into as few polylines as possible (each edge once)."""
    neighbours: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    for points in neighbours.values():
        points.sort()
    used: set[frozenset[tuple[int, int]]] = set()
    chains = []

    def walk(start: tuple[int, int]) -> list[tuple[int, int]]:
        chain = [start]
        current = start
        while True:
            step = next(
                (n for n in neighbours[current] if frozenset((current, n)) not in used), None
            )
            if step is None:
                return chain
            used.add(frozenset((current, step)))
            chain.append(step)
            current = step

    # Start at the ends first (odd degree), then close the loops that remain.
    for node in sorted(neighbours, key=lambda n: (len(neighbours[n]) % 2 == 0, n)):
        while any(frozenset((node, n)) not in used for n in neighbours[node]):
            chains.append(walk(node))
    return chains


def _rings(edges: Iterable[Edge]) -> list[list[tuple[int, int]]]:
    """Join the edges of a closed boundary into rings."""
    return [chain for chain in _chains(edges) if len(chain) > 3]


def _encode(points: Sequence[tuple[int, int]], closed: bool) -> str:
    x0, y0 = points[0]
    parts = [f"M{x0} {y0}"]
    steps = points[1:-1] if closed and points[-1] == points[0] else points[1:]
    if steps:
        moves = []
        px, py = x0, y0
        for x, y in steps:
            moves.append(_pair(x - px, y - py))
            px, py = x, y
        parts.append("l" + "".join(moves).lstrip(" "))
    if closed:
        parts.append("z")
    return "".join(parts)


def _pair(dx: int, dy: int) -> str:
    # SVG lets a minus sign stand in for the separator: "l3 4-2-5 6 7".
    text = f" {dx}" if dx >= 0 else str(dx)
    text += f" {dy}" if dy >= 0 else str(dy)
    return text


def _closed_path(rings: Sequence[Sequence[tuple[int, int]]]) -> str:
    return "".join(_encode(ring, closed=True) for ring in rings)


def _open_path(chains: Sequence[Sequence[tuple[int, int]]]) -> str:
    return "".join(_encode(chain, closed=False) for chain in chains if len(chain) > 1)


def _area_centroid(ring: Sequence[tuple[int, int]]) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if area == 0:
        return 0.0, float(ring[0][0]), float(ring[0][1])
    return abs(area) / 2, cx / (3 * area), cy / (3 * area)


def _in_ring(x: float, y: float, ring: Sequence[Sequence[int]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _label_point(
    rings: Sequence[Sequence[tuple[int, int]]], buurten: Sequence[Sequence[tuple[int, int]]]
) -> tuple[int, int]:
    """The middle of the wijk's largest ring, or else of its largest buurt (a concave wijk)."""
    _, x, y = max(_area_centroid(ring) for ring in rings)
    if sum(_in_ring(x, y, ring) for ring in rings) % 2 == 1:
        return round(x), round(y)
    _, x, y = max(_area_centroid(ring) for ring in buurten)
    return round(x), round(y)


# --- reading the outline ---------------------------------------------------------------------


def outline_from(data: Mapping[str, Any], names: Mapping[str, str]) -> Outline:
    projection = Projection(**data["projection"])
    wijken = {
        code: Wijk(
            code,
            names.get(code, code),
            item["path"],
            (item["label"][0], item["label"][1]),
            tuple(tuple((p[0], p[1]) for p in ring) for ring in item["rings"]),
        )
        for code, item in data["wijken"].items()
    }
    return Outline(
        data["width"],
        data["height"],
        projection,
        data["land"],
        data["wijk_lines"],
        data["buurt_lines"],
        wijken,
    )


@lru_cache(maxsize=1)
def load_outline() -> Outline:
    """Return the drawing of Zwolle from ``seeds/zwolle-kaart.json`` (read once per process)."""
    from .vocabulary import DISTRICTS

    with open(MAP_FILE, encoding="utf-8") as file:
        data = json.load(file)
    return outline_from(data, {term.key: term.label for term in DISTRICTS})


# --- one map -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    label: str
    #: Where the marker is drawn, and where the place really is (they differ when the marker
    #: was moved aside so that markers do not cover each other).
    x: float
    y: float
    true_x: float
    true_y: float


@dataclass(frozen=True)
class MapView:
    #: The visible part: x, y, width, height in map units.
    box: tuple[float, float, float, float]
    radius: float
    markers: tuple[Marker, ...]
    home: tuple[float, float] | None
    wijk: Wijk | None

    def inside(self, x: float, y: float) -> bool:
        bx, by, bw, bh = self.box
        return bx <= x <= bx + bw and by <= y <= by + bh


def plan(
    outline: Outline,
    places: Sequence[Point],
    *,
    home: Point | None = None,
    wijk_code: str | None = None,
    first_number: int = 1,
    min_span_km: float = 3.0,
    aspect: float = 4 / 3,
    marker_share: float = 0.04,
    numbered: bool = True,
    shade: bool = True,
) -> MapView:
    """Return the part of the city that shows ``home`` and ``places``, with numbered markers.

    Markers are numbered from ``first_number`` in the order of ``places``; a marker that would
    cover an earlier one or the house is moved aside (a thin line leads back to its real place);
    with ``numbered=False`` the markers carry no number (one place on its own page), with
    ``shade=False`` no wijk is shaded. The view is at least ``min_span_km`` wide and has the
    given width:height ``aspect``; a point outside the city is drawn at the city's edge.
    """
    project = outline.projection.project
    spots = [project(point) for point in places]
    home_xy = project(home) if home is not None else None
    points = spots + ([home_xy] if home_xy else [])
    if not points:
        points = [(outline.width / 2, outline.height / 2)]
        min_span_km = max(min_span_km, outline.height / outline.projection.units_per_km())
    xs = [_clamp(x, 0, outline.width) for x, _ in points]
    ys = [_clamp(y, 0, outline.height) for _, y in points]
    span = min_span_km * outline.projection.units_per_km()
    spread_x, spread_y = max(xs) - min(xs), max(ys) - min(ys)
    width, height = _fit(max(spread_x, span), max(spread_y, span / aspect), aspect)
    # Room for a marker (and a marker moved aside) at every edge; the marker grows with the view.
    for _ in range(8):
        room = 3 * marker_share * width
        if width >= spread_x + 2 * room and height >= spread_y + 2 * room:
            break
        width, height = _fit(
            max(width, spread_x + 2 * room), max(height, spread_y + 2 * room), aspect
        )
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    box = (cx - width / 2, cy - height / 2, width, height)
    radius = width * marker_share
    home_xy = (
        (
            _clamp(home_xy[0], box[0] + radius, box[0] + width - radius),
            _clamp(home_xy[1], box[1] + radius, box[1] + height - radius),
        )
        if home_xy
        else None
    )
    markers = _place_markers(spots, box, radius, first_number, numbered, home_xy)
    # Shade the wijk the house (or else the one place) stands in: the given wijk when the point
    # lies inside it, or else the one that holds it (a PC4 centroid in a business park lies
    # in another wijk than its residents; the map must not contradict itself).
    anchor = home if home is not None else (places[0] if len(places) == 1 else None)
    if not shade:
        anchor = None
    wijk = outline.wijken.get(wijk_code or "")
    if anchor is None:
        wijk = None
    elif wijk is None or not wijk.contains(*outline.projection.project(anchor)):
        wijk = outline.wijk_at(anchor)
    return MapView(box, radius, tuple(markers), home_xy, wijk)


def _fit(width: float, height: float, aspect: float) -> tuple[float, float]:
    """Grow the smaller side so that width / height is ``aspect``."""
    return max(width, height * aspect), max(height, width / aspect)


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _place_markers(
    spots: Sequence[tuple[float, float]],
    box: tuple[float, float, float, float],
    radius: float,
    first_number: int,
    numbered: bool = True,
    home: tuple[float, float] | None = None,
) -> list[Marker]:
    bx, by, bw, bh = box
    low_x, high_x = bx + radius, bx + bw - radius
    low_y, high_y = by + radius, by + bh - radius
    placed: list[Marker] = []
    gap = 2.1 * radius
    close = gap * 0.999
    # Where a marker is tried when its own place is taken, in turn: rings of 6, 12 and 18 spots
    # around it, the nearest ring first, each from the top clockwise (the same for every marker).
    around = [
        (ring * gap * math.cos(turn), ring * gap * math.sin(turn))
        for ring in (1, 2, 3)
        for step in range(6 * ring)
        for turn in (-math.pi / 2 + 2 * math.pi * step / (6 * ring),)
    ]
    # The markers placed so far, filed by a square of side ``gap``: a marker closer than ``gap``
    # to a spot lies in the spot's square or one of its eight neighbours, so a spot is checked
    # against those only (50 markers in one district tried up to 37 spots each against all).
    filed: dict[tuple[int, int], list[tuple[float, float]]] = {}

    def free(cx: float, cy: float) -> bool:
        if home is not None and math.hypot(cx - home[0], cy - home[1]) < close:
            return False
        col, row = math.floor(cx / gap), math.floor(cy / gap)
        for dc in (-1, 0, 1):
            for dr in (-1, 0, 1):
                for mx, my in filed.get((col + dc, row + dr), ()):
                    if math.hypot(cx - mx, cy - my) < close:
                        return False
        return True

    for number, (tx, ty) in enumerate(spots, start=first_number):
        x, y = _clamp(tx, low_x, high_x), _clamp(ty, low_y, high_y)
        # Tried in turn, and made only as far as needed: most markers keep their own place. A
        # spot pushed onto one already tried at the view's edge is not tried again.
        spot = (x, y)
        if not free(x, y):
            tried = {spot}
            for dx, dy in around:
                here = (_clamp(x + dx, low_x, high_x), _clamp(y + dy, low_y, high_y))
                if here in tried:
                    continue
                if free(*here):
                    spot = here
                    break
                tried.add(here)
        placed.append(Marker(str(number) if numbered else "", spot[0], spot[1], tx, ty))
        filed.setdefault((math.floor(spot[0] / gap), math.floor(spot[1] / gap)), []).append(spot)
    return placed


# --- drawing -------------------------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate in map units: whole units (about 16 m) are precise enough, ``12``."""
    return str(round(value))


#: Wijk names are written only on a view narrower than this many map units (about 10 km): on
#: the whole city they would cover each other.
LABEL_MAX_WIDTH = 640


def _labels(outline: Outline, view: MapView) -> list[tuple[str, int, int]]:
    """The wijk names that fit inside the view without touching each other or a marker."""
    bx, by, bw, bh = view.box
    if bw > LABEL_MAX_WIDTH:
        return []
    size = bw / 24
    taken = [
        (m.x - view.radius, m.y - view.radius, m.x + view.radius, m.y + view.radius)
        for m in view.markers
    ]
    if view.home is not None:
        hx, hy = view.home
        taken.append((hx - view.radius, hy - view.radius, hx + view.radius, hy + view.radius))
    shown = []
    for wijk in outline.wijken.values():
        x, y = wijk.label
        half = len(wijk.name) * size * 0.29
        box = (x - half, y - size, x + half, y + size * 0.3)
        if box[0] < bx or box[2] > bx + bw or box[1] < by or box[3] > by + bh:
            continue
        if any(_overlap(box, other) for other in taken):
            continue
        taken.append(box)
        shown.append((wijk.name, x, y))
    return shown


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def render(
    outline: Outline,
    view: MapView,
    *,
    map_id: str,
    title: str,
    description: str,
    css_class: str = "city-map",
    labels: bool = True,
) -> str:
    """Return the SVG of ``view`` (escaped; safe to insert into a page as is)."""
    if not _ID.match(map_id):
        raise ValueError("map_id must be a simple lowercase id")
    bx, by, bw, bh = view.box
    r = view.radius
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css_class)}" role="img" '
        f'viewBox="{_n(bx)} {_n(by)} {_n(bw)} {_n(bh)}" '
        f'aria-labelledby="{map_id}-titel {map_id}-uitleg">',
        f'<title id="{map_id}-titel">{escape(title)}</title>',
        f'<desc id="{map_id}-uitleg">{escape(description)}</desc>',
        f'<rect class="map-outside" x="{_n(bx)}" y="{_n(by)}" width="{_n(bw)}" height="{_n(bh)}"/>',
        f'<path class="map-land" d="{outline.land}"/>',
    ]
    if view.wijk is not None:
        out.append(f'<path class="map-home-wijk" d="{view.wijk.path}"/>')
    out.append(f'<path class="map-buurt" d="{outline.buurt_lines}"/>')
    out.append(f'<path class="map-wijk" d="{outline.wijk_lines}"/>')
    shown = _labels(outline, view) if labels else []
    if shown:
        out.append(f'<g class="map-label" font-size="{_n(bw / 24)}" text-anchor="middle">')
        out += [f'<text x="{x}" y="{y}">{escape(name)}</text>' for name, x, y in shown]
        out.append("</g>")
    if view.home is not None:
        hx, hy = view.home
        out.append(
            f'<path class="map-home" d="M{_n(hx)} {_n(hy - 1.15 * r)}l{_n(1.15 * r)} {_n(r)}'
            f"h{_n(-0.35 * r)}v{_n(1.05 * r)}h{_n(-1.6 * r)}v{_n(-1.05 * r)}"
            f'h{_n(-0.35 * r)}z"/>'
        )
    if view.markers:
        out.append(
            f'<g class="map-markers" font-size="{_n(1.15 * r)}" text-anchor="middle" '
            f'stroke-width="{_n(r / 6)}">'
        )
        # Leaders first: a marker moved aside must never be covered by another's line.
        for marker in view.markers:
            if (marker.x, marker.y) != (marker.true_x, marker.true_y):
                out.append(
                    f'<path class="map-leader" d="M{_n(marker.true_x)} {_n(marker.true_y)}'
                    f'L{_n(marker.x)} {_n(marker.y)}"/>'
                    f'<circle class="map-spot" cx="{_n(marker.true_x)}" '
                    f'cy="{_n(marker.true_y)}" r="{r / 4:.1f}"/>'
                )
        for marker in view.markers:
            out.append(f'<circle cx="{_n(marker.x)}" cy="{_n(marker.y)}" r="{_n(r)}"/>')
            if marker.label:
                out.append(
                    f'<text x="{_n(marker.x)}" y="{_n(marker.y + 0.4 * r)}">'
                    f"{escape(marker.label)}</text>"
                )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def write_map_file(source: Path = SOURCE_FILE, target: Path = MAP_FILE) -> None:
    """Build the outline from the geojson and write it where :func:`load_outline` reads it."""
    with open(source, encoding="utf-8") as file:
        data = build_outline(json.load(file))
    target.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")


if __name__ == "__main__":  # python -m activatie.citymap
    write_map_file()
