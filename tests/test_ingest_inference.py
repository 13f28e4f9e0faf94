"""Streams without a category: inferred from the description (batch), flagged; unit conflicts corrected."""

from __future__ import annotations

import pytest

from symbiosis.ingest import read_table, validate_streams
from symbiosis.kb import load_categories, load_waste_codes

HEADERS = [
    "id_flux",
    "id_entreprise",
    "sens",
    "description",
    "code_dechet",
    "quantite",
    "unite",
    "temperature_c",
]


def _csv(rows: list[dict], headers: list[str] = HEADERS) -> bytes:
    lines = [";".join(headers)] + [";".join(r.get(h, "") for h in headers) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _validate(rows: list[dict], headers: list[str] = HEADERS):
    raw = read_table(_csv(rows, headers), filename="flux.csv")
    return validate_streams(
        raw, categories=load_categories(), waste_codes=load_waste_codes(), known_firm_ids={"F1", "F2"}
    )


def _row(**over) -> dict:
    row = dict(
        id_flux="S1",
        id_entreprise="F1",
        sens="offre",
        description="écorces de sapin et d'épinette",
        code_dechet="",
        quantite="1 200",
        unite="t/an",
        temperature_c="",
    )
    row.update(over)
    return row


def test_a_file_without_a_category_column_imports_every_row_inferred_and_flagged():
    result = _validate(
        [
            _row(),
            _row(id_flux="S2", sens="demande", description="biomasse pour chaudière, copeaux ou écorces"),
            _row(
                id_flux="S3",
                description="eau de refroidissement tiède 35 °C",
                unite="m³/an",
                quantite="2 000 000",
            ),
        ]
    )
    assert result.report.n_valid == 3
    valid = result.valid.set_index("stream_id")
    assert (valid["category_source"] == "inferred").all()
    assert valid.loc["S1", "category_id"] == "wood_bark"
    assert valid.loc["S3", "kind"] == "water"  # the unit keeps heat categories out (issue 9, cause 1)
    assert (valid["category_score"] > 0).all()
    assert all(valid["category_alternatives"].str.len() > 0)
    inferred = [i for i in result.report.issues if i.code == "category_id.inferred"]
    assert len(inferred) == 3 and all(i.severity == "warning" for i in inferred)
    assert "confirm" in inferred[0].message("en") and "confirmer" in inferred[0].message("fr")
    # The cell was empty: the message says so, and names the inferred category only as the fix.
    assert "found an empty cell" in inferred[0].message("en")
    assert "trouvé une cellule vide" in inferred[0].message("fr")
    assert "found “wood_bark”" not in inferred[0].message("en")


def test_direction_keeps_demand_only_categories_off_supplies():
    """A supply is never put in a category that nothing can receive from (cement raw material)."""
    result = _validate([_row(description="matière première alternative pour cimenterie")])
    supply = result.valid.iloc[0]
    from symbiosis.kb import load_rules

    assert supply["category_id"] in set(load_rules()["supply_category_id"])


def test_a_waste_code_alone_is_enough():
    result = _validate([_row(description="", code_dechet="03 01 01")])
    assert result.report.n_valid == 1
    assert result.valid.iloc[0]["category_id"] == "wood_bark"
    assert result.valid.iloc[0]["category_source"] == "inferred"


def test_nothing_to_infer_from_is_a_clear_error():
    result = _validate([_row(description="")])
    assert result.report.n_valid == 0
    issue = next(i for i in result.report.issues if i.code == "category_id.missing")
    assert "décrivez" in issue.message("fr") and "describe" in issue.message("en")


def test_a_typed_category_is_given():
    headers = [*HEADERS, "categorie"]
    result = _validate([_row(categorie="wood_chips", description="copeaux")], headers)
    row = result.valid.iloc[0]
    assert row["category_source"] == "given" and row["category_id"] == "wood_chips"


def test_a_kind_unit_conflict_becomes_a_suggestion_not_a_bare_rejection():
    """Warm cooling water typed as a heat category, in m³/an: kept, with a water category that fits."""
    headers = [*HEADERS, "categorie"]
    result = _validate(
        [
            _row(
                categorie="heat_low_30_60c",
                description="eau de refroidissement tiède",
                unite="m³/an",
                quantite="2 000 000",
            )
        ],
        headers,
    )
    assert result.report.n_valid == 1
    row = result.valid.iloc[0]
    assert row["kind"] == "water" and row["category_source"] == "corrected"
    assert row["quantity_per_yr"] == pytest.approx(2_000_000)
    fix = next(i for i in result.report.issues if i.code == "category_id.corrected")
    assert fix.severity == "warning" and "heat_low_30_60c" in fix.found


def test_an_unconvincing_correction_keeps_the_unit_error():
    headers = [*HEADERS, "categorie"]
    result = _validate([_row(categorie="wood_bark", description="zzz", unite="MWh/an")], headers)
    assert result.report.n_valid == 0
    assert "unit.wrong_kind" in {i.code for i in result.report.issues}


def test_the_classifier_runs_once_per_file(monkeypatch):
    import symbiosis.ingest.category_inference as inference

    calls = []
    real = inference.classify_many
    monkeypatch.setattr(inference, "classify_many", lambda *a, **k: calls.append(1) or real(*a, **k))
    result = _validate([_row(id_flux=f"S{i}") for i in range(50)])
    assert result.report.n_valid == 50 and len(calls) == 1


def test_steam_declared_in_tonnes_is_inferred_as_steam_and_converted_with_its_heat():
    result = _validate(
        [
            _row(
                description="vapeur basse pression 3 bar disponible",
                unite="t/h",
                quantite="10",
                temperature_c="",
            )
        ]
    )
    row = result.valid.iloc[0]
    assert row["category_id"] == "steam_low_pressure" and row["kind"] == "energy"
    assert row["quantity_per_yr"] == pytest.approx(10 * 8766 * 0.64)
    assert "unit.energy_per_t" in {i.code for i in result.report.issues}


@pytest.mark.parametrize(
    ("description", "unit", "category", "mwh_per_m3"),
    [
        ("LFG collected from closed and active cells, flared now", "m³/h", "landfill_gas", 0.005),
        ("Biogaz brut du digesteur, 60 % CH4", "Nm³/h", "biogas_raw", 0.006),
        ("Hydrogène sous-produit de l'électrolyse chlore-soude", "Nm3/h", "hydrogen_byproduct", 0.003),
    ],
)
def test_a_gas_declared_by_volume_is_read_as_that_gas_and_converted_with_its_heating_value(
    description, unit, category, mwh_per_m3
):
    """Firms give biogas, landfill gas and hydrogen in (normal) cubic metres: the gas categories fit
    a volume, which converts to MWh with the category's lower heating value (warned, never silent)."""
    result = _validate([_row(description=description, unite=unit, quantite="1 500", temperature_c="")])
    row = result.valid.iloc[0]
    assert row["category_id"] == category and row["kind"] == "energy"
    assert row["quantity_per_yr"] == pytest.approx(1500 * 8766 * mwh_per_m3)
    warning = next(i for i in result.report.issues if i.code == "unit.energy_per_m3")
    assert "kWh par m³ normal" in warning.message("fr") and "MWh/yr" in warning.message("en")


@pytest.mark.parametrize(
    ("description", "temperature"),
    [
        ("Process steam exported to the steelworks", "320"),
        ("Vapeur de procédé exportée vers l'aciérie", "320"),
        ("Vapeur et électricité vers la raffinerie", "300"),
    ],
)
def test_steam_stated_by_its_temperature_is_inferred_in_the_band_that_holds_it(description, temperature):
    """Superheated steam declared at 300–320 °C without a pressure was inferred medium pressure
    (140–250 °C) and the row was then rejected for its own temperature (issue 9, cause 1)."""
    result = _validate(
        [_row(description=description, unite="MWh/an", quantite="500 000", temperature_c=temperature)]
    )
    assert result.report.n_valid == 1, [i.message("en") for i in result.report.issues]
    assert result.valid.iloc[0]["category_id"] == "steam_high_pressure"


def test_an_inferred_category_that_excludes_the_stated_temperature_gives_way_to_a_runner_up():
    """The guess is ours, the temperature is the firm's: the best runner-up that fits it is taken."""
    from symbiosis.ingest.category_inference import CategoryChoice
    from symbiosis.ingest.rows import RowContext
    from symbiosis.ingest.stream_checks import CategoryIndex
    from symbiosis.ingest.streams import _fitting_temperature

    index = CategoryIndex(load_categories())
    raw = read_table(_csv([_row(unite="MWh/an", temperature_c="45")]), filename="flux.csv")
    ctx = RowContext(raw, {"unit": "MWh/an", "temperature_c": "45"}, 2)
    guess = CategoryChoice(
        index.by_id["heat_very_high_gt_150c"], "inferred", 0.4, ("heat_medium_60_90c", "heat_low_30_60c")
    )
    chosen = _fitting_temperature(ctx, index, guess, None)
    assert chosen.category["category_id"] == "heat_low_30_60c" and chosen.source == "inferred"
    assert chosen.alternatives == ("heat_very_high_gt_150c", "heat_medium_60_90c")
    too_hot = RowContext(raw, {"unit": "MWh/an", "temperature_c": "900"}, 2)
    assert (
        _fitting_temperature(too_hot, index, guess, None) is guess
    )  # no runner-up fits: the check reports it


def test_a_heat_demand_without_a_category_is_banded_by_the_temperature_it_needs():
    """ "Chaleur pour les bassins" needing 25 °C at least was read as heat above 150 °C (the band words
    tie without a temperature); a demand's minimum temperature now chooses the band, as a supply's
    temperature does."""
    headers = [*HEADERS, "min_temperature_c"]
    rows = [
        _row(
            sens="demande",
            description="Chaleur pour les bassins",
            unite="kW",
            quantite="500",
            min_temperature_c=t,
        )
        for t in ("25", "70")
    ]
    rows[1]["id_flux"] = "S2"
    result = _validate(rows, headers)
    valid = result.valid.set_index("stream_id")
    categories = load_categories().set_index("category_id")
    for stream, needed in (("S1", 25.0), ("S2", 70.0)):
        category = categories.loc[valid.loc[stream, "category_id"]]
        assert valid.loc[stream, "category_source"] == "inferred"
        low, high = (float(category[c]) for c in ("temperature_low_c", "temperature_high_c"))
        assert low <= needed <= high, (stream, category.name)


def test_an_inferred_category_is_named_by_its_label_with_a_percent_confidence():
    """The firm reads the report: words and « 75 % », never « paper_deinking_sludge, score 0,75 »."""
    result = _validate([_row(description="Boues de désencrage de papier recyclé", unite="t/an")])
    issue = next(i for i in result.report.issues if i.code == "category_id.inferred")
    fr, en = issue.message("fr"), issue.message("en")
    assert result.valid.iloc[0]["category_id"] == "paper_deinking_sludge"
    assert "paper_deinking_sludge" not in fr + en and "score" not in fr + en
    score = round(100 * float(result.valid.iloc[0]["category_score"]))
    assert f"« Boues de désencrage » (confiance {score}\u00a0%)" in fr
    assert f"“De-inking sludge” ({score}% confidence)" in en


def test_a_corrected_category_is_named_by_its_label_only():
    headers = [*HEADERS, "categorie"]
    result = _validate(
        [_row(categorie="heat_low_30_60c", description="eau de refroidissement tiède", unite="m³/an")],
        headers,
    )
    fix = next(i for i in result.report.issues if i.code == "category_id.corrected")
    replaced = result.valid.iloc[0]["category_id"]
    assert replaced not in fix.message("fr") + fix.message("en")
