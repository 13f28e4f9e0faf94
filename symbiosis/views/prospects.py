"""Prospect leads shaped for the advisor's screen: firm names, category labels, inferred label."""

from __future__ import annotations

import pandas as pd

from symbiosis.i18n import t, tn
from symbiosis.labels import evidence_reference_label

__all__ = ["lead_table", "prospect_summary"]


def _labels(categories: pd.DataFrame, lang: str) -> pd.Series:
    column = "label_en" if lang == "en" else "label_fr"
    frame = categories.drop_duplicates("category_id")
    return pd.Series(frame[column].to_numpy(), index=frame["category_id"].astype(str))


def lead_table(
    leads: pd.DataFrame, firms: pd.DataFrame, categories: pd.DataFrame, lang: str = "fr"
) -> pd.DataFrame:
    """One display row per lead: who to call, what they likely have or need, with whom, how far.

    Every row says it is inferred (from the firm's sector), never declared.
    """
    names = firms.drop_duplicates("firm_id").set_index("firm_id")["name"]
    labels = _labels(categories, lang)
    direction = leads["prospect_direction"].map(
        {
            "supply": t("advisor.prospects.likely_supply", lang),
            "demand": t("advisor.prospects.likely_demand", lang),
        }
    )

    def name(col: str) -> pd.Series:
        return leads[col].map(names).fillna(leads[col])

    return pd.DataFrame(
        {
            t("advisor.prospects.col.firm", lang): name("prospect_firm_id"),
            t("advisor.prospects.col.status", lang): t("advisor.prospects.inferred", lang),
            t("advisor.prospects.col.direction", lang): direction,
            t("advisor.prospects.col.category", lang): leads["prospect_category_id"]
            .map(labels)
            .fillna(leads["prospect_category_id"]),
            t("advisor.prospects.col.share", lang): (100 * leads["typical_share"].astype(float)).round(0),
            t("advisor.prospects.col.partner", lang): name("partner_firm_id"),
            t("advisor.prospects.col.partner_category", lang): leads["partner_category_id"]
            .map(labels)
            .fillna(leads["partner_category_id"]),
            t("advisor.prospects.col.distance", lang): leads["distance_km"].astype(float).round(1),
            t("advisor.prospects.col.evidence", lang): [
                evidence_reference_label(ref, lang) for ref in leads["evidence_ref"]
            ],
        }
    )


def prospect_summary(leads: pd.DataFrame, silent: int, lang: str = "fr") -> str:
    """One sentence: how many firms have declared nothing, how many leads were inferred for them."""
    firms = int(leads["prospect_firm_id"].nunique()) if len(leads) else 0
    return t(
        "advisor.prospects.summary",
        lang,
        silent=tn("advisor.prospects.summary.silent", silent, lang),
        leads=tn("advisor.prospects.summary.leads", len(leads), lang),
        firms=firms,
    )
