"""The advisor's scenario form walked with the language switched after a run: what was set stays set."""

from __future__ import annotations

from collections import OrderedDict

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.results_state import _RUNS
from symbiosis.db import Actor
from symbiosis.views.scenario import config_key, registry_key
from tests._app_helpers import ROOT, build_template, use_copy

ADVISOR = Actor(user_id="c", role="advisor", firm_id=None)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("advisor_walk"), ADVISOR)


@pytest.fixture
def db(template, tmp_path, monkeypatch):
    return use_copy(template[0], tmp_path, monkeypatch)


def test_the_scenario_form_matches_the_results_after_the_language_switch(db, template):
    # the unkeyed fields came back in English at their defaults (no radius, 110 $/t) beside the
    # results of a 40 km, 150 $/t scenario; re-running would have run another scenario
    at = AppTest.from_file(str(ROOT / "app_pages" / "advisor_scenario.py"), default_timeout=120)
    at.session_state["lang"] = "fr"
    at.session_state["actor"] = ADVISOR
    _, registry, result = template
    at.session_state[_RUNS] = OrderedDict({(registry_key(registry), config_key(result.config)): result})
    at.run()
    firm = registry.firms["firm_id"].iloc[0]
    at.text_input(key="scenario.radius").set_value("40")
    at.text_input(key="scenario.tipping").set_value("150")
    at.selectbox(key="scenario.excluded").set_value(firm)
    at.button[0].click().run()
    assert not at.exception and at.session_state["scenario_result"] is not None
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.text_input(key="scenario.radius").value == "40"
    assert at.text_input(key="scenario.tipping").value == "150"
    assert at.selectbox(key="scenario.excluded").value == firm
    assert at.selectbox(key="scenario.excluded").options[0] == "None"  # « Aucune », read in English


def _scenario(template) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "advisor_scenario.py"), default_timeout=120)
    at.session_state["lang"] = "fr"
    at.session_state["actor"] = ADVISOR
    _, registry, result = template
    at.session_state[_RUNS] = OrderedDict({(registry_key(registry), config_key(result.config)): result})
    return at.run()


def test_a_price_written_with_a_french_decimal_comma_is_read_as_such(db, template):
    """The browser's number box read « 12,5 » $/t as 125 $/t: a scenario ten times off, silently."""
    at = _scenario(template)
    at.text_input(key="scenario.tipping").set_value("12,5")
    at.text_input(key="scenario.carbon").set_value("42,5")
    at.text_input(key="scenario.radius").set_value("1 200")
    at.button[0].click().run()
    assert not at.exception and not at.error
    config = at.session_state["scenario_result"].config
    assert config.default_tipping_fee_cad_per_t == 12.5
    assert config.weights.carbon_price_cad_per_t_co2e == 42.5 and config.radius_km == 1200.0


def test_wrong_numbers_are_refused_by_name_and_run_nothing(db, template):
    at = _scenario(template)
    at.text_input(key="scenario.tipping").set_value("-5")
    at.text_input(key="scenario.carbon").set_value("beaucoup")
    at.text_input(key="scenario.radius").set_value("")  # empty: no cap, fine
    at.button[0].click().run()
    assert not at.exception
    [error] = at.error
    assert "\\$" in error.value  # escaped: two « $ » in a line were read as a formula
    said = error.value.replace("\\", "").replace("\u00a0", " ")
    assert said.startswith("Scénario non lancé : corrigez ces valeurs.")
    assert "« Coût d'élimination par défaut ($/t) » : « -5 » n'est pas un nombre entre 0 et 1 000" in said
    assert "« Prix du carbone ($/t CO2e) » : « beaucoup »" in said
    assert "Plafond" not in said
    assert "scenario_result" not in at.session_state  # nothing ran


def test_the_exploring_choices_survive_a_visit_to_another_page(db, template):
    # Streamlit forgets a widget's value when a run does not draw it: the advisor who searched
    # « sciure », sorted by distance and set a minimum value on the exchanges page, looked at the map
    # and came back found every filter reset and 240 exchanges instead of their short list
    _, registry, result = template
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = "fr"
    at.session_state["actor"] = ADVISOR
    at.session_state[_RUNS] = OrderedDict({(registry_key(registry), config_key(result.config)): result})
    at.run()
    at.switch_page("app_pages/advisor_exchanges.py").run()
    at.text_input(key="exchanges.query").set_value("bois").run()
    at.selectbox(key="exchanges.sort").set_value("distance").run()
    at.text_input(key="exchanges.min_value").set_value("10 000").run()
    at.switch_page("app_pages/advisor_map.py").run()
    at.slider(key="map.max_distance").set_value(40).run()
    at.switch_page("app_pages/advisor_exchanges.py").run()
    assert not at.exception
    assert at.text_input(key="exchanges.query").value == "bois"
    assert at.selectbox(key="exchanges.sort").value == "distance"
    assert at.text_input(key="exchanges.min_value").value == "10 000"
    at.switch_page("app_pages/advisor_map.py").run()
    assert at.slider(key="map.max_distance").value == 40
