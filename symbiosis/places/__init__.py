"""Places: the offline Québec gazetteer, the industrial parks of Saguenay–Lac-Saint-Jean, geocoders.

Contains data from GeoNames (https://www.geonames.org/), licensed under CC BY 4.0; see
``symbiosis/places/data/NOTICE.md``.
"""

from symbiosis.places.distance import EARTH_RADIUS_KM, haversine_km
from symbiosis.places.gazetteer import load_gazetteer, normalise_name
from symbiosis.places.geocode import (
    SLSJ_CENTRE,
    ChainGeocoder,
    GazetteerGeocoder,
    Geocoder,
    Place,
)
from symbiosis.places.parks import PARK_KINDS, get_park, load_parks

__all__ = [
    "EARTH_RADIUS_KM",
    "PARK_KINDS",
    "SLSJ_CENTRE",
    "ChainGeocoder",
    "GazetteerGeocoder",
    "Geocoder",
    "Place",
    "get_park",
    "haversine_km",
    "load_gazetteer",
    "load_parks",
    "normalise_name",
]
