"""The levers' proposals as synergy rows of their own type, for the synergy pipeline and its ledger.

One row per firm's part (:meth:`~symbiosis.mutual.MutualResult.memberships`):

=================  ===============  ============  ==================  =================  ==========
lever              synergy_type     supply_id     demand_id           firms              kind
=================  ===============  ============  ==================  =================  ==========
group purchasing   group_purchase   purchase id   group id (``GA-``)  the member, twice  service
shared equipment   shared_service   offer id      need id             host → user        capacity
shared unit        mutualisation    need id       unit id (``UC-``)   the member, twice  service
collection route   mutualisation    pickup id     route id (``CR-``)  the member, twice  logistics
=================  ===============  ============  ==================  =================  ==========

A member's row names its own firm on both sides: the firm consents to its part, and the others
are revealed to it once every member of the item has consented
(:func:`symbiosis.services.mutual_consent.item_consents`). The estimate keeps ``mutual_parameters`` so the
impact ledger can recompute the figures for a verified quantity: the saving and CO2e avoided per
unit of the member's quantity (:mod:`symbiosis.mutual.ledger`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from symbiosis.mutual.result import MutualResult

__all__ = ["LEVER_KIND", "mutual_proposals", "record_mutual_proposals"]

#: Resource kind recorded for each lever's synergies.
LEVER_KIND = {"purchasing": "service", "sharing": "capacity", "units": "service", "routes": "logistics"}
_RULES = {
    "purchasing": "tier price for all; coordination cost pro rata of the gross savings",
    "sharing": "operating cost per hour of use; fixed cost pro rata of the hours (host included)",
    "units": "capital and fixed costs pro rata of the quantities; own variable cost and haulage",
    "routes": "tour cost, km and CO2e pro rata of each stop's separate pickup",
}


def _per_unit(value: float, quantity: float) -> float:
    return float(value) / float(quantity) if quantity > 0 else 0.0


def _sharing_rows(result: MutualResult) -> list[dict]:
    rows = []
    for use in result.sharing_uses.to_dict("records"):
        saving = float(use["user_net_saving_cad_per_yr"]) + float(use["host_gain_cad_per_yr"])
        hours = float(use["hours_per_yr"])
        rows.append(
            {
                "supply_id": use["offer_id"],
                "demand_id": use["need_id"],
                "supply_firm_id": use["host_firm_id"],
                "demand_firm_id": use["user_firm_id"],
                "category_id": use["asset_type"],
                "lever": "sharing",
                "item_id": use["offer_id"],
                "role": "host_user",
                "flow_per_yr": hours,
                "quantity_unit": "h/yr",
                "road_distance_km": float(use["road_km"]),
                "net_value_cad_per_yr": saving,
                "co2e_avoided_t_per_yr": 0.0,
                "km_avoided_per_yr": 0.0,
            }
        )
    return rows


def _member_rows(result: MutualResult) -> list[dict]:
    members = result.memberships()
    members = members[members["lever"] != "sharing"]
    km = {}
    if len(result.collection):
        figures = result.collection.set_index("pickup_id")
        km = (figures["separate_km_per_yr"] - figures["shared_km_per_yr"]).to_dict()
    rows = []
    for m in members.to_dict("records"):
        unit = str(m["quantity_unit"])
        rows.append(
            {
                "supply_id": m["row_id"],
                "demand_id": m["item_id"],
                "supply_firm_id": m["firm_id"],
                "demand_firm_id": m["firm_id"],
                "category_id": m["category_id"],
                "lever": m["lever"],
                "item_id": m["item_id"],
                "role": m["role"],
                "flow_per_yr": float(m["quantity_per_yr"]),
                "quantity_unit": unit if unit.endswith("/yr") else f"{unit}/yr",
                "road_distance_km": float(m["distance_km"]) if np.isfinite(m["distance_km"]) else None,
                "net_value_cad_per_yr": float(m["saving_cad_per_yr"]),
                "co2e_avoided_t_per_yr": float(m["co2e_avoided_t_per_yr"]),
                "km_avoided_per_yr": float(km.get(m["row_id"], 0.0)) if m["lever"] == "routes" else 0.0,
            }
        )
    return rows


def mutual_proposals(result: MutualResult) -> pd.DataFrame:
    """The levers' proposals as an exchanges-like frame for
    :meth:`symbiosis.services.synergy_store.SynergyRepository.record_proposals` (see the module table).

    Columns: ``supply_id, demand_id, supply_firm_id, demand_firm_id, supply_category_id,
    demand_category_id, kind, flow_per_yr, quantity_unit, road_distance_km, distance_km,
    net_value_cad_per_yr, co2e_avoided_t_per_yr, synergy_type, mutual_parameters``.
    """
    from symbiosis.mutual.memberships import LEVER_SYNERGY_TYPE

    rows = _member_rows(result) + _sharing_rows(result)
    out = []
    for r in rows:
        q = r["flow_per_yr"]
        parameters = {
            "lever": r["lever"],
            "item_id": r["item_id"],
            "role": r["role"],
            "kind": LEVER_KIND[r["lever"]],
            "quantity_unit": r["quantity_unit"],
            "rule": _RULES[r["lever"]],
            "saving_cad_per_unit": _per_unit(r["net_value_cad_per_yr"], q),
            "co2e_avoided_t_per_unit": _per_unit(r["co2e_avoided_t_per_yr"], q),
            "km_avoided_per_unit": _per_unit(r["km_avoided_per_yr"], q),
        }
        out.append(
            {
                "supply_id": str(r["supply_id"]),
                "demand_id": str(r["demand_id"]),
                "supply_firm_id": str(r["supply_firm_id"]),
                "demand_firm_id": str(r["demand_firm_id"]),
                "supply_category_id": str(r["category_id"]),
                "demand_category_id": str(r["category_id"]),
                "kind": LEVER_KIND[r["lever"]],
                "flow_per_yr": q,
                "quantity_unit": r["quantity_unit"],
                "road_distance_km": r["road_distance_km"],
                "distance_km": r["road_distance_km"],
                "net_value_cad_per_yr": r["net_value_cad_per_yr"],
                "co2e_avoided_t_per_yr": r["co2e_avoided_t_per_yr"],
                "synergy_type": LEVER_SYNERGY_TYPE[r["lever"]],
                "mutual_parameters": parameters,
            }
        )
    columns = [
        "supply_id",
        "demand_id",
        "supply_firm_id",
        "demand_firm_id",
        "supply_category_id",
        "demand_category_id",
        "kind",
        "flow_per_yr",
        "quantity_unit",
        "road_distance_km",
        "distance_km",
        "net_value_cad_per_yr",
        "co2e_avoided_t_per_yr",
        "synergy_type",
        "mutual_parameters",
    ]
    return pd.DataFrame(out, columns=columns)


def record_mutual_proposals(store: object, actor: object, result: MutualResult) -> int:
    """Record the levers' proposals as ``proposed`` synergies (an advisor's action, audited by the store).

    Returns the number of synergies inserted or refreshed.
    """
    return store.record_proposals(actor, mutual_proposals(result))  # type: ignore[attr-defined]
