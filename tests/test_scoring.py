"""Scoring: one candidate computed by hand term by term, transport by kind, monotone value in distance."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbiosis.engine.candidates import generate_candidates
from symbiosis.engine.config import MatchConfig, TransportConfig
from symbiosis.engine.factors import load_factors
from symbiosis.engine.scoring import SCORE_COLUMNS, score_candidates
from symbiosis.registry import Registry
from tests.test_candidates_fixtures import fake_text_vectors, tiny_registry, tiny_rules

CATEGORIES = pd.DataFrame(
    {
        "category_id": [
            "wood_bark",
            "biomass_fuel_wood",
            "al_spent_pot_lining",
            "cement_alt_fuel",
            "textile_offcuts",
            "wiping_rags_clean",
            "heat_low_30_60c",
            "heat_greenhouse",
        ],
        "family": [
            "wood_forestry",
            "wood_forestry",
            "aluminium_residues",
            "mineral_ashes",
            "textiles",
            "textiles",
            "energy_heat",
            "energy_heat",
        ],
        "kind": ["material"] * 6 + ["energy"] * 2,
        "default_density_t_per_m3": [0.35, 0.3, 1.2, 0.5, 0.15, 0.2, np.nan, np.nan],
    }
)


@cache
def _factors() -> pd.DataFrame:
    return load_factors()


@cache
def _bark_row() -> pd.DataFrame:
    base = generate_candidates(tiny_registry(), tiny_rules(), MatchConfig(), text_vectors=fake_text_vectors)
    return base[base["candidate_id"] == "S_BARK>D_BOIL"]


def _scored(config: MatchConfig | None = None, registry: Registry | None = None) -> pd.DataFrame:
    config = config or MatchConfig()
    registry = registry or tiny_registry()
    cands = generate_candidates(registry, tiny_rules(), config, text_vectors=fake_text_vectors)
    return score_candidates(
        cands, registry, config, factors=load_factors(), rules=tiny_rules(), categories=CATEGORIES
    ).set_index("candidate_id")


def test_one_candidate_by_hand_every_term():
    row = _scored().loc["S_BARK>D_BOIL"]
    road = 1.3 * row["distance_km"]
    flow = 800 / 0.9
    assert row["road_distance_km"] == pytest.approx(road)
    # Trips per tonne: mass-limited, 1/25 t, beats volume 1/0.35 m3 / 90 m3 = 0.0317.
    assert row["trips_per_unit"] == pytest.approx(1 / 25)
    assert row["trucks_per_yr"] == 36  # ceil(888.9 / 25)
    assert row["t_km_per_yr"] == pytest.approx(flow * road)
    transport = 0.18 * road + 150 / 25  # $/t·km × km + $/trip × trips per t
    assert row["transport_cost_cad_per_unit"] == pytest.approx(transport)
    assert row["pretreatment_cost_cad_per_unit"] == pytest.approx(20.0)  # grinding
    assert row["avoided_disposal_cad_per_unit"] == pytest.approx(40.0)  # declared
    assert row["avoided_purchase_cad_per_unit"] == pytest.approx(0.9 * 50.0)  # yield × price
    net = 40 + 45 - transport - 20
    assert row["net_value_cad_per_unit"] == pytest.approx(net)
    assert row["net_value_cad_per_yr"] == pytest.approx(net * flow)
    assert row["diverted_t_per_yr"] == pytest.approx(flow)
    assert row["co2e_disposal_avoided_t_per_yr"] == pytest.approx(0.300 * flow)  # landfill_wood 300 kg/t
    assert row["co2e_virgin_avoided_t_per_yr"] == pytest.approx(0.040 * 0.9 * flow)  # virgin chips 40 kg/t
    assert row["co2e_transport_t_per_yr"] == pytest.approx(0.0001 * road * flow)  # 0.1 kg/t·km
    co2 = (300 + 36 - 0.1 * road) / 1000
    assert row["co2e_avoided_t_per_unit"] == pytest.approx(co2)
    assert row["gain_per_unit"] == pytest.approx(net + co2 * 40.0)  # w_value 1, w_co2 1 × 40 $/t
    assert (row["disposal_factor_id"], row["virgin_factor_id"]) == ("landfill_wood", "virgin_wood_chips")


def test_defaults_fill_missing_prices_and_weights_combine():
    cfg = MatchConfig().replace(weights={"value": 0.0, "co2": 0.0, "tonnes": 1.0})
    scored = _scored(cfg)
    row = scored.loc["S_SPL>D_CEM"]
    # SPL's category default baseline is a paid treatment (scenario default 150 $/t), not landfill.
    assert (row["supply_fate"], row["supply_fate_source"]) == ("paid_treatment", "category_default")
    assert row["avoided_disposal_cad_per_unit"] == pytest.approx(150.0)
    assert row["pretreatment_cost_cad_per_unit"] == pytest.approx(120.0)  # decontamination
    assert row["gain_per_unit"] == pytest.approx(0.0)  # a treated residue is not diverted from landfill
    bark = scored.loc["S_BARK>D_BOIL"]
    assert bark["supply_fate"] == "landfill" and bark["gain_per_unit"] == pytest.approx(30.0)  # 1 t × 30 $/t
    rags = _scored().loc["S_TEXT>D_RAGS"]
    assert rags["avoided_purchase_cad_per_unit"] == pytest.approx(50.0)  # family default (textiles)


def test_all_score_columns_present_and_finite():
    scored = _scored()
    assert set(SCORE_COLUMNS) <= set(scored.columns)
    numeric = scored[[c for c in SCORE_COLUMNS if scored[c].dtype.kind == "f"]]
    assert np.isfinite(numeric.to_numpy()).all()


def _heat_registry(kind: str, supply_cat: str, demand_cat: str) -> tuple[Registry, pd.DataFrame]:
    reg = tiny_registry()
    streams = reg.streams[reg.streams["stream_id"].isin(["S_BARK", "D_BOIL"])].copy()
    streams["kind"] = kind
    streams["category_id"] = np.where(streams["direction"] == "supply", supply_cat, demand_cat)
    streams["quantity_per_yr"] = 2000.0
    streams["disposal_cost_cad_per_unit"] = np.nan
    rules = (
        tiny_rules()
        .assign(
            supply_category_id=supply_cat,
            demand_category_id=demand_cat,
            yield_ratio=1.0,
            pretreatment="none",
            max_transport_km=np.nan,
        )
        .iloc[[0]]
    )
    return Registry(reg.firms, streams), rules


def test_heat_goes_by_pipe_and_services_move_nothing():
    reg, rules = _heat_registry("energy", "heat_low_30_60c", "heat_greenhouse")
    cfg = MatchConfig(radius_by_kind_km={"energy": 15.0})
    cands = generate_candidates(reg, rules, cfg, text_vectors=fake_text_vectors)
    row = score_candidates(cands, reg, cfg, factors=load_factors(), categories=CATEGORIES).iloc[0]
    assert row["transport_mode"] == "pipe" and row["trucks_per_yr"] == 0 and row["t_km_per_yr"] == 0
    assert row["transport_cost_cad_per_unit"] == pytest.approx(60_000 * row["road_distance_km"] / 2000)
    assert row["avoided_disposal_cad_per_unit"] == 0  # no tipping fee for heat
    assert row["co2e_virgin_avoided_t_per_yr"] == pytest.approx(0.190 * 2000)  # natural gas displaced
    assert row["diverted_t_per_yr"] == 0
    # A 5 km cap, the rule's own or the scenario's, drops this 10 km pair.
    assert generate_candidates(
        reg, rules.assign(max_transport_km=5.0), MatchConfig(), text_vectors=fake_text_vectors
    ).empty
    assert generate_candidates(
        reg, rules, MatchConfig(radius_by_kind_km={"energy": 5.0}), text_vectors=fake_text_vectors
    ).empty
    reg, rules = _heat_registry("service", "service_training", "service_training")
    cands = generate_candidates(reg, rules, MatchConfig(), text_vectors=fake_text_vectors)
    row = score_candidates(cands, reg, MatchConfig(), factors=load_factors(), categories=CATEGORIES).iloc[0]
    assert row["transport_mode"] == "none" and row["transport_cost_cad_per_unit"] == 0


@settings(max_examples=20, deadline=None)
@given(
    kind=st.sampled_from(["material", "water", "energy", "service"]),
    km=st.lists(st.floats(0.0, 500.0), min_size=2, max_size=6),
    cost_t_km=st.floats(0.0, 2.0),
    cost_trip=st.floats(0.0, 1000.0),
    payload=st.floats(1.0, 40.0),
    pipe=st.floats(0.0, 1e6),
    w_value=st.floats(0.0, 5.0),
    w_co2=st.floats(0.0, 5.0),
)
def test_value_is_monotone_non_increasing_in_distance(
    kind, km, cost_t_km, cost_trip, payload, pipe, w_value, w_co2
):
    reg = tiny_registry()
    row = _bark_row()
    km = np.sort(np.asarray(km))
    cands = pd.concat([row] * len(km), ignore_index=True).assign(
        kind=kind, distance_km=km, road_distance_km=1.3 * km
    )
    cfg = MatchConfig(
        transport=TransportConfig(
            cost_cad_per_t_km=cost_t_km,
            cost_cad_per_trip=cost_trip,
            truck_payload_t=payload,
            pipe_cost_cad_per_km_yr=pipe,
        )
    )
    cfg = cfg.replace(**{"weights.value": w_value, "weights.co2": w_co2})
    scored = score_candidates(cands, reg, cfg, factors=_factors(), categories=CATEGORIES)
    for col in ("net_value_cad_per_yr", "co2e_avoided_t_per_yr", "gain_per_unit"):
        assert (np.diff(scored[col].to_numpy()) <= 1e-9).all(), col


def test_scoring_keeps_rows_aligned_with_any_index():
    scored = _scored().reset_index()
    cands = scored[list(scored.columns[: scored.columns.get_loc("transport_mode")])]
    shuffled = cands.iloc[::-1].set_axis([10, 7, 3, 5][: len(cands)])
    again = score_candidates(
        shuffled,
        tiny_registry(),
        MatchConfig(),
        factors=_factors(),
        rules=tiny_rules(),
        categories=CATEGORIES,
    )
    pd.testing.assert_frame_equal(
        again.set_index("candidate_id").sort_index(),
        scored.set_index("candidate_id").sort_index(),
        check_like=True,
    )


def test_by_product_sold_today_is_not_diverted_and_its_sale_is_a_cost():
    """Bark the sawmill sells at 25 $/t: the exchange must beat the sale; no landfill is avoided."""
    reg = tiny_registry()
    streams = reg.streams.copy()
    streams.loc[streams["stream_id"] == "S_BARK", "disposal_cost_cad_per_unit"] = -25.0
    sold = _scored(registry=Registry(reg.firms, streams)).loc["S_BARK>D_BOIL"]
    dumped = _scored().loc["S_BARK>D_BOIL"]
    assert sold["avoided_disposal_cad_per_unit"] == -25.0
    assert sold["net_value_cad_per_unit"] == pytest.approx(dumped["net_value_cad_per_unit"] - 65.0)
    assert sold["diverted_t_per_yr"] == 0.0 and dumped["diverted_t_per_yr"] > 0
    assert sold["co2e_disposal_avoided_t_per_yr"] == 0.0
    assert sold["co2e_virgin_avoided_t_per_yr"] == pytest.approx(dumped["co2e_virgin_avoided_t_per_yr"])


def _demand_prices(categories: list[str], family: str, kind: str) -> dict:
    """Baselines of demands of ``categories`` (one family, one kind) that declare no price."""
    from symbiosis.engine.baselines import demand_baselines, load_baselines

    return demand_baselines(
        pd.DataFrame({"category_id": categories, "kind": kind}),
        family=np.array([family] * len(categories), dtype=object),
        baselines=load_baselines(),
        config=MatchConfig(),
    )


def test_a_category_price_wins_over_its_familys():
    """Hydrogen as a feedstock is priced apart from fuel gas (default_purchase_price_by_category)."""
    out = _demand_prices(["hydrogen_byproduct", "fuel_gas_demand"], "energy_gas", "energy")
    assert out["price"].tolist() == [60.0, MatchConfig().default_purchase_price_by_family["energy_gas"]]


def test_a_farm_taking_a_wet_by_product_as_feed_pays_for_feed_not_for_a_compost_substrate():
    """Feed is priced as the bought feed it replaces (40 $/t wet), not the agri-food family's 5 $/t:
    at 5 $/t a heat-treated yeast slurry was worth less as pig feed than spread on a field."""
    out = _demand_prices(["animal_feed_ingredient", "compost_feedstock"], "agrifood_organics", "material")
    spreading = MatchConfig().default_fate_cost_cad_per_t["land_spreading"]
    assert out["price"][0] == 40.0 and out["price"][0] > spreading
    assert out["price_source"][0] == "category_default"


def test_a_residue_wanted_as_an_input_is_not_priced_as_its_familys_virgin_material():
    """Spent caustic is not bought at the price of caustic soda, nor a waste-derived fuel as plastic."""
    from symbiosis.engine.baselines import demand_baselines, load_baselines

    demands = pd.DataFrame(
        {
            "category_id": [
                "spent_caustic",
                "caustic_soda_solution",
                "waste_derived_fuel",
                "oily_sludge_refinery",
                "low_0602_haz",
            ],
            "kind": "material",
            "purchase_price_cad_per_unit": [np.nan, np.nan, np.nan, 80.0, np.nan],
        }
    )
    cfg = MatchConfig()
    out = demand_baselines(
        demands,
        family=np.array(
            ["chemicals_solvents", "chemicals_solvents", "plastics", "oils", "chemicals_solvents"],
            dtype=object,
        ),
        baselines=load_baselines(),
        config=cfg,
    )
    family = cfg.default_purchase_price_by_family
    # A demand known only by its List-of-Waste sub-chapter has no price either.
    assert out["price"].tolist() == [0.0, family["chemicals_solvents"], 40.0, 80.0, 0.0]
    assert out["price"][2] < family["plastics"] / 5
    # The record says where each price comes from; a declared price always wins.
    assert out["price_source"].tolist() == [
        "category_default",
        "family_default",
        "category_default",
        "declared",
        "category_default",
    ]


def test_gas_cleaning_is_priced_per_mwh_of_gas_not_per_tonne_of_solid():
    """Conditioning a gas for a neighbour costs a few $/MWh, upgrading biogas to grid methane more,
    and neither is the 25 $/t of washing a solid (which once made a hydrogen buyer lose to a boiler)."""
    cfg = MatchConfig()
    assert cfg.pretreatment_rate("cleaning", "energy") == pytest.approx(5.0)
    assert cfg.pretreatment_rate("cleaning", "material") == pytest.approx(25.0)
    assert cfg.pretreatment_rate("cleaning", "water") == pytest.approx(0.3)
    assert cfg.pretreatment_rate("upgrading", "energy") == pytest.approx(20.0)
    from symbiosis.kb import load_rules

    rules = load_rules().set_index("rule_id")
    assert rules.loc["KB0306", "pretreatment"] == rules.loc["KB0311", "pretreatment"] == "upgrading"
    assert rules.loc["KB0314", "pretreatment"] == "cleaning"  # by-product hydrogen, polished


def test_a_heat_exchanger_on_warm_water_is_charged_per_mwh_delivered():
    """3 $/MWh × the rule's MWh per m³, not 3 $ per m³ (which made every warm-water link a loss)."""
    from symbiosis.pipeline import run
    from symbiosis.schemas import FIRMS
    from tests._registry_helpers import firm, stream

    firms = pd.DataFrame(
        [firm(f, f, "Saguenay", 48.42 + 0.005 * i, -71.06) for i, f in enumerate(["PLANT", "FISH"])]
    )
    water = dict(kind="water", unit_as_typed="m³/an", quantity_unit="m3/yr", mass_t_per_yr=float("nan"))
    rows = [
        stream("WARM", "PLANT", "supply", "water_warm_discharge", 2_000_000, temperature_c=28.0, **water),
        stream(
            "TANKS",
            "FISH",
            "demand",
            "heat_aquaculture",
            20_000,
            kind="energy",
            unit_as_typed="MWh/an",
            quantity_unit="MWh/yr",
            mass_t_per_yr=float("nan"),
        ),
    ]
    result = run(Registry(firms[FIRMS.names], pd.DataFrame(rows)).validate(), MatchConfig())
    row = result.candidates.set_index("candidate_id").loc["WARM>TANKS"]
    assert row["pretreatment"] == "heat_exchanger"
    assert row["pretreatment_cost_cad_per_unit"] == pytest.approx(3.0 * row["yield_ratio"])
    assert row["yield_ratio"] < 0.05


