"""Human-readable API documentation at ``/api``, rendered on the server from the OpenAPI file."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from .. import openapi

bp = Blueprint("docs", __name__)


@bp.get("/api")
def api() -> str:
    doc = openapi.document(current_app.config["API_CONTACT"])
    return render_template(
        "docs/api.html",
        doc=doc,
        operations=openapi.operations(doc),
        summary=openapi.schema_summary,
    )
