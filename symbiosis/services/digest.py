"""Send each subscribed user the e-mail digest of their unread notifications (run by ``symbiosis digest``).

For every enabled subscription, the notifications addressed to the user's firm or role that the
user has not read and that arrived since the last digest are written in the user's language
(:func:`symbiosis.views.notifications.digest_message`) and sent over one SMTP connection; the
subscription then records when. A user with nothing new gets nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from symbiosis.db import Actor
from symbiosis.db.notifications import NotificationRepository
from symbiosis.io.mail import SmtpSettings, send_messages
from symbiosis.views.notifications import digest_message

__all__ = ["send_digests"]

logger = logging.getLogger(__name__)


def send_digests(
    repo: Any, settings: SmtpSettings, *, app_url: str = "", now: dt.datetime | None = None
) -> int:
    """Send the due digests; return how many e-mails the server accepted.

    Parameters
    ----------
    repo
        The registry's :class:`~symbiosis.db.Repository`.
    settings
        The SMTP server (:meth:`SmtpSettings.from_env`).
    app_url
        The app's address, given in the e-mail (none when empty).
    now
        The time recorded as the digests' sending time (now by default).
    """
    system = Actor.system("digest")
    store = NotificationRepository(repo)
    now = now or dt.datetime.now(dt.UTC)
    names = dict(zip(*[repo.firms(system)[c] for c in ("firm_id", "name")], strict=True))
    batch, users = [], []
    for reader, subscription in store.due_digests(system):
        inbox = store.inbox(reader, unread_only=True, since=subscription["last_sent_at"])
        message = digest_message(
            inbox,
            to=subscription["email"],
            lang=subscription["lang"],
            app_url=app_url,
            firm_names=names if reader.reads_all else None,
        )
        if message is not None:
            batch.append(message)
            users.append(reader.user_id)
    sent = send_messages(settings, batch)
    if sent == len(batch):
        for user_id in users:
            store.mark_sent(system, user_id, now)
    logger.info("digest: %d of %d e-mails sent", sent, len(batch))
    return sent
