"""The standards copied into docs/standards are the ones in ../shared/standards, unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COPIES = ROOT / "docs" / "standards"
SHARED = ROOT.parent / "shared" / "standards"


def copies() -> list[Path]:
    return sorted(p for p in COPIES.rglob("*") if p.is_file() and p.name != "README.md")


def test_the_copies_are_there() -> None:
    names = {p.relative_to(COPIES).as_posix() for p in copies()}
    assert {
        "adr-2.1/ruleset.yaml",
        "hsds-3.0/service.json",
        "hsds-3.0/v3.1-dev/service_capacity.json",
    } <= names


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/standards is not beside this clone")
def test_the_copies_match_the_shared_standards() -> None:
    for path in copies():
        original = SHARED / path.relative_to(COPIES)
        assert original.read_bytes() == path.read_bytes(), path
