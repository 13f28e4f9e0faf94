"""Prospecting: leads for firms that have declared nothing yet, inferred from their SCIAN sector.

A firm that has not declared a stream is still worth a call: its sector says what it likely
produces and needs (:func:`symbiosis.kb.priors.infer_streams`, the "deductive" approach of French
practitioners). Each inferred stream is paired, through the same rules, distances, seasons,
quality and permit checks as declared ones (:func:`~symbiosis.engine.candidates.generate_candidates`),
with the *declared* streams of other firms. A lead is a question for an advisor ("does this firm
have bark?"), not an exchange: it is labelled ``inferred``, carries no quantity of its own and is
never counted in the KPIs, the allocation, maps or reports.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from symbiosis.engine.candidates import generate_candidates
from symbiosis.engine.config import MatchConfig
from symbiosis.registry import Registry
from symbiosis.schemas import ALL_MONTHS, CANONICAL_UNIT

__all__ = ["INFERRED_PREFIX", "LEAD_COLUMNS", "prospect_leads", "silent_firms"]

logger = logging.getLogger(__name__)

#: Stream ids of inferred streams start with this (never a declared id: ``:`` is not allowed there).
INFERRED_PREFIX = "inferred:"
LEAD_COLUMNS: tuple[str, ...] = (
    "prospect_firm_id",
    "prospect_direction",
    "prospect_category_id",
    "typical_share",
    "scian_prefix",
    "evidence_ref",
    "partner_stream_id",
    "partner_firm_id",
    "partner_category_id",
    "partner_quantity_per_yr",
    "partner_quantity_unit",
    "rule_id",
    "distance_km",
    "pathway",
    "inferred",
)


def silent_firms(registry: Registry) -> pd.DataFrame:
    """Firms of the registry that have declared no stream at all."""
    return registry.firms[~registry.firms["firm_id"].isin(registry.streams["firm_id"])]


def _inferred_streams(inferred: pd.DataFrame) -> pd.DataFrame:
    """Placeholder streams for the inferred (firm, direction, category) rows; quantity 1 unit/yr."""
    kind = inferred["kind"].fillna("material").astype(str)
    unit = kind.map(CANONICAL_UNIT).fillna("t/yr")
    ids = (
        INFERRED_PREFIX
        + inferred["firm_id"].astype(str)
        + ":"
        + inferred["direction"].astype(str)
        + ":"
        + inferred["category_id"].astype(str)
    )
    return pd.DataFrame(
        {
            "stream_id": ids.to_numpy(),
            "firm_id": inferred["firm_id"].astype(str).to_numpy(),
            "direction": inferred["direction"].to_numpy(),
            "kind": kind.to_numpy(),
            "category_id": inferred["category_id"].to_numpy(),
            "waste_code": "",
            "description": "",
            "quantity_as_typed": "",
            "unit_as_typed": unit.to_numpy(),
            "quantity_per_yr": 1.0,
            "quantity_unit": unit.to_numpy(),
            "mass_t_per_yr": np.nan,
            "density_t_per_m3": np.nan,
            "density_source": "",
            "hazardous": False,
            "moisture_pct": np.nan,
            "temperature_c": np.nan,
            "purity_pct": np.nan,
            "quality_notes": "",
            "availability": "continuous",
            "months_mask": ALL_MONTHS,
            "start_date": pd.NaT,
            "end_date": pd.NaT,
            "disposal_cost_cad_per_unit": np.nan,
            "purchase_price_cad_per_unit": np.nan,
            "min_lot_per_yr": np.nan,
            "max_distance_km": np.nan,
            "confidentiality": "confidential",
        }
    )


def prospect_leads(
    registry: Registry,
    *,
    rules: pd.DataFrame,
    categories: pd.DataFrame,
    config: MatchConfig | None = None,
    priors: pd.DataFrame | None = None,
    min_share: float = 0.3,
) -> pd.DataFrame:
    """Leads for the firms without a declared stream, from their sector's typical streams.

    Parameters
    ----------
    registry
        Firms and declared streams (and permits).
    rules, categories
        Knowledge base.
    config
        Scenario (distances, K-nearest, permits policy); defaults when None.
    priors
        Sector priors (default: :func:`symbiosis.kb.priors.load_sector_priors`).
    min_share
        Keep only the streams at least this share of the sector's firms have (0–1).

    Returns
    -------
    pandas.DataFrame
        :data:`LEAD_COLUMNS`, one row per (inferred stream, declared partner stream); ``inferred``
        is always True. Sorted by firm, share (largest first) and distance.
    """
    from symbiosis.kb.priors import infer_streams

    config = MatchConfig() if config is None else config
    quiet = silent_firms(registry)
    if quiet.empty:
        return pd.DataFrame(columns=list(LEAD_COLUMNS))
    inferred = infer_streams(quiet, priors=priors, categories=categories, min_share=min_share)
    if inferred.empty:
        return pd.DataFrame(columns=list(LEAD_COLUMNS))
    ghosts = _inferred_streams(inferred)
    streams = pd.concat([registry.streams, ghosts], ignore_index=True)
    both = Registry(registry.firms, streams, registry.permits)
    cands = generate_candidates(both, rules, config.replace(internal_policy="exclude"), categories=categories)
    s_ghost = cands["supply_id"].astype(str).str.startswith(INFERRED_PREFIX)
    d_ghost = cands["demand_id"].astype(str).str.startswith(INFERRED_PREFIX)
    cands = cands[s_ghost ^ d_ghost]
    if cands.empty:
        return pd.DataFrame(columns=list(LEAD_COLUMNS))
    ghost_is_supply = s_ghost[cands.index].to_numpy()
    ghost_id = np.where(ghost_is_supply, cands["supply_id"], cands["demand_id"])
    partner_id = np.where(ghost_is_supply, cands["demand_id"], cands["supply_id"])
    keyed = inferred.assign(stream_id=ghosts["stream_id"].to_numpy()).set_index("stream_id")
    declared = registry.streams.set_index("stream_id")
    leads = pd.DataFrame(
        {
            "prospect_firm_id": keyed.loc[ghost_id, "firm_id"].to_numpy(),
            "prospect_direction": keyed.loc[ghost_id, "direction"].to_numpy(),
            "prospect_category_id": keyed.loc[ghost_id, "category_id"].to_numpy(),
            "typical_share": keyed.loc[ghost_id, "typical_share"].to_numpy(float),
            "scian_prefix": keyed.loc[ghost_id, "scian_prefix"].to_numpy(),
            "evidence_ref": keyed.loc[ghost_id, "evidence_ref"].to_numpy(),
            "partner_stream_id": partner_id,
            "partner_firm_id": declared.loc[partner_id, "firm_id"].to_numpy(),
            "partner_category_id": declared.loc[partner_id, "category_id"].to_numpy(),
            "partner_quantity_per_yr": declared.loc[partner_id, "quantity_per_yr"].to_numpy(float),
            "partner_quantity_unit": declared.loc[partner_id, "quantity_unit"].to_numpy(),
            "rule_id": cands["rule_id"].to_numpy(),
            "distance_km": cands["distance_km"].to_numpy(float),
            "pathway": cands["pathway"].to_numpy() if "pathway" in cands else "",
            "inferred": True,
        }
    )
    leads = leads.sort_values(
        ["prospect_firm_id", "typical_share", "distance_km"], ascending=[True, False, True], ignore_index=True
    )
    logger.info("prospects: %d leads for %d silent firms", len(leads), leads["prospect_firm_id"].nunique())
    return leads[list(LEAD_COLUMNS)]
