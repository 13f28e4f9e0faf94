"""Resource categories: shape, vocabulary, units, and the copies the loader hands out."""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.kb import FAMILIES, load_categories, load_rules, load_waste_codes, split_list
from symbiosis.kb.generic import is_generic
from symbiosis.kb.tables import CATEGORY_COLUMNS
from symbiosis.schemas import CANONICAL_UNIT


@pytest.fixture(scope="module")
def cats() -> pd.DataFrame:
    return load_categories()


def test_columns_and_size(cats):
    assert list(cats.columns) == list(CATEGORY_COLUMNS)
    specific = cats[~cats["category_id"].map(is_generic)]
    assert 120 <= len(specific) <= 400
    assert cats["category_id"].is_unique


def test_every_code_of_the_list_of_waste_reaches_a_category(cats):
    """Issue 9: a declaration by waste code alone is matchable (specific, else generic per sub-chapter)."""
    listed = {c for codes in cats["waste_codes"] for c in split_list(codes)}
    assert listed == set(load_waste_codes()["code"])
    generic = cats[cats["category_id"].map(is_generic)].set_index("category_id")
    assert generic.loc["low_0501_haz", "hazardous"] and not generic.loc["low_0501", "hazardous"]
    assert (
        "(LED 05 01)" in generic.loc["low_0501", "label_fr"]
        and "(LoW 05 01)" in generic.loc["low_0501", "label_en"]
    )
    # A code a specific category lists is not repeated in a generic one.
    specific_codes = {
        c
        for codes in cats.loc[~cats["category_id"].map(is_generic), "waste_codes"]
        for c in split_list(codes)
    }
    assert not specific_codes & {c for codes in generic["waste_codes"] for c in split_list(codes)}


def test_each_code_chapter_fits_its_category_family(cats):
    from symbiosis.kb.check import FAMILY_CHAPTERS

    for row in cats.itertuples():
        chapters = {c[:2] for c in split_list(row.waste_codes)}
        assert chapters <= FAMILY_CHAPTERS.get(row.family, frozenset()), row.category_id


def test_every_family_is_used_and_nothing_else(cats):
    assert set(cats["family"]) == set(FAMILIES)


def test_canonical_unit_follows_kind(cats):
    assert (cats["canonical_unit"] == cats["kind"].map(CANONICAL_UNIT)).all()


def test_density_is_float_and_positive_when_present(cats):
    density = cats["default_density_t_per_m3"]
    assert density.dtype == "float64"
    assert (density.dropna() > 0).all()
    assert density[cats["kind"].isin(["energy", "service", "logistics"])].isna().all()


def test_ids_others_rely_on_exist(cats):
    needed = {
        "al_spent_pot_lining",
        "wood_sawdust",
        "heat_low_30_60c",
        "water_process_clean",
        "biomass_fuel_wood",
        "cement_alt_fuel",
        "whey",
        "paper_deinking_sludge",
        "al_bauxite_residue",
    }
    assert needed <= set(cats["category_id"])


@pytest.mark.parametrize(
    ("word", "category_id"),
    [
        ("brasque", "al_spent_pot_lining"),
        ("SPL", "al_spent_pot_lining"),
        ("copeaux", "wood_chips"),
        ("planure", "wood_shavings"),
        ("lactosérum", "whey"),
        ("drêche", "brewers_spent_grain"),
        ("boues de désencrage", "paper_deinking_sludge"),
        ("rejets thermiques", "heat_low_30_60c"),
        ("boues rouges", "al_bauxite_residue"),
        ("CSR", "cement_alt_fuel"),
    ],
)
def test_quebec_trade_words_are_synonyms(cats, word, category_id):
    row = cats.set_index("category_id").loc[category_id]
    assert word in split_list(row["synonyms_fr"]) + split_list(row["synonyms_en"])


def test_regional_waste_codes_are_attached(cats):
    codes = cats.set_index("category_id")["waste_codes"].map(split_list)
    assert {"161101", "161102"} <= set(codes["al_spl_carbon_cut"])
    assert {"161103", "161104"} <= set(codes["al_spl_refractory_cut"])
    assert "010309" in codes["al_bauxite_residue"]
    assert {"100308", "100309"} <= set(codes["al_salt_slag"])
    assert {"030305"} <= set(codes["paper_deinking_sludge"])
    assert "030309" in codes["pulp_lime_mud"]


def test_hazardous_flags(cats):
    haz = cats.set_index("category_id")["hazardous"]
    assert haz.dtype == bool
    assert haz["al_spent_pot_lining"] and haz["used_oil_lubricating"] and haz["cd_wood_treated"]
    assert not haz["wood_sawdust"] and not haz["whey"]


def test_every_family_can_supply_and_be_demanded(cats):
    rules = load_rules()
    family = cats.set_index("category_id")["family"]
    assert set(rules["supply_category_id"].map(family)) == set(FAMILIES)
    assert set(rules["demand_category_id"].map(family)) == set(FAMILIES)


def test_loader_returns_copies(cats):
    first = load_categories()
    first.loc[0, "label_fr"] = "vandalisé"
    del first["family"]
    again = load_categories()
    assert again.loc[0, "label_fr"] != "vandalisé"
    assert "family" in again.columns


def test_split_list():
    assert split_list(" a | b ||c ") == ["a", "b", "c"]
    assert split_list("") == []
