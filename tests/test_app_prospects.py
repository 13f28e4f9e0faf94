"""The advisor's prospecting page: leads for a firm that has declared nothing, labelled inferred."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from symbiosis.db import Actor, Repository
from symbiosis.sample import generate_streams_canonical
from tests._app_helpers import point_app_at, run_page

ADVISOR = Actor(user_id="c", role="advisor", firm_id=None)
SILENT = "FSILENT"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A small region plus one sawmill (SCIAN 321111) that has declared no stream yet."""
    path = tmp_path_factory.mktemp("prospects") / "registry.db"
    reg = generate_streams_canonical(n_streams=240, territory="slsj", seed=11)
    silent = reg.firms.iloc[[0]].assign(
        firm_id=SILENT, name="Scierie Silencieuse", scian_code="321111", confidentiality="public"
    )
    with Repository.from_url(f"sqlite:///{path}") as repo:
        system = Actor.system("test")
        repo.upsert_firms(system, pd.concat([reg.firms, silent], ignore_index=True))
        repo.upsert_streams(system, reg.streams)
    return path


@pytest.fixture
def db(template, tmp_path, monkeypatch):
    copy = tmp_path / "registry.db"
    shutil.copy(template, copy)
    return point_app_at(copy, monkeypatch)


def _table(at):
    assert not at.exception, at.exception
    return at.dataframe[0].value


def test_a_silent_sawmill_gets_leads_labelled_inferred(db):
    at = run_page("advisor_prospects.py", ADVISOR)
    table = _table(at)
    firms = table["Entreprise à contacter"]
    assert (firms == "Scierie Silencieuse").any()
    assert set(table["Statut"]) == {"Déduit (non déclaré)"}
    assert "ne comptent jamais dans les indicateurs" in at.caption[0].value
    sources = table["Source de l'a priori"].astype(str)  # words, not « EXPERT:symbiosis-kb »
    assert not sources.str.contains(r"EXPERT:|MAESTRI:|\|", regex=True).any()
    assert sources.str.startswith(("cas MAESTRI", "base de connaissances")).any()


def test_the_share_of_the_sector_is_a_percentage_not_an_english_decimal(db):
    # the slider read « 0.30 » (English decimal point) on a French page
    at = run_page("advisor_prospects.py", ADVISOR)
    share = at.slider(key="prospects.min_share")
    assert share.value == 30 and share.max == 100 and "%" in share.proto.format
    shown = len(_table(at))
    share.set_value(80).run()
    assert 0 < len(_table(at)) < shown  # the rarer streams are left out


def test_the_page_speaks_english(db):
    at = run_page("advisor_prospects.py", ADVISOR, "en")
    table = _table(at)
    assert set(table["Status"]) == {"Inferred (not declared)"}
    assert at.title[0].value == "Prospecting"


@pytest.mark.parametrize("role", ["firm", "program_manager"])
def test_only_advisors_see_prospects(db, role):
    actor = Actor(user_id="x", role=role, firm_id="F00001" if role == "firm" else None)
    at = run_page("advisor_prospects.py", actor)
    assert not at.exception and not at.dataframe
    assert at.error and "Scierie Silencieuse" not in str([e.value for e in at.markdown])
