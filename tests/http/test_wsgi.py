"""The production entry point that gunicorn loads (``wsgi:app``)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

WSGI = Path(__file__).resolve().parents[2] / "wsgi.py"


def test_wsgi_builds_a_production_app_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ACTIVATIE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'w.sqlite3'}")
    app = runpy.run_path(str(WSGI))["app"]
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-activatie"
    assert app.config["DATABASE_URL"].endswith("w.sqlite3")
    assert "public.home" in {rule.endpoint for rule in app.url_map.iter_rules()}


def test_wsgi_refuses_production_without_a_secret(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ACTIVATIE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("ACTIVATIE_SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'w.sqlite3'}")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        runpy.run_path(str(WSGI))
