"""Outlets the industrial-symbiosis literature documents, sector by sector, stay in the knowledge base.

Each test names a few concrete (supply, demand) pairs added from an audit of the published exchanges
(MAESTRI cases, EU BREFs, reviews); a future edit of ``rules.csv`` that drops one of them fails here.
"""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.kb import load_rules


@pytest.fixture(scope="module")
def rules() -> pd.DataFrame:
    return load_rules().set_index(["supply_category_id", "demand_category_id"])


def _outlet(rules: pd.DataFrame, supply: str, demand: str) -> pd.Series:
    assert (supply, demand) in rules.index, f"{supply} -> {demand} is no longer a rule"
    return rules.loc[(supply, demand)]


def test_power_and_heat_outlets(rules):
    # Coal-combustion products in pavements (FHWA user guidelines) and as lightweight aggregate.
    assert _outlet(rules, "coal_fly_ash", "asphalt_mix_feed")["r_code"] == "R5"
    assert _outlet(rules, "coal_bottom_ash", "asphalt_mix_feed")["max_transport_km"] <= 150
    assert _outlet(rules, "coal_fly_ash", "aggregates_secondary")["yield_ratio"] < 1.0
    # Medium-grade waste heat reaches 90-150 °C process heat only through a heat pump (yield > 1).
    lift = _outlet(rules, "heat_medium_60_90c", "heat_high_90_150c")
    assert lift["yield_ratio"] > 1.0 and "heat pump" in lift["receiving_process"]
    assert lift["max_transport_km"] <= 15


def test_petrochemical_and_chemical_outlets(rules):
    # Spent pickling liquor into ferric chloride coagulant (hazardous, permit); crude methanol as a kiln fuel.
    pickle = _outlet(rules, "spent_acids", "inorganic_chemicals")
    assert pickle["hazardous"] and pickle["authorisation"] == "hazmat_permit" and pickle["r_code"] == "R6"
    assert _outlet(rules, "crude_methanol", "cement_alt_fuel")["r_code"] == "R1"
    # Plastics gasified into ammonia syngas (Kawasaki) is a documented case, not an expert note.
    assert _outlet(rules, "plastic_mixed", "plastic_feedstock_recycling")["evidence_type"] == "maestri"
    # Crude glycerol from biodiesel: chemical feedstock and digester co-substrate, never feed (its
    # methanol and the fats it comes from are not known).
    assert _outlet(rules, "crude_glycerol", "crude_glycerol")["max_transport_km"] >= 500
    assert _outlet(rules, "crude_glycerol", "biogas_feedstock")["r_code"] == "R3"
    assert ("crude_glycerol", "animal_feed_ingredient") not in rules.index
    # A firm that needs sulphuric acid buys acid: sulphur, H2S or spent acid go to the acid plant or
    # regenerator, which declares what it takes (identity rules), not to the acid's buyer.
    for supply in ("sulphur_elemental", "sour_gas_h2s", "spent_acids"):
        assert (supply, "sulphuric_acid") not in rules.index


def test_pulp_paper_and_sawmill_outlets(rules):
    # Fibre rejects and paper sludges as pore formers in fired bricks (Demir et al. 2005).
    for supply in (
        "pulp_fibre_rejects",
        "paper_sludge_mixed",
        "paper_deinking_sludge",
        "paper_sludge_primary",
    ):
        assert _outlet(rules, supply, "brick_ceramic_feedstock")["evidence_type"] == "literature"
    # Boiler ash to cement and paper sludge to fertiliser makers are documented exchanges.
    assert "MAESTRI:10.39.6" in _outlet(rules, "ash_wood_boiler", "cement_raw_material")["evidence_ref"]
    assert _outlet(rules, "paper_sludge_mixed", "compost_feedstock")["evidence_type"] == "maestri"
    # Sawmill residues keep their classic outlets.
    assert ("wood_sawdust", "pellet_feedstock") in rules.index
    assert ("wood_chips", "wood_chips") in rules.index  # chips to a pulp mill


