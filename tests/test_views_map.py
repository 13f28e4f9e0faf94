"""The map's pure functions: sector families, filters, aggregation above a threshold, an offline deck."""

from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd
import pytest

from symbiosis.places.parks import load_parks
from symbiosis.sample import generate_streams_canonical
from symbiosis.views.map import (
    DETAIL_ZOOM,
    MAX_POINTS,
    MapFilters,
    build_deck,
    exchange_arcs,
    filter_exchanges,
    firm_points,
    fmt,
    legend,
    legend_html,
    map_layers,
    sector_family,
)
from symbiosis.views.map_base import REGION_VIEW, fit_view
from tests._registry_helpers import tiny_registry


def _exchanges(rows: list[tuple[str, str, float, float, float]]) -> pd.DataFrame:
    """Exchanges ``(supplier, receiver, net value $/yr, tonnes, distance km)``."""
    return pd.DataFrame(
        {
            "candidate_id": [f"{s}>{d}" for s, d, *_ in rows],
            "supply_firm_id": [r[0] for r in rows],
            "demand_firm_id": [r[1] for r in rows],
            "net_value_cad_per_yr": [r[2] for r in rows],
            "mass_t_per_yr": [r[3] for r in rows],
            "distance_km": [r[4] for r in rows],
            "supply_category_id": "wood_sawdust",
            "demand_category_id": "pellet_feedstock",
        }
    )


def test_sector_family_takes_the_longest_prefix():
    codes = pd.Series(["331313", "332710", "321111", "322112", "562920", "311515", "541330", "", "33"])
    assert sector_family(codes).tolist() == [
        "aluminium_metals",
        "metal_fabrication",
        "wood",
        "pulp_paper",
        "waste_recycling",
        "food",
        "services",
        "services",
        "manufacturing_other",
    ]


def test_french_numbers():
    assert fmt(1234567.891, "fr") == "1\u00a0234\u00a0568"
    assert fmt(1234.5, "en", 1) == "1,234.5"
    assert fmt(float("nan")) == "—"


def test_filters_match_either_side_and_thresholds():
    reg = tiny_registry()
    firms = reg.firms.assign(park_id=["", "alma-ind", "alma-ind"])
    ex = _exchanges([("F1", "F2", 50_000, 1200, 40.0), ("F1", "F3", -10, 800, 41.0), ("F2", "F3", 5, 1, 1.0)])
    assert len(filter_exchanges(ex, firms, MapFilters(park_id="alma-ind"))) == 3
    assert len(filter_exchanges(ex, firms, MapFilters(min_value_cad_per_yr=1))) == 2
    assert len(filter_exchanges(ex, firms, MapFilters(max_distance_km=10))) == 1
    assert len(filter_exchanges(ex, firms, MapFilters(sector="wood"))) == 0


def test_tooltips_are_plain_text_and_keep_hostile_names_literal():
    reg = tiny_registry()
    hostile = '<img src=x onerror=alert(1)> {tooltip} =HYPERLINK("http://x")'
    firms = reg.firms.assign(name=[hostile, "Granules du Lac", "Serres Boréales"])
    points, aggregated = firm_points(firms, MapFilters())
    assert not aggregated
    assert points["tooltip"][0].startswith("<img src=x onerror=alert(1)> (tooltip)")
    arcs, _ = exchange_arcs(_exchanges([("F1", "F2", 1000, 10, 40.0)]), firms)
    deck = build_deck(
        map_layers(firms, _exchanges([("F1", "F2", 1000, 10, 40.0)]), load_parks(), MapFilters())
    )
    spec = json.loads(deck.to_json())
    assert deck._tooltip == {"text": "{tooltip}"}
    assert "{tooltip}" not in json.dumps(spec["layers"])  # no field a template could expand
    assert arcs["tooltip"][0].startswith("<img")


DECK_LAYER_IDS = [
    "basemap-land",
    "basemap-water",
    "basemap-rivers",
    "basemap-borders",
    "basemap-mrc",
    "parks",
    "firms",
    "within",
    "exchanges",
    "basemap-labels",
]


def _layer(spec: dict, layer_id: str) -> dict:
    return next(layer for layer in spec["layers"] if layer["id"] == layer_id)


