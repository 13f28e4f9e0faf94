"""Shared new treatment units: which firms with the same small need share one unit, its size and its site.

For each treatment type (oily water, wood grinding…), firms are grouped around the candidate site
(a member's site or an industrial park) that gathers the largest quantity within ``radius_km``;
the unit's size is the smallest size of the advisor's unit table that covers the group's quantity
(members are kept nearest first when even the largest size is too small). The **site** is then the
candidate (the members' sites and the parks) with the **minimum total transport**
``Σ q_i · t_i · km(i, site)`` (tonne-km) among those within ``radius_km`` of every member.

Economics, all from the unit table's parameters (the advisor's figures, never guessed here):
annualised capital ``I · r(1+r)^n / ((1+r)^n − 1)``, fixed and variable costs, each member's own
haulage (``TransportConfig``: $/t·km and $/trip, ``ceil(tonnes / payload)`` trips, none for a member
on the site itself); members share
capital and fixed costs pro rata of their quantity and pay their own variable cost and haulage. A
member that would lose compared with its current cost leaves, and the group is valued again.
The simple payback is ``I / (current cost − fixed − variable − haulage)``.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from symbiosis.engine.config import TransportConfig
from symbiosis.findings import Finding
from symbiosis.i18n import TextTable
from symbiosis.mutual.config import UnitConfig
from symbiosis.places.distance import haversine_km

__all__ = [
    "MEMBER_COLUMNS",
    "UNIT_COLUMNS",
    "SharedUnitPlan",
    "annuity_factor",
    "candidate_sites",
    "check_units",
    "plan_units",
    "unit_economics",
    "unit_id_of",
]

#: A member closer than this to the unit's site needs no truck (same site), road km.
ON_SITE_KM = 0.5
UNIT_COLUMNS: tuple[str, ...] = (
    "unit_id",
    "treatment_type",
    "size_id",
    "site_kind",
    "site_id",
    "site_name",
    "lat",
    "lon",
    "n_members",
    "quantity_per_yr",
    "unit",
    "capacity_per_yr",
    "investment_cad",
    "annualised_capital_cad_per_yr",
    "fixed_cost_cad_per_yr",
    "variable_cost_cad_per_yr",
    "haulage_cost_cad_per_yr",
    "transport_t_km_per_yr",
    "current_cost_cad_per_yr",
    "saving_cad_per_yr",
    "payback_yr",
    "npv_cad",
    "lifetime_yr",
)
MEMBER_COLUMNS: tuple[str, ...] = (
    "unit_id",
    "need_id",
    "firm_id",
    "quantity_per_yr",
    "road_km",
    "t_km_per_yr",
    "investment_share_cad",
    "capital_and_fixed_share_cad_per_yr",
    "variable_cost_cad_per_yr",
    "haulage_cost_cad_per_yr",
    "current_cost_cad_per_yr",
    "saving_cad_per_yr",
)


@dataclass(frozen=True)
class SharedUnitPlan:
    """The proposed shared units (:data:`UNIT_COLUMNS`) and their members (:data:`MEMBER_COLUMNS`)."""

    units: pd.DataFrame
    members: pd.DataFrame
    wall_time_s: float = 0.0


def annuity_factor(rate: float, years: float) -> float:
    """Capital recovery factor ``r(1+r)^n / ((1+r)^n − 1)`` (``1/n`` when ``r = 0``)."""
    if years <= 0:
        return math.inf
    if rate == 0:
        return 1.0 / years
    growth = (1.0 + rate) ** years
    return rate * growth / (growth - 1.0)


def candidate_sites(needs: pd.DataFrame, parks: pd.DataFrame) -> pd.DataFrame:
    """The members' sites and the parks: ``site_kind, site_id, site_name, lat, lon``."""
    members = pd.DataFrame(
        {
            "site_kind": "member",
            "site_id": needs["firm_id"].astype(str),
            "site_name": needs.get("name", needs["firm_id"]).astype(str),
            "lat": needs["lat"].astype(float),
            "lon": needs["lon"].astype(float),
        }
    )
    park = pd.DataFrame(
        {
            "site_kind": "park",
            "site_id": parks["park_id"].astype(str),
            "site_name": parks["name"].astype(str),
            "lat": parks["lat"].astype(float),
            "lon": parks["lon"].astype(float),
        }
    )
    return pd.concat([members, park], ignore_index=True).drop_duplicates(
        ["site_kind", "site_id"], ignore_index=True
    )


