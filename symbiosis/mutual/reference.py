"""Reference tables of the levers, shipped as data: purchase categories and their price-break tiers,
residues collected on tours, equipment types, and example treatment units.

Every tier and unit row carries ``evidence_type`` and ``evidence_note``: where the figure comes
from (an expert note until a program replaces it by a supplier's price list or a quote).
"""

from __future__ import annotations

import functools
import math
from importlib import resources

import numpy as np
import pandas as pd

from symbiosis.i18n import Text, catalogue_keys, t
from symbiosis.ingest.fields import fold
from symbiosis.numbers import format_number, parse_number

__all__ = [
    "UNIT_TABLE_NUMBERS",
    "check_unit_table",
    "load_asset_types",
    "load_purchase_categories",
    "load_purchase_tiers",
    "load_residues",
    "load_treatment_types",
    "load_treatment_units",
    "lookup_word",
    "tier_arrays",
    "word_index",
]


def _read(name: str) -> pd.DataFrame:
    with resources.files("symbiosis.mutual").joinpath(f"data/{name}").open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


@functools.lru_cache(maxsize=1)
def _categories() -> pd.DataFrame:
    frame = _read("purchase_categories.csv")
    frame["default_radius_km"] = frame["default_radius_km"].astype(float)
    return frame


@functools.lru_cache(maxsize=1)
def _tiers() -> pd.DataFrame:
    frame = _read("purchase_tiers.csv")
    frame["tier"] = frame["tier"].astype(int)
    frame["min_quantity_per_yr"] = frame["min_quantity_per_yr"].astype(float)
    frame["discount_pct"] = frame["discount_pct"].astype(float)
    return frame.sort_values(["category_id", "min_quantity_per_yr"], ignore_index=True)


def load_purchase_categories() -> pd.DataFrame:
    """Purchase categories: ``category_id, family, label_fr, label_en, unit, unit_aliases,
    default_radius_km, evidence_type, evidence_note``."""
    return _categories().copy()


def load_purchase_tiers() -> pd.DataFrame:
    """Price-break tiers: ``category_id, tier, min_quantity_per_yr, discount_pct, evidence_type,
    evidence_note``; a group whose pooled yearly quantity reaches ``min_quantity_per_yr`` gets
    ``discount_pct`` off each member's current price."""
    return _tiers().copy()


@functools.lru_cache(maxsize=8)
def _cached(name: str) -> pd.DataFrame:
    return _read(name)


def load_residues() -> pd.DataFrame:
    """Residues collected on shared tours (ids of the knowledge base's categories), with their
    default density, service time at a stop (min) and synonyms."""
    frame = _cached("residues.csv").copy()
    frame["default_density_t_per_m3"] = frame["default_density_t_per_m3"].astype(float)
    frame["service_min"] = frame["service_min"].astype(float)
    return frame


def load_asset_types() -> pd.DataFrame:
    """Equipment and service types a firm may share: ``asset_type, label_fr, label_en, synonyms``."""
    return _cached("asset_types.csv").copy()


def load_treatment_types() -> pd.DataFrame:
    """Treatment types a shared unit may serve: ``treatment_type, unit, label_fr, label_en, synonyms``."""
    return _cached("treatment_types.csv").copy()


def load_treatment_units() -> pd.DataFrame:
    """Example shared treatment units per treatment type and size (to be replaced by quotes):
    capacity, investment, fixed and variable costs, lifetime, mass per unit."""
    frame = _cached("treatment_units.csv").copy()
    for col in (
        "capacity_per_yr",
        "investment_cad",
        "fixed_cost_cad_per_yr",
        "variable_cost_cad_per_unit",
        "lifetime_yr",
        "t_per_unit",
    ):
        frame[col] = frame[col].astype(float)
    return frame


def word_index(
    table: pd.DataFrame,
    id_column: str,
    *,
    synonyms_column: str = "synonyms",
    label_columns: tuple[str, ...] = ("label_fr", "label_en"),
) -> dict[str, str]:
    """Folded id, label or synonym -> id, for :func:`lookup_word` (the first row naming a word wins)."""
    index: dict[str, str] = {}
    for row in table.to_dict("records"):
        words = [row[id_column], *(row.get(c, "") for c in label_columns)]
        words += str(row.get(synonyms_column, "") or "").split("|")
        for word in words:
            if word:
                index.setdefault(fold(str(word)), str(row[id_column]))
    return index


def lookup_word(table: pd.DataFrame | dict[str, str], id_column: str, text: str) -> str | None:
    """The id ``text`` names in ``table`` (a frame, or its :func:`word_index`): id, label or synonym,
    accents and case ignored; None when it names none."""
    index = table if isinstance(table, dict) else word_index(table, id_column)
    return index.get(fold(text)) if fold(text) else None


