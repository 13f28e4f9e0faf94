"""The app in a real browser: each role signs in; a firm uploads, downloads, and never sees another firm.

Every test asserts that the browser made no request outside 127.0.0.1, and the firm pages are
photographed at 1280×900 (``make screenshots`` writes them to docs/screenshots/).
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    SCREENSHOTS,
    RequestLog,
    choose_file,
    demo_password,
    new_page,
    open_page,
    sign_in,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

#: Distinctive stream descriptions of the demo firms in data/sample/streams.csv.
SAWMILL_STREAM = "Écorces de résineux"  # F0007, account "scierie"
GREENHOUSE_STREAM = "Chauffage des serres"  # F0102, account "serres"

BAD_UPLOAD = (
    "id_flux;id_entreprise;sens;categorie;description;quantite;unite\n"
    "S90001;F0017;offre;al_dross;Écume d'aluminium du nouveau four;120;t/an\n"
    "S90002;F0017;offre;al_dross;Écume sans quantité;beaucoup;t/an\n"
    "S90003;F0007;offre;wood_bark;Écorces d'une autre entreprise;100;t/an\n"
).encode()


#: The grid's header height and the row height from which it wraps a cell's text (4 rem and 1 px).
HEADER_PX, WRAPPING_ROW_PX = 35, 65


def _screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


def _no_outside_requests(log: RequestLog) -> None:
    assert log.urls, "the browser made no request at all"
    assert log.outside_loopback() == []


def test_sign_in_page_then_a_wrong_password(browser, app_url):
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        page.goto(app_url)
        wait_for_app(page)
        page.get_by_role("heading", name="Connexion").wait_for()
        page.get_by_label("Mot de passe").wait_for()
        page.locator('[data-testid="stSidebar"]').get_by_text("English").wait_for()
        wait_for_app(page)
        _screenshot(page, "signin.png")
        page.get_by_label("Identifiant").fill("conseillere")
        page.get_by_label("Mot de passe").fill("pas-le-bon-mot")
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_text("Identifiant ou mot de passe incorrect.").wait_for()
        assert page.get_by_role("button", name="Se déconnecter").count() == 0
    finally:
        context.close()
    _no_outside_requests(log)


@pytest.mark.parametrize(
    ("user_id", "role", "landing"),
    [
        ("conseillere", "Conseillère ou conseiller en symbiose", "Registre des entreprises et des flux"),
        ("gestionnaire", "Gestionnaire de programme", "Tableau de bord du programme"),
        ("scierie", "Entreprise", "Mon entreprise"),
    ],
)
def test_each_role_signs_in_and_sees_its_landing_page(browser, app_url, user_id, role, landing):
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in(page, app_url, user_id, demo_password(user_id), landing=landing)
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text(role, exact=True).wait_for()
        nav = page.locator('[data-testid="stSidebarNav"]')
        assert (nav.get_by_role("link", name="Mes flux").count() > 0) == (user_id == "scierie")
        assert page.get_by_text("Accès refusé").count() == 0
        if user_id == "scierie":
            page.get_by_role("heading", name="Sciage des Épinettes s.e.n.c.").wait_for()
            page.get_by_role("button", name="Valider et enregistrer").wait_for()
            _screenshot(page, "firm_profile.png")
        page.get_by_role("button", name="Se déconnecter").click()
        page.get_by_role("heading", name="Connexion").wait_for()
    finally:
        context.close()
    _no_outside_requests(log)


def _uploader_texts(page) -> list[str]:
    """What a person reads on the uploader: Streamlit's English is hidden (size 0), French drawn after."""
    page.locator('[data-testid="stFileUploaderDropzoneInstructions"]').wait_for()
    return page.evaluate(
        """() => ['[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p',
                  '[data-testid=stFileUploaderDropzoneInstructions] span'].map((sel) => {
            const el = document.querySelector(sel);
            if (getComputedStyle(el).fontSize !== '0px') return el.textContent;
            return JSON.parse(getComputedStyle(el, '::after').content);
        })"""
    )


def _grid_box(grid) -> dict[str, float]:
    """The drawn grid's size, its scrolled content's size (every column and row) and the viewport's."""
    return grid.evaluate(
        """(el) => { const s = el.querySelector('.dvn-scroller'); const r = el.getBoundingClientRect();
                    return {clientWidth: s.clientWidth, scrollWidth: s.scrollWidth,
                            clientHeight: s.clientHeight, scrollHeight: s.scrollHeight,
                            right: r.right, viewport: window.innerWidth}; }"""
    )


