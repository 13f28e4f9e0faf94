"""Column readers of candidate generation: their fast paths (text, dates) give the generic paths' arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from symbiosis.engine._candidate_pairs import _days, as_str


def _generic(frame: pd.DataFrame, col: str, default: str) -> np.ndarray:
    """What ``as_str`` returned for every column before its fast path for text columns."""
    return frame[col].astype("string").fillna(default).to_numpy(dtype=object)


@pytest.mark.parametrize("dtype", ["str", "string", "string[python]", object])
@pytest.mark.parametrize("default", ["", "material"])
def test_text_columns_read_as_before(dtype, default):
    values = ["a", None, " b ", "", "é\x1fx", None]
    frame = pd.DataFrame({"c": pd.Series(values, dtype=dtype)})
    got, expected = as_str(frame, "c", default), _generic(frame, "c", default)
    assert got.dtype == object and expected.dtype == object
    assert got.tolist() == expected.tolist()
    assert [type(v) for v in got] == [str] * len(values)  # never NA, NaN or None: the default instead
    assert got[1] == default


def test_other_columns_are_converted_and_a_missing_column_is_the_default():
    frame = pd.DataFrame({"n": [1, None, 3], "f": [1.5, np.nan, 2.0]})
    assert as_str(frame, "n").tolist() == _generic(frame, "n", "").tolist()
    assert as_str(frame, "f", "?").tolist() == _generic(frame, "f", "?").tolist()
    assert as_str(frame, "absent", "x").tolist() == ["x", "x", "x"]


def _generic_days(frame: pd.DataFrame, col: str, missing: float) -> np.ndarray:
    """What ``_days`` returned for every column before its fast path for datetime columns."""
    dates = pd.to_datetime(frame[col], errors="coerce")
    return (dates - pd.Timestamp("1970-01-01")).dt.days.astype("float64").fillna(missing).to_numpy()


DATES = ["2024-01-01", None, "1969-12-31 23:00", "1960-05-05 12:00", "2100-02-28 23:59:59.999", "1970-01-01"]


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@pytest.mark.parametrize("missing", [-np.inf, np.inf])
def test_dates_read_as_before_in_every_unit(unit, missing):
    """Floored days (a date before 1970 a day earlier, as ``Timedelta.days``), ``missing`` for NaT."""
    stamps = pd.Series(pd.to_datetime(DATES, format="mixed")).astype(f"datetime64[{unit}]")
    frame = pd.DataFrame({"d": stamps})
    got = _days(frame, "d", missing)
    np.testing.assert_array_equal(got, _generic_days(frame, "d", missing))
    assert got[2] == -1 and got[1] == missing


def test_dates_as_text_still_go_through_the_parser():
    frame = pd.DataFrame({"d": ["2024-01-02", "not a date", None]})
    np.testing.assert_array_equal(_days(frame, "d", np.inf), [19724.0, np.inf, np.inf])
