"""Synergy lines a report sums: one normalised frame built from a MatchResult or from synergy records.

Reports never read the engine's or the synergy ledger's own frames directly: both are turned into
:data:`LINE_COLUMNS` here, so that :mod:`symbiosis.reports.data` works the same whichever source
the caller has. Before any synergy is tracked, a matching run gives "proposed" lines whose figures
are all *estimated*; tracked synergies carry their own status, date and label (estimated or
verified) and the ledger's factors.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.engine.network import tonnes_of
from symbiosis.labels import PATHWAY_UNASSESSED
from symbiosis.results import PRICE_SOURCE_COLUMNS, on_default_prices

__all__ = [
    "EVIDENCE",
    "LEDGER_INDICATORS",
    "LINE_COLUMNS",
    "STATUS_ORDER",
    "empty_lines",
    "lines_from_ledger",
    "lines_from_records",
    "lines_from_result",
    "status_rank",
]

logger = logging.getLogger(__name__)

#: Columns of a synergy line, with units in the names.
LINE_COLUMNS: tuple[str, ...] = (
    "synergy_id",
    "status",
    "stage_reached",
    "evidence",
    "status_date",
    "supply_firm_id",
    "demand_firm_id",
    "supply_id",
    "demand_id",
    "kind",
    "supply_category_id",
    "demand_category_id",
    "quantity_per_yr",
    "quantity_unit",
    "tonnes_t_per_yr",
    "diverted_t_per_yr",
    "co2e_avoided_t_per_yr",
    "net_value_cad_per_yr",
    "net_value_default_prices_cad_per_yr",
    "distance_km",
    "pathway",
    "permit_reference",
    "factor_ids",
    "method",
    "synergy_type",
)
#: Funnel order of synergy statuses; statuses not listed here come after, alphabetically.
STATUS_ORDER: tuple[str, ...] = (
    "proposed",
    "qualified",
    "contacted",
    "in_discussion",
    "trial",
    "implemented",
    "verified",
    "rejected",
)
#: Label of a figure: a proposal or plan (estimated) or an exchange confirmed by both firms (verified).
EVIDENCE: tuple[str, ...] = ("estimated", "verified")
_FACTOR_COLUMNS = ("disposal_factor_id", "virgin_factor_id", "transport_factor_id")
_NUMBERS = (
    "quantity_per_yr",
    "tonnes_t_per_yr",
    "diverted_t_per_yr",
    "co2e_avoided_t_per_yr",
    "net_value_cad_per_yr",
    "net_value_default_prices_cad_per_yr",
    "distance_km",
)


def empty_lines() -> pd.DataFrame:
    """Return a line frame with no rows."""
    return pd.DataFrame({c: pd.Series(dtype=float if c in _NUMBERS else object) for c in LINE_COLUMNS})


def _num(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").astype(float)


def _text(frame: pd.DataFrame, name: str, default: str = "") -> pd.Series:
    if name not in frame:
        return pd.Series(default, index=frame.index, dtype=object)
    return frame[name].astype(object).where(frame[name].notna(), default).astype(str)


def _factor_ids(frame: pd.DataFrame) -> pd.Series:
    cols = [c for c in _FACTOR_COLUMNS if c in frame]
    if "factor_ids" in frame:
        return frame["factor_ids"].map(_join_ids)
    if not cols:
        return pd.Series("", index=frame.index, dtype=object)
    values = frame[cols].astype(object).to_numpy()
    return pd.Series(
        ["|".join(str(v) for v in row if isinstance(v, str) and v) for row in values],
        index=frame.index,
        dtype=object,
    )


def _join_ids(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        return "|".join(sorted(str(v) for v in value if v))
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def lines_from_result(result: Any) -> pd.DataFrame:
    """Return one line per exchange of a matching result: status ``proposed``, figures ``estimated``.

    Parameters
    ----------
    result
        A :class:`symbiosis.results.MatchResult`.
    """
    ex = result.exchanges
    if ex.empty:
        return empty_lines()
    out = pd.DataFrame(
        {
            "synergy_id": _text(ex, "candidate_id"),
            "status": "proposed",
            "stage_reached": "proposed",
            "evidence": "estimated",
            "status_date": pd.NaT,
            "supply_firm_id": _text(ex, "supply_firm_id"),
            "demand_firm_id": _text(ex, "demand_firm_id"),
            "supply_id": _text(ex, "supply_id"),
            "demand_id": _text(ex, "demand_id"),
            "kind": _text(ex, "kind"),
            "supply_category_id": _text(ex, "supply_category_id"),
            "demand_category_id": _text(ex, "demand_category_id"),
            "quantity_per_yr": _num(ex, "flow_per_yr"),
            "quantity_unit": _text(ex, "quantity_unit"),
            "tonnes_t_per_yr": tonnes_of(ex).astype(float),
            "diverted_t_per_yr": _num(ex, "diverted_t_per_yr").fillna(0.0),
            "co2e_avoided_t_per_yr": _num(ex, "co2e_avoided_t_per_yr").fillna(0.0),
            "net_value_cad_per_yr": _num(ex, "net_value_cad_per_yr").fillna(0.0),
            "net_value_default_prices_cad_per_yr": _num(ex, "net_value_cad_per_yr")
            .fillna(0.0)
            .where(on_default_prices(ex), 0.0),
            "distance_km": _num(ex, "distance_km"),
            "pathway": _text(ex, "pathway"),
            "permit_reference": _text(ex, "permit_reference"),
            "factor_ids": _factor_ids(ex),
            "method": "engine",
            "synergy_type": "substitution",
        }
    )
    return out.reset_index(drop=True)


#: Other names the synergy ledger may give a line column (first found wins).
_ALIASES: Mapping[str, tuple[str, ...]] = {
    "synergy_id": ("synergy_id", "candidate_id", "id"),
    "status": ("status",),
    "stage_reached": ("stage_reached", "status"),
    "evidence": ("evidence", "label", "figure_label", "basis"),
    "status_date": ("status_date", "updated_at", "date", "changed_at", "created_at"),
    "quantity_per_yr": ("quantity_per_yr", "flow_per_yr"),
    "tonnes_t_per_yr": ("tonnes_t_per_yr", "mass_t_per_yr", "tonnes_exchanged_t_per_yr"),
    "method": ("method", "method_id"),
}


def _pick(frame: pd.DataFrame, name: str) -> str | None:
    for alias in _ALIASES.get(name, (name,)):
        if alias in frame:
            return alias
    return None


def lines_from_records(records: pd.DataFrame) -> pd.DataFrame:
    """Return lines from tracked synergies (one row each, with the ledger's figures merged in).

    Accepts the synergy ledger's column names (``status``, ``evidence`` or ``label``, a status
    date, firm ids, quantities, ``co2e_avoided_t_per_yr``, ``net_value_cad_per_yr``, factor ids
    as a list or ``|``-joined text). A missing label counts as ``estimated`` unless the status is
    ``verified`` (both firms confirmed the actual quantities).
    """
    if records.empty:
        return empty_lines()
    out = pd.DataFrame(index=records.index)
    for col in LINE_COLUMNS:
        src = _pick(records, col)
        if col in _NUMBERS:
            out[col] = _num(records, src) if src else np.nan
        elif col == "status_date":
            out[col] = (
                pd.to_datetime(records[src], errors="coerce", utc=True).dt.tz_localize(None)
                if src
                else pd.NaT
            )
        elif col == "factor_ids":
            out[col] = _factor_ids(records)
        else:
            out[col] = _text(records, src) if src else ""
    out["evidence"] = out["evidence"].where(out["evidence"].isin(EVIDENCE), "estimated")
    out.loc[out["status"].eq("verified"), "evidence"] = "verified"
    out["status"] = out["status"].replace("", "proposed")
    out["synergy_type"] = out["synergy_type"].replace("", "substitution")
    out["stage_reached"] = out["stage_reached"].where(out["stage_reached"].ne(""), out["status"])
    for col in (
        "diverted_t_per_yr",
        "co2e_avoided_t_per_yr",
        "net_value_cad_per_yr",
        "net_value_default_prices_cad_per_yr",
    ):
        out[col] = out[col].fillna(0.0)
    if out["tonnes_t_per_yr"].isna().all() and "kind" in records:
        out["tonnes_t_per_yr"] = out["quantity_per_yr"].where(out["kind"].eq("material"), 0.0)
    out["tonnes_t_per_yr"] = out["tonnes_t_per_yr"].fillna(0.0)
    return out.reset_index(drop=True)[list(LINE_COLUMNS)]


def status_rank(statuses: pd.Series) -> pd.Series:
    """Position of each status in the funnel (:data:`STATUS_ORDER`, unknown ones after)."""
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    extra = sorted(set(statuses) - set(order))
    order.update({s: len(STATUS_ORDER) + i for i, s in enumerate(extra)})
    return statuses.map(order)


#: Ledger indicators (``symbiosis.synergy.ledger``) → line columns.
LEDGER_INDICATORS: Mapping[str, str] = {
    "tonnes_exchanged": "tonnes_t_per_yr",
    "diverted_from_landfill": "diverted_t_per_yr",
    "co2e_avoided": "co2e_avoided_t_per_yr",
    "net_savings_cad": "net_value_cad_per_yr",
}


def _union(values: pd.Series) -> str:
    """``|``-joined sorted set of the ``|``-separated ids in ``values``."""
    return "|".join(sorted({f for v in values for f in str(v).split("|") if f and f != "nan"}))


def _estimate_text(estimates: pd.Series, name: str, *, missing: str) -> pd.Series:
    """A text figure frozen in each synergy's estimate (``estimate["figures"][name]``).

    ``missing`` stands where the estimate has no such figure at all (recorded before it existed);
    a figure recorded as empty or None reads ``""``.
    """

    def one(estimate: Any) -> str:
        figures = estimate.get("figures") if isinstance(estimate, Mapping) else None
        if not isinstance(figures, Mapping) or name not in figures:
            return missing
        value = figures[name]
        return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)

    return estimates.map(one).astype(object)


#: The estimate's parameters that record where its prices came from, in the order of the exchange
#: columns they were frozen from (:data:`symbiosis.results.PRICE_SOURCE_COLUMNS`).
_PRICE_PARAMETERS = ("disposal_cost_source", "purchase_price_source")


def _on_default_prices(estimates: pd.Series) -> pd.Series:
    """Synergies whose frozen estimate prices today's fate or the receiver's input by a default.

    The proposal records where each price came from (``estimate["parameters"]``,
    ``disposal_cost_source`` and ``purchase_price_source``); an estimate recorded before it did
    counts as a firm's figure: nothing says otherwise.
    """

    def sources(estimate: Any) -> tuple[str, str]:
        params = estimate.get("parameters") if isinstance(estimate, Mapping) else None
        params = params if isinstance(params, Mapping) else {}
        return tuple(str(params.get(name) or "") for name in _PRICE_PARAMETERS)

    frozen = pd.DataFrame(
        [sources(e) for e in estimates], index=estimates.index, columns=list(PRICE_SOURCE_COLUMNS)
    )
    return on_default_prices(frozen)


def lines_from_ledger(synergies: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """Return lines from tracked synergies and their impact ledger (long: one row per indicator).

    A synergy with verified ledger rows reports the sum of its verified periods, labelled
    ``verified``; otherwise its yearly estimate, labelled ``estimated``. The method ids (L1…) and
    factor ids of the ledger rows used are kept. Rejected synergies (absent from the ledger) keep
    zero figures, so the funnel still counts them.
    """
    if synergies.empty:
        return empty_lines()
    base = synergies.rename(
        columns={
            "status_changed_at": "status_date",
            "flow_per_yr": "quantity_per_yr",
            "flow_unit": "quantity_unit",
            "road_distance_km": "distance_km",
        }
    )
    if "estimate" in base:
        # The pathway and the receiver's authorisation were frozen with the proposal's figures.
        for name, missing in (("pathway", PATHWAY_UNASSESSED), ("permit_reference", "")):
            if name not in base:
                base[name] = _estimate_text(base["estimate"], name, missing=missing)
    defaults = (
        _on_default_prices(base["estimate"]).to_numpy()
        if "estimate" in base
        else np.zeros(len(base), dtype=bool)
    )
    lines = lines_from_records(base.drop(columns=["estimate"], errors="ignore")).set_index("synergy_id")
    led = ledger[ledger["indicator"].isin(list(LEDGER_INDICATORS))] if not ledger.empty else ledger
    if not led.empty:
        verified = set(led.loc[led["basis"].eq("verified"), "synergy_id"])
        use = led[led["basis"].eq("verified") == led["synergy_id"].isin(verified)]
        sums = use.pivot_table(index="synergy_id", columns="indicator", values="value", aggfunc="sum")
        for indicator, col in LEDGER_INDICATORS.items():
            if indicator in sums:
                lines.loc[lines.index.intersection(sums.index), col] = sums[indicator]
        lines.loc[lines.index.isin(list(verified)), "evidence"] = "verified"
        meta = use.groupby("synergy_id").agg(factor_ids=("factor_ids", _union), method=("method", _union))
        idx = lines.index.intersection(meta.index)
        lines.loc[idx, "factor_ids"] = meta.loc[idx, "factor_ids"]
        lines.loc[idx, "method"] = meta.loc[idx, "method"]
    # Estimated or verified, the net value rests on the prices the proposal froze.
    lines["net_value_default_prices_cad_per_yr"] = lines["net_value_cad_per_yr"].where(defaults, 0.0)
    return lines.reset_index()[list(LINE_COLUMNS)]
