"""Candidate generation on the tiny hand-checkable registry, K-nearest pruning and a 5,000-stream run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from symbiosis.engine.candidates import generate_candidates, unmatched_reasons
from symbiosis.engine.config import MatchConfig
from symbiosis.registry import Registry
from symbiosis.schemas import CANDIDATES, validate_frame
from tests.test_candidates_fixtures import fake_text_vectors, tiny_registry, tiny_rules


def _run(config: MatchConfig | None = None, registry: Registry | None = None) -> pd.DataFrame:
    return generate_candidates(
        registry or tiny_registry(), tiny_rules(), config or MatchConfig(), text_vectors=fake_text_vectors
    )


def test_tiny_registry_gives_exactly_the_expected_pairs():
    cands = _run()
    validate_frame(cands, CANDIDATES)
    assert set(cands["candidate_id"]) == {"S_BARK>D_BOIL", "S_BARK>D_OWN", "S_SPL>D_CEM", "S_TEXT>D_RAGS"}


def test_pair_within_range_has_geodesic_distance_yield_and_flow():
    row = _run().set_index("candidate_id").loc["S_BARK>D_BOIL"]
    assert row["rule_id"] == "R_BARK" and row["match_basis"] == "rule"
    assert row["distance_km"] == pytest.approx(10.008, abs=0.01)  # 0.09° of latitude at 48.4° N
    assert row["road_distance_km"] == pytest.approx(1.3 * row["distance_km"])
    assert row["max_flow_per_yr"] == pytest.approx(800 / 0.9)  # min(1000, 800 / 0.9)
    assert row["months_overlap"] == 12


def test_beyond_rule_range_and_season_mismatch_are_not_candidates():
    cands = _run()
    assert "S_BARK>D_FAR" not in set(cands["candidate_id"])  # 200 km > R_BARK's 100 km
    assert "S_BLUE>D_COMP" not in set(cands["candidate_id"])  # Jan–Mar vs Jul–Sep


def test_firm_distance_limit_is_respected():
    reg = tiny_registry()
    streams = reg.streams.copy()
    streams.loc[streams["stream_id"] == "D_BOIL", "max_distance_km"] = 5.0
    cands = _run(registry=Registry(reg.firms, streams))
    assert "S_BARK>D_BOIL" not in set(cands["candidate_id"])


def test_hazardous_only_to_permitted_receivers():
    ids = set(_run()["candidate_id"])
    assert "S_SPL>D_CEM" in ids and "S_SPL>D_KILN" not in ids
    assert "S_SPL>D_KILN" in set(_run(MatchConfig(hazardous_policy="allow"))["candidate_id"])
    assert "S_SPL>D_CEM" not in set(_run(MatchConfig(hazardous_policy="exclude"))["candidate_id"])


def test_same_firm_pair_flagged_or_excluded():
    flagged = _run(MatchConfig(internal_policy="flag")).set_index("candidate_id")
    assert bool(flagged.loc["S_BARK>D_OWN", "internal"])
    assert not flagged.drop("S_BARK>D_OWN")["internal"].any()
    assert "S_BARK>D_OWN" not in set(_run(MatchConfig(internal_policy="exclude"))["candidate_id"])


def test_text_basis_candidate_has_no_rule_and_unit_yield():
    row = _run().set_index("candidate_id").loc["S_TEXT>D_RAGS"]
    assert row["match_basis"] == "text" and row["rule_id"] == ""
    assert row["yield_ratio"] == 1.0 and row["text_similarity"] == pytest.approx(1.0)
    assert "S_TEXT>D_RAGS" not in set(_run(MatchConfig(text_similarity_threshold=1.01))["candidate_id"])


def test_excluded_firm_drops_its_streams():
    cands = _run(MatchConfig(excluded_firm_ids=("F_CEM",)))
    assert not cands["demand_firm_id"].eq("F_CEM").any()
    assert "S_BARK>D_BOIL" in set(cands["candidate_id"])


def test_one_off_dates_must_overlap():
    reg = tiny_registry()
    streams = reg.streams.copy()
    for sid, start, end in (("S_BARK", "2026-01-01", "2026-02-28"), ("D_BOIL", "2026-06-01", "2026-07-31")):
        at = streams["stream_id"] == sid
        streams.loc[at, "start_date"], streams.loc[at, "end_date"] = pd.Timestamp(start), pd.Timestamp(end)
    cands = _run(registry=Registry(reg.firms, streams))
    assert "S_BARK>D_BOIL" not in set(cands["candidate_id"])
    assert "S_BARK>D_OWN" in set(cands["candidate_id"])


def test_unmatched_reasons_name_the_failing_check():
    cfg = MatchConfig(excluded_firm_ids=("F_COMP",))
    reg = tiny_registry()
    reasons = unmatched_reasons(reg, _run(cfg), rules=tiny_rules(), config=cfg).set_index("stream_id")
    assert reasons.loc["D_FAR", "reason_code"] == "too_far"
    assert reasons.loc["D_KILN", "reason_code"] == "hazardous_refused"
    assert reasons.loc["D_COMP", "reason_code"] == "firm_excluded"
    assert reasons.loc["S_BLUE", "reason_code"] == "no_partner_category"
    assert reasons["reason_fr"].str.len().gt(0).all() and reasons["reason_en"].str.len().gt(0).all()
    plain = unmatched_reasons(reg, _run(), rules=tiny_rules(), config=MatchConfig()).set_index("stream_id")
    assert plain.loc["S_BLUE", "reason_code"] == "season"


def test_unmatched_reasons_no_rule_and_internal_only():
    cfg = MatchConfig(internal_policy="exclude", text_similarity_threshold=1.01)
    reg = tiny_registry()
    streams = reg.streams[reg.streams["stream_id"] != "D_BOIL"]
    reg = Registry(reg.firms, streams)
    reasons = unmatched_reasons(reg, _run(cfg, reg), rules=tiny_rules(), config=cfg).set_index("stream_id")
    assert reasons.loc["S_TEXT", "reason_code"] == "no_rule"
    assert reasons.loc["D_OWN", "reason_code"] == "internal_only"


_FIRM_EXTRA = {"park_id": "", "municipality": "Saguenay", "scian_code": "321111"}


def _line_registry(n_demands: int) -> Registry:
    """One supply at the origin, demands every 1 km north along a meridian."""
    firms = pd.DataFrame(
        {
            "firm_id": [f"F{i}" for i in range(n_demands + 1)],
            "lat": 48.0 + np.arange(n_demands + 1) / 111.2,
            "lon": -71.0,
            "accepts_hazardous": False,
            **_FIRM_EXTRA,
        }
    )
    streams = pd.DataFrame(
        {
            "stream_id": ["S0"] + [f"D{i}" for i in range(1, n_demands + 1)],
            "firm_id": [f"F{i}" for i in range(n_demands + 1)],
            "direction": ["supply"] + ["demand"] * n_demands,
            "kind": "material",
            "category_id": ["wood_bark"] + ["biomass_fuel_wood"] * n_demands,
            "quantity_per_yr": 100.0,
            "months_mask": 4095,
            "hazardous": False,
            "description": "",
        }
    )
    return Registry(firms, streams)


def _run_k(registry: Registry, k: int) -> pd.DataFrame:
    config = MatchConfig(k_nearest=k)
    return generate_candidates(registry, tiny_rules(), config, text_vectors=fake_text_vectors)


def test_k_nearest_keeps_each_sides_nearest_union():
    reg = _line_registry(30)
    assert len(_run_k(reg, 0)) == 30
    # K=5: the supply keeps its 5 nearest, but each demand keeps its only (hence nearest) supply.
    assert len(_run_k(reg, 5)) == 30
    # A second supply 40 km south of S0: with K=1 each demand keeps only S0 (its nearest) and
    # S_SOUTH keeps only its own nearest demand, D1.
    south = pd.DataFrame(
        {
            "firm_id": ["FS"],
            "lat": [48.0 - 40 / 111.2],
            "lon": [-71.0],
            "accepts_hazardous": [False],
            **_FIRM_EXTRA,
        }
    )
    firms = pd.concat([reg.firms, south], ignore_index=True)
    extra = reg.streams.iloc[[0]].assign(stream_id="S_SOUTH", firm_id="FS")
    reg2 = Registry(firms, pd.concat([reg.streams, extra], ignore_index=True))
    assert len(_run_k(reg2, 0)) == 60
    pruned = _run_k(reg2, 1)
    assert set(pruned.loc[pruned["supply_id"] == "S_SOUTH", "demand_id"]) == {"D1"}
    assert set(pruned.loc[pruned["supply_id"] == "S0", "demand_id"]) == {f"D{i}" for i in range(1, 31)}
    assert len(_run_k(reg2, 2)) == 60  # every demand's two nearest are both supplies


def test_candidate_ids_are_unique_and_stable():
    a, b = _run(), _run()
    assert a["candidate_id"].is_unique
    pd.testing.assert_frame_equal(a, b)


def test_five_thousand_streams_run_without_pair_loops():
    rng = np.random.default_rng(7)
    n_firms, n = 1250, 5000
    firms = pd.DataFrame(
        {
            "firm_id": [f"F{i}" for i in range(n_firms)],
            "lat": 48.0 + rng.uniform(0, 1.5, n_firms),
            "lon": -72.0 + rng.uniform(0, 2, n_firms),
            "accepts_hazardous": rng.random(n_firms) < 0.2,
            **_FIRM_EXTRA,
        }
    )
    cats = np.array(
        [
            "wood_bark",
            "biomass_fuel_wood",
            "al_spent_pot_lining",
            "cement_alt_fuel",
            "blueberry_pomace",
            "compost_feedstock",
        ]
    )
    pick = rng.integers(0, 3, n) * 2 + (np.arange(n) % 2)
    streams = pd.DataFrame(
        {
            "stream_id": [f"X{i}" for i in range(n)],
            "firm_id": [f"F{i}" for i in rng.integers(0, n_firms, n)],
            "direction": np.where(pick % 2 == 0, "supply", "demand"),
            "kind": "material",
            "category_id": cats[pick],
            "quantity_per_yr": rng.uniform(10, 1000, n),
            "months_mask": rng.choice([4095, 7, 448], n),
            "hazardous": cats[pick] == "al_spent_pot_lining",
            "description": "",
        }
    )
    cands = generate_candidates(
        Registry(firms, streams), tiny_rules(), MatchConfig(k_nearest=10), text_vectors=fake_text_vectors
    )
    assert len(cands) > 1000 and cands["candidate_id"].is_unique
    assert (cands["distance_km"] <= 300.0).all()
    bark = cands[cands["rule_id"] == "R_BARK"]
    assert (bark["distance_km"] <= 100.0).all()
    assert (cands["months_overlap"] > 0).all()


@pytest.mark.parametrize("k", [1, 3, 8])
def test_k_nearest_queries_equal_brute_force_pruning(k, monkeypatch):
    """The K-nearest query path finds each stream's K nearest *feasible* partners, as enumeration does."""
    monkeypatch.setattr("symbiosis.engine._candidate_pairs.ENUMERATE_FACTOR", 0)
    rng = np.random.default_rng(k)
    n = 600
    firms = pd.DataFrame(
        {
            "firm_id": [f"F{i}" for i in range(n)],
            "lat": 48.0 + rng.uniform(0, 2, n),
            "lon": -72.0 + rng.uniform(0, 3, n),
            "accepts_hazardous": rng.random(n) < 0.3,
            **_FIRM_EXTRA,
        }
    )
    cats = np.array(["wood_bark", "biomass_fuel_wood", "al_spent_pot_lining", "cement_alt_fuel"])
    pick = rng.integers(0, 4, n)
    streams = pd.DataFrame(
        {
            "stream_id": [f"X{i}" for i in range(n)],
            "firm_id": firms["firm_id"],
            "direction": np.where(pick % 2 == 0, "supply", "demand"),
            "kind": "material",
            "category_id": cats[pick],
            "quantity_per_yr": 10.0,
            "hazardous": False,
            "description": "",
            "months_mask": rng.choice([4095, 7, 448, 56], n, p=[0.4, 0.2, 0.2, 0.2]),
            "max_distance_km": rng.choice([np.nan, 15.0, 40.0], n),
        }
    )
    reg = Registry(firms, streams)
    cfg = MatchConfig(text_similarity_threshold=1.01)
    every = generate_candidates(reg, tiny_rules(), cfg.replace(k_nearest=0))
    rank_s = every.groupby("supply_id")["great_circle_km"].rank(method="first")
    rank_d = every.groupby("demand_id")["great_circle_km"].rank(method="first")
    expected = set(every.loc[(rank_s <= k) | (rank_d <= k), "candidate_id"])
    got = generate_candidates(reg, tiny_rules(), cfg.replace(k_nearest=k))
    assert set(got["candidate_id"]) == expected


