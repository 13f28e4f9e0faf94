"""docs/data-model.md lists every unit of the controlled list and every import column."""

from pathlib import Path

import pytest

from symbiosis.ingest.columns import FIRM_COLUMNS, STREAM_COLUMNS
from symbiosis.schemas import FIRMS, STREAMS
from symbiosis.units import units

DOC = (Path(__file__).resolve().parents[1] / "docs" / "data-model.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("unit", units(), ids=lambda u: u.unit_en)
def test_doc_lists_every_unit(unit):
    assert f"| `{unit.unit_fr}` | `{unit.unit_en}` | `{unit.expression}` |" in DOC


def test_doc_lists_every_import_column_in_both_languages():
    for table in (FIRM_COLUMNS, STREAM_COLUMNS):
        for canonical, aliases in table.items():
            assert f"| `{canonical}` | `{aliases[0]}` |" in DOC


def test_doc_lists_every_schema_column():
    for schema in (FIRMS, STREAMS):
        for column in schema.columns:
            assert f"| `{column.name}` | {column.dtype} |" in DOC
