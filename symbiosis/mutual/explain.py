"""One paragraph per proposed mutualisation (group, shared use, unit, collection route), in French or English.

Every paragraph says who takes part, what is shared, the figures and the rule that shares the costs;
``names`` maps firm ids to what the reader may see (names for an advisor, anonymous labels for a firm).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from symbiosis.i18n import t
from symbiosis.mutual.memberships import collection_route_id
from symbiosis.mutual.purchase_explain import explain_group
from symbiosis.mutual.reference import load_asset_types, load_residues, load_treatment_types
from symbiosis.mutual.result import MutualResult
from symbiosis.mutual.sharing_check import explain_use, use_slots_text
from symbiosis.mutual.text import inline_label, money, number, size_text
from symbiosis.units.words import unit_label

__all__ = ["explain_route", "explain_unit", "explanations"]


def _who(firm_ids, names: Mapping[str, str]) -> str:
    return ", ".join(names.get(f, f) for f in dict.fromkeys(firm_ids))


def _payback(years: float, lang: str) -> str:
    if not math.isfinite(years) or years <= 0:
        return t("mutual.payback.never", lang)
    return t("mutual.payback.years", lang, years=number(years, lang, 1))


def explain_unit(
    unit: Mapping, members: pd.DataFrame, lang: str = "fr", *, names: Mapping[str, str] | None = None
) -> str:
    """A paragraph on one shared treatment unit: members, size, site and why, investment and payback, rule."""
    names = names or {}
    types = load_treatment_types().set_index("treatment_type")[f"label_{lang}"]
    label = types.get(unit["treatment_type"], unit["treatment_type"])
    site = (
        names.get(unit["site_id"], unit["site_name"]) if unit["site_kind"] == "member" else unit["site_name"]
    )
    return t(
        "mutual.units.explain",
        lang,
        treatment=label,
        size=size_text(unit["size_id"], lang),
        capacity=number(unit["capacity_per_yr"], lang),
        unit=unit_label(unit["unit"], lang),
        n=int(unit["n_members"]),
        who=_who(members["firm_id"], names),
        quantity=number(unit["quantity_per_yr"], lang),
        site=site,
        t_km=number(unit["transport_t_km_per_yr"], lang),
        investment=number(unit["investment_cad"], lang),
        capital=money(unit["annualised_capital_cad_per_yr"], lang),
        fixed=money(unit["fixed_cost_cad_per_yr"], lang),
        variable=money(unit["variable_cost_cad_per_yr"], lang),
        haulage=money(unit["haulage_cost_cad_per_yr"], lang),
        current=money(unit["current_cost_cad_per_yr"], lang),
        saving=money(unit["saving_cad_per_yr"], lang),
        payback=_payback(float(unit["payback_yr"]), lang),
    )


def explain_route(
    route_id: str,
    collection: pd.DataFrame,
    tours: pd.DataFrame,
    days: pd.DataFrame,
    lang: str = "fr",
    *,
    names: Mapping[str, str] | None = None,
    receiver_names: Mapping[str, str] | None = None,
) -> str:
    """A paragraph on one shared collection (a receiver and truck class): stops, tours, km, rule, saving."""
    names, receiver_names = names or {}, receiver_names or {}
    ids = [
        collection_route_id(r, c)
        for r, c in zip(collection["receiver_id"], collection["truck_class"], strict=True)
    ]
    mine = collection[
        (pd.Series(ids, index=collection.index) == route_id) & collection["served"].astype(bool)
    ]
    receiver, truck_class = mine["receiver_id"].iloc[0], mine["truck_class"].iloc[0]
    its_tours = tours[(tours["receiver_id"] == receiver) & (tours["truck_class"] == truck_class)]
    its_days = days[(days["receiver_id"] == receiver) & (days["truck_class"] == truck_class)]
    labels = load_residues().set_index("residue_id")[f"label_{lang}"]
    residues = ", ".join(labels.get(r, r) for r in dict.fromkeys(mine["residue_id"]))
    return t(
        "mutual.routes.explain",
        lang,
        residue=residues,
        receiver=receiver_names.get(receiver, receiver),
        n=len(mine),
        who=_who(mine["firm_id"], names),
        tours=len(its_tours),
        km=number(13.0 * float(its_tours["km"].sum()), lang),
        separate_km=number(float(mine["separate_km_per_yr"].sum()), lang),
        nn_km=number(13.0 * float(its_days["nearest_neighbour_km"].sum()), lang),
        saving=money(float(mine["saving_cad_per_yr"].sum()), lang),
        co2e=number(float(mine["co2e_avoided_t_per_yr"].sum()), lang),
    )


def explanations(
    result: MutualResult,
    lang: str = "fr",
    *,
    names: Mapping[str, str] | None = None,
    receiver_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """``lever, item_id, explanation``: one paragraph per group, shared use (keyed by the need), unit and
    collection route."""
    names = names or {}
    rows = []
    members = result.purchase_members
    for group in result.purchase_groups.to_dict("records"):
        part = members[members["group_id"] == group["group_id"]]
        rows.append(("purchasing", group["group_id"], explain_group(group, part, lang, names=names)))
    assets = load_asset_types().set_index("asset_type")[f"label_{lang}"]
    for use in result.sharing_uses.to_dict("records"):
        use["slots"] = use_slots_text(result.sharing_timetable, use["need_id"], lang)  # the reader's words
        text = explain_use(
            pd.Series(use),
            lang,
            names=dict(names),
            asset_label=inline_label(str(assets.get(use["asset_type"], use["asset_type"]))),
        )
        rows.append(("sharing", use["need_id"], text))
    for unit in result.units.to_dict("records"):
        part = result.unit_members[result.unit_members["unit_id"] == unit["unit_id"]]
        rows.append(("units", unit["unit_id"], explain_unit(unit, part, lang, names=names)))
    collection = result.collection
    if len(collection):
        served = collection[collection["served"].astype(bool)]
        for route_id in dict.fromkeys(
            collection_route_id(r, c)
            for r, c in zip(served["receiver_id"], served["truck_class"], strict=True)
        ):
            rows.append(
                (
                    "routes",
                    route_id,
                    explain_route(
                        route_id,
                        collection,
                        result.tours,
                        result.collection_days,
                        lang,
                        names=names,
                        receiver_names=receiver_names,
                    ),
                )
            )
    return pd.DataFrame(rows, columns=["lever", "item_id", "explanation"])
