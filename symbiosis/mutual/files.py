"""Read the mutualisation files of a folder (the I/O edge of :mod:`symbiosis.mutual`).

A folder holds any of ``purchases``, ``capacity_offers``, ``capacity_needs``, ``treatment_needs``,
``pickups`` and ``receivers`` as ``.csv`` or ``.xlsx`` (English names, or the French ones of
:data:`FRENCH_FILES`); a missing file is an empty table.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from symbiosis.ingest.rows import ImportResult
from symbiosis.mutual.ingest import mutual_data, validate_mutual_bytes
from symbiosis.mutual.tables import MUTUAL_TABLES, MutualData

__all__ = ["FRENCH_FILES", "find_mutual_files", "read_mutual_dir"]

#: French file stem of each table (``achats.csv`` for ``purchases``…).
FRENCH_FILES: dict[str, str] = {
    "purchases": "achats",
    "capacity_offers": "capacites_offertes",
    "capacity_needs": "besoins_equipements",
    "treatment_needs": "besoins_traitement",
    "pickups": "collectes",
    "receivers": "receveurs",
}


def find_mutual_files(folder: Path) -> dict[str, Path]:
    """The file of each table found in ``folder`` (CSV before XLSX, English name before French)."""
    found = {}
    for table in MUTUAL_TABLES:
        for stem in (table, FRENCH_FILES[table]):
            for ext in (".csv", ".xlsx"):
                path = Path(folder) / f"{stem}{ext}"
                if table not in found and path.is_file():
                    found[table] = path
    return found


def read_mutual_dir(
    folder: Path, *, known_firm_ids: Collection[str] | None = None
) -> tuple[MutualData, dict[str, ImportResult]]:
    """Validate every mutualisation file of ``folder``; return the valid rows and each file's result.

    Rows with errors are left out (each result's report says which and why); a folder without any
    such file gives empty tables.
    """
    results = {
        table: validate_mutual_bytes(
            path.read_bytes(), table, filename=path.name, known_firm_ids=known_firm_ids
        )
        for table, path in find_mutual_files(folder).items()
    }
    return mutual_data(results), results
