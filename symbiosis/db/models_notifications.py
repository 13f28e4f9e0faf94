"""ORM models of the in-app notifications and the optional e-mail digest.

Tables
------
``notifications``
    One row per event a person should hear about, addressed to a firm (every user of that firm
    sees it) or to a role (every advisor): a new proposal for the firm's streams, the other firm's
    decision, a synergy that changed stage, a firm's decision (for advisors), a firm's site typed at a
    place the offline gazetteer lacks (to the firm and the advisors). ``params`` holds only
    what the recipient may read (statuses, decisions, the recipient's own category), never the
    identity of an anonymous counterpart.
``notification_reads``
    Which user has read which notification, and when (read state is per user).
``digest_subscriptions``
    A user's optional e-mail digest: address, language, on/off and when the last one was sent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from symbiosis.db.base import BIG_ID, Base, sql_in

__all__ = ["NOTIFICATION_KINDS", "RECIPIENT_KINDS", "DigestSubscription", "Notification", "NotificationRead"]

#: What a notification is about.
NOTIFICATION_KINDS: tuple[str, ...] = (
    "new_proposal",
    "counterpart_decision",
    "stage_changed",
    "firm_decision",
    "place_to_confirm",
)
#: Who a notification is addressed to: every user of a firm, or every user of a role.
RECIPIENT_KINDS: tuple[str, ...] = ("firm", "role")


class Notification(Base):
    """Something that happened that a firm or a role should know about."""

    __tablename__ = "notifications"

    notification_id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime]
    recipient_kind: Mapped[str]
    recipient: Mapped[str]
    kind: Mapped[str]
    synergy_id: Mapped[str | None]
    params: Mapped[dict[str, Any] | None]

    __table_args__ = (
        Index("ix_notifications_recipient_kind_recipient", "recipient_kind", "recipient"),
        CheckConstraint(sql_in("kind", NOTIFICATION_KINDS), name="kind"),
        CheckConstraint(sql_in("recipient_kind", RECIPIENT_KINDS), name="recipient_kind"),
    )


class NotificationRead(Base):
    """One user has read one notification."""

    __tablename__ = "notification_reads"

    notification_id: Mapped[int] = mapped_column(
        BIG_ID, ForeignKey("notifications.notification_id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(primary_key=True)
    read_at: Mapped[dt.datetime]


class DigestSubscription(Base):
    """A user's e-mail digest of unread notifications."""

    __tablename__ = "digest_subscriptions"

    user_id: Mapped[str] = mapped_column(primary_key=True)
    email: Mapped[str]
    lang: Mapped[str]
    enabled: Mapped[bool]
    last_sent_at: Mapped[dt.datetime | None]

    __table_args__ = (CheckConstraint("lang IN ('fr', 'en')", name="lang"),)
