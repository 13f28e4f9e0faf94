"""Filters that leave nothing, and a registry where the engine finds nothing: said, with what to do.

The registry page showed « 0 flux » over an empty table; the map and the exchanges said « Aucun
échange ne correspond à ces filtres » even when the engine had proposed no exchange at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from symbiosis.db import Actor, Repository
from tests._app_helpers import build_template, point_app_at, run_page, use_copy
from tests._registry_helpers import tiny_registry

ADVISOR = Actor(user_id="c", role="advisor", firm_id=None)
SYSTEM = Actor.system("test")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("filters_walk"), ADVISOR)


@pytest.fixture
def db(template, tmp_path, monkeypatch):
    return use_copy(template[0], tmp_path, monkeypatch)


@pytest.fixture
def supply_only(tmp_path, monkeypatch) -> Path:
    """Three firms and one supply: nothing for the engine to match."""
    path = tmp_path / "registry.db"
    reg = tiny_registry()
    with Repository.from_url(f"sqlite:///{path}") as repo:
        repo.upsert_firms(SYSTEM, reg.firms)
        repo.upsert_streams(SYSTEM, reg.streams[reg.streams["direction"] == "supply"])
    return point_app_at(path, monkeypatch)


def test_a_registry_search_that_finds_nothing_says_how_to_widen_it(db):
    at = run_page("registry.py", ADVISOR)
    at.text_input(key="registry.query").input("zzzz introuvable").run()
    assert not at.exception
    assert at.subheader[0].value == "0 flux"
    assert at.info[0].value == (
        "Aucun flux ne correspond à ces filtres (240 flux en tout) : choisissez « Toutes » dans les "
        "listes ou videz la recherche."
    )


def test_a_search_in_a_registry_of_one_stream_counts_it_in_the_singular(supply_only):
    at = run_page("registry.py", ADVISOR, "en")
    at.text_input(key="registry.query").input("zzzz").run()
    assert not at.exception
    assert at.info[0].value.startswith("No stream matches these filters (1 stream in all):")


def test_exchange_filters_that_hide_everything_say_how_many_they_hide(db):
    at = run_page("advisor_exchanges.py", ADVISOR, "en")
    at.text_input(key="exchanges.min_value").set_value("1,000,000,000").run()
    assert not at.exception
    said = " ".join(i.value for i in at.info)
    assert "No exchange matches these filters (" in said and "lower the minimum net value" in said


@pytest.mark.parametrize("page", ["advisor_exchanges.py", "advisor_map.py"])
def test_no_exchange_at_all_points_to_scenarios_and_prospecting_not_to_the_filters(supply_only, page):
    at = run_page(page, ADVISOR)
    assert not at.exception
    said = " ".join(i.value for i in at.info)
    assert "Le moteur ne propose aucun échange entre les flux déclarés" in said
    assert "« Scénarios »" in said and "« Prospection »" in said
    assert "ces filtres" not in said


@pytest.mark.parametrize("page", ["advisor_exchanges.py", "advisor_map.py"])
def test_a_minimum_value_typed_the_french_way_is_read_and_a_wrong_one_refused_by_name(db, page):
    # the number box read « 12 500,5 » $/an as 125 005: the filter hid exchanges worth 13 000 $/an
    key = "exchanges.min_value" if page == "advisor_exchanges.py" else "map.min_value"
    at = run_page(page, ADVISOR)
    at.text_input(key=key).set_value("12 500,5").run()
    assert not at.exception and not at.error
    at.text_input(key=key).set_value("12,5,0").run()
    assert not at.exception
    [error] = at.error
    assert "\\$" in error.value  # escaped: « $ » … « $ » would be read as a formula
    said = error.value.replace("\\", "").replace("\u00a0", " ")
    assert said == (
        "« Valeur nette minimale ($/an) » : « 12,5,0 » n'est pas un nombre entre 0 et 1 000 000 000 ; "
        "écrivez par exemple 12,5 ou 1 200."
    )
    assert not at.dataframe and not at.get("deck_gl_json_chart")  # nothing shown under a misread filter
