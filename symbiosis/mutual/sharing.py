"""Shared equipment and services: which firm uses a host's spare capacity in which weekly slot (CP-SAT).

The week has 14 slots (7 days × morning, afternoon) of ``slot_hours`` each. A host *offers* an
asset (a press, a dryer, a lab, a trained team…) on some days and periods, up to ``hours_per_week``,
in some months; a firm *needs* ``hours_per_week`` of the same kind of asset, i.e.
``b_n = ceil(h / slot_hours)`` slots on the days and periods it can come, in some months. A need is
served whole by one host or not at all. Model (``P`` compatible need–offer pairs, ``S_no`` the slots
open to both, months ``M_no = M_n ∩ M_o``)::

    y[n,o] ∈ {0,1}                               need n uses offer o              (Use-y[n,o])
    x[n,o,s] ∈ {0,1}                             … in slot s ∈ S_no               (Slot-x[n,o,s])
    Σ_o y[n,o] ≤ 1                               one host per need                (Need-once[n])
    Σ_s x[n,o,s] = b_n · y[n,o]                  all its slots                    (Need-slots[n,o])
    Σ_{n: m ∈ M_no} x[n,o,s] ≤ 1    ∀ o, s, m    one user per slot and month      (Slot-exclusive[o,s,m])
    Σ_{n: m ∈ M_no} Σ_s x[n,o,s] ≤ c_o  ∀ o, m   the host's spare slots per week  (Offer-hours[o,m])
    max Σ v_no · y[n,o]

with ``c_o = floor(hours_per_week / slot_hours)`` and ``v_no`` the yearly saving of the pair: hours
used × (the need's alternative cost per hour − the host's operating cost per hour) − the user's
return trips (road km × ``travel_cost_cad_per_km``, one trip per slot). Pairs are compatible when
the asset type matches, the firms differ, the sites are within both firms' accepted distance,
months overlap, enough common slots exist and the user still saves after paying the largest share
of the host's fixed cost it could owe (pro rata of use, see :mod:`symbiosis.mutual.sharing_explain`).
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from symbiosis.mutual.config import SharingConfig
from symbiosis.places.distance import haversine_km

__all__ = [
    "DEFAULT_SHARING_KM",
    "SLOTS_PER_WEEK",
    "Pair",
    "SharingInstance",
    "SharingModel",
    "SharingPlan",
    "Use",
    "build_sharing_model",
    "greedy_sharing",
    "sharing_instance",
    "slot_label",
    "solve_sharing",
]

logger = logging.getLogger(__name__)

SLOTS_PER_WEEK = 14
#: Farthest a user travels to a host when neither firm gives a distance, road km.
DEFAULT_SHARING_KM = 40.0


def slot_label(slot: int) -> tuple[int, int]:
    """``(day, period)`` of a slot: day 0 = Monday, period 0 = morning, 1 = afternoon."""
    return slot // 2, slot % 2


def _slots(days_mask: int, periods_mask: int) -> frozenset[int]:
    return frozenset(
        d * 2 + p
        for d in range(7)
        for p in range(2)
        if int(days_mask) >> d & 1 and int(periods_mask) >> p & 1
    )


def _months(mask: int) -> tuple[int, ...]:
    return tuple(m for m in range(12) if int(mask) >> m & 1)


@dataclass(frozen=True)
class Pair:
    """A compatible need–offer pair (positions in the instance's frames) and its yearly figures."""

    need: int
    offer: int
    slots: tuple[int, ...]
    months_mask: int
    blocks: int
    hours_per_yr: float
    road_km: float
    value_cad_per_yr: float


@dataclass(frozen=True)
class SharingInstance:
    """Offers and needs, located, with their compatible pairs.

    Parameters
    ----------
    offers, needs
        :data:`~symbiosis.mutual.tables.CAPACITY_OFFERS` and ``CAPACITY_NEEDS`` rows with ``lat, lon``.
    pairs
        The compatible pairs (see the module docstring).
    capacity_slots
        ``c_o`` of each offer (slots per week).
    config
        The slot grid and travel cost used.
    detour_factor
        Road km per great-circle km.
    """

    offers: pd.DataFrame
    needs: pd.DataFrame
    pairs: tuple[Pair, ...]
    capacity_slots: tuple[int, ...]
    config: SharingConfig
    detour_factor: float = 1.3


@dataclass(frozen=True)
class Use:
    """One served need: its pair index and the slots it uses each week."""

    pair: int
    slots: tuple[int, ...]


@dataclass(frozen=True)
class SharingPlan:
    """The slot allocation: status, uses, total yearly saving, bound, greedy baseline, method, time."""

    status: str
    uses: tuple[Use, ...] = ()
    objective_cad_per_yr: float = 0.0
    bound_cad_per_yr: float = math.nan
    greedy_cad_per_yr: float = 0.0
    method: str = ""
    wall_time_s: float = 0.0


def _located(frame: pd.DataFrame, firms: pd.DataFrame) -> pd.DataFrame:
    out = frame.merge(firms[["firm_id", "lat", "lon"]], on="firm_id", how="inner")
    return out[out[["lat", "lon"]].notna().all(axis=1)].reset_index(drop=True)


def _pair(
    instance_offers: pd.DataFrame, o: int, needs: pd.DataFrame, n: int, km: float, config: SharingConfig
) -> Pair | None:
    offer, need = instance_offers.iloc[o], needs.iloc[n]
    months = int(offer["months_mask"]) & int(need["months_mask"])
    slots = sorted(
        _slots(offer["days_mask"], offer["periods_mask"]) & _slots(need["days_mask"], need["periods_mask"])
    )
    blocks = math.ceil(float(need["hours_per_week"]) / config.slot_hours - 1e-9)
    capacity = math.floor(float(offer["hours_per_week"]) / config.slot_hours + 1e-9)
    if not months or blocks < 1 or len(slots) < blocks or capacity < blocks:
        return None
    weeks = config.weeks_per_month * len(_months(months))
    hours = blocks * config.slot_hours * weeks
    margin = float(need["alternative_cost_cad_per_h"]) - float(offer["cost_cad_per_h"])
    travel = blocks * weeks * 2.0 * km * config.travel_cost_cad_per_km
    value = hours * margin - travel
    fixed = float(offer["fixed_cost_cad_per_yr"]) if pd.notna(offer["fixed_cost_cad_per_yr"]) else 0.0
    host = float(offer["host_hours_per_yr"]) if pd.notna(offer["host_hours_per_yr"]) else 0.0
    worst_share = fixed * hours / (host + hours) if host + hours > 0 else 0.0
    if value - worst_share <= 0:
        return None
    return Pair(n, o, tuple(slots), months, blocks, hours, km, value)


def sharing_instance(
    offers: pd.DataFrame,
    needs: pd.DataFrame,
    firms: pd.DataFrame,
    *,
    detour_factor: float = 1.3,
    config: SharingConfig | None = None,
) -> SharingInstance:
    """Locate offers and needs at their firms and list the compatible pairs."""
    config = config or SharingConfig()
    offers, needs = _located(offers, firms), _located(needs, firms)
    pairs: list[Pair] = []
    limit_n = pd.to_numeric(needs["max_distance_km"], errors="coerce").fillna(DEFAULT_SHARING_KM).to_numpy()
    limit_o = pd.to_numeric(offers["max_distance_km"], errors="coerce").fillna(DEFAULT_SHARING_KM).to_numpy()
    for asset, need_rows in needs.groupby("asset_type", sort=True).indices.items():
        offer_rows = np.flatnonzero(offers["asset_type"].to_numpy() == asset)
        if not len(offer_rows):
            continue
        km = detour_factor * haversine_km(
            needs["lat"].to_numpy(float)[need_rows][:, None],
            needs["lon"].to_numpy(float)[need_rows][:, None],
            offers["lat"].to_numpy(float)[offer_rows][None, :],
            offers["lon"].to_numpy(float)[offer_rows][None, :],
        )
        for a, n in enumerate(need_rows):
            for b, o in enumerate(offer_rows):
                if needs.at[n, "firm_id"] == offers.at[o, "firm_id"] or km[a, b] > min(
                    limit_n[n], limit_o[o]
                ):
                    continue
                pair = _pair(offers, int(o), needs, int(n), float(km[a, b]), config)
                if pair is not None:
                    pairs.append(pair)
    capacity = tuple(math.floor(float(h) / config.slot_hours + 1e-9) for h in offers["hours_per_week"])
    return SharingInstance(offers, needs, tuple(pairs), capacity, config, detour_factor)


@dataclass(frozen=True)
class SharingModel:
    """The CP-SAT model, its pair variables ``y[p]`` and slot variables ``x[(p, s)]``."""

    model: cp_model.CpModel
    y: dict[int, cp_model.IntVar]
    x: dict[tuple[int, int], cp_model.IntVar]


def define_use_variables(model: cp_model.CpModel, instance: SharingInstance) -> dict[int, cp_model.IntVar]:
    """One boolean per compatible pair."""
    return {
        p: model.new_bool_var(f"Use-y[{pair.need},{pair.offer}]") for p, pair in enumerate(instance.pairs)
    }


def define_slot_variables(
    model: cp_model.CpModel, instance: SharingInstance
) -> dict[tuple[int, int], cp_model.IntVar]:
    """One boolean per pair and slot open to both firms."""
    return {
        (p, s): model.new_bool_var(f"Slot-x[{pair.need},{pair.offer},{s}]")
        for p, pair in enumerate(instance.pairs)
        for s in pair.slots
    }


def define_need_once(model: cp_model.CpModel, instance: SharingInstance, y: dict) -> None:
    """A need is served by one host at most."""
    by_need: dict[int, list] = defaultdict(list)
    for p, pair in enumerate(instance.pairs):
        by_need[pair.need].append(y[p])
    for need, terms in by_need.items():
        if len(terms) > 1:
            model.add_at_most_one(terms).with_name(f"Need-once[{need}]")


def define_need_slots(model: cp_model.CpModel, instance: SharingInstance, y: dict, x: dict) -> None:
    """A served need gets all its slots, an unserved one none."""
    for p, pair in enumerate(instance.pairs):
        model.add(sum(x[(p, s)] for s in pair.slots) == pair.blocks * y[p]).with_name(
            f"Need-slots[{pair.need},{pair.offer}]"
        )


def define_slot_exclusive(model: cp_model.CpModel, instance: SharingInstance, x: dict) -> None:
    """One user per offer, slot and month."""
    users: dict[tuple[int, int, int], list] = defaultdict(list)
    for (p, s), var in x.items():
        pair = instance.pairs[p]
        for m in _months(pair.months_mask):
            users[(pair.offer, s, m)].append(var)
    for (o, s, m), terms in users.items():
        if len(terms) > 1:
            model.add_at_most_one(terms).with_name(f"Slot-exclusive[{o},{s},{m}]")


def define_offer_hours(model: cp_model.CpModel, instance: SharingInstance, x: dict) -> None:
    """No more slots per week than the host's spare hours allow, in every month."""
    used: dict[tuple[int, int], list] = defaultdict(list)
    for (p, _s), var in x.items():
        pair = instance.pairs[p]
        for m in _months(pair.months_mask):
            used[(pair.offer, m)].append(var)
    for (o, m), terms in used.items():
        if len(terms) > instance.capacity_slots[o]:
            model.add(sum(terms) <= instance.capacity_slots[o]).with_name(f"Offer-hours[{o},{m}]")


def define_objective(model: cp_model.CpModel, instance: SharingInstance, y: dict) -> None:
    """Maximise the yearly saving, in cents."""
    model.maximize(sum(round(100 * instance.pairs[p].value_cad_per_yr) * var for p, var in y.items()))


def build_sharing_model(instance: SharingInstance) -> SharingModel:
    """Call the ``define_*`` functions in order; return the model and its variables."""
    model = cp_model.CpModel()
    y = define_use_variables(model, instance)
    x = define_slot_variables(model, instance)
    define_need_once(model, instance, y)
    define_need_slots(model, instance, y, x)
    define_slot_exclusive(model, instance, x)
    define_offer_hours(model, instance, x)
    define_objective(model, instance, y)
    return SharingModel(model, y, x)


def greedy_sharing(instance: SharingInstance) -> SharingPlan:
    """Pairs by decreasing value; a need takes the first free slots of the first host that has them."""
    start = time.perf_counter()
    taken: dict[tuple[int, int, int], bool] = {}
    weekly: dict[tuple[int, int], int] = defaultdict(int)
    served: set[int] = set()
    uses = []
    order = sorted(range(len(instance.pairs)), key=lambda p: (-instance.pairs[p].value_cad_per_yr, p))
    for p in order:
        pair = instance.pairs[p]
        months = _months(pair.months_mask)
        if pair.need in served or any(
            weekly[(pair.offer, m)] + pair.blocks > instance.capacity_slots[pair.offer] for m in months
        ):
            continue
        free = [s for s in pair.slots if not any(taken.get((pair.offer, s, m)) for m in months)]
        if len(free) < pair.blocks:
            continue
        chosen = tuple(free[: pair.blocks])
        for s in chosen:
            for m in months:
                taken[(pair.offer, s, m)] = True
        for m in months:
            weekly[(pair.offer, m)] += pair.blocks
        served.add(pair.need)
        uses.append(Use(p, chosen))
    value = sum(instance.pairs[u.pair].value_cad_per_yr for u in uses)
    return SharingPlan("feasible", tuple(uses), value, math.nan, value, "greedy", time.perf_counter() - start)


_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "error",
    cp_model.UNKNOWN: "unknown",
}


