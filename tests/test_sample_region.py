"""The committed sample region: reproducible, big and varied enough, and readable by the importer."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from symbiosis.kb import load_categories
from symbiosis.places import load_parks
from symbiosis.sample import generate_region
from symbiosis.sample.names import FORBIDDEN_NAME_PARTS
from symbiosis.sample.region import DEFAULT_SEED, FIRM_COLUMNS, STREAM_COLUMNS, draw_region
from symbiosis.sample.typed import ANNUAL_UNITS, ENGLISH_UNIT, PER_CANONICAL
from symbiosis.services.sample_files import write_sample

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
RULES = ROOT / "symbiosis" / "kb" / "data" / "rules.csv"


@pytest.fixture(scope="module")
def region() -> tuple[pd.DataFrame, pd.DataFrame]:
    return draw_region(seed=DEFAULT_SEED)


@pytest.fixture(scope="module")
def committed() -> tuple[pd.DataFrame, pd.DataFrame]:
    read = {"dtype": str, "keep_default_na": False, "encoding": "utf-8"}
    return pd.read_csv(SAMPLE / "firms.csv", **read), pd.read_csv(SAMPLE / "streams.csv", **read)


def test_committed_files_are_what_the_command_writes(tmp_path):
    write_sample(tmp_path, n_firms=300, seed=DEFAULT_SEED)
    for name in ("firms.csv", "streams.csv", "README.md"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_same_seed_same_region_other_seed_other_region():
    first = generate_region(n_firms=40, seed=7)
    again = generate_region(n_firms=40, seed=7)
    other = generate_region(n_firms=40, seed=8)
    pd.testing.assert_frame_equal(first[1], again[1])
    assert not first[1].equals(other[1])


def test_size_and_spread(committed):
    firms, streams = committed
    assert tuple(firms.columns) == FIRM_COLUMNS and tuple(streams.columns) == STREAM_COLUMNS
    assert len(firms) >= 300 and len(streams) >= 1000
    assert firms["municipality"].nunique() >= 12
    assert firms["firm_id"].is_unique and streams["stream_id"].is_unique
    assert set(streams["firm_id"]) <= set(firms["firm_id"])


def test_ids_are_known(committed):
    firms, streams = committed
    assert set(streams["category_id"]) <= set(load_categories()["category_id"])
    parks = firms.loc[firms["park_id"] != "", "park_id"]
    assert set(parks) <= set(load_parks()["park_id"])
    assert parks.nunique() >= 20


def test_names_and_contacts_are_fictional(committed):
    firms, _ = committed
    assert firms["name"].is_unique
    lowered = firms["name"].str.lower()
    assert not any(lowered.str.contains(part, regex=False).any() for part in FORBIDDEN_NAME_PARTS)
    emails = firms.loc[firms["contact_email"] != "", "contact_email"]
    assert emails.str.endswith(".example").all()
    phones = firms.loc[firms["contact_phone"] != "", "contact_phone"]
    assert phones.str.match(r"^\d{3}-555-01\d\d").all()


def test_typed_like_firms_type(committed):
    _, streams = committed
    units = streams["unit"]
    assert set(units) <= set(PER_CANONICAL) | set(ENGLISH_UNIT.values())
    english = units.isin(set(ENGLISH_UNIT.values()) - set(PER_CANONICAL)).mean()
    assert 0.08 < english < 0.35
    assert units.nunique() >= 12
    assert streams["quantity"].str.contains(",").sum() >= 50  # French decimals
    assert streams["quantity"].str.fullmatch(r"\d{1,3}( \d{3})+").sum() >= 50  # 1 200
    assert {"offre", "demande", "supply", "demand"} <= set(streams["direction"])
    assert {"continu", "saisonnier", "continuous", "seasonal"} <= set(streams["availability"])
    volume = units.isin(["m³/jour", "m³/day", "m³/an", "m³/yr", "L/jour", "L/day"])
    material = ~streams["category_id"].str.startswith("water_")
    assert (streams.loc[volume & material, "density_t_per_m3"] != "").all()
    assert (volume & material).sum() >= 10


def test_seasons(committed):
    _, streams = committed
    seasonal = streams["availability"].isin(["seasonal", "saisonnier"])
    assert seasonal.sum() >= 50 and (streams.loc[seasonal, "months"] != "").all()
    annual = set(ANNUAL_UNITS) | {ENGLISH_UNIT[u] for u in ANNUAL_UNITS}
    assert streams.loc[seasonal, "unit"].isin(annual).all()
    pomace = streams[streams["category_id"] == "blueberry_pomace"]["months"]
    assert len(pomace) and pomace.isin(["8-10", "août-octobre", "8,9,10"]).all()
    heat = streams[streams["category_id"] == "heat_greenhouse"]["months"]
    assert len(heat) and (heat == "10,11,12,1,2,3,4").all()


def test_every_kind_and_some_hazardous(region):
    _, streams = region
    assert set(streams["kind"]) == {"material", "energy", "water", "logistics", "capacity", "service"}
    assert streams["hazardous"].isin(["oui", "yes"]).sum() >= 20
    heat = streams["category_id"].str.startswith("heat_")
    supply = streams["direction"].isin(["supply", "offre"])
    assert (streams.loc[heat & supply, "temperature_c"] != "").mean() > 0.8
    assert (streams["min_lot_per_yr"] != "").sum() >= 30
    assert (streams["disposal_cost_cad_per_unit"] != "").sum() >= 300


def test_quantities_follow_the_sector(region):
    firms, streams = region
    spl = streams.loc[streams["category_id"] == "al_spent_pot_lining", "quantity_per_yr"]
    shop = streams.loc[
        (streams["sector_id"] == "metal_fab") & (streams["category_id"] == "ferrous_scrap"), "quantity_per_yr"
    ]
    assert spl.median() > 1000 and 10 < shop.median() < 500
    shares = firms["sector_id"].value_counts(normalize=True)
    assert shares.idxmax() == "metal_fab" and shares["al_smelter"] < 0.03


def test_the_importer_reads_the_sample_without_errors(region):
    ingest = pytest.importorskip("symbiosis.ingest")
    from symbiosis.kb.waste_codes import load_waste_codes
    from symbiosis.places import GazetteerGeocoder
    from symbiosis.sample.region import to_import_format

    firms, streams = to_import_format(*region)
    batch = ingest.import_tables(
        firms.to_csv(index=False).encode(),
        streams.to_csv(index=False).encode(),
        geocoder=GazetteerGeocoder(),
        parks=load_parks(),
        categories=load_categories(),
        waste_codes=load_waste_codes(),
    )
    assert batch.ok
    assert len(batch.firms.valid) == len(firms) and len(batch.streams.valid) == len(streams)
    imported = batch.streams.valid.set_index("stream_id")["quantity_per_yr"]
    drawn = region[1].set_index(streams["stream_id"])["quantity_per_yr"]
    ratio = imported / drawn.loc[imported.index]
    assert np.allclose(ratio, 1.0, rtol=0.06)  # typed with 2-3 significant digits


def test_most_supplies_have_a_compatible_demand(committed):
    if not RULES.exists():
        pytest.skip("no compatibility rules yet")
    _, streams = committed
    rules = pd.read_csv(RULES, dtype=str, keep_default_na=False)
    direction = streams["direction"].replace({"offre": "supply", "demande": "demand"})
    demanded = set(streams.loc[direction == "demand", "category_id"])
    usable = set(rules.loc[rules["demand_category_id"].isin(demanded), "supply_category_id"])
    supplies = streams.loc[direction == "supply", "category_id"]
    assert supplies.isin(usable).mean() >= 0.6


def test_unknown_territory_is_refused():
    with pytest.raises(ValueError, match="Saguenay"):
        generate_region(n_firms=10, territory="gaspesie")


def test_readme_credits_geonames_and_states_the_command():
    text = (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert "GeoNames" in text and "CC BY 4.0" in text
    assert re.search(r"symbiosis sample --firms 300 --seed \d+", text)
