"""What a firm may read about its synergies: the anonymised list, and the reveal after mutual consent.

Called by :class:`~symbiosis.services.synergy_store.SynergyRepository` inside its transaction, after the
actor's role is checked; the k-anonymity of :mod:`symbiosis.synergy.anonymise` reads every firm's
sector and location, but only its k-anonymous description leaves this module before both accept.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection

from symbiosis.db.models import Firm, Stream
from symbiosis.db.models_synergy import Consent, Synergy
from symbiosis.synergy.anonymise import build_directory, describe_counterparts

__all__ = ["FIRM_VIEW_COLUMNS", "firm_view", "reveal_details"]

#: Columns of :func:`firm_view`.
FIRM_VIEW_COLUMNS: tuple[str, ...] = (
    "synergy_id",
    "my_side",
    "my_stream_id",
    "my_category_id",
    "counterpart_category",
    "counterpart_category_level",
    "counterpart_sector",
    "area_level",
    "area",
    "distance_band",
    "quantity_band",
    "flow_unit",
    "status",
    "my_decision",
    "my_reason",
    "revealed",
    "status_changed_at",
    "their_decision",
    "my_saving_cad_per_yr",
    "tonnes_t_per_yr",
    "co2e_avoided_t_per_yr",
)
#: Significant digits of the figures a firm sees before the reveal (an order of magnitude, so that
#: an exact tonnage never tells the counterpart's declared quantity).
FIGURE_DIGITS = 2
_OTHER = {"supply": "demand", "demand": "supply"}
#: Synergy types with one counterpart; a firm's parts in groups, units and collections are listed by
#: :func:`symbiosis.services.mutual_consent.firm_items` (their members are revealed together).
_BILATERAL = ("substitution", "shared_service")


def _rounded(values: pd.Series, digits: int = FIGURE_DIGITS) -> np.ndarray:
    """Round to ``digits`` significant digits (NaN stays NaN, 0 stays 0)."""
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(np.isfinite(x) & (x != 0), 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(x)))), 1.0)
    return np.round(x * scale) / scale


def _figures(
    syn: pd.DataFrame, is_supplier: np.ndarray, is_receiver: np.ndarray, categories: pd.DataFrame | None
) -> pd.DataFrame:
    """The firm's own estimated saving (avoided disposal if it supplies, avoided purchases if it
    receives, the net savings of an internal exchange), tonnes and GHG avoided, from the impact
    ledger (the same figures as the reports), rounded to :data:`FIGURE_DIGITS` significant digits."""
    from symbiosis.synergy.ledger import ledger_lines

    lines = ledger_lines(syn.assign(status="proposed"), categories=categories)
    lines = lines[lines["basis"].eq("estimated")]
    wide = lines.pivot_table(index="synergy_id", columns="indicator", values="value", aggfunc="sum")
    wide = wide.reindex(syn["synergy_id"].to_numpy())

    def col(name: str) -> np.ndarray:
        return wide[name].to_numpy(float) if name in wide else np.full(len(syn), np.nan)

    own = np.where(is_supplier, col("avoided_disposal_cad"), col("avoided_purchase_cad"))
    saving = np.where(is_supplier & is_receiver, col("net_savings_cad"), own)
    tonnes = np.where(syn["kind"].astype(str).eq("material").to_numpy(), col("tonnes_exchanged"), np.nan)
    return pd.DataFrame(
        {
            "my_saving_cad_per_yr": _rounded(pd.Series(saving)),
            "tonnes_t_per_yr": _rounded(pd.Series(tonnes)),
            "co2e_avoided_t_per_yr": _rounded(pd.Series(col("co2e_avoided"))),
        },
        index=syn.index,
    )


def firm_view(conn: Connection, firm_id: str, *, k: int, categories: pd.DataFrame | None) -> pd.DataFrame:
    """Return a firm's qualified synergies, each counterpart described so that at least ``k`` firms fit.

    Returns
    -------
    pandas.DataFrame
        :data:`FIRM_VIEW_COLUMNS`; ``my_side`` is ``supply``, ``demand`` or ``both`` (an internal
        exchange); ``revealed`` is True once both firms accepted (then :func:`reveal_details`).
    """
    mine = (Synergy.supply_firm_id == firm_id) | (Synergy.demand_firm_id == firm_id)
    syn = pd.DataFrame(
        [
            dict(r._mapping)
            for r in conn.execute(
                select(
                    Synergy.synergy_id,
                    Synergy.supply_id,
                    Synergy.demand_id,
                    Synergy.supply_firm_id,
                    Synergy.demand_firm_id,
                    Synergy.supply_category_id,
                    Synergy.demand_category_id,
                    Synergy.flow_per_yr,
                    Synergy.flow_unit,
                    Synergy.road_distance_km,
                    Synergy.status,
                    Synergy.status_changed_at,
                    Synergy.estimate,
                    Synergy.kind,
                    Synergy.synergy_type,
                )
                .where(mine, Synergy.qualified_at.is_not(None), Synergy.synergy_type.in_(_BILATERAL))
                .order_by(Synergy.status_changed_at.desc())
            )
        ]
    )
    if syn.empty:
        return pd.DataFrame(columns=list(FIRM_VIEW_COLUMNS))
    firms = pd.DataFrame(
        conn.execute(select(Firm.firm_id, Firm.scian_code, Firm.municipality, Firm.lat, Firm.lon)).all(),
        columns=["firm_id", "scian_code", "municipality", "lat", "lon"],
    )
    consents = pd.DataFrame(
        conn.execute(
            select(Consent.synergy_id, Consent.side, Consent.firm_id, Consent.decision, Consent.reason).where(
                Consent.synergy_id.in_(syn["synergy_id"].tolist())
            )
        ).all(),
        columns=["synergy_id", "side", "firm_id", "decision", "reason"],
    )
    is_supplier = (syn["supply_firm_id"] == firm_id).to_numpy()
    is_receiver = (syn["demand_firm_id"] == firm_id).to_numpy()
    my_side = np.where(is_supplier & is_receiver, "both", np.where(is_supplier, "supply", "demand"))
    counterpart = pd.DataFrame(
        {
            "counterpart_firm_id": np.where(is_supplier, syn["demand_firm_id"], syn["supply_firm_id"]),
            "counterpart_category_id": np.where(
                is_supplier, syn["demand_category_id"], syn["supply_category_id"]
            ),
            "counterpart_direction": np.where(is_supplier, "demand", "supply"),
            "road_distance_km": syn["road_distance_km"],
            "flow_per_yr": syn["flow_per_yr"],
        }
    )
    shown = describe_counterparts(firm_id, counterpart, build_directory(firms, categories=categories), k=k)
    decided = consents.set_index(["synergy_id", "side"])
    own = [
        (sid, "supply" if s in ("supply", "both") else "demand")
        for sid, s in zip(syn["synergy_id"], my_side, strict=True)
    ]
    accepted = consents[consents["decision"] == "accept"].groupby("synergy_id").size()
    theirs = [(sid, "demand" if s == "supply" else "supply") for sid, s in own]
    figures = _figures(syn, is_supplier, is_receiver, categories)
    return pd.DataFrame(
        {
            "synergy_id": syn["synergy_id"],
            "my_side": my_side,
            "my_stream_id": np.where(is_supplier, syn["supply_id"], syn["demand_id"]),
            "my_category_id": np.where(is_supplier, syn["supply_category_id"], syn["demand_category_id"]),
            "counterpart_category": shown["counterpart_category"],
            "counterpart_category_level": shown["counterpart_category_level"],
            "counterpart_sector": shown["counterpart_sector"],
            "area_level": shown["area_level"],
            "area": shown["area"],
            "distance_band": shown["distance_band"],
            "quantity_band": shown["quantity_band"],
            "flow_unit": syn["flow_unit"],
            "status": syn["status"],
            "my_decision": [decided["decision"].get(key, "") for key in own],
            "my_reason": [decided["reason"].get(key, "") or "" for key in own],
            "revealed": syn["synergy_id"].map(accepted).fillna(0).to_numpy() >= 2,
            "status_changed_at": pd.to_datetime(syn["status_changed_at"], utc=True),
            "their_decision": [decided["decision"].get(key, "") for key in theirs],
            **{name: figures[name].to_numpy() for name in figures.columns},
        }
    )[list(FIRM_VIEW_COLUMNS)]


def reveal_details(conn: Connection, row: dict[str, Any], firm_id: str) -> dict[str, Any]:
    """Return the counterpart of ``firm_id`` in synergy ``row``: firm, contact, stream and exact figures."""
    side = "demand" if row["supply_firm_id"] == firm_id else "supply"
    firm = conn.execute(
        select(
            Firm.firm_id,
            Firm.name,
            Firm.municipality,
            Firm.park_id,
            Firm.contact_name,
            Firm.contact_email,
            Firm.contact_phone,
        ).where(Firm.firm_id == row[f"{side}_firm_id"])
    ).one()
    stream = conn.execute(
        select(
            Stream.stream_id,
            Stream.category_id,
            Stream.description,
            Stream.quantity_per_yr,
            Stream.quantity_unit,
        ).where(Stream.stream_id == row[f"{side}_id"])
    ).first()
    figures = (row.get("estimate") or {}).get("figures", {})
    out = {k: ("" if v is None else v) for k, v in dict(firm._mapping).items()}
    out.update(
        side=side,
        stream_id=row[f"{side}_id"],
        flow_per_yr=row["flow_per_yr"],
        flow_unit=row["flow_unit"],
        road_distance_km=row["road_distance_km"],
        co2e_avoided_t_per_yr=figures.get("co2e_avoided_t_per_yr"),
        net_value_cad_per_yr=figures.get("net_value_cad_per_yr"),
    )
    if stream is not None:
        out.update(
            category_id=stream.category_id,
            description=stream.description or "",
            quantity_per_yr=stream.quantity_per_yr,
            quantity_unit=stream.quantity_unit,
        )
    return out
