"""The exchanges screen's pure functions: readable table, sort and search, drill-down, unmatched reasons."""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.kb import load_categories, load_rules
from symbiosis.pipeline import run
from symbiosis.registry import Registry
from symbiosis.views.exchanges import (
    drilldown,
    exchange_files,
    exchange_labels,
    exchange_table,
    unmatched_table,
)
from tests._registry_helpers import stream, tiny_registry


@pytest.fixture(scope="module")
def matched():
    reg = tiny_registry()
    return reg, run(reg)


def test_table_is_readable_sorted_and_searchable(matched):
    reg, result = matched
    table = exchange_table(result.exchanges, reg.firms, "fr")
    assert list(table.columns) == [
        "Fournisseur",
        "Receveur",
        "Catégorie",
        "Quantité par an",
        "Unité",
        "Distance (km)",
        "Valeur nette ($/an)",
        "GES évités (t CO2e/an)",
    ]
    assert table["Fournisseur"].eq("Scierie Péribonka").all()
    assert table["Unité"].eq("t/an").all()
    for column in ("Quantité par an", "Distance (km)", "Valeur nette ($/an)", "GES évités (t CO2e/an)"):
        assert pd.api.types.is_numeric_dtype(table[column]), column  # sorts as numbers (#11.9)
    by_distance = exchange_table(result.exchanges, reg.firms, "fr", sort="distance")
    km = result.exchanges.set_index("candidate_id").loc[by_distance.index, "distance_km"]
    assert km.is_monotonic_increasing
    assert len(exchange_table(result.exchanges, reg.firms, "fr", text="serres")) == int(
        result.exchanges["demand_firm_id"].eq("F3").sum()
    )
    labels = exchange_labels(result.exchanges, reg.firms, "en")
    assert all(" → " in v for v in labels.values())


def test_drilldown_explains_rule_distance_fit_season_value_and_flags(matched):
    _, result = matched
    row = result.exchanges.iloc[0]
    why = drilldown(row, "fr", rules=load_rules())
    assert why.basis.startswith("Règle de compatibilité : ")
    # the rule's id is a reference for whoever checks the knowledge base, not the sentence people read
    assert row["rule_id"] not in why.basis and why.reference.endswith(row["rule_id"])
    facts = dict(zip(why.facts.iloc[:, 0], why.facts.iloc[:, 1], strict=True))
    assert facts["Distance par la route (estimation)"].startswith("≈")
    assert facts["Mois en commun"] == row["months_common_fr"]
    assert why.value.iloc[:, 0].sum() == pytest.approx(row["net_value_cad_per_yr"], rel=1e-6)
    assert why.co2e.iloc[:, 0].sum() == pytest.approx(row["co2e_avoided_t_per_yr"], rel=1e-6)
    assert isinstance(why.flags, list)


def test_authorisation_flag_names_which_authorisation():
    rules = load_rules()
    rule = rules[rules["authorisation"].eq("mrf_authorisation")].iloc[0]
    row = pd.Series(
        {
            "match_basis": "rule",
            "rule_id": rule["rule_id"],
            "flag_authorisation": True,
            "flag_hazardous": True,
            "flag_pretreatment": True,
            "pretreatment": "drying",
        }
    )
    flags = drilldown(row, "fr", rules=rules).flags
    assert "Matière dangereuse" in flags
    assert any("matière résiduelle fertilisante" in f for f in flags)
    assert "Prétraitement : séchage" in flags  # a word, not the knowledge base's code « drying »
    assert "Pre-treatment: heat exchanger" in drilldown(row.replace("drying", "heat_exchanger"), "en").flags
    done = drilldown(pd.concat([row, pd.Series({"pretreatment_done": True})]), "fr").flags
    assert "Prétraitement : séchage, déjà fait selon le fournisseur (coût non compté, à confirmer)" in done
    text = drilldown(pd.Series({"match_basis": "text", "text_similarity": 0.72}), "en").basis
    assert "similarity 0.72" in text


