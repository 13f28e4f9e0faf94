"""The door to notifications: written inside the transaction of the change they announce, read per user.

A notification is addressed to a firm (all its users) or to a role (all its users); each user has
their own read state. :func:`append_notifications` is called by the stores in the transaction of
the change (a synergy qualified, a decision recorded), so that a notification exists exactly when
its change does. :class:`NotificationRepository` reads a user's inbox, marks entries read and
keeps the optional e-mail digest subscriptions; it applies the same rule as the registry: a user
reads only what is addressed to their firm or their role.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.engine import Connection

from symbiosis.db.actor import Actor, require
from symbiosis.db.models_notifications import DigestSubscription, Notification, NotificationRead
from symbiosis.db.repository import Repository

__all__ = ["INBOX_COLUMNS", "Notice", "NotificationRepository", "append_notifications"]

#: Columns of an inbox frame.
INBOX_COLUMNS: tuple[str, ...] = ("notification_id", "created_at", "kind", "synergy_id", "params", "read")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]{1,63}(?:\.[^@\s.]{1,63})+")


@dataclass(frozen=True)
class Notice:
    """One notification to write: to a firm (``recipient_kind="firm"``) or to a role."""

    recipient_kind: str
    recipient: str
    kind: str
    synergy_id: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


def append_notifications(conn: Connection, notices: Sequence[Notice], *, at: dt.datetime) -> None:
    """Insert ``notices`` in the caller's transaction (nothing when empty)."""
    if notices:
        conn.execute(
            insert(Notification),
            [
                {
                    "created_at": at,
                    "recipient_kind": n.recipient_kind,
                    "recipient": n.recipient,
                    "kind": n.kind,
                    "synergy_id": n.synergy_id,
                    "params": dict(n.params) or None,
                }
                for n in notices
            ],
        )


