"""Emission factors: the bundled, sourced table and the lookup by category, family and kind.

Each row of ``data/impact_factors.csv`` says how many kg CO2e one unit of something emits or
avoids, with its source and year (DOMAIN.md: every figure carries its method and factor).

``quantity`` is one of

* ``disposal_avoided`` — kg CO2e avoided per tonne of a *supply* kept from its **current fate**
  (column ``fate``: landfill methane, incineration, land spreading…; a by-product already sold,
  internal reuse, paid treatment and discharge avoid nothing); looked up by the supply's category,
  family, material class (``class:<inert|organic|metal|energy|water>``), kind, then ``*``, among the
  rows of its fate (an empty ``fate`` means ``landfill``, as in tables written before fates);
* ``virgin_avoided`` — kg CO2e of producing one canonical unit of the virgin input a *demand*
  buys (t, MWh, m³, trip); looked up by the demand's category; a row whose ``applies_to`` is a pair
  ``<supply category>><demand category>`` overrides it for that pair (lime mud, a carbonate, earns
  no liming credit);
* ``transport`` — kg CO2e per t·km of road freight (``applies_to = "*"``);
* ``reference`` — documented alternatives not used by default (sensitivity cases).

``applies_to`` is a ``category_id``, a category ``family``, ``kind:<kind>`` or ``*``; the most
specific row wins (category, then family, then kind, then ``*``), and no row means 0.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from symbiosis.engine._keys import distinct_rows, frame_digest
from symbiosis.findings import Finding
from symbiosis.i18n import TextTable, plural_text
from symbiosis.schemas import FATES

__all__ = [
    "FACTOR_COLUMNS",
    "QUANTITIES",
    "FactorError",
    "check_factors",
    "disposal_factor",
    "load_factors",
    "lookup_factor",
    "validated_factors",
    "virgin_factor",
    "virgin_pair_factor",
]

FACTOR_COLUMNS = ("factor_id", "applies_to", "quantity", "value", "unit", "source", "year", "note")
#: Optional column: the current fate a ``disposal_avoided`` row applies to (empty: landfill).
FATE_COLUMN = "fate"
QUANTITIES = ("disposal_avoided", "virgin_avoided", "transport", "reference")
_UNIT_OF_CANONICAL = {
    "t/yr": "kg CO2e/t",
    "MWh/yr": "kg CO2e/MWh",
    "m3/yr": "kg CO2e/m3",
    "trip/yr": "kg CO2e/trip",
    "m2": "kg CO2e/m2",
    "h/yr": "kg CO2e/h",
}
UNITS = (*_UNIT_OF_CANONICAL.values(), "kg CO2e/t.km")


class FactorError(ValueError):
    """The factor table is invalid (missing source, unknown unit, duplicate key…)."""


def load_factors(*, categories: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and validate the bundled Québec emission-factor table (package data).

    A program's own table is read by :func:`symbiosis.services.factor_files.read_factors`; both end in
    :func:`validated_factors`.

    Parameters
    ----------
    categories
        Knowledge-base categories; when given, units are checked against the canonical unit of
        the category (or family) each row applies to.

    Returns
    -------
    pandas.DataFrame
        The table, ``value`` as float and ``year`` as int.

    Raises
    ------
    FactorError
        When :func:`check_factors` finds a problem.
    """
    if categories is None:
        return _bundled_factors().copy()  # a copy: callers may edit theirs
    return validated_factors(_bundled_rows(), categories=categories)


def _bundled_rows() -> pd.DataFrame:
    with resources.files("symbiosis.engine").joinpath("data/impact_factors.csv").open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _bundled_factors() -> pd.DataFrame:
    """The bundled table, read and checked once per process (8 ms per pipeline run before)."""
    return validated_factors(_bundled_rows())


