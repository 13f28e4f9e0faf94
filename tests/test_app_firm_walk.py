"""A firm's pages walked the way a hurried user walks them: language switched mid-flow, huge numbers.

Each test here was a finding of the walk-through of the app (see the report of branch
``wt/appaudit``): it failed on the former pages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor
from tests._app_helpers import run_file, tiny_repo_fixtures

ROOT = Path(__file__).resolve().parents[1]
STREAMS = str(ROOT / "app_pages" / "firm_streams.py")
FIRM1 = Actor("scierie", "firm", "F1")
SYSTEM = Actor.system("test")
SUBMIT = "FormSubmitter:firm_add_stream-Valider et ajouter"


template_db, repo = tiny_repo_fixtures("firm_walk")


def _page(path: str, actor: Actor = FIRM1, *, lang: str = "fr") -> AppTest:
    return run_file(path, actor, lang)


def _field(at: AppTest, *labels: str):
    return next(w for w in at.text_input if w.label.startswith(labels))


def test_a_refused_stream_form_keeps_what_was_typed_when_the_language_is_switched(repo):
    # the quantity's placeholder (12,5 / 12.5) and the labels changed with the language, so the
    # unkeyed fields were new widgets in English: the quantity and months typed were gone
    at = _page(STREAMS)
    at.text_input(key="new_stream_description").input("Sciure de bois").run()
    _field(at, "Quantité").input("-77,5")
    _field(at, "Mois").input("5-9")
    at.button(key=SUBMIT).click().run()
    assert at.error, "a negative quantity is refused"
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert _field(at, "Quantity").value == "-77,5"
    assert _field(at, "Months").value == "5-9"


def test_the_unit_picked_survives_the_language_switch_and_is_validated_in_the_new_language(repo):
    # the unit box listed « m³/an » in French and « m³/yr » in English: the switch reset it to t/yr
    at = _page(STREAMS)
    at.text_input(key="new_stream_description").input("Eaux de procédé").run()
    at.selectbox(key="new_stream_unit").select("m³/an").run()
    at.session_state["lang"] = "en"
    at.run()
    unit = at.selectbox(key="new_stream_unit")
    assert unit.value == "m³/an" and "m³/yr" in unit.options  # shown in English, kept
    _field(at, "Quantity").input("2500")
    at.button(key="FormSubmitter:firm_add_stream-Validate and add").click().run()
    assert not at.exception
    stored = repo.streams(FIRM1)
    new = stored[stored["stream_id"] != "S1"].iloc[0]
    assert new["unit_as_typed"] == "m³/yr"


@pytest.mark.parametrize("page", ["firm_profile.py", "firm_streams.py", "firm_mutual_data.py"])
def test_a_firm_account_whose_firm_is_not_in_the_registry_is_told_why_and_what_to_do(repo, page):
    # it was told « Accès refusé », as if it had asked for another firm's data
    at = _page(str(ROOT / "app_pages" / page), Actor("nouveau", "firm", "F9"))
    assert not at.exception and not at.error
    [warning] = at.warning
    assert "Votre entreprise (identifiant F9) n'est pas inscrite au registre" in warning.value
    assert "Demandez à votre conseillère ou conseiller" in warning.value


def test_a_firm_asking_for_another_firms_id_is_still_refused(repo):
    at = AppTest.from_file(str(ROOT / "app_pages" / "firm_profile.py"), default_timeout=30)
    at.session_state["lang"] = "fr"
    at.session_state["actor"] = FIRM1
    at.query_params["firm"] = "F9"
    at.run()
    assert at.error[0].value.startswith("Accès refusé")


def test_a_bad_digest_address_is_quoted_short_as_typed_and_says_how_to_write_one(repo):
    at = _page(str(ROOT / "app_pages" / "inbox.py"))
    next(c for c in at.checkbox if c.label == "M'envoyer le résumé").check()
    next(w for w in at.text_input if w.label == "Adresse courriel").input("**gras** " + "a" * 5000)
    next(b for b in at.button if b.label == "Enregistrer").click().run()
    assert not at.exception
    [error] = at.error
    assert error.value.startswith("« \\*\\*gras\\*\\* aaa")  # shown as typed, never as bold
    assert len(error.value) < 300 and "nom@domaine.ca" in error.value


def test_a_firm_with_no_stream_and_no_group_is_told_what_to_do(repo):
    # « Aucun flux déclaré pour l'instant. » and « Aucune proposition de mutualisation… » said no more
    repo.delete_stream(FIRM1, "S1")
    streams = _page(STREAMS)
    said = " ".join(i.value for i in streams.info)
    assert "sans flux, aucune proposition ne peut vous être faite" in said
    assert "« Ajouter un flux »" in said and "« Importer un fichier »" in said
    mutual = _page(str(ROOT / "app_pages" / "firm_mutual.py"))
    assert "« Mes achats et capacités »" in mutual.info[0].value


def test_changes_typed_in_the_table_survive_the_language_switch_until_saved(repo):
    # the table's words and headers changed with the language, so it was a new editor in English
    # and the changes typed in French were gone (« No row changed. »)
    at = _page(STREAMS)
    at.session_state["firm_editor_0"] = {
        "edited_rows": {0: {"quantity": "1 500"}},
        "added_rows": [
            {
                "direction": "demande",
                "category_id": "Écorces",
                "description": "écorces",
                "quantity": "12,5",
                "unit": "t/an",
                "confidentiality": "membres",
            }
        ],
        "deleted_rows": [],
    }
    at.run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert any(c.value.startswith("The table keeps the language you edited it in") for c in at.caption)
    at.button(key="firm_validate").click().run()
    assert at.success[0].value.startswith("2 rows read: 2 accepted")
    at.button(key="firm_save").click().run()
    assert at.success[0].value == "2 streams saved; 0 rows to fix stay in the table."
    stored = repo.streams(FIRM1).set_index("stream_id")
    assert stored.loc["S1", "quantity_per_yr"] == pytest.approx(1500)
    assert (stored["category_id"] == "wood_bark").sum() == 1
    assert at.data_editor[0].value["direction"].tolist() == ["demand", "supply"]  # saved: now in English


@pytest.mark.parametrize(
    ("edits", "kept", "lang", "drawn"),
    [
        (None, "fr", "en", "en"),
        ({"edited_rows": {}, "added_rows": [], "deleted_rows": []}, "fr", "en", "en"),
        ({"edited_rows": {0: {"quantity": "1"}}, "added_rows": [], "deleted_rows": []}, "fr", "en", "fr"),
        ({"edited_rows": {}, "added_rows": [], "deleted_rows": [0]}, "en", "fr", "en"),
        ({"edited_rows": {0: {"quantity": "1"}}}, None, "en", "en"),
    ],
)
def test_the_table_keeps_its_language_only_while_it_holds_changes(edits, kept, lang, drawn):
    from symbiosis.views.editor import editor_language

    assert editor_language(edits, kept, lang) == drawn


def test_after_a_deletion_the_confirmation_box_is_unticked_again(repo):
    # the keyed box would otherwise stay ticked and the next stream be deleted without confirmation
    at = _page(STREAMS)
    at.text_input(key="new_stream_description").input("Sciure de bois").run()
    _field(at, "Quantité").input("12,5")
    at.button(key=SUBMIT).click().run()
    assert len(repo.streams(FIRM1)) == 2
    box = next(c for c in at.checkbox if c.key and c.key.endswith(".confirm"))
    box.check()
    at.button(key="FormSubmitter:firm_delete-Supprimer").click().run()
    assert len(repo.streams(FIRM1)) == 1
    box = next(c for c in at.checkbox if c.key and c.key.endswith(".confirm"))
    assert box.value is False
