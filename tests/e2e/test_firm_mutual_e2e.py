"""A firm's purchases walked in a real browser: typed the French way, a bad value, saved, reloaded, English.

On its own copy of the sample region (the test writes), the demo sawmill enters two purchases in its
editable table: one typed the French way (« 1 200 », « 12,5 »), one with a quantity « beaucoup ».
The check refuses the second with its line and column; the save stores the first, says so by the
buttons, keeps the refused row in the table and lists it under the table by the line where it stands;
the table being edited stays shown as chosen although its count changed. After a reload the stored
row reads as typed; in English the table's choices, categories and numbers are English.

The grid is a canvas with a row-selection column first (rows can be deleted): a cell is reached by
clicking the row's first cell and the arrow keys, checked through the grid's accessibility table.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from symbiosis.db import Actor, Repository
from symbiosis.services.mutual_inputs import firm_tables
from tests.e2e.conftest import RequestLog, demo_password, new_page, open_page, sign_in, wait_for_app

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 90_000
ROW_MARKER = 1  # the row-selection column comes before the purchase's identifier
CATEGORY, QUANTITY, UNIT, PRICE = 1, 3, 4, 6  # columns, 0 = the identifier


def _editor(page):
    return page.locator('[data-testid="stDataFrame"]').first


def _cell(page, row: int, column: int):
    """Select the cell at ``row`` (1 = first) and ``column`` (0 = the identifier); return it."""
    editor = _editor(page)
    editor.evaluate("e => e.scrollIntoView({block: 'center'})")
    editor.locator(".dvn-scroller").first.evaluate("e => { e.scrollLeft = 0; }")  # the first columns in sight
    page.wait_for_timeout(200)  # the grid draws the scrolled columns
    box = editor.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 63, box["y"] + 37 + 35 * (row - 1) + 17)  # header 37 px, rows 35 px
    expect(editor.get_by_test_id(f"glide-cell-{ROW_MARKER}-{row - 1}")).to_have_attribute(
        "aria-selected", "true"
    )
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    cell = editor.get_by_test_id(f"glide-cell-{column + ROW_MARKER}-{row - 1}")
    expect(cell).to_have_attribute("aria-selected", "true")
    return cell


def _type(page, row: int, column: int, text: str) -> None:
    cell = _cell(page, row, column)
    page.keyboard.press("Enter")
    typed = page.locator("#portal textarea, #portal input").first
    typed.fill(text)
    page.keyboard.press("Enter")
    expect(cell).to_have_text(text)
    wait_for_app(page, timeout_ms=TIMEOUT_MS)


def _choose(page, row: int, column: int, option: str) -> None:
    cell = _cell(page, row, column)
    page.keyboard.press("Enter")
    # Type once the list is open and press Enter once it shows the option: on a loaded machine the
    # keys reached a list not yet drawn, and Enter took its first entry (« Absorbants »).
    page.locator("#portal input").first.wait_for(timeout=TIMEOUT_MS)
    page.keyboard.type(option)
    page.locator("#portal").get_by_text(option, exact=False).first.wait_for(timeout=TIMEOUT_MS)
    page.keyboard.press("Enter")
    expect(cell).to_have_text(re.compile(option))
    wait_for_app(page, timeout_ms=TIMEOUT_MS)


def _add_row(page) -> None:
    editor = _editor(page)
    editor.evaluate("e => e.scrollIntoView({block: 'center'})")
    editor.hover()
    editor.locator("table tr").first.wait_for(state="attached", timeout=TIMEOUT_MS)  # the grid's table
    rows = editor.locator("table tr").count()
    editor.get_by_role("button", name="Add row").dispatch_event("click")
    expect(editor.locator("table tr")).to_have_count(rows + 1)
    page.wait_for_timeout(300)
    page.keyboard.press("Escape")  # the new row's first cell opened for typing
    page.wait_for_timeout(300)


def _click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    wait_for_app(page, timeout_ms=TIMEOUT_MS)


def _seen(page, text: str | re.Pattern) -> None:
    """The message is on the page and in sight (not above the title while the firm is below)."""
    shown = page.get_by_text(text).first
    shown.wait_for(timeout=TIMEOUT_MS)
    expect(shown).to_be_in_viewport()


def test_a_firm_enters_its_purchases_the_french_way_and_reads_them_back(browser, fresh_app):
    url, db = fresh_app
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in(page, url, "scierie", demo_password("scierie"), landing="Mon entreprise")
        open_page(page, "Mes achats et capacités")
        _editor(page).wait_for(timeout=TIMEOUT_MS)

        _add_row(page)
        _choose(page, 1, CATEGORY, "Gants de nitrile")
        _type(page, 1, QUANTITY, "1 200")
        _type(page, 1, UNIT, "boîte")
        _type(page, 1, PRICE, "12,5")
        _add_row(page)
        _choose(page, 2, CATEGORY, "Propane")
        _type(page, 2, QUANTITY, "beaucoup")
        _type(page, 2, PRICE, "0,89")
        _click(page, "Vérifier mes modifications")
        _seen(page, "2 lignes lues : 1 acceptée, 1 rejetée ; 1 erreur, 0 avertissement.")
        _click(page, "Enregistrer les lignes valides")
        _seen(page, re.compile("Enregistré : 1 ligne ajoutée ou modifiée"))
        _seen(page, "1 ligne reste à corriger dans le tableau :")
        page.get_by_text(
            "Ligne 2, colonne « Quantité par an » : on attendait un nombre, trouvé « beaucoup »."
            " Écrivez un nombre en chiffres, par exemple 12,5."
        ).wait_for()
        chooser = page.get_by_role("radiogroup", name="Tableau")
        expect(chooser.get_by_role("radio", name="Achats récurrents (1)")).to_be_checked()
        expect(_editor(page).locator("table")).to_contain_text("beaucoup")  # kept as typed

        page.reload()
        wait_for_app(page, timeout_ms=TIMEOUT_MS)
        expect(_editor(page).locator("table")).to_contain_text("1 200", timeout=TIMEOUT_MS)
        expect(_editor(page).locator("table")).to_contain_text("12,5")

        page.get_by_test_id("stSidebarUserContent").get_by_text("English", exact=True).click()
        page.get_by_role("heading", name="My purchases and capacities").first.wait_for(timeout=TIMEOUT_MS)
        wait_for_app(page, timeout_ms=TIMEOUT_MS)
        english = page.get_by_role("radiogroup", name="Table")
        expect(english.get_by_role("radio", name="Recurring purchases (1)")).to_be_checked()
        grid = _editor(page).locator("table")
        expect(grid).to_contain_text("Disposable nitrile gloves")
        expect(grid).to_contain_text("1,200")  # the price is out of sight: the grid writes what it draws
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
    with Repository.from_url(f"sqlite:///{db}") as repo:
        stored = firm_tables(repo, Actor("t", "advisor"), "F0007")["purchases"]
    assert stored["category_id"].tolist() == ["nitrile_gloves"]
    assert stored["quantity_per_yr"].tolist() == [pytest.approx(1200)]
    assert stored["price_cad_per_unit"].tolist() == [pytest.approx(12.5)]
    assert log.outside_loopback() == []
