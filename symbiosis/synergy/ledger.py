"""The impact ledger: every figure of every synergy, with its method, factors, sources and parameters.

Pure: synergies, verified periods and an emission-factor table in, a long frame out. A synergy's
figures are **estimated** (per year, at the proposed flow, from the engine's parameters) until both
firms confirm an actual quantity for a period; each confirmed period then gives **verified**
figures for that period (the smaller of the two confirmed quantities counts). The formulas are
written in ``docs/impact-method.md``; ``q`` is the quantity in the supply's canonical unit.

======================== ================================================================== ======
indicator                formula                                                            method
======================== ================================================================== ======
tonnes_exchanged         T = q × t_per_unit (materials; 0 otherwise)                        L1
diverted_from_landfill   T when today's fate is landfill or incineration, else 0            L2
co2e_disposal_avoided    T × f_disposal(class, fate) / 1000                                 L3
co2e_virgin_avoided      q × yield × f_virgin / 1000 (virgin inputs only)                   L4
co2e_transport           T × road_km × f_truck / 1000 (truck only)                          L5
co2e_avoided             L3 + L4 − L5                                                       L6
avoided_disposal_cad     q × cost of today's fate per unit (negative: a lost sale)          L7
avoided_purchase_cad     q × yield × purchase price per demand unit (virgin inputs only)    L8
revenue_cad              q × sale price per unit (a transfer between the two firms)         L9
transport_cost_cad       T × road_km × $/t·km + q × trips_per_unit × $/trip; pipe: q × $/u  L10
treatment_cost_cad       T × treatment $/t                                                  L11
net_savings_cad          L7 + L8 − L10 − L11 − L15 (revenue excluded: it nets to zero)      L12
virgin_material_saved    q × yield (materials)                                              L13
water_saved              q × yield (water)                                                  L14
gate_fee_cad             q × yield × gate fee per demand unit (treatment services)          L15
======================== ================================================================== ======

**The baseline.** Every figure is measured against today's situation, recorded with the proposal
(``estimate["parameters"]``): the supply's current fate (``current_fate``: landfill, incineration,
land spreading, sold as a by-product, internal reuse, paid treatment, discharged; declared by the
firm or the category's default, ``current_fate_source``) and material class, and the demand's
current use (``demand_use``: a virgin input it buys, or a treatment service paid a gate fee). Only
a residue kept from landfill or incineration is *diverted* (L2) and earns the disposal factor of
its class and fate (L3: nothing for a by-product already sold, internal reuse, paid treatment or
discharge; land spreading's N2O for organics); a treatment service avoids no purchase (L4 = L8 =
0): it is paid its gate fee (L15), which is the receiver's revenue and the supplier's cost.

Synergies of another type than ``substitution`` (group purchase, shared service, mutualisation)
get their own lines, methods M1–M3 of :mod:`symbiosis.mutual.ledger`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.engine.factors import (
    disposal_factor,
    load_factors,
    lookup_factor,
    validated_factors,
    virgin_factor,
)
from symbiosis.schemas import DIVERTED_FATES

__all__ = [
    "INDICATORS",
    "LEDGER_COLUMNS",
    "Indicator",
    "ledger_factors",
    "ledger_lines",
    "lines_in_period",
    "summarise_ledger",
]

logger = logging.getLogger(__name__)

LEDGER_COLUMNS: tuple[str, ...] = (
    "synergy_id",
    "indicator",
    "value",
    "unit",
    "basis",
    "period_start",
    "period_end",
    "method",
    "formula",
    "factor_ids",
    "sources",
    "parameters",
)


@dataclass(frozen=True)
class Indicator:
    """One ledger indicator: its method id, formula, unit and the parameters and factors it uses."""

    name: str
    method: str
    formula: str
    unit: str
    parameters: tuple[str, ...] = ()
    factors: tuple[str, ...] = ()


INDICATORS: tuple[Indicator, ...] = (
    Indicator("tonnes_exchanged", "L1", "T = q × t_per_unit (materials)", "t", ("quantity", "t_per_unit")),
    Indicator(
        "diverted_from_landfill",
        "L2",
        "T if current_fate is landfill or incineration, else 0",
        "t",
        ("quantity", "t_per_unit", "current_fate", "current_fate_source"),
    ),
    Indicator(
        "co2e_disposal_avoided",
        "L3",
        "T × f_disposal(material_class, current_fate) / 1000",
        "t CO2e",
        ("quantity", "t_per_unit", "material_class", "current_fate"),
        ("disposal",),
    ),
    Indicator(
        "co2e_virgin_avoided",
        "L4",
        "q × yield × f_virgin / 1000 (virgin input; 0 for a service)",
        "t CO2e",
        ("quantity", "yield_ratio", "demand_use"),
        ("virgin",),
    ),
    Indicator(
        "co2e_transport",
        "L5",
        "T × road_km × f_truck / 1000 (truck)",
        "t CO2e",
        ("quantity", "t_per_unit", "road_distance_km", "transport_mode"),
        ("transport",),
    ),
    Indicator(
        "co2e_avoided",
        "L6",
        "L3 + L4 − L5",
        "t CO2e",
        ("quantity", "t_per_unit", "yield_ratio", "road_distance_km", "transport_mode"),
        ("disposal", "virgin", "transport"),
    ),
    Indicator(
        "avoided_disposal_cad",
        "L7",
        "q × disposal_cost_cad_per_unit (cost of today's fate)",
        "CAD",
        ("quantity", "disposal_cost_cad_per_unit", "disposal_cost_source", "current_fate"),
    ),
    Indicator(
        "avoided_purchase_cad",
        "L8",
        "q × yield × purchase_price_cad_per_demand_unit (virgin input)",
        "CAD",
        (
            "quantity",
            "yield_ratio",
            "purchase_price_cad_per_demand_unit",
            "purchase_price_source",
            "demand_use",
        ),
    ),
    Indicator("revenue_cad", "L9", "q × revenue_cad_per_unit", "CAD", ("quantity", "revenue_cad_per_unit")),
    Indicator(
        "transport_cost_cad",
        "L10",
        "truck: T × road_km × cost_cad_per_t_km + q × trips_per_unit × cost_cad_per_trip; "
        "pipe: q × pipe_cost_cad_per_unit",
        "CAD",
        (
            "quantity",
            "t_per_unit",
            "road_distance_km",
            "transport_mode",
            "trips_per_unit",
            "truck_payload_t",
            "transport_cost_cad_per_t_km",
            "transport_cost_cad_per_trip",
            "pipe_cost_cad_per_unit",
        ),
    ),
    Indicator(
        "treatment_cost_cad",
        "L11",
        "T × treatment_cost_cad_per_t",
        "CAD",
        ("quantity", "t_per_unit", "treatment_cost_cad_per_t"),
    ),
    Indicator(
        "net_savings_cad",
        "L12",
        "L7 + L8 − L10 − L11 − L15",
        "CAD",
        (
            "quantity",
            "disposal_cost_cad_per_unit",
            "disposal_cost_source",
            "purchase_price_cad_per_demand_unit",
            "purchase_price_source",
            "gate_fee_cad_per_demand_unit",
        ),
    ),
    Indicator("virgin_material_saved", "L13", "q × yield (materials)", "t", ("quantity", "yield_ratio")),
    Indicator("water_saved", "L14", "q × yield (water)", "m3", ("quantity", "yield_ratio")),
    Indicator(
        "gate_fee_cad",
        "L15",
        "q × yield × gate_fee_cad_per_demand_unit (treatment service)",
        "CAD",
        ("quantity", "yield_ratio", "demand_use", "gate_fee_cad_per_demand_unit"),
    ),
)
_FACTOR_QUANTITY = {"disposal": "disposal_avoided", "virgin": "virgin_avoided", "transport": "transport"}
_DEFAULTS: Mapping[str, Any] = {
    "t_per_unit": 1.0,
    "trips_per_unit": 0.0,
    "yield_ratio": 1.0,
    "road_distance_km": 0.0,
    "transport_mode": "none",
    "truck_payload_t": 0.0,
    "transport_cost_cad_per_t_km": 0.0,
    "transport_cost_cad_per_trip": 0.0,
    "pipe_cost_cad_per_unit": 0.0,
    "disposal_cost_cad_per_unit": 0.0,
    "purchase_price_cad_per_demand_unit": 0.0,
    "treatment_cost_cad_per_t": 0.0,
    "revenue_cad_per_unit": 0.0,
    "gate_fee_cad_per_demand_unit": 0.0,
    "demand_use": "virgin_input",
    "material_class": "",
    "current_fate_source": "",
    "disposal_cost_source": "",
    "purchase_price_source": "",
}


def ledger_factors(factors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return a validated factor table: the shipped Québec defaults, or a frame (e.g. a program's CSV
    read by :func:`symbiosis.services.factor_files.read_factors`).

    Raises
    ------
    symbiosis.engine.factors.FactorError
        The table fails :func:`symbiosis.engine.factors.check_factors` (missing source, bad unit…).
    """
    if factors is None:
        return load_factors()
    checked = validated_factors(factors.astype({"value": str, "year": str}))
    return factors.assign(value=checked["value"], year=checked["year"])


