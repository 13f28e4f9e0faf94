"""Parameters of the three mutualisation levers: frozen dataclasses, explicit, with their units and sources.

Money is in CAD, distances in road km (``TransportConfig.detour_factor`` × great-circle, the one
distance definition of the engine), times in minutes or hours as named. Defaults are estimates
for Saguenay–Lac-Saint-Jean in 2026, to be replaced by a program's own figures.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from symbiosis.engine.config import TransportConfig

__all__ = ["MutualConfig", "PurchaseConfig", "RouteConfig", "SharingConfig", "UnitConfig"]


@dataclass(frozen=True)
class PurchaseConfig:
    """Group purchasing.

    Parameters
    ----------
    coordination_cost_cad_per_group_yr
        Yearly cost of running one buying group (joint tender, follow-up), shared among the
        members pro rata of their purchase value.
    max_group_size
        Largest number of firms in one group.
    min_group_size
        Smallest number of firms in a group (2: a firm alone is not a group).
    time_limit_s, workers, seed
        CP-SAT search limits (``workers=1``, the default, gives a deterministic run and was the
        fastest on the sample region's small models).
    """

    coordination_cost_cad_per_group_yr: float = 500.0
    max_group_size: int = 12
    min_group_size: int = 2
    time_limit_s: float = 10.0
    workers: int = 1
    seed: int = 0


@dataclass(frozen=True)
class SharingConfig:
    """Shared equipment and services: the weekly slot grid and the users' travel.

    Parameters
    ----------
    slot_hours
        Length of one slot (a half-day), h. A need of ``h`` hours per week takes ``ceil(h / slot_hours)``
        slots.
    weeks_per_month
        52 / 12.
    travel_cost_cad_per_km
        Cost of a user's return trip to the host, per road km (vehicle and driver's time; the
        0.70 $/km of the Canada Revenue Agency's 2025 automobile allowance rate, an estimate).
    time_limit_s, workers, seed
        CP-SAT search limits.
    """

    slot_hours: float = 4.0
    weeks_per_month: float = 52.0 / 12.0
    travel_cost_cad_per_km: float = 0.70
    time_limit_s: float = 5.0
    workers: int = 1
    seed: int = 0


@dataclass(frozen=True)
class UnitConfig:
    """Shared new treatment units (the unit's own figures come from the advisor's unit table).

    Parameters
    ----------
    discount_rate
        Real discount rate of the annualised investment (capital recovery factor).
    min_members
        Smallest number of firms that share a unit.
    radius_km
        Farthest a member hauls its residue to the unit, road km.
    """

    discount_rate: float = 0.06
    min_members: int = 2
    radius_km: float = 60.0


@dataclass(frozen=True)
class RouteConfig:
    """Shared collection tours.

    Parameters
    ----------
    trucks_per_receiver
        Trucks available at each receiver on a collection day.
    truck_capacity_kg
        Payload of a collection truck of a class not listed in ``capacity_kg_by_class``.
    capacity_kg_by_class
        Payload per truck class (residues table): a box truck carrying cardboard bales, film and
        pallets is full by volume near 6 t; a hook-lift truck takes 10 t of scrap bins; a 10 000 L
        tanker 9 t of used oil (estimates).
    speed_kmh
        Average road speed between stops.
    cost_cad_per_km, cost_cad_per_h
        Running cost (fuel, tyres, maintenance) and driver's cost of a truck (estimates).
    cost_cad_per_trip
        Fixed cost of one truck going out (dispatch, weighing ticket), shared or separate.
    co2e_kg_per_km
        Truck emissions per vehicle-km (UK DESNZ/DEFRA 2023, HGV all diesel, ≈ 0.9 kg CO2e/km;
        the factor ``avoided_dedicated_trip`` of the engine's factor table uses the same value).
    shift_start_min, shift_end_min
        Working day of the trucks, minutes after midnight.
    time_limit_s
        Time limit of each routing solve, s (``guided_local_search`` runs to it).
    metaheuristic
        ``greedy_descent`` (stops at the first local optimum: milliseconds per day) or
        ``guided_local_search`` (escapes local optima until the time limit: 1–3 % fewer km on the
        benchmark's days, see ``benchmarks/bench_mutual.py``).
    """

    trucks_per_receiver: int = 2
    truck_capacity_kg: float = 8000.0
    capacity_kg_by_class: Mapping[str, float] = field(
        default_factory=lambda: {"box_truck": 6000.0, "roll_off": 10000.0, "tanker": 9000.0}
    )
    speed_kmh: float = 60.0
    cost_cad_per_km: float = 1.10
    cost_cad_per_h: float = 85.0
    cost_cad_per_trip: float = 40.0
    co2e_kg_per_km: float = 0.9
    shift_start_min: int = 7 * 60
    shift_end_min: int = 17 * 60
    time_limit_s: float = 1.0
    metaheuristic: str = "greedy_descent"

    def capacity_for(self, truck_class: str) -> float:
        """Payload of a truck of ``truck_class``, kg."""
        return float(self.capacity_kg_by_class.get(truck_class, self.truck_capacity_kg))

    def __post_init__(self) -> None:
        if self.metaheuristic not in ("guided_local_search", "greedy_descent"):
            raise ValueError("metaheuristic is guided_local_search or greedy_descent")
        if self.truck_capacity_kg <= 0 or self.speed_kmh <= 0 or self.trucks_per_receiver < 1:
            raise ValueError("truck capacity, speed and trucks per receiver must be positive")


@dataclass(frozen=True)
class MutualConfig:
    """All the parameters of :func:`symbiosis.mutual.run_mutual`.

    Parameters
    ----------
    transport
        The engine's transport parameters (detour factor, haulage prices for shared units).
    purchase, sharing, units, routes
        One block per lever.
    levers
        The levers to plan (``purchasing``, ``sharing``, ``units``, ``routes``).
    """

    transport: TransportConfig = field(default_factory=TransportConfig)
    purchase: PurchaseConfig = field(default_factory=PurchaseConfig)
    sharing: SharingConfig = field(default_factory=SharingConfig)
    units: UnitConfig = field(default_factory=UnitConfig)
    routes: RouteConfig = field(default_factory=RouteConfig)
    levers: tuple[str, ...] = ("purchasing", "sharing", "units", "routes")

    def __post_init__(self) -> None:
        unknown = set(self.levers) - {"purchasing", "sharing", "units", "routes"}
        if unknown:
            raise ValueError(f"unknown lever(s) {sorted(unknown)}")

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as plain data (for a run's record and JSON output)."""
        return dataclasses.asdict(self)
