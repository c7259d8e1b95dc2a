"""The errors the services share: a Dutch message for the person at the keyboard.

Each service module has its own base class below :class:`ServiceError` (``AccountError``,
``ListingError``) for the rules it owns; a name that is taken and an edit that lost to a newer
one are the same everywhere, so they live here once. The views answer both with 409.
"""

from __future__ import annotations


class ServiceError(ValueError):
    """A change that cannot be made; ``str(error)`` is the Dutch message to show."""


class Duplicate(ServiceError):
    """The name is taken (answered with 409)."""


class Conflict(ServiceError):
    """Someone else saved the same object since it was loaded (answered with 409)."""

    def __init__(self) -> None:
        super().__init__(
            "Iemand anders heeft dit intussen gewijzigd. Hieronder staan de gegevens zoals ze nu "
            "zijn. Kijk ze na en sla uw wijziging opnieuw op."
        )