def test_deck_is_offline_flat_with_the_basemap_underneath():
    reg = tiny_registry()
    ex = _exchanges([("F1", "F2", 1000, 10, 40.0), ("F1", "F3", -5, 2, 41.0)])
    spec = json.loads(
        build_deck(map_layers(reg.firms, ex, load_parks(), MapFilters(), arc_mode="firms")).to_json()
    )
    assert [layer["id"] for layer in spec["layers"]] == DECK_LAYER_IDS
    assert spec["initialViewState"]["pitch"] == 0 and spec["initialViewState"]["bearing"] == 0
    assert "mapProvider" not in spec and "http" not in str(spec.get("mapStyle"))
    assert "http" not in json.dumps(spec)
    water = _layer(spec, "basemap-water")["data"]["features"]
    assert water and {f["properties"]["layer"] for f in water} == {"water"}
    labels = {d["text"] for d in _layer(spec, "basemap-labels")["data"]}
    assert {"Lac Saint-Jean", "Alma", "Ville de Saguenay"} <= labels
    assert {"è", "é", "-", "i"} <= set(_layer(spec, "basemap-labels")["characterSet"])  # Rivière, Péribonka
    arcs = _layer(spec, "exchanges")["data"]
    assert arcs[1]["colour"][:3] == [215, 48, 39]  # a loss is red
    assert arcs[0]["width"] > arcs[1]["width"]


def test_fit_view_single_point_and_box():
    one = fit_view(np.array([-71.65]), np.array([48.55]))
    assert (one.latitude, one.longitude, one.zoom) == (48.55, -71.65, 12.0)
    # 1° of longitude at zoom z spans 512 * 2**z / 360 px: 660 usable px hold 1° at z = log2(660*360/512)
    box = fit_view(np.array([-72.0, -71.0]), np.array([48.5, 48.5]), width_px=760, padding_px=50)
    assert box.longitude == -71.5 and box.latitude == pytest.approx(48.5)
    assert box.zoom == pytest.approx(np.log2(660 * 360 / 512), abs=0.01)
    assert fit_view(np.array([np.nan]), np.array([np.nan])) == REGION_VIEW
    far = fit_view(np.array([-79.0, -57.5]), np.array([45.0, 62.0]))
    assert far.zoom == 4.0  # clamped: the whole province


def _line(supplier: str, receiver: str, tonnes: float, value: float = 1000.0) -> tuple:
    return (supplier, receiver, value, tonnes, 5.0)


def _park_registry() -> pd.DataFrame:
    reg = tiny_registry()
    extra = reg.firms.iloc[[1]].assign(firm_id="F4", name="Fonderie d'Alma", lat=48.54, lon=-71.63)
    firms = pd.concat([reg.firms, extra], ignore_index=True)
    return firms.assign(park_id=["dolbeau-mistassini", "alma-sud", "alma-sud", "alma-aluminerie"])


def test_regional_view_sums_arcs_between_parks_and_keeps_every_tonne():
    firms = _park_registry()
    ex = _exchanges(
        [_line("F1", "F2", 100), _line("F1", "F3", 50), _line("F2", "F3", 7), _line("F2", "F4", 20)]
    )
    layers = map_layers(firms, ex, load_parks(), MapFilters())
    assert layers.arcs_aggregated and layers.view.zoom < DETAIL_ZOOM
    arcs = layers.arcs
    assert len(arcs) == 3  # Dolbeau→Alma sud (2 exchanges), within Alma sud, Alma sud→aluminerie
    assert arcs["tonnes_t_per_yr"].sum() == pytest.approx(ex["mass_t_per_yr"].sum())
    summed = arcs[~arcs["within"]].set_index(arcs[~arcs["within"]]["n_exchanges"])
    assert summed.loc[2, "tonnes_t_per_yr"] == 150
    ring = arcs[arcs["within"]].iloc[0]
    assert ring["tonnes_t_per_yr"] == 7 and "Parc industriel d'Alma (secteur sud)" in ring["tooltip"]
    assert "alma-sud" not in " ".join(arcs["tooltip"])  # park names, never their ids
    spec = json.loads(build_deck(layers).to_json())
    drawn = _layer(spec, "exchanges")["data"]
    assert len(drawn) == 2 and len(_layer(spec, "within")["data"]) == 1
    assert max(d["width"] for d in drawn) > min(d["width"] for d in drawn)  # width by tonnes


