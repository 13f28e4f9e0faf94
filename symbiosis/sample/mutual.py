"""The sample region's mutualisation tables, seeded: recurring purchases, spare capacities, equipment
needs, small treatment needs, small residue pickups and their receivers.

Drawn from the sample firms (``firms.csv``) and the sector profiles of
``symbiosis/sample/data/mutual_profiles.csv`` (which sector buys what, how much, at what price, in
which months; who offers or needs which equipment; who collects which residue how often), and written
in the import format of ``docs/model.md`` the way firms type it (French decimals, ``8-10`` months,
``lun-ven``, ``après-midi``, ``aux 2 semaines``). The same firms and seed give the same bytes.
Also the seeded benchmark instances of the levers (:func:`benchmark_purchases`, :func:`benchmark_stops`).
"""

from __future__ import annotations

import functools
from importlib import resources

import numpy as np
import pandas as pd

from symbiosis.mutual.reference import load_purchase_categories, load_purchase_tiers, load_residues
from symbiosis.sample.core import locate_in_towns
from symbiosis.sample.typed import round_significant

__all__ = [
    "MUTUAL_COLUMNS",
    "MUTUAL_FILES",
    "benchmark_purchases",
    "benchmark_stops",
    "firm_sectors",
    "generate_mutual",
    "load_mutual_profiles",
]

#: File name of each table in the sample folder.
MUTUAL_FILES: dict[str, str] = {
    "purchases": "purchases.csv",
    "capacity_offers": "capacity_offers.csv",
    "capacity_needs": "capacity_needs.csv",
    "treatment_needs": "treatment_needs.csv",
    "pickups": "pickups.csv",
    "receivers": "receivers.csv",
}
#: Columns of each file (English headers; the importer accepts the French ones too).
MUTUAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "purchases": (
        "purchase_id",
        "firm_id",
        "category_id",
        "description",
        "quantity_per_yr",
        "unit",
        "months",
        "price_cad_per_unit",
        "max_distance_km",
    ),
    "capacity_offers": (
        "offer_id",
        "firm_id",
        "asset_type",
        "description",
        "hours_per_week",
        "days",
        "periods",
        "months",
        "cost_cad_per_h",
        "fixed_cost_cad_per_yr",
        "host_hours_per_yr",
        "max_distance_km",
    ),
    "capacity_needs": (
        "need_id",
        "firm_id",
        "asset_type",
        "description",
        "hours_per_week",
        "days",
        "periods",
        "months",
        "alternative_cost_cad_per_h",
        "max_distance_km",
    ),
    "treatment_needs": (
        "need_id",
        "firm_id",
        "treatment_type",
        "description",
        "quantity_per_yr",
        "unit",
        "current_cost_cad_per_unit",
    ),
    "pickups": (
        "pickup_id",
        "firm_id",
        "residue_id",
        "description",
        "quantity",
        "unit",
        "frequency",
        "window",
        "receiver_id",
        "current_cost_cad_per_pickup",
    ),
    "receivers": ("receiver_id", "name", "firm_id", "lat", "lon", "residues", "trucks"),
}
_FREQUENCY = {1: "hebdomadaire", 2: "aux 2 semaines", 4: "aux 4 semaines"}
_TREATMENT_UNITS = {
    "oily_water": "m³",
    "wood_grinding": "t",
    "solvent_recovery": "L",
    "cardboard_baling": "t",
}
_TREATMENT_LABELS = {
    "oily_water": "Eaux huileuses",
    "wood_grinding": "Bois à broyer",
    "solvent_recovery": "Solvants usés",
    "cardboard_baling": "Carton à mettre en ballots",
}
_ASSET_LABELS = {
    "press": "Presse plieuse",
    "cnc_machining": "Centre d'usinage CNC",
    "paint_booth": "Cabine de peinture",
    "dryer": "Séchoir",
    "lab": "Laboratoire d'analyses",
    "trained_team": "Équipe d'entretien formée",
    "loading_dock": "Quai de chargement",
}
#: Residues each kind of receiver takes (by SCIAN code of the receiving firm).
_RECEIVER_RESIDUES = {
    "562920": ("cardboard_occ", "plastic_film_pe", "pallets_wood_broken"),
    "418190": ("cardboard_occ", "ferrous_scrap", "plastic_film_pe"),
    "418110": ("ferrous_scrap",),
    "321920": ("pallets_wood_broken",),
}


