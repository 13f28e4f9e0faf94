"""Québec authorisations: the permits file, the repository, the index the candidates read."""

from __future__ import annotations

import numpy as np
import pandas as pd

from symbiosis.db import Actor
from symbiosis.engine.permits import PATHWAYS, PermitIndex, required_pathways
from symbiosis.ingest import guess_kind, read_table
from symbiosis.ingest.permits import validate_permits
from symbiosis.kb import load_categories
from symbiosis.schemas import PERMIT_TYPES, PERMITS, validate_frame
from tests._clock import EVENING_UTC, pin_utc

HEADER = (
    "id_autorisation;id_entreprise;type_autorisation;reference_autorisation;categories_couvertes;"
    "codes_dechets_couverts;valide_jusqu_au\n"
)
FILE = (
    HEADER
    + """P-1;F1;matières dangereuses;RMD 7610-02-01;al_spent_pot_lining;16 11;2030-12-31
P-2;F1;Guide MRF;MRF 2024-118;ash_wood_boiler|pulp_lime_mud;;
P-3;F2;autorisation ministérielle;AM 401;;;
P-4;F9;exemption;;*;;
P-5;F2;permis de conduire;X;*;;
"""
)


def test_the_permits_file_is_read_with_french_headers_and_words():
    raw = read_table(FILE.encode("utf-8"), filename="autorisations.csv")
    assert guess_kind(raw) == "permits"
    result = validate_permits(raw, known_firm_ids={"F1", "F2"}, categories=load_categories())
    assert validate_frame(result.valid, PERMITS) == []
    assert list(result.valid["permit_id"]) == ["P-1", "P-2"]
    assert list(result.valid["permit_type"]) == ["hazardous_materials", "mrf_guide"]
    assert result.valid.loc[0, "waste_codes"] == "1611"
    codes = {i.code for i in result.report.issues}
    assert {"categories.nothing_covered", "firm_id.unknown", "permit_type.invalid"} <= codes
    assert result.report.n_rejected == 3


def test_every_permit_type_satisfies_some_pathway():
    used = {t for p in PATHWAYS.values() for t in p.permit_types}
    assert used <= set(PERMIT_TYPES) and set(PERMIT_TYPES) - used == {"reafie_exemption"}


def test_a_waste_code_prefix_covers_the_categories_carrying_it():
    permits = pd.DataFrame(
        [
            {
                "permit_id": "P",
                "firm_id": "F",
                "permit_type": "hazardous_materials",
                "reference": "R",
                "categories": "",
                "waste_codes": "1611",
                "valid_until": pd.NaT,
                "conditions": "",
            }
        ]
    )
    index = PermitIndex.build(permits, categories=load_categories())
    firm = pd.util.hash_array(np.array(["F", "F"], dtype=object))
    covered, refs = index.covered(
        firm,
        np.array(["hazmat_permit"] * 2, dtype=object),
        np.array(["al_spent_pot_lining", "al_dross"], dtype=object),
        np.array(["", "100315"], dtype=object),
    )
    assert list(covered) == [True, False] and list(refs) == ["R", ""]


def test_required_pathways_add_the_hazardous_one():
    first, second = required_pathways(
        np.array(["cfia_feed", "", "hazmat_permit", ""], dtype=object), np.array([True, True, True, False])
    )
    assert list(first) == ["cfia_feed", "hazmat_permit", "hazmat_permit", ""]
    assert list(second) == ["hazmat_permit", "", "", ""]


def test_the_repository_stores_permits_and_the_registry_reads_them(
    repo, system, make_firms, make_streams, firm_row, stream_row
):
    repo.upsert_firms(system, make_firms(firm_row("A", "Traitement"), firm_row("B", "Autre")))
    repo.upsert_streams(system, make_streams(stream_row("A-1", "A", "demand")))
    assert repo.load_registry(system).permits is None  # nothing on file: pathways named, not enforced
    raw = read_table(FILE.replace("F1", "A").encode("utf-8"), filename="p.csv")
    valid = validate_permits(raw, known_firm_ids={"A"}).valid
    assert repo.upsert_permits(system, valid) == 2
    assert repo.upsert_permits(system, valid) == 0  # unchanged: nothing written
    registry = repo.load_registry(system)
    assert set(registry.permits["permit_id"]) == {"P-1", "P-2"}
    firm_b = Actor("b", "firm", "B")
    assert repo.permits(firm_b).empty
    repo.delete_permit(system, "P-2")
    assert list(repo.permits(system)["permit_id"]) == ["P-1"]


def _permit_valid_until(day: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "permit_id": "P",
                "firm_id": "F",
                "permit_type": "hazardous_materials",
                "reference": "R",
                "categories": "*",
                "waste_codes": "",
                "valid_until": pd.Timestamp(day),
                "conditions": "",
            }
        ]
    )


def test_a_permit_is_judged_valid_on_the_regions_day_not_the_servers(monkeypatch):
    # 30 June 23:30 in Saguenay is 1 July 03:30 UTC: a permit valid until 30 June still holds.
    pin_utc(monkeypatch, EVENING_UTC)
    firm = pd.util.hash_array(np.array(["F"], dtype=object))
    args = (firm, np.array(["hazmat_permit"], dtype=object), np.array(["x"], dtype=object), np.array([""]))
    covered, _ = PermitIndex.build(_permit_valid_until("2025-06-30")).covered(*args)
    assert list(covered) == [True]
    covered, _ = PermitIndex.build(_permit_valid_until("2025-06-29")).covered(*args)
    assert list(covered) == [False]