def unit_economics(
    quantity: np.ndarray,
    current_cost: np.ndarray,
    t_km: np.ndarray,
    trips: np.ndarray,
    spec: pd.Series,
    config: UnitConfig,
    transport: TransportConfig,
) -> dict[str, object]:
    """Yearly figures of one unit and of each member (arrays in member order)."""
    total = float(quantity.sum())
    capital = float(spec["investment_cad"]) * annuity_factor(config.discount_rate, float(spec["lifetime_yr"]))
    fixed = float(spec["fixed_cost_cad_per_yr"])
    variable = quantity * float(spec["variable_cost_cad_per_unit"])
    haulage = t_km * transport.cost_cad_per_t_km + trips * transport.cost_cad_per_trip
    share = quantity / total if total > 0 else np.zeros_like(quantity)
    current = quantity * current_cost
    member_cost = (capital + fixed) * share + variable + haulage
    operating_margin = float(current.sum() - fixed - variable.sum() - haulage.sum())
    years = float(spec["lifetime_yr"])
    npv = -float(spec["investment_cad"]) + operating_margin * (
        (1 - (1 + config.discount_rate) ** -years) / config.discount_rate if config.discount_rate else years
    )
    return {
        "capital": capital,
        "fixed": fixed,
        "variable": variable,
        "haulage": haulage,
        "current": current,
        "member_saving": current - member_cost,
        "investment_share": float(spec["investment_cad"]) * share,
        "capital_fixed_share": (capital + fixed) * share,
        "saving": float(current.sum() - capital - fixed - variable.sum() - haulage.sum()),
        "payback": float(spec["investment_cad"]) / operating_margin if operating_margin > 0 else math.inf,
        "npv": npv,
    }


def _size(specs: pd.DataFrame, quantity: float) -> pd.Series:
    """Smallest size covering ``quantity`` (the largest when none does)."""
    ordered = specs.sort_values("capacity_per_yr")
    fits = ordered[ordered["capacity_per_yr"] >= quantity - 1e-9]
    return (fits if len(fits) else ordered).iloc[0 if len(fits) else -1]


def _best_site(km: np.ndarray, tonnes: np.ndarray, radius: float) -> int | None:
    """Candidate (column of ``km``) with the least tonne-km among those within ``radius`` of all members."""
    reachable = (km <= radius + 1e-9).all(axis=0)
    if not reachable.any():
        return None
    cost = np.where(reachable, tonnes @ km, np.inf)
    return int(np.argmin(cost))


@dataclass(frozen=True)
class _Context:
    parks: pd.DataFrame
    config: UnitConfig
    transport: TransportConfig

    def km(self, part: pd.DataFrame, sites: pd.DataFrame) -> np.ndarray:
        """Road km from each row of ``part`` to each site."""
        return self.transport.detour_factor * haversine_km(
            part["lat"].to_numpy(float)[:, None],
            part["lon"].to_numpy(float)[:, None],
            sites["lat"].to_numpy(float)[None, :],
            sites["lon"].to_numpy(float)[None, :],
        )


def _site_for(members: pd.DataFrame, spec: pd.Series, ctx: _Context) -> pd.Series | None:
    """The members' least-transport site among their own sites and the parks (None: none within reach)."""
    sites = candidate_sites(members, ctx.parks)
    tonnes = members["quantity_per_yr"].to_numpy(float) * float(spec["t_per_unit"])
    best = _best_site(ctx.km(members, sites), tonnes, ctx.config.radius_km)
    return None if best is None else sites.iloc[best]


