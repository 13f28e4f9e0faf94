"""A firm confirming the quantity actually exchanged, walked with the slips a hurried user makes.

The grant reports count verified quantities: a period not over yet, or a quantity with extra zeros,
was confirmed as « Quantité confirmée. »; a reversed period was refused without saying what to do.
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor
from symbiosis.services.synergy_store import SynergyRepository
from symbiosis.synergy.status import TransitionError
from tests._app_helpers import run_via_navigation
from tests._synergy_helpers import contacted_pair

ADVISOR = Actor("adele", "advisor")
A, B = Actor("alice", "firm", "A"), Actor("bruno", "firm", "B")
JAN, JUN = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


@pytest.fixture
def implemented(tmp_path, monkeypatch) -> tuple[SynergyRepository, str]:
    """One synergy A → B, accepted by both and implemented."""
    path = tmp_path / "registry.db"
    repo, store, sid = contacted_pair(path, ADVISOR)
    store.consent(A, sid, "accept")
    store.consent(B, sid, "accept")
    for status in ("in_discussion", "implemented"):
        store.transition(ADVISOR, sid, status)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SYMBIOSIS_DB", str(path))
    yield store, sid
    repo.close()


def _confirm(start: dt.date, end: dt.date, quantity: float, lang: str = "fr") -> AppTest:
    at = run_via_navigation("firm_proposals.py", B, lang)
    dates = at.date_input
    dates[0].set_value(start)
    dates[1].set_value(end)
    next(x for x in at.text_input if x.label in ("Quantité", "Quantity")).input(f"{quantity:.0f}")
    return next(b for b in at.button if b.label in ("Confirmer", "Confirm")).click().run()


def test_a_period_not_over_yet_is_refused_saying_what_to_do(implemented):
    store, _ = implemented
    later = dt.date.today() + dt.timedelta(days=40)
    at = _confirm(dt.date.today(), later, 5.0)
    assert not at.exception
    [error] = at.error
    assert f"La période n'est pas terminée (elle finit le {later.isoformat()})" in error.value
    assert "sur une période passée" in error.value
    assert store.verifications(ADVISOR).empty


def test_a_quantity_with_extra_zeros_is_refused(implemented):
    store, _ = implemented
    at = _confirm(JAN, JUN, 1e15, "en")
    [error] = at.error
    assert (
        "More than a billion units over the period" in error.value
        and "check the number of digits" in error.value
    )
    assert store.verifications(ADVISOR).empty


def test_a_reversed_period_says_how_to_fix_it(implemented):
    at = _confirm(JUN, JAN, 5.0)
    [error] = at.error
    assert "choisissez une date de fin après la date de début" in error.value


def test_a_past_period_and_zero_are_still_confirmed(implemented):
    store, sid = implemented
    at = _confirm(JAN, JUN, 0.0)
    assert not at.error and at.success[0].value == "Quantité confirmée."
    with pytest.raises(TransitionError) as refused:
        store.confirm_quantity(A, sid, period_start=JAN, period_end=JUN, quantity=2e9)
    assert refused.value.code == "implausible_quantity"


def test_a_pipeline_filter_with_no_synergy_says_how_to_see_them_all(implemented):
    at = run_via_navigation("synergy_pipeline.py", ADVISOR, "fr")
    at.selectbox(key="synergy.filter").set_value("verified").run()
    assert not at.exception
    assert any(
        i.value == "Aucune synergie à l'étape « Vérifiée » : choisissez « Tous » pour les voir toutes."
        for i in at.info
    )
