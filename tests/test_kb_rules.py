"""Compatibility rules: coverage per family, expected and forbidden pairs, the lookup table."""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.kb import FAMILIES, compatible_pairs, load_categories, load_rules
from symbiosis.kb.check import FEED_CATEGORIES, FOOD_CATEGORIES
from symbiosis.kb.rules import CROSS_KIND_NOTE_PREFIX, LOADED_RULE_COLUMNS

HEAT_BANDS = [
    "heat_ambient_lt_30c",
    "heat_low_30_60c",
    "heat_medium_60_90c",
    "heat_high_90_150c",
    "heat_very_high_gt_150c",
]
STEAM = ["steam_low_pressure", "steam_medium_pressure", "steam_high_pressure"]

# family: (a supply -> demand that must exist, a supply -> demand that must not)
FAMILY_CASES = {
    "metals_scrap": (
        ("ferrous_scrap", "metal_remelt_feedstock"),
        ("metal_grinding_sludge", "animal_feed_ingredient"),
    ),
    "aluminium_residues": (
        ("al_spent_pot_lining", "cement_alt_fuel"),
        ("al_spl_carbon_cut", "biomass_fuel_wood"),
    ),
    "wood_forestry": (("wood_sawdust", "pellet_feedstock"), ("wood_sawdust", "metal_remelt_feedstock")),
    "pulp_paper": (
        ("paper_deinking_sludge", "cement_raw_material"),
        ("paper_sludge_primary", "animal_feed_ingredient"),
    ),
    "agrifood_organics": (("whey", "animal_feed_ingredient"), ("manure", "food_ingredient_upcycled")),
    "mineral_ashes": (("ash_wood_boiler", "liming_agent"), ("ash_wood_boiler", "animal_feed_ingredient")),
    "chemicals_solvents": (
        ("spent_solvents_nonhalogenated", "solvent_regeneration_feed"),
        ("spent_acids", "animal_feed_ingredient"),
    ),
    "oils": (("used_cooking_oil", "biodiesel_feedstock"), ("used_oil_lubricating", "biodiesel_feedstock")),
    "plastics": (("plastic_film_pe", "plastic_recycled_resin"), ("tyres_end_of_life", "animal_bedding")),
    "paper_cardboard": (
        ("cardboard_occ", "paper_recovered_fibre_feed"),
        ("cardboard_occ", "food_ingredient_upcycled"),
    ),
    "glass": (("glass_cullet_container", "glass_cullet_feed"), ("glass_cullet_container", "animal_bedding")),
    "construction_demolition": (
        ("cd_concrete_rubble", "aggregates_secondary"),
        ("cd_wood_treated", "biomass_fuel_wood"),
    ),
    "packaging_pallets": (
        ("pallets_wood_broken", "biomass_fuel_wood"),
        ("pallets_wood_broken", "animal_bedding"),
    ),
    "textiles": (
        ("textile_offcuts", "textile_recycling_feed"),
        ("wiping_rags_soiled", "textile_recycling_feed"),
    ),
    "energy_heat": (("heat_medium_60_90c", "heat_greenhouse"), ("heat_ambient_lt_30c", "steam_low_pressure")),
    "energy_steam": (
        ("steam_high_pressure", "steam_low_pressure"),
        ("steam_low_pressure", "steam_high_pressure"),
    ),
    "energy_gas": (("biogas_raw", "fuel_gas_demand"), ("landfill_gas", "hydrogen_byproduct")),
    "energy_co2": (
        ("co2_biogenic_concentrated", "co2_greenhouse_enrichment"),
        ("co2_flue_gas", "fuel_gas_demand"),
    ),
    "water": (("water_deionised", "water_boiler_makeup"), ("water_wash_organic", "water_boiler_makeup")),
    "logistics": (
        ("logistics_backhaul_refrigerated", "logistics_backhaul_dry_van"),
        ("logistics_backhaul_dry_van", "logistics_backhaul_refrigerated"),
    ),
    "capacity_equipment": (
        ("storage_indoor_heated", "storage_indoor_unheated"),
        ("storage_indoor_unheated", "storage_refrigerated"),
    ),
    "waste_treatment": (
        ("low_1901_haz", "treatment_recovery_service"),  # incinerator residues to an authorised facility
        ("low_1901_haz", "animal_feed_ingredient"),
    ),
    "healthcare": (
        ("low_1801_haz", "treatment_recovery_service"),
        ("low_1801_haz", "compost_feedstock"),
    ),
    "municipal": (
        ("low_2003", "treatment_recovery_service"),
        ("low_2003", "animal_feed_ingredient"),
    ),
    "services": (
        ("service_lab_analysis", "service_lab_analysis"),
        ("service_training", "service_engineering"),
    ),
}


@pytest.fixture(scope="module")
def rules() -> pd.DataFrame:
    return load_rules()


@pytest.fixture(scope="module")
def pairs(rules) -> set[tuple[str, str]]:
    return set(zip(rules["supply_category_id"], rules["demand_category_id"], strict=True))


def test_size_columns_and_types(rules):
    assert len(rules) >= 250
    assert list(rules.columns) == list(LOADED_RULE_COLUMNS)
    assert rules["yield_ratio"].dtype == "float64" and (rules["yield_ratio"] > 0).all()
    assert rules["hazardous"].dtype == bool and rules["requires_authorisation"].dtype == bool
    assert (rules["requires_authorisation"] == rules["authorisation"].ne("")).all()


