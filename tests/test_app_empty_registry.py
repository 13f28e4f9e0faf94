"""An empty registry, and firms that declared nothing yet: each role is told why and what it can do.

The advisor's and the manager's pages said « Le registre est vide : aucun appariement à montrer »
whether no firm or no stream was registered, with no way forward; the prospecting page, made for
firms without streams, refused to open when no firm had any.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from symbiosis.db import Actor, Repository
from tests._app_helpers import point_app_at, run_page
from tests._registry_helpers import tiny_registry

ADVISOR = Actor("adele", "advisor")
MANAGER = Actor("gaston", "program_manager")
SYSTEM = Actor.system("test")


@pytest.fixture
def firms_only(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "registry.db"
    with Repository.from_url(f"sqlite:///{path}") as repo:
        repo.upsert_firms(SYSTEM, tiny_registry().firms)
    return point_app_at(path, monkeypatch)


@pytest.fixture
def one_firm(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "registry.db"
    with Repository.from_url(f"sqlite:///{path}") as repo:
        repo.upsert_firms(SYSTEM, tiny_registry().firms.head(1))
    return point_app_at(path, monkeypatch)


@pytest.fixture
def empty(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "registry.db"
    with Repository.from_url(f"sqlite:///{path}"):
        pass
    return point_app_at(path, monkeypatch)


@pytest.mark.parametrize("page", ["advisor_map.py", "advisor_exchanges.py", "mutual_data.py"])
def test_firms_without_streams_tell_the_advisor_how_streams_come_in(firms_only, page):
    at = run_page(page, ADVISOR)
    assert not at.exception
    [info] = at.info
    assert info.value.startswith("Aucun flux déclaré : 3 entreprises inscrites,")
    assert all(
        way in info.value for way in ("« Mes flux »", "« Comptes »", "symbiosis import", "« Prospection »")
    )


def test_firms_without_streams_tell_the_manager_who_brings_them_in(firms_only):
    at = run_page("manager_dashboard.py", MANAGER, "en")
    assert not at.exception
    texts = " ".join(i.value for i in at.info)
    assert "No stream declared: 3 firms registered," in texts and "with the advisors' help" in texts
    assert "symbiosis import" not in texts  # a command a manager cannot run


def test_one_firm_without_streams_is_said_in_the_singular(one_firm):
    # French counts 0 and 1 in the singular: « 1 entreprise inscrite », never « entreprise(s) »
    advisor = run_page("advisor_exchanges.py", ADVISOR)
    assert not advisor.exception
    assert advisor.info[0].value.startswith("Aucun flux déclaré : 1 entreprise inscrite, mais ni offre")
    manager = run_page("manager_dashboard.py", MANAGER, "en")
    assert not manager.exception
    assert "No stream declared: 1 firm registered, but" in " ".join(i.value for i in manager.info)


def test_prospecting_opens_when_no_firm_has_declared_anything(firms_only):
    at = run_page("advisor_prospects.py", ADVISOR)
    assert not at.exception
    assert at.info[0].value.startswith("3 entreprises sans flux déclaré ; 0 piste déduite")
    said = " ".join(str(m.value) for m in at.markdown)
    assert "aucune n'en a encore déclaré" in said and "« Mes flux »" in said


def test_an_empty_registry_tells_the_advisor_how_to_fill_it(empty):
    at = run_page("advisor_network.py", ADVISOR)
    assert not at.exception
    assert "aucune entreprise inscrite" in at.info[0].value and "symbiosis import" in at.info[0].value