def test_hazardous_rule_blocks_sharing_a_category_stay_consistent():
    """A hazardous rule into a category another rule already indexed: its permitted sub-block is its own."""
    reg = tiny_registry()
    firms = reg.firms.assign(accepts_hazardous=reg.firms["firm_id"].isin(["F_CEM", "F_FAR"]))
    extra = (
        tiny_rules()
        .iloc[[0]]
        .assign(
            rule_id="R_SPL2", supply_category_id="al_spent_pot_lining", hazardous=True, max_transport_km=300.0
        )
    )
    rules = pd.concat([tiny_rules(), extra], ignore_index=True)
    cfg = MatchConfig(radius_km=250.0)
    cands = generate_candidates(Registry(firms, reg.streams), rules, cfg, text_vectors=fake_text_vectors)
    ids = set(cands["candidate_id"])
    assert {"S_BARK>D_BOIL", "S_SPL>D_FAR", "S_SPL>D_CEM"} <= ids
    assert "S_SPL>D_BOIL" not in ids and "S_SPL>D_OWN" not in ids  # no permit there


def test_text_similarity_same_by_matrix_or_row_products(monkeypatch):
    dense = _run().set_index("candidate_id")["text_similarity"]
    monkeypatch.setattr("symbiosis.engine._text_candidates._DENSE_SIMILARITY_MAX", 0)
    rows = _run().set_index("candidate_id")["text_similarity"]
    pd.testing.assert_series_equal(dense, rows)


