"""Import of quality specs, today's fate and use: French words, spec fallbacks, temperature bands."""

from __future__ import annotations

import math

from symbiosis.ingest import read_table, validate_streams
from symbiosis.kb import load_categories
from symbiosis.views.firm_streams import stream_cells

HEAD = (
    "id_flux;id_entreprise;sens;categorie;quantite;unite;temperature_c;purete_pct;humidite_pct;"
    "granulometrie;granulometries_acceptees;refuse_dangereux;devenir_actuel;cout_elimination;prix_vente;"
    "usage_actuel;redevance_cad_par_unite\n"
)


def _import(*rows: str):
    raw = read_table((HEAD + "\n".join(rows) + "\n").encode("utf-8"), filename="flux.csv")
    return validate_streams(raw, categories=load_categories())


def _codes(result) -> dict:
    out: dict = {}
    for issue in result.report.issues:
        out.setdefault(issue.row, set()).add(issue.code)
    return out


def test_a_heat_supply_outside_its_band_is_an_error_naming_the_category_that_fits():
    result = _import(
        "S1;F1;offre;heat_high_90_150c;1000;MWh/an;40;;;;;;;;;;",
        "S2;F1;offre;heat_high_90_150c;1000;MWh/an;120;;;;;;;;;;",
    )
    assert list(result.valid["stream_id"]) == ["S2"]
    [issue] = [i for i in result.report.issues if i.code == "temperature_c.outside_band"]
    assert "heat_low_30_60c" in issue.fix.fr and "90 à 150 °C" in issue.expected.fr


def test_a_demand_reads_its_purity_and_temperature_as_its_specification():
    result = _import(
        "D1;F1;demande;al_remelt_feedstock;500;t/an;;98;;;grossier|encombrant;oui;;;;achat;",
        "D2;F1;demande;heat_greenhouse;800;MWh/an;50;;;;;;;;;;",
    )
    rows = result.valid.set_index("stream_id")
    assert rows.loc["D1", "min_purity_pct"] == 98.0 and rows.loc["D1", "rejects_hazardous"]
    assert rows.loc["D1", "accepted_particle_sizes"] == "coarse|bulky"
    assert rows.loc["D1", "current_use"] == "virgin_input"
    assert rows.loc["D2", "min_temperature_c"] == 50.0
    assert {"purity_pct.read_as_spec", "temperature_c.read_as_spec"} <= set().union(*_codes(result).values())


def test_fate_words_sale_prices_and_gate_fees():
    result = _import(
        "S1;F1;offre;wood_chips;1000;t/an;;;45;grossier;;;vendu;;55;;",
        "S2;F1;offre;whey;800;t/an;;;;;;;épandage;12;;;",
        "D1;F1;demande;compost_feedstock;5000;t/an;;;;;;;;;;service de traitement;55",
        "S3;F1;offre;wood_bark;10;t/an;;;;;;;;40;55;;",
    )
    rows = result.valid.set_index("stream_id")
    fate = ("current_fate", "disposal_cost_cad_per_unit")
    assert tuple(rows.loc["S1", list(fate)]) == ("sold_byproduct", -55)
    assert rows.loc["S1", "particle_size"] == "coarse"
    assert tuple(rows.loc["S2", list(fate)]) == ("land_spreading", 12)
    assert tuple(rows.loc["D1", ["current_use", "gate_fee_cad_per_unit"]]) == ("treatment_service", 55)
    assert math.isnan(rows.loc["D1", "purchase_price_cad_per_unit"])
    assert "S3" not in rows.index  # a cost and a different sale price: which one is it?
    assert "sale_price_cad_per_unit.conflict" in _codes(result)[5]


def test_stored_quality_round_trips_through_the_editor_cells():
    result = _import("D1;F1;demande;al_remelt_feedstock;500;t/an;;98;;;grossier;oui;;;;achat;")
    cells = stream_cells(result.valid.iloc[0].to_dict(), "fr")
    assert (
        cells["min_purity_pct"],
        cells["accepted_particle_sizes"],
        cells["rejects_hazardous"],
        cells["current_use"],
    ) == ("98", "coarse", "oui", "virgin_input")
