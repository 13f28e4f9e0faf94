"""Large canonical instances for benchmarks: firms and streams straight in the engine's schemas.

No text round trip: quantities are drawn in the canonical unit of each kind and the frames follow
:data:`symbiosis.schemas.FIRMS` and :data:`symbiosis.schemas.STREAMS`. Firms are clustered around
the gazetteer's towns of southern Québec, weighted by population (``territory="quebec"``), or sit in
the parks of Saguenay–Lac-Saint-Jean (``territory="slsj"``). Fully vectorised: 100,000 streams take
a few seconds.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd

from symbiosis.registry import Registry
from symbiosis.sample.core import draw_streams, locate_in_region, locate_in_towns
from symbiosis.sample.names import REGIONAL_WORDS
from symbiosis.sample.profiles import load_sectors, load_stream_profiles, profile_baseline, profile_quality
from symbiosis.schemas import CANONICAL_UNIT, FIRMS, STREAMS, with_optional_columns

__all__ = ["generate_streams_canonical"]

logger = logging.getLogger(__name__)

_YEAR = 2027


def _mean_per_firm(sectors: pd.DataFrame, profiles: pd.DataFrame) -> pd.Series:
    expected = profiles.groupby(["sector_id", "direction"])["p"].sum().unstack(fill_value=0.0)
    weight = sectors.set_index("sector_id")["weight"]
    return expected.mul(weight, axis=0).sum() / weight.sum()


def _firms(n_firms: int, territory: str, sectors: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    weight = sectors["weight"].to_numpy(float)
    pick = rng.choice(len(sectors), size=n_firms, p=weight / weight.sum())
    sector_ids = sectors["sector_id"].to_numpy()[pick]
    if territory == "quebec":
        firms = locate_in_towns(n_firms, rng)
    elif territory == "slsj":
        firms = locate_in_region(sector_ids, sectors, rng)
    else:
        raise ValueError(f"territory must be 'quebec' or 'slsj', not {territory!r}")
    number = np.arange(1, n_firms + 1)
    prefix = sectors["name_prefixes"].str.split("|").str[0].to_numpy()[pick]
    word = np.asarray(REGIONAL_WORDS)[rng.integers(len(REGIONAL_WORDS), size=n_firms)]
    firms.insert(0, "firm_id", np.char.add("B", np.char.zfill(number.astype(str), 7)))
    firms.insert(1, "sector_id", sector_ids)
    firms["firm_no"] = number - 1
    firms["name"] = pd.Series(prefix).str.cat([pd.Series(word), pd.Series(number.astype(str))], sep=" ")
    firms["scian_code"] = sectors["scian_codes"].str.split("|").str[0].to_numpy()[pick]
    firms["coord_source"] = "park" if territory == "slsj" else "declared"
    firms.loc[firms["park_id"] == "", "coord_source"] = "declared"
    for col in ("contact_name", "contact_email", "contact_phone"):
        firms[col] = ""
    firms["accepts_hazardous"] = rng.random(n_firms) < sectors["accepts_hazardous_p"].to_numpy()[pick]
    confidential = rng.random(n_firms) < sectors["confidential_p"].to_numpy()[pick]
    firms["confidentiality"] = np.where(confidential, "confidential", "members")
    firms["size"] = rng.lognormal(0.0, 0.4, n_firms)
    return firms


def _subsample(
    streams: pd.DataFrame, n_supply: int, n_demand: int, rng: np.random.Generator
) -> pd.DataFrame | None:
    supply = np.flatnonzero(streams["direction"].to_numpy() == "supply")
    demand = np.flatnonzero(streams["direction"].to_numpy() == "demand")
    if len(supply) < n_supply or len(demand) < n_demand:
        return None
    keep = np.sort(
        np.concatenate(
            [rng.choice(supply, n_supply, replace=False), rng.choice(demand, n_demand, replace=False)]
        )
    )
    return streams.iloc[keep].reset_index(drop=True)


def _month_bounds(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low = np.log2(mask & -mask).astype(np.int64) + 1
    high = np.floor(np.log2(np.maximum(mask, 1))).astype(np.int64) + 1
    return low, high


def _canonical_streams(streams: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(streams)
    q = streams["quantity_per_yr"].to_numpy()
    kind = streams["kind"].to_numpy()
    supply = streams["direction"].to_numpy() == "supply"
    price = streams["price_cad_per_unit"].to_numpy(float) * rng.lognormal(0.0, 0.25, n)
    one_off = streams["availability"].to_numpy() == "one_off"
    first, last = _month_bounds(streams["months_mask"].to_numpy())
    start = pd.to_datetime(pd.DataFrame({"year": _YEAR, "month": first, "day": 1}))
    end = pd.to_datetime(pd.DataFrame({"year": _YEAR, "month": last, "day": 1})) + pd.offsets.MonthEnd(0)
    unit = pd.Series(kind).map(CANONICAL_UNIT).to_numpy()
    return pd.DataFrame(
        {
            "stream_id": np.char.add("X", np.char.zfill(np.arange(1, n + 1).astype(str), 7)),
            "firm_id": streams["firm_id"].to_numpy(),
            "direction": streams["direction"].to_numpy(),
            "kind": kind,
            "category_id": streams["category_id"].to_numpy(),
            "waste_code": np.where(supply, streams["waste_code"].to_numpy(), ""),
            "description": streams["description_fr"].to_numpy(),
            "quantity_as_typed": np.char.mod("%.3f", q),
            "unit_as_typed": unit,
            "quantity_per_yr": q,
            "quantity_unit": unit,
            "mass_t_per_yr": np.where((kind == "material") | (kind == "water"), q, np.nan),
            "density_t_per_m3": np.nan,
            "density_source": "",
            "hazardous": streams["hazardous"].to_numpy(bool),
            "moisture_pct": streams["moisture_pct"].to_numpy(float),
            "temperature_c": streams["temperature_c"].to_numpy(float),
            "purity_pct": np.where(supply, streams["purity_pct"].to_numpy(float), np.nan),
            **profile_quality(streams),
            "quality_notes": "",
            "availability": streams["availability"].to_numpy(),
            "months_mask": streams["months_mask"].to_numpy(np.int64),
            "start_date": start.where(one_off),
            "end_date": end.where(one_off),
            **profile_baseline(streams, price),
            "min_lot_per_yr": np.where(supply, np.nan, q * streams["min_lot_frac"].to_numpy(float)),
            "max_distance_km": streams["max_distance_km"].to_numpy(float)
            * rng.choice([0.5, 1.0, 1.5, 2.0], n),
            "confidentiality": streams["confidentiality"].to_numpy(),
        }
    )


def generate_streams_canonical(
    *, n_streams: int = 100_000, seed: int = 20261122, territory: str = "quebec", supply_share: float = 0.5
) -> Registry:
    """Generate a canonical registry of ``n_streams`` streams for benchmarks.

    Parameters
    ----------
    n_streams
        Exact number of streams; ``round(n_streams * supply_share)`` of them are supplies.
    seed
        Seed of the ``numpy.random.Generator``.
    territory
        ``"quebec"``: firms around the towns of southern Québec (south of 50° N), weighted by
        population; ``"slsj"``: firms in the parks and towns of Saguenay–Lac-Saint-Jean.
    supply_share
        Share of supplies among the streams.

    Returns
    -------
    Registry
        Firms (only those with a stream) and streams following the schemas, not yet validated.
    """
    rng = np.random.default_rng(seed)
    sectors, profiles = load_sectors(), load_stream_profiles()
    n_supply = round(n_streams * supply_share)
    n_demand = n_streams - n_supply
    mean = _mean_per_firm(sectors, profiles)
    margin = 1.15
    while True:
        n_firms = math.ceil(max(n_supply / mean["supply"], n_demand / mean["demand"]) * margin) + 20
        firms = _firms(n_firms, territory, sectors, rng)
        drawn = draw_streams(
            firms[["firm_id", "firm_no", "sector_id", "size", "confidentiality"]], profiles, rng
        )
        streams = _subsample(drawn, n_supply, n_demand, rng)
        if streams is not None:
            break
        margin *= 1.3
    used = np.zeros(len(firms), dtype=bool)
    used[streams["firm_no"].to_numpy()] = True
    firms = firms[used].reset_index(drop=True)
    logger.info("canonical instance: %d firms, %d streams (%s)", len(firms), n_streams, territory)
    streams = with_optional_columns(_canonical_streams(streams, rng), STREAMS)[STREAMS.names]
    return Registry(firms=firms.loc[:, FIRMS.names], streams=streams)
