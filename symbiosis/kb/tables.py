"""Reading the knowledge base's shipped tables (``symbiosis/kb/data/*.csv``) and their cells.

The one place the knowledge base reads its packaged files (through :mod:`importlib.resources`); every
table module (:mod:`~symbiosis.kb.categories`, :mod:`~symbiosis.kb.waste_codes`,
:mod:`~symbiosis.kb.generic`, :mod:`~symbiosis.kb.rules`, :mod:`~symbiosis.kb.priors`) parses what
it returns. It imports no other module of the knowledge base, so that they never import each other
in a circle.
"""

from __future__ import annotations

import logging
from importlib import resources

import pandas as pd

__all__ = ["CATEGORY_COLUMNS", "LIST_SEPARATOR", "parse_bool", "read_package_csv", "split_list"]

log = logging.getLogger(__name__)

LIST_SEPARATOR = "|"

CATEGORY_COLUMNS: tuple[str, ...] = (
    "category_id",
    "family",
    "kind",
    "canonical_unit",
    "default_density_t_per_m3",
    "hazardous",
    "label_fr",
    "label_en",
    "synonyms_fr",
    "synonyms_en",
    "waste_codes",
    "tags",
    "temperature_low_c",
    "temperature_high_c",
    "lhv_mwh_per_t",
    "energy_mwh_per_t",
    "energy_mwh_per_m3",
    "temperature_return_c",
)


def read_package_csv(name: str) -> pd.DataFrame:
    """Read ``symbiosis/kb/data/<name>`` as text: every cell a string, empty cells ``""``.

    Parameters
    ----------
    name
        File name inside the package data folder.

    Returns
    -------
    pandas.DataFrame
        The raw table, no type conversion.
    """
    source = resources.files("symbiosis.kb").joinpath("data", name)
    with source.open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
    log.debug("read %d rows from kb/data/%s", len(frame), name)
    return frame


def parse_bool(series: pd.Series) -> pd.Series:
    """Map ``true/false`` (also ``1/0``, ``yes/no``, ``oui/non``) text to booleans; others are False."""
    return series.astype(str).str.strip().str.lower().isin(("true", "1", "yes", "oui", "vrai"))


def split_list(text: str) -> list[str]:
    """Split a ``|``-separated cell into its stripped, non-empty items.

    Examples
    --------
    >>> split_list("brasque| SPL |")
    ['brasque', 'SPL']
    """
    return [item.strip() for item in str(text).split(LIST_SEPARATOR) if item.strip()]