def test_firm_uploads_a_file_with_bad_rows_and_reads_the_report(browser, app_url, tmp_path):
    upload = tmp_path / "flux_aluminerie.csv"
    upload.write_bytes(BAD_UPLOAD)
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in(page, app_url, "aluminerie", demo_password("aluminerie"), landing="Mon entreprise")
        open_page(page, "Mes flux")
        page.get_by_role("tab", name="Importer un fichier").click()
        assert _uploader_texts(page) == ["Choisir un fichier", "10 Mo par fichier • CSV, XLSX"]
        assert choose_file(page, upload) == f"{len(BAD_UPLOAD)} o"  # it read « 270.0B »
        page.get_by_role("button", name="Importer", exact=True).click()
        page.get_by_text("3 lignes lues : 1 acceptée, 2 rejetées").wait_for()
        page.get_by_role("button", name="Télécharger les lignes rejetées").wait_for()
        report = page.locator('[data-testid="stDataFrame"]').last
        report.scroll_into_view_if_needed()
        wait_for_app(page)
        _screenshot(page, "import_report.png")
        # the « Correction » column sized itself to its longest fix: the table ran to 1,022 px in an
        # 818 px frame, cutting the fixes and hiding « Gravité »; now every column is in view and the
        # rows are taller than 4 rem, the height at which the grid wraps a cell's text
        grid = _grid_box(report)
        assert grid["scrollWidth"] <= grid["clientWidth"] and grid["right"] <= grid["viewport"], grid
        assert grid["scrollHeight"] >= HEADER_PX + 2 * WRAPPING_ROW_PX, grid
        page.get_by_role("tab", name="Mes flux").click()
        page.get_by_text("S90001").first.wait_for(state="attached")  # a cell of the grid's DOM table
    finally:
        context.close()
    _no_outside_requests(log)


def test_firm_downloads_the_template(browser, app_url):
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in(page, app_url, "serres", demo_password("serres"), landing="Mon entreprise")
        open_page(page, "Mes flux")
        page.get_by_role("tab", name="Importer un fichier").click()
        page.get_by_text("modele_flux.xlsx", exact=True).wait_for()
        with page.expect_download() as xlsx:
            page.get_by_role("button", name="Télécharger le modèle").click()
        assert xlsx.value.suggested_filename == "modele_flux.xlsx"
        with open(xlsx.value.path(), "rb") as handle:
            assert handle.read(4) == b"PK\x03\x04"
        page.get_by_text("CSV", exact=True).click()
        page.get_by_text("modele_flux.csv", exact=True).wait_for()  # the rerun gave the button its CSV
        with page.expect_download() as csv:
            page.get_by_role("button", name="Télécharger le modèle").click()
        assert csv.value.suggested_filename == "modele_flux.csv"
        with open(csv.value.path(), "rb") as handle:
            assert handle.read(3 + len(b"id_flux;")) == b"\xef\xbb\xbfid_flux;"
    finally:
        context.close()
    _no_outside_requests(log)


def test_two_firms_in_two_contexts_never_see_each_other(browser, app_url):
    logs = (RequestLog(), RequestLog())
    (ctx_a, page_a), (ctx_b, page_b) = new_page(browser, logs[0]), new_page(browser, logs[1])
    try:
        sign_in(page_a, app_url, "scierie", demo_password("scierie"), landing="Mon entreprise")
        sign_in(page_b, app_url, "serres", demo_password("serres"), landing="Mon entreprise")
        open_page(page_a, "Mes flux")
        open_page(page_b, "Mes flux")
        page_a.get_by_text(SAWMILL_STREAM).first.wait_for(state="attached")  # the grid's DOM table
        page_b.get_by_text(GREENHOUSE_STREAM).first.wait_for(state="attached")
        _screenshot(page_a, "firm_streams.png")
        assert page_a.get_by_text(GREENHOUSE_STREAM).count() == 0
        assert page_b.get_by_text(SAWMILL_STREAM).count() == 0
        assert "Serres Pointe-Taillon" not in page_a.content()
        assert "Sciage des Épinettes" not in page_b.content()
    finally:
        ctx_a.close()
        ctx_b.close()
    for log in logs:
        _no_outside_requests(log)
