"""What the scenario panel does: turn the advisor's settings into a config and compare two runs.

A hypothetical receiver is added to an in-memory copy of the registry (one firm and one demand
stream); nothing here writes to the database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from symbiosis.engine.config import MatchConfig
from symbiosis.i18n import t
from symbiosis.registry import Registry
from symbiosis.results import KPI_LABELS, Kpis
from symbiosis.schemas import ALL_MONTHS, CANONICAL_UNIT, FIRMS, STREAMS
from symbiosis.views.map import fmt
from symbiosis.views.typed import read_setting

__all__ = [
    "HYPOTHETICAL_FIRM_ID",
    "HypotheticalReceiver",
    "ScenarioInputs",
    "baseline_settings",
    "config_key",
    "exchange_changes",
    "kpi_deltas",
    "read_setting",
    "registry_key",
    "scenario_config",
    "with_hypothetical_receiver",
]

HYPOTHETICAL_FIRM_ID = "HYPOTHETIQUE-1"
_HYPOTHETICAL_STREAM_ID = "HYPOTHETIQUE-1-D"


@dataclass(frozen=True)
class HypotheticalReceiver:
    """A demand the advisor imagines: a category, a park and a yearly quantity (canonical unit)."""

    category_id: str
    park_id: str
    quantity_per_yr: float


def baseline_settings(config: MatchConfig) -> dict[str, Any]:
    """The settings of the scenario panel as they are in ``config``: the one map panel ↔ config.

    :class:`ScenarioInputs` takes its defaults from ``baseline_settings(MatchConfig())``, so the
    panel never re-declares a default of :class:`~symbiosis.engine.config.MatchConfig`.
    """
    weights = config.weights
    return {
        "weight_value": weights.value,
        "weight_co2": weights.co2,
        "weight_tonnes": weights.tonnes,
        "radius_km": config.radius_km,
        "tipping_fee_cad_per_t": config.default_tipping_fee_cad_per_t,
        "carbon_price_cad_per_t_co2e": weights.carbon_price_cad_per_t_co2e,
        "side_constraints": config.side.enabled,
    }


def _match_config_default(name: str) -> Any:
    """A dataclass field whose default is read from a fresh ``MatchConfig()`` when an input is made."""
    return field(default_factory=lambda: baseline_settings(MatchConfig())[name])


@dataclass(frozen=True)
class ScenarioInputs:
    """Every setting of the scenario panel; the defaults are those of ``MatchConfig()``.

    Parameters
    ----------
    weight_value, weight_co2, weight_tonnes
        Objective weights (dimensionless).
    radius_km
        Optional crow-fly cap of every link, km; ``None`` leaves the rules' and firms' own limits.
    tipping_fee_cad_per_t
        Default disposal cost of a material supply, $/t.
    carbon_price_cad_per_t_co2e
        Price of a tonne of CO2e, $.
    excluded_firm_id
        A firm left out ("what if it closes"), or ``None``.
    side_constraints
        Enforce minimum lots, partner limits and fixed costs.
    receiver
        A hypothetical receiver, or ``None``.
    """

    weight_value: float = _match_config_default("weight_value")
    weight_co2: float = _match_config_default("weight_co2")
    weight_tonnes: float = _match_config_default("weight_tonnes")
    radius_km: float | None = _match_config_default("radius_km")
    tipping_fee_cad_per_t: float = _match_config_default("tipping_fee_cad_per_t")
    carbon_price_cad_per_t_co2e: float = _match_config_default("carbon_price_cad_per_t_co2e")
    excluded_firm_id: str | None = None
    side_constraints: bool = _match_config_default("side_constraints")
    receiver: HypotheticalReceiver | None = None

    @classmethod
    def from_config(cls, config: MatchConfig) -> ScenarioInputs:
        """Return the panel's settings as they are in ``config`` (the baseline)."""
        return cls(**baseline_settings(config))


def scenario_config(base: MatchConfig, inputs: ScenarioInputs) -> MatchConfig:
    """Return ``base`` with the panel's settings applied (:meth:`MatchConfig.replace`)."""
    excluded = tuple(base.excluded_firm_ids)
    if inputs.excluded_firm_id and inputs.excluded_firm_id not in excluded:
        excluded = (*excluded, inputs.excluded_firm_id)
    return base.replace(
        **{
            "weights.value": float(inputs.weight_value),
            "weights.co2": float(inputs.weight_co2),
            "weights.tonnes": float(inputs.weight_tonnes),
            "weights.carbon_price_cad_per_t_co2e": float(inputs.carbon_price_cad_per_t_co2e),
            "radius_km": None if inputs.radius_km is None else float(inputs.radius_km),
            "default_tipping_fee_cad_per_t": float(inputs.tipping_fee_cad_per_t),
            "excluded_firm_ids": excluded,
            "side.enabled": bool(inputs.side_constraints),
        }
    )


