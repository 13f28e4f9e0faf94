"""Text normalisation, value parsing and the n-gram TF-IDF space of the classifier, checked by hand."""

import numpy as np
import pytest

from symbiosis.kb._ngrams import char_ngrams, fit_space
from symbiosis.kb._text import (
    CONTEXT_WEIGHT,
    normalize,
    parse_band,
    parse_pressure_bar,
    parse_temperature_c,
    stem,
    tokens,
    weighted_tokens,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Lactosérum", "lactoserum"),
        ("ŒUFS brûlés", "oeufs brules"),
        ("Drêches de brasserie", "dreches de brasserie"),
        ("Brasque usée: 4 000 t/an", "brasque usee"),
        ("copeaux (12,5 m³/jour)", "copeaux"),
        ("Rejets thermiques à 60 °C, 2 MW", "rejets thermiques a"),
        ("40t de SPL", "de spl"),
        ("CO2 capté", "co2 capte"),
        ("SPL 1re coupe / 2nd cut", "spl first coupe second cut"),
    ],
)
def test_normalize_folds_accents_ligatures_units_and_numbers(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("variants"),
    [
        ("usées", "usée", "usés", "usé"),
        ("palettes", "palette"),
        ("copeaux", "copeau"),
        ("boues", "boue"),
        ("brisées", "brisée", "brisé"),
        ("shavings", "shaving"),
        ("slurries", "slurry"),
    ],
)
def test_plural_and_gender_variants_share_a_stem(variants):
    stems = {tokens(v)[0] for v in variants}
    assert len(stems) == 1, stems


def test_stem_keeps_short_words_and_double_s():
    assert stem("spl") == "spl"
    assert stem("glass") == "glass"
    assert stem("metaux") == "metal"


@pytest.mark.parametrize(
    ("text", "celsius"),
    [
        ("rejets thermiques à 60 °C", 60.0),
        ("eau à 60C", 60.0),
        ("chaleur 140 degrés", 140.0),
        ("air chaud 85 deg C", 85.0),
        ("fumées 212 °F", 100.0),
        ("de 40 à 45,5 °C", 45.5),
        ("Brasque usée 40 t/an", None),
        ("2 MW continu", None),
        ("Carbonate de calcium", None),
    ],
)
def test_parse_temperature_c(text, celsius):
    found = parse_temperature_c(text)
    assert (found is None) if celsius is None else found == pytest.approx(celsius)


@pytest.mark.parametrize(
    ("text", "bar"),
    [
        ("vapeur 10 bar", 10.0),
        ("vapeur à 2 bars", 2.0),
        ("10 barg", 10.0),
        ("steam at 150 psig", 150 * 0.0689476),
        ("800 kPa", 8.0),
        ("1,5 MPa", 15.0),
        ("bar laitier", None),
        ("steam 13-20 bar", 13.0),
        ("vapeur 15 à 20 bars", 15.0),
        ("1-2 MPa", 10.0),
        ("3 to 5 barg, then 12 bar", 12.0),
        ("vapeur basse pression", None),
    ],
)
def test_parse_pressure_bar(text, bar):
    found = parse_pressure_bar(text)
    assert (found is None) if bar is None else found == pytest.approx(bar)


@pytest.mark.parametrize(
    ("label", "unit", "band"),
    [
        ("Vapeur basse pression (< 3,5 bar)", "bar", (-np.inf, 3.5)),
        ("Medium-pressure steam (3.5–15 bar)", "bar", (3.5, 15.0)),
        ("High-pressure steam (> 15 bar)", "bar", (15.0, np.inf)),
        ("Vapeur basse pression (< 3,5 bar)", "C", None),
        ("Rejets thermiques 30–60 °C", "bar", None),
    ],
)
def test_parse_band_in_bar_and_celsius(label, unit, band):
    assert parse_band(label, unit) == band


def test_waste_water_is_one_word():
    # "waste" alone only says a stream is a residue; "waste water" is wastewater, not water.
    assert tokens("TPA plant waste water") == tokens("TPA plant wastewater") == ["tpa", "plant", "wastewater"]
    assert "water" in tokens("waste heat and water")


def test_tokens_drop_stop_words():
    assert tokens("copeaux et sciure de résineux") == ["copeau", "sciur", "resineu"]
    assert tokens("the bark from the yard") == ["bark", "yard"]


def test_weighted_tokens_lower_the_source_and_silence_generic_words():
    pairs = dict(weighted_tokens("Surplus biogas from the anaerobic digester, clean"))
    assert pairs[stem("biogas")] == 1.0
    assert pairs[stem("anaerobic")] == CONTEXT_WEIGHT and pairs[stem("digester")] == CONTEXT_WEIGHT
    assert pairs[stem("clean")] == 1.0  # the comma ends the "from" clause
    assert pairs[stem("surplus")] == 0.0


@pytest.mark.parametrize(
    ("text", "source_words"),
    [
        ("Plastic wastes, by-product of our agricultural company", ["agricultural", "company"]),
        ("Boues de notre usine de pâte, pressées", ["usine", "pate"]),
        ("Copeaux secs de nos scieries", ["scieries"]),
    ],
)
def test_in_a_supply_a_possessive_after_a_preposition_names_the_declarers_plant(text, source_words):
    weights = dict(weighted_tokens(text, direction="supply"))
    assert all(weights[stem(w)] == CONTEXT_WEIGHT for w in source_words)
    assert max(weights.values()) == 1.0  # the stream's own words keep their weight