def tier_arrays(tiers: pd.DataFrame, category_id: str) -> tuple[np.ndarray, np.ndarray]:
    """Thresholds (with a leading 0) and discounts in % (leading 0 %) of one category, ascending."""
    rows = tiers[tiers["category_id"] == category_id].sort_values("min_quantity_per_yr")
    thresholds = np.concatenate([[0.0], rows["min_quantity_per_yr"].to_numpy(float)])
    discounts = np.concatenate([[0.0], rows["discount_pct"].to_numpy(float)])
    return thresholds, np.maximum.accumulate(discounts)


_LOCALES = {"fr": "fr_CA", "en": "en_CA"}
#: Columns of a unit table the advisor enters, and the smallest value each number may take.
UNIT_TABLE_NUMBERS: dict[str, float] = {
    "capacity_per_yr": 1e-9,
    "investment_cad": 0.0,
    "fixed_cost_cad_per_yr": 0.0,
    "variable_cost_cad_per_unit": 0.0,
    "lifetime_yr": 1.0,
    "t_per_unit": 0.0,
}


def _unit_number(value: object, locale: str) -> tuple[float | None, str]:
    """A cell of a unit table's number column: ``(value or None, the cell as the advisor reads it)``.

    A number stays itself; a text is read as the advisor writes numbers (« 12,5 », « 120 000 »):
    ``pd.to_numeric`` refused « 12,5 », and the file reader's comma-to-point made « 1,200 » 1.2.
    """
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        number = float(value)
        return (None, "") if math.isnan(number) else (number, format_number(number, locale=locale))
    text = "" if value is None or value is pd.NA else str(value).strip()
    parsed = parse_number(text, locale=locale)
    return (parsed.value if parsed.ok and not parsed.warnings else None), text[:40]


def _unit_problem(code: str, column: str, **values: object) -> Text:
    """One problem of a unit table in French and English, naming the column as its header reads."""
    key = f"mutual.units.{code}"
    shown = {
        lang: {
            "column": t(f"mutual.unit_col.{column}", lang)
            if f"mutual.unit_col.{column}" in catalogue_keys()
            else column,
            **{
                k: format_number(v, locale=_LOCALES[lang]) if isinstance(v, float) else v
                for k, v in values.items()
            },
        }
        for lang in ("fr", "en")
    }
    return Text(t(key, "fr", **shown["fr"]), t(key, "en", **shown["en"]))


def check_unit_table(table: pd.DataFrame, *, lang: str = "fr") -> tuple[pd.DataFrame, list[Text]]:
    """Validate a treatment-unit table an advisor entered; return the clean rows and the problems.

    A row needs a treatment type, a size id, a unit and the numbers of :data:`UNIT_TABLE_NUMBERS`
    (capacity above 0, lifetime of at least a year, the others not negative), read as written in
    ``lang`` when typed as text. Bad rows are left out, each problem naming its row (from 1), its
    column, what was found and what is expected, in French and English.
    """
    required = ("treatment_type", "size_id", "unit", *UNIT_TABLE_NUMBERS)
    missing = [c for c in required if c not in table.columns]
    if missing:
        return table.iloc[0:0], [
            Text(*(t("mutual.units.missing", g, columns=", ".join(missing)) for g in ("fr", "en")))
        ]
    problems: list[Text] = []
    frame = table.copy()
    keep = pd.Series(True, index=frame.index)
    locale = _LOCALES.get(lang, "fr_CA")
    for col, minimum in UNIT_TABLE_NUMBERS.items():
        read = [_unit_number(v, locale) for v in frame[col]]
        values = pd.Series([v for v, _ in read], index=frame.index, dtype=float)
        bad = values.isna() | (values < minimum)
        for position, (row, (_, found)) in enumerate(zip(frame.index, read, strict=True)):
            if bad[row]:
                code = "positive" if 0 < minimum < 1e-6 else "at_least"
                problems.append(
                    _unit_problem(code, col, row=position + 1, found=found, minimum=float(minimum))
                )
        frame[col] = values  # floats: an editor shows a whole-number column as one that drops the comma
        keep &= ~bad
    for col in ("treatment_type", "size_id", "unit"):
        empty = frame[col].astype(str).str.strip().isin(["", "nan", "None"])
        for row in frame.index[empty]:
            problems.append(_unit_problem("required", col, row=frame.index.get_loc(row) + 1))
        keep &= ~empty
    return frame[keep].reset_index(drop=True), problems
