"""Localised tables of a report (one per XLSX sheet), and the flat formats: CSV and GeoJSON.

Pure builders: each takes a :class:`~symbiosis.reports.data.ReportData` and a language and returns
frames, bytes or a dict. Words, not codes: statuses, categories, kinds, units and emission factors
are written as a person reads them (:mod:`symbiosis.labels`); numbers stay numbers. Cells are
escaped against formula injection by :func:`symbiosis.io.inert.safe_frame` when written, never here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.i18n import t
from symbiosis.io.inert import csv_bytes as inert_csv_bytes
from symbiosis.labels import (
    category_label,
    category_labels,
    factor_label,
    kind_label,
    pathway_label,
    status_label,
    unit_label,
)
from symbiosis.reports.data import DOUBLE_COUNT_NOTE, KPI_KEYS, ReportData
from symbiosis.reports.unlisted import list_note, unlisted_reason

__all__ = [
    "SHEETS",
    "csv_bytes",
    "extra_sheets",
    "header_rows",
    "kpi_table",
    "localise",
    "methodology_table",
    "report_geojson",
    "sheets",
    "territory_table",
    "type_table",
]

#: Sheet keys, in workbook order (labels: ``reports.sheet.<key>``).
SHEETS: tuple[str, ...] = ("summary", "synergies", "firms", "funnel", "territory", "methodology", "notes")
#: How the factor table cites the project's own method (its page path removed), written in the
#: reader's language in the methodology table (``reports.method.own_source``).
OWN_METHOD = "symbiosis impact method"
#: Columns rounded to whole dollars / one decimal before display.
_MONEY = ("net_value_cad_per_yr",)
_ONE_DECIMAL = (
    "tonnes_t_per_yr",
    "diverted_t_per_yr",
    "co2e_avoided_t_per_yr",
    "quantity_per_yr",
    "distance_km",
    "conversion_pct",
    "share_pct",
)


def _value(prefix: str, value: Any, lang: str) -> Any:
    try:
        return t(f"{prefix}.{value}", lang)
    except KeyError:
        return value


def _words(col: str, values: pd.Series, lang: str, factors: pd.DataFrame | None) -> pd.Series:
    if col in ("status", "stage_reached"):
        return values.map(lambda v: status_label(v, lang))
    if col == "evidence":
        return values.map(lambda v: _value("reports.evidence", v, lang))
    if col == "kind":
        return values.map(lambda v: kind_label(v, lang))
    if col in ("supply_category_id", "demand_category_id"):
        labels = category_labels(None, lang)
        return values.map(lambda v: labels.get(str(v), category_label(v, None, lang)) if v else "")
    if col == "pathway":
        return values.map(lambda v: pathway_label(v, lang))
    if col == "permit_reference":  # several authorisations (one per pathway) are ``|``-joined
        sep = " ; " if lang == "fr" else "; "
        return values.map(lambda v: sep.join(r for r in str(v or "").split("|") if r))
    if col in ("unit", "quantity_unit"):
        return values.map(lambda v: unit_label(v, lang))
    if col == "quantity":
        return values.map(lambda v: _value("labels.factor.quantity", v, lang))
    if col == "factor_id" and factors is not None:
        return values.map(
            lambda v: (
                factor_label(v, factors, lang) if isinstance(v, str) and v in set(factors["factor_id"]) else v
            )
        )
    return values


def localise(
    frame: pd.DataFrame, lang: str, *, factors: pd.DataFrame | None = None, exact: bool = False
) -> pd.DataFrame:
    """Return ``frame`` with translated headers and every code written as words; numbers rounded.

    ``exact`` keeps the numbers as they are, for a writer that rounds them itself (the PDF prints
    whole tonnes: rounding 32 498,53 to 32 498,5 first printed « 32 498 » where the dashboard, from
    the exact figure, says « 32 499 »).
    """
    out = frame.copy()
    for col in out.columns:
        out[col] = _words(col, out[col], lang, factors)
        if exact:
            continue
        # « + 0.0 »: a small loss rounds to -0.0, which the CSV printed as « -0.0 » (73 rows of the sample).
        if col in _MONEY:
            out[col] = pd.to_numeric(out[col], errors="coerce").round(0) + 0.0
        elif col in _ONE_DECIMAL:
            out[col] = pd.to_numeric(out[col], errors="coerce").round(1) + 0.0
    return out.rename(columns={c: _value("reports.col", c, lang) for c in out.columns})


def period_text(data: ReportData, lang: str) -> str:
    """The period as ``start – end`` (an open side shows as ``…``; both open: "all dates")."""
    if data.period_start is None and data.period_end is None:
        return t("reports.period_open", lang)
    start = data.period_start.isoformat() if data.period_start else "…"
    end = data.period_end.isoformat() if data.period_end else "…"
    return f"{start} – {end}"


def header_rows(data: ReportData, lang: str) -> list[tuple[str, str]]:
    """Title-page fields: territory, period, generation date, distribution mode, source."""
    mode = "reports.mode_anonymised" if data.anonymised else "reports.mode_named"
    source = "reports.source_result" if data.source == "result" else "reports.source_synergies"
    return [
        (t("reports.territory", lang), data.territory.label(lang)),
        (t("reports.period", lang), period_text(data, lang)),
        (t("reports.generated", lang), data.generated_on.isoformat()),
        (t("reports.mode", lang), t(mode, lang)),
        ("", t(source, lang)),
    ]


def _kpi_values(data: ReportData, *, exact: bool = False) -> pd.DataFrame:
    table = data.kpis.set_index("indicator").loc[list(KPI_KEYS)].copy()
    if exact:
        return table
    for col in ("estimated", "verified", "total"):
        table[col] = [
            round(v) if k.startswith(("n_", "net_value")) else round(v, 1) for k, v in table[col].items()
        ]
    return table


def kpi_table(data: ReportData, lang: str, *, exact: bool = False) -> pd.DataFrame:
    """KPIs with translated labels: indicator, estimated, verified, total (numbers; ``exact``: unrounded)."""
    table = _kpi_values(data, exact=exact).reset_index()
    table["indicator"] = table["indicator"].map(lambda k: t(f"reports.kpi.{k}", lang))
    return localise(table, lang, exact=exact)


def _summary(data: ReportData, lang: str) -> pd.DataFrame:
    head = pd.DataFrame(
        {
            "field": [t("reports.doc_title", lang)] + [r[0] for r in header_rows(data, lang)],
            "value": [""] + [r[1] for r in header_rows(data, lang)],
        }
    )
    kpis = _kpi_values(data)
    rows = pd.DataFrame(
        {
            "field": [t(f"reports.kpi.{k}", lang) for k in kpis.index],
            "value": kpis["total"].to_numpy(dtype=object),
        }
    )
    return localise(pd.concat([head, rows], ignore_index=True), lang)


def territory_table(data: ReportData, lang: str, *, exact: bool = False) -> pd.DataFrame:
    """The table by territory, a total row that counts each synergy once, and the note saying so.

    ``exact`` keeps the numbers unrounded (for the PDF, which rounds them as it prints them).
    """
    table = localise(data.by_territory, lang, exact=exact)
    first = table.columns[0]
    kpis = data.kpis.set_index("indicator")["total"]
    total = {c: np.nan for c in table.columns} | {first: t("reports.total_once", lang)}
    for key in (
        "n_synergies",
        "tonnes_t_per_yr",
        "diverted_t_per_yr",
        "co2e_avoided_t_per_yr",
        "net_value_cad_per_yr",
        ("n_firms", "n_firms_engaged"),
    ):
        col, kpi = key if isinstance(key, tuple) else (key, key)
        name = _value("reports.col", col, lang)
        if name in table.columns:
            value = float(kpis[kpi])
            total[name] = value if exact else round(value, 0 if col.startswith("n_") or "cad" in col else 1)
    note = {c: np.nan for c in table.columns} | {first: DOUBLE_COUNT_NOTE.get(lang)}
    numeric = [c for c in table.columns if c != first and pd.api.types.is_numeric_dtype(table[c])]
    out = pd.concat([table, pd.DataFrame([total, note])], ignore_index=True)
    for col in numeric:
        out[col] = pd.to_numeric(out[col], errors="coerce")
    return out


def _synergies(data: ReportData, lang: str) -> pd.DataFrame:
    reason = unlisted_reason(data)
    if reason is None:
        return localise(data.synergies, lang)
    return pd.DataFrame({t("reports.col.notes", lang): [list_note(reason, lang)]})


def methodology_table(data: ReportData, lang: str, *, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every emission factor used, named in words (what it measures — what it applies to), with its
    value, unit, source, year and the number of synergies that used it."""
    table = data.methodology
    if "year" in table:
        table = table.assign(year=table["year"].astype(str))
    if "source" in table:  # a citation of the project's own method: its name, not a repository path
        source = table["source"].astype(str).str.replace(r"(?<!\s)\s*\(docs/[\w./-]+\)", "", regex=True)
        own = source.str.strip().eq(OWN_METHOD)  # our own method's name, in the reader's language
        table = table.assign(source=source.where(~own, t("reports.method.own_source", lang)))
    if "note_fr" in table:  # the French report printed the factors' notes in English
        french = table["note_fr"].fillna("").astype(str).str.strip()
        if lang == "fr":
            table = table.assign(note=french.where(french.ne(""), table["note"]))
        table = table.drop(columns="note_fr")
    if columns is not None:
        table = table[[c for c in columns if c in table]]
    if "note" in table:  # expert notes may cite another factor by its id: name it instead
        from symbiosis.engine.factors import load_factors

        every = pd.concat([data.methodology, load_factors()]).drop_duplicates("factor_id")
        ids = sorted(set(every["factor_id"].astype(str)), key=len, reverse=True)
        pattern = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, ids)) + r")(?![\w])")
        table = table.assign(
            note=table["note"]
            .astype(str)
            .map(lambda n: pattern.sub(lambda m: f"« {factor_label(m.group(1), every, lang)} »", n))
        )
    named = localise(table, lang, factors=data.methodology)
    hidden = [_value("reports.col", c, lang) for c in ("applies_to", "fate")]  # said by the factor's name
    return named.drop(columns=hidden, errors="ignore")


