"""How a firm sees a counterpart before both sides consent: k-anonymous bands that hold against inference.

What an attacker has: its own proposals, its own location, a member directory listing every firm of
the registry with its SCIAN code and location, and the sector priors (:mod:`symbiosis.kb.priors`),
which say what streams a sector implies. For each proposal it keeps the firms that fit every shown
attribute — sector group, area, distance band from itself, and a category (or family) that the
firm's sector implies in the counterpart's direction. :func:`candidates` is that inference.

:func:`describe_counterparts` shows each counterpart at the first level of :data:`LEVELS` (finest
first) at which at least ``k`` firms other than the viewer remain candidates; coarser levels group
sectors (:data:`SECTOR_GROUPS`), name the region rather than the MRC, widen and then withhold the
distance band, and show the category's family rather than the category. A proposal never narrows
to fewer than ``k`` firms, the counterpart included or not (``tests/test_reliability_anonymity.py``
runs the inference independently on the sample region). The quantity band is shown as is: the
directory holds no quantity.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from symbiosis.engine._keys import frame_digest
from symbiosis.places.distance import haversine_km

__all__ = [
    "AREA_LEVELS",
    "COARSE_DISTANCE_BANDS",
    "DETOUR_FACTOR",
    "DISTANCE_BANDS",
    "K_DEFAULT",
    "LEVELS",
    "QUANTITY_BANDS",
    "REGION",
    "SECTOR_GROUPS",
    "Directory",
    "Level",
    "build_directory",
    "candidates",
    "describe_counterparts",
    "distance_band",
    "firm_areas",
    "load_sectors",
    "load_territories",
    "quantity_band",
    "scian_sector",
    "sector_group",
]

#: Smallest number of firms (other than the viewer) a description must fit.
K_DEFAULT = 5
#: The engine's default road/crow-fly factor (``TransportConfig.detour_factor``), public knowledge.
DETOUR_FACTOR = 1.3
#: The territory every known municipality belongs to.
REGION = "Saguenay–Lac-Saint-Jean"
#: Area levels, finest first (``outside``: a firm whose municipality is not in the territory table).
AREA_LEVELS: tuple[str, ...] = ("mrc", "region", "outside", "withheld")
#: Distance band codes and their upper bounds in km (the last is open).
DISTANCE_BANDS: tuple[tuple[str, float], ...] = (
    ("lt10", 10.0),
    ("10_50", 50.0),
    ("50_150", 150.0),
    ("gt150", np.inf),
)
#: The wider bands a distance falls back to.
COARSE_DISTANCE_BANDS: tuple[tuple[str, float], ...] = (("lt50", 50.0), ("gt50", np.inf))
#: Quantity band codes and their upper bounds in the flow's canonical unit per year.
QUANTITY_BANDS: tuple[tuple[str, float], ...] = (
    ("lt10", 10.0),
    ("10_100", 100.0),
    ("100_1000", 1000.0),
    ("1000_10000", 10000.0),
    ("gt10000", np.inf),
)
#: SCIAN sector -> the coarser group shown to firms.
SECTOR_GROUPS: dict[str, str] = {
    "11": "primary",
    "21": "primary",
    "22": "utilities_construction",
    "23": "utilities_construction",
    "31-33": "manufacturing",
    "41": "trade_transport",
    "44-45": "trade_transport",
    "48-49": "trade_transport",
    **dict.fromkeys(("51", "52", "53", "54", "55", "56", "61", "62", "71", "72", "81", "91"), "services"),
}


@dataclass(frozen=True)
class Level:
    """How much of a counterpart is shown: each attribute's detail (``withheld``: not at all)."""

    sector: str  # "group" | "withheld"
    area: str  # "mrc" | "region" | "withheld"
    distance: str  # "fine" | "coarse" | "withheld"
    category: str  # "category" | "family" | "withheld"


#: Levels of detail, finest first; the first that ``k`` firms fit is shown.
LEVELS: tuple[Level, ...] = (
    Level("group", "mrc", "fine", "category"),
    Level("group", "region", "fine", "category"),
    Level("group", "region", "coarse", "category"),
    Level("withheld", "region", "coarse", "category"),
    Level("withheld", "region", "coarse", "family"),
    Level("withheld", "region", "withheld", "family"),
    Level("withheld", "withheld", "withheld", "family"),
    Level("withheld", "withheld", "withheld", "withheld"),
)


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


def sector_group(codes: pd.Series) -> pd.Series:
    """Return the sector group (:data:`SECTOR_GROUPS`) of each firm code; ``""`` when unknown."""
    return scian_sector(codes).map(SECTOR_GROUPS).fillna("").astype(str)


