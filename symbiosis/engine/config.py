"""The scenario configuration of a matching run: every parameter of candidates, scoring and allocation.

All money is in Canadian dollars (CAD), all emissions in tonnes or kilograms of CO2-equivalent
(CO2e, 100-year GWP), all distances in km. The objective of the allocation, per *supply* canonical
unit shipped on a link, is

    gain = w_value · net_value_cad
         + w_co2 · co2e_avoided_t · carbon_price_cad_per_t_co2e
         + w_tonnes · diverted_t · diversion_value_cad_per_t

so every term is in dollars and the three weights are dimensionless and commensurable. With the
defaults (1, 1, 0) the objective is the net dollar value plus the avoided emissions priced at
Québec's cap-and-trade price; the diversion term is off.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from symbiosis.defaults import default_pretreatment_costs

__all__ = ["RETIRED_SETTINGS", "MatchConfig", "ObjectiveWeights", "SideConstraints", "TransportConfig"]

logger = logging.getLogger(__name__)

#: Settings an earlier version wrote to scenario files and nothing reads any more, per section.
#: ``transport.emission_kg_co2e_per_t_km`` was documented as a truck emission fallback but never
#: read: truck emissions come only from the factor table, which names its source and year.
RETIRED_SETTINGS: dict[str, frozenset[str]] = {"transport": frozenset({"emission_kg_co2e_per_t_km"})}

INTERNAL_POLICIES = ("separate", "exclude", "flag")
HAZARDOUS_POLICIES = ("permit_required", "exclude", "allow")


def _freeze(mapping: Mapping[str, float]) -> dict[str, float]:
    return {str(k): float(v) for k, v in mapping.items()}


@dataclass(frozen=True)
class ObjectiveWeights:
    """Weights of the three terms of the objective and the prices that make them dollars.

    Parameters
    ----------
    value
        Weight of the net dollar value (avoided disposal + avoided purchase − transport −
        pre-treatment), dimensionless.
    co2
        Weight of the avoided emissions, dimensionless.
    tonnes
        Weight of the tonnes diverted from landfill, dimensionless.
    carbon_price_cad_per_t_co2e
        Dollars per tonne CO2e. Default 40 $/t: about the 2025 settlement price of the Québec–
        California cap-and-trade market (SPEDE), an estimate to edit.
    diversion_value_cad_per_t
        Dollars per tonne diverted from landfill (policy value of diversion). Default 30 $/t: the
        order of Québec's 2024 landfill levy ("redevance pour l'élimination"), an estimate.
    """

    value: float = 1.0
    co2: float = 1.0
    tonnes: float = 0.0
    carbon_price_cad_per_t_co2e: float = 40.0
    diversion_value_cad_per_t: float = 30.0


@dataclass(frozen=True)
class TransportConfig:
    """How a residue travels and what it costs and emits.

    Parameters
    ----------
    detour_factor
        Road km per crow-fly km (an *estimate*; 1.3 is the usual rural/regional factor).
    truck_payload_t
        Mass per truck trip, t (a 53-ft van or a bulk trailer carries 20–30 t in Québec).
    truck_volume_m3
        Volume per trip, m3 (bulk trailer, light residues such as bark or packaging fill it first).
    cost_cad_per_t_km
        Haulage cost per tonne-km of road (~0.15–0.25 $/t·km for bulk truckload, estimate).
    cost_cad_per_trip
        Fixed cost per trip (loading, unloading, waiting), $.
    pipe_cost_cad_per_km_yr
        Annualised cost of a heat or water pipe, $ per km per year (capital over 20 years plus
        upkeep), spread over the link's full yearly flow.
    default_density_t_per_m3
        Density used for the volume of a material without a known density (bulk solids ≈ 0.5).
    """

    detour_factor: float = 1.3
    truck_payload_t: float = 25.0
    truck_volume_m3: float = 90.0
    cost_cad_per_t_km: float = 0.18
    cost_cad_per_trip: float = 150.0
    pipe_cost_cad_per_km_yr: float = 60_000.0
    default_density_t_per_m3: float = 0.5


@dataclass(frozen=True)
class SideConstraints:
    """Pass-through to :class:`symbiosis.engine.allocation.AllocationConfig`.

    Parameters
    ----------
    enabled
        Enforce minimum lots, partner limits and fixed costs per link.
    min_lots
        Use each stream's ``min_lot_per_yr`` as its minimum lot.
    max_partners_per_stream
        Most links a stream may take part in (0 = unlimited).
    fixed_cost_cad_per_link_yr
        Yearly cost of running one link (contract, follow-up, admin), $.
    time_limit_s
        Wall-clock budget of the allocation.
    mip_gap
        Relative gap under which a plan counts as optimal.
    seed
        Seed of any randomised solver.
    """

    enabled: bool = False
    min_lots: bool = True
    max_partners_per_stream: int = 0
    fixed_cost_cad_per_link_yr: float = 0.0
    time_limit_s: float = 10.0
    mip_gap: float = 0.01
    seed: int = 0


def _default_fate_cost() -> dict[str, float]:
    # $ per tonne (per canonical unit for energy and water) a supply's current fate costs when the
    # firm gives no figure and its category has no default of its own (data/baselines.csv).
    # Landfill is default_tipping_fee_cad_per_t. Order-of-magnitude Québec estimates (2025).
    return {
        "incineration": 150.0,
        "land_spreading": 10.0,
        "sold_byproduct": 0.0,
        "internal_reuse": 0.0,
        "paid_treatment": 150.0,
        "discharged": 0.0,
    }


def _default_purchase() -> dict[str, float]:
    # $ per canonical unit of the demand's category family when a demand declares no price.
    # Order-of-magnitude Québec estimates (2024–2025); edit per project.
    return {
        "wood_forestry": 40.0,
        "agrifood_organics": 5.0,
        "mineral_ashes": 30.0,
        "construction_demolition": 15.0,
        "aluminium_residues": 300.0,
        "metals_scrap": 300.0,
        "pulp_paper": 20.0,
        "plastics": 400.0,
        "chemicals_solvents": 300.0,
        "packaging_pallets": 100.0,
        "oils": 500.0,
        "paper_cardboard": 100.0,
        "glass": 40.0,
        "textiles": 50.0,
        "energy_heat": 45.0,
        "energy_steam": 50.0,
        "energy_gas": 40.0,
        "energy_co2": 150.0,
        "water": 1.5,
        "logistics": 400.0,
        "capacity_equipment": 0.0,
        "services": 0.0,
    }


#: Water a plant draws once through its coolers from a river, a lake or the sea: a demand for it
#: replaces the plant's own withdrawal, never bought water.
RAW_WATER_CATEGORIES = ("water_cooling", "water_warm_discharge")
#: $ per m³ of raw water drawn: Québec's water-use charge (0.035 $/m³) plus pumping (see below).
RAW_WATER_CAD_PER_M3 = 0.045


def _default_purchase_by_category() -> dict[str, float]:
    # $ per demand canonical unit for categories priced unlike their family. Hydrogen as a chemical
    # feedstock: grey hydrogen at about 2 $/kg (IEA, The Future of Hydrogen, 2019: 1-2 USD/kg from gas)
    # over 33.3 MWh/t is about 60 $/MWh, well above fuel gas.
    #
    # A firm that declares it wants a *residue* does not pay its family's virgin price: nobody buys
    # spent caustic, oily sludge or red mud at the price of caustic soda, oil or aluminium. Residues
    # treated for a fee today are taken at no price (the receiver is paid, as a service, or takes them
    # free); the others at the price of what they replace (order-of-magnitude Québec estimates to edit
    # per project, like the family defaults above).
    no_market = (
        "acid_tar",
        "al_salt_slag",
        "al_spent_pot_lining",
        "metal_grinding_sludge",
        "oily_sludge_refinery",
        "oily_water",
        "paint_sludge",
        "spent_acids",
        "spent_bleaching_earth",
        "spent_catalyst",
        "spent_caustic",
        "still_bottoms_organic",
        "tyres_end_of_life",
    )
    replaces = {
        "hydrogen_byproduct": 60.0,
        # A fuel made of wastes replaces wood or coal by its heat (about 4–5 MWh/t): priced as wood fuel.
        "waste_derived_fuel": 40.0,
        # Red mud and spent refractories replace clay, iron correctives or aggregates.
        "al_bauxite_residue": 15.0,
        "al_refractory_bricks": 30.0,
        # Used oil is bought by re-refiners at about 0.10 $/L; sulphur and sulphuric acid trade at
        # 100–200 $/t, far below the chemicals family's 300.
        "used_oil_lubricating": 100.0,
        "sulphur_elemental": 150.0,
        "sulphuric_acid": 150.0,
        # A livestock farm that takes a wet by-product as feed (wet distillers' or brewers' grains,
        # liquid yeast, fermentation biomass) replaces bought feed, priced per wet tonne as
        # delivered: wet distillers' grains traded at about 30–60 USD per short ton in 2023–2024
        # (USDA AMS, National Weekly Ethanol Report), about 40 $/t here. The agri-food family's
        # 5 $/t prices compost and digester substrates; as feed it made heat-treated yeast slurry
        # and fermentation mycelium worth less than their spreading.
        "animal_feed_ingredient": 40.0,
    }
    # Once-through cooling water replaces the plant's own withdrawal, not the municipal water the
    # family's 1.5 $/m³ prices (raw, washing or irrigation water may be bought: they keep it).
    # Québec's water-use charge is 35 $ per million litres since 2024 (Règlement sur la redevance
    # exigible pour l'utilisation de l'eau, Q-2, r. 42.1, art. 5); pumping about 0.2 kWh/m³ at
    # Hydro-Québec's industrial rate adds about 0.01 $/m³ (estimate). Priced at 1.5 $/m³, a 1.5
    # billion m³/yr once-through cooling flow was worth 2.2 G$/yr.
    raw_water = dict.fromkeys(RAW_WATER_CATEGORIES, RAW_WATER_CAD_PER_M3)
    return {**dict.fromkeys(no_market, 0.0), **replaces, **raw_water}


def _default_text_radius() -> dict[str, float]:
    # Reach of a description-only match (no rule gives one): heat cannot travel far, water only by
    # a short pipe, bulk residues rarely beyond ~150 km by truck (DOMAIN.md).
    return {
        "material": 150.0,
        "energy": 5.0,
        "water": 20.0,
        "logistics": 150.0,
        "capacity": 50.0,
        "service": 100.0,
    }


@dataclass(frozen=True)
class MatchConfig:
    """One scenario: every parameter of candidate generation, scoring and allocation.

    Parameters
    ----------
    radius_km
        Optional crow-fly cap of every link, km (default ``None``: no global cap). The caps of a
        link are its rule's ``max_transport_km`` and both firms' ``max_distance_km``; the transport
        cost, not a hidden radius, decides among the links within them. Set it for a "what if
        nothing travels beyond X km" scenario.
    radius_by_kind_km
        Optional caps per resource kind, km (default none: the rules already keep heat within a
        few km and water within a pipe's reach).
    text_radius_by_kind_km
        Reach of a description-only match per resource kind, km (no rule gives one); a kind not
        listed uses 150 km.
    heat_approach_c
        Temperature drop across a heat exchanger, °C: a heat or steam supply at T serves a heat
        demand needing T' only when T' <= T - heat_approach_c (rules with the ``temperature`` check).
    preheat_min_share
        Least share of a heat demand's duty a colder supply must cover to be a candidate as
        *preheating*: a use that takes its fluid in at a known return temperature T_r (the stream's
        own ``return_temperature_c``, else its category's ``temperature_return_c``: a district
        network's return, a greenhouse loop's) can be lifted by a supply at T from T_r to
        T - heat_approach_c, a boiler doing the rest; such a pair carries at most that share of the
        demand. 1 turns preheating off.
    propose_unknown_specs
        Allocate (propose) a candidate whose demand states a quality specification the supply leaves
        undeclared; by default such a candidate is listed, flagged, but not proposed until the value is
        known (a missing value is an uncertainty, not a pass).
    inferred_alternatives
        A stream whose category was inferred (not typed by the firm) is also matched under this many of
        its runner-up categories (same kind); such candidates are flagged ``category_alternative`` until an
        advisor confirms the category. 0 matches only under the inferred category.
    propose_demand_runner_ups
        A demand whose inferred category finds no supply at all is proposed the supplies its best
        runner-up category finds (the first runner-up that finds any), still flagged
        ``category_alternative`` for the advisor to confirm; never a hazardous supply, never a
        supply matched under a runner-up of its own, and only a runner-up the demand's text reads at
        least half as well as its best reading (a likely correction, not a distant reading). False
        proposes nothing before confirmation.
    k_nearest
        Keep, for each stream and each rule, its K nearest compatible partners (union over both
        sides), so that a long-haul outlet of one rule is never pruned by many near partners of
        another; 0 keeps all.
    text_similarity_threshold
        Cosine of description vectors above which two streams of the same kind with no rule are
        still proposed (``match_basis="text"``); >1 disables text matches.
    text_scope
        ``"unmatched"``: text matches only for supplies with no rule-based candidate; ``"all"``.
    internal_policy
        Same-firm pairs (internal reuse is not symbiosis): ``"separate"`` (default: scored and listed
        apart in ``MatchResult.internal_opportunities``, out of the exchanges, KPIs, maps and
        reports; they compete in the allocation only where it would otherwise make two firms swap
        a material each could reuse itself: :func:`symbiosis.pipeline.swap_reuses`), ``"exclude"``
        (dropped) or ``"flag"`` (allocated and counted with the others, ``internal=True``).
    hazardous_policy
        ``"permit_required"`` (hazardous only to firms that accept hazardous residues),
        ``"exclude"`` (no hazardous link) or ``"allow"``.
    excluded_firm_ids
        Firms left out of the scenario ("what if this firm closes").
    default_tipping_fee_cad_per_t
        Landfill cost of a material supply that declares no cost and whose category has no default
        baseline cost, $/t (Québec landfill gate fee plus the provincial levy, ~110 $/t in 2025;
        estimate).
    default_fate_cost_cad_per_t
        The same for the other current fates (incineration, land spreading, paid treatment…), $ per
        tonne (per canonical unit for energy and water).
    default_purchase_price_by_family
        $ per demand canonical unit, by category family, when a demand declares no price.
    default_purchase_price_by_category
        $ per demand canonical unit for categories priced unlike their family (hydrogen); wins over
        the family's price.
    pretreatment_cost_cad_per_t
        $ per t of supply (per MWh for energy) by the rule's pre-treatment type; a
        ``"<kind>:<type>"`` key (``"water:cleaning"``) overrides the type for that kind; unknown
        types use ``pretreatment_default_cad_per_t`` (the rules checker requires every type used by
        a rule to be listed).
    pretreatment_default_cad_per_t
        Cost of a pre-treatment type missing from the table, $/t.
    drop_unprofitable
        Leave links with ``gain_per_unit <= 0`` out of the allocation problem.
    weights, transport, side
        Nested settings (see their classes).
    """

    radius_km: float | None = None
    radius_by_kind_km: dict[str, float] = field(default_factory=dict)
    text_radius_by_kind_km: dict[str, float] = field(default_factory=_default_text_radius)
    heat_approach_c: float = 5.0
    preheat_min_share: float = 0.25
    k_nearest: int = 20
    inferred_alternatives: int = 4
    propose_unknown_specs: bool = False
    propose_demand_runner_ups: bool = True
    text_similarity_threshold: float = 0.6
    text_scope: str = "unmatched"
    internal_policy: str = "separate"
    hazardous_policy: str = "permit_required"
    excluded_firm_ids: tuple[str, ...] = ()
    default_tipping_fee_cad_per_t: float = 110.0
    default_fate_cost_cad_per_t: dict[str, float] = field(default_factory=_default_fate_cost)
    default_purchase_price_by_family: dict[str, float] = field(default_factory=_default_purchase)
    default_purchase_price_by_category: dict[str, float] = field(
        default_factory=_default_purchase_by_category
    )
    pretreatment_cost_cad_per_t: dict[str, float] = field(default_factory=default_pretreatment_costs)
    pretreatment_default_cad_per_t: float = 30.0
    drop_unprofitable: bool = True
    weights: ObjectiveWeights = field(default_factory=ObjectiveWeights)
    transport: TransportConfig = field(default_factory=TransportConfig)
    side: SideConstraints = field(default_factory=SideConstraints)

    def __post_init__(self) -> None:
        if self.internal_policy not in INTERNAL_POLICIES:
            raise ValueError(f"internal_policy must be one of {INTERNAL_POLICIES}")
        if self.hazardous_policy not in HAZARDOUS_POLICIES:
            raise ValueError(f"hazardous_policy must be one of {HAZARDOUS_POLICIES}")
        if self.text_scope not in ("unmatched", "all"):
            raise ValueError("text_scope must be 'unmatched' or 'all'")
        if self.radius_km is not None and not (self.radius_km > 0 and math.isfinite(self.radius_km)):
            raise ValueError("radius_km must be None or finite and > 0")
        if self.inferred_alternatives < 0:
            raise ValueError("inferred_alternatives must be >= 0")
        if self.k_nearest < 0 or not (math.isfinite(self.heat_approach_c) and self.heat_approach_c >= 0):
            raise ValueError("k_nearest and heat_approach_c must be >= 0")
        if not 0 < self.preheat_min_share <= 1:
            raise ValueError("preheat_min_share must be in (0, 1]")
        if self.transport.detour_factor < 1 or self.transport.truck_payload_t <= 0:
            raise ValueError("detour_factor must be >= 1 and truck_payload_t > 0")
        object.__setattr__(self, "excluded_firm_ids", tuple(str(f) for f in self.excluded_firm_ids))
        if self.radius_km is not None:
            object.__setattr__(self, "radius_km", float(self.radius_km))
        for name in (
            "radius_by_kind_km",
            "text_radius_by_kind_km",
            "default_purchase_price_by_family",
            "default_purchase_price_by_category",
            "pretreatment_cost_cad_per_t",
            "default_fate_cost_cad_per_t",
        ):
            object.__setattr__(self, name, _freeze(getattr(self, name)))

    def pretreatment_rate(self, pretreatment: str, kind: str) -> float:
        """$ per tonne (per MWh for energy) of a pre-treatment type for a resource kind."""
        table = self.pretreatment_cost_cad_per_t
        key = pretreatment.strip().lower()
        return table.get(f"{kind}:{key}", table.get(key, self.pretreatment_default_cad_per_t))

    def fate_cost(self, fate: str) -> float:
        """Default $ per tonne of a current fate (landfill: ``default_tipping_fee_cad_per_t``)."""
        if fate == "landfill":
            return self.default_tipping_fee_cad_per_t
        return self.default_fate_cost_cad_per_t.get(fate, 0.0)

    def radius_for_kind(self, kind: str) -> float:
        """Crow-fly cap the scenario sets on a resource kind, km (``inf`` when none is set)."""
        overall = math.inf if self.radius_km is None else self.radius_km
        return min(overall, self.radius_by_kind_km.get(kind, math.inf))

    def text_radius_for_kind(self, kind: str) -> float:
        """Reach of a description-only match of a resource kind, km (never beyond the scenario's caps)."""
        return min(self.text_radius_by_kind_km.get(kind, 150.0), self.radius_for_kind(kind))

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict (JSON/TOML-ready) of every parameter."""
        out = dataclasses.asdict(self)
        out["excluded_firm_ids"] = list(self.excluded_firm_ids)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MatchConfig:
        """Build from a nested dict; missing keys keep their defaults, unknown keys raise.

        Settings retired from the model (:data:`RETIRED_SETTINGS`), which scenario files written by
        an earlier version still hold, are dropped with a warning.
        """
        data = dict(data)
        nested = {"weights": ObjectiveWeights, "transport": TransportConfig, "side": SideConstraints}
        for key, sub in nested.items():
            if key in data:
                section = dict(data[key])
                for retired in RETIRED_SETTINGS.get(key, ()) & section.keys():
                    logger.warning("scenario setting %s.%s is no longer used; ignored", key, retired)
                    del section[retired]
                data[key] = sub(**section)
        if "excluded_firm_ids" in data:
            data["excluded_firm_ids"] = tuple(data["excluded_firm_ids"])
        return cls(**data)

    def replace(self, **changes: Any) -> MatchConfig:
        """Copy with fields changed; nested fields as ``"transport.detour_factor"`` or a dict."""
        flat: dict[str, Any] = {}
        for key, value in changes.items():
            head, _, tail = key.partition(".")
            if tail:
                sub = flat.get(head, getattr(self, head))
                flat[head] = dataclasses.replace(sub, **{tail: value})
            elif isinstance(value, Mapping) and head in ("weights", "transport", "side"):
                flat[head] = dataclasses.replace(getattr(self, head), **value)
            else:
                flat[head] = value
        return dataclasses.replace(self, **flat)

    def allocation_config(self) -> Any:
        """The :class:`~symbiosis.engine.allocation.AllocationConfig` this scenario implies."""
        from symbiosis.engine.allocation import AllocationConfig

        return AllocationConfig(
            side_constraints=self.side.enabled,
            time_limit_s=self.side.time_limit_s,
            mip_gap=self.side.mip_gap,
            seed=self.side.seed,
        )
