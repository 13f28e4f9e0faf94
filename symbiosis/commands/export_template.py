"""``symbiosis export-template``: write a blank firms or streams template (CSV or XLSX, French or English)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "export-template"
HELP = "écrit un modèle de fichier à remplir / write a blank template to fill"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--kind``, ``--lang``, ``--format`` and ``--out``."""
    parser.add_argument("--kind", choices=("firms", "streams"), default="streams", help="firms or streams")
    parser.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of the headers")
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=("csv", "xlsx"),
        default=None,
        help="file format (default: from the --out suffix, else xlsx)",
    )
    parser.add_argument("--out", metavar="PATH", required=True, help="where to write the template")


def run(args: argparse.Namespace) -> int:
    """Write the template to ``args.out``; return 0, or 2 when the file cannot be written."""
    from symbiosis.ingest import template_bytes

    fmt = args.fmt or ("csv" if args.out.lower().endswith(".csv") else "xlsx")
    try:
        Path(args.out).write_bytes(template_bytes(args.kind, lang=args.lang, fmt=fmt))
    except OSError as exc:
        sys.stderr.write(f"Écriture impossible / cannot write {args.out}: {exc.strerror or exc}\n")
        return 2
    print(args.out)
    return 0
