"""Accounts: password hashing, creation rules, sign-in, and that sign-ins are audited."""

from __future__ import annotations

import pytest

from symbiosis.db import Actor, hash_password, verify_password
from symbiosis.db.accounts import AccountRepository


def test_hash_is_salted_and_verifies():
    first, second = hash_password("Péribonka 2026"), hash_password("Péribonka 2026")
    assert first != second and first.startswith("scrypt$")
    assert verify_password(first, "Péribonka 2026")
    assert not verify_password(first, "péribonka 2026")
    assert not verify_password("garbage", "anything") and not verify_password("md5$x$y$z$a$b", "x")
    with pytest.raises(ValueError, match="8 characters"):
        hash_password("short")


def test_create_user_and_authenticate(two_firms):
    t = two_firms
    AccountRepository(t.repo).create_account(
        t.advisor, "alice", "correct horse", "firm", "A", display_name="Alice Côté"
    )
    AccountRepository(t.repo).create_account(t.system, "marc", "battery staple", "program_manager")
    assert AccountRepository(t.repo).sign_in("alice", "correct horse").actor == Actor("alice", "firm", "A")
    assert AccountRepository(t.repo).sign_in("marc", "battery staple").actor == Actor(
        "marc", "program_manager"
    )
    assert AccountRepository(t.repo).sign_in("alice", "wrong password").actor is None
    assert AccountRepository(t.repo).sign_in("nobody", "correct horse").actor is None
    logins = t.repo.audit(t.system, table="users", action=None).set_index("audit_id").sort_index()
    assert logins.action.tolist() == ["insert", "insert", "login", "login", "login_failed", "login_failed"]
    assert logins.actor_role.tolist()[-2:] == ["anonymous", "anonymous"]
    assert not any("password" in str(v) for v in logins.after)  # no hash, no password in the trail


def test_user_listing_hides_hashes_and_respects_roles(two_firms):
    t = two_firms
    AccountRepository(t.repo).create_account(
        t.system, "alice", "correct horse", "firm", "A", display_name="Alice Côté"
    )
    AccountRepository(t.repo).create_account(t.system, "bruno", "correct horse", "firm", "B")
    everyone = t.repo.users(t.advisor)
    assert everyone.user_id.tolist() == ["alice", "bruno"] and "password_hash" not in everyone.columns
    assert t.repo.users(t.a).user_id.tolist() == ["alice"]
    assert t.repo.users(t.manager).display_name.tolist() == ["", ""]
    assert everyone.created_at.dt.tz is not None


def test_a_program_manager_reads_its_own_display_name_but_no_one_elses(two_firms):
    """The sidebar greets the signed-in person by name: a manager saw its bare user id instead."""
    t = two_firms
    accounts = AccountRepository(t.repo)
    accounts.create_account(t.system, "alice", "correct horse", "firm", "A", display_name="Alice Côté")
    accounts.create_account(
        t.system, "marc", "battery staple", "program_manager", display_name="Marc Tremblay"
    )
    names = t.repo.users(t.manager).set_index("user_id")["display_name"].to_dict()
    assert names == {"alice": "", "marc": "Marc Tremblay"}


@pytest.mark.parametrize(
    ("role", "firm_id", "password", "message"),
    [
        ("firm", None, "long enough", "firm_id"),
        ("advisor", "A", "long enough", "firm_id"),
        ("system", None, "long enough", "unknown user role"),
        ("advisor", None, "short", "8 characters"),
    ],
)
def test_create_user_refuses_bad_accounts(two_firms, role, firm_id, password, message):
    with pytest.raises(ValueError, match=message):
        AccountRepository(two_firms.repo).create_account(two_firms.system, "x", password, role, firm_id)


def test_duplicate_user_is_refused(two_firms):
    t = two_firms
    AccountRepository(t.repo).create_account(t.system, "alice", "correct horse", "advisor")
    with pytest.raises(ValueError, match="already exists"):
        AccountRepository(t.repo).create_account(t.system, "alice", "another one", "advisor")
    assert AccountRepository(t.repo).sign_in("alice", "correct horse").actor is not None
