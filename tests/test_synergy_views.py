"""The synergy screens' tables: translated labels, no counterpart identity, rates in percent."""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.synergy.funnel import funnel
from symbiosis.views.synergy import (
    firm_table,
    funnel_table,
    next_statuses,
    next_step,
    read_quantity,
    unit_label,
)
from tests.test_synergy_funnel import CATEGORIES, FIRMS, _synergies

PROPOSAL = pd.DataFrame(
    [
        {
            "synergy_id": "syn-1",
            "my_side": "supply",
            "my_stream_id": "A-1",
            "my_category_id": "wood_sawdust",
            "counterpart_category": "wood_forestry",
            "counterpart_category_level": "family",
            "counterpart_sector": "",
            "area_level": "mrc",
            "area": "Lac-Saint-Jean-Est",
            "distance_band": "gt150",
            "quantity_band": "lt10",
            "flow_unit": "t/yr",
            "status": "contacted",
            "my_decision": "",
            "my_reason": "",
            "revealed": False,
        }
    ]
)


def test_firm_table_speaks_both_languages_and_shows_only_bands():
    fr = firm_table(PROPOSAL, "fr").iloc[0]
    assert fr["Territoire"] == "MRC Lac-Saint-Jean-Est"
    assert fr["Secteur de la contrepartie"].startswith("Secteur non divulgué")
    assert fr["Flux de la contrepartie"] == "Bois et forêt"
    assert fr["Quantité proposée"] == "moins de 10 t/an" and fr["Distance"] == "plus de 150 km"
    assert fr["Votre décision"] == "À décider" and fr["Statut"] == "Entreprises contactées"
    en = firm_table(PROPOSAL, "en").iloc[0]
    assert en["Area"] == "Lac-Saint-Jean-Est RCM" and en["Proposed quantity"] == "under 10 t/yr"
    assert firm_table(PROPOSAL, "fr").index.tolist() == ["syn-1"]


def test_funnel_table_in_percent_and_helpers():
    table = funnel_table(funnel(_synergies(), FIRMS, categories=CATEGORIES), "park", "fr")
    assert table["Groupe"].tolist() == ["Hors parc", "p1", "p2"]
    assert table.loc[0, "Proposée → Qualifiée"] == 50.0  # s4 still proposed, s2 qualified then rejected
    assert next_statuses("in_discussion") == ("trial", "implemented", "rejected")
    assert unit_label("m3/yr", "fr") == "m³/an" and unit_label("t/yr", "en") == "t/yr"


def test_dates_are_shown_in_the_regions_time_not_utc(monkeypatch):
    # the registry stores UTC; an advisor in Saguenay who qualified a synergy at 16:14 read « 21:14 »
    from symbiosis.views.notifications import inbox_table
    from symbiosis.views.synergy import consent_table, history_table

    monkeypatch.delenv("SYMBIOSIS_TIMEZONE", raising=False)
    winter, summer = "2026-12-06T21:14:00+00:00", "2026-07-01T12:00:00+00:00"
    history = pd.DataFrame(
        {
            "at": [winter, summer],
            "actor_id": "c",
            "action": "insert",
            "table_name": "synergies",
            "before": None,
            "after": None,
        }
    )
    when = history_table(history, "fr").iloc[:, 0].tolist()
    assert when == [pd.Timestamp("2026-12-06 16:14"), pd.Timestamp("2026-07-01 08:00")]
    inbox = pd.DataFrame(
        {"notification_id": [1], "created_at": [winter], "kind": ["x"], "params": [{}], "read": [False]}
    )
    monkeypatch.setattr("symbiosis.views.notifications.notification_text", lambda *a, **k: "")
    assert inbox_table(inbox, "en").iloc[0, 0] == pd.Timestamp("2026-12-06 16:14")
    consents = pd.DataFrame(
        {
            "side": ["supply"],
            "firm_id": ["F1"],
            "decision": ["accept"],
            "reason": [None],
            "note": [""],
            "decided_at": [summer],
        }
    )
    assert pd.Timestamp("2026-07-01 08:00") in consent_table(consents, None, "fr").to_numpy().ravel().tolist()
    monkeypatch.setenv("SYMBIOSIS_TIMEZONE", "UTC")
    assert history_table(history, "fr").iloc[0, 0] == pd.Timestamp("2026-12-06 21:14")


@pytest.mark.parametrize(
    ("typed", "lang", "value"),
    [
        ("12,5", "fr", 12.5),
        ("1 200", "fr", 1200.0),
        ("12.5", "fr", 12.5),
        ("1,200.5", "en", 1200.5),
        ("0", "en", 0.0),
    ],
)
def test_a_confirmed_quantity_is_read_as_the_firm_writes_it(typed, lang, value):
    assert read_quantity(typed, lang) == (value, "")  # « 12,5 » is 12.5, never 125


@pytest.mark.parametrize(
    ("typed", "lang", "says"),
    [
        ("-3", "fr", "un nombre positif ou nul"),
        ("12 t", "en", "without a unit"),
        ("1,200", "fr", "ambigu"),
        ("", "en", "in figures"),
        ("douze", "fr", "Écrivez la quantité"),
    ],
)
def test_a_quantity_that_cannot_be_read_for_sure_says_what_was_expected(typed, lang, says):
    value, why = read_quantity(typed, lang)
    assert value is None and says in why


def test_once_implemented_the_next_step_is_confirming_quantities_not_the_reveal():
    row = PROPOSAL.iloc[0].copy()
    row["my_decision"], row["their_decision"], row["revealed"] = "accept", "accept", True
    row["status"] = "implemented"
    assert "confirmez ci-dessous la quantité" in next_step(row, "fr")
    row["status"] = "verified"
    assert "The synergy is verified" in next_step(row, "en")
    row["status"] = "in_discussion"
    assert "Both firms accepted" in next_step(row, "en")
