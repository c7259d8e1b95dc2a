"""Configuration: safe defaults, overridden from the environment, checked before start-up.

``DATABASE_URL`` and ``SECRET_KEY`` are read as they are; every other setting can be given as
``ACTIVATIE_<NAME>`` (Flask's ``from_prefixed_env``, values parsed as JSON where they can be).
``ACTIVATIE_ENV`` is ``production`` (default), ``development`` or ``testing``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

ENVIRONMENTS = ("production", "development", "testing")

DEFAULTS: dict[str, Any] = {
    "ENV_NAME": "production",
    "DATABASE_URL": None,  # default: a SQLite file in the instance folder
    # Seconds: a database that is down or hangs costs this long, then a Dutch 503 (README).
    "DATABASE_CONNECT_TIMEOUT": 5,
    "DATABASE_STATEMENT_TIMEOUT": 15,
    "DATABASE_POOL_TIMEOUT": 5,
    "DATABASE_BUSY_TIMEOUT": 10,
    # Seconds a pooled PostgreSQL connection may sit idle before it is pinged at checkout.
    "DATABASE_PING_AFTER_IDLE": 1.0,
    "PAGE_SIZE": 20,
    "MAX_PAGE": 10_000,
    # Freshness of listings (days since the provider last confirmed them).
    "STALE_AFTER_DAYS": 90,
    "HIDE_AFTER_DAYS": 180,
    # Geocoding: "offline" (seeded postcode table) or "pdok" (online, cached).
    "GEOCODER": "offline",
    "GEOCODER_TIMEOUT": 5,
    "GEOCODER_CACHE_DAYS": 90,  # how long an online answer is kept in geocode_cache
    # Matching reads at most this many candidates, the nearest (see queries.match_candidates).
    "MATCH_MAX_CANDIDATES": 500,
    # Per worker: the public catalogue in memory for matching (activatie/catalogue_snapshot.py),
    # rebuilt when the catalogue changes: in the request below this many public activities, in
    # a background thread from it (meanwhile searches ask the database). False: always ask it.
    "MATCH_INDEX": True,
    "MATCH_INDEX_BACKGROUND_FROM": 5000,
    # Per worker: public pages and match results kept for one catalogue version and one day
    # (activatie/caching.py). Megabytes of page bodies, and match results; 0 turns either off.
    "CATALOGUE_CACHE_MB": 32,
    "CATALOGUE_CACHE_MATCHES": 256,
    # Sessions and cookies (security.md, point 8).
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
    "REMEMBER_COOKIE_DURATION": timedelta(hours=8),
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SECURE": True,
    "WTF_CSRF_ENABLED": True,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "WTF_CSRF_SSL_STRICT": True,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # JSON bodies are checked before parsing: size (413) and nesting of [ and { (400).
    "JSON_MAX_BYTES": 64 * 1024,
    "JSON_MAX_DEPTH": 20,
    "PASSWORD_HASH_METHOD": "scrypt:32768:8:3",
    # Failed logins: per account and address per LOGIN_LOCK_MINUTES, and per account over all
    # addresses per day (the backstop); see accounts.LoginPolicy.
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCK_MINUTES": 15,
    "LOGIN_BACKSTOP_FAILURES": 100,
    # E-mail domains of the wijkteams: a consulent account needs an address in one of them
    # (a JSON list, or comma-separated). In production an empty list allows no consulent.
    "CONSULTANT_EMAIL_DOMAINS": [],
    "TRUSTED_PROXIES": 0,
    "SHOW_EXAMPLE_NOTICE": True,
    # Optional: e-mail one-time password links when an SMTP server is configured.
    "SMTP_HOST": None,
    "SMTP_PORT": 587,
    "SMTP_USER": None,
    "SMTP_PASSWORD": None,
    "SMTP_FROM": None,
    "SMTP_STARTTLS": True,
    # Months after the end of an aanmelding before its pseudonym and note are erased.
    "RETENTION_MONTHS": 24,
    # Contact named in the OpenAPI document: {"name": ..., "url": ..., "email": ...}; None for
    # openapi.CONTACT, whose e-mail address is a placeholder.
    "API_CONTACT": None,
    # Months without a status change before an open or running aanmelding is "vervallen".
    "EXPIRE_MONTHS": 12,
}

_INSECURE_KEYS = {"", "dev", "change-me", "secret"}


def load(app: Flask, test_config: dict[str, Any] | None = None) -> None:
    """Fill ``app.config`` from defaults, the environment and ``test_config``, then check it."""
    app.config.from_mapping(DEFAULTS)
    app.config["ENV_NAME"] = os.environ.get("ACTIVATIE_ENV", "production")
    if "SECRET_KEY" in os.environ:
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if "DATABASE_URL" in os.environ:
        app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
    app.config.from_prefixed_env("ACTIVATIE")
    if test_config:
        app.config.from_mapping(test_config)

    if app.config["GEOCODER"] not in ("offline", "pdok"):
        raise RuntimeError("ACTIVATIE_GEOCODER must be offline or pdok")
    env = app.config["ENV_NAME"]
    if env not in ENVIRONMENTS:
        raise RuntimeError(f"ACTIVATIE_ENV must be one of {', '.join(ENVIRONMENTS)}")
    if env != "production":
        app.config["SESSION_COOKIE_SECURE"] = app.config.get("SESSION_COOKIE_SECURE_LOCAL", False)
        app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
        app.config["WTF_CSRF_SSL_STRICT"] = False
        if not app.config.get("SECRET_KEY"):
            # Flask's own default is None, so setdefault would keep it: a new random key per
            # start is enough on a developer's machine (sessions end when the server restarts).
            app.config["SECRET_KEY"] = os.urandom(32).hex()
    else:
        key = app.config.get("SECRET_KEY") or ""
        if key in _INSECURE_KEYS or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY is missing or too short (at least 32 characters) in production; "
                "set SECRET_KEY or run with ACTIVATIE_ENV=development"
            )
        # A "__Host-" cookie is bound to this exact host and only sent over HTTPS.
        app.config.setdefault("SESSION_COOKIE_NAME", "__Host-activatie")
        app.config["SESSION_COOKIE_NAME"] = "__Host-activatie"

    app.config["DATABASE_URL"] = database_url(app.config["DATABASE_URL"], app.instance_path)


def database_url(url: str | None, instance_path: str) -> str:
    """Return a SQLAlchemy URL: the default SQLite file, or ``url`` with the psycopg 3 driver."""
    if not url:
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{Path(instance_path) / 'activatie.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
