"""Pure conversions for the synergy store: engine exchanges → synergy rows, rows → frames.

The estimate a synergy keeps (``synergies.estimate``, JSON) has two parts:

``figures``
    The engine's yearly figures at the proposed flow (value, tonnes, CO2e and their parts, the
    factor ids used), frozen when the proposal was recorded.
``parameters``
    What the impact ledger needs to recompute every figure for another quantity or another factor
    table: tonnes and truck trips per unit, yield, road distance, transport mode and prices, the
    disposal cost and purchase price per unit, treatment cost per tonne, revenue per unit.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

__all__ = [
    "CONSENT_COLUMNS",
    "ESTIMATE_FIGURES",
    "SYNERGY_COLUMNS",
    "VERIFICATION_COLUMNS",
    "follow_up_values",
    "frame_of",
    "new_synergy_id",
    "proposal_rows",
]

#: Columns of a synergies frame, in order.
SYNERGY_COLUMNS: tuple[str, ...] = (
    "synergy_id",
    "supply_id",
    "demand_id",
    "supply_firm_id",
    "demand_firm_id",
    "supply_category_id",
    "demand_category_id",
    "kind",
    "flow_per_yr",
    "flow_unit",
    "road_distance_km",
    "estimate",
    "status",
    "stage_reached",
    "rejection_reason",
    "owner_id",
    "created_at",
    "status_changed_at",
    "qualified_at",
    "next_action_on",
    "next_action",
    "notes",
    "synergy_type",
)
CONSENT_COLUMNS: tuple[str, ...] = (
    "synergy_id",
    "side",
    "firm_id",
    "decision",
    "reason",
    "note",
    "decided_by",
    "decided_at",
)
VERIFICATION_COLUMNS: tuple[str, ...] = (
    "verification_id",
    "synergy_id",
    "period_start",
    "period_end",
    "unit",
    "supplier_quantity",
    "supplier_confirmed_by",
    "supplier_confirmed_at",
    "receiver_quantity",
    "receiver_confirmed_by",
    "receiver_confirmed_at",
)
#: Engine figures frozen in ``estimate["figures"]`` (yearly, at the proposed flow).
ESTIMATE_FIGURES: tuple[str, ...] = (
    "flow_per_yr",
    "delivered_per_yr",
    "mass_t_per_yr",
    "diverted_t_per_yr",
    "net_value_cad_per_yr",
    "avoided_disposal_cad_per_yr",
    "avoided_purchase_cad_per_yr",
    "transport_cost_cad_per_yr",
    "pretreatment_cost_cad_per_yr",
    "co2e_avoided_t_per_yr",
    "co2e_disposal_avoided_t_per_yr",
    "co2e_virgin_avoided_t_per_yr",
    "co2e_transport_t_per_yr",
    "t_km_per_yr",
    "trucks_per_yr",
    "distance_km",
    "disposal_factor_id",
    "virgin_factor_id",
    "transport_factor_id",
    "rule_id",
    "pretreatment",
    "gate_fee_cad_per_yr",
    "supply_fate",
    "demand_use",
    "pathway",
    "permit_reference",
)
_TIMESTAMPS = (
    "created_at",
    "status_changed_at",
    "qualified_at",
    "decided_at",
    "supplier_confirmed_at",
    "receiver_confirmed_at",
)
_DATES = ("next_action_on", "period_start", "period_end")


def new_synergy_id() -> str:
    """Return a new random synergy id (``syn-`` + 16 hex digits).

    Random, never derived from the stream ids: an id made from them let a firm recover the
    counterpart's stream id of every proposal by trying the ids it could guess.
    """
    return f"syn-{secrets.token_hex(8)}"


def _clean(value: Any) -> Any:
    """A JSON-ready scalar: NaN and NA become None, numpy numbers become Python numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def _num(row: Mapping[str, Any], name: str, default: float = 0.0) -> float:
    value = pd.to_numeric(row.get(name), errors="coerce")
    return default if value is None or pd.isna(value) else float(value)


def _parameters(row: Mapping[str, Any], transport: Any) -> dict[str, Any]:
    t_unit = _num(row, "t_per_unit")
    yld = _num(row, "yield_ratio", 1.0)
    mode = str(row.get("transport_mode") or "none")
    purchase_unit = _num(row, "avoided_purchase_cad_per_unit")
    return {
        "kind": str(row.get("kind") or "material"),
        "demand_unit": str(row.get("demand_unit") or row.get("quantity_unit") or ""),
        "t_per_unit": t_unit,
        "trips_per_unit": _num(row, "trips_per_unit"),
        "yield_ratio": yld,
        "road_distance_km": _num(row, "road_distance_km"),
        "transport_mode": mode,
        "truck_payload_t": float(getattr(transport, "truck_payload_t", 0.0)),
        "transport_cost_cad_per_t_km": float(getattr(transport, "cost_cad_per_t_km", 0.0)),
        "transport_cost_cad_per_trip": float(getattr(transport, "cost_cad_per_trip", 0.0)),
        "pipe_cost_cad_per_unit": _num(row, "transport_cost_cad_per_unit") if mode == "pipe" else 0.0,
        "disposal_cost_cad_per_unit": _num(row, "avoided_disposal_cad_per_unit"),
        "purchase_price_cad_per_demand_unit": purchase_unit / yld if yld > 0 else 0.0,
        "treatment_cost_cad_per_t": (
            _num(row, "pretreatment_cost_cad_per_unit") / t_unit if t_unit > 0 else 0.0
        ),
        "revenue_cad_per_unit": 0.0,
        # Today's baseline (symbiosis.engine.baselines): what the figures are measured against.
        "current_fate": str(row.get("supply_fate") or ""),
        "current_fate_source": str(row.get("supply_fate_source") or ""),
        # Where the money comes from: a firm's own figure or a default (symbiosis.results), so that
        # a grant report can say which dollars rest on prices no firm gave.
        "disposal_cost_source": str(row.get("supply_fate_cost_source") or ""),
        "purchase_price_source": str(row.get("purchase_price_source") or ""),
        "material_class": str(row.get("material_class") or ""),
        "diverted": bool(_num(row, "diverted_t_per_unit") > 0),
        "demand_use": str(row.get("demand_use") or "virgin_input"),
        "gate_fee_cad_per_demand_unit": _num(row, "gate_fee_cad_per_unit") / yld if yld > 0 else 0.0,
    }


