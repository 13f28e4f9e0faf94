"""The map's pure functions: sector families, filters, aggregation above a threshold, an offline deck."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from symbiosis.places.parks import load_parks
from symbiosis.sample import generate_streams_canonical
from symbiosis.views.map import (
    MAX_POINTS,
    MapFilters,
    build_deck,
    exchange_arcs,
    filter_exchanges,
    firm_points,
    fmt,
    legend,
    map_layers,
    sector_family,
)
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


def test_deck_is_offline_with_three_layers():
    reg = tiny_registry()
    ex = _exchanges([("F1", "F2", 1000, 10, 40.0), ("F1", "F3", -5, 2, 41.0)])
    spec = json.loads(build_deck(map_layers(reg.firms, ex, load_parks(), MapFilters())).to_json())
    assert [layer["@@type"] for layer in spec["layers"]] == ["GeoJsonLayer", "ScatterplotLayer", "ArcLayer"]
    assert "mapProvider" not in spec
    assert "http" not in json.dumps(spec)
    arcs = spec["layers"][2]["data"]
    assert arcs[1]["colour"][:3] == [215, 48, 39]  # a loss is red
    assert arcs[0]["width"] > arcs[1]["width"]


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