def _with_fate(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with a ``fate`` column: empty fates of ``disposal_avoided`` rows read as landfill."""
    fate = (
        frame[FATE_COLUMN].astype("string").fillna("").str.strip()
        if FATE_COLUMN in frame
        else pd.Series("", index=frame.index, dtype="string")
    )
    disposal = frame["quantity"].astype(str).str.strip() == "disposal_avoided"
    return frame.assign(**{FATE_COLUMN: fate.mask(disposal & (fate == ""), "landfill").astype(object)})


#: What each factor-table finding says, from the message catalogue (``factors.check.<code>``).
CHECK_TEXTS = TextTable("factors.check")


def check_factors(frame: pd.DataFrame, *, categories: pd.DataFrame | None = None) -> list[Finding]:
    """Problems of a factor table read as text (empty list when valid).

    Each finding names the check (``code``), the first five ``factor_id`` concerned (``location``)
    and what is wrong in French and English (catalogue entry ``factors.check.<code>``).
    """
    missing = [c for c in FACTOR_COLUMNS if c not in frame.columns]
    if missing:
        detail = plural_text("factors.check.missing_columns", len(missing), columns=missing)
        return [Finding(code="missing_columns", location=", ".join(missing), detail=detail)]
    text = frame[list(FACTOR_COLUMNS)].astype("string").fillna("").apply(lambda s: s.str.strip())
    found: list[Finding] = []

    def bad(mask: pd.Series, code: str, **values: object) -> None:
        if mask.any():
            ids = text.loc[mask, "factor_id"].tolist()[:5]
            detail = CHECK_TEXTS[code].format(ids=ids, **values)
            found.append(Finding(code=code, location=", ".join(map(str, ids)), detail=detail))

    for col in ("factor_id", "applies_to", "source", "unit"):
        bad(text[col] == "", f"empty_{col}")
    value = pd.to_numeric(text["value"], errors="coerce")
    year = pd.to_numeric(text["year"], errors="coerce")
    bad(~np.isfinite(value.fillna(np.nan).astype(float)), "value_not_finite")
    bad(year.isna() | (year < 1990) | (year > 2035) | (year != year.round()), "year_out_of_range")
    bad(~text["quantity"].isin(QUANTITIES), "unknown_quantity", allowed=QUANTITIES)
    bad(~text["unit"].isin(UNITS), "unknown_unit", allowed=UNITS)
    bad((text["quantity"] == "transport") != (text["unit"] == "kg CO2e/t.km"), "transport_unit")
    bad((text["quantity"] == "disposal_avoided") & (text["unit"] != "kg CO2e/t"), "disposal_avoided_unit")
    fate = _with_fate(frame)[FATE_COLUMN].astype(str)
    bad(~fate.isin(("", *FATES)), "unknown_fate", allowed=FATES)
    bad((fate != "") & (text["quantity"] != "disposal_avoided"), "fate_outside_disposal_avoided")
    used = text["quantity"] != "reference"
    keyed = text.assign(_fate=fate.to_numpy())
    bad(used & keyed.duplicated(["applies_to", "quantity", "_fate"], keep=False), "duplicate_key")
    bad(text["factor_id"].duplicated(keep=False), "duplicate_factor_id")
    if categories is not None:
        bad(_unit_mismatch(text, categories), "unit_not_canonical")
    return found


def validated_factors(frame: pd.DataFrame, *, categories: pd.DataFrame | None = None) -> pd.DataFrame:
    """A factor table read as text, checked and typed (``value`` float, ``year`` int, ``fate`` filled).

    Raises
    ------
    FactorError
        When :func:`check_factors` finds a problem (every finding named, in English).
    """
    found = check_factors(frame, categories=categories)
    if found:
        raise FactorError("impact factors: " + "; ".join(f.message("en") for f in found))
    return _with_fate(frame).assign(value=frame["value"].astype(float), year=frame["year"].astype(int))


def _most_common(values: pd.Series) -> str:
    """The most frequent value (the first in sort order on a tie), ``""`` for none."""
    modes = values.mode()
    return str(modes.iat[0]) if len(modes) else ""


def _unit_mismatch(text: pd.DataFrame, categories: pd.DataFrame) -> pd.Series:
    units = categories.assign(_u=categories["canonical_unit"].map(_UNIT_OF_CANONICAL))
    by_key = pd.concat(
        [
            units.set_index(units["category_id"].astype(str))["_u"],
            units.groupby(units["family"].astype(str))["_u"].agg(_most_common),
        ]
    )
    by_key = by_key[~by_key.index.duplicated()]
    expected = text["applies_to"].map(by_key)
    checked = text["quantity"].eq("virgin_avoided") & expected.notna()
    return checked & (text["unit"] != expected)


def lookup_factor(
    factors: pd.DataFrame,
    quantity: str,
    *,
    category_id: np.ndarray,
    family: np.ndarray,
    kind: np.ndarray,
    column: str = "value",
) -> np.ndarray:
    """Factor value per row, most specific match first (category, family, ``kind:…``, ``*``), else 0.

    Parameters
    ----------
    factors
        A table from :func:`load_factors`.
    quantity
        Which factor (``"disposal_avoided"``, ``"virgin_avoided"``, ``"transport"``).
    category_id, family, kind
        Aligned arrays describing each row to score.
    column
        ``"value"`` for the factor, ``"factor_id"`` to name the row used (``""`` when none).

    Returns
    -------
    numpy.ndarray
        kg CO2e per unit, one value per row.
    """

    def rows_of_quantity() -> pd.Series:
        rows = factors[factors["quantity"] == quantity]
        if quantity == "disposal_avoided":
            rows = rows[_with_fate(rows)[FATE_COLUMN].eq("landfill").to_numpy()]
        rows = rows[~rows["applies_to"].astype(str).str.contains(">", regex=False).to_numpy()]
        return _table(rows, column)

    table = _kept_table(factors, ("lookup", quantity, column), rows_of_quantity)
    kinds = np.array(["kind:" + str(k) for k in kind], dtype=object)
    return _most_specific(table, [category_id, family, kinds], len(category_id), column)


#: How many distinct factor tables the lookups keep their keyed rows for (the shipped one, a
#: program's own…).
_KEPT_TABLES = 4
_TABLES: OrderedDict[bytes, dict[tuple[str, ...], pd.Series]] = OrderedDict()
_TABLES_LOCK = threading.Lock()


def _kept_table(factors: pd.DataFrame, what: tuple[str, ...], build: Callable[[], pd.Series]) -> pd.Series:
    """The rows a lookup reads, ``applies_to`` -> value (or id), selected once per factor table.

    Selecting them from the table cost 3 ms per lookup, six lookups per impact ledger (a firm's
    proposals page) and per scored tile, for a table of 50 rows. They are kept keyed on the table's
    content (:func:`~symbiosis.engine._keys.frame_digest`), so that a table edited or replaced is
    selected again.
    """
    key = frame_digest(factors)
    with _TABLES_LOCK:
        kept = _TABLES.get(key)
        if kept is not None:
            _TABLES.move_to_end(key)
            if what in kept:
                return kept[what]
    table = build()
    table.to_numpy().setflags(write=False)  # shared by every caller: read-only (object values)
    with _TABLES_LOCK:
        kept = _TABLES.setdefault(key, {})
        kept.setdefault(what, table)
        while len(_TABLES) > _KEPT_TABLES:
            _TABLES.popitem(last=False)
        return kept[what]


def _table(rows: pd.DataFrame, column: str) -> pd.Series:
    values = rows[column].to_numpy(float if column == "value" else object)
    return pd.Series(values, index=rows["applies_to"].astype(str).to_numpy(), dtype=object)


def _most_specific(table: pd.Series, keys: list[np.ndarray], n: int, column: str) -> np.ndarray:
    """Per row, the table's value at the first of ``keys`` (most specific first) it holds, else ``*``.

    A missing value in the table does not count as held. Dictionary lookups: the rows are distinct
    combinations, a few hundred (a pandas map per key level cost 25 ms per run).
    """
    if not table.index.is_unique:
        raise ValueError("factors: an applies_to key is repeated for one quantity")
    held = {key: value for key, value in table.items() if pd.notna(value)}
    fallback = table.get("*", 0.0 if column == "value" else "")
    levels = [np.asarray(key, dtype=object).tolist() for key in keys]
    picked = [next((held[k] for k in row if k in held), fallback) for row in zip(*levels, strict=True)]
    out = pd.Series(picked, index=range(n), dtype=object)
    return out.to_numpy(float) if column == "value" else out.astype(str).to_numpy(object)


def disposal_factor(
    factors: pd.DataFrame,
    *,
    category_id: np.ndarray,
    family: np.ndarray,
    material_class: np.ndarray,
    kind: np.ndarray,
    fate: np.ndarray,
    column: str = "value",
) -> np.ndarray:
    """kg CO2e avoided per tonne kept from its current ``fate``, most specific row first.

    Among the ``disposal_avoided`` rows of each pair's fate: category, family,
    ``class:<material_class>``, ``kind:<kind>``, ``*``; no row means 0 (``""`` for ids).
    """
    first, inverse = distinct_rows(category_id, family, material_class, kind, fate)
    if len(first) < len(inverse):  # one lookup per distinct combination
        pick = [np.asarray(a, dtype=object)[first] for a in (category_id, family, material_class, kind, fate)]
        out = disposal_factor(
            factors,
            category_id=pick[0],
            family=pick[1],
            material_class=pick[2],
            kind=pick[3],
            fate=pick[4],
            column=column,
        )
        return out[inverse]
    n = len(category_id)

    def rows_of_fate(value: str) -> Callable[[], pd.Series]:
        def build() -> pd.Series:
            rows = factors[factors["quantity"] == "disposal_avoided"]
            rows_fate = _with_fate(rows)[FATE_COLUMN].astype(str).to_numpy()
            return _table(rows[rows_fate == value], column)

        return build

    fate = np.asarray(fate, dtype=object).astype(str)
    out = np.zeros(n) if column == "value" else np.full(n, "", dtype=object)
    keys = [
        np.asarray(category_id, dtype=object),
        np.asarray(family, dtype=object),
        np.array(["class:" + str(c) for c in material_class], dtype=object),
        np.array(["kind:" + str(k) for k in kind], dtype=object),
    ]
    for value in np.unique(fate):
        mine = fate == value
        table = _kept_table(factors, ("disposal", str(value), column), rows_of_fate(str(value)))
        out[mine] = _most_specific(table, [k[mine] for k in keys], int(mine.sum()), column)
    return out


def virgin_factor(
    factors: pd.DataFrame,
    *,
    supply_category_id: np.ndarray,
    category_id: np.ndarray,
    family: np.ndarray,
    kind: np.ndarray,
    column: str = "value",
) -> np.ndarray:
    """kg CO2e of the virgin input a demand no longer buys, per demand unit.

    A ``<supply category>><demand category>`` row wins (e.g. lime mud for liming); else
    :func:`lookup_factor` by the demand's category, family and kind.
    """
    base = lookup_factor(
        factors, "virgin_avoided", category_id=category_id, family=family, kind=kind, column=column
    )
    override = virgin_pair_factor(
        factors, supply_category_id=supply_category_id, category_id=category_id, column=column
    )
    if override is None:
        return base
    has, values = override
    return np.where(has, values, base).astype(float if column == "value" else object)


def virgin_pair_factor(
    factors: pd.DataFrame, *, supply_category_id: np.ndarray, category_id: np.ndarray, column: str = "value"
) -> tuple[np.ndarray, np.ndarray] | None:
    """The ``<supply category>><demand category>`` rows' virgin factor of each pair: which pairs
    have one, and its value (or id) there; None when the table has no such row.

    What :func:`virgin_factor` puts before the demand's own factor (a function of the demand alone).
    """

    def pair_rows() -> pd.Series:
        rows = factors[factors["quantity"] == "virgin_avoided"]
        return _table(rows[rows["applies_to"].astype(str).str.contains(">", regex=False).to_numpy()], column)

    table = _kept_table(factors, ("virgin_pairs", column), pair_rows)
    if table.empty:
        return None
    # A few rows, looked up per distinct pair with a dictionary (pandas' text concatenation and map
    # cost 1.1 ms a call, twice per scored tile).
    held = {key: value for key, value in table.items() if pd.notna(value)}
    keys = [
        f"{s}>{d}"
        for s, d in zip(
            np.asarray(supply_category_id, dtype=object).tolist(),
            np.asarray(category_id, dtype=object).tolist(),
            strict=True,
        )
    ]
    has = np.fromiter((key in held for key in keys), dtype=bool, count=len(keys))
    return has, np.array([held.get(key, np.nan) for key in keys], dtype=object)
