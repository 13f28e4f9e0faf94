"""Sector profiles: every id they name exists, every unit is in the controlled list."""

from __future__ import annotations

import numpy as np
import pytest

from symbiosis.kb import load_categories
from symbiosis.places import GazetteerGeocoder, load_parks
from symbiosis.sample.core import allocate_counts
from symbiosis.sample.profiles import load_sectors, load_stream_profiles, months_mask, months_of_mask
from symbiosis.sample.typed import ENGLISH_UNIT, PER_CANONICAL, VOLUME_UNITS, month_text, round_significant
from symbiosis.units import unit_table

KIND_UNITS = {
    "material": {"t/an", "t/mois", "t/semaine", "kg/jour", "kg/mois", "t", "m³/jour", "m³/an", "L/jour"},
    "water": {"m³/jour", "m³/an", "L/jour"},
    "energy": {"MWh/an", "GJ/an", "kW"},
    "logistics": {"voyages/an"},
    "capacity": {"m²"},
    "service": {"h/an"},
}


def test_profile_categories_exist_and_units_fit_their_kind():
    profiles = load_stream_profiles()
    assert set(profiles["category_id"]) <= set(load_categories()["category_id"])
    for row in profiles.itertuples():
        assert set(row.units.split("|")) <= KIND_UNITS[row.kind], (row.sector_id, row.category_id)
    assert profiles["p"].between(0, 1).all() and (profiles["median_per_yr"] > 0).all()
    assert set(profiles["availability"]) == {"continuous", "seasonal", "one_off"}


def test_every_sector_declares_supplies_and_demands():
    profiles = load_stream_profiles()
    sides = profiles.groupby("sector_id")["direction"].agg(set)
    assert set(sides.index) == set(load_sectors()["sector_id"])
    assert all(s == {"supply", "demand"} for s in sides)


def test_typed_units_are_in_the_controlled_list():
    table = unit_table()
    assert set(PER_CANONICAL) <= set(table["unit_fr"])
    assert set(ENGLISH_UNIT.values()) <= set(table["unit_en"])
    assert set(PER_CANONICAL) >= VOLUME_UNITS


def test_sector_places_are_known_parks_or_towns():
    parks = set(load_parks()["park_id"])
    geocoder = GazetteerGeocoder()
    for sector in load_sectors().itertuples():
        assert sector.scian_codes and all(len(c) == 6 and c.isdigit() for c in sector.scian_codes.split("|"))
        for place in sector.places.split("|"):
            assert place == "*" or place in parks or geocoder.locate(place) is not None, place


@pytest.mark.parametrize(
    ("spec", "months"),
    [
        ("", list(range(1, 13))),
        ("8-10", [8, 9, 10]),
        ("10-4", [1, 2, 3, 4, 10, 11, 12]),
        ("5", [5]),
    ],
)
def test_months_mask(spec, months):
    assert months_of_mask(months_mask(spec)) == months


@pytest.mark.parametrize(
    ("mask", "style", "text"),
    [
        (months_mask("8-10"), 0, "8-10"),
        (months_mask("8-10"), 1, "août-octobre"),
        (months_mask("8-10"), 2, "8,9,10"),
        (months_mask("10-4"), 0, "10,11,12,1,2,3,4"),
    ],
)
def test_month_text(mask, style, text):
    assert month_text(mask, style=style) == text


def test_round_significant_and_allocate_counts():
    np.testing.assert_allclose(round_significant(np.array([1234.0, 0.01234, 0.0]), 2), [1200, 0.012, 0])
    assert np.isnan(round_significant(np.array([np.nan]), 2)[0])
    counts = allocate_counts(np.array([5.0, 14.0, 40.0]), 100)
    assert counts.sum() == 100 and list(counts) == [8, 24, 68]
