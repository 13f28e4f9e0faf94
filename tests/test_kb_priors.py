"""Sector priors: shipped table, longest-prefix inference, and the priors checker."""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.kb import infer_streams, load_categories, load_sector_priors
from symbiosis.kb.priors import INFERRED_COLUMNS, PRIOR_COLUMNS, check_sector_priors

REGIONAL_SECTORS = [
    "331313",
    "331317",
    "3323",
    "3327",
    "3329",
    "321111",
    "3221",
    "3115",
    "3114",
    "3116",
    "3121",
    "2122",
    "2123",
    "3331",
    "3339",
    "3273",
    "1114",
    "4841",
    "4842",
    "5622",
    "4181",
    "2211",
]


@pytest.fixture(scope="module")
def priors() -> pd.DataFrame:
    return load_sector_priors()


def test_shipped_priors(priors):
    assert list(priors.columns) == list(PRIOR_COLUMNS)
    assert set(REGIONAL_SECTORS) <= set(priors["scian_prefix"])
    assert priors["typical_share"].between(0, 1, inclusive="right").all()
    assert set(priors["category_id"]) <= set(load_categories()["category_id"])
    assert check_sector_priors(priors) == []


def test_every_regional_sector_has_a_supply_prior(priors):
    supplies = set(priors.loc[priors["direction"] == "supply", "scian_prefix"])
    assert set(REGIONAL_SECTORS) - {"1114"} <= supplies  # greenhouses mostly demand


def _tiny_priors() -> pd.DataFrame:
    rows = [
        ("3313", "supply", "al_dross", 0.5),
        ("331313", "supply", "al_spent_pot_lining", 0.9),
        ("331313", "demand", "anode_carbon_raw_material", 0.8),
        ("31", "supply", "cardboard_occ", 0.2),
        ("3115", "supply", "whey", 0.7),
    ]
    frame = pd.DataFrame(rows, columns=["scian_prefix", "direction", "category_id", "typical_share"])
    return frame.assign(evidence_ref="EXPERT:test", evidence_note="test")


def test_longest_prefix_wins():
    firms = pd.DataFrame(
        {
            "firm_id": ["smelter", "casthouse", "dairy", "bakery", "bank"],
            "scian_code": ["331313", "331317", "311511", "311811", "522111"],
        }
    )
    out = infer_streams(firms, priors=_tiny_priors())
    assert list(out.columns) == list(INFERRED_COLUMNS)
    got = out.groupby("firm_id")["category_id"].apply(set).to_dict()
    assert got["smelter"] == {"al_spent_pot_lining", "anode_carbon_raw_material"}  # not the 3313 dross row
    assert got["casthouse"] == {"al_dross"}  # falls back on 3313
    assert got["dairy"] == {"whey"}  # 3115 beats 31
    assert got["bakery"] == {"cardboard_occ"}  # only 31 matches
    assert "bank" not in got
    assert out["inferred"].all()


def test_inference_adds_kind_family_and_orders_by_share():
    firms = pd.DataFrame({"firm_id": ["s"], "scian_code": ["331313"]})
    out = infer_streams(firms, priors=_tiny_priors())
    assert list(out["direction"]) == ["demand", "supply"]
    assert set(out["family"]) == {"aluminium_residues"} and set(out["kind"]) == {"material"}


def test_codes_are_cleaned_and_min_share_filters():
    firms = pd.DataFrame({"firm_id": ["a", "b"], "scian_code": ["3313-13", None]})
    out = infer_streams(firms, priors=_tiny_priors(), min_share=0.85)
    assert out[["firm_id", "category_id"]].values.tolist() == [["a", "al_spent_pot_lining"]]


def test_numeric_codes_and_raw_text_priors_work():
    firms = pd.DataFrame({"firm_id": ["s"], "scian_code": [331313]})
    raw = _tiny_priors().astype({"typical_share": str})
    assert set(infer_streams(firms, priors=raw, min_share=0.85)["category_id"]) == {"al_spent_pot_lining"}


def test_shipped_priors_give_a_smelter_spl_and_a_sawmill_bark():
    firms = pd.DataFrame({"firm_id": ["alu", "scierie"], "scian_code": ["331313", "321111"]})
    out = infer_streams(firms)
    by_firm = out.groupby("firm_id")["category_id"].apply(set)
    assert "al_spent_pot_lining" in by_firm["alu"]
    assert {"wood_bark", "wood_sawdust", "wood_chips"} <= by_firm["scierie"]


@pytest.mark.parametrize(
    ("column", "value", "check"),
    [
        ("scian_prefix", "33A", "bad_scian_prefix"),
        ("direction", "both", "bad_direction"),
        ("category_id", "unobtainium", "unknown_category"),
        ("typical_share", "1.5", "bad_share"),
        ("evidence_ref", "", "missing_evidence"),
    ],
)
def test_priors_checker_fires(priors, column, value, check):
    broken = priors.astype({"typical_share": str})
    broken.loc[0, column] = value
    assert check in {i.code for i in check_sector_priors(broken)}


def test_priors_checker_finds_duplicates(priors):
    doubled = pd.concat([priors, priors.head(1)], ignore_index=True)
    assert "duplicate_prior" in {i.code for i in check_sector_priors(doubled)}
