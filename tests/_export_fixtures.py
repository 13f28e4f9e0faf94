"""Registries for the export tests: who consented to what, and formula payloads in every text field.

:func:`consent_db` writes a registry whose non-consenting firms have names, ids, contacts and
coordinates that cannot appear by chance, records the engine's proposals and the firms'
decisions. :func:`hostile_db` puts a formula payload in every text field a person can type.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from symbiosis.db import Actor, Repository
from symbiosis.registry import Registry
from symbiosis.schemas import FIRMS, STREAMS, with_optional_columns
from symbiosis.services.report_source import match_result
from symbiosis.services.synergy_store import SynergyRepository
from tests._registry_helpers import firm, stream

SYSTEM = Actor.system("test")
ADVISOR = Actor("adele", "advisor")

#: Formula payloads of issue #12 (item 8).
PAYLOADS = (
    "=1+1",
    "+1+1",
    "-1+A1",
    "@SUM(1;2)",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("http://x","y")',
    "Acme\r=cmd|' /C calc'!A0",
    "Bois;=1+1",
    "Bois,-A1",
    "x\n@cmd",
)


@dataclass(frozen=True)
class Secret:
    """What must never appear in an anonymised file about one non-consenting firm."""

    firm_id: str
    name: str
    contact: str
    email: str
    lat: float
    lon: float
    streams: tuple[str, ...]

    def needles(self) -> list[str]:
        """Texts to look for: name, id, contact, e-mail, stream ids, coordinates to 3 and 4 decimals."""
        coords = [f"{v:.4f}" for v in (self.lat, self.lon)] + [f"{v:.3f}" for v in (self.lat, self.lon)]
        coords += [c.replace(".", ",") for c in coords]
        return [self.name, self.firm_id, self.contact, self.email, *self.streams, *coords]


#: Non-consenting firms of :func:`consent_db`: confidential, members-only, and public ones that
#: declined or never decided.
SECRETS = (
    Secret(
        "SECRETCONF01",
        "Confidentielle Gamma inc.",
        "Gaston Secret",
        "gaston@gamma.example",
        48.87613,
        -72.24187,
        ("STRSECRETD01",),
    ),
    Secret(
        "SECRETMEMB02",
        "Membres Epsilon ltée",
        "Emma Membre",
        "emma@epsilon.example",
        48.51777,
        -72.23519,
        ("STRSECRETD02",),
    ),
    Secret(
        "PUBLICDECL03",
        "Déclinante Delta SENC",
        "Denis Refus",
        "denis@delta.example",
        48.42173,
        -71.06311,
        ("STRDECLD03",),
    ),
)
#: Public firms that accept their synergies (may be named in anonymised files).
CONSENTING = ("Scierie Alpha Publique", "Chaufferie Bêta Publique")


def _frames(rows, schema) -> pd.DataFrame:
    return with_optional_columns(pd.DataFrame(rows), schema)[schema.names]


def consent_registry() -> Registry:
    """Two public sawmills supply sawdust; receivers: one public that accepts, three that may not be named."""
    conf, memb, decl = SECRETS
    firms = [
        firm(
            "PUBALPHA01",
            CONSENTING[0],
            "Alma",
            48.55011,
            -71.65023,
            confidentiality="public",
            contact_name="Alice Alpha",
            contact_email="alice@alpha.example",
        ),
        firm(
            "PUBBETA002",
            CONSENTING[1],
            "Alma",
            48.56033,
            -71.64044,
            confidentiality="public",
            contact_name="Bruno Bêta",
            contact_email="bruno@beta.example",
        ),
        firm(
            conf.firm_id,
            conf.name,
            "Dolbeau-Mistassini",
            conf.lat,
            conf.lon,
            confidentiality="confidential",
            contact_name=conf.contact,
            contact_email=conf.email,
        ),
        firm(
            memb.firm_id,
            memb.name,
            "Roberval",
            memb.lat,
            memb.lon,
            confidentiality="members",
            contact_name=memb.contact,
            contact_email=memb.email,
        ),
        firm(
            decl.firm_id,
            decl.name,
            "Saguenay",
            decl.lat,
            decl.lon,
            confidentiality="public",
            contact_name=decl.contact,
            contact_email=decl.email,
        ),
    ]
    fuel, price = "biomass_fuel_wood", {"purchase_price_cad_per_unit": 35.0}
    streams = [
        stream("STRALPHAS01", "PUBALPHA01", "supply", "wood_sawdust", 5000, disposal_cost_cad_per_unit=40.0),
        stream("STRBETAD01", "PUBBETA002", "demand", fuel, 800, **price),
        stream(conf.streams[0], conf.firm_id, "demand", fuel, 900, **price),
        stream(memb.streams[0], memb.firm_id, "demand", fuel, 700, **price),
        stream(decl.streams[0], decl.firm_id, "demand", "pellet_feedstock", 1500, **price),
    ]
    return Registry(_frames(firms, FIRMS), _frames(streams, STREAMS)).validate()


def _firm_actor(firm_id: str) -> Actor:
    return Actor(f"user-{firm_id}", "firm", firm_id)


def consent_db(path: Path) -> Path:
    """Write :func:`consent_registry`, record the proposals, qualify and contact them all, record decisions.

    Alpha and Bêta accept their synergy; Delta (public) declines its synergy with Alpha; the
    confidential and members-only firms accept theirs (acceptance is not consent to be *named*).
    """
    reg = consent_registry()
    with Repository.from_url(f"sqlite:///{path}") as repo:
        repo.upsert_firms(SYSTEM, reg.firms)
        repo.upsert_streams(SYSTEM, reg.streams)
        store = SynergyRepository(repo)
        store.record_proposals(ADVISOR, match_result(repo.load_registry(SYSTEM)))
        for row in store.synergies(ADVISOR).itertuples():
            store.transition(ADVISOR, row.synergy_id, "qualified")
            store.transition(ADVISOR, row.synergy_id, "contacted")
            for firm_id in (row.supply_firm_id, row.demand_firm_id):
                if firm_id == SECRETS[2].firm_id:
                    store.consent(_firm_actor(firm_id), row.synergy_id, "decline", reason="no_interest")
                elif firm_id != "PUBALPHA01" or row.demand_firm_id != SECRETS[2].firm_id:
                    store.consent(_firm_actor(firm_id), row.synergy_id, "accept")
            if row.demand_firm_id == SECRETS[2].firm_id:
                store.consent(_firm_actor("PUBALPHA01"), row.synergy_id, "accept")
    return path


def hostile_registry() -> Registry:
    """Eight firms (four sawmills, four boiler plants) whose every free-text field holds a payload.

    Firm ``i`` is named after payload ``i``, so that every payload reaches the named tables.
    """
    others = iter(PAYLOADS * 20)
    firms, streams = [], []
    places = [
        ("Alma", 48.55, -71.65),
        ("Saguenay", 48.42, -71.06),
        ("Roberval", 48.52, -72.23),
        ("Dolbeau-Mistassini", 48.88, -72.23),
    ]
    for i in range(8):
        town, lat, lon = places[i % 4]
        fid = f"HOST{i}"
        firms.append(
            firm(
                fid,
                f"{PAYLOADS[i]} {i}",
                town,
                lat + i / 1000,
                lon,
                confidentiality="public",
                contact_name=next(others),
                contact_email=f"x{i}@example.org",
                contact_phone=next(others),
            )
        )
        direction, category = ("supply", "wood_sawdust") if i % 2 == 0 else ("demand", "biomass_fuel_wood")
        price = {"disposal_cost_cad_per_unit": 40.0} if i % 2 == 0 else {"purchase_price_cad_per_unit": 35.0}
        streams.append(
            stream(
                f"{fid}-S",
                fid,
                direction,
                category,
                900 + i,
                description=next(others),
                quality_notes=next(others),
                **price,
            )
        )
    return Registry(_frames(firms, FIRMS), _frames(streams, STREAMS)).validate()


def hostile_db(path: Path) -> Path:
    """Write :func:`hostile_registry`, record its proposals with payload notes, owners and decisions."""
    reg = hostile_registry()
    cycle = iter(PAYLOADS * 50)
    with Repository.from_url(f"sqlite:///{path}") as repo:
        repo.upsert_firms(SYSTEM, reg.firms)
        repo.upsert_streams(SYSTEM, reg.streams)
        store = SynergyRepository(repo)
        store.record_proposals(ADVISOR, match_result(repo.load_registry(SYSTEM)))
        for row in store.synergies(ADVISOR).itertuples():
            store.transition(
                ADVISOR,
                row.synergy_id,
                "qualified",
                note=next(cycle),
                owner_id=next(cycle),
                next_action=next(cycle),
            )
            for firm_id in {row.supply_firm_id, row.demand_firm_id}:
                store.consent(_firm_actor(firm_id), row.synergy_id, "accept", note=next(cycle))
    return path
