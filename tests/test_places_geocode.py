"""Geocoders: offline gazetteer matching, and the Nominatim wrapper's cache with a fake geolocator."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from geopy.exc import GeocoderUnavailable

from symbiosis.places import ChainGeocoder, GazetteerGeocoder, Geocoder, Place
from symbiosis.services.geocoding import NominatimGeocoder, default_geocoder


@pytest.fixture(scope="module")
def gazetteer() -> GazetteerGeocoder:
    return GazetteerGeocoder()


@pytest.mark.parametrize(
    ("typed", "name", "municipality"),
    [
        ("Saint-Félicien", "Saint-Félicien", "Saint-Félicien"),
        ("st-felicien", "Saint-Félicien", "Saint-Félicien"),
        ("ST FÉLICIEN", "Saint-Félicien", "Saint-Félicien"),
        ("Ste-Rose-du-Nord", "Sainte-Rose-du-Nord", "Sainte-Rose-du-Nord"),
        ("dolbeau", "Dolbeau-Mistassini", "Dolbeau-Mistassini"),
        ("Mistassini", "Dolbeau-Mistassini", "Dolbeau-Mistassini"),
        ("Chicoutimi", "Chicoutimi", "Saguenay"),
        ("jonquiere", "Jonquière", "Saguenay"),
        ("Saguenay (La Baie)", "La Baie", "Saguenay"),
        ("Alma, QC", "Alma", "Alma"),
        ("Metabetchouan-Lac-a-la-Croix", "Métabetchouan–Lac-à-la-Croix", "Métabetchouan–Lac-à-la-Croix"),
        ("Pointe-Bleue", "Mashteuiatsh", "Mashteuiatsh"),
    ],
)
def test_locate_ignores_case_accents_hyphens_and_abbreviations(gazetteer, typed, name, municipality):
    place = gazetteer.locate(typed)
    assert place is not None
    assert (place.name, place.municipality, place.source) == (name, municipality, "gazetteer")


def test_homonyms_resolve_to_the_region(gazetteer):
    place = gazetteer.locate("Saint-Ambroise")  # one in SLSJ, one in Lanaudière
    assert place is not None and place.lat > 48


def test_homonyms_without_bias_prefer_population():
    place = GazetteerGeocoder(bias=None).locate("Saint-Bruno")
    assert place is not None and place.place_id == "gn6137533"  # 2,636 inhabitants vs St-Bruno 515


def test_unknown_and_other_provinces(gazetteer):
    assert gazetteer.locate("Xyzville") is None
    assert gazetteer.locate("Alma", province="ON") is None
    assert gazetteer.locate("Alma", province="Québec") is not None


def test_suggest_typos(gazetteer):
    assert gazetteer.suggest("Chicoutimy")[0] == "Chicoutimi"
    assert "Roberval" in gazetteer.suggest("Robreval", n=3)
    assert len(gazetteer.suggest("St-Felicen", n=2)) <= 2


class FakeGeolocator:
    """Stands in for geopy's Nominatim: counts calls, never touches the network."""

    def __init__(self, answer=None, error=None):
        self.calls: list[tuple[str, dict]] = []
        self.answer, self.error = answer, error

    def geocode(self, query, **kw):
        self.calls.append((query, kw))
        if self.error:
            raise self.error
        return self.answer


ANSWER = SimpleNamespace(
    address="Alma, Lac-Saint-Jean-Est, Québec, Canada",
    latitude=48.55,
    longitude=-71.65,
    raw={"address": {"town": "Alma"}},
)


def test_nominatim_caches_in_memory_and_on_disk(tmp_path):
    fake = FakeGeolocator(ANSWER)
    cache = tmp_path / "geocode.json"
    geo = NominatimGeocoder(geolocator=fake, min_delay_seconds=0, cache_path=cache, timeout_s=3)
    first = geo.locate("Alma")
    assert first == Place(name=ANSWER.address, lat=48.55, lon=-71.65, source="nominatim", municipality="Alma")
    assert geo.locate("ALMA") == first
    assert len(fake.calls) == 1
    query, kw = fake.calls[0]
    assert query == "Alma, QC, Canada" and kw["country_codes"] == "ca" and kw["timeout"] == 3
    assert "alma|QC" in json.loads(cache.read_text(encoding="utf-8"))
    again = NominatimGeocoder(geolocator=FakeGeolocator(None), min_delay_seconds=0, cache_path=cache)
    assert again.locate("Alma") == first  # read back from disk, no call


def test_nominatim_caches_misses_but_not_failures():
    missing = FakeGeolocator(None)
    geo = NominatimGeocoder(geolocator=missing, min_delay_seconds=0)
    assert geo.locate("Nowhere") is None and geo.locate("Nowhere") is None
    assert len(missing.calls) == 1
    down = FakeGeolocator(error=GeocoderUnavailable("offline"))
    geo = NominatimGeocoder(geolocator=down, min_delay_seconds=0, max_retries=0)
    assert geo.locate("Alma") is None and geo.locate("Alma") is None
    assert len(down.calls) == 2 and geo.cache == {}


def test_chain_asks_in_order(gazetteer):
    fake = FakeGeolocator(ANSWER)
    chain = ChainGeocoder((gazetteer, NominatimGeocoder(geolocator=fake, min_delay_seconds=0)))
    assert chain.locate("Jonquière").source == "gazetteer"
    assert chain.locate("Rue des Pins 12").source == "nominatim"
    assert len(fake.calls) == 1
    assert isinstance(gazetteer, Geocoder) and isinstance(chain, Geocoder)


def test_nominatim_is_built_lazily_with_agent_timeout_and_rate_limit():
    geo = NominatimGeocoder(user_agent="symbiosis-test/0", timeout_s=4)
    assert geo._geocode is None  # nothing built, nothing asked, until the first locate
    limited = geo._geocode_fn()  # builds geopy objects only; no request is made
    assert limited.min_delay_seconds == 1.0
    assert limited.func.__self__.headers["User-Agent"] == "symbiosis-test/0"
    assert limited.func.__self__.timeout == 4


def test_default_geocoder_is_offline_unless_asked():
    assert isinstance(default_geocoder(), GazetteerGeocoder)
    chain = default_geocoder(online=True)
    assert isinstance(chain, ChainGeocoder)
    assert [type(g) for g in chain.geocoders] == [GazetteerGeocoder, NominatimGeocoder]
