"""``symbiosis report``: write a grant-ready report (PDF, XLSX, CSV, GeoJSON) for a period and territory."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path
from typing import Any

from symbiosis.commands._common import add_db_argument, database_url

NAME = "report"
HELP = (
    "Produire un rapport pour les bailleurs de fonds (PDF, XLSX, CSV, GeoJSON) / write a grant-ready report"
)

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``symbiosis report``."""
    add_db_argument(parser)
    parser.add_argument("--lang", choices=("fr", "en"), default="fr", help="langue / language")
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=("pdf", "xlsx", "csv", "geojson"),
        default=None,
        help="format (default: from --out's extension)",
    )
    parser.add_argument(
        "--territory",
        default="region",
        help='region, "mrc:NAME", "municipality:NAME" or "park:ID" / territoire',
    )
    parser.add_argument(
        "--from",
        dest="start",
        type=dt.date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="start of the period / début de la période",
    )
    parser.add_argument(
        "--to",
        dest="end",
        type=dt.date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="end of the period (inclusive) / fin de la période",
    )
    parser.add_argument(
        "--anonymised",
        "--anonymise",
        action="store_true",
        help="name only consenting firms, aggregate the others by MRC / anonymisé",
    )
    parser.add_argument("--out", metavar="FILE", type=Path, required=True, help="file to write / fichier")
    parser.add_argument(
        "--levers",
        action="store_true",
        help="add a section per mutualisation lever / ajouter une section par levier",
    )
    parser.add_argument(
        "--mutual-dir",
        metavar="DIR",
        type=Path,
        default=None,
        help="folder of the lever tables (default: the registry's; the sample's on a sample registry)",
    )


def _format(args: argparse.Namespace) -> str | None:
    fmt = args.fmt or args.out.suffix.lower().lstrip(".")
    return {"json": "geojson"}.get(fmt, fmt) if fmt in ("pdf", "xlsx", "csv", "geojson", "json") else None


def _with_levers(data: Any, repo: Any, actor: Any, args: argparse.Namespace) -> Any:
    """The report with the section of the mutualisation levers planned on the registry's firms."""
    import dataclasses

    from symbiosis.mutual import run_mutual
    from symbiosis.mutual.files import read_mutual_dir
    from symbiosis.reports.levers import lever_section
    from symbiosis.services.mutual_inputs import load_mutual_inputs

    registry = repo.load_registry(actor)
    if args.mutual_dir is None:
        tables = load_mutual_inputs(repo, actor).data
    else:
        tables, _ = read_mutual_dir(args.mutual_dir, known_firm_ids=set(registry.firms["firm_id"]))
    result = run_mutual(registry.firms, tables)
    section = lever_section(result, registry.firms, receivers=tables.receivers, anonymised=args.anonymised)
    return dataclasses.replace(data, sections=(*data.sections, section))


def run(args: argparse.Namespace) -> int:
    """Write the report; 0 on success, 2 on a bad argument or an unreadable registry."""
    from symbiosis.db import DATABASE_ERRORS, Actor, Repository
    from symbiosis.i18n import tn
    from symbiosis.reports import parse_territory
    from symbiosis.reports.export import export_report
    from symbiosis.reports.unlisted import headers_only_note
    from symbiosis.services.report_source import load_source

    fmt = _format(args)
    if fmt is None:
        print("Format inconnu / unknown format: use --format pdf|xlsx|csv|geojson", file=sys.stderr)
        return 2
    if args.start and args.end and args.end < args.start:
        print("--to précède --from / --to is before --from", file=sys.stderr)
        return 2
    try:
        territory = parse_territory(args.territory)
    except ValueError as exc:
        print(f"Territoire invalide / invalid territory: {exc}", file=sys.stderr)
        return 2
    url = database_url(args.db)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        print(f"Registre introuvable / registry not found: {url}", file=sys.stderr)
        return 2
    actor = Actor.system("cli")
    try:
        repo = Repository.from_url(url, migrate=False)
    except DATABASE_ERRORS as exc:  # a missing driver, an unreachable or corrupt database
        print(f"Registre illisible / unreadable registry: {exc}", file=sys.stderr)
        return 2
    with repo:
        source = load_source(repo, actor)
        period = (args.start, args.end)
        data = source.data(territory=territory, period=period, anonymised=args.anonymised)
        sections = _with_levers(data, repo, actor, args).sections if args.levers else ()
        exported = export_report(
            source,
            fmt,
            args.lang,
            anonymised=args.anonymised,
            territory=territory,
            period=period,
            sections=sections,
        )
        args.out.write_bytes(exported.content)
        if fmt == "csv" and exported.unlisted is not None:  # the file stays headers only, for machines
            logger.warning("%s: %s", args.out.name, headers_only_note(exported.unlisted, args.lang))
        repo.log_event(
            actor,
            "export",
            details={
                "command": "report",
                "file": args.out.name,
                "format": fmt,
                "territory": territory.spec,
                "anonymised": args.anonymised,
            },
        )
    print(tn("reports.cli.written", len(data.synergies), args.lang, path=args.out))
    return 0
