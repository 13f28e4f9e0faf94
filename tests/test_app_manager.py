"""The program manager's dashboard, driven headless with AppTest."""

from __future__ import annotations

from collections import OrderedDict

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.results_state import _RUNS
from symbiosis.db import Actor
from symbiosis.views.scenario import config_key, registry_key
from tests._app_helpers import APP, ROOT, build_template, use_copy

MANAGER = Actor(user_id="g", role="program_manager", firm_id=None)
OTHERS = {
    "advisor": Actor(user_id="c", role="advisor", firm_id=None),
    "firm": Actor(user_id="f", role="firm", firm_id="F00001"),
    "anonymous": None,
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A registry DB and the baseline result on it (computed once)."""
    return build_template(tmp_path_factory.mktemp("manager"), MANAGER)


@pytest.fixture
def db(template, tmp_path, monkeypatch):
    return use_copy(template[0], tmp_path, monkeypatch)


def _dashboard(template, lang: str = "fr") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["actor"] = MANAGER
    _, registry, result = template
    at.session_state[_RUNS] = OrderedDict({(registry_key(registry), config_key(result.config)): result})
    at.run()
    return at.switch_page("app_pages/manager_dashboard.py").run()


@pytest.mark.parametrize("role", list(OTHERS))
def test_dashboard_refuses_other_roles(db, role):
    at = AppTest.from_file(str(ROOT / "app_pages" / "manager_dashboard.py"), default_timeout=30)
    if OTHERS[role] is not None:
        at.session_state["actor"] = OTHERS[role]
    at.run()
    assert not at.exception
    assert "Accès refusé" in at.error[0].value
    assert not at.metric


def test_dashboard_shows_estimated_kpis_breakdowns_and_downloads(db, template):
    at = _dashboard(template)
    assert not at.exception
    assert at.title[0].value == "Tableau de bord du programme"
    assert "estimés" in at.info[0].value
    metrics = {m.label: m.value for m in at.metric}
    kpis = template[2].kpis
    assert metrics["Synergies proposées"] == str(kpis.n_exchanges)
    assert all("estimé" in label for label in list(metrics)[:3])
    saved = metrics["Économies nettes ($/an, estimé)"]
    assert saved.endswith(" M$") or "\u00a0" in saved or kpis.net_value_cad_per_yr < 1000
    status = at.dataframe[0].value
    assert status.iloc[0].tolist() == ["Proposée", kpis.n_exchanges]
    by_park = at.dataframe[1].value
    assert by_park.index.name == "Parc du fournisseur"
    at.selectbox[0].set_value("family").run()
    assert at.dataframe[1].value.index.name == "Famille de ressource"
    downloads = at.get("download_button")
    assert len(downloads) == 3


def test_dashboard_in_english(db, template):
    at = _dashboard(template, lang="en")
    assert not at.exception
    assert at.title[0].value == "Programme dashboard"
    assert "Proposed synergies" in {m.label for m in at.metric}
