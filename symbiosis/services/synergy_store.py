"""Database access for the synergy pipeline: every read and write takes an Actor and is audited.

:class:`SynergyRepository` wraps a :class:`~symbiosis.db.Repository` (same engine, same audit
log). Its rules:

* ``advisor`` and ``system`` record proposals and move synergies through the pipeline;
* a ``firm`` actor sees only the synergies it is a party to, once qualified, with the counterpart
  anonymised until both firms accept; it accepts or declines, reveals the counterpart once both
  accepted, and confirms actual quantities once implemented;
* a ``program_manager`` reads everything and writes nothing.

Every write runs in one transaction and appends its audit entries (who, when, what, before and
after) to the append-only ``audit_log`` in that transaction. A refused call raises
:class:`~symbiosis.db.PermissionDenied` after writing a ``denied`` entry. There is no method that
changes or deletes an audit entry, and the database refuses it anyway (triggers).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from symbiosis.db import Actor, Repository
from symbiosis.db.actor import require
from symbiosis.db.audit import AuditEntry, append_audit, audit_query, read_audit
from symbiosis.db.models import AuditLog
from symbiosis.db.models_synergy import Consent, Synergy, Verification
from symbiosis.db.notifications import Notice, append_notifications
from symbiosis.ingest.quantity_bounds import MAX_QUANTITY_PER_YR
from symbiosis.services._synergy_db import fetch_synergy, gates, now, to_json, write_change
from symbiosis.services.firm_access import firm_view, reveal_details
from symbiosis.settings import anonymity_k
from symbiosis.synergy import status as st
from symbiosis.synergy.records import (
    CONSENT_COLUMNS,
    SYNERGY_COLUMNS,
    VERIFICATION_COLUMNS,
    follow_up_values,
    frame_of,
    proposal_rows,
)
from symbiosis.timezone import local_today

__all__ = ["EDITABLE_PARAMETERS", "TABLES", "SynergyRepository"]

logger = logging.getLogger(__name__)

#: The tables whose audit entries make up a synergy's history.
TABLES: tuple[str, ...] = ("synergies", "consents", "verifications")
#: Ledger parameters an advisor may set once the firms agree (see docs/impact-method.md).
EDITABLE_PARAMETERS: tuple[str, ...] = (
    "road_distance_km",
    "disposal_cost_cad_per_unit",
    "purchase_price_cad_per_demand_unit",
    "revenue_cad_per_unit",
    "treatment_cost_cad_per_t",
    "transport_cost_cad_per_t_km",
    "transport_cost_cad_per_trip",
    "trips_per_unit",
    "yield_ratio",
)
_UPDATABLE_ON_RECORD = (
    "flow_per_yr",
    "flow_unit",
    "road_distance_km",
    "estimate",
    "supply_category_id",
    "demand_category_id",
    "kind",
)


def _firm_sides(row: dict[str, Any]) -> dict[str, str]:
    """``firm_id → its side's category`` of a synergy (one entry for an internal exchange)."""
    return {
        row["demand_firm_id"]: row["demand_category_id"],
        row["supply_firm_id"]: row["supply_category_id"],
    }


def _stage_notices(old: dict[str, Any], to: str) -> list[Notice]:
    """A synergy the firms may see changed: a new proposal when first qualified, else its new stage."""
    if to == "qualified" and old["qualified_at"] is None:
        kind = "new_proposal"
    elif old["qualified_at"] is not None:
        kind = "stage_changed"
    else:
        return []  # still internal to the advisors
    return [
        Notice("firm", firm, kind, old["synergy_id"], {"status": to, "category_id": category})
        for firm, category in _firm_sides(old).items()
    ]


