"""Streams files: each case of the import acceptance list is rejected, warned or read as it should."""

import numpy as np
import pandas as pd
import pytest

from symbiosis.ingest import read_table, rejected_file, validate_streams
from symbiosis.ingest.stream_checks import waste_code_table
from symbiosis.schemas import STREAMS, validate_frame

CATEGORIES = pd.DataFrame(
    [
        (
            "wood_bark",
            "wood",
            "material",
            "t/yr",
            0.35,
            False,
            "Écorces",
            "Bark",
            "écorce|ecorces de bois",
            "bark|tree bark",
            "030101|030301",
        ),
        (
            "wood_chips",
            "wood",
            "material",
            "t/yr",
            0.3,
            False,
            "Copeaux",
            "Wood chips",
            "copeaux",
            "chips",
            "030105",
        ),
        (
            "al_dross",
            "alu",
            "material",
            "t/yr",
            1.2,
            True,
            "Scories d'aluminium",
            "Aluminium dross",
            "",
            "dross",
            "100315|100316",
        ),
        ("mystery_sludge", "sludge", "material", "t/yr", np.nan, False, "Boues", "Sludge", "", "", ""),
        ("process_heat", "energy", "energy", "MWh/yr", np.nan, False, "Chaleur", "Heat", "", "", ""),
        ("process_water", "water", "water", "m3/yr", 1.0, False, "Eau", "Process water", "", "", ""),
        (
            "truck_backhaul",
            "logistics",
            "logistics",
            "trip/yr",
            np.nan,
            False,
            "Retour à vide",
            "Backhaul",
            "",
            "",
            "",
        ),
    ],
    columns=[
        "category_id",
        "family",
        "kind",
        "canonical_unit",
        "default_density_t_per_m3",
        "hazardous",
        "label_fr",
        "label_en",
        "synonyms_fr",
        "synonyms_en",
        "waste_codes",
    ],
)
WASTE = {"030101": False, "030301": False, "030105": False, "100315": True, "100316": False, "161101": True}
HEADERS_FR = [
    "id_flux",
    "id_entreprise",
    "sens",
    "categorie",
    "code_dechet",
    "quantite",
    "unite",
    "masse_volumique_t_par_m3",
    "dangereux",
    "disponibilite",
    "mois",
    "date_debut",
    "date_fin",
]


def _row(**over):
    row = dict(
        id_flux="S1",
        id_entreprise="F1",
        sens="offre",
        categorie="wood_bark",
        code_dechet="",
        quantite="12,5",
        unite="t/an",
        masse_volumique_t_par_m3="",
        dangereux="",
        disponibilite="continu",
        mois="",
        date_debut="",
        date_fin="",
    )
    row.update(over)
    return row


def _csv(rows, headers=HEADERS_FR, sep=";"):
    lines = [sep.join(headers)] + [sep.join(r.get(h, "") for h in headers) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _validate(*rows, known=frozenset({"F1", "F2"}), **kw):
    raw = read_table(_csv(rows, **kw), filename="flux.csv")
    return validate_streams(raw, categories=CATEGORIES, waste_codes=WASTE, known_firm_ids=known)


def _codes(result):
    return {i.code for i in result.report.issues}


def _one(**over):
    result = _validate(_row(**over))
    return result, (result.valid.iloc[0] if len(result.valid) else None)


def test_valid_row_follows_the_schema_exactly():
    result, row = _one()
    assert validate_frame(result.valid, STREAMS) == []
    assert list(result.valid.columns) == STREAMS.names
    assert result.valid["months_mask"].dtype == np.int64 and result.valid["hazardous"].dtype == bool
    assert row["quantity_per_yr"] == 12.5 and row["quantity_as_typed"] == "12,5"
    assert row["unit_as_typed"] == "t/an"
    assert row["availability"] == "continuous" and row["months_mask"] == 4095
    assert row["confidentiality"] == "confidential"  # privacy by default


@pytest.mark.parametrize(("typed", "value"), [("12,5", 12.5), ("1 200,5", 1200.5), ("1\u00a0200,5", 1200.5)])
def test_french_numbers(typed, value):
    assert _one(quantite=typed)[1]["quantity_per_yr"] == value


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("-3", "quantity.negative"),
        ("douze", "quantity.not_a_number"),
        ("", "quantity.missing"),
        ("12 t", "quantity.unit_in_number"),
        ("=A2*12", "quantity.formula"),
    ],
)
def test_bad_quantity_rejects_the_row_with_a_message(typed, code):
    result, row = _one(quantite=typed)
    assert row is None and code in _codes(result)
    issue = next(i for i in result.report.issues if i.code == code)
    assert issue.row == 2 and issue.column == "quantite" and issue.found == typed
    assert "Ligne 2, colonne « quantite »" in issue.message("fr")
    assert "Row 2, column “quantite”" in issue.message("en")


