"""The fictional sample region of Saguenay–Lac-Saint-Jean, written in the import file format.

Firms are fictional (names, contacts) but sit in the region's real industrial parks and towns, in
a realistic sector mix; their streams come from the sector profiles and are written as firms type
them: units from the controlled list, French decimals (``12,5``, ``1 200``), French words for some
directions and availabilities, months as ``8-10`` or ``août-octobre``.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from symbiosis.ingest.stream_checks import TEMPERATURE_BANDS_C
from symbiosis.sample.core import allocate_counts, draw_streams, locate_in_region
from symbiosis.sample.names import contact_frame, firm_names
from symbiosis.sample.permits import hazardous_holders
from symbiosis.sample.profiles import load_sectors, load_stream_profiles
from symbiosis.sample.typed import (
    ENGLISH_UNIT,
    PER_CANONICAL,
    VOLUME_UNITS,
    format_numbers,
    month_text,
    pick_units,
    round_significant,
)

__all__ = [
    "DEFAULT_SEED",
    "FIRM_COLUMNS",
    "GENERATOR_VERSION",
    "STREAM_COLUMNS",
    "draw_region",
    "generate_region",
    "to_import_format",
]

logger = logging.getLogger(__name__)

#: Bumped whenever the same seed would give different files.
GENERATOR_VERSION = "2"
DEFAULT_SEED = 20261122
FIRM_COLUMNS: tuple[str, ...] = (
    "firm_id",
    "name",
    "scian_code",
    "park_id",
    "municipality",
    "lat",
    "lon",
    "contact_name",
    "contact_email",
    "contact_phone",
    "accepts_hazardous",
    "confidentiality",
)
STREAM_COLUMNS: tuple[str, ...] = (
    "stream_id",
    "firm_id",
    "direction",
    "category_id",
    "waste_code",
    "description",
    "quantity",
    "unit",
    "density_t_per_m3",
    "hazardous",
    "moisture_pct",
    "temperature_c",
    "purity_pct",
    "contaminant_pct",
    "particle_size",
    "min_purity_pct",
    "max_moisture_pct",
    "min_temperature_c",
    "max_contaminant_pct",
    "accepted_particle_sizes",
    "rejects_hazardous",
    "quality_notes",
    "availability",
    "months",
    "start_date",
    "end_date",
    "current_fate",
    "disposal_cost_cad_per_unit",
    "sale_price_cad_per_unit",
    "current_use",
    "purchase_price_cad_per_unit",
    "gate_fee_cad_per_unit",
    "min_lot_per_yr",
    "max_distance_km",
    "confidentiality",
)
ENGLISH_FIRM_SHARE = 0.2
#: Share of French-writing firms that also write directions and availabilities in French.
FRENCH_WORDS_SHARE = 0.45
_QUALITY_NOTES = (
    "Analyse disponible sur demande",
    "Qualité variable selon la saison",
    "Lot homogène",
    "Fiche signalétique disponible",
    "Entreposé à l'abri des intempéries",
    "Peut contenir des corps étrangers",
    "Caractérisation de 2025 disponible",
    "Chargement par le preneur",
)
_FR_AVAILABILITY = {"continuous": "continu", "seasonal": "saisonnier", "one_off": "ponctuel"}
_FR_DIRECTION = {"supply": "offre", "demand": "demande"}
_FR_FATE = {
    "landfill": "enfouissement",
    "incineration": "incinération",
    "land_spreading": "épandage",
    "sold_byproduct": "vendu",
    "internal_reuse": "réemploi interne",
    "paid_treatment": "traitement",
    "discharged": "rejeté",
    "": "",
}
_FR_SIZE = {"fine": "fin", "granular": "granulaire", "coarse": "grossier", "bulky": "encombrant"}
#: Share of firms that have declared no stream yet (prospects).
SILENT_FIRM_SHARE = 0.04
#: Share of supplies whose firm states today's fate (the others take the category's default).
FATE_DECLARED_SHARE = 0.75


def _yes_no(flags: np.ndarray, english: np.ndarray) -> np.ndarray:
    return np.where(flags, np.where(english, "yes", "oui"), np.where(english, "no", "non"))


def _draw_firms(n_firms: int, rng: np.random.Generator) -> pd.DataFrame:
    sectors = load_sectors()
    counts = _sector_counts(sectors, n_firms)
    sector_ids = rng.permutation(np.repeat(sectors["sector_id"].to_numpy(), counts))
    info = sectors.set_index("sector_id").loc[sector_ids].reset_index()
    firms = locate_in_region(sector_ids, sectors, rng)
    firms.insert(0, "firm_id", [f"F{i:04d}" for i in range(1, n_firms + 1)])
    firms.insert(1, "sector_id", sector_ids)
    firms["name"] = firm_names([p.split("|") for p in info["name_prefixes"]], rng)
    firms["scian_code"] = [codes[rng.integers(len(codes))] for codes in info["scian_codes"].str.split("|")]
    firms["english"] = rng.random(n_firms) < ENGLISH_FIRM_SHARE
    firms["french_words"] = ~firms["english"] & (rng.random(n_firms) < FRENCH_WORDS_SHARE)
    firms["accepts_hazardous_flag"] = rng.random(n_firms) < info["accepts_hazardous_p"].to_numpy()
    confidential = rng.random(n_firms) < info["confidential_p"].to_numpy()
    firms["confidentiality"] = np.where(
        confidential, "confidential", np.where(rng.random(n_firms) < 0.45, "public", "members")
    )
    firms["size"] = rng.lognormal(0.0, 0.4, n_firms)
    return pd.concat([firms, contact_frame(firms["name"].tolist(), rng)], axis=1)


def _sector_counts(sectors: pd.DataFrame, n_firms: int) -> np.ndarray:
    """Firms per sector by weight; a sector with a ``fixed_count`` (a unique plant) gets exactly that."""
    counts = allocate_counts(sectors["weight"].to_numpy(), n_firms)
    fixed = pd.to_numeric(sectors.get("fixed_count"), errors="coerce").to_numpy(float)
    has_fixed = np.isfinite(fixed)
    counts[has_fixed] = np.minimum(fixed[has_fixed], n_firms).astype(np.int64)
    excess = int(counts.sum()) - n_firms
    while excess != 0:  # take from (or give to) the largest unfixed sector
        largest = int(np.argmax(np.where(has_fixed, -1, counts)))
        step = min(excess, int(counts[largest])) if excess > 0 else excess
        counts[largest] -= step
        excess -= step
        if step == 0:
            break
    return counts


def _firms_as_typed(firms: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(firms)
    out = firms.copy()
    in_park = out["park_id"] != ""
    blank = rng.random(n) < np.where(in_park, 0.15, 0.10)
    out["lat"] = np.where(blank, "", out["lat"].map("{:.5f}".format))
    out["lon"] = np.where(blank, "", out["lon"].map("{:.5f}".format))
    # Only a firm holding a hazardous-materials permit (permits.csv) accepts hazardous residues.
    out["accepts_hazardous"] = _yes_no(hazardous_holders(out), out["english"].to_numpy())
    out.loc[rng.random(n) < 0.1, "contact_phone"] = ""
    out.loc[rng.random(n) < 0.05, "contact_email"] = ""
    return out


def _quantities_as_typed(streams: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(streams)
    annual_only = streams["availability"].ne("continuous").to_numpy()
    units = pick_units(streams["units"], annual_only, rng)
    one_off_material = (streams["availability"].eq("one_off") & streams["kind"].eq("material")).to_numpy()
    units = np.where(one_off_material, "t", units)
    factor = np.array([PER_CANONICAL[u] for u in units])
    needs_density = np.isin(units, list(VOLUME_UNITS)) & streams["kind"].eq("material").to_numpy()
    density = np.round(streams["default_density_t_per_m3"].to_numpy(float) * rng.uniform(0.9, 1.1, n), 2)
    density = np.where(needs_density, density, np.nan)
    typed = streams["quantity_per_yr"].to_numpy() * factor / np.where(needs_density, density, 1.0)
    typed = round_significant(typed, rng.choice([2, 2, 3], size=n))
    french = ~streams["english"].to_numpy()
    english_units = np.array([ENGLISH_UNIT[u] for u in units], dtype=object)
    return pd.DataFrame(
        {
            "quantity": format_numbers(typed, french, rng),
            "unit": np.where(french, units, english_units),
            "density_t_per_m3": format_numbers(density, french, rng),
        },
        index=streams.index,
    )


def _attributes_as_typed(streams: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(streams)
    french = ~streams["english"].to_numpy()
    supply = streams["direction"].eq("supply").to_numpy()

    def noisy(
        column: str,
        sigma: float,
        keep: float,
        digits: int = 2,
        cap: float | np.ndarray = np.inf,
        floor: float | np.ndarray = -np.inf,
    ) -> list[str]:
        values = np.clip(streams[column].to_numpy(float) * rng.lognormal(0.0, sigma, n), floor, cap)
        values = np.where(rng.random(n) < keep, round_significant(values, digits), np.nan)
        return format_numbers(values, french, rng)

    price = streams["price_cad_per_unit"].to_numpy(float)
    baseline = streams["baseline"].fillna("").astype(str).to_numpy(object)
    lot = streams["quantity_per_yr"].to_numpy() * streams["min_lot_frac"].to_numpy(float)
    distance = streams["max_distance_km"].to_numpy(float) * rng.choice([0.5, 1, 1, 1.5, 2], size=n)
    distance = np.where(rng.random(n) < 0.75, round_significant(distance, 1), np.nan)
    # A by-product the firm sells today always has its price, and a treatment service its fee.
    service = ~supply & (baseline == "treatment_service")
    known = (rng.random(n) < 0.85) | (price < 0) | service
    priced = np.where(known, round_significant(price * rng.lognormal(0, 0.25, n), 2), np.nan)
    sold = supply & (baseline == "sold_byproduct")
    sale_column = sold & (rng.random(n) < 0.5)  # half of them write a sale price, half a negative cost
    declared = supply & (rng.random(n) < FATE_DECLARED_SHARE)
    fate = np.where(declared | sold, baseline, "")
    words = streams["french_words"].to_numpy(bool)
    quality = _quality_as_typed(streams, supply, french, rng)
    # A declared temperature stays within its category's band (import checks it).
    bands = (TEMPERATURE_BANDS_C.get(c, (None, None)) for c in streams["category_id"])
    band = np.array(
        [[-np.inf if lo is None else lo, np.inf if hi is None else hi] for lo, hi in bands], dtype=float
    ).reshape(-1, 2)
    return pd.DataFrame(
        {
            "moisture_pct": np.where(supply, noisy("moisture_pct", 0.1, 0.8, cap=97.0), ""),
            "temperature_c": np.where(
                supply, noisy("temperature_c", 0.1, 0.95, cap=band[:, 1], floor=band[:, 0]), ""
            ),
            "purity_pct": format_numbers(
                np.where(supply, np.minimum(streams["purity_pct"].to_numpy(float), 99.5), np.nan), french, rng
            ),
            **quality,
            "current_fate": np.where(words, pd.Series(fate).map(_FR_FATE).to_numpy(object), fate),
            "disposal_cost_cad_per_unit": format_numbers(
                np.where(supply & ~sale_column, priced, np.nan), french, rng
            ),
            "sale_price_cad_per_unit": format_numbers(np.where(sale_column, -priced, np.nan), french, rng),
            "current_use": np.where(
                service, np.where(words, "service de traitement", "treatment_service"), ""
            ),
            "purchase_price_cad_per_unit": format_numbers(
                np.where(supply | service, np.nan, priced), french, rng
            ),
            "gate_fee_cad_per_unit": format_numbers(np.where(service, priced, np.nan), french, rng),
            "min_lot_per_yr": format_numbers(
                np.where(supply, np.nan, round_significant(lot, 2)), french, rng
            ),
            "max_distance_km": format_numbers(distance, french, rng),
        },
        index=streams.index,
    )


def _quality_as_typed(
    streams: pd.DataFrame, supply: np.ndarray, french: np.ndarray, rng: np.random.Generator
) -> dict[str, object]:
    """Declared quality of supplies and the specs demands accept, as firms type them."""

    def num(col: str) -> np.ndarray:
        return pd.to_numeric(streams[col], errors="coerce").to_numpy(float)

    size = streams["particle_size"].fillna("").astype(str)
    size_fr = size.map(lambda s: "|".join(_FR_SIZE.get(t, t) for t in s.split("|") if t))
    size = np.where(french, size_fr.to_numpy(object), size.to_numpy(object))
    refuses = streams["rejects_hazardous"].astype(str).str.lower().eq("true").to_numpy(bool)
    english = ~french
    return {
        "contaminant_pct": format_numbers(np.where(supply, num("contaminant_pct"), np.nan), french, rng),
        "particle_size": np.where(supply, size, ""),
        "min_purity_pct": format_numbers(np.where(supply, np.nan, num("purity_pct")), french, rng),
        "max_moisture_pct": format_numbers(np.where(supply, np.nan, num("moisture_pct")), french, rng),
        "min_temperature_c": format_numbers(np.where(supply, np.nan, num("temperature_c")), french, rng),
        "max_contaminant_pct": format_numbers(np.where(supply, np.nan, num("contaminant_pct")), french, rng),
        "accepted_particle_sizes": np.where(supply, "", size),
        "rejects_hazardous": np.where(~supply & refuses, np.where(english, "yes", "oui"), ""),
    }


def _time_as_typed(streams: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(streams)
    french = ~streams["english"].to_numpy()
    styles = np.where(french, rng.choice([0, 0, 1, 2], size=n), rng.choice([0, 2], size=n))
    masks = streams["months_mask"].to_numpy()
    availability = streams["availability"].to_numpy()
    months = [
        month_text(int(m), style=int(s)) if a != "continuous" else ""
        for m, s, a in zip(masks, styles, availability, strict=True)
    ]
    first = [min(m for m in range(1, 13) if k & (1 << (m - 1))) for k in masks]
    last = [max(m for m in range(1, 13) if k & (1 << (m - 1))) for k in masks]
    one_off = availability == "one_off"
    start = np.where(one_off, [f"2027-{m:02d}-01" for m in first], "")
    end = np.where(
        one_off, [pd.Timestamp(2027, m, 1).to_period("M").end_time.strftime("%Y-%m-%d") for m in last], ""
    )
    french_words = streams["french_words"].to_numpy()
    return pd.DataFrame(
        {
            "availability": np.where(
                french_words, pd.Series(availability).map(_FR_AVAILABILITY), availability
            ),
            "months": months,
            "start_date": start,
            "end_date": end,
        },
        index=streams.index,
    )


def _streams_as_typed(streams: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(streams)
    french = ~streams["english"].to_numpy()
    out = pd.DataFrame(
        {
            "stream_id": [f"S{i:05d}" for i in range(1, n + 1)],
            "firm_id": streams["firm_id"].to_numpy(),
            "direction": np.where(
                streams["french_words"].to_numpy(),
                streams["direction"].map(_FR_DIRECTION),
                streams["direction"],
            ),
            "category_id": streams["category_id"].to_numpy(),
            "waste_code": np.where(
                streams["direction"].eq("supply") & (rng.random(n) < 0.5), streams["waste_code"], ""
            ),
            "description": streams["description_fr"].to_numpy(),
            "hazardous": _yes_no(streams["hazardous"].to_numpy(), ~french),
            "quality_notes": np.where(
                rng.random(n) < 0.15,
                np.asarray(_QUALITY_NOTES)[rng.integers(len(_QUALITY_NOTES), size=n)],
                "",
            ),
        },
        index=streams.index,
    )
    hazardous_secret = streams["hazardous"].to_numpy() & (rng.random(n) < 0.5)
    out["confidentiality"] = np.where(hazardous_secret, "confidential", streams["confidentiality"])
    parts = [
        out,
        _quantities_as_typed(streams, rng),
        _attributes_as_typed(streams, rng),
        _time_as_typed(streams, rng),
    ]
    return pd.concat(parts, axis=1)


def draw_region(
    *, n_firms: int = 300, seed: int = DEFAULT_SEED, territory: str = "slsj"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw the sample region with its internal columns (sector, canonical quantity...).

    Same parameters as :func:`generate_region`; the frames carry, besides the import columns,
    ``sector_id`` (firms) and the profile columns and ``quantity_per_yr`` (streams), for tests and
    the README's statistics.
    """
    if territory != "slsj":
        raise ValueError(f"the sample region covers Saguenay–Lac-Saint-Jean only, not {territory!r}")
    rng = np.random.default_rng(seed)
    firms = _draw_firms(n_firms, rng)
    firm_columns = ["firm_id", "sector_id", "size", "english", "french_words", "confidentiality"]
    streams = draw_streams(firms[firm_columns], load_stream_profiles(), rng)
    # A few firms joined the program but have declared nothing yet: the prospecting page's leads.
    fixed = firms["sector_id"].isin(load_sectors().dropna(subset=["fixed_count"])["sector_id"])
    silent = firms.loc[(rng.random(len(firms)) < SILENT_FIRM_SHARE) & ~fixed.to_numpy(), "firm_id"]
    streams = streams[~streams["firm_id"].isin(silent)].reset_index(drop=True)
    typed_firms = _firms_as_typed(firms, rng)
    typed_streams = pd.concat(
        [streams[["sector_id", "kind", "quantity_per_yr"]], _streams_as_typed(streams, rng)], axis=1
    )
    logger.info("sample region: %d firms, %d streams", len(typed_firms), len(typed_streams))
    return typed_firms, typed_streams


def generate_region(
    *, n_firms: int = 300, seed: int = DEFAULT_SEED, territory: str = "slsj"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate the fictional sample region as the two import files (firms, streams).

    Parameters
    ----------
    n_firms
        Number of firms; sectors get shares of it in proportion to their weight.
    seed
        Seed of the ``numpy.random.Generator``: the same seed gives the same files.
    territory
        Only ``"slsj"`` (Saguenay–Lac-Saint-Jean).

    Returns
    -------
    firms, streams : pandas.DataFrame
        Text columns :data:`FIRM_COLUMNS` and :data:`STREAM_COLUMNS` (the import file format of
        ``docs/architecture.md``), every cell a string, empty when not given.
    """
    return to_import_format(*draw_region(n_firms=n_firms, seed=seed, territory=territory))


def to_import_format(firms: pd.DataFrame, streams: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the import columns of :func:`draw_region`'s frames, as text, in file order."""
    return (
        firms.loc[:, list(FIRM_COLUMNS)].astype(str).reset_index(drop=True),
        streams.loc[:, list(STREAM_COLUMNS)].astype(str).reset_index(drop=True),
    )
