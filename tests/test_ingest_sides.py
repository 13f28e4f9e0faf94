"""A category given on the side where no rule ever matches it is not left to silently match nothing.

Mulch *offered*, dairy sludge *wanted*: the knowledge base only ever receives the first and only ever
offers the second, so the stream would never be proposed and the firm would not know why. The
importer replaces such a category by the best one of the row's side (flagged "corrected", for an
advisor to confirm), or keeps it with a warning saying nothing will be proposed; an offered
receiving service (spare treatment capacity) is recorded as the demand it is for the engine.
"""

from __future__ import annotations

from symbiosis.ingest import read_table, validate_streams
from symbiosis.kb import load_categories, load_waste_codes
from symbiosis.kb.classify import categories_on_side

HEADER = "id_flux;id_entreprise;sens;categorie;description;quantite;unite\n"


def _validate(*rows: str):
    raw = read_table((HEADER + "\n".join(rows) + "\n").encode("utf-8"), filename="flux.csv")
    result = validate_streams(
        raw, categories=load_categories(), waste_codes=load_waste_codes(), known_firm_ids={"F1"}
    )
    return result, result.valid.set_index("stream_id")


def _issue(result, code: str):
    return next(i for i in result.report.issues if i.code == code)


def test_an_offered_category_only_ever_received_is_replaced_by_one_of_the_offers_side():
    result, valid = _validate(
        "S1;F1;offre;landscaping_mulch;Paillis d'écorce tamisée, en vrac ou en sacs;1200;t/an"
    )
    assert result.report.n_valid == 1
    assert valid.loc["S1", "category_id"] == "wood_bark" and valid.loc["S1", "category_source"] == "corrected"
    assert valid.loc["S1", "direction"] == "supply"
    issue = _issue(result, "category_id.corrected_side")
    assert issue.severity == "warning" and issue.found == "landscaping_mulch"
    assert "n'est jamais offerte" in issue.message("fr") and "never offered" in issue.message("en")
    # named by its label, as the firm reads it, never by its id
    assert "« Écorces » (confiance" in issue.message("fr")
    assert "wood_bark" not in issue.message("fr") + issue.message("en")


def test_a_wanted_category_only_ever_offered_is_replaced_too():
    result, valid = _validate("S1;F1;demande;dairy_sludge;Boues de laiterie pour notre digesteur;3000;t/an")
    assert valid.loc["S1", "category_id"] in categories_on_side("demand")
    assert valid.loc["S1", "category_source"] == "corrected"
    assert "never wanted" in _issue(result, "category_id.corrected_side").message("en")


def test_without_a_convincing_replacement_the_category_is_kept_and_the_firm_told():
    result, valid = _validate("S1;F1;offre;crop_feedstock;zzz;100;t/an")
    assert (
        valid.loc["S1", "category_id"] == "crop_feedstock" and valid.loc["S1", "category_source"] == "given"
    )
    issue = _issue(result, "category_id.one_sided")
    assert "aucune proposition ne sera faite" in issue.message("fr")
    assert "change the direction if the row is a demand" in issue.message("en")


def test_offered_treatment_capacity_is_recorded_as_a_demand_for_what_it_treats():
    result, valid = _validate(
        "S1;F1;offre;wastewater_treatment_capacity;Capacité résiduelle des étangs aérés;500 000;m³/an"
    )
    assert valid.loc["S1", "direction"] == "demand"
    assert valid.loc["S1", "category_id"] == "wastewater_treatment_capacity"
    assert valid.loc["S1", "quantity_per_yr"] == 500_000
    issue = _issue(result, "direction.receiving_service")
    assert issue.column == "sens" and "capacité disponible" in issue.message("fr")


def test_a_category_on_its_side_is_left_alone():
    result, valid = _validate(
        "S1;F1;offre;wood_bark;Écorces;3000;t/an", "S2;F1;demande;landscaping_mulch;Paillis;500;t/an"
    )
    assert (valid["category_source"] == "given").all()
    assert not result.report.issues


def test_the_report_finds_what_the_firm_typed_not_the_category_id_it_was_read_as():
    typed = load_categories().set_index("category_id").loc["landscaping_mulch", "label_fr"]
    result, _ = _validate(f"S1;F1;offre;{typed};Paillis d'écorce tamisée, en vrac ou en sacs;1200;t/an")
    issue = _issue(result, "category_id.corrected_side")
    assert issue.found == typed
