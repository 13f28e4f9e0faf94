"""The levers through the one pipeline: only when asked, on the sample region, checked, reported apart."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.mutual import LEVERS, MutualConfig, MutualData, MutualResult
from symbiosis.mutual.ingest import mutual_data, validate_mutual_bytes
from symbiosis.pipeline import STAGES, run
from symbiosis.registry import Registry
from symbiosis.sample.mutual import MUTUAL_FILES
from tests._registry_helpers import tiny_registry

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def test_the_default_run_plans_no_lever_and_never_imports_them():
    result = run(tiny_registry())
    assert result.mutual is None and tuple(result.allocation.timings_s) == STAGES
    code = (
        "import sys; from tests._registry_helpers import tiny_registry; "
        "from symbiosis.pipeline import run; run(tiny_registry()); "
        "print('symbiosis.mutual' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert out.stdout.strip() == "False"


def test_asked_levers_come_back_checked_in_the_match_result():
    registry = tiny_registry()
    purchases = pd.DataFrame(
        {
            "purchase_id": ["P1", "P2", "P3"],
            "firm_id": ["F1", "F2", "F3"],
            "category_id": "propane",
            "description": "",
            "quantity_per_yr": [20000.0, 20000.0, 15000.0],
            "unit": "L",
            "months_mask": 4095,
            "price_cad_per_unit": 0.85,
            "max_distance_km": float("nan"),
        }
    )
    result = run(
        registry,
        MatchConfig(),
        mutual=MutualData(purchases=purchases),
        mutual_config=MutualConfig(levers=("purchasing",)),
    )
    assert isinstance(result.mutual, MutualResult) and result.mutual.ok
    assert "mutual" in result.allocation.timings_s
    info = result.mutual.info
    assert info["purchasing"].status == "optimal" and info["routes"].status == "skipped"
    # Alma's two firms are 0.9 km apart; Dolbeau is ~ 90 km away, beyond propane's 100 km radius once
    # the detour factor applies: the best group pools 55 000 L > the 50 000 L tier (3 %).
    members = result.mutual.memberships()
    assert set(members["lever"]) == {"purchasing"} and set(members["synergy_type"]) == {"group_purchase"}


@pytest.fixture(scope="module")
def sample_result():
    from symbiosis.ingest import import_tables
    from symbiosis.services.importing import default_context

    ctx = default_context()
    batch = import_tables(
        (SAMPLE / "firms.csv").read_bytes(),
        (SAMPLE / "streams.csv").read_bytes(),
        geocoder=ctx.geocoder,
        parks=ctx.parks,
        categories=ctx.categories,
        waste_codes=ctx.waste_codes,
    )
    registry = Registry(batch.firms.valid, batch.streams.valid)
    ids = set(registry.firms["firm_id"])
    data = mutual_data(
        {
            name: validate_mutual_bytes((SAMPLE / f).read_bytes(), name, known_firm_ids=ids)
            for name, f in MUTUAL_FILES.items()
        }
    )
    return run(registry, MatchConfig(), mutual=data).mutual


def test_the_sample_region_gets_every_lever_checked_and_saving(sample_result):
    summary = sample_result.summary().set_index("lever")
    assert sample_result.ok, {k: v.violations[:3] for k, v in sample_result.info.items()}
    assert list(summary.index) == list(LEVERS)
    assert (summary["n_items"] > 0).all() and (summary["saving_cad_per_yr"] > 0).all()
    assert summary.at["routes", "co2e_avoided_t_per_yr"] > 0
    purchasing = sample_result.info["purchasing"]
    assert purchasing.objective_cad_per_yr >= purchasing.baseline_cad_per_yr
    assert purchasing.objective_cad_per_yr <= purchasing.details["relaxed_bound_cad_per_yr"]
    routes = sample_result.info["routes"].details
    assert routes["km_per_yr"] < routes["separate_km_per_yr"]
    assert routes["km_compared_per_cycle"] <= routes["nearest_neighbour_km_compared_per_cycle"] + 1e-6
    members = sample_result.memberships()
    assert members.groupby(["lever", "item_id"])["firm_id"].nunique().ge(2).all()  # every item is shared
