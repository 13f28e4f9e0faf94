"""A program's own emission-factor table: read its CSV file into a checked, typed frame.

The engine parses and checks frames only (:func:`symbiosis.engine.factors.validated_factors`); the
bundled Québec defaults are package data (:func:`symbiosis.engine.factors.load_factors`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from symbiosis.engine.factors import validated_factors

__all__ = ["read_factors"]


def read_factors(path: str | Path, *, categories: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read a factor CSV (:data:`~symbiosis.engine.factors.FACTOR_COLUMNS`), check it and type it.

    Parameters
    ----------
    path
        The program's edited table (every cell read as text, empty cells ``""``).
    categories
        Knowledge-base categories; when given, units are checked against each row's category.

    Raises
    ------
    symbiosis.engine.factors.FactorError
        The table fails :func:`~symbiosis.engine.factors.check_factors` (missing source, bad unit…).
    OSError
        The file cannot be read.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return validated_factors(frame, categories=categories)
