"""What the exchanges screen shows: the allocated exchanges, readable, and why each one is proposed."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from symbiosis.i18n import t, tn
from symbiosis.io.inert import csv_bytes
from symbiosis.kb.wording import evidence_text, pretreatment_label
from symbiosis.labels import category_label, unit_label
from symbiosis.reports import MEDIA_TYPES
from symbiosis.reports.export import ExportFile
from symbiosis.reports.xlsx import frames_to_xlsx
from symbiosis.views.map import fmt

__all__ = [
    "SORT_KEYS",
    "Drilldown",
    "drilldown",
    "exchange_files",
    "exchange_labels",
    "exchange_table",
    "internal_reuse_table",
    "no_exchange_text",
    "unmatched_table",
]

#: Sort choices of the table: key → (column, descending).
SORT_KEYS: dict[str, tuple[str, bool]] = {
    "net_value": ("net_value_cad_per_yr", True),
    "co2e": ("co2e_avoided_t_per_yr", True),
    "flow": ("mass_t_per_yr", True),
    "distance": ("distance_km", False),
}


def no_exchange_text(total: int, lang: str = "fr") -> str:
    """Why no exchange is shown, and what to do: the filters hide ``total`` exchanges, or there are none.

    With no exchange at all, loosening filters cannot help: the message points to the scenarios
    (a wider radius) and to prospecting instead.
    """
    if total == 0:
        return t("advisor.no_exchange_at_all", lang)
    return tn("advisor.no_exchange_filtered", total, lang)


def _unit(unit: object, lang: str) -> str:
    return unit_label(unit, lang)


def _matches(hay: pd.Series, text: str) -> pd.Series:
    """Which rows of ``hay`` contain the searched ``text`` (case-folded, literal; all when empty)."""
    needle = text.strip().casefold()
    if not needle:
        return pd.Series(True, index=hay.index)
    return hay.str.casefold().str.contains(needle, regex=False)


def _names(firms: pd.DataFrame) -> pd.Series:
    return firms.drop_duplicates("firm_id").set_index("firm_id")["name"]


def exchange_table(
    exchanges: pd.DataFrame, firms: pd.DataFrame, lang: str = "fr", *, text: str = "", sort: str = "net_value"
) -> pd.DataFrame:
    """Return the exchanges as a person reads them, filtered by ``text`` and sorted by ``sort``.

    The index keeps the row's ``candidate_id`` so a selection maps back to the exchange. Numbers
    stay numbers (rounded), so the screen sorts them as numbers and writes them in ``lang``.
    """
    names = _names(firms)
    frame = exchanges.assign(
        _s=exchanges["supply_firm_id"].map(names).fillna(exchanges["supply_firm_id"]),
        _d=exchanges["demand_firm_id"].map(names).fillna(exchanges["demand_firm_id"]),
        _c=exchanges.get(f"supply_label_{lang}", exchanges["supply_category_id"]),
    )
    frame = frame[
        _matches(
            frame["_s"].astype(str) + " " + frame["_d"].astype(str) + " " + frame["_c"].astype(str), text
        )
    ]
    column, descending = SORT_KEYS.get(sort, SORT_KEYS["net_value"])
    frame = frame.sort_values([column, "candidate_id"], ascending=[not descending, True], kind="stable")
    return pd.DataFrame(
        {
            t("advisor.col.supplier", lang): frame["_s"].to_numpy(),
            t("advisor.col.receiver", lang): frame["_d"].to_numpy(),
            t("advisor.col.category", lang): frame["_c"].to_numpy(),
            t("col.quantity_per_yr", lang): pd.to_numeric(frame["flow_per_yr"]).round(1).to_numpy(),
            t("col.unit", lang): [_unit(u, lang) for u in frame["quantity_unit"]],
            t("advisor.col.distance", lang): pd.to_numeric(frame["distance_km"]).round(1).to_numpy(),
            t("advisor.col.net_value", lang): pd.to_numeric(frame["net_value_cad_per_yr"]).round().to_numpy(),
            t("advisor.col.co2e", lang): pd.to_numeric(frame["co2e_avoided_t_per_yr"]).round(1).to_numpy(),
        },
        index=pd.Index(frame["candidate_id"].to_numpy(), name="candidate_id"),
    )


def exchange_files(table: pd.DataFrame, lang: str = "fr") -> dict[str, ExportFile]:
    """Return the exchanges as shown (:func:`exchange_table`: filtered, sorted, in words) as CSV and XLSX.

    Headers are the table's, in ``lang``; firms by name, categories and units in words; no id. The
    CSV is UTF-8 with a BOM; in French it is separated by « ; » with a decimal comma, as a
    French-Canadian spreadsheet opens it, in English by « , » with a decimal point. The workbook
    keeps numbers as numbers (:func:`~symbiosis.reports.xlsx.frames_to_xlsx`). Both go through the
    exports' one escape (:mod:`symbiosis.io.inert`): a firm named ``=HYPERLINK(…)`` stays text.
    """
    rows = table.reset_index(drop=True)
    french = lang != "en"
    stem = t("advisor.exchanges.file", lang)
    sheet = t("advisor.exchanges.sheet", lang)[:31]
    return {
        "csv": ExportFile(
            f"{stem}.csv",
            MEDIA_TYPES["csv"],
            csv_bytes(rows, sep=";" if french else ",", decimal="," if french else "."),
        ),
        "xlsx": ExportFile(f"{stem}.xlsx", MEDIA_TYPES["xlsx"], frames_to_xlsx({sheet: rows})),
    }


def exchange_labels(exchanges: pd.DataFrame, firms: pd.DataFrame, lang: str = "fr") -> dict[str, str]:
    """Return ``candidate_id → "Supplier → Receiver · category"`` for a selection box."""
    names = _names(firms)
    label = exchanges.get(f"supply_label_{lang}", exchanges["supply_category_id"])
    return {
        cid: f"{names.get(s, s)} → {names.get(d, d)} · {c}"
        for cid, s, d, c in zip(
            exchanges["candidate_id"],
            exchanges["supply_firm_id"],
            exchanges["demand_firm_id"],
            label,
            strict=True,
        )
    }


@dataclass(frozen=True)
class Drilldown:
    """Everything the drill-down of one exchange shows.

    ``basis`` is the sentence a person reads (the rule in words, never its id); ``reference`` names
    the knowledge-base rule for whoever checks it (a tooltip), empty for a text-only match.
    """

    basis: str
    facts: pd.DataFrame
    value: pd.DataFrame
    co2e: pd.DataFrame
    flags: list[str]
    reference: str = ""


def _num(row: pd.Series, name: str) -> float:
    value = pd.to_numeric(pd.Series([row.get(name)]), errors="coerce").iloc[0]
    return 0.0 if pd.isna(value) else float(value)


def drilldown(row: pd.Series, lang: str = "fr", *, rules: pd.DataFrame | None = None) -> Drilldown:
    """Explain one exchange (a row of ``MatchResult.exchanges``): basis, facts, value, CO2e, flags."""
    if row.get("match_basis") == "rule":
        ev = evidence_text(row.get("evidence_type"), row.get("evidence_ref"), row.get("evidence_note"), lang)
        basis = t(
            "advisor.drill.rule",
            lang,
            supply=row.get(f"supply_label_{lang}"),
            demand=row.get(f"demand_label_{lang}"),
            evidence=ev or "—",
        )
    else:
        basis = t("advisor.drill.text", lang, sim=fmt(_num(row, "text_similarity"), lang, 2))
    unit = _unit(row.get("quantity_unit"), lang)
    facts = pd.DataFrame(
        {
            t("advisor.drill.item", lang): [
                t("advisor.drill.crow_fly", lang),
                t("advisor.drill.road", lang),
                t("advisor.drill.flow", lang),
                t("advisor.drill.pct_supply", lang),
                t("advisor.drill.pct_demand", lang),
                t("advisor.drill.months", lang),
                t("advisor.drill.trucks", lang),
                t("advisor.drill.net_value", lang),
                t("advisor.drill.co2e_total", lang),
            ],
            t("advisor.drill.value", lang): [
                f"{fmt(_num(row, 'distance_km'), lang, 1)} km",
                f"≈ {fmt(_num(row, 'road_distance_km'), lang)} km",
                f"{fmt(_num(row, 'flow_per_yr'), lang)} {unit}",
                f"{fmt(_num(row, 'pct_of_supply'), lang)} %",
                f"{fmt(_num(row, 'pct_of_demand'), lang)} %",
                str(row.get(f"months_common_{lang}") or "—"),
                fmt(_num(row, "trucks_per_yr"), lang),
                f"{fmt(_num(row, 'net_value_cad_per_yr'), lang)} {t('advisor.drill.cad_per_yr', lang)}",
                f"{fmt(_num(row, 'co2e_avoided_t_per_yr'), lang, 1)} "
                + t("advisor.drill.t_co2e_per_yr", lang),
            ],
        }
    )
    disposal = _num(row, "avoided_disposal_cad_per_yr")
    # A by-product sold today earns nothing by being diverted: its « avoided disposal » is the sale lost.
    lost_sale = row.get("supply_fate") == "sold_byproduct" or disposal < 0
    value = pd.DataFrame(
        {
            "poste": [
                t("advisor.drill.lost_sale" if lost_sale else "advisor.drill.avoided_disposal", lang),
                t("advisor.drill.avoided_purchase", lang),
                t("advisor.drill.gate_fee", lang),
                t("advisor.drill.transport", lang),
                t("advisor.drill.pretreatment", lang),
            ],
            "cad": [
                disposal,
                _num(row, "avoided_purchase_cad_per_yr"),
                -_num(row, "gate_fee_cad_per_yr"),
                -_num(row, "transport_cost_cad_per_yr"),
                -_num(row, "pretreatment_cost_cad_per_yr"),
            ],
        }
    )
    value = value.set_index("poste").rename(columns={"cad": t("advisor.drill.cad_per_yr", lang)})
    co2e = pd.DataFrame(
        {
            "poste": [
                t("advisor.drill.co2_disposal", lang),
                t("advisor.drill.co2_virgin", lang),
                t("advisor.drill.co2_transport", lang),
            ],
            "t": [
                _num(row, "co2e_disposal_avoided_t_per_yr"),
                _num(row, "co2e_virgin_avoided_t_per_yr"),
                -_num(row, "co2e_transport_t_per_yr"),
            ],
        }
    )
    co2e = co2e.set_index("poste").rename(columns={"t": t("advisor.drill.t_co2e_per_yr", lang)})
    rule = str(row.get("rule_id") or "") if row.get("match_basis") == "rule" else ""
    reference = t("advisor.drill.rule_ref", lang, rule=rule) if rule else ""
    return Drilldown(basis, facts, value, co2e, _flags(row, lang, rules), reference)


def _flags(row: pd.Series, lang: str, rules: pd.DataFrame | None) -> list[str]:
    out = []
    if bool(row.get("flag_hazardous")):
        out.append(t("advisor.flag.hazardous", lang))
    if bool(row.get("flag_authorisation")):
        code = ""
        if rules is not None and "authorisation" in rules and row.get("rule_id"):
            hit = rules.loc[rules["rule_id"] == row.get("rule_id"), "authorisation"]
            code = str(hit.iloc[0]) if len(hit) else ""
        which = t(f"advisor.auth.{code}", lang) if code else t("advisor.auth.unknown", lang)
        out.append(t("advisor.flag.authorisation", lang, which=which))
    if bool(row.get("flag_pretreatment")):
        what = pretreatment_label(row.get("pretreatment"), lang) if row.get("pretreatment") else "—"
        done = bool(row.get("pretreatment_done")) and bool(row.get("pretreatment"))
        out.append(
            t("advisor.flag.pretreatment_done" if done else "advisor.flag.pretreatment", lang, what=what)
        )
    if bool(row.get("flag_internal")):
        out.append(t("advisor.flag.internal", lang))
    if bool(row.get("flag_text_only")):
        out.append(t("advisor.flag.text_only", lang))
    if bool(row.get("flag_preheat")):
        share = pd.to_numeric(row.get("heat_share"), errors="coerce")
        share = 1.0 if pd.isna(share) else float(share)
        back = pd.to_numeric(row.get("return_temperature_c"), errors="coerce")
        if bool(row.get("return_declared")) and not pd.isna(back):  # the customer's own return
            out.append(t("advisor.flag.preheat_declared", lang, pct=f"{100 * share:.0f}", back=f"{back:.0f}"))
        else:
            out.append(t("advisor.flag.preheat", lang, pct=f"{100 * share:.0f}"))
    if bool(row.get("flag_sale_price_unknown")):
        out.append(t("advisor.flag.sale_price_unknown", lang))
    for flag in ("category_to_confirm", "category_unconfirmed"):
        if bool(row.get(f"flag_{flag}")):
            out.append(t(f"advisor.flag.{flag}", lang, which=_pair_categories(row, lang)))
    return out


def _pair_categories(row: pd.Series, lang: str) -> str:
    """The pair's two categories in words, « supply → demand »."""
    words = [
        row.get(f"{side}_label_{lang}") or category_label(row.get(f"{side}_category_id"), None, lang)
        for side in ("supply", "demand")
    ]
    return " → ".join(str(w or "—") for w in words)


