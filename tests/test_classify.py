"""The free-text classifier: regional examples, the labelled set and its holdout accuracy floor."""

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from symbiosis.kb import classify as clf
from symbiosis.kb import load_categories
from symbiosis.kb._text import parse_heat_band
from symbiosis.kb.classify import Suggestion, classify, classify_many, text_vectors, waste_code_suggestions
from symbiosis.schemas import RESOURCE_KINDS

LABELLED = Path(__file__).parent / "data" / "classification_labelled.csv"


@pytest.fixture(scope="module")
def labelled() -> pd.DataFrame:
    return pd.read_csv(LABELLED, dtype=str, keep_default_na=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SPL", "al_spent_pot_lining"),
        ("brasque usee", "al_spent_pot_lining"),
        ("Brasques usées, 4 000 t/an", "al_spent_pot_lining"),
        ("lactosérum", "whey"),
        ("LACTOSERUM 50 m3/jour", "whey"),
        ("palettes brisées", "pallets_wood_broken"),
        ("drêches de brasserie", "brewers_spent_grain"),
        ("dreches brasserie", "brewers_spent_grain"),
        ("boues de désinkage", "paper_deinking_sludge"),
        ("used motor oil", "used_oil_lubricating"),
        ("aluminum dross", "al_dross"),
        ("brasque 1ère coupe", "al_spl_carbon_cut"),
        ("brasque deuxième coupe", "al_spl_refractory_cut"),
    ],
)
def test_regional_examples_come_first(text, expected):
    assert classify(text)[0].category_id == expected


def test_sawdust_and_chips_of_softwood():
    ids = [s.category_id for s in classify("copeaux et sciure de résineux")]
    assert ids[0] in {"wood_sawdust", "wood_chips"}
    assert {"wood_sawdust", "wood_chips"} <= set(ids)


@pytest.mark.parametrize(
    "text",
    [
        "TPA plant waste water, high COD",
        "Brewery waste water (high COD, warm)",
        "Eaux usées de l'unité TPA, DCO élevée",
    ],
)
def test_untreated_wastewater_is_organically_loaded_water_not_clean_water_or_sludge(text):
    assert classify(text, direction="supply", unit="m³/yr")[0].category_id == "water_wash_organic"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # Primary and secondary sludge together are mixed sludge; primary alone is primary.
        ("Paper sludge (primary + secondary)", "paper_sludge_mixed"),
        ("Boues papetières (primaires + secondaires)", "paper_sludge_mixed"),
        ("Primary sludge from the clarifier", "paper_sludge_primary"),
        # French trade words.
        ("Refus de pulpeur (plastiques + fibres) de la ligne de carton recyclé", "pulp_fibre_rejects"),
        ("Retours de béton frais", "cd_concrete_rubble"),
        ("Terres dépolluées, pour remblai", "cd_soil_clean"),
        ("Knitwear offcuts and yarn waste", "textile_offcuts"),
        ("Chutes de tricot et déchets de fil", "textile_offcuts"),
        # A hydroxide sludge is a metal-bearing residue, not scrap (nor caustic soda).
        ("Metal hydroxide sludge from effluent neutralisation", "metal_bearing_residue"),
        ("Boues d'hydroxydes métalliques de la station de traitement", "metal_bearing_residue"),
    ],
)
def test_close_categories_are_told_apart_by_what_the_text_says(text, category):
    assert classify(text, direction="supply", unit="t/yr")[0].category_id == category


@pytest.mark.parametrize(
    "text", ["Process residue containing Ni/Co (leach residue)", "Résidu de procédé contenant Ni/Co"]
)
def test_a_residue_named_by_its_metal_symbols_is_metal_bearing(text):
    assert classify(text, direction="supply", unit="t/yr")[0].category_id == "metal_bearing_residue"


@pytest.mark.parametrize("text", ["Source-separated food waste", "Biodéchets alimentaires triés à la source"])
def test_a_demand_naming_a_material_only_a_supply_can_be_gets_its_outlets(text):
    from symbiosis.kb import load_rules

    rules = load_rules()
    outlets = set(rules.loc[rules["supply_category_id"] == "food_waste_mixed", "demand_category_id"])
    found = classify(text, direction="demand", unit="t/yr", top=3)
    # Food waste as such is no demand category; the demand wants it as feedstock of an outlet.
    assert [s.category_id in outlets - {"food_waste_mixed"} for s in found] == [True, True, True]
    # A supply reads the same words as what it is.
    assert classify(text, direction="supply", unit="t/yr")[0].category_id == "food_waste_mixed"


