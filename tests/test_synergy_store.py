"""The synergy pipeline in the database (SQLite and PostgreSQL): transitions, consent, reveal, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from symbiosis.db import Actor, PermissionDenied, Repository
from symbiosis.db.models import AuditLog
from symbiosis.services.synergy_store import SynergyRepository
from symbiosis.synergy.status import TransitionError
from tests._clock import pin_utc
from tests._synergy_helpers import FakeResult, exchange, exchanges, seed_pair

ADVISOR = Actor("adele", "advisor")
A, B, C = Actor("alice", "firm", "A"), Actor("bruno", "firm", "B"), Actor("chloe", "firm", "C")
MANAGER = Actor("marc", "program_manager")
JAN, JUN = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


@pytest.fixture
def store(repo: Repository, make_firms, make_streams, firm_row, stream_row) -> SynergyRepository:
    seed_pair(repo, make_firms, make_streams, firm_row, stream_row)
    return SynergyRepository(repo)


@pytest.fixture
def sid(store: SynergyRepository) -> str:
    assert store.record_proposals(ADVISOR, FakeResult(exchanges(exchange("A-1", "B-1", "A", "B")))) == 1
    return store.synergies(ADVISOR)["synergy_id"].iat[0]


def _to_contacted(store: SynergyRepository, sid: str) -> None:
    store.transition(ADVISOR, sid, "qualified", owner_id="adele")
    store.transition(ADVISOR, sid, "contacted")


def test_walk_one_synergy_from_proposed_to_verified(store, sid):
    store.transition(
        ADVISOR,
        sid,
        "qualified",
        owner_id="adele",
        note="Bon potentiel",
        next_action_on=dt.date(2026, 12, 1),
        next_action="Appeler la scierie",
    )
    store.transition(ADVISOR, sid, "contacted")
    store.consent(A, sid, "accept")
    store.consent(B, sid, "accept")
    for to in ("in_discussion", "trial", "implemented"):
        store.transition(ADVISOR, sid, to)
    store.confirm_quantity(A, sid, period_start=JAN, period_end=JUN, quantity=50)
    store.confirm_quantity(B, sid, period_start=JAN, period_end=JUN, quantity=48)
    store.transition(ADVISOR, sid, "verified")

    row = store.synergies(ADVISOR).iloc[0]
    assert (row.status, row.stage_reached, row.owner_id) == ("verified", "verified", "adele")
    assert row.next_action == "Appeler la scierie" and "Bon potentiel" in row.notes
    check = store.verifications(ADVISOR).iloc[0]
    assert check.complete and check.counted_quantity == 48 and check.unit == "t"

    history = store.history(ADVISOR, sid).iloc[::-1]  # oldest first
    moves = history[(history.table_name == "synergies") & (history.action == "update")]
    assert [(m.before["status"], m.after["status"]) for m in moves.itertuples()] == [
        ("proposed", "qualified"),
        ("qualified", "contacted"),
        ("contacted", "in_discussion"),
        ("in_discussion", "trial"),
        ("trial", "implemented"),
        ("implemented", "verified"),
    ]
    assert set(history.actor_id[history.table_name == "synergies"]) == {"adele"}
    assert moves.iloc[0].after["note"] == "Bon potentiel" and moves.iloc[0].before["owner_id"] is None
    consents = history[history.table_name == "consents"]
    assert sorted(consents.actor_id) == ["alice", "bruno"]
    assert {c["side"] for c in consents.after} == {"supply", "demand"}
    checks = history[history.table_name == "verifications"]
    assert checks.after.tolist() == [
        {"period_start": "2026-01-01", "period_end": "2026-06-30", "supplier_quantity": 50.0},
        {"period_start": "2026-01-01", "period_end": "2026-06-30", "receiver_quantity": 48.0},
    ]
    assert checks.before.tolist()[1] == {"receiver_quantity": None}
    assert history.action.iloc[0] == "insert"  # the proposal itself


def test_illegal_transitions_are_refused_and_change_nothing(store, sid):
    with pytest.raises(TransitionError, match="not allowed"):
        store.transition(ADVISOR, sid, "contacted")  # skips qualified
    with pytest.raises(TransitionError, match="unknown status"):
        store.transition(ADVISOR, sid, "done")
    _to_contacted(store, sid)
    with pytest.raises(TransitionError, match="acceptance"):
        store.transition(ADVISOR, sid, "in_discussion")
    store.consent(A, sid, "accept")
    with pytest.raises(TransitionError, match="acceptance"):
        store.transition(ADVISOR, sid, "in_discussion")  # one side only
    store.consent(B, sid, "accept")
    store.transition(ADVISOR, sid, "in_discussion")
    store.transition(ADVISOR, sid, "implemented")  # the trial is optional
    with pytest.raises(TransitionError, match="confirmed"):
        store.transition(ADVISOR, sid, "verified")
    store.confirm_quantity(A, sid, period_start=JAN, period_end=JUN, quantity=50)
    with pytest.raises(TransitionError, match="confirmed"):
        store.transition(ADVISOR, sid, "verified")  # the receiver has not confirmed
    store.confirm_quantity(B, sid, period_start=JAN, period_end=JUN, quantity=50)
    with pytest.raises(TransitionError, match="reason"):
        store.transition(ADVISOR, sid, "verified", reason="cost")
    assert store.synergies(ADVISOR).status.iat[0] == "implemented"


def test_only_advisors_move_synergies(store, sid):
    for actor in (A, MANAGER):
        with pytest.raises(PermissionDenied):
            store.transition(actor, sid, "qualified")
    with pytest.raises(PermissionDenied):
        store.record_proposals(A, FakeResult(exchanges(exchange("A-1", "B-1", "A", "B"))))
    store.follow_up(ADVISOR, sid, note="Appeler Jeanne Tremblay")
    assert store.synergies(MANAGER).status.iat[0] == "proposed"
    assert store.synergies(MANAGER).notes.isna().all() and "Jeanne" in store.synergies(ADVISOR).notes.iat[0]
    denied = store._repo.audit(ADVISOR, action="denied")
    assert set(denied.actor_id) == {"alice", "marc"}


def test_rejection_needs_a_reason_keeps_the_stage_and_can_be_reopened(store, sid):
    _to_contacted(store, sid)
    with pytest.raises(TransitionError, match="reason"):
        store.transition(ADVISOR, sid, "rejected")
    with pytest.raises(TransitionError, match="reason"):
        store.transition(ADVISOR, sid, "rejected", reason="too_far")
    with pytest.raises(TransitionError, match="note"):
        store.transition(ADVISOR, sid, "rejected", reason="other")
    store.transition(ADVISOR, sid, "rejected", reason="distance", note="Trop loin pour la sciure humide")
    row = store.synergies(ADVISOR).iloc[0]
    assert (row.status, row.rejection_reason, row.stage_reached) == ("rejected", "distance", "contacted")
    last = store.history(ADVISOR, sid).iloc[0]
    assert last.before == {"status": "contacted", "rejection_reason": None}
    assert last.after == {
        "status": "rejected",
        "rejection_reason": "distance",
        "note": "Trop loin pour la sciure humide",
    }
    with pytest.raises(TransitionError):
        store.transition(ADVISOR, sid, "contacted")
    store.transition(ADVISOR, sid, "qualified")  # reopened
    assert store.synergies(ADVISOR).rejection_reason.iat[0] is None


def test_recording_again_refreshes_proposed_only(store, sid):
    again = FakeResult(exchanges(exchange("A-1", "B-1", "A", "B", flow_per_yr=90.0)))
    assert store.record_proposals(ADVISOR, again) == 1
    assert store.record_proposals(ADVISOR, again) == 0  # nothing changed
    assert store.synergies(ADVISOR).flow_per_yr.iat[0] == 90.0
    store.transition(ADVISOR, sid, "qualified")
    later = FakeResult(
        exchanges(exchange("A-1", "B-1", "A", "B", flow_per_yr=10.0), exchange("A-1", "C-1", "A", "C"))
    )
    assert store.record_proposals(ADVISOR, later) == 1  # only the new pair
    frame = store.synergies(ADVISOR).set_index("synergy_id")
    assert frame.loc[sid, "flow_per_yr"] == 90.0 and frame.loc[sid, "status"] == "qualified"
    assert len(frame) == 2


def test_audit_trail_cannot_be_altered(store, sid):
    for cls in (SynergyRepository, Repository):
        names = [n for n in dir(cls) if not n.startswith("_")]
        words = ("delete_audit", "update_audit", "edit", "purge")
        assert not [n for n in names if any(w in n for w in words)]
    before = store.history(ADVISOR, sid)
    engine = store._engine
    for statement in (
        update(AuditLog).values(action="nothing"),
        delete(AuditLog),
        text("UPDATE audit_log SET after = NULL"),
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(statement)
    with (
        pytest.raises(DBAPIError, match="append-only"),
        store._transaction(ADVISOR, "tamper", write=True) as conn,
    ):
        conn.execute(delete(AuditLog).where(AuditLog.row_key == sid))
    assert store.history(ADVISOR, sid).equals(before)


def test_a_firm_sees_only_its_qualified_synergies(store, sid):
    assert store.firm_proposals(A).empty  # not qualified yet: internal to the advisors
    with pytest.raises(PermissionDenied):
        store.consent(A, sid, "accept")
    store.transition(ADVISOR, sid, "qualified")
    assert store.firm_proposals(A).synergy_id.tolist() == [sid]
    assert store.firm_proposals(B).my_side.tolist() == ["demand"]
    assert store.firm_proposals(C).empty
    for attempt in (
        lambda: store.consent(C, sid, "accept"),
        lambda: store.reveal(C, sid),
        lambda: store.confirm_quantity(C, sid, period_start=JAN, period_end=JUN, quantity=1),
        lambda: store.synergies(C),
        lambda: store.history(C, sid),
        lambda: store.consent(C, "syn-doesnotexist", "accept"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert store.consents(C).empty and store.verifications(C).empty
    denied = store._repo.audit(ADVISOR, action="denied")
    assert (denied.actor_id == "chloe").sum() == 6


def test_counterparts_stay_anonymous_until_both_accept(store, sid):
    _to_contacted(store, sid)
    view = store.firm_proposals(A).iloc[0]
    shown = " ".join(map(str, view.to_numpy()))
    assert "Granules" not in shown and "B-1" not in shown and "Luc" not in shown
    # three firms only: with k = 5, where and how far the other firm is stays withheld
    assert view.distance_band == "withheld" and view.area_level == "withheld" and not view.revealed
    assert view.quantity_band == "100_1000" and view.counterpart_sector == ""
    with pytest.raises(PermissionDenied):
        store.reveal(A, sid)
    store.consent(A, sid, "accept")
    with pytest.raises(PermissionDenied):
        store.reveal(A, sid)
    store.consent(B, sid, "accept")
    assert store.firm_proposals(A).revealed.tolist() == [True]
    details = store.reveal(A, sid)
    assert details["name"] == "Granules du Lac" and details["contact_email"] == "lg@example.org"
    assert store.reveal(B, sid)["name"] == "Scierie Péribonka ltée"
    reveals = store.history(ADVISOR, sid).query("action == 'reveal'")
    assert sorted(reveals.firm_id) == ["A", "B"]
    assert sorted(r["counterpart_firm_id"] for r in reveals.after) == ["A", "B"]
    with pytest.raises(TransitionError, match="final"):
        store.consent(A, sid, "decline", reason="cost")


def test_decline_records_a_reason(store, sid):
    _to_contacted(store, sid)
    with pytest.raises(TransitionError, match="reason"):
        store.consent(B, sid, "decline")
    with pytest.raises(TransitionError, match="reason"):
        store.consent(B, sid, "accept", reason="cost")
    store.consent(B, sid, "decline", reason="quality", note="Trop humide")
    mine = store.consents(B)
    assert mine[["side", "decision", "reason", "note"]].values.tolist() == [
        ["demand", "decline", "quality", "Trop humide"]
    ]
    assert store.firm_proposals(B).my_reason.tolist() == ["quality"]
    store.consent(B, sid, "accept")  # a firm may change its mind before both accept
    last = store.history(ADVISOR, sid).iloc[0]
    assert last.before == {"decision": "decline"} and last.after["decision"] == "accept"


def test_quantities_are_confirmed_once_implemented(store, sid):
    _to_contacted(store, sid)
    with pytest.raises(TransitionError, match="implemented"):
        store.confirm_quantity(A, sid, period_start=JAN, period_end=JUN, quantity=5)
    store.consent(A, sid, "accept")
    store.consent(B, sid, "accept")
    store.transition(ADVISOR, sid, "in_discussion")
    store.transition(ADVISOR, sid, "implemented")
    with pytest.raises(TransitionError, match="period"):
        store.confirm_quantity(A, sid, period_start=JUN, period_end=JAN, quantity=5)
    with pytest.raises(TransitionError, match="quantity"):
        store.confirm_quantity(A, sid, period_start=JAN, period_end=JUN, quantity=-1)
    with pytest.raises(PermissionDenied):
        store.confirm_quantity(ADVISOR, sid, period_start=JAN, period_end=JUN, quantity=5)
    store.confirm_quantity(B, sid, period_start=JAN, period_end=JUN, quantity=40)
    frame = store.verifications(B)
    assert not frame.complete.iat[0] and frame.counted_quantity.isna().all()


def test_erasing_a_firm_erases_its_synergies(store, sid):
    _to_contacted(store, sid)
    store.consent(A, sid, "accept")
    store._repo.delete_firm(ADVISOR, "B")
    assert store.synergies(ADVISOR).empty and store.consents(ADVISOR).empty
    assert not store.history(ADVISOR, sid).empty  # the trail stays


def test_advisor_sets_agreed_parameters_and_the_ledger_uses_them(store, sid):
    from symbiosis.synergy.ledger import ledger_lines

    before = ledger_lines(store.synergies(ADVISOR)).set_index("indicator")
    assert store.set_parameters(ADVISOR, sid, revenue_cad_per_unit=5, road_distance_km=80)
    assert not store.set_parameters(ADVISOR, sid, revenue_cad_per_unit=5)
    with pytest.raises(ValueError, match="unknown"):
        store.set_parameters(ADVISOR, sid, kind=1)
    with pytest.raises(ValueError, match="finite"):
        store.set_parameters(ADVISOR, sid, revenue_cad_per_unit=-1)
    with pytest.raises(PermissionDenied):
        store.set_parameters(A, sid, revenue_cad_per_unit=9)
    after = ledger_lines(store.synergies(ADVISOR)).set_index("indicator")
    assert after.loc["revenue_cad", "value"] == 500.0
    assert after.loc["co2e_transport", "value"] == pytest.approx(2 * before.loc["co2e_transport", "value"])
    last = store.history(ADVISOR, sid).query("action == 'update'").iloc[0]
    assert last.before == {"parameters": {"revenue_cad_per_unit": 0.0, "road_distance_km": 40.0}}
    assert last.after == {"parameters": {"revenue_cad_per_unit": 5.0, "road_distance_km": 80.0}}


def test_a_period_ends_by_the_regions_day_not_the_servers(store, sid, monkeypatch):
    """At 23:30 on 30 June in Saguenay (1 July in UTC) a period ending 1 July has not ended yet."""
    pin_utc(monkeypatch)  # EVENING_UTC
    _to_contacted(store, sid)
    store.consent(A, sid, "accept")
    store.consent(B, sid, "accept")
    store.transition(ADVISOR, sid, "in_discussion")
    store.transition(ADVISOR, sid, "implemented")
    july_1, june_30 = dt.date(2025, 7, 1), dt.date(2025, 6, 30)
    with pytest.raises(TransitionError, match="not ended"):
        store.confirm_quantity(A, sid, period_start=dt.date(2025, 1, 1), period_end=july_1, quantity=5)
    store.confirm_quantity(A, sid, period_start=dt.date(2025, 1, 1), period_end=june_30, quantity=5)
    assert store.verifications(A)["period_end"].astype(str).tolist() == ["2025-06-30"]
