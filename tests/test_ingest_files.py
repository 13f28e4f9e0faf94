"""Messy files as firms send them (cp1252, ';', a title line, every kind of mistake): each row ends up
exactly where it should, with the expected issue codes, through the shipped reference tables."""

from pathlib import Path

import pytest

from symbiosis.ingest import import_tables, read_table
from symbiosis.schemas import FIRMS, STREAMS, validate_frame
from symbiosis.services.importing import default_context

DATA = Path(__file__).resolve().parent / "data" / "import"


@pytest.fixture(scope="module")
def batch():
    ctx = default_context()
    return import_tables(
        (DATA / "entreprises_desordre.csv").read_bytes(),
        (DATA / "flux_desordre.csv").read_bytes(),
        geocoder=ctx.geocoder,
        parks=ctx.parks,
        categories=ctx.categories,
        waste_codes=ctx.waste_codes,
    )


def _by_row(result):
    found = {}
    for issue in result.report.issues:
        found.setdefault(issue.row, set()).add(issue.code)
    return found


def test_messy_file_is_read_as_cp1252_with_a_title_line():
    raw = read_table((DATA / "entreprises_desordre.csv").read_bytes(), filename="entreprises_desordre.csv")
    assert (raw.encoding, raw.delimiter, raw.source_rows[0]) == ("cp1252", ";", 3)
    assert raw.unknown_columns == ("Remarques",)


def test_messy_firms(batch):
    firms = batch.firms
    assert validate_frame(firms.valid, FIRMS) == []
    assert _by_row(firms) == {
        None: {"file.unknown_column"},
        5: {"municipality.approximate", "scian_code.not_in_table"},
        6: {"name.formula_like"},
        7: {"municipality.unknown"},
        8: {"lon.positive"},
        9: {"firm_id.duplicate"},
        10: {"contact_email.invalid"},
    }
    valid = firms.valid.set_index("firm_id")
    assert valid.loc["F-002", "coord_source"] == "park"
    assert valid.loc["F-003", "coord_source"] == "municipality"
    assert valid.loc["F-001", "name"] == "Scierie du Lac"  # the first of the duplicates is kept
    unknown = next(i for i in firms.report.issues if i.code == "municipality.unknown")
    assert "Saguenay" in unknown.fix.fr  # the gazetteer's close names
    assert len(firms.rejected) == 3 and firms.valid["firm_id"].str.startswith("F-").all()


def test_messy_streams(batch):
    streams = batch.streams
    assert validate_frame(streams.valid, STREAMS) == []
    assert _by_row(streams) == {
        3: {"density_t_per_m3.category_default"},
        4: {"quantity.negative", "hazardous.forced_by_code"},
        5: {"quantity.not_a_number"},
        6: {"unit.unknown"},
        7: {"category_id.unknown"},
        8: {"firm_id.unknown"},
        9: {"hazardous.forced_by_code"},
        10: {"stream_id.duplicate"},
        11: {"waste_code.unknown"},
        12: {"hazardous.invalid"},
        13: {"quantity.seasonal_share"},
    }
    valid = streams.valid.set_index("stream_id")
    assert valid.loc["S-01", "quantity_per_yr"] == 12.5
    assert valid.loc["S-02", "months_mask"] == 0b1110_0000
    assert valid.loc["S-02", "density_source"] == "category_default"
    assert bool(valid.loc["S-08", "hazardous"]) and valid.loc["S-08", "quantity_per_yr"] == 40
    assert valid.loc["S-12", "quantity_per_yr"] == pytest.approx(50.0)  # 10 t/mois over May-September
