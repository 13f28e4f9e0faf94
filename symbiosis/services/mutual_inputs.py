"""The mutualisation levers' inputs in the registry: load them, import a file, save a firm's own rows.

The one workflow behind the advisor's data page, a firm's own tables and ``symbiosis import``: a file
(or a firm's edited rows) is validated by :mod:`symbiosis.mutual.ingest` (the same bilingual row and
column report as any import) and its valid rows *replace* the stored rows of the firms it names, with
the import batch and the audit entries, in one transaction (:mod:`symbiosis.db.mutual_inputs`). A row
refused by the validation keeps its stored version; rows of firms the file does not name are never
touched. A firm reads and writes only its own rows.

When a table holds nothing and the registry is the fictional sample (``symbiosis init --sample``),
advisors read the bundled sample's table instead (its rows whose firm is in the registry).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from symbiosis.db import Actor, PermissionDenied, Repository
from symbiosis.db.mutual_inputs import FIRM_TABLES, ReplaceOutcome, read_mutual_inputs, replace_mutual_rows
from symbiosis.i18n import Text, TextTable, t, tn
from symbiosis.ingest import ImportReport, ImportResult, RawTable
from symbiosis.mutual.files import find_mutual_files
from symbiosis.mutual.ingest import (
    read_mutual_upload,
    rejected_ids,
    validate_mutual_bytes,
    validate_mutual_table,
)
from symbiosis.mutual.tables import MutualData
from symbiosis.sandbox import BudgetExceeded, WorkerFailed, run_bounded
from symbiosis.services.firm_self_service import _own_firm_report
from symbiosis.services.importing import IMPORT_TIME_BUDGET_S, SAMPLE_DIR, WORKER_MEMORY_BYTES, _report_json
from symbiosis.services.upload_reports import KeptUpload, kept_upload
from symbiosis.views.mutual_cells import column_label

__all__ = [
    "FIRM_TABLES",
    "REFUSALS",
    "MutualImport",
    "StoredMutual",
    "firm_tables",
    "import_mutual_file",
    "kept_mutual_import",
    "load_mutual_inputs",
    "row_counts",
    "save_firm_rows",
    "validate_firm_rows",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredMutual:
    """The levers' tables an actor works with, and where each comes from.

    Parameters
    ----------
    data
        The validated tables.
    sources
        Table -> ``"stored"`` (the registry), ``"sample"`` (the bundled sample, nothing stored) or
        ``"empty"``.
    """

    data: MutualData
    sources: dict[str, str]

    @property
    def source(self) -> str:
        """``stored`` when any table is stored, else ``sample`` when any comes from it, else ``empty``."""
        values = set(self.sources.values())
        return next((s for s in ("stored", "sample") if s in values), "empty")


@functools.lru_cache(maxsize=12)
def _sample_table(table: str, known: frozenset[str]) -> pd.DataFrame:
    path = find_mutual_files(SAMPLE_DIR).get(table)
    if path is None:
        return getattr(MutualData(), table)
    result = validate_mutual_bytes(path.read_bytes(), table, filename=path.name, known_firm_ids=known)
    return result.valid


def load_mutual_inputs(repo: Repository, actor: Actor) -> StoredMutual:
    """Read the levers' tables the actor may see (a firm: its own rows, no receiver).

    A table with no stored row is the bundled sample's on a sample registry (advisors, managers and
    the system only); the tables are validated against the registry's firms.
    """
    frames, sample = read_mutual_inputs(repo, actor)
    sources = {name: "stored" if len(frame) else "empty" for name, frame in frames.items()}
    if sample and actor.reads_all and "empty" in sources.values():
        known = frozenset(repo.firms(actor)["firm_id"].astype(str))
        for name, source in sources.items():
            if source == "empty":
                frames[name] = _sample_table(name, known).copy()
                sources[name] = "sample" if len(frames[name]) else "empty"
    return StoredMutual(MutualData(**frames).validate(), sources)


@dataclass(frozen=True)
class MutualImport:
    """What importing one levers' file did.

    Parameters
    ----------
    filename
        The file's name.
    table
        The table it was read as, or None when it could not be recognised.
    result
        The validation (valid rows, rejected rows, the bilingual report), when it was validated.
    outcome
        What was stored, when something was (rows written, removed, kept; the batch).
    refused
        Why nothing was stored, when it was not.
    """

    filename: str
    table: str | None
    result: ImportResult | None = None
    outcome: ReplaceOutcome | None = None
    refused: Text | None = None

    def summary(self, lang: str) -> str:
        """One sentence saying what was replaced (firms, rows written, removed and kept)."""
        if self.outcome is None:
            return self.refused.get(lang) if self.refused is not None else ""
        o = self.outcome
        if self.table == "receivers":
            return t("mutual.store.receivers", lang, **row_counts(o, lang))
        firms = ", ".join(o.firms[:8]) + ("…" if len(o.firms) > 8 else "")
        text = tn("mutual.store.replaced", len(o.firms), lang, firms=firms or "—")
        written = row_counts(o, lang)["written"]
        text += " " + tn("mutual.store.counts", o.removed, lang, written=written)
        if o.kept:
            text += " " + tn("mutual.store.kept", len(o.kept), lang, ids=", ".join(o.kept[:8]))
        return text


def kept_mutual_import(imported: MutualImport) -> KeptUpload:
    """What the data page keeps of an imported file to show it again after a reload
    (:mod:`symbiosis.services.upload_reports`): its report, rejected rows and what storing it did."""
    summary = Text(imported.summary("fr"), imported.summary("en")) if imported.outcome is not None else None
    refused = imported.refused if imported.outcome is None else None
    return kept_upload(
        imported.filename, refused=refused, result=imported.result, table=imported.table, summary=summary
    )


def row_counts(outcome: ReplaceOutcome, lang: str) -> dict[str, str]:
    """The rows a write added or changed and removed, in words (``written``, ``removed``: « 1 ligne
    ajoutée ou modifiée », « 2 retirées »), for the messages that say what a save did."""
    return {
        "written": tn("mutual.rows.written", outcome.written, lang),
        "removed": tn("mutual.rows.removed", outcome.removed, lang),
    }


#: Why nothing was stored (bilingual, from the catalogue).
REFUSALS = TextTable("mutual.store.refused")


def _refusal(exc: PermissionDenied) -> Text:
    return REFUSALS["other_firm"].format(keys=", ".join(exc.keys[:10]) or "-")


def _store(
    repo: Repository,
    actor: Actor,
    table: str,
    result: ImportResult,
    *,
    firm_ids: Collection[str],
    filename: str | None,
) -> tuple[ReplaceOutcome | None, Text | None]:
    batch = None
    if filename is not None:
        batch = {
            "source_filename": Path(filename).name,
            "accepted": len(result.valid),
            "rejected": result.report.n_rejected,
            "report": _report_json(result),
        }
    try:
        outcome = replace_mutual_rows(
            repo,
            actor,
            table,
            result.valid,
            firm_ids=firm_ids,
            keep_ids=rejected_ids(result, table),
            batch=batch,
        )
    except PermissionDenied as exc:
        if not actor.can_write:
            return None, REFUSALS["read_only"]
        return None, _refusal(exc)
    logger.info(
        "%s: %d %s rows written, %d removed, %d kept",
        filename or "form",
        outcome.written,
        table,
        outcome.removed,
        len(outcome.kept),
    )
    return outcome, None


def import_mutual_file(
    repo: Repository,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    table: str | None = None,
    time_budget_s: float | None = IMPORT_TIME_BUDGET_S,
) -> MutualImport:
    """Validate one levers' file and store its valid rows, replacing the rows of the firms it names.

    Parameters
    ----------
    repo
        The registry.
    actor
        On whose behalf: a firm's file may only name itself (rows naming another firm are rejected
        and say so); the receivers are the advisors'.
    data, filename
        The file (CSV or XLSX) and its name (``achats.csv``, ``pickups.xlsx``… names its table).
    table
        The table, when the caller knows it; else from the file's name, else from its headers.
    time_budget_s
        The file is read and validated in a separate process killed after this many seconds, with
        the importer's memory cap (:func:`symbiosis.sandbox.run_bounded`), as a streams upload is:
        the app's server keeps answering other users meanwhile, and a file that needs more is
        refused whole, nothing stored. ``None`` validates in this process (command line, tests).

    Returns
    -------
    MutualImport
        The report and what was stored; ``refused`` says why nothing was (an unrecognised file, a
        file over the budget, a write refused by the registry). A firm a file names only through
        rejected rows keeps its stored rows; a rejected row keeps its stored version.
    """
    known: set[str] = set(repo.firms(actor)["firm_id"].astype(str))  # a firm's actor reads itself only
    try:
        table, result = _read_upload(data, filename, table, known, time_budget_s)
    except BudgetExceeded as exc:
        return MutualImport(
            filename, table, refused=REFUSALS["too_slow"].format(seconds=f"{exc.seconds:.0f}")
        )
    except (WorkerFailed, MemoryError):  # the worker's memory cap: a bomb fails there, not in the server
        return MutualImport(filename, table, refused=REFUSALS["too_big"])
    if table is None or result is None:
        return MutualImport(filename, None, refused=REFUSALS["unknown_file"].format(name=Path(filename).name))
    if actor.role == "firm" and table not in FIRM_TABLES:
        return MutualImport(filename, table, refused=REFUSALS["receivers"])
    if actor.role == "firm" and actor.firm_id:
        result = _own_firm_report(result, actor.firm_id)
    firms = set(result.valid["firm_id"].astype(str)) if table in FIRM_TABLES else set()
    outcome, refused = _store(repo, actor, table, result, firm_ids=firms, filename=filename)
    return MutualImport(filename, table, result, outcome, refused)


def _read_upload(
    data: bytes, filename: str, table: str | None, known: set[str], time_budget_s: float | None
) -> tuple[str | None, ImportResult | None]:
    if time_budget_s is None:
        return read_mutual_upload(data, filename, table=table, known_firm_ids=known)
    return run_bounded(
        read_mutual_upload,
        data,
        filename,
        table=table,
        known_firm_ids=known,
        timeout_s=time_budget_s,
        memory_bytes=WORKER_MEMORY_BYTES,
    )


def firm_tables(repo: Repository, actor: Actor, firm_id: str) -> dict[str, pd.DataFrame]:
    """A firm's own stored rows of each table it declares (another firm's: refused and audited)."""
    frames, _ = read_mutual_inputs(repo, actor, firm_id=firm_id)
    return {name: frames[name] for name in FIRM_TABLES}


def validate_firm_rows(
    rows: Sequence[Mapping[str, str]],
    table: str,
    firm_id: str,
    *,
    lang: str = "fr",
    row_numbers: Sequence[int] | None = None,
) -> ImportResult:
    """Validate a firm's edited rows of ``table`` exactly as a file of that firm would be.

    Parameters
    ----------
    rows
        Import column -> cell text, one mapping per row (``views.mutual_cells.EDITOR_COLUMNS``).
    table
        One of :data:`FIRM_TABLES`.
    firm_id
        The signed-in firm (every row is given it).
    lang
        Language of the numbers (``12,5`` in French) and of the words.
    row_numbers
        The number of each row in the report (its row on screen); 1, 2, 3… by default.
    """
    if table not in FIRM_TABLES:
        raise ValueError(f"a firm edits {FIRM_TABLES}, not {table!r}")
    columns = ["firm_id", *(c for c in rows[0] if c != "firm_id")] if rows else ["firm_id"]
    frame = pd.DataFrame(
        [[firm_id, *(str(row.get(c, "") or "") for c in columns[1:])] for row in rows],
        columns=columns,
        dtype=object,
    )
    numbers = tuple(row_numbers) if row_numbers is not None else tuple(range(1, len(rows) + 1))
    raw = RawTable(frame, source_rows=numbers, lang="en" if lang == "en" else "fr", filename="form")
    result = validate_mutual_table(raw, table, known_firm_ids={firm_id})
    return _with_labels(result, lang)


def _with_labels(result: ImportResult, lang: str) -> ImportResult:
    """Name each finding's column as the editor's header reads, not by its import name."""
    issues = tuple(
        dataclasses.replace(i, column=column_label(i.column, lang)) if i.column else i
        for i in result.report.issues
    )
    report = ImportReport(issues, result.report.n_rows, result.report.n_valid)
    return ImportResult(result.valid, result.rejected, report)


def save_firm_rows(repo: Repository, actor: Actor, table: str, result: ImportResult) -> ReplaceOutcome | Text:
    """Replace the firm's rows of ``table`` by the valid edited rows (a rejected row keeps its stored one).

    Returns
    -------
    ReplaceOutcome or Text
        What was stored, or why nothing was (bilingual).
    """
    if actor.firm_id is None:
        raise ValueError("save_firm_rows is a firm's own table: the actor has no firm")
    outcome, refused = _store(repo, actor, table, result, firm_ids={actor.firm_id}, filename=None)
    return outcome if outcome is not None else refused  # type: ignore[return-value]
