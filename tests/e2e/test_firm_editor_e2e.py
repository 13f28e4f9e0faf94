"""A firm's table of streams walked in a real browser: add a row, edit, save, delete, a bad value.

In French, then in English, on its own copy of the sample region (the test writes): a row just added
shows empty cells (no grey « None »); a quantity typed the French way (« 12,5 ») is saved and read
back after a reload; a bad quantity is refused with a message naming the line, the column, what was
expected and how to fix it, while the valid row beside it is saved; a deletion asks for a
confirmation and is gone after a reload. Every confirmation is seen where the firm clicked.

The grid is a canvas: a cell is reached with the arrow keys, and the grid's accessibility table says
which cell is selected and what each holds; what the grid draws is read through ``fillText``
(recorded by an init script).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from symbiosis.db import Actor, Repository
from tests.e2e.conftest import RequestLog, demo_password, new_page, open_page, sign_in, wait_for_app

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 90_000
QUANTITY = 4  # the quantity is the fifth column: four steps right of the identifier
#: Records every text the page draws on a canvas (the grid's cells are drawn, not written in HTML).
RECORD_DRAWN_TEXT = """
window.__drawn = [];
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
  window.__drawn.push(String(text));
  return fillText.call(this, text, ...rest);
};
"""


def _editor(page):
    return page.locator('[data-testid="stDataFrame"]').nth(1)  # the read-only list comes first


def _drawn(page) -> list[str]:
    return page.evaluate("window.__drawn")


def _add_row(page) -> None:
    """Add an empty row with the grid's toolbar button; return with the new row drawn."""
    editor = _editor(page)
    editor.evaluate("e => e.scrollIntoView({block: 'center'})")  # the toolbar shows above it
    editor.hover()
    page.evaluate("window.__drawn = []")
    # the toolbar shows while the pointer is over the grid, whose scroller covers it: a click event
    editor.get_by_role("button", name="Add row").dispatch_event("click")
    page.wait_for_timeout(800)
    page.keyboard.press("Escape")  # the first cell of the new row opened for typing
    page.wait_for_timeout(500)


def _type_in_cell(page, row: int, column: int, text: str) -> None:
    """Type ``text`` in the cell at ``row`` (1 = first) and ``column`` (0 = the identifier).

    The row's first cell is clicked, then the arrow keys move right until the grid's accessibility
    table says the wanted cell is selected; Enter opens it.
    """
    editor = _editor(page)
    first = editor.get_by_test_id(f"glide-cell-0-{row - 1}")
    # The grid is drawn again after a rerun (a language switch, a save) and may still move when the
    # click lands: click again until the row's first cell says it is selected.
    for _ in range(5):
        editor.evaluate("e => e.scrollIntoView({block: 'center'})")
        box = editor.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 20, box["y"] + 37 + 35 * (row - 1) + 17)  # header 37 px, rows 35 px
        try:  # a second click on a selected cell would open it: wait for the selection first
            expect(first).to_have_attribute("aria-selected", "true", timeout=3_000)
            break
        except AssertionError:
            page.wait_for_timeout(500)
    cell = editor.get_by_test_id(f"glide-cell-{column}-{row - 1}")
    expect(first).to_have_attribute("aria-selected", "true")
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    expect(cell).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    typed = page.locator("#portal textarea, #portal input").first
    typed.fill(text)
    page.keyboard.press("Enter")
    expect(typed).to_have_count(0)
    expect(cell).to_have_text(text)
    wait_for_app(page, timeout_ms=TIMEOUT_MS)


def _click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    wait_for_app(page, timeout_ms=TIMEOUT_MS)


def _pick(page, label: str, option: str) -> None:
    combo = page.get_by_role("combobox", name=label, exact=True)
    # after a save's rerun the former run's box can linger a moment (stale) beside the new one
    expect(combo).to_have_count(1, timeout=TIMEOUT_MS)
    combo.scroll_into_view_if_needed()
    combo.locator("xpath=..").get_by_role("button", name="Open").click()
    page.get_by_role("option", name=re.compile(option)).first.click()


def _seen(page, text: str | re.Pattern) -> None:
    """The message is on the page and in sight (not above the title while the firm is below)."""
    shown = page.get_by_text(text).first
    shown.wait_for(timeout=TIMEOUT_MS)
    expect(shown).to_be_in_viewport()


