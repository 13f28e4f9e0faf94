"""Scenario sweeps: many scenarios of one registry (grid or Monte Carlo), their KPI distribution and
how often each exchange is chosen (its robustness). Runs here, or on a cluster through an executor.
"""

from __future__ import annotations

from symbiosis.sweep.design import (
    ALIASES,
    LAWS,
    QUANTITY,
    Law,
    Range,
    Scenario,
    SweepSpecError,
    grid_scenarios,
    monte_carlo_scenarios,
    parse_law,
    parse_range,
)
from symbiosis.sweep.run import SweepResult, run_scenario, run_sweep, scenario_registry

__all__ = [
    "ALIASES",
    "LAWS",
    "QUANTITY",
    "Law",
    "Range",
    "Scenario",
    "SweepResult",
    "SweepSpecError",
    "grid_scenarios",
    "monte_carlo_scenarios",
    "parse_law",
    "parse_range",
    "run_scenario",
    "run_sweep",
    "scenario_registry",
]
