"""What the synergy screens show: readable tables of proposals, pipeline, history, funnel and ledger.

Pure (no streamlit): frames from :mod:`symbiosis.synergy` in, display frames with translated
headers and labels out. The index of a table keeps its ``synergy_id`` so a selection maps back.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pandas as pd

from symbiosis.i18n import t
from symbiosis.synergy.anonymise import load_sectors
from symbiosis.synergy.status import PIPELINE, STATUSES, TRANSITIONS

__all__ = ["category_label", "consent_table", "firm_table", "funnel_table", "history_table", "ledger_table",
           "next_statuses", "pipeline_table", "proposal_label", "status_label", "unit_label",
           "verification_table"]

_UNITS = {"t/yr": ("t/an", "t/yr"), "m3/yr": ("m³/an", "m³/yr"), "MWh/yr": ("MWh/an", "MWh/yr"),
          "trip/yr": ("voyages/an", "trips/yr"), "m2": ("m²", "m²"), "h/yr": ("h/an", "h/yr"),
          "t": ("t", "t"), "m3": ("m³", "m³"), "MWh": ("MWh", "MWh")}


def unit_label(unit: object, lang: str = "fr") -> str:
    """Return a canonical unit as written in ``lang`` (``t/yr`` → ``t/an``)."""
    fr, en = _UNITS.get(str(unit), (str(unit), str(unit)))
    return en if lang == "en" else fr


def status_label(status: str, lang: str = "fr") -> str:
    """Return the label of a pipeline status."""
    return t(f"synergy.status.{status}", lang)


def next_statuses(status: str) -> tuple[str, ...]:
    """Return the statuses an advisor may move a synergy to from ``status``."""
    return TRANSITIONS.get(status, ())


def category_label(category_id: str, categories: pd.DataFrame | None, lang: str = "fr") -> str:
    """Return a category's label in ``lang`` (its id when unknown)."""
    if categories is None or not category_id:
        return str(category_id)
    found = categories[categories["category_id"] == category_id]
    return str(found.iloc[0][f"label_{lang if lang == 'en' else 'fr'}"]) if len(found) else str(category_id)


def _sector_label(sector: str, lang: str) -> str:
    if not sector:
        return t("synergy.sector.withheld", lang)
    table = load_sectors().set_index("sector")
    if sector not in table.index:
        return sector
    return str(table.loc[sector, f"label_{lang if lang == 'en' else 'fr'}"])


def _area_label(level: str, area: str, lang: str) -> str:
    if level == "outside":
        return t("synergy.area.outside", lang)
    return t("synergy.area.mrc", lang, name=area) if level == "mrc" else area


def _counterpart_category(row: Any, categories: pd.DataFrame | None, lang: str) -> str:
    if row.counterpart_category_level == "category":
        return category_label(row.counterpart_category, categories, lang)
    if row.counterpart_category_level == "family":
        return t(f"synergy.family.{row.counterpart_category}", lang)
    return t("synergy.category.withheld", lang)