def proposal_rows(exchanges: pd.DataFrame, config: Any = None) -> list[dict[str, Any]]:
    """Turn engine exchanges into synergy rows (without status, dates and owner).

    Parameters
    ----------
    exchanges
        ``MatchResult.exchanges``: ``supply_id, demand_id, supply_firm_id, demand_firm_id``,
        categories, ``kind``, ``flow_per_yr``, ``quantity_unit``, ``road_distance_km`` and the score
        columns.
        A row with a ``synergy_type`` other than ``substitution`` (a mutualisation lever, see
        :func:`symbiosis.mutual.records.mutual_proposals`) keeps its ``mutual_parameters`` dict as
        the estimate's parameters.
    config
        The run's ``MatchConfig`` (its transport prices and payload go into the parameters).

    Returns
    -------
    list of dict
        One row per (supply, demand) pair, with a new random ``synergy_id`` (the store keeps the
        stored id of a pair it already holds); the last of duplicated pairs wins.
    """
    transport = getattr(config, "transport", None)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for row in exchanges.to_dict("records"):
        sid = new_synergy_id()
        figures = {name: _clean(row.get(name)) for name in ESTIMATE_FIGURES}
        synergy_type = str(row.get("synergy_type") or "substitution")
        parameters = (
            _parameters(row, transport)
            if synergy_type == "substitution"
            else {k: _clean(v) for k, v in dict(row.get("mutual_parameters") or {}).items()}
        )
        distance = _clean(row.get("road_distance_km"))
        rows[(str(row["supply_id"]), str(row["demand_id"]))] = {
            "synergy_id": sid,
            "supply_id": str(row["supply_id"]),
            "demand_id": str(row["demand_id"]),
            "supply_firm_id": str(row["supply_firm_id"]),
            "demand_firm_id": str(row["demand_firm_id"]),
            "supply_category_id": str(row.get("supply_category_id") or ""),
            "demand_category_id": str(row.get("demand_category_id") or ""),
            "kind": str(row.get("kind") or "material"),
            "flow_per_yr": _num(row, "flow_per_yr"),
            "flow_unit": str(row.get("quantity_unit") or ""),
            "road_distance_km": distance,
            "estimate": {"figures": figures, "parameters": parameters},
            "synergy_type": synergy_type,
        }
    return list(rows.values())


def frame_of(rows: Sequence[Any], columns: tuple[str, ...]) -> pd.DataFrame:
    """Build a frame from database rows: timestamps as UTC, dates as dates, None kept for text.

    Text columns are plain ``object`` columns whose missing values are ``None`` (pandas 3 would
    otherwise infer its string dtype, where a missing value reads back as NaN: a truthy float that
    turned into ``"nan"`` on screen and into a ``synergy.reason.nan`` message key).
    """
    frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=list(columns))
    for col in columns:
        if col in _TIMESTAMPS:
            frame[col] = pd.to_datetime(frame[col], utc=True)
        elif col in _DATES:
            dates = pd.to_datetime(frame[col]).dt.date
            frame[col] = pd.Series(
                [d if pd.notna(d) else None for d in dates], index=frame.index, dtype=object
            )
        elif frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            values = frame[col].astype(object)
            frame[col] = values.where(values.notna(), None)
    return frame


def follow_up_values(
    old: dict[str, Any],
    user_id: str,
    at: dt.datetime,
    owner_id: str | None,
    next_action_on: dt.date | None,
    next_action: str | None,
    note: str | None,
) -> dict[str, Any]:
    """Return the follow-up columns that change: owner, next action and its date, notes.

    None keeps a value, ``""`` clears it; a note is appended to ``notes`` with its time and author.
    """
    new: dict[str, Any] = {}
    for name, value in (
        ("owner_id", owner_id),
        ("next_action_on", next_action_on),
        ("next_action", next_action),
    ):
        if value is not None and (value or None) != old[name]:
            new[name] = value or None
    if note and note.strip():
        line = f"[{at:%Y-%m-%d %H:%M} UTC, {user_id}] {note.strip()}"
        new["notes"] = f"{old['notes']}\n{line}" if old["notes"] else line
    return new
