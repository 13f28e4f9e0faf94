"""``symbiosis event``: plan a matchmaking event and write the agendas and master schedule (PDF, XLSX)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from symbiosis.commands._common import add_db_argument, database_url

NAME = "event"
HELP = (
    "Planifier une activité de maillage (agendas, horaire général) / plan a matchmaking event "
    "(agendas, master schedule)"
)

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``symbiosis event``."""
    add_db_argument(parser)
    parser.add_argument(
        "--attendees",
        default="all",
        metavar="FILE|all",
        help="file of firm ids (one per line, or a CSV with firm_id) or 'all' / présences",
    )
    parser.add_argument("--tables", type=int, default=15, help="tables (default 15)")
    parser.add_argument("--slots", type=int, default=8, help="time slots (default 8) / plages")
    parser.add_argument("--start", default="09:00", help="first slot, HH:MM / début")
    parser.add_argument("--minutes", type=int, default=20, help="minutes per slot / minutes par plage")
    parser.add_argument("--time-limit", type=float, default=10.0, help="solver time limit, s")
    parser.add_argument("--lang", choices=("fr", "en"), default="fr", help="langue / language")
    parser.add_argument(
        "--must-meet",
        metavar="FILE",
        default=None,
        help="CSV lines 'firm_a,firm_b' of required meetings / rencontres obligatoires",
    )
    parser.add_argument(
        "--unavailable",
        metavar="FILE",
        default=None,
        help=(
            "CSV lines 'firm_id,absence' when a firm is away: a slot (3, from 1), slots (2-4) or hours "
            "(9:00-11:30), as in the app / absences : une plage, des plages ou des heures"
        ),
    )
    parser.add_argument("--out", metavar="FILE", type=Path, required=True, help="agenda.pdf or agenda.xlsx")


def read_attendees(spec: str) -> list[str] | None:
    """Firm ids of ``spec``: None for ``all``; else a file, one id per line or a CSV ``firm_id`` column."""
    if spec.strip().lower() in ("all", "tous", "toutes"):
        return None
    lines = [ln.strip() for ln in Path(spec).read_text(encoding="utf-8-sig").splitlines() if ln.strip()]
    if lines and "firm_id" in lines[0].split(","):
        col = lines[0].split(",").index("firm_id")
        return [ln.split(",")[col].strip() for ln in lines[1:]]
    return lines


def read_couples(path: str | None) -> list[tuple[str, str]]:
    """Two-column CSV lines (a header whose second cell is not a value is skipped); [] without a file."""
    if not path:
        return []
    rows = [ln.split(",") for ln in Path(path).read_text(encoding="utf-8-sig").splitlines() if ln.strip()]
    if any(len(r) < 2 for r in rows):
        raise ValueError(f"{path}: every line needs two comma-separated values")
    if rows and rows[0][0].strip().lower() in ("firm_id", "firm_a", "id_entreprise"):
        rows = rows[1:]
    return [(r[0].strip(), r[1].strip()) for r in rows]


#: The columns of an ``--unavailable`` file, as its findings name them.
ABSENCE_HEADERS = {"firm": "firm_id", "slot": "absence"}
_HEADER_CELLS = ("firm_id", "id_entreprise", "entreprise", "firm")


