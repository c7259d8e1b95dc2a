"""The open catalogue in memory, on a grid: the nearest match candidates without a query.

Matching reads the activities near a resident (``queries.match_candidates``): an indexed box in
the database, then the circle, then the nearest few hundred. At 100,000 activities that read and
flattening its rows cost most of a search. A :class:`CandidateIndex` holds every public
activity of one catalogue version as a :class:`matching.Candidate`, filed in grid cells, and
answers the same question in memory with the same arithmetic, so the answer is the same list
(tests/unit/test_candidate_index.py checks it against the query).

Pure: no Flask and no database. Who builds it, and when it is replaced, is
``views/matching`` and ``caching.snapshot``.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .matching import Candidate

#: Grid cell size in degrees. About 5.6 km north-south and 3.4 km east-west in the
#: Netherlands: a search of 10 km looks at some 40 cells, a small catalogue fits in a few.
CELL_DEGREES = 0.05


@dataclass(frozen=True, slots=True)
class Search:
    """What :meth:`CandidateIndex.nearest` is asked: the same values the query binds.

    The box is the prefilter, the circle is ``squared_radius`` on the local flat map around
    the centre (``(Δlat·km_per_lat)² + (Δlon·km_per_lon)²``), and ``limit`` keeps the nearest
    on that squared distance, ties by id (None: all).
    """

    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float
    centre_latitude: float
    centre_longitude: float
    km_per_lat: float
    km_per_lon: float
    squared_radius: float
    age: int
    sah_eligible: bool
    confirmed_since: datetime
    limit: int | None


#: One filed activity: latitude, longitude, when its provider last confirmed it, its lowest
#: and highest age (-1 and 10,000 when open), whether it is SAH only, its id, the candidate.
_Entry = tuple[float, float, datetime, int, int, bool, int, Candidate]
_NO_MIN_AGE = -1
_NO_MAX_AGE = 10_000


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude / CELL_DEGREES), math.floor(longitude / CELL_DEGREES)


class CandidateIndex:
    """Every public activity of one catalogue version, filed by grid cell. Read-only once built.

    :param entries: each public activity (approved, of an approved organisation, running) as a
        candidate with the moment it was last confirmed (aware, UTC); whether it is still
        confirmed recently enough, and for which age, is asked per search.
    """

    def __init__(self, entries: Iterable[tuple[Candidate, datetime]]) -> None:
        cells: dict[tuple[int, int], list[_Entry]] = {}
        size = 0
        for candidate, confirmed_at in entries:
            point = candidate.point
            cells.setdefault(_cell(point.latitude, point.longitude), []).append(
                (
                    point.latitude,
                    point.longitude,
                    confirmed_at,
                    _NO_MIN_AGE if candidate.min_age is None else candidate.min_age,
                    _NO_MAX_AGE if candidate.max_age is None else candidate.max_age,
                    candidate.programme == "sah",
                    candidate.id,
                    candidate,
                )
            )
            size += 1
        self._cells = cells
        self._size = size

    def __len__(self) -> int:
        return self._size

    def nearest(self, search: Search) -> list[Candidate]:
        """Return the candidates :func:`queries.match_candidates` returns for ``search``.

        In no particular order (the matcher ranks them); the nearest ``search.limit`` by the
        local squared distance, ties by id, as the query orders them.
        """
        s = search
        low_row, low_column = _cell(s.min_latitude, s.min_longitude)
        high_row, high_column = _cell(s.max_latitude, s.max_longitude)
        cell_count = (high_row - low_row + 1) * (high_column - low_column + 1)
        if cell_count > len(self._cells):  # a search wider than the catalogue: look at all
            groups: Iterable[list[_Entry]] = self._cells.values()
        else:
            groups = (
                group
                for row in range(low_row, high_row + 1)
                for column in range(low_column, high_column + 1)
                if (group := self._cells.get((row, column))) is not None
            )
        min_latitude, max_latitude = s.min_latitude, s.max_latitude
        min_longitude, max_longitude = s.min_longitude, s.max_longitude
        centre_latitude, centre_longitude = s.centre_latitude, s.centre_longitude
        km_per_lat, km_per_lon, squared_radius = s.km_per_lat, s.km_per_lon, s.squared_radius
        age, confirmed_since, no_sah = s.age, s.confirmed_since, not s.sah_eligible
        found: list[tuple[float, int, Candidate]] = []
        for group in groups:
            for latitude, longitude, confirmed_at, low, high, sah, id_, candidate in group:
                if not (
                    min_latitude <= latitude <= max_latitude
                    and min_longitude <= longitude <= max_longitude
                ):
                    continue
                # The query's arithmetic, in the same order: the same doubles.
                dlat = (latitude - centre_latitude) * km_per_lat
                dlon = (longitude - centre_longitude) * km_per_lon
                squared = dlat * dlat + dlon * dlon
                if (
                    squared > squared_radius
                    or confirmed_at < confirmed_since
                    or low > age
                    or high < age
                    or (sah and no_sah)
                ):
                    continue
                found.append((squared, id_, candidate))
        if s.limit is not None and len(found) > s.limit:
            # (squared, id) never ties: the candidates themselves are never compared.
            found = heapq.nsmallest(s.limit, found)
        return [candidate for _, _, candidate in found]
