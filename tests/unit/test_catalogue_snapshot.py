"""CatalogueSnapshot: one value per catalogue version, built in the request when small and in
the background when large, never handed to a request of another version."""

from __future__ import annotations

import contextlib
import threading

import pytest

from activatie.catalogue_snapshot import CatalogueSnapshot


class FakeCatalogue:
    """The database as the snapshot sees it: a version and a size; counts the builds."""

    def __init__(self, version: int, size: int) -> None:
        self.version, self.size = version, size
        self.builds = 0
        self.counts = 0
        self.gate = threading.Event()
        self.gate.set()
        self.fail = False

    def connect(self) -> contextlib.nullcontext:
        return contextlib.nullcontext(self)

    def load(self, _connection: object) -> tuple[int, list[int]]:
        self.gate.wait(10)
        if self.fail:
            raise RuntimeError("database gone")
        self.builds += 1
        return self.version, list(range(self.size))

    def count(self, _connection: object) -> int:
        self.counts += 1
        return self.size


def snapshot_of(catalogue: FakeCatalogue, background_from: int = 100) -> CatalogueSnapshot:
    return CatalogueSnapshot(
        catalogue.connect, catalogue.load, catalogue.count, len, background_from
    )


def test_a_small_catalogue_is_built_in_the_request_once_per_version() -> None:
    catalogue = FakeCatalogue(version=7, size=3)
    snapshot = snapshot_of(catalogue)
    assert snapshot.get(7) == [0, 1, 2]
    assert snapshot.get(7) == [0, 1, 2]
    assert (catalogue.builds, catalogue.counts) == (1, 1)
    catalogue.version, catalogue.size = 8, 4
    assert snapshot.get(8) == [0, 1, 2, 3]
    assert (catalogue.builds, catalogue.counts) == (2, 1)  # the old value tells the size


def test_a_request_of_another_version_never_gets_the_value() -> None:
    catalogue = FakeCatalogue(version=9, size=3)
    snapshot = snapshot_of(catalogue)
    # The request read version 8, but a write made it 9 before the build read the catalogue.
    assert snapshot.get(8) is None
    assert snapshot.version == 9
    assert snapshot.get(8) is None  # an older request: no rebuild either
    assert catalogue.builds == 1
    assert snapshot.get(9) == [0, 1, 2]


def test_a_large_catalogue_is_built_in_the_background() -> None:
    catalogue = FakeCatalogue(version=3, size=500)
    catalogue.gate.clear()
    snapshot = snapshot_of(catalogue)
    assert snapshot.get(3) is None  # the request asks the database meanwhile
    assert snapshot.get(3) is None  # and so does the next: one build at a time
    catalogue.gate.set()
    snapshot.wait(10)
    assert snapshot.get(3) == list(range(500))
    assert catalogue.builds == 1


def test_a_failed_background_build_is_tried_again(caplog: pytest.LogCaptureFixture) -> None:
    catalogue = FakeCatalogue(version=1, size=500)
    catalogue.fail = True
    snapshot = snapshot_of(catalogue)
    assert snapshot.get(1) is None
    snapshot.wait(10)
    assert "building the catalogue snapshot failed" in caplog.text
    catalogue.fail = False
    assert snapshot.get(1) is None
    snapshot.wait(10)
    assert snapshot.get(1) == list(range(500))
