"""Every page type is valid HTML: the Nu Html Checker (vnu) finds 0 errors in the served HTML.

The pages are fetched with the test client (no browser needed) as each role sees them, plus
the states after a form: results, errors. vnu runs once over all saved files (Java start-up is
the slow part). It comes from npm (``tools/``, ``vnu-jar``) or Debian (``/usr/bin/vnu``); when
neither is there, the test skips with the reason in the summary (``make test`` installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session

from tests import example_site
from tests.factories import login_as

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_command() -> list[str] | None:
    java = shutil.which("java")
    if java and VNU_JAR.exists():
        return [java, "-Xss1024k", "-jar", str(VNU_JAR)]
    debian = shutil.which("vnu")
    return [debian] if debian else None


def run_vnu(files: list[Path]) -> list[dict]:
    """Return vnu's error messages (``type == "error"``) for ``files``."""
    command = vnu_command()
    if command is None:
        pytest.skip(
            "HTML CHECKER MISSING: no java + tools/node_modules/vnu-jar nor /usr/bin/vnu "
            "(run `make test`, which installs tools/) - the HTML was NOT checked"
        )
    done = subprocess.run(
        [*command, "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    return [m for m in messages if m.get("type") == "error"]


def _states(app: Flask, site: example_site.Site) -> dict[str, str]:
    """The HTML after a form was sent: results and errors."""
    pages: dict[str, str] = {}
    users = {"consulent": site.consultant}
    for name, role, path, data in example_site.form_states(site):
        client = app.test_client()
        if role in users:
            login_as(client, users[role])
        response = client.post(path, data=data)
        assert response.status_code == example_site.status_of(name), name
        pages[name] = response.get_data(as_text=True)
    return pages


def test_every_page_type_is_valid_html(app: Flask, session: Session, tmp_path: Path) -> None:
    site = example_site.build(session, placements=30)
    saved: dict[str, str] = {}
    # CSRF on, as in production: its hidden fields are where duplicate ids came from.
    app.config["WTF_CSRF_ENABLED"] = True
    for role, pages in example_site.page_types(site).items():
        client = app.test_client()
        user = {
            "consulent": site.consultant,
            "aanbieder": site.provider,
            "beheerder": site.admin,
        }.get(role)
        if user is not None:
            login_as(client, user)
        for name, path in pages:
            response = client.get(path)
            assert response.status_code == example_site.status_of(name), name
            assert response.mimetype == "text/html", name
            saved[name] = response.get_data(as_text=True)
    app.config["WTF_CSRF_ENABLED"] = False  # the forms below are sent without a token
    saved |= _states(app, site)
    files = []
    for name, html in saved.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)
    keep = os.environ.get("ACTIVATIE_KEEP_HTML")
    if keep:  # for a person looking at the pages: ACTIVATIE_KEEP_HTML=/tmp/html pytest ...
        Path(keep).mkdir(parents=True, exist_ok=True)
        for path in files:
            shutil.copy(path, keep)
    errors = run_vnu(files)
    report = [
        f"{Path(m['url'].removeprefix('file:')).stem}:{m.get('lastLine')}: {m['message']}"
        for m in errors
    ]
    assert len(saved) >= 45
    assert report == [], f"{len(report)} vnu errors:\n" + "\n".join(report)
