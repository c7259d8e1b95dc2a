"""The per-worker cache's own rules: least recently used out, and one version at a time."""

from __future__ import annotations

from datetime import date

from activatie.caching import VersionedCache


def test_versioned_cache_drops_the_least_recently_used_and_old_versions() -> None:
    today = date(2026, 11, 28)
    cache = VersionedCache(max_size=10)
    cache.put((1, today), "a", "A", 4)
    cache.put((1, today), "b", "B", 4)
    assert cache.get((1, today), "a") == "A"  # a is now the most recent
    cache.put((1, today), "c", "C", 4)  # over 10: b goes
    assert cache.get((1, today), "b") is None and cache.get((1, today), "c") == "C"
    cache.put((1, today), "huge", "H", 11)  # larger than the whole cache: not kept
    assert cache.get((1, today), "huge") is None
    assert cache.get((2, today), "a") is None  # another version never sees version 1's
    cache.put((2, today), "d", "D")
    assert len(cache) == 1
    cache.put((1, today), "late", "L")  # a slow request of an older version
    assert cache.get((2, today), "d") == "D" and cache.get((1, today), "late") is None
