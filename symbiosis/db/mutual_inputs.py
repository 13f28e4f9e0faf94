"""The levers' input tables in the registry: read what an actor may see, replace a firm's rows with its batch.

A store built on the :class:`~symbiosis.db.Repository`'s transactions and access rules:

* a ``firm`` actor reads and writes only its own rows, and never the receivers (the advisor's list);
* an ``advisor`` and the ``system`` read and write everything; a ``program_manager`` reads only.

Writing a table *replaces* the rows of the firms it names: every stored row of those firms that the
new rows do not carry is deleted, except the rows whose id is in ``keep_ids`` (a row of the file that
was rejected keeps its stored version). Rows of firms the file does not name are never touched; a
new row whose id is already a row of such a firm refuses the whole write (nothing stored, audited).
The receivers have no owning firm: a receivers file replaces the advisor's list. The rows, the import
batch and every audit entry are written in one transaction (all or nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from symbiosis.db import rows
from symbiosis.db.actor import Actor, require
from symbiosis.db.audit import AuditEntry, append_audit
from symbiosis.db.convert import from_rows, jsonable, to_records
from symbiosis.db.demo import is_sample
from symbiosis.db.imports import insert_batch
from symbiosis.db.models_mutual import MUTUAL_INPUT_TABLES
from symbiosis.db.repository import Repository
from symbiosis.db.rows import TableSpec
from symbiosis.mutual.tables import MUTUAL_TABLES
from symbiosis.schemas import validate_frame

__all__ = ["FIRM_TABLES", "SPECS", "ReplaceOutcome", "read_mutual_inputs", "replace_mutual_rows"]

#: Levers' table -> its database table, frame schema and key.
SPECS: dict[str, TableSpec] = {
    name: TableSpec(MUTUAL_INPUT_TABLES[name], schema, schema.key[0])
    for name, schema in MUTUAL_TABLES.items()
}
#: The tables whose rows a firm declares and may edit (the receivers are the advisor's).
FIRM_TABLES: tuple[str, ...] = tuple(n for n in MUTUAL_TABLES if n != "receivers")
_CHUNK = 1000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ReplaceOutcome:
    """What a write of one levers' table did.

    Parameters
    ----------
    table
        The levers' table (``purchases``…).
    firms
        The firms whose rows were replaced (empty for the receivers).
    written
        Rows inserted or changed.
    removed
        Stored rows deleted (the firms' rows the new rows no longer carry).
    kept
        Ids of stored rows kept as they were because their new row was rejected.
    batch_id
        The import batch, or None when the write was not an import (a firm's edited table).
    """

    table: str
    firms: tuple[str, ...]
    written: int
    removed: int
    kept: tuple[str, ...]
    batch_id: int | None

    def as_json(self) -> dict[str, Any]:
        """The outcome as it is kept in the batch's report."""
        return {
            "table": self.table,
            "firms": list(self.firms),
            "written": self.written,
            "removed": self.removed,
            "kept": list(self.kept),
        }


def _read(conn: Connection, actor: Actor, name: str, firm_id: str | None) -> pd.DataFrame:
    spec = SPECS[name]
    if name not in FIRM_TABLES and not actor.reads_all:
        return from_rows([], spec.schema)
    query = select(*spec.select_columns()).order_by(spec.table.c[spec.key])
    if not actor.reads_all:
        query = query.where(spec.table.c["firm_id"] == actor.firm_id)
    if firm_id is not None and name in FIRM_TABLES:
        query = query.where(spec.table.c["firm_id"] == firm_id)
    return from_rows(conn.execute(query), spec.schema)


def read_mutual_inputs(
    repo: Repository, actor: Actor, *, firm_id: str | None = None
) -> tuple[dict[str, pd.DataFrame], bool]:
    """Return every levers' table the actor may read (one snapshot), and whether the registry is the sample.

    Parameters
    ----------
    repo
        The registry.
    actor
        Who reads: a firm gets its own rows and no receiver.
    firm_id
        Only this firm's rows (a firm naming another firm is refused, audited).

    Returns
    -------
    tuple
        Table name -> frame following its :data:`~symbiosis.mutual.tables.MUTUAL_TABLES` schema, and
        whether the registry is flagged as the fictional sample (``symbiosis init --sample``).
    """
    with repo.transaction(actor, "read_mutual_inputs", write=False) as conn:
        if firm_id is not None:
            require(
                actor,
                actor.may_read(firm_id),
                "read this firm's mutualisation tables",
                table="mutual_purchases",
                keys=[firm_id],
            )
        frames = {name: _read(conn, actor, name, firm_id) for name in MUTUAL_TABLES}
        return frames, is_sample(conn)


def _stored(conn: Connection, spec: TableSpec, firm_ids: Sequence[str] | None) -> dict[str, dict[str, Any]]:
    """Stored rows of these firms (all rows when None), keyed by id, locked on PostgreSQL."""
    found: dict[str, dict[str, Any]] = {}
    chunks = (
        [None] if firm_ids is None else [firm_ids[i : i + _CHUNK] for i in range(0, len(firm_ids), _CHUNK)]
    )
    for chunk in chunks:
        query = select(*spec.select_columns())
        if chunk is not None:
            query = query.where(spec.table.c["firm_id"].in_(list(chunk)))
        if conn.dialect.name == "postgresql":
            query = query.with_for_update()
        found.update({row[spec.key]: dict(row) for row in conn.execute(query).mappings()})
    return found


def _check_rights(actor: Actor, name: str, spec: TableSpec, firm_ids: Sequence[str]) -> None:
    if name not in FIRM_TABLES:
        require(actor, actor.administers, f"write {spec.name}", table=spec.name)
        return
    foreign = sorted(f for f in firm_ids if not actor.may_write(f))
    require(actor, not foreign, f"write {spec.name} of firms {foreign}", table=spec.name, keys=foreign)


def _replace_in(
    conn: Connection,
    actor: Actor,
    name: str,
    records: list[dict[str, Any]],
    firm_ids: Sequence[str],
    keep_ids: Collection[str],
) -> tuple[int, list[dict[str, Any]], tuple[str, ...]]:
    """Replace inside the caller's transaction; return rows written, rows deleted and ids kept."""
    spec = SPECS[name]
    owned = name in FIRM_TABLES
    _check_rights(actor, name, spec, firm_ids)
    incoming = {r[spec.key] for r in records}
    stored = _stored(conn, spec, list(firm_ids) if owned else None)
    elsewhere = rows.fetch_existing(conn, spec, sorted(incoming - set(stored)))
    require(
        actor,
        not elsewhere,
        f"overwrite {spec.name} rows of firms the file does not name",
        table=spec.name,
        keys=sorted(elsewhere),
    )
    kept = tuple(sorted(k for k in stored if k in set(keep_ids) and k not in incoming))
    doomed = [row for k, row in stored.items() if k not in incoming and k not in kept]
    for start in range(0, len(doomed), _CHUNK):
        keys = [row[spec.key] for row in doomed[start : start + _CHUNK]]
        conn.execute(delete(spec.table).where(spec.table.c[spec.key].in_(keys)))
    entries = [AuditEntry("delete", spec.name, r[spec.key], r.get("firm_id"), jsonable(r)) for r in doomed]
    plan = rows.plan_upsert(spec, records, stored)
    rows.write_upsert(conn, spec, plan)
    append_audit(conn, actor, [*entries, *plan.entries], at=_now())
    return plan.count, doomed, kept


def replace_mutual_rows(
    repo: Repository,
    actor: Actor,
    table: str,
    frame: pd.DataFrame,
    *,
    firm_ids: Collection[str],
    keep_ids: Collection[str] = (),
    batch: dict[str, Any] | None = None,
) -> ReplaceOutcome:
    """Replace the stored rows of ``firm_ids`` in ``table`` by ``frame`` (one transaction, audited).

    Parameters
    ----------
    repo
        The registry.
    actor
        On whose behalf (a firm may only name itself; the receivers are the advisors' and system's).
    table
        A key of :data:`~symbiosis.mutual.tables.MUTUAL_TABLES`.
    frame
        The new rows, following the table's schema; each row's firm must be in ``firm_ids``.
    firm_ids
        The firms whose rows are replaced (ignored for the receivers, whose whole list is replaced).
    keep_ids
        Ids of stored rows to keep as they are (their new version was rejected).
    batch
        When the rows come from a file: ``source_filename``, ``accepted``, ``rejected`` and
        ``report`` of its import batch, stored in the same transaction.

    Raises
    ------
    symbiosis.schemas.SchemaError
        The frame does not follow the table's schema.
    ValueError
        A row belongs to a firm not in ``firm_ids``.
    PermissionDenied
        The actor may not write a firm's rows, or a new row's id is a stored row of a firm not named
        (nothing is written; the refusal is audited).
    """
    spec = SPECS[table]
    validate_frame(frame, spec.schema)
    owned = table in FIRM_TABLES
    firms = tuple(sorted({str(f) for f in firm_ids})) if owned else ()
    if owned and not set(frame["firm_id"].astype(str)) <= set(firms):
        raise ValueError(f"{table}: rows of firms not in firm_ids")
    records = to_records(frame, spec.schema) if len(frame) else []
    with repo.transaction(actor, f"replace_{spec.name}", write=True) as conn:
        written, doomed, kept = _replace_in(conn, actor, table, records, firms, keep_ids)
        outcome = ReplaceOutcome(table, firms, written, len(doomed), kept, None)
        if batch is not None:
            report = {**(batch.get("report") or {}), "replaced": outcome.as_json()}
            batch_id, entry = insert_batch(
                conn,
                actor,
                source_filename=batch["source_filename"],
                accepted=batch["accepted"],
                rejected=batch["rejected"],
                report=report,
                at=_now(),
            )
            append_audit(conn, actor, [entry], at=_now())
            outcome = ReplaceOutcome(table, firms, written, len(doomed), kept, batch_id)
    return outcome
