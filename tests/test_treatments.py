"""Pre-treatments a supply's description states as done (kb.treatments), in French and English."""

from __future__ import annotations

import pytest

from symbiosis.kb.rules import PRETREATMENTS
from symbiosis.kb.treatments import TREATED, stated_treatments, treatment_bit


def _read(text: str) -> set[str]:
    mask = int(stated_treatments([text])[0])
    return {code for code in PRETREATMENTS if mask & treatment_bit(code)}


@pytest.mark.parametrize(
    ("text", "done"),
    [
        ("Yeast slurry from insulin fermentation, heat treated, approx 10 % DM", {"hygienisation"}),
        ("NovoGro: liquid inactivated biomass from enzyme fermentation", {"hygienisation"}),
        ("Résidus de viande pasteurisés", {"hygienisation"}),
        ("Boues traitées thermiquement", {"hygienisation"}),
        ("Boues déshydratées (filtre-presse)", {"dewatering"}),
        ("Bauxite residue filter cake", {"dewatering"}),
        ("Gâteau de filtration de la station", {"dewatering"}),
        ("Sciure séchée au séchoir", {"drying"}),
        ("Kiln-dried pine shavings", {"drying"}),
        ("Ground granulated blast furnace slag (GGBS)", {"grinding"}),
        ("Broyat de palettes", {"grinding"}),
        ("Verre concassé", {"crushing"}),
        ("Ferraille triée et cisaillée", {"sorting"}),
        ("De-oiled waste clay", {"cleaning"}),
        ("Carton en balles", {"baling"}),
        ("Sable criblé et lavé", {"screening", "cleaning"}),
        ("Biomethane, grid quality", {"upgrading"}),
    ],
)
def test_a_supply_stating_a_treatment_done(text, done):
    assert _read(text) == done


@pytest.mark.parametrize(
    "text",
    [
        "Boues à sécher",  # still to do
        "Sludge to be dried before use",
        "Sludge, not dried",
        "Boues non triées",
        "Partially dewatered sludge",
        "Yeast slurry, 10 % dry matter",  # a measure, not a state
        "Digestat à 6 % de matière sèche",
        "Rejets de fibres du tamisage",  # the operation's residue, not a screened product
        "Poussière de pierre et criblures",
        "Broyeur à bois et déchiqueteuse mobiles",  # the machine
        "Groundwater from dewatering wells",
        "Granulated blast furnace slag, wet",  # granulated is not ground
        "Undried sawdust",
    ],
)
def test_a_supply_stating_no_treatment_done(text):
    assert _read(text) == set()


def test_every_pattern_names_a_rule_pretreatment_and_missing_text_reads_as_none():
    assert set(TREATED) <= set(PRETREATMENTS)
    assert list(stated_treatments([None, ""])) == [0, 0]
    assert treatment_bit("not_a_step") == 0


def test_the_sieve_itself_is_no_screened_product():
    assert _read("Refus du crible") == set() and _read("Refus de crible") == set()


def test_a_negation_is_a_whole_word():
    """« tube » ends in "be ", « normal » in "mal ": neither is a step still to do."""
    assert _read("Tube dried in the oven") == {"drying"}
    assert _read("Sable normal criblé") == {"screening"}
