"""What the synergy screens show: readable tables of proposals, pipeline, history, funnel and ledger.

Pure (no streamlit): frames from :mod:`symbiosis.synergy` in, display frames with translated
headers and labels out. The index of a table keeps its ``synergy_id`` so a selection maps back.
Numbers stay numbers (rounded, never pre-formatted text) so that the screen sorts them as numbers
and writes them the way the interface language does; units go in the header or their own column.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pandas as pd

from symbiosis.i18n import catalogue_keys, t, tn
from symbiosis.labels import (
    category_label,
    factor_labels,
    family_label,
    method_label,
    unit_label,
)
from symbiosis.synergy.anonymise import SECTOR_GROUPS, load_sectors
from symbiosis.synergy.status import PIPELINE, STATUSES, TRANSITIONS, TransitionError, status_label
from symbiosis.views.local_time import local_times

__all__ = [
    "category_label",
    "consent_table",
    "describe_entry",
    "empty_period_note",
    "firm_table",
    "funnel_table",
    "history_table",
    "ledger_table",
    "next_statuses",
    "next_step",
    "pipeline_table",
    "proposal_label",
    "read_quantity",
    "refusal_text",
    "status_label",
    "synergy_labels",
    "text_or_empty",
    "unit_label",
    "verification_table",
]


def text_or_empty(value: Any) -> str:
    """Return a stored text value, or ``""`` for None, NaN and NA (never the word ``nan``)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value)


def read_quantity(text: str, lang: str = "fr") -> tuple[float | None, str]:
    """Read the actual quantity a firm typed (« 12,5 », « 1 200 »): ``(value, "")`` or ``(None, why)``.

    The quantity becomes verified tonnes in the grant reports, so what cannot be read for sure — not a
    number, negative, or an ambiguous « 1,200 » (1.2 or 1200?) — is refused with what was expected
    and how to write it, never guessed.
    """
    from symbiosis.numbers import parse_number

    typed = "" if text is None else str(text).strip()
    parsed = parse_number(typed, locale="en_CA" if lang == "en" else "fr_CA")
    if parsed.ok and not parsed.warnings:
        return parsed.value, ""
    if parsed.ok:  # read, but ambiguous (« 1,200 »): the firm says which it meant
        return None, parsed.warnings[0].get(lang)
    if not typed or parsed.error is None:
        expected = t("synergy.verify.expected", lang)
    else:
        expected = parsed.error.get(lang)
    return None, t("synergy.verify.bad_quantity", lang, found=typed, expected=expected)


def next_statuses(status: str) -> tuple[str, ...]:
    """Return the statuses an advisor may move a synergy to from ``status``."""
    return TRANSITIONS.get(status, ())


def refusal_text(error: Exception, lang: str = "fr") -> str:
    """Return why the pipeline refused a change, in ``lang`` (statuses by their names, no English code).

    A :class:`~symbiosis.synergy.status.TransitionError` carries a ``code`` and its values; any
    other refusal (a permission) gets the generic message.
    """
    if not isinstance(error, TransitionError):
        return t("synergy.refusal.permission", lang)
    params = dict(error.params)
    for name in ("current", "to", "status"):
        if name in params:
            params[name] = status_label(params[name], lang)
    if "allowed" in params:
        allowed = [status_label(s, lang) for s in params["allowed"]]
        params["allowed"] = ", ".join(allowed) if allowed else t("synergy.refusal.nothing", lang)
    try:
        return t(f"synergy.refusal.{error.code}", lang, **params)
    except KeyError:
        return t("synergy.refusal.other", lang)


def _sector_label(sector: str, lang: str) -> str:
    if not sector:
        return t("synergy.sector.withheld", lang)
    if sector in set(SECTOR_GROUPS.values()):  # what firms are shown (k-anonymity: a group of sectors)
        return t(f"synergy.sector_group.{sector}", lang)
    table = load_sectors().set_index("sector")
    if sector not in table.index:
        return sector
    return str(table.loc[sector, f"label_{lang if lang == 'en' else 'fr'}"])


def _area_label(level: str, area: str, lang: str) -> str:
    if level in ("outside", "withheld"):
        return t(f"synergy.area.{level}", lang)
    return t("synergy.area.mrc", lang, name=area) if level == "mrc" else area


