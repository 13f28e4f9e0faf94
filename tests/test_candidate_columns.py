"""Column readers of candidate generation: the fast path for text columns gives the generic path's arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from symbiosis.engine._candidate_pairs import as_str


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
