"""Sector profiles of the sample generators: which firms a region holds and what each declares.

Two data files, shared by :func:`~symbiosis.sample.region.generate_region` and
:func:`~symbiosis.sample.canonical.generate_streams_canonical`:

* ``data/sectors.csv``: one row per sector: SCIAN 2022 codes (``|``-separated), relative
  ``weight`` in the firm count, ``location`` (``parks``, ``towns`` or ``mixed``) and the ``places``
  the firms sit in (park ids, municipality names, ``*`` for any park), the words firm names start
  with, and the share of firms that hold hazardous-waste permits or want confidentiality.
* ``data/stream_profiles.csv``: the typical supplies and demands of each sector: probability ``p``
  that a firm of the sector declares it, log-normal ``median_per_yr`` (canonical unit of the
  category's kind) and ``sigma``, the units firms type it in, the months it exists, availability,
  price (disposal cost for a supply, purchase price for a demand, CAD per canonical unit; a
  negative disposal cost is what the firm earns selling the by-product today, e.g. chips sold to a
  pulp mill or scrap sold to a dealer, so an exchange must beat that sale; spare capacity offered,
  an empty return trip, has none: its owner pays it whether it is shared or not) and typical quality
  attributes. For a demand, ``purity_pct``, ``moisture_pct``, ``temperature_c`` and
  ``contaminant_pct`` are the specification it accepts (minimum purity, maximum moisture, minimum
  temperature, maximum contaminants) and ``particle_size`` the classes it accepts (``|``-separated);
  ``baseline`` is a supply's current fate or a demand's current use, and for a demand that is a
  treatment service ``price_cad_per_unit`` is the gate fee it charges; ``rejects_hazardous`` marks
  the demands that refuse hazardous residues.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from symbiosis.kb import load_categories
from symbiosis.schemas import ALL_MONTHS

__all__ = [
    "load_sectors",
    "load_stream_profiles",
    "months_mask",
    "months_of_mask",
    "profile_baseline",
    "profile_quality",
]

_NUMERIC = (
    "p",
    "median_per_yr",
    "sigma",
    "price_cad_per_unit",
    "temperature_c",
    "moisture_pct",
    "purity_pct",
    "contaminant_pct",
    "max_distance_km",
    "min_lot_frac",
)


def _read(name: str) -> pd.DataFrame:
    path = resources.files("symbiosis.sample").joinpath("data", name)
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def months_mask(spec: str) -> int:
    """Return the 12-bit month mask of a profile's months (``"8-10"``, ``"10-4"`` wraps, ``""`` = all).

    Examples
    --------
    >>> months_mask("8-10")
    896
    >>> months_mask("11-1") == (1 << 10) | (1 << 11) | 1
    True
    """
    if not spec.strip():
        return ALL_MONTHS
    mask = 0
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        start, end = int(first), int(last or first)
        month = start
        while True:
            mask |= 1 << (month - 1)
            if month == end:
                break
            month = month % 12 + 1
    return mask


def months_of_mask(mask: int) -> list[int]:
    """Return the months (1-12) set in a mask, in calendar order."""
    return [m for m in range(1, 13) if mask & (1 << (m - 1))]


@lru_cache(maxsize=1)
def _sectors() -> pd.DataFrame:
    frame = _read("sectors.csv")
    frame["weight"] = frame["weight"].astype(float)
    for col in ("accepts_hazardous_p", "confidential_p"):
        frame[col] = frame[col].astype(float)
    frame["fixed_count"] = pd.to_numeric(frame["fixed_count"].replace("", np.nan))
    return frame


def load_sectors() -> pd.DataFrame:
    """Return the sectors table (a fresh copy); list cells stay ``|``-separated strings."""
    return _sectors().copy()


@lru_cache(maxsize=1)
def _profiles() -> pd.DataFrame:
    frame = _read("stream_profiles.csv")
    for col in _NUMERIC:
        frame[col] = pd.to_numeric(frame[col].replace("", np.nan), errors="raise")
    categories = load_categories().set_index("category_id")
    unknown = sorted(set(frame["category_id"]) - set(categories.index))
    if unknown:
        raise ValueError(f"stream_profiles.csv: unknown category ids {unknown}")
    frame["kind"] = frame["category_id"].map(categories["kind"])
    frame["hazardous"] = frame["category_id"].map(categories["hazardous"]).astype(bool)
    frame["default_density_t_per_m3"] = frame["category_id"].map(categories["default_density_t_per_m3"])
    frame["months_mask"] = frame["months"].map(months_mask).astype(np.int64)
    frame["waste_code"] = frame["category_id"].map(categories["waste_codes"].str.split("|").str[0].fillna(""))
    return frame


def load_stream_profiles() -> pd.DataFrame:
    """Return the stream profiles with the category's ``kind``, ``hazardous``, default density,
    first waste code and ``months_mask`` joined (a fresh copy)."""
    return _profiles().copy()


def profile_quality(streams: pd.DataFrame) -> dict[str, np.ndarray]:
    """Quality columns of :data:`~symbiosis.schemas.STREAMS` from drawn profile rows.

    A supply keeps its declared values (``contaminant_pct``, ``particle_size``); a demand's
    ``purity_pct``, ``moisture_pct``, ``temperature_c`` and ``contaminant_pct`` become its
    specification (``min_purity_pct``, ``max_moisture_pct``, ``min_temperature_c``,
    ``max_contaminant_pct``) and its ``particle_size`` the classes it accepts.
    """
    supply = streams["direction"].to_numpy() == "supply"

    def num(col: str) -> np.ndarray:
        return pd.to_numeric(streams[col], errors="coerce").to_numpy(float)

    text = streams["particle_size"].fillna("").astype(str).to_numpy(object)
    refuses = streams["rejects_hazardous"].astype(str).str.strip().str.lower().isin(["true", "1", "yes"])
    return {
        "contaminant_pct": np.where(supply, num("contaminant_pct"), np.nan),
        "particle_size": np.where(supply, text, ""),
        "min_purity_pct": np.where(supply, np.nan, num("purity_pct")),
        "max_moisture_pct": np.where(supply, np.nan, num("moisture_pct")),
        "min_temperature_c": np.where(supply, np.nan, num("temperature_c")),
        "max_contaminant_pct": np.where(supply, np.nan, num("contaminant_pct")),
        "accepted_particle_sizes": np.where(supply, "", text),
        "rejects_hazardous": ~supply & refuses.to_numpy(bool),
    }


def profile_baseline(streams: pd.DataFrame, price: np.ndarray) -> dict[str, np.ndarray]:
    """Today's fate and use of drawn profile rows, with ``price`` as the cost, purchase price or fee.

    A supply gets ``current_fate`` and its cost (``disposal_cost_cad_per_unit``, negative when sold);
    a demand gets ``current_use`` and either its purchase price (virgin input) or the gate fee it
    charges (treatment service).
    """
    supply = streams["direction"].to_numpy() == "supply"
    baseline = streams["baseline"].fillna("").astype(str).to_numpy(object)
    service = ~supply & (baseline == "treatment_service")
    return {
        "current_fate": np.where(supply, baseline, ""),
        "disposal_cost_cad_per_unit": np.where(supply, price, np.nan),
        "current_use": np.where(supply, "", baseline),
        "purchase_price_cad_per_unit": np.where(supply | service, np.nan, price),
        "gate_fee_cad_per_unit": np.where(service, price, np.nan),
    }