def _decision_notices(row: dict[str, Any], sides: list[str], decision: str) -> list[Notice]:
    """A firm decided: the other firm hears of it (never who it is), and so do the advisors."""
    deciding = {row[f"{side}_firm_id"] for side in sides}
    others = [
        Notice(
            "firm",
            firm,
            "counterpart_decision",
            row["synergy_id"],
            {"decision": decision, "category_id": category},
        )
        for firm, category in _firm_sides(row).items()
        if firm not in deciding
    ]
    advisors = [
        Notice(
            "role",
            "advisor",
            "firm_decision",
            row["synergy_id"],
            {"decision": decision, "firm_id": firm, "side": side},
        )
        for side in sides
        for firm in [row[f"{side}_firm_id"]]
    ]
    return others + advisors


class SynergyRepository:
    """The synergy pipeline's door to the database (thread-safe; holds no per-user state).

    Parameters
    ----------
    repo
        The registry's repository on a migrated database.
    """

    def __init__(self, repo: Repository) -> None:
        self._repo = repo
        self._engine = repo.engine

    @contextmanager
    def _transaction(self, actor: Actor, operation: str, *, write: bool) -> Iterator[Connection]:
        # The registry's own transaction: one place begins, refuses and audits refusals.
        with self._repo.transaction(actor, operation, write=write) as conn:
            yield conn

    # -- advisor writes -------------------------------------------------------------------------------

    def record_proposals(self, actor: Actor, result: Any) -> int:
        """Insert the engine's exchanges as ``proposed`` synergies, refresh those still ``proposed``.

        Keyed by (supply_id, demand_id): a synergy past ``proposed`` (or rejected) is never changed; a
        new synergy gets a random id.

        Parameters
        ----------
        actor
            An advisor or the system.
        result
            A :class:`~symbiosis.results.MatchResult` (or a bare exchanges frame).

        Returns
        -------
        int
            Synergies inserted or changed.
        """
        exchanges = getattr(result, "exchanges", result)
        rows = proposal_rows(exchanges, getattr(result, "config", None))
        at = now()
        with self._transaction(actor, "record_proposals", write=True) as conn:
            require(actor, actor.administers, "record proposals", table="synergies")
            supplies = sorted({r["supply_id"] for r in rows})
            existing: dict[tuple[str, str], dict[str, Any]] = {}
            for start in range(0, len(supplies), 500):
                query = select(*(Synergy.__table__.c[c] for c in SYNERGY_COLUMNS)).where(
                    Synergy.supply_id.in_(supplies[start : start + 500])
                )
                existing.update(
                    {
                        (r.supply_id, r.demand_id): dict(r._mapping)
                        for r in conn.execute(query.with_for_update())
                    }
                )
            new, entries = [], []
            for row in rows:
                old = existing.get((row["supply_id"], row["demand_id"]))
                if old is not None:
                    row = {**row, "synergy_id": old["synergy_id"]}  # the stored id stays
                if old is None:
                    new.append(
                        {
                            **row,
                            "status": "proposed",
                            "stage_reached": "proposed",
                            "created_at": at,
                            "status_changed_at": at,
                        }
                    )
                    entries.append(
                        AuditEntry(
                            "insert",
                            "synergies",
                            row["synergy_id"],
                            None,
                            None,
                            to_json(
                                {
                                    k: row[k]
                                    for k in (
                                        "supply_id",
                                        "demand_id",
                                        "supply_firm_id",
                                        "demand_firm_id",
                                        "flow_per_yr",
                                        "flow_unit",
                                    )
                                }
                                | {"status": "proposed"}
                            ),
                        )
                    )
                    continue
                changed = {k: row[k] for k in _UPDATABLE_ON_RECORD if to_json(row[k]) != to_json(old[k])}
                if old["status"] != "proposed" or not changed:
                    continue
                conn.execute(update(Synergy).where(Synergy.synergy_id == row["synergy_id"]).values(**changed))
                entries.append(
                    AuditEntry(
                        "update",
                        "synergies",
                        row["synergy_id"],
                        None,
                        to_json({k: old[k] for k in changed}),
                        to_json(changed),
                    )
                )
            if new:
                conn.execute(insert(Synergy), new)
            append_audit(conn, actor, entries, at=at)
        logger.info(
            "%s recorded %d new and %d refreshed proposals of %d",
            actor.user_id,
            len(new),
            len(entries) - len(new),
            len(rows),
        )
        return len(entries)

    def transition(
        self,
        actor: Actor,
        synergy_id: str,
        to: str,
        *,
        reason: str | None = None,
        note: str | None = None,
        owner_id: str | None = None,
        next_action_on: dt.date | None = None,
        next_action: str | None = None,
    ) -> None:
        """Move a synergy to status ``to`` (advisors and system only), audited with before/after.

        Raises
        ------
        symbiosis.synergy.status.TransitionError
            The move is not allowed (:func:`~symbiosis.synergy.status.check_transition`).
        NotFound
            No such synergy.
        """
        at = now()
        with self._transaction(actor, "transition", write=True) as conn:
            require(
                actor,
                actor.administers,
                "move a synergy through the pipeline",
                table="synergies",
                keys=[synergy_id],
            )
            old = fetch_synergy(conn, actor, synergy_id, lock=True)
            decisions, periods = gates(conn, synergy_id)
            both = decisions.get("supply") == "accept" and decisions.get("demand") == "accept"
            st.check_transition(
                old["status"], to, reason=reason, note=note, both_accepted=both, verified_periods=periods
            )
            new: dict[str, Any] = {"status": to, "rejection_reason": reason, "status_changed_at": at}
            if to in st.PIPELINE and st.stage_index(to) > st.stage_index(old["stage_reached"]):
                new["stage_reached"] = to
            if to == "qualified" and old["qualified_at"] is None:
                new["qualified_at"] = at
            new.update(follow_up_values(old, actor.user_id, at, owner_id, next_action_on, next_action, note))
            write_change(conn, actor, old, new, at, note)
            append_notifications(conn, _stage_notices(old, to), at=at)
        logger.info("%s moved %s from %s to %s", actor.user_id, synergy_id, old["status"], to)

    def follow_up(
        self,
        actor: Actor,
        synergy_id: str,
        *,
        owner_id: str | None = None,
        next_action_on: dt.date | None = None,
        next_action: str | None = None,
        note: str | None = None,
    ) -> bool:
        """Set the owner, the next action and its date, or add a note, without changing the status.

        Arguments left None are kept. Returns whether anything changed.
        """
        at = now()
        with self._transaction(actor, "follow_up", write=True) as conn:
            require(actor, actor.administers, "follow a synergy up", table="synergies", keys=[synergy_id])
            old = fetch_synergy(conn, actor, synergy_id, lock=True)
            new = follow_up_values(old, actor.user_id, at, owner_id, next_action_on, next_action, note)
            if not new:
                return False
            write_change(conn, actor, old, new, at, note)
        return True

    def set_parameters(self, actor: Actor, synergy_id: str, **parameters: float) -> bool:
        """Replace some ledger parameters of a synergy (agreed price, actual distance…), audited.

        Names are those of :data:`EDITABLE_PARAMETERS`; values are finite numbers ≥ 0. The ledger
        recomputes every figure with them. Returns whether anything changed.

        Raises
        ------
        ValueError
            An unknown parameter or a bad value.
        """
        unknown = set(parameters) - set(EDITABLE_PARAMETERS)
        if unknown:
            raise ValueError(f"unknown parameter(s) {sorted(unknown)}; editable: {EDITABLE_PARAMETERS}")
        values = {k: float(v) for k, v in parameters.items()}
        if not all(0 <= v < float("inf") for v in values.values()):
            raise ValueError("parameters must be finite numbers ≥ 0")
        at = now()
        with self._transaction(actor, "set_parameters", write=True) as conn:
            require(
                actor,
                actor.administers,
                "change a synergy's parameters",
                table="synergies",
                keys=[synergy_id],
            )
            old = fetch_synergy(conn, actor, synergy_id, lock=True)
            estimate = to_json(old["estimate"])
            before = estimate.setdefault("parameters", {})
            changed = {k: v for k, v in values.items() if before.get(k) != v}
            if not changed:
                return False
            entry = AuditEntry(
                "update",
                "synergies",
                synergy_id,
                None,
                {"parameters": {k: before.get(k) for k in changed}},
                {"parameters": changed},
            )
            before.update(changed)
            conn.execute(update(Synergy).where(Synergy.synergy_id == synergy_id).values(estimate=estimate))
            append_audit(conn, actor, [entry], at=at)
        return True

    # -- firm writes ----------------------------------------------------------------------------------

    def consent(
        self,
        actor: Actor,
        synergy_id: str,
        decision: str,
        *,
        reason: str | None = None,
        note: str | None = None,
    ) -> None:
        """Record a firm's acceptance or refusal of a synergy it is a party to (firm actors only).

        A decline needs a reason from :data:`~symbiosis.synergy.status.REASONS`. A decision can be
        changed until both firms have accepted; it is final then (the counterparts are revealed).

        Raises
        ------
        PermissionDenied
            Not a firm actor, or a synergy the firm is not a party to (or not yet qualified).
        symbiosis.synergy.status.TransitionError
            Bad decision or reason, synergy not open to consent, or already accepted by both.
        """
        if decision not in st.DECISIONS:
            raise st.TransitionError(
                f"decision must be one of {st.DECISIONS}, not {decision!r}", code="bad_decision"
            )
        if (decision == "decline") != (reason is not None) or reason not in (None, *st.REASONS):
            raise st.TransitionError(
                f"a decline needs a reason from {st.REASONS}, an acceptance none", code="decline_needs_reason"
            )
        at = now()
        with self._transaction(actor, "consent", write=True) as conn:
            require(actor, actor.role == "firm", "consent for a firm", table="consents", keys=[synergy_id])
            row = fetch_synergy(conn, actor, synergy_id, lock=True)
            decisions, _ = gates(conn, synergy_id)
            if row["status"] not in st.CONSENT_OPEN:
                raise st.TransitionError(
                    f"a {row['status']} synergy is not open to consent",
                    code="not_open_to_consent",
                    status=row["status"],
                )
            if decisions.get("supply") == decisions.get("demand") == "accept":
                raise st.TransitionError(
                    "both firms have accepted: the decision is final", code="decision_final"
                )
            sides = [s for s in st.SIDES if row[f"{s}_firm_id"] == actor.firm_id]
            entries = []
            for side in sides:
                values = {
                    "firm_id": actor.firm_id,
                    "decision": decision,
                    "reason": reason,
                    "note": (note or "").strip() or None,
                    "decided_by": actor.user_id,
                    "decided_at": at,
                }
                before = decisions.get(side)
                if before is None:
                    conn.execute(insert(Consent).values(synergy_id=synergy_id, side=side, **values))
                else:
                    conn.execute(
                        update(Consent)
                        .where(Consent.synergy_id == synergy_id, Consent.side == side)
                        .values(**values)
                    )
                after = {"side": side, "decision": decision, "reason": reason, "note": values["note"]}
                entries.append(
                    AuditEntry(
                        "insert" if before is None else "update",
                        "consents",
                        synergy_id,
                        actor.firm_id,
                        None if before is None else {"decision": before},
                        after,
                    )
                )
            append_audit(conn, actor, entries, at=at)
            append_notifications(conn, _decision_notices(row, sides, decision), at=at)

    def confirm_quantity(
        self, actor: Actor, synergy_id: str, *, period_start: dt.date, period_end: dt.date, quantity: float
    ) -> None:
        """Confirm the actual quantity exchanged over a period, for the actor's side (firm actors only).

        ``quantity`` is in the synergy's canonical unit (``flow_unit`` without ``/yr``). The period is
        verified once the other firm confirms too; the smaller of the two quantities counts.

        Raises
        ------
        PermissionDenied
            Not a firm actor, or not a party to the synergy.
        symbiosis.synergy.status.TransitionError
            The synergy is not implemented, or the period (reversed, not over yet) or the quantity
            (negative, infinite, over a billion) is invalid.
        """
        quantity = float(quantity)
        if not quantity >= 0 or quantity == float("inf"):
            raise st.TransitionError("the quantity must be a finite number ≥ 0", code="bad_quantity")
        if period_end < period_start:
            raise st.TransitionError("the period ends before it starts", code="period_order")
        if period_end > local_today():  # exchanged, not forecast; by the region's day, not the server's
            raise st.TransitionError(
                "the period has not ended yet", code="period_future", end=period_end.isoformat()
            )
        if quantity > MAX_QUANTITY_PER_YR:  # a typo would reach the grant reports as verified tonnes
            raise st.TransitionError("more than any site exchanges", code="implausible_quantity")
        at = now()
        with self._transaction(actor, "confirm_quantity", write=True) as conn:
            require(
                actor,
                actor.role == "firm",
                "confirm quantities for a firm",
                table="verifications",
                keys=[synergy_id],
            )
            row = fetch_synergy(conn, actor, synergy_id, lock=True)
            if row["status"] not in ("implemented", "verified"):
                raise st.TransitionError(
                    f"quantities are confirmed once implemented, not {row['status']}",
                    code="not_implemented",
                    status=row["status"],
                )
            key = (
                Verification.synergy_id == synergy_id,
                Verification.period_start == period_start,
                Verification.period_end == period_end,
            )
            old = conn.execute(
                select(Verification.supplier_quantity, Verification.receiver_quantity).where(*key)
            ).first()
            values: dict[str, Any] = {}
            for side, prefix in (("supply", "supplier"), ("demand", "receiver")):
                if row[f"{side}_firm_id"] == actor.firm_id:
                    values |= {
                        f"{prefix}_quantity": quantity,
                        f"{prefix}_confirmed_by": actor.user_id,
                        f"{prefix}_confirmed_at": at,
                    }
            before = None if old is None else {k: getattr(old, k) for k in values if k.endswith("quantity")}
            if old is None:
                conn.execute(
                    insert(Verification).values(
                        synergy_id=synergy_id,
                        period_start=period_start,
                        period_end=period_end,
                        unit=row["flow_unit"].removesuffix("/yr"),
                        **values,
                    )
                )
            else:
                conn.execute(update(Verification).where(*key).values(**values))
            after = {"period_start": period_start, "period_end": period_end} | {
                k: v for k, v in values.items() if k.endswith("quantity")
            }
            entry = AuditEntry(
                "insert" if old is None else "update",
                "verifications",
                synergy_id,
                actor.firm_id,
                to_json(before),
                to_json(after),
            )
            append_audit(conn, actor, [entry], at=at)

    # -- reads ----------------------------------------------------------------------------------------

    def synergies(
        self,
        actor: Actor,
        *,
        status: str | None = None,
        created_from: dt.datetime | None = None,
        created_to: dt.datetime | None = None,
    ) -> pd.DataFrame:
        """Return every synergy (advisor, program manager, system), newest first.

        Columns: :data:`~symbiosis.synergy.records.SYNERGY_COLUMNS` (``notes`` blanked for a program
        manager). A firm actor is refused: it reads its own, anonymised, with :meth:`firm_proposals`.
        """
        query = select(*(Synergy.__table__.c[c] for c in SYNERGY_COLUMNS)).order_by(  # ids are random:
            Synergy.created_at.desc(), Synergy.supply_id, Synergy.demand_id
        )  # order by the pair
        if status is not None:
            query = query.where(Synergy.status == status)
        if created_from is not None:
            query = query.where(Synergy.created_at >= created_from)
        if created_to is not None:
            query = query.where(Synergy.created_at < created_to)
        with self._transaction(actor, "read_synergies", write=False) as conn:
            require(actor, actor.reads_all, "read every synergy", table="synergies")
            frame = frame_of(conn.execute(query).all(), SYNERGY_COLUMNS)
        if not actor.sees_personal_info:  # free-text notes may name people
            frame["notes"] = None
        return frame

    def consents(self, actor: Actor, synergy_id: str | None = None) -> pd.DataFrame:
        """Return the consents (all for advisors and managers; a firm its own decisions)."""
        query = select(*(Consent.__table__.c[c] for c in CONSENT_COLUMNS)).order_by(
            Consent.synergy_id, Consent.side
        )
        if synergy_id is not None:
            query = query.where(Consent.synergy_id == synergy_id)
        if not actor.reads_all:
            query = query.where(Consent.firm_id == actor.firm_id)
        with self._transaction(actor, "read_consents", write=False) as conn:
            return frame_of(conn.execute(query).all(), CONSENT_COLUMNS)

    def verifications(self, actor: Actor, synergy_id: str | None = None) -> pd.DataFrame:
        """Return the verified periods with ``counted_quantity`` (the smaller side) and ``complete``.

        A firm actor gets those of its own implemented synergies only.
        """
        query = select(*(Verification.__table__.c[c] for c in VERIFICATION_COLUMNS)).order_by(
            Verification.synergy_id, Verification.period_start
        )
        if synergy_id is not None:
            query = query.where(Verification.synergy_id == synergy_id)
        if not actor.reads_all:
            mine = select(Synergy.synergy_id).where(
                (Synergy.supply_firm_id == actor.firm_id) | (Synergy.demand_firm_id == actor.firm_id)
            )
            query = query.where(Verification.synergy_id.in_(mine))
        with self._transaction(actor, "read_verifications", write=False) as conn:
            frame = frame_of(conn.execute(query).all(), VERIFICATION_COLUMNS)
        both = frame[["supplier_quantity", "receiver_quantity"]].apply(pd.to_numeric)
        frame["complete"] = both.notna().all(axis=1)
        frame["counted_quantity"] = both.min(axis=1).where(frame["complete"])
        return frame

    def firm_proposals(
        self, actor: Actor, *, k: int | None = None, categories: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """Return a firm's qualified synergies with the counterpart anonymised (firm actors only).

        ``k``: the smallest number of firms a counterpart's description must fit (default:
        :func:`symbiosis.settings.anonymity_k`, 5). See :func:`symbiosis.services.firm_access.firm_view`.
        """
        with self._transaction(actor, "read_proposals", write=False) as conn:
            require(actor, actor.role == "firm", "read proposals as a firm", table="synergies")
            return firm_view(
                conn, actor.firm_id or "", k=anonymity_k() if k is None else k, categories=categories
            )

    def reveal(self, actor: Actor, synergy_id: str) -> dict[str, Any]:
        """Return the counterpart's name, place, contact and the proposal's exact figures; audited.

        Only for a firm party, once both firms accepted.

        Raises
        ------
        PermissionDenied
            Not a party, or not accepted by both firms.
        """
        with self._transaction(actor, "reveal", write=True) as conn:
            require(actor, actor.role == "firm", "reveal as a firm", table="synergies", keys=[synergy_id])
            row = fetch_synergy(conn, actor, synergy_id)
            decisions, _ = gates(conn, synergy_id)
            require(
                actor,
                decisions.get("supply") == decisions.get("demand") == "accept",
                "reveal a counterpart before both firms accepted",
                table="synergies",
                keys=[synergy_id],
            )
            details = reveal_details(conn, row, actor.firm_id or "")
            entry = AuditEntry(
                "reveal",
                "synergies",
                synergy_id,
                actor.firm_id,
                None,
                {"counterpart_firm_id": details["firm_id"]},
            )
            append_audit(conn, actor, [entry], at=now())
        return details

    def history(self, actor: Actor, synergy_id: str) -> pd.DataFrame:
        """Return the audit entries of one synergy (status, consents, verifications, reveals), newest first.

        Advisors, program managers and the system only.
        """
        query = audit_query().where(AuditLog.row_key == synergy_id, AuditLog.table_name.in_(TABLES))
        with self._transaction(actor, "read_history", write=False) as conn:
            require(actor, actor.reads_all, "read a synergy's history", table="synergies", keys=[synergy_id])
            return read_audit(conn, actor, query)
