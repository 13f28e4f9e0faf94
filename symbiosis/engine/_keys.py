"""Distinct combinations of a few aligned key arrays, so a lookup runs once per combination."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

__all__ = ["distinct_rows", "first_and_inverse", "frame_digest"]


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


def frame_digest(frame: pd.DataFrame | None, *, index: bool = True) -> bytes:
    """A digest of a frame's columns, dtypes, values in row order and (``index``) its index.

    The key of the caches that keep what a lookup derives from a table (the impact factors, the
    anonymisation directory): a table edited or replaced gives another key. The ``repr`` of the
    values is exact for the strings and numbers of these tables (a float's repr reads back as the
    same float) and 4 times as fast as pandas' row hashes on 50 rows. ``None`` (the shipped table
    is read) digests as ``b"-"``.
    """
    if frame is None:
        return b"-"
    described = (
        list(frame.columns),
        [str(t) for t in frame.dtypes],
        frame.index.tolist() if index else len(frame),
        frame.to_numpy(dtype=object).tolist(),
    )
    return hashlib.sha256(repr(described).encode()).digest()
