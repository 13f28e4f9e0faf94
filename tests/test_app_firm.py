"""The firm pages (profile, streams: form, editable table, deletion, template, upload) with AppTest.

A two-firm fixture (the tiny registry's F1 and F2) shows that a firm sees and writes only its own
data, and that asking for another firm's gives a message, not a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor
from tests._app_helpers import run_file, tiny_repo_fixtures
from tests._page_text import drawn_in_order

ROOT = Path(__file__).resolve().parents[1]
PROFILE = str(ROOT / "app_pages" / "firm_profile.py")
STREAMS = str(ROOT / "app_pages" / "firm_streams.py")
FIRM1 = Actor("scierie", "firm", "F1")
FIRM2 = Actor("granules", "firm", "F2")
SYSTEM = Actor.system("test")


template_db, repo = tiny_repo_fixtures("firm")


def _page(path: str, actor: Actor | None = FIRM1, *, lang: str = "fr", firm: str | None = None) -> AppTest:
    return run_file(path, actor, lang, firm=firm)


def _shown(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("title", "subheader", "markdown", "caption", "text", "error", "success")
        for e in getattr(at, kind)
    ]
    parts += [d.value.to_string() for d in at.dataframe]
    parts += [w.value for w in at.text_input]
    return "\n".join(str(p) for p in parts)


def _report(at: AppTest):
    """The import report table on the page (the one with a Fix / Correction column)."""
    return next(d.value for d in at.dataframe if {"Correction", "Fix"} & set(d.value.columns))


# -- access ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [PROFILE, STREAMS], ids=["profile", "streams"])
@pytest.mark.parametrize(
    "actor",
    [None, Actor("c", "advisor"), Actor("g", "program_manager")],
    ids=["anonymous", "advisor", "program_manager"],
)
def test_firm_pages_refuse_every_other_role(repo, page, actor):
    at = _page(page, actor)
    assert not at.exception
    assert at.error[0].value.startswith("Accès refusé")
    assert "Scierie Péribonka" not in _shown(at)


@pytest.mark.parametrize("page", [PROFILE, STREAMS], ids=["profile", "streams"])
def test_a_firm_asking_for_another_firm_is_refused_and_audited(repo, page):
    at = _page(page, firm="F2")
    assert not at.exception
    assert at.error[0].value == "Accès refusé. Vous ne pouvez consulter que les données de votre entreprise."
    shown = _shown(at)
    assert "Granules du Lac" not in shown and "matière pour granules" not in shown
    denied = repo.audit(SYSTEM, action="denied")
    assert "scierie" in set(denied["actor_id"])


def test_a_firm_naming_its_own_id_sees_its_page(repo):
    at = _page(PROFILE, firm="F1")
    assert at.subheader[0].value == "Scierie Péribonka"


# -- profile -----------------------------------------------------------------------------------------


def _profile_input(at: AppTest, label: str):
    return next(w for w in at.text_input if w.label.startswith(label))


def test_profile_shows_the_firms_own_record(repo):
    at = _page(PROFILE)
    assert not at.exception
    assert at.title[0].value == "Mon entreprise"
    assert at.subheader[0].value == "Scierie Péribonka"
    assert _profile_input(at, "Courriel").value == "jt@example.org"
    assert _profile_input(at, "Latitude").value == "48,88"


def test_profile_edit_is_validated_and_saved(repo):
    at = _page(PROFILE)
    _profile_input(at, "Téléphone").input("418-555-0199")
    _profile_input(at, "Latitude").input("48,9")
    at.form_submit_button[0].click().run()
    assert not at.exception
    firm = repo.firms(FIRM1).iloc[0]
    assert firm["contact_phone"] == "418-555-0199" and firm["lat"] == pytest.approx(48.9)
    assert at.success[0].value == "Profil enregistré."


def test_profile_errors_are_reported_and_nothing_is_saved(repo):
    at = _page(PROFILE, lang="en")
    _profile_input(at, "NAICS").input("abc")
    _profile_input(at, "Longitude").input("72,2")
    at.form_submit_button[0].click().run()
    assert not at.exception
    report = _report(at)
    assert set(report["Column"]) >= {
        "NAICS code",
        "Longitude (e.g. -71.07)",
    }  # the form's fields, not the file's
    assert {"Row", "Column", "Expected", "Found", "Fix"} <= set(report.columns)
    assert "rejected" in at.error[0].value
    assert repo.firms(FIRM1).iloc[0]["scian_code"] == "332710"


@pytest.mark.parametrize(
    ("code", "lang", "field", "says"),
    [
        # a six-digit code the bundled (partial) table lacks: kept, and the known codes of its group named
        (
            "321119",
            "fr",
            "Code SCIAN",
            ("table SCIAN Canada 2022 livrée", "Le code est gardé", "321111 (Scieries"),
        ),
        (
            "321119",
            "en",
            "NAICS code",
            ("NAICS Canada 2022 table bundled", "The code is kept", "321111 (Sawmills"),
        ),
        # a sector that does not exist: which digits are wrong, what it costs, how to fix
        (
            "991234",
            "fr",
            "Code SCIAN",
            ("secteur SCIAN (11, 21", "« 99 », le début du code", "corrigez les deux"),
        ),
        (
            "991234",
            "en",
            "NAICS code",
            ("NAICS sector (11, 21", "“99”, the start of the code", "correct the first"),
        ),
    ],
)
def test_a_scian_warning_says_what_is_wrong_where_and_how_to_fix_it(repo, code, lang, field, says):
    # it used to read « on attendait un code SCIAN de 2 à 6 chiffres, trouvé « 321119 » » under the
    # file's column « code_scian »: six digits were given, and the form has no such column
    at = _page(PROFILE, lang=lang)
    _profile_input(at, "Code SCIAN" if lang == "fr" else "NAICS").input(code)
    at.form_submit_button[0].click().run()
    assert not at.exception
    report = _report(at)
    [row] = report.to_dict("records")
    where, expected, fix = list(row.values())[1], list(row.values())[2], list(row.values())[4]
    assert where == field
    text = f"{expected} {fix}"
    assert all(part in text for part in says), text
    assert "2 à 6 chiffres" not in expected and "2 to 6 digits" not in expected  # six digits were given
    assert repo.firms(FIRM1).iloc[0]["scian_code"] == code  # a warning: the profile is saved


# -- streams: list, form ---------------------------------------------------------------------------


def test_streams_page_lists_only_the_firms_streams(repo):
    at = _page(STREAMS)
    assert not at.exception
    table = at.dataframe[0].value
    assert table["Identifiant"].tolist() == ["S1"]
    assert "sciure de résineux" in table.to_string()
    shown = _shown(at)
    assert "matière pour granules" not in shown and "copeaux pour chaudière" not in shown


def _add_form(at: AppTest, description: str, **fields: str) -> AppTest:
    at.text_input(key="new_stream_description").input(description).run()
    for label, value in fields.items():
        next(w for w in at.text_input if w.label.startswith(label)).input(value)
    return at


def test_the_description_suggests_categories(repo):
    at = _add_form(_page(STREAMS), "écorces de résineux")
    category = next(s for s in at.selectbox if s.label == "Catégorie")
    assert category.options[0] == "Écorces"
    assert any(c.value.startswith("Catégories suggérées : Écorces") for c in at.caption)


def test_adding_a_stream_through_the_form_stores_it(repo):
    at = _add_form(_page(STREAMS), "écorces de résineux", Quantité="1 200,5", Mois="5-9")
    at.button(key="FormSubmitter:firm_add_stream-Valider et ajouter").click().run()
    assert not at.exception
    stored = repo.streams(FIRM1)
    new = stored[stored["stream_id"] != "S1"].iloc[0]
    assert new["category_id"] == "wood_bark" and new["quantity_as_typed"] == "1 200,5"
    assert new["quantity_per_yr"] == pytest.approx(1200.5) and new["months_mask"] == 0b1_1111_0000
    assert new["firm_id"] == "F1"
    assert any(s.value.startswith("Flux ajouté") for s in at.success)


def test_a_bad_form_row_shows_the_report_and_stores_nothing(repo):
    at = _add_form(_page(STREAMS), "écorces de résineux", Quantité="beaucoup")
    at.button(key="FormSubmitter:firm_add_stream-Valider et ajouter").click().run()
    assert not at.exception
    report = _report(at)
    # a form row's report names the form's field as the firm read it, not the file's header « quantite »
    assert report["Colonne"].tolist() == ["Quantité"] and report["Ligne"].tolist() == [1]
    assert report["Correction"].iloc[0]
    assert len(repo.streams(FIRM1)) == 1


def test_a_heat_demands_return_temperature_is_saved_and_kept_when_the_row_is_edited(repo):
    at = _page(STREAMS)
    at.selectbox(key="new_stream_direction").set_value("demand").run()
    at.selectbox(key="new_stream_unit").set_value("MWh/an").run()
    at = _add_form(at, "chauffage de serre", Quantité="800", **{"Température de retour": "22"})
    field = next(w for w in at.text_input if w.label == "Température de retour (°C)")
    assert field.help.startswith("Demande de chaleur seulement") and "22 °C pour une serre" in field.help
    next(s for s in at.selectbox if s.label == "Catégorie").set_value("heat_greenhouse")
    at.button(key="FormSubmitter:firm_add_stream-Valider et ajouter").click().run()
    assert not at.exception and not [e.value for e in at.error]
    stored = repo.streams(FIRM1).set_index("stream_id")
    [new] = [i for i in stored.index if i != "S1"]
    assert stored.loc[new, "category_id"] == "heat_greenhouse"
    assert stored.loc[new, "return_temperature_c"] == 22.0
    # reloaded, the row edited in the table (its quantity) keeps the return temperature it was given
    at = _page(STREAMS)
    position = at.data_editor[0].value["stream_id"].tolist().index(new)
    at.session_state["firm_editor_0"] = {
        "edited_rows": {position: {"quantity": "900"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="firm_validate").click().run()
    at.button(key="firm_save").click().run()
    assert not at.exception
    stored = repo.streams(FIRM1).set_index("stream_id")
    assert stored.loc[new, "quantity_per_yr"] == pytest.approx(900)
    assert stored.loc[new, "return_temperature_c"] == 22.0


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_description_and_no_category_picked_is_refused_not_stored_as_the_first_category(repo, lang):
    # with no description there is no suggestion: the list must not quietly pick its first category
    # (« Acid tar » in English, a hazardous residue) for a stream the firm never described
    at = _page(STREAMS, lang=lang)
    label = "Quantité" if lang == "fr" else "Quantity"
    next(w for w in at.text_input if w.label.startswith(label)).input("12,5" if lang == "fr" else "12.5")
    submit = "Valider et ajouter" if lang == "fr" else "Validate and add"
    at.button(key=f"FormSubmitter:firm_add_stream-{submit}").click().run()
    assert not at.exception
    report = _report(at)
    column, fix = ("Colonne", "Correction") if lang == "fr" else ("Column", "Fix")
    assert report[column].tolist() == ["Catégorie" if lang == "fr" else "Category"]
    assert ("Choisissez une catégorie" if lang == "fr" else "Pick a category") in report[fix].iloc[0]
    assert repo.streams(FIRM1)["stream_id"].tolist() == ["S1"]  # nothing stored
    quantity = next(w for w in at.text_input if w.label.startswith(label))
    assert quantity.value == ("12,5" if lang == "fr" else "12.5")  # what was typed is kept


# -- streams: editable table -----------------------------------------------------------------------


def test_editor_validate_then_save_keeps_refused_rows(repo):
    at = _page(STREAMS)
    at.session_state["firm_editor_0"] = {
        "edited_rows": {0: {"quantity": "1 500"}},
        "added_rows": [
            {
                "direction": "demande",
                "category_id": "wood_bark",
                "description": "écorces",
                "quantity": "pas un nombre",
                "unit": "t/an",
                "confidentiality": "membres",
            }
        ],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="firm_validate").click().run()
    assert not at.exception
    report = _report(at)
    # the table's own header (« Quantité »), not the file's column « quantite »
    assert report["Ligne"].tolist() == [2] and report["Colonne"].tolist() == ["Quantité"]
    assert repo.streams(FIRM1).iloc[0]["quantity_per_yr"] == pytest.approx(1200)  # not saved yet
    at.button(key="firm_save").click().run()
    assert not at.exception
    assert repo.streams(FIRM1)["quantity_per_yr"].tolist() == [pytest.approx(1500)]
    assert at.success[0].value.startswith("1 flux enregistré ; 1 ligne à corriger reste dans le tableau.")
    kept = at.data_editor[0].value
    assert kept["quantity"].tolist() == ["1 500", "pas un nombre"]
    assert "Ligne 2, colonne « Quantité »" in kept["errors"].iloc[1]


def test_a_row_added_to_the_editor_shows_empty_cells_not_none(repo):
    # Streamlit drew a grey « None » in every cell of a row just added: its texts had no default
    # and the editor no placeholder for a value not given yet
    import json

    at = _page(STREAMS)
    editor = at.data_editor[0].proto
    assert editor.HasField("placeholder") and editor.placeholder == ""
    columns = json.loads(editor.columns)
    texts = [name for name, c in columns.items() if c.get("type_config", {}).get("type") == "text"]
    assert set(texts) == {"stream_id", "description", "quantity", "months", "errors"}
    assert {name: columns[name].get("default") for name in texts} == dict.fromkeys(texts, "")


@pytest.mark.parametrize("empty", ["", None], ids=["default-text", "missing"])
def test_a_new_row_with_empty_optional_texts_stores_no_word_none(repo, empty):
    # the browser now sends "" for a text cell left empty (the column's default); before, None
    at = _page(STREAMS)
    at.session_state["firm_editor_0"] = {
        "edited_rows": {},
        "added_rows": [
            {
                "stream_id": empty,
                "direction": "offre",
                "category_id": "Écorces",
                "description": empty,
                "quantity": "12,5",
                "unit": "t/an",
                "months": empty,
                "confidentiality": "membres",
                "errors": empty,
            }
        ],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="firm_validate").click().run()
    at.button(key="firm_save").click().run()
    assert not at.exception
    stored = repo.streams(FIRM1)
    new = stored[stored["stream_id"] != "S1"].iloc[0]
    assert new["description"] in ("", None) and new["months_mask"] == 0xFFF
    assert "None" not in {str(new[c]) for c in ("stream_id", "description", "quantity_as_typed")}


def test_a_kept_row_is_named_by_its_line_and_listed_under_the_table(repo):
    # a refused new row above a valid one: once the valid one is stored, the refused row stands
    # on line 3, but its message still said « Ligne 2 », in the table's last column, out of sight
    at = _page(STREAMS)
    row = {"direction": "offre", "category_id": "Écorces", "description": "x", "unit": "t/an"}
    at.session_state["firm_editor_0"] = {
        "edited_rows": {},
        "added_rows": [{**row, "quantity": "beaucoup"}, {**row, "quantity": "5"}],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="firm_validate").click().run()
    at.button(key="firm_save").click().run()
    assert not at.exception
    kept = at.data_editor[0].value
    assert kept["quantity"].tolist()[2] == "beaucoup"
    assert kept["errors"].iloc[2].startswith("Ligne 3, colonne « Quantité » : on attendait un nombre")
    [warning] = at.warning
    assert warning.value.startswith(
        "1 ligne reste à corriger dans le tableau :\n- Ligne 3, colonne « Quantité »"
    )


def test_the_save_and_delete_confirmations_are_shown_by_their_buttons(repo):
    # they were shown above the page title: after a click at the bottom of the page, out of sight
    at = _page(STREAMS)
    at.session_state["firm_editor_0"] = {
        "edited_rows": {0: {"quantity": "1 500"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="firm_validate").click().run()
    at.button(key="firm_save").click().run()
    drawn = drawn_in_order(at)
    saved = next(i for i, (kind, value) in enumerate(drawn) if kind == "success" and "enregistré" in value)
    editor = drawn.index(("markdown", "#### Modifier dans le tableau")) + 2
    assert drawn[editor][0] == "dataframe"
    assert editor < saved < drawn.index(("markdown", "#### Supprimer un flux"))
    next(c for c in at.checkbox if c.label.startswith("Je confirme")).check()
    at.button(key="FormSubmitter:firm_delete-Supprimer").click().run()
    drawn = drawn_in_order(at)
    deleted = next(i for i, (kind, value) in enumerate(drawn) if kind == "success" and "supprimé" in value)
    # the firm's only stream: the deletion box is gone, the word stays where it was
    assert drawn.index(("markdown", "#### Modifier dans le tableau")) < deleted


def test_editor_with_no_change_says_so(repo):
    at = _page(STREAMS)
    at.button(key="firm_validate").click().run()
    assert at.info[0].value == "Aucune ligne modifiée."


# -- streams: deletion -----------------------------------------------------------------------------


def test_delete_needs_the_confirmation(repo):
    at = _page(STREAMS)
    delete = "FormSubmitter:firm_delete-Supprimer"
    at.button(key=delete).click().run()
    assert at.warning[0].value.startswith("Cochez la case")
    assert len(repo.streams(FIRM1)) == 1
    next(c for c in at.checkbox if c.label.startswith("Je confirme")).check()
    at.button(key=delete).click().run()
    assert not at.exception
    assert repo.streams(FIRM1).empty
    assert repo.streams(FIRM2)["stream_id"].tolist() == ["S2"]


# -- streams: template and upload ------------------------------------------------------------------


def test_template_download_is_offered_in_each_format_and_language(repo):
    at = _page(STREAMS)
    assert at.download_button(key="template_download").label == "Télécharger le modèle"
    assert "modele_flux.xlsx" in [c.value for c in at.caption]
    at.radio(key="template_lang").set_value("en").run()
    assert not at.exception
    assert "streams_template.xlsx" in [c.value for c in at.caption]


BAD_UPLOAD = (
    "id_flux;id_entreprise;sens;categorie;description;quantite;unite\n"
    "S10;F1;offre;wood_bark;écorces fraîches;2 500;t/an\n"
    "S11;F1;offre;wood_bark;écorces sèches;beaucoup;t/an\n"
    "S12;F2;demande;wood_bark;écorces d'une autre;100;t/an\n"
).encode()


def _upload(at: AppTest, data: bytes, name: str = "mes_flux.csv") -> AppTest:
    at.file_uploader(key="streams_upload").upload(name, data, "text/csv")
    at.run()
    return at.button(key="firm_import").click().run()


def test_upload_with_bad_rows_shows_the_report_and_stores_the_good_ones(repo):
    at = _upload(_page(STREAMS), BAD_UPLOAD)
    assert not at.exception
    assert sorted(repo.streams(FIRM1)["stream_id"]) == ["S1", "S10"]
    assert "S12" not in set(repo.streams(SYSTEM)["stream_id"])
    report = _report(at)
    assert report["Ligne"].tolist() == [3, 4]
    other = report[report["Ligne"] == 4].iloc[0]
    assert other["Colonne"] == "id_entreprise" and "votre entreprise (F1)" in other["Attendu"]
    assert at.error[0].value.startswith("3 lignes lues : 1 acceptée, 2 rejetées")
    assert at.download_button(key="firm_upload_rejected_download").label == "Télécharger les lignes rejetées"
    assert "mes_flux.csv" in [t.value for t in at.text]


def test_upload_reusing_another_firms_stream_id_rejects_that_row_only(repo):
    """The walk: one foreign stream id refused the whole file; now that row alone is rejected."""
    data = (
        b"stream_id,firm_id,direction,category_id,quantity,unit\n"
        b"S2,F1,supply,wood_bark,10,t/an\nS20,F1,supply,wood_bark,20,t/an\n"
    )
    at = _upload(_page(STREAMS, lang="en"), data)
    assert not at.exception
    assert not any("Nothing was saved" in e.value for e in at.error)
    report = at.dataframe[-1].value
    assert report.iloc[0]["Found"] == "S2" and "another firm" in report.iloc[0]["Fix"]
    assert repo.streams(FIRM1)["stream_id"].tolist() == ["S1", "S20"]
    assert repo.streams(FIRM2).iloc[0]["category_id"] == "pellet_feedstock"


@pytest.mark.parametrize(("page", "title"), [(PROFILE, "My firm"), (STREAMS, "My streams")])
def test_firm_pages_speak_english(repo, page, title):
    at = _page(page, lang="en")
    assert not at.exception
    assert at.title[0].value == title
    if page == STREAMS:
        assert at.dataframe[0].value.columns[0] == "Id"
        assert at.dataframe[0].value["Confidentiality"].tolist() == ["Network members"]


def test_uploading_the_xlsx_template_unchanged_explains_the_firm_id(repo):
    from symbiosis.ingest import template_bytes

    at = _page(STREAMS)
    at.file_uploader(key="streams_upload").upload(
        "modele_flux.xlsx", template_bytes("streams", lang="fr"), "application/vnd.ms-excel"
    )
    at.run()
    at.button(key="firm_import").click().run()
    assert not at.exception
    report = _report(at)
    firm_rows = report[report["Colonne"] == "id_entreprise"]
    assert len(firm_rows) == 2 and firm_rows["Attendu"].str.contains("(F1)", regex=False).all()
    assert repo.streams(FIRM1)["stream_id"].tolist() == ["S1"]


def _signed_in(token: str) -> AppTest:
    """The streams page in a new browser session resumed from ``token`` (as the cookie resumes it)."""
    at = AppTest.from_file(STREAMS, default_timeout=30)
    for key, value in {"lang": "fr", "actor": FIRM1, "session_token": token}.items():
        at.session_state[key] = value
    return at.run()


def _firm_signed_in(repo) -> tuple:
    """The firm's account, one signed-in session of it, and the streams page open in that session."""
    from symbiosis.db.accounts import AccountRepository

    accounts = AccountRepository(repo)
    accounts.create_account(SYSTEM, "scierie", "correct horse battery", "firm", "F1")
    token = accounts.start_session(FIRM1)
    at = _page(STREAMS)
    at.session_state["session_token"] = token
    return accounts, token, at


