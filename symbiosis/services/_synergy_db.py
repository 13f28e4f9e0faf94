"""Shared database steps of the synergy store: the checked read, the gates."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from symbiosis.db import Actor, NotFound
from symbiosis.db.actor import require
from symbiosis.db.audit import AuditEntry, append_audit
from symbiosis.db.models_synergy import Consent, Synergy, Verification
from symbiosis.synergy.records import SYNERGY_COLUMNS

__all__ = ["fetch_synergy", "gates", "now", "to_json", "write_change"]

logger = logging.getLogger(__name__)


def now() -> dt.datetime:
    """Return the current aware UTC time."""
    return dt.datetime.now(dt.UTC)


def to_json(value: Any) -> Any:
    """Return ``value`` as JSON-ready data (dates and timestamps as ISO text; NaN refused)."""
    return json.loads(json.dumps(value, default=str, allow_nan=False))


def fetch_synergy(conn: Connection, actor: Actor, synergy_id: str, *, lock: bool = False) -> dict[str, Any]:
    """Return a synergy row after checking the actor may see it (locked FOR UPDATE when ``lock``).

    A firm actor is refused, with the same error, a synergy it is not a party to, one not yet
    qualified and one that does not exist: it learns nothing of the others.

    Raises
    ------
    NotFound
        No such synergy (advisors, managers, system).
    """
    query = select(*(Synergy.__table__.c[c] for c in SYNERGY_COLUMNS)).where(Synergy.synergy_id == synergy_id)
    found = conn.execute(query.with_for_update() if lock else query).first()
    if not actor.reads_all:
        party = found is not None and actor.firm_id in (found.supply_firm_id, found.demand_firm_id)
        require(actor, party, "see a synergy it is not a party to", table="synergies", keys=[synergy_id])
        require(
            actor,
            found is not None and found.qualified_at is not None,
            "see a synergy not yet qualified",
            table="synergies",
            keys=[synergy_id],
        )
    if found is None:
        raise NotFound(f"no synergy {synergy_id!r}")
    return dict(found._mapping)


def gates(conn: Connection, synergy_id: str) -> tuple[dict[str, str], int]:
    """Return the firms' decisions by side and the number of periods both firms confirmed."""
    decisions = dict(
        conn.execute(select(Consent.side, Consent.decision).where(Consent.synergy_id == synergy_id)).all()
    )
    periods = conn.execute(
        select(func.count())
        .select_from(Verification)
        .where(
            Verification.synergy_id == synergy_id,
            Verification.supplier_quantity.is_not(None),
            Verification.receiver_quantity.is_not(None),
        )
    ).scalar_one()
    return decisions, int(periods)


def write_change(
    conn: Connection,
    actor: Actor,
    old: dict[str, Any],
    new: dict[str, Any],
    at: dt.datetime,
    note: str | None,
) -> None:
    """Update a synergy row with ``new`` and audit the changed fields before and after (and the note)."""
    conn.execute(update(Synergy).where(Synergy.synergy_id == old["synergy_id"]).values(**new))
    shown = {k: v for k, v in new.items() if k not in ("status_changed_at", "notes") and v != old[k]}
    after = to_json(shown | ({"note": note.strip()} if note and note.strip() else {}))
    before = to_json({k: old[k] for k in shown})
    entry = AuditEntry("update", "synergies", old["synergy_id"], None, before, after)
    append_audit(conn, actor, [entry], at=at)