def test_a_proposal_under_a_runner_up_category_says_which_category_to_confirm():
    row = pd.Series(
        {
            "match_basis": "rule",
            "flag_category_to_confirm": True,
            "supply_category_id": "sulphur_elemental",
            "demand_category_id": "sulphur_elemental",
        }
    )
    (flag,) = drilldown(row, "en").flags
    assert flag.startswith("Inferred category to confirm")
    assert "under Elemental sulphur (desulphurisation, Claus) → Elemental" in flag  # words, not ids
    assert drilldown(row.drop("flag_category_to_confirm"), "fr").flags == []
    labelled = pd.concat(
        [row, pd.Series({"supply_label_fr": "Soufre élémentaire", "demand_label_fr": "Soufre élémentaire"})]
    )
    (flag,) = drilldown(labelled, "fr").flags
    assert "Soufre élémentaire → Soufre élémentaire" in flag


def test_unmatched_reasons_in_the_current_language():
    reg = tiny_registry()
    lonely = stream("S9", "F2", "supply", "al_dross", 40, description="écume d'aluminium")
    reg = Registry(reg.firms, pd.concat([reg.streams, pd.DataFrame([lonely])], ignore_index=True)).validate()
    result = run(reg)
    frame = result.unmatched_supplies
    assert "S9" in set(frame["stream_id"])
    en = unmatched_table(frame, reg.firms, "en", categories=load_categories())
    assert list(en["Reason"]) == list(frame["reason_en"])
    fr = unmatched_table(frame, reg.firms, "fr", categories=load_categories())
    assert list(fr["Raison"]) == list(frame["reason_fr"])
    assert "Granules du Lac" in set(fr["Entreprise"])


def test_filters_that_hide_everything_count_what_they_hide_in_each_languages_plural():
    from symbiosis.views.exchanges import no_exchange_text

    assert no_exchange_text(1, "fr").startswith(
        "Aucun échange ne correspond à ces filtres (1 échange en tout) :"
    )
    assert no_exchange_text(2, "fr").startswith(
        "Aucun échange ne correspond à ces filtres (2 échanges en tout) :"
    )
    assert no_exchange_text(1, "en").startswith("No exchange matches these filters (1 exchange in all):")
    assert no_exchange_text(2, "en").startswith("No exchange matches these filters (2 exchanges in all):")


def test_the_value_breakdown_adds_up_to_the_net_value_with_the_treatment_fee():
    # spent pot lining sent to a treatment plant: the gate fee (1.7 M$/yr) was left out of the bars,
    # which added up to 4.5 M$ beside a net value of 2.8 M$; a by-product sold today showed its lost
    # sale as a negative « avoided disposal »
    row = pd.Series(
        {
            "match_basis": "rule",
            "net_value_cad_per_yr": 2_847_799.0,
            "avoided_disposal_cad_per_yr": 4_600_000.0,
            "avoided_purchase_cad_per_yr": 0.0,
            "gate_fee_cad_per_yr": 1_702_000.0,
            "transport_cost_cad_per_yr": 50_201.0,
            "pretreatment_cost_cad_per_yr": 0.0,
        }
    )
    why = drilldown(row, "fr")
    value = why.value.iloc[:, 0]
    assert value.sum() == pytest.approx(2_847_799.0)
    assert value["Redevance de traitement"] == -1_702_000.0
    facts = dict(zip(why.facts.iloc[:, 0], why.facts.iloc[:, 1], strict=True))
    net = facts["Valeur nette estimée"].replace("\xa0", " ").replace("\u202f", " ")
    assert net == "2 847 799 $/an"
    sold = pd.concat([row, pd.Series({"supply_fate": "sold_byproduct"})])
    sold["avoided_disposal_cad_per_yr"] = -279_631.0
    bars = drilldown(sold, "en").value.iloc[:, 0]
    assert "Avoided disposal" not in bars.index and bars["Current sale forgone"] == -279_631.0


