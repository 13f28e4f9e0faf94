"""Import of the mutualisation files: French and English headers, CSV and XLSX, bad rows reported by row."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from symbiosis.ingest import read_table
from symbiosis.mutual.ingest import (
    guess_mutual_table,
    mutual_data,
    validate_mutual_bytes,
    validate_mutual_table,
)
from symbiosis.mutual.ingest_fields import read_days, read_frequency, read_periods, read_window

FIRMS = {"F1", "F2", "F3"}


def _csv(text: str) -> bytes:
    return text.strip().encode("utf-8")


def test_good_and_bad_purchase_rows_are_sorted_row_by_row():
    data = _csv("""
id_achat;id_entreprise;categorie;quantite_par_an;unite;mois;prix_cad_par_unite
A1;F1;nitrile_gloves;1 200;boîtes;;12,50
A2;F2;gants magiques;100;boîte;;12
A3;F9;propane;5000;L;oct-avr;0,85
A4;F3;diesel;-5;L;;1,6
A5;F3;stretch_film;2;t;juin-août;4,5
A6;F3;lubricants;300;kg;;6
""")
    result = validate_mutual_bytes(data, "purchases", filename="achats.csv", known_firm_ids=FIRMS)
    valid = result.valid.set_index("purchase_id")
    assert list(valid.index) == ["A1", "A5"]
    assert valid.at["A1", "quantity_per_yr"] == 1200 and valid.at["A1", "price_cad_per_unit"] == 12.5
    assert (
        valid.at["A5", "quantity_per_yr"] == 2000 and valid.at["A5", "unit"] == "kg"
    )  # 2 t read as 2 000 kg
    assert valid.at["A5", "months_mask"] == 0b000011100000
    issues = {(i.row, i.code) for i in result.report.errors}
    assert {
        (3, "category_id.unknown"),
        (4, "firm_id.unknown"),
        (5, "quantity_per_yr.negative"),
        (7, "unit.wrong_unit"),
    } <= issues
    assert list(result.rejected["id_achat"]) == ["A2", "A3", "A4", "A6"]
    fr, en = result.report.lines("fr"), result.report.lines("en")
    assert any(line.startswith("Ligne 4, colonne « id_entreprise »") for line in fr)
    assert any(line.startswith("Row 7, column “unite”") and "kg" in line for line in en)


def test_english_headers_and_an_xlsx_sheet():
    frame = pd.DataFrame(
        {
            "need_id": ["N1", "N2"],
            "firm_id": ["F1", "F2"],
            "asset_type": ["Presse", "robot"],
            "hours_per_week": [6, 4],
            "days": ["mon-fri", "lundi, mercredi"],
            "periods": ["PM", ""],
            "alternative_cost_cad_per_h": [130, 120],
        }
    )
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name="data")
    result = validate_mutual_bytes(
        buffer.getvalue(), "capacity_needs", filename="needs.xlsx", known_firm_ids=FIRMS
    )
    assert result.valid["need_id"].tolist() == ["N1"]
    row = result.valid.iloc[0]
    assert row["asset_type"] == "press" and row["days_mask"] == 0b11111 and row["periods_mask"] == 0b10
    assert [i.code for i in result.report.errors] == ["asset_type.unknown"]


def test_pickups_read_rates_per_pickup_frequencies_and_windows():
    data = _csv("""
pickup_id,firm_id,residue_id,quantity,unit,frequency,window,current_cost_cad_per_pickup
K1,F1,carton,300,kg/collecte,aux 2 semaines,07:30-12:00,85
K2,F2,ferrous_scrap,2,t/mois,monthly,,
K3,F3,used oil,500,L/mois,weekly,13h-16h30,
K4,F3,cardboard_occ,4,t/an,tous les jeudis,8-12,
K5,F1,cardboard_occ,4,t/an,weekly,16:00-08:00,
""")
    result = validate_mutual_bytes(data, "pickups", known_firm_ids=FIRMS)
    valid = result.valid.set_index("pickup_id")
    assert valid.at["K1", "quantity_t_per_yr"] == pytest.approx(0.3 * 26)
    assert valid.at["K1", "residue_id"] == "cardboard_occ" and valid.at["K1", "period_weeks"] == 2
    assert valid.at["K2", "quantity_t_per_yr"] == pytest.approx(24) and valid.at["K2", "period_weeks"] == 4
    assert valid.at["K2", "window_start_min"] == 450  # the default window 07:30–16:30
    assert valid.at["K3", "quantity_t_per_yr"] == pytest.approx(6.0 * 0.9)  # 6 000 L at the default 0.9 t/m³
    assert (valid.at["K3", "window_start_min"], valid.at["K3", "window_end_min"]) == (780, 990)
    assert {i.code for i in result.report.errors} == {"frequency.invalid", "window.invalid"}


def test_missing_required_column_rejects_every_row_and_says_which():
    result = validate_mutual_bytes(
        _csv("firm_id,category_id,quantity_per_yr\nF1,propane,100"), "purchases", known_firm_ids=FIRMS
    )
    assert result.valid.empty and len(result.rejected) == 1
    assert "price_cad_per_unit.missing_column" in {i.code for i in result.report.errors}


def test_receivers_need_coordinates_and_known_residues():
    data = _csv("""
