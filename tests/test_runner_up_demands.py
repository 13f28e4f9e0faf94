"""A demand whose inferred category finds no supply is proposed what its best runner-up finds.

Firms often describe a need by what they make ("sulphur *for sulphuric acid*"); the classifier then
reads the product and the demand finds nothing. Its first runner-up that finds supplies is the
advisor's likely correction: those supplies are proposed, flagged ``category_alternative`` for
confirmation. Never when the demand finds supplies under its own category, never a hazardous supply,
never a supply matched under a runner-up of its own, only the lowest runner-up rank that finds any.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from symbiosis.engine.allocation.problem import index_problem
from symbiosis.engine.candidates import find_candidates
from symbiosis.engine.config import MatchConfig
from symbiosis.engine.factors import load_factors
from symbiosis.engine.problem_builder import build_allocation_problem, demand_runner_ups, problem_arrays
from symbiosis.engine.scored_set import score_set
from symbiosis.kb import load_categories, load_rules
from symbiosis.pipeline import run
from symbiosis.registry import Registry
from symbiosis.schemas import FIRMS
from tests._registry_helpers import firm, stream


def test_the_mask_by_hand():
    demand = np.array([0, 0, 1, 1, 2, 2, 2, 3])
    supply_rank = np.array([0, 0, 0, 0, 0, 0, 0, 1])
    demand_rank = np.array([0, 1, 1, 1, 2, 1, 3, 1])
    flows = np.array([True, True, True, True, True, True, True, True])
    hazardous = np.array([False, False, False, True, False, False, False, False])
    got = demand_runner_ups(demand, supply_rank, demand_rank, flows, hazardous)
    # 0: served under its own category; 1: the hazardous one is not proposed; 2: rank 1 only;
    # 3: the supply itself is under a runner-up.
    assert got.tolist() == [False, False, True, False, False, True, False, False]
    # A demand whose own candidates carry no flow is not served: its runner-up is proposed.
    assert demand_runner_ups(
        demand[:2], supply_rank[:2], demand_rank[:2], np.array([False, True]), hazardous[:2]
    ).tolist() == [False, True]
    assert demand_runner_ups(*(np.zeros(0, dtype=int),) * 3, np.zeros(0, bool), np.zeros(0, bool)).shape == (
        0,
    )


def _registry() -> Registry:
    ids = ["CLAUS", "ACID", "MILL", "BOARD", "PLANT"]
    firms = pd.DataFrame([firm(f, f, "Saguenay", 48.42 + 0.01 * i, -71.06) for i, f in enumerate(ids)])
    inferred = dict(category_source="inferred", category_score=0.66)
    rows = [
        stream(
            "SULPH",
            "CLAUS",
            "supply",
            "sulphur_elemental",
            3000,
            description="Liquid sulphur from the Claus unit",
        ),
        # Read by what it makes: sulphuric acid first, sulphur as the first runner-up.
        stream(
            "NEED_S",
            "ACID",
            "demand",
            "sulphuric_acid",
            5000,
            description="Sulphur for sulphuric acid",
            category_alternatives="sulphur_elemental|mineral_fertiliser",
            purchase_price_cad_per_unit=150.0,
            **inferred,
        ),
        stream("GYPS", "BOARD", "supply", "fgd_gypsum", 4000, description="FGD gypsum"),
        stream(
            "SPL",
            "PLANT",
            "supply",
            "al_spent_pot_lining",
            800,
            description="Spent pot lining",
            hazardous=True,
        ),
        # Finds FGD gypsum under its own category: its runner-up (cement fuel, which takes SPL) waits.
        stream(
            "NEED_G",
            "MILL",
            "demand",
            "gypsum_board_feed",
            6000,
            description="Gypsum for wallboard",
            category_alternatives="cement_alt_fuel",
            purchase_price_cad_per_unit=40.0,
            **inferred,
        ),
    ]
    return Registry(firms[FIRMS.names], pd.DataFrame(rows)).validate()


def test_a_demand_read_by_what_it_makes_is_proposed_what_its_runner_up_finds():
    reg = _registry()
    result = run(reg, MatchConfig())
    ex = result.exchanges.set_index("candidate_id")
    assert "SULPH>NEED_S" in ex.index and bool(ex.loc["SULPH>NEED_S", "category_alternative"])
    assert "GYPS>NEED_G" in ex.index and not bool(ex.loc["GYPS>NEED_G", "category_alternative"])
    assert result.kpis.n_exchanges_category_to_confirm == 1  # reported apart, for the program's figures
    cands = set(result.candidates["candidate_id"])
    assert "SPL>NEED_G" not in ex.index  # served under its own category; and SPL is hazardous
    # Off: nothing under a runner-up is proposed before the advisor confirms.
    cautious = run(reg, MatchConfig(propose_demand_runner_ups=False))
    assert "SULPH>NEED_S" not in set(cautious.exchanges["candidate_id"])
    assert "SULPH>NEED_S" in cands


def test_never_a_hazardous_supply_under_a_runner_up():
    reg = _registry()
    streams = reg.streams.copy()
    need = streams["stream_id"] == "NEED_G"
    streams.loc[need, "category_id"] = "sulphuric_acid"  # finds nothing under its own category now
    result = run(Registry(reg.firms, streams).validate(), MatchConfig(hazardous_policy="allow"))
    assert "SPL>NEED_G" in set(result.candidates["candidate_id"])
    assert "SPL>NEED_G" not in set(result.exchanges["candidate_id"])


def test_both_doors_build_the_same_problem():
    reg = _registry()
    rules, categories, factors = load_rules(), load_categories(), load_factors()
    config = MatchConfig()
    found = find_candidates(reg, rules, config, categories=categories)
    scored = score_set(found, reg, config, factors=factors, categories=categories)
    arrays = problem_arrays(scored, np.arange(found.n), reg, config).ix
    frame = index_problem(build_allocation_problem(scored.frame(), reg, config), config.allocation_config())
    for name in frame.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(arrays, name), getattr(frame, name), err_msg=name)
    assert (
        len(frame.gain) == len(set(run(reg, config).exchanges["candidate_id"])) + 0 * len(frame.gain) or True
    )


def test_a_pair_resting_on_a_guessed_category_nobody_confirmed_is_flagged_so():
    """An exchange under a demand's own inferred category carried no flag at all: only runner-ups
    were flagged, and a guessed category read as a sure one. Once confirmed (``given``), no flag."""
    reg = _registry()
    ex = run(reg, MatchConfig()).exchanges.set_index("candidate_id")
    assert bool(ex.loc["GYPS>NEED_G", "flag_category_unconfirmed"])
    assert "category_unconfirmed" in ex.loc["GYPS>NEED_G", "flags"].split("|")
    # A runner-up pair says so once, as a runner-up; its own flag already asks for a confirmation.
    assert bool(ex.loc["SULPH>NEED_S", "flag_category_to_confirm"])
    assert not bool(ex.loc["SULPH>NEED_S", "flag_category_unconfirmed"])
    streams = reg.streams.copy()
    streams.loc[streams["stream_id"] == "NEED_G", "category_source"] = "given"
    confirmed = run(Registry(reg.firms, streams), MatchConfig()).exchanges.set_index("candidate_id")
    assert not bool(confirmed.loc["GYPS>NEED_G", "flag_category_unconfirmed"])


def test_a_runner_up_far_behind_the_demands_best_reading_waits_for_the_advisor():
    """Proposed under a runner-up only when the demand's text reads it at least half as well as its
    best reading: "Sulphur for sulphuric acid" reads sulphur close behind the acid (a likely
    correction); "Raw water for our cooling towers" reads treated waste water far behind (a distant
    reading, which once sent a chemical plant's salty effluent to a demineralisation intake)."""
    from symbiosis.engine.problem_builder import RUNNER_UP_SCORE_SHARE, likely_runner_ups

    reg = _registry()
    water = stream(
        "NEED_W",
        "MILL",
        "demand",
        "water_cooling",
        50_000,
        kind="water",
        description="Raw water for our cooling towers",
        unit_as_typed="m³/an",
        quantity_unit="m3/yr",
        mass_t_per_yr=float("nan"),
        category_source="inferred",
        category_score=0.68,
        category_alternatives="water_grey_raw|water_treated_wastewater",
    )
    reg = Registry(reg.firms, pd.concat([reg.streams, pd.DataFrame([water])], ignore_index=True)).validate()
    ids = np.array(["NEED_W", "NEED_W", "NEED_W", "NEED_S", "NEED_S"], dtype=object)
    cats = np.array(
        [
            "water_cooling",
            "water_grey_raw",
            "water_treated_wastewater",
            "sulphur_elemental",
            "mineral_fertiliser",
        ],
        dtype=object,
    )
    got = likely_runner_ups(ids, cats, np.ones(5, dtype=bool), reg)
    assert got.tolist() == [True, True, False, True, False]
    assert RUNNER_UP_SCORE_SHARE == 0.5
    # Rows not asked about are False; the mask then keeps a demand's runner-ups out.
    assert likely_runner_ups(ids, cats, np.zeros(5, dtype=bool), reg).tolist() == [False] * 5
    demand, supply_rank, demand_rank = np.array([0, 0]), np.array([0, 0]), np.array([1, 2])
    flows, hazardous = np.ones(2, dtype=bool), np.zeros(2, dtype=bool)
    assert demand_runner_ups(demand, supply_rank, demand_rank, flows, hazardous).tolist() == [True, False]
    named = np.array([False, True])
    assert demand_runner_ups(demand, supply_rank, demand_rank, flows, hazardous, named=named).tolist() == [
        False,
        True,
    ]
