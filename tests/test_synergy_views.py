"""The synergy screens' tables: translated labels, no counterpart identity, rates in percent."""

from __future__ import annotations

import pandas as pd

from symbiosis.synergy.funnel import funnel
from symbiosis.views.synergy import firm_table, funnel_table, next_statuses, unit_label
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
