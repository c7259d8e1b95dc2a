"""The wijkteam consultant's pages: matching with the full intake on one page."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..auth import roles_required
from ..filters import InvalidInput
from ..models import UserRole, local_today
from .matching import run_match

bp = Blueprint("consultant", __name__, url_prefix="/consulent")


@bp.route("/matchen", methods=["GET", "POST"])
@roles_required(UserRole.CONSULTANT, UserRole.ADMIN)
def match() -> tuple[str, int]:
    """Show the intake form; on POST, the matches with reasons and the near misses."""
    if request.method == "GET":
        return render_template("consultant/match.html", form=request.form, errors={}), 200
    try:
        outcome = run_match(request.form, local_today())
    except InvalidInput as error:
        return render_template(
            "consultant/match.html", form=request.form, errors=error.errors
        ), error.status
    return render_template(
        "consultant/match.html", form=request.form, errors={}, outcome=outcome
    ), 200