def _crowded_registry() -> tuple[Registry, pd.DataFrame]:
    """A spent-pot-lining supply with 25 near outlets of one rule and one kiln 190 km away (another rule);
    the kiln itself has 25 nearer bark supplies (a third rule)."""
    n = 25
    firm_ids = ["F_SPL", "F_KILN", *[f"F_N{i}" for i in range(n)], *[f"F_B{i}" for i in range(n)]]
    lats = [
        48.0,
        48.0 + 190 / 111.2,
        *(48.0 + (1 + np.arange(n)) / 111.2),
        *(48.0 + 190 / 111.2 + (1 + np.arange(n)) / 111.2),
    ]
    firms = pd.DataFrame(
        {"firm_id": firm_ids, "lat": lats, "lon": -71.0, "accepts_hazardous": True, **_FIRM_EXTRA}
    )
    streams = pd.DataFrame(
        {
            "stream_id": ["S_SPL", "D_KILN", *[f"D_N{i}" for i in range(n)], *[f"S_B{i}" for i in range(n)]],
            "firm_id": firm_ids,
            "direction": ["supply", "demand", *["demand"] * n, *["supply"] * n],
            "kind": "material",
            "category_id": [
                "al_spent_pot_lining",
                "cement_alt_fuel",
                *["mine_backfill_material"] * n,
                *["wood_bark"] * n,
            ],
            "quantity_per_yr": 100.0,
            "months_mask": 4095,
            "hazardous": False,
            "description": "",
        }
    )
    rules = tiny_rules()
    extra = rules.iloc[[1]].assign(
        rule_id="R_BACKFILL", demand_category_id="mine_backfill_material", max_transport_km=50.0
    )
    kiln_bark = rules.iloc[[0]].assign(
        rule_id="R_BARK_KILN", demand_category_id="cement_alt_fuel", max_transport_km=100.0
    )
    far = rules.iloc[[1]].assign(max_transport_km=2000.0)
    return Registry(firms, streams), pd.concat([rules.iloc[[0]], far, extra, kiln_bark], ignore_index=True)


