"""Send e-mail through an SMTP server configured by the environment (the optional notification digest).

Settings (none needed unless e-mail is used): ``SYMBIOSIS_SMTP_HOST`` (no host: e-mail is off),
``SYMBIOSIS_SMTP_PORT`` (25), ``SYMBIOSIS_SMTP_USER`` and ``SYMBIOSIS_SMTP_PASSWORD`` (log in only
when a user is given), ``SYMBIOSIS_SMTP_STARTTLS`` (``1`` to upgrade the connection),
``SYMBIOSIS_SMTP_FROM`` (sender address) and ``SYMBIOSIS_SMTP_TIMEOUT_S`` (10). Every connection has
a timeout; nothing is sent at import time.
"""

from __future__ import annotations

import logging
import os
import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

__all__ = ["SmtpSettings", "send_messages"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send e-mail."""

    host: str
    port: int = 25
    user: str = ""
    password: str = ""
    starttls: bool = False
    sender: str = "symbiosis@localhost"
    timeout_s: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings | None:
        """Read the settings from the environment; None when no host is set (e-mail is off).

        Raises
        ------
        ValueError
            A port or timeout that is not a number.
        """
        env = os.environ if env is None else env
        host = env.get("SYMBIOSIS_SMTP_HOST", "").strip()
        if not host:
            return None
        return cls(
            host=host,
            port=int(env.get("SYMBIOSIS_SMTP_PORT", "25")),
            user=env.get("SYMBIOSIS_SMTP_USER", ""),
            password=env.get("SYMBIOSIS_SMTP_PASSWORD", ""),
            starttls=env.get("SYMBIOSIS_SMTP_STARTTLS", "0").strip().lower() in ("1", "true", "yes"),
            sender=env.get("SYMBIOSIS_SMTP_FROM", "symbiosis@localhost"),
            timeout_s=float(env.get("SYMBIOSIS_SMTP_TIMEOUT_S", "10")),
        )


def send_messages(settings: SmtpSettings, messages: Sequence[EmailMessage]) -> int:
    """Send ``messages`` over one SMTP connection; return how many the server accepted.

    Raises
    ------
    OSError, smtplib.SMTPException
        The server cannot be reached or refuses the connection (nothing is retried here).
    """
    if not messages:
        return 0
    sent = 0
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password)
        for message in messages:
            if "From" not in message:
                message["From"] = settings.sender
            refused = smtp.send_message(message)
            if refused:
                logger.warning("SMTP server refused %s", sorted(refused))
            else:
                sent += 1
    logger.info("sent %d of %d messages through %s:%d", sent, len(messages), settings.host, settings.port)
    return sent