@pytest.mark.parametrize(
    "text",
    [
        "Urban waste wanted as raw material, for our biogas plant",
        "General organic waste wanted as raw material, for our biogas production",
        # Once misread (« organiques » tied to organically loaded wash water by the naive Bayes
        # reading); read right since digesters' needs have examples of their own (seventh session).
        "Déchets organiques recherchés pour notre production de biogaz",
    ],
)
def test_a_demand_naming_its_product_after_the_use_cue_is_not_read_as_that_products_outlets(text):
    # Biogas is a material only a supply can be; named after "for"/"pour", it is what the firm
    # makes, not what it wants: the demand is a digester's feedstock, not steam (biogas's outlet).
    found = [s.category_id for s in classify(text, direction="demand", unit="t/yr", top=3)]
    assert "steam_low_pressure" not in found
    assert "biogas_feedstock" in found


def test_demand_head_stops_at_the_first_use_cue_only():
    from symbiosis.kb._text import demand_head

    assert demand_head("Urban waste wanted as raw material, for our biogas plant") == "Urban waste wanted "
    assert demand_head("Combustibles de substitution pour les fours") == "Combustibles de substitution "
    assert demand_head("Sciure de bois") == "Sciure de bois"
    assert demand_head("Pour nos serres : chaleur") == ""


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Shoddy for stuffing and padding", "textile_recycling_feed"),
        ("Matière pour effilochage et rembourrage", "textile_recycling_feed"),
        ("Boues vertes / scories / cendres pour parpaings et briques", "brick_ceramic_feedstock"),
        ("déchets alimentaires et verts pour le lombricompostage", "compost_feedstock"),
    ],
)
def test_a_demand_is_read_by_the_trade_words_of_its_use(text, category):
    assert classify(text, direction="demand", unit="t/yr")[0].category_id == category


def test_alternative_kiln_fuel_is_read_in_french_too():
    found = classify(
        "Combustibles de substitution pour les fours (huiles, solvants, pneus)",
        direction="demand",
        unit="t/an",
        lang="fr",
    )
    assert found[0].category_id == "cement_alt_fuel"


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("rejets thermiques à 60 °C", "heat_medium_60_90c"),
        ("rejets thermiques à 60C", "heat_medium_60_90c"),
        ("rejets thermiques à 35 °C", "heat_low_30_60c"),
        ("chaleur fatale 140 degrés", "heat_high_90_150c"),
        ("waste heat at 25 C", "heat_ambient_lt_30c"),
        ("hot flue gas 400 °F", "heat_very_high_gt_150c"),
        # "> 150 °C" holds neither end: 150 °C is the 90–150 °C band; a shared end goes up (60 above).
        ("rejets thermiques à 150 °C", "heat_high_90_150c"),
        ("rejets thermiques à 151 °C", "heat_very_high_gt_150c"),
    ],
)
def test_temperature_picks_the_heat_band(text, band):
    assert classify(text)[0].category_id == band


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("vapeur à 2 bars en surplus", "steam_low_pressure"),
        ("vapeur 10 bar", "steam_medium_pressure"),
        ("steam 250 psig", "steam_high_pressure"),
        # The labels say "3,5–15 bar" and "> 15 bar": 15 bar is medium pressure.
        ("surplus process steam, ~15 bar", "steam_medium_pressure"),
        ("vapeur 16 bar", "steam_high_pressure"),
        # A range counts by its lower end (what is guaranteed, the least that is needed).
        ("purchased steam 15-20 bar", "steam_medium_pressure"),
        ("vapeur 20 à 40 bars", "steam_high_pressure"),
    ],
)
def test_pressure_picks_the_steam_band(text, band):
    assert classify(text)[0].category_id == band


def test_temperature_does_not_override_steam_or_a_heat_use():
    assert classify("vapeur basse pression 140 °C")[0].category_id.startswith("steam_")
    assert classify("chauffage de serres à 60 °C")[0].category_id == "heat_greenhouse"


