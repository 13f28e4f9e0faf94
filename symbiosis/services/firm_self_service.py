"""A firm's self-service: read its own firm, validate its forms through the importer, write its rows.

Everything here reads and writes through the :class:`~symbiosis.db.Repository` with the firm's
:class:`~symbiosis.db.Actor`, so the repository's access rules apply: asking for another firm raises
:class:`~symbiosis.db.PermissionDenied` (and is audited). Validation is the importer's: a form's
values become a one-row :class:`~symbiosis.ingest.RawTable` checked by
:func:`~symbiosis.ingest.validate_firms` or :func:`~symbiosis.ingest.validate_streams`, and an
uploaded file goes through :func:`~symbiosis.services.importing.import_into_registry`, so that a
form, an edited table and an uploaded file are checked and reported alike, and a firm can only ever
write its own rows. The screens' pure shaping is in :mod:`symbiosis.views.firm` and
:mod:`symbiosis.views.firm_streams`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from symbiosis.db import Actor, NotFound, PermissionDenied, Repository
from symbiosis.findings import Finding
from symbiosis.i18n import Text
from symbiosis.ingest import ImportBatch, ImportReport, ImportResult, validate_firms, validate_streams
from symbiosis.ingest.columns import ERRORS_COLUMN, FIRM_COLUMNS, STREAM_COLUMNS
from symbiosis.sandbox import BudgetExceeded, WorkerFailed
from symbiosis.services.importing import (
    IMPORT_TIME_BUDGET_S,
    ImportContext,
    default_context,
    import_into_registry,
)
from symbiosis.views.firm import raw_table

__all__ = [
    "UploadOutcome",
    "load_firm",
    "save_profile",
    "save_valid",
    "upload_streams",
    "validate_profile",
    "validate_stream_rows",
]


def load_firm(repo: Repository, actor: Actor, firm_id: str) -> pd.Series:
    """Return the row of ``firm_id`` as the actor may read it.

    Raises
    ------
    PermissionDenied
        The actor may not read this firm (audited by the repository).
    NotFound
        No such firm.
    """
    firms = repo.firms(actor)
    match = firms[firms["firm_id"] == firm_id]
    if match.empty:
        repo.streams(actor, firm_id=firm_id)  # raises PermissionDenied (audited) for another firm
        raise NotFound(f"no firm {firm_id!r}")
    return match.iloc[0]


def validate_profile(
    cells: Mapping[str, str], firm_id: str, *, lang: str = "fr", context: ImportContext | None = None
) -> ImportResult:
    """Validate the profile form exactly as a one-row firms file of ``firm_id`` would be."""
    context = context or default_context()
    row = {**cells, "firm_id": firm_id}
    return validate_firms(
        raw_table([row], list(FIRM_COLUMNS), lang=lang), geocoder=context.geocoder, parks=context.parks
    )


def save_profile(repo: Repository, actor: Actor, result: ImportResult) -> int:
    """Store the valid row of :func:`validate_profile`; return the rows changed (0 or 1).

    Raises
    ------
    PermissionDenied
        The row is another firm's.
    """
    return repo.upsert_firms(actor, result.valid) if len(result.valid) else 0


def validate_stream_rows(
    rows: Sequence[Mapping[str, str]],
    firm_id: str,
    *,
    lang: str = "fr",
    row_numbers: Sequence[int] | None = None,
    context: ImportContext | None = None,
) -> ImportResult:
    """Validate rows of text cells as a streams file of ``firm_id`` (every row is given that firm).

    Parameters
    ----------
    rows
        Canonical column -> cell text, one mapping per row (a form, or edited table rows).
    firm_id
        The firm the rows belong to (the signed-in firm).
    lang
        Language of the headers, numbers and report.
    row_numbers
        The number of each row in the report (its row on screen); 1, 2, 3… by default.
    context
        Reference tables (the shipped knowledge base by default).
    """
    context = context or default_context()
    rows = [{**row, "firm_id": firm_id} for row in rows]
    raw = raw_table(rows, list(STREAM_COLUMNS), lang=lang, row_numbers=row_numbers)
    return validate_streams(
        raw, categories=context.categories, waste_codes=context.waste_codes, known_firm_ids={firm_id}
    )


def save_valid(repo: Repository, actor: Actor, result: ImportResult) -> int:
    """Store the valid rows of a validation through the repository; return the rows changed."""
    return repo.upsert_streams(actor, result.valid) if len(result.valid) else 0


@dataclass(frozen=True)
class UploadOutcome:
    """What an upload did.

    Parameters
    ----------
    batch
        The importer's batch (report, valid and rejected rows), or ``None`` when the repository
        refused the whole file.
    refused
        Why the repository refused the file (bilingual), when it did.
    """

    batch: ImportBatch | None
    refused: Text | None = None

    @property
    def report(self) -> ImportReport | None:
        """The streams report, if the file was validated."""
        return self.batch.streams.report if self.batch and self.batch.streams else None


_OTHER_FIRM = (
    Text("l'identifiant de votre entreprise ({firm_id})", "your firm's id ({firm_id})"),
    Text(
        "Vous ne pouvez déclarer que les flux de votre entreprise : écrivez {firm_id} dans "
        "cette colonne ou retirez la ligne.",
        "You can only declare your own firm's streams: write {firm_id} in this column or remove the row.",
    ),
)


def _own_firm_report(result: ImportResult, firm_id: str) -> ImportResult:
    """Reword the "unknown firm" errors of a firm's upload: the row names another firm.

    Both the report and the rejected-rows file (its errors column) say so, so that the file a
    firm downloads to fix its rows tells the same thing as the screen.
    """

    expected, fix = (x.format(firm_id=firm_id) for x in _OTHER_FIRM)
    pairs = [
        (
            i,
            Finding(
                row=i.row,
                column=i.column,
                expected=expected,
                found=i.found,
                fix=fix,
                severity=i.severity,
                code="firm_id.other_firm",
            ),
        )
        for i in result.report.issues
        if i.code == "firm_id.unknown"
    ]
    reworded = {id(old): new for old, new in pairs}
    issues = tuple(reworded.get(id(i), i) for i in result.report.issues)
    report = ImportReport(issues, result.report.n_rows, result.report.n_valid)
    rejected = result.rejected
    if pairs and ERRORS_COLUMN in rejected:

        def reword(text: object) -> object:
            if not isinstance(text, str):
                return text
            for old, new in pairs:
                for lang in ("fr", "en"):
                    text = text.replace(old.message(lang), new.message(lang))
            return text

        rejected = rejected.assign(**{ERRORS_COLUMN: rejected[ERRORS_COLUMN].map(reword)})
    return ImportResult(result.valid, rejected, report)


def upload_streams(
    repo: Repository,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    context: ImportContext | None = None,
    time_budget_s: float | None = IMPORT_TIME_BUDGET_S,
) -> UploadOutcome:
    """Import an uploaded streams file with the firm's actor (:func:`import_into_registry`).

    Rows naming another firm, or reusing the id of another firm's stream, are rejected by the
    validation (the firm only knows itself) with a message saying so, and the other rows are stored;
    should the repository still refuse the file (a stream taken meanwhile), that becomes
    :attr:`UploadOutcome.refused` rather than an exception. The file is
    read and validated in a separate process within ``time_budget_s`` seconds (the server keeps
    answering other users meanwhile); a file that needs more is refused whole, nothing stored.
    """
    try:
        batch = import_into_registry(
            repo,
            actor,
            streams_bytes=data,
            streams_filename=filename,
            context=context,
            time_budget_s=time_budget_s,
        )
    except PermissionDenied as exc:
        keys = ", ".join(exc.keys[:10]) or "-"
        return UploadOutcome(
            None,
            Text(
                f"Rien n'a été enregistré : le fichier touche des flux d'une autre entreprise ({keys}). "
                "Retirez ces lignes ou changez leur identifiant de flux, puis importez de nouveau.",
                f"Nothing was saved: the file touches streams of another firm ({keys}). Remove those rows "
                "or change their stream id, then upload again.",
            ),
        )
    except BudgetExceeded as exc:
        return UploadOutcome(
            None,
            Text(
                f"Rien n'a été enregistré : la lecture du fichier a dépassé {exc.seconds:.0f} s. Découpez-le "
                "en fichiers plus petits (quelques milliers de lignes chacun) et importez-les un à un.",
                f"Nothing was saved: reading the file took more than {exc.seconds:.0f} s. Split it into "
                "smaller files (a few thousand rows each) and upload them one by one.",
            ),
        )
    except WorkerFailed:
        return UploadOutcome(
            None,
            Text(
                "Rien n'a été enregistré : le fichier n'a pas pu être lu (trop de mémoire demandée). "
                "Enregistrez-le de nouveau en XLSX ou en CSV depuis Excel, ou découpez-le.",
                "Nothing was saved: the file could not be read (it needed too much memory). Save it again "
                "as XLSX or CSV from Excel, or split it.",
            ),
        )
    if actor.firm_id and batch.streams is not None:
        batch = ImportBatch(batch.firms, _own_firm_report(batch.streams, actor.firm_id))
    return UploadOutcome(batch)
