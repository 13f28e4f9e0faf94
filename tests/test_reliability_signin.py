"""Sign-in resists guessing across fresh sessions; sessions are signed, expire and end at sign-out (#12.4).

A fake clock drives the throttle: five failures are free, then one attempt per 10 s, 20 s, 40 s…
per account (known or not), a lock after ten that an advisor lifts, a milder limit per source.
Disabled accounts, reset passwords, demo accounts on real data, forged and expired tokens are
refused. The scrypt cost is OWASP's, and an older hash is re-hashed at sign-in.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text, update

from symbiosis.db import Actor, Repository, passwords
from symbiosis.db.accounts import AccountRepository
from symbiosis.db.models import User
from symbiosis.db.signin import ThrottlePolicy
from tests._hostile import forged_token

pytestmark = pytest.mark.reliability

ADVISOR = Actor("adele", "advisor")
SYSTEM = Actor.system("pytest")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(two_firms, clock) -> AccountRepository:
    repo = two_firms.repo
    accounts = AccountRepository(repo, clock=clock)
    accounts.create_account(SYSTEM, "alice", "correct horse", "firm", "A")
    accounts.create_account(SYSTEM, "adele", "battery staple", "advisor")
    return accounts


def _outcomes(accounts, user_id, password, n, *, source="local", step_s=0.0, clock=None):
    out = []
    for _ in range(n):
        out.append(accounts.sign_in(user_id, password, source=source).outcome)
        if clock is not None:
            clock.advance(step_s)
    return out


def test_the_policy_backs_off_exponentially():
    policy = ThrottlePolicy()
    assert [policy.delay_s(f, free=5) for f in range(4, 10)] == [0, 10, 20, 40, 80, 160]
    assert policy.delay_s(40, free=5) == 15 * 60
    assert policy.delay_s(30, free=20, cap=policy.source_max_delay_s) == 60


@pytest.mark.parametrize("user_id", ["alice", "nobody-here"], ids=["known", "unknown"])
def test_after_five_failures_one_guess_per_ten_seconds_then_doubling(accounts, clock, user_id):
    assert _outcomes(accounts, user_id, "wrong guess", 5) == ["failed"] * 5
    assert accounts.sign_in(user_id, "correct horse").outcome == "throttled"  # even the right one
    result = accounts.sign_in(user_id, "wrong guess")
    assert result.outcome == "throttled" and result.wait_s == 10
    clock.advance(9.5)
    assert accounts.sign_in(user_id, "wrong guess").outcome == "throttled"
    clock.advance(0.5)
    assert accounts.sign_in(user_id, "wrong guess").outcome == "failed"  # the 6th check, 10 s later
    clock.advance(19)
    assert accounts.sign_in(user_id, "wrong guess").wait_s == 1  # then 20 s
    clock.advance(1)
    assert accounts.sign_in(user_id, "wrong guess").outcome == "failed"


def test_guessing_over_an_hour_checks_at_most_a_handful_of_passwords(accounts, clock):
    checked = sum(
        o == "failed" for o in _outcomes(accounts, "alice", "guess-guess", 3600, clock=clock, step_s=1.0)
    )
    assert checked <= 5 + 5  # 5 free, then at 10, 30, 70, 150, 310 s… and the lock at the 10th
    assert accounts.sign_in("alice", "correct horse").outcome == "locked"


def test_a_locked_account_waits_for_an_advisor(accounts, clock):
    fast = AccountRepository(accounts._repo, clock=clock, policy=ThrottlePolicy(base_delay_s=0.0))
    assert _outcomes(fast, "alice", "wrong guess", 10)[-1] == "locked"
    clock.advance(10 * 24 * 3600)
    assert fast.sign_in("alice", "correct horse").outcome == "locked"
    listing = accounts.accounts(ADVISOR).set_index("user_id")
    assert listing.loc["alice", "locked"] and listing.loc["alice", "failures"] == 10
    with pytest.raises(PermissionError):
        accounts.unlock(Actor("alice", "firm", "A"), "alice")
    accounts.unlock(ADVISOR, "alice")
    assert fast.sign_in("alice", "correct horse").outcome == "ok"
    actions = accounts._repo.audit(SYSTEM, row_key="alice")["action"].tolist()
    assert actions.count("login_failed") == 10 and "update" in actions and actions[0] == "login"


def test_a_source_spraying_many_accounts_is_slowed(accounts, clock):
    for n in range(20):  # 20 different user ids, one guess each, from one address
        assert accounts.sign_in(f"user{n}", "spray-spray", source="203.0.113.9").outcome == "failed"
    assert accounts.sign_in("alice", "correct horse", source="203.0.113.9").outcome == "throttled"
    assert accounts.sign_in("alice", "correct horse", source="198.51.100.1").outcome == "ok"


def test_a_success_starts_the_account_afresh(accounts):
    assert _outcomes(accounts, "alice", "wrong guess", 4) == ["failed"] * 4
    assert accounts.sign_in("alice", "correct horse").ok
    assert _outcomes(accounts, "alice", "wrong guess", 5) == ["failed"] * 5


def test_disabled_accounts_and_their_sessions_end(accounts):
    actor = accounts.sign_in("alice", "correct horse").actor
    token = accounts.start_session(actor)
    assert accounts.resume_session(token) == actor
    with pytest.raises(ValueError):
        accounts.set_disabled(ADVISOR, "adele", True)  # not oneself
    accounts.set_disabled(ADVISOR, "alice", True)
    assert accounts.resume_session(token) is None
    assert accounts.sign_in("alice", "correct horse").outcome == "failed"  # says nothing more
    accounts.set_disabled(ADVISOR, "alice", False)
    assert accounts.sign_in("alice", "correct horse").ok


def test_a_reset_password_ends_sessions_and_lifts_the_lock(accounts, clock):
    actor = accounts.sign_in("alice", "correct horse").actor
    token = accounts.start_session(actor)
    fast = AccountRepository(accounts._repo, clock=clock, policy=ThrottlePolicy(base_delay_s=0.0))
    _outcomes(fast, "alice", "wrong guess", 10)
    accounts.reset_password(ADVISOR, "alice", "new pass phrase")
    assert accounts.resume_session(token) is None
    assert accounts.sign_in("alice", "correct horse").outcome == "failed"
    assert accounts.sign_in("alice", "new pass phrase").ok
    entry = accounts._repo.audit(SYSTEM, row_key="alice", action="update").iloc[0]
    assert entry["after"]["password"] == "reset" and "new pass" not in str(entry["after"])


def test_sessions_are_signed_expire_and_end_at_sign_out(accounts, clock):
    actor = accounts.sign_in("alice", "correct horse").actor
    token = accounts.start_session(actor)
    version, session_id, expires, signature = token.split(".")
    assert accounts.resume_session(token) == actor
    forged = ".".join([version, session_id, str(int(expires) + 86400), signature])
    assert accounts.resume_session(forged) is None  # a later expiry breaks the signature
    assert accounts.resume_session(".".join([version, session_id, expires, "0" * 64])) is None
    clock.advance(13 * 3600)
    assert accounts.resume_session(token) is None  # expired after 12 h
    clock.now -= dt.timedelta(hours=13)
    accounts.end_session(actor, token)
    assert accounts.resume_session(token) is None
    assert "logout" in set(accounts._repo.audit(SYSTEM, row_key="alice")["action"])


def test_the_database_keeps_no_usable_token(accounts):
    token = accounts.start_session(accounts.sign_in("alice", "correct horse").actor)
    with accounts._repo.engine.connect() as conn:
        stored = conn.execute(text("SELECT * FROM user_sessions")).all()
    assert stored and token.split(".")[1] not in str(stored)


def test_scrypt_cost_is_owasp_and_old_hashes_are_upgraded_at_sign_in(accounts):
    assert passwords.ScryptParams(2**17, 8, 1) == passwords.OWASP_PARAMS
    real = passwords.hash_password("correct horse", passwords.OWASP_PARAMS)
    assert real.startswith("scrypt$131072$8$1$") and passwords.verify_password(real, "correct horse")
    assert not passwords.needs_rehash(real, passwords.OWASP_PARAMS)
    weak = passwords.hash_password("correct horse", passwords.ScryptParams(2**4, 8, 1))
    assert passwords.needs_rehash(weak, passwords.OWASP_PARAMS)
    engine = accounts._repo.engine
    with engine.begin() as conn:
        conn.execute(update(User).where(User.user_id == "alice").values(password_hash=weak))
    assert accounts.sign_in("alice", "correct horse").ok
    with engine.connect() as conn:
        stored = conn.execute(select(User.password_hash).where(User.user_id == "alice")).scalar()
    assert stored != weak and not passwords.needs_rehash(stored)
    assert passwords.verify_password(stored, "correct horse")


def test_a_hostile_hash_cannot_exhaust_memory():
    assert not passwords.verify_password("scrypt$1073741824$8$1$AAAA$AAAA", "anything")
    assert not passwords.verify_password(passwords.hash_password("long enough"), "x" * 10_000)


# -- demo accounts only on demo data (#12.5) ----------------------------------------------------------


@pytest.fixture
def sample_registry(tmp_path):
    from symbiosis.cli import main

    path = tmp_path / "sample.db"
    assert main(["init", "--db", str(path), "--sample", "--json"]) == 0
    repo = Repository.from_url(f"sqlite:///{path}")
    yield path, repo
    repo.close()


def test_demo_passwords_stop_working_when_a_real_firm_arrives(sample_registry, make_firms, firm_row):
    from symbiosis.services.demo_accounts import DEMO_ACCOUNTS

    _path, repo = sample_registry
    accounts = AccountRepository(repo)
    demo = DEMO_ACCOUNTS[2]
    assert accounts.demo_accounts_active()
    actor = accounts.sign_in(demo.user_id, demo.password).actor
    token = accounts.start_session(actor)
    repo.upsert_firms(SYSTEM, make_firms(firm_row("REAL-1", "Vraie Scierie inc.")))
    assert not accounts.demo_accounts_active()
    assert accounts.resume_session(token) is None
    for account in DEMO_ACCOUNTS:
        assert accounts.sign_in(account.user_id, account.password).outcome == "demo_disabled"
    assert "demo_disabled" in set(repo.audit(SYSTEM, limit=None)["action"])


def test_importing_real_firms_into_the_sample_disables_the_demo_accounts(sample_registry):
    from symbiosis.services.demo_accounts import DEMO_ACCOUNTS
    from symbiosis.services.importing import import_into_registry

    _path, repo = sample_registry
    data = "id_entreprise;nom;code_scian;municipalite\nREAL-9;Fonderie Réelle;331313;Alma\n".encode()
    import_into_registry(repo, SYSTEM, firms_bytes=data)
    account = DEMO_ACCOUNTS[0]
    assert AccountRepository(repo).sign_in(account.user_id, account.password).outcome == "demo_disabled"


def test_the_sample_is_refused_on_a_registry_with_real_firms(tmp_path, make_firms, firm_row, capsys):
    from symbiosis.cli import main

    path = tmp_path / "real.db"
    with Repository.from_url(f"sqlite:///{path}") as repo:
        repo.upsert_firms(SYSTEM, make_firms(firm_row("REAL-1", "Vraie Scierie inc.")))
    assert main(["init", "--db", str(path), "--sample"]) == 2
    err = capsys.readouterr().err
    assert "REAL-1" in err and "Refusé" in err and "Refused" in err
    with Repository.from_url(f"sqlite:///{path}") as repo:
        assert repo.users(SYSTEM).empty and len(repo.firms(SYSTEM)) == 1


def test_re_running_init_sample_keeps_a_sample_registry_usable(sample_registry):
    from symbiosis.cli import main
    from symbiosis.services.demo_accounts import DEMO_ACCOUNTS

    path, repo = sample_registry
    assert main(["init", "--db", str(path), "--sample", "--json"]) == 0
    account = DEMO_ACCOUNTS[1]
    assert AccountRepository(repo).sign_in(account.user_id, account.password).ok


def test_a_sessions_drafts_are_its_own_and_end_with_it(accounts):
    # the rows a firm kept to fix lived in the browser session only: a reload lost them
    actor = accounts.sign_in("alice", "correct horse").actor
    mine, other = accounts.start_session(actor), accounts.start_session(actor)
    assert accounts.keep_draft(mine, "firm_pending.A", '[{"quantity": "beaucoup"}]')
    assert accounts.read_draft(mine, "firm_pending.A") == '[{"quantity": "beaucoup"}]'
    assert accounts.read_draft(other, "firm_pending.A") is None  # another session (a tab, a person)
    assert accounts.read_draft(forged_token(mine), "firm_pending.A") is None  # a forged token
    assert not accounts.keep_draft(None, "firm_pending.A", "[]")
    assert accounts.keep_draft(mine, "firm_pending.A", None) and accounts.read_draft(mine, "x") is None
    assert accounts.read_draft(mine, "firm_pending.A") is None  # dropped once nothing is left to fix
    accounts.keep_draft(mine, "firm_pending.A", "[1]")
    accounts.end_session(actor, mine)  # sign-out: the token, and what it kept, end
    assert accounts.read_draft(mine, "firm_pending.A") is None
    assert not accounts.keep_draft(mine, "firm_pending.A", "[2]")