def test_cases_cover_every_family():
    assert set(FAMILY_CASES) == set(FAMILIES)


@pytest.mark.parametrize("family", sorted(FAMILY_CASES))
def test_family_expected_and_forbidden_pairs(family, pairs):
    family_of = load_categories().set_index("category_id")["family"]
    (good_s, good_d), (bad_s, bad_d) = FAMILY_CASES[family]
    assert family_of[good_s] == family and family_of[bad_s] == family
    assert (good_s, good_d) in pairs
    assert (bad_s, bad_d) not in pairs


def test_no_hazardous_residue_into_food_or_feed(rules):
    hazardous = set(load_categories().query("hazardous")["category_id"])
    into = rules[rules["demand_category_id"].isin(FEED_CATEGORIES | FOOD_CATEGORIES)]
    assert not (set(into["supply_category_id"]) & hazardous)
    assert not into["hazardous"].any()


def test_hazardous_supplies_are_flagged(rules):
    hazardous = set(load_categories().query("hazardous")["category_id"])
    assert rules.loc[rules["supply_category_id"].isin(hazardous), "hazardous"].all()


def test_heat_only_flows_down_the_temperature_bands_unless_a_heat_pump_adds_energy(rules):
    rank = {band: i for i, band in enumerate(HEAT_BANDS)}
    heat = rules[rules["supply_category_id"].isin(rank) & rules["demand_category_id"].isin(rank)]
    up = heat[heat["demand_category_id"].map(rank) > heat["supply_category_id"].map(rank)]
    assert len(heat) >= 15
    assert (up["yield_ratio"] > 1).all() and up["receiving_process"].str.contains("heat pump").all()
    low_to_steam = rules[
        rules["supply_category_id"].isin(HEAT_BANDS[:4]) & rules["demand_category_id"].isin(STEAM)
    ]
    assert low_to_steam.empty


def test_steam_is_never_raised_in_pressure(pairs):
    assert ("steam_low_pressure", "steam_medium_pressure") not in pairs
    assert ("steam_medium_pressure", "steam_high_pressure") not in pairs


def test_cross_kind_rules_state_their_conversion(rules):
    kind = load_categories().set_index("category_id")["kind"]
    cross = rules[rules["supply_category_id"].map(kind) != rules["demand_category_id"].map(kind)]
    assert len(cross) >= 5
    assert cross["evidence_note"].str.startswith(CROSS_KIND_NOTE_PREFIX).all()
    assert (cross["pretreatment"] != "none").all()
    chips = cross.set_index(["supply_category_id", "demand_category_id"]).loc[
        ("wood_chips", "heat_space_heating")
    ]
    assert 2.5 <= chips["yield_ratio"] <= 4.0  # MWh of heat per t of chips


def test_regulated_routes_carry_their_authorisation(rules):
    by_pair = rules.set_index(["supply_category_id", "demand_category_id"])["authorisation"]
    assert by_pair[("paper_sludge_primary", "soil_amendment_organic")] == "mrf_authorisation"
    assert by_pair[("ash_wood_boiler", "liming_agent")] == "mrf_authorisation"
    assert by_pair[("whey", "animal_feed_ingredient")] == "cfia_feed"
    assert by_pair[("al_spent_pot_lining", "cement_alt_fuel")] == "hazmat_permit"


def test_transport_distances_follow_the_resource(rules):
    km = rules.set_index(["supply_category_id", "demand_category_id"])["max_transport_km"]
    heat = rules[rules["supply_category_id"].isin(HEAT_BANDS)]
    assert (heat["max_transport_km"] <= 10).all()
    assert (rules.loc[rules["supply_category_id"].isin(STEAM), "max_transport_km"] <= 3).all()
    assert km[("ferrous_scrap", "metal_remelt_feedstock")] >= 500
    assert km[("wood_bark", "biomass_fuel_wood")] <= 150


def test_evidence_types_are_all_used(rules):
    assert set(rules["evidence_type"]) == {"maestri", "literature", "expert"}
    assert rules["evidence_ref"].str.contains("MAESTRI:").sum() >= 100


def test_compatible_pairs_lookup(rules):
    table = compatible_pairs()
    assert len(table) == len(rules)
    assert not table.duplicated(["supply_category_id", "demand_category_id"]).any()
    row = table.set_index(["supply_category_id", "demand_category_id"]).loc[
        ("wood_chips", "heat_space_heating")
    ]
    assert row["cross_kind"] and row["supply_unit"] == "t/yr" and row["demand_unit"] == "MWh/yr"


def test_compatible_pairs_on_a_small_frame_drops_unknown_categories():
    small = load_rules().head(3).copy()
    small.loc[small.index[0], "supply_category_id"] = "no_such_category"
    table = compatible_pairs(small)
    assert len(table) == 2 and "no_such_category" not in set(table["supply_category_id"])


def test_loader_returns_copies():
    frame = load_rules()
    frame.loc[0, "yield_ratio"] = -5.0
    assert load_rules().loc[0, "yield_ratio"] > 0
