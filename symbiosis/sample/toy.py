"""Tiny hand-made registries for examples and doctests: one firm per stream, every other field default.

>>> from symbiosis.sample.toy import toy_registry
>>> registry = toy_registry(
...     [
...         ("S1", "supply", "wood_bark", 100.0, 48.43, -71.07),
...         ("D1", "demand", "biomass_fuel_wood", 80.0, 48.43, -71.00),
...     ]
... )
>>> registry.streams[["stream_id", "firm_id", "direction", "quantity_per_yr"]]
  stream_id firm_id direction  quantity_per_yr
0        S1    F-S1    supply            100.0
1        D1    F-D1    demand             80.0
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from symbiosis.registry import Registry
from symbiosis.schemas import ALL_MONTHS, FIRMS, STREAMS, with_optional_columns

__all__ = ["ToyStream", "toy_registry"]

#: ``(stream_id, direction, category_id, tonnes_per_yr, lat, lon)`` of one material stream.
ToyStream = tuple[str, str, str, float, float, float]

_NAN = float("nan")


def _firm(stream_id: str, lat: float, lon: float) -> dict[str, object]:
    return {
        "firm_id": f"F-{stream_id}",
        "name": f"Entreprise {stream_id}",
        "scian_code": "321111",
        "park_id": "",
        "municipality": "Saguenay",
        "lat": lat,
        "lon": lon,
        "coord_source": "declared",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "accepts_hazardous": False,
        "confidentiality": "public",
    }


def _stream(stream_id: str, direction: str, category_id: str, tonnes: float) -> dict[str, object]:
    row: dict[str, object] = {
        "stream_id": stream_id,
        "firm_id": f"F-{stream_id}",
        "direction": direction,
        "kind": "material",
        "category_id": category_id,
        "quantity_as_typed": str(tonnes),
        "unit_as_typed": "t/an",
        "quantity_per_yr": float(tonnes),
        "quantity_unit": "t/yr",
        "mass_t_per_yr": float(tonnes),
        "hazardous": False,
        "availability": "continuous",
        "months_mask": ALL_MONTHS,
        "confidentiality": "public",
    }
    return row


def toy_registry(streams: Iterable[ToyStream]) -> Registry:
    """A validated registry of material streams in t/yr, one firm per stream (``F-<stream_id>``).

    Parameters
    ----------
    streams
        ``(stream_id, direction, category_id, tonnes_per_yr, lat, lon)`` per stream; ``direction``
        is ``"supply"`` or ``"demand"``. Every other column takes its neutral default (no quality
        spec, no declared cost or price, available all year, public).

    Returns
    -------
    Registry
        Firms and streams, validated.
    """
    rows = list(streams)
    firms = pd.DataFrame([_firm(sid, lat, lon) for sid, _, _, _, lat, lon in rows], columns=list(FIRMS.names))
    frame = pd.DataFrame([_stream(sid, d, cat, t) for sid, d, cat, t, _, _ in rows])
    return Registry(firms, with_optional_columns(frame, STREAMS)).validate()