def test_a_wood_residue_burnt_for_heat_pays_the_receivers_boiler_per_mwh_delivered():
    """A kiln that buys heat today needs a biomass boiler to burn sawdust: its capital and upkeep
    (30 $/MWh) × the rule's MWh per tonne, not 8 $/t of screening. Without it sawdust was worth the
    whole heat price it displaces (2.6 MWh/t × the price: the sample's second-largest proposal)."""
    from symbiosis.kb import load_rules
    from symbiosis.pipeline import run
    from symbiosis.schemas import FIRMS
    from tests._registry_helpers import firm, stream

    rules = load_rules().set_index("rule_id")
    fuel_to_heat = ["KB0046", "KB0047", "KB0054", "KB0060", "KB0061", "KB0062", "KB0063", "KB0072"]
    assert set(rules.loc[fuel_to_heat, "pretreatment"]) == {"biomass_boiler"}
    cfg = MatchConfig()
    assert cfg.pretreatment_rate("biomass_boiler", "material") == pytest.approx(30.0)

    firms = pd.DataFrame(
        [firm(f, f, "Saguenay", 48.42 + 0.005 * i, -71.06) for i, f in enumerate(["MILL", "KILN"])]
    )
    rows = [
        stream("DUST", "MILL", "supply", "wood_sawdust", 1_000),
        stream(
            "DRY",
            "KILN",
            "demand",
            "heat_drying",
            20_000,
            kind="energy",
            unit_as_typed="MWh/an",
            quantity_unit="MWh/yr",
            mass_t_per_yr=float("nan"),
        ),
    ]
    result = run(Registry(firms[FIRMS.names], pd.DataFrame(rows)).validate(), cfg)
    row = result.candidates.set_index("candidate_id").loc["DUST>DRY"]
    assert row["pretreatment"] == "biomass_boiler"
    assert row["yield_ratio"] == pytest.approx(2.6)
    assert row["pretreatment_cost_cad_per_unit"] == pytest.approx(30.0 * 2.6)
    # The same sawdust sold as boiler fuel to a plant that already burns wood pays no boiler.
    assert cfg.pretreatment_rate("screening", "material") == pytest.approx(8.0)


