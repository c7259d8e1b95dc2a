"""Activatie: the offer directory and matching service for Sociale Activatie en Herstel, Zwolle."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and wire the application; it does no work at start-up."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    from . import auth, caching, cli, config, cors, db, errors, security, templating
    from .views import admin, api, consultant, docs, hsds, monitoring, provider, public
    from .views import auth as auth_views

    config.load(app, test_config)
    if app.config["TRUSTED_PROXIES"]:
        # Trust exactly as many proxies as there are, or X-Forwarded-For can be forged.
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    db.init_app(app)
    caching.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    templating.init_app(app)
    cors.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(hsds.bp)
    app.register_blueprint(docs.bp)
    app.register_blueprint(consultant.bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(provider.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(monitoring.bp)
    return app
