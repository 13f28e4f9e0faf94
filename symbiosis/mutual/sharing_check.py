"""Solver-free checker of a shared-equipment plan, and its cost sharing (pro rata of use).

Cost-sharing rule, stated in every explanation: each user pays the host's operating cost for its own
hours, plus a share of the asset's yearly fixed cost pro rata of the hours used,
``F · h_u / (H_host + Σ h)`` (``H_host`` the host's own hours, ``Σ h`` all users' hours); the host
keeps the rest of ``F``. A user's net saving is its alternative cost minus what it pays and its trips.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np
import pandas as pd

from symbiosis.findings import Finding
from symbiosis.i18n import TextTable, t
from symbiosis.mutual.sharing import (
    DEFAULT_SHARING_KM,
    SharingInstance,
    SharingPlan,
    _months,
    _slots,
    slot_label,
)
from symbiosis.mutual.text import money, months_text, number, slots_text
from symbiosis.places.distance import haversine_km

__all__ = [
    "CHECK_TEXTS",
    "USE_COLUMNS",
    "check_sharing",
    "explain_use",
    "sharing_timetable",
    "sharing_uses_frame",
    "use_slots_text",
]

#: What each finding code says, from the message catalogue (``mutual.check.sharing.<code>``).
CHECK_TEXTS = TextTable("mutual.check.sharing")

USE_COLUMNS: tuple[str, ...] = (
    "need_id",
    "user_firm_id",
    "offer_id",
    "host_firm_id",
    "asset_type",
    "slots",
    "hours_per_week",
    "months_mask",
    "hours_per_yr",
    "road_km",
    "alternative_cost_cad_per_yr",
    "operating_cost_cad_per_yr",
    "fixed_share_cad_per_yr",
    "travel_cost_cad_per_yr",
    "user_net_saving_cad_per_yr",
    "host_gain_cad_per_yr",
    "saving_cad_per_yr",
)


def _broken(code: str, location: str = "", **values: object) -> Finding:
    return Finding(code=code, location=location, detail=CHECK_TEXTS[code].format(**values))


def check_sharing(instance: SharingInstance, plan: SharingPlan) -> list[Finding]:
    """Return every rule the plan breaks (empty when it is valid), one finding each.

    Rules: each need served once; the sites within both firms' accepted distance (road km); every
    used slot open to both firms, the need's slot count
    exactly met, no offer slot given to two users in a common month, no more slots per week than
    the host's spare hours in any month, compatible pair (asset type, distinct firms, months
    overlap), and the objective equal to the recomputed pair values.
    """
    problems: list[Finding] = []
    offers, needs, config = instance.offers, instance.needs, instance.config
    served = Counter(instance.pairs[u.pair].need for u in plan.uses if 0 <= u.pair < len(instance.pairs))
    problems += [_broken("need_repeated", f"need {n}", need=n, n=k) for n, k in served.items() if k > 1]
    occupied: dict[tuple[int, int, int], int] = defaultdict(int)
    weekly: dict[tuple[int, int], int] = defaultdict(int)
    total = 0.0
    for use in plan.uses:
        if not 0 <= use.pair < len(instance.pairs):
            problems.append(_broken("unknown_pair", f"pair {use.pair}", pair=use.pair))
            continue
        pair = instance.pairs[use.pair]
        offer, need = offers.iloc[pair.offer], needs.iloc[pair.need]
        label = f"need {need['need_id']} on {offer['offer_id']}"
        if offer["asset_type"] != need["asset_type"] or offer["firm_id"] == need["firm_id"]:
            problems.append(_broken("incompatible", label, label=label))
        km = instance.detour_factor * float(
            haversine_km(need["lat"], need["lon"], offer["lat"], offer["lon"])
        )
        limits = [float(v) for v in (need["max_distance_km"], offer["max_distance_km"]) if pd.notna(v)]
        if abs(km - pair.road_km) > 1e-6 or km > min(limits or [DEFAULT_SHARING_KM]) + 1e-6:
            problems.append(_broken("too_far", label, label=label, km=f"{km:.1f}"))
        months = int(offer["months_mask"]) & int(need["months_mask"])
        if months != pair.months_mask or not months:
            problems.append(
                _broken("months_mismatch", label, label=label, claimed=pair.months_mask, months=months)
            )
        open_slots = _slots(offer["days_mask"], offer["periods_mask"]) & _slots(
            need["days_mask"], need["periods_mask"]
        )
        if not set(use.slots) <= open_slots:
            closed = sorted(set(use.slots) - open_slots)
            problems.append(_broken("slots_closed", label, label=label, slots=closed))
        blocks = math.ceil(float(need["hours_per_week"]) / config.slot_hours - 1e-9)
        if len(set(use.slots)) != blocks or len(use.slots) != blocks:
            problems.append(_broken("slot_count", label, label=label, n=len(use.slots), blocks=blocks))
        for m in _months(months):
            weekly[(pair.offer, m)] += len(use.slots)
            for s in use.slots:
                occupied[(pair.offer, s, m)] += 1
        total += pair.value_cad_per_yr
    problems += [
        _broken(
            "slot_shared",
            str(offers.iloc[o]["offer_id"]),
            offer=offers.iloc[o]["offer_id"],
            slot=s,
            month=m + 1,
            n=k,
        )
        for (o, s, m), k in occupied.items()
        if k > 1
    ]
    cap = [math.floor(float(h) / config.slot_hours + 1e-9) for h in offers["hours_per_week"]]
    problems += [
        _broken(
            "week_over",
            str(offers.iloc[o]["offer_id"]),
            offer=offers.iloc[o]["offer_id"],
            n=k,
            month=m + 1,
            cap=cap[o],
        )
        for (o, m), k in weekly.items()
        if k > cap[o]
    ]
    if abs(total - plan.objective_cad_per_yr) > 0.01 * max(1, len(plan.uses)):
        claimed = f"{plan.objective_cad_per_yr:.2f}"
        problems.append(_broken("objective_mismatch", claimed=claimed, total=f"{total:.2f}"))
    return problems


def _slot_text(slots: tuple[int, ...], lang: str) -> str:
    return slots_text(slots, lang)


def use_slots_text(timetable: pd.DataFrame, need_id: str, lang: str = "fr") -> str:
    """The slots of one served need in ``lang``, read from the plan's timetable (not from the words the
    plan was written in: a plan kept for a session serves both languages)."""
    return slots_text(timetable.loc[timetable["need_id"] == need_id, "slot"], lang)


def sharing_uses_frame(instance: SharingInstance, plan: SharingPlan, lang: str = "fr") -> pd.DataFrame:
    """One row per served need (:data:`USE_COLUMNS`), with the cost sharing of the module docstring."""
    offers, needs, config = instance.offers, instance.needs, instance.config
    rows = []
    for use in plan.uses:
        pair = instance.pairs[use.pair]
        offer, need = offers.iloc[pair.offer], needs.iloc[pair.need]
        weeks = config.weeks_per_month * len(_months(pair.months_mask))
        hours = len(use.slots) * config.slot_hours * weeks
        rows.append(
            {
                "need_id": need["need_id"],
                "user_firm_id": need["firm_id"],
                "offer_id": offer["offer_id"],
                "host_firm_id": offer["firm_id"],
                "asset_type": offer["asset_type"],
                "slots": _slot_text(use.slots, lang),
                "hours_per_week": len(use.slots) * config.slot_hours,
                "months_mask": pair.months_mask,
                "hours_per_yr": hours,
                "road_km": pair.road_km,
                "alternative_cost_cad_per_yr": hours * float(need["alternative_cost_cad_per_h"]),
                "operating_cost_cad_per_yr": hours * float(offer["cost_cad_per_h"]),
                "travel_cost_cad_per_yr": len(use.slots)
                * weeks
                * 2
                * pair.road_km
                * config.travel_cost_cad_per_km,
                "_offer": pair.offer,
                "saving_cad_per_yr": pair.value_cad_per_yr,
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=list(USE_COLUMNS))
    fixed = pd.to_numeric(offers["fixed_cost_cad_per_yr"], errors="coerce").fillna(0.0).to_numpy(float)
    host = pd.to_numeric(offers["host_hours_per_yr"], errors="coerce").fillna(0.0).to_numpy(float)
    used = frame.groupby("_offer")["hours_per_yr"].transform("sum").to_numpy(float)
    o = frame["_offer"].to_numpy(int)
    denominator = host[o] + used
    frame["fixed_share_cad_per_yr"] = np.where(
        denominator > 0, fixed[o] * frame["hours_per_yr"] / denominator, 0.0
    )
    frame["host_gain_cad_per_yr"] = frame["fixed_share_cad_per_yr"]
    frame["user_net_saving_cad_per_yr"] = (
        frame["alternative_cost_cad_per_yr"]
        - frame["operating_cost_cad_per_yr"]
        - frame["fixed_share_cad_per_yr"]
        - frame["travel_cost_cad_per_yr"]
    )
    return frame[list(USE_COLUMNS)]


def sharing_timetable(instance: SharingInstance, plan: SharingPlan) -> pd.DataFrame:
    """Weekly timetable: ``offer_id, host_firm_id, day, period, slot, need_id, user_firm_id, months_mask``."""
    rows = []
    for use in plan.uses:
        pair = instance.pairs[use.pair]
        offer, need = instance.offers.iloc[pair.offer], instance.needs.iloc[pair.need]
        for s in sorted(use.slots):
            day, period = slot_label(s)
            rows.append(
                {
                    "offer_id": offer["offer_id"],
                    "host_firm_id": offer["firm_id"],
                    "day": day,
                    "period": period,
                    "slot": s,
                    "need_id": need["need_id"],
                    "user_firm_id": need["firm_id"],
                    "months_mask": pair.months_mask,
                }
            )
    columns = ["offer_id", "host_firm_id", "day", "period", "slot", "need_id", "user_firm_id", "months_mask"]
    return pd.DataFrame(rows, columns=columns).sort_values(["offer_id", "slot"], ignore_index=True)


def explain_use(
    row: pd.Series, lang: str = "fr", *, names: dict[str, str] | None = None, asset_label: str = ""
) -> str:
    """A paragraph on one served need: who uses what, when, and how the cost is shared."""
    names = names or {}
    return t(
        "mutual.sharing.explain",
        lang,
        user=names.get(row["user_firm_id"], row["user_firm_id"]),
        host=names.get(row["host_firm_id"], row["host_firm_id"]),
        asset=asset_label or row["asset_type"],
        slots=row["slots"],
        hours=number(row["hours_per_week"], lang),
        months=months_text(row["months_mask"], lang),
        km=number(row["road_km"], lang),
        operating=money(row["operating_cost_cad_per_yr"], lang),
        fixed=money(row["fixed_share_cad_per_yr"], lang),
        travel=money(row["travel_cost_cad_per_yr"], lang),
        alternative=money(row["alternative_cost_cad_per_yr"], lang),
        net=money(row["user_net_saving_cad_per_yr"], lang),
    )
