"""Access rules of the repository, on a two-firm fixture, for every role (SQLite and PostgreSQL).

firm: own firm and streams only; advisor: everything; program_manager: reads everything without
personal information, writes nothing; system: everything. Every refusal is audited.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from symbiosis.db import Actor, PermissionDenied
from symbiosis.db.accounts import AccountRepository


def _denials(t) -> list[dict]:
    frame = t.repo.audit(t.system, action="denied")
    return frame.to_dict("records")


def test_firm_reads_only_its_own_rows(two_firms):
    t = two_firms
    assert t.repo.firms(t.a).firm_id.tolist() == ["A"]
    assert t.repo.streams(t.a).stream_id.tolist() == ["A-1", "A-2"]
    assert t.repo.streams(t.b, direction="supply").stream_id.tolist() == ["B-2"]
    registry = t.repo.load_registry(t.a)
    assert registry.firms.firm_id.tolist() == ["A"] and set(registry.streams.firm_id) == {"A"}
    assert t.repo.firms(t.a).contact_name.item() == "Jeanne Tremblay"  # its own contact, unblanked


def test_firm_reading_another_firm_is_refused_and_audited(two_firms):
    t = two_firms
    with pytest.raises(PermissionDenied):
        t.repo.streams(t.a, firm_id="B")
    [denial] = _denials(t)
    assert denial["actor_id"] == "alice" and denial["row_key"] == "B"
    assert denial["after"]["operation"] == "read_streams"


def test_firm_writes_own_streams(two_firms, make_streams, stream_row):
    t = two_firms
    assert t.repo.upsert_streams(t.a, make_streams(stream_row("A-3", "A"))) == 1
    assert t.repo.update_stream(t.a, "A-3", quantity_per_yr=3.0)
    t.repo.delete_stream(t.a, "A-3")
    assert t.repo.audit(t.a, row_key="A-3").actor_id.tolist() == ["alice"] * 3


_FOREIGN_ATTEMPTS = {
    "insert-for-B": lambda t, h: t.repo.upsert_streams(t.a, h.streams(h.stream("new", "B"))),
    "take-over-B-1": lambda t, h: t.repo.upsert_streams(t.a, h.streams(h.stream("B-1", "A"))),
    "update-B-1": lambda t, h: t.repo.update_stream(t.a, "B-1", quantity_per_yr=1.0),
    "give-away": lambda t, h: t.repo.update_stream(t.a, "A-1", firm_id="B"),
    "delete-B-2": lambda t, h: t.repo.delete_stream(t.a, "B-2"),
    "firm-B": lambda t, h: t.repo.upsert_firms(t.a, h.firms(h.firm("B", "Pirate"))),
    "delete-own-firm": lambda t, h: t.repo.delete_firm(t.a, "A"),
    "create-user": lambda t, h: AccountRepository(t.repo).create_account(
        t.a, "eve", "password123", "advisor"
    ),
}


@pytest.mark.parametrize("attempt", list(_FOREIGN_ATTEMPTS))
def test_firm_writes_on_others_are_refused_audited_and_change_nothing(
    two_firms, make_streams, stream_row, make_firms, firm_row, attempt
):
    t = two_firms
    helpers = SimpleNamespace(streams=make_streams, stream=stream_row, firms=make_firms, firm=firm_row)
    firms, streams = t.repo.firms(t.system), t.repo.streams(t.system)
    with pytest.raises(PermissionDenied):
        _FOREIGN_ATTEMPTS[attempt](t, helpers)
    assert t.repo.firms(t.system).equals(firms) and t.repo.streams(t.system).equals(streams)
    [denial] = _denials(t)
    assert (denial["actor_id"], denial["actor_role"], denial["firm_id"]) == ("alice", "firm", "A")


def test_mixed_batch_is_refused_whole(two_firms, make_streams, stream_row):
    t = two_firms
    with pytest.raises(PermissionDenied):
        t.repo.upsert_streams(t.a, make_streams(stream_row("A-9", "A"), stream_row("B-9", "B")))
    assert "A-9" not in t.repo.streams(t.system).stream_id.tolist()
    assert _denials(t)[0]["row_key"] == "B-9"


def test_advisor_reads_and_writes_everything(two_firms, make_streams, stream_row):
    t = two_firms
    assert t.repo.firms(t.advisor).firm_id.tolist() == ["A", "B"]
    assert t.repo.firms(t.advisor).contact_name.tolist() == ["Jeanne Tremblay", "Luc Gagnon"]
    assert t.repo.upsert_streams(t.advisor, make_streams(stream_row("B-3", "B"))) == 1
    assert t.repo.update_stream(t.advisor, "A-1", firm_id="B")  # an advisor may move a stream
    t.repo.delete_stream(t.advisor, "B-3")
    assert _denials(t) == []


def test_program_manager_reads_all_without_personal_information(two_firms):
    t = two_firms
    firms = t.repo.firms(t.manager)
    assert firms.firm_id.tolist() == ["A", "B"]
    assert (firms[["contact_name", "contact_email", "contact_phone"]] == "").all().all()
    assert firms.name.tolist() == ["Scierie Péribonka ltée", "Serres Boréales"]
    assert len(t.repo.streams(t.manager)) == 4
    assert (t.repo.load_registry(t.manager).firms.contact_email == "").all()
    firms = t.repo.firms(t.system)
    firms.loc[firms.firm_id == "A", "contact_name"] = "Jeanne Tremblay-Côté"
    t.repo.upsert_firms(t.system, firms)
    [entry] = t.repo.audit(t.manager, table="firms", action="update").to_dict("records")
    assert entry["before"] == {"contact_name": ""} and entry["after"] == {"contact_name": ""}  # the trail too
    [full] = t.repo.audit(t.advisor, table="firms", action="update").to_dict("records")
    assert full["after"] == {"contact_name": "Jeanne Tremblay-Côté"}


def test_program_manager_writes_nothing(two_firms, make_streams, stream_row):
    t = two_firms
    for attempt in (
        lambda: t.repo.upsert_streams(t.manager, make_streams(stream_row("M-1", "A"))),
        lambda: t.repo.update_stream(t.manager, "A-1", quantity_per_yr=1.0),
        lambda: t.repo.delete_stream(t.manager, "A-1"),
        lambda: t.repo.record_import(t.manager, source_filename="x.csv", accepted=0, rejected=0),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert len(_denials(t)) == 4
    t.repo.log_event(t.manager, "export", details={"format": "xlsx"})  # but its exports are audited
    assert t.repo.audit(t.system, action="export").actor_id.tolist() == ["marc"]


def test_firm_sees_only_its_own_audit_trail_and_imports(two_firms):
    t = two_firms
    t.repo.record_import(t.a, source_filename="a.csv", accepted=1, rejected=0)
    t.repo.record_import(t.system, source_filename="all.csv", accepted=9, rejected=0)
    assert t.repo.import_batches(t.a).source_filename.tolist() == ["a.csv"]
    assert len(t.repo.import_batches(t.advisor)) == 2
    assert set(t.repo.audit(t.a).firm_id) == {"A"}
    assert set(t.repo.audit(t.advisor).firm_id) >= {"A", "B"}


def test_log_event_cannot_forge_repository_actions(two_firms):
    t = two_firms
    for action in ("insert", "update", "delete", "denied", "login", ""):
        with pytest.raises(ValueError):
            t.repo.log_event(t.advisor, action)


def test_audit_trail_cannot_be_altered_through_the_repository(two_firms):
    t = two_firms
    writers = [n for n in dir(t.repo) if not n.startswith("_") and "audit" in n]
    assert writers == ["audit", "verify_audit"]  # both only read
    forbidden = ("update_audit", "delete_audit", "clear_audit", "purge", "truncate")
    assert not [n for n in dir(t.repo) if n.startswith(forbidden)]
    before = t.repo.audit(t.system, limit=None)
    frame = t.repo.audit(t.system, limit=None)
    frame.loc[:, "action"] = "tampered"  # the returned frame is a copy
    assert t.repo.audit(t.system, limit=None).equals(before)


def test_actor_validation():
    with pytest.raises(ValueError):
        Actor("x", "firm")  # a firm actor needs its firm
    with pytest.raises(ValueError):
        Actor("x", "advisor", "A")
    with pytest.raises(ValueError):
        Actor("x", "superuser")
    assert Actor.system().role == "system"
