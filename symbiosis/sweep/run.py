"""Run a sweep's scenarios (here or on a cluster) and summarise them: KPI distribution and robustness.

Each scenario is one :func:`symbiosis.pipeline.run` on the registry (its quantities scaled when the
sweep varies them). The function sent to the executor holds the registry, so a cluster receives it
once (:meth:`symbiosis.distributed.DaskExecutor.map` scatters it), not once per scenario.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.registry import Registry
from symbiosis.results import KPI_LABELS
from symbiosis.sweep.design import Scenario

__all__ = [
    "EXCHANGE_KEYS",
    "ScenarioOutcome",
    "SweepResult",
    "run_scenario",
    "run_sweep",
    "scenario_registry",
]

#: Columns that identify an exchange across scenarios, and what is kept of each chosen one.
EXCHANGE_KEYS = ("candidate_id", "supply_id", "demand_id", "supply_firm_id", "demand_firm_id")
_QUANTILES = {"min": 0.0, "p10": 0.1, "median": 0.5, "p90": 0.9, "max": 1.0}


def scenario_registry(registry: Registry, scenario: Scenario) -> Registry:
    """The registry a scenario runs on: quantities scaled by the grid factor or per-stream draws."""
    if scenario.quantity_law is None and scenario.quantity_factor == 1.0:
        return registry
    streams = registry.streams
    if scenario.quantity_law is not None:
        rng = np.random.default_rng(scenario.quantity_seed)
        factor = np.asarray(scenario.quantity_law.draw(rng, len(streams)), float)
    else:
        factor = np.full(len(streams), scenario.quantity_factor)
    quantity = streams["quantity_per_yr"].to_numpy(float) * factor
    return Registry(registry.firms, streams.assign(quantity_per_yr=quantity), registry.permits)


@dataclass(frozen=True)
class ScenarioOutcome:
    """What one scenario gave: its status, objective, KPI scalars and chosen exchanges (with flows)."""

    index: int
    status: str
    objective: float
    kpis: dict[str, float]
    chosen: pd.DataFrame


def run_scenario(registry: Registry, scenario: Scenario, **knowledge: Any) -> ScenarioOutcome:
    """Run one scenario with :func:`symbiosis.pipeline.run` (pure: the same inputs give the same outcome)."""
    from symbiosis.pipeline import run

    result = run(scenario_registry(registry, scenario), scenario.config, **knowledge)
    ex = result.exchanges
    chosen = ex[[*EXCHANGE_KEYS, "flow_per_yr"]].reset_index(drop=True)
    return ScenarioOutcome(
        scenario.index,
        result.allocation.status,
        result.allocation.objective,
        dict(result.kpis.scalars()),
        chosen,
    )


class _Runner:
    """``run_scenario`` with the registry bound (the picklable callable sent to workers)."""

    def __init__(self, registry: Registry, knowledge: dict[str, Any]) -> None:
        self.registry, self.knowledge = registry, knowledge

    def __call__(self, scenario: Scenario) -> ScenarioOutcome:
        return run_scenario(self.registry, scenario, **self.knowledge)


@dataclass(frozen=True)
class SweepResult:
    """A sweep's outcome.

    Attributes
    ----------
    scenarios
        One row per scenario: ``scenario``, the swept values (one column per field), ``status``,
        ``objective`` and every KPI scalar.
    robustness
        One row per exchange chosen in at least one scenario: :data:`EXCHANGE_KEYS`, ``n_chosen``,
        ``share`` (of the scenarios), ``mean_flow_per_yr`` (when chosen); most robust first.
    seconds
        Wall time of the runs.
    """

    scenarios: pd.DataFrame
    robustness: pd.DataFrame
    seconds: float

    @property
    def n(self) -> int:
        """Number of scenarios."""
        return len(self.scenarios)

    def kpi_summary(self) -> pd.DataFrame:
        """Per KPI: min, 10th percentile, median, 90th percentile and max over the scenarios."""
        kpis = [k for k in KPI_LABELS if k in self.scenarios]
        rows = [
            {"kpi": k, **{name: float(self.scenarios[k].quantile(q)) for name, q in _QUANTILES.items()}}
            for k in kpis
        ]
        return pd.DataFrame(rows, columns=["kpi", *_QUANTILES])


def _robustness(outcomes: list[ScenarioOutcome]) -> pd.DataFrame:
    columns = [*EXCHANGE_KEYS, "n_chosen", "share", "mean_flow_per_yr"]
    frames = [o.chosen for o in outcomes if len(o.chosen)]
    if not frames:
        return pd.DataFrame(columns=columns)
    all_chosen = pd.concat(frames, ignore_index=True)
    grouped = all_chosen.groupby(list(EXCHANGE_KEYS), sort=True, dropna=False)["flow_per_yr"]
    out = grouped.agg(n_chosen="size", mean_flow_per_yr="mean").reset_index()
    out["share"] = out["n_chosen"] / len(outcomes)
    out = out.sort_values(["n_chosen", "mean_flow_per_yr", "candidate_id"], ascending=[False, False, True])
    return out[columns].reset_index(drop=True)


def _scenarios_frame(scenarios: list[Scenario], outcomes: list[ScenarioOutcome]) -> pd.DataFrame:
    rows = []
    for scenario, outcome in zip(scenarios, outcomes, strict=True):
        rows.append(
            {
                "scenario": scenario.index,
                **dict(scenario.values),
                "status": outcome.status,
                "objective": outcome.objective,
                **outcome.kpis,
            }
        )
    return pd.DataFrame(rows)


def run_sweep(
    registry: Registry, scenarios: list[Scenario], *, executor: Any = None, **knowledge: Any
) -> SweepResult:
    """Run every scenario and summarise them.

    Parameters
    ----------
    registry
        The registry every scenario starts from.
    scenarios
        From :func:`~symbiosis.sweep.design.grid_scenarios` or
        :func:`~symbiosis.sweep.design.monte_carlo_scenarios`.
    executor
        Anything with ``map(function, items)`` returning results in order
        (:class:`symbiosis.distributed.DaskExecutor` for a cluster); None runs them here, one by one.
    **knowledge
        ``rules``, ``categories``, ``factors`` passed to :func:`symbiosis.pipeline.run`.

    Returns
    -------
    SweepResult
        Identical whichever executor ran it (each scenario is a pure function of its inputs).
    """
    registry.validate()
    t0 = time.perf_counter()
    runner = _Runner(registry, knowledge)
    outcomes = list(executor.map(runner, scenarios) if executor is not None else map(runner, scenarios))
    seconds = time.perf_counter() - t0
    return SweepResult(_scenarios_frame(scenarios, outcomes), _robustness(outcomes), seconds)
