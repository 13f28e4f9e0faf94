"""The integer-array path of ``run`` gives exactly what the frame path gives, and builds results on demand.

``run`` never builds the candidates frame: candidates, scores, the problem, the solve and the checker
work on integer codes, and the results are joined back to strings when read. Each test compares one
stage of that path with the frame-based public functions on the sample region.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from symbiosis.engine.allocation import check_solution, solve
from symbiosis.engine.allocation.problem import index_problem
from symbiosis.engine.candidates import find_candidates, generate_candidates, unmatched_reasons
from symbiosis.engine.config import MatchConfig
from symbiosis.engine.factors import load_factors
from symbiosis.engine.problem_builder import build_allocation_problem, problem_arrays
from symbiosis.engine.scored_set import score_set
from symbiosis.engine.scoring import score_candidates
from symbiosis.engine.unmatched import ALLOCATION_REASONS, unmatched_streams
from symbiosis.kb import load_categories, load_rules
from symbiosis.pipeline import exchanges_frame, offered_rows, run
from symbiosis.results import Deferred
from tests.test_golden import sample_registry


@pytest.fixture(scope="module")
def knowledge() -> dict:
    return {"rules": load_rules(), "categories": load_categories(), "factors": load_factors()}


@pytest.fixture(scope="module")
def registry():
    return sample_registry()


def _frames(registry, config, knowledge):
    cands = generate_candidates(registry, knowledge["rules"], config, categories=knowledge["categories"])
    scored = score_candidates(
        cands,
        registry,
        config,
        factors=knowledge["factors"],
        rules=knowledge["rules"],
        categories=knowledge["categories"],
    )
    return cands, scored


def _arrays(registry, config, knowledge):
    found = find_candidates(registry, knowledge["rules"], config, categories=knowledge["categories"])
    return found, score_set(
        found, registry, config, factors=knowledge["factors"], categories=knowledge["categories"]
    )


def test_scored_set_frame_is_the_scored_candidates_frame(registry, knowledge):
    config = MatchConfig()
    cands, scored = _frames(registry, config, knowledge)
    found, arrays = _arrays(registry, config, knowledge)
    assert found.funnel == cands.attrs["funnel"]
    pd.testing.assert_frame_equal(found.frame(), cands)
    pd.testing.assert_frame_equal(arrays.frame(), scored)
    rows = np.array([3, 1, 4, 1, 5, 9, 2, 6])
    pd.testing.assert_frame_equal(
        arrays.frame(rows).reset_index(drop=True), scored.iloc[rows].reset_index(drop=True)
    )


@pytest.mark.parametrize("side", [False, True])
def test_problem_arrays_are_the_problem_of_the_frame(registry, knowledge, side):
    config = MatchConfig().replace(
        **{
            "side.enabled": side,
            "side.max_partners_per_stream": 3 * side,
            "side.fixed_cost_cad_per_link_yr": 1500.0 * side,
        }
    )
    _, scored = _frames(registry, config, knowledge)
    found, arrays = _arrays(registry, config, knowledge)
    offered = np.flatnonzero(~found.internal)
    frame_ix = index_problem(
        build_allocation_problem(scored[~scored["internal"]], registry, config), config.allocation_config()
    )
    got = problem_arrays(arrays, offered, registry, config).ix
    for name in frame_ix.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(got, name), getattr(frame_ix, name), err_msg=name)


def _lost_reasons(unmatched: pd.DataFrame) -> dict[str, str]:
    keep = ~unmatched["reason_code"].isin(list(ALLOCATION_REASONS))
    return dict(zip(unmatched.loc[keep, "stream_id"], unmatched.loc[keep, "reason_code"], strict=True))


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"k_nearest": 1},
        {"hazardous_policy": "exclude"},
        {"internal_policy": "exclude", "k_nearest": 2},
        {"hazardous_policy": "allow", "internal_policy": "flag"},
    ],
)
def test_unmatched_reasons_from_the_funnel_masks_equal_the_pair_by_pair_diagnosis(
    registry, knowledge, changes, monkeypatch
):
    """Same reason per stream as :func:`unmatched_reasons` on the candidates frame; the exact diagnosis
    re-runs only for the streams whose skipped pairs (hazard split, same-firm-only K search) matter."""
    import symbiosis.engine.candidates as candidates

    exact_calls = []
    diagnose = candidates._diagnose

    def counted(registry, lost, *args):
        exact_calls.append(len(lost))
        return diagnose(registry, lost, *args)

    config = MatchConfig(**changes)
    cands, _ = _frames(registry, config, knowledge)
    found, arrays = _arrays(registry, config, knowledge)
    separate = config.internal_policy == "separate"
    diagnosis_config = config.replace(internal_policy="exclude") if separate else config
    offered = np.flatnonzero(~found.internal) if separate else np.arange(found.n)
    expected = unmatched_reasons(
        registry,
        cands.iloc[offered],
        rules=knowledge["rules"],
        config=diagnosis_config,
        categories=knowledge["categories"],
    )
    monkeypatch.setattr(candidates, "_diagnose", counted)
    served = np.zeros(len(registry.stream_codes), bool)
    sup, dem = unmatched_streams(
        registry,
        found,
        offered,
        arrays.gain,
        served,
        config=diagnosis_config,
        categories=knowledge["categories"],
    )
    assert _lost_reasons(pd.concat([sup, dem])) == dict(
        zip(expected["stream_id"], expected["reason_code"], strict=True)
    )
    lost = len(expected[~expected["reason_code"].eq("firm_excluded")])
    assert sum(exact_calls) < max(lost, 1)  # the masks answer for most lost streams


def test_unmatched_masks_reach_every_reason_the_sample_has(registry, knowledge):
    config = MatchConfig()
    found, arrays = _arrays(registry, config, knowledge)
    offered = np.flatnonzero(~found.internal)
    served = np.zeros(len(registry.stream_codes), bool)
    sup, dem = unmatched_streams(
        registry,
        found,
        offered,
        arrays.gain,
        served,
        config=config.replace(internal_policy="exclude"),
        categories=knowledge["categories"],
    )
    codes = set(pd.concat([sup, dem])["reason_code"])
    assert {"too_far", "hazardous_refused", "internal_only", "not_selected", "unprofitable"} <= codes


def test_run_returns_before_building_results_and_builds_them_once(registry, knowledge):
    result = run(registry, MatchConfig(), **knowledge)
    for name in (
        "exchanges",
        "candidates",
        "unmatched_supplies",
        "unmatched_demands",
        "kpis",
        "graph",
        "internal_opportunities",
    ):
        assert type(object.__getattribute__(result, name)) is Deferred, name
    assert result.kpis.n_exchanges == len(result.exchanges) > 0
    assert type(object.__getattribute__(result, "exchanges")) is not Deferred  # kept once read
    assert result.exchanges is result.exchanges
    assert type(object.__getattribute__(result, "candidates")) is Deferred  # nobody read it


def test_lazy_exchanges_equal_the_frame_path(registry, knowledge):
    config = MatchConfig()
    result = run(registry, config, **knowledge)
    scored = offered_rows(result)  # the candidates and the same-firm pairs competing beside them
    assert scored["internal"].any() and not result.candidates["internal"].any()
    problem = build_allocation_problem(scored, registry, config)
    allocation = solve(problem, config.allocation_config())
    assert check_solution(problem, allocation) == []
    assert allocation.objective == result.allocation.objective
    internal = set(scored.loc[scored["internal"], "candidate_id"])
    between_firms = allocation.flows[~allocation.flows["candidate_id"].isin(internal)]
    expected = exchanges_frame(
        between_firms, scored, registry, rules=knowledge["rules"], categories=knowledge["categories"]
    )
    pd.testing.assert_frame_equal(result.exchanges, expected)
    own = allocation.flows[allocation.flows["candidate_id"].isin(internal)].set_index("candidate_id")
    listed = result.internal_opportunities.set_index("candidate_id")["allocated_per_yr"]
    assert own["flow_per_yr"].sum() > 0
    pd.testing.assert_series_equal(
        listed.reindex(own.index), own["flow_per_yr"], check_names=False, check_exact=False
    )


def test_a_result_pickles_with_its_deferred_fields_built(registry, knowledge):
    result = run(registry, MatchConfig(), **knowledge)
    again = pickle.loads(pickle.dumps(result))
    assert again.kpis == result.kpis
    pd.testing.assert_frame_equal(again.unmatched_demands, result.unmatched_demands)