def test_evidence_references_are_written_as_words_not_codes():
    rules = load_rules()
    row = pd.Series(
        {
            "match_basis": "rule",
            "rule_id": "KB0051",
            "evidence_type": "maestri",
            "evidence_ref": "MAESTRI:14.15.15|MAESTRI:5.25.14",
            "supply_label_fr": "Sciures de bois",
            "demand_label_fr": "Combustible de biomasse forestière (chaudière)",
        }
    )
    basis = drilldown(row, "fr", rules=rules).basis
    assert "cas MAESTRI 14.15.15 ; cas MAESTRI 5.25.14" in basis and "|" not in basis
    expert = pd.Series({**row.to_dict(), "evidence_type": "expert", "evidence_ref": "EXPERT:symbiosis-kb"})
    assert "EXPERT" not in drilldown(expert, "fr").basis
    literature = pd.Series(
        {
            **row.to_dict(),
            "evidence_type": "literature",
            "evidence_ref": "Birry et al. 2016, Light Metals 2016:467|Holywell 2013, JOM 65",
        }
    )
    cited = drilldown(literature, "en").basis
    assert "Birry et al. 2016, Light Metals 2016:467; Holywell 2013, JOM 65" in cited


def test_a_proposal_on_an_unconfirmed_category_says_where_to_confirm_it():
    row = pd.Series(
        {
            "match_basis": "rule",
            "flag_category_unconfirmed": True,
            "supply_label_fr": "Gypse de désulfuration",
            "demand_label_fr": "Gypse pour panneaux",
        }
    )
    (flag,) = drilldown(row, "fr").flags
    assert flag.startswith("Catégorie déduite de la description, pas encore confirmée")
    assert "Gypse de désulfuration → Gypse pour panneaux" in flag and "Catégories à confirmer" in flag
    assert drilldown(row.drop("flag_category_unconfirmed"), "fr").flags == []


EVIL = '=HYPERLINK("http://x","y")'


def _evil_firms(reg: Registry) -> pd.DataFrame:
    """The tiny registry's firms, the sawmill renamed to a formula (firms type their own names)."""
    return reg.firms.assign(name=reg.firms["name"].replace("Scierie Péribonka", EVIL))


def test_the_exchanges_download_as_a_french_spreadsheet_reads_them(matched):
    # only the grid's own download existed: comma-separated, decimal point, English headers, ids
    import csv
    import io

    from symbiosis.io.inert import live_cells

    reg, result = matched
    table = exchange_table(result.exchanges, _evil_firms(reg), "fr", sort="distance")
    files = exchange_files(table, "fr")
    assert (files["csv"].name, files["xlsx"].name) == ("echanges-proposes.csv", "echanges-proposes.xlsx")
    raw = files["csv"].content
    assert raw.startswith("\ufeff".encode())  # UTF-8 with a BOM: Excel reads « é » right
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == list(table.columns)  # French headers, the screen's
    assert len(rows) == len(table) + 1 and all(len(r) == len(table.columns) for r in rows)
    body = pd.DataFrame(rows[1:], columns=rows[0])
    assert (
        body["Unité"].eq("t/an").all()
        and not body.isin(result.exchanges["candidate_id"].tolist()).any().any()
    )
    km = body["Distance (km)"].str.replace(",", ".").astype(float)
    assert km.tolist() == table["Distance (km)"].tolist()  # the rows as sorted on screen
    assert any("," in v for v in body["Distance (km)"]) and not any("." in v for v in body["Distance (km)"])
    assert f";{body['Distance (km)'].iloc[0]};" in text.splitlines()[1]  # a bare number, not "21,0"
    assert body["Fournisseur"].iloc[0] == "'" + EVIL and live_cells(text) == []  # never a live formula
    english = exchange_files(exchange_table(result.exchanges, reg.firms, "en"), "en")["csv"].content
    header, first = english.decode("utf-8-sig").splitlines()[:2]
    assert header.startswith('"Supplier","Receiver"') and "." in first and ";" not in first


