"""Plan every mutualisation lever for a registry's firms: validate → plan → check → results.

:func:`run_mutual` is what :func:`symbiosis.pipeline.run` calls when asked (``mutual=``), and what
the command line and the app pages call; each lever is planned by its own stateless function and
checked by its solver-free checker.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import pandas as pd

from symbiosis.mutual.collection import plan_collection
from symbiosis.mutual.config import MutualConfig
from symbiosis.mutual.purchase_check import check_purchasing
from symbiosis.mutual.purchase_explain import purchase_groups_frame, purchase_members_frame
from symbiosis.mutual.purchase_instance import purchase_instance
from symbiosis.mutual.purchase_model import solve_purchasing
from symbiosis.mutual.reference import (
    load_purchase_categories,
    load_purchase_tiers,
    load_residues,
    load_treatment_units,
)
from symbiosis.mutual.result import LeverInfo, MutualResult
from symbiosis.mutual.sharing import sharing_instance, solve_sharing
from symbiosis.mutual.sharing_check import check_sharing, sharing_timetable, sharing_uses_frame
from symbiosis.mutual.tables import MutualData
from symbiosis.mutual.units import check_units, plan_units

__all__ = ["Reference", "run_mutual"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reference:
    """Reference tables the levers read (the bundled ones unless a program gives its own).

    Parameters
    ----------
    categories, tiers
        Purchase categories and price-break tiers.
    residues
        Residues collected on tours.
    unit_specs
        The advisor's treatment units (sizes, investment, costs, lifetime).
    parks
        Industrial parks (candidate sites of shared units).
    """

    categories: pd.DataFrame = field(default_factory=load_purchase_categories)
    tiers: pd.DataFrame = field(default_factory=load_purchase_tiers)
    residues: pd.DataFrame = field(default_factory=load_residues)
    unit_specs: pd.DataFrame = field(default_factory=load_treatment_units)
    parks: pd.DataFrame | None = None

    def park_table(self) -> pd.DataFrame:
        """The parks given, else the bundled table."""
        if self.parks is not None:
            return self.parks
        from symbiosis.places.parks import load_parks

        return load_parks()


def _purchasing(firms: pd.DataFrame, data: MutualData, config: MutualConfig, ref: Reference) -> dict:
    instance = purchase_instance(
        data.purchases,
        firms,
        detour_factor=config.transport.detour_factor,
        categories=ref.categories,
        tiers=ref.tiers,
    )
    plan = solve_purchasing(instance, config.purchase)
    status = plan.status if plan.groups or plan.status != "optimal" else "optimal"
    info = LeverInfo(
        "purchasing",
        status,
        plan.method,
        plan.objective_cad_per_yr,
        plan.bound_cad_per_yr,
        plan.greedy_cad_per_yr,
        plan.wall_time_s,
        tuple(f.message("en") for f in check_purchasing(instance, plan, config.purchase)),
        {
            "n_purchases": len(instance.purchases),
            "n_candidates": plan.n_candidates,
            "relaxed_bound_cad_per_yr": plan.relaxed_bound_cad_per_yr,
        },
    )
    return {
        "purchase_groups": purchase_groups_frame(instance, plan, config.purchase),
        "purchase_members": purchase_members_frame(instance, plan, config.purchase),
        "info": info,
    }


def _sharing(firms: pd.DataFrame, data: MutualData, config: MutualConfig, lang: str) -> dict:
    instance = sharing_instance(
        data.capacity_offers,
        data.capacity_needs,
        firms,
        detour_factor=config.transport.detour_factor,
        config=config.sharing,
    )
    plan = solve_sharing(instance, config.sharing)
    info = LeverInfo(
        "sharing",
        plan.status,
        plan.method,
        plan.objective_cad_per_yr,
        plan.bound_cad_per_yr,
        plan.greedy_cad_per_yr,
        plan.wall_time_s,
        tuple(f.message("en") for f in check_sharing(instance, plan)),
        {"n_offers": len(instance.offers), "n_needs": len(instance.needs), "n_pairs": len(instance.pairs)},
    )
    return {
        "sharing_uses": sharing_uses_frame(instance, plan, lang),
        "sharing_timetable": sharing_timetable(instance, plan),
        "info": info,
    }


def _units(firms: pd.DataFrame, data: MutualData, config: MutualConfig, ref: Reference) -> dict:
    parks = ref.park_table()
    specs = data.unit_specs if data.unit_specs is not None else ref.unit_specs
    plan = plan_units(
        data.treatment_needs, firms, parks, specs, config=config.units, transport=config.transport
    )
    violations = check_units(
        plan,
        data.treatment_needs,
        firms,
        parks,
        specs,
        config=config.units,
        transport=config.transport,
    )
    saving = float(plan.units["saving_cad_per_yr"].sum()) if len(plan.units) else 0.0
    current = float(plan.units["current_cost_cad_per_yr"].sum()) if len(plan.units) else 0.0
    info = LeverInfo(
        "units",
        "ok" if len(plan.units) else "empty",
        "rule",
        saving,
        float("nan"),
        float("nan"),
        plan.wall_time_s,
        tuple(v.message("en") for v in violations),
        {"n_needs": len(data.treatment_needs), "current_cost_cad_per_yr": current},
    )
    return {"units": plan.units, "unit_members": plan.members, "info": info}


def _route_comparison(days: pd.DataFrame) -> dict[str, float]:
    """OR-Tools against nearest-neighbour tours, on the days where both served the same stops."""
    same = days[days["served"] == days["nearest_neighbour_served"]]
    km, nn = float(same["km"].sum()), float(same["nearest_neighbour_km"].sum())
    return {
        "stops_served_per_cycle": int(days["served"].sum()),
        "nearest_neighbour_stops_served_per_cycle": int(days["nearest_neighbour_served"].sum()),
        "days_compared": len(same),
        "km_compared_per_cycle": km,
        "nearest_neighbour_km_compared_per_cycle": nn,
        "km_saving_vs_nearest_neighbour_pct": 100.0 * (nn - km) / nn if nn > 0 else 0.0,
    }


def _routes(firms: pd.DataFrame, data: MutualData, config: MutualConfig, ref: Reference) -> dict:
    plan = plan_collection(
        data.pickups,
        data.receivers,
        firms,
        ref.residues,
        config=config.routes,
        detour_factor=config.transport.detour_factor,
    )
    figures = plan.firms
    separate = float(figures["separate_cost_cad_per_yr"].sum()) if len(figures) else 0.0
    details = {
        "km_per_yr": plan.km_per_yr,
        "nearest_neighbour_km_per_yr": plan.nearest_neighbour_km_per_yr,
        "separate_km_per_yr": plan.separate_km_per_yr,
        "separate_cost_cad_per_yr": separate,
        "collection_days_per_cycle": len(plan.days),
        "n_pickups": len(data.pickups),
        "n_shared": int(figures["served"].sum()) if len(figures) else 0,
        "left_out": figures["status"].value_counts().drop("shared", errors="ignore").to_dict()
        if len(figures)
        else {},
        **_route_comparison(plan.days),
    }
    saving = float(figures["saving_cad_per_yr"].sum()) if len(figures) else 0.0
    method = f"or-tools ({config.routes.metaheuristic})"
    info = LeverInfo(
        "routes",
        "ok" if len(plan.tours) else "empty",
        method,
        saving,
        float("nan"),
        float("nan"),
        plan.wall_time_s,
        plan.violations,
        details,
    )
    return {
        "tours": plan.tours,
        "tour_stops": plan.stops,
        "collection": figures,
        "collection_days": plan.days,
        "info": info,
    }


def run_mutual(
    firms: pd.DataFrame,
    data: MutualData,
    config: MutualConfig | None = None,
    *,
    reference: Reference | None = None,
    lang: str = "fr",
) -> MutualResult:
    """Plan the levers of ``config.levers`` for these firms and return a checked :class:`MutualResult`.

    Parameters
    ----------
    firms
        The registry's firms (``firm_id, name, lat, lon`` at least).
    data
        The mutualisation tables (validated here against their schemas and the firms).
    config
        Parameters of every lever; :class:`MutualConfig` defaults when None.
    reference
        Reference tables; the bundled ones when None.
    lang
        Language of the slot labels in the shared-equipment table.

    A lever whose checker finds a violation gets the status ``check_failed`` (logged as an error).
    """
    config = config or MutualConfig()
    reference = reference or Reference()
    data.validate(firms["firm_id"])
    frames: dict = {}
    info: dict[str, LeverInfo] = {}
    planners = {
        "purchasing": lambda: _purchasing(firms, data, config, reference),
        "sharing": lambda: _sharing(firms, data, config, lang),
        "units": lambda: _units(firms, data, config, reference),
        "routes": lambda: _routes(firms, data, config, reference),
    }
    for lever, planner in planners.items():
        if lever not in config.levers:
            info[lever] = LeverInfo(lever, "skipped")
            continue
        start = time.perf_counter()
        out = planner()
        lever_info: LeverInfo = out.pop("info")
        if lever_info.violations:
            logger.error(
                "%s: %d violation(s): %s", lever, len(lever_info.violations), lever_info.violations[:3]
            )
            lever_info = LeverInfo(**{**lever_info.__dict__, "status": "check_failed"})
        info[lever] = lever_info
        frames.update(out)
        logger.info(
            "lever %s: %s, %.0f $/yr, %.2f s",
            lever,
            lever_info.status,
            lever_info.objective_cad_per_yr,
            time.perf_counter() - start,
        )
    return MutualResult(**frames, info=info, config=config)
