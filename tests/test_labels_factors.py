"""Every emission factor of the shipped table reads as words, and no two read the same.

The reports' « Méthodologie et facteurs » sheet and page list every factor used by its label: a
residue class (``class:inert``) or a pathway (``pulp_lime_mud>liming_agent``) printed as « class
inert » or « pulp lime mud>liming agent », and four different factors all read « Élimination évitée —
toutes les ressources », told a funder nothing.
"""

from __future__ import annotations

import pytest

from symbiosis.engine.factors import load_factors
from symbiosis.labels import factor_label, readable

FACTORS = load_factors()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_factor_label_is_words_without_a_readable_code(lang):
    codes = set(FACTORS["applies_to"].astype(str))
    # a fallback writes an unknown id as its words: « pulp lime mud », « class inert »
    leaks = {readable(c) for c in codes if ":" in c or ">" in c}
    for factor_id in FACTORS["factor_id"]:
        label = factor_label(factor_id, FACTORS, lang)
        assert ":" not in label and ">" not in label, label
        found = [leak for leak in leaks if leak and leak in label]
        assert not found, (factor_id, label, found)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_two_factors_share_a_label(lang):
    labels = [factor_label(f, FACTORS, lang) for f in FACTORS["factor_id"]]
    assert len(set(labels)) == len(labels), sorted(label for label in labels if labels.count(label) > 1)


def test_a_factor_names_its_fate_its_class_and_its_pathway():
    assert (
        factor_label("land_spreading_inert", FACTORS, "fr")
        == "Élimination évitée (épandage) — résidus inertes"
    )
    assert factor_label("byproduct_already_used", FACTORS, "en") == (
        "Avoided disposal (by-product already sold) — every resource"
    )
    assert factor_label("lime_mud_liming", FACTORS, "fr").startswith(
        "Production de matière neuve évitée — Boues de chaux (usine de pâte kraft) → Amendement calcique"
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_factor_unit_is_written_in_the_readers_language(lang):
    from symbiosis.engine.factors import UNITS
    from symbiosis.labels import unit_label

    for unit in UNITS:  # « kg CO2e/trip » was printed as is in the French report
        label = unit_label(unit, lang)
        assert "CO₂e" in label and "CO2e" not in label, unit
    assert unit_label("kg CO2e/trip", "fr") == "kg CO₂e/voyage"
    assert unit_label("kg CO2e/trip", "en") == "kg CO₂e/trip"


def test_every_pre_treatment_step_of_the_knowledge_base_has_words_in_both_languages():
    from symbiosis.i18n import catalogue_keys
    from symbiosis.kb.rules import PRETREATMENTS
    from symbiosis.labels import pretreatment_label

    missing = [c for c in PRETREATMENTS if f"labels.pretreatment.{c}" not in catalogue_keys()]
    assert missing == []
    assert pretreatment_label("heat_exchanger", "fr") == "échangeur de chaleur"
    assert pretreatment_label("a_new_step", "en") == "a new step"  # never the raw code
