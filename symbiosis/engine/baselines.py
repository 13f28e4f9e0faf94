"""Today's situation, the baseline of every figure: a supply's current fate, a demand's current use.

An exchange is worth what it changes. For a **supply** the baseline is what happens to it today
(:data:`~symbiosis.schemas.FATES`: landfill, incineration, land spreading, sold as a by-product,
internal reuse, paid treatment, discharged) and what that costs per unit (negative when it is sold).
For a **demand** it is what the firm does today (:data:`~symbiosis.schemas.CURRENT_USES`): buy a
virgin input at a price, or, for a treatment or recovery service, charge a gate fee.

A firm's declaration wins. Otherwise ``data/baselines.csv`` gives the category's default baseline —
its material class (inert, organic, metal, energy, water), default fate and cost, default use and
gate fee — most specific row first (category, family, ``kind:<kind>``), and the record says so
(``*_source = "category_default"``). A fate without a cost in either takes the scenario's default
for that fate (``MatchConfig.fate_cost``, ``"config_default"``).

Spare capacity (:data:`~symbiosis.schemas.SPARE_CAPACITY_KINDS`: an empty return trip, idle space or
equipment, free hours) has no fate: the truck drives back, the warehouse is rented, the welder is paid
whether the capacity is shared or not. A cost its owner declares for it is therefore not avoided
(counting it beside the receiver's avoided purchase counted the same trip twice); a declared sale
(a negative cost: the back-haul is sold today) is a real loss when the capacity goes elsewhere, and
is kept.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from symbiosis.engine._keys import distinct_rows
from symbiosis.engine.config import MatchConfig
from symbiosis.findings import Finding
from symbiosis.i18n import TextTable, plural_text
from symbiosis.kb.generic import GENERIC_PREFIX
from symbiosis.schemas import CURRENT_USES, DIVERTED_FATES, FATES, SPARE_CAPACITY_KINDS

__all__ = [
    "BASELINE_COLUMNS",
    "MATERIAL_CLASSES",
    "BaselineError",
    "check_baselines",
    "demand_baselines",
    "load_baselines",
    "supply_baselines",
]

BASELINE_COLUMNS = (
    "applies_to",
    "material_class",
    "default_fate",
    "fate_cost_cad_per_unit",
    "default_use",
    "gate_fee_cad_per_unit",
    "source",
    "year",
    "note",
)
MATERIAL_CLASSES = ("inert", "organic", "metal", "energy", "water")


class BaselineError(ValueError):
    """The baselines table is invalid (unknown fate or class, missing source…)."""


#: What each baselines-table finding says, from the message catalogue (``baselines.check.<code>``).
CHECK_TEXTS = TextTable("baselines.check")


def check_baselines(frame: pd.DataFrame) -> list[Finding]:
    """Problems of a baselines table read as text (empty when valid), one finding per check.

    Each finding names the check (``code``), the first five ``applies_to`` concerned
    (``location``) and what is wrong in French and English.
    """
    missing = [c for c in BASELINE_COLUMNS if c not in frame.columns]
    if missing:
        detail = plural_text("baselines.check.missing_columns", len(missing), columns=missing)
        return [Finding(code="missing_columns", location=", ".join(missing), detail=detail)]
    text = frame[list(BASELINE_COLUMNS)].astype("string").fillna("").apply(lambda s: s.str.strip())
    checks: list[tuple[pd.Series, str, dict[str, object]]] = [
        (text["applies_to"] == "", "empty_applies_to", {}),
        (text["applies_to"].duplicated(keep=False), "duplicate_applies_to", {}),
        (
            ~text["material_class"].isin(("", *MATERIAL_CLASSES)),
            "unknown_material_class",
            {"allowed": MATERIAL_CLASSES},
        ),
        (~text["default_fate"].isin(("", *FATES)), "unknown_default_fate", {"allowed": FATES}),
        (~text["default_use"].isin(("", *CURRENT_USES)), "unknown_default_use", {"allowed": CURRENT_USES}),
        (text["source"] == "", "empty_source", {}),
    ]
    for col in ("fate_cost_cad_per_unit", "gate_fee_cad_per_unit", "year"):
        value = pd.to_numeric(text[col].replace("", np.nan), errors="coerce")
        checks.append((value.isna() & (text[col] != ""), f"{col}_not_a_number", {}))
    found = []
    for mask, code, values in checks:
        if mask.any():
            ids = text.loc[mask, "applies_to"].tolist()[:5]
            detail = CHECK_TEXTS[code].format(ids=ids, **values)
            found.append(Finding(code=code, location=", ".join(map(str, ids)), detail=detail))
    return found


@lru_cache(maxsize=1)
def _bundled() -> pd.DataFrame:
    with resources.files("symbiosis.engine").joinpath("data/baselines.csv").open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def load_baselines(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the default baselines (the bundled Québec table when ``path`` is None).

    Raises
    ------
    BaselineError
        When :func:`check_baselines` finds a problem.
    """
    if path is None:
        return _checked_bundled().copy()  # a copy: callers may edit theirs
    return _checked(pd.read_csv(path, dtype=str, keep_default_na=False))