def test_once_through_cooling_water_is_priced_as_the_plants_own_withdrawal():
    """A cooling-water demand replaces the plant's own intake (Québec's water charge and pumping), not
    municipal water: at the family's 1.5 $/m³ a 1.5 billion m³/yr cooling flow was worth 2.2 G$/yr.
    Water a firm may buy (process, raw) keeps the family's price; a declared price always wins."""
    from symbiosis.engine.baselines import demand_baselines, load_baselines
    from symbiosis.engine.config import RAW_WATER_CAD_PER_M3

    demands = pd.DataFrame(
        {
            "category_id": ["water_warm_discharge", "water_cooling", "water_process_clean", "water_cooling"],
            "kind": "water",
            "purchase_price_cad_per_unit": [np.nan, np.nan, np.nan, 0.9],
        }
    )
    cfg = MatchConfig()
    out = demand_baselines(
        demands, family=np.array(["water"] * 4, dtype=object), baselines=load_baselines(), config=cfg
    )
    assert out["price"].tolist() == [RAW_WATER_CAD_PER_M3, RAW_WATER_CAD_PER_M3, 1.5, 0.9]
    assert 0.035 <= RAW_WATER_CAD_PER_M3 < 0.1  # the 2024 charge (35 $ per million litres) and pumping
    assert 1.5e9 * out["price"][0] < 1e8