def test_a_filter_draws_one_arc_per_exchange_and_zooms_to_what_it_keeps():
    firms = _park_registry()
    ex = _exchanges(
        [_line("F1", "F2", 100), _line("F1", "F3", 50), _line("F2", "F3", 7), _line("F2", "F4", 20)]
    )
    region = map_layers(firms, ex, load_parks(), MapFilters())
    alma = map_layers(firms, ex, load_parks(), MapFilters(park_id="alma-aluminerie"))
    assert not alma.arcs_aggregated and len(alma.arcs) == 1
    assert alma.view.zoom > region.view.zoom + 2
    assert 48.54 <= alma.view.latitude <= 48.55 and -71.65 <= alma.view.longitude <= -71.63
    assert len(alma.points) == 2  # the park's firm and its partner in another park, both opaque
    assert [c[3] for c in alma.points["colour"]] == [200, 200]
    valuable = ex.assign(net_value_cad_per_yr=[5000, 10, 10, 10])
    kept = map_layers(firms, valuable, load_parks(), MapFilters(min_value_cad_per_yr=2000))
    assert sorted(c[3] for c in kept.points["colour"]) == [70, 70, 200, 200]  # F3, F4 faint
    forced = map_layers(firms, ex, load_parks(), MapFilters(), arc_mode="firms")
    assert not forced.arcs_aggregated and len(forced.arcs) == 4
    with pytest.raises(ValueError, match="arc_mode"):
        map_layers(firms, ex, load_parks(), MapFilters(), arc_mode="3d")


def test_legend_lists_every_sector_family():
    table = legend("en")
    assert len(table) == 14 and "Wood products" in set(table["sector"])


@pytest.fixture(scope="module")
def large():
    """A synthetic registry of the region with thousands of firms (above the point threshold)."""
    return generate_streams_canonical(n_streams=10_000, territory="slsj", seed=3)


def test_large_registry_switches_to_aggregated_layers(large):
    firms = large.firms
    assert len(firms) > MAX_POINTS
    points, aggregated = firm_points(firms, MapFilters())
    assert aggregated
    places = firms["park_id"].where(firms["park_id"].ne(""), firms["municipality"]).nunique()
    assert len(points) == places < 200
    rng = np.random.default_rng(0)
    ids = firms["firm_id"].to_numpy()
    pairs = [
        (ids[i], ids[j], float(v), 10.0, 5.0)
        for i, j, v in zip(
            rng.integers(0, len(ids), 3000),
            rng.integers(0, len(ids), 3000),
            rng.gamma(2, 5000, 3000),
            strict=True,
        )
    ]
    ex = _exchanges(pairs)
    arcs, arcs_aggregated = exchange_arcs(ex, firms)
    assert arcs_aggregated and len(arcs) < len(ex)
    few, few_aggregated = exchange_arcs(ex.head(100), firms)
    assert not few_aggregated and len(few) == 100
    layers = map_layers(firms, ex, load_parks(), MapFilters())
    assert layers.points_aggregated and layers.arcs_aggregated
    assert len(build_deck(layers).to_json()) < 2_000_000


def test_filtering_a_park_of_a_large_registry_shows_firms_one_by_one(large):
    park = large.firms["park_id"].replace("", np.nan).value_counts().index[0]
    points, aggregated = firm_points(large.firms, MapFilters(park_id=park))
    assert not aggregated and len(points) == int((large.firms["park_id"] == park).sum())


def test_every_label_the_screens_build_is_in_the_catalogue():
    from symbiosis.i18n import catalogue_keys
    from symbiosis.kb import load_categories, load_rules
    from symbiosis.schemas import RESOURCE_KINDS
    from symbiosis.views.map import SECTOR_FAMILIES

    keys = catalogue_keys()
    needed = {f"advisor.family.{f}" for f in load_categories()["family"].unique()}
    needed |= {f"advisor.auth.{a}" for a in load_rules()["authorisation"].unique() if a}
    needed |= {f"advisor.sector.{s}" for s in SECTOR_FAMILIES}
    needed |= {f"kind.{k}" for k in RESOURCE_KINDS} | {f"manager.month.{m}" for m in range(1, 13)}
    assert needed - keys == set()


def test_deck_json_is_compact_with_the_same_content():
    import pydeck as pdk

    reg = tiny_registry()
    ex = _exchanges([("F1", "F2", 1000, 10, 40.0)])
    deck = build_deck(map_layers(reg.firms, ex, load_parks(), MapFilters()))
    compact = deck.to_json()
    assert "\n" not in compact and len(compact) < len(pdk.Deck.to_json(deck)) / 2
    assert json.loads(compact) == json.loads(pdk.Deck.to_json(deck))


def test_the_legend_writes_each_family_whole_beside_its_colour():
    """Rows that wrap, not a two-column table that cut « Aluminium et métaux prim… » at 1280 px."""
    page = legend_html("fr")
    for colour, sector in zip(legend("fr")["colour"], legend("fr")["sector"], strict=True):
        assert f"background:{colour}" in page and f"<span>{html.escape(sector)}</span>" in page
    assert 'aria-label="Sector family"' in legend_html("en")
