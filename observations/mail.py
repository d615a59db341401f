"""Sending a one-time link by e-mail, only when the installation has an SMTP server.

Settings (environment TERLOOPS_MAIL_SERVER, …_PORT, …_FROM, optional …_USERNAME, …_PASSWORD
and …_USE_TLS): without MAIL_SERVER and MAIL_FROM nothing is sent and no address is asked.
The address is used for this one message and never stored.
"""

import re
import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _

from .account_admin import NewLink

ADDRESS = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def configured() -> bool:
    """Whether links can be sent by mail here."""
    config = current_app.config
    return bool(config.get("MAIL_SERVER") and config.get("MAIL_FROM"))


def address_problems(address: str) -> list[str]:
    """What is wrong with an e-mail address, in the user's language."""
    if address and (len(address) > 254 or not ADDRESS.match(address)):
        return [_("Give an e-mail address like naam@voorbeeld.nl.")]
    return []


def _truthy(value) -> bool:
    """A setting from the environment as a yes or no."""
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def send_link(address: str, link: NewLink, url: str) -> None:
    """Mail the link to the address; raise OSError or smtplib.SMTPException when it fails."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = address
    message["Subject"] = _("Your Terloops account")
    message.set_content(
        _(
            "Hello %(name)s,\n\nAn account on Terloops is ready for you with the username "
            "%(username)s. Choose your password with this link (it works once, until "
            "%(date)s):\n\n%(url)s\n",
            name=link.user.display_name,
            username=link.user.username,
            date=format_date(link.expires_at, "long"),
            url=url,
        )
    )
    port = int(config.get("MAIL_PORT") or 25)
    with smtplib.SMTP(config["MAIL_SERVER"], port, timeout=15) as server:
        if _truthy(config.get("MAIL_USE_TLS", "")):
            server.starttls()
        if config.get("MAIL_USERNAME"):
            server.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        server.send_message(message)