def test_a_commercial_grade_chemical_is_sold_today_not_paid_for_treatment():
    """Caustic soda, sulphuric acid, olefins… are products: undeclared, today's fate is a sale (no
    150 $/t treatment avoided on top of the receiver's purchase), while a spent chemical keeps its
    family's paid treatment; a declared fate always wins."""
    from symbiosis.engine.baselines import load_baselines, supply_baselines

    supplies = pd.DataFrame(
        {
            "category_id": ["caustic_soda_solution", "olefins_feedstock", "spent_caustic", "sulphuric_acid"],
            "kind": "material",
            "current_fate": ["", "", "", "paid_treatment"],
        }
    )
    out = supply_baselines(
        supplies,
        family=np.array(["chemicals_solvents"] * 4, dtype=object),
        t_per_unit=np.ones(4),
        baselines=load_baselines(),
        config=MatchConfig(),
    )
    assert list(out["fate"]) == ["sold_byproduct", "sold_byproduct", "paid_treatment", "paid_treatment"]
    assert out["cost"][0] == 0.0 and out["cost"][1] == 0.0
    assert out["cost"][2] == MatchConfig().default_fate_cost_cad_per_t["paid_treatment"]
    assert not out["diverted"].any()


def test_spare_capacity_avoids_none_of_what_it_costs_its_owner():
    """An empty return trip, idle equipment or free hours cost their owner the same whether shared or
    not: a declared cost is not avoided (it counted the same trip twice beside the shipper's avoided
    dedicated truck), while a declared sale (the back-haul sold today) is a real loss, kept; a
    material's declared cost is avoided as before."""
    from symbiosis.engine.baselines import load_baselines, supply_baselines

    supplies = pd.DataFrame(
        {
            "category_id": [
                "logistics_backhaul_flatbed",
                "equipment_heavy_idle",
                "service_welding_fabrication",
                "logistics_backhaul_bulk",
                "wood_sawdust",
            ],
            "kind": ["logistics", "capacity", "service", "logistics", "material"],
            "disposal_cost_cad_per_unit": [650.0, 40.0, 60.0, -300.0, 25.0],
        }
    )
    out = supply_baselines(
        supplies,
        family=np.array(["logistics", "capacity_equipment", "services", "logistics", "wood"], dtype=object),
        t_per_unit=np.array([0.0, 0.0, 0.0, 0.0, 1.0]),
        baselines=load_baselines(),
        config=MatchConfig(),
    )
    assert out["cost"].tolist() == [0.0, 0.0, 0.0, -300.0, 25.0]
    assert list(out["cost_source"])[:3] == ["", "", ""]