def test_the_exchanges_download_as_a_workbook_keeps_numbers_as_numbers(matched):
    import io

    import openpyxl

    reg, result = matched
    table = exchange_table(result.exchanges, _evil_firms(reg), "en")
    book = openpyxl.load_workbook(io.BytesIO(exchange_files(table, "en")["xlsx"].content))
    sheet = book["Proposed exchanges"]
    cells = list(sheet.iter_rows(values_only=False))
    assert [c.value for c in cells[0]] == list(table.columns)
    assert len(cells) == len(table) + 1
    numbers = [c for row in cells[1:] for c in row[3:4] + row[5:]]
    assert numbers and all(c.data_type == "n" and isinstance(c.value, float | int) for c in numbers)
    assert all(c.data_type != "f" for row in cells for c in row)  # no formula cell at all
    assert sheet["A2"].value in ("'" + EVIL, table.iloc[0, 0])
    assert any(c.value == "'" + EVIL for row in cells for c in row)


def test_the_streams_without_exchange_honour_the_search_like_the_exchanges():
    reg = tiny_registry()
    lonely = stream("S9", "F2", "supply", "al_dross", 40, description="écume d'aluminium")
    reg = Registry(reg.firms, pd.concat([reg.streams, pd.DataFrame([lonely])], ignore_index=True)).validate()
    frame = run(reg).unmatched_supplies
    every = unmatched_table(frame, reg.firms, "fr", categories=load_categories())
    label = load_categories().set_index("category_id").loc["al_dross", "label_fr"]
    by_category = unmatched_table(frame, reg.firms, "fr", categories=load_categories(), text=label.upper())
    assert 0 < len(by_category) <= len(every) and set(by_category["Catégorie"]) == {label}
    by_firm = unmatched_table(frame, reg.firms, "fr", categories=load_categories(), text="granules du")
    assert set(by_firm["Entreprise"]) == {"Granules du Lac"}
    assert unmatched_table(frame, reg.firms, "fr", categories=load_categories(), text="zzz").empty


def test_the_firms_own_reuses_are_listed_apart_at_their_full_flow():
    """Two foundries each throw away 100 t of scrap and buy 100 t: the page lists both own reuses by
    firm, with 100 t/an each and value and GHG at that flow; the search narrows them."""
    from symbiosis.schemas import FIRMS
    from symbiosis.views.exchanges import internal_reuse_table
    from tests._registry_helpers import firm

    firms = pd.DataFrame(
        [
            firm("A", "Fonderie Alma", "Alma", 48.55, -71.65),
            firm("B", "Fonderie Jonquière", "Saguenay", 48.42, -71.25),
        ]
    )[FIRMS.names]
    rows = []
    for f in ("A", "B"):
        rows.append(stream(f"{f}-OUT", f, "supply", "ferrous_scrap", 100, disposal_cost_cad_per_unit=20.0))
        rows.append(stream(f"{f}-IN", f, "demand", "ferrous_scrap", 100, purchase_price_cad_per_unit=300.0))
    reg = Registry(firms, pd.DataFrame(rows)).validate()
    result = run(reg)
    own = result.internal_opportunities.set_index("candidate_id")
    fr = internal_reuse_table(result.internal_opportunities, reg.firms, "fr")
    assert list(fr.columns) == [
        "Entreprise",
        "Résidu",
        "Usage dans l'entreprise",
        "Quantité par an",
        "Unité",
        "Valeur nette ($/an)",
        "GES évités (t CO2e/an)",
    ]
    assert sorted(fr["Entreprise"]) == ["Fonderie Alma", "Fonderie Jonquière"]
    assert fr["Quantité par an"].tolist() == [100.0, 100.0] and fr["Unité"].eq("t/an").all()
    value = round(own.loc["A-OUT>A-IN", "net_value_cad_per_yr"])
    assert fr.set_index("Entreprise").loc["Fonderie Alma", "Valeur nette ($/an)"] == value
    en = internal_reuse_table(result.internal_opportunities, reg.firms, "en", text="alma")
    assert en["Firm"].tolist() == ["Fonderie Alma"] and en["Unit"].tolist() == ["t/yr"]
    nothing = internal_reuse_table(result.internal_opportunities.iloc[0:0], reg.firms, "en")
    assert nothing.empty and nothing.columns[0] == "Firm"
