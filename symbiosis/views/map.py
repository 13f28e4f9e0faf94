"""What the advisor's map shows: firms by sector family, exchanges as arcs, over an offline basemap.

The deck is flat (pitch 0), built with ``map_provider=None`` and no ``map_style``: the ground is the
bundled basemap (:mod:`symbiosis.views.map_base`), no tile, no outside request. Tooltips use
deck.gl's ``text`` mode (the browser sets ``innerText``), so a firm name is never parsed as HTML
whatever it contains.

Readability rules: at the regional view the arcs are summed per pair of places (the firm's park,
else its municipality), width by tonnes, and exchanges inside one place are drawn as a ring around
it; once a filter narrows the map, or the fitted view is close enough (:data:`DETAIL_ZOOM`), one
arc per exchange. Filters zoom the view to what they keep. Above :data:`MAX_POINTS` firms the
firms are drawn per place, so that a 10,000-firm registry stays usable.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize
from pydeck.types import String

from symbiosis.i18n import t
from symbiosis.views.map_arcs import MAX_ARCS, exchange_arcs, place_labels
from symbiosis.views.map_base import REGION_VIEW, View, basemap_labels, basemap_layers, fit_view
from symbiosis.views.map_common import (
    SECTOR_COLOURS,
    SECTOR_FAMILIES,
    clean_text,
    firm_frame,
    fmt,
    place_of,
    sector_family,
)

__all__ = [
    "ARC_MODES",
    "DETAIL_ZOOM",
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
    "legend_html",
    "map_layers",
    "park_geojson",
    "place_labels",
    "place_of",
    "sector_family",
]

#: Above this many firms, firms are drawn as one disc per place.
MAX_POINTS = 2_000
#: From this zoom on (about 30 km across), the automatic mode draws one arc per exchange.
DETAIL_ZOOM = 9.5
#: How arcs are drawn: chosen from the view and filters, summed per place, or one per exchange.
ARC_MODES: tuple[str, ...] = ("auto", "places", "firms")


@dataclass(frozen=True)
class MapFilters:
    """What the advisor narrowed the map to (``None`` or 0 = no filter)."""

    park_id: str | None = None
    sector: str | None = None
    family: str | None = None
    category_id: str | None = None
    min_value_cad_per_yr: float = 0.0
    max_distance_km: float | None = None

    @property
    def active(self) -> bool:
        """Whether any filter narrows the map."""
        return self != MapFilters()


def filter_exchanges(
    exchanges: pd.DataFrame,
    firms: pd.DataFrame,
    filters: MapFilters,
    *,
    categories: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the exchanges passing every filter (a park or sector matches either side)."""
    info = firm_frame(firms).set_index("firm_id")
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


def _colour(families: pd.Series) -> list[list[int]]:
    return [[*SECTOR_COLOURS.get(f, (128, 128, 128)), 200] for f in families]


