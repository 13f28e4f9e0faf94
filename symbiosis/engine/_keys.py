"""Distinct combinations of a few aligned key arrays, so a lookup runs once per combination."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["distinct_rows"]


def distinct_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(first, inverse)``: the first row of each distinct combination of ``columns``, and each row's.

    ``columns[i][first][inverse]`` equals ``columns[i]`` for every column: compute on the ``first``
    rows, then take ``inverse``.
    """
    n = len(columns[0]) if columns else 0
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    key = np.zeros(n, np.int64)
    for column in columns:
        codes, names = pd.factorize(pd.Series(np.asarray(column, dtype=object)).astype(str))
        key = key * (len(names) + 1) + codes
        key = pd.factorize(key)[0].astype(np.int64)  # keep the combined key small
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse
