"""The report's section per mutualisation lever: a summary and one table per lever (XLSX sheets, PDF pages).

:func:`lever_section` builds a :class:`LeverSection` from a :class:`~symbiosis.mutual.MutualResult`
and the firms; a grant report takes it as an extra section (``ReportData.sections``) and calls its
``sheets(lang)`` (workbook) or ``draw(pdf, lang)`` (PDF). In anonymised mode only the per-lever
totals are shown, and a lever with fewer than ``k`` firms is suppressed; otherwise every group,
shared use, unit and collection route is listed with its firms and its explanation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from symbiosis.i18n import t
from symbiosis.labels import lever_method_label, lever_status_label, unit_label
from symbiosis.mutual.explain import explanations
from symbiosis.mutual.memberships import collection_route_id
from symbiosis.mutual.reference import (
    load_asset_types,
    load_purchase_categories,
    load_residues,
    load_treatment_types,
)
from symbiosis.mutual.result import LEVER_LABELS, LEVERS, MutualResult
from symbiosis.mutual.sharing_check import use_slots_text
from symbiosis.mutual.text import size_text

__all__ = ["LeverSection", "lever_section", "lever_summary", "lever_tables"]

#: Levers with fewer firms than this are suppressed in anonymised mode.
MIN_FIRMS = 3
_MAX_PDF_ROWS = 40


def _label(value: Any, lang: str) -> str:
    try:
        return t(f"mutual.col.{value}", lang)
    except KeyError:
        return str(value)


def _localise(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.rename(columns={c: _label(c, lang) for c in frame.columns})


def lever_summary(result: MutualResult, lang: str = "fr", *, anonymised: bool = False) -> pd.DataFrame:
    """One row per lever: label, status, proposals, firms, saving, CO2e avoided, baseline and gap."""
    summary = result.summary().set_index("lever")
    rows = []
    for lever in LEVERS:
        info = result.info.get(lever)
        row = summary.loc[lever]
        hidden = anonymised and 0 < int(row["n_firms"]) < MIN_FIRMS
        rows.append(
            {
                "lever": LEVER_LABELS[lever].get(lang),
                "status": lever_status_label(info.status if info else "skipped", lang),
                "n_items": int(row["n_items"]),
                "n_firms": int(row["n_firms"]),
                "saving_cad_per_yr": math.nan if hidden else float(row["saving_cad_per_yr"]),
                "co2e_avoided_t_per_yr": math.nan if hidden else float(row["co2e_avoided_t_per_yr"]),
                "baseline_cad_per_yr": info.baseline_cad_per_yr if info and not hidden else math.nan,
                "gap_pct": 100.0 * info.gap if info and math.isfinite(info.gap) else math.nan,
                "method": lever_method_label(info.method, lang) if info else "",
            }
        )
    return pd.DataFrame(rows)


def _joined(ids: pd.Series, names: Mapping[str, str]) -> str:
    return ", ".join(names.get(i, i) for i in dict.fromkeys(ids))


def lever_tables(
    result: MutualResult,
    lang: str = "fr",
    *,
    names: Mapping[str, str] | None = None,
    receiver_names: Mapping[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """One table per lever (one row per proposal, with its firms and its explanation)."""
    names = names or {}
    why = explanations(result, lang, names=names, receiver_names=receiver_names).set_index(
        ["lever", "item_id"]
    )
    text = why["explanation"].to_dict()
    cats = load_purchase_categories().set_index("category_id")[f"label_{lang}"]
    assets = load_asset_types().set_index("asset_type")[f"label_{lang}"]
    members = result.purchase_members
    purchasing = pd.DataFrame(
        [
            {
                "group_id": g["group_id"],
                "category": cats.get(g["category_id"], g["category_id"]),
                "firms": _joined(members.loc[members["group_id"] == g["group_id"], "firm_id"], names),
                "pooled_quantity_per_yr": g["pooled_quantity_per_yr"],
                "unit": unit_label(g["unit"], lang),
                "tier": g["tier"],
                "discount_pct": g["discount_pct"],
                "net_saving_cad_per_yr": g["net_saving_cad_per_yr"],
                "explanation": text.get(("purchasing", g["group_id"]), ""),
            }
            for g in result.purchase_groups.to_dict("records")
        ]
    )
    sharing = pd.DataFrame(
        [
            {
                "offer_id": u["offer_id"],
                "need_id": u["need_id"],
                "asset": assets.get(u["asset_type"], u["asset_type"]),
                "host": names.get(u["host_firm_id"], u["host_firm_id"]),
                "user": names.get(u["user_firm_id"], u["user_firm_id"]),
                "slots": use_slots_text(result.sharing_timetable, u["need_id"], lang),
                "hours_per_week": u["hours_per_week"],
                "net_saving_cad_per_yr": u["user_net_saving_cad_per_yr"] + u["host_gain_cad_per_yr"],
                "explanation": text.get(("sharing", u["need_id"]), ""),
            }
            for u in result.sharing_uses.to_dict("records")
        ]
    )
    um = result.unit_members
    treatments = load_treatment_types().set_index("treatment_type")[f"label_{lang}"]
    units = pd.DataFrame(
        [
            {
                "unit_id": u["unit_id"],
                "treatment": treatments.get(u["treatment_type"], u["treatment_type"]),
                "size": size_text(u["size_id"], lang),
                "site": u["site_name"]
                if u["site_kind"] == "park"
                else names.get(u["site_id"], u["site_name"]),
                "firms": _joined(um.loc[um["unit_id"] == u["unit_id"], "firm_id"], names),
                "investment_cad": u["investment_cad"],
                "net_saving_cad_per_yr": u["saving_cad_per_yr"],
                "payback_yr": u["payback_yr"],
                "explanation": text.get(("units", u["unit_id"]), ""),
            }
            for u in result.units.to_dict("records")
        ]
    )
    return {
        "purchasing": purchasing,
        "sharing": sharing,
        "units": units,
        "routes": _route_table(result, lang, names, receiver_names or {}, text),
    }


def _route_table(
    result: MutualResult, lang: str, names: Mapping[str, str], receivers: Mapping[str, str], text: Mapping
) -> pd.DataFrame:
    served = result.collection[result.collection["served"].astype(bool)] if len(result.collection) else None
    if served is None or served.empty:
        return pd.DataFrame()
    residues = load_residues().set_index("residue_id")[f"label_{lang}"]
    served = served.assign(
        route_id=[
            collection_route_id(r, c)
            for r, c in zip(served["receiver_id"], served["truck_class"], strict=True)
        ]
    )
    rows = []
    for route_id, part in served.groupby("route_id", sort=True):
        rows.append(
            {
                "route_id": route_id,
                "receiver": receivers.get(part["receiver_id"].iloc[0], part["receiver_id"].iloc[0]),
                "residues": ", ".join(residues.get(r, r) for r in dict.fromkeys(part["residue_id"])),
                "firms": _joined(part["firm_id"], names),
                "n_stops": len(part),
                "shared_km_per_yr": float(part["shared_km_per_yr"].sum()),
                "separate_km_per_yr": float(part["separate_km_per_yr"].sum()),
                "net_saving_cad_per_yr": float(part["saving_cad_per_yr"].sum()),
                "co2e_avoided_t_per_yr": float(part["co2e_avoided_t_per_yr"].sum()),
                "explanation": text.get(("routes", route_id), ""),
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class LeverSection:
    """A report section: the levers' summary and, unless anonymised, one table per lever.

    Parameters
    ----------
    result
        The planned levers.
    names
        Firm id -> name (named mode only).
    receiver_names
        Receiver id -> name.
    anonymised
        Show only the per-lever totals (levers of fewer than :data:`MIN_FIRMS` firms suppressed).
    """

    result: MutualResult
    names: Mapping[str, str] = field(default_factory=dict)
    receiver_names: Mapping[str, str] = field(default_factory=dict)
    anonymised: bool = False

    def frames(self, lang: str) -> dict[str, pd.DataFrame]:
        """``summary`` and, in named mode, ``purchasing``, ``sharing``, ``units``, ``routes``.

        Raw columns.
        """
        out = {"summary": lever_summary(self.result, lang, anonymised=self.anonymised)}
        if not self.anonymised:
            out.update(lever_tables(self.result, lang, names=self.names, receiver_names=self.receiver_names))
        return out

    def sheets(self, lang: str) -> dict[str, pd.DataFrame]:
        """Workbook sheets, keyed by translated sheet name (31 characters at most)."""
        return {
            t(f"mutual.sheet.{key}", lang)[:31]: _localise(frame, lang)
            for key, frame in self.frames(lang).items()
        }

    def draw(self, pdf: Any, lang: str) -> None:
        """Add the section's pages to a :class:`symbiosis.reports.pdf.ReportPDF`."""
        from symbiosis.reports.pdf import draw_table

        frames = self.frames(lang)
        pdf.add_page()
        pdf.heading(t("mutual.report.title", lang))
        pdf.paragraph(t("mutual.report.intro", lang))
        draw_table(pdf, _localise(frames.pop("summary").drop(columns=["method"]), lang), font_size=7)
        for lever, frame in frames.items():
            if frame.empty:
                continue
            pdf.add_page()
            pdf.heading(LEVER_LABELS[lever].get(lang), size=12)
            shown = frame.drop(columns=["explanation"]).head(_MAX_PDF_ROWS)
            draw_table(pdf, _localise(shown, lang), font_size=6)
            for paragraph in frame["explanation"].head(5):
                pdf.paragraph(paragraph, size=8)
            if len(frame) > _MAX_PDF_ROWS:
                pdf.paragraph(t("mutual.report.more_in_xlsx", lang, n=len(frame) - _MAX_PDF_ROWS), size=8)


def lever_section(
    result: MutualResult,
    firms: pd.DataFrame,
    *,
    receivers: pd.DataFrame | None = None,
    anonymised: bool = False,
) -> LeverSection:
    """The report section of ``result``: firm names from ``firms`` (``firm_id, name``), receiver names
    from ``receivers`` (``receiver_id, name``)."""
    names = (
        {} if anonymised else dict(zip(firms["firm_id"].astype(str), firms["name"].astype(str), strict=True))
    )
    receiver_names = (
        {} if receivers is None else dict(zip(receivers["receiver_id"], receivers["name"], strict=True))
    )
    return LeverSection(result, names, receiver_names, anonymised)