@functools.lru_cache(maxsize=1)
def _profiles() -> pd.DataFrame:
    with resources.files("symbiosis.sample").joinpath("data/mutual_profiles.csv").open("rb") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
    for col in ("p", "median", "sigma", "price"):
        frame[col] = frame[col].astype(float)
    return frame


def load_mutual_profiles() -> pd.DataFrame:
    """Sector profiles of the mutualisation tables: ``table, sector_id, item_id, p, median, sigma, price,
    months, extra`` (``extra``: fixed cost of an offer, weeks between pickups)."""
    return _profiles().copy()


def firm_sectors(firms: pd.DataFrame) -> pd.Series:
    """Sector of each sample firm, from its SCIAN code (the first sector of the sample listing it)."""
    from symbiosis.sample.profiles import load_sectors

    by_code: dict[str, str] = {}
    for sector, codes in zip(load_sectors()["sector_id"], load_sectors()["scian_codes"], strict=True):
        for code in str(codes).split("|"):
            by_code.setdefault(code, sector)
    return firms["scian_code"].astype(str).map(by_code).fillna("")


def _fr(value: float) -> str:
    """A number as a French-writing firm types it (``12,5``, ``1 200``)."""
    if not np.isfinite(value):
        return ""
    if float(value).is_integer():
        text = f"{int(value):,}".replace(",", " ")
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return text


def _draws(firms: pd.DataFrame, sectors: pd.Series, table: str, rng: np.random.Generator) -> pd.DataFrame:
    """One row per (firm, profile row) kept with probability ``p``, with a log-normal quantity and price."""
    profiles = _profiles()
    rows = profiles[profiles["table"] == table].reset_index(drop=True)
    pairs = [
        (i, j)
        for i, sector in enumerate(sectors)
        for j in np.flatnonzero(rows["sector_id"].to_numpy() == sector)
    ]
    if not pairs:
        return pd.DataFrame()
    fi, pj = (np.array(x) for x in zip(*pairs, strict=True))
    keep = rng.random(len(fi)) < rows["p"].to_numpy()[pj]
    fi, pj = fi[keep], pj[keep]
    out = rows.iloc[pj].reset_index(drop=True)
    out.insert(0, "firm_id", firms["firm_id"].to_numpy()[fi])
    out["quantity"] = round_significant(
        out["median"].to_numpy() * rng.lognormal(0.0, out["sigma"].to_numpy()), 2
    )
    out["unit_price"] = round_significant(out["price"].to_numpy() * rng.lognormal(0.0, 0.15, len(out)), 3)
    return out


