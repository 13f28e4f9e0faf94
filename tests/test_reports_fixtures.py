"""Small hand-made registry for the report and event tests (no tests here; imported by them).

Six firms in four MRCs. ``C1`` is confidential and ``M1`` members-only: in anonymised mode neither
name nor exact coordinate may appear anywhere. ``P2`` has a hostile name that a spreadsheet would
run as a formula.
"""

from __future__ import annotations

import pandas as pd

from symbiosis.registry import Registry
from symbiosis.schemas import FIRMS, STREAMS, with_optional_columns
from tests._registry_helpers import firm, stream

HOSTILE = '=HYPERLINK("http://x","y")'
SECRET_NAMES = ("Granules Secrètes inc.", "Serres des Membres")
SECRET_COORDS = ((48.88123, -72.23456), (48.51234, -72.23987))


def report_registry() -> Registry:
    """Sawmills (public) supply sawdust and scrap to a mix of public and non-consenting receivers."""
    firms = pd.DataFrame(
        [
            firm("P1", "Scierie Publique", "Alma", 48.5501, -71.6502, confidentiality="public"),
            firm("P2", HOSTILE, "Saguenay", 48.4201, -71.0602, confidentiality="public"),
            firm("P3", "Scierie du Fjord", "Saint-Honoré", 48.5302, -71.0801, confidentiality="public"),
            firm(
                "C1", SECRET_NAMES[0], "Dolbeau-Mistassini", *SECRET_COORDS[0], confidentiality="confidential"
            ),
            firm("M1", SECRET_NAMES[1], "Roberval", *SECRET_COORDS[1], confidentiality="members"),
            firm("P4", "Chaufferie d'Alma", "Alma", 48.5603, -71.6404, confidentiality="public"),
        ]
    )[FIRMS.names]
    streams = pd.DataFrame(
        [
            stream("S1", "P1", "supply", "wood_sawdust", 3000, disposal_cost_cad_per_unit=40.0),
            stream("S2", "P3", "supply", "wood_sawdust", 2000, disposal_cost_cad_per_unit=40.0),
            stream("D1", "P2", "demand", "pellet_feedstock", 2500, purchase_price_cad_per_unit=30.0),
            stream("D2", "C1", "demand", "biomass_fuel_wood", 900, purchase_price_cad_per_unit=35.0),
            stream("D3", "M1", "demand", "biomass_fuel_wood", 700, purchase_price_cad_per_unit=35.0),
            stream("D4", "P4", "demand", "biomass_fuel_wood", 800, purchase_price_cad_per_unit=35.0),
        ]
    ).pipe(with_optional_columns, STREAMS)[STREAMS.names]
    return Registry(firms, streams).validate()


def seed_db(path) -> None:
    """Write :func:`report_registry` into an SQLite registry at ``path``."""
    from symbiosis.db import Actor, Repository

    reg = report_registry()
    with Repository.from_url(f"sqlite:///{path}") as repo:
        repo.upsert_firms(Actor.system("test"), reg.firms)
        repo.upsert_streams(Actor.system("test"), reg.streams)
