"""The advisor's side of a place "to confirm": the firms waiting, and a known place or coordinates."""

from __future__ import annotations

import pytest

from symbiosis.db import Actor, NotFound, PermissionDenied
from symbiosis.services.firm_place import (
    choices_for,
    places_to_confirm,
    save_place_to_confirm,
    settle_place,
    validate_keeping_position,
)
from symbiosis.views.firm import place_option_label, profile_cells
from tests._app_helpers import run_page, tiny_repo_fixtures

FIRM1 = Actor("scierie", "firm", "F1")
ADVISOR = Actor("adele", "advisor")
MANAGER = Actor("marc", "program_manager")
UNKNOWN = "Saint-Bidon-du-Lac"


template_db, repo = tiny_repo_fixtures("places")


def _report_unknown_place(repo, actor: Actor = FIRM1) -> dict:
    """F1 (or ``actor``'s firm) types a place the gazetteer lacks and keeps its position (what its
    profile page does)."""
    firm = repo.firms(actor).iloc[0].to_dict()
    cells = {**profile_cells(firm), "municipality": UNKNOWN}
    result = validate_keeping_position(cells, firm, actor.firm_id)
    assert save_place_to_confirm(repo, actor, result, place=UNKNOWN) in (0, 1)
    return firm


def test_the_advisor_sees_the_firm_whose_place_waits_and_nobody_else_does(repo):
    assert places_to_confirm(repo, ADVISOR).empty
    _report_unknown_place(repo)
    waiting = places_to_confirm(repo, ADVISOR)
    assert waiting[["firm_id", "place", "municipality"]].values.tolist() == [
        ["F1", UNKNOWN, "Dolbeau-Mistassini"]
    ]
    assert places_to_confirm(repo, MANAGER).empty  # the notices go to the advisors and the firm


def test_a_known_place_settles_it_and_keeps_the_rest_of_the_profile(repo):
    firm = _report_unknown_place(repo)
    choice = choices_for(UNKNOWN, firm).iloc[0]
    result = settle_place(repo, ADVISOR, "F1", municipality=choice["name"])
    assert not result.valid.empty
    stored = repo.firms(ADVISOR).set_index("firm_id").loc["F1"]
    assert stored["municipality"] == choice["name"] and stored["name"] == firm["name"]
    assert places_to_confirm(repo, ADVISOR).empty


def test_coordinates_settle_it_and_bad_ones_are_refused_with_the_importers_message(repo):
    _report_unknown_place(repo)
    refused = settle_place(repo, ADVISOR, "F1", lat="north", lon="-72,1")
    assert refused.valid.empty and refused.report.errors
    assert {issue.column for issue in refused.report.errors} & {"lat", "latitude"}
    assert len(places_to_confirm(repo, ADVISOR)) == 1  # nothing written
    assert not settle_place(repo, ADVISOR, "F1", lat="48,9", lon="-72,1").valid.empty
    stored = repo.firms(ADVISOR).set_index("firm_id").loc["F1"]
    assert (stored["lat"], stored["lon"]) == pytest.approx((48.9, -72.1))
    assert places_to_confirm(repo, ADVISOR).empty


def test_a_firm_cannot_settle_another_firms_place(repo):
    with pytest.raises((NotFound, PermissionDenied)):
        settle_place(repo, Actor("granules", "firm", "F2"), "F1", lat="48,9", lon="-72,1")


def test_an_option_says_how_far_it_is_from_the_firm():
    choice = {"name": "Chicoutimi", "municipality": "Saguenay", "distance_km": 12.4}
    assert place_option_label(choice, "fr") == "Chicoutimi (Saguenay) — à 12 km de la position actuelle"
    assert place_option_label(choice, "en") == "Chicoutimi (Saguenay) — 12 km from the current position"
    assert place_option_label({"name": "Alma", "municipality": "Alma", "distance_km": None}) == "Alma"


def test_the_registry_page_lets_the_advisor_give_the_site_a_known_place(repo):
    _report_unknown_place(repo)
    at = run_page("registry.py", ADVISOR)
    assert not at.exception, at.exception
    assert at.expander[0].label == "1 lieu à confirmer"
    at.button(key="places.save").click().run()
    assert not at.exception, at.exception
    assert any("enregistré" in s.value for s in at.success)
    assert places_to_confirm(repo, ADVISOR).empty
    assert not run_page("registry.py", ADVISOR).expander  # nothing left to confirm


def test_two_places_waiting_are_counted_in_the_plural(repo):
    _report_unknown_place(repo)
    _report_unknown_place(repo, Actor("granules", "firm", "F2"))
    assert run_page("registry.py", ADVISOR).expander[0].label == "2 lieux à confirmer"
    assert run_page("registry.py", ADVISOR, "en").expander[0].label == "2 places to confirm"


def test_the_manager_reads_the_registry_without_the_advisors_places(repo):
    _report_unknown_place(repo)
    at = run_page("registry.py", MANAGER, "en")
    assert not at.exception, at.exception
    assert not at.expander