def test_sugar_distilling_brewing_and_agrifood_outlets(rules):
    # Sugar: filter mud to fertiliser makers and cement, beet lime to farmers, beet-yard soil and stones.
    assert _outlet(rules, "sugar_filter_mud_lime", "compost_feedstock")["evidence_type"] == "maestri"
    assert _outlet(rules, "sugar_filter_mud_lime", "cement_raw_material")["evidence_type"] == "maestri"
    assert _outlet(rules, "sugar_filter_mud_lime", "liming_agent")["authorisation"] == "mrf_authorisation"
    assert _outlet(rules, "low_0204", "fill_material")["evidence_ref"] == "MAESTRI:46.10.2"
    assert _outlet(rules, "low_0204", "aggregates_secondary")["evidence_ref"] == "MAESTRI:46.10.1"
    # Distilling and dairy: vinasse to fertiliser makers, whey lactose to fermentation.
    assert _outlet(rules, "distillery_vinasse", "compost_feedstock")["evidence_type"] == "maestri"
    assert _outlet(rules, "whey", "fermentation_sugars")["yield_ratio"] <= 0.15
    # Slaughter by-products to a renderer, under its CFIA permit; husks fire boilers by heating value.
    assert _outlet(rules, "animal_byproducts", "animal_byproducts")["authorisation"] == "cfia_feed"
    husk = _outlet(rules, "crop_residues", "biomass_fuel_wood")
    assert husk["evidence_type"] == "maestri" and husk["yield_ratio"] > 1.0  # 4.0 over 2.8 MWh/t


def test_iron_steel_aluminium_and_nonferrous_outlets(rules):
    # Steel slag: cement (four more documented cases), asphalt aggregate, bricks, phosphorus filters.
    cement = _outlet(rules, "slag_metallurgical", "cement_raw_material")["evidence_ref"]
    assert {"MAESTRI:31.29.7", "MAESTRI:32.30.6"} <= set(cement.split("|"))
    assert _outlet(rules, "slag_metallurgical", "asphalt_mix_feed")["pretreatment"] == "crushing"
    assert _outlet(rules, "slag_metallurgical", "brick_ceramic_feedstock")["evidence_type"] == "maestri"
    # Waste plastics replace coke in blast furnaces; coke-oven gas gives hydrogen for ammonia.
    assert _outlet(rules, "plastic_mixed", "carbon_reductant")["yield_ratio"] < 1.0
    assert _outlet(rules, "offgas_combustible", "hydrogen_byproduct")["max_transport_km"] <= 10
    # Coke-oven ammonium sulphate to fertiliser makers; aluminium residues keep their outlets.
    assert _outlet(rules, "mineral_fertiliser", "mineral_fertiliser")["evidence_type"] == "maestri"
    assert ("al_spent_pot_lining", "cement_alt_fuel") in rules.index
    assert ("metal_bearing_residue", "metal_bearing_residue") in rules.index  # EAF dust to a Waelz kiln


def test_cement_lime_and_mineral_outlets(rules):
    # Kilns take sewage sludge and washed incinerator fly ash as raw material, recycled gypsum as retarder.
    assert _outlet(rules, "wastewater_sludge", "cement_raw_material")["yield_ratio"] <= 0.2  # its ash only
    apc = _outlet(rules, "mswi_fly_ash_apc", "cement_raw_material")
    assert apc["hazardous"] and apc["pretreatment"] == "cleaning"
    assert _outlet(rules, "cd_gypsum_board", "cement_raw_material")["pretreatment"] == "sorting"
    # Lime kiln dust neutralises acid effluent (Kwinana).
    assert _outlet(rules, "lime_kiln_dust", "effluent_ph_adjustment")["evidence_ref"] == "MAESTRI:16.30.53"


def test_waste_wastewater_and_water_utility_outlets(rules):
    # Drinking-water clarification sludge (19 09 02) has its own category and its documented outlets.
    for demand in ("brick_ceramic_feedstock", "cement_raw_material", "reactive_filter_media"):
        assert _outlet(rules, "water_treatment_sludge", demand)["r_code"] == "R5"
    assert ("water_treatment_sludge", "liming_agent") not in rules.index  # alum sludge is no liming agent
    # Sewage sludge to farms is a documented case; shredded tyres are a lightweight civil-works fill.
    farms = set(_outlet(rules, "wastewater_sludge", "soil_amendment_organic")["evidence_ref"].split("|"))
    assert {"MAESTRI:5.25.12", "MAESTRI:16.30.51"} <= farms
    assert _outlet(rules, "tyres_end_of_life", "fill_material")["pretreatment"] == "grinding"
