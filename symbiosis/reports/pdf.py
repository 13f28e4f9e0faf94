"""Write a report as PDF (fpdf2, bundled DejaVu Sans regular and bold), in French or English.

Pages: a title page with the territory, period and distribution mode; the KPI summary; synergies
by status (the funnel) and by territory; the map figure; the named synergies; the methodology with
every factor's source and year; the data-quality notes. Every page carries "Page n of N".
:class:`ReportPDF` and :func:`draw_table` are reused by the event planner's agendas.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from importlib import resources
from typing import Any

import pandas as pd
from babel.numbers import format_decimal
from fpdf import FPDF
from fpdf.fonts import FontFace

from symbiosis.i18n import t, tn
from symbiosis.reports.data import DOUBLE_COUNT_NOTE, MIN_FIRMS_PER_CELL, ReportData
from symbiosis.reports.figures import Frame, draw_map, map_caption
from symbiosis.reports.tables import (
    header_rows,
    kpi_table,
    localise,
    methodology_table,
    territory_table,
    type_table,
)
from symbiosis.reports.unlisted import list_note, unlisted_reason

__all__ = ["FONT", "ReportPDF", "draw_table", "format_number", "pdf_bytes"]

logger = logging.getLogger(__name__)

FONT = "DejaVu"
#: Rows of the named-synergies table printed in the PDF (the XLSX has them all).
MAX_SYNERGY_ROWS = 40
_HEAD = FontFace(emphasis="BOLD", fill_color=(225, 232, 240))
#: Where fpdf2 may break a line in a cell: ordinary spaces, tabs and line ends (never a no-break space).
_SPACES = re.compile(r"[ \t\n]+")


def format_number(value: Any, lang: str, decimals: int = 0) -> str:
    """Format a number the way the language writes it (``12 345,7`` / ``12,345.7``); "—" for NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, str):
        return value
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    shown = round(float(value), decimals) + 0.0  # -0.3 t CO2e printed « -0 »: zero has no sign
    return format_decimal(shown, format=pattern, locale="fr_CA" if lang == "fr" else "en_CA")


class ReportPDF(FPDF):
    """An A4 page with the bundled DejaVu fonts, a running title and ``Page n of N`` in the footer."""

    def __init__(self, title: str, lang: str = "fr", orientation: str = "P") -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.report_title = title
        self.lang = lang
        fonts = resources.files("symbiosis.reports").joinpath("fonts")
        for style, name in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
            with resources.as_file(fonts.joinpath(name)) as path:
                self.add_font(FONT, style, str(path))
        self.set_font(FONT, size=10)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(title)
        self.set_creator("symbiosis")

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, size=8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, self.report_title, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, t("reports.page_number", self.lang, n=self.page_no(), total="{nb}"), align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: int = 14) -> None:
        """A bold section heading."""
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_font(FONT, size=10)

    def paragraph(self, text: str, size: int = 10) -> None:
        """A wrapped paragraph."""
        self.set_font(FONT, size=size)
        self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)


def _longest_word(pdf: FPDF, texts: Sequence[str]) -> float:
    """Width (mm, current font) of the longest word of ``texts``, words parted by ordinary spaces only
    (a number's no-break spaces hold it together): fpdf2 cuts a word wider than its cell between
    two letters."""
    return max((pdf.get_string_width(w) for text in texts for w in _SPACES.split(text)), default=0.0)


def _fitted_widths(
    pdf: FPDF,
    head: Sequence[str],
    body: Sequence[Sequence[str]],
    widths: Sequence[float] | None,
    font_size: float,
) -> tuple[float, ...]:
    """The columns' shares of the page width, each widened to hold its longest word whole.

    A share too narrow for a word printed it cut, on two lines: the methodology's header read
    « Synergie » over « s », a town « Métabetchouan–Lac-à-la-Cro » over « ix ». The width a column
    gains is taken from the columns with room to spare, in proportion; when the words cannot all fit,
    the given shares stand.
    """
    shares = [float(w) for w in widths] if widths is not None else [1.0] * len(head)
    per_share = pdf.epw / sum(shares)  # mm per unit of share
    pad = 2 * pdf.c_margin + 0.5
    pdf.set_font(FONT, "B", font_size)
    heads = [_longest_word(pdf, [text]) for text in head]
    pdf.set_font(FONT, size=font_size)
    cells = [_longest_word(pdf, [row[i] for row in body]) for i in range(len(head))]
    need = [(max(h, c) + pad) / per_share for h, c in zip(heads, cells, strict=True)]
    short = sum(max(n - s, 0.0) for n, s in zip(need, shares, strict=True))
    spare = [max(s - n, 0.0) for n, s in zip(need, shares, strict=True)]
    if short == 0 or sum(spare) < short:
        return tuple(shares)
    taken = short / sum(spare)
    return tuple(max(s, n) - room * taken for s, n, room in zip(shares, need, spare, strict=True))