def test_a_back_haul_is_worth_the_dedicated_trip_it_replaces_counted_once():
    """End to end: the carrier's declared cost of its empty return does not add to the shipper's
    avoided dedicated trip (660 trips at 650 $ + 870 $ was scored 1,520 $ a trip)."""
    reg, rules = _heat_registry("logistics", "logistics_backhaul_flatbed", "logistics_backhaul_flatbed")
    streams = reg.streams.copy()
    supply = streams["direction"] == "supply"
    streams.loc[supply, "disposal_cost_cad_per_unit"] = 650.0
    streams.loc[~supply, "purchase_price_cad_per_unit"] = 870.0
    reg = Registry(reg.firms, streams)
    cands = generate_candidates(reg, rules, MatchConfig(), text_vectors=fake_text_vectors)
    row = score_candidates(cands, reg, MatchConfig(), factors=load_factors(), categories=CATEGORIES).iloc[0]
    assert row["avoided_disposal_cad_per_unit"] == 0
    assert row["net_value_cad_per_unit"] == pytest.approx(870.0)


def test_a_landfill_takes_cover_material_as_a_service_and_buys_none():
    """A landfill's daily cover is not a purchase: landfills are paid to take residues, cover-grade or
    not (Québec used 2.5 Mt as cover beside 5.4 Mt landfilled in 2019). Undeclared, it charges its
    tipping fee less the levy cover does not pay, so a residue moved from one landfill to another is
    worth the levy, not the 110 $/t tipping fee plus 15 $/t of soil; a fee or price the landfill
    declares wins."""
    from symbiosis.engine.baselines import demand_baselines, load_baselines

    demands = pd.DataFrame(
        {
            "category_id": ["landfill_cover_material", "landfill_cover_material", "fill_material"],
            "kind": "material",
            "purchase_price_cad_per_unit": [np.nan, 4.9, np.nan],
        }
    )
    out = demand_baselines(
        demands,
        family=np.array(["construction_demolition"] * 3, dtype=object),
        baselines=load_baselines(),
        config=MatchConfig(),
    )
    assert list(out["use"]) == ["treatment_service", "virgin_input", "virgin_input"]
    assert out["price"].tolist() == [0.0, 4.9, 15.0]
    assert out["gate_fee"].tolist() == [78.0, 0.0, 0.0]


