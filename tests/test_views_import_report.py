"""The import report's table fits a 1280 px screen and its rows are tall enough for the fixes wrapped."""

from __future__ import annotations

import pandas as pd

from symbiosis.findings import Finding
from symbiosis.i18n import Text
from symbiosis.ingest import ImportReport
from symbiosis.views.import_report import MAX_LINES, REPORT_WIDTHS_PX, report_row_height, report_widths

#: The main column beside the sidebar in a 1280 px window (screenshots, ``tests/e2e``).
MAIN_COLUMN_PX = 820
OTHER_FIRM = Text(
    "Vous ne pouvez déclarer que les flux de votre entreprise : écrivez F0017 dans cette colonne ou "
    "retirez la ligne.",
    "You can only declare your own firm's streams: write F0017 in this column or remove the row.",
)


def _frame(*fixes: Text, lang: str = "fr") -> pd.DataFrame:
    issues = tuple(
        Finding(
            row=i + 2,
            column="quantite",
            expected=Text("un nombre", "a number"),
            found="x",
            fix=fix,
            code="quantity.x",
        )
        for i, fix in enumerate(fixes)
    )
    return ImportReport(issues, len(issues), 0).to_frame(lang).drop(columns=["Code"])


def test_the_columns_share_the_width_of_a_1280_px_screen_in_both_languages():
    assert sum(REPORT_WIDTHS_PX) <= MAIN_COLUMN_PX
    for lang in ("fr", "en"):
        frame = _frame(OTHER_FIRM, lang=lang)
        widths = report_widths(frame.columns)
        assert list(widths) == list(frame.columns) and list(widths.values()) == list(REPORT_WIDTHS_PX)


def test_short_fixes_keep_the_grids_own_row_and_long_ones_wrap_in_taller_rows():
    assert report_row_height(_frame(Text("Écrivez 12.", "Write 12."))) is None
    height = report_row_height(_frame(Text("Écrivez 12.", "Write 12."), OTHER_FIRM))
    assert height is not None and height > 64  # the grid wraps text in rows taller than 4 rem
    # 114 characters in a 290 px column: three lines of about 40 characters, 20 px each, padded
    assert height >= 3 * 20


def test_a_very_long_fix_is_capped_at_a_few_lines():
    long = Text("mot " * 400, "word " * 400)
    assert report_row_height(_frame(long)) == 12 + 20 * MAX_LINES