def with_hypothetical_receiver(
    registry: Registry,
    receiver: HypotheticalReceiver,
    *,
    categories: pd.DataFrame,
    parks: pd.DataFrame,
    name: str = "Récepteur hypothétique",
) -> Registry:
    """Return a copy of ``registry`` with one more firm at the park's point and its demand stream.

    Raises
    ------
    ValueError
        Unknown category or park, or a quantity that is not positive.
    """
    cat = categories[categories["category_id"] == receiver.category_id]
    park = parks[parks["park_id"] == receiver.park_id]
    if cat.empty or park.empty:
        raise ValueError(f"unknown category {receiver.category_id!r} or park {receiver.park_id!r}")
    if not receiver.quantity_per_yr > 0:
        raise ValueError("the hypothetical receiver needs a positive quantity")
    kind = str(cat["kind"].iloc[0])
    p = park.iloc[0]
    firm = {c: None for c in FIRMS.names} | {
        "firm_id": HYPOTHETICAL_FIRM_ID,
        "name": name,
        "scian_code": "999999",
        "park_id": str(p["park_id"]),
        "municipality": str(p["municipality"]),
        "lat": float(p["lat"]),
        "lon": float(p["lon"]),
        "coord_source": "park",
        "accepts_hazardous": False,
        "confidentiality": "confidential",
    }
    qty = float(receiver.quantity_per_yr)
    stream = {c: None for c in STREAMS.names} | {
        "stream_id": _HYPOTHETICAL_STREAM_ID,
        "firm_id": HYPOTHETICAL_FIRM_ID,
        "direction": "demand",
        "kind": kind,
        "category_id": receiver.category_id,
        "waste_code": "",
        "description": name,
        "quantity_as_typed": str(qty),
        "unit_as_typed": CANONICAL_UNIT[kind],
        "quantity_per_yr": qty,
        "quantity_unit": CANONICAL_UNIT[kind],
        "mass_t_per_yr": qty if kind == "material" else float("nan"),
        "density_t_per_m3": float("nan"),
        "density_source": "",
        "hazardous": False,
        "moisture_pct": float("nan"),
        "temperature_c": float("nan"),
        "purity_pct": float("nan"),
        "contaminant_pct": float("nan"),
        "particle_size": "",
        "min_purity_pct": float("nan"),
        "max_moisture_pct": float("nan"),
        "min_temperature_c": float("nan"),
        "return_temperature_c": float("nan"),  # the category's, as for any use that gives none
        "max_contaminant_pct": float("nan"),
        "accepted_particle_sizes": "",
        "rejects_hazardous": False,
        "quality_notes": "",
        "availability": "continuous",
        "months_mask": ALL_MONTHS,
        "start_date": pd.NaT,
        "end_date": pd.NaT,
        "current_fate": "",
        "disposal_cost_cad_per_unit": float("nan"),
        "current_use": "",
        "purchase_price_cad_per_unit": float("nan"),
        "gate_fee_cad_per_unit": float("nan"),
        "min_lot_per_yr": float("nan"),
        "max_distance_km": float("nan"),
        "confidentiality": "confidential",
    }
    firms = pd.concat(
        [registry.firms, pd.DataFrame([firm]).astype(registry.firms.dtypes.to_dict(), errors="ignore")],
        ignore_index=True,
    )
    streams = pd.concat(
        [registry.streams, pd.DataFrame([stream]).astype(registry.streams.dtypes.to_dict(), errors="ignore")],
        ignore_index=True,
    )
    return Registry(firms[FIRMS.names], streams[STREAMS.names], registry.permits)


def config_key(config: MatchConfig) -> str:
    """Return a stable hash of every parameter of ``config`` (the cache key of a run)."""
    text = json.dumps(config.to_dict(), sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def registry_key(registry: Registry) -> str:
    """Return a hash of the registry's content (a run is cached only for the same data)."""
    h = hashlib.sha256()
    for frame in (registry.firms, registry.streams):
        h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


def _is_money(key: str) -> bool:
    """Dollars are written to the dollar: every ``*_cad_per_yr`` KPI, those added later too."""
    return key.endswith("_cad_per_yr")


def kpi_deltas(scenario: Kpis, baseline: Kpis, lang: str = "fr") -> pd.DataFrame:
    """Return ``label``, ``value`` and ``delta`` (signed, formatted) of each scalar KPI, in display order.

    ``raw_delta`` keeps the number; ``lower_is_better`` marks costs (a positive delta is bad).
    """
    delta = scenario.delta(baseline)
    rows = []
    for key, label in KPI_LABELS.items():
        value, change = getattr(scenario, key), delta[key]
        digits = 0 if _is_money(key) or key.startswith("n_") else 1
        sign = "+" if change > 0 else ""
        rows.append(
            {
                "key": key,
                "label": label.get(lang),
                "value": fmt(value, lang, digits),
                "delta": sign + fmt(change, lang, digits),
                "raw_delta": float(change),
                "lower_is_better": key == "transport_cost_cad_per_yr",
            }
        )
    return pd.DataFrame(rows)


def exchange_changes(
    baseline: pd.DataFrame, scenario: pd.DataFrame, firms: pd.DataFrame, lang: str = "fr"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the exchanges that appeared and those that disappeared, as readable tables."""
    names = firms.drop_duplicates("firm_id").set_index("firm_id")["name"]
    before, after = set(baseline["candidate_id"]), set(scenario["candidate_id"])

    def table(frame: pd.DataFrame, ids: set[str]) -> pd.DataFrame:
        part = frame[frame["candidate_id"].isin(ids)]
        label = part.get(f"supply_label_{lang}", part["supply_category_id"])
        return pd.DataFrame(
            {
                t("advisor.col.supplier", lang): part["supply_firm_id"]
                .map(names)
                .fillna(part["supply_firm_id"]),
                t("advisor.col.receiver", lang): part["demand_firm_id"]
                .map(names)
                .fillna(part["demand_firm_id"]),
                t("advisor.col.category", lang): label,
                t("advisor.col.net_value", lang): pd.to_numeric(part["net_value_cad_per_yr"]).round(),
            }
        ).reset_index(drop=True)

    return table(scenario, after - before), table(baseline, before - after)
