"""Reports read tracked synergies and the impact ledger once the synergy pipeline holds any."""

from __future__ import annotations

import datetime as dt

import pytest

from symbiosis.db import Actor, Repository
from symbiosis.reports import parse_territory
from symbiosis.services.report_source import match_result, report_data
from symbiosis.services.synergy_store import SynergyRepository
from tests.test_reports_fixtures import seed_db

SYSTEM = Actor.system("test")
ADVISOR = Actor("adele", "advisor")


@pytest.fixture
def repo(tmp_path):
    path = tmp_path / "r.db"
    seed_db(path)
    with Repository.from_url(f"sqlite:///{path}") as repository:
        yield repository


def _verify(store: SynergyRepository, sid: str, supplier: str, receiver: str) -> None:
    """Walk one synergy to ``verified``: both firms accept, implement, both confirm 100 units."""
    store.transition(ADVISOR, sid, "qualified")
    store.transition(ADVISOR, sid, "contacted")
    for firm in (supplier, receiver):
        store.consent(Actor(f"u-{firm}", "firm", firm), sid, "accept")
    for status in ("in_discussion", "implemented"):
        store.transition(ADVISOR, sid, status)
    for firm in (supplier, receiver):
        store.confirm_quantity(
            Actor(f"u-{firm}", "firm", firm),
            sid,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 31),
            quantity=100.0,
        )
    store.transition(ADVISOR, sid, "verified")


def test_report_uses_the_ledger_and_consents_of_tracked_synergies(repo):
    before = report_data(repo, ADVISOR, territory=parse_territory("region"))
    assert before.source == "result"
    store = SynergyRepository(repo)
    store.record_proposals(SYSTEM, match_result(repo.load_registry(SYSTEM)))
    synergies = store.synergies(ADVISOR).set_index(["supply_firm_id", "demand_firm_id"])
    sid = synergies.loc[("P1", "P4"), "synergy_id"]
    _verify(store, sid, "P1", "P4")

    data = report_data(repo, ADVISOR, territory=parse_territory("region"))
    assert data.source == "synergies"
    assert data.kpi("n_synergies") == before.kpi("n_synergies") == 5
    assert data.kpi("tonnes_t_per_yr", "verified") == pytest.approx(100.0)
    assert data.kpi("n_synergies", "verified") == 1
    assert "verified" in set(data.by_status["status"])

    anon = report_data(repo, ADVISOR, territory=parse_territory("region"), anonymised=True)
    assert list(anon.synergies["synergy_id"]) == [sid]  # P1 and P4 accepted; P2 is public but never did
    assert "Scierie du Fjord" not in set(anon.firms["firm"])


def test_a_report_that_cannot_read_tracked_synergies_says_so_in_its_notes(repo):
    """A database error is not "no tracked synergy": the estimates stand in, and the notes say why."""
    import sqlalchemy as sa

    with repo.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE verifications"))
        connection.execute(sa.text("DROP TABLE consents"))
        connection.execute(sa.text("DROP TABLE synergies"))
    data = report_data(repo, ADVISOR, territory=parse_territory("region"))
    assert data.source == "result" and data.kpi("n_synergies") == 5
    unreadable = [note for note in data.notes if "OperationalError" in note.get("en")]
    assert len(unreadable) == 1
    assert "could not be read" in unreadable[0].get("en")
    assert "n'ont pas pu être lues" in unreadable[0].get("fr")


def test_a_report_with_readable_empty_synergy_tables_adds_no_unreadable_note(repo):
    data = report_data(repo, ADVISOR, territory=parse_territory("region"))
    assert data.source == "result"
    assert not [note for note in data.notes if "could not be read" in note.get("en")]
