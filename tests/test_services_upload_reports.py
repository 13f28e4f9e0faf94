"""The last upload's report is kept with the signed-in session: it reads back whole, only by that
session, and ends at sign-out, when the account is disabled and when its password is reset.

Run on SQLite and PostgreSQL (the ``two_firms`` fixture).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from symbiosis.db import Actor
from symbiosis.db.accounts import AccountRepository
from symbiosis.db.models_security import SessionDraft
from symbiosis.i18n import Text
from symbiosis.ingest import rejected_file
from symbiosis.mutual.ingest import validate_mutual_bytes
from symbiosis.services.firm_self_service import upload_streams
from symbiosis.services.upload_reports import (
    MAX_KEPT_BYTES,
    MAX_KEPT_ROWS,
    KeptUpload,
    Truncation,
    keep_upload_reports,
    kept_upload,
    read_upload_reports,
    uploads_from_json,
    uploads_to_json,
)
from tests._hostile import forged_token

SYSTEM = Actor.system("pytest")
NAME = "firm_upload.A"
BAD_ROW = (
    "id_flux;id_entreprise;sens;categorie;description;quantite;unite\n"
    "A-10;A;offre;wood_bark;écorces fraîches;2 500;t/an\n"
    "A-11;A;offre;wood_bark;écorces « sèches »;beaucoup;t/an\n"
).encode()


@pytest.fixture
def accounts(two_firms) -> AccountRepository:
    accounts = AccountRepository(two_firms.repo)
    accounts.create_account(SYSTEM, "alice", "correct horse", "firm", "A")
    accounts.create_account(SYSTEM, "alain", "battery staple", "firm", "A")
    accounts.create_account(SYSTEM, "adele", "battery staple", "advisor")
    return accounts


@pytest.fixture
def upload(two_firms) -> KeptUpload:
    outcome = upload_streams(two_firms.repo, two_firms.a, BAD_ROW, "mes flux.csv", time_budget_s=None)
    assert outcome.batch is not None
    return kept_upload("mes flux.csv", refused=outcome.refused, result=outcome.batch.streams)


def _stored(accounts: AccountRepository) -> int:
    with accounts._connect(write=False) as conn:
        return conn.execute(select(func.count()).select_from(SessionDraft)).scalar_one()


def test_an_upload_report_reads_back_whole_with_its_rejected_rows(upload):
    [back] = uploads_from_json(uploads_to_json([upload]))
    assert back.filename == "mes flux.csv" and back.refused is None
    assert back.result.report == upload.result.report
    assert back.result.report.summary("fr").startswith("2 lignes lues : 1 acceptée, 1 rejetée")
    assert back.result.valid.empty  # the valid rows are in the registry, not kept twice
    assert rejected_file(back.result) == rejected_file(upload.result)  # the same file to download
    assert "beaucoup" in rejected_file(back.result).decode("utf-8-sig")


def test_several_files_read_back_in_order_with_their_table_and_what_storing_did():
    refused = Text("Rien n'a été enregistré.", "Nothing was saved.")
    stored = Text("1 ligne ajoutée.", "1 row added.")
    kept = [
        kept_upload("x.xlsx", refused=refused, result=None),
        kept_upload("achats.csv", refused=None, result=None, table="purchases", summary=stored),
    ]
    assert uploads_from_json(uploads_to_json(kept)) == (
        KeptUpload("x.xlsx", refused),
        KeptUpload("achats.csv", None, None, "purchases", stored),
    )


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "{",
        "[]",
        '{"version": 2, "uploads": []}',
        '{"version": 1}',
        '{"version": 1, "uploads": [{"filename": 3}]}',
        '{"version": 1, "uploads": [7]}',
        '{"version": 1, "uploads": [{"filename": "x", "report": {"issues": []}, "rejected": {}}]}',
    ],
)
def test_a_kept_report_that_does_not_read_is_none_not_an_error(text):
    assert uploads_from_json(text) == ()


def test_the_report_is_read_by_its_session_only(two_firms, accounts, upload):
    mine = accounts.start_session(two_firms.a)
    tab = accounts.start_session(two_firms.a)  # the same person, another tab or browser
    colleague = accounts.start_session(Actor("alain", "firm", "A"))  # same firm, another person
    advisor = accounts.start_session(Actor("adele", "advisor"))
    assert keep_upload_reports(accounts, mine, NAME, [upload])
    [back] = read_upload_reports(accounts, mine, NAME)
    assert back.result.report == upload.result.report
    assert rejected_file(back.result) == rejected_file(upload.result)
    for other in (tab, colleague, advisor, None, forged_token(mine)):
        assert read_upload_reports(accounts, other, NAME) == ()
    assert read_upload_reports(accounts, mine, "firm_upload.B") == ()
    assert not keep_upload_reports(accounts, None, NAME, [upload])  # no session, nothing stored


def test_dismissing_the_report_deletes_it(two_firms, accounts, upload):
    mine = accounts.start_session(two_firms.a)
    keep_upload_reports(accounts, mine, NAME, [upload])
    assert keep_upload_reports(accounts, mine, NAME, [])
    assert read_upload_reports(accounts, mine, NAME) == ()
    assert _stored(accounts) == 0


@pytest.mark.parametrize("how", ["sign_out", "disable", "reset_password"])
def test_the_report_is_deleted_when_the_session_ends(two_firms, accounts, upload, how):
    mine = accounts.start_session(two_firms.a)
    colleague = accounts.start_session(Actor("alain", "firm", "A"))
    keep_upload_reports(accounts, mine, NAME, [upload])
    keep_upload_reports(accounts, colleague, NAME, [upload])
    if how == "sign_out":
        accounts.end_session(two_firms.a, mine)
    elif how == "disable":
        accounts.set_disabled(Actor("adele", "advisor"), "alice", True)
    else:
        accounts.reset_password(Actor("adele", "advisor"), "alice", "a new long password")
    assert read_upload_reports(accounts, mine, NAME) == ()
    assert _stored(accounts) == 1  # deleted from the database, not only unreadable; the colleague's stays
    assert read_upload_reports(accounts, colleague, NAME) != ()


def _purchases(n_bad: int, *, description: str = "Gants") -> KeptUpload:
    """A levers' purchases file of one valid row and ``n_bad`` rows refused for their quantity."""
    lines = [
        "id_achat;id_entreprise;categorie;description;quantite;unite;prix",
        "PA0;A;nitrile_gloves;Gants;5;boîte;1",
    ]
    lines += [f"PX{i};A;nitrile_gloves;{description};beaucoup;boîte;1" for i in range(n_bad)]
    result = validate_mutual_bytes("\n".join(lines).encode(), "purchases", known_firm_ids={"A"})
    assert result.report.n_rejected == n_bad
    return kept_upload("achats.csv", refused=None, result=result, table="purchases")