def test_the_rows_kept_to_fix_survive_a_page_reload_in_the_same_session_only(repo):
    # a reload starts a new browser session: the refused rows, kept in it alone, were gone
    accounts, token, at = _firm_signed_in(repo)
    row = {"direction": "offre", "category_id": "Écorces", "description": "x", "unit": "t/an"}
    at.session_state["firm_editor_0"] = {
        "edited_rows": {},
        "added_rows": [{**row, "quantity": "beaucoup"}],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="firm_validate").click().run()
    at.button(key="firm_save").click().run()
    assert at.data_editor[0].value["quantity"].tolist()[-1] == "beaucoup"

    reloaded = _signed_in(token)  # a new browser session, resumed from the same signed-in session
    assert not reloaded.exception
    kept = reloaded.data_editor[0].value
    assert kept["quantity"].tolist()[-1] == "beaucoup" and "Ligne 2" in kept["errors"].iloc[-1]

    elsewhere = _signed_in(accounts.start_session(FIRM1))  # the firm signed in elsewhere: nothing kept
    assert "beaucoup" not in elsewhere.data_editor[0].value["quantity"].tolist()


def test_a_kept_report_cut_to_its_cap_says_so_after_a_reload_and_not_before(repo, monkeypatch):
    # a huge rejected file's report was stored whole with the session; it is now capped (here at one
    # rejected row) and, read back after a reload, says it was cut and how to get the whole one
    monkeypatch.setattr("symbiosis.services.upload_reports.MAX_KEPT_ROWS", 1)
    _accounts, token, at = _firm_signed_in(repo)
    _upload(at, BAD_UPLOAD)
    assert not at.exception and _report(at)["Ligne"].tolist() == [3, 4]  # whole where it was uploaded
    assert not any("Rapport raccourci" in w.value for w in at.warning)
    reloaded = _signed_in(token)
    assert not reloaded.exception
    assert reloaded.error[0].value.startswith("3 lignes lues : 1 acceptée, 2 rejetées")  # true counts
    assert _report(reloaded)["Ligne"].tolist() == [3]
    [note] = [w.value for w in reloaded.warning if "Rapport raccourci" in w.value]
    assert "1 ligne refusée sur 2 (jusqu'à la ligne 3 du fichier)" in note
    assert "importez de nouveau le même fichier" in note