def unmatched_table(
    unmatched: pd.DataFrame,
    firms: pd.DataFrame,
    lang: str = "fr",
    *,
    categories: pd.DataFrame | None = None,
    text: str = "",
) -> pd.DataFrame:
    """Return the unmatched streams with firm name, category label, quantity and reason in ``lang``.

    ``text`` keeps the rows whose firm or category contains it, as the page's search box does for the
    exchanges (:func:`exchange_table`).
    """
    names = _names(firms)
    cat = unmatched["category_id"]
    if categories is not None:
        labels = categories.drop_duplicates("category_id").set_index("category_id")[f"label_{lang}"]
        cat = cat.map(labels).fillna(cat)
    firm = unmatched["firm_id"].map(names).fillna(unmatched["firm_id"])
    keep = _matches(firm.astype(str) + " " + cat.astype(str), text).to_numpy(bool)
    shown = unmatched[keep]
    return pd.DataFrame(
        {
            t("advisor.col.firm", lang): firm[keep].to_numpy(),
            t("advisor.col.category", lang): cat[keep].to_numpy(),
            t("col.quantity_per_yr", lang): pd.to_numeric(shown["quantity_per_yr"]).round(1).to_numpy(),
            t("col.unit", lang): [_unit(u, lang) for u in shown["quantity_unit"]],
            t("advisor.col.reason", lang): shown["reason_en" if lang == "en" else "reason_fr"].to_numpy(),
        }
    )


