"""Editing a versioned object (optimistic lock), shared by the beheerder's and provider's forms.

Each form carries, in ``version``, the version of the row it was based on, and the service
saves with ``WHERE version = :seen``. When someone else saved first the service raises
``service_errors.Conflict``; the page then answers 409 with the values as they are stored now
(and their new version), so the user checks them and saves again, as the message says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import request
from sqlmodel import Session

from ..db import get_session
from ..forms import Form
from ..service_errors import Conflict

F = TypeVar("F", bound=Form)


def seen_version(form: Form) -> int | None:
    """The version the form was based on; None for an object that has no row yet."""
    raw = form.version.data  # type: ignore[attr-defined]
    return int(raw) if raw else None


def lacks_version(form: Form, editing: bool) -> bool:
    """Whether an edit was posted without the version it was based on (refuse it with 400 rather
    than overwrite whatever is stored now)."""
    return request.method == "POST" and editing and not form.version.data  # type: ignore[attr-defined]


def after_conflict(error: Conflict, stored_form: Callable[[Session], F]) -> tuple[F, str, int]:
    """Forget what this request read and return the form as stored now, the message and 409.

    :param stored_form: builds the form (``formdata=None``) from the object it reads again.
    """
    session = get_session()
    session.expire_all()
    return stored_form(session), str(error), 409
