"""Shared builders for the synergy tests: an engine-like exchange row and a two-firm database."""

from __future__ import annotations

from typing import Any

import pandas as pd

from symbiosis.db import Actor, Repository
from symbiosis.engine.config import MatchConfig


def exchange(supply_id: str, demand_id: str, supply_firm_id: str, demand_firm_id: str, **over: Any) -> dict:
    """One exchange row as the engine writes it: 100 t/yr of sawdust over 40 km road to a pellet plant."""
    row = dict(
        candidate_id=f"{supply_id}>{demand_id}",
        supply_id=supply_id,
        demand_id=demand_id,
        supply_firm_id=supply_firm_id,
        demand_firm_id=demand_firm_id,
        supply_category_id="wood_sawdust",
        demand_category_id="pellet_feedstock",
        kind="material",
        flow_per_yr=100.0,
        delivered_per_yr=100.0,
        quantity_unit="t/yr",
        demand_unit="t/yr",
        road_distance_km=40.0,
        distance_km=30.77,
        transport_mode="truck",
        t_per_unit=1.0,
        trips_per_unit=0.04,
        yield_ratio=1.0,
        avoided_disposal_cad_per_unit=110.0,
        avoided_purchase_cad_per_unit=40.0,
        transport_cost_cad_per_unit=13.2,
        pretreatment_cost_cad_per_unit=8.0,
        mass_t_per_yr=100.0,
        diverted_t_per_yr=100.0,
        net_value_cad_per_yr=12880.0,
        co2e_avoided_t_per_yr=33.6,
        disposal_factor_id="landfill_wood",
        virgin_factor_id="virgin_wood_chips",
        transport_factor_id="truck_diesel_freight",
        rule_id="R1",
        pretreatment="screening",
    )
    row.update(over)
    return row


def exchanges(*rows: dict) -> pd.DataFrame:
    """A frame of exchange rows."""
    return pd.DataFrame(list(rows))


def config() -> MatchConfig:
    """A config whose transport prices are the hand case's: 0.18 $/t·km, 150 $/trip, 25 t payload."""
    return MatchConfig()


class FakeResult:
    """The two attributes ``record_proposals`` reads from a MatchResult."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.exchanges = frame
        self.config = config()


def seed_pair(repo: Repository, make_firms, make_streams, firm_row, stream_row) -> None:
    """Firms A (sawmill, supplies A-1) and B (pellet plant, demands B-1) and a third firm C."""
    system = Actor.system("seed")
    repo.upsert_firms(
        system,
        make_firms(
            firm_row("A", "Scierie Péribonka ltée", municipality="Dolbeau-Mistassini"),
            firm_row(
                "B",
                "Granules du Lac",
                scian_code="321999",
                contact_name="Luc Gagnon",
                contact_email="lg@example.org",
            ),
            firm_row("C", "Fonderie Tierce", scian_code="331313"),
        ),
    )
    repo.upsert_streams(
        system,
        make_streams(
            stream_row("A-1", "A", "supply"),
            stream_row("B-1", "B", "demand", category_id="pellet_feedstock"),
            stream_row("C-1", "C", "demand", category_id="pellet_feedstock"),
        ),
    )


def seed_schema_pair(repo: Repository) -> None:
    """:func:`seed_pair` with rows of the registry's own schemas (``conftest``'s firm and stream rows)."""
    from symbiosis.schemas import FIRMS, STREAMS
    from tests.conftest import _firm_row, _stream_row

    seed_pair(
        repo,
        lambda *r: pd.DataFrame(list(r), columns=FIRMS.names),
        lambda *r: pd.DataFrame(list(r), columns=STREAMS.names),
        _firm_row,
        _stream_row,
    )


def contacted_pair(path, advisor: Actor):
    """A registry at ``path`` with one synergy A → B, qualified and contacted (open to consent).

    Returns the repository (the caller closes it), its synergy store and the synergy's id.
    """
    from symbiosis.services.synergy_store import SynergyRepository

    repo = Repository.from_url(f"sqlite:///{path}")
    seed_schema_pair(repo)
    store = SynergyRepository(repo)
    store.record_proposals(advisor, FakeResult(exchanges(exchange("A-1", "B-1", "A", "B"))))
    sid = store.synergies(advisor).synergy_id.iat[0]
    for status in ("qualified", "contacted"):
        store.transition(advisor, sid, status)
    return repo, store, sid
