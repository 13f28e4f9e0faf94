"""Read the mutualisation files of a folder (the I/O edge of :mod:`symbiosis.mutual`).

A folder holds any of ``purchases``, ``capacity_offers``, ``capacity_needs``, ``treatment_needs``,
``pickups`` and ``receivers`` as ``.csv`` or ``.xlsx`` (English names, or the French ones of
:data:`FRENCH_FILES`); a missing file is an empty table.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Collection
from pathlib import Path

import pandas as pd

from symbiosis.ingest.rows import ImportResult
from symbiosis.mutual.ingest import FRENCH_STEMS, mutual_data, validate_mutual_bytes
from symbiosis.mutual.reference import check_unit_table
from symbiosis.mutual.tables import MUTUAL_TABLES, MutualData

__all__ = ["FRENCH_FILES", "UNIT_FILES", "find_mutual_files", "read_mutual_dir", "read_unit_table"]

logger = logging.getLogger(__name__)

#: File names of the advisor's treatment-unit table in a folder.
UNIT_FILES: tuple[str, ...] = ("treatment_units.csv", "unites_traitement.csv")

#: French file stem of each table (``achats.csv`` for ``purchases``…).
FRENCH_FILES: dict[str, str] = dict(FRENCH_STEMS)


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


def read_unit_table(path: Path) -> tuple[pd.DataFrame | None, list[str]]:
    """The advisor's treatment-unit table of a CSV file (``,`` or ``;``): valid rows, and the problems."""
    try:
        table = pd.read_csv(
            path, sep=None, engine="python", dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        return None, [f"{Path(path).name}: illisible / unreadable ({exc})"]
    clean, problems = check_unit_table(
        table
    )  # numbers read as written in French: « 1,200 » is asked, not 1.2
    return (clean if len(clean) else None), [f"{Path(path).name}: {p}" for p in problems]


def read_mutual_dir(
    folder: Path, *, known_firm_ids: Collection[str] | None = None
) -> tuple[MutualData, dict[str, ImportResult]]:
    """Validate every mutualisation file of ``folder``; return the valid rows and each file's result.

    Rows with errors are left out (each result's report says which and why); a folder without any
    such file gives empty tables. A ``treatment_units.csv`` (``unites_traitement.csv``) in the folder
    is the advisor's unit table (:func:`read_unit_table`).
    """
    results = {
        table: validate_mutual_bytes(
            path.read_bytes(), table, filename=path.name, known_firm_ids=known_firm_ids
        )
        for table, path in find_mutual_files(folder).items()
    }
    data = mutual_data(results)
    for name in UNIT_FILES:
        if (Path(folder) / name).is_file():
            specs, problems = read_unit_table(Path(folder) / name)
            for problem in problems:
                logger.warning("%s", problem)
            data = dataclasses.replace(data, unit_specs=specs)
            break
    return data, results