def test_french_message_reads_like_a_sentence():
    result, _ = _one(quantite="douze")
    issue = next(i for i in result.report.issues if i.code == "quantity.not_a_number")
    assert issue.message("fr") == (
        "Ligne 2, colonne « quantite » : on attendait un nombre, trouvé « douze ». "
        "Écrivez un nombre en chiffres, par exemple 12,5."
    )
    assert issue.message("en").startswith("Row 2, column “quantite”: expected a number, found “douze”.")


def test_unknown_unit_lists_close_units():
    result, row = _one(unite="tonne/anné")
    issue = next(i for i in result.report.issues if i.code == "unit.unknown")
    assert row is None and "t/an" in issue.fix.fr


def test_wrong_dimension_for_the_kind():
    assert "unit.wrong_kind" in _codes(_one(unite="MWh/an")[0])


def test_volume_without_declared_density_uses_the_category_default_with_a_warning():
    result, row = _one(quantite="100", unite="m³/an")
    assert row["mass_t_per_yr"] == pytest.approx(35.0) and row["density_source"] == "category_default"
    assert "density_t_per_m3.category_default" in _codes(result)


def test_declared_density_wins():
    _, row = _one(quantite="100", unite="m³/an", masse_volumique_t_par_m3="0,5")
    assert row["mass_t_per_yr"] == pytest.approx(50.0) and row["density_source"] == "declared"


def test_volume_without_any_density_is_rejected():
    result, row = _one(categorie="mystery_sludge", quantite="100", unite="m³/an")
    assert row is None and "unit.density_missing" in _codes(result)


def test_density_in_kg_per_m3_is_refused():
    assert "density_t_per_m3.out_of_range" in _codes(_one(masse_volumique_t_par_m3="350")[0])


def test_unknown_category_suggests_close_categories():
    result, row = _one(categorie="wood_barck")
    issue = next(i for i in result.report.issues if i.code == "category_id.unknown")
    assert row is None and "Bark" in issue.fix.en


def test_category_label_is_accepted_with_a_warning():
    result, row = _one(categorie="Écorces")
    assert row["category_id"] == "wood_bark" and "category_id.read_as" in _codes(result)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("12345", "waste_code.invalid"), ("99 99 99", "waste_code.unknown"), ("abc", "waste_code.invalid")],
)
def test_bad_waste_code(typed, code):
    result, row = _one(code_dechet=typed)
    assert row is None and code in _codes(result)


def test_waste_code_spaces_and_lost_leading_zero():
    assert _one(code_dechet="03 01 01")[1]["waste_code"] == "030101"
    result, row = _one(code_dechet="30101")
    assert row["waste_code"] == "030101" and "waste_code.leading_zero" in _codes(result)


def test_hazardous_code_forces_the_flag_with_a_warning():
    result, row = _one(categorie="al_dross", code_dechet="10 03 15*", dangereux="non")
    assert bool(row["hazardous"]) is True and "hazardous.forced_by_code" in _codes(result)


def test_star_on_a_non_hazardous_code_is_ignored_with_a_warning():
    result, row = _one(code_dechet="030101*")
    assert bool(row["hazardous"]) is False and "waste_code.star_mismatch" in _codes(result)


def test_empty_hazard_flag_takes_the_category_flag():
    assert bool(_one(categorie="al_dross")[1]["hazardous"]) is True


@pytest.mark.parametrize("typed", ["oui", "Yes", "1", "vrai", "x", "TRUE"])
def test_yes_words(typed):
    assert bool(_one(dangereux=typed)[1]["hazardous"]) is True


@pytest.mark.parametrize("typed", ["non", "No", "0", "faux", "FALSE"])
def test_no_words(typed):
    assert bool(_one(dangereux=typed)[1]["hazardous"]) is False


def test_bad_yes_no_is_rejected():
    assert "hazardous.invalid" in _codes(_one(dangereux="peut-être")[0])


@pytest.mark.parametrize(
    ("months", "mask"),
    [
        ("5-9", 0b1_1111_0000),
        ("6,7,8", 0b1110_0000),
        ("juin-août", 0b1110_0000),
        ("June-Aug", 0b1110_0000),
        ("toute l'année", 4095),
        ("nov-mar", 0b1100_0000_0111),
    ],
)
def test_months_become_a_mask(months, mask):
    _, row = _one(disponibilite="saisonnier", mois=months)
    assert row["months_mask"] == mask


