"""Pure screen shapers of the levers: the weekly timetable, tour paths, partners shown as bands or names."""

from __future__ import annotations

import pandas as pd

from symbiosis.mutual import run_mutual
from symbiosis.views.mutual import data_key, partners_table, route_layers, timetable
from tests.test_app_mutual import _data, _registry


def test_timetable_puts_the_user_in_its_slots():
    result = run_mutual(_registry().firms, _data())
    grid = timetable(result, "OH", "fr", names={"A": "Atelier A"})
    # the need takes one afternoon (4 h) of the host's press
    assert (grid["Après-midi"] == "Atelier A").sum() == 1 and (grid["Matin"] == "").all()


def test_tours_start_and_end_at_the_receiver():
    data = _data()
    result = run_mutual(_registry().firms, data)
    layers = route_layers(result, _registry().firms, data.receivers)
    for path in layers["paths"]["path"]:
        assert path[0] == path[-1] == [-71.05, 48.43]
    assert len(layers["stops"]) == len(result.tour_stops) and len(layers["depots"]) == 1


def test_partners_are_bands_until_revealed():
    hidden = pd.DataFrame(
        [
            {
                "revealed": False,
                "firm_id": "",
                "name": "",
                "municipality": "",
                "contact_name": "",
                "contact_email": "",
                "contact_phone": "",
                "sector": "31-33",
                "area_level": "mrc",
                "area": "Le Fjord-du-Saguenay",
                "distance_band": "lt10",
                "quantity_band": "100_1000",
                "flow_unit": "boîte/yr",
            }
        ]
    )
    shown = partners_table(hidden, "fr").iloc[0]
    assert shown["Distance"] == "moins de 10 km" and "MRC Le Fjord-du-Saguenay" in shown["Territoire"]
    assert "boîte" in shown["Quantité proposée"]
    named = partners_table(hidden.assign(revealed=True, name="Atelier B", contact_name="Jeanne"), "en").iloc[
        0
    ]
    assert named["Member"] == "Atelier B" and "Jeanne" in named["Contact"]


def test_data_key_changes_with_the_tables():
    data = _data()
    other = _data()
    other.purchases.loc[0, "quantity_per_yr"] = 501.0
    assert data_key(data) == data_key(_data()) != data_key(other)


def test_a_share_is_written_as_each_language_writes_it():
    from symbiosis.views.mutual import percent

    assert percent(16.04, "fr") == "16,0\u00a0%" and percent(16.04, "en") == "16.0%"
    assert percent(float("nan"), "fr") == "—"


def test_the_plan_summary_says_how_each_lever_ended_in_words():
    import dataclasses

    from symbiosis.mutual import LeverInfo
    from symbiosis.views.mutual import summary_table
    from tests._page_text import codes_in

    result = run_mutual(_registry().firms, _data())
    info = {**result.info, "purchasing": LeverInfo("purchasing", "optimal", method="cp-sat")}
    table = summary_table(dataclasses.replace(result, info=info), "fr")
    assert table.loc[0, "Statut"] == "meilleur plan, prouvé"
    assert table.loc[0, "Méthode"] == "optimisation mathématique"
    assert codes_in("\n".join(map(str, table[["Statut", "Méthode"]].to_numpy().ravel()))) == {}  # words rule
    for code in ("optimal", "or-tools", "rule", "skipped"):
        assert code not in set(table["Statut"]) | set(table["Méthode"])


def test_a_firm_reads_what_each_of_its_items_is_about_not_only_its_id():
    from symbiosis.views.mutual import firm_items_table, item_labels

    items = pd.DataFrame(
        {
            "item_id": ["GA-1", "UC-2", "CR-R1-van"],
            "synergy_type": ["group_purchase", "mutualisation", "mutualisation"],
            "category_id": ["nitrile_gloves", "oily_water", "cardboard_occ"],
            "net_value_cad_per_yr": 10.0,
            "co2e_avoided_t_per_yr": 0.0,
            "n_accepted": 0,
            "n_members": 3,
            "my_decision": "",
        }
    )
    fr, en = item_labels(items, "fr"), item_labels(items, "en")
    assert fr["GA-1"].startswith("Gants") and fr["GA-1"].endswith(" — GA-1")
    assert en["GA-1"] == "Disposable nitrile gloves — GA-1" and "oil" in en["UC-2"].lower()
    assert "carton" in fr["CR-R1-van"].lower()
    assert list(firm_items_table(items, "fr")["Groupe, unité ou collecte"]) == list(fr.values())


def test_a_refused_row_keeps_its_findings_and_is_named_where_it_stands_in_the_tables_language():
    from symbiosis.services.mutual_inputs import validate_firm_rows
    from symbiosis.views.mutual_cells import EDITOR_COLUMNS, refused_rows, with_refused

    columns = list(EDITOR_COLUMNS["purchases"])
    row = dict.fromkeys(columns, "") | {"category_id": "Gants de nitrile jetables", "unit": "boîte"}
    rows = [row | {"purchase_id": "PA", "quantity_per_yr": "-5"}, row | {"quantity_per_yr": "beaucoup"}]
    result = validate_firm_rows(rows, "purchases", "A", lang="fr", row_numbers=[1, 4])  # checked in French
    refused = refused_rows(rows, [1, 4], result.report)
    assert [r["quantity_per_yr"] for r in refused] == ["-5", "beaucoup"]
    stored = pd.DataFrame(
        [dict.fromkeys(columns, "") | {"purchase_id": p} for p in ("P0", "PA")], dtype=object
    )
    table = with_refused(stored, refused, "purchases", "en")  # drawn in English after the save
    assert table["quantity_per_yr"].tolist() == ["", "-5", "beaucoup"]  # PA in its place, the new one last
    assert table["errors"].iloc[0] == ""
    assert table["errors"].iloc[1].startswith("Row 2, column “Quantity per year”:")
    assert table["errors"].iloc[2].startswith("Row 3, column “Quantity per year”: expected a number")
    assert with_refused(stored, [], "purchases")["errors"].tolist() == ["", ""]