def firm_points(
    firms: pd.DataFrame,
    filters: MapFilters,
    lang: str = "fr",
    *,
    max_points: int = MAX_POINTS,
    engaged: set[str] | None = None,
    place_names: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, bool]:
    """Return the firm points to draw and whether they were aggregated per place.

    ``engaged``: when given, the firms of the kept exchanges; they are drawn even outside the park or
    sector filtered, and the other firms are drawn faint.
    ``place_names``: readable name of each place (see :func:`place_labels`).

    Returns
    -------
    tuple of (pandas.DataFrame, bool)
        Columns ``lon``, ``lat``, ``colour`` (RGBA), ``radius_m`` and ``tooltip`` (plain text).
    """
    info = firm_frame(firms)
    keep = pd.Series(True, index=info.index)
    if filters.park_id:
        keep &= info["park_id"].eq(filters.park_id)
    if filters.sector:
        keep &= info["sector"].eq(filters.sector)
    if engaged is not None:
        keep |= info["firm_id"].isin(engaged)  # the partners outside the park or sector
    info = info[keep]
    if len(info) <= max_points:
        label = info["sector"].map(lambda s: t(f"advisor.sector.{s}", lang))
        tooltip = [
            f"{clean_text(n)}\n{clean_text(m)} · {s}"
            for n, m, s in zip(info["name"], info["municipality"], label, strict=True)
        ]
        colour = _colour(info["sector"])
        if engaged is not None:
            faint = ~info["firm_id"].isin(engaged).to_numpy()
            colour = [[*c[:3], 70] if f else c for c, f in zip(colour, faint, strict=True)]
        return pd.DataFrame(
            {
                "lon": info["lon"].astype(float),
                "lat": info["lat"].astype(float),
                "colour": colour,
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
            place=clean_text((place_names or {}).get(p, p.split(":", 1)[1])),
            n=fmt(n, lang),
            sector=t(f"advisor.sector.{s}", lang),
        )
        for p, n, s in zip(bins.index, bins["n"], bins["sector"], strict=True)
    ]
    return bins[["lon", "lat", "colour", "radius_m", "tooltip"]].reset_index(drop=True), True


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
                "properties": {"park_id": row.park_id, "tooltip": clean_text(row.name)},
            }
        )
    return {"type": "FeatureCollection", "features": features}


class CompactDeck(pdk.Deck):
    """A deck whose JSON has no indentation: pydeck indents by two spaces, which triples the size of
    the basemap's coordinate arrays sent to the browser at every rerun."""

    def to_json(self) -> str:
        """Return the deck's JSON, compact (same content as :meth:`pydeck.Deck.to_json`)."""
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


@dataclass(frozen=True)
class MapLayers:
    """What the map draws: parks, firms, arcs, the fitted view, and how firms and arcs were grouped."""

    parks: dict
    points: pd.DataFrame
    arcs: pd.DataFrame
    points_aggregated: bool
    arcs_aggregated: bool
    view: View = REGION_VIEW
    n_engaged_firms: int = 0


def _kept_positions(
    shown: pd.DataFrame, firms: pd.DataFrame, points: pd.DataFrame, filters: MapFilters
) -> tuple[np.ndarray, np.ndarray]:
    """Where the view should look: the ends of the kept exchanges when a filter is on, else every firm."""
    if filters.active and len(shown):
        ids = pd.unique(pd.concat([shown["supply_firm_id"], shown["demand_firm_id"]]))
        kept = firms[firms["firm_id"].isin(ids)]
        return kept["lon"].to_numpy(float), kept["lat"].to_numpy(float)
    return points["lon"].to_numpy(float), points["lat"].to_numpy(float)


def map_layers(
    firms: pd.DataFrame,
    exchanges: pd.DataFrame,
    parks: pd.DataFrame,
    filters: MapFilters,
    lang: str = "fr",
    *,
    categories: pd.DataFrame | None = None,
    arc_mode: str = "auto",
    max_points: int = MAX_POINTS,
    max_arcs: int = MAX_ARCS,
) -> MapLayers:
    """Filter and shape everything the map draws, and fit the view to what the filters keep.

    ``arc_mode`` is one of :data:`ARC_MODES`: ``auto`` sums the arcs per place at the regional view
    (no filter and a fitted zoom under :data:`DETAIL_ZOOM`) or above ``max_arcs`` exchanges, and draws
    one arc per exchange otherwise.
    """
    if arc_mode not in ARC_MODES:
        raise ValueError(f"arc_mode must be one of {ARC_MODES}, got {arc_mode!r}")
    firms = firm_frame(firms)
    names = place_labels(firms, parks)
    shown = filter_exchanges(exchanges, firms, filters, categories=categories)
    engaged = set(shown["supply_firm_id"]) | set(shown["demand_firm_id"])
    points, p_agg = firm_points(
        firms,
        filters,
        lang,
        max_points=max_points,
        engaged=engaged if filters.active else None,
        place_names=names,
    )
    view = fit_view(*_kept_positions(shown, firms, points, filters))
    if arc_mode == "auto":
        by_place = len(shown) > max_arcs or (not filters.active and view.zoom < DETAIL_ZOOM)
    else:
        by_place = arc_mode == "places"
    arcs, a_agg = exchange_arcs(shown, firms, lang, by_place=by_place, place_names=names)
    return MapLayers(park_geojson(parks), points, arcs, p_agg, a_agg, view, len(engaged))


