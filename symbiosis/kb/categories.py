"""Resource categories of the knowledge base: read ``data/categories.csv`` into a typed frame.

Every stream a firm declares carries a ``category_id`` from this table. A category belongs to one
*family* (``wood_forestry``, ``energy_heat``...) and one resource *kind*, whose canonical unit
(:data:`symbiosis.schemas.CANONICAL_UNIT`) the quantities of the stream are held in. Supply and
demand use the same categories: a firm that needs boiler fuel declares a demand in
``biomass_fuel_wood``; the compatibility rules (:mod:`symbiosis.kb.rules`) say which supply
categories feed it.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from symbiosis.kb._cache import cached_frame
from symbiosis.kb.tables import parse_bool, read_package_csv

__all__ = ["FAMILIES", "load_categories", "parse_categories"]

FAMILIES: tuple[str, ...] = (
    "metals_scrap",
    "aluminium_residues",
    "wood_forestry",
    "pulp_paper",
    "agrifood_organics",
    "mineral_ashes",
    "chemicals_solvents",
    "oils",
    "plastics",
    "paper_cardboard",
    "glass",
    "construction_demolition",
    "packaging_pallets",
    "textiles",
    "energy_heat",
    "energy_steam",
    "energy_gas",
    "energy_co2",
    "water",
    "logistics",
    "capacity_equipment",
    "services",
    "waste_treatment",
    "healthcare",
    "municipal",
)


def parse_categories(raw: pd.DataFrame) -> pd.DataFrame:
    """Type a raw categories table: density as float (NaN when empty), hazardous as bool.

    List columns (``synonyms_fr``, ``synonyms_en``, ``waste_codes``) stay ``|``-separated strings;
    use :func:`~symbiosis.kb.tables.split_list` to expand one.
    """
    frame = raw.copy()
    for col in (
        "default_density_t_per_m3",
        "temperature_low_c",
        "temperature_high_c",
        "lhv_mwh_per_t",
        "energy_mwh_per_t",
        "energy_mwh_per_m3",
        "temperature_return_c",
    ):
        if col in frame.columns:
            frame[col] = pd.to_numeric(frame[col].replace("", None), errors="coerce").astype("float64")
    frame["hazardous"] = parse_bool(frame["hazardous"])
    return frame


@lru_cache(maxsize=1)
def _categories() -> pd.DataFrame:
    return cached_frame("categories", _build_categories)  # built once per machine (symbiosis.kb._cache)


def _build_categories() -> pd.DataFrame:
    from symbiosis.kb.generic import generic_categories
    from symbiosis.kb.waste_codes import load_waste_codes

    specific = read_package_csv("categories.csv")
    generic = generic_categories(specific, load_waste_codes())
    return parse_categories(pd.concat([specific, generic], ignore_index=True))


def load_categories() -> pd.DataFrame:
    """Return the shipped resource categories, one row per ``category_id``.

    The specific categories of ``categories.csv`` come first, then the generated generic category of
    each List-of-Waste sub-chapter for the codes no specific category lists
    (:mod:`symbiosis.kb.generic`), so that every code of the list reaches a category.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~symbiosis.kb.tables.CATEGORY_COLUMNS`: ``category_id`` (stable snake_case
        id), ``family``, ``kind`` (a :data:`symbiosis.schemas.RESOURCE_KINDS` value), ``canonical_unit``,
        ``default_density_t_per_m3`` (float, NaN when not applicable), ``hazardous`` (bool),
        ``label_fr``, ``label_en``, ``synonyms_fr``, ``synonyms_en`` and ``waste_codes``
        (``|``-separated strings; waste codes are 6-digit EU List of Waste codes), the heat band
        ``temperature_low_c``/``temperature_high_c`` and, for a heat use, ``temperature_return_c``
        (the temperature it takes its fluid in at: what a colder supply can preheat from), °C, NaN
        when not applicable. A fresh copy on every call: mutate it freely.
    """
    return _categories().copy()