def _seed_group(pool: pd.DataFrame, specs: pd.DataFrame, ctx: _Context) -> list[int]:
    """Rows around the candidate site that gathers the most quantity within the radius (nearest first,
    within the largest size's capacity)."""
    sites = candidate_sites(pool, ctx.parks)
    km = ctx.km(pool, sites)
    q = pool["quantity_per_yr"].to_numpy(float)
    within = km <= ctx.config.radius_km
    seed = int(np.argmax(q @ within))
    largest = float(specs["capacity_per_yr"].max())
    kept, total = [], 0.0
    for i in np.argsort(km[:, seed], kind="stable"):
        if within[i, seed] and total + q[i] <= largest + 1e-9:
            kept.append(int(i))
            total += q[i]
    return kept


def _value(part: pd.DataFrame, spec: pd.Series, site: pd.Series, ctx: _Context) -> dict[str, object]:
    km = ctx.transport.detour_factor * haversine_km(
        part["lat"].to_numpy(float), part["lon"].to_numpy(float), float(site["lat"]), float(site["lon"])
    )
    q = part["quantity_per_yr"].to_numpy(float)
    tonnes = q * float(spec["t_per_unit"])
    # a member on the unit's own site pumps or carries it there: no truck trip
    trips = np.where(km > ON_SITE_KM, np.ceil(tonnes / ctx.transport.truck_payload_t - 1e-9), 0.0)
    econ = unit_economics(
        q,
        part["current_cost_cad_per_unit"].to_numpy(float),
        tonnes * km,
        trips,
        spec,
        ctx.config,
        ctx.transport,
    )
    return {"km": km, "t_km": tonnes * km, **econ}


def unit_id_of(treatment_type: str, need_ids: list[str]) -> str:
    """Stable id of a shared unit: ``UC-`` and 10 hex digits of its type and sorted need ids."""
    text = "\x1f".join([treatment_type, *sorted(need_ids)])
    return "UC-" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:10]


def _rows(part: pd.DataFrame, spec: pd.Series, site: pd.Series, value: dict) -> tuple[dict, pd.DataFrame]:
    uid = unit_id_of(str(spec["treatment_type"]), part["need_id"].astype(str).tolist())
    q = part["quantity_per_yr"].to_numpy(float)
    unit = {
        "unit_id": uid,
        "treatment_type": spec["treatment_type"],
        "size_id": spec["size_id"],
        "site_kind": site["site_kind"],
        "site_id": site["site_id"],
        "site_name": site["site_name"],
        "lat": float(site["lat"]),
        "lon": float(site["lon"]),
        "n_members": len(part),
        "quantity_per_yr": float(q.sum()),
        "unit": spec["unit"],
        "capacity_per_yr": float(spec["capacity_per_yr"]),
        "investment_cad": float(spec["investment_cad"]),
        "annualised_capital_cad_per_yr": value["capital"],
        "fixed_cost_cad_per_yr": value["fixed"],
        "variable_cost_cad_per_yr": float(value["variable"].sum()),
        "haulage_cost_cad_per_yr": float(value["haulage"].sum()),
        "transport_t_km_per_yr": float(value["t_km"].sum()),
        "current_cost_cad_per_yr": float(value["current"].sum()),
        "saving_cad_per_yr": value["saving"],
        "payback_yr": value["payback"],
        "npv_cad": value["npv"],
        "lifetime_yr": float(spec["lifetime_yr"]),
    }
    members = pd.DataFrame(
        {
            "unit_id": uid,
            "need_id": part["need_id"].to_numpy(),
            "firm_id": part["firm_id"].to_numpy(),
            "quantity_per_yr": q,
            "road_km": value["km"],
            "t_km_per_yr": value["t_km"],
            "investment_share_cad": value["investment_share"],
            "capital_and_fixed_share_cad_per_yr": value["capital_fixed_share"],
            "variable_cost_cad_per_yr": value["variable"],
            "haulage_cost_cad_per_yr": value["haulage"],
            "current_cost_cad_per_yr": value["current"],
            "saving_cad_per_yr": value["member_saving"],
        }
    )
    return unit, members