def test_fermentation_residues_go_to_fields_today_not_to_landfill():
    """Spent yeast, fermentation biomass and vinasse are wet organics that farms take (feed, spreading):
    undeclared, their fate was the agri-food family's landfill at the 110 $/t default, so sending
    Kalundborg's 697,000 t of fermentation biomass to farmers was credited 77 M$/yr of avoided
    landfill and 437 kt CO2e of landfill methane. Fruit and vegetable residues keep the landfill."""
    from symbiosis.engine.baselines import load_baselines, supply_baselines

    supplies = pd.DataFrame(
        {
            "category_id": ["fermentation_biomass", "distillery_vinasse", "fruit_veg_residues"],
            "kind": "material",
        }
    )
    out = supply_baselines(
        supplies,
        family=np.array(["agrifood_organics"] * 3, dtype=object),
        t_per_unit=np.ones(3),
        baselines=load_baselines(),
        config=MatchConfig(),
    )
    assert list(out["fate"]) == ["land_spreading", "land_spreading", "landfill"]
    assert out["cost"].tolist() == [10.0, 10.0, MatchConfig().default_tipping_fee_cad_per_t]
    assert out["diverted"].tolist() == [False, False, True]


@pytest.mark.parametrize(
    ("description", "charged"),
    [
        ("Écorces broyées", False),  # the rule's grinding is done: not charged again
        ("Bark, ground, 45 % moisture", False),
        ("Écorces à broyer", True),  # still to do
        ("Bark, not ground", True),
        ("Écorces du broyeur", True),  # the machine, not the state
    ],
)
def test_a_pretreatment_the_supplier_states_done_is_not_charged(description, charged):
    """Bark whose rule needs grinding (20 $/t): a supplier who says it is ground is not charged for it."""
    reg = tiny_registry()
    streams = reg.streams.copy()
    streams.loc[streams["stream_id"] == "S_BARK", "description"] = description
    row = _scored(registry=Registry(reg.firms, streams)).loc["S_BARK>D_BOIL"]
    base = _scored().loc["S_BARK>D_BOIL"]
    assert bool(row["pretreatment_done"]) is (not charged)
    assert row["pretreatment_cost_cad_per_unit"] == pytest.approx(20.0 if charged else 0.0)
    assert row["net_value_cad_per_unit"] == pytest.approx(
        base["net_value_cad_per_unit"] + (0.0 if charged else 20.0)
    )