def _counterpart_category(row: Any, categories: pd.DataFrame | None, lang: str) -> str:
    level, shown = row["counterpart_category_level"], row["counterpart_category"]
    if level == "category":
        return category_label(shown, categories, lang)
    if level == "family":
        return family_label(shown, lang)
    return t("synergy.category.withheld", lang)


def _decision(value: Any, lang: str) -> str:
    return t(f"synergy.decision.{text_or_empty(value) or 'none'}", lang)


def _their_decision(value: Any, lang: str) -> str:
    return t(f"synergy.their_decision.{text_or_empty(value) or 'none'}", lang)


def _about(value: Any, digits: int = 2) -> float | None:
    """A figure rounded to ``digits`` significant digits (a firm sees an order of magnitude)."""
    number = pd.to_numeric(value, errors="coerce")
    if number is None or pd.isna(number):
        return None
    number = float(number)
    if number == 0:
        return 0.0
    return float(round(number, digits - 1 - math.floor(math.log10(abs(number)))))


def firm_table(
    proposals: pd.DataFrame, lang: str = "fr", *, categories: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return a firm's anonymised proposals (:meth:`SynergyRepository.firm_proposals`) as shown.

    The decisions come first (the firm's own and the other side's), then what the firm gains
    (estimated saving, tonnes and GHG, rounded to two significant digits), then the counterpart
    described by bands only.
    """
    rows = []
    has_figures = "my_saving_cad_per_yr" in proposals
    for r in proposals.to_dict("records"):
        row = {
            t("synergy.col.decision", lang): _decision(r.get("my_decision"), lang),
            t("synergy.col.their_decision", lang): _their_decision(r.get("their_decision"), lang),
            t("synergy.col.status", lang): status_label(r["status"], lang),
            t("synergy.col.role", lang): t(f"synergy.side.{r['my_side']}", lang),
            t("synergy.col.mine", lang): category_label(r["my_category_id"], categories, lang),
            t("synergy.col.theirs", lang): _counterpart_category(pd.Series(r), categories, lang),
        }
        if has_figures:
            row[t("synergy.col.my_saving", lang)] = _about(r.get("my_saving_cad_per_yr"))
            row[t("synergy.col.my_tonnes", lang)] = _about(r.get("tonnes_t_per_yr"))
            row[t("synergy.col.my_co2e", lang)] = _about(r.get("co2e_avoided_t_per_yr"))
        row |= {
            t("synergy.col.sector", lang): _sector_label(text_or_empty(r["counterpart_sector"]), lang),
            t("synergy.col.area", lang): _area_label(r["area_level"], text_or_empty(r["area"]), lang),
            t("synergy.col.distance", lang): t(f"synergy.distance.{r['distance_band']}", lang),
            t("synergy.col.quantity", lang): t(
                f"synergy.quantity.{r['quantity_band']}", lang, unit=unit_label(r["flow_unit"], lang)
            ),
            t("synergy.col.revealed", lang): t("synergy.yes" if r["revealed"] else "synergy.no", lang),
        }
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(proposals["synergy_id"], name="synergy_id"))


def next_step(row: pd.Series, lang: str = "fr") -> str:
    """Where a firm's proposal stands and what happens next, from both decisions and the status."""
    from symbiosis.synergy.status import CONSENT_OPEN

    mine, theirs = text_or_empty(row.get("my_decision")), text_or_empty(row.get("their_decision"))
    if row["status"] in ("implemented", "verified"):  # what is left to do is confirming quantities
        return t(f"synergy.next.{row['status']}", lang)
    if bool(row.get("revealed")) or (mine == "accept" and theirs == "accept"):
        return t("synergy.next.both", lang)
    if row["status"] not in CONSENT_OPEN:
        return t("synergy.next.closed", lang, status=status_label(row["status"], lang))
    if mine == "decline":
        return t("synergy.next.declined", lang)
    if theirs == "decline":
        return t("synergy.next.they_declined", lang)
    if mine == "accept":
        return t("synergy.next.waiting", lang)
    return t("synergy.next.undecided", lang)


def proposal_label(row: pd.Series, lang: str = "fr", *, categories: pd.DataFrame | None = None) -> str:
    """Return a one-line label of a firm's proposal for a select box (no counterpart identity)."""
    theirs = _counterpart_category(row, categories, lang)
    mine = category_label(row["my_category_id"], categories, lang)
    return f"{mine} ↔ {theirs} · {status_label(row['status'], lang)}"


def _names(firms: pd.DataFrame) -> pd.Series:
    return firms.drop_duplicates("firm_id").set_index("firm_id")["name"]


def synergy_labels(
    synergies: pd.DataFrame, firms: pd.DataFrame, lang: str = "fr", *, categories: pd.DataFrame | None = None
) -> dict[str, str]:
    """Return ``synergy_id → "Supplier → Receiver · resource · status"`` for a select box."""
    names = _names(firms)
    return {
        r["synergy_id"]: " · ".join(
            (
                f"{names.get(r['supply_firm_id'], r['supply_firm_id'])} → "
                f"{names.get(r['demand_firm_id'], r['demand_firm_id'])}",
                category_label(r["supply_category_id"], categories, lang),
                status_label(r["status"], lang),
            )
        )
        for r in synergies.to_dict("records")
    }


def _figure(estimate: Any, name: str) -> float:
    figures = estimate.get("figures", {}) if isinstance(estimate, dict) else {}
    value = pd.to_numeric(figures.get(name), errors="coerce")
    return 0.0 if value is None or pd.isna(value) else float(value)


def _next(on: Any, what: Any) -> str:
    parts = [text_or_empty(on)[:10], text_or_empty(what)]
    return " ".join(p for p in parts if p)


def empty_period_note(n_tracked: int, lang: str = "fr") -> str:
    """Say that no synergy got its current status in the chosen period, how many there are, what to do.

    An empty table (or a row of zeros) would read as « nothing tracked yet ».
    """
    return tn("synergy.period.none", n_tracked, lang)


def pipeline_table(
    synergies: pd.DataFrame, firms: pd.DataFrame, lang: str = "fr", *, categories: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return the advisor's table of synergies, with firm names, figures (numbers) and follow-up."""
    names = _names(firms)
    rows = []
    for r in synergies.to_dict("records"):
        reason = text_or_empty(r.get("rejection_reason"))
        rows.append(
            {
                t("synergy.col.status", lang): status_label(r["status"], lang),
                t("synergy.col.supplier", lang): names.get(r["supply_firm_id"], r["supply_firm_id"]),
                t("synergy.col.receiver", lang): names.get(r["demand_firm_id"], r["demand_firm_id"]),
                t("synergy.col.resource", lang): category_label(r["supply_category_id"], categories, lang),
                t("synergy.col.flow_num", lang): round(float(r["flow_per_yr"] or 0.0), 1),
                t("synergy.col.unit", lang): unit_label(r["flow_unit"], lang),
                t("synergy.col.co2e", lang): round(_figure(r.get("estimate"), "co2e_avoided_t_per_yr"), 1),
                t("synergy.col.value", lang): round(_figure(r.get("estimate"), "net_value_cad_per_yr")),
                t("synergy.col.reason", lang): t(f"synergy.reason.{reason}", lang) if reason else "",
                t("synergy.col.owner", lang): text_or_empty(r.get("owner_id")),
                t("synergy.col.next_action", lang): _next(r.get("next_action_on"), r.get("next_action")),
                t("synergy.col.changed", lang): local_times([r["status_changed_at"]]).iloc[0],
            }
        )
    return pd.DataFrame(rows, index=pd.Index(synergies["synergy_id"], name="synergy_id"))


# -- the history, in sentences ---------------------------------------------------------------------

_FOLLOW_UP = ("owner_id", "next_action", "next_action_on")


def _value_text(name: str, value: Any, lang: str) -> str:
    if name in ("status", "stage_reached"):
        return status_label(value, lang)
    if name == "rejection_reason":
        return t(f"synergy.reason.{value}", lang) if text_or_empty(value) else t("synergy.none", lang)
    return text_or_empty(value) or t("synergy.none", lang)


def _synergy_change(before: dict, after: dict, lang: str) -> list[str]:
    parts = []
    if "status" in after:
        parts.append(
            t(
                "synergy.history.status",
                lang,
                before=_value_text("status", before.get("status"), lang),
                after=_value_text("status", after["status"], lang),
            )
        )
    if text_or_empty(after.get("rejection_reason")):
        parts.append(
            t(
                "synergy.history.reason",
                lang,
                reason=_value_text("rejection_reason", after["rejection_reason"], lang),
            )
        )
    for name in _FOLLOW_UP:
        if name in after:
            parts.append(t(f"synergy.history.{name}", lang, value=_value_text(name, after[name], lang)))
    if "parameters" in after:
        changed = ", ".join(_param_label(k, lang) for k in (after["parameters"] or {}))
        parts.append(t("synergy.history.parameters", lang, names=changed))
    if set(after) & {
        "flow_per_yr",
        "flow_unit",
        "road_distance_km",
        "estimate",
        "supply_category_id",
        "demand_category_id",
        "kind",
    }:
        parts.append(t("synergy.history.refreshed", lang))
    if text_or_empty(after.get("note")):
        parts.append(t("synergy.history.note", lang, note=after["note"]))
    return parts


def _param_label(name: str, lang: str) -> str:
    key = f"synergy.param.{name}"
    return t(key, lang) if key in catalogue_keys() else name.replace("_", " ")


def _side(side: Any, lang: str) -> str:
    return t("synergy.col.supplier" if side == "supply" else "synergy.col.receiver", lang)


def describe_entry(action: str, table: str, before: Any, after: Any, lang: str = "fr") -> str:
    """Return one audit entry of a synergy as a sentence in ``lang`` (never raw JSON)."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    if action == "denied":
        return t("synergy.history.denied", lang)
    if action == "reveal":
        return t("synergy.history.reveal", lang)
    if table == "synergies" and action == "insert":
        return t("synergy.history.recorded", lang)
    if table == "synergies":
        return " ; ".join(_synergy_change(before, after, lang)) or t("synergy.history.updated", lang)
    if table == "consents":
        text = t(
            "synergy.history.consent",
            lang,
            side=_side(after.get("side"), lang),
            decision=t(f"synergy.decision.{after.get('decision', 'none')}", lang),
        )
        if text_or_empty(after.get("reason")):
            text += " — " + t(f"synergy.reason.{after['reason']}", lang)
        if text_or_empty(after.get("note")):
            text += " ; " + t("synergy.history.note", lang, note=after["note"])
        return text
    if table == "verifications":
        colon = " : " if lang == "fr" else ": "
        quantities = [
            _side("supply" if k.startswith("supplier") else "demand", lang) + colon + str(v)
            for k, v in after.items()
            if k.endswith("quantity") and v is not None
        ]
        return t(
            "synergy.history.quantity",
            lang,
            start=text_or_empty(after.get("period_start")),
            end=text_or_empty(after.get("period_end")),
            quantities=", ".join(quantities),
        )
    return t("synergy.history.event", lang, action=action)


def history_table(history: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Return audit entries of a synergy (:meth:`SynergyRepository.history`) as dated sentences."""
    when = local_times(history["at"])
    return pd.DataFrame(
        {
            t("synergy.col.when", lang): when.to_numpy(),
            t("synergy.col.who", lang): history["actor_id"].to_numpy(),
            t("synergy.col.what", lang): [
                describe_entry(a, tb, b, af, lang)
                for a, tb, b, af in zip(
                    history["action"], history["table_name"], history["before"], history["after"], strict=True
                )
            ],
        }
    )


# -- funnel and ledger --------------------------------------------------------------------------------


def funnel_table(
    frame: pd.DataFrame, dimension: str, lang: str = "fr", *, parks: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return one dimension of :func:`symbiosis.synergy.funnel.funnel`: counts, reached stages, rates in %.

    ``parks`` (``park_id, name``) gives the parks their names.
    """
    part = frame[frame["dimension"] == dimension]
    park_names = dict(zip(parks["park_id"], parks["name"], strict=True)) if parks is not None else {}
    groups = part["group"].map(lambda g: _group_label(dimension, g, lang, park_names))
    out = pd.DataFrame(
        {
            t("synergy.col.group", lang): groups.to_numpy(),
            t("synergy.col.count", lang): part["n_synergies"].to_numpy(),
            t("synergy.col.firms", lang): part["n_firms"].to_numpy(),
        }
    )
    for s in STATUSES:
        out[status_label(s, lang)] = part[f"n_{s}"].to_numpy()
    for a, b in itertools.pairwise(PIPELINE):
        name = t("synergy.funnel.rate", lang, a=status_label(a, lang), b=status_label(b, lang))
        out[name] = (100 * part[f"rate_{a}_{b}"]).round(0).to_numpy()
    overall = (100 * part["rate_proposed_implemented"]).round(0)
    out[t("synergy.funnel.overall", lang) + " (%)"] = overall.to_numpy()
    return out


def _group_label(dimension: str, group: str, lang: str, park_names: dict[str, str]) -> str:
    if dimension == "all":
        return t("synergy.funnel.dim.all", lang)
    if dimension == "park":
        return t("synergy.funnel.no_park", lang) if group == "none" else park_names.get(group, group)
    if dimension == "sector":
        return _sector_label("" if group == "unknown" else group, lang)
    if dimension == "family":
        return family_label(group, lang)
    return group


def ledger_table(
    lines: pd.DataFrame,
    lang: str = "fr",
    *,
    factors: pd.DataFrame | None = None,
    categories: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return ledger lines (:func:`symbiosis.synergy.ledger.ledger_lines`) as shown: words, numbers.

    The method is its formula in words and each emission factor is named by what it measures and
    what it applies to (``factors``: the table the ledger used; the shipped one when None).
    """
    if factors is None:
        from symbiosis.engine.factors import load_factors

        factors = load_factors()
    period = [
        f"{s} → {e}" if text_or_empty(s) else ""
        for s, e in zip(lines["period_start"], lines["period_end"], strict=True)
    ]
    return pd.DataFrame(
        {
            t("synergy.col.indicator", lang): lines["indicator"].map(lambda i: _indicator(i, lang)),
            t("synergy.col.value_num", lang): lines["value"].astype(float).round(1),
            t("synergy.col.unit", lang): lines["unit"].map(lambda u: unit_label(u, lang)),
            t("synergy.col.basis", lang): lines["basis"].map(lambda b: t(f"synergy.basis.{b}", lang)),
            t("synergy.col.period", lang): period,
            t("synergy.col.method", lang): lines["method"].map(lambda m: method_label(m, lang)),
            t("synergy.col.factors", lang): lines["factor_ids"].map(
                lambda ids: factor_labels(ids, factors, lang, categories=categories)
            ),
            t("synergy.col.sources", lang): lines["sources"].map(
                lambda s: " ; ".join(_without_doc_path(p) for p in str(s).split("|") if p)
            ),
        }
    )


def _without_doc_path(source: str) -> str:
    """A source as a person reads it: ``symbiosis impact method (docs/impact-method.md)`` → its name."""
    start = source.find(" (docs/")
    end = source.find(")", start) if start >= 0 else -1
    return source if end < 0 else source[:start] + source[end + 1 :]


def _indicator(name: str, lang: str) -> str:
    key = f"synergy.indicator.{name}"
    return t(key, lang) if key in catalogue_keys() else name.replace("_", " ")


def verification_table(verifications: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Return the confirmed periods of a synergy as shown."""
    return pd.DataFrame(
        {
            t("synergy.col.period", lang): [
                f"{s} → {e}"
                for s, e in zip(verifications["period_start"], verifications["period_end"], strict=True)
            ],
            t("synergy.col.supplier_qty", lang): pd.to_numeric(verifications["supplier_quantity"]),
            t("synergy.col.receiver_qty", lang): pd.to_numeric(verifications["receiver_quantity"]),
            t("synergy.col.counted", lang): pd.to_numeric(verifications["counted_quantity"]),
            t("synergy.col.unit", lang): verifications["unit"].map(lambda u: unit_label(u, lang)),
        }
    )


def consent_table(
    consents: pd.DataFrame, firms: pd.DataFrame | None = None, lang: str = "fr"
) -> pd.DataFrame:
    """Return the firms' decisions on a synergy (:meth:`SynergyRepository.consents`) as shown.

    ``firms`` (``firm_id, name``) names the firms; without it their ids are shown.
    """
    if isinstance(firms, str):  # the former signature consent_table(consents, lang)
        firms, lang = None, firms
    names = _names(firms) if firms is not None else pd.Series(dtype=object)
    when = local_times(consents["decided_at"])
    return pd.DataFrame(
        {
            t("synergy.col.role", lang): consents["side"].map(lambda s: _side(s, lang)),
            t("synergy.col.firms", lang): consents["firm_id"].map(lambda f: names.get(f, f)),
            t("synergy.col.decision", lang): consents["decision"].map(
                lambda d: t(f"synergy.decision.{d}", lang)
            ),
            t("synergy.col.reason", lang): consents["reason"].map(
                lambda r: t(f"synergy.reason.{r}", lang) if text_or_empty(r) else ""
            ),
            t("synergy.move.note", lang): consents["note"].map(text_or_empty),
            t("synergy.col.when", lang): when.to_numpy(),
        }
    )
