"""The repository: the one door through which every read and write of firm data passes.

Every method takes the :class:`~symbiosis.db.actor.Actor` first and enforces the access rules:

* a ``firm`` actor reads and writes only its own firm, streams, imports and audit entries;
* an ``advisor`` and the ``system`` actor read and write everything;
* a ``program_manager`` reads everything, writes nothing, and never sees personal information.

A refused call raises :class:`~symbiosis.db.actor.PermissionDenied` after writing a ``denied`` entry
to the audit log. Each write method runs in one transaction (all or nothing) and appends its audit
entries in that same transaction. Frames go in and come out following
:data:`symbiosis.schemas.FIRMS` and :data:`symbiosis.schemas.STREAMS`.

Examples
--------
>>> repo = Repository.from_url("sqlite:///data/symbiosis.db")   # doctest: +SKIP
>>> repo.upsert_firms(Actor.system("import"), firms)            # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.engine import URL, Connection

from symbiosis.db import rows
from symbiosis.db.actor import Actor, PermissionDenied, require
from symbiosis.db.audit import RESERVED_ACTIONS, AuditEntry, append_audit, audit_query, read_audit
from symbiosis.db.audit_chain import ChainReport, verify_chain
from symbiosis.db.convert import from_rows, jsonable, to_records
from symbiosis.db.demo import end_sample
from symbiosis.db.engine import WRITE_OPTION, make_engine
from symbiosis.db.imports import insert_batch, list_batches
from symbiosis.db.metadata import METADATA
from symbiosis.db.migrate import migrate as migrate_database
from symbiosis.db.models import AuditLog, Firm, Permit, Stream
from symbiosis.db.rows import FIRM_TABLE, PERMIT_TABLE, STREAM_TABLE, TableSpec
from symbiosis.db.users import list_users
from symbiosis.registry import Registry
from symbiosis.schemas import DIRECTIONS, STREAMS, validate_frame
from symbiosis.settings import owner_database_url

__all__ = ["NotFound", "Repository"]

logger = logging.getLogger(__name__)
_CONTACT = ("contact_name", "contact_email", "contact_phone")


class NotFound(LookupError):  # noqa: N818 (pairs with PermissionDenied)
    """The row a call names does not exist."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Repository:
    """Access to the registry database for one engine (thread-safe; holds no per-user state).

    Parameters
    ----------
    engine
        An engine from :func:`symbiosis.db.make_engine` on a migrated database.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @classmethod
    def from_url(
        cls, url: str | URL, *, migrate: bool = True, owner_url: str | URL | None = None
    ) -> Repository:
        """Open the database at ``url``, creating the SQLite folder and file and migrating to head.

        Idempotent: on an up-to-date database the migration does nothing.

        Parameters
        ----------
        url
            ``sqlite:///data/symbiosis.db`` or ``postgresql+psycopg://…`` (the app's role).
        migrate
            Run ``alembic upgrade head`` first (set False when the schema is managed elsewhere).
        owner_url
            PostgreSQL: the schema owner's URL, which migrations run with; the role of ``url`` is then
            granted what the app needs and no more (:mod:`symbiosis.db.roles`). Defaults to
            ``$SYMBIOSIS_OWNER_DATABASE_URL``; without one, migrations run with ``url``.
        """
        engine = make_engine(url)
        owner = owner_url or owner_database_url()
        if migrate and owner and engine.dialect.name == "postgresql":
            migrate_database(owner, app_role=engine.url.username)
        elif migrate:
            migrate_database(engine)
        return cls(engine)

    @property
    def engine(self) -> Engine:
        """The engine (for migrations and tests; application code calls the methods)."""
        return self._engine

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- transactions and refusals -----------------------------------------------------------------

    @contextmanager
    def _connect(self, *, write: bool) -> Iterator[Connection]:
        """Yield a connection in a transaction (on SQLite, ``BEGIN IMMEDIATE`` when ``write``)."""
        with self._engine.connect() as conn:
            if write:
                conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn

    @contextmanager
    def transaction(self, actor: Actor, operation: str, *, write: bool) -> Iterator[Connection]:
        """Yield a connection in one transaction, for stores of the data layer built on this one.

        Not for application code (which calls the methods). A :class:`PermissionDenied` raised
        inside rolls the transaction back, is written to the audit log in its own transaction,
        and is re-raised; a write by a read-only role is refused before anything runs.

        Parameters
        ----------
        actor
            On whose behalf.
        operation
            Name of the operation, recorded with a refusal.
        write
            Whether the transaction writes (SQLite takes the write lock at ``BEGIN``).
        """
        try:
            if write and not actor.can_write:
                raise PermissionDenied(f"{actor.role} may not write ({operation})")
            with self._connect(write=write) as conn:
                yield conn
        except PermissionDenied as exc:
            entry = AuditEntry(
                "denied",
                exc.table or None,
                ",".join(exc.keys) or None,
                actor.firm_id,
                None,
                {"operation": operation, "reason": str(exc)},
            )
            with self._connect(write=True) as conn:  # the chain's next link needs the write lock
                append_audit(conn, actor, [entry], at=_now())
            logger.warning("refused %s to %s/%s: %s", operation, actor.role, actor.user_id, exc)
            raise

    # -- firm and stream writes ------------------------------------------------------------------

    def upsert_firms(self, actor: Actor, firms: pd.DataFrame) -> int:
        """Insert or update firms by ``firm_id``; return the number of rows inserted or changed.

        Raises
        ------
        symbiosis.schemas.SchemaError
            The frame does not follow :data:`~symbiosis.schemas.FIRMS`.
        PermissionDenied
            A firm actor names another firm, or the actor may not write.
        """
        return self._upsert(actor, FIRM_TABLE, firms)

    def upsert_streams(self, actor: Actor, streams: pd.DataFrame) -> int:
        """Insert or update streams by ``stream_id``; return the number of rows inserted or changed.

        Raises
        ------
        symbiosis.schemas.SchemaError
            The frame does not follow :data:`~symbiosis.schemas.STREAMS`.
        PermissionDenied
            A stream (new or stored) belongs to a firm the actor may not write.
        sqlalchemy.exc.IntegrityError
            A stream names a firm that is not in the database.
        """
        return self._upsert(actor, STREAM_TABLE, streams)

    def upsert_permits(self, actor: Actor, permits: pd.DataFrame) -> int:
        """Insert or update Québec authorisations by ``permit_id``; return the rows written.

        Raises
        ------
        symbiosis.schemas.SchemaError
            The frame does not follow :data:`~symbiosis.schemas.PERMITS`.
        PermissionDenied
            An authorisation belongs to a firm the actor may not write.
        """
        return self._upsert(actor, PERMIT_TABLE, permits)

    def delete_permit(self, actor: Actor, permit_id: str) -> None:
        """Delete one authorisation (audited).

        Raises
        ------
        NotFound
            No such authorisation.
        """
        with self.transaction(actor, "delete_permit", write=True) as conn:
            old = rows.fetch_existing(conn, PERMIT_TABLE, [permit_id]).get(permit_id)
            if old is None:
                raise NotFound(f"no permit {permit_id!r}")
            require(
                actor,
                actor.may_write(old["firm_id"]),
                "delete this permit",
                table="permits",
                keys=[permit_id],
            )
            conn.execute(delete(Permit).where(Permit.permit_id == permit_id))
            entry = AuditEntry("delete", "permits", permit_id, old["firm_id"], jsonable(old))
            append_audit(conn, actor, [entry], at=_now())

    def permits(self, actor: Actor, *, firm_id: str | None = None) -> pd.DataFrame:
        """Return the authorisations the actor may read, as a :data:`~symbiosis.schemas.PERMITS` frame."""
        with self.transaction(actor, "read_permits", write=False) as conn:
            if firm_id is not None:
                require(
                    actor,
                    actor.may_read(firm_id),
                    "read this firm's permits",
                    table="permits",
                    keys=[firm_id],
                )
            return self._permits(conn, actor, firm_id=firm_id)

    def _permits(self, conn: Connection, actor: Actor, *, firm_id: str | None = None) -> pd.DataFrame:
        query = select(*PERMIT_TABLE.select_columns()).order_by(Permit.permit_id)
        if not actor.reads_all:
            query = query.where(Permit.firm_id == actor.firm_id)
        if firm_id is not None:
            query = query.where(Permit.firm_id == firm_id)
        return from_rows(conn.execute(query), PERMIT_TABLE.schema)

    def _upsert(self, actor: Actor, spec: TableSpec, frame: pd.DataFrame) -> int:
        validate_frame(frame, spec.schema)
        records = to_records(frame, spec.schema)  # pandas work before the write lock is taken
        with self.transaction(actor, f"upsert_{spec.name}", write=True) as conn:
            return self._upsert_in(conn, actor, spec, records)

    def _upsert_in(
        self, conn: Connection, actor: Actor, spec: TableSpec, records: list[dict[str, Any]]
    ) -> int:
        """Upsert inside the caller's transaction (access checked, audited); return rows changed."""
        keys = [r[spec.key] for r in records]
        foreign = {r["firm_id"] for r in records if not actor.may_write(r["firm_id"])}
        require(
            actor,
            not foreign,
            f"write {spec.name} of firms {sorted(foreign)}",
            table=spec.name,
            keys=[r[spec.key] for r in records if r["firm_id"] in foreign],
        )
        existing = rows.fetch_existing(conn, spec, keys)
        taken = [k for k, row in existing.items() if not actor.may_write(row["firm_id"])]
        require(actor, not taken, f"overwrite {spec.name} of another firm", table=spec.name, keys=taken)
        plan = rows.plan_upsert(spec, records, existing)
        rows.write_upsert(conn, spec, plan)
        append_audit(conn, actor, plan.entries, at=_now())
        if spec is FIRM_TABLE and plan.new:  # real firms end a sample registry's demo accounts
            end_sample(conn, actor, [r[spec.key] for r in plan.new], _now())
        logger.info(
            "%s: %d new, %d changed of %d %s",
            actor.user_id,
            len(plan.new),
            plan.count - len(plan.new),
            len(records),
            spec.name,
        )
        return plan.count

    def import_rows(
        self,
        actor: Actor,
        table: str,
        frame: pd.DataFrame,
        *,
        source_filename: str,
        accepted: int,
        rejected: int,
        report: dict[str, Any] | None = None,
    ) -> tuple[int, int]:
        """Store the valid rows of one imported file and record its batch, in one transaction.

        A crash or a kill at any point leaves either both (rows and batch) or neither.

        Parameters
        ----------
        table
            ``"firms"``, ``"streams"`` or ``"permits"``.
        frame
            The valid rows (:data:`~symbiosis.schemas.FIRMS`, :data:`~symbiosis.schemas.STREAMS` or
            :data:`~symbiosis.schemas.PERMITS`).
        source_filename, accepted, rejected, report
            As for :meth:`record_import`.

        Returns
        -------
        tuple of int
            Rows inserted or changed, and the batch id.
        """
        spec = {"firms": FIRM_TABLE, "streams": STREAM_TABLE, "permits": PERMIT_TABLE}[table]
        validate_frame(frame, spec.schema)
        records = to_records(frame, spec.schema) if len(frame) else []
        with self.transaction(actor, f"import_{spec.name}", write=True) as conn:
            written = self._upsert_in(conn, actor, spec, records) if records else 0
            batch_id, entry = insert_batch(
                conn,
                actor,
                source_filename=source_filename,
                accepted=accepted,
                rejected=rejected,
                report=report,
                at=_now(),
            )
            append_audit(conn, actor, [entry], at=_now())
        return written, batch_id

    def update_stream(self, actor: Actor, stream_id: str, **changes: Any) -> bool:
        """Change some columns of one stream; return whether anything changed.

        The new row is validated outside the write lock (pandas takes milliseconds; eight writers
        must not queue behind it); the write then checks that the stream did not change meanwhile,
        and starts again if it did.

        Raises
        ------
        ValueError
            An unknown column, or ``stream_id`` itself.
        NotFound
            No such stream (advisors and the system; a firm gets ``PermissionDenied``).
        """
        unknown = set(changes) - (set(STREAMS.names) - {"stream_id"})
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        for _attempt in range(20):
            with self.transaction(actor, "update_stream", write=False) as conn:
                old = self._owned_stream(conn, actor, stream_id, "update this stream")
            frame = from_rows([tuple(old.values())], STREAMS)
            for name, value in changes.items():
                frame[name] = pd.Series([value], dtype=object)
            validate_frame(frame, STREAMS)
            new = to_records(frame, STREAMS)[0]
            with self.transaction(actor, "update_stream", write=True) as conn:
                current = self._owned_stream(conn, actor, stream_id, "update this stream")
                if jsonable(current) != jsonable(old):
                    continue  # changed by someone else since it was read: read and validate again
                require(
                    actor,
                    actor.may_write(new["firm_id"]),
                    "give a stream away",
                    table="streams",
                    keys=[stream_id],
                )
                if new == old:
                    return False
                conn.execute(update(Stream).where(Stream.stream_id == stream_id).values(**new))
                entry = AuditEntry("update", "streams", stream_id, new["firm_id"], *rows.diff(old, new))
                append_audit(conn, actor, [entry], at=_now())
            return True
        raise RuntimeError(f"stream {stream_id!r} kept changing while it was being updated")

    @staticmethod
    def _owned_stream(conn: Connection, actor: Actor, stream_id: str, what: str) -> dict[str, Any]:
        """Return the stream the actor may write; a firm gets the same refusal for a missing one."""
        old = rows.fetch_existing(conn, STREAM_TABLE, [stream_id]).get(stream_id)
        if not actor.reads_all:  # "not found" would tell a firm which ids other firms use
            require(
                actor,
                old is not None and actor.may_write(old["firm_id"]),
                what,
                table="streams",
                keys=[stream_id],
            )
        if old is None:
            raise NotFound(f"no stream {stream_id!r}")
        require(actor, actor.may_write(old["firm_id"]), what, table="streams", keys=[stream_id])
        return old

    def delete_stream(self, actor: Actor, stream_id: str) -> None:
        """Delete one stream.

        Raises
        ------
        NotFound
            No such stream.
        """
        with self.transaction(actor, "delete_stream", write=True) as conn:
            old = self._owned_stream(conn, actor, stream_id, "delete this stream")
            conn.execute(delete(Stream).where(Stream.stream_id == stream_id))
            entry = AuditEntry("delete", "streams", stream_id, old["firm_id"], jsonable(old))
            append_audit(conn, actor, [entry], at=_now())

    def delete_firm(self, actor: Actor, firm_id: str) -> None:
        """Delete a firm with its streams and user accounts (advisor and system only).

        Every deleted row (firm, streams, accounts without their password hash) is audited.

        Raises
        ------
        NotFound
            No such firm.
        """
        with self.transaction(actor, "delete_firm", write=True) as conn:
            require(actor, actor.administers, "delete a firm", table="firms", keys=[firm_id])
            firm = rows.fetch_existing(conn, FIRM_TABLE, [firm_id]).get(firm_id)
            if firm is None:
                raise NotFound(f"no firm {firm_id!r}")
            entries = rows.firm_deletion_entries(conn, firm)
            conn.execute(delete(Firm).where(Firm.firm_id == firm_id))  # streams, users: ON DELETE CASCADE
            append_audit(conn, actor, entries, at=_now())

    # -- reads ------------------------------------------------------------------------------------

    def firms(self, actor: Actor) -> pd.DataFrame:
        """Return the firms the actor may read, as a :data:`~symbiosis.schemas.FIRMS` frame."""
        with self.transaction(actor, "read_firms", write=False) as conn:
            return self._firms(conn, actor)

    def _firms(self, conn: Connection, actor: Actor) -> pd.DataFrame:
        query = select(*FIRM_TABLE.select_columns()).order_by(Firm.firm_id)
        if not actor.reads_all:
            query = query.where(Firm.firm_id == actor.firm_id)
        frame = from_rows(conn.execute(query), FIRM_TABLE.schema)
        if not actor.sees_personal_info:
            frame[list(_CONTACT)] = ""
        return frame

    def streams(
        self, actor: Actor, *, firm_id: str | None = None, direction: str | None = None
    ) -> pd.DataFrame:
        """Return the streams the actor may read, as a :data:`~symbiosis.schemas.STREAMS` frame.

        Parameters
        ----------
        actor
            Who reads; a firm actor gets its own streams only.
        firm_id
            Only this firm's streams (a firm actor naming another firm is refused).
        direction
            Only ``"supply"`` or only ``"demand"``.
        """
        if direction is not None and direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
        with self.transaction(actor, "read_streams", write=False) as conn:
            if firm_id is not None:
                require(
                    actor,
                    actor.may_read(firm_id),
                    "read this firm's streams",
                    table="streams",
                    keys=[firm_id],
                )
            return self._streams(conn, actor, firm_id=firm_id, direction=direction)

    def streams_of_other_firms(self, actor: Actor, stream_ids: Iterable[str]) -> list[str]:
        """Return those of ``stream_ids`` stored under a firm the actor may not write (ids only).

        What an import checks before storing, so that a row reusing another firm's stream id is
        refused alone rather than the whole file; nothing of the other firm's stream is returned.
        """
        keys = list(dict.fromkeys(str(k) for k in stream_ids))
        taken: list[str] = []
        with self.transaction(actor, "read_stream_owners", write=False) as conn:
            for start in range(0, len(keys), 1000):
                query = select(Stream.stream_id, Stream.firm_id).where(
                    Stream.stream_id.in_(keys[start : start + 1000])
                )
                taken.extend(sid for sid, fid in conn.execute(query) if not actor.may_write(fid))
        return sorted(taken)

    def _streams(
        self, conn: Connection, actor: Actor, *, firm_id: str | None = None, direction: str | None = None
    ) -> pd.DataFrame:
        query = select(*STREAM_TABLE.select_columns()).order_by(Stream.stream_id)
        if not actor.reads_all:
            query = query.where(Stream.firm_id == actor.firm_id)
        if firm_id is not None:
            query = query.where(Stream.firm_id == firm_id)
        if direction is not None:
            query = query.where(Stream.direction == direction)
        return from_rows(conn.execute(query), STREAM_TABLE.schema)

    def load_registry(self, actor: Actor) -> Registry:
        """Return the validated :class:`~symbiosis.registry.Registry` of what the actor may read.

        Firms, streams and permits are read in one transaction (one snapshot). A database with no
        authorisation on file gives ``permits=None`` (regulated pathways are then named, not
        enforced: see :mod:`symbiosis.engine.permits`).
        """
        with self.transaction(actor, "load_registry", write=False) as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            permits = self._permits(conn, actor)
            registry = Registry(
                self._firms(conn, actor), self._streams(conn, actor), permits if len(permits) else None
            )
        return registry.validate()

    # -- imports, events and the audit trail ---------------------------------------------------------

    def record_import(
        self,
        actor: Actor,
        *,
        source_filename: str,
        accepted: int,
        rejected: int,
        report: dict[str, Any] | None = None,
    ) -> int:
        """Record one imported file and its report; return the batch id.

        Parameters
        ----------
        source_filename
            Name of the uploaded file (not its path on the server).
        accepted, rejected
            Rows imported and rows refused.
        report
            The import report, JSON-serialisable (NaN is refused).
        """
        with self.transaction(actor, "record_import", write=True) as conn:
            batch_id, entry = insert_batch(
                conn,
                actor,
                source_filename=source_filename,
                accepted=accepted,
                rejected=rejected,
                report=report,
                at=_now(),
            )
            append_audit(conn, actor, [entry], at=_now())
        return batch_id

    def import_batches(self, actor: Actor) -> pd.DataFrame:
        """Return the import batches the actor may read, newest first."""
        with self.transaction(actor, "read_imports", write=False) as conn:
            return list_batches(conn, actor)

    def log_event(
        self,
        actor: Actor,
        action: str,
        *,
        table: str | None = None,
        row_key: str | None = None,
        firm_id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Append an app event (``export``, ``reveal``, ``consent``, ``logout``…) to the audit log.

        Any actor may log (a program manager's export is audited too). A firm actor's events are
        filed under its own firm; an advisor or the system may file one under ``firm_id``. An event
        names what it is about with ``table`` only when that is not a table of the registry: the
        history of a firm, stream, account or synergy is written by the repository alone.

        Raises
        ------
        ValueError
            ``action`` is one the repository writes itself (``insert``, ``denied``, ``login``…), or
            ``table`` is one of the registry's tables.
        """
        if action in RESERVED_ACTIONS or not action:
            raise ValueError(f"action {action!r} is reserved to the repository")
        if table in METADATA.tables:
            raise ValueError(f"table {table!r} is the registry's own: the repository writes its history")
        details = json.loads(json.dumps(details, allow_nan=False, default=str)) if details else None
        filed_under = actor.firm_id or (firm_id if actor.administers else None)
        entry = AuditEntry(action, table, row_key, filed_under, None, details)
        with self._connect(write=True) as conn:  # any role may log: no write check, but the write lock
            append_audit(conn, actor, [entry], at=_now())

    def audit(
        self,
        actor: Actor,
        *,
        table: str | None = None,
        row_key: str | None = None,
        action: str | None = None,
        limit: int | None = 1000,
    ) -> pd.DataFrame:
        """Return audit entries, newest first (read-only: the trail has no update or delete).

        A firm actor reads the entries about its own firm; a program manager reads all of them with
        personal information blanked. Columns: ``audit_id, at, actor_id, actor_role, action,
        table_name, row_key, firm_id, before, after``.
        """
        query = audit_query()
        for column, value in (
            (AuditLog.table_name, table),
            (AuditLog.row_key, row_key),
            (AuditLog.action, action),
        ):
            if value is not None:
                query = query.where(column == value)
        if limit is not None:
            query = query.limit(int(limit))
        with self.transaction(actor, "read_audit", write=False) as conn:
            return read_audit(conn, actor, query)

    def verify_audit(self, actor: Actor, *, anchor: str | None = None) -> ChainReport:
        """Recompute the audit trail's hash chain; report the first broken link (readers of all only).

        See :func:`symbiosis.db.audit_chain.verify_chain`.
        """
        with self.transaction(actor, "verify_audit", write=False) as conn:
            require(actor, actor.reads_all, "verify the whole audit trail", table="audit_log")
            return verify_chain(conn, anchor=anchor)

    # -- users (creating them and signing in: symbiosis.db.accounts.AccountRepository) -------------

    def users(self, actor: Actor) -> pd.DataFrame:
        """Return the accounts the actor may see (``user_id, display_name, role, firm_id, created_at``)."""
        with self.transaction(actor, "read_users", write=False) as conn:
            return list_users(conn, actor)