def _addressed_to(actor: Actor):
    """The SQL condition of the notifications ``actor`` may read."""
    if actor.role == "firm":
        return and_(Notification.recipient_kind == "firm", Notification.recipient == actor.firm_id)
    return and_(Notification.recipient_kind == "role", Notification.recipient == actor.role)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class NotificationRepository:
    """Inbox, read state and digest subscriptions, through the registry's repository (same engine)."""

    def __init__(self, repo: Repository) -> None:
        self._repo = repo

    def inbox(
        self, actor: Actor, *, unread_only: bool = False, since: dt.datetime | None = None, limit: int = 200
    ) -> pd.DataFrame:
        """Return the actor's notifications, newest first: :data:`INBOX_COLUMNS` (``read`` per user)."""
        read = select(NotificationRead.notification_id).where(NotificationRead.user_id == actor.user_id)
        query = (
            select(
                Notification.notification_id,
                Notification.created_at,
                Notification.kind,
                Notification.synergy_id,
                Notification.params,
                Notification.notification_id.in_(read).label("read"),
            )
            .where(_addressed_to(actor))
            .order_by(Notification.created_at.desc(), Notification.notification_id.desc())
            .limit(limit)
        )
        if unread_only:
            query = query.where(Notification.notification_id.not_in(read))
        if since is not None:
            query = query.where(Notification.created_at > since)
        with self._repo.transaction(actor, "read_notifications", write=False) as conn:
            rows = conn.execute(query).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=list(INBOX_COLUMNS))
        frame["read"] = frame["read"].astype(bool)
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
        return frame

    def unread_count(self, actor: Actor) -> int:
        """Return how many of the actor's notifications the user has not read."""
        read = select(NotificationRead.notification_id).where(NotificationRead.user_id == actor.user_id)
        query = (
            select(func.count())
            .select_from(Notification)
            .where(_addressed_to(actor), Notification.notification_id.not_in(read))
        )
        with self._repo.transaction(actor, "read_notifications", write=False) as conn:
            return int(conn.execute(query).scalar_one())

    def mark_read(self, actor: Actor, notification_ids: Iterable[int] | None = None) -> int:
        """Mark the given notifications (all of the actor's when None) read for this user; return how many.

        Ids the actor may not read are ignored (not refused): reading state reveals nothing.
        """
        at = _now()
        with self._repo.transaction(actor, "mark_read", write=actor.can_write) as conn:
            read = select(NotificationRead.notification_id).where(NotificationRead.user_id == actor.user_id)
            query = select(Notification.notification_id).where(
                _addressed_to(actor), Notification.notification_id.not_in(read)
            )
            if notification_ids is not None:
                query = query.where(Notification.notification_id.in_([int(i) for i in notification_ids]))
            ids = [r[0] for r in conn.execute(query).all()]
            if ids:
                conn.execute(
                    insert(NotificationRead),
                    [{"notification_id": i, "user_id": actor.user_id, "read_at": at} for i in ids],
                )
        return len(ids)

    def report_place(self, actor: Actor, firm_id: str, place: str, *, lat: float, lon: float) -> None:
        """Tell the advisors and the firm that the site's place ``place`` is to confirm.

        The firm typed a place the offline gazetteer lacks and kept its position (``lat``, ``lon``)
        meanwhile; both notices carry the place and that position, so that the request is seen as
        settled once the firm's position changes.

        Raises
        ------
        PermissionDenied
            The actor may not write ``firm_id``'s rows (audited).
        """
        params = {"firm_id": firm_id, "place": str(place)[:120], "lat": float(lat), "lon": float(lon)}
        notices = [
            Notice("role", "advisor", "place_to_confirm", None, params),
            Notice("firm", firm_id, "place_to_confirm", None, params),
        ]
        with self._repo.transaction(actor, "report_place", write=True) as conn:
            require(
                actor, actor.may_write(firm_id), "report a place for this firm", table="firms", keys=[firm_id]
            )
            append_notifications(conn, notices, at=_now())

    # -- e-mail digest ------------------------------------------------------------------------------

    def subscription(self, actor: Actor) -> dict[str, Any] | None:
        """Return the user's digest subscription (``email, lang, enabled, last_sent_at``) or None."""
        sub = DigestSubscription
        with self._repo.transaction(actor, "read_subscription", write=False) as conn:
            row = conn.execute(
                select(sub.email, sub.lang, sub.enabled, sub.last_sent_at).where(sub.user_id == actor.user_id)
            ).first()
        if row is None:
            return None
        return {
            "email": row.email,
            "lang": row.lang,
            "enabled": row.enabled,
            "last_sent_at": row.last_sent_at,
        }

    def subscribe(self, actor: Actor, *, email: str, lang: str = "fr", enabled: bool = True) -> None:
        """Set the user's digest subscription (their own only).

        Raises
        ------
        ValueError
            An address that is not an e-mail address, or a language other than fr/en.
        """
        email = email.strip()
        if enabled and not _EMAIL.fullmatch(email):
            raise ValueError(f"not an e-mail address: {email!r}")
        if lang not in ("fr", "en"):
            raise ValueError(f"unknown language {lang!r}")
        with self._repo.transaction(actor, "subscribe", write=actor.can_write) as conn:
            exists = conn.execute(
                select(DigestSubscription.user_id).where(DigestSubscription.user_id == actor.user_id)
            ).first()
            values = {"email": email, "lang": lang, "enabled": bool(enabled)}
            if exists:
                conn.execute(
                    update(DigestSubscription)
                    .where(DigestSubscription.user_id == actor.user_id)
                    .values(**values)
                )
            else:
                conn.execute(
                    insert(DigestSubscription).values(user_id=actor.user_id, last_sent_at=None, **values)
                )

    def due_digests(self, actor: Actor) -> list[tuple[Actor, dict[str, Any]]]:
        """Every enabled subscription with the reader it stands for (system actor only)."""
        from symbiosis.db.models import User

        require(actor, actor.role == "system", "list the e-mail digests", table="digest_subscriptions")
        sub = DigestSubscription
        query = (
            select(sub.user_id, sub.email, sub.lang, sub.last_sent_at, User.role, User.firm_id)
            .join(User, User.user_id == sub.user_id)
            .where(sub.enabled.is_(True))
            .order_by(sub.user_id)
        )
        with self._repo.transaction(actor, "list_digests", write=False) as conn:
            rows = conn.execute(query).all()
        return [
            (
                Actor(r.user_id, r.role, r.firm_id),
                {"email": r.email, "lang": r.lang, "last_sent_at": r.last_sent_at},
            )
            for r in rows
        ]

    def mark_sent(self, actor: Actor, user_id: str, at: dt.datetime) -> None:
        """Record that ``user_id``'s digest was sent at ``at`` (system actor only)."""
        require(actor, actor.role == "system", "record a sent digest", table="digest_subscriptions")
        with self._repo.transaction(actor, "mark_sent", write=True) as conn:
            conn.execute(
                update(DigestSubscription)
                .where(DigestSubscription.user_id == user_id)
                .values(last_sent_at=at)
            )
