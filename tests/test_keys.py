"""Distinct keys by a table over their span give exactly what ``np.unique`` gives."""

import numpy as np
import pytest

from symbiosis.engine._keys import distinct_rows, first_and_inverse


@pytest.mark.parametrize(
    "key",
    [
        np.array([5, 3, 5, 0, 3, 3, 9], np.int64),
        np.random.default_rng(0).integers(0, 300, 5000),  # dense: the table
        np.random.default_rng(1).integers(0, 2**40, 500),  # sparse: the sort
        np.array([7], np.int32),
        np.zeros(0, np.int64),
    ],
)
def test_first_and_inverse_is_numpy_unique(key):
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    got_first, got_inverse = first_and_inverse(key)
    assert np.array_equal(got_first, first) and np.array_equal(got_inverse, inverse)


def test_distinct_rows_rebuild_each_column():
    a = np.array(["x", "y", "x", "x", "z"], dtype=object)
    b = np.array([1, 2, 1, 3, 2])
    first, inverse = distinct_rows(a, b)
    assert np.array_equal(a[first][inverse], a) and np.array_equal(b[first][inverse], b)
    assert len(first) == 4
