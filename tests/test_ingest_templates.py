"""Templates: every template (kind × language × format) reads back and validates with zero errors."""

import io

import openpyxl
import pytest

from symbiosis.ingest import import_tables, read_table, template_bytes
from symbiosis.ingest.columns import FIRM_COLUMNS, STREAM_COLUMNS
from symbiosis.ingest.templates import COLUMN_HELP
from symbiosis.kb import load_categories
from symbiosis.places.geocode import GazetteerGeocoder
from symbiosis.places.parks import load_parks
from symbiosis.schemas import FIRMS, STREAMS, validate_frame


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_templates_round_trip_with_zero_errors(lang, fmt):
    batch = import_tables(
        template_bytes("firms", lang=lang, fmt=fmt),
        template_bytes("streams", lang=lang, fmt=fmt),
        geocoder=GazetteerGeocoder(),
        parks=load_parks(),
        categories=load_categories(),
        firms_filename=f"f.{fmt}",
        streams_filename=f"s.{fmt}",
    )
    for result, schema in ((batch.firms, FIRMS), (batch.streams, STREAMS)):
        assert result.report.issues == (), result.report.lines("en")
        assert len(result.valid) == 2 and validate_frame(result.valid, schema) == []
    assert batch.streams.valid["quantity_per_yr"].round(2).tolist() == [12500.0, 360.15]


def test_french_csv_is_excel_friendly():
    data = template_bytes("streams", lang="fr", fmt="csv")
    assert data.startswith(b"\xef\xbb\xbf")
    header = data.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("id_flux;id_entreprise;sens;categorie")
    assert read_table(data, filename="t.csv").delimiter == ";"


def test_english_csv_uses_english_headers_and_commas():
    header = template_bytes("firms", lang="en", fmt="csv").decode("utf-8-sig").splitlines()[0]
    assert header == ",".join(FIRM_COLUMNS)


def test_xlsx_has_instructions_and_dropdowns():
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes("streams", lang="fr", fmt="xlsx")))
    assert wb.sheetnames[:2] == ["flux", "instructions"]
    data = wb["flux"]
    validated = {
        data.cell(1, rng.min_col).value
        for dv in data.data_validations.dataValidation
        for rng in dv.sqref.ranges
    }
    assert {"unite", "sens", "disponibilite", "confidentialite"} <= validated
    instructions = [c.value for row in wb["instructions"].iter_rows() for c in row if c.value]
    assert any("Fill one row" in v for v in instructions) and any("Remplissez" in v for v in instructions)
    lists = {col[0].value: [c.value for c in col[1:] if c.value] for col in wb["listes"].iter_cols()}
    units = lists["unite"]
    assert "t/an" in units and "m³/jour" in units


def test_every_column_has_bilingual_help():
    assert set(COLUMN_HELP) == set(FIRM_COLUMNS) | set(STREAM_COLUMNS)


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        template_bytes("parks")
    with pytest.raises(ValueError):
        template_bytes("firms", fmt="pdf")
