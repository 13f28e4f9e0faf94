"""Named substances (issue 9, correctness): a buyer of ammonia is not offered iron chloride.

Wide categories (``inorganic_chemicals``, ``spent_acids``, ``olefins_feedstock``, ``cement_raw_material``)
link streams a description tells apart; :mod:`symbiosis.kb.substances` reads the substances each
side names and :mod:`symbiosis.engine.quality` refuses a pair whose sides name disjoint ones.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.engine.quality import SPEC_LABELS, QualityArrays, spec_violations
from symbiosis.kb import load_categories
from symbiosis.kb.substances import category_bits, load_substances, substance_bits, substance_labels
from symbiosis.pipeline import run
from symbiosis.registry import Registry
from symbiosis.schemas import FIRMS
from tests._registry_helpers import firm, stream


def _named(text: str, direction: str) -> list[str]:
    return substance_labels(int(substance_bits([text], direction=direction)[0]), "en")


# -- the lexicon ---------------------------------------------------------------------------------


def test_the_substance_table_is_well_formed():
    table = load_substances()
    assert table["substance_id"].is_unique and 0 < len(table) <= 63
    assert (table[["label_fr", "label_en", "pattern"]] != "").all().all()
    known = set(load_categories()["category_id"])
    for row in table.itertuples():
        re.compile(row.pattern)
        assert not re.search(row.pattern, ""), row.substance_id  # a pattern never matches nothing
        for category in filter(None, row.supply_categories.split("|")):
            assert category in known, (row.substance_id, category)


@pytest.mark.parametrize(
    ("text", "direction", "named"),
    [
        # A supply is read whole: its origin may be what it is.
        ("Slag from copper smelting", "supply", ["slag", "copper"]),
        ("Boues rouges (résidu de bauxite) neutralisées", "supply", ["bauxite residue"]),
        ("Éthylène, qualité polymère", "supply", ["ethylene"]),
        ("Gypse de désulfuration (FGD)", "supply", ["gypsum"]),
        # A demand is read by its head: what follows the use cue is what the buyer makes.
        ("Sulphur (liquid or solid) for sulphuric acid and ammonium thiosulphate", "demand", ["sulphur"]),
        ("Soufre pour acide sulfurique", "demand", ["sulphur"]),
        ("Gypsum as set retarder", "demand", ["gypsum"]),
        ("Chaux vive pour la caustification", "demand", ["lime or limestone"]),
        ("Coproduits calciques et cendres pour amendements", "demand", ["lime or limestone", "ash"]),
        # Examples widen a head that names a substance…
        ("Calcium source for raw meal (lime mud, carbide slag)", "demand", ["lime or limestone", "slag"]),
        # …but never make a spec of a head that names none.
        ("Combustibles de substitution pour le four (brasques, solvants, pneus)", "demand", []),
        ("Alternative fuels (SPL, solvents, tyres)", "demand", []),
        # "Non ferreux" is not iron; a plastic is not its monomer; pet food is not PET.
        ("Achat de métaux non ferreux", "demand", []),
        ("Non-ferrous metals wanted", "demand", []),
        ("Polyethylene film offcuts", "supply", ["polyethylene"]),
        ("Pet food ingredients", "demand", []),
        ("Eau de refroidissement tiède", "supply", []),
        # Sodium salts: an oxalate cake is neither ammonia nor caustic soda, and says so.
        ("Sodium oxalate cake removed from Bayer liquor", "supply", ["sodium salts"]),
        ("Sodium hydroxide solution, 50 %", "supply", ["caustic soda"]),
        ("Sulfate de sodium anhydre", "supply", ["sodium salts"]),
        ("Anhydrous ammonia for leaching", "demand", ["ammonia"]),
    ],
)
def test_what_a_description_names(text, direction, named):
    assert _named(text, direction) == named


def test_substance_bits_are_aligned_with_the_texts_and_read_missing_text_as_empty():
    texts = pd.Series(["Gypsum", None, "Gypsum", "", "coal fly ash"])
    bits = substance_bits(texts, direction="supply")
    assert bits.dtype == np.int64 and len(bits) == 5
    assert bits[0] == bits[2] != 0 and bits[1] == bits[3] == 0 and bits[4] not in (0, bits[0])
    assert substance_bits([], direction="demand").shape == (0,)


def test_a_supply_category_adds_the_substances_tied_to_it():
    bits = category_bits(["fgd_gypsum", "ash_wood_boiler", "not_a_category", ""])
    assert substance_labels(int(bits[0]), "fr") == ["gypse"]
    assert set(substance_labels(int(bits[1]), "en")) == {"lime or limestone", "ash"}
    assert bits[2] == bits[3] == 0


# -- the specification ---------------------------------------------------------------------------


def test_disjoint_named_substances_break_the_spec_and_silence_never_does():
    sup = QualityArrays.empty(3)
    dem = QualityArrays.empty(3)
    sup = QualityArrays(**{**sup.__dict__, "substances": np.array([0b01, 0b01, 0], dtype=np.int64)})
    dem = QualityArrays(**{**dem.__dict__, "substances": np.array([0b10, 0b11, 0b10], dtype=np.int64)})
    pairs = np.arange(3)
    assert spec_violations(pairs, pairs, sup, dem)["substance"].tolist() == [True, False, False]
    # Arrays built without the field (older callers) judge nothing.
    plain = QualityArrays.empty(3)
    assert not spec_violations(pairs, pairs, plain, plain)["substance"].any()
    assert SPEC_LABELS["substance"].get("fr") and SPEC_LABELS["substance"].get("en")


LAT, LON = 48.42, -71.06


def _registry(rows: list[dict]) -> Registry:
    firms = {r["firm_id"] for r in rows}
    frame = pd.DataFrame([firm(f, f, "Saguenay", LAT + 0.01 * i, LON) for i, f in enumerate(sorted(firms))])[
        FIRMS.names
    ]
    return Registry(frame, pd.DataFrame(rows)).validate()


def _reason(result, stream_id: str) -> str:
    both = pd.concat([result.unmatched_supplies, result.unmatched_demands])
    return str(both.set_index("stream_id").loc[stream_id, "reason_code"])


def test_iron_chloride_reaches_a_ferric_chloride_buyer_but_not_an_ammonia_buyer():
    """Same category on both sides (the identity rule of ``inorganic_chemicals``): only the text differs."""
    price = dict(purchase_price_cad_per_unit=400.0)
    rows = [
        stream(
            "FECL_S",
            "PIGMENT",
            "supply",
            "inorganic_chemicals",
            3000,
            description="Neutralised iron chloride solids",
        ),
        stream(
            "NH3_D",
            "LEACH",
            "demand",
            "inorganic_chemicals",
            3000,
            description="Anhydrous ammonia for leaching",
            **price,
        ),
        stream(
            "FECL_D",
            "WATER",
            "demand",
            "inorganic_chemicals",
            1000,
            description="Chlorure ferrique pour le traitement des eaux",
            **price,
        ),
    ]
    result = run(_registry(rows), MatchConfig())
    assert set(result.candidates["candidate_id"]) == {"FECL_S>FECL_D"}
    assert _reason(result, "NH3_D") == "quality_spec"
    # Without words on the demand there is nothing to judge: the rule alone decides.
    silent = [*rows[:1], {**rows[1], "description": ""}, rows[2]]
    assert set(run(_registry(silent), MatchConfig()).candidates["candidate_id"]) == {
        "FECL_S>FECL_D",
        "FECL_S>NH3_D",
    }


def test_ethylene_is_not_proposed_to_a_propylene_line():
    rows = [
        stream(
            "C2",
            "CRACKER",
            "supply",
            "olefins_feedstock",
            50000,
            description="Ethylene (polymer grade) by pipeline",
        ),
        stream(
            "OXO3", "OXO", "demand", "olefins_feedstock", 40000, description="propylene for butanal / 2-EH"
        ),
        stream("OXO2", "OXO2", "demand", "olefins_feedstock", 40000, description="Éthylène pour propanal"),
    ]
    result = run(_registry(rows), MatchConfig())
    assert set(result.candidates["candidate_id"]) == {"C2>OXO2"}
    assert _reason(result, "OXO3") == "quality_spec"
