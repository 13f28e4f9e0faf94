"""Distinct combinations of a few aligned key arrays, so a lookup runs once per combination."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["distinct_rows", "first_and_inverse"]


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
    return first_and_inverse(key)


def first_and_inverse(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_index=True, return_inverse=True)[1:]`` for non-negative integer keys.

    The first row of each distinct key (in increasing key order) and each row's rank among the
    distinct keys. When the keys span at most a few times as many values as there are rows (codes
    combined from a few hundred categories), a table over the span replaces the sort: the same two
    arrays (for 2.8 million pairs: 0.4 CPU s for the sort, 0.013 for the table).
    """
    key = np.asarray(key)
    n = len(key)
    if n == 0 or key.dtype.kind not in "iu" or int(key.min()) < 0 or int(key.max()) >= 4 * n + 1024:
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        return first, inverse
    first_at = np.full(int(key.max()) + 1, n, np.int64)
    np.minimum.at(first_at, key, np.arange(n, dtype=np.int64))
    present = first_at < n
    rank = np.cumsum(present) - 1
    return first_at[present], rank[key]
