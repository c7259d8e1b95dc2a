"""E-mail through the gemeente's SMTP server, when one is configured.

Three messages: a set-password link for a new or reset account, a notice to an account holder of
a change a beheerder made, and the notice to a provider that an aanmelding arrived. Settings
(``ACTIVATIE_SMTP_*`` in the environment): ``SMTP_HOST`` (no host: no e-mail), ``SMTP_PORT``
(587), ``SMTP_USER`` and ``SMTP_PASSWORD`` (optional), ``SMTP_FROM`` and ``SMTP_STARTTLS`` (on).
Nothing of a message is logged, not even when sending fails: a link is a secret, and an address
is personal data.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from typing import Any

from .workflow import RESPONSE_WORKING_DAYS

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10


class MailError(RuntimeError):
    """The e-mail could not be sent; the link must be passed on another way."""


def is_configured(config: Mapping[str, Any]) -> bool:
    return bool(config.get("SMTP_HOST"))


def _flag(value: Any, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() not in {"0", "false", "nee", "no", "off", "uit"}
    return bool(value)


def password_link_message(
    sender: str, to: str, name: str, link: str, *, lifetime_days: int, new_account: bool
) -> EmailMessage:
    """Return the Dutch e-mail with a one-time link to choose a password."""
    message = EmailMessage()
    message["Subject"] = "Kies uw wachtwoord voor Activatie Zwolle"
    message["From"] = sender
    message["To"] = to
    reason = (
        "Er is een account voor u gemaakt op Activatie Zwolle."
        if new_account
        else "U krijgt een nieuwe link om uw wachtwoord voor Activatie Zwolle te kiezen."
    )
    message.set_content(
        f"Beste {name},\n\n"
        f"{reason}\n\n"
        f"Kies uw wachtwoord met deze link:\n{link}\n\n"
        f"De link werkt {lifetime_days} dagen en maar één keer. Werkt de link niet meer? "
        "Vraag de beheerder bij de gemeente om een nieuwe link.\n\n"
        "Heeft u hier niet om gevraagd? Dan hoeft u niets te doen.\n\n"
        "Met vriendelijke groet,\nGemeente Zwolle, Activatie\n"
    )
    return message


def account_notice_message(sender: str, to: str, name: str, what: str) -> EmailMessage:
    """Return the Dutch e-mail that tells the account holder what a beheerder changed."""
    message = EmailMessage()
    message["Subject"] = "Wijziging in uw account op Activatie Zwolle"
    message["From"] = sender
    message["To"] = to
    message.set_content(
        f"Beste {name},\n\n"
        f"{what}\n\n"
        "Wist u hier niets van? Neem dan meteen contact op met de beheerder bij de gemeente, "
        "of met uw leidinggevende.\n\n"
        "Met vriendelijke groet,\nGemeente Zwolle, Activatie\n"
    )
    return message


def new_placement_message(
    sender: str, to: str, *, reference: str, activity_title: str, link: str
) -> EmailMessage:
    """Return the Dutch notice of a new aanmelding: the kenmerk, the activity and a link only.

    No age, postcode, needs or note: those are read in Activatie, after logging in.
    """
    message = EmailMessage()
    message["Subject"] = f"Nieuwe aanmelding {reference} voor {activity_title}"
    message["From"] = sender
    message["To"] = to
    message.set_content(
        "Goedendag,\n\n"
        f"Er is een nieuwe aanmelding voor {activity_title}. Het kenmerk is {reference}.\n\n"
        f"Bekijk de aanmelding en neem contact op met het wijkteam:\n{link}\n\n"
        "U moet eerst inloggen. In deze e-mail staan met opzet geen gegevens over de inwoner.\n"
        f"Reageer graag binnen {RESPONSE_WORKING_DAYS} werkdagen.\n\n"
        "Met vriendelijke groet,\nGemeente Zwolle, Activatie\n"
    )
    return message


def send_new_placement(
    config: Mapping[str, Any], to: str, *, reference: str, activity_title: str, link: str
) -> None:
    """Tell a provider at ``to`` that an aanmelding arrived; raise MailError when that fails."""
    _send(
        config,
        lambda sender: new_placement_message(
            sender, to, reference=reference, activity_title=activity_title, link=link
        ),
        "new aanmelding",
    )


def send_password_link(
    config: Mapping[str, Any],
    to: str,
    name: str,
    link: str,
    *,
    lifetime_days: int,
    new_account: bool,
) -> None:
    """Send the link to ``to``; raise MailError when that does not work."""
    _send(
        config,
        lambda sender: password_link_message(
            sender, to, name, link, lifetime_days=lifetime_days, new_account=new_account
        ),
        "password link",
    )


def send_account_notice(config: Mapping[str, Any], to: str, name: str, what: str) -> None:
    """Tell ``to`` that their account was changed; raise MailError when that does not work."""
    _send(config, lambda sender: account_notice_message(sender, to, name, what), "account")


def _send(config: Mapping[str, Any], build: Callable[[str], EmailMessage], kind: str) -> None:
    """Build the message with the configured sender and hand it to the SMTP server."""
    sender = config.get("SMTP_FROM") or config.get("SMTP_USER") or ""
    try:
        if "@" not in sender:
            raise ValueError("SMTP_FROM is not an e-mail address")
        message = build(sender)
        port = int(config.get("SMTP_PORT") or 587)
        with smtplib.SMTP(config["SMTP_HOST"], port, timeout=TIMEOUT_SECONDS) as smtp:
            if _flag(config.get("SMTP_STARTTLS"), default=True):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError, ValueError) as error:
        # Only the kind of error: the message text might quote the link or the address.
        log.warning("%s e-mail not sent: %s", kind, type(error).__name__)
        raise MailError(type(error).__name__) from None