def test_in_a_demand_the_same_words_name_the_use_and_keep_their_weight():
    weights = dict(weighted_tokens("Fibres recyclées pour nos plateaux moulés", direction="demand"))
    assert weights[stem("plateaux")] == 1.0 and weights[stem("moules")] == 1.0
    # "Notre usine" opening a sentence is no clause of origin: nothing precedes the possessive.
    assert dict(weighted_tokens("Notre usine génère des copeaux", direction="supply"))[stem("copeaux")] == 1.0


def test_a_use_cue_that_is_also_a_word_still_counts_in_a_demand():
    # "substitution" and "feed" open the use clause of a demand, and they are also what is wanted.
    assert stem("substitution") in dict(
        weighted_tokens("Combustibles de substitution pour les fours", direction="demand")
    )
    assert stem("feed") in dict(weighted_tokens("Protein feed for cattle", direction="demand"))
    assert "pour" not in dict(weighted_tokens("Combustibles pour les fours", direction="demand"))


def test_a_parenthesis_belongs_to_the_clause_it_qualifies():
    # "(foul condensate stripping)" says more about the source, not about the resource.
    pairs = weighted_tokens("Crude methanol from evaporation condensates (foul condensate stripping), wet")
    weights = dict(pairs)
    assert weights[stem("methanol")] == 1.0
    assert weights[stem("stripping")] == CONTEXT_WEIGHT
    assert weights[stem("wet")] == 1.0  # the comma after the parenthesis ends the "from" clause
    # A parenthesis after the resource stays at full weight.
    assert dict(weighted_tokens("Slag (glassy) from the furnace"))[stem("glassy")] == 1.0


def test_a_list_of_metal_symbols_names_the_metals():
    assert {"nickel", "cobalt"} <= set(tokens("Process residue containing Ni/Co"))
    assert {"zinc", "lead", "plomb"} <= set(tokens("Gas cleaning sludge (Zn, Pb)"))
    # A symbol alone, or in lower case, is left as written: too often a word or an abbreviation.
    assert "cobalt" not in tokens("Co-digestion of food waste")
    assert "cobalt" not in tokens("co2 and h2")


def test_spelling_variants_are_folded():
    assert tokens("aluminum turnings") == tokens("aluminium turnings")
    assert tokens("boues de désinkage") == tokens("boues de désencrage")


def test_char_ngrams_respect_word_boundaries():
    grams = char_ngrams(["spl", "ab"])
    assert " spl " in grams and " sp" in grams and "pl " in grams
    assert " ab " in grams  # a word shorter than n_min yields itself, padded
    assert not any("l a" in g for g in grams)  # no n-gram spans two words


def test_space_rows_are_unit_length_and_unknown_grams_ignored():
    space = fit_space([tokens("brasque usée"), tokens("sciure de bois"), tokens("écorces")])
    matrix = space.transform([tokens("brasques usées"), [], tokens("zzzz"), tokens("sciure écorces")])
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    np.testing.assert_allclose(norms, [1.0, 0.0, 0.0, 1.0])


def test_idf_favours_rare_ngrams():
    space = fit_space([tokens("boues rouges"), tokens("boues de chaux"), tokens("boues primaires")])
    assert space.idf[space.vocabulary[" bou"]] < space.idf[space.vocabulary["rouge"[:4]]]


def test_raw_material_only_says_an_input_and_never_reads_as_raw_water():
    """ "raw material" / "matière première" weigh nothing (the MAESTRI split found demands worded
    "X wanted as raw material" classified as raw water by the letters "raw" and "ater")."""
    from symbiosis.kb._text import weighted_tokens
    from symbiosis.kb.classify import classify

    assert dict(weighted_tokens("shale as raw material", direction="demand"))["raw"] == 0.0
    assert dict(weighted_tokens("raw water from the lake", direction="demand"))["raw"] > 0.0
    french = dict(weighted_tokens("matières premières secondaires"))
    assert french["premier"] == 0.0 and french["secondair"] > 0.0
    top = classify("spent catalyst wanted as raw material", direction="demand", unit="t/yr")
    assert top[0].category_id == "spent_catalyst"
    assert "water_grey_raw" not in {s.category_id for s in top}


def test_how_a_stream_is_shipped_says_nothing_of_what_it_is():
    """« en vrac ou en sacs », "in bulk bags", « en barils » weigh as context; a bag named as the
    material (« Sacs de jute usagés ») keeps its full weight."""
    from symbiosis.kb._text import CONTEXT_WEIGHT, weighted_tokens

    mulch = dict(weighted_tokens("Paillis d'écorce tamisée, en vrac ou en sacs"))
    assert mulch["vrac"] == CONTEXT_WEIGHT and mulch["sac"] == CONTEXT_WEIGHT and mulch["ecorc"] == 1.0
    bags = dict(weighted_tokens("Fly ash shipped in bulk bags"))
    assert bags["bulk"] == CONTEXT_WEIGHT and bags["bag"] == CONTEXT_WEIGHT
    assert dict(weighted_tokens("Sacs de jute usagés"))["sac"] == 1.0
    assert dict(weighted_tokens("Huile usée en barils"))["baril"] == CONTEXT_WEIGHT


def test_weighted_tokens_are_read_once_and_handed_out_as_fresh_lists():
    """The reading of a text is cached per process; a caller changing its list changes no later one."""
    from symbiosis.kb._text import _weighted_tokens, weighted_tokens

    text = "Copeaux secs (écorces acceptées) au séchoir"
    first = weighted_tokens(text, direction="demand")
    first.append(("intrus", 1.0))
    hits = _weighted_tokens.cache_info().hits
    again = weighted_tokens(text, direction="demand")
    assert _weighted_tokens.cache_info().hits == hits + 1
    assert ("intrus", 1.0) not in again
    assert weighted_tokens(text, direction="supply") != again  # a demand is read its own way
