"""What planning the mutualisation levers returns: :class:`MutualResult`, one :class:`LeverInfo` per lever.

Every figure is an **estimate** for proposed mutualisations (CAD per year, t CO2e per year). Each
lever's plan was checked by its solver-free checker; what the checker found is in
``LeverInfo.violations`` (empty when the plan is consistent).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from symbiosis.i18n import Text
from symbiosis.mutual.memberships import memberships

__all__ = ["LEVERS", "LEVER_LABELS", "LeverInfo", "MutualResult"]

#: The levers, in the order the reports show them.
LEVERS: tuple[str, ...] = ("purchasing", "sharing", "units", "routes")
LEVER_LABELS: Mapping[str, Text] = {
    "purchasing": Text("Achats groupés", "Group purchasing"),
    "sharing": Text("Équipements et services partagés", "Shared equipment and services"),
    "units": Text("Unités de traitement communes", "Shared treatment units"),
    "routes": Text("Collectes partagées", "Shared collection routes"),
}


@dataclass(frozen=True)
class LeverInfo:
    """How one lever was planned.

    Parameters
    ----------
    lever
        One of :data:`LEVERS`.
    status
        ``optimal``, ``feasible``, ``ok`` (routing: a plan, no optimality proof), ``empty`` (nothing
        to plan), ``skipped`` (not asked), or ``check_failed``.
    method
        Solver used (``cp-sat``, ``greedy-fallback``, ``or-tools``, ``rule``).
    objective_cad_per_yr
        Total yearly saving of the plan.
    bound_cad_per_yr
        Proven upper bound when the method gives one (nan otherwise).
    baseline_cad_per_yr
        The same figure for the baseline (greedy, or separate hauling for routes).
    wall_time_s
        Planning time.
    violations
        What the solver-free checker found.
    details
        Lever-specific figures (candidates, relaxed bound, km of the nearest-neighbour tours…).
    """

    lever: str
    status: str
    method: str = ""
    objective_cad_per_yr: float = 0.0
    bound_cad_per_yr: float = math.nan
    baseline_cad_per_yr: float = math.nan
    wall_time_s: float = 0.0
    violations: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """A plan exists (or nothing was to plan) and the checker accepted it."""
        return self.status in ("optimal", "feasible", "ok", "empty", "skipped") and not self.violations

    @property
    def gap(self) -> float:
        """Relative gap to the proven bound (nan without one)."""
        if math.isnan(self.bound_cad_per_yr):
            return math.nan
        if self.bound_cad_per_yr <= 0:
            return 0.0
        return max(0.0, (self.bound_cad_per_yr - self.objective_cad_per_yr) / self.bound_cad_per_yr)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN as None)."""
        out = dataclasses.asdict(self)
        out["violations"] = list(self.violations)
        out["details"] = dict(self.details)
        out["gap"] = self.gap
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in out.items()}


def _empty(columns: tuple[str, ...] = ()) -> pd.DataFrame:
    return pd.DataFrame(columns=list(columns))


@dataclass(frozen=True)
class MutualResult:
    """Everything planning the levers produced (frames are empty for a lever not planned).

    Parameters
    ----------
    purchase_groups, purchase_members
        Buying groups and their members (:mod:`symbiosis.mutual.purchase_explain`).
    sharing_uses, sharing_timetable
        Served needs with their cost sharing, and the weekly timetable of each host
        (:mod:`symbiosis.mutual.sharing_check`).
    units, unit_members
        Shared treatment units and their members (:mod:`symbiosis.mutual.units`).
    tours, tour_stops, collection, collection_days
        The cycle's tours, their stops, each pickup's yearly figures and each collection day's
        comparison with the nearest-neighbour tours (:mod:`symbiosis.mutual.collection`).
    info
        One :class:`LeverInfo` per lever, keyed by lever.
    config
        The :class:`~symbiosis.mutual.config.MutualConfig` used.
    """

    purchase_groups: pd.DataFrame = field(default_factory=_empty)
    purchase_members: pd.DataFrame = field(default_factory=_empty)
    sharing_uses: pd.DataFrame = field(default_factory=_empty)
    sharing_timetable: pd.DataFrame = field(default_factory=_empty)
    units: pd.DataFrame = field(default_factory=_empty)
    unit_members: pd.DataFrame = field(default_factory=_empty)
    tours: pd.DataFrame = field(default_factory=_empty)
    tour_stops: pd.DataFrame = field(default_factory=_empty)
    collection: pd.DataFrame = field(default_factory=_empty)
    collection_days: pd.DataFrame = field(default_factory=_empty)
    info: Mapping[str, LeverInfo] = field(default_factory=dict)
    config: Any = None

    @property
    def ok(self) -> bool:
        """Every lever planned and checked without violation."""
        return all(i.ok for i in self.info.values())

    def memberships(self) -> pd.DataFrame:
        """One row per firm's part in a lever (:data:`~symbiosis.mutual.memberships.MEMBERSHIP_COLUMNS`).

        ``item_id`` is the group, host offer, unit or collection route (``CR-<receiver>-<truck class>``);
        ``row_id`` is the firm's own row (purchase, need, pickup); ``role`` is ``member``, ``user``,
        ``host`` or ``stop``; ``partner_firm_id`` is the host (for a user) or the user (for a host).
        """
        return memberships(self)

    def summary(self) -> pd.DataFrame:
        """One row per lever.

        Columns: ``lever, status, n_items, n_firms, saving_cad_per_yr, co2e_avoided_t_per_yr``.
        """
        members = self.memberships()
        rows = []
        for lever in LEVERS:
            info = self.info.get(lever)
            part = members[members["lever"] == lever]
            rows.append(
                {
                    "lever": lever,
                    "status": info.status if info else "skipped",
                    "n_items": int(part["item_id"].nunique()),
                    "n_firms": int(part["firm_id"].nunique()),
                    "saving_cad_per_yr": float(part["saving_cad_per_yr"].sum()),
                    "co2e_avoided_t_per_yr": float(part["co2e_avoided_t_per_yr"].sum()),
                }
            )
        return pd.DataFrame(rows)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary: per-lever info and totals."""
        return {
            "levers": {k: v.as_dict() for k, v in self.info.items()},
            "summary": self.summary().to_dict(orient="records"),
        }