def test_k_nearest_is_per_rule_so_a_long_haul_outlet_survives():
    """Issue 9: the one far kiln of the SPL rule is kept though both ends have 25 nearer partners."""
    reg, rules = _crowded_registry()
    cands = generate_candidates(reg, rules, MatchConfig(k_nearest=5), text_vectors=fake_text_vectors)
    ids = set(cands["candidate_id"])
    assert "S_SPL>D_KILN" in ids
    far = cands.loc[cands["candidate_id"] == "S_SPL>D_KILN", "distance_km"].iloc[0]
    assert far == pytest.approx(190, abs=1)
    # Pruned across rules (the old way) the pair was lost: 25 nearer partners on each side, K = 5.
    # Within each rule the union still applies: every near outlet and every bark supply has only one
    # partner of its rule, so it keeps it.
    assert len(cands) == 1 + 25 + 25


def test_no_global_radius_by_default_but_an_optional_one_cuts():
    reg, rules = _crowded_registry()
    free = generate_candidates(reg, rules, MatchConfig(), text_vectors=fake_text_vectors)
    assert "S_SPL>D_KILN" in set(free["candidate_id"])
    capped = generate_candidates(reg, rules, MatchConfig(radius_km=150.0), text_vectors=fake_text_vectors)
    assert "S_SPL>D_KILN" not in set(capped["candidate_id"])


