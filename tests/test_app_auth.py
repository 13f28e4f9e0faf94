"""Sign-in, sign-out, the throttle and the navigation each role gets, driven headless with AppTest."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor, Repository
from symbiosis.db.accounts import AccountRepository
from symbiosis.services.demo_accounts import DemoAccount, create_demo_accounts
from tests._registry_helpers import tiny_registry

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
ACCOUNTS = (
    DemoAccount("conseil", "motdepasse-conseil", "advisor", None, "Conseillère Test"),
    DemoAccount("gestion", "motdepasse-gestion", "program_manager", None, "Gestion Test"),
    DemoAccount("scierie", "motdepasse-scierie", "firm", "F1", "Scierie Test"),
)


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "template.db"
    with Repository.from_url(f"sqlite:///{path}") as repo:
        reg = tiny_registry()
        system = Actor.system("test")
        repo.upsert_firms(system, reg.firms)
        repo.upsert_streams(system, reg.streams)
        create_demo_accounts(repo, system, ACCOUNTS)
        AccountRepository(repo).mark_sample(system, reg.firms["firm_id"])  # demo accounts: sample data only
    return path


@pytest.fixture
def db(template_db, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "registry.db"
    shutil.copy(template_db, path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SYMBIOSIS_DB", str(path))
    return path


def _app(lang: str = "fr") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = lang
    return at


def _sign_in(at: AppTest, user_id: str, password: str) -> AppTest:
    at.text_input[0].input(user_id)
    at.text_input[1].input(password)
    return at.button[0].click().run()


def test_anonymous_sees_only_the_sign_in_page(db):
    at = _app().run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Connexion"]
    assert "actor" not in at.session_state
    for page in ("registry.py", "firm_profile.py", "firm_streams.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"app_pages/{page}")


@pytest.mark.parametrize(
    ("user_id", "password", "title", "role"),
    [
        ("scierie", "motdepasse-scierie", "Mon entreprise", "Entreprise"),
        (
            "conseil",
            "motdepasse-conseil",
            "Registre des entreprises et des flux",
            "Conseillère ou conseiller en symbiose",
        ),
        ("gestion", "motdepasse-gestion", "Tableau de bord du programme", "Gestionnaire de programme"),
    ],
)
def test_sign_in_lands_each_role_on_its_page(db, user_id, password, title, role):
    at = _sign_in(_app().run(), user_id, password)
    assert not at.exception
    assert at.session_state["actor"].user_id == user_id
    assert at.title[0].value == title
    assert role in [c.value for c in at.sidebar.caption]
    assert at.sidebar.button(key="sign_out")


def test_the_sidebar_names_the_user(db):
    at = _sign_in(_app().run(), "scierie", "motdepasse-scierie")
    assert [x.value for x in at.sidebar.text] == ["Scierie Test"]


def test_a_firm_users_navigation_has_no_advisor_page(db):
    at = _sign_in(_app().run(), "scierie", "motdepasse-scierie")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/registry.py")
    at.switch_page("app_pages/firm_streams.py").run()
    assert at.title[0].value == "Mes flux"


def test_an_advisors_navigation_has_no_firm_page(db):
    at = _sign_in(_app().run(), "conseil", "motdepasse-conseil")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/firm_streams.py")


@pytest.mark.parametrize(
    ("user_id", "password"),
    [("scierie", "mauvais-mot"), ("personne", "motdepasse-scierie")],
    ids=["wrong password", "unknown user"],
)
def test_failed_sign_in_gives_one_bilingual_message_without_hint(db, user_id, password):
    at = _sign_in(_app().run(), user_id, password)
    assert not at.exception
    assert "actor" not in at.session_state
    message = at.error[0].value
    assert message == "Identifiant ou mot de passe incorrect. / User id or password incorrect."
    assert _failures(db, user_id) == 1  # counted in the database, not in the browser session


def _failures(db, user_id: str) -> int:
    from symbiosis.db.signin import account_key, load_states

    with Repository.from_url(f"sqlite:///{db}") as repo, repo.engine.connect() as conn:
        state = load_states(conn, [account_key(user_id)]).get(account_key(user_id))
    return state.failures if state else 0


def test_failed_sign_in_in_english(db):
    at = _sign_in(_app("en").run(), "scierie", "nope-nope")
    assert at.error[0].value.startswith("User id or password incorrect.")


def test_five_failures_in_fresh_sessions_make_the_right_password_wait(db):
    for _ in range(5):  # a new browser session for each guess: the throttle is not in the session
        at = _sign_in(_app().run(), "scierie", "faux-mot-de-passe")
        assert at.error[0].value.startswith("Identifiant ou mot de passe incorrect")
    at = _sign_in(_app().run(), "scierie", "motdepasse-scierie")
    assert "actor" not in at.session_state
    # 10 s after the fifth failure, less the time the page took to be drawn again (a second or more
    # on a loaded machine); the exact waits are tested with a clock in test_reliability_signin.py.
    wait = re.fullmatch(r"Trop de tentatives\. Réessayez dans (\d+) s.*", at.error[0].value, re.S)
    assert wait is not None and 1 <= int(wait.group(1)) <= 10, at.error[0].value


def test_a_locked_account_says_so_and_an_unknown_one_alike(db):
    from symbiosis.db.accounts import AccountRepository
    from symbiosis.db.signin import ThrottlePolicy

    with Repository.from_url(f"sqlite:///{db}") as repo:
        fast = AccountRepository(repo, policy=ThrottlePolicy(free_failures=1, base_delay_s=0.0, lock_after=2))
        for user_id in ("scierie", "personne"):
            for _ in range(2):
                fast.sign_in(user_id, "faux-mot-de-passe")
    for user_id, password in (("scierie", "motdepasse-scierie"), ("personne", "x" * 12)):
        at = _sign_in(_app().run(), user_id, password)
        assert "actor" not in at.session_state
        assert at.error[0].value.startswith("Compte verrouillé après trop de tentatives")
        assert "Account locked" not in at.error[0].value  # the French page said it in English too
    at = _sign_in(_app("en").run(), "scierie", "motdepasse-scierie")
    assert at.error[0].value == "Account locked after too many attempts: ask your advisor to unlock it."


def test_sign_in_is_audited_and_the_password_is_not_kept(db):
    at = _sign_in(_app().run(), "scierie", "motdepasse-scierie")
    assert all("motdepasse" not in str(v) for v in at.session_state.to_dict().values())
    with Repository.from_url(f"sqlite:///{db}") as repo:
        audit = repo.audit(Actor.system("test"), table="users")
    assert "login" in set(audit["action"])
    assert "motdepasse" not in audit.to_string()


def test_sign_out_forgets_the_session_and_keeps_the_language(db):
    at = _sign_in(_app("en").run(), "scierie", "motdepasse-scierie")
    at.session_state["firm_upload"] = "something the firm uploaded"
    at.sidebar.button(key="sign_out").click().run()
    assert not at.exception
    assert "actor" not in at.session_state
    assert "firm_upload" not in at.session_state
    assert at.session_state["lang"] == "en"
    assert [s.value for s in at.subheader] == ["Sign in"]


def test_a_broken_database_is_explained_on_sign_in(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    at = _sign_in(_app().run(), "scierie", "motdepasse-scierie")
    assert not at.exception
    assert "Impossible d'ouvrir le registre" in at.error[0].value
    assert "secret" not in at.error[0].value
