"""The curated parks: valid rows, and each point in its municipality."""

from __future__ import annotations

from symbiosis.places import GazetteerGeocoder, get_park, haversine_km, load_parks
from symbiosis.places.parks import PARK_COLUMNS, PARK_KINDS


def test_columns_ids_kinds():
    parks = load_parks()
    assert tuple(parks.columns) == PARK_COLUMNS
    assert parks["park_id"].is_unique
    assert set(parks["kind"]) <= set(PARK_KINDS)
    assert {"port", "technology"} <= set(parks["kind"])
    assert 20 <= len(parks) <= 40
    assert parks["notes"].str.contains("approximative").all()


def test_each_park_is_within_10_km_of_its_sector_and_in_its_municipality():
    geocoder = GazetteerGeocoder()
    parks = load_parks()
    for park in parks.itertuples():
        place = geocoder.locate(park.sector)
        assert place is not None, park.sector
        assert place.municipality == park.municipality, park.park_id
        assert haversine_km(park.lat, park.lon, place.lat, place.lon) < 10.0, park.park_id


def test_parks_cover_the_region():
    municipalities = set(load_parks()["municipality"])
    assert len(municipalities) >= 18
    assert {"Saguenay", "Alma", "Roberval", "Saint-Félicien", "Dolbeau-Mistassini"} <= municipalities


def test_get_park():
    place = get_park("sag-port-grande-anse")
    assert place is not None and place.source == "park" and place.municipality == "Saguenay"
    assert get_park("nowhere") is None
