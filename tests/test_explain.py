"""Explanations: evidence, distances, quantity fit, months named, value and CO2e breakdowns, flags, text."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.engine.explain import explain, explain_text, month_names
from symbiosis.registry import Registry
from tests.test_candidates_fixtures import JAN_MAR, tiny_registry, tiny_rules
from tests.test_scoring import CATEGORIES, _scored

LABELS = CATEGORIES.assign(
    label_fr=lambda c: "FR " + c["category_id"], label_en=lambda c: "EN " + c["category_id"]
)


def _explained(flows: dict[str, float] | None = None, registry: Registry | None = None) -> pd.DataFrame:
    scored = _scored(MatchConfig(), registry).reset_index()
    rows = (
        scored[["candidate_id"]]
        if flows is None
        else pd.DataFrame({"candidate_id": list(flows), "flow_per_yr": list(flows.values())})
    )
    return explain(rows, scored, tiny_rules(), LABELS).set_index("candidate_id")


def test_month_names_in_both_languages():
    assert month_names(JAN_MAR, "fr") == "janv., févr., mars"
    assert month_names(JAN_MAR, "en") == "Jan, Feb, Mar"
    assert month_names(4095, "en") == "all year" and month_names(0, "fr") == "aucun"


def test_rule_evidence_distance_and_quantity_fit():
    row = _explained({"S_BARK>D_BOIL": 444.0}).loc["S_BARK>D_BOIL"]
    assert (row["rule_id"], row["evidence_type"], row["evidence_ref"]) == ("R_BARK", "case", "MAESTRI #12")
    assert row["road_distance_km"] == pytest.approx(1.3 * row["distance_km"])
    assert row["pct_of_supply"] == pytest.approx(44.4)
    assert row["pct_of_demand"] == pytest.approx(100 * 444 * 0.9 / 800)
    assert row["supply_label_fr"] == "FR wood_bark" and row["demand_label_en"] == "EN biomass_fuel_wood"
    assert row["status"] == "estimated"


def test_breakdowns_add_up_at_the_exchange_flow():
    full = _explained().loc["S_BARK>D_BOIL"]
    half = _explained({"S_BARK>D_BOIL": full["flow_per_yr"] / 2}).loc["S_BARK>D_BOIL"]
    for row in (full, half):
        net = (
            row["avoided_disposal_cad_per_yr"]
            + row["avoided_purchase_cad_per_yr"]
            - row["transport_cost_cad_per_yr"]
            - row["pretreatment_cost_cad_per_yr"]
        )
        assert row["net_value_cad_per_yr"] == pytest.approx(net)
        co2 = (
            row["co2e_disposal_avoided_t_per_yr"]
            + row["co2e_virgin_avoided_t_per_yr"]
            - row["co2e_transport_t_per_yr"]
        )
        assert row["co2e_avoided_t_per_yr"] == pytest.approx(co2)
    assert half["net_value_cad_per_yr"] == pytest.approx(full["net_value_cad_per_yr"] / 2)


def test_flags():
    ex = _explained()
    assert ex.loc["S_SPL>D_CEM", "flags"] == "hazardous|authorisation|pretreatment"
    assert ex.loc["S_BARK>D_OWN", "flag_internal"] and not ex.loc["S_BARK>D_BOIL", "flag_internal"]
    assert ex.loc["S_TEXT>D_RAGS", "flags"] == "text_only"
    assert ex.loc["S_TEXT>D_RAGS", "text_similarity"] == pytest.approx(1.0)


def test_seasonal_overlap_named():
    reg = tiny_registry()
    streams = reg.streams.copy()
    streams.loc[streams["stream_id"] == "S_BARK", "months_mask"] = 0b000001110000  # May–Jul
    streams.loc[streams["stream_id"] == "D_BOIL", "months_mask"] = 0b000011100000  # Jun–Aug
    row = _explained(registry=Registry(reg.firms, streams)).loc["S_BARK>D_BOIL"]
    assert row["months_overlap"] == 2
    assert (row["months_common_fr"], row["months_common_en"]) == ("juin, juil.", "Jun, Jul")


def test_explain_text_in_french_and_english():
    ex = _explained()
    fr = explain_text(ex.loc["S_SPL>D_CEM"], "fr")
    en = explain_text(ex.loc["S_SPL>D_CEM"], "en")
    assert (
        "Règle de compatibilité : " in fr
        and "R_SPL" not in fr
        and "vol d'oiseau" in fr
        and "matière dangereuse" in fr
        and "estimation" in fr
    )
    assert (
        "Compatibility rule: " in en
        and "R_SPL" not in en
        and "crow-fly" in en
        and "hazardous residue" in en
        and "estimated" in en
    )
    assert "500 t/an" in fr and "30,0 km" in fr and "30.0 km" in en
    text_fr = explain_text(ex.loc["S_TEXT>D_RAGS"], "fr")
    assert "Aucune règle" in text_fr and "1,00" in text_fr


#: How the knowledge base codes its evidence (``rules.csv``): none may reach an explanation.
_CODED_EVIDENCE = re.compile(r"\b(?:EXPERT|MAESTRI|LIT|LITERATURE):\S|symbiosis-kb|\|")


def _coded_row(**over: object) -> pd.Series:
    row = _explained({"S_BARK>D_BOIL": 444.0}).loc["S_BARK>D_BOIL"].copy()
    row["evidence_type"] = "maestri"
    row["evidence_ref"] = "MAESTRI:14.15.15|MAESTRI:5.25.14"
    row["evidence_note"] = "Bark burnt in the boiler."
    for name, value in over.items():
        row[name] = value
    return row


def test_the_explanation_writes_the_evidence_in_words_as_the_drill_down_does():
    # « (MAESTRI:14.15.15|MAESTRI:5.25.14 Bark burnt…) » was printed: the engine could not reach the
    # views' wording; both now call symbiosis.kb.wording.evidence_text
    from symbiosis.views.exchanges import drilldown

    row = _coded_row()
    for lang, words in (
        (
            "fr",
            "cas documenté (projet MAESTRI) · cas MAESTRI 14.15.15 ; cas MAESTRI 5.25.14 · note (en anglais)",
        ),
        (
            "en",
            "documented case (MAESTRI project) · MAESTRI case 14.15.15; MAESTRI case 5.25.14 · note: Bark",
        ),
    ):
        text = explain_text(row, lang)
        assert words in text and not _CODED_EVIDENCE.search(text), text
        assert words in drilldown(row, lang).basis
    expert = explain_text(_coded_row(evidence_type="expert", evidence_ref="EXPERT:symbiosis-kb"), "fr")
    assert "avis d'expert · base de connaissances de symbiosis" in expert and not _CODED_EVIDENCE.search(
        expert
    )


def test_the_explanation_names_the_pretreatment_step_and_each_permit():
    row = _coded_row(
        flags="pretreatment|authorisation",
        pretreatment="drying",
        pathway="ministerial_authorisation",
        permit_reference="AM-1|RMD-2",
    )
    fr, en = explain_text(row, "fr"), explain_text(row, "en")
    assert "prétraitement : séchage" in fr and "pre-treatment: drying" in en
    assert "couverte par AM-1 ; RMD-2" in fr and "covered by AM-1; RMD-2" in en
    assert not _CODED_EVIDENCE.search(fr + en)


def test_no_exported_explanation_of_the_sample_region_holds_a_coded_reference(tmp_path):
    from symbiosis.io.export import write_results
    from symbiosis.pipeline import run
    from tests.test_golden import sample_registry

    result = run(sample_registry(), MatchConfig())
    exported = pd.read_csv(write_results(result, tmp_path / "resultats.csv"), encoding="utf-8-sig")
    assert exported["evidence_ref"].str.contains("MAESTRI:|EXPERT:", regex=True).any()  # codes in the data
    for column in ("explanation_fr", "explanation_en"):
        coded = exported[column][exported[column].str.contains(_CODED_EVIDENCE)]
        assert coded.empty, coded.head(3).tolist()


def test_a_pretreatment_the_supplier_did_is_named_as_done_and_not_charged():
    reg = tiny_registry()
    streams = reg.streams.copy()
    streams.loc[streams["stream_id"] == "S_BARK", "description"] = "Écorces broyées"
    row = _explained({"S_BARK>D_BOIL": 444.0}, Registry(reg.firms, streams)).loc["S_BARK>D_BOIL"]
    assert bool(row["pretreatment_done"]) and row["pretreatment_cost_cad_per_yr"] == 0.0
    assert "pretreatment" in row["flags"].split("|")  # still a point to confirm with the supplier
    fr, en = explain_text(row, "fr"), explain_text(row, "en")
    assert "prétraitement : broyage, déjà fait selon le fournisseur" in fr
    assert "pre-treatment: grinding, already done according to the supplier" in en
    plain = _explained({"S_BARK>D_BOIL": 444.0}).loc["S_BARK>D_BOIL"]
    assert not bool(plain["pretreatment_done"]) and "déjà fait" not in explain_text(plain, "fr")


@pytest.mark.parametrize(
    ("unit", "fr", "en"),
    [
        ("trip", "voyages/an", "trips/yr"),
        ("m3", "m³/an", "m³/yr"),
        ("m2", "m² :", "m²:"),  # a capacity is a floor area, not a yearly rate
    ],
)
def test_the_flow_sentence_writes_units_as_the_app_does(unit, fr, en):
    # it printed the stored codes: « Flux 12 trip/an », « m3/an », « m2/an »
    row = _explained().loc["S_SPL>D_CEM"].copy()
    row["supply_unit"] = row["demand_unit"] = unit
    text_fr, text_en = explain_text(row, "fr"), explain_text(row, "en")
    assert f" {fr}" in text_fr and f" {en}" in text_en
    assert f"{unit}/an" not in text_fr and f"{unit}/yr" not in text_en and "m2" not in text_fr + text_en
    if unit == "trip":  # a price per trip, in the singular
        assert "150,00 $/voyage ;" in text_fr and "150.00 $/trip;" in text_en


def test_a_by_product_sold_at_an_undeclared_price_is_flagged_as_overstated():
    """Sold today with no price given, the lost sale counts 0: the explanation and the drill-down say
    the value is overstated by that price; a declared sale price (−25 $/t) clears the flag."""
    from symbiosis.views.exchanges import drilldown

    reg = tiny_registry()
    streams = reg.streams.copy()
    bark = streams["stream_id"] == "S_BARK"
    streams.loc[bark, "current_fate"] = "sold_byproduct"
    streams.loc[bark, "disposal_cost_cad_per_unit"] = float("nan")  # the fixture declares 40 $/t
    row = _explained({"S_BARK>D_BOIL": 444.0}, Registry(reg.firms, streams)).loc["S_BARK>D_BOIL"]
    assert row["avoided_disposal_cad_per_unit"] == 0.0 and "sale_price_unknown" in row["flags"].split("|")
    assert "vente perdue comptée 0 $" in explain_text(row, "fr")
    assert "lost sale counted as 0 $" in explain_text(row, "en")
    assert any(f.startswith("By-product already sold today") for f in drilldown(row, "en").flags)
    streams.loc[bark, "disposal_cost_cad_per_unit"] = -25.0
    priced = _explained({"S_BARK>D_BOIL": 444.0}, Registry(reg.firms, streams)).loc["S_BARK>D_BOIL"]
    assert "sale_price_unknown" not in priced["flags"].split("|")


def test_every_flag_column_is_a_plain_boolean():
    """The workbook writer reads flag columns as numpy booleans (a nullable Arrow boolean broke it)."""
    ex = _explained({"S_BARK>D_BOIL": 444.0})
    for name in (c for c in ex.columns if c.startswith("flag_")):
        assert ex[name].dtype == bool, name


def test_a_preheating_exchange_says_what_share_of_the_need_it_covers():
    """A supply colder than the need only preheats it: the flag, the explanation and the advisor's
    drill-down give the share of the need it covers (a boiler does the rest)."""
    from symbiosis.views.exchanges import drilldown

    scored = _scored(MatchConfig(), None).reset_index()
    assert scored["heat_share"].eq(1.0).all()  # the fixture's pairs exchange no heat
    scored.loc[scored["candidate_id"] == "S_BARK>D_BOIL", "heat_share"] = 0.4
    rows = pd.DataFrame({"candidate_id": ["S_BARK>D_BOIL", "S_SPL>D_CEM"], "flow_per_yr": [300.0, 10.0]})
    out = explain(rows, scored, tiny_rules(), LABELS).set_index("candidate_id")
    row, other = out.loc["S_BARK>D_BOIL"], out.loc["S_SPL>D_CEM"]
    assert "preheat" in row["flags"].split("|") and "preheat" not in other["flags"].split("|")
    assert "préchauffage seulement" in explain_text(row, "fr") and "au plus 40 %" in explain_text(row, "fr")
    assert "preheating only" in explain_text(row, "en") and "at most 40 %" in explain_text(row, "en")
    assert any(f.startswith("Preheating only") and "40 %" in f for f in drilldown(row, "en").flags)
    assert any(f.startswith("Préchauffage seulement") for f in drilldown(row, "fr").flags)
    assert not any("Preheating" in f for f in drilldown(other, "en").flags)