def _methodology(data: ReportData, lang: str) -> pd.DataFrame:
    table = methodology_table(data, lang)
    text = pd.DataFrame({table.columns[0]: [t("reports.method.text", lang)]})
    return pd.concat([text, table], ignore_index=True)


def sheets(data: ReportData, lang: str) -> dict[str, pd.DataFrame]:
    """Return every sheet of the workbook, keyed by translated sheet name, in :data:`SHEETS` order."""
    frames = {
        "summary": _summary(data, lang),
        "synergies": _synergies(data, lang),
        "firms": localise(data.firms, lang),
        "funnel": localise(data.by_status, lang),
        "territory": territory_table(data, lang),
        "methodology": _methodology(data, lang),
        "notes": localise(pd.DataFrame({"notes": [n.get(lang) for n in data.notes]}), lang),
    }
    out = {t(f"reports.sheet.{k}", lang)[:31]: frames[k] for k in SHEETS}
    return out | extra_sheets(data, lang)


def extra_sheets(data: ReportData, lang: str) -> dict[str, pd.DataFrame]:
    """The synergies by type (when more than one type is reported) and the extra sections' sheets."""
    out: dict[str, pd.DataFrame] = {}
    if len(data.by_type) > 1:
        out[t("mutual.sheet.types", lang)[:31]] = type_table(data, lang)
    for section in data.sections:
        out.update(section.sheets(lang))
    return out


