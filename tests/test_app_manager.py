"""The program manager's dashboard, driven headless with AppTest."""

from __future__ import annotations

import shutil
from collections import OrderedDict
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.results_state import _RUNS
from symbiosis.db import Actor, Repository
from symbiosis.engine.config import MatchConfig
from symbiosis.pipeline import run
from symbiosis.sample import generate_streams_canonical
from symbiosis.views.scenario import config_key, registry_key

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
MANAGER = Actor(user_id="g", role="program_manager", firm_id=None)
OTHERS = {
    "advisor": Actor(user_id="c", role="advisor", firm_id=None),
    "firm": Actor(user_id="f", role="firm", firm_id="F00001"),
    "anonymous": None,
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("manager") / "registry.db"
    reg = generate_streams_canonical(n_streams=240, territory="slsj", seed=7)
    with Repository.from_url(f"sqlite:///{path}") as repo:
        system = Actor.system("test")
        repo.upsert_firms(system, reg.firms)
        repo.upsert_streams(system, reg.streams)
        loaded = repo.load_registry(MANAGER)
    return path, loaded, run(loaded, MatchConfig())


@pytest.fixture
def db(template, tmp_path, monkeypatch):
    path = tmp_path / "registry.db"
    shutil.copy(template[0], path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SYMBIOSIS_DB", str(path))
    return path


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
