"""Seeded invariants of the pipeline on generated registries: what must hold whatever the data."""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.engine.network import firm_graph
from symbiosis.pipeline import run
from symbiosis.sample import generate_streams_canonical

TOL = 1e-6


@pytest.fixture(scope="module", params=[11, 12])
def case(request):
    registry = generate_streams_canonical(n_streams=300, seed=request.param, territory="slsj")
    return registry, run(registry, MatchConfig())


def test_solution_is_checked_and_valid(case):
    _, result = case
    assert result.allocation.ok, result.allocation.violations


def test_no_stream_over_allocated(case):
    registry, result = case
    ex, qty = result.exchanges, registry.streams.set_index("stream_id")["quantity_per_yr"]
    shipped = ex.groupby("supply_id")["flow_per_yr"].sum()
    received = ex.groupby("demand_id")["delivered_per_yr"].sum()
    assert (shipped <= qty.reindex(shipped.index) * (1 + TOL) + TOL).all()
    assert (received <= qty.reindex(received.index) * (1 + TOL) + TOL).all()


def test_exchanges_are_candidates_and_self_matches_are_flagged(case):
    _, result = case
    ex = result.exchanges
    assert set(ex["candidate_id"]) <= set(result.candidates["candidate_id"])
    same_firm = ex["supply_firm_id"] == ex["demand_firm_id"]
    assert ex.loc[same_firm, "internal"].all()
    assert (ex["flow_per_yr"] > 0).all()


def test_every_stream_is_served_or_has_a_reason(case):
    registry, result = case
    served = set(result.exchanges["supply_id"]) | set(result.exchanges["demand_id"])
    reasons = pd.concat([result.unmatched_supplies, result.unmatched_demands])
    assert not served & set(reasons["stream_id"])
    assert served | set(reasons["stream_id"]) == set(registry.streams["stream_id"])
    assert reasons["reason_fr"].str.len().gt(0).all() and reasons["reason_en"].str.len().gt(0).all()


def test_kpis_and_graph_agree_with_the_exchanges(case):
    _, result = case
    ex, k = result.exchanges, result.kpis
    assert k.n_exchanges == len(ex)
    assert k.net_value_cad_per_yr == pytest.approx(ex["net_value_cad_per_yr"].sum())
    assert k.co2e_avoided_t_per_yr == pytest.approx(ex["co2e_avoided_t_per_yr"].sum())
    assert k.n_exchanges_within_park + k.n_exchanges_between_parks == k.n_exchanges
    assert sum(b.n_exchanges for b in k.by_kind) == k.n_exchanges
    graph = result.graph
    assert sum(d["n_exchanges"] for *_, d in graph.edges(data=True)) == len(ex)
    assert set(graph.nodes) == set(ex["supply_firm_id"]) | set(ex["demand_firm_id"])
    assert graph.number_of_edges() == firm_graph(ex).number_of_edges()