def test_bad_months_rejected():
    assert "months.invalid" in _codes(_one(disponibilite="saisonnier", mois="13-14")[0])


def test_seasonal_without_months_rejected():
    assert "months.missing" in _codes(_one(disponibilite="saisonnier")[0])


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("continu", "continuous"),
        ("Continuous", "continuous"),
        ("saisonnier", "seasonal"),
        ("seasonal", "seasonal"),
        ("ponctuel", "one_off"),
        ("one-off", "one_off"),
    ],
)
def test_availability_words(word, value):
    _, row = _one(
        disponibilite=word,
        mois="5-9" if value == "seasonal" else "",
        date_debut="2026-05-01" if value == "one_off" else "",
    )
    assert row["availability"] == value


def test_one_off_dates_give_the_months_and_a_total_is_allowed():
    result, row = _one(
        disponibilite="ponctuel", quantite="40", unite="t", date_debut="2026-05-01", date_fin="2026-06-30"
    )
    assert row["quantity_per_yr"] == 40 and row["months_mask"] == 0b11_0000
    assert row["start_date"] == pd.Timestamp("2026-05-01") and result.report.ok


def test_total_for_a_continuous_stream_rejected():
    assert "unit.total_not_allowed" in _codes(_one(unite="t")[0])


def test_end_before_start_rejected():
    result, _ = _one(disponibilite="ponctuel", date_debut="2026-06-01", date_fin="2026-05-01")
    assert "end_date.before_start" in _codes(result)


def test_later_duplicate_ids_rejected_and_first_kept():
    result = _validate(_row(), _row(quantite="7"))
    assert result.valid["quantity_per_yr"].tolist() == [12.5]
    assert "stream_id.duplicate" in _codes(result) and result.rejected["quantite"].tolist() == ["7"]


def test_ids_kept_or_generated_deterministically():
    assert _one(id_flux="ABC-7")[1]["stream_id"] == "ABC-7"
    first = _one(id_flux="")[1]["stream_id"]
    assert first.startswith("S-") and first == _one(id_flux="")[1]["stream_id"]
    assert first != _one(id_flux="", quantite="13")[1]["stream_id"]


def test_unknown_firm_rejected_and_skipped_when_no_firm_list():
    assert "firm_id.unknown" in _codes(_one(id_entreprise="F9")[0])
    raw = read_table(_csv([_row(id_entreprise="F9")]), filename="flux.csv")
    assert len(validate_streams(raw, categories=CATEGORIES, known_firm_ids=None).valid) == 1


def test_missing_required_column_rejects_every_row_once():
    headers = [h for h in HEADERS_FR if h != "unite"]
    result = _validate(_row(), _row(id_flux="S2"), headers=headers)
    assert result.valid.empty and len(result.rejected) == 2
    assert [i.code for i in result.report.errors] == ["unit.missing_column"]


def test_rejected_rows_keep_the_original_text_and_say_why():
    result = _validate(_row(), _row(id_flux="S2", quantite="douze"))
    assert result.rejected.loc[0, "quantite"] == "douze"
    assert "douze" in result.rejected.loc[0, "erreurs_errors"]
    again = read_table(rejected_file(result), filename="rejets.csv")
    assert again.frame.loc[0, "quantite"] == "douze" and not again.issues  # errors column ignored


def test_rejected_file_escapes_formulas_but_not_negative_numbers():
    result = _validate(_row(id_flux="S2", quantite="-3", categorie='=HYPERLINK("http://x","y")'))
    text = rejected_file(result).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ';"-3";' in text and "'-3" not in text  # text fields are quoted
    assert rejected_file(result, "xlsx").startswith(b"PK")


@pytest.mark.parametrize(
    ("kind_row", "unit", "expected"),
    [
        (dict(categorie="process_heat"), "kW", 8.766),
        (dict(categorie="process_water"), "m³/jour", 365.25),
        (dict(categorie="truck_backhaul"), "voyages/mois", 12.0),
    ],
)
def test_other_kinds(kind_row, unit, expected):
    _, row = _one(quantite="1", unite=unit, **kind_row)
    assert row["quantity_per_yr"] == pytest.approx(expected)


def test_english_file_reads_english_numbers_and_words():
    headers = ["stream_id", "firm_id", "direction", "category_id", "quantity", "unit", "availability"]
    rows = [
        dict(
            stream_id="S1",
            firm_id="F1",
            direction="demand",
            category_id="wood_chips",
            quantity='"1,200.5"',
            unit="t/yr",
            availability="continuous",
        )
    ]
    result = _validate(*rows, headers=headers, sep=",")
    row = result.valid.iloc[0]
    assert row["quantity_per_yr"] == 1200.5 and row["direction"] == "demand"


