"""Canonical benchmark instances: schema-valid, exact sizes, seeded, in their territory."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from symbiosis.kb import load_categories
from symbiosis.places import haversine_km, load_parks
from symbiosis.sample import generate_streams_canonical
from symbiosis.schemas import ALL_MONTHS, CANONICAL_UNIT


@pytest.fixture(scope="module")
def quebec():
    return generate_streams_canonical(n_streams=3000, seed=11)


def test_valid_and_exact_sizes(quebec):
    quebec.validate()
    streams = quebec.streams
    assert len(streams) == 3000
    assert (streams["direction"] == "supply").sum() == 1500
    assert set(quebec.firms["firm_id"]) == set(streams["firm_id"])


def test_canonical_units_and_categories(quebec):
    streams = quebec.streams
    assert (streams["quantity_unit"] == streams["kind"].map(CANONICAL_UNIT)).all()
    categories = load_categories().set_index("category_id")
    assert (streams["kind"] == categories.loc[streams["category_id"], "kind"].to_numpy()).all()
    material = streams["kind"] == "material"
    mass, rate = streams.loc[material, "mass_t_per_yr"], streams.loc[material, "quantity_per_yr"]
    np.testing.assert_allclose(mass, rate)
    seasonal = streams["availability"] == "seasonal"
    assert seasonal.any() and (streams.loc[seasonal, "months_mask"] < ALL_MONTHS).all()
    one_off = streams["availability"] == "one_off"
    assert (streams.loc[one_off, "start_date"] <= streams.loc[one_off, "end_date"]).all()
    assert streams.loc[~one_off, "start_date"].isna().all()


def test_prices_sit_on_the_right_side(quebec):
    streams = quebec.streams
    supply = streams["direction"] == "supply"
    assert streams.loc[supply, "purchase_price_cad_per_unit"].isna().all()
    assert streams.loc[~supply, "disposal_cost_cad_per_unit"].isna().all()
    assert streams.loc[supply, "min_lot_per_yr"].isna().all()


def test_quebec_territory_is_southern_quebec(quebec):
    firms = quebec.firms
    assert firms["lat"].between(44.8, 50.3).all() and firms["lon"].between(-80, -57).all()
    assert firms["municipality"].nunique() > 50  # spread over many towns


def test_slsj_territory_sits_in_the_parks():
    registry = generate_streams_canonical(n_streams=400, seed=3, territory="slsj").validate()
    firms = registry.firms
    in_park = firms[firms["park_id"] != ""]
    parks = load_parks().set_index("park_id").loc[in_park["park_id"]]
    assert (haversine_km(in_park["lat"], in_park["lon"], parks["lat"], parks["lon"]) < 5).all()
    assert (in_park["coord_source"] == "park").all()


def test_seeded():
    a = generate_streams_canonical(n_streams=500, seed=5)
    b = generate_streams_canonical(n_streams=500, seed=5)
    c = generate_streams_canonical(n_streams=500, seed=6)
    pd.testing.assert_frame_equal(a.streams, b.streams)
    pd.testing.assert_frame_equal(a.firms, b.firms)
    assert not a.streams["quantity_per_yr"].equals(c.streams["quantity_per_yr"])


def test_supply_share_and_bad_territory():
    registry = generate_streams_canonical(n_streams=301, seed=1, supply_share=0.3)
    assert (registry.streams["direction"] == "supply").sum() == 90
    with pytest.raises(ValueError, match="territory"):
        generate_streams_canonical(n_streams=10, territory="mars")