def _band(values: pd.Series, bands: tuple[tuple[str, float], ...]) -> pd.Series:
    x = pd.to_numeric(values, errors="coerce").to_numpy(float)
    codes = np.array([c for c, _ in bands], dtype=object)
    edges = np.array([b for _, b in bands[:-1]])
    out = codes[np.searchsorted(edges, np.nan_to_num(x, nan=0.0), side="right")]
    return pd.Series(np.where(np.isfinite(x), out, "unknown"), index=values.index, dtype=object)


def distance_band(distance_km: pd.Series, *, coarse: bool = False) -> pd.Series:
    """Return the distance band code of each distance (``unknown`` for NaN)."""
    return _band(distance_km, COARSE_DISTANCE_BANDS if coarse else DISTANCE_BANDS)


def quantity_band(quantity_per_yr: pd.Series) -> pd.Series:
    """Return the quantity band code of each yearly quantity (:data:`QUANTITY_BANDS`)."""
    return _band(quantity_per_yr, QUANTITY_BANDS)


def firm_areas(firms: pd.DataFrame, territories: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return ``firm_id, sector, municipality, mrc, region`` of every firm (``""`` outside the table)."""
    territories = load_territories() if territories is None else territories
    mrc = firms["municipality"].astype(str).map(territories.set_index("municipality")["mrc"]).fillna("")
    return pd.DataFrame(
        {
            "firm_id": firms["firm_id"].astype(str).to_numpy(),
            "sector": scian_sector(firms["scian_code"]).to_numpy(),
            "municipality": firms["municipality"].astype(str).to_numpy(),
            "mrc": mrc.to_numpy(),
            "region": np.where(mrc.to_numpy() != "", REGION, ""),
        }
    )


@dataclass(frozen=True)
class Directory:
    """What anyone may know of every firm: group, MRC, location, and the streams its sector implies.

    Build it with :func:`build_directory`. ``implied`` maps ``(direction, category_id)`` and
    ``(direction, "family:" + family)`` to the boolean mask of the firms whose sector implies it.
    """

    firm_ids: np.ndarray
    group: np.ndarray
    mrc: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    implied: dict[tuple[str, str], np.ndarray]
    families: dict[str, str]

    def index_of(self, firm_id: str) -> int:
        """Position of ``firm_id`` (``-1`` when absent)."""
        hits = np.flatnonzero(self.firm_ids == firm_id)
        return int(hits[0]) if len(hits) else -1


def build_directory(
    firms: pd.DataFrame,
    *,
    categories: pd.DataFrame | None = None,
    priors: pd.DataFrame | None = None,
    territories: pd.DataFrame | None = None,
) -> Directory:
    """Return the member directory of ``firms`` (``firm_id, scian_code, municipality, lat, lon``).

    Parameters
    ----------
    firms
        Every firm of the registry.
    categories
        Knowledge-base categories (``category_id, family``; default: the shipped ones).
    priors
        Sector priors (default: the shipped ones).
    territories
        ``municipality, mrc`` table (default: :func:`load_territories`).

    The directory depends on the registry, not on who reads it: it is kept for the last
    :data:`_DIRECTORY_CACHE_SIZE` distinct inputs, keyed on their content (every firm's id, code,
    municipality and location, in order, and the tables given), so that a changed registry gives a
    new directory and an unchanged one is not rebuilt on every page load (0.08 CPU s of a firm's
    0.2 s on the sample region). Its arrays are read-only: every reader gets the same object.
    """
    key = _directory_key(firms, categories, priors, territories)
    with _DIRECTORY_LOCK:
        hit = _DIRECTORY_CACHE.get(key)
        if hit is not None:
            _DIRECTORY_CACHE.move_to_end(key)
            return hit
    built = _build_directory(firms, categories=categories, priors=priors, territories=territories)
    with _DIRECTORY_LOCK:
        _DIRECTORY_CACHE[key] = built
        while len(_DIRECTORY_CACHE) > _DIRECTORY_CACHE_SIZE:
            _DIRECTORY_CACHE.popitem(last=False)
    return built


#: How many distinct directories :func:`build_directory` keeps (a few registries per process).
_DIRECTORY_CACHE_SIZE = 4
_DIRECTORY_CACHE: OrderedDict[bytes, Directory] = OrderedDict()
_DIRECTORY_LOCK = threading.Lock()
_DIRECTORY_COLUMNS = ["firm_id", "scian_code", "municipality", "lat", "lon"]


def _directory_key(
    firms: pd.DataFrame,
    categories: pd.DataFrame | None,
    priors: pd.DataFrame | None,
    territories: pd.DataFrame | None,
) -> bytes:
    return b"|".join(
        (
            frame_digest(firms[_DIRECTORY_COLUMNS], index=False),
            frame_digest(categories, index=False),
            frame_digest(priors, index=False),
            frame_digest(territories, index=False),
        )
    )


def _build_directory(
    firms: pd.DataFrame,
    *,
    categories: pd.DataFrame | None,
    priors: pd.DataFrame | None,
    territories: pd.DataFrame | None,
) -> Directory:
    from symbiosis.kb import load_categories
    from symbiosis.kb.priors import infer_streams

    categories = load_categories() if categories is None else categories
    areas = firm_areas(firms, territories)
    ids = areas["firm_id"].to_numpy(dtype=object)
    position = {f: i for i, f in enumerate(ids)}
    inferred = infer_streams(firms[["firm_id", "scian_code"]], priors=priors, categories=categories)
    implied: dict[tuple[str, str], np.ndarray] = {}
    for keys, group in ((("direction", "category_id"), None), (("direction", "family"), "family:")):
        for key, rows in inferred.groupby(list(keys)):
            mask = np.zeros(len(ids), dtype=bool)
            mask[[position[f] for f in rows["firm_id"] if f in position]] = True
            implied[(key[0], (group or "") + str(key[1]))] = mask
    families = dict(zip(categories["category_id"], categories["family"], strict=False))
    arrays = (  # copies: never a view of the caller's frame, which it may edit after
        np.array(ids, dtype=object),
        sector_group(firms["scian_code"]).to_numpy(dtype=object, copy=True),
        areas["mrc"].to_numpy(dtype=object, copy=True),
        pd.to_numeric(firms["lat"]).to_numpy(float, copy=True),
        pd.to_numeric(firms["lon"]).to_numpy(float, copy=True),
    )
    for array in (*arrays, *implied.values()):
        array.setflags(write=False)
    return Directory(*arrays, implied, families)


@dataclass(frozen=True)
class _Shown:
    sector: str
    area_level: str
    area: str
    distance: str
    category_level: str
    category: str


def _shown(
    level: Level, *, group: str, mrc: str, distance_km: float, category_id: str, family: str
) -> _Shown:
    sector = group if level.sector == "group" else ""
    if level.area == "withheld":
        area_level, area = "withheld", ""
    elif not mrc:
        area_level, area = "outside", ""
    elif level.area == "mrc":
        area_level, area = "mrc", mrc
    else:
        area_level, area = "region", REGION
    one = pd.Series([distance_km])
    distance = (
        "withheld"
        if level.distance == "withheld"
        else distance_band(one, coarse=level.distance == "coarse").iloc[0]
    )
    if level.category == "category" and category_id:
        category_level, category = "category", category_id
    elif level.category != "withheld" and family:
        category_level, category = "family", family
    else:
        category_level, category = "withheld", ""
    return _Shown(sector, area_level, area, str(distance), category_level, category)


def candidates(
    directory: Directory, viewer: int, shown: _Shown, direction: str, detours: tuple[float, ...]
) -> np.ndarray:
    """The inference: the firms (other than the viewer) that fit everything shown of a counterpart.

    Parameters
    ----------
    directory
        The member directory.
    viewer
        Position of the viewing firm in the directory (its location gives the distances).
    shown
        What is shown of the counterpart.
    direction
        The counterpart stream's direction (``supply`` or ``demand``).
    detours
        Road km per crow-fly km the viewer may use to estimate distances (the proposal's own ratio,
        the engine's published factor): a firm fits only if it fits with each of them, so that the
        count holds whichever the viewer picks.
    """
    fit = np.ones(len(directory.firm_ids), dtype=bool)
    if viewer >= 0:
        fit[viewer] = False
    if shown.sector:
        fit &= directory.group == shown.sector
    if shown.area_level == "mrc":
        fit &= directory.mrc == shown.area
    elif shown.area_level == "region":
        fit &= directory.mrc != ""
    elif shown.area_level == "outside":
        fit &= directory.mrc == ""
    if shown.distance not in ("withheld", "unknown") and viewer >= 0:
        crow = haversine_km(directory.lat[viewer], directory.lon[viewer], directory.lat, directory.lon)
        coarse = shown.distance in {c for c, _ in COARSE_DISTANCE_BANDS}
        for detour in detours:
            fit &= distance_band(pd.Series(crow * detour), coarse=coarse).to_numpy() == shown.distance
    if shown.category_level == "category":
        fit &= directory.implied.get((direction, shown.category), np.zeros_like(fit))
    elif shown.category_level == "family":
        fit &= directory.implied.get((direction, "family:" + shown.category), np.zeros_like(fit))
    return fit


def describe_counterparts(
    viewer_firm_id: str,
    counterparts: pd.DataFrame,
    directory: Directory,
    *,
    k: int = K_DEFAULT,
    detour_factor: float = DETOUR_FACTOR,
) -> pd.DataFrame:
    """Describe each counterpart at the finest level of :data:`LEVELS` that at least ``k`` firms fit.

    Parameters
    ----------
    viewer_firm_id
        The firm that reads its proposals.
    counterparts
        One row per proposal: ``counterpart_firm_id``, ``counterpart_category_id``,
        ``counterpart_direction``, ``road_distance_km``, ``flow_per_yr``.
    directory
        :func:`build_directory` of every firm of the registry.
    k
        Smallest number of firms, the viewer excluded, a description must fit.
    detour_factor
        The engine's published road/crow-fly factor (a viewer may estimate distances with it).

    Returns
    -------
    pandas.DataFrame
        Same index: ``counterpart_sector`` (a group, ``""`` when withheld), ``area_level``
        (:data:`AREA_LEVELS`), ``area``, ``distance_band`` (fine, coarse or ``withheld``),
        ``quantity_band``, ``counterpart_category``, ``counterpart_category_level`` (``category``,
        ``family``, ``withheld``) and ``anonymity`` (the firms the description fits).
    """
    viewer = directory.index_of(viewer_firm_id)
    rows = []
    for row in counterparts.itertuples():
        at = directory.index_of(str(row.counterpart_firm_id))
        group = str(directory.group[at]) if at >= 0 else ""
        mrc = str(directory.mrc[at]) if at >= 0 else ""
        road = float(row.road_distance_km) if pd.notna(row.road_distance_km) else np.nan
        crow = (
            float(
                haversine_km(
                    directory.lat[viewer], directory.lon[viewer], directory.lat[at], directory.lon[at]
                )
            )
            if at >= 0 and viewer >= 0
            else np.nan
        )
        ratio = road / crow if crow and crow > 0.5 and np.isfinite(road) else detour_factor
        detours = (ratio, detour_factor)
        category = str(row.counterpart_category_id or "")
        family = directory.families.get(category, "")
        for level in LEVELS:
            shown = _shown(level, group=group, mrc=mrc, distance_km=road, category_id=category, family=family)
            fit = int(candidates(directory, viewer, shown, str(row.counterpart_direction), detours).sum())
            if fit >= k:
                break
        rows.append(
            {
                "counterpart_sector": shown.sector,
                "area_level": shown.area_level,
                "area": shown.area,
                "distance_band": shown.distance,
                "counterpart_category": shown.category,
                "counterpart_category_level": shown.category_level,
                "anonymity": fit,
            }
        )
    out = pd.DataFrame(
        rows,
        index=counterparts.index,
        columns=[
            "counterpart_sector",
            "area_level",
            "area",
            "distance_band",
            "counterpart_category",
            "counterpart_category_level",
            "anonymity",
        ],
    )
    out.insert(4, "quantity_band", quantity_band(counterparts["flow_per_yr"]).to_numpy())
    return out


def anonymise_counterparts(
    counterparts: pd.DataFrame, firms: pd.DataFrame, *, k: int = 3, territories: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Describe counterparts by SCIAN sector, area, distance and quantity bands, with a sector count rule.

    The rule of before issue #12, kept for the members of a shared item (:mod:`symbiosis.mutual`): an
    area is named when at least ``k`` firms of the counterpart's sector are in it. It does **not** hold
    against the directory-and-priors inference; bilateral proposals use :func:`describe_counterparts`.

    Parameters
    ----------
    counterparts
        One row per counterpart: ``counterpart_firm_id``, ``road_distance_km``, ``flow_per_yr``.
    firms
        Every firm of the registry, with ``firm_id``, ``scian_code`` and ``municipality``.
    k
        Smallest number of firms of the counterpart's sector an area must hold to be named.
    territories
        ``municipality, mrc`` table (default: :func:`load_territories`).

    Returns
    -------
    pandas.DataFrame
        Same index: ``sector`` (``""`` when withheld), ``area_level``, ``area``, ``distance_band``,
        ``quantity_band``.
    """
    areas = firm_areas(firms, territories)
    me = areas.set_index("firm_id").reindex(counterparts["counterpart_firm_id"].astype(str)).fillna("")
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
    return pd.DataFrame(
        {
            "sector": sector,
            "area_level": level,
            "area": area,
            "distance_band": distance_band(counterparts["road_distance_km"]).to_numpy(),
            "quantity_band": quantity_band(counterparts["flow_per_yr"]).to_numpy(),
        },
        index=counterparts.index,
    )
