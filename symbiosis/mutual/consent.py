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

__all__ = ["CONSENT_COLUMNS", "item_consents"]

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