def _no_error(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def _delete(page, stream_id: str, *, pick: str, confirm: str, button: str, done: str) -> None:
    _pick(page, pick, stream_id)
    page.get_by_text(confirm, exact=True).click()
    _click(page, button)
    _seen(page, re.compile(f"{done}.*{stream_id}"))


def _reload(page) -> None:
    page.reload()
    wait_for_app(page, timeout_ms=TIMEOUT_MS)
    _editor(page).wait_for(timeout=TIMEOUT_MS)


def test_a_firm_edits_saves_and_deletes_in_its_table_in_french_then_english(browser, fresh_app):
    url, db = fresh_app
    log = RequestLog()
    context, page = new_page(browser, log)
    context.add_init_script(RECORD_DRAWN_TEXT)
    try:
        sign_in(page, url, "scierie", demo_password("scierie"), landing="Mon entreprise")
        open_page(page, "Mes flux")

        _add_row(page)
        drawn = _drawn(page)
        assert "S00026" in drawn and "Écorces de résineux" in drawn  # the grid was drawn again
        assert "None" not in drawn  # the new row's empty cells (a grey « None » each before)

        _type_in_cell(page, 1, QUANTITY, "12,5")  # S00026, typed the French way
        _type_in_cell(page, 3, QUANTITY, "beaucoup")  # S00028
        _click(page, "Valider")
        _seen(page, "2 lignes lues : 1 acceptée, 1 rejetée ; 1 erreur, 0 avertissement.")
        report = page.locator('[data-testid="stDataFrame"]').last  # Ligne, Colonne, Attendu, Trouvé…
        expect(report.get_by_text("Écrivez un nombre en chiffres, par exemple 12,5.")).to_be_attached()
        _click(page, "Enregistrer les lignes valides")
        _seen(page, re.compile("1 flux enregistré"))
        _seen(page, "1 ligne reste à corriger dans le tableau :")
        page.get_by_text(
            "Ligne 3, colonne « Quantité » : on attendait un nombre, trouvé « beaucoup ». "
            "Écrivez un nombre en chiffres, par exemple 12,5."
        ).wait_for()
        _no_error(page)

        _reload(page)
        expect(page.get_by_text("12,5 t/an", exact=True)).to_be_attached()  # stored as typed
        # the row kept to fix outlives the reload (a new browser session lost it)
        page.get_by_text("1 ligne reste à corriger dans le tableau :").first.wait_for(timeout=TIMEOUT_MS)
        _delete(
            page,
            "S00030",
            pick="Flux à supprimer",
            confirm="Je confirme la suppression de ce flux",
            button="Supprimer",
            done="Flux supprimé",
        )
        _reload(page)
        expect(page.get_by_text(re.compile("S00030"))).to_have_count(0)

        page.get_by_test_id("stSidebarUserContent").get_by_text("English", exact=True).click()
        page.get_by_role("heading", name="My streams").first.wait_for(timeout=TIMEOUT_MS)
        wait_for_app(page, timeout_ms=TIMEOUT_MS)
        _type_in_cell(page, 2, QUANTITY, "12.5")  # S00027
        _type_in_cell(page, 3, QUANTITY, "lots")  # S00028
        _click(page, "Validate")
        _seen(page, "2 rows read: 1 accepted, 1 rejected; 1 error, 0 warnings.")
        _click(page, "Save the valid rows")
        _seen(page, re.compile("1 stream.* saved"))
        _seen(page, "1 row is left to fix in the table:")
        page.get_by_text(
            "Row 3, column “Quantity”: expected a number, found “lots”. Write a number in digits, e.g. 12.5."
        ).wait_for()
        _delete(
            page,
            "S00031",
            pick="Stream to delete",
            confirm="I confirm deleting this stream",
            button="Delete",
            done="Stream deleted",
        )
        _reload(page)
        expect(page.get_by_text("12.5 t/", exact=False).first).to_be_attached()
        expect(page.get_by_text(re.compile("S00031"))).to_have_count(0)
        _no_error(page)
    finally:
        context.close()
    with Repository.from_url(f"sqlite:///{db}") as repo:
        streams = repo.streams(Actor("t", "advisor")).set_index("stream_id")
    assert streams.at["S00026", "quantity_as_typed"] == "12,5"
    assert streams.at["S00026", "quantity_per_yr"] == pytest.approx(12.5)
    assert streams.at["S00027", "quantity_as_typed"] == "12.5"
    assert streams.at["S00028", "quantity_as_typed"] == "3170"  # both bad values refused
    assert not {"S00030", "S00031"} & set(streams.index)
    assert log.outside_loopback() == []