@lru_cache(maxsize=1)
def _checked_bundled() -> pd.DataFrame:
    """The bundled table, checked once per process (25 ms per pipeline run before)."""
    return _checked(_bundled().copy())


def _checked(frame: pd.DataFrame) -> pd.DataFrame:
    found = check_baselines(frame)
    if found:
        raise BaselineError("baselines: " + "; ".join(f.message("en") for f in found))
    for col in ("fate_cost_cad_per_unit", "gate_fee_cad_per_unit"):
        frame[col] = pd.to_numeric(frame[col].replace("", np.nan)).astype(float)
    return frame


def _defaults(
    baselines: pd.DataFrame, category: np.ndarray, family: np.ndarray, kind: np.ndarray
) -> pd.DataFrame:
    """The most specific baseline row of each (category, family, kind), as a frame aligned with them."""
    first, inverse = distinct_rows(category, family, kind)
    out = _distinct_defaults(
        baselines,
        np.asarray(category, dtype=object)[first],
        np.asarray(family, dtype=object)[first],
        np.asarray(kind, dtype=object)[first],
    )
    return out.iloc[inverse].reset_index(drop=True)


def _distinct_defaults(
    baselines: pd.DataFrame, category: np.ndarray, family: np.ndarray, kind: np.ndarray
) -> pd.DataFrame:
    """Per column, the first filled value among the rows of the category, the family and ``kind:…``.

    A few hundred distinct combinations: looked up in dictionaries (a pandas reindex per key level
    and column cost 25 ms per run, most of a small region's scoring).
    """
    keys = [str(k) for k in baselines["applies_to"].tolist()]
    if len(set(keys)) < len(keys):
        raise ValueError("baselines: an applies_to key is repeated")
    levels = [
        [str(k) for k in np.asarray(category, dtype=object).tolist()],
        [str(k) for k in np.asarray(family, dtype=object).tolist()],
        ["kind:" + str(k) for k in np.asarray(kind, dtype=object).tolist()],
    ]
    columns = {}
    for col in BASELINE_COLUMNS[1:6]:
        filled = {
            key: value for key, value in zip(keys, baselines[col].tolist(), strict=True) if not _blank(value)
        }
        columns[col] = [_first_filled(filled, level_keys) for level_keys in zip(*levels, strict=True)]
    return pd.DataFrame(
        columns, index=range(len(category)), columns=list(BASELINE_COLUMNS[1:6]), dtype=object
    )


def _blank(value: object) -> bool:
    """Missing or empty text (a baseline cell that does not fill its column)."""
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) or value == ""


def _first_filled(filled: dict[str, object], keys: tuple[str, ...]) -> object:
    for key in keys:
        if key in filled:
            return filled[key]
    return np.nan


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    """The column as floats (text that is no number is NaN); all NaN when the frame lacks it."""
    if column not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def _text(values: object, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, "", dtype=object)
    return pd.Series(values).astype("string").fillna("").str.strip().to_numpy(object)