def _heat_pair(t_supply: float | None, t_demand: float | None) -> Registry:
    reg = tiny_registry()
    streams = reg.streams[reg.streams["stream_id"].isin(["S_BARK", "D_BOIL"])].copy()
    streams["kind"] = "energy"
    streams["category_id"] = np.where(streams["direction"] == "supply", "heat_hot", "heat_use")
    streams["temperature_c"] = np.where(
        streams["direction"] == "supply",
        np.nan if t_supply is None else t_supply,
        np.nan if t_demand is None else t_demand,
    )
    return Registry(reg.firms, streams)


def _heat_rule(**over: object) -> pd.DataFrame:
    """One rule from ``heat_hot`` to ``heat_use`` within 20 km, with the temperature check."""
    return (
        tiny_rules()
        .iloc[[0]]
        .assign(
            supply_category_id="heat_hot",
            demand_category_id="heat_use",
            max_transport_km=20.0,
            checks="temperature",
            **over,
        )
    )


_HEAT_CATEGORIES = pd.DataFrame(
    {
        "category_id": ["heat_hot", "heat_use"],
        "kind": "energy",
        "temperature_low_c": [60.0, 40.0],
        "temperature_high_c": [90.0, 60.0],
    }
)


@pytest.mark.parametrize(
    ("t_supply", "t_demand", "kept"),
    [
        (70.0, 60.0, True),
        (64.0, 60.0, False),
        (40.0, 60.0, False),
        (None, None, True),
        (None, 70.0, True),
        (None, 71.0, False),
        (44.0, None, False),
    ],
)
def test_heat_reaches_a_demand_only_if_hot_enough(t_supply, t_demand, kept):
    """T_supply - 5 °C >= T_demand; an undeclared supply takes its band's middle (60–90 °C: 75 °C), an
    undeclared demand its band's bottom (40–60 °C: 40 °C)."""
    rules = _heat_rule()
    cands = generate_candidates(
        _heat_pair(t_supply, t_demand),
        rules,
        MatchConfig(),
        categories=_HEAT_CATEGORIES,
        text_vectors=fake_text_vectors,
    )
    assert (len(cands) == 1) is kept
    if not kept:
        reasons = unmatched_reasons(
            _heat_pair(t_supply, t_demand),
            cands,
            rules=rules,
            config=MatchConfig(),
            categories=_HEAT_CATEGORIES,
        )
        assert set(reasons["reason_code"]) == {"temperature"}


