"""What the advisor's map shows: firms by sector family, exchanges as arcs, parks as an offline basemap.

The deck is built with ``map_provider=None`` and no ``map_style``: no tiles, no outside request.
Tooltips use deck.gl's ``text`` mode (the browser sets ``innerText``), so a firm name is never
parsed as HTML whatever it contains. Above :data:`MAX_POINTS` firms or :data:`MAX_ARCS` exchanges
the layers are aggregated per place (the firm's park, else its municipality) so that a 10,000-firm
registry stays usable.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pydeck as pdk
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

from symbiosis.i18n import t

__all__ = [
    "MAX_ARCS",
    "MAX_POINTS",
    "SECTOR_COLOURS",
    "SECTOR_FAMILIES",
    "MapFilters",
    "MapLayers",
    "build_deck",
    "exchange_arcs",
    "filter_exchanges",
    "firm_points",
    "fmt",
    "legend",
    "map_layers",
    "park_geojson",
    "place_of",
    "sector_family",
]

#: Above this many firms, firms are drawn as one disc per place.
MAX_POINTS = 2_000
#: Above this many exchanges, arcs are summed per pair of places.
MAX_ARCS = 1_500

#: SCIAN prefixes of each sector family, longest prefix wins; anything else is ``services``.
SECTOR_FAMILIES: dict[str, tuple[str, ...]] = {
    "agri_forestry": ("11",),
    "mining": ("21",),
    "utilities": ("22",),
    "construction": ("23", "327", "324"),
    "food": ("311", "312"),
    "wood": ("321", "337"),
    "pulp_paper": ("322",),
    "chemicals_plastics": ("325", "326"),
    "aluminium_metals": ("331",),
    "metal_fabrication": ("332", "333", "334", "335", "336"),
    "manufacturing_other": ("31", "32", "33"),
    "trade_transport": ("41", "44", "45", "48", "49"),
    "waste_recycling": ("562",),
    "services": (),
}
#: RGB colour of each sector family on the map and in its legend.
SECTOR_COLOURS: dict[str, tuple[int, int, int]] = {
    "agri_forestry": (102, 166, 30),
    "mining": (166, 118, 29),
    "utilities": (231, 41, 138),
    "construction": (117, 112, 179),
    "food": (230, 171, 2),
    "wood": (27, 158, 119),
    "pulp_paper": (102, 194, 165),
    "chemicals_plastics": (217, 95, 2),
    "aluminium_metals": (31, 120, 180),
    "metal_fabrication": (166, 206, 227),
    "manufacturing_other": (251, 154, 153),
    "trade_transport": (120, 120, 120),
    "waste_recycling": (51, 160, 44),
    "services": (190, 174, 212),
}
_PREFIXES = sorted(((p, fam) for fam, ps in SECTOR_FAMILIES.items() for p in ps), key=lambda x: -len(x[0]))
_LOCALE = {"fr": "fr_CA", "en": "en_CA"}


@functools.lru_cache(maxsize=4)
def _symbols(locale: str) -> tuple[str, str, str]:
    return get_group_symbol(locale), get_decimal_symbol(locale), get_minus_sign_symbol(locale)


def fmt(value: float, lang: str = "fr", decimals: int = 0) -> str:
    """Format a number the way ``lang`` writes it (``1 234,5`` in French); ``—`` for NaN.

    Same output as Babel's ``#,##0.#`` pattern for the locale (its group, decimal and minus
    symbols, trailing zeros dropped), about twenty times faster: tables format thousands of cells.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    group, decimal, minus = _symbols(_LOCALE.get(lang, "fr_CA"))
    text = f"{abs(float(value)):,.{decimals}f}"
    if decimals:
        text = text.rstrip("0").rstrip(".")
    if text in ("0", ""):
        return "0"
    text = text.replace(",", "\x00").replace(".", decimal).replace("\x00", group)
    return (minus if value < 0 else "") + text


def sector_family(scian_codes: pd.Series) -> pd.Series:
    """Return the sector family of each SCIAN code (longest matching prefix of :data:`SECTOR_FAMILIES`)."""
    codes = scian_codes.astype("string").fillna("").str.strip()
    out = pd.Series(pd.NA, index=scian_codes.index, dtype=object)
    for length in sorted({len(p) for p, _ in _PREFIXES}, reverse=True):
        table = {p: fam for p, fam in _PREFIXES if len(p) == length}
        out = out.fillna(codes.str[:length].map(table).astype(object))
    return out.fillna("services").astype(object)


