"""Writes to the signpost table: the example signposts of the seed and the beheerder's edits.

What each signpost is and when it applies is pure (:mod:`signposts`, :mod:`matching`); this
module stores the gemeente's current text and contact details, audited, one commit each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from . import audit, signposts
from .audit import Actor
from .models import Signpost, utcnow
from .service_errors import Conflict, ServiceError


class SignpostError(ServiceError):
    """A value a signpost cannot have; the message is Dutch."""


SIGNPOST_FIELDS = ("name", "purpose", "audience", "text", "phone", "website", "address")
_PHONE = re.compile(r"^[0-9+() -]{0,40}$")
#: https:// somewhere, or a path on this site ("//host" and "/\\host" are other sites).
_WEBSITE = re.compile(r"https://[^\s/]\S*|/(?![/\\])\S*")


def load_signposts(session: Session, entries: Iterable[signposts.SignpostInfo]) -> int:
    """Insert or update the example signposts from ``seeds/`` by key; commit; return the count.

    A row the gemeente has edited (no longer example data) is left as it is: running ``seed``
    again never undoes a beheerder's change.
    """
    count = 0
    for entry in entries:
        row = session.exec(select(Signpost).where(Signpost.key == entry.key)).first()
        if row is not None and not row.is_example:
            continue
        if row is None:
            row = Signpost(key=entry.key, name=entry.name)
            session.add(row)
        elif any(getattr(row, name) != getattr(entry, name) for name in SIGNPOST_FIELDS):
            row.version += 1
        for name in (*SIGNPOST_FIELDS, "is_example"):
            setattr(row, name, getattr(entry, name))
        row.updated_at = utcnow()
        count += 1
    session.commit()
    return count


def save_signpost(
    session: Session,
    actor: Actor,
    key: str,
    values: dict[str, str],
    seen_version: int | None,
) -> Signpost:
    """Change what a signpost says and how to reach it; audited, one commit.

    The first save of a key that has no row yet creates it from the values. A change names the
    version it was based on, so a second beheerder's older form gets :class:`Conflict`. Raises
    :class:`SignpostError` with a Dutch message for a value that cannot be right.
    """
    if key not in signposts.DEFAULTS:
        raise SignpostError("Deze verwijzing bestaat niet.")
    cleaned = {name: " ".join((values.get(name) or "").split()) for name in SIGNPOST_FIELDS}
    if not cleaned["name"]:
        raise SignpostError("Vul een naam in.")
    if not _PHONE.match(cleaned["phone"]):
        raise SignpostError("Een telefoonnummer bevat alleen cijfers, spaties, +, - en haakjes.")
    website = cleaned["website"]
    if website and not _WEBSITE.fullmatch(website):
        raise SignpostError("Een website begint met https:// (of met / voor een pagina hier).")
    row = session.exec(select(Signpost).where(Signpost.key == key)).first()
    before = audit.snapshot(row, SIGNPOST_FIELDS) if row is not None else {}
    details = audit.changes(before, cleaned)
    if row is not None and not details:
        return row
    if row is None:
        row = Signpost(key=key, **cleaned, is_example=False, updated_at=utcnow())
        session.add(row)
        try:
            session.flush()
        except IntegrityError:  # another beheerder saved the first version of this key meanwhile
            session.rollback()
            raise Conflict() from None
    else:
        changed = session.exec(  # type: ignore[call-overload]
            update(Signpost)
            .where(Signpost.id == row.id, Signpost.version == (seen_version or row.version))
            .values(**cleaned, is_example=False, updated_at=utcnow(), version=Signpost.version + 1)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:
            session.rollback()
            raise Conflict()
        session.expire(row)
    audit.record(
        session, actor, "gewijzigd" if before else "aangemaakt", "signpost", row.id, details
    )
    session.commit()
    return row
