"""How a firm sees a counterpart before both sides consent: bands instead of names, k-suppressed.

A counterpart is described by four things only (ECOSYSTEM.md, confidentiality):

* its **sector**: the SCIAN Canada 2022 sector (2-digit code, ``31-33`` for manufacturing);
* its **area**: the municipality when at least ``k`` firms of that sector are there, else its MRC
  when at least ``k`` are in the MRC, else the whole territory (Saguenay–Lac-Saint-Jean). When
  fewer than ``k`` firms of the sector are in the whole territory, the sector itself is withheld;
* a **distance band** (``lt10``: < 10 km, ``10_50``, ``50_150``, ``gt150``: > 150 km);
* a **quantity band** of the proposed flow (``lt10``, ``10_100``, ``100_1000``, ``1000_10000``,
  ``gt10000``, in the flow's canonical unit).

The category of the counterpart's stream is shown when at least ``k`` firms declare that category
in that direction, else only its family. Everything here is pure: frames in, frames out.
"""

from __future__ import annotations

import functools
from importlib import resources

import numpy as np
import pandas as pd

__all__ = ["AREA_LEVELS", "DISTANCE_BANDS", "K_DEFAULT", "QUANTITY_BANDS", "REGION", "anonymise_counterparts",
           "category_shown", "distance_band", "firm_areas", "load_sectors", "load_territories",
           "quantity_band", "scian_sector"]

#: Smallest number of firms that must share a shown attribute.
K_DEFAULT = 3
#: The territory every known municipality belongs to.
REGION = "Saguenay–Lac-Saint-Jean"
#: Area levels, finest first; ``outside`` is a firm whose municipality is not in the territory table.
AREA_LEVELS: tuple[str, ...] = ("municipality", "mrc", "region", "outside")
#: Distance band codes and their upper bounds in km (the last is open).
DISTANCE_BANDS: tuple[tuple[str, float], ...] = (("lt10", 10.0), ("10_50", 50.0), ("50_150", 150.0),
                                                 ("gt150", np.inf))
#: Quantity band codes and their upper bounds in the flow's canonical unit per year.
QUANTITY_BANDS: tuple[tuple[str, float], ...] = (("lt10", 10.0), ("10_100", 100.0), ("100_1000", 1000.0),
                                                 ("1000_10000", 10000.0), ("gt10000", np.inf))


def _read(name: str) -> pd.DataFrame:
    with resources.files("symbiosis.synergy").joinpath(f"data/{name}").open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


@functools.lru_cache(maxsize=1)
def _sectors() -> pd.DataFrame:
    return _read("scian_sectors.csv")


def load_sectors() -> pd.DataFrame:
    """Return the SCIAN 2022 sectors: ``sector, prefixes, label_fr, label_en``."""
    return _sectors().copy()


def load_territories() -> pd.DataFrame:
    """Return the municipalities of Saguenay–Lac-Saint-Jean and their MRC: ``municipality, mrc``."""
    return _read("territories_slsj.csv")


def scian_sector(codes: pd.Series) -> pd.Series:
    """Return the SCIAN sector code (``"11"``, ``"31-33"``…) of each firm code; ``""`` when unknown."""
    table = _sectors()
    pairs = zip(table["sector"], table["prefixes"], strict=True)
    by_prefix = {prefix: sector for sector, prefixes in pairs for prefix in prefixes.split("|")}
    digits = codes.astype("string").fillna("").str.replace(r"\D", "", regex=True).str[:2]
    return digits.map(by_prefix).fillna("").astype(str)


def _band(values: pd.Series, bands: tuple[tuple[str, float], ...]) -> pd.Series:
    x = pd.to_numeric(values, errors="coerce").to_numpy(float)
    codes = np.array([c for c, _ in bands], dtype=object)
    edges = np.array([b for _, b in bands[:-1]])
    out = codes[np.searchsorted(edges, np.nan_to_num(x, nan=0.0), side="right")]
    return pd.Series(np.where(np.isfinite(x), out, "unknown"), index=values.index, dtype=object)


def distance_band(distance_km: pd.Series) -> pd.Series:
    """Return the distance band code of each distance (:data:`DISTANCE_BANDS`; ``unknown`` for NaN)."""
    return _band(distance_km, DISTANCE_BANDS)


def quantity_band(quantity_per_yr: pd.Series) -> pd.Series:
    """Return the quantity band code of each yearly quantity (:data:`QUANTITY_BANDS`)."""
    return _band(quantity_per_yr, QUANTITY_BANDS)