def _settle(
    pool: pd.DataFrame, rows: list[int], specs: pd.DataFrame, ctx: _Context
) -> tuple[list[int], pd.Series | None, pd.Series | None]:
    """Size and site the group; drop members out of reach or losing money until it is stable."""
    while len(rows) >= ctx.config.min_members:
        part = pool.iloc[rows]
        spec = _size(specs, float(part["quantity_per_yr"].sum()))
        site = _site_for(part, spec, ctx)
        if site is None:  # no member site or park within reach of all: the farthest member leaves
            centre = part[["lat", "lon"]].mean()
            far = ctx.km(part, pd.DataFrame([centre]))[:, 0]
            rows = [r for r, _ in sorted(zip(rows, far, strict=True), key=lambda x: x[1])][:-1]
            continue
        losers = [
            r for r, s in zip(rows, _value(part, spec, site, ctx)["member_saving"], strict=True) if s < 0
        ]
        if not losers:
            return rows, spec, site
        rows = [r for r in rows if r not in losers]
    return rows, None, None


def _plan_type(
    needs: pd.DataFrame, specs: pd.DataFrame, ctx: _Context
) -> tuple[list[dict], list[pd.DataFrame]]:
    units, members = [], []
    pool = needs.reset_index(drop=True)
    while len(pool) >= ctx.config.min_members:
        seeded = _seed_group(pool, specs, ctx)
        if len(seeded) < ctx.config.min_members:
            break
        rows, spec, site = _settle(pool, seeded, specs, ctx)
        if spec is None or site is None:  # nobody gains around the densest place: set its nearest need aside
            pool = pool.drop(index=pool.index[seeded[:1]]).reset_index(drop=True)
            continue
        part = pool.iloc[rows]
        unit, table = _rows(part, spec, site, _value(part, spec, site, ctx))
        units.append(unit)
        members.append(table)
        pool = pool.drop(index=pool.index[rows]).reset_index(drop=True)
    return units, members


def plan_units(
    needs: pd.DataFrame,
    firms: pd.DataFrame,
    parks: pd.DataFrame,
    specs: pd.DataFrame,
    *,
    config: UnitConfig | None = None,
    transport: TransportConfig | None = None,
) -> SharedUnitPlan:
    """Propose shared treatment units (see the module docstring).

    Parameters
    ----------
    needs
        :data:`~symbiosis.mutual.tables.TREATMENT_NEEDS` rows.
    firms
        The registry's firms (``firm_id, name, lat, lon``).
    parks
        Industrial parks (``park_id, name, lat, lon``), candidate sites besides the members' sites.
    specs
        The advisor's unit table (:func:`~symbiosis.mutual.reference.load_treatment_units` columns).
    config, transport
        Discount rate, group size and radius; haulage prices and detour factor.
    """
    start = time.perf_counter()
    config, transport = config or UnitConfig(), transport or TransportConfig()
    located = needs.merge(firms[["firm_id", "name", "lat", "lon"]], on="firm_id", how="inner")
    located = located[located[["lat", "lon"]].notna().all(axis=1)]
    units: list[dict] = []
    members: list[pd.DataFrame] = []
    for treatment, part in located.groupby("treatment_type", sort=True):
        type_specs = specs[specs["treatment_type"] == treatment]
        if type_specs.empty:
            continue
        ctx = _Context(parks, config, transport)
        u, m = _plan_type(part.sort_values("need_id"), type_specs, ctx)
        units += u
        members += m
    unit_frame = pd.DataFrame(units, columns=list(UNIT_COLUMNS))
    member_frame = (
        pd.concat(members, ignore_index=True) if members else pd.DataFrame(columns=list(MEMBER_COLUMNS))
    )[list(MEMBER_COLUMNS)]
    return SharedUnitPlan(
        unit_frame.sort_values("saving_cad_per_yr", ascending=False, ignore_index=True),
        member_frame,
        time.perf_counter() - start,
    )


