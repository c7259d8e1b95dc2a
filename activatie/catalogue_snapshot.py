"""One value built from the whole public catalogue, per worker, for one catalogue version.

Matching keeps the open catalogue in memory (:class:`candidate_index.CandidateIndex`). It is
built from the database and labelled with the catalogue version it was read at; a request of
another version never uses it (``catalogue_version``, migration 0013: every catalogue write
bumps it). So what a search finds is what the database holds at that moment, in every worker.

Building costs little for a city (Zwolle: a few milliseconds) and seconds for a national
catalogue (100,000 activities: 2-7 s, depending on the machine). So a small catalogue is built
in the request that needs it (or when a gunicorn worker starts, ``views.matching.warm_up``),
and a large one in a background thread of the worker while that worker's searches ask the
database as before (the same answers, slower); it is used from the first search after it is
ready. Nothing here is shared between workers or hosts.

No Flask here: the app wires it up in ``views/matching``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import Connection

T = TypeVar("T")

log = logging.getLogger(__name__)


class CatalogueSnapshot(Generic[T]):
    """Holds one value for one catalogue version, and builds the next when the version moves.

    :param connect: opens a connection (the engine's ``connect``).
    :param load: reads the catalogue version and builds the value from one connection; the
        version is read first, so the value is never older than its label.
    :param count: how big a build would be (public activities); asked once, before the first
        build, and only when there is no earlier value to judge by.
    :param size: the size of a value (public activities in it).
    :param background_from: a catalogue of this size or more is built in a background thread.
    """

    def __init__(
        self,
        connect: Callable[[], Connection],
        load: Callable[[Connection], tuple[int | None, T]],
        count: Callable[[Connection], int],
        size: Callable[[T], int],
        background_from: int,
    ) -> None:
        self._connect = connect
        self._load = load
        self._count = count
        self._size = size
        self._background_from = background_from
        self._version: int | None = None
        self._value: T | None = None
        self._building: threading.Thread | None = None
        self._lock = threading.Lock()

    def get(self, version: int) -> T | None:
        """Return the value for ``version``, building it when needed; None while a larger one is
        being built in the background (the caller asks the database instead)."""
        with self._lock:
            if self._version == version:
                return self._value
            if self._building is not None or (
                self._version is not None and version < self._version
            ):
                return None  # being built, or this request sees an older catalogue than it
            if self._value is not None:
                large = self._size(self._value) >= self._background_from
            else:
                with self._connect() as connection:
                    large = self._count(connection) >= self._background_from
            if not large:
                self._build()
                return self._value if self._version == version else None
            self._building = threading.Thread(
                target=self._build_in_background, name="catalogue-snapshot", daemon=True
            )
            self._building.start()
            return None

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background build to end (for tests and the benchmark's warm-up)."""
        building = self._building
        if building is not None:
            building.join(timeout)

    @property
    def version(self) -> int | None:
        return self._version

    def _build(self) -> None:
        self._install(*self._read())

    def _build_in_background(self) -> None:
        try:
            built = self._read()
        except Exception:  # the next search tries again; until then the database answers
            log.exception("building the catalogue snapshot failed")
            built = None
        with self._lock:
            if built is not None:
                self._install(*built)
            self._building = None

    def _install(self, version: int | None, value: T) -> None:
        """Keep ``value`` unless a newer one is kept already (a slow build of an older one)."""
        if version is not None and (self._version is None or version >= self._version):
            self._version, self._value = version, value

    def _read(self) -> tuple[int | None, T]:
        with self._connect() as connection:
            return self._load(connection)
