"""``symbiosis import``: validate firms and streams files and store their valid rows."""

from __future__ import annotations

import argparse
from pathlib import Path

from symbiosis.commands._common import add_db_argument, database_url, print_json
from symbiosis.commands._imports import batch_summary, print_batch
from symbiosis.db import Actor, Repository
from symbiosis.ingest import guess_kind, read_table, rejected_file
from symbiosis.services.importing import import_files, import_permits

NAME = "import"
HELP = "Import firms/streams/permits files into the registry / Importer des fichiers dans le registre"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the command's options."""
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="CSV or XLSX files (firms and/or streams, recognised by their headers)",
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


def _classify(paths: list[Path]) -> dict[str, Path]:
    kinds: dict[str, Path] = {}
    for path in paths:
        kind = guess_kind(read_table(path.read_bytes(), filename=path.name))
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
    if args.rejected:
        args.rejected.mkdir(parents=True, exist_ok=True)
        for kind, result in (("firms", batch.firms), ("streams", batch.streams)):
            if result is not None and len(result.rejected):
                out = args.rejected / f"{kinds[kind].stem}_rejected.csv"
                out.write_bytes(rejected_file(result))
    if args.json:
        print_json(batch_summary(batch))
    else:
        print_batch(batch, lang=args.lang)
    return 0 if batch.ok and permits_ok else 1
