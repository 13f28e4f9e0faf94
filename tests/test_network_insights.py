"""Groups by family and park, anchor firms and short chains, on tiny networks answered by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.engine.network_insights import (
    DEFAULT_MAX_HOPS,
    OUTSIDE_PARK,
    anchor_firms,
    group_clusters,
    short_chains,
)

FIRMS = pd.DataFrame(
    {
        "firm_id": ["A", "B", "C", "D", "E", "F"],
        "park_id": ["P1", "P1", "P2", None, "P2", "P2"],
    }
)
CATEGORIES = pd.DataFrame(
    {
        "category_id": ["sawdust", "bark", "ash", "heat"],
        "family": ["wood", "wood", "ashes", "energy"],
    }
)


def _ex(rows: list[tuple[str, str, str, float, float]]) -> pd.DataFrame:
    """Exchanges ``(supplier, receiver, category, tonnes, net value)``."""
    return pd.DataFrame(
        rows,
        columns=[
            "supply_firm_id",
            "demand_firm_id",
            "supply_category_id",
            "mass_t_per_yr",
            "net_value_cad_per_yr",
        ],
    )


# Sawmill A feeds B (two streams) and C; B passes ash to C; C heats D; E and F trade bark;
# D reuses its own heat.
EX = _ex(
    [
        ("A", "B", "sawdust", 100.0, 1000.0),
        ("A", "B", "bark", 50.0, 200.0),
        ("A", "C", "sawdust", 10.0, 50.0),
        ("B", "C", "ash", 20.0, 300.0),
        ("C", "D", "heat", 0.0, 400.0),
        ("E", "F", "bark", 5.0, 20.0),
        ("D", "D", "heat", 0.0, 5.0),
    ]
)


def test_groups_by_family_split_the_one_giant_component():
    groups = group_clusters(EX, FIRMS, by="family", categories=CATEGORIES).set_index("group")
    assert list(groups.index) == ["wood", "energy", "ashes"]  # by value: 1270, 405, 300
    wood = groups.loc["wood"]
    assert (wood["n_exchanges"], wood["n_firms"], wood["n_components"]) == (4, 5, 2)  # A-B-C and E-F
    assert wood["tonnes_t_per_yr"] == 165 and wood["net_value_cad_per_yr"] == 1270
    assert wood["top_firm_ids"] == ("A", "B", "C")  # A takes part in 1250, B 1200, C 50
    assert groups.loc["energy", "n_firms"] == 2 and groups.loc["energy", "n_components"] == 1


def test_unknown_category_goes_to_other():
    groups = group_clusters(_ex([("A", "B", "mystery", 1.0, 1.0)]), FIRMS, by="family", categories=CATEGORIES)
    assert groups["group"].tolist() == ["other"]


def test_groups_by_park_count_an_exchange_between_parks_in_both():
    groups = group_clusters(EX, FIRMS, by="park").set_index("group")
    # P1: A-B x2 within, A-C and B-C towards P2; P2: A-C, B-C, C-D, E-F; outside: C-D, D-D
    assert groups.loc["P1", "n_exchanges"] == 4 and groups.loc["P1", "n_within"] == 2
    assert groups.loc["P2", "n_exchanges"] == 4 and groups.loc["P2", "n_within"] == 1
    assert groups.loc[OUTSIDE_PARK, "n_exchanges"] == 2 and groups.loc[OUTSIDE_PARK, "n_within"] == 1
    assert groups["n_exchanges"].sum() > len(EX)  # between-park exchanges are in both rows
    assert groups.loc["P2", "n_components"] == 2  # A-B-C-D and E-F


def test_group_rejects_an_unknown_key_and_handles_no_exchange():
    with pytest.raises(ValueError, match="by must be"):
        group_clusters(EX, FIRMS, by="colour")
    assert group_clusters(EX.iloc[:0], FIRMS).empty


def test_anchor_firms_rank_by_value_that_depends_on_them():
    anchors = anchor_firms(EX, top=None).set_index("firm_id")
    assert list(anchors.index[:3]) == ["B", "A", "C"]
    assert anchors.loc["B", "value_at_stake_cad_per_yr"] == 1500  # 1000 + 200 in, 300 out
    assert anchors.loc["A", "value_at_stake_cad_per_yr"] == 1250  # 1000 + 200 + 50
    assert anchors.loc["C", "value_at_stake_cad_per_yr"] == 750  # 50 + 300 + 400
    assert anchors.loc["D", "value_at_stake_cad_per_yr"] == 405  # 400 + its own 5, counted once
    assert anchors.loc["A", "share_pct"] == pytest.approx(100 * 1250 / 1975)
    assert (anchors.loc["A", "n_exchanges"], anchors.loc["A", "n_partners"]) == (3, 2)
    assert anchors.loc["D", "n_partners"] == 1  # itself is not a partner
    assert anchors.loc["A", "role"] == "supplier" and anchors.loc["B", "role"] == "both"
    assert anchors.loc["F", "role"] == "receiver"
    assert len(anchor_firms(EX, top=2)) == 2 and anchor_firms(EX.iloc[:0]).empty


def test_short_chains_read_a_to_b_to_c_with_what_flows():
    chains = short_chains(EX)
    best = chains.iloc[0]
    assert best["firm_ids"] == ("A", "B", "C", "D")  # 1200 + 300 + 400
    assert best["category_ids"] == ("sawdust", "ash", "heat")  # the main category of A → B
    assert best["n_categories"] == (2, 1, 1)
    assert best["tonnes_t_per_yr"] == (150.0, 20.0, 0.0)
    assert best["net_value_cad_per_yr"] == 1900 and best["hops"] == 3
    # A → B → C and B → C → D share two hops with the first chain: skipped; A → C → D shares one
    assert [c for c in chains["firm_ids"]] == [("A", "B", "C", "D"), ("A", "C", "D")]


def test_short_chains_respect_max_hops_and_never_loop():
    ring = _ex(
        [
            ("A", "B", "ash", 1, 10),
            ("B", "C", "ash", 1, 10),
            ("C", "D", "ash", 1, 10),
            ("D", "E", "ash", 1, 10),
            ("E", "F", "ash", 1, 10),
            ("F", "A", "ash", 1, 10),
        ]
    )
    assert DEFAULT_MAX_HOPS == 4
    chains = short_chains(ring)
    assert chains["hops"].max() == 4
    for firms in chains["firm_ids"]:
        assert len(set(firms)) == len(firms)  # a simple path: no firm twice
    assert short_chains(ring, max_hops=2)["hops"].max() == 2
    with pytest.raises(ValueError, match="at least two hops"):
        short_chains(ring, max_hops=1)


def test_single_hops_and_self_loops_are_not_chains():
    assert short_chains(_ex([("A", "B", "ash", 1, 1), ("C", "C", "heat", 1, 1)])).empty


def test_branching_keeps_the_most_valuable_way_out():
    star = _ex(
        [
            ("A", "B", "ash", 1, 100),
            ("A", "C", "ash", 1, 1),
            ("B", "D", "ash", 1, 1),
            ("C", "E", "ash", 1, 1000),
        ]
    )
    assert short_chains(star, branching=1)["firm_ids"].tolist() == [("A", "B", "D")]
    assert short_chains(star, branching=2)["firm_ids"].iloc[0] == ("A", "C", "E")
