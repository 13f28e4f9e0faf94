"""The category review at 1280 px: what the advisor decides on is on screen without scrolling sideways."""

from __future__ import annotations

import sqlite3

import pytest

from symbiosis.i18n import t
from symbiosis.views.category_review import REVIEW_COLUMNS, REVIEW_WIDTHS
from tests.e2e.conftest import RequestLog, demo_password, new_page, open_page, sign_in

pytestmark = pytest.mark.e2e

#: The columns an advisor confirms a category by: whose stream, the category, how sure, the others.
DECIDING = ("firm", "category", "score", "runner_ups", "waiting")


def _to_confirm(db) -> None:
    """Three of the sample's streams as the importer leaves inferred ones (the sample has none)."""
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("SELECT stream_id FROM streams ORDER BY stream_id LIMIT 3")]
        conn.executemany(
            "UPDATE streams SET category_source = 'inferred', category_score = 0.42, "
            "category_alternatives = 'wood_chips|sawdust' WHERE stream_id = ?",
            [(i,) for i in ids],
        )


def test_the_review_tables_deciding_columns_are_on_a_1280_px_screen(browser, fresh_app):
    app_url, db = fresh_app
    _to_confirm(db)
    log = RequestLog()
    context, page = new_page(browser, log)  # 1280 × 900
    try:
        sign_in(page, app_url, "conseillere", demo_password("conseillere"))
        open_page(page, t("review.title", "fr"))
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.wait_for()
        # the grid's own scroll area: what it shows without scrolling sideways, and all it holds
        width, total = page.evaluate(
            """() => { const s = document.querySelector('[data-testid=stDataFrame] .dvn-scroller');
                       return [s.clientWidth, s.scrollWidth]; }"""
        )
        assert list(REVIEW_COLUMNS[: len(DECIDING)]) == list(DECIDING)
        deciding = sum(REVIEW_WIDTHS[c] for c in DECIDING)
        assert deciding <= width, f"the deciding columns need {deciding} px, the screen shows {width}"
        assert total >= sum(REVIEW_WIDTHS.values())  # the widths were applied: the rest is to scroll to
    finally:
        context.close()
    assert log.outside_loopback() == []
