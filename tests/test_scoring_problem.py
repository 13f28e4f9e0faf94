"""Problem builder: scored candidates become arcs, capacities and lots the allocation solves."""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.engine.problem_builder import build_allocation_problem
from symbiosis.registry import Registry
from tests.test_candidates_fixtures import tiny_registry
from tests.test_scoring import _scored


def _registry_with_lot() -> Registry:
    reg = tiny_registry()
    streams = reg.streams.copy()
    streams.loc[streams["stream_id"] == "D_CEM", "min_lot_per_yr"] = 300.0
    return Registry(reg.firms, streams)


def test_arcs_capacities_and_defaults():
    reg = _registry_with_lot()
    scored = _scored(registry=reg)
    problem = build_allocation_problem(scored.reset_index(), reg, MatchConfig())
    arcs = problem.arcs.set_index("candidate_id")
    assert set(arcs.index) == set(scored.index[scored["gain_per_unit"] > 0])
    assert arcs.loc["S_BARK>D_BOIL", "upper"] == pytest.approx(800 / 0.9)
    gain = scored.loc["S_BARK>D_BOIL", "gain_per_unit"]
    assert arcs.loc["S_BARK>D_BOIL", "gain_per_unit"] == pytest.approx(gain)
    assert (arcs["fixed_cost"] == 0).all()
    sup = problem.supplies.set_index("stream_id")
    assert sup.loc["S_BARK", "capacity"] == 1000.0 and (problem.supplies["max_partners"] == 0).all()
    assert problem.demands.set_index("stream_id").loc["D_CEM", "min_lot"] == 300.0


def test_side_constraint_switches():
    reg = _registry_with_lot()
    cfg = MatchConfig().replace(
        **{
            "side.min_lots": False,
            "side.max_partners_per_stream": 2,
            "side.fixed_cost_cad_per_link_yr": 500.0,
            "weights.value": 2.0,
        }
    )
    problem = build_allocation_problem(_scored(cfg, reg).reset_index(), reg, cfg)
    assert (problem.demands["min_lot"] == 0).all()
    assert (problem.supplies["max_partners"] == 2).all()
    assert (problem.arcs["fixed_cost"] == 1000.0).all()  # $ × w_value: objective units


def test_unprofitable_arcs_dropped_unless_asked():
    reg = tiny_registry()
    cfg = MatchConfig(default_tipping_fee_cad_per_t=0.0).replace(**{"weights.co2": 0.0})
    scored = _scored(cfg, reg).reset_index()
    scored.loc[scored["candidate_id"] == "S_SPL>D_CEM", "gain_per_unit"] = -5.0
    kept = build_allocation_problem(scored, reg, cfg).arcs["candidate_id"]
    assert "S_SPL>D_CEM" not in set(kept)
    everything = build_allocation_problem(scored, reg, cfg.replace(drop_unprofitable=False)).arcs
    assert len(everything) == len(scored)


def test_losing_arcs_kept_when_lots_may_be_pooled():
    """With side constraints and minimum lots, a losing arc may complete a receiver's lot."""
    reg = tiny_registry()
    cfg = MatchConfig(default_tipping_fee_cad_per_t=0.0).replace(
        **{"weights.co2": 0.0, "side.enabled": True, "side.min_lots": True}
    )
    scored = _scored(cfg, reg).reset_index()
    scored.loc[scored["candidate_id"] == "S_SPL>D_CEM", "gain_per_unit"] = -5.0
    kept = set(build_allocation_problem(scored, reg, cfg).arcs["candidate_id"])
    assert "S_SPL>D_CEM" in kept
    no_lots = cfg.replace(**{"side.min_lots": False})
    assert "S_SPL>D_CEM" not in set(build_allocation_problem(scored, reg, no_lots).arcs["candidate_id"])


def test_solves_and_checks_end_to_end():
    alloc = pytest.importorskip("symbiosis.engine.allocation")
    reg = tiny_registry()
    cfg = MatchConfig()
    problem = build_allocation_problem(_scored(cfg, reg).reset_index(), reg, cfg)
    result = alloc.solve(problem, cfg.allocation_config())
    assert result.status == "optimal"
    assert alloc.check_solution(problem, result) == []
    flows = result.flows.set_index("candidate_id")["flow_per_yr"]
    assert flows["S_SPL>D_CEM"] == pytest.approx(500.0, rel=1e-3)
    assert isinstance(result.flows, pd.DataFrame)


def test_candidates_under_a_category_to_confirm_are_never_allocated():
    reg = tiny_registry()
    scored = pd.DataFrame(
        {
            "candidate_id": ["S_BARK>D_BOIL", "S_BARK>D_OWN"],
            "supply_id": "S_BARK",
            "demand_id": ["D_BOIL", "D_OWN"],
            "yield_ratio": 1.0,
            "max_flow_per_yr": 100.0,
            "gain_per_unit": 10.0,
            "category_alternative": [True, False],
        }
    )
    problem = build_allocation_problem(scored, reg, MatchConfig())
    assert problem.arcs["candidate_id"].tolist() == ["S_BARK>D_OWN"]


def test_a_specification_the_supply_leaves_undeclared_is_listed_not_proposed():
    reg = tiny_registry()
    scored = pd.DataFrame(
        {
            "candidate_id": ["S_BARK>D_BOIL", "S_BARK>D_OWN"],
            "supply_id": "S_BARK",
            "demand_id": ["D_BOIL", "D_OWN"],
            "yield_ratio": 1.0,
            "max_flow_per_yr": 100.0,
            "gain_per_unit": 10.0,
            "spec_unknown": ["moisture", ""],
        }
    )
    cautious = build_allocation_problem(scored, reg, MatchConfig())
    assert cautious.arcs["candidate_id"].tolist() == ["S_BARK>D_OWN"]
    bold = build_allocation_problem(scored, reg, MatchConfig(propose_unknown_specs=True))
    assert sorted(bold.arcs["candidate_id"]) == ["S_BARK>D_BOIL", "S_BARK>D_OWN"]
