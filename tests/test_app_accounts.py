"""The advisors' accounts page (#11.10), driven headless: create, reset, disable, unlock; all audited."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor, Repository
from symbiosis.db.accounts import AccountRepository
from symbiosis.db.signin import ThrottlePolicy
from symbiosis.views.accounts import PASSWORD_ALPHABET, generate_password, suggest_user_id
from tests._app_helpers import APP, point_app_at, run_via_navigation
from tests._registry_helpers import tiny_registry

ADVISOR = Actor("adele", "advisor")
SYSTEM = Actor.system("test")


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = point_app_at(tmp_path / "registry.db", monkeypatch)
    with Repository.from_url(f"sqlite:///{path}") as repo:
        reg = tiny_registry()
        repo.upsert_firms(SYSTEM, reg.firms)
        accounts = AccountRepository(repo)
        accounts.create_account(SYSTEM, "adele", "advisor password", "advisor")
        accounts.create_account(SYSTEM, "scierie", "firm password", "firm", "F1")
    return path


def _accounts(path) -> AccountRepository:
    return AccountRepository(Repository.from_url(f"sqlite:///{path}"))


def _page() -> AppTest:
    return run_via_navigation("accounts.py", ADVISOR)


def test_only_advisors_have_the_page(db):
    for actor in (Actor("scierie", "firm", "F1"), Actor("gestion", "program_manager")):
        at = AppTest.from_file(APP, default_timeout=30)
        at.session_state["actor"] = actor
        at.run()
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page("app_pages/accounts.py")


def test_the_advisor_creates_a_firm_account_and_sees_its_password_once(db):
    at = _page()
    assert not at.exception and at.title[0].value == "Comptes"
    assert set(at.dataframe[0].value["Identifiant"]) == {"adele", "scierie"}
    form_firm = next(s for s in at.selectbox if s.label == "Entreprise")
    form_firm.set_value("F2")
    next(b for b in at.button if b.label == "Créer le compte").click().run()
    assert not at.exception
    [code] = at.code
    password = code.value
    assert len(password) == 16 and set(password) <= set(PASSWORD_ALPHABET)
    created = set(at.dataframe[0].value["Identifiant"]) - {"adele", "scierie"}
    [user_id] = created
    assert _accounts(db).sign_in(user_id, password).actor == Actor(user_id, "firm", "F2")
    at.run()
    assert not at.code  # shown once, never again
    audit = Repository.from_url(f"sqlite:///{db}").audit(SYSTEM, row_key=user_id, action="insert")
    assert audit["actor_id"].tolist() == ["adele"] and password not in audit.to_string()


def test_reset_disable_enable_and_unlock_from_the_page(db):
    fast = AccountRepository(Repository.from_url(f"sqlite:///{db}"), policy=ThrottlePolicy(base_delay_s=0.0))
    for _ in range(10):
        fast.sign_in("scierie", "wrong guess")
    at = _page()
    next(s for s in at.selectbox if s.label == "Compte").set_value("scierie")
    at.run()
    assert "verrouillé" in at.dataframe[0].value.set_index("Identifiant").loc["scierie", "État"]
    at.button(key="account_unlock").click().run()
    assert "déverrouillé" in at.success[0].value
    assert _accounts(db).sign_in("scierie", "firm password").ok
    at.button(key="account_toggle").click().run()
    assert _accounts(db).sign_in("scierie", "firm password").outcome == "failed"  # disabled
    at.button(key="account_toggle").click().run()
    at.button(key="account_reset").click().run()
    new_password = at.code[0].value
    assert _accounts(db).sign_in("scierie", new_password).ok
    actions = Repository.from_url(f"sqlite:///{db}").audit(SYSTEM, row_key="scierie", action="update")
    details = [a for a in actions["after"]]
    assert {"unlocked", "disabled", "password"} <= {k for d in details for k in d}


def test_an_advisor_cannot_disable_their_own_account(db):
    at = _page()
    next(s for s in at.selectbox if s.label == "Compte").set_value("adele")
    at.run()
    assert at.button(key="account_toggle").disabled


def test_suggested_ids_and_passwords():
    assert suggest_user_id("Scierie Éloïse ltée", {"scierie-eloise-ltee"}) == "scierie-eloise-ltee-2"
    assert suggest_user_id("((()))", set()) == "entreprise"
    assert len({generate_password() for _ in range(100)}) == 100


def _warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def test_a_banner_shows_while_demo_accounts_can_sign_in(db):
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not any("démonstration" in w for w in _warnings(at))  # real registry: no demo accounts
    with Repository.from_url(f"sqlite:///{db}") as repo:
        accounts = AccountRepository(repo)
        accounts.create_account(SYSTEM, "demo", "public password", "advisor", is_demo=True)
        accounts.mark_sample(SYSTEM, repo.firms(SYSTEM)["firm_id"])
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert any(w.startswith("Registre de démonstration") for w in _warnings(at))
    with Repository.from_url(f"sqlite:///{db}") as repo:
        reg = tiny_registry()
        real = reg.firms.iloc[:1].assign(firm_id="REAL-1", name="Vraie entreprise")
        repo.upsert_firms(SYSTEM, real)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not any("démonstration" in w for w in _warnings(at))


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    ("role", "firm", "user_id", "fr_words", "en_words"),
    [
        ("firm", "", "", "choisissez son entreprise", "pick its firm"),
        ("program_manager", "", "", "identifiant", "user id"),
        ("program_manager", "", "scierie", "« scierie » est déjà pris", "“scierie” is taken"),
        ("advisor", "", "marie curie", "lettres, chiffres", "letters, digits"),
        ("program_manager", "F2", "gestion2", "sans entreprise", "no firm"),
    ],
    ids=["firm-without-firm", "no-id", "id-taken", "id-with-space", "manager-with-firm"],
)
def test_a_refused_account_says_why_in_the_page_language_and_keeps_the_form(
    db, lang, role, firm, user_id, fr_words, en_words
):
    # the refusals were the database layer's English sentences (« a user id is 1 to 64 letters… »,
    # « user 'scierie' already exists ») on the French page, and the form was emptied
    at = run_via_navigation("accounts.py", ADVISOR, lang)
    labels = {
        "fr": ("Rôle", "Entreprise", "Identifiant", "Créer le compte"),
        "en": ("Role", "Firm", "User id", "Create the account"),
    }[lang]
    next(s for s in at.selectbox if s.label == labels[0]).set_value(role)
    next(s for s in at.selectbox if s.label == labels[1]).set_value(firm)
    next(w for w in at.text_input if w.label == labels[2]).input(user_id)
    next(b for b in at.button if b.label == labels[3]).click().run()
    assert not at.exception
    [error] = at.error
    assert (fr_words if lang == "fr" else en_words) in error.value
    assert set(at.dataframe[0].value.iloc[:, 0]) == {"adele", "scierie"}  # nothing created
    assert next(w for w in at.text_input if w.label == labels[2]).value == user_id  # what was typed stays
    assert next(s for s in at.selectbox if s.label == labels[0]).value == role


def test_the_manage_section_stays_after_a_refusal_and_the_form_empties_after_a_creation(db):
    at = _page()
    next(w for w in at.text_input if w.label == "Identifiant").input("scierie")
    next(s for s in at.selectbox if s.label == "Rôle").set_value("program_manager")
    next(b for b in at.button if b.label == "Créer le compte").click().run()
    assert at.error and any(s.label == "Compte" for s in at.selectbox)  # the rest of the page is there
    next(w for w in at.text_input if w.label == "Identifiant").input("gestion2")
    next(b for b in at.button if b.label == "Créer le compte").click().run()
    assert not at.error and at.code
    assert next(w for w in at.text_input if w.label == "Identifiant").value == ""
