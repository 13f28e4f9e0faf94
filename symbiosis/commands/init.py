"""``symbiosis init``: create (or upgrade) a registry database, optionally loading the sample region."""

from __future__ import annotations

import argparse
import logging

from symbiosis.accounts import create_demo_accounts
from symbiosis.commands._common import add_db_argument, database_url, print_json
from symbiosis.commands._imports import batch_summary, print_batch
from symbiosis.db import Actor, Repository
from symbiosis.importing import SAMPLE_DIR, import_files, import_permits

NAME = "init"
HELP = "Create or upgrade the registry database / Créer ou mettre à jour le registre"

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the command's options."""
    add_db_argument(parser)
    parser.add_argument("--sample", action="store_true",
                        help="load the bundled fictional sample region and its DEMO accounts "
                        "(see docs/app.md) / charger la région exemple et ses comptes de DÉMO")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def run(args: argparse.Namespace) -> int:
    """Migrate the database to the latest schema; with ``--sample``, import the sample region.

    ``--sample`` also creates the demo accounts of :mod:`symbiosis.accounts` that do not exist yet
    (published passwords: for trying the app, never for real firms).
    """
    url = database_url(args.db)
    repo = Repository.from_url(url)
    summary: dict = {"database": repo.engine.url.render_as_string(hide_password=True)}
    code = 0
    if args.sample:
        batch = import_files(repo, Actor.system("init"), firms_path=SAMPLE_DIR / "firms.csv",
                             streams_path=SAMPLE_DIR / "streams.csv")
        summary.update(batch_summary(batch))
        if (SAMPLE_DIR / "permits.csv").is_file():
            permits = import_permits(repo, Actor.system("init"), (SAMPLE_DIR / "permits.csv").read_bytes(),
                                     filename="permits.csv")
            summary["permits"] = {"accepted": len(permits.valid), "rejected": permits.report.n_rejected}
        summary["demo_accounts_created"] = create_demo_accounts(repo, Actor.system("init"))
        code = 0 if batch.ok else 1
        if not args.json:
            print_batch(batch, lang="fr")
            created = ", ".join(summary["demo_accounts_created"]) or "-"
            print(f"Comptes de démonstration créés / demo accounts created: {created}")
    if args.json:
        print_json(summary)
    else:
        print(f"Registre prêt / registry ready: {summary['database']}")
    return code
