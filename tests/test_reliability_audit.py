"""Every route to rewrite the audit trail fails or is caught by ``symbiosis audit verify`` (#12, item 6).

SQLite: ``INSERT OR REPLACE`` and unsealed inserts are refused by triggers; whoever holds the file can
drop the triggers, and then every change, removal, insertion or re-sealing without the key is found
by the chain (a cut tail by the anchor). PostgreSQL: the app connects as a role that owns nothing;
update, delete, truncate, disabling or dropping a trigger and replica mode are refused; a forged row
is caught by the chain; the owner's own rewrites too. Through the repository: no method writes an
entry, ``log_event`` cannot reach a synergy's history, and a firm reads only entries about itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from symbiosis.db import Actor, Repository
from symbiosis.db.audit_chain import GENESIS, canonical
from symbiosis.db.models import AuditLog

pytestmark = pytest.mark.reliability

SYSTEM = Actor.system("pytest")
FORGED = (
    "INSERT INTO audit_log (at, actor_id, actor_role, action, table_name, row_key, firm_id, prev_hash, "
    "entry_hash) VALUES ('2026-01-01 00:00:00', 'adele', 'advisor', 'update', 'synergies', 'syn-x', "
    "NULL, :prev, :hash)"
)


def _fill(repo: Repository, make_firms, firm_row, make_streams, stream_row) -> None:
    repo.upsert_firms(SYSTEM, make_firms(firm_row("A", "Alu"), firm_row("B", "Bois")))
    repo.upsert_streams(SYSTEM, make_streams(stream_row("A-1", "A"), stream_row("B-1", "B", "demand")))
    repo.update_stream(SYSTEM, "A-1", description="Copeaux")
    repo.log_event(SYSTEM, "export", details={"format": "csv"})
    assert repo.verify_audit(SYSTEM).ok


def _ids(repo: Repository) -> list[int]:
    return sorted(repo.audit(SYSTEM, limit=None)["audit_id"])


def _verify_cli(url: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "symbiosis", "audit", "verify", "--db", url, *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'registry.db'}"


@pytest.fixture
def filled(sqlite_url, make_firms, firm_row, make_streams, stream_row):
    repo = Repository.from_url(sqlite_url)
    _fill(repo, make_firms, firm_row, make_streams, stream_row)
    yield repo
    repo.close()


def _raw(url: str):
    return create_engine(url)  # a plain connection: no pragma, no repository, like a hostile script


# -- SQLite -----------------------------------------------------------------------------------------


def test_sqlite_insert_or_replace_is_refused(filled, sqlite_url):
    first = _ids(filled)[0]
    with pytest.raises(DBAPIError, match="append-only"), _raw(sqlite_url).begin() as conn:
        conn.execute(
            text(
                "INSERT OR REPLACE INTO audit_log (audit_id, at, actor_id, actor_role, action, "
                "entry_hash) VALUES (:id, '2026-01-01', 'x', 'system', 'noop', 'h')"
            ),
            {"id": first},
        )
    assert filled.verify_audit(SYSTEM).ok


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor_id = 'mallory'",
        "DELETE FROM audit_log",
        "REPLACE INTO audit_log (audit_id, at, actor_id, actor_role, action, "
        "entry_hash) SELECT audit_id, at, 'm', actor_role, action, 'h' "
        "FROM audit_log",
    ],
)
def test_sqlite_update_delete_and_replace_are_refused(filled, sqlite_url, statement):
    with pytest.raises(DBAPIError, match="append-only"), _raw(sqlite_url).begin() as conn:
        conn.execute(text(statement))


def test_an_entry_without_a_seal_is_refused(filled, sqlite_url):
    with pytest.raises(DBAPIError, match="no seal"), _raw(sqlite_url).begin() as conn:
        conn.execute(text(FORGED), {"prev": None, "hash": None})


def test_orm_update_and_merge_are_refused(filled):
    with Session(filled.engine) as session:
        entry = session.get(AuditLog, _ids(filled)[0])
        entry.actor_id = "mallory"
        with pytest.raises(DBAPIError, match="append-only"):
            session.commit()
        session.rollback()
        session.merge(
            AuditLog(
                audit_id=_ids(filled)[1],
                at=entry.at,
                actor_id="m",
                actor_role="system",
                action="noop",
                entry_hash="h",
            )
        )
        with pytest.raises(DBAPIError, match="append-only"):
            session.commit()


def _without_triggers(url: str, *statements: str, params: dict | None = None) -> None:
    with _raw(url).begin() as conn:
        for trigger in (
            "audit_log_no_update",
            "audit_log_no_delete",
            "audit_log_no_replace",
            "audit_log_sealed",
        ):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        for statement in statements:
            conn.execute(text(statement), params or {})


def test_sqlite_with_triggers_dropped_a_changed_entry_is_found(filled, sqlite_url):
    target = _ids(filled)[2]
    _without_triggers(sqlite_url, f"UPDATE audit_log SET actor_id = 'mallory' WHERE audit_id = {target}")
    report = filled.verify_audit(SYSTEM)
    assert not report.ok and report.broken_at == target and "content" in report.reason
    result = _verify_cli(sqlite_url)
    assert result.returncode == 1 and f"#{target}" in result.stdout and "n° " in result.stdout


def test_sqlite_with_triggers_dropped_a_removed_entry_is_found(filled, sqlite_url):
    ids = _ids(filled)
    _without_triggers(sqlite_url, f"DELETE FROM audit_log WHERE audit_id = {ids[1]}")
    report = filled.verify_audit(SYSTEM)
    assert report.broken_at == ids[2] and "removed" in report.reason


def test_a_forged_entry_is_found_even_with_a_plausible_hash(filled, sqlite_url):
    head = filled.verify_audit(SYSTEM).head
    fake = {
        "at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        "actor_id": "adele",
        "actor_role": "advisor",
        "action": "update",
        "table_name": "synergies",
        "row_key": "syn-x",
        "firm_id": None,
        "before": None,
        "after": None,
    }
    plain = hashlib.sha256(head.encode() + b"\n" + canonical(fake)).hexdigest()  # no key: a plain hash
    with _raw(sqlite_url).begin() as conn:
        conn.execute(text(FORGED), {"prev": head, "hash": plain})
    report = filled.verify_audit(SYSTEM)
    assert not report.ok and report.broken_at == max(_ids(filled))


def test_a_chain_rewritten_without_the_key_is_found(filled, sqlite_url):
    rows = filled.audit(SYSTEM, limit=None).sort_values("audit_id")
    statements, prev = [], GENESIS
    for row in rows.to_dict("records"):
        target = row["audit_id"] == rows["audit_id"].iloc[1]
        entry = {**row, "actor_id": "mallory" if target else row["actor_id"]}
        new = hashlib.sha256(prev.encode() + b"\n" + canonical(entry)).hexdigest()
        statements.append(
            f"UPDATE audit_log SET actor_id = '{entry['actor_id']}', prev_hash = '{prev}', "
            f"entry_hash = '{new}' WHERE audit_id = {row['audit_id']}"
        )
        prev = new
    _without_triggers(sqlite_url, *statements)
    assert filled.verify_audit(SYSTEM).broken_at == rows["audit_id"].iloc[0]


def test_a_cut_tail_is_found_by_the_anchor(filled, sqlite_url):
    anchor = filled.verify_audit(SYSTEM).head
    _without_triggers(sqlite_url, f"DELETE FROM audit_log WHERE audit_id = {max(_ids(filled))}")
    assert filled.verify_audit(SYSTEM).ok  # the chain alone cannot see a cut tail…
    report = filled.verify_audit(SYSTEM, anchor=anchor)
    assert not report.ok and report.anchor_found is False  # …the anchor noted earlier does
    assert _verify_cli(sqlite_url, "--anchor", anchor).returncode == 1


def test_verify_cli_reports_an_intact_trail(filled, sqlite_url):
    result = _verify_cli(sqlite_url, "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["ok"] and out["entries"] == len(_ids(filled)) and len(out["head"]) == 64


def test_entries_from_before_the_chain_are_its_first_links(tmp_path, make_firms, firm_row):
    from symbiosis.db import migrate

    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate(url, revision="0002_synergies")
    with _raw(url).begin() as conn:  # a trail written by the previous version
        for i in range(3):
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, actor_id, actor_role, action) VALUES "
                    f"('2026-01-0{i + 1} 00:00:00', 'old', 'system', 'insert')"
                )
            )
    repo = Repository.from_url(url)
    repo.upsert_firms(SYSTEM, make_firms(firm_row("A", "Alu")))
    report = repo.verify_audit(SYSTEM)
    assert report.ok and report.unsealed == 3 and report.entries == 4
    _without_triggers(url, "UPDATE audit_log SET actor_id = 'mallory' WHERE audit_id = 2")
    assert repo.verify_audit(SYSTEM).broken_at == 4  # the first sealed entry vouches for the old ones
    repo.close()


# -- PostgreSQL: the app's role owns nothing ---------------------------------------------------------------


@pytest.fixture
def pg(postgres_url, postgres_app_url, make_firms, firm_row, make_streams, stream_row):
    repo = Repository.from_url(postgres_app_url, owner_url=postgres_url)
    _fill(repo, make_firms, firm_row, make_streams, stream_row)
    yield repo
    repo.close()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor_id = 'mallory'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete",
        "DROP TRIGGER audit_log_no_update_delete ON audit_log",
        "DROP TABLE audit_log",
        "SET session_replication_role = replica",
        "INSERT INTO audit_log (audit_id, at, actor_id, actor_role, action, entry_hash) "
        "SELECT audit_id, at, 'm', actor_role, action, 'h' FROM audit_log "
        "ON CONFLICT (audit_id) DO UPDATE SET actor_id = 'mallory'",
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RETURN NEW; END $$",
    ],
)
def test_postgres_app_role_cannot_rewrite_or_unprotect_the_trail(pg, statement):
    before = _ids(pg)
    with pytest.raises(DBAPIError), pg.engine.begin() as conn:
        conn.execute(text(statement))
    assert _ids(pg) == before and pg.verify_audit(SYSTEM).ok


@pytest.mark.postgres
def test_postgres_app_role_is_not_the_owner(pg, postgres_url):
    with pg.engine.connect() as conn:
        me = conn.exec_driver_sql("SELECT current_user").scalar()
        owner = conn.exec_driver_sql(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log' AND schemaname = current_schema()"
        ).scalar()
        superuser = conn.exec_driver_sql(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).scalar()
    assert me == "symbiosis_app" and owner != me and not superuser


@pytest.mark.postgres
def test_postgres_forged_rows_are_refused_or_found(pg):
    with pytest.raises(DBAPIError, match="no seal"), pg.engine.begin() as conn:
        conn.execute(text(FORGED), {"prev": None, "hash": None})
    head = pg.verify_audit(SYSTEM).head
    with pg.engine.begin() as conn:
        conn.execute(text(FORGED), {"prev": head, "hash": "f" * 64})
    report = pg.verify_audit(SYSTEM)
    assert not report.ok and report.broken_at == max(_ids(pg))


@pytest.mark.postgres
def test_postgres_owner_rewrites_are_found(pg, postgres_url):
    target = _ids(pg)[1]
    with create_engine(postgres_url).begin() as conn:  # the owner (a superuser here) can do anything…
        conn.exec_driver_sql("SET session_replication_role = replica")
        conn.exec_driver_sql(f"UPDATE audit_log SET actor_id = 'mallory' WHERE audit_id = {target}")
    assert pg.verify_audit(SYSTEM).broken_at == target  # …and the chain shows it


# -- Through the repository ---------------------------------------------------------------------------


def test_no_repository_method_writes_an_entry_with_another_actor(two_firms):
    t = two_firms
    t.repo.log_event(t.a, "export", details={"format": "csv"})
    [entry] = t.repo.audit(t.system, action="export").to_dict("records")
    assert (entry["actor_id"], entry["actor_role"], entry["firm_id"]) == ("alice", "firm", "A")
    t.repo.log_event(t.advisor, "export", firm_id="B")  # an advisor may file an event under a firm
    assert t.repo.audit(t.b, action="export")["actor_id"].tolist() == ["adele"]
    t.repo.log_event(t.a, "export", firm_id="B")  # a firm may not: its events are its own
    assert t.repo.audit(t.b, action="export")["actor_id"].tolist() == ["adele"]


@pytest.mark.parametrize(
    "table",
    ["synergies", "consents", "verifications", "streams", "firms", "users", "audit_log", "import_batches"],
)
def test_log_event_cannot_write_into_a_table_history(two_firms, table):
    with pytest.raises(ValueError, match="table"):
        two_firms.repo.log_event(two_firms.advisor, "note", table=table, row_key="syn-123")


# -- A firm reads its own trail, and nothing about another firm (#12.9) ---------------------------------


def _other_firm_mentions(frame, ids: set[str]) -> list:
    found = []
    for entry in frame.to_dict("records"):
        text = json.dumps([entry["row_key"], entry["before"], entry["after"]], default=str)
        found += [(entry["action"], i) for i in ids if f'"{i}"' in text or f"'{i}'" in text]
    return found


def test_a_firm_audit_never_names_another_firm(repo, make_firms, make_streams, firm_row, stream_row):
    from symbiosis.db import PermissionDenied
    from symbiosis.services.synergy_store import SynergyRepository
    from tests._synergy_helpers import FakeResult, exchange, exchanges, seed_pair

    seed_pair(repo, make_firms, make_streams, firm_row, stream_row)
    store, advisor = SynergyRepository(repo), Actor("adele", "advisor")
    a, b = Actor("alice", "firm", "A"), Actor("bruno", "firm", "B")
    store.record_proposals(advisor, FakeResult(exchanges(exchange("A-1", "B-1", "A", "B"))))
    [sid] = store.synergies(advisor)["synergy_id"]
    store.transition(advisor, sid, "qualified")
    store.consent(a, sid, "accept")
    store.consent(b, sid, "accept")
    assert store.reveal(a, sid)["firm_id"] == "B"
    for attempt in (
        lambda: repo.streams(a, firm_id="B"),
        lambda: repo.update_stream(a, "B-1", description="x"),
        lambda: repo.delete_stream(a, "B-1"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    own = repo.audit(a, limit=None)
    assert set(own["firm_id"]) == {"A"} and {"reveal", "denied", "insert"} <= set(own["action"])
    assert _other_firm_mentions(own, {"B", "B-1", "bruno", "Granules du Lac"}) == []
    full = repo.audit(advisor, action="reveal")  # the advisor still sees whom was revealed to whom
    assert full["after"].iloc[0]["counterpart_firm_id"] == "B"


def test_not_found_and_not_yours_answer_alike_to_a_firm(two_firms):
    from symbiosis.db import PermissionDenied

    t = two_firms
    answers = []
    for stream_id in ("B-1", "NO-SUCH-STREAM"):
        for call in (
            lambda s: t.repo.update_stream(t.a, s, description="x"),
            lambda s: t.repo.delete_stream(t.a, s),
        ):
            with pytest.raises(PermissionDenied) as refused:
                call(stream_id)
            answers.append(str(refused.value))
    assert answers[0] == answers[2] and answers[1] == answers[3]  # same words, existing or not
    assert "B-1" not in " ".join(answers)
