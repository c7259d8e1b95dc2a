"""The pure core stays pure: no Flask, database, network or mail library, not even through a
sibling module (docs/architecture.md, "Layers")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "activatie"

#: Rules and formats without I/O: tested with plain values, no app and no database.
PURE = {
    "activity_fields",
    "charts",
    "dutch",
    "eligibility",
    "filters",
    "geo",
    "intake",
    "matching",
    "mfa",
    "personal_data",
    "phone",
    "records",
    "service_errors",
    "signposts",
    "stats",
    "vocabulary",
    "workflow",
}

IMPURE_LIBRARIES = (
    "flask",
    "sqlalchemy",
    "sqlmodel",
    "werkzeug",
    "geopy.geocoders",
    "geopy.adapters",
    "geopy.exc",
    "requests",
    "urllib.request",
    "http",
    "smtplib",
    "socket",
)


def imports_of(module: str) -> tuple[set[str], set[str]]:
    """Return the absolute modules and the sibling modules ``activatie.<module>`` imports."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    absolute, siblings = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            absolute |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.startswith("activatie."):
                siblings.add(node.module.split(".")[1])
            else:
                absolute.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                siblings.add(node.module.split(".")[0])
            else:
                siblings |= {alias.name for alias in node.names}
    return absolute, siblings


@pytest.mark.parametrize("module", sorted(PURE))
def test_a_pure_module_imports_no_io(module: str) -> None:
    absolute, siblings = imports_of(module)
    assert [name for name in absolute if name.startswith(IMPURE_LIBRARIES)] == []
    assert siblings <= PURE, f"{module} imports {sorted(siblings - PURE)}, which are not pure"


@pytest.mark.parametrize("view", sorted(p.stem for p in (PACKAGE / "views").glob("*.py")))
def test_a_view_reads_through_named_functions(view: str) -> None:
    """Views call the reads modules (docs/architecture.md, "Where a new feature goes")."""
    text = (PACKAGE / "views" / f"{view}.py").read_text(encoding="utf-8")
    for written in ("select(", ".exec(", "session.get(", "get_session().get(", "func."):
        assert written not in text.replace("cookie_session.get(", ""), f"{view}: {written}"


def test_the_package_never_imports_the_development_tools() -> None:
    """``bench/`` is not in the wheel: the app must start without it. Only the two tool commands
    of ``cli`` import it, by name, when they run (``cli._tool``)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found += [
                f"{path.relative_to(PACKAGE)}: {name}"
                for name in names
                if name == "bench" or name.startswith("bench.")
            ]
    assert found == []