def _factors_of(
    table: pd.DataFrame, synergies: pd.DataFrame, family: pd.Series, params: list[Mapping[str, Any]]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Factor values and ids of every synergy: one vectorised lookup per factor kind.

    The disposal factor follows the supplied category, by material class and today's fate when the
    baseline is recorded; the virgin one the demanded category (a supply>demand pair first; none for
    a treatment service); transport the supplied category. Looking each synergy up one row at a
    time cost 20 of the 21 s of a grant report on the sample region.
    """

    def category(column: str) -> np.ndarray:
        values = synergies[column].astype(object).where(synergies[column].notna(), "")
        return values.astype(str).to_numpy(object)

    supply, demand = category("supply_category_id"), category("demand_category_id")
    kinds = np.array([str(p["kind"]) for p in params], dtype=object)

    def keys(categories: np.ndarray) -> dict[str, np.ndarray]:
        fam = pd.Series(categories, dtype=object).map(family).fillna("").to_numpy(object)
        return {"category_id": categories, "family": fam, "kind": kinds}

    by_supply, by_demand = keys(supply), keys(demand)
    disposal = (
        lookup_factor(table, "disposal_avoided", **by_supply).astype(float),
        lookup_factor(table, "disposal_avoided", **by_supply, column="factor_id").astype(object),
    )
    fate = np.array([str(p.get("current_fate") or "") for p in params], dtype=object)
    known = fate != ""
    if known.any():
        cls = np.array([str(p.get("material_class", "") or "") for p in params], dtype=object)
        sub = {k: v[known] for k, v in by_supply.items()}
        sub |= {"material_class": cls[known], "fate": fate[known]}
        disposal[0][known] = disposal_factor(table, **sub)
        disposal[1][known] = disposal_factor(table, **sub, column="factor_id")
    virgin = (
        np.asarray(virgin_factor(table, supply_category_id=supply, **by_demand), dtype=float),
        np.asarray(
            virgin_factor(table, supply_category_id=supply, **by_demand, column="factor_id"), dtype=object
        ),
    )
    service = np.array([p.get("demand_use") == "treatment_service" for p in params], dtype=bool)
    virgin[0][service], virgin[1][service] = 0.0, ""
    transport = (
        lookup_factor(table, "transport", **by_supply).astype(float),
        lookup_factor(table, "transport", **by_supply, column="factor_id").astype(object),
    )
    return {"disposal": disposal, "virgin": virgin, "transport": transport}


def _values(q: float, p: Mapping[str, Any], f: Mapping[str, float]) -> dict[str, float]:
    """The figures of one synergy for quantity ``q`` (see the module table)."""
    kind = p["kind"]
    tonnes = q * p["t_per_unit"] if kind == "material" else 0.0
    if p.get("current_fate"):  # the baseline: only landfill or incineration is diverted from
        landfilled = tonnes if p["current_fate"] in DIVERTED_FATES else 0.0
        co2_disposal = tonnes * f["disposal"] / 1000.0
    else:  # recorded before fates: a by-product sold today (negative cost) is not diverted
        landfilled = 0.0 if p["disposal_cost_cad_per_unit"] < 0 else tonnes
        co2_disposal = landfilled * f["disposal"] / 1000.0
    service = p.get("demand_use") == "treatment_service"
    truck = p["transport_mode"] == "truck"
    co2_virgin = q * p["yield_ratio"] * f["virgin"] / 1000.0
    co2_transport = tonnes * p["road_distance_km"] * f["transport"] / 1000.0 if truck else 0.0
    disposal = q * p["disposal_cost_cad_per_unit"]
    purchase = 0.0 if service else q * p["yield_ratio"] * p["purchase_price_cad_per_demand_unit"]
    gate_fee = q * p["yield_ratio"] * p["gate_fee_cad_per_demand_unit"] if service else 0.0
    if truck:
        transport = (
            tonnes * p["road_distance_km"] * p["transport_cost_cad_per_t_km"]
            + q * p["trips_per_unit"] * p["transport_cost_cad_per_trip"]
        )
    else:
        transport = q * p["pipe_cost_cad_per_unit"] if p["transport_mode"] == "pipe" else 0.0
    treatment = tonnes * p["treatment_cost_cad_per_t"]
    return {
        "tonnes_exchanged": tonnes,
        "diverted_from_landfill": landfilled,
        "co2e_disposal_avoided": co2_disposal,
        "co2e_virgin_avoided": co2_virgin,
        "co2e_transport": co2_transport,
        "co2e_avoided": co2_disposal + co2_virgin - co2_transport,
        "avoided_disposal_cad": disposal,
        "avoided_purchase_cad": purchase,
        "revenue_cad": q * p["revenue_cad_per_unit"],
        "transport_cost_cad": transport,
        "treatment_cost_cad": treatment,
        "gate_fee_cad": gate_fee,
        "net_savings_cad": disposal + purchase - transport - treatment - gate_fee,
        "virgin_material_saved": q * p["yield_ratio"] if kind == "material" else 0.0,
        "water_saved": q * p["yield_ratio"] if kind == "water" else 0.0,
    }


def _params(row: Mapping[str, Any]) -> dict[str, Any]:
    estimate = row.get("estimate") or {}
    if isinstance(estimate, str):
        estimate = json.loads(estimate)
    params = dict(_DEFAULTS) | {k: v for k, v in (estimate.get("parameters") or {}).items() if v is not None}
    params["kind"] = str(row.get("kind") or params.get("kind") or "material")
    column = row.get("road_distance_km")
    stored = estimate.get("parameters") or {}
    if "road_distance_km" not in stored and column is not None and pd.notna(column):
        params["road_distance_km"] = float(column)
    return params


def ledger_lines(
    synergies: pd.DataFrame,
    verifications: pd.DataFrame | None = None,
    *,
    factors: pd.DataFrame | None = None,
    categories: pd.DataFrame | None = None,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """Compute the impact ledger of synergies, one row per synergy, indicator and basis (and period).

    Parameters
    ----------
    synergies
        Frame of :meth:`SynergyRepository.synergies` (``synergy_id, status, kind, flow_per_yr,
        flow_unit, road_distance_km, supply_category_id, demand_category_id, estimate``). Rejected
        synergies have no impact and are left out.
    verifications
        Frame of :meth:`SynergyRepository.verifications`; complete periods (both quantities) turn a
        synergy's figures from estimated into verified.
    factors
        Emission factors: None for the shipped Québec defaults, or a frame (a program's edited CSV
        read by :func:`symbiosis.services.factor_files.read_factors`); validated by
        :func:`ledger_factors`.
    categories
        Knowledge-base categories (family of each category, for family-level factors); loaded from
        :mod:`symbiosis.kb` when None.
    parameters
        Overrides per synergy id (e.g. ``{"syn-…": {"road_distance_km": 55, "revenue_cad_per_unit": 5}}``).

    Returns
    -------
    pandas.DataFrame
        :data:`LEDGER_COLUMNS`. ``basis`` is ``estimated`` (values per year, unit ``…/yr``, no period)
        or ``verified`` (values for ``period_start``–``period_end``); ``factor_ids`` and ``sources``
        join the factors used with ``|``; ``parameters`` is JSON with the quantity and every
        parameter and factor value the formula used.
    """
    table = ledger_factors(factors)
    if categories is None:
        from symbiosis.kb import load_categories

        categories = load_categories()
    family = categories.drop_duplicates("category_id").set_index("category_id")["family"].astype(str)
    sources = {r.factor_id: f"{r.source} ({r.year})" for r in table.itertuples()}
    periods = _complete_periods(verifications)
    lines: list[dict[str, Any]] = []
    live = synergies[synergies["status"].ne("rejected")] if "status" in synergies else synergies
    records = live.to_dict("records")
    substitution = [str(r.get("synergy_type") or "substitution") == "substitution" for r in records]
    exchanges = [r for r, s in zip(records, substitution, strict=True) if s]
    params = [_params(r) | dict((parameters or {}).get(str(r["synergy_id"]), {})) for r in exchanges]
    found = _factors_of(table, pd.DataFrame(exchanges, columns=live.columns), family, params)
    by_synergy = {sid: part for sid, part in periods.groupby("synergy_id")} if not periods.empty else {}
    n = -1
    for row, is_exchange in zip(records, substitution, strict=True):
        sid = str(row["synergy_id"])
        mine = by_synergy.get(sid, periods.iloc[0:0])
        if not is_exchange:  # a mutualisation lever
            lines += _mutual_lines(row, mine, parameters, sources)
            continue
        n += 1
        p = params[n]
        f = {w: float(found[w][0][n]) for w in found}
        ids = {w: str(found[w][1][n]) for w in found}
        if mine.empty:
            runs = [("estimated", float(row["flow_per_yr"]), None, None)]
        else:
            runs = [
                ("verified", float(v.counted_quantity), v.period_start, v.period_end)
                for v in mine.itertuples()
            ]
        for basis, q, start, end in runs:
            values = _values(q, p, f)
            for ind in INDICATORS:
                used = [ids[w] for w in ind.factors if ids[w]]
                shown = {k: (q if k == "quantity" else p.get(k)) for k in ind.parameters}
                shown |= {f"f_{w}": f[w] for w in ind.factors}
                lines.append(
                    {
                        "synergy_id": sid,
                        "indicator": ind.name,
                        "value": values[ind.name],
                        "unit": ind.unit + ("/yr" if basis == "estimated" else ""),
                        "basis": basis,
                        "period_start": start,
                        "period_end": end,
                        "method": ind.method,
                        "formula": ind.formula,
                        "factor_ids": "|".join(used),
                        "sources": "|".join(sources.get(i, "") for i in used),
                        "parameters": json.dumps(
                            shown | {"quantity_unit": str(row.get("flow_unit", ""))},
                            ensure_ascii=False,
                            default=str,
                        ),
                    }
                )
    logger.info("ledger: %d lines for %d synergies", len(lines), len(synergies))
    return pd.DataFrame(lines, columns=list(LEDGER_COLUMNS))


def _mutual_lines(
    row: Mapping[str, Any],
    periods: pd.DataFrame,
    overrides: Mapping[str, Any] | None,
    sources: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Lines of a group purchase, shared service or mutualisation (methods M1–M3 of
    :mod:`symbiosis.mutual.ledger`)."""
    from symbiosis.mutual.ledger import mutual_ledger_lines

    estimate = row.get("estimate") or {}
    if isinstance(estimate, str):
        estimate = json.loads(estimate)
    params = dict(estimate.get("parameters") or {}) | dict((overrides or {}).get(str(row["synergy_id"]), {}))
    return mutual_ledger_lines(row, periods, params, sources)


def _complete_periods(verifications: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["synergy_id", "period_start", "period_end", "counted_quantity"]
    if verifications is None or verifications.empty:
        return pd.DataFrame(columns=cols)
    both = verifications[["supplier_quantity", "receiver_quantity"]].apply(pd.to_numeric)
    done = verifications[both.notna().all(axis=1)].copy()
    done["counted_quantity"] = both.loc[done.index].min(axis=1)
    return done[cols]


def lines_in_period(lines: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Keep the estimated lines and the verified lines of periods lying within ``[start, end]``.

    A verified period that only overlaps the window is left out (it is not prorated): confirm
    quantities by the reporting periods of the program.
    """
    begins = pd.to_datetime(lines["period_start"], errors="coerce")
    ends = pd.to_datetime(lines["period_end"], errors="coerce")
    inside = (begins >= pd.Timestamp(start)) & (ends <= pd.Timestamp(end))
    return lines[(lines["basis"] == "estimated") | inside]


def summarise_ledger(lines: pd.DataFrame) -> pd.DataFrame:
    """Sum the ledger by indicator and basis (estimated per year, verified over the periods given).

    Returns
    -------
    pandas.DataFrame
        ``indicator, basis, unit, value, n_synergies``.
    """
    if lines.empty:
        return pd.DataFrame(columns=["indicator", "basis", "unit", "value", "n_synergies"])
    order = {ind.name: i for i, ind in enumerate(INDICATORS)}
    out = lines.groupby(["indicator", "basis", "unit"], as_index=False).agg(
        value=("value", "sum"), n_synergies=("synergy_id", "nunique")
    )
    return out.sort_values(
        ["basis", "indicator"], key=lambda s: s.map(order) if s.name == "indicator" else s, ignore_index=True
    )
