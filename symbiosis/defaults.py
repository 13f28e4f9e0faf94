"""Default pre-treatment costs, shared by the engine's configuration and the knowledge-base checker.

Plain data at the bottom of the package (standard library only): :mod:`symbiosis.engine.config`
uses it as :class:`~symbiosis.engine.config.MatchConfig`'s default table, and
:func:`symbiosis.kb.check.check_rules` requires a cost for every pre-treatment a rule names, without
the knowledge base importing the engine.
"""

from __future__ import annotations

__all__ = ["default_pretreatment_costs"]


def default_pretreatment_costs() -> dict[str, float]:
    """Return a fresh copy of the default pre-treatment costs, keyed by pre-treatment type.

    $ per tonne of supply (materials, water) or per MWh (energy), order-of-magnitude estimates for
    Québec contractors; a ``"<kind>:<type>"`` key overrides ``"<type>"`` for that kind. Edit per
    project (:attr:`symbiosis.engine.config.MatchConfig.pretreatment_cost_cad_per_t`).
    """
    return {
        "none": 0.0,
        "": 0.0,
        "sorting": 15.0,
        "screening": 8.0,
        # Screening water (a drum or bag filter): cents per m³, not the 8 $/t of screening a solid.
        "water:screening": 0.2,
        "grinding": 20.0,
        "crushing": 12.0,
        "drying": 35.0,
        "dewatering": 25.0,
        "composting": 40.0,
        "neutralisation": 60.0,
        "decontamination": 120.0,
        "pelletising": 45.0,
        # De-oiling or washing a solid (turnings, containers); filtering water (per m³ ≈ t).
        "cleaning": 25.0,
        "water:cleaning": 0.3,
        # Conditioning a combustible or process gas for a neighbour, per MWh of the gas: H2S and
        # siloxane removal, drying and filtering, or polishing by-product hydrogen (≈ 2–8 $/MWh);
        # not the 25 $/t of washing a solid.
        "energy:cleaning": 5.0,
        # Biogas or landfill gas upgraded to grid-quality methane (membranes, water or amine
        # scrubbing): IEA Bioenergy Task 37 puts it at 10–20 EUR per MWh of biomethane.
        "upgrading": 20.0,
        # The pipe itself is priced by transport.pipe_cost_cad_per_km_yr: no second charge here.
        "piping": 0.0,
        # Plate heat exchanger and pumps, annualised over the heat delivered (≈ 2–5 $/MWh).
        "heat_exchanger": 3.0,
        # A receiver that buys heat or steam today needs a biomass boiler to make it from wood
        # residues: its capital and upkeep, annualised over the heat delivered (per MWh, like the
        # heat exchanger). A district-scale wood-chip boiler costs about 2,000 CHF per kW of heat,
        # 25 years at 2.5 % (DEM model documentation, "Wood Boiler Central Plant"): 109 CHF/kW/yr,
        # 22 CHF/MWh at 5,000 full-load hours, ≈ 30 $/MWh with upkeep; fuel handling included.
        "biomass_boiler": 30.0,
        # Pasteurisation of animal by-products and food residues before feed or digestion.
        "hygienisation": 25.0,
        # Baling film, cardboard or textiles for transport.
        "baling": 20.0,
    }
