"""Counterpart bands and the k-rule, on firms placed by hand."""

from __future__ import annotations

import pandas as pd

from symbiosis.synergy.anonymise import (
    REGION,
    anonymise_counterparts,
    category_shown,
    distance_band,
    quantity_band,
    scian_sector,
)


def test_distance_and_quantity_bands_at_their_edges():
    km = pd.Series([0.0, 9.99, 10.0, 49.9, 50.0, 150.0, 150.1, float("nan")])
    assert distance_band(km).tolist() == ["lt10", "lt10", "10_50", "10_50", "50_150", "gt150", "gt150",
                                          "unknown"]
    q = pd.Series([5.0, 10.0, 999.0, 1000.0, 25_000.0])
    assert quantity_band(q).tolist() == ["lt10", "10_100", "100_1000", "1000_10000", "gt10000"]


def test_scian_sectors_group_manufacturing_and_transport():
    codes = pd.Series(["321114", "331313", "484110", "11", "9999", ""])
    assert scian_sector(codes).tolist() == ["31-33", "31-33", "48-49", "11", "", ""]


def _firms() -> pd.DataFrame:
    rows = [
        # three forestry firms in Alma: the town can be named
        ("F1", "113310", "Alma"), ("F2", "113311", "Alma"), ("F3", "115310", "Alma"),
        # mining: two in Alma, one in Hébertville (same MRC): only the MRC is named
        ("M1", "212314", "Alma"), ("M2", "212315", "Alma"), ("M3", "212316", "Hébertville"),
        # utilities: one in Alma, two in Roberval (other MRC): only the region
        ("U1", "221111", "Alma"), ("U2", "221112", "Roberval"), ("U3", "221113", "Roberval"),
        # one public administration only: the sector itself is withheld
        ("P1", "911100", "Alma"),
        # outside the territory
        ("X1", "113310", "Montréal"),
    ]
    return pd.DataFrame(rows, columns=["firm_id", "scian_code", "municipality"])


def test_k_rule_names_the_finest_area_shared_by_k_firms_of_the_sector():
    who = pd.DataFrame({"counterpart_firm_id": ["F1", "M1", "U1", "P1", "X1"],
                        "road_distance_km": [5.0, 60.0, 12.0, 200.0, 400.0],
                        "flow_per_yr": [50.0, 2000.0, 5.0, 100.0, 1.0]})
    out = anonymise_counterparts(who, _firms(), k=3)
    assert out[["sector", "area_level", "area"]].values.tolist() == [
        ["11", "municipality", "Alma"],
        ["21", "mrc", "Lac-Saint-Jean-Est"],
        ["22", "region", REGION],
        ["", "region", REGION],
        ["", "outside", ""],
    ]
    assert out.distance_band.tolist() == ["lt10", "50_150", "10_50", "gt150", "gt150"]
    assert out.quantity_band.tolist() == ["10_100", "1000_10000", "lt10", "100_1000", "lt10"]
    loose = anonymise_counterparts(who, _firms(), k=1)
    assert loose.area.tolist()[:4] == ["Alma", "Alma", "Alma", "Alma"]
    assert not anonymise_counterparts(who, _firms(), k=3).to_string().count("U1")


def test_a_rare_category_is_shown_by_its_family_only():
    streams = pd.DataFrame({"firm_id": ["A", "B", "C", "D", "D"],
                            "direction": ["supply", "supply", "supply", "supply", "demand"],
                            "category_id": ["wood_sawdust"] * 3 + ["al_dross", "wood_sawdust"]})
    categories = pd.DataFrame({"category_id": ["wood_sawdust", "al_dross"],
                               "family": ["wood_forestry", "aluminium_residues"]})
    asked = pd.Series(["wood_sawdust", "al_dross", "unknown_cat"])
    out = category_shown(asked, "supply", streams, categories, k=3)
    assert out.values.tolist() == [["wood_sawdust", "category"], ["aluminium_residues", "family"],
                                   ["", "withheld"]]
    assert category_shown(asked.iloc[:1], "demand", streams, categories, k=3).level.tolist() == ["family"]
