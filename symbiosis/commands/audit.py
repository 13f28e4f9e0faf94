"""``symbiosis audit verify``: recompute the audit trail's hash chain and report its first broken link."""

from __future__ import annotations

import argparse
import sys

from symbiosis.commands._common import add_db_argument, database_url, print_json

NAME = "audit"
HELP = "vérifie la piste d'audit (chaîne de hachage) / verify the audit trail (hash chain)"

_REASONS_FR = {
    "entry without a hash after the first sealed one (inserted around the repository)": (
        "entrée sans empreinte après la première scellée (écrite en contournant l'application)"
    ),
    "does not follow the entry before it (an entry was removed, inserted or reordered)": (
        "ne suit pas l'entrée précédente (une entrée a été supprimée, insérée ou déplacée)"
    ),
    "its content or hash was changed, or it was written without the key": (
        "son contenu ou son empreinte a été modifié, ou elle a été écrite sans la clé"
    ),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``verify`` action, ``--db``, ``--anchor`` and ``--json``."""
    parser.add_argument("action", choices=("verify",), help="verify: recompute the chain")
    add_db_argument(parser)
    parser.add_argument(
        "--anchor",
        metavar="HASH",
        default=None,
        help="a head hash printed by an earlier verify: fail if it is no longer in the chain",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    """Verify the chain; exit 0 when whole, 1 when broken (or the anchor is missing), 2 on error."""
    from sqlalchemy.exc import SQLAlchemyError

    from symbiosis.db import Actor, Repository

    try:
        with Repository.from_url(database_url(args.db)) as repo:
            report = repo.verify_audit(Actor.system("cli-audit"), anchor=args.anchor)
    except SQLAlchemyError as exc:
        sys.stderr.write(
            f"Base de données illisible / cannot read the database: {type(exc).__name__}: "
            f"{exc.__cause__ or exc}\n"
        )
        return 2
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "entries": report.entries,
                "unsealed": report.unsealed,
                "head": report.head,
                "broken_at": report.broken_at,
                "reason": report.reason,
                "anchor_found": report.anchor_found,
            }
        )
    elif report.broken_at is not None:
        sys.stdout.write(
            f"Chaîne rompue à l'entrée n° {report.broken_at} : "
            f"{_REASONS_FR.get(report.reason, report.reason)}.\n"
            f"Broken chain at entry #{report.broken_at}: {report.reason}.\n"
        )
    elif report.anchor_found is False:
        sys.stdout.write(
            f"L'ancre {args.anchor} n'est plus dans la chaîne : la fin de la piste a été "
            "tronquée ou réécrite.\n"
            f"The anchor {args.anchor} is no longer in the chain: the trail's tail was cut "
            "or rewritten.\n"
        )
    else:
        sys.stdout.write(
            f"Piste d'audit intègre : {report.entries} entrées ({report.unsealed} antérieures "
            f"à la chaîne). Tête : {report.head}\n"
            f"Audit trail intact: {report.entries} entries ({report.unsealed} from before "
            f"the chain). Head: {report.head}\n"
        )
    return 0 if report.ok else 1