_HEAT_RETURN_CATEGORIES = _HEAT_CATEGORIES.assign(temperature_return_c=[np.nan, 20.0])


@pytest.mark.parametrize(
    ("t_supply", "share"),
    [
        (70.0, 1.0),  # 70 - 5 >= 60: heat exchanged directly
        (64.0, (59 - 20) / (60 - 20)),  # 59 °C lifts the 20 °C return to 59 of the 60 °C: a preheat
        (40.0, (35 - 20) / (60 - 20)),  # 35 °C still covers 37.5 % of the duty
        (30.0, None),  # 25 °C covers 12.5 % (< 25 %): refused
        (20.0, None),  # no warmer than the return: refused
    ],
)
def test_a_colder_supply_preheats_a_use_that_has_a_return_temperature(t_supply, share):
    """Below T_demand + 5 °C, a supply lifts the use's return (20 °C here) up to T_supply - 5 °C: a
    candidate for that share of the duty, its link capped at that share of the demand (800 MWh)."""
    rules = _heat_rule(yield_ratio=1.0)
    registry = _heat_pair(t_supply, 60.0)
    cands = generate_candidates(
        registry, rules, MatchConfig(), categories=_HEAT_RETURN_CATEGORIES, text_vectors=fake_text_vectors
    )
    if share is None:
        assert cands.empty
        reasons = unmatched_reasons(
            registry, cands, rules=rules, config=MatchConfig(), categories=_HEAT_RETURN_CATEGORIES
        )
        assert set(reasons["reason_code"]) == {"temperature"}
        return
    [row] = cands.to_dict("records")
    assert row["heat_share"] == pytest.approx(share)
    assert row["max_flow_per_yr"] == pytest.approx(min(1000.0, 800.0 * share))
    # preheating off, or a use with no known return temperature: only the direct exchange remains
    off = generate_candidates(
        registry,
        rules,
        MatchConfig(preheat_min_share=1.0),
        categories=_HEAT_RETURN_CATEGORIES,
        text_vectors=fake_text_vectors,
    )
    unknown = generate_candidates(
        registry, rules, MatchConfig(), categories=_HEAT_CATEGORIES, text_vectors=fake_text_vectors
    )
    assert len(off) == len(unknown) == (share == 1.0)


def test_preheat_min_share_is_a_share():
    for bad in (0.0, -0.1, 1.5, float("nan")):
        with pytest.raises(ValueError, match="preheat_min_share"):
            MatchConfig(preheat_min_share=bad)


def test_diagnose_pairs_names_the_first_failing_check_of_known_pairs():
    from symbiosis.engine.candidates import diagnose_pairs

    pairs = pd.DataFrame(
        {
            "supply_id": ["S_BARK", "S_BARK", "S_BLUE", "S_SPL", "S_TEXT", "S_NONE"],
            "demand_id": ["D_BOIL", "D_FAR", "D_COMP", "D_KILN", "D_BOIL", "D_BOIL"],
        }
    )
    got = diagnose_pairs(tiny_registry(), pairs, rules=tiny_rules(), config=MatchConfig())
    assert got.tolist() == ["ok", "too_far", "season", "hazardous_refused", "no_rule", "missing_stream"]


def test_a_generic_identity_rule_pairs_only_the_same_waste_code():
    reg = tiny_registry()
    streams = reg.streams[reg.streams["stream_id"].isin(["S_BARK", "D_BOIL"])].copy()
    streams["category_id"] = "low_0501_haz"
    rules = (
        tiny_rules()
        .iloc[[0]]
        .assign(supply_category_id="low_0501_haz", demand_category_id="low_0501_haz", checks="waste_code")
    )

    def codes(supply: str, demand: str) -> pd.DataFrame:
        return generate_candidates(
            Registry(
                reg.firms,
                streams.assign(waste_code=np.where(streams["direction"] == "supply", supply, demand)),
            ),
            rules,
            MatchConfig(),
            text_vectors=fake_text_vectors,
        )

    assert len(codes("050106", "050106")) == 1
    assert len(codes("050106", "")) == 1  # a side without a code: the sub-chapter decides
    assert codes("050106", "050111").empty