def test_a_huge_rejected_file_keeps_its_first_rows_with_their_messages_and_says_it_was_cut(
    two_firms, accounts
):
    upload = _purchases(3_000)
    mine = accounts.start_session(two_firms.a)
    assert keep_upload_reports(accounts, mine, NAME, [upload])
    [back] = read_upload_reports(accounts, mine, NAME)
    assert back.truncated == Truncation(MAX_KEPT_ROWS, 3_000, MAX_KEPT_ROWS + 2)  # rows 3 to 502
    assert back.result.report.n_rows == 3_001 and back.result.report.n_rejected == 3_000  # true counts
    assert back.result.rejected["id_achat"].tolist() == [f"PX{i}" for i in range(MAX_KEPT_ROWS)]
    kept_rows = {i.row for i in back.result.report.errors}
    assert kept_rows == set(range(3, MAX_KEPT_ROWS + 3))  # every kept row with its message, no other
    note = back.truncated.note()
    assert "500 lignes refusées sur 3 000" in note.fr.replace("\u202f", " ").replace("\u00a0", " ")
    assert "500 refused rows of 3,000" in note.en and "upload the same file again" in note.en
    assert "jusqu'à la ligne 502" in note.fr


def test_long_cells_keep_the_stored_report_under_its_byte_cap_and_the_kept_rows_whole():
    upload = _purchases(300, description="é" * 4_900)  # 300 rows of 10 KB: 3 MB as read
    text = uploads_to_json([upload])
    assert len(text.encode("utf-8")) <= MAX_KEPT_BYTES
    [back] = uploads_from_json(text)
    assert 0 < back.truncated.rows_kept < 300 and back.truncated.rows_total == 300
    assert len(back.result.rejected) == back.truncated.rows_kept
    assert set(back.result.rejected["description"]) == {"é" * 4_900}  # the file to fix stays whole
    assert all(len(i.found or "") <= 201 for i in back.result.report.issues)  # shown, not stored whole
    assert {i.row for i in back.result.report.errors} == set(range(3, back.truncated.rows_kept + 3))


def test_a_report_under_the_caps_is_kept_whole_and_not_marked_cut():
    upload = _purchases(MAX_KEPT_ROWS)
    [back] = uploads_from_json(uploads_to_json([upload]))
    assert back.truncated is None and back.result.report == upload.result.report
    assert rejected_file(back.result) == rejected_file(upload.result)
