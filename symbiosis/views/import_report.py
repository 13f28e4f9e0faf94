"""The import report's table laid out for a 1280 px screen: each column's width and a row height that wraps.

The grid draws a cell on one line, cut at the column's edge, unless its rows are taller than 4 rem
(then it wraps the text). Left to size itself, the report's « Correction » column took the width of
its longest text, so the table ran past a 1280 px screen (820 px beside the sidebar) and the fixes
were cut mid-sentence. The columns now share 800 px, and the rows are as tall as the longest fix or
expectation needs once wrapped (at most :data:`MAX_LINES` lines; a longer one opens whole on a click).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

__all__ = ["MAX_LINES", "REPORT_WIDTHS_PX", "report_row_height", "report_widths"]

#: Width (px) of the report's columns in order: row, column, expected, found, fix, severity. Together
#: 800 px: the main column beside the sidebar of a 1280 px window is 820 px.
REPORT_WIDTHS_PX: tuple[int, ...] = (55, 105, 180, 100, 290, 70)
#: The columns whose text wraps (expected, fix), by position.
_WRAPPED = (2, 4)
#: Most lines a row is made tall enough for.
MAX_LINES = 6
#: Average width of a character of the grid's 14 px font, with margin (px), the cell's side padding
#: (px), one wrapped line's height and a row's top and bottom padding (px).
_CHAR_PX, _PADDING_PX, _LINE_PX, _ROW_PADDING_PX = 6.8, 16, 20, 12
#: The grid wraps text only in rows taller than 4 rem (64 px).
_WRAPPING_PX = 65


def report_widths(columns: Sequence[str]) -> dict[str, int]:
    """Each report column's width in pixels, by its header (``Ligne``… or ``Row``…), in order."""
    return {str(c): width for c, width in zip(columns, REPORT_WIDTHS_PX, strict=False)}


def _lines(text: object, width_px: int) -> int:
    per_line = max(1, int((width_px - _PADDING_PX) / _CHAR_PX))
    return max(1, math.ceil(len(str(text or "")) / per_line))


def report_row_height(frame: pd.DataFrame) -> int | None:
    """The row height (px) that shows the report's longest expectation and fix wrapped, or ``None``
    when every one fits on one line (the grid's usual row)."""
    lines = 1
    for position in _WRAPPED:
        if position < len(frame.columns):
            column = frame.iloc[:, position]
            lines = max([lines, *(_lines(v, REPORT_WIDTHS_PX[position]) for v in column)])
    if lines == 1:
        return None
    return max(_WRAPPING_PX, _ROW_PADDING_PX + _LINE_PX * min(lines, MAX_LINES))
