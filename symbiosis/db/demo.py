"""Demo accounts only on demo data: the registry's "sample" flag, and what ends it.

``symbiosis init --sample`` on an empty registry flags it as a sample (``registry_settings``:
``sample_registry``) and creates the demo accounts, whose passwords are public. The flag ends, in
the transaction that does it, as soon as a firm that is not from the sample is added by any path
(import, form, command line): the demo accounts are disabled, their sessions revoked, and it is
audited. A demo account signs in only while the flag is set; ``init --sample`` refuses a registry
that holds firms and is not flagged.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from symbiosis.db.actor import Actor
from symbiosis.db.audit import AuditEntry, append_audit
from symbiosis.db.models import Firm, User
from symbiosis.db.models_security import RegistrySetting, UserSession

__all__ = ["SAMPLE_FLAG", "demo_accounts_active", "end_sample", "is_sample", "mark_sample"]

logger = logging.getLogger(__name__)

SAMPLE_FLAG = "sample_registry"


def is_sample(conn: Connection) -> bool:
    """Whether the registry is flagged as holding only the fictional sample."""
    value = conn.execute(select(RegistrySetting.value).where(RegistrySetting.key == SAMPLE_FLAG)).scalar()
    return bool(value and value.get("sample"))


def mark_sample(conn: Connection, actor: Actor, sample_firm_ids: Collection[str], at: dt.datetime) -> None:
    """Flag the registry as a sample and enable its demo accounts (``init --sample``).

    Raises
    ------
    ValueError
        The registry holds a firm that is not from the sample and is not flagged already.
    """
    firms = set(conn.execute(select(Firm.firm_id)).scalars())
    foreign = sorted(firms - set(sample_firm_ids))
    if foreign and not is_sample(conn):
        raise ValueError(
            f"the registry holds {len(foreign)} firm(s) that are not from the sample "
            f"({', '.join(foreign[:5])}…): demo accounts are never added to real data"
        )
    conn.execute(delete(RegistrySetting).where(RegistrySetting.key == SAMPLE_FLAG))
    conn.execute(insert(RegistrySetting).values(key=SAMPLE_FLAG, value={"sample": True}))
    conn.execute(update(User).where(User.is_demo.is_(True)).values(disabled_at=None))
    append_audit(
        conn,
        actor,
        [
            AuditEntry(
                "sample_flagged",
                "registry_settings",
                SAMPLE_FLAG,
                None,
                None,
                {"sample": True, "firms": len(firms)},
            )
        ],
        at=at,
    )


def end_sample(conn: Connection, actor: Actor, new_firm_ids: Collection[str], at: dt.datetime) -> int:
    """The registry receives firms not from the sample: unflag it, disable the demo accounts.

    Called in the transaction that inserts the firms; does nothing on a registry not flagged.
    Returns the number of demo accounts disabled.
    """
    if not new_firm_ids or not is_sample(conn):
        return 0
    conn.execute(delete(RegistrySetting).where(RegistrySetting.key == SAMPLE_FLAG))
    demo = list(conn.execute(select(User.user_id).where(User.is_demo.is_(True))).scalars())
    conn.execute(
        update(User).where(User.is_demo.is_(True), User.disabled_at.is_(None)).values(disabled_at=at)
    )
    conn.execute(
        update(UserSession)
        .where(UserSession.user_id.in_(demo), UserSession.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    append_audit(
        conn,
        actor,
        [
            AuditEntry(
                "demo_disabled",
                "users",
                ",".join(demo) or None,
                None,
                None,
                {"reason": "non-sample firms added", "firms": sorted(new_firm_ids)[:20]},
            )
        ],
        at=at,
    )
    logger.warning("demo accounts %s disabled: firms not from the sample were added", demo)
    return len(demo)


def demo_accounts_active(conn: Connection) -> bool:
    """Whether demo accounts can sign in right now (sample registry, at least one enabled)."""
    if not is_sample(conn):
        return False
    enabled = conn.execute(
        select(func.count()).select_from(User).where(User.is_demo.is_(True), User.disabled_at.is_(None))
    ).scalar_one()
    return enabled > 0
