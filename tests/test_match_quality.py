"""Issue 10, hand-built cases: quality specs, today's fate, internal reuse, seasons, water, permits.

Each case is small enough to check by hand with the shipped knowledge base (rules, categories,
factors and baselines); the figures in the comments are the hand computation.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.pipeline import make_resolver, offered_rows, run
from symbiosis.registry import Registry
from symbiosis.results import explanation_texts
from symbiosis.schemas import FIRMS
from tests._registry_helpers import firm, stream

JUN_SEP = 0b0000_1111_0000
JUL_AUG = 0b0000_1100_0000
#: 0.01° of latitude ≈ 1.1 km: every pair below is within a few km.
LAT, LON = 48.42, -71.06


def _firms(*ids: str, **over: dict) -> pd.DataFrame:
    rows = [firm(f, f, "Saguenay", LAT + 0.01 * i, LON, **over.get(f, {})) for i, f in enumerate(ids)]
    return pd.DataFrame(rows)[FIRMS.names]


def _energy(stream_id: str, firm_id: str, direction: str, category: str, mwh: float, **over) -> dict:
    return stream(
        stream_id,
        firm_id,
        direction,
        category,
        mwh,
        kind="energy",
        unit_as_typed="MWh/an",
        quantity_unit="MWh/yr",
        mass_t_per_yr=float("nan"),
        **over,
    )


def _water(stream_id: str, firm_id: str, direction: str, category: str, m3: float, **over) -> dict:
    return stream(
        stream_id,
        firm_id,
        direction,
        category,
        m3,
        kind="water",
        unit_as_typed="m³/an",
        quantity_unit="m3/yr",
        **over,
    )


def _registry(firms: pd.DataFrame, rows: list[dict], permits: pd.DataFrame | None = None) -> Registry:
    return Registry(firms, pd.DataFrame(rows), permits).validate()


def _result(registry: Registry, config: MatchConfig | None = None):
    return run(registry, config or MatchConfig())


def _reason(result, stream_id: str) -> str:
    both = pd.concat([result.unmatched_supplies, result.unmatched_demands])
    return str(both.set_index("stream_id").loc[stream_id, "reason_code"])


# -- 1. quality specifications -------------------------------------------------------------------


def test_dross_does_not_reach_a_98_percent_clean_scrap_demand():
    reg = _registry(
        _firms("SMELT", "CAST", accepts={}),
        [
            stream(
                "DROSS",
                "SMELT",
                "supply",
                "al_dross",
                2000,
                purity_pct=65.0,
                hazardous=True,
                disposal_cost_cad_per_unit=150.0,
                current_fate="landfill",
            ),
            stream(
                "SCRAP",
                "CAST",
                "demand",
                "al_remelt_feedstock",
                5000,
                min_purity_pct=98.0,
                purchase_price_cad_per_unit=2100.0,
            ),
        ],
    )
    reg = Registry(reg.firms.assign(accepts_hazardous=True), reg.streams).validate()
    result = _result(reg)
    assert result.exchanges.empty and result.candidates.empty
    assert _reason(result, "DROSS") == "quality_spec" and _reason(result, "SCRAP") == "quality_spec"
    # The same dross without a declared purity is a candidate flagged "purity to confirm", not a pass.
    open_reg = Registry(reg.firms, reg.streams.assign(purity_pct=float("nan"))).validate()
    cands = _result(open_reg).candidates
    assert list(cands["spec_unknown"]) == ["purity"]


def test_40c_heat_does_not_reach_a_60c_demand_but_80c_heat_does():
    reg = _registry(
        _firms("PLANT", "GREEN", "DRY"),
        [
            _energy("HEAT40", "PLANT", "supply", "heat_low_30_60c", 5000, temperature_c=40.0),
            _energy("HEAT80", "DRY", "supply", "heat_medium_60_90c", 5000, temperature_c=80.0),
            _energy(
                "NEED60",
                "GREEN",
                "demand",
                "heat_greenhouse",
                3000,
                min_temperature_c=60.0,
                purchase_price_cad_per_unit=45.0,
            ),
        ],
    )
    ids = set(_result(reg).candidates["candidate_id"])
    assert "HEAT40>NEED60" not in ids and "HEAT80>NEED60" in ids


def test_wet_sawdust_does_not_reach_a_dry_bedding_demand():
    reg = _registry(
        _firms("SAW", "FARM"),
        [
            stream("WET", "SAW", "supply", "wood_sawdust", 500, moisture_pct=45.0),
            stream("DRYS", "SAW", "supply", "wood_shavings", 500, moisture_pct=12.0),
            stream("BED", "FARM", "demand", "animal_bedding", 300, max_moisture_pct=20.0),
        ],
    )
    ids = set(_result(reg).candidates["candidate_id"])
    assert "WET>BED" not in ids and "DRYS>BED" in ids


# -- 2. today's fate, the baseline -----------------------------------------------------------------


def _spl_registry(fee: float = 450.0, fate_cost: float = 600.0) -> Registry:
    firms = _firms("SMELT", "UTB")
    permits = pd.DataFrame(
        [
            {
                "permit_id": "P1",
                "firm_id": "UTB",
                "permit_type": "hazardous_materials",
                "reference": "RMD 7610-02-01-0001",
                "categories": "al_spent_pot_lining",
                "waste_codes": "",
                "valid_until": pd.NaT,
                "conditions": "",
            }
        ]
    )
    return _registry(
        firms,
        [
            stream(
                "SPL",
                "SMELT",
                "supply",
                "al_spent_pot_lining",
                1000,
                hazardous=True,
                current_fate="paid_treatment",
                disposal_cost_cad_per_unit=fate_cost,
            ),
            stream(
                "PLANT",
                "UTB",
                "demand",
                "al_spent_pot_lining",
                30000,
                current_use="treatment_service",
                gate_fee_cad_per_unit=fee,
            ),
        ],
        permits,
    )


def test_a_treatment_plant_is_paid_its_gate_fee_not_credited_a_purchase():
    ex = _result(_spl_registry()).exchanges
    assert len(ex) == 1
    row = ex.iloc[0]
    q = row["flow_per_yr"]
    assert q == pytest.approx(1000.0)
    assert row["avoided_purchase_cad_per_yr"] == 0.0  # it buys no SPL
    assert row["gate_fee_cad_per_yr"] == pytest.approx(450.0 * q)  # its value: the fee it charges
    assert row["avoided_disposal_cad_per_yr"] == pytest.approx(600.0 * q)  # the smelter's former fate
    net = 600.0 * q - 450.0 * q - row["transport_cost_cad_per_yr"] - row["pretreatment_cost_cad_per_yr"]
    assert row["net_value_cad_per_yr"] == pytest.approx(net)
    assert row["diverted_t_per_yr"] == 0.0 and row["co2e_virgin_avoided_t_per_yr"] == 0.0
    assert row["pathway"] == "hazmat_permit" and row["permit_reference"] == "RMD 7610-02-01-0001"
    text = explanation_texts(ex, "fr").iloc[0]
    assert "redevance" in text and "RMD 7610-02-01-0001" in text and "matières dangereuses" in text


def test_sending_spl_to_the_plant_it_already_pays_is_no_proposal():
    # Today's fate is this very treatment at the same fee: nothing changes, nothing is proposed.
    result = _result(_spl_registry(fee=450.0, fate_cost=450.0))
    assert result.exchanges.empty
    assert _reason(result, "SPL") == "unprofitable"


def test_a_by_product_already_sold_is_not_diverted():
    reg = _registry(
        _firms("SAW", "PULP"),
        [
            stream(
                "CHIPS",
                "SAW",
                "supply",
                "wood_chips",
                10000,
                current_fate="sold_byproduct",
                disposal_cost_cad_per_unit=-55.0,
            ),
            stream("MILL", "PULP", "demand", "wood_chips", 50000, purchase_price_cad_per_unit=90.0),
        ],
    )
    row = _result(reg).exchanges.iloc[0]
    assert row["diverted_t_per_yr"] == 0.0 and row["co2e_disposal_avoided_t_per_yr"] == 0.0
    assert row["avoided_disposal_cad_per_yr"] == pytest.approx(-55.0 * row["flow_per_yr"])  # lost sale
    assert row["disposal_factor_id"] == "byproduct_already_used"


@pytest.mark.parametrize(
    ("fate", "factor_id", "kg_per_t"),
    [("land_spreading", "land_spreading_organic", 5.0), ("landfill", "landfill_organics", 630.0)],
)
def test_whey_co2e_uses_its_declared_fate(fate, factor_id, kg_per_t):
    reg = _registry(
        _firms("DAIRY", "BIOGAS"),
        [
            stream(
                "WHEY", "DAIRY", "supply", "whey", 1000, current_fate=fate, disposal_cost_cad_per_unit=25.0
            ),
            stream("DIGEST", "BIOGAS", "demand", "biogas_feedstock", 20000, gate_fee_cad_per_unit=10.0),
        ],
    )
    row = _result(reg).exchanges.iloc[0]
    assert row["disposal_factor_id"] == factor_id
    assert row["co2e_disposal_avoided_t_per_yr"] == pytest.approx(row["flow_per_yr"] * kg_per_t / 1000)
    assert row["diverted_t_per_yr"] == (row["flow_per_yr"] if fate == "landfill" else 0.0)


def test_whey_without_a_declared_fate_takes_the_category_default_and_says_so():
    reg = _registry(
        _firms("DAIRY", "BIOGAS"),
        [
            stream("WHEY", "DAIRY", "supply", "whey", 1000),
            stream("DIGEST", "BIOGAS", "demand", "biogas_feedstock", 20000, gate_fee_cad_per_unit=0.0),
        ],
    )
    row = _result(reg).exchanges.iloc[0]
    assert (row["supply_fate"], row["supply_fate_source"]) == ("land_spreading", "category_default")
    assert row["avoided_disposal_cad_per_unit"] == pytest.approx(10.0)  # baselines.csv, not 110 $/t
    assert "défaut de la catégorie" in explanation_texts(pd.DataFrame([row]), "fr").iloc[0]


def test_clean_soil_is_not_charged_the_landfill_fee_and_lime_mud_earns_no_liming_credit():
    reg = _registry(
        _firms("DIG", "SITE", "MILL", "FARM"),
        [
            stream("SOIL", "DIG", "supply", "cd_soil_clean", 5000),
            stream("FILL", "SITE", "demand", "fill_material", 5000, purchase_price_cad_per_unit=12.0),
            stream("MUD", "MILL", "supply", "pulp_lime_mud", 1000),
            stream("LIME", "FARM", "demand", "liming_agent", 1000, purchase_price_cad_per_unit=45.0),
        ],
    )
    ex = _result(reg).candidates.set_index("candidate_id")
    soil, mud = ex.loc["SOIL>FILL"], ex.loc["MUD>LIME"]
    assert soil["avoided_disposal_cad_per_unit"] == pytest.approx(10.0)
    assert (mud["material_class"], mud["disposal_factor_id"]) == ("inert", "landfill_lime_mud")
    assert mud["virgin_factor_id"] == "lime_mud_liming"  # quarrying only: 15 kg, not 440 kg
    assert mud["co2e_virgin_avoided_t_per_yr"] == pytest.approx(
        mud["max_flow_per_yr"] * 0.015 * mud["yield_ratio"]
    )


# -- 3. internal reuse ----------------------------------------------------------------------------


def test_internal_pairs_are_out_of_the_kpis_and_listed_apart():
    rows = [
        stream("BARK", "SAW", "supply", "wood_bark", 1000, disposal_cost_cad_per_unit=40.0),
        stream("OWN", "SAW", "demand", "biomass_fuel_wood", 500, purchase_price_cad_per_unit=50.0),
        stream("BOIL", "HEAT", "demand", "biomass_fuel_wood", 300, purchase_price_cad_per_unit=50.0),
    ]
    reg = _registry(_firms("SAW", "HEAT"), rows)
    result = _result(reg)
    assert not result.exchanges["internal"].any()
    assert set(result.exchanges["candidate_id"]) == {"BARK>BOIL"}
    assert result.kpis.n_exchanges == 1 and result.kpis.n_firms_engaged == 2
    assert list(result.internal_opportunities["candidate_id"]) == ["BARK>OWN"]
    assert _reason(result, "OWN") == "internal_only"
    flagged = _result(reg, MatchConfig(internal_policy="flag"))
    assert "BARK>OWN" in set(flagged.exchanges["candidate_id"]) and flagged.internal_opportunities.empty


def _scrap(stream_id: str, firm_id: str, direction: str, qty: float) -> dict:
    price = {"disposal_cost_cad_per_unit": 20.0} if direction == "supply" else {}
    if direction == "demand":
        price = {"purchase_price_cad_per_unit": 300.0}
    return stream(stream_id, firm_id, direction, "ferrous_scrap", qty, **price)


def test_two_firms_never_swap_a_material_each_can_reuse_itself():
    """Issue 9: A's scrap to B while B's scrap goes to A counted each leg's avoided disposal and
    purchase twice over and paid two trucks; each firm remelting its own does the same without them.
    By hand: both own pairs carry 100 t at no transport, so no exchange is proposed, every stream is
    "better used within the firm", and the allocation's objective is the two own reuses' gain."""
    rows = [
        _scrap("A-OUT", "A", "supply", 100),
        _scrap("A-IN", "A", "demand", 100),
        _scrap("B-OUT", "B", "supply", 100),
        _scrap("B-IN", "B", "demand", 100),
    ]
    reg = _registry(_firms("A", "B"), rows)
    result = _result(reg)
    assert result.exchanges.empty and result.kpis.n_exchanges == 0
    assert result.kpis.net_value_cad_per_yr == 0.0
    own = result.internal_opportunities.set_index("candidate_id")
    assert sorted(own.index) == ["A-OUT>A-IN", "B-OUT>B-IN"]
    assert own["allocated_per_yr"].tolist() == pytest.approx([100.0, 100.0])
    assert result.allocation.objective == pytest.approx((own["gain_per_unit"] * 100.0).sum(), rel=1e-6)
    for stream_id in ("A-OUT", "A-IN", "B-OUT", "B-IN"):
        assert _reason(result, stream_id) == "used_internally"
    # leaving same-firm pairs out altogether is what proposed the swap
    swapped = _result(reg, MatchConfig(internal_policy="exclude"))
    assert set(swapped.exchanges["candidate_id"]) == {"A-OUT>B-IN", "B-OUT>A-IN"}


def test_a_loop_through_a_purifier_is_not_taken_for_a_swap():
    """A sends its impure residue to B, B sends back a product declared 99 % pure: the same category
    both ways, but not interchangeable (A's own residue declares no purity), so no own reuse is
    imposed and both exchanges stay; with the same purity declared on both, the swap is repaired."""
    rows = [
        _scrap("A-OUT", "A", "supply", 100),
        _scrap("A-IN", "A", "demand", 100),
        {**_scrap("B-OUT", "B", "supply", 100), "purity_pct": 99.0},
        _scrap("B-IN", "B", "demand", 100),
    ]
    loop = _result(_registry(_firms("A", "B"), rows))
    assert set(loop.exchanges["candidate_id"]) == {"A-OUT>B-IN", "B-OUT>A-IN"}
    assert not loop.internal_opportunities["competed"].any()
    rows[0] = {**rows[0], "purity_pct": 99.0}
    alike = _result(_registry(_firms("A", "B"), rows))
    assert alike.exchanges.empty and alike.internal_opportunities["competed"].all()


def test_a_firms_own_reuse_is_listed_not_imposed_when_nothing_is_swapped():
    """A throws away 100 t of scrap and buys 150 t; B throws away 100 t. No swap: B's 100 t go to A,
    and A's own reuse is listed apart for the advisor (A may have a reason not to remelt its own), not
    imposed; closing B loses that exchange, the same whether the whole run is redone or only the
    allocation of the first run's rows."""
    rows = [_scrap("A-OUT", "A", "supply", 100), _scrap("A-IN", "A", "demand", 150)]
    rows.append(_scrap("B-OUT", "B", "supply", 100))
    reg = _registry(_firms("A", "B"), rows)
    result = _result(reg)
    flows = result.exchanges.set_index("candidate_id")["flow_per_yr"]
    assert flows.to_dict() == pytest.approx({"B-OUT>A-IN": 100.0})
    own = result.internal_opportunities.set_index("candidate_id")
    assert list(own.index) == ["A-OUT>A-IN"] and not own["competed"].any()
    assert own["allocated_per_yr"].tolist() == [0.0]
    assert _reason(result, "A-OUT") == "internal_only"
    rerun = make_resolver(reg, result.config)("B")
    fast = make_resolver(reg, result.config, scored=offered_rows(result))("B")
    assert rerun.net_value_cad_per_yr == pytest.approx(0.0, abs=1e-6)
    assert fast.net_value_cad_per_yr == pytest.approx(rerun.net_value_cad_per_yr, abs=1e-6)


def test_the_resolver_counts_nothing_for_the_own_reuses_that_replace_a_swap():
    """Three foundries, A and B each with 100 t of scrap out and in, C buying 50 t: the swap A ⇄ B is
    replaced by both own reuses, and neither the run nor a re-allocation without C counts them."""
    rows = [
        _scrap(f"{f}-{d}", f, x, 100) for f in ("A", "B") for d, x in (("OUT", "supply"), ("IN", "demand"))
    ]
    rows.append(_scrap("C-IN", "C", "demand", 50))
    reg = _registry(_firms("A", "B", "C"), rows)
    result = _result(reg)
    own = result.internal_opportunities.set_index("candidate_id")
    assert own["competed"].all() and own["allocated_per_yr"].tolist() == pytest.approx([100.0, 100.0])
    offered = offered_rows(result)
    assert set(offered.loc[offered["internal"], "candidate_id"]) == {"A-OUT>A-IN", "B-OUT>B-IN"}
    rerun = make_resolver(reg, result.config)("C")
    fast = make_resolver(reg, result.config, scored=offered)("C")
    assert rerun.net_value_cad_per_yr == pytest.approx(0.0, abs=1e-6)
    assert fast.net_value_cad_per_yr == pytest.approx(0.0, abs=1e-6)
    assert fast.co2e_avoided_t_per_yr == pytest.approx(rerun.co2e_avoided_t_per_yr, abs=1e-9)


# -- 4. seasons bound the flow --------------------------------------------------------------------


def test_a_june_september_supply_sends_at_most_its_july_august_share():
    reg = _registry(
        _firms("FARM", "COMP"),
        [
            stream(
                "POMACE",
                "FARM",
                "supply",
                "blueberry_pomace",
                200,
                availability="seasonal",
                months_mask=JUN_SEP,
                current_fate="landfill",
                disposal_cost_cad_per_unit=90.0,
            ),
            stream(
                "SITE",
                "COMP",
                "demand",
                "compost_feedstock",
                5000,
                availability="seasonal",
                months_mask=JUL_AUG,
                gate_fee_cad_per_unit=40.0,
            ),
        ],
    )
    result = _result(reg)
    cand = result.candidates.iloc[0]
    assert cand["max_flow_per_yr"] == pytest.approx(100.0)  # 200 t × 2 of its 4 months
    assert result.exchanges.iloc[0]["flow_per_yr"] == pytest.approx(100.0)
    assert "juil., août" in explanation_texts(result.exchanges, "fr").iloc[0]


# -- 5. water flows -------------------------------------------------------------------------------


def test_a_water_exchange_is_allocated():
    reg = _registry(
        _firms("SMELT", "FISH"),
        [
            _water("COOL", "SMELT", "supply", "water_cooling", 500_000, temperature_c=30.0),
            _water("TANK", "FISH", "demand", "water_process_clean", 400_000, purchase_price_cad_per_unit=0.5),
        ],
    )
    ex = _result(reg).exchanges
    assert len(ex) == 1 and ex.iloc[0]["kind"] == "water"
    assert ex.iloc[0]["flow_per_yr"] == pytest.approx(400_000)
    assert ex.iloc[0]["pretreatment_cost_cad_per_yr"] == 0.0  # piping: the pipe is priced as transport


# -- 7. permits -----------------------------------------------------------------------------------


def test_a_regulated_stream_only_reaches_a_receiver_whose_authorisation_covers_it():
    firms = _firms("DAIRY", "FARM_A", "FARM_B")
    rows = [
        stream("WHEY", "DAIRY", "supply", "whey", 1000, current_fate="land_spreading"),
        stream(
            "FEED_A", "FARM_A", "demand", "animal_feed_ingredient", 500, purchase_price_cad_per_unit=180.0
        ),
        stream(
            "FEED_B", "FARM_B", "demand", "animal_feed_ingredient", 500, purchase_price_cad_per_unit=180.0
        ),
    ]
    permits = pd.DataFrame(
        [
            {
                "permit_id": "A1",
                "firm_id": "FARM_A",
                "permit_type": "cfia_feed",
                "reference": "ACIA 12345",
                "categories": "whey|brewers_spent_grain",
                "waste_codes": "",
                "valid_until": pd.NaT,
                "conditions": "",
            },
            {
                "permit_id": "B1",
                "firm_id": "FARM_B",
                "permit_type": "cfia_feed",
                "reference": "ACIA 999",
                "categories": "brewers_spent_grain",
                "waste_codes": "",
                "valid_until": pd.NaT,
                "conditions": "",
            },
        ]
    )
    result = _result(_registry(firms, rows, permits))
    cands = result.candidates.set_index("candidate_id")
    assert list(cands.index) == ["WHEY>FEED_A"]
    assert cands.loc["WHEY>FEED_A", "permit_reference"] == "ACIA 12345"
    assert _reason(result, "FEED_B") == "permit_missing"
    # Without any authorisation table the pathway is named, not enforced.
    open_reg = _registry(firms, rows)
    both = _result(open_reg).candidates
    assert set(both["candidate_id"]) == {"WHEY>FEED_A", "WHEY>FEED_B"}
    assert set(both["pathway"]) == {"cfia_feed"}


def test_an_expired_authorisation_covers_nothing():
    reg = _spl_registry()
    permits = reg.permits.assign(valid_until=pd.Timestamp("2020-12-31"))
    result = _result(Registry(reg.firms, reg.streams, permits).validate())
    assert result.exchanges.empty and _reason(result, "SPL") in ("hazardous_refused", "permit_missing")


def test_kpis_are_finite():
    kpis = _result(_spl_registry()).kpis.scalars()
    assert all(math.isfinite(float(v)) for v in kpis.values())


# -- the ledger, against the baseline -----------------------------------------------------------


def test_every_ledger_figure_of_a_synergy_recomputed_by_hand_against_its_baseline():
    """Whey spread on fields today (declared, 12 $/t) goes to a digester that charges 2 $/t."""
    from symbiosis.synergy.ledger import INDICATORS, ledger_lines
    from symbiosis.synergy.records import proposal_rows

    reg = _registry(
        _firms("DAIRY", "BIOGAS"),
        [
            stream(
                "WHEY",
                "DAIRY",
                "supply",
                "whey",
                2000,
                current_fate="land_spreading",
                disposal_cost_cad_per_unit=12.0,
            ),
            stream("DIGEST", "BIOGAS", "demand", "biogas_feedstock", 20000, gate_fee_cad_per_unit=2.0),
        ],
    )
    result = _result(reg)
    rows = pd.DataFrame(proposal_rows(result.exchanges, result.config)).assign(status="proposed")
    got = dict(ledger_lines(rows)[["indicator", "value"]].itertuples(index=False, name=None))
    ex = result.exchanges.iloc[0]
    q, km = 2000.0, float(ex["road_distance_km"])  # t/yr; road km = 1.3 × crow-fly
    trips = q / 25  # density of whey (1.03 t/m3): mass decides
    hand = {
        "tonnes_exchanged": q,
        "diverted_from_landfill": 0.0,  # spread today: not diverted
        "co2e_disposal_avoided": q * 5 / 1000,  # land_spreading_organic: 5 kg CO2e/t
        "co2e_virgin_avoided": 0.0,  # a digester buys no virgin input
        "co2e_transport": q * km * 0.1 / 1000,
        "avoided_disposal_cad": q * 12,  # the declared cost of spreading
        "avoided_purchase_cad": 0.0,
        "revenue_cad": 0.0,
        "transport_cost_cad": q * km * 0.18 + trips * 150,
        "treatment_cost_cad": 0.0,  # rule KB0102: no pre-treatment
        "virgin_material_saved": q,
        "water_saved": 0.0,
        "gate_fee_cad": q * 2,  # the digester's revenue, the dairy's cost
    }
    hand["co2e_avoided"] = hand["co2e_disposal_avoided"] - hand["co2e_transport"]
    hand["net_savings_cad"] = hand["avoided_disposal_cad"] - hand["transport_cost_cad"] - hand["gate_fee_cad"]
    assert set(got) == set(hand) == {i.name for i in INDICATORS}
    for name, value in hand.items():
        assert got[name] == pytest.approx(value, abs=1e-9), name
    # The ledger and the engine agree on the same exchange.
    assert got["net_savings_cad"] == pytest.approx(ex["net_value_cad_per_yr"])
    assert got["co2e_avoided"] == pytest.approx(ex["co2e_avoided_t_per_yr"])


# -- 6. prospecting ------------------------------------------------------------------------------


def test_prospect_leads_for_a_firm_with_no_stream_are_inferred_and_out_of_the_kpis():
    from symbiosis.engine.prospects import prospect_leads
    from symbiosis.kb import load_categories, load_rules

    firms = _firms("SAW", "PELLET", "BOIL")
    firms.loc[firms["firm_id"] == "SAW", "scian_code"] = "321111"  # SCIAN Canada sawmills, not US 321113
    reg = _registry(
        firms,
        [
            stream("FEED", "PELLET", "demand", "pellet_feedstock", 50000, purchase_price_cad_per_unit=40.0),
            stream("FUEL", "BOIL", "demand", "biomass_fuel_wood", 20000, purchase_price_cad_per_unit=35.0),
        ],
    )
    leads = prospect_leads(reg, rules=load_rules(), categories=load_categories())
    assert set(leads["prospect_firm_id"]) == {"SAW"} and leads["inferred"].all()
    assert {"wood_sawdust", "wood_bark"} <= set(leads["prospect_category_id"])
    assert set(leads["partner_stream_id"]) <= {"FEED", "FUEL"}
    result = _result(reg)
    assert result.exchanges.empty and result.kpis.n_exchanges == 0  # leads never become exchanges