def internal_reuse_table(
    internal: pd.DataFrame, firms: pd.DataFrame, lang: str = "fr", *, text: str = ""
) -> pd.DataFrame:
    """Return the firms' own reuse opportunities as a person reads them, largest value first.

    ``internal`` is ``MatchResult.internal_opportunities``: same-firm pairs, listed apart and never
    counted in the program's figures, each at its full flow (the residue the firm throws away that
    its own need could take). ``text`` keeps the rows whose firm or either category contains it, as
    the page's search box does for the exchanges.
    """
    columns = [
        t(key, lang)
        for key in (
            "advisor.col.firm",
            "advisor.col.residue",
            "advisor.col.own_use",
            "col.quantity_per_yr",
            "col.unit",
            "advisor.col.net_value",
            "advisor.col.co2e",
        )
    ]
    if internal.empty or f"supply_label_{lang}" not in internal:
        return pd.DataFrame(columns=columns)
    firm = internal["supply_firm_id"].map(_names(firms)).fillna(internal["supply_firm_id"]).astype(str)
    residue = internal[f"supply_label_{lang}"].astype(str)
    use = internal[f"demand_label_{lang}"].astype(str)
    frame = internal[_matches(firm + " " + residue + " " + use, text)]
    table = pd.DataFrame(
        dict(
            zip(
                columns,
                (
                    firm[frame.index].to_numpy(),
                    residue[frame.index].to_numpy(),
                    use[frame.index].to_numpy(),
                    pd.to_numeric(frame["max_flow_per_yr"]).round(1).to_numpy(),
                    [_unit(f"{u}/yr", lang) for u in frame["supply_unit"]],
                    pd.to_numeric(frame["net_value_cad_per_yr"]).round().to_numpy(),
                    pd.to_numeric(frame["co2e_avoided_t_per_yr"]).round(1).to_numpy(),
                ),
                strict=True,
            )
        )
    )
    return table.sort_values(columns[5], ascending=False, ignore_index=True, kind="stable")
