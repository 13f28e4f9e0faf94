"""The network screen's pure functions, on a hand-made network whose answers are known."""

from __future__ import annotations

import pandas as pd

from symbiosis.engine.network import Outcome
from symbiosis.engine.network_insights import anchor_firms, group_clusters, short_chains
from symbiosis.views.network import anchor_table, chain_table, group_table, park_table, resilience_table

FIRMS = pd.DataFrame(
    {
        "firm_id": list("ABCDE"),
        "name": ["Alpha", "Bêta", "Gamma", "Delta", "Epsilon"],
        "park_id": ["p1", "p1", "p2", "", "p2"],
        "municipality": "Alma",
        "scian_code": "321111",
    }
)
EX = pd.DataFrame(
    {
        "supply_firm_id": ["A", "B", "C", "E"],
        "demand_firm_id": ["B", "C", "D", "C"],
        "supply_category_id": ["wood_sawdust", "wood_ash", "heat_low_30_60c", "wood_sawdust"],
        "net_value_cad_per_yr": [100.0, 200.0, 300.0, 50.0],
        "co2e_avoided_t_per_yr": [1.0, 2.0, 3.0, 0.5],
        "mass_t_per_yr": [1200.0, 20.0, 0.0, 5.0],
    }
)
CATEGORIES = pd.DataFrame(
    {
        "category_id": ["wood_sawdust", "wood_ash", "heat_low_30_60c"],
        "family": ["wood_forestry", "mineral_ashes", "energy_heat"],
        "label_fr": ["Sciure de bois", "Cendres de bois", "Chaleur basse température"],
        "label_en": ["Sawdust", "Wood ash", "Low-grade heat"],
    }
)
PARKS = pd.DataFrame({"park_id": ["p1", "p2"], "name": ["Parc de l'Alpha", "Parc du Gamma"]})


def test_group_table_names_families_parks_and_firms():
    fam = group_table(group_clusters(EX, FIRMS, by="family", categories=CATEGORIES), FIRMS, "family", "fr")
    assert fam["Famille de ressource"].tolist() == ["Chaleur", "Minéraux et cendres", "Bois et forêt"]
    assert fam["Valeur nette ($/an)"].tolist() == [300.0, 200.0, 150.0]  # numbers, sorted as numbers
    parks = group_table(group_clusters(EX, FIRMS, by="park"), FIRMS, "park", "en", parks=PARKS)
    assert set(parks["Industrial park"]) == {
        "Parc de l'Alpha",
        "Parc du Gamma",
        "Outside any industrial park",
    }
    assert "Within the park" in parks.columns
    gamma = parks.set_index("Industrial park").loc["Parc du Gamma"]
    assert gamma["Exchanges"] == 3 and gamma["Within the park"] == 1  # B→C, C→D, E→C


def test_anchor_table_uses_names_and_roles_in_words():
    table = anchor_table(anchor_firms(EX), FIRMS, "fr")
    assert table.iloc[0, 0] == "Gamma" and table.iloc[0, 1] == "Fournit et reçoit"  # 200 + 300 + 50
    assert table["Valeur qui en dépend ($/an)"].iloc[0] == 550.0
    assert set(table["Rôle"]) <= {"Fournit", "Reçoit", "Fournit et reçoit"}


def test_chain_table_reads_like_a_sentence():
    table = chain_table(short_chains(EX), FIRMS, "fr", categories=CATEGORIES)
    assert table["Chaîne"].iloc[0] == "Alpha → Bêta → Gamma → Delta"
    assert table["Ce qui circule"].iloc[0] == (
        "Sciure de bois (1\u00a0200 t/an) → Cendres de bois (20 t/an) → Chaleur basse température"
    )
    assert table["Étapes"].iloc[0] == 3
    english = chain_table(short_chains(EX), FIRMS, "en", categories=CATEGORIES)
    assert english["What flows"].iloc[0].startswith("Sawdust (1,200 t/yr) → Wood ash")


def test_park_table_counts_within_and_between():
    parks = park_table(EX, FIRMS, "en")
    assert parks["Exchanges"].tolist() == [2, 2]  # A→B and E→C within; B→C between, C→D outside


def test_resilience_with_a_resolver():
    table = resilience_table(EX, FIRMS, ["C"], "fr", resolve=lambda f: Outcome(600.0, 6.0))
    assert table.iloc[0, 0] == "Gamma"
    assert table["Échanges perdus"].tolist() == [3]
    assert table["Valeur perdue, réoptimisée ($/an)"].tolist() == [50.0]
