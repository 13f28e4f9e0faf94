"""Tiny hand-checkable registry shared by the candidate, scoring and explanation tests (no tests here).

Firms around Chicoutimi (48.43 N, 71.07 W); 0.09° of latitude ≈ 10 km.

==========  ===========================================  ==========================================
stream      what                                         expected
==========  ===========================================  ==========================================
S_BARK      F_SAW bark, 1000 t/yr, all year               → D_BOIL (10 km, R_BARK) and internal D_OWN
S_SPL       F_SAW spent pot lining (hazardous) 500 t/yr   → D_CEM (permits, 30 km); D_KILN refused
S_BLUE      F_SAW blueberry pomace, Jan–Mar               D_COMP is Jul–Sep: no candidate (season)
S_TEXT      F_BOIL textile off-cuts, no rule              → D_RAGS by text similarity
D_FAR       F_FAR boiler 200 km away                      beyond R_BARK's 100 km
==========  ===========================================  ==========================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from symbiosis.registry import Registry

JAN_MAR = 0b000000000111
JUL_SEP = 0b000111000000
LAT0, LON0 = 48.43, -71.07


def _firm(firm_id: str, dlat: float, accepts: bool) -> dict:
    return {
        "firm_id": firm_id,
        "name": firm_id,
        "scian_code": "321111",
        "park_id": "",
        "municipality": "Saguenay",
        "lat": LAT0 + dlat,
        "lon": LON0,
        "coord_source": "declared",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "accepts_hazardous": accepts,
        "confidentiality": "public",
    }


def _stream(stream_id: str, firm_id: str, direction: str, category: str, qty: float, **kw) -> dict:
    row = {
        "stream_id": stream_id,
        "firm_id": firm_id,
        "direction": direction,
        "kind": "material",
        "category_id": category,
        "waste_code": "",
        "description": "",
        "quantity_as_typed": str(qty),
        "unit_as_typed": "t/an",
        "quantity_per_yr": qty,
        "quantity_unit": "t/yr",
        "mass_t_per_yr": qty,
        "density_t_per_m3": np.nan,
        "density_source": "",
        "hazardous": False,
        "moisture_pct": np.nan,
        "temperature_c": np.nan,
        "purity_pct": np.nan,
        "quality_notes": "",
        "availability": "continuous",
        "months_mask": 4095,
        "start_date": pd.NaT,
        "end_date": pd.NaT,
        "disposal_cost_cad_per_unit": np.nan,
        "purchase_price_cad_per_unit": np.nan,
        "min_lot_per_yr": np.nan,
        "max_distance_km": np.nan,
        "confidentiality": "public",
    }
    row.update(kw)
    return row


def tiny_registry() -> Registry:
    """Five firms, eleven streams (see the module table)."""
    firms = pd.DataFrame(
        [
            _firm("F_SAW", 0.0, False),
            _firm("F_BOIL", 0.09, False),
            _firm("F_CEM", 0.27, True),
            _firm("F_FAR", 1.8, False),
            _firm("F_COMP", -0.045, False),
        ]
    )
    streams = pd.DataFrame(
        [
            _stream(
                "S_BARK",
                "F_SAW",
                "supply",
                "wood_bark",
                1000.0,
                disposal_cost_cad_per_unit=40.0,
                description="écorces de résineux",
            ),
            _stream("S_SPL", "F_SAW", "supply", "al_spent_pot_lining", 500.0, hazardous=True),
            _stream(
                "S_BLUE",
                "F_SAW",
                "supply",
                "blueberry_pomace",
                300.0,
                availability="seasonal",
                months_mask=JAN_MAR,
            ),
            _stream(
                "S_TEXT", "F_BOIL", "supply", "textile_offcuts", 20.0, description="retailles de tissu coton"
            ),
            _stream(
                "D_BOIL", "F_BOIL", "demand", "biomass_fuel_wood", 800.0, purchase_price_cad_per_unit=50.0
            ),
            _stream("D_OWN", "F_SAW", "demand", "biomass_fuel_wood", 100.0, purchase_price_cad_per_unit=50.0),
            _stream("D_FAR", "F_FAR", "demand", "biomass_fuel_wood", 5000.0),
            _stream("D_KILN", "F_BOIL", "demand", "cement_alt_fuel", 400.0),
            _stream("D_CEM", "F_CEM", "demand", "cement_alt_fuel", 2000.0, purchase_price_cad_per_unit=30.0),
            _stream(
                "D_COMP",
                "F_COMP",
                "demand",
                "compost_feedstock",
                1000.0,
                availability="seasonal",
                months_mask=JUL_SEP,
            ),
            _stream(
                "D_RAGS", "F_CEM", "demand", "wiping_rags_clean", 10.0, description="retailles de tissu coton"
            ),
        ]
    )
    return Registry(firms, streams)


def tiny_rules() -> pd.DataFrame:
    """Three rules: bark → boiler fuel, SPL → cement fuel (hazardous), pomace → compost."""
    cols = [
        "rule_id",
        "supply_category_id",
        "demand_category_id",
        "yield_ratio",
        "pretreatment",
        "receiving_process",
        "r_code",
        "max_transport_km",
        "hazardous",
        "requires_authorisation",
        "evidence_type",
        "evidence_ref",
        "evidence_note",
    ]
    rows = [
        [
            "R_BARK",
            "wood_bark",
            "biomass_fuel_wood",
            0.9,
            "grinding",
            "combustion",
            "R1",
            100.0,
            False,
            False,
            "case",
            "MAESTRI #12",
            "Bark burned in a biomass boiler",
        ],
        [
            "R_SPL",
            "al_spent_pot_lining",
            "cement_alt_fuel",
            1.0,
            "decontamination",
            "cement kiln",
            "R1",
            300.0,
            True,
            True,
            "literature",
            "Holywell 2021",
            "SPL co-processed in cement kilns",
        ],
        [
            "R_BLUE",
            "blueberry_pomace",
            "compost_feedstock",
            1.0,
            "none",
            "composting",
            "R3",
            50.0,
            False,
            False,
            "expert",
            "",
            "Fruit residues compost",
        ],
    ]
    return pd.DataFrame(rows, columns=cols)


def fake_text_vectors(texts) -> sp.csr_matrix:
    """Stand-in for ``symbiosis.kb.classify.text_vectors``: L2-normalised hashed word counts."""
    rows, cols = [], []
    for i, text in enumerate(texts):
        for word in str(text).lower().split():
            rows.append(i)
            cols.append(hash(word) % 1024)
    m = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), 1024))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sp.diags(1 / np.where(norms > 0, norms, 1)) @ m
