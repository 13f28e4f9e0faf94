"""The manager's figures before any synergy is tracked: said to be the engine's proposals, for any period.

The dashboard said « Chiffres du registre des synergies pour la période … choisis » and showed the
same 85 synergies for the year 2000 as for this year: the figures were the engine's proposals,
which no period filters.
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor, Repository
from symbiosis.services.synergy_store import SynergyRepository
from tests._app_helpers import ROOT, build_template, use_copy

MANAGER = Actor(user_id="g", role="program_manager", firm_id=None)
ADVISOR = Actor(user_id="c", role="advisor", firm_id=None)
LEDGER = "Chiffres du registre des synergies pour la période"
NOTICE = "Aucune synergie n'est encore suivie : les chiffres du tableau de bord et des rapports"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("manager_walk"), MANAGER)


@pytest.fixture
def db(template, tmp_path, monkeypatch):
    return use_copy(template[0], tmp_path, monkeypatch)


def _page(page: str, actor: Actor) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / page), default_timeout=120)
    at.session_state["lang"] = "fr"
    at.session_state["actor"] = actor
    return at.run()


@pytest.mark.parametrize(
    ("page", "key"), [("manager_dashboard.py", "dashboard"), ("manager_reports.py", "reports")]
)
def test_untracked_figures_are_said_to_be_proposals_whatever_the_period(db, page, key):
    at = _page(page, MANAGER)
    at.date_input(key=f"{key}.from").set_value(dt.date(2000, 1, 1))
    at.date_input(key=f"{key}.to").set_value(dt.date(2000, 12, 31)).run()
    assert not at.exception
    [warning] = at.warning[-1:]
    assert warning.value.startswith(NOTICE) and "la période choisie ne les change pas" in warning.value
    assert "« Suivi des synergies »" in warning.value
    # the walk: the ledger's caption (« Chiffres du registre des synergies pour la période … ») stood
    # under the notice saying the figures are not the registry's
    assert not any(i.value.startswith(LEDGER) for i in at.info)


def test_once_synergies_are_tracked_the_notice_goes(db, template):
    with Repository.from_url(f"sqlite:///{db}", migrate=False) as repo:
        SynergyRepository(repo).record_proposals(ADVISOR, template[2])
    at = _page("manager_dashboard.py", MANAGER)
    assert not at.exception
    assert not any(w.value.startswith(NOTICE) for w in at.warning)
    assert any(i.value.startswith(LEDGER) for i in at.info)