def draw_table(
    pdf: FPDF,
    frame: pd.DataFrame,
    *,
    widths: Sequence[float] | None = None,
    font_size: float = 8,
    numeric_decimals: dict[str, int] | None = None,
) -> None:
    """Draw ``frame`` as a table with a bold header row; numbers formatted for ``pdf.lang``.

    ``widths`` are the columns' shares of the page width (equal by default), widened where a word
    would not fit whole (:func:`_fitted_widths`).
    """
    lang = getattr(pdf, "lang", "fr")
    decimals = numeric_decimals or {}
    head = [str(col) for col in frame.columns]
    body = [
        [
            format_number(value, lang, decimals.get(col, 0))
            if isinstance(value, (int, float)) and not isinstance(value, bool)
            else ("" if value is None or value is pd.NA else str(value))
            for col, value in zip(head, values, strict=True)
        ]
        for values in frame.itertuples(index=False)
    ]
    pdf.set_fill_color(255, 255, 255)  # a table starts from the page's state: never a figure's fill colour
    kwargs: dict[str, Any] = {"headings_style": _HEAD, "line_height": font_size * 0.55, "text_align": "LEFT"}
    if head:
        kwargs["col_widths"] = _fitted_widths(pdf, head, body, widths, font_size)
    pdf.set_font(FONT, size=font_size)
    with pdf.table(**kwargs) as table:
        for texts in (head, *body):
            row = table.row()
            for text in texts:
                row.cell(text)
    pdf.ln(3)
    pdf.set_font(FONT, size=10)


