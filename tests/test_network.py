"""Network analysis on tiny graphs whose answers are known by hand."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from symbiosis.engine.network import (
    Outcome,
    chains,
    clusters,
    exchange_scope,
    firm_graph,
    hubs,
    park_matrix,
    park_split,
    resilience,
    tonnes_of,
)

FIRMS = pd.DataFrame(
    {
        "firm_id": ["A", "B", "C", "D", "E", "F"],
        "name": ["Alu", "Bois", "Ciment", "Dépôt", "Érable", "Ferme"],
        "park_id": ["P1", "P1", "P2", None, "P2", "P2"],
        "municipality": ["Saguenay"] * 4 + ["Alma"] * 2,
        "scian_code": ["3313", "3211", "3273", "5622", "3112", "1111"],
    }
)


def _ex(rows: list[tuple[str, str, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=[
            "supply_firm_id",
            "demand_firm_id",
            "flow_per_yr",
            "net_value_cad_per_yr",
            "co2e_avoided_t_per_yr",
        ],
    )


# A -> B -> C (chain of two hops), A -> B twice (summed), E -> F (separate cluster), D -> D internal
EX = _ex(
    [
        ("A", "B", 10.0, 100.0, 1.0),
        ("A", "B", 5.0, 50.0, 0.5),
        ("B", "C", 20.0, 200.0, 2.0),
        ("E", "F", 1.0, 10.0, 0.1),
        ("D", "D", 2.0, 5.0, 0.2),
    ]
)


def test_firm_graph_sums_edges_per_pair_and_keeps_firm_attributes():
    g = firm_graph(EX, FIRMS)
    assert set(g.edges) == {("A", "B"), ("B", "C"), ("E", "F"), ("D", "D")}
    ab = g.edges["A", "B"]
    assert ab["n_exchanges"] == 2
    assert ab["tonnes_t_per_yr"] == pytest.approx(15.0)
    assert ab["net_value_cad_per_yr"] == pytest.approx(150.0)
    assert ab["co2e_avoided_t_per_yr"] == pytest.approx(1.5)
    assert g.nodes["A"]["park_id"] == "P1"
    assert g.nodes["D"]["park_id"] is None
    assert g.nodes["F"]["name"] == "Ferme"


def test_empty_exchanges_give_empty_results():
    g = firm_graph(_ex([]), FIRMS)
    assert g.number_of_nodes() == 0
    assert clusters(g).empty and hubs(g).empty and chains(g).empty
    assert park_split(_ex([]), FIRMS).n_within == 0


def test_tonnes_use_mass_then_material_kind():
    ex = EX.head(2).assign(kind=["material", "energy"])
    assert tonnes_of(ex).tolist() == [10.0, 0.0]
    assert tonnes_of(ex.assign(mass_t_per_yr=[3.0, 4.0])).tolist() == [3.0, 4.0]


def test_clusters_are_weak_components_largest_first():
    c = clusters(firm_graph(EX, FIRMS))
    assert c["n_firms"].tolist() == [3, 2, 1]
    first = c.iloc[0]
    assert first["firm_ids"] == ("A", "B", "C")
    assert first["n_exchanges"] == 3
    assert first["net_value_cad_per_yr"] == pytest.approx(350.0)
    assert first["park_ids"] == ("P1", "P2")
    assert c.iloc[2]["firm_ids"] == ("D",)
    assert c["cluster_id"].tolist() == [1, 2, 3]


def test_hubs_rank_the_middle_firm_first():
    h = hubs(firm_graph(EX, FIRMS), top=None)
    b = h.iloc[0]
    assert b["firm_id"] == "B"
    assert (b["in_degree"], b["out_degree"], b["degree"]) == (1, 1, 2)
    assert b["weighted_degree_cad_per_yr"] == pytest.approx(350.0)
    # on the path A - B - C, B lies on the only A-C shortest path: normalised betweenness 1/3
    # of the 6*5/2 = 15 pairs of the six-node graph ... networkx normalises by (n-1)(n-2)/2 = 10
    assert b["betweenness"] == pytest.approx(1 / 10)
    d = h.set_index("firm_id").loc["D"]
    assert d["degree"] == 0
    assert d["weighted_degree_cad_per_yr"] == pytest.approx(5.0)  # internal counted once


def test_hubs_sample_betweenness_above_threshold_reproducibly():
    g = nx.DiGraph()
    nx.add_path(g, [str(i) for i in range(30)], net_value_cad_per_yr=1.0, tonnes_t_per_yr=1.0)
    a = hubs(g, top=5, seed=1, exact_max_nodes=10, sample_k=8)
    b = hubs(g, top=5, seed=1, exact_max_nodes=10, sample_k=8)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 5
    exact = hubs(g, top=None).set_index("firm_id")["betweenness"]
    assert exact["0"] == 0.0 and exact["15"] == exact.max()  # the middle of a path is the hub


def test_park_scope_and_split():
    scope = exchange_scope(EX, FIRMS)
    assert scope.tolist() == ["within_park", "within_park", "between_parks", "within_park", "within_park"]
    # D is in no park: internal reuse is still within; D -> A would be outside_park
    other = exchange_scope(_ex([("D", "A", 1, 1, 1)]), FIRMS)
    assert other.tolist() == ["outside_park"]
    split = park_split(EX, FIRMS)
    assert (split.n_within, split.n_between) == (4, 1)
    assert split.tonnes_between_t_per_yr == pytest.approx(20.0)
    assert split.value_within_cad_per_yr == pytest.approx(165.0)


def test_park_matrix_sums_per_park_pair():
    m = park_matrix(EX, FIRMS).set_index(["supply_park_id", "demand_park_id"])
    assert m.loc[("P1", "P1"), "n_exchanges"] == 2
    assert m.loc[("P1", "P2"), "net_value_cad_per_yr"] == pytest.approx(200.0)
    assert m.loc[("", ""), "tonnes_t_per_yr"] == pytest.approx(2.0)  # D has no park
    assert m["n_exchanges"].sum() == len(EX)
    assert park_matrix(EX.head(0), FIRMS).empty


def test_chains_find_longest_path_and_skip_sub_paths():
    ex = _ex(
        [
            ("A", "B", 1, 1, 0),
            ("B", "C", 1, 1, 0),
            ("C", "D", 1, 1, 0),
            ("E", "F", 1, 1, 0),
            ("F", "C", 1, 1, 0),
            ("X", "Y", 1, 1, 0),
        ]
    )
    c = chains(firm_graph(ex))
    # A→B→C→D and E→F→C→D both have 3 hops; B→C→D is inside the first and is skipped
    assert c["label"].tolist() == ["A → B → C → D", "E → F → C → D"]
    assert c["hops"].tolist() == [3, 3]


def test_chains_merge_loops_into_one_step():
    ex = _ex([("A", "B", 1, 1, 0), ("B", "A", 1, 1, 0), ("B", "C", 1, 1, 0), ("C", "D", 1, 1, 0)])
    c = chains(firm_graph(ex))
    assert c["label"].tolist() == ["A+B → C → D"]
    assert c.iloc[0]["steps"] == (("A", "B"), ("C",), ("D",))


def test_chain_labels_shorten_large_loops():
    loop = ["L1", "L2", "L3", "L4", "L5"]
    rows = [(a, b, 1, 1, 0) for a, b in zip(loop, loop[1:] + loop[:1], strict=True)]
    c = chains(firm_graph(_ex([("A", "L1", 1, 1, 0), *rows, ("L5", "Z", 1, 1, 0)])))
    assert c.iloc[0]["label"] == "A → L1+L2+L3+…(+2) → Z"
    assert c.iloc[0]["steps"][1] == tuple(loop)


def test_single_hops_are_not_chains():
    assert chains(firm_graph(_ex([("A", "B", 1, 1, 0), ("C", "B", 1, 1, 0)]))).empty


def test_resilience_direct_and_reoptimised_loss():
    totals = {"B": Outcome(200.0, 2.0), "A": Outcome(300.0, 3.0)}
    r = resilience(EX, firm_ids=["A", "B"], resolve=lambda f: totals[f])
    r = r.set_index("firm_id")
    assert r.loc["B", "n_exchanges_lost"] == 3
    assert r.loc["B", "direct_value_lost_cad_per_yr"] == pytest.approx(350.0)
    assert r.loc["A", "direct_co2e_lost_t_per_yr"] == pytest.approx(1.5)
    base = 365.0  # sum of all exchanges' net value
    assert r.loc["B", "reoptimised_value_lost_cad_per_yr"] == pytest.approx(base - 200.0)
    assert r.loc["A", "reoptimised_co2e_lost_t_per_yr"] == pytest.approx(3.8 - 3.0)
    assert r.index[0] == "B"  # largest direct loss first


def test_resilience_defaults_to_every_engaged_firm_without_resolve():
    r = resilience(EX)
    assert sorted(r["firm_id"]) == ["A", "B", "C", "D", "E", "F"]
    assert "reoptimised_value_lost_cad_per_yr" not in r
