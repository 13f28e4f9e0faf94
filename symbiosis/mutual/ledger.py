"""Impact-ledger lines of the mutualisation synergies (group purchase, shared service, mutualisation).

Their figures are not those of a residue replacing a virgin input (methods L1–L14 of
:mod:`symbiosis.synergy.ledger`): a member's part saves money per unit of its own quantity ``q``
(units bought, hours used, units treated, tonnes collected), and a shared collection avoids truck
km. The parameters frozen at proposal time (:mod:`symbiosis.mutual.records`) give them per unit, so
a verified quantity rescales them:

========================  ==========================================  ======
indicator                 formula                                     method
========================  ==========================================  ======
net_savings_cad           q × saving_cad_per_unit                     M1
co2e_avoided              q × co2e_avoided_t_per_unit (tours only)    M2
truck_km_avoided          q × km_avoided_per_unit (tours only)        M3
========================  ==========================================  ======

The saving per unit already nets the lever's cost-sharing rule (stated in ``parameters.rule``);
the tours' CO2e uses 0.9 kg CO2e per truck-km (UK DESNZ/DEFRA 2023, HGV all diesel, the figure of
the factor ``avoided_dedicated_trip``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["MUTUAL_INDICATORS", "mutual_ledger_lines"]

#: (indicator, method, formula, unit, parameter)
MUTUAL_INDICATORS: tuple[tuple[str, str, str, str, str], ...] = (
    ("net_savings_cad", "M1", "q × saving_cad_per_unit", "CAD", "saving_cad_per_unit"),
    ("co2e_avoided", "M2", "q × co2e_avoided_t_per_unit", "t CO2e", "co2e_avoided_t_per_unit"),
    ("truck_km_avoided", "M3", "q × km_avoided_per_unit", "km", "km_avoided_per_unit"),
)
_TRUCK_FACTOR = "avoided_dedicated_trip"


def mutual_ledger_lines(
    row: Mapping[str, Any], periods: pd.DataFrame, parameters: Mapping[str, Any], sources: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The ledger lines of one mutualisation synergy (estimated per year, or one set per verified period).

    Parameters
    ----------
    row
        The synergy (``synergy_id, flow_per_yr, flow_unit``).
    periods
        Its complete verified periods (``period_start, period_end, counted_quantity``).
    parameters
        Its estimate's parameters (with any overrides).
    sources
        Factor id -> "source (year)" of the ledger's factor table.
    """
    runs = (
        [("estimated", float(row["flow_per_yr"]), None, None)]
        if periods.empty
        else [
            ("verified", float(p.counted_quantity), p.period_start, p.period_end)
            for p in periods.itertuples()
        ]
    )
    tours = parameters.get("lever") == "routes"
    lines = []
    for basis, q, start, end in runs:
        for name, method, formula, unit, key in MUTUAL_INDICATORS:
            value = q * float(parameters.get(key) or 0.0)
            used = [_TRUCK_FACTOR] if tours and name == "co2e_avoided" else []
            shown = {
                "quantity": q,
                key: parameters.get(key),
                "lever": parameters.get("lever"),
                "rule": parameters.get("rule"),
                "quantity_unit": str(row.get("flow_unit", "")),
            }
            lines.append(
                {
                    "synergy_id": str(row["synergy_id"]),
                    "indicator": name,
                    "value": value,
                    "unit": unit + ("/yr" if basis == "estimated" else ""),
                    "basis": basis,
                    "period_start": start,
                    "period_end": end,
                    "method": method,
                    "formula": formula,
                    "factor_ids": "|".join(used),
                    "sources": "|".join(sources.get(i, "") for i in used),
                    "parameters": json.dumps(shown, ensure_ascii=False, default=str),
                }
            )
    return lines
