"""The table schemas accept well-formed frames and name what is wrong in the others."""

import pandas as pd
import pytest

from symbiosis.schemas import FIRMS, SchemaError, empty_frame, validate_frame


def _firm(**over):
    row = dict(
        firm_id="F1",
        name="Alu",
        scian_code="331313",
        park_id="",
        municipality="Alma",
        lat=48.55,
        lon=-71.65,
        coord_source="declared",
        contact_name="",
        contact_email="",
        contact_phone="",
        accepts_hazardous=False,
        confidentiality="members",
    )
    row.update(over)
    return row


def test_valid_frame_passes():
    assert validate_frame(pd.DataFrame([_firm()]), FIRMS) == []


def test_empty_frame_has_schema_columns():
    assert list(empty_frame(FIRMS).columns) == FIRMS.names


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ({"name": ""}, "name: 1 missing"),
        ({"lat": "north"}, "lat: non-numeric"),
        ({"confidentiality": "secret"}, "confidentiality: values outside"),
    ],
)
def test_problems_are_named(override, fragment):
    errors = validate_frame(pd.DataFrame([_firm(**override)]), FIRMS, strict=False)
    assert any(fragment in e for e in errors), errors


def test_duplicate_key_and_strict_mode():
    frame = pd.DataFrame([_firm(), _firm()])
    with pytest.raises(SchemaError, match="duplicate key"):
        validate_frame(frame, FIRMS)


def test_missing_column():
    frame = pd.DataFrame([_firm()]).drop(columns="lat")
    assert validate_frame(frame, FIRMS, strict=False) == ["missing column 'lat'"]


@pytest.mark.parametrize("dtype", ["str", "string", "string[python]", object])
def test_blank_text_is_missing_whatever_the_text_dtype(dtype):
    # pandas 3 reads text as "str" (Arrow); hand-built frames may hold objects or nullable strings.
    names = ["Alu", "  ", "\t\u3000", None, "\u00a0"]
    frame = pd.DataFrame([_firm(firm_id=f"F{i}") for i in range(len(names))])
    frame["name"] = pd.Series(names, dtype=dtype)
    errors = validate_frame(frame, FIRMS, strict=False)
    assert errors == ["name: 4 missing value(s)"]