def _title_page(pdf: ReportPDF, data: ReportData, lang: str) -> None:
    pdf.add_page()
    pdf.ln(40)
    pdf.set_font(FONT, "B", 24)
    pdf.multi_cell(0, 12, t("reports.doc_title", lang), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 9, data.territory.label(lang), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(20)
    pdf.set_font(FONT, size=11)
    for label, value in header_rows(data, lang):
        line = f"{label} : {value}" if label and lang == "fr" else f"{label}: {value}" if label else value
        pdf.multi_cell(0, 7, line, align="C", new_x="LMARGIN", new_y="NEXT")


def _kpis(pdf: ReportPDF, data: ReportData, lang: str) -> None:
    pdf.add_page()
    pdf.heading(t("reports.section.kpis", lang))
    draw_table(pdf, kpi_table(data, lang, exact=True), widths=(80, 35, 35, 35), font_size=9)
    pdf.heading(t("reports.section.by_status", lang), size=12)
    cols = [
        "status",
        "n_synergies",
        "n_reached",
        "conversion_pct",
        "tonnes_t_per_yr",
        "co2e_avoided_t_per_yr",
        "net_value_cad_per_yr",
    ]
    status = data.by_status[cols].astype(object)
    # A stage reached by no path (the first, abandonment) or after an empty one has no conversion:
    # « s.o. », not « — », which the reader would take for a figure hidden for confidentiality.
    missing = status[["n_reached", "conversion_pct"]].isna()
    status[missing.columns] = status[missing.columns].mask(missing, t("reports.mark.not_applicable", lang))
    draw_table(
        pdf,
        localise(status, lang, exact=True),
        font_size=7,
        numeric_decimals={t("reports.col.conversion_pct", lang): 1},
    )
    if missing.any().any():
        pdf.paragraph(t("reports.mark.not_applicable_note", lang), size=8)
    pdf.heading(t("reports.section.by_territory", lang), size=12)
    terr = territory_table(data, lang, exact=True).iloc[:-1]  # the last row is the note, printed below
    # Place names get room (« Lac-Saint-Jean-Est » was cut mid-word), the figures share the rest —
    # tonnes diverted included, as on the dashboard's breakdown.
    numeric = [pd.api.types.is_numeric_dtype(terr[c]) for c in terr.columns]
    widths = [1.0 if number else 2.0 for number in numeric]
    # In anonymised mode a missing figure is one hidden for confidentiality: « x », as Statistique
    # Canada prints it (the cells were blank under a note about « — »).
    hidden = terr.isna() & pd.Series(numeric, index=terr.columns) & data.anonymised
    shown = terr.astype(object).mask(hidden, t("reports.mark.suppressed", lang))
    draw_table(pdf, shown.where(shown.notna(), ""), font_size=7, widths=widths)
    pdf.paragraph(DOUBLE_COUNT_NOTE.get(lang), size=8)
    if hidden.any().any():
        pdf.paragraph(t("reports.suppressed", lang, k=MIN_FIRMS_PER_CELL), size=8)


def _map(pdf: ReportPDF, data: ReportData, lang: str) -> None:
    pdf.add_page()
    pdf.heading(t("reports.section.map", lang))
    top = pdf.get_y()
    draw_map(pdf, data.points, data.links, Frame(pdf.l_margin, top, pdf.epw, 150), lang)
    pdf.set_y(top + 153)
    pdf.set_font(FONT, size=10)
    pdf.paragraph(map_caption(lang), size=8)


def _synergies(pdf: ReportPDF, data: ReportData, lang: str) -> None:
    pdf.add_page(orientation="L")  # nine columns, the authorisation's among them: names keep one line
    pdf.heading(t("reports.section.synergies", lang))
    reason = unlisted_reason(data)
    if reason is not None:
        pdf.paragraph(list_note(reason, lang))
        return
    cols = [
        "status",
        "supply_category_id",
        "supply_name",
        "demand_name",
        "pathway",
        "permit_reference",
        "tonnes_t_per_yr",
        "co2e_avoided_t_per_yr",
        "net_value_cad_per_yr",
    ]
    top = data.synergies.sort_values("net_value_cad_per_yr", ascending=False).head(MAX_SYNERGY_ROWS)
    if len(data.synergies) > MAX_SYNERGY_ROWS:
        # Said before the table, not after it: a table that fills its page pushed the note alone
        # onto a page of its own.
        rest = len(data.synergies) - MAX_SYNERGY_ROWS
        pdf.paragraph(tn("reports.top_rows", rest, lang, shown=MAX_SYNERGY_ROWS), size=8)
    widths = (17, 34, 40, 40, 44, 30, 22, 22, 28)
    draw_table(pdf, localise(top[cols], lang, exact=True), widths=widths, font_size=7)


def _methodology(pdf: ReportPDF, data: ReportData, lang: str) -> None:
    pdf.add_page()
    pdf.heading(t("reports.section.methodology", lang))
    pdf.paragraph(t("reports.method.text", lang), size=9)
    table = methodology_table(
        data, lang, columns=("factor_id", "value", "unit", "source", "year", "n_synergies")
    )
    draw_table(
        pdf,
        table,
        widths=(50, 14, 18, 72, 12, 14),
        font_size=6.5,
        numeric_decimals={t("reports.col.value", lang): 3},
    )
    pdf.heading(t("reports.section.notes", lang), size=12)
    for note in data.notes:
        pdf.paragraph("• " + note.get(lang), size=9)


def pdf_bytes(data: ReportData, lang: str = "fr") -> bytes:
    """Return the PDF report in ``lang`` ("fr" or "en")."""
    title = f"{t('reports.doc_title', lang)} — {data.territory.label(lang)}"
    pdf = ReportPDF(title, lang)
    _title_page(pdf, data, lang)
    _kpis(pdf, data, lang)
    _map(pdf, data, lang)
    _synergies(pdf, data, lang)
    _methodology(pdf, data, lang)
    _types_and_sections(pdf, data, lang)
    return bytes(pdf.output())


def _types_and_sections(pdf: ReportPDF, data: ReportData, lang: str) -> None:
    """Synergies by type (when more than one) and the extra sections (the mutualisation levers)."""
    if len(data.by_type) > 1:
        pdf.add_page()
        pdf.heading(t("mutual.report.by_type", lang))
        draw_table(pdf, type_table(data, lang), font_size=8)
    for section in data.sections:
        section.draw(pdf, lang)
