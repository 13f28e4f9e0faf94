"""The sample region's mutualisation tables: reproducible, importable without error, spread over the parks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from symbiosis.mutual.ingest import mutual_data, validate_mutual_bytes
from symbiosis.mutual.reference import load_purchase_categories
from symbiosis.sample.mutual import MUTUAL_FILES, generate_mutual
from symbiosis.sample.region import DEFAULT_SEED
from symbiosis.services.sample_files import write_mutual_sample

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def firms() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "firms.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def imported(firms):
    return {
        name: validate_mutual_bytes(
            (SAMPLE / file).read_bytes(), name, filename=file, known_firm_ids=set(firms["firm_id"])
        )
        for name, file in MUTUAL_FILES.items()
    }


def test_committed_files_are_what_the_generator_writes_from_the_committed_firms(tmp_path, firms):
    write_mutual_sample(tmp_path, firms, seed=DEFAULT_SEED, n_firms=300)
    for name in [*MUTUAL_FILES.values(), "MUTUAL.md"]:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_same_seed_same_tables_other_seed_other_tables(firms):
    first, again, other = (generate_mutual(firms, seed=s) for s in (3, 3, 4))
    pd.testing.assert_frame_equal(first["purchases"], again["purchases"])
    assert not first["purchases"].equals(other["purchases"])


def test_every_committed_row_imports_without_error(imported):
    for name, result in imported.items():
        assert result.report.errors == () and len(result.valid) == result.report.n_rows > 0, name


def test_the_tables_cover_the_parks_and_the_levers(imported, firms):
    data = mutual_data(imported)
    towns = firms.set_index("firm_id")["municipality"]
    buyers = data.purchases["firm_id"].map(towns)
    for town in ("Saguenay", "Alma", "Roberval", "Saint-Félicien", "Dolbeau-Mistassini"):
        assert (buyers == town).any(), town
    assert data.purchases["category_id"].nunique() == len(load_purchase_categories())
    assert data.purchases["months_mask"].ne(4095).sum() >= 20  # seasonal buyers (blueberry, salt, propane)
    assert set(data.pickups["residue_id"]) == {
        "cardboard_occ",
        "plastic_film_pe",
        "ferrous_scrap",
        "used_oil_lubricating",
        "pallets_wood_broken",
    }
    assert set(data.pickups["period_weeks"]) == {1, 2, 4}
    assert set(data.capacity_offers["asset_type"]) & set(data.capacity_needs["asset_type"]) >= {
        "press",
        "lab",
    }
    oil = data.receivers[data.receivers["residues"].str.contains("used_oil")]
    assert set(oil["firm_id"].map(towns) == "Saguenay") == {True, False}  # a collector on each side
