"""Golden regression: the sample region under the default scenario keeps its objective, bound and KPIs.

Compares numbers, not the exchange list: among equal optima the solver may pick another tie-break.
After an intended change (rules, factors, scoring, solver), regenerate and review the diff:

    SYMBIOSIS_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py

What moved and why is written in ``tests/data/golden/CHANGES.md`` (one entry per regeneration).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.ingest import import_tables, read_table
from symbiosis.ingest.permits import validate_permits
from symbiosis.pipeline import run
from symbiosis.registry import Registry

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
GOLDEN = Path(__file__).resolve().parent / "data" / "golden" / "sample_kpis.json"
REL_TOL = 1e-6
ABS_TOL = 1e-6
#: Solver outputs compared besides the KPIs.
ALLOCATION_KEYS = ("status", "objective", "bound")


def sample_registry() -> Registry:
    """The committed sample region, through the importer and the shipped reference tables."""
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
    permits = validate_permits(
        read_table((SAMPLE / "permits.csv").read_bytes(), filename="permits.csv"),
        known_firm_ids=set(batch.firms.valid["firm_id"]),
        categories=ctx.categories,
    )
    return Registry(batch.firms.valid, batch.streams.valid, permits.valid).validate()


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return float(f"{value:.10g}") if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _snapshot(result: Any) -> dict[str, Any]:
    info = result.allocation
    snap = {k: getattr(info, k) for k in ALLOCATION_KEYS}
    snap["n_candidates"] = len(result.candidates)
    snap["kpis"] = result.kpis.as_dict()
    return _rounded(snap)


def _compare(found: Any, expected: Any, path: str = "") -> list[str]:
    if isinstance(expected, dict):
        if not isinstance(found, dict) or set(found) != set(expected):
            keys = sorted(found) if isinstance(found, dict) else found
            return [f"{path}: keys {keys} != {sorted(expected)}"]
        return [m for k in expected for m in _compare(found[k], expected[k], f"{path}.{k}")]
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        ok = isinstance(found, (int, float)) and math.isclose(
            found, expected, rel_tol=REL_TOL, abs_tol=ABS_TOL
        )
        return [] if ok else [f"{path}: {found} != {expected}"]
    return [] if found == expected else [f"{path}: {found!r} != {expected!r}"]


@pytest.fixture(scope="module")
def result() -> Any:
    return run(sample_registry(), MatchConfig())


@pytest.fixture(scope="module")
def snapshot(result) -> dict[str, Any]:
    return _snapshot(result)


def test_sample_proposals_are_never_internal_and_never_break_a_declared_spec(result):
    """Issue 10: internal reuse is listed apart; a proposal meets every spec both sides declared."""
    from symbiosis.engine.quality import QualityArrays, spec_violation

    ex = result.exchanges
    assert not ex["internal"].any() and (ex["supply_firm_id"] != ex["demand_firm_id"]).all()
    registry = sample_registry()
    streams = registry.streams.set_index("stream_id")
    sup = QualityArrays.of_supplies(streams.loc[ex["supply_id"]].reset_index())
    dem = QualityArrays.of_demands(streams.loc[ex["demand_id"]].reset_index())
    idx = range(len(ex))
    assert not spec_violation(list(idx), list(idx), sup, dem).any()
    assert len(result.internal_opportunities) > 0  # the sample has same-firm opportunities, listed apart


def test_sample_proposals_never_carry_a_solvers_round_off_as_an_exchange(result):
    """A simplex basis leaves flows such as 1.8e-15 t/yr on arcs it does not use: each became a
    proposal of nothing, counted among the exchanges and in the advisor's pipeline."""
    ex = result.exchanges
    assert (ex["flow_per_yr"] >= 1e-6 * ex["max_flow_per_yr"].clip(lower=1.0)).all()


def test_sample_proposals_never_value_a_landfill_as_a_buyer(result):
    """A landfill's daily cover is a service the landfill is paid for: no proposal into it credits an
    avoided purchase unless the landfill declared one, and none takes a residue already spread on
    fields (wood ash, land-applied today) into a landfill."""
    ex = result.exchanges
    cover = ex[ex["demand_category_id"] == "landfill_cover_material"]
    undeclared = cover["demand_use_source"] != "declared"
    assert (cover.loc[undeclared, "avoided_purchase_cad_per_unit"] == 0).all()
    assert not (cover["supply_fate"] == "land_spreading").any()


def test_sample_region_matches_golden(snapshot):
    if os.environ.get("SYMBIOSIS_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(
            json.dumps(snapshot, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
        )
        pytest.skip(f"golden file rewritten: {GOLDEN}")
    assert GOLDEN.is_file(), "no golden file: run with SYMBIOSIS_UPDATE_GOLDEN=1 once"
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    problems = _compare(snapshot, expected, "golden")
    assert not problems, "sample region drifted from tests/data/golden/sample_kpis.json:\n" + "\n".join(
        problems[:20]
    )


def test_sample_region_solves_cleanly(snapshot):
    assert snapshot["status"] == "optimal"
    assert snapshot["bound"] >= snapshot["objective"] - 1e-6 * abs(snapshot["objective"])
    assert snapshot["kpis"]["n_exchanges"] > 0


def test_compare_reports_drift():
    assert _compare({"a": 1.0, "b": "x"}, {"a": 1.0 + 1e-9, "b": "x"}) == []
    assert _compare({"a": 1.1}, {"a": 1.0}) == [".a: 1.1 != 1.0"]
    assert _compare({"a": 1}, {"a": 1, "b": 2})
