"""Draws shared by both sample generators: sector counts, firm locations, streams from the profiles.

Everything here is vectorised over firms and streams and takes a ``numpy.random.Generator``; the
two public generators only differ in how they write the result (as firms would type it, or already
canonical).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from symbiosis.places import load_gazetteer, load_parks

__all__ = ["allocate_counts", "draw_streams", "locate_in_region", "locate_in_towns", "region_parks"]

_KM_PER_DEG_LAT = 111.195


def allocate_counts(weights: np.ndarray, total: int) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder, deterministic)."""
    share = np.asarray(weights, dtype=float) / float(np.sum(weights)) * total
    counts = np.floor(share).astype(np.int64)
    order = np.argsort(-(share - counts), kind="stable")
    counts[order[: total - int(counts.sum())]] += 1
    return counts


def _jitter(
    lat: np.ndarray, lon: np.ndarray, km: np.ndarray | float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    d_north = rng.normal(0.0, 1.0, len(lat)) * km
    d_east = rng.normal(0.0, 1.0, len(lat)) * km
    new_lat = lat + d_north / _KM_PER_DEG_LAT
    new_lon = lon + d_east / (_KM_PER_DEG_LAT * np.cos(np.radians(lat)))
    return new_lat, new_lon


def region_parks() -> pd.DataFrame:
    """Parks with the default weight of a firm of any sector (Saguenay 3, Alma 2, others 1)."""
    parks = load_parks()
    weight = np.where(
        parks["municipality"] == "Saguenay", 3.0, np.where(parks["municipality"] == "Alma", 2.0, 1.0)
    )
    parks["weight"] = np.where(parks["kind"] == "technology", 0.3, weight)
    return parks


def _town_points() -> pd.DataFrame:
    gaz = load_gazetteer().drop_duplicates("name")
    return gaz.set_index("name")[["lat", "lon", "municipality"]]


def locate_in_region(sector_ids: np.ndarray, sectors: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Place firms of the given sectors in the region's parks or towns.

    Returns
    -------
    pandas.DataFrame
        ``park_id`` (empty outside a park), ``municipality``, ``lat``, ``lon``, one row per firm.
    """
    parks = region_parks().set_index("park_id")
    towns = _town_points()
    lookup = pd.Index(np.concatenate([parks.index.to_numpy(object), towns.index.to_numpy(object)]))
    picks = np.empty(len(sector_ids), dtype=object)
    for sector in sectors.itertuples():
        rows = np.flatnonzero(sector_ids == sector.sector_id)
        if len(rows) == 0:
            continue
        places = sector.places.split("|")
        if places == ["*"]:
            options, weights = parks.index.to_numpy(), parks["weight"].to_numpy()
        else:
            options, weights = np.asarray(places), np.ones(len(places))
        picks[rows] = options[rng.choice(len(options), size=len(rows), p=weights / weights.sum())]
    where = lookup.get_indexer(picks)
    out = pd.DataFrame(
        {
            "park_id": np.concatenate([parks.index.to_numpy(object), np.full(len(towns), "", object)])[where],
            "municipality": np.concatenate(
                [parks["municipality"].to_numpy(object), towns["municipality"].to_numpy(object)]
            )[where],
            "lat": np.concatenate([parks["lat"].to_numpy(float), towns["lat"].to_numpy(float)])[where],
            "lon": np.concatenate([parks["lon"].to_numpy(float), towns["lon"].to_numpy(float)])[where],
        }
    )
    spread = np.where(out["park_id"] == "", 3.0, 0.5)
    lat, lon = _jitter(out["lat"].to_numpy(float), out["lon"].to_numpy(float), spread, rng)
    out["lat"], out["lon"] = np.round(lat, 5), np.round(lon, 5)
    return out


def locate_in_towns(
    n: int, rng: np.random.Generator, *, max_lat: float = 50.0, spread_km: float = 4.0
) -> pd.DataFrame:
    """Place ``n`` firms around the gazetteer's towns south of ``max_lat``, weighted by population."""
    gaz = load_gazetteer()
    gaz = gaz[(gaz["lat"] < max_lat) & (gaz["population"] > 0)].reset_index(drop=True)
    weight = gaz["population"].to_numpy(float)
    picks = rng.choice(len(gaz), size=n, p=weight / weight.sum())
    lat, lon = _jitter(gaz["lat"].to_numpy()[picks], gaz["lon"].to_numpy()[picks], spread_km, rng)
    return pd.DataFrame(
        {
            "park_id": "",
            "municipality": gaz["municipality"].to_numpy()[picks],
            "lat": np.round(lat, 5),
            "lon": np.round(lon, 5),
        }
    )


def draw_streams(firms: pd.DataFrame, profiles: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Draw the streams each firm declares from its sector's profiles.

    Every profile row of a firm's sector is kept with probability ``p``; a firm left without any
    stream keeps its most likely one. The canonical yearly quantity is log-normal around the
    profile median, scaled by the firm's ``size`` factor.

    Parameters
    ----------
    firms
        ``firm_id``, ``sector_id`` and ``size`` (multiplier of every quantity of the firm).
    profiles
        :func:`~symbiosis.sample.profiles.load_stream_profiles`.
    rng
        Random generator.

    Returns
    -------
    pandas.DataFrame
        One row per stream: the firm columns, every profile column and ``quantity_per_yr``.
    """
    sectors, profile_codes = np.unique(profiles["sector_id"].to_numpy(dtype=object), return_inverse=True)
    order = np.argsort(profile_codes, kind="stable")  # profile rows grouped by sector, file order kept
    count = np.bincount(profile_codes, minlength=len(sectors))
    first = np.concatenate([[0], np.cumsum(count)[:-1]])
    p_sorted = profiles["p"].to_numpy(float)[order]
    best = np.array([np.argmax(p_sorted[f : f + c]) for f, c in zip(first, count, strict=True)])
    codes = np.searchsorted(sectors, firms["sector_id"].to_numpy(dtype=object))
    reps = count[codes]
    firm_index = np.repeat(np.arange(len(firms)), reps)
    segment = np.cumsum(reps) - reps
    offset = np.arange(int(reps.sum())) - np.repeat(segment, reps)
    rows = order[first[codes][firm_index] + offset]
    keep = rng.random(len(rows)) < profiles["p"].to_numpy(float)[rows]
    has_any = np.add.reduceat(keep.astype(np.int64), segment) > 0
    keep[(segment + best[codes])[~has_any]] = True
    firm_index, rows = firm_index[keep], rows[keep]
    streams = pd.concat(
        [
            firms.iloc[firm_index].reset_index(drop=True),
            profiles.drop(columns="sector_id").iloc[rows].reset_index(drop=True),
        ],
        axis=1,
    )
    noise = rng.lognormal(0.0, streams["sigma"].to_numpy(), len(streams))
    streams["quantity_per_yr"] = streams["median_per_yr"].to_numpy() * streams["size"].to_numpy() * noise
    return streams
