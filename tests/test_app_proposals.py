"""The firm's proposals page, driven headless: anonymous counterparts, consent, reveal, quantities."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor
from symbiosis.services.synergy_store import SynergyRepository
from tests._app_helpers import run_page, run_via_navigation
from tests._clock import pin_utc
from tests._synergy_helpers import contacted_pair

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
ADVISOR = Actor("adele", "advisor")
A, B, C = Actor("alice", "firm", "A"), Actor("bruno", "firm", "B"), Actor("chloe", "firm", "C")
OTHERS = {"advisor": ADVISOR, "program_manager": Actor("marc", "program_manager"), "anonymous": None}


@pytest.fixture
def db(tmp_path, monkeypatch) -> tuple[Path, SynergyRepository, str]:
    """A registry with one synergy A → B, qualified and contacted (open to consent)."""
    path = tmp_path / "registry.db"
    repo, store, sid = contacted_pair(path, ADVISOR)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SYMBIOSIS_DB", str(path))
    yield path, store, sid
    repo.close()


def _page(actor: Actor | None, lang: str = "fr") -> AppTest:
    return run_via_navigation("firm_proposals.py", actor, lang)


@pytest.mark.parametrize("role", list(OTHERS))
def test_proposals_page_refuses_other_roles(db, role):
    at = run_page("firm_proposals.py", OTHERS[role])
    assert not at.exception
    assert "Accès refusé" in at.error[0].value and not at.dataframe


def test_counterpart_is_anonymous_and_the_firm_accepts(db):
    _, store, _sid = db
    at = _page(A)
    assert not at.exception
    assert at.title[0].value == "Mes propositions de synergie"
    table = at.dataframe[0].value
    # three firms in this registry: with k = 5, the distance and the sector are withheld
    assert table["Distance"].tolist() == ["distance non divulguée (trop peu d'entreprises)"]
    assert table["Quantité proposée"].tolist() == ["100 à 1 000 t/an"]
    assert table["Secteur de la contrepartie"].tolist() == ["Secteur non divulgué (trop peu d'entreprises)"]
    assert "Granules" not in str(at) and "Luc Gagnon" not in str(at) and "lg@example.org" not in str(at)
    at.radio[0].set_value("accept")
    next(b for b in at.button if b.label == "Envoyer ma décision").click().run()
    assert not at.exception and "Décision enregistrée." in at.success[0].value
    assert store.consents(ADVISOR)[["firm_id", "decision"]].values.tolist() == [["A", "accept"]]


def test_decline_with_a_reason(db):
    _, store, _sid = db
    at = _page(B, "en")
    at.radio[0].set_value("decline")
    next(s for s in at.selectbox if s.label == "Reason for declining").set_value("volume")
    next(a for a in at.text_area if a.label == "Comment (optional)").input("Too little for us")
    next(b for b in at.button if b.label == "Send my decision").click().run()
    assert not at.exception
    assert store.consents(B)[["decision", "reason", "note"]].values.tolist() == [
        ["decline", "volume", "Too little for us"]
    ]


def test_reveal_after_both_accept_is_audited(db):
    _, store, sid = db
    store.consent(A, sid, "accept")
    store.consent(B, sid, "accept")
    at = _page(A)
    assert "Granules" not in str(at)  # still hidden until asked
    next(b for b in at.button if b.label.startswith("Afficher le nom")).click().run()
    assert not at.exception
    texts = " ".join(x.value for x in at.text)
    assert "Granules du Lac" in texts and "lg@example.org" in texts
    assert store.history(ADVISOR, sid).query("action == 'reveal'").actor_id.tolist() == ["alice"]


def test_another_firm_sees_nothing(db):
    at = _page(C)
    assert not at.exception
    assert "Aucune proposition" in at.info[0].value and not at.dataframe


def test_firm_confirms_the_actual_quantity_once_implemented(db):
    _, store, sid = db
    store.consent(A, sid, "accept")
    store.consent(B, sid, "accept")
    store.transition(ADVISOR, sid, "in_discussion")
    store.transition(ADVISOR, sid, "implemented")
    at = _page(B)
    next(d for d in at.date_input if d.label == "Début de la période").set_value(dt.date(2026, 1, 1))
    next(d for d in at.date_input if d.label == "Fin de la période").set_value(dt.date(2026, 6, 30))
    next(x for x in at.text_input if x.label == "Quantité").input("42,5")
    next(b for b in at.button if b.label == "Confirmer").click().run()
    assert not at.exception and "Quantité confirmée." in at.success[0].value
    check = store.verifications(ADVISOR).iloc[0]  # « 42,5 » is 42.5 (a number box stored 425)
    assert (check.receiver_quantity, check.receiver_confirmed_by) == (42.5, "bruno")
    assert pd.isna(check.supplier_quantity)


def test_the_period_offered_ends_on_the_regions_day_not_the_servers(db, monkeypatch):
    """At 23:30 on 30 June in Saguenay (1 July on a UTC server) the form offers 1 January – 30 June."""
    _, store, sid = db
    store.consent(A, sid, "accept")
    store.consent(B, sid, "accept")
    store.transition(ADVISOR, sid, "in_discussion")
    store.transition(ADVISOR, sid, "implemented")
    pin_utc(monkeypatch)  # EVENING_UTC
    at = _page(B)
    start = next(d for d in at.date_input if d.label == "Début de la période")
    end = next(d for d in at.date_input if d.label == "Fin de la période")
    assert (start.value, end.value) == (dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    next(x for x in at.text_input if x.label == "Quantité").input("12")
    next(b for b in at.button if b.label == "Confirmer").click().run()  # the day offered is over
    assert not at.exception and "Quantité confirmée." in at.success[0].value


@pytest.mark.parametrize(
    ("typed", "says"), [("-3", "a number ≥ 0"), ("1,200", "ambiguous"), ("", "in figures")]
)
def test_a_quantity_that_cannot_be_read_for_sure_is_refused_and_nothing_is_stored(db, typed, says):
    _, store, sid = db
    store.consent(A, sid, "accept")
    store.consent(B, sid, "accept")
    store.transition(ADVISOR, sid, "in_discussion")
    store.transition(ADVISOR, sid, "implemented")
    at = _page(B, "en")
    next(d for d in at.date_input if d.label == "Period end").set_value(dt.date(2026, 6, 30))
    next(x for x in at.text_input if x.label == "Quantity").input(typed)
    next(b for b in at.button if b.label == "Confirm").click().run()
    assert not at.exception and says in at.error[0].value
    assert store.verifications(ADVISOR).empty


def test_each_proposal_shows_what_the_firm_gains_and_both_decisions(db):
    """#11.8: no saving or GHG figure, the decision column off-screen, no 'waiting for the other firm'."""
    _, store, sid = db
    at = _page(A)
    table = at.dataframe[0].value
    assert list(table.columns[:2]) == ["Votre décision", "Décision de l'autre entreprise"]  # first, visible
    row = table.iloc[0]
    assert row["Votre économie estimée ($/an)"] == 11000.0  # A supplies: 100 t × 110 $/t avoided disposal
    assert row["Tonnes par an (estimé)"] == 100.0 and row["GES évités (t CO₂e/an, estimé)"] == 34.0
    assert row["Décision de l'autre entreprise"] == "Pas encore décidé"
    assert "donnez votre décision" in at.info[0].value
    b_view = _page(B).dataframe[0].value.iloc[0]
    assert b_view["Votre économie estimée ($/an)"] == 4000.0  # B receives: avoided purchases
    at.radio[0].set_value("accept")
    next(b for b in at.button if b.label == "Envoyer ma décision").click().run()
    assert "En attente de la décision de l'autre entreprise" in at.info[0].value
    store.consent(B, sid, "decline", reason="volume")
    at = _page(A)
    assert at.dataframe[0].value.iloc[0]["Décision de l'autre entreprise"] == "A refusé"
    assert "L'autre entreprise a refusé" in at.info[0].value


def test_after_both_accept_the_next_step_is_the_reveal(db):
    _, store, sid = db
    store.consent(A, sid, "accept")
    store.consent(B, sid, "accept")
    at = _page(B, "en")
    assert "Both firms accepted" in at.info[0].value
