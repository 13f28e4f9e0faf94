"""Import batches on a connection: record one imported file with its report, list them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from symbiosis.db.actor import Actor
from symbiosis.db.audit import AuditEntry
from symbiosis.db.models import ImportBatch

__all__ = ["BATCH_COLUMNS", "insert_batch", "list_batches"]

BATCH_COLUMNS: tuple[str, ...] = (
    "batch_id",
    "created_at",
    "actor_id",
    "actor_role",
    "firm_id",
    "source_filename",
    "accepted_count",
    "rejected_count",
    "report",
)


def insert_batch(
    conn: Connection,
    actor: Actor,
    *,
    source_filename: str,
    accepted: int,
    rejected: int,
    report: dict[str, Any] | None,
    at: dt.datetime,
) -> tuple[int, AuditEntry]:
    """Insert one import batch; return its id and its audit entry.

    Raises
    ------
    ValueError
        The report is not JSON-serialisable (NaN included).
    """
    report = json.loads(json.dumps(report or {}, allow_nan=False, default=str))
    values = {
        "created_at": at,
        "actor_id": actor.user_id,
        "actor_role": actor.role,
        "firm_id": actor.firm_id,
        "source_filename": source_filename,
        "accepted_count": int(accepted),
        "rejected_count": int(rejected),
        "report": report,
    }
    batch_id = int(conn.execute(insert(ImportBatch).values(**values)).inserted_primary_key[0])
    summary = {"source_filename": source_filename, "accepted": int(accepted), "rejected": int(rejected)}
    return batch_id, AuditEntry("import", "import_batches", str(batch_id), actor.firm_id, None, summary)


def list_batches(conn: Connection, actor: Actor) -> pd.DataFrame:
    """Return the batches the actor may read (a firm: its own), newest first."""
    query = select(*(getattr(ImportBatch, c) for c in BATCH_COLUMNS)).order_by(ImportBatch.batch_id.desc())
    if not actor.reads_all:
        query = query.where(ImportBatch.firm_id == actor.firm_id)
    frame = pd.DataFrame.from_records([tuple(r) for r in conn.execute(query)], columns=list(BATCH_COLUMNS))
    frame["batch_id"] = frame["batch_id"].astype("int64")
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return frame