receiver_id,name,lat,lon,residues,trucks
R1,Récupération A,48.43,-71.07,cardboard_occ|ferrous_scrap,2
R2,Récupération B,,-71.2,cardboard_occ,1
R3,Récupération C,48.5,-71.2,verre,1
""")
    result = validate_mutual_bytes(data, "receivers")
    assert result.valid["receiver_id"].tolist() == ["R1"]
    assert {(i.row, i.code) for i in result.report.errors} == {(3, "lat.missing"), (4, "residues.unknown")}


def test_a_cell_of_unknown_residues_is_one_finding_naming_the_first_few():
    # a 5,000-character cell of « 1,1,1… » made one finding per word: 2,500 per row, a million for a
    # 2 MB file (13 s and 1 GB in the server); one finding per cell says the same
    many = "1" + ",1" * 2_490
    data = _csv(f"""
receiver_id,name,lat,lon,residues,trucks
R1,Récupération A,48.43,-71.07,"cardboard_occ,verre,xylophones",2
R2,Récupération B,48.43,-71.07,"{many}",2
""")
    result = validate_mutual_bytes(data, "receivers")
    assert [(i.row, i.code) for i in result.report.errors] == [
        (2, "residues.unknown"),
        (3, "residues.unknown"),
    ]
    first, second = result.report.errors
    assert "« verre », « xylophones »" in first.fix.fr and "“verre”, “xylophones”" in first.fix.en
    assert len(second.fix.fr) < 400 and "2491 résidus" in re.sub(r"\s(?=\d)", "", second.fix.fr)
    assert "2,491 unknown" in second.fix.en


@pytest.mark.parametrize(
    "garbage", [b"", b"\x00\x01\x02", b"PK\x03\x04broken", "é;\n;;;".encode("cp1252"), b"a" * 5000]
)
def test_arbitrary_bytes_never_raise(garbage):
    for table in ("purchases", "pickups", "receivers"):
        result = validate_mutual_bytes(garbage, table, filename="x.csv", known_firm_ids=FIRMS)
        assert result.valid.empty


def test_the_table_is_guessed_from_the_headers_and_valid_rows_make_mutual_data():
    raw = read_table(
        _csv("id_collecte,id_entreprise,residu,quantite,unite,frequence\nK1,F1,carton,4,t/an,hebdomadaire")
    )
    assert guess_mutual_table(raw) == "pickups"
    result = validate_mutual_table(raw, "pickups", known_firm_ids=FIRMS)
    data = mutual_data({"pickups": result})
    assert data.counts()["pickups"] == 1 and data.purchases.empty
    data.validate(pd.Series(sorted(FIRMS)))


@pytest.mark.parametrize(
    ("reader", "text", "value"),
    [
        (read_days, "lun-ven", 0b11111),
        (read_days, "Lundi, mercredi", 0b101),
        (read_days, "sam-lun", 0b1100001),
        (read_days, "semaine", 0b11111),
        (read_periods, "Après-midi", 2),
        (read_periods, "journée", 3),
        (read_frequency, "aux deux semaines", 2),
        (read_frequency, "Mensuelle", 4),
        (read_window, "7h30-12h", (450, 720)),
        (read_window, "08:00 à 16:00", (480, 960)),
    ],
)
def test_cell_readers(reader, text, value):
    assert reader(text) == (value, ())


@pytest.mark.parametrize(
    ("reader", "text"),
    [(read_days, "demain"), (read_periods, "soir"), (read_frequency, "parfois"), (read_window, "midi")],
)
def test_cell_readers_explain_bad_cells(reader, text):
    value, problems = reader(text)
    assert value is None and problems and problems[0].fix.fr and problems[0].fix.en


def test_a_word_off_a_bundled_list_is_answered_with_the_lists_words_not_its_ids():
    # the fix named the list's ids (« par exemple : nitrile_gloves, workwear… ») while the firm's
    # table and the template offer its labels (« Gants de nitrile jetables »)
    data = _csv("""