def _purchases(firms: pd.DataFrame, sectors: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    d = _draws(firms, sectors, "purchases", rng)
    cats = load_purchase_categories().set_index("category_id")
    return pd.DataFrame(
        {
            "purchase_id": [f"A{i:05d}" for i in range(1, len(d) + 1)],
            "firm_id": d["firm_id"],
            "category_id": d["item_id"],
            "description": d["item_id"].map(cats["label_fr"]),
            "quantity_per_yr": [_fr(q) for q in d["quantity"]],
            "unit": d["item_id"].map(cats["unit"]),
            "months": np.where(d["months"] == "all", "", d["months"]),
            "price_cad_per_unit": [_fr(p) for p in d["unit_price"]],
            "max_distance_km": np.where(
                rng.random(len(d)) < 0.15, rng.choice(["50", "75", "100"], len(d)), ""
            ),
        }
    )


def _availability(n: int, rng: np.random.Generator, *, flexible: float) -> tuple[np.ndarray, np.ndarray]:
    days = rng.choice(["lun-ven", "lun-jeu", "mar-ven", "lun,mer,ven"], size=n, p=[0.6, 0.15, 0.15, 0.1])
    periods = np.where(rng.random(n) < flexible, "journée", rng.choice(["matin", "après-midi"], size=n))
    return days, periods


def _capacity(
    firms: pd.DataFrame, sectors: pd.Series, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    o = _draws(firms, sectors, "capacity_offers", rng)
    days, periods = _availability(len(o), rng, flexible=0.3)
    fixed = pd.to_numeric(o["extra"], errors="coerce").to_numpy(float)
    offers = pd.DataFrame(
        {
            "offer_id": [f"O{i:04d}" for i in range(1, len(o) + 1)],
            "firm_id": o["firm_id"],
            "asset_type": o["item_id"],
            "description": o["item_id"].map(_ASSET_LABELS) + " disponible",
            "hours_per_week": [_fr(h) for h in np.maximum(4, 4 * np.round(o["quantity"].to_numpy() / 4))],
            "days": days,
            "periods": periods,
            "months": "",
            "cost_cad_per_h": [_fr(p) for p in o["unit_price"]],
            "fixed_cost_cad_per_yr": [
                _fr(v) for v in round_significant(fixed * rng.lognormal(0, 0.2, len(o)), 2)
            ],
            "host_hours_per_yr": [_fr(v) for v in round_significant(rng.uniform(600, 1800, len(o)), 2)],
            "max_distance_km": "",
        }
    )
    n = _draws(firms, sectors, "capacity_needs", rng)
    days, periods = _availability(len(n), rng, flexible=0.7)
    needs = pd.DataFrame(
        {
            "need_id": [f"B{i:04d}" for i in range(1, len(n) + 1)],
            "firm_id": n["firm_id"],
            "asset_type": n["item_id"],
            "description": "Besoin : " + n["item_id"].map(_ASSET_LABELS).str.lower(),
            "hours_per_week": [_fr(h) for h in np.maximum(2, np.round(n["quantity"].to_numpy()))],
            "days": days,
            "periods": periods,
            "months": np.where(n["months"] == "all", "", n["months"]),
            "alternative_cost_cad_per_h": [_fr(p) for p in n["unit_price"]],
            "max_distance_km": np.where(rng.random(len(n)) < 0.3, "60", ""),
        }
    )
    return offers, needs


def _treatments(firms: pd.DataFrame, sectors: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    d = _draws(firms, sectors, "treatment_needs", rng)
    return pd.DataFrame(
        {
            "need_id": [f"U{i:04d}" for i in range(1, len(d) + 1)],
            "firm_id": d["firm_id"],
            "treatment_type": d["item_id"],
            "description": d["item_id"].map(_TREATMENT_LABELS),
            "quantity_per_yr": [_fr(q) for q in d["quantity"]],
            "unit": d["item_id"].map(_TREATMENT_UNITS),
            "current_cost_cad_per_unit": [_fr(p) for p in d["unit_price"]],
        }
    )


def _pickups(firms: pd.DataFrame, sectors: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    d = _draws(firms, sectors, "pickups", rng)
    residues = load_residues().set_index("residue_id")
    period = d["extra"].astype(int).to_numpy()
    windows = rng.choice(["07:30-16:30", "07:30-12:00", "13:00-16:30"], size=len(d), p=[0.7, 0.2, 0.1])
    declared = rng.random(len(d)) < 0.6
    fee = round_significant(d["unit_price"].to_numpy(), 2)
    return pd.DataFrame(
        {
            "pickup_id": [f"K{i:04d}" for i in range(1, len(d) + 1)],
            "firm_id": d["firm_id"],
            "residue_id": d["item_id"],
            "description": d["item_id"].map(residues["label_fr"]),
            "quantity": [_fr(q) for q in d["quantity"]],
            "unit": "t/an",
            "frequency": [_FREQUENCY[int(p)] for p in period],
            "window": windows,
            "receiver_id": "",
            "current_cost_cad_per_pickup": [_fr(f) if k else "" for f, k in zip(fee, declared, strict=True)],
        }
    )


def _point(firm: pd.Series) -> tuple[float, float]:
    from symbiosis.places import load_gazetteer, load_parks

    if str(firm["lat"]).strip() and str(firm["lon"]).strip():
        return float(firm["lat"]), float(firm["lon"])
    parks = load_parks().set_index("park_id")
    if firm["park_id"] in parks.index:
        return float(parks.at[firm["park_id"], "lat"]), float(parks.at[firm["park_id"], "lon"])
    gaz = load_gazetteer()
    row = gaz[gaz["name"] == firm["municipality"]].iloc[0]
    return float(row["lat"]), float(row["lon"])


def _receivers(firms: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    oil_areas: set[str] = set()
    for firm in firms.to_dict("records"):
        takes = list(_RECEIVER_RESIDUES.get(str(firm["scian_code"]), ()))
        if not takes or (firm["scian_code"] == "321920" and rng.random() < 0.5):
            continue
        area = "saguenay" if firm["municipality"] == "Saguenay" else "lac"
        if firm["scian_code"] == "562920" and (area not in oil_areas or rng.random() < 0.3):
            takes.append("used_oil_lubricating")
            oil_areas.add(area)
        lat, lon = _point(pd.Series(firm))
        rows.append(
            {
                "receiver_id": f"R-{firm['firm_id']}",
                "name": firm["name"],
                "firm_id": firm["firm_id"],
                "lat": f"{lat:.5f}",
                "lon": f"{lon:.5f}",
                "residues": "|".join(takes),
                "trucks": str(int(rng.integers(1, 4))),
            }
        )
    frame = pd.DataFrame(rows, columns=list(MUTUAL_COLUMNS["receivers"]))
    towns = firms.set_index("firm_id")["municipality"]
    for area in ("saguenay", "lac"):  # at least one used-oil collector on each side of the region
        side = (towns.reindex(frame["firm_id"]).to_numpy() == "Saguenay") == (area == "saguenay")
        if side.any() and not frame.loc[side, "residues"].str.contains("used_oil").any():
            first = frame.index[side][0]
            frame.loc[first, "residues"] += "|used_oil_lubricating"
    return frame


def generate_mutual(firms: pd.DataFrame, *, seed: int) -> dict[str, pd.DataFrame]:
    """Draw the mutualisation tables of the sample firms (import format, every cell text).

    Parameters
    ----------
    firms
        The sample firms as written in ``firms.csv`` (``firm_id, name, scian_code, park_id,
        municipality, lat, lon``).
    seed
        Seed of the ``numpy.random.Generator`` (the region's seed gives the committed files).
    """
    rng = np.random.default_rng([seed, 14])
    sectors = firm_sectors(firms)
    offers, needs = _capacity(firms, sectors, rng)
    tables = {
        "purchases": _purchases(firms, sectors, rng),
        "capacity_offers": offers,
        "capacity_needs": needs,
        "treatment_needs": _treatments(firms, sectors, rng),
        "pickups": _pickups(firms, sectors, rng),
        "receivers": _receivers(firms, rng),
    }
    return {
        k: v.loc[:, list(MUTUAL_COLUMNS[k])].astype(str).reset_index(drop=True) for k, v in tables.items()
    }


def mutual_readme(tables: dict[str, pd.DataFrame], *, seed: int, n_firms: int) -> str:
    """The ``MUTUAL.md`` of the sample folder: what each file holds, counts, how it was made."""
    counts = {name: len(frame) for name, frame in tables.items()}
    lines = [
        "# Sample region: mutualisation tables (fictional)",
        "",
        f"Made with the region by `symbiosis sample --firms {n_firms} --seed {seed}` "
        "(`symbiosis.sample.mutual.generate_mutual`, drawn from `firms.csv` and the sector profiles of "
        "`symbiosis/sample/data/mutual_profiles.csv`). Running it again gives the same bytes; a test "
        "checks it.",
        "",
        "| file | rows | what |",
        "|---|---|---|",
        f"| `purchases.csv` | {counts['purchases']} | recurring purchases: category, yearly quantity in the "
        "category's unit, months, current price per unit |",
        f"| `capacity_offers.csv` | {counts['capacity_offers']} | spare equipment or team time a firm "
        "offers: hours per week, days, morning/afternoon, operating cost per hour, yearly fixed cost |",
        f"| `capacity_needs.csv` | {counts['capacity_needs']} | equipment or team time a firm needs: hours "
        "per week, days, what an hour costs it today |",
        f"| `treatment_needs.csv` | {counts['treatment_needs']} | small treatment needs (oily water, wood "
        "grinding, used solvents, cardboard baling): yearly quantity, current cost per unit |",
        f"| `pickups.csv` | {counts['pickups']} | small residue streams to collect (cardboard, plastic film, "
        "scrap, used oil, pallets): t/yr, frequency, time window, current price per pickup when known |",
        f"| `receivers.csv` | {counts['receivers']} | recyclers of the sample that receive them, with their "
        "trucks |",
        "",
        "Prices, quantities and price-break tiers are orders of magnitude for the region in 2026 (expert "
        "notes, `symbiosis/mutual/data/`), not quotes. The firms are those of `firms.csv`: fictional.",
        "",
        "Import them with `symbiosis match --levers --mutual-dir data/sample` (or the app's "
        "mutualisation pages); the formats are in `docs/model.md`.",
        "",
    ]
    return "\n".join(lines)


def benchmark_purchases(
    n_firms: int, n_categories: int = 20, *, seed: int = 0, share: float = 0.5
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A seeded purchasing instance: firms in the region's towns, each buying in each category with
    probability ``share``, quantities log-normal around a fifth of the category's first tier.

    Returns
    -------
    firms, purchases : pandas.DataFrame
        Canonical frames (``firm_id, lat, lon`` and :data:`~symbiosis.mutual.tables.PURCHASES`).
    """
    rng = np.random.default_rng(seed)
    firms = locate_in_towns(n_firms, rng)
    firms.insert(0, "firm_id", [f"F{i:04d}" for i in range(n_firms)])
    first = load_purchase_tiers().groupby("category_id")["min_quantity_per_yr"].min()
    categories = list(first.index[:n_categories])
    rows = []
    for category in categories:
        buys = np.flatnonzero(rng.random(n_firms) < share)
        q = first[category] * rng.lognormal(-1.2, 0.9, len(buys))
        months = np.where(rng.random(len(buys)) < 0.7, 4095, rng.integers(1, 4096, len(buys)))
        price = 10.0 * rng.lognormal(0.0, 0.3, len(buys))
        rows += [
            (firms.at[i, "firm_id"], category, float(qq), int(m), float(p))
            for i, qq, m, p in zip(buys, q, months, price, strict=True)
        ]
    purchases = pd.DataFrame(
        rows, columns=["firm_id", "category_id", "quantity_per_yr", "months_mask", "price_cad_per_unit"]
    )
    purchases.insert(0, "purchase_id", [f"P{i:05d}" for i in range(len(purchases))])
    purchases.insert(3, "description", "")
    purchases.insert(5, "unit", "")
    purchases["max_distance_km"] = np.nan
    return firms, purchases


def benchmark_stops(n_stops: int, *, seed: int = 0) -> tuple[tuple[float, float], pd.DataFrame]:
    """A seeded collection day around Saguenay: the depot and ``n_stops`` stops (load 50–600 kg, 10 min
    on site, 30 % of them in the morning only)."""
    rng = np.random.default_rng(seed)
    depot = (48.40, -71.10)
    stops = pd.DataFrame(
        {
            "stop_id": [f"S{i:04d}" for i in range(n_stops)],
            "firm_id": [f"F{i:04d}" for i in range(n_stops)],
            "lat": depot[0] + rng.normal(0.0, 0.08, n_stops),
            "lon": depot[1] + rng.normal(0.0, 0.12, n_stops),
            "load_kg": rng.integers(50, 600, n_stops).astype(float),
            "service_min": 10.0,
            "window_start_min": 7 * 60 + 30,
            "window_end_min": np.where(rng.random(n_stops) < 0.3, 12 * 60, 16 * 60 + 30),
        }
    )
    return depot, stops