def supply_baselines(
    supplies: pd.DataFrame,
    *,
    family: np.ndarray,
    t_per_unit: np.ndarray,
    baselines: pd.DataFrame,
    config: MatchConfig,
) -> dict[str, np.ndarray]:
    """Current fate, its cost per unit and whether leaving it counts as diverted, per supply row.

    Parameters
    ----------
    supplies
        Rows with ``category_id``, ``kind`` and, when declared, ``current_fate`` and
        ``disposal_cost_cad_per_unit``.
    family, t_per_unit
        Aligned with ``supplies``: the category's family, tonnes per canonical unit.

    Returns
    -------
    dict
        ``material_class``, ``fate``, ``fate_source`` (``declared`` / ``category_default``),
        ``cost`` ($ per unit), ``cost_source`` (``declared`` / ``category_default`` /
        ``config_default``), ``diverted`` (bool: a material whose fate is landfill or incineration).
    """
    n = len(supplies)
    kind = _text(supplies.get("kind"), n)
    rows = _defaults(baselines, _text(supplies["category_id"], n), np.asarray(family, dtype=object), kind)
    declared_cost = _numbers(supplies, "disposal_cost_cad_per_unit")
    fate = _text(supplies.get("current_fate"), n)
    fate_source = np.where(fate != "", "declared", "category_default").astype(object)
    # A negative cost declared without a fate is a by-product the firm sells today.
    sold = (fate == "") & np.isfinite(declared_cost) & (declared_cost < 0)
    fate = np.where(sold, "sold_byproduct", fate)
    fate_source = np.where(sold, "declared", fate_source)
    default_fate = rows["default_fate"].fillna("").to_numpy(object)
    fate = np.where(fate == "", default_fate, fate).astype(object)
    row_cost = pd.to_numeric(rows["fate_cost_cad_per_unit"], errors="coerce").to_numpy(float)
    per_tonne = np.where(kind == "material", t_per_unit, 1.0)
    config_cost = np.array([config.fate_cost(f) for f in fate]) * per_tonne
    use_row = (fate == default_fate) & np.isfinite(row_cost)
    cost = np.where(np.isfinite(declared_cost), declared_cost, np.where(use_row, row_cost, config_cost))
    cost_source = np.where(
        np.isfinite(declared_cost), "declared", np.where(use_row, "category_default", "config_default")
    ).astype(object)
    cost = np.where(fate == "", np.nan_to_num(declared_cost, nan=0.0), cost)
    sunk = np.isin(kind, SPARE_CAPACITY_KINDS) & (cost > 0)
    cost = np.where(sunk, 0.0, cost)
    return {
        "material_class": rows["material_class"].fillna("").to_numpy(object),
        "fate": fate,
        "fate_source": np.where(fate == "", "", fate_source).astype(object),
        "cost": cost,
        "cost_source": np.where((fate == "") | sunk, "", cost_source).astype(object),
        "diverted": (kind == "material") & np.isin(fate, DIVERTED_FATES),
    }


def demand_baselines(
    demands: pd.DataFrame, *, family: np.ndarray, baselines: pd.DataFrame, config: MatchConfig
) -> dict[str, np.ndarray]:
    """Current use, purchase price and gate fee per demand row.

    A declared gate fee makes a treatment service and a declared purchase price a virgin input
    when ``current_use`` is empty; otherwise the category's default use applies.

    Returns
    -------
    dict
        ``use``, ``use_source``, ``price`` ($ per demand unit of the virgin input, 0 for a service),
        ``price_source``, ``gate_fee`` ($ per demand unit the service charges, 0 for a virgin input).
    """
    n = len(demands)
    kind = _text(demands.get("kind"), n)
    rows = _defaults(baselines, _text(demands["category_id"], n), np.asarray(family, dtype=object), kind)

    purchase = _numbers(demands, "purchase_price_cad_per_unit")
    fee = _numbers(demands, "gate_fee_cad_per_unit")
    use = _text(demands.get("current_use"), n)
    source = np.where(use != "", "declared", "category_default").astype(object)
    inferred = np.where(
        np.isfinite(fee), "treatment_service", np.where(np.isfinite(purchase), "virgin_input", "")
    )
    source = np.where((use == "") & (inferred != ""), "declared", source)
    use = np.where(use == "", inferred, use)
    use = np.where(use == "", rows["default_use"].fillna("").to_numpy(object), use)
    use = np.where(use == "", "virgin_input", use).astype(object)
    by_category = config.default_purchase_price_by_category
    categories = pd.Series(_text(demands["category_id"], n))
    category_price = categories.map(by_category).astype(float)
    # A demand known only by a List-of-Waste sub-chapter wants wastes of it, whose price nothing
    # tells: none (its value is what the supplier no longer pays), never the family's virgin price.
    generic = categories.str.startswith(GENERIC_PREFIX) & category_price.isna()
    category_price = category_price.mask(generic, 0.0)
    by_family = pd.Series(np.asarray(family, dtype=object)).map(config.default_purchase_price_by_family)
    family_price = category_price.fillna(by_family.astype(float)).fillna(0.0).to_numpy(float)
    service = use == "treatment_service"
    row_fee = pd.to_numeric(rows["gate_fee_cad_per_unit"], errors="coerce").fillna(0.0).to_numpy(float)
    return {
        "use": use,
        "use_source": source,
        "price": np.where(service, 0.0, np.where(np.isfinite(purchase), purchase, family_price)),
        "price_source": np.where(
            service,
            "",
            np.where(
                np.isfinite(purchase),
                "declared",
                np.where(category_price.notna().to_numpy(), "category_default", "family_default"),
            ),
        ).astype(object),
        "gate_fee": np.where(service, np.where(np.isfinite(fee), fee, row_fee), 0.0),
    }
