"""The gemeente's pages (beheerder): accounts, approvals, stale listings and the audit trail."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..auth import roles_required
from ..models import UserRole

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.get("/")
@roles_required(UserRole.ADMIN)
def dashboard() -> str:
    return render_template("admin/dashboard.html")
