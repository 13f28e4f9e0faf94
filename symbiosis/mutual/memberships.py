"""Each firm's part in the levers, as one long table (for reports, the synergy store and the firm pages)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["LEVER_SYNERGY_TYPE", "MEMBERSHIP_COLUMNS", "collection_route_id", "memberships"]

#: The synergy type each lever's proposals are recorded as (``substitution`` is the engine's exchanges).
LEVER_SYNERGY_TYPE: Mapping[str, str] = {
    "purchasing": "group_purchase",
    "sharing": "shared_service",
    "units": "mutualisation",
    "routes": "mutualisation",
}
#: Columns of :func:`memberships` (:meth:`~symbiosis.mutual.result.MutualResult.memberships`).
MEMBERSHIP_COLUMNS: tuple[str, ...] = (
    "lever",
    "synergy_type",
    "item_id",
    "row_id",
    "firm_id",
    "role",
    "partner_firm_id",
    "quantity_per_yr",
    "quantity_unit",
    "distance_km",
    "saving_cad_per_yr",
    "co2e_avoided_t_per_yr",
    "category_id",
)


def collection_route_id(receiver_id: str, truck_class: str) -> str:
    """Id of the shared collection of one truck class to one receiver (all its tours)."""
    return f"CR-{receiver_id}-{truck_class}"


def _frame(lever: str, **columns: object) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    frame.insert(0, "synergy_type", LEVER_SYNERGY_TYPE[lever])
    frame.insert(0, "lever", lever)
    return frame


def _purchasing(members: pd.DataFrame) -> pd.DataFrame:
    return _frame(
        "purchasing",
        item_id=members["group_id"],
        row_id=members["purchase_id"],
        firm_id=members["firm_id"],
        role="member",
        partner_firm_id="",
        quantity_per_yr=members["bought_per_yr"],
        quantity_unit=members["unit"],
        distance_km=members["distance_to_hub_km"],
        saving_cad_per_yr=members["net_saving_cad_per_yr"],
        co2e_avoided_t_per_yr=0.0,
        category_id=members["category_id"],
    )


def _sharing(uses: pd.DataFrame) -> pd.DataFrame:
    users = _frame(
        "sharing",
        item_id=uses["offer_id"],
        row_id=uses["need_id"],
        firm_id=uses["user_firm_id"],
        role="user",
        partner_firm_id=uses["host_firm_id"],
        quantity_per_yr=uses["hours_per_yr"],
        quantity_unit="h",
        distance_km=uses["road_km"],
        saving_cad_per_yr=uses["user_net_saving_cad_per_yr"],
        co2e_avoided_t_per_yr=0.0,
        category_id=uses["asset_type"],
    )
    hosts = _frame(
        "sharing",
        item_id=uses["offer_id"],
        row_id=uses["offer_id"],
        firm_id=uses["host_firm_id"],
        role="host",
        partner_firm_id=uses["user_firm_id"],
        quantity_per_yr=uses["hours_per_yr"],
        quantity_unit="h",
        distance_km=uses["road_km"],
        saving_cad_per_yr=uses["host_gain_cad_per_yr"],
        co2e_avoided_t_per_yr=0.0,
        category_id=uses["asset_type"],
    )
    return pd.concat([users, hosts], ignore_index=True)


def _units(members: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    info = units.set_index("unit_id")
    return _frame(
        "units",
        item_id=members["unit_id"],
        row_id=members["need_id"],
        firm_id=members["firm_id"],
        role="member",
        partner_firm_id="",
        quantity_per_yr=members["quantity_per_yr"],
        quantity_unit=members["unit_id"].map(info["unit"]),
        distance_km=members["road_km"],
        saving_cad_per_yr=members["saving_cad_per_yr"],
        co2e_avoided_t_per_yr=0.0,
        category_id=members["unit_id"].map(info["treatment_type"]),
    )


def _routes(collection: pd.DataFrame) -> pd.DataFrame:
    served = collection[collection["served"].astype(bool)]
    ids = [
        collection_route_id(r, c) for r, c in zip(served["receiver_id"], served["truck_class"], strict=True)
    ]
    one_way = served["separate_km_per_yr"].to_numpy(float) / np.maximum(
        2 * served["pickups_per_yr"].to_numpy(float), 1e-9
    )
    return _frame(
        "routes",
        item_id=ids,
        row_id=served["pickup_id"],
        firm_id=served["firm_id"],
        role="stop",
        partner_firm_id="",
        quantity_per_yr=served["quantity_t_per_yr"],
        quantity_unit="t",
        distance_km=one_way,
        saving_cad_per_yr=served["saving_cad_per_yr"],
        co2e_avoided_t_per_yr=served["co2e_avoided_t_per_yr"],
        category_id=served["residue_id"],
    )


def memberships(result: object) -> pd.DataFrame:
    """One row per firm's part in a lever of ``result`` (a :class:`~symbiosis.mutual.result.MutualResult`)."""
    parts = []
    if len(result.purchase_members):
        parts.append(_purchasing(result.purchase_members))
    if len(result.sharing_uses):
        parts.append(_sharing(result.sharing_uses))
    if len(result.unit_members):
        parts.append(_units(result.unit_members, result.units))
    if len(result.collection):
        parts.append(_routes(result.collection))
    if not parts:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=float if c.endswith(("_per_yr", "_km")) else object)
                for c in MEMBERSHIP_COLUMNS
            }
        )
    frame = pd.concat([p.reset_index(drop=True) for p in parts], ignore_index=True)
    for col in ("quantity_per_yr", "distance_km", "saving_cad_per_yr", "co2e_avoided_t_per_yr"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    return frame[list(MEMBERSHIP_COLUMNS)]
