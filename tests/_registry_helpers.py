"""Small, valid registries built by hand for tests of the views and the app."""

from __future__ import annotations

import pandas as pd

from symbiosis.registry import Registry
from symbiosis.schemas import ALL_MONTHS, FIRMS, STREAMS, with_optional_columns


def firm(firm_id: str, name: str, municipality: str, lat: float, lon: float, **over) -> dict:
    """Return one firm row with sensible defaults."""
    row = dict(
        firm_id=firm_id,
        name=name,
        scian_code="332710",
        park_id="",
        municipality=municipality,
        lat=lat,
        lon=lon,
        coord_source="declared",
        contact_name="Jeanne Tremblay",
        contact_email="jt@example.org",
        contact_phone="418-555-0101",
        accepts_hazardous=False,
        confidentiality="members",
    )
    row.update(over)
    return row


def stream(stream_id: str, firm_id: str, direction: str, category_id: str, qty: float, **over) -> dict:
    """Return one valid STREAMS row: a material stream of ``qty`` t/yr, the category given by the firm,
    every optional number missing (``**over`` replaces any column)."""
    row = dict(
        stream_id=stream_id,
        firm_id=firm_id,
        direction=direction,
        kind="material",
        category_id=category_id,
        category_source="given",
        category_score=float("nan"),
        category_alternatives="",
        waste_code="",
        description="",
        quantity_as_typed=str(qty),
        unit_as_typed="t/an",
        quantity_per_yr=float(qty),
        quantity_unit="t/yr",
        mass_t_per_yr=float(qty),
        density_t_per_m3=float("nan"),
        density_source="",
        hazardous=False,
        moisture_pct=float("nan"),
        temperature_c=float("nan"),
        purity_pct=float("nan"),
        contaminant_pct=float("nan"),
        particle_size="",
        min_purity_pct=float("nan"),
        max_moisture_pct=float("nan"),
        min_temperature_c=float("nan"),
        return_temperature_c=float("nan"),
        max_contaminant_pct=float("nan"),
        accepted_particle_sizes="",
        rejects_hazardous=False,
        quality_notes="",
        availability="continuous",
        months_mask=ALL_MONTHS,
        start_date=pd.NaT,
        end_date=pd.NaT,
        current_fate="",
        disposal_cost_cad_per_unit=float("nan"),
        current_use="",
        purchase_price_cad_per_unit=float("nan"),
        gate_fee_cad_per_unit=float("nan"),
        min_lot_per_yr=float("nan"),
        max_distance_km=float("nan"),
        confidentiality="members",
    )
    row.update(over)
    return row


def tiny_registry() -> Registry:
    """Three firms in two municipalities: a sawmill, a pellet plant and a greenhouse."""
    firms = pd.DataFrame(
        [
            firm("F1", "Scierie Péribonka", "Dolbeau-Mistassini", 48.88, -72.23),
            firm("F2", "Granules du Lac", "Alma", 48.55, -71.65),
            firm("F3", "Serres Boréales", "Alma", 48.56, -71.64),
        ]
    )[FIRMS.names]
    streams = pd.DataFrame(
        [
            stream("S1", "F1", "supply", "wood_sawdust", 1200, description="sciure de résineux"),
            stream("S2", "F2", "demand", "pellet_feedstock", 5000, description="matière pour granules"),
            stream(
                "S3",
                "F3",
                "demand",
                "biomass_fuel_wood",
                800,
                description="copeaux pour chaudière",
                months_mask=0b1110_0000_0111,
            ),
        ]
    ).pipe(with_optional_columns, STREAMS)[STREAMS.names]
    return Registry(firms, streams).validate()