#: What each finding of :func:`check_units` says, from the catalogue (``mutual.check.units.<code>``).
CHECK_TEXTS = TextTable("mutual.check.units")


def _broken(code: str, location: str = "", **values: object) -> Finding:
    return Finding(code=code, location=location, detail=CHECK_TEXTS[code].format(**values))


def check_units(
    plan: SharedUnitPlan,
    needs: pd.DataFrame,
    firms: pd.DataFrame,
    parks: pd.DataFrame,
    specs: pd.DataFrame,
    *,
    config: UnitConfig | None = None,
    transport: TransportConfig | None = None,
) -> list[Finding]:
    """Return every rule the plan breaks (one finding each, empty when valid), without the planner.

    Rules: each need in one unit at most, of the unit's treatment type; at least ``min_members``;
    the size is the smallest covering the quantity (or the largest) and covers it unless none can;
    every member within ``radius_km`` of the site; the site has the least tonne-km among the
    candidate sites within reach of all members; every member saves; figures equal their
    recomputation.
    """
    config, transport = config or UnitConfig(), transport or TransportConfig()
    problems: list[Finding] = []
    counts = plan.members["need_id"].value_counts()
    problems += [_broken("need_repeated", f"need {n}", need=n, n=k) for n, k in counts.items() if k > 1]
    located = needs.merge(firms[["firm_id", "name", "lat", "lon"]], on="firm_id", how="inner").set_index(
        "need_id"
    )
    for unit in plan.units.to_dict("records"):
        mine = plan.members[plan.members["unit_id"] == unit["unit_id"]]
        part = located.loc[mine["need_id"]].reset_index()
        label = f"unit {unit['unit_id']}"
        if set(part["treatment_type"]) != {unit["treatment_type"]}:
            problems.append(_broken("other_treatment", label, unit=label))
        if len(part) < config.min_members:
            problems.append(
                _broken("too_few_members", label, unit=label, n=len(part), minimum=config.min_members)
            )
        spec = _size(
            specs[specs["treatment_type"] == unit["treatment_type"]], float(part["quantity_per_yr"].sum())
        )
        if spec["size_id"] != unit["size_id"]:
            problems.append(
                _broken("size_mismatch", label, unit=label, claimed=unit["size_id"], size=spec["size_id"])
            )
        ctx = _Context(parks, config, transport)
        sites = candidate_sites(part, parks)
        km = ctx.km(part, sites)
        tonnes = part["quantity_per_yr"].to_numpy(float) * float(spec["t_per_unit"])
        best = _best_site(km, tonnes, config.radius_km)
        at = np.flatnonzero(
            (sites["site_kind"] == unit["site_kind"]).to_numpy()
            & (sites["site_id"] == unit["site_id"]).to_numpy()
        )
        if best is None or not len(at):
            problems.append(_broken("site_out_of_reach", label, unit=label, site=unit["site_id"]))
            continue
        chosen = int(at[0])
        if (
            float(tonnes @ km[:, chosen]) > float(tonnes @ km[:, best]) + 1e-6
            or (km[:, chosen] > config.radius_km + 1e-9).any()
        ):
            problems.append(_broken("site_not_best", label, unit=label, site=unit["site_id"]))
        value = _value(part, spec, sites.iloc[chosen], ctx)
        if abs(value["saving"] - unit["saving_cad_per_yr"]) > 0.01:
            claimed, saving = f"{unit['saving_cad_per_yr']:.2f}", f"{value['saving']:.2f}"
            problems.append(_broken("saving_mismatch", label, unit=label, claimed=claimed, saving=saving))
        if (value["member_saving"] < -1e-6).any():
            problems.append(_broken("member_loses", label, unit=label))
    return problems