def test_the_last_upload_report_survives_a_page_reload_until_dismissed(repo):
    # the report and its rejected rows lived in the browser session only: a reload lost them
    accounts, token, at = _firm_signed_in(repo)
    _upload(at, BAD_UPLOAD)
    assert not at.exception

    reloaded = _signed_in(token)  # a new browser session, resumed from the same signed-in session
    assert not reloaded.exception
    assert reloaded.error[0].value.startswith("3 lignes lues : 1 acceptée, 2 rejetées")
    assert _report(reloaded)["Ligne"].tolist() == [3, 4]
    assert "mes_flux.csv" in [t.value for t in reloaded.text]
    assert reloaded.download_button(key="firm_upload_rejected_download").label == (
        "Télécharger les lignes rejetées"
    )
    assert "effaciez ou vous déconnectiez" in " ".join(c.value for c in reloaded.caption)

    elsewhere = _signed_in(accounts.start_session(FIRM1))  # the firm signed in elsewhere: no report
    assert not any(e.value.startswith("3 lignes lues") for e in elsewhere.error)

    reloaded.button(key="firm_upload_dismiss").click().run()
    assert not reloaded.exception
    assert not any(e.value.startswith("3 lignes lues") for e in reloaded.error)
    again = _signed_in(token)  # dismissed for good, not only in that browser session
    assert not any(e.value.startswith("3 lignes lues") for e in again.error)
    assert not [b for b in again.button if b.key == "firm_upload_dismiss"]
