"""Import files into the registry: validate with :mod:`symbiosis.ingest`, store the valid rows.

The one workflow behind ``symbiosis init --sample``, ``symbiosis import`` and the app's upload:
read and validate both files (in the app, in a separate process with a time budget), store every
valid row through the repository (which checks the actor's rights and audits the write) together
with the import batch and its report in one transaction, and hand back the report and the rejected
rows. A file with bad rows never loses its good ones.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from symbiosis.db import Actor, Repository
from symbiosis.ingest import ImportBatch, ImportResult, import_tables
from symbiosis.ingest.firms import Locator
from symbiosis.kb import load_categories
from symbiosis.kb.waste_codes import load_waste_codes
from symbiosis.places.geocode import GazetteerGeocoder
from symbiosis.places.parks import load_parks
from symbiosis.sandbox import run_bounded

__all__ = [
    "IMPORT_TIME_BUDGET_S",
    "SAMPLE_DIR",
    "ImportContext",
    "default_context",
    "import_files",
    "import_into_registry",
    "import_permits",
    "validate_files",
]

logger = logging.getLogger(__name__)

#: Seconds an upload may spend being read and validated in the app (a 50,000-row XLSX takes ~20 s).
IMPORT_TIME_BUDGET_S = 120.0
#: Address-space cap of the validation worker: a decompression bomb fails there, not in the server.
WORKER_MEMORY_BYTES = 4 * 1024**3
#: The bundled fictional sample region (``make sample`` regenerates it).
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"


@dataclass(frozen=True)
class ImportContext:
    """The reference tables the validators check against.

    Parameters
    ----------
    categories
        Resource categories of the knowledge base.
    waste_codes
        The EU List of Waste.
    parks
        Industrial parks (to place a firm from its park).
    geocoder
        Resolves a municipality to coordinates (offline gazetteer by default).
    home_region
        Declared coordinates must lie in or near Québec (False: anywhere, e.g. the evaluation corpus).
    """

    categories: pd.DataFrame
    waste_codes: pd.DataFrame
    parks: pd.DataFrame
    geocoder: Locator | None
    home_region: bool = True


@functools.lru_cache(maxsize=1)
def default_context() -> ImportContext:
    """Return the shipped knowledge base, parks and the offline gazetteer."""
    return ImportContext(load_categories(), load_waste_codes(), load_parks(), GazetteerGeocoder())


def _report_json(result: ImportResult) -> dict:
    frame = result.report.to_frame("en").astype(object)
    records = frame.where(frame.notna(), None).to_dict(orient="records")
    report = result.report
    return {
        "rows": report.n_rows,
        "valid": report.n_valid,
        "issue_counts": report.counts(),
        "issues": records,
    }


def validate_files(
    firms_bytes: bytes | None,
    streams_bytes: bytes | None,
    *,
    existing_firm_ids: set[str],
    firms_filename: str = "firms.csv",
    streams_filename: str = "streams.csv",
    context: ImportContext | None = None,
    taken_stream_ids: frozenset[str] = frozenset(),
) -> ImportBatch:
    """Read and validate the files (pure: no database, no file); what the time-bounded worker runs."""
    context = context or default_context()
    return import_tables(
        firms_bytes,
        streams_bytes,
        geocoder=context.geocoder,
        parks=context.parks,
        categories=context.categories,
        waste_codes=context.waste_codes,
        existing_firm_ids=existing_firm_ids,
        firms_filename=firms_filename,
        streams_filename=streams_filename,
        home_region=context.home_region,
        taken_stream_ids=taken_stream_ids,
    )


def import_into_registry(
    repo: Repository,
    actor: Actor,
    *,
    firms_bytes: bytes | None = None,
    streams_bytes: bytes | None = None,
    firms_filename: str = "firms.csv",
    streams_filename: str = "streams.csv",
    context: ImportContext | None = None,
    time_budget_s: float | None = None,
) -> ImportBatch:
    """Validate one firms file and/or one streams file and store their valid rows.

    Parameters
    ----------
    repo
        The registry.
    actor
        On whose behalf the rows are written (a firm may only write its own rows).
    firms_bytes, streams_bytes
        File contents (CSV or XLSX); either may be ``None``.
    firms_filename, streams_filename
        The names of the uploaded files (they pick the format and appear in the report).
    context
        Reference tables; the shipped ones by default.
    time_budget_s
        When given, reading and validation run in a separate process killed after this many seconds
        (:func:`symbiosis.sandbox.run_bounded`): what the app does with an upload, so that one file
        never holds the server. ``None`` validates in this process (command line, tests).

    Returns
    -------
    ImportBatch
        Per file: the valid rows (now stored), the rejected rows and the bilingual report.

    Raises
    ------
    symbiosis.sandbox.BudgetExceeded
        Validation ran out of its time budget; nothing was stored.
    """
    existing = set(repo.firms(actor)["firm_id"])
    names = {"firms_filename": firms_filename, "streams_filename": streams_filename}

    def validate(taken: frozenset[str]) -> ImportBatch:
        if time_budget_s is None:
            return validate_files(
                firms_bytes,
                streams_bytes,
                existing_firm_ids=existing,
                context=context,
                taken_stream_ids=taken,
                **names,
            )
        return run_bounded(
            validate_files,
            firms_bytes,
            streams_bytes,
            existing_firm_ids=existing,
            context=context,
            taken_stream_ids=taken,
            timeout_s=time_budget_s,
            memory_bytes=WORKER_MEMORY_BYTES,
            **names,
        )

    batch = validate(frozenset())
    if batch.streams is not None and len(batch.streams.valid):
        # A row reusing another firm's stream id is refused alone, with its row and column: once
        # stored rows are known, the file is read again with them (rare; the repository would
        # otherwise refuse the whole file and lose its good rows).
        taken = repo.streams_of_other_firms(actor, batch.streams.valid["stream_id"])
        if taken:
            batch = validate(frozenset(taken))
    for result, filename, table in (
        (batch.firms, firms_filename, "firms"),
        (batch.streams, streams_filename, "streams"),
    ):
        if result is None:
            continue
        written, _ = repo.import_rows(
            actor,
            table,
            result.valid,
            source_filename=Path(filename).name,
            accepted=len(result.valid),
            rejected=result.report.n_rejected,
            report=_report_json(result),
        )
        logger.info(
            "%s: %d rows accepted (%d new or changed), %d rejected",
            filename,
            len(result.valid),
            written,
            result.report.n_rejected,
        )
    return batch


def import_files(
    repo: Repository,
    actor: Actor,
    *,
    firms_path: Path | None = None,
    streams_path: Path | None = None,
    context: ImportContext | None = None,
) -> ImportBatch:
    """Read the files at the given paths and import them (see :func:`import_into_registry`)."""
    return import_into_registry(
        repo,
        actor,
        firms_bytes=firms_path.read_bytes() if firms_path else None,
        streams_bytes=streams_path.read_bytes() if streams_path else None,
        firms_filename=firms_path.name if firms_path else "firms.csv",
        streams_filename=streams_path.name if streams_path else "streams.csv",
        context=context,
    )


def import_permits(
    repo: Repository,
    actor: Actor,
    data: bytes,
    *,
    filename: str = "permits.csv",
    context: ImportContext | None = None,
) -> ImportResult:
    """Validate a permits file (Québec authorisations of receivers) and store its valid rows.

    Authorisations may only name firms already in the registry; the valid rows, the batch and its
    report are stored in one transaction, like any import (both or neither).
    """
    from symbiosis.ingest import read_table
    from symbiosis.ingest.permits import validate_permits

    context = context or default_context()
    known = set(repo.firms(actor)["firm_id"])
    result = validate_permits(
        read_table(data, filename=filename), known_firm_ids=known, categories=context.categories
    )
    written, _ = repo.import_rows(
        actor,
        "permits",
        result.valid,
        source_filename=Path(filename).name,
        accepted=len(result.valid),
        rejected=result.report.n_rejected,
        report=_report_json(result),
    )
    logger.info(
        "%s: %d permits accepted (%d new or changed), %d rejected",
        filename,
        len(result.valid),
        written,
        result.report.n_rejected,
    )
    return result