def firm_areas(firms: pd.DataFrame, territories: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return ``firm_id, sector, municipality, mrc, region`` of every firm.

    ``mrc`` and ``region`` are ``""`` for a municipality outside the territory table.
    """
    territories = load_territories() if territories is None else territories
    mrc = firms["municipality"].astype(str).map(territories.set_index("municipality")["mrc"]).fillna("")
    return pd.DataFrame({"firm_id": firms["firm_id"].astype(str).to_numpy(),
                         "sector": scian_sector(firms["scian_code"]).to_numpy(),
                         "municipality": firms["municipality"].astype(str).to_numpy(),
                         "mrc": mrc.to_numpy(), "region": np.where(mrc.to_numpy() != "", REGION, "")})


def anonymise_counterparts(counterparts: pd.DataFrame, firms: pd.DataFrame, *, k: int = K_DEFAULT,
                           territories: pd.DataFrame | None = None) -> pd.DataFrame:
    """Describe each counterpart by sector, area, distance band and quantity band only.

    Parameters
    ----------
    counterparts
        One row per proposal: ``counterpart_firm_id``, ``road_distance_km``, ``flow_per_yr``.
    firms
        Every firm of the registry (the counts behind the k-rule), with ``firm_id``, ``scian_code``
        and ``municipality``.
    k
        Smallest number of firms of the counterpart's sector an area must hold to be named.
    territories
        ``municipality, mrc`` table (default: :func:`load_territories`).

    Returns
    -------
    pandas.DataFrame
        Same index: ``sector`` (``""`` when withheld), ``area_level`` (:data:`AREA_LEVELS`),
        ``area`` (a name, ``""`` for ``outside``), ``distance_band``, ``quantity_band``.
    """
    areas = firm_areas(firms, territories)
    me = areas.set_index("firm_id").reindex(counterparts["counterpart_firm_id"].astype(str))
    me = me.fillna("")
    chosen_level = pd.Series("outside", index=me.index, dtype=object)
    chosen_area = pd.Series("", index=me.index, dtype=object)
    for level in ("region", "mrc", "municipality"):  # coarse to fine: the finest that passes wins
        counts = areas[areas[level] != ""].groupby(["sector", level]).size()
        n = pd.Series(list(zip(me["sector"], me[level], strict=True)), index=me.index).map(counts)
        ok = (n.fillna(0).to_numpy() >= k) & (me[level].to_numpy() != "")
        chosen_level = chosen_level.where(~ok, level)
        chosen_area = chosen_area.where(~ok, me[level])
    in_region = me["region"].to_numpy() != ""
    withheld = (chosen_level.to_numpy() == "outside") & in_region
    sector = np.where(withheld | ~in_region, "", me["sector"].to_numpy())
    level = np.where(withheld, "region", chosen_level.to_numpy())
    area = np.where(withheld, REGION, chosen_area.to_numpy())
    return pd.DataFrame({"sector": sector, "area_level": level, "area": area,
                         "distance_band": distance_band(counterparts["road_distance_km"]).to_numpy(),
                         "quantity_band": quantity_band(counterparts["flow_per_yr"]).to_numpy()},
                        index=counterparts.index)


def category_shown(category_id: pd.Series, direction: str, streams: pd.DataFrame,
                   categories: pd.DataFrame | None, *, k: int = K_DEFAULT) -> pd.DataFrame:
    """Return the category to show for a counterpart's stream, or its family when it is rare.

    Parameters
    ----------
    category_id
        The counterpart streams' categories.
    direction
        ``"supply"`` or ``"demand"``: the counterpart streams' direction.
    streams
        Every stream of the registry (``firm_id, direction, category_id``).
    categories
        Knowledge-base categories (``category_id, family``); without it a rare category is withheld.
    k
        Smallest number of firms that must declare the category in that direction.

    Returns
    -------
    pandas.DataFrame
        ``shown`` (a category id, a family, or ``""``) and ``level`` (``category``, ``family``,
        ``withheld``), same index.
    """
    same = streams[streams["direction"] == direction]
    firms_per_category = same.groupby("category_id")["firm_id"].nunique()
    common = category_id.map(firms_per_category).fillna(0).to_numpy() >= k
    family = pd.Series("", index=category_id.index, dtype=object)
    if categories is not None:
        family = category_id.map(categories.drop_duplicates("category_id")
                                 .set_index("category_id")["family"]).fillna("")
    shown = np.where(common, category_id.astype(str), family.astype(str))
    level = np.where(common, "category", np.where(family.astype(str) != "", "family", "withheld"))
    return pd.DataFrame({"shown": shown, "level": level}, index=category_id.index)
