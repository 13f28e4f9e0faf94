"""``symbiosis init``: create (or upgrade) a registry database, optionally loading the sample region."""

from __future__ import annotations

import argparse
import logging
import sys

import pandas as pd

from symbiosis.commands._common import add_db_argument, database_url, print_json
from symbiosis.commands._imports import batch_summary, print_batch
from symbiosis.db import Actor, Repository
from symbiosis.db.accounts import AccountRepository
from symbiosis.db.demo import is_sample
from symbiosis.services.demo_accounts import create_demo_accounts
from symbiosis.services.importing import SAMPLE_DIR, import_files, import_permits

NAME = "init"
HELP = "Create or upgrade the registry database / Créer ou mettre à jour le registre"

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the command's options."""
    add_db_argument(parser)
    parser.add_argument(
        "--sample",
        action="store_true",
        help="load the bundled fictional sample region and its DEMO accounts "
        "(see docs/app.md) / charger la région exemple et ses comptes de DÉMO",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def _flagged(repo: Repository) -> bool:
    with repo.engine.connect() as conn:
        return is_sample(conn)


def run(args: argparse.Namespace) -> int:
    """Migrate the database to the latest schema; with ``--sample``, import the sample region.

    ``--sample`` also creates the demo accounts of :mod:`symbiosis.services.demo_accounts` that do not
    exist yet (published passwords: for trying the app, never for real firms) and flags the registry
    as a sample; it refuses (exit 2) a registry that holds firms and is not a sample.
    """
    with Repository.from_url(database_url(args.db)) as repo:  # closed: the WAL is written back
        return _init(args, repo)


def _init(args: argparse.Namespace, repo: Repository) -> int:
    summary: dict = {"database": repo.engine.url.render_as_string(hide_password=True)}
    code = 0
    if args.sample:
        actor, accounts = Actor.system("init"), AccountRepository(repo)
        sample_ids = set(pd.read_csv(SAMPLE_DIR / "firms.csv", usecols=["firm_id"], dtype=str)["firm_id"])
        real = sorted(set(repo.firms(actor)["firm_id"]) - sample_ids)
        if real and not _flagged(repo):
            shown = ", ".join(real[:3])
            sys.stderr.write(
                f"Refusé : ce registre contient {len(real)} entreprise(s) réelle(s) ({shown}…). "
                "La région exemple et ses comptes de démonstration (mots de passe publics) ne vont que dans "
                "un registre vide ou exemple : utilisez --db avec un autre fichier.\n"
                f"Refused: this registry holds {len(real)} real firm(s) ({shown}…). The sample "
                "region and its demo accounts (public passwords) only go into an empty or sample registry: "
                "use --db with another file.\n"
            )
            return 2
        batch = import_files(
            repo, actor, firms_path=SAMPLE_DIR / "firms.csv", streams_path=SAMPLE_DIR / "streams.csv"
        )
        summary.update(batch_summary(batch))
        if (SAMPLE_DIR / "permits.csv").is_file():
            permits = import_permits(
                repo, actor, (SAMPLE_DIR / "permits.csv").read_bytes(), filename="permits.csv"
            )
            summary["permits"] = {"accepted": len(permits.valid), "rejected": permits.report.n_rejected}
        accounts.mark_sample(actor, sample_ids)
        summary["demo_accounts_created"] = create_demo_accounts(repo, actor)
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