def firm_table(proposals: pd.DataFrame, lang: str = "fr", *,
               categories: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return a firm's anonymised proposals (:meth:`SynergyRepository.firm_proposals`) as shown."""
    rows = []
    for r in proposals.itertuples():
        rows.append({
            t("synergy.col.status", lang): status_label(r.status, lang),
            t("synergy.col.role", lang): t(f"synergy.side.{r.my_side}", lang),
            t("synergy.col.mine", lang): category_label(r.my_category_id, categories, lang),
            t("synergy.col.theirs", lang): _counterpart_category(r, categories, lang),
            t("synergy.col.sector", lang): _sector_label(r.counterpart_sector, lang),
            t("synergy.col.area", lang): _area_label(r.area_level, r.area, lang),
            t("synergy.col.distance", lang): t(f"synergy.distance.{r.distance_band}", lang),
            t("synergy.col.quantity", lang): t(f"synergy.quantity.{r.quantity_band}", lang,
                                               unit=unit_label(r.flow_unit, lang)),
            t("synergy.col.decision", lang): t(f"synergy.decision.{r.my_decision or 'none'}", lang),
            t("synergy.col.revealed", lang): t("synergy.yes" if r.revealed else "synergy.no", lang),
        })
    return pd.DataFrame(rows, index=pd.Index(proposals["synergy_id"], name="synergy_id"))


def proposal_label(row: pd.Series, lang: str = "fr", *, categories: pd.DataFrame | None = None) -> str:
    """Return a one-line label of a firm's proposal for a select box (no counterpart identity)."""
    theirs = _counterpart_category(row, categories, lang)
    mine = category_label(row["my_category_id"], categories, lang)
    return f"{mine} ↔ {theirs} · {status_label(row['status'], lang)}"


def pipeline_table(synergies: pd.DataFrame, firms: pd.DataFrame, lang: str = "fr", *,
                   categories: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the advisor's table of synergies, with firm names, figures and follow-up."""
    names = firms.drop_duplicates("firm_id").set_index("firm_id")["name"]
    none = t("synergy.none", lang)
    rows = []
    for r in synergies.itertuples():
        figures = (r.estimate or {}).get("figures", {}) if isinstance(r.estimate, dict) else {}
        rows.append({
            t("synergy.col.status", lang): status_label(r.status, lang),
            t("synergy.col.supplier", lang): names.get(r.supply_firm_id, r.supply_firm_id),
            t("synergy.col.receiver", lang): names.get(r.demand_firm_id, r.demand_firm_id),
            t("synergy.col.resource", lang): category_label(r.supply_category_id, categories, lang),
            t("synergy.col.flow", lang): f"{r.flow_per_yr:,.1f} {unit_label(r.flow_unit, lang)}",
            t("synergy.col.co2e", lang): round(float(figures.get("co2e_avoided_t_per_yr") or 0.0), 1),
            t("synergy.col.value", lang): round(float(figures.get("net_value_cad_per_yr") or 0.0)),
            t("synergy.col.reason", lang): t(f"synergy.reason.{r.rejection_reason}", lang)
            if r.rejection_reason else none,
            t("synergy.col.owner", lang): r.owner_id or none,
            t("synergy.col.next_action", lang): _next(r.next_action_on, r.next_action) or none,
            t("synergy.col.changed", lang): pd.Timestamp(r.status_changed_at).strftime("%Y-%m-%d %H:%M"),
        })
    return pd.DataFrame(rows, index=pd.Index(synergies["synergy_id"], name="synergy_id"))


def _next(on: Any, what: Any) -> str:
    return " ".join(str(x) for x in (on, what) if x is not None and not pd.isna(x))


def _short(details: Any) -> str:
    if details is None or (isinstance(details, float) and pd.isna(details)):
        return ""
    if isinstance(details, dict):
        details = {k: v for k, v in details.items() if k != "estimate"}
    return json.dumps(details, ensure_ascii=False, default=str)


def history_table(history: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Return audit entries of a synergy (:meth:`SynergyRepository.history`) as shown."""
    return pd.DataFrame({
        t("synergy.col.when", lang): pd.to_datetime(history["at"], utc=True).dt.strftime("%Y-%m-%d %H:%M:%S"),
        t("synergy.col.who", lang): history["actor_id"],
        t("synergy.col.action", lang): history["action"],
        t("synergy.col.table", lang): history["table_name"],
        t("synergy.col.before", lang): history["before"].map(_short),
        t("synergy.col.after", lang): history["after"].map(_short),
    })


def funnel_table(frame: pd.DataFrame, dimension: str, lang: str = "fr") -> pd.DataFrame:
    """Return one dimension of :func:`symbiosis.synergy.funnel.funnel`: counts, reached stages, rates in %."""
    part = frame[frame["dimension"] == dimension]
    groups = part["group"].map(lambda g: _group_label(dimension, g, lang))
    out = pd.DataFrame({t("synergy.col.group", lang): groups.to_numpy(),
                        t("synergy.col.count", lang): part["n_synergies"].to_numpy(),
                        t("synergy.col.firms", lang): part["n_firms"].to_numpy()})
    for s in STATUSES:
        out[status_label(s, lang)] = part[f"n_{s}"].to_numpy()
    for a, b in itertools.pairwise(PIPELINE):
        name = t("synergy.funnel.rate", lang, a=status_label(a, lang), b=status_label(b, lang))
        out[name] = (100 * part[f"rate_{a}_{b}"]).round(0).to_numpy()
    overall = (100 * part["rate_proposed_implemented"]).round(0)
    out[t("synergy.funnel.overall", lang) + " (%)"] = overall.to_numpy()
    return out


def _group_label(dimension: str, group: str, lang: str) -> str:
    if dimension == "all":
        return t("synergy.funnel.dim.all", lang)
    if dimension == "park" and group == "none":
        return t("synergy.funnel.no_park", lang)
    if dimension == "sector":
        return _sector_label("" if group == "unknown" else group, lang)
    if dimension == "family":
        return t(f"synergy.family.{group}", lang) if group.isidentifier() else group
    return group


def ledger_table(lines: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Return ledger lines (:func:`symbiosis.synergy.ledger.ledger_lines`) as shown."""
    period = [f"{s} → {e}" if s is not None and not pd.isna(s) else "" for s, e in
              zip(lines["period_start"], lines["period_end"], strict=True)]
    return pd.DataFrame({
        t("synergy.col.indicator", lang): lines["indicator"].map(lambda i: t(f"synergy.indicator.{i}", lang)),
        t("synergy.col.value_num", lang): lines["value"].round(3),
        t("synergy.col.unit", lang): lines["unit"],
        t("synergy.col.basis", lang): lines["basis"].map(lambda b: t(f"synergy.basis.{b}", lang)),
        t("synergy.col.period", lang): period,
        t("synergy.col.method", lang): lines["method"] + " : " + lines["formula"],
        t("synergy.col.factors", lang): lines["factor_ids"],
        t("synergy.col.sources", lang): lines["sources"],
    })


def verification_table(verifications: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Return the confirmed periods of a synergy as shown."""
    return pd.DataFrame({
        t("synergy.col.period", lang): [f"{s} → {e}" for s, e in
                                        zip(verifications["period_start"], verifications["period_end"],
                                            strict=True)],
        t("synergy.col.supplier_qty", lang): verifications["supplier_quantity"],
        t("synergy.col.receiver_qty", lang): verifications["receiver_quantity"],
        t("synergy.col.counted", lang): verifications["counted_quantity"],
        t("synergy.col.unit", lang): verifications["unit"].map(lambda u: unit_label(u, lang)),
    })


def consent_table(consents: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Return the firms' decisions on a synergy (:meth:`SynergyRepository.consents`) as shown."""
    none = t("synergy.none", lang)
    when = pd.to_datetime(consents["decided_at"], utc=True).dt.strftime("%Y-%m-%d %H:%M")
    return pd.DataFrame({
        t("synergy.col.role", lang): consents["side"].map(
            lambda s: t("synergy.col.supplier" if s == "supply" else "synergy.col.receiver", lang)),
        t("synergy.col.firms", lang): consents["firm_id"],
        t("synergy.col.decision", lang): consents["decision"].map(lambda d: t(f"synergy.decision.{d}", lang)),
        t("synergy.col.reason", lang): consents["reason"].map(
            lambda r: t(f"synergy.reason.{r}", lang) if isinstance(r, str) and r else none),
        t("synergy.move.note", lang): consents["note"].fillna(""),
        t("synergy.col.when", lang): when,
    })