def absence_rows(text: str) -> list[dict[str, str]]:
    """The lines of an ``--unavailable`` file as the event page's absence rows (``firm``, ``slot``).

    One row per line of the file, a blank or header line as an empty row, so that the findings of
    :func:`symbiosis.events.inputs.read_requests` name the file's own line numbers. A line is a firm
    id, then ``,``, ``;`` or a tab, then the absence as the app reads it (``3``, ``2-4``,
    ``9 h 00 – 11 h 30``).
    """
    rows: list[dict[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        cut = min((i for i in (line.find(c) for c in ",;\t") if i >= 0), default=len(line))
        firm, slot = line[:cut].strip(), line[cut + 1 :].strip()
        header = number == 1 and firm.lower() in _HEADER_CELLS
        rows.append({} if header else {"firm": firm, "slot": slot})
    return rows


def _attending(registry, attendees: list[str] | None) -> set[str]:
    known = set(registry.firms["firm_id"])
    return known if attendees is None else known & set(attendees)


def run(args: argparse.Namespace) -> int:
    """Plan and write; 0 on success, 2 on bad arguments or registry, 1 when no schedule exists."""
    from symbiosis.db import Actor, Repository
    from symbiosis.events import PlannerConfig, check_schedule
    from symbiosis.events.agenda import Timing, agenda_pdf_bytes, agenda_xlsx_bytes, plan_event
    from symbiosis.events.inputs import check_clock, read_requests
    from symbiosis.services.report_source import match_result

    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".xlsx") or args.tables < 1 or args.slots < 1:
        print("--out must end in .pdf or .xlsx; --tables and --slots ≥ 1", file=sys.stderr)
        return 2
    try:
        attendees = read_attendees(args.attendees)
        must_meet = read_couples(args.must_meet)
        away = absence_rows(Path(args.unavailable).read_text("utf-8-sig")) if args.unavailable else []
        timing = Timing(start=args.start, slot_minutes=args.minutes)
        timing.label(0)
        late = check_clock(timing.start, args.minutes, args.slots)
    except (OSError, ValueError) as exc:
        print(f"Argument invalide / invalid argument: {exc}", file=sys.stderr)
        return 2
    if late is not None:  # the agendas would read 00:20 after 23:40 as the same day
        print(f"{late.message('fr')}\n{late.message('en')}", file=sys.stderr)
        return 2
    url = database_url(args.db)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        print(f"Registre introuvable / registry not found: {url}", file=sys.stderr)
        return 2
    actor = Actor.system("cli")
    with Repository.from_url(url, migrate=False) as repo:
        registry = repo.load_registry(actor)
        result = match_result(registry)
        absent = sorted({f for pair in must_meet for f in pair} - _attending(registry, attendees))
        if absent:
            names = ", ".join(absent)
            print(
                f"--must-meet : entreprise(s) absente(s) de l'activité ou du registre : {names}. "
                "Ajoutez-les à --attendees ou retirez ces lignes.\n"
                f"--must-meet: firm(s) not attending or not in the registry: {names}. "
                "Add them to --attendees or remove those lines.",
                file=sys.stderr,
            )
            return 2
        requests = read_requests(
            [],
            away,
            labels={firm: firm for firm in registry.firms["firm_id"].astype(str)},
            attending=_attending(registry, attendees),
            slots=args.slots,
            start=timing.start,
            slot_minutes=args.minutes,
            headers=ABSENCE_HEADERS,
        )
        if requests.findings:  # the event page's own reading of an absence, line by line
            lines = [f"{f.message('fr')}\n  {f.message('en')}" for f in requests.findings]
            print(f"--unavailable {args.unavailable}:\n  " + "\n  ".join(lines), file=sys.stderr)
            return 2
        unavailable = list(requests.unavailable)
        try:
            instance, schedule, greedy = plan_event(
                result.exchanges,
                registry.firms,
                attendees,
                tables=args.tables,
                slots=args.slots,
                config=PlannerConfig(time_limit_s=args.time_limit),
                lang=args.lang,
                must_meet=must_meet,
                unavailable=unavailable,
            )
        except ValueError as exc:  # the planner's own checks on its arguments
            print(f"Argument invalide / invalid argument: {exc}", file=sys.stderr)
            return 2
        if schedule.status not in ("optimal", "feasible"):
            print(f"Aucun horaire / no schedule: {schedule.status}", file=sys.stderr)
            return 1
        problems = check_schedule(instance, schedule)
        if problems:  # a bug, never a user error
            shown = "; ".join(p.message("en") for p in problems[:5])
            print(f"Horaire incohérent / inconsistent schedule: {shown}", file=sys.stderr)
            return 1
        write = agenda_pdf_bytes if suffix == ".pdf" else agenda_xlsx_bytes
        args.out.write_bytes(write(instance, schedule, args.lang, timing, greedy))
        repo.log_event(
            actor,
            "export",
            details={"command": "event", "file": args.out.name, "meetings": len(schedule.meetings)},
        )
    print(
        f"{len(schedule.meetings)} rencontres / meetings ({schedule.status}, {schedule.objective} k$/an; "
        f"glouton / greedy {greedy.objective}) → {args.out}"
    )
    return 0