def _inferred_registry(alternatives: str) -> Registry:
    """A bark supply whose category was inferred wrongly (sawdust), with bark among its runner-ups."""
    reg = tiny_registry()
    streams = reg.streams[reg.streams["stream_id"].isin(["S_BARK", "D_BOIL", "D_KILN"])].copy()
    bark = streams["stream_id"] == "S_BARK"
    streams.loc[bark, "category_id"] = "textile_offcuts"
    streams["category_source"] = np.where(bark, "inferred", "given")
    streams["category_alternatives"] = np.where(bark, alternatives, "")
    return Registry(reg.firms, streams)


def test_an_inferred_category_is_also_matched_under_its_runner_ups_and_flagged():
    cands = generate_candidates(
        _inferred_registry("wood_bark|plastic_mixed"),
        tiny_rules(),
        MatchConfig(),
        text_vectors=fake_text_vectors,
    ).set_index("candidate_id")
    assert cands.loc["S_BARK>D_BOIL", "category_alternative"]
    assert cands.loc["S_BARK>D_BOIL", "supply_category_id"] == "wood_bark"
    assert cands.index.is_unique  # one candidate per pair, whatever the categories tried
    none = generate_candidates(
        _inferred_registry("wood_bark"),
        tiny_rules(),
        MatchConfig(inferred_alternatives=0),
        text_vectors=fake_text_vectors,
    )
    assert "S_BARK>D_BOIL" not in set(none["candidate_id"])


def test_runner_ups_of_another_kind_or_of_a_given_category_are_not_used():
    reg = _inferred_registry("heat_low_30_60c|wood_bark")  # heat is energy, the stream is a material
    cands = generate_candidates(
        reg, tiny_rules(), MatchConfig(inferred_alternatives=1), text_vectors=fake_text_vectors
    )
    assert "S_BARK>D_BOIL" not in set(cands["candidate_id"])
    given = Registry(reg.firms, reg.streams.assign(category_source="given"))
    assert generate_candidates(given, tiny_rules(), MatchConfig(), text_vectors=fake_text_vectors).empty


def test_a_pair_under_the_streams_own_categories_wins_over_a_runner_up():
    reg = _inferred_registry("wood_bark")
    streams = reg.streams.copy()
    streams.loc[streams["stream_id"] == "S_BARK", "category_id"] = "wood_bark"
    cands = generate_candidates(
        Registry(reg.firms, streams), tiny_rules(), MatchConfig(), text_vectors=fake_text_vectors
    ).set_index("candidate_id")
    assert not cands.loc["S_BARK>D_BOIL", "category_alternative"]


def test_no_close_descriptions_skip_the_pair_enumeration(monkeypatch):
    """Text pairs are enumerated only between streams whose descriptions are close (never every same-kind
    pair within reach, millions at 100,000 streams), and not at all when no two descriptions are."""
    import symbiosis.engine._candidate_pairs as pairs

    def refuse(*args, **kwargs):
        raise AssertionError("every same-kind pair within reach was enumerated")

    monkeypatch.setattr(pairs, "text_pairs", refuse)
    assert "S_TEXT>D_RAGS" in set(_run(MatchConfig(text_similarity_threshold=0.99))["candidate_id"])

    def orthogonal(texts):  # every description its own axis: nothing is close to anything else
        return sp.identity(len(texts), format="csr")

    cands = generate_candidates(
        tiny_registry(), tiny_rules(), MatchConfig(text_similarity_threshold=0.5), text_vectors=orthogonal
    )
    assert not cands["match_basis"].eq("text").any()
