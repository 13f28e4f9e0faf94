"""What the program manager's dashboard shows, from the same figures as the reports and their files.

Every number here comes from a :class:`~symbiosis.reports.data.ReportData` gathered by the
report source for the chosen period and territory (the synergy ledger once synergies are tracked,
the engine's proposals before): the dashboard, the grant report and every downloaded file of one
period and territory show the same totals. Pure (no streamlit): frames in, display frames out;
numbers stay numbers.
"""

from __future__ import annotations

import pandas as pd

from symbiosis.i18n import t
from symbiosis.labels import family_label, kind_label, status_label
from symbiosis.numbers import format_number
from symbiosis.reports.data import BREAKDOWNS, PER_FIRM_BREAKDOWNS, ReportData
from symbiosis.synergy.anonymise import load_sectors

__all__ = [
    "BREAKDOWNS",
    "PER_FIRM_BREAKDOWNS",
    "breakdown_table",
    "default_price_note",
    "empty_scope_note",
    "headline",
    "money_text",
    "monthly_table",
    "status_table",
]

_SUMS = ("diverted_t_per_yr", "co2e_avoided_t_per_yr", "net_value_cad_per_yr")


def _locale(lang: str) -> str:
    return "en_CA" if lang == "en" else "fr_CA"


def money_text(value: float, lang: str) -> str:
    """Dollars in millions above a million (``174,5 M$``), else in full (``12 345 $``)."""
    if abs(value) >= 1e6:
        return t("manager.millions", lang, value=format_number(value / 1e6, locale=_locale(lang), decimals=1))
    return t("manager.dollars", lang, value=format_number(value, locale=_locale(lang), decimals=0))


def headline(data: ReportData, lang: str = "fr") -> list[tuple[str, str]]:
    """The headline indicators as ``(label, text)``: each synergy once, rejected ones left out."""

    def whole(key: str, column: str = "total") -> str:
        return format_number(data.kpi(key, column), locale=_locale(lang), decimals=0)

    return [
        (t("manager.kpi.diverted", lang), whole("diverted_t_per_yr")),
        (t("manager.kpi.co2e", lang), whole("co2e_avoided_t_per_yr")),
        (t("manager.kpi.saved", lang), money_text(data.kpi("net_value_cad_per_yr"), lang)),
        (t("manager.kpi.synergies", lang), whole("n_synergies")),
        (t("manager.kpi.firms", lang), whole("n_firms_engaged")),
        (t("manager.kpi.verified", lang), whole("n_synergies", "verified")),
    ]


def empty_scope_note(data: ReportData, lang: str = "fr") -> str | None:
    """Say that no synergy falls in the chosen period and territory, or None when some does.

    A manager choosing a year with no synergy read a row of zeros and « Rien à afficher pour
    l'instant » (as if data were still to come) without being told the scope holds none.
    """
    if data.kpi("n_synergies") > 0:
        return None
    return t("reports.none", lang)


def default_price_note(data: ReportData, lang: str = "fr") -> str | None:
    """Say how much of the net savings rests on prices no firm gave, or None when none does.

    A program manager quoting the savings in a grant report needs to know which dollars come from
    the firms' own figures and which from the engine's defaults (``docs/impact-method.md``).
    """
    on_defaults = data.kpi("net_value_default_prices_cad_per_yr")
    if on_defaults == 0.0:
        return None
    return t(
        "manager.kpi.saved_default",
        lang,
        value=money_text(on_defaults, lang),
        total=money_text(data.kpi("net_value_cad_per_yr"), lang),
    )


def status_table(data: ReportData, lang: str = "fr") -> pd.DataFrame:
    """Synergies by status now, how many ever reached each stage, and the conversion (%)."""
    part = data.by_status
    return pd.DataFrame(
        {
            t("manager.col.status", lang): part["status"].map(lambda s: status_label(s, lang)).to_numpy(),
            t("manager.col.count", lang): part["n_synergies"].astype(int).to_numpy(),
            t("manager.col.reached", lang): part["n_reached"].astype("Int64").to_numpy(),
            t("manager.col.conversion", lang): part["conversion_pct"].astype(float).round(1).to_numpy(),
        }
    )


def _key_label(by: str, key: str, lang: str, parks: pd.DataFrame | None) -> str:
    if by == "park":
        if key in ("", "none"):
            return t("manager.no_park", lang)
        names = dict(zip(parks["park_id"], parks["name"], strict=True)) if parks is not None else {}
        return str(names.get(key, key))
    if by == "sector":
        table = load_sectors().set_index("sector")
        column = "label_en" if lang == "en" else "label_fr"
        return str(table.loc[key, column]) if key in table.index else t("manager.unknown_sector", lang)
    if by == "family":
        return family_label(key, lang)
    if by == "kind":
        return kind_label(key, lang)
    return key  # MRC names are names already


def breakdown_table(
    data: ReportData, by: str, lang: str = "fr", *, parks: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Synergies, firms, tonnes diverted, CO2e and value by ``by`` (:data:`BREAKDOWNS`), as numbers.

    For places and sectors (:data:`PER_FIRM_BREAKDOWNS`) a synergy between two groups is in both:
    the rows may add up to more than the headline, which counts each synergy once.
    """
    part = data.breakdowns.get(by, pd.DataFrame(columns=["key", "n_synergies", "n_firms", *_SUMS]))
    return pd.DataFrame(
        {
            t(f"manager.by.{by}", lang): [_key_label(by, str(k), lang, parks) for k in part["key"]],
            t("manager.col.n", lang): pd.to_numeric(part["n_synergies"]).to_numpy(),
            t("manager.col.firms", lang): pd.to_numeric(part["n_firms"]).to_numpy(),
            t("manager.col.diverted", lang): pd.to_numeric(part["diverted_t_per_yr"]).round(0).to_numpy(),
            t("manager.col.co2e", lang): pd.to_numeric(part["co2e_avoided_t_per_yr"]).round(0).to_numpy(),
            t("manager.col.value", lang): pd.to_numeric(part["net_value_cad_per_yr"]).round(0).to_numpy(),
        }
    )


def monthly_table(data: ReportData, lang: str = "fr") -> pd.DataFrame:
    """Tonnes diverted per month (January first), month names in ``lang``."""
    return pd.DataFrame(
        {
            t("manager.col.month", lang): [t(f"manager.month.{m}", lang) for m in range(1, 13)],
            t("manager.col.tonnes_month", lang): [round(v, 1) for v in data.monthly],
        }
    )