@pytest.mark.parametrize("typed", ["15", "15 $", "$15", "15$"])
def test_money_with_a_dollar_sign(typed):
    headers = [*HEADERS_FR, "cout_elimination_cad_par_unite"]
    result = _validate(_row(cout_elimination_cad_par_unite=typed), headers=headers)
    assert result.valid["disposal_cost_cad_per_unit"].tolist() == [15.0]


def test_a_cost_declared_for_spare_capacity_is_kept_and_said_not_to_count():
    """A carrier's cost of its empty return is paid whether the trip is shared or not: the row is
    kept with its value as typed, and a bilingual warning names the column and says why it is not
    counted; a sale price, or a material's cost, raises nothing."""
    headers = [*HEADERS_FR, "cout_elimination_cad_par_unite"]
    result = _validate(
        _row(
            categorie="truck_backhaul",
            quantite="660",
            unite="voyages/an",
            cout_elimination_cad_par_unite="650",
        ),
        _row(id_flux="S2", cout_elimination_cad_par_unite="25"),
        _row(
            id_flux="S3",
            categorie="truck_backhaul",
            quantite="200",
            unite="voyages/an",
            cout_elimination_cad_par_unite="-300",
        ),
        headers=headers,
    )
    assert result.valid["disposal_cost_cad_per_unit"].tolist() == [650.0, 25.0, -300.0]
    warnings = [i for i in result.report.issues if i.code == "disposal_cost_cad_per_unit.spare_capacity"]
    assert [w.row for w in warnings] == [warnings[0].row] and len(warnings) == 1
    assert warnings[0].severity == "warning"
    assert "retour à vide" in warnings[0].message("fr") and "not counted" in warnings[0].message("en")


def test_waste_code_table_accepts_several_shapes():
    assert waste_code_table(["16 11 01*", "030101"]) == {"161101": True, "030101": False}
    frame = pd.DataFrame({"code": ["161101", "030101"], "is_hazardous": [True, False]})
    assert waste_code_table(frame) == {"161101": True, "030101": False}


def test_sub_year_rate_counts_only_over_the_season():
    result, row = _one(disponibilite="saisonnier", mois="juin-août", quantite="10", unite="t/mois")
    assert row["quantity_per_yr"] == pytest.approx(30.0) and row["mass_t_per_yr"] == pytest.approx(30.0)
    assert "quantity.seasonal_share" in _codes(result)


def test_yearly_rate_is_already_the_seasons_total():
    result, row = _one(disponibilite="saisonnier", mois="juin-août", quantite="30", unite="t/an")
    assert row["quantity_per_yr"] == 30.0 and "quantity.seasonal_share" not in _codes(result)


def test_dated_one_off_rate_counts_its_days():
    _, row = _one(
        disponibilite="ponctuel", quantite="2", unite="t/jour", date_debut="2026-05-01", date_fin="2026-05-10"
    )
    assert row["quantity_per_yr"] == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("column", "lang", "expected"),
    [
        ("direction", "fr", "une valeur parmi : offre, demande"),
        ("direction", "en", "one of: supply, demand"),
        ("confidentiality", "fr", "une valeur parmi : public, membres, confidentiel"),
        ("confidentiality", "en", "one of: public, members, confidential"),
    ],
)
def test_a_word_off_the_list_names_the_words_to_write_in_the_readers_language(column, lang, expected):
    # the expected value once listed eight synonyms in alphabetical order, mixing the two languages
    # and leaving out the very words of the dropdown list (« offre », « supply »)
    from symbiosis.services.firm_self_service import validate_stream_rows

    row = {"direction": "supply", "category_id": "wood_bark", "quantity": "3", "unit": "t/an"}
    row[column] = "peut-être"
    report = validate_stream_rows([row], "F1", lang=lang).report.to_frame(lang)
    assert report.iloc[:, 2].tolist() == [expected]


def test_the_category_messages_name_categories_in_words_not_ids():
    # the report said « Lu comme la catégorie « wood_bark » » and « par exemple : wood_bark, … »
    result, _ = _one(categorie="Écorces")
    read = next(i for i in result.report.issues if i.code == "category_id.read_as")
    assert "wood_bark" not in read.fix.fr + read.fix.en + read.expected.fr + read.expected.en
    assert "« Écorces »" in read.fix.fr and "“Bark”" in read.fix.en
    result, _ = _one(categorie="wood_barck")
    unknown = next(i for i in result.report.issues if i.code == "category_id.unknown")
    assert "wood_bark" not in unknown.fix.fr + unknown.fix.en
    assert "« Écorces »" in unknown.fix.fr and "“Bark”" in unknown.fix.en
