"""``symbiosis validate FILE``: check a firms or streams file and print the bilingual report (no database)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from symbiosis.commands._common import print_json
from symbiosis.i18n import Text

NAME = "validate"
HELP = (
    "vérifie un fichier d'entreprises ou de flux sans l'importer / "
    "check a firms or streams file without importing it"
)

_NO_FIRMS = Text(
    "Note : références aux entreprises non vérifiées (voir --firms FICHIER).",
    "Note: firm references not checked (give --firms FILE to check them).",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``FILE``, ``--kind``, ``--lang``, ``--json``, ``--rejected`` and ``--firms``."""
    parser.add_argument("file", metavar="FILE", help="fichier .csv ou .xlsx / .csv or .xlsx file")
    parser.add_argument(
        "--kind",
        choices=("firms", "streams", "auto"),
        default="auto",
        help="type of file (default: guessed from the headers)",
    )
    parser.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of the report")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--rejected",
        metavar="OUT",
        default=None,
        help="write the rejected rows to OUT (.csv or .xlsx) to fix and upload again",
    )
    parser.add_argument(
        "--firms",
        metavar="FILE",
        default=None,
        help="firms file the streams refer to (checks firm_id references)",
    )


def _read(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        sys.stderr.write(f"Lecture impossible / cannot read {path}: {exc.strerror or exc}\n")
        return None


def _validate(data: bytes, filename: str, kind: str, firms_path: str | None):
    from symbiosis.ingest import guess_kind, read_table, validate_firms, validate_streams
    from symbiosis.kb import load_categories
    from symbiosis.kb.waste_codes import load_waste_codes
    from symbiosis.places.geocode import GazetteerGeocoder
    from symbiosis.places.parks import load_parks

    raw = read_table(data, filename=filename)
    kind = guess_kind(raw) if kind == "auto" else kind
    if kind == "firms":
        return kind, validate_firms(raw, geocoder=GazetteerGeocoder(), parks=load_parks()), True
    known = None
    if firms_path is not None:
        firms_data = _read(firms_path)
        if firms_data is None:
            return kind, None, False
        firms = validate_firms(
            read_table(firms_data, filename=firms_path), geocoder=GazetteerGeocoder(), parks=load_parks()
        )
        known = set(firms.valid["firm_id"])
    result = validate_streams(
        raw, categories=load_categories(), waste_codes=load_waste_codes(), known_firm_ids=known
    )
    return kind, result, known is not None


def report_record(kind: str, result: Any, lang: str) -> dict[str, Any]:
    """Return the JSON object printed by ``--json``."""
    report = result.report
    return {
        "kind": kind,
        "ok": report.ok,
        "summary": report.summary(lang),
        "n_rows": report.n_rows,
        "n_valid": report.n_valid,
        "n_rejected": report.n_rejected,
        "issues": [
            {
                "row": i.row,
                "column": i.column,
                "severity": i.severity,
                "code": i.code,
                "expected": i.expected.get(lang),
                "found": i.found,
                "fix": i.fix.get(lang),
                "message": i.message(lang),
            }
            for i in report.issues
        ],
    }


def run(args: argparse.Namespace) -> int:
    """Validate ``args.file``; print the report; return 1 when it has errors, 2 when unreadable."""
    data = _read(args.file)
    if data is None:
        return 2
    kind, result, refs_checked = _validate(data, Path(args.file).name, args.kind, args.firms)
    if result is None:
        return 2
    if args.json:
        print_json(report_record(kind, result, args.lang))
    else:
        print(result.report.summary(args.lang))
        for line in result.report.lines(args.lang):
            print(f"- {line}")
        if kind == "streams" and not refs_checked:
            print(_NO_FIRMS.get(args.lang))
    if args.rejected and len(result.rejected):
        from symbiosis.ingest import rejected_file

        fmt = "xlsx" if args.rejected.lower().endswith(".xlsx") else "csv"
        Path(args.rejected).write_bytes(rejected_file(result, fmt))
    return 0 if result.report.ok else 1