def build_deck(layers: MapLayers, *, height: int = 600) -> pdk.Deck:
    """Return the offline, flat deck: basemap, parks, firms, rings of within-place exchanges, arcs, names."""
    arcs = layers.arcs
    between, within = arcs[~arcs["within"]], arcs[arcs["within"]]
    top = max(float(within["tonnes_t_per_yr"].max()) if len(within) else 0.0, 1.0)
    rings = pd.DataFrame(
        {
            "position": within["source"].tolist(),
            "radius_px": (8.0 + 14.0 * np.sqrt(within["tonnes_t_per_yr"].clip(lower=0) / top)).tolist(),
            "width_px": np.clip(within["width"].to_numpy(float), 1.5, 4.0).tolist(),
            "colour": within["colour"].tolist(),
            "tooltip": within["tooltip"].tolist(),
            "n_exchanges": within["n_exchanges"].tolist(),
            "tonnes_t_per_yr": within["tonnes_t_per_yr"].tolist(),
        }
    )
    deck_layers = [
        *basemap_layers(),
        pdk.Layer(
            "GeoJsonLayer",
            id="parks",
            data=layers.parks,
            stroked=True,
            filled=True,
            get_fill_color=[120, 120, 120, 40],
            get_line_color=[90, 90, 90, 160],
            line_width_min_pixels=1,
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="firms",
            data=layers.points,
            get_position=["lon", "lat"],
            get_fill_color="colour",
            get_radius="radius_m",
            radius_min_pixels=3,
            radius_max_pixels=40,
            stroked=True,
            get_line_color=[255, 255, 255, 200],
            line_width_min_pixels=0.5,
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="within",
            data=rings,
            get_position="position",
            get_radius="radius_px",
            radius_units=String("pixels"),
            stroked=True,
            filled=False,
            get_line_color="colour",
            get_line_width="width_px",
            line_width_units=String("pixels"),
            pickable=True,
        ),
        pdk.Layer(
            "ArcLayer",
            id="exchanges",
            data=between.drop(columns=["within"]).reset_index(drop=True),
            get_source_position="source",
            get_target_position="target",
            get_source_color="colour",
            get_target_color="colour",
            get_width="width",
            get_tilt=90,
            get_height=0.06,
            pickable=True,
        ),
        basemap_labels(),
    ]
    return CompactDeck(
        layers=deck_layers,
        map_provider=None,
        initial_view_state=layers.view.view_state(),
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


def legend_html(lang: str = "fr") -> str:
    """Return the legend's sector families as HTML: a colour swatch, then the label, wrapped if long.

    A two-column table cut the labels (« Aluminium et métaux prim… ») in the map's narrow side column
    at 1280 px; these rows wrap instead, and a screen reader reads the labels, not the swatches.
    """
    frame = legend(lang)
    rows = "".join(
        '<li style="display:flex;align-items:flex-start;gap:0.5em;margin:0.2em 0">'
        f'<span aria-hidden="true" style="flex:none;width:1em;height:1em;margin-top:0.15em;'
        f'border-radius:2px;background:{colour}"></span>'
        f"<span>{html.escape(sector)}</span></li>"
        for colour, sector in zip(frame["colour"], frame["sector"], strict=True)
    )
    title = html.escape(t("advisor.map.legend_sector", lang))
    return (
        f'<ul aria-label="{title}" style="list-style:none;padding:0;margin:0 0 0.75em 0;'
        f'font-size:0.875rem;line-height:1.3">{rows}</ul>'
    )
