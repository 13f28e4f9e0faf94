"""Grant-ready reports: XLSX, PDF (French or English), CSV and GeoJSON for a period and a territory.

``gather_report`` (pure) filters, sums and anonymises synergy lines into a :class:`ReportData`;
``render_report`` turns it into the bytes of one format. ``lines_from_result`` (a matching run:
proposals, estimates) and ``lines_from_records`` (tracked synergies and their ledger) feed it.
"""

from __future__ import annotations

from symbiosis.reports.data import MIN_FIRMS_PER_CELL, ReportData, consenting_firms, gather_report
from symbiosis.reports.lines import lines_from_records, lines_from_result
from symbiosis.reports.territory import Territory, parse_territory, territory_choices

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "MIN_FIRMS_PER_CELL",
    "ReportData",
    "Territory",
    "consenting_firms",
    "gather_report",
    "lines_from_records",
    "lines_from_result",
    "parse_territory",
    "render_report",
    "territory_choices",
]

#: Report formats and their file extension.
FORMATS: tuple[str, ...] = ("pdf", "xlsx", "csv", "geojson")
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "geojson": "application/geo+json",
}


def render_report(data: ReportData, fmt: str, lang: str = "fr") -> bytes:
    """Return the report in ``fmt`` (:data:`FORMATS`) and ``lang`` ("fr" or "en") as bytes."""
    if fmt == "pdf":
        from symbiosis.reports.pdf import pdf_bytes

        return pdf_bytes(data, lang)
    if fmt == "xlsx":
        from symbiosis.reports.xlsx import xlsx_bytes

        return xlsx_bytes(data, lang)
    if fmt == "csv":
        from symbiosis.reports.tables import csv_bytes

        return csv_bytes(data, lang)
    if fmt == "geojson":
        from symbiosis.reports.tables import geojson_bytes

        return geojson_bytes(data)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {FORMATS}")
