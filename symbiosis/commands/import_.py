"""``symbiosis import``: validate firms, streams, permits and mutualisation files and store their valid rows.

A file is recognised by its headers (and, for the mutualisation levers' tables, by its name too:
``achats.csv``, ``pickups.xlsx``…). Firms are stored first, so that the other files may name them. A
levers' table replaces the rows of the firms it names (:mod:`symbiosis.services.mutual_inputs`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from symbiosis.commands._common import add_db_argument, database_url, print_json
from symbiosis.commands._imports import batch_summary, mutual_summary, print_batch, print_mutual
from symbiosis.db import Actor, Repository
from symbiosis.ingest import ImportBatch, RawTable, guess_kind, read_table, rejected_file
from symbiosis.services.importing import import_files, import_permits

if TYPE_CHECKING:
    from symbiosis.services.mutual_inputs import MutualImport

NAME = "import"
HELP = (
    "Import firms/streams/permits/mutualisation files into the registry / "
    "Importer des fichiers dans le registre"
)
#: Columns a firms or streams file has and a levers' table never has (a purchases file has a category,
#: a quantity and a unit like a streams file; a receivers file a name and coordinates like a firms file).
_DECISIVE = {
    "firms": frozenset({"scian_code", "municipality", "park_id", "contact_email", "accepts_hazardous"}),
    "streams": frozenset({"direction", "stream_id"}),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the command's options."""
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help=(
            "CSV or XLSX files (firms, streams, permits, and the mutualisation tables: purchases, "
            "capacity_offers, capacity_needs, treatment_needs, pickups, receivers), recognised by their "
            "headers or names"
        ),
    )
    add_db_argument(parser)
    parser.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of the report")
    parser.add_argument(
        "--rejected",
        type=Path,
        metavar="DIR",
        help="write the rejected rows of each file to DIR, to fix and import again",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def _kind(path: Path, raw: RawTable) -> str:
    """``firms``, ``streams``, ``permits``, or the levers' table (``purchases``…) a file holds."""
    # imported here: the levers' importer reads units with pint, which imports dask when installed,
    # and every command module is imported by ``symbiosis`` at start-up
    from symbiosis.mutual.ingest import guess_mutual_table, table_from_filename

    named = table_from_filename(path.name)
    if named is not None:
        return named
    kind = guess_kind(raw)
    if kind not in _DECISIVE or _DECISIVE[kind] & set(raw.header_map.values()):
        return kind
    return guess_mutual_table(raw) or kind


def _classify(paths: list[Path]) -> dict[str, Path]:
    kinds: dict[str, Path] = {}
    for path in paths:
        kind = _kind(path, read_table(path.read_bytes(), filename=path.name))
        if kind in kinds:
            raise SystemExit(f"two {kind} files given: {kinds[kind]} and {path} / deux fichiers {kind}")
        kinds[kind] = path
    return kinds


def run(args: argparse.Namespace) -> int:
    """Import the files; exit 1 when any row was rejected (the valid ones are stored anyway)."""
    missing = [str(p) for p in args.files if not p.is_file()]
    if missing:
        print(f"Fichier introuvable / file not found: {', '.join(missing)}")
        return 2
    kinds = _classify(args.files)
    repo = Repository.from_url(database_url(args.db))
    batch = ImportBatch(None, None)
    if "firms" in kinds or "streams" in kinds:
        batch = import_files(
            repo, Actor.system("cli-import"), firms_path=kinds.get("firms"), streams_path=kinds.get("streams")
        )
    permits_ok = True
    if "permits" in kinds:
        permits = import_permits(
            repo, Actor.system("cli-import"), kinds["permits"].read_bytes(), filename=kinds["permits"].name
        )
        permits_ok = permits.report.n_rejected == 0
        print(
            f"Autorisations / permits: {len(permits.valid)} acceptée(s) / accepted, "
            f"{permits.report.n_rejected} rejetée(s) / rejected"
        )
    from symbiosis.services.mutual_inputs import import_mutual_file

    levers = [
        import_mutual_file(
            repo, Actor.system("cli-import"), path.read_bytes(), path.name, table=kind, time_budget_s=None
        )
        for kind, path in kinds.items()
        if kind not in ("firms", "streams", "permits")
    ]
    if args.rejected:
        args.rejected.mkdir(parents=True, exist_ok=True)
        results = [
            (kinds[k], r) for k, r in (("firms", batch.firms), ("streams", batch.streams)) if r is not None
        ]
        results += [(kinds[m.table], m.result) for m in levers if m.table and m.result is not None]
        for path, result in results:
            if len(result.rejected):
                (args.rejected / f"{path.stem}_rejected.csv").write_bytes(rejected_file(result))
    if args.json:
        print_json({**batch_summary(batch), **mutual_summary(levers)})
    else:
        print_batch(batch, lang=args.lang)
        print_mutual(levers, lang=args.lang)
    return 0 if batch.ok and permits_ok and all(_clean(m) for m in levers) else 1


def _clean(imported: MutualImport) -> bool:
    return imported.refused is None and imported.result is not None and imported.result.report.ok
