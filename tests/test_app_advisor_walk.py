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
    at.number_input(key="scenario.radius").set_value(40.0)
    at.number_input(key="scenario.tipping").set_value(150.0)
    at.selectbox(key="scenario.excluded").set_value(firm)
    at.button[0].click().run()
    assert not at.exception and at.session_state["scenario_result"] is not None
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.number_input(key="scenario.radius").value == 40.0
    assert at.number_input(key="scenario.tipping").value == 150.0
    assert at.selectbox(key="scenario.excluded").value == firm
    assert at.selectbox(key="scenario.excluded").options[0] == "None"  # « Aucune », read in English


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
    at.number_input(key="exchanges.min_value").set_value(10_000.0).run()
    at.switch_page("app_pages/advisor_map.py").run()
    at.slider(key="map.max_distance").set_value(40).run()
    at.switch_page("app_pages/advisor_exchanges.py").run()
    assert not at.exception
    assert at.text_input(key="exchanges.query").value == "bois"
    assert at.selectbox(key="exchanges.sort").value == "distance"
    assert at.number_input(key="exchanges.min_value").value == 10_000.0
    at.switch_page("app_pages/advisor_map.py").run()
    assert at.slider(key="map.max_distance").value == 40