def place_of(firms: pd.DataFrame) -> pd.Series:
    """Return each firm's place: ``park:<park_id>`` when in a park, else ``mun:<municipality>``."""
    park = firms["park_id"].astype("string").fillna("").str.strip()
    mun = firms["municipality"].astype("string").fillna("").str.strip()
    return pd.Series(np.where(park.ne(""), "park:" + park, "mun:" + mun), index=firms.index, dtype=object)


@dataclass(frozen=True)
class MapFilters:
    """What the advisor narrowed the map to (``None`` or 0 = no filter)."""

    park_id: str | None = None
    sector: str | None = None
    family: str | None = None
    category_id: str | None = None
    min_value_cad_per_yr: float = 0.0
    max_distance_km: float | None = None


def _firm_frame(firms: pd.DataFrame) -> pd.DataFrame:
    if {"sector", "place"} <= set(firms.columns):  # already shaped by map_layers
        return firms
    out = firms[["firm_id", "name", "park_id", "municipality", "lat", "lon", "scian_code"]].copy()
    out["sector"] = sector_family(out["scian_code"])
    out["place"] = place_of(out)
    return out


def filter_exchanges(
    exchanges: pd.DataFrame,
    firms: pd.DataFrame,
    filters: MapFilters,
    *,
    categories: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the exchanges passing every filter (a park or sector matches either side)."""
    info = _firm_frame(firms).set_index("firm_id")
    keep = pd.Series(True, index=exchanges.index)
    sup, dem = exchanges["supply_firm_id"], exchanges["demand_firm_id"]
    if filters.park_id:
        park = info["park_id"]
        keep &= sup.map(park).eq(filters.park_id) | dem.map(park).eq(filters.park_id)
    if filters.sector:
        sector = info["sector"]
        keep &= sup.map(sector).eq(filters.sector) | dem.map(sector).eq(filters.sector)
    if filters.family and categories is not None:
        family = categories.drop_duplicates("category_id").set_index("category_id")["family"]
        keep &= exchanges["supply_category_id"].map(family).eq(filters.family)
    if filters.category_id:
        keep &= exchanges["supply_category_id"].eq(filters.category_id) | exchanges["demand_category_id"].eq(
            filters.category_id
        )
    if filters.min_value_cad_per_yr:
        keep &= exchanges["net_value_cad_per_yr"].astype(float) >= filters.min_value_cad_per_yr
    if filters.max_distance_km is not None:
        keep &= exchanges["distance_km"].astype(float) <= filters.max_distance_km
    return exchanges[keep]


def _clean(text: object) -> str:
    """Text for a tooltip: control characters removed, braces neutralised (no template field)."""
    value = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    value = "".join(ch if ch.isprintable() else " " for ch in value)
    return value.replace("{", "(").replace("}", ")")[:200]


def _colour(families: pd.Series) -> list[list[int]]:
    return [[*SECTOR_COLOURS.get(f, (128, 128, 128)), 200] for f in families]


def firm_points(
    firms: pd.DataFrame, filters: MapFilters, lang: str = "fr", *, max_points: int = MAX_POINTS
) -> tuple[pd.DataFrame, bool]:
    """Return the firm points to draw and whether they were aggregated per place.

    Returns
    -------
    tuple of (pandas.DataFrame, bool)
        Columns ``lon``, ``lat``, ``colour`` (RGBA), ``radius_m`` and ``tooltip`` (plain text).
    """
    info = _firm_frame(firms)
    if filters.park_id:
        info = info[info["park_id"].eq(filters.park_id)]
    if filters.sector:
        info = info[info["sector"].eq(filters.sector)]
    if len(info) <= max_points:
        label = info["sector"].map(lambda s: t(f"advisor.sector.{s}", lang))
        tooltip = [
            f"{_clean(n)}\n{_clean(m)} · {s}"
            for n, m, s in zip(info["name"], info["municipality"], label, strict=True)
        ]
        return pd.DataFrame(
            {
                "lon": info["lon"].astype(float),
                "lat": info["lat"].astype(float),
                "colour": _colour(info["sector"]),
                "radius_m": 400.0,
                "tooltip": tooltip,
            }
        ).reset_index(drop=True), False
    grouped = info.groupby("place", sort=True)
    bins = grouped.agg(
        lon=("lon", "mean"),
        lat=("lat", "mean"),
        n=("firm_id", "size"),
        municipality=("municipality", "first"),
    )
    bins["sector"] = grouped["sector"].agg(lambda s: s.value_counts().index[0])
    bins["radius_m"] = 300.0 * np.sqrt(bins["n"].to_numpy(float))
    bins["colour"] = _colour(bins["sector"])
    bins["tooltip"] = [
        t(
            "advisor.map.bin_tooltip",
            lang,
            place=_clean(p.split(":", 1)[1]),
            n=fmt(n, lang),
            sector=t(f"advisor.sector.{s}", lang),
        )
        for p, n, s in zip(bins.index, bins["n"], bins["sector"], strict=True)
    ]
    return bins[["lon", "lat", "colour", "radius_m", "tooltip"]].reset_index(drop=True), True


def _value_colour(values: np.ndarray) -> list[list[int]]:
    """Red for a loss, light to dark green as the net value grows (log scale)."""
    top = math.log10(max(float(np.nanmax(values, initial=1.0)), 10.0))
    out = []
    for v in values:
        if not v > 0:
            out.append([215, 48, 39, 220])
            continue
        s = min(max(math.log10(max(v, 1.0)) / top, 0.0), 1.0)
        out.append([int(199 - 172 * s), int(233 - 113 * s), int(192 - 137 * s), 220])
    return out


def _width(tonnes: np.ndarray) -> np.ndarray:
    top = max(float(np.nanmax(tonnes, initial=0.0)), 1.0)
    return 1.0 + 5.0 * np.sqrt(np.clip(tonnes, 0.0, None) / top)


def _positions(lon: pd.Series, lat: pd.Series, ids: pd.Series) -> list[list[float]]:
    """``[lon, lat]`` of each id, looked up at once."""
    xs = lon.reindex(ids.to_numpy()).to_numpy(float)
    ys = lat.reindex(ids.to_numpy()).to_numpy(float)
    return np.column_stack([xs, ys]).tolist()


def exchange_arcs(
    exchanges: pd.DataFrame, firms: pd.DataFrame, lang: str = "fr", *, max_arcs: int = MAX_ARCS
) -> tuple[pd.DataFrame, bool]:
    """Return one arc per exchange (or per pair of places above ``max_arcs``) and whether aggregated.

    Width grows with the tonnes moved (at least 1 px for energy and services), colour with the net
    value. Columns ``source`` and ``target`` (``[lon, lat]``), ``width``, ``colour``, ``tooltip``.
    """
    info = _firm_frame(firms).set_index("firm_id")
    ex = exchanges
    tonnes = pd.to_numeric(ex.get("mass_t_per_yr", pd.Series(0.0, index=ex.index)), errors="coerce").fillna(
        0.0
    )
    value = pd.to_numeric(ex["net_value_cad_per_yr"], errors="coerce").fillna(0.0)
    frame = pd.DataFrame(
        {
            "s": ex["supply_firm_id"].to_numpy(),
            "d": ex["demand_firm_id"].to_numpy(),
            "t": tonnes.to_numpy(),
            "v": value.to_numpy(),
            "n": 1,
        }
    )
    aggregated = len(frame) > max_arcs
    if aggregated:
        place = info["place"]
        centre = info.groupby("place")[["lon", "lat"]].mean()
        frame["s"], frame["d"] = frame["s"].map(place), frame["d"].map(place)
        frame = frame.groupby(["s", "d"], sort=True, as_index=False).sum()
        lon, lat = centre["lon"], centre["lat"]
        label = {p: p.split(":", 1)[1] for p in centre.index}
    else:
        lon, lat = info["lon"], info["lat"]
        label = info["name"].to_dict()
    out = pd.DataFrame(
        {
            "source": _positions(lon, lat, frame["s"]),
            "target": _positions(lon, lat, frame["d"]),
            "width": _width(frame["t"].to_numpy(float)),
            "colour": _value_colour(frame["v"].to_numpy(float)),
        }
    )
    out["tooltip"] = [
        t(
            "advisor.map.arc_tooltip",
            lang,
            src=_clean(label.get(s, s)),
            dst=_clean(label.get(d, d)),
            n=fmt(n, lang),
            tonnes=fmt(tn, lang),
            value=fmt(v, lang),
        )
        for s, d, n, tn, v in zip(frame["s"], frame["d"], frame["n"], frame["t"], frame["v"], strict=True)
    ]
    return out, aggregated


def park_geojson(parks: pd.DataFrame, *, radius_km: float = 2.0, n_sides: int = 24) -> dict:
    """Return the parks as RFC 7946 polygons: a circle of ``radius_km`` (their stated ±2 km precision)."""
    features = []
    angles = np.linspace(0.0, 2 * math.pi, n_sides + 1)
    for row in parks.itertuples(index=False):
        dlat = radius_km / 111.32
        dlon = radius_km / (111.32 * math.cos(math.radians(row.lat)))
        ring = [
            [round(row.lon + dlon * math.cos(a), 5), round(row.lat + dlat * math.sin(a), 5)] for a in angles
        ]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {"park_id": row.park_id, "tooltip": _clean(row.name)},
            }
        )
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class MapLayers:
    """The data of the map's three layers and whether the firms or arcs were aggregated."""

    parks: dict
    points: pd.DataFrame
    arcs: pd.DataFrame
    points_aggregated: bool
    arcs_aggregated: bool


def map_layers(
    firms: pd.DataFrame,
    exchanges: pd.DataFrame,
    parks: pd.DataFrame,
    filters: MapFilters,
    lang: str = "fr",
    *,
    categories: pd.DataFrame | None = None,
    max_points: int = MAX_POINTS,
    max_arcs: int = MAX_ARCS,
) -> MapLayers:
    """Filter and shape everything the map draws."""
    firms = _firm_frame(firms)
    shown = filter_exchanges(exchanges, firms, filters, categories=categories)
    points, p_agg = firm_points(firms, filters, lang, max_points=max_points)
    arcs, a_agg = exchange_arcs(shown, firms, lang, max_arcs=max_arcs)
    return MapLayers(park_geojson(parks), points, arcs, p_agg, a_agg)


def build_deck(layers: MapLayers, *, height: int = 600) -> pdk.Deck:
    """Return the offline deck: park outlines, firms (ScatterplotLayer) and exchanges (ArcLayer)."""
    pts = layers.points
    if len(pts):
        view = pdk.ViewState(
            latitude=float(pts["lat"].mean()), longitude=float(pts["lon"].mean()), zoom=7.8, pitch=30
        )
    else:
        view = pdk.ViewState(latitude=48.45, longitude=-71.6, zoom=7.8, pitch=30)
    deck_layers = [
        pdk.Layer(
            "GeoJsonLayer",
            id="parks",
            data=layers.parks,
            stroked=True,
            filled=True,
            get_fill_color=[200, 200, 200, 60],
            get_line_color=[120, 120, 120, 160],
            line_width_min_pixels=1,
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="firms",
            data=pts,
            get_position=["lon", "lat"],
            get_fill_color="colour",
            get_radius="radius_m",
            radius_min_pixels=3,
            radius_max_pixels=40,
            pickable=True,
        ),
        pdk.Layer(
            "ArcLayer",
            id="exchanges",
            data=layers.arcs,
            get_source_position="source",
            get_target_position="target",
            get_source_color="colour",
            get_target_color="colour",
            get_width="width",
            pickable=True,
        ),
    ]
    return pdk.Deck(
        layers=deck_layers,
        map_provider=None,
        initial_view_state=view,
        tooltip={"text": "{tooltip}"},
        height=height,
    )


def legend(lang: str = "fr") -> pd.DataFrame:
    """Return the sector families with their colour as ``rgb(…)`` and their label in ``lang``."""
    return pd.DataFrame(
        {
            "colour": [f"rgb{c}" for c in SECTOR_COLOURS.values()],
            "sector": [t(f"advisor.sector.{s}", lang) for s in SECTOR_COLOURS],
        }
    )