@pytest.mark.parametrize(
    ("text", "unit", "temperature", "category"),
    [
        (
            "Baking furnace flue gas downstream of the fume treatment, about 250°C, thermal",
            "MWh/yr",
            250,
            "heat_very_high_gt_150c",
        ),
        (
            "Gaz de cuves vers le traitement des fumées, récupérables par échangeur",
            "kW",
            130,
            "heat_high_90_150c",
        ),
        ("Biogaz brut du digesteur à 38 °C, 60 % CH4", "MWh/an", None, "biogas_raw"),
        ("Raw biogas from the digester, 55 % methane", "MWh/yr", 37, "biogas_raw"),
    ],
)
def test_a_temperature_makes_hot_flue_gas_heat_not_a_fuel_gas(text, unit, temperature, category):
    """Hot gas a firm offers to an exchanger is heat of its band; a fuel gas with its temperature stays
    a fuel (its value is its heating value)."""
    got = classify(text, direction="supply", unit=unit, temperature_c=temperature)
    assert got[0].category_id == category


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("ecorses de sapin", "écorces de sapin"),
        ("sciure de boi", "sciure de bois"),
        ("lactoserrum", "lactosérum"),
        ("Brasque Usees", "brasque usée"),
        ("ecorsses de sapin", "écorces de sapin"),
    ],
)
def test_typos_accents_and_case_do_not_change_the_answer(typed, clean):
    assert classify(typed)[0].category_id == classify(clean)[0].category_id


def test_short_or_distant_words_are_not_corrected():
    index = clf._index()
    assert clf._correct(index, "sapin") == "sapin"  # five letters: never corrected
    assert clf._correct(index, "specification") == "specification"  # not "rectification"
    assert clf._correct(index, "lactoserrum") == "lactoserum"


def test_suggestions_are_well_formed():
    suggestions = classify("Brasque usée 1re coupe", top=5)
    assert len(suggestions) == 5
    assert all(isinstance(s, Suggestion) for s in suggestions)
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    for s in suggestions:
        assert s.kind in RESOURCE_KINDS
        assert all(re.fullmatch(r"\d{6}", code) for code in s.waste_codes)
        assert s.label_fr and s.label_en


def test_top_and_empty_text():
    assert len(classify("sciure", top=1)) == 1
    assert classify("", top=3) == []
    assert classify("1234 t/an", top=3) == []
    assert classify_many([]) == []


def test_lang_prefers_but_does_not_forbid_the_other_language():
    assert classify("sawdust", lang="fr")[0].category_id == "wood_sawdust"
    assert classify("sciure", lang="en")[0].category_id == "wood_sawdust"


def test_classify_many_matches_classify():
    texts = ["écorces", "waste oil", "rejets thermiques 80 °C"]
    assert classify_many(texts, top=2) == [classify(t, top=2) for t in texts]


def test_waste_code_suggestions_for_spent_pot_lining():
    codes = [code for code, _ in waste_code_suggestions("brasque usée")]
    assert codes[0] in {"161101", "161102"}
    assert all(re.fullmatch(r"\d{6}", c) for c in codes)


def test_text_vectors_are_unit_rows_in_one_space():
    vectors = text_vectors(["sciure de bois", "bran de scie de sapin, sciures", "huile usée", ""])
    assert vectors.shape[0] == 4
    norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel())
    np.testing.assert_allclose(norms, [1.0, 1.0, 1.0, 0.0])
    sims = (vectors @ vectors.T).toarray()
    assert sims[0, 1] > sims[0, 2]
    assert text_vectors(["x"]).shape[1] == vectors.shape[1]


def test_tiny_index_built_by_hand(caplog):
    categories = pd.DataFrame(
        {
            "category_id": ["a_bark", "b_whey", "c_heat_hot"],
            "family": ["wood", "agri", "heat"],
            "kind": ["material", "material", "energy"],
            "label_fr": ["Écorces", "Lactosérum", "Rejets thermiques 60–90 °C"],
            "label_en": ["Bark", "Whey", "Waste heat 60–90 °C"],
            "synonyms_fr": ["écorce", "petit-lait", ""],
            "synonyms_en": ["hog fuel", "", "hot water"],
            "waste_codes": ["03 01 01", "020501*|", ""],
        }
    )
    extra = pd.DataFrame({"category_id": ["b_whey", "zz"], "lang": ["fr", "fr"], "synonym": ["sérum", "x"]})
    low = {"030101": ("Waste bark and cork", "Déchets d'écorce et de liège")}
    with caplog.at_level(logging.WARNING):
        index = clf._build_index(categories, extra, low)
    assert "zz" in caplog.text  # synonyms of an unknown category are reported, not used
    assert index.categories[0].waste_codes == ("030101",)
    assert index.categories[1].waste_codes == ("020501",)
    assert index.heat_bands == ((2, 60.0, 90.0),)
    assert index.pressure_bands == ()
    scores = clf._scores(index, ["sérum doux", "liège", "hot water"], None)
    assert list(scores.argmax(axis=1)) == [1, 0, 2]
    assert ((scores >= 0.0) & (scores <= 1.0)).all()


