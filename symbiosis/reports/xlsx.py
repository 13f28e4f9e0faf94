"""Write a report workbook (XLSX): summary, synergies, firms, funnel, territory, methodology, notes.

Written with xlsxwriter's ``strings_to_formulas`` and ``strings_to_urls`` off, and every text cell
escaped by the one escape of the exports (:func:`symbiosis.io.inert.safe_frame`): a firm called
``=HYPERLINK(…)`` stays inert text. Numbers are written as numbers with a number format (thousands
grouped, whole or one decimal), never in Excel's *General* format (``174463874.6446314``); the
spreadsheet then shows them with the reader's own separators.
"""

from __future__ import annotations

import io
import logging
import math
import numbers

import pandas as pd

from symbiosis.io.inert import safe_frame
from symbiosis.reports.data import ReportData
from symbiosis.reports.tables import sheets

__all__ = ["NUMBER_FORMATS", "XLSX_OPTIONS", "frames_to_xlsx", "xlsx_bytes"]

logger = logging.getLogger(__name__)

#: xlsxwriter options that keep every string a string.
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True}
#: Excel number formats: whole numbers, and numbers with one decimal.
NUMBER_FORMATS = {"whole": "#,##0", "decimal": "#,##0.0"}


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(float(value))


def _kind(values: pd.Series) -> str:
    found = [float(v) for v in values if _is_number(v)]
    return "whole" if all(v.is_integer() for v in found) else "decimal"


def frames_to_xlsx(frames: dict[str, pd.DataFrame]) -> bytes:
    """Write each frame to a sheet of its key (formula-safe, numbers formatted); return the bytes."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}) as writer:
        book = writer.book
        formats = {k: book.add_format({"num_format": v}) for k, v in NUMBER_FORMATS.items()}
        for name, frame in frames.items():
            safe = safe_frame(frame)
            safe.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for i, col in enumerate(safe.columns):
                values = safe[col]
                lengths = [len(str(v)) for v in values.head(200)]
                width = min(60, max(8, max([len(str(col)), *lengths]) + 2))
                if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
                    sheet.set_column(i, i, width, formats[_kind(values)])
                    continue
                sheet.set_column(i, i, width)
                for row, value in enumerate(values, start=1):  # numbers inside a mixed column
                    if _is_number(value):
                        sheet.write_number(row, i, float(value), formats[_kind(pd.Series([value]))])
            sheet.freeze_panes(1, 0)
    return buffer.getvalue()


def xlsx_bytes(data: ReportData, lang: str = "fr") -> bytes:
    """Return the report workbook in ``lang`` ("fr" or "en")."""
    return frames_to_xlsx(sheets(data, lang))