def type_table(data: ReportData, lang: str) -> pd.DataFrame:
    """Synergies by type with translated type names and headers."""
    table = data.by_type.assign(
        synergy_type=data.by_type["synergy_type"].map(lambda k: _value("mutual.type", k, lang))
    )
    return localise(table, lang).rename(columns={"synergy_type": t("mutual.col.synergy_type", lang)})


def csv_bytes(data: ReportData, lang: str) -> bytes:
    """The synergies table as UTF-8 CSV (with BOM, for spreadsheet programs), formula-safe.

    In anonymised mode these are only the synergies between consenting firms; the per-territory
    aggregates are in the XLSX and PDF reports. With no synergy to list the file is its header row
    only, never a sentence (:mod:`symbiosis.reports.unlisted` says why, beside it).
    """
    return inert_csv_bytes(localise(data.synergies, lang))


def _props(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        if isinstance(value, float) and value != value:
            out[key] = None
        elif hasattr(value, "item"):
            out[key] = value.item()
        else:
            out[key] = value
    return out


def report_geojson(data: ReportData) -> dict[str, Any]:
    """Return the map as an RFC 7946 FeatureCollection (``[lon, lat]``).

    Points are named engaged firms and, in anonymised mode, one point per MRC (its public
    centroid) for the firms that did not consent; LineStrings are the synergies between them.
    """
    features: list[dict[str, Any]] = []
    for row in data.points.to_dict(orient="records"):
        coords = [round(float(row["lon"]), 5), round(float(row["lat"]), 5)]
        props = _props({k: row[k] for k in ("label", "n_synergies", "named")})
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": coords},
                "properties": {"feature": "firm" if row["named"] else "mrc_aggregate", **props},
            }
        )
    for row in data.links.to_dict(orient="records"):
        coords = [
            [round(float(row["lon0"]), 5), round(float(row["lat0"]), 5)],
            [round(float(row["lon1"]), 5), round(float(row["lat1"]), 5)],
        ]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {"feature": "synergy"},
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {"territory": data.territory.spec, "anonymised": data.anonymised},
    }


def geojson_bytes(data: ReportData) -> bytes:
    """:func:`report_geojson` as UTF-8 JSON bytes."""
    return json.dumps(report_geojson(data), ensure_ascii=False, allow_nan=False).encode("utf-8")
