"""Localised tables of a report (one per XLSX sheet), and the flat formats: CSV and GeoJSON.

Pure builders: each takes a :class:`~symbiosis.reports.data.ReportData` and a language and returns
frames, bytes or a dict. Cells are escaped against formula injection by
:func:`symbiosis.io.inert.safe_frame` when written, never here.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from symbiosis.i18n import t
from symbiosis.io.inert import csv_bytes as inert_csv_bytes
from symbiosis.reports.data import KPI_KEYS, ReportData

__all__ = ["SHEETS", "csv_bytes", "extra_sheets", "header_rows", "kpi_table", "localise", "report_geojson",
           "sheets", "type_table"]

#: Sheet keys, in workbook order (labels: ``reports.sheet.<key>``).
SHEETS: tuple[str, ...] = ("summary", "synergies", "firms", "funnel", "territory", "methodology", "notes")
_TRANSLATED_VALUES = {"status": "reports.status", "evidence": "reports.evidence"}


def _value(prefix: str, value: Any, lang: str) -> Any:
    try:
        return t(f"{prefix}.{value}", lang)
    except KeyError:
        return value


def localise(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return ``frame`` with translated headers and status / evidence labels."""
    out = frame.copy()
    for col, prefix in _TRANSLATED_VALUES.items():
        if col in out:
            out[col] = out[col].map(lambda v, p=prefix: _value(p, v, lang))
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


def kpi_table(data: ReportData, lang: str) -> pd.DataFrame:
    """KPIs with translated labels: indicator, estimated, verified, total."""
    table = data.kpis.set_index("indicator").loc[list(KPI_KEYS)].reset_index()
    table["indicator"] = table["indicator"].map(lambda k: t(f"reports.kpi.{k}", lang))
    return localise(table, lang)


def _summary(data: ReportData, lang: str) -> pd.DataFrame:
    head = pd.DataFrame({"field": [t("reports.doc_title", lang)] + [r[0] for r in header_rows(data, lang)],
                         "value": [""] + [r[1] for r in header_rows(data, lang)]})
    kpis = data.kpis.set_index("indicator").loc[list(KPI_KEYS)]
    rows = pd.DataFrame({"field": [t(f"reports.kpi.{k}", lang) for k in kpis.index],
                         "value": kpis["total"].to_numpy(dtype=object)})
    return localise(pd.concat([head, rows], ignore_index=True), lang)


def _methodology(data: ReportData, lang: str) -> pd.DataFrame:
    text = pd.DataFrame({"factor_id": [t("reports.method.text", lang)]})
    return localise(pd.concat([text, data.methodology], ignore_index=True), lang)


def sheets(data: ReportData, lang: str) -> dict[str, pd.DataFrame]:
    """Return every sheet of the workbook, keyed by translated sheet name, in :data:`SHEETS` order."""
    frames = {
        "summary": _summary(data, lang),
        "synergies": localise(data.synergies, lang),
        "firms": localise(data.firms, lang),
        "funnel": localise(data.by_status, lang),
        "territory": localise(data.by_territory, lang),
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
    table = data.by_type.assign(synergy_type=data.by_type["synergy_type"].map(
        lambda k: _value("mutual.type", k, lang)))
    return localise(table, lang).rename(columns={"synergy_type": t("mutual.col.synergy_type", lang)})


def csv_bytes(data: ReportData, lang: str) -> bytes:
    """The synergies table as UTF-8 CSV (with BOM, for spreadsheet programs), formula-safe.

    In anonymised mode these are only the synergies between consenting firms; the per-territory
    aggregates are in the XLSX and PDF reports.
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
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": coords},
                         "properties": {"feature": "firm" if row["named"] else "mrc_aggregate", **props}})
    for row in data.links.to_dict(orient="records"):
        coords = [[round(float(row["lon0"]), 5), round(float(row["lat0"]), 5)],
                  [round(float(row["lon1"]), 5), round(float(row["lat1"]), 5)]]
        features.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords},
                         "properties": {"feature": "synergy"}})
    return {"type": "FeatureCollection", "features": features,
            "properties": {"territory": data.territory.spec, "anonymised": data.anonymised}}


def geojson_bytes(data: ReportData) -> bytes:
    """:func:`report_geojson` as UTF-8 JSON bytes."""
    return json.dumps(report_geojson(data), ensure_ascii=False, allow_nan=False).encode("utf-8")
