"""What the scenario page shows of a sweep: its scenarios, KPI spread and how robust each exchange is.

The sweep itself is :func:`symbiosis.sweep.run_sweep` (run here, in the app's process: no cluster
needed, Dask not imported); these functions only shape its tables for the screen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from symbiosis.engine.config import MatchConfig
from symbiosis.i18n import t
from symbiosis.labels import unit_label
from symbiosis.registry import Registry
from symbiosis.results import KPI_LABELS
from symbiosis.sweep import Scenario, SweepResult, grid_scenarios, parse_range
from symbiosis.views.charts import column_chart
from symbiosis.views.map import fmt

__all__ = [
    "DEFAULT_RANGES",
    "MAX_APP_SAMPLES",
    "SWEEP_PARAMETERS",
    "SweepInputs",
    "kpi_spread",
    "robustness_buckets",
    "robustness_chart",
    "robustness_table",
    "sweep_scenarios",
]

#: Parameters the page offers, with the catalogue key of their label.
SWEEP_PARAMETERS: dict[str, str] = {
    "landfill_fee": "advisor.scenario.tipping_fee",
    "carbon_price": "advisor.scenario.carbon_price",
    "transport_cost": "sweep.param.transport_cost",
}
#: The range swept when the advisor leaves « De » and « À » empty, in each parameter's unit: a
#: landfill fee's 80–200 $/t read as 80–200 $/t·km of transport made every exchange a loss.
DEFAULT_RANGES: dict[str, tuple[float, float]] = {
    "landfill_fee": (80.0, 200.0),
    "carbon_price": (0.0, 200.0),
    "transport_cost": (0.1, 0.4),
}
#: Most scenarios the page runs (about a third of a second each on the sample region).
MAX_APP_SAMPLES = 12
#: Lower edges of the robustness buckets (share of the scenarios choosing an exchange).
_BUCKETS = (1.0, 0.75, 0.5, 0.0)
_MONEY = {k for k in KPI_LABELS if k.endswith("_cad_per_yr")}


@dataclass(frozen=True)
class SweepInputs:
    """The page's sweep settings: one parameter, its range and the number of grid points."""

    parameter: str
    low: float
    high: float
    samples: int


def sweep_scenarios(base: MatchConfig, inputs: SweepInputs) -> list[Scenario]:
    """The grid the page runs (``samples`` clipped to 2..:data:`MAX_APP_SAMPLES`; bounds in order)."""
    if inputs.parameter not in SWEEP_PARAMETERS:
        raise ValueError(f"unknown sweep parameter {inputs.parameter!r}")
    low, high = sorted((float(inputs.low), float(inputs.high)))
    samples = int(np.clip(inputs.samples, 2, MAX_APP_SAMPLES))
    return grid_scenarios(base, [parse_range(f"{inputs.parameter}={low!r}..{high!r}")], samples)


def robustness_table(
    result: SweepResult, registry: Registry, lang: str = "fr", *, categories: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per exchange chosen at least once, in words: supplier, resource, receiver, share (%),
    count, mean quantity and its unit.

    Firms are named from ``registry``, the registry as the reader may read it: a firm it does not hold
    (a firm reading, another firm's exchange) is « another firm », never its id. The resource is the
    supplied stream's category in ``lang`` (``categories``: the knowledge base's table). The index
    holds the exchange's ``candidate_id``, for an export; the screen hides it.
    """
    rob = result.robustness
    names = registry.firms.drop_duplicates("firm_id").set_index("firm_id")["name"]
    other = t("sweep.other_firm", lang)
    streams = registry.streams.drop_duplicates("stream_id").set_index("stream_id")
    category = rob["supply_id"].map(streams["category_id"])
    if categories is not None:
        labels = categories.drop_duplicates("category_id").set_index("category_id")[
            f"label_{'en' if lang == 'en' else 'fr'}"
        ]
        category = category.map(labels).fillna(category)
    unit = rob["supply_id"].map(streams["quantity_unit"])
    return pd.DataFrame(
        {
            t("sweep.col.supply_firm", lang): rob["supply_firm_id"].map(names).fillna(other).to_numpy(),
            t("sweep.col.resource", lang): category.fillna("—").to_numpy(),
            t("sweep.col.demand_firm", lang): rob["demand_firm_id"].map(names).fillna(other).to_numpy(),
            t("sweep.col.share", lang): (100 * rob["share"].astype(float)).round(0).to_numpy(),
            t("sweep.col.n_chosen", lang): rob["n_chosen"].astype(int).to_numpy(),
            t("sweep.col.mean_flow", lang): rob["mean_flow_per_yr"].astype(float).round(1).to_numpy(),
            t("col.unit", lang): [unit_label(u, lang) if isinstance(u, str) else "—" for u in unit],
        },
        index=pd.Index(rob["candidate_id"].to_numpy(), name=t("sweep.col.candidate_id", lang)),
    )


def robustness_buckets(result: SweepResult, lang: str = "fr") -> pd.DataFrame:
    """How many exchanges fall in each robustness bucket: always, ≥ 75 %, ≥ 50 %, < 50 % of the scenarios."""
    share = result.robustness["share"].to_numpy(float)
    labels = [t(f"sweep.bucket.{i}", lang) for i in range(len(_BUCKETS))]
    counts = [
        int((share >= 1.0 - 1e-12).sum()),
        int(((share >= 0.75) & (share < 1.0 - 1e-12)).sum()),
        int(((share >= 0.5) & (share < 0.75)).sum()),
        int((share < 0.5).sum()),
    ]
    return pd.DataFrame({"bucket": labels, "n_exchanges": counts})


def robustness_chart(result: SweepResult, lang: str = "fr") -> dict:
    """Columns: number of exchanges per robustness bucket (Vega-Lite spec)."""
    return column_chart(
        robustness_buckets(result, lang),
        category="bucket",
        value="n_exchanges",
        lang=lang,
        value_title=t("sweep.chart.n_exchanges", lang),
    )


def kpi_spread(result: SweepResult, lang: str = "fr") -> pd.DataFrame:
    """Per KPI, its label and its minimum, median and maximum over the scenarios (formatted)."""
    rows = []
    for row in result.kpi_summary().itertuples(index=False):
        digits = 0 if row.kpi in _MONEY or row.kpi.startswith("n_") else 1
        rows.append(
            {
                t("sweep.col.kpi", lang): KPI_LABELS[row.kpi].get(lang),
                t("sweep.col.min", lang): fmt(row.min, lang, digits),
                t("sweep.col.median", lang): fmt(row.median, lang, digits),
                t("sweep.col.max", lang): fmt(row.max, lang, digits),
            }
        )
    return pd.DataFrame(rows)