def solve_sharing(instance: SharingInstance, config: SharingConfig | None = None) -> SharingPlan:
    """Allocate the slots with CP-SAT (hinted by :func:`greedy_sharing`); return a :class:`SharingPlan`.

    Stateless; when CP-SAT finds nothing better than the greedy within the limit, the greedy plan is
    returned (``greedy-fallback``).
    """
    config = config or instance.config
    start = time.perf_counter()
    greedy = greedy_sharing(instance)
    if not instance.pairs:
        return SharingPlan("empty", (), 0.0, 0.0, 0.0, "greedy", time.perf_counter() - start)
    built = build_sharing_model(instance)
    hinted = {u.pair: set(u.slots) for u in greedy.uses}
    for p, var in built.y.items():
        built.model.add_hint(var, 1 if p in hinted else 0)
    for (p, s), var in built.x.items():
        built.model.add_hint(var, 1 if s in hinted.get(p, ()) else 0)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(config.time_limit_s)
    solver.parameters.num_search_workers = int(config.workers)
    solver.parameters.random_seed = int(config.seed)
    status = _STATUS.get(solver.solve(built.model), "unknown")
    elapsed = time.perf_counter() - start
    if status not in ("optimal", "feasible"):
        return SharingPlan(
            "feasible",
            greedy.uses,
            greedy.objective_cad_per_yr,
            math.nan,
            greedy.objective_cad_per_yr,
            "greedy-fallback",
            elapsed,
        )
    uses = tuple(
        Use(p, tuple(s for s in instance.pairs[p].slots if solver.boolean_value(built.x[(p, s)])))
        for p, var in built.y.items()
        if solver.boolean_value(var)
    )
    value = sum(instance.pairs[u.pair].value_cad_per_yr for u in uses)
    bound = float(solver.best_objective_bound) / 100.0
    if value < greedy.objective_cad_per_yr - 1e-6:
        return SharingPlan(
            "feasible",
            greedy.uses,
            greedy.objective_cad_per_yr,
            bound,
            greedy.objective_cad_per_yr,
            "greedy-fallback",
            elapsed,
        )
    logger.info(
        "shared equipment: %s, %d uses, %.0f $/yr (bound %.0f, greedy %.0f), %.2f s",
        status,
        len(uses),
        value,
        bound,
        greedy.objective_cad_per_yr,
        elapsed,
    )
    return SharingPlan(status, uses, value, bound, greedy.objective_cad_per_yr, "cp-sat", elapsed)