id_achat;id_entreprise;categorie;quantite_par_an;unite;mois;prix_cad_par_unite
A1;F1;gants nitril;100;boîte;;12
A2;F1;;100;boîte;;12
""")
    result = validate_mutual_bytes(data, "purchases", filename="achats.csv", known_firm_ids=FIRMS)
    report = result.report.to_frame("fr")
    fixes = report.loc[report["Colonne"] == "categorie", "Correction"].tolist()
    assert len(fixes) == 2
    assert "Gants de nitrile jetables" in fixes[0]  # the closest label first
    assert not any("_" in fix for fix in fixes)
    english = result.report.to_frame("en")
    fix_en = english.loc[english["Column"] == "categorie", "Fix"].iloc[0]
    assert "nitrile gloves" in fix_en.lower() and "_" not in fix_en


def test_a_row_typed_twice_without_an_identifier_is_said_to_repeat_the_first():
    # its identifier is made from its content: the second was refused for « « O-eb03205b18 » est
    # déjà utilisé plus haut ; donnez-lui un autre identifiant », an identifier the firm never typed
    from symbiosis.services.mutual_inputs import validate_firm_rows

    row = {"asset_type": "Presse", "hours_per_week": "12,5", "days": "lun-ven", "periods": "matin"}
    row |= {"cost_cad_per_h": "85,50", "fixed_cost_cad_per_yr": "1 200", "host_hours_per_yr": "400"}
    result = validate_firm_rows([row, dict(row)], "capacity_offers", "A", row_numbers=[1, 2])
    [error] = result.report.errors
    assert error.row == 2 and error.code.endswith("duplicate")
    said = error.message("fr")
    assert "répète la ligne 1 cellule pour cellule" in said and "donnez-lui un autre identifiant" not in said
    assert "repeats row 1 cell for cell" in error.message("en")
    typed = validate_firm_rows(
        [row | {"offer_id": "P1"}, row | {"offer_id": "P1", "hours_per_week": "3"}],
        "capacity_offers",
        "A",
        row_numbers=[1, 2],
    )
    assert "« P1 » est déjà utilisé plus haut" in typed.report.errors[0].message(
        "fr"
    )  # a typed one: as before


def test_every_purchase_unit_has_words_in_both_languages_and_each_is_read_back():
    # an English table showed « boîte »: the units are French words of the category table
    from symbiosis.i18n import catalogue_keys
    from symbiosis.mutual.reference import load_purchase_categories
    from symbiosis.units.words import unit_label

    categories = load_purchase_categories()
    assert {f"labels.unit.{u}" for u in categories["unit"]} - {"labels.unit.t", "labels.unit.h"} <= (
        catalogue_keys()
    )
    assert (unit_label("boîte", "fr"), unit_label("boîte", "en")) == ("boîte", "box")
    assert (unit_label("bouteille/yr", "fr"), unit_label("bouteille/yr", "en")) == (
        "bouteille/an",
        "cylinder/yr",
    )
    for lang in ("fr", "en"):
        lines = [
            f"P{i};F1;{c};10;{unit_label(u, lang)};;2"
            for i, (c, u) in enumerate(zip(categories["category_id"], categories["unit"], strict=True))
        ]
        data = _csv(
            "id_achat;id_entreprise;categorie;quantite_par_an;unite;mois;prix_cad_par_unite\n"
            + "\n".join(lines)
        )
        result = validate_mutual_bytes(data, "purchases", filename="achats.csv", known_firm_ids=FIRMS)
        assert not result.report.errors and len(result.valid) == len(categories), result.report.lines(lang)
        assert result.valid["unit"].tolist() == categories["unit"].tolist()  # stored as the category's unit
    wrong = _csv(
        "id_achat;id_entreprise;categorie;quantite_par_an;unite;mois;prix_cad_par_unite\nA;F1;nitrile_gloves;10;L;;2"
    )
    said = validate_mutual_bytes(wrong, "purchases", filename="achats.csv", known_firm_ids=FIRMS).report
    assert any("box" in line and "boîte" not in line for line in said.lines("en"))
