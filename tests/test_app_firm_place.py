"""A firm's site at a place the offline gazetteer lacks: explained, with three ways forward, nothing lost.

It used to be a dead end: the profile was refused with « Municipalité introuvable », the close names
suggested were places 400 km away that could not be picked, and the firm could save nothing else
(not even a new phone number) until it found coordinates.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor, PermissionDenied
from symbiosis.db.notifications import NotificationRepository
from symbiosis.services.firm_place import pending_place, validate_keeping_position
from symbiosis.services.firm_self_service import load_firm
from symbiosis.views.notifications import notification_text
from tests._app_helpers import run_file, tiny_repo_fixtures

ROOT = Path(__file__).resolve().parents[1]
PROFILE = str(ROOT / "app_pages" / "firm_profile.py")
INBOX = str(ROOT / "app_pages" / "inbox.py")
FIRM1 = Actor("scierie", "firm", "F1")
ADVISOR = Actor("adele", "advisor")
SYSTEM = Actor.system("test")
UNKNOWN = "Saint-Bidon-du-Lac"


template_db, repo = tiny_repo_fixtures("firm_place")


def _page(path: str, actor: Actor = FIRM1, *, lang: str = "fr") -> AppTest:
    return run_file(path, actor, lang)


def _field(at: AppTest, label: str):
    return next(w for w in at.text_input if w.label.startswith(label))


def _plain(text: str) -> str:
    return text.replace("\\", "")  # the page escapes Markdown in what the firm typed


def _submit_unknown_place(lang: str = "fr", place: str = UNKNOWN) -> AppTest:
    at = _page(PROFILE, lang=lang)
    _field(at, "Téléphone" if lang == "fr" else "Phone").input("418-555-0199")
    _field(at, "Municipalité" if lang == "fr" else "Municipality").input(place)
    _field(at, "Latitude").input("")
    _field(at, "Longitude").input("")
    return at.form_submit_button[0].click().run()


def _button(at: AppTest, suffix: str):
    return next(b for b in at.button if b.key and b.key.endswith(suffix))


def test_an_unknown_place_is_explained_with_three_ways_forward_and_nothing_typed_is_lost(repo):
    at = _submit_unknown_place()
    assert not at.exception
    assert _plain(at.subheader[-1].value) == f"Lieu introuvable : « {UNKNOWN} »"
    says = _plain(at.warning[0].value)
    assert "n'est pas dans le répertoire des lieux du Québec" in says
    assert all(
        way in says for way in ("choisir ci-dessous un lieu connu", "latitude et la longitude", "à confirmer")
    )
    choices = next(s for s in at.selectbox if s.label == "Lieu connu").options
    assert choices[0].startswith("Sainte-Jeanne-d'Arc — nom proche, à 11 km de votre position actuelle")
    assert "Dolbeau-Mistassini — à 0 km de votre position actuelle" in choices
    assert _field(at, "Municipalité").value == UNKNOWN and _field(at, "Téléphone").value == "418-555-0199"
    assert repo.firms(FIRM1).iloc[0]["contact_phone"] == "418-555-0101"  # nothing saved yet


def test_the_choices_stay_while_the_firm_picks_one(repo):
    # picking in the list reruns the page: the way forward must not vanish with the report
    at = _submit_unknown_place()
    next(s for s in at.selectbox if s.label == "Lieu connu").select_index(4).run()
    assert not at.exception
    assert _button(at, "place_use").label == "Utiliser ce lieu et enregistrer"


def test_picking_a_known_place_saves_it_with_the_rest_of_the_profile(repo):
    at = _submit_unknown_place()
    next(s for s in at.selectbox if s.label == "Lieu connu").select_index(0).run()
    _button(at, "place_use").click().run()
    assert not at.exception
    firm = repo.firms(FIRM1).iloc[0]
    assert firm["municipality"] == "Sainte-Jeanne-d'Arc" and firm["coord_source"] == "municipality"
    assert firm["lat"] == pytest.approx(48.867, abs=0.01) and firm["contact_phone"] == "418-555-0199"
    assert any(s.value == "Profil enregistré." for s in at.success)


def test_keeping_the_position_saves_the_rest_tells_the_advisor_and_shows_the_place_to_confirm(repo):
    at = _submit_unknown_place()
    _button(at, "place_keep").click().run()
    assert not at.exception
    firm = repo.firms(FIRM1).iloc[0]
    assert firm["contact_phone"] == "418-555-0199"  # the rest is saved
    assert (firm["municipality"], firm["lat"], firm["lon"]) == ("Dolbeau-Mistassini", 48.88, -72.23)
    assert firm["coord_source"] == "declared"  # the position and its source as they were
    assert _plain(at.success[0].value).startswith(
        f"Profil enregistré en gardant votre position précédente. Lieu « {UNKNOWN} » à confirmer"
    )
    assert _plain(at.info[0].value).startswith(f"Lieu à confirmer : vous avez indiqué « {UNKNOWN} »")
    assert _field(at, "Municipalité").value == "Dolbeau-Mistassini"  # the form shows what is stored
    advisor = NotificationRepository(repo).inbox(ADVISOR)
    assert advisor["kind"].tolist() == ["place_to_confirm"]
    assert advisor["params"].iloc[0]["place"] == UNKNOWN
    text = notification_text(
        "place_to_confirm", advisor["params"].iloc[0], "fr", firm_names={"F1": "Scierie Péribonka"}
    )
    assert text.startswith(f"Scierie Péribonka situe son site à « {UNKNOWN} »")
    inbox = _page(INBOX)
    assert f"Lieu de votre site à confirmer : « {UNKNOWN} »" in inbox.dataframe[0].value.to_string()


def test_the_place_to_confirm_is_settled_once_the_firm_gives_its_coordinates(repo):
    at = _submit_unknown_place()
    _button(at, "place_keep").click().run()
    assert pending_place(repo, FIRM1, load_firm(repo, FIRM1, "F1")) == UNKNOWN
    _field(at, "Latitude").input("48,9")
    _field(at, "Longitude").input("-72,2")
    at.form_submit_button[0].click().run()
    assert not at.exception
    assert pending_place(repo, FIRM1, load_firm(repo, FIRM1, "F1")) is None
    assert not any("Lieu à confirmer" in i.value for i in _page(PROFILE).info)


def test_the_way_forward_speaks_english_and_shows_typed_markdown_as_typed(repo):
    at = _submit_unknown_place("en", place="**Bidon** [x](javascript:alert(1))")
    assert not at.exception
    warning = at.warning[0].value
    assert "\\*\\*Bidon\\*\\* \\[x\\]\\(javascript\\:alert\\(1\\)\\)" in warning  # escaped, never markup
    assert "Three ways forward" in warning and "pick a known place below" in warning
    _button(at, "place_keep").click().run()
    assert (
        "Place “" in _plain(at.success[0].value)
        and "to confirm: your advisor has been told" in at.success[0].value
    )


def test_keeping_the_position_still_checks_the_other_fields(repo):
    at = _submit_unknown_place()
    _field(at, "Nom").input("   ")
    at.form_submit_button[0].click().run()
    _button(at, "place_keep").click().run()
    assert not at.exception
    report = next(d.value for d in at.dataframe if "Correction" in d.value.columns)
    assert report["Colonne"].tolist() == ["Nom de l'entreprise"]
    assert repo.firms(FIRM1).iloc[0]["name"] == "Scierie Péribonka"
    assert NotificationRepository(repo).inbox(ADVISOR).empty


def test_a_firm_cannot_report_a_place_for_another_firm(repo):
    with pytest.raises(PermissionDenied):
        NotificationRepository(repo).report_place(FIRM1, "F2", "Ailleurs", lat=48.5, lon=-71.6)
    assert NotificationRepository(repo).inbox(ADVISOR).empty


def test_validate_keeping_position_keeps_the_stored_park_and_source(repo):
    firm = {**load_firm(repo, FIRM1, "F1").to_dict(), "park_id": "", "coord_source": "municipality"}
    cells = {
        "name": "Scierie Péribonka",
        "scian_code": "321111",
        "municipality": UNKNOWN,
        "lat": "",
        "lon": "",
    }
    result = validate_keeping_position(cells, firm, "F1")
    row = result.valid.iloc[0]
    assert (row["municipality"], row["coord_source"], row["park_id"]) == (
        "Dolbeau-Mistassini",
        "municipality",
        "",
    )


def test_the_way_forward_stays_when_the_language_is_switched(repo):
    at = _submit_unknown_place()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert _plain(at.subheader[-1].value) == f"Place not found: “{UNKNOWN}”"
    known = next(s for s in at.selectbox if s.label == "Known place")
    assert known.options[0] == "Sainte-Jeanne-d'Arc — close name, 11 km from your current position"
    assert _field(at, "Municipality").value == UNKNOWN and _field(at, "Phone").value == "418-555-0199"