@pytest.mark.parametrize(
    ("label", "band"),
    [
        ("Rejets thermiques 30–60 °C", (30.0, 60.0)),
        ("Waste heat below 30 °C", (-np.inf, 30.0)),
        ("Waste heat above 150 °C", (150.0, np.inf)),
        ("Rejets thermiques < 30 °C", (-np.inf, 30.0)),
        ("Rejets thermiques > 150 °C", (150.0, np.inf)),
        ("Vapeur basse pression (< 3,5 bar)", None),
    ],
)
def test_heat_band_is_read_from_the_label(label, band):
    assert parse_heat_band(label) == band


def test_every_category_id_used_by_the_synonyms_exists():
    extra = clf._extra_synonyms()
    assert set(extra["category_id"]) <= set(load_categories()["category_id"])
    assert set(extra["lang"]) <= {"fr", "en"}


def test_labelled_set_shape(labelled):
    categories = load_categories()
    assert len(labelled) >= 300
    assert (labelled["lang"] == "fr").sum() >= 150 and (labelled["lang"] == "en").sum() >= 120
    assert set(labelled["split"]) == {"tune", "holdout"}
    assert set(labelled["category_id"]) <= set(categories["category_id"])
    family_of = dict(zip(categories["category_id"], categories["family"], strict=True))
    family = labelled["category_id"].map(family_of)
    # Every family of residues and needs is covered; the families of List-of-Waste chapters 18–20
    # (added for full code coverage) are measured on the corpus of documented cases instead.
    assert set(family) == set(categories["family"]) - {"waste_treatment", "healthcare", "municipal"}
    assert abs((labelled["split"] == "holdout").mean() - 0.5) < 0.05
    assert not labelled["text"].str.lower().duplicated().any()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_holdout_top3_accuracy_floor(labelled, lang):
    rows = labelled[(labelled["split"] == "holdout") & (labelled["lang"] == lang)]
    results = classify_many(list(rows["text"]), top=3)
    truths = rows["category_id"]
    hits = [truth in [s.category_id for s in r] for truth, r in zip(truths, results, strict=True)]
    assert np.mean(hits) >= 0.90


@pytest.mark.parametrize(
    ("text", "unit", "outlet"),
    [
        ("Usine de granules : on achète sciure sèche et copeaux de rabotage", "t/an", "pellet_feedstock"),
        (
            "Papetière : achetons carton ondulé (OCC) et papier mélangé en balles",
            "t/an",
            "paper_recovered_fibre_feed",
        ),
        ("Plant buying used cooking oil and animal fat for biodiesel", "t/yr", "biodiesel_feedstock"),
        ("Mouleur achète PP et PEHD broyés", "t/an", "plastic_recycled_resin"),
    ],
)
def test_a_demand_naming_several_materials_of_a_family_wants_their_common_outlet(text, unit, outlet):
    """Each material alone read as itself, and its identity rule matched it with its own kind only;
    the firm wants any of them: the outlet their rules share comes first, the materials follow."""
    found = [s.category_id for s in classify(text, direction="demand", unit=unit, top=3)]
    assert found[0] == outlet
    # A supply naming the same materials is still what it is; one material alone stays itself.
    assert classify(text, direction="supply", unit=unit)[0].category_id != outlet


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Recherchons sciure sèche", "wood_sawdust"),  # one material: its identity rule serves it
        (
            "Liant cimentaire / laitier granulé pour béton bas carbone",
            "slag_bf_granulated",
        ),  # a material and its use
    ],
)
def test_one_material_or_a_material_with_its_use_is_not_several_materials(text, category):
    assert classify(text, direction="demand", unit="t/an", top=1)[0].category_id == category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Capping material wanted for the rehabilitation of our tailings area", "fill_material"),
        ("Input for our co-digestion of trap grease", "biogas_feedstock"),
    ],
)
def test_a_need_stated_by_what_the_receiver_does_reads_its_rules_receiving_process(text, category):
    """The rules name what each receiver does ("capping and fill of rehabilitated areas",
    "co-digestion of trap grease"); a need written that way is that receiver's demand category
    (before, the material it would receive came first: mining tailings, trap grease)."""
    assert classify(text, direction="demand", unit="t/yr", top=1)[0].category_id == category
