"""Known places offered for a place the gazetteer lacks: close names (nearest first), then places nearby."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from symbiosis.places.choices import PLACE_CHOICE_COLUMNS, place_choices
from symbiosis.places.geocode import GazetteerGeocoder

DOLBEAU = (48.88, -72.23)


def _gazetteer() -> GazetteerGeocoder:
    """Four places whose distances are known by hand (one degree of latitude is 111.2 km)."""
    table = pd.DataFrame(
        {
            "place_id": ["a", "b", "c", "d"],
            "name": ["Saint-Félicien", "Saint-Fabien", "Normandin", "Albanel"],
            "ascii_name": ["Saint-Felicien", "Saint-Fabien", "Normandin", "Albanel"],
            "aliases": ["", "", "", ""],
            "lat": [48.0, 45.0, 48.5, 49.0],
            "lon": [-72.0, -72.0, -72.0, -72.0],
            "population": [10000, 2000, 3000, 2000],
            "admin1": ["10"] * 4,
            "municipality": ["Saint-Félicien", "Saint-Fabien", "Normandin", "Albanel"],
            "source": ["geonames"] * 4,
        }
    )
    return GazetteerGeocoder(table, bias=None)


def test_close_names_come_first_nearest_first_then_the_places_nearby():
    frame = place_choices("Saint-Félicienne", geocoder=_gazetteer(), near=(48.0, -72.0), n_near=2)
    assert tuple(frame.columns) == PLACE_CHOICE_COLUMNS
    assert frame["reason"].tolist() == ["spelling", "spelling", "near"]
    # Saint-Félicien (0 km) before Saint-Fabien (3 degrees south, 333.6 km); Normandin nearby (55.6 km)
    assert frame["name"].tolist() == ["Saint-Félicien", "Saint-Fabien", "Normandin"]
    assert frame["distance_km"].tolist() == pytest.approx([0.0, 333.6, 55.6], abs=0.2)


def test_without_a_position_there_are_close_names_and_no_distance():
    frame = place_choices("St-Felicien", geocoder=_gazetteer())
    assert frame["name"].iloc[0] == "Saint-Félicien"
    assert set(frame["reason"]) == {"spelling"}
    assert frame["distance_km"].isna().all()


def test_a_place_both_close_in_name_and_nearby_is_offered_once():
    frame = place_choices("Albanell", geocoder=_gazetteer(), near=(49.0, -72.0), n_near=3)
    assert frame["name"].tolist().count("Albanel") == 1
    assert frame.loc[frame["name"] == "Albanel", "reason"].item() == "spelling"


@pytest.mark.parametrize("typed", ["", "   ", "zzzzqqq"])
def test_nothing_alike_still_offers_the_places_nearby(typed):
    frame = place_choices(typed, geocoder=_gazetteer(), near=(48.9, -72.0), n_near=2)
    assert frame["reason"].tolist() == ["near", "near"]
    assert frame["name"].tolist() == ["Albanel", "Normandin"]
    assert place_choices(typed, geocoder=_gazetteer()).empty


def test_the_bundled_gazetteer_offers_the_village_next_to_a_dolbeau_site():
    frame = place_choices("Saint-Bidon-du-Lac", near=DOLBEAU)
    nearby = frame[frame["reason"] == "near"]
    assert nearby["name"].iloc[0] == "Dolbeau-Mistassini" and nearby["distance_km"].iloc[0] < 1
    assert not math.isnan(frame["distance_km"].max())
