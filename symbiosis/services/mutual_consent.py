"""Whether every member of a buying group, shared unit or shared collection has consented (read from the DB).

A firm sees the other members of an item it belongs to only once each member has accepted its own
part (its synergy row, :mod:`symbiosis.mutual.records`); until then they are described by bands
(:func:`symbiosis.synergy.anonymise.anonymise_counterparts`). This module answers, for a firm
actor, the one question its own rows cannot: how many members accepted. It returns counts only,
for items the firm is a member of, never who accepted.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import func, select

from symbiosis.db import Actor, Repository
from symbiosis.db.actor import require
from symbiosis.db.models_synergy import Consent, Synergy

__all__ = [
    "CONSENT_COLUMNS",
    "PARTNER_COLUMNS",
    "firm_items",
    "item_consents",
    "item_partners",
    "offer_item",
]

#: Columns of :func:`item_consents`.
CONSENT_COLUMNS: tuple[str, ...] = (
    "item_id",
    "n_members",
    "n_accepted",
    "all_accepted",
    "my_synergy_id",
    "my_status",
    "my_decision",
)
_MUTUAL_TYPES = ("group_purchase", "mutualisation")


def item_consents(repo: Repository, actor: Actor, item_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """For each item (group, unit or collection route) the actor's firm is a member of: members,
    acceptances, and the firm's own synergy, status and decision (:data:`CONSENT_COLUMNS`).

    Advisors and program managers get every item. A member counts as accepted when its row's
    consents are all ``accept`` (a member's row names its firm on both sides).
    """
    wanted = None if item_ids is None else [str(i) for i in item_ids]
    with repo.transaction(actor, "read_item_consents", write=False) as conn:
        require(
            actor,
            actor.role == "firm" or actor.reads_all,
            "read the consents of shared items",
            table="synergies",
        )
        query = select(Synergy.synergy_id, Synergy.demand_id, Synergy.supply_firm_id, Synergy.status).where(
            Synergy.synergy_type.in_(_MUTUAL_TYPES), Synergy.supply_firm_id == Synergy.demand_firm_id
        )
        if wanted is not None:
            query = query.where(Synergy.demand_id.in_(wanted))
        rows = pd.DataFrame(conn.execute(query).all(), columns=["synergy_id", "item_id", "firm_id", "status"])
        accepts = pd.DataFrame(
            conn.execute(
                select(Consent.synergy_id, func.max(Consent.decision), func.count())
                .where(Consent.synergy_id.in_(rows["synergy_id"].tolist()))
                .group_by(Consent.synergy_id)
            ).all(),
            columns=["synergy_id", "decision", "n"],
        )
    if not actor.reads_all:
        mine = set(rows.loc[rows["firm_id"] == actor.firm_id, "item_id"])
        rows = rows[rows["item_id"].isin(mine)]
    decided = dict(zip(accepts["synergy_id"], accepts["decision"], strict=True))
    decision = rows["synergy_id"].map(lambda sid: decided.get(sid, "")).astype(object)
    rows = rows.assign(accepted=decision.eq("accept"), decision=decision)  # max: any decline wins
    firms = rows.groupby(["item_id", "firm_id"], as_index=False)["accepted"].all()
    grouped = firms.groupby("item_id").agg(n_members=("firm_id", "size"), n_accepted=("accepted", "sum"))
    own = rows[rows["firm_id"] == (actor.firm_id or "")].drop_duplicates("item_id").set_index("item_id")
    out = grouped.reset_index()
    out["all_accepted"] = out["n_accepted"] >= out["n_members"]
    out["my_synergy_id"] = out["item_id"].map(own["synergy_id"]).fillna("")
    out["my_status"] = out["item_id"].map(own["status"]).fillna("")
    out["my_decision"] = out["item_id"].map(own["decision"]).fillna("")
    return out[list(CONSENT_COLUMNS)]


def offer_item(repo: Repository, actor: Actor, item_id: str) -> int:
    """Offer a recorded group, shared unit or shared collection to its members, in one step.

    Every member's part still ``proposed`` is qualified (each move audited, like one made in the
    synergy pipeline); from then on each member firm sees the item on its page and may accept or
    decline it. Parts already further along are left as they are.

    Returns
    -------
    int
        How many parts were qualified now (0 when every part already had been).

    Raises
    ------
    symbiosis.db.NotFound
        No part of ``item_id`` is recorded (record the plan's proposals first).
    symbiosis.db.PermissionDenied
        The actor may not move synergies (only advisors and the system may).
    """
    from symbiosis.db import NotFound
    from symbiosis.services.synergy_store import SynergyRepository

    with repo.transaction(actor, "read_item_parts", write=False) as conn:
        require(actor, actor.administers, "offer a shared item to its members", table="synergies")
        parts = conn.execute(
            select(Synergy.synergy_id, Synergy.status).where(
                Synergy.demand_id == str(item_id),
                Synergy.synergy_type.in_(_MUTUAL_TYPES),
                Synergy.supply_firm_id == Synergy.demand_firm_id,
            )
        ).all()
    if not parts:
        raise NotFound(f"no recorded part of {item_id!r}")
    store = SynergyRepository(repo)
    waiting = sorted(sid for sid, status in parts if status == "proposed")
    for sid in waiting:
        store.transition(actor, sid, "qualified")
    return len(waiting)


#: Columns of :func:`item_partners`.
PARTNER_COLUMNS: tuple[str, ...] = (
    "revealed",
    "firm_id",
    "name",
    "municipality",
    "contact_name",
    "contact_email",
    "contact_phone",
    "sector",
    "area_level",
    "area",
    "distance_band",
    "quantity_band",
    "flow_unit",
)


def firm_items(repo: Repository, actor: Actor) -> pd.DataFrame:
    """A firm's parts in groups, shared units and shared collections, once qualified by an advisor.

    Columns: :data:`CONSENT_COLUMNS` plus ``synergy_type, row_id, category_id, flow_per_yr,
    flow_unit, net_value_cad_per_yr, co2e_avoided_t_per_yr`` (its own figures, from the estimate).
    """
    with repo.transaction(actor, "read_firm_items", write=False) as conn:
        require(actor, actor.role == "firm", "read its shared items as a firm", table="synergies")
        rows = pd.DataFrame(
            conn.execute(
                select(
                    Synergy.synergy_id,
                    Synergy.synergy_type,
                    Synergy.demand_id,
                    Synergy.supply_id,
                    Synergy.supply_category_id,
                    Synergy.flow_per_yr,
                    Synergy.flow_unit,
                    Synergy.estimate,
                ).where(
                    Synergy.synergy_type.in_(_MUTUAL_TYPES),
                    Synergy.supply_firm_id == actor.firm_id,
                    Synergy.demand_firm_id == actor.firm_id,
                    Synergy.qualified_at.is_not(None),
                )
            ).all(),
            columns=[
                "my_synergy_id",
                "synergy_type",
                "item_id",
                "row_id",
                "category_id",
                "flow_per_yr",
                "flow_unit",
                "estimate",
            ],
        )
    counts = (
        item_consents(repo, actor, rows["item_id"].unique().tolist())
        if len(rows)
        else pd.DataFrame(columns=list(CONSENT_COLUMNS))
    )
    figures = rows["estimate"].map(lambda e: (e or {}).get("figures", {}) if isinstance(e, dict) else {})
    rows = rows.assign(
        net_value_cad_per_yr=figures.map(lambda f: f.get("net_value_cad_per_yr") or 0.0),
        co2e_avoided_t_per_yr=figures.map(lambda f: f.get("co2e_avoided_t_per_yr") or 0.0),
    )
    out = rows.drop(columns=["estimate"]).merge(
        counts.drop(columns=["my_synergy_id"]), on="item_id", how="left"
    )
    return out.sort_values(["synergy_type", "item_id", "row_id"], ignore_index=True)


def item_partners(
    repo: Repository, actor: Actor, item_id: str, *, k: int = 3, detour_factor: float = 1.3
) -> pd.DataFrame:
    """The other members of an item the actor's firm belongs to (:data:`PARTNER_COLUMNS`).

    Once every member accepted: names, places and contacts (the reveal is audited). Before: only
    sector, area, distance band and quantity band, k-suppressed
    (:func:`symbiosis.synergy.anonymise.anonymise_counterparts`).

    Raises
    ------
    symbiosis.db.PermissionDenied
        Not a firm actor, or not a member of the item with a qualified part.
    """
    from symbiosis.db.audit import AuditEntry, append_audit
    from symbiosis.db.models import Firm
    from symbiosis.places.distance import haversine_km
    from symbiosis.synergy.anonymise import anonymise_counterparts

    counts = item_consents(repo, actor, [item_id])
    with repo.transaction(actor, "read_item_partners", write=True) as conn:
        require(
            actor,
            actor.role == "firm",
            "read the members of a shared item",
            table="synergies",
            keys=[item_id],
        )
        members = pd.DataFrame(
            conn.execute(
                select(
                    Synergy.supply_firm_id, Synergy.flow_per_yr, Synergy.flow_unit, Synergy.qualified_at
                ).where(
                    Synergy.demand_id == item_id,
                    Synergy.synergy_type.in_(_MUTUAL_TYPES),
                    Synergy.supply_firm_id == Synergy.demand_firm_id,
                )
            ).all(),
            columns=["firm_id", "flow_per_yr", "flow_unit", "qualified_at"],
        )
        mine = members[(members["firm_id"] == actor.firm_id) & members["qualified_at"].notna()]
        require(
            actor,
            not mine.empty,
            "read the members of an item it is not part of",
            table="synergies",
            keys=[item_id],
        )
        firms = pd.DataFrame(
            conn.execute(
                select(
                    Firm.firm_id,
                    Firm.name,
                    Firm.scian_code,
                    Firm.municipality,
                    Firm.lat,
                    Firm.lon,
                    Firm.contact_name,
                    Firm.contact_email,
                    Firm.contact_phone,
                )
            ).all(),
            columns=[
                "firm_id",
                "name",
                "scian_code",
                "municipality",
                "lat",
                "lon",
                "contact_name",
                "contact_email",
                "contact_phone",
            ],
        )
        others = (
            members[members["firm_id"] != actor.firm_id]
            .groupby("firm_id", as_index=False)
            .agg(flow_per_yr=("flow_per_yr", "sum"), flow_unit=("flow_unit", "first"))
        )
        revealed = bool(counts["all_accepted"].iloc[0]) if len(counts) else False
        if revealed and len(others):
            append_audit(
                conn,
                actor,
                [
                    AuditEntry(
                        "reveal",
                        "synergies",
                        item_id,
                        actor.firm_id,
                        None,
                        {"members": sorted(others["firm_id"])},
                    )
                ],
                at=_now(),
            )
    info = firms.set_index("firm_id")
    my_lat, my_lon = (float(v) for v in info.loc[str(actor.firm_id), ["lat", "lon"]].to_numpy(dtype=float))
    there = info.reindex(others["firm_id"])
    km = detour_factor * haversine_km(
        my_lat, my_lon, there["lat"].to_numpy(float), there["lon"].to_numpy(float)
    )
    bands = anonymise_counterparts(
        pd.DataFrame(
            {
                "counterpart_firm_id": others["firm_id"].to_numpy(),
                "road_distance_km": km,
                "flow_per_yr": others["flow_per_yr"].to_numpy(),
            }
        ),
        firms,
        k=k,
    )
    out = pd.DataFrame(
        {
            "revealed": revealed,
            "firm_id": others["firm_id"].to_numpy() if revealed else "",
            "flow_unit": others["flow_unit"].to_numpy(),
        }
    )
    for col in ("name", "municipality", "contact_name", "contact_email", "contact_phone"):
        out[col] = there[col].fillna("").to_numpy() if revealed else ""
    for col in ("sector", "area_level", "area", "distance_band", "quantity_band"):
        out[col] = bands[col].to_numpy()
    return out[list(PARTNER_COLUMNS)]


def _now():
    import datetime as dt

    return dt.datetime.now(dt.UTC)
