"""The network screen's pure functions, on a hand-made graph whose answers are known."""

from __future__ import annotations

import pandas as pd

from symbiosis.engine.network import Outcome, firm_graph, hubs
from symbiosis.views.network import (
    chain_table,
    cluster_table,
    hub_table,
    park_table,
    resilience_table,
    top_hub_ids,
)

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
        "net_value_cad_per_yr": [100.0, 200.0, 300.0, 50.0],
        "co2e_avoided_t_per_yr": [1.0, 2.0, 3.0, 0.5],
        "mass_t_per_yr": [10.0, 20.0, 30.0, 5.0],
    }
)


def test_tables_use_names():
    graph = firm_graph(EX, FIRMS)
    clusters = cluster_table(graph, FIRMS, "fr")
    assert clusters["Entreprises"].tolist() == [5]
    assert "Alpha" in clusters.iloc[0, -1]
    assert top_hub_ids(graph, top=1) == ["C"]
    assert hub_table(hubs(graph), FIRMS, "fr").iloc[0, 0] == "Gamma"
    assert chain_table(graph, FIRMS, "fr").iloc[0, 1] == "Alpha → Bêta → Gamma → Delta"
    parks = park_table(EX, FIRMS, "en")
    assert parks["Exchanges"].tolist() == [2, 2]


def test_resilience_with_a_resolver():
    table = resilience_table(EX, FIRMS, ["C"], "fr", resolve=lambda f: Outcome(600.0, 6.0))
    assert table.iloc[0, 0] == "Gamma"
    assert table["Échanges perdus"].tolist() == [3]
    assert table["Valeur perdue, réoptimisée ($/an)"].tolist() == ["50"]
