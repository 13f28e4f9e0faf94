"""Write a report workbook (XLSX): summary, synergies, firms, funnel, territory, methodology, notes.

Written with xlsxwriter's ``strings_to_formulas`` and ``strings_to_urls`` off, and every text cell
that starts with a formula trigger prefixed with ``'`` (:func:`symbiosis.io.inert.safe_frame`): a
firm called ``=HYPERLINK(…)`` stays inert text.
"""

from __future__ import annotations

import io
import logging

import pandas as pd

from symbiosis.io.inert import safe_frame
from symbiosis.reports.data import ReportData
from symbiosis.reports.tables import sheets

__all__ = ["XLSX_OPTIONS", "frames_to_xlsx", "xlsx_bytes"]

logger = logging.getLogger(__name__)

#: xlsxwriter options that keep every string a string.
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True}


def frames_to_xlsx(frames: dict[str, pd.DataFrame]) -> bytes:
    """Write each frame to a sheet of its key (formula-safe); return the workbook bytes."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}) as writer:
        for name, frame in frames.items():
            safe = safe_frame(frame)
            safe.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for i, col in enumerate(safe.columns):
                lengths = [len(str(v)) for v in safe[col].head(200)]
                width = max([len(str(col)), *lengths])
                sheet.set_column(i, i, min(60, max(8, width + 2)))
            sheet.freeze_panes(1, 0)
    return buffer.getvalue()


def xlsx_bytes(data: ReportData, lang: str = "fr") -> bytes:
    """Return the report workbook in ``lang`` ("fr" or "en")."""
    return frames_to_xlsx(sheets(data, lang))
