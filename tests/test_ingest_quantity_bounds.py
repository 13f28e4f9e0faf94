"""A yearly quantity no site can have is refused; an unusually large one is kept with a warning."""

from __future__ import annotations

import pytest

from symbiosis.ingest.quantity_bounds import LARGE_QUANTITY_PER_YR, MAX_QUANTITY_PER_YR
from symbiosis.services.firm_self_service import validate_stream_rows


def _row(quantity: str, unit: str = "t/an") -> dict[str, str]:
    return {
        "direction": "offre",
        "category_id": "wood_sawdust",
        "description": "Sciure",
        "quantity": quantity,
        "unit": unit,
    }


@pytest.mark.parametrize("quantity", ["1e30", "1 000 000 000 000", "2e9"])
def test_a_quantity_no_site_can_have_is_refused_naming_what_was_read(quantity):
    # 1e30 t/an used to be stored and sent to the allocation, whose integer network overflowed
    result = validate_stream_rows([_row(quantity)], "F1", lang="fr")
    assert result.valid.empty and len(result.rejected) == 1
    [issue] = [i for i in result.report.issues if i.code == "quantity.implausible"]
    assert issue.row == 1 and issue.severity == "error"
    assert (
        issue.expected.fr.replace("\u00a0", " ").replace("\u202f", " ")
        == "au plus 1 000 000 000 t/an par site"
    )
    assert issue.expected.en == "at most 1,000,000,000 t/yr per site"  # each in its own words and units
    assert "Vérifiez le nombre de chiffres et l'unité" in issue.fix.fr
    assert "Check the number of digits and the unit" in issue.fix.en
    assert issue.found == quantity


def test_a_total_typed_per_month_is_read_per_year_before_the_bound():
    # 100 000 000 t/mois is 1.2 billion t/yr: refused although the number typed is under a billion
    result = validate_stream_rows([_row("100 000 000", "t/mois")], "F1", lang="fr")
    assert "quantity.implausible" in {i.code for i in result.report.issues}
    assert result.valid.empty


def test_an_unusually_large_quantity_is_kept_with_a_warning():
    result = validate_stream_rows([_row("50 000 000")], "F1", lang="en")
    assert len(result.valid) == 1
    [issue] = [i for i in result.report.issues if i.code == "quantity.very_large"]
    assert issue.severity == "warning" and "kept" in issue.fix.en and "gardé" in issue.fix.fr


@pytest.mark.parametrize("quantity", ["0", "12,5", "3 000 000"])
def test_ordinary_quantities_raise_nothing(quantity):
    result = validate_stream_rows([_row(quantity)], "F1", lang="fr")
    assert len(result.valid) == 1
    assert not {"quantity.implausible", "quantity.very_large"} & {i.code for i in result.report.issues}


def test_the_bounds_are_ordered():
    assert 0 < LARGE_QUANTITY_PER_YR < MAX_QUANTITY_PER_YR


def test_a_coastal_plants_cooling_water_is_kept_and_a_water_typo_refused():
    # once-through cooling: billions of m³ of seawater a year (Dunkirk's, in the corpus, 5 billion);
    # the material bound refused it and the corpus lost its documented cooling-water exchanges
    row = {
        **_row("5 000 000 000", "m³/an"),
        "category_id": "water_warm_discharge",
        "description": "Eau de mer",
    }
    kept = validate_stream_rows([row], "F1", lang="fr")
    assert len(kept.valid) == 1
    assert not {"quantity.implausible", "quantity.very_large"} & {i.code for i in kept.report.issues}
    refused = validate_stream_rows([{**row, "quantity": "5e12"}], "F1", lang="fr")
    assert refused.valid.empty and "quantity.implausible" in {i.code for i in refused.report.issues}
